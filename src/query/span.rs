//! Source positions: a [`Span`] is a byte range into the query text, born in the parser and
//! carried through the AST and the plan. Lines and columns are computed from it only when an
//! error is reported, by [`line_col`], counting characters (queries contain Arabic) and treating
//! `\r\n` as one line break.

use serde::{Deserialize, Serialize};

/// A byte range `start..end` into the query text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `source`. An offset past the
/// end or inside a character is clamped to the previous character boundary.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let col = before[line_start..].chars().filter(|&c| c != '\r').count() + 1;
    (line, col)
}

/// The text of the line holding byte `offset`, without its line break.
pub fn line_text(source: &str, offset: usize) -> &str {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = source[offset..].find('\n').map_or(source.len(), |i| offset + i);
    source[start..end].trim_end_matches('\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let q = "MATCH (n {name: 'جنيم'}) RETURN x";
        let at = q.find("x").unwrap();
        assert_eq!(line_col(q, at), (1, 33));
    }

    #[test]
    fn crlf_is_one_break() {
        let q = "MATCH (n)\r\nRETURN x";
        assert_eq!(line_col(q, q.find('x').unwrap()), (2, 8));
        assert_eq!(line_text(q, q.find('x').unwrap()), "RETURN x");
    }
}
