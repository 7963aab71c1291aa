//! Expression evaluation over one row: Cypher's operators with three-valued logic, integer
//! overflow checks, list/string concatenation, property access through the graph, and the
//! scoped forms (list comprehensions, quantifiers, `reduce`, pattern predicates).
//!
//! Rows carry graph elements as *thin references*: a `Value::NodeRef` holding only the id, a
//! `Value::RelRef` holding id and endpoints. Everything about an
//! element is read from the graph when needed, so writes made earlier in a query are seen by
//! later clauses; [`materialize`] fills in labels, types and properties at the output.

use std::cmp::Ordering;

use crate::graph::{
    nesting, NodeId, NodeValue, PathValue, PropertyGraph, RelId, RelRef, RelationshipValue, Value, MAX_NESTING,
};

use super::error::{ErrorKind, QueryError};
use super::exec::{run_read, Guard};
use super::functions::{self, deleted_error, type_error};
use super::plan::{BinaryOp, Expr, MapSelector, PathPart, PropKey, Quantifier, Spot, UnaryOp};
use super::Params;

/// What expressions may read: the graph, the parameters, and the cancellation guard.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// The graph.
    pub graph: &'a PropertyGraph,
    /// `$name` values.
    pub params: &'a Params,
    /// Cancellation and limits.
    pub guard: &'a Guard,
}

/// A thin node reference.
pub fn node_ref(id: NodeId) -> Value {
    Value::NodeRef(id)
}

/// A thin relationship reference (id and endpoints).
pub fn rel_ref(graph: &PropertyGraph, id: RelId) -> Value {
    let (s, e) = graph.endpoints(id).unwrap_or((NodeId(0), NodeId(0)));
    rel_ref_with(id, s, e)
}

/// A thin relationship reference with known endpoints.
pub fn rel_ref_with(id: RelId, start: NodeId, end: NodeId) -> Value {
    Value::RelRef(RelRef { id, start, end })
}

/// The node id inside a node value (thin or materialized).
pub fn node_id_of(v: &Value) -> Option<NodeId> {
    v.node_id()
}

/// The relationship id inside a relationship value (thin or materialized).
pub fn rel_id_of(v: &Value) -> Option<RelId> {
    v.rel_id()
}

/// Replaces thin references (also inside lists, maps and paths) by full values read from the
/// graph; elements deleted by the query keep what they have.
pub fn materialize(graph: &PropertyGraph, v: Value) -> Value {
    match v {
        Value::NodeRef(id) => Value::Node(Box::new(graph.node_value(id).unwrap_or_else(|| NodeValue::from_id(id)))),
        Value::RelRef(r) => Value::Relationship(Box::new(
            graph.relationship_value(r.id).unwrap_or_else(|| RelationshipValue::from_ref(r)),
        )),
        Value::Node(n) => Value::Node(Box::new(full_node(graph, *n))),
        Value::Relationship(r) => Value::Relationship(Box::new(full_rel(graph, *r))),
        Value::Path(p) => Value::Path(Box::new(PathValue {
            nodes: p.nodes.into_iter().map(|n| full_node(graph, n)).collect(),
            relationships: p.relationships.into_iter().map(|r| full_rel(graph, r)).collect(),
        })),
        Value::List(items) => Value::List(items.into_iter().map(|v| materialize(graph, v)).collect()),
        Value::Map(m) => Value::Map(m.into_iter().map(|(k, v)| (k, materialize(graph, v))).collect()),
        other => other,
    }
}

fn full_node(graph: &PropertyGraph, n: NodeValue) -> NodeValue {
    graph.node_value(NodeId(n.id as u32)).unwrap_or(n)
}

fn full_rel(graph: &PropertyGraph, r: RelationshipValue) -> RelationshipValue {
    graph.relationship_value(RelId(r.id as u32)).unwrap_or(r)
}

/// Cypher truth value: `Some(b)` for a boolean, `None` for null.
///
/// # Errors
/// A `TypeError` for any other value.
pub fn truth(v: &Value) -> Result<Option<bool>, QueryError> {
    match v {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Null => Ok(None),
        other => Err(type_error(format!("expected a boolean, found {}", other.type_name()))),
    }
}

fn from_opt(b: Option<bool>) -> Value {
    b.map_or(Value::Null, Value::Bool)
}

fn overflow(op: &str) -> QueryError {
    QueryError::new(ErrorKind::ArgumentError, format!("integer overflow in '{op}'")).with_detail("NumberOutOfRange")
}

