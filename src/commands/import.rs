//! The body of `kg import`.

use crate::cli::ImportArgs;
use crate::error::{Error, Result};

/// Runs `kg import`.
///
/// # Errors
/// Any error of the layers it calls.
pub fn run(args: &ImportArgs) -> Result<()> {
    let _ = args;
    Err(Error::Usage("kg import is not implemented yet".into()))
}
