//! `VarExpand`: variable-length hops `*min..max` by depth-first search, each path a trail (no
//! relationship twice, nor one already bound elsewhere in the pattern).

use crate::graph::{NodeId, RelId, RelTypeId};
use crate::query::error::QueryError;
use crate::query::eval::{node_id_of, node_ref, rel_ref_with, Env};
use crate::query::plan::LogicalOp;

use super::expand::{bound_node, rel_ok, type_ids, used};
use super::scan::eval_props;
use super::{set_slot, Row};

/// Follows a bound list of relationships from `start`; the node reached, if the walk is valid.
fn walk_bound(
    row: &[crate::graph::Value],
    slot: usize,
    start: NodeId,
    dir: crate::graph::Direction,
    tids: &Option<Vec<crate::graph::RelTypeId>>,
    pvals: &[(Option<crate::graph::KeyId>, crate::graph::Value)],
    env: &Env,
) -> Option<NodeId> {
    let crate::graph::Value::List(items) = row.get(slot)? else { return None };
    let mut at = start;
    for v in items {
        let r = crate::query::eval::rel_id_of(v)?;
        let (s, e) = env.graph.endpoints(r)?;
        if !rel_ok(env, r, tids, pvals) {
            return None;
        }
        at = match dir {
            crate::graph::Direction::Outgoing if s == at => e,
            crate::graph::Direction::Incoming if e == at => s,
            crate::graph::Direction::Both if s == at => e,
            crate::graph::Direction::Both if e == at => s,
            _ => return None,
        };
    }
    Some(at)
}

/// A DFS frame: a node, its followable relationships, and the next one to try.
type Frame = (NodeId, Vec<(RelId, NodeId, bool)>, usize);

/// Runs a [`LogicalOp::VarExpand`].
///
/// # Errors
/// Errors of the property expressions, cancellation.
pub fn var_expand(op: &LogicalOp, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let tids = match op {
        LogicalOp::Expand { types, .. } | LogicalOp::VarExpand { types, .. } => type_ids(env, types),
        _ => None,
    };
    let mut out = Vec::new();
    for row in rows {
        var_expand_row(op, &tids, &row, env, &mut |r| {
            out.push(r);
            Ok(true)
        })?;
    }
    Ok(out)
}

/// Hands each row that extends `row` by one path of a [`LogicalOp::VarExpand`] to `emit`, as
/// the depth-first search finds it, until `emit` says it wants no more (returns false): a
/// count over all paths holds one path at a time.
///
/// # Errors
/// Errors of the property expressions and of `emit`, cancellation.
pub fn var_expand_row(
    op: &LogicalOp,
    tids: &Option<Vec<RelTypeId>>,
    row: &Row,
    env: &Env,
    emit: &mut dyn FnMut(Row) -> Result<bool, QueryError>,
) -> Result<(), QueryError> {
    let LogicalOp::VarExpand { from, rel, to, dir, props, min, max, to_bound, rel_bound, uniq, .. } = op else {
        return Ok(());
    };
    let Some(a) = row.get(from.slot).and_then(node_id_of) else { return Ok(()) };
    let Some(target) = bound_node(row, to.slot, *to_bound) else { return Ok(()) };
    let pvals = eval_props(props, row, env)?;
    if *rel_bound {
        if let Some(end) = walk_bound(row, rel.slot, a, *dir, tids, &pvals, env) {
            if target.is_none_or(|t| t == end) {
                let mut r = row.clone();
                if !*to_bound {
                    set_slot(&mut r, to.slot, node_ref(end));
                }
                emit(r)?;
            }
        }
        return Ok(());
    }
    // Depth-first: each stack entry is (node, index into its adjacency, path so far).
    let mut path: Vec<(RelId, NodeId, NodeId)> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let adj_of = |n: NodeId| -> Vec<(RelId, NodeId, bool)> {
        env.graph
            .relationships_of(n, *dir, None)
            .filter(|x| rel_ok(env, x.rel, tids, &pvals))
            .map(|x| (x.rel, x.other, x.outgoing))
            .collect()
    };
    // Hands on the row for a path ending at `node`; false when `emit` wants no more.
    let mut found = |node: NodeId, path: &[(RelId, NodeId, NodeId)]| -> Result<bool, QueryError> {
        if target.is_some_and(|t| t != node) {
            return Ok(true);
        }
        let mut r = row.clone();
        let rels = path.iter().map(|(id, s, e)| rel_ref_with(*id, *s, *e)).collect();
        set_slot(&mut r, rel.slot, crate::graph::Value::List(rels));
        if !*to_bound {
            set_slot(&mut r, to.slot, node_ref(node));
        }
        emit(r)
    };
    if *min == 0 && !found(a, &path)? {
        return Ok(());
    }
    if max.is_some_and(|m| m == 0) {
        return Ok(());
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
        if path.iter().any(|(p, _, _)| *p == r) || used(row, uniq, r) {
            continue;
        }
        let (s, e) = if outgoing { (node, other) } else { (other, node) };
        path.push((r, s, e));
        let depth = path.len() as u64;
        if depth >= *min && !found(other, &path)? {
            return Ok(());
        }
        if max.is_none_or(|m| depth < m) {
            let next = adj_of(other);
            stack.push((other, next, 0));
        } else {
            path.pop();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{graph, rows};

    #[test]
    fn hop_bounds_and_trails() {
        let mut g = graph("CREATE (a {n: 0})-[:R]->(b {n: 1})-[:R]->(c {n: 2})-[:R]->(a)");
        assert_eq!(rows(&mut g, "MATCH ({n: 0})-[*2]->(m) RETURN m.n"), ["2"]);
        assert_eq!(rows(&mut g, "MATCH ({n: 0})-[*0..1]->(m) RETURN m.n ORDER BY m.n"), ["0", "1"]);
        // The cycle is a trail of three; a fourth hop would reuse a relationship.
        assert_eq!(rows(&mut g, "MATCH ({n: 0})-[rs*]->(m) RETURN size(rs) ORDER BY size(rs)"), ["1", "2", "3"]);
        assert_eq!(rows(&mut g, "MATCH p = ({n: 0})-[*]->({n: 2}) RETURN length(p)"), ["2"]);
    }

    #[test]
    fn anchored_at_the_far_end_keeps_path_order() {
        let mut g = graph("CREATE (a {name: 'a'})-[:R {i: 1}]->(b)-[:R {i: 2}]->(c {name: 'c'})");
        assert_eq!(rows(&mut g, "MATCH (x)-[rs*2]->({name: 'c'}) RETURN [r IN rs | r.i]"), ["[1, 2]"]);
    }
}
