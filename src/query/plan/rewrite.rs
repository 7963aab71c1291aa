//! Rewrite passes over the logical plan, applied by [`optimize`] in this order:
//!
//! 1. [`push_down_filters`]: each `Filter` moves up to just after the operator that binds the
//!    last slot it reads, within its run of pattern operators, so rows are dropped before
//!    further expansion.
//!
//! Anchor choice (name index, then the smallest label) happens when the binder orders a
//! pattern, since it decides which operators exist rather than where they sit.
//!
//! One pass runs on a whole statement instead, once it is planned: [`answer_from_indexes`]
//! replaces a pattern that only feeds counts (by type, per node, or in total) with an operator
//! that reads the counts off the indices or counts degrees in one pass.

use std::collections::HashSet;

use crate::graph::Direction;

use super::{AggCall, AggFunc, CountFactor, Expr, LogicalOp, MapSelector, PathPart, ScanSource, SubPlan};
use crate::query::span::Span;

/// Applies every pass in order.
pub fn optimize(ops: Vec<LogicalOp>) -> Vec<LogicalOp> {
    push_down_filters(ops)
}

/// The label of a node scan without filters (`None` inside: every node), or `None` when the
/// scan filters.
fn plain_scan(op: &LogicalOp) -> Option<(usize, Option<&String>)> {
    match op {
        LogicalOp::NodeScan { var, source: ScanSource::All, labels, props }
            if labels.is_empty() && props.is_empty() =>
        {
            Some((var.slot, None))
        }
        LogicalOp::NodeScan { var, source: ScanSource::Label(l), labels, props }
            if props.is_empty() && labels.iter().all(|x| x == l) =>
        {
            Some((var.slot, Some(l)))
        }
        _ => None,
    }
}

/// An expansion from `from` to a new node over a new relationship, without filters: its
/// relationship and node slots, direction and types.
fn plain_expand(op: &LogicalOp, from_slot: usize) -> Option<(usize, usize, Direction, &[String])> {
    match op {
        LogicalOp::Expand { from, rel, to, dir, types, props, to_bound: false, rel_bound: false, uniq }
            if from.slot == from_slot && props.is_empty() && uniq.is_empty() =>
        {
            Some((rel.slot, to.slot, *dir, types))
        }
        _ => None,
    }
}

fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::At(_, inner) => strip(inner),
        other => other,
    }
}

/// Whether every aggregate is `count(*)` or a plain `count` of one of `slots` (never null
/// in a match); returns how many.
fn counts_only(aggs: &[AggCall], slots: &[usize]) -> Option<usize> {
    aggs.iter()
        .all(|a| match (a.func, &a.arg) {
            (AggFunc::CountStar, None) => true,
            (AggFunc::Count, Some(e)) if !a.distinct => matches!(strip(e), Expr::Var(v) if slots.contains(&v.slot)),
            _ => false,
        })
        .then_some(aggs.len())
}

/// Replaces a leading pattern whose rows only feed counts by an operator that reads the counts
/// from the graph's indices: `MATCH ()-[r]->() RETURN type(r), count(*)` from the type index,
/// `MATCH (n)-->() RETURN n, count(*)` from per-node degrees, `MATCH (a), (b) RETURN count(*)`
/// as a product of index sizes. Only the start of a statement's pipeline qualifies: there the
/// input is the one empty row. `spans` stays in step with `ops`.
pub fn answer_from_indexes(ops: &mut Vec<LogicalOp>, spans: &mut Vec<Span>) {
    let Some((replaced, op)) = index_answer(ops) else { return };
    ops.splice(..replaced, [op]);
    if spans.len() >= replaced {
        spans.drain(..replaced - 1);
    }
}

