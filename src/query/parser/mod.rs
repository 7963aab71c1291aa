//! The Cypher parser: query text → [`ast::Query`](crate::query::ast::Query), built with nom 8.
//!
//! Split by area: [`lexical`] (whitespace, comments, names, literals), [`expressions`]
//! (precedence climbing), [`patterns`] and [`clauses`]. Parsers return an internal error type
//! ([`error`]) that records what was expected; [`parse_query`] and [`parse_literal`] convert it
//! once into a [`QueryError`] of kind `SyntaxError` with a span, an `expected …, found …`
//! message, the TCK detail code where one applies, and a help line for frequent slips.
//! [`split_statements`] cuts scripts at `;` without parsing them.
//!
//! This module checks syntax only: variables, functions and types are the binder's business.
//! Syntax includes two placement rules of openCypher's grammar that the TCK reports as
//! `UnexpectedSyntax`: a pattern is a value only as a predicate (not a RETURN/WITH item, not a
//! function argument other than exists()'s), and `YIELD *` only ends a standalone CALL.

mod clauses;
mod depth;
mod error;
pub(crate) use error::edit_distance;
mod expressions;
mod lexical;
mod patterns;

use super::ast::{ExprKind, Literal, Query, UnaryOp};
use super::error::{ErrorKind, QueryError};
use super::span::Span;
use crate::graph::Value;

use error::{reset_furthest, to_query_error, PError};
use lexical::{opt_sym, with_source, ws};

/// Parses one Cypher statement, optionally followed by `;`.
///
/// ```
/// let q = kgraph::query::parse_query("MATCH (n:ArmedGroup) RETURN n.name").unwrap();
/// assert_eq!(q.to_string(), "MATCH (n:ArmedGroup) RETURN n.name");
/// ```
///
/// # Errors
/// A [`ErrorKind::SyntaxError`] pointing at the first token that does not fit, with the TCK
/// detail code (`UnexpectedSyntax`, `InvalidNumberLiteral`, `IntegerOverflow`, ...).
pub fn parse_query(text: &str) -> Result<Query, QueryError> {
    with_source(text, || {
        reset_furthest();
        let result = (|| {
            let (i, q) = clauses::query(text)?;
            let (i, _) = opt_sym(i, ";", "';'")?;
            let (i, ()) = ws(i)?;
            if !i.is_empty() {
                return PError::expected(i, "end of input").error();
            }
            Ok((i, q))
        })();
        match result {
            Ok((_, q)) => Ok(q),
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(to_query_error(text, e)),
            Err(nom::Err::Incomplete(_)) => Err(QueryError::new(ErrorKind::SyntaxError, "unexpected end of input")),
        }
    })
}

/// Parses a Cypher literal (`42`, `-1.5`, `'JNIM'`, `[1, 2]`, `{k: 1}`, `null`, `true`) as used
/// by `--param` and the shell's `:param`.
///
/// # Errors
/// A [`ErrorKind::SyntaxError`] when the text is not a literal (or not valid Cypher at all).
pub fn parse_literal(text: &str) -> Result<Value, QueryError> {
    with_source(text, || {
        reset_furthest();
        let result = (|| {
            let (i, e) = expressions::expression(text)?;
            let (i, ()) = ws(i)?;
            if !i.is_empty() {
                return PError::expected(i, "end of input").error();
            }
            Ok((i, e))
        })();
        match result {
            Ok((_, e)) => literal_value(&e),
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(to_query_error(text, e)),
            Err(nom::Err::Incomplete(_)) => Err(QueryError::new(ErrorKind::SyntaxError, "unexpected end of input")),
        }
    })
}

fn literal_value(e: &super::ast::Expr) -> Result<Value, QueryError> {
    match &e.kind {
        ExprKind::Literal(l) => Ok(match l {
            Literal::Null => Value::Null,
            Literal::Bool(b) => Value::Bool(*b),
            Literal::Int(i) => Value::Int(*i),
            Literal::Float(f) => Value::Float(*f),
            Literal::String(s) => Value::String(s.clone()),
        }),
        ExprKind::Unary { op: UnaryOp::Neg, expr } => match literal_value(expr)? {
            Value::Int(i) => Ok(Value::Int(i.wrapping_neg())),
            Value::Float(f) => Ok(Value::Float(-f)),
            _ => Err(not_literal(e)),
        },
        ExprKind::List(items) => items.iter().map(literal_value).collect::<Result<_, _>>().map(Value::List),
        ExprKind::Map(entries) => entries
            .iter()
            .map(|(k, v)| literal_value(v).map(|v| (k.name.clone(), v)))
            .collect::<Result<_, _>>()
            .map(Value::Map),
        // Temporal literals: `date('2024-09-17')`, `duration({days: 3})`, as the Cypher export
        // writes them.
        ExprKind::FunctionCall { name, distinct: false, args } if args.len() == 1 => {
            let lname = name.name.to_lowercase();
            if !super::functions::temporal::is_constructor(&lname) {
                return Err(not_literal(e));
            }
            let arg = literal_value(&args[0])?;
            super::functions::temporal::call(&lname, &[arg]).map_err(|err| err.with_span(e.span))
        }
        _ => Err(not_literal(e)),
    }
}

