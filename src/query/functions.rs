//! The function library: scalar functions (`size`, `toInteger`, `substring`, ...) and the
//! accumulators behind aggregate functions (`count`, `collect`, `sum`, ...).
//!
//! Functions take already-evaluated arguments; graph elements arrive as thin references (ids
//! only, see [`super::eval`]) and are looked up in the graph when a function needs their labels,
//! type or properties. Errors carry the TCK's classes and detail codes (`TypeError
//! (InvalidArgumentType)`, `ArgumentError (NumberOutOfRange)`, ...). Which names exist and how
//! many arguments they take is checked by the binder through [`arity`].

pub mod temporal;

use std::collections::HashSet;

use crate::graph::{Duration, NodeId, PropertyGraph, RelId, Temporal, Value};

use super::error::{ErrorKind, QueryError};
use super::eval::{node_id_of, node_ref, rel_id_of, rel_ref, rel_ref_with};
use super::plan::AggFunc;

/// A `TypeError (InvalidArgumentType)`.
pub fn type_error(message: impl Into<String>) -> QueryError {
    QueryError::new(ErrorKind::TypeError, message).with_detail("InvalidArgumentType")
}

/// An `ArgumentError` with a detail code.
pub fn argument_error(detail: &'static str, message: impl Into<String>) -> QueryError {
    QueryError::new(ErrorKind::ArgumentError, message).with_detail(detail)
}

/// An `EntityNotFound (DeletedEntityAccess)`.
pub fn deleted_error(what: &str) -> QueryError {
    QueryError::new(ErrorKind::EntityNotFound, format!("the {what} was deleted earlier in this query"))
        .with_detail("DeletedEntityAccess")
}

/// Every function a query can call, with its signature: the shell completes and lists these,
/// and an unknown function's error suggests the nearest one.
pub const SIGNATURES: &[(&str, &str)] = &[
    ("abs", "abs(number) :: number"),
    ("allShortestPaths", "allShortestPaths(pattern) :: list of paths"),
    ("avg", "avg(number | duration) :: float | duration  (aggregate)"),
    ("coalesce", "coalesce(value, ...) :: first non-null value"),
    ("collect", "collect(value) :: list  (aggregate)"),
    ("count", "count(value | *) :: integer  (aggregate)"),
    ("date", "date([string | map | temporal]) :: date  (also date.truncate(unit, temporal [, map]))"),
    ("datetime", "datetime([string | map | temporal]) :: datetime  (also datetime.fromepoch(s, ns))"),
    ("duration", "duration(string | map) :: duration  (also duration.between(a, b), .inMonths/.inDays/.inSeconds)"),
    ("endNode", "endNode(relationship) :: node"),
    ("exists", "exists(property) :: boolean"),
    ("head", "head(list) :: value"),
    ("id", "id(node | relationship) :: integer"),
    ("keys", "keys(node | relationship | map) :: list of strings"),
    ("labels", "labels(node) :: list of strings"),
    ("last", "last(list) :: value"),
    ("length", "length(path) :: integer"),
    ("localdatetime", "localdatetime([string | map | temporal]) :: localdatetime"),
    ("localtime", "localtime([string | map | temporal]) :: localtime"),
    ("max", "max(value) :: value  (aggregate)"),
    ("min", "min(value) :: value  (aggregate)"),
    ("nodes", "nodes(path) :: list of nodes"),
    ("properties", "properties(node | relationship | map) :: map"),
    ("range", "range(start, end [, step]) :: list of integers"),
    ("relationships", "relationships(path) :: list of relationships"),
    ("shortestPath", "shortestPath(pattern) :: path"),
    ("size", "size(list | string) :: integer"),
    ("split", "split(string, delimiter) :: list of strings"),
    ("startNode", "startNode(relationship) :: node"),
    ("substring", "substring(string, start [, length]) :: string"),
    ("sum", "sum(number | duration) :: number | duration  (aggregate)"),
    ("tail", "tail(list) :: list"),
    ("time", "time([string | map | temporal]) :: time"),
    ("toFloat", "toFloat(value) :: float"),
    ("toInteger", "toInteger(value) :: integer"),
    ("toLower", "toLower(string) :: string"),
    ("toString", "toString(value) :: string"),
    ("toUpper", "toUpper(string) :: string"),
    ("trim", "trim(string) :: string"),
    ("type", "type(relationship) :: string"),
];

/// The known function whose name is nearest to `name` (a slip of one or two letters), if any.
pub fn nearest_function(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    let limit = if lower.chars().count() > 5 { 2 } else { 1 };
    SIGNATURES
        .iter()
        .map(|(known, _)| *known)
        .filter(|known| known.to_lowercase() != lower)
        .map(|known| (crate::query::parser::edit_distance(&known.to_lowercase(), &lower), known))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, known)| known)
}

