//! Sentence splitting over original text.
//!
//! Yields byte ranges of sentences: a sentence ends at `. ! ? ؟ ؛ ;`, an ellipsis or a line
//! break. A period does not end a sentence after a known abbreviation (`U.S.`, `Gen.`, `د.`), a
//! single capital initial, or when no space follows (`2.5`, `U.N.`). Over-long runs without any
//! terminator are cut at a space so memory stays bounded whatever the input. Arabic commas
//! (`،`) do not end sentences; the rules treat them as clause boundaries. [`is_not_sentence`]
//! tells the lines that are not sentences of the article (a source URL, a headline, a byline).

/// Longest sentence in bytes before a forced cut.
pub const MAX_SENTENCE: usize = 4096;

const ABBREVIATIONS: &[&str] = &[
    "u.s", "u.n", "u.k", "e.u", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "brig", "adm", "mr", "mrs", "ms",
    "dr", "prof", "st", "sen", "rep", "gov", "pres", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "no", "vs", "etc", "inc", "ltd", "co", "jr", "sr", "mt", "ft", "e.g", "i.e", "approx", "dept",
    "col", "cmdr", "د", "م", "أ",
];

fn is_abbreviation(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || c == '(' || c == '"')
        .map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
    let word = &before[word_start..];
    if word.is_empty() {
        return false;
    }
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_uppercase() {
            return true;
        }
    }
    // Arabic letters have no case: a word of ASCII and Arabic (the word before every period of
    // an Arabic text) is compared without lower-casing it into a new string.
    if word.chars().all(|c| c.is_ascii() || ('\u{0600}'..='\u{06FF}').contains(&c)) {
        return ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word));
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Bytes [`split`] passes over: all but the ASCII terminators and period, the second bytes
/// of ؟ and ؛ (9F, 9B after D8) and the first bytes of the three-byte terminators (E2, E3).
const PLAIN: [bool; 256] = {
    let mut t = [true; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = !matches!(b as u8, b'\n' | b'!' | b'?' | b';' | b'.' | 0x9B | 0x9F | 0xE2 | 0xE3);
        b += 1;
    }
    t
};

/// Split `text` into sentence byte ranges (trimmed, never empty).
pub fn split(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    // Where the spaces that may take a forced cut begin: those before were passed before the
    // last cut or end.
    let mut spaces_from = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Pass over plain bytes, up to the byte whose char would reach the forced cut.
        let stop = bytes.len().min(start + MAX_SENTENCE - 1);
        while i < stop && PLAIN[usize::from(bytes[i])] {
            i += 1;
        }
        if i == bytes.len() {
            break;
        }
        if i < stop && matches!(bytes[i], 0x9B | 0x9F) {
            if bytes[i - 1] != 0xD8 {
                i += 1;
                continue;
            }
            i -= 1;
        }
        // At the forced cut the walk may stand inside a char.
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        let b = bytes[i];
        let (is_end, len) = if b < 0x80 {
            let end = match b {
                b'\n' | b'!' | b'?' | b';' => true,
                b'.' => {
                    let next = bytes.get(i + 1).copied();
                    let spaced = matches!(next, None | Some(b' ' | b'\n' | b'\r' | b'\t' | b'"' | b')'))
                        || next.is_some_and(|n| n >= 0x80);
                    spaced && !is_abbreviation(text, i)
                }
                _ => false,
            };
            (end, 1)
        } else if (0xC0..0xE0).contains(&b) {
            // A two-byte char: of the terminators only ؟ (D8 9F) and ؛ (D8 9B).
            (b == 0xD8 && matches!(bytes.get(i + 1), Some(0x9F | 0x9B)), 2)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (matches!(c, '؟' | '؛' | '…' | '\u{2029}' | '\u{2028}' | '。'), c.len_utf8())
        };
        if is_end {
            push_trimmed(text, start, i + len, &mut out);
            start = i + len;
            spaces_from = start;
        } else if i + len - start >= MAX_SENTENCE {
            let last_space = bytes[spaces_from..i + len].iter().rposition(|&c| c == b' ').map(|p| spaces_from + p);
            let cut = match last_space {
                Some(s) if s > start => s + 1,
                _ => i + len,
            };
            push_trimmed(text, start, cut, &mut out);
            start = cut;
            spaces_from = i + len;
        }
        i += len;
    }
    push_trimmed(text, start, bytes.len(), &mut out);
    out
}

