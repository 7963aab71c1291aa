//! Statements and clauses: `EXPLAIN`/`PROFILE`, single queries joined by `UNION [ALL]`, and the
//! clauses MATCH, OPTIONAL MATCH, WITH, RETURN, UNWIND, CREATE, MERGE, SET, REMOVE, DELETE,
//! DETACH DELETE and CALL … YIELD. Once a clause keyword is read the parser commits (`cut`): an error inside a
//! clause is reported there, not as "expected a clause".

use nom::combinator::cut;
use nom::error::context;
use nom::Parser;

use super::error::{PError, PResult};
use super::expressions::{expression, expression_list, label_list};
use super::lexical::{
    at_kw, at_sym, at_variable, kw, opt_kw, opt_sym, pos, skip, span_between, sym, symbolic_name, variable, ws,
};
use super::patterns::{pattern, pattern_part};
use crate::query::ast::{
    CallClause, Clause, CreateClause, DeleteClause, Expr, ExprKind, MatchClause, MergeAction, MergeClause,
    MergeTrigger, Projection, ProjectionItem, Query, QueryMode, RemoveClause, RemoveItem, ReturnClause, SetClause,
    SetItem, SingleQuery, SortItem, UnionPart, UnwindClause, WithClause, Yield, YieldItem,
};
use crate::query::span::Span;

/// A whole statement: `[EXPLAIN|PROFILE] single (UNION [ALL] single)*`, without the trailing
/// `;` and end-of-input check (done by the caller).
pub(crate) fn query(i: &str) -> PResult<'_, Query> {
    let (i, s) = skip(i)?;
    let (i, mode) = if at_kw(i, "EXPLAIN") {
        (kw("EXPLAIN", "'EXPLAIN'")(i)?.0, QueryMode::Explain)
    } else if at_kw(i, "PROFILE") {
        (kw("PROFILE", "'PROFILE'")(i)?.0, QueryMode::Profile)
    } else {
        (i, QueryMode::Normal)
    };
    let (mut i, first) = single_query(i)?;
    let mut unions = Vec::new();
    loop {
        let (j, t) = skip(i)?;
        let (j, union) = opt_kw(j, "UNION", "'UNION'")?;
        let Some(union) = union else { break };
        let (j, all) = opt_kw(j, "ALL", "'ALL'")?;
        let (j, query) = cut(single_query).parse(j)?;
        unions.push(UnionPart { all: all.is_some(), span: Span::new(union.start, query.span.end), query });
        let _ = t;
        i = j;
    }
    let end = unions.last().map_or(first.span.end, |u| u.span.end);
    Ok((i, Query { mode, first, unions, span: Span::new(pos(s), end) }))
}

/// Clauses without `UNION` (also the body of a full `EXISTS { … }` subquery).
pub(crate) fn single_query(start: &str) -> PResult<'_, SingleQuery> {
    let (mut i, first) = context("a clause", clause).parse(start)?;
    let mut clauses = vec![first];
    loop {
        let (s, ()) = ws(i)?;
        match clause(s) {
            Ok((j, c)) => {
                if let Some(Clause::Return(_)) = clauses.last() {
                    return PError::custom(
                        s,
                        c.keyword().len(),
                        format!("expected UNION or the end of the query after RETURN, found {}", c.keyword()),
                    )
                    .help("RETURN must be the last clause; use WITH to pass values on to further clauses")
                    .failure();
                }
                clauses.push(c);
                i = j;
            }
            Err(nom::Err::Error(_)) => break,
            Err(e) => return Err(e),
        }
    }
    if clauses.len() > 1 {
        // `YIELD *` names no variables, so only a query of the CALL alone may use it.
        let star = clauses.iter().find_map(|c| match c {
            Clause::Call(CallClause { yields: Some(Yield::Star(star)), .. }) => Some(*star),
            _ => None,
        });
        if let Some(star) = star {
            let at = &start[star.start - pos(start)..];
            return PError::custom(at, star.end - star.start, "YIELD * is only allowed in a standalone CALL")
                .help("name the outputs the rest of the query uses, e.g. YIELD a, b")
                .failure();
        }
    }
    let span = clauses[0].span().to(clauses[clauses.len() - 1].span());
    if let Some(last @ (Clause::Match(_) | Clause::With(_) | Clause::Unwind(_))) = clauses.last() {
        let (s, ()) = ws(i)?;
        if !(s.is_empty() || s.starts_with(';') || s.starts_with('}') || at_kw(s, "UNION")) {
            // Something unparsable follows: the furthest-failure record explains it better.
            return PError::expected(s, "a clause").failure();
        }
        let found = if s.is_empty() {
            "end of input".to_string()
        } else {
            format!("'{}'", s.split_whitespace().next().unwrap_or(s))
        };
        let len = s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len());
        return PError::custom(
            s,
            len,
            format!("expected RETURN or an update clause after {}, found {found}", last.keyword()),
        )
        .help("a query ends with RETURN (e.g. RETURN n) or with CREATE, MERGE, SET, REMOVE or DELETE")
        .failure();
    }
    Ok((i, SingleQuery { clauses, span }))
}

