//! The body of `kg build`: extract text files (directories are walked for `.txt` and `.md`)
//! and merge them into a graph file, created if missing.
//!
//! Each failing input is reported on stderr and the others still run; the graph is saved
//! once, atomically, at the end (a crash never leaves a half-written file) when something was
//! merged, and the exit code is 1 if any input failed. A progress bar is drawn on a terminal
//! when there are many files. [`build_into`], the options it takes ([`BuildInputs`], parsed by
//! clap for both) and the messages it ends with ([`BuildReport::summary`],
//! [`BuildReport::failure`]) are shared with the shell's `:build`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{BuildArgs, BuildInputs};
use crate::commands::extract::{lang_hint, load_lexicon};
use crate::error::{Error, Result};
use crate::extract::{extract_file_dated, merge_into, ExtractError, MergeStats};
use crate::graph::PropertyGraph;
use crate::store::{GraphFile, OpenMode};

/// Files from this many on get a progress bar (on a terminal).
const PROGRESS_FROM: usize = 5;

/// An input file and whether it was found by walking a directory.
struct Input {
    path: PathBuf,
    walked: bool,
}

fn is_text_file(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
}

/// Expand the command-line inputs; missing paths and unreadable directories are reported.
fn collect(inputs: &[PathBuf], failed: &mut usize) -> Vec<Input> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = Vec::new();
            for entry in walkdir::WalkDir::new(p).follow_links(true) {
                match entry {
                    Ok(e) if e.file_type().is_file() && is_text_file(e.path()) => found.push(e.into_path()),
                    Ok(_) => {}
                    // A link back up only repeats files the walk already finds.
                    Err(e) if e.loop_ancestor().is_some() => {
                        eprintln!(
                            "warning: {}: a symbolic link back to a directory above it; not followed",
                            e.path().unwrap_or(p).display()
                        );
                    }
                    Err(e) => {
                        eprintln!("error: {}", walk_error(&e, p));
                        *failed += 1;
                    }
                }
            }
            found.sort();
            out.extend(found.into_iter().map(|path| Input { path, walked: true }));
        } else if p.exists() {
            out.push(Input { path: p.clone(), walked: false });
        } else {
            eprintln!("error: {}", ExtractError::MissingFile { path: p.clone() });
            *failed += 1;
        }
    }
    out
}

/// A directory walk's error as `PATH: what`, without walkdir's repetition of the path.
fn walk_error(e: &walkdir::Error, root: &Path) -> String {
    let path = e.path().unwrap_or(root);
    let broken_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) && !path.exists();
    if broken_link {
        let target = std::fs::read_link(path).map(|t| format!(" ({})", t.display())).unwrap_or_default();
        return format!("{}: a symbolic link to nothing{target}", path.display());
    }
    match e.io_error() {
        Some(io) => format!("{}: cannot read: {io}", path.display()),
        None => format!("{}: {e}", path.display()),
    }
}

/// What [`build_into`] did.
#[derive(Clone, Debug, Default)]
pub struct BuildReport {
    /// What merging added.
    pub stats: MergeStats,
    /// Text files found (given, or found by walking directories).
    pub files: usize,
    /// Inputs that could not be read (each reported on stderr).
    pub failed: usize,
    /// Binary files skipped while walking directories.
    pub skipped_binary: usize,
}

impl BuildReport {
    /// The one-line summary both front ends print after the graph's name: documents,
    /// sentences, and what was new and what merged.
    pub fn summary(&self) -> String {
        let stats = &self.stats;
        let already = if stats.documents_skipped > 0 {
            format!(" ({} already built)", stats.documents_skipped)
        } else {
            String::new()
        };
        let binary =
            if self.skipped_binary > 0 { format!(", {} binary skipped", self.skipped_binary) } else { String::new() };
        format!(
            "{} documents{already}{binary}, {} sentences, entities {} new / {} merged, relations {} new / {} merged",
            stats.documents,
            stats.sentences,
            stats.entities_new,
            stats.entities_merged,
            stats.relations_new,
            stats.relations_merged,
        )
    }

    /// The error when inputs failed, saying what became of the graph: `graph` names it,
    /// `existed` says whether its file (or in-memory graph) was there before the build.
    pub fn failure(&self, graph: &str, existed: bool) -> Option<String> {
        if self.failed == 0 {
            return None;
        }
        let what = if self.stats.documents > 0 {
            format!("the others were built into {graph}")
        } else if existed {
            format!("{graph} is unchanged")
        } else {
            format!("{graph} was not created")
        };
        Some(format!("{} input(s) failed; {what}", self.failed))
    }
}

/// Extracts text files and directories (walked for `.txt` and `.md`, any case, following
/// symbolic links) and merges them into `graph`: the one implementation behind `kg build` and
/// the shell's `:build`. The lexicon is `--lexicon`'s, else the embedded one; `--date` is the
/// documents' date, else each one's own. Each failing input is reported on stderr and the
/// others still run; a progress bar is drawn on a terminal when asked and there are many files.
///
/// # Errors
/// A bad lexicon directory, or a merge error (the graph refused a value); unreadable inputs are
/// counted, not errors.
pub fn build_into(graph: &mut PropertyGraph, args: &BuildInputs, progress: bool) -> Result<BuildReport> {
    let lex = load_lexicon(args.lexicon.as_deref())?;
    let lang = lang_hint(args.lang);
    let mut report = BuildReport::default();
    let inputs = collect(&args.inputs, &mut report.failed);
    report.files = inputs.len();
    let bar = if progress && inputs.len() >= PROGRESS_FROM && std::io::stderr().is_terminal() {
        let b = ProgressBar::new(inputs.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed} {wide_msg}") {
            b.set_style(style);
        }
        b
    } else {
        ProgressBar::hidden()
    };
    for input in &inputs {
        bar.set_message(input.path.display().to_string());
        match extract_file_dated(&lex, &input.path, lang, args.date) {
            Ok(fx) => {
                for w in &fx.warnings {
                    bar.suspend(|| eprintln!("warning: {w}"));
                }
                report.stats += merge_into(graph, &fx.extraction)?;
            }
            Err(ExtractError::BinaryFile { path }) if input.walked => {
                bar.suspend(|| eprintln!("warning: {}: binary file skipped", path.display()));
                report.skipped_binary += 1;
            }
            Err(e) => {
                bar.suspend(|| eprintln!("error: {e}"));
                report.failed += 1;
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(report)
}

/// Runs `kg build`.
///
/// # Errors
/// A bad lexicon, a graph file that cannot be opened, locked or saved, or [`Error::Failed`]
/// when some inputs could not be read (the others are merged and saved).
pub fn run(args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let mut file = GraphFile::open(&args.graph, OpenMode::CreateIfMissing)?;
    let report = build_into(file.graph_mut(), &args.build, true)?;
    // Nothing merged leaves the file as it was, and creates none (`kg build nosuch.txt -g new.kg`).
    if report.stats.documents > 0 {
        file.save()?;
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}: {}, {:.2}s", args.graph.display(), report.summary(), started.elapsed().as_secs_f64())?;
    if let Some(message) = report.failure(&args.graph.display().to_string(), file.existed()) {
        return Err(Error::Failed(message));
    }
    Ok(())
}
