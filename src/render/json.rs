//! JSON output of query results, exactly DESIGN.md's contract: one document
//! `{"columns": [...], "rows": [[...], ...]}`. Scalars, lists and maps map to JSON; a node is
//! `{"kind":"node","id":..,"labels":[..],"properties":{..}}`, a relationship
//! `{"kind":"relationship","id":..,"type":..,"start":..,"end":..,"properties":{..}}`, a path
//! `{"kind":"path","nodes":[..],"relationships":[..]}`. JSON has no NaN or infinities: those
//! floats become `null`.

use std::io;

use serde_json::{json, Map, Value as Json};

use crate::graph::{NodeValue, PropertyMap, RelationshipValue, Value};
use crate::query::QueryResult;

/// Writes `result` as one JSON document followed by a newline.
///
/// # Errors
/// Any error of the writer.
pub fn write_json(out: &mut dyn io::Write, result: &QueryResult) -> io::Result<()> {
    let doc = result_to_json(result);
    serde_json::to_writer(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}

/// The JSON document of a result.
pub fn result_to_json(result: &QueryResult) -> Json {
    let rows: Vec<Json> = result.rows.iter().map(|row| Json::Array(row.iter().map(value_to_json).collect())).collect();
    json!({ "columns": result.columns, "rows": rows })
}

/// One value as JSON, per the contract.
pub fn value_to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.clone()),
        Value::Temporal(t) => Json::String(t.to_string()),
        Value::List(items) => Json::Array(items.iter().map(value_to_json).collect()),
        Value::Map(map) => properties(map),
        Value::Node(n) => node(n),
        Value::Relationship(r) => relationship(r),
        // Query results are materialized; a bare reference shows its id.
        Value::NodeRef(id) => node(&NodeValue::from_id(*id)),
        Value::RelRef(r) => relationship(&RelationshipValue::from_ref(*r)),
        Value::Path(p) => json!({
            "kind": "path",
            "nodes": p.nodes.iter().map(node).collect::<Vec<_>>(),
            "relationships": p.relationships.iter().map(relationship).collect::<Vec<_>>(),
        }),
    }
}

fn properties(map: &PropertyMap) -> Json {
    Json::Object(map.iter().map(|(k, v)| (k.clone(), value_to_json(v))).collect::<Map<_, _>>())
}

fn node(n: &NodeValue) -> Json {
    json!({ "kind": "node", "id": n.id, "labels": n.labels, "properties": properties(&n.properties) })
}

fn relationship(r: &RelationshipValue) -> Json {
    json!({
        "kind": "relationship",
        "id": r.id,
        "type": r.rel_type,
        "start": r.start,
        "end": r.end,
        "properties": properties(&r.properties),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::PathValue;

    fn render(result: &QueryResult) -> String {
        let mut buf = Vec::new();
        write_json(&mut buf, result).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn scalars_lists_maps() {
        let map: PropertyMap = [("k".to_string(), Value::Int(1))].into_iter().collect();
        let result = QueryResult {
            columns: vec!["a".into(), "b".into()],
            rows: vec![
                vec![Value::Null, Value::Bool(true)],
                vec![Value::Float(1.5), Value::List(vec!["x".into(), Value::Map(map)])],
                vec![Value::Float(f64::NAN), "مالي".into()],
            ],
            ..QueryResult::default()
        };
        assert_eq!(
            render(&result),
            "{\"columns\":[\"a\",\"b\"],\"rows\":[[null,true],[1.5,[\"x\",{\"k\":1}]],[null,\"مالي\"]]}\n"
        );
    }

    #[test]
    fn nodes_relationships_paths() {
        let a = NodeValue {
            id: 7,
            labels: vec!["ArmedGroup".into()],
            properties: [("name".to_string(), Value::from("JNIM"))].into_iter().collect(),
        };
        let b = NodeValue { id: 9, labels: vec!["Force".into()], properties: PropertyMap::new() };
        let r = RelationshipValue {
            id: 3,
            rel_type: "ATTACKED".into(),
            start: 7,
            end: 9,
            properties: [("mentions".to_string(), Value::Int(2))].into_iter().collect(),
        };
        let path = PathValue { nodes: vec![a.clone(), b], relationships: vec![r.clone()] };
        let result = QueryResult {
            columns: vec!["n".into(), "r".into(), "p".into()],
            rows: vec![vec![Value::Node(Box::new(a)), Value::Relationship(Box::new(r)), Value::Path(Box::new(path))]],
            ..QueryResult::default()
        };
        let doc: Json = serde_json::from_str(&render(&result)).unwrap();
        let row = &doc["rows"][0];
        assert_eq!(row[0], json!({"kind":"node","id":7,"labels":["ArmedGroup"],"properties":{"name":"JNIM"}}));
        assert_eq!(
            row[1],
            json!({"kind":"relationship","id":3,"type":"ATTACKED","start":7,"end":9,"properties":{"mentions":2}})
        );
        assert_eq!(row[2]["kind"], "path");
        assert_eq!(row[2]["nodes"][1]["id"], 9);
        assert_eq!(row[2]["relationships"][0]["type"], "ATTACKED");
        let keys: Vec<&String> = row[1].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["kind", "id", "type", "start", "end", "properties"]);
    }
}
