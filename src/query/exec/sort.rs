//! `Sort` (ORDER BY, with the total order across types), `Skip` and `Limit`.

use std::cmp::Ordering;

use crate::graph::Value;
use crate::query::error::{ErrorKind, QueryError};
use crate::query::eval::{eval, Env};
use crate::query::plan::Expr;

use super::Row;

/// Sorts rows by the keys (stable; `true` means descending).
///
/// # Errors
/// Errors of the key expressions.
pub fn sort(keys: &[(Expr, bool)], rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let mut keyed: Vec<(Vec<Value>, Row)> = Vec::with_capacity(rows.len());
    for row in rows {
        env.guard.check()?;
        let k = keys.iter().map(|(e, _)| eval(e, &row, env)).collect::<Result<_, _>>()?;
        keyed.push((k, row));
    }
    keyed.sort_by(|(a, _), (b, _)| {
        for ((x, y), (_, desc)) in a.iter().zip(b).zip(keys) {
            let o = x.order(y);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
    Ok(keyed.into_iter().map(|(_, r)| r).collect())
}

/// Evaluates a SKIP/LIMIT count: a non-negative integer.
///
/// # Errors
/// An `ArgumentError` for a negative or non-integer count.
pub fn count(e: &Expr, env: &Env, what: &str) -> Result<usize, QueryError> {
    match eval(e, &[], env)? {
        Value::Int(i) if i >= 0 => Ok(i as usize),
        Value::Int(i) => {
            Err(QueryError::new(ErrorKind::ArgumentError, format!("{what} must not be negative, found {i}"))
                .with_detail("NegativeIntegerArgument"))
        }
        Value::Float(f) if f.fract() == 0.0 && f >= 0.0 => Ok(f as usize),
        other => Err(QueryError::new(ErrorKind::ArgumentError, format!("{what} must be an integer, found {other}"))
            .with_detail("InvalidArgumentType")),
    }
}

/// Drops the first n rows.
///
/// # Errors
/// See [`count`].
pub fn skip(e: &Expr, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let n = count(e, env, "SKIP")?;
    Ok(rows.into_iter().skip(n).collect())
}

/// Keeps the first n rows.
///
/// # Errors
/// See [`count`].
pub fn limit(e: &Expr, mut rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let n = count(e, env, "LIMIT")?;
    rows.truncate(n);
    Ok(rows)
}
