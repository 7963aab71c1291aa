//! Integration tests: export. Every format is checked by a real consumer where one exists:
//! Graphviz `dot` for DOT (required in CI, where `.ci/run` installs graphviz), Python's XML
//! parser and networkx for GraphML, the csv crate and (when the `kuzu` Python package is
//! installed) Kùzu for CSV, kgraph's own query engine for the Cypher round trip. Exact outputs of
//! a small fixed graph are pinned in `tests/fixtures/export/` (rewrite them with
//! `KG_BLESS=1 cargo test --test tests export`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use kgraph::export::{self, DotOptions, Format, Subgraph};
use kgraph::graph::{NodeId, PropertyGraph, PropertyMap, Temporal, Value};
use kgraph::query::{self, ExecOptions, Params, QueryResult};

use crate::util;

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::from(*s)).collect())
}

fn props(pairs: Vec<(&str, Value)>) -> Vec<(String, Value)> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// A small conflict graph shaped like the extracted ones (our own wording).
fn example_graph() -> PropertyGraph {
    let mut g = PropertyGraph::new();
    let entity = |g: &mut PropertyGraph, labels: &[&str], name: &str, ar: &str| -> NodeId {
        let p = props(vec![("name", Value::from(name)), ("name_ar", Value::from(ar)), ("aliases", list(&[ar]))]);
        g.add_node(labels.iter().copied(), p).expect("node")
    };
    let jnim = entity(&mut g, &["ArmedGroup"], "JNIM", "جماعة نصرة الإسلام والمسلمين");
    let is = entity(&mut g, &["ArmedGroup"], "Islamic State Sahel", "ولاية الساحل");
    let mali = entity(&mut g, &["State"], "Mali", "مالي");
    let army = entity(&mut g, &["Force"], "Malian army", "الجيش المالي");
    let koufa = entity(&mut g, &["Person"], "Amadou Koufa", "أمادو كوفا");
    let gao = entity(&mut g, &["Place"], "Gao", "غاو");
    let cma = entity(&mut g, &["Organization", "ArmedGroup"], "CMA", "تنسيقية حركات أزواد");
    let rel = |g: &mut PropertyGraph, a, b, t: &str, mentions: i64, evidence: &str| {
        let p = props(vec![
            ("mentions", Value::Int(mentions)),
            ("sources", list(&["doc-1", "doc-2"])),
            ("evidence", list(&[evidence])),
            ("doc", Value::from("doc-1")),
            ("sentence", Value::Int(3)),
        ]);
        g.add_relationship(a, b, t, p).expect("relationship");
    };
    rel(&mut g, jnim, army, "ATTACKED", 4, "Militants attacked an army post near the river.");
    rel(&mut g, is, army, "ATTACKED", 1, "هاجم مسلحون موقعا للجيش");
    rel(&mut g, jnim, is, "TRUCE_BETWEEN", 2, "The two groups agreed a local truce.");
    rel(&mut g, cma, jnim, "ALLIED_WITH", 12, "Fighters of both movements were seen together.");
    rel(&mut g, army, gao, "CONTROLS", 1, "Troops hold the town.");
    rel(&mut g, koufa, jnim, "MEMBER_OF", 1, "He leads a katiba.");
    rel(&mut g, mali, army, "COMMANDS", 1, "The state commands its army.");
    g
}

/// Every temporal kind as a property, alone and in a list (issue 11).
fn temporal_graph() -> PropertyGraph {
    let t = |kind: &str, s: &str| Value::from(Temporal::parse(kind, s).expect("temporal text"));
    let mut g = PropertyGraph::new();
    let a = g
        .add_node(
            ["ArmedGroup"],
            props(vec![
                ("name", Value::from("JNIM")),
                ("founded", t("date", "2017-03-02")),
                ("prayer", t("localtime", "05:12:30.5")),
                ("check_in", t("time", "21:40:32.142+01:00")),
                ("seen", t("localdatetime", "2024-09-17T05:00")),
                ("claimed", t("datetime", "2024-09-17T05:00+02:00[Europe/Stockholm]")),
                ("lasted", t("duration", "P1Y2M3DT4H-0.5S")),
                ("dates", Value::List(vec![t("date", "2024-09-17"), t("date", "-0044-03-15")])),
            ]),
        )
        .expect("node");
    let b = g.add_node(["Force"], props(vec![("name", Value::from("Malian army"))])).expect("node");
    g.add_relationship(
        a,
        b,
        "ATTACKED",
        props(vec![("date", t("date", "2024-09-17")), ("at", t("datetime", "2024-09-17T05:00Z"))]),
    )
    .expect("relationship");
    g
}

