//! The body of `kg build`: extract text files (directories are walked for `.txt` and `.md`)
//! and merge them into a graph file, created if missing.
//!
//! Each failing input is reported on stderr and the others still run; the graph is saved
//! once, atomically, at the end (a crash never leaves a half-written file) when something was
//! merged, and the exit code is 1 if any input failed. A progress bar is drawn on a terminal
//! when there are many files. [`build_into`] is shared with the shell's `:build`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::BuildArgs;
use crate::commands::extract::{lang_hint, load_lexicon};
use crate::error::{Error, Result};
use crate::extract::{extract_file_dated, merge_into, ExtractError, Lang, Lexicon, MergeStats, PartialDate};
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
                    Err(e) => {
                        eprintln!("error: {}: {e}", e.path().unwrap_or(p).display());
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

/// Extracts text files and directories (walked for `.txt` and `.md`, any case, following
/// symbolic links) and merges them into `graph`: the one implementation behind `kg build` and
/// the shell's `:build`. Each failing input is reported on stderr and the others still run; a
/// progress bar is drawn on a terminal when asked and there are many files. `date` is the
/// documents' date (`--date`), `None` to find each one's in its text.
///
/// # Errors
/// A merge error (the graph refused a value); unreadable inputs are counted, not errors.
pub fn build_into(
    graph: &mut PropertyGraph,
    lex: &Lexicon,
    inputs: &[PathBuf],
    lang: Option<Lang>,
    date: Option<PartialDate>,
    progress: bool,
) -> Result<BuildReport> {
    let mut report = BuildReport::default();
    let inputs = collect(inputs, &mut report.failed);
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
        match extract_file_dated(lex, &input.path, lang, date) {
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
    let lex = load_lexicon(args.lexicon.as_deref())?;
    let mut file = GraphFile::open(&args.graph, OpenMode::CreateIfMissing)?;
    let report = build_into(file.graph_mut(), &lex, &args.inputs, lang_hint(args.lang), args.date, true)?;
    let stats = &report.stats;
    // Nothing merged leaves the file as it was, and creates none (`kg build nosuch.txt -g new.kg`).
    if stats.documents > 0 {
        file.save()?;
    }
    let mut out = std::io::stdout().lock();
    let already = if stats.documents_skipped > 0 {
        format!(" ({} already built)", stats.documents_skipped)
    } else {
        String::new()
    };
    let binary =
        if report.skipped_binary > 0 { format!(", {} binary skipped", report.skipped_binary) } else { String::new() };
    writeln!(
        out,
        "{}: {} documents{already}{binary}, {} sentences, entities {} new / {} merged, relations {} new / {} merged, {:.2}s",
        args.graph.display(),
        stats.documents,
        stats.sentences,
        stats.entities_new,
        stats.entities_merged,
        stats.relations_new,
        stats.relations_merged,
        started.elapsed().as_secs_f64()
    )?;
    if report.failed > 0 {
        let what = if file.existed() {
            format!("the others were built into {}", args.graph.display())
        } else {
            format!("{} was not created", args.graph.display())
        };
        return Err(Error::Failed(format!("{} input(s) failed; {what}", report.failed)));
    }
    Ok(())
}
