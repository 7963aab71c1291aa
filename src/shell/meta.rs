//! The meta-commands of the shell and of scripts (`:help`, `:format json`, …): their names,
//! usage and help text, parsing of a meta-command line into name and arguments, and the
//! did-you-mean for unknown names. Running them is the session's job.

/// One meta-command: its name (without `:`), usage and a one-line description.
#[derive(Clone, Copy, Debug)]
pub struct MetaCommand {
    /// The name without the leading `:`.
    pub name: &'static str,
    /// Arguments, as shown in help and hints.
    pub usage: &'static str,
    /// What it does, one line.
    pub summary: &'static str,
}

/// Every meta-command, in the order `:help` lists them.
pub const COMMANDS: &[MetaCommand] = &[
    MetaCommand {
        name: "help",
        usage: "[COMMAND|functions]",
        summary: "list meta-commands, explain one, or list functions with signatures",
    },
    MetaCommand {
        name: "schema",
        usage: "",
        summary: "labels, relationship types, patterns (:A)-[:T]->(:B) and property keys, with counts",
    },
    MetaCommand { name: "stats", usage: "", summary: "node and relationship counts, the graph file, unsaved changes" },
    MetaCommand {
        name: "format",
        usage: "table|vertical|csv|tsv|json",
        summary: "how results are printed (vertical: one record per row, for wide values)",
    },
    MetaCommand { name: "timing", usage: "on|off", summary: "show how long each statement took" },
    MetaCommand {
        name: "autosave",
        usage: "on|off",
        summary: "on (default): save after every write; off: batch writes until :save",
    },
    MetaCommand {
        name: "memory",
        usage: "SIZE|none",
        summary: "memory each statement may use, e.g. 2G (default: half of RAM)",
    },
    MetaCommand {
        name: "timeout",
        usage: "DURATION|none",
        summary: "time each statement may run, e.g. 30s (default: 10m)",
    },
    MetaCommand { name: "param", usage: "NAME VALUE", summary: "set $NAME to a Cypher literal, e.g. :param g 'JNIM'" },
    MetaCommand { name: "params", usage: "", summary: "list the parameters that are set" },
    MetaCommand { name: "open", usage: "PATH", summary: "open another graph file (:open! discards unsaved changes)" },
    MetaCommand { name: "save", usage: "[PATH]", summary: "save the graph (to PATH, which becomes the graph file)" },
    MetaCommand {
        name: "build",
        usage: "FILE|DIR... [--lexicon DIR] [--lang auto|ar|en] [--date DATE]",
        summary: "extract relations from text files into the graph (as kg build does; :build --help)",
    },
    MetaCommand { name: "import", usage: "FILE", summary: "import triples (TSV or JSON Lines) into the graph" },
    MetaCommand { name: "source", usage: "FILE.cypher", summary: "run a script of ;-separated statements" },
    MetaCommand {
        name: "export",
        usage: "dot|cypher|graphml|jsonl|csv PATH [--render svg|png] [--connected] [--legend] [QUERY]",
        summary: "write the graph, or what QUERY returns, to PATH (as kg export does)",
    },
    MetaCommand { name: "quit", usage: "", summary: "leave the shell (:quit! discards unsaved changes)" },
];

/// Other names accepted for commands.
const ALIASES: &[(&str, &str)] = &[("exit", "quit"), ("q", "quit"), ("h", "help"), ("?", "help"), ("mode", "format")];

/// A parsed meta-command line: `:open! g.kg` → name `open`, forced, rest `g.kg`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetaLine<'a> {
    /// The name as typed, without `:` and `!`, aliases resolved.
    pub name: String,
    /// Whether the name ended with `!`.
    pub force: bool,
    /// Everything after the name, trimmed.
    pub rest: &'a str,
}

/// Splits a meta-command line (starting with `:`) into name, `!` and arguments.
pub fn parse_meta(line: &str) -> MetaLine<'_> {
    let body = line.trim().trim_start_matches(':');
    let (name, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    let (name, force) = match name.strip_suffix('!') {
        Some(n) => (n, true),
        None => (name, false),
    };
    let lower = name.to_ascii_lowercase();
    let name = ALIASES.iter().find(|(a, _)| *a == lower).map_or(lower.clone(), |(_, n)| n.to_string());
    MetaLine { name, force, rest: rest.trim() }
}

/// Splits a meta-command's arguments into words at whitespace; `'…'` or `"…"` keep a word with
/// spaces together (`:build 'my notes/day 1.txt'`).
///
/// # Errors
/// A quote that is never closed.
pub fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some(other) => w.push(other),
                        None => return Err(format!("a {c} is not closed")),
                    }
                }
            }
            c if c.is_whitespace() => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

