//! The result of running a query: column names, rows of [`Value`]s, and counters of what the
//! query changed. Renderers and exporters take this type and never see the graph.

use crate::graph::Value;

/// Counters of the changes a query made, as the openCypher TCK's side-effect tables name them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueryStats {
    /// `+nodes`
    pub nodes_created: u64,
    /// `-nodes`
    pub nodes_deleted: u64,
    /// `+relationships`
    pub relationships_created: u64,
    /// `-relationships`
    pub relationships_deleted: u64,
    /// `+properties` (properties set, including overwrites)
    pub properties_set: u64,
    /// `-properties`
    pub properties_removed: u64,
    /// `+labels`
    pub labels_added: u64,
    /// `-labels`
    pub labels_removed: u64,
}

impl QueryStats {
    /// Whether the query changed the graph.
    pub fn contains_updates(&self) -> bool {
        *self != QueryStats::default()
    }
}

/// Columns and rows returned by a query.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryResult {
    /// Column names in `RETURN` order (empty for a query without `RETURN`).
    pub columns: Vec<String>,
    /// One entry per row, each as long as `columns`.
    pub rows: Vec<Vec<Value>>,
    /// What the query changed.
    pub stats: QueryStats,
    /// For `EXPLAIN` and `PROFILE`: the plan as text (with rows and times for `PROFILE`).
    pub plan: Option<String>,
}
