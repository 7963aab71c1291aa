//! The abstract syntax tree of the openCypher subset: what the user wrote, with a [`Span`] (byte
//! range into the query text) on every clause, pattern element and expression.
//!
//! The parser (`query::parser`) builds it; the binder/planner consumes it. Its [`Display`]
//! implementations print valid Cypher that parses back to the same tree (spans and the
//! [`ProjectionItem::text`] aside), with minimal parentheses and normalised spacing and keyword
//! case.
//!
//! What this module deliberately does not do: nothing is resolved. Variables are plain names
//! (no check that they are bound, or bound once), labels, relationship types, property keys and
//! function names are unchecked strings (a function name keeps the case and namespace the user
//! wrote, e.g. `toLower` or `date.truncate`), parameters are names without values, aggregates
//! are ordinary [`ExprKind::FunctionCall`]s, and no types are inferred. Parentheses leave no
//! node. A chained comparison `a < b < c` is kept as one [`ExprKind::Comparison`] rather than
//! being rewritten into `AND`s. The only folding the parser does is a `-` directly before an
//! integer or float literal, which becomes a negative literal (so `-9223372036854775808` is
//! representable).

use std::fmt::{self, Display, Formatter};

use super::span::Span;

/// One statement: an optional `EXPLAIN`/`PROFILE` prefix, then single queries joined by `UNION`.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// `EXPLAIN`, `PROFILE` or neither.
    pub mode: QueryMode,
    /// The first single query.
    pub first: SingleQuery,
    /// The single queries after it, each with its `UNION` / `UNION ALL`.
    pub unions: Vec<UnionPart>,
    /// The whole statement (without a trailing `;`).
    pub span: Span,
}

/// Whether the statement is run, only planned, or run and profiled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum QueryMode {
    /// Run the query.
    #[default]
    Normal,
    /// `EXPLAIN`: plan only, do not run.
    Explain,
    /// `PROFILE`: run and report rows and time per operator.
    Profile,
}

/// `UNION [ALL]` followed by a single query.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionPart {
    /// `UNION ALL` (keep duplicates) rather than `UNION`.
    pub all: bool,
    /// The query after the keyword.
    pub query: SingleQuery,
    /// From `UNION` to the end of the query.
    pub span: Span,
}

/// A sequence of clauses without `UNION`.
#[derive(Clone, Debug, PartialEq)]
pub struct SingleQuery {
    /// The clauses in order.
    pub clauses: Vec<Clause>,
    /// From the first clause to the end of the last.
    pub span: Span,
}

/// One clause.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    /// `[OPTIONAL] MATCH pattern [WHERE expr]`
    Match(MatchClause),
    /// `WITH projection [WHERE expr]`
    With(WithClause),
    /// `RETURN projection`
    Return(ReturnClause),
    /// `UNWIND expr AS var`
    Unwind(UnwindClause),
    /// `CREATE pattern`
    Create(CreateClause),
    /// `MERGE pattern_part [ON CREATE SET ...] [ON MATCH SET ...]`
    Merge(MergeClause),
    /// `SET item, ...`
    Set(SetClause),
    /// `REMOVE item, ...`
    Remove(RemoveClause),
    /// `[DETACH] DELETE expr, ...`
    Delete(DeleteClause),
    /// `CALL ns.name[(args)] [YIELD ...]`
    Call(CallClause),
}

impl Clause {
    /// The clause's span, from its first keyword to its end.
    pub fn span(&self) -> Span {
        match self {
            Clause::Match(c) => c.span,
            Clause::With(c) => c.span,
            Clause::Return(c) => c.span,
            Clause::Unwind(c) => c.span,
            Clause::Create(c) => c.span,
            Clause::Merge(c) => c.span,
            Clause::Set(c) => c.span,
            Clause::Remove(c) => c.span,
            Clause::Delete(c) => c.span,
            Clause::Call(c) => c.span,
        }
    }

    /// Whether the clause changes the graph (CREATE, MERGE, SET, REMOVE, DELETE).
    pub fn is_updating(&self) -> bool {
        matches!(self, Clause::Create(_) | Clause::Merge(_) | Clause::Set(_) | Clause::Remove(_) | Clause::Delete(_))
    }

    /// The clause's leading keyword(s) as written in upper case, e.g. `OPTIONAL MATCH`.
    pub fn keyword(&self) -> &'static str {
        match self {
            Clause::Match(c) if c.optional => "OPTIONAL MATCH",
            Clause::Match(_) => "MATCH",
            Clause::With(_) => "WITH",
            Clause::Return(_) => "RETURN",
            Clause::Unwind(_) => "UNWIND",
            Clause::Create(_) => "CREATE",
            Clause::Merge(_) => "MERGE",
            Clause::Set(_) => "SET",
            Clause::Remove(_) => "REMOVE",
            Clause::Delete(c) if c.detach => "DETACH DELETE",
            Clause::Delete(_) => "DELETE",
            Clause::Call(_) => "CALL",
        }
    }
}

/// `CALL ns.name[(args)] [YIELD (* | field [AS var], ...) [WHERE expr]]`
#[derive(Clone, Debug, PartialEq)]
pub struct CallClause {
    /// The dotted procedure name as written, e.g. `db.labels`.
    pub name: String,
    /// Where the name is.
    pub name_span: Span,
    /// The arguments; `None` when the parentheses are left out (implicit arguments, taken from
    /// the parameters of the same names in a standalone call).
    pub args: Option<Vec<Expr>>,
    /// What the call yields; `None` without `YIELD`.
    pub yields: Option<Yield>,
    /// From `CALL` to the end of the clause.
    pub span: Span,
}

/// The `YIELD` part of a `CALL`.
#[derive(Clone, Debug, PartialEq)]
pub enum Yield {
    /// `YIELD *`: every output under its own name.
    Star(Span),
    /// `YIELD field [AS var], ... [WHERE expr]`
    Items {
        /// The outputs taken, each with an optional new name.
        items: Vec<YieldItem>,
        /// A filter on the yielded rows.
        where_: Option<Box<Expr>>,
    },
}

