//! Integration tests: the `kg import`, `kg stats` and `kg gen` command lines, their output, and
//! each error path with its exit code (0 ok, 1 user error, 2 bad arguments) and a first stderr
//! line that stands on its own.

use std::fs;

use kgraph::store;
use kgraph::Value;

use crate::util::{self, assert_error, run_kg, stderr, stdout};

fn s(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

// ----- import ------------------------------------------------------------------------------

#[test]
fn import_example_triples_then_stats() {
    let dir = util::tempdir("import-example");
    let graph = dir.path().join("example.kg");
    let triples = util::repo_root().join("graphs/example_triples.tsv");
    let out = run_kg(&["import", s(&triples), "-g", s(&graph)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("imported 25 triples"), "{}", stdout(&out));
    let g = store::load(&graph).unwrap();
    let jnim = g.nodes_by_name("JNIM")[0];
    let army = g.nodes_by_name("Malian army")[0];
    assert!(g.has_label(army, "Force"));
    let attacked = g.find_relationship(jnim, army, "ATTACKED", false).expect("JNIM attacked the army");
    assert_eq!(g.rel_property(attacked, "mentions"), Some(&Value::Int(2)));
    let (mali, russia) = (g.nodes_by_name("Mali")[0], g.nodes_by_name("Russia")[0]);
    let ally = g.find_relationship(mali, russia, "ALLIED_WITH", true).expect("alliance");
    assert_eq!(
        g.rel_property(ally, "mentions"),
        Some(&Value::Int(2)),
        "symmetric: one relationship for both directions"
    );

    let out = run_kg(&["stats", "-g", s(&graph)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains(&format!("nodes           {}", g.node_count())), "{text}");
    assert!(text.contains(&format!("relationships   {}", g.relationship_count())), "{text}");
    assert!(text.contains(&format!("format version  {}", kgraph::store::FORMAT_VERSION)), "{text}");
    assert!(text.contains(&format!("file size       {} bytes", fs::metadata(&graph).unwrap().len())), "{text}");
    assert!(text.contains("  ArmedGroup  6"), "{text}");
    assert!(text.contains("property keys   doc, mentions, name, sources, year"), "{text}");
}

#[test]
fn import_twice_adds_mentions() {
    let dir = util::tempdir("import-twice");
    let graph = dir.path().join("g.kg");
    let t = util::write(dir.path(), "t.tsv", "subject\trelation\tobject\nJNIM\tCONTROLS\tMopti\n");
    for _ in 0..3 {
        assert!(run_kg(&["import", s(&t), "-g", s(&graph)]).status.success());
    }
    let g = store::load(&graph).unwrap();
    assert_eq!((g.node_count(), g.relationship_count()), (2, 1));
    let r = g.relationship_ids().next().unwrap();
    assert_eq!(g.rel_property(r, "mentions"), Some(&Value::Int(3)));
}

#[test]
fn import_jsonl_detected_by_content() {
    let dir = util::tempdir("import-jsonl");
    let graph = dir.path().join("g.kg");
    let t = util::write(
        dir.path(),
        "triples.txt",
        concat!(
            r#"{"subject":"Islamic State Sahel","relation":"ATTACKED","object":"Menaka","subject_label":"ArmedGroup","object_label":"Place","properties":{"year":2022,"weight":0.5}}"#,
            "\n",
            r#"{"subject":"Menaka","relation":"TRUCE_BETWEEN","object":"Gao"}"#,
            "\n"
        ),
    );
    let out = run_kg(&["import", s(&t), "-g", s(&graph)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let g = store::load(&graph).unwrap();
    let r = g.relationships_with_type("ATTACKED").next().unwrap();
    assert_eq!(g.rel_property(r, "year"), Some(&Value::Int(2022)));
    assert_eq!(g.rel_property(r, "weight"), Some(&Value::Float(0.5)));
    assert!(g.has_label(g.nodes_by_name("Menaka")[0], "Place"));
}

#[test]
fn import_bad_line_saves_nothing() {
    let dir = util::tempdir("import-bad");
    let graph = dir.path().join("g.kg");
    let t = util::write(dir.path(), "t.tsv", "subject\trelation\tobject\nA\tATTACKED\tB\nA\tATTACKED\n\nC\tX Y\tD\n");
    let out = run_kg(&["import", s(&t), "-g", s(&graph)]);
    assert_error(&out, 1, &format!("{}:3: expected 3 tab-separated fields", s(&t)));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:5: relation 'X Y' must be one word", s(&t))), "{err}");
    assert!(err.contains("2 bad line(s); nothing was imported"), "{err}");
    assert!(!graph.exists(), "nothing saved");

    let out = run_kg(&["import", s(&t), "-g", s(&graph), "--skip-bad"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).lines().next().unwrap().ends_with("(skipped)"), "{}", stderr(&out));
    assert!(stdout(&out).contains("2 bad lines skipped"), "{}", stdout(&out));
    assert_eq!(store::load(&graph).unwrap().relationship_count(), 1);
}

#[test]
fn import_bad_jsonl_points_at_line_and_column() {
    let dir = util::tempdir("import-bad-json");
    let graph = dir.path().join("g.kg");
    let t = util::write(
        dir.path(),
        "t.jsonl",
        "{\"subject\":\"A\",\"relation\":\"X\",\"object\":\"B\"}\n{\"subject\": 5}\n{nope\n",
    );
    let out = run_kg(&["import", s(&t), "-g", s(&graph)]);
    assert_error(&out, 1, &format!("{}:2: \"subject\" must be a string", s(&t)));
    assert!(stderr(&out).contains(&format!("{}:3:2: invalid JSON", s(&t))), "{}", stderr(&out));
}

#[test]
fn import_header_and_file_errors() {
    let dir = util::tempdir("import-header");
    let graph = dir.path().join("g.kg");
    let t = util::write(dir.path(), "t.tsv", "from\tto\nA\tB\n");
    let out = run_kg(&["import", s(&t), "-g", s(&graph)]);
    assert_error(&out, 1, &format!("{}:1: the header must name", s(&t)));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));

    let missing = dir.path().join("missing.tsv");
    assert_error(&run_kg(&["import", s(&missing), "-g", s(&graph)]), 1, s(&missing));

    let not_a_graph = util::write(dir.path(), "notes.kg", "some notes\n");
    let ok = util::write(dir.path(), "ok.tsv", "subject\trelation\tobject\nA\tX\tB\n");
    assert_error(&run_kg(&["import", s(&ok), "-g", s(&not_a_graph)]), 1, "not a kgraph graph file");
    assert_eq!(fs::read_to_string(&not_a_graph).unwrap(), "some notes\n", "a non-graph file is never overwritten");
}

#[test]
fn import_bad_arguments_exit_2() {
    assert_error(&run_kg(&["import"]), 2, "error");
    assert_error(&run_kg(&["import", "x.tsv"]), 2, "error");
    assert_error(&run_kg(&["import", "x.tsv", "-g", "g.kg", "--skip-bda"]), 2, "error");
}

// ----- stats -------------------------------------------------------------------------------

#[test]
fn stats_errors_for_missing_and_damaged_files() {
    let dir = util::tempdir("stats-errors");
    let missing = dir.path().join("none.kg");
    assert_error(&run_kg(&["stats", "-g", s(&missing)]), 1, "graph file not found");

    let text = util::write(dir.path(), "text.kg", "hello\n");
    assert_error(&run_kg(&["stats", "-g", s(&text)]), 1, "not a kgraph graph file");

    let graph = dir.path().join("g.kg");
    assert!(run_kg(&["gen", "--nodes", "50", "--rels", "200", "-g", s(&graph)]).status.success());
    let bytes = fs::read(&graph).unwrap();

    let cut = dir.path().join("cut.kg");
    fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    let expected = format!("truncated graph file: expected {} bytes, found {}", bytes.len(), bytes.len() - 10);
    assert_error(&run_kg(&["stats", "-g", s(&cut)]), 1, &expected);

    let flipped = dir.path().join("flipped.kg");
    let mut f = bytes.clone();
    f[bytes.len() / 2] ^= 0x20;
    fs::write(&flipped, &f).unwrap();
    assert_error(&run_kg(&["stats", "-g", s(&flipped)]), 1, "checksum mismatch");

    let newer = dir.path().join("newer.kg");
    let mut n = bytes.clone();
    let next = kgraph::store::FORMAT_VERSION + 1;
    n[8..12].copy_from_slice(&next.to_le_bytes());
    fs::write(&newer, &n).unwrap();
    assert_error(
        &run_kg(&["stats", "-g", s(&newer)]),
        1,
        &format!("format version {next} is newer than this kg supports"),
    );

    assert_error(&run_kg(&["stats"]), 2, "error");
}

// ----- gen ---------------------------------------------------------------------------------

#[test]
fn gen_is_deterministic_per_seed() {
    let dir = util::tempdir("gen-seed");
    let paths: Vec<_> = ["a.kg", "b.kg", "c.kg"].iter().map(|n| dir.path().join(n)).collect();
    for (p, seed) in paths.iter().zip(["7", "7", "8"]) {
        let out = run_kg(&["gen", "--nodes", "300", "--rels", "1500", "--seed", seed, "-g", s(p)]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).starts_with("generated 300 nodes and 1500 relationships"), "{}", stdout(&out));
    }
    let bytes: Vec<Vec<u8>> = paths.iter().map(|p| fs::read(p).unwrap()).collect();
    assert_eq!(bytes[0], bytes[1], "same seed, same file");
    assert_ne!(bytes[0], bytes[2], "another seed, another graph");
    let out = run_kg(&["stats", "-g", s(&paths[0])]);
    let text = stdout(&out);
    for label in ["ArmedGroup", "State", "Force", "Person", "Place", "Organization"] {
        assert!(text.contains(&format!("  {label}")), "{label} missing: {text}");
    }
    for t in ["ATTACKED", "CONTROLS", "ALLIED_WITH", "TRUCE_BETWEEN"] {
        assert!(text.contains(&format!("  {t}")), "{t} missing: {text}");
    }
    assert!(text.contains("property keys   mentions, name, weight, year"), "{text}");
}

#[test]
fn gen_replaces_an_existing_graph() {
    let dir = util::tempdir("gen-replace");
    let graph = dir.path().join("g.kg");
    assert!(run_kg(&["gen", "--nodes", "100", "--rels", "10", "-g", s(&graph)]).status.success());
    assert!(run_kg(&["gen", "--nodes", "20", "--rels", "5", "-g", s(&graph)]).status.success());
    let g = store::load(&graph).unwrap();
    assert_eq!((g.node_count(), g.relationship_count()), (20, 5));
    assert!(!dir.path().join("g.kg.tmp").exists());
}

#[test]
fn gen_argument_errors() {
    let dir = util::tempdir("gen-errors");
    let graph = dir.path().join("g.kg");
    assert_error(&run_kg(&["gen", "--nodes", "ten", "--rels", "5", "-g", s(&graph)]), 2, "invalid value 'ten'");
    assert_error(&run_kg(&["gen", "--nodes", "10", "-g", s(&graph)]), 2, "error");
    assert_error(&run_kg(&["gen", "--nodes", "0", "--rels", "5", "-g", s(&graph)]), 2, "--rels needs nodes");
    assert_error(
        &run_kg(&["gen", "--nodes", "5000000000", "--rels", "5", "-g", s(&graph)]),
        2,
        "--nodes 5000000000 is too large",
    );
    let notes = util::write(dir.path(), "notes.md", "# my notes\n");
    assert_error(&run_kg(&["gen", "--nodes", "5", "--rels", "5", "-g", s(&notes)]), 1, "refusing to overwrite it");
    assert_eq!(fs::read_to_string(&notes).unwrap(), "# my notes\n");
    assert_error(&run_kg(&["gen", "--nodes", "5", "--rels", "5", "-g", s(dir.path())]), 1, "is a directory");
    let nowhere = dir.path().join("no/such/dir/g.kg");
    assert_error(&run_kg(&["gen", "--nodes", "5", "--rels", "5", "-g", s(&nowhere)]), 1, "does not exist");
    assert!(!graph.exists());
}

#[test]
fn import_lists_bad_lines_up_to_a_cap_unless_skipping() {
    let dir = util::tempdir("import-many-bad");
    let graph = dir.path().join("g.kg");
    let mut text = String::from("subject\trelation\tobject\nA\tX\tB\n");
    for _ in 0..60 {
        text.push_str("only one field\n");
    }
    let t = util::write(dir.path(), "t.tsv", &text);
    let out = run_kg(&["import", s(&t), "-g", s(&graph)]);
    assert_error(&out, 1, &format!("{}:3:", s(&t)));
    let err = stderr(&out);
    assert_eq!(err.lines().filter(|l| l.contains("expected 3 tab-separated fields")).count(), 50, "{err}");
    assert!(err.contains("and 10 more bad lines"), "{err}");
    let out = run_kg(&["import", s(&t), "-g", s(&graph), "--skip-bad"]);
    assert!(out.status.success());
    assert_eq!(stderr(&out).lines().filter(|l| l.ends_with("(skipped)")).count(), 60);
}

/// Issue 11: temporals go in as `--param` literals, are saved in the graph file, and come out
/// of `--format json` as the contract's ISO 8601 strings.
#[test]
fn temporal_params_persist_and_render_as_iso_strings() {
    let dir = util::tempdir("cli-temporal");
    let graph = dir.path().join("t.kg");
    let g = s(&graph);
    let o = util::run_kg(&["gen", "--nodes", "1", "--rels", "0", "-g", g]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", util::stderr(&o));
    let o = util::run_kg(&[
        "query",
        "-g",
        g,
        "CREATE (:Event {name: 'Kidal taken', day: $day, at: $at, lasted: $lasted})",
        "--param",
        "day=date('2023-11-14')",
        "--param",
        "at=datetime('2023-11-14T05:00+01:00')",
        "--param",
        "lasted=duration({days: 3, hours: 4})",
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", util::stderr(&o));
    let o = util::run_kg(&[
        "query",
        "-g",
        g,
        "MATCH (e:Event) RETURN e.day AS day, e.at AS at, e.lasted AS lasted, time('12:31:14+01:00') AS t, e.day.year AS y",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", util::stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&util::stdout(&o)).expect("one JSON document");
    assert_eq!(
        json["rows"][0],
        serde_json::json!(["2023-11-14", "2023-11-14T05:00+01:00", "P3DT4H", "12:31:14+01:00", 2023])
    );
    let o = util::run_kg(&["query", "-g", g, "RETURN $d", "--param", "d=date('2023-02-30')"]);
    util::assert_error(&o, 2, "invalid date");
}
