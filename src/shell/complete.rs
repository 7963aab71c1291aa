//! Tab completion for the shell: what to offer at the cursor, from a prefix index of the open
//! graph's vocabulary.
//!
//! [`CompletionIndex`] keeps each vocabulary (keywords, functions, labels, relationship types,
//! property keys, entity names, parameters) as a sorted vector of lowercased keys, so a prefix
//! lookup is a binary search plus a short scan: completion stays instant on graphs with millions
//! of names. [`CompletionIndex::complete`] reads the text before the cursor to pick the
//! vocabulary: a label after `(n:`, a type after `[r:` or `|`, a key after `n.`, a parameter
//! after `$`, an entity name inside a string or after `{name:` / `=` (inserted quoted, Arabic
//! included), a meta-command after a leading `:`, otherwise a keyword or function.

use rustyline::completion::Pair;

use super::meta;
use super::script::is_complete;
use crate::graph::{write_cypher_name, write_cypher_string, PropertyGraph, Value};

/// Cypher keywords offered by completion and highlighted by the shell: the parser's reserved
/// words, so the two lists cannot drift apart.
pub const KEYWORDS: &[&str] = crate::query::ast::RESERVED_WORDS;

/// Functions offered by completion (inserted with an opening parenthesis) and listed by
/// `:help functions`: the query engine's own list, so the two cannot drift apart.
pub const FUNCTIONS: &[(&str, &str)] = crate::query::functions::SIGNATURES;

/// Most candidates returned for one Tab press.
const MAX_CANDIDATES: usize = 200;

/// Words sorted by their lowercased form, for case-insensitive prefix search.
#[derive(Clone, Debug, Default)]
pub struct SortedWords {
    entries: Vec<(String, String)>,
}

impl SortedWords {
    /// Builds the index from words (duplicates removed).
    pub fn new<I, S>(words: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut entries: Vec<(String, String)> = words
            .into_iter()
            .map(Into::into)
            .filter(|w: &String| !w.is_empty())
            .map(|w| (w.to_lowercase(), w))
            .collect();
        entries.sort_unstable();
        entries.dedup_by(|a, b| a.1 == b.1);
        SortedWords { entries }
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no words.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Words starting with `prefix` (ignoring case), in order, at most `limit`.
    pub fn with_prefix<'a>(&'a self, prefix: &str, limit: usize) -> impl Iterator<Item = &'a str> + 'a {
        let key = prefix.to_lowercase();
        let from = self.entries.partition_point(|(k, _)| k.as_str() < key.as_str());
        self.entries[from..].iter().take_while(move |(k, _)| k.starts_with(&key)).take(limit).map(|(_, w)| w.as_str())
    }
}

/// The vocabularies completion draws from. Rebuild it when the graph changes.
#[derive(Clone, Debug, Default)]
pub struct CompletionIndex {
    keywords: SortedWords,
    functions: SortedWords,
    labels: SortedWords,
    types: SortedWords,
    keys: SortedWords,
    names: SortedWords,
    /// Every `name`, `name_ar` and alias, with the canonical `name` of its node.
    aliases: NameIndex,
    params: SortedWords,
    commands: SortedWords,
}

/// Property keys whose string values are offered as entity names.
const NAME_KEYS: &[&str] = &["name", "name_ar", "aliases"];