/// One `field [AS var]` of a `YIELD`.
#[derive(Clone, Debug, PartialEq)]
pub struct YieldItem {
    /// The procedure's output name.
    pub field: Ident,
    /// The variable it is bound to (the field's own name when absent).
    pub alias: Option<Ident>,
}

impl YieldItem {
    /// The variable the output is bound to.
    pub fn variable(&self) -> &Ident {
        self.alias.as_ref().unwrap_or(&self.field)
    }
}

/// `[OPTIONAL] MATCH pattern [WHERE expr]`
#[derive(Clone, Debug, PartialEq)]
pub struct MatchClause {
    /// `OPTIONAL MATCH`.
    pub optional: bool,
    /// The comma-separated pattern parts.
    pub pattern: Pattern,
    /// The `WHERE` condition.
    pub where_: Option<Expr>,
    /// The clause.
    pub span: Span,
}

/// `WITH projection [WHERE expr]`
#[derive(Clone, Debug, PartialEq)]
pub struct WithClause {
    /// What is carried on, with `DISTINCT`, `ORDER BY`, `SKIP`, `LIMIT`.
    pub projection: Projection,
    /// The `WHERE` condition, applied after the projection.
    pub where_: Option<Expr>,
    /// The clause.
    pub span: Span,
}

/// `RETURN projection`
#[derive(Clone, Debug, PartialEq)]
pub struct ReturnClause {
    /// What is returned, with `DISTINCT`, `ORDER BY`, `SKIP`, `LIMIT`.
    pub projection: Projection,
    /// The clause.
    pub span: Span,
}

/// The body shared by `WITH` and `RETURN`.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    /// `DISTINCT`.
    pub distinct: bool,
    /// `*` (all variables in scope), possibly followed by more items.
    pub star: bool,
    /// The projected items after `*` (if any).
    pub items: Vec<ProjectionItem>,
    /// `ORDER BY` items, empty when absent.
    pub order_by: Vec<SortItem>,
    /// `SKIP expr`.
    pub skip: Option<Expr>,
    /// `LIMIT expr`.
    pub limit: Option<Expr>,
    /// From the first item (or `DISTINCT`) to the end of the projection.
    pub span: Span,
}

/// `expr [AS alias]`
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectionItem {
    /// The projected expression.
    pub expr: Expr,
    /// The `AS` name.
    pub alias: Option<Ident>,
    /// The expression's source text exactly as written (the column name when there is no
    /// alias, as openCypher names columns).
    pub text: String,
    /// The item, including its alias.
    pub span: Span,
}

impl ProjectionItem {
    /// The column name: the alias, or else the expression's source text.
    pub fn column_name(&self) -> &str {
        match &self.alias {
            Some(alias) => &alias.name,
            None => &self.text,
        }
    }
}

/// `expr [ASC|DESC]` in `ORDER BY`.
#[derive(Clone, Debug, PartialEq)]
pub struct SortItem {
    /// The sort key.
    pub expr: Expr,
    /// `DESC` / `DESCENDING`.
    pub descending: bool,
    /// The item.
    pub span: Span,
}

/// `UNWIND expr AS var`
#[derive(Clone, Debug, PartialEq)]
pub struct UnwindClause {
    /// The list to unwind.
    pub expr: Expr,
    /// The variable each element is bound to.
    pub variable: Ident,
    /// The clause.
    pub span: Span,
}

/// `CREATE pattern`
#[derive(Clone, Debug, PartialEq)]
pub struct CreateClause {
    /// The pattern parts to create.
    pub pattern: Pattern,
    /// The clause.
    pub span: Span,
}

/// `MERGE part [ON CREATE SET ...] [ON MATCH SET ...]`
#[derive(Clone, Debug, PartialEq)]
pub struct MergeClause {
    /// The single pattern part to match or create.
    pub part: PatternPart,
    /// The `ON CREATE SET` / `ON MATCH SET` actions in the order written.
    pub actions: Vec<MergeAction>,
    /// The clause.
    pub span: Span,
}

/// `ON CREATE SET items` or `ON MATCH SET items`.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeAction {
    /// `ON CREATE` or `ON MATCH`.
    pub on: MergeTrigger,
    /// The `SET` items.
    pub items: Vec<SetItem>,
    /// From `ON` to the last item.
    pub span: Span,
}

/// When a [`MergeAction`] applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MergeTrigger {
    /// `ON CREATE`: the pattern was created.
    Create,
    /// `ON MATCH`: the pattern was found.
    Match,
}

/// `SET item, ...`
#[derive(Clone, Debug, PartialEq)]
pub struct SetClause {
    /// The items in order.
    pub items: Vec<SetItem>,
    /// The clause.
    pub span: Span,
}

/// One `SET` item.
#[derive(Clone, Debug, PartialEq)]
pub enum SetItem {
    /// `entity.key = value`
    Property {
        /// The expression before the last `.key` (usually a variable).
        entity: Expr,
        /// The property key.
        key: Ident,
        /// The new value (`null` removes the property).
        value: Expr,
        /// The item.
        span: Span,
    },
    /// `var = map`: replace all properties.
    Replace {
        /// The node or relationship variable.
        variable: Ident,
        /// A map (or node/relationship, or parameter) to copy properties from.
        value: Expr,
        /// The item.
        span: Span,
    },
    /// `var += map`: add and overwrite properties.
    Merge {
        /// The node or relationship variable.
        variable: Ident,
        /// A map (or node/relationship, or parameter) to copy properties from.
        value: Expr,
        /// The item.
        span: Span,
    },
    /// `var:Label:Other`
    Labels {
        /// The node variable.
        variable: Ident,
        /// The labels to add.
        labels: Vec<Ident>,
        /// The item.
        span: Span,
    },
}

