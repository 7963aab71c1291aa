//! Integration tests: tck.
