//! Graph patterns: comma-separated parts, each an optional path variable `p =`, optionally
//! wrapped in `shortestPath(...)` / `allShortestPaths(...)`, around a chain of node patterns
//! `(v:Label {k: v})` and relationship patterns `-[r:T1|T2*1..3 {k: v}]->` in any direction.
//! Also the lookahead that tells a pattern predicate `(a)-->(b)` from a parenthesised
//! expression `(a) - b`.

use super::error::{PError, PResult};
use super::expressions::{label_list, map_literal};
use super::lexical::{
    at_kw, at_sym, at_variable, kw, opt_sym, parameter, skip, span_between, sym, symbolic_name, unsigned, variable, ws,
};
use crate::query::ast::{
    Direction, Expr, ExprKind, Ident, NodePattern, PathKind, PathPattern, PathStep, Pattern, PatternPart,
    RelationshipPattern, VarLength,
};
use crate::query::span::Span;

/// `part, part, ...`
pub(crate) fn pattern(i: &str) -> PResult<'_, Pattern> {
    let (mut i, first) = pattern_part(i)?;
    let mut span = first.span;
    let mut parts = vec![first];
    loop {
        let (j, comma) = opt_sym(i, ",", "','")?;
        if comma.is_none() {
            return Ok((i, Pattern { parts, span }));
        }
        let (j, part) = pattern_part(j)?;
        span = span.to(part.span);
        parts.push(part);
        i = j;
    }
}

/// `[p =] path`, `[p =] shortestPath(path)` or `[p =] allShortestPaths(path)`.
pub(crate) fn pattern_part(i: &str) -> PResult<'_, PatternPart> {
    let (i, s) = skip(i)?;
    let (i, variable) = if at_variable(s) && !at_path_function(s) {
        let (j, v) = variable(s)?;
        let (j, _) = sym("=", "'='")(j).map_err(|e| e.map(|e| e.help("a path variable is written p = (a)-->(b)")))?;
        (j, Some(v))
    } else {
        (i, None)
    };
    let (i, kind) = if at_kw(i, "shortestPath") {
        (kw("SHORTESTPATH", "'shortestPath'")(i)?.0, PathKind::Shortest)
    } else if at_kw(i, "allShortestPaths") {
        (kw("ALLSHORTESTPATHS", "'allShortestPaths'")(i)?.0, PathKind::AllShortest)
    } else {
        (i, PathKind::Plain)
    };
    let (i, path, end) = if kind == PathKind::Plain {
        let (i, path) = path_pattern(i)?;
        let end = path.span.end;
        (i, path, end)
    } else {
        let (i, _) = sym("(", "'('")(i)?;
        let (i, path) = path_pattern(i)?;
        let (i, close) = sym(")", "')'")(i)?;
        (i, path, close.end)
    };
    let span = Span::new(span_between(s, s).start, end);
    Ok((i, PatternPart { variable, kind, path, span }))
}

fn at_path_function(s: &str) -> bool {
    (at_kw(s, "shortestPath") || at_kw(s, "allShortestPaths")) && {
        let word = s.find('(').map_or(s, |n| &s[n..]);
        word.starts_with('(')
    }
}

/// `(a)-[r]->(b)...`: a node and any number of relationship/node steps.
pub(crate) fn path_pattern(i: &str) -> PResult<'_, PathPattern> {
    let (mut i, start) = node_pattern(i)?;
    let mut steps = Vec::new();
    let mut span = start.span;
    loop {
        let (s, ()) = ws(i)?;
        if !(s.starts_with('-') || s.starts_with("<-")) {
            return Ok((i, PathPattern { start, steps, span }));
        }
        let (j, relationship) = relationship_pattern(s)?;
        let (j, node) = node_pattern(j)?;
        span = span.to(node.span);
        steps.push(PathStep { relationship, node });
        i = j;
    }
}