/// Applies a binary operator (not `AND`/`OR`/`XOR`, which short-circuit in [`eval`]).
///
/// # Errors
/// `TypeError` for operand types the operator does not take, overflow and division by zero.
pub fn binary(op: BinaryOp, a: Value, b: Value) -> Result<Value, QueryError> {
    use Value::*;
    match op {
        BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => {
            let (x, y) = (truth(&a)?, truth(&b)?);
            Ok(from_opt(match op {
                BinaryOp::And => match (x, y) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
                BinaryOp::Or => match (x, y) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
                _ => x.zip(y).map(|(x, y)| x != y),
            }))
        }
        BinaryOp::Eq => Ok(from_opt(a.equals(&b))),
        BinaryOp::Ne => Ok(from_opt(a.equals(&b).map(|x| !x))),
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge if is_nan_cmp(&a, &b) => Ok(Bool(false)),
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => Ok(from_opt(a.compare(&b).map(|o| match op {
            BinaryOp::Lt => o == Ordering::Less,
            BinaryOp::Le => o != Ordering::Greater,
            BinaryOp::Gt => o == Ordering::Greater,
            _ => o != Ordering::Less,
        }))),
        BinaryOp::In => match b {
            Null => Ok(Null),
            List(items) => {
                let mut unknown = false;
                for x in &items {
                    match a.equals(x) {
                        Some(true) => return Ok(Bool(true)),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                Ok(if unknown { Null } else { Bool(false) })
            }
            other => Err(type_error(format!("IN expects a list on the right, found {}", other.type_name()))),
        },
        BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains => match (&a, &b) {
            (String(x), String(y)) => Ok(Bool(match op {
                BinaryOp::StartsWith => x.starts_with(y.as_str()),
                BinaryOp::EndsWith => x.ends_with(y.as_str()),
                _ => x.contains(y.as_str()),
            })),
            _ => Ok(Null),
        },
        BinaryOp::Regex => match (&a, &b) {
            (String(x), String(p)) => Ok(Bool(regex_for(p)?.is_match(x))),
            _ => Ok(Null),
        },
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div
            if matches!((&a, &b), (Temporal(_), _) | (_, Temporal(_)))
                && !matches!((&a, &b), (List(_), _) | (_, List(_))) =>
        {
            temporal_arith(op, a, b)
        }
        BinaryOp::Add => match (a, b) {
            (Null, _) | (_, Null) => Ok(Null),
            (Int(x), Int(y)) => x.checked_add(y).map(Int).ok_or_else(|| overflow("+")),
            (List(mut x), List(y)) => {
                x.extend(y);
                Ok(List(x))
            }
            (List(mut x), y) => {
                x.push(y);
                Ok(List(x))
            }
            (x, List(y)) => {
                let mut out = vec![x];
                out.extend(y);
                Ok(List(out))
            }
            (String(x), String(y)) => Ok(String(x + &y)),
            (String(x), y @ (Int(_) | Float(_) | Bool(_))) => Ok(String(x + &y.to_string())),
            (x @ (Int(_) | Float(_) | Bool(_)), String(y)) => Ok(String(x.to_string() + &y)),
            (x, y) => arith_float(op, &x, &y),
        },
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => match (a, b) {
            (Null, _) | (_, Null) => Ok(Null),
            (Int(x), Int(y)) => {
                let r = match op {
                    BinaryOp::Sub => x.checked_sub(y),
                    BinaryOp::Mul => x.checked_mul(y),
                    _ if y == 0 => {
                        return Err(
                            QueryError::new(ErrorKind::ArgumentError, "division by zero").with_detail("DivisionByZero")
                        )
                    }
                    BinaryOp::Div => x.checked_div(y),
                    _ => x.checked_rem(y),
                };
                r.map(Int).ok_or_else(|| overflow(op.symbol()))
            }
            (x, y) => arith_float(op, &x, &y),
        },
        BinaryOp::Pow => match (a, b) {
            (Null, _) | (_, Null) => Ok(Null),
            (x, y) => arith_float(op, &x, &y),
        },
    }
}

/// `+`, `-`, `*`, `/` with a temporal operand: temporal ± duration, duration ± duration,
/// duration * / number.
fn temporal_arith(op: BinaryOp, a: Value, b: Value) -> Result<Value, QueryError> {
    use crate::graph::Temporal as T;
    use Value::{Float, Int, Null, Temporal};
    let err = |a: &Value, b: &Value| {
        type_error(format!("cannot apply '{}' to {} and {}", op.symbol(), a.type_name(), b.type_name()))
    };
    let out = match (op, &a, &b) {
        (_, Null, _) | (_, _, Null) => return Ok(Null),
        (BinaryOp::Add | BinaryOp::Sub, Temporal(x), Temporal(y)) => match (x.as_ref(), y.as_ref()) {
            (_, T::Duration(d)) => x.plus(d, if op == BinaryOp::Add { 1 } else { -1 }),
            (T::Duration(d), _) if op == BinaryOp::Add => y.plus(d, 1),
            _ => return Err(err(&a, &b)),
        },
        (BinaryOp::Mul, Temporal(x), n @ (Int(_) | Float(_)))
        | (BinaryOp::Mul, n @ (Int(_) | Float(_)), Temporal(x)) => match (x.as_ref(), n) {
            (T::Duration(d), Int(k)) => d.times_int(*k).map(T::Duration),
            (T::Duration(d), Float(f)) => d.scale(*f, false).map(T::Duration),
            _ => return Err(err(&a, &b)),
        },
        (BinaryOp::Div, Temporal(x), n @ (Int(_) | Float(_))) => match (x.as_ref(), n) {
            (T::Duration(_), Int(0)) => {
                return Err(QueryError::new(ErrorKind::ArgumentError, "division by zero").with_detail("DivisionByZero"))
            }
            (T::Duration(d), Int(k)) => d.scale(*k as f64, true).map(T::Duration),
            (T::Duration(d), Float(f)) => d.scale(*f, true).map(T::Duration),
            _ => return Err(err(&a, &b)),
        },
        _ => return Err(err(&a, &b)),
    };
    out.map(Value::from).map_err(functions::temporal::query_error)
}

thread_local! {
    /// Compiled `=~` patterns: a query usually applies one pattern to many rows.
    static REGEXES: std::cell::RefCell<std::collections::HashMap<String, regex::Regex>> = Default::default();
}

/// The compiled, whole-string form of a `=~` pattern (cached per thread, up to 64 patterns).
fn regex_for(p: &str) -> Result<regex::Regex, QueryError> {
    if let Some(re) = REGEXES.with(|c| c.borrow().get(p).cloned()) {
        return Ok(re);
    }
    let re = regex::Regex::new(&format!("^(?:{p})$")).map_err(|e| {
        QueryError::new(ErrorKind::ArgumentError, format!("invalid regular expression: {e}"))
            .with_detail("InvalidArgumentValue")
    })?;
    REGEXES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 64 {
            c.clear();
        }
        c.insert(p.to_string(), re.clone());
    });
    Ok(re)
}