/// The allowed number of arguments of a scalar function (lower-cased name), or `None` when no
/// such function exists.
pub fn arity(name: &str) -> Option<(usize, usize)> {
    Some(match name {
        "rand" | "pi" | "e" => (0, 0),
        "id" | "labels" | "type" | "properties" | "keys" | "size" | "length" | "nodes" | "relationships"
        | "startnode" | "endnode" | "head" | "last" | "tail" | "tolower" | "toupper" | "trim" | "ltrim" | "rtrim"
        | "reverse" | "tostring" | "tointeger" | "tofloat" | "toboolean" | "abs" | "ceil" | "floor" | "round"
        | "sign" | "sqrt" | "exp" | "log" | "log10" | "exists" | "isempty" | "sin" | "cos" | "tan" | "asin"
        | "acos" | "atan" | "cot" | "degrees" | "radians" | "haversin" | "tostringornull" | "tointegerornull"
        | "tofloatornull" | "tobooleanornull" | "lower" | "upper" | "tobooleanlist" | "tointegerlist"
        | "tofloatlist" | "tostringlist" | "valuetype" | "isnan" => (1, 1),
        "coalesce" => (1, usize::MAX),
        "range" => (2, 3),
        "split" | "left" | "right" | "atan2" => (2, 2),
        "substring" => (2, 3),
        "replace" => (3, 3),
        _ => return temporal::arity(name),
    })
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn want_int(name: &str, v: &Value) -> Result<i64, QueryError> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(type_error(format!("{name}() expects an integer argument, found {}", other.type_name()))),
    }
}

fn want_str<'v>(name: &str, v: &'v Value) -> Result<&'v str, QueryError> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(type_error(format!("{name}() expects a string argument, found {}", other.type_name()))),
    }
}

fn float_fn(name: &str, v: &Value, f: impl Fn(f64) -> f64) -> Result<Value, QueryError> {
    match v {
        Value::Null => Ok(Value::Null),
        v => match num(v) {
            Some(x) => Ok(Value::Float(f(x))),
            None => Err(type_error(format!("{name}() expects a number, found {}", v.type_name()))),
        },
    }
}

fn string_fn(name: &str, v: &Value, f: impl Fn(&str) -> String) -> Result<Value, QueryError> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::String(s) => Ok(Value::String(f(s))),
        other => Err(type_error(format!("{name}() expects a string, found {}", other.type_name()))),
    }
}

/// Parses a string the way `toInteger` does: an integer, or a float truncated; else `None`.
fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(i);
    }
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok();
    }
    let f = parse_float(t)?;
    (f.is_finite() && f.abs() < 9.2e18).then_some(f.trunc() as i64)
}

fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || t.chars().any(|c| c.is_alphabetic() && !matches!(c, 'e' | 'E')) {
        return match t.to_ascii_lowercase().as_str() {
            "nan" => Some(f64::NAN),
            "infinity" | "inf" => Some(f64::INFINITY),
            "-infinity" | "-inf" => Some(f64::NEG_INFINITY),
            _ => None,
        };
    }
    t.parse::<f64>().ok()
}

/// `toString` of a scalar (a temporal: its ISO 8601 text).
pub fn to_string_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Temporal(_) => Some(v.to_string()),
        _ => None,
    }
}

fn node_arg(graph: &PropertyGraph, name: &str, v: &Value) -> Result<Option<NodeId>, QueryError> {
    match v {
        Value::Null => Ok(None),
        v => match node_id_of(v) {
            Some(id) if graph.contains_node(id) => Ok(Some(id)),
            Some(_) => Err(deleted_error("node")),
            None => Err(type_error(format!("{name}() expects a node, found {}", v.type_name()))
                .with_detail("InvalidArgumentValue")),
        },
    }
}

fn rel_arg(graph: &PropertyGraph, name: &str, v: &Value) -> Result<Option<RelId>, QueryError> {
    match v {
        Value::Null => Ok(None),
        v => match rel_id_of(v) {
            Some(id) if graph.contains_relationship(id) => Ok(Some(id)),
            Some(_) => Err(deleted_error("relationship")),
            None => Err(type_error(format!("{name}() expects a relationship, found {}", v.type_name()))
                .with_detail("InvalidArgumentValue")),
        },
    }
}

