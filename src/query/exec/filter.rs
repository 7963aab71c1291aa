//! `Filter` (keep rows whose predicate is true) and `Bind` (set a slot from an expression).

use crate::query::error::QueryError;
use crate::query::eval::{eval, eval_predicate, Env};
use crate::query::plan::{Expr, Var};

use super::{set_slot, Row};

/// Keeps the rows where `pred` is true.
///
/// # Errors
/// Errors of the predicate.
pub fn filter(pred: &Expr, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        env.guard.check()?;
        if eval_predicate(pred, &row, env)? {
            out.push(row);
        }
    }
    Ok(out)
}

/// Sets `var` to `expr` in every row.
///
/// # Errors
/// Errors of the expression.
pub fn bind(var: &Var, expr: &Expr, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::with_capacity(rows.len());
    for mut row in rows {
        env.guard.check()?;
        let v = eval(expr, &row, env)?;
        set_slot(&mut row, var.slot, v);
        out.push(row);
    }
    Ok(out)
}
