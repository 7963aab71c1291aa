//! Node and relationship CSV files for bulk loaders: `neo4j-admin database import` (Neo4j 5)
//! and Kùzu's `COPY FROM`, the scale-out path for graphs that outgrow one machine.
//!
//! [`write_csv`] writes into a directory:
//!
//! - `nodes_<Labels>.csv`, one file per label set (labels sorted and joined by `_`,
//!   `unlabelled` for nodes without labels), with the neo4j-admin header
//!   `:ID,<key>:<type>,…,:LABEL`;
//! - `rels_<TYPE>.csv`, one file per relationship type, with the header
//!   `:START_ID,:END_ID,<key>:<type>,…,:TYPE`;
//! - `import-neo4j.sh`, the exact neo4j-admin command for these files;
//! - `load-kuzu.cypher`, a Kùzu schema (one node table `Entity` holding every node, its labels
//!   in `kg_labels STRING[]`; one relationship table per type, `FROM Entity TO Entity`) and one
//!   `COPY … FROM (LOAD WITH HEADERS (…) FROM '<file>' …)` per file.
//!
//! `:ID` is the node's kgraph id (one id space for all files; in Kùzu the `kg_id INT64` primary
//! key). A property key has one type across all node files (and across the relationships of one
//! type), so the files of a kind agree. Column types: `long`, `double`, `boolean`, `string`, and
//! arrays `long[]`, `double[]`, `boolean[]`, `string[]` whose items are joined by `|`; a column
//! whose values disagree, maps, and lists that do not fit an array (mixed items, nulls, a `|`
//! inside a string) are `string` holding JSON. An empty field is a missing property (so an empty
//! list or string is lost).
//!
//! Loading, from inside the export directory:
//!
//! ```text
//! # Neo4j 5 (database stopped; creates or overwrites database "neo4j"):
//! sh import-neo4j.sh            # runs: neo4j-admin database import full --overwrite-destination \
//!                               #   --array-delimiter='|' --multiline-fields=true \
//!                               #   --nodes=nodes_ArmedGroup.csv … --relationships=rels_….csv neo4j
//! # Kùzu (Python package `kuzu`; DB is a new database directory):
//! python3 -c "import kuzu; kuzu.Connection(kuzu.Database('DB')).execute(open('load-kuzu.cypher').read())"
//! ```
//!
//! Kùzu reads the header-typed columns itself, which would misread `|`-joined arrays, so the
//! script names every column in `LOAD WITH HEADERS (…)` and splits arrays with `string_split`.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use indexmap::{IndexMap, IndexSet};

use super::jsonl::value_to_json_string;
use super::subgraph::Subgraph;
use super::ExportError;
use crate::graph::Value;

/// The separator of array items inside one CSV field.
pub const ARRAY_DELIMITER: char = '|';

/// The files one [`write_csv`] call wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvExport {
    /// Node files, one per label set.
    pub node_files: Vec<PathBuf>,
    /// Relationship files, one per type.
    pub relationship_files: Vec<PathBuf>,
    /// `import-neo4j.sh`.
    pub neo4j_script: PathBuf,
    /// `load-kuzu.cypher`.
    pub kuzu_script: PathBuf,
}

/// The scalar type of a column or of an array column's items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scalar {
    Long,
    Double,
    Boolean,
    String,
    /// A temporal kind, by its constructor name (`date`, `datetime`, `duration`, ...), which is
    /// also neo4j-admin's type name.
    Temporal(&'static str),
}

impl Scalar {
    fn of(v: &Value) -> Option<Scalar> {
        match v {
            Value::Int(_) => Some(Scalar::Long),
            Value::Float(_) => Some(Scalar::Double),
            Value::Bool(_) => Some(Scalar::Boolean),
            Value::String(s) if !s.contains(ARRAY_DELIMITER) => Some(Scalar::String),
            Value::Temporal(t) => Some(Scalar::Temporal(t.function_name())),
            _ => None,
        }
    }

    fn merge(self, other: Scalar) -> Option<Scalar> {
        use Scalar::*;
        match (self, other) {
            (a, b) if a == b => Some(a),
            (Long, Double) | (Double, Long) => Some(Double),
            _ => None,
        }
    }

    fn neo4j(self) -> &'static str {
        match self {
            Scalar::Long => "long",
            Scalar::Double => "double",
            Scalar::Boolean => "boolean",
            Scalar::String => "string",
            Scalar::Temporal(kind) => kind,
        }
    }

    /// Kùzu has dates and zone-less timestamps; other temporals load as their ISO text.
    fn kuzu(self) -> &'static str {
        match self {
            Scalar::Long => "INT64",
            Scalar::Double => "DOUBLE",
            Scalar::Boolean => "BOOLEAN",
            Scalar::Temporal("date") => "DATE",
            Scalar::Temporal("localdatetime") => "TIMESTAMP",
            Scalar::String | Scalar::Temporal(_) => "STRING",
        }
    }
}

