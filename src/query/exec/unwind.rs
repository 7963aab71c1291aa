//! `Unwind`: one row per list element (a null list gives no rows, a scalar one row).
//! `UNWIND range(…)` walks the integers without building the list, so it runs in constant
//! memory when the operators after it consume rows as they come (see [`super::stream`]).

use crate::graph::Value;
use crate::query::error::QueryError;
use crate::query::eval::{eval, Env};
use crate::query::functions::{range_iter, RangeIter};
use crate::query::plan::{Expr, Spot, Var};

use super::{set_slot, Row};

/// The elements one row unwinds to, handed out one at a time.
pub enum Items {
    /// The elements of an evaluated list (or the one scalar).
    List(std::vec::IntoIter<Value>),
    /// The integers of a `range()` call, never held as a list.
    Range(RangeIter),
}

impl Iterator for Items {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        match self {
            Items::List(items) => items.next(),
            Items::Range(r) => r.next().map(Value::Int),
        }
    }
}

/// Evaluates the unwound expression for one row: a call of `range()` lazily, anything else
/// as a value (a null gives no elements, a scalar itself).
///
/// # Errors
/// Errors of the expression.
pub fn items(e: &Expr, row: &[Value], env: &Env) -> Result<Items, QueryError> {
    let (spot, inner) = match e {
        Expr::At(Spot(span), inner) => (Some(*span), inner.as_ref()),
        other => (None, other),
    };
    if let Expr::Call(name, args) = inner {
        if name == "range" {
            let lazy = || {
                let vals: Vec<Value> = args.iter().map(|a| eval(a, row, env)).collect::<Result<_, _>>()?;
                range_iter(&vals)
            };
            return match lazy() {
                Ok(Some(r)) => Ok(Items::Range(r)),
                Ok(None) => Ok(Items::List(Vec::new().into_iter())),
                Err(err) => Err(match spot {
                    Some(span) if err.span.is_none() => err.with_span(span),
                    _ => err,
                }),
            };
        }
    }
    Ok(Items::List(
        match eval(e, row, env)? {
            Value::Null => Vec::new(),
            Value::List(items) => items,
            other => vec![other],
        }
        .into_iter(),
    ))
}

/// Hands each row of `row` with `var` set to one element to `emit`, until `emit` says it wants
/// no more (returns false).
///
/// # Errors
/// Errors of the expression and of `emit`, cancellation.
pub fn unwind_row(
    e: &Expr,
    var: &Var,
    row: &Row,
    env: &Env,
    emit: &mut dyn FnMut(Row) -> Result<bool, QueryError>,
) -> Result<(), QueryError> {
    for item in items(e, row, env)? {
        env.guard.check()?;
        let mut r = Vec::with_capacity(row.len().max(var.slot + 1));
        r.extend_from_slice(row);
        set_slot(&mut r, var.slot, item);
        if !emit(r)? {
            break;
        }
    }
    Ok(())
}

/// Expands each row by the elements of the list.
///
/// # Errors
/// Errors of the expression.
pub fn unwind(e: &Expr, var: &Var, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::new();
    for row in rows {
        unwind_row(e, var, &row, env, &mut |r| {
            out.push(r);
            Ok(true)
        })?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{graph, rows};
    use crate::query::{execute, ErrorKind, ExecOptions, Params};

    #[test]
    fn lists_nulls_and_scalars() {
        let mut g = graph("");
        assert_eq!(rows(&mut g, "UNWIND [1, [2]] AS x RETURN x"), ["1", "[2]"]);
        assert_eq!(rows(&mut g, "UNWIND null AS x RETURN x"), Vec::<String>::new());
        assert_eq!(rows(&mut g, "UNWIND [] AS x RETURN x"), Vec::<String>::new());
    }

    #[test]
    fn a_range_unwinds_lazily_with_the_same_rows_and_errors() {
        let mut g = graph("");
        assert_eq!(rows(&mut g, "UNWIND range(10, 1, -4) AS x RETURN x"), ["10", "6", "2"]);
        assert_eq!(rows(&mut g, "UNWIND range(1, 0) AS x RETURN x"), Vec::<String>::new());
        assert_eq!(rows(&mut g, "UNWIND range(1, null) AS x RETURN x"), Vec::<String>::new());
        assert_eq!(rows(&mut g, "UNWIND range(1, 3) AS x WITH x WHERE x > 1 RETURN x LIMIT 1"), ["2"]);
        let opts = ExecOptions::default();
        let e = execute(&mut g, "UNWIND range(1, 5, 0) AS x RETURN x", &Params::new(), &opts).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ArgumentError);
        assert_eq!(e.span.map(|s| s.start), Some(7), "the error points at the call");
    }

    #[test]
    fn a_long_range_is_counted_within_a_small_memory_budget() {
        let mut g = graph("");
        let opts = ExecOptions { max_memory: Some(1 << 20), ..ExecOptions::default() };
        let q = "UNWIND range(1, 1000000) AS x RETURN count(x), sum(x)";
        let r = execute(&mut g, q, &Params::new(), &opts).unwrap();
        assert_eq!(r.rows[0].iter().map(ToString::to_string).collect::<Vec<_>>(), ["1000000", "500000500000"]);
        // Built as a list, the same range is over the budget.
        let e = execute(&mut g, "RETURN size(range(1, 1000000))", &Params::new(), &opts).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Cancelled);
    }
}