/// `(v:Label:Other {props})`, every part optional.
pub(crate) fn node_pattern(i: &str) -> PResult<'_, NodePattern> {
    let (i, open) = sym("(", "'('")(i)?;
    let (i, variable) = if at_variable(i) { variable(i).map(|(j, v)| (j, Some(v)))? } else { (i, None) };
    let (i, labels) = if at_sym(i, ":") { label_list(i)? } else { (i, Vec::new()) };
    let (i, properties) = properties(i)?;
    let (i, close) = sym(")", "')'")(i)?;
    Ok((i, NodePattern { variable, labels, properties, span: open.to(close) }))
}

fn properties(i: &str) -> PResult<'_, Option<Expr>> {
    let (i, s) = skip(i)?;
    if s.starts_with('{') {
        let (j, (entries, span)) = map_literal(s)?;
        return Ok((j, Some(Expr::new(ExprKind::Map(entries), span))));
    }
    if s.starts_with('$') {
        let (j, (name, span)) = parameter(s)?;
        return Ok((j, Some(Expr::new(ExprKind::Parameter(name), span))));
    }
    Ok((i, None))
}

/// `-[...]->`, `<-[...]-`, `<-[...]->`, `-[...]-`, with the bracket part optional.
pub(crate) fn relationship_pattern(i: &str) -> PResult<'_, RelationshipPattern> {
    let (_, s) = skip(i)?;
    let (i, left) = if let Some(r) = s.strip_prefix("<-") {
        (r, true)
    } else if let Some(r) = s.strip_prefix('-') {
        (r, false)
    } else {
        return PError::expected(s, "a relationship pattern").error();
    };
    let (i, mut variable, mut types, mut length, mut props) = (i, None, Vec::new(), None, None);
    let (i, open) = opt_sym(i, "[", "'['")?;
    let i = if open.is_some() {
        let (i, v) = if at_variable(i) { variable_opt(i)? } else { (i, None) };
        variable = v;
        let (i, t) = if at_sym(i, ":") { rel_types(i)? } else { (i, Vec::new()) };
        types = t;
        let (i, s2) = skip(i)?;
        if s2.starts_with("..") {
            return PError::custom(s2, 2, "expected '*' before the length bounds, found '..'")
                .detail("InvalidRelationshipPattern")
                .help("a variable-length relationship is written -[:T*1..3]->")
                .failure();
        }
        let (i, l) = if s2.starts_with('*') { var_length(s2).map(|(j, l)| (j, Some(l)))? } else { (i, None) };
        length = l;
        let (i, p) = properties(i)?;
        props = p;
        let (i, _) = sym("]", "']'")(i)?;
        i
    } else {
        i
    };
    let (end_rest, t) = skip(i)?;
    let (rest, right) = if let Some(r) = t.strip_prefix("->") {
        (r, true)
    } else if let Some(r) = t.strip_prefix('-') {
        (r, false)
    } else {
        let _ = end_rest;
        return PError::expected(t, "'-' or '->'").error();
    };
    let direction = match (left, right) {
        (true, true) => Direction::Both,
        (true, false) => Direction::Left,
        (false, true) => Direction::Right,
        (false, false) => Direction::Undirected,
    };
    Ok((
        rest,
        RelationshipPattern { variable, direction, types, length, properties: props, span: span_between(s, rest) },
    ))
}

fn variable_opt(i: &str) -> PResult<'_, Option<Ident>> {
    variable(i).map(|(j, v)| (j, Some(v)))
}

/// `:A|B` or `:A|:B`.
fn rel_types(i: &str) -> PResult<'_, Vec<Ident>> {
    let (mut i, _) = sym(":", "':'")(i)?;
    let mut types = Vec::new();
    loop {
        let (j, name) = symbolic_name(i, "a relationship type")?;
        types.push(name);
        let (j, bar) = opt_sym(j, "|", "'|'")?;
        if bar.is_none() {
            return Ok((j, types));
        }
        let (j, _) = opt_sym(j, ":", "':'")?;
        i = j;
    }
}