fn clause(i: &str) -> PResult<'_, Clause> {
    let (_, s) = skip(i)?;
    if at_kw(s, "OPTIONAL") {
        let (j, _) = kw("OPTIONAL", "'OPTIONAL'")(s)?;
        let (j, _) = cut(kw("MATCH", "'MATCH'")).parse(j)?;
        return cut(|x| match_clause(s, x, true)).parse(j);
    }
    if at_kw(s, "MATCH") {
        let (j, _) = kw("MATCH", "'MATCH'")(s)?;
        return cut(|x| match_clause(s, x, false)).parse(j);
    }
    if at_kw(s, "WITH") {
        let (j, _) = kw("WITH", "'WITH'")(s)?;
        return cut(|x| with_clause(s, x)).parse(j);
    }
    if at_kw(s, "RETURN") {
        let (j, _) = kw("RETURN", "'RETURN'")(s)?;
        return cut(|x| {
            let (x, projection) = projection(x)?;
            Ok((x, Clause::Return(ReturnClause { projection, span: span_between(s, x) })))
        })
        .parse(j);
    }
    if at_kw(s, "UNWIND") {
        let (j, _) = kw("UNWIND", "'UNWIND'")(s)?;
        return cut(|x| {
            let (x, expr) = expression(x)?;
            let (x, _) = kw("AS", "'AS'")(x)?;
            let (x, var) = variable(x)?;
            Ok((x, Clause::Unwind(UnwindClause { expr, variable: var, span: span_between(s, x) })))
        })
        .parse(j);
    }
    if at_kw(s, "CREATE") {
        let (j, _) = kw("CREATE", "'CREATE'")(s)?;
        return cut(|x| {
            let (x, pattern) = pattern(x)?;
            Ok((x, Clause::Create(CreateClause { pattern, span: span_between(s, x) })))
        })
        .parse(j);
    }
    if at_kw(s, "MERGE") {
        let (j, _) = kw("MERGE", "'MERGE'")(s)?;
        return cut(|x| merge_clause(s, x)).parse(j);
    }
    if at_kw(s, "SET") {
        let (j, _) = kw("SET", "'SET'")(s)?;
        return cut(|x| {
            let (x, items) = set_items(x)?;
            Ok((x, Clause::Set(SetClause { items, span: span_between(s, x) })))
        })
        .parse(j);
    }
    if at_kw(s, "REMOVE") {
        let (j, _) = kw("REMOVE", "'REMOVE'")(s)?;
        return cut(|x| remove_clause(s, x)).parse(j);
    }
    if at_kw(s, "DETACH") {
        let (j, _) = kw("DETACH", "'DETACH'")(s)?;
        let (j, _) = cut(kw("DELETE", "'DELETE'")).parse(j)?;
        return cut(|x| delete_clause(s, x, true)).parse(j);
    }
    if at_kw(s, "DELETE") {
        let (j, _) = kw("DELETE", "'DELETE'")(s)?;
        return cut(|x| delete_clause(s, x, false)).parse(j);
    }
    if at_kw(s, "CALL") {
        let (j, _) = kw("CALL", "'CALL'")(s)?;
        return cut(|x| call_clause(s, x)).parse(j);
    }
    PError::expected(s, "a clause").error()
}