/// A column's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ColType {
    /// One scalar per field.
    Scalar(Scalar),
    /// `|`-joined items; `None` while only empty lists were seen.
    Array(Option<Scalar>),
    /// Strings as they are, anything else as JSON.
    Text,
}

impl ColType {
    fn of(v: &Value) -> ColType {
        match v {
            Value::String(_) => ColType::Scalar(Scalar::String),
            Value::List(items) => {
                let mut t: Option<Scalar> = None;
                for item in items {
                    let Some(s) = Scalar::of(item) else { return ColType::Text };
                    t = match t {
                        None => Some(s),
                        Some(prev) => match prev.merge(s) {
                            Some(m) => Some(m),
                            None => return ColType::Text,
                        },
                    };
                }
                ColType::Array(t)
            }
            other => Scalar::of(other).map_or(ColType::Text, ColType::Scalar),
        }
    }

    fn merge(self, other: ColType) -> ColType {
        use ColType::*;
        match (self, other) {
            (Scalar(a), Scalar(b)) => a.merge(b).map_or(Text, Scalar),
            (Array(None), Array(b)) | (Array(b), Array(None)) => Array(b),
            (Array(Some(a)), Array(Some(b))) => a.merge(b).map_or(Text, |s| Array(Some(s))),
            _ => Text,
        }
    }

    fn neo4j(self) -> String {
        match self {
            ColType::Scalar(s) => s.neo4j().to_string(),
            ColType::Array(s) => format!("{}[]", s.unwrap_or(Scalar::String).neo4j()),
            ColType::Text => "string".to_string(),
        }
    }

    fn kuzu(self) -> String {
        match self {
            ColType::Scalar(s) => s.kuzu().to_string(),
            ColType::Array(s) => format!("{}[]", s.unwrap_or(Scalar::String).kuzu()),
            ColType::Text => "STRING".to_string(),
        }
    }

    /// The Kùzu expression turning the raw CSV column `col` (read as STRING for arrays) into
    /// the table's type.
    fn kuzu_load(self, col: &str) -> String {
        match self {
            ColType::Array(Some(Scalar::String) | None) => format!("string_split({col}, '{ARRAY_DELIMITER}')"),
            ColType::Array(Some(s)) => {
                format!("CAST(string_split({col}, '{ARRAY_DELIMITER}') AS {}[])", s.kuzu())
            }
            _ => col.to_string(),
        }
    }

    /// The type Kùzu's `LOAD WITH HEADERS` reads the raw column as.
    fn kuzu_raw(self) -> String {
        match self {
            ColType::Array(_) => "STRING".to_string(),
            other => other.kuzu(),
        }
    }

    fn field(self, v: &Value) -> String {
        match (self, v) {
            (_, Value::Null) => String::new(),
            (_, Value::String(s)) => s.clone(),
            (ColType::Array(_), Value::List(items)) => {
                items.iter().map(scalar_field).collect::<Vec<_>>().join(&ARRAY_DELIMITER.to_string())
            }
            (ColType::Text, other) => value_to_json_string(other),
            (_, other) => scalar_field(other),
        }
    }
}

/// A scalar as one CSV field (or array item).
fn scalar_field(v: &Value) -> String {
    match v {
        Value::Float(f) if f.is_nan() => "NaN".into(),
        Value::Float(f) if f.is_infinite() => if *f > 0.0 { "Infinity" } else { "-Infinity" }.into(),
        Value::Float(f) => format!("{f:?}"),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Temporal(t) => t.to_string(),
        other => value_to_json_string(other),
    }
}

/// The columns of one kind of element (nodes, or relationships of one type): every property
/// key with the type that fits all its values, in key order.
#[derive(Default)]
struct Columns {
    types: IndexMap<String, ColType>,
}

impl Columns {
    fn see(&mut self, key: &str, v: &Value) {
        let t = ColType::of(v);
        match self.types.get_mut(key) {
            Some(slot) => *slot = slot.merge(t),
            None => {
                self.types.insert(key.to_string(), t);
            }
        }
    }

    fn finish(&mut self) {
        self.types.sort_unstable_keys();
    }
}

