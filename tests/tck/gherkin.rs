//! A Gherkin reader for the openCypher TCK feature files: `Feature`, `Background`, `Scenario`,
//! `Scenario Outline` with `Examples` (one scenario per row, `<name>` placeholders substituted
//! in titles, step texts, doc strings and table cells), doc strings and tables. It knows the
//! step phrasings the TCK uses and turns them into [`Step`]s; it does not run anything.

use std::collections::BTreeMap;

/// One runnable scenario (an outline yields one per `Examples` row).
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Stable id: `Match1 [3]`, or `Match1 [3] #2` for the second Examples row.
    pub id: String,
    /// The title as written (placeholders substituted).
    pub name: String,
    /// Line of the `Scenario` keyword in the feature file.
    pub line: usize,
    /// Background steps followed by the scenario's own.
    pub steps: Vec<Step>,
}

/// How a `Then the result should be …` step compares rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResultMode {
    /// `in order`: rows must appear in the table's order.
    pub ordered: bool,
    /// `ignoring element order for lists`: lists compare as multisets.
    pub unordered_lists: bool,
}

/// A step, classified.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// `Given an empty graph` / `Given any graph`.
    Graph,
    /// `Given the binary-tree-1 graph`: start from the TCK's named graph (`graphs/NAME/NAME.cypher`).
    NamedGraph(String),
    /// `And there exists a procedure SIGNATURE:` with its rows (header row first; a lone `|`
    /// is an empty header).
    Procedure {
        /// The signature as written, e.g. `test.my.proc(in :: INTEGER?) :: (out :: STRING?)`.
        signature: String,
        /// The table: input columns then output columns, header row first.
        table: Vec<Vec<String>>,
    },
    /// `And having executed:` a setup query.
    Setup(String),
    /// `And parameters are:` name → literal text.
    Parameters(Vec<(String, String)>),
    /// `When executing query:`.
    Query(String),
    /// `When executing control query:`.
    ControlQuery(String),
    /// `Then the result should be …:` with the table (header row first).
    Result(ResultMode, Vec<Vec<String>>),
    /// `Then the result should be empty`.
    Empty,
    /// `Then a <kind> should be raised at <phase>: <detail>`.
    Error {
        /// `SyntaxError`, `TypeError`, …
        kind: String,
        /// `compile time`, `runtime` or `any time`.
        phase: String,
        /// The detail code, or `*`.
        detail: String,
    },
    /// `And the side effects should be:` counter → value.
    SideEffects(BTreeMap<String, i64>),
    /// `And no side effects`.
    NoSideEffects,
}

/// A step before classification: text plus its doc string or table.
#[derive(Clone, Debug, Default)]
struct RawStep {
    text: String,
    line: usize,
    doc: Option<String>,
    table: Vec<Vec<String>>,
}

#[derive(Default)]
struct RawScenario {
    title: String,
    line: usize,
    outline: bool,
    steps: Vec<RawStep>,
    examples: Vec<Vec<Vec<String>>>,
}

enum Section {
    None,
    Background,
    Scenario,
    Examples,
}

