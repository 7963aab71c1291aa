//! The parser's internal error type and its one conversion into the public [`QueryError`].
//!
//! [`PError`] implements nom's [`ParseError`] and [`ContextError`]: it records the position of
//! a failure, what was expected there (merged across `alt` branches at the same position), and,
//! for failures a parser diagnoses itself (a bad number, an unclosed string), a ready message, a
//! TCK detail code and a help line. Besides, every token parser notes its expectation in a
//! per-parse "furthest failure" record, so the final message lists everything that would have
//! been accepted at the furthest point the parser reached (the classic PEG error strategy).
//! [`to_query_error`] is the only place a `PError` becomes a [`QueryError`].

use std::cell::RefCell;

use nom::error::{ContextError, ErrorKind as NomErrorKind, ParseError};

use super::lexical::pos;
use crate::query::error::{ErrorKind, QueryError};
use crate::query::span::{line_col, Span};

/// A parser failure while parsing `&'a str` input. Kept small (diagnoses are boxed) because
/// results carrying it fill every stack frame of the recursive descent.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PError<'a> {
    /// The remaining input where the failure was detected.
    pub at: &'a str,
    /// What would have been accepted at `at` (e.g. `')'`, `an expression`). Alternatives
    /// tried at the same place are collected by the furthest-failure record, so one label
    /// suffices here (and failing costs no allocation).
    pub expected: Option<&'static str>,
    /// A parser's own diagnosis, when it has one.
    pub diag: Option<Box<Diagnosis>>,
}

/// What a parser found out about a failure beyond "expected X".
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Diagnosis {
    /// A complete message replacing `expected …, found …`.
    pub message: Option<String>,
    /// How many bytes from `at` the error covers (default: the found token).
    pub len: Option<usize>,
    /// A hint on how to fix it.
    pub help: Option<String>,
    /// The TCK detail code.
    pub detail: Option<&'static str>,
}

/// The result type of every parser function.
pub(crate) type PResult<'a, T> = nom::IResult<&'a str, T, PError<'a>>;

impl<'a> PError<'a> {
    /// A failure at `at` expecting `label`.
    pub fn expected(at: &'a str, label: &'static str) -> Self {
        note_expected(at, label);
        PError { at, expected: Some(label), diag: None }
    }

    /// A diagnosed failure with its own message.
    pub fn custom(at: &'a str, len: usize, message: impl Into<String>) -> Self {
        let diag = Diagnosis { message: Some(message.into()), len: Some(len), ..Diagnosis::default() };
        PError { at, expected: None, diag: Some(Box::new(diag)) }
    }

    fn diag_mut(&mut self) -> &mut Diagnosis {
        self.diag.get_or_insert_with(Box::default)
    }

    /// Whether the error carries its own message.
    fn has_message(&self) -> bool {
        self.diag.as_ref().is_some_and(|d| d.message.is_some())
    }

    /// The TCK detail code, if set.
    #[cfg(test)]
    pub fn detail_code(&self) -> Option<&'static str> {
        self.diag.as_ref().and_then(|d| d.detail)
    }

    /// Sets the TCK detail code.
    pub fn detail(mut self, detail: &'static str) -> Self {
        self.diag_mut().detail = Some(detail);
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.diag_mut().help = Some(help.into());
        self
    }

    /// As a recoverable nom error.
    pub fn error<T>(self) -> PResult<'a, T> {
        Err(nom::Err::Error(self))
    }

    /// As an unrecoverable nom failure (no other branch is tried).
    pub fn failure<T>(self) -> PResult<'a, T> {
        Err(nom::Err::Failure(self))
    }
}

impl<'a> ParseError<&'a str> for PError<'a> {
    fn from_error_kind(input: &'a str, _kind: NomErrorKind) -> Self {
        PError { at: input, expected: None, diag: None }
    }

    fn append(_input: &'a str, _kind: NomErrorKind, other: Self) -> Self {
        other
    }

    fn or(mut self, other: Self) -> Self {
        // The branch that got further explains the failure better; at the same place, both
        // branches' expectations count.
        match self.at.len().cmp(&other.at.len()) {
            std::cmp::Ordering::Less => self,
            std::cmp::Ordering::Greater => other,
            std::cmp::Ordering::Equal => {
                if self.has_message() {
                    return self;
                }
                if other.has_message() {
                    return other;
                }
                if self.expected.is_none() {
                    self.expected = other.expected;
                }
                self
            }
        }
    }
}

