//! Plan golden tests: each `tests/fixtures/plans/NAME.cypher` holds an optional setup statement,
//! a `----` line, and a query; `EXPLAIN query` on the graph the setup built must print exactly
//! `NAME.expected`. Run with `KG_BLESS=1` to (re)write the expected files, then review the diff.

use std::path::Path;

use kgraph::graph::PropertyGraph;
use kgraph::query::{execute, ExecOptions, Params};

fn explain(fixture: &str) -> Result<String, String> {
    let (setup, query) = fixture.split_once("\n----\n").ok_or("missing the `----` line between setup and query")?;
    let setup: String = setup.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let mut g = PropertyGraph::new();
    let opts = ExecOptions::default();
    if !setup.trim().is_empty() {
        execute(&mut g, &setup, &Params::new(), &opts).map_err(|e| format!("setup failed: {e}"))?;
    }
    let r = execute(&mut g, &format!("EXPLAIN {}", query.trim()), &Params::new(), &opts)
        .map_err(|e| format!("EXPLAIN failed: {e}"))?;
    if !r.rows.is_empty() || r.stats.contains_updates() {
        return Err("EXPLAIN must not run the query".into());
    }
    r.plan.ok_or_else(|| "EXPLAIN returned no plan".to_string())
}

#[test]
fn explain_matches_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plans");
    let bless = std::env::var_os("KG_BLESS").is_some();
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/plans exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "cypher"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no plan fixtures found in {}", dir.display());
    let mut failures = Vec::new();
    for input in &inputs {
        let text = std::fs::read_to_string(input).expect("fixture is readable").replace("\r\n", "\n");
        let expected_path = input.with_extension("expected");
        let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match explain(&text) {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok(plan) if bless => std::fs::write(&expected_path, plan).expect("expected file is writable"),
            Ok(plan) => match std::fs::read_to_string(&expected_path) {
                Ok(want) if want == plan => {}
                Ok(want) => failures.push(format!("{name}: plan differs\n--- expected\n{want}--- got\n{plan}")),
                Err(_) => failures.push(format!("{name}: no {} (run with KG_BLESS=1)", expected_path.display())),
            },
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} plan fixtures failed:\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n")
    );
}
