//! Writers of query results: an aligned table, CSV and JSON (DESIGN.md's contract).
//!
//! Each writer takes a [`QueryResult`] and any [`io::Write`]; none of them sees the graph, opens
//! a file or decides where output goes. The front ends (`kg query`, `kg run`, the shell) pick the
//! [`Format`] and the writer; [`write_result`] dispatches.

pub mod csv;
pub mod json;
pub mod table;

use std::io;
use std::time::Duration;

use crate::query::QueryResult;

/// How a result is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// An aligned table with a footer (row count, changes, time).
    #[default]
    Table,
    /// CSV with a header row.
    Csv,
    /// One JSON document per result: `{"columns": [...], "rows": [[...], ...]}`.
    Json,
}

impl Format {
    /// Parses `table`, `csv` or `json`.
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "table" => Some(Format::Table),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The format's name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// Writes `result` in `format`. `elapsed`, when given, goes into the table footer (CSV and
/// JSON stay pure data).
///
/// # Errors
/// Any error of the writer.
pub fn write_result(
    out: &mut dyn io::Write,
    result: &QueryResult,
    format: Format,
    elapsed: Option<Duration>,
) -> io::Result<()> {
    match format {
        Format::Table => table::write_table(out, result, elapsed),
        Format::Csv => csv::write_csv(out, result),
        Format::Json => json::write_json(out, result),
    }
}
