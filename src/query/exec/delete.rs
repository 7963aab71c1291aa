//! `Delete` / `DetachDelete`: removes what the rows name — relationships first, then nodes, once
//! all rows are seen, so `MATCH (n)-[r]-() DELETE r, n` works whatever the row order.

use indexmap::IndexSet;

use crate::graph::{Direction, NodeId, RelId, RelationshipValue, Value};
use crate::query::error::{ErrorKind, QueryError};
use crate::query::eval::{eval, node_id_of, rel_id_of};
use crate::query::functions::type_error;
use crate::query::plan::Expr;

use super::create::graph_error;
use super::{Ctx, Row};

fn collect(v: &Value, nodes: &mut IndexSet<NodeId>, rels: &mut IndexSet<RelId>) -> Result<(), QueryError> {
    match v {
        Value::Null => {}
        Value::Node(_) | Value::NodeRef(_) => {
            nodes.insert(node_id_of(v).unwrap_or(NodeId(0)));
        }
        Value::Relationship(_) | Value::RelRef(_) => {
            rels.insert(rel_id_of(v).unwrap_or(RelId(0)));
        }
        Value::Path(p) => {
            for n in &p.nodes {
                nodes.insert(NodeId(n.id as u32));
            }
            for r in &p.relationships {
                rels.insert(RelId(r.id as u32));
            }
        }
        Value::List(items) => {
            for x in items {
                collect(x, nodes, rels)?;
            }
        }
        other => {
            return Err(type_error(format!("DELETE expects a node, relationship or path, found {}", other.type_name())))
        }
    }
    Ok(())
}

/// Deletes every element the expressions name, over all rows.
///
/// # Errors
/// `ConstraintVerificationFailed (DeleteConnectedNode)` for a node that keeps relationships
/// without `DETACH`; type errors for other values.
pub fn delete(exprs: &[Expr], detach: bool, rows: Vec<Row>, ctx: &mut Ctx) -> Result<Vec<Row>, QueryError> {
    let mut nodes = IndexSet::new();
    let mut rels = IndexSet::new();
    for row in &rows {
        ctx.guard.check()?;
        for e in exprs {
            let v = eval(e, row, &ctx.env())?;
            collect(&v, &mut nodes, &mut rels)?;
        }
    }
    // Deleted relationships keep their type in the rows: `type(r)` still works afterwards.
    let types: std::collections::HashMap<u64, String> = rels
        .iter()
        .chain(
            nodes
                .iter()
                .flat_map(|n| ctx.graph.relationships_of(*n, Direction::Both, None).map(|a| a.rel))
                .collect::<Vec<_>>()
                .iter(),
        )
        .filter_map(|r| ctx.graph.rel_type(*r).map(|t| (r.as_u64(), t.to_string())))
        .collect();
    for r in rels {
        if ctx.graph.contains_relationship(r) {
            delete_relationship(r, ctx)?;
        }
    }
    for n in nodes {
        if !ctx.graph.contains_node(n) {
            continue;
        }
        let attached: Vec<RelId> = ctx.graph.relationships_of(n, Direction::Both, None).map(|a| a.rel).collect();
        if !attached.is_empty() && !detach {
            return Err(QueryError::new(
                ErrorKind::ConstraintVerificationFailed,
                format!("cannot delete node {n}: it still has {} relationship(s)", attached.len()),
            )
            .with_detail("DeleteConnectedNode")
            .with_help("use DETACH DELETE to delete its relationships too"));
        }
        for r in attached {
            delete_relationship(r, ctx)?;
        }
        let removed = ctx.graph.take_node(n).map_err(graph_error)?;
        ctx.record(super::Undo::NodeDeleted(removed));
        ctx.stats.nodes_deleted += 1;
    }
    Ok(rows.into_iter().map(|row| row.into_iter().map(|v| keep_type(v, &types)).collect()).collect())
}

/// Deletes one relationship, recording it for the undo log.
fn delete_relationship(r: RelId, ctx: &mut Ctx) -> Result<(), QueryError> {
    let removed = ctx.graph.take_relationship(r).map_err(graph_error)?;
    ctx.record(super::Undo::RelDeleted(removed));
    ctx.stats.relationships_deleted += 1;
    Ok(())
}

