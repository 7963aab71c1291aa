//! The body of `kg query`.

use crate::cli::QueryArgs;
use crate::error::{Error, Result};

/// Runs `kg query`.
///
/// # Errors
/// Any error of the layers it calls.
pub fn run(args: &QueryArgs) -> Result<()> {
    let _ = args;
    Err(Error::Usage("kg query is not implemented yet".into()))
}
