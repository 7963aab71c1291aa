//! Integration tests: shell — the real `kg shell` driven in a pseudo-terminal the way a person
//! uses it (multi-line statements, Tab completion of entity names incl. Arabic, Ctrl-C mid-line,
//! meta-commands, leaving with Ctrl-D or `:quit`, history written to the XDG data directory),
//! and its non-interactive mode reading stdin.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use expectrl::{Eof, Regex, Session, WaitStatus};

use crate::run::sahel_graph;
use crate::util::{self, stderr, stdout};

/// `kg shell` in a pseudo-terminal with a private HOME and XDG data directory, no colours.
fn spawn_shell(home: &Path, args: &[&str]) -> Session {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kg"));
    cmd.arg("shell")
        .args(args)
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("KG_HISTORY")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = Session::spawn(cmd).expect("spawn kg shell in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p
}

/// Waits for `needle`, failing with what the terminal showed instead.
fn expect(p: &mut Session, needle: &str) {
    if let Err(e) = p.expect(needle) {
        let mut rest = vec![0u8; 8192];
        let n = p.try_read(&mut rest).unwrap_or(0);
        panic!("waiting for {needle:?}: {e}; terminal showed afterwards: {:?}", String::from_utf8_lossy(&rest[..n]));
    }
}

fn expect_regex(p: &mut Session, re: &str) {
    if let Err(e) = p.expect(Regex(re)) {
        let mut rest = vec![0u8; 8192];
        let n = p.try_read(&mut rest).unwrap_or(0);
        panic!("waiting for /{re}/: {e}; terminal showed afterwards: {:?}", String::from_utf8_lossy(&rest[..n]));
    }
}

fn expect_exit(p: &mut Session) {
    p.expect(Eof).expect("kg shell ends");
    let status = p.get_process().wait().expect("wait for kg shell");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "exit status {status:?}");
}

fn history(home: &Path) -> String {
    std::fs::read_to_string(home.join("data/kgraph/history")).expect("history file in $XDG_DATA_HOME/kgraph")
}

#[test]
fn meta_commands_completion_ctrl_c_and_history() {
    let dir = util::tempdir("shell-meta");
    let mut p = spawn_shell(dir.path(), &[]);
    expect(&mut p, "in-memory graph");
    expect(&mut p, "kg> ");
    // Tab completes the meta-command name.
    p.send(":sch\t\r").unwrap();
    expect(&mut p, "| kind | name | count |");
    expect(&mut p, "0 rows");
    p.send(":fromat csv\r").unwrap();
    expect(&mut p, "did you mean ':format'?");
    // Ctrl-C throws the half-typed line away (an open string would otherwise swallow ':stats').
    p.send("RETURN 'half a line").unwrap();
    expect(&mut p, "half a line");
    p.send("\x03").unwrap();
    expect(&mut p, "kg> ");
    p.send(":stats\r").unwrap();
    expect(&mut p, "'(in memory)'");
    p.send(":help export\r").unwrap();
    expect(&mut p, ":export dot|cypher|graphml|jsonl|csv PATH [--render svg|png]");
    // Ctrl-D leaves (nothing unsaved).
    p.send("\x04").unwrap();
    expect_exit(&mut p);
    let h = history(dir.path());
    assert!(h.contains(":schema") && h.contains(":stats"), "history: {h}");
    assert!(!h.contains("half a line"), "a cancelled line is not history: {h}");
}

