//! Integration tests of the query engine through its public API ([`kgraph::query::execute`]):
//!
//! - a proptest no-panic fuzz test over random strings, Cypher token soups and mutations of real
//!   queries (the TCK's, when present, plus our own); `KG_FUZZ_CASES` raises the case count;
//! - the analyst's questions on a small conflict graph built from a CREATE script written here;
//! - the data-driven fixtures in `tests/fixtures/cypher/*.cypher`: statements followed by an
//!   expectation comment (`// ok`, `// empty`, `// rows:` + a TCK-notation table, or
//!   `// error: Kind (Detail) L:C`), reported by fixture file and line on failure.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use kgraph::graph::{PropertyGraph, Value};
use kgraph::query::span::line_col;
use kgraph::query::{execute, ExecOptions, Params, QueryError, QueryResult};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::tck::gherkin::{self, ResultMode, Step};
use crate::tck::values::{parse_value, to_value};
use crate::tck::{check_table, feature_files, isolated, tck_dir};

fn options(timeout_ms: u64, max_rows: u64) -> ExecOptions {
    ExecOptions {
        cancel: None,
        max_rows: Some(max_rows),
        timeout: Some(Duration::from_millis(timeout_ms)),
        ..ExecOptions::default()
    }
}

fn run(graph: &mut PropertyGraph, q: &str) -> Result<QueryResult, QueryError> {
    execute(graph, q, &Params::new(), &options(5_000, 1_000_000))
}

/// Splits `| a | b |` table lines into cells (the TCK's Gherkin cell rules).
fn table(lines: &[&str]) -> Vec<Vec<String>> {
    lines.iter().map(|l| gherkin::split_row(l)).collect()
}

// ----- fuzz ---------------------------------------------------------------------------------

const TOKENS: &[&str] = &[
    "MATCH",
    "OPTIONAL",
    "WHERE",
    "WITH",
    "RETURN",
    "UNWIND",
    "AS",
    "CREATE",
    "MERGE",
    "ON",
    "SET",
    "REMOVE",
    "DELETE",
    "DETACH",
    "ORDER",
    "BY",
    "ASC",
    "DESC",
    "SKIP",
    "LIMIT",
    "UNION",
    "ALL",
    "DISTINCT",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "IN",
    "IS",
    "NULL",
    "null",
    "true",
    "false",
    "STARTS",
    "ENDS",
    "CONTAINS",
    "EXPLAIN",
    "PROFILE",
    "shortestPath",
    "allShortestPaths",
    "count",
    "collect",
    "sum",
    "avg",
    "min",
    "max",
    "size",
    "length",
    "nodes",
    "relationships",
    "labels",
    "type",
    "id",
    "keys",
    "properties",
    "head",
    "last",
    "tail",
    "range",
    "coalesce",
    "toString",
    "toInteger",
    "toFloat",
    "substring",
    "split",
    "abs",
    "exists",
    "n",
    "m",
    "r",
    "p",
    "x",
    "a",
    "b",
    "name",
    "`weird name`",
    "$p",
    "$1",
    ":A",
    ":B",
    ":T",
    ":ArmedGroup",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    "-",
    "->",
    "<-",
    "--",
    "*",
    "*1..3",
    "*..",
    "..",
    ".",
    ",",
    ":",
    ";",
    "|",
    "=",
    "<>",
    "<=",
    ">=",
    "=~",
    "+",
    "+=",
    "/",
    "%",
    "^",
    "0",
    "1",
    "-1",
    "2.5",
    "1e308",
    "9223372036854775807",
    "-9223372036854775808",
    "0x1F",
    "0o7",
    "'s'",
    "'جنيم'",
    "\"q\"",
    "'\\u00e9'",
    "'\\'",
    "//",
    "/*",
    "*/",
    "\n",
    "\t",
    "🙂",
    "\u{0}",
];

const SEED_QUERIES: &[&str] = &[
    "MATCH (a:ArmedGroup)-[r:ATTACKED]->(b) WHERE r.mentions > 1 RETURN a.name, b.name ORDER BY a.name",
    "MATCH (a)-[:TRUCE_BETWEEN]-(b) RETURN a.name AS x, b.name AS y",
    "MATCH p = shortestPath((a {name: 'JNIM'})-[*..5]-(b {name: 'Russia'})) RETURN length(p), nodes(p)",
    "MATCH (n) WITH n.name AS name, count(*) AS c WHERE c > 0 RETURN name, c ORDER BY c DESC SKIP 1 LIMIT 2",
    "UNWIND range(1, 10) AS i WITH i WHERE i % 2 = 0 RETURN collect(i) AS evens, sum(i), avg(i), min(i)",
    "OPTIONAL MATCH (n:Nope) RETURN n, coalesce(n.name, 'none')",
    "CREATE (a:A {x: 1})-[:T {w: [1, 2]}]->(b:B) SET a.y = 'z', b += {k: null} REMOVE a:A RETURN a, b",
    "MERGE (n:Place {name: 'Gao'}) ON CREATE SET n.new = true ON MATCH SET n.seen = n.seen + 1 RETURN n",
    "MATCH (n) DETACH DELETE n",
    "RETURN CASE WHEN 1 < 2 THEN [x IN range(0, 3) WHERE x > 0 | x * 2][1..] ELSE {a: 1}.a END AS v",
    "MATCH (n) WHERE n.name =~ '.*a.*' AND n.name STARTS WITH 'J' OR n.name IS NULL RETURN DISTINCT labels(n)",
    "RETURN 1 UNION ALL RETURN 2 UNION RETURN 3",
    "MATCH (a)-[r*1..3]->(b) RETURN a, r, b LIMIT 5",
    "RETURN toInteger('12'), toFloat('1.5'), toString(1.0), substring('abcdef', 1, 3), split('a,b', ',')",
    "EXPLAIN MATCH (n {name: 'JNIM'})-->(m) RETURN m",
    "MATCH (n:ArmedGroup {name: 'جماعة'}) RETURN n.name_ar",
];