impl SetItem {
    /// The item's span.
    pub fn span(&self) -> Span {
        match self {
            SetItem::Property { span, .. }
            | SetItem::Replace { span, .. }
            | SetItem::Merge { span, .. }
            | SetItem::Labels { span, .. } => *span,
        }
    }
}

/// `REMOVE item, ...`
#[derive(Clone, Debug, PartialEq)]
pub struct RemoveClause {
    /// The items in order.
    pub items: Vec<RemoveItem>,
    /// The clause.
    pub span: Span,
}

/// One `REMOVE` item.
#[derive(Clone, Debug, PartialEq)]
pub enum RemoveItem {
    /// `entity.key`
    Property {
        /// The expression before the last `.key`.
        entity: Expr,
        /// The property key.
        key: Ident,
        /// The item.
        span: Span,
    },
    /// `var:Label:Other`
    Labels {
        /// The node variable.
        variable: Ident,
        /// The labels to remove.
        labels: Vec<Ident>,
        /// The item.
        span: Span,
    },
}

impl RemoveItem {
    /// The item's span.
    pub fn span(&self) -> Span {
        match self {
            RemoveItem::Property { span, .. } | RemoveItem::Labels { span, .. } => *span,
        }
    }
}

/// `[DETACH] DELETE expr, ...`
#[derive(Clone, Debug, PartialEq)]
pub struct DeleteClause {
    /// `DETACH DELETE`: also delete the relationships of deleted nodes.
    pub detach: bool,
    /// What to delete (nodes, relationships, paths, or lists of them).
    pub exprs: Vec<Expr>,
    /// The clause.
    pub span: Span,
}

/// A name as written: variable, label, relationship type, property key, function name or
/// parameter name. Backtick quotes are removed (and doubled backticks undone).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name without quotes.
    pub name: String,
    /// Where it was written (including backticks).
    pub span: Span,
}

impl Ident {
    /// A name with its span.
    pub fn new(name: impl Into<String>, span: Span) -> Ident {
        Ident { name: name.into(), span }
    }
}

/// Comma-separated pattern parts, as in `MATCH (a)-->(b), (c)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// The parts in order.
    pub parts: Vec<PatternPart>,
    /// From the first part to the last.
    pub span: Span,
}

/// `[p =] path` or `[p =] shortestPath(path)` / `allShortestPaths(path)`.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternPart {
    /// The path variable `p` in `p = ...`.
    pub variable: Option<Ident>,
    /// Plain, `shortestPath` or `allShortestPaths`.
    pub kind: PathKind,
    /// The chain of nodes and relationships.
    pub path: PathPattern,
    /// The part, including `p =` and the function wrapper.
    pub span: Span,
}

/// How a pattern part matches paths.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PathKind {
    /// Every matching path.
    #[default]
    Plain,
    /// `shortestPath(...)`: one shortest path.
    Shortest,
    /// `allShortestPaths(...)`: all shortest paths.
    AllShortest,
}

/// `(a)-[r]->(b)<-[s]-(c)`: a node, then relationship/node steps.
#[derive(Clone, Debug, PartialEq)]
pub struct PathPattern {
    /// The first node.
    pub start: NodePattern,
    /// Each relationship with the node after it.
    pub steps: Vec<PathStep>,
    /// From the first node to the last.
    pub span: Span,
}

/// One `-[r]->(b)` step of a [`PathPattern`].
#[derive(Clone, Debug, PartialEq)]
pub struct PathStep {
    /// The relationship.
    pub relationship: RelationshipPattern,
    /// The node it leads to.
    pub node: NodePattern,
}

/// `(var:Label:Other {key: value})` or `(var $param)`.
#[derive(Clone, Debug, PartialEq)]
pub struct NodePattern {
    /// The node variable.
    pub variable: Option<Ident>,
    /// Required labels, all of them.
    pub labels: Vec<Ident>,
    /// A map literal ([`ExprKind::Map`]) or a parameter ([`ExprKind::Parameter`]).
    pub properties: Option<Expr>,
    /// From `(` to `)`.
    pub span: Span,
}

/// `-[var:T1|T2 *min..max {props}]->` and its other directions.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationshipPattern {
    /// The relationship variable (a list of relationships when variable length).
    pub variable: Option<Ident>,
    /// Which way the arrow points.
    pub direction: Direction,
    /// Allowed types (`:A|B` or `:A|:B`); empty means any type.
    pub types: Vec<Ident>,
    /// `*`, `*2`, `*1..3`, `*..3`, `*2..`; `None` for a single relationship.
    pub length: Option<VarLength>,
    /// A map literal or a parameter.
    pub properties: Option<Expr>,
    /// From the first dash or `<` to the last dash or `>`.
    pub span: Span,
}

/// The direction of a relationship pattern relative to the path's writing order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `-->`: from the left node to the right node.
    Right,
    /// `<--`: from the right node to the left node.
    Left,
    /// `<-->`: written with both arrow heads; matches either way, like undirected.
    Both,
    /// `--`: either way.
    Undirected,
}

/// Variable length bounds; `*` alone is `min: None, max: None`, `*3` is `3..3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VarLength {
    /// Lower bound (default 1).
    pub min: Option<u64>,
    /// Upper bound (default unbounded).
    pub max: Option<u64>,
    /// From `*` to the end of the bounds.
    pub span: Span,
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// The expression's text: operands' parentheses are inside it, its own surrounding
    /// parentheses are not.
    pub span: Span,
}

