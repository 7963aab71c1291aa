//! Query latency benchmark (issue 6): the fixed eight-query set on `kg gen` graphs of 100 k, 1 M
//! and 10 M relationships, timed in-process through [`kgraph::query::execute`] (no process start,
//! no rendering), reported as median and p90 per query; plus the time a fresh process needs to
//! open a graph and answer its first query, as the shell does.
//!
//! Run with `cargo bench --bench query` (sizes from `KG_BENCH_SIZES`, default `100k,1m`; add
//! `10m` when memory and time allow). Other modes, used by `benches/peers/run.sh`:
//!
//! - `peers --size 1m --out DIR`: writes `DIR/anchors.json` (the graph, the chosen anchor nodes
//!   and the kg Cypher of each query) and `DIR/kg.json` (kg's timings and a digest of each
//!   result, so the peers' answers can be checked against kg's);
//! - `dump-csv GRAPH DIR`: writes `nodes.csv` (`id,name,labels`) and `rels.csv`
//!   (`start,end,type`) straight from the graph API, a fallback for when `kg export --format csv`
//!   is not available;
//! - `profile SIZE QUERY [RUNS]`: run one query (1–8) RUNS times (default 10) and nothing else
//!   timed, for `perf record` or `valgrind --tool=callgrind --toggle-collect='*query*execute*'`;
//! - `open GRAPH NAME`: load the graph and answer one point lookup, print timings and peak RSS
//!   as one JSON line (the parent runs this in a child so memory is measured alone).
//!
//! Environment: `KG_BENCH_SIZES`, `KG_BENCH_QUERIES` (which of the eight queries and two writing statements, default all), `KG_BENCH_RUNS` (measured runs per query, default 21),
//! `KG_BENCH_BUDGET_S` (time budget per query, default 10 s; at least 3 runs are always made),
//! `KG_BENCH_DIR` (where generated graphs are cached, default `target/bench-graphs`),
//! `KG_BENCH_OUT` (markdown report, default `target/bench-results/query.md`), `KG_BENCH_OPEN`
//! (a size whose graph the open-and-first-query test uses, or `none`; default the largest size
//! run).
//!
//! Anchors are chosen from the graph itself before timing starts, so the same choice is made for
//! every engine: the hub is the node of highest degree; the "from" node is a typical node with a
//! few outgoing relationships; the far node is the last node a breadth-first search from the
//! "from" node reaches; the string needle is a substring that selects roughly 1 % of the names.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kgraph::graph::{write_cypher_string, Direction, NodeId, PropertyGraph, Value};
use kgraph::query::{execute, ExecOptions, Params};
use serde_json::json;
use sha2::{Digest, Sha256};

/// How many rows of a result are kept verbatim in the digest (beyond that, a count and a hash).
const VERBATIM_ROWS: usize = 20;
/// The upper bound of the shortest-path pattern.
const MAX_HOPS: usize = 15;

type BenchResult<T> = Result<T, String>;

fn main() {
    if let Err(e) = run() {
        eprintln!("query bench: {e}");
        std::process::exit(1);
    }
}

fn run() -> BenchResult<()> {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let under_cargo_bench = all.iter().any(|a| a == "--bench");
    let args: Vec<String> = all.into_iter().filter(|a| a != "--bench").collect();
    match args.first().map(String::as_str) {
        // `cargo test --all-targets` runs bench binaries without `--bench`: do not start an
        // hour of measurements there.
        None if !under_cargo_bench => {
            eprintln!("query bench: run it with `cargo bench --bench query`");
            Ok(())
        }
        None | Some("table") => run_table(),
        Some("peers") => run_peers(&args[1..]),
        Some("dump-csv") if args.len() == 3 => dump_csv(Path::new(&args[1]), Path::new(&args[2])),
        Some("open") if args.len() == 3 => run_open(Path::new(&args[1]), &args[2]),
        Some("profile") if args.len() >= 3 => run_profile(&args[1], &args[2], args.get(3).map(String::as_str)),
        Some(other) => Err(format!(
            "unknown mode or arguments `{other}`; expected `table`, `peers --size S --out DIR`, \
             `dump-csv GRAPH DIR`, `open GRAPH NAME` or `profile SIZE QUERY [RUNS]`"
        )),
    }
}

// ----- configuration -------------------------------------------------------------------------

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn env_num(name: &str, default: u64) -> BenchResult<u64> {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().map_err(|_| format!("{name}={v} is not a whole number")),
        Err(_) => Ok(default),
    }
}

