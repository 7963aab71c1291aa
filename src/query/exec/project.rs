//! `Project` (compute the items of `WITH`/`RETURN`), `Distinct` and `Truncate`.

use std::collections::HashSet;

use crate::graph::Value;
use crate::query::error::QueryError;
use crate::query::eval::{eval, Env};
use crate::query::plan::Expr;

use super::{limits, Row};

/// Replaces each row by the items (followed by the old row when `keep`).
///
/// # Errors
/// Errors of the expressions.
pub fn project(items: &[Expr], keep: bool, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter();
    while let Some(row) = rows.next() {
        let done: Result<Row, QueryError> =
            env.guard.check().and_then(|()| items.iter().map(|e| eval(e, &row, env)).collect());
        match done {
            Ok(mut r) => {
                if keep {
                    r.extend(row);
                }
                out.push(r);
            }
            Err(e) => {
                // The rows may hold long lists: a cancelled query does not wait for them.
                limits::drop_later((out, row, rows));
                return Err(e);
            }
        }
    }
    Ok(out)
}

/// Keeps the first row of each group of rows equal (by equivalence) in the first `n` slots.
///
/// # Errors
/// Cancellation.
pub fn distinct(n: usize, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let mut seen: HashSet<Vec<Value>> = HashSet::new();
    let mut out = Vec::new();
    for r in rows {
        env.guard.check()?;
        let key: Vec<Value> = (0..n).map(|i| r.get(i).cloned().unwrap_or(Value::Null)).collect();
        if seen.insert(key) {
            out.push(r);
        }
    }
    Ok(out)
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
