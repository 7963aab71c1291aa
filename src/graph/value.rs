//! Property and result values with openCypher's comparison rules.
//!
//! [`Value`] is the one value type of kgraph: properties stored on nodes and relationships use the
//! scalar, list and map variants; query results, parameters and exports may also hold
//! materialized nodes, relationships and paths (never stored as properties). This module owns
//! three distinct notions of comparison, as openCypher defines them:
//!
//! - [`Value::equals`]: the `=` operator, three-valued (`None` is Cypher's `null`);
//! - [`Value::compare`]: the `<`/`>` operators, `None` when the two values are not comparable;
//! - [`Value::order`]: the total order of `ORDER BY` across all types;
//!
//! and equivalence (`Eq` + `Hash`), used by `DISTINCT`, grouping and `UNION`, under which `null`
//! equals `null`, `NaN` equals `NaN` and `1` equals `1.0`.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use super::property_graph::{NodeId, RelId};
use super::temporal::Temporal;

/// A map of property keys to values, ordered by key so output is deterministic.
pub type PropertyMap = BTreeMap<String, Value>;

/// A value: scalar, list, map, or a materialized graph element.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub enum Value {
    /// Cypher's `null`: a missing or unknown value.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A 64-bit signed integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A UTF-8 string.
    String(String),
    /// An ordered list of values.
    List(#[serde(deserialize_with = "nested")] Vec<Value>),
    /// A map from string keys to values.
    Map(#[serde(deserialize_with = "nested")] PropertyMap),
    /// A node, materialized with its labels and properties (results only).
    Node(Box<NodeValue>),
    /// A relationship, materialized with its type, endpoints and properties (results only).
    Relationship(Box<RelationshipValue>),
    /// A path of alternating nodes and relationships (results only).
    Path(Box<PathValue>),
    /// A date, time, date-time or duration (boxed: most values are smaller). Not part of the
    /// serde form, which only the `.kg` format version 1 used.
    #[serde(skip)]
    Temporal(Box<Temporal>),
    /// A node of the graph by id alone: what query rows carry until a result is materialized
    /// (the same node as a [`Value::Node`] with that id). Never stored, never serialized.
    #[serde(skip)]
    NodeRef(NodeId),
    /// A relationship by id and endpoints, as rows carry it (the same relationship as a
    /// [`Value::Relationship`] with that id). Never stored, never serialized.
    #[serde(skip)]
    RelRef(RelRef),
}

/// A relationship of the graph by id, with its endpoints (what `startNode`, `endNode` and path
/// building need without a look into the graph).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RelRef {
    /// The relationship.
    pub id: RelId,
    /// Its start node.
    pub start: NodeId,
    /// Its end node.
    pub end: NodeId,
}

/// Which kind of graph element a value is, for comparing thin and materialized forms.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Element {
    Node,
    Relationship,
}

/// A node as it appears in a result: its id, labels and properties.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeValue {
    /// The node's id in the graph it came from.
    pub id: u64,
    /// Labels in the order they were added.
    pub labels: Vec<String>,
    /// Properties, ordered by key.
    pub properties: PropertyMap,
}

/// A relationship as it appears in a result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationshipValue {
    /// The relationship's id in the graph it came from.
    pub id: u64,
    /// Its one type, e.g. `ATTACKED`.
    pub rel_type: String,
    /// Id of the start node.
    pub start: u64,
    /// Id of the end node.
    pub end: u64,
    /// Properties, ordered by key.
    pub properties: PropertyMap,
}

impl NodeValue {
    /// A node value with its id alone (what a thin reference shows when the node is gone).
    pub fn from_id(id: NodeId) -> Self {
        NodeValue { id: id.as_u64(), labels: Vec::new(), properties: PropertyMap::new() }
    }
}

impl RelationshipValue {
    /// A relationship value with id and endpoints alone.
    pub fn from_ref(r: RelRef) -> Self {
        RelationshipValue {
            id: r.id.as_u64(),
            rel_type: String::new(),
            start: r.start.as_u64(),
            end: r.end.as_u64(),
            properties: PropertyMap::new(),
        }
    }
}

/// A path: `nodes.len() == relationships.len() + 1`; each relationship's start/end says which
/// way it points relative to the path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathValue {
    /// The nodes along the path, first to last.
    pub nodes: Vec<NodeValue>,
    /// The relationships between consecutive nodes.
    pub relationships: Vec<RelationshipValue>,
}

