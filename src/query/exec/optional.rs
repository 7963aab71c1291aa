//! `Optional`: `OPTIONAL MATCH` runs its sub-pipeline per row and keeps the row, with the new
//! variables null, when nothing matched.

use crate::graph::Value;
use crate::query::error::QueryError;
use crate::query::eval::Env;
use crate::query::plan::LogicalOp;

use super::{run_read, set_slot, Row};

/// Runs an optional sub-pipeline per row.
///
/// # Errors
/// Errors of the sub-pipeline.
pub fn optional(ops: &[LogicalOp], nulls: &[usize], rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::new();
    for row in rows {
        env.guard.check()?;
        let matched = run_read(ops, vec![row.clone()], env)?;
        if matched.is_empty() {
            let mut r = row;
            for s in nulls {
                set_slot(&mut r, *s, Value::Null);
            }
            out.push(r);
        } else {
            out.extend(matched);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{graph, rows};

    #[test]
    fn missing_matches_give_nulls() {
        let mut g = graph("CREATE ({name: 'a'})-[:R]->({name: 'b'})");
        let q = "MATCH (n) OPTIONAL MATCH (n)-[:R]->(m) RETURN n.name, m.name ORDER BY n.name";
        assert_eq!(rows(&mut g, q), ["'a', 'b'", "'b', null"]);
        let q = "MATCH (n {name: 'a'}) OPTIONAL MATCH (n)-[:R]->(m) WHERE m.name = 'zz' RETURN m";
        assert_eq!(rows(&mut g, q), ["null"]);
    }
}