/// NaN compared with a number is false (not null), as for IEEE floats.
fn is_nan_cmp(a: &Value, b: &Value) -> bool {
    let nan = |v: &Value| matches!(v, Value::Float(f) if f.is_nan());
    let num = |v: &Value| matches!(v, Value::Int(_) | Value::Float(_));
    (nan(a) && num(b)) || (nan(b) && num(a))
}

fn arith_float(op: BinaryOp, a: &Value, b: &Value) -> Result<Value, QueryError> {
    let as_f = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    };
    let (Some(x), Some(y)) = (as_f(a), as_f(b)) else {
        return Err(type_error(format!("cannot apply '{}' to {} and {}", op.symbol(), a.type_name(), b.type_name())));
    };
    Ok(Value::Float(match op {
        BinaryOp::Add => x + y,
        BinaryOp::Sub => x - y,
        BinaryOp::Mul => x * y,
        BinaryOp::Div => x / y,
        BinaryOp::Mod => x % y,
        _ => x.powf(y),
    }))
}

/// The stored value of property `key` of a live node or relationship, borrowed from the graph
/// (`Some(None)`: no such property); `None` for other values and deleted elements, which
/// [`property`] handles.
fn stored_property<'g>(graph: &'g PropertyGraph, base: &Value, key: &PropKey) -> Option<Option<&'g Value>> {
    if let Some(id) = base.node_id() {
        graph.contains_node(id).then(|| node_property(graph, id, key))
    } else {
        let id = base.rel_id()?;
        graph.contains_relationship(id).then(|| rel_property(graph, id, key))
    }
}

/// Property `key` of a live node, by the key's id when the plan resolved it.
fn node_property<'g>(graph: &'g PropertyGraph, id: NodeId, key: &PropKey) -> Option<&'g Value> {
    match key.id {
        Some(k) => graph.node_property_by_key(id, k),
        None => graph.node_property(id, &key.name),
    }
}

/// Property `key` of a live relationship, by the key's id when the plan resolved it.
fn rel_property<'g>(graph: &'g PropertyGraph, id: RelId, key: &PropKey) -> Option<&'g Value> {
    match key.id {
        Some(k) => graph.rel_property_by_key(id, k),
        None => graph.rel_property(id, &key.name),
    }
}

