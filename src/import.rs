//! Triples from other extractors (`kg import`): parse TSV or JSON Lines into [`Triple`]s, then
//! merge them into a graph.
//!
//! TSV has a header line naming its columns: `subject`, `relation` and `object` are required,
//! `subject_label` and `object_label` optional, and every further column becomes a relationship
//! property. The output of `kg extract --format tsv` is valid input. JSON Lines has one object
//! per line: `{"subject": …, "relation": …, "object": …, "subject_label": …,
//! "object_label": …, "properties": {…}}`. Blank lines and lines starting with `#` are skipped.
//!
//! Parsing collects one [`LineError`] per bad line and keeps going, so the caller can report
//! them all and decide whether to import the rest. Merging finds entities by name
//! ([`PropertyGraph::merge_entity`]) and a relationship by its endpoints and type (either
//! direction for the symmetric `TRUCE_BETWEEN` and `ALLIED_WITH`); a repeated triple adds to the
//! relationship's `mentions` instead of creating a second one.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::graph::{clip, GraphError, NodeId, PropertyGraph, RelId, Value};

/// Relationship types stored once and matched in either direction.
pub const SYMMETRIC_TYPES: [&str; 2] = ["TRUCE_BETWEEN", "ALLIED_WITH"];

/// The input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Tab-separated values with a header line.
    Tsv,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// The format by file extension (`.tsv`, `.tab`, `.jsonl`, `.ndjson`, `.json`), else by
    /// content: JSON Lines when the first meaningful line starts with `{`.
    pub fn detect(path: &Path, bytes: &[u8]) -> Format {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("tsv" | "tab") => Format::Tsv,
            Some("jsonl" | "ndjson" | "json") => Format::Jsonl,
            _ => {
                let first = lines(bytes).find_map(|(_, l)| {
                    let l = String::from_utf8_lossy(l);
                    let t = l.trim_start();
                    (!t.is_empty() && !t.starts_with('#')).then(|| t.starts_with('{'))
                });
                if first == Some(true) {
                    Format::Jsonl
                } else {
                    Format::Tsv
                }
            }
        }
    }
}

/// One relationship to merge, with the line it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Triple {
    /// 1-based line number in the input.
    pub line: usize,
    /// Name of the start entity.
    pub subject: String,
    /// The relationship type.
    pub relation: String,
    /// Name of the end entity.
    pub object: String,
    /// A label for the subject, if given.
    pub subject_label: Option<String>,
    /// A label for the object, if given.
    pub object_label: Option<String>,
    /// Relationship properties (no nulls).
    pub properties: Vec<(String, Value)>,
}

/// A line that could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, where one is known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl LineError {
    fn new(line: usize, message: impl Into<String>) -> LineError {
        LineError { line, column: None, message: message.into() }
    }

    /// The error as `ORIGIN:LINE[:COL]: message`.
    pub fn display<'a>(&'a self, origin: &'a str) -> impl fmt::Display + 'a {
        struct D<'a>(&'a LineError, &'a str);
        impl fmt::Display for D<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}:{}", self.1, self.0.line)?;
                if let Some(c) = self.0.column {
                    write!(f, ":{c}")?;
                }
                write!(f, ": {}", self.0.message)
            }
        }
        D(self, origin)
    }
}

/// The parsed input: good triples and the errors of bad lines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    /// Triples of the good lines, in input order.
    pub triples: Vec<Triple>,
    /// One error per bad line, in input order.
    pub errors: Vec<LineError>,
}

/// Parses a whole input.
///
/// # Errors
/// A [`LineError`] for a TSV header that is missing or lacks a required column; nothing can be
/// read without it. Bad data lines are collected in [`Parsed::errors`] instead.
pub fn parse(bytes: &[u8], format: Format) -> Result<Parsed, LineError> {
    match format {
        Format::Tsv => parse_tsv(bytes),
        Format::Jsonl => Ok(parse_jsonl(bytes)),
    }
}