/// Names as typed (any case, Arabic or English, alias or canonical) → the canonical `name`
/// a `{name: '…'}` pattern must use, and the key the typed form came from.
#[derive(Clone, Debug, Default)]
struct NameIndex {
    /// (lowercased form, form, canonical name, key).
    entries: Vec<(String, String, String, &'static str)>,
}

impl NameIndex {
    fn build(graph: &PropertyGraph) -> NameIndex {
        let mut entries = Vec::new();
        for id in graph.node_ids() {
            let Some(Value::String(canonical)) = graph.node_property(id, "name") else {
                continue;
            };
            for key in NAME_KEYS {
                let forms: Vec<&str> = match graph.node_property(id, key) {
                    Some(Value::String(s)) => vec![s.as_str()],
                    Some(Value::List(items)) => items.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                for form in forms.into_iter().filter(|f| !f.is_empty()) {
                    entries.push((form.to_lowercase(), form.to_string(), canonical.clone(), *key));
                }
            }
        }
        entries.sort_unstable();
        entries.dedup();
        NameIndex { entries }
    }

    /// Entries whose form starts with `prefix` (ignoring case).
    fn with_prefix<'a>(
        &'a self,
        prefix: &str,
    ) -> impl Iterator<Item = &'a (String, String, String, &'static str)> + 'a {
        let key = prefix.to_lowercase();
        let from = self.entries.partition_point(|e| e.0.as_str() < key.as_str());
        self.entries[from..].iter().take_while(move |e| e.0.starts_with(&key))
    }
}

/// The property key a string at the end of `before` is compared with: `{name: '` and
/// `n.name = '` give `name`; `None` when there is none.
fn key_before_value(before: &str) -> Option<&str> {
    let t = before.trim_end();
    let t = t.strip_suffix(':').or_else(|| t.strip_suffix('='))?.trim_end();
    let len: usize = t.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '_').map(char::len_utf8).sum();
    Some(&t[t.len() - len..]).filter(|k| !k.is_empty())
}

impl CompletionIndex {
    /// Indexes the graph's labels, types, keys and entity names (`name`, `name_ar`, `aliases`).
    pub fn build(graph: &PropertyGraph) -> Self {
        let aliases = NameIndex::build(graph);
        let mut names: Vec<String> = graph.names().map(str::to_string).collect();
        names.extend(aliases.entries.iter().map(|e| e.1.clone()));
        CompletionIndex {
            aliases,
            keywords: SortedWords::new(KEYWORDS.iter().copied()),
            functions: SortedWords::new(FUNCTIONS.iter().map(|(name, _)| *name)),
            labels: SortedWords::new(graph.label_counts().map(|(l, _)| l.to_string())),
            types: SortedWords::new(graph.rel_type_counts().map(|(t, _)| t.to_string())),
            keys: SortedWords::new(graph.property_keys().map(str::to_string)),
            names: SortedWords::new(names),
            params: SortedWords::default(),
            commands: SortedWords::new(meta::COMMANDS.iter().map(|c| c.name)),
        }
    }