/// The properties of a node, relationship or map, as a map.
///
/// # Errors
/// A `TypeError` for other values, `EntityNotFound` for a deleted element.
pub fn properties_of(graph: &PropertyGraph, v: &Value) -> Result<Value, QueryError> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::Map(m) => Ok(Value::Map(m.clone())),
        Value::Node(_) | Value::NodeRef(_) => {
            let id = node_arg(graph, "properties", v)?.ok_or_else(|| deleted_error("node"))?;
            Ok(Value::Map(graph.node_properties(id).map(|(k, v)| (k.to_string(), v.clone())).collect()))
        }
        Value::Relationship(_) | Value::RelRef(_) => {
            let id = rel_arg(graph, "properties", v)?.ok_or_else(|| deleted_error("relationship"))?;
            Ok(Value::Map(graph.rel_properties(id).map(|(k, v)| (k.to_string(), v.clone())).collect()))
        }
        other => {
            Err(type_error(format!("properties() expects a node, relationship or map, found {}", other.type_name())))
        }
    }
}

/// Calls scalar function `name` (lower-cased) on evaluated arguments.
///
/// # Errors
/// `TypeError`/`ArgumentError` with the TCK's detail codes.
pub fn call(graph: &PropertyGraph, name: &str, args: &[Value]) -> Result<Value, QueryError> {
    use Value::*;
    let a0 = args.first().unwrap_or(&Null);
    let a1 = args.get(1).unwrap_or(&Null);
    let a2 = args.get(2).unwrap_or(&Null);
    if temporal::arity(name).is_some() {
        return temporal::call(name, args);
    }
    match name {
        "coalesce" => return Ok(args.iter().find(|v| !v.is_null()).cloned().unwrap_or(Null)),
        "rand" => return Ok(Float(rand::random::<f64>())),
        "pi" => return Ok(Float(std::f64::consts::PI)),
        "e" => return Ok(Float(std::f64::consts::E)),
        "exists" => return Ok(Bool(!a0.is_null())),
        "range" => return range(args),
        "atan2" => {
            if a0.is_null() || a1.is_null() {
                return Ok(Null);
            }
            let (Some(y), Some(x)) = (num(a0), num(a1)) else {
                return Err(type_error("atan2() expects numbers"));
            };
            return Ok(Float(y.atan2(x)));
        }
        _ => {}
    }
    if a0.is_null() && !matches!(name, "tostringornull" | "tointegerornull" | "tofloatornull" | "tobooleanornull") {
        // Every other function returns null for a null first argument.
        return match name {
            "left" | "right" if !a1.is_null() && !matches!(a1, Int(_)) => Err(type_error("expected an integer length")),
            _ => Ok(Null),
        };
    }
    Ok(match name {
        "id" => match (node_id_of(a0), rel_id_of(a0)) {
            (Some(n), _) => Int(n.as_u64() as i64),
            (_, Some(r)) => Int(r.as_u64() as i64),
            _ => return Err(type_error(format!("id() expects a node or relationship, found {}", a0.type_name()))),
        },
        "labels" => {
            let Some(id) = node_arg(graph, "labels", a0)? else { return Ok(Null) };
            List(graph.node_labels(id).map(Value::from).collect())
        }
        "type" => {
            if let Relationship(r) = a0 {
                if !r.rel_type.is_empty() {
                    return Ok(String(r.rel_type.clone()));
                }
            }
            let Some(id) = rel_arg(graph, "type", a0)? else { return Ok(Null) };
            graph.rel_type(id).map_or(Null, Value::from)
        }
        "properties" => properties_of(graph, a0)?,
        "keys" => match a0 {
            Map(m) => List(m.keys().map(|k| Value::from(k.as_str())).collect()),
            Node(_) | NodeRef(_) => {
                let Some(id) = node_arg(graph, "keys", a0)? else { return Ok(Null) };
                List(graph.node_properties(id).map(|(k, _)| Value::from(k)).collect())
            }
            Relationship(_) | RelRef(_) => {
                let Some(id) = rel_arg(graph, "keys", a0)? else { return Ok(Null) };
                List(graph.rel_properties(id).map(|(k, _)| Value::from(k)).collect())
            }
            other => {
                return Err(type_error(format!(
                    "keys() expects a node, relationship or map, found {}",
                    other.type_name()
                )))
            }
        },
        "size" => match a0 {
            List(l) => Int(l.len() as i64),
            String(s) => Int(s.chars().count() as i64),
            Map(m) => Int(m.len() as i64),
            other => return Err(type_error(format!("size() expects a list or string, found {}", other.type_name()))),
        },
        "length" => match a0 {
            Path(p) => Int(p.relationships.len() as i64),
            String(s) => Int(s.chars().count() as i64),
            List(l) => Int(l.len() as i64),
            other => return Err(type_error(format!("length() expects a path, found {}", other.type_name()))),
        },
        "nodes" => match a0 {
            Path(p) => List(p.nodes.iter().map(|n| node_ref(NodeId(n.id as u32))).collect()),
            other => return Err(type_error(format!("nodes() expects a path, found {}", other.type_name()))),
        },
        "relationships" => match a0 {
            Path(p) => List(
                p.relationships
                    .iter()
                    .map(|r| rel_ref_with(RelId(r.id as u32), NodeId(r.start as u32), NodeId(r.end as u32)))
                    .collect(),
            ),
            other => return Err(type_error(format!("relationships() expects a path, found {}", other.type_name()))),
        },
        "startnode" | "endnode" => match a0.rel_ref() {
            Some(r) => node_ref(if name == "startnode" { r.start } else { r.end }),
            None => return Err(type_error(format!("{name}() expects a relationship, found {}", a0.type_name()))),
        },
        "head" | "last" => match a0 {
            List(l) => (if name == "head" { l.first() } else { l.last() }).cloned().unwrap_or(Null),
            other => return Err(type_error(format!("{name}() expects a list, found {}", other.type_name()))),
        },
        "tail" => match a0 {
            List(l) => List(l.iter().skip(1).cloned().collect()),
            other => return Err(type_error(format!("tail() expects a list, found {}", other.type_name()))),
        },
        "isempty" => match a0 {
            List(l) => Bool(l.is_empty()),
            String(s) => Bool(s.is_empty()),
            Map(m) => Bool(m.is_empty()),
            other => {
                return Err(type_error(format!("isEmpty() expects a list, string or map, found {}", other.type_name())))
            }
        },
        "tolower" | "lower" => return string_fn(name, a0, str::to_lowercase),
        "toupper" | "upper" => return string_fn(name, a0, str::to_uppercase),
        "trim" => return string_fn(name, a0, |s| s.trim().to_string()),
        "ltrim" => return string_fn(name, a0, |s| s.trim_start().to_string()),
        "rtrim" => return string_fn(name, a0, |s| s.trim_end().to_string()),
        "reverse" => match a0 {
            String(s) => String(s.chars().rev().collect()),
            List(l) => List(l.iter().rev().cloned().collect()),
            other => {
                return Err(type_error(format!("reverse() expects a string or list, found {}", other.type_name())))
            }
        },
        "split" => {
            let s = want_str(name, a0)?;
            match a1 {
                Null => Null,
                String(d) if d.is_empty() => List(s.chars().map(|c| Value::from(c.to_string())).collect()),
                String(d) => List(s.split(d.as_str()).map(Value::from).collect()),
                List(ds) => {
                    let delims: Vec<&str> = ds.iter().filter_map(Value::as_str).collect();
                    let mut parts = vec![s.to_string()];
                    for d in delims.iter().filter(|d| !d.is_empty()) {
                        parts = parts.iter().flat_map(|p| p.split(d).map(str::to_string).collect::<Vec<_>>()).collect();
                    }
                    List(parts.into_iter().map(Value::from).collect())
                }
                other => {
                    return Err(type_error(format!("split() expects a string delimiter, found {}", other.type_name())))
                }
            }
        }
        "substring" => {
            let s = want_str(name, a0)?;
            if a1.is_null() {
                return Ok(Null);
            }
            let start = want_int(name, a1)?;
            if start < 0 {
                return Err(argument_error("NegativeIntegerArgument", "substring() start must not be negative"));
            }
            let chars = s.chars().skip(start as usize);
            match a2 {
                Null if args.len() < 3 => String(chars.collect()),
                Null => Null,
                v => {
                    let len = want_int(name, v)?;
                    if len < 0 {
                        return Err(argument_error(
                            "NegativeIntegerArgument",
                            "substring() length must not be negative",
                        ));
                    }
                    String(chars.take(len as usize).collect())
                }
            }
        }
        "left" | "right" => {
            let s = want_str(name, a0)?;
            if a1.is_null() {
                return Err(argument_error("InvalidArgumentValue", format!("{name}() length must not be null")));
            }
            let n = want_int(name, a1)?;
            if n < 0 {
                return Err(argument_error("NegativeIntegerArgument", format!("{name}() length must not be negative")));
            }
            let count = s.chars().count();
            let n = (n as usize).min(count);
            if name == "left" {
                String(s.chars().take(n).collect())
            } else {
                String(s.chars().skip(count - n).collect())
            }
        }
        "replace" => {
            let s = want_str(name, a0)?;
            match (a1, a2) {
                (String(from), String(to)) => String(s.replace(from.as_str(), to)),
                (Null, _) | (_, Null) => Null,
                _ => return Err(type_error("replace() expects string arguments")),
            }
        }
        "tostring" | "tostringornull" => match to_string_value(a0) {
            Some(s) => String(s),
            None if name == "tostringornull" => Null,
            None => {
                return Err(type_error(format!("toString() cannot convert a {}", a0.type_name()))
                    .with_detail("InvalidArgumentValue"))
            }
        },
        "tointeger" | "tointegerornull" => match a0 {
            Int(i) => Int(*i),
            Float(f) if f.is_finite() && f.abs() < 9.2e18 => Int(f.trunc() as i64),
            Float(_) => Null,
            Bool(b) => Int(i64::from(*b)),
            String(s) => parse_int(s).map_or(Null, Int),
            _ if name == "tointegerornull" => Null,
            other => {
                return Err(type_error(format!("toInteger() cannot convert a {}", other.type_name()))
                    .with_detail("InvalidArgumentValue"))
            }
        },
        "tofloat" | "tofloatornull" => match a0 {
            Int(i) => Float(*i as f64),
            Float(f) => Float(*f),
            String(s) => parse_float(s).map_or(Null, Float),
            _ if name == "tofloatornull" => Null,
            other => {
                return Err(type_error(format!("toFloat() cannot convert a {}", other.type_name()))
                    .with_detail("InvalidArgumentValue"))
            }
        },
        "toboolean" | "tobooleanornull" => match a0 {
            Bool(b) => Bool(*b),
            String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" => Bool(true),
                "false" => Bool(false),
                _ => Null,
            },
            Int(i) => Bool(*i != 0),
            _ if name == "tobooleanornull" => Null,
            other => {
                return Err(type_error(format!("toBoolean() cannot convert a {}", other.type_name()))
                    .with_detail("InvalidArgumentValue"))
            }
        },
        "tostringlist" | "tointegerlist" | "tofloatlist" | "tobooleanlist" => match a0 {
            List(items) => {
                let f = format!("{}ornull", name.trim_end_matches("list"));
                let mut out = Vec::with_capacity(items.len());
                for v in items {
                    out.push(call(graph, &f, std::slice::from_ref(v))?);
                }
                List(out)
            }
            other => return Err(type_error(format!("{name}() expects a list, found {}", other.type_name()))),
        },
        "abs" => match a0 {
            Int(i) => {
                Int(i.checked_abs().ok_or_else(|| argument_error("NumberOutOfRange", "integer overflow in abs()"))?)
            }
            Float(f) => Float(f.abs()),
            other => return Err(type_error(format!("abs() expects a number, found {}", other.type_name()))),
        },
        "sign" => match a0 {
            Int(i) => Int(i.signum()),
            Float(f) if *f == 0.0 || f.is_nan() => Int(0),
            Float(f) => Int(if *f > 0.0 { 1 } else { -1 }),
            other => return Err(type_error(format!("sign() expects a number, found {}", other.type_name()))),
        },
        "ceil" => return float_fn(name, a0, f64::ceil),
        "floor" => return float_fn(name, a0, f64::floor),
        "round" => return float_fn(name, a0, |x| if x.fract().abs() == 0.5 { (x + 0.5).floor() } else { x.round() }),
        "sqrt" => return float_fn(name, a0, f64::sqrt),
        "exp" => return float_fn(name, a0, f64::exp),
        "log" => return float_fn(name, a0, f64::ln),
        "log10" => return float_fn(name, a0, f64::log10),
        "sin" => return float_fn(name, a0, f64::sin),
        "cos" => return float_fn(name, a0, f64::cos),
        "tan" => return float_fn(name, a0, f64::tan),
        "cot" => return float_fn(name, a0, |x| 1.0 / x.tan()),
        "asin" => return float_fn(name, a0, f64::asin),
        "acos" => return float_fn(name, a0, f64::acos),
        "atan" => return float_fn(name, a0, f64::atan),
        "degrees" => return float_fn(name, a0, f64::to_degrees),
        "radians" => return float_fn(name, a0, f64::to_radians),
        "haversin" => return float_fn(name, a0, |x| (1.0 - x.cos()) / 2.0),
        "isnan" => match a0 {
            Float(f) => Bool(f.is_nan()),
            Int(_) => Bool(false),
            other => return Err(type_error(format!("isNaN() expects a number, found {}", other.type_name()))),
        },
        "valuetype" => String(a0.type_name().to_string()),
        other => {
            return Err(QueryError::new(ErrorKind::SyntaxError, format!("unknown function '{other}'"))
                .with_detail("UnknownFunction"))
        }
    })
}

