//! CSV output of query results, through the csv crate: a header row of column names, then one
//! record per row. Strings are written as their raw text (not Cypher-quoted), `null` as an
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
}
