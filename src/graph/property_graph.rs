//! The property graph: nodes with labels and properties, relationships with one type and
//! properties, on petgraph's `StableDiGraph` so ids survive deletions, plus indexmap indices
//! (name → nodes, label → nodes, type → relationships, interned names) that every mutation keeps
//! in step.
//!
//! Everything that changes the graph goes through a method of [`PropertyGraph`]; there is no way
//! to reach the petgraph storage from outside, so the indices cannot drift. Reads are cheap and
//! borrow: property values are returned as `&Value`, names as `&str`.

use std::collections::HashMap;
use std::fmt;

use indexmap::{IndexMap, IndexSet};
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use serde::{Deserialize, Serialize};

use super::error::GraphError;
use super::value::{NodeValue, PropertyMap, RelationshipValue, Value};

mod codec;

pub(crate) use codec::CodecError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub struct $name(pub u32);

        impl $name {
            /// The id as a plain integer, as shown to users (`id(n)`).
            pub fn as_u64(self) -> u64 {
                u64::from(self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// Identifies a node; stable across the deletion of other nodes and across save/load.
    NodeId
);
id_type!(
    /// Identifies a relationship; stable across deletions and save/load.
    RelId
);
id_type!(
    /// An interned label name.
    LabelId
);
id_type!(
    /// An interned relationship type name.
    RelTypeId
);
id_type!(
    /// An interned property key.
    KeyId
);

impl NodeId {
    fn index(self) -> NodeIndex<u32> {
        NodeIndex::new(self.0 as usize)
    }
}

impl RelId {
    fn index(self) -> EdgeIndex<u32> {
        EdgeIndex::new(self.0 as usize)
    }
}

fn node_id(i: NodeIndex<u32>) -> NodeId {
    NodeId(i.index() as u32)
}

fn rel_id(i: EdgeIndex<u32>) -> RelId {
    RelId(i.index() as u32)
}

/// Which relationships of a node to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Relationships that start at the node: `(n)-->()`.
    Outgoing,
    /// Relationships that end at the node: `(n)<--()`.
    Incoming,
    /// Both; a self-loop is reported once: `(n)--()`.
    Both,
}

/// One relationship seen from a node, as yielded by [`PropertyGraph::relationships_of`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Adjacent {
    /// The relationship.
    pub rel: RelId,
    /// The node at the other end (the node itself for a self-loop).
    pub other: NodeId,
    /// Whether the relationship starts at the node it was reached from.
    pub outgoing: bool,
}

/// The hasher of every index: foldhash, fast and non-cryptographic. The keys are ids and names
/// from the user's own data, not an attack surface, and SipHash cost a fifth of a load.
type Hasher = foldhash::fast::RandomState;

/// A property list: boxed, so it costs 16 bytes and no spare capacity (most elements are
/// never changed after they are created).
type Props = Box<[(KeyId, Value)]>;

/// A node's labels: the one label most nodes have inline, without a heap allocation, or a boxed
/// slice (an empty one allocates nothing). 16 bytes either way. Serialized as a sequence.
#[derive(Clone, Debug, PartialEq)]
enum Labels {
    One(LabelId),
    Many(Box<[LabelId]>),
}

impl Default for Labels {
    fn default() -> Self {
        Labels::Many(Box::new([]))
    }
}

impl Labels {
    fn from_vec(labels: Vec<LabelId>) -> Labels {
        match labels[..] {
            [one] => Labels::One(one),
            _ => Labels::Many(labels.into_boxed_slice()),
        }
    }

    fn as_slice(&self) -> &[LabelId] {
        match self {
            Labels::One(l) => std::slice::from_ref(l),
            Labels::Many(ls) => ls,
        }
    }
}

impl std::ops::Deref for Labels {
    type Target = [LabelId];

    fn deref(&self) -> &[LabelId] {
        self.as_slice()
    }
}

impl Serialize for Labels {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::deserialize(deserializer).map(Labels::from_vec)
    }
}

/// Serialized exactly like the `Vec`s of format version 1 (a boxed slice is a sequence).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
struct NodeData {
    labels: Labels,
    props: Props,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct RelData {
    rel_type: RelTypeId,
    /// Where this relationship sits in `by_type[rel_type]`, so removal is a `swap_remove`
    /// without a hash lookup. Rebuilt on load, never saved.
    #[serde(skip)]
    pos: u32,
    props: Props,
}

/// The node ids of one name in the name index: one node (nearly always) without a heap
/// allocation, or several with each one's position, so that removing one of 300,000 nodes
/// sharing a name is not a scan of the other 299,999.
#[derive(Clone, Debug)]
enum NameIds {
    One(NodeId),
    /// Boxed so that the enum stays 16 bytes.
    Many(Box<ManyIds>),
}

/// Several nodes of one name: the ids, and where each id sits among them.
#[derive(Clone, Debug, Default)]
struct ManyIds {
    ids: Vec<NodeId>,
    at: HashMap<NodeId, usize, Hasher>,
}

impl ManyIds {
    fn push(&mut self, id: NodeId) {
        self.at.insert(id, self.ids.len());
        self.ids.push(id);
    }
}

impl NameIds {
    fn as_slice(&self) -> &[NodeId] {
        match self {
            NameIds::One(id) => std::slice::from_ref(id),
            NameIds::Many(many) => &many.ids,
        }
    }

    fn push(&mut self, id: NodeId) {
        match self {
            NameIds::One(first) => {
                let mut many = ManyIds::default();
                many.push(*first);
                many.push(id);
                *self = NameIds::Many(Box::new(many));
            }
            NameIds::Many(many) => many.push(id),
        }
    }

    /// Removes `id` in constant time (the last id takes its place); returns whether none are
    /// left.
    fn remove(&mut self, id: NodeId) -> bool {
        match self {
            NameIds::One(first) => *first == id,
            NameIds::Many(many) => {
                if let Some(i) = many.at.remove(&id) {
                    many.ids.swap_remove(i);
                    if let Some(moved) = many.ids.get(i) {
                        many.at.insert(*moved, i);
                    }
                }
                match many.ids[..] {
                    [] => true,
                    [one] => {
                        *self = NameIds::One(one);
                        false
                    }
                    _ => false,
                }
            }
        }
    }
}

/// Adds `id` to the name index under `name`.
fn index_name(by_name: &mut IndexMap<Box<str>, NameIds, Hasher>, name: &str, id: NodeId) {
    // One hash and probe: names are nearly always new, so the key is built up front.
    match by_name.entry(name.into()) {
        indexmap::map::Entry::Occupied(mut e) => e.get_mut().push(id),
        indexmap::map::Entry::Vacant(e) => {
            e.insert(NameIds::One(id));
        }
    }
}

fn get_prop(props: &[(KeyId, Value)], key: KeyId) -> Option<&Value> {
    props.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
}

fn set_prop_vec(props: &mut Vec<(KeyId, Value)>, key: KeyId, value: Value) -> Option<Value> {
    match props.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => Some(std::mem::replace(&mut slot.1, value)),
        None => {
            props.push((key, value));
            None
        }
    }
}

