//! The body of `kg extract`: text files → relations on stdout (TSV contract or JSON Lines).
//!
//! Each file is extracted on its own (its path is the document id); a failing file is
//! reported on stderr and the others still run; the exit code is 1 at the end if any failed.

use std::io::Write;
use std::path::Path;

use crate::cli::{ExtractArgs, ExtractFormat, LangArg};
use crate::error::{Error, Result};
use crate::extract::{extract_file_dated, ExtractedRelation, Lang, Lexicon};

/// The TSV header of DESIGN.md's contract.
pub const TSV_HEADER: &str = "subject\trelation\tobject\tsubject_label\tobject_label\tdoc\tsentence\tevidence\tdate";

/// The language hint of a `--lang` argument.
pub fn lang_hint(l: LangArg) -> Option<Lang> {
    match l {
        LangArg::Auto => None,
        LangArg::Ar => Some(Lang::Ar),
        LangArg::En => Some(Lang::En),
    }
}

/// Load the lexicon a `--lexicon` argument names, or the embedded one.
///
/// # Errors
/// The lexicon directory's errors.
pub fn load_lexicon(dir: Option<&Path>) -> Result<Lexicon> {
    Ok(match dir {
        Some(d) => Lexicon::load_dir(d)?,
        None => Lexicon::embedded(),
    })
}

/// Replace tabs and line breaks so a field fits one TSV cell.
pub fn tsv_field(s: &str) -> String {
    s.chars().map(|c| if matches!(c, '\t' | '\n' | '\r') { ' ' } else { c }).collect()
}

/// Write one relation as a TSV line.
///
/// # Errors
/// Write errors.
pub fn write_tsv(out: &mut impl Write, r: &ExtractedRelation) -> std::io::Result<()> {
    writeln!(
        out,
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        tsv_field(&r.subject),
        r.relation,
        tsv_field(&r.object),
        r.subject_label,
        r.object_label,
        tsv_field(&r.doc),
        r.sentence,
        tsv_field(&r.evidence),
        r.date.map(|d| d.to_string()).unwrap_or_default()
    )
}

/// Runs `kg extract`.
///
/// # Errors
/// A bad lexicon, an output error, or [`Error::Failed`] when some files could not be read.
pub fn run(args: &ExtractArgs) -> Result<()> {
    let lex = load_lexicon(args.lexicon.as_deref())?;
    let lang = lang_hint(args.lang);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.format == ExtractFormat::Tsv {
        writeln!(out, "{TSV_HEADER}")?;
    }
    let mut failed = 0;
    for path in &args.files {
        match extract_file_dated(&lex, path, lang, args.date) {
            Ok(fx) => {
                for w in &fx.warnings {
                    eprintln!("warning: {w}");
                }
                for r in &fx.extraction.relations {
                    match args.format {
                        ExtractFormat::Tsv => write_tsv(&mut out, r)?,
                        ExtractFormat::Jsonl => {
                            let line = serde_json::to_string(r).map_err(|e| Error::Output(std::io::Error::other(e)))?;
                            writeln!(out, "{line}")?;
                        }
                    }
                }
            }
            Err(e) => {
                out.flush()?;
                eprintln!("error: {e}");
                failed += 1;
            }
        }
    }
    out.flush()?;
    if failed > 0 {
        return Err(Error::Failed(format!("{failed} of {} file(s) could not be read", args.files.len())));
    }
    Ok(())
}