/// `name(.name)* [( [expr (, expr)*] )] [YIELD (* | field [AS var] (, ...)*) [WHERE expr]]`
fn call_clause<'a>(start: &'a str, i: &'a str) -> PResult<'a, Clause> {
    let (mut i, first) = symbolic_name(i, "a procedure name")?;
    let mut name = first.name;
    let mut name_span = first.span;
    while let Some(after) = ws(i)?.0.strip_prefix('.') {
        let (j, part) = symbolic_name(after, "a procedure name")?;
        name.push('.');
        name.push_str(&part.name);
        name_span = name_span.to(part.span);
        i = j;
    }
    let (mut i, open) = opt_sym(i, "(", "'('")?;
    let mut args = None;
    if open.is_some() {
        let (j, close) = opt_sym(i, ")", "')'")?;
        i = j;
        let mut list = Vec::new();
        if close.is_none() {
            (i, list) = expression_list(i)?;
            i = sym(")", "',' or ')'")(i)?.0;
        }
        args = Some(list);
    }
    let (mut i, yield_kw) = opt_kw(i, "YIELD", "'YIELD'")?;
    let mut yields = None;
    if yield_kw.is_some() {
        let (j, star) = opt_sym(i, "*", "'*'")?;
        if let Some(star) = star {
            yields = Some(Yield::Star(star));
            i = j;
        } else {
            let mut items = Vec::new();
            loop {
                let (j, field) = symbolic_name(i, "a procedure output")?;
                let (j, as_kw) = opt_kw(j, "AS", "'AS'")?;
                let (j, alias) = if as_kw.is_some() { variable(j).map(|(k, v)| (k, Some(v)))? } else { (j, None) };
                items.push(YieldItem { field, alias });
                let (j, comma) = opt_sym(j, ",", "','")?;
                i = j;
                if comma.is_none() {
                    break;
                }
            }
            let (j, where_) = opt_where(i)?;
            i = j;
            yields = Some(Yield::Items { items, where_: where_.map(Box::new) });
        }
    }
    Ok((i, Clause::Call(CallClause { name, name_span, args, yields, span: span_between(start, i) })))
}

fn opt_where(i: &str) -> PResult<'_, Option<Expr>> {
    let (i, w) = opt_kw(i, "WHERE", "'WHERE'")?;
    if w.is_none() {
        return Ok((i, None));
    }
    let (i, e) = expression(i)?;
    Ok((i, Some(e)))
}

fn match_clause<'a>(start: &'a str, i: &'a str, optional: bool) -> PResult<'a, Clause> {
    let (i, pattern) = pattern(i)?;
    let (i, where_) = opt_where(i)?;
    Ok((i, Clause::Match(MatchClause { optional, pattern, where_, span: span_between(start, i) })))
}

fn with_clause<'a>(start: &'a str, i: &'a str) -> PResult<'a, Clause> {
    let (i, projection) = projection(i)?;
    let (i, where_) = opt_where(i)?;
    Ok((i, Clause::With(WithClause { projection, where_, span: span_between(start, i) })))
}

/// `[DISTINCT] (* | item) (, item)* [ORDER BY ...] [SKIP e] [LIMIT e]`
fn projection(i: &str) -> PResult<'_, Projection> {
    let (i, s) = skip(i)?;
    let (i, distinct) = opt_kw(i, "DISTINCT", "'DISTINCT'")?;
    let (mut i, star) = opt_sym(i, "*", "'*'")?;
    let mut items = Vec::new();
    let mut need_item = star.is_none();
    if star.is_some() {
        let (j, comma) = opt_sym(i, ",", "','")?;
        i = j;
        need_item = comma.is_some();
    }
    while need_item {
        let (j, item) = projection_item(i)?;
        items.push(item);
        let (j, comma) = opt_sym(j, ",", "','")?;
        i = j;
        need_item = comma.is_some();
    }
    let mut order_by = Vec::new();
    let (j, order) = opt_kw(i, "ORDER", "'ORDER BY'")?;
    i = j;
    if order.is_some() {
        let (j, _) = kw("BY", "'BY'")(i)?;
        i = j;
        loop {
            let (j, t) = skip(i)?;
            let (j, expr) = expression(j)?;
            let (j, descending) = sort_direction(j)?;
            order_by.push(SortItem { expr, descending, span: span_between(t, j) });
            let (j, comma) = opt_sym(j, ",", "','")?;
            i = j;
            if comma.is_none() {
                break;
            }
        }
    }
    let (j, skip_kw) = opt_kw(i, "SKIP", "'SKIP'")?;
    let (j, skip) = if skip_kw.is_some() { expression(j).map(|(k, e)| (k, Some(e)))? } else { (j, None) };
    let (j, limit_kw) = opt_kw(j, "LIMIT", "'LIMIT'")?;
    let (j, limit) = if limit_kw.is_some() { expression(j).map(|(k, e)| (k, Some(e)))? } else { (j, None) };
    let span = span_between(s, j);
    Ok((j, Projection { distinct: distinct.is_some(), star: star.is_some(), items, order_by, skip, limit, span }))
}

