//! Extraction quality and behaviour: the seed article against its gold relations (skipped
//! when ../shared is absent), the project's own example articles in graphs/ against their
//! expected relations, and `kg extract` / `kg build` on good and bad input.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kgraph::extract::{extract_document, Extraction, Lexicon};

use crate::util;

type Triple = (String, String, String);

/// A triple with symmetric relations put in a fixed order.
fn key(s: &str, r: &str, o: &str) -> Triple {
    if matches!(r, "TRUCE_BETWEEN" | "ALLIED_WITH") && o < s {
        (o.to_string(), r.to_string(), s.to_string())
    } else {
        (s.to_string(), r.to_string(), o.to_string())
    }
}

fn extracted(x: &Extraction) -> BTreeSet<Triple> {
    x.relations.iter().map(|r| key(&r.subject, r.relation.as_str(), &r.object)).collect()
}

/// Triples of a gold/expected TSV file (`subject relation object ...`, `#` comments allowed).
fn read_triples(path: &Path) -> BTreeSet<Triple> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("subject\t"))
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some(key(f.next()?.trim(), f.next()?.trim(), f.next()?.trim()))
        })
        .collect()
}

/// Precision and recall, printing misses and false alarms.
fn score(name: &str, got: &BTreeSet<Triple>, gold: &BTreeSet<Triple>) -> (usize, usize, usize) {
    let tp = got.intersection(gold).count();
    for t in got.difference(gold) {
        println!("  {name}: false positive {t:?}");
    }
    for t in gold.difference(got) {
        println!("  {name}: missed {t:?}");
    }
    (tp, got.len(), gold.len())
}

fn pr(tp: usize, got: usize, gold: usize) -> (f64, f64) {
    let p = if got == 0 { 0.0 } else { tp as f64 / got as f64 };
    let r = if gold == 0 { 1.0 } else { tp as f64 / gold as f64 };
    (p, r)
}

fn seed_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("KG_SEED_DIR") {
        let d = PathBuf::from(d);
        return d.is_dir().then_some(d);
    }
    util::shared_dir().map(|s| s.join("seed")).filter(|d| d.is_dir())
}

#[test]
fn seed_article_meets_the_quality_bar() {
    let Some(dir) = seed_dir() else {
        println!("SKIP seed_article_meets_the_quality_bar: no seed directory (../shared/seed or $KG_SEED_DIR)");
        return;
    };
    let text_path = dir.join("sahel_truce_ar.txt");
    let gold_path = dir.join("gold/relations.tsv");
    if !text_path.is_file() || !gold_path.is_file() {
        println!("SKIP seed_article_meets_the_quality_bar: {} or {} missing", text_path.display(), gold_path.display());
        return;
    }
    let text = std::fs::read_to_string(&text_path).unwrap_or_default();
    let lex = Lexicon::embedded();
    let got = extracted(&extract_document(&lex, "sahel_truce_ar.txt", &text));
    let gold = read_triples(&gold_path);
    let (tp, n_got, n_gold) = score("seed", &got, &gold);
    let (p, r) = pr(tp, n_got, n_gold);
    println!("seed: precision {p:.3} ({tp}/{n_got}), recall {r:.3} ({tp}/{n_gold})");
    // Issue 10: the seed stays at P ≥ 0.95, R ≥ 0.90.
    assert!(p >= 0.95 && r >= 0.90, "seed below the bar: P {p:.3} R {r:.3}");
}

