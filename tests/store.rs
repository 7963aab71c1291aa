//! Integration tests: the `.kg` file. Round trips of random graphs, damaged files (every
//! truncation point, random byte flips with and without a matching checksum), crash safety
//! under SIGKILL, and two writers.
//!
//! A counting global allocator (per thread) lets the damaged-file tests check that loading
//! never allocates more than a bounded multiple of the file size. It counts for the whole test
//! binary but only these tests read it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fs;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use kgraph::graph::{NodeId, PropertyGraph, PropertyMap, RelId, Value};
use kgraph::store::{self, GraphFile, OpenMode, StoreError};
use kgraph::synth::{self, GenSpec};
use proptest::prelude::*;

use crate::util;

// ----- allocation accounting ------------------------------------------------------------------

struct CountingAlloc;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn track(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is forwarded unchanged to the system allocator; we only count sizes.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            track(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        track(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            track(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// Runs `f` and returns its result with the most memory it held at once (on this thread).
fn peak_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let out = f();
    (out, (PEAK.with(Cell::get) - base).max(0) as usize)
}

/// The allocation bound of a load: the file itself, the graph built from it (at most ~40
/// bytes of memory per byte of payload, a `null` in a list being the worst case) and serde's
/// capped pre-allocation of a sequence whose announced length is a lie.
fn allocation_bound(file_len: usize) -> usize {
    64 * file_len + (16 << 20)
}

// ----- helpers -----------------------------------------------------------------------------

/// A strict comparison on top of `PartialEq`: `Value`'s equivalence calls `1` and `1.0` equal,
/// so the debug forms of every node, relationship and the metadata must match too.
fn assert_same_graph(a: &PropertyGraph, b: &PropertyGraph) {
    assert_eq!(a, b);
    for n in a.node_ids() {
        assert_eq!(format!("{:?}", a.node_value(n)), format!("{:?}", b.node_value(n)));
    }
    for r in a.relationship_ids() {
        assert_eq!(format!("{:?}", a.relationship_value(r)), format!("{:?}", b.relationship_value(r)));
    }
    assert_eq!(format!("{:?}", a.meta()), format!("{:?}", b.meta()));
    for (label, count) in a.label_counts() {
        assert_eq!(b.label_count(label), count, "label index of {label}");
    }
    for (t, count) in a.rel_type_counts() {
        assert_eq!(b.rel_type_count(t), count, "type index of {t}");
    }
    for name in a.names() {
        assert_eq!(a.nodes_by_name(name), b.nodes_by_name(name), "name index of {name}");
    }
}

fn sample_graph(nodes: u32, rels: u32, seed: u64) -> PropertyGraph {
    let mut g = synth::generate(&GenSpec { nodes, rels, seed }).expect("generate");
    // Holes, so ids must survive: remove every seventh node and every fifth relationship.
    let rel_ids: Vec<RelId> = g.relationship_ids().filter(|r| r.0 % 5 == 0).collect();
    for r in rel_ids {
        g.remove_relationship(r).expect("remove rel");
    }
    let node_ids: Vec<NodeId> = g.node_ids().filter(|n| n.0 % 7 == 3).collect();
    for n in node_ids {
        g.remove_node(n, true).expect("remove node");
    }
    g.meta_mut().insert("built_from".into(), Value::List(vec!["doc-1".into(), "doc-2".into()]));
    g
}

fn saved_bytes(dir: &Path, name: &str, g: &PropertyGraph) -> Vec<u8> {
    let path = dir.join(name);
    store::save(&path, g).expect("save");
    fs::read(&path).expect("read saved")
}

// ----- round trip --------------------------------------------------------------------------

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        any::<f64>().prop_filter("no NaN", |f| !f.is_nan()).prop_map(Value::Float),
        "[a-z]{0,6}".prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::from),
        prop::sample::select(vec!["نصرة الإسلام والمسلمين", "Ménaka", "", "\u{0}\n\t"]).prop_map(Value::from),
    ]
}