#[test]
fn temporals_export_with_their_types_and_iso_text() {
    let dir = util::tempdir("csv-temporal");
    let g = temporal_graph();
    let files = export::write_csv(&Subgraph::from_graph(&g), dir.path()).expect("csv export");
    let (header, rows) = read_csv(&dir.path().join("nodes_ArmedGroup.csv"));
    assert_eq!(
        header,
        [
            ":ID",
            "check_in:time",
            "claimed:datetime",
            "dates:date[]",
            "founded:date",
            "lasted:duration",
            "name:string",
            "prayer:localtime",
            "seen:localdatetime",
            ":LABEL"
        ]
    );
    assert_eq!(
        rows[0][1..9],
        [
            "21:40:32.142+01:00",
            "2024-09-17T05:00+02:00[Europe/Stockholm]",
            "2024-09-17|-0044-03-15",
            "2017-03-02",
            "P1Y2M3DT3H59M59.5S",
            "JNIM",
            "05:12:30.500",
            "2024-09-17T05:00"
        ]
    );
    let (header, _) = read_csv(&files.relationship_files[0]);
    assert_eq!(header, [":START_ID", ":END_ID", "at:datetime", "date:date", ":TYPE"]);
    let kuzu = std::fs::read_to_string(&files.kuzu_script).expect("kuzu script");
    assert!(kuzu.contains("`founded` DATE"), "{kuzu}");

    let graphml = write_to_string(&Subgraph::from_graph(&g), Format::Graphml);
    assert!(graphml.contains(">2017-03-02</data>"), "{graphml}");
    assert!(graphml.contains(r#"attr.name="founded" attr.type="string""#), "{graphml}");
    let jsonl = write_to_string(&Subgraph::from_graph(&g), Format::Jsonl);
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().expect("a line")).expect("json");
    assert_eq!(first["properties"]["claimed"], "2024-09-17T05:00+02:00[Europe/Stockholm]");
    assert_eq!(first["properties"]["dates"][1], "-0044-03-15");
    let cypher = write_to_string(&Subgraph::from_graph(&g), Format::Cypher);
    assert!(cypher.contains("founded: date('2017-03-02')"), "{cypher}");
    assert!(cypher.contains("lasted: duration('P1Y2M3DT3H59M59.5S')"), "{cypher}");
}

/// Names and values chosen to break naive escaping in every format.
fn hostile_graph() -> PropertyGraph {
    let mut g = PropertyGraph::new();
    let names = [
        "say \"hi\"",
        r"back\slash\",
        "two\nlines\r\nand more",
        "<html> & {braces} [x] 'single'",
        "تنظيم الدولة الإسلامية في الصحراء الكبرى",
        "tab\there; semi|pipe, comma",
        "ctrl\u{1}char\u{7f}",
        "\\\"",
        "",
    ];
    let mut ids = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let labels: Vec<&str> = match i % 3 {
            0 => vec!["ArmedGroup"],
            1 => vec!["Odd Label", "مكان"],
            _ => vec![],
        };
        let p = props(vec![
            ("name", Value::from(*name)),
            ("weird key `x`", Value::from(*name)),
            ("aliases", list(&[name, "a|b"])),
            ("n", if i % 2 == 0 { Value::Int(i as i64) } else { Value::Float(i as f64 / 3.0) }),
            ("flag", Value::Bool(i % 2 == 0)),
            ("meta", Value::Map([("k".to_string(), Value::from(*name))].into_iter().collect::<PropertyMap>())),
        ]);
        ids.push(g.add_node(labels, p).expect("node"));
    }
    for (i, w) in ids.windows(2).enumerate() {
        let t = if i % 2 == 0 { "ATTACKED" } else { "TYPE WITH <SPACE>" };
        let p = props(vec![("evidence", Value::from(names[i])), ("mentions", Value::Float(2.5))]);
        g.add_relationship(w[0], w[1], t, p).expect("relationship");
    }
    g.add_relationship(ids[0], ids[0], "TRUCE_BETWEEN", props(vec![])).expect("self-loop");
    let extremes = props(vec![
        ("name", Value::from("numbers at the edges")),
        ("nan", Value::Float(f64::NAN)),
        ("inf", Value::Float(f64::NEG_INFINITY)),
        ("min", Value::Int(i64::MIN)),
        ("huge", Value::Float(1e300)),
        ("tiny", Value::Float(5e-324)),
        ("nested", Value::List(vec![Value::List(vec![]), Value::Map(PropertyMap::new()), Value::Null])),
    ]);
    g.add_node(["Place"], extremes).expect("node");
    g
}

fn write_to_string(sub: &Subgraph<'_>, format: Format) -> String {
    let mut out = Vec::new();
    export::export_to_writer(sub, format, &mut out).expect("export");
    String::from_utf8(out).expect("utf-8")
}

fn dot_available() -> bool {
    Command::new("dot").arg("-V").stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// Whether Graphviz is here; in CI its absence fails the test, locally it is a loud skip.
pub fn require_dot(test: &str) -> bool {
    if dot_available() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "graphviz 'dot' is required in CI (.ci/run installs it)");
    eprintln!("SKIP {test}: graphviz 'dot' not found on PATH (apt-get install -y graphviz)");
    false
}

fn assert_dot_accepts(dot: &str, what: &str) -> String {
    let svg = export::render_dot(dot.as_bytes(), "svg").unwrap_or_else(|e| panic!("dot rejected {what}: {e}\n{dot}"));
    let svg = String::from_utf8(svg).expect("svg is utf-8");
    assert!(svg.contains("<svg"), "{what}: no svg produced");
    svg
}