impl Expr {
    /// An expression of `kind` at `span`.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// Decimal, `0x` hex or `0o` octal integer (negative when folded with a leading `-`).
    Int(i64),
    /// A float such as `1.5`, `.5`, `1e3`, `1.5E-7`.
    Float(f64),
    /// A single- or double-quoted string, escapes resolved.
    String(String),
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// `$name` (or `$0`): the name without `$`.
    Parameter(String),
    /// A variable reference.
    Variable(String),
    /// `expr.key`
    Property {
        /// The map, node or relationship.
        expr: Box<Expr>,
        /// The key.
        key: Ident,
    },
    /// `[a, b, c]`
    List(Vec<Expr>),
    /// `{key: value, ...}` in the order written.
    Map(Vec<(Ident, Expr)>),
    /// `var {.key, key: expr, other, .*}`
    MapProjection {
        /// The variable being projected.
        base: Ident,
        /// The selectors in order.
        items: Vec<MapProjectionItem>,
    },
    /// `NOT x`, `-x`, `+x`
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        expr: Box<Expr>,
    },
    /// `left op right` for arithmetic, boolean, string and list operators.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `a op1 b op2 c ...`: one or more comparisons; with two or more it means
    /// `a op1 b AND b op2 c AND ...` (each operand evaluated once).
    Comparison {
        /// The first operand.
        first: Box<Expr>,
        /// Each operator with its right-hand operand, at least one.
        rest: Vec<(CompareOp, Expr)>,
    },
    /// `expr IS NULL` / `expr IS NOT NULL`
    IsNull {
        /// The tested expression.
        expr: Box<Expr>,
        /// `IS NOT NULL`.
        negated: bool,
    },
    /// `n:Label:Other` as a predicate.
    HasLabels {
        /// The node (or relationship, for a type test) expression.
        expr: Box<Expr>,
        /// The labels, all required.
        labels: Vec<Ident>,
    },
    /// `CASE [operand] WHEN a THEN b ... [ELSE c] END`
    Case {
        /// The simple form's operand, compared with each `WHEN` value; `None` for the generic form.
        operand: Option<Box<Expr>>,
        /// `WHEN` / `THEN` pairs in order.
        whens: Vec<(Expr, Expr)>,
        /// The `ELSE` value (`null` when absent).
        else_: Option<Box<Expr>>,
    },
    /// `name([DISTINCT] args)`; aggregates included.
    FunctionCall {
        /// The name as written, namespace joined with `.` (e.g. `toLower`, `date.truncate`).
        name: Ident,
        /// `DISTINCT` before the arguments.
        distinct: bool,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `count(*)`
    CountStar,
    /// `list[index]` or `map[key]`
    Index {
        /// The list or map.
        expr: Box<Expr>,
        /// The index or key.
        index: Box<Expr>,
    },
    /// `list[from..to]`, either bound optional.
    Slice {
        /// The list.
        expr: Box<Expr>,
        /// Start (inclusive).
        from: Option<Box<Expr>>,
        /// End (exclusive).
        to: Option<Box<Expr>>,
    },
    /// `[x IN list WHERE pred | expr]`
    ListComprehension {
        /// The element variable.
        variable: Ident,
        /// The list iterated.
        list: Box<Expr>,
        /// The filter.
        predicate: Option<Box<Expr>>,
        /// The mapped value (the element itself when absent).
        projection: Option<Box<Expr>>,
    },
    /// `reduce(acc = init, x IN list | expr)`: `expr` evaluated for each element `x` with the
    /// value so far in `acc` (`init` at first); the last value is the result.
    Reduce {
        /// The accumulator variable.
        accumulator: Ident,
        /// The accumulator's first value.
        init: Box<Expr>,
        /// The element variable.
        variable: Ident,
        /// The list folded.
        list: Box<Expr>,
        /// The accumulator's next value.
        step: Box<Expr>,
    },
    /// `[p = (a)-->(b) WHERE pred | expr]`
    PatternComprehension {
        /// The path variable.
        variable: Option<Ident>,
        /// The relationship pattern.
        path: Box<PathPattern>,
        /// The filter.
        predicate: Option<Box<Expr>>,
        /// The value collected for each match.
        projection: Box<Expr>,
    },
    /// A relationship pattern used as a predicate: true when at least one match exists.
    PatternPredicate(Box<PathPattern>),
    /// `any|all|none|single(x IN list WHERE pred)`
    Quantifier {
        /// Which quantifier.
        quantifier: Quantifier,
        /// The element variable.
        variable: Ident,
        /// The list.
        list: Box<Expr>,
        /// The predicate (absent only if the user omitted it).
        predicate: Option<Box<Expr>>,
    },
    /// `EXISTS { pattern [WHERE pred] }`
    Exists {
        /// The patterns to find.
        pattern: Pattern,
        /// An extra condition.
        where_: Option<Box<Expr>>,
    },
    /// `EXISTS { MATCH … [WITH …] RETURN … }`: true when the query, run from the current row,
    /// yields at least one row.
    ExistsQuery(Box<SingleQuery>),
}

/// `any`, `all`, `none`, `single`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// `any(...)`: at least one element satisfies the predicate.
    Any,
    /// `all(...)`: every element does.
    All,
    /// `none(...)`: no element does.
    None,
    /// `single(...)`: exactly one does.
    Single,
}

/// One selector of a map projection.
#[derive(Clone, Debug, PartialEq)]
pub enum MapProjectionItem {
    /// `.key`: the base's property.
    Property(Ident),
    /// `.*`: all of the base's properties.
    AllProperties(Span),
    /// `key: expr`
    Literal(Ident, Expr),
    /// `var`: the variable's value under its own name.
    Variable(Ident),
}

/// Prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `NOT`
    Not,
    /// `-`
    Neg,
    /// `+`
    Plus,
}

/// Binary operators other than comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `OR`
    Or,
    /// `XOR`
    Xor,
    /// `AND`
    And,
    /// `+` (numbers, strings, lists)
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
    RegexMatch,
}

/// Comparison operators (which may be chained).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
}