fn keep_type(v: Value, types: &std::collections::HashMap<u64, String>) -> Value {
    match v {
        Value::RelRef(r) => match types.get(&r.id.as_u64()) {
            Some(t) => Value::Relationship(Box::new(RelationshipValue {
                rel_type: t.clone(),
                ..RelationshipValue::from_ref(r)
            })),
            None => Value::RelRef(r),
        },
        Value::Relationship(mut r) => {
            if let Some(t) = types.get(&r.id) {
                r.rel_type = t.clone();
            }
            Value::Relationship(r)
        }
        Value::List(items) => Value::List(items.into_iter().map(|x| keep_type(x, types)).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{error, graph, rows, run};

    #[test]
    fn connected_nodes_need_detach_and_failures_change_nothing() {
        let mut g = graph("CREATE (a:A)-[:R]->(b:B)");
        assert_eq!(error(&mut g, "MATCH (n:A) DELETE n"), "ConstraintVerificationFailed (DeleteConnectedNode)");
        assert_eq!((g.node_count(), g.relationship_count()), (2, 1));
        let r = run(&mut g, "MATCH (n:A) DETACH DELETE n").unwrap();
        assert_eq!((r.stats.nodes_deleted, r.stats.relationships_deleted), (1, 1));
    }

    #[test]
    fn relationship_and_node_in_one_clause() {
        let mut g = graph("CREATE (a)-[:R]->(b), (a)-[:R]->(c)");
        let r = run(&mut g, "MATCH (a)-[r]->() DELETE r, a").unwrap();
        assert_eq!((r.stats.nodes_deleted, r.stats.relationships_deleted), (1, 2));
        assert_eq!(rows(&mut g, "MATCH (n) RETURN count(n)"), ["2"]);
    }

    #[test]
    fn deleted_elements_cannot_be_read() {
        let mut g = graph("CREATE ({x: 1})");
        assert_eq!(error(&mut g, "MATCH (n) DELETE n RETURN n.x"), "EntityNotFound (DeletedEntityAccess)");
        assert_eq!(g.node_count(), 1, "the failed statement is rolled back");
    }

    #[test]
    fn a_failing_statement_takes_back_its_deletions_with_their_ids() {
        let setup = "CREATE (a:A {name: 'a'})-[:R {w: 1}]->(b:B {name: 'b'}), (b)-[:R {w: 2}]->(c:C), \
                     (c)-[:S]->(a), (a)-[:T]->(a), (d:D {name: 'd'})";
        let failing = [
            // Detach-delete, then read the deleted node.
            "MATCH (a:A) DETACH DELETE a RETURN a.name",
            // Delete, create elements that reuse the freed ids, update them and others, then fail.
            "MATCH (a:A) DETACH DELETE a WITH a CREATE (x:X {name: 'x'})-[:U]->(y:Y) \
             SET x.k = 1, y:Z WITH a MATCH (b:B) SET b.name = 'renamed' REMOVE b:B RETURN b.name - 1",
            // Delete a relationship, set a property on another, delete its node, fail on a type.
            "MATCH (b:B)-[r:R {w: 2}]->(c) DELETE r WITH b MATCH (b)<-[q]-(a) SET q.w = 9 \
             DETACH DELETE b RETURN b.name",
            // Deleted elements set again before the error.
            "MATCH (d:D), (b:B) SET d.k = 2 DELETE d CREATE (:D {name: 'd2'}) WITH b RETURN b.name - 1",
        ];
        for q in failing {
            let mut g = graph(setup);
            let before = g.clone();
            let e = run(&mut g, q).expect_err(q);
            assert_eq!(g, before, "{q} failed with {} and must change nothing", e.kind_label());
            assert_eq!(rows(&mut g, "MATCH (n {name: 'a'})-[r]->(m) RETURN type(r), m.name ORDER BY type(r)").len(), 2);
            // The graph goes on working: a new element gets a fresh id, the old ones stay.
            run(&mut g, "CREATE (:E)-[:V]->(:E)").unwrap();
            assert_eq!(rows(&mut g, "MATCH (n) RETURN count(n)"), ["6"]);
            assert_eq!(rows(&mut g, "MATCH ()-[r]->() RETURN count(r)"), ["5"]);
        }
    }

    #[test]
    fn runtime_errors_point_at_their_clause() {
        let mut g = graph("CREATE (a)-[:R]->(b)");
        let q = "MATCH (n)\nWITH n\nDELETE n";
        let e = run(&mut g, q).unwrap_err();
        assert_eq!(
            e.first_line("<query>", q),
            "<query>:3:1: ConstraintVerificationFailed (DeleteConnectedNode): cannot delete node 0: it still has 1 relationship(s)"
        );
    }
}
