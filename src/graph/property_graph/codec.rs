//! The graph's own binary layout (the payload of `.kg` format versions 2 and 3): interned names,
//! metadata, then every node slot and every relationship slot in id order, holes included, so
//! ids survive a save and load. Decoding is one pass that builds the petgraph storage (sized up
//! front) and every index as it goes; no serde, no intermediate structures.
//!
//! ```text
//! payload   := names(labels) names(types) names(keys) map(meta)
//!              varint(node slots) node*  varint(rel slots) rel*
//! names     := varint(n) (string varint(uses))*
//!              uses: nodes per label, relationships per type, distinct names for key 0, else 0
//! node      := varint(0)                                  a hole (deleted node)
//!            | varint(labels + 1) varint(label)* props
//! rel       := varint(0)                                  a hole (deleted relationship)
//!            | varint(type + 1) varint(start) varint(end) props
//! props     := varint(n) (varint(key) value)*
//! value     := 0 null | 1 false | 2 true | 3 zigzag-varint int | 4 f64 little-endian
//!            | 5 string | 6 varint(n) value* (list) | 7 map
//!            | 8 varint(kind) string                  a temporal (version 3) as its ISO text;
//!              kind: 0 date, 1 localtime, 2 time, 3 localdatetime, 4 datetime, 5 duration
//! map       := varint(n) (string value)*
//! string    := varint(byte length) UTF-8 bytes
//! ```
//!
//! Varints are LEB128 (7 bits a byte, low first). The decoder trusts nothing: every id is
//! checked against its table, every count against the bytes left (each element takes at least
//! one byte), nesting is limited to [`MAX_DEPTH`], and reservations are capped, so a damaged
//! payload that slipped past the checksum ends in [`CodecError::Invalid`], never a panic or
//! an allocation out of proportion to the payload.

use std::io::{self, Read, Write};

use indexmap::{IndexMap, IndexSet};
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeIndexable, NodeIndexable};

use super::{
    index_name, Hasher, KeyId, LabelId, Labels, NameIds, NodeData, NodeId, PropertyGraph, RelData, RelId, RelTypeId,
    NAME_KEY,
};
use crate::graph::temporal::Temporal;
use crate::graph::value::{PropertyMap, Value};

/// The constructor names of temporal kinds, indexed by their tag in the payload.
const TEMPORAL_KINDS: [&str; 6] = ["date", "localtime", "time", "localdatetime", "datetime", "duration"];

/// Relationships decoded before they are linked into the graph (see [`PropertyGraph::decode`]).
const EDGE_BATCH: usize = 256;

/// The deepest nesting of lists and maps a property value may have to be saved.
pub const MAX_DEPTH: usize = crate::graph::value::MAX_NESTING;

/// Why encoding or decoding failed.
#[derive(Debug)]
pub enum CodecError {
    /// Reading or writing failed.
    Io(io::Error),
    /// The graph cannot be encoded, or the payload is not a valid graph (the message says why).
    Invalid(String),
}

impl From<io::Error> for CodecError {
    fn from(e: io::Error) -> Self {
        CodecError::Io(e)
    }
}

fn invalid<T>(message: impl Into<String>) -> Result<T, CodecError> {
    Err(CodecError::Invalid(message.into()))
}

// ----- encoding ------------------------------------------------------------------------------

/// Buffers output in 64 KiB chunks so the writer (and its checksum) sees few, large writes.
struct Out<'a, W: Write> {
    w: &'a mut W,
    buf: Vec<u8>,
}

const CHUNK: usize = 64 << 10;

