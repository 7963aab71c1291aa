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

use serde_json::{json, Map, Value as Json};

use super::subgraph::Subgraph;
use super::ExportError;
use crate::graph::{NodeValue, RelationshipValue, Value};

/// Writes `sub` as JSON Lines (see the module documentation).
///
/// # Errors
/// [`ExportError::Io`] when writing fails.
pub fn write_jsonl(sub: &Subgraph<'_>, w: &mut impl Write) -> Result<(), ExportError> {
    for n in sub.nodes() {
        let props: Map<String, Json> = n.properties.iter().map(|(k, v)| (k.to_string(), value_to_json(v))).collect();
        let line = json!({"kind": "node", "id": n.id, "labels": n.labels, "properties": props});
        serde_json::to_writer(&mut *w, &line).map_err(std::io::Error::from)?;
        w.write_all(b"\n")?;
    }
    for r in sub.relationships() {
        let props: Map<String, Json> = r.properties.iter().map(|(k, v)| (k.to_string(), value_to_json(v))).collect();
        let line = json!({"kind": "relationship", "id": r.id, "type": r.rel_type, "start": r.start, "end": r.end,
            "properties": props});
        serde_json::to_writer(&mut *w, &line).map_err(std::io::Error::from)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

fn node_json(n: &NodeValue) -> Json {
    let props: Map<String, Json> = n.properties.iter().map(|(k, v)| (k.clone(), value_to_json(v))).collect();
    json!({"kind": "node", "id": n.id, "labels": n.labels, "properties": props})
}

fn rel_json(r: &RelationshipValue) -> Json {
    let props: Map<String, Json> = r.properties.iter().map(|(k, v)| (k.clone(), value_to_json(v))).collect();
    json!({"kind": "relationship", "id": r.id, "type": r.rel_type, "start": r.start, "end": r.end, "properties": props})
}

/// A value as JSON, in DESIGN.md's result contract shapes.
pub fn value_to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) => Json::Array(items.iter().map(value_to_json).collect()),
        Value::Map(map) => Json::Object(map.iter().map(|(k, v)| (k.clone(), value_to_json(v))).collect()),
        Value::Node(n) => node_json(n),
        Value::Relationship(r) => rel_json(r),
        Value::Path(p) => json!({
            "kind": "path",
            "nodes": p.nodes.iter().map(node_json).collect::<Vec<_>>(),
            "relationships": p.relationships.iter().map(rel_json).collect::<Vec<_>>(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::PropertyGraph;

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