    /// Replaces the parameter names offered after `$`.
    pub fn set_params<'a>(&mut self, names: impl IntoIterator<Item = &'a String>) {
        self.params = SortedWords::new(names.into_iter().cloned());
    }

    /// Number of distinct entity names indexed.
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// Candidates for a string value compared with `key`: for `name` (or no key), the canonical
    /// names whose name, Arabic name or alias starts with `prefix`, shown with the form that
    /// matched (`Kidal  ← كيدال`), since only the canonical name finds the node; for `name_ar`
    /// or `aliases`, the forms stored under that key; for any other key, every known form.
    fn string_candidates(&self, key: Option<&str>, prefix: &str, quote: char) -> Vec<Pair> {
        match key {
            None | Some("name") => {}
            Some(k @ ("name_ar" | "aliases")) => {
                let mut forms: Vec<&str> =
                    self.aliases.with_prefix(prefix).filter(|e| e.3 == k).map(|e| e.1.as_str()).collect();
                forms.dedup();
                return forms.into_iter().take(MAX_CANDIDATES).map(|f| pair(f, quote_string(f, quote))).collect();
            }
            Some(_) => {
                return self
                    .names
                    .with_prefix(prefix, MAX_CANDIDATES)
                    .map(|n| pair(n, quote_string(n, quote)))
                    .collect()
            }
        }
        let mut seen = std::collections::HashSet::new();
        let mut direct: Vec<Pair> = Vec::new();
        let mut via_alias: Vec<Pair> = Vec::new();
        let matches: Vec<_> = self.aliases.with_prefix(prefix).collect();
        // Canonical names first, so an alias never hides the name it stands for.
        for (_, form, canonical, _) in matches.iter().filter(|e| e.1 == e.2) {
            if seen.insert(canonical.as_str()) {
                direct.push(pair(form, quote_string(canonical, quote)));
            }
        }
        for (_, form, canonical, _) in matches.iter().filter(|e| e.1 != e.2) {
            if seen.insert(canonical.as_str()) {
                via_alias.push(pair(&format!("{canonical}  ← {form}"), quote_string(canonical, quote)));
            }
        }
        direct.extend(via_alias);
        direct.truncate(MAX_CANDIDATES);
        direct
    }

    /// Completions for `line` with the cursor at byte `pos`: the start of the text to replace
    /// and the candidates. File-name arguments of meta-commands are left to the caller
    /// (`Context::File`).
    pub fn complete(&self, line: &str, pos: usize) -> (usize, Vec<Pair>, Context) {
        let pos = floor_boundary(line, pos);
        let before = &line[..pos];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let current = &before[line_start..];
        let indent = current.len() - current.trim_start().len();
        if current.trim_start().starts_with(':') && is_complete(&before[..line_start]) {
            return self.complete_meta(before, line_start + indent);
        }
        if let Some((quote_at, quote)) = open_quote(before) {
            if quote == '`' {
                return (pos, Vec::new(), Context::Cypher);
            }
            let prefix = &before[quote_at + 1..];
            let pairs = self.string_candidates(key_before_value(&before[..quote_at]), prefix, quote);
            return (quote_at, pairs, Context::Cypher);
        }
        let word_len: usize =
            before.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '_').map(char::len_utf8).sum();
        let start = pos - word_len;
        let word = &before[start..];
        let immediately = before[..start].chars().next_back();
        let prev = before[..start].trim_end().chars().next_back();
        let bracket = innermost_open_bracket(&before[..start]);
        let words = |set: &SortedWords, render: &dyn Fn(&str) -> String| -> Vec<Pair> {
            set.with_prefix(word, MAX_CANDIDATES).map(|w| pair(w, render(w))).collect()
        };
        let name = |w: &str| {
            let mut s = String::new();
            let _ = write_cypher_name(&mut s, w);
            s
        };
        let pairs = match (immediately, prev, bracket) {
            (Some('.'), _, _) => words(&self.keys, &name),
            (Some('$'), _, _) => words(&self.params, &|w: &str| w.to_string()),
            (Some(':'), _, Some('[')) | (Some('|'), _, Some('[')) => words(&self.types, &name),
            (Some(':'), _, Some('(')) => words(&self.labels, &name),
            (_, Some(':'), Some('{')) | (_, Some('='), _) => {
                self.string_candidates(key_before_value(&before[..start]), word, '\'')
            }
            _ if word.is_empty() => Vec::new(),
            _ => {
                let mut pairs = words(&self.keywords, &|w: &str| w.to_string());
                pairs.extend(words(&self.functions, &|w: &str| format!("{w}(")));
                pairs
            }
        };
        (start, pairs, Context::Cypher)
    }

    fn complete_meta(&self, before: &str, colon: usize) -> (usize, Vec<Pair>, Context) {
        let body = &before[colon + 1..];
        let Some(space) = body.find(char::is_whitespace) else {
            let pairs = self.commands.with_prefix(body, MAX_CANDIDATES).map(|c| pair(c, format!(":{c}"))).collect();
            return (colon, pairs, Context::Meta);
        };
        let command = meta::parse_meta(&body[..space]).name;
        let args = &body[space..];
        let arg_start =
            before.len() - args.chars().rev().take_while(|c| !c.is_whitespace()).map(char::len_utf8).sum::<usize>();
        let word = &before[arg_start..];
        let first_arg = args.trim_start().len() == word.len();
        let choices: &[&str] = match command.as_str() {
            "format" => &["table", "vertical", "csv", "tsv", "json"],
            "timing" | "autosave" => &["on", "off"],
            "export" if first_arg => &["dot", "cypher", "graphml", "jsonl", "csv"],
            "help" => {
                let pairs = self.commands.with_prefix(word, MAX_CANDIDATES).map(|c| pair(c, c.to_string())).collect();
                return (arg_start, pairs, Context::Meta);
            }
            "open" | "save" | "build" | "import" | "source" | "export" => {
                return (arg_start, Vec::new(), Context::File)
            }
            _ => &[],
        };
        let pairs = choices.iter().filter(|c| c.starts_with(word)).map(|c| pair(c, c.to_string())).collect();
        (arg_start, pairs, Context::Meta)
    }
}

