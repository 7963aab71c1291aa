//! Procedures that `CALL` runs: their signatures (Neo4j's notation,
//! `db.labels() :: (label :: STRING?)`), the [`Procedure`] trait, the registry [`Procedures`]
//! that the binder and the `CALL` operator look names up in, and the built-ins cypher-shell
//! users reach for first (`db.labels()`, `db.relationshipTypes()`, `db.propertyKeys()`,
//! `dbms.procedures()`).
//!
//! A registry starts with the built-ins and takes more with [`Procedures::register`]; a
//! [`TableProcedure`] answers from fixed rows (the openCypher TCK declares its test procedures
//! that way). Procedures only read the graph: a `CALL` never changes it.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::graph::{PropertyGraph, Value};

use super::error::{ErrorKind, QueryError};

/// The type of a procedure input or output (every one is nullable, as in the `?` notation).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProcType {
    /// `ANY?`
    Any,
    /// `BOOLEAN?`
    Boolean,
    /// `INTEGER?`
    Integer,
    /// `FLOAT?` (an integer argument is widened)
    Float,
    /// `NUMBER?`: an integer or a float
    Number,
    /// `STRING?`
    String,
    /// `MAP?`
    Map,
    /// `NODE?`
    Node,
    /// `RELATIONSHIP?`
    Relationship,
    /// `PATH?`
    Path,
    /// `LIST? OF T`
    List(Box<ProcType>),
}

impl ProcType {
    /// Reads a type such as `INTEGER?` or `LIST? OF STRING?` (case-insensitive).
    fn parse(text: &str) -> Option<ProcType> {
        let t = text.trim();
        let upper = t.to_ascii_uppercase();
        if let Some(rest) = upper.strip_prefix("LIST") {
            let rest = rest.trim_start().trim_start_matches('?').trim_start();
            let inner = rest.strip_prefix("OF")?;
            return Some(ProcType::List(Box::new(ProcType::parse(inner)?)));
        }
        Some(match upper.trim_end_matches('?').trim() {
            "ANY" => ProcType::Any,
            "BOOLEAN" => ProcType::Boolean,
            "INTEGER" => ProcType::Integer,
            "FLOAT" => ProcType::Float,
            "NUMBER" => ProcType::Number,
            "STRING" => ProcType::String,
            "MAP" => ProcType::Map,
            "NODE" => ProcType::Node,
            "RELATIONSHIP" => ProcType::Relationship,
            "PATH" => ProcType::Path,
            _ => return None,
        })
    }

    /// Whether `v` is a value of this type (null is a value of every type).
    pub fn accepts(&self, v: &Value) -> bool {
        match (self, v) {
            (_, Value::Null) | (ProcType::Any, _) => true,
            (ProcType::Boolean, Value::Bool(_))
            | (ProcType::Integer, Value::Int(_))
            | (ProcType::Float | ProcType::Number, Value::Int(_) | Value::Float(_))
            | (ProcType::String, Value::String(_))
            | (ProcType::Map, Value::Map(_))
            | (ProcType::Node, Value::Node(_) | Value::NodeRef(_))
            | (ProcType::Relationship, Value::Relationship(_) | Value::RelRef(_))
            | (ProcType::Path, Value::Path(_)) => true,
            (ProcType::List(t), Value::List(items)) => items.iter().all(|x| t.accepts(x)),
            _ => false,
        }
    }

    /// `v` as an argument of this type: an integer widened to a float for `FLOAT?`.
    ///
    /// # Errors
    /// `TypeError (InvalidArgumentType)` when `v` is not of this type.
    pub fn coerce(&self, v: Value) -> Result<Value, QueryError> {
        if !self.accepts(&v) {
            return Err(QueryError::new(
                ErrorKind::TypeError,
                format!("expected an argument of type {self}, found {}", v.type_name()),
            )
            .with_detail("InvalidArgumentType"));
        }
        Ok(match (self, v) {
            (ProcType::Float, Value::Int(i)) => Value::Float(i as f64),
            (_, v) => v,
        })
    }
}

