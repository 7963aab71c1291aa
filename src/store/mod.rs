//! The `.kg` graph file: one [`PropertyGraph`](crate::graph::PropertyGraph) per file.
//!
//! A file is a fixed header (magic, format version, payload length, CRC-32) followed by the graph
//! in its own compact layout (see [`format`](mod@format); files of format version 1, bincode, are still
//! read). [`load`] checks the header before decoding and checks every count inside the payload,
//! so a damaged or hostile file ends in a [`StoreError`], never a panic or a huge allocation. Saves are atomic (temporary file, fsync,
//! rename, fsync of the directory). Writers hold an advisory lock through [`GraphFile`];
//! readers use [`load`] and never wait.
//!
//! This module knows nothing of queries, extraction or the command line.
//!
//! ```no_run
//! use kgraph::store::{self, GraphFile, OpenMode};
//! use kgraph::Value;
//!
//! # fn main() -> Result<(), kgraph::store::StoreError> {
//! let mut file = GraphFile::open("graphs/sahel.kg", OpenMode::CreateIfMissing)?;
//! file.graph_mut().add_node(["Place"], [("name", Value::from("Gao"))]).expect("valid node");
//! file.save()?;
//! drop(file); // releases the lock
//! let graph = store::load("graphs/sahel.kg".as_ref())?;
//! assert!(!graph.nodes_by_name("Gao").is_empty());
//! # Ok(())
//! # }
//! ```

mod error;
mod file;
pub mod format;

pub use error::StoreError;
pub use file::{load, load_with_info, save, FileInfo, GraphFile, OpenMode};
pub use format::FORMAT_VERSION;
