//! GraphML, as networkx (`networkx.read_graphml`), Gephi, yEd and Neo4j's APOC read it.
//!
//! One `<key>` per property key and element kind, typed by the values it holds: `long` when all
//! are integers, `double` when all are numbers, `boolean` when all are booleans, otherwise
//! `string` (lists and maps are JSON-encoded; other non-strings use their JSON text). Following
//! APOC's convention, node labels go in a `labels` key as `:A:B` and a relationship's type in a
//! `label` key; a property with one of those names is exported as `labels_` / `label_`. Node ids
//! are `n<id>`, edge ids `e<id>`. Text is XML-escaped; characters XML 1.0 cannot carry (control
//! characters other than tab, line feed and carriage return) become U+FFFD.

use std::collections::BTreeMap;
use std::io::Write;

use super::jsonl::value_to_json_string;
use super::subgraph::Subgraph;
use super::ExportError;
use crate::graph::Value;

/// A GraphML `attr.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyType {
    Long,
    Double,
    Boolean,
    String,
}

impl KeyType {
    fn of(v: &Value) -> KeyType {
        match v {
            Value::Int(_) => KeyType::Long,
            Value::Float(_) => KeyType::Double,
            Value::Bool(_) => KeyType::Boolean,
            // GraphML has no temporal types: temporals are their ISO 8601 text.
            _ => KeyType::String,
        }
    }

    fn merge(self, other: KeyType) -> KeyType {
        use KeyType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Long, Double) | (Double, Long) => Double,
            _ => String,
        }
    }

    fn name(self) -> &'static str {
        match self {
            KeyType::Long => "long",
            KeyType::Double => "double",
            KeyType::Boolean => "boolean",
            KeyType::String => "string",
        }
    }
}

const LABELS_KEY: &str = "labels";
const TYPE_KEY: &str = "label";

/// Key ids by property name for one element kind, plus each key's type.
struct Keys<'s> {
    by_name: BTreeMap<&'s str, (String, KeyType)>,
}

impl<'s> Keys<'s> {
    fn new() -> Self {
        Keys { by_name: BTreeMap::new() }
    }

    fn see(&mut self, name: &'s str, v: &Value) {
        let t = KeyType::of(v);
        self.by_name.entry(name).and_modify(|e| e.1 = e.1.merge(t)).or_insert((String::new(), t));
    }

    fn assign_ids(&mut self, prefix: &str) {
        for (i, (_, slot)) in self.by_name.iter_mut().enumerate() {
            slot.0 = format!("{prefix}{i}");
        }
    }
}

/// The attribute name a property is exported under (renamed when it would clash with the
/// labels or type key).
fn attr_name(name: &str, reserved: &str) -> String {
    if name == reserved {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// Writes `sub` as a GraphML document.
///
/// # Errors
/// [`ExportError::Io`] when writing fails.
pub fn write_graphml(sub: &Subgraph<'_>, w: &mut impl Write) -> Result<(), ExportError> {
    // Keys must be declared before the graph: a first pass finds the property names and types,
    // a second writes the elements, so nothing is held in memory but the keys.
    let mut node_keys = Keys::new();
    for n in sub.nodes() {
        for (k, v) in n.properties {
            node_keys.see(k, v);
        }
    }
    let mut edge_keys = Keys::new();
    for r in sub.relationships() {
        for (k, v) in r.properties {
            edge_keys.see(k, v);
        }
    }
    node_keys.assign_ids("n_");
    edge_keys.assign_ids("e_");

    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    writeln!(w, r#"  <key id="labels" for="node" attr.name="{LABELS_KEY}" attr.type="string"/>"#)?;
    for (name, (id, t)) in &node_keys.by_name {
        let attr = escape(&attr_name(name, LABELS_KEY));
        writeln!(w, r#"  <key id="{id}" for="node" attr.name="{attr}" attr.type="{}"/>"#, t.name())?;
    }
    writeln!(w, r#"  <key id="label" for="edge" attr.name="{TYPE_KEY}" attr.type="string"/>"#)?;
    for (name, (id, t)) in &edge_keys.by_name {
        let attr = escape(&attr_name(name, TYPE_KEY));
        writeln!(w, r#"  <key id="{id}" for="edge" attr.name="{attr}" attr.type="{}"/>"#, t.name())?;
    }
    writeln!(w, r#"  <graph id="G" edgedefault="directed">"#)?;
    for n in sub.nodes() {
        writeln!(w, r#"    <node id="n{}">"#, n.id)?;
        let labels: String = n.labels.iter().map(|l| format!(":{l}")).collect();
        writeln!(w, r#"      <data key="labels">{}</data>"#, escape(&labels))?;
        for (k, v) in &n.properties {
            if let Some((id, t)) = node_keys.by_name.get(k) {
                writeln!(w, r#"      <data key="{id}">{}</data>"#, escape(&data_text(v, *t)))?;
            }
        }
        writeln!(w, "    </node>")?;
    }
    for r in sub.relationships() {
        writeln!(w, r#"    <edge id="e{}" source="n{}" target="n{}">"#, r.id, r.start, r.end)?;
        writeln!(w, r#"      <data key="label">{}</data>"#, escape(r.rel_type))?;
        for (k, v) in &r.properties {
            if let Some((id, t)) = edge_keys.by_name.get(k) {
                writeln!(w, r#"      <data key="{id}">{}</data>"#, escape(&data_text(v, *t)))?;
            }
        }
        writeln!(w, "    </edge>")?;
    }
    writeln!(w, "  </graph>")?;
    writeln!(w, "</graphml>")?;
    Ok(())
}

/// A value as the text of a `<data>` element of a key of type `t`.
fn data_text(v: &Value, t: KeyType) -> String {
    match (v, t) {
        (Value::String(s), _) => s.clone(),
        (Value::Int(i), KeyType::Double) => format!("{:?}", *i as f64),
        (Value::Float(f), _) if f.is_nan() => "NaN".into(),
        (Value::Float(f), _) if f.is_infinite() => if *f > 0.0 { "INF" } else { "-INF" }.into(),
        (Value::Float(f), _) => format!("{f:?}"),
        (Value::Int(i), _) => i.to_string(),
        (Value::Bool(b), _) => b.to_string(),
        (Value::Temporal(t), _) => t.to_string(),
        (other, _) => value_to_json_string(other),
    }
}

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A raw carriage return would be normalized away by XML parsers.
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::PropertyGraph;

    #[test]
    fn escape_handles_markup_and_invalid_characters() {
        assert_eq!(escape("a<b>&\"'\r\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;&#13;\u{FFFD}");
        assert_eq!(escape("تنظيم"), "تنظيم");
    }

    #[test]
    fn key_types_follow_the_values() {
        let mut g = PropertyGraph::new();
        g.add_node(["A"], [("n", Value::Int(1)), ("x", Value::Int(1)), ("b", Value::Bool(true))]).unwrap();
        g.add_node(["A"], [("n", Value::Float(1.5)), ("x", Value::from("s")), ("l", Value::List(vec![1.into()]))])
            .unwrap();
        let mut out = Vec::new();
        write_graphml(&Subgraph::from_graph(&g), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(r#"attr.name="n" attr.type="double""#), "{text}");
        assert!(text.contains(r#"attr.name="x" attr.type="string""#), "{text}");
        assert!(text.contains(r#"attr.name="b" attr.type="boolean""#), "{text}");
        assert!(text.contains(">[1]</data>"), "{text}");
        assert!(text.contains(">1.0</data>"), "integer in a double key: {text}");
    }
}
