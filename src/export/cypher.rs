//! A Cypher script of `CREATE` statements that rebuilds the subgraph in an empty database:
//! `kg run -g NEW.kg FILE`, `cypher-shell -f FILE` (Neo4j) or `mgconsole < FILE` (Memgraph).
//!
//! The script has one statement per line, each ended by `;`:
//!
//! ```text
//! CREATE (:ArmedGroup:_KgExport {_kgid: 0, name: 'JNIM'});
//! CREATE (:State:_KgExport {_kgid: 1, name: 'Mali'});
//! CREATE (:Place:_KgExport {_kgid: 2});
//! MATCH (a:_KgExport {name: 'JNIM'}), (b:_KgExport {name: 'Mali'}) CREATE (a)-[:ATTACKED {mentions: 2}]->(b);
//! MATCH (a:_KgExport {name: 'Mali'}), (b:_KgExport {_kgid: 2}) CREATE (a)-[:CONTROLS]->(b);
//! MATCH (n:_KgExport) REMOVE n:_KgExport, n._kgid;
//! ```
//!
//! Every node is created with the temporary label `_KgExport` and property `_kgid` (its id in
//! the exported graph) so that each relationship statement can find its two endpoints, however
//! far apart they are in the script; the last statement removes both. When an exported node
//! already has that label or property of its own, the script uses `_KgExport_1`/`_kgid_1` (or
//! the next free suffix) instead, so the user's data survives the round trip. A node whose `name` no
//! other exported node shares is found by name instead, which kgraph answers from its name index
//! (so `kg run` loads an export in time linear in its size); other nodes are found by `_kgid`.
//! Statements stay small, so the script streams at any size (for graphs of millions of
//! relationships prefer the CSV export). On Neo4j, first run
//! `CREATE INDEX kg_export_name FOR (n:_KgExport) ON (n.name)` and
//! `CREATE INDEX kg_export_id FOR (n:_KgExport) ON (n._kgid)` to make the `MATCH`es index
//! lookups; on Memgraph `CREATE INDEX ON :_KgExport(name)` and `CREATE INDEX ON :_KgExport(_kgid)`.
//!
//! Values are written as Cypher literals: strings single-quoted with escapes, floats always with
//! a fraction or exponent (NaN and infinities as `(0.0 / 0.0)`, `(1.0 / 0.0)`, `(-1.0 / 0.0)`,
//! `i64::MIN` as `(-9223372036854775807 - 1)`). Values Cypher cannot store as properties, which
//! the graph model allows (maps, lists holding lists or maps), are written as their JSON text,
//! a string. Neo4j also refuses lists that mix types or hold nulls; kgraph keeps those as they are.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;

use super::jsonl::value_to_json_string;
use super::subgraph::Subgraph;
use super::ExportError;
use crate::graph::{write_cypher_name, write_cypher_string, Value, NAME_KEY};

/// The temporary label every exported node carries until the script's last statement.
pub const EXPORT_LABEL: &str = "_KgExport";
/// The temporary property holding a node's exported id until the script's last statement.
pub const EXPORT_ID_KEY: &str = "_kgid";

/// Writes `sub` as a Cypher script (see the module documentation).
///
/// # Errors
/// [`ExportError::Io`] when writing fails.
pub fn write_cypher(sub: &Subgraph<'_>, w: &mut impl Write) -> Result<(), ExportError> {
    let (label, key) = temporary_names(sub);
    writeln!(w, "// kgraph Cypher export: {} nodes, {} relationships.", sub.node_count(), sub.relationship_count())?;
    writeln!(w, "// Run it on an empty graph: kg run -g NEW.kg FILE, cypher-shell -f FILE or mgconsole < FILE.")?;
    writeln!(w, "// On Neo4j or Memgraph, first index :{label}(name) and :{label}({key}) for speed.")?;
    let mut line = String::new();
    for node in sub.nodes() {
        line.clear();
        line.push_str("CREATE (");
        for l in &node.labels {
            line.push(':');
            write_cypher_name(&mut line, l)?;
        }
        let _ = write!(line, ":{label} {{{key}: {}", node.id);
        for (k, v) in &node.properties {
            line.push_str(", ");
            write_cypher_name(&mut line, k)?;
            line.push_str(": ");
            write_property(&mut line, v)?;
        }
        line.push_str("});");
        writeln!(w, "{line}")?;
    }
    let unique_names = unique_names(sub);
    for rel in sub.relationships() {
        line.clear();
        line.push_str("MATCH ");
        write_lookup(&mut line, ("a", rel.start), (&label, &key), &unique_names)?;
        line.push_str(", ");
        write_lookup(&mut line, ("b", rel.end), (&label, &key), &unique_names)?;
        line.push_str(" CREATE (a)-[:");
        write_cypher_name(&mut line, rel.rel_type)?;
        if !rel.properties.is_empty() {
            line.push_str(" {");
            for (i, (k, v)) in rel.properties.iter().enumerate() {
                if i > 0 {
                    line.push_str(", ");
                }
                write_cypher_name(&mut line, k)?;
                line.push_str(": ");
                write_property(&mut line, v)?;
            }
            line.push('}');
        }
        line.push_str("]->(b);");
        writeln!(w, "{line}")?;
    }
    if sub.node_count() > 0 {
        writeln!(w, "MATCH (n:{label}) REMOVE n:{label}, n.{key};")?;
    }
    Ok(())
}

