//! The body of `kg shell`: open the graph (or an in-memory one), then read statements from the
//! terminal with the interactive editor, or from stdin when it is not a terminal.

use std::io::IsTerminal;

use crate::cli::ShellArgs;
use crate::commands::params::parse_params;
use crate::commands::query::format_of;
use crate::error::Result;
use crate::shell::{self, Session};

/// Runs `kg shell`.
///
/// # Errors
/// A bad `--param` ([`crate::Error::Usage`]), a graph file that cannot be read; in non-interactive mode, failed statements
/// ([`crate::Error::Failed`]); a terminal failure.
pub fn run(args: &ShellArgs) -> Result<()> {
    let params = parse_params(&args.params)?;
    let mut session = match &args.graph {
        Some(path) => Session::open(path)?,
        None => Session::in_memory(),
    };
    session.set_limits(args.limits.options());
    session.set_format(format_of(args.format));
    for (name, value) in params {
        session.set_param(name, value);
    }
    if std::io::stdin().is_terminal() {
        session.set_timing(true);
        session.set_spinner(std::io::stderr().is_terminal());
        session.set_width(shell::terminal_width());
        shell::run_interactive(&mut session)
    } else {
        session.set_autosave(false);
        session.set_save_at_end(true);
        session.set_quiet_writes(true);
        shell::run_piped(&mut session)
    }
}