fn nested() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
            prop::collection::btree_map("[a-z]{1,4}", inner, 0..4).prop_map(|m| Value::Map(m.into_iter().collect())),
        ]
    })
}

/// A stored property value: anything but a top-level null (setting null removes a property).
fn property() -> impl Strategy<Value = Value> {
    nested().prop_filter("top-level null is no property", |v| !v.is_null())
}

const LABELS: [&str; 5] = ["ArmedGroup", "State", "Place", "Person", "Label with space"];
const TYPES: [&str; 4] = ["ATTACKED", "CONTROLS", "TRUCE_BETWEEN", "ALLIED_WITH"];
const KEYS: [&str; 5] = ["name", "aliases", "mentions", "weight", "تاريخ"];

#[derive(Debug, Clone)]
enum Op {
    AddNode(Vec<usize>, Vec<(usize, Value)>),
    AddRel(usize, usize, usize, Vec<(usize, Value)>),
    RemoveNode(usize),
    RemoveRel(usize),
    SetMeta(String, Value),
}

fn op() -> impl Strategy<Value = Op> {
    let props = || prop::collection::vec((0..KEYS.len(), property()), 0..4);
    prop_oneof![
        4 => (prop::collection::vec(0..LABELS.len(), 0..3), props()).prop_map(|(l, p)| Op::AddNode(l, p)),
        4 => (any::<usize>(), any::<usize>(), 0..TYPES.len(), props()).prop_map(|(a, b, t, p)| Op::AddRel(a, b, t, p)),
        1 => any::<usize>().prop_map(Op::RemoveNode),
        1 => any::<usize>().prop_map(Op::RemoveRel),
        1 => ("[a-z]{1,5}", property()).prop_map(|(k, v)| Op::SetMeta(k, v)),
    ]
}

fn apply(ops: &[Op]) -> PropertyGraph {
    let mut g = PropertyGraph::new();
    for op in ops {
        let nodes: Vec<NodeId> = g.node_ids().collect();
        let rels: Vec<RelId> = g.relationship_ids().collect();
        let named = |p: &[(usize, Value)]| p.iter().map(|(k, v)| (KEYS[*k], v.clone())).collect::<Vec<_>>();
        match op {
            Op::AddNode(labels, props) => {
                g.add_node(labels.iter().map(|l| LABELS[*l]), named(props)).expect("add node");
            }
            Op::AddRel(a, b, t, props) if !nodes.is_empty() => {
                let (a, b) = (nodes[a % nodes.len()], nodes[b % nodes.len()]);
                g.add_relationship(a, b, TYPES[*t], named(props)).expect("add rel");
            }
            Op::RemoveNode(i) if !nodes.is_empty() => g.remove_node(nodes[i % nodes.len()], true).expect("remove node"),
            Op::RemoveRel(i) if !rels.is_empty() => g.remove_relationship(rels[i % rels.len()]).expect("remove rel"),
            Op::SetMeta(k, v) => {
                g.meta_mut().insert(k.clone(), v.clone());
            }
            _ => {}
        }
    }
    g
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_graphs_round_trip(ops in prop::collection::vec(op(), 0..40)) {
        let g = apply(&ops);
        let dir = util::tempdir("roundtrip");
        let path = dir.path().join("g.kg");
        store::save(&path, &g).expect("save");
        let back = store::load(&path).expect("load");
        assert_same_graph(&g, &back);
        // And once more through a writer handle: the saved copy of a loaded graph is equal too.
        let mut file = GraphFile::open(&path, OpenMode::MustExist).expect("open");
        file.save().expect("save again");
        drop(file);
        assert_same_graph(&g, &store::load(&path).expect("load again"));
    }
}