/// What kind of text the cursor is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Cypher text.
    Cypher,
    /// A meta-command or one of its fixed arguments.
    Meta,
    /// A file-name argument of a meta-command: complete paths.
    File,
}

fn pair(display: &str, replacement: String) -> Pair {
    Pair { display: display.to_string(), replacement }
}

/// A name as a Cypher string literal in the quote the user opened.
fn quote_string(name: &str, quote: char) -> String {
    if quote == '"' {
        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
        return format!("\"{escaped}\"");
    }
    let mut s = String::new();
    let _ = write_cypher_string(&mut s, name);
    s
}

/// The byte offset and character of a string or backtick name left open at the end of `text`
/// (outside comments).
fn open_quote(text: &str) -> Option<(usize, char)> {
    let mut open: Option<(usize, char)> = None;
    let mut chars = text.char_indices().peekable();
    let mut line_comment = false;
    let mut block_comment = false;
    while let Some((i, c)) = chars.next() {
        if line_comment {
            line_comment = c != '\n';
            continue;
        }
        if block_comment {
            if c == '*' && chars.peek().map(|p| p.1) == Some('/') {
                chars.next();
                block_comment = false;
            }
            continue;
        }
        match open {
            Some((_, q)) => {
                if c == '\\' && q != '`' {
                    chars.next();
                } else if c == q {
                    open = None;
                }
            }
            None => match c {
                '\'' | '"' | '`' => open = Some((i, c)),
                '/' if chars.peek().map(|p| p.1) == Some('/') => line_comment = true,
                '/' if chars.peek().map(|p| p.1) == Some('*') => {
                    chars.next();
                    block_comment = true;
                }
                _ => {}
            },
        }
    }
    open
}

