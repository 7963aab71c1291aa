//! A session: one open graph and the settings statements run under (output format, timing,
//! parameters, autosave), shared by the interactive shell, its non-interactive mode, `:source`
//! and `kg run`.
//!
//! Durability follows sqlite3's autocommit: with autosave on (the shell's default) a statement
//! that changed the graph is saved atomically as soon as it returns; with autosave off (`kg run`,
//! or `:autosave off`) changes accumulate until [`Session::save`]. A write statement that fails
//! part-way is undone by the query engine itself, so a saved file never holds half a statement.
//!
//! Errors keep their place in the text they came from: a statement's error span is shifted by
//! the statement's offset, so `kg run` reports `FILE:LINE:COL` in the script, not the statement.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use super::meta::{self, MetaLine};
use super::script::{may_write, split_script, strip_bom, ItemKind};
use crate::cli::{BuildInputs, RenderFormat, ShellBuildArgs};
use crate::commands::build::build_into;
use crate::commands::export::{check_target, parse_render, write_export, ExportTarget};
use crate::commands::params;
use crate::error::{Error, Result};
use crate::export::{self, Subgraph};
use crate::graph::{PropertyGraph, Value};
use crate::import;
use crate::query::span::line_col;
use crate::query::{self, exec, ErrorKind, ExecOptions, Params, QueryError, QueryResult, QueryStats, Span};
use crate::render::{self, Format};
use crate::store::{GraphFile, OpenMode};

/// Where text came from: its origin for messages (`<query>`, `<stdin>`, a script path) and the
/// full text that spans point into.
#[derive(Clone, Debug)]
pub struct Source {
    /// Shown before `:line:col` in messages.
    pub origin: String,
    /// The whole text.
    pub text: String,
}

impl Source {
    /// A source with an origin and text.
    pub fn new(origin: impl Into<String>, text: impl Into<String>) -> Source {
        Source { origin: origin.into(), text: text.into() }
    }

    /// `origin:line:col` of a byte offset.
    pub fn locate(&self, offset: usize) -> String {
        let (line, col) = line_col(&self.text, offset);
        format!("{}:{line}:{col}", self.origin)
    }
}

/// Whether to go on after a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Read the next statement.
    Continue,
    /// `:quit` was run.
    Quit,
}

/// How a script run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScriptOutcome {
    /// Whether a `:quit` stopped it.
    pub flow: Flow,
    /// Statements and meta-commands that failed (reported on stderr when going on after errors).
    pub errors: usize,
    /// Statements and meta-commands run.
    pub items: usize,
}

/// The graph of a session: in memory, or a file held with the writer lock.
enum Backing {
    Memory(PropertyGraph),
    File(GraphFile),
}

/// An open graph and the settings statements run under.
pub struct Session {
    backing: Backing,
    dirty: bool,
    autosave: bool,
    save_at_end: bool,
    format: Format,
    timing: bool,
    params: Params,
    cancel: Arc<AtomicBool>,
    verbose: bool,
    quiet_writes: bool,
    changes: QueryStats,
    generation: u64,
    width: Option<usize>,
    echo: bool,
    spinner: bool,
    /// Statements run, and result sets written, by [`Session::run_statement`].
    statements: usize,
    sets_written: usize,
    limits: ExecOptions,
}

impl Session {
    /// A session on an empty in-memory graph (saved only by `:save PATH`).
    pub fn in_memory() -> Session {
        Session {
            backing: Backing::Memory(PropertyGraph::new()),
            dirty: false,
            autosave: true,
            save_at_end: false,
            format: Format::Table,
            timing: false,
            params: Params::new(),
            cancel: Arc::new(AtomicBool::new(false)),
            verbose: false,
            quiet_writes: false,
            changes: QueryStats::default(),
            generation: 0,
            width: None,
            echo: false,
            spinner: false,
            statements: 0,
            sets_written: 0,
            limits: ExecOptions::user_defaults(),
        }
    }

    /// A session on the graph file at `path`; a missing file is an empty graph that the first
    /// save creates (a session that only reads leaves no file). The writer lock is taken when a
    /// write starts and given back once its changes are saved, so a reading session never
    /// blocks another writer.
    ///
    /// # Errors
    /// The store's error when the file cannot be read.
    pub fn open(path: &Path) -> Result<Session> {
        let mut s = Session::in_memory();
        s.backing = Backing::File(GraphFile::open(path, OpenMode::Lazy)?);
        Ok(s)
    }

    /// Takes the graph file's writer lock before a write (re-reading the file if another
    /// writer changed it since it was loaded).
    fn begin_write(&mut self) -> Result<()> {
        let reread = match &mut self.backing {
            Backing::File(f) => f.begin_write()?,
            Backing::Memory(_) => false,
        };
        if reread {
            self.generation += 1;
            if let Some(p) = self.path() {
                self.notice(&format!("{}: changed by another kg command; re-read it before writing", p.display()));
            }
        }
        Ok(())
    }

    /// Gives the writer lock back when nothing is left to save.
    fn end_write(&mut self) {
        if let Backing::File(f) = &mut self.backing {
            if !self.dirty {
                f.end_write();
            }
        }
    }

