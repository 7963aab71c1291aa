//! Runs a segment of per-row operators (scans, expansions, filters, projections, `UNWIND`) in
//! batches instead of table by table, so that `MATCH (a), (b) RETURN count(*)` counts a
//! hundred million rows without holding them: each operator sees at most [`BATCH`] rows at a
//! time and hands its output on at once, the aggregate that ends the segment folds each batch
//! in, and a `LIMIT` after it stops the segment once it has enough rows.
//!
//! The batches are processed in order, and every operator here handles its rows one by one, so
//! the rows that come out (and their order) are the same as running the operators table by
//! table; only the peak memory differs.

use crate::query::error::QueryError;
use crate::query::eval::Env;
use crate::query::plan::LogicalOp;
use crate::query::Span;

use super::aggregate::Aggregator;
use super::sort::Sorter;
use super::{expand, read_op, scan, sort, unwind, var_expand, Row};

/// Rows an operator of a segment takes at a time.
pub const BATCH: usize = 16;

/// Whether `op` maps each input row to output rows on its own (no look at other rows).
pub fn is_per_row(op: &LogicalOp) -> bool {
    matches!(
        op,
        LogicalOp::NodeScan { .. }
            | LogicalOp::NodeCheck { .. }
            | LogicalOp::Expand { .. }
            | LogicalOp::VarExpand { .. }
            | LogicalOp::ShortestPath { .. }
            | LogicalOp::Filter(_)
            | LogicalOp::Bind(..)
            | LogicalOp::Optional { .. }
            | LogicalOp::Project { .. }
            | LogicalOp::Unwind(..)
            | LogicalOp::Truncate(_)
    )
}

/// The end of the segment of per-row operators starting at `start` (exclusive).
pub fn segment_end(ops: &[LogicalOp], start: usize) -> usize {
    start + ops[start..].iter().take_while(|op| is_per_row(op)).count()
}

/// Runs `ops[start..end]` (per-row operators) over `rows` in batches, and the operator at
/// `end` too when it is an aggregate (folded batch by batch), a sort (fed batch by batch, and
/// holding only the first k rows when a `LIMIT` follows) or a `LIMIT` (the segment stops once
/// it has enough rows; the `LIMIT` itself still runs after). Returns the rows and the
/// index of the next operator to run. Errors without a position get the span of the operator
/// that failed.
///
/// # Errors
/// Any runtime error of the operators.
pub fn run_segment(
    ops: &[LogicalOp],
    spans: &[Span],
    (start, end): (usize, usize),
    rows: Vec<Row>,
    env: &Env,
) -> Result<(Vec<Row>, usize), QueryError> {
    let place = |i: usize| {
        move |e: QueryError| match (e.span, spans.get(i)) {
            (None, Some(s)) => e.with_span(*s),
            _ => e,
        }
    };
    let segment: Vec<(usize, &LogicalOp)> = (start..end).map(|i| (i, &ops[i])).collect();
    match ops.get(end) {
        Some(LogicalOp::Aggregate { keys, aggs }) => {
            let mut groups = Aggregator::new(keys, aggs);
            let streamed = stream(&segment, rows, env, &place, &mut |batch| {
                groups.add(&batch, env).map(|()| false).map_err(place(end))
            });
            if let Err(e) = streamed {
                groups.discard();
                return Err(e);
            }
            Ok((groups.finish().map_err(place(end))?, end + 1))
        }
        Some(LogicalOp::Sort(keys)) => {
            let mut sorter = Sorter::new(keys, sort::bound(&ops[end + 1..], env));
            let streamed = stream(&segment, rows, env, &place, &mut |batch| {
                sorter.add(batch, env).map(|()| false).map_err(place(end))
            });
            if let Err(e) = streamed {
                sorter.discard();
                return Err(e);
            }
            Ok((sorter.finish(env).map_err(place(end))?, end + 1))
        }
        next => {
            // A LIMIT whose count is known up front stops the segment early; a bad count is
            // reported by the LIMIT operator itself.
            let enough = match next {
                Some(LogicalOp::Limit(e)) => sort::count(e, env, "LIMIT").ok(),
                _ => None,
            };
            let mut out = Vec::new();
            let streamed = stream(&segment, rows, env, &place, &mut |batch| {
                out.extend(batch);
                Ok(enough.is_some_and(|n| out.len() >= n))
            });
            if let Err(e) = streamed {
                super::limits::drop_later(out);
                return Err(e);
            }
            Ok((out, end))
        }
    }
}

