//! Errors of the graph layer: operations on a [`PropertyGraph`](super::PropertyGraph) that
//! cannot be applied.

use thiserror::Error;

/// An operation on the property graph that could not be applied.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum GraphError {
    /// The node id does not name a live node.
    #[error("node {0} does not exist")]
    NodeNotFound(u64),
    /// The relationship id does not name a live relationship.
    #[error("relationship {0} does not exist")]
    RelationshipNotFound(u64),
    /// A node with relationships was removed without detaching them.
    #[error("cannot delete node {id}: it still has {count} relationship(s); use DETACH DELETE")]
    NodeHasRelationships {
        /// The node that was to be removed.
        id: u64,
        /// How many relationships it still has.
        count: usize,
    },
    /// Nodes, relationships and paths cannot be stored as property values.
    #[error("property '{key}' cannot hold a value of type {type_name}")]
    InvalidPropertyValue {
        /// The property key.
        key: String,
        /// The offending value's type.
        type_name: &'static str,
    },
    /// A relationship type must be a non-empty name.
    #[error("a relationship must have exactly one non-empty type")]
    EmptyRelationshipType,
    /// The decoded graph refers to a label, type or key that does not exist.
    #[error("inconsistent graph data: {0}")]
    Inconsistent(String),
    /// A removed element could not get its id back: restores must come in the reverse order
    /// of the changes.
    #[error("{element} {id} cannot be restored under its id: restore removals newest first")]
    RestoreOutOfOrder {
        /// `node` or `relationship`.
        element: &'static str,
        /// The id it had.
        id: u64,
    },
    /// A temporal string or field is not valid (`date('2024-13-01')`, `{hour: 25}`).
    #[error("{0}")]
    InvalidTemporal(String),
    /// Temporal arithmetic or construction left the supported range (years -9999..9999).
    #[error("{0}")]
    TemporalOverflow(String),
}