/// Parameters every fuzzed query gets, so `$name` paths run: ours plus every parameter the
/// TCK sets (first value wins).
fn fuzz_params() -> &'static Params {
    static PARAMS: OnceLock<Params> = OnceLock::new();
    PARAMS.get_or_init(|| {
        corpus();
        let mut p = TCK_PARAMS.get().cloned().unwrap_or_default();
        for (k, v) in [
            ("p", Value::Int(1)),
            ("1", Value::from("one")),
            ("name", Value::from("JNIM")),
            ("list", Value::List(vec![Value::Int(1), Value::Null, Value::from("x")])),
        ] {
            p.entry(k.to_string()).or_insert(v);
        }
        p
    })
}

static TCK_PARAMS: OnceLock<Params> = OnceLock::new();

/// Queries to mutate: our seeds plus every query in the TCK (when present).
fn corpus() -> &'static [String] {
    static CORPUS: OnceLock<Vec<String>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut out: Vec<String> = SEED_QUERIES.iter().map(|s| s.to_string()).collect();
        let mut params = Params::new();
        let dir = tck_dir();
        if dir.is_dir() {
            for (_, path) in feature_files(&dir) {
                let Ok(text) = std::fs::read_to_string(&path) else { continue };
                let Ok(scenarios) = gherkin::parse_feature("f", &text) else { continue };
                for sc in scenarios {
                    for step in sc.steps {
                        match step {
                            Step::Query(q) | Step::ControlQuery(q) | Step::Setup(q) => out.push(q),
                            Step::Parameters(rows) => {
                                for (k, text) in rows {
                                    if let Ok(v) = parse_value(&text).and_then(|e| to_value(&e)) {
                                        params.entry(k).or_insert(v);
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        let _ = TCK_PARAMS.set(params);
        out.sort();
        out.dedup();
        out
    })
}

/// A small graph the fuzzed queries run against (built with the graph API, not with Cypher).
fn fuzz_graph() -> &'static PropertyGraph {
    static GRAPH: OnceLock<PropertyGraph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        let mut g = PropertyGraph::new();
        let jnim = g
            .add_node(["ArmedGroup"], [("name", Value::from("JNIM")), ("name_ar", Value::from("جماعة نصرة الإسلام"))])
            .expect("node");
        let army = g.add_node(["Force"], [("name", Value::from("Malian army"))]).expect("node");
        let russia = g.add_node(["State"], [("name", Value::from("Russia")), ("n", Value::Int(1))]).expect("node");
        let place =
            g.add_node(["Place", "Town"], [("name", Value::from("Menaka")), ("pop", Value::Float(2.5))]).expect("node");
        let empty = g.add_node(Vec::<&str>::new(), Vec::<(&str, Value)>::new()).expect("node");
        g.add_relationship(jnim, army, "ATTACKED", [("mentions", Value::Int(3))]).expect("rel");
        g.add_relationship(army, russia, "ALLIED_WITH", Vec::<(&str, Value)>::new()).expect("rel");
        g.add_relationship(jnim, place, "CONTROLS", [("sources", Value::List(vec![Value::from("d1")]))]).expect("rel");
        g.add_relationship(place, place, "LOOP", Vec::<(&str, Value)>::new()).expect("rel");
        g.add_relationship(empty, jnim, "TRUCE_BETWEEN", Vec::<(&str, Value)>::new()).expect("rel");
        g
    })
}

/// Mutates `seed` at character positions chosen by `ops` (insert, delete, replace, duplicate,
/// truncate).
fn mutate(seed: &str, ops: &[(u8, usize, usize)]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for &(op, at, arg) in ops {
        let n = chars.len();
        let i = if n == 0 { 0 } else { at % (n + 1) };
        let token: Vec<char> = TOKENS[arg % TOKENS.len()].chars().collect();
        match op % 6 {
            0 => {
                chars.splice(i..i, token);
            }
            1 if i < n => {
                let end = (i + 1 + arg % 8).min(n);
                chars.drain(i..end);
            }
            2 if i < n => chars[i] = char::from_u32((arg % 0x250) as u32).unwrap_or('?'),
            3 if i < n => {
                let end = (i + 1 + arg % 16).min(n);
                let copy: Vec<char> = chars[i..end].to_vec();
                chars.splice(i..i, copy);
            }
            4 => chars.truncate(i),
            _ => {
                let brackets = ['(', ')', '[', ']', '{', '}', '\'', '"', '`', '$', ':'];
                chars.insert(i, brackets[arg % brackets.len()]);
            }
        }
    }
    chars.into_iter().collect()
}

fn fuzz_input() -> impl Strategy<Value = String> {
    let corpus_len = corpus().len();
    prop_oneof![
        "\\PC{0,60}",
        "[ -~]{0,80}",
        prop::collection::vec((prop::sample::select(TOKENS), prop::sample::select(&[" ", "", " ", "\n"][..])), 0..40)
            .prop_map(|v| v.into_iter().map(|(t, sep)| format!("{t}{sep}")).collect::<String>()),
        (0..corpus_len, prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 1..6))
            .prop_map(|(i, ops)| mutate(&corpus()[i], &ops)),
        (0..corpus_len).prop_map(|i| corpus()[i].clone()),
    ]
}

/// No input makes the parser or `execute` panic (or run away past their own limits).
#[test]
fn fuzz_execute_never_panics() {
    let cases: u32 = std::env::var("KG_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let result = runner.run(&fuzz_input(), |q| {
        let query = q.clone();
        let outcome = isolated(move || {
            let _ = kgraph::query::parse_query(&query);
            let mut g = fuzz_graph().clone();
            let _ = execute(&mut g, &query, fuzz_params(), &options(200, 10_000));
            Ok(())
        });
        prop_assert!(outcome.is_ok(), "execute failed on {q:?}: {outcome:?}");
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    println!(
        "fuzz: {cases} cases without a panic ({} seed queries, {} parameters)",
        corpus().len(),
        fuzz_params().len()
    );
}

#[test]
fn mutations_stay_in_bounds() {
    assert_eq!(mutate("abc", &[(4, 1, 0)]), "a");
    assert_eq!(mutate("abc", &[(1, 0, 0)]), "bc");
    assert_eq!(mutate("", &[(4, 9, 9)]), "");
    // Nothing to delete in an empty string: a bracket is inserted instead.
    assert_eq!(mutate("", &[(1, 5, 0)]), "(");
    assert_eq!(mutate("ab", &[(0, 2, 0)]), "abMATCH");
    assert_eq!(mutate("abc", &[(3, 0, 1)]), "ababc");
}

// ----- the analyst's questions --------------------------------------------------------------

/// A small Sahel conflict graph, written for this test (canonical names from DESIGN.md).
const CONFLICT_GRAPH: &str = "
CREATE (jnim:ArmedGroup {name: 'JNIM', name_ar: 'جماعة نصرة الإسلام والمسلمين', aliases: ['GSIM', 'Nusrat al-Islam']}),
       (iss:ArmedGroup {name: 'Islamic State Sahel', name_ar: 'تنظيم الدولة الإسلامية في الساحل'}),
       (macina:ArmedGroup {name: 'Katiba Macina'}),
       (ansarul:ArmedGroup {name: 'Ansarul Islam'}),
       (aq:ArmedGroup:Organization {name: 'al-Qaeda'}),
       (cma:ArmedGroup {name: 'CMA'}),
       (army:Force {name: 'Malian army', name_ar: 'الجيش المالي'}),
       (wagner:Force {name: 'Wagner Group'}),
       (mali:State {name: 'Mali'}),
       (russia:State {name: 'Russia'}),
       (menaka:Place {name: 'Menaka'}),
       (mopti:Place {name: 'Mopti'}),
       (kidal:Place {name: 'Kidal'}),
       (timbuktu:Place {name: 'Timbuktu'})
CREATE (cma)-[:TRUCE_BETWEEN {mentions: 2, sources: ['doc1', 'doc4']}]->(jnim),
       (mali)-[:TRUCE_BETWEEN {mentions: 1, sources: ['doc2']}]->(cma),
       (jnim)-[:ATTACKED {mentions: 3}]->(army),
       (iss)-[:ATTACKED {mentions: 1}]->(army),
       (macina)-[:ATTACKED {mentions: 2}]->(army),
       (jnim)-[:ATTACKED {mentions: 1}]->(wagner),
       (cma)-[:ATTACKED {mentions: 1}]->(wagner),
       (iss)-[:ATTACKED {mentions: 4}]->(menaka),
       (iss)-[:ATTACKED {mentions: 1}]->(jnim),
       (iss)-[:CONTROLS]->(menaka),
       (macina)-[:CONTROLS]->(mopti),
       (jnim)-[:CONTROLS]->(mopti),
       (jnim)-[:CONTROLS]->(timbuktu),
       (cma)-[:CONTROLS]->(kidal),
       (jnim)-[:ALLIED_WITH]->(aq),
       (macina)-[:ALLIED_WITH]->(jnim),
       (ansarul)-[:ALLIED_WITH]->(jnim),
       (army)-[:ALLIED_WITH]->(wagner),
       (wagner)-[:ALLIED_WITH]->(russia),
       (army)-[:ALLIED_WITH]->(russia)
";

fn conflict_graph() -> PropertyGraph {
    let mut g = PropertyGraph::new();
    match run(&mut g, CONFLICT_GRAPH) {
        Ok(r) => {
            assert_eq!(r.stats.nodes_created, 14, "nodes created by the script");
            assert_eq!(r.stats.relationships_created, 20, "relationships created by the script");
        }
        Err(e) => panic!("the example graph script fails: {}", e.render("<script>", CONFLICT_GRAPH)),
    }
    assert_eq!((g.node_count(), g.relationship_count()), (14, 20));
    g
}

/// Runs `q` on `g` and checks the result against a TCK-notation table.
fn check(g: &mut PropertyGraph, q: &str, mode: ResultMode, expected: &[&str]) {
    let res = run(g, q).unwrap_or_else(|e| panic!("{q}\n{}", e.render("<query>", q)));
    if let Err(e) = check_table(mode, &table(expected), &res) {
        panic!("{q}\n{e}");
    }
}

const IN_ORDER: ResultMode = ResultMode { ordered: true, unordered_lists: false };
const ANY_ORDER: ResultMode = ResultMode { ordered: false, unordered_lists: false };

#[test]
fn analyst_who_has_a_truce_with_whom() {
    let mut g = conflict_graph();
    // Truces are stored once; undirected matching finds both stored directions.
    check(
        &mut g,
        "MATCH (a)-[:TRUCE_BETWEEN]-(b) WHERE a.name < b.name RETURN a.name AS a, b.name AS b ORDER BY a, b",
        IN_ORDER,
        &["| a | b |", "| 'CMA' | 'JNIM' |", "| 'CMA' | 'Mali' |"],
    );
    check(
        &mut g,
        "MATCH (:ArmedGroup {name: 'CMA'})-[t:TRUCE_BETWEEN]-(other) RETURN other.name AS other, t.sources AS sources",
        ANY_ORDER,
        &["| other | sources |", "| 'JNIM' | ['doc1', 'doc4'] |", "| 'Mali' | ['doc2'] |"],
    );
    check(&mut g, "MATCH ()-[t:TRUCE_BETWEEN]-() RETURN count(t) AS n", ANY_ORDER, &["| n |", "| 4 |"]);
}

#[test]
fn analyst_who_attacked_the_malian_army() {
    let mut g = conflict_graph();
    check(
        &mut g,
        "MATCH (x)-[r:ATTACKED]->(:Force {name: 'Malian army'}) RETURN x.name AS attacker, r.mentions AS mentions ORDER BY mentions DESC",
        IN_ORDER,
        &["| attacker | mentions |", "| 'JNIM' | 3 |", "| 'Katiba Macina' | 2 |", "| 'Islamic State Sahel' | 1 |"],
    );
    check(
        &mut g,
        "MATCH (army {name_ar: 'الجيش المالي'})<-[:ATTACKED]-(x) RETURN x",
        ANY_ORDER,
        &[
            "| x |",
            "| (:ArmedGroup {name: 'JNIM', name_ar: 'جماعة نصرة الإسلام والمسلمين', aliases: ['GSIM', 'Nusrat al-Islam']}) |",
            "| (:ArmedGroup {name: 'Islamic State Sahel', name_ar: 'تنظيم الدولة الإسلامية في الساحل'}) |",
            "| (:ArmedGroup {name: 'Katiba Macina'}) |",
        ],
    );
}

#[test]
fn analyst_what_each_group_controls() {
    let mut g = conflict_graph();
    check(
        &mut g,
        "MATCH (g:ArmedGroup)-[:CONTROLS]->(p:Place) RETURN g.name AS group, collect(p.name) AS places, count(p) AS n ORDER BY n DESC, group",
        ResultMode { ordered: true, unordered_lists: true },
        &[
            "| group | places | n |",
            "| 'JNIM' | ['Mopti', 'Timbuktu'] | 2 |",
            "| 'CMA' | ['Kidal'] | 1 |",
            "| 'Islamic State Sahel' | ['Menaka'] | 1 |",
            "| 'Katiba Macina' | ['Mopti'] | 1 |",
        ],
    );
    // Who shares control of a place.
    check(
        &mut g,
        "MATCH (a)-[:CONTROLS]->(p)<-[:CONTROLS]-(b) WHERE a.name < b.name RETURN p.name AS place, a.name AS a, b.name AS b",
        ANY_ORDER,
        &["| place | a | b |", "| 'Mopti' | 'JNIM' | 'Katiba Macina' |"],
    );
}

#[test]
fn analyst_allies_of_allies() {
    let mut g = conflict_graph();
    check(
        &mut g,
        "MATCH (a:ArmedGroup {name: 'Katiba Macina'})-[:ALLIED_WITH]-(b)-[:ALLIED_WITH]-(c) WHERE c <> a RETURN DISTINCT c.name AS ally ORDER BY ally",
        IN_ORDER,
        &["| ally |", "| 'Ansarul Islam' |", "| 'al-Qaeda' |"],
    );
    // The Malian army's allies are allied with each other: no ally of an ally is new.
    check(
        &mut g,
        "MATCH (a {name: 'Malian army'})-[:ALLIED_WITH]-()-[:ALLIED_WITH]-(c) WHERE c <> a AND NOT (a)-[:ALLIED_WITH]-(c) RETURN c",
        ANY_ORDER,
        &["| c |"],
    );
}

#[test]
fn analyst_shortest_path_between_two_actors() {
    let mut g = conflict_graph();
    check(
        &mut g,
        "MATCH p = shortestPath((a {name: 'Katiba Macina'})-[*]-(b {name: 'Russia'})) RETURN length(p) AS hops, [n IN nodes(p) | n.name] AS names, [r IN relationships(p) | type(r)] AS types",
        ANY_ORDER,
        &["| hops | names | types |", "| 2 | ['Katiba Macina', 'Malian army', 'Russia'] | ['ATTACKED', 'ALLIED_WITH'] |"],
    );
    check(
        &mut g,
        "MATCH p = shortestPath((a {name: 'Ansarul Islam'})-[:ALLIED_WITH*]-(b {name: 'al-Qaeda'})) RETURN p",
        ANY_ORDER,
        &[
            "| p |",
            "| <(:ArmedGroup {name: 'Ansarul Islam'})-[:ALLIED_WITH]->(:ArmedGroup {name: 'JNIM', name_ar: 'جماعة نصرة الإسلام والمسلمين', aliases: ['GSIM', 'Nusrat al-Islam']})-[:ALLIED_WITH]->(:ArmedGroup:Organization {name: 'al-Qaeda'})> |",
        ],
    );
    // No alliance chain links the jihadist groups to Russia.
    check(
        &mut g,
        "MATCH p = shortestPath((a {name: 'JNIM'})-[:ALLIED_WITH*]-(b {name: 'Russia'})) RETURN p",
        ANY_ORDER,
        &["| p |"],
    );
}

#[test]
fn analyst_most_attacked_targets() {
    let mut g = conflict_graph();
    check(
        &mut g,
        "MATCH (x)-[:ATTACKED]->(t) RETURN t.name AS target, count(DISTINCT x) AS attackers ORDER BY attackers DESC, target LIMIT 3",
        IN_ORDER,
        &["| target | attackers |", "| 'Malian army' | 3 |", "| 'Wagner Group' | 2 |", "| 'JNIM' | 1 |"],
    );
    check(
        &mut g,
        "MATCH ()-[r:ATTACKED]->(t) WITH t, sum(r.mentions) AS total WHERE total > 2 RETURN t.name AS target, total ORDER BY total DESC",
        IN_ORDER,
        &["| target | total |", "| 'Malian army' | 6 |", "| 'Menaka' | 4 |"],
    );
}

// ----- .cypher fixtures ---------------------------------------------------------------------

/// What a fixture statement must do.
#[derive(Debug, PartialEq)]
enum Expect {
    /// `// ok`: succeed (rows not checked); `// ok: nodes_created 2, labels_added 1` also checks
    /// those [`kgraph::query::QueryStats`] counters.
    Ok(Vec<(String, u64)>),
    /// `// empty`: succeed with no rows.
    Empty,
    /// `// rows:` (any order) or `// rows in order:`, then a table.
    Rows(ResultMode, Vec<Vec<String>>),
    /// `// error: Kind (Detail) L:C`, detail and position optional.
    Error { kind: String, detail: Option<String>, pos: Option<(usize, usize)> },
}

/// One statement of a fixture with its line in the file.
#[derive(Debug)]
struct FixtureStatement {
    line: usize,
    text: String,
    params: Params,
    expect: Expect,
}

/// Reads a fixture: statements end with a line ending in `;`; the `//` lines right after are
/// the expectation. `//` lines before a statement are comments, except
/// `// params: {name: value, …}` (TCK value notation), which gives the next statement its
/// parameters.
fn parse_fixture(text: &str) -> Result<Vec<FixtureStatement>, String> {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let mut out = Vec::new();
    let mut params = Params::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if let Some(map) = t.strip_prefix("// params:") {
            let value = parse_value(map).and_then(|v| to_value(&v)).map_err(|e| format!("line {}: {e}", i + 1))?;
            let Value::Map(m) = value else { return Err(format!("line {}: params must be a map", i + 1)) };
            params = m.into_iter().collect();
        }
        if t.is_empty() || t.starts_with("//") {
            i += 1;
            continue;
        }
        let start = i;
        let mut stmt = Vec::new();
        loop {
            let Some(l) = lines.get(i) else { return Err(format!("line {}: statement without ';'", start + 1)) };
            i += 1;
            stmt.push(*l);
            if l.trim_end().ends_with(';') {
                break;
            }
        }
        let mut text = stmt.join("\n");
        text.truncate(text.trim_end().len() - 1);
        let mut comments = Vec::new();
        while let Some(c) = lines.get(i).map(|l| l.trim()).filter(|l| l.starts_with("//")) {
            comments.push(c.trim_start_matches('/').trim());
            i += 1;
        }
        let expect = parse_expectation(&comments).map_err(|e| format!("line {}: {e}", start + 1))?;
        out.push(FixtureStatement { line: start + 1, text, params: std::mem::take(&mut params), expect });
    }
    Ok(out)
}

fn parse_expectation(comments: &[&str]) -> Result<Expect, String> {
    let Some((first, rest)) = comments.split_first() else {
        return Err("a statement needs an expectation comment (// ok, // empty, // rows:, // error:)".into());
    };
    match *first {
        "ok" => Ok(Expect::Ok(Vec::new())),
        ok if ok.starts_with("ok:") => {
            let mut counters = Vec::new();
            for item in ok["ok:".len()..].split(',') {
                let (k, v) = item.trim().split_once(' ').ok_or_else(|| format!("bad counter {item:?}"))?;
                stat(&Default::default(), k).ok_or_else(|| format!("unknown counter {k:?}"))?;
                counters.push((k.to_string(), v.trim().parse().map_err(|_| format!("bad count in {item:?}"))?));
            }
            Ok(Expect::Ok(counters))
        }
        "empty" => Ok(Expect::Empty),
        "rows:" | "rows in order:" => {
            let rows: Vec<&str> = rest.iter().copied().take_while(|l| l.starts_with('|')).collect();
            if rows.is_empty() {
                return Err("rows: needs a table header".into());
            }
            Ok(Expect::Rows(ResultMode { ordered: first.contains("in order"), unordered_lists: false }, table(&rows)))
        }
        e if e.starts_with("error:") => {
            let mut words = e["error:".len()..].split_whitespace();
            let kind = words.next().ok_or("error: needs a kind")?.to_string();
            let mut detail = None;
            let mut pos = None;
            for w in words {
                if let Some(d) = w.strip_prefix('(').and_then(|d| d.strip_suffix(')')) {
                    detail = Some(d.to_string());
                } else if let Some((l, c)) = w.split_once(':') {
                    pos = Some((
                        l.parse().map_err(|_| format!("bad line in {w}"))?,
                        c.parse().map_err(|_| format!("bad column in {w}"))?,
                    ));
                } else {
                    return Err(format!("unexpected {w:?} in error expectation"));
                }
            }
            Ok(Expect::Error { kind, detail, pos })
        }
        other => Err(format!("unknown expectation {other:?}")),
    }
}

/// A [`QueryStats`](kgraph::query::QueryStats) counter by field name.
fn stat(s: &kgraph::query::QueryStats, name: &str) -> Option<u64> {
    Some(match name {
        "nodes_created" => s.nodes_created,
        "nodes_deleted" => s.nodes_deleted,
        "relationships_created" => s.relationships_created,
        "relationships_deleted" => s.relationships_deleted,
        "properties_set" => s.properties_set,
        "properties_removed" => s.properties_removed,
        "labels_added" => s.labels_added,
        "labels_removed" => s.labels_removed,
        _ => return None,
    })
}

/// Runs one fixture file; returns the failures as `file:line: message`.
fn run_fixture(path: &Path) -> Vec<String> {
    let name = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(path).display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return vec![format!("{name}: {e}")],
    };
    let statements = match parse_fixture(&text) {
        Ok(s) => s,
        Err(e) => return vec![format!("{name}:{e}")],
    };
    if statements.is_empty() {
        return vec![format!("{name}: no statements")];
    }
    let mut graph = PropertyGraph::new();
    let mut failures = Vec::new();
    for st in statements {
        let at = format!("{name}:{}", st.line);
        let q = st.text.clone();
        let params = st.params.clone();
        let mut g = std::mem::take(&mut graph);
        let (tx, rx) = std::sync::mpsc::channel();
        let outcome = isolated(move || {
            let r = execute(&mut g, &q, &params, &options(5_000, 1_000_000));
            let _ = tx.send((g, r));
            Ok(())
        });
        let (g, result) = match (outcome, rx.try_recv()) {
            (Ok(()), Ok(done)) => done,
            (outcome, _) => {
                failures.push(format!("{at}: {}\n    panicked or hung: {outcome:?}", st.text));
                return failures;
            }
        };
        graph = g;
        let fail = match (&st.expect, &result) {
            (Expect::Ok(counters), Ok(r)) => {
                let wrong: Vec<String> = counters
                    .iter()
                    .filter(|(k, v)| stat(&r.stats, k) != Some(*v))
                    .map(|(k, v)| format!("{k} expected {v}, got {:?}", stat(&r.stats, k)))
                    .collect();
                (!wrong.is_empty()).then(|| wrong.join(", "))
            }
            (Expect::Empty, Ok(r)) if r.rows.is_empty() => None,
            (Expect::Empty, Ok(r)) => Some(format!("expected no rows, got {}: {:?}", r.rows.len(), r.rows)),
            (Expect::Rows(mode, t), Ok(r)) => check_table(*mode, t, r).err(),
            (Expect::Error { kind, .. }, Ok(r)) => Some(format!("expected {kind}, got {} rows", r.rows.len())),
            (Expect::Error { kind, detail, pos }, Err(e)) => {
                let mut wrong = Vec::new();
                if e.kind.name() != kind {
                    wrong.push(format!("kind {}", e.kind.name()));
                }
                if detail.is_some() && e.detail != detail.as_deref() {
                    wrong.push(format!("detail {:?}", e.detail));
                }
                let got_pos = e.span.map(|s| line_col(&st.text, s.start));
                if pos.is_some() && got_pos != *pos {
                    wrong.push(format!("position {got_pos:?}"));
                }
                (!wrong.is_empty())
                    .then(|| format!("expected error {kind} {detail:?} {pos:?}, got {}: {}", wrong.join(", "), e))
            }
            (_, Err(e)) => Some(format!("unexpected error: {}", e.render("<query>", &st.text))),
        };
        if let Some(f) = fail {
            failures.push(format!("{at}: {}\n    {f}", st.text.lines().next().unwrap_or("")));
        }
    }
    failures
}

