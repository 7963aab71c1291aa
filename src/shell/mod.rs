//! The interactive shell (rustyline): completion, hints, highlighting, multi-line statements,
//! meta-commands, persistent history, Ctrl-C that cancels the line or the running query, and the
//! non-interactive mode that reads statements from stdin when it is not a terminal.
//!
//! [`session`] holds what the shell and `kg run` share (the open graph, settings, running
//! statements and meta-commands); [`script`] splits text into statements; [`complete`],
//! [`helper`] and [`meta`] serve the editor; [`unknown`] warns about names the graph does not
//! have. The shell is a front end, like `main.rs`: it uses
//! query, render and store, and nothing below names it.

pub mod complete;
pub mod helper;
pub mod interactive;
pub mod meta;
pub mod script;
pub mod session;
pub mod unknown;

pub use interactive::{history_path, run_interactive, run_piped, terminal_width};
pub use session::{Flow, Session, Source};