impl fmt::Display for ProcType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            ProcType::Any => "ANY",
            ProcType::Boolean => "BOOLEAN",
            ProcType::Integer => "INTEGER",
            ProcType::Float => "FLOAT",
            ProcType::Number => "NUMBER",
            ProcType::String => "STRING",
            ProcType::Map => "MAP",
            ProcType::Node => "NODE",
            ProcType::Relationship => "RELATIONSHIP",
            ProcType::Path => "PATH",
            ProcType::List(t) => return write!(f, "LIST? OF {t}"),
        };
        write!(f, "{name}?")
    }
}

/// One named input or output of a procedure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The name (an output's name is the variable `YIELD` binds by default).
    pub name: String,
    /// Its type.
    pub ty: ProcType,
}

/// A procedure's name, inputs and outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The dotted name, e.g. `db.labels`.
    pub name: String,
    /// Inputs in call order.
    pub inputs: Vec<Field>,
    /// Outputs in column order; none for a void procedure.
    pub outputs: Vec<Field>,
}

impl Signature {
    /// Reads Neo4j's notation: `name(in :: TYPE?, ...) :: (out :: TYPE?, ...)`, with `()` for
    /// no inputs or no outputs.
    ///
    /// # Errors
    /// `SyntaxError` naming what is malformed.
    pub fn parse(text: &str) -> Result<Signature, QueryError> {
        let bad =
            |what: &str| QueryError::new(ErrorKind::SyntaxError, format!("bad procedure signature {text:?}: {what}"));
        let open = text.find('(').ok_or_else(|| bad("expected '(' after the name"))?;
        let name = text[..open].trim();
        if name.is_empty() || name.split('.').any(|p| p.trim().is_empty()) {
            return Err(bad("expected a dotted name such as db.labels"));
        }
        let close = open + text[open..].find(')').ok_or_else(|| bad("expected ')' after the inputs"))?;
        let rest = text[close + 1..].trim();
        let outputs = rest
            .strip_prefix("::")
            .map(str::trim)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
            .ok_or_else(|| bad("expected ':: (outputs)' after the inputs"))?;
        let fields = |list: &str| -> Result<Vec<Field>, QueryError> {
            list.split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(|f| {
                    let (name, ty) = f.split_once("::").ok_or_else(|| bad("expected 'name :: TYPE'"))?;
                    let ty = ProcType::parse(ty).ok_or_else(|| bad(&format!("unknown type {:?}", ty.trim())))?;
                    Ok(Field { name: name.trim().to_string(), ty })
                })
                .collect()
        };
        Ok(Signature { name: name.to_string(), inputs: fields(&text[open + 1..close])?, outputs: fields(outputs)? })
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |fields: &[Field]| fields.iter().map(|x| format!("{} :: {}", x.name, x.ty)).collect::<Vec<_>>();
        write!(f, "{}({}) :: ({})", self.name, list(&self.inputs).join(", "), list(&self.outputs).join(", "))
    }
}

/// Something `CALL` can run.
pub trait Procedure: Send + Sync {
    /// Name, inputs and outputs.
    fn signature(&self) -> &Signature;

    /// One line on what it does, for `dbms.procedures()`.
    fn description(&self) -> &str {
        ""
    }

    /// The output rows (one value per output, in signature order) for arguments already
    /// checked against the signature's input types.
    ///
    /// # Errors
    /// Whatever the procedure reports.
    fn call(&self, graph: &PropertyGraph, registry: &Procedures, args: &[Value])
        -> Result<Vec<Vec<Value>>, QueryError>;
}

/// The procedures a query may call, by name. Cloning is cheap (the procedures are shared).
#[derive(Clone)]
pub struct Procedures {
    by_name: BTreeMap<String, Arc<dyn Procedure>>,
}

impl Procedures {
    /// A registry with no procedures at all.
    pub fn empty() -> Self {
        Procedures { by_name: BTreeMap::new() }
    }

    /// The built-in procedures: `db.labels()`, `db.relationshipTypes()`, `db.propertyKeys()`,
    /// `dbms.procedures()`.
    pub fn builtin() -> Self {
        let mut p = Procedures::empty();
        for b in BUILTINS {
            p.register(Builtin::new(b.0, b.1, b.2));
        }
        p
    }