impl<'a> ContextError<&'a str> for PError<'a> {
    fn add_context(input: &'a str, ctx: &'static str, mut other: Self) -> Self {
        // A parser that failed without consuming anything is best described by its label.
        let input = super::lexical::ws(input).map_or(input, |(rest, ())| rest);
        if other.at.len() == input.len() && !other.has_message() {
            other.expected = Some(ctx);
            note_expected(input, ctx);
        }
        other
    }
}

/// The furthest point any token parser failed at, and what it expected there.
#[derive(Default)]
struct Furthest {
    /// Remaining length at the furthest failure (smaller is further).
    rest_len: usize,
    expected: Vec<&'static str>,
}

thread_local! {
    static FURTHEST: RefCell<Option<Furthest>> = const { RefCell::new(None) };
}

/// Records that `label` was expected at `at`.
pub(crate) fn note_expected(at: &str, label: &'static str) {
    FURTHEST.with(|f| {
        let mut f = f.borrow_mut();
        let f = f.get_or_insert_with(|| Furthest { rest_len: usize::MAX, expected: Vec::new() });
        if at.len() < f.rest_len {
            f.rest_len = at.len();
            f.expected.clear();
            f.expected.push(label);
        } else if at.len() == f.rest_len && !f.expected.contains(&label) {
            f.expected.push(label);
        }
    });
}

/// Clears the furthest-failure record before a parse.
pub(crate) fn reset_furthest() {
    FURTHEST.with(|f| *f.borrow_mut() = None);
}

fn take_furthest() -> Option<(usize, Vec<&'static str>)> {
    FURTHEST.with(|f| f.borrow_mut().take().map(|f| (f.rest_len, f.expected)))
}

/// Converts the parser's error into the public error: `expected …, found …` with the span of
/// the offending token, the TCK detail code and a help line for frequent slips.
pub(crate) fn to_query_error(source: &str, err: PError<'_>) -> QueryError {
    let furthest = take_furthest();
    let mut start = pos(err.at);
    let diag = err.diag.map(|d| *d).unwrap_or_default();
    let (message, len) = match diag.message {
        Some(message) => (message, diag.len.unwrap_or_else(|| token_len(&source[start..]))),
        None => {
            let mut expected: Vec<&'static str> = err.expected.into_iter().collect();
            if let Some((rest_len, labels)) = furthest {
                let f_start = source.len().saturating_sub(rest_len);
                if f_start > start || expected.is_empty() && f_start == start {
                    start = f_start;
                    expected = labels;
                } else if f_start == start {
                    let mut merged = labels;
                    for l in expected {
                        if !merged.contains(&l) {
                            merged.push(l);
                        }
                    }
                    expected = merged;
                }
            }
            let rest = &source[start..];
            let found = describe_found(rest);
            let message = if expected.is_empty() {
                format!("unexpected {found}")
            } else {
                format!("expected {}, found {found}", join_expected(&expected))
            };
            (message, token_len(rest))
        }
    };
    // At the end of the text, point just after the last token rather than at a blank line.
    let (start, len) =
        if source[start..].trim().is_empty() { (source.trim_end().len().min(start), 0) } else { (start, len) };
    let rest = &source[start..];
    let mut detail = diag.detail;
    let mut help = diag.help;
    let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if let Some(keyword) = misspelled_keyword(&word.to_ascii_uppercase()) {
        help = Some(format!("did you mean {keyword}?"));
    }
    if help.is_none() {
        help = slip_help(source, rest, &message);
    }
    if detail.is_none() {
        detail = Some(if rest.chars().next().is_some_and(is_odd_unicode) {
            if help.is_none() {
                help = Some("this character looks like an operator but is not ASCII; retype it".into());
            }
            "InvalidUnicodeCharacter"
        } else {
            "UnexpectedSyntax"
        });
    }
    let mut e = QueryError::new(ErrorKind::SyntaxError, message).with_span(Span::new(start, start + len));
    e.detail = detail;
    e.help = help;
    e
}

