//! The binder: turns the AST into a [`Plan`]. It resolves variables to row slots with Cypher's
//! scoping (`WITH` starts a new scope, `ORDER BY` sees both the projected and the previous
//! variables), resolves function names and aggregates, plans each `MATCH` pattern (anchor on the
//! most selective node, then expand through adjacency), and reports the TCK's compile-time
//! errors (`UndefinedVariable`, `VariableAlreadyBound`, `VariableTypeConflict`,
//! `InvalidAggregation`, `NoVariablesInScope`, `ColumnNameConflict`, ...) with the AST span.
//! Procedure calls are checked against the registry's signatures (`ProcedureNotFound`,
//! `InvalidNumberOfArguments`, `InvalidArgumentType` for literals, `InvalidArgumentPassingMode`).
//!
//! It runs nothing, except folding literal operands of boolean and `IN` operators so that their
//! type errors are reported before the query runs, as the TCK expects.

use std::collections::HashSet;

use crate::graph::{Direction, PropertyGraph, Value, NAME_KEY};

use super::ast::{self, ExprKind, Literal};
use super::error::{ErrorKind, QueryError};
use super::eval::{binary, truth};
use super::functions;
use super::plan::{
    rewrite, AggCall, AggFunc, BinaryOp, CreateNode, CreateRel, CreateSpec, Expr, LogicalOp, MapSelector, PathPart,
    Plan, PropKey, Quantifier, ScanSource, SetItem, Spot, SubPlan, UnaryOp, Var,
};
use super::procedures::Procedures;
use super::span::Span;

/// What a variable is known to hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Node,
    Rel,
    RelList,
    Path,
    /// Certainly not a graph element (a literal, list, map or arithmetic result).
    Scalar,
    Value,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Node => "a node",
            Kind::Rel => "a relationship",
            Kind::RelList => "a list of relationships",
            Kind::Path => "a path",
            Kind::Scalar => "a plain value",
            Kind::Value => "a value",
        }
    }
}

#[derive(Clone, Debug)]
struct Binding {
    name: String,
    slot: usize,
    kind: Kind,
    /// Generated names for unnamed pattern parts are not user-visible (`RETURN *` skips them).
    hidden: bool,
}

/// Variables in scope and the next free slot.
#[derive(Clone, Debug, Default)]
struct Scope {
    vars: Vec<Binding>,
    next: usize,
}

impl Scope {
    fn get(&self, name: &str) -> Option<&Binding> {
        self.vars.iter().rev().find(|b| b.name == name)
    }

    fn alloc(&mut self) -> usize {
        self.next += 1;
        self.next - 1
    }

    fn bind(&mut self, name: &str, kind: Kind, hidden: bool) -> Var {
        let slot = self.alloc();
        self.vars.push(Binding { name: name.to_string(), slot, kind, hidden });
        Var { slot, name: name.to_string() }
    }

    fn var(&self, name: &str) -> Option<Var> {
        self.get(name).map(|b| Var { slot: b.slot, name: b.name.clone() })
    }
}

fn syntax(detail: &'static str, span: Span, message: impl Into<String>) -> QueryError {
    QueryError::new(ErrorKind::SyntaxError, message).with_detail(detail).with_span(span)
}

/// Builds the plan of a parsed statement, using `graph` only for statistics (label counts) and
/// `procedures` for the signatures of what `CALL` names.
///
/// # Errors
/// The TCK's compile-time errors, as `SyntaxError` with a detail code and the span
/// (`ProcedureError` for an unknown procedure).
pub fn plan_query(query: &ast::Query, graph: &PropertyGraph, procedures: &Procedures) -> Result<Plan, QueryError> {
    let mut b = Binder { graph, procedures, anon: 0, lone_node: false, param_props: false, params: Vec::new() };
    let (mut ops, mut spans, columns, mut width) = b.single(&query.first)?;
    rewrite::answer_from_indexes(&mut ops, &mut spans);
    if !query.unions.is_empty() {
        let all = query.unions[0].all;
        let mut parts = vec![ops];
        for u in &query.unions {
            if u.all != all {
                return Err(syntax("InvalidClauseComposition", u.span, "cannot mix UNION and UNION ALL"));
            }
            let (mut part_ops, mut part_spans, cols, w) = b.single(&u.query)?;
            rewrite::answer_from_indexes(&mut part_ops, &mut part_spans);
            if cols != columns {
                return Err(syntax(
                    "DifferentColumnsInUnion",
                    u.span,
                    format!(
                        "all parts of a UNION must return the same columns: [{}] vs [{}]",
                        columns.join(", "),
                        cols.join(", ")
                    ),
                ));
            }
            width = width.max(w);
            parts.push(part_ops);
        }
        ops = vec![LogicalOp::Union { parts, all }];
        spans = vec![query.span];
    }
    Ok(Plan { ops, spans, width, columns, span: query.span, params: b.params })
}

struct Binder<'g> {
    graph: &'g PropertyGraph,
    procedures: &'g Procedures,
    anon: usize,
    /// Set while binding a pattern part that is a single node (CREATE/MERGE cannot reuse one).
    lone_node: bool,
    /// Whether a parameter may stand for a pattern's property map (only in CREATE).
    param_props: bool,
    /// Every `$name` bound, where it was written.
    params: Vec<(String, Span)>,
}

/// A node of a pattern being planned.
#[derive(Clone, Debug)]
struct PNode {
    var: Var,
    labels: Vec<String>,
    props: Vec<(String, Expr)>,
    props_expr: Option<Expr>,
    bound: bool,
}

/// A relationship of a pattern being planned.
#[derive(Clone, Debug)]
struct PRel {
    var: Var,
    left: usize,
    right: usize,
    dir: ast::Direction,
    types: Vec<String>,
    length: Option<(u64, Option<u64>)>,
    props: Vec<(String, Expr)>,
    props_expr: Option<Expr>,
    bound: bool,
    shortest: Option<(bool, Var)>,
    span: Span,
}

#[derive(Default, Debug)]
struct PGraph {
    nodes: Vec<PNode>,
    rels: Vec<PRel>,
    /// Named paths: slot and pieces.
    paths: Vec<(Var, Vec<PathPart>)>,
}

