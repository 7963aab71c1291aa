//! Errors of the extraction layer: reading input files and loading lexicon data.
//!
//! Text problems that extraction can recover from (invalid UTF-8, empty files) are not errors:
//! they become [`crate::extract::Warning`]s next to the result.

use std::path::PathBuf;

/// What went wrong while reading input or lexicon files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// An input file or directory does not exist.
    #[error("{}: no such file or directory", path.display())]
    MissingFile {
        /// The path given by the user.
        path: PathBuf,
    },
    /// An input file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file being read.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file looks binary (contains NUL bytes) and was not read as text.
    #[error("{}: binary file skipped", path.display())]
    BinaryFile {
        /// The skipped file.
        path: PathBuf,
    },
    /// A lexicon data file has a line that cannot be parsed.
    #[error("{file}:{line}: {message}")]
    LexiconParse {
        /// The lexicon file name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What was expected.
        message: String,
    },
    /// A lexicon directory lacks one of the required files.
    #[error("{}: missing lexicon file (expected entities.txt, triggers.txt and markers.txt)", path.display())]
    LexiconMissing {
        /// The missing file.
        path: PathBuf,
    },
}