/// Lines with 1-based numbers, without their `\n` or `\r\n`.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let nonempty = !bytes.is_empty();
    nonempty
        .then(|| body.split(|b| *b == b'\n'))
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
}

/// The meaningful lines: decoded, neither blank nor comments; undecodable lines as errors.
fn text_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, Result<&str, LineError>)> {
    let bom = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    lines(bom).filter_map(|(n, l)| match std::str::from_utf8(l) {
        Ok(s) if s.trim().is_empty() || s.trim_start().starts_with('#') => None,
        Ok(s) => Some((n, Ok(s))),
        Err(e) => {
            Some((n, Err(LineError { line: n, column: Some(e.valid_up_to() + 1), message: "invalid UTF-8".into() })))
        }
    })
}

struct Columns {
    subject: usize,
    relation: usize,
    object: usize,
    subject_label: Option<usize>,
    object_label: Option<usize>,
    names: Vec<String>,
}

fn parse_tsv(bytes: &[u8]) -> Result<Parsed, LineError> {
    let mut it = text_lines(bytes);
    let Some((n, header)) = it.next() else {
        return Err(LineError::new(1, "empty input: expected a header line `subject<TAB>relation<TAB>object`"));
    };
    let cols = parse_header(n, header?)?;
    let mut out = Parsed::default();
    for (n, line) in it {
        match line.and_then(|l| tsv_triple(n, l, &cols)) {
            Ok(t) => out.triples.push(t),
            Err(e) => out.errors.push(e),
        }
    }
    Ok(out)
}

fn parse_header(n: usize, line: &str) -> Result<Columns, LineError> {
    let names: Vec<String> = line.split('\t').map(|c| c.trim().to_string()).collect();
    let find = |want: &str| names.iter().position(|c| c == want);
    let (Some(subject), Some(relation), Some(object)) = (find("subject"), find("relation"), find("object")) else {
        let missing: Vec<&str> = ["subject", "relation", "object"].into_iter().filter(|c| find(c).is_none()).collect();
        return Err(LineError::new(
            n,
            format!(
                "the header must name the tab-separated columns subject, relation and object; missing {} (found '{}')",
                missing.join(", "),
                clip(line)
            ),
        ));
    };
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(LineError::new(n, format!("header column {} has no name", i + 1)));
        }
        if names[..i].contains(name) {
            return Err(LineError::new(n, format!("header names column '{}' twice", clip(name))));
        }
    }
    Ok(Columns {
        subject,
        relation,
        object,
        subject_label: find("subject_label"),
        object_label: find("object_label"),
        names,
    })
}

fn tsv_triple(n: usize, line: &str, cols: &Columns) -> Result<Triple, LineError> {
    let fields: Vec<&str> = line.split('\t').collect();
    if fields.len() != cols.names.len() {
        return Err(LineError::new(
            n,
            format!("expected {} tab-separated fields as in the header, found {}", cols.names.len(), fields.len()),
        ));
    }
    let label = |i: Option<usize>| i.map(|i| fields[i].trim()).filter(|s| !s.is_empty()).map(str::to_string);
    let fixed = [Some(cols.subject), Some(cols.relation), Some(cols.object), cols.subject_label, cols.object_label];
    let mut properties: Vec<(String, Value)> = fields
        .iter()
        .enumerate()
        .filter(|(i, _)| !fixed.contains(&Some(*i)))
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(i, v)| (cols.names[i].clone(), infer_value(v.trim())))
        .collect();
    date_column(&mut properties);
    triple(
        n,
        fields[cols.subject],
        fields[cols.relation],
        fields[cols.object],
        label(cols.subject_label),
        label(cols.object_label),
        properties,
    )
}

/// The `date` column of `kg extract`'s TSV (`2024-09-17`, `2024-09`, `2024`) stored as
/// `kg build` stores it: a `Date` with its `date_precision`.
fn date_column(properties: &mut Vec<(String, Value)>) {
    let Some(i) = properties.iter().position(|(k, _)| k == "date") else { return };
    let Some(d) = properties[i].1.as_str().and_then(crate::extract::PartialDate::parse_iso) else { return };
    properties[i].1 = crate::extract::merge::date_value(d);
    if !properties.iter().any(|(k, _)| k == "date_precision") {
        properties.push(("date_precision".to_string(), Value::from(d.precision().as_str())));
    }
}