impl Binder<'_> {
    fn anon_name(&mut self) -> String {
        self.anon += 1;
        format!("  anon_{}", self.anon)
    }

    // ----- queries and clauses ----------------------------------------------------------------

    /// Plans one query without UNION: the operators, the span of the clause each came from,
    /// the columns and the row width.
    fn single(&mut self, q: &ast::SingleQuery) -> Result<SinglePlan, QueryError> {
        self.single_from(q, Scope::default())
    }

    /// [`Binder::single`] starting from the variables of `scope` (an `EXISTS` subquery sees
    /// the variables of the row it runs from).
    fn single_from(&mut self, q: &ast::SingleQuery, mut scope: Scope) -> Result<SinglePlan, QueryError> {
        let mut spans: Vec<Span> = Vec::new();
        let mut ops = Vec::new();
        let mut columns = Vec::new();
        let mut max_width = 0;
        let n = q.clauses.len();
        // A query that is one CALL and nothing else returns the procedure's outputs.
        let standalone = matches!(q.clauses.as_slice(), [ast::Clause::Call(_)]);
        let mut call_outputs: Option<Vec<Var>> = None;
        for (i, clause) in q.clauses.iter().enumerate() {
            let last = i + 1 == n;
            let first_op = ops.len();
            match clause {
                ast::Clause::Match(m) => self.match_clause(m, &mut scope, &mut ops)?,
                ast::Clause::Unwind(u) => {
                    let e = self.expr(&u.expr, &scope)?;
                    if let Some(b) = scope.get(&u.variable.name) {
                        let _ = b;
                        return Err(syntax(
                            "VariableAlreadyBound",
                            u.variable.span,
                            format!("variable '{}' is already defined", u.variable.name),
                        ));
                    }
                    let v = scope.bind(&u.variable.name, Kind::Value, false);
                    ops.push(LogicalOp::Unwind(e, v));
                }
                ast::Clause::With(w) => {
                    self.projection(&w.projection, false, w.where_.as_ref(), &mut scope, &mut ops)?;
                }
                ast::Clause::Return(r) => {
                    if !last {
                        return Err(syntax("InvalidClauseComposition", r.span, "RETURN must be the last clause"));
                    }
                    columns = self.projection(&r.projection, true, None, &mut scope, &mut ops)?;
                }
                ast::Clause::Create(c) => self.create_clause(c, &mut scope, &mut ops)?,
                ast::Clause::Merge(m) => self.merge_clause(m, &mut scope, &mut ops)?,
                ast::Clause::Set(s) => {
                    let items = s.items.iter().map(|it| self.set_item(it, &scope)).collect::<Result<_, _>>()?;
                    ops.push(LogicalOp::Set(items));
                }
                ast::Clause::Remove(r) => {
                    let mut items = Vec::new();
                    for it in &r.items {
                        items.push(match it {
                            ast::RemoveItem::Property { entity, key, .. } => {
                                SetItem::Prop(self.expr(entity, &scope)?, key.name.clone(), Expr::Lit(Value::Null))
                            }
                            ast::RemoveItem::Labels { variable, labels, .. } => SetItem::RemoveLabels(
                                self.var_expr(variable, &scope)?,
                                labels.iter().map(|l| l.name.clone()).collect(),
                            ),
                        });
                    }
                    ops.push(LogicalOp::Set(items));
                }
                ast::Clause::Delete(d) => {
                    let mut exprs = Vec::new();
                    for e in &d.exprs {
                        if matches!(e.kind, ExprKind::HasLabels { .. }) {
                            return Err(syntax(
                                "InvalidDelete",
                                e.span,
                                "DELETE expects a node, relationship or path, not a label test",
                            ));
                        }
                        if !matches!(
                            e.kind,
                            ExprKind::Variable(_)
                                | ExprKind::Property { .. }
                                | ExprKind::Index { .. }
                                | ExprKind::FunctionCall { .. }
                        ) {
                            return Err(syntax(
                                "InvalidArgumentType",
                                e.span,
                                "DELETE expects a node, relationship or path",
                            ));
                        }
                        exprs.push(self.expr(e, &scope)?);
                    }
                    ops.push(LogicalOp::Delete { exprs, detach: d.detach });
                }
                ast::Clause::Call(c) => call_outputs = Some(self.call_clause(c, standalone, &mut scope, &mut ops)?),
            }
            max_width = max_width.max(scope.next);
            spans.resize(ops.len().max(first_op), clause.span());
            if last && !matches!(clause, ast::Clause::Return(_)) {
                let updating = clause.is_updating();
                match (clause, call_outputs.take()) {
                    (ast::Clause::Call(_), Some(outputs)) if standalone && !outputs.is_empty() => {
                        columns = outputs.iter().map(|v| v.name.clone()).collect();
                        let items = outputs.into_iter().map(Expr::Var).collect();
                        ops.push(LogicalOp::Project { names: columns.clone(), items, keep: false });
                        spans.resize(ops.len(), clause.span());
                        continue;
                    }
                    (ast::Clause::Call(_), Some(outputs)) if outputs.is_empty() => {}
                    _ if updating => {}
                    _ => {
                        return Err(syntax(
                            "InvalidClauseComposition",
                            clause.span(),
                            format!("a query cannot end with {}", clause.keyword()),
                        )
                        .with_help("add a RETURN clause"));
                    }
                }
                ops.push(LogicalOp::Discard);
            }
        }
        spans.resize(ops.len(), q.span);
        Ok((ops, spans, columns, max_width))
    }

    /// Plans `CALL`: checks the arguments against the signature, binds the yielded outputs and
    /// filters by `YIELD … WHERE`. Returns the variables bound (a standalone call without
    /// `YIELD`, or with `YIELD *`, binds every output).
    fn call_clause(
        &mut self,
        c: &ast::CallClause,
        standalone: bool,
        scope: &mut Scope,
        ops: &mut Vec<LogicalOp>,
    ) -> Result<Vec<Var>, QueryError> {
        let procedure = self.procedures.get(&c.name).cloned().ok_or_else(|| {
            QueryError::new(ErrorKind::ProcedureError, format!("there is no procedure called {}", c.name))
                .with_detail("ProcedureNotFound")
                .with_span(c.name_span)
                .with_help("CALL dbms.procedures() lists the procedures there are")
        })?;
        let sig = procedure.signature();
        let args = match &c.args {
            Some(args) => {
                if args.len() != sig.inputs.len() {
                    return Err(syntax(
                        "InvalidNumberOfArguments",
                        c.span,
                        format!("{} takes {} argument(s), found {}", sig, sig.inputs.len(), args.len()),
                    ));
                }
                let mut bound = Vec::new();
                for (a, field) in args.iter().zip(&sig.inputs) {
                    if contains_aggregate(a) {
                        return Err(syntax(
                            "InvalidAggregation",
                            a.span,
                            "a procedure argument cannot use an aggregating function",
                        ));
                    }
                    let e = self.expr(a, scope)?;
                    if let Expr::Lit(v) = &e {
                        if !field.ty.accepts(v) {
                            return Err(syntax(
                                "InvalidArgumentType",
                                a.span,
                                format!(
                                    "input '{}' of {} is {}, found {}",
                                    field.name,
                                    c.name,
                                    field.ty,
                                    v.type_name()
                                ),
                            ));
                        }
                    }
                    bound.push(e);
                }
                bound
            }
            None if standalone || sig.inputs.is_empty() => {
                sig.inputs.iter().map(|f| Expr::Param(f.name.clone())).collect()
            }
            None => {
                return Err(syntax(
                    "InvalidArgumentPassingMode",
                    c.span,
                    format!("{} needs its arguments in parentheses when CALL is part of a larger query", c.name),
                ))
            }
        };
        let mut taken: Vec<(usize, &str, Span)> = Vec::new();
        let mut where_ = None;
        match &c.yields {
            None if !standalone => {}
            None => taken.extend(sig.outputs.iter().enumerate().map(|(i, f)| (i, f.name.as_str(), c.span))),
            Some(ast::Yield::Star(span)) => {
                if !standalone {
                    return Err(syntax(
                        "UnexpectedSyntax",
                        *span,
                        "YIELD * is only allowed in a standalone CALL; name the outputs",
                    ));
                }
                taken.extend(sig.outputs.iter().enumerate().map(|(i, f)| (i, f.name.as_str(), *span)));
            }
            Some(ast::Yield::Items { items, where_: w }) => {
                for item in items {
                    let Some(pos) = sig.outputs.iter().position(|f| f.name == item.field.name) else {
                        return Err(syntax(
                            "UndefinedVariable",
                            item.field.span,
                            format!("{} has no output '{}'", sig, item.field.name),
                        ));
                    };
                    let var = item.variable();
                    taken.push((pos, var.name.as_str(), var.span));
                }
                where_ = w.as_deref();
            }
        }
        let mut yields = Vec::new();
        for (pos, name, span) in taken {
            if scope.get(name).is_some() {
                return Err(syntax("VariableAlreadyBound", span, format!("variable '{name}' is already defined")));
            }
            yields.push((pos, scope.bind(name, Kind::Value, false)));
        }
        let void = sig.outputs.is_empty();
        ops.push(LogicalOp::ProcedureCall { name: c.name.clone(), args, yields: yields.clone(), void });
        if let Some(w) = where_ {
            let e = self.predicate(w, scope)?;
            ops.push(LogicalOp::Filter(e));
        }
        Ok(yields.into_iter().map(|(_, v)| v).collect())
    }

    fn projection(
        &mut self,
        p: &ast::Projection,
        is_return: bool,
        where_: Option<&ast::Expr>,
        scope: &mut Scope,
        ops: &mut Vec<LogicalOp>,
    ) -> Result<Vec<String>, QueryError> {
        // The items, with their names and source texts.
        let mut items: Vec<(String, &ast::Expr, Span)> = Vec::new();
        let mut star_items: Vec<(String, Var, Kind)> = Vec::new();
        let mut alias_error = None;
        if p.star {
            let mut names: Vec<&Binding> = scope.vars.iter().filter(|b| !b.hidden).collect();
            names.sort_by(|a, b| a.name.cmp(&b.name));
            names.dedup_by(|a, b| a.name == b.name);
            let names: Vec<Binding> = names.into_iter().filter_map(|b| scope.get(&b.name).cloned()).collect();
            if is_return && names.is_empty() && p.items.is_empty() {
                return Err(syntax("NoVariablesInScope", p.span, "RETURN * needs at least one variable in scope"));
            }
            for b in names {
                star_items.push((b.name.clone(), Var { slot: b.slot, name: b.name.clone() }, b.kind));
            }
        }
        for it in &p.items {
            if matches!(it.expr.kind, ExprKind::PatternPredicate(_)) {
                return Err(syntax("UnexpectedSyntax", it.expr.span, "a pattern cannot be projected as a value")
                    .with_help("use exists((a)-->(b)) for a boolean or [p = (a)-->(b) | p] for the paths"));
            }
            if !is_return
                && it.alias.is_none()
                && !matches!(it.expr.kind, ExprKind::Variable(_))
                && alias_error.is_none()
            {
                alias_error =
                    Some(syntax("NoExpressionAlias", it.span, "an expression in WITH must be aliased with AS"));
            }
            items.push((it.column_name().to_string(), &it.expr, it.span));
        }
        let mut names: Vec<String> = star_items.iter().map(|s| s.0.clone()).collect();
        names.extend(items.iter().map(|i| i.0.clone()));
        let mut seen = HashSet::new();
        for (i, n) in names.iter().enumerate() {
            if !seen.insert(n.clone()) {
                let span = items.get(i.saturating_sub(star_items.len())).map_or(p.span, |it| it.2);
                return Err(syntax("ColumnNameConflict", span, format!("multiple columns named '{n}'")));
            }
        }
        // Normalized texts of the items, to recognise them again in ORDER BY.
        let texts: Vec<String> =
            star_items.iter().map(|s| s.0.clone()).chain(items.iter().map(|i| i.1.to_string())).collect();
        let aggregating = items.iter().any(|(_, e, _)| contains_aggregate(e));
        let mut bound: Vec<Expr> = star_items.iter().map(|s| Expr::Var(s.1.clone())).collect();
        let mut kinds: Vec<Kind> = star_items.iter().map(|s| s.2).collect();
        let n = names.len();

        if aggregating {
            let mut keys: Vec<Expr> = bound.clone();
            let mut key_pos: Vec<Option<usize>> = (0..bound.len()).map(Some).collect();
            let mut agg_items: Vec<(usize, &ast::Expr)> = Vec::new();
            for (i, (_, e, _)) in items.iter().enumerate() {
                if contains_aggregate(e) {
                    agg_items.push((star_items.len() + i, e));
                    key_pos.push(None);
                    kinds.push(Kind::Value);
                } else {
                    let be = self.expr(e, scope)?;
                    kinds.push(self.kind_of(&be, scope));
                    key_pos.push(Some(keys.len()));
                    keys.push(be);
                }
            }
            let nkeys = keys.len();
            let mut aggs: Vec<AggCall> = Vec::new();
            let mut agg_exprs: Vec<(usize, Expr)> = Vec::new();
            for (pos, e) in &agg_items {
                let be = self.agg_expr(e, scope, &mut aggs, nkeys)?;
                if let Some(v) = ambiguous(&be, &keys) {
                    return Err(syntax(
                        "AmbiguousAggregationExpression",
                        e.span,
                        format!("'{v}' in an aggregating expression must also be a grouping key"),
                    ));
                }
                agg_exprs.push((*pos, replace_keys(be, &keys)));
            }
            let mut finals: Vec<Expr> = Vec::new();
            for (i, kp) in key_pos.iter().enumerate() {
                match kp {
                    Some(k) => finals.push(Expr::Var(Var { slot: *k, name: names[i].clone() })),
                    None => finals.push(
                        agg_exprs
                            .iter()
                            .find(|(p, _)| *p == i)
                            .map(|(_, e)| e.clone())
                            .unwrap_or(Expr::Lit(Value::Null)),
                    ),
                }
            }
            ops.push(LogicalOp::Aggregate { keys, aggs });
            ops.push(LogicalOp::Project { names: names.clone(), items: finals, keep: false });
            let mut new_scope = Scope::default();
            for (nm, k) in names.iter().zip(&kinds) {
                new_scope.bind(nm, *k, false);
            }
            if p.distinct {
                ops.push(LogicalOp::Distinct(n));
            }
            let sc = SortScope {
                texts: &texts,
                names: &names,
                new_scope: &new_scope,
                old_scope: scope,
                combined: None,
                aggregating: true,
            };
            let sort = self.sort_keys(p, &sc)?;
            if let Some(e) = alias_error {
                return Err(e);
            }
            if !sort.is_empty() {
                ops.push(LogicalOp::Sort(sort));
            }
            self.skip_limit(p, ops)?;
            if let Some(w) = where_ {
                let e = self.predicate(w, &new_scope)?;
                ops.push(LogicalOp::Filter(e));
            }
            *scope = new_scope;
            return Ok(names);
        }

        for (_, e, _) in &items {
            let be = self.expr(e, scope)?;
            kinds.push(self.kind_of(&be, scope));
            bound.push(be);
        }
        if let Some(e) = alias_error {
            return Err(e);
        }
        // Keep the input row after the projected columns while ORDER BY or WHERE may still read
        // the previous variables.
        let keep = !p.order_by.is_empty() || where_.is_some();
        ops.push(LogicalOp::Project { names: names.clone(), items: bound, keep });
        let mut new_scope = Scope::default();
        for (nm, k) in names.iter().zip(&kinds) {
            new_scope.bind(nm, *k, false);
        }
        let combined = combine(&new_scope, scope, &names);
        let where_e = where_.map(|w| self.predicate(w, if keep { &combined } else { &new_scope })).transpose()?;
        if p.distinct {
            if let Some(e) = &where_e {
                ops.push(LogicalOp::Filter(e.clone()));
            }
            ops.push(LogicalOp::Distinct(n));
        }
        let old = (keep && !p.distinct).then_some(&combined);
        let sc = SortScope {
            texts: &texts,
            names: &names,
            new_scope: &new_scope,
            old_scope: scope,
            combined: old,
            aggregating: false,
        };
        let sort = self.sort_keys(p, &sc)?;
        if !sort.is_empty() {
            ops.push(LogicalOp::Sort(sort));
        }
        self.skip_limit(p, ops)?;
        if !p.distinct {
            if let Some(e) = where_e {
                ops.push(LogicalOp::Filter(e));
            }
        }
        if keep {
            ops.push(LogicalOp::Truncate(n));
        }
        *scope = new_scope;
        Ok(names)
    }

    /// Binds the ORDER BY items. An item (or, around an aggregate, a variable, property or
    /// aggregate inside it) written like a projected item refers to that column; the rest sees
    /// the projected names, plus the previous variables when `combined` is given.
    fn sort_keys(&mut self, p: &ast::Projection, sc: &SortScope) -> Result<Vec<(Expr, bool)>, QueryError> {
        let SortScope { texts, names, new_scope, old_scope, combined, aggregating } = *sc;
        let mut keys = Vec::new();
        let item_vars: HashSet<String> = p.items.iter().flat_map(|i| ast_vars(&i.expr)).collect();
        for item in &p.order_by {
            let text = item.expr.to_string();
            if let Some(i) = texts.iter().position(|t| *t == text) {
                keys.push((Expr::Var(Var { slot: i, name: names[i].clone() }), item.descending));
                continue;
            }
            let scope = combined.unwrap_or(new_scope);
            let mut hook = |_: &mut Binder, inner: &ast::Expr| -> Result<Option<Expr>, QueryError> {
                if !matches!(
                    inner.kind,
                    ExprKind::Variable(_)
                        | ExprKind::Property { .. }
                        | ExprKind::FunctionCall { .. }
                        | ExprKind::CountStar
                ) {
                    return Ok(None);
                }
                let t = inner.to_string();
                Ok(texts.iter().position(|x| *x == t).map(|i| Expr::Var(Var { slot: i, name: names[i].clone() })))
            };
            // Aggregates here must be projected ones (matched by the hook above).
            let e = match self.expr_with(&item.expr, scope, &mut hook) {
                Ok(e) => e,
                Err(err) if err.detail == Some("UndefinedVariable") && combined.is_none() => {
                    let unknown = ast_vars(&item.expr).into_iter().find(|v| scope.get(v).is_none());
                    if let Some(v) = unknown {
                        if item_vars.contains(&v) && old_scope.get(&v).is_some() && contains_aggregate(&item.expr) {
                            return Err(syntax(
                                "AmbiguousAggregationExpression",
                                item.expr.span,
                                format!("'{v}' is only available inside a projected expression"),
                            ));
                        }
                    }
                    return Err(err.with_help("after DISTINCT or aggregation, ORDER BY can only use projected columns"));
                }
                Err(err) if err.detail == Some("InvalidAggregation") && aggregating => {
                    return Err(syntax(
                        "UndefinedVariable",
                        item.expr.span,
                        "ORDER BY can only use aggregates that are also projected",
                    ))
                }
                Err(err) => return Err(err),
            };
            keys.push((e, item.descending));
        }
        Ok(keys)
    }

    fn skip_limit(&mut self, p: &ast::Projection, ops: &mut Vec<LogicalOp>) -> Result<(), QueryError> {
        for (e, is_skip) in [(&p.skip, true), (&p.limit, false)] {
            let Some(e) = e else { continue };
            let what = if is_skip { "SKIP" } else { "LIMIT" };
            let be = self.expr(e, &Scope::default()).map_err(|err| {
                if err.detail == Some("UndefinedVariable") {
                    syntax("NonConstantExpression", e.span, format!("{what} must be a constant expression"))
                } else {
                    err
                }
            })?;
            if let Expr::Lit(v) = &be {
                match v {
                    Value::Int(i) if *i < 0 => {
                        return Err(syntax("NegativeIntegerArgument", e.span, format!("{what} must not be negative")))
                    }
                    Value::Int(_) => {}
                    _ => return Err(syntax("InvalidArgumentType", e.span, format!("{what} must be an integer"))),
                }
            }
            ops.push(if is_skip { LogicalOp::Skip(be) } else { LogicalOp::Limit(be) });
        }
        Ok(())
    }

    fn kind_of(&self, e: &Expr, scope: &Scope) -> Kind {
        match e {
            Expr::Var(v) => scope.vars.iter().rev().find(|b| b.slot == v.slot).map_or(Kind::Value, |b| b.kind),
            Expr::Lit(v) if !v.is_null() => Kind::Scalar,
            Expr::At(_, inner) => self.kind_of(inner, scope),
            Expr::List(_) | Expr::Map(_) | Expr::Binary(..) => Kind::Scalar,
            _ => Kind::Value,
        }
    }

    fn var_expr(&self, id: &ast::Ident, scope: &Scope) -> Result<Expr, QueryError> {
        scope.var(&id.name).map(Expr::Var).ok_or_else(|| undefined(&id.name, id.span))
    }

    fn set_item(&mut self, it: &ast::SetItem, scope: &Scope) -> Result<SetItem, QueryError> {
        Ok(match it {
            ast::SetItem::Property { entity, key, value, .. } => {
                SetItem::Prop(self.expr(entity, scope)?, key.name.clone(), self.expr(value, scope)?)
            }
            ast::SetItem::Replace { variable, value, .. } => {
                SetItem::Props(self.var_expr(variable, scope)?, self.expr(value, scope)?, true)
            }
            ast::SetItem::Merge { variable, value, .. } => {
                SetItem::Props(self.var_expr(variable, scope)?, self.expr(value, scope)?, false)
            }
            ast::SetItem::Labels { variable, labels, .. } => {
                SetItem::Labels(self.var_expr(variable, scope)?, labels.iter().map(|l| l.name.clone()).collect())
            }
        })
    }

    // ----- patterns ---------------------------------------------------------------------------

    /// Registers the pattern's variables (new ones get slots) and collects nodes and
    /// relationships, merging repeated node variables.
    fn pattern_graph(
        &mut self,
        parts: &[ast::PatternPart],
        scope: &mut Scope,
        creating: bool,
    ) -> Result<PGraph, QueryError> {
        let mut g = PGraph::default();
        let mut new_names: HashSet<String> = HashSet::new();
        for part in parts {
            let mut pieces = Vec::new();
            self.lone_node = part.path.steps.is_empty();
            let first = self.pattern_node(&part.path.start, scope, &mut g, &mut new_names, creating)?;
            self.lone_node = false;
            pieces.push(PathPart::Node(g.nodes[first].var.slot));
            let mut prev = first;
            let shortest = part.kind != ast::PathKind::Plain;
            for step in &part.path.steps {
                let next = self.pattern_node(&step.node, scope, &mut g, &mut new_names, creating)?;
                let r = &step.relationship;
                let (var, bound) = match &r.variable {
                    Some(id) => {
                        if let Some(b) = scope.get(&id.name) {
                            let want = if r.length.is_some() { Kind::RelList } else { Kind::Rel };
                            let list_ok = want == Kind::RelList && b.kind == Kind::Scalar;
                            if b.kind != want && b.kind != Kind::Value && !list_ok {
                                return Err(conflict(&id.name, id.span, b.kind, want));
                            }
                            if new_names.contains(&id.name) || creating {
                                let detail =
                                    if creating { "VariableAlreadyBound" } else { "RelationshipUniquenessViolation" };
                                return Err(syntax(
                                    detail,
                                    id.span,
                                    format!("relationship variable '{}' is used twice", id.name),
                                ));
                            }
                            (Var { slot: b.slot, name: id.name.clone() }, true)
                        } else {
                            new_names.insert(id.name.clone());
                            let kind = if r.length.is_some() { Kind::RelList } else { Kind::Rel };
                            (scope.bind(&id.name, kind, false), false)
                        }
                    }
                    None => {
                        let n = self.anon_name();
                        (scope.bind(&n, Kind::Rel, true), false)
                    }
                };
                let length = r.length.map(|l| (l.min.unwrap_or(1), l.max));
                if let Some((min, Some(max))) = length {
                    if min > max && !shortest {
                        // An empty range matches nothing; keep it, the expansion yields no rows.
                    }
                }
                let (props, props_expr) = self.props(r.properties.as_ref(), scope)?;
                pieces.push(if length.is_some() { PathPart::RelList(var.slot) } else { PathPart::Rel(var.slot) });
                pieces.push(PathPart::Node(g.nodes[next].var.slot));
                g.rels.push(PRel {
                    var,
                    left: prev,
                    right: next,
                    dir: r.direction,
                    types: r.types.iter().map(|t| t.name.clone()).collect(),
                    length,
                    props,
                    props_expr,
                    bound,
                    shortest: None,
                    span: r.span,
                });
                prev = next;
            }
            if let Some(pv) = &part.variable {
                if scope.get(&pv.name).is_some() {
                    return Err(syntax(
                        "VariableAlreadyBound",
                        pv.span,
                        format!("variable '{}' is already defined", pv.name),
                    ));
                }
                let v = scope.bind(&pv.name, Kind::Path, false);
                new_names.insert(pv.name.clone());
                if shortest {
                    if part.path.steps.len() != 1 {
                        return Err(syntax(
                            "InvalidShortestPath",
                            part.span,
                            "shortestPath needs exactly one relationship",
                        ));
                    }
                    if let Some(last) = g.rels.last_mut() {
                        last.shortest = Some((part.kind == ast::PathKind::AllShortest, v));
                    }
                } else {
                    g.paths.push((v, pieces));
                }
            } else if shortest {
                let n = self.anon_name();
                let v = scope.bind(&n, Kind::Path, true);
                if let Some(last) = g.rels.last_mut() {
                    last.shortest = Some((part.kind == ast::PathKind::AllShortest, v));
                }
            }
        }
        Ok(g)
    }

    fn pattern_node(
        &mut self,
        n: &ast::NodePattern,
        scope: &mut Scope,
        g: &mut PGraph,
        new_names: &mut HashSet<String>,
        creating: bool,
    ) -> Result<usize, QueryError> {
        let (props, props_expr) = self.props(n.properties.as_ref(), scope)?;
        let labels: Vec<String> = n.labels.iter().map(|l| l.name.clone()).collect();
        if let Some(id) = &n.variable {
            if let Some(i) = g.nodes.iter().position(|x| x.var.name == id.name) {
                if creating && (!labels.is_empty() || props_expr.is_some()) {
                    return Err(syntax(
                        "VariableAlreadyBound",
                        id.span,
                        format!("variable '{}' is already defined", id.name),
                    ));
                }
                let node = &mut g.nodes[i];
                node.labels.extend(labels);
                node.props.extend(props);
                return Ok(i);
            }
            if let Some(b) = scope.get(&id.name).cloned() {
                if b.kind != Kind::Node && b.kind != Kind::Value {
                    return Err(conflict(&id.name, id.span, b.kind, Kind::Node));
                }
                if creating && (!labels.is_empty() || props_expr.is_some() || self.lone_node) {
                    return Err(syntax(
                        "VariableAlreadyBound",
                        id.span,
                        format!("variable '{}' is already defined", id.name),
                    ));
                }
                let bound = !new_names.contains(&id.name);
                g.nodes.push(PNode {
                    var: Var { slot: b.slot, name: id.name.clone() },
                    labels,
                    props,
                    props_expr,
                    bound,
                });
                return Ok(g.nodes.len() - 1);
            }
            new_names.insert(id.name.clone());
            let var = scope.bind(&id.name, Kind::Node, false);
            g.nodes.push(PNode { var, labels, props, props_expr, bound: false });
        } else {
            let name = self.anon_name();
            let var = scope.bind(&name, Kind::Node, true);
            g.nodes.push(PNode { var, labels, props, props_expr, bound: false });
        }
        Ok(g.nodes.len() - 1)
    }

    /// A pattern's property map: as key/expression pairs for matching, and as one map
    /// expression for creating.
    fn props(&mut self, e: Option<&ast::Expr>, scope: &Scope) -> Result<PatternProps, QueryError> {
        let Some(e) = e else { return Ok((Vec::new(), None)) };
        match &e.kind {
            ExprKind::Map(entries) => {
                let mut out = Vec::new();
                for (k, v) in entries {
                    out.push((k.name.clone(), self.expr(v, scope)?));
                }
                let m = Expr::Map(out.clone());
                Ok((out, Some(m)))
            }
            ExprKind::Parameter(_) if !self.param_props => Err(syntax(
                "InvalidParameterUse",
                e.span,
                "a parameter cannot be used as a property map here; write {key: $param.key}",
            )),
            _ => {
                let be = self.expr(e, scope)?;
                // A parameter map: match each of its entries at run time.
                Ok((vec![("*".to_string(), be.clone())], Some(be)))
            }
        }
    }

    fn match_clause(
        &mut self,
        m: &ast::MatchClause,
        scope: &mut Scope,
        ops: &mut Vec<LogicalOp>,
    ) -> Result<(), QueryError> {
        let before: HashSet<usize> = scope.vars.iter().map(|b| b.slot).collect();
        let mut inner_scope = scope.clone();
        let g = self.pattern_graph(&m.pattern.parts, &mut inner_scope, false)?;
        let where_ = m.where_.as_ref().map(|w| self.predicate(w, &inner_scope)).transpose()?;
        let mut pattern_ops = rewrite::optimize(self.plan_pattern(g, where_, &before)?);
        *scope = inner_scope;
        if m.optional {
            let nulls: Vec<usize> = scope.vars.iter().map(|b| b.slot).filter(|s| !before.contains(s)).collect();
            ops.push(LogicalOp::Optional { ops: std::mem::take(&mut pattern_ops), nulls });
        } else {
            ops.extend(pattern_ops);
        }
        Ok(())
    }

    /// Orders the pattern's scans and expansions: anchor each connected part on its most
    /// selective node, then expand through adjacency; WHERE conjuncts become filters (pushed
    /// down later by [`rewrite::push_down_filters`]).
    fn plan_pattern(
        &mut self,
        mut g: PGraph,
        where_: Option<Expr>,
        before: &HashSet<usize>,
    ) -> Result<Vec<LogicalOp>, QueryError> {
        let mut ops = Vec::new();
        let mut conjuncts = Vec::new();
        if let Some(w) = where_ {
            split_and(w, &mut conjuncts);
        }
        let new_slots: HashSet<usize> = g
            .nodes
            .iter()
            .map(|n| n.var.slot)
            .chain(g.rels.iter().map(|r| r.var.slot))
            .chain(g.paths.iter().map(|p| p.0.slot))
            .filter(|s| !before.contains(s))
            .collect();
        // `WHERE n.name = e` (e not depending on this pattern) acts like `{name: e}`.
        conjuncts.retain(|c| {
            if let Some((slot, e)) = name_equality(c) {
                if !uses_any(&e, &new_slots) {
                    if let Some(n) = g.nodes.iter_mut().find(|n| n.var.slot == slot && !n.bound) {
                        n.props.push((NAME_KEY.to_string(), e));
                        return false;
                    }
                }
            }
            true
        });
        // Merge node entries for the same variable (a variable used in two parts).
        let mut bound: HashSet<usize> = g.nodes.iter().filter(|n| n.bound).map(|n| n.var.slot).collect();
        let mut done_nodes: HashSet<usize> = HashSet::new();
        let mut pending: Vec<usize> = (0..g.rels.len()).collect();
        let mut rel_slots_bound: Vec<usize> = Vec::new();
        // Bound nodes from earlier clauses still need their labels/properties checked.
        for (i, n) in g.nodes.iter().enumerate() {
            if n.bound && done_nodes.insert(n.var.slot) {
                if !n.labels.is_empty() || !n.props.is_empty() {
                    ops.push(LogicalOp::NodeCheck {
                        var: n.var.clone(),
                        labels: n.labels.clone(),
                        props: n.props.clone(),
                    });
                }
                let _ = i;
            }
        }
        // Nodes by slot, merging repeats.
        let node_by_slot = |slot: usize, g: &PGraph| -> PNode {
            let mut merged: Option<PNode> = None;
            for n in g.nodes.iter().filter(|n| n.var.slot == slot) {
                match &mut merged {
                    None => merged = Some(n.clone()),
                    Some(m) => {
                        m.labels.extend(n.labels.clone());
                        m.props.extend(n.props.clone());
                    }
                }
            }
            merged.unwrap_or_else(|| g.nodes[0].clone())
        };
        loop {
            // Expand from a bound end when possible (both ends bound first: cheapest).
            let pick = pending
                .iter()
                .position(|&r| {
                    let rel = &g.rels[r];
                    rel.shortest.is_none()
                        && bound.contains(&g.nodes[rel.left].var.slot)
                        && bound.contains(&g.nodes[rel.right].var.slot)
                })
                .or_else(|| {
                    pending.iter().position(|&r| {
                        let rel = &g.rels[r];
                        rel.shortest.is_none()
                            && (bound.contains(&g.nodes[rel.left].var.slot)
                                || bound.contains(&g.nodes[rel.right].var.slot))
                    })
                })
                .or_else(|| {
                    pending.iter().position(|&r| {
                        let rel = &g.rels[r];
                        rel.shortest.is_some()
                            && bound.contains(&g.nodes[rel.left].var.slot)
                            && bound.contains(&g.nodes[rel.right].var.slot)
                    })
                });
            if let Some(pi) = pick {
                let ri = pending.remove(pi);
                let rel = g.rels[ri].clone();
                let ls = g.nodes[rel.left].var.slot;
                let from_left = bound.contains(&ls);
                let (from_i, to_i) = if from_left { (rel.left, rel.right) } else { (rel.right, rel.left) };
                let from = g.nodes[from_i].var.clone();
                let to = g.nodes[to_i].var.clone();
                let to_bound = bound.contains(&to.slot);
                let dir = match (rel.dir, from_left) {
                    (ast::Direction::Right, true) | (ast::Direction::Left, false) => Direction::Outgoing,
                    (ast::Direction::Right, false) | (ast::Direction::Left, true) => Direction::Incoming,
                    _ => Direction::Both,
                };
                let props = rel.props.clone();
                if let Some((all, path)) = &rel.shortest {
                    let (min, max) = rel.length.unwrap_or((1, Some(1)));
                    let rel_var = (!rel.var.name.starts_with("  ")).then(|| rel.var.clone());
                    let (from, to, dir) = if from_left { (from, to, dir) } else { (to, from, flip(dir)) };
                    ops.push(LogicalOp::ShortestPath {
                        from,
                        to,
                        path: path.clone(),
                        rel: rel_var,
                        dir,
                        types: rel.types.clone(),
                        props: props.clone(),
                        min,
                        max,
                        all: *all,
                    });
                    rel_slots_bound.push(rel.var.slot);
                    continue;
                }
                match rel.length {
                    None => ops.push(LogicalOp::Expand {
                        from,
                        rel: rel.var.clone(),
                        to: to.clone(),
                        dir,
                        types: rel.types.clone(),
                        props,
                        to_bound,
                        rel_bound: rel.bound,
                        uniq: rel_slots_bound.clone(),
                    }),
                    Some((min, max)) => {
                        if rel.bound && !from_left {
                            // Walk a bound list from its first relationship: turn it round.
                            ops.push(LogicalOp::Bind(
                                rel.var.clone(),
                                Expr::Call("reverse".into(), vec![Expr::Var(rel.var.clone())]),
                            ));
                        }
                        ops.push(LogicalOp::VarExpand {
                            from,
                            rel: rel.var.clone(),
                            to: to.clone(),
                            dir,
                            types: rel.types.clone(),
                            props,
                            min,
                            max,
                            to_bound,
                            rel_bound: rel.bound,
                            uniq: rel_slots_bound.clone(),
                        });
                        if !from_left {
                            ops.push(LogicalOp::Bind(
                                rel.var.clone(),
                                Expr::Call("reverse".into(), vec![Expr::Var(rel.var.clone())]),
                            ));
                        }
                    }
                }
                rel_slots_bound.push(rel.var.slot);
                if !to_bound {
                    bound.insert(to.slot);
                    if done_nodes.insert(to.slot) {
                        let n = node_by_slot(to.slot, &g);
                        if !n.labels.is_empty() || !n.props.is_empty() {
                            ops.push(LogicalOp::NodeCheck {
                                var: n.var.clone(),
                                labels: n.labels.clone(),
                                props: n.props,
                            });
                        }
                    }
                }
                continue;
            }
            // Otherwise scan the most selective unbound node (of a pending relationship first).
            let candidates: Vec<usize> =
                g.nodes.iter().enumerate().filter(|(_, n)| !bound.contains(&n.var.slot)).map(|(i, _)| i).collect();
            if candidates.is_empty() {
                break;
            }
            let best = candidates
                .iter()
                .copied()
                .min_by_key(|&i| self.selectivity(&node_by_slot(g.nodes[i].var.slot, &g)))
                .unwrap_or(candidates[0]);
            let n = node_by_slot(g.nodes[best].var.slot, &g);
            let props = n.props.clone();
            let source = self.scan_source(&n);
            let labels = match &source {
                ScanSource::Label(l) => n.labels.iter().filter(|x| *x != l).cloned().collect(),
                _ => n.labels.clone(),
            };
            ops.push(LogicalOp::NodeScan { var: n.var.clone(), source, labels, props });
            bound.insert(n.var.slot);
            done_nodes.insert(n.var.slot);
        }
        for (v, parts) in g.paths {
            ops.push(LogicalOp::Bind(v, Expr::Path(parts)));
        }
        for c in conjuncts {
            ops.push(LogicalOp::Filter(c));
        }
        Ok(ops)
    }

    fn selectivity(&self, n: &PNode) -> usize {
        if n.props.iter().any(|(k, _)| k == NAME_KEY) {
            return 0;
        }
        let base = self.graph.node_count() + 1;
        n.labels.iter().map(|l| self.graph.label_count(l) + 1).min().unwrap_or(base + 1)
    }

    fn scan_source(&self, n: &PNode) -> ScanSource {
        if let Some((_, e)) = n.props.iter().find(|(k, _)| k == NAME_KEY) {
            return ScanSource::Name(e.clone());
        }
        match n.labels.iter().min_by_key(|l| self.graph.label_count(l)) {
            Some(l) => ScanSource::Label(l.clone()),
            None => ScanSource::All,
        }
    }

    fn create_clause(
        &mut self,
        c: &ast::CreateClause,
        scope: &mut Scope,
        ops: &mut Vec<LogicalOp>,
    ) -> Result<(), QueryError> {
        let spec = self.create_spec(&c.pattern.parts, scope, false)?;
        ops.push(LogicalOp::Create(spec));
        Ok(())
    }

    fn check_creatable(parts: &[ast::PatternPart], merging: bool) -> Result<(), QueryError> {
        for part in parts {
            for step in &part.path.steps {
                let r = &step.relationship;
                if r.length.is_some() {
                    return Err(syntax("CreatingVarLength", r.span, "cannot create a variable-length relationship"));
                }
                if r.types.len() != 1 {
                    return Err(syntax(
                        "NoSingleRelationshipType",
                        r.span,
                        "a created relationship needs exactly one type",
                    ));
                }
                if !merging && matches!(r.direction, ast::Direction::Both | ast::Direction::Undirected) {
                    return Err(syntax(
                        "RequiresDirectedRelationship",
                        r.span,
                        "a created relationship needs a direction",
                    ));
                }
            }
        }
        Ok(())
    }

    fn create_spec(
        &mut self,
        parts: &[ast::PatternPart],
        scope: &mut Scope,
        merging: bool,
    ) -> Result<CreateSpec, QueryError> {
        self.param_props = true;
        let g = self.pattern_graph(parts, scope, !merging);
        self.param_props = false;
        let g = g?;
        Self::check_creatable(parts, merging)?;
        spec_from(&g)
    }

    fn merge_clause(
        &mut self,
        m: &ast::MergeClause,
        scope: &mut Scope,
        ops: &mut Vec<LogicalOp>,
    ) -> Result<(), QueryError> {
        let before: HashSet<usize> = scope.vars.iter().map(|b| b.slot).collect();
        let parts = std::slice::from_ref(&m.part);
        let g = self.pattern_graph(parts, scope, true)?;
        Self::check_creatable(parts, true)?;
        let spec = spec_from(&g)?;
        let match_ops = rewrite::optimize(self.plan_pattern(g, None, &before)?);
        let mut on_create = Vec::new();
        let mut on_match = Vec::new();
        for a in &m.actions {
            for it in &a.items {
                let item = self.set_item(it, scope)?;
                match a.on {
                    ast::MergeTrigger::Create => on_create.push(item),
                    ast::MergeTrigger::Match => on_match.push(item),
                }
            }
        }
        ops.push(LogicalOp::Merge { ops: match_ops, create: spec, on_create, on_match });
        Ok(())
    }

    // ----- expressions ------------------------------------------------------------------------

    fn predicate(&mut self, e: &ast::Expr, scope: &Scope) -> Result<Expr, QueryError> {
        if contains_aggregate(e) {
            return Err(syntax("InvalidAggregation", e.span, "aggregate functions are not allowed in WHERE"));
        }
        let bound = self.expr(e, scope)?;
        let k = self.kind_of(&bound, scope);
        if matches!(k, Kind::Node | Kind::Rel | Kind::RelList | Kind::Path) {
            return Err(syntax(
                "InvalidArgumentType",
                e.span,
                format!("a condition must be a boolean, found {}", k.name()),
            )
            .with_help("to test that a pattern exists, write it with a relationship, e.g. (n)-->()"));
        }
        Ok(bound)
    }

    /// Binds an expression with aggregates: each aggregate call becomes an [`Expr::AggRef`] to
    /// a new [`AggCall`] at position `offset + i`.
    fn agg_expr(
        &mut self,
        e: &ast::Expr,
        scope: &Scope,
        aggs: &mut Vec<AggCall>,
        offset: usize,
    ) -> Result<Expr, QueryError> {
        match &e.kind {
            ExprKind::CountStar => {
                aggs.push(AggCall { func: AggFunc::CountStar, distinct: false, arg: None, extra: None });
                Ok(Expr::AggRef(offset + aggs.len() - 1, "count(*)".into()))
            }
            ExprKind::FunctionCall { name, distinct, args }
                if AggFunc::from_name(&name.name.to_lowercase()).is_some() =>
            {
                let func = AggFunc::from_name(&name.name.to_lowercase()).unwrap_or(AggFunc::Count);
                if args.iter().any(contains_aggregate) {
                    return Err(syntax("NestedAggregation", e.span, "aggregate functions cannot be nested"));
                }
                let want = if matches!(func, AggFunc::PercentileCont | AggFunc::PercentileDisc) { 2 } else { 1 };
                if args.len() != want {
                    return Err(syntax(
                        "InvalidNumberOfArguments",
                        e.span,
                        format!("{}() takes {want} argument(s), found {}", name.name, args.len()),
                    ));
                }
                let arg = self.expr(&args[0], scope)?;
                if uses_rand(&arg) {
                    return Err(syntax("NonConstantExpression", e.span, "an aggregate's argument cannot use rand()"));
                }
                let extra = args.get(1).map(|a| self.expr(a, scope)).transpose()?;
                aggs.push(AggCall { func, distinct: *distinct, arg: Some(arg), extra });
                Ok(Expr::AggRef(offset + aggs.len() - 1, e.to_string()))
            }
            _ if !contains_aggregate(e) => self.expr(e, scope),
            _ => {
                // Rebuild the expression with its aggregate sub-expressions replaced.
                let mut sub = Vec::new();
                let shell = self.expr_with(e, scope, &mut |b: &mut Binder, inner: &ast::Expr| {
                    if contains_aggregate(inner) {
                        let x = b.agg_expr(inner, scope, aggs, offset)?;
                        sub.push(());
                        Ok(Some(x))
                    } else {
                        Ok(None)
                    }
                })?;
                Ok(shell)
            }
        }
    }

    fn expr(&mut self, e: &ast::Expr, scope: &Scope) -> Result<Expr, QueryError> {
        self.expr_with(e, scope, &mut |_: &mut Binder, _: &ast::Expr| Ok(None))
    }

    /// Binds `e`; `hook` may take over any direct sub-expression (used for aggregates).
    fn expr_with(&mut self, e: &ast::Expr, scope: &Scope, hook: &mut Hook<'_>) -> Result<Expr, QueryError> {
        macro_rules! sub {
            ($x:expr) => {{
                let x: &ast::Expr = $x;
                match hook(self, x)? {
                    Some(done) => done,
                    None => self.expr_with(x, scope, hook)?,
                }
            }};
        }
        let out = match &e.kind {
            ExprKind::Literal(l) => Expr::Lit(match l {
                Literal::Null => Value::Null,
                Literal::Bool(b) => Value::Bool(*b),
                Literal::Int(i) => Value::Int(*i),
                Literal::Float(f) => Value::Float(*f),
                Literal::String(s) => Value::String(s.clone()),
            }),
            ExprKind::Parameter(p) => {
                self.params.push((p.clone(), e.span));
                Expr::Param(p.clone())
            }
            ExprKind::Variable(name) => Expr::Var(scope.var(name).ok_or_else(|| undefined(name, e.span))?),
            ExprKind::Property { expr, key } => {
                let base = sub!(expr);
                if matches!(self.kind_of(&base, scope), Kind::Path | Kind::RelList) {
                    return Err(syntax(
                        "InvalidArgumentType",
                        e.span,
                        "a path or list of relationships has no properties",
                    ));
                }
                Expr::Prop(Box::new(base), PropKey { name: key.name.clone(), id: self.graph.key_id(&key.name) })
            }
            ExprKind::List(items) => {
                let mut out = Vec::new();
                for it in items {
                    out.push(sub!(it));
                }
                if out.iter().all(|x| matches!(x, Expr::Lit(_))) {
                    Expr::Lit(Value::List(
                        out.into_iter().map(|x| if let Expr::Lit(v) = x { v } else { Value::Null }).collect(),
                    ))
                } else {
                    Expr::List(out)
                }
            }
            ExprKind::Map(entries) => {
                let mut out = Vec::new();
                for (k, v) in entries {
                    out.push((k.name.clone(), sub!(v)));
                }
                if out.iter().all(|(_, x)| matches!(x, Expr::Lit(_))) {
                    Expr::Lit(Value::Map(
                        out.into_iter().map(|(k, x)| (k, if let Expr::Lit(v) = x { v } else { Value::Null })).collect(),
                    ))
                } else {
                    Expr::Map(out)
                }
            }
            ExprKind::MapProjection { base, items } => {
                let b = Expr::Var(scope.var(&base.name).ok_or_else(|| undefined(&base.name, base.span))?);
                let mut sels = Vec::new();
                for it in items {
                    sels.push(match it {
                        ast::MapProjectionItem::Property(k) => MapSelector::Prop(k.name.clone()),
                        ast::MapProjectionItem::AllProperties(_) => MapSelector::All,
                        ast::MapProjectionItem::Literal(k, v) => MapSelector::Literal(k.name.clone(), sub!(v)),
                        ast::MapProjectionItem::Variable(v) => MapSelector::Literal(
                            v.name.clone(),
                            Expr::Var(scope.var(&v.name).ok_or_else(|| undefined(&v.name, v.span))?),
                        ),
                    });
                }
                Expr::MapProjection(Box::new(b), sels)
            }
            ExprKind::Unary { op, expr } => {
                let x = sub!(expr);
                let op = match op {
                    ast::UnaryOp::Not => UnaryOp::Not,
                    ast::UnaryOp::Neg => UnaryOp::Neg,
                    ast::UnaryOp::Plus => UnaryOp::Plus,
                };
                if op == UnaryOp::Not {
                    if let Expr::Lit(v) = &x {
                        truth(v).map_err(|err| compile_type_error(err, e.span))?;
                    }
                }
                // `-'a'`, `NOT 1` fail on the value's type at run time: the error points here.
                Expr::At(Spot(e.span), Box::new(Expr::Unary(op, Box::new(x))))
            }
            ExprKind::Binary { op, left, right } => {
                let a = sub!(left);
                let b = sub!(right);
                let op = match op {
                    ast::BinaryOp::Or => BinaryOp::Or,
                    ast::BinaryOp::Xor => BinaryOp::Xor,
                    ast::BinaryOp::And => BinaryOp::And,
                    ast::BinaryOp::Add => BinaryOp::Add,
                    ast::BinaryOp::Sub => BinaryOp::Sub,
                    ast::BinaryOp::Mul => BinaryOp::Mul,
                    ast::BinaryOp::Div => BinaryOp::Div,
                    ast::BinaryOp::Mod => BinaryOp::Mod,
                    ast::BinaryOp::Pow => BinaryOp::Pow,
                    ast::BinaryOp::In => BinaryOp::In,
                    ast::BinaryOp::StartsWith => BinaryOp::StartsWith,
                    ast::BinaryOp::EndsWith => BinaryOp::EndsWith,
                    ast::BinaryOp::Contains => BinaryOp::Contains,
                    ast::BinaryOp::RegexMatch => BinaryOp::Regex,
                };
                if matches!(op, BinaryOp::And | BinaryOp::Or | BinaryOp::Xor) {
                    for x in [&a, &b] {
                        if let Expr::Lit(v) = x {
                            truth(v).map_err(|err| compile_type_error(err, e.span))?;
                        }
                    }
                }
                if op == BinaryOp::In {
                    if let Expr::Lit(v) = &b {
                        if !matches!(v, Value::List(_) | Value::Null) {
                            return Err(syntax(
                                "InvalidArgumentType",
                                e.span,
                                format!("IN expects a list, found {}", v.type_name()),
                            ));
                        }
                    }
                }
                if let (Expr::Lit(x), Expr::Lit(y)) = (&a, &b) {
                    if matches!(op, BinaryOp::And | BinaryOp::Or | BinaryOp::Xor | BinaryOp::In) {
                        binary(op, x.clone(), y.clone()).map_err(|err| compile_type_error(err, e.span))?;
                    }
                }
                let bin = Expr::Binary(op, Box::new(a), Box::new(b));
                // Arithmetic fails on the values' types at run time: the error points here.
                if matches!(
                    op,
                    BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Pow
                ) {
                    Expr::At(Spot(e.span), Box::new(bin))
                } else {
                    bin
                }
            }
            ExprKind::Comparison { first, rest } => {
                let mut prev = sub!(first);
                let mut acc: Option<Expr> = None;
                for (op, rhs) in rest {
                    let r = sub!(rhs);
                    let op = match op {
                        ast::CompareOp::Eq => BinaryOp::Eq,
                        ast::CompareOp::Ne => BinaryOp::Ne,
                        ast::CompareOp::Lt => BinaryOp::Lt,
                        ast::CompareOp::Gt => BinaryOp::Gt,
                        ast::CompareOp::Le => BinaryOp::Le,
                        ast::CompareOp::Ge => BinaryOp::Ge,
                    };
                    let c = Expr::Binary(op, Box::new(prev), Box::new(r.clone()));
                    acc = Some(match acc {
                        None => c,
                        Some(a) => Expr::Binary(BinaryOp::And, Box::new(a), Box::new(c)),
                    });
                    prev = r;
                }
                acc.unwrap_or(prev)
            }
            ExprKind::IsNull { expr, negated } => Expr::IsNull(Box::new(sub!(expr)), *negated),
            ExprKind::HasLabels { expr, labels } => {
                Expr::HasLabels(Box::new(sub!(expr)), labels.iter().map(|l| l.name.clone()).collect())
            }
            ExprKind::Case { operand, whens, else_ } => {
                let op = match operand {
                    Some(o) => Some(Box::new(sub!(o))),
                    None => None,
                };
                let mut ws = Vec::new();
                for (w, t) in whens {
                    let w = sub!(w);
                    let t = sub!(t);
                    ws.push((w, t));
                }
                let els = match else_ {
                    Some(x) => Some(Box::new(sub!(x))),
                    None => None,
                };
                Expr::Case(op, ws, els)
            }
            ExprKind::FunctionCall { name, distinct, args } => {
                let lname = name.name.to_lowercase();
                if AggFunc::from_name(&lname).is_some() {
                    return Err(syntax(
                        "InvalidAggregation",
                        e.span,
                        format!("aggregate function {}() is not allowed here", name.name),
                    ));
                }
                let _ = distinct;
                let Some((lo, hi)) = functions::arity(&lname) else {
                    let e = syntax("UnknownFunction", name.span, format!("unknown function '{}'", name.name));
                    return Err(match functions::nearest_function(&name.name) {
                        Some(known) => e.with_help(format!("did you mean {known}?")),
                        None => e,
                    });
                };
                if args.len() < lo || args.len() > hi {
                    return Err(syntax(
                        "InvalidNumberOfArguments",
                        e.span,
                        format!("{}() takes {lo}..{} argument(s), found {}", name.name, hi.min(99), args.len()),
                    ));
                }
                let mut out = Vec::new();
                for a in args {
                    out.push(sub!(a));
                }
                if let (Some(a), Some(b)) = (args.first(), out.first()) {
                    if matches!(a.kind, ExprKind::PatternPredicate(_)) && lname != "exists" {
                        return Err(syntax(
                            "UnexpectedSyntax",
                            a.span,
                            format!("{}() cannot take a pattern; use a pattern comprehension", name.name),
                        ));
                    }
                    let k = self.kind_of(b, scope);
                    // A literal that is not a map (maps are `Kind::Scalar` too).
                    let plain = matches!(b, Expr::List(_))
                        || matches!(b, Expr::Lit(v) if !matches!(v, Value::Null | Value::Map(_)));
                    let bad = match lname.as_str() {
                        "size" => matches!(k, Kind::Path | Kind::Node | Kind::Rel),
                        "length" => matches!(k, Kind::Node | Kind::Rel),
                        "labels" => matches!(k, Kind::Path | Kind::Rel | Kind::RelList | Kind::Scalar),
                        "type" => matches!(k, Kind::Path | Kind::Node | Kind::RelList | Kind::Scalar),
                        "properties" => matches!(k, Kind::Path | Kind::RelList) || plain,
                        _ => false,
                    };
                    if bad {
                        return Err(syntax(
                            "InvalidArgumentType",
                            e.span,
                            format!("{}() cannot take {}", name.name, k.name()),
                        ));
                    }
                }
                if lname == "exists"
                    && !matches!(args[0].kind, ExprKind::Property { .. } | ExprKind::PatternPredicate(_))
                {
                    return Err(syntax("InvalidArgumentType", e.span, "exists() expects a property or a pattern"));
                }
                // A function fails on its arguments at run time: the error points at the call.
                Expr::At(Spot(e.span), Box::new(Expr::Call(lname, out)))
            }
            ExprKind::CountStar => {
                return Err(syntax("InvalidAggregation", e.span, "count(*) is not allowed here"));
            }
            ExprKind::Index { expr, index } => {
                let a = sub!(expr);
                let i = sub!(index);
                if let Expr::Lit(v) = &i {
                    if matches!(v, Value::Bool(_) | Value::Float(_) | Value::List(_) | Value::Map(_)) {
                        if let Expr::Lit(Value::List(_)) = &a {
                            return Err(syntax("InvalidArgumentType", index.span, "a list index must be an integer"));
                        }
                    }
                }
                Expr::At(Spot(e.span), Box::new(Expr::Index(Box::new(a), Box::new(i))))
            }
            ExprKind::Slice { expr, from, to } => {
                let a = sub!(expr);
                let f = match from {
                    Some(x) => Some(Box::new(sub!(x))),
                    None => None,
                };
                let t = match to {
                    Some(x) => Some(Box::new(sub!(x))),
                    None => None,
                };
                Expr::Slice(Box::new(a), f, t)
            }
            ExprKind::ListComprehension { variable, list, predicate, projection } => {
                let l = sub!(list);
                let mut inner = scope.clone();
                inner.next = inner.next.max(scope.next);
                let v = inner.bind(&variable.name, Kind::Value, false);
                let p = match predicate {
                    Some(p) => Some(Box::new(self.expr_with(p, &inner, hook)?)),
                    None => None,
                };
                let m = match projection {
                    Some(m) => Some(Box::new(self.expr_with(m, &inner, hook)?)),
                    None => None,
                };
                Expr::ListComp(v.slot, Box::new(l), p, m)
            }
            ExprKind::Reduce { accumulator, init, variable, list, step } => {
                let i = sub!(init);
                let l = sub!(list);
                let mut inner = scope.clone();
                let a = inner.bind(&accumulator.name, Kind::Value, false);
                let v = inner.bind(&variable.name, Kind::Value, false);
                let s = self.expr_with(step, &inner, hook)?;
                // A list that is not one fails at run time: the error points at the reduce.
                Expr::At(Spot(e.span), Box::new(Expr::Reduce(a.slot, Box::new(i), v.slot, Box::new(l), Box::new(s))))
            }
            ExprKind::Quantifier { quantifier, variable, list, predicate } => {
                let l = sub!(list);
                let mut inner = scope.clone();
                let v = inner.bind(&variable.name, Kind::Value, false);
                let p = match predicate {
                    Some(p) => self.expr_with(p, &inner, hook)?,
                    None => Expr::Lit(Value::Bool(true)),
                };
                let q = match quantifier {
                    ast::Quantifier::All => Quantifier::All,
                    ast::Quantifier::Any => Quantifier::Any,
                    ast::Quantifier::None => Quantifier::None,
                    ast::Quantifier::Single => Quantifier::Single,
                };
                let quantified = Expr::Quantified(q, v.slot, Box::new(l), Box::new(p));
                self.check_constant(&quantified, v.slot, e.span)?;
                quantified
            }
            ExprKind::PatternPredicate(path) => {
                let part = ast::PatternPart {
                    variable: None,
                    kind: ast::PathKind::Plain,
                    path: (**path).clone(),
                    span: e.span,
                };
                let sub = self.sub_plan(std::slice::from_ref(&part), None, scope, true)?;
                Expr::Exists(Box::new(sub.0))
            }
            ExprKind::Exists { pattern, where_ } => {
                let sub = self.sub_plan(&pattern.parts, where_.as_deref(), scope, false)?;
                Expr::Exists(Box::new(sub.0))
            }
            ExprKind::ExistsQuery(q) => {
                if let Some(c) = q.clauses.iter().find(|c| c.is_updating()) {
                    return Err(syntax(
                        "InvalidClauseComposition",
                        c.span(),
                        format!("{} cannot appear inside EXISTS {{ … }}: a subquery only reads", c.keyword()),
                    ));
                }
                let (ops, _, _, width) = self.single_from(q, scope.clone())?;
                Expr::Exists(Box::new(SubPlan { width, ops }))
            }
            ExprKind::PatternComprehension { variable, path, predicate, projection } => {
                let part = ast::PatternPart {
                    variable: variable.clone(),
                    kind: ast::PathKind::Plain,
                    path: (**path).clone(),
                    span: e.span,
                };
                let (sub, inner) = self.sub_plan(std::slice::from_ref(&part), predicate.as_deref(), scope, false)?;
                let proj = self.expr(projection, &inner)?;
                Expr::PatternList(Box::new(sub), Box::new(proj))
            }
        };
        Ok(out)
    }

    /// Evaluates a quantifier over a literal list whose predicate reads only the element, so a
    /// type error in it (`none(x IN ['a'] WHERE x % 2 = 0)`) is reported before the query
    /// runs, as the TCK expects. Other errors are left for run time.
    fn check_constant(&self, quantified: &Expr, local: usize, span: Span) -> Result<(), QueryError> {
        let Expr::Quantified(_, _, list, pred) = quantified else { return Ok(()) };
        let literal = match list.as_ref() {
            Expr::Lit(Value::List(_)) => true,
            Expr::List(items) => items.iter().all(|i| matches!(i, Expr::Lit(_))),
            _ => false,
        };
        let mut used = HashSet::new();
        rewrite::slots_used(pred, &mut used);
        if !literal || used.iter().any(|s| *s != local) {
            return Ok(());
        }
        let params = super::Params::new();
        let guard = super::exec::Guard::default();
        let env = super::eval::Env { graph: self.graph, params: &params, guard: &guard };
        match super::eval::eval(quantified, &[], &env) {
            Err(err) if err.kind == ErrorKind::TypeError => Err(compile_type_error(err, span)),
            _ => Ok(()),
        }
    }

    /// Plans a pattern used inside an expression, starting from the current row.
    fn sub_plan(
        &mut self,
        parts: &[ast::PatternPart],
        where_: Option<&ast::Expr>,
        scope: &Scope,
        no_new_vars: bool,
    ) -> Result<(SubPlan, Scope), QueryError> {
        let before: HashSet<usize> = scope.vars.iter().map(|b| b.slot).collect();
        let mut inner = scope.clone();
        let g = self.pattern_graph(parts, &mut inner, false)?;
        if no_new_vars {
            if let Some(b) = inner.vars.iter().find(|b| !b.hidden && !before.contains(&b.slot)) {
                return Err(undefined(&b.name, parts[0].span));
            }
        }
        let w = where_.map(|w| self.predicate(w, &inner)).transpose()?;
        let ops = self.plan_pattern(g, w, &before)?;
        let ops = rewrite::optimize(ops);
        Ok((SubPlan { width: inner.next, ops }, inner))
    }
}

