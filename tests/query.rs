//! Integration tests: query.