/// A TSV field as a typed value: integers, floats and booleans as such, everything else a string.
fn infer_value(s: &str) -> Value {
    if let Ok(i) = s.parse::<i64>() {
        return Value::Int(i);
    }
    if s.contains(['.', 'e', 'E']) && s.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'-' || b == b'.') {
        if let Ok(f) = s.parse::<f64>() {
            if f.is_finite() {
                return Value::Float(f);
            }
        }
    }
    match s {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::from(s),
    }
}

fn triple(
    n: usize,
    subject: &str,
    relation: &str,
    object: &str,
    subject_label: Option<String>,
    object_label: Option<String>,
    properties: Vec<(String, Value)>,
) -> Result<Triple, LineError> {
    let (subject, relation, object) = (subject.trim(), relation.trim(), object.trim());
    for (what, v) in [("subject", subject), ("relation", relation), ("object", object)] {
        if v.is_empty() {
            return Err(LineError::new(n, format!("empty {what}")));
        }
    }
    if relation.contains(char::is_whitespace) {
        return Err(LineError::new(n, format!("relation '{}' must be one word, e.g. ATTACKED", clip(relation))));
    }
    for label in [&subject_label, &object_label].into_iter().flatten() {
        if label.contains(char::is_whitespace) {
            return Err(LineError::new(n, format!("label '{}' must be one word, e.g. ArmedGroup", clip(label))));
        }
    }
    Ok(Triple {
        line: n,
        subject: subject.to_string(),
        relation: relation.to_string(),
        object: object.to_string(),
        subject_label,
        object_label,
        properties,
    })
}

fn parse_jsonl(bytes: &[u8]) -> Parsed {
    let mut out = Parsed::default();
    for (n, line) in text_lines(bytes) {
        match line.and_then(|l| json_triple(n, l)) {
            Ok(t) => out.triples.push(t),
            Err(e) => out.errors.push(e),
        }
    }
    out
}

fn json_triple(n: usize, line: &str) -> Result<Triple, LineError> {
    let doc: serde_json::Value = serde_json::from_str(line).map_err(|e| LineError {
        line: n,
        column: Some(e.column().max(1)),
        message: format!("invalid JSON: {e}"),
    })?;
    let serde_json::Value::Object(obj) = doc else {
        return Err(LineError::new(n, "expected a JSON object {\"subject\": …, \"relation\": …, \"object\": …}"));
    };
    let string = |key: &str, required: bool| -> Result<Option<String>, LineError> {
        match obj.get(key) {
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            None | Some(serde_json::Value::Null) if !required => Ok(None),
            None | Some(serde_json::Value::Null) => Err(LineError::new(n, format!("missing \"{key}\""))),
            Some(other) => {
                Err(LineError::new(n, format!("\"{key}\" must be a string, found {}", clip(&other.to_string()))))
            }
        }
    };
    const KNOWN: [&str; 6] = ["subject", "relation", "object", "subject_label", "object_label", "properties"];
    if let Some(k) = obj.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(LineError::new(n, format!("unknown field \"{}\"; put extra data under \"properties\"", clip(k))));
    }
    let properties = match obj.get("properties") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Object(map)) => {
            map.iter().map(|(k, v)| (k.clone(), json_value(v))).filter(|(_, v)| !v.is_null()).collect()
        }
        Some(other) => {
            return Err(LineError::new(
                n,
                format!("\"properties\" must be an object, found {}", clip(&other.to_string())),
            ))
        }
    };
    let (s, r, o) = (string("subject", true)?, string("relation", true)?, string("object", true)?);
    let labels = (string("subject_label", false)?, string("object_label", false)?);
    let nonempty = |l: Option<String>| l.filter(|s| !s.trim().is_empty()).map(|s| s.trim().to_string());
    triple(
        n,
        &s.unwrap_or_default(),
        &r.unwrap_or_default(),
        &o.unwrap_or_default(),
        nonempty(labels.0),
        nonempty(labels.1),
        properties,
    )
}