    /// The graph.
    pub fn graph(&self) -> &PropertyGraph {
        match &self.backing {
            Backing::Memory(g) => g,
            Backing::File(f) => f.graph(),
        }
    }

    fn graph_mut(&mut self) -> &mut PropertyGraph {
        match &mut self.backing {
            Backing::Memory(g) => g,
            Backing::File(f) => f.graph_mut(),
        }
    }

    /// The graph file, if any.
    pub fn path(&self) -> Option<&Path> {
        match &self.backing {
            Backing::Memory(_) => None,
            Backing::File(f) => Some(f.path()),
        }
    }

    /// Whether the graph has changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// A counter bumped whenever the graph or the parameters change (to refresh completion).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The parameters set by `:param` or `--param`.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The flag that cancels the running statement and the rest of its script (set it from a
    /// Ctrl-C handler; it stays set until [`Session::reset_cancel`]).
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }

    /// Clears the cancel flag, before running newly read input.
    pub fn reset_cancel(&self) {
        self.cancel.store(false, Ordering::SeqCst);
    }

    /// Sets whether each write is saved when it returns.
    pub fn set_autosave(&mut self, on: bool) {
        self.autosave = on;
    }

    /// Sets whether the caller saves pending changes when the session ends (`kg run`, piped
    /// input), so `:quit` need not ask about them.
    pub fn set_save_at_end(&mut self, on: bool) {
        self.save_at_end = on;
    }

    /// The format results are printed in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Sets the output format.
    pub fn set_format(&mut self, format: Format) {
        self.format = format;
    }

    /// Sets whether each statement is printed before its result (psql's `-e`).
    pub fn set_echo(&mut self, on: bool) {
        self.echo = on;
    }

    /// Sets whether a statement running longer than a second shows its elapsed time on stderr
    /// (for terminals only; the line is erased when it ends).
    pub fn set_spinner(&mut self, on: bool) {
        self.spinner = on;
    }

    /// Sets the width tables and vertical records are cut to (the terminal's), or none.
    pub fn set_width(&mut self, width: Option<usize>) {
        self.width = width;
    }

    /// Sets whether the table footer shows the time taken.
    pub fn set_timing(&mut self, on: bool) {
        self.timing = on;
    }

    /// Sets whether notices (saved, cancelled, settings changed) are printed on stderr.
    pub fn set_verbose(&mut self, on: bool) {
        self.verbose = on;
    }

    /// Sets whether statements that return nothing (writes) print nothing; their changes are
    /// summed in [`Session::changes`] instead (scripts, piped input).
    pub fn set_quiet_writes(&mut self, on: bool) {
        self.quiet_writes = on;
    }

    /// Everything the session's statements changed so far.
    pub fn changes(&self) -> &QueryStats {
        &self.changes
    }

    /// Sets the memory budget and time limit of each statement (the cancel flag is the
    /// session's own).
    pub fn set_limits(&mut self, limits: ExecOptions) {
        self.limits = limits;
    }

    /// Sets a parameter.
    pub fn set_param(&mut self, name: impl Into<String>, value: Value) {
        self.params.insert(name.into(), value);
        self.generation += 1;
    }

    /// The open graph for people: `PATH (N nodes, M relationships)`, or, for a file that does
    /// not exist yet, that it is new and when it will be written (a mistyped path shows here).
    pub fn describe(&self) -> String {
        match self.path() {
            Some(p) if !p.exists() => {
                format!("{} (a new, empty graph: the file is created by the first statement that writes)", p.display())
            }
            Some(p) => format!(
                "{} ({} nodes, {} relationships)",
                p.display(),
                self.graph().node_count(),
                self.graph().relationship_count()
            ),
            None => "an in-memory graph".to_string(),
        }
    }

    fn notice(&self, message: &str) {
        if self.verbose {
            eprintln!("{message}");
        }
    }

    /// Runs one Cypher statement. On success the graph is marked changed when the statement
    /// wrote, and saved when autosave is on and there is a graph file.
    ///
    /// # Errors
    /// The query's error (the engine has undone the statement's writes), or a save error.
    pub fn execute(&mut self, statement: &str) -> std::result::Result<QueryResult, ExecError> {
        let options = ExecOptions { cancel: Some(self.cancel.clone()), ..self.limits.clone() };
        if may_write(statement) {
            self.begin_write().map_err(ExecError::Save)?;
        }
        let params = std::mem::take(&mut self.params);
        let spinner = self.spinner.then(|| Spinner::start(Instant::now()));
        let outcome = query::execute(self.graph_mut(), statement, &params, &options);
        drop(spinner);
        self.params = params;
        let outcome = match outcome {
            Ok(result) => {
                if result.stats.contains_updates() {
                    self.changes += &result.stats;
                    self.dirty = true;
                    self.generation += 1;
                    if self.autosave && self.path().is_some() {
                        self.save().map_err(ExecError::Save)?;
                    }
                }
                Ok(result)
            }
            Err(e) => Err(ExecError::Query(self.quote_hint(statement, e))),
        };
        self.end_write();
        outcome
    }

    /// A name of the graph written without quotes (`{name: JNIM}`) is read as a variable: the
    /// help says to quote it rather than to bind a variable.
    fn quote_hint(&self, statement: &str, e: QueryError) -> QueryError {
        let undefined = e.detail == Some("UndefinedVariable");
        let name = e.span.and_then(|span| statement.get(span.start..span.end));
        match name {
            Some(name) if undefined && !self.graph().nodes_by_name(name).is_empty() => {
                let mut quoted = String::new();
                let _ = crate::graph::write_cypher_string(&mut quoted, name);
                e.with_help(format!("{quoted} is a name in the graph: a string needs quotes, {quoted}"))
            }
            _ => e,
        }
    }

    /// Saves the graph to its file atomically and clears the changed mark.
    ///
    /// # Errors
    /// [`Error::Usage`] without a graph file; the store's error.
    pub fn save(&mut self) -> Result<()> {
        match &mut self.backing {
            Backing::Memory(_) => return Err(Error::Usage("the graph is in memory: give a file, :save PATH".into())),
            Backing::File(f) => {
                f.save()?;
                f.end_write();
            }
        }
        self.dirty = false;
        Ok(())
    }

    /// Saves the graph to `path`, which becomes the session's graph file (its lock is taken
    /// first; the previous file's lock is released).
    ///
    /// # Errors
    /// The store's error (e.g. another writer holds `path`).
    pub fn save_as(&mut self, path: &Path) -> Result<()> {
        if self.path() == Some(path) {
            return self.save();
        }
        let mut file = GraphFile::open(path, OpenMode::Replace)?;
        let old = std::mem::replace(&mut self.backing, Backing::Memory(PropertyGraph::new()));
        file.set_graph(match old {
            Backing::Memory(g) => g,
            Backing::File(f) => f.into_graph(),
        });
        self.backing = Backing::File(file);
        self.save()
    }

    /// Runs one Cypher statement at `span` of `source` and writes its result to `out`.
    ///
    /// # Errors
    /// The query's error located in `source`, or an output or save error.
    pub fn run_statement(&mut self, source: &Source, span: Span, out: &mut dyn Write) -> Result<()> {
        let text = &source.text[span.start..span.end];
        self.statements += 1;
        if self.echo {
            writeln!(out, "{};", text.trim())?;
        }
        let started = Instant::now();
        let result = match self.execute(text) {
            Ok(r) => r,
            Err(ExecError::Query(e)) => return Err(locate(source, span, e)),
            Err(ExecError::Save(e)) => return Err(e),
        };
        let elapsed = started.elapsed();
        self.write_result(&result, self.timing.then_some(elapsed), out)?;
        // After the result, where the eye is when a typo made it empty.
        if self.verbose {
            for warning in super::unknown::unknown_names(text, self.graph()) {
                eprintln!("{warning}");
            }
        }
        Ok(())
    }

    fn write_result(
        &mut self,
        result: &QueryResult,
        elapsed: Option<std::time::Duration>,
        out: &mut dyn Write,
    ) -> Result<()> {
        if result.columns.is_empty() && result.plan.is_none() && self.quiet_writes {
            return Ok(());
        }
        if result.columns.is_empty() && !self.format.is_for_people() {
            if result.stats.contains_updates() || result.plan.is_some() {
                self.notice(&render::table::footer(result, elapsed));
            }
            return Ok(());
        }
        // Several CSV or TSV result sets in one stream: a blank line and a comment naming the
        // statement tell where the next header starts.
        if matches!(self.format, Format::Csv | Format::Tsv) && self.sets_written > 0 {
            writeln!(out, "\n# statement {}", self.statements)?;
        }
        self.sets_written += 1;
        render::write_result(out, result, self.format, elapsed, self.width)?;
        out.flush()?;
        Ok(())
    }

    /// Runs a script (statements and meta-commands). Without `keep_going` it stops at the first
    /// error and returns it; with it, each error is printed on stderr and counted.
    ///
    /// # Errors
    /// The first error when not keeping going; an output error in any case.
    pub fn run_script(&mut self, source: &Source, keep_going: bool, out: &mut dyn Write) -> Result<ScriptOutcome> {
        let mut outcome = ScriptOutcome { flow: Flow::Continue, errors: 0, items: 0 };
        for item in split_script(&source.text) {
            outcome.items += 1;
            let result = match item.kind {
                ItemKind::Cypher => self.run_statement(source, item.span, out).map(|()| Flow::Continue),
                ItemKind::Meta => self
                    .run_meta(&source.text[item.span.start..item.span.end], out)
                    .map_err(|e| locate_meta(source, item.span, e)),
            };
            match result {
                Ok(Flow::Quit) => {
                    outcome.flow = Flow::Quit;
                    break;
                }
                Ok(Flow::Continue) => {}
                Err(e) if e.is_broken_pipe() || matches!(e, Error::Output(_)) => return Err(e),
                Err(e) if keep_going => {
                    outcome.errors += 1;
                    eprintln!("{}", e.render());
                }
                Err(e) => return Err(e),
            }
            if self.cancel.load(Ordering::SeqCst) {
                self.notice("script cancelled");
                break;
            }
        }
        Ok(outcome)
    }

    /// Runs one meta-command line (starting with `:`).
    ///
    /// # Errors
    /// A bad or unknown command ([`Error::Usage`] with a did-you-mean), or the error of what it
    /// ran.
    pub fn run_meta(&mut self, line: &str, out: &mut dyn Write) -> Result<Flow> {
        let MetaLine { name, force, rest } = meta::parse_meta(line);
        let usage = |name: &str| {
            let c = meta::find(name).map_or(String::new(), |c| format!(" {}", c.usage));
            Error::Usage(format!("usage: :{name}{c}"))
        };
        match name.as_str() {
            "help" => match meta::help_text(rest) {
                Ok(text) => writeln!(out, "{text}")?,
                Err(message) => return Err(Error::Usage(message)),
            },
            "schema" => self.write_result(&schema(self.graph()), None, out)?,
            "stats" => {
                let stats = self.stats();
                self.write_result(&stats, None, out)?;
            }
            "format" => {
                let format = Format::parse(rest).ok_or_else(|| usage("format"))?;
                self.format = format;
                self.notice(&format!("format: {}", format.name()));
            }
            "timing" | "autosave" => {
                let on = match rest.to_ascii_lowercase().as_str() {
                    "on" => true,
                    "off" => false,
                    _ => return Err(usage(&name)),
                };
                if name == "timing" {
                    self.timing = on;
                } else {
                    self.autosave = on;
                    if on && self.dirty && self.path().is_some() {
                        self.save()?;
                        self.notice("saved pending changes");
                    }
                }
                self.notice(&format!("{name}: {}", if on { "on" } else { "off" }));
            }
            "param" => {
                let (pname, value) = rest.split_once(char::is_whitespace).ok_or_else(|| usage("param"))?;
                let (pname, value) = params::parse_param(pname, value)?;
                self.notice(&format!("${pname} = {value}"));
                self.set_param(pname, value);
            }
            "memory" => {
                let max = exec::limits::parse_size(rest)
                    .map_err(|m| Error::Usage(format!("usage: :memory SIZE|none: {m}")))?;
                self.limits.max_memory = max;
                self.notice(&format!("memory: {}", max.map_or("none".into(), exec::limits::format_size)));
            }
            "timeout" => {
                let limit = exec::limits::parse_duration(rest)
                    .map_err(|m| Error::Usage(format!("usage: :timeout DURATION|none: {m}")))?;
                self.limits.timeout = limit;
                self.notice(&format!("timeout: {}", limit.map_or("none".into(), exec::limits::format_duration)));
            }
            "params" => {
                let result = QueryResult {
                    columns: vec!["name".into(), "value".into()],
                    rows: self.params.iter().map(|(k, v)| vec![Value::from(format!("${k}")), v.clone()]).collect(),
                    ..QueryResult::default()
                };
                self.write_result(&result, None, out)?;
            }
            "open" => {
                if rest.is_empty() {
                    return Err(usage("open"));
                }
                self.check_unsaved(force, "open")?;
                let path = PathBuf::from(rest);
                if self.path() == Some(path.as_path()) {
                    // Release our own lock first, or reopening the same file would find it locked.
                    self.backing = Backing::Memory(PropertyGraph::new());
                }
                self.backing = Backing::File(GraphFile::open(&path, OpenMode::Lazy)?);
                self.notice(&format!("opened {}", self.describe()));
                self.dirty = false;
                self.generation += 1;
            }
            "save" => {
                if rest.is_empty() {
                    self.save()?;
                } else {
                    self.save_as(Path::new(rest))?;
                }
                if let Some(p) = self.path() {
                    self.notice(&format!("saved {}", p.display()));
                }
            }
            "source" => {
                if rest.is_empty() {
                    return Err(usage("source"));
                }
                let text = std::fs::read_to_string(rest).map_err(|source| Error::Io { path: rest.into(), source })?;
                let source = Source::new(rest, strip_bom(text));
                return Ok(self.run_script(&source, false, out)?.flow);
            }
            "build" => {
                let Some(args) = parse_build_args(rest, out)? else { return Ok(Flow::Continue) };
                self.build(&args, out)?;
            }
            "import" => {
                if rest.is_empty() {
                    return Err(usage("import"));
                }
                self.import(Path::new(rest), out)?;
            }
            "export" => {
                let (format, path, options, query_text) = parse_export_args(rest).ok_or_else(|| usage("export"))?;
                let written = self.export(format, Path::new(path), &options, query_text)?;
                let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
                self.notice(&format!("exported {}", names.join(" and ")));
            }
            "quit" => {
                if !force && !self.save_at_end {
                    self.check_unsaved(false, "quit")?;
                }
                return Ok(Flow::Quit);
            }
            other => return Err(Error::Usage(meta::unknown_message(other))),
        }
        Ok(Flow::Continue)
    }

    /// Fails when there are unsaved changes and `force` is off.
    fn check_unsaved(&self, force: bool, command: &str) -> Result<()> {
        if self.dirty && !force {
            return Err(Error::Usage(format!(
                "there are unsaved changes: :save [PATH] first, or :{command}! to discard them"
            )));
        }
        Ok(())
    }

    /// Marks the graph changed after a merge and saves it when autosave is on.
    fn changed(&mut self) -> Result<()> {
        self.dirty = true;
        self.generation += 1;
        if self.autosave && self.path().is_some() {
            self.save()?;
        }
        Ok(())
    }

    /// `:build FILE|DIR... [OPTIONS]`: extract text files and directories into the graph
    /// through [`build_into`], with `kg build`'s options, as `kg build` does. A file that fails
    /// is reported and the others still merge.
    fn build(&mut self, args: &BuildInputs, out: &mut dyn Write) -> Result<()> {
        let existed = self.path().is_none_or(Path::exists);
        self.begin_write()?;
        let report = build_into(self.graph_mut(), args, false);
        let report = match report {
            Ok(r) => r,
            Err(e) => {
                self.end_write();
                return Err(e);
            }
        };
        if report.stats.documents > 0 {
            self.changed()?;
        }
        self.end_write();
        let graph = self.path().map_or("the graph in memory".to_string(), |p| p.display().to_string());
        writeln!(out, "{graph}: {}", report.summary())?;
        if let Some(message) = report.failure(&graph, existed) {
            return Err(Error::Failed(message));
        }
        Ok(())
    }

    /// `:import FILE`: merge a TSV or JSON Lines file of triples; nothing is merged when a line
    /// is bad.
    fn import(&mut self, path: &Path, out: &mut dyn Write) -> Result<()> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        let parsed = import::parse(&bytes, import::Format::detect(path, &bytes))
            .map_err(|e| Error::Failed(e.display(&origin).to_string()))?;
        if let Some(first) = parsed.errors.first() {
            return Err(Error::Failed(format!(
                "{} ({} bad line(s); nothing was imported)",
                first.display(&origin),
                parsed.errors.len()
            )));
        }
        self.begin_write()?;
        let summary = import::merge_triples(self.graph_mut(), &parsed.triples);
        let summary = match summary {
            Ok(s) => s,
            Err(e) => {
                self.end_write();
                return Err(e.into());
            }
        };
        if summary.triples > 0 {
            self.changed()?;
        }
        self.end_write();
        writeln!(
            out,
            "imported {} triples from {origin}: {} new entities, {} new relationships, {} repeats",
            summary.triples, summary.new_entities, summary.new_relationships, summary.repeated
        )?;
        Ok(())
    }

    /// `:export FORMAT PATH [OPTIONS] [QUERY]`: the whole graph, or the nodes, relationships
    /// and paths that QUERY returns (with their endpoints), written to PATH as `kg export`
    /// writes it.
    fn export(
        &mut self,
        format: &str,
        path: &Path,
        options: &ExportOptions,
        query_text: Option<&str>,
    ) -> Result<Vec<PathBuf>> {
        let format: export::Format = format.parse().map_err(Error::Usage)?;
        let target = ExportTarget {
            format,
            output: Some(path),
            render: options.render,
            dot: export::DotOptions {
                connected_only: options.connected,
                legend: options.legend,
                ..export::DotOptions::default()
            },
        };
        check_target(&target)?;
        let Some(text) = query_text else {
            return write_export(&Subgraph::from_graph(self.graph()), &target);
        };
        let result = match self.execute(text) {
            Ok(r) => r,
            Err(ExecError::Query(e)) => return Err(Error::query("<export query>", text, e)),
            Err(ExecError::Save(e)) => return Err(e),
        };
        let mut sub = Subgraph::from_result(&result);
        sub.fill_endpoints(self.graph());
        write_export(&sub, &target)
    }

    fn stats(&self) -> QueryResult {
        let g = self.graph();
        let mut rows: Vec<Vec<Value>> = Vec::new();
        let mut row = |k: &str, v: Value| rows.push(vec![Value::from(k), v]);
        row("graph", self.path().map_or(Value::from("(in memory)"), |p| Value::from(p.display().to_string())));
        row("nodes", Value::Int(g.node_count() as i64));
        row("relationships", Value::Int(g.relationship_count() as i64));
        row("labels", Value::Int(g.label_counts().count() as i64));
        row("relationship types", Value::Int(g.rel_type_counts().count() as i64));
        row("unsaved changes", Value::Bool(self.dirty));
        row("autosave", Value::Bool(self.autosave));
        if let Some(len) = self.path().and_then(|p| std::fs::metadata(p).ok()).map(|m| m.len()) {
            row("file size (bytes)", Value::Int(len as i64));
        }
        QueryResult { columns: vec!["key".into(), "value".into()], rows, ..QueryResult::default() }
    }
}

