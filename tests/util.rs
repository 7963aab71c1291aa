//! Shared helpers for the integration tests: a fresh temporary directory per test and a
//! command builder for the built `kg` binary (never a nested cargo build).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A `Command` for the `kg` binary cargo built for these tests.
pub fn kg() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kg"))
}

/// A fresh, empty temporary directory named after the test; removed when dropped.
pub fn tempdir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("kg-{name}-")).tempdir().expect("create temp dir")
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` next to the repository (or `$KG_SHARED_DIR`), if present.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KG_SHARED_DIR").map(PathBuf::from).unwrap_or_else(|| repo_root().join("../shared"));
    dir.is_dir().then_some(dir)
}

/// Runs `kg` with `args` and returns its output.
pub fn run_kg(args: &[&str]) -> Output {
    kg().args(args).output().expect("run kg")
}

/// Standard output as a string.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as a string.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts a failed run: the exit code, a one-line-first message containing `needle`, and no
/// panic.
pub fn assert_error(o: &Output, code: i32, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "exit code; stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    let first = err.lines().next().unwrap_or("");
    assert!(first.contains(needle), "first stderr line {first:?} should contain {needle:?}");
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write test file");
    p
}