fn json_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(x) => {
            x.as_i64().map_or_else(|| Value::Float(x.as_f64().unwrap_or(f64::NAN)), Value::Int)
        }
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(items) => Value::List(items.iter().map(json_value).collect()),
        serde_json::Value::Object(map) => Value::Map(map.iter().map(|(k, v)| (k.clone(), json_value(v))).collect()),
    }
}

/// What [`merge_triples`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeSummary {
    /// Triples merged.
    pub triples: usize,
    /// Entities created.
    pub new_entities: usize,
    /// Relationships created.
    pub new_relationships: usize,
    /// Triples that matched an existing relationship (its `mentions` grew).
    pub repeated: usize,
}

/// Merges triples into a graph: entities by name, relationships by endpoints and type.
///
/// A new relationship gets the triple's properties and `mentions` (the triple's own `mentions`
/// property if it is an integer, else 1). A repeat adds its `mentions` to the relationship's,
/// appends a new `doc` to the `sources` list and a new `evidence` to the `evidence` list, and
/// sets other properties the relationship does not have yet (the first value wins).
///
/// # Errors
/// A [`GraphError`] if the graph refuses a change (never for parsed triples).
pub fn merge_triples(graph: &mut PropertyGraph, triples: &[Triple]) -> Result<MergeSummary, GraphError> {
    let pairs = PairIndex::new(graph, triples);
    merge_with(graph, triples, pairs)
}

fn merge_with(graph: &mut PropertyGraph, triples: &[Triple], mut pairs: PairIndex) -> Result<MergeSummary, GraphError> {
    let mut summary = MergeSummary { triples: triples.len(), ..MergeSummary::default() };
    for t in triples {
        let (s, new_s) = graph.merge_entity(&t.subject, &t.subject_label, std::iter::empty::<&str>())?;
        let (o, new_o) = graph.merge_entity(&t.object, &t.object_label, std::iter::empty::<&str>())?;
        summary.new_entities += usize::from(new_s) + usize::from(new_o);
        let symmetric = SYMMETRIC_TYPES.contains(&t.relation.as_str());
        let mentions = t.properties.iter().find(|(k, _)| k == "mentions").and_then(|(_, v)| v.as_int()).unwrap_or(1);
        let doc = t.properties.iter().find(|(k, _)| k == "doc").map(|(_, v)| v.clone());
        let evidence = t.properties.iter().find(|(k, _)| k == "evidence").map(|(_, v)| v.clone());
        match pairs.find(graph, s, o, &t.relation, symmetric) {
            None => {
                let mut props: Vec<(String, Value)> =
                    t.properties.iter().filter(|(k, _)| k != "mentions" && k != "evidence").cloned().collect();
                props.push(("mentions".into(), Value::Int(mentions)));
                if let Some(d) = doc {
                    props.push(("sources".into(), Value::List(vec![d])));
                }
                if let Some(e) = evidence {
                    props.push(("evidence".into(), Value::List(vec![e])));
                }
                let r = graph.add_relationship(s, o, &t.relation, props)?;
                pairs.insert(s, o, &t.relation, symmetric, r);
                summary.new_relationships += 1;
            }
            Some(r) => {
                let old = graph.rel_property(r, "mentions").and_then(Value::as_int).unwrap_or(0);
                graph.set_rel_property(r, "mentions", Value::Int(old.saturating_add(mentions)))?;
                for (key, item) in [("sources", doc), ("evidence", evidence)] {
                    if let Some(item) = item {
                        append_distinct(graph, r, key, item)?;
                    }
                }
                for (k, v) in &t.properties {
                    if !matches!(k.as_str(), "mentions" | "evidence") && graph.rel_property(r, k).is_none() {
                        graph.set_rel_property(r, k, v.clone())?;
                    }
                }
                summary.repeated += 1;
            }
        }
    }
    Ok(summary)
}

