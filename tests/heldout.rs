//! Generalization of the extractor: `kg extract --format tsv` on held-out news articles
//! (tests/fixtures/heldout/*.txt, Arabic and English, written for this test and never used to
//! tune the lexicon or rules) scored against their hand annotations (NAME.expected.tsv).
//!
//! Prints precision, recall and F1 per article, per language (file suffix `_ar` / `_en`) and
//! overall; with `KG_VERBOSE=1` also every missed and spurious triple. Fails when overall
//! precision or recall falls below the floor recorded in tests/fixtures/heldout/FLOOR
//! (`precision 0.NN` and `recall 0.NN` lines), so a change that loses generality shows up.

use std::path::{Path, PathBuf};

use kgraph::eval::{parse_gold, score, Counts, Equivalences, Record};

use crate::util;

/// The relations of a TSV text whose first three columns are subject, relation, object (blank
/// lines, `#` comments and a `subject\t...` header skipped), as records of document `doc`.
fn parse_triples(doc: &str, text: &str) -> Vec<Record> {
    parse_gold(doc, "", text).unwrap_or_else(|(line, m)| panic!("{doc}:{line}: {m}"))
}

fn line(name: &str, c: Counts) -> String {
    format!(
        "{name:<28} P {:.3} ({}/{})  R {:.3} ({}/{})  F1 {:.3}",
        c.precision(),
        c.tp,
        c.tp + c.fp,
        c.recall(),
        c.tp,
        c.tp + c.fn_,
        c.f1()
    )
}

/// The floor: `precision X` and `recall Y` lines (`#` comments allowed).
pub(crate) fn read_floor(path: &Path) -> (f64, f64) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value = |name: &str| {
        text.lines()
            .filter_map(|l| l.strip_prefix(name))
            .find_map(|v| v.trim().parse::<f64>().ok())
            .unwrap_or_else(|| panic!("{}: no `{name} NUMBER` line", path.display()))
    };
    (value("precision"), value("recall"))
}

#[test]
fn heldout_articles_generalize() {
    let dir = util::repo_root().join("tests/fixtures/heldout");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    assert!(files.len() >= 8, "expected at least 8 held-out articles in {}, found {}", dir.display(), files.len());
    let verbose = std::env::var_os("KG_VERBOSE").is_some_and(|v| v != "0" && !v.is_empty());
    let (mut total, mut ar, mut en) = (Counts::default(), Counts::default(), Counts::default());
    let none = Equivalences::default();
    for f in &files {
        let name = f.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let expected_path = f.with_extension("expected.tsv");
        let expected_text = std::fs::read_to_string(&expected_path).unwrap_or_else(|e| {
            panic!("{}: {e} (every held-out article needs its annotation)", expected_path.display())
        });
        let gold = parse_triples(&name, &expected_text);
        assert!(!gold.is_empty(), "{}: no triples", expected_path.display());
        let o = util::run_kg(&["extract", "--format", "tsv", f.to_str().unwrap_or_default()]);
        assert_eq!(o.status.code(), Some(0), "kg extract {}: {}", f.display(), util::stderr(&o));
        let got = parse_triples(&name, &util::stdout(&o));
        let s = score(&gold, &got, &none);
        let c = s.overall;
        println!("{}", line(&name, c));
        if verbose {
            for t in &s.misses {
                println!("    missed   {}\t{}\t{}", t.subject, t.relation, t.object);
            }
            for t in &s.false_positives {
                println!("    spurious {}\t{}\t{}", t.subject, t.relation, t.object);
            }
        }
        total += c;
        if name.ends_with("_ar") {
            ar += c;
        } else if name.ends_with("_en") {
            en += c;
        }
    }
    println!("{}", line("arabic", ar));
    println!("{}", line("english", en));
    println!("{}", line("overall", total));
    let (p_floor, r_floor) = read_floor(&dir.join("FLOOR"));
    assert!(
        total.precision() >= p_floor && total.recall() >= r_floor,
        "held-out quality below the floor: P {:.3} (floor {p_floor}) R {:.3} (floor {r_floor}); \
         run with KG_VERBOSE=1 -- --nocapture to list misses",
        total.precision(),
        total.recall()
    );
}

#[test]
fn floor_file_parses_and_symmetric_triples_are_unordered() {
    let dir = util::tempdir("heldout_floor");
    let f = util::write(dir.path(), "FLOOR", "# comment\nprecision 0.55\nrecall 0.40\n");
    assert_eq!(read_floor(&f), (0.55, 0.40));
    let a = parse_triples("d", "subject\trelation\tobject\nMali\tALLIED_WITH\tNiger\nJNIM\tATTACKED\tGao\n");
    let b = parse_triples("d", "Niger\tALLIED_WITH\tMali\t\t\nGao\tATTACKED\tJNIM\n");
    assert_eq!(score(&a, &b, &Equivalences::default()).overall.tp, 1);
}