fn set_prop(props: &mut Props, key: KeyId, value: Value) -> Option<Value> {
    match props.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => Some(std::mem::replace(&mut slot.1, value)),
        None => {
            let mut v = std::mem::take(props).into_vec();
            v.push((key, value));
            *props = v.into_boxed_slice();
            None
        }
    }
}

fn remove_prop(props: &mut Props, key: KeyId) -> Option<Value> {
    let pos = props.iter().position(|(k, _)| *k == key)?;
    let mut v = std::mem::take(props).into_vec();
    let old = v.remove(pos).1;
    *props = v.into_boxed_slice();
    Some(old)
}

/// A node as [`PropertyGraph::take_node`] removed it: its id, labels and properties, for
/// [`PropertyGraph::restore_node`].
#[derive(Clone, Debug)]
pub struct RemovedNode {
    id: NodeId,
    data: NodeData,
}

impl RemovedNode {
    /// The id the node had.
    pub fn id(&self) -> NodeId {
        self.id
    }
}

/// A relationship as [`PropertyGraph::take_relationship`] removed it: its id, endpoints, type
/// and properties, for [`PropertyGraph::restore_relationship`].
#[derive(Clone, Debug)]
pub struct RemovedRelationship {
    id: RelId,
    start: NodeId,
    end: NodeId,
    data: RelData,
}

impl RemovedRelationship {
    /// The id the relationship had.
    pub fn id(&self) -> RelId {
        self.id
    }
}

/// The property key that the name index covers.
pub const NAME_KEY: &str = "name";

/// A labelled property graph with indices. See the module documentation.
#[derive(Clone, Debug)]
pub struct PropertyGraph {
    inner: StableDiGraph<NodeData, RelData, u32>,
    labels: IndexSet<String, Hasher>,
    rel_types: IndexSet<String, Hasher>,
    keys: IndexSet<String, Hasher>,
    by_label: Vec<IndexSet<NodeId, Hasher>>,
    /// Relationships of each type; `RelData::pos` is each one's place in its list.
    by_type: Vec<Vec<RelId>>,
    by_name: IndexMap<Box<str>, NameIds, Hasher>,
    meta: PropertyMap,
}

impl Default for PropertyGraph {
    fn default() -> Self {
        Self::new()
    }
}

impl PropertyGraph {
    /// An empty graph.
    pub fn new() -> Self {
        let mut keys = IndexSet::default();
        keys.insert(NAME_KEY.to_string());
        PropertyGraph {
            inner: StableDiGraph::default(),
            labels: IndexSet::default(),
            rel_types: IndexSet::default(),
            keys,
            by_label: Vec::new(),
            by_type: Vec::new(),
            by_name: IndexMap::default(),
            meta: PropertyMap::new(),
        }
    }

    /// Number of live nodes.
    pub fn node_count(&self) -> usize {
        self.inner.node_count()
    }

    /// Number of live relationships.
    pub fn relationship_count(&self) -> usize {
        self.inner.edge_count()
    }

    // ----- interned names -------------------------------------------------------------------

    /// The id of a label, if any node ever had it.
    pub fn label_id(&self, name: &str) -> Option<LabelId> {
        self.labels.get_index_of(name).map(|i| LabelId(i as u32))
    }

    /// The id of a relationship type, if any relationship ever had it.
    pub fn rel_type_id(&self, name: &str) -> Option<RelTypeId> {
        self.rel_types.get_index_of(name).map(|i| RelTypeId(i as u32))
    }

    /// The id of a property key, if it was ever used.
    pub fn key_id(&self, name: &str) -> Option<KeyId> {
        self.keys.get_index_of(name).map(|i| KeyId(i as u32))
    }

    /// The name of a label id.
    pub fn label_name(&self, id: LabelId) -> &str {
        &self.labels[id.0 as usize]
    }

    /// The name of a relationship type id.
    pub fn rel_type_name(&self, id: RelTypeId) -> &str {
        &self.rel_types[id.0 as usize]
    }

    /// The name of a property key id.
    pub fn key_name(&self, id: KeyId) -> &str {
        &self.keys[id.0 as usize]
    }

    /// Interns a property key (used by the query engine to resolve keys once per query).
    pub fn intern_key(&mut self, name: &str) -> KeyId {
        if let Some(i) = self.keys.get_index_of(name) {
            return KeyId(i as u32);
        }
        KeyId(self.keys.insert_full(name.to_string()).0 as u32)
    }

    fn intern_label(&mut self, name: &str) -> LabelId {
        if let Some(i) = self.labels.get_index_of(name) {
            return LabelId(i as u32);
        }
        let (i, _) = self.labels.insert_full(name.to_string());
        self.by_label.push(IndexSet::default());
        LabelId(i as u32)
    }

    fn intern_rel_type(&mut self, name: &str) -> RelTypeId {
        if let Some(i) = self.rel_types.get_index_of(name) {
            return RelTypeId(i as u32);
        }
        let (i, _) = self.rel_types.insert_full(name.to_string());
        self.by_type.push(Vec::new());
        RelTypeId(i as u32)
    }

