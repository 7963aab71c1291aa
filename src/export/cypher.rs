//! A Cypher script of `CREATE` statements that rebuilds the subgraph in an empty database:
//! `kg run -g NEW.kg FILE`, `cypher-shell -f FILE` (Neo4j) or `mgconsole < FILE` (Memgraph).
//!
//! The script has one statement per line, each ended by `;`:
//!
//! ```text
//! CREATE (:ArmedGroup:_KgExport {_kgid: 0, name: 'JNIM'});
//! CREATE (:State:_KgExport {_kgid: 1, name: 'Mali'});
//! MATCH (a:_KgExport {_kgid: 0}), (b:_KgExport {_kgid: 1}) CREATE (a)-[:ATTACKED {mentions: 2}]->(b);
//! MATCH (n:_KgExport) REMOVE n:_KgExport, n._kgid;
//! ```
//!
//! Every node is created with the temporary label `_KgExport` and property `_kgid` (its id in
//! the exported graph) so that each relationship statement can find its two endpoints, however
//! far apart they are in the script; the last statement removes both. Statements stay small, so
//! the script streams at any size (for graphs of millions of relationships prefer the CSV
//! export). On Neo4j, run `CREATE INDEX kg_export FOR (n:_KgExport) ON (n._kgid)` first to make
//! the `MATCH`es index lookups; on Memgraph `CREATE INDEX ON :_KgExport(_kgid)`.
//!
//! Values are written as Cypher literals: strings single-quoted with escapes, floats always with
//! a fraction or exponent (NaN and infinities as `0.0/0.0`, `1.0/0.0`, `-1.0/0.0`). Map-valued
//! properties are kgraph's own extension: Neo4j and Memgraph refuse them.

use std::fmt::Write as _;
use std::io::Write;

use super::subgraph::Subgraph;
use super::ExportError;
use crate::graph::{write_cypher_name, write_cypher_string, Value};

/// The temporary label every exported node carries until the script's last statement.
pub const EXPORT_LABEL: &str = "_KgExport";
/// The temporary property holding a node's exported id until the script's last statement.
pub const EXPORT_ID_KEY: &str = "_kgid";

/// Writes `sub` as a Cypher script (see the module documentation).
///
/// # Errors
/// [`ExportError::Io`] when writing fails.
pub fn write_cypher(sub: &Subgraph<'_>, w: &mut impl Write) -> Result<(), ExportError> {
    writeln!(w, "// kgraph Cypher export: {} nodes, {} relationships.", sub.node_count(), sub.relationship_count())?;
    writeln!(w, "// Run it on an empty graph: kg run -g NEW.kg FILE, cypher-shell -f FILE or mgconsole < FILE.")?;
    let mut line = String::new();
    for node in sub.nodes() {
        line.clear();
        line.push_str("CREATE (");
        for l in &node.labels {
            line.push(':');
            write_cypher_name(&mut line, l)?;
        }
        let _ = write!(line, ":{EXPORT_LABEL} {{{EXPORT_ID_KEY}: {}", node.id);
        for (k, v) in &node.properties {
            line.push_str(", ");
            write_cypher_name(&mut line, k)?;
            line.push_str(": ");
            write_literal(&mut line, v)?;
        }
        line.push_str("});");
        writeln!(w, "{line}")?;
    }
    for rel in sub.relationships() {
        line.clear();
        let _ = write!(
            line,
            "MATCH (a:{EXPORT_LABEL} {{{EXPORT_ID_KEY}: {}}}), (b:{EXPORT_LABEL} {{{EXPORT_ID_KEY}: {}}}) CREATE (a)-[:",
            rel.start, rel.end
        );
        write_cypher_name(&mut line, rel.rel_type)?;
        if !rel.properties.is_empty() {
            line.push_str(" {");
            for (i, (k, v)) in rel.properties.iter().enumerate() {
                if i > 0 {
                    line.push_str(", ");
                }
                write_cypher_name(&mut line, k)?;
                line.push_str(": ");
                write_literal(&mut line, v)?;
            }
            line.push('}');
        }
        line.push_str("]->(b);");
        writeln!(w, "{line}")?;
    }
    if sub.node_count() > 0 {
        writeln!(w, "MATCH (n:{EXPORT_LABEL}) REMOVE n:{EXPORT_LABEL}, n.{EXPORT_ID_KEY};")?;
    }
    Ok(())
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
        Value::Node(_) | Value::Relationship(_) | Value::Path(_) => out.push_str("null"),
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
        assert_eq!(lit(Value::Map(map)), "{`a b`: [1, null]}");
    }

    #[test]
    fn script_links_relationships_by_export_id() {
        let mut g = PropertyGraph::new();
        let a = g.add_node(["ArmedGroup"], [("name", Value::from("JNIM"))]).unwrap();
        let b = g.add_node(["Odd Label"], [("name", Value::from("مالي"))]).unwrap();
        g.add_relationship(a, b, "ATTACKED", [("mentions", Value::Int(2))]).unwrap();
        g.add_relationship(b, b, "SELF", std::iter::empty::<(&str, Value)>()).unwrap();
        let mut out = Vec::new();
        write_cypher(&Subgraph::from_graph(&g), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let statements: Vec<&str> = text.lines().filter(|l| !l.starts_with("//")).collect();
        assert_eq!(
            statements,
            [
                "CREATE (:ArmedGroup:_KgExport {_kgid: 0, name: 'JNIM'});",
                "CREATE (:`Odd Label`:_KgExport {_kgid: 1, name: 'مالي'});",
                "MATCH (a:_KgExport {_kgid: 0}), (b:_KgExport {_kgid: 1}) CREATE (a)-[:ATTACKED {mentions: 2}]->(b);",
                "MATCH (a:_KgExport {_kgid: 1}), (b:_KgExport {_kgid: 1}) CREATE (a)-[:SELF]->(b);",
                "MATCH (n:_KgExport) REMOVE n:_KgExport, n._kgid;",
            ]
        );
    }
}
