//! Physical operators over a simple batched row model: each operator takes the whole table of
//! rows produced so far and returns the next table. One file per operator family, mirroring
//! [`LogicalOp`]; operators never look at the AST.
//!
//! Read operators see the graph through an [`Env`]; write operators get the [`Ctx`] with the
//! mutable graph and the change counters. Every loop calls [`Guard::check`], so a cancelled or
//! runaway query stops with [`ErrorKind::Cancelled`].

mod aggregate;
mod call;
mod counts;
mod create;
mod delete;
mod expand;
mod filter;
pub mod limits;
mod merge;
mod optional;
mod project;
mod scan;
mod set;
mod shortest;
mod sort;
mod stream;
mod union;
mod unwind;
mod var_expand;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::graph::{GraphError, NodeId, PropertyGraph, RelId, RemovedNode, RemovedRelationship, Value};

use super::error::{ErrorKind, QueryError};
use super::eval::Env;
use super::plan::LogicalOp;
use super::result::QueryStats;
use super::{ExecOptions, Params};

/// One row: values by slot (thin references for graph elements).
pub type Row = Vec<Value>;

/// Cancellation flag, deadline and row limit, checked in every operator loop.
#[derive(Clone, Debug, Default)]
pub struct Guard {
    cancel: Option<Arc<AtomicBool>>,
    deadline: Option<(Instant, Duration)>,
    max_rows: Option<u64>,
    /// The memory budget and the bytes allocated when the query started.
    memory: Option<(u64, usize)>,
    /// Checks since the clock and the memory were last read.
    ticks: std::cell::Cell<u32>,
}

/// [`Guard::check`] reads the clock and the allocation counter once per this many calls (the
/// cancellation flag on every call): a few microseconds of rows between two reads.
const CHECK_CLOCK_EVERY: u32 = 64;

impl Guard {
    /// A guard for one execution.
    pub fn new(options: &ExecOptions) -> Self {
        Guard {
            cancel: options.cancel.clone(),
            deadline: options.timeout.map(|t| (Instant::now() + t, t)),
            max_rows: options.max_rows,
            memory: options.max_memory.map(|m| (m, limits::allocated())),
            ticks: std::cell::Cell::new(0),
        }
    }

    /// Fails when `bytes` more would take the query over its memory budget: the check for one
    /// large allocation (a long `range()`), made before it happens.
    ///
    /// # Errors
    /// [`ErrorKind::Cancelled`].
    pub fn reserve(&self, bytes: u64) -> Result<(), QueryError> {
        match self.memory {
            Some((max, base)) if (limits::allocated().saturating_sub(base) as u64).saturating_add(bytes) > max => {
                Err(out_of_memory(max))
            }
            _ => Ok(()),
        }
    }

    /// Fails when the query was cancelled or ran out of time.
    ///
    /// # Errors
    /// [`ErrorKind::Cancelled`].
    pub fn check(&self) -> Result<(), QueryError> {
        if self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(QueryError::new(ErrorKind::Cancelled, "the query was cancelled"));
        }
        let ticks = self.ticks.get().wrapping_add(1);
        self.ticks.set(ticks);
        if ticks % CHECK_CLOCK_EVERY != 1 {
            return Ok(());
        }
        self.reserve(0)?;
        if let Some((deadline, limit)) = self.deadline {
            if Instant::now() > deadline {
                return Err(QueryError::new(
                    ErrorKind::Cancelled,
                    format!("the query ran longer than its time limit of {}", limits::format_duration(limit)),
                )
                .with_help(
                    "narrow the pattern (bound the *-length), or raise the limit (--timeout, :timeout in the shell)",
                ));
            }
        }
        Ok(())
    }

    /// Fails when the result has more rows than allowed, or an intermediate table more than
    /// twenty times that (so `UNWIND` of a long list followed by `LIMIT` still works, while a
    /// runaway expansion stops before exhausting memory).
    ///
    /// # Errors
    /// [`ErrorKind::Cancelled`].
    pub fn check_rows(&self, rows: usize, intermediate: bool) -> Result<(), QueryError> {
        let factor = if intermediate { 20 } else { 1 };
        match self.max_rows {
            Some(max) if rows as u64 > max.saturating_mul(factor) => {
                Err(QueryError::new(ErrorKind::Cancelled, format!("the query produced more than {max} rows"))
                    .with_help("add LIMIT or narrow the pattern, or raise the row limit"))
            }
            _ => Ok(()),
        }
    }
}

fn out_of_memory(max: u64) -> QueryError {
    QueryError::new(
        ErrorKind::Cancelled,
        format!("the query needs more memory than its budget of {}", limits::format_size(max)),
    )
    .with_help("narrow the pattern, aggregate or add LIMIT, or raise the budget (--max-memory, :memory in the shell)")
}

/// Sets `slot` of `row`, widening the row when needed.
pub fn set_slot(row: &mut Row, slot: usize, v: Value) {
    if row.len() <= slot {
        row.resize(slot + 1, Value::Null);
    }
    row[slot] = v;
}

