//! Query errors, classified the way the openCypher TCK classifies them, and their one rendering
//! for terminals: `origin:line:col: Kind (Detail): message`, then the source line, a caret line
//! and an optional help line.

use std::fmt::Write as _;

use thiserror::Error;
use unicode_width::UnicodeWidthStr;

use super::span::{line_col, line_text, Span};
use crate::graph::QUOTE_LIMIT;

/// The TCK's error classes (plus cancellation, which the TCK does not test).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not valid Cypher.
    SyntaxError,
    /// Valid syntax with an invalid meaning found before running.
    SemanticError,
    /// A value of the wrong type at run time.
    TypeError,
    /// A function argument out of its domain at run time.
    ArgumentError,
    /// A deleted entity was used.
    EntityNotFound,
    /// A constraint (e.g. deleting a connected node) was violated.
    ConstraintVerificationFailed,
    /// A procedure could not be found or called.
    ProcedureError,
    /// A parameter the query needs was not given.
    ParameterMissing,
    /// The query was cancelled or hit its row or time limit.
    Cancelled,
}

impl ErrorKind {
    /// The TCK name of the kind, e.g. `SyntaxError`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::SemanticError => "SemanticError",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::ArgumentError => "ArgumentError",
            ErrorKind::EntityNotFound => "EntityNotFound",
            ErrorKind::ConstraintVerificationFailed => "ConstraintVerificationFailed",
            ErrorKind::ProcedureError => "ProcedureError",
            ErrorKind::ParameterMissing => "ParameterMissing",
            ErrorKind::Cancelled => "Cancelled",
        }
    }

    /// Whether the TCK expects this kind at compile time (before any row is produced).
    pub fn is_compile_time(self) -> bool {
        matches!(
            self,
            ErrorKind::SyntaxError | ErrorKind::SemanticError | ErrorKind::ProcedureError | ErrorKind::ParameterMissing
        )
    }
}

/// An error from parsing, planning or running a query.
#[derive(Clone, Debug, Error, PartialEq)]
#[error("{}: {message}", self.kind_label())]
pub struct QueryError {
    /// The TCK class.
    pub kind: ErrorKind,
    /// The TCK detail code when one applies, e.g. `UndefinedVariable`, `InvalidArgumentType`.
    pub detail: Option<&'static str>,
    /// What went wrong: lowercase, no final period, says what was expected and what was found.
    pub message: String,
    /// Where in the query text, when known.
    pub span: Option<Span>,
    /// A hint on how to fix it.
    pub help: Option<String>,
}

impl QueryError {
    /// A new error without span, detail or help.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        QueryError { kind, detail: None, message: message.into(), span: None, help: None }
    }

    /// Sets the TCK detail code.
    pub fn with_detail(mut self, detail: &'static str) -> Self {
        self.detail = Some(detail);
        self
    }

    /// Sets the span.
    pub fn with_span(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `SyntaxError (UndefinedVariable)` or just `TypeError`.
    pub fn kind_label(&self) -> String {
        match self.detail {
            Some(d) => format!("{} ({d})", self.kind.name()),
            None => self.kind.name().to_string(),
        }
    }

    /// The first line of the report, complete on its own:
    /// `origin:line:col: Kind (Detail): message` (without `line:col` when there is no span).
    pub fn first_line(&self, origin: &str, source: &str) -> String {
        match self.span {
            Some(span) => {
                let (line, col) = line_col(source, span.start);
                format!("{origin}:{line}:{col}: {self}")
            }
            None => format!("{origin}: {self}"),
        }
    }

    /// The full report: the first line, then the source line with a caret under the span
    /// (aligned by display width, so Arabic text lines up) and the help, if any.
    pub fn render(&self, origin: &str, source: &str) -> String {
        let mut out = self.first_line(origin, source);
        if let Some(span) = self.span {
            let text = line_text(source, span.start);
            let line_start = text.as_ptr() as usize - source.as_ptr() as usize;
            let prefix_end = span.start.clamp(line_start, line_start + text.len());
            let prefix = &source[line_start..floor_boundary(source, prefix_end)];
            let underlined_end = span.end.clamp(prefix_end, line_start + text.len());
            let underlined = &source[floor_boundary(source, prefix_end)..floor_boundary(source, underlined_end)];
            let after = &source[floor_boundary(source, underlined_end)..line_start + text.len()];
            let (prefix, underlined, after) = window(prefix, underlined, after);
            let width = underlined.width().max(1);
            let _ =
                write!(out, "\n  {prefix}{underlined}{after}\n  {}{}", " ".repeat(prefix.width()), "^".repeat(width));
        }
        if let Some(help) = &self.help {
            let _ = write!(out, "\n  help: {help}");
        }
        out
    }
}

/// A source line longer than twice [`QUOTE_LIMIT`] characters cut to about `QUOTE_LIMIT`
/// around the underlined part, with `…` where it was cut: a query of one 100,000-character
/// line must not be echoed whole. Shorter lines are shown as they are.
fn window(prefix: &str, underlined: &str, after: &str) -> (String, String, String) {
    if prefix.chars().chain(underlined.chars()).chain(after.chars()).nth(2 * QUOTE_LIMIT).is_none() {
        return (prefix.to_string(), underlined.to_string(), after.to_string());
    }
    let half = QUOTE_LIMIT / 2;
    let n = prefix.chars().count();
    let prefix =
        if n > half { format!("…{}", prefix.chars().skip(n - half).collect::<String>()) } else { prefix.to_string() };
    let underlined = match underlined.char_indices().nth(half) {
        Some((at, _)) => format!("{}…", &underlined[..at]),
        None => underlined.to_string(),
    };
    let room = QUOTE_LIMIT.saturating_sub(prefix.chars().count() + underlined.chars().count());
    let after = if underlined.ends_with('…') { String::new() } else { clip_to(after, room) };
    (prefix, underlined, after)
}

fn clip_to(s: &str, chars: usize) -> String {
    match s.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_points_at_span() {
        let q = "MATCH (n)\nRETURN x";
        let e = QueryError::new(ErrorKind::SyntaxError, "variable 'x' is not defined")
            .with_detail("UndefinedVariable")
            .with_span(Span::new(17, 18))
            .with_help("define x in MATCH or WITH first");
        assert_eq!(
            e.render("<query>", q),
            "<query>:2:8: SyntaxError (UndefinedVariable): variable 'x' is not defined\n  RETURN x\n         ^\n  help: define x in MATCH or WITH first"
        );
    }
}