#[test]
fn dot_of_example_graph_renders_with_styles() {
    if !require_dot("dot_of_example_graph_renders_with_styles") {
        return;
    }
    let g = example_graph();
    let dot = write_to_string(&Subgraph::from_graph(&g), Format::Dot);
    let svg = assert_dot_accepts(&dot, "example graph");
    assert!(svg.contains("مالي"), "Arabic names reach the SVG");
    assert_eq!(dot.matches(" -> ").count(), g.relationship_count());
    assert_eq!(dot.matches("dir=none").count(), 2, "TRUCE_BETWEEN and ALLIED_WITH have no arrowheads");
    assert!(dot.contains("penwidth=6"), "12 mentions clamp to the maximum pen width: {dot}");
    assert!(dot.contains("tooltip=\"Militants attacked an army post near the river.\""));
}

#[test]
fn dot_of_hostile_names_is_valid() {
    if !require_dot("dot_of_hostile_names_is_valid") {
        return;
    }
    let g = hostile_graph();
    let dot = write_to_string(&Subgraph::from_graph(&g), Format::Dot);
    let svg = assert_dot_accepts(&dot, "hostile names");
    assert!(svg.contains("say &quot;hi&quot;") || svg.contains("say \"hi\""), "quoted name survives");
    assert!(svg.contains(r"back\slash\"), "backslashes survive as themselves");
    assert!(svg.contains("&lt;html&gt; &amp; {braces}"), "markup characters survive");
    assert!(svg.contains("تنظيم الدولة"), "Arabic survives");
    assert_eq!(svg.matches("class=\"node\"").count(), g.node_count());
    assert_eq!(svg.matches("class=\"edge\"").count(), g.relationship_count());
}

/// The example graphs of `graphs/`: each hand-annotated `*.expected.tsv` as a graph (subject,
/// relation, object; built here so the test never depends on extraction quality), and each
/// `*.txt` built by `kg build` when this build can.
fn example_graphs(dir: &Path) -> Vec<(String, PropertyGraph)> {
    let root = util::repo_root().join("graphs");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&root).map(|rd| rd.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    let mut graphs = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if name.ends_with(".expected.tsv") {
            let text = std::fs::read_to_string(file).expect("example tsv");
            let mut g = PropertyGraph::new();
            for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
                let cols: Vec<&str> = line.split('\t').collect();
                let [subject, relation, object, ..] = cols[..] else { continue };
                let (a, _) =
                    g.merge_entity(subject, std::iter::empty::<&str>(), std::iter::empty::<&str>()).expect("entity");
                let (b, _) =
                    g.merge_entity(object, std::iter::empty::<&str>(), std::iter::empty::<&str>()).expect("entity");
                g.add_relationship(a, b, relation, props(vec![("evidence", list(&[line]))])).expect("relationship");
            }
            graphs.push((name, g));
        } else if name.ends_with(".txt") {
            let out = dir.join(format!("{name}.kg"));
            let o = util::kg().arg("build").arg(file).arg("-g").arg(&out).output().expect("run kg build");
            match kgraph::store::load(&out) {
                Ok(g) if o.status.success() => graphs.push((format!("kg build {name}"), g)),
                _ => eprintln!("SKIP kg build {name}: {}", util::stderr(&o).lines().next().unwrap_or("")),
            }
        } else if name.ends_with(".kg") {
            if let Ok(g) = kgraph::store::load(file) {
                graphs.push((name, g));
            }
        }
    }
    graphs
}

#[test]
fn dot_of_every_example_graph() {
    if !require_dot("dot_of_every_example_graph") {
        return;
    }
    let dir = util::tempdir("dot-examples");
    let graphs = example_graphs(dir.path());
    assert!(graphs.iter().any(|(name, _)| name.ends_with(".expected.tsv")), "graphs/ holds annotated examples");
    for (name, g) in graphs {
        let dot = write_to_string(&Subgraph::from_graph(&g), Format::Dot);
        let svg = assert_dot_accepts(&dot, &name);
        assert_eq!(svg.matches("class=\"edge\"").count(), g.relationship_count(), "{name}");
    }
}

