//! Integration tests: run — `kg run` scripts (success, the first error's place in the script,
//! `--keep-going`, saving only on change), `kg query` (JSON contract, `--param`, error lines,
//! saving writes), and the example scripts in queries/ against a Sahel graph that uses
//! DESIGN.md's canonical names.

use std::path::{Path, PathBuf};

use kgraph::graph::{PropertyGraph, Value};
use serde_json::Value as Json;

use crate::util::{self, assert_error, kg, stderr, stdout, write};

/// A small graph in the shape `kg build` makes from graphs/: canonical names, the four
/// relation types, `mentions` on relationships, Arabic names on some entities.
pub fn sahel_graph(dir: &Path) -> PathBuf {
    let mut g = PropertyGraph::new();
    let mut node = |label: &str, name: &str, name_ar: Option<&str>| {
        let mut props = vec![("name", Value::from(name))];
        if let Some(ar) = name_ar {
            props.push(("name_ar", Value::from(ar)));
        }
        g.add_node([label], props).expect("node")
    };
    let jnim = node("ArmedGroup", "JNIM", Some("جماعة نصرة الإسلام والمسلمين"));
    let iss = node("ArmedGroup", "Islamic State Sahel", Some("ولاية الساحل"));
    let aq = node("ArmedGroup", "al-Qaeda", Some("القاعدة"));
    let macina = node("ArmedGroup", "Katiba Macina", None);
    let cma = node("ArmedGroup", "CMA", None);
    let army = node("Force", "Malian army", Some("الجيش المالي"));
    let wagner = node("Force", "Wagner Group", None);
    let french = node("Force", "French forces", None);
    let mali = node("State", "Mali", Some("مالي"));
    let menaka = node("Place", "Menaka", Some("ميناكا"));
    let mopti = node("Place", "Mopti", None);
    let kidal = node("Place", "Kidal", None);
    let koufa = node("Person", "Amadou Koufa", None);
    let ansarul = node("ArmedGroup", "Ansarul Islam", None);
    let niger = node("State", "Niger", Some("النيجر"));
    let russia = node("State", "Russia", None);
    let burkina = node("State", "Burkina Faso", None);
    let mut rel = |a, b, t: &str, mentions: i64| {
        g.add_relationship(a, b, t, [("mentions", Value::Int(mentions))]).expect("relationship");
    };
    rel(jnim, army, "ATTACKED", 3);
    rel(iss, army, "ATTACKED", 2);
    rel(jnim, wagner, "ATTACKED", 1);
    rel(iss, jnim, "ATTACKED", 1);
    rel(cma, army, "ATTACKED", 1);
    rel(jnim, french, "ATTACKED", 1);
    rel(jnim, aq, "ALLIED_WITH", 2);
    rel(macina, jnim, "ALLIED_WITH", 1);
    rel(army, wagner, "ALLIED_WITH", 2);
    rel(cma, mali, "TRUCE_BETWEEN", 1);
    rel(iss, menaka, "CONTROLS", 2);
    rel(jnim, mopti, "CONTROLS", 1);
    rel(cma, kidal, "CONTROLS", 1);
    rel(koufa, macina, "ALLIED_WITH", 1);
    rel(ansarul, jnim, "ALLIED_WITH", 1);
    rel(niger, russia, "ALLIED_WITH", 1);
    rel(burkina, russia, "ALLIED_WITH", 1);
    let path = dir.join("sahel.kg");
    kgraph::store::save(&path, &g).expect("save fixture graph");
    path
}

fn load(path: &Path) -> PropertyGraph {
    kgraph::store::load(path).expect("load graph")
}

/// `kg shell -g GRAPH` with `input` piped to its stdin (the non-interactive shell).
fn piped_shell(graph: &Path, input: &str) -> std::process::Output {
    let mut child = kg()
        .args(["shell", "-g"])
        .arg(graph)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start kg shell");
    std::io::Write::write_all(child.stdin.as_mut().expect("piped stdin"), input.as_bytes()).expect("write to kg shell");
    child.wait_with_output().expect("wait for kg shell")
}

fn run(graph: &Path, script: &Path, extra: &[&str]) -> std::process::Output {
    kg().arg("run").arg("-g").arg(graph).arg(script).args(extra).output().expect("run kg")
}