/// Parses a feature file into scenarios. `stem` (the file name without extension) prefixes ids.
///
/// # Errors
/// A message with the line number when the file does not follow the TCK's Gherkin.
pub fn parse_feature(stem: &str, text: &str) -> Result<Vec<Scenario>, String> {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let mut background: Vec<RawStep> = Vec::new();
    let mut raws: Vec<RawScenario> = Vec::new();
    let mut section = Section::None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim();
        let lineno = i + 1;
        i += 1;
        if t.is_empty() || t.starts_with('#') || t.starts_with('@') {
            continue;
        }
        if t.starts_with("Feature:") {
            continue;
        }
        if t.starts_with("Background:") {
            section = Section::Background;
            continue;
        }
        if let Some(rest) = t.strip_prefix("Scenario Outline:").or_else(|| t.strip_prefix("Scenario Template:")) {
            raws.push(RawScenario {
                title: rest.trim().to_string(),
                line: lineno,
                outline: true,
                ..Default::default()
            });
            section = Section::Scenario;
            continue;
        }
        if let Some(rest) = t.strip_prefix("Scenario:").or_else(|| t.strip_prefix("Example:")) {
            raws.push(RawScenario { title: rest.trim().to_string(), line: lineno, ..Default::default() });
            section = Section::Scenario;
            continue;
        }
        if t.starts_with("Examples:") || t.starts_with("Scenarios:") {
            let Some(sc) = raws.last_mut() else { return Err(format!("line {lineno}: Examples outside a scenario")) };
            sc.examples.push(Vec::new());
            section = Section::Examples;
            continue;
        }
        if t.starts_with('|') {
            let row = split_row(t);
            match section {
                Section::Examples => {
                    let Some(ex) = raws.last_mut().and_then(|s| s.examples.last_mut()) else {
                        return Err(format!("line {lineno}: table outside Examples"));
                    };
                    ex.push(row);
                }
                Section::Background | Section::Scenario => {
                    let step = match section {
                        Section::Background => background.last_mut(),
                        _ => raws.last_mut().and_then(|s| s.steps.last_mut()),
                    };
                    let Some(step) = step else { return Err(format!("line {lineno}: table before any step")) };
                    step.table.push(row);
                }
                Section::None => return Err(format!("line {lineno}: table outside a scenario")),
            }
            continue;
        }
        if t.starts_with("\"\"\"") || t.starts_with("```") {
            let fence = &t[..3];
            let indent = line.len() - line.trim_start().len();
            let mut body = Vec::new();
            loop {
                let Some(l) = lines.get(i) else { return Err(format!("line {lineno}: unclosed doc string")) };
                i += 1;
                if l.trim() == fence {
                    break;
                }
                let strip = l.len() - l.trim_start().len();
                body.push(&l[strip.min(indent)..]);
            }
            let doc = body.join("\n");
            let step = match section {
                Section::Background => background.last_mut(),
                _ => raws.last_mut().and_then(|s| s.steps.last_mut()),
            };
            let Some(step) = step else { return Err(format!("line {lineno}: doc string before any step")) };
            step.doc = Some(doc);
            continue;
        }
        let keyword = ["Given ", "When ", "Then ", "And ", "But ", "* "].iter().find(|k| t.starts_with(*k));
        let Some(keyword) = keyword else { return Err(format!("line {lineno}: unexpected line {t:?}")) };
        let step = RawStep { text: t[keyword.len()..].trim().to_string(), line: lineno, ..Default::default() };
        match section {
            Section::Background => background.push(step),
            Section::Scenario => match raws.last_mut() {
                Some(sc) => sc.steps.push(step),
                None => return Err(format!("line {lineno}: step outside a scenario")),
            },
            _ => return Err(format!("line {lineno}: step outside a scenario")),
        }
    }

    let mut out = Vec::new();
    for raw in raws {
        let base_id = format!("{stem} {}", scenario_number(&raw.title).unwrap_or_else(|| format!("@{}", raw.line)));
        if !raw.outline {
            let steps = classify_all(background.iter().chain(&raw.steps), &BTreeMap::new())?;
            out.push(Scenario { id: base_id, name: raw.title, line: raw.line, steps });
            continue;
        }
        let mut row_no = 0;
        for table in &raw.examples {
            let Some((header, rows)) = table.split_first() else { continue };
            for row in rows {
                row_no += 1;
                let vars: BTreeMap<String, String> = header.iter().cloned().zip(row.iter().cloned()).collect();
                let steps = classify_all(background.iter().chain(&raw.steps), &vars)?;
                out.push(Scenario {
                    id: format!("{base_id} #{row_no}"),
                    name: substitute(&raw.title, &vars),
                    line: raw.line,
                    steps,
                });
            }
        }
    }
    Ok(out)
}

/// `[12]` from `[12] Some title`.
fn scenario_number(title: &str) -> Option<String> {
    let rest = title.strip_prefix('[')?;
    let end = rest.find(']')?;
    Some(format!("[{}]", &rest[..end]))
}

/// Splits `| a | b\|c |` into unescaped, trimmed cells.
pub fn split_row(line: &str) -> Vec<String> {
    let inner = line.trim();
    let inner = inner.strip_prefix('|').unwrap_or(inner);
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('|') => cur.push('|'),
                Some('\\') => cur.push('\\'),
                Some('n') => cur.push('\n'),
                Some(other) => {
                    cur.push('\\');
                    cur.push(other);
                }
                None => cur.push('\\'),
            },
            '|' => {
                cells.push(cur.trim_matches([' ', '\t']).to_string());
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    // Text after the last `|` is not a cell (Gherkin ignores it).
    cells
}