    /// Adds `procedure`, replacing one of the same name.
    pub fn register(&mut self, procedure: impl Procedure + 'static) {
        self.by_name.insert(procedure.signature().name.clone(), Arc::new(procedure));
    }

    /// The procedure called `name` (exact spelling).
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Procedure>> {
        self.by_name.get(name)
    }

    /// Every procedure, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn Procedure>> {
        self.by_name.values()
    }
}

/// The built-ins.
impl Default for Procedures {
    fn default() -> Self {
        Procedures::builtin()
    }
}

impl fmt::Debug for Procedures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.by_name.keys()).finish()
    }
}

/// A procedure that answers from fixed rows: each row holds the inputs then the outputs, and a
/// call yields the outputs of the rows whose inputs equal the arguments (null equal to null).
#[derive(Clone, Debug)]
pub struct TableProcedure {
    signature: Signature,
    rows: Vec<Vec<Value>>,
}

impl TableProcedure {
    /// A procedure with `signature` answering from `rows`.
    ///
    /// # Errors
    /// `SyntaxError` when a row's width is not the number of inputs plus outputs.
    pub fn new(signature: Signature, rows: Vec<Vec<Value>>) -> Result<Self, QueryError> {
        let width = signature.inputs.len() + signature.outputs.len();
        if let Some(r) = rows.iter().find(|r| r.len() != width) {
            return Err(QueryError::new(
                ErrorKind::SyntaxError,
                format!("a row of {} has {} values, expected {width}", signature.name, r.len()),
            ));
        }
        Ok(TableProcedure { signature, rows })
    }
}

impl Procedure for TableProcedure {
    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn call(&self, _: &PropertyGraph, _: &Procedures, args: &[Value]) -> Result<Vec<Vec<Value>>, QueryError> {
        let n = self.signature.inputs.len();
        Ok(self.rows.iter().filter(|r| r[..n] == *args).map(|r| r[n..].to_vec()).collect())
    }
}

/// A built-in: its signature text, description and body.
type BuiltinBody = fn(&PropertyGraph, &Procedures) -> Vec<Vec<Value>>;

const BUILTINS: &[(&str, &str, BuiltinBody)] = &[
    ("db.labels() :: (label :: STRING?)", "the node labels in use", |g, _| sorted(g.label_counts().map(|(l, _)| l))),
    ("db.relationshipTypes() :: (relationshipType :: STRING?)", "the relationship types in use", |g, _| {
        sorted(g.rel_type_counts().map(|(t, _)| t))
    }),
    ("db.propertyKeys() :: (propertyKey :: STRING?)", "the property keys in use", |g, _| keys_in_use(g)),
    (
        "dbms.procedures() :: (name :: STRING?, signature :: STRING?, description :: STRING?)",
        "the procedures CALL can run",
        |_, registry| {
            registry
                .iter()
                .map(|p| {
                    let s = p.signature();
                    vec![
                        Value::String(s.name.clone()),
                        Value::String(s.to_string()),
                        Value::String(p.description().to_string()),
                    ]
                })
                .collect()
        },
    ),
];

/// The keys some node or relationship has (the graph interns keys it may never use, such as
/// `name`); the scan stops once every interned key has been seen.
fn keys_in_use(g: &PropertyGraph) -> Vec<Vec<Value>> {
    let all = g.property_keys().count();
    let mut seen = std::collections::BTreeSet::new();
    let node_keys = g.node_ids().flat_map(|n| g.node_properties(n).map(|(k, _)| k));
    let rel_keys = g.relationship_ids().flat_map(|r| g.rel_properties(r).map(|(k, _)| k));
    for k in node_keys.chain(rel_keys) {
        seen.insert(k);
        if seen.len() == all {
            break;
        }
    }
    sorted(seen.into_iter())
}

fn sorted<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Vec<Value>> {
    let mut v: Vec<&str> = names.collect();
    v.sort_unstable();
    v.into_iter().map(|s| vec![Value::String(s.to_string())]).collect()
}

struct Builtin {
    signature: Signature,
    description: &'static str,
    body: BuiltinBody,
}