/// Runs a Python snippet with the export path as argv[1]; `None` (with a SKIP line) when Python
/// or a module it needs is missing.
fn python(test: &str, script: &str, arg: &Path) -> Option<String> {
    let python = std::env::var("KG_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = match Command::new(&python).arg("-c").arg(script).arg(arg).output() {
        Ok(out) => out,
        Err(_) => {
            eprintln!("SKIP {test}: {python} not found");
            return None;
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("ModuleNotFoundError") {
        eprintln!("SKIP {test}: {}", stderr.lines().last().unwrap_or(""));
        return None;
    }
    assert!(out.status.success(), "{test}: python failed:\n{stderr}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn graphml_parses_as_xml_with_typed_keys() {
    let dir = util::tempdir("graphml-xml");
    let g = hostile_graph();
    let path = dir.path().join("g.graphml");
    export::export_to_path(&Subgraph::from_graph(&g), Format::Graphml, &path).expect("export");
    let script = r#"
import sys, xml.etree.ElementTree as ET
ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
root = ET.parse(sys.argv[1]).getroot()
keys = {k.get("id"): (k.get("attr.name"), k.get("attr.type")) for k in root.findall("g:key", ns)}
nodes = root.findall("g:graph/g:node", ns)
edges = root.findall("g:graph/g:edge", ns)
print(len(nodes), len(edges))
for n in nodes:
    for d in n.findall("g:data", ns):
        name, ty = keys[d.get("key")]
        if name == "name": print(repr(d.text or ""))
for k, (name, ty) in sorted(keys.items()):
    print("key", name, ty)
"#;
    let Some(out) = python("graphml_parses_as_xml_with_typed_keys", script, &path) else { return };
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some(format!("{} {}", g.node_count(), g.relationship_count()).as_str()));
    let names: Vec<&str> = lines.by_ref().take(g.node_count()).collect();
    assert_eq!(names[0], "'say \"hi\"'");
    assert_eq!(names[2], r"'two\nlines\r\nand more'", "line breaks and the carriage return survive");
    assert_eq!(names[4], "'تنظيم الدولة الإسلامية في الصحراء الكبرى'");
    assert_eq!(names[6], "'ctrl\u{FFFD}char\\x7f'", "a character XML cannot carry is replaced");
    let keys: Vec<&str> = lines.collect();
    assert!(keys.contains(&"key n double"), "{keys:?}");
    assert!(keys.contains(&"key flag boolean"), "{keys:?}");
    assert!(keys.contains(&"key mentions double"), "{keys:?}");
    assert!(keys.contains(&"key labels string"), "{keys:?}");
}

#[test]
fn graphml_loads_in_networkx() {
    let dir = util::tempdir("graphml-nx");
    let g = example_graph();
    let path = dir.path().join("g.graphml");
    export::export_to_path(&Subgraph::from_graph(&g), Format::Graphml, &path).expect("export");
    let script = r#"
import sys, json, networkx
g = networkx.read_graphml(sys.argv[1])
print(g.number_of_nodes(), g.number_of_edges())
print(g.nodes["n2"]["name"], g.nodes["n2"]["labels"])
e = g["n0"]["n3"]
e = e[0] if 0 in e else e
print(e["label"], type(e["mentions"]).__name__, json.loads(e["sources"]))
"#;
    let Some(out) = python("graphml_loads_in_networkx", script, &path) else { return };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], format!("{} {}", g.node_count(), g.relationship_count()));
    assert_eq!(lines[1], "Mali :State");
    assert_eq!(lines[2], "ATTACKED int ['doc-1', 'doc-2']");

    let hostile = hostile_graph();
    let path = dir.path().join("hostile.graphml");
    export::export_to_path(&Subgraph::from_graph(&hostile), Format::Graphml, &path).expect("export");
    let script = r#"
import sys, math, networkx
g = networkx.read_graphml(sys.argv[1])
print(g.number_of_nodes(), g.number_of_edges())
last = g.nodes["n%d" % (g.number_of_nodes() - 1)]
print(math.isnan(last["nan"]), last["inf"], last["min"], last["weird key `x`"] if "weird key `x`" in last else "-")
print(repr(g.nodes["n1"]["name"]), g.nodes["n1"]["labels"])
"#;
    let Some(out) = python("graphml_loads_in_networkx", script, &path) else { return };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], format!("{} {}", hostile.node_count(), hostile.relationship_count()));
    assert_eq!(lines[1], "True -inf -9223372036854775808 -");
    assert_eq!(lines[2], r"'back\\slash\\' :Odd Label:مكان");
}

#[test]
fn jsonl_lines_have_the_contract_shapes() {
    let g = hostile_graph();
    let text = write_to_string(&Subgraph::from_graph(&g), Format::Jsonl);
    let lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).expect("each line is one JSON document")).collect();
    assert_eq!(lines.len(), g.node_count() + g.relationship_count());
    let (nodes, rels) = lines.split_at(g.node_count());
    assert!(nodes.iter().all(|n| n["kind"] == "node" && n["labels"].is_array() && n["id"].is_u64()));
    assert!(rels.iter().all(|r| r["kind"] == "relationship" && r["start"].is_u64() && r["end"].is_u64()));
    assert_eq!(nodes[2]["properties"]["name"], "two\nlines\r\nand more");
    assert_eq!(nodes[0]["properties"]["meta"]["k"], "say \"hi\"");
    assert_eq!(rels[1]["type"], "TYPE WITH <SPACE>");
    assert_eq!(rels[1]["properties"]["mentions"], 2.5);
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("csv file");
    let header = r.headers().expect("header").iter().map(str::to_string).collect();
    let rows = r.records().map(|rec| rec.expect("record").iter().map(str::to_string).collect()).collect();
    (header, rows)
}

