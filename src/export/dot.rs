//! Graphviz DOT: one `digraph` with a node per graph node and an edge per relationship.
//!
//! Nodes are drawn by their first well-known label ([`NodeStyle`]: ArmedGroup, State, Force,
//! Person, Place, Organization, anything else) and named by their `name` (plus `name_ar` on a
//! second line); edges are labelled by type, symmetric types (TRUCE_BETWEEN, ALLIED_WITH by
//! default) have no arrowhead, `mentions` sets the pen width (clamped to
//! [`DotOptions::max_penwidth`]) and the first `evidence` snippet is the tooltip. Node ids are
//! `n<id>`; every other string is written as a quoted DOT string with quotes, backslashes and
//! line breaks escaped and other control characters dropped, so any entity name yields valid
//! DOT. The graph declares `charset="UTF-8"` so Arabic names render.

use std::io::Write;

use super::subgraph::{NodeRef, RelRef, Subgraph};
use super::ExportError;
use crate::graph::Value;

/// Options of [`write_dot`].
#[derive(Clone, Debug)]
pub struct DotOptions {
    /// Relationship types drawn without arrowheads (`dir=none`).
    pub symmetric_types: Vec<String>,
    /// The largest pen width `mentions` may give an edge (the smallest is 1).
    pub max_penwidth: f64,
    /// Longest tooltip, in characters; longer evidence is cut with `…`.
    pub max_tooltip_chars: usize,
}

impl Default for DotOptions {
    fn default() -> Self {
        DotOptions {
            symmetric_types: vec!["TRUCE_BETWEEN".into(), "ALLIED_WITH".into()],
            max_penwidth: 6.0,
            max_tooltip_chars: 300,
        }
    }
}

/// How a node is drawn, chosen by its first label found in this list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeStyle {
    /// The label this style is for (`""` for the fallback).
    pub label: &'static str,
    /// Graphviz shape.
    pub shape: &'static str,
    /// Fill colour.
    pub fillcolor: &'static str,
}

/// Styles by label, most specific first; the last entry is the fallback for other labels.
pub const NODE_STYLES: [NodeStyle; 7] = [
    NodeStyle { label: "ArmedGroup", shape: "box", fillcolor: "#f4a6a6" },
    NodeStyle { label: "State", shape: "doubleoctagon", fillcolor: "#a6c8f4" },
    NodeStyle { label: "Force", shape: "octagon", fillcolor: "#c3b4f0" },
    NodeStyle { label: "Person", shape: "ellipse", fillcolor: "#f6e3a1" },
    NodeStyle { label: "Place", shape: "house", fillcolor: "#b5e3b0" },
    NodeStyle { label: "Organization", shape: "component", fillcolor: "#f3c9a0" },
    NodeStyle { label: "", shape: "ellipse", fillcolor: "#dddddd" },
];

/// The style of a node with these labels.
pub fn node_style(labels: &[&str]) -> NodeStyle {
    let fallback = NODE_STYLES[NODE_STYLES.len() - 1];
    NODE_STYLES[..NODE_STYLES.len() - 1].iter().copied().find(|s| labels.contains(&s.label)).unwrap_or(fallback)
}

/// Writes `sub` as a DOT digraph.
///
/// # Errors
/// [`ExportError::Io`] when writing fails.
pub fn write_dot(sub: &Subgraph<'_>, w: &mut impl Write, options: &DotOptions) -> Result<(), ExportError> {
    writeln!(w, "digraph kgraph {{")?;
    writeln!(w, "  graph [charset=\"UTF-8\", rankdir=LR, overlap=false, fontname=\"Noto Sans\"];")?;
    writeln!(w, "  node [style=filled, fontname=\"Noto Sans\"];")?;
    writeln!(w, "  edge [fontname=\"Noto Sans\", fontsize=10];")?;
    for node in sub.nodes() {
        write_node(w, &node)?;
    }
    for rel in sub.relationships() {
        write_edge(w, &rel, options)?;
    }
    writeln!(w, "}}")?;
    Ok(())
}

