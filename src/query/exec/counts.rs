//! Counts read off the graph's indices instead of counted row by row: relationships per type
//! ([`LogicalOp::TypeCounts`]), a product of index sizes ([`LogicalOp::CountProduct`]) and
//! degrees from one pass over the relationships ([`LogicalOp::Degrees`]). The rewrite that plans them
//! (`plan::rewrite::answer_from_indexes`) only does so at the start of a statement, so each
//! runs once, on the one empty input row, and yields what the pattern and the aggregate it
//! replaces would have: the same rows, in the same order for degrees.

use crate::graph::{Direction, NodeId, RelTypeId, Value};
use crate::query::error::QueryError;
use crate::query::eval::{node_ref, Env};
use crate::query::plan::{CountFactor, ScanSource};

use super::Row;

/// Checks the guard once per this many relationships.
const CHECK_EVERY: usize = 4096;

fn count_row(key: Option<Value>, n: usize, aggs: usize) -> Row {
    let n = Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
    key.into_iter().chain(std::iter::repeat_n(n, aggs)).collect()
}

/// One row per relationship type in use: the name, then its count `aggs` times.
pub fn type_counts(aggs: usize, env: &Env) -> Vec<Row> {
    env.graph.rel_type_counts().map(|(t, n)| count_row(Some(Value::from(t)), n, aggs)).collect()
}

/// The number of relationships of any of `types` (all of them when empty; a name given twice
/// counts once).
fn rel_count(types: &[String], env: &Env) -> usize {
    if types.is_empty() {
        return env.graph.relationship_count();
    }
    let mut seen: Vec<&str> = Vec::new();
    types
        .iter()
        .filter(|t| {
            let new = !seen.contains(&t.as_str());
            seen.push(t);
            new
        })
        .map(|t| env.graph.rel_type_count(t))
        .sum()
}

/// One row: the product of the factors' sizes, `aggs` times.
pub fn count_product(factors: &[CountFactor], aggs: usize, env: &Env) -> Vec<Row> {
    let total = factors.iter().fold(1usize, |acc, f| {
        let n = match f {
            CountFactor::Nodes(None) => env.graph.node_count(),
            CountFactor::Nodes(Some(l)) => env.graph.label_count(l),
            CountFactor::Rels(types) => rel_count(types, env),
        };
        acc.saturating_mul(n)
    });
    vec![count_row(None, total, aggs)]
}

/// Per node of `source` with at least one relationship in `dir` of one of `types`: the node,
/// then that number `aggs` times. The degrees come from one pass over the relationships (in
/// storage order, which reads memory front to back) rather than a walk of each node's
/// adjacency lists; a self-loop counts once in both directions, as [`Direction::Both`] in
/// `relationships_of` reports it.
///
/// # Errors
/// Cancellation.
pub fn degrees(
    source: &ScanSource,
    dir: Direction,
    types: &[String],
    aggs: usize,
    env: &Env,
) -> Result<Vec<Row>, QueryError> {
    let graph = env.graph;
    let wanted: Option<Vec<RelTypeId>> =
        (!types.is_empty()).then(|| types.iter().filter_map(|t| graph.rel_type_id(t)).collect());
    let bound = graph.node_ids().last().map_or(0, |n| n.0 as usize + 1);
    let mut degree = vec![0usize; bound];
    for (i, rel) in graph.relationship_ids().enumerate() {
        if i % CHECK_EVERY == 0 {
            env.guard.check()?;
        }
        if wanted.as_ref().is_some_and(|ts| !graph.rel_type_id_of(rel).is_some_and(|t| ts.contains(&t))) {
            continue;
        }
        let Some((s, e)) = graph.endpoints(rel) else { continue };
        let (s, e) = (s.0 as usize, e.0 as usize);
        match dir {
            Direction::Outgoing => degree[s] += 1,
            Direction::Incoming => degree[e] += 1,
            Direction::Both => {
                degree[s] += 1;
                if s != e {
                    degree[e] += 1;
                }
            }
        }
    }
    let nodes: Box<dyn Iterator<Item = NodeId>> = match source {
        ScanSource::Label(l) => Box::new(graph.nodes_with_label(l)),
        _ => Box::new(graph.node_ids()),
    };
    Ok(nodes
        .filter_map(|id| {
            let n = degree.get(id.0 as usize).copied().unwrap_or(0);
            (n > 0).then(|| count_row(Some(node_ref(id)), n, aggs))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{graph, rows, run};

    const GRAPH: &str = "CREATE (a:A {name: 'a'})-[:X]->(b:B {name: 'b'}), (a)-[:X]->(b), (b)-[:Y]->(a), \
                         (a)-[:Y]->(a), (c:A {name: 'c'})";

    fn plan(query: &str) -> String {
        run(&mut graph(GRAPH), &format!("EXPLAIN {query}")).unwrap().plan.unwrap_or_default()
    }

    /// `query`, planned as `op`, answers as `filtered` does: the same query with a filter that
    /// keeps every row, planned row by row.
    fn both_ways(op: &str, query: &str, filtered: &str) -> Vec<String> {
        assert!(plan(query).contains(op), "{}", plan(query));
        assert!(!plan(filtered).contains(op), "{}", plan(filtered));
        let mut g = graph(GRAPH);
        let fast = rows(&mut g, query);
        assert_eq!(fast, rows(&mut g, filtered), "{query}");
        fast
    }

    #[test]
    fn counts_by_type_match_the_row_by_row_answer() {
        let q = "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n, count(r) AS m ORDER BY t";
        let f = "MATCH (x)-[r]->() WHERE x.name IS NOT NULL RETURN type(r) AS t, count(*) AS n, count(r) AS m \
                 ORDER BY t";
        assert_eq!(both_ways("TypeCounts", q, f), ["'X', 2, 2", "'Y', 2, 2"]);
    }

    #[test]
    fn total_counts_multiply_index_sizes() {
        let q = "MATCH (a), (b:A) RETURN count(*)";
        assert_eq!(both_ways("CountProduct", q, "MATCH (a), (b:A) WHERE a.name <> '' RETURN count(*)"), ["6"]);
        let q = "MATCH ()-[:X|Y|X]->(), (n) RETURN count(*)";
        let f = "MATCH (x)-[:X|Y]->(), (n) WHERE x.name <> '' RETURN count(*)";
        assert_eq!(both_ways("CountProduct", q, f), ["12"]);
        let q = "MATCH (n:Missing) RETURN count(*)";
        assert_eq!(both_ways("CountProduct", q, "MATCH (n:Missing) WHERE true RETURN count(*)"), ["0"]);
    }

    #[test]
    fn degrees_are_counted_in_one_pass_without_rows() {
        let q = "MATCH (n)--() WITH n, count(*) AS d RETURN n.name AS name, d ORDER BY name";
        let f = "MATCH (n)--() WHERE n.name <> '' WITH n, count(*) AS d RETURN n.name AS name, d ORDER BY name";
        assert_eq!(both_ways("Degrees", q, f), ["'a', 4", "'b', 3"]);
        let q = "MATCH (n:A)-[r:X]->() WITH n, count(r) AS d RETURN n.name, d";
        let f = "MATCH (n:A)-[r:X]->() WHERE n.name <> '' WITH n, count(r) AS d RETURN n.name, d";
        assert_eq!(both_ways("Degrees", q, f), ["'a', 2"]);
    }
}