impl Value {
    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The node's id, for a node in either form.
    pub fn node_id(&self) -> Option<NodeId> {
        match self {
            Value::NodeRef(id) => Some(*id),
            Value::Node(n) => Some(NodeId(n.id as u32)),
            _ => None,
        }
    }

    /// The relationship's id, for a relationship in either form.
    pub fn rel_id(&self) -> Option<RelId> {
        match self {
            Value::RelRef(r) => Some(r.id),
            Value::Relationship(r) => Some(RelId(r.id as u32)),
            _ => None,
        }
    }

    /// The relationship's id and endpoints, for a relationship in either form.
    pub fn rel_ref(&self) -> Option<RelRef> {
        match self {
            Value::RelRef(r) => Some(*r),
            Value::Relationship(r) => {
                Some(RelRef { id: RelId(r.id as u32), start: NodeId(r.start as u32), end: NodeId(r.end as u32) })
            }
            _ => None,
        }
    }

    /// Graph elements in either form, by kind and id.
    fn element(&self) -> Option<(Element, u64)> {
        match self {
            Value::Node(n) => Some((Element::Node, n.id)),
            Value::NodeRef(id) => Some((Element::Node, id.as_u64())),
            Value::Relationship(r) => Some((Element::Relationship, r.id)),
            Value::RelRef(r) => Some((Element::Relationship, r.id.as_u64())),
            _ => None,
        }
    }

    /// Whether this value may be stored as a property (no nodes, relationships or paths, also
    /// not inside lists or maps).
    pub fn is_storable(&self) -> bool {
        match self {
            Value::Node(_) | Value::Relationship(_) | Value::Path(_) | Value::NodeRef(_) | Value::RelRef(_) => false,
            Value::List(items) => items.iter().all(Value::is_storable),
            Value::Map(map) => map.values().all(Value::is_storable),
            _ => true,
        }
    }

    /// The openCypher type name of this value (`INTEGER`, `STRING`, `NODE`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Bool(_) => "BOOLEAN",
            Value::Int(_) => "INTEGER",
            Value::Float(_) => "FLOAT",
            Value::String(_) => "STRING",
            Value::List(_) => "LIST",
            Value::Map(_) => "MAP",
            Value::Node(_) | Value::NodeRef(_) => "NODE",
            Value::Relationship(_) | Value::RelRef(_) => "RELATIONSHIP",
            Value::Path(_) => "PATH",
            Value::Temporal(t) => t.type_name(),
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer inside, if this is an integer.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// Cypher's `=`: `None` when the answer is `null` (a null operand, or a null inside lists
    /// or maps that decides the outcome).
    pub fn equals(&self, other: &Value) -> Option<bool> {
        use Value::*;
        match (self, other) {
            (Null, _) | (_, Null) => None,
            (Bool(a), Bool(b)) => Some(a == b),
            (Int(a), Int(b)) => Some(a == b),
            (Float(a), Float(b)) => Some(a == b),
            (Int(a), Float(b)) | (Float(b), Int(a)) => Some(int_float_cmp(*a, *b) == Some(Ordering::Equal)),
            (String(a), String(b)) => Some(a == b),
            (List(a), List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                equals_all(a.iter().zip(b))
            }
            (Map(a), Map(b)) => {
                if a.len() != b.len() || a.keys().zip(b.keys()).any(|(x, y)| x != y) {
                    return Some(false);
                }
                equals_all(a.values().zip(b.values()))
            }
            (Node(_) | NodeRef(_) | Relationship(_) | RelRef(_), _) => Some(self.element() == other.element()),
            (Temporal(a), Temporal(b)) => Some(a.equals(b)),
            (Path(a), Path(b)) => Some(
                a.nodes.len() == b.nodes.len()
                    && a.nodes.iter().zip(&b.nodes).all(|(x, y)| x.id == y.id)
                    && a.relationships.iter().zip(&b.relationships).all(|(x, y)| x.id == y.id),
            ),
            _ => Some(false),
        }
    }

