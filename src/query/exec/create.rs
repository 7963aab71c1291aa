//! `Create`: new nodes and relationships per row, counted in the statistics.

use crate::graph::{GraphError, NodeId, PropertyMap, Value};
use crate::query::error::{ErrorKind, QueryError};
use crate::query::eval::{eval, node_id_of, node_ref, rel_ref_with};
use crate::query::functions::type_error;
use crate::query::plan::{CreateSpec, Expr};

use super::{set_slot, Ctx, Row};

/// A graph-layer failure as a query error.
pub fn graph_error(e: GraphError) -> QueryError {
    match e {
        GraphError::InvalidPropertyValue { .. } => {
            QueryError::new(ErrorKind::TypeError, e.to_string()).with_detail("InvalidPropertyType")
        }
        GraphError::NodeNotFound(_) | GraphError::RelationshipNotFound(_) => {
            QueryError::new(ErrorKind::EntityNotFound, e.to_string()).with_detail("DeletedEntityAccess")
        }
        GraphError::NodeHasRelationships { .. } => {
            QueryError::new(ErrorKind::ConstraintVerificationFailed, e.to_string()).with_detail("DeleteConnectedNode")
        }
        other => QueryError::new(ErrorKind::ConstraintVerificationFailed, other.to_string()),
    }
}

/// Evaluates a property-map expression of a pattern.
///
/// # Errors
/// A `TypeError` when it is not a map.
pub fn eval_map(e: Option<&Expr>, row: &[Value], ctx: &Ctx) -> Result<PropertyMap, QueryError> {
    match e {
        None => Ok(PropertyMap::new()),
        Some(e) => match eval(e, row, &ctx.env())? {
            Value::Map(m) => Ok(m),
            Value::Null => Ok(PropertyMap::new()),
            other => Err(type_error(format!("expected a map of properties, found {}", other.type_name()))),
        },
    }
}

/// Creates the spec's elements for one row, binding their slots.
///
/// # Errors
/// Unstorable property values, a null endpoint.
pub fn create_one(spec: &CreateSpec, row: &mut Row, ctx: &mut Ctx) -> Result<(), QueryError> {
    for n in &spec.nodes {
        if n.bound {
            continue;
        }
        let props = eval_map(n.props.as_ref(), row, ctx)?;
        let set = props.values().filter(|v| !v.is_null()).count() as u64;
        let id = ctx.graph.add_node(&n.labels, props).map_err(graph_error)?;
        ctx.stats.nodes_created += 1;
        ctx.stats.labels_added += n.labels.len() as u64;
        ctx.stats.properties_set += set;
        set_slot(row, n.var.slot, node_ref(id));
    }
    for r in &spec.rels {
        let props = eval_map(r.props.as_ref(), row, ctx)?;
        let end_of = |slot: usize| -> Result<NodeId, QueryError> {
            row.get(slot).and_then(node_id_of).ok_or_else(|| {
                QueryError::new(ErrorKind::SemanticError, "cannot create a relationship to or from a null node")
            })
        };
        let (s, e) = (end_of(r.start)?, end_of(r.end)?);
        let set = props.values().filter(|v| !v.is_null()).count() as u64;
        let id = ctx.graph.add_relationship(s, e, &r.rel_type, props).map_err(graph_error)?;
        ctx.stats.relationships_created += 1;
        ctx.stats.properties_set += set;
        set_slot(row, r.var.slot, rel_ref_with(id, s, e));
    }
    for (slot, parts) in &spec.paths {
        let v = eval(&Expr::Path(parts.clone()), row, &ctx.env())?;
        set_slot(row, *slot, v);
    }
    Ok(())
}

/// Runs `CREATE` for every row.
///
/// # Errors
/// See [`create_one`].
pub fn create(spec: &CreateSpec, rows: Vec<Row>, ctx: &mut Ctx) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::with_capacity(rows.len());
    for mut row in rows {
        ctx.guard.check()?;
        create_one(spec, &mut row, ctx)?;
        out.push(row);
    }
    Ok(out)
}