/// A planned single query: operators, their clauses' spans, columns, row width.
type SinglePlan = (Vec<LogicalOp>, Vec<Span>, Vec<String>, usize);

/// A pattern's properties as key/expression pairs, and as one map expression.
type PatternProps = (Vec<(String, Expr)>, Option<Expr>);

/// A callback that may bind a sub-expression itself (aggregates, projected items in ORDER BY).
type Hook<'h> = dyn FnMut(&mut Binder, &ast::Expr) -> Result<Option<Expr>, QueryError> + 'h;

/// What ORDER BY items are bound against.
struct SortScope<'a> {
    /// Normalized texts of the projected items.
    texts: &'a [String],
    /// Column names.
    names: &'a [String],
    /// The projected names.
    new_scope: &'a Scope,
    /// The variables before the projection.
    old_scope: &'a Scope,
    /// Projected names plus previous variables, when ORDER BY may read both.
    combined: Option<&'a Scope>,
    /// Whether the projection aggregates.
    aggregating: bool,
}

fn flip(d: Direction) -> Direction {
    match d {
        Direction::Outgoing => Direction::Incoming,
        Direction::Incoming => Direction::Outgoing,
        Direction::Both => Direction::Both,
    }
}

fn spec_from(g: &PGraph) -> Result<CreateSpec, QueryError> {
    let mut spec = CreateSpec::default();
    let mut seen = HashSet::new();
    for n in &g.nodes {
        if !seen.insert(n.var.slot) {
            continue;
        }
        spec.nodes.push(CreateNode {
            var: n.var.clone(),
            bound: n.bound,
            labels: n.labels.clone(),
            props: n.props_expr.clone(),
        });
    }
    for r in &g.rels {
        if r.bound {
            return Err(syntax(
                "VariableAlreadyBound",
                r.span,
                format!("variable '{}' is already defined", r.var.name),
            ));
        }
        let (ls, rs) = (g.nodes[r.left].var.slot, g.nodes[r.right].var.slot);
        let (start, end) = if r.dir == ast::Direction::Left { (rs, ls) } else { (ls, rs) };
        spec.rels.push(CreateRel {
            var: r.var.clone(),
            start,
            end,
            rel_type: r.types.first().cloned().unwrap_or_default(),
            props: r.props_expr.clone(),
        });
    }
    spec.paths = g.paths.iter().map(|(v, p)| (v.slot, p.clone())).collect();
    Ok(spec)
}

