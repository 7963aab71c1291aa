//! The body of `kg export`: load the graph, optionally run `--query` on it (the file is never
//! changed), build the [`Subgraph`] to export, and write it to `-o` or standard output,
//! optionally rendered by Graphviz (`--render svg|png`).

use std::io::Write;

use crate::cli::{ExportArgs, ExportFormat, RenderFormat};
use crate::error::{Error, Result};
use crate::export::{self, ExportError, Format, Subgraph};
use crate::query::{self, ExecOptions, Params};

/// The export format for a CLI format.
pub fn format_of(f: ExportFormat) -> Format {
    match f {
        ExportFormat::Dot => Format::Dot,
        ExportFormat::Cypher => Format::Cypher,
        ExportFormat::Graphml => Format::Graphml,
        ExportFormat::Jsonl => Format::Jsonl,
        ExportFormat::Csv => Format::Csv,
    }
}

/// Runs `kg export`.
///
/// # Errors
/// Bad option combinations, a graph that cannot be loaded, a failing `--query`, Graphviz
/// missing or failing, or an output that cannot be written.
pub fn run(args: &ExportArgs) -> Result<()> {
    let format = format_of(args.format);
    if args.render.is_some() && format != Format::Dot {
        return Err(ExportError::RenderNeedsDot(format).into());
    }
    if format == Format::Csv && args.output.is_none() {
        return Err(ExportError::CsvNeedsDirectory.into());
    }
    let mut graph = crate::store::load(&args.graph)?;
    let result = match &args.query {
        Some(q) => Some(
            query::execute(&mut graph, q, &Params::new(), &ExecOptions::user_defaults())
                .map_err(|e| Error::query("<query>", q.as_str(), e))?,
        ),
        None => None,
    };
    let sub = match &result {
        Some(r) => {
            let mut sub = Subgraph::from_result(r);
            sub.fill_endpoints(&graph);
            sub
        }
        None => Subgraph::from_graph(&graph),
    };

    if let Some(render) = args.render {
        let mut dot = Vec::new();
        export::write_dot(&sub, &mut dot, &export::DotOptions::default())?;
        let image = export::render_dot(&dot, render_name(render))?;
        return match &args.output {
            Some(path) => std::fs::write(path, image).map_err(|source| Error::Io { path: path.clone(), source }),
            None => write_stdout(&image),
        };
    }
    match &args.output {
        Some(path) => Ok(export::export_to_path(&sub, format, path)?),
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match export::export_to_writer(&sub, format, &mut out) {
                // Standard output errors go through Error::Output so a closed pipe ends quietly.
                Err(ExportError::Io(e)) => Err(Error::Output(e)),
                other => Ok(other?),
            }?;
            out.flush().map_err(Error::Output)
        }
    }
}

fn render_name(r: RenderFormat) -> &'static str {
    match r {
        RenderFormat::Svg => "svg",
        RenderFormat::Png => "png",
    }
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush()).map_err(Error::Output)
}