/// The elapsed time of a running statement on stderr, from one second on, until dropped (the
/// line is then erased).
struct Spinner {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Spinner {
    fn start(started: Instant) -> Spinner {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
            let mut shown = false;
            let mut i = 0;
            while !flag.load(Ordering::SeqCst) {
                // Parked, not asleep: dropping the spinner unparks it, so a cancelled or
                // finished statement does not wait for the next frame.
                std::thread::park_timeout(std::time::Duration::from_millis(50));
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let t = started.elapsed();
                if t.as_secs_f64() >= 1.0 && i % 2 == 0 {
                    let frame = frames[(i / 2) % frames.len()];
                    eprint!("\r{frame} running {:.1} s (Ctrl-C cancels)", t.as_secs_f64());
                    shown = true;
                }
                i += 1;
            }
            if shown {
                eprint!("\r\x1b[2K");
            }
        });
        Spinner { stop, thread: Some(thread) }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

/// Why [`Session::execute`] failed.
#[derive(Debug)]
pub enum ExecError {
    /// The statement failed.
    Query(QueryError),
    /// The statement ran but saving its changes failed.
    Save(Error),
}

/// A query error moved from statement coordinates to the whole source. An error without a
/// span points at the statement's start.
pub fn locate(source: &Source, span: Span, mut error: QueryError) -> Error {
    let len = span.end - span.start;
    error.span = Some(match error.span {
        Some(s) => Span::new(span.start + s.start.min(len), span.start + s.end.min(len)),
        None => Span::new(span.start, span.start),
    });
    if error.kind == ErrorKind::Cancelled && error.message.is_empty() {
        error.message = "cancelled".into();
    }
    Error::query(source.origin.clone(), source.text.clone(), error)
}

/// A meta-command error prefixed with its place in a script: `FILE:LINE:COL: message`.
fn locate_meta(source: &Source, span: Span, error: Error) -> Error {
    // Query errors and errors from a sourced script are located already.
    if matches!(error, Error::Query(_) | Error::Output(_) | Error::Failed(_)) {
        return error;
    }
    let mut message = source.locate(span.start);
    let _ = write!(message, ": {}", error.render());
    Error::Failed(message)
}

/// Parses `:build`'s arguments with clap, as `kg build` parses its own ([`ShellBuildArgs`]);
/// `--help` writes the help to `out` and gives `None`.
fn parse_build_args(rest: &str, out: &mut dyn Write) -> Result<Option<BuildInputs>> {
    let words = meta::split_words(rest).map_err(|m| Error::Usage(format!("{m} in :build's arguments")))?;
    match <ShellBuildArgs as clap::Parser>::try_parse_from(words) {
        Ok(args) => Ok(Some(args.build)),
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => {
            write!(out, "{}", e.render())?;
            Ok(None)
        }
        Err(e) => {
            let text = e.render().to_string();
            let text = text.trim().trim_start_matches("error: ");
            let text =
                text.replace("For more information, try '--help'.", "For more information, try ':build --help'.");
            Err(Error::Usage(text))
        }
    }
}

/// The options `:export` takes between its path and its query, as `kg export` spells them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ExportOptions {
    render: Option<RenderFormat>,
    connected: bool,
    legend: bool,
}

