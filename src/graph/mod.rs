//! The property graph model: [`Value`] with openCypher's comparison rules, and
//! [`PropertyGraph`], nodes and relationships on petgraph with indexmap indices.
//!
//! This is the bottom layer of kgraph: it names no other kgraph module. The store saves and
//! loads a `PropertyGraph`, the extractor merges entities into one, and the query engine reads
//! and writes one through the methods here.

mod error;
mod property_graph;
pub mod temporal;
mod value;

pub use error::GraphError;
pub(crate) use property_graph::CodecError;
pub use property_graph::{
    Adjacent, Direction, KeyId, LabelId, NodeId, PropertyGraph, RelId, RelTypeId, RemovedNode, RemovedRelationship,
    NAME_KEY,
};
pub use temporal::{Duration, Temporal};
pub use value::{
    clip, nesting, write_cypher_name, write_cypher_string, NodeValue, PathValue, PropertyMap, RelRef,
    RelationshipValue, Value, ValueRef, MAX_NESTING, QUOTE_LIMIT,
};
