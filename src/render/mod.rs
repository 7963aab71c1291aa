//! Writers of query results: aligned table, CSV and JSON (DESIGN.md's contract).
