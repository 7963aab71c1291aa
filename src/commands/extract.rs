//! The body of `kg extract`.

use crate::cli::ExtractArgs;
use crate::error::{Error, Result};

/// Runs `kg extract`.
///
/// # Errors
/// Any error of the layers it calls.
pub fn run(args: &ExtractArgs) -> Result<()> {
    let _ = args;
    Err(Error::Usage("kg extract is not implemented yet".into()))
}
