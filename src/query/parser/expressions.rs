//! Expressions by precedence climbing, loosest first: `OR`, `XOR`, `AND`, `NOT`, comparisons
//! (chained), predicates (`IN`, `STARTS WITH`, `ENDS WITH`, `CONTAINS`, `=~`, `IS [NOT] NULL`),
//! `+ -`, `* / %`, `^`, unary `- +`, postfix (`.key`, `[i]`, `[a..b]`, `:Label`), atoms.
//!
//! Each level is a loop over the next tighter one, so parsing is linear in the input. The two
//! places where Cypher's grammar is ambiguous without lookahead are resolved without re-parsing
//! large inputs: a `(` starts a pattern predicate only when a relationship arrow follows its
//! matching `)`, and `[x IN list` is parsed once and becomes a comprehension or a list element
//! depending on what follows.

use nom::error::{context, ContextError};
use nom::Parser;

use super::depth::{depth, MAX_TREE_DEPTH};
use super::error::{PError, PResult};
use super::lexical::{
    at_kw, at_sym, at_variable, enter, kw, matches_kw, number_literal, opt_kw, opt_sym, parameter, pos, skip,
    span_between, string_literal, sym, symbolic_name, variable, ws,
};
use super::patterns::{looks_like_pattern, path_pattern, pattern};
use crate::graph::clip;
use crate::query::ast::{
    is_ident_start, BinaryOp, CompareOp, Expr, ExprKind, Ident, Literal, MapProjectionItem, Precedence, Quantifier,
    UnaryOp,
};
use crate::query::span::Span;

/// Any expression.
pub(crate) fn expression(i: &str) -> PResult<'_, Expr> {
    operand(i, Precedence::Or)
}

/// The depth of a chain's tree after one more link above `below` (the deepest of the link's
/// operands), failing at `at` once it passes [`MAX_TREE_DEPTH`].
fn link(at: &str, below: usize) -> Result<usize, nom::Err<PError<'_>>> {
    if below >= MAX_TREE_DEPTH {
        return Err(nom::Err::Failure(
            PError::custom(
                at,
                1,
                format!("expected an expression at most {MAX_TREE_DEPTH} operators deep, found a longer chain"),
            )
            .help("split the expression with WITH clauses, or use a list function such as reduce() or sum()"),
        ));
    }
    Ok(below + 1)
}

/// The depth of `e`, counted up to just past [`MAX_TREE_DEPTH`].
fn tree_depth(e: &Expr) -> usize {
    depth(e, MAX_TREE_DEPTH + 1)
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.to(right.span);
    Expr::new(ExprKind::Binary { op, left: Box::new(left), right: Box::new(right) }, span)
}

/// An infix or postfix operator found at the start of the input.
enum Infix {
    Binary(BinaryOp),
    Compare(CompareOp),
    IsNull,
}

fn compare_op(i: &str) -> Option<(CompareOp, usize)> {
    let b = i.as_bytes();
    match (b.first(), b.get(1)) {
        (Some(b'='), Some(b'~')) => None,
        (Some(b'='), _) => Some((CompareOp::Eq, 1)),
        (Some(b'<'), Some(b'>')) => Some((CompareOp::Ne, 2)),
        (Some(b'<'), Some(b'=')) => Some((CompareOp::Le, 2)),
        (Some(b'>'), Some(b'=')) => Some((CompareOp::Ge, 2)),
        (Some(b'<'), _) => Some((CompareOp::Lt, 1)),
        (Some(b'>'), _) => Some((CompareOp::Gt, 1)),
        _ => None,
    }
}

/// The operator at the start of `s` (after whitespace) and its precedence, without consuming.
fn peek_infix(s: &str) -> Option<(Infix, Precedence)> {
    let b = s.as_bytes();
    let symbol = |op: BinaryOp| Some((Infix::Binary(op), op.precedence()));
    match b.first()? {
        b'+' if b.get(1) != Some(&b'=') => return symbol(BinaryOp::Add),
        // `->` and `--` belong to patterns.
        b'-' if !matches!(b.get(1), Some(b'>' | b'-')) => return symbol(BinaryOp::Sub),
        b'*' => return symbol(BinaryOp::Mul),
        b'/' => return symbol(BinaryOp::Div),
        b'%' => return symbol(BinaryOp::Mod),
        b'^' => return symbol(BinaryOp::Pow),
        b'=' if b.get(1) == Some(&b'~') => return symbol(BinaryOp::RegexMatch),
        _ => {}
    }
    if let Some((op, _)) = compare_op(s) {
        return Some((Infix::Compare(op), Precedence::Comparison));
    }
    for (word, op) in [
        ("OR", BinaryOp::Or),
        ("XOR", BinaryOp::Xor),
        ("AND", BinaryOp::And),
        ("IN", BinaryOp::In),
        ("CONTAINS", BinaryOp::Contains),
        ("STARTS", BinaryOp::StartsWith),
        ("ENDS", BinaryOp::EndsWith),
    ] {
        if matches_kw(s, word) {
            return symbol(op);
        }
    }
    if matches_kw(s, "IS") {
        return Some((Infix::IsNull, Precedence::Predicate));
    }
    None
}

