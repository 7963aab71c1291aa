//! The body of `kg eval`: extract every article of a gold folder and score it against the
//! folder's annotations ([`crate::eval::score`]), printing precision, recall and F1 per relation
//! type, per language and overall, then the false positives (with our evidence) and the misses
//! (with the gold evidence).
//!
//! The folder has the layout of `../shared/news-dev`: `articles/NAME.txt` and
//! `gold/NAME.tsv` (`subject relation object evidence`, no header). An article's language is its
//! `_ar`/`_en` name suffix, else detected. A missing or malformed gold file is reported and the
//! other articles are still scored; the exit code is then 1.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{EvalArgs, EvalFormat, EvalLang};
use crate::commands::extract::load_lexicon;
use crate::error::{Error, Result};
use crate::eval::{parse_gold, score, Counts, Equivalences, Record, Score};
use crate::extract::{extract_file_dated, lang, Lang, Lexicon, PartialDate};

/// The language of an article: its name suffix, else its text.
fn article_lang(path: &Path) -> Lang {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if stem.ends_with("_ar") {
        Lang::Ar
    } else if stem.ends_with("_en") {
        Lang::En
    } else {
        lang::detect(&std::fs::read_to_string(path).unwrap_or_default())
    }
}

/// The articles of `dir/articles`, sorted.
fn articles(dir: &Path) -> Result<Vec<PathBuf>> {
    let articles = dir.join("articles");
    let rd = std::fs::read_dir(&articles).map_err(|source| Error::Io { path: articles.clone(), source })?;
    let mut out: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt") && p.is_file())
        .collect();
    out.sort();
    Ok(out)
}

/// What one run of `kg eval` read and found.
struct Run {
    gold: Vec<Record>,
    got: Vec<Record>,
    articles: usize,
    failed: usize,
}

fn extract_articles(lex: &Lexicon, dir: &Path, only: Option<Lang>, date: Option<PartialDate>) -> Result<Run> {
    let mut run = Run { gold: Vec::new(), got: Vec::new(), articles: 0, failed: 0 };
    for path in articles(dir)? {
        let lang = article_lang(&path);
        if only.is_some_and(|l| l != lang) {
            continue;
        }
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let gold_path = dir.join("gold").join(format!("{name}.tsv"));
        let gold = match std::fs::read_to_string(&gold_path) {
            Ok(text) => match parse_gold(&name, lang.code(), &text) {
                Ok(g) => g,
                Err((line, message)) => {
                    eprintln!("error: {}:{line}: {message}", gold_path.display());
                    run.failed += 1;
                    continue;
                }
            },
            Err(e) => {
                eprintln!("error: {}: {e}", gold_path.display());
                run.failed += 1;
                continue;
            }
        };
        let fx = match extract_file_dated(lex, &path, Some(lang), date) {
            Ok(fx) => fx,
            Err(e) => {
                eprintln!("error: {e}");
                run.failed += 1;
                continue;
            }
        };
        for w in &fx.warnings {
            eprintln!("warning: {w}");
        }
        run.articles += 1;
        run.gold.extend(gold);
        run.got.extend(fx.extraction.relations.iter().map(|r| Record {
            doc: name.clone(),
            lang: lang.code().to_string(),
            subject: r.subject.clone(),
            relation: r.relation.as_str().to_string(),
            object: r.object.clone(),
            evidence: r.evidence.clone(),
            date: r.date.map(|d| d.to_string()).unwrap_or_default(),
        }));
    }
    Ok(run)
}

fn row(out: &mut impl Write, name: &str, c: Counts) -> std::io::Result<()> {
    writeln!(
        out,
        "{name:<16} {:>6.3} {:>6.3} {:>6.3} {:>5} {:>5} {:>5}",
        c.precision(),
        c.recall(),
        c.f1(),
        c.tp,
        c.fp,
        c.fn_
    )
}

fn records(out: &mut impl Write, title: &str, list: &[Record]) -> std::io::Result<()> {
    writeln!(out, "\n{title} ({})", list.len())?;
    for r in list {
        let date = if r.date.is_empty() { String::new() } else { format!("  [{}]", r.date) };
        writeln!(out, "  {:<8} {} {} {}{date}", r.doc, r.subject, r.relation, r.object)?;
        if !r.evidence.is_empty() {
            writeln!(out, "           {}", r.evidence)?;
        }
    }
    Ok(())
}

/// Write the text report of a score.
///
/// # Errors
/// Write errors.
pub fn write_text(out: &mut impl Write, s: &Score, verbose: bool) -> std::io::Result<()> {
    writeln!(out, "{:<16} {:>6} {:>6} {:>6} {:>5} {:>5} {:>5}", "", "P", "R", "F1", "tp", "fp", "fn")?;
    for (name, c) in &s.by_relation {
        row(out, name, *c)?;
    }
    for (name, c) in &s.by_language {
        row(out, name, *c)?;
    }
    row(out, "overall", s.overall)?;
    if verbose {
        writeln!(out)?;
        for (name, c) in &s.by_document {
            row(out, name, *c)?;
        }
    }
    records(out, "false positives: extracted, not in the gold (our evidence)", &s.false_positives)?;
    records(out, "misses: in the gold, not extracted (the gold evidence)", &s.misses)?;
    if verbose {
        records(out, "true positives", &s.true_positives)?;
    }
    Ok(())
}

/// Runs `kg eval`.
///
/// # Errors
/// A bad lexicon or equivalences file, an unreadable `articles` folder, an output error, or
/// [`Error::Failed`] when some articles could not be scored (the others are reported).
pub fn run(args: &EvalArgs) -> Result<()> {
    let lex = load_lexicon(args.lexicon.as_deref())?;
    let eq = match &args.lexicon {
        Some(d) => Equivalences::load_dir(d)?,
        None => Equivalences::embedded(),
    };
    let only = args.lang.map(|l| match l {
        EvalLang::Ar => Lang::Ar,
        EvalLang::En => Lang::En,
    });
    let run = extract_articles(&lex, &args.gold_dir, only, args.date)?;
    let s = score(&run.gold, &run.got, &eq);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        EvalFormat::Json => {
            let mut v = serde_json::to_value(&s).map_err(|e| Error::Output(std::io::Error::other(e)))?;
            if let Some(m) = v.as_object_mut() {
                m.insert("articles".to_string(), run.articles.into());
            }
            writeln!(out, "{v}")?;
        }
        EvalFormat::Text => {
            writeln!(
                out,
                "{}: {} articles, {} gold relations, {} extracted",
                args.gold_dir.display(),
                run.articles,
                run.gold.len(),
                run.got.len()
            )?;
            write_text(&mut out, &s, args.verbose)?;
        }
    }
    out.flush()?;
    if run.failed > 0 {
        return Err(Error::Failed(format!("{} article(s) could not be scored", run.failed)));
    }
    Ok(())
}