fn undefined(name: &str, span: Span) -> QueryError {
    syntax("UndefinedVariable", span, format!("variable '{name}' is not defined"))
        .with_help(format!("bind '{name}' in MATCH, UNWIND or WITH before using it"))
}

fn conflict(name: &str, span: Span, was: Kind, now: Kind) -> QueryError {
    syntax("VariableTypeConflict", span, format!("variable '{name}' is {} but is used as {}", was.name(), now.name()))
}

fn compile_type_error(e: QueryError, span: Span) -> QueryError {
    if e.kind == ErrorKind::TypeError {
        QueryError { kind: ErrorKind::SyntaxError, span: Some(span), ..e }
    } else {
        e
    }
}

/// Whether the AST expression calls an aggregate function (outside nested scopes).
fn contains_aggregate(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::CountStar => true,
        ExprKind::FunctionCall { name, args, .. } => {
            AggFunc::from_name(&name.name.to_lowercase()).is_some() || args.iter().any(contains_aggregate)
        }
        ExprKind::Literal(_) | ExprKind::Parameter(_) | ExprKind::Variable(_) | ExprKind::MapProjection { .. } => false,
        ExprKind::Property { expr, .. }
        | ExprKind::IsNull { expr, .. }
        | ExprKind::HasLabels { expr, .. }
        | ExprKind::Unary { expr, .. } => contains_aggregate(expr),
        ExprKind::List(items) => items.iter().any(contains_aggregate),
        ExprKind::Map(entries) => entries.iter().any(|(_, v)| contains_aggregate(v)),
        ExprKind::Binary { left, right, .. } => contains_aggregate(left) || contains_aggregate(right),
        ExprKind::Comparison { first, rest } => {
            contains_aggregate(first) || rest.iter().any(|(_, x)| contains_aggregate(x))
        }
        ExprKind::Case { operand, whens, else_ } => {
            operand.as_deref().is_some_and(contains_aggregate)
                || whens.iter().any(|(a, b)| contains_aggregate(a) || contains_aggregate(b))
                || else_.as_deref().is_some_and(contains_aggregate)
        }
        ExprKind::Index { expr, index } => contains_aggregate(expr) || contains_aggregate(index),
        ExprKind::Slice { expr, from, to } => {
            contains_aggregate(expr)
                || from.as_deref().is_some_and(contains_aggregate)
                || to.as_deref().is_some_and(contains_aggregate)
        }
        ExprKind::ListComprehension { list, .. } | ExprKind::Quantifier { list, .. } => contains_aggregate(list),
        ExprKind::Reduce { init, list, .. } => contains_aggregate(init) || contains_aggregate(list),
        ExprKind::PatternComprehension { .. }
        | ExprKind::PatternPredicate(_)
        | ExprKind::Exists { .. }
        | ExprKind::ExistsQuery(_) => false,
    }
}

