//! Tokenization and lexicon lookup over normalized text, with Arabic clitics.
//!
//! Walks the lexicon's trie from each word start of one normalized sentence (and, in Arabic,
//! from after each possible clitic prefix) and keeps the longest pattern that is a whole word:
//! Latin patterns must start and end at word boundaries; Arabic patterns may follow the clitic
//! prefixes و ف ب ك ل (and ال, بال, لل … for trigger words), and trigger words may carry pronoun
//! or plural suffixes (هجماتها, لصراعهما). A longest pattern that is not a whole word gives way
//! to a shorter one, so a false hit inside a word never hides a real one.
//! Hands on [`RawMatch`]es; knows nothing of relations.

use super::lexicon::{Lexicon, Marker, Pattern, Term};

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
    match c as u32 {
        0x30..=0x39 | 0x41..=0x5A | 0x61..=0x7A => true,
        0..=0x7F => false,
        // Arabic letters and digits (normalized text has no diacritics or tatweel).
        0x0621..=0x063A | 0x0641..=0x064A | 0x0660..=0x0669 | 0x066E..=0x06D3 | 0x06FA..=0x06FF => true,
        0x0600..=0x06FF => false,
        _ => c.is_alphanumeric(),
    }
}

/// [`is_word_char`] of every ASCII byte.
const ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// [`is_word_char`] of U+0600–U+06FF (the two-byte chars whose first byte is 0xD8–0xDB),
/// indexed by the code point's low ten bits.
const ARABIC_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = 0x0600 + i as u32;
        t[i] = matches!(c, 0x0621..=0x063A | 0x0641..=0x064A | 0x0660..=0x0669 | 0x066E..=0x06D3 | 0x06FA..=0x06FF);
        i += 1;
    }
    t
};

/// Whether the char at byte `i` of `text` (a char boundary) belongs to a word, and its length
/// in bytes: [`is_word_char`] by table lookup for ASCII and two-byte Arabic.
#[inline(always)]
fn word_char_at(text: &str, i: usize) -> (bool, usize) {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        (ASCII_WORD[usize::from(b)], 1)
    } else if (0xD8..=0xDB).contains(&b) && i + 1 < bytes.len() {
        (ARABIC_WORD[(usize::from(b - 0xD8) << 6) | usize::from(bytes[i + 1] & 0x3F)], 2)
    } else {
        other_word_char_at(text, i)
    }
}

/// Whether a word char starts at byte `i` of `text` (false past the end or inside a char).
#[inline]
fn word_char_starts_at(text: &str, i: usize) -> bool {
    text.is_char_boundary(i) && i < text.len() && word_char_at(text, i).0
}

/// Whether the two-byte char `c` (an Arabic letter) is at byte `i` of `bytes`.
#[inline]
fn letter_at(bytes: &[u8], i: usize, c: [u8; 2]) -> bool {
    bytes.get(i..i + 2) == Some(&c[..])
}

/// The UTF-8 bytes of a two-byte char.
const fn utf8(c: char) -> [u8; 2] {
    let c = c as u32;
    [0xC0 | (c >> 6) as u8, 0x80 | (c & 0x3F) as u8]
}

const WAW: [u8; 2] = utf8('و');
const FA: [u8; 2] = utf8('ف');
const BA: [u8; 2] = utf8('ب');
const KAF: [u8; 2] = utf8('ك');
const SIN: [u8; 2] = utf8('س');
const LAM: [u8; 2] = utf8('ل');
const YA: [u8; 2] = utf8('ي');
const ALEF: [u8; 2] = utf8('ا');

/// [`word_char_at`] for chars that are neither ASCII nor two-byte Arabic.
#[inline(never)]
fn other_word_char_at(text: &str, i: usize) -> (bool, usize) {
    let c = text[i..].chars().next().unwrap_or(' ');
    (is_word_char(c), c.len_utf8())
}

/// The end of the run of word chars that starts at byte `from` of `text` (`from` itself when
/// no word char is there).
#[inline]
pub fn word_end(text: &str, from: usize) -> usize {
    let mut i = from;
    while i < text.len() {
        let (w, len) = word_char_at(text, i);
        if !w {
            break;
        }
        i += len;
    }
    i
}

/// Offsets of the starts of all words in `text`.
pub fn word_starts(text: &str, out: &mut Vec<u32>) {
    out.clear();
    let mut in_word = false;
    let mut i = 0;
    while i < text.len() {
        let (w, len) = word_char_at(text, i);
        if w && !in_word {
            out.push(i as u32);
        }
        in_word = w;
        i += len;
    }
}

