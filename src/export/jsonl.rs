//! JSON Lines: one JSON object per line, first every node, then every relationship, in the
//! shapes of DESIGN.md's JSON result contract:
//!
//! ```text
//! {"kind":"node","id":7,"labels":["ArmedGroup"],"properties":{"name":"JNIM"}}
//! {"kind":"relationship","id":3,"type":"ATTACKED","start":7,"end":9,"properties":{"mentions":2}}
//! ```
//!
//! Property values map to JSON as the contract says (null, booleans, numbers, strings, lists,
//! maps); floats that JSON cannot carry (NaN, infinities) become `null`.

use std::io::Write;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value as Json;

use super::subgraph::Subgraph;
use super::ExportError;
use crate::graph::{NodeValue, RelationshipValue, Value};

/// Writes `sub` as JSON Lines (see the module documentation).
///
/// # Errors
/// [`ExportError::Io`] when writing fails.
pub fn write_jsonl(sub: &Subgraph<'_>, w: &mut impl Write) -> Result<(), ExportError> {
    for n in sub.nodes() {
        let line = NodeLine { kind: "node", id: n.id, labels: &n.labels, properties: Props(&n.properties) };
        serde_json::to_writer(&mut *w, &line).map_err(std::io::Error::from)?;
        w.write_all(b"\n")?;
    }
    for r in sub.relationships() {
        let line = RelLine {
            kind: "relationship",
            id: r.id,
            rel_type: r.rel_type,
            start: r.start,
            end: r.end,
            properties: Props(&r.properties),
        };
        serde_json::to_writer(&mut *w, &line).map_err(std::io::Error::from)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct NodeLine<'a> {
    kind: &'static str,
    id: u64,
    labels: &'a [&'a str],
    properties: Props<'a>,
}

#[derive(serde::Serialize)]
struct RelLine<'a> {
    kind: &'static str,
    id: u64,
    #[serde(rename = "type")]
    rel_type: &'a str,
    start: u64,
    end: u64,
    properties: Props<'a>,
}

/// Properties as a JSON object, serialized in place (no intermediate JSON tree).
struct Props<'a>(&'a [(&'a str, &'a Value)]);

impl Serialize for Props<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, &JsonValue(v))?;
        }
        map.end()
    }
}

/// A [`Value`] serialized in DESIGN.md's JSON result shapes; floats JSON cannot carry become
/// `null`.
#[derive(Clone, Copy, Debug)]
pub struct JsonValue<'a>(pub &'a Value);

fn node_line(n: &NodeValue) -> (Vec<&str>, Vec<(&str, &Value)>) {
    (n.labels.iter().map(String::as_str).collect(), n.properties.iter().map(|(k, v)| (k.as_str(), v)).collect())
}

fn rel_line(r: &RelationshipValue) -> RelLine<'_> {
    RelLine {
        kind: "relationship",
        id: r.id,
        rel_type: &r.rel_type,
        start: r.start,
        end: r.end,
        properties: Props(&[]),
    }
}

struct NodeJson<'a>(&'a NodeValue);

impl Serialize for NodeJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (labels, props) = node_line(self.0);
        NodeLine { kind: "node", id: self.0.id, labels: &labels, properties: Props(&props) }.serialize(s)
    }
}

struct RelJson<'a>(&'a RelationshipValue);

impl Serialize for RelJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let props: Vec<(&str, &Value)> = self.0.properties.iter().map(|(k, v)| (k.as_str(), v)).collect();
        RelLine { properties: Props(&props), ..rel_line(self.0) }.serialize(s)
    }
}

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(f) if f.is_finite() => s.serialize_f64(*f),
            Value::Float(_) => s.serialize_unit(),
            Value::String(x) => s.serialize_str(x),
            Value::Temporal(t) => s.collect_str(t),
            Value::List(items) => s.collect_seq(items.iter().map(JsonValue)),
            Value::Map(map) => s.collect_map(map.iter().map(|(k, v)| (k, JsonValue(v)))),
            Value::Node(n) => NodeJson(n).serialize(s),
            Value::Relationship(r) => RelJson(r).serialize(s),
            Value::NodeRef(id) => NodeJson(&NodeValue::from_id(*id)).serialize(s),
            Value::RelRef(r) => RelJson(&RelationshipValue::from_ref(*r)).serialize(s),
            Value::Path(p) => {
                let mut map = s.serialize_map(Some(3))?;
                map.serialize_entry("kind", "path")?;
                map.serialize_entry("nodes", &p.nodes.iter().map(NodeJson).collect::<Vec<_>>())?;
                map.serialize_entry("relationships", &p.relationships.iter().map(RelJson).collect::<Vec<_>>())?;
                map.end()
            }
        }
    }
}

/// A value as a JSON tree, in DESIGN.md's result contract shapes.
pub fn value_to_json(v: &Value) -> Json {
    serde_json::to_value(JsonValue(v)).unwrap_or(Json::Null)
}

/// A value as compact JSON text.
pub fn value_to_json_string(v: &Value) -> String {
    serde_json::to_string(&JsonValue(v)).unwrap_or_else(|_| "null".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{PathValue, PropertyGraph};

    #[test]
    fn nested_graph_values_use_contract_shapes() {
        let n = NodeValue { id: 1, labels: vec!["A".into()], properties: Default::default() };
        let r = RelationshipValue { id: 2, rel_type: "T".into(), start: 1, end: 1, properties: Default::default() };
        let p = Value::Path(Box::new(PathValue { nodes: vec![n.clone(), n], relationships: vec![r] }));
        assert_eq!(
            value_to_json_string(&p),
            r#"{"kind":"path","nodes":[{"kind":"node","id":1,"labels":["A"],"properties":{}},{"kind":"node","id":1,"labels":["A"],"properties":{}}],"relationships":[{"kind":"relationship","id":2,"type":"T","start":1,"end":1,"properties":{}}]}"#
        );
        assert_eq!(value_to_json_string(&Value::Float(f64::INFINITY)), "null");
    }

    #[test]
    fn one_line_per_element_in_contract_shapes() {
        let mut g = PropertyGraph::new();
        let a = g.add_node(["ArmedGroup"], [("name", Value::from("JNIM")), ("score", Value::Float(f64::NAN))]).unwrap();
        let b = g.add_node(["State"], [("name", Value::from("مالي"))]).unwrap();
        g.add_relationship(a, b, "ATTACKED", [("mentions", Value::Int(2))]).unwrap();
        let mut out = Vec::new();
        write_jsonl(&Subgraph::from_graph(&g), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                r#"{"kind":"node","id":0,"labels":["ArmedGroup"],"properties":{"name":"JNIM","score":null}}"#,
                r#"{"kind":"node","id":1,"labels":["State"],"properties":{"name":"مالي"}}"#,
                r#"{"kind":"relationship","id":0,"type":"ATTACKED","start":0,"end":1,"properties":{"mentions":2}}"#,
            ]
        );
    }
}