impl<W: Write> Out<'_, W> {
    #[inline]
    fn reserve(&mut self, n: usize) -> Result<(), CodecError> {
        if self.buf.len() + n > CHUNK {
            self.w.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    #[inline]
    fn varint(&mut self, mut v: u64) -> Result<(), CodecError> {
        self.reserve(10)?;
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
        Ok(())
    }

    fn bytes(&mut self, b: &[u8]) -> Result<(), CodecError> {
        self.varint(b.len() as u64)?;
        if b.len() > CHUNK {
            self.w.write_all(&self.buf)?;
            self.buf.clear();
            self.w.write_all(b)?;
        } else {
            self.reserve(b.len())?;
            self.buf.extend_from_slice(b);
        }
        Ok(())
    }

    fn value(&mut self, v: &Value, depth: usize) -> Result<(), CodecError> {
        if depth > MAX_DEPTH {
            return invalid(format!("a property value is nested more than {MAX_DEPTH} levels deep"));
        }
        match v {
            Value::Null => self.varint(0),
            Value::Bool(b) => self.varint(1 + u64::from(*b)),
            Value::Int(i) => {
                self.varint(3)?;
                self.varint(((*i << 1) ^ (*i >> 63)) as u64)
            }
            Value::Float(f) => {
                self.varint(4)?;
                self.reserve(8)?;
                self.buf.extend_from_slice(&f.to_le_bytes());
                Ok(())
            }
            Value::String(s) => {
                self.varint(5)?;
                self.bytes(s.as_bytes())
            }
            Value::List(items) => {
                self.varint(6)?;
                self.varint(items.len() as u64)?;
                items.iter().try_for_each(|x| self.value(x, depth + 1))
            }
            Value::Map(map) => {
                self.varint(7)?;
                self.map(map, depth + 1)
            }
            Value::Temporal(t) => {
                let kind = TEMPORAL_KINDS.iter().position(|k| *k == t.function_name()).unwrap_or(0);
                self.varint(8)?;
                self.varint(kind as u64)?;
                self.bytes(t.to_string().as_bytes())
            }
            Value::Node(_) | Value::Relationship(_) | Value::Path(_) | Value::NodeRef(_) | Value::RelRef(_) => {
                invalid(format!("a {} cannot be stored in a graph file", v.type_name().to_lowercase()))
            }
        }
    }

    fn map(&mut self, map: &PropertyMap, depth: usize) -> Result<(), CodecError> {
        self.varint(map.len() as u64)?;
        for (k, v) in map {
            self.bytes(k.as_bytes())?;
            self.value(v, depth)?;
        }
        Ok(())
    }

    fn props(&mut self, props: &[(KeyId, Value)]) -> Result<(), CodecError> {
        self.varint(props.len() as u64)?;
        for (k, v) in props {
            self.varint(u64::from(k.0))?;
            self.value(v, 1)?;
        }
        Ok(())
    }

    fn names(&mut self, names: &IndexSet<String, Hasher>, uses: impl Fn(usize) -> usize) -> Result<(), CodecError> {
        self.varint(names.len() as u64)?;
        for (i, n) in names.iter().enumerate() {
            self.bytes(n.as_bytes())?;
            self.varint(uses(i) as u64)?;
        }
        Ok(())
    }
}

impl PropertyGraph {
    /// Writes the graph in the layout of the module documentation.
    ///
    /// # Errors
    /// [`CodecError::Io`] when writing fails, [`CodecError::Invalid`] for a metadata value that
    /// cannot be stored (a node, relationship or path) or one nested too deeply.
    pub(crate) fn encode(&self, w: &mut impl Write) -> Result<(), CodecError> {
        let mut out = Out { w, buf: Vec::with_capacity(CHUNK) };
        out.names(&self.labels, |i| self.by_label[i].len())?;
        out.names(&self.rel_types, |i| self.by_type[i].len())?;
        out.names(&self.keys, |i| if i == 0 { self.by_name.len() } else { 0 })?;
        out.map(&self.meta, 1)?;
        let g = &self.inner;
        out.varint(g.node_bound() as u64)?;
        for i in 0..g.node_bound() {
            match g.node_weight(NodeIndex::new(i)) {
                None => out.varint(0)?,
                Some(n) => {
                    out.varint(n.labels.len() as u64 + 1)?;
                    for l in n.labels.iter() {
                        out.varint(u64::from(l.0))?;
                    }
                    out.props(&n.props)?;
                }
            }
        }
        out.varint(g.edge_bound() as u64)?;
        for i in 0..g.edge_bound() {
            let e = EdgeIndex::new(i);
            match (g.edge_weight(e), g.edge_endpoints(e)) {
                (Some(r), Some((a, b))) => {
                    out.varint(u64::from(r.rel_type.0) + 1)?;
                    out.varint(a.index() as u64)?;
                    out.varint(b.index() as u64)?;
                    out.props(&r.props)?;
                }
                _ => out.varint(0)?,
            }
        }
        out.w.write_all(&out.buf)?;
        Ok(())
    }

    /// Reads a graph written by [`PropertyGraph::encode`] from `r`, which must yield exactly
    /// `len` bytes (the caller checks that nothing follows).
    ///
    /// # Errors
    /// [`CodecError::Io`] when reading fails, [`CodecError::Invalid`] for any payload that is
    /// not a graph.
    pub(crate) fn decode(r: impl Read, len: u64) -> Result<PropertyGraph, CodecError> {
        let mut inp = In { r, buf: vec![0; CHUNK].into_boxed_slice(), pos: 0, end: 0, left: len, budget: len };
        let (labels, label_uses) = inp.names("label")?;
        let (rel_types, type_uses) = inp.names("relationship type")?;
        let (keys, key_uses) = inp.names("property key")?;
        if keys.get_index_of(NAME_KEY) != Some(0) {
            return invalid("property key 0 must be 'name'");
        }
        let meta = inp.map(1)?;
        let (nl, nt, nk) = (labels.len(), rel_types.len(), keys.len());
        // Reservations: each claim is checked against bytes of the payload that only it can
        // account for (a label id, a relationship's endpoints and property count, a name's key,
        // tag and length), so a lying count cannot reserve more than a small multiple of the file.
        let label_uses: Vec<usize> =
            label_uses.iter().map(|&c| inp.claim("label uses", c, 1)).collect::<Result<_, _>>()?;
        let type_uses: Vec<usize> =
            type_uses.iter().map(|&c| inp.claim("type uses", c, 3)).collect::<Result<_, _>>()?;
        let names = inp.claim("names", key_uses[0], 3)?;

        let node_slots = inp.varint()?;
        let node_slots = inp.claim("node slots", node_slots, 1)?;
        let mut inner: StableDiGraph<NodeData, RelData, u32> = StableDiGraph::with_capacity(node_slots + 1, 0);
        let mut by_label: Vec<IndexSet<NodeId, Hasher>> =
            label_uses.iter().map(|&c| IndexSet::with_capacity_and_hasher(c, Hasher::default())).collect();
        let mut by_name: IndexMap<Box<str>, NameIds, Hasher> =
            IndexMap::with_capacity_and_hasher(names, Hasher::default());
        let mut holes: Vec<u32> = Vec::new();
        let mut label_buf = Vec::new();
        for i in 0..node_slots {
            let id = NodeId(i as u32);
            let n = inp.varint()?;
            if n == 0 {
                holes.push(i as u32);
                inner.add_node(NodeData::default());
                continue;
            }
            label_buf.clear();
            for _ in 1..n {
                if label_buf.len() >= nl {
                    return invalid(format!("node {i} has more labels than there are"));
                }
                let l = inp.id("label", nl)?;
                label_buf.push(LabelId(l));
                by_label[l as usize].insert(id);
            }
            let props = inp.props(nk)?;
            if let Some((_, Value::String(name))) = props.iter().find(|(k, _)| *k == KeyId(0)) {
                index_name(&mut by_name, name, id);
            }
            let labels = match label_buf[..] {
                [one] => Labels::One(one),
                _ => Labels::Many(label_buf.as_slice().into()),
            };
            inner.add_node(NodeData { labels, props });
        }

        let rel_slots = inp.varint()?;
        let rel_slots = inp.claim("relationship slots", rel_slots, 1)?;
        // Holes among the relationships are kept by adding placeholder relationships: self-loops
        // on one extra node, which is removed (with them, each at the head of its lists) at the end.
        let placeholder = NodeIndex::new(node_slots);
        inner.add_node(NodeData::default());
        for &i in &holes {
            inner.remove_node(NodeIndex::new(i as usize));
        }
        inner.reserve_exact_edges(rel_slots);
        let mut live = vec![u64::MAX; node_slots.div_ceil(64)];
        for &i in &holes {
            live[i as usize / 64] &= !(1 << (i % 64));
        }
        let is_live = |n: u32| live[n as usize / 64] & (1 << (n % 64)) != 0;
        let mut by_type: Vec<Vec<RelId>> = type_uses.iter().map(|&c| Vec::with_capacity(c)).collect();
        // Relationships are linked into the adjacency lists in batches: linking touches two
        // nodes at random places per relationship. A first, tiny loop reads them all, so the
        // processor overlaps those cache misses instead of waiting for each in turn.
        let mut batch: Vec<(u32, u32, RelData)> = Vec::with_capacity(EDGE_BATCH);
        let flush = |inner: &mut StableDiGraph<NodeData, RelData, u32>, batch: &mut Vec<(u32, u32, RelData)>| {
            let live = batch
                .iter()
                .filter(|(a, b, _)| {
                    inner.contains_node(NodeIndex::new(*a as usize)) & inner.contains_node(NodeIndex::new(*b as usize))
                })
                .count();
            std::hint::black_box(live);
            for (a, b, data) in batch.drain(..) {
                inner.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), data);
            }
        };
        for i in 0..rel_slots {
            let t = inp.varint()?;
            if t == 0 {
                let data = RelData { rel_type: RelTypeId(0), pos: 0, props: Box::new([]) };
                batch.push((node_slots as u32, node_slots as u32, data));
            } else {
                let t = u32::try_from(t - 1).ok().filter(|&t| (t as usize) < nt);
                let Some(t) = t else { return invalid(format!("relationship {i} has an unknown type")) };
                let a = inp.id("start node", node_slots)?;
                let b = inp.id("end node", node_slots)?;
                if !is_live(a) || !is_live(b) {
                    return invalid(format!("relationship {i} joins a deleted node"));
                }
                let props = inp.props(nk)?;
                let list = &mut by_type[t as usize];
                let pos = list.len() as u32;
                list.push(RelId(i as u32));
                batch.push((a, b, RelData { rel_type: RelTypeId(t), pos, props }));
            }
            if batch.len() == EDGE_BATCH {
                flush(&mut inner, &mut batch);
            }
        }
        flush(&mut inner, &mut batch);
        debug_assert_eq!(inner.edge_count(), rel_slots);
        inner.remove_node(placeholder);
        if inp.left > 0 {
            return invalid("bytes left over after the graph");
        }
        Ok(PropertyGraph { inner, labels, rel_types, keys, by_label, by_type, by_name, meta })
    }
}