fn not_literal(e: &super::ast::Expr) -> QueryError {
    QueryError::new(
        ErrorKind::SyntaxError,
        "expected a literal (number, string, boolean, null, list or map), found an expression",
    )
    .with_detail("UnexpectedSyntax")
    .with_span(e.span)
    .with_help("parameter values are literals such as 42, 'JNIM', [1, 2], {k: 1} or date('2024-09-17')")
}

/// Splits a script into statements at `;` outside strings, backtick names and comments,
/// returning each statement's byte span (trimmed, without the `;`). Statements holding only
/// whitespace and comments are skipped.
pub fn split_statements(script: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let bytes = script.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let push = |from: usize, to: usize, spans: &mut Vec<Span>| {
        let text = &script[from..to];
        let only_comments = matches!(ws(text), Ok((rest, ())) if rest.trim().is_empty());
        if !only_comments {
            let lead = text.len() - text.trim_start().len();
            let trail = text.len() - text.trim_end().len();
            spans.push(Span::new(from + lead, to - trail));
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b';' => {
                push(start, i, &mut spans);
                start = i + 1;
                i += 1;
            }
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += if bytes[i] == b'\\' && q != b'`' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    push(start, script.len(), &mut spans);
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(q: &str) -> QueryError {
        parse_query(q).expect_err(q)
    }

    #[test]
    fn tricky_expressions_print_canonically() {
        for (input, printed) in [
            ("RETURN 1 - -1, - -x, -(-1), 2 ^ -1, -2 ^ 2", "RETURN 1 - -1, - -x, - -1, 2 ^ -1, -2 ^ 2"),
            (
                "RETURN NOT NOT a, a = (NOT b), (a = b) = c, a < b < c",
                "RETURN NOT NOT a, a = (NOT b), (a = b) = c, a < b < c",
            ),
            (
                "RETURN n.end, n:`Order`:Person, {`end`: 1, ``: 2}, `match`",
                "RETURN n.end, n:Order:Person, {end: 1, ``: 2}, `match`",
            ),
            ("RETURN exists(n.x), `case`(1), $`a b`, $0", "RETURN exists(n.x), `case`(1), $`a b`, $0"),
            ("return (n)-->() and not (n)<-[:R*2]-(:A)", "RETURN (n)-->() AND NOT (n)<-[:R*2]-(:A)"),
            (
                "RETURN [x IN l | x][1..], l[..-1], n.a IS NULL = true",
                "RETURN [x IN l | x][1..], l[..-1], n.a IS NULL = true",
            ),
            (
                "MATCH (n) WHERE exists { match (n)-->(m) where m.x = 1 } RETURN n {.name, .*, k: [p = (n)--() WHERE true | p]}",
                "MATCH (n) WHERE EXISTS { (n)-->(m) WHERE m.x = 1 } RETURN n {.name, .*, k: [p = (n)--() WHERE true | p]}",
            ),
            (
                "RETURN case n.x when 1 then 'a' else 'b' end, single(x in l where x), none(x IN [] WHERE x)",
                "RETURN CASE n.x WHEN 1 THEN 'a' ELSE 'b' END, single(x IN l WHERE x), none(x IN [] WHERE x)",
            ),
            ("PROFILE MATCH p=allShortestPaths((a)-[:R|S*]->(b)) RETURN p", "PROFILE MATCH p = allShortestPaths((a)-[:R|S*]->(b)) RETURN p"),
            (
                "RETURN 'it\\'s', \"say \\\"hi\\\"\", 1.0e-3, 0o17, 0xff",
                "RETURN 'it\\'s', 'say \"hi\"', 0.001, 15, 255",
            ),
        ] {
            let q = parse_query(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(q.to_string(), printed, "{input}");
            let again = parse_query(printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
            assert_eq!(again.to_string(), printed);
        }
    }

    #[test]
    fn patterns_stand_only_where_a_predicate_may() {
        for (query, at, message) in [
            ("MATCH (n) RETURN (n)-[]->()", "(n)-[]->()", "a pattern cannot be projected as a value"),
            ("MATCH (n) WITH (n)-[]->() AS x RETURN x", "(n)-[]->()", "a pattern cannot be projected as a value"),
            ("MATCH (n) RETURN n, ((n)-->(:A)) AS p", "(n)-->(:A)", "a pattern cannot be projected as a value"),
            (
                "MATCH (n) SET n.prop = head(nodes(head((n)-[:REL]->()))).foo",
                "(n)-[:REL]->()",
                "head() cannot take a pattern as an argument",
            ),
            ("MATCH (n) RETURN coalesce(n.x, (n)--())", "(n)--()", "coalesce() cannot take a pattern as an argument"),
            ("MATCH (n) RETURN size((n)-->())", "(n)-->()", "expected a list or string in size(), found a pattern"),
        ] {
            let e = err(query);
            assert_eq!(e.message, message, "{query}");
            assert_eq!(e.detail, Some("UnexpectedSyntax"), "{query}");
            let span = e.span.unwrap_or_else(|| panic!("{query}: no span"));
            assert_eq!(&query[span.start..span.end], at, "{query}");
            assert!(e.help.is_some_and(|h| h.contains("exists(") || h.contains("size([")), "{query}");
        }
        for query in [
            "MATCH (n) WHERE (n)-->() RETURN n",
            "MATCH (n) RETURN exists((n)-->()), (n)-->() AND true, NOT (n)-->() AS lonely",
            "MATCH (n) RETURN [p = (n)-->() | p] AS paths",
        ] {
            assert!(parse_query(query).is_ok(), "{query}");
        }
    }

    #[test]
    fn yield_star_only_in_a_standalone_call() {
        let query = "CALL test.my.proc('Stefan', 1) YIELD *\nRETURN city, country_code";
        let e = err(query);
        assert_eq!(e.message, "YIELD * is only allowed in a standalone CALL");
        assert_eq!(e.detail, Some("UnexpectedSyntax"));
        let span = e.span.expect("span");
        assert_eq!(&query[span.start..span.end], "*");
        assert!(e.first_line("<query>", query).starts_with("<query>:1:38"), "{}", e.first_line("<query>", query));
        assert!(e.help.is_some_and(|h| h.contains("YIELD a, b")));
        assert!(err("MATCH (n) CALL db.labels() YIELD * RETURN n").message.contains("standalone"));
        for query in [
            "CALL test.my.proc('Stefan', 1) YIELD *",
            "CALL db.labels() YIELD *;",
            "CALL db.labels() YIELD label RETURN label",
        ] {
            assert!(parse_query(query).is_ok(), "{query}");
        }
    }

    #[test]
    fn statements_split_outside_strings_and_comments() {
        let s = "MATCH (n) RETURN ';' ; // a; comment\n ; RETURN `a;b` /* ; */;  ";
        let parts: Vec<&str> = split_statements(s).iter().map(|sp| &s[sp.start..sp.end]).collect();
        assert_eq!(parts, ["MATCH (n) RETURN ';'", "RETURN `a;b` /* ; */"]);
    }

    #[test]
    fn literals_for_parameters() {
        assert_eq!(parse_literal("-42").unwrap().as_int(), Some(-42));
        assert_eq!(parse_literal("'JNIM'").unwrap().as_str(), Some("JNIM"));
        assert!(matches!(parse_literal("[1, -2.5, null]").unwrap(), Value::List(v) if v.len() == 3));
        assert!(matches!(parse_literal("{k: 1, `a b`: [true]}").unwrap(), Value::Map(m) if m.len() == 2));
        assert!(parse_literal("n.x").is_err());
        assert!(parse_literal("1 +").is_err());
    }

    #[test]
    fn errors_say_expected_and_found() {
        let e = err("MATCH (n RETURN n");
        assert_eq!(e.message, "expected ')', found 'RETURN'");
        let e = err("SELECT * FROM t");
        assert!(e.help.unwrap().contains("MATCH"));
        assert_eq!(err("RETURN 0x").detail, Some("InvalidNumberLiteral"));
        assert_eq!(err("RETURN 42 \u{2014} 41").detail, Some("InvalidUnicodeCharacter"));
        assert!(err("MATCH (n)").message.starts_with("expected RETURN"));
        assert!(err("RETURN {a = 1}").help.unwrap().contains("':'"));
    }
}
