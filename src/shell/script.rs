//! Splitting scripts into items: Cypher statements ended by `;`, and meta-commands (a line that
//! starts with `:` where a statement would start). The scanner knows Cypher's strings (`'…'`,
//! `"…"` with backslash escapes), backtick names and comments (`//`, `/* */`), so a `;` inside
//! them does not end a statement. Used by `kg run`, `:source`, the non-interactive shell and the
//! shell's multi-line [`is_complete`] check. It does not parse Cypher: the query engine does.

use crate::query::Span;

/// What an item of a script is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// A Cypher statement (the span excludes the `;`).
    Cypher,
    /// A meta-command line such as `:format json` (the span excludes the line break and a
    /// trailing `;`).
    Meta,
}

/// One statement or meta-command of a script, by byte span into the script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    /// Statement or meta-command.
    pub kind: ItemKind,
    /// Byte range in the script.
    pub span: Span,
    /// For Cypher: whether a `;` ended it (the last statement of a file may omit it).
    pub terminated: bool,
}

/// Lexical state at the end of a scan: whether a string, name or block comment is still open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Nothing,
    Quote,
    BlockComment,
}

/// The script without a leading UTF-8 byte-order mark (editors on Windows add one; it would
/// otherwise be read as part of the first statement).
pub fn strip_bom(mut text: String) -> String {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    text
}

/// Splits a script into items, skipping whitespace and comments between them.
pub fn split_script(script: &str) -> Vec<Item> {
    split_with_state(script).0
}

/// Whether `input` typed at the prompt is ready to run: empty, a meta-command, or Cypher whose
/// last statement ends with `;` (outside strings and comments).
pub fn is_complete(input: &str) -> bool {
    let (items, open) = split_with_state(input);
    if open != Open::Nothing {
        return false;
    }
    match items.last() {
        None => true,
        Some(item) => item.kind == ItemKind::Meta || item.terminated,
    }
}

/// The length of the leading part of `input` that is ready to run: all of it when
/// [`is_complete`], else the items before the statement still open (none when only a comment is
/// open). A pasted script runs its finished statements at once and keeps the last, open one.
pub fn ready_len(input: &str) -> usize {
    if is_complete(input) {
        return input.len();
    }
    match split_script(input).last() {
        Some(item) if item.kind == ItemKind::Cypher && !item.terminated => item.span.start,
        _ => 0,
    }
}

/// Whether a statement may change the graph: it contains one of `CREATE`, `MERGE`, `SET`,
/// `DELETE`, `REMOVE` as a word outside strings and comments. Errs on the side of `true`.
pub fn may_write(statement: &str) -> bool {
    let mut words = Vec::new();
    let bytes = statement.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(end) = skip_quoted_or_comment(bytes, i) {
            i = end;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            words.push(&statement[start..i]);
        } else {
            i += 1;
        }
    }
    words.iter().any(|w| ["CREATE", "MERGE", "SET", "DELETE", "REMOVE"].iter().any(|k| w.eq_ignore_ascii_case(k)))
}

/// If a string, backtick name or comment starts at `i`, the index just past its end (or the
/// input's end when it is not closed).
fn skip_quoted_or_comment(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes[i] {
        q @ (b'\'' | b'"' | b'`') => {
            let mut j = i + 1;
            while j < bytes.len() {
                if bytes[j] == b'\\' && q != b'`' {
                    j += 2;
                    continue;
                }
                if bytes[j] == q {
                    return Some(j + 1);
                }
                j += 1;
            }
            Some(bytes.len())
        }
        b'/' if bytes.get(i + 1) == Some(&b'/') => {
            Some(bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| i + p + 1))
        }
        b'/' if bytes.get(i + 1) == Some(&b'*') => {
            Some(bytes[i + 2..].windows(2).position(|w| w == b"*/").map_or(bytes.len(), |p| i + 2 + p + 2))
        }
        _ => None,
    }
}

/// Whether the quoted part or comment starting at `i` and ending at `end` was closed.
fn is_closed(bytes: &[u8], i: usize, end: usize) -> bool {
    match bytes[i] {
        b'/' if bytes.get(i + 1) == Some(&b'/') => true,
        b'/' => end >= i + 4 && &bytes[end - 2..end] == b"*/",
        q => {
            if end <= i + 1 || bytes[end - 1] != q {
                return false;
            }
            // The closing quote must not be escaped: count the backslashes before it.
            if q == b'`' {
                return true;
            }
            let mut k = end - 1;
            let mut backslashes = 0;
            while k > i + 1 && bytes[k - 1] == b'\\' {
                backslashes += 1;
                k -= 1;
            }
            backslashes % 2 == 0 && end - 1 > i
        }
    }
}

