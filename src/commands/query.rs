//! The body of `kg query`: run one Cypher statement against a graph file, print the result in
//! the chosen format, and save the graph atomically if the statement changed it.

use std::io::{self, Write};
use std::time::Instant;

use crate::cli::{OutputFormat, QueryArgs};
use crate::error::{Error, Result};
use crate::graph::PropertyGraph;
use crate::query::{self, Params};
use crate::render::{self, Format};
use crate::shell::script::may_write;
use crate::shell::session::parse_param_arg;
use crate::store::{self, GraphFile, OpenMode};

/// The render format of a command-line format.
pub fn format_of(format: OutputFormat) -> Format {
    match format {
        OutputFormat::Table => Format::Table,
        OutputFormat::Csv => Format::Csv,
        OutputFormat::Json => Format::Json,
    }
}

/// Parses every `--param NAME=VALUE`.
///
/// # Errors
/// [`Error::Usage`] (exit 2) for the first malformed one.
pub fn parse_params(args: &[String]) -> Result<Params> {
    let mut params = Params::new();
    for arg in args {
        let (name, value) = parse_param_arg(arg)?;
        params.insert(name, value);
    }
    Ok(params)
}

/// Runs `kg query`.
///
/// # Errors
/// A bad `--param` ([`Error::Usage`]), the graph file's error, the query's error located in
/// `<query>`, or an output error.
pub fn run(args: &QueryArgs) -> Result<()> {
    let params = parse_params(&args.params)?;
    // A statement that may write holds the writer lock from load to save; a read takes none.
    let mut file = if may_write(&args.query) { Some(GraphFile::open(&args.graph, OpenMode::MustExist)?) } else { None };
    let mut read_only = PropertyGraph::new();
    if file.is_none() {
        read_only = store::load(&args.graph)?;
    }
    let graph = match &mut file {
        Some(f) => f.graph_mut(),
        None => &mut read_only,
    };
    let started = Instant::now();
    let result = query::execute(graph, &args.query, &params, &args.limits.options())
        .map_err(|e| Error::query("<query>", args.query.clone(), e))?;
    let elapsed = started.elapsed();
    if result.stats.contains_updates() {
        match &mut file {
            Some(f) => f.save()?,
            None => store::save(&args.graph, &read_only)?,
        }
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let format = format_of(args.format);
    render::write_result(&mut out, &result, format, (format == Format::Table).then_some(elapsed))?;
    out.flush()?;
    Ok(())
}
