//! Parser round trips and robustness: every query in the openCypher TCK features
//! (`$KG_TCK_DIR`, else `tck-full/features` in the shared folder, as tests/tck.rs reads) parses,
//! prints (`Display`) and parses back to the same tree; queries the TCK expects to fail with a
//! grammar-level SyntaxError are rejected with that detail; and random or mutated text never
//! makes the parser panic.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kgraph::query::ast::{Clause, Expr, Query};
use kgraph::query::parse_query;
use proptest::prelude::*;

use crate::util;

/// One query taken from a feature file.
struct TckQuery {
    origin: String,
    text: String,
    /// The detail code of `Then a SyntaxError should be raised at compile time: X`, if any.
    syntax_error: Option<String>,
}

/// Detail codes a parser (rather than the binder) must produce.
const GRAMMAR_DETAILS: &[&str] = &[
    "UnexpectedSyntax",
    "InvalidNumberLiteral",
    "IntegerOverflow",
    "FloatingPointOverflow",
    "InvalidUnicodeLiteral",
    "InvalidUnicodeCharacter",
    "InvalidRelationshipPattern",
];

fn feature_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            feature_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
}

/// Extracts the doc-string queries of every scenario, expanding outlines with their examples.
fn extract(path: &Path) -> Vec<TckQuery> {
    let text = fs::read_to_string(path).unwrap_or_default().replace('\r', "");
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    // Split into scenarios (a Background counts as one).
    let mut starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start();
            t.starts_with("Scenario") || t.starts_with("Background")
        })
        .map(|(n, _)| n)
        .collect();
    starts.push(lines.len());
    for w in starts.windows(2) {
        let block = &lines[w[0]..w[1]];
        let title = block[0].trim();
        let mut queries = Vec::new();
        let mut error = None;
        let mut n = 0;
        let mut examples: Vec<Vec<String>> = Vec::new();
        let mut in_examples = false;
        while n < block.len() {
            let t = block[n].trim();
            if t.starts_with("#") {
                n += 1;
                continue;
            }
            if t == "\"\"\"" {
                let indent = block[n].len() - block[n].trim_start().len();
                let mut body = Vec::new();
                n += 1;
                while n < block.len() && block[n].trim() != "\"\"\"" {
                    let l = block[n];
                    body.push(if l.len() >= indent && l[..indent].trim().is_empty() {
                        &l[indent..]
                    } else {
                        l.trim_start()
                    });
                    n += 1;
                }
                queries.push(body.join("\n"));
            } else if let Some(rest) = t.strip_prefix("Then a SyntaxError should be raised at compile time: ") {
                error = Some(rest.trim().to_string());
            } else if t.starts_with("Examples") {
                in_examples = true;
            } else if in_examples && t.starts_with('|') {
                examples.push(t.trim_matches('|').split('|').map(|c| c.trim().to_string()).collect());
            }
            n += 1;
        }
        let rows: Vec<Vec<(String, String)>> = if examples.len() > 1 {
            examples[1..].iter().map(|row| examples[0].iter().cloned().zip(row.iter().cloned()).collect()).collect()
        } else {
            vec![Vec::new()]
        };
        for (r, row) in rows.iter().enumerate() {
            for (q, query) in queries.iter().enumerate() {
                let mut text = query.clone();
                for (k, v) in row {
                    text = text.replace(&format!("<{k}>"), v);
                }
                let last = q + 1 == queries.len();
                out.push(TckQuery {
                    origin: format!("{name} {title} (row {r}, query {q})"),
                    text,
                    syntax_error: if last { error.clone() } else { None },
                });
            }
        }
    }
    out
}

/// Regexes matching spans and projection texts in Debug output.
fn patterns() -> &'static (regex::Regex, regex::Regex) {
    static PATTERNS: OnceLock<(regex::Regex, regex::Regex)> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        (
            regex::Regex::new(r"Span \{ start: \d+, end: \d+ \}").expect("regex"),
            regex::Regex::new(r#"text: "(?:[^"\\]|\\.)*""#).expect("regex"),
        )
    })
}

/// Debug output of the tree without spans and source texts, so trees from different texts
/// compare.
fn shape(q: &kgraph::query::ast::Query) -> String {
    let (spans, texts) = patterns();
    let debug = format!("{q:?}");
    texts.replace_all(&spans.replace_all(&debug, "S"), "text").into_owned()
}