/// One output file: which of its kind's columns it has, and whether a field spans lines.
struct Group {
    file: String,
    /// Indices into the kind's [`Columns`], ascending.
    columns: Vec<usize>,
    multiline: bool,
}

impl Group {
    fn new(file: String) -> Group {
        Group { file, columns: Vec::new(), multiline: false }
    }
}

fn has_line_break(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains(['\n', '\r']),
        Value::List(items) => items.iter().any(has_line_break),
        Value::Map(map) => map.values().any(has_line_break),
        _ => false,
    }
}

/// A name for Kùzu and for a file: ASCII letters, digits and `_` only, unique (ignoring case).
fn table_name(raw: &str, used: &mut IndexSet<String>) -> String {
    let mut base: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
        base.insert(0, 'T');
    }
    let mut name = base.clone();
    let mut i = 2;
    while used.contains(&name.to_ascii_lowercase()) {
        name = format!("{base}_{i}");
        i += 1;
    }
    used.insert(name.to_ascii_lowercase());
    name
}

fn kuzu_name(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

fn create_file(path: &Path) -> Result<csv::Writer<BufWriter<File>>, ExportError> {
    let file = File::create(path).map_err(|source| ExportError::File { path: path.to_path_buf(), source })?;
    Ok(csv::WriterBuilder::new().from_writer(BufWriter::new(file)))
}

fn csv_error(path: &Path, e: csv::Error) -> ExportError {
    ExportError::File { path: path.to_path_buf(), source: std::io::Error::other(e) }
}

/// The Kùzu node table every node is copied into.
pub const KUZU_NODE_TABLE: &str = "Entity";

/// A node's label set as its file groups it: sorted, so `:A:B` and `:B:A` share a file.
fn label_key<'a>(labels: &[&'a str]) -> Vec<&'a str> {
    let mut key = labels.to_vec();
    key.sort_unstable();
    key
}

