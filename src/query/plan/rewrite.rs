//! Rewrite passes over the logical plan, applied by [`optimize`] in this order:
//!
//! 1. [`push_down_filters`]: each `Filter` moves up to just after the operator that binds the
//!    last slot it reads, within its run of pattern operators, so rows are dropped before
//!    further expansion.
//!
//! Anchor choice (name index, then the smallest label) happens when the binder orders a
//! pattern, since it decides which operators exist rather than where they sit.

use std::collections::HashSet;

use super::{Expr, LogicalOp, MapSelector, PathPart, SubPlan};

/// Applies every pass in order.
pub fn optimize(ops: Vec<LogicalOp>) -> Vec<LogicalOp> {
    push_down_filters(ops)
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
