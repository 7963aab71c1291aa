//! Extraction: Arabic and English news text → entities and relations with provenance.
//!
//! The pipeline, one module per step:
//! [`lang`] (Arabic or English) → [`sentence`] (split, bounded length) → [`normalize`] (fold
//! letter forms, keep a map to original offsets) → [`tokenize`] (lexicon [`trie`], whole
//! words, Arabic clitics) → [`rules`] (mentions: known and unknown entities, triggers, function
//! words) → [`attach`] (subjects and objects of each trigger, coreference, negation; Arabic
//! constructions in [`arabic`]) →
//! [`Extraction`], each relation dated by [`date`] (the date its sentence states, else the
//! document's) and its names checked against the lexicon's validity ranges. [`merge`] puts an [`Extraction`] into a [`crate::graph::PropertyGraph`]
//! through the graph's public API only. The lexicon (entities, triggers, function words) is
//! data in `lexicon/`, embedded by default ([`Lexicon::embedded`]) or read from a directory
//! ([`Lexicon::load_dir`]).
//!
//! This module does not open graph files or print; commands do.
//!
//! ```
//! use kgraph::extract::{extract_document, Lexicon, RelationType};
//! let lex = Lexicon::embedded();
//! let x = extract_document(&lex, "note", "JNIM fighters attacked the Malian army near Gao.");
//! assert!(x.relations.iter().any(|r| r.subject == "JNIM"
//!     && r.relation == RelationType::Attacked && r.object == "Malian army"));
//! ```

pub mod arabic;
pub mod attach;
pub mod date;
pub mod error;
pub mod lang;
pub mod lexicon;
pub mod merge;
pub mod normalize;
pub mod pipeline;
pub mod rules;
pub mod sentence;
pub mod tokenize;
pub mod trie;

/// Helpers for the extraction unit tests: the triples a text gives with the embedded lexicon.
#[cfg(test)]
pub(crate) mod testing {
    use super::{extract_document, Lexicon};

    /// (subject, relation, object) of every relation extracted from `text`.
    pub fn triples(text: &str) -> Vec<(String, String, String)> {
        let lex = Lexicon::embedded();
        let x = extract_document(&lex, "t", text);
        x.relations.iter().map(|r| (r.subject.clone(), r.relation.as_str().to_string(), r.object.clone())).collect()
    }

    /// Whether `t` holds the triple.
    pub fn has(t: &[(String, String, String)], s: &str, r: &str, o: &str) -> bool {
        t.iter().any(|(a, b, c)| a == s && b == r && c == o)
    }
}

use serde::Serialize;

pub use date::{PartialDate, Precision};
pub use error::ExtractError;
pub use lang::Lang;
pub use lexicon::Lexicon;
pub use merge::{merge_into, MergeStats};
pub use pipeline::{
    extract_document, extract_document_as, extract_file, extract_file_dated, DocumentExtractor, FileExtraction,
};

/// The relation types the extractor produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RelationType {
    /// A truce, ceasefire or peace deal between two parties (symmetric).
    #[serde(rename = "TRUCE_BETWEEN")]
    TruceBetween,
    /// The subject attacked, fought or besieged the object.
    #[serde(rename = "ATTACKED")]
    Attacked,
    /// The subject controls or seized the object place.
    #[serde(rename = "CONTROLS")]
    Controls,
    /// The two parties cooperate or are allied (symmetric).
    #[serde(rename = "ALLIED_WITH")]
    AlliedWith,
}

impl RelationType {
    /// The relationship type name used in the graph and in TSV output.
    pub fn as_str(self) -> &'static str {
        match self {
            RelationType::TruceBetween => "TRUCE_BETWEEN",
            RelationType::Attacked => "ATTACKED",
            RelationType::Controls => "CONTROLS",
            RelationType::AlliedWith => "ALLIED_WITH",
        }
    }

    /// Parse a relationship type name.
    pub fn parse(s: &str) -> Option<RelationType> {
        Some(match s {
            "TRUCE_BETWEEN" => RelationType::TruceBetween,
            "ATTACKED" => RelationType::Attacked,
            "CONTROLS" => RelationType::Controls,
            "ALLIED_WITH" => RelationType::AlliedWith,
            _ => return None,
        })
    }

    /// Whether `a R b` means the same as `b R a`.
    pub fn is_symmetric(self) -> bool {
        matches!(self, RelationType::TruceBetween | RelationType::AlliedWith)
    }
}

impl std::fmt::Display for RelationType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One input document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentInfo {
    /// The document id (file path or name given by the caller).
    pub id: String,
    /// Dominant language.
    pub lang: Lang,
    /// Number of sentences.
    pub sentences: usize,
    /// Size in bytes.
    pub bytes: usize,
    /// SHA-256 of the content, hex.
    pub hash: String,
}

/// An entity mentioned in a document.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractedEntity {
    /// Canonical English name.
    pub name: String,
    /// Labels, primary first.
    pub labels: Vec<String>,
    /// Arabic name, when the lexicon or the text gives one.
    pub name_ar: Option<String>,
    /// Surface forms seen in the text (original spelling).
    pub aliases: Vec<String>,
    /// Whether the entity comes from the lexicon (false: guessed from a pattern).
    pub known: bool,
    /// Number of mentions.
    pub mentions: u32,
    /// The document it was found in.
    pub doc: String,
}

/// A relation found in a document, with provenance.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractedRelation {
    /// Canonical name of the subject.
    pub subject: String,
    /// The relation type.
    pub relation: RelationType,
    /// Canonical name of the object.
    pub object: String,
    /// Primary label of the subject.
    pub subject_label: String,
    /// Primary label of the object.
    pub object_label: String,
    /// Document id.
    pub doc: String,
    /// 0-based index of the first sentence it was found in.
    pub sentence: usize,
    /// The original text of that sentence (not normalized).
    pub evidence: String,
    /// How many times the document states it.
    pub mentions: u32,
    /// When it happened: the date its sentence states, else the document's date.
    pub date: Option<PartialDate>,
    /// How precise `date` is.
    pub date_precision: Option<Precision>,
}

/// Everything extracted from one or more documents.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Extraction {
    /// The documents read.
    pub documents: Vec<DocumentInfo>,
    /// Relations, one per distinct (subject, relation, object) per document, in text order.
    pub relations: Vec<ExtractedRelation>,
    /// Entities, one per canonical name per document.
    pub entities: Vec<ExtractedEntity>,
}

impl Extraction {
    /// Append another extraction.
    pub fn extend(&mut self, other: Extraction) {
        self.documents.extend(other.documents);
        self.relations.extend(other.relations);
        self.entities.extend(other.entities);
    }
}

/// A recoverable problem met while reading input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file or document id.
    pub doc: String,
    /// What happened.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.doc, self.message)
    }
}
