//! Merge an [`Extraction`] into a [`PropertyGraph`] through the graph's public API only.
//!
//! Same canonical name → same node (labels and aliases added, `name_ar` set when missing); a
//! triple seen again → the same relationship with `mentions` incremented and the document and
//! evidence appended to `sources`/`evidence`; symmetric relations (TRUCE_BETWEEN, ALLIED_WITH)
//! are stored once, from the name that sorts first, and found again in either direction. The
//! content hashes of merged documents are kept in the graph's metadata under
//! [`DOCUMENTS_META_KEY`], so building the same document twice changes nothing. A dated
//! relation carries `date` (a Cypher `Date`: the day, or the first day of the month or year)
//! and `date_precision` (`day`, `month`, `year`) of the first document that dated it, and
//! `first_seen`/`last_seen` across all documents.

use crate::graph::temporal::{self, Temporal};
use crate::graph::{GraphError, NodeId, PropertyGraph, Value};

use super::{ExtractedEntity, Extraction, PartialDate};

/// Metadata key: map from document content hash (SHA-256 hex) to document id.
pub const DOCUMENTS_META_KEY: &str = "extract.documents";
/// Most evidence snippets kept on one relationship.
const MAX_EVIDENCE: usize = 20;

/// Counts of what a merge changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeStats {
    /// Documents merged (not seen before).
    pub documents: usize,
    /// Documents skipped because their content hash was already in the graph.
    pub documents_skipped: usize,
    /// Sentences of the merged documents.
    pub sentences: usize,
    /// Entity nodes created.
    pub entities_new: usize,
    /// Entities merged into existing nodes.
    pub entities_merged: usize,
    /// Relationships created.
    pub relations_new: usize,
    /// Relations merged into existing relationships.
    pub relations_merged: usize,
}

impl std::ops::AddAssign for MergeStats {
    fn add_assign(&mut self, o: MergeStats) {
        self.documents += o.documents;
        self.documents_skipped += o.documents_skipped;
        self.sentences += o.sentences;
        self.entities_new += o.entities_new;
        self.entities_merged += o.entities_merged;
        self.relations_new += o.relations_new;
        self.relations_merged += o.relations_merged;
    }
}

fn merge_entity(graph: &mut PropertyGraph, e: &ExtractedEntity, stats: &mut MergeStats) -> Result<NodeId, GraphError> {
    let (id, created) = graph.merge_entity(&e.name, &e.labels, &e.aliases)?;
    if created {
        stats.entities_new += 1;
    } else {
        stats.entities_merged += 1;
    }
    if let Some(ar) = &e.name_ar {
        if graph.node_property(id, "name_ar").is_none() {
            graph.set_node_property(id, "name_ar", Value::from(ar.as_str()))?;
        }
    }
    Ok(id)
}

fn node_for(graph: &mut PropertyGraph, name: &str, label: &str, stats: &mut MergeStats) -> Result<NodeId, GraphError> {
    if let Some(&id) = graph.nodes_by_name(name).first() {
        return Ok(id);
    }
    let (id, created) = graph.merge_entity(name, [label], std::iter::empty::<&str>())?;
    if created {
        stats.entities_new += 1;
    }
    Ok(id)
}

fn push_unique(
    graph: &mut PropertyGraph,
    rel: crate::graph::RelId,
    key: &str,
    item: &str,
    cap: usize,
) -> Result<(), GraphError> {
    let mut list = match graph.rel_property(rel, key) {
        Some(Value::List(v)) => v.clone(),
        _ => Vec::new(),
    };
    if list.len() < cap && !list.iter().any(|v| v.as_str() == Some(item)) {
        list.push(Value::from(item));
        graph.set_rel_property(rel, key, Value::List(list))?;
    }
    Ok(())
}