/// Writes `sub` as CSV files and load scripts into `dir` (created if missing; files of the same
/// names are overwritten). See the module documentation for the layout and load commands.
///
/// # Errors
/// [`ExportError::File`] when the directory or a file cannot be written.
pub fn write_csv(sub: &Subgraph<'_>, dir: &Path) -> Result<CsvExport, ExportError> {
    std::fs::create_dir_all(dir).map_err(|source| ExportError::File { path: dir.to_path_buf(), source })?;

    // Pass 1: the files, and the columns and types of each kind of element.
    let mut node_columns = Columns::default();
    let mut node_groups: IndexMap<Vec<&str>, (Group, IndexSet<String>)> = IndexMap::new();
    let mut used = IndexSet::new();
    for n in sub.nodes() {
        let key = label_key(&n.labels);
        if !node_groups.contains_key(&key) {
            let raw = if key.is_empty() { "unlabelled".to_string() } else { key.join("_") };
            let file = format!("nodes_{}.csv", table_name(&raw, &mut used));
            node_groups.insert(key.clone(), (Group::new(file), IndexSet::new()));
        }
        let Some((group, keys)) = node_groups.get_mut(&key) else { continue };
        for (k, v) in &n.properties {
            node_columns.see(k, v);
            if !keys.contains(*k) {
                keys.insert(k.to_string());
            }
            group.multiline |= has_line_break(v);
        }
    }
    node_columns.finish();
    for (group, keys) in node_groups.values_mut() {
        group.columns = (0..node_columns.types.len())
            .filter(|&i| node_columns.types.get_index(i).is_some_and(|(k, _)| keys.contains(k)))
            .collect();
    }
    let mut rel_groups: IndexMap<&str, (Group, Columns, String)> = IndexMap::new();
    let mut used = IndexSet::from([KUZU_NODE_TABLE.to_ascii_lowercase()]);
    for r in sub.relationships() {
        if !rel_groups.contains_key(r.rel_type) {
            let table = table_name(r.rel_type, &mut used);
            rel_groups.insert(r.rel_type, (Group::new(format!("rels_{table}.csv")), Columns::default(), table));
        }
        let Some((group, columns, _)) = rel_groups.get_mut(r.rel_type) else { continue };
        for (k, v) in &r.properties {
            columns.see(k, v);
            group.multiline |= has_line_break(v);
        }
    }
    for (group, columns, _) in rel_groups.values_mut() {
        columns.finish();
        group.columns = (0..columns.types.len()).collect();
    }

    // Pass 2: the rows.
    let mut node_writers = Vec::new();
    for (group, _) in node_groups.values() {
        let path = dir.join(&group.file);
        let mut w = create_file(&path)?;
        let mut header = vec![":ID".to_string()];
        header.extend(
            group
                .columns
                .iter()
                .filter_map(|&i| node_columns.types.get_index(i))
                .map(|(k, t)| format!("{k}:{}", t.neo4j())),
        );
        header.push(":LABEL".into());
        w.write_record(&header).map_err(|e| csv_error(&path, e))?;
        node_writers.push((path, w));
    }
    for n in sub.nodes() {
        let key = label_key(&n.labels);
        let Some((g, _, (group, _))) = node_groups.get_full(&key) else { continue };
        let mut record = vec![n.id.to_string()];
        for &i in &group.columns {
            let Some((k, t)) = node_columns.types.get_index(i) else { continue };
            record.push(n.property(k).map_or_else(String::new, |v| t.field(v)));
        }
        record.push(key.join(&ARRAY_DELIMITER.to_string()));
        let (path, w) = &mut node_writers[g];
        w.write_record(&record).map_err(|e| csv_error(path, e))?;
    }
    let mut rel_writers = Vec::new();
    for (group, columns, _) in rel_groups.values() {
        let path = dir.join(&group.file);
        let mut w = create_file(&path)?;
        let mut header = vec![":START_ID".to_string(), ":END_ID".to_string()];
        header.extend(columns.types.iter().map(|(k, t)| format!("{k}:{}", t.neo4j())));
        header.push(":TYPE".into());
        w.write_record(&header).map_err(|e| csv_error(&path, e))?;
        rel_writers.push((path, w));
    }
    for r in sub.relationships() {
        let Some((g, _, (_, columns, _))) = rel_groups.get_full(r.rel_type) else { continue };
        let mut record = vec![r.start.to_string(), r.end.to_string()];
        record.extend(columns.types.iter().map(|(k, t)| r.property(k).map_or_else(String::new, |v| t.field(v))));
        record.push(r.rel_type.to_string());
        let (path, w) = &mut rel_writers[g];
        w.write_record(&record).map_err(|e| csv_error(path, e))?;
    }
    let mut export = CsvExport::default();
    for (path, w) in node_writers {
        finish(&path, w)?;
        export.node_files.push(path);
    }
    for (path, w) in rel_writers {
        finish(&path, w)?;
        export.relationship_files.push(path);
    }

    let node_groups: Vec<&Group> = node_groups.values().map(|(g, _)| g).collect();
    let rel_groups: Vec<(&Group, &Columns, &str)> = rel_groups.values().map(|(g, c, t)| (g, c, t.as_str())).collect();
    export.neo4j_script = dir.join("import-neo4j.sh");
    write_text(&export.neo4j_script, &neo4j_script(&node_groups, &rel_groups))?;
    export.kuzu_script = dir.join("load-kuzu.cypher");
    write_text(&export.kuzu_script, &kuzu_script(&node_columns, &node_groups, &rel_groups))?;
    Ok(export)
}

fn finish(path: &Path, w: csv::Writer<BufWriter<File>>) -> Result<(), ExportError> {
    let inner = w.into_inner().map_err(|e| ExportError::File { path: path.to_path_buf(), source: e.into_error() })?;
    inner.into_inner().map_err(|e| ExportError::File { path: path.to_path_buf(), source: e.into_error() })?;
    Ok(())
}

fn write_text(path: &Path, text: &str) -> Result<(), ExportError> {
    std::fs::write(path, text).map_err(|source| ExportError::File { path: path.to_path_buf(), source })
}

fn neo4j_script(nodes: &[&Group], rels: &[(&Group, &Columns, &str)]) -> String {
    let mut s = String::from(
        "#!/bin/sh\n# Loads this kgraph CSV export into a new Neo4j 5 database (default: neo4j; stop it first).\n\
         # Usage: sh import-neo4j.sh [DATABASE]\nset -e\ncd \"$(dirname \"$0\")\"\n\
         neo4j-admin database import full --overwrite-destination --array-delimiter='|' --multiline-fields=true \\\n",
    );
    for g in nodes {
        s.push_str(&format!("  --nodes='{}' \\\n", g.file));
    }
    for (g, _, _) in rels {
        s.push_str(&format!("  --relationships='{}' \\\n", g.file));
    }
    s.push_str("  \"${1:-neo4j}\"\n");
    s
}

