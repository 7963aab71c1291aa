//! The logical plan: what the binder makes of a query, before any row is produced.
//!
//! A plan is a linear pipeline of [`LogicalOp`]s applied, in order, to a table of rows that
//! starts as one empty row (Cypher's clauses each transform the current table). Operators that
//! need a sub-pipeline per input row (`OPTIONAL MATCH`, `MERGE`, pattern predicates) hold one.
//! Variables are resolved to slots (row positions) by the binder; expressions are [`Expr`]s over
//! those slots. Rewrites live in [`rewrite`] and run in the order listed there. The plan has a
//! stable [`Display`](fmt::Display), which `EXPLAIN` prints and the golden tests compare.
//!
//! This module holds types only: it neither parses nor runs anything.

mod display;
pub mod rewrite;

pub use display::write_ops;

use std::fmt;

use crate::graph::{Direction, KeyId, Value};

use super::span::Span;

/// A property key as written, with its id in the graph when the key existed when the query was
/// planned (keys are never forgotten, so the id stays valid); a key the statement itself first
/// writes has none and is looked up by name. Compares and displays as its name.
#[derive(Clone, Debug)]
pub struct PropKey {
    /// The key as written.
    pub name: String,
    /// Its id, resolved once by the binder.
    pub id: Option<KeyId>,
}

impl PartialEq for PropKey {
    fn eq(&self, other: &PropKey) -> bool {
        self.name == other.name
    }
}

impl PartialEq<str> for PropKey {
    fn eq(&self, other: &str) -> bool {
        self.name == other
    }
}

impl fmt::Display for PropKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A variable resolved to its row position, with its name kept for display and errors.
#[derive(Clone, Debug, PartialEq)]
pub struct Var {
    /// Position in the row.
    pub slot: usize,
    /// Name as written (or a generated `  anon_N` name for unnamed pattern parts).
    pub name: String,
}

/// Unnamed pattern parts display as nothing, as written: `()`, `-[:T]->`.
impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.starts_with("  ") {
            Ok(())
        } else {
            f.write_str(&self.name)
        }
    }
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `NOT x`
    Not,
    /// `-x`
    Neg,
    /// `+x`
    Plus,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `AND`
    And,
    /// `OR`
    Or,
    /// `XOR`
    Xor,
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`
    Pow,
    /// `IN`
    In,
    /// `STARTS WITH`
    StartsWith,
    /// `ENDS WITH`
    EndsWith,
    /// `CONTAINS`
    Contains,
    /// `=~`
    Regex,
}

impl BinaryOp {
    /// The operator as written in Cypher.
    pub fn symbol(self) -> &'static str {
        use BinaryOp::*;
        match self {
            And => "AND",
            Or => "OR",
            Xor => "XOR",
            Eq => "=",
            Ne => "<>",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Mod => "%",
            Pow => "^",
            In => "IN",
            StartsWith => "STARTS WITH",
            EndsWith => "ENDS WITH",
            Contains => "CONTAINS",
            Regex => "=~",
        }
    }
}

/// List predicates `all(x IN l WHERE p)` and friends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    /// `all`
    All,
    /// `any`
    Any,
    /// `none`
    None,
    /// `single`
    Single,
}

/// One piece of a named path: a node, a single relationship or a variable-length list.
#[derive(Clone, Debug, PartialEq)]
pub enum PathPart {
    /// A node slot.
    Node(usize),
    /// A single relationship slot.
    Rel(usize),
    /// A slot holding the list of relationships of a variable-length hop.
    RelList(usize),
}

/// A bound expression: variables are slots, functions are resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A constant.
    Lit(Value),
    /// `$name`
    Param(String),
    /// A variable.
    Var(Var),
    /// `e.key`
    Prop(Box<Expr>, PropKey),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{k: v}`
    Map(Vec<(String, Expr)>),
    /// `NOT x`, `-x`
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `x IS NULL` (false) / `x IS NOT NULL` (true)
    IsNull(Box<Expr>, bool),
    /// `n:A:B`
    HasLabels(Box<Expr>, Vec<String>),
    /// A scalar function call (name lower-cased).
    Call(String, Vec<Expr>),
    /// The result of aggregate number `i`, only after the aggregation operator.
    AggRef(usize, String),
    /// `CASE [operand] WHEN .. THEN .. ELSE .. END`
    Case(Option<Box<Expr>>, Vec<(Expr, Expr)>, Option<Box<Expr>>),
    /// `l[i]`
    Index(Box<Expr>, Box<Expr>),
    /// `l[a..b]`
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `[x IN l WHERE p | e]`: the local slot, the list, the filter and the mapping.
    ListComp(usize, Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `all/any/none/single(x IN l WHERE p)`
    Quantified(Quantifier, usize, Box<Expr>, Box<Expr>),
    /// `reduce(acc = init, x IN l | e)`: accumulator slot, init, element slot, list, step.
    Reduce(usize, Box<Expr>, usize, Box<Expr>, Box<Expr>),
    /// A path built from bound pieces.
    Path(Vec<PathPart>),
    /// Whether a pattern has at least one match from the current row.
    Exists(Box<SubPlan>),
    /// `[pattern WHERE p | e]`: one value per match.
    PatternList(Box<SubPlan>, Box<Expr>),
    /// `map {.k, k: v, .*}`: the base, then selectors.
    MapProjection(Box<Expr>, Vec<MapSelector>),
    /// The expression written at `span`: a runtime error inside it without a position of its
    /// own points there (an arithmetic type error at `x * 'a'`, not at the clause).
    At(Spot, Box<Expr>),
}

