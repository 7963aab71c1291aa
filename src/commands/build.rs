//! The body of `kg build`: extract text files (directories are walked for `.txt` and `.md`)
//! and merge them into a graph file, created if missing.
//!
//! Each failing input is reported on stderr and the others still run; the graph is saved
//! once, atomically, at the end (a crash never leaves a half-written file), and the exit code
//! is 1 if any input failed. A progress bar is drawn on a terminal when there are many files.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::BuildArgs;
use crate::commands::extract::{lang_hint, load_lexicon};
use crate::error::{Error, Result};
use crate::extract::{extract_file_dated, merge_into, ExtractError, MergeStats};
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

/// Runs `kg build`.
///
/// # Errors
/// A bad lexicon, a graph file that cannot be opened, locked or saved, or [`Error::Failed`]
/// when some inputs could not be read (the others are merged and saved).
pub fn run(args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let lex = load_lexicon(args.lexicon.as_deref())?;
    let lang = lang_hint(args.lang);
    let mut failed = 0;
    let inputs = collect(&args.inputs, &mut failed);
    let mut file = GraphFile::open(&args.graph, OpenMode::CreateIfMissing)?;
    let bar = if inputs.len() >= PROGRESS_FROM && std::io::stderr().is_terminal() {
        let b = ProgressBar::new(inputs.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed} {wide_msg}") {
            b.set_style(style);
        }
        b
    } else {
        ProgressBar::hidden()
    };
    let mut stats = MergeStats::default();
    let mut skipped_binary = 0;
    for input in &inputs {
        bar.set_message(input.path.display().to_string());
        match extract_file_dated(&lex, &input.path, lang, args.date) {
            Ok(fx) => {
                for w in &fx.warnings {
                    bar.suspend(|| eprintln!("warning: {w}"));
                }
                stats += merge_into(file.graph_mut(), &fx.extraction)?;
            }
            Err(ExtractError::BinaryFile { path }) if input.walked => {
                bar.suspend(|| eprintln!("warning: {}: binary file skipped", path.display()));
                skipped_binary += 1;
            }
            Err(e) => {
                bar.suspend(|| eprintln!("error: {e}"));
                failed += 1;
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    file.save()?;
    let mut out = std::io::stdout().lock();
    let already = if stats.documents_skipped > 0 {
        format!(" ({} already built)", stats.documents_skipped)
    } else {
        String::new()
    };
    let binary = if skipped_binary > 0 { format!(", {skipped_binary} binary skipped") } else { String::new() };
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
    if failed > 0 {
        return Err(Error::Failed(format!(
            "{failed} input(s) failed; the others were built into {}",
            args.graph.display()
        )));
    }
    Ok(())
}
