//! `Union`: the rows of every part, duplicates removed unless `UNION ALL`.

use crate::query::error::QueryError;
use crate::query::eval::Env;

use super::project::distinct;
use super::Row;

/// Concatenates the parts' rows.
///
/// # Errors
/// Cancellation.
pub fn union(parts: Vec<Vec<Row>>, all: bool, env: &Env) -> Result<Vec<Row>, QueryError> {
    let width = parts.iter().flatten().map(Vec::len).max().unwrap_or(0);
    let rows: Vec<Row> = parts.into_iter().flatten().collect();
    if all {
        Ok(rows)
    } else {
        distinct(width, rows, env)
    }
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{graph, rows};

    #[test]
    fn union_removes_duplicates_union_all_keeps_them() {
        let mut g = graph("");
        assert_eq!(rows(&mut g, "RETURN 1 AS x UNION RETURN 1 AS x"), ["1"]);
        assert_eq!(rows(&mut g, "RETURN 1 AS x UNION ALL RETURN 1 AS x"), ["1", "1"]);
    }
}
