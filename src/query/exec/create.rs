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

/// Checks that a value may be stored as a property: anything but graph elements. kgraph's
/// graph model keeps nested lists and maps (extracted and imported data use them, and the
/// Cypher export writes them back), so this is looser than openCypher, which stores only
/// scalars and lists of scalars.
///
/// # Errors
/// `TypeError (InvalidPropertyType)`.
pub fn check_property(key: &str, v: &Value) -> Result<(), QueryError> {
    if v.is_storable() {
        Ok(())
    } else {
        Err(QueryError::new(ErrorKind::TypeError, format!("property '{key}' cannot hold a {}", v.type_name()))
            .with_detail("InvalidPropertyType"))
    }
}

/// `MERGE` cannot create an element whose pattern has a null property: it could never be
/// matched again.
///
/// # Errors
/// `SemanticError (MergeReadOwnWrites)`.
pub fn check_merge_props(spec: &CreateSpec, row: &[Value], ctx: &Ctx) -> Result<(), QueryError> {
    let exprs = spec
        .nodes
        .iter()
        .filter(|n| !n.bound)
        .map(|n| n.props.as_ref())
        .chain(spec.rels.iter().map(|r| r.props.as_ref()));
    for e in exprs {
        if eval_map(e, row, ctx)?.values().any(Value::is_null) {
            return Err(QueryError::new(
                ErrorKind::SemanticError,
                "cannot merge an element with a null property value",
            )
            .with_detail("MergeReadOwnWrites"));
        }
    }
    Ok(())
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
        for (k, v) in &props {
            check_property(k, v)?;
        }
        let set = props.values().filter(|v| !v.is_null()).count() as u64;
        let id = ctx.graph.add_node(&n.labels, props).map_err(graph_error)?;
        ctx.record(super::Undo::Node(id));
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
        for (k, v) in &props {
            check_property(k, v)?;
        }
        let set = props.values().filter(|v| !v.is_null()).count() as u64;
        let id = ctx.graph.add_relationship(s, e, &r.rel_type, props).map_err(graph_error)?;
        ctx.record(super::Undo::Rel(id));
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

#[cfg(test)]
mod tests {
    use crate::query::testutil::{error, graph, run};

    #[test]
    fn counts_what_it_creates() {
        let mut g = graph("");
        let r = run(&mut g, "CREATE (a:A:B {x: 1, y: null})-[:R {w: 2}]->(b) RETURN a.x").unwrap();
        let s = r.stats;
        assert_eq!((s.nodes_created, s.relationships_created, s.labels_added, s.properties_set), (2, 1, 2, 2));
        assert_eq!(r.rows, vec![vec![1.into()]]);
    }

    #[test]
    fn rejects_graph_elements_as_property_values() {
        let mut g = graph("CREATE ()");
        assert_eq!(error(&mut g, "MATCH (n) CREATE ({m: n})"), "TypeError (InvalidPropertyType)");
        assert_eq!(g.node_count(), 1);
    }
}