#[test]
fn csv_files_have_neo4j_admin_headers() {
    let dir = util::tempdir("csv");
    let g = example_graph();
    let files = export::write_csv(&Subgraph::from_graph(&g), dir.path()).expect("csv export");
    let names: Vec<String> =
        files.node_files.iter().map(|p| p.file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
    assert_eq!(
        names,
        [
            "nodes_ArmedGroup.csv",
            "nodes_State.csv",
            "nodes_Force.csv",
            "nodes_Person.csv",
            "nodes_Place.csv",
            "nodes_ArmedGroup_Organization.csv"
        ]
    );
    let (header, rows) = read_csv(&dir.path().join("nodes_ArmedGroup.csv"));
    assert_eq!(header, [":ID", "aliases:string[]", "name:string", "name_ar:string", ":LABEL"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][2], "JNIM");
    assert_eq!(rows[0][4], "ArmedGroup");
    let (_, rows) = read_csv(&dir.path().join("nodes_ArmedGroup_Organization.csv"));
    assert_eq!(rows[0][4], "ArmedGroup|Organization", "labels joined by the array delimiter");

    let mut total = 0;
    for f in &files.relationship_files {
        let (header, rows) = read_csv(f);
        assert_eq!(
            header,
            [
                ":START_ID",
                ":END_ID",
                "doc:string",
                "evidence:string[]",
                "mentions:long",
                "sentence:long",
                "sources:string[]",
                ":TYPE"
            ]
        );
        total += rows.len();
    }
    assert_eq!(total, g.relationship_count());
    let (_, rows) = read_csv(&dir.path().join("rels_ATTACKED.csv"));
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0],
        ["0", "3", "doc-1", "Militants attacked an army post near the river.", "4", "3", "doc-1|doc-2", "ATTACKED"]
    );

    let script = std::fs::read_to_string(&files.neo4j_script).expect("neo4j script");
    assert!(script.contains("neo4j-admin database import full"));
    assert!(script.contains("--nodes='nodes_ArmedGroup.csv'"));
    assert!(script.contains("--relationships='rels_ATTACKED.csv'"));
    let kuzu = std::fs::read_to_string(&files.kuzu_script).expect("kuzu script");
    assert!(kuzu.contains("CREATE NODE TABLE `Entity`(kg_id INT64, kg_labels STRING[], `aliases` STRING[]"));
    assert!(kuzu.contains("CREATE REL TABLE `ATTACKED`(FROM `Entity` TO `Entity`"));
}

/// Loads the CSV export into Kùzu (when its Python package is installed) and checks counts and
/// a round-tripped list property.
fn check_csv_in_kuzu(test: &str, g: &PropertyGraph) {
    let dir = util::tempdir(test);
    let files = export::write_csv(&Subgraph::from_graph(g), dir.path()).expect("csv export");
    let script = r#"
import os, sys, kuzu
os.chdir(os.path.dirname(sys.argv[1]))
conn = kuzu.Connection(kuzu.Database(os.path.join(os.path.dirname(sys.argv[1]), "db")))
conn.execute(open(sys.argv[1]).read())
def one(q):
    r = conn.execute(q)
    return r.get_next()[0]
print(one("MATCH (n) RETURN count(n)"), one("MATCH ()-[r]->() RETURN count(r)"))
print(repr(one("MATCH (n) WHERE n.kg_id = 0 RETURN n.aliases")), repr(one("MATCH (n) WHERE n.kg_id = 1 RETURN n.kg_labels")))
print(repr(one("MATCH (n) WHERE n.kg_id = 2 RETURN n.name")))
"#;
    let Some(out) = python(test, script, &files.kuzu_script) else { return };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], format!("{} {}", g.node_count(), g.relationship_count()), "{out}");
    let aliases = match g.node_property(NodeId(0), "aliases") {
        Some(Value::List(items)) => {
            items.iter().filter_map(Value::as_str).map(|s| format!("'{s}'")).collect::<Vec<_>>()
        }
        _ => Vec::new(),
    };
    let mut labels: Vec<String> = g.node_labels(NodeId(1)).map(|l| format!("'{l}'")).collect();
    labels.sort();
    let labels = if labels.is_empty() { "None".to_string() } else { format!("[{}]", labels.join(", ")) };
    if aliases.iter().all(|a| !a.contains('|')) {
        assert_eq!(lines[1], format!("[{}] {labels}", aliases.join(", ")), "{out}");
    } else {
        assert!(lines[1].ends_with(&format!(" {labels}")), "{out}");
    }
    let name = g.node_property(NodeId(2), "name").and_then(Value::as_str).unwrap_or("");
    assert!(lines[2].contains(&name.replace('\n', "\\n").replace('\r', "\\r")), "{out}");
}

#[test]
fn csv_loads_into_kuzu() {
    check_csv_in_kuzu("csv_loads_into_kuzu", &example_graph());
}

#[test]
fn csv_of_hostile_names_loads_into_kuzu() {
    check_csv_in_kuzu("csv_of_hostile_names_loads_into_kuzu", &hostile_graph());
}

/// What a property looks like after a trip through Cypher: itself, or its JSON text when
/// Cypher cannot store it (maps, nested lists).
fn through_cypher(v: &Value) -> Value {
    if export::is_cypher_property(v) {
        v.clone()
    } else {
        Value::from(export::value_to_json_string(v))
    }
}

