//! Merge an [`Extraction`] into a property graph (placeholder until the graph API lands).

use super::Extraction;

/// Counts of what a merge changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeStats {
    /// Documents merged (not seen before).
    pub documents: usize,
    /// Documents skipped because their content hash was already in the graph.
    pub documents_skipped: usize,
    /// Sentences of the merged documents.
    pub sentences: usize,
    /// Entities created.
    pub entities_new: usize,
    /// Entity mentions merged into existing nodes.
    pub entities_merged: usize,
    /// Relationships created.
    pub relations_new: usize,
    /// Relation mentions merged into existing relationships.
    pub relations_merged: usize,
}

/// Placeholder.
pub fn merge_into(_x: &Extraction) -> MergeStats {
    MergeStats::default()
}