    /// Cypher's `<`, `<=`, `>`, `>=`: the ordering of two comparable values, `None` (null) when
    /// either is null, NaN is involved, or the types cannot be compared.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        use Value::*;
        match (self, other) {
            (Int(a), Int(b)) => Some(a.cmp(b)),
            (Float(a), Float(b)) => a.partial_cmp(b),
            (Int(a), Float(b)) => int_float_cmp(*a, *b),
            (Float(a), Int(b)) => int_float_cmp(*b, *a).map(Ordering::reverse),
            (String(a), String(b)) => Some(a.cmp(b)),
            (Bool(a), Bool(b)) => Some(a.cmp(b)),
            (List(a), List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    match x.compare(y)? {
                        Ordering::Equal => {}
                        other => return Some(other),
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            (Temporal(a), Temporal(b)) => a.compare(b),
            _ => None,
        }
    }

    /// The total order of `ORDER BY` (ascending): maps, nodes, relationships, lists, paths,
    /// temporals (date-times, local date-times, dates, times, local times, durations), strings,
    /// booleans, numbers (NaN after all other numbers), then null last.
    pub fn order(&self, other: &Value) -> Ordering {
        use Value::*;
        let (ra, rb) = (self.order_rank(), other.order_rank());
        if ra != rb {
            return ra.cmp(&rb);
        }
        match (self, other) {
            (Int(_) | Float(_), Int(_) | Float(_)) => {
                let (na, nb) = (self.is_nan(), other.is_nan());
                match (na, nb) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => self.compare(other).unwrap_or(Ordering::Equal),
                }
            }
            (String(a), String(b)) => a.cmp(b),
            (Bool(a), Bool(b)) => a.cmp(b),
            (List(a), List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    match x.order(y) {
                        Ordering::Equal => {}
                        other => return other,
                    }
                }
                a.len().cmp(&b.len())
            }
            (Map(a), Map(b)) => {
                for ((ka, va), (kb, vb)) in a.iter().zip(b.iter()) {
                    match ka.cmp(kb).then_with(|| va.order(vb)) {
                        Ordering::Equal => {}
                        other => return other,
                    }
                }
                a.len().cmp(&b.len())
            }
            (Node(_) | NodeRef(_) | Relationship(_) | RelRef(_), _) => self.element().cmp(&other.element()),
            (Temporal(a), Temporal(b)) => a.order(b),
            (Path(a), Path(b)) => {
                let ka = a.nodes.iter().map(|n| n.id).chain(a.relationships.iter().map(|r| r.id));
                let kb = b.nodes.iter().map(|n| n.id).chain(b.relationships.iter().map(|r| r.id));
                ka.cmp(kb)
            }
            _ => Ordering::Equal,
        }
    }

    fn order_rank(&self) -> u8 {
        match self {
            Value::Map(_) => 0,
            Value::Node(_) | Value::NodeRef(_) => 1,
            Value::Relationship(_) | Value::RelRef(_) => 2,
            Value::List(_) => 3,
            Value::Path(_) => 4,
            Value::Temporal(_) => 5,
            Value::String(_) => 6,
            Value::Bool(_) => 7,
            Value::Int(_) | Value::Float(_) => 8,
            Value::Null => 9,
        }
    }

    fn is_nan(&self) -> bool {
        matches!(self, Value::Float(f) if f.is_nan())
    }
}

