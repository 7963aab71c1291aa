//! Graphviz DOT: one `digraph` with a node per graph node and an edge per relationship.
//!
//! Nodes are drawn by their first well-known label ([`NodeStyle`]: ArmedGroup, State, Force,
//! Person, Place, Organization, anything else) and named by their `name` (plus `name_ar` on a
//! second line); edges are labelled by type, symmetric types (TRUCE_BETWEEN, ALLIED_WITH by
//! default) have no arrowhead, `mentions` sets the pen width (clamped to
//! [`DotOptions::max_penwidth`]) and the first `evidence` snippet is the tooltip. Node ids are
//! `n<id>`; every other string is written as a quoted DOT string with quotes, backslashes and
//! line breaks escaped, other control characters dropped and Unicode non-characters (U+FFFE,
//! U+FFFF, …, which XML forbids in the SVG Graphviz writes) replaced by U+FFFD, as GraphML does,
//! so any entity name yields valid DOT; labels are cut at [`DotOptions::max_label_chars`]. The
//! graph declares `charset="UTF-8"` so Arabic names render. Options leave out nodes without
//! relationships ([`DotOptions::connected_only`]) and add a legend of the node styles used.

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
    /// Longest tooltip, in characters; longer evidence or alias lists are cut with `…`.
    pub max_tooltip_chars: usize,
    /// Longest node or edge label, in characters; longer names are cut with `…`.
    pub max_label_chars: usize,
    /// Leave out nodes that no relationship of the export touches.
    pub connected_only: bool,
    /// Add a legend: one sample node per style used, named by its label.
    pub legend: bool,
}

impl Default for DotOptions {
    fn default() -> Self {
        DotOptions {
            symmetric_types: vec!["TRUCE_BETWEEN".into(), "ALLIED_WITH".into()],
            max_penwidth: 6.0,
            max_tooltip_chars: 300,
            max_label_chars: 120,
            connected_only: false,
            legend: false,
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
    let touched: std::collections::HashSet<u64> = if options.connected_only {
        sub.relationships().flat_map(|r| [r.start, r.end]).collect()
    } else {
        Default::default()
    };
    let mut styles_used: Vec<NodeStyle> = Vec::new();
    for node in sub.nodes() {
        if options.connected_only && !touched.contains(&node.id) {
            continue;
        }
        let style = node_style(&node.labels);
        if !styles_used.contains(&style) {
            styles_used.push(style);
        }
        write_node(w, &node, style, options)?;
    }
    for rel in sub.relationships() {
        write_edge(w, &rel, options)?;
    }
    if options.legend && !styles_used.is_empty() {
        write_legend(w, &styles_used)?;
    }
    writeln!(w, "}}")?;
    Ok(())
}

/// A boxed cluster with one sample node per style, in [`NODE_STYLES`] order.
fn write_legend(w: &mut impl Write, used: &[NodeStyle]) -> Result<(), ExportError> {
    writeln!(w, "  subgraph cluster_legend {{")?;
    writeln!(w, "    label=\"Legend\"; style=rounded; color=\"#999999\"; fontname=\"Noto Sans\";")?;
    for (i, style) in NODE_STYLES.iter().filter(|s| used.contains(s)).enumerate() {
        let name = if style.label.is_empty() { "other label" } else { style.label };
        writeln!(
            w,
            "    legend{i} [label={}, shape={}, fillcolor=\"{}\"];",
            quote(name),
            style.shape,
            style.fillcolor
        )?;
    }
    writeln!(w, "  }}")?;
    Ok(())
}

/// `s` cut to `max` characters, with `…` when something was cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().nth(max).is_none() {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn write_node(
    w: &mut impl Write,
    node: &NodeRef<'_>,
    style: NodeStyle,
    options: &DotOptions,
) -> Result<(), ExportError> {
    let max = options.max_label_chars;
    let mut label = match node.property("name") {
        Some(Value::String(s)) => truncate(s, max),
        Some(v) => truncate(&v.to_string(), max),
        None => format!("#{}", node.id),
    };
    if let Some(Value::String(ar)) = node.property("name_ar") {
        label.push('\n');
        label.push_str(&truncate(ar, max));
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
        write!(w, ", tooltip={}", quote(&truncate(&tooltip, options.max_tooltip_chars + 1)))?;
    }
    writeln!(w, "];")?;
    Ok(())
}

fn write_edge(w: &mut impl Write, rel: &RelRef<'_>, options: &DotOptions) -> Result<(), ExportError> {
    write!(w, "  n{} -> n{} [label={}", rel.start, rel.end, quote(&truncate(rel.rel_type, options.max_label_chars)))?;
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
        write!(w, ", tooltip={}", quote(&truncate(e, options.max_tooltip_chars + 1)))?;
    }
    writeln!(w, "];")?;
    Ok(())
}

/// `s` as a double-quoted DOT string. Graphviz reads label and tooltip strings as escStrings,
/// where a backslash starts an escape (`\n`, `\l`, `\N`, ...), so backslashes are doubled;
/// quotes are escaped, line breaks become `\n`, other control characters, which Graphviz
/// cannot show, are dropped, and non-characters become U+FFFD.
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
            c if is_noncharacter(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Unicode's non-characters: U+FDD0..U+FDEF and the last two code points of every plane.
fn is_noncharacter(c: char) -> bool {
    let u = c as u32;
    (0xFDD0..=0xFDEF).contains(&u) || (u & 0xFFFE) == 0xFFFE
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
        assert_eq!(quote("a\u{FFFE}b\u{FFFF}\u{FDD0}\u{10FFFF}c"), "\"a\u{FFFD}b\u{FFFD}\u{FFFD}\u{FFFD}c\"");
    }

    #[test]
    fn long_names_are_cut_and_options_drop_isolated_nodes_and_add_a_legend() {
        let mut g = PropertyGraph::new();
        let long = "x".repeat(100_000);
        let a = g.add_node(["ArmedGroup"], [("name", Value::from(long.as_str()))]).unwrap();
        let b = g.add_node(["Place"], [("name", Value::from("Gao"))]).unwrap();
        g.add_node(["Person"], [("name", Value::from("Alone"))]).unwrap();
        g.add_relationship(a, b, "ATTACKED", std::iter::empty::<(&str, Value)>()).unwrap();
        let options = DotOptions { connected_only: true, legend: true, ..DotOptions::default() };
        let mut out = Vec::new();
        write_dot(&Subgraph::from_graph(&g), &mut out, &options).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(&format!("n0 [label=\"{}…\"", "x".repeat(119))), "cut at 120 characters");
        assert!(text.len() < 2_000, "{} bytes", text.len());
        assert!(!text.contains("Alone"), "{text}");
        assert!(text.contains("subgraph cluster_legend"), "{text}");
        assert!(text.contains("[label=\"ArmedGroup\", shape=box"), "{text}");
        assert!(text.contains("[label=\"Place\", shape=house"), "{text}");
        assert!(!text.contains("[label=\"Person\""), "only styles in use: {text}");
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