/// Replaces sub-expressions equal to a grouping key by a reference to the key's column.
fn replace_keys(e: Expr, keys: &[Expr]) -> Expr {
    let simple = match &e {
        Expr::Var(_) => true,
        Expr::Prop(b, _) => matches!(**b, Expr::Var(_)),
        _ => false,
    };
    if let Some(i) = keys.iter().position(|k| *k == e).filter(|_| simple) {
        return Expr::Var(Var { slot: i, name: format!("{e}") });
    }
    map_children(e, &|c| replace_keys(c, keys))
}

fn map_children(e: Expr, f: &dyn Fn(Expr) -> Expr) -> Expr {
    let bx = |b: Box<Expr>| Box::new(f(*b));
    match e {
        Expr::Prop(b, k) => Expr::Prop(bx(b), k),
        Expr::List(items) => Expr::List(items.into_iter().map(f).collect()),
        Expr::Map(items) => Expr::Map(items.into_iter().map(|(k, v)| (k, f(v))).collect()),
        Expr::Unary(op, b) => Expr::Unary(op, bx(b)),
        Expr::At(s, b) => Expr::At(s, bx(b)),
        Expr::Binary(op, a, b) => Expr::Binary(op, bx(a), bx(b)),
        Expr::IsNull(b, n) => Expr::IsNull(bx(b), n),
        Expr::HasLabels(b, l) => Expr::HasLabels(bx(b), l),
        Expr::Call(n, args) => Expr::Call(n, args.into_iter().map(f).collect()),
        Expr::Case(o, ws, el) => Expr::Case(o.map(bx), ws.into_iter().map(|(a, b)| (f(a), f(b))).collect(), el.map(bx)),
        Expr::Index(a, b) => Expr::Index(bx(a), bx(b)),
        Expr::Slice(a, lo, hi) => Expr::Slice(bx(a), lo.map(bx), hi.map(bx)),
        other => other,
    }
}