/// The temporary label and id key: [`EXPORT_LABEL`] and [`EXPORT_ID_KEY`], or with the first
/// suffix `_1`, `_2`, … that no exported node uses as a label or property key of its own.
fn temporary_names(sub: &Subgraph<'_>) -> (String, String) {
    let fresh = |base: &str, taken: &dyn Fn(&str) -> bool| {
        (0..)
            .map(|i| if i == 0 { base.to_string() } else { format!("{base}_{i}") })
            .find(|name| !taken(name))
            .unwrap_or_else(|| base.to_string())
    };
    let label = fresh(EXPORT_LABEL, &|l| sub.nodes().any(|n| n.labels.contains(&l)));
    let key = fresh(EXPORT_ID_KEY, &|k| sub.nodes().any(|n| n.property(k).is_some()));
    (label, key)
}

/// The string `name` of every exported node whose name no other exported node shares.
fn unique_names<'s>(sub: &'s Subgraph<'_>) -> HashMap<u64, &'s str> {
    let mut by_id = HashMap::new();
    let mut count: HashMap<&str, u32> = HashMap::new();
    for node in sub.nodes() {
        if let Some(Value::String(name)) = node.property(NAME_KEY) {
            by_id.insert(node.id, name.as_str());
            *count.entry(name.as_str()).or_default() += 1;
        }
    }
    by_id.retain(|_, name| count.get(name) == Some(&1));
    by_id
}

/// The pattern that finds exported node `id` again: by its unique name when it has one (an
/// index lookup in kgraph, and in Neo4j or Memgraph with an index on `name`), else by `_kgid`.
fn write_lookup(
    line: &mut String,
    (var, id): (&str, u64),
    (label, key): (&str, &str),
    unique_names: &HashMap<u64, &str>,
) -> std::fmt::Result {
    write!(line, "({var}:{label} {{")?;
    match unique_names.get(&id) {
        Some(name) => {
            write!(line, "{NAME_KEY}: ")?;
            write_cypher_string(line, name)?;
        }
        None => write!(line, "{key}: {id}")?,
    }
    line.push_str("})");
    Ok(())
}

/// Whether Cypher can store `v` as a property: a scalar, or a list of scalars and nulls (no
/// maps, no nested lists), as openCypher, Neo4j, Memgraph and kgraph's `CREATE` require.
pub fn is_cypher_property(v: &Value) -> bool {
    match v {
        Value::Map(_)
        | Value::Node(_)
        | Value::Relationship(_)
        | Value::Path(_)
        | Value::NodeRef(_)
        | Value::RelRef(_) => false,
        Value::List(items) => items.iter().all(|x| !matches!(x, Value::List(_)) && is_cypher_property(x)),
        _ => true,
    }
}

/// A property value as Cypher can store it: the literal itself, or its JSON text as a string
/// when Cypher cannot hold it (the graph model allows maps and nested lists; `CREATE` does not).
fn write_property(out: &mut String, v: &Value) -> std::fmt::Result {
    if is_cypher_property(v) {
        write_literal(out, v)
    } else {
        write_cypher_string(out, &value_to_json_string(v))
    }
}