/// The number of leading operators an index answer replaces, and the operator.
fn index_answer(ops: &[LogicalOp]) -> Option<(usize, LogicalOp)> {
    let (n, label) = plain_scan(ops.first()?)?;
    // One node and one relationship: by type, or per node.
    if let (Some(expand), Some(LogicalOp::Aggregate { keys, aggs })) = (ops.get(1), ops.get(2)) {
        if let Some((r, m, dir, types)) = plain_expand(expand, n) {
            let slots = [n, r, m];
            let var = match &ops[0] {
                LogicalOp::NodeScan { var, .. } => var.clone(),
                _ => return None,
            };
            let by_type = matches!(keys.as_slice(), [k] if matches!(strip(k), Expr::Call(f, args)
                if f == "type" && matches!(args.as_slice(), [a] if matches!(strip(a), Expr::Var(v) if v.slot == r))));
            if by_type && label.is_none() && types.is_empty() && dir != Direction::Both {
                return Some((3, LogicalOp::TypeCounts { aggs: counts_only(aggs, &slots)? }));
            }
            if matches!(keys.as_slice(), [k] if matches!(strip(k), Expr::Var(v) if v.slot == n)) {
                let source = label.map_or(ScanSource::All, |l| ScanSource::Label(l.clone()));
                let aggs = counts_only(aggs, &slots)?;
                return Some((3, LogicalOp::Degrees { var, source, dir, types: types.to_vec(), aggs }));
            }
        }
    }
    // Independent parts and a total count.
    let mut factors = Vec::new();
    let mut slots = Vec::new();
    let mut i = 0;
    loop {
        match ops.get(i)? {
            LogicalOp::Aggregate { keys, aggs } if keys.is_empty() && i > 0 => {
                let aggs = counts_only(aggs, &slots)?;
                return Some((i + 1, LogicalOp::CountProduct { factors, aggs }));
            }
            op => {
                let (n, label) = plain_scan(op)?;
                slots.push(n);
                match ops.get(i + 1).and_then(|next| plain_expand(next, n)) {
                    Some((r, m, dir, types)) if label.is_none() && dir != Direction::Both => {
                        slots.extend([r, m]);
                        factors.push(CountFactor::Rels(types.to_vec()));
                        i += 2;
                    }
                    Some(_) => return None,
                    None => {
                        factors.push(CountFactor::Nodes(label.cloned()));
                        i += 1;
                    }
                }
            }
        }
    }
}

/// The slots an operator binds, or `None` when it is a barrier filters must not cross.
fn binds(op: &LogicalOp) -> Option<Vec<usize>> {
    match op {
        LogicalOp::NodeScan { var, .. } => Some(vec![var.slot]),
        LogicalOp::NodeCheck { .. } | LogicalOp::Filter(_) => Some(vec![]),
        LogicalOp::Expand { rel, to, .. } | LogicalOp::VarExpand { rel, to, .. } => Some(vec![rel.slot, to.slot]),
        LogicalOp::ShortestPath { path, rel, .. } => {
            Some(std::iter::once(path.slot).chain(rel.as_ref().map(|r| r.slot)).collect())
        }
        LogicalOp::Bind(v, _) => Some(vec![v.slot]),
        _ => None,
    }
}

/// Moves filters up past pattern operators that bind nothing the filter reads.
pub fn push_down_filters(ops: Vec<LogicalOp>) -> Vec<LogicalOp> {
    let mut out: Vec<LogicalOp> = Vec::with_capacity(ops.len());
    for op in ops {
        let op = match op {
            LogicalOp::Optional { ops, nulls } => LogicalOp::Optional { ops: push_down_filters(ops), nulls },
            LogicalOp::Union { parts, all } => {
                LogicalOp::Union { parts: parts.into_iter().map(push_down_filters).collect(), all }
            }
            other => other,
        };
        if let LogicalOp::Filter(e) = &op {
            let mut used = HashSet::new();
            slots_used(e, &mut used);
            let mut pos = out.len();
            while pos > 0 {
                match binds(&out[pos - 1]) {
                    Some(b) if !b.iter().any(|s| used.contains(s)) && !matches!(out[pos - 1], LogicalOp::Filter(_)) => {
                        pos -= 1
                    }
                    _ => break,
                }
            }
            // Never in front of the first operator of the run when nothing before binds: keep
            // the filter after the scan that starts the pattern if it reads no slot at all.
            if pos == 0 && !out.is_empty() && used.is_empty() {
                pos = out.len();
            }
            out.insert(pos, op);
        } else {
            out.push(op);
        }
    }
    out
}

