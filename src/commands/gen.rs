//! The body of `kg gen`: generate a synthetic graph ([`crate::synth`]) and save it over the
//! output file, holding the writer lock from the start.

use std::io::Write;
use std::time::Instant;

use crate::cli::GenArgs;
use crate::error::{Error, Result};
use crate::store::{GraphFile, OpenMode};
use crate::synth::{self, GenSpec};

/// The largest count a graph can hold (petgraph's u32 indices reserve the maximum).
const MAX_COUNT: u64 = u32::MAX as u64 - 1;

/// Runs `kg gen`.
///
/// # Errors
/// Counts too large, relationships without nodes, or a store error.
pub fn run(args: &GenArgs) -> Result<()> {
    let count = |n: u64, flag: &str| {
        u32::try_from(n)
            .ok()
            .filter(|n| u64::from(*n) <= MAX_COUNT)
            .ok_or_else(|| Error::Usage(format!("{flag} {n} is too large; at most {MAX_COUNT}")))
    };
    let spec = GenSpec { nodes: count(args.nodes, "--nodes")?, rels: count(args.rels, "--rels")?, seed: args.seed };
    if spec.nodes == 0 && spec.rels > 0 {
        return Err(Error::Usage("--rels needs nodes to connect: pass --nodes 1 or more".into()));
    }
    let mut file = GraphFile::open(&args.graph, OpenMode::Replace)?;
    let started = Instant::now();
    file.set_graph(synth::generate(&spec)?);
    let generated = started.elapsed();
    file.save()?;
    let saved = started.elapsed() - generated;
    let size = std::fs::metadata(&args.graph).map(|m| m.len()).unwrap_or(0);
    writeln!(
        std::io::stdout().lock(),
        "generated {} nodes and {} relationships (seed {}) in {:.2}s, saved {} ({:.1} MB) in {:.2}s",
        spec.nodes,
        spec.rels,
        spec.seed,
        generated.as_secs_f64(),
        args.graph.display(),
        size as f64 / 1e6,
        saved.as_secs_f64(),
    )?;
    Ok(())
}
