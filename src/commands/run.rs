//! The body of `kg run`: run a script of `;`-separated statements (comments and meta-commands
//! allowed) against a graph file.
//!
//! Without `--keep-going` the first error stops the script with `FILE:LINE:COL: message` (in
//! the script, not the statement) and nothing is saved: the file is left as it was. With it,
//! every error is reported, a failed write statement is undone, and the rest runs. The graph is
//! saved atomically once, at the end, and only if a statement changed it. Statements that
//! return nothing print nothing; a one-line summary of all changes goes to stderr on save. A
//! missing graph file is a new, empty graph, created only when a statement writes (so an
//! exported Cypher script loads into a new graph, and a read-only script leaves no file).

use std::io::{self, IsTerminal, Read};

use crate::cli::RunArgs;
use crate::commands::params::parse_params;
use crate::commands::query::format_of;
use crate::error::{Error, Result};
use crate::render::table::describe_stats;
use crate::shell::script::strip_bom;
use crate::shell::{Session, Source};

/// Runs `kg run`.
///
/// # Errors
/// A bad `--param`, an unreadable script or graph, the first failing statement (located in the
/// script), [`Error::Failed`] after `--keep-going` when some failed, or a save error.
pub fn run(args: &RunArgs) -> Result<()> {
    let params = parse_params(&args.params)?;
    let (origin, text) = if args.script.as_os_str() == "-" {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text).map_err(|source| Error::Io { path: "<stdin>".into(), source })?;
        ("<stdin>".to_string(), text)
    } else {
        let text =
            std::fs::read_to_string(&args.script).map_err(|source| Error::Io { path: args.script.clone(), source })?;
        (args.script.display().to_string(), text)
    };
    let mut session = Session::open(&args.graph)?;
    session.set_autosave(false);
    session.set_save_at_end(true);
    session.set_quiet_writes(true);
    session.set_format(format_of(args.format));
    session.set_width(crate::shell::terminal_width());
    session.set_echo(args.echo);
    session.set_spinner(std::io::stderr().is_terminal());
    for (name, value) in params {
        session.set_param(name, value);
    }
    let source = Source::new(origin, strip_bom(text));
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let outcome = session.run_script(&source, args.keep_going, &mut out)?;
    if session.is_dirty() {
        session.save()?;
        let changes = describe_stats(session.changes());
        eprintln!("{}: {changes}", args.graph.display());
    }
    if outcome.errors > 0 {
        return Err(Error::Failed(format!(
            "{} of {} statements failed in {}",
            outcome.errors, outcome.items, source.origin
        )));
    }
    Ok(())
}