/// A graph's content without ids: each node as Cypher text (labels sorted, property values as
/// `prop` maps them), each relationship as `start -[type props]-> end` in terms of those texts;
/// both sorted.
fn canonical_with(g: &PropertyGraph, prop: fn(&Value) -> Value) -> (Vec<String>, Vec<String>) {
    let node_text = |id: NodeId| {
        let mut v = g.node_value(id).expect("live node");
        v.labels.sort();
        v.id = 0;
        v.properties.values_mut().for_each(|x| *x = prop(x));
        v.to_string()
    };
    let mut nodes: Vec<String> = g.node_ids().map(node_text).collect();
    let mut rels: Vec<String> = g
        .relationship_ids()
        .map(|r| {
            let (a, b) = g.endpoints(r).expect("endpoints");
            let mut v = g.relationship_value(r).expect("live relationship");
            v.properties.values_mut().for_each(|x| *x = prop(x));
            format!("{}-{}->{}", node_text(a), v, node_text(b))
        })
        .collect();
    nodes.sort();
    rels.sort();
    (nodes, rels)
}

fn canonical(g: &PropertyGraph) -> (Vec<String>, Vec<String>) {
    canonical_with(g, Value::clone)
}

fn run_script(g: &mut PropertyGraph, script: &str) {
    let statements = query::split_statements(script);
    assert!(!statements.is_empty() || !script.contains(';'), "the script splits into statements");
    for span in statements {
        let text = &script[span.start..span.end];
        query::execute(g, text, &Params::new(), &ExecOptions::default())
            .unwrap_or_else(|e| panic!("statement failed: {e}\n{text}"));
    }
}

#[test]
fn cypher_export_round_trips_through_kg() {
    let dir = util::tempdir("cypher-round-trip");
    let mut graphs = vec![
        ("example".to_string(), example_graph()),
        ("hostile".to_string(), hostile_graph()),
        ("temporal".to_string(), temporal_graph()),
    ];
    graphs.extend(example_graphs(dir.path()));
    for (what, g) in graphs {
        let script = write_to_string(&Subgraph::from_graph(&g), Format::Cypher);
        let mut back = PropertyGraph::new();
        run_script(&mut back, &script);
        assert_eq!(canonical(&back), canonical_with(&g, through_cypher), "{what} graph after export → run");
        assert_eq!(back.label_count(export::EXPORT_LABEL), 0, "temporary label removed");
    }
}

#[test]
fn query_result_subgraph_includes_paths_and_endpoints() {
    let g = example_graph();
    let path = kgraph::graph::PathValue {
        nodes: vec![g.node_value(NodeId(0)).expect("n0"), g.node_value(NodeId(3)).expect("n3")],
        relationships: vec![g.relationship_value(kgraph::graph::RelId(0)).expect("r0")],
    };
    let result = QueryResult {
        columns: vec!["p".into(), "rels".into()],
        rows: vec![vec![
            Value::Path(Box::new(path)),
            Value::List(vec![Value::Relationship(Box::new(
                g.relationship_value(kgraph::graph::RelId(4)).expect("r4"),
            ))]),
        ]],
        ..Default::default()
    };
    let mut sub = Subgraph::from_result(&result);
    sub.fill_endpoints(&g);
    let jsonl = write_to_string(&sub, Format::Jsonl);
    let names: Vec<String> = jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["kind"] == "node")
        .map(|v| v["properties"]["name"].as_str().unwrap_or("?").to_string())
        .collect();
    assert_eq!(names, ["JNIM", "Malian army", "Gao"], "Gao is filled in as the endpoint of CONTROLS");
    assert_eq!(sub.relationship_count(), 2);
}

/// A fixed graph whose exports are pinned byte for byte.
fn fixture_graph() -> PropertyGraph {
    let mut g = PropertyGraph::new();
    let a = g
        .add_node(["ArmedGroup"], props(vec![("name", Value::from("JNIM")), ("aliases", list(&["نصرة الإسلام"]))]))
        .expect("a");
    let b = g.add_node(["Force"], props(vec![("name", Value::from("Malian \"army\""))])).expect("b");
    let c = g.add_node(["Place"], props(vec![("name", Value::from("Gao")), ("pop", Value::Float(0.5))])).expect("c");
    g.add_relationship(a, b, "ATTACKED", props(vec![("mentions", Value::Int(3)), ("evidence", list(&["a<b"]))]))
        .expect("r");
    g.add_relationship(b, c, "CONTROLS", props(vec![("mentions", Value::Int(1))])).expect("r");
    g.add_relationship(a, b, "TRUCE_BETWEEN", props(vec![])).expect("r");
    g
}

