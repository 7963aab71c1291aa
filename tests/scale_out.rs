//! Outgrowing one machine (issue 12, item 5): kg's exports load as they stand into engines that
//! scale further, and answer the same Cypher with the same rows. The example graph is built from
//! `graphs/*.txt` with the `kg` binary; its Cypher export goes into an embedded FalkorDB (Python
//! package `falkordblite`, Python ≥ 3.12) and its CSV export into LadybugDB (package `ladybug`,
//! through the export's own `load-kuzu.cypher`), both driven by `benches/peers/scale_out.py`.
//! Node and relationship counts and one query's rows are compared with kg's.
//!
//! Behind a flag because it needs Python and PyPI: run with `KG_PEERS_TEST=1 cargo test --test
//! tests scale_out -- --nocapture`. The Python environments are the ones `benches/peers/run.sh`
//! uses (`target/peers-venv`, `target/peers-venv-falkor`, or `KG_PEERS_VENV` /
//! `KG_PEERS_FALKOR_VENV`), made on first use; a test that cannot find or make one prints
//! `SKIP:` and why.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

use crate::util::{self, kg, stderr, stdout};

/// The question asked of kg and of each peer: one row per attack, with a count and an Arabic name
/// (so property types and non-ASCII text survive the move). The aliases differ from the variables
/// because Kùzu-family engines resolve an ORDER BY name to the variable first.
const QUERY: &str = "MATCH (x)-[r:ATTACKED]->(y) \
                     RETURN x.name AS attacker, y.name AS target, r.mentions AS mentions, x.name_ar AS attacker_ar \
                     ORDER BY attacker, target";

/// Whether `KG_PEERS_TEST=1` asks for these tests; prints the skip otherwise.
fn enabled(test: &str) -> bool {
    let on = std::env::var("KG_PEERS_TEST").is_ok_and(|v| v == "1");
    if !on {
        println!("SKIP: {test} needs Python and PyPI; set KG_PEERS_TEST=1 to run it");
    }
    on
}

/// True when `python` runs and imports `module`.
fn imports(python: &Path, module: &str) -> bool {
    Command::new(python).args(["-c", &format!("import {module}")]).output().is_ok_and(|o| o.status.success())
}

/// True when `python` runs and is at least version 3.`minor`.
fn at_least(python: &Path, minor: u32) -> bool {
    let check = format!("import sys; sys.exit(sys.version_info < (3, {minor}))");
    Command::new(python).args(["-c", &check]).output().is_ok_and(|o| o.status.success())
}

/// Interpreters that may make a venv for a package needing Python ≥ 3.`minor`: `$PYTHON312`,
/// `python3.N` on the PATH, then pyenv's versions.
fn interpreters(minor: u32) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::env::var_os("PYTHON312").map(PathBuf::from).into_iter().collect();
    if minor <= 11 {
        found.push("python3".into());
    }
    found.extend((minor.max(12)..=14).map(|m| PathBuf::from(format!("python3.{m}"))));
    if let Some(home) = std::env::var_os("HOME") {
        let versions = Path::new(&home).join(".pyenv/versions");
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&versions)
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path().join("bin/python")).collect())
            .unwrap_or_default();
        dirs.sort();
        found.extend(dirs);
    }
    found.into_iter().filter(|p| at_least(p, minor)).collect()
}

/// The Python of the venv `override_var` names (or `target/NAME`) once it imports `module`;
/// makes the venv with the first interpreter ≥ 3.`minor` and pip-installs `package` if needed.
fn python_env(override_var: &str, name: &str, module: &str, package: &str, minor: u32) -> Result<PathBuf, String> {
    let venv = std::env::var_os(override_var)
        .map(PathBuf::from)
        .unwrap_or_else(|| util::repo_root().join("target").join(name));
    let python = venv.join("bin/python");
    if imports(&python, module) {
        return Ok(python);
    }
    let base = interpreters(minor)
        .into_iter()
        .next()
        .ok_or_else(|| format!("no Python ≥ 3.{minor} found to make {} (set PYTHON312)", venv.display()))?;
    let run = |cmd: &mut Command, what: &str| -> Result<(), String> {
        let o = cmd.output().map_err(|e| format!("{what}: {e}"))?;
        if o.status.success() {
            Ok(())
        } else {
            Err(format!("{what} failed: {}", stderr(&o).lines().last().unwrap_or_default()))
        }
    };
    run(Command::new(&base).args(["-m", "venv"]).arg(&venv), &format!("{} -m venv", base.display()))?;
    run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", package]), &format!("pip install {package}"))?;
    if imports(&python, module) {
        Ok(python)
    } else {
        Err(format!("{} cannot import {module} after pip install {package}", python.display()))
    }
}

