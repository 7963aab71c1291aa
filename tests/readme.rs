//! Integration tests: the README's commands, run as written (issue 13 items 4 and 10): the two
//! commands a fresh clone starts with and the five-minute tour. Every `kg …` line of the tour
//! runs in a temporary copy of `graphs/` and `queries/` (never in the repository), the `kg>`
//! lines are fed to the `kg shell` line, and each command must succeed and answer something: no
//! empty result, no "0 rows".

use std::path::Path;
use std::process::{Command, Stdio};

use crate::export::require_dot;
use crate::util::{self, stderr, stdout};

/// The lines of the first `sh` block after the README's `heading`.
fn block_lines(heading: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(util::repo_root().join("README.md")).expect("README.md");
    let section = readme.split(heading).nth(1).unwrap_or_else(|| panic!("a section {heading:?}"));
    let block = section.split("```sh\n").nth(1).and_then(|b| b.split("```").next()).expect("a sh block");
    block.lines().map(str::to_string).collect()
}

/// The lines of the README's tour block.
fn tour_lines() -> Vec<String> {
    block_lines("## A five-minute tour")
}

/// A fresh clone's first command, `cargo run --release -- build … && cargo run --release --
/// shell …`, with the built binary in place of `cargo run` (the test run has just built it; a
/// nested cargo build would not say more) and the shell reading one statement from stdin. The
/// other line, `cargo test --release`, is this very run.
#[test]
fn the_two_commands_run_as_written() {
    let dir = util::tempdir("readme-two-commands");
    copy_dir(&util::repo_root().join("graphs"), &dir.path().join("graphs"));
    let lines = block_lines("## The two commands");
    let commands: Vec<&String> = lines.iter().filter(|l| l.starts_with("cargo ")).collect();
    assert_eq!(commands.len(), 2, "{lines:?}");
    assert_eq!(commands[1].trim(), "cargo test --release");
    let first = commands[0].replace("cargo run --release --", "\"$KG\"");
    assert!(first.contains("build") && first.contains("shell"), "{first}");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(&first)
        .env("KG", env!("CARGO_BIN_EXE_kg"))
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sh");
    let input = "MATCH (g:ArmedGroup)-[:ATTACKED]->(t) RETURN g.name AS attacker, count(*) AS n ORDER BY n DESC;\n";
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), input.as_bytes()).expect("feed stdin");
    drop(child.stdin.take());
    let o = child.wait_with_output().expect("wait");
    assert!(o.status.success(), "`{first}` failed: {}", stderr(&o));
    assert!(dir.path().join("graphs/sahel.kg").is_file(), "the graph was built where the README says");
    assert!(stdout(&o).contains("'JNIM'"), "the shell answers on the built graph: {}", stdout(&o));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let name = entry.file_name();
        let is_graph = Path::new(&name).extension().is_some_and(|e| e == "kg" || e == "lock" || e == "tmp");
        if entry.file_type().expect("file type").is_file() && !is_graph {
            std::fs::copy(entry.path(), to.join(&name)).expect("copy");
        }
    }
}

#[test]
fn tour_runs_as_written() {
    let dir = util::tempdir("readme-tour");
    copy_dir(&util::repo_root().join("graphs"), &dir.path().join("graphs"));
    copy_dir(&util::repo_root().join("queries"), &dir.path().join("queries"));
    let lines = tour_lines();
    let shell_input: String = lines
        .iter()
        .filter_map(|l| l.trim_start_matches('#').trim_start().strip_prefix("kg> "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(shell_input.contains("shortestPath"), "the shell example is fed to kg shell");
    let with_dot = require_dot("readme::tour_runs_as_written (rendering)");
    let mut ran = 0;
    for line in &lines {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("alias ") {
            continue;
        }
        let mut command = line.to_string();
        if !with_dot {
            command = command.replace("--render svg", "");
        }
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("kg() {{ \"$KG\" \"$@\"; }}\n{command}"))
            .env("KG", env!("CARGO_BIN_EXE_kg"))
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run sh");
        let input = if line.starts_with("kg shell") { shell_input.clone() } else { String::new() };
        std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), input.as_bytes()).expect("feed stdin");
        drop(child.stdin.take());
        let o = child.wait_with_output().expect("wait");
        let (out, err) = (stdout(&o), stderr(&o));
        assert!(o.status.success(), "`{line}` failed: {err}");
        assert!(!err.contains("panicked"), "`{line}`: {err}");
        if line.starts_with("kg ") && !line.starts_with("kg export") {
            assert!(!out.trim().is_empty(), "`{line}` printed nothing");
            assert!(!out.contains("\n0 rows") && !out.contains("\"rows\":[]"), "`{line}` found nothing: {out}");
        }
        if line.starts_with("kg shell") {
            assert!(out.contains("'Wagner Group'"), "the shell's path example answers: {out}");
            assert!(out.contains("ATTACKED"), ":schema lists the types: {out}");
        }
        ran += 1;
    }
    assert!(ran >= 12, "only {ran} tour commands found");
    for file in ["out/sahel.dot", "out/sahel.cypher", "out/csv/load-kuzu.cypher", "out/attacks.dot"] {
        assert!(dir.path().join(file).is_file(), "the tour writes {file}");
    }
    if with_dot {
        let svg = std::fs::read_to_string(dir.path().join("out/sahel.svg")).expect("the picture beside the DOT");
        assert!(svg.contains("<svg") && svg.contains("Legend"), "rendered with its legend");
    }
    let dot = std::fs::read_to_string(dir.path().join("out/sahel.dot")).expect("dot");
    assert!(dot.starts_with("digraph"), "the DOT file still holds DOT");
}
