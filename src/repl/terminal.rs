//! The terminal: rustyline (history, completion, hints) in front of a [`Session`].
//!
//! The loop only wires keys to the session's decisions: a line goes to
//! [`Session::handle_to`] (a block over several lines gets the prompt [`Session::prompt`]
//! gives, `    ...> `), Ctrl-C to [`Session::on_interrupt`], Ctrl-D and `:quit` to
//! [`Session::on_eof`] (which may ask before unsaved edits are discarded). A whole input (a
//! block as one entry) goes to the history once it has run.

use super::complete::ReplHelper;
use super::piped::piped;
use super::session::{EofAction, Session};
use crate::render::exit;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::{DefaultHistory, History};
use rustyline::validate::Validator;
use rustyline::Context;
use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

impl Completer for ReplHelper {
    type Candidate = Pair;
    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, words) = self.completions(line, pos);
        Ok((
            start,
            words
                .into_iter()
                .map(|w| Pair {
                    display: w.clone(),
                    replacement: w,
                })
                .collect(),
        ))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.history_hint(line, pos, ctx).or_else(|| self.shape_hint(line, pos))
    }
}

impl Highlighter for ReplHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }
}

/// Every line is handed to the session as typed: an open block goes on at the next prompt
/// (`    ...> `), so Ctrl-C can drop it and say so.
impl Validator for ReplHelper {}

impl rustyline::Helper for ReplHelper {}

/// Where the history is kept: `$XDG_STATE_HOME/entitle/history`, else `~/.entitle_history`.
pub fn history_path() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("XDG_STATE_HOME")
        .map(|d| d.join("entitle").join("history"))
        .or_else(|| var("HOME").map(|h| h.join(".entitle_history")))
}

/// `entitle repl POLICY`: an interactive session when standard input is a terminal, else
/// one input line after another without prompts. Exit code 0 at the end of input (or
/// `:quit`), 2 when the policy cannot be loaded.
pub fn run(path: &Path, color: bool) -> i32 {
    let loading = crate::cli::progress::Loading::start(path);
    let loaded = Session::load(path, color);
    drop(loading);
    let mut session = match loaded {
        Ok((s, warnings)) => {
            eprint!("{warnings}");
            s
        }
        Err(e) => {
            eprint!("{}", e.render(color));
            return exit::ERROR;
        }
    };
    if std::io::stdin().is_terminal() {
        interactive(&mut session)
    } else {
        piped(&mut session)
    }
}

/// Ctrl-C: remember what was on the line (rustyline drops it), then interrupt as usual.
struct KeepLine(Arc<Mutex<String>>);

impl rustyline::ConditionalEventHandler for KeepLine {
    fn handle(
        &self,
        _: &rustyline::Event,
        _: rustyline::RepeatCount,
        _: bool,
        ctx: &rustyline::EventContext<'_>,
    ) -> Option<rustyline::Cmd> {
        if let Ok(mut line) = self.0.lock() {
            *line = ctx.line().to_string();
        }
        None
    }
}

type Editor = rustyline::Editor<ReplHelper, DefaultHistory>;

fn interactive(session: &mut Session) -> i32 {
    use rustyline::error::ReadlineError;
    let config = rustyline::Config::builder()
        .auto_add_history(false)
        .history_ignore_space(true)
        .completion_type(rustyline::CompletionType::List)
        .max_history_size(1000)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| b.build())
        .unwrap_or_default();
    let mut editor: Editor = match rustyline::Editor::with_config(config) {
        Ok(e) => e,
        Err(_) => return piped(session),
    };
    editor.set_helper(Some(ReplHelper::new(session)));
    let interrupted = Arc::new(Mutex::new(String::new()));
    editor.bind_sequence(
        rustyline::KeyEvent::ctrl('C'),
        rustyline::EventHandler::Conditional(Box::new(KeepLine(interrupted.clone()))),
    );
    let history = history_path();
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    print!("{}", session.banner());
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    loop {
        match editor.readline(session.prompt()) {
            Ok(line) => {
                session.handle_to(&line, &mut out, &mut err);
                let _ = out.flush();
                let _ = err.flush();
                if !session.is_pending() && !line.trim().is_empty() {
                    if let Some((text, _)) = session.last_input() {
                        let _ = editor.add_history_entry(text);
                    }
                }
                if let Some(h) = editor.helper_mut() {
                    h.refresh(session);
                }
                if session.should_quit() && leave(&mut editor, session) {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => {
                let typed = interrupted
                    .lock()
                    .map(|mut l| std::mem::take(&mut *l))
                    .unwrap_or_default();
                print!("{}", session.on_interrupt(&typed));
                let _ = out.flush();
                if let Some(h) = editor.helper_mut() {
                    h.refresh(session);
                }
            }
            Err(ReadlineError::Eof) => {
                // an open block is reported and dropped, as at the end of piped input
                session.finish_to(&mut out, &mut err);
                let _ = err.flush();
                if let Some(h) = editor.helper_mut() {
                    h.refresh(session);
                }
                if leave(&mut editor, session) {
                    break;
                }
            }
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                break;
            }
        }
    }
    // inputs that failed were there for Up-arrow; the file keeps the ones that worked
    if let Some(helper) = editor.helper() {
        let kept: Vec<String> = editor.history().iter().filter(|e| !helper.failed(e)).cloned().collect();
        if kept.len() < editor.history().len() {
            let h = editor.history_mut();
            let _ = h.clear();
            for entry in kept {
                let _ = h.add_owned(entry);
            }
        }
    }
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.save_history(h);
    }
    exit::OK
}

/// Whether to leave now: at once when nothing would be lost, else after asking (`y` leaves;
/// Ctrl-C or anything else stays; the end of input leaves, since nobody can answer).
fn leave(editor: &mut Editor, session: &mut Session) -> bool {
    use rustyline::error::ReadlineError;
    let EofAction::Ask(question) = session.on_eof() else {
        return true;
    };
    if let Some(h) = editor.helper_mut() {
        h.quiet = true;
    }
    let answer = match editor.readline(&question) {
        Ok(answer) => session.confirm_leave(&answer),
        Err(ReadlineError::Interrupted) => session.confirm_leave(""),
        Err(_) => true,
    };
    if let Some(h) = editor.helper_mut() {
        h.quiet = false;
    }
    answer
}
