//! The integration tests of kgraph, one module per purpose, all in one test binary.

mod cli;
mod eval;
mod export;
mod extraction;
mod heldout;
mod parse_errors;
mod parse_roundtrip;
mod plans;
mod query;
mod readme;
mod robustness;
mod run;
mod scale_out;
mod shell;
mod store;
mod tck;
mod util;