fn sub_slots(sub: &SubPlan, out: &mut HashSet<usize>) {
    for op in &sub.ops {
        op_slots(op, out);
    }
}

fn op_slots(op: &LogicalOp, out: &mut HashSet<usize>) {
    match op {
        LogicalOp::NodeScan { var, props, .. } | LogicalOp::NodeCheck { var, props, .. } => {
            out.insert(var.slot);
            props.iter().for_each(|(_, e)| slots_used(e, out));
        }
        LogicalOp::Expand { from, to, rel, props, to_bound, rel_bound, .. } => {
            out.insert(from.slot);
            if *to_bound {
                out.insert(to.slot);
            }
            if *rel_bound {
                out.insert(rel.slot);
            }
            props.iter().for_each(|(_, e)| slots_used(e, out));
        }
        LogicalOp::VarExpand { from, to, to_bound, props, .. } => {
            out.insert(from.slot);
            if *to_bound {
                out.insert(to.slot);
            }
            props.iter().for_each(|(_, e)| slots_used(e, out));
        }
        LogicalOp::ShortestPath { from, to, props, .. } => {
            out.insert(from.slot);
            out.insert(to.slot);
            props.iter().for_each(|(_, e)| slots_used(e, out));
        }
        LogicalOp::Filter(e) | LogicalOp::Bind(_, e) => slots_used(e, out),
        _ => {}
    }
}

/// Collects the slots an expression reads (including through sub-pipelines).
pub fn slots_used(e: &Expr, out: &mut HashSet<usize>) {
    match e {
        Expr::Lit(_) | Expr::Param(_) => {}
        Expr::Var(v) => {
            out.insert(v.slot);
        }
        Expr::AggRef(s, _) => {
            out.insert(*s);
        }
        Expr::Prop(b, _) | Expr::Unary(_, b) | Expr::IsNull(b, _) | Expr::HasLabels(b, _) | Expr::At(_, b) => {
            slots_used(b, out)
        }
        Expr::List(items) | Expr::Call(_, items) => items.iter().for_each(|x| slots_used(x, out)),
        Expr::Map(items) => items.iter().for_each(|(_, x)| slots_used(x, out)),
        Expr::Binary(_, a, b) | Expr::Index(a, b) => {
            slots_used(a, out);
            slots_used(b, out);
        }
        Expr::Case(o, ws, el) => {
            if let Some(o) = o {
                slots_used(o, out);
            }
            for (a, b) in ws {
                slots_used(a, out);
                slots_used(b, out);
            }
            if let Some(el) = el {
                slots_used(el, out);
            }
        }
        Expr::Slice(a, lo, hi) => {
            slots_used(a, out);
            for x in [lo, hi].into_iter().flatten() {
                slots_used(x, out);
            }
        }
        Expr::ListComp(_, l, p, m) => {
            slots_used(l, out);
            for x in [p, m].into_iter().flatten() {
                slots_used(x, out);
            }
        }
        Expr::Quantified(_, _, l, p) => {
            slots_used(l, out);
            slots_used(p, out);
        }
        Expr::Reduce(_, i, _, l, s) => {
            slots_used(i, out);
            slots_used(l, out);
            slots_used(s, out);
        }
        Expr::Path(parts) => {
            for p in parts {
                match p {
                    PathPart::Node(s) | PathPart::Rel(s) | PathPart::RelList(s) => {
                        out.insert(*s);
                    }
                }
            }
        }
        Expr::Exists(sub) => sub_slots(sub, out),
        Expr::PatternList(sub, e) => {
            sub_slots(sub, out);
            slots_used(e, out);
        }
        Expr::MapProjection(b, sels) => {
            slots_used(b, out);
            for s in sels {
                if let MapSelector::Literal(_, e) = s {
                    slots_used(e, out);
                }
            }
        }
    }
}
