//! The body of `kg build`.

use crate::cli::BuildArgs;
use crate::error::{Error, Result};

/// Runs `kg build`.
///
/// # Errors
/// Any error of the layers it calls.
pub fn run(args: &BuildArgs) -> Result<()> {
    let _ = args;
    Err(Error::Usage("kg build is not implemented yet".into()))
}
