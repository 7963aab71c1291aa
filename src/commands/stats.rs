//! The body of `kg stats`: counts, labels, relationship types, property keys, file size and
//! format version of a graph file.

use std::collections::BTreeMap;
use std::io::Write;

use crate::cli::StatsArgs;
use crate::error::Result;
use crate::graph::PropertyGraph;
use crate::store::{self, FileInfo};

/// Runs `kg stats`.
///
/// # Errors
/// The graph file cannot be read, or standard output is closed.
pub fn run(args: &StatsArgs) -> Result<()> {
    let (graph, info) = store::load_with_info(&args.graph)?;
    let mut out = std::io::stdout().lock();
    out.write_all(render_stats(&args.graph.display().to_string(), &graph, info).as_bytes())?;
    Ok(())
}

/// The stats report as text.
pub fn render_stats(origin: &str, graph: &PropertyGraph, info: FileInfo) -> String {
    let mut s = String::new();
    let mut line = |k: &str, v: String| s.push_str(&format!("{k:<16}{v}\n"));
    line("graph", origin.to_string());
    line("format version", info.format_version.to_string());
    line("file size", format!("{} bytes ({})", info.file_size, human(info.file_size)));
    line("nodes", graph.node_count().to_string());
    line("relationships", graph.relationship_count().to_string());
    let mut labels: Vec<(&str, usize)> = graph.label_counts().collect();
    labels.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut types: Vec<(&str, usize)> = graph.rel_type_counts().collect();
    types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (title, rows) in [("labels", labels), ("types", types)] {
        s.push_str(&format!("{title}{}\n", if rows.is_empty() { "          (none)" } else { "" }));
        let width = rows.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0);
        for (name, count) in rows {
            s.push_str(&format!("  {name:<width$}  {count}\n"));
        }
    }
    // Keys in use, not every key ever interned: a key no element carries any more (`_kgid`
    // after a Cypher import) would send a reader looking for it.
    let keys: Vec<&str> = property_key_counts(graph).into_keys().collect();
    s.push_str(&format!("{:<16}{}\n", "property keys", keys.join(", ")));
    s
}

/// How many nodes and relationships carry each property key, by key (keys in use only).
pub fn property_key_counts(graph: &PropertyGraph) -> BTreeMap<&str, usize> {
    let mut keys: BTreeMap<&str, usize> = BTreeMap::new();
    for id in graph.node_ids() {
        for (k, _) in graph.node_properties(id) {
            *keys.entry(k).or_default() += 1;
        }
    }
    for id in graph.relationship_ids() {
        for (k, _) in graph.rel_properties(id) {
            *keys.entry(k).or_default() += 1;
        }
    }
    keys
}

fn human(bytes: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < units.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", units[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Value;

    #[test]
    fn report_lists_counts_sorted() {
        let mut g = PropertyGraph::new();
        let a = g.add_node(["ArmedGroup"], [("name", Value::from("JNIM"))]).unwrap();
        let b = g.add_node(["Place"], [("name", Value::from("Gao"))]).unwrap();
        let c = g.add_node(["Place"], [("name", Value::from("Mopti"))]).unwrap();
        g.add_relationship(a, b, "CONTROLS", [("year", Value::Int(2020))]).unwrap();
        g.add_relationship(a, c, "CONTROLS", std::iter::empty::<(&str, Value)>()).unwrap();
        let gone = g.add_node(["Place"], [("_kgid", Value::Int(7))]).unwrap();
        g.remove_node(gone, false).unwrap();
        let text = render_stats("g.kg", &g, FileInfo { format_version: 1, file_size: 2048 });
        assert!(text.contains("nodes           3\n"), "{text}");
        assert!(text.contains("file size       2048 bytes (2.0 KiB)"), "{text}");
        assert!(text.contains("labels\n  Place       2\n  ArmedGroup  1\n"), "{text}");
        assert!(text.contains("types\n  CONTROLS  2\n"), "{text}");
        assert!(text.contains("property keys   name, year"), "{text}");
    }
}
