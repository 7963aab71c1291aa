//! `Unwind`: one row per list element (a null list gives no rows, a scalar one row).

use crate::graph::Value;
use crate::query::error::QueryError;
use crate::query::eval::{eval, Env};
use crate::query::plan::{Expr, Var};

use super::{set_slot, Row};

/// Expands each row by the elements of the list.
///
/// # Errors
/// Errors of the expression.
pub fn unwind(e: &Expr, var: &Var, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::new();
    for row in rows {
        let items = match eval(e, &row, env)? {
            Value::Null => continue,
            Value::List(items) => items,
            other => vec![other],
        };
        for item in items {
            env.guard.check()?;
            let mut r = row.clone();
            set_slot(&mut r, var.slot, item);
            out.push(r);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{graph, rows};

    #[test]
    fn lists_nulls_and_scalars() {
        let mut g = graph("");
        assert_eq!(rows(&mut g, "UNWIND [1, [2]] AS x RETURN x"), ["1", "[2]"]);
        assert_eq!(rows(&mut g, "UNWIND null AS x RETURN x"), Vec::<String>::new());
        assert_eq!(rows(&mut g, "UNWIND [] AS x RETURN x"), Vec::<String>::new());
    }
}
