//! The crate-level error: one variant per layer, converted at the edge (the CLI, the shell) into
//! a message and an exit code.

use std::path::PathBuf;

use thiserror::Error;

use crate::extract::ExtractError;
use crate::graph::GraphError;
use crate::query::QueryError;
use crate::store::StoreError;

/// Any error a kgraph command can end with.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// A graph operation failed.
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// Reading or writing a .kg file failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Extraction from text failed.
    #[error(transparent)]
    Extract(#[from] ExtractError),
    /// A query failed, with the text its span points into.
    #[error("{}", .0.error.first_line(&.0.origin, &.0.text))]
    Query(Box<QueryFailure>),
    /// Exporting failed.
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    /// An I/O error on a named file.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// Writing to standard output failed (a closed pipe ends the program quietly).
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    /// Bad input from the user that no layer owns (e.g. a malformed `--param`).
    #[error("{0}")]
    Usage(String),
    /// Some inputs failed; each failure was already reported on stderr.
    #[error("{0}")]
    Failed(String),
}

impl Error {
    /// The process exit code for this error: 2 for bad arguments, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }

    /// The full message for a terminal: the first line, then for query errors the source line,
    /// a caret under the span and a help line.
    pub fn render(&self) -> String {
        match self {
            Error::Query(f) => f.error.render(&f.origin, &f.text),
            other => other.to_string(),
        }
    }

    /// Whether this is a closed output pipe, which ends the program quietly with success.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// A query error with what is needed to point at its line and column.
#[derive(Debug)]
pub struct QueryFailure {
    /// Where the text came from: `<query>`, `<stdin>` or a script path.
    pub origin: String,
    /// The full text the error's span points into.
    pub text: String,
    /// The error itself.
    pub error: QueryError,
}

impl Error {
    /// Wraps a query error with its origin and text.
    pub fn query(origin: impl Into<String>, text: impl Into<String>, error: QueryError) -> Error {
        Error::Query(Box::new(QueryFailure { origin: origin.into(), text: text.into(), error }))
    }
}

/// The result type of kgraph commands.
pub type Result<T, E = Error> = std::result::Result<T, E>;