/// The first word of `text` and the rest.
fn split_word(text: &str) -> (&str, &str) {
    let w = text.trim_start();
    w.split_once(char::is_whitespace).unwrap_or((w, ""))
}

/// Splits `:export`'s arguments: `FORMAT PATH [--render svg|png] [--connected] [--legend] [QUERY]`.
fn parse_export_args(rest: &str) -> Option<(&str, &str, ExportOptions, Option<&str>)> {
    let (format, rest) = split_word(rest);
    let (path, mut rest) = split_word(rest);
    if format.is_empty() || path.is_empty() {
        return None;
    }
    let mut options = ExportOptions::default();
    loop {
        let (word, tail) = split_word(rest);
        match word {
            "--render" => {
                let (name, tail) = split_word(tail);
                options.render = Some(parse_render(name)?);
                rest = tail;
            }
            "--connected" => (options.connected, rest) = (true, tail),
            "--legend" => (options.legend, rest) = (true, tail),
            _ => break,
        }
    }
    Some((format, path, options, Some(rest.trim()).filter(|q| !q.is_empty())))
}

/// `:schema` as a result: one row per label, relationship type, pattern
/// `(:Label)-[:TYPE]->(:Label)` (as `db.schema.visualization()` draws them: a relationship
/// between nodes of several labels counts once under each pair, `()` stands for a node without
/// label) and property key, with counts; a property key also lists the types its values have
/// (`STRING`, `DATE`, `LIST<DATE>`, ...).
fn schema(graph: &PropertyGraph) -> QueryResult {
    use std::collections::{BTreeMap, BTreeSet};
    let mut rows: Vec<Vec<Value>> = Vec::new();
    let mut labels: Vec<(&str, usize)> = graph.label_counts().collect();
    labels.sort();
    for (l, n) in labels {
        rows.push(vec!["label".into(), l.into(), Value::Int(n as i64), Value::Null]);
    }
    let mut types: Vec<(&str, usize)> = graph.rel_type_counts().collect();
    types.sort();
    for (t, n) in types {
        rows.push(vec!["relationship type".into(), t.into(), Value::Int(n as i64), Value::Null]);
    }
    for (pattern, n) in schema_patterns(graph) {
        rows.push(vec!["pattern".into(), pattern.into(), Value::Int(n), Value::Null]);
    }
    let mut keys: BTreeMap<&str, (i64, BTreeSet<String>)> = BTreeMap::new();
    let props = graph
        .node_ids()
        .flat_map(|id| graph.node_properties(id))
        .chain(graph.relationship_ids().flat_map(|id| graph.rel_properties(id)));
    for (k, v) in props {
        let entry = keys.entry(k).or_default();
        entry.0 += 1;
        entry.1.insert(schema_type(v));
    }
    for (k, (n, types)) in keys {
        let types = types.into_iter().collect::<Vec<_>>().join(", ");
        rows.push(vec!["property key".into(), k.into(), Value::Int(n), types.into()]);
    }
    QueryResult {
        columns: vec!["kind".into(), "name".into(), "count".into(), "types".into()],
        rows,
        ..QueryResult::default()
    }
}