fn uses_rand(e: &Expr) -> bool {
    format!("{e}").contains("rand()")
}

/// A variable of an aggregating item that is not inside a grouping key (only a variable or a
/// property of one counts as a key here, as openCypher requires).
fn ambiguous(e: &Expr, keys: &[Expr]) -> Option<String> {
    let simple = match e {
        Expr::Var(_) => true,
        Expr::Prop(b, _) => matches!(**b, Expr::Var(_)),
        _ => false,
    };
    if simple && keys.contains(e) {
        return None;
    }
    match e {
        Expr::Var(v) => Some(v.name.clone()),
        Expr::Prop(b, _) | Expr::Unary(_, b) | Expr::IsNull(b, _) | Expr::HasLabels(b, _) | Expr::At(_, b) => {
            ambiguous(b, keys)
        }
        Expr::List(items) | Expr::Call(_, items) => items.iter().find_map(|x| ambiguous(x, keys)),
        Expr::Map(items) => items.iter().find_map(|(_, v)| ambiguous(v, keys)),
        Expr::Binary(_, a, b) | Expr::Index(a, b) => ambiguous(a, keys).or_else(|| ambiguous(b, keys)),
        Expr::Case(o, ws, el) => o
            .as_deref()
            .and_then(|x| ambiguous(x, keys))
            .or_else(|| ws.iter().find_map(|(a, b)| ambiguous(a, keys).or_else(|| ambiguous(b, keys))))
            .or_else(|| el.as_deref().and_then(|x| ambiguous(x, keys))),
        _ => None,
    }
}