/// Consumes binary operator `op` at the start of `s`.
fn eat_binary(s: &str, op: BinaryOp) -> PResult<'_, ()> {
    let j = match op {
        BinaryOp::StartsWith => kw("WITH", "'WITH'")(kw("STARTS", "'STARTS'")(s)?.0)?.0,
        BinaryOp::EndsWith => kw("WITH", "'WITH'")(kw("ENDS", "'ENDS'")(s)?.0)?.0,
        BinaryOp::Or => kw("OR", "'OR'")(s)?.0,
        BinaryOp::Xor => kw("XOR", "'XOR'")(s)?.0,
        BinaryOp::And => kw("AND", "'AND'")(s)?.0,
        BinaryOp::In => kw("IN", "'IN'")(s)?.0,
        BinaryOp::Contains => kw("CONTAINS", "'CONTAINS'")(s)?.0,
        other => &s[other.symbol().len()..],
    };
    Ok((j, ()))
}

/// Precedence climbing: an operand, then every operator binding at least as tightly as `min`.
/// One loop for all levels keeps the recursion (and the stack) shallow per nesting level.
fn expr_bp(i: &str, min: Precedence) -> PResult<'_, Expr> {
    let (i, s) = skip(i)?;
    let _depth = enter(s)?;
    // Spans run from here to the end of the consumed input, so an operand's parentheses are
    // inside its parent's span.
    let start = pos(s);
    let (mut i, mut left) = prefix(i)?;
    // The depth of `left`, computed when the first operator is seen.
    let mut d: Option<usize> = None;
    loop {
        let (s, ()) = ws(i)?;
        let Some((op, prec)) = peek_infix(s) else { break };
        if prec < min {
            break;
        }
        match op {
            Infix::Binary(op) => {
                let (j, ()) = eat_binary(s, op)?;
                let (j, right) = operand(j, prec.tighter())?;
                let below = d.unwrap_or_else(|| tree_depth(&left)).max(tree_depth(&right));
                d = Some(link(s, below)?);
                let span = Span::new(start, pos(j));
                left = Expr::new(ExprKind::Binary { op, left: Box::new(left), right: Box::new(right) }, span);
                i = j;
            }
            Infix::Compare(first_op) => {
                let mut rest = Vec::new();
                let mut op = first_op;
                let mut t = s;
                loop {
                    let len = compare_op(t).map_or(1, |(_, len)| len);
                    let (j, right) = operand(&t[len..], Precedence::Predicate)?;
                    rest.push((op, right));
                    i = j;
                    let (u, ()) = ws(j)?;
                    match compare_op(u) {
                        Some((next, _)) => {
                            op = next;
                            t = u;
                        }
                        None => break,
                    }
                }
                let deepest = rest.iter().map(|(_, e)| tree_depth(e)).max().unwrap_or(0);
                d = Some(link(s, d.unwrap_or_else(|| tree_depth(&left)).max(deepest))?);
                let span = Span::new(start, pos(i));
                left = Expr::new(ExprKind::Comparison { first: Box::new(left), rest }, span);
            }
            Infix::IsNull => {
                let (j, _) = kw("IS", "'IS'")(s)?;
                let (j, not) = opt_kw(j, "NOT", "'NOT'")?;
                let (j, null) = kw("NULL", "'NULL'")(j)?;
                d = Some(link(s, d.unwrap_or_else(|| tree_depth(&left)))?);
                let span = Span::new(start, null.end);
                left = Expr::new(ExprKind::IsNull { expr: Box::new(left), negated: not.is_some() }, span);
                i = j;
            }
        }
    }
    Ok((i, left))
}

/// The right operand of an operator: named "an expression" in errors.
fn operand(i: &str, min: Precedence) -> PResult<'_, Expr> {
    // Not nom's `context` combinator: this sits on the recursive path, where its generic
    // frames would cost stack on every nesting level.
    expr_bp(i, min).map_err(|e| e.map(|e| PError::add_context(i, "an expression", e)))
}

/// Prefix operators (`NOT`, `-`, `+`) or a postfix expression.
fn prefix(i: &str) -> PResult<'_, Expr> {
    let (i, s) = skip(i)?;
    if at_kw(s, "NOT") {
        return not_prefix(s);
    }
    if s.starts_with(['-', '+']) {
        return sign_prefix(s);
    }
    postfix(i)
}

fn not_prefix(s: &str) -> PResult<'_, Expr> {
    let (j, not) = kw("NOT", "'NOT'")(s)?;
    let (j, inner) = operand(j, Precedence::Not)?;
    let span = Span::new(not.start, pos(j));
    Ok((j, Expr::new(ExprKind::Unary { op: UnaryOp::Not, expr: Box::new(inner) }, span)))
}

