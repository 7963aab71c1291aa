//! The `.kg` graph file: header (magic, format version, payload length, checksum), bincode 2
//! payload decoded with a size limit, atomic save (temp file, fsync, rename, fsync directory),
//! and an advisory lock held by writers.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::graph::PropertyGraph;

/// Errors reading, writing or locking a graph file.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// An I/O error on the file.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// Loads a graph file.
///
/// # Errors
/// Any [`StoreError`].
pub fn load(path: &Path) -> Result<PropertyGraph, StoreError> {
    Err(StoreError::Io { path: path.to_path_buf(), source: std::io::Error::other("store not built yet") })
}

/// Saves a graph atomically.
///
/// # Errors
/// Any [`StoreError`].
pub fn save(path: &Path, graph: &PropertyGraph) -> Result<(), StoreError> {
    let _ = graph;
    Err(StoreError::Io { path: path.to_path_buf(), source: std::io::Error::other("store not built yet") })
}