fn fixture_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cypher");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cypher"))
        .collect();
    files.sort();
    files
}

#[test]
fn cypher_fixtures() {
    let files = fixture_files();
    assert!(files.len() >= 4, "expected the fixture files in tests/fixtures/cypher, found {files:?}");
    let mut failures = Vec::new();
    let mut statements = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        statements += parse_fixture(&text).map(|s| s.len()).unwrap_or(0);
        failures.extend(run_fixture(f));
    }
    println!("{} fixture files, {statements} statements, {} failures", files.len(), failures.len());
    assert!(failures.is_empty(), "{} fixture failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn fixture_format_parses() {
    let text = "// a comment\nCREATE (:A);\n// ok: nodes_created 1\n\nMATCH (n)\nRETURN n;\n// rows in order:\n// | n |\n// | (:A) |\nRETURN x;\n// error: SyntaxError (UndefinedVariable) 1:8\nRETURN 1 AS one;\n// empty\n";
    let st = parse_fixture(text).expect("parse");
    assert_eq!(st.len(), 4);
    assert_eq!(
        (st[0].line, st[0].text.as_str(), &st[0].expect),
        (2, "CREATE (:A)", &Expect::Ok(vec![("nodes_created".into(), 1)]))
    );
    assert_eq!(st[1].line, 5);
    assert_eq!(st[1].text, "MATCH (n)\nRETURN n");
    assert_eq!(st[1].expect, Expect::Rows(IN_ORDER, vec![vec!["n".to_string()], vec!["(:A)".to_string()]]));
    assert_eq!(
        st[2].expect,
        Expect::Error { kind: "SyntaxError".into(), detail: Some("UndefinedVariable".into()), pos: Some((1, 8)) }
    );
    assert_eq!(st[3].expect, Expect::Empty);
    let st = parse_fixture("// params: {p: 1, s: 'x'}\nRETURN $p;\n// ok\nRETURN 2;\n// ok\n").expect("parse");
    assert_eq!(st[0].params.get("p"), Some(&Value::Int(1)));
    assert_eq!(st[0].params.len(), 2);
    assert!(st[1].params.is_empty(), "params apply to one statement");
    assert!(parse_fixture("// params: [1]\nRETURN 1;\n// ok\n").unwrap_err().contains("map"));
    assert!(parse_fixture("RETURN 1;\n").unwrap_err().contains("line 1"));
    assert!(parse_fixture("RETURN 1\n").unwrap_err().contains("without ';'"));
    assert!(parse_fixture("RETURN 1;\n// maybe\n").unwrap_err().contains("unknown expectation"));
    assert!(parse_fixture("RETURN 1;\n// ok: nodes_made 1\n").unwrap_err().contains("unknown counter"));
}