impl BinaryOp {
    /// The operator as written in Cypher.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "OR",
            BinaryOp::Xor => "XOR",
            BinaryOp::And => "AND",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
            BinaryOp::In => "IN",
            BinaryOp::StartsWith => "STARTS WITH",
            BinaryOp::EndsWith => "ENDS WITH",
            BinaryOp::Contains => "CONTAINS",
            BinaryOp::RegexMatch => "=~",
        }
    }

    /// Binding strength: higher binds tighter (see [`Precedence`]).
    pub fn precedence(self) -> Precedence {
        match self {
            BinaryOp::Or => Precedence::Or,
            BinaryOp::Xor => Precedence::Xor,
            BinaryOp::And => Precedence::And,
            BinaryOp::In | BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains | BinaryOp::RegexMatch => {
                Precedence::Predicate
            }
            BinaryOp::Add | BinaryOp::Sub => Precedence::Additive,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => Precedence::Multiplicative,
            BinaryOp::Pow => Precedence::Power,
        }
    }
}

impl CompareOp {
    /// The operator as written in Cypher.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "<>",
            CompareOp::Lt => "<",
            CompareOp::Gt => ">",
            CompareOp::Le => "<=",
            CompareOp::Ge => ">=",
        }
    }
}

impl Quantifier {
    /// The function-like keyword, lower case.
    pub fn name(self) -> &'static str {
        match self {
            Quantifier::Any => "any",
            Quantifier::All => "all",
            Quantifier::None => "none",
            Quantifier::Single => "single",
        }
    }
}

/// Operator binding strength, loosest first, following the openCypher grammar. All binary
/// levels are left-associative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precedence {
    /// `OR`
    Or,
    /// `XOR`
    Xor,
    /// `AND`
    And,
    /// prefix `NOT`
    Not,
    /// `=`, `<>`, `<`, `>`, `<=`, `>=` (chained)
    Comparison,
    /// `IN`, `STARTS WITH`, `ENDS WITH`, `CONTAINS`, `=~`, `IS [NOT] NULL`
    Predicate,
    /// `+`, `-`
    Additive,
    /// `*`, `/`, `%`
    Multiplicative,
    /// `^`
    Power,
    /// prefix `-`, `+`
    Unary,
    /// `.key`, `[i]`, `[a..b]`, `:Label`
    Postfix,
    /// literals, variables, calls, parenthesised expressions
    Atom,
}

impl Expr {
    /// How tightly this expression binds, to decide where [`Display`] needs parentheses.
    pub fn precedence(&self) -> Precedence {
        match &self.kind {
            ExprKind::Binary { op, .. } => op.precedence(),
            ExprKind::Comparison { .. } => Precedence::Comparison,
            ExprKind::IsNull { .. } => Precedence::Predicate,
            ExprKind::Unary { op: UnaryOp::Not, .. } => Precedence::Not,
            ExprKind::Unary { .. } => Precedence::Unary,
            ExprKind::Literal(Literal::Int(i)) if *i < 0 => Precedence::Unary,
            ExprKind::Literal(Literal::Float(f)) if f.is_sign_negative() => Precedence::Unary,
            ExprKind::Property { .. }
            | ExprKind::Index { .. }
            | ExprKind::Slice { .. }
            | ExprKind::HasLabels { .. } => Precedence::Postfix,
            _ => Precedence::Atom,
        }
    }
}

/// The words the parser does not accept as unquoted variable names; [`Display`] backtick-quotes
/// any name that is one of them (case-insensitively) or is not a plain identifier.
pub const RESERVED_WORDS: &[&str] = &[
    "ALL",
    "AND",
    "AS",
    "ASC",
    "ASCENDING",
    "BY",
    "CALL",
    "CASE",
    "CONTAINS",
    "CREATE",
    "DELETE",
    "DESC",
    "DESCENDING",
    "DETACH",
    "DISTINCT",
    "ELSE",
    "END",
    "ENDS",
    "EXISTS",
    "EXPLAIN",
    "FALSE",
    "IN",
    "IS",
    "LIMIT",
    "MATCH",
    "MERGE",
    "NOT",
    "NULL",
    "ON",
    "OPTIONAL",
    "OR",
    "ORDER",
    "PROFILE",
    "REMOVE",
    "RETURN",
    "SET",
    "SKIP",
    "STARTS",
    "THEN",
    "TRUE",
    "UNION",
    "UNWIND",
    "WHEN",
    "WHERE",
    "WITH",
    "XOR",
    "YIELD",
];

/// Whether `word` is one of [`RESERVED_WORDS`] (case-insensitive).
pub fn is_reserved_word(word: &str) -> bool {
    // The list is sorted: upper-case into a small buffer and binary-search.
    let mut buf = [0u8; 10];
    if word.len() < 2 || word.len() > buf.len() || !word.is_ascii() {
        return false;
    }
    for (b, c) in buf.iter_mut().zip(word.bytes()) {
        *b = c.to_ascii_uppercase();
    }
    let upper = &buf[..word.len()];
    RESERVED_WORDS.binary_search_by(|r| r.as_bytes().cmp(upper)).is_ok()
}

/// Whether `c` may start an unquoted identifier.
pub fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

/// Whether `c` may continue an unquoted identifier.
pub fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric() || c == '\u{200c}' || c == '\u{200d}'
}

/// Writes `name` as Cypher: bare when it is a plain, non-reserved identifier, else in backticks
/// (with inner backticks doubled).
pub fn write_name(f: &mut impl fmt::Write, name: &str) -> fmt::Result {
    let mut chars = name.chars();
    let plain = chars.next().is_some_and(is_ident_start) && chars.all(is_ident_continue) && !is_reserved_word(name);
    if plain {
        f.write_str(name)
    } else {
        f.write_char('`')?;
        for c in name.chars() {
            if c == '`' {
                f.write_str("``")?;
            } else {
                f.write_char(c)?;
            }
        }
        f.write_char('`')
    }
}

/// Writes a label, relationship type, property key or map key: bare when it is a plain
/// identifier (reserved words included, as Cypher allows them there), else in backticks.
pub fn write_symbolic_name(f: &mut impl fmt::Write, name: &str) -> fmt::Result {
    let mut chars = name.chars();
    if chars.next().is_some_and(is_ident_start) && chars.all(is_ident_continue) {
        f.write_str(name)
    } else {
        write_name(f, name)
    }
}

