//! `Union`: the rows of every part, duplicates removed unless `UNION ALL`.

use super::project::distinct;
use super::Row;

/// Concatenates the parts' rows.
pub fn union(parts: Vec<Vec<Row>>, all: bool) -> Vec<Row> {
    let width = parts.iter().flatten().map(Vec::len).max().unwrap_or(0);
    let rows: Vec<Row> = parts.into_iter().flatten().collect();
    if all {
        rows
    } else {
        distinct(width, rows)
    }
}