    /// Labels in use, with how many nodes carry each (labels no node has any more are left out).
    pub fn label_counts(&self) -> impl Iterator<Item = (&str, usize)> + '_ {
        self.labels.iter().zip(&self.by_label).filter(|(_, s)| !s.is_empty()).map(|(l, s)| (l.as_str(), s.len()))
    }

    /// Relationship types in use, with how many relationships have each.
    pub fn rel_type_counts(&self) -> impl Iterator<Item = (&str, usize)> + '_ {
        self.rel_types.iter().zip(&self.by_type).filter(|(_, s)| !s.is_empty()).map(|(t, s)| (t.as_str(), s.len()))
    }

    /// Every property key ever used, in first-use order.
    pub fn property_keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.keys.iter().map(String::as_str)
    }

    // ----- reading nodes --------------------------------------------------------------------

    /// Whether `id` names a live node.
    pub fn contains_node(&self, id: NodeId) -> bool {
        self.inner.contains_node(id.index())
    }

    /// All live node ids, in id order.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.inner.node_indices().map(node_id)
    }

    /// The labels of a node (empty for a missing node).
    pub fn node_labels(&self, id: NodeId) -> impl Iterator<Item = &str> + '_ {
        self.inner.node_weight(id.index()).into_iter().flat_map(|n| n.labels.iter()).map(|l| self.label_name(*l))
    }

    /// The label ids of a node.
    pub fn node_label_ids(&self, id: NodeId) -> &[LabelId] {
        self.inner.node_weight(id.index()).map_or(&[], |n| n.labels.as_slice())
    }

    /// Whether the node carries the label.
    pub fn has_label(&self, id: NodeId, label: &str) -> bool {
        self.label_id(label).is_some_and(|l| self.node_label_ids(id).contains(&l))
    }

    /// A node's property by key name.
    pub fn node_property(&self, id: NodeId, key: &str) -> Option<&Value> {
        self.node_property_by_key(id, self.key_id(key)?)
    }

    /// A node's property by interned key.
    pub fn node_property_by_key(&self, id: NodeId, key: KeyId) -> Option<&Value> {
        get_prop(&self.inner.node_weight(id.index())?.props, key)
    }

    /// A node's properties in the order they were set.
    pub fn node_properties(&self, id: NodeId) -> impl Iterator<Item = (&str, &Value)> + '_ {
        self.inner.node_weight(id.index()).into_iter().flat_map(|n| n.props.iter()).map(|(k, v)| (self.key_name(*k), v))
    }

    /// Nodes carrying a label, in insertion order (no scan of the graph).
    pub fn nodes_with_label(&self, label: &str) -> impl Iterator<Item = NodeId> + '_ {
        self.label_id(label).map(|l| &self.by_label[l.0 as usize]).into_iter().flatten().copied()
    }

    /// How many nodes carry a label.
    pub fn label_count(&self, label: &str) -> usize {
        self.label_id(label).map_or(0, |l| self.by_label[l.0 as usize].len())
    }

    /// Nodes whose `name` property equals `name` (the name index).
    pub fn nodes_by_name(&self, name: &str) -> &[NodeId] {
        self.by_name.get(name).map_or(&[], NameIds::as_slice)
    }

    /// Distinct names in the name index (for completion), in first-use order.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.by_name.keys().map(|k| &**k)
    }

    /// The node materialized as a result value.
    pub fn node_value(&self, id: NodeId) -> Option<NodeValue> {
        let data = self.inner.node_weight(id.index())?;
        Some(NodeValue {
            id: id.as_u64(),
            labels: data.labels.iter().map(|l| self.label_name(*l).to_string()).collect(),
            properties: data.props.iter().map(|(k, v)| (self.key_name(*k).to_string(), v.clone())).collect(),
        })
    }

    // ----- reading relationships ------------------------------------------------------------

    /// Whether `id` names a live relationship.
    pub fn contains_relationship(&self, id: RelId) -> bool {
        self.inner.edge_weight(id.index()).is_some()
    }

    /// All live relationship ids, in id order.
    pub fn relationship_ids(&self) -> impl Iterator<Item = RelId> + '_ {
        self.inner.edge_indices().map(rel_id)
    }

    /// Start and end node of a relationship.
    pub fn endpoints(&self, id: RelId) -> Option<(NodeId, NodeId)> {
        self.inner.edge_endpoints(id.index()).map(|(a, b)| (node_id(a), node_id(b)))
    }

    /// A relationship's type name.
    pub fn rel_type(&self, id: RelId) -> Option<&str> {
        self.rel_type_id_of(id).map(|t| self.rel_type_name(t))
    }

    /// A relationship's interned type.
    pub fn rel_type_id_of(&self, id: RelId) -> Option<RelTypeId> {
        self.inner.edge_weight(id.index()).map(|r| r.rel_type)
    }

    /// A relationship's property by key name.
    pub fn rel_property(&self, id: RelId, key: &str) -> Option<&Value> {
        self.rel_property_by_key(id, self.key_id(key)?)
    }

    /// A relationship's property by interned key.
    pub fn rel_property_by_key(&self, id: RelId, key: KeyId) -> Option<&Value> {
        get_prop(&self.inner.edge_weight(id.index())?.props, key)
    }

    /// A relationship's properties in the order they were set.
    pub fn rel_properties(&self, id: RelId) -> impl Iterator<Item = (&str, &Value)> + '_ {
        self.inner.edge_weight(id.index()).into_iter().flat_map(|r| r.props.iter()).map(|(k, v)| (self.key_name(*k), v))
    }

    /// Relationships of a type, in insertion order (no scan of the graph).
    pub fn relationships_with_type(&self, rel_type: &str) -> impl Iterator<Item = RelId> + '_ {
        self.rel_type_id(rel_type).map(|t| &self.by_type[t.0 as usize]).into_iter().flatten().copied()
    }

    /// How many relationships have a type.
    pub fn rel_type_count(&self, rel_type: &str) -> usize {
        self.rel_type_id(rel_type).map_or(0, |t| self.by_type[t.0 as usize].len())
    }

    /// The relationships of a node in a direction, optionally of one type, through the node's
    /// adjacency lists only.
    pub fn relationships_of(
        &self,
        node: NodeId,
        direction: Direction,
        rel_type: Option<RelTypeId>,
    ) -> impl Iterator<Item = Adjacent> + '_ {
        let n = node.index();
        let valid = self.inner.contains_node(n);
        let want_out = valid && direction != Direction::Incoming;
        let want_in = valid && direction != Direction::Outgoing;
        let out = want_out
            .then(|| self.inner.edges_directed(n, petgraph::Direction::Outgoing))
            .into_iter()
            .flatten()
            .map(move |e| Adjacent { rel: rel_id(e.id()), other: node_id(e.target()), outgoing: true });
        let inc = want_in
            .then(|| self.inner.edges_directed(n, petgraph::Direction::Incoming))
            .into_iter()
            .flatten()
            // A self-loop already came out of the outgoing list when both directions are asked.
            .filter(move |e| !(want_out && e.source() == e.target()))
            .map(|e| Adjacent { rel: rel_id(e.id()), other: node_id(e.source()), outgoing: false });
        out.chain(inc).filter(move |a| rel_type.is_none_or(|t| self.rel_type_id_of(a.rel) == Some(t)))
    }

    /// The number of relationships of a node in a direction.
    pub fn degree(&self, node: NodeId, direction: Direction) -> usize {
        self.relationships_of(node, direction, None).count()
    }

    /// A relationship of the given type from `start` to `end` (either way round when
    /// `undirected`), if one exists.
    pub fn find_relationship(&self, start: NodeId, end: NodeId, rel_type: &str, undirected: bool) -> Option<RelId> {
        let t = self.rel_type_id(rel_type)?;
        let dir = if undirected { Direction::Both } else { Direction::Outgoing };
        self.relationships_of(start, dir, Some(t)).find(|a| a.other == end).map(|a| a.rel)
    }

    /// The relationship materialized as a result value.
    pub fn relationship_value(&self, id: RelId) -> Option<RelationshipValue> {
        let data = self.inner.edge_weight(id.index())?;
        let (start, end) = self.endpoints(id)?;
        Some(RelationshipValue {
            id: id.as_u64(),
            rel_type: self.rel_type_name(data.rel_type).to_string(),
            start: start.as_u64(),
            end: end.as_u64(),
            properties: data.props.iter().map(|(k, v)| (self.key_name(*k).to_string(), v.clone())).collect(),
        })
    }

    // ----- graph-level metadata --------------------------------------------------------------

    /// Graph-level metadata saved with the graph (e.g. hashes of documents already built).
    pub fn meta(&self) -> &PropertyMap {
        &self.meta
    }

    /// Mutable graph-level metadata.
    pub fn meta_mut(&mut self) -> &mut PropertyMap {
        &mut self.meta
    }

    // ----- writing --------------------------------------------------------------------------

    /// Adds a node. Null property values are skipped, as in Cypher.
    ///
    /// # Errors
    /// [`GraphError::InvalidPropertyValue`] when a value is a node, relationship or path.
    pub fn add_node<L, K>(
        &mut self,
        labels: impl IntoIterator<Item = L>,
        properties: impl IntoIterator<Item = (K, Value)>,
    ) -> Result<NodeId, GraphError>
    where
        L: AsRef<str>,
        K: AsRef<str>,
    {
        let mut props = Vec::new();
        for (k, v) in properties {
            check_storable(k.as_ref(), &v)?;
            if !v.is_null() {
                let key = self.intern_key(k.as_ref());
                set_prop_vec(&mut props, key, v);
            }
        }
        let mut label_ids: Vec<LabelId> = Vec::new();
        for l in labels {
            let l = self.intern_label(l.as_ref());
            if !label_ids.contains(&l) {
                label_ids.push(l);
            }
        }
        let data = NodeData { labels: Labels::from_vec(label_ids), props: props.into_boxed_slice() };
        let id = node_id(self.inner.add_node(data));
        self.index_node(id);
        Ok(id)
    }

    /// Adds a relationship of one type from `start` to `end`. Null property values are skipped.
    ///
    /// # Errors
    /// A missing endpoint, an empty type, or an unstorable property value.
    pub fn add_relationship<K: AsRef<str>>(
        &mut self,
        start: NodeId,
        end: NodeId,
        rel_type: &str,
        properties: impl IntoIterator<Item = (K, Value)>,
    ) -> Result<RelId, GraphError> {
        for n in [start, end] {
            if !self.contains_node(n) {
                return Err(GraphError::NodeNotFound(n.as_u64()));
            }
        }
        if rel_type.is_empty() {
            return Err(GraphError::EmptyRelationshipType);
        }
        let mut props = Vec::new();
        for (k, v) in properties {
            check_storable(k.as_ref(), &v)?;
            if !v.is_null() {
                let key = self.intern_key(k.as_ref());
                set_prop_vec(&mut props, key, v);
            }
        }
        let t = self.intern_rel_type(rel_type);
        let list = &mut self.by_type[t.0 as usize];
        let data = RelData { rel_type: t, pos: list.len() as u32, props: props.into_boxed_slice() };
        let id = rel_id(self.inner.add_edge(start.index(), end.index(), data));
        list.push(id);
        Ok(id)
    }

    /// Removes a node. With `detach`, its relationships go too; without, a node that still has
    /// relationships is an error and nothing changes.
    ///
    /// # Errors
    /// [`GraphError::NodeNotFound`], [`GraphError::NodeHasRelationships`].
    pub fn remove_node(&mut self, id: NodeId, detach: bool) -> Result<(), GraphError> {
        if !self.contains_node(id) {
            return Err(GraphError::NodeNotFound(id.as_u64()));
        }
        if detach {
            let rels: Vec<RelId> = self.relationships_of(id, Direction::Both, None).map(|a| a.rel).collect();
            for r in rels {
                self.remove_relationship(r)?;
            }
        }
        self.take_node(id).map(drop)
    }

    /// Removes a node that has no relationships and hands back what it held, so that
    /// [`restore_node`](Self::restore_node) can put it back under its id.
    ///
    /// # Errors
    /// [`GraphError::NodeNotFound`], [`GraphError::NodeHasRelationships`] (nothing changes).
    pub fn take_node(&mut self, id: NodeId) -> Result<RemovedNode, GraphError> {
        if !self.contains_node(id) {
            return Err(GraphError::NodeNotFound(id.as_u64()));
        }
        let count = self.degree(id, Direction::Both);
        if count > 0 {
            return Err(GraphError::NodeHasRelationships { id: id.as_u64(), count });
        }
        let data = self.inner.remove_node(id.index()).ok_or(GraphError::NodeNotFound(id.as_u64()))?;
        for l in data.labels.iter() {
            self.by_label[l.0 as usize].swap_remove(&id);
        }
        if let Some(name) = get_prop(&data.props, KeyId(0)).and_then(Value::as_str) {
            unindex_name(&mut self.by_name, name, id);
        }
        Ok(RemovedNode { id, data })
    }

    /// Removes a relationship.
    ///
    /// # Errors
    /// [`GraphError::RelationshipNotFound`].
    pub fn remove_relationship(&mut self, id: RelId) -> Result<(), GraphError> {
        self.take_relationship(id).map(drop)
    }

    /// Removes a relationship and hands back what it held, so that
    /// [`restore_relationship`](Self::restore_relationship) can put it back under its id.
    ///
    /// # Errors
    /// [`GraphError::RelationshipNotFound`].
    pub fn take_relationship(&mut self, id: RelId) -> Result<RemovedRelationship, GraphError> {
        let (start, end) = self.endpoints(id).ok_or(GraphError::RelationshipNotFound(id.as_u64()))?;
        let data = self.inner.remove_edge(id.index()).ok_or(GraphError::RelationshipNotFound(id.as_u64()))?;
        let list = &mut self.by_type[data.rel_type.0 as usize];
        let pos = match list.get(data.pos as usize) {
            Some(&r) if r == id => data.pos as usize,
            _ => list.iter().position(|&r| r == id).unwrap_or(list.len()),
        };
        if pos < list.len() {
            list.swap_remove(pos);
            if let Some(&moved) = list.get(pos) {
                if let Some(m) = self.inner.edge_weight_mut(moved.index()) {
                    m.pos = pos as u32;
                }
            }
        }
        Ok(RemovedRelationship { id, start, end, data })
    }

    /// Puts a node that [`take_node`](Self::take_node) removed back under its id, with its
    /// labels and properties. Freed ids are handed out again newest first, so restoring in the
    /// reverse order of the changes (elements added since removed first) gives every element
    /// its id back; the order the indices list it in may differ from before.
    ///
    /// # Errors
    /// [`GraphError::RestoreOutOfOrder`] when the id is not the next free one (nothing
    /// changes).
    pub fn restore_node(&mut self, removed: RemovedNode) -> Result<NodeId, GraphError> {
        let RemovedNode { id, data } = removed;
        let got = node_id(self.inner.add_node(data));
        if got != id {
            self.inner.remove_node(got.index());
            return Err(GraphError::RestoreOutOfOrder { element: "node", id: id.as_u64() });
        }
        self.index_node(id);
        Ok(id)
    }

    /// Enters a node that is in `inner` into the label and name indexes.
    fn index_node(&mut self, id: NodeId) {
        let data = &self.inner[id.index()];
        for l in data.labels.iter() {
            self.by_label[l.0 as usize].insert(id);
        }
        if let Some(name) = get_prop(&data.props, KeyId(0)).and_then(Value::as_str) {
            index_name(&mut self.by_name, name, id);
        }
    }

    /// Puts a relationship that [`take_relationship`](Self::take_relationship) removed back
    /// under its id, between the same nodes, with its type and properties; see
    /// [`restore_node`](Self::restore_node) for the order.
    ///
    /// # Errors
    /// [`GraphError::NodeNotFound`] for a missing endpoint, [`GraphError::RestoreOutOfOrder`]
    /// when the id is not the next free one (nothing changes either way).
    pub fn restore_relationship(&mut self, removed: RemovedRelationship) -> Result<RelId, GraphError> {
        let RemovedRelationship { id, start, end, mut data } = removed;
        for n in [start, end] {
            if !self.contains_node(n) {
                return Err(GraphError::NodeNotFound(n.as_u64()));
            }
        }
        let t = data.rel_type;
        data.pos = self.by_type[t.0 as usize].len() as u32;
        let got = rel_id(self.inner.add_edge(start.index(), end.index(), data));
        if got != id {
            self.inner.remove_edge(got.index());
            return Err(GraphError::RestoreOutOfOrder { element: "relationship", id: id.as_u64() });
        }
        self.by_type[t.0 as usize].push(id);
        Ok(id)
    }

    /// Sets a node property; setting `null` removes it. Returns the previous value.
    ///
    /// # Errors
    /// A missing node or an unstorable value.
    pub fn set_node_property(&mut self, id: NodeId, key: &str, value: Value) -> Result<Option<Value>, GraphError> {
        if value.is_null() {
            return self.remove_node_property(id, key);
        }
        check_storable(key, &value)?;
        if !self.contains_node(id) {
            return Err(GraphError::NodeNotFound(id.as_u64()));
        }
        let k = self.intern_key(key);
        let data = self.inner.node_weight_mut(id.index()).ok_or(GraphError::NodeNotFound(id.as_u64()))?;
        let old = set_prop(&mut data.props, k, value);
        if k == KeyId(0) {
            if let Some(Value::String(old_name)) = &old {
                unindex_name(&mut self.by_name, old_name, id);
            }
            if let Some(name) = get_prop(&data.props, k).and_then(Value::as_str) {
                index_name(&mut self.by_name, name, id);
            }
        }
        Ok(old)
    }

    /// Removes a node property, returning it.
    ///
    /// # Errors
    /// [`GraphError::NodeNotFound`].
    pub fn remove_node_property(&mut self, id: NodeId, key: &str) -> Result<Option<Value>, GraphError> {
        let k = self.key_id(key);
        let data = self.inner.node_weight_mut(id.index()).ok_or(GraphError::NodeNotFound(id.as_u64()))?;
        let Some(k) = k else { return Ok(None) };
        let old = remove_prop(&mut data.props, k);
        if let (KeyId(0), Some(Value::String(name))) = (k, &old) {
            unindex_name(&mut self.by_name, name, id);
        }
        Ok(old)
    }

    /// Sets a relationship property; setting `null` removes it. Returns the previous value.
    ///
    /// # Errors
    /// A missing relationship or an unstorable value.
    pub fn set_rel_property(&mut self, id: RelId, key: &str, value: Value) -> Result<Option<Value>, GraphError> {
        if value.is_null() {
            return self.remove_rel_property(id, key);
        }
        check_storable(key, &value)?;
        if !self.contains_relationship(id) {
            return Err(GraphError::RelationshipNotFound(id.as_u64()));
        }
        let k = self.intern_key(key);
        let data = self.inner.edge_weight_mut(id.index()).ok_or(GraphError::RelationshipNotFound(id.as_u64()))?;
        Ok(set_prop(&mut data.props, k, value))
    }

    /// Removes a relationship property, returning it.
    ///
    /// # Errors
    /// [`GraphError::RelationshipNotFound`].
    pub fn remove_rel_property(&mut self, id: RelId, key: &str) -> Result<Option<Value>, GraphError> {
        let k = self.key_id(key);
        let data = self.inner.edge_weight_mut(id.index()).ok_or(GraphError::RelationshipNotFound(id.as_u64()))?;
        Ok(k.and_then(|k| remove_prop(&mut data.props, k)))
    }

    /// Adds a label to a node; returns whether it was new.
    ///
    /// # Errors
    /// [`GraphError::NodeNotFound`].
    pub fn add_label(&mut self, id: NodeId, label: &str) -> Result<bool, GraphError> {
        if !self.contains_node(id) {
            return Err(GraphError::NodeNotFound(id.as_u64()));
        }
        let l = self.intern_label(label);
        let data = self.inner.node_weight_mut(id.index()).ok_or(GraphError::NodeNotFound(id.as_u64()))?;
        if data.labels.contains(&l) {
            return Ok(false);
        }
        let mut labels = data.labels.to_vec();
        labels.push(l);
        data.labels = Labels::from_vec(labels);
        self.by_label[l.0 as usize].insert(id);
        Ok(true)
    }

    /// Removes a label from a node; returns whether it had it.
    ///
    /// # Errors
    /// [`GraphError::NodeNotFound`].
    pub fn remove_label(&mut self, id: NodeId, label: &str) -> Result<bool, GraphError> {
        let l = self.label_id(label);
        let data = self.inner.node_weight_mut(id.index()).ok_or(GraphError::NodeNotFound(id.as_u64()))?;
        let Some(l) = l else { return Ok(false) };
        let Some(pos) = data.labels.iter().position(|x| *x == l) else { return Ok(false) };
        let mut labels = data.labels.to_vec();
        labels.remove(pos);
        data.labels = Labels::from_vec(labels);
        self.by_label[l.0 as usize].swap_remove(&id);
        Ok(true)
    }

    /// Finds the entity node named `name` (or create it), adds missing `labels`, and adds each
    /// of `aliases` not yet in its `aliases` list property. Returns the node and whether it was
    /// created. When several nodes share the name, the first is used.
    ///
    /// # Errors
    /// Only if the graph is inconsistent (never for valid input).
    pub fn merge_entity<L: AsRef<str>, A: AsRef<str>>(
        &mut self,
        name: &str,
        labels: impl IntoIterator<Item = L>,
        aliases: impl IntoIterator<Item = A>,
    ) -> Result<(NodeId, bool), GraphError> {
        let (id, created) = match self.nodes_by_name(name).first() {
            Some(&id) => (id, false),
            None => (self.add_node(std::iter::empty::<&str>(), [(NAME_KEY, Value::from(name))])?, true),
        };
        for l in labels {
            self.add_label(id, l.as_ref())?;
        }
        let mut list = match self.node_property(id, "aliases") {
            Some(Value::List(items)) => items.clone(),
            _ => Vec::new(),
        };
        let before = list.len();
        for a in aliases {
            let a = a.as_ref();
            if a != name && !list.iter().any(|v| v.as_str() == Some(a)) {
                list.push(Value::from(a));
            }
        }
        if list.len() != before {
            self.set_node_property(id, "aliases", Value::List(list))?;
        }
        Ok((id, created))
    }

    /// Rebuilds the indices after decoding, checking every label, type and key id and that every
    /// relationship joins two live nodes. Sets are sized from counts first so they never
    /// rehash, and for large graphs the relationship side is built on a second thread while
    /// this one builds the node side.
    fn rebuild_indices(&mut self) -> Result<(), GraphError> {
        let (nl, nt, nk) = (self.labels.len(), self.rel_types.len(), self.keys.len());
        let inner = &self.inner;
        let check_keys = |props: &[(KeyId, Value)]| match props.iter().find(|(k, _)| k.0 as usize >= nk) {
            Some((k, _)) => Err(bad("property key", k.0, nk)),
            None => Ok(()),
        };
        type NodeIndices = (Vec<IndexSet<NodeId, Hasher>>, IndexMap<Box<str>, NameIds, Hasher>);
        let node_side = || -> Result<NodeIndices, GraphError> {
            let mut counts = vec![0usize; nl];
            for i in inner.node_indices() {
                for l in inner[i].labels.iter() {
                    *counts.get_mut(l.0 as usize).ok_or_else(|| bad("label", l.0, nl))? += 1;
                }
                check_keys(&inner[i].props)?;
            }
            let mut by_label: Vec<IndexSet<NodeId, Hasher>> =
                counts.into_iter().map(|c| IndexSet::with_capacity_and_hasher(c, Hasher::default())).collect();
            let mut by_name = IndexMap::with_capacity_and_hasher(inner.node_count(), Hasher::default());
            for i in inner.node_indices() {
                let data = &inner[i];
                for l in data.labels.iter() {
                    by_label[l.0 as usize].insert(node_id(i));
                }
                if let Some(Value::String(name)) = get_prop(&data.props, KeyId(0)) {
                    index_name(&mut by_name, name, node_id(i));
                }
            }
            Ok((by_label, by_name))
        };
        let rel_side = || -> Result<Vec<Vec<RelId>>, GraphError> {
            let mut counts = vec![0usize; nt];
            for e in inner.edge_indices() {
                let data = &inner[e];
                *counts.get_mut(data.rel_type.0 as usize).ok_or_else(|| bad("type", data.rel_type.0, nt))? += 1;
                check_keys(&data.props)?;
                let live =
                    inner.edge_endpoints(e).is_some_and(|(a, b)| inner.contains_node(a) && inner.contains_node(b));
                if !live {
                    return Err(GraphError::Inconsistent(format!("relationship {} joins a deleted node", e.index())));
                }
            }
            let mut by_type: Vec<Vec<RelId>> = counts.into_iter().map(Vec::with_capacity).collect();
            for e in inner.edge_indices() {
                by_type[inner[e].rel_type.0 as usize].push(rel_id(e));
            }
            Ok(by_type)
        };
        let (nodes, rels) = if inner.node_count() + inner.edge_count() >= 100_000 {
            std::thread::scope(|s| {
                let rels = s.spawn(rel_side);
                let nodes = node_side();
                (nodes, rels.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            })
        } else {
            (node_side(), rel_side())
        };
        let (by_label, by_name) = nodes?;
        self.by_label = by_label;
        self.by_name = by_name;
        self.by_type = rels?;
        for list in &self.by_type {
            for (pos, r) in list.iter().enumerate() {
                self.inner[r.index()].pos = pos as u32;
            }
        }
        Ok(())
    }
}