fn expr_shape(e: &Expr) -> String {
    let (spans, _) = patterns();
    spans.replace_all(&format!("{e:?}"), "S").into_owned()
}

/// Every top-level expression of RETURN, WITH and WHERE covers text that parses, alone, to the
/// same expression: spans neither cut an operand's parentheses off nor run past the expression.
fn check_spans(text: &str, q: &Query) -> Option<String> {
    let parts = std::iter::once(&q.first).chain(q.unions.iter().map(|u| &u.query));
    for clause in parts.flat_map(|p| &p.clauses) {
        let exprs: Vec<&Expr> = match clause {
            Clause::Return(r) => r.projection.items.iter().map(|i| &i.expr).collect(),
            Clause::With(w) => w.projection.items.iter().map(|i| &i.expr).chain(&w.where_).collect(),
            Clause::Match(m) => m.where_.iter().collect(),
            _ => Vec::new(),
        };
        for e in exprs {
            let Some(sub) = text.get(e.span.start..e.span.end) else {
                return Some(format!("span {:?} is not inside the text", e.span));
            };
            // WHERE takes any expression, a bare pattern too (RETURN refuses one).
            let alone = format!("MATCH () WHERE {sub} RETURN 1");
            match parse_query(&alone) {
                Ok(again) => {
                    let Some(Clause::Match(m)) = again.first.clauses.first() else {
                        return Some(format!("`{alone}` does not start with MATCH"));
                    };
                    match &m.where_ {
                        Some(w) if expr_shape(w) == expr_shape(e) => {}
                        _ => return Some(format!("the span of {e} covers `{sub}`, which parses differently")),
                    }
                }
                Err(err) => {
                    return Some(format!("the span of {e} covers `{sub}`, which does not parse: {}", err.message))
                }
            }
        }
    }
    None
}

#[test]
fn tck_queries_round_trip() {
    let Some(shared) = util::shared_dir() else {
        println!("SKIPPED tck_queries_round_trip: ../shared not found (set KG_SHARED_DIR)");
        return;
    };
    let dir = std::env::var_os("KG_TCK_DIR").map(PathBuf::from).unwrap_or_else(|| shared.join("tck-full/features"));
    let mut files = Vec::new();
    feature_files(&dir, &mut files);
    if files.is_empty() {
        println!("SKIPPED tck_queries_round_trip: no .feature files under {}", dir.display());
        return;
    }
    files.sort();
    let queries: Vec<TckQuery> = files.iter().flat_map(|f| extract(f)).collect();
    let (mut parsed, mut round_trips, mut rejected_as_expected) = (0, 0, 0);
    let mut problems = Vec::new();
    let mut semantic_errors = 0;
    for q in &queries {
        let grammar_error = q.syntax_error.as_deref().filter(|d| GRAMMAR_DETAILS.contains(d));
        match (parse_query(&q.text), grammar_error) {
            (Err(e), Some(detail)) => {
                if e.detail == Some(detail) || detail == "UnexpectedSyntax" {
                    rejected_as_expected += 1;
                } else {
                    problems.push(format!(
                        "{}: expected detail {detail}, got {}\n{}",
                        q.origin,
                        e.kind_label(),
                        q.text
                    ));
                }
            }
            (Ok(_), Some(detail)) => {
                problems.push(format!("{}: parsed but the TCK expects {detail}\n{}", q.origin, q.text))
            }
            (Err(e), None) => {
                if q.syntax_error.is_some() {
                    // A semantic error the binder should find; the parser was stricter.
                    semantic_errors += 1;
                    println!(
                        "note: {} expects {:?}, the parser says {}",
                        q.origin,
                        q.syntax_error,
                        e.first_line("<query>", &q.text)
                    );
                } else {
                    problems.push(format!("{}: {}\n{}", q.origin, e.render("<query>", &q.text), q.text));
                }
            }
            (Ok(ast), None) => {
                parsed += 1;
                if let Some(problem) = check_spans(&q.text, &ast) {
                    problems.push(format!("{}: {problem}\n{}", q.origin, q.text));
                }
                let printed = ast.to_string();
                match parse_query(&printed) {
                    Ok(again) if shape(&again) == shape(&ast) && again.to_string() == printed => round_trips += 1,
                    Ok(again) => problems
                        .push(format!("{}: round trip changed the tree\n{}\n{printed}\n{again}", q.origin, q.text)),
                    Err(e) => problems.push(format!(
                        "{}: printed text does not parse: {}\n{printed}",
                        q.origin,
                        e.render("<printed>", &printed)
                    )),
                }
            }
        }
    }
    println!(
        "TCK queries: {} total, {parsed} parsed, {round_trips} round trips, {rejected_as_expected} rejected as the TCK expects, \
         {semantic_errors} expected semantic errors rejected by the parser, {} problems",
        queries.len(),
        problems.len()
    );
    for p in problems.iter().take(40) {
        println!("--- {p}");
    }
    assert!(queries.len() > 1000, "too few queries extracted: {}", queries.len());
    assert!(problems.is_empty(), "{} TCK queries did not parse or round-trip as expected", problems.len());
}