/// How many bytes the list `range(args)` would take (zero when the arguments are not all
/// integers), so the caller can check it against the memory budget before building it.
pub fn range_bytes(args: &[Value]) -> u64 {
    let ints: Vec<i64> = args.iter().filter_map(|v| if let Value::Int(i) = v { Some(*i) } else { None }).collect();
    match ints[..] {
        [start, end] | [start, end, _] if ints.len() == args.len() => {
            let step = ints.get(2).copied().unwrap_or(1);
            if step == 0 || (step > 0 && start > end) || (step < 0 && start < end) {
                return 0;
            }
            let count = (i128::from(end) - i128::from(start)) / i128::from(step) + 1;
            u64::try_from(count).unwrap_or(u64::MAX).saturating_mul(std::mem::size_of::<Value>() as u64)
        }
        _ => 0,
    }
}

fn range(args: &[Value]) -> Result<Value, QueryError> {
    range_checked(args, || Ok(()))
}

/// The most elements `range()` builds as a list; a lazy `UNWIND range(…)` has no such cap
/// since it never holds the elements.
const MAX_RANGE_LIST: u128 = 100_000_000;

/// The integers of `range(start, end [, step])` one by one, without building the list: what
/// `UNWIND range(…)` walks.
#[derive(Clone, Debug)]
pub struct RangeIter {
    next: i128,
    step: i128,
    left: u128,
}

