//! Lexical pieces of Cypher: whitespace and comments, keywords (case-insensitive), symbols,
//! identifiers (plain Unicode ones such as Arabic names, and backtick-quoted ones), string and
//! number literals, and parameters. Every token parser skips leading whitespace and comments
//! first, so a token's span starts at its first character.
//!
//! Positions: nom's `&str` input carries no offset, so the parse entry point registers the
//! source text with [`with_source`] and [`pos`] turns any remaining input into a byte offset.

use std::cell::Cell;

use super::error::{note_expected, PError, PResult};
use crate::query::ast::{is_ident_continue, is_ident_start, is_reserved_word, Ident, Literal};
use crate::query::span::Span;

thread_local! {
    static BASE: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
}

/// Runs `f` with `source` registered as the text that [`pos`] measures offsets in.
pub(crate) fn with_source<T>(source: &str, f: impl FnOnce() -> T) -> T {
    let previous = BASE.with(|b| b.replace((source.as_ptr() as usize, source.len())));
    let out = f();
    BASE.with(|b| b.set(previous));
    out
}

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// How deeply expressions may nest before the parser gives up (instead of overflowing the
/// stack on hostile input such as ten thousand `(`).
pub(crate) const MAX_DEPTH: usize = 80;

/// Holds one level of nesting; dropping it releases the level.
pub(crate) struct DepthGuard(());

impl Drop for DepthGuard {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Enters one level of expression nesting at `i`, failing past [`MAX_DEPTH`].
pub(crate) fn enter(i: &str) -> Result<DepthGuard, nom::Err<PError<'_>>> {
    let depth = DEPTH.with(|d| {
        let n = d.get() + 1;
        d.set(n);
        n
    });
    let guard = DepthGuard(());
    if depth > MAX_DEPTH {
        return Err(nom::Err::Failure(
            PError::custom(i, 1, format!("expected at most {MAX_DEPTH} levels of nesting, found more"))
                .help("split the expression, e.g. with WITH clauses"),
        ));
    }
    Ok(guard)
}

/// The byte offset of `rest` (a suffix of the registered source) in the source.
pub(crate) fn pos(rest: &str) -> usize {
    let (base, len) = BASE.with(Cell::get);
    (rest.as_ptr() as usize).wrapping_sub(base).min(len)
}

/// The span from the start of `from` (a suffix of the source) to the start of `to`.
pub(crate) fn span_between(from: &str, to: &str) -> Span {
    Span::new(pos(from), pos(to))
}

/// Skips whitespace, `// line` and `/* block */` comments.
///
/// Fails (unrecoverably) on a block comment that is never closed.
pub(crate) fn ws(mut i: &str) -> PResult<'_, ()> {
    // Fast path: most tokens follow a token or a single space.
    match i.as_bytes() {
        [b, ..] if !b.is_ascii_whitespace() && *b != b'/' && b.is_ascii() => return Ok((i, ())),
        [b' ', b, ..] if !b.is_ascii_whitespace() && *b != b'/' && b.is_ascii() => return Ok((&i[1..], ())),
        _ => {}
    }
    loop {
        let trimmed = i.trim_start();
        if let Some(rest) = trimmed.strip_prefix("//") {
            i = rest.find('\n').map_or("", |n| &rest[n..]);
        } else if let Some(rest) = trimmed.strip_prefix("/*") {
            match rest.find("*/") {
                Some(n) => i = &rest[n + 2..],
                None => {
                    return PError::custom(trimmed, 2, "expected '*/' to close the comment, found end of input")
                        .help("close the block comment with */")
                        .failure()
                }
            }
        } else {
            return Ok((trimmed, ()));
        }
    }
}

/// Skips whitespace and returns the remaining input (which starts at the next token).
pub(crate) fn skip(i: &str) -> PResult<'_, &str> {
    let (i, ()) = ws(i)?;
    Ok((i, i))
}

/// Whether the text at `i` (after whitespace) starts with keyword `word`, without consuming.
pub(crate) fn at_kw(i: &str, word: &str) -> bool {
    let Ok((i, ())) = ws(i) else { return false };
    matches_kw(i, word)
}

/// Whether `i` (already past whitespace) starts with keyword `word`.
pub(crate) fn matches_kw(i: &str, word: &str) -> bool {
    i.len() >= word.len()
        && i.as_bytes()[..word.len()].eq_ignore_ascii_case(word.as_bytes())
        && !i[word.len()..].chars().next().is_some_and(is_ident_continue)
}

/// The keyword `word` (upper case, ASCII), case-insensitive, not followed by an identifier
/// character. `label` names it in error messages, e.g. `"'WHERE'"`.
pub(crate) fn kw<'a>(word: &'static str, label: &'static str) -> impl Fn(&'a str) -> PResult<'a, Span> {
    move |i| {
        let (i, ()) = ws(i)?;
        if matches_kw(i, word) {
            let rest = &i[word.len()..];
            Ok((rest, span_between(i, rest)))
        } else {
            PError::expected(i, label).error()
        }
    }
}