fn sort_direction(i: &str) -> PResult<'_, bool> {
    for (word, desc) in [("DESCENDING", true), ("DESC", true), ("ASCENDING", false), ("ASC", false)] {
        if at_kw(i, word) {
            let (j, _) = kw(word, "'ASC' or 'DESC'")(i)?;
            return Ok((j, desc));
        }
    }
    let (i, _) = opt_kw(i, "DESC", "'ASC' or 'DESC'")?;
    Ok((i, false))
}

fn projection_item(i: &str) -> PResult<'_, ProjectionItem> {
    let (i, s) = skip(i)?;
    let (i, expr) = expression(i)?;
    if matches!(expr.kind, ExprKind::PatternPredicate(_)) {
        let at = &s[expr.span.start - pos(s)..];
        return PError::custom(at, expr.span.end - expr.span.start, "a pattern cannot be projected as a value")
            .help("use exists((a)-->(b)) for a boolean or [p = (a)-->(b) | p] for the paths")
            .failure();
    }
    let text = s[..s.len() - i.len()].to_string();
    let (j, as_kw) = opt_kw(i, "AS", "'AS'")?;
    let (j, alias) = if as_kw.is_some() { variable(j).map(|(k, v)| (k, Some(v)))? } else { (j, None) };
    Ok((j, ProjectionItem { expr, alias, text, span: span_between(s, j) }))
}

fn merge_clause<'a>(start: &'a str, i: &'a str) -> PResult<'a, Clause> {
    let (mut i, part) = pattern_part(i)?;
    let mut actions = Vec::new();
    loop {
        let (j, t) = skip(i)?;
        let (j, on) = opt_kw(j, "ON", "'ON'")?;
        if on.is_none() {
            break;
        }
        let (j, trigger) = if at_kw(j, "CREATE") {
            (kw("CREATE", "'CREATE'")(j)?.0, MergeTrigger::Create)
        } else {
            (kw("MATCH", "'CREATE' or 'MATCH'")(j)?.0, MergeTrigger::Match)
        };
        let (j, _) = kw("SET", "'SET'")(j)?;
        let (j, items) = set_items(j)?;
        actions.push(MergeAction { on: trigger, items, span: span_between(t, j) });
        i = j;
    }
    Ok((i, Clause::Merge(MergeClause { part, actions, span: span_between(start, i) })))
}

fn set_items(mut i: &str) -> PResult<'_, Vec<SetItem>> {
    let mut items = Vec::new();
    loop {
        let (j, item) = set_item(i)?;
        items.push(item);
        let (j, comma) = opt_sym(j, ",", "','")?;
        i = j;
        if comma.is_none() {
            return Ok((i, items));
        }
    }
}

fn set_item(i: &str) -> PResult<'_, SetItem> {
    let (_, s) = skip(i)?;
    if at_variable(s) {
        let (j, var) = variable(s)?;
        let (t, ()) = ws(j)?;
        if t.starts_with(':') {
            let (k, labels) = label_list(t)?;
            return Ok((k, SetItem::Labels { variable: var, labels, span: span_between(s, k) }));
        }
        if let Some(after) = t.strip_prefix("+=") {
            let (k, value) = expression(after)?;
            return Ok((k, SetItem::Merge { variable: var, value, span: span_between(s, k) }));
        }
        if t.starts_with('=') && !t.starts_with("=~") {
            let (k, value) = expression(&t[1..])?;
            return Ok((k, SetItem::Replace { variable: var, value, span: span_between(s, k) }));
        }
    }
    let (j, (entity, key)) = property_target(s)?;
    let (j, _) = sym("=", "'='")(j)?;
    let (j, value) = expression(j)?;
    Ok((j, SetItem::Property { entity, key, value, span: span_between(s, j) }))
}

/// `expr.key`, split into the entity expression and the last key.
fn property_target(s: &str) -> PResult<'_, (Expr, crate::query::ast::Ident)> {
    let (j, target) = expression_no_labels(s)?;
    match target.kind {
        ExprKind::Property { expr, key } => Ok((j, (*expr, key))),
        _ => PError::expected(s, "a property such as n.name").error(),
    }
}

