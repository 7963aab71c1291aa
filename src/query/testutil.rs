//! Helpers for the query engine's unit tests: build small graphs with `CREATE` statements and
//! run queries, reading results as Cypher text.

use crate::graph::PropertyGraph;

use super::{execute, ExecOptions, Params, QueryError, QueryResult};

/// A graph made by running `create` (skipped when empty).
pub fn graph(create: &str) -> PropertyGraph {
    let mut g = PropertyGraph::new();
    if !create.is_empty() {
        if let Err(e) = execute(&mut g, create, &Params::new(), &ExecOptions::default()) {
            panic!("setup failed: {}", e.render("<setup>", create));
        }
    }
    g
}

/// Runs `query`, returning the result or the error.
pub fn run(g: &mut PropertyGraph, query: &str) -> Result<QueryResult, QueryError> {
    execute(g, query, &Params::new(), &ExecOptions::default())
}

/// Runs `query` and renders each row as its values in Cypher notation, joined by `, `.
pub fn rows(g: &mut PropertyGraph, query: &str) -> Vec<String> {
    match run(g, query) {
        Ok(r) => r.rows.iter().map(|row| row.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")).collect(),
        Err(e) => panic!("query failed: {}", e.render("<query>", query)),
    }
}

/// Runs `query` expecting an error; returns its `Kind (Detail)` label.
pub fn error(g: &mut PropertyGraph, query: &str) -> String {
    match run(g, query) {
        Ok(r) => panic!("expected an error, got {:?}", r.rows),
        Err(e) => e.kind_label(),
    }
}