/// The graph value of an extracted date: a Cypher `Date`, the first day of a month or year
/// (`date_precision` says which). The one place that chooses how dates are stored.
pub fn date_value(d: PartialDate) -> Value {
    let first = PartialDate::from_day(d.first_day());
    temporal::ymd(i64::from(first.year), i64::from(first.month), i64::from(first.day))
        .map_or_else(|_| Value::from(d.to_string().as_str()), |date| Value::from(Temporal::Date(date)))
}

/// The date a `first_seen`/`last_seen` value stands for (a `Date`, or an ISO string from a
/// graph built before dates were `Date`s).
fn seen_date(v: Option<&Value>) -> Option<PartialDate> {
    match v? {
        Value::Temporal(t) => {
            let d = t.date()?;
            PartialDate::ymd(i32::from(d.year()), d.month() as u8, d.day() as u8)
        }
        other => other.as_str().and_then(PartialDate::parse_iso),
    }
}

/// Widen a relationship's `first_seen`/`last_seen` to cover `d` (the first date merged keeps
/// `date`).
fn widen_seen(graph: &mut PropertyGraph, id: crate::graph::RelId, d: PartialDate) -> Result<(), GraphError> {
    let first = seen_date(graph.rel_property(id, "first_seen"));
    if first.is_none_or(|f| d.first_day() < f.first_day()) {
        graph.set_rel_property(id, "first_seen", date_value(d))?;
    }
    let last = seen_date(graph.rel_property(id, "last_seen"));
    if last.is_none_or(|l| d.last_day() > l.last_day()) {
        graph.set_rel_property(id, "last_seen", date_value(d))?;
    }
    if graph.rel_property(id, "date").is_none() {
        graph.set_rel_property(id, "date", date_value(d))?;
        graph.set_rel_property(id, "date_precision", Value::from(d.precision().as_str()))?;
    }
    Ok(())
}

