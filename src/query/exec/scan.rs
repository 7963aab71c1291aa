//! `NodeScan` (all nodes, the label index or the name index) and `NodeCheck` (a bound node's
//! labels and properties).

use crate::graph::{KeyId, LabelId, NodeId, Value};
use crate::query::error::QueryError;
use crate::query::eval::{eval, node_id_of, node_ref, Env};
use crate::query::plan::{Expr, ScanSource, Var};

use super::{set_slot, Row};

/// A pattern's property equalities for one row, keys resolved to ids (`None`: a key the graph
/// has never had, so no element has it).
pub type KeyedProps = Vec<(Option<KeyId>, Value)>;

/// The ids of a pattern's labels, resolved once per row rather than per candidate node; `None`
/// when one of them names no label the graph has, so no node matches.
pub fn label_ids(labels: &[String], env: &Env) -> Option<Vec<LabelId>> {
    labels.iter().map(|l| env.graph.label_id(l)).collect()
}

/// Whether node `id` carries `labels` (resolved by [`label_ids`]) and satisfies the property
/// equalities.
pub fn node_matches(id: NodeId, labels: Option<&[LabelId]>, props: &[(Option<KeyId>, Value)], env: &Env) -> bool {
    let Some(labels) = labels else { return false };
    let has = env.graph.node_label_ids(id);
    labels.iter().all(|l| has.contains(l))
        && props.iter().all(|(k, v)| {
            k.and_then(|k| env.graph.node_property_by_key(id, k)).is_some_and(|p| p.equals(v) == Some(true))
        })
}

/// Evaluates property-map entries for one row, resolving their keys.
///
/// # Errors
/// Errors of the expressions.
pub fn eval_props(props: &[(String, Expr)], row: &[Value], env: &Env) -> Result<KeyedProps, QueryError> {
    let mut out = Vec::with_capacity(props.len());
    for (k, e) in props {
        let v = eval(e, row, env)?;
        // `*` stands for a whole parameter map, as in `(n $props)`.
        match (k.as_str(), v) {
            ("*", Value::Map(m)) => out.extend(m.into_iter().map(|(k, v)| (env.graph.key_id(&k), v))),
            ("*", Value::Null) => {}
            ("*", other) => {
                return Err(crate::query::functions::type_error(format!(
                    "a pattern's properties must be a map, found {}",
                    other.type_name()
                )))
            }
            (_, v) => out.push((env.graph.key_id(k), v)),
        }
    }
    Ok(out)
}

/// Binds `var` to each matching node, per input row.
///
/// # Errors
/// Errors of the property expressions, cancellation.
pub fn node_scan(
    var: &Var,
    source: &ScanSource,
    labels: &[String],
    props: &[(String, Expr)],
    rows: Vec<Row>,
    env: &Env,
) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::new();
    for row in rows {
        scan_row(var, source, labels, props, &row, env, &mut |r| {
            out.push(r);
            Ok(true)
        })?;
    }
    Ok(out)
}

/// Hands each row that binds `var` to a matching node, for one input row, to `emit`, until
/// `emit` says it wants no more (returns false); a scan feeding a `LIMIT` stops early this way.
///
/// # Errors
/// Errors of the property expressions and of `emit`, cancellation.
pub fn scan_row(
    var: &Var,
    source: &ScanSource,
    labels: &[String],
    props: &[(String, Expr)],
    row: &Row,
    env: &Env,
    emit: &mut dyn FnMut(Row) -> Result<bool, QueryError>,
) -> Result<(), QueryError> {
    let pvals = eval_props(props, row, env)?;
    if pvals.iter().any(|(_, v)| v.is_null()) {
        return Ok(());
    }
    let labels = label_ids(labels, env);
    let candidates: Box<dyn Iterator<Item = NodeId>> = match source {
        ScanSource::All => Box::new(env.graph.node_ids()),
        ScanSource::Label(l) => Box::new(env.graph.nodes_with_label(l)),
        ScanSource::Name(e) => match eval(e, row, env)? {
            Value::String(s) => Box::new(env.graph.nodes_by_name(&s).to_vec().into_iter()),
            Value::Null => Box::new(std::iter::empty()),
            _ => Box::new(env.graph.node_ids()),
        },
    };
    for id in candidates {
        env.guard.check()?;
        if node_matches(id, labels.as_deref(), &pvals, env) {
            let mut r = row.clone();
            set_slot(&mut r, var.slot, node_ref(id));
            if !emit(r)? {
                break;
            }
        }
    }
    Ok(())
}

/// Keeps rows whose bound `var` is a node with `labels` and `props`.
///
/// # Errors
/// Errors of the property expressions.
pub fn node_check(
    var: &Var,
    labels: &[String],
    props: &[(String, Expr)],
    rows: Vec<Row>,
    env: &Env,
) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::new();
    let labels = label_ids(labels, env);
    for row in rows {
        env.guard.check()?;
        let Some(id) = row.get(var.slot).and_then(node_id_of) else { continue };
        let pvals = eval_props(props, &row, env)?;
        if env.graph.contains_node(id) && node_matches(id, labels.as_deref(), &pvals, env) {
            out.push(row);
        }
    }
    Ok(out)
}