#[test]
fn multiline_query_entity_completion_and_autosave() {
    let dir = util::tempdir("shell-query");
    let graph = sahel_graph(dir.path());
    let mut p = spawn_shell(dir.path(), &["-g", graph.to_str().unwrap()]);
    expect(&mut p, "17 nodes");
    expect(&mut p, "kg> ");
    // A statement over three lines runs at its ';'.
    p.send("MATCH (g:ArmedGroup)\r").unwrap();
    expect(&mut p, "..> ");
    p.send("WHERE g.name STARTS WITH 'Islamic'\r").unwrap();
    p.send("RETURN g.name AS name;\r").unwrap();
    expect_regex(&mut p, r"\| 'Islamic State Sahel' +\|");
    expect(&mut p, "1 row");
    // Tab completes an entity name inside a string, quoted.
    p.send("MATCH (t {name: 'Malian a").unwrap();
    p.send("\t").unwrap();
    expect(&mut p, "army'");
    p.send("}) RETURN t.name AS completed;\r").unwrap();
    expect_regex(&mut p, r"\| 'Malian army' +\|");
    // ... and Arabic names too.
    p.send("MATCH (t {name_ar: 'الجيش").unwrap();
    p.send("\t").unwrap();
    p.send("}) RETURN t.name AS by_arabic;\r").unwrap();
    expect(&mut p, "by_arabic");
    expect_regex(&mut p, r"\| 'Malian army' +\|");
    // Issue 13 item 3: in `{name: '`, an Arabic name completes to the canonical name that
    // `name` holds, so the query finds the node.
    p.send("MATCH (t {name: 'الجيش").unwrap();
    p.send("\t").unwrap();
    expect(&mut p, "Malian army'");
    p.send("}) RETURN t.name AS by_alias;\r").unwrap();
    expect(&mut p, "by_alias");
    expect_regex(&mut p, r"\| 'Malian army' +\|");
    // A write is saved when it returns (autocommit).
    p.send("CREATE (:Place {name: 'Ansongo'});\r").unwrap();
    expect(&mut p, "created 1 node");
    p.send(":quit\r").unwrap();
    expect_exit(&mut p);
    let g = kgraph::store::load(&graph).unwrap();
    assert_eq!(g.nodes_by_name("Ansongo").len(), 1);
    let h = history(dir.path());
    assert!(h.contains("WHERE g.name STARTS WITH 'Islamic'"), "history: {h}");
}

/// Issue 13 item 7: while a statement is open each line gets the continuation prompt; Ctrl-C
/// drops the whole open statement, Ctrl-D in its middle drops it with a word and stays, and a
/// pasted script runs statement by statement.
#[test]
fn continuation_prompt_ctrl_c_ctrl_d_and_pasted_scripts() {
    let dir = util::tempdir("shell-continuation");
    let mut p = spawn_shell(dir.path(), &[]);
    expect(&mut p, "Statements end with ';'");
    expect(&mut p, "kg> ");
    p.send("RETURN 'two\r").unwrap();
    expect(&mut p, "..> ");
    // Completion still knows the string was opened on the line before.
    p.send("lines' AS\r").unwrap();
    expect(&mut p, "..> ");
    p.send("  s;\r").unwrap();
    expect_regex(&mut p, r"\| 'two\\nlines' +\|");
    expect(&mut p, "kg> ");
    p.send("MATCH (n)\r").unwrap();
    expect(&mut p, "..> ");
    p.send("\x03").unwrap();
    expect(&mut p, "kg> ");
    p.send("RETURN 'after ctrl-c' AS s;\r").unwrap();
    expect_regex(&mut p, r"\| 'after ctrl-c' +\|");
    p.send("MATCH (n)\r").unwrap();
    expect(&mut p, "..> ");
    p.send("\x04").unwrap();
    expect(&mut p, "the unfinished statement was discarded");
    expect(&mut p, "kg> ");
    // A bracketed paste of four statements, one wrong, the last one left open: the others run.
    p.send("\x1b[200~RETURN 1 AS one;\nRETURN nope;\nRETURN 2\n  AS two; RETURN 3\x1b[201~\r").unwrap();
    expect_regex(&mut p, r"\| one +\|");
    expect(&mut p, "<shell>:2:8: SyntaxError (UndefinedVariable)");
    expect_regex(&mut p, r"\| two +\|");
    expect(&mut p, "..> ");
    p.send("AS three;\r").unwrap();
    expect_regex(&mut p, r"\| three +\|");
    expect(&mut p, "kg> ");
    p.send("\x04").unwrap();
    expect_exit(&mut p);
    let h = history(dir.path());
    assert!(!h.contains("MATCH (n)"), "a dropped statement is not history: {h}");
    assert!(h.contains("AS three;"), "history: {h}");
}

