//! The body of `kg import`: read a TSV or JSON Lines file of triples, report bad lines as
//! `FILE:LINE: message`, and merge the good ones into the graph (created if missing). Nothing is
//! saved when a line is bad, unless `--skip-bad`.

use std::io::Write;

use crate::cli::ImportArgs;
use crate::error::{Error, Result};
use crate::import::{self, Format};
use crate::store::{GraphFile, OpenMode};

/// Without `--skip-bad`, at most this many bad lines are listed before the rest are counted.
const MAX_REPORTED: usize = 50;

/// Runs `kg import`.
///
/// # Errors
/// The input cannot be read or has bad lines (without `--skip-bad`), or the graph file cannot
/// be opened, locked or saved.
pub fn run(args: &ImportArgs) -> Result<()> {
    let origin = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).map_err(|source| Error::Io { path: args.file.clone(), source })?;
    let format = Format::detect(&args.file, &bytes);
    let parsed = import::parse(&bytes, format).map_err(|e| Error::Failed(e.display(&origin).to_string()))?;
    let bad = parsed.errors.len();
    let mut err = std::io::stderr().lock();
    // With --skip-bad every skipped line is reported (the user asked to import around them);
    // without it nothing is imported, and the first lines are enough to start fixing.
    let shown = if args.skip_bad { bad } else { bad.min(MAX_REPORTED) };
    for e in &parsed.errors[..shown] {
        let note = if args.skip_bad { " (skipped)" } else { "" };
        let _ = writeln!(err, "{}{note}", e.display(&origin));
    }
    if bad > shown {
        let _ = writeln!(err, "{origin}: … and {} more bad lines", bad - shown);
    }
    drop(err);
    if bad > 0 && !args.skip_bad {
        return Err(Error::Failed(format!(
            "{origin}: {bad} bad line(s); nothing was imported (fix them, or pass --skip-bad to import the rest)"
        )));
    }
    let mut file = GraphFile::open(&args.graph, OpenMode::CreateIfMissing)?;
    let summary = import::merge_triples(file.graph_mut(), &parsed.triples)?;
    file.save()?;
    let g = file.graph();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "imported {} triples from {origin}: {} new entities, {} new relationships, {} repeats{}",
        summary.triples,
        summary.new_entities,
        summary.new_relationships,
        summary.repeated,
        if bad > 0 { format!(", {bad} bad lines skipped") } else { String::new() },
    )?;
    writeln!(out, "{}: {} nodes, {} relationships", args.graph.display(), g.node_count(), g.relationship_count())?;
    Ok(())
}
