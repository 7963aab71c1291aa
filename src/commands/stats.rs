//! The body of `kg stats`.

use crate::cli::StatsArgs;
use crate::error::{Error, Result};

/// Runs `kg stats`.
///
/// # Errors
/// Any error of the layers it calls.
pub fn run(args: &StatsArgs) -> Result<()> {
    let _ = args;
    Err(Error::Usage("kg stats is not implemented yet".into()))
}