/// Deeply nested input gets an answer or a clean error, never a stack overflow (which would
/// abort the process, so the work runs in a child copy of this test binary).
#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let exe = std::env::current_exe().expect("test binary path");
    let out = std::process::Command::new(exe)
        .args(["query::deep_nesting_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("KG_DEEP_NESTING_CHILD", "1")
        .output()
        .expect("run the child test");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "deeply nested queries crashed the engine ({:?}):\n{stdout}\n{stderr}", out.status);
    assert!(stdout.contains("deep nesting: all handled"), "the child did not run:\n{stdout}");
}

/// The child of [`deep_nesting_does_not_overflow_the_stack`]; on a thread with the 8 MiB
/// stack a `kg` main thread has.
#[test]
#[ignore = "run by deep_nesting_does_not_overflow_the_stack in a child process"]
fn deep_nesting_child() {
    if std::env::var_os("KG_DEEP_NESTING_CHILD").is_none() {
        return;
    }
    let handle = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(|| {
            for (open, close) in [("(", ")"), ("[", "]"), ("{a: ", "}"), ("-", ""), ("NOT ", ""), ("[x IN ", " | x]")] {
                let depth = 5_000;
                let q = format!("RETURN {}1{} AS v", open.repeat(depth), close.repeat(depth));
                println!("depth {depth} of {open:?}");
                let _ = kgraph::query::parse_query(&q);
                let mut g = PropertyGraph::new();
                let _ = run(&mut g, &q);
            }
        })
        .expect("spawn");
    handle.join().expect("no panic");
    println!("deep nesting: all handled");
}

