//! Extraction throughput on one core: the project's example articles (graphs/*.txt) repeated
//! to at least 50 MB, fed to one document extractor in 1 MiB pieces as `kg build` reads files;
//! then a 100 MB file without a single newline through `extract_file`, reporting the peak
//! resident memory so the bounded-memory claim can be checked. Target: ≥ 50 MB/s.
//!
//! Run: `cargo bench --bench extract` (optional arguments: corpus size in MB, `--no-file`).

use std::time::Instant;

use kgraph::extract::{extract_file, DocumentExtractor, Lexicon};

/// CPU time of this thread in seconds: the machine may be shared, wall time is not the cost.
fn thread_cpu() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime only writes the timespec we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let mb: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(64);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("graphs");
    let mut sample = String::new();
    let mut entries: Vec<_> =
        std::fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
    entries.sort();
    for p in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "txt")) {
        sample.push_str(&std::fs::read_to_string(p).unwrap_or_default());
        sample.push('\n');
    }
    if sample.is_empty() {
        eprintln!("no example articles in {}", dir.display());
        return;
    }
    let t = Instant::now();
    let lex = Lexicon::embedded();
    println!(
        "lexicon: {} entities, {} trigger groups, compiled in {:.3}s",
        lex.entities.len(),
        lex.triggers.len(),
        t.elapsed().as_secs_f64()
    );
    if !std::env::args().any(|a| a == "--no-file") {
        big_file(&lex, &sample);
    }
    examples(&lex, &sample, mb);
}

/// 100 MB without a newline, written in pieces (never held in memory) and read back in chunks:
/// the peak resident size shows extraction memory stays bounded.
fn big_file(lex: &Lexicon, sample: &str) {
    use std::io::Write;
    let path = std::env::temp_dir().join(format!("kg-bench-{}.txt", std::process::id()));
    let line = sample.replace('\n', " ");
    let written = std::fs::File::create(&path).and_then(|f| {
        let mut w = std::io::BufWriter::new(f);
        let mut size = 0;
        while size < 100_000_000 {
            w.write_all(line.as_bytes())?;
            size += line.len();
        }
        w.flush()?;
        Ok(size)
    });
    let Ok(size) = written else {
        eprintln!("cannot write {}", path.display());
        return;
    };
    let before = peak_rss_mb();
    let t = Instant::now();
    let cpu = thread_cpu();
    let r = extract_file(lex, &path, None);
    let secs = t.elapsed().as_secs_f64();
    let cpu = thread_cpu() - cpu;
    let _ = std::fs::remove_file(&path);
    match r {
        Ok(fx) => println!(
            "100 MB without newlines: {:.1} MB in {:.3}s wall, {:.3}s CPU = {:.1} MB/s per core, {} relations; peak RSS {:.0} MB (before: {:.0} MB)",
            size as f64 / 1e6,
            secs,
            cpu,
            size as f64 / 1e6 / cpu,
            fx.extraction.relations.len(),
            peak_rss_mb().unwrap_or(0.0),
            before.unwrap_or(0.0)
        ),
        Err(e) => eprintln!("error: {e}"),
    }
}

/// The examples repeated to `mb` MB, fed in 1 MiB pieces cut at line ends.
fn examples(lex: &Lexicon, sample: &str, mb: usize) {
    let target = mb * 1_000_000;
    let mut corpus = String::with_capacity(target + sample.len());
    while corpus.len() < target {
        corpus.push_str(sample);
    }
    let bytes = corpus.len();
    let t = Instant::now();
    let cpu = thread_cpu();
    let mut x = DocumentExtractor::new(lex, "bench", None);
    let mut rest = corpus.as_str();
    while !rest.is_empty() {
        let mut cut = rest.len().min(1 << 20);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        if let Some(nl) = rest[..cut].rfind('\n') {
            cut = nl + 1;
        }
        x.feed(&rest[..cut]);
        rest = &rest[cut..];
    }
    let result = x.finish();
    let secs = t.elapsed().as_secs_f64();
    let cpu = thread_cpu() - cpu;
    println!(
        "examples x{}: {:.1} MB in {:.3}s wall = {:.1} MB/s; {:.3}s CPU = {:.1} MB/s per core ({} distinct relations, {} sentences)",
        bytes / sample.len().max(1),
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs,
        cpu,
        bytes as f64 / 1e6 / cpu,
        result.relations.len(),
        result.documents.first().map_or(0, |d| d.sentences)
    );
}