#[test]
fn exports_of_fixed_graph_match_fixtures() {
    let g = fixture_graph();
    let sub = Subgraph::from_graph(&g);
    let dir = util::repo_root().join("tests/fixtures/export");
    let bless = std::env::var_os("KG_BLESS").is_some();
    let mut outputs: BTreeMap<String, String> = BTreeMap::new();
    for (ext, format) in [("dot", Format::Dot), ("cypher", Format::Cypher), ("graphml", Format::Graphml)] {
        outputs.insert(ext.to_string(), write_to_string(&sub, format));
    }
    outputs.insert("jsonl".into(), write_to_string(&sub, Format::Jsonl));
    let mut dot_custom = Vec::new();
    let options =
        DotOptions { symmetric_types: vec![], max_penwidth: 2.0, max_tooltip_chars: 1, ..DotOptions::default() };
    export::write_dot(&sub, &mut dot_custom, &options).expect("dot");
    outputs.insert("options.dot".into(), String::from_utf8(dot_custom).expect("utf-8"));
    let csv_dir = util::tempdir("fixture-csv");
    let files = export::write_csv(&sub, csv_dir.path()).expect("csv");
    let mut csv_names = Vec::new();
    for path in
        files.node_files.iter().chain(&files.relationship_files).chain([&files.neo4j_script, &files.kuzu_script])
    {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        csv_names.push(name.clone());
        let text = std::fs::read_to_string(path).expect("csv output");
        outputs.insert(format!("csv/{name}"), text);
    }
    outputs.insert("csv/FILES".into(), csv_names.join("\n") + "\n");
    for (ext, actual) in outputs {
        let path = match ext.strip_prefix("csv/") {
            Some(name) => dir.join("small.csv").join(name),
            None => dir.join(format!("small.{ext}")),
        };
        if bless {
            std::fs::create_dir_all(path.parent().unwrap_or(&dir)).expect("fixture dir");
            std::fs::write(&path, &actual).expect("write fixture");
            continue;
        }
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (create it with KG_BLESS=1)", path.display()));
        assert_eq!(actual, expected, "{} differs (review, then KG_BLESS=1 to accept)", path.display());
    }
}

#[test]
fn cli_rejects_render_without_dot_and_csv_without_directory() {
    let dir = util::tempdir("cli-export");
    let graph = dir.path().join("g.kg");
    let graph = graph.to_str().expect("utf-8 path");
    // Bad argument combinations are usage errors (exit 2), found before the graph is read.
    let o = util::run_kg(&["export", "-g", graph, "--format", "cypher", "--render", "svg"]);
    util::assert_error(&o, 2, "--render needs --format dot");
    let o = util::run_kg(&["export", "-g", graph, "--format", "csv"]);
    util::assert_error(&o, 2, "csv export writes several files");
    let o = util::run_kg(&["export", "-g", graph, "--format", "jsonl", "--connected"]);
    util::assert_error(&o, 2, "--connected and --legend need --format dot");
    let o = util::run_kg(&["export", "-g", graph, "--format", "dot", "--render", "png", "-o", "x.svg"]);
    util::assert_error(&o, 2, "--render png but the output names a .svg file");
    let o = util::run_kg(&["export", "-g", graph, "--format", "svg"]);
    util::assert_error(&o, 2, "invalid value");
}

/// A graph file built through `kg import`, with names a TSV can carry that break naive writers.
fn imported_graph(dir: &Path) -> PathBuf {
    let tsv = "subject\trelation\tobject\tsubject_label\tobject_label\tevidence\n\
               JNIM\tATTACKED\tMalian \"army\"\tArmedGroup\tForce\tthey said \"x\" \\ y\n\
               تنظيم\\x\tTRUCE_BETWEEN\t<{Gao}>\tArmedGroup\tPlace\tهدنة بين الطرفين\n\
               JNIM\tALLIED_WITH\tتنظيم\\x\tArmedGroup\tArmedGroup\ta & b\n";
    let input = util::write(dir, "triples.tsv", tsv);
    let graph = dir.join("g.kg");
    let o = util::kg().arg("import").arg(&input).arg("-g").arg(&graph).output().expect("run kg import");
    assert!(o.status.success(), "kg import failed: {}", util::stderr(&o));
    graph
}

#[test]
fn cli_exports_a_graph_file_in_every_format() {
    let dir = util::tempdir("cli-export-all");
    let graph = imported_graph(dir.path());
    for format in ["dot", "cypher", "graphml", "jsonl"] {
        let out = dir.path().join(format!("g.{format}"));
        let o =
            util::kg().args(["export", "--format", format, "-g"]).arg(&graph).arg("-o").arg(&out).output().expect("kg");
        assert!(o.status.success(), "kg export --format {format}: {}", util::stderr(&o));
        let text = std::fs::read_to_string(&out).expect("export file");
        assert!(text.contains("تنظيم"), "{format} keeps Arabic names");
    }
    let o = util::kg().args(["export", "--format", "jsonl", "-g"]).arg(&graph).output().expect("kg");
    assert!(o.status.success(), "{}", util::stderr(&o));
    assert_eq!(util::stdout(&o).lines().count(), 4 + 3, "jsonl to standard output, one line per element");
    let csv_dir = dir.path().join("csv");
    let o =
        util::kg().args(["export", "--format", "csv", "-g"]).arg(&graph).arg("-o").arg(&csv_dir).output().expect("kg");
    assert!(o.status.success(), "{}", util::stderr(&o));
    assert!(csv_dir.join("nodes_ArmedGroup.csv").is_file() && csv_dir.join("load-kuzu.cypher").is_file());
    if require_dot("cli_exports_a_graph_file_in_every_format") {
        let dot = std::fs::read_to_string(dir.path().join("g.dot")).expect("dot file");
        assert_dot_accepts(&dot, "imported graph");
    }
}

