//! Scoring extracted relations against hand annotations (`kg eval`, the quality tests).
//!
//! Takes two lists of [`Record`]s, gold and extracted, each naming its document and language,
//! and hands back a [`Score`]: true positives, false positives and misses per relation type, per
//! language and overall, with the records behind the errors so a reader can see the sentences.
//! Two records match when they are in the same document and have the same (subject, relation,
//! object), symmetric relations in either order, after names the annotation guide treats as one
//! actor (`French forces` and `France`) are mapped to one name by [`Equivalences`] — data in
//! `lexicon/equivalences.txt`. This module does no extraction and no printing; `kg eval` does.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::extract::{ExtractError, RelationType};

const EMBEDDED_EQUIVALENCES: &str = include_str!("../lexicon/equivalences.txt");
/// The file name of the equivalences in a lexicon directory.
pub const EQUIVALENCES_FILE: &str = "equivalences.txt";

/// Names scored as one actor: each name maps to the first name of its group.
#[derive(Debug, Clone, Default)]
pub struct Equivalences {
    to_first: HashMap<String, String>,
}

impl Equivalences {
    /// The groups compiled into the binary from `lexicon/equivalences.txt`.
    pub fn embedded() -> Equivalences {
        Equivalences::parse("equivalences.txt", EMBEDDED_EQUIVALENCES).unwrap_or_default()
    }

    /// `DIR/equivalences.txt` when it exists, else the embedded groups.
    ///
    /// # Errors
    /// [`ExtractError::Io`] when the file cannot be read, [`ExtractError::LexiconParse`] for a
    /// bad line.
    pub fn load_dir(dir: &Path) -> Result<Equivalences, ExtractError> {
        let path = dir.join(EQUIVALENCES_FILE);
        if !path.is_file() {
            return Ok(Equivalences::embedded());
        }
        let text = std::fs::read_to_string(&path).map_err(|source| ExtractError::Io { path: path.clone(), source })?;
        Equivalences::parse(&path.display().to_string(), &text)
    }

    /// Parse groups: one per line, names separated by `|`; `#` starts a comment line.
    ///
    /// # Errors
    /// [`ExtractError::LexiconParse`] for a line with fewer than two names or a name in two
    /// groups.
    pub fn parse(file: &str, text: &str) -> Result<Equivalences, ExtractError> {
        let mut to_first = HashMap::new();
        for (no, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let names: Vec<&str> = line.split('|').map(str::trim).filter(|s| !s.is_empty()).collect();
            let error = |message: String| ExtractError::LexiconParse { file: file.to_string(), line: no + 1, message };
            if names.len() < 2 {
                return Err(error("expected 'NAME | NAME [| NAME ...]'".to_string()));
            }
            for n in &names {
                if to_first.insert(n.to_string(), names[0].to_string()).is_some() {
                    return Err(error(format!("'{n}' is already in another group")));
                }
            }
        }
        Ok(Equivalences { to_first })
    }

    /// The name `name` is scored as.
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        self.to_first.get(name).map_or(name, String::as_str)
    }
}

/// One relation, gold or extracted, with where it was stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// The document (an article's file name).
    pub doc: String,
    /// The document's language (`ar`, `en`).
    pub lang: String,
    /// Subject name.
    pub subject: String,
    /// Relation type name.
    pub relation: String,
    /// Object name.
    pub object: String,
    /// The sentence that states it.
    pub evidence: String,
    /// The date extraction gave it (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`), empty when none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub date: String,
}