/// `100k` → 100 000, `1m` → 1 000 000, `2500` → 2 500.
fn parse_size(text: &str) -> BenchResult<u64> {
    let t = text.trim().to_ascii_lowercase();
    let (digits, mult) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 1_000),
        Some('m') => (&t[..t.len() - 1], 1_000_000),
        _ => (t.as_str(), 1),
    };
    digits.parse::<u64>().map(|n| n * mult).map_err(|_| format!("bad size `{text}` (use e.g. 100k, 1m, 10m)"))
}

fn size_label(rels: u64) -> String {
    if rels >= 1_000_000 && rels.is_multiple_of(1_000_000) {
        format!("{}m", rels / 1_000_000)
    } else if rels >= 1_000 && rels.is_multiple_of(1_000) {
        format!("{}k", rels / 1_000)
    } else {
        rels.to_string()
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn graph_dir() -> PathBuf {
    std::env::var_os("KG_BENCH_DIR").map_or_else(|| repo_root().join("target/bench-graphs"), PathBuf::from)
}

/// Nodes per graph: one node per five relationships, the shape issue 2 measures
/// (`--nodes 1000000 --rels 5000000`).
fn nodes_for(rels: u64) -> u64 {
    (rels / 5).max(10)
}

#[derive(Clone, Copy)]
struct RunConfig {
    runs: usize,
    budget: Duration,
}

fn run_config() -> BenchResult<RunConfig> {
    Ok(RunConfig {
        runs: env_num("KG_BENCH_RUNS", 21)?.max(1) as usize,
        budget: Duration::from_secs(env_num("KG_BENCH_BUDGET_S", 10)?),
    })
}

// ----- graphs --------------------------------------------------------------------------------

struct Prepared {
    path: PathBuf,
    graph: PropertyGraph,
    gen_time: Option<Duration>,
    load_time: Duration,
    file_bytes: u64,
    rss_delta_kb: Option<i64>,
}

/// Generates the graph with `kg gen` unless it is cached, then loads it.
fn prepare(rels: u64) -> BenchResult<Prepared> {
    let dir = graph_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(format!("gen-{}.kg", size_label(rels)));
    let mut gen_time = None;
    if !path.exists() {
        eprintln!("generating {} ({} nodes, {rels} relationships)…", path.display(), nodes_for(rels));
        let t = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_kg"))
            .args(["gen", "--nodes", &nodes_for(rels).to_string(), "--rels", &rels.to_string(), "--seed", "42", "-g"])
            .arg(&path)
            .status()
            .map_err(|e| format!("cannot run kg gen: {e}"))?;
        if !status.success() {
            return Err(format!("kg gen failed ({status}) for {}", path.display()));
        }
        gen_time = Some(t.elapsed());
    }
    let file_bytes = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?.len();
    let before = rss_kb("VmRSS");
    let t = Instant::now();
    let graph = kgraph::store::load(&path).map_err(|e| format!("cannot load {}: {e}", path.display()))?;
    let load_time = t.elapsed();
    let rss_delta_kb = before.zip(rss_kb("VmRSS")).map(|(b, a)| a as i64 - b as i64);
    Ok(Prepared { path, graph, gen_time, load_time, file_bytes, rss_delta_kb })
}

/// A field of /proc/self/status in kB (`VmRSS`, `VmHWM`), where the platform has it.
fn rss_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// ----- anchors -------------------------------------------------------------------------------

/// The nodes and needle the queries are anchored on, chosen from the graph before timing.
struct Anchors {
    /// A node for the point lookup (the "from" node's name).
    name: String,
    hub: String,
    hub_degree: usize,
    from: String,
    from_out_degree: usize,
    far: String,
    far_hops: usize,
    needle: String,
    needle_matches: usize,
}

fn unique_name(g: &PropertyGraph, n: NodeId) -> Option<&str> {
    let name = g.node_property(n, "name")?.as_str()?;
    (g.nodes_by_name(name).len() == 1).then_some(name)
}

fn out_neighbours(g: &PropertyGraph, n: NodeId) -> impl Iterator<Item = NodeId> + '_ {
    g.relationships_of(n, Direction::Outgoing, None).map(|a| a.other)
}

fn choose_anchors(g: &PropertyGraph) -> BenchResult<Anchors> {
    let ids: Vec<NodeId> = g.node_ids().collect();
    if ids.is_empty() {
        return Err("the graph has no nodes".into());
    }
    let named: Vec<NodeId> = ids.iter().copied().filter(|&n| unique_name(g, n).is_some()).collect();
    if named.is_empty() {
        return Err("no node has a unique `name`".into());
    }
    let hub = *named.iter().max_by_key(|&&n| (g.degree(n, Direction::Both), std::cmp::Reverse(n))).ok_or("no hub")?;
    let hub_degree = g.degree(hub, Direction::Both);

    // A typical node: a few outgoing relationships and a modest two-hop fan-out, searched from a
    // fixed point a third of the way through the ids so the choice is deterministic.
    let start = named.len() / 3;
    let order = named[start..].iter().chain(&named[..start]).copied();
    let two_hop = |n: NodeId| -> usize { out_neighbours(g, n).map(|m| g.degree(m, Direction::Outgoing)).sum() };
    let from = order
        .clone()
        .find(|&n| (3..=20).contains(&g.degree(n, Direction::Outgoing)) && (20..=20_000).contains(&two_hop(n)))
        .or_else(|| order.clone().find(|&n| g.degree(n, Direction::Outgoing) >= 2 && two_hop(n) >= 1))
        .or_else(|| named.iter().copied().max_by_key(|&n| g.degree(n, Direction::Outgoing)))
        .ok_or("no start node")?;

    let (far, far_hops) = farthest_named(g, from);
    let (needle, needle_matches) = choose_needle(g, &named);
    let name_of = |n: NodeId| unique_name(g, n).unwrap_or_default().to_string();
    Ok(Anchors {
        name: name_of(from),
        hub: name_of(hub),
        hub_degree,
        from: name_of(from),
        from_out_degree: g.degree(from, Direction::Outgoing),
        far: name_of(far),
        far_hops,
        needle,
        needle_matches,
    })
}

/// The uniquely named node a breadth-first search (ignoring direction) from `from` reaches last,
/// within [`MAX_HOPS`], and its distance.
fn farthest_named(g: &PropertyGraph, from: NodeId) -> (NodeId, usize) {
    let len = g.node_ids().map(|n| n.0 as usize + 1).max().unwrap_or(0);
    let mut dist = vec![usize::MAX; len];
    let mut queue = VecDeque::from([from]);
    dist[from.0 as usize] = 0;
    let mut best = (from, 0);
    while let Some(n) = queue.pop_front() {
        let d = dist[n.0 as usize];
        if d > best.1 && unique_name(g, n).is_some() {
            best = (n, d);
        }
        if d == MAX_HOPS {
            continue;
        }
        for a in g.relationships_of(n, Direction::Both, None) {
            let slot = &mut dist[a.other.0 as usize];
            if *slot == usize::MAX {
                *slot = d + 1;
                queue.push_back(a.other);
            }
        }
    }
    best
}

/// A substring of a name that about 1 % of names contain (closest to 1 % among a few candidates).
fn choose_needle(g: &PropertyGraph, named: &[NodeId]) -> (String, usize) {
    let names: Vec<&str> = named.iter().filter_map(|&n| unique_name(g, n)).collect();
    let target = (names.len() as f64 * 0.01).max(1.0);
    let mut candidates: Vec<String> = Vec::new();
    for name in names.iter().step_by((names.len() / 7).max(1)).take(7) {
        let chars: Vec<char> = name.chars().collect();
        for len in 2..=5 {
            if chars.len() >= len {
                let tail: String = chars[chars.len() - len..].iter().collect();
                let head: String = chars[..len].iter().collect();
                let mid_at = (chars.len() - len) / 2;
                let mid: String = chars[mid_at..mid_at + len].iter().collect();
                candidates.extend([tail, head, mid]);
            }
        }
    }
    candidates.sort();
    candidates.dedup();
    let mut best = (names[0].to_string(), 1usize);
    let mut best_err = f64::MAX;
    for c in candidates {
        let count = names.iter().filter(|n| n.contains(c.as_str())).count();
        let err = ((count as f64) / target).ln().abs();
        if count > 0 && err < best_err {
            best = (c, count);
            best_err = err;
        }
    }
    best
}

// ----- the query set -------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Anchored on one or two nodes (target: ≥ 10× faster than Kùzu).
    Anchored,
    /// Scans and aggregates (target: no slower than Kùzu).
    Scan,
    /// A writing statement that leaves the graph as it found it (kg only, not in the peers set).
    Write,
}