/// Number of words starting before byte `offset`.
#[inline]
pub fn token_index(starts: &[u32], offset: u32) -> u32 {
    starts.partition_point(|&s| s < offset) as u32
}

fn prefix_clitics(prefix: &str, p: &Pattern) -> Option<Clitics> {
    let mut c = Clitics::default();
    let rest = match prefix.strip_prefix('و').or_else(|| prefix.strip_prefix('ف')) {
        Some(r) => {
            c.conj = true;
            r
        }
        None => prefix,
    };
    let trigger = matches!(p.term, Term::Trigger(_));
    let ok = if p.lam_variant {
        rest == "ل"
    } else if p.has_article {
        matches!(rest, "" | "ب" | "ك")
    } else if trigger {
        matches!(rest, "" | "ب" | "ك" | "ل" | "س" | "لي" | "ال" | "بال" | "كال" | "لل")
    } else {
        matches!(rest, "" | "ب" | "ك" | "ل")
    };
    if !ok {
        return None;
    }
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

/// Offsets in a word where a pattern may start: the word start and after each possible
/// run of clitic prefixes (و/ف, then ب/ك/ل/س, then ال or a second ل).
fn clitic_offsets(text: &str, ws: usize, out: &mut [usize; 8]) -> usize {
    let b = text.as_bytes();
    let at = |i: usize, c: [u8; 2]| letter_at(b, i, c);
    let mut n = 0;
    let mut push = |off: usize, out: &mut [usize; 8]| {
        // Only offsets inside the word: after a whole-word clitic there is nothing to match.
        if word_char_starts_at(text, off) && n < out.len() && !out[..n].contains(&off) {
            out[n] = off;
            n += 1;
        }
    };
    push(ws, out);
    let mut p = ws;
    if at(p, WAW) || at(p, FA) {
        p += 2;
        push(p, out);
    }
    if at(p, BA) || at(p, KAF) || at(p, SIN) {
        push(p + 2, out);
        if at(p + 2, ALEF) && at(p + 4, LAM) {
            push(p + 6, out);
        }
    } else if at(p, LAM) {
        push(p + 2, out);
        if at(p + 2, LAM) || at(p + 2, YA) {
            push(p + 4, out);
        }
    } else if at(p, ALEF) && at(p + 2, LAM) {
        push(p + 4, out);
    }
    n
}

/// Find all whole-word lexicon matches in the normalized `text`; `starts` and `ends` receive
/// the word starts and ends. Matching is anchored at word starts and after clitic prefixes, so
/// the trie only ever walks the few bytes a pattern could cover.
pub fn scan(lex: &Lexicon, text: &str, starts: &mut Vec<u32>, ends: &mut Vec<u32>, out: &mut Vec<RawMatch>) {
    scan_with(lex, text, starts, ends, out, find_at);
}

/// [`scan`] with `find` standing for [`find_at`] (the tests compare it with a second matcher).
fn scan_with(
    lex: &Lexicon,
    text: &str,
    starts: &mut Vec<u32>,
    ends: &mut Vec<u32>,
    out: &mut Vec<RawMatch>,
    find: impl Fn(&Lexicon, &str, usize, usize) -> Option<RawMatch>,
) {
    out.clear();
    words_and_marks(text, starts, ends, out);
    let marks = out.len();
    let bytes = text.as_bytes();
    let mut next_free = 0usize;
    let mut offsets = [0usize; 8];
    for &ws in starts.iter() {
        let ws = ws as usize;
        if ws < next_free {
            continue;
        }
        let n = if (0xD8..=0xDB).contains(&bytes[ws]) {
            clitic_offsets(text, ws, &mut offsets)
        } else {
            offsets[0] = ws;
            1
        };
        for &off in &offsets[..n] {
            if let Some(rm) = find(lex, text, ws, off) {
                // "the movement" must not hide "Movement for the Salvation of Azawad".
                if matches!(rm.term, Term::Marker(_)) && shadows_entity(lex, text, starts, ws, rm.end as usize, &find) {
                    break;
                }
                next_free = rm.end as usize;
                out.push(rm);
                break;
            }
        }
    }
    if marks > 0 && out.len() > marks {
        out.sort_by_key(|m| m.start);
    }
}

/// The word starts and ends of `text` into `starts` and `ends`, and the punctuation the rules
/// look at (`,` `(` `)` `،`) into `marks` as marker matches, in one pass.
fn words_and_marks(text: &str, starts: &mut Vec<u32>, ends: &mut Vec<u32>, marks: &mut Vec<RawMatch>) {
    starts.clear();
    ends.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let (w, len) = word_char_at(text, i);
        if w {
            // A word: run to its end.
            starts.push(i as u32);
            i += len;
            while i < bytes.len() {
                let (w, len) = word_char_at(text, i);
                if !w {
                    break;
                }
                i += len;
            }
            ends.push(i as u32);
            continue;
        }
        let m = match bytes[i] {
            b',' => Some(Marker::Comma),
            b'(' => Some(Marker::OpenParen),
            b')' => Some(Marker::CloseParen),
            0xD8 if bytes.get(i + 1) == Some(&0x8C) => Some(Marker::Comma),
            _ => None,
        };
        if let Some(m) = m {
            marks.push(RawMatch {
                start: i as u32,
                end: (i + len) as u32,
                word_start: i as u32,
                term: Term::Marker(m),
                clitics: Clitics::default(),
                suffix: Suffix::None,
            });
        }
        i += len;
    }
}

