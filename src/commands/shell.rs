//! The body of `kg shell`.

use crate::cli::ShellArgs;
use crate::error::{Error, Result};

/// Runs `kg shell`.
///
/// # Errors
/// Any error of the layers it calls.
pub fn run(args: &ShellArgs) -> Result<()> {
    let _ = args;
    Err(Error::Usage("kg shell is not implemented yet".into()))
}