/// Writes `s` as a single-quoted Cypher string literal with escapes.
pub fn write_string_literal(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            c if c.is_control() => write!(f, "\\u{:04X}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('\'')
}

/// Writes a float so that it parses back to the same value (`1.0`, `1e300`, `-0.5`).
fn write_float(f: &mut Formatter<'_>, x: f64) -> fmt::Result {
    if x.is_nan() {
        f.write_str("(0.0 / 0.0)")
    } else if x.is_infinite() {
        f.write_str(if x > 0.0 { "(1.0 / 0.0)" } else { "(-1.0 / 0.0)" })
    } else {
        let s = format!("{x:?}");
        if s.contains(['.', 'e', 'E']) {
            f.write_str(&s)
        } else {
            write!(f, "{s}.0")
        }
    }
}

fn write_list<T: Display>(f: &mut Formatter<'_>, items: &[T], sep: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_name(f, &self.name)
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.mode {
            QueryMode::Normal => {}
            QueryMode::Explain => f.write_str("EXPLAIN ")?,
            QueryMode::Profile => f.write_str("PROFILE ")?,
        }
        write!(f, "{}", self.first)?;
        for union in &self.unions {
            write!(f, "{union}")?;
        }
        Ok(())
    }
}

impl Display for UnionPart {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.all { " UNION ALL " } else { " UNION " })?;
        write!(f, "{}", self.query)
    }
}

impl Display for SingleQuery {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_list(f, &self.clauses, " ")
    }
}

impl Display for Clause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Clause::Match(c) => {
                write!(f, "{} {}", self.keyword(), c.pattern)?;
                if let Some(w) = &c.where_ {
                    write!(f, " WHERE {w}")?;
                }
                Ok(())
            }
            Clause::With(c) => {
                write!(f, "WITH {}", c.projection)?;
                if let Some(w) = &c.where_ {
                    write!(f, " WHERE {w}")?;
                }
                Ok(())
            }
            Clause::Return(c) => write!(f, "RETURN {}", c.projection),
            Clause::Unwind(c) => write!(f, "UNWIND {} AS {}", c.expr, c.variable),
            Clause::Create(c) => write!(f, "CREATE {}", c.pattern),
            Clause::Merge(c) => {
                write!(f, "MERGE {}", c.part)?;
                for action in &c.actions {
                    let on = match action.on {
                        MergeTrigger::Create => "CREATE",
                        MergeTrigger::Match => "MATCH",
                    };
                    write!(f, " ON {on} SET ")?;
                    write_list(f, &action.items, ", ")?;
                }
                Ok(())
            }
            Clause::Set(c) => {
                f.write_str("SET ")?;
                write_list(f, &c.items, ", ")
            }
            Clause::Remove(c) => {
                f.write_str("REMOVE ")?;
                write_list(f, &c.items, ", ")
            }
            Clause::Delete(c) => {
                write!(f, "{} ", self.keyword())?;
                write_list(f, &c.exprs, ", ")
            }
            Clause::Call(c) => {
                let mut parts = c.name.split('.');
                f.write_str("CALL ")?;
                write_name(f, parts.next().unwrap_or_default())?;
                for part in parts {
                    f.write_str(".")?;
                    write_name(f, part)?;
                }
                if let Some(args) = &c.args {
                    f.write_str("(")?;
                    write_list(f, args, ", ")?;
                    f.write_str(")")?;
                }
                match &c.yields {
                    None => Ok(()),
                    Some(Yield::Star(_)) => f.write_str(" YIELD *"),
                    Some(Yield::Items { items, where_ }) => {
                        f.write_str(" YIELD ")?;
                        for (i, item) in items.iter().enumerate() {
                            if i > 0 {
                                f.write_str(", ")?;
                            }
                            write!(f, "{}", item.field)?;
                            if let Some(alias) = &item.alias {
                                write!(f, " AS {alias}")?;
                            }
                        }
                        if let Some(w) = where_ {
                            write!(f, " WHERE {w}")?;
                        }
                        Ok(())
                    }
                }
            }
        }
    }
}

impl Display for Projection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        if self.star {
            f.write_str("*")?;
            if !self.items.is_empty() {
                f.write_str(", ")?;
            }
        }
        write_list(f, &self.items, ", ")?;
        if !self.order_by.is_empty() {
            f.write_str(" ORDER BY ")?;
            write_list(f, &self.order_by, ", ")?;
        }
        if let Some(skip) = &self.skip {
            write!(f, " SKIP {skip}")?;
        }
        if let Some(limit) = &self.limit {
            write!(f, " LIMIT {limit}")?;
        }
        Ok(())
    }
}

impl Display for ProjectionItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if let Some(alias) = &self.alias {
            write!(f, " AS {alias}")?;
        }
        Ok(())
    }
}

impl Display for SortItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if self.descending {
            f.write_str(" DESC")?;
        }
        Ok(())
    }
}

impl Display for SetItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SetItem::Property { entity, key, value, .. } => {
                write_operand(f, entity, Precedence::Postfix)?;
                f.write_str(".")?;
                write_symbolic_name(f, &key.name)?;
                write!(f, " = {value}")
            }
            SetItem::Replace { variable, value, .. } => write!(f, "{variable} = {value}"),
            SetItem::Merge { variable, value, .. } => write!(f, "{variable} += {value}"),
            SetItem::Labels { variable, labels, .. } => {
                write!(f, "{variable}")?;
                write_labels(f, labels)
            }
        }
    }
}

impl Display for RemoveItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            RemoveItem::Property { entity, key, .. } => {
                write_operand(f, entity, Precedence::Postfix)?;
                f.write_str(".")?;
                write_symbolic_name(f, &key.name)
            }
            RemoveItem::Labels { variable, labels, .. } => {
                write!(f, "{variable}")?;
                write_labels(f, labels)
            }
        }
    }
}