impl Class {
    fn label(self) -> &'static str {
        match self {
            Class::Anchored => "anchored",
            Class::Scan => "scan",
            Class::Write => "write",
        }
    }
}

struct BenchQuery {
    id: u8,
    title: &'static str,
    class: Class,
    cypher: String,
}

fn lit(s: &str) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write_cypher_string(&mut out, s);
    out
}

fn query_set(a: &Anchors) -> Vec<BenchQuery> {
    use Class::{Anchored, Scan};
    let q = |id, title, class, cypher: String| BenchQuery { id, title, class, cypher };
    vec![
        q(1, "point lookup by name", Anchored, format!("MATCH (n {{name: {}}}) RETURN n.name AS name", lit(&a.name))),
        q(
            2,
            "1-hop neighbours of a hub",
            Anchored,
            format!("MATCH (h {{name: {}}})--(m) RETURN m.name AS name", lit(&a.hub)),
        ),
        q(
            3,
            "2-hop count from a node",
            Anchored,
            format!("MATCH (a {{name: {}}})-->()-->(c) RETURN count(c) AS n", lit(&a.from)),
        ),
        q(
            4,
            "*1..3 from a node, DISTINCT",
            Anchored,
            format!("MATCH (a {{name: {}}})-[*1..3]->(c) RETURN count(DISTINCT c) AS n", lit(&a.from)),
        ),
        q(
            5,
            "count by relationship type",
            Scan,
            "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type".into(),
        ),
        q(
            6,
            "top-10 by degree",
            Scan,
            "MATCH (n)--() WITH n, count(*) AS degree ORDER BY degree DESC, n.name LIMIT 10 \
             RETURN n.name AS name, degree"
                .into(),
        ),
        q(
            7,
            "shortestPath between far nodes",
            Anchored,
            format!(
                "MATCH (a {{name: {}}}), (b {{name: {}}}) MATCH p = shortestPath((a)-[*..{MAX_HOPS}]-(b)) \
                 RETURN length(p) AS hops",
                lit(&a.from),
                lit(&a.far)
            ),
        ),
        q(
            8,
            "string predicate scan",
            Scan,
            format!("MATCH (n) WHERE n.name CONTAINS {} RETURN count(*) AS n", lit(&a.needle)),
        ),
    ]
}