/// Issue 13 item 4, the newcomer's slips: a new graph file is said to be new, `help` and `quit`
/// typed without the colon work, a misspelled keyword, label, type or meta-command gets the name
/// meant.
#[test]
fn a_newcomers_slips_get_the_name_meant() {
    let dir = util::tempdir("shell-newcomer");
    let mut p = spawn_shell(dir.path(), &["-g", "typo.kg"]);
    expect(&mut p, "typo.kg (a new, empty graph: the file is created by the first statement that writes)");
    expect(&mut p, "kg> ");
    p.send("help\r").unwrap();
    expect(&mut p, ":help [COMMAND|functions]");
    expect(&mut p, "kg> ");
    p.send("CREATE (:ArmedGroup {name: 'JNIM'})-[:ATTACKED]->(:Force {name: 'Malian army'});\r").unwrap();
    expect(&mut p, "created 2 nodes");
    p.send("MACTH (n) RETURN n;\r").unwrap();
    expect(&mut p, "did you mean MATCH?");
    p.send("MATCH (g:ArmedGruop)-[:ATTACK]->(f) RETURN f.nmae;\r").unwrap();
    expect(&mut p, "0 rows");
    expect(&mut p, "warning: no node has the label 'ArmedGruop' (did you mean 'ArmedGroup'?)");
    expect(&mut p, "warning: no relationship has the type 'ATTACK' (did you mean 'ATTACKED'?)");
    expect(&mut p, "warning: no node or relationship has the property 'nmae' (did you mean 'name'?)");
    p.send(":sorce x.cypher\r").unwrap();
    expect(&mut p, "did you mean ':source'?");
    p.send("quit\r").unwrap();
    expect_exit(&mut p);
    assert!(dir.path().join("typo.kg").is_file(), "the CREATE wrote the new graph");
}

#[test]
fn ctrl_c_cancels_a_running_query_and_stays_in_the_shell() {
    let dir = util::tempdir("shell-cancel");
    let mut p = spawn_shell(dir.path(), &[]);
    expect(&mut p, "kg> ");
    // About 10^12 rows: this runs until cancelled.
    p.send("UNWIND range(1,999999) AS x UNWIND range(1,999999) AS y RETURN count(*);\r").unwrap();
    // After a second the elapsed time shows on stderr (issue 13 item 6).
    expect_regex(&mut p, r"running 1\.\d s \(Ctrl-C cancels\)");
    p.send("\x03").unwrap();
    expect(&mut p, "Cancelled");
    expect(&mut p, "kg> ");
    p.send("RETURN 'still here' AS s;\r").unwrap();
    expect_regex(&mut p, r"\| 'still here' +\|");
    expect(&mut p, "kg> ");
    p.send("\x04").unwrap();
    expect_exit(&mut p);
}

#[test]
fn leaving_with_unsaved_changes_asks_first() {
    let dir = util::tempdir("shell-unsaved");
    let mut p = spawn_shell(dir.path(), &[]);
    expect(&mut p, "kg> ");
    p.send("CREATE (:Place {name: 'Gao'});\r").unwrap();
    expect(&mut p, "created 1 node");
    expect(&mut p, "kg> ");
    p.send("\x04").unwrap();
    expect(&mut p, "discard them? [y/N]");
    p.send("n\r").unwrap();
    expect(&mut p, "kg> ");
    p.send(":save saved.kg\r").unwrap();
    expect(&mut p, "saved saved.kg");
    expect(&mut p, "kg> ");
    p.send("\x04").unwrap();
    expect_exit(&mut p);
    let g = kgraph::store::load(&dir.path().join("saved.kg")).unwrap();
    assert_eq!(g.nodes_by_name("Gao").len(), 1);
}