/// The projected names first, then the previous variables shifted past them (the layout of a
/// `Project` that keeps its input).
fn combine(new_scope: &Scope, old: &Scope, names: &[String]) -> Scope {
    let shift = names.len();
    let mut vars: Vec<Binding> = old
        .vars
        .iter()
        .map(|b| Binding { slot: b.slot + shift, ..b.clone() })
        .filter(|b| !names.contains(&b.name))
        .collect();
    vars.extend(new_scope.vars.iter().cloned());
    Scope { vars, next: shift + old.next }
}

/// The variable names an AST expression mentions.
fn ast_vars(e: &ast::Expr) -> Vec<String> {
    let text = e.to_string();
    let _ = text;
    let mut out = Vec::new();
    collect_ast_vars(e, &mut out);
    out
}

fn collect_ast_vars(e: &ast::Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Variable(v) => out.push(v.clone()),
        ExprKind::Property { expr, .. }
        | ExprKind::IsNull { expr, .. }
        | ExprKind::HasLabels { expr, .. }
        | ExprKind::Unary { expr, .. } => collect_ast_vars(expr, out),
        ExprKind::List(items) | ExprKind::FunctionCall { args: items, .. } => {
            items.iter().for_each(|x| collect_ast_vars(x, out))
        }
        ExprKind::Map(entries) => entries.iter().for_each(|(_, x)| collect_ast_vars(x, out)),
        ExprKind::Binary { left, right, .. } | ExprKind::Index { expr: left, index: right } => {
            collect_ast_vars(left, out);
            collect_ast_vars(right, out);
        }
        ExprKind::Comparison { first, rest } => {
            collect_ast_vars(first, out);
            rest.iter().for_each(|(_, x)| collect_ast_vars(x, out));
        }
        _ => {}
    }
}