impl RangeIter {
    /// How many integers are left.
    pub fn remaining(&self) -> u128 {
        self.left
    }
}

impl Iterator for RangeIter {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let x = self.next;
        self.next += self.step;
        // Every element lies between start and end, both i64.
        Some(x as i64)
    }
}

/// The integers `range(args)` stands for (`None` when an argument is null).
///
/// # Errors
/// A non-integer argument or a zero step.
pub fn range_iter(args: &[Value]) -> Result<Option<RangeIter>, QueryError> {
    let mut ints = Vec::with_capacity(3);
    for v in args {
        match v {
            Value::Int(i) => ints.push(*i),
            Value::Null => return Ok(None),
            other => {
                return Err(argument_error(
                    "InvalidArgumentType",
                    format!("range() expects integer arguments, found {}", other.type_name()),
                ))
            }
        }
    }
    let (start, end, step) = match ints[..] {
        [start, end] => (start, end, 1),
        [start, end, step] => (start, end, step),
        _ => return Err(argument_error("InvalidArgumentType", "range() expects two or three arguments")),
    };
    if step == 0 {
        return Err(argument_error("NumberOutOfRange", "range() step must not be zero"));
    }
    let left = if (step > 0 && start > end) || (step < 0 && start < end) {
        0
    } else {
        ((i128::from(end) - i128::from(start)) / i128::from(step) + 1) as u128
    };
    Ok(Some(RangeIter { next: i128::from(start), step: i128::from(step), left }))
}