/// The patterns `(:Start)-[:TYPE]->(:End)` relationships form, sorted, with how many
/// relationships each has.
fn schema_patterns(graph: &PropertyGraph) -> std::collections::BTreeMap<String, i64> {
    let mut patterns = std::collections::BTreeMap::new();
    let node = |labels: Vec<&str>| -> Vec<String> {
        if labels.is_empty() {
            return vec!["()".to_string()];
        }
        labels.into_iter().map(|l| format!("(:{})", cypher_name(l))).collect()
    };
    for id in graph.relationship_ids() {
        let (Some((start, end)), Some(rel_type)) = (graph.endpoints(id), graph.rel_type(id)) else {
            continue;
        };
        let rel_type = cypher_name(rel_type);
        for a in node(graph.node_labels(start).collect()) {
            for b in node(graph.node_labels(end).collect()) {
                *patterns.entry(format!("{a}-[:{rel_type}]->{b}")).or_insert(0) += 1;
            }
        }
    }
    patterns
}

/// A label or type as Cypher writes it, in backticks when it is not a plain name.
fn cypher_name(name: &str) -> String {
    let mut s = String::new();
    let _ = crate::graph::write_cypher_name(&mut s, name);
    s
}

/// A property value's type for `:schema`: its Cypher type name, with the item type of a list
/// whose items all have one (`LIST<STRING>`).
fn schema_type(v: &Value) -> String {
    match v {
        Value::List(items) => {
            let mut names = items.iter().map(Value::type_name);
            match names.next() {
                Some(first) if names.all(|n| n == first) => format!("LIST<{first}>"),
                _ => "LIST".to_string(),
            }
        }
        other => other.type_name().to_string(),
    }
}