/// Removes `id` from the name index under `name`, and the name when no node is left.
fn unindex_name(by_name: &mut IndexMap<Box<str>, NameIds, Hasher>, name: &str, id: NodeId) {
    if by_name.get_mut(name).is_some_and(|ids| ids.remove(id)) {
        by_name.swap_remove(name);
    }
}

fn bad(what: &str, id: u32, len: usize) -> GraphError {
    GraphError::Inconsistent(format!("{what} id {id} out of range (only {len} defined)"))
}

fn check_storable(key: &str, value: &Value) -> Result<(), GraphError> {
    if value.is_storable() {
        Ok(())
    } else {
        Err(GraphError::InvalidPropertyValue { key: key.to_string(), type_name: value.type_name() })
    }
}

/// Logical equality: the same live node and relationship ids with the same labels, types,
/// endpoints and properties (by name, in any order), and the same metadata.
impl PartialEq for PropertyGraph {
    fn eq(&self, other: &Self) -> bool {
        if self.node_count() != other.node_count() || self.relationship_count() != other.relationship_count() {
            return false;
        }
        let same_props = |a: Vec<(&str, &Value)>, b: Vec<(&str, &Value)>| {
            a.len() == b.len() && a.iter().all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2))
        };
        let nodes_equal = self.node_ids().all(|n| {
            other.contains_node(n) && {
                let mut a: Vec<&str> = self.node_labels(n).collect();
                let mut b: Vec<&str> = other.node_labels(n).collect();
                a.sort_unstable();
                b.sort_unstable();
                a == b && same_props(self.node_properties(n).collect(), other.node_properties(n).collect())
            }
        });
        let rels_equal = self.relationship_ids().all(|r| {
            other.contains_relationship(r)
                && self.endpoints(r) == other.endpoints(r)
                && self.rel_type(r) == other.rel_type(r)
                && same_props(self.rel_properties(r).collect(), other.rel_properties(r).collect())
        });
        nodes_equal && rels_equal && self.meta == other.meta
    }
}