impl Builtin {
    fn new(signature: &str, description: &'static str, body: BuiltinBody) -> Self {
        // The built-in signatures are constants of this file, checked by the unit tests.
        let signature = Signature::parse(signature).unwrap_or_else(|_| Signature {
            name: signature.to_string(),
            inputs: Vec::new(),
            outputs: Vec::new(),
        });
        Builtin { signature, description, body }
    }
}

impl Procedure for Builtin {
    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn description(&self) -> &str {
        self.description
    }

    fn call(&self, graph: &PropertyGraph, registry: &Procedures, _: &[Value]) -> Result<Vec<Vec<Value>>, QueryError> {
        Ok((self.body)(graph, registry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_parse_and_print() {
        let s = Signature::parse("test.my.proc(name :: STRING?, in :: INTEGER?) :: (out :: LIST? OF FLOAT?)").unwrap();
        assert_eq!(s.name, "test.my.proc");
        assert_eq!(s.inputs.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["name", "in"]);
        assert_eq!(s.outputs[0].ty, ProcType::List(Box::new(ProcType::Float)));
        assert_eq!(s.to_string(), "test.my.proc(name :: STRING?, in :: INTEGER?) :: (out :: LIST? OF FLOAT?)");
        let void = Signature::parse("test.doNothing() :: ()").unwrap();
        assert!(void.inputs.is_empty() && void.outputs.is_empty());
        for bad in ["", "x", "p(a :: INTEGER?)", "p(a :: WHAT?) :: ()", "p(a) :: ()", ".p() :: ()"] {
            assert!(Signature::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn builtin_signatures_are_valid() {
        for (text, _, _) in BUILTINS {
            assert_eq!(Signature::parse(text).unwrap().to_string(), *text);
        }
    }

    #[test]
    fn types_accept_and_widen() {
        assert!(ProcType::Number.accepts(&Value::Float(4.2)));
        assert!(!ProcType::Integer.accepts(&Value::Bool(true)));
        assert!(ProcType::String.accepts(&Value::Null));
        assert_eq!(ProcType::Float.coerce(Value::Int(42)).unwrap(), Value::Float(42.0));
        assert!(matches!(ProcType::Float.coerce(Value::Int(42)), Ok(Value::Float(_))));
        let e = ProcType::Integer.coerce(Value::String("x".into())).unwrap_err();
        assert_eq!(e.kind_label(), "TypeError (InvalidArgumentType)");
    }

    #[test]
    fn tables_answer_by_inputs() {
        let sig = Signature::parse("t.p(in :: INTEGER?) :: (out :: STRING?)").unwrap();
        let s = |x: &str| Value::String(x.into());
        let p = TableProcedure::new(sig.clone(), vec![vec![Value::Int(1), s("a")], vec![Value::Null, s("n")]]).unwrap();
        let g = PropertyGraph::new();
        let r = Procedures::empty();
        assert_eq!(p.call(&g, &r, &[Value::Int(1)]).unwrap(), vec![vec![s("a")]]);
        assert_eq!(p.call(&g, &r, &[Value::Null]).unwrap(), vec![vec![s("n")]]);
        assert!(p.call(&g, &r, &[Value::Int(2)]).unwrap().is_empty());
        assert!(TableProcedure::new(sig, vec![vec![Value::Int(1)]]).is_err());
    }

    #[test]
    fn builtins_read_the_graph() {
        let mut g = PropertyGraph::new();
        let a = g.add_node(["B", "A"], [("k", Value::Int(1))]).unwrap();
        g.add_relationship(a, a, "R", [("w", Value::Int(1))]).unwrap();
        let reg = Procedures::builtin();
        let call = |name: &str| reg.get(name).unwrap().call(&g, &reg, &[]).unwrap();
        let s = |x: &str| vec![Value::String(x.into())];
        assert_eq!(call("db.labels"), [s("A"), s("B")]);
        assert_eq!(call("db.relationshipTypes"), [s("R")]);
        assert_eq!(call("db.propertyKeys"), [s("k"), s("w")]);
        assert_eq!(call("dbms.procedures").len(), 4);
    }
}
