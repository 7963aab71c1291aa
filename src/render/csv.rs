//! CSV and TSV output of query results (CSV through the csv crate): a header row of column
//! names, then one record per row. Strings are written as their raw text (not Cypher-quoted), `null` as an
//! empty field, everything else in Cypher notation (`[1, 2]`, `(:State {name: 'Mali'})`).

use std::io;

use crate::graph::Value;
use crate::query::QueryResult;

/// Writes `result` as CSV.
///
/// # Errors
/// Any error of the writer.
pub fn write_csv(out: &mut dyn io::Write, result: &QueryResult) -> io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(&result.columns).map_err(into_io)?;
    for row in &result.rows {
        w.write_record(row.iter().map(field)).map_err(into_io)?;
    }
    w.flush()
}

/// Writes `result` as tab-separated values (the format of `sort`, `cut` and spreadsheets'
/// paste): a header, then one line per row, fields as in CSV with tabs, line breaks and
/// backslashes escaped as `\t`, `\n`, `\r` and `\\`, so every row stays one line.
///
/// # Errors
/// Any error of the writer.
pub fn write_tsv(out: &mut dyn io::Write, result: &QueryResult) -> io::Result<()> {
    let header: Vec<String> = result.columns.iter().map(|c| escape_tsv(c)).collect();
    writeln!(out, "{}", header.join("\t"))?;
    for row in &result.rows {
        let fields: Vec<String> = row.iter().map(|v| escape_tsv(&field(v))).collect();
        writeln!(out, "{}", fields.join("\t"))?;
    }
    out.flush()
}

fn escape_tsv(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn field(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn into_io(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_where_csv_needs_it() {
        let result = QueryResult {
            columns: vec!["name".into(), "n".into(), "tags".into()],
            rows: vec![
                vec!["Wagner, Group".into(), Value::Int(2), Value::List(vec!["a".into()])],
                vec!["تمبكتو".into(), Value::Null, Value::Float(1.0)],
            ],
            ..QueryResult::default()
        };
        let mut buf = Vec::new();
        write_csv(&mut buf, &result).unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "name,n,tags\n\"Wagner, Group\",2,['a']\nتمبكتو,,1.0\n");
    }

    #[test]
    fn tsv_keeps_each_row_on_one_line() {
        let result = QueryResult {
            columns: vec!["name".into(), "note".into()],
            rows: vec![vec!["Gao".into(), "a\tb\nc\\d".into()], vec![Value::Null, Value::Int(3)]],
            ..QueryResult::default()
        };
        let mut buf = Vec::new();
        write_tsv(&mut buf, &result).unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "name\tnote\nGao\ta\\tb\\nc\\\\d\n\t3\n");
    }
}
