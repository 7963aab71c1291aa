//! The query engine: openCypher text → AST (nom parser) → logical plan → physical operators →
//! [`QueryResult`]. Reads and writes a [`PropertyGraph`]; never opens files, never prints.

pub mod ast;
pub mod binder;
pub mod error;
pub mod eval;
pub mod exec;
pub mod functions;
mod parser;
pub mod plan;
pub mod procedures;
pub mod result;
pub mod span;
#[cfg(test)]
pub(crate) mod testutil;

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

pub use error::{ErrorKind, QueryError};
pub use parser::{parse_literal, parse_query, split_statements};
pub use procedures::{Procedure, Procedures, Signature, TableProcedure};
pub use result::{QueryResult, QueryStats};
pub use span::Span;

use crate::graph::{PropertyGraph, Value};

/// Query parameters: `$name` → value.
pub type Params = BTreeMap<String, Value>;

/// Limits, the cancellation flag and the callable procedures for one execution.
#[derive(Clone, Debug, Default)]
pub struct ExecOptions {
    /// Set to `true` (e.g. by Ctrl-C) to stop the query; checked in every operator loop.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Stop with [`ErrorKind::Cancelled`] after producing more rows than this.
    pub max_rows: Option<u64>,
    /// Stop with [`ErrorKind::Cancelled`] after this much time.
    pub timeout: Option<Duration>,
    /// What `CALL` can run (by default the built-ins).
    pub procedures: Procedures,
    /// Stop with [`ErrorKind::Cancelled`] when the query has allocated more than this many
    /// bytes (measured when the binary's counting allocator is installed, see
    /// [`exec::limits`]).
    pub max_memory: Option<u64>,
}

impl ExecOptions {
    /// The limits of queries a user starts: [`exec::limits::DEFAULT_TIMEOUT`] and half of
    /// physical memory.
    pub fn user_defaults() -> Self {
        ExecOptions {
            timeout: Some(exec::limits::DEFAULT_TIMEOUT),
            max_memory: Some(exec::limits::default_max_memory()),
            ..ExecOptions::default()
        }
    }
}

/// Parses, plans and runs one Cypher statement against `graph`.
///
/// # Errors
/// A [`QueryError`] of the TCK's classes; on error, the graph is left as it was before the
/// statement (a statement is applied entirely or not at all, through an undo log of its
/// changes), up to the order in which its indices list elements.
pub fn execute(
    graph: &mut PropertyGraph,
    query: &str,
    params: &Params,
    options: &ExecOptions,
) -> Result<QueryResult, QueryError> {
    let ast = parse_query(query)?;
    execute_ast(graph, &ast, params, options)
}

