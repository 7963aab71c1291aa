//! The interactive shell (rustyline): completion, hints, highlighting, multi-line statements,
//! meta-commands, and the non-interactive mode that reads statements from stdin.