/// Writes a property value as a Cypher literal that reads back as the same value.
pub fn write_literal(out: &mut String, v: &Value) -> std::fmt::Result {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => write!(out, "{b}")?,
        // The literal 9223372036854775808 does not fit, so its negation cannot be written directly.
        Value::Int(i64::MIN) => out.push_str("(-9223372036854775807 - 1)"),
        Value::Int(i) => write!(out, "{i}")?,
        Value::Float(f) if f.is_nan() => out.push_str("(0.0 / 0.0)"),
        Value::Float(f) if f.is_infinite() => out.push_str(if *f > 0.0 { "(1.0 / 0.0)" } else { "(-1.0 / 0.0)" }),
        Value::Float(f) => write!(out, "{f:?}")?,
        Value::String(s) => write_cypher_string(out, s)?,
        // The constructor reads the ISO text back exactly: `date('2024-09-17')`.
        Value::Temporal(t) => {
            out.push_str(t.function_name());
            out.push('(');
            write_cypher_string(out, &t.to_string())?;
            out.push(')');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_literal(out, item)?;
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_cypher_name(out, k)?;
                out.push_str(": ");
                write_literal(out, item)?;
            }
            out.push('}');
        }
        // Graph elements are never stored as properties (the graph refuses them).
        Value::Node(_) | Value::Relationship(_) | Value::Path(_) | Value::NodeRef(_) | Value::RelRef(_) => {
            out.push_str("null")
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{PropertyGraph, PropertyMap};

    fn lit(v: Value) -> String {
        let mut s = String::new();
        write_literal(&mut s, &v).unwrap();
        s
    }

    #[test]
    fn literals_read_back_as_the_same_value() {
        assert_eq!(lit(Value::Float(1.0)), "1.0");
        assert_eq!(lit(Value::Float(1e300)), "1e300");
        assert_eq!(lit(Value::Float(f64::NAN)), "(0.0 / 0.0)");
        assert_eq!(lit(Value::Int(i64::MIN)), "(-9223372036854775807 - 1)");
        assert_eq!(lit(Value::from("it's \\ \n")), r"'it\'s \\ \n'");
        let map: PropertyMap =
            [("a b".to_string(), Value::List(vec![Value::Int(1), Value::Null]))].into_iter().collect();
        assert_eq!(lit(Value::Map(map.clone())), "{`a b`: [1, null]}");
        let mut prop = String::new();
        write_property(&mut prop, &Value::Map(map)).unwrap();
        assert_eq!(prop, r#"'{"a b":[1,null]}'"#);
        assert!(is_cypher_property(&Value::List(vec![Value::Int(1), Value::Null, Value::from("x")])));
        assert!(!is_cypher_property(&Value::List(vec![Value::List(vec![])])));
    }

    #[test]
    fn script_links_relationships_by_unique_name_or_export_id() {
        let mut g = PropertyGraph::new();
        let a = g.add_node(["ArmedGroup"], [("name", Value::from("JNIM"))]).unwrap();
        let b = g.add_node(["Odd Label"], [("name", Value::from("مالي"))]).unwrap();
        let c = g.add_node(["ArmedGroup"], [("name", Value::from("JNIM"))]).unwrap();
        g.add_relationship(a, b, "ATTACKED", [("mentions", Value::Int(2))]).unwrap();
        g.add_relationship(b, b, "SELF", std::iter::empty::<(&str, Value)>()).unwrap();
        g.add_relationship(c, a, "ALLIED_WITH", std::iter::empty::<(&str, Value)>()).unwrap();
        let mut out = Vec::new();
        write_cypher(&Subgraph::from_graph(&g), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let statements: Vec<&str> = text.lines().filter(|l| !l.starts_with("//")).collect();
        assert_eq!(
            statements,
            [
                "CREATE (:ArmedGroup:_KgExport {_kgid: 0, name: 'JNIM'});",
                "CREATE (:`Odd Label`:_KgExport {_kgid: 1, name: 'مالي'});",
                "CREATE (:ArmedGroup:_KgExport {_kgid: 2, name: 'JNIM'});",
                "MATCH (a:_KgExport {_kgid: 0}), (b:_KgExport {name: 'مالي'}) CREATE (a)-[:ATTACKED {mentions: 2}]->(b);",
                "MATCH (a:_KgExport {name: 'مالي'}), (b:_KgExport {name: 'مالي'}) CREATE (a)-[:SELF]->(b);",
                "MATCH (a:_KgExport {_kgid: 2}), (b:_KgExport {_kgid: 0}) CREATE (a)-[:ALLIED_WITH]->(b);",
                "MATCH (n:_KgExport) REMOVE n:_KgExport, n._kgid;",
            ]
        );
    }
}