#[test]
fn strict_comparison_tells_int_from_float() {
    // Guards the round-trip test itself: a codec that turned 1 into 1.0 must not pass it.
    let mut a = PropertyGraph::new();
    a.add_node(["X"], [("n", Value::Int(1))]).unwrap();
    let mut b = PropertyGraph::new();
    b.add_node(["X"], [("n", Value::Float(1.0))]).unwrap();
    assert_eq!(a, b, "Value equivalence");
    assert!(std::panic::catch_unwind(|| assert_same_graph(&a, &b)).is_err());
}

// ----- damaged files -----------------------------------------------------------------------

#[test]
fn every_truncation_point_is_a_clear_error() {
    let dir = util::tempdir("truncate");
    let bytes = saved_bytes(dir.path(), "full.kg", &sample_graph(12, 30, 3));
    assert!(bytes.len() > 200, "the sample should have a real payload");
    let path = dir.path().join("cut.kg");
    for len in 0..bytes.len() {
        fs::write(&path, &bytes[..len]).unwrap();
        let (result, peak) = peak_allocation(|| store::load(&path));
        let err = result.expect_err("a truncated file must not load");
        let msg = err.to_string();
        match err {
            StoreError::Truncated { expected, found, .. } => {
                assert_eq!(found, len as u64);
                assert!(expected == 24 || expected == bytes.len() as u64, "{msg}");
                assert!(
                    msg.contains(&format!("truncated graph file: expected {expected} bytes, found {len}")),
                    "{msg}"
                );
            }
            StoreError::NotKgraph { .. } => assert_eq!(len, 0, "only the empty file lacks the magic: {msg}"),
            other => panic!("cut at {len}: unexpected error {other}"),
        }
        assert!(msg.starts_with(&path.display().to_string()), "{msg}");
        assert!(peak <= allocation_bound(bytes.len()), "cut at {len}: {peak} bytes allocated");
    }
}

/// A tiny deterministic generator for the flip positions (no dependence on proptest's RNG).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

#[test]
fn random_byte_flips_are_detected() {
    let dir = util::tempdir("flips");
    let bytes = saved_bytes(dir.path(), "full.kg", &sample_graph(600, 3000, 4));
    assert!(bytes.len() > 50_000, "a larger file: {} bytes", bytes.len());
    let path = dir.path().join("flipped.kg");
    let mut rng = Lcg(17);
    let mut kinds = std::collections::BTreeMap::new();
    for _ in 0..1000 {
        let mut damaged = bytes.clone();
        let at = rng.below(bytes.len());
        damaged[at] ^= 1 + rng.below(255) as u8;
        fs::write(&path, &damaged).unwrap();
        let (result, peak) = peak_allocation(|| store::load(&path));
        let err = result.expect_err("CRC-32 detects every single-byte change");
        let kind = match err {
            StoreError::ChecksumMismatch { .. } => "checksum",
            StoreError::NotKgraph { .. } => "magic",
            StoreError::NewerVersion { .. } | StoreError::UnknownVersion { .. } => "version",
            StoreError::Truncated { .. } | StoreError::TrailingBytes { .. } => "length",
            other => panic!("flip at {at}: unexpected error {other}"),
        };
        *kinds.entry(kind).or_insert(0) += 1;
        assert!(peak <= allocation_bound(bytes.len()), "flip at {at}: {peak} bytes allocated");
    }
    assert!(kinds["checksum"] > 900, "{kinds:?}");
}