fn sign_prefix(s: &str) -> PResult<'_, Expr> {
    let (op, rest) = if let Some(r) = s.strip_prefix('-') { (UnaryOp::Neg, r) } else { (UnaryOp::Plus, &s[1..]) };
    let start = span_between(s, rest).start;
    if op == UnaryOp::Neg {
        // Fold `-` into a number literal, so the most negative integer is representable.
        match number_literal(rest, true) {
            Ok((j, (lit, span))) if !at_postfix(j) => {
                return Ok((j, Expr::new(ExprKind::Literal(lit), Span::new(start, span.end))));
            }
            Err(nom::Err::Failure(e)) => return Err(nom::Err::Failure(e)),
            _ => {}
        }
    }
    let (j, inner) = operand(rest, Precedence::Unary)?;
    let span = Span::new(start, pos(j));
    Ok((j, Expr::new(ExprKind::Unary { op, expr: Box::new(inner) }, span)))
}

fn at_postfix(i: &str) -> bool {
    let Ok((s, ())) = ws(i) else { return false };
    s.starts_with('[') || (s.starts_with('.') && s[1..].starts_with(|c: char| is_ident_start(c) || c == '`'))
}

fn postfix(i: &str) -> PResult<'_, Expr> {
    let (_, s) = skip(i)?;
    let (i, e) = atom(s)?;
    postfix_ops(i, e, pos(s))
}

/// Property lookups, indexes, slices and label tests after an atom starting at byte `start`.
fn postfix_ops(mut i: &str, mut e: Expr, start: usize) -> PResult<'_, Expr> {
    // The depth of `e`, computed when the first postfix operator is seen.
    let mut d: Option<usize> = None;
    loop {
        let (s, ()) = ws(i)?;
        let here = *d.get_or_insert_with(|| if s.starts_with(['.', '[', ':']) { tree_depth(&e) } else { 0 });
        if let Some(after) = s.strip_prefix('.') {
            if !after.starts_with(|c: char| is_ident_start(c) || c == '`') {
                break;
            }
            let (j, key) = symbolic_name(after, "a property key")?;
            d = Some(link(s, here)?);
            let span = Span::new(start, key.span.end);
            e = Expr::new(ExprKind::Property { expr: Box::new(e), key }, span);
            i = j;
        } else if let Some(after) = s.strip_prefix('[') {
            let (j, from) =
                if at_sym(after, "..") { (after, None) } else { expression(after).map(|(j, x)| (j, Some(x)))? };
            let (j, dots) = opt_sym(j, "..", "'..'")?;
            if dots.is_some() {
                let (j, to) = if at_sym(j, "]") { (j, None) } else { expression(j).map(|(j, x)| (j, Some(x)))? };
                let (j, close) = sym("]", "']'")(j)?;
                let bounds = from.iter().chain(to.iter()).map(tree_depth).max().unwrap_or(0);
                d = Some(link(s, here.max(bounds))?);
                let span = Span::new(start, close.end);
                e = Expr::new(
                    ExprKind::Slice { expr: Box::new(e), from: from.map(Box::new), to: to.map(Box::new) },
                    span,
                );
                i = j;
            } else {
                let (j, close) = sym("]", "']'")(j)?;
                let Some(index) = from else {
                    return PError::expected(j, "an index").error();
                };
                d = Some(link(s, here.max(tree_depth(&index)))?);
                let span = Span::new(start, close.end);
                e = Expr::new(ExprKind::Index { expr: Box::new(e), index: Box::new(index) }, span);
                i = j;
            }
        } else if s.starts_with(':') && !s.starts_with("::") {
            let (j, labels) = label_list(s)?;
            d = Some(link(s, here)?);
            let end = labels.last().map_or(e.span.end, |l| l.span.end);
            let span = Span::new(start, end);
            e = Expr::new(ExprKind::HasLabels { expr: Box::new(e), labels }, span);
            i = j;
        } else {
            break;
        }
    }
    Ok((i, e))
}

/// `:A:B` (at least one label).
pub(crate) fn label_list(i: &str) -> PResult<'_, Vec<Ident>> {
    let (mut i, _) = sym(":", "':'")(i)?;
    let mut labels = Vec::new();
    loop {
        let (j, name) = symbolic_name(i, "a label")?;
        labels.push(name);
        let (j, colon) = opt_sym(j, ":", "':'")?;
        i = j;
        if colon.is_none() {
            return Ok((i, labels));
        }
    }
}

fn lit(l: Literal, span: Span) -> Expr {
    Expr::new(ExprKind::Literal(l), span)
}