// ----- decoding ------------------------------------------------------------------------------

/// A buffered reader that knows how many payload bytes are left, so every count can be checked
/// against them before anything is reserved.
struct In<R: Read> {
    r: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    /// Payload bytes not yet consumed (buffered or not).
    left: u64,
    /// Payload bytes not yet claimed by a reservation (see [`In::claim`]).
    budget: u64,
}

impl<R: Read> In<R> {
    #[cold]
    fn fill(&mut self) -> Result<(), CodecError> {
        loop {
            match self.r.read(&mut self.buf) {
                Ok(0) => return invalid("the payload ends early"),
                Ok(n) => {
                    self.pos = 0;
                    self.end = n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    #[inline]
    fn byte(&mut self) -> Result<u8, CodecError> {
        if self.pos == self.end {
            if self.left == 0 {
                return invalid("the payload ends early");
            }
            self.fill()?;
        }
        let b = self.buf[self.pos];
        self.pos += 1;
        self.left -= 1;
        Ok(b)
    }

    #[inline]
    fn varint(&mut self) -> Result<u64, CodecError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                if shift == 63 && b > 1 {
                    break;
                }
                return Ok(v);
            }
        }
        invalid("a number is too large")
    }

    /// An id below `bound`.
    #[inline]
    fn id(&mut self, what: &str, bound: usize) -> Result<u32, CodecError> {
        let v = self.varint()?;
        match u32::try_from(v) {
            Ok(v) if (v as usize) < bound => Ok(v),
            _ => invalid(format!("{what} id {v} out of range (only {bound} defined)")),
        }
    }

    /// A count of elements that take at least `min_bytes` each, checked against the bytes left.
    fn count(&mut self, what: &str, min_bytes: u64) -> Result<usize, CodecError> {
        let n = self.varint()?;
        if n.saturating_mul(min_bytes) > self.left || n > u64::from(u32::MAX) {
            return invalid(format!("{n} {what} claimed, more than the payload can hold"));
        }
        Ok(n as usize)
    }

    /// Checks a count `n` of elements that each account for at least `bytes_each` payload bytes
    /// no other claim accounts for, against the bytes not yet claimed.
    fn claim(&mut self, what: &str, n: u64, bytes_each: u64) -> Result<usize, CodecError> {
        let need = n.saturating_mul(bytes_each);
        if need > self.budget || n >= u64::from(u32::MAX - 1) {
            return invalid(format!("{n} {what} claimed, more than the payload can hold"));
        }
        self.budget -= need;
        Ok(n as usize)
    }

    fn string(&mut self) -> Result<String, CodecError> {
        let n = self.count("string bytes", 1)?;
        let mut bytes = Vec::with_capacity(n);
        while bytes.len() < n {
            if self.pos == self.end {
                self.fill()?;
            }
            let take = (n - bytes.len()).min(self.end - self.pos);
            bytes.extend_from_slice(&self.buf[self.pos..self.pos + take]);
            self.pos += take;
            self.left -= take as u64;
        }
        String::from_utf8(bytes).or_else(|_| invalid("a string is not valid UTF-8"))
    }

    fn names(&mut self, what: &str) -> Result<(IndexSet<String, Hasher>, Vec<u64>), CodecError> {
        let n = self.count("names", 2)?;
        let mut names = IndexSet::with_capacity_and_hasher(n, Hasher::default());
        let mut uses = Vec::with_capacity(n);
        for _ in 0..n {
            if !names.insert(self.string()?) {
                return invalid(format!("a {what} is listed twice"));
            }
            uses.push(self.varint()?);
        }
        Ok((names, uses))
    }

    fn value(&mut self, depth: usize) -> Result<Value, CodecError> {
        if depth > MAX_DEPTH {
            return invalid(format!("a value is nested more than {MAX_DEPTH} levels deep"));
        }
        Ok(match self.varint()? {
            0 => Value::Null,
            1 => Value::Bool(false),
            2 => Value::Bool(true),
            3 => {
                let z = self.varint()?;
                Value::Int(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            4 => {
                let mut b = [0u8; 8];
                for x in &mut b {
                    *x = self.byte()?;
                }
                Value::Float(f64::from_le_bytes(b))
            }
            5 => Value::String(self.string()?),
            6 => {
                let n = self.count("list items", 1)?;
                let mut items = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Value::List(items)
            }
            7 => Value::Map(self.map(depth + 1)?),
            8 => {
                let kind = self.varint()?;
                let Some(kind) = usize::try_from(kind).ok().and_then(|k| TEMPORAL_KINDS.get(k)) else {
                    return invalid(format!("unknown temporal kind {kind}"));
                };
                let text = self.string()?;
                match Temporal::parse(kind, &text) {
                    Ok(t) => Value::from(t),
                    Err(e) => return invalid(format!("a stored {kind} '{text}' does not read back: {e}")),
                }
            }
            t => return invalid(format!("unknown value tag {t}")),
        })
    }

    fn map(&mut self, depth: usize) -> Result<PropertyMap, CodecError> {
        let n = self.count("map entries", 2)?;
        let mut map = PropertyMap::new();
        for _ in 0..n {
            let k = self.string()?;
            let v = self.value(depth)?;
            map.insert(k, v);
        }
        Ok(map)
    }

    #[inline]
    fn props(&mut self, nk: usize) -> Result<Box<[(KeyId, Value)]>, CodecError> {
        let n = self.count("properties", 2)?;
        let mut props = Vec::with_capacity(n.min(nk));
        for _ in 0..n {
            let k = KeyId(self.id("property key", nk)?);
            let v = self.value(1)?;
            if v.is_null() {
                return invalid("a property is null");
            }
            props.push((k, v));
        }
        Ok(props.into_boxed_slice())
    }
}