/// The fixture runner reports each wrong expectation with its file and line.
#[test]
fn fixture_runner_reports_wrong_expectations() {
    let dir = crate::util::tempdir("fixture-runner");
    let path = crate::util::write(
        dir.path(),
        "wrong.cypher",
        "CREATE (:A {x: 1});\n// ok: nodes_created 2\n\nMATCH (a:A) RETURN a.x AS x;\n// rows:\n// | x |\n// | 2 |\n\nRETURN y;\n// error: TypeError\n\nRETURN 1 AS one;\n// empty\n\nRETURN 1 AS one;\n// rows:\n// | one |\n// | 1   |\n",
    );
    let failures = run_fixture(&path);
    let lines: Vec<&str> = failures.iter().filter_map(|f| f.split(':').nth(1)).collect();
    assert_eq!(lines, ["1", "4", "9", "12"], "{failures:#?}");
    assert!(failures.iter().all(|f| f.contains("wrong.cypher:")), "{failures:#?}");
}

// ----- limits and cancellation ----------------------------------------------------------------

/// A complete graph on 10 nodes: `-[*]-` over it has billions of trails.
fn dense_graph() -> PropertyGraph {
    let mut g = PropertyGraph::new();
    let q = "UNWIND range(1, 10) AS i CREATE (:K {i: i}) WITH count(*) AS c MATCH (a:K), (b:K) WHERE a.i < b.i CREATE (a)-[:E]->(b)";
    let r = run(&mut g, q).unwrap_or_else(|e| panic!("{}", e.render("<query>", q)));
    assert_eq!((r.stats.nodes_created, r.stats.relationships_created), (10, 45));
    g
}