/// The symbol `s` after whitespace; `label` names it in messages (e.g. `"')'"`).
pub(crate) fn sym<'a>(s: &'static str, label: &'static str) -> impl Fn(&'a str) -> PResult<'a, Span> {
    move |i| {
        let (i, ()) = ws(i)?;
        match i.strip_prefix(s) {
            Some(rest) => Ok((rest, span_between(i, rest))),
            None => PError::expected(i, label).error(),
        }
    }
}

/// Whether symbol `s` comes next (after whitespace), without consuming or recording.
pub(crate) fn at_sym(i: &str, s: &str) -> bool {
    ws(i).is_ok_and(|(i, ())| i.starts_with(s))
}

/// Consumes symbol `s` if it comes next; records the expectation otherwise.
pub(crate) fn opt_sym<'a>(input: &'a str, s: &'static str, label: &'static str) -> PResult<'a, Option<Span>> {
    let (i, ()) = ws(input)?;
    match i.strip_prefix(s) {
        Some(rest) => Ok((rest, Some(span_between(i, rest)))),
        None => {
            note_expected(i, label);
            // Leave the whitespace in place, so spans end at the last token.
            Ok((input, None))
        }
    }
}

/// Consumes keyword `word` if it comes next; records the expectation otherwise.
pub(crate) fn opt_kw<'a>(input: &'a str, word: &'static str, label: &'static str) -> PResult<'a, Option<Span>> {
    let (i, ()) = ws(input)?;
    if matches_kw(i, word) {
        let rest = &i[word.len()..];
        Ok((rest, Some(span_between(i, rest))))
    } else {
        note_expected(i, label);
        Ok((input, None))
    }
}

/// Any name: plain identifier (reserved words included) or backtick-quoted. For labels,
/// relationship types, property keys, map keys and function names.
pub(crate) fn symbolic_name<'a>(i: &'a str, label: &'static str) -> PResult<'a, Ident> {
    let (i, ()) = ws(i)?;
    if let Some(body) = i.strip_prefix('`') {
        let mut name = String::new();
        let mut chars = body.char_indices();
        while let Some((n, c)) = chars.next() {
            if c == '`' {
                if body[n + 1..].starts_with('`') {
                    name.push('`');
                    chars.next();
                } else {
                    let rest = &body[n + 1..];
                    return Ok((rest, Ident::new(name, span_between(i, rest))));
                }
            } else {
                name.push(c);
            }
        }
        return PError::custom(i, 1, "expected a closing '`' for the quoted name, found end of input")
            .help("close the name with a backtick: `name`")
            .failure();
    }
    let mut chars = i.char_indices();
    match chars.next() {
        Some((_, c)) if is_ident_start(c) => {
            let end = chars.find(|&(_, c)| !is_ident_continue(c)).map_or(i.len(), |(n, _)| n);
            let rest = &i[end..];
            Ok((rest, Ident::new(&i[..end], span_between(i, rest))))
        }
        _ => PError::expected(i, label).error(),
    }
}

/// A variable name: like [`symbolic_name`] but an unquoted reserved word is refused.
pub(crate) fn variable(i: &str) -> PResult<'_, Ident> {
    let (i, ()) = ws(i)?;
    let (rest, name) = symbolic_name(i, "a variable")?;
    if !i.starts_with('`') && is_reserved_word(&name.name) {
        return PError::expected(i, "a variable").error();
    }
    Ok((rest, name))
}

/// Whether a plain identifier (not a reserved word) or a backtick name comes next.
pub(crate) fn at_variable(i: &str) -> bool {
    let Ok((i, ())) = ws(i) else { return false };
    if i.starts_with('`') {
        return true;
    }
    let mut chars = i.chars();
    if !chars.next().is_some_and(is_ident_start) {
        return false;
    }
    let end = i.char_indices().find(|&(_, c)| !is_ident_continue(c)).map_or(i.len(), |(n, _)| n);
    !is_reserved_word(&i[..end])
}

