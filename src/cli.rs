//! The command-line surface of `kg` (clap definitions only; the bodies live in
//! [`crate::commands`]). DESIGN.md's "Command line" section is the contract.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::extract::PartialDate;

/// kgraph: turn Arabic and English conflict news into a knowledge graph you can query with
/// openCypher.
#[derive(Debug, Parser)]
#[command(name = "kg", version, about, long_about = None)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `kg`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract relations from text files and print them (no graph).
    Extract(ExtractArgs),
    /// Extract relations from text files or directories and merge them into a graph.
    Build(BuildArgs),
    /// Import triples (TSV or JSON Lines) from other extractors into a graph.
    Import(ImportArgs),
    /// Run one Cypher statement.
    Query(QueryArgs),
    /// Run a script of `;`-separated Cypher statements.
    Run(RunArgs),
    /// Open the interactive shell.
    #[command(after_help = SHELL_HELP)]
    Shell(ShellArgs),
    /// Export a graph or a query's result as DOT, Cypher, GraphML, JSON Lines or CSV.
    Export(ExportArgs),
    /// Print counts, labels, types, property keys, file size and format version.
    Stats(StatsArgs),
    /// Generate a synthetic graph for tests and benchmarks.
    Gen(GenArgs),
    /// Score extraction against a folder of annotated articles.
    Eval(EvalArgs),
}

/// What `kg shell --help` adds after the options: how the shell reads input.
const SHELL_HELP: &str = "\
A statement ends with ';' and may span lines: `..>` prompts for the next line of an open one.
A line starting with ':' is a meta-command (:help lists them, :schema shows the graph's shape).
Tab completes; Ctrl-C cancels the line or the running statement; Ctrl-D leaves.
A GRAPH file that does not exist yet is a new graph, written by the first statement that writes.
When standard input is not a terminal (kg shell -g G < script.cypher) the statements run and
only their results are printed.";

/// Language of input text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// Detect per document and per sentence.
    Auto,
    /// Arabic.
    Ar,
    /// English.
    En,
}

/// Output format of `kg extract`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    /// A header line, then one relation per line: subject, relation, object, their labels,
    /// doc, sentence, evidence, date.
    Tsv,
    /// One JSON object per relation.
    Jsonl,
}

/// Arguments of `kg extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Text files to read.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Language of the text.
    #[arg(long, value_enum, default_value_t = LangArg::Auto)]
    pub lang: LangArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExtractFormat::Tsv)]
    pub format: ExtractFormat,
    /// A lexicon directory to use instead of the embedded one.
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// The documents' date (YYYY-MM-DD, YYYY-MM or YYYY); else each document's own (a date in
    /// its first lines, else its first date with a year).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<PartialDate>,
}

/// Arguments of `kg build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// What to build from and how (shared with the shell's `:build`).
    #[command(flatten)]
    pub build: BuildInputs,
    /// The graph file (created if missing).
    #[arg(short, long)]
    pub graph: PathBuf,
}

/// What `kg build` and the shell's `:build` take besides the graph: the inputs and how to read
/// them. One definition, so both accept the same options with the same meaning.
#[derive(Clone, Debug, Args)]
pub struct BuildInputs {
    /// Text files or directories (walked for .txt and .md files, any case, following symbolic
    /// links).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// A lexicon directory to use instead of the embedded one.
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// Language of the text.
    #[arg(long, value_enum, default_value_t = LangArg::Auto)]
    pub lang: LangArg,
    /// The documents' date (YYYY-MM-DD, YYYY-MM or YYYY); else each document's own (a date in
    /// its first lines, else its first date with a year).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<PartialDate>,
}

/// The shell's `:build` line: [`BuildInputs`] parsed by clap exactly as `kg build` parses them
/// (the graph is the session's).
#[derive(Debug, Parser)]
#[command(
    name = ":build",
    no_binary_name = true,
    disable_version_flag = true,
    about = "Extract relations from text files or directories and merge them into the open graph."
)]
pub struct ShellBuildArgs {
    /// What to build from and how.
    #[command(flatten)]
    pub build: BuildInputs,
}

/// Output format of `kg eval`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    /// Tables and lists for reading.
    Text,
    /// One JSON document.
    Json,
}

/// Arguments of `kg eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A folder with `articles/*.txt` and `gold/*.tsv` (subject, relation, object, evidence).
    pub gold_dir: PathBuf,
    /// Score only the articles in this language (from the `_ar`/`_en` file suffix, else
    /// detected).
    #[arg(long, value_enum)]
    pub lang: Option<EvalLang>,
    /// A lexicon directory to use instead of the embedded one (also read for
    /// `equivalences.txt`).
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// The documents' date (YYYY-MM-DD, YYYY-MM or YYYY); else each document's own (a date in
    /// its first lines, else its first date with a year).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<PartialDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    pub format: EvalFormat,
    /// Also list the true positives and every relation's date.
    #[arg(short, long)]
    pub verbose: bool,
}

/// A language `kg eval` can select.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EvalLang {
    /// Arabic.
    Ar,
    /// English.
    En,
}