/// Writing statements, timed after the eight queries (kg only). Each leaves the graph as it
/// found it, so every run sees the same graph: 9 creates and deletes one node in one statement
/// (a deleting statement, so it measures what making it undoable costs); 10 detach-deletes the
/// hub and then fails reading the deleted node, so the statement is rolled back.
fn write_set(a: &Anchors) -> Vec<BenchQuery> {
    let q = |id, title, cypher: String| BenchQuery { id, title, class: Class::Write, cypher };
    vec![
        q(9, "create and delete one node", "CREATE (t:BenchTemp) WITH t DELETE t".into()),
        q(
            10,
            "detach-delete the hub, fail, roll back",
            format!("MATCH (h {{name: {}}}) DETACH DELETE h RETURN h.name AS name", lit(&a.hub)),
        ),
    ]
}

// ----- timing --------------------------------------------------------------------------------

struct Timing {
    samples: Vec<Duration>,
    /// CPU time of the running thread per run, sorted: robust against other processes taking
    /// the cores, which wall time is not on a shared machine.
    cpu: Vec<Duration>,
    rows: usize,
    digest: serde_json::Value,
    /// How far the process's peak RSS rose above its RSS before the query, in kB, where the
    /// platform lets the peak be reset (Linux `clear_refs`).
    peak_extra_kb: Option<u64>,
}

impl Timing {
    fn median(&self) -> Duration {
        let s = &self.samples;
        (s[(s.len() - 1) / 2] + s[s.len() / 2]) / 2
    }

    fn cpu_median(&self) -> Duration {
        let s = &self.cpu;
        (s[(s.len() - 1) / 2] + s[s.len() / 2]) / 2
    }

    fn p90(&self) -> Duration {
        let s = &self.samples;
        s[((s.len() as f64 * 0.9).ceil() as usize).clamp(1, s.len()) - 1]
    }
}

/// One warm-up run (whose result is digested), then up to `runs` timed runs within the budget
/// (at least three).
fn time_query(g: &mut PropertyGraph, cypher: &str, cfg: RunConfig) -> Result<Timing, String> {
    time_statement(g, cypher, cfg, false)
}