/// Writes an error for a terminal (full report) to stderr.
pub fn report(error: &Error) {
    let _ = writeln!(io::stderr(), "{}", error.render());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store;

    #[test]
    fn locates_statement_errors_in_the_script() {
        let source = Source::new("s.cypher", "RETURN 1;\n\nMATCH (n)\nRETURN x;");
        let stmt = Span::new(11, source.text.len() - 1);
        let e = QueryError::new(ErrorKind::SyntaxError, "variable 'x' is not defined").with_span(Span::new(17, 18));
        let err = locate(&source, stmt, e);
        assert!(err.to_string().starts_with("s.cypher:4:8: SyntaxError: variable 'x'"), "{err}");
        let e = QueryError::new(ErrorKind::TypeError, "bad");
        assert!(locate(&source, stmt, e).to_string().starts_with("s.cypher:3:1: TypeError: bad"));
    }

    #[test]
    fn meta_commands_change_settings_and_report_typos() {
        let mut s = Session::in_memory();
        let mut out = Vec::new();
        s.run_meta(":format csv", &mut out).unwrap();
        assert_eq!(s.format, Format::Csv);
        s.run_meta(":timing on", &mut out).unwrap();
        assert!(s.timing);
        let err = s.run_meta(":fromat json", &mut out).unwrap_err();
        assert!(err.to_string().contains("did you mean ':format'?"), "{err}");
        assert!(s.run_meta(":format yaml", &mut out).is_err());
        s.run_meta(":stats", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("nodes,0"), "{text}");
        assert_eq!(s.run_meta(":quit", &mut Vec::new()).unwrap(), Flow::Quit);
    }

    #[test]
    fn source_reports_places_in_the_sourced_file() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("inner.cypher");
        std::fs::write(&script, "// settings\n:format json\n\n   :nosuch arg\n").unwrap();
        let mut s = Session::in_memory();
        let err = s.run_meta(&format!(":source {}", script.display()), &mut Vec::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}:4:4: unknown command ':nosuch' (:help lists commands)", script.display())
        );
        assert_eq!(s.format, Format::Json, "the lines before the error ran");
    }

    #[test]
    fn autosave_saves_each_write_and_off_batches_until_save() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.kg");
        let count = |p: &Path| store::load(p).map(|g| g.node_count()).unwrap_or(0);
        let mut s = Session::open(&path).unwrap();
        s.execute("CREATE (:Place {name: 'Gao'})").unwrap();
        assert_eq!(count(&path), 1, "saved when the statement returned");
        assert!(!s.is_dirty());
        s.run_meta(":autosave off", &mut Vec::new()).unwrap();
        s.execute("CREATE (:Place {name: 'Mopti'})").unwrap();
        assert_eq!(count(&path), 1, "batched");
        assert!(s.is_dirty());
        s.run_meta(":save", &mut Vec::new()).unwrap();
        assert_eq!(count(&path), 2);
        assert!(!s.is_dirty());
    }

    #[test]
    fn a_reading_session_holds_no_lock_and_writes_see_other_writers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.kg");
        let mut s = Session::open(&path).unwrap();
        s.execute("MATCH (n) RETURN n").unwrap();
        let mut other = GraphFile::open(&path, OpenMode::CreateIfMissing).expect("a reader blocks no writer");
        other.graph_mut().add_node(["Place"], [("name", Value::from("Gao"))]).unwrap();
        other.save().unwrap();
        drop(other);
        s.execute("CREATE (:Place {name: 'Mopti'})").unwrap();
        assert_eq!(store::load(&path).unwrap().node_count(), 2, "the other writer's node is kept");
        GraphFile::open(&path, OpenMode::MustExist).expect("the lock is given back after the save");
    }

    #[test]
    fn export_takes_every_format_and_the_dot_options() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Session::in_memory();
        s.execute("CREATE (:ArmedGroup {name: 'JNIM'})-[:ATTACKED]->(:Place {name: 'Gao'}), (:Person {name: 'Alone'})")
            .unwrap();
        let csv = dir.path().join("csv");
        s.run_meta(&format!(":export csv {}", csv.display()), &mut Vec::new()).unwrap();
        assert!(csv.join("load-kuzu.cypher").is_file());
        let dot = dir.path().join("g.dot");
        let line = format!(":export dot {} --connected --legend", dot.display());
        s.run_meta(&line, &mut Vec::new()).unwrap();
        let text = std::fs::read_to_string(&dot).unwrap();
        assert!(text.contains("JNIM") && !text.contains("Alone") && text.contains("cluster_legend"), "{text}");
        let err = s.run_meta(&format!(":export cypher {} --render svg", dot.display()), &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("--render needs --format dot"), "{err}");
        assert_eq!(parse_export_args("dot a.dot --render gif"), None);
    }

    #[test]
    fn a_failed_write_statement_is_undone() {
        let mut s = Session::in_memory();
        let err = s.execute("CREATE (p:Place {name: 'Gao'}) RETURN p.name - 1 AS boom");
        assert!(matches!(err, Err(ExecError::Query(_))), "the statement must fail");
        assert_eq!(s.graph().node_count(), 0, "the node it created is gone");
        assert!(!s.is_dirty());
    }

    #[test]
    fn an_unquoted_name_of_the_graph_is_said_to_need_quotes() {
        let mut s = Session::in_memory();
        s.execute("CREATE (:ArmedGroup {name: 'JNIM'})").unwrap();
        let Err(ExecError::Query(e)) = s.execute("MATCH (n {name: JNIM}) RETURN n") else { panic!("must fail") };
        assert_eq!(e.help.as_deref(), Some("'JNIM' is a name in the graph: a string needs quotes, 'JNIM'"));
        let Err(ExecError::Query(e)) = s.execute("RETURN nobody") else { panic!("must fail") };
        assert!(e.help.is_some_and(|h| h.starts_with("bind 'nobody'")), "other variables keep their help");
    }

    #[test]
    fn unsaved_changes_block_quit_until_forced() {
        let mut s = Session::in_memory();
        s.dirty = true;
        assert!(s.run_meta(":quit", &mut Vec::new()).is_err());
        assert_eq!(s.run_meta(":quit!", &mut Vec::new()).unwrap(), Flow::Quit);
        assert!(s.run_meta(":open other.kg", &mut Vec::new()).unwrap_err().to_string().contains(":open!"));
    }

    #[test]
    fn schema_counts_labels_types_and_keys() {
        let mut g = PropertyGraph::new();
        let a = g.add_node(["ArmedGroup"], [("name", Value::from("JNIM"))]).unwrap();
        let b = g.add_node(["Force"], [("name", Value::from("Malian army"))]).unwrap();
        let date = Value::from(crate::graph::Temporal::parse("date", "2024-09-17").unwrap());
        g.add_relationship(a, b, "ATTACKED", [("mentions", Value::Int(1)), ("date", date.clone())]).unwrap();
        g.add_relationship(b, a, "ATTACKED", [("date", Value::List(vec![date]))]).unwrap();
        let result = schema(&g);
        let rows: Vec<String> = result.rows.iter().map(|r| format!("{} {} {} {}", r[0], r[1], r[2], r[3])).collect();
        assert_eq!(
            rows,
            [
                "'label' 'ArmedGroup' 1 null",
                "'label' 'Force' 1 null",
                "'relationship type' 'ATTACKED' 2 null",
                "'pattern' '(:ArmedGroup)-[:ATTACKED]->(:Force)' 1 null",
                "'pattern' '(:Force)-[:ATTACKED]->(:ArmedGroup)' 1 null",
                "'property key' 'date' 2 'DATE, LIST<DATE>'",
                "'property key' 'mentions' 1 'INTEGER'",
                "'property key' 'name' 2 'STRING'"
            ]
        );
    }
}