/// Cypher's `=` over paired elements: false if any pair differs, else null if any pair is null,
/// else true.
fn equals_all<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Option<bool> {
    let mut unknown = false;
    for (x, y) in pairs {
        match x.equals(y) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

/// 2^63, the first float above every `i64`.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// Compares an integer with a float exactly (no precision loss for large integers).
fn int_float_cmp(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f >= TWO_POW_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_POW_63 {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    match i.cmp(&(t as i64)) {
        Ordering::Equal if f > t => Some(Ordering::Less),
        Ordering::Equal if f < t => Some(Ordering::Greater),
        other => Some(other),
    }
}

/// Equivalence: `null ≡ null`, `NaN ≡ NaN`, `1 ≡ 1.0`; graph elements by id.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Null, Null) => true,
            (Float(a), Float(b)) if a.is_nan() && b.is_nan() => true,
            (List(a), List(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y),
            (Map(a), Map(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0 && x.1 == y.1),
            _ => self.equals(other).unwrap_or(false),
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Value::Null => 0u8.hash(state),
            Value::Bool(b) => (1u8, b).hash(state),
            Value::Int(i) => (2u8, *i).hash(state),
            Value::Float(f) => {
                // Integral floats hash like the integer they equal, to agree with `eq`.
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    (2u8, *f as i64).hash(state)
                } else if f.is_nan() {
                    3u8.hash(state)
                } else {
                    (3u8, f.to_bits()).hash(state)
                }
            }
            Value::String(s) => (4u8, s).hash(state),
            Value::List(items) => {
                5u8.hash(state);
                items.len().hash(state);
                items.iter().for_each(|v| v.hash(state));
            }
            Value::Map(map) => {
                6u8.hash(state);
                map.len().hash(state);
                map.iter().for_each(|(k, v)| {
                    k.hash(state);
                    v.hash(state)
                });
            }
            Value::Node(n) => (7u8, n.id).hash(state),
            Value::NodeRef(id) => (7u8, id.as_u64()).hash(state),
            Value::Relationship(r) => (8u8, r.id).hash(state),
            Value::RelRef(r) => (8u8, r.id.as_u64()).hash(state),
            Value::Path(p) => {
                9u8.hash(state);
                p.nodes.iter().for_each(|n| n.id.hash(state));
                p.relationships.iter().for_each(|r| r.id.hash(state));
            }
            Value::Temporal(t) => {
                10u8.hash(state);
                t.hash(state);
            }
        }
    }
}

macro_rules! value_from {
    ($($t:ty => $variant:ident $(as $cast:ty)?),* $(,)?) => {
        $(impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::$variant((v $(as $cast)?).into())
            }
        })*
    };
}

impl From<Temporal> for Value {
    fn from(t: Temporal) -> Value {
        Value::Temporal(Box::new(t))
    }
}

value_from!(bool => Bool, i64 => Int, i32 => Int as i64, u32 => Int as i64, f64 => Float,
    String => String, &str => String, Vec<Value> => List, PropertyMap => Map);

/// The deepest nesting of lists and maps a value may have: the evaluator refuses to build a
/// deeper one and the decoders to read one, so every pass over a value (printing, comparing,
/// saving, dropping) stays within the stack.
pub const MAX_NESTING: usize = 256;

thread_local! {
    static NESTING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Deserializes the contents of a list or map one level deeper, failing past [`MAX_NESTING`]
/// (serde's derived code would otherwise recurse as deep as the input says).
fn nested<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    struct Level;
    impl Drop for Level {
        fn drop(&mut self) {
            NESTING.with(|n| n.set(n.get().saturating_sub(1)));
        }
    }
    let depth = NESTING.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    let _level = Level;
    if depth > MAX_NESTING {
        return Err(serde::de::Error::custom(format!(
            "a value nests lists and maps more than {MAX_NESTING} levels deep"
        )));
    }
    T::deserialize(d)
}

/// The nesting depth of lists and maps in `v` (a scalar is 0), counted up to `cap + 1`.
pub fn nesting(v: &Value, cap: usize) -> usize {
    let inner = |items: &mut dyn Iterator<Item = &Value>| {
        if cap == 0 {
            return 1;
        }
        1 + items.map(|x| nesting(x, cap - 1)).max().unwrap_or(0)
    };
    match v {
        Value::List(items) => inner(&mut items.iter()),
        Value::Map(m) => inner(&mut m.values()),
        _ => 0,
    }
}

/// How many characters of user input an error message quotes before cutting it with `…`.
pub const QUOTE_LIMIT: usize = 80;

/// `s` cut to [`QUOTE_LIMIT`] characters (with `…` when cut), for quoting user input in error
/// messages: a 100 MB line must not come back as a 100 MB message.
pub fn clip(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(QUOTE_LIMIT) {
        Some((at, _)) => format!("{}…", &s[..at]).into(),
        None => s.into(),
    }
}

/// Writes `s` as a single-quoted Cypher string literal, escaping quotes, backslashes and
/// control characters.
pub fn write_cypher_string(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    out.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\'' => out.write_str("\\'")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c if c.is_control() => write!(out, "\\u{:04X}", c as u32)?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('\'')
}

/// Writes a map key, backtick-quoted unless it is a plain identifier.
pub fn write_cypher_name(out: &mut impl fmt::Write, name: &str) -> fmt::Result {
    let plain = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        out.write_str(name)
    } else {
        write!(out, "`{}`", name.replace('`', "``"))
    }
}