#[test]
fn flips_behind_a_valid_checksum_never_panic_or_overallocate() {
    // The checksum stops accidents; this is the decoder's own defence against a payload that is
    // wrong but carries a matching checksum (a crafted file, or a bug in a writer).
    let dir = util::tempdir("flips-crc");
    let bytes = saved_bytes(dir.path(), "full.kg", &sample_graph(150, 600, 5));
    let path = dir.path().join("flipped.kg");
    let mut rng = Lcg(29);
    let (mut loaded, mut refused) = (0, 0);
    for _ in 0..1000 {
        let mut damaged = bytes.clone();
        let at = 24 + rng.below(bytes.len() - 24);
        damaged[at] ^= 1 + rng.below(255) as u8;
        let crc = crc32fast::hash(&damaged[24..]);
        damaged[20..24].copy_from_slice(&crc.to_le_bytes());
        fs::write(&path, &damaged).unwrap();
        let (result, peak) = peak_allocation(|| std::panic::catch_unwind(|| store::load(&path)));
        match result {
            Err(_) => panic!("flip at {at}: load panicked"),
            Ok(Ok(_)) => loaded += 1,
            Ok(Err(StoreError::Undecodable { .. })) => refused += 1,
            Ok(Err(other)) => panic!("flip at {at}: unexpected error {other}"),
        }
        assert!(peak <= allocation_bound(bytes.len()), "flip at {at}: {peak} bytes allocated");
    }
    assert!(refused > 100, "most flips of structure should be refused: {refused} refused, {loaded} loaded");
}

#[test]
fn header_errors_name_the_problem() {
    let dir = util::tempdir("header");
    let bytes = saved_bytes(dir.path(), "g.kg", &sample_graph(5, 5, 1));
    let path = dir.path().join("bad.kg");
    let mut newer = bytes.clone();
    newer[8..12].copy_from_slice(&7u32.to_le_bytes());
    fs::write(&path, &newer).unwrap();
    let msg = store::load(&path).unwrap_err().to_string();
    let supported = format!("format version 7 is newer than this kg supports (version {})", store::FORMAT_VERSION);
    assert!(msg.contains(&supported), "{msg}");
    assert!(msg.contains("upgrade kgraph"), "{msg}");
    fs::write(&path, b"subject\trelation\tobject\n").unwrap();
    assert!(matches!(store::load(&path), Err(StoreError::NotKgraph { .. })));
}

// ----- crash safety ------------------------------------------------------------------------

/// Bytes a process has written so far (`wchar` in /proc/PID/io), if it is still there.
fn written_bytes(pid: u32) -> Option<u64> {
    let io = fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    io.lines().find_map(|l| l.strip_prefix("wchar:")).and_then(|v| v.trim().parse().ok())
}

/// Seconds from the child's output line "generated … in Xs, saved … in Ys".
fn save_seconds(stdout: &str) -> Option<f64> {
    stdout.rsplit(" in ").next()?.trim().trim_end_matches('s').parse().ok()
}

