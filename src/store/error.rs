//! Errors of the store layer: a graph file that cannot be read, written or locked.

use std::path::PathBuf;

use thiserror::Error;

/// Errors reading, writing or locking a graph file. Every message starts with the file's path.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// An I/O error on the file (or its temporary file, lock file or directory).
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The graph file does not exist (and the command needs one).
    #[error("{}: graph file not found; create it with `kg build`, `kg import`, `kg gen` or a write in `kg query`", .path.display())]
    NotFound {
        /// The missing file.
        path: PathBuf,
    },
    /// The file does not start with the kgraph magic bytes.
    #[error("{}: not a kgraph graph file (it does not start with the KGRAPH header)", .path.display())]
    NotKgraph {
        /// The file.
        path: PathBuf,
    },
    /// The file was written by a newer kgraph with a format this one cannot read.
    #[error(
        "{}: graph file format version {found} is newer than this kg supports (version {supported}); \
         upgrade kgraph to read it",
        .path.display()
    )]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// The header names a format version that never existed.
    #[error("{}: graph file has unknown format version {found}; the file is damaged", .path.display())]
    UnknownVersion {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
    },
    /// The file is shorter than its header says: an interrupted copy or a damaged disk.
    #[error(
        "{}: truncated graph file: expected {expected} bytes, found {found}; restore it from a copy \
         or rebuild it",
        .path.display()
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// The length the header announces (or the header's own length).
        expected: u64,
        /// The actual length.
        found: u64,
    },
    /// The file is longer than its header says.
    #[error("{}: graph file has {extra} unexpected bytes after the payload; the file is damaged", .path.display())]
    TrailingBytes {
        /// The file.
        path: PathBuf,
        /// How many bytes follow the payload.
        extra: u64,
    },
    /// The payload does not match its checksum: the file was damaged after it was written.
    #[error(
        "{}: graph file is corrupt: checksum mismatch (stored {stored:#010x}, computed {computed:#010x}); \
         restore it from a copy or rebuild it",
        .path.display()
    )]
    ChecksumMismatch {
        /// The file.
        path: PathBuf,
        /// The checksum in the header.
        stored: u32,
        /// The checksum of the payload as read.
        computed: u32,
    },
    /// The payload passed the checksum but does not decode to a graph.
    #[error("{}: graph file payload cannot be decoded: {message}", .path.display())]
    Undecodable {
        /// The file.
        path: PathBuf,
        /// What the decoder reported.
        message: String,
    },
    /// The graph could not be encoded (only for graphs too large for the format).
    #[error("{}: cannot encode the graph: {message}", .path.display())]
    Unencodable {
        /// The file.
        path: PathBuf,
        /// What the encoder reported.
        message: String,
    },
    /// Another process holds the writer lock of this graph.
    #[error(
        "{}: graph is locked by another process ({}); try again when it ends",
        .path.display(),
        if .holder.is_empty() { "a kg command writing it" } else { .holder.as_str() }
    )]
    Locked {
        /// The graph file.
        path: PathBuf,
        /// Who holds it, as its lock file says (`pid 1234: kg shell -g g.kg`), or empty.
        holder: String,
    },
    /// Another writer saved the file after this graph was loaded; saving would lose its changes.
    #[error("{}: graph file was changed by another kg command since it was loaded; not saved (reopen it and redo the change)", .path.display())]
    ChangedOnDisk {
        /// The graph file.
        path: PathBuf,
    },
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> StoreError {
        StoreError::Io { path: path.into(), source }
    }
}