/// A postfix-level expression for SET/REMOVE targets: operators and comparisons would swallow
/// the `=` of a SET item, so only an atom with property lookups is read.
fn expression_no_labels(s: &str) -> PResult<'_, Expr> {
    let (i, t) = skip(s)?;
    if at_sym(t, "(") {
        let (j, _) = sym("(", "'('")(t)?;
        let (j, inner) = expression(j)?;
        let (j, _) = sym(")", "')'")(j)?;
        return property_chain(j, inner);
    }
    let (j, var) = variable(i)?;
    let e = Expr::new(ExprKind::Variable(var.name), var.span);
    property_chain(j, e)
}

fn property_chain(mut i: &str, mut e: Expr) -> PResult<'_, Expr> {
    loop {
        let (s, ()) = ws(i)?;
        let Some(after) = s.strip_prefix('.') else {
            note_dot(s);
            return Ok((i, e));
        };
        let (j, key) = symbolic_name(after, "a property key")?;
        let span = Span::new(e.span.start, key.span.end);
        e = Expr::new(ExprKind::Property { expr: Box::new(e), key }, span);
        i = j;
    }
}

fn note_dot(s: &str) {
    super::error::note_expected(s, "'.'");
}

fn remove_clause<'a>(start: &'a str, mut i: &'a str) -> PResult<'a, Clause> {
    let mut items = Vec::new();
    loop {
        let (j, s) = skip(i)?;
        let (j, item) = if at_variable(s) && {
            let (k, _) = variable(s)?;
            at_sym(k, ":")
        } {
            let (k, var) = variable(s)?;
            let (k, labels) = label_list(k)?;
            (k, RemoveItem::Labels { variable: var, labels, span: span_between(s, k) })
        } else {
            let (k, (entity, key)) = property_target(j)?;
            (k, RemoveItem::Property { entity, key, span: span_between(s, k) })
        };
        items.push(item);
        let (j, comma) = opt_sym(j, ",", "','")?;
        i = j;
        if comma.is_none() {
            break;
        }
    }
    Ok((i, Clause::Remove(RemoveClause { items, span: span_between(start, i) })))
}

fn delete_clause<'a>(start: &'a str, i: &'a str, detach: bool) -> PResult<'a, Clause> {
    let (i, exprs) = expression_list(i)?;
    Ok((i, Clause::Delete(DeleteClause { detach, exprs, span: span_between(start, i) })))
}

#[cfg(test)]
mod tests {
    use super::super::lexical::with_source;
    use super::*;

    fn parse(s: &str) -> Query {
        with_source(s, || query(s).map(|(_, q)| q)).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    #[test]
    fn clauses_print_back() {
        for q in [
            "MATCH (a:ArmedGroup)-[:ATTACKED]->(b) WHERE b.name = 'Malian army' RETURN a.name AS attacker ORDER BY attacker DESC SKIP 1 LIMIT 10",
            "OPTIONAL MATCH (n) WITH DISTINCT n, count(*) AS c WHERE c > 1 RETURN *",
            "UNWIND [1, 2] AS x MERGE (n:N {x: x}) ON CREATE SET n.new = true ON MATCH SET n += {seen: 1}, n:Seen",
            "MATCH (n) SET n.a = 1, n = {b: 2}, n:A:B REMOVE n.a, n:B DETACH DELETE n",
            "CREATE (a)-[:R {w: 1}]->(b) RETURN a UNION ALL MATCH (a) RETURN a UNION MATCH (b) RETURN b AS a",
            "EXPLAIN MATCH (n) RETURN n",
            "CALL db.labels",
            "CALL test.my.proc('a', 1 + 2) YIELD *",
            "MATCH (n) CALL test.`my proc`(n.x) YIELD a AS b, c WHERE b > c RETURN b, c",
            "CALL db.labels() YIELD label",
        ] {
            assert_eq!(parse(q).to_string(), q);
        }
    }

    #[test]
    fn clause_spans_end_at_their_last_token() {
        let s = "MATCH (n)  \n  WHERE n.x = 1   // note\n RETURN n.x   ORDER BY n.x  ";
        let q = parse(s);
        let texts: Vec<&str> = q.first.clauses.iter().map(|c| &s[c.span().start..c.span().end]).collect();
        assert_eq!(texts, ["MATCH (n)  \n  WHERE n.x = 1", "RETURN n.x   ORDER BY n.x"]);
    }

    #[test]
    fn item_text_is_the_column_name() {
        let q = parse("RETURN count( * ), n.x   AS y");
        let Clause::Return(r) = &q.first.clauses[0] else { panic!("not a RETURN") };
        assert_eq!(r.projection.items[0].column_name(), "count( * )");
        assert_eq!(r.projection.items[1].column_name(), "y");
    }
}
