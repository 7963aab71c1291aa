//! `NodeScan` (all nodes, the label index or the name index) and `NodeCheck` (a bound node's
//! labels and properties).

use crate::graph::{NodeId, Value};
use crate::query::error::QueryError;
use crate::query::eval::{eval, node_id_of, node_ref, Env};
use crate::query::plan::{Expr, ScanSource, Var};

use super::{set_slot, Row};

/// Whether node `id` carries `labels` and satisfies the property equalities.
pub fn node_matches(id: NodeId, labels: &[String], props: &[(String, Value)], env: &Env) -> bool {
    labels.iter().all(|l| env.graph.has_label(id, l))
        && props.iter().all(|(k, v)| env.graph.node_property(id, k).is_some_and(|p| p.equals(v) == Some(true)))
}

/// Evaluates property-map entries for one row.
///
/// # Errors
/// Errors of the expressions.
pub fn eval_props(props: &[(String, Expr)], row: &[Value], env: &Env) -> Result<Vec<(String, Value)>, QueryError> {
    let mut out = Vec::with_capacity(props.len());
    for (k, e) in props {
        let v = eval(e, row, env)?;
        // `*` stands for a whole parameter map, as in `(n $props)`.
        match (k.as_str(), v) {
            ("*", Value::Map(m)) => out.extend(m),
            ("*", Value::Null) => {}
            ("*", other) => {
                return Err(crate::query::functions::type_error(format!(
                    "a pattern's properties must be a map, found {}",
                    other.type_name()
                )))
            }
            (_, v) => out.push((k.clone(), v)),
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
        if node_matches(id, labels, &pvals, env) {
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
    for row in rows {
        env.guard.check()?;
        let Some(id) = row.get(var.slot).and_then(node_id_of) else { continue };
        let pvals = eval_props(props, &row, env)?;
        if env.graph.contains_node(id) && node_matches(id, labels, &pvals, env) {
            out.push(row);
        }
    }
    Ok(out)
}
