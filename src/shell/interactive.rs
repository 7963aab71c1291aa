//! The two ways `kg shell` reads input: [`run_interactive`] on a terminal (rustyline editor,
//! history, a continuation prompt while a statement is open, Ctrl-C handling, confirmation
//! before leaving with unsaved changes) and [`run_piped`]
//! when stdin is a pipe or a file (statements only, results only).

use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor};

use super::complete::CompletionIndex;
use super::helper::ShellHelper;
use super::meta;
use super::script::{ready_len, split_script};
use super::session::{report, Flow, Session, Source};
use crate::error::{Error, Result};
use crate::render::Format;

/// The prompt where a statement or meta-command starts.
pub const PROMPT: &str = "kg> ";

/// The prompt of each further line of a statement not yet ended by `;`: as wide as [`PROMPT`],
/// so the lines of a statement stay aligned.
pub const CONTINUATION_PROMPT: &str = "..> ";

/// Said when Ctrl-D ends input in the middle of a statement: the shell stays open.
const UNFINISHED: &str =
    "the unfinished statement was discarded (a statement ends with ';'); Ctrl-D at the kg> prompt leaves";

/// Where history is kept: `$KG_HISTORY`, else `$XDG_DATA_HOME/kgraph/history`, else
/// `~/.local/share/kgraph/history`; `None` when none of these can be found.
pub fn history_path() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    history_path_from(var("KG_HISTORY"), var("XDG_DATA_HOME"), var("HOME"))
}

fn history_path_from(kg_history: Option<PathBuf>, xdg_data: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    if kg_history.is_some() {
        return kg_history;
    }
    let data = xdg_data.or_else(|| home.map(|h| h.join(".local/share")))?;
    Some(data.join("kgraph").join("history"))
}

/// Runs the statements and meta-commands read from stdin, printing only results. Every
/// statement runs; errors are reported on stderr as they happen.
///
/// # Errors
/// [`Error::Failed`] when some statements failed; an output or save error.
pub fn run_piped(session: &mut Session) -> Result<()> {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text).map_err(|source| Error::Io { path: "<stdin>".into(), source })?;
    let source = Source::new("<stdin>", super::script::strip_bom(text));
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let outcome = session.run_script(&source, true, &mut out)?;
    if session.is_dirty() && session.path().is_some() {
        session.save()?;
    }
    if outcome.errors > 0 {
        return Err(Error::Failed(format!("{} of {} statements failed", outcome.errors, outcome.items)));
    }
    Ok(())
}

/// The width of the terminal standard output writes to (`None` when it is not a terminal, so
/// pipes and files get whole values).
pub fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() {
        return None;
    }
    // SAFETY: TIOCGWINSZ writes a `winsize` into the zeroed struct we pass; nothing else.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    if ok && size.ws_col > 0 {
        return Some(usize::from(size.ws_col));
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|c| *c > 0)
}

/// The cancel flag the SIGINT handler sets while a statement runs.
static CANCEL: OnceLock<Arc<AtomicBool>> = OnceLock::new();

extern "C" fn on_sigint(_: libc::c_int) {
    // Only an atomic store: safe in a signal handler.
    if let Some(flag) = CANCEL.get() {
        flag.store(true, Ordering::SeqCst);
    }
}

/// Makes Ctrl-C outside line editing (while a statement runs) set `flag` instead of killing the
/// process. rustyline installs its own handler while it reads a line and restores this one.
/// The first flag installed stays: one process runs one interactive session.
fn install_sigint(flag: Arc<AtomicBool>) {
    let _ = CANCEL.get_or_init(|| flag);
    // SAFETY: `on_sigint` only performs an atomic store; sigaction is given a zeroed, valid
    // struct with an empty mask.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as usize;
        libc::sigemptyset(&mut action.sa_mask);
        action.sa_flags = libc::SA_RESTART;
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
    }
}