/// `var.key OP b` for the comparisons and string predicates, reading the property in place
/// instead of cloning it; `None` when the left side is not a property of a live node or
/// relationship variable (the general path then evaluates it).
fn compare_stored(op: BinaryOp, a: &Expr, b: &Expr, row: &[Value], env: &Env) -> Option<Result<Value, QueryError>> {
    let Expr::Prop(base, key) = a else { return None };
    let Expr::Var(v) = base.as_ref() else { return None };
    let x = stored_property(env.graph, row.get(v.slot)?, key)?.unwrap_or(&Value::Null);
    let y = match eval(b, row, env) {
        Ok(y) => y,
        Err(e) => return Some(Err(e)),
    };
    Some(Ok(match op {
        BinaryOp::Eq => from_opt(x.equals(&y)),
        BinaryOp::Ne => from_opt(x.equals(&y).map(|t| !t)),
        _ => match (x, &y) {
            (Value::String(x), Value::String(y)) => Value::Bool(match op {
                BinaryOp::StartsWith => x.starts_with(y.as_str()),
                BinaryOp::EndsWith => x.ends_with(y.as_str()),
                _ => x.contains(y.as_str()),
            }),
            _ => Value::Null,
        },
    }))
}

/// Reads property `key` of a node, relationship or map value.
///
/// # Errors
/// `TypeError` for values without properties, `EntityNotFound` for deleted elements.
pub fn property(graph: &PropertyGraph, base: &Value, key: &str) -> Result<Value, QueryError> {
    match base {
        Value::Null => Ok(Value::Null),
        Value::Node(_) | Value::NodeRef(_) => {
            let id = base.node_id().unwrap_or(NodeId(0));
            if !graph.contains_node(id) {
                return Err(deleted_error("node"));
            }
            Ok(graph.node_property(id, key).cloned().unwrap_or(Value::Null))
        }
        Value::Relationship(_) | Value::RelRef(_) => {
            let id = base.rel_id().unwrap_or(RelId(0));
            if !graph.contains_relationship(id) {
                return Err(deleted_error("relationship"));
            }
            Ok(graph.rel_property(id, key).cloned().unwrap_or(Value::Null))
        }
        Value::Map(m) => Ok(m.get(key).cloned().unwrap_or(Value::Null)),
        Value::Temporal(t) => functions::temporal::component(t, key),
        other => Err(type_error(format!("cannot read property '{key}' of a {}", other.type_name()))),
    }
}

fn index(graph: &PropertyGraph, base: Value, idx: Value) -> Result<Value, QueryError> {
    match (&base, &idx) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::List(items), Value::Int(i)) => {
            let len = items.len() as i64;
            let i = if *i < 0 { len + i } else { *i };
            Ok(if (0..len).contains(&i) { items[i as usize].clone() } else { Value::Null })
        }
        (Value::List(_), other) => {
            Err(type_error(format!("a list index must be an integer, found {}", other.type_name())))
        }
        (
            Value::Map(_) | Value::Node(_) | Value::Relationship(_) | Value::NodeRef(_) | Value::RelRef(_),
            Value::String(k),
        ) => property(graph, &base, k),
        (Value::Map(_) | Value::Node(_) | Value::Relationship(_) | Value::NodeRef(_) | Value::RelRef(_), other) => {
            Err(type_error(format!("a map key must be a string, found {}", other.type_name()))
                .with_detail("MapElementAccessByNonString"))
        }
        (other, _) => Err(type_error(format!("cannot index into a {}", other.type_name()))),
    }
}

fn slice(base: Value, lo: Option<Value>, hi: Option<Value>) -> Result<Value, QueryError> {
    let items = match base {
        Value::Null => return Ok(Value::Null),
        Value::List(items) => items,
        other => return Err(type_error(format!("cannot slice a {}", other.type_name()))),
    };
    let len = items.len() as i64;
    let bound = |v: Option<Value>, default: i64| -> Result<Option<i64>, QueryError> {
        match v {
            None => Ok(Some(default)),
            Some(Value::Null) => Ok(None),
            Some(Value::Int(i)) => Ok(Some(if i < 0 { (len + i).max(0) } else { i.min(len) })),
            Some(other) => Err(type_error(format!("a slice bound must be an integer, found {}", other.type_name()))),
        }
    };
    let (Some(a), Some(b)) = (bound(lo, 0)?, bound(hi, len)?) else { return Ok(Value::Null) };
    if a >= b {
        return Ok(Value::List(Vec::new()));
    }
    Ok(Value::List(items[a as usize..b as usize].to_vec()))
}

