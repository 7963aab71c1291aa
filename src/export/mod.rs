//! Exports of a whole graph or of a query's result: Graphviz DOT, a Cypher script, GraphML,
//! JSON Lines, and node/relationship CSV files for neo4j-admin and Kùzu.
//!
//! Every format goes through one type, [`Subgraph`]: build it from a whole graph with
//! [`Subgraph::from_graph`] (borrowed, no copy) or from a query result with
//! [`Subgraph::from_result`] (the nodes, relationships and paths found anywhere in its values;
//! then [`Subgraph::fill_endpoints`] fetches endpoints the query did not return), and hand it to
//! a writer:
//!
//! | format   | writer                                   | notes |
//! |----------|------------------------------------------|-------|
//! | DOT      | [`write_dot`]`(&sub, &mut w, &DotOptions::default())` | styled by label; [`render_dot`] runs Graphviz |
//! | Cypher   | [`write_cypher`]`(&sub, &mut w)`          | CREATE script that `kg run`, Neo4j and Memgraph load |
//! | GraphML  | [`write_graphml`]`(&sub, &mut w)`         | typed keys; networkx, Gephi |
//! | JSONL    | [`write_jsonl`]`(&sub, &mut w)`           | DESIGN.md's JSON shapes, nodes first |
//! | CSV      | [`write_csv`]`(&sub, dir)`                | a directory of files plus load scripts |
//!
//! or call [`export_to_writer`] / [`export_to_path`] with a [`Format`] (what the shell's
//! `:export` does):
//!
//! ```
//! use kgraph::export::{export_to_writer, Format, Subgraph};
//! use kgraph::{PropertyGraph, Value};
//!
//! let mut graph = PropertyGraph::new();
//! let a = graph.add_node(["ArmedGroup"], [("name", Value::from("JNIM"))])?;
//! let b = graph.add_node(["Force"], [("name", Value::from("Malian army"))])?;
//! graph.add_relationship(a, b, "ATTACKED", [("mentions", Value::Int(3))])?;
//!
//! let mut dot = Vec::new();
//! export_to_writer(&Subgraph::from_graph(&graph), Format::Dot, &mut dot)?;
//! assert!(String::from_utf8(dot)?.contains("label=\"ATTACKED\""));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Writers take any `io::Write` and never print or open files themselves, except [`write_csv`]
//! (several files by nature) and [`export_to_path`]. This module reads the graph and the query
//! result type; it never runs queries (the caller does) and never loads graph files.

mod csv;
mod cypher;
mod dot;
mod graphml;
mod jsonl;
mod subgraph;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;

use thiserror::Error;

pub use self::csv::{write_csv, CsvExport, ARRAY_DELIMITER};
pub use self::cypher::{is_cypher_property, write_cypher, write_literal, EXPORT_ID_KEY, EXPORT_LABEL};
pub use self::dot::{node_style, quote as dot_quote, write_dot, DotOptions, NodeStyle, NODE_STYLES};
pub use self::graphml::write_graphml;
pub use self::jsonl::{value_to_json, value_to_json_string, write_jsonl, JsonValue};
pub use self::subgraph::{NodeRef, RelRef, Subgraph};

/// Errors of the export layer.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExportError {
    /// Writing the output failed.
    #[error("cannot write export: {0}")]
    Io(#[from] std::io::Error),
    /// A named file or directory could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    File {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The CSV export writes several files and needs a directory.
    #[error("csv export writes several files: give a directory with -o DIR")]
    CsvNeedsDirectory,
    /// `--render` was asked for a format other than DOT.
    #[error("--render needs --format dot (got {0})")]
    RenderNeedsDot(Format),
    /// Graphviz is not installed.
    #[error("graphviz 'dot' not found on PATH; install graphviz or omit --render")]
    GraphvizMissing,
    /// Graphviz ran and failed.
    #[error("graphviz 'dot' failed ({status}): {stderr}")]
    GraphvizFailed {
        /// Its exit status.
        status: String,
        /// The first lines of what it printed on stderr.
        stderr: String,
    },
}

impl From<std::fmt::Error> for ExportError {
    fn from(_: std::fmt::Error) -> Self {
        ExportError::Io(std::io::Error::other("formatting failed"))
    }
}

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Graphviz DOT.
    Dot,
    /// A Cypher script of CREATE statements.
    Cypher,
    /// GraphML.
    Graphml,
    /// JSON Lines.
    Jsonl,
    /// A directory of CSV files for neo4j-admin and Kùzu.
    Csv,
}

impl Format {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [Format; 5] = [Format::Dot, Format::Cypher, Format::Graphml, Format::Jsonl, Format::Csv];

    /// The format's name as the CLI and the shell spell it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Cypher => "cypher",
            Format::Graphml => "graphml",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(s)).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            format!("unknown export format '{s}'; expected one of {}", names.join(", "))
        })
    }
}

/// Writes `sub` in a single-stream format to `w` (DOT with default options).
///
/// # Errors
/// [`ExportError::CsvNeedsDirectory`] for [`Format::Csv`]; [`ExportError::Io`] when writing fails.
pub fn export_to_writer(sub: &Subgraph<'_>, format: Format, w: &mut impl Write) -> Result<(), ExportError> {
    match format {
        Format::Dot => write_dot(sub, w, &DotOptions::default()),
        Format::Cypher => write_cypher(sub, w),
        Format::Graphml => write_graphml(sub, w),
        Format::Jsonl => write_jsonl(sub, w),
        Format::Csv => Err(ExportError::CsvNeedsDirectory),
    }
}

/// Writes `sub` to the file `path` (for CSV: into the directory `path`).
///
/// # Errors
/// [`ExportError::File`] when the file cannot be created or written.
pub fn export_to_path(sub: &Subgraph<'_>, format: Format, path: &Path) -> Result<(), ExportError> {
    if format == Format::Csv {
        return write_csv(sub, path).map(|_| ());
    }
    let file_error = |source| ExportError::File { path: path.to_path_buf(), source };
    let mut w = BufWriter::new(File::create(path).map_err(file_error)?);
    match export_to_writer(sub, format, &mut w) {
        Err(ExportError::Io(e)) => return Err(file_error(e)),
        other => other?,
    }
    w.flush().map_err(file_error)
}

/// Runs Graphviz `dot -T<format>` (e.g. `svg`, `png`) on `dot_text`, returning the rendered
/// bytes.
///
/// # Errors
/// [`ExportError::GraphvizMissing`] when `dot` is not on `PATH`; [`ExportError::GraphvizFailed`]
/// when it rejects the input.
pub fn render_dot(dot_text: &[u8], format: &str) -> Result<Vec<u8>, ExportError> {
    let mut child = match Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ExportError::GraphvizMissing),
        Err(e) => return Err(ExportError::Io(e)),
    };
    // Feed stdin from a thread: dot may fill its stdout pipe before reading all of its input.
    let mut stdin = child.stdin.take().ok_or_else(|| std::io::Error::other("no stdin for dot"))?;
    let input = dot_text.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output()?;
    let fed = feeder.join().unwrap_or_else(|_| Err(std::io::Error::other("dot input thread failed")));
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first: Vec<&str> = stderr.lines().take(3).collect();
        return Err(ExportError::GraphvizFailed { status: output.status.to_string(), stderr: first.join(" / ") });
    }
    fed?;
    Ok(output.stdout)
}
