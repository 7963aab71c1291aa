//! `CALL`: runs a registered procedure once per input row with the row's argument values and
//! binds the outputs `YIELD` takes, one row per output row. A void procedure keeps each row.

use crate::graph::Value;
use crate::query::error::{ErrorKind, QueryError};
use crate::query::eval::eval;
use crate::query::plan::{Expr, Var};

use super::{set_slot, Ctx, Row};

/// Runs the `ProcedureCall` operator.
pub(super) fn call(
    name: &str,
    args: &[Expr],
    yields: &[(usize, Var)],
    void: bool,
    rows: Vec<Row>,
    ctx: &mut Ctx,
) -> Result<Vec<Row>, QueryError> {
    let procedure = ctx.procedures.get(name).cloned().ok_or_else(|| {
        QueryError::new(ErrorKind::ProcedureError, format!("there is no procedure called {name}"))
            .with_detail("ProcedureNotFound")
    })?;
    let inputs = &procedure.signature().inputs;
    let mut out = Vec::new();
    for row in rows {
        ctx.guard.check()?;
        let env = ctx.env();
        let mut values = Vec::with_capacity(args.len());
        for (arg, field) in args.iter().zip(inputs) {
            if let Expr::Param(p) = arg {
                if !env.params.contains_key(p) {
                    return Err(QueryError::new(
                        ErrorKind::ParameterMissing,
                        format!("{name} needs parameter ${p} for its input '{}'", field.name),
                    )
                    .with_detail("MissingParameter"));
                }
            }
            let v = eval(arg, &row, &env)?;
            values.push(
                field.ty.coerce(v).map_err(|e| QueryError {
                    message: format!("{name}: input '{}': {}", field.name, e.message),
                    ..e
                })?,
            );
        }
        let results = procedure.call(ctx.graph, ctx.procedures, &values)?;
        if void {
            out.push(row);
            continue;
        }
        for result in results {
            let mut next = row.clone();
            for (i, var) in yields {
                set_slot(&mut next, var.slot, result.get(*i).cloned().unwrap_or(Value::Null));
            }
            out.push(next);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{error, graph, rows, run};

    #[test]
    fn standalone_and_in_query_calls() {
        let mut g = graph("CREATE (:B {x: 1})-[:R]->(:A {y: 2})");
        assert_eq!(rows(&mut g, "CALL db.labels"), ["'A'", "'B'"]);
        assert_eq!(run(&mut g, "CALL db.labels()").unwrap().columns, ["label"]);
        assert_eq!(rows(&mut g, "CALL db.propertyKeys() YIELD propertyKey AS k WHERE k <> 'x'"), ["'y'"]);
        assert_eq!(
            rows(&mut g, "MATCH (n:A) CALL db.relationshipTypes() YIELD relationshipType AS t RETURN n.y, t"),
            ["2, 'R'"]
        );
        assert_eq!(rows(&mut g, "UNWIND [1, 2] AS i CALL db.labels() YIELD label RETURN count(*)"), ["4"]);
    }

    #[test]
    fn calls_are_checked_against_the_signature() {
        let mut g = graph("");
        assert_eq!(error(&mut g, "CALL db.nope()"), "ProcedureError (ProcedureNotFound)");
        assert_eq!(error(&mut g, "CALL db.labels(1)"), "SyntaxError (InvalidNumberOfArguments)");
        assert_eq!(error(&mut g, "CALL db.labels() YIELD nope RETURN 1"), "SyntaxError (UndefinedVariable)");
        assert_eq!(
            error(&mut g, "WITH 1 AS label CALL db.labels() YIELD label RETURN 1"),
            "SyntaxError (VariableAlreadyBound)"
        );
        assert_eq!(error(&mut g, "CALL db.labels() YIELD * RETURN label"), "SyntaxError (UnexpectedSyntax)");
        assert_eq!(error(&mut g, "MATCH (n) CALL db.labels() YIELD label"), "SyntaxError (InvalidClauseComposition)");
    }
}