fn atom(i: &str) -> PResult<'_, Expr> {
    let (i, s) = skip(i)?;
    match s.chars().next() {
        Some('\'' | '"') => string_atom(s),
        Some('0'..='9' | '.') => number_atom(s),
        Some('$') => parameter_atom(s),
        Some('[') => list_like(s),
        Some('{') => map_atom(s),
        Some('(') => parenthesised(s),
        Some(c) if is_ident_start(c) || c == '`' => word_atom(i),
        _ => PError::expected(s, "an expression").error(),
    }
}

fn string_atom(s: &str) -> PResult<'_, Expr> {
    let (j, (text, span)) = string_literal(s)?;
    Ok((j, lit(Literal::String(text), span)))
}

fn number_atom(s: &str) -> PResult<'_, Expr> {
    let (j, (l, span)) = context("an expression", |x| number_literal(x, false)).parse(s)?;
    Ok((j, lit(l, span)))
}

fn parameter_atom(s: &str) -> PResult<'_, Expr> {
    let (j, (name, span)) = parameter(s)?;
    Ok((j, Expr::new(ExprKind::Parameter(name), span)))
}

fn map_atom(s: &str) -> PResult<'_, Expr> {
    let (j, (entries, span)) = map_literal(s)?;
    Ok((j, Expr::new(ExprKind::Map(entries), span)))
}

/// `{key: value, ...}`
pub(crate) fn map_literal(i: &str) -> PResult<'_, (Vec<(Ident, Expr)>, Span)> {
    let (i, open) = sym("{", "'{'")(i)?;
    let mut entries = Vec::new();
    let (mut i, close) = opt_sym(i, "}", "'}'")?;
    if let Some(close) = close {
        return Ok((i, (entries, open.to(close))));
    }
    let mut seen = std::collections::HashSet::new();
    loop {
        let (_, at) = skip(i)?;
        let (j, key) = symbolic_name(i, "a map key")?;
        if !seen.insert(key.name.clone()) {
            // As Neo4j does: a second value for a key is a mistake, not an overwrite.
            return Err(nom::Err::Failure(
                PError::custom(
                    at,
                    key.span.end - key.span.start,
                    format!("map key '{}' appears twice", clip(&key.name)),
                )
                .help("give each key once"),
            ));
        }
        let (j, _) = sym(":", "':'")(j)?;
        let (j, value) = expression(j)?;
        entries.push((key, value));
        let (j, comma) = opt_sym(j, ",", "','")?;
        i = j;
        if comma.is_none() {
            break;
        }
    }
    let (i, close) = sym("}", "'}'")(i)?;
    Ok((i, (entries, open.to(close))))
}

fn parenthesised(s: &str) -> PResult<'_, Expr> {
    if looks_like_pattern(s) {
        match path_pattern(s) {
            Ok((j, path)) if !path.steps.is_empty() => {
                let span = path.span;
                return Ok((j, Expr::new(ExprKind::PatternPredicate(Box::new(path)), span)));
            }
            Err(nom::Err::Failure(e)) => return Err(nom::Err::Failure(e)),
            _ => {}
        }
    }
    let (j, _) = sym("(", "'('")(s)?;
    let (j, inner) = expression(j)?;
    let (j, _) = sym(")", "')'")(j)?;
    Ok((j, inner))
}

/// `[...]`: a list literal, a list comprehension or a pattern comprehension.
fn list_like(s: &str) -> PResult<'_, Expr> {
    let (after, open) = sym("[", "'['")(s)?;
    if let Some(result) = pattern_comprehension(s, after, open) {
        return result;
    }
    list_or_comprehension(after, open)
}

fn list_or_comprehension(after: &str, open: Span) -> PResult<'_, Expr> {
    let mut items = Vec::new();
    let mut i = after;
    if at_variable(after) {
        let (j, var) = variable(after)?;
        if at_kw(j, "IN") {
            let (j, _) = kw("IN", "'IN'")(j)?;
            let (j, list) = expression(j)?;
            let (j, s2) = skip(j)?;
            if at_kw(s2, "WHERE") || s2.starts_with('|') || s2.starts_with(']') {
                return list_comprehension(j, open, var, list);
            }
            // `[x IN list, ...]`: a list whose first element is `x IN list`, re-associated so
            // the operators looser than IN in `list` apply to the whole `x IN ...`.
            items.push(rebase_in(var, list));
            let (j, comma) = opt_sym(s2, ",", "','")?;
            if comma.is_none() {
                let (j, close) = sym("]", "']'")(j)?;
                return Ok((j, Expr::new(ExprKind::List(items), open.to(close))));
            }
            i = j;
        }
    }
    let (j, close) = opt_sym(i, "]", "']'")?;
    if let Some(close) = close {
        if items.is_empty() {
            return Ok((j, Expr::new(ExprKind::List(items), open.to(close))));
        }
    }
    list_rest(i, items, open)
}