/// The innermost `(`, `[` or `{` not closed before the end of `text` (strings ignored).
fn innermost_open_bracket(text: &str) -> Option<char> {
    let mut stack = Vec::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if c == '\\' && q != '`' {
                chars.next();
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '(' | '[' | '{' => stack.push(c),
            ')' | ']' | '}' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
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

    fn graph() -> PropertyGraph {
        let mut g = PropertyGraph::new();
        let a = g
            .add_node(
                ["ArmedGroup"],
                [("name", Value::from("JNIM")), ("name_ar", Value::from("جماعة نصرة الإسلام والمسلمين"))],
            )
            .unwrap();
        let b = g
            .add_node(["Force"], [("name", Value::from("Malian army")), ("name_ar", Value::from("الجيش المالي"))])
            .unwrap();
        g.add_node(["State"], [("name", Value::from("Mali"))]).unwrap();
        g.add_node(["Person"], [("name", Value::from("O'Brien"))]).unwrap();
        g.add_relationship(a, b, "ATTACKED", [("mentions", Value::Int(2))]).unwrap();
        g
    }

    fn replacements(index: &CompletionIndex, line: &str) -> (usize, Vec<String>) {
        let (start, pairs, _) = index.complete(line, line.len());
        (start, pairs.into_iter().map(|p| p.replacement).collect())
    }

    #[test]
    fn prefix_search_ignores_case_and_stays_sorted() {
        let words = SortedWords::new(["Mali", "Malian army", "mopti", "Menaka", "Mali"]);
        assert_eq!(words.len(), 4);
        assert_eq!(words.with_prefix("MAL", 10).collect::<Vec<_>>(), ["Mali", "Malian army"]);
        assert_eq!(words.with_prefix("m", 2).count(), 2);
        assert_eq!(words.with_prefix("x", 10).count(), 0);
    }

    #[test]
    fn picks_vocabulary_from_context() {
        let index = CompletionIndex::build(&graph());
        assert_eq!(replacements(&index, "MATCH (g:Arm"), (9, vec!["ArmedGroup".to_string()]));
        assert_eq!(replacements(&index, "MATCH (g)-[r:ATT").1, ["ATTACKED"]);
        assert_eq!(replacements(&index, "MATCH (g)-[r:TRUCE|ATT").1, ["ATTACKED"]);
        assert_eq!(replacements(&index, "MATCH (g) RETURN g.men").1, ["mentions"]);
        assert_eq!(replacements(&index, "mat").1, ["MATCH"]);
        assert_eq!(replacements(&index, "RETURN coll").1, ["collect("]);
        assert_eq!(replacements(&index, ":form"), (0, vec![":format".to_string()]));
        assert_eq!(replacements(&index, ":format j").1, ["json"]);
    }

    #[test]
    fn completes_entity_names_quoted() {
        let index = CompletionIndex::build(&graph());
        assert_eq!(replacements(&index, "MATCH (g {name: 'Malian a"), (16, vec!["'Malian army'".to_string()]));
        assert_eq!(replacements(&index, "MATCH (g {name: Mali").1, ["'Mali'", "'Malian army'"]);
        assert_eq!(replacements(&index, "MATCH (g) WHERE g.name = \"o'").1, ["\"O'Brien\""]);
        assert_eq!(replacements(&index, "MATCH (g) WHERE g.name = 'O").1, ["'O\\'Brien'"]);
        assert_eq!(replacements(&index, "MATCH (g {name_ar: 'الجيش").1, ["'الجيش المالي'"]);
        assert_eq!(index.name_count(), 6);
    }

    /// Issue 13 item 3: a name is completed to what `{name: …}` finds, showing the alias typed.
    #[test]
    fn aliases_and_arabic_names_complete_to_the_canonical_name() {
        let mut g = graph();
        let aliases = Value::List(vec![Value::from("Islamic State affiliate"), Value::from("ISGS")]);
        g.add_node(["ArmedGroup"], [("name", Value::from("Islamic State Sahel")), ("aliases", aliases)]).unwrap();
        g.add_node(["ArmedGroup"], [("name", Value::from("Islamic State"))]).unwrap();
        g.add_node(["Place"], [("name", Value::from("Kidal")), ("name_ar", Value::from("كيدال"))]).unwrap();
        let index = CompletionIndex::build(&g);
        let (start, pairs, _) = index.complete("MATCH (p {name: 'كيد", "MATCH (p {name: 'كيد".len());
        assert_eq!(start, 16);
        assert_eq!(pairs.iter().map(|p| p.display.as_str()).collect::<Vec<_>>(), ["Kidal  ← كيدال"]);
        assert_eq!(pairs[0].replacement, "'Kidal'");
        assert_eq!(
            replacements(&index, "MATCH (g) WHERE g.name = 'islamic st").1,
            ["'Islamic State'", "'Islamic State Sahel'"]
        );
        assert_eq!(replacements(&index, "MATCH (g {name: 'isg").1, ["'Islamic State Sahel'"]);
        assert_eq!(replacements(&index, "MATCH (p {name_ar: 'كي").1, ["'كيدال'"], "name_ar keeps the Arabic form");
        assert_eq!(replacements(&index, "MATCH (p {name: 'الجيش").1, ["'Malian army'"]);
    }
}