const RUNAWAY: &str = "MATCH p = (a)-[*]-(b) RETURN count(p) AS n";

#[test]
fn a_runaway_query_stops_at_its_time_limit() {
    let outcome = isolated(|| {
        let mut g = dense_graph();
        match execute(&mut g, RUNAWAY, &Params::new(), &options(300, u64::MAX)) {
            Err(e) if e.kind == kgraph::query::ErrorKind::Cancelled => Ok(()),
            other => Err(format!("expected Cancelled, got {other:?}")),
        }
    });
    assert_eq!(outcome, Ok(()));
}

#[test]
fn a_set_cancel_flag_stops_the_query() {
    let outcome = isolated(|| {
        let mut g = dense_graph();
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let opts = ExecOptions { cancel: Some(flag), ..ExecOptions::default() };
        match execute(&mut g, RUNAWAY, &Params::new(), &opts) {
            Err(e) if e.kind == kgraph::query::ErrorKind::Cancelled => Ok(()),
            other => Err(format!("expected Cancelled, got {other:?}")),
        }
    });
    assert_eq!(outcome, Ok(()));
}

#[test]
fn a_cancel_flag_set_from_another_thread_stops_the_query() {
    let outcome = isolated(|| {
        let mut g = dense_graph();
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let setter = flag.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            setter.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        let opts = ExecOptions { cancel: Some(flag), ..ExecOptions::default() };
        match execute(&mut g, RUNAWAY, &Params::new(), &opts) {
            Err(e) if e.kind == kgraph::query::ErrorKind::Cancelled => Ok(()),
            other => Err(format!("expected Cancelled, got {other:?}")),
        }
    });
    assert_eq!(outcome, Ok(()));
}