/// Plans and runs an already parsed statement (`EXPLAIN` only plans, `PROFILE` also times each
/// operator).
///
/// # Errors
/// Compile-time errors from the binder, runtime errors from the operators.
pub fn execute_ast(
    graph: &mut PropertyGraph,
    ast: &ast::Query,
    params: &Params,
    options: &ExecOptions,
) -> Result<QueryResult, QueryError> {
    let plan = binder::plan_query(ast, graph, &options.procedures)?;
    functions::temporal::begin_statement();
    if ast.mode == ast::QueryMode::Explain {
        return Ok(QueryResult {
            columns: plan.columns.clone(),
            plan: Some(plan.to_string()),
            ..QueryResult::default()
        });
    }
    // Like Neo4j, a missing parameter is reported before anything runs, at the `$name`.
    if let Some((name, span)) = plan.params.iter().find(|(name, _)| !params.contains_key(name)) {
        return Err(QueryError::new(ErrorKind::SemanticError, format!("parameter ${name} was not given"))
            .with_detail("ParameterMissing")
            .with_span(*span)
            .with_help(format!("give it with --param {name}=VALUE, or :param {name} VALUE in the shell")));
    }
    let guard = exec::Guard::new(options);
    let profiling = ast.mode == ast::QueryMode::Profile;
    let mut ctx = exec::Ctx {
        graph,
        params,
        guard: &guard,
        procedures: &options.procedures,
        stats: QueryStats::default(),
        profile: profiling.then(Vec::new),
        undo: None,
    };
    let started = std::time::Instant::now();
    // A statement that writes is all-or-nothing: an undo log takes back creations, updates and
    // deletions, newest first.
    if plan::writes(&plan.ops) {
        ctx.undo = Some(Vec::new());
    }
    let run = exec::run_spanned(&plan.ops, &plan.spans, vec![Vec::new()], &mut ctx, true);
    let rows = match run.and_then(|rows| guard.check_rows(rows.len(), false).map(|()| rows)) {
        Ok(rows) => rows,
        Err(e) => {
            return Err(match ctx.rollback() {
                Ok(()) => e,
                Err(g) => e.with_help(format!(
                    "the statement could not be fully taken back ({g}); do not save this graph, reload it"
                )),
            });
        }
    };
    let width = plan.columns.len();
    let out: Vec<Vec<Value>> = rows
        .into_iter()
        .map(|mut r| {
            r.resize(width, Value::Null);
            r.into_iter().map(|v| eval::materialize(ctx.graph, v)).collect()
        })
        .collect();
    let plan_text = ctx.profile.as_ref().map(|p| {
        let mut text = String::new();
        for (op, (rows, time)) in plan.ops.iter().zip(p) {
            let line = op.to_string();
            let mut lines = line.lines();
            if let Some(first) = lines.next() {
                text.push_str(&format!("{first}  [rows={rows}, time={:.3}ms]\n", time.as_secs_f64() * 1000.0));
            }
            for l in lines {
                text.push_str(l);
                text.push('\n');
            }
        }
        text.push_str(&format!("total: {} row(s) in {:.3}ms\n", out.len(), started.elapsed().as_secs_f64() * 1000.0));
        text
    });
    Ok(QueryResult { columns: plan.columns, rows: out, stats: ctx.stats, plan: plan_text })
}

#[cfg(test)]
mod tests {
    use super::testutil::{error, graph, rows, run};

    #[test]
    fn smoke() {
        let mut g =
            graph("CREATE (a:A {name: 'a'})-[:R {w: 1}]->(b:B {name: 'b'}), (b)-[:R {w: 2}]->(c:C {name: 'c'})");
        assert_eq!(rows(&mut g, "MATCH (n) RETURN n.name ORDER BY n.name"), ["'a'", "'b'", "'c'"]);
        assert_eq!(rows(&mut g, "MATCH (a {name: 'a'})-->(b)-->(c) RETURN c.name"), ["'c'"]);
        assert_eq!(rows(&mut g, "MATCH (a)-[*]->(c) RETURN count(*)"), ["3"]);
        assert_eq!(error(&mut g, "RETURN x"), "SyntaxError (UndefinedVariable)");
        let r = run(&mut g, "MATCH (n) RETURN n.name, count(*)").unwrap();
        assert_eq!(r.columns, ["n.name", "count(*)"]);
    }

    #[test]
    fn merge_does_not_match_deleted_nodes() {
        let mut g = graph("CREATE (:A {num: 1}), (:A {num: 2})");
        let r = run(&mut g, "MATCH (a:A) DELETE a MERGE (a2:A) RETURN a2.num").unwrap();
        assert_eq!((r.stats.nodes_deleted, r.stats.nodes_created), (2, 1), "{}", r.rows.len());
    }

    #[test]
    fn a_missing_parameter_is_reported_at_its_name_before_running() {
        let mut g = graph("CREATE ()");
        let q = "MATCH (n) WHERE n.x = 1 OR $who = 2 CREATE (:New) RETURN n";
        let e = run(&mut g, q).unwrap_err();
        assert_eq!(
            (e.kind_label().as_str(), e.span),
            ("SemanticError (ParameterMissing)", Some(super::Span::new(27, 31)))
        );
        assert_eq!(rows(&mut g, "MATCH (n:New) RETURN count(n)"), ["0"], "nothing ran");
    }

    #[test]
    fn an_arithmetic_type_error_points_at_its_expression() {
        let mut g = graph("");
        let q = "WITH 2 AS x RETURN x + 1 AS y, x * 'a' AS z ORDER BY x + 1";
        let e = run(&mut g, q).unwrap_err();
        assert_eq!((e.kind, e.span), (super::ErrorKind::TypeError, Some(super::Span::new(31, 38))));
        assert_eq!(rows(&mut g, "UNWIND [2, 1] AS x RETURN x + 1 AS y ORDER BY x + 1"), ["2", "3"]);
    }
}