/// How to take back one change, so a failing statement leaves the graph as it was.
#[derive(Clone, Debug)]
pub enum Undo {
    /// A node was created.
    Node(NodeId),
    /// A relationship was created.
    Rel(RelId),
    /// A node property had this value before (`None`: absent).
    NodeProp(NodeId, String, Option<Value>),
    /// A relationship property had this value before.
    RelProp(RelId, String, Option<Value>),
    /// A label was added.
    LabelAdded(NodeId, String),
    /// A label was removed.
    LabelRemoved(NodeId, String),
    /// A node was deleted (after its relationships, each recorded on its own).
    NodeDeleted(RemovedNode),
    /// A relationship was deleted.
    RelDeleted(RemovedRelationship),
}

/// Execution state for write operators.
pub struct Ctx<'a> {
    /// The graph.
    pub graph: &'a mut PropertyGraph,
    /// Parameters.
    pub params: &'a Params,
    /// Limits.
    pub guard: &'a Guard,
    /// What `CALL` can run.
    pub procedures: &'a super::Procedures,
    /// What the query changed so far.
    pub stats: QueryStats,
    /// Rows out and time per top-level operator, when profiling.
    pub profile: Option<Vec<(usize, Duration)>>,
    /// Changes to take back if the statement fails (`None`: not recorded).
    pub undo: Option<Vec<Undo>>,
}

