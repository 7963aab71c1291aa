//! The aligned table of the shell and `kg query`: a cypher-shell style box whose columns are
//! aligned by display width (so Arabic and wide characters line up), values in Cypher notation,
//! numbers right-aligned, and a footer with the row count, the changes made and the time taken.

use std::fmt::Write as _;
use std::io;
use std::time::Duration;

use unicode_width::UnicodeWidthStr;

use crate::graph::Value;
use crate::query::{QueryResult, QueryStats};

/// Writes `result` as a table, then the footer. A result without columns (a write without
/// `RETURN`) prints only the footer; an `EXPLAIN`/`PROFILE` plan is printed before the table.
///
/// # Errors
/// Any error of the writer.
pub fn write_table(out: &mut dyn io::Write, result: &QueryResult, elapsed: Option<Duration>) -> io::Result<()> {
    write_table_fit(out, result, elapsed, None)
}

/// The narrowest a column is cut to when a table does not fit the terminal.
const MIN_COLUMN: usize = 6;

/// As [`write_table`], cutting the widest columns' cells with `…` until the table fits
/// `max_width` columns (or every column is down to a few characters).
///
/// # Errors
/// Any error of the writer.
pub fn write_table_fit(
    out: &mut dyn io::Write,
    result: &QueryResult,
    elapsed: Option<Duration>,
    max_width: Option<usize>,
) -> io::Result<()> {
    if let Some(plan) = &result.plan {
        writeln!(out, "{}", plan.trim_end())?;
    }
    // EXPLAIN returns a plan and no rows: the plan is the answer, an empty table adds nothing.
    let explain_only = result.plan.is_some() && result.rows.is_empty();
    let mut cut = false;
    if !result.columns.is_empty() && !explain_only {
        let mut cells: Vec<Vec<String>> =
            result.rows.iter().map(|row| row.iter().map(Value::to_string).collect()).collect();
        let mut widths: Vec<usize> = result.columns.iter().map(|c| c.width()).collect();
        for row in &cells {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        let cap = max_width.and_then(|m| column_cap(&widths, m));
        if let Some(cap) = cap {
            for row in &mut cells {
                for cell in row.iter_mut() {
                    cut |= cell.width() > cap;
                    *cell = cut_to_width(cell, cap);
                }
            }
            for w in &mut widths {
                *w = (*w).min(cap);
            }
        }
        let columns: Vec<String> = match cap {
            Some(cap) => result.columns.iter().map(|c| cut_to_width(c, cap)).collect(),
            None => result.columns.clone(),
        };
        let rule = rule_line(&widths);
        writeln!(out, "{rule}")?;
        let header: Vec<(&str, bool)> = columns.iter().map(|c| (c.as_str(), false)).collect();
        writeln!(out, "{}", row_line(&widths, &header))?;
        writeln!(out, "{rule}")?;
        for (row, values) in cells.iter().zip(&result.rows) {
            let line: Vec<(&str, bool)> = row
                .iter()
                .zip(values)
                .map(|(c, v)| (c.as_str(), matches!(v, Value::Int(_) | Value::Float(_))))
                .collect();
            writeln!(out, "{}", row_line(&widths, &line))?;
        }
        writeln!(out, "{rule}")?;
    }
    writeln!(out, "{}", footer(result, elapsed))?;
    if cut {
        writeln!(out, "{CUT_NOTE}")?;
    }
    Ok(())
}

/// Said under a table whose values were cut to fit the terminal.
pub const CUT_NOTE: &str = "values cut to fit the terminal: the vertical format wraps them (\\x, --format vertical)";

/// The most lines a value takes in the vertical format before it is cut with `…`.
const VERTICAL_LINES: usize = 100;

/// Writes `result` as psql's expanded display: a `-[ RECORD n ]-` line per row, then one
/// `column | value` line per column. With a `max_width` (a terminal's), a wide value wraps onto
/// further `  | …` lines, up to [`VERTICAL_LINES`] of them, the last one cut with `…`.
///
/// # Errors
/// Any error of the writer.
pub fn write_vertical(
    out: &mut dyn io::Write,
    result: &QueryResult,
    elapsed: Option<Duration>,
    max_width: Option<usize>,
) -> io::Result<()> {
    if let Some(plan) = &result.plan {
        writeln!(out, "{}", plan.trim_end())?;
    }
    let name_width = result.columns.iter().map(|c| c.width()).max().unwrap_or(0);
    let value_width = max_width.map(|m| m.saturating_sub(name_width + 3).max(MIN_COLUMN));
    for (i, row) in result.rows.iter().enumerate() {
        let head = format!("-[ RECORD {} ]", i + 1);
        let rule = max_width.unwrap_or(40).min(80).saturating_sub(head.width());
        writeln!(out, "{head}{}", "-".repeat(rule))?;
        for (column, value) in result.columns.iter().zip(row) {
            let text = value.to_string();
            let lines = match value_width {
                Some(w) => wrap_to_width(&text, w, VERTICAL_LINES),
                None => vec![text],
            };
            let pad = " ".repeat(name_width.saturating_sub(column.width()));
            let blank = " ".repeat(name_width);
            for (k, line) in lines.iter().enumerate() {
                if k == 0 {
                    writeln!(out, "{column}{pad} | {line}")?;
                } else {
                    writeln!(out, "{blank} | {line}")?;
                }
            }
        }
    }
    writeln!(out, "{}", footer(result, elapsed))
}

/// The widest a column may be for the table to fit `max_width`, or `None` when it fits as it is.
fn column_cap(widths: &[usize], max_width: usize) -> Option<usize> {
    let total = |cap: usize| 1 + widths.iter().map(|w| (*w).min(cap) + 3).sum::<usize>();
    let widest = widths.iter().copied().max().unwrap_or(0);
    if total(widest) <= max_width {
        return None;
    }
    let mut cap = widest;
    while cap > MIN_COLUMN && total(cap) > max_width {
        cap -= 1;
    }
    Some(cap)
}

/// `s` in lines of at most `width` display columns, at most `max_lines` of them, the last one
/// ending with `…` when something was left out.
fn wrap_to_width(s: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest = s;
    while lines.len() + 1 < max_lines && rest.width() > width {
        let mut used = 0;
        let mut end = 0;
        for (i, c) in rest.char_indices() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > width {
                break;
            }
            used += w;
            end = i + c.len_utf8();
        }
        if end == 0 {
            break;
        }
        lines.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    lines.push(cut_to_width(rest, width));
    lines
}

/// `s` cut to at most `width` display columns, ending with `…` when something was cut.
pub fn cut_to_width(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// The footer: `2 rows`, then the changes if any, then the time: `1 row; created 1 node (0.4 ms)`.
pub fn footer(result: &QueryResult, elapsed: Option<Duration>) -> String {
    let n = result.rows.len();
    let mut s = format!("{n} {}", if n == 1 { "row" } else { "rows" });
    let changes = describe_stats(&result.stats);
    if !changes.is_empty() {
        let _ = write!(s, "; {changes}");
    }
    if let Some(t) = elapsed {
        let _ = write!(s, " ({})", format_duration(t));
    }
    s
}

/// What a query changed, in words: `created 2 nodes, set 3 properties`; empty when nothing.
pub fn describe_stats(stats: &QueryStats) -> String {
    let parts = [
        (stats.nodes_created, "created", "node"),
        (stats.relationships_created, "created", "relationship"),
        (stats.nodes_deleted, "deleted", "node"),
        (stats.relationships_deleted, "deleted", "relationship"),
        (stats.properties_set, "set", "property"),
        (stats.properties_removed, "removed", "property"),
        (stats.labels_added, "added", "label"),
        (stats.labels_removed, "removed", "label"),
    ];
    let mut out: Vec<String> = Vec::new();
    for (count, verb, noun) in parts {
        if count == 0 {
            continue;
        }
        let noun = match (count, noun) {
            (1, n) => n.to_string(),
            (_, "property") => "properties".to_string(),
            (_, n) => format!("{n}s"),
        };
        out.push(format!("{verb} {count} {noun}"));
    }
    out.join(", ")
}

/// `0.42 ms`, `12.3 ms`, `1.25 s`.
pub fn format_duration(t: Duration) -> String {
    let ms = t.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

fn rule_line(widths: &[usize]) -> String {
    let mut s = String::from("+");
    for w in widths {
        s.push_str(&"-".repeat(w + 2));
        s.push('+');
    }
    s
}

fn row_line(widths: &[usize], cells: &[(&str, bool)]) -> String {
    let mut s = String::from("|");
    for (w, (cell, right)) in widths.iter().zip(cells) {
        let pad = " ".repeat(w.saturating_sub(cell.width()));
        if *right {
            let _ = write!(s, " {pad}{cell} |");
        } else {
            let _ = write!(s, " {cell}{pad} |");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{NodeValue, PropertyMap};

    fn render(result: &QueryResult, elapsed: Option<Duration>) -> String {
        let mut buf = Vec::new();
        write_table(&mut buf, result, elapsed).unwrap();
        String::from_utf8(buf).unwrap()
    }

    fn node(name: &str) -> Value {
        let properties: PropertyMap = [("name".to_string(), Value::from(name))].into_iter().collect();
        Value::Node(Box::new(NodeValue { id: 1, labels: vec!["ArmedGroup".into()], properties }))
    }

    #[test]
    fn aligns_arabic_by_display_width() {
        let result = QueryResult {
            columns: vec!["name".into(), "n".into()],
            rows: vec![vec!["JNIM".into(), Value::Int(12)], vec!["جماعة نصرة الإسلام".into(), Value::Int(3)]],
            ..QueryResult::default()
        };
        let text = render(&result, None);
        let lines: Vec<&str> = text.lines().collect();
        // unicode-width counts the lam-alef ligatures (لا, لإ) as one column, as terminals draw them.
        assert_eq!(lines[1], "| name               | n  |");
        assert_eq!(lines[3], "| 'JNIM'             | 12 |");
        assert_eq!(lines[4], "| 'جماعة نصرة الإسلام' |  3 |");
        let widths: Vec<usize> = lines[..6].iter().map(|l| l.width()).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{widths:?}");
        assert_eq!(lines[6], "2 rows");
    }

    #[test]
    fn shows_cypher_notation_and_footer() {
        let result = QueryResult {
            columns: vec!["g".into()],
            rows: vec![vec![node("JNIM")]],
            stats: QueryStats { properties_set: 2, ..QueryStats::default() },
            plan: None,
        };
        let text = render(&result, Some(Duration::from_micros(1500)));
        assert!(text.contains("| (:ArmedGroup {name: 'JNIM'}) |"), "{text}");
        assert!(text.ends_with("1 row; set 2 properties (1.50 ms)\n"), "{text}");
    }

    #[test]
    fn wide_cells_are_cut_to_the_terminal_and_vertical_shows_one_record_per_row() {
        let long = "x".repeat(5000);
        let result = QueryResult {
            columns: vec!["n".into(), "p".into()],
            rows: vec![vec![Value::Int(1), Value::from(long.as_str())], vec![Value::Int(2), "a\nb".into()]],
            ..QueryResult::default()
        };
        let mut buf = Vec::new();
        write_table_fit(&mut buf, &result, None, Some(40)).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.lines().filter(|l| *l != CUT_NOTE).all(|l| l.width() <= 40), "{text}");
        assert!(text.contains("xxx…"), "{text}");
        assert!(text.contains("'a\\nb'"), "values stay on one line: {text}");
        assert!(text.ends_with(&format!("2 rows\n{CUT_NOTE}\n")), "the cut is said: {text}");
        let mut buf = Vec::new();
        write_vertical(&mut buf, &result, None, Some(30)).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.starts_with("-[ RECORD 1 ]"), "{text}");
        assert!(text.contains("\nn | 1\n"), "{text}");
        assert!(text.lines().all(|l| l.width() <= 30), "{text}");
        assert!(text.ends_with("2 rows\n"), "{text}");
        // The long value wraps: 26 columns a line after `p | `, 100 lines, the last one cut.
        let value_lines: Vec<&str> = text.lines().filter(|l| l.contains('x')).collect();
        assert_eq!(value_lines.len(), VERTICAL_LINES, "{text}");
        assert!(value_lines[0].starts_with("p | 'xxx") && value_lines[1].starts_with("  | xxx"), "{text}");
        assert!(value_lines[VERTICAL_LINES - 1].ends_with('…'), "{text}");
        let short = QueryResult {
            columns: vec!["p".into()],
            rows: vec![vec![Value::from("y".repeat(60).as_str())]],
            ..QueryResult::default()
        };
        let mut buf = Vec::new();
        write_vertical(&mut buf, &short, None, Some(30)).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let wrapped: String = text.lines().filter(|l| l.contains('y')).map(|l| &l[4..]).collect();
        assert_eq!(wrapped, format!("'{}'", "y".repeat(60)), "a value that fits in the lines is whole: {text}");
        assert_eq!(cut_to_width("كيدال", 3), "كي…");
    }

    #[test]
    fn write_without_return_prints_only_footer() {
        let result = QueryResult {
            stats: QueryStats { nodes_created: 1, relationships_created: 2, ..QueryStats::default() },
            ..QueryResult::default()
        };
        assert_eq!(render(&result, None), "0 rows; created 1 node, created 2 relationships\n");
    }
}
