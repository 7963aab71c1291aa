//! Writers of query results: an aligned table or psql-style vertical records (cut to the
//! terminal's width when given one), CSV, TSV and JSON (DESIGN.md's contract).
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
    /// One block per row, a `column | value` line per column (psql's expanded mode), for rows
    /// too wide for a table.
    Vertical,
    /// CSV with a header row.
    Csv,
    /// Tab-separated values with a header row, one line per row.
    Tsv,
    /// One JSON document per result: `{"columns": [...], "rows": [[...], ...]}`.
    Json,
}

impl Format {
    /// Every format, in the order help lists them.
    pub const ALL: [Format; 5] = [Format::Table, Format::Vertical, Format::Csv, Format::Tsv, Format::Json];

    /// Parses a format's name (`table`, `vertical`, `csv`, `tsv`, `json`).
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The format's name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Vertical => "vertical",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Json => "json",
        }
    }

    /// Whether the format is for people (a footer, cut to the terminal) rather than programs.
    pub fn is_for_people(self) -> bool {
        matches!(self, Format::Table | Format::Vertical)
    }
}

/// Writes `result` in `format`. `elapsed`, when given, goes into the table footer (CSV, TSV
/// and JSON stay pure data); `max_width`, when given, is the terminal's width: table cells and
/// vertical values are cut with `…` to fit it.
///
/// # Errors
/// Any error of the writer.
pub fn write_result(
    out: &mut dyn io::Write,
    result: &QueryResult,
    format: Format,
    elapsed: Option<Duration>,
    max_width: Option<usize>,
) -> io::Result<()> {
    match format {
        Format::Table => table::write_table_fit(out, result, elapsed, max_width),
        Format::Vertical => table::write_vertical(out, result, elapsed, max_width),
        Format::Csv => csv::write_csv(out, result),
        Format::Tsv => csv::write_tsv(out, result),
        Format::Json => json::write_json(out, result),
    }
}