/// One or more comma-separated expressions.
pub(crate) fn expression_list(mut i: &str) -> PResult<'_, Vec<Expr>> {
    let mut items = Vec::new();
    loop {
        let (j, item) = expression(i)?;
        items.push(item);
        let (j, comma) = opt_sym(j, ",", "','")?;
        i = j;
        if comma.is_none() {
            return Ok((i, items));
        }
    }
}

fn list_rest(i: &str, mut items: Vec<Expr>, open: Span) -> PResult<'_, Expr> {
    let (i, more) = expression_list(i)?;
    items.extend(more);
    let (i, close) = sym("]", "']'")(i)?;
    Ok((i, Expr::new(ExprKind::List(items), open.to(close))))
}

/// Turns `x` + `A op B` (parsed as the list after `IN`) into `(x IN A) op B` for every operator
/// at IN's level or looser.
fn rebase_in(var: Ident, list: Expr) -> Expr {
    let Expr { kind, span } = list;
    match kind {
        ExprKind::Binary { op, left, right } if op.precedence() <= Precedence::Predicate => {
            let left = rebase_in(var, *left);
            let span = left.span.to(span);
            Expr::new(ExprKind::Binary { op, left: Box::new(left), right }, span)
        }
        ExprKind::Comparison { first, rest } => {
            let first = rebase_in(var, *first);
            let span = first.span.to(span);
            Expr::new(ExprKind::Comparison { first: Box::new(first), rest }, span)
        }
        ExprKind::IsNull { expr, negated } => {
            let inner = rebase_in(var, *expr);
            let span = inner.span.to(span);
            Expr::new(ExprKind::IsNull { expr: Box::new(inner), negated }, span)
        }
        kind => {
            let variable = Expr::new(ExprKind::Variable(var.name), var.span);
            binary(BinaryOp::In, variable, Expr::new(kind, span))
        }
    }
}

fn list_comprehension(i: &str, open: Span, variable: Ident, list: Expr) -> PResult<'_, Expr> {
    let (i, where_kw) = opt_kw(i, "WHERE", "'WHERE'")?;
    let (i, predicate) = if where_kw.is_some() { expression(i).map(|(j, e)| (j, Some(e)))? } else { (i, None) };
    let (i, bar) = opt_sym(i, "|", "'|'")?;
    let (i, projection) = if bar.is_some() { expression(i).map(|(j, e)| (j, Some(e)))? } else { (i, None) };
    let (i, close) = sym("]", "']'")(i)?;
    let kind = ExprKind::ListComprehension {
        variable,
        list: Box::new(list),
        predicate: predicate.map(Box::new),
        projection: projection.map(Box::new),
    };
    Ok((i, Expr::new(kind, open.to(close))))
}

/// `[p = (a)-->(b) WHERE pred | expr]`; `None` when the text is not one (the caller then parses
/// a list).
fn pattern_comprehension<'a>(_s: &'a str, after: &'a str, open: Span) -> Option<PResult<'a, Expr>> {
    let (mut i, ()) = ws(after).ok()?;
    let mut path_var = None;
    if at_variable(i) {
        let (j, v) = variable(i).ok()?;
        let (j, ()) = ws(j).ok()?;
        let j = j.strip_prefix('=')?;
        let (j, ()) = ws(j).ok()?;
        if !j.starts_with('(') {
            return None;
        }
        path_var = Some(v);
        i = j;
    }
    if !i.starts_with('(') || !looks_like_pattern(i) {
        return None;
    }
    let (j, path) = match path_pattern(i) {
        Ok(ok) => ok,
        Err(nom::Err::Failure(e)) => return Some(Err(nom::Err::Failure(e))),
        Err(_) => return None,
    };
    if path.steps.is_empty() {
        return None;
    }
    Some((|| {
        let (j, where_kw) = opt_kw(j, "WHERE", "'WHERE'")?;
        let (j, predicate) = if where_kw.is_some() { expression(j).map(|(k, e)| (k, Some(e)))? } else { (j, None) };
        let (j, _) = sym("|", "'|'")(j)?;
        let (j, projection) = expression(j)?;
        let (j, close) = sym("]", "']'")(j)?;
        let kind = ExprKind::PatternComprehension {
            variable: path_var,
            path: Box::new(path),
            predicate: predicate.map(Box::new),
            projection: Box::new(projection),
        };
        Ok((j, Expr::new(kind, open.to(close))))
    })())
}

