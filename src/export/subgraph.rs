//! [`Subgraph`]: the nodes and relationships one export writes, taken either from a whole
//! [`PropertyGraph`] (borrowed, nothing copied, so a 10 M-relationship graph exports in constant
//! extra memory) or from the values of a [`QueryResult`] (nodes, relationships and paths found
//! anywhere in its rows, also inside lists and maps).
//!
//! Every writer reads a subgraph through [`Subgraph::nodes`] and [`Subgraph::relationships`],
//! which yield [`NodeRef`]s and [`RelRef`]s with properties sorted by key, so both sources share
//! one code path and one output order.

use std::borrow::Cow;
use std::collections::HashSet;

use indexmap::IndexMap;

use crate::graph::{NodeId, NodeValue, PropertyGraph, RelId, RelationshipValue, Value};
use crate::query::QueryResult;

/// The nodes and relationships to export. See the module documentation.
#[derive(Clone, Debug)]
pub struct Subgraph<'a> {
    source: Source<'a>,
}

#[derive(Clone, Debug)]
enum Source<'a> {
    Graph(&'a PropertyGraph),
    Values {
        nodes: IndexMap<u64, Cow<'a, NodeValue>>,
        relationships: IndexMap<u64, &'a RelationshipValue>,
        /// Endpoints of returned relationships that the result did not return themselves:
        /// present as bare nodes until [`Subgraph::fill_endpoints`] looks them up.
        stubs: HashSet<u64>,
    },
}

/// A node as the writers see it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeRef<'a> {
    /// The node's id in the graph it came from.
    pub id: u64,
    /// Its labels, in the order they were added.
    pub labels: Vec<&'a str>,
    /// Its properties, sorted by key.
    pub properties: Vec<(&'a str, &'a Value)>,
}

/// A relationship as the writers see it.
#[derive(Clone, Debug, PartialEq)]
pub struct RelRef<'a> {
    /// The relationship's id in the graph it came from.
    pub id: u64,
    /// Its type.
    pub rel_type: &'a str,
    /// Id of its start node (always a node of the same subgraph).
    pub start: u64,
    /// Id of its end node (always a node of the same subgraph).
    pub end: u64,
    /// Its properties, sorted by key.
    pub properties: Vec<(&'a str, &'a Value)>,
}

impl<'a> NodeRef<'a> {
    /// A property by key.
    pub fn property(&self, key: &str) -> Option<&'a Value> {
        self.properties.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

impl<'a> RelRef<'a> {
    /// A property by key.
    pub fn property(&self, key: &str) -> Option<&'a Value> {
        self.properties.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

fn sorted<'a>(mut props: Vec<(&'a str, &'a Value)>) -> Vec<(&'a str, &'a Value)> {
    props.sort_unstable_by(|a, b| a.0.cmp(b.0));
    props
}

fn node_ref(n: &NodeValue) -> NodeRef<'_> {
    NodeRef {
        id: n.id,
        labels: n.labels.iter().map(String::as_str).collect(),
        properties: n.properties.iter().map(|(k, v)| (k.as_str(), v)).collect(),
    }
}

fn rel_ref(r: &RelationshipValue) -> RelRef<'_> {
    RelRef {
        id: r.id,
        rel_type: &r.rel_type,
        start: r.start,
        end: r.end,
        properties: r.properties.iter().map(|(k, v)| (k.as_str(), v)).collect(),
    }
}