/// Whether an entity alias starting inside the marker match `start..end` runs past its end.
fn shadows_entity(
    lex: &Lexicon,
    text: &str,
    starts: &[u32],
    start: usize,
    end: usize,
    find: impl Fn(&Lexicon, &str, usize, usize) -> Option<RawMatch>,
) -> bool {
    let first = starts.partition_point(|&s| s as usize <= start);
    starts[first..]
        .iter()
        .map(|&s| s as usize)
        .take_while(|&s| s < end)
        .any(|s| find(lex, text, s, s).is_some_and(|m| matches!(m.term, Term::Entity(_)) && m.end as usize > end))
}

/// The longest acceptable pattern starting exactly at `off`: the lexicon's trie is walked byte
/// by byte from `off` until it has no child, remembering where patterns end (the last eight);
/// the longest whole-word one wins.
fn find_at(lex: &Lexicon, text: &str, ws: usize, off: usize) -> Option<RawMatch> {
    let mut ends: [(u32, u32); 8] = [(0, 0); 8];
    let mut n = 0;
    lex.trie.prefixes(&text.as_bytes()[off..], |len, pid| {
        if n == ends.len() {
            ends.copy_within(1.., 0);
            n -= 1;
        }
        ends[n] = ((off + len) as u32, pid);
        n += 1;
    });
    for &(end, pid) in ends[..n].iter().rev() {
        let p = &lex.patterns[pid as usize];
        if let Some(rm) = accept(text, ws, off, end as usize, p) {
            return Some(rm);
        }
    }
    None
}

