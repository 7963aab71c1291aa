//! The body of `kg query`: run one Cypher statement against a graph file, print the result in
//! the chosen format, and save the graph atomically if the statement changed it. A missing
//! graph file is a new, empty graph, created only when the statement writes.

use std::io::{self, IsTerminal, Write};
use std::time::Instant;

use crate::cli::{OutputFormat, QueryArgs};
use crate::commands::params::parse_params;
use crate::error::{Error, Result};
use crate::render::{self, Format};
use crate::shell::session::ExecError;
use crate::shell::unknown::unknown_names;
use crate::shell::{terminal_width, Session};

/// The render format of a command-line format.
pub fn format_of(format: OutputFormat) -> Format {
    match format {
        OutputFormat::Table => Format::Table,
        OutputFormat::Vertical => Format::Vertical,
        OutputFormat::Csv => Format::Csv,
        OutputFormat::Tsv => Format::Tsv,
        OutputFormat::Json => Format::Json,
    }
}

/// Runs `kg query`.
///
/// # Errors
/// A bad `--param` ([`Error::Usage`]), the graph file's error, the query's error located in
/// `<query>`, or an output error.
pub fn run(args: &QueryArgs) -> Result<()> {
    let params = parse_params(&args.params)?;
    // The session takes the writer lock only if the statement writes, and saves (creating a
    // missing file) only if it changed the graph: a read of a new path leaves nothing behind.
    let mut session = Session::open(&args.graph)?;
    session.set_limits(args.limits.options());
    session.set_spinner(io::stderr().is_terminal());
    for (name, value) in params {
        session.set_param(name, value);
    }
    let started = Instant::now();
    let result = match session.execute(&args.query) {
        Ok(r) => r,
        Err(ExecError::Query(e)) => return Err(Error::query("<query>", args.query.clone(), e)),
        Err(ExecError::Save(e)) => return Err(e),
    };
    let elapsed = started.elapsed();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let format = format_of(args.format);
    let elapsed = format.is_for_people().then_some(elapsed);
    render::write_result(&mut out, &result, format, elapsed, terminal_width())?;
    out.flush()?;
    // For a person at a terminal, as the shell does; scripts reading stderr see nothing new.
    if io::stderr().is_terminal() {
        for warning in unknown_names(&args.query, session.graph()) {
            eprintln!("{warning}");
        }
    }
    Ok(())
}
