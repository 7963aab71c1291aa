//! Synthetic graphs for tests and benchmarks (`kg gen`): a realistic shape at any size.
//!
//! Nodes get one of six labels (a few get a second), a unique `name` (`node-123`) and
//! `mentions`/`weight` properties; relationships get one of the four relation types of the
//! extractor and `mentions`, `weight`, `year`. Endpoints are drawn from a Zipf-like law over a
//! shuffled node order, so degrees follow a power law (a few hubs with tens of thousands of
//! relationships, most nodes with a handful), as in news graphs where a few actors dominate.
//!
//! Generation is deterministic for a seed: it uses its own SplitMix64 generator, not a
//! library's, so the same seed gives the same graph on every platform and version.

use crate::graph::{GraphError, NodeId, PropertyGraph, Value};

/// Node labels and their weights (out of 100).
const LABELS: [(&str, u64); 6] =
    [("Place", 30), ("Person", 22), ("ArmedGroup", 18), ("Organization", 14), ("Force", 10), ("State", 6)];

/// Relationship types and their weights (out of 100).
const REL_TYPES: [(&str, u64); 4] = [("ATTACKED", 40), ("CONTROLS", 25), ("ALLIED_WITH", 20), ("TRUCE_BETWEEN", 15)];

/// The endpoint law: node rank `⌊n · u^SKEW⌋` for uniform `u`, so rank `k` is drawn with
/// probability ∝ k^(1/SKEW − 1); with 3 the degree distribution has a tail exponent near 2.5.
const SKEW: i32 = 3;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenSpec {
    /// Number of nodes.
    pub nodes: u32,
    /// Number of relationships (none when there are no nodes).
    pub rels: u32,
    /// The random seed.
    pub seed: u64,
}

/// SplitMix64: tiny, fast, and fully specified, so graphs are reproducible everywhere.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n) (n > 0), by multiply-shift.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    fn pick<'a>(&mut self, table: &[(&'a str, u64)]) -> &'a str {
        let mut r = self.below(100);
        for (name, w) in table {
            if r < *w {
                return name;
            }
            r -= w;
        }
        table[0].0
    }
}

/// Generates a graph as the module documentation describes.
///
/// # Errors
/// Only if the graph rejects an insertion, which valid generation never causes.
pub fn generate(spec: &GenSpec) -> Result<PropertyGraph, GraphError> {
    let mut rng = SplitMix64(spec.seed ^ 0x6b67_7261_7068_0001);
    let mut graph = PropertyGraph::new();
    let n = spec.nodes;
    for i in 0..n {
        let label = rng.pick(&LABELS);
        let mentions = 1 + (rng.below(1000) as f64).powi(2) as i64 / 1000;
        let weight = (rng.next_f64() * 1000.0).round() / 1000.0;
        let props = [
            ("name", Value::String(format!("node-{i}"))),
            ("mentions", Value::Int(mentions)),
            ("weight", Value::Float(weight)),
        ];
        let id = if rng.below(20) == 0 {
            let second = if label == "Organization" { "ArmedGroup" } else { "Organization" };
            graph.add_node([label, second], props)?
        } else {
            graph.add_node([label], props)?
        };
        debug_assert_eq!(id, NodeId(i));
    }
    if n == 0 {
        return Ok(graph);
    }
    // Two independent shuffles of the ranks: the busiest sources are not the busiest targets,
    // and hubs are spread over the id range instead of sitting at id 0.
    let sources = permutation(n, &mut rng);
    let targets = permutation(n, &mut rng);
    for _ in 0..spec.rels {
        let a = sources[zipf_rank(n, &mut rng)];
        let mut b = targets[zipf_rank(n, &mut rng)];
        if a == b && n > 1 {
            b = (b + 1) % n;
        }
        let rel_type = rng.pick(&REL_TYPES);
        let mentions = 1 + (rng.next_f64().powi(4) * 50.0) as i64;
        let weight = (rng.next_f64() * 100.0).round() / 100.0;
        let year = 2012 + rng.below(14) as i64;
        graph.add_relationship(
            NodeId(a),
            NodeId(b),
            rel_type,
            [("mentions", Value::Int(mentions)), ("weight", Value::Float(weight)), ("year", Value::Int(year))],
        )?;
    }
    Ok(graph)
}

fn zipf_rank(n: u32, rng: &mut SplitMix64) -> usize {
    let r = (f64::from(n) * rng.next_f64().powi(SKEW)) as usize;
    r.min(n as usize - 1)
}

fn permutation(n: u32, rng: &mut SplitMix64) -> Vec<u32> {
    let mut p: Vec<u32> = (0..n).collect();
    for i in (1..p.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        p.swap(i, j);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Direction;

    #[test]
    fn same_seed_same_graph_other_seed_other_graph() {
        let spec = GenSpec { nodes: 300, rels: 1000, seed: 7 };
        let a = generate(&spec).unwrap();
        assert_eq!(a, generate(&spec).unwrap());
        assert_ne!(a, generate(&GenSpec { seed: 8, ..spec }).unwrap());
        assert_eq!((a.node_count(), a.relationship_count()), (300, 1000));
    }

    #[test]
    fn shape_has_hubs_labels_and_types() {
        let g = generate(&GenSpec { nodes: 2000, rels: 10_000, seed: 1 }).unwrap();
        let mut degrees: Vec<usize> = g.node_ids().map(|n| g.degree(n, Direction::Both)).collect();
        degrees.sort_unstable();
        let max = *degrees.last().unwrap();
        let median = degrees[degrees.len() / 2];
        assert!(max > 20 * median.max(1), "power law: max degree {max}, median {median}");
        assert_eq!(g.label_counts().count(), 6);
        assert_eq!(g.rel_type_counts().count(), 4);
        assert_eq!(g.nodes_by_name("node-1999").len(), 1);
        for r in g.relationship_ids().take(100) {
            let (a, b) = g.endpoints(r).unwrap();
            assert_ne!(a, b, "no self-loops");
            assert!(g.rel_property(r, "year").and_then(Value::as_int).is_some_and(|y| (2012..=2025).contains(&y)));
        }
    }

    #[test]
    fn empty_and_tiny_graphs() {
        assert_eq!(generate(&GenSpec { nodes: 0, rels: 5, seed: 0 }).unwrap().relationship_count(), 0);
        let one = generate(&GenSpec { nodes: 1, rels: 3, seed: 0 }).unwrap();
        assert_eq!(one.relationship_count(), 3);
    }
}