fn write_node(w: &mut impl Write, node: &NodeRef<'_>) -> Result<(), ExportError> {
    let style = node_style(&node.labels);
    let mut label = match node.property("name") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => format!("#{}", node.id),
    };
    if let Some(Value::String(ar)) = node.property("name_ar") {
        label.push('\n');
        label.push_str(ar);
    }
    let mut tooltip: String = node.labels.iter().map(|l| format!(":{l}")).collect();
    if let Some(Value::List(aliases)) = node.property("aliases") {
        let names: Vec<String> =
            aliases.iter().map(|a| a.as_str().map_or_else(|| a.to_string(), str::to_string)).collect();
        if !names.is_empty() {
            tooltip.push_str(if tooltip.is_empty() { "" } else { " " });
            tooltip.push_str("aka ");
            tooltip.push_str(&names.join(", "));
        }
    }
    write!(w, "  n{} [label={}, shape={}, fillcolor=\"{}\"", node.id, quote(&label), style.shape, style.fillcolor)?;
    if !tooltip.is_empty() {
        write!(w, ", tooltip={}", quote(&tooltip))?;
    }
    writeln!(w, "];")?;
    Ok(())
}

fn write_edge(w: &mut impl Write, rel: &RelRef<'_>, options: &DotOptions) -> Result<(), ExportError> {
    write!(w, "  n{} -> n{} [label={}", rel.start, rel.end, quote(rel.rel_type))?;
    if options.symmetric_types.iter().any(|t| t == rel.rel_type) {
        write!(w, ", dir=none")?;
    }
    let mentions = match rel.property("mentions") {
        Some(Value::Int(i)) => Some(*i as f64),
        Some(Value::Float(f)) if f.is_finite() => Some(*f),
        _ => None,
    };
    if let Some(m) = mentions {
        write!(w, ", penwidth={}", m.clamp(1.0, options.max_penwidth.max(1.0)))?;
    }
    let evidence = match rel.property("evidence") {
        Some(Value::List(items)) => items.first().and_then(Value::as_str),
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    };
    if let Some(e) = evidence {
        let mut tip: String = e.chars().take(options.max_tooltip_chars).collect();
        if e.chars().nth(options.max_tooltip_chars).is_some() {
            tip.push('…');
        }
        write!(w, ", tooltip={}", quote(&tip))?;
    }
    writeln!(w, "];")?;
    Ok(())
}

/// `s` as a double-quoted DOT string. Graphviz reads label and tooltip strings as escStrings,
/// where a backslash starts an escape (`\n`, `\l`, `\N`, ...), so backslashes are doubled;
/// quotes are escaped, line breaks become `\n`, and other control characters, which Graphviz
/// cannot show, are dropped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::PropertyGraph;

    #[test]
    fn quote_escapes_everything_dot_cares_about() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("x\r\ny\nz\u{0}"), r#""x\ny\nz""#);
        assert_eq!(quote("<{}>"), "\"<{}>\"");
        assert_eq!(quote("تنظيم"), "\"تنظيم\"");
        assert_eq!(quote("ends with \\"), r#""ends with \\""#);
    }

    #[test]
    fn styles_edges_by_type_and_mentions() {
        let mut g = PropertyGraph::new();
        let a = g.add_node(["ArmedGroup"], [("name", Value::from("JNIM"))]).unwrap();
        let b =
            g.add_node(["Other", "State"], [("name", Value::from("Mali")), ("name_ar", Value::from("مالي"))]).unwrap();
        let ev = Value::List(vec![Value::from("they \"fought\""), Value::from("second")]);
        g.add_relationship(a, b, "ATTACKED", [("mentions", Value::Int(40)), ("evidence", ev)]).unwrap();
        g.add_relationship(a, b, "TRUCE_BETWEEN", [("mentions", Value::Int(2))]).unwrap();
        let mut out = Vec::new();
        write_dot(&Subgraph::from_graph(&g), &mut out, &DotOptions::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("n0 [label=\"JNIM\", shape=box"), "{text}");
        assert!(text.contains("n1 [label=\"Mali\\nمالي\", shape=doubleoctagon"), "{text}");
        assert!(text.contains("n0 -> n1 [label=\"ATTACKED\", penwidth=6, tooltip=\"they \\\"fought\\\"\"];"), "{text}");
        assert!(text.contains("n0 -> n1 [label=\"TRUCE_BETWEEN\", dir=none, penwidth=2];"), "{text}");
    }
}