/// Atoms that start with a word: keywords, function calls, quantifiers, map projections,
/// variables.
fn word_atom(i: &str) -> PResult<'_, Expr> {
    let (_, s) = skip(i)?;
    for (word, l) in [("TRUE", Literal::Bool(true)), ("FALSE", Literal::Bool(false)), ("NULL", Literal::Null)] {
        if at_kw(s, word) {
            let (j, span) = kw(word, "a literal")(s)?;
            return Ok((j, lit(l, span)));
        }
    }
    if at_kw(s, "CASE") {
        return case_expr(s);
    }
    if at_kw(s, "EXISTS") {
        let (j, _) = kw("EXISTS", "'EXISTS'")(s)?;
        if at_sym(j, "{") {
            return exists_subquery(s, j);
        }
    }
    let quoted = s.starts_with('`');
    let (j, first) = symbolic_name(s, "an expression")?;
    // A function name may be namespaced: `a.b.c(`.
    let mut name = first.name.clone();
    let mut k = j;
    let mut end = first.span.end;
    while let Some(after) = ws(k).ok().and_then(|(t, ())| t.strip_prefix('.')) {
        if !after.starts_with(|c: char| is_ident_start(c) || c == '`') {
            break;
        }
        let Ok((u, part)) = symbolic_name(after, "a name") else { break };
        name.push('.');
        name.push_str(&part.name);
        end = part.span.end;
        k = u;
    }
    if at_sym(k, "(") {
        let name = Ident::new(name, Span::new(first.span.start, end));
        return call(s, k, name);
    }
    if !quoted && crate::query::ast::is_reserved_word(&first.name) {
        return PError::expected(s, "an expression").error();
    }
    if at_sym(j, "{") {
        return map_projection(j, first);
    }
    Ok((j, Expr::new(ExprKind::Variable(first.name), first.span)))
}

fn call<'a>(start: &'a str, i: &'a str, name: Ident) -> PResult<'a, Expr> {
    let (i, _) = sym("(", "'('")(i)?;
    let lower = name.name.to_ascii_lowercase();
    if lower == "count" && at_sym(i, "*") {
        let (j, _) = sym("*", "'*'")(i)?;
        let (j, close) = sym(")", "')'")(j)?;
        return Ok((j, Expr::new(ExprKind::CountStar, Span::new(name.span.start, close.end))));
    }
    if lower == "reduce" {
        return reduce(start, i);
    }
    let quantifier = match lower.as_str() {
        "any" => Some(Quantifier::Any),
        "all" => Some(Quantifier::All),
        "none" => Some(Quantifier::None),
        "single" => Some(Quantifier::Single),
        _ => None,
    };
    if let Some(quantifier) = quantifier {
        if at_variable(i) {
            let (j, variable) = variable(i)?;
            if at_kw(j, "IN") {
                let (j, _) = kw("IN", "'IN'")(j)?;
                let (j, list) = expression(j)?;
                let (j, where_kw) = opt_kw(j, "WHERE", "'WHERE'")?;
                let (j, predicate) =
                    if where_kw.is_some() { expression(j).map(|(k, e)| (k, Some(e)))? } else { (j, None) };
                let (j, close) = sym(")", "')'")(j)?;
                let kind = ExprKind::Quantifier {
                    quantifier,
                    variable,
                    list: Box::new(list),
                    predicate: predicate.map(Box::new),
                };
                return Ok((j, Expr::new(kind, span_between(start, j).to(close))));
            }
        }
    }
    let (i, distinct) = opt_kw(i, "DISTINCT", "'DISTINCT'")?;
    let mut args = Vec::new();
    let (mut i, close) = if distinct.is_some() { (i, None) } else { opt_sym(i, ")", "')'")? };
    if let Some(close) = close {
        let kind = ExprKind::FunctionCall { name: name.clone(), distinct: distinct.is_some(), args };
        return Ok((i, Expr::new(kind, Span::new(name.span.start, close.end))));
    }
    loop {
        let (j, arg) = expression(i)?;
        args.push(arg);
        let (j, comma) = opt_sym(j, ",", "','")?;
        i = j;
        if comma.is_none() {
            break;
        }
    }
    let (i, close) = sym(")", "')'")(i)?;
    // A pattern is a value only as a predicate (in WHERE, a boolean operator or exists()), as
    // openCypher's grammar has it: `head((n)-->())` is a syntax error, not a list of paths.
    if lower != "exists" {
        if let Some(arg) = args.iter().find(|a| matches!(a.kind, ExprKind::PatternPredicate(_))) {
            let at = &start[arg.span.start - pos(start)..];
            let len = arg.span.end - arg.span.start;
            let error = if lower == "size" {
                PError::custom(at, len, "expected a list or string in size(), found a pattern")
                    .help("a pattern is a predicate here; count its matches with size([(a)-->(b) | 1])")
            } else {
                PError::custom(at, len, format!("{}() cannot take a pattern as an argument", clip(&name.name)))
                    .help("use a pattern comprehension for its paths, e.g. [p = (a)-->(b) | p], or exists((a)-->(b))")
            };
            return error.failure();
        }
    }
    let span = Span::new(name.span.start, close.end);
    Ok((i, Expr::new(ExprKind::FunctionCall { name, distinct: distinct.is_some(), args }, span)))
}