/// Builds a path value from node, relationship and relationship-list slots: the first node
/// starts the path, each relationship leads to the next node.
fn build_path(parts: &[PathPart], row: &[Value]) -> Value {
    let mut nodes: Vec<NodeValue> = Vec::new();
    let mut rels: Vec<RelationshipValue> = Vec::new();
    let mut push_rel = |v: &Value, nodes: &mut Vec<NodeValue>| {
        let r = match v {
            Value::Relationship(r) => r.as_ref().clone(),
            other => match other.rel_ref() {
                Some(r) => RelationshipValue::from_ref(r),
                None => return false,
            },
        };
        let last = nodes.last().map(|n| n.id);
        let next = if last == Some(r.start) { r.end } else { r.start };
        rels.push(r);
        nodes.push(NodeValue::from_id(NodeId(next as u32)));
        true
    };
    for part in parts {
        match (part, row.get(part_slot(part))) {
            (PathPart::Node(_), Some(v)) if v.node_id().is_some() => {
                if nodes.is_empty() {
                    nodes.push(NodeValue::from_id(v.node_id().unwrap_or(NodeId(0))));
                }
            }
            (PathPart::Rel(_), Some(v)) => {
                if !push_rel(v, &mut nodes) {
                    return Value::Null;
                }
            }
            (PathPart::RelList(_), Some(Value::List(items))) => {
                for v in items {
                    push_rel(v, &mut nodes);
                }
            }
            _ => return Value::Null,
        }
    }
    Value::Path(Box::new(PathValue { nodes, relationships: rels }))
}

fn part_slot(part: &PathPart) -> usize {
    match part {
        PathPart::Node(s) | PathPart::Rel(s) | PathPart::RelList(s) => *s,
    }
}

fn with_local(row: &[Value], slot: usize) -> Vec<Value> {
    let mut local = row.to_vec();
    if local.len() <= slot {
        local.resize(slot + 1, Value::Null);
    }
    local
}

/// `v`, a list or map just built, unless it nests deeper than [`MAX_NESTING`]: deeper values
/// could not be printed, compared or saved without exhausting the stack.
///
/// # Errors
/// `ArgumentError`.
pub fn nest(v: Value) -> Result<Value, QueryError> {
    if nesting(&v, MAX_NESTING) > MAX_NESTING {
        return Err(QueryError::new(
            ErrorKind::ArgumentError,
            format!("a list or map may nest at most {MAX_NESTING} levels deep"),
        ));
    }
    Ok(v)
}