#[test]
#[cfg(target_os = "linux")]
fn sigkill_during_save_leaves_old_or_new_graph() {
    const NODES: u32 = 4000;
    const RELS: u32 = 20_000;
    let dir = util::tempdir("sigkill");
    let path = dir.path().join("g.kg");
    let tmp = dir.path().join("g.kg.tmp");
    let old_graph = synth::generate(&GenSpec { nodes: NODES, rels: RELS, seed: 1 }).unwrap();
    store::save(&path, &old_graph).unwrap();
    let old = fs::read(&path).unwrap();
    assert_same_graph(&store::load(&path).unwrap(), &old_graph);
    drop(old_graph);
    let gen = |path: &Path| -> Child {
        util::kg()
            .args(["gen", "--nodes", &NODES.to_string(), "--rels", &RELS.to_string(), "--seed", "2", "-g"])
            .arg(path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn kg gen")
    };
    // One full run gives the new file and how long its save takes.
    let out = gen(&path).wait_with_output().unwrap();
    assert!(out.status.success());
    let save = save_seconds(&util::stdout(&out)).expect("timing in gen output");
    let new = fs::read(&path).unwrap();
    assert_ne!(old, new);
    let new_graph = synth::generate(&GenSpec { nodes: NODES, rels: RELS, seed: 2 }).unwrap();
    assert_same_graph(&store::load(&path).unwrap(), &new_graph);
    drop(new_graph);

    // Wall-clock offsets from spawning are unreliable on a busy machine, so each kill moment is
    // tied to the save's progress, read from the bytes the child has written so far
    // (/proc/PID/io, whichever file it writes): once it has written a random fraction (0 to
    // 1.05) of the new file's size, plus a random pause of up to a tenth of a save, which
    // lands some kills in the fsync and rename.
    let mut rng = Lcg(99);
    let (mut kills, mut saw_old, mut saw_new) = (0, 0, 0);
    for attempt in 0..60 {
        if kills >= 20 {
            break;
        }
        fs::write(&path, &old).unwrap();
        let _ = fs::remove_file(&tmp);
        let mut child = gen(&path);
        let target = (new.len() as f64 * rng.below(1050) as f64 / 1000.0) as u64;
        while child.try_wait().unwrap().is_none() && written_bytes(child.id()).is_some_and(|w| w < target) {
            std::thread::sleep(Duration::from_micros(200));
        }
        let delay = save * rng.below(100) as f64 / 1000.0;
        std::thread::sleep(Duration::from_secs_f64(delay));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL on Unix
            kills += 1;
        }
        child.wait().unwrap();
        // Both versions were shown above to load as their graphs, so equal bytes load equal.
        let now = fs::read(&path).unwrap();
        if now == old {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            let err = store::load(&path).err().map(|e| e.to_string()).unwrap_or_default();
            panic!("attempt {attempt}: after a kill at {target} bytes written the file is neither graph: {err}");
        }
    }
    eprintln!("sigkill: {kills} kills during saves, file old {saw_old} times, new {saw_new} times");
    assert!(kills >= 20, "only {kills} kills hit a running child");
}

// ----- two writers -------------------------------------------------------------------------

#[test]
fn second_writer_gets_lock_error_and_first_writer_wins() {
    let dir = util::tempdir("two-writers");
    let path = dir.path().join("g.kg");
    let triples = util::write(dir.path(), "t.tsv", "subject\trelation\tobject\nJNIM\tATTACKED\tMalian army\n");
    let mut first = GraphFile::open(&path, OpenMode::CreateIfMissing).unwrap();
    let jnim = first.graph_mut().merge_entity("JNIM", ["ArmedGroup"], ["GSIM"]).unwrap().0;
    let gao = first.graph_mut().merge_entity("Gao", ["Place"], std::iter::empty::<&str>()).unwrap().0;
    first.graph_mut().add_relationship(jnim, gao, "ATTACKED", [("mentions", Value::Int(1))]).unwrap();
    let expected = first.graph().clone();

    let mut child = util::kg().arg("import").arg(&triples).arg("-g").arg(&path).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("the second writer waited for the lock instead of failing at once");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    util::assert_error(&out, 1, "graph is locked by another process");

    first.save().unwrap();
    drop(first);
    let on_disk = store::load(&path).unwrap();
    assert_same_graph(&expected, &on_disk);
    assert!(on_disk.nodes_by_name("Malian army").is_empty(), "the refused import must not land");

    // Once the first writer is gone, the second may write.
    let out = util::run_kg(&["import", triples.to_str().unwrap(), "-g", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", util::stderr(&out));
    assert_eq!(store::load(&path).unwrap().nodes_by_name("Malian army").len(), 1);
}

#[test]
fn readers_do_not_wait_for_writers() {
    let dir = util::tempdir("reader");
    let path = dir.path().join("g.kg");
    let mut g = PropertyGraph::new();
    let mut props = PropertyMap::new();
    props.insert("k".into(), Value::Int(1));
    g.add_node(["Place"], [("name", Value::from("Kidal")), ("m", Value::Map(props))]).unwrap();
    store::save(&path, &g).unwrap();
    let _writer = GraphFile::open(&path, OpenMode::MustExist).unwrap();
    let out = util::run_kg(&["stats", "-g", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", util::stderr(&out));
    assert!(util::stdout(&out).contains("nodes           1"));
}
