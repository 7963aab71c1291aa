//! `Sort` (ORDER BY, with the total order across types), `Skip` and `Limit`.

use std::cmp::Ordering;

use crate::graph::Value;
use crate::query::error::{ErrorKind, QueryError};
use crate::query::eval::{eval, Env};
use crate::query::plan::{Expr, LogicalOp};

use super::Row;

/// Sorts rows by the keys (stable; `true` means descending).
///
/// With `bound = Some(k)` (the sort feeds `SKIP`/`LIMIT` that keep at most the first k rows),
/// only the first k rows of the sorted order are kept: a selection of the k smallest followed
/// by a sort of those k, ordered exactly as the full stable sort would order them (ties keep
/// their input order).
///
/// # Errors
/// Errors of the key expressions.
pub fn sort(keys: &[(Expr, bool)], rows: Vec<Row>, env: &Env, bound: Option<usize>) -> Result<Vec<Row>, QueryError> {
    let mut keyed: Vec<(Vec<Value>, usize, Row)> = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        env.guard.check()?;
        let k = keys.iter().map(|(e, _)| eval(e, &row, env)).collect::<Result<_, _>>()?;
        keyed.push((k, i, row));
    }
    // The input position breaks ties, so the order is total and an unstable selection and sort
    // give the stable sort's result.
    let cmp = |(a, i, _): &(Vec<Value>, usize, Row), (b, j, _): &(Vec<Value>, usize, Row)| {
        for ((x, y), (_, desc)) in a.iter().zip(b).zip(keys) {
            let o = x.order(y);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        i.cmp(j)
    };
    match bound {
        Some(0) => keyed.clear(),
        Some(k) if k < keyed.len() => {
            keyed.select_nth_unstable_by(k - 1, cmp);
            keyed.truncate(k);
            keyed.sort_unstable_by(cmp);
        }
        _ => keyed.sort_unstable_by(cmp),
    }
    Ok(keyed.into_iter().map(|(_, _, r)| r).collect())
}

/// How many rows of a sort's output the `SKIP`/`LIMIT` operators right after it can keep:
/// skip + limit when a `LIMIT` follows, `None` (all of them) otherwise or when a count does not
/// evaluate (the operator itself then reports the error).
pub fn bound(next: &[LogicalOp], env: &Env) -> Option<usize> {
    let mut skipped = 0usize;
    for op in next {
        match op {
            LogicalOp::Skip(e) => skipped = skipped.saturating_add(count(e, env, "SKIP").ok()?),
            LogicalOp::Limit(e) => return Some(skipped.saturating_add(count(e, env, "LIMIT").ok()?)),
            _ => return None,
        }
    }
    None
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

    #[test]
    fn top_k_keeps_the_stable_sort_order() {
        let mut g = graph("");
        let q = "UNWIND [[3, 'a'], [1, 'b'], [3, 'c'], null, [2, 'd'], [1, 'e'], [3, 'f']] AS p \
                 RETURN p[1] AS s ORDER BY p[0] DESC SKIP 1 LIMIT 4";
        assert_eq!(rows(&mut g, q), ["'a'", "'c'", "'f'", "'d'"]);
        let q = "UNWIND [5, 1, 4, 1, 3, 9, 2] AS x RETURN x ORDER BY x LIMIT 3";
        assert_eq!(rows(&mut g, q), ["1", "1", "2"]);
        assert_eq!(rows(&mut g, "UNWIND [2, 1] AS x RETURN x ORDER BY x LIMIT 0"), Vec::<String>::new());
        assert_eq!(error(&mut g, "UNWIND [1] AS x RETURN x LIMIT 1.5"), "SyntaxError (InvalidArgumentType)");
    }
}