/// Evaluates `expr` against `row`.
///
/// # Errors
/// The TCK's runtime error classes (`TypeError`, `ArgumentError`, `EntityNotFound`), and
/// `Cancelled` from sub-pipelines.
pub fn eval(expr: &Expr, row: &[Value], env: &Env) -> Result<Value, QueryError> {
    Ok(match expr {
        Expr::Lit(v) => v.clone(),
        Expr::At(Spot(span), e) => {
            return eval(e, row, env).map_err(|err| if err.span.is_none() { err.with_span(*span) } else { err })
        }
        Expr::Param(name) => env.params.get(name).cloned().ok_or_else(|| {
            QueryError::new(ErrorKind::SemanticError, format!("parameter ${name} was not given"))
                .with_detail("ParameterMissing")
        })?,
        Expr::Var(v) => row.get(v.slot).cloned().unwrap_or(Value::Null),
        Expr::AggRef(slot, _) => row.get(*slot).cloned().unwrap_or(Value::Null),
        Expr::Prop(base, key) => {
            let b = eval(base, row, env)?;
            match stored_property(env.graph, &b, key) {
                Some(v) => v.cloned().unwrap_or(Value::Null),
                None => property(env.graph, &b, &key.name)?,
            }
        }
        Expr::List(items) => nest(Value::List(items.iter().map(|e| eval(e, row, env)).collect::<Result<_, _>>()?))?,
        Expr::Map(items) => nest(Value::Map(
            items.iter().map(|(k, e)| Ok((k.clone(), eval(e, row, env)?))).collect::<Result<_, QueryError>>()?,
        ))?,
        Expr::Unary(op, e) => {
            let v = eval(e, row, env)?;
            match (op, v) {
                (UnaryOp::Not, v) => from_opt(truth(&v)?.map(|b| !b)),
                (_, Value::Null) => Value::Null,
                (UnaryOp::Neg, Value::Int(i)) => Value::Int(i.checked_neg().ok_or_else(|| overflow("-"))?),
                (UnaryOp::Neg, Value::Float(f)) => Value::Float(-f),
                (UnaryOp::Plus, v @ (Value::Int(_) | Value::Float(_))) => v,
                (_, other) => return Err(type_error(format!("cannot negate a {}", other.type_name()))),
            }
        }
        Expr::Binary(op @ (BinaryOp::And | BinaryOp::Or), a, b) => {
            let x = truth(&eval(a, row, env)?)?;
            match (op, x) {
                (BinaryOp::And, Some(false)) => {
                    truth(&eval(b, row, env)?)?;
                    Value::Bool(false)
                }
                (BinaryOp::Or, Some(true)) => {
                    truth(&eval(b, row, env)?)?;
                    Value::Bool(true)
                }
                _ => binary(*op, from_opt(x), eval(b, row, env)?)?,
            }
        }
        Expr::Binary(
            op @ (BinaryOp::Eq | BinaryOp::Ne | BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains),
            a,
            b,
        ) if matches!(a.as_ref(), Expr::Prop(..)) => match compare_stored(*op, a, b, row, env) {
            Some(v) => v?,
            None => binary(*op, eval(a, row, env)?, eval(b, row, env)?)?,
        },
        Expr::Binary(op, a, b) => binary(*op, eval(a, row, env)?, eval(b, row, env)?)?,
        Expr::IsNull(e, negated) => Value::Bool(eval(e, row, env)?.is_null() != *negated),
        Expr::HasLabels(e, labels) => match eval(e, row, env)? {
            Value::Null => Value::Null,
            v @ (Value::Node(_) | Value::NodeRef(_)) => {
                let id = v.node_id().unwrap_or(NodeId(0));
                Value::Bool(labels.iter().all(|l| env.graph.has_label(id, l)))
            }
            // `r:T` on a relationship tests its type (GQL's label expressions).
            v @ (Value::Relationship(_) | Value::RelRef(_)) => {
                let t = env.graph.rel_type(v.rel_id().unwrap_or(RelId(0)));
                Value::Bool(labels.iter().all(|l| t == Some(l.as_str())))
            }
            other => return Err(type_error(format!("cannot test labels of a {}", other.type_name()))),
        },
        Expr::Call(name, args) => {
            let vals: Vec<Value> = args.iter().map(|e| eval(e, row, env)).collect::<Result<_, _>>()?;
            if name == "range" {
                env.guard.reserve(functions::range_bytes(&vals))?;
                functions::range_checked(&vals, || env.guard.check())?
            } else {
                functions::call(env.graph, name, &vals)?
            }
        }
        Expr::Case(operand, whens, els) => {
            let op = operand.as_ref().map(|e| eval(e, row, env)).transpose()?;
            for (w, t) in whens {
                let wv = eval(w, row, env)?;
                let hit = match &op {
                    Some(o) => o.equals(&wv) == Some(true),
                    None => matches!(wv, Value::Bool(true)),
                };
                if hit {
                    return eval(t, row, env);
                }
            }
            match els {
                Some(e) => eval(e, row, env)?,
                None => Value::Null,
            }
        }
        Expr::Index(base, i) => index(env.graph, eval(base, row, env)?, eval(i, row, env)?)?,
        Expr::Slice(base, lo, hi) => {
            let b = eval(base, row, env)?;
            let lo = lo.as_ref().map(|e| eval(e, row, env)).transpose()?;
            let hi = hi.as_ref().map(|e| eval(e, row, env)).transpose()?;
            slice(b, lo, hi)?
        }
        Expr::ListComp(slot, list, pred, map) => {
            let items = match eval(list, row, env)? {
                Value::Null => return Ok(Value::Null),
                Value::List(items) => items,
                other => return Err(type_error(format!("expected a list, found {}", other.type_name()))),
            };
            let mut local = with_local(row, *slot);
            let mut out = Vec::new();
            for item in items {
                env.guard.check()?;
                local[*slot] = item;
                if let Some(p) = pred {
                    if truth(&eval(p, &local, env)?)? != Some(true) {
                        continue;
                    }
                }
                out.push(match map {
                    Some(m) => eval(m, &local, env)?,
                    None => local[*slot].clone(),
                });
            }
            Value::List(out)
        }
        Expr::Quantified(q, slot, list, pred) => {
            let items = match eval(list, row, env)? {
                Value::Null => return Ok(Value::Null),
                Value::List(items) => items,
                other => return Err(type_error(format!("expected a list, found {}", other.type_name()))),
            };
            let mut local = with_local(row, *slot);
            let (mut trues, mut nulls) = (0usize, 0usize);
            let total = items.len();
            for item in items {
                local[*slot] = item;
                match truth(&eval(pred, &local, env)?)? {
                    Some(true) => trues += 1,
                    None => nulls += 1,
                    Some(false) => {}
                }
            }
            let falses = total - trues - nulls;
            from_opt(match q {
                Quantifier::All => {
                    if falses > 0 {
                        Some(false)
                    } else if nulls > 0 {
                        None
                    } else {
                        Some(true)
                    }
                }
                Quantifier::Any => {
                    if trues > 0 {
                        Some(true)
                    } else if nulls > 0 {
                        None
                    } else {
                        Some(false)
                    }
                }
                Quantifier::None => {
                    if trues > 0 {
                        Some(false)
                    } else if nulls > 0 {
                        None
                    } else {
                        Some(true)
                    }
                }
                Quantifier::Single => {
                    if trues > 1 {
                        Some(false)
                    } else if nulls > 0 {
                        None
                    } else {
                        Some(trues == 1)
                    }
                }
            })
        }
        Expr::Reduce(acc, init, x, list, step) => {
            let init = eval(init, row, env)?;
            let items = match eval(list, row, env)? {
                Value::Null => return Ok(Value::Null),
                Value::List(items) => items,
                other => return Err(type_error(format!("expected a list, found {}", other.type_name()))),
            };
            let mut local = with_local(row, (*acc).max(*x));
            local[*acc] = init;
            for item in items {
                env.guard.check()?;
                local[*x] = item;
                local[*acc] = eval(step, &local, env)?;
            }
            local[*acc].clone()
        }
        Expr::Path(parts) => build_path(parts, row),
        Expr::Exists(sub) => {
            let start = with_local(row, sub.width.saturating_sub(1));
            Value::Bool(!run_read(&sub.ops, vec![start], env)?.is_empty())
        }
        Expr::PatternList(sub, e) => {
            let start = with_local(row, sub.width.saturating_sub(1));
            let rows = run_read(&sub.ops, vec![start], env)?;
            Value::List(rows.iter().map(|r| eval(e, r, env)).collect::<Result<_, _>>()?)
        }
        Expr::MapProjection(base, sels) => {
            let b = eval(base, row, env)?;
            if b.is_null() {
                return Ok(Value::Null);
            }
            let mut out = crate::graph::PropertyMap::new();
            for sel in sels {
                match sel {
                    MapSelector::Prop(k) => {
                        out.insert(k.clone(), property(env.graph, &b, k)?);
                    }
                    MapSelector::Literal(k, e) => {
                        out.insert(k.clone(), eval(e, row, env)?);
                    }
                    MapSelector::All => {
                        if let Value::Map(m) = functions::properties_of(env.graph, &b)? {
                            out.extend(m);
                        }
                    }
                }
            }
            Value::Map(out)
        }
    })
}