/// Finds the relationship a triple merges into. A hub entity may have tens of thousands of
/// relationships, and scanning its adjacency for every triple makes a large import quadratic;
/// so a large batch (relative to the graph) first indexes the existing relationships of its
/// types by endpoints, and small batches into large graphs scan as before.
enum PairIndex {
    Scan,
    Map(HashMap<(NodeId, NodeId, String), RelId>),
}

impl PairIndex {
    /// Index when the batch has at least 1/16 as many triples as the graph has relationships.
    fn new(graph: &PropertyGraph, triples: &[Triple]) -> PairIndex {
        if graph.relationship_count() > 16 * triples.len() {
            PairIndex::Scan
        } else {
            PairIndex::build(graph, triples)
        }
    }

    fn build(graph: &PropertyGraph, triples: &[Triple]) -> PairIndex {
        let mut types: Vec<&str> = triples.iter().map(|t| t.relation.as_str()).collect();
        types.sort_unstable();
        types.dedup();
        let mut map = HashMap::new();
        for t in types {
            let symmetric = SYMMETRIC_TYPES.contains(&t);
            for r in graph.relationships_with_type(t) {
                if let Some((a, b)) = graph.endpoints(r) {
                    map.entry(Self::key(a, b, t, symmetric)).or_insert(r);
                }
            }
        }
        PairIndex::Map(map)
    }

    fn key(a: NodeId, b: NodeId, t: &str, symmetric: bool) -> (NodeId, NodeId, String) {
        let (a, b) = if symmetric && b < a { (b, a) } else { (a, b) };
        (a, b, t.to_string())
    }

    fn find(&self, graph: &PropertyGraph, s: NodeId, o: NodeId, t: &str, symmetric: bool) -> Option<RelId> {
        match self {
            PairIndex::Scan => graph.find_relationship(s, o, t, symmetric),
            PairIndex::Map(map) => map.get(&Self::key(s, o, t, symmetric)).copied(),
        }
    }

    fn insert(&mut self, s: NodeId, o: NodeId, t: &str, symmetric: bool, r: RelId) {
        if let PairIndex::Map(map) = self {
            map.entry(Self::key(s, o, t, symmetric)).or_insert(r);
        }
    }
}

