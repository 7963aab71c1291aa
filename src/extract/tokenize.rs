//! Tokenization and lexicon lookup over normalized text, with Arabic clitics.
//!
//! Runs the lexicon's leftmost-longest automaton over one normalized sentence and keeps the
//! matches that are whole words: Latin patterns must start and end at word boundaries; Arabic
//! patterns may follow the clitic prefixes و ف ب ك ل (and ال, بال, لل … for trigger words), and
//! trigger words may carry pronoun or plural suffixes (هجماتها, لصراعهما). A rejected match
//! restarts the search one character later, so a false hit inside a word never hides a real one.
//! Hands on [`RawMatch`]es; knows nothing of relations.

use aho_corasick::Input;

use super::lexicon::{Lexicon, Pattern, Term};

/// Pronoun suffix on an Arabic trigger word: who the possessor/subject is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Suffix {
    /// No pronoun suffix.
    #[default]
    None,
    /// ـه / ـها: one actor named before.
    Singular,
    /// ـهما: the pair named before.
    Dual,
    /// ـهم: several actors.
    Plural,
}

/// Clitic prefixes found before an Arabic match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clitics {
    /// و or ف: coordination.
    pub conj: bool,
    /// ب, ك or ل as a preposition.
    pub prep: bool,
    /// The preposition was ل (dative, often the logical subject in "يتيح لـ X").
    pub lam: bool,
}

/// A whole-word lexicon match in a normalized sentence.
#[derive(Debug, Clone, Copy)]
pub struct RawMatch {
    /// Start of the matched pattern (after any clitic prefix).
    pub start: u32,
    /// End of the word (after any suffix).
    pub end: u32,
    /// Start of the word (before any clitic prefix).
    pub word_start: u32,
    /// What the pattern stands for.
    pub term: Term,
    /// Prefix clitics.
    pub clitics: Clitics,
    /// Pronoun suffix (trigger words only).
    pub suffix: Suffix,
}

/// Whether `c` belongs to a word.
#[inline]
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Offsets of the starts of all words in `text`.
pub fn word_starts(text: &str, out: &mut Vec<u32>) {
    out.clear();
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let w = is_word_char(c);
        if w && !in_word {
            out.push(i as u32);
        }
        in_word = w;
    }
}

/// Number of words starting before byte `offset`.
#[inline]
pub fn token_index(starts: &[u32], offset: u32) -> u32 {
    starts.partition_point(|&s| s < offset) as u32
}

const PREFIX_PLAIN: &[&str] = &["", "و", "ف", "ب", "ك", "ل", "وب", "ول", "فب", "فل", "وك", "فك"];
const PREFIX_ARTICLE: &[&str] = &["", "و", "ف", "ب", "ك", "وب", "فب", "وك", "فك"];
const PREFIX_LAM: &[&str] = &["ل", "ول", "فل"];
const PREFIX_TRIGGER: &[&str] = &[
    "", "و", "ف", "ب", "ك", "ل", "وب", "ول", "فب", "فل", "وك", "فك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل",
    "فلل", "وبال", "فبال", "س", "وس", "فس", "لي", "ولي",
];

fn prefix_clitics(prefix: &str, p: &Pattern) -> Option<Clitics> {
    let allowed = if p.lam_variant {
        PREFIX_LAM
    } else if p.has_article {
        PREFIX_ARTICLE
    } else if matches!(p.term, Term::Trigger(_)) {
        PREFIX_TRIGGER
    } else {
        PREFIX_PLAIN
    };
    if !allowed.contains(&prefix) {
        return None;
    }
    let mut c = Clitics::default();
    let rest = if let Some(r) = prefix.strip_prefix('و').or_else(|| prefix.strip_prefix('ف')) {
        c.conj = true;
        r
    } else {
        prefix
    };
    if rest.starts_with('ب') || rest.starts_with('ك') {
        c.prep = true;
    } else if rest.starts_with('ل') && rest != "لي" {
        c.prep = true;
        c.lam = true;
    }
    Some(c)
}