/// [`time_query`] for a statement that is expected to fail (`fails`): then the error is the
/// answer, and succeeding is the error.
fn time_statement(g: &mut PropertyGraph, cypher: &str, cfg: RunConfig, fails: bool) -> Result<Timing, String> {
    let params = Params::new();
    let options = ExecOptions::default();
    let run = |g: &mut PropertyGraph, cypher: &str, params: &Params, options: &ExecOptions| match (
        execute(g, cypher, params, options),
        fails,
    ) {
        (Ok(r), false) => Ok(r),
        (Err(e), true) => {
            Ok(kgraph::query::QueryResult { rows: vec![vec![Value::from(e.kind_label())]], ..Default::default() })
        }
        (Ok(_), true) => Err("the statement was expected to fail".to_string()),
        (Err(e), false) => Err(e.to_string()),
    };
    // Writing 5 to clear_refs resets VmHWM to the current RSS, so the peak after the warm-up run
    // is what this query needed on top of the loaded graph.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = rss_kb("VmRSS");
    let first = run(g, cypher, &params, &options)?;
    let peak_extra_kb = if reset { before.zip(rss_kb("VmHWM")).map(|(b, h)| h.saturating_sub(b)) } else { None };
    let rows = first.rows.len();
    let digest = digest_rows(&first.rows);
    let started = Instant::now();
    let mut samples = Vec::with_capacity(cfg.runs);
    let mut cpu = Vec::with_capacity(cfg.runs);
    while samples.len() < cfg.runs && (samples.len() < 3 || started.elapsed() < cfg.budget) {
        let c = thread_cpu();
        let t = Instant::now();
        let result = run(g, cypher, &params, &options)?;
        samples.push(t.elapsed());
        cpu.push(thread_cpu().saturating_sub(c));
        std::hint::black_box(result);
    }
    samples.sort();
    cpu.sort();
    Ok(Timing { samples, cpu, rows, digest, peak_extra_kb })
}

/// CPU time consumed by the calling thread so far.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec and the clock id is a constant the kernel knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn value_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Float(f) => json!(f),
        Value::String(s) => json!(s),
        Value::Temporal(t) => json!(t.to_string()),
        Value::List(xs) => serde_json::Value::Array(xs.iter().map(value_json).collect()),
        Value::Map(m) => serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), value_json(v))).collect()),
        Value::Node(n) => json!({ "node": n.id }),
        Value::NodeRef(id) => json!({ "node": id.as_u64() }),
        Value::Relationship(r) => json!({ "relationship": r.id }),
        Value::RelRef(r) => json!({ "relationship": r.id.as_u64() }),
        Value::Path(p) => json!({ "path_length": p.relationships.len() }),
    }
}

