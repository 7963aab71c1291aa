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
/// A `SyntaxError` (as the TCK classifies it, though found at run time) for a negative or
/// non-integer count.
pub fn count(e: &Expr, env: &Env, what: &str) -> Result<usize, QueryError> {
    match eval(e, &[], env)? {
        Value::Int(i) if i >= 0 => Ok(i as usize),
        Value::Int(i) => {
            Err(QueryError::new(ErrorKind::SyntaxError, format!("{what} must not be negative, found {i}"))
                .with_detail("NegativeIntegerArgument"))
        }
        other => Err(QueryError::new(ErrorKind::SyntaxError, format!("{what} must be an integer, found {other}"))
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

#[cfg(test)]
mod tests {
    use crate::query::testutil::{error, graph, rows};

    #[test]
    fn mixed_types_follow_the_global_order() {
        let mut g = graph("");
        let q = "UNWIND [1, 'a', null, true, [1], {k: 1}, 1.5] AS x RETURN x ORDER BY x";
        assert_eq!(rows(&mut g, q), ["{k: 1}", "[1]", "'a'", "true", "1", "1.5", "null"]);
        let q = "UNWIND [3, null, 1] AS x RETURN x ORDER BY x DESC";
        assert_eq!(rows(&mut g, q), ["null", "3", "1"]);
    }

    #[test]
    fn skip_and_limit() {
        let mut g = graph("");
        assert_eq!(rows(&mut g, "UNWIND range(1, 5) AS x RETURN x SKIP 1 LIMIT 2"), ["2", "3"]);
        assert_eq!(error(&mut g, "UNWIND [1] AS x RETURN x LIMIT 1.5"), "SyntaxError (InvalidArgumentType)");
    }
}
