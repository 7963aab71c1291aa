//! The body of `kg export`: load the graph, optionally run `--query` on it (the file is never
//! changed), build the [`Subgraph`] to export, and write it with [`write_export`], which the
//! shell's `:export` shares: to `-o` or standard output, optionally drawn by Graphviz
//! (`--render svg|png`, or `-o picture.svg`), the picture written beside the DOT file.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{ExportArgs, ExportFormat, RenderFormat};
use crate::error::{Error, Result};
use crate::export::{self, DotOptions, ExportError, Format, Subgraph};
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

/// The Graphviz output format a picture file's extension names (`svg`, `png`).
pub fn render_of_path(path: &Path) -> Option<RenderFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "svg" => Some(RenderFormat::Svg),
        "png" => Some(RenderFormat::Png),
        _ => None,
    }
}

/// Parses a `--render` value as the shell takes it.
pub fn parse_render(name: &str) -> Option<RenderFormat> {
    render_of_path(Path::new(&format!("x.{name}")))
}

/// What [`write_export`] is asked to write.
#[derive(Clone, Debug)]
pub struct ExportTarget<'a> {
    /// The format.
    pub format: Format,
    /// The file (directory for CSV); standard output when `None`.
    pub output: Option<&'a Path>,
    /// Draw the DOT with Graphviz in this format.
    pub render: Option<RenderFormat>,
    /// DOT options.
    pub dot: DotOptions,
}

/// Writes `sub` as `target` says and returns the files written. With `render` and an output
/// named for the DOT, the DOT is written there and the picture beside it with the picture's
/// extension; an output already named `.svg`/`.png` (with `--format dot`) receives the picture
/// only.
///
/// # Errors
/// [`Error::Usage`] (exit 2) for `render` with a format other than DOT or CSV without a
/// directory; Graphviz missing or failing; an output that cannot be written.
pub fn write_export(sub: &Subgraph<'_>, target: &ExportTarget<'_>) -> Result<Vec<PathBuf>> {
    let (render, picture_named) = check_target(target)?;
    let Some(render) = render else {
        return match target.output {
            Some(dir) if target.format == Format::Csv => {
                export::write_csv(sub, dir)?;
                Ok(vec![dir.to_path_buf()])
            }
            Some(path) => {
                write_dot_or(sub, target, &mut create_file(path)?).map_err(|e| file_error(path, e))?;
                Ok(vec![path.to_path_buf()])
            }
            None => {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                match write_dot_or(sub, target, &mut out) {
                    // Standard output errors go through Error::Output so a closed pipe ends quietly.
                    Err(ExportError::Io(e)) => Err(Error::Output(e)),
                    other => Ok(other?),
                }?;
                out.flush().map_err(Error::Output)?;
                Ok(Vec::new())
            }
        };
    };
    let mut dot = Vec::new();
    export::write_dot(sub, &mut dot, &target.dot)?;
    let image = export::render_dot(&dot, render_name(render))?;
    let Some(path) = target.output else {
        let mut out = std::io::stdout().lock();
        out.write_all(&image).and_then(|()| out.flush()).map_err(Error::Output)?;
        return Ok(Vec::new());
    };
    let write =
        |p: &Path, bytes: &[u8]| std::fs::write(p, bytes).map_err(|source| Error::Io { path: p.into(), source });
    if picture_named {
        write(path, &image)?;
        return Ok(vec![path.to_path_buf()]);
    }
    let picture = path.with_extension(render_name(render));
    write(path, &dot)?;
    write(&picture, &image)?;
    Ok(vec![path.to_path_buf(), picture])
}

/// Checks the combination of options and returns the picture format to draw, if any, and
/// whether the output is itself the picture.
///
/// # Errors
/// [`Error::Usage`] for a combination that cannot work.
pub fn check_target(target: &ExportTarget<'_>) -> Result<(Option<RenderFormat>, bool)> {
    let format = target.format;
    if target.render.is_some() && format != Format::Dot {
        return Err(Error::Usage(ExportError::RenderNeedsDot(format).to_string()));
    }
    if format == Format::Csv && target.output.is_none() {
        return Err(Error::Usage(ExportError::CsvNeedsDirectory.to_string()));
    }
    let named = target.output.and_then(render_of_path).filter(|_| format == Format::Dot);
    match (target.render, named) {
        (Some(asked), Some(named)) if asked != named => Err(Error::Usage(format!(
            "--render {} but the output names a .{} file",
            render_name(asked),
            render_name(named)
        ))),
        (asked, named_as) => Ok((asked.or(named_as), named.is_some())),
    }
}

/// Creates the output file, refusing a directory with a clear message.
fn create_file(path: &Path) -> Result<std::io::BufWriter<std::fs::File>> {
    if path.is_dir() {
        let e = std::io::Error::new(std::io::ErrorKind::InvalidInput, "is a directory; give a file name");
        return Err(Error::Io { path: path.into(), source: e });
    }
    let file = std::fs::File::create(path).map_err(|source| Error::Io { path: path.into(), source })?;
    Ok(std::io::BufWriter::new(file))
}

/// DOT with the target's options; any other single-stream format as it writes.
fn write_dot_or(sub: &Subgraph<'_>, target: &ExportTarget<'_>, w: &mut impl Write) -> Result<(), ExportError> {
    match target.format {
        Format::Dot => export::write_dot(sub, w, &target.dot)?,
        format => export::export_to_writer(sub, format, w)?,
    }
    w.flush()?;
    Ok(())
}

fn file_error(path: &Path, e: ExportError) -> Error {
    match e {
        ExportError::Io(source) => Error::Io { path: path.into(), source },
        other => other.into(),
    }
}

/// Runs `kg export`.
///
/// # Errors
/// Bad option combinations, a graph that cannot be loaded, a failing `--query`, Graphviz
/// missing or failing, or an output that cannot be written.
pub fn run(args: &ExportArgs) -> Result<()> {
    let format = format_of(args.format);
    if format != Format::Dot && (args.connected || args.legend) {
        return Err(Error::Usage("--connected and --legend need --format dot".into()));
    }
    let target = ExportTarget {
        format,
        output: args.output.as_deref(),
        render: args.render,
        dot: DotOptions { connected_only: args.connected, legend: args.legend, ..DotOptions::default() },
    };
    // Checked again by write_export; failing before loading a large graph is kinder.
    check_target(&target)?;
    let mut graph = crate::store::load(&args.graph)?;
    let result = match &args.query {
        Some(q) => Some(
            query::execute(&mut graph, q, &Params::new(), &ExecOptions::default())
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
    write_export(&sub, &target).map(|_| ())
}

/// The name Graphviz gives the format (`-Tsvg`) and the picture's extension.
pub fn render_name(r: RenderFormat) -> &'static str {
    match r {
        RenderFormat::Svg => "svg",
        RenderFormat::Png => "png",
    }
}