/// How `reduce` is written, the help line of its syntax errors.
const REDUCE_HELP: &str = "write reduce(acc = 0, x IN list | acc + x): an accumulator and its first value, then an \
                           element variable, a list and the accumulator's next value";

/// The rest of `reduce(acc = init, x IN list | step)` after `reduce(`.
fn reduce<'a>(start: &'a str, i: &'a str) -> PResult<'a, Expr> {
    let (i, accumulator) = reduce_token(variable(i))?;
    let (i, _) = reduce_token(sym("=", "'='")(i))?;
    let (i, init) = expression(i)?;
    let (i, _) = reduce_token(sym(",", "','")(i))?;
    let (i, variable) = reduce_token(variable(i))?;
    let (i, _) = reduce_token(kw("IN", "'IN'")(i))?;
    let (i, list) = expression(i)?;
    let (i, _) = reduce_token(sym("|", "'|'")(i))?;
    let (i, step) = expression(i)?;
    let (j, close) = reduce_token(sym(")", "')'")(i))?;
    let kind =
        ExprKind::Reduce { accumulator, init: Box::new(init), variable, list: Box::new(list), step: Box::new(step) };
    Ok((j, Expr::new(kind, span_between(start, j).to(close))))
}

/// A token of `reduce(...)` that is missing: final (no other reading is possible), with the
/// form's help line.
fn reduce_token<T>(r: PResult<'_, T>) -> PResult<'_, T> {
    r.map_err(|e| match e {
        nom::Err::Error(e) | nom::Err::Failure(e) if e.diag.is_none() => nom::Err::Failure(e.help(REDUCE_HELP)),
        other => other,
    })
}

fn map_projection(i: &str, base: Ident) -> PResult<'_, Expr> {
    let (mut i, _) = sym("{", "'{'")(i)?;
    let mut items = Vec::new();
    let (j, close) = opt_sym(i, "}", "'}'")?;
    if let Some(close) = close {
        let span = base.span.to(close);
        return Ok((j, Expr::new(ExprKind::MapProjection { base, items }, span)));
    }
    loop {
        let (j, s) = skip(i)?;
        let j = if let Some(after) = s.strip_prefix('.') {
            if let Some(star_rest) = after.strip_prefix('*') {
                items.push(MapProjectionItem::AllProperties(span_between(s, star_rest)));
                star_rest
            } else {
                let (k, key) = symbolic_name(after, "a property key")?;
                items.push(MapProjectionItem::Property(key));
                k
            }
        } else {
            let (k, name) = symbolic_name(j, "a map projection item")?;
            let (k, colon) = opt_sym(k, ":", "':'")?;
            if colon.is_some() {
                let (k, value) = expression(k)?;
                items.push(MapProjectionItem::Literal(name, value));
                k
            } else {
                items.push(MapProjectionItem::Variable(name));
                k
            }
        };
        let (j, comma) = opt_sym(j, ",", "','")?;
        i = j;
        if comma.is_none() {
            break;
        }
    }
    let (i, close) = sym("}", "'}'")(i)?;
    let span = base.span.to(close);
    Ok((i, Expr::new(ExprKind::MapProjection { base, items }, span)))
}

fn case_expr(s: &str) -> PResult<'_, Expr> {
    let (i, case) = kw("CASE", "'CASE'")(s)?;
    let (i, operand) = if at_kw(i, "WHEN") { (i, None) } else { expression(i).map(|(j, e)| (j, Some(e)))? };
    let mut whens = Vec::new();
    let mut i = i;
    loop {
        let (j, when) = opt_kw(i, "WHEN", "'WHEN'")?;
        if when.is_none() {
            break;
        }
        let (j, cond) = expression(j)?;
        let (j, _) = kw("THEN", "'THEN'")(j)?;
        let (j, value) = expression(j)?;
        whens.push((cond, value));
        i = j;
    }
    if whens.is_empty() {
        return PError::expected(ws(i)?.0, "'WHEN'").failure();
    }
    let (i, else_kw) = opt_kw(i, "ELSE", "'ELSE'")?;
    let (i, else_) = if else_kw.is_some() { expression(i).map(|(j, e)| (j, Some(e)))? } else { (i, None) };
    let (i, end) = kw("END", "'END'")(i)?;
    let kind = ExprKind::Case { operand: operand.map(Box::new), whens, else_: else_.map(Box::new) };
    Ok((i, Expr::new(kind, case.to(end))))
}

/// `EXISTS { [MATCH] pattern [WHERE e] }`, else a full query `EXISTS { MATCH … RETURN … }`.
fn exists_subquery<'a>(start: &'a str, i: &'a str) -> PResult<'a, Expr> {
    let (body, _) = sym("{", "'{'")(i)?;
    match exists_pattern(start, body) {
        Err(nom::Err::Error(e)) => {
            let (_, s) = super::lexical::skip(body)?;
            if !["MATCH", "OPTIONAL", "WITH", "UNWIND", "CALL", "RETURN"].iter().any(|k| at_kw(s, k)) {
                return Err(nom::Err::Error(e));
            }
            let (i, q) = super::clauses::single_query(body)?;
            let (i, close) = sym("}", "'}'")(i)?;
            let span = Span::new(super::lexical::pos(start), close.end);
            Ok((i, Expr::new(ExprKind::ExistsQuery(Box::new(q)), span)))
        }
        other => other,
    }
}

