//! Exports of a whole graph or a query result: DOT, Cypher script, GraphML, JSON Lines, CSV.

use thiserror::Error;

/// Errors of the export layer.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExportError {
    /// Writing the output failed.
    #[error("cannot write export: {0}")]
    Io(#[from] std::io::Error),
}