fn write_labels(f: &mut Formatter<'_>, labels: &[Ident]) -> fmt::Result {
    for label in labels {
        f.write_str(":")?;
        write_symbolic_name(f, &label.name)?;
    }
    Ok(())
}

impl Display for Pattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_list(f, &self.parts, ", ")
    }
}

impl Display for PatternPart {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(v) = &self.variable {
            write!(f, "{v} = ")?;
        }
        match self.kind {
            PathKind::Plain => write!(f, "{}", self.path),
            PathKind::Shortest => write!(f, "shortestPath({})", self.path),
            PathKind::AllShortest => write!(f, "allShortestPaths({})", self.path),
        }
    }
}

impl Display for PathPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.start)?;
        for step in &self.steps {
            write!(f, "{}{}", step.relationship, step.node)?;
        }
        Ok(())
    }
}

impl Display for NodePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        if let Some(v) = &self.variable {
            write!(f, "{v}")?;
        }
        write_labels(f, &self.labels)?;
        if let Some(p) = &self.properties {
            if self.variable.is_some() || !self.labels.is_empty() {
                f.write_str(" ")?;
            }
            write!(f, "{p}")?;
        }
        f.write_str(")")
    }
}

impl Display for RelationshipPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if matches!(self.direction, Direction::Left | Direction::Both) { "<-" } else { "-" })?;
        let detail =
            self.variable.is_some() || !self.types.is_empty() || self.length.is_some() || self.properties.is_some();
        if detail {
            f.write_str("[")?;
            if let Some(v) = &self.variable {
                write!(f, "{v}")?;
            }
            for (i, t) in self.types.iter().enumerate() {
                f.write_str(if i == 0 { ":" } else { "|" })?;
                write_symbolic_name(f, &t.name)?;
            }
            if let Some(len) = &self.length {
                write!(f, "{len}")?;
            }
            if let Some(p) = &self.properties {
                write!(f, " {p}")?;
            }
            f.write_str("]")?;
        }
        f.write_str(if matches!(self.direction, Direction::Right | Direction::Both) { "->" } else { "-" })
    }
}

impl Display for VarLength {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("*")?;
        match (self.min, self.max) {
            (None, None) => Ok(()),
            (Some(a), Some(b)) if a == b => write!(f, "{a}"),
            (Some(a), Some(b)) => write!(f, "{a}..{b}"),
            (Some(a), None) => write!(f, "{a}.."),
            (None, Some(b)) => write!(f, "..{b}"),
        }
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Float(x) => write_float(f, *x),
            Literal::String(s) => write_string_literal(f, s),
        }
    }
}