fn exists_pattern<'a>(start: &'a str, i: &'a str) -> PResult<'a, Expr> {
    let (i, _) = opt_kw(i, "MATCH", "'MATCH'")?;
    let (i, pat) = pattern(i)?;
    let (i, where_kw) = opt_kw(i, "WHERE", "'WHERE'")?;
    let (i, where_) = if where_kw.is_some() { expression(i).map(|(j, e)| (j, Some(e)))? } else { (i, None) };
    let (i, close) = sym("}", "'}'")(i)?;
    let span = Span::new(super::lexical::pos(start), close.end);
    Ok((i, Expr::new(ExprKind::Exists { pattern: pat, where_: where_.map(Box::new) }, span)))
}

#[cfg(test)]
mod tests {
    use super::super::lexical::with_source;
    use super::*;

    fn parse(s: &str) -> Expr {
        with_source(s, || expression(s).map(|(_, e)| e)).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    #[test]
    fn precedence_and_folding() {
        assert_eq!(parse("1 + 2 * 3 ^ 2").to_string(), "1 + 2 * 3 ^ 2");
        assert_eq!(parse("(1 + 2) * 3").to_string(), "(1 + 2) * 3");
        assert_eq!(parse("-9223372036854775808").kind, ExprKind::Literal(Literal::Int(i64::MIN)));
        assert_eq!(parse("NOT a = b AND c").to_string(), "NOT a = b AND c");
        assert!(matches!(parse("a < b <= c").kind, ExprKind::Comparison { ref rest, .. } if rest.len() == 2));
        assert!(matches!(parse("x IS NOT NULL").kind, ExprKind::IsNull { negated: true, .. }));
    }

    #[test]
    fn spans_cover_the_text() {
        let s = "  a.name STARTS WITH 'J'";
        let e = parse(s);
        assert_eq!(&s[e.span.start..e.span.end], "a.name STARTS WITH 'J'");
    }

    #[test]
    fn lists_comprehensions_and_patterns() {
        assert!(matches!(parse("[x IN l WHERE x > 1 | x * 2]").kind, ExprKind::ListComprehension { .. }));
        assert!(matches!(parse("[x IN l, 2]").kind, ExprKind::List(ref v) if v.len() == 2));
        assert_eq!(parse("[x IN l = true, 2]").to_string(), "[x IN l = true, 2]");
        assert!(matches!(parse("[(a)-->(b) | b.name]").kind, ExprKind::PatternComprehension { .. }));
        assert!(matches!(parse("(a)-[:KNOWS]->(:Person)").kind, ExprKind::PatternPredicate(_)));
        assert!(matches!(parse("(a) - (b)").kind, ExprKind::Binary { op: BinaryOp::Sub, .. }));
        assert!(matches!(parse("all(x IN l WHERE x > 0)").kind, ExprKind::Quantifier { .. }));
        let folded = parse("reduce(acc = 0, x IN [1, 2] | acc + x * 2)");
        assert!(matches!(folded.kind, ExprKind::Reduce { .. }));
        assert_eq!(folded.to_string(), "reduce(acc = 0, x IN [1, 2] | acc + x * 2)");
        assert_eq!(folded.span, Span::new(0, 42));
        assert!(matches!(parse("count(*)").kind, ExprKind::CountStar));
        assert!(matches!(parse("count(DISTINCT n)").kind, ExprKind::FunctionCall { distinct: true, .. }));
        assert!(
            matches!(parse("n {.name, .*, k: 1, m}").kind, ExprKind::MapProjection { ref items, .. } if items.len() == 4)
        );
        assert!(matches!(parse("l[1..]").kind, ExprKind::Slice { .. }));
        assert!(matches!(parse("n:A:B").kind, ExprKind::HasLabels { ref labels, .. } if labels.len() == 2));
        assert!(matches!(parse("CASE WHEN a THEN 1 ELSE 2 END").kind, ExprKind::Case { operand: None, .. }));
        assert!(matches!(parse("EXISTS { (a)-->() WHERE a.x }").kind, ExprKind::Exists { .. }));
        let full = parse("EXISTS { MATCH (a)-->(b) WITH b, count(*) AS c WHERE c > 1 RETURN b }");
        assert!(matches!(full.kind, ExprKind::ExistsQuery(_)));
        assert_eq!(full.to_string(), "EXISTS { MATCH (a)-->(b) WITH b, count(*) AS c WHERE c > 1 RETURN b }");
    }
}