/// Merge `x` into `graph`.
///
/// # Errors
/// Only a [`GraphError`] from an inconsistent graph; valid input always merges.
pub fn merge_into(graph: &mut PropertyGraph, x: &Extraction) -> Result<MergeStats, GraphError> {
    let mut stats = MergeStats::default();
    let mut skipped: Vec<&str> = Vec::new();
    for d in &x.documents {
        let seen = match graph.meta().get(DOCUMENTS_META_KEY) {
            Some(Value::Map(m)) => m.contains_key(&d.hash),
            _ => false,
        };
        if seen {
            stats.documents_skipped += 1;
            skipped.push(&d.id);
            continue;
        }
        let meta = graph.meta_mut();
        let entry = meta.entry(DOCUMENTS_META_KEY.to_string()).or_insert_with(|| Value::Map(Default::default()));
        if !matches!(entry, Value::Map(_)) {
            *entry = Value::Map(Default::default());
        }
        if let Value::Map(m) = entry {
            m.insert(d.hash.clone(), Value::from(d.id.as_str()));
        }
        stats.documents += 1;
        stats.sentences += d.sentences;
    }
    for e in &x.entities {
        if skipped.contains(&e.doc.as_str()) {
            continue;
        }
        merge_entity(graph, e, &mut stats)?;
    }
    for r in &x.relations {
        if skipped.contains(&r.doc.as_str()) {
            continue;
        }
        let (mut s, mut o) = (
            node_for(graph, &r.subject, &r.subject_label, &mut stats)?,
            node_for(graph, &r.object, &r.object_label, &mut stats)?,
        );
        let symmetric = r.relation.is_symmetric();
        if symmetric && r.object < r.subject {
            std::mem::swap(&mut s, &mut o);
        }
        let rel_type = r.relation.as_str();
        match graph.find_relationship(s, o, rel_type, symmetric) {
            Some(id) => {
                stats.relations_merged += 1;
                let mentions = match graph.rel_property(id, "mentions") {
                    Some(Value::Int(n)) => *n,
                    _ => 0,
                };
                graph.set_rel_property(id, "mentions", Value::Int(mentions + i64::from(r.mentions)))?;
                push_unique(graph, id, "sources", &r.doc, usize::MAX)?;
                push_unique(graph, id, "evidence", &r.evidence, MAX_EVIDENCE)?;
                if let Some(d) = r.date {
                    widen_seen(graph, id, d)?;
                }
            }
            None => {
                stats.relations_new += 1;
                let mut props = vec![
                    ("mentions", Value::Int(i64::from(r.mentions))),
                    ("sources", Value::List(vec![Value::from(r.doc.as_str())])),
                    ("evidence", Value::List(vec![Value::from(r.evidence.as_str())])),
                    ("doc", Value::from(r.doc.as_str())),
                    ("sentence", Value::Int(r.sentence as i64)),
                ];
                if let Some(d) = r.date {
                    props.extend([
                        ("date", date_value(d)),
                        ("date_precision", Value::from(d.precision().as_str())),
                        ("first_seen", date_value(d)),
                        ("last_seen", date_value(d)),
                    ]);
                }
                graph.add_relationship(s, o, rel_type, props)?;
            }
        }
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{extract_document, Lexicon};

    #[test]
    fn merging_twice_changes_nothing_and_symmetric_once() {
        let lex = Lexicon::embedded();
        let x = extract_document(
            &lex,
            "a",
            "Clashes between JNIM and the Islamic State Sahel Province stopped after a truce between the two groups.",
        );
        let mut g = PropertyGraph::new();
        let s1 = merge_into(&mut g, &x).unwrap_or_default();
        assert_eq!(s1.documents, 1);
        assert!(s1.relations_new >= 1, "{:?}", x.relations);
        let rels = g.relationship_count();
        let s2 = merge_into(&mut g, &x).unwrap_or_default();
        assert_eq!(s2.documents_skipped, 1);
        assert_eq!(g.relationship_count(), rels);
        assert_eq!(g.rel_type_count("TRUCE_BETWEEN"), 1);
        let y = extract_document(&lex, "b", "The truce between the Islamic State Sahel Province and JNIM held.");
        let s3 = merge_into(&mut g, &y).unwrap_or_default();
        assert_eq!(s3.relations_new, 0, "{:?}", y.relations);
        assert_eq!(g.rel_type_count("TRUCE_BETWEEN"), 1);
        let id = g.relationships_with_type("TRUCE_BETWEEN").next();
        let mentions = id.and_then(|id| g.rel_property(id, "mentions").cloned());
        assert_eq!(mentions, Some(Value::Int(2)));
    }

    #[test]
    fn dated_relations_keep_first_and_last_seen() {
        let lex = Lexicon::embedded();
        let mut g = PropertyGraph::new();
        for (doc, text) in [
            ("b", "On 3 May 2024, JNIM fighters attacked the Malian army near Gao."),
            ("a", "JNIM fighters attacked the Malian army near Gao in March 2023."),
            ("c", "JNIM fighters attacked the Malian army near Gao on 1 June 2024."),
        ] {
            let x = extract_document(&lex, doc, text);
            assert!(x.relations.iter().all(|r| r.date.is_some()), "{:?}", x.relations);
            merge_into(&mut g, &x).unwrap_or_default();
        }
        let id = g
            .relationships_with_type("ATTACKED")
            .find(|&id| g.rel_property(id, "doc").and_then(Value::as_str) == Some("b"));
        let prop = |k: &str| id.and_then(|id| g.rel_property(id, k)).map(ToString::to_string);
        assert_eq!(prop("date").as_deref(), Some("2024-05-03"));
        assert_eq!(prop("date_precision").as_deref(), Some("'day'"));
        assert_eq!(prop("first_seen").as_deref(), Some("2023-03-01"), "March 2023, a month");
        assert_eq!(prop("last_seen").as_deref(), Some("2024-06-01"));
        assert!(id.and_then(|id| g.rel_property(id, "date")).is_some_and(|v| matches!(v, Value::Temporal(_))));
    }
}