/// The example graph built from `graphs/*.txt` in `dir`.
fn example_graph(dir: &Path) -> PathBuf {
    let graph = dir.join("sahel.kg");
    let mut texts: Vec<PathBuf> = std::fs::read_dir(util::repo_root().join("graphs"))
        .expect("graphs/")
        .map(|e| e.expect("graphs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    texts.sort();
    assert!(texts.len() >= 4, "graphs/ holds the example articles: {texts:?}");
    let o = kg().arg("build").args(&texts).arg("-g").arg(&graph).output().expect("run kg build");
    assert_eq!(o.status.code(), Some(0), "kg build: {}", stderr(&o));
    graph
}

/// kg's answer to `cypher` as the JSON result document.
fn kg_json(graph: &Path, cypher: &str) -> Json {
    let o = kg().arg("query").arg("-g").arg(graph).args([cypher, "--format", "json"]).output().expect("run kg query");
    assert_eq!(o.status.code(), Some(0), "kg query {cypher}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("kg --format json prints one JSON document")
}

/// The single count `cypher` returns in kg.
fn kg_count(graph: &Path, cypher: &str) -> u64 {
    kg_json(graph, cypher)["rows"][0][0].as_u64().expect("a count")
}

/// Runs `kg export` of `graph` in `format` to `out`.
fn export(graph: &Path, format: &str, out: &Path) {
    let o = kg()
        .arg("export")
        .arg("-g")
        .arg(graph)
        .args(["--format", format, "-o"])
        .arg(out)
        .output()
        .expect("run kg export");
    assert_eq!(o.status.code(), Some(0), "kg export --format {format}: {}", stderr(&o));
}

/// Runs `benches/peers/scale_out.py` with `python` and returns its JSON report.
fn load_into_peer(python: &Path, args: &[&std::ffi::OsStr]) -> Json {
    let script = util::repo_root().join("benches/peers/scale_out.py");
    let o = Command::new(python).arg(script).args(args).output().expect("run scale_out.py");
    assert!(o.status.success(), "scale_out.py {args:?} failed:\n{}", stderr(&o));
    serde_json::from_str(stdout(&o).trim())
        .unwrap_or_else(|e| panic!("scale_out.py printed no JSON ({e}): {}", stdout(&o)))
}

/// The peer's counts and rows equal kg's.
fn assert_same_as_kg(peer: &str, graph: &Path, got: &Json) {
    let nodes = kg_count(graph, "MATCH (n) RETURN count(n)");
    let rels = kg_count(graph, "MATCH ()-[r]->() RETURN count(r)");
    assert!(nodes > 20 && rels > 20, "the example graph is not trivial: {nodes} nodes, {rels} relationships");
    assert_eq!(got["nodes"].as_u64(), Some(nodes), "{peer}: node count");
    assert_eq!(got["relationships"].as_u64(), Some(rels), "{peer}: relationship count");
    let want = kg_json(graph, QUERY);
    let rows = want["rows"].as_array().expect("rows");
    assert!(rows.len() >= 3, "the example graph has several attacks: {want}");
    assert_eq!(got["columns"], want["columns"], "{peer}: columns of {QUERY}");
    assert_eq!(got["rows"], want["rows"], "{peer}: rows of {QUERY}");
}

#[test]
fn cypher_export_loads_into_falkordb_and_answers_like_kg() {
    if !enabled("scale_out::cypher_export_loads_into_falkordb_and_answers_like_kg") {
        return;
    }
    let python = match python_env(
        "KG_PEERS_FALKOR_VENV",
        "peers-venv-falkor",
        "redislite.falkordb_client",
        "falkordblite",
        12,
    ) {
        Ok(p) => p,
        Err(why) => return println!("SKIP: FalkorDB scale-out test: {why}"),
    };
    let dir = util::tempdir("scale-out-falkordb");
    let graph = example_graph(dir.path());
    let script = dir.path().join("sahel.cypher");
    export(&graph, "cypher", &script);
    let db = dir.path().join("falkordb");
    let got = load_into_peer(
        &python,
        &[
            "falkordb".as_ref(),
            "--cypher".as_ref(),
            script.as_os_str(),
            "--db".as_ref(),
            db.as_os_str(),
            "--query".as_ref(),
            QUERY.as_ref(),
        ],
    );
    assert_same_as_kg("FalkorDB", &graph, &got);
}

#[test]
fn csv_export_loads_into_ladybugdb_and_answers_like_kg() {
    if !enabled("scale_out::csv_export_loads_into_ladybugdb_and_answers_like_kg") {
        return;
    }
    let python = match python_env("KG_PEERS_VENV", "peers-venv", "ladybug", "ladybug==0.22.0", 9) {
        Ok(p) => p,
        Err(why) => return println!("SKIP: LadybugDB scale-out test: {why}"),
    };
    let dir = util::tempdir("scale-out-ladybug");
    let graph = example_graph(dir.path());
    let csv = dir.path().join("csv");
    export(&graph, "csv", &csv);
    let db = dir.path().join("ladybug");
    let got = load_into_peer(
        &python,
        &[
            "ladybug".as_ref(),
            "--csv".as_ref(),
            csv.as_os_str(),
            "--db".as_ref(),
            db.as_os_str(),
            "--query".as_ref(),
            QUERY.as_ref(),
        ],
    );
    assert_same_as_kg("LadybugDB", &graph, &got);
}