/// `range(start, end [, step])`, calling `check` every 65,536 elements so that a cancelled or
/// timed-out query stops while a long list is still being built.
///
/// # Errors
/// Bad arguments, and whatever `check` returns.
pub fn range_checked(args: &[Value], check: impl Fn() -> Result<(), QueryError>) -> Result<Value, QueryError> {
    let Some(items) = range_iter(args)? else { return Ok(Value::Null) };
    if items.remaining() > MAX_RANGE_LIST {
        return Err(argument_error("NumberOutOfRange", "range() would produce too many elements"));
    }
    let mut out = Vec::with_capacity(items.remaining() as usize);
    for (i, x) in items.enumerate() {
        if i % 65_536 == 0 {
            if let Err(e) = check() {
                crate::query::exec::limits::drop_later(out);
                return Err(e);
            }
        }
        out.push(Value::Int(x));
    }
    Ok(Value::List(out))
}

// ----- aggregation --------------------------------------------------------------------------

/// The running state of one aggregate in one group.
#[derive(Clone, Debug)]
pub struct Accumulator {
    func: AggFunc,
    seen: Option<HashSet<Value>>,
    count: i64,
    values: Vec<Value>,
    int_sum: Option<i64>,
    float_sum: f64,
    any_float: bool,
    best: Option<Value>,
    param: Option<Value>,
    /// The running sum of `sum`/`avg` over durations (numbers and durations do not mix).
    duration_sum: Option<Duration>,
}

impl Accumulator {
    /// A fresh accumulator.
    pub fn new(func: AggFunc, distinct: bool) -> Self {
        Accumulator {
            func,
            seen: distinct.then(HashSet::new),
            count: 0,
            values: Vec::new(),
            int_sum: Some(0),
            float_sum: 0.0,
            any_float: false,
            best: None,
            param: None,
            duration_sum: None,
        }
    }