impl Ctx<'_> {
    /// Records how to take back a change.
    pub fn record(&mut self, u: Undo) {
        if let Some(log) = &mut self.undo {
            log.push(u);
        }
    }

    /// Takes back every recorded change, newest first. Deleted elements come back under their
    /// ids because the graph hands freed ids out again newest first.
    ///
    /// # Errors
    /// The first change that could not be taken back (the graph is then not as it was); the
    /// rest are still tried.
    pub fn rollback(&mut self) -> Result<(), GraphError> {
        let Some(log) = self.undo.take() else { return Ok(()) };
        let mut first_error = None;
        for u in log.into_iter().rev() {
            let done = match u {
                Undo::Node(n) => self.graph.remove_node(n, true),
                Undo::Rel(r) => self.graph.remove_relationship(r),
                Undo::NodeProp(n, k, old) => self.graph.set_node_property(n, &k, old.unwrap_or(Value::Null)).map(drop),
                Undo::RelProp(r, k, old) => self.graph.set_rel_property(r, &k, old.unwrap_or(Value::Null)).map(drop),
                Undo::LabelAdded(n, l) => self.graph.remove_label(n, &l).map(drop),
                Undo::LabelRemoved(n, l) => self.graph.add_label(n, &l).map(drop),
                Undo::NodeDeleted(removed) => self.graph.restore_node(removed).map(drop),
                Undo::RelDeleted(removed) => self.graph.restore_relationship(removed).map(drop),
            };
            if let Err(e) = done {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// A read-only view for expressions and read operators.
    pub fn env(&self) -> Env<'_> {
        Env { graph: self.graph, params: self.params, guard: self.guard }
    }
}

/// Runs a pipeline that may write.
///
/// # Errors
/// Any runtime error of an operator.
pub fn run(ops: &[LogicalOp], rows: Vec<Row>, ctx: &mut Ctx, top: bool) -> Result<Vec<Row>, QueryError> {
    run_spanned(ops, &[], rows, ctx, top)
}

/// Runs a pipeline; an error without a position gets the span of its operator's clause.
///
/// # Errors
/// Any runtime error of an operator.
pub fn run_spanned(
    ops: &[LogicalOp],
    spans: &[super::Span],
    mut rows: Vec<Row>,
    ctx: &mut Ctx,
    top: bool,
) -> Result<Vec<Row>, QueryError> {
    let mut i = 0;
    while i < ops.len() {
        let op = &ops[i];
        let end = stream::segment_end(ops, i);
        // PROFILE counts rows per operator, so it runs them table by table.
        if end > i && ctx.profile.is_none() {
            (rows, i) = stream::run_segment(ops, spans, (i, end), rows, &ctx.env())?;
            ctx.guard.check_rows(rows.len(), true)?;
            continue;
        }
        i += 1;
        let started = Instant::now();
        rows = run_op(op, &ops[i..], rows, ctx).map_err(|e| match (e.span, spans.get(i - 1)) {
            (None, Some(s)) => e.with_span(*s),
            _ => e,
        })?;
        ctx.guard.check_rows(rows.len(), true)?;
        if top {
            if let Some(p) = &mut ctx.profile {
                p.push((rows.len(), started.elapsed()));
            }
        }
    }
    Ok(rows)
}

fn run_op(op: &LogicalOp, next: &[LogicalOp], rows: Vec<Row>, ctx: &mut Ctx) -> Result<Vec<Row>, QueryError> {
    Ok(match op {
        LogicalOp::Create(spec) => create::create(spec, rows, ctx)?,
        LogicalOp::Merge { ops, create, on_create, on_match } => {
            merge::merge(ops, create, on_create, on_match, rows, ctx)?
        }
        LogicalOp::Set(items) => set::set(items, rows, ctx)?,
        LogicalOp::ProcedureCall { name, args, yields, void } => call::call(name, args, yields, *void, rows, ctx)?,
        LogicalOp::Delete { exprs, detach } => delete::delete(exprs, *detach, rows, ctx)?,
        LogicalOp::Union { parts, all } => {
            let mut outs = Vec::new();
            for part in parts {
                outs.push(run(part, vec![Vec::new()], ctx, false)?);
            }
            union::union(outs, *all, &ctx.env())?
        }
        op => read_op(op, next, rows, &ctx.env())?,
    })
}

/// Runs a read-only pipeline (sub-pipelines of expressions, `OPTIONAL MATCH`, `MERGE`'s match).
///
/// # Errors
/// Any runtime error of an operator.
pub fn run_read(ops: &[LogicalOp], mut rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let mut i = 0;
    while i < ops.len() {
        let end = stream::segment_end(ops, i);
        if end > i {
            (rows, i) = stream::run_segment(ops, &[], (i, end), rows, env)?;
        } else {
            rows = read_op(&ops[i], &ops[i + 1..], rows, env)?;
            i += 1;
        }
        env.guard.check_rows(rows.len(), true)?;
    }
    Ok(rows)
}

fn read_op(op: &LogicalOp, next: &[LogicalOp], rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    match op {
        LogicalOp::NodeScan { var, source, labels, props } => scan::node_scan(var, source, labels, props, rows, env),
        LogicalOp::NodeCheck { var, labels, props } => scan::node_check(var, labels, props, rows, env),
        LogicalOp::Expand { .. } => expand::expand(op, rows, env),
        LogicalOp::VarExpand { .. } => var_expand::var_expand(op, rows, env),
        LogicalOp::ShortestPath { .. } => shortest::shortest_path(op, rows, env),
        LogicalOp::Filter(e) => filter::filter(e, rows, env),
        LogicalOp::Bind(v, e) => filter::bind(v, e, rows, env),
        LogicalOp::Optional { ops, nulls } => optional::optional(ops, nulls, rows, env),
        LogicalOp::Project { items, keep, .. } => project::project(items, *keep, rows, env),
        LogicalOp::Aggregate { keys, aggs } => aggregate::aggregate(keys, aggs, rows, env),
        LogicalOp::Distinct(n) => project::distinct(*n, rows, env),
        LogicalOp::Truncate(n) => Ok(project::truncate(*n, rows)),
        LogicalOp::Sort(keys) => sort::sort(keys, rows, env, sort::bound(next, env)),
        LogicalOp::Skip(e) => sort::skip(e, rows, env),
        LogicalOp::Limit(e) => sort::limit(e, rows, env),
        LogicalOp::Unwind(e, v) => unwind::unwind(e, v, rows, env),
        LogicalOp::Discard => Ok(Vec::new()),
        LogicalOp::TypeCounts { aggs } => Ok(counts::type_counts(*aggs, env)),
        LogicalOp::CountProduct { factors, aggs } => Ok(counts::count_product(factors, *aggs, env)),
        LogicalOp::Degrees { source, dir, types, aggs, .. } => counts::degrees(source, *dir, types, *aggs, env),
        LogicalOp::Create(_)
        | LogicalOp::Merge { .. }
        | LogicalOp::Set(_)
        | LogicalOp::Delete { .. }
        | LogicalOp::ProcedureCall { .. }
        | LogicalOp::Union { .. } => Err(QueryError::new(
            ErrorKind::SemanticError,
            "an updating clause or CALL cannot appear inside a pattern expression or OPTIONAL MATCH",
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    use std::time::Duration;

    use crate::query::testutil::graph;
    use crate::query::{execute, ErrorKind, ExecOptions, Params};

    #[test]
    fn cancellation_flag_stops_the_query() {
        let mut g = graph("UNWIND range(1, 10) AS i CREATE ()");
        let opts = ExecOptions { cancel: Some(Arc::new(AtomicBool::new(true))), ..ExecOptions::default() };
        let e = execute(&mut g, "MATCH (n) RETURN n", &Params::new(), &opts).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Cancelled);
    }

    #[test]
    fn row_limit_and_timeout_stop_runaway_queries() {
        let mut g = graph("UNWIND range(1, 30) AS i CREATE ()");
        let opts = ExecOptions { max_rows: Some(10), ..ExecOptions::default() };
        let e = execute(&mut g, "MATCH (n) RETURN n", &Params::new(), &opts).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Cancelled);
        let mut dense = graph("UNWIND range(1, 8) AS i CREATE (:N)");
        execute(
            &mut dense,
            "MATCH (a:N), (b:N) WHERE a <> b CREATE (a)-[:R]->(b)",
            &Params::new(),
            &ExecOptions::default(),
        )
        .unwrap();
        let opts = ExecOptions { timeout: Some(Duration::from_millis(50)), ..ExecOptions::default() };
        let e = execute(&mut dense, "MATCH p = (a)-[*]-(b) RETURN count(p)", &Params::new(), &opts).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Cancelled);
    }
}