fn suffix_class(rest: &str) -> Option<Suffix> {
    Some(match rest {
        "" | "ت" | "ا" | "وا" | "تا" | "ات" | "ان" | "ين" | "ون" | "ي" | "يه" | "يا" | "نا" | "اتي" => {
            Suffix::None
        }
        "ه" | "ها" | "ته" | "تها" | "اته" | "اتها" | "يها" => Suffix::Singular,
        "هما" | "تهما" | "اتهما" | "يهما" => Suffix::Dual,
        "هم" | "تهم" | "اتهم" | "هن" | "يهم" => Suffix::Plural,
        _ => return None,
    })
}

/// Find all whole-word lexicon matches in the normalized `text`.
pub fn scan(lex: &Lexicon, text: &str, out: &mut Vec<RawMatch>) {
    out.clear();
    let len = text.len();
    let mut pos = 0;
    while pos < len {
        let Some(m) = lex.automaton.find(Input::new(text).span(pos..len)) else {
            break;
        };
        let p = &lex.patterns[m.pattern().as_usize()];
        match accept(text, m.start(), m.end(), p) {
            Some(rm) => {
                out.push(rm);
                pos = rm.end as usize;
            }
            None => {
                pos = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
}

fn accept(text: &str, start: usize, end: usize, p: &Pattern) -> Option<RawMatch> {
    let is_punct = matches!(p.term, Term::Marker(m) if matches!(m, super::lexicon::Marker::Comma | super::lexicon::Marker::OpenParen | super::lexicon::Marker::CloseParen));
    if is_punct {
        return Some(RawMatch {
            start: start as u32,
            end: end as u32,
            word_start: start as u32,
            term: p.term,
            clitics: Clitics::default(),
            suffix: Suffix::None,
        });
    }
    let before = &text[..start];
    let word_start = before.char_indices().rev().take_while(|&(_, c)| is_word_char(c)).last().map_or(start, |(i, _)| i);
    let prefix = &text[word_start..start];
    let clitics = if p.arabic {
        prefix_clitics(prefix, p)?
    } else if prefix.is_empty() {
        Clitics::default()
    } else {
        return None;
    };
    let after = &text[end..];
    let word_end = end + after.find(|c: char| !is_word_char(c)).unwrap_or(after.len());
    let rest = &text[end..word_end];
    let suffix = if rest.is_empty() {
        Suffix::None
    } else if p.arabic && matches!(p.term, Term::Trigger(_)) {
        suffix_class(rest)?
    } else {
        return None;
    };
    Some(RawMatch {
        start: start as u32,
        end: word_end as u32,
        word_start: word_start as u32,
        term: p.term,
        clitics,
        suffix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::normalize::normalize;

    fn terms(text: &str) -> Vec<(String, Term)> {
        let lex = Lexicon::embedded();
        let n = normalize(text);
        let mut out = Vec::new();
        scan(&lex, &n, &mut out);
        out.iter().map(|m| (n[m.start as usize..m.end as usize].to_string(), m.term)).collect()
    }

    #[test]
    fn arabic_clitics_and_suffixes() {
        let lex = Lexicon::embedded();
        let jnim = lex.entity_id("JNIM").map(Term::Entity);
        let found = terms("وللقاعدة وبجماعة نصرة الإسلام والمسلمين لصراعهما");
        let names: Vec<&str> = found.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(names, vec!["لقاعده", "جماعه نصره الاسلام والمسلمين", "صراعهما"]);
        assert_eq!(Some(found[1].1), jnim);
        let n = normalize("لصراعهما");
        let mut out = Vec::new();
        scan(&lex, &n, &mut out);
        assert_eq!(out[0].suffix, Suffix::Dual);
        assert!(out[0].clitics.lam);
    }

    #[test]
    fn latin_needs_word_boundaries() {
        let found = terms("Commanders in Gaokiri; JNIM's fighters attacked Gao.");
        let names: Vec<&str> = found.iter().map(|(s, _)| s.as_str()).collect();
        assert!(names.contains(&"jnim"));
        assert!(names.contains(&"gao"));
        assert!(!names.iter().any(|s| s.contains("gaokiri")));
        assert_eq!(names.iter().filter(|s| **s == "gao").count(), 1);
    }
}
