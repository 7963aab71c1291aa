//! Extraction: Arabic and English news text → entities and relations with provenance.

use thiserror::Error;

/// Errors of the extraction layer.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// Placeholder until the pipeline lands.
    #[error("extraction is not built yet")]
    NotBuilt,
}
