//! The rustyline helper of the shell: completion (through [`CompletionIndex`], file names for
//! meta-command paths), hints (the rest of a unique completion, or a meta-command's usage),
//! highlighting (keywords, strings, numbers, comments, meta-commands). Enter always hands the
//! line over: the shell's loop gathers the lines of an open statement (showing its continuation
//! prompt, which rustyline's own multi-line editing cannot show) and tells the helper the lines
//! already given, so completion inside a string or pattern opened on an earlier line still knows
//! where it is.

use std::borrow::Cow;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::complete::{CompletionIndex, Context as CompletionContext, KEYWORDS};
use super::meta;

const KEYWORD_STYLE: &str = "\x1b[1;34m";
const STRING_STYLE: &str = "\x1b[32m";
const NUMBER_STYLE: &str = "\x1b[36m";
const COMMENT_STYLE: &str = "\x1b[2m";
const META_STYLE: &str = "\x1b[1;35m";
const RESET: &str = "\x1b[0m";

/// The shell's rustyline helper.
pub struct ShellHelper {
    index: CompletionIndex,
    files: FilenameCompleter,
    color: bool,
    plain: bool,
    /// The lines of the open statement already entered, each followed by its line break.
    open: String,
}

impl ShellHelper {
    /// A helper completing from `index`; `color` turns highlighting on.
    pub fn new(index: CompletionIndex, color: bool) -> Self {
        ShellHelper { index, files: FilenameCompleter::new(), color, plain: false, open: String::new() }
    }

    /// The lines of the statement still open before the line being edited (empty at the main
    /// prompt); completion and hints read the line as their continuation.
    pub fn set_open_statement(&mut self, lines: &str) {
        self.open.clear();
        if !lines.is_empty() {
            self.open.push_str(lines);
            self.open.push('\n');
        }
    }

    /// Completes the line being edited read after the open statement's lines, with the start
    /// of the replaced text relative to the line; nothing when that text begins on an earlier
    /// line.
    fn complete_in_statement(&self, line: &str, pos: usize) -> (usize, Vec<Pair>, CompletionContext) {
        if self.open.is_empty() {
            return self.index.complete(line, pos);
        }
        let text = format!("{}{line}", self.open);
        let (start, pairs, context) = self.index.complete(&text, self.open.len() + pos);
        match start.checked_sub(self.open.len()) {
            Some(start) => (start, pairs, context),
            None => (pos, Vec::new(), context),
        }
    }

    /// Plain mode, for yes/no questions: every line is complete, no completion, hints or
    /// colours.
    pub fn set_plain(&mut self, on: bool) {
        self.plain = on;
    }

    /// The completion index, to update after the graph or the parameters change.
    pub fn index_mut(&mut self) -> &mut CompletionIndex {
        &mut self.index
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        if self.plain {
            return Ok((pos, Vec::new()));
        }
        let (start, pairs, context) = self.complete_in_statement(line, pos);
        if context == CompletionContext::File {
            return self.files.complete(line, pos, ctx);
        }
        Ok((start, pairs))
    }
}

/// A hint: text shown greyed after the cursor, and what the right arrow inserts (nothing for a
/// usage hint).
pub struct ShellHint {
    display: String,
    completion: Option<String>,
}

impl Hint for ShellHint {
    fn display(&self) -> &str {
        &self.display
    }

    fn completion(&self) -> Option<&str> {
        self.completion.as_deref()
    }
}