/// Parse a gold TSV (`subject relation object evidence`, no header; blank lines, `#` comments
/// and a `subject\t…` header are skipped) of document `doc` in language `lang`.
///
/// # Errors
/// The 1-based line number and a message for a line without three fields or with an unknown
/// relation type.
pub fn parse_gold(doc: &str, lang: &str, text: &str) -> Result<Vec<Record>, (usize, String)> {
    let mut out = Vec::new();
    for (no, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("subject\t") {
            continue;
        }
        let f: Vec<&str> = line.split('\t').map(str::trim).collect();
        if f.len() < 3 || f[..3].iter().any(|s| s.is_empty()) {
            return Err((no + 1, "expected 'subject<TAB>relation<TAB>object<TAB>evidence'".to_string()));
        }
        if RelationType::parse(f[1]).is_none() {
            return Err((no + 1, format!("unknown relation '{}'", f[1])));
        }
        out.push(Record {
            doc: doc.to_string(),
            lang: lang.to_string(),
            subject: f[0].to_string(),
            relation: f[1].to_string(),
            object: f[2].to_string(),
            evidence: f.get(3).map_or(String::new(), |s| s.to_string()),
            date: String::new(),
        });
    }
    Ok(out)
}

/// True positives, false positives and misses (serialized with precision, recall and F1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Extracted and in the gold.
    pub tp: usize,
    /// Extracted, not in the gold.
    pub fp: usize,
    /// In the gold, not extracted.
    pub fn_: usize,
}

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("precision", &self.precision())?;
        m.serialize_entry("recall", &self.recall())?;
        m.serialize_entry("f1", &self.f1())?;
        m.serialize_entry("tp", &self.tp)?;
        m.serialize_entry("fp", &self.fp)?;
        m.serialize_entry("fn", &self.fn_)?;
        m.end()
    }
}

impl Counts {
    /// tp / (tp + fp); 0 when nothing was extracted.
    pub fn precision(self) -> f64 {
        ratio(self.tp, self.tp + self.fp, 0.0)
    }

    /// tp / (tp + fn); 1 when there was nothing to find.
    pub fn recall(self) -> f64 {
        ratio(self.tp, self.tp + self.fn_, 1.0)
    }

    /// The harmonic mean of precision and recall (0 when both are 0).
    pub fn f1(self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize, empty: f64) -> f64 {
    if b == 0 {
        empty
    } else {
        a as f64 / b as f64
    }
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

/// The result of [`score`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct Score {
    /// All documents together.
    pub overall: Counts,
    /// Per relation type name.
    pub by_relation: BTreeMap<String, Counts>,
    /// Per language.
    pub by_language: BTreeMap<String, Counts>,
    /// Per document.
    pub by_document: BTreeMap<String, Counts>,
    /// Extracted records that match a gold record.
    pub true_positives: Vec<Record>,
    /// Extracted records that match none.
    pub false_positives: Vec<Record>,
    /// Gold records nothing extracted matches.
    pub misses: Vec<Record>,
}

impl Score {
    fn count(&mut self, r: &Record, c: Counts) {
        self.overall += c;
        *self.by_relation.entry(r.relation.clone()).or_default() += c;
        *self.by_language.entry(r.lang.clone()).or_default() += c;
        *self.by_document.entry(r.doc.clone()).or_default() += c;
    }
}

type Key = (String, String, String, String);

/// The matching key of a record: document, names as scored, symmetric relations ordered.
fn key(eq: &Equivalences, r: &Record) -> Key {
    let (mut s, mut o) = (eq.canonical(&r.subject), eq.canonical(&r.object));
    if RelationType::parse(&r.relation).is_some_and(RelationType::is_symmetric) && o < s {
        std::mem::swap(&mut s, &mut o);
    }
    (r.doc.clone(), s.to_string(), r.relation.clone(), o.to_string())
}

/// The first record of each key, in order.
fn distinct<'a>(eq: &Equivalences, records: &'a [Record]) -> Vec<(Key, &'a Record)> {
    let mut seen = HashSet::new();
    records.iter().map(|r| (key(eq, r), r)).filter(|(k, _)| seen.insert(k.clone())).collect()
}