/// Pushes `rows` through `ops` in batches, handing each batch that comes out to `sink`; stops
/// when `sink` says it has enough. Returns whether it stopped early.
fn stream<P, F>(
    ops: &[(usize, &LogicalOp)],
    rows: Vec<Row>,
    env: &Env,
    place: &P,
    sink: &mut dyn FnMut(Vec<Row>) -> Result<bool, QueryError>,
) -> Result<bool, QueryError>
where
    P: Fn(usize) -> F,
    F: FnMut(QueryError) -> QueryError,
{
    let Some(((i, op), rest)) = ops.split_first() else {
        return sink(rows);
    };
    match op {
        LogicalOp::NodeScan { var, source, labels, props } => {
            let produce = |row: &Row, emit: &mut Emit| scan::scan_row(var, source, labels, props, row, env, emit);
            return stream_each(*i, &produce, rest, rows, env, place, sink);
        }
        LogicalOp::Expand { types, .. } => {
            let tids = expand::type_ids(env, types);
            let produce = |row: &Row, emit: &mut Emit| expand::expand_row(op, &tids, row, env, emit);
            return stream_each(*i, &produce, rest, rows, env, place, sink);
        }
        LogicalOp::VarExpand { types, .. } => {
            let tids = expand::type_ids(env, types);
            let produce = |row: &Row, emit: &mut Emit| var_expand::var_expand_row(op, &tids, row, env, emit);
            return stream_each(*i, &produce, rest, rows, env, place, sink);
        }
        LogicalOp::Unwind(e, var) => {
            let produce = |row: &Row, emit: &mut Emit| unwind::unwind_row(e, var, row, env, emit);
            return stream_each(*i, &produce, rest, rows, env, place, sink);
        }
        _ => {}
    }
    let mut rows = rows.into_iter();
    loop {
        let batch: Vec<Row> = rows.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            return Ok(false);
        }
        let out = read_op(op, &[], batch, env).map_err(place(*i))?;
        env.guard.check_rows(out.len(), true)?;
        if !out.is_empty() && stream(rest, out, env, place, sink)? {
            return Ok(true);
        }
    }
}

/// What an operator hands its rows to, one at a time; it answers whether it wants more.
type Emit<'e> = dyn FnMut(Row) -> Result<bool, QueryError> + 'e;

/// An operator that produces its rows one at a time (a node scan, an `UNWIND`) hands them on
/// [`BATCH`] at a time as they come, rather than producing all of them before the next
/// operator sees a row: `MATCH (n) RETURN n LIMIT 3` reads three nodes, and
/// `UNWIND range(1, 100000000) AS x RETURN count(x)` never holds more than a batch.
fn stream_each<P, F>(
    i: usize,
    produce: &dyn Fn(&Row, &mut Emit) -> Result<(), QueryError>,
    rest: &[(usize, &LogicalOp)],
    rows: Vec<Row>,
    env: &Env,
    place: &P,
    sink: &mut dyn FnMut(Vec<Row>) -> Result<bool, QueryError>,
) -> Result<bool, QueryError>
where
    P: Fn(usize) -> F,
    F: FnMut(QueryError) -> QueryError,
{
    let mut stopped = false;
    let mut chunk = Vec::with_capacity(BATCH);
    for row in rows {
        produce(&row, &mut |r| {
            chunk.push(r);
            if chunk.len() < BATCH {
                return Ok(true);
            }
            stopped = stream(rest, std::mem::replace(&mut chunk, Vec::with_capacity(BATCH)), env, place, sink)?;
            Ok(!stopped)
        })
        .map_err(place(i))?;
        if stopped {
            return Ok(true);
        }
    }
    if chunk.is_empty() {
        return Ok(false);
    }
    stream(rest, chunk, env, place, sink)
}