/// Joins expectations as `a, b or c`.
fn join_expected(expected: &[&'static str]) -> String {
    match expected {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Describes the token at the start of `rest` for `found …`.
fn describe_found(rest: &str) -> String {
    let Some(c) = rest.chars().next() else {
        return "end of input".into();
    };
    let len = token_len(rest);
    let token = &rest[..len];
    if c.is_alphanumeric() || c == '_' {
        format!("'{}'", crate::graph::clip(token))
    } else if c == '\'' || c == '"' {
        "a string".into()
    } else if c == '\n' || c == '\r' {
        "end of line".into()
    } else {
        format!("'{c}'")
    }
}

/// The byte length of the token at the start of `rest` (a word, or one character).
fn token_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    match chars.next() {
        None => 0,
        Some((_, c)) if c.is_alphanumeric() || c == '_' => {
            rest.char_indices().find(|&(_, c)| !(c.is_alphanumeric() || c == '_')).map_or(rest.len(), |(i, _)| i)
        }
        Some((_, c)) => c.len_utf8(),
    }
}

/// Characters that are easily typed by mistake for ASCII operators (dashes, smart quotes).
fn is_odd_unicode(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' | '\u{00a0}')
}

/// A help line for frequent slips: SQL words, `=` in maps, unclosed brackets.
fn slip_help(source: &str, rest: &str, message: &str) -> Option<String> {
    let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    let upper = word.to_ascii_uppercase();
    match upper.as_str() {
        "SELECT" => return Some("Cypher has no SELECT: write MATCH (pattern) ... RETURN items".into()),
        "FROM" => {
            return Some("Cypher has no FROM: name what you read in a MATCH pattern, e.g. MATCH (n:Label)".into())
        }
        "GROUP" => {
            return Some(
                "Cypher has no GROUP BY: RETURN groups by its non-aggregated items, e.g. RETURN n.name, count(*)"
                    .into(),
            )
        }
        "HAVING" => return Some("Cypher has no HAVING: aggregate in WITH, then filter with WHERE".into()),
        "INSERT" => return Some("to add data, use CREATE (n:Label {key: value})".into()),
        "UPDATE" => return Some("to change data, use MATCH ... SET n.key = value".into()),
        "JOIN" => return Some("Cypher joins by shared variables in patterns, e.g. MATCH (a)-[:R]->(b)".into()),
        _ => {}
    }
    let before = source[..source.len() - rest.len()].trim_end();
    if rest.starts_with('=') && before.ends_with('=') {
        return Some("Cypher tests equality with a single '='".into());
    }
    if rest.starts_with("!=") {
        return Some("Cypher writes 'not equal' as '<>'".into());
    }
    if rest.starts_with('!') {
        return Some("Cypher negates with NOT, e.g. WHERE NOT n.done".into());
    }
    if rest.starts_with("&&") {
        return Some("Cypher writes 'and' as AND".into());
    }
    if rest.starts_with("||") {
        return Some("Cypher writes 'or' as OR; string concatenation is '+'".into());
    }
    if rest.starts_with('=') && message.contains("':'") {
        return Some("map entries are written key: value, with ':' instead of '='".into());
    }
    if rest.trim().is_empty() {
        if message.contains("')'") {
            return Some(unclosed_help(source, '(', ')'));
        }
        if message.contains("']'") {
            return Some(unclosed_help(source, '[', ']'));
        }
        if message.contains("'}'") {
            return Some(unclosed_help(source, '{', '}'));
        }
    }
    None
}

/// The clause keyword `word` (upper case) is one or two typing slips away from, if any.
fn misspelled_keyword(word: &str) -> Option<&'static str> {
    const KEYWORDS: &[&str] =
        &["MATCH", "OPTIONAL", "RETURN", "WHERE", "WITH", "UNWIND", "CREATE", "MERGE", "DELETE", "DETACH", "REMOVE"];
    if word.len() < 4 {
        return None;
    }
    KEYWORDS.iter().copied().find(|k| *k != word && edit_distance(k, word) <= if word.len() > 5 { 2 } else { 1 })
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

fn unclosed_help(source: &str, open: char, close: char) -> String {
    let mut stack = Vec::new();
    for (i, c) in source.char_indices() {
        if c == open {
            stack.push(i);
        } else if c == close {
            stack.pop();
        }
    }
    match stack.last() {
        Some(&at) => {
            let (line, col) = line_col(source, at);
            format!("the '{open}' at {line}:{col} is not closed; add '{close}'")
        }
        None => format!("add '{close}'"),
    }
}