/// Rows as compact JSON arrays, sorted; kept verbatim when short, else a count and SHA-256 (the
/// peers script computes the same digest of its own rows).
fn digest_rows(rows: &[Vec<Value>]) -> serde_json::Value {
    let mut lines: Vec<String> =
        rows.iter().map(|r| serde_json::Value::Array(r.iter().map(value_json).collect()).to_string()).collect();
    lines.sort();
    let hash = Sha256::digest(lines.join("\n").as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    if lines.len() <= VERBATIM_ROWS {
        json!({ "rows": lines.len(), "sha256": hex, "sorted": lines })
    } else {
        json!({ "rows": lines.len(), "sha256": hex })
    }
}

fn fmt_duration(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1_000.0 {
        format!("{us:.1} µs")
    } else if us < 1_000_000.0 {
        format!("{:.2} ms", us / 1_000.0)
    } else {
        format!("{:.2} s", us / 1_000_000.0)
    }
}

fn fmt_bytes(b: u64) -> String {
    format!("{:.1} MB", b as f64 / 1e6)
}

// ----- modes ---------------------------------------------------------------------------------

fn run_table() -> BenchResult<()> {
    let cfg = run_config()?;
    let sizes = env_or("KG_BENCH_SIZES", "100k,1m").split(',').map(parse_size).collect::<BenchResult<Vec<u64>>>()?;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Median and p90 of {} timed runs per query (fewer when a query exceeds the {} s budget; at least 3), \
         after one warm-up run, in-process through `kgraph::query::execute` (parse + plan + execute + \
         materialized rows; no process start, no rendering).\n",
        cfg.runs,
        cfg.budget.as_secs()
    );
    let wanted: Vec<u8> = env_or("KG_BENCH_QUERIES", "1,2,3,4,5,6,7,8,9,10")
        .split(',')
        .map(|q| q.trim().parse().map_err(|_| format!("KG_BENCH_QUERIES: bad query number `{q}`")))
        .collect::<BenchResult<_>>()?;
    let mut largest: Option<(PathBuf, String)> = None;
    for &rels in &sizes {
        let mut p = prepare(rels)?;
        let anchors = choose_anchors(&p.graph)?;
        let _ = writeln!(
            md,
            "### {} relationships ({} nodes, {} relationships, file {})\n",
            size_label(rels),
            p.graph.node_count(),
            p.graph.relationship_count(),
            fmt_bytes(p.file_bytes)
        );
        let _ = writeln!(
            md,
            "Load {} ({:.0} MB/s){}{}. Anchors: hub `{}` (degree {}), from-node `{}` (out-degree {}), \
             far node `{}` ({} hops away), needle `{}` ({} names contain it).\n",
            fmt_duration(p.load_time),
            p.file_bytes as f64 / 1e6 / p.load_time.as_secs_f64(),
            p.rss_delta_kb.map_or(String::new(), |kb| format!(", RSS +{:.0} MB after load", kb as f64 / 1e3)),
            p.gen_time.map_or(String::new(), |t| format!(", generated in {}", fmt_duration(t))),
            anchors.hub,
            anchors.hub_degree,
            anchors.from,
            anchors.from_out_degree,
            anchors.far,
            anchors.far_hops,
            anchors.needle,
            anchors.needle_matches
        );
        let _ = writeln!(md, "| # | query | class | median | p90 | CPU median | runs | rows | peak memory of the query |\n|---|---|---|---:|---:|---:|---:|---:|---:|");
        for q in query_set(&anchors).into_iter().chain(write_set(&anchors)).filter(|q| wanted.contains(&q.id)) {
            eprintln!("[{}] Q{} {}", size_label(rels), q.id, q.title);
            let class = q.class.label();
            let fails = q.id == 10;
            let counts = (p.graph.node_count(), p.graph.relationship_count());
            let timing = time_statement(&mut p.graph, &q.cypher, cfg, fails).and_then(|t| {
                let after = (p.graph.node_count(), p.graph.relationship_count());
                if after == counts {
                    Ok(t)
                } else {
                    Err(format!("the graph changed from {counts:?} to {after:?} (nodes, relationships)"))
                }
            });
            match timing {
                Ok(t) => {
                    let _ = writeln!(
                        md,
                        "| {} | {} | {class} | {} | {} | {} | {} | {} | {} |",
                        q.id,
                        q.title,
                        fmt_duration(t.median()),
                        fmt_duration(t.p90()),
                        fmt_duration(t.cpu_median()),
                        t.samples.len(),
                        t.rows,
                        t.peak_extra_kb.map_or("—".to_string(), |kb| fmt_bytes(kb * 1000))
                    );
                }
                Err(e) => {
                    let first = e.lines().next().unwrap_or_default().replace('|', "\\|");
                    let _ = writeln!(md, "| {} | {} | {class} | error | | | | `{first}` | |", q.id, q.title);
                }
            }
        }
        md.push('\n');
        largest = Some((p.path.clone(), anchors.name.clone()));
    }
    let open_target = match std::env::var("KG_BENCH_OPEN") {
        Ok(s) if s == "none" => None,
        Ok(s) => {
            let rels = parse_size(&s)?;
            let p = prepare(rels)?;
            let a = choose_anchors(&p.graph)?;
            Some((p.path, a.name))
        }
        Err(_) => largest,
    };
    if let Some((path, name)) = open_target {
        md.push_str(&open_report(&path, &name)?);
    }
    let out = std::env::var_os("KG_BENCH_OUT")
        .map_or_else(|| repo_root().join("target/bench-results/query.md"), PathBuf::from);
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&out, &md).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("{md}\nwritten to {}", out.display());
    Ok(())
}

/// Reads the file through a 1 MiB buffer and discards it, like `cat FILE > /dev/null`.
fn raw_read(path: &Path) -> BenchResult<Duration> {
    use std::io::Read as _;
    let t = Instant::now();
    let mut f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut buf = vec![0u8; 1 << 20];
    while f.read(&mut buf).map_err(|e| format!("{}: {e}", path.display()))? > 0 {}
    Ok(t.elapsed())
}