/// Longest line, in words, that may be a headline, byline or dateline.
const MAX_HEAD_LINE_WORDS: usize = 20;

/// Whether the sentence `text[s..e]` is not a sentence of the article: a `#` line (`# source:
/// URL`) or a bare URL anywhere, and, in the document's head (before its first real sentence),
/// a short whole line without final punctuation — a headline, a byline, a dateline.
pub fn is_not_sentence(text: &str, s: usize, e: usize, head: bool) -> bool {
    let t = &text[s..e];
    if t.starts_with('#') || is_url(t) {
        return true;
    }
    if !head {
        return false;
    }
    let line_start =
        text[..s].trim_end_matches([' ', '\t']).is_empty() || text[..s].trim_end_matches([' ', '\t']).ends_with('\n');
    let line_end = text[e..].trim_start_matches([' ', '\t', '\r']).is_empty()
        || text[e..].trim_start_matches([' ', '\t', '\r']).starts_with('\n');
    let last = t.trim_end_matches(['"', '\'', '»', '”', ')', '’']).chars().next_back();
    let closed = last.is_some_and(|c| matches!(c, '.' | '!' | '?' | '؟' | '…' | ':' | ';' | '؛'));
    line_start && line_end && !closed && t.split_whitespace().count() <= MAX_HEAD_LINE_WORDS
}

