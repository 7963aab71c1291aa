//! `kg`: parse the command line, run the command, print one error, exit with its code
//! (0 ok, 1 user error, 2 bad arguments).

use std::process::ExitCode;

use clap::Parser;
use kgraph::cli::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout with success, usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match kgraph::commands::run(&cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`kg query ... | head`) is the reader's choice, not an error.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", e.render());
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