impl<'a> Subgraph<'a> {
    /// The whole graph, borrowed.
    pub fn from_graph(graph: &'a PropertyGraph) -> Subgraph<'a> {
        Subgraph { source: Source::Graph(graph) }
    }

    /// The nodes, relationships and paths found in a query result's values (recursively, in
    /// lists and maps too), each once, ordered by id. A relationship whose endpoint the result
    /// does not contain gets a bare stand-in node (no labels, no properties) so every writer can
    /// draw it; call [`Subgraph::fill_endpoints`] to replace those with the graph's nodes.
    pub fn from_result(result: &'a QueryResult) -> Subgraph<'a> {
        Self::from_values(result.rows.iter().flatten())
    }

    /// Like [`Subgraph::from_result`], for any values.
    pub fn from_values(values: impl IntoIterator<Item = &'a Value>) -> Subgraph<'a> {
        let mut nodes = IndexMap::new();
        let mut relationships = IndexMap::new();
        let mut stack: Vec<&'a Value> = values.into_iter().collect();
        while let Some(v) = stack.pop() {
            match v {
                Value::Node(n) => {
                    nodes.entry(n.id).or_insert(Cow::Borrowed(&**n));
                }
                Value::Relationship(r) => {
                    relationships.entry(r.id).or_insert(&**r);
                }
                Value::Path(p) => {
                    for n in &p.nodes {
                        nodes.entry(n.id).or_insert(Cow::Borrowed(n));
                    }
                    for r in &p.relationships {
                        relationships.entry(r.id).or_insert(r);
                    }
                }
                Value::List(items) => stack.extend(items),
                Value::Map(map) => stack.extend(map.values()),
                _ => {}
            }
        }
        let mut stubs = HashSet::new();
        for r in relationships.values() {
            for id in [r.start, r.end] {
                if !nodes.contains_key(&id) {
                    nodes.insert(id, Cow::Owned(NodeValue { id, labels: Vec::new(), properties: Default::default() }));
                    stubs.insert(id);
                }
            }
        }
        nodes.sort_unstable_keys();
        relationships.sort_unstable_keys();
        Subgraph { source: Source::Values { nodes, relationships, stubs } }
    }

    /// Replaces the stand-ins for relationship endpoints that a query result did not return with
    /// the real nodes of `graph` (those still in it). Does nothing for a whole-graph subgraph.
    pub fn fill_endpoints(&mut self, graph: &PropertyGraph) {
        if let Source::Values { nodes, stubs, .. } = &mut self.source {
            for id in stubs.drain() {
                let node = u32::try_from(id).ok().and_then(|i| graph.node_value(NodeId(i)));
                if let (Some(node), Some(slot)) = (node, nodes.get_mut(&id)) {
                    *slot = Cow::Owned(node);
                }
            }
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        match &self.source {
            Source::Graph(g) => g.node_count(),
            Source::Values { nodes, .. } => nodes.len(),
        }
    }

    /// Number of relationships.
    pub fn relationship_count(&self) -> usize {
        match &self.source {
            Source::Graph(g) => g.relationship_count(),
            Source::Values { relationships, .. } => relationships.len(),
        }
    }

    /// The nodes, in id order, properties sorted by key.
    pub fn nodes(&self) -> Box<dyn Iterator<Item = NodeRef<'_>> + '_> {
        match &self.source {
            Source::Graph(g) => Box::new(g.node_ids().map(move |id| NodeRef {
                id: id.as_u64(),
                labels: g.node_labels(id).collect(),
                properties: sorted(g.node_properties(id).collect()),
            })),
            Source::Values { nodes, .. } => Box::new(nodes.values().map(|n| node_ref(n))),
        }
    }

    /// The relationships, in id order, properties sorted by key.
    pub fn relationships(&self) -> Box<dyn Iterator<Item = RelRef<'_>> + '_> {
        match &self.source {
            Source::Graph(g) => Box::new(g.relationship_ids().filter_map(move |id: RelId| {
                let (start, end) = g.endpoints(id)?;
                Some(RelRef {
                    id: id.as_u64(),
                    rel_type: g.rel_type(id)?,
                    start: start.as_u64(),
                    end: end.as_u64(),
                    properties: sorted(g.rel_properties(id).collect()),
                })
            })),
            Source::Values { relationships, .. } => Box::new(relationships.values().map(|r| rel_ref(r))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{PathValue, PropertyMap};

    fn node(id: u64, name: &str) -> NodeValue {
        NodeValue {
            id,
            labels: vec!["ArmedGroup".into()],
            properties: [("name".to_string(), Value::from(name))].into_iter().collect(),
        }
    }

    fn rel(id: u64, start: u64, end: u64) -> RelationshipValue {
        RelationshipValue { id, rel_type: "ATTACKED".into(), start, end, properties: PropertyMap::new() }
    }

    #[test]
    fn collects_values_inside_lists_maps_and_paths_once() {
        let path = PathValue { nodes: vec![node(1, "a"), node(2, "b")], relationships: vec![rel(5, 1, 2)] };
        let map: PropertyMap = [("p".to_string(), Value::Path(Box::new(path)))].into_iter().collect();
        let result = QueryResult {
            columns: vec!["x".into(), "y".into()],
            rows: vec![
                vec![Value::List(vec![Value::Node(Box::new(node(2, "b")))]), Value::Map(map)],
                vec![Value::Relationship(Box::new(rel(6, 2, 9))), Value::Int(3)],
            ],
            ..Default::default()
        };
        let sub = Subgraph::from_result(&result);
        let ids: Vec<u64> = sub.nodes().map(|n| n.id).collect();
        assert_eq!(ids, [1, 2, 9], "node 9 is a stand-in for a missing endpoint");
        let rels: Vec<u64> = sub.relationships().map(|r| r.id).collect();
        assert_eq!(rels, [5, 6]);
        assert!(sub.nodes().find(|n| n.id == 9).is_some_and(|n| n.labels.is_empty()));
    }

    #[test]
    fn fill_endpoints_uses_the_graph() {
        let mut g = PropertyGraph::new();
        let a = g.add_node(["State"], [("name", Value::from("Mali"))]).unwrap();
        let b = g.add_node(["Place"], [("name", Value::from("Gao"))]).unwrap();
        let r = g.add_relationship(a, b, "CONTROLS", [("mentions", Value::Int(2))]).unwrap();
        let result = QueryResult {
            columns: vec!["r".into()],
            rows: vec![vec![Value::Relationship(Box::new(g.relationship_value(r).unwrap()))]],
            ..Default::default()
        };
        let mut sub = Subgraph::from_result(&result);
        sub.fill_endpoints(&g);
        let names: Vec<Option<Value>> = sub.nodes().map(|n| n.property("name").cloned()).collect();
        assert_eq!(names, [Some(Value::from("Mali")), Some(Value::from("Gao"))]);
        let labels: Vec<Vec<&str>> = sub.nodes().map(|n| n.labels.clone()).collect();
        assert_eq!(labels, [vec!["State"], vec!["Place"]]);
    }

    #[test]
    fn whole_graph_sorts_properties() {
        let mut g = PropertyGraph::new();
        g.add_node(["X"], [("z", Value::Int(1)), ("a", Value::Int(2))]).unwrap();
        let sub = Subgraph::from_graph(&g);
        let keys: Vec<&str> = sub.nodes().flat_map(|n| n.properties.into_iter().map(|(k, _)| k)).collect();
        assert_eq!(keys, ["a", "z"]);
    }
}