/// Replaces `<name>` by the Examples value for every known name.
fn substitute(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("<{k}>"), v);
    }
    out
}

fn classify_all<'a>(
    raw: impl Iterator<Item = &'a RawStep>,
    vars: &BTreeMap<String, String>,
) -> Result<Vec<Step>, String> {
    raw.map(|s| {
        let s = RawStep {
            text: substitute(&s.text, vars),
            line: s.line,
            doc: s.doc.as_ref().map(|d| substitute(d, vars)),
            table: s.table.iter().map(|r| r.iter().map(|c| substitute(c, vars)).collect()).collect(),
        };
        classify(&s)
    })
    .collect()
}

fn classify(s: &RawStep) -> Result<Step, String> {
    let doc = || s.doc.clone().ok_or_else(|| format!("line {}: step {:?} needs a doc string", s.line, s.text));
    let t = s.text.as_str();
    let step = match t {
        "an empty graph" | "any graph" => Step::Graph,
        "having executed:" => Step::Setup(doc()?),
        "executing query:" => Step::Query(doc()?),
        "executing control query:" => Step::ControlQuery(doc()?),
        "parameters are:" => Step::Parameters(
            s.table
                .iter()
                .map(|r| match r.as_slice() {
                    [k, v] => Ok((k.clone(), v.clone())),
                    _ => Err(format!("line {}: a parameter row needs 2 cells", s.line)),
                })
                .collect::<Result<_, _>>()?,
        ),
        "the result should be empty" => Step::Empty,
        "no side effects" => Step::NoSideEffects,
        "the side effects should be:" => Step::SideEffects(
            s.table
                .iter()
                .map(|r| match r.as_slice() {
                    [k, v] => v.parse::<i64>().map(|n| (k.clone(), n)).map_err(|e| format!("line {}: {e}", s.line)),
                    _ => Err(format!("line {}: a side-effect row needs 2 cells", s.line)),
                })
                .collect::<Result<_, _>>()?,
        ),
        _ => {
            if let Some(name) = t.strip_prefix("the ").and_then(|r| r.strip_suffix(" graph")) {
                Step::NamedGraph(name.to_string())
            } else if let Some(sig) = t.strip_prefix("there exists a procedure ") {
                let signature = sig.trim_end().trim_end_matches(':').trim_end().to_string();
                Step::Procedure { signature, table: s.table.clone() }
            } else if let Some(rest) = t.strip_prefix("the result should be") {
                let rest = rest.trim_end_matches(':');
                let mode = ResultMode {
                    ordered: rest.contains("in order"),
                    unordered_lists: rest.contains("ignoring element order for lists"),
                };
                if s.table.is_empty() {
                    return Err(format!("line {}: a result step needs a table", s.line));
                }
                Step::Result(mode, s.table.clone())
            } else if let Some(rest) = t.strip_prefix("a ").or_else(|| t.strip_prefix("an ")) {
                let (kind, rest) = rest
                    .split_once(" should be raised at ")
                    .ok_or_else(|| format!("line {}: unknown step {t:?}", s.line))?;
                let (phase, detail) = rest.split_once(':').unwrap_or((rest, "*"));
                Step::Error {
                    kind: kind.trim().to_string(),
                    phase: phase.trim().to_string(),
                    detail: detail.trim().to_string(),
                }
            } else {
                return Err(format!("line {}: unknown step {t:?}", s.line));
            }
        }
    };
    Ok(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEATURE: &str = "#\r\n# licence\r\n#encoding: utf-8\r\n\r\nFeature: Demo\r\n\r\n  Background:\r\n    Given an empty graph\r\n    And having executed:\r\n      \"\"\"\r\n      CREATE (:A)\r\n        // indented\r\n      \"\"\"\r\n\r\n  @skipGrammarCheck\r\n  Scenario: [1] Plain #1\r\n    When executing query:\r\n      \"\"\"\r\n      MATCH (n) RETURN n\r\n      \"\"\"\r\n    Then the result should be, in any order:\r\n      | n    |\r\n      | (:A) |\r\n    And no side effects\r\n\r\n#  Scenario: [9] commented out\r\n\r\n  Scenario Outline: [2] Outline <name>\r\n    Given any graph\r\n    And parameters are:\r\n      | p | <val> |\r\n    When executing query:\r\n      \"\"\"\r\n      RETURN <val> AS x, $p AS y\r\n      \"\"\"\r\n    Then a TypeError should be raised at runtime: InvalidArgumentType\r\n\r\n    Examples:\r\n      | name | val     |\r\n      | one  | 1       |\r\n      | bar  | 'a\\|b'  |\r\n      | nul  |         |\r\n";

    #[test]
    fn parses_background_outline_and_crlf() {
        let sc = parse_feature("Demo", FEATURE).expect("parse");
        assert_eq!(sc.len(), 4);
        assert_eq!(sc[0].id, "Demo [1]");
        assert_eq!(sc[0].name, "[1] Plain #1");
        assert_eq!(sc[0].steps[0], Step::Graph);
        assert_eq!(sc[0].steps[1], Step::Setup("CREATE (:A)\n  // indented".into()));
        assert_eq!(sc[0].steps[2], Step::Query("MATCH (n) RETURN n".into()));
        assert_eq!(
            sc[0].steps[3],
            Step::Result(
                ResultMode { ordered: false, unordered_lists: false },
                vec![vec!["n".into()], vec!["(:A)".into()]]
            )
        );
        assert_eq!(sc[0].steps[4], Step::NoSideEffects);
        assert_eq!(sc[1].id, "Demo [2] #1");
        assert_eq!(sc[1].name, "[2] Outline one");
        assert_eq!(sc[2].steps[3], Step::Parameters(vec![("p".into(), "'a|b'".into())]));
        assert_eq!(sc[2].steps[4], Step::Query("RETURN 'a|b' AS x, $p AS y".into()));
        assert_eq!(sc[3].steps[4], Step::Query("RETURN  AS x, $p AS y".into()));
        assert_eq!(
            sc[3].steps[5],
            Step::Error { kind: "TypeError".into(), phase: "runtime".into(), detail: "InvalidArgumentType".into() }
        );
    }

    #[test]
    fn cells_unescape_like_gherkin() {
        assert_eq!(split_row(r"| 'a\\\\b\'' | x\|y | \n |"), vec![r"'a\\b\''", "x|y", "\n"]);
        assert_eq!(split_row("|  |"), vec![""]);
    }

    #[test]
    fn result_modes_and_side_effects() {
        let f = "Feature: F\n Scenario: [3] S\n  When executing query:\n   \"\"\"\n   RETURN 1\n   \"\"\"\n  Then the result should be, in order (ignoring element order for lists):\n   | a |\n  And the side effects should be:\n   | +nodes | 2 |\n   | -labels | 1 |\n";
        let sc = parse_feature("F", f).expect("parse");
        assert_eq!(
            sc[0].steps[1],
            Step::Result(ResultMode { ordered: true, unordered_lists: true }, vec![vec!["a".into()]])
        );
        let Step::SideEffects(m) = &sc[0].steps[2] else { panic!("side effects step expected") };
        assert_eq!(m.get("+nodes"), Some(&2));
        assert_eq!(m.get("-labels"), Some(&1));
    }

    #[test]
    fn rejects_unknown_steps() {
        let f = "Feature: F\n Scenario: [1] S\n  Given a binary-tree-1 graph\n";
        assert!(parse_feature("F", f).unwrap_err().contains("line 3"));
    }

    #[test]
    fn named_graphs_and_procedures() {
        let f = "Feature: F\n Scenario: [1] S\n  Given the binary-tree-1 graph\n  And there exists a procedure test.p(in :: INTEGER?) :: (out :: STRING?) :\n   | in | out |\n   | 1  | 'a' |\n  And there exists a procedure test.q() :: ():\n   |\n";
        let sc = parse_feature("F", f).expect("parse");
        assert_eq!(sc[0].steps[0], Step::NamedGraph("binary-tree-1".into()));
        assert_eq!(
            sc[0].steps[1],
            Step::Procedure {
                signature: "test.p(in :: INTEGER?) :: (out :: STRING?)".into(),
                table: vec![vec!["in".into(), "out".into()], vec!["1".into(), "'a'".into()]],
            }
        );
        assert_eq!(sc[0].steps[2], Step::Procedure { signature: "test.q() :: ()".into(), table: vec![vec![]] });
    }
}