/// Runs the interactive shell on a terminal until `:quit` or Ctrl-D.
///
/// # Errors
/// A failure of the terminal itself; statement errors are printed and the shell goes on.
pub fn run_interactive(session: &mut Session) -> Result<()> {
    session.set_verbose(true);
    install_sigint(session.cancel_flag());
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_space(true)
        .completion_type(rustyline::CompletionType::List)
        .max_history_size(10_000)
        .map_err(readline_error)?
        .build();
    let mut editor: Editor<ShellHelper, DefaultHistory> = Editor::with_config(config).map_err(readline_error)?;
    let mut index = CompletionIndex::build(session.graph());
    index.set_params(session.params().keys());
    editor.set_helper(Some(ShellHelper::new(index, color)));
    let mut history = history_path();
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.load_history(path);
    }
    greet(session);
    let mut seen_generation = session.generation();
    let stdout = io::stdout();
    // The lines of a statement not yet ended by its `;`.
    let mut open = String::new();
    loop {
        if session.generation() != seen_generation {
            seen_generation = session.generation();
            if let Some(helper) = editor.helper_mut() {
                let index = helper.index_mut();
                *index = CompletionIndex::build(session.graph());
                index.set_params(session.params().keys());
            }
        }
        if let Some(helper) = editor.helper_mut() {
            helper.set_open_statement(&open);
        }
        let prompt = if open.is_empty() { PROMPT } else { CONTINUATION_PROMPT };
        let line = match editor.readline(prompt) {
            Ok(line) => {
                // From here on a Ctrl-C (a SIGINT, the terminal being out of raw mode) cancels
                // what was just entered.
                session.reset_cancel();
                line
            }
            // Ctrl-C throws away the whole open statement, not only its last line.
            Err(ReadlineError::Interrupted) => {
                open.clear();
                continue;
            }
            Err(ReadlineError::Eof) if !open.is_empty() => {
                open.clear();
                eprintln!("{UNFINISHED}");
                continue;
            }
            Err(ReadlineError::Eof) => {
                if confirm_leave(session, &mut editor)? {
                    break;
                }
                continue;
            }
            Err(e) => return Err(readline_error(e)),
        };
        if open.is_empty() && line.trim().is_empty() {
            continue;
        }
        // `help`, `quit`, `exit` or psql's `\x` alone would open a statement and leave a
        // newcomer at `..> `.
        let vertical = session.format() == Format::Vertical;
        let line = match meta::bare_word_command(&line, vertical).filter(|_| open.is_empty()) {
            Some(command) => command,
            None => line,
        };
        if !open.is_empty() {
            open.push('\n');
        }
        open.push_str(&line);
        // Finished statements run now; a statement still open waits for its `;`.
        let ready = ready_len(&open);
        if ready == 0 {
            continue;
        }
        let input = open[..ready].to_string();
        open.drain(..ready);
        if let Ok(true) = editor.add_history_entry(input.as_str()) {
            if let Some(path) = &history {
                if let Err(e) = editor.append_history(path) {
                    eprintln!("warning: cannot write history {}: {e}; history is off for this session", path.display());
                    history = None;
                }
            }
        }
        let trimmed = input.trim();
        if trimmed.starts_with(':') && !trimmed.contains('\n') {
            let parsed = meta::parse_meta(trimmed);
            if parsed.name == "quit" && !parsed.force {
                if confirm_leave(session, &mut editor)? {
                    break;
                }
                continue;
            }
        }
        let source = Source::new("<shell>", input);
        session.set_width(terminal_width());
        let mut out = stdout.lock();
        // A pasted script runs every statement, as psql does: an error does not hide the rest.
        let keep_going = split_script(&source.text).len() > 1;
        match session.run_script(&source, keep_going, &mut out) {
            Ok(outcome) if outcome.flow == Flow::Quit => break,
            Ok(_) => {}
            Err(e) if e.is_broken_pipe() => break,
            Err(e) => {
                drop(out);
                report(&shorten_origin(e));
            }
        }
        if session.cancel_flag().load(Ordering::SeqCst) {
            open.clear();
        }
    }
    Ok(())
}

/// Interactive errors come from what was just typed: drop the `<shell>:` prefix of meta-command
/// errors, keep `line:col` for statements (they may span lines).
fn shorten_origin(e: Error) -> Error {
    match e {
        Error::Failed(m) => match m.strip_prefix("<shell>:") {
            Some(rest) => Error::Failed(rest.split_once(": ").map_or(rest, |(_, msg)| msg).to_string()),
            None => Error::Failed(m),
        },
        other => other,
    }
}

fn greet(session: &Session) {
    let version = env!("CARGO_PKG_VERSION");
    match session.path() {
        Some(_) => eprintln!(
            "kgraph {version}: {}. Statements end with ';'. :help for help, Ctrl-D to leave.",
            session.describe()
        ),
        None => eprintln!(
            "kgraph {version}: using an in-memory graph (not saved unless you :save PATH; open a file with kg shell -g PATH). Statements end with ';'. :help for help, Ctrl-D to leave."
        ),
    }
}

/// Asks before leaving with unsaved changes. `true` to leave.
fn confirm_leave(session: &mut Session, editor: &mut Editor<ShellHelper, DefaultHistory>) -> Result<bool> {
    if !session.is_dirty() {
        return Ok(true);
    }
    let question = match session.path() {
        Some(p) => format!("save changes to {} before leaving? [y/n, Enter cancels] ", p.display()),
        None => "the in-memory graph has changes: leave and discard them? [y/N] ".to_string(),
    };
    let has_path = session.path().is_some();
    if let Some(h) = editor.helper_mut() {
        h.set_plain(true);
    }
    let answer = editor.readline(&question);
    if let Some(h) = editor.helper_mut() {
        h.set_plain(false);
    }
    let answer = match answer {
        Ok(a) => a.trim().to_ascii_lowercase(),
        Err(ReadlineError::Eof) => "y".into(),
        Err(_) => return Ok(false),
    };
    match (answer.as_str(), has_path) {
        ("y" | "yes", true) => match session.save() {
            Ok(()) => Ok(true),
            Err(e) => {
                report(&e);
                Ok(false)
            }
        },
        ("n" | "no", true) | ("y" | "yes", false) => Ok(true),
        _ => Ok(false),
    }
}

fn readline_error(e: ReadlineError) -> Error {
    Error::Output(match e {
        ReadlineError::Io(e) => e,
        other => io::Error::other(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigint_sets_the_cancel_flag_instead_of_killing() {
        let flag = Arc::new(AtomicBool::new(false));
        install_sigint(flag.clone());
        let installed = CANCEL.get().expect("flag installed").clone();
        // SAFETY: the handler installed above only stores to an atomic.
        unsafe {
            libc::raise(libc::SIGINT);
        }
        assert!(installed.load(Ordering::SeqCst));
    }

    #[test]
    fn history_path_prefers_kg_history_then_xdg_then_home() {
        let p = |s: &str| Some(PathBuf::from(s));
        assert_eq!(history_path_from(p("/t/h"), p("/x"), p("/home/a")), p("/t/h"));
        assert_eq!(history_path_from(None, p("/x"), p("/home/a")), p("/x/kgraph/history"));
        assert_eq!(history_path_from(None, None, p("/home/a")), p("/home/a/.local/share/kgraph/history"));
        assert_eq!(history_path_from(None, None, None), None);
    }
}