    /// Feeds one row's argument (`Null` for `count(*)`, which counts it anyway) and the
    /// percentile parameter, if any.
    ///
    /// # Errors
    /// A `TypeError` for non-numeric input to `sum`/`avg`, an overflow for integer sums.
    pub fn add(&mut self, value: Value, param: Option<Value>) -> Result<(), QueryError> {
        if self.func == AggFunc::CountStar {
            self.count += 1;
            return Ok(());
        }
        if value.is_null() {
            return Ok(());
        }
        if let Some(seen) = &mut self.seen {
            if !seen.insert(value.clone()) {
                return Ok(());
            }
        }
        if self.param.is_none() {
            self.param = param;
        }
        self.count += 1;
        match self.func {
            AggFunc::CountStar | AggFunc::Count => {}
            AggFunc::Collect => self.values.push(value),
            AggFunc::Sum | AggFunc::Avg => match value {
                Value::Int(_) | Value::Float(_) if self.duration_sum.is_some() => {
                    return Err(type_error(format!("{:?}() cannot add numbers and durations", self.func)))
                }
                Value::Temporal(t) if matches!(*t, Temporal::Duration(_)) => {
                    let Temporal::Duration(d) = *t else { return Ok(()) };
                    let sum = match self.duration_sum {
                        None if self.count > 1 => {
                            return Err(type_error(format!("{:?}() cannot add numbers and durations", self.func)))
                        }
                        None => Duration::default(),
                        Some(sum) => sum,
                    };
                    self.duration_sum = Some(sum.plus(&d, 1).map_err(temporal::query_error)?);
                }
                Value::Int(i) => {
                    self.int_sum = self.int_sum.and_then(|s| s.checked_add(i));
                    if self.int_sum.is_none() && !self.any_float && self.func == AggFunc::Sum {
                        return Err(argument_error("NumberOutOfRange", "integer overflow in sum()"));
                    }
                    self.float_sum += i as f64;
                }
                Value::Float(f) => {
                    self.any_float = true;
                    self.float_sum += f;
                }
                other => {
                    return Err(type_error(format!("{:?}() expects numbers, found {}", self.func, other.type_name())))
                }
            },
            AggFunc::Min | AggFunc::Max => {
                let better = match &self.best {
                    None => true,
                    Some(b) => {
                        let o = value.order(b);
                        if self.func == AggFunc::Min {
                            o.is_lt()
                        } else {
                            o.is_gt()
                        }
                    }
                };
                if better {
                    self.best = Some(value);
                }
            }
            AggFunc::StDev | AggFunc::StDevP | AggFunc::PercentileCont | AggFunc::PercentileDisc => match value {
                Value::Int(_) | Value::Float(_) => self.values.push(value),
                other => {
                    return Err(type_error(format!("{:?}() expects numbers, found {}", self.func, other.type_name())))
                }
            },
        }
        Ok(())
    }

    /// The aggregate's value.
    ///
    /// # Errors
    /// An `ArgumentError (NumberOutOfRange)` for a percentile outside 0..1.
    pub fn finish(self) -> Result<Value, QueryError> {
        Ok(match self.func {
            AggFunc::CountStar | AggFunc::Count => Value::Int(self.count),
            AggFunc::Collect => crate::query::eval::nest(Value::List(self.values))?,
            AggFunc::Sum | AggFunc::Avg if self.duration_sum.is_some() => {
                let sum = self.duration_sum.unwrap_or_default();
                let d = if self.func == AggFunc::Avg {
                    sum.scale(self.count as f64, true).map_err(temporal::query_error)?
                } else {
                    sum
                };
                Value::from(Temporal::Duration(d))
            }
            AggFunc::Sum => {
                if self.any_float {
                    Value::Float(self.float_sum)
                } else {
                    Value::Int(self.int_sum.unwrap_or(0))
                }
            }
            AggFunc::Avg => {
                if self.count == 0 {
                    Value::Null
                } else {
                    Value::Float(self.float_sum / self.count as f64)
                }
            }
            AggFunc::Min | AggFunc::Max => self.best.unwrap_or(Value::Null),
            AggFunc::StDev | AggFunc::StDevP => {
                let xs: Vec<f64> = self.values.iter().filter_map(num).collect();
                let n = xs.len() as f64;
                let denom = if self.func == AggFunc::StDev { n - 1.0 } else { n };
                if xs.is_empty() || denom <= 0.0 {
                    Value::Float(0.0)
                } else {
                    let mean = xs.iter().sum::<f64>() / n;
                    Value::Float((xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / denom).sqrt())
                }
            }
            AggFunc::PercentileCont | AggFunc::PercentileDisc => {
                let p = match &self.param {
                    None if self.values.is_empty() => return Ok(Value::Null),
                    Some(v) => num(v).ok_or_else(|| type_error("the percentile must be a number"))?,
                    None => return Err(type_error("the percentile must be a number")),
                };
                if !(0.0..=1.0).contains(&p) {
                    return Err(argument_error(
                        "NumberOutOfRange",
                        format!("percentile {p} is not between 0.0 and 1.0"),
                    ));
                }
                let mut xs = self.values;
                if xs.is_empty() {
                    return Ok(Value::Null);
                }
                xs.sort_by(Value::order);
                let n = xs.len();
                if self.func == AggFunc::PercentileDisc {
                    let idx = if p == 0.0 { 0 } else { ((p * n as f64).ceil() as usize).saturating_sub(1).min(n - 1) };
                    xs[idx].clone()
                } else {
                    let pos = p * (n - 1) as f64;
                    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
                    let (a, b) = (num(&xs[lo]).unwrap_or(0.0), num(&xs[hi]).unwrap_or(0.0));
                    Value::Float(a + (b - a) * (pos - lo as f64))
                }
            }
        })
    }
}