/// `kg query` at a terminal warns about an unknown label as the shell does.
#[test]
fn query_at_a_terminal_warns_about_unknown_names() {
    let dir = util::tempdir("query-unknown-names");
    let graph = sahel_graph(dir.path());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kg"));
    cmd.args(["query", "-g", graph.to_str().unwrap(), "MATCH (g:ArmedGruop) RETURN g"]).env("TERM", "xterm");
    let mut p = Session::spawn(cmd).expect("spawn kg query in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    expect(&mut p, "0 rows");
    expect(&mut p, "warning: no node has the label 'ArmedGruop' (did you mean 'ArmedGroup'?)");
    expect_exit(&mut p);
}

#[test]
fn shell_help_says_how_input_is_read() {
    let o = util::run_kg(&["shell", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let help = stdout(&o);
    for needle in ["ends with ';'", "`..>`", ":help", "Ctrl-D leaves", "not a terminal"] {
        assert!(help.contains(needle), "kg shell --help lacks {needle:?}: {help}");
    }
}

fn piped(graph: &Path, input: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kg"))
        .current_dir(graph.parent().unwrap())
        .arg("shell")
        .arg("-g")
        .arg(graph)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn piped_stdin_prints_only_results() {
    let dir = util::tempdir("shell-piped");
    let graph = sahel_graph(dir.path());
    let o = piped(&graph, ":format csv\n:schema\n:export dot whole.dot\n:export graphml whole.graphml\n");
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(stderr(&o), "", "no greeting or notices");
    let out = stdout(&o);
    assert!(out.starts_with("kind,name,count,types\nlabel,ArmedGroup,6,\nlabel,Force,3,\n"), "{out}");
    assert!(out.contains("relationship type,ATTACKED,6,\n"), "{out}");
    assert!(out.contains("property key,mentions,17,INTEGER\n"), "{out}");
    let dot = std::fs::read_to_string(dir.path().join("whole.dot")).expect(":export dot wrote the file");
    assert!(dot.contains("digraph") && dot.contains("Islamic State Sahel"), "{dot}");
    assert!(std::fs::read_to_string(dir.path().join("whole.graphml")).unwrap().contains("<graphml"));
}

#[test]
fn piped_statements_run_and_errors_set_the_exit_code() {
    let dir = util::tempdir("shell-piped-cypher");
    let graph = sahel_graph(dir.path());
    let o = piped(&graph, ":format csv\nRETURN nope;\nMATCH (p:Place) RETURN p.name AS place ORDER BY place;\n");
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(&o));
    assert!(stderr(&o).starts_with("<stdin>:2:8: "), "{}", stderr(&o));
    assert_eq!(stdout(&o), "place\nKidal\nMenaka\nMopti\n");
}

#[test]
fn build_and_import_merge_into_the_open_graph() {
    let dir = util::tempdir("shell-build");
    let graph = dir.path().join("built.kg");
    util::write(dir.path(), "news.txt", "JNIM fighters attacked the Malian army near Mopti on Tuesday.\n");
    util::write(
        dir.path(),
        "triples.tsv",
        "subject\trelation\tobject\tsubject_label\tobject_label\nWagner Group\tATTACKED\tJNIM\tForce\tArmedGroup\n",
    );
    let o = piped(
        &graph,
        ":build news.txt\n:import triples.tsv\n:format csv\nMATCH (a)-[:ATTACKED]->(b) RETURN a.name AS a, b.name AS b ORDER BY a;\n",
    );
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("built.kg: 1 documents, 1 sentences, entities 3 new"), "{out}");
    assert!(out.contains("imported 1 triples from triples.tsv"), "{out}");
    assert!(out.ends_with("a,b\nJNIM,Malian army\nWagner Group,JNIM\n"), "{out}");
    let g = kgraph::store::load(&graph).expect("piped shell saved the graph at the end");
    assert_eq!(g.nodes_by_name("Wagner Group").len(), 1);
}

/// Issue 13 item 11: `kg build` and the shell's `:build` are one implementation with one option
/// parser. The same inputs (a directory with mixed-case extensions, a symbolic link to a file
/// outside it, a link to nothing, an unreadable file, a binary file) and the same options
/// (`--lexicon` with an entity only it knows, `--date`, `--lang`) give the same graph, the same
/// summary and the same messages.
#[test]
fn kg_build_and_shell_build_give_the_same_graph_and_messages() {
    let dir = util::tempdir("build-both");
    let d = dir.path();
    std::fs::create_dir_all(d.join("news/deeper")).unwrap();
    std::fs::create_dir_all(d.join("elsewhere")).unwrap();
    util::write(d, "news/one.TXT", "JNIM fighters attacked the Malian army near Mopti on Tuesday.\n");
    util::write(d, "news/deeper/two.Md", "The Ansongo Brigade attacked the Malian army near Gao.\n");
    util::write(d, "news/notes.rtf", "Wagner Group forces attacked JNIM near Kidal.\n");
    util::write(d, "elsewhere/three.txt", "Wagner Group forces attacked JNIM near Kidal.\n");
    std::os::unix::fs::symlink(d.join("elsewhere/three.txt"), d.join("news/deeper/linked.txt")).unwrap();
    std::os::unix::fs::symlink("nowhere.txt", d.join("news/dangling.txt")).unwrap();
    std::fs::write(d.join("news/binary.txt"), b"MZ\0\0\x90\0").unwrap();
    let locked = util::write(d, "news/locked.md", "Islamic State Sahel fighters attacked Menaka.\n");
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    // A lexicon that knows one more group than the embedded one.
    std::fs::create_dir_all(d.join("lex")).unwrap();
    for f in ["entities.txt", "triggers.txt", "markers.txt", "dates.txt", "equivalences.txt"] {
        std::fs::copy(util::repo_root().join("lexicon").join(f), d.join("lex").join(f)).unwrap();
    }
    let mut entities = std::fs::read_to_string(d.join("lex/entities.txt")).unwrap();
    entities.push_str("\n@ Ansongo Brigade | ArmedGroup\nen: Ansongo Brigade\n");
    std::fs::write(d.join("lex/entities.txt"), entities).unwrap();
    let options = "news --lexicon lex --date 2024-03-05 --lang en";

    let built =
        util::kg().current_dir(d).arg("build").args(options.split(' ')).args(["-g", "cli.kg"]).output().unwrap();
    let shell = piped(&d.join("shell.kg"), &format!(":build {options}\n"));
    assert_eq!(built.status.code(), Some(1), "a link to nothing fails: {}", stderr(&built));
    assert_eq!(shell.status.code(), Some(1), "{}", stderr(&shell));

    // The messages: the same lines on stderr (the shell adds its count of failed commands),
    // the same summary on stdout (kg build adds the time).
    let messages = stderr(&built).replace("cli.kg", "GRAPH");
    let shell_graph = d.join("shell.kg").display().to_string();
    let shell_messages = stderr(&shell).replace(&shell_graph, "GRAPH");
    assert_eq!(shell_messages.strip_suffix("1 of 1 statements failed\n"), Some(messages.as_str()), "{shell_messages}");
    assert!(messages.contains("error: news/dangling.txt: a symbolic link to nothing (nowhere.txt)"), "{messages}");
    assert!(messages.contains("warning: news/binary.txt: binary file skipped"), "{messages}");
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        assert!(messages.contains("error: news/locked.md: cannot read"), "{messages}");
    }
    let failed = if root { 1 } else { 2 };
    assert!(messages.ends_with(&format!("{failed} input(s) failed; the others were built into GRAPH\n")), "{messages}");
    let summary = stdout(&built);
    let (summary, time) = summary.trim_end().rsplit_once(", ").unwrap();
    assert!(time.ends_with('s'), "{time}");
    assert_eq!(stdout(&shell).trim_end().replace(&shell_graph, "GRAPH"), summary.replace("cli.kg", "GRAPH"));
    let documents = if root { 4 } else { 3 };
    assert!(summary.starts_with(&format!("cli.kg: {documents} documents, 1 binary skipped")), "{summary}");

    // The graphs: every node and every relationship with its properties.
    let dump = |graph: &str| {
        let mut text = String::new();
        for q in [
            "MATCH (n) RETURN n.name AS name, labels(n) AS labels, properties(n) AS props ORDER BY name",
            "MATCH (a)-[r]->(b) RETURN a.name AS a, type(r) AS t, b.name AS b, properties(r) AS props ORDER BY a, t, b",
        ] {
            let o = util::kg().current_dir(d).args(["query", "--format", "csv", "-g", graph, q]).output().unwrap();
            assert!(o.status.success(), "{}", stderr(&o));
            text += &stdout(&o);
        }
        text
    };
    let graph = dump("cli.kg");
    assert_eq!(dump("shell.kg"), graph);
    for needle in [
        "Ansongo Brigade,ATTACKED,Malian army",
        "JNIM,ATTACKED,Malian army",
        "Wagner Group,ATTACKED,JNIM",
        "2024-03-05",
    ] {
        assert!(graph.contains(needle), "{needle:?} missing (mixed-case names, the link, --lexicon, --date): {graph}");
    }

    // Bad options get clap's messages in both.
    let o = util::kg().current_dir(d).args(["build", "news", "--date", "soon", "-g", "cli.kg"]).output().unwrap();
    util::assert_error(&o, 2, "invalid value 'soon' for '--date <DATE>'");
    let o = piped(&d.join("shell.kg"), ":build news --date soon\n");
    assert_eq!(o.status.code(), Some(1), "a failed command in a script: {}", stderr(&o));
    assert!(stderr(&o).starts_with("<stdin>:1:1: invalid value 'soon' for '--date <DATE>'"), "{}", stderr(&o));
    let o = piped(&d.join("shell.kg"), ":build --help\n");
    assert!(stdout(&o).contains("--lexicon <LEXICON>") && stdout(&o).contains("Usage: :build"), "{}", stdout(&o));
}

/// Issue 13 item 11: parameters mean the same in `kg query --param`, `kg shell --param` and
/// the shell's `:param` (one parser, `commands::params`).
#[test]
fn shell_and_query_take_the_same_parameters() {
    let dir = util::tempdir("shell-params");
    let graph = sahel_graph(dir.path());
    let q = "MATCH (p:Place) WHERE p.name IN $places RETURN p.name AS place, $n AS n ORDER BY place";
    let o = util::kg()
        .args(["query", "--format", "csv", "--param", "places=['Mopti', 'Kidal']", "--param", "n=-2.5", "-g"])
        .arg(&graph)
        .arg(q)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = "place,n\nKidal,-2.5\nMopti,-2.5\n";
    assert_eq!(stdout(&o), expected);
    let mut child = Command::new(env!("CARGO_BIN_EXE_kg"))
        .args(["shell", "--format", "csv", "--param", "places=['Mopti', 'Kidal']", "-g"])
        .arg(&graph)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!(":param n -2.5\n{q};\n").as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), expected);
    let o = util::kg().args(["shell", "--param", "n=oops", "-g"]).arg(&graph).stdin(Stdio::null()).output().unwrap();
    util::assert_error(&o, 2, "invalid --param 'n=oops'");
}