/// `*`, `*2`, `*1..3`, `*..3`, `*2..`
fn var_length(s: &str) -> PResult<'_, VarLength> {
    let (i, star) = sym("*", "'*'")(s)?;
    let (i, t) = skip(i)?;
    if t.starts_with('-') {
        return PError::custom(t, 1, "expected a non-negative length after '*', found '-'")
            .detail("InvalidRelationshipPattern")
            .help("variable lengths are written *, *2, *1..3, *..3 or *2..")
            .failure();
    }
    let (i, min) =
        if t.starts_with(|c: char| c.is_ascii_digit()) { unsigned(t).map(|(j, n)| (j, Some(n)))? } else { (i, None) };
    let (i, dots) = opt_sym(i, "..", "'..'")?;
    let (i, max) = if dots.is_some() {
        let (j, u) = skip(i)?;
        if u.starts_with(|c: char| c.is_ascii_digit()) {
            unsigned(u).map(|(k, n)| (k, Some(n)))?
        } else {
            (j, None)
        }
    } else {
        (i, min)
    };
    Ok((i, VarLength { min, max, span: span_between(s, i).to(star) }))
}

/// Whether `s` (starting at `(`) is a pattern: the text after the matching `)` starts a
/// relationship (`-[`, `--`, `->`, `<-[`, `<--`). Strings and nested brackets are skipped.
pub(crate) fn looks_like_pattern(s: &str) -> bool {
    let Some(end) = matching_paren(s) else { return false };
    let Ok((after, ())) = ws(&s[end..]) else { return false };
    let arrow = if let Some(r) = after.strip_prefix("<-") {
        r
    } else if let Some(r) = after.strip_prefix('-') {
        if r.trim_start().starts_with('>') {
            return true;
        }
        r
    } else {
        return false;
    };
    let r = arrow.trim_start();
    r.starts_with('-') || r.starts_with('[')
}

/// The byte index just past the `)` matching the `(` at the start of `s`.
fn matching_paren(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = s.char_indices();
    while let Some((n, c)) = chars.next() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return (c == ')').then_some(n + 1);
                }
            }
            '\'' | '"' | '`' => {
                let quote = c;
                loop {
                    let (_, d) = chars.next()?;
                    if d == '\\' && quote != '`' {
                        chars.next();
                    } else if d == quote {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::lexical::with_source;
    use super::*;

    fn parse(s: &str) -> Pattern {
        with_source(s, || pattern(s).map(|(_, p)| p)).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    #[test]
    fn directions_and_lengths() {
        let p = parse("p = (a:A {x: 1})-[r:T|:U*1..3]->(b)<--(c)--(d)<-[*]->(e)");
        assert_eq!(p.to_string(), "p = (a:A {x: 1})-[r:T|U*1..3]->(b)<--(c)--(d)<-[*]->(e)");
        let dirs: Vec<_> = p.parts[0].path.steps.iter().map(|s| s.relationship.direction).collect();
        assert_eq!(dirs, [Direction::Right, Direction::Left, Direction::Undirected, Direction::Both]);
        let len = p.parts[0].path.steps[0].relationship.length.unwrap();
        assert_eq!((len.min, len.max), (Some(1), Some(3)));
    }

    #[test]
    fn shortest_paths_and_parameters() {
        let p = parse("sp = shortestPath((a)-[*..5]-(b)), (n $props)");
        assert_eq!(p.parts[0].kind, PathKind::Shortest);
        assert_eq!(p.to_string(), "sp = shortestPath((a)-[*..5]-(b)), (n $props)");
    }

    #[test]
    fn bad_lengths_are_diagnosed() {
        for s in ["(a)-[:LIKES..]->(c)", "(a)-[:LIKES*-2]->(c)"] {
            let err = with_source(s, || pattern(s).err());
            assert!(
                matches!(err, Some(nom::Err::Failure(e)) if e.detail_code() == Some("InvalidRelationshipPattern")),
                "{s}"
            );
        }
    }

    #[test]
    fn lookahead() {
        assert!(looks_like_pattern("(a)-->(b)"));
        assert!(looks_like_pattern("(a)<-[:R]-(b)"));
        assert!(!looks_like_pattern("(a) - (b)"));
        assert!(!looks_like_pattern("(a ')')"));
    }
}