fn write_props(f: &mut fmt::Formatter<'_>, props: &PropertyMap, leading_space: bool) -> fmt::Result {
    if props.is_empty() {
        return Ok(());
    }
    if leading_space {
        f.write_char(' ')?;
    }
    f.write_char('{')?;
    for (i, (k, v)) in props.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_cypher_name(f, k)?;
        write!(f, ": {v}")?;
    }
    f.write_char('}')
}

impl fmt::Display for NodeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('(')?;
        for l in &self.labels {
            f.write_char(':')?;
            write_cypher_name(f, l)?;
        }
        write_props(f, &self.properties, !self.labels.is_empty())?;
        f.write_char(')')
    }
}

impl fmt::Display for RelationshipValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[:")?;
        write_cypher_name(f, &self.rel_type)?;
        write_props(f, &self.properties, true)?;
        f.write_char(']')
    }
}

impl fmt::Display for PathValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('<')?;
        if let Some(first) = self.nodes.first() {
            write!(f, "{first}")?;
        }
        for (rel, node) in self.relationships.iter().zip(self.nodes.iter().skip(1)) {
            if rel.end == node.id && rel.start != node.id || rel.start == rel.end {
                write!(f, "-{rel}->{node}")?;
            } else {
                write!(f, "<-{rel}-{node}")?;
            }
        }
        f.write_char('>')
    }
}

/// Cypher notation, as cypher-shell and the openCypher TCK print values: `'JNIM'`, `1.0`,
/// `[1, 2]`, `{k: 'v'}`, `(:ArmedGroup {name: 'JNIM'})`, `[:ATTACKED {mentions: 2}]`; a
/// temporal as its ISO 8601 text, `2024-09-17` (use [`write_cypher_literal`] for text that
/// reads back as the same value).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write_float(f, *x),
            Value::String(s) => write_cypher_string(f, s),
            Value::List(items) => {
                f.write_char('[')?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_char(']')
            }
            Value::Map(map) => {
                f.write_char('{')?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_cypher_name(f, k)?;
                    write!(f, ": {v}")?;
                }
                f.write_char('}')
            }
            Value::Node(n) => write!(f, "{n}"),
            Value::Relationship(r) => write!(f, "{r}"),
            // Thin references show what an element with no labels, type or properties shows.
            Value::NodeRef(_) => f.write_str("()"),
            Value::RelRef(_) => f.write_str("[:]"),
            Value::Path(p) => write!(f, "{p}"),
            Value::Temporal(t) => write!(f, "{t}"),
        }
    }
}

/// Floats always show a fraction or exponent so they read back as floats: `1.0`, `1.5e300`.
fn write_float(f: &mut impl fmt::Write, x: f64) -> fmt::Result {
    if x.is_nan() {
        f.write_str("NaN")
    } else if x.is_infinite() {
        f.write_str(if x > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        let s = format!("{x:?}");
        f.write_str(&s)
    }
}

/// A property value as the storage hands it out: borrowed from an owned graph, a string read
/// in place from a mapped file, or a value decoded for this one read (numbers, lists, maps and
/// temporals of a mapped file). The read seam between the graph's layout and its readers:
/// callers compare and print through it and own a [`Value`] only when they keep one.
#[derive(Clone, Debug)]
pub enum ValueRef<'a> {
    /// A value the storage holds as a [`Value`].
    Borrowed(&'a Value),
    /// A string read in place.
    Str(&'a str),
    /// A value decoded for this read; never a string (strings are [`ValueRef::Str`]).
    Decoded(Value),
}

impl<'a> ValueRef<'a> {
    /// The string, borrowed for as long as the storage, if the value is a string.
    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            ValueRef::Borrowed(Value::String(s)) => Some(s),
            ValueRef::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if the value is an integer.
    pub fn as_int(&self) -> Option<i64> {
        self.as_value().as_int()
    }

    /// The value as a [`Value`], borrowed where the storage holds one, else built (a string
    /// read in place is copied).
    pub fn as_value(&self) -> std::borrow::Cow<'_, Value> {
        match self {
            ValueRef::Borrowed(v) => std::borrow::Cow::Borrowed(*v),
            ValueRef::Str(s) => std::borrow::Cow::Owned(Value::String((*s).to_string())),
            ValueRef::Decoded(v) => std::borrow::Cow::Borrowed(v),
        }
    }

    /// An owned copy of the value.
    pub fn to_value(&self) -> Value {
        self.as_value().into_owned()
    }

    /// The value, owned (no copy when it was decoded for this read).
    pub fn into_value(self) -> Value {
        match self {
            ValueRef::Borrowed(v) => v.clone(),
            ValueRef::Str(s) => Value::String(s.to_string()),
            ValueRef::Decoded(v) => v,
        }
    }
}

impl<'a> From<&'a Value> for ValueRef<'a> {
    fn from(v: &'a Value) -> Self {
        ValueRef::Borrowed(v)
    }
}