impl Hinter for ShellHelper {
    type Hint = ShellHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<ShellHint> {
        if self.plain || pos < line.len() || line.is_empty() {
            return None;
        }
        let trimmed = line.trim_start();
        if self.open.is_empty() && trimmed.starts_with(':') && !line.contains('\n') {
            let parsed = meta::parse_meta(trimmed);
            if let Some(command) = meta::find(&parsed.name) {
                if trimmed.ends_with(' ') && parsed.rest.is_empty() && !command.usage.is_empty() {
                    return Some(ShellHint { display: command.usage.to_string(), completion: None });
                }
            }
        }
        let (start, pairs, _) = self.complete_in_statement(line, pos);
        let typed = &line[start..pos];
        // Only a unique candidate is hinted: with several, the greyed text would pick one of
        // them (`RETURN to` → `Float(`) before Tab lists them all.
        let [first] = pairs.as_slice() else {
            return None;
        };
        // One typed character says too little: a hint would flicker on almost every word.
        if typed.chars().count() < 2 || first.replacement.len() <= typed.len() || !first.replacement.starts_with(typed)
        {
            return None;
        }
        let rest = first.replacement[typed.len()..].to_string();
        Some(ShellHint { display: rest.clone(), completion: Some(rest) })
    }
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color || self.plain {
            return Cow::Borrowed(line);
        }
        Cow::Owned(highlight_line(line))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if !self.color {
            return Cow::Borrowed(hint);
        }
        Cow::Owned(format!("{COMMENT_STYLE}{hint}{RESET}"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.color && kind != CmdKind::MoveCursor
    }
}

/// Every line is valid: the shell's loop, not the editor, decides whether a statement is
/// complete, so that each further line gets the continuation prompt.
impl Validator for ShellHelper {}

impl Helper for ShellHelper {}

/// The line with ANSI colours around keywords, strings, numbers, comments and a leading
/// meta-command; the visible text is unchanged.
pub fn highlight_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 32);
    let first_line_end = line.find('\n').unwrap_or(line.len());
    if line[..first_line_end].trim_start().starts_with(':') {
        out.push_str(META_STYLE);
        out.push_str(&line[..first_line_end]);
        out.push_str(RESET);
        out.push_str(&line[first_line_end..]);
        return out;
    }
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    let end_of = |k: usize| chars.get(k).map_or(line.len(), |c| c.0);
    while i < chars.len() {
        let (at, c) = chars[i];
        let next = chars.get(i + 1).map(|c| c.1);
        let (style, stop) = if c == '\'' || c == '"' {
            let mut k = i + 1;
            while k < chars.len() && chars[k].1 != c {
                k += if chars[k].1 == '\\' { 2 } else { 1 };
            }
            (Some(STRING_STYLE), (k + 1).min(chars.len()))
        } else if c == '/' && next == Some('/') {
            let k = chars[i..].iter().position(|c| c.1 == '\n').map_or(chars.len(), |p| i + p);
            (Some(COMMENT_STYLE), k)
        } else if c == '/' && next == Some('*') {
            let mut k = i + 2;
            while k < chars.len() && !(chars[k].1 == '/' && chars[k - 1].1 == '*' && k > i + 2) {
                k += 1;
            }
            (Some(COMMENT_STYLE), (k + 1).min(chars.len()))
        } else if c.is_ascii_digit() && (i == 0 || !is_word_char(chars[i - 1].1)) {
            let k = chars[i..]
                .iter()
                .position(|c| !(c.1.is_ascii_alphanumeric() || c.1 == '.'))
                .map_or(chars.len(), |p| i + p);
            (Some(NUMBER_STYLE), k)
        } else if is_word_char(c) {
            let k = chars[i..].iter().position(|c| !is_word_char(c.1)).map_or(chars.len(), |p| i + p);
            let word = &line[at..end_of(k)];
            let keyword = KEYWORDS.iter().any(|kw| kw.eq_ignore_ascii_case(word));
            (keyword.then_some(KEYWORD_STYLE), k)
        } else if c == '`' {
            let k = chars[i + 1..].iter().position(|c| c.1 == '`').map_or(chars.len(), |p| i + 1 + p + 1);
            (None, k)
        } else {
            (None, i + 1)
        };
        let text = &line[at..end_of(stop)];
        match style {
            Some(s) => {
                out.push_str(s);
                out.push_str(text);
                out.push_str(RESET);
            }
            None => out.push_str(text),
        }
        i = stop;
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn hints_complete_unique_words_and_show_usage() {
        use rustyline::history::DefaultHistory;
        let mut g = crate::graph::PropertyGraph::new();
        g.add_node(["ArmedGroup"], [("name", crate::graph::Value::from("JNIM"))]).unwrap();
        let helper = ShellHelper::new(CompletionIndex::build(&g), false);
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        let hint = |line: &str| helper.hint(line, line.len(), &ctx).map(|h| (h.display, h.completion));
        assert_eq!(hint("MATCH (g:Arm"), Some(("edGroup".to_string(), Some("edGroup".to_string()))));
        assert_eq!(hint("MATCH (g {name: 'JN"), Some(("IM'".to_string(), Some("IM'".to_string()))));
        assert_eq!(
            hint(":export "),
            Some((
                "dot|cypher|graphml|jsonl|csv PATH [--render svg|png] [--connected] [--legend] [QUERY]".to_string(),
                None
            ))
        );
        assert_eq!(hint("MATCH (g:A"), None, "one character is too little");
        assert_eq!(hint("MATCH (g:Zz"), None);
        assert_eq!(hint("RETURN to"), None, "several functions start with 'to'");
        assert_eq!(hint("RETURN toUp"), Some(("per(".to_string(), Some("per(".to_string()))));
    }

    #[test]
    fn completion_reads_the_line_after_the_open_statement() {
        use rustyline::history::DefaultHistory;
        let mut g = crate::graph::PropertyGraph::new();
        let a = g.add_node(["ArmedGroup"], [("name", crate::graph::Value::from("JNIM"))]).unwrap();
        g.add_relationship(a, a, "ATTACKED", Vec::<(&str, crate::graph::Value)>::new()).unwrap();
        let mut helper = ShellHelper::new(CompletionIndex::build(&g), false);
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        let replacements = |helper: &ShellHelper, line: &str| {
            let (start, pairs) = helper.complete(line, line.len(), &ctx).unwrap();
            (start, pairs.into_iter().map(|p| p.replacement).collect::<Vec<_>>())
        };
        // `:ATT` alone is a meta-command; after an open `[` it is a relationship type.
        assert_eq!(replacements(&helper, ":ATT"), (0, vec![]));
        helper.set_open_statement("MATCH (g)-[");
        assert_eq!(replacements(&helper, ":ATT"), (1, vec!["ATTACKED".to_string()]));
        // A string opened on the line before cannot be replaced from this one.
        helper.set_open_statement("MATCH (g {name: 'JN");
        assert_eq!(replacements(&helper, "IM"), (2, vec![]));
        helper.set_open_statement("");
        assert_eq!(replacements(&helper, "MATCH (g:Arm").1, vec!["ArmedGroup".to_string()]);
    }

    #[test]
    fn highlighting_keeps_the_text() {
        for line in [
            "MATCH (g {name: 'جماعة'})-[:ATTACKED]->(t) RETURN g.name, 1.5 // note",
            "RETURN 'open",
            "RETURN \"a\\\"b\" /* c */ , `x y`, 42",
            ":format json",
            "/*",
        ] {
            let out = highlight_line(line);
            assert_eq!(strip(&out), line);
        }
        let out = highlight_line("match (n) return 'x'");
        assert!(out.starts_with(&format!("{KEYWORD_STYLE}match{RESET}")), "{out:?}");
        assert!(out.contains(&format!("{STRING_STYLE}'x'{RESET}")), "{out:?}");
    }
}
