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

impl std::ops::AddAssign<&QueryStats> for QueryStats {
    fn add_assign(&mut self, s: &QueryStats) {
        self.nodes_created += s.nodes_created;
        self.nodes_deleted += s.nodes_deleted;
        self.relationships_created += s.relationships_created;
        self.relationships_deleted += s.relationships_deleted;
        self.properties_set += s.properties_set;
        self.properties_removed += s.properties_removed;
        self.labels_added += s.labels_added;
        self.labels_removed += s.labels_removed;
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