fn accept(text: &str, word_start: usize, start: usize, end: usize, p: &Pattern) -> Option<RawMatch> {
    if !p.arabic && start != word_start {
        return None;
    }
    let prefix = &text[word_start..start];
    let clitics = if p.arabic {
        prefix_clitics(prefix, p)?
    } else if prefix.is_empty() {
        Clitics::default()
    } else {
        return None;
    };
    let end_of_word = word_end(text, end);
    let rest = &text[end..end_of_word];
    let suffix = if rest.is_empty() {
        Suffix::None
    } else if p.arabic && matches!(p.term, Term::Trigger(_)) {
        suffix_class(rest)?
    } else {
        return None;
    };
    Some(RawMatch {
        start: start as u32,
        end: end_of_word as u32,
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
        scan(&lex, &n, &mut Vec::new(), &mut Vec::new(), &mut out);
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
        scan(&lex, &n, &mut Vec::new(), &mut Vec::new(), &mut out);
        assert_eq!(out[0].suffix, Suffix::Dual);
        assert!(out[0].clitics.lam);
    }

    /// A second matcher for [`scan_with`]: every prefix of the text at `off` looked up in the
    /// lexicon's phrase table, no trie; the longest eight tried longest first, as
    /// [`find_at`] does.
    fn find_by_lookup(lex: &Lexicon, text: &str, ws: usize, off: usize, longest: usize) -> Option<RawMatch> {
        let last = text.len().min(off + longest);
        let ends: Vec<(usize, usize)> = (off + 1..=last)
            .filter(|&e| text.is_char_boundary(e))
            .filter_map(|e| lex.phrases.get(&text[off..e]).map(|&p| (e, p)))
            .collect();
        ends.iter().rev().take(8).find_map(|&(e, p)| accept(text, ws, off, e, &lex.patterns[p]))
    }

    /// The in-repository texts (the project's example articles and test fixtures).
    fn repo_texts() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dirs = ["graphs", "tests/fixtures/heldout", "tests/fixtures/real/articles", "tests/fixtures/eval/articles"];
        let mut out = Vec::new();
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
            let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
            paths.sort();
            for p in paths.into_iter().filter(|p| p.extension().is_some_and(|x| x == "txt")) {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    out.push((p.display().to_string(), text));
                }
            }
        }
        out
    }

    #[test]
    fn trie_scan_equals_phrase_table_lookup_on_every_repo_text() {
        let lex = Lexicon::embedded();
        let longest = lex.phrases.keys().map(String::len).max().unwrap_or(0);
        let texts = repo_texts();
        assert!(texts.len() >= 30, "expected the repository's texts, found {}", texts.len());
        let (mut starts, mut ends, mut fast, mut slow) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut matches = 0;
        for (name, text) in &texts {
            for (s, e) in crate::extract::sentence::split(text) {
                let n = normalize(&text[s..e]);
                scan(&lex, &n, &mut starts, &mut ends, &mut fast);
                // The word ends found in the pass are where each word's run of word chars ends.
                let runs: Vec<u32> = starts.iter().map(|&w| word_end(&n, w as usize) as u32).collect();
                assert_eq!(ends, runs, "{name}: {n}");
                scan_with(&lex, &n, &mut starts, &mut ends, &mut slow, |l, t, ws, off| {
                    find_by_lookup(l, t, ws, off, longest)
                });
                let key = |m: &RawMatch| (m.start, m.end, m.word_start, m.term, m.clitics, m.suffix);
                let (a, b): (Vec<_>, Vec<_>) = (fast.iter().map(key).collect(), slow.iter().map(key).collect());
                assert_eq!(a, b, "{name}: {n}");
                matches += a.len();
            }
        }
        assert!(matches > 1000, "only {matches} matches in the repository's texts");
    }

    #[test]
    fn word_char_tables_agree_with_is_word_char() {
        for c in (0..0x11000).filter_map(char::from_u32) {
            let s = format!("{c}x");
            assert_eq!(word_char_at(&s, 0), (is_word_char(c), c.len_utf8()), "{c:?} U+{:04X}", c as u32);
        }
    }

    /// [`clitic_offsets`] as it was written with chars, for comparison.
    fn clitic_offsets_by_chars(text: &str, ws: usize) -> Vec<usize> {
        let at = |i: usize| text.get(i..).and_then(|t| t.chars().next());
        let mut out: Vec<usize> = Vec::new();
        let mut push = |off: usize| {
            if at(off).is_some_and(is_word_char) && out.len() < 8 && !out.contains(&off) {
                out.push(off);
            }
        };
        push(ws);
        let mut p = ws;
        if matches!(at(p), Some('و' | 'ف')) {
            p += 2;
            push(p);
        }
        match at(p) {
            Some('ب' | 'ك' | 'س') => {
                push(p + 2);
                if text.get(p + 2..).is_some_and(|t| t.starts_with("ال")) {
                    push(p + 6);
                }
            }
            Some('ل') => {
                push(p + 2);
                if matches!(at(p + 2), Some('ل' | 'ي')) {
                    push(p + 4);
                }
            }
            Some('ا') if text[p..].starts_with("ال") => push(p + 4),
            _ => {}
        }
        out
    }

    #[test]
    fn clitic_offsets_by_bytes_equal_by_chars() {
        let mut words: Vec<String> =
            ["وبال", "فلل", "ولي", "بالجيش", "سيهاجم", "لل", "و", "ال", "الجيش", "كالا"].map(String::from).to_vec();
        for (_, text) in repo_texts() {
            words.extend(
                normalize(&text)
                    .split(' ')
                    .filter(|w| w.starts_with(['و', 'ف', 'ب', 'ك', 'س', 'ل', 'ا']))
                    .map(String::from),
            );
        }
        assert!(words.len() > 1000, "{}", words.len());
        for w in &words {
            let text = format!("{w} x");
            let mut out = [0usize; 8];
            let n = clitic_offsets(&text, 0, &mut out);
            assert_eq!(out[..n], clitic_offsets_by_chars(&text, 0)[..], "{w}");
        }
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