/// Evaluates a predicate: true only when the value is `true` (null and false both reject).
///
/// # Errors
/// As [`eval`], and a `TypeError` when the value is not a boolean or null.
pub fn eval_predicate(expr: &Expr, row: &[Value], env: &Env) -> Result<bool, QueryError> {
    Ok(truth(&eval(expr, row, env)?)? == Some(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(e: &Expr) -> Result<Value, QueryError> {
        let g = PropertyGraph::new();
        let p = Params::new();
        let guard = Guard::default();
        eval(e, &[], &Env { graph: &g, params: &p, guard: &guard })
    }

    fn lit(v: impl Into<Value>) -> Box<Expr> {
        Box::new(Expr::Lit(v.into()))
    }

    #[test]
    fn keys_and_labels_resolve_to_ids_and_fall_back_to_names_for_new_ones() {
        use crate::query::testutil::{graph, rows};
        let mut g = graph("CREATE (:A {x: 1, name: 'a'})-[:R {w: 2}]->(:B {name: 'b'})");
        let plan = crate::query::binder::plan_query(
            &crate::query::parse_query("MATCH (n) RETURN n.x, n.never").unwrap(),
            &g,
            &crate::query::Procedures::default(),
        )
        .unwrap();
        let text = format!("{:?}", plan.ops);
        assert!(text.contains(&format!("name: \"x\", id: Some({:?})", g.key_id("x").unwrap())), "{text}");
        assert!(text.contains("name: \"never\", id: None"), "{text}");
        // Keys and labels the statement itself introduces are read by name.
        assert_eq!(rows(&mut g, "MATCH (n:A) SET n.fresh = 3 RETURN n.fresh, n.x"), ["3, 1"]);
        assert_eq!(rows(&mut g, "CREATE (m:New {k: 4}) WITH m MATCH (o:New {k: 4}) RETURN o.k"), ["4"]);
        // Unknown keys and labels in patterns match nothing; known ones match by id.
        assert_eq!(rows(&mut g, "MATCH (n {none: 1}) RETURN n"), Vec::<String>::new());
        assert_eq!(rows(&mut g, "MATCH (n:Nothing) RETURN n"), Vec::<String>::new());
        assert_eq!(rows(&mut g, "MATCH (:A {x: 1})-[r {w: 2}]->(b:B) RETURN b.name, r.w"), ["'b', 2"]);
        assert_eq!(rows(&mut g, "MATCH (:A)-[r {w: 3}]->() RETURN r"), Vec::<String>::new());
    }

    #[test]
    fn three_valued_logic() {
        let null = || Box::new(Expr::Lit(Value::Null));
        assert_eq!(ev(&Expr::Binary(BinaryOp::And, null(), lit(false))).unwrap(), Value::Bool(false));
        assert_eq!(ev(&Expr::Binary(BinaryOp::Or, null(), lit(false))).unwrap(), Value::Null);
        assert_eq!(ev(&Expr::Binary(BinaryOp::Xor, null(), lit(true))).unwrap(), Value::Null);
        assert_eq!(ev(&Expr::Unary(UnaryOp::Not, null())).unwrap(), Value::Null);
        assert_eq!(ev(&Expr::Binary(BinaryOp::And, lit(1), lit(true))).unwrap_err().kind, ErrorKind::TypeError);
    }

    #[test]
    fn in_with_nulls() {
        let list = |v: Vec<Value>| Box::new(Expr::Lit(Value::List(v)));
        assert_eq!(ev(&Expr::Binary(BinaryOp::In, lit(1), list(vec![2.into(), Value::Null]))).unwrap(), Value::Null);
        assert_eq!(
            ev(&Expr::Binary(BinaryOp::In, lit(1), list(vec![1.into(), Value::Null]))).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(ev(&Expr::Binary(BinaryOp::In, lit(1), list(vec![]))).unwrap(), Value::Bool(false));
    }

    #[test]
    fn arithmetic_and_concatenation() {
        assert_eq!(ev(&Expr::Binary(BinaryOp::Add, lit(i64::MAX), lit(1))).unwrap_err().kind, ErrorKind::ArgumentError);
        assert_eq!(ev(&Expr::Binary(BinaryOp::Div, lit(7), lit(2))).unwrap(), Value::Int(3));
        assert_eq!(ev(&Expr::Binary(BinaryOp::Add, lit("a"), lit("b"))).unwrap(), Value::from("ab"));
        let l = Box::new(Expr::Lit(Value::List(vec![1.into()])));
        assert_eq!(ev(&Expr::Binary(BinaryOp::Add, l, lit(2))).unwrap(), Value::List(vec![1.into(), 2.into()]));
        assert_eq!(ev(&Expr::Binary(BinaryOp::Pow, lit(2), lit(3))).unwrap(), Value::Float(8.0));
    }

    #[test]
    fn index_and_slice() {
        let l = || Box::new(Expr::Lit(Value::List(vec![1.into(), 2.into(), 3.into()])));
        assert_eq!(ev(&Expr::Index(l(), lit(-1))).unwrap(), Value::Int(3));
        assert_eq!(ev(&Expr::Index(l(), lit(5))).unwrap(), Value::Null);
        assert_eq!(ev(&Expr::Slice(l(), Some(lit(1)), None)).unwrap(), Value::List(vec![2.into(), 3.into()]));
    }

    #[test]
    fn expressions_through_queries() {
        use crate::query::testutil::{graph, rows};
        let mut g = graph("CREATE (a:A {name: 'a', xs: [1, 2, 3]})-[:R]->(:B {name: 'b'})");
        let cases = [
            ("RETURN null = null, null <> 1, 1 < 'a', [1, null] = [1, 2]", "null, null, null, null"),
            ("RETURN CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", "'two'"),
            ("RETURN CASE WHEN null THEN 1 ELSE 2 END", "2"),
            ("RETURN [x IN range(1, 6) WHERE x % 2 = 0 | x * 10]", "[20, 40, 60]"),
            ("RETURN all(x IN [1, null] WHERE x > 0), any(x IN [1, null] WHERE x > 0)", "null, true"),
            ("MATCH (n:A) RETURN n {.name, k: 1}", "{k: 1, name: 'a'}"),
            ("MATCH (n) WHERE (n)-->() RETURN n.name", "'a'"),
            ("MATCH (n:A) RETURN [(n)-->(m) | m.name]", "['b']"),
            (
                "MATCH (n:A) RETURN n.xs[1..], n.xs[-1], n.name STARTS WITH 'a', n.name =~ 'a.*'",
                "[2, 3], 3, true, true",
            ),
            ("RETURN 'a' + 1, [1] + [2], 7 % 3, 2 ^ 2, -(3)", "'a1', [1, 2], 1, 4.0, -3"),
        ];
        for (q, want) in cases {
            assert_eq!(rows(&mut g, q), [want], "{q}");
        }
    }
}
