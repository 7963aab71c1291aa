//! Error golden files: each `tests/fixtures/parse-errors/NAME.cypher` must fail to parse, and
//! its rendered error must equal `NAME.expected` byte for byte. `NAME.crlf.cypher` is the same
//! query with CRLF line breaks and shares `NAME.expected` (lines and columns must not change).
//! Arabic cases pin columns counted in characters. Run with `KG_BLESS=1` to (re)write the
//! expectations, then review them like code.

use std::fs;
use std::path::PathBuf;

use kgraph::query::parse_query;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parse-errors")
}

#[test]
fn parse_errors_match_golden_files() {
    let bless = std::env::var_os("KG_BLESS").is_some();
    let mut inputs: Vec<PathBuf> = fs::read_dir(fixture_dir())
        .expect("read fixture dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cypher"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 20, "expected the golden fixtures, found {}", inputs.len());
    let mut failures = Vec::new();
    for input in &inputs {
        let text = fs::read_to_string(input).expect("read fixture");
        let stem = input.file_stem().and_then(|s| s.to_str()).expect("utf-8 name");
        let base = stem.strip_suffix(".crlf").unwrap_or(stem);
        if base != stem {
            assert!(text.contains("\r\n"), "{stem}: a .crlf fixture must contain CRLF line breaks");
        }
        let expected_path = fixture_dir().join(format!("{base}.expected"));
        let rendered = match parse_query(&text) {
            Ok(q) => {
                failures.push(format!("{stem}: parsed but must fail: {q}"));
                continue;
            }
            Err(e) => e.render("<query>", &text),
        };
        if bless && base == stem {
            fs::write(&expected_path, format!("{rendered}\n")).expect("write expectation");
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if expected.trim_end_matches('\n') != rendered {
            failures.push(format!("{stem}:\n--- expected\n{expected}\n--- got\n{rendered}\n"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden errors differ:\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n")
    );
}

#[test]
fn first_line_names_kind_detail_and_position() {
    let q = "MATCH (n)\nRETURN 0x";
    let e = parse_query(q).unwrap_err();
    let first = e.render("<query>", q).lines().next().unwrap_or_default().to_string();
    assert_eq!(first, "<query>:2:8: SyntaxError (InvalidNumberLiteral): expected a number literal, found '0x'");
}