#[test]
fn a_row_limit_stops_the_query() {
    let mut g = PropertyGraph::new();
    let r = execute(&mut g, "UNWIND range(1, 1000000) AS x RETURN x", &Params::new(), &options(60_000, 1_000));
    assert!(matches!(&r, Err(e) if e.kind == kgraph::query::ErrorKind::Cancelled), "{:?}", r.map(|r| r.rows.len()));
    let r = execute(&mut g, "UNWIND range(1, 10) AS x RETURN x", &Params::new(), &options(60_000, 1_000));
    assert_eq!(r.map(|r| r.rows.len()), Ok(10), "a query under the limit runs");
}

/// Issue 13 item 6: a cancelled query stops within 100 ms, whatever it is doing: expanding,
/// counting a filtered product (a bare one is answered from the index sizes), grouping,
/// collecting, building a long list, walking variable-length paths, unwinding or sorting for a
/// top-k. Each shape is sized to run for seconds (the 4-hop count walks ~20M paths; a 3-hop one,
/// ~2M, streams to its end within the 300 ms before the flag on an idle machine), so it runs
/// until the flag is set from another thread; the time from the flag to the answer is the best
/// of three tries, so a busy machine's scheduling does not count but an operator that never looks
/// at the flag does. What a cancelled query held is freed in the background, so no shape waits
/// for gigabytes to be freed (measured on 2 loaded cores: every shape under 2 ms).
#[test]
fn a_cancelled_query_stops_within_100_ms() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Instant;
    let bound = Duration::from_millis(100);
    let shapes = [
        "MATCH (a)-->(b)-->(c)-->(d)-->(e) RETURN count(*) AS n",
        "MATCH (a), (b), (c) WHERE a.name <> c.name RETURN count(*) AS n",
        "MATCH (a), (b) RETURN a.name AS x, count(*) AS n",
        "MATCH (a), (b) RETURN collect(a.name) AS xs",
        "UNWIND range(1, 30) AS i WITH range(1, 20000000) AS xs RETURN size(xs) AS n",
        "MATCH p = (a)-[*]-(b) RETURN count(p) AS n",
        "UNWIND range(1, 999999) AS x UNWIND range(1, 999999) AS y RETURN count(*) AS n",
        "MATCH (a), (b), (c) RETURN a.name AS x ORDER BY x LIMIT 1",
    ];
    let mut slow = Vec::new();
    for q in shapes {
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let (tx, rx) = std::sync::mpsc::channel();
            let outcome = isolated(move || {
                let mut g = kgraph::synth::generate(&kgraph::synth::GenSpec { nodes: 2000, rels: 20000, seed: 7 })
                    .map_err(|e| e.to_string())?;
                let flag = Arc::new(AtomicBool::new(false));
                let setter = flag.clone();
                let (set_tx, set_rx) = std::sync::mpsc::channel();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(300));
                    let _ = set_tx.send(Instant::now());
                    setter.store(true, Ordering::SeqCst);
                });
                let opts = ExecOptions { cancel: Some(flag), ..ExecOptions::default() };
                let r = execute(&mut g, q, &Params::new(), &opts);
                let done = Instant::now();
                match r {
                    Err(e) if e.kind == kgraph::query::ErrorKind::Cancelled => {
                        let set = set_rx.try_recv().map_err(|_| format!("cancelled before the flag: {e:?}"))?;
                        let _ = tx.send(done.duration_since(set));
                        Ok(())
                    }
                    other => Err(format!("ran to the end before the flag: {:?}", other.map(|r| r.rows.len()))),
                }
            });
            match (outcome, rx.try_recv()) {
                (Ok(()), Ok(latency)) => best = best.min(latency),
                (other, _) => panic!("{q}: {other:?}"),
            }
        }
        eprintln!("cancel latency {best:?}: {q}");
        if best > bound {
            slow.push(format!("{best:?} (bound {bound:?}): {q}"));
        }
    }
    assert!(slow.is_empty(), "queries that took too long to stop:\n{}", slow.join("\n"));
}
