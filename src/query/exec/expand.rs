//! `Expand`: follow one relationship from a bound node through its adjacency list, with
//! relationship uniqueness (trail semantics) against the pattern's other relationships.

use crate::graph::{KeyId, NodeId, RelId, RelTypeId, Value};
use crate::query::error::QueryError;
use crate::query::eval::{node_id_of, node_ref, rel_id_of, rel_ref_with, Env};
use crate::query::plan::LogicalOp;

use super::scan::eval_props;
use super::{set_slot, Row};

/// Whether relationship `rel` already appears in one of the `uniq` slots of `row`.
pub fn used(row: &[Value], uniq: &[usize], rel: RelId) -> bool {
    uniq.iter().any(|s| match row.get(*s) {
        Some(Value::RelRef(r)) => r.id == rel,
        Some(Value::Relationship(r)) => r.id == rel.as_u64(),
        Some(Value::List(items)) => items.iter().any(|v| rel_id_of(v) == Some(rel)),
        _ => false,
    })
}

/// The type ids to follow: `None` for any type, `Some(empty)` when no named type exists.
pub fn type_ids(env: &Env, types: &[String]) -> Option<Vec<RelTypeId>> {
    if types.is_empty() {
        None
    } else {
        Some(types.iter().filter_map(|t| env.graph.rel_type_id(t)).collect())
    }
}

/// Whether relationship `rel` has one of `types` and the property values.
pub fn rel_ok(env: &Env, rel: RelId, types: &Option<Vec<RelTypeId>>, props: &[(Option<KeyId>, Value)]) -> bool {
    types.as_ref().is_none_or(|ts| env.graph.rel_type_id_of(rel).is_some_and(|t| ts.contains(&t)))
        && props.iter().all(|(k, v)| {
            k.and_then(|k| env.graph.rel_property_by_key(rel, k)).is_some_and(|p| p.equals(v) == Some(true))
        })
}

/// The end node a pattern already bound: `Some(None)` when `bound` is false (any node will do),
/// `Some(Some(id))` when the slot holds a node, `None` when it holds none (null: no match).
pub fn bound_node(row: &[Value], slot: usize, bound: bool) -> Option<Option<NodeId>> {
    if !bound {
        return Some(None);
    }
    row.get(slot).and_then(node_id_of).map(Some)
}

/// Runs an [`LogicalOp::Expand`].
///
/// # Errors
/// Errors of the property expressions, cancellation.
pub fn expand(op: &LogicalOp, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let tids = match op {
        LogicalOp::Expand { types, .. } | LogicalOp::VarExpand { types, .. } => type_ids(env, types),
        _ => None,
    };
    let mut out = Vec::new();
    for row in rows {
        expand_row(op, &tids, &row, env, &mut |r| {
            out.push(r);
            Ok(true)
        })?;
    }
    Ok(out)
}

/// Hands each row that extends `row` by one relationship of a [`LogicalOp::Expand`] to `emit`,
/// until `emit` says it wants no more (returns false): a hub's neighbours feeding a `LIMIT` or
/// a count are never all held.
///
/// # Errors
/// Errors of the property expressions and of `emit`, cancellation.
pub fn expand_row(
    op: &LogicalOp,
    tids: &Option<Vec<RelTypeId>>,
    row: &Row,
    env: &Env,
    emit: &mut dyn FnMut(Row) -> Result<bool, QueryError>,
) -> Result<(), QueryError> {
    let LogicalOp::Expand { from, rel, to, dir, props, to_bound, rel_bound, uniq, .. } = op else {
        return Ok(());
    };
    let Some(a) = row.get(from.slot).and_then(node_id_of) else { return Ok(()) };
    let Some(target) = bound_node(row, to.slot, *to_bound) else { return Ok(()) };
    let fixed_rel = if *rel_bound {
        match row.get(rel.slot).and_then(rel_id_of) {
            Some(r) => Some(r),
            None => return Ok(()),
        }
    } else {
        None
    };
    let pvals = eval_props(props, row, env)?;
    let one_type = match tids.as_deref() {
        Some([t]) => Some(*t),
        _ => None,
    };
    for adj in env.graph.relationships_of(a, *dir, one_type) {
        env.guard.check()?;
        if fixed_rel.is_some_and(|r| r != adj.rel)
            || target.is_some_and(|t| t != adj.other)
            || !rel_ok(env, adj.rel, tids, &pvals)
            || used(row, uniq, adj.rel)
        {
            continue;
        }
        let (s, e) = if adj.outgoing { (a, adj.other) } else { (adj.other, a) };
        let mut r = row.clone();
        set_slot(&mut r, rel.slot, rel_ref_with(adj.rel, s, e));
        if !*to_bound {
            set_slot(&mut r, to.slot, node_ref(adj.other));
        }
        if !emit(r)? {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{graph, rows};

    #[test]
    fn expands_by_direction_and_type() {
        let mut g = graph("CREATE (a {name: 'a'})-[:X]->(b {name: 'b'}), (a)<-[:Y]-(c {name: 'c'})");
        assert_eq!(rows(&mut g, "MATCH ({name: 'a'})-->(m) RETURN m.name"), ["'b'"]);
        assert_eq!(rows(&mut g, "MATCH ({name: 'a'})<--(m) RETURN m.name"), ["'c'"]);
        assert_eq!(rows(&mut g, "MATCH ({name: 'a'})-[:X|Y]-(m) RETURN m.name ORDER BY m.name"), ["'b'", "'c'"]);
        assert_eq!(rows(&mut g, "MATCH ({name: 'a'})-[:Z]-(m) RETURN m.name"), Vec::<String>::new());
    }

    #[test]
    fn relationships_are_unique_within_a_pattern() {
        let mut g = graph("CREATE (a)-[:R]->(b)");
        // The only relationship cannot be used for both hops.
        assert_eq!(rows(&mut g, "MATCH (x)-[r1]-(y)-[r2]-(z) RETURN count(*)"), ["0"]);
        // Across two MATCH clauses it can.
        assert_eq!(rows(&mut g, "MATCH (x)-[r1]-(y) MATCH (y)-[r2]-(z) RETURN count(*)"), ["2"]);
    }
}