/// Where an expression was written. Two expressions written alike are the same expression
/// wherever they are (`ORDER BY n.x + 1` sorts by the returned `n.x + 1`), so positions
/// always compare equal.
#[derive(Clone, Copy, Debug)]
pub struct Spot(pub Span);

impl PartialEq for Spot {
    fn eq(&self, _: &Spot) -> bool {
        true
    }
}

/// One entry of a map projection.
#[derive(Clone, Debug, PartialEq)]
pub enum MapSelector {
    /// `.key`
    Prop(String),
    /// `key: expr` (also a bare variable `v`)
    Literal(String, Expr),
    /// `.*`
    All,
}

/// A read-only pipeline run from a copy of the current row, widened to `width` slots.
#[derive(Clone, Debug, PartialEq)]
pub struct SubPlan {
    /// Row width the sub-pipeline needs.
    pub width: usize,
    /// The operators.
    pub ops: Vec<LogicalOp>,
}

/// Aggregate functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggFunc {
    /// `count(*)`
    CountStar,
    /// `count(x)`
    Count,
    /// `collect(x)`
    Collect,
    /// `sum(x)`
    Sum,
    /// `avg(x)`
    Avg,
    /// `min(x)`
    Min,
    /// `max(x)`
    Max,
    /// `stDev(x)`
    StDev,
    /// `stDevP(x)`
    StDevP,
    /// `percentileCont(x, p)`
    PercentileCont,
    /// `percentileDisc(x, p)`
    PercentileDisc,
}

impl AggFunc {
    /// The aggregate for a lower-cased function name.
    pub fn from_name(name: &str) -> Option<AggFunc> {
        Some(match name {
            "count" => AggFunc::Count,
            "collect" => AggFunc::Collect,
            "sum" => AggFunc::Sum,
            "avg" => AggFunc::Avg,
            "min" => AggFunc::Min,
            "max" => AggFunc::Max,
            "stdev" => AggFunc::StDev,
            "stdevp" => AggFunc::StDevP,
            "percentilecont" => AggFunc::PercentileCont,
            "percentiledisc" => AggFunc::PercentileDisc,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            AggFunc::CountStar | AggFunc::Count => "count",
            AggFunc::Collect => "collect",
            AggFunc::Sum => "sum",
            AggFunc::Avg => "avg",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
            AggFunc::StDev => "stDev",
            AggFunc::StDevP => "stDevP",
            AggFunc::PercentileCont => "percentileCont",
            AggFunc::PercentileDisc => "percentileDisc",
        }
    }
}

/// One aggregate computed by [`LogicalOp::Aggregate`].
#[derive(Clone, Debug, PartialEq)]
pub struct AggCall {
    /// Which aggregate.
    pub func: AggFunc,
    /// `DISTINCT`
    pub distinct: bool,
    /// The argument (none for `count(*)`).
    pub arg: Option<Expr>,
    /// The second argument of the percentiles.
    pub extra: Option<Expr>,
}

/// Where a node scan takes its candidates from.
#[derive(Clone, Debug, PartialEq)]
pub enum ScanSource {
    /// Every node.
    All,
    /// The label index.
    Label(String),
    /// The name index, for `{name: e}` or `WHERE n.name = e`.
    Name(Expr),
}

/// One factor of a [`LogicalOp::CountProduct`].
#[derive(Clone, Debug, PartialEq)]
pub enum CountFactor {
    /// Every node, or the nodes with a label.
    Nodes(Option<String>),
    /// Relationships of any of these types (empty: of any type).
    Rels(Vec<String>),
}

/// A node to create (bound ones are reused).
#[derive(Clone, Debug, PartialEq)]
pub struct CreateNode {
    /// The node's slot.
    pub var: Var,
    /// Whether the slot is already bound (then nothing is created).
    pub bound: bool,
    /// Labels to put on a new node.
    pub labels: Vec<String>,
    /// Properties of a new node.
    pub props: Option<Expr>,
}

/// A relationship to create.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateRel {
    /// The relationship's slot.
    pub var: Var,
    /// Slot of the start node.
    pub start: usize,
    /// Slot of the end node.
    pub end: usize,
    /// The type.
    pub rel_type: String,
    /// Properties.
    pub props: Option<Expr>,
}