fn kuzu_script(node_columns: &Columns, nodes: &[&Group], rels: &[(&Group, &Columns, &str)]) -> String {
    let mut s = String::from(
        "// Loads this kgraph CSV export into Kùzu; run from this directory, e.g.\n\
         // python3 -c \"import kuzu; kuzu.Connection(kuzu.Database('DB')).execute(open('load-kuzu.cypher').read())\"\n",
    );
    let node_table = kuzu_name(KUZU_NODE_TABLE);
    s.push_str(&format!("CREATE NODE TABLE {node_table}(kg_id INT64, kg_labels STRING[]"));
    for (k, t) in &node_columns.types {
        s.push_str(&format!(", {} {}", kuzu_name(k), t.kuzu()));
    }
    s.push_str(", PRIMARY KEY(kg_id));\n");
    for (_, columns, table) in rels {
        s.push_str(&format!("CREATE REL TABLE {}(FROM {node_table} TO {node_table}", kuzu_name(table)));
        for (k, t) in &columns.types {
            s.push_str(&format!(", {} {}", kuzu_name(k), t.kuzu()));
        }
        s.push_str(");\n");
    }
    let options = |g: &Group| if g.multiline { "header=true, parallel=false" } else { "header=true" };
    for g in nodes {
        let mut raw = vec!["c_id INT64".to_string()];
        for &i in &g.columns {
            if let Some((_, t)) = node_columns.types.get_index(i) {
                raw.push(format!("c{i} {}", t.kuzu_raw()));
            }
        }
        raw.push("c_labels STRING".into());
        let mut out = vec!["c_id".to_string(), "string_split(c_labels, '|')".to_string()];
        for (i, (_, t)) in node_columns.types.iter().enumerate() {
            out.push(if g.columns.contains(&i) {
                t.kuzu_load(&format!("c{i}"))
            } else {
                format!("CAST(NULL AS {})", t.kuzu())
            });
        }
        s.push_str(&format!(
            "COPY {node_table} FROM (LOAD WITH HEADERS ({}) FROM '{}' ({}) RETURN {});\n",
            raw.join(", "),
            g.file,
            options(g),
            aliased(&out)
        ));
    }
    for (g, columns, table) in rels {
        let mut raw = vec!["c_from INT64".to_string(), "c_to INT64".to_string()];
        let mut out = vec!["c_from".to_string(), "c_to".to_string()];
        for (i, (_, t)) in columns.types.iter().enumerate() {
            raw.push(format!("c{i} {}", t.kuzu_raw()));
            out.push(t.kuzu_load(&format!("c{i}")));
        }
        raw.push("c_type STRING".into());
        s.push_str(&format!(
            "COPY {} FROM (LOAD WITH HEADERS ({}) FROM '{}' ({}) RETURN {});\n",
            kuzu_name(table),
            raw.join(", "),
            g.file,
            options(g),
            aliased(&out)
        ));
    }
    s
}

/// Kùzu refuses two result columns with the same text (e.g. two `CAST(NULL AS STRING)`), so
/// every returned expression gets its own name.
fn aliased(exprs: &[String]) -> String {
    exprs.iter().enumerate().map(|(i, e)| format!("{e} AS r{i}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_types_merge_and_fall_back_to_text() {
        let t = |v: Value| ColType::of(&v);
        assert_eq!(t(Value::Int(1)).merge(t(Value::Float(1.5))), ColType::Scalar(Scalar::Double));
        assert_eq!(t(Value::Int(1)).merge(t(Value::from("x"))), ColType::Text);
        assert_eq!(
            t(Value::List(vec![])).merge(t(Value::List(vec!["a".into()]))),
            ColType::Array(Some(Scalar::String))
        );
        assert_eq!(t(Value::List(vec!["a|b".into()])), ColType::Text);
        assert_eq!(t(Value::List(vec![Value::Int(1), Value::Null])), ColType::Text);
        assert_eq!(ColType::Array(Some(Scalar::Long)).neo4j(), "long[]");
    }

    #[test]
    fn fields_join_arrays_and_encode_text() {
        let arr = ColType::Array(Some(Scalar::String));
        assert_eq!(arr.field(&Value::List(vec!["a".into(), "b".into()])), "a|b");
        assert_eq!(ColType::Text.field(&Value::List(vec![Value::Int(1)])), "[1]");
        assert_eq!(ColType::Scalar(Scalar::Double).field(&Value::Float(2.0)), "2.0");
    }

    #[test]
    fn table_names_are_identifiers_and_unique() {
        let mut used = IndexSet::new();
        assert_eq!(table_name("ArmedGroup_State", &mut used), "ArmedGroup_State");
        assert_eq!(table_name("دولة", &mut used), "____");
        assert_eq!(table_name("مدن", &mut used), "___");
        assert_eq!(table_name("armedgroup_state", &mut used), "armedgroup_state_2");
        assert_eq!(table_name("1x", &mut used), "T1x");
    }
}
