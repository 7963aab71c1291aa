//! Command bodies, one file per `kg` subcommand, kept in the library so tests and the shell can
//! reuse them. `main.rs` only parses arguments and calls [`run`].

pub mod build;
pub mod eval;
pub mod export;
pub mod extract;
pub mod gen;
pub mod import;
pub mod params;
pub mod query;
pub mod run;
pub mod shell;
pub mod stats;

use crate::cli::Command;
use crate::error::Result;

/// Runs one parsed command line.
///
/// # Errors
/// The command's error; the caller prints it and maps it to an exit code.
pub fn run(command: &Command) -> Result<()> {
    match command {
        Command::Extract(a) => extract::run(a),
        Command::Build(a) => build::run(a),
        Command::Import(a) => import::run(a),
        Command::Query(a) => query::run(a),
        Command::Run(a) => run::run(a),
        Command::Shell(a) => shell::run(a),
        Command::Export(a) => export::run(a),
        Command::Stats(a) => stats::run(a),
        Command::Gen(a) => gen::run(a),
        Command::Eval(a) => eval::run(a),
    }
}
