//! The body of `kg run`.

use crate::cli::RunArgs;
use crate::error::{Error, Result};

/// Runs `kg run`.
///
/// # Errors
/// Any error of the layers it calls.
pub fn run(args: &RunArgs) -> Result<()> {
    let _ = args;
    Err(Error::Usage("kg run is not implemented yet".into()))
}
