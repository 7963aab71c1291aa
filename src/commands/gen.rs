//! The body of `kg gen`.

use crate::cli::GenArgs;
use crate::error::{Error, Result};

/// Runs `kg gen`.
///
/// # Errors
/// Any error of the layers it calls.
pub fn run(args: &GenArgs) -> Result<()> {
    let _ = args;
    Err(Error::Usage("kg gen is not implemented yet".into()))
}
