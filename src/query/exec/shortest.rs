//! `ShortestPath` / `AllShortestPaths` between two bound nodes, by breadth-first search over the
//! adjacency lists.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use crate::graph::RelTypeId;
use crate::graph::{Direction, NodeId, NodeValue, PathValue, RelId, RelRef, RelationshipValue, Value};
use crate::query::error::QueryError;
use crate::query::eval::{node_id_of, rel_ref_with, Env};
use crate::query::plan::LogicalOp;

use super::expand::{rel_ok, type_ids};
use super::scan::eval_props;
use super::{set_slot, Row};

type Step = (NodeId, RelId, NodeId, NodeId);

/// Maps keyed by node id, with the fast non-cryptographic hasher.
type NodeMap<V> = HashMap<NodeId, V, RandomState>;

/// Runs a [`LogicalOp::ShortestPath`].
///
/// # Errors
/// Cancellation.
pub fn shortest_path(op: &LogicalOp, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let LogicalOp::ShortestPath { from, to, path, rel, dir, types, props, min, max, all } = op else {
        return Ok(rows);
    };
    let tids = type_ids(env, types);
    let mut out = Vec::new();
    for row in rows {
        let (Some(a), Some(b)) = (row.get(from.slot).and_then(node_id_of), row.get(to.slot).and_then(node_id_of))
        else {
            continue;
        };
        let pvals = eval_props(props, &row, env)?;
        let mut found: Vec<Vec<Step>> = Vec::new();
        if a == b {
            if *min == 0 {
                found.push(Vec::new());
            }
        } else if !*all {
            if let Some(steps) = bidirectional(env, a, b, *dir, &tids, &pvals, *max)? {
                found.push(steps);
            }
        } else {
            // Level-by-level BFS keeping the predecessor steps at the level a node is first seen:
            // every one of them for allShortestPaths, only the first for shortestPath, which
            // also stops as soon as the target is seen.
            let mut preds: NodeMap<Vec<Step>> = NodeMap::default();
            let mut depth_of: NodeMap<u64> = NodeMap::default();
            depth_of.insert(a, 0);
            let mut frontier = vec![a];
            let mut next = Vec::new();
            let mut depth = 0u64;
            'levels: while !frontier.is_empty() && !depth_of.contains_key(&b) && max.is_none_or(|m| depth < m) {
                depth += 1;
                for &n in &frontier {
                    for adj in env.graph.relationships_of(n, *dir, None) {
                        env.guard.check()?;
                        if !rel_ok(env, adj.rel, &tids, &pvals) {
                            continue;
                        }
                        let seen = depth_of.get(&adj.other).copied();
                        if seen.is_some_and(|d| d < depth) || (!*all && seen.is_some()) {
                            continue;
                        }
                        if seen.is_none() {
                            depth_of.insert(adj.other, depth);
                            next.push(adj.other);
                        }
                        let (s, e) = if adj.outgoing { (n, adj.other) } else { (adj.other, n) };
                        preds.entry(adj.other).or_default().push((n, adj.rel, s, e));
                        if !*all && adj.other == b {
                            break 'levels;
                        }
                    }
                }
                std::mem::swap(&mut frontier, &mut next);
                next.clear();
            }
            if depth_of.contains_key(&b) {
                collect_paths(b, a, &preds, &mut Vec::new(), &mut found, *all);
            }
        }
        for steps in found {
            let mut nodes = vec![NodeValue::from_id(a)];
            let mut rels = Vec::new();
            for (_, r, s, e) in steps.iter().rev() {
                let next = if nodes.last().map(|n| n.id) == Some(s.as_u64()) { *e } else { *s };
                nodes.push(NodeValue::from_id(next));
                rels.push(RelationshipValue::from_ref(RelRef { id: *r, start: *s, end: *e }));
            }
            let mut r = row.clone();
            if let Some(rv) = rel {
                let list = steps.iter().rev().map(|(_, r, s, e)| rel_ref_with(*r, *s, *e)).collect();
                set_slot(&mut r, rv.slot, Value::List(list));
            }
            set_slot(&mut r, path.slot, Value::Path(Box::new(PathValue { nodes, relationships: rels })));
            out.push(r);
        }
    }
    Ok(out)
}

