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
pub use result::{QueryResult, QueryStats};
pub use span::Span;

use crate::graph::{PropertyGraph, Value};

/// Query parameters: `$name` → value.
pub type Params = BTreeMap<String, Value>;

/// Limits and the cancellation flag for one execution.
#[derive(Clone, Debug, Default)]
pub struct ExecOptions {
    /// Set to `true` (e.g. by Ctrl-C) to stop the query; checked in every operator loop.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Stop with [`ErrorKind::Cancelled`] after producing more rows than this.
    pub max_rows: Option<u64>,
    /// Stop with [`ErrorKind::Cancelled`] after this much time.
    pub timeout: Option<Duration>,
}

/// Parses, plans and runs one Cypher statement against `graph`.
///
/// # Errors
/// A [`QueryError`] of the TCK's classes; on error, the graph is left as it was before the
/// statement (a statement is applied entirely or not at all).
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
    let plan = binder::plan_query(ast, graph)?;
    functions::temporal::begin_statement();
    if ast.mode == ast::QueryMode::Explain {
        return Ok(QueryResult {
            columns: plan.columns.clone(),
            plan: Some(plan.to_string()),
            ..QueryResult::default()
        });
    }
    let guard = exec::Guard::new(options);
    let profiling = ast.mode == ast::QueryMode::Profile;
    let mut ctx = exec::Ctx {
        graph,
        params,
        guard: &guard,
        stats: QueryStats::default(),
        profile: profiling.then(Vec::new),
        undo: None,
    };
    let started = std::time::Instant::now();
    // A statement that writes is all-or-nothing: an undo log takes back creations and
    // updates; deleted elements cannot be recreated with their ids, so a statement that
    // deletes keeps a copy of the graph instead.
    let backup = plan::deletes(&plan.ops).then(|| ctx.graph.clone());
    if backup.is_none() && plan::writes(&plan.ops) {
        ctx.undo = Some(Vec::new());
    }
    let run = exec::run_spanned(&plan.ops, &plan.spans, vec![Vec::new()], &mut ctx, true);
    let rows = match run.and_then(|rows| guard.check_rows(rows.len(), false).map(|()| rows)) {
        Ok(rows) => rows,
        Err(e) => {
            match backup {
                Some(b) => *ctx.graph = b,
                None => ctx.rollback(),
            }
            return Err(e);
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
}