#[test]
fn example_articles_match_their_expected_relations() {
    let dir = util::repo_root().join("graphs");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    let lex = Lexicon::embedded();
    let (mut tp, mut n_got, mut n_gold, mut docs) = (0, 0, 0, 0);
    for f in &files {
        let expected = f.with_extension("expected.tsv");
        assert!(expected.is_file(), "{} has no expected relations file {}", f.display(), expected.display());
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let got = extracted(&extract_document(&lex, &name, &text));
        let (t, g, e) = score(&name, &got, &read_triples(&expected));
        let (p, r) = pr(t, g, e);
        println!("{name}: precision {p:.3} ({t}/{g}), recall {r:.3} ({t}/{e})");
        tp += t;
        n_got += g;
        n_gold += e;
        docs += 1;
    }
    assert!(docs >= 4, "expected at least four example articles in graphs/, found {docs}");
    let (p, r) = pr(tp, n_got, n_gold);
    println!("examples: precision {p:.3} ({tp}/{n_got}), recall {r:.3} ({tp}/{n_gold})");
    assert!(p >= 0.85 && r >= 0.75, "examples below the bar: P {p:.3} R {r:.3}");
}

#[test]
fn extract_prints_the_tsv_contract() {
    let dir = util::tempdir("extract_tsv");
    let f = util::write(
        dir.path(),
        "a.txt",
        "Fighters of JNIM\tattacked the town of Boni.\nالجيش المالي يسيطر على مدينة كيدال.",
    );
    let o = util::run_kg(&["extract", f.to_str().unwrap_or_default()]);
    assert_eq!(o.status.code(), Some(0), "{}", util::stderr(&o));
    let out = util::stdout(&o);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("subject\trelation\tobject\tsubject_label\tobject_label\tdoc\tsentence\tevidence\tdate")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 9), "{out}");
    assert!(rows.iter().any(|r| r[0] == "JNIM" && r[1] == "ATTACKED" && r[2] == "Boni" && r[4] == "Place"), "{out}");
    assert!(
        rows.iter().any(|r| r[0] == "Malian army" && r[1] == "CONTROLS" && r[2] == "Kidal" && r[6] == "1"),
        "{out}"
    );
}

#[test]
fn extract_jsonl_has_one_object_per_relation() {
    let dir = util::tempdir("extract_jsonl");
    let f = util::write(dir.path(), "a.txt", "JNIM and the Islamic State Sahel Province agreed a truce.");
    let o = util::run_kg(&["extract", "--format", "jsonl", f.to_str().unwrap_or_default()]);
    assert_eq!(o.status.code(), Some(0), "{}", util::stderr(&o));
    let out = util::stdout(&o);
    let v: Vec<serde_json::Value> = out.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert_eq!(v.len(), out.lines().count());
    assert!(v.iter().any(|r| r["relation"] == "TRUCE_BETWEEN"), "{out}");
}

#[test]
fn extract_reports_a_missing_file_and_carries_on() {
    let dir = util::tempdir("extract_missing");
    let good = util::write(dir.path(), "good.txt", "JNIM attacked Gao.");
    let missing = dir.path().join("nope.txt");
    let o = util::run_kg(&["extract", missing.to_str().unwrap_or_default(), good.to_str().unwrap_or_default()]);
    util::assert_error(&o, 1, "nope.txt: no such file or directory");
    assert!(util::stdout(&o).contains("JNIM\tATTACKED\tGao"), "{}", util::stdout(&o));
}

#[test]
fn extract_decodes_invalid_utf8_with_a_warning() {
    let dir = util::tempdir("extract_utf8");
    let f = dir.path().join("bad.txt");
    let mut bytes = b"JNIM attacked ".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(b" Gao.");
    std::fs::write(&f, bytes).unwrap_or_default();
    let o = util::run_kg(&["extract", f.to_str().unwrap_or_default()]);
    assert_eq!(o.status.code(), Some(0));
    let err = util::stderr(&o);
    assert!(err.contains("bad.txt") && err.contains("byte offset 14"), "{err}");
    assert!(util::stdout(&o).contains("Gao"), "{}", util::stdout(&o));
}

