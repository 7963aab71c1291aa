//! Save and load throughput and peak memory of `.kg` files, next to `cat FILE > /dev/null` and
//! a plain `std::fs::read` of the same file in the same run.
//!
//! `cargo bench --bench store -- [SIZE...]`, SIZE as `NODES:RELS` (e.g. `1000000:5000000`);
//! the default is 20000:100000, 200000:1000000 and 1000000:5000000. Each load runs in a child
//! process so its peak RSS (getrusage) is its own. Prints one Markdown table.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use kgraph::store;
use kgraph::synth::{self, GenSpec};

const RUNS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    match args.first().map(String::as_str) {
        Some("--child-load") => return child_load(Path::new(&args[1])),
        Some("--child-save") => return child_save(&args[1], Path::new(&args[2])),
        _ => {}
    }
    let sizes: Vec<String> = if args.is_empty() {
        vec!["20000:100000".into(), "200000:1000000".into(), "1000000:5000000".into()]
    } else {
        args
    };
    let dir = std::env::temp_dir().join(format!("kg-bench-store-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("create bench dir");
    println!("load average at start: {}\n", load_average());
    println!("| graph (nodes / rels) | file MB | graph RSS MB | save s (CPU s) | save MB/s | save peak RSS MB | cat s | cat MB/s | fs::read MB/s | load s (CPU s) | load MB/s | load % of cat | load % of fs::read | load peak RSS MB | peak / file |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for size in &sizes {
        let path = dir.join(format!("g-{}.kg", size.replace(':', "-")));
        // Save, in a child so the graph's own memory and the save's peak are measured alone.
        let out = run_child(&["--child-save", size, path.to_str().expect("utf-8 temp path")]);
        let [graph_rss, save_s, save_rss, save_cpu] = out[..] else { panic!("bad child output {out:?}") };
        let mb = fs::metadata(&path).expect("saved file").len() as f64 / 1e6;
        let cat_s = best(|| {
            let null = fs::File::create("/dev/null").expect("/dev/null");
            let ok = Command::new("cat").arg(&path).stdout(null).status().expect("run cat").success();
            assert!(ok, "cat failed");
        });
        let read_s = best(|| {
            std::hint::black_box(fs::read(&path).expect("read"));
        });
        let mut load = Vec::new();
        for _ in 0..RUNS {
            load.push(run_child(&["--child-load", path.to_str().expect("utf-8 temp path")]));
        }
        load.sort_by(|a, b| a[0].total_cmp(&b[0]));
        let load_s = load[0][0];
        let load_rss = load.iter().map(|l| l[1]).fold(0.0, f64::max);
        let load_cpu = load.iter().map(|l| l[2]).fold(f64::INFINITY, f64::min);
        println!(
            "| {} | {mb:.1} | {graph_rss:.0} | {save_s:.2} ({save_cpu:.2}) | {:.0} | {save_rss:.0} | {cat_s:.3} | {:.0} | {:.0} | {load_s:.2} ({load_cpu:.2}) | {:.0} | {:.1} % | {:.1} % | {load_rss:.0} | {:.1}× |",
            size.replace(':', " / "),
            mb / save_s,
            mb / cat_s,
            mb / read_s,
            mb / load_s,
            100.0 * cat_s / load_s,
            100.0 * read_s / load_s,
            load_rss / mb,
        );
        let _ = fs::remove_file(&path);
    }
    let _ = fs::remove_dir_all(&dir);
    println!("\nload average at end: {}", load_average());
}

fn best(mut f: impl FnMut()) -> f64 {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn run_child(args: &[&str]) -> Vec<f64> {
    let exe: PathBuf = std::env::current_exe().expect("current exe");
    let out = Command::new(exe).args(args).stderr(Stdio::inherit()).output().expect("run child");
    assert!(out.status.success(), "child {args:?} failed");
    String::from_utf8_lossy(&out.stdout).split_whitespace().map(|w| w.parse().expect("number")).collect()
}

fn rusage() -> libc::rusage {
    // SAFETY: getrusage only writes into the zeroed struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage
}

/// Peak resident set of this process so far, in MB.
fn peak_rss_mb() -> f64 {
    rusage().ru_maxrss as f64 / 1024.0
}

/// CPU time (user + system, all threads) of this process so far, in seconds.
fn cpu_seconds() -> f64 {
    let u = rusage();
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

/// The 1-minute load average: on a shared machine, wall times are only comparable with it.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_default()
}

fn child_save(size: &str, path: &Path) {
    let (nodes, rels) = size.split_once(':').expect("NODES:RELS");
    let spec = GenSpec { nodes: nodes.parse().expect("nodes"), rels: rels.parse().expect("rels"), seed: 42 };
    let graph = synth::generate(&spec).expect("generate");
    let graph_rss = peak_rss_mb();
    let (t, cpu) = (Instant::now(), cpu_seconds());
    store::save(path, &graph).expect("save");
    println!("{graph_rss} {} {} {}", t.elapsed().as_secs_f64(), peak_rss_mb(), cpu_seconds() - cpu);
}

fn child_load(path: &Path) {
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let graph = store::load(path).expect("load");
    let total = t.elapsed().as_secs_f64();
    std::hint::black_box(&graph);
    println!("{total} {} {}", peak_rss_mb(), cpu_seconds() - cpu);
    std::mem::forget(graph); // freeing a large graph is not part of loading it
}
