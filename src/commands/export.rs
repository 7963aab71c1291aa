//! The body of `kg export`.

use crate::cli::ExportArgs;
use crate::error::{Error, Result};

/// Runs `kg export`.
///
/// # Errors
/// Any error of the layers it calls.
pub fn run(args: &ExportArgs) -> Result<()> {
    let _ = args;
    Err(Error::Usage("kg export is not implemented yet".into()))
}