/// A single- or double-quoted string literal with escapes `\' \" \\ \n \t \r \b \f \uXXXX
/// \UXXXXXXXX`.
pub(crate) fn string_literal(i: &str) -> PResult<'_, (String, Span)> {
    let (i, ()) = ws(i)?;
    let Some(quote) = i.chars().next().filter(|c| *c == '\'' || *c == '"') else {
        return PError::expected(i, "a string").error();
    };
    let body = &i[1..];
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((n, c)) = chars.next() {
        if c == quote {
            let rest = &body[n + 1..];
            return Ok((rest, (out, span_between(i, rest))));
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let esc_at = &body[n..];
        let Some((_, e)) = chars.next() else { break };
        match e {
            '\'' | '"' | '\\' => out.push(e),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'u' | 'U' => {
                let digits = if e == 'u' { 4 } else { 8 };
                let hex: String = esc_at[2..].chars().take(digits).collect();
                let valid = hex.len() == digits && hex.chars().all(|c| c.is_ascii_hexdigit());
                let ch = if valid { u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) } else { None };
                match ch {
                    Some(ch) => {
                        out.push(ch);
                        for _ in 0..digits {
                            chars.next();
                        }
                    }
                    None => {
                        let hex_run = esc_at[2..].chars().take(digits).take_while(char::is_ascii_hexdigit).count();
                        let bad = esc_at[2 + hex_run..].chars().next().map_or(0, char::len_utf8);
                        let len = 2 + hex_run + if hex_run < digits { bad } else { 0 };
                        return PError::custom(
                            esc_at,
                            len,
                            format!(
                                "expected {digits} hex digits of a Unicode code point after \\{e}, found '{}'",
                                &esc_at[2..len]
                            ),
                        )
                        .detail("InvalidUnicodeLiteral")
                        .help(format!("write a code point as \\{e}{}", if e == 'u' { "00E9" } else { "0001F600" }))
                        .failure();
                    }
                }
            }
            other => {
                let len = 1 + other.len_utf8();
                return PError::custom(esc_at, len, format!("expected an escape sequence after '\\', found '{other}'"))
                    .help("valid escapes are \\' \\\" \\\\ \\n \\t \\r \\b \\f \\uXXXX; write \\\\ for a backslash")
                    .failure();
            }
        }
    }
    PError::custom(i, 1, format!("expected a closing {quote} for the string, found end of input"))
        .help(format!("close the string with {quote}"))
        .failure()
}

/// A number literal; `negative` when a `-` sign was folded into it (so `-9223372036854775808`
/// fits). Hex `0x…`, octal `0o…`, decimal integers, and floats with `.` and/or an exponent.
pub(crate) fn number_literal(i: &str, negative: bool) -> PResult<'_, (Literal, Span)> {
    let (i, ()) = ws(i)?;
    let bytes = i.as_bytes();
    let starts_number = match bytes.first() {
        Some(b) if b.is_ascii_digit() => true,
        Some(b'.') => bytes.get(1).is_some_and(u8::is_ascii_digit),
        _ => false,
    };
    if !starts_number {
        return PError::expected(i, "a number").error();
    }
    let sign = if negative { "-" } else { "" };
    let radix_prefix = if bytes.len() >= 2 && bytes[0] == b'0' {
        match bytes[1] {
            b'x' | b'X' => Some(16),
            b'o' | b'O' => Some(8),
            _ => None,
        }
    } else {
        None
    };
    if let Some(radix) = radix_prefix {
        let word_end = word_end(i);
        let digits = &i[2..word_end];
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return invalid_number(i, word_end);
        }
        let rest = &i[word_end..];
        let value = u128::from_str_radix(digits, radix).ok();
        return int_value(i, rest, value, negative, sign);
    }
    let mut end = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut is_float = false;
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        is_float = true;
        end += 1;
        end += bytes[end..].iter().take_while(|b| b.is_ascii_digit()).count();
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut e = end + 1;
        if matches!(bytes.get(e), Some(b'+' | b'-')) {
            e += 1;
        }
        let exp_digits = bytes[e.min(bytes.len())..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp_digits == 0 {
            return invalid_number(i, word_end(i));
        }
        is_float = true;
        end = e + exp_digits;
    }
    if i[end..].chars().next().is_some_and(is_ident_continue) {
        return invalid_number(i, word_end(i));
    }
    let rest = &i[end..];
    let text = &i[..end];
    if is_float {
        let value: f64 = match format!("{sign}{text}").parse() {
            Ok(v) => v,
            Err(_) => return invalid_number(i, end),
        };
        if value.is_infinite() {
            return PError::custom(
                i,
                end,
                format!("expected a float literal within the 64-bit range, found {sign}{text}"),
            )
            .detail("FloatingPointOverflow")
            .failure();
        }
        return Ok((rest, (Literal::Float(value), span_between(i, rest))));
    }
    let value = if text.len() > 39 { None } else { text.parse::<u128>().ok() };
    int_value(i, rest, value, negative, sign)
}

fn word_end(i: &str) -> usize {
    i.char_indices().find(|&(_, c)| !(is_ident_continue(c) || c == '.')).map_or(i.len(), |(n, _)| n)
}