fn split_with_state(script: &str) -> (Vec<Item>, Open) {
    let bytes = script.as_bytes();
    let mut items = Vec::new();
    let mut i = 0;
    loop {
        // Between items: skip whitespace and comments.
        while i < bytes.len() {
            if bytes[i].is_ascii_whitespace() {
                i += 1;
            } else if bytes[i] == b'/' && matches!(bytes.get(i + 1), Some(b'/' | b'*')) {
                let end = skip_quoted_or_comment(bytes, i).unwrap_or(bytes.len());
                if !is_closed(bytes, i, end) {
                    return (items, Open::BlockComment);
                }
                i = end;
            } else if bytes[i] == b';' {
                i += 1;
            } else {
                break;
            }
        }
        if i >= bytes.len() {
            return (items, Open::Nothing);
        }
        let start = i;
        if bytes[i] == b':' {
            let end = bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| i + p);
            let text = script[start..end].trim_end();
            let text = text.strip_suffix(';').unwrap_or(text).trim_end();
            items.push(Item { kind: ItemKind::Meta, span: Span::new(start, start + text.len()), terminated: true });
            i = end;
            continue;
        }
        let mut open = Open::Nothing;
        let mut end = None;
        while i < bytes.len() {
            if bytes[i] == b';' {
                end = Some(i);
                break;
            }
            match skip_quoted_or_comment(bytes, i) {
                Some(next) => {
                    if !is_closed(bytes, i, next) {
                        open = if bytes[i] == b'/' { Open::BlockComment } else { Open::Quote };
                    }
                    i = next;
                }
                None => i += 1,
            }
        }
        let stop = end.unwrap_or(bytes.len());
        let text_end = start + script[start..stop].trim_end().len();
        items.push(Item { kind: ItemKind::Cypher, span: Span::new(start, text_end), terminated: end.is_some() });
        if end.is_none() {
            return (items, open);
        }
        i = stop + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(script: &str) -> Vec<(ItemKind, &str, bool)> {
        split_script(script)
            .into_iter()
            .map(|it| (it.kind, &script[it.span.start..it.span.end], it.terminated))
            .collect()
    }

    #[test]
    fn splits_statements_and_meta_commands() {
        let script = "// truces\n:format csv\nMATCH (a)-[:TRUCE_BETWEEN]-(b)\nRETURN a.name; /* x; */\n\
                      RETURN 'a;b' AS s, \"c\\\";\" AS t;\n  :timing on;\nRETURN `x;y`";
        assert_eq!(
            texts(script),
            vec![
                (ItemKind::Meta, ":format csv", true),
                (ItemKind::Cypher, "MATCH (a)-[:TRUCE_BETWEEN]-(b)\nRETURN a.name", true),
                (ItemKind::Cypher, "RETURN 'a;b' AS s, \"c\\\";\" AS t", true),
                (ItemKind::Meta, ":timing on", true),
                (ItemKind::Cypher, "RETURN `x;y`", false),
            ]
        );
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        assert_eq!(strip_bom("\u{feff}RETURN 1;".to_string()), "RETURN 1;");
        assert_eq!(strip_bom("RETURN '\u{feff}';".to_string()), "RETURN '\u{feff}';");
    }

    #[test]
    fn crlf_scripts_split_like_lf() {
        let script = ":format csv\r\nMATCH (n)\r\nRETURN n;\r\n";
        assert_eq!(
            texts(script),
            vec![(ItemKind::Meta, ":format csv", true), (ItemKind::Cypher, "MATCH (n)\r\nRETURN n", true)]
        );
    }

    #[test]
    fn colon_inside_statement_is_not_meta() {
        let script = "MATCH (n\n:Person) RETURN n;";
        assert_eq!(texts(script), vec![(ItemKind::Cypher, "MATCH (n\n:Person) RETURN n", true)]);
    }

    #[test]
    fn completeness_for_the_prompt() {
        assert!(is_complete(""));
        assert!(is_complete("  // only a comment"));
        assert!(is_complete(":help"));
        assert!(is_complete("MATCH (n)\nRETURN n;"));
        assert!(!is_complete("MATCH (n)\nRETURN n"));
        assert!(!is_complete("RETURN 'it;s"));
        assert!(!is_complete("RETURN 'a\\';"));
        assert!(is_complete("RETURN 'a\\\\';"));
        assert!(!is_complete("RETURN 1; /* open"));
        assert!(is_complete("RETURN 'قال: نعم';"));
    }

    #[test]
    fn ready_part_stops_before_the_open_statement() {
        fn ready(s: &str) -> &str {
            &s[..ready_len(s)]
        }
        assert_eq!(ready("RETURN 1;\n:help\nRETURN 2 AS\n"), "RETURN 1;\n:help\n");
        assert_eq!(ready("RETURN 1; RETURN 'a;"), "RETURN 1; ");
        assert_eq!(ready("RETURN 1; RETURN 2;"), "RETURN 1; RETURN 2;");
        assert_eq!(ready("MATCH (n)"), "");
        assert_eq!(ready("RETURN 1; /* open"), "");
    }

    #[test]
    fn detects_writes_outside_strings() {
        assert!(may_write("MATCH (n) SET n.x = 1"));
        assert!(may_write("create (n)"));
        assert!(!may_write("MATCH (n {name: 'CREATE'}) RETURN n.settings // DELETE"));
    }
}