/// Runs `open` in a child process (three times, page cache warm), then `kg shell` end to end
/// with the same first statement on standard input, and formats the results.
fn open_report(path: &Path, name: &str) -> BenchResult<String> {
    let file_bytes = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.len();
    let mb = file_bytes as f64 / 1e6;
    let mut raw: Vec<Duration> = (0..3).map(|_| raw_read(path)).collect::<BenchResult<_>>()?;
    raw.sort();
    let raw_rate = mb / raw[1].as_secs_f64();
    let mut md = format!(
        "### Open a graph and answer the first query\n\n`{}` ({}), a fresh process each time, page cache warm; \
         first query: point lookup of `{name}` returning the node. Raw read of the same file (1 MiB buffer, \
         like `cat FILE > /dev/null`, median of 3): {} = {raw_rate:.0} MB/s.\n\n\
         | run | load | load MB/s | load / raw read | first query | load + first query | peak RSS | peak RSS / file |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|\n",
        path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
        fmt_bytes(file_bytes),
        fmt_duration(raw[1])
    );
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    for run in 1..=3 {
        let out = Command::new(&exe).arg("open").arg(path).arg(name).output().map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&out.stdout);
        let v: serde_json::Value = serde_json::from_str(text.trim())
            .map_err(|_| format!("open child failed: {}", String::from_utf8_lossy(&out.stderr)))?;
        let ms = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
        let load_rate = mb / (ms("load_ms") / 1e3);
        let hwm = v["peak_rss_kb"].as_f64().unwrap_or(f64::NAN) * 1e3;
        let (first, total) = match v["error"].as_str() {
            Some(e) => (format!("error: `{}`", e.replace('|', "\\|")), String::new()),
            None => (format!("{:.2} ms", ms("first_query_ms")), format!("{:.0} ms", ms("total_ms"))),
        };
        let _ = writeln!(
            md,
            "| {run} | {:.0} ms | {load_rate:.0} | {:.0} % | {first} | {total} | {:.0} MB | {:.2}× |",
            ms("load_ms"),
            100.0 * load_rate / raw_rate,
            hwm / 1e6,
            hwm / file_bytes as f64
        );
    }
    md.push_str(&shell_report(path, name));
    md.push('\n');
    Ok(md)
}

/// `kg shell -g GRAPH` with the first statement on standard input (its non-interactive mode):
/// process start, load, query, render and exit, as a user would see it.
fn shell_report(path: &Path, name: &str) -> String {
    use std::io::Write as _;
    let statement = format!("MATCH (n {{name: {}}}) RETURN n.name AS name;\n", lit(name));
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let child = Command::new(env!("CARGO_BIN_EXE_kg"))
            .args(["shell", "-g"])
            .arg(path)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn();
        let Ok(mut child) = child else { return "\n`kg shell` could not be started.\n".into() };
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(statement.as_bytes());
        }
        let Ok(out) = child.wait_with_output() else { return "\n`kg shell` did not finish.\n".into() };
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || !stdout.contains(name) {
            let err = String::from_utf8_lossy(&out.stderr);
            return format!(
                "\n`kg shell -g` with the statement on standard input did not answer ({}): `{}`\n",
                out.status,
                err.lines().next().unwrap_or_default().replace('|', "\\|")
            );
        }
        times.push(t.elapsed());
    }
    times.sort();
    format!(
        "\n`kg shell -g {}` end to end with `{}` on standard input (process start, load, query, table, exit): \
         median of 3 = {} (runs: {}).\n",
        path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
        statement.trim(),
        fmt_duration(times[1]),
        times.iter().map(|t| fmt_duration(*t)).collect::<Vec<_>>().join(", ")
    )
}

fn run_open(path: &Path, name: &str) -> BenchResult<()> {
    let t = Instant::now();
    let mut g = kgraph::store::load(path).map_err(|e| format!("cannot load {}: {e}", path.display()))?;
    let loaded = t.elapsed();
    let cypher = format!("MATCH (n {{name: {}}}) RETURN n", lit(name));
    let result = execute(&mut g, &cypher, &Params::new(), &ExecOptions::default());
    let total = t.elapsed();
    let line = match result {
        Ok(result) => json!({
            "load_ms": loaded.as_secs_f64() * 1e3,
            "first_query_ms": (total - loaded).as_secs_f64() * 1e3,
            "total_ms": total.as_secs_f64() * 1e3,
            "rows": result.rows.len(),
            "peak_rss_kb": rss_kb("VmHWM"),
        }),
        Err(e) => json!({
            "load_ms": loaded.as_secs_f64() * 1e3,
            "error": e.to_string().lines().next().unwrap_or_default(),
            "peak_rss_kb": rss_kb("VmHWM"),
        }),
    };
    println!("{line}");
    Ok(())
}