#[test]
fn extract_handles_empty_and_unterminated_files() {
    let dir = util::tempdir("extract_empty");
    let empty = util::write(dir.path(), "empty.txt", "");
    let long = dir.path().join("long.txt");
    let mut text = "JNIM attacked Gao and the Malian army seized Kidal ".repeat(60_000);
    text.push_str("end");
    std::fs::write(&long, text).unwrap_or_default();
    let o = util::run_kg(&["extract", empty.to_str().unwrap_or_default(), long.to_str().unwrap_or_default()]);
    assert_eq!(o.status.code(), Some(0), "{}", util::stderr(&o));
    assert!(util::stderr(&o).contains("empty.txt: empty file"), "{}", util::stderr(&o));
    let out = util::stdout(&o);
    assert!(out.contains("JNIM\tATTACKED\tGao"), "{out}");
    assert!(out.contains("Malian army\tCONTROLS\tKidal"), "{out}");
}

#[test]
fn lexicon_errors_name_file_and_line() {
    let dir = util::tempdir("lexicon_error");
    util::write(dir.path(), "entities.txt", "@ Foo | Place\nen: Foo\nbogus line\n");
    let f = util::write(dir.path(), "a.txt", "Foo.");
    let o = util::run_kg(&[
        "extract",
        "--lexicon",
        dir.path().to_str().unwrap_or_default(),
        f.to_str().unwrap_or_default(),
    ]);
    util::assert_error(&o, 1, "entities.txt:3:");
}

#[test]
fn build_merges_a_directory_and_skips_repeats_and_binaries() {
    let dir = util::tempdir("build_dir");
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(docs.join("sub")).unwrap_or_default();
    util::write(&docs, "a.txt", "JNIM fighters attacked Gao.\nThe Malian army seized Kidal.");
    util::write(&docs.join("sub"), "b.md", "Militants of JNIM attacked Gao again.");
    util::write(&docs, "ignored.csv", "JNIM attacked Menaka.");
    std::fs::write(docs.join("blob.txt"), [0u8, 159, 146, 150, 0, 1]).unwrap_or_default();
    let graph = dir.path().join("g.kg");
    let (d, g) = (docs.to_str().unwrap_or_default(), graph.to_str().unwrap_or_default());
    let o = util::run_kg(&["build", d, "-g", g]);
    assert_eq!(o.status.code(), Some(0), "{}", util::stderr(&o));
    assert!(util::stderr(&o).contains("blob.txt: binary file skipped"), "{}", util::stderr(&o));
    let summary = util::stdout(&o);
    assert!(summary.contains("2 documents") && summary.contains("relations 2 new / 1 merged"), "{summary}");
    let graph_v = kgraph::store::load(&graph).unwrap_or_default();
    let gao = graph_v.nodes_by_name("Gao").first().copied();
    let jnim = graph_v.nodes_by_name("JNIM").first().copied();
    let rel = match (jnim, gao) {
        (Some(a), Some(b)) => graph_v.find_relationship(a, b, "ATTACKED", false),
        _ => None,
    };
    let mentions = rel.and_then(|r| graph_v.rel_property(r, "mentions").cloned());
    assert_eq!(mentions, Some(kgraph::Value::Int(2)));
    let o = util::run_kg(&["build", d, "-g", g]);
    assert_eq!(o.status.code(), Some(0));
    assert!(util::stdout(&o).contains("0 documents (2 already built)"), "{}", util::stdout(&o));
    assert_eq!(kgraph::store::load(&graph).map(|x| x.relationship_count()).unwrap_or(0), graph_v.relationship_count());
}

#[test]
fn build_reports_failures_and_still_saves_the_rest() {
    let dir = util::tempdir("build_fail");
    let good = util::write(dir.path(), "good.txt", "The Islamic State Sahel Province besieged Menaka.");
    let graph = dir.path().join("g.kg");
    let missing = dir.path().join("missing.txt");
    let o = util::run_kg(&[
        "build",
        missing.to_str().unwrap_or_default(),
        good.to_str().unwrap_or_default(),
        "-g",
        graph.to_str().unwrap_or_default(),
    ]);
    util::assert_error(&o, 1, "missing.txt: no such file or directory");
    assert!(util::stdout(&o).contains("1 documents"), "{}", util::stdout(&o));
    let g = kgraph::store::load(&graph).unwrap_or_default();
    assert_eq!(g.rel_type_count("ATTACKED"), 1);
}