/// The serialized form: storage plus interned names; indices are rebuilt on load.
#[derive(Serialize)]
struct SnapshotRef<'a> {
    graph: &'a StableDiGraph<NodeData, RelData, u32>,
    labels: &'a IndexSet<String, Hasher>,
    rel_types: &'a IndexSet<String, Hasher>,
    keys: &'a IndexSet<String, Hasher>,
    meta: &'a PropertyMap,
}

#[derive(Deserialize)]
struct Snapshot {
    graph: StableDiGraph<NodeData, RelData, u32>,
    labels: IndexSet<String, Hasher>,
    rel_types: IndexSet<String, Hasher>,
    keys: IndexSet<String, Hasher>,
    meta: PropertyMap,
}

impl Serialize for PropertyGraph {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SnapshotRef {
            graph: &self.inner,
            labels: &self.labels,
            rel_types: &self.rel_types,
            keys: &self.keys,
            meta: &self.meta,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for PropertyGraph {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Snapshot::deserialize(deserializer)?;
        if s.keys.get_index_of(NAME_KEY) != Some(0) {
            return Err(serde::de::Error::custom("property key 0 must be 'name'"));
        }
        let mut g = PropertyGraph {
            inner: s.graph,
            labels: s.labels,
            rel_types: s.rel_types,
            keys: s.keys,
            by_label: Vec::new(),
            by_type: Vec::new(),
            by_name: IndexMap::default(),
            meta: s.meta,
        };
        // Version 1 files could store a null property; null means absent, and the current
        // format refuses it, so drop it here or the next save would write an unreadable file.
        fn drop_nulls(props: &mut Props) {
            if props.iter().any(|(_, v)| v.is_null()) {
                *props = std::mem::take(props).into_vec().into_iter().filter(|(_, v)| !v.is_null()).collect();
            }
        }
        g.inner.node_weights_mut().for_each(|n| drop_nulls(&mut n.props));
        g.inner.edge_weights_mut().for_each(|r| drop_nulls(&mut r.props));
        g.rebuild_indices().map_err(serde::de::Error::custom)?;
        Ok(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (PropertyGraph, NodeId, NodeId, RelId) {
        let mut g = PropertyGraph::new();
        let a = g.add_node(["ArmedGroup"], [("name", Value::from("JNIM"))]).unwrap();
        let b = g.add_node(["Force"], [("name", Value::from("Malian army"))]).unwrap();
        let r = g.add_relationship(a, b, "ATTACKED", [("mentions", Value::Int(1))]).unwrap();
        (g, a, b, r)
    }

    #[test]
    fn many_nodes_of_one_name_are_indexed_and_removed_in_any_order() {
        // Issue 13: removal was a scan of the other nodes of the name (quadratic in bulk).
        let mut g = PropertyGraph::new();
        let ids: Vec<NodeId> = (0..6).map(|_| g.add_node(["T"], [("name", Value::from("x"))]).unwrap()).collect();
        for gone in [ids[2], ids[0], ids[5]] {
            g.remove_node(gone, false).unwrap();
        }
        let mut left = g.nodes_by_name("x").to_vec();
        left.sort();
        assert_eq!(left, [ids[1], ids[3], ids[4]]);
        g.set_node_property(ids[3], "name", Value::from("y")).unwrap();
        for gone in [ids[4], ids[1]] {
            g.remove_node(gone, false).unwrap();
        }
        assert!(g.nodes_by_name("x").is_empty());
        assert_eq!(g.nodes_by_name("y"), [ids[3]]);
        assert_eq!(g.names().count(), 1);
    }

    #[test]
    fn indices_follow_mutations() {
        let (mut g, a, b, r) = sample();
        assert_eq!(g.nodes_by_name("JNIM"), [a]);
        assert_eq!(g.nodes_with_label("Force").collect::<Vec<_>>(), [b]);
        assert_eq!(g.relationships_with_type("ATTACKED").collect::<Vec<_>>(), [r]);
        g.set_node_property(a, "name", Value::from("Jama'at Nusrat al-Islam")).unwrap();
        assert!(g.nodes_by_name("JNIM").is_empty());
        assert_eq!(g.nodes_by_name("Jama'at Nusrat al-Islam"), [a]);
        g.remove_label(b, "Force").unwrap();
        assert_eq!(g.label_count("Force"), 0);
        g.remove_relationship(r).unwrap();
        assert_eq!(g.rel_type_count("ATTACKED"), 0);
    }

    #[test]
    fn removing_connected_node_needs_detach() {
        let (mut g, a, _, _) = sample();
        assert!(matches!(g.remove_node(a, false), Err(GraphError::NodeHasRelationships { count: 1, .. })));
        assert_eq!(g.node_count(), 2);
        g.remove_node(a, true).unwrap();
        assert_eq!((g.node_count(), g.relationship_count()), (1, 0));
        assert!(g.nodes_by_name("JNIM").is_empty());
    }

    #[test]
    fn removed_elements_come_back_under_their_ids_newest_first() {
        let (mut g, a, b, r) = sample();
        let c = g.add_node(["Place"], [("name", Value::from("Gao"))]).unwrap();
        let s = g.add_relationship(c, a, "NEAR", [("km", Value::Int(3))]).unwrap();
        let before = g.clone();
        // Delete a with its relationships, then add elements that reuse the freed ids.
        let mut log = Vec::new();
        for rel in [r, s] {
            log.push(Err(g.take_relationship(rel).unwrap()));
        }
        log.push(Ok(g.take_node(a).unwrap()));
        let n = g.add_node(["New"], [("name", Value::from("Kidal"))]).unwrap();
        let e = g.add_relationship(n, b, "NEAR", std::iter::empty::<(&str, Value)>()).unwrap();
        assert_eq!((n, e), (a, s), "freed ids are handed out newest first");
        // Taking back: the additions first, then the removals, newest first.
        g.remove_relationship(e).unwrap();
        g.remove_node(n, false).unwrap();
        for removed in log.into_iter().rev() {
            match removed {
                Ok(node) => assert_eq!(g.restore_node(node).unwrap(), a),
                Err(rel) => {
                    let id = rel.id();
                    assert_eq!(g.restore_relationship(rel).unwrap(), id);
                }
            }
        }
        assert_eq!(g, before);
        assert_eq!(g.nodes_by_name("JNIM"), [a]);
        assert_eq!(g.relationships_with_type("ATTACKED").collect::<Vec<_>>(), [r]);
        assert_eq!(g.nodes_with_label("ArmedGroup").collect::<Vec<_>>(), [a]);
        // Out of order: the id is not the next free one, and nothing changes.
        let first = g.take_node(c).err();
        assert!(matches!(first, Some(GraphError::NodeHasRelationships { .. })));
        let gone_r = g.take_relationship(r).unwrap();
        let gone_s = g.take_relationship(s).unwrap();
        let counts = (g.node_count(), g.relationship_count());
        assert!(matches!(g.restore_relationship(gone_r), Err(GraphError::RestoreOutOfOrder { .. })));
        assert_eq!((g.node_count(), g.relationship_count()), counts);
        assert_eq!(g.restore_relationship(gone_s).unwrap(), s);
    }

    #[test]
    fn ids_survive_deletions() {
        let (mut g, a, b, _) = sample();
        let c = g.add_node(["Place"], [("name", Value::from("Gao"))]).unwrap();
        g.remove_node(a, true).unwrap();
        assert_eq!(g.node_property(c, "name"), Some(&Value::from("Gao")));
        assert_eq!(g.node_property(b, "name"), Some(&Value::from("Malian army")));
    }

    #[test]
    fn adjacency_by_direction_and_type() {
        let (mut g, a, b, r) = sample();
        let s = g.add_relationship(a, a, "CONTROLS", std::iter::empty::<(&str, Value)>()).unwrap();
        let t = g.rel_type_id("ATTACKED");
        assert_eq!(g.relationships_of(a, Direction::Outgoing, t).map(|x| x.rel).collect::<Vec<_>>(), [r]);
        assert_eq!(g.relationships_of(b, Direction::Incoming, None).map(|x| x.other).collect::<Vec<_>>(), [a]);
        assert_eq!(g.degree(a, Direction::Both), 2, "self-loop counted once");
        assert_eq!(g.find_relationship(b, a, "ATTACKED", true), Some(r));
        assert_eq!(g.find_relationship(b, a, "ATTACKED", false), None);
        assert_eq!(g.find_relationship(a, a, "CONTROLS", false), Some(s));
    }

    #[test]
    fn merge_entity_adds_aliases_once() {
        let mut g = PropertyGraph::new();
        let (id, created) = g.merge_entity("JNIM", ["ArmedGroup"], ["نصرة الإسلام"]).unwrap();
        assert!(created);
        let (id2, created2) = g.merge_entity("JNIM", ["ArmedGroup"], ["نصرة الإسلام", "GSIM"]).unwrap();
        assert_eq!((id, false), (id2, created2));
        assert_eq!(g.node_property(id, "aliases"), Some(&Value::List(vec!["نصرة الإسلام".into(), "GSIM".into()])));
    }

    #[test]
    fn nodes_cannot_be_stored_as_properties() {
        let (mut g, a, _, _) = sample();
        let v = Value::Node(Box::new(g.node_value(a).unwrap()));
        assert!(matches!(g.set_node_property(a, "self", v), Err(GraphError::InvalidPropertyValue { .. })));
    }

    #[test]
    fn codec_keeps_ids_holes_and_index_positions() {
        let (mut g, a, b, r) = sample();
        let c = g.add_node(["Place", "Town"], [("name", Value::from("Gao")), ("pop", Value::Int(-7))]).unwrap();
        let d = g.add_node(std::iter::empty::<&str>(), [("name", Value::from("Gao"))]).unwrap();
        let s = g.add_relationship(c, b, "ATTACKED", [("w", Value::Float(0.5))]).unwrap();
        let t = g.add_relationship(b, c, "ATTACKED", [("l", Value::List(vec![Value::Null, "x".into()]))]).unwrap();
        g.add_relationship(c, d, "NEAR", std::iter::empty::<(&str, Value)>()).unwrap();
        g.remove_relationship(r).unwrap();
        g.remove_node(a, true).unwrap();
        g.meta_mut().insert("m".into(), Value::Map([("k".to_string(), Value::Bool(true))].into()));
        let mut bytes = Vec::new();
        g.encode(&mut bytes).unwrap();
        let mut back = PropertyGraph::decode(&bytes[..], bytes.len() as u64).unwrap();
        assert_eq!(back, g);
        assert!(!back.contains_node(a) && !back.contains_relationship(r));
        assert_eq!(back.nodes_by_name("Gao"), [c, d]);
        assert_eq!(back.relationships_with_type("ATTACKED").collect::<Vec<_>>(), [s, t]);
        // The stored positions let removal keep the type index exact.
        back.remove_relationship(s).unwrap();
        assert_eq!(back.relationships_with_type("ATTACKED").collect::<Vec<_>>(), [t]);
        back.remove_relationship(t).unwrap();
        assert_eq!(back.rel_type_count("ATTACKED"), 0);
        let n = back.add_node(["Place"], [("name", Value::from("Kidal"))]).unwrap();
        let e = back.add_relationship(n, c, "ATTACKED", std::iter::empty::<(&str, Value)>()).unwrap();
        assert_eq!(back.relationships_with_type("ATTACKED").collect::<Vec<_>>(), [e]);
        assert_eq!(back.endpoints(e), Some((n, c)));
        // Every cut of the payload is refused, never a panic.
        for len in 0..bytes.len() {
            assert!(PropertyGraph::decode(&bytes[..len], len as u64).is_err(), "cut at {len}");
        }
    }

    #[test]
    fn serde_round_trip_rebuilds_indices() {
        let (mut g, a, _, _) = sample();
        g.remove_node(a, true).unwrap();
        g.add_node(["X"], [("name", Value::from("new"))]).unwrap();
        let json = serde_json::to_string(&g).unwrap();
        let back: PropertyGraph = serde_json::from_str(&json).unwrap();
        assert_eq!(back, g);
        assert_eq!(back.nodes_by_name("new").len(), 1);
    }
}