fn split_and(e: Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::Binary(BinaryOp::And, a, b) => {
            split_and(*a, out);
            split_and(*b, out);
        }
        other => out.push(other),
    }
}

/// `v.name = e` or `e = v.name`: the node slot and `e`.
fn name_equality(c: &Expr) -> Option<(usize, Expr)> {
    let Expr::Binary(BinaryOp::Eq, a, b) = c else { return None };
    for (x, y) in [(a, b), (b, a)] {
        if let Expr::Prop(base, key) = &**x {
            if let (Expr::Var(v), true) = (&**base, *key == *NAME_KEY) {
                return Some((v.slot, (**y).clone()));
            }
        }
    }
    None
}

/// Whether the expression reads any of the slots.
pub fn uses_any(e: &Expr, slots: &HashSet<usize>) -> bool {
    let mut used = HashSet::new();
    rewrite::slots_used(e, &mut used);
    used.iter().any(|s| slots.contains(s))
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{error, graph, run};

    #[test]
    fn compile_time_errors_carry_tck_details() {
        let mut g = graph("");
        let cases = [
            ("MATCH (n) RETURN m", "SyntaxError (UndefinedVariable)"),
            ("MATCH (a) CREATE (a)", "SyntaxError (VariableAlreadyBound)"),
            ("MATCH (a)-[a]->() RETURN a", "SyntaxError (VariableTypeConflict)"),
            ("WITH 1 AS n MATCH (n) RETURN n", "SyntaxError (VariableTypeConflict)"),
            ("MATCH (n) WHERE count(n) > 1 RETURN n", "SyntaxError (InvalidAggregation)"),
            ("RETURN *", "SyntaxError (NoVariablesInScope)"),
            ("RETURN 1 AS a, 2 AS a", "SyntaxError (ColumnNameConflict)"),
            ("RETURN 1 AS a UNION RETURN 2 AS b", "SyntaxError (DifferentColumnsInUnion)"),
            ("MATCH (n) DELETE n:Person", "SyntaxError (InvalidDelete)"),
            ("CREATE ()-[:A|B]->()", "SyntaxError (NoSingleRelationshipType)"),
            ("CREATE ()-[:A]-()", "SyntaxError (RequiresDirectedRelationship)"),
            ("MATCH (a) RETURN a.x + count(*) AS c", "SyntaxError (AmbiguousAggregationExpression)"),
            ("MATCH (n) RETURN n SKIP n.x", "SyntaxError (NonConstantExpression)"),
            ("RETURN 1 LIMIT -1", "SyntaxError (NegativeIntegerArgument)"),
            ("RETURN NOT 1", "SyntaxError (InvalidArgumentType)"),
            ("RETURN nosuch(1)", "SyntaxError (UnknownFunction)"),
            ("MATCH (n $p) RETURN n", "SyntaxError (InvalidParameterUse)"),
            ("WITH 1 + 1 RETURN 1", "SyntaxError (NoExpressionAlias)"),
            ("MATCH (n) WHERE (n) RETURN n", "SyntaxError (InvalidArgumentType)"),
            ("MATCH (n) RETURN (n)-->()", "SyntaxError (UnexpectedSyntax)"),
            ("MATCH p = (a) RETURN labels(p)", "SyntaxError (InvalidArgumentType)"),
            ("MATCH (r) RETURN type(r)", "SyntaxError (InvalidArgumentType)"),
            ("RETURN properties('x')", "SyntaxError (InvalidArgumentType)"),
            ("RETURN none(x IN ['a'] WHERE x % 2 = 0)", "SyntaxError (InvalidArgumentType)"),
            ("RETURN EXISTS { MATCH (n) SET n.x = 1 }", "SyntaxError (InvalidClauseComposition)"),
        ];
        for (q, want) in cases {
            assert_eq!(error(&mut g, q), want, "{q}");
        }
    }

    #[test]
    fn errors_point_at_the_offending_text() {
        let mut g = graph("");
        let q = "MATCH (n)\nRETURN m";
        let e = run(&mut g, q).unwrap_err();
        assert_eq!(
            e.first_line("<query>", q),
            "<query>:2:8: SyntaxError (UndefinedVariable): variable 'm' is not defined"
        );
    }

    #[test]
    fn an_unknown_function_suggests_the_nearest_known_one() {
        let mut g = graph("");
        let e = run(&mut g, "RETURN lenght([1])").unwrap_err();
        assert_eq!(e.detail, Some("UnknownFunction"));
        assert_eq!(e.help.as_deref(), Some("did you mean length?"));
        let e = run(&mut g, "RETURN zzzzz(1)").unwrap_err();
        assert_eq!(e.help, None, "no suggestion when nothing is near");
    }

    #[test]
    fn anchor_prefers_name_then_smallest_label() {
        let mut g = graph("CREATE (:P {name: 'x'}), (:P), (:P), (:Q)");
        let plan = run(&mut g, "EXPLAIN MATCH (a:P)-->(b:Q) RETURN a").unwrap().plan.unwrap_or_default();
        assert!(plan.starts_with("NodeScan (b) via LabelIndex(:Q)"), "{plan}");
        let plan =
            run(&mut g, "EXPLAIN MATCH (a:Q)-->(b:P) WHERE b.name = 'x' RETURN a").unwrap().plan.unwrap_or_default();
        assert!(plan.starts_with("NodeScan (b:P {name: 'x'}) via NameIndex('x')"), "{plan}");
    }

    #[test]
    fn order_by_sees_previous_variables_unless_aggregating() {
        let mut g = graph("CREATE ({name: 'b', k: 1}), ({name: 'a', k: 2})");
        let r = run(&mut g, "MATCH (n) RETURN n.name AS name ORDER BY n.k").unwrap();
        assert_eq!(r.rows, vec![vec!["b".into()], vec!["a".into()]]);
        assert_eq!(error(&mut g, "MATCH (n) RETURN count(*) AS c ORDER BY n.k"), "SyntaxError (UndefinedVariable)");
    }
}