const SEEDS: &[&str] = &[
    "MATCH (a:ArmedGroup {name: 'JNIM'})-[r:ATTACKED|CONTROLS*1..3]->(b) WHERE b.name STARTS WITH 'M' RETURN a, count(DISTINCT b) AS n ORDER BY n DESC LIMIT 5",
    "UNWIND [1, 2.5e3, 0x1F, -7, 'مالي', null] AS x WITH x WHERE x IS NOT NULL RETURN [y IN range(1, 3) WHERE y % 2 = 1 | y ^ 2][0..1]",
    "MERGE (n:State {name: $name}) ON CREATE SET n.created = true ON MATCH SET n += {seen: 1} RETURN n {.name, .*}",
    "MATCH p = shortestPath((a)-[*..6]-(b)) WHERE all(r IN relationships(p) WHERE type(r) <> 'ALLIED_WITH') RETURN CASE size(nodes(p)) WHEN 2 THEN 'direct' ELSE `other name` END",
    "MATCH (n) WHERE (n)-[:TRUCE_BETWEEN]-() AND NOT n:Place /* c */ RETURN n.name =~ '.*a' // end",
    "CREATE (a:A)<-[:R {w: [1, {k: 'v\\'s'}]}]-(b) DETACH DELETE a REMOVE b.w, b:A",
];

fn mutate(seed: &str, edits: &[(usize, u8, char)]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for &(at, op, c) in edits {
        let at = if chars.is_empty() { 0 } else { at % (chars.len() + 1) };
        match op % 3 {
            0 => chars.insert(at, c),
            1 if at < chars.len() => {
                chars.remove(at);
            }
            _ if at < chars.len() => chars[at] = c,
            _ => chars.push(c),
        }
    }
    chars.into_iter().collect()
}

fn fuzz_cases() -> u32 {
    std::env::var("KG_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000)
}

fn cypher_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            '(', ')', '[', ']', '{', '}', ':', ';', ',', '.', '\'', '"', '`', '$', '*', '+', '-', '/', '%', '^', '<',
            '>', '=', '|', '~', '\\', ' ', '\n', '\r', '0', '9', 'x', 'e', 'n', 'م', '—',
        ]),
        any::<char>(),
    ]
}

proptest! {
    // 1,000 cases per test (2,000 in all) by default; `KG_FUZZ_CASES=100000` for the slow run.
    #![proptest_config(ProptestConfig { cases: fuzz_cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in prop::collection::vec(cypher_char(), 0..120)) {
        let text: String = text.into_iter().collect();
        let _ = parse_query(&text);
        let _ = kgraph::query::parse_literal(&text);
        let _ = kgraph::query::split_statements(&text);
    }

    #[test]
    fn mutated_queries_never_panic_and_reprint(
        seed in 0..SEEDS.len(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), cypher_char()), 1..6),
    ) {
        let text = mutate(SEEDS[seed], &edits);
        match parse_query(&text) {
            Ok(ast) => {
                let printed = ast.to_string();
                let again = parse_query(&printed);
                prop_assert!(again.is_ok(), "printed text does not parse: {printed}");
                if let Ok(again) = again {
                    prop_assert_eq!(shape(&again), shape(&ast));
                }
            }
            Err(e) => {
                let rendered = e.render("<query>", &text);
                prop_assert!(rendered.starts_with("<query>"), "{rendered}");
            }
        }
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    for open in ["(", "[", "- ", "NOT ", "{a: "] {
        let text = format!("RETURN {}1", open.repeat(5000));
        let handle = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || parse_query(&text).map(|_| ()).map_err(|e| e.message))
            .expect("spawn");
        let result = handle.join().expect("parser thread must not panic");
        let message = result.expect_err("5000 levels must be refused");
        assert!(message.contains("levels of nesting"), "{open}: {message}");
    }
}
