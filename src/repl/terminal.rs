//! The terminal: rustyline (history, completion, hints, multi-line blocks) in front of a
//! [`Session`].

use super::complete::ReplHelper;
use super::input::is_incomplete;
use super::piped::piped;
use super::session::Session;
use crate::render::exit;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::Context;
use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

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
        self.history.hint(line, pos, ctx).or_else(|| self.shape_hint(line, pos))
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

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(if is_incomplete(ctx.input()) {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

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
    let mut session = match Session::load(path, color) {
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

fn interactive(session: &mut Session) -> i32 {
    use rustyline::error::ReadlineError;
    use rustyline::history::DefaultHistory;
    let config = rustyline::Config::builder()
        .auto_add_history(true)
        .history_ignore_space(true)
        .completion_type(rustyline::CompletionType::List)
        .max_history_size(1000)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| b.build())
        .unwrap_or_default();
    let mut editor: rustyline::Editor<ReplHelper, DefaultHistory> = match rustyline::Editor::with_config(config) {
        Ok(e) => e,
        Err(_) => return piped(session),
    };
    editor.set_helper(Some(ReplHelper::new(session)));
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
                if session.should_quit() {
                    break;
                }
                if let Some(h) = editor.helper_mut() {
                    h.refresh(session);
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                break;
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
