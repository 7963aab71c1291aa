//! Generalization of the extractor: `kg extract --format tsv` on held-out news articles
//! (tests/fixtures/heldout/*.txt, Arabic and English, written for this test and never used to
//! tune the lexicon or rules) scored against their hand annotations (NAME.expected.tsv).
//!
//! Prints precision, recall and F1 per article, per language (file suffix `_ar` / `_en`) and
//! overall; with `KG_VERBOSE=1` also every missed and spurious triple. Fails when overall
//! precision or recall falls below the floor recorded in tests/fixtures/heldout/FLOOR
//! (`precision 0.NN` and `recall 0.NN` lines), so a change that loses generality shows up.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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

/// Triples of a TSV text whose first three columns are subject, relation, object; blank lines,
/// `#` comments and a `subject\t...` header are skipped.
fn parse_triples(text: &str) -> BTreeSet<Triple> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("subject\t"))
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some(key(f.next()?.trim(), f.next()?.trim(), f.next()?.trim()))
        })
        .collect()
}

/// True positives, extracted and expected counts.
#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    got: usize,
    gold: usize,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.got += o.got;
        self.gold += o.gold;
    }

    fn precision(self) -> f64 {
        if self.got == 0 {
            0.0
        } else {
            self.tp as f64 / self.got as f64
        }
    }

    fn recall(self) -> f64 {
        if self.gold == 0 {
            1.0
        } else {
            self.tp as f64 / self.gold as f64
        }
    }

    fn f1(self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn line(self, name: &str) -> String {
        format!(
            "{name:<28} P {:.3} ({}/{})  R {:.3} ({}/{})  F1 {:.3}",
            self.precision(),
            self.tp,
            self.got,
            self.recall(),
            self.tp,
            self.gold,
            self.f1()
        )
    }
}

/// The floor: `precision X` and `recall Y` lines (`#` comments allowed).
fn read_floor(path: &Path) -> (f64, f64) {
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
    for f in &files {
        let name = f.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let expected_path = f.with_extension("expected.tsv");
        let expected_text = std::fs::read_to_string(&expected_path).unwrap_or_else(|e| {
            panic!("{}: {e} (every held-out article needs its annotation)", expected_path.display())
        });
        let gold = parse_triples(&expected_text);
        assert!(!gold.is_empty(), "{}: no triples", expected_path.display());
        let o = util::run_kg(&["extract", "--format", "tsv", f.to_str().unwrap_or_default()]);
        assert_eq!(o.status.code(), Some(0), "kg extract {}: {}", f.display(), util::stderr(&o));
        let got = parse_triples(&util::stdout(&o));
        let c = Counts { tp: got.intersection(&gold).count(), got: got.len(), gold: gold.len() };
        println!("{}", c.line(&name));
        if verbose {
            for t in gold.difference(&got) {
                println!("    missed   {}\t{}\t{}", t.0, t.1, t.2);
            }
            for t in got.difference(&gold) {
                println!("    spurious {}\t{}\t{}", t.0, t.1, t.2);
            }
        }
        total.add(c);
        if name.ends_with("_ar") {
            ar.add(c);
        } else if name.ends_with("_en") {
            en.add(c);
        }
    }
    println!("{}", ar.line("arabic"));
    println!("{}", en.line("english"));
    println!("{}", total.line("overall"));
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
    let a = parse_triples("subject\trelation\tobject\nMali\tALLIED_WITH\tNiger\nJNIM\tATTACKED\tGao\n");
    let b = parse_triples("Niger\tALLIED_WITH\tMali\t\t\nGao\tATTACKED\tJNIM\n");
    assert_eq!(a.intersection(&b).count(), 1);
    let c = Counts { tp: 3, got: 4, gold: 6 };
    assert!((c.precision() - 0.75).abs() < 1e-9 && (c.recall() - 0.5).abs() < 1e-9 && (c.f1() - 0.6).abs() < 1e-9);
}