fn parse_date(s: &str) -> Result<PartialDate, String> {
    PartialDate::parse_iso(s).ok_or_else(|| format!("expected a date YYYY-MM-DD, YYYY-MM or YYYY, found '{s}'"))
}

/// Arguments of `kg import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A TSV (with header) or JSON Lines file of triples.
    pub file: PathBuf,
    /// The graph file (created if missing).
    #[arg(short, long)]
    pub graph: PathBuf,
    /// Report and skip malformed lines instead of failing without saving.
    #[arg(long)]
    pub skip_bad: bool,
}

/// Output format of query results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// An aligned table with a footer, cut to the terminal's width.
    Table,
    /// One block per row, a `column | value` line per column (psql's expanded mode).
    Vertical,
    /// CSV with a header row.
    Csv,
    /// Tab-separated values with a header row, one line per row.
    Tsv,
    /// One JSON document `{"columns": [...], "rows": [[...], ...]}`; nodes, relationships and
    /// paths are objects with a "kind" (see the README's "Output formats").
    Json,
}

/// Resource limits of each statement (`kg query`, `kg run`, `kg shell`).
#[derive(Clone, Copy, Debug, Default, Args)]
pub struct LimitArgs {
    /// Memory a statement may use, e.g. 512M or 2G, or none [default: half of physical memory].
    #[arg(long, value_name = "SIZE", value_parser = parse_max_memory)]
    pub max_memory: Option<Limit<u64>>,
    /// Time a statement may run, e.g. 30s or 10m, or none [default: 10m].
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Limit<std::time::Duration>>,
}

/// A limit given on the command line: `None` for `none`.
#[derive(Clone, Copy, Debug)]
pub struct Limit<T>(pub Option<T>);

fn parse_max_memory(text: &str) -> Result<Limit<u64>, String> {
    crate::query::exec::limits::parse_size(text).map(Limit)
}

fn parse_timeout(text: &str) -> Result<Limit<std::time::Duration>, String> {
    crate::query::exec::limits::parse_duration(text).map(Limit)
}

impl LimitArgs {
    /// The execution options these limits give (defaults where not given).
    pub fn options(&self) -> crate::query::ExecOptions {
        let mut o = crate::query::ExecOptions::user_defaults();
        if let Some(Limit(m)) = self.max_memory {
            o.max_memory = m;
        }
        if let Some(Limit(t)) = self.timeout {
            o.timeout = t;
        }
        o
    }
}

/// Arguments of `kg query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The graph file.
    #[arg(short, long)]
    pub graph: PathBuf,
    /// The Cypher statement.
    pub query: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// A parameter as `name=VALUE`, VALUE a Cypher literal; repeatable.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Memory and time limits.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Arguments of `kg run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The graph file.
    #[arg(short, long)]
    pub graph: PathBuf,
    /// The script file, or `-` for standard input.
    pub script: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// A parameter as `name=VALUE`, VALUE a Cypher literal; repeatable.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Run every statement and report every error instead of stopping at the first.
    #[arg(long)]
    pub keep_going: bool,
    /// Print each statement before its result (psql's -e).
    #[arg(short, long)]
    pub echo: bool,
    /// Memory and time limits.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Arguments of `kg shell`.
#[derive(Debug, Args)]
pub struct ShellArgs {
    /// The graph file (an in-memory graph when omitted).
    #[arg(short, long)]
    pub graph: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// A parameter as `name=VALUE`, VALUE a Cypher literal, as `:param name VALUE` sets it;
    /// repeatable.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Memory and time limits.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Graphviz DOT.
    Dot,
    /// A Cypher script of CREATE statements.
    Cypher,
    /// GraphML (networkx, Gephi).
    Graphml,
    /// JSON Lines, one node or relationship per line.
    Jsonl,
    /// Node and relationship CSV files for neo4j-admin import and Kùzu COPY FROM.
    Csv,
}

/// Graphviz output formats for `--render`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// SVG.
    Svg,
    /// PNG.
    Png,
}

/// Arguments of `kg export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The graph file.
    #[arg(short, long)]
    pub graph: PathBuf,
    /// Export format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Export only the nodes, relationships and paths this query returns.
    #[arg(long)]
    pub query: Option<String>,
    /// Output file (or directory for csv); standard output when omitted. With `--format dot`,
    /// a name ending in `.svg` or `.png` is the rendered picture.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Also run Graphviz `dot` to draw the DOT export: the picture goes beside the `-o` file
    /// (`sahel.dot` → `sahel.svg`), or to standard output without `-o`.
    #[arg(long, value_enum)]
    pub render: Option<RenderFormat>,
    /// DOT: leave out nodes without relationships (a whole graph's isolated entities).
    #[arg(long)]
    pub connected: bool,
    /// DOT: add a legend of the node colours and shapes by label.
    #[arg(long)]
    pub legend: bool,
}

/// Arguments of `kg stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The graph file.
    #[arg(short, long)]
    pub graph: PathBuf,
}

/// Arguments of `kg gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Number of nodes.
    #[arg(long)]
    pub nodes: u64,
    /// Number of relationships.
    #[arg(long)]
    pub rels: u64,
    /// Random seed (the same seed gives the same graph).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The graph file to write.
    #[arg(short, long)]
    pub graph: PathBuf,
}
