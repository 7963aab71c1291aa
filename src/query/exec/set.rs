//! `Set`: property, property-map (`=` replaces, `+=` merges) and label updates, and their
//! `REMOVE` counterparts, counted in the statistics.

use crate::graph::{NodeId, RelId, Value};
use crate::query::error::QueryError;
use crate::query::eval::{eval, node_id_of, rel_id_of};
use crate::query::functions::{properties_of, type_error};
use crate::query::plan::SetItem;

use super::create::graph_error;
use super::{Ctx, Row};

enum Target {
    Node(NodeId),
    Rel(RelId),
}

fn target(v: &Value) -> Result<Option<Target>, QueryError> {
    match v {
        Value::Null => Ok(None),
        v => match (node_id_of(v), rel_id_of(v)) {
            (Some(n), _) => Ok(Some(Target::Node(n))),
            (_, Some(r)) => Ok(Some(Target::Rel(r))),
            _ => Err(type_error(format!("cannot set properties on a {}", v.type_name()))),
        },
    }
}

fn set_prop(ctx: &mut Ctx, t: &Target, key: &str, value: Value) -> Result<(), QueryError> {
    let is_null = value.is_null();
    if !is_null {
        super::create::check_property(key, &value)?;
    }
    let old = match t {
        Target::Node(n) => ctx.graph.set_node_property(*n, key, value),
        Target::Rel(r) => ctx.graph.set_rel_property(*r, key, value),
    }
    .map_err(graph_error)?;
    ctx.record(match t {
        Target::Node(n) => super::Undo::NodeProp(*n, key.to_string(), old.clone()),
        Target::Rel(r) => super::Undo::RelProp(*r, key.to_string(), old.clone()),
    });
    if is_null {
        if old.is_some() {
            ctx.stats.properties_removed += 1;
        }
    } else {
        ctx.stats.properties_set += 1;
    }
    Ok(())
}

fn keys_of(ctx: &Ctx, t: &Target) -> Vec<String> {
    match t {
        Target::Node(n) => ctx.graph.node_properties(*n).map(|(k, _)| k.to_string()).collect(),
        Target::Rel(r) => ctx.graph.rel_properties(*r).map(|(k, _)| k.to_string()).collect(),
    }
}

/// Applies SET/REMOVE items for one row.
///
/// # Errors
/// Type errors for targets that are not nodes or relationships, unstorable values.
pub fn apply_items(items: &[SetItem], row: &[Value], ctx: &mut Ctx) -> Result<(), QueryError> {
    for item in items {
        match item {
            SetItem::Prop(t, key, v) => {
                let tv = eval(t, row, &ctx.env())?;
                let value = eval(v, row, &ctx.env())?;
                if let Some(t) = target(&tv)? {
                    set_prop(ctx, &t, key, value)?;
                }
            }
            SetItem::Props(t, m, replace) => {
                let tv = eval(t, row, &ctx.env())?;
                let mv = eval(m, row, &ctx.env())?;
                let Some(t) = target(&tv)? else { continue };
                let map = match mv {
                    Value::Null => Default::default(),
                    Value::Map(m) => m,
                    v @ (Value::Node(_) | Value::Relationship(_) | Value::NodeRef(_) | Value::RelRef(_)) => {
                        match properties_of(ctx.graph, &v)? {
                            Value::Map(m) => m,
                            _ => Default::default(),
                        }
                    }
                    other => return Err(type_error(format!("expected a map, found {}", other.type_name()))),
                };
                if *replace {
                    for k in keys_of(ctx, &t) {
                        if !map.contains_key(&k) {
                            set_prop(ctx, &t, &k, Value::Null)?;
                        }
                    }
                }
                for (k, v) in map {
                    set_prop(ctx, &t, &k, v)?;
                }
            }
            SetItem::Labels(t, labels) | SetItem::RemoveLabels(t, labels) => {
                let tv = eval(t, row, &ctx.env())?;
                let id = match tv {
                    Value::Null => continue,
                    v => {
                        node_id_of(&v).ok_or_else(|| type_error(format!("cannot set labels on a {}", v.type_name())))?
                    }
                };
                for l in labels {
                    if matches!(item, SetItem::Labels(..)) {
                        if ctx.graph.add_label(id, l).map_err(graph_error)? {
                            ctx.stats.labels_added += 1;
                            ctx.record(super::Undo::LabelAdded(id, l.clone()));
                        }
                    } else if ctx.graph.remove_label(id, l).map_err(graph_error)? {
                        ctx.stats.labels_removed += 1;
                        ctx.record(super::Undo::LabelRemoved(id, l.clone()));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Runs SET/REMOVE for every row.
///
/// # Errors
/// See [`apply_items`].
pub fn set(items: &[SetItem], rows: Vec<Row>, ctx: &mut Ctx) -> Result<Vec<Row>, QueryError> {
    for row in &rows {
        ctx.guard.check()?;
        apply_items(items, row, ctx)?;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{graph, rows, run};

    #[test]
    fn set_and_remove_count_changes() {
        let mut g = graph("CREATE (:A {x: 1, y: 2})");
        let r = run(&mut g, "MATCH (n:A) SET n.x = null, n.z = 3, n:B REMOVE n:A, n.y").unwrap();
        let s = r.stats;
        assert_eq!((s.properties_set, s.properties_removed, s.labels_added, s.labels_removed), (1, 2, 1, 1));
        assert_eq!(rows(&mut g, "MATCH (n:B) RETURN properties(n), labels(n)"), ["{z: 3}, ['B']"]);
    }

    #[test]
    fn replace_and_merge_maps() {
        let mut g = graph("CREATE ({a: 1, b: 2})");
        rows(&mut g, "MATCH (n) SET n += {b: 3, c: 4}");
        assert_eq!(rows(&mut g, "MATCH (n) RETURN properties(n)"), ["{a: 1, b: 3, c: 4}"]);
        rows(&mut g, "MATCH (n) SET n = {d: 5}");
        assert_eq!(rows(&mut g, "MATCH (n) RETURN properties(n)"), ["{d: 5}"]);
    }

    #[test]
    fn a_failing_statement_is_taken_back() {
        let mut g = graph("CREATE (:A {x: 1})");
        let e = run(&mut g, "MATCH (n:A) SET n.x = 2, n:B CREATE (:C) SET n.bad = n").unwrap_err();
        assert_eq!(e.kind_label(), "TypeError (InvalidPropertyType)");
        assert_eq!(rows(&mut g, "MATCH (n) RETURN labels(n), n.x"), ["['A'], 1"]);
    }
}
