//! `kg`: parse the command line, run the command, print one error, exit with its code
//! (0 ok, 1 user error, 2 bad arguments).

use std::process::ExitCode;

use clap::Parser;
use kgraph::cli::Cli;
use kgraph::query::exec::limits::CountingAlloc;

// Counts live bytes so a query can stop at its memory budget instead of the process aborting.
#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// The stack of the thread that runs the command. Queries, values and files nest at most a few
/// hundred levels (the parser and decoders cap them), and each level of the recursive passes
/// can take tens of kilobytes in a debug build: more than the main thread's 8 MiB. Only the
/// pages used are committed.
const STACK_BYTES: usize = 256 << 20;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout with success, usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let command = cli.command;
    let outcome = std::thread::Builder::new()
        .name("kg".into())
        .stack_size(STACK_BYTES)
        .spawn(move || kgraph::commands::run(&command));
    let result = match outcome.map(|worker| worker.join()) {
        Ok(Ok(result)) => result,
        // A panic's message is already on stderr.
        Ok(Err(_)) => return ExitCode::from(101),
        Err(e) => {
            eprintln!("kg: cannot start a thread for the command: {e}");
            return ExitCode::from(1);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`kg query ... | head`) is the reader's choice, not an error.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", e.render());
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
