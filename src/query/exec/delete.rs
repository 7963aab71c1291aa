//! `Delete` / `DetachDelete`: removes what the rows name — relationships first, then nodes, once
//! all rows are seen, so `MATCH (n)-[r]-() DELETE r, n` works whatever the row order.

use indexmap::IndexSet;

use crate::graph::{Direction, NodeId, RelId, Value};
use crate::query::error::{ErrorKind, QueryError};
use crate::query::eval::{eval, node_id_of, rel_id_of};
use crate::query::functions::type_error;
use crate::query::plan::Expr;

use super::create::graph_error;
use super::{Ctx, Row};

fn collect(v: &Value, nodes: &mut IndexSet<NodeId>, rels: &mut IndexSet<RelId>) -> Result<(), QueryError> {
    match v {
        Value::Null => {}
        Value::Node(_) => {
            nodes.insert(node_id_of(v).unwrap_or(NodeId(0)));
        }
        Value::Relationship(_) => {
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
    for r in rels {
        if ctx.graph.contains_relationship(r) {
            ctx.graph.remove_relationship(r).map_err(graph_error)?;
            ctx.stats.relationships_deleted += 1;
        }
    }
    for n in nodes {
        if !ctx.graph.contains_node(n) {
            continue;
        }
        let degree = ctx.graph.degree(n, Direction::Both) as u64;
        if degree > 0 && !detach {
            return Err(QueryError::new(
                ErrorKind::ConstraintVerificationFailed,
                format!("cannot delete node {n}: it still has {degree} relationship(s)"),
            )
            .with_detail("DeleteConnectedNode")
            .with_help("use DETACH DELETE to delete its relationships too"));
        }
        ctx.graph.remove_node(n, detach).map_err(graph_error)?;
        ctx.stats.nodes_deleted += 1;
        ctx.stats.relationships_deleted += degree;
    }
    Ok(rows)
}