/// One shortest path from `a` to `b` by breadth-first search from both ends, a level of the
/// smaller frontier at a time; the steps run from `b` back to `a`, as [`collect_paths`] gives them.
fn bidirectional(
    env: &Env,
    a: NodeId,
    b: NodeId,
    dir: Direction,
    tids: &Option<Vec<RelTypeId>>,
    pvals: &[(Option<crate::graph::KeyId>, Value)],
    max: Option<u64>,
) -> Result<Option<Vec<Step>>, QueryError> {
    let back_dir = match dir {
        Direction::Outgoing => Direction::Incoming,
        Direction::Incoming => Direction::Outgoing,
        Direction::Both => Direction::Both,
    };
    let mut fwd: NodeMap<Option<Step>> = NodeMap::default();
    let mut back: NodeMap<Option<Step>> = NodeMap::default();
    fwd.insert(a, None);
    back.insert(b, None);
    let (mut ff, mut bf) = (vec![a], vec![b]);
    let mut depth = 0u64;
    let meet = loop {
        if ff.is_empty() || bf.is_empty() || max.is_some_and(|m| depth >= m) {
            return Ok(None);
        }
        depth += 1;
        let forward = ff.len() <= bf.len();
        let (frontier, seen, other, d) =
            if forward { (&mut ff, &mut fwd, &back, dir) } else { (&mut bf, &mut back, &fwd, back_dir) };
        let mut next = Vec::new();
        let mut met = None;
        'level: for &n in frontier.iter() {
            for adj in env.graph.relationships_of(n, d, None) {
                env.guard.check()?;
                if seen.contains_key(&adj.other) || !rel_ok(env, adj.rel, tids, pvals) {
                    continue;
                }
                let (s, e) = if adj.outgoing { (n, adj.other) } else { (adj.other, n) };
                seen.insert(adj.other, Some((n, adj.rel, s, e)));
                if other.contains_key(&adj.other) {
                    met = Some(adj.other);
                    break 'level;
                }
                next.push(adj.other);
            }
        }
        *frontier = next;
        if let Some(m) = met {
            break m;
        }
    };
    let chain = |map: &NodeMap<Option<Step>>| {
        let mut steps = Vec::new();
        let mut node = meet;
        while let Some(Some(step)) = map.get(&node) {
            steps.push(*step);
            node = step.0;
        }
        steps
    };
    let mut steps = chain(&back);
    steps.reverse();
    steps.extend(chain(&fwd));
    Ok(Some(steps))
}

fn collect_paths(
    node: NodeId,
    start: NodeId,
    preds: &NodeMap<Vec<Step>>,
    acc: &mut Vec<Step>,
    found: &mut Vec<Vec<Step>>,
    all: bool,
) {
    if node == start {
        found.push(acc.clone());
        return;
    }
    for step in preds.get(&node).into_iter().flatten() {
        if !all && !found.is_empty() {
            return;
        }
        acc.push(*step);
        collect_paths(step.0, start, preds, acc, found, all);
        acc.pop();
    }
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{graph, rows};

    #[test]
    fn shortest_and_all_shortest() {
        let mut g = graph(
            "CREATE (a {name: 'a'})-[:R]->(b)-[:R]->(d {name: 'd'}), (a)-[:R]->(c)-[:R]->(d), (a)-[:R]->(x)-[:R]->(y)-[:R]->(d)",
        );
        let q = "MATCH (a {name: 'a'}), (d {name: 'd'}) MATCH p = shortestPath((a)-[*]->(d)) RETURN length(p)";
        assert_eq!(rows(&mut g, q), ["2"]);
        let q = "MATCH (a {name: 'a'}), (d {name: 'd'}) MATCH p = allShortestPaths((a)-[*]->(d)) RETURN count(p)";
        assert_eq!(rows(&mut g, q), ["2"]);
        let q = "MATCH (a {name: 'a'}), (d {name: 'd'}) MATCH p = shortestPath((d)-[*]->(a)) RETURN count(p)";
        assert_eq!(rows(&mut g, q), ["0"]);
    }

    #[test]
    fn both_ends_search_respects_direction_bound_and_order() {
        let mut g = graph(
            "CREATE (a {name: 'a'})-[:R]->(b {name: 'b'})-[:R]->(c {name: 'c'})<-[:R]-(d {name: 'd'})-[:R]->(e {name: 'e'})",
        );
        let q = "MATCH (a {name: 'a'}), (e {name: 'e'}) MATCH p = shortestPath((a)-[*]-(e)) \
                 RETURN [n IN nodes(p) | n.name]";
        assert_eq!(rows(&mut g, q), ["['a', 'b', 'c', 'd', 'e']"]);
        let q = "MATCH (e {name: 'e'}), (a {name: 'a'}) MATCH p = shortestPath((e)-[*]-(a)) \
                 RETURN [n IN nodes(p) | n.name]";
        assert_eq!(rows(&mut g, q), ["['e', 'd', 'c', 'b', 'a']"]);
        let q = "MATCH (a {name: 'a'}), (e {name: 'e'}) MATCH p = shortestPath((a)-[*..3]-(e)) RETURN count(p)";
        assert_eq!(rows(&mut g, q), ["0"]);
        let q = "MATCH (a {name: 'a'}), (e {name: 'e'}) MATCH p = shortestPath((a)-[*]->(e)) RETURN count(p)";
        assert_eq!(rows(&mut g, q), ["0"]);
        let q = "MATCH (c {name: 'c'}), (a {name: 'a'}) MATCH p = shortestPath((c)<-[*]-(a)) RETURN length(p)";
        assert_eq!(rows(&mut g, q), ["2"]);
    }

    #[test]
    fn relationship_properties_restrict_the_search() {
        let mut g = graph(
            "CREATE (a {name: 'a'})-[:R {ok: false}]->(d {name: 'd'}), (a)-[:R {ok: true}]->()-[:R {ok: true}]->(d)",
        );
        let q = "MATCH (a {name: 'a'}), (d {name: 'd'}) MATCH p = shortestPath((a)-[*]->(d)) RETURN length(p)";
        assert_eq!(rows(&mut g, q), ["1"]);
        let q =
            "MATCH (a {name: 'a'}), (d {name: 'd'}) MATCH p = shortestPath((a)-[* {ok: true}]->(d)) RETURN length(p)";
        assert_eq!(rows(&mut g, q), ["2"]);
    }
}
