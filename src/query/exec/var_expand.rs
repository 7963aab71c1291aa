//! `VarExpand`: variable-length hops `*min..max` by depth-first search, each path a trail (no
//! relationship twice, nor one already bound elsewhere in the pattern).

use crate::graph::{NodeId, RelId};
use crate::query::error::QueryError;
use crate::query::eval::{node_id_of, node_ref, rel_ref_with, Env};
use crate::query::plan::LogicalOp;

use super::expand::{rel_ok, type_ids, used};
use super::scan::eval_props;
use super::{set_slot, Row};

/// Runs a [`LogicalOp::VarExpand`].
///
/// # Errors
/// Errors of the property expressions, cancellation.
pub fn var_expand(op: &LogicalOp, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let LogicalOp::VarExpand { from, rel, to, dir, types, props, min, max, to_bound, uniq } = op else {
        return Ok(rows);
    };
    let tids = type_ids(env, types);
    let mut out = Vec::new();
    for row in rows {
        let Some(a) = row.get(from.slot).and_then(node_id_of) else { continue };
        let target = if *to_bound {
            match row.get(to.slot).and_then(node_id_of) {
                Some(t) => Some(t),
                None => continue,
            }
        } else {
            None
        };
        let pvals = eval_props(props, &row, env)?;
        // Depth-first: each stack entry is (node, index into its adjacency, path so far).
        let mut path: Vec<(RelId, NodeId, NodeId)> = Vec::new();
        let mut stack: Vec<(NodeId, Vec<(RelId, NodeId, bool)>, usize)> = Vec::new();
        let adj_of = |n: NodeId| -> Vec<(RelId, NodeId, bool)> {
            env.graph
                .relationships_of(n, *dir, None)
                .filter(|x| rel_ok(env, x.rel, &tids, &pvals))
                .map(|x| (x.rel, x.other, x.outgoing))
                .collect()
        };
        let emit = |node: NodeId, path: &[(RelId, NodeId, NodeId)], out: &mut Vec<Row>| {
            if target.is_some_and(|t| t != node) {
                return;
            }
            let mut r = row.clone();
            let rels = path.iter().map(|(id, s, e)| rel_ref_with(*id, *s, *e)).collect();
            set_slot(&mut r, rel.slot, crate::graph::Value::List(rels));
            if !*to_bound {
                set_slot(&mut r, to.slot, node_ref(node));
            }
            out.push(r);
        };
        if *min == 0 {
            emit(a, &path, &mut out);
        }
        if max.is_some_and(|m| m == 0) {
            continue;
        }
        stack.push((a, adj_of(a), 0));
        while let Some((node, adj, i)) = stack.last_mut() {
            env.guard.check()?;
            let node = *node;
            if *i >= adj.len() {
                stack.pop();
                path.pop();
                continue;
            }
            let (r, other, outgoing) = adj[*i];
            *i += 1;
            if path.iter().any(|(p, _, _)| *p == r) || used(&row, uniq, r) {
                continue;
            }
            let (s, e) = if outgoing { (node, other) } else { (other, node) };
            path.push((r, s, e));
            let depth = path.len() as u64;
            if depth >= *min {
                emit(other, &path, &mut out);
            }
            if max.is_none_or(|m| depth < m) {
                let next = adj_of(other);
                stack.push((other, next, 0));
            } else {
                path.pop();
            }
        }
    }
    Ok(out)
}