/// Score `got` against `gold`. Records repeated under one key count once.
pub fn score(gold: &[Record], got: &[Record], eq: &Equivalences) -> Score {
    let gold = distinct(eq, gold);
    let got = distinct(eq, got);
    let gold_keys: HashSet<&Key> = gold.iter().map(|(k, _)| k).collect();
    let got_keys: HashSet<&Key> = got.iter().map(|(k, _)| k).collect();
    let mut s = Score::default();
    for (k, r) in &got {
        if gold_keys.contains(k) {
            s.count(r, Counts { tp: 1, ..Counts::default() });
            s.true_positives.push((*r).clone());
        } else {
            s.count(r, Counts { fp: 1, ..Counts::default() });
            s.false_positives.push((*r).clone());
        }
    }
    for (k, r) in &gold {
        if !got_keys.contains(k) {
            s.count(r, Counts { fn_: 1, ..Counts::default() });
            s.misses.push((*r).clone());
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(doc: &str, s: &str, r: &str, o: &str) -> Record {
        Record {
            doc: doc.into(),
            lang: if doc.ends_with("_ar") { "ar" } else { "en" }.into(),
            subject: s.into(),
            relation: r.into(),
            object: o.into(),
            evidence: String::new(),
            date: String::new(),
        }
    }

    #[test]
    fn counts_arithmetic() {
        let c = Counts { tp: 3, fp: 1, fn_: 3 };
        assert!((c.precision() - 0.75).abs() < 1e-9);
        assert!((c.recall() - 0.5).abs() < 1e-9);
        assert!((c.f1() - 0.6).abs() < 1e-9);
        let empty = Counts::default();
        assert_eq!((empty.precision(), empty.recall(), empty.f1()), (0.0, 1.0, 0.0));
        let none_found = Counts { tp: 0, fp: 2, fn_: 2 };
        assert_eq!(none_found.f1(), 0.0);
    }

    #[test]
    fn symmetric_unordered_equivalent_names_and_documents_apart() {
        let eq = Equivalences::parse("e", "France | French forces\n").unwrap_or_default();
        let gold = vec![
            rec("a_en", "Mali", "ALLIED_WITH", "Russia"),
            rec("a_en", "France", "ATTACKED", "JNIM"),
            rec("a_en", "JNIM", "ATTACKED", "Gao"),
            rec("b_ar", "JNIM", "CONTROLS", "Kidal"),
        ];
        let got = vec![
            rec("a_en", "Russia", "ALLIED_WITH", "Mali"),
            rec("a_en", "French forces", "ATTACKED", "JNIM"),
            rec("a_en", "French forces", "ATTACKED", "JNIM"),
            rec("a_en", "Gao", "ATTACKED", "JNIM"),
            rec("a_en", "JNIM", "CONTROLS", "Kidal"),
        ];
        let s = score(&gold, &got, &eq);
        assert_eq!(s.overall, Counts { tp: 2, fp: 2, fn_: 2 });
        assert_eq!(s.by_language["en"], Counts { tp: 2, fp: 2, fn_: 1 });
        assert_eq!(s.by_language["ar"], Counts { tp: 0, fp: 0, fn_: 1 });
        assert_eq!(s.by_relation["ATTACKED"], Counts { tp: 1, fp: 1, fn_: 1 });
        assert_eq!(s.by_relation["CONTROLS"], Counts { tp: 0, fp: 1, fn_: 1 });
        assert_eq!(s.misses.len(), 2);
        assert_eq!(s.false_positives[0].object, "JNIM");
    }

    #[test]
    fn gold_lines_and_errors() {
        let g = parse_gold("d", "en", "# c\nJNIM\tATTACKED\tGao\tthey attacked Gao\n\n").unwrap_or_default();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].evidence, "they attacked Gao");
        assert_eq!(parse_gold("d", "en", "JNIM\tHELPED\tGao\n").map_err(|e| e.0), Err(1));
        assert!(Equivalences::parse("e", "France\n").is_err());
        assert!(Equivalences::parse("e", "A | B\nB | C\n").is_err());
    }
}