fn run_profile(size: &str, query: &str, runs: Option<&str>) -> BenchResult<()> {
    let id: u8 = query.parse().map_err(|_| format!("bad query number `{query}`"))?;
    let runs: usize = runs.map_or(Ok(10), str::parse).map_err(|_| "bad run count".to_string())?;
    let mut p = prepare(parse_size(size)?)?;
    let a = choose_anchors(&p.graph)?;
    let q = query_set(&a).into_iter().find(|q| q.id == id).ok_or(format!("no query {id}"))?;
    eprintln!("profiling Q{id} ({}) {runs} times: {}", q.title, q.cypher);
    let t = Instant::now();
    for _ in 0..runs {
        let r = execute(&mut p.graph, &q.cypher, &Params::new(), &ExecOptions::default()).map_err(|e| e.to_string())?;
        std::hint::black_box(r);
    }
    eprintln!("{} per run", fmt_duration(t.elapsed() / runs as u32));
    Ok(())
}

fn run_peers(args: &[String]) -> BenchResult<()> {
    let mut size = None;
    let mut out = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--size" => size = it.next().map(|s| parse_size(s)).transpose()?,
            "--out" => out = it.next().map(PathBuf::from),
            other => return Err(format!("unknown peers argument `{other}`")),
        }
    }
    let (rels, out) = size.zip(out).ok_or("peers needs --size S --out DIR")?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let cfg = run_config()?;
    let mut p = prepare(rels)?;
    let a = choose_anchors(&p.graph)?;
    let queries = query_set(&a);
    let anchors = json!({
        "graph": p.path,
        "size": size_label(rels),
        "nodes": p.graph.node_count(),
        "relationships": p.graph.relationship_count(),
        "file_bytes": p.file_bytes,
        "load_ms": p.load_time.as_secs_f64() * 1e3,
        "max_hops": MAX_HOPS,
        "anchors": {
            "name": a.name, "hub": a.hub, "hub_degree": a.hub_degree, "from": a.from,
            "from_out_degree": a.from_out_degree, "far": a.far, "far_hops": a.far_hops,
            "needle": a.needle, "needle_matches": a.needle_matches,
        },
        "queries": queries.iter().map(|q| json!({
            "id": q.id, "title": q.title,
            "class": q.class.label(),
            "kg": q.cypher,
        })).collect::<Vec<_>>(),
    });
    write_json(&out.join("anchors.json"), &anchors)?;
    let mut results = Vec::new();
    for q in &queries {
        eprintln!("[kg {}] Q{} {}", size_label(rels), q.id, q.title);
        results.push(match time_query(&mut p.graph, &q.cypher, cfg) {
            Ok(t) => json!({
                "id": q.id,
                "median_us": t.median().as_secs_f64() * 1e6,
                "p90_us": t.p90().as_secs_f64() * 1e6,
                "cpu_median_us": t.cpu_median().as_secs_f64() * 1e6,
                "runs": t.samples.len(),
                "digest": t.digest,
            }),
            Err(e) => json!({ "id": q.id, "error": e.lines().next().unwrap_or_default() }),
        });
    }
    write_json(&out.join("kg.json"), &json!({ "results": results }))
}

fn write_json(path: &Path, v: &serde_json::Value) -> BenchResult<()> {
    let text = serde_json::to_string_pretty(v).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn dump_csv(graph: &Path, dir: &Path) -> BenchResult<()> {
    let g = kgraph::store::load(graph).map_err(|e| format!("cannot load {}: {e}", graph.display()))?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let io = |e: csv::Error| e.to_string();
    let mut nodes = csv::Writer::from_path(dir.join("nodes.csv")).map_err(io)?;
    nodes.write_record(["id", "name", "labels"]).map_err(io)?;
    for n in g.node_ids() {
        let name = g.node_property(n, "name").and_then(Value::as_str).unwrap_or_default();
        let labels: Vec<&str> = g.node_labels(n).collect();
        nodes.write_record([n.to_string().as_str(), name, &labels.join(";")]).map_err(io)?;
    }
    nodes.flush().map_err(|e| e.to_string())?;
    let mut rels = csv::Writer::from_path(dir.join("rels.csv")).map_err(io)?;
    rels.write_record(["start", "end", "type"]).map_err(io)?;
    for r in g.relationship_ids() {
        let (s, e) = g.endpoints(r).ok_or("dangling relationship")?;
        rels.write_record([s.to_string().as_str(), &e.to_string(), g.rel_type(r).unwrap_or_default()]).map_err(io)?;
    }
    rels.flush().map_err(|e| e.to_string())
}