/// Issue 13 item 7: `:schema` lists the patterns `(:Label)-[:TYPE]->(:Label)` of the example
/// graph with the counts a query finds for them, besides labels, types and property keys.
#[test]
fn schema_lists_patterns_with_the_counts_queries_find() {
    let dir = util::tempdir("shell-schema-patterns");
    let graph = dir.path().join("sahel.kg");
    let o = util::kg().arg("build").arg(util::repo_root().join("graphs")).arg("-g").arg(&graph).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "kg build graphs/: {}", stderr(&o));
    let o = piped(&graph, ":format tsv\n:schema\n");
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let schema = stdout(&o);
    let rows = |kind: &str| -> Vec<(String, String)> {
        schema
            .lines()
            .filter_map(|l| {
                let cells: Vec<&str> = l.split('\t').collect();
                (cells[0] == kind).then(|| (cells[1].to_string(), cells[2].to_string()))
            })
            .collect()
    };
    for kind in ["label", "relationship type", "property key"] {
        assert!(!rows(kind).is_empty(), "no {kind} rows: {schema}");
    }
    let patterns = rows("pattern");
    let o = util::run_kg(&[
        "query",
        "-g",
        graph.to_str().unwrap(),
        "--format",
        "tsv",
        "MATCH (a)-[r]->(b) UNWIND labels(a) AS la UNWIND labels(b) AS lb \
         RETURN '(:' + la + ')-[:' + type(r) + ']->(:' + lb + ')' AS pattern, count(*) AS n ORDER BY pattern",
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let expected: Vec<(String, String)> = stdout(&o)
        .lines()
        .skip(1)
        .map(|l| {
            let (p, n) = l.split_once('\t').expect("two columns");
            (p.to_string(), n.to_string())
        })
        .collect();
    assert!(expected.iter().any(|(p, _)| p.contains("[:ATTACKED]")), "the example graph has attacks: {expected:?}");
    assert_eq!(patterns, expected, ":schema patterns against the query's counts");
}

/// Issue 13 items 5 and 7, at the terminal: `:param` says what it set, `:memory` and `:timeout`
/// bound the next statements, `:help functions` lists signatures, a misspelled function gets
/// the one meant, `RETURN to` + Tab lists the five functions instead of picking one, a wide
/// value is cut to the terminal's width with a word on how to see it, and psql's `\x` toggles
/// the vertical format, which wraps the value instead.
#[test]
fn shell_settings_functions_and_wide_values_at_the_terminal() {
    let dir = util::tempdir("shell-details");
    let graph = sahel_graph(dir.path());
    let mut p = spawn_shell(dir.path(), &["-g", graph.to_str().unwrap()]);
    p.get_process_mut().set_window_size(80, 24).expect("set the terminal's size");
    expect(&mut p, "kg> ");
    p.send(":param who 'JNIM'\r").unwrap();
    expect(&mut p, "$who = 'JNIM'");
    p.send("MATCH (g {name: $who}) RETURN g.name AS found;\r").unwrap();
    expect_regex(&mut p, r"\| 'JNIM' +\|");
    p.send(":memory 1M\r").unwrap();
    expect(&mut p, "memory: 1M");
    p.send("RETURN size(range(1, 1000000)) AS n;\r").unwrap();
    expect(&mut p, "the query needs more memory than its budget of 1M");
    p.send(":memory none\r").unwrap();
    expect(&mut p, "memory: none");
    p.send(":timeout 300ms\r").unwrap();
    expect(&mut p, "timeout: 300ms");
    p.send("UNWIND range(1, 999999) AS x UNWIND range(1, 999999) AS y RETURN count(*);\r").unwrap();
    expect(&mut p, "the query ran longer than its time limit of 300ms");
    p.send(":help functions\r").unwrap();
    expect(&mut p, "substring(string, start [, length]) :: string");
    expect(&mut p, "kg> ");
    p.send("RETURN lenght([1, 2]);\r").unwrap();
    expect(&mut p, "did you mean length?");
    expect(&mut p, "kg> ");
    p.send("RETURN to\t\t").unwrap();
    expect_regex(&mut p, r"toFloat +toInteger +toLower +toString +toUpper");
    // Nothing was inserted: the line is still `RETURN to`.
    p.send("Upper('a') AS up;\r").unwrap();
    expect_regex(&mut p, r"\| 'A' +\|");
    expect(&mut p, "kg> ");
    let wide = "MATCH p = (a {name: 'JNIM'})-[*2]-() RETURN p LIMIT 1;\r";
    p.send(wide).unwrap();
    expect_regex(&mut p, r"\| <\(:ArmedGroup[^\r\n]{40,}… +\|\r\n");
    expect(&mut p, "values cut to fit the terminal");
    p.send("\\x\r").unwrap();
    expect(&mut p, "format: vertical");
    p.send(wide).unwrap();
    expect(&mut p, "-[ RECORD 1 ]");
    expect_regex(&mut p, r"\r\n  \| [^\r\n]{70,}\r\n");
    expect(&mut p, "1 row");
    p.send("\\x\r").unwrap();
    expect(&mut p, "format: table");
    p.send("\x04").unwrap();
    expect_exit(&mut p);
}