#[test]
fn script_runs_statements_comments_and_meta_commands() {
    let dir = util::tempdir("run-ok");
    let graph = sahel_graph(dir.path());
    let script = write(
        dir.path(),
        "ok.cypher",
        "// who attacked the Malian army?\n:format csv\nMATCH (g)-[:ATTACKED]->(:Force {name: 'Malian army'})\n\
         RETURN g.name AS attacker ORDER BY attacker;\n/* a second one; */ RETURN 'مالي' AS ar;\n",
    );
    let o = run(&graph, &script, &[]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    // CSV result sets with different headers are kept apart by a blank line and a comment.
    assert_eq!(stdout(&o), "attacker\nCMA\nIslamic State Sahel\nJNIM\n\n# statement 2\nar\nمالي\n");
}

#[test]
fn first_error_stops_with_its_place_in_the_script_and_saves_nothing() {
    let dir = util::tempdir("run-first-error");
    let graph = sahel_graph(dir.path());
    let before = std::fs::read(&graph).unwrap();
    let text = "CREATE (:Place {name: 'Ansongo'});\n:format csv\n// next one fails\nMATCH (n)\nRETURN nope;\nRETURN 'after' AS x;\n";
    let script = write(dir.path(), "bad.cypher", text);
    let o = run(&graph, &script, &[]);
    let err = stderr(&o);
    let first = err.lines().next().unwrap_or("");
    let prefix = format!("{}:5:8: ", script.display());
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    assert!(first.starts_with(&prefix), "first line {first:?} should start with {prefix:?}");
    assert!(first.contains("Error"), "{first}");
    assert!(!stdout(&o).contains("after"), "ran past the error: {}", stdout(&o));
    assert_eq!(std::fs::read(&graph).unwrap(), before, "a failed script must leave the file as it was");
}

#[test]
fn meta_command_errors_are_located_too() {
    let dir = util::tempdir("run-meta-error");
    let graph = sahel_graph(dir.path());
    let script = write(dir.path(), "meta.cypher", "// settings\n  :fromat csv\n");
    let o = run(&graph, &script, &[]);
    assert_error(&o, 1, &format!("{}:2:3: unknown command ':fromat'; did you mean ':format'?", script.display()));
}

#[test]
fn keep_going_reports_every_error_and_saves_the_rest() {
    let dir = util::tempdir("run-keep-going");
    let graph = sahel_graph(dir.path());
    let text = "RETURN nope1;\nCREATE (:Place {name: 'Ansongo'});\n:nosuch\nRETURN nope2;\nRETURN 'done' AS x;\n";
    let script = write(dir.path(), "many.cypher", text);
    let o = run(&graph, &script, &["--keep-going", "--format", "csv"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    let s = script.display().to_string();
    for place in [format!("{s}:1:8: "), format!("{s}:3:1: unknown command"), format!("{s}:4:8: ")] {
        assert!(err.lines().any(|l| l.starts_with(&place)), "no line starting {place:?} in:\n{err}");
    }
    assert!(err.contains("3 of 5 statements failed"), "{err}");
    assert!(stdout(&o).contains("done"), "{}", stdout(&o));
    assert_eq!(load(&graph).nodes_by_name("Ansongo").len(), 1, "the successful write is saved");
}

#[test]
fn read_only_script_leaves_the_file_untouched() {
    let dir = util::tempdir("run-read-only");
    let graph = sahel_graph(dir.path());
    let modified = std::fs::metadata(&graph).unwrap().modified().unwrap();
    let script = write(dir.path(), "read.cypher", "MATCH (n) RETURN count(n) AS n;");
    let o = run(&graph, &script, &[]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert!(stdout(&o).contains("| 17 |"), "{}", stdout(&o));
    assert_eq!(std::fs::metadata(&graph).unwrap().modified().unwrap(), modified);
}

#[test]
fn script_from_stdin_creates_a_new_graph() {
    let dir = util::tempdir("run-stdin");
    let graph = dir.path().join("new.kg");
    let mut child = kg()
        .arg("run")
        .arg("-g")
        .arg(&graph)
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"CREATE (:State {name: 'Niger'})-[:TRUCE_BETWEEN]->(:ArmedGroup {name: 'CMA'});")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(stdout(&o), "", "a write returns nothing to print");
    assert!(stderr(&o).contains("created 2 nodes, created 1 relationship"), "one summary line: {}", stderr(&o));
    let g = load(&graph);
    assert_eq!((g.node_count(), g.relationship_count()), (2, 1));
}

#[test]
fn query_json_matches_the_contract() {
    let dir = util::tempdir("query-json");
    let graph = sahel_graph(dir.path());
    let q = "MATCH (g:ArmedGroup {name: 'JNIM'})-[r:ATTACKED]->(t {name: 'Malian army'}) RETURN g, r, t.name AS target, [1, 2.5, null] AS xs";
    let o = kg().args(["query", "-g"]).arg(&graph).args([q, "--format", "json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let doc: Json = serde_json::from_str(&stdout(&o)).expect("one JSON document");
    assert_eq!(doc["columns"], serde_json::json!(["g", "r", "target", "xs"]));
    let row = &doc["rows"][0];
    assert_eq!(row[0]["kind"], "node");
    assert_eq!(row[0]["labels"], serde_json::json!(["ArmedGroup"]));
    assert_eq!(row[0]["properties"]["name"], "JNIM");
    assert_eq!(row[0]["properties"]["name_ar"], "جماعة نصرة الإسلام والمسلمين");
    assert_eq!(row[1]["kind"], "relationship");
    assert_eq!(row[1]["type"], "ATTACKED");
    assert_eq!(row[1]["start"], row[0]["id"]);
    assert_eq!(row[1]["properties"]["mentions"], 3);
    assert_eq!(row[2], "Malian army");
    assert_eq!(row[3], serde_json::json!([1, 2.5, null]));
    assert_eq!(doc["rows"].as_array().unwrap().len(), 1);
}

#[test]
fn query_params_are_cypher_literals() {
    let dir = util::tempdir("query-param");
    let graph = sahel_graph(dir.path());
    let o = kg()
        .args(["query", "-g"])
        .arg(&graph)
        .args(["MATCH (g {name: $g})-[:CONTROLS]->(p) RETURN p.name AS place, $n AS n", "--format", "csv"])
        .args(["--param", "g='Islamic State Sahel'", "--param", "n=[1, 2]"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(stdout(&o), "place,n\nMenaka,\"[1, 2]\"\n");
}

#[test]
fn bad_param_is_a_usage_error() {
    let dir = util::tempdir("query-bad-param");
    let graph = sahel_graph(dir.path());
    for bad in ["novalue", "1x=2", "s=[1,"] {
        let o = kg().args(["query", "-g"]).arg(&graph).args(["RETURN 1", "--param", bad]).output().unwrap();
        assert_error(&o, 2, "invalid --param");
        assert_eq!(stderr(&o).lines().count(), 1, "one line: {}", stderr(&o));
    }
}

#[test]
fn query_error_first_line_names_kind_and_place() {
    let dir = util::tempdir("query-error");
    let graph = sahel_graph(dir.path());
    let o = kg().args(["query", "-g"]).arg(&graph).arg("MATCH (n) RETURN x").output().unwrap();
    assert_error(&o, 1, "<query>:1:18: ");
    let first = stderr(&o).lines().next().unwrap_or("").to_string();
    assert!(first.contains("Error"), "{first}");
}

/// Issue 13 item 1: a missing graph is a new, empty graph for query, run, shell and build,
/// created by the first write; a read-only session leaves no file (and no lock file) behind.
#[test]
fn missing_graph_is_a_new_empty_graph_created_by_the_first_write() {
    let dir = util::tempdir("missing-graph");
    let ls = || {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let new = dir.path().join("new.kg");
    let o = kg().args(["query", "-g"]).arg(&new).arg("CREATE (n:T {name: 'a'}) RETURN n.name").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("'a'"), "{}", stdout(&o));
    let o = kg().args(["stats", "-g"]).arg(&new).output().unwrap();
    assert!(stdout(&o).contains("nodes           1\n"), "{}", stdout(&o));
    std::fs::remove_file(&new).unwrap();
    let _ = std::fs::remove_file(dir.path().join("new.kg.lock"));

    let new2 = dir.path().join("new2.kg");
    let o = kg().args(["query", "-g"]).arg(&new2).arg("MATCH (n) RETURN count(n) AS n").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("| 0 |"), "{}", stdout(&o));
    // A statement that looks like a write but changes nothing takes the lock and gives it back.
    let o = kg().args(["query", "-g"]).arg(&new2).arg("MATCH (n) DETACH DELETE n").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let script = util::write(dir.path(), "read.cypher", "MATCH (n) RETURN count(n);\n:params\n");
    let o = kg().args(["run", "-g"]).arg(&new2).arg(&script).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = piped_shell(&new2, "RETURN 1 AS one;\n");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = kg().args(["build", "no-such-article.txt", "-g"]).arg(&new2).output().unwrap();
    assert_error(&o, 1, "no-such-article.txt");
    assert!(stderr(&o).contains("was not created"), "{}", stderr(&o));
    assert_eq!(ls(), ["read.cypher"], "read-only sessions and failed builds leave no file");

    let o = kg().args(["stats", "-g"]).arg(&new2).output().unwrap();
    assert_error(&o, 1, "graph file not found");
    let o = kg().args(["export", "--format", "dot", "-g"]).arg(&new2).output().unwrap();
    assert_error(&o, 1, "graph file not found");

    let o = piped_shell(&new2, "CREATE (:Place {name: 'Gao'});\n");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(load(&new2).node_count(), 1, "the piped shell created the graph");
}

#[test]
fn query_saves_writes_atomically() {
    let dir = util::tempdir("query-write");
    let graph = sahel_graph(dir.path());
    let o = kg().args(["query", "-g"]).arg(&graph).arg("CREATE (:Place {name: 'Ansongo'})").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert!(stdout(&o).contains("created 1 node"), "{}", stdout(&o));
    assert_eq!(load(&graph).nodes_by_name("Ansongo").len(), 1);
    assert!(!graph.with_extension("kg.tmp").exists());
}

#[test]
fn example_queries_run_on_the_sahel_graph() {
    let dir = util::tempdir("run-examples");
    let graph = sahel_graph(dir.path());
    let queries = util::repo_root().join("queries");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&queries)
        .expect("queries/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cypher"))
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 7, "expected the analyst's example scripts, found {scripts:?}");
    let mut outputs = String::new();
    for script in &scripts {
        let o = kg()
            .current_dir(dir.path())
            .arg("run")
            .arg("-g")
            .arg(&graph)
            .arg(script)
            .args(["--format", "csv"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}: {}", script.display(), stderr(&o));
        assert!(!stdout(&o).trim().is_empty(), "{} printed nothing", script.display());
        outputs.push_str(&stdout(&o));
    }
    let expected_answers = [
        "\nCMA,Mali,1\n",                            // truces
        "\nJNIM,['ArmedGroup'],3\n",                 // who attacked the Malian army
        "\nIslamic State Sahel,['Menaka'],1\n",      // what each group controls
        "\nRussia,Burkina Faso\n",                   // allies of allies of Niger
        "['Ansarul Islam', 'JNIM', 'Wagner Group']", // shortest path
        "\nMalian army,3,6\n",                       // most attacked: three attackers
        "\n6,3,4\n",                                 // attacks drawn in the DOT diagram
    ];
    for expected in expected_answers {
        assert!(outputs.contains(expected), "no {expected} in the example outputs:\n{outputs}");
    }
    let dot = std::fs::read_to_string(dir.path().join("sahel-attacks.dot"))
        .expect("the DOT example writes sahel-attacks.dot");
    assert!(dot.contains("digraph") && dot.contains("ATTACKED"), "{dot}");
}

#[test]
fn example_queries_run_on_the_graph_built_from_graphs() {
    let dir = util::tempdir("run-examples-built");
    let graph = dir.path().join("sahel.kg");
    let o = kg().arg("build").arg(util::repo_root().join("graphs")).arg("-g").arg(&graph).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "kg build graphs/: {}", stderr(&o));
    let queries = util::repo_root().join("queries");
    for entry in std::fs::read_dir(&queries).unwrap() {
        let script = entry.unwrap().path();
        if script.extension().is_none_or(|e| e != "cypher") {
            continue;
        }
        let o = kg().current_dir(dir.path()).arg("run").arg("-g").arg(&graph).arg(&script).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}: {}", script.display(), stderr(&o));
        assert!(stdout(&o).contains(" row"), "{} printed no result table: {}", script.display(), stdout(&o));
    }
    let o = kg()
        .arg("run")
        .arg("-g")
        .arg(&graph)
        .arg(queries.join("most_attacked.cypher"))
        .args(["--format", "csv"])
        .output()
        .unwrap();
    let rows = stdout(&o).lines().count().saturating_sub(1);
    assert!(rows >= 3, "the example texts report attacks on several targets: {}", stdout(&o));
    assert!(dir.path().join("sahel-attacks.dot").exists());
}

#[test]
fn crlf_and_bom_scripts_report_the_same_place() {
    let dir = util::tempdir("run-crlf");
    let graph = sahel_graph(dir.path());
    let script = write(
        dir.path(),
        "crlf.cypher",
        "\u{feff}RETURN 1 AS one;\r\n// Arabic before the error\r\nRETURN 'مالي' AS m, nope;\r\n",
    );
    let o = run(&graph, &script, &[]);
    assert_error(&o, 1, &format!("{}:3:21: ", script.display()));
    assert!(stdout(&o).contains("| one |"), "the first statement ran: {}", stdout(&o));
}

/// Issue 13 item 5: TSV and psql-style vertical output; pipes get whole values.
#[test]
fn query_prints_tsv_and_vertical_records() {
    let dir = util::tempdir("tsv-vertical");
    let graph = dir.path().join("g.kg");
    let long = "y".repeat(3000);
    let q = format!("RETURN 'a\tb' AS s, '{long}' AS long, 2 AS n");
    let o = kg().args(["query", "--format", "tsv", "-g"]).arg(&graph).arg(&q).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("s\tlong\tn\na\\tb\t{long}\t2\n"));
    let o = kg().args(["query", "--format", "vertical", "-g"]).arg(&graph).arg(&q).output().unwrap();
    let text = stdout(&o);
    assert!(text.starts_with("-[ RECORD 1 ]"), "{text}");
    assert!(text.contains("\nn    | 2\n") && text.contains(&long), "not a terminal: values are whole: {text}");
    assert!(!graph.exists());
}

/// Issue 13 item 8: `--echo` prints each statement before its result; CSV result sets with
/// different headers are told apart.
#[test]
fn run_echo_and_separated_csv_result_sets() {
    let dir = util::tempdir("run-echo");
    let graph = dir.path().join("g.kg");
    let script = util::write(dir.path(), "s.cypher", "RETURN 1 AS a;\nCREATE (:T);\nRETURN 2 AS b, 3 AS c;\n");
    let o = kg().args(["run", "--echo", "-g"]).arg(&graph).arg(&script).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let first = text.find("RETURN 1 AS a;").expect("echoed");
    let second = text.find("RETURN 2 AS b, 3 AS c;").expect("echoed");
    assert!(first < text.find("| a |").unwrap() && second < text.find("| b | c |").unwrap(), "{text}");
    let o = kg().args(["run", "--format", "csv", "-g"]).arg(&graph).arg(&script).output().unwrap();
    assert_eq!(stdout(&o), "a\n1\n\n# statement 3\nb,c\n2,3\n");
}

/// Issue 13 item 10: the help of `kg run` and `kg query` says what the JSON output is, and points
/// at a file the repository has, not at "DESIGN.md's JSON contract".
#[test]
fn help_describes_json_output_without_files_outside_the_repository() {
    let readme = std::fs::read_to_string(util::repo_root().join("README.md")).expect("README.md");
    for command in ["run", "query"] {
        let o = util::run_kg(&[command, "--help"]);
        assert_eq!(o.status.code(), Some(0));
        let help = stdout(&o);
        assert!(!help.contains("DESIGN.md"), "kg {command} --help: {help}");
        assert!(help.contains(r#"{"columns": [...], "rows": [[...], ...]}"#), "kg {command} --help: {help}");
        assert!(help.contains("the README's \"Output formats\"") && readme.contains("## Output formats"), "{help}");
    }
}