fn append_distinct(graph: &mut PropertyGraph, r: RelId, key: &str, item: Value) -> Result<(), GraphError> {
    let mut list = match graph.rel_property(r, key) {
        Some(Value::List(items)) => items.clone(),
        Some(other) => vec![other.clone()],
        None => Vec::new(),
    };
    if !list.contains(&item) {
        list.push(item);
        graph.set_rel_property(r, key, Value::List(list))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "subject\trelation\tobject\tsubject_label\tobject_label\tdoc\n\
        JNIM\tATTACKED\tMalian army\tArmedGroup\tForce\td1\n\
        # a comment\n\
        \n\
        JNIM\tATTACKED\tMalian army\t\t\td2\n\
        Mali\tALLIED_WITH\tRussia\tState\tState\td1\n\
        Russia\tALLIED_WITH\tMali\t\t\td3\n";

    #[test]
    fn eight_and_nine_column_extract_tsv() {
        let old = "subject\trelation\tobject\tsubject_label\tobject_label\tdoc\tsentence\tevidence\n\
                   JNIM\tATTACKED\tGao\tArmedGroup\tPlace\td\t0\tJNIM attacked Gao.\n";
        let new = "subject\trelation\tobject\tsubject_label\tobject_label\tdoc\tsentence\tevidence\tdate\n\
                   JNIM\tATTACKED\tGao\tArmedGroup\tPlace\td\t0\tJNIM attacked Gao.\t2024-09\n\
                   JNIM\tATTACKED\tBoni\tArmedGroup\tPlace\td\t1\tJNIM attacked Boni.\t\n";
        let old = parse(old.as_bytes(), Format::Tsv).unwrap();
        assert!(old.errors.is_empty() && old.triples[0].properties.iter().all(|(k, _)| k != "date"));
        let new = parse(new.as_bytes(), Format::Tsv).unwrap();
        assert!(new.errors.is_empty(), "{:?}", new.errors);
        let prop = |t: &Triple, k: &str| t.properties.iter().find(|(n, _)| n == k).map(|(_, v)| v.to_string());
        assert_eq!(prop(&new.triples[0], "date").as_deref(), Some("2024-09-01"));
        assert_eq!(prop(&new.triples[0], "date_precision").as_deref(), Some("'month'"));
        assert_eq!(prop(&new.triples[1], "date"), None);
    }

    #[test]
    fn tsv_repeats_add_mentions_and_sources() {
        let parsed = parse(TSV.as_bytes(), Format::Tsv).unwrap();
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.triples.iter().map(|t| t.line).collect::<Vec<_>>(), [2, 5, 6, 7]);
        let mut g = PropertyGraph::new();
        let s = merge_triples(&mut g, &parsed.triples).unwrap();
        assert_eq!(s, MergeSummary { triples: 4, new_entities: 4, new_relationships: 2, repeated: 2 });
        let jnim = g.nodes_by_name("JNIM")[0];
        let army = g.nodes_by_name("Malian army")[0];
        let r = g.find_relationship(jnim, army, "ATTACKED", false).unwrap();
        assert_eq!(g.rel_property(r, "mentions"), Some(&Value::Int(2)));
        assert_eq!(g.rel_property(r, "sources"), Some(&Value::List(vec!["d1".into(), "d2".into()])));
        assert!(g.has_label(army, "Force"));
        let mali = g.nodes_by_name("Mali")[0];
        let russia = g.nodes_by_name("Russia")[0];
        let ally = g.find_relationship(russia, mali, "ALLIED_WITH", true).unwrap();
        assert_eq!(g.rel_property(ally, "mentions"), Some(&Value::Int(2)), "symmetric relation stored once");
    }

    #[test]
    fn scanning_and_indexed_lookups_merge_the_same_way() {
        let mut big = PropertyGraph::new();
        let hub = big.merge_entity("Hub", ["Place"], std::iter::empty::<&str>()).unwrap().0;
        for i in 0..200 {
            let n = big.merge_entity(&format!("n{i}"), ["Place"], std::iter::empty::<&str>()).unwrap().0;
            big.add_relationship(n, hub, "ALLIED_WITH", [("mentions", Value::Int(1))]).unwrap();
        }
        let tsv = "subject\trelation\tobject\nHub\tALLIED_WITH\tn7\nn8\tALLIED_WITH\tHub\nHub\tATTACKED\tn9\n\
                   Hub\tATTACKED\tn9\nn9\tATTACKED\tHub\nnew\tALLIED_WITH\tn1\nn1\tALLIED_WITH\tnew\n";
        let triples = parse(tsv.as_bytes(), Format::Tsv).unwrap().triples;
        assert!(matches!(PairIndex::new(&big, &triples), PairIndex::Scan), "a small batch into a larger graph scans");
        let (mut scanned, mut indexed) = (big.clone(), big.clone());
        let a = merge_with(&mut scanned, &triples, PairIndex::Scan).unwrap();
        let index = PairIndex::build(&indexed, &triples);
        let b = merge_with(&mut indexed, &triples, index).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, MergeSummary { triples: 7, new_entities: 1, new_relationships: 3, repeated: 4 });
        assert_eq!(scanned, indexed);
        let n7 = scanned.nodes_by_name("n7")[0];
        let r = scanned.find_relationship(hub, n7, "ALLIED_WITH", true).unwrap();
        assert_eq!(scanned.rel_property(r, "mentions"), Some(&Value::Int(2)));
    }

    #[test]
    fn directed_relations_are_not_merged_backwards() {
        let tsv = "subject\trelation\tobject\nA\tATTACKED\tB\nB\tATTACKED\tA\n";
        let mut g = PropertyGraph::new();
        merge_triples(&mut g, &parse(tsv.as_bytes(), Format::Tsv).unwrap().triples).unwrap();
        assert_eq!(g.relationship_count(), 2);
    }

    #[test]
    fn bad_lines_are_numbered_and_collected() {
        let tsv = "subject\trelation\tobject\tyear\nA\tATTACKED\tB\t2020\nA\tATTACKED\nA\tbad type\tB\t1\n\tX\tB\t1\nA\tX\tB\t0.5\n";
        let p = parse(tsv.as_bytes(), Format::Tsv).unwrap();
        let lines: Vec<usize> = p.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert!(p.errors[0].message.contains("expected 4 tab-separated fields"), "{}", p.errors[0].message);
        assert_eq!(p.triples[0].properties, [("year".to_string(), Value::Int(2020))]);
        assert_eq!(p.triples[1].properties, [("year".to_string(), Value::Float(0.5))]);
        assert_eq!(p.errors[2].display("in.tsv").to_string(), "in.tsv:5: empty subject");
    }

    #[test]
    fn header_must_name_required_columns() {
        let e = parse(b"subject\tobject\nA\tB\n", Format::Tsv).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("missing relation"), "{}", e.message);
        assert!(parse(b"", Format::Tsv).is_err());
    }

    #[test]
    fn a_long_header_is_quoted_cut_short() {
        // Issue 13: a 100 MB first line came back whole in the error.
        let line = "x".repeat(100_000);
        let e = parse(format!("{line}\nA\tB\tC\n").as_bytes(), Format::Tsv).unwrap_err();
        assert!(e.message.len() < 300 && e.message.contains("xxx…"), "{} bytes", e.message.len());
    }

    #[test]
    fn jsonl_with_properties_and_errors() {
        let text = concat!(
            r#"{"subject":"JNIM","relation":"CONTROLS","object":"Mopti","object_label":"Place","properties":{"year":2019,"tags":["a",{"k":1.5}]}}"#,
            "\n",
            r#"{"subject":"JNIM","relation":"CONTROLS"}"#,
            "\n",
            r#"{"subject": "JNIM", oops}"#,
            "\n",
            r#"{"subject":"A","relation":"X","object":"B","confidence":0.9}"#,
            "\n",
        );
        let p = parse(text.as_bytes(), Format::Jsonl).unwrap();
        assert_eq!(p.triples.len(), 1);
        assert_eq!(p.triples[0].object_label.as_deref(), Some("Place"));
        let map: crate::graph::PropertyMap = [("k".to_string(), Value::Float(1.5))].into_iter().collect();
        assert!(p.triples[0].properties.contains(&("tags".into(), Value::List(vec!["a".into(), Value::Map(map)]))));
        assert_eq!(p.errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3, 4]);
        assert!(p.errors[0].message.contains("missing \"object\""));
        assert!(p.errors[1].column.is_some());
        assert!(p.errors[2].message.contains("unknown field \"confidence\""));
    }

    #[test]
    fn format_by_extension_then_content() {
        assert_eq!(Format::detect(Path::new("x.jsonl"), b"subject\t"), Format::Jsonl);
        assert_eq!(Format::detect(Path::new("x.tsv"), b"{"), Format::Tsv);
        assert_eq!(Format::detect(Path::new("x.txt"), b"# c\n\n  {\"a\":1}"), Format::Jsonl);
        assert_eq!(Format::detect(Path::new("x"), b"subject\trelation\tobject"), Format::Tsv);
    }

    #[test]
    fn crlf_bom_and_invalid_utf8() {
        let mut bytes = "\u{feff}subject\trelation\tobject\r\nA\tX\tB\r\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"A\tX\t\xff\r\n");
        let p = parse(&bytes, Format::Tsv).unwrap();
        assert_eq!(p.triples[0].object, "B");
        assert_eq!(p.errors[0].line, 3);
        assert!(p.errors[0].message.contains("UTF-8"));
    }
}