/// What `CREATE` (or `MERGE`, when nothing matched) creates, in order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct CreateSpec {
    /// Nodes, in pattern order.
    pub nodes: Vec<CreateNode>,
    /// Relationships, in pattern order.
    pub rels: Vec<CreateRel>,
    /// Named paths to bind after creation: slot and pieces.
    pub paths: Vec<(usize, Vec<PathPart>)>,
}

/// One `SET` or `REMOVE` item.
#[derive(Clone, Debug, PartialEq)]
pub enum SetItem {
    /// `e.k = v` (`REMOVE e.k` is `e.k = null`).
    Prop(Expr, String, Expr),
    /// `e = map` (replace all) or `e += map` (merge).
    Props(Expr, Expr, bool),
    /// `n:A:B`
    Labels(Expr, Vec<String>),
    /// `REMOVE n:A:B`
    RemoveLabels(Expr, Vec<String>),
}

/// One operator of the pipeline.
#[derive(Clone, Debug, PartialEq)]
pub enum LogicalOp {
    /// Binds `var` to each candidate node that has `labels` and `props`.
    NodeScan {
        /// The node slot.
        var: Var,
        /// Where candidates come from.
        source: ScanSource,
        /// Labels every match must carry.
        labels: Vec<String>,
        /// Property equalities every match must satisfy.
        props: Vec<(String, Expr)>,
    },
    /// Keeps rows whose already-bound `var` is a node with `labels` and `props`.
    NodeCheck {
        /// The node slot.
        var: Var,
        /// Labels it must carry.
        labels: Vec<String>,
        /// Property equalities.
        props: Vec<(String, Expr)>,
    },
    /// Follows one relationship from `from` through the adjacency lists.
    Expand {
        /// The bound start node.
        from: Var,
        /// The relationship slot.
        rel: Var,
        /// The other node.
        to: Var,
        /// Direction relative to `from`.
        dir: Direction,
        /// Allowed types (empty: any).
        types: Vec<String>,
        /// Property equalities on the relationship.
        props: Vec<(String, Expr)>,
        /// Whether `to` is already bound (then the expansion only checks it).
        to_bound: bool,
        /// Whether `rel` is already bound (then only that relationship may be followed).
        rel_bound: bool,
        /// Relationship slots (single or lists) it must differ from (trail semantics).
        uniq: Vec<usize>,
    },
    /// A variable-length hop `*min..max`, binding the list of relationships.
    VarExpand {
        /// The bound start node.
        from: Var,
        /// Slot for the list of relationships.
        rel: Var,
        /// The other node.
        to: Var,
        /// Direction relative to `from`.
        dir: Direction,
        /// Allowed types.
        types: Vec<String>,
        /// Property equalities on every relationship.
        props: Vec<(String, Expr)>,
        /// Minimum hops.
        min: u64,
        /// Maximum hops (`None`: unbounded).
        max: Option<u64>,
        /// Whether `to` is already bound.
        to_bound: bool,
        /// Whether `rel` already holds a list of relationships (then only that walk is checked).
        rel_bound: bool,
        /// Relationship slots it must differ from.
        uniq: Vec<usize>,
    },
    /// `shortestPath` / `allShortestPaths` between two bound nodes (BFS).
    ShortestPath {
        /// The start node.
        from: Var,
        /// The end node.
        to: Var,
        /// The path slot.
        path: Var,
        /// Optional slot for the relationship list.
        rel: Option<Var>,
        /// Direction.
        dir: Direction,
        /// Allowed types.
        types: Vec<String>,
        /// Property equalities on every relationship.
        props: Vec<(String, Expr)>,
        /// Minimum hops (0 or 1).
        min: u64,
        /// Maximum hops.
        max: Option<u64>,
        /// All shortest paths rather than one.
        all: bool,
    },
    /// Keeps rows where the predicate is true.
    Filter(Expr),
    /// Sets a slot to an expression's value.
    Bind(Var, Expr),
    /// Runs the sub-pipeline per row; when it yields nothing, keeps the row with `nulls` set to null.
    Optional {
        /// The sub-pipeline.
        ops: Vec<LogicalOp>,
        /// Slots the sub-pipeline binds.
        nulls: Vec<usize>,
    },
    /// Replaces each row by the listed expressions (followed by the old row when `keep`).
    Project {
        /// Column names (for display).
        names: Vec<String>,
        /// The expressions.
        items: Vec<Expr>,
        /// Whether to append the input row (so `ORDER BY` can see old variables).
        keep: bool,
    },
    /// Groups rows by `keys` and computes `aggs`: output is keys then aggregates.
    Aggregate {
        /// Grouping keys.
        keys: Vec<Expr>,
        /// Aggregates.
        aggs: Vec<AggCall>,
    },
    /// Removes duplicate rows, comparing the first `width` slots.
    Distinct(usize),
    /// Sorts rows by the keys (`true`: descending).
    Sort(Vec<(Expr, bool)>),
    /// Drops the first n rows.
    Skip(Expr),
    /// Keeps the first n rows.
    Limit(Expr),
    /// Cuts rows to the first n slots.
    Truncate(usize),
    /// One row per list element.
    Unwind(Expr, Var),
    /// Creates nodes and relationships per row.
    Create(CreateSpec),
    /// Matches the pattern per row, or creates it.
    Merge {
        /// The match sub-pipeline.
        ops: Vec<LogicalOp>,
        /// What to create when nothing matched.
        create: CreateSpec,
        /// `ON CREATE SET`
        on_create: Vec<SetItem>,
        /// `ON MATCH SET`
        on_match: Vec<SetItem>,
    },
    /// `SET` / `REMOVE`
    Set(Vec<SetItem>),
    /// `DELETE` / `DETACH DELETE`
    Delete {
        /// What to delete.
        exprs: Vec<Expr>,
        /// `DETACH`
        detach: bool,
    },
    /// `CALL`: runs a procedure per row and binds the outputs taken.
    ProcedureCall {
        /// The procedure's name.
        name: String,
        /// One argument per input.
        args: Vec<Expr>,
        /// (output position, slot) for each output `YIELD` takes.
        yields: Vec<(usize, Var)>,
        /// Whether the procedure has no outputs (each row then passes once).
        void: bool,
    },
    /// Drops all rows (a query ending in an update clause returns nothing).
    Discard,
    /// `MATCH ()-[r]->() RETURN type(r), count(*)` answered from the type index: one row per
    /// type in use, its name followed by `aggs` copies of its count.
    TypeCounts {
        /// How many count columns follow the type.
        aggs: usize,
    },
    /// `count(*)` of a pattern without filters answered from index sizes: one row holding
    /// `aggs` copies of the product of the factors.
    CountProduct {
        /// One factor per independent part of the pattern.
        factors: Vec<CountFactor>,
        /// How many count columns.
        aggs: usize,
    },
    /// `MATCH (n)-[r]->() RETURN n, count(r)` answered by counting degrees: per node with at
    /// least one matching relationship, the node followed by `aggs` copies of that number.
    Degrees {
        /// The node slot (for display).
        var: Var,
        /// Where the nodes come from (every node or a label).
        source: ScanSource,
        /// Direction relative to the node.
        dir: Direction,
        /// Allowed types (empty: any).
        types: Vec<String>,
        /// How many count columns.
        aggs: usize,
    },
    /// `UNION` / `UNION ALL` of whole pipelines.
    Union {
        /// The pipelines.
        parts: Vec<Vec<LogicalOp>>,
        /// `UNION ALL` keeps duplicates.
        all: bool,
    },
}

/// A whole statement's plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The pipeline.
    pub ops: Vec<LogicalOp>,
    /// For each operator, the clause it came from (runtime errors point there).
    pub spans: Vec<Span>,
    /// Row width.
    pub width: usize,
    /// Output column names (empty when the statement returns nothing).
    pub columns: Vec<String>,
    /// Where the statement is (for runtime errors).
    pub span: Span,
    /// Every parameter the statement uses, where it is written (a missing one is reported
    /// there before anything runs).
    pub params: Vec<(String, Span)>,
}

/// Whether a pipeline changes the graph.
pub fn writes(ops: &[LogicalOp]) -> bool {
    ops.iter().any(|op| match op {
        LogicalOp::Create(_) | LogicalOp::Merge { .. } | LogicalOp::Set(_) | LogicalOp::Delete { .. } => true,
        LogicalOp::Union { parts, .. } => parts.iter().any(|p| writes(p)),
        _ => false,
    })
}