/// The thin reference for relationship `id` (re-exported for operators).
pub fn relationship_ref(graph: &PropertyGraph, id: RelId) -> Value {
    rel_ref(graph, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, args: &[Value]) -> Result<Value, QueryError> {
        call(&PropertyGraph::new(), name, args)
    }

    #[test]
    fn string_functions() {
        assert_eq!(f("substring", &["hello".into(), 1.into(), 3.into()]).unwrap(), Value::from("ell"));
        assert_eq!(f("left", &["hello".into(), 9.into()]).unwrap(), Value::from("hello"));
        assert_eq!(f("split", &["a,b".into(), ",".into()]).unwrap(), Value::List(vec!["a".into(), "b".into()]));
        assert_eq!(f("toupper", &[Value::Null]).unwrap(), Value::Null);
        assert_eq!(f("substring", &["x".into(), (-1).into()]).unwrap_err().detail, Some("NegativeIntegerArgument"));
    }

    #[test]
    fn conversions() {
        assert_eq!(f("tointeger", &["42".into()]).unwrap(), Value::Int(42));
        assert_eq!(f("tointeger", &["4.9".into()]).unwrap(), Value::Int(4));
        assert_eq!(f("tointeger", &["x".into()]).unwrap(), Value::Null);
        assert_eq!(f("tofloat", &["1.5".into()]).unwrap(), Value::Float(1.5));
        assert_eq!(f("toboolean", &["TRUE".into()]).unwrap(), Value::Bool(true));
        assert_eq!(f("tostring", &[Value::Float(1.0)]).unwrap(), Value::from("1.0"));
        let e = f("tointeger", &[Value::List(vec![])]).unwrap_err();
        assert_eq!((e.kind, e.detail), (ErrorKind::TypeError, Some("InvalidArgumentValue")));
    }

    #[test]
    fn range_and_lists() {
        assert_eq!(
            f("range", &[0.into(), 6.into(), 3.into()]).unwrap(),
            Value::List(vec![0.into(), 3.into(), 6.into()])
        );
        assert_eq!(f("range", &[3.into(), 0.into()]).unwrap(), Value::List(vec![]));
        assert_eq!(f("range", &[0.into(), 1.into(), 0.into()]).unwrap_err().kind, ErrorKind::ArgumentError);
        assert_eq!(f("head", &[Value::List(vec![])]).unwrap(), Value::Null);
        assert_eq!(f("coalesce", &[Value::Null, 2.into()]).unwrap(), Value::Int(2));
    }

    #[test]
    fn aggregates_skip_nulls_and_dedupe() {
        let mut acc = Accumulator::new(AggFunc::Count, true);
        for v in [Value::Int(1), Value::Float(1.0), Value::Null, Value::Int(2)] {
            acc.add(v, None).unwrap();
        }
        assert_eq!(acc.finish().unwrap(), Value::Int(2));
        let mut sum = Accumulator::new(AggFunc::Sum, false);
        sum.add(Value::Int(1), None).unwrap();
        sum.add(Value::Float(0.5), None).unwrap();
        assert_eq!(sum.finish().unwrap(), Value::Float(1.5));
        let mut min = Accumulator::new(AggFunc::Min, false);
        for v in [Value::Int(3), Value::from("a"), Value::Null] {
            min.add(v, None).unwrap();
        }
        assert_eq!(min.finish().unwrap(), Value::from("a"));
        assert_eq!(Accumulator::new(AggFunc::Avg, false).finish().unwrap(), Value::Null);
    }
}