/// The command of that name.
pub fn find(name: &str) -> Option<&'static MetaCommand> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The closest known command name, if it is close enough to be a likely typo.
pub fn did_you_mean(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    COMMANDS
        .iter()
        .map(|c| (edit_distance(&name, c.name), c.name))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The message for an unknown command: `unknown command ':fromat'; did you mean ':format'?`.
pub fn unknown_message(name: &str) -> String {
    match did_you_mean(name) {
        Some(s) => format!("unknown command ':{name}'; did you mean ':{s}'? (:help lists commands)"),
        None => format!("unknown command ':{name}' (:help lists commands)"),
    }
}

/// The text of `:help` (no argument) or `:help NAME`.
pub fn help_text(topic: &str) -> Result<String, String> {
    let topic = topic.trim().trim_start_matches(':');
    if topic.is_empty() {
        let mut out = String::from("Type Cypher statements ended by ';' (they may span lines), or a meta-command:\n");
        let width = COMMANDS.iter().map(|c| c.name.len() + c.usage.len() + 2).max().unwrap_or(0);
        for c in COMMANDS {
            let head = format!(":{} {}", c.name, c.usage);
            out.push_str(&format!("  {head:<width$}  {}\n", c.summary));
        }
        out.push_str(
            "Tab completes keywords, labels, types, property keys and entity names; Ctrl-C cancels; Ctrl-D leaves.",
        );
        return Ok(out);
    }
    if topic.eq_ignore_ascii_case("functions") {
        let mut out = String::from("Functions (Tab completes their names):\n");
        for (_, signature) in super::complete::FUNCTIONS {
            out.push_str(&format!("  {signature}\n"));
        }
        return Ok(out.trim_end().to_string());
    }
    let name = parse_meta(topic).name;
    match find(&name) {
        Some(c) => Ok(format!(":{} {}\n  {}", c.name, c.usage, c.summary).trim_end().to_string()),
        None => Err(unknown_message(&name)),
    }
}

/// The meta-command a newcomer means by a bare word on a line of its own — `help`, `quit`,
/// `exit` (with or without `;`) — or by a psql backslash command: `\x` toggles the vertical
/// (expanded) format, `vertical` saying whether it is on now, and any other `\word` is the
/// `:word` meta-command (`\q`, `\?`, `\timing on`), so that it gets `:`'s answer or its "did you
/// mean" instead of opening a statement. None of these lines starts a Cypher statement.
pub fn bare_word_command(line: &str, vertical: bool) -> Option<String> {
    let trimmed = line.trim();
    let word = trimmed.trim_end_matches(';').trim_end().to_ascii_lowercase();
    match word.as_str() {
        "help" => Some(":help".into()),
        "quit" | "exit" => Some(":quit".into()),
        "\\x" => Some(if vertical { ":format table" } else { ":format vertical" }.into()),
        _ => {
            let rest = trimmed.trim_end_matches(';').strip_prefix('\\')?;
            (!rest.is_empty()).then(|| format!(":{rest}"))
        }
    }
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_at_spaces_except_in_quotes() {
        assert_eq!(split_words("  a.txt  dir/ ").unwrap(), ["a.txt", "dir/"]);
        assert_eq!(
            split_words("'my notes/day 1.txt' --date \"2024 \"x").unwrap(),
            ["my notes/day 1.txt", "--date", "2024 x"]
        );
        assert_eq!(split_words("it''s \"\"").unwrap(), ["its", ""]);
        assert!(split_words("'open").unwrap_err().contains("not closed"));
        assert!(split_words("").unwrap().is_empty());
    }

    #[test]
    fn parses_name_force_and_rest() {
        assert_eq!(parse_meta(":open! g.kg "), MetaLine { name: "open".into(), force: true, rest: "g.kg" });
        assert_eq!(parse_meta(":mode vertical"), MetaLine { name: "format".into(), force: false, rest: "vertical" });
        assert_eq!(parse_meta(":Q").name, "quit");
        assert_eq!(parse_meta(":export dot out.dot MATCH (n) RETURN n").rest, "dot out.dot MATCH (n) RETURN n");
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("fromat"), Some("format"));
        assert_eq!(did_you_mean("shema"), Some("schema"));
        assert_eq!(bare_word_command("  help", false).as_deref(), Some(":help"));
        assert_eq!(bare_word_command("EXIT;", false).as_deref(), Some(":quit"));
        assert_eq!(bare_word_command("\\q;", false).as_deref(), Some(":q"));
        assert_eq!(parse_meta(":q").name, "quit");
        assert_eq!(bare_word_command("\\?", false).as_deref(), Some(":?"));
        assert_eq!(parse_meta(":?").name, "help");
        assert_eq!(bare_word_command("\\x", false).as_deref(), Some(":format vertical"));
        assert_eq!(bare_word_command("\\x", true).as_deref(), Some(":format table"));
        assert_eq!(bare_word_command("\\timing on", false).as_deref(), Some(":timing on"));
        assert_eq!(bare_word_command("help me", false), None);
        assert_eq!(bare_word_command("\\", false), None);
        assert_eq!(bare_word_command("RETURN 1;", false), None);
        assert_eq!(did_you_mean("exprot"), Some("export"));
        assert_eq!(did_you_mean("xyzzy"), None);
        assert!(unknown_message("fromat").contains("did you mean ':format'?"));
    }

    #[test]
    fn help_lists_every_command() {
        let text = help_text("").unwrap();
        for c in COMMANDS {
            assert!(text.contains(&format!(":{}", c.name)), "{}", c.name);
        }
        assert!(help_text(":export").unwrap().starts_with(":export dot|cypher|graphml|jsonl|csv PATH [--render"));
        assert!(help_text("nope").is_err());
        let functions = help_text("functions").unwrap();
        assert!(functions.contains("  substring(string, start [, length]) :: string"), "{functions}");
        assert!(functions.contains("  shortestPath(pattern) :: path"), "{functions}");
    }
}
