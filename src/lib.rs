//! kgraph turns Arabic and English conflict news into a property graph you can query with an
//! openCypher subset.
//!
//! ```text
//! text ──extract──▶ Extraction ──merge──▶ PropertyGraph ◀──load/save──▶ .kg file (store)
//!                                              │
//!              Cypher ──query (parse → plan → exec)──▶ QueryResult ──render──▶ table|csv|json
//!                                              └──export──▶ dot|cypher|graphml|jsonl|csv
//! ```
//!
//! Modules, lowest first: [`graph`] (the model), [`store`] (the file), [`extract`] (text →
//! relations), [`query`] (Cypher), [`render`] and [`export`] (output), [`shell`] and
//! [`commands`] (front ends). Lower modules never name higher ones.

pub mod cli;
pub mod commands;
pub mod error;
pub mod eval;
pub mod export;
pub mod extract;
pub mod graph;
pub mod import;
pub mod query;
pub mod render;
pub mod shell;
pub mod store;
pub mod synth;

pub use error::{Error, Result};
pub use graph::{PropertyGraph, Value};