/// Writes `e`, in parentheses when it binds more loosely than `min`.
fn write_operand(f: &mut Formatter<'_>, e: &Expr, min: Precedence) -> fmt::Result {
    if e.precedence() < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

impl Precedence {
    /// The next tighter level, for the right operand of a left-associative operator (the
    /// parser and [`Display`] share it, so printing re-parses to the same tree).
    pub fn tighter(self) -> Precedence {
        match self {
            Precedence::Or => Precedence::Xor,
            Precedence::Xor => Precedence::And,
            Precedence::And => Precedence::Not,
            Precedence::Not => Precedence::Comparison,
            Precedence::Comparison => Precedence::Predicate,
            Precedence::Predicate => Precedence::Additive,
            Precedence::Additive => Precedence::Multiplicative,
            Precedence::Multiplicative => Precedence::Power,
            Precedence::Power => Precedence::Unary,
            Precedence::Unary => Precedence::Postfix,
            Precedence::Postfix | Precedence::Atom => Precedence::Atom,
        }
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(l) => write!(f, "{l}"),
            ExprKind::Parameter(name) => {
                f.write_str("$")?;
                if name.chars().all(|c| c.is_ascii_digit()) && !name.is_empty() {
                    f.write_str(name)
                } else {
                    write_name(f, name)
                }
            }
            ExprKind::Variable(name) => write_name(f, name),
            ExprKind::Property { expr, key } => {
                write_operand(f, expr, Precedence::Postfix)?;
                f.write_str(".")?;
                write_symbolic_name(f, &key.name)
            }
            ExprKind::List(items) => {
                f.write_str("[")?;
                write_list(f, items, ", ")?;
                f.write_str("]")
            }
            ExprKind::Map(entries) => write_map(f, entries),
            ExprKind::MapProjection { base, items } => {
                write!(f, "{base} {{")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match item {
                        MapProjectionItem::Property(k) => {
                            f.write_str(".")?;
                            write_symbolic_name(f, &k.name)?;
                        }
                        MapProjectionItem::AllProperties(_) => f.write_str(".*")?,
                        MapProjectionItem::Literal(k, v) => {
                            write_symbolic_name(f, &k.name)?;
                            write!(f, ": {v}")?;
                        }
                        MapProjectionItem::Variable(v) => write!(f, "{v}")?,
                    }
                }
                f.write_str("}")
            }
            ExprKind::Unary { op, expr } => match op {
                UnaryOp::Not => {
                    f.write_str("NOT ")?;
                    write_operand(f, expr, Precedence::Not)
                }
                UnaryOp::Neg | UnaryOp::Plus => {
                    f.write_str(if *op == UnaryOp::Neg { "-" } else { "+" })?;
                    // A space keeps `- -1` from reading as a comment-free `--1` and `-(-1)` apart.
                    if matches!(expr.kind, ExprKind::Unary { .. }) || expr.precedence() == Precedence::Unary {
                        f.write_str(" ")?;
                    }
                    write_operand(f, expr, Precedence::Unary)
                }
            },
            ExprKind::Binary { op, left, right } => {
                let p = op.precedence();
                write_operand(f, left, p)?;
                write!(f, " {} ", op.symbol())?;
                write_operand(f, right, p.tighter())
            }
            ExprKind::Comparison { first, rest } => {
                write_operand(f, first, Precedence::Predicate)?;
                for (op, e) in rest {
                    write!(f, " {} ", op.symbol())?;
                    write_operand(f, e, Precedence::Predicate)?;
                }
                Ok(())
            }
            ExprKind::IsNull { expr, negated } => {
                write_operand(f, expr, Precedence::Predicate)?;
                f.write_str(if *negated { " IS NOT NULL" } else { " IS NULL" })
            }
            ExprKind::HasLabels { expr, labels } => {
                write_operand(f, expr, Precedence::Postfix)?;
                write_labels(f, labels)
            }
            ExprKind::Case { operand, whens, else_ } => {
                f.write_str("CASE")?;
                if let Some(o) = operand {
                    write!(f, " {o}")?;
                }
                for (w, t) in whens {
                    write!(f, " WHEN {w} THEN {t}")?;
                }
                if let Some(e) = else_ {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END")
            }
            ExprKind::FunctionCall { name, distinct, args } => {
                for (i, part) in name.name.split('.').enumerate() {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    // Only these words change meaning before `(`; other keywords are fine
                    // as function names.
                    if ["TRUE", "FALSE", "NULL", "CASE", "NOT"].iter().any(|w| w.eq_ignore_ascii_case(part)) {
                        write_name(f, part)?;
                    } else {
                        write_symbolic_name(f, part)?;
                    }
                }
                f.write_str("(")?;
                if *distinct {
                    f.write_str("DISTINCT ")?;
                }
                write_list(f, args, ", ")?;
                f.write_str(")")
            }
            ExprKind::CountStar => f.write_str("count(*)"),
            ExprKind::Index { expr, index } => {
                write_operand(f, expr, Precedence::Postfix)?;
                write!(f, "[{index}]")
            }
            ExprKind::Slice { expr, from, to } => {
                write_operand(f, expr, Precedence::Postfix)?;
                f.write_str("[")?;
                if let Some(a) = from {
                    write!(f, "{a}")?;
                }
                f.write_str("..")?;
                if let Some(b) = to {
                    write!(f, "{b}")?;
                }
                f.write_str("]")
            }
            ExprKind::ListComprehension { variable, list, predicate, projection } => {
                write!(f, "[{variable} IN {list}")?;
                if let Some(p) = predicate {
                    write!(f, " WHERE {p}")?;
                }
                if let Some(e) = projection {
                    write!(f, " | {e}")?;
                }
                f.write_str("]")
            }
            ExprKind::Reduce { accumulator, init, variable, list, step } => {
                write!(f, "reduce({accumulator} = {init}, {variable} IN {list} | {step})")
            }
            ExprKind::PatternComprehension { variable, path, predicate, projection } => {
                f.write_str("[")?;
                if let Some(v) = variable {
                    write!(f, "{v} = ")?;
                }
                write!(f, "{path}")?;
                if let Some(p) = predicate {
                    write!(f, " WHERE {p}")?;
                }
                write!(f, " | {projection}]")
            }
            ExprKind::PatternPredicate(path) => write!(f, "{path}"),
            ExprKind::Quantifier { quantifier, variable, list, predicate } => {
                write!(f, "{}({variable} IN {list}", quantifier.name())?;
                if let Some(p) = predicate {
                    write!(f, " WHERE {p}")?;
                }
                f.write_str(")")
            }
            ExprKind::Exists { pattern, where_ } => {
                write!(f, "EXISTS {{ {pattern}")?;
                if let Some(w) = where_ {
                    write!(f, " WHERE {w}")?;
                }
                f.write_str(" }")
            }
            ExprKind::ExistsQuery(q) => write!(f, "EXISTS {{ {q} }}"),
        }
    }
}

fn write_map(f: &mut Formatter<'_>, entries: &[(Ident, Expr)]) -> fmt::Result {
    f.write_str("{")?;
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_symbolic_name(f, &k.name)?;
        write!(f, ": {v}")?;
    }
    f.write_str("}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(kind: ExprKind) -> Expr {
        Expr::new(kind, Span::default())
    }

    fn int(i: i64) -> Expr {
        e(ExprKind::Literal(Literal::Int(i)))
    }

    #[test]
    fn display_adds_only_needed_parentheses() {
        let sum = e(ExprKind::Binary { op: BinaryOp::Add, left: Box::new(int(1)), right: Box::new(int(2)) });
        let product = e(ExprKind::Binary { op: BinaryOp::Mul, left: Box::new(sum.clone()), right: Box::new(int(3)) });
        assert_eq!(product.to_string(), "(1 + 2) * 3");
        let right = e(ExprKind::Binary { op: BinaryOp::Sub, left: Box::new(int(1)), right: Box::new(sum) });
        assert_eq!(right.to_string(), "1 - (1 + 2)");
    }

    #[test]
    fn names_are_quoted_when_needed() {
        let mut s = String::new();
        write_name(&mut s, "a b`c").unwrap();
        assert_eq!(s, "`a b``c`");
        s.clear();
        write_name(&mut s, "جنيم").unwrap();
        assert_eq!(s, "جنيم");
        s.clear();
        write_name(&mut s, "match").unwrap();
        assert_eq!(s, "`match`");
    }

    #[test]
    fn reserved_words_are_sorted_and_found() {
        assert!(RESERVED_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_reserved_word("match") && is_reserved_word("Descending") && is_reserved_word("XOR"));
        assert!(!is_reserved_word("name") && !is_reserved_word("matches") && !is_reserved_word("جنيم"));
    }

    #[test]
    fn strings_and_floats_print_as_literals() {
        assert_eq!(e(ExprKind::Literal(Literal::String("it's\n".into()))).to_string(), "'it\\'s\\n'");
        assert_eq!(e(ExprKind::Literal(Literal::Float(1.0))).to_string(), "1.0");
        assert_eq!(e(ExprKind::Literal(Literal::Float(1e300))).to_string(), "1e300");
    }
}