fn invalid_number(i: &str, end: usize) -> PResult<'_, (Literal, Span)> {
    let end = end.max(1);
    PError::custom(i, end, format!("expected a number literal, found '{}'", crate::graph::clip(&i[..end])))
        .detail("InvalidNumberLiteral")
        .help("numbers are decimal (42, 1.5, 2e3), hexadecimal (0x2A) or octal (0o52); names cannot start with a digit")
        .failure()
}

fn int_value<'a>(
    i: &'a str,
    rest: &'a str,
    magnitude: Option<u128>,
    negative: bool,
    sign: &str,
) -> PResult<'a, (Literal, Span)> {
    let value = magnitude.and_then(|m| {
        let m = i128::try_from(m).ok()?;
        i64::try_from(if negative { -m } else { m }).ok()
    });
    match value {
        Some(v) => Ok((rest, (Literal::Int(v), span_between(i, rest)))),
        None => {
            let len = i.len() - rest.len();
            PError::custom(i, len, format!("expected an integer within the 64-bit range, found {sign}{}", &i[..len]))
                .detail("IntegerOverflow")
                .help("integers range from -9223372036854775808 to 9223372036854775807; write a float (e.g. 1e19) for larger numbers")
                .failure()
        }
    }
}

/// An unsigned decimal integer, as in variable-length bounds `*1..3`.
pub(crate) fn unsigned(i: &str) -> PResult<'_, u64> {
    let (i, ()) = ws(i)?;
    let end = i.bytes().take_while(u8::is_ascii_digit).count();
    if end == 0 {
        return PError::expected(i, "a number").error();
    }
    match i[..end].parse() {
        Ok(v) => Ok((&i[end..], v)),
        Err(_) => PError::custom(
            i,
            end,
            format!("expected a length within the 64-bit range, found {}", crate::graph::clip(&i[..end])),
        )
        .detail("IntegerOverflow")
        .failure(),
    }
}

/// A parameter `$name`, `$0` or `` $`quoted` ``; returns the name without `$`.
pub(crate) fn parameter(i: &str) -> PResult<'_, (String, Span)> {
    let (i, ()) = ws(i)?;
    let Some(after) = i.strip_prefix('$') else {
        return PError::expected(i, "a parameter").error();
    };
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        let rest = &after[digits..];
        return Ok((rest, (after[..digits].to_string(), span_between(i, rest))));
    }
    if after.starts_with(char::is_whitespace) {
        return PError::expected(after, "a parameter name").failure();
    }
    let (rest, name) = symbolic_name(after, "a parameter name")?;
    Ok((rest, (name.name, span_between(i, rest))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Result<Literal, Option<&'static str>> {
        with_source(s, || match number_literal(s, false) {
            Ok((_, (l, _))) => Ok(l),
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(e.detail_code()),
            Err(nom::Err::Incomplete(_)) => Err(None),
        })
    }

    #[test]
    fn numbers_in_all_bases() {
        assert_eq!(lit("42"), Ok(Literal::Int(42)));
        assert_eq!(lit("0x1A2b3c4D5E6f7"), Ok(Literal::Int(460_367_961_908_983)));
        assert_eq!(lit("0o17"), Ok(Literal::Int(15)));
        assert_eq!(lit("1.5e3"), Ok(Literal::Float(1500.0)));
        assert_eq!(lit(".5"), Ok(Literal::Float(0.5)));
        assert_eq!(lit("0x"), Err(Some("InvalidNumberLiteral")));
        assert_eq!(lit("9223372h54775808"), Err(Some("InvalidNumberLiteral")));
        assert_eq!(lit("9223372036854775808"), Err(Some("IntegerOverflow")));
        assert_eq!(lit("1.34E999"), Err(Some("FloatingPointOverflow")));
        let s = "9223372036854775808";
        let neg = with_source(s, || number_literal(s, true).map(|(_, (l, _))| l).ok());
        assert_eq!(neg, Some(Literal::Int(i64::MIN)));
    }

    #[test]
    fn strings_resolve_escapes() {
        let s = r"'a\'b\n\u00e9\\'";
        let out = with_source(s, || string_literal(s).map(|(_, (v, _))| v).ok());
        assert_eq!(out.as_deref(), Some("a'b\né\\"));
        let bad = r"'\uH'";
        let err = with_source(bad, || string_literal(bad).err());
        assert!(matches!(err, Some(nom::Err::Failure(e)) if e.detail_code() == Some("InvalidUnicodeLiteral")));
    }

    #[test]
    fn comments_and_names() {
        let s = "  // line\n /* block */ `we``ird` جنيم";
        with_source(s, || {
            let (rest, name) = symbolic_name(s, "a name").unwrap();
            assert_eq!(name.name, "we`ird");
            let (_, arabic) = variable(rest).unwrap();
            assert_eq!(arabic.name, "جنيم");
        });
        assert!(with_source("MATCH", || variable("MATCH").is_err()));
    }
}
