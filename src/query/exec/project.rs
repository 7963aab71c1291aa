//! `Project` (compute the items of `WITH`/`RETURN`), `Distinct` and `Truncate`.

use std::collections::HashSet;

use crate::graph::Value;
use crate::query::error::QueryError;
use crate::query::eval::{eval, Env};
use crate::query::plan::Expr;

use super::Row;

/// Replaces each row by the items (followed by the old row when `keep`).
///
/// # Errors
/// Errors of the expressions.
pub fn project(items: &[Expr], keep: bool, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        env.guard.check()?;
        let mut r: Row = items.iter().map(|e| eval(e, &row, env)).collect::<Result<_, _>>()?;
        if keep {
            r.extend(row);
        }
        out.push(r);
    }
    Ok(out)
}

/// Keeps the first row of each group of rows equal (by equivalence) in the first `n` slots.
pub fn distinct(n: usize, rows: Vec<Row>) -> Vec<Row> {
    let mut seen: HashSet<Vec<Value>> = HashSet::new();
    rows.into_iter()
        .filter(|r| {
            let key: Vec<Value> = (0..n).map(|i| r.get(i).cloned().unwrap_or(Value::Null)).collect();
            seen.insert(key)
        })
        .collect()
}

/// Cuts every row to its first `n` slots.
pub fn truncate(n: usize, rows: Vec<Row>) -> Vec<Row> {
    rows.into_iter()
        .map(|mut r| {
            r.resize(n, Value::Null);
            r
        })
        .collect()
}