impl PartialEq<Value> for ValueRef<'_> {
    /// Equivalence as [`Value`]'s `PartialEq` defines it, without copying a string.
    fn eq(&self, other: &Value) -> bool {
        match (self.as_str(), other) {
            (Some(a), Value::String(b)) => a == b,
            (Some(_), _) => false,
            (None, _) => *self.as_value() == *other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    #[test]
    fn equality_is_three_valued() {
        assert_eq!(Value::Int(1).equals(&Value::Float(1.0)), Some(true));
        assert_eq!(Value::Int(1).equals(&Value::Null), None);
        assert_eq!(Value::Int(1).equals(&Value::from("1")), Some(false));
        assert_eq!(list(vec![1.into(), Value::Null]).equals(&list(vec![2.into(), Value::Null])), Some(false));
        assert_eq!(list(vec![1.into(), Value::Null]).equals(&list(vec![1.into(), Value::Null])), None);
        assert_eq!(Value::Float(f64::NAN).equals(&Value::Float(f64::NAN)), Some(false));
    }

    #[test]
    fn comparison_only_within_comparable_types() {
        assert_eq!(Value::Int(1).compare(&Value::Float(1.5)), Some(Ordering::Less));
        assert_eq!(Value::from("a").compare(&Value::Int(1)), None);
        assert_eq!(Value::Float(f64::NAN).compare(&Value::Int(1)), None);
        assert_eq!(Value::Int(i64::MAX).compare(&Value::Float(TWO_POW_63)), Some(Ordering::Less));
    }

    #[test]
    fn order_by_ranks_types_then_values() {
        let mut values = [
            Value::Null,
            Value::Float(f64::NAN),
            Value::Int(2),
            Value::Float(1.5),
            Value::Bool(true),
            Value::from("b"),
            list(vec![]),
            Value::Map(PropertyMap::new()),
        ];
        values.sort_by(Value::order);
        let names: Vec<String> = values.iter().map(Value::to_string).collect();
        assert_eq!(names, ["{}", "[]", "'b'", "true", "1.5", "2", "NaN", "null"]);
    }

    #[test]
    fn equivalence_for_grouping() {
        use std::collections::HashSet;
        let set: HashSet<Value> = [
            Value::Int(1),
            Value::Float(1.0),
            Value::Null,
            Value::Null,
            Value::Float(f64::NAN),
            Value::Float(f64::NAN),
        ]
        .into_iter()
        .collect();
        assert_eq!(set.len(), 3);
    }

    #[test]
    fn display_uses_cypher_notation() {
        let node = NodeValue {
            id: 1,
            labels: vec!["ArmedGroup".into()],
            properties: [("name".to_string(), Value::from("it's"))].into_iter().collect(),
        };
        assert_eq!(Value::Node(Box::new(node)).to_string(), r"(:ArmedGroup {name: 'it\'s'})");
        assert_eq!(Value::Float(1.0).to_string(), "1.0");
        assert_eq!(list(vec![Value::Int(1), Value::from("x")]).to_string(), "[1, 'x']");
    }

    #[test]
    fn a_value_ref_compares_and_copies_like_the_value() {
        let owned = Value::from("Gao");
        let borrowed = ValueRef::from(&owned);
        let in_place = ValueRef::Str("Gao");
        assert_eq!(borrowed.as_str(), Some("Gao"));
        assert_eq!(in_place.as_str(), Some("Gao"));
        assert!(in_place == owned && borrowed == owned);
        assert!(in_place != Value::Int(1));
        assert_eq!(in_place.to_value(), owned);
        let decoded = ValueRef::Decoded(Value::Int(7));
        assert_eq!(decoded.as_int(), Some(7));
        assert_eq!(decoded.as_str(), None);
        assert!(decoded == Value::Float(7.0));
        assert_eq!(decoded.into_value(), Value::Int(7));
    }
}