fn is_url(t: &str) -> bool {
    (t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www.")) && !t.contains(' ')
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let s = &text[start..end];
    let trimmed_start = s.len() - s.trim_start().len();
    let t = s.trim();
    if !t.is_empty() && t.chars().any(super::tokenize::is_word_char) {
        out.push((start + trimmed_start, start + trimmed_start + t.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn splits_english_with_abbreviations() {
        let s = sentences("The U.S. Army left. Gen. Tiani spoke in Niamey! Then 2.5 km away.");
        assert_eq!(s, vec!["The U.S. Army left.", "Gen. Tiani spoke in Niamey!", "Then 2.5 km away."]);
    }

    #[test]
    fn abbreviations_match_in_lower_case() {
        for (text, want) in [
            ("the U.S.", true),
            ("Gen.", true),
            ("GEN.", true),
            ("army.", false),
            ("قال د.", true),
            ("غاو.", false),
            ("Σ.", true),
            ("ΣΤ.", false),
            ("Dé.", false),
            ("(Col.", true),
        ] {
            let dot = text.len() - 1;
            assert_eq!(is_abbreviation(text, dot), want, "{text}");
        }
    }

    #[test]
    fn splits_arabic() {
        let s = sentences("هاجمت الجماعة غاو. هل انسحب الجيش؟ نعم؛ انسحب\nسطر آخر، وتتمة");
        assert_eq!(s, vec!["هاجمت الجماعة غاو.", "هل انسحب الجيش؟", "نعم؛", "انسحب", "سطر آخر، وتتمة"]);
    }

    #[test]
    fn source_headline_and_byline_are_not_sentences() {
        let text = "# source: https://example.org/2024/09/17/story\nRebels seize desert town after clashes\nBy A. Writer\n\
                    GAO (Agency) - Rebels seized the town on Monday.\nSecond paragraph without a stop\nhttps://example.org/x\n";
        let kinds: Vec<(&str, bool)> = split(text)
            .into_iter()
            .scan(true, |head, (s, e)| {
                let not = is_not_sentence(text, s, e, *head);
                *head &= not;
                Some((&text[s..e], not))
            })
            .collect();
        let kept: Vec<&str> = kinds.iter().filter(|k| !k.1).map(|k| k.0).collect();
        assert_eq!(kept, vec!["GAO (Agency) - Rebels seized the town on Monday.", "Second paragraph without a stop"]);
        let ar = "# source: https://example.org/a\nالمتمردون يسيطرون على بلدة في الشمال\nسيطر المتمردون على البلدة.";
        let first = split(ar).into_iter().find(|&(s, e)| !is_not_sentence(ar, s, e, true)).map(|(s, e)| &ar[s..e]);
        assert_eq!(first, Some("سيطر المتمردون على البلدة."));
    }

    #[test]
    fn cuts_long_runs() {
        let text = "word ".repeat(5000);
        let parts = split(&text);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|(s, e)| e - s <= MAX_SENTENCE));
    }

    /// The splitter as it was before it passed over plain bytes: every char looked at, the last
    /// space remembered as it goes.
    fn split_reference(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let mut start = 0;
        let mut i = 0;
        let mut last_space = None;
        while i < bytes.len() {
            let b = bytes[i];
            let (is_end, len) = if b < 0x80 {
                let end = match b {
                    b'\n' | b'!' | b'?' | b';' => true,
                    b'.' => {
                        let next = bytes.get(i + 1).copied();
                        let spaced = matches!(next, None | Some(b' ' | b'\n' | b'\r' | b'\t' | b'"' | b')'))
                            || next.is_some_and(|n| n >= 0x80);
                        spaced && !is_abbreviation(text, i)
                    }
                    _ => false,
                };
                if b == b' ' {
                    last_space = Some(i);
                }
                (end, 1)
            } else if (0xC0..0xE0).contains(&b) {
                // A two-byte char: of the terminators only ؟ (D8 9F) and ؛ (D8 9B).
                (b == 0xD8 && matches!(bytes.get(i + 1), Some(0x9F | 0x9B)), 2)
            } else {
                let c = text[i..].chars().next().unwrap_or(' ');
                (matches!(c, '؟' | '؛' | '…' | '\u{2029}' | '\u{2028}' | '。'), c.len_utf8())
            };
            if is_end {
                push_trimmed(text, start, i + len, &mut out);
                start = i + len;
                last_space = None;
            } else if i + len - start >= MAX_SENTENCE {
                let cut = match last_space {
                    Some(s) if s > start => s + 1,
                    _ => i + len,
                };
                push_trimmed(text, start, cut, &mut out);
                start = cut;
                last_space = None;
            }
            i += len;
        }
        push_trimmed(text, start, bytes.len(), &mut out);
        out
    }

    /// Texts that put terminators, spaces and many-byte chars around the forced cut.
    fn cut_texts() -> Vec<String> {
        let pieces =
            ["word ", "كلمة ", "؟", "؛", "…", "a.", "Gen. ", "\n", "ـ", "ًً", "‟", "。", "x", "بب", "U.S. ", "2.5 "];
        let mut out = Vec::new();
        for (k, first) in pieces.iter().enumerate() {
            for run in [1, 3, 7, 4090, 4095, 4096, 5000] {
                let mut t = first.to_string();
                let mut n = k;
                while t.len() < run + 9000 {
                    n = (n * 7 + 3) % pieces.len();
                    let piece = if n % 3 == 0 { pieces[n] } else { "x" };
                    t.push_str(&piece.repeat(1 + run % 5));
                }
                out.push(t);
            }
        }
        out
    }

    #[test]
    fn byte_skipping_split_equals_the_char_by_char_one() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = cut_texts();
        for dir in ["graphs", "tests/fixtures/real/articles", "tests/fixtures/real-short/articles"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
            for p in entries.filter_map(|e| e.ok()).map(|e| e.path()) {
                if let Ok(t) = std::fs::read_to_string(&p) {
                    // Also as one long line, so the forced cut is reached.
                    texts.push(t.replace('\n', " ").replace(['.', '؟', '!', '?', ';', '؛'], ","));
                    texts.push(t);
                }
            }
        }
        assert!(texts.len() > 250, "expected the repository's texts, found {}", texts.len());
        for t in &texts {
            assert_eq!(split(t), split_reference(t), "{}", &t[..t.len().min(80)]);
        }
    }
}