#[test]
fn cli_render_runs_graphviz_or_says_it_is_missing() {
    let dir = util::tempdir("cli-render");
    let graph = imported_graph(dir.path());
    let empty_path = dir.path().join("no-tools");
    std::fs::create_dir_all(&empty_path).expect("dir");
    let o = util::kg()
        .args(["export", "--format", "dot", "--render", "svg", "-g"])
        .arg(&graph)
        .env("PATH", &empty_path)
        .output()
        .expect("kg");
    util::assert_error(&o, 1, "graphviz 'dot' not found on PATH; install graphviz or omit --render");
    if !require_dot("cli_render_runs_graphviz_or_says_it_is_missing") {
        return;
    }
    let svg = dir.path().join("g.svg");
    let o = util::kg()
        .args(["export", "--format", "dot", "--render", "svg", "-g"])
        .arg(&graph)
        .arg("-o")
        .arg(&svg)
        .output()
        .expect("kg");
    assert!(o.status.success(), "{}", util::stderr(&o));
    let text = std::fs::read_to_string(&svg).expect("svg");
    assert!(text.contains("<svg") && text.contains("Malian &quot;army&quot;"), "{text}");
    let png = util::kg().args(["export", "--format", "dot", "--render", "png", "-g"]).arg(&graph).output().expect("kg");
    assert!(png.status.success() && png.stdout.starts_with(b"\x89PNG"), "png on standard output");

    // Issue 13 item 2: `-o sahel.dot --render svg` keeps the DOT and writes the picture beside it.
    let dot = dir.path().join("sahel.dot");
    let o = util::kg()
        .args(["export", "--format", "dot", "--render", "png", "--connected", "--legend", "-g"])
        .arg(&graph)
        .arg("-o")
        .arg(&dot)
        .output()
        .expect("kg");
    assert!(o.status.success(), "{}", util::stderr(&o));
    let text = std::fs::read_to_string(&dot).expect("the DOT stays DOT");
    assert!(text.starts_with("digraph") && text.contains("cluster_legend"), "{text}");
    assert!(std::fs::read(dir.path().join("sahel.png")).expect("picture beside it").starts_with(b"\x89PNG"));
}

#[test]
fn cli_exports_the_subgraph_of_a_query() {
    let dir = util::tempdir("cli-export-query");
    let graph = imported_graph(dir.path());
    let query = "MATCH p = (a)-[:ATTACKED]->(b) RETURN p, [a.name] AS names";
    let o = util::kg().args(["export", "--format", "jsonl", "--query", query, "-g"]).arg(&graph).output().expect("kg");
    assert!(o.status.success(), "{}", util::stderr(&o));
    let lines: Vec<serde_json::Value> =
        util::stdout(&o).lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    let kinds: Vec<&str> = lines.iter().filter_map(|l| l["kind"].as_str()).collect();
    assert_eq!(kinds, ["node", "node", "relationship"], "the path's two nodes and one relationship");
    assert_eq!(lines[1]["properties"]["name"], "Malian \"army\"");

    let query = "MATCH ()-[r:TRUCE_BETWEEN]-() RETURN DISTINCT r";
    let o = util::kg().args(["export", "--format", "dot", "--query", query, "-g"]).arg(&graph).output().expect("kg");
    assert!(o.status.success(), "{}", util::stderr(&o));
    let dot = util::stdout(&o);
    assert!(dot.contains("label=\"<{Gao}>\""), "the endpoint the query did not return is filled in: {dot}");
    assert_eq!(dot.matches(" -> ").count(), 1);

    let o = util::kg()
        .args(["export", "--format", "dot", "--query", "MATCH (n RETURN n", "-g"])
        .arg(&graph)
        .output()
        .expect("kg");
    util::assert_error(&o, 1, "<query>:1:");
}

#[test]
fn cli_cypher_export_runs_back_into_the_same_graph() {
    let dir = util::tempdir("cli-cypher-round-trip");
    let graph = imported_graph(dir.path());
    let script = dir.path().join("g.cypher");
    let o = util::kg()
        .args(["export", "--format", "cypher", "-g"])
        .arg(&graph)
        .arg("-o")
        .arg(&script)
        .output()
        .expect("kg");
    assert!(o.status.success(), "{}", util::stderr(&o));
    let copy = dir.path().join("copy.kg");
    let o = util::kg().arg("run").arg("-g").arg(&copy).arg(&script).output().expect("kg run");
    assert!(o.status.success(), "kg run of the export failed: {}", util::stderr(&o));
    let jsonl = |g: &Path| {
        let o = util::kg().args(["export", "--format", "jsonl", "-g"]).arg(g).output().expect("kg");
        assert!(o.status.success(), "{}", util::stderr(&o));
        util::stdout(&o)
    };
    // Created in id order into an empty graph, the copy gets the same ids too.
    assert_eq!(jsonl(&copy), jsonl(&graph));
}
