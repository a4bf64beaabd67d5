//! Standard input that is not a terminal: one line at a time, without prompts.

use super::session::{Session, Watch};
use crate::render::exit;
use std::io::{BufRead, Write};

pub(super) fn piped(session: &mut Session) -> i32 {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    run_piped(session, stdin.lock(), &mut out, &mut err)
}

/// The non-terminal loop: every line of `input` in turn, without prompts, until the end of
/// input or `:quit` (nobody is asked about unsaved edits: a one-line note on `err` says how
/// many were not saved, except after `:quit!`). Exit 0 when every line was answered without
/// an error, 1 when some line was answered with an error (it is on standard error, and the
/// session went on), 2 when standard input cannot be read. The note does not count as an
/// error.
pub fn run_piped(session: &mut Session, input: impl BufRead, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut watch = Watch {
        inner: err,
        wrote: false,
    };
    let mut ended = false;
    for line in input.lines() {
        match line {
            Ok(line) => {
                session.handle_to(line.trim_end_matches('\r'), out, &mut watch);
                let _ = out.flush();
                if session.should_quit() {
                    ended = true;
                    break;
                }
            }
            Err(e) => {
                let _ = writeln!(watch, "error: cannot read standard input: {e}");
                return exit::ERROR;
            }
        }
    }
    if !ended {
        session.finish_to(out, &mut watch);
    }
    let _ = out.flush();
    let failed = watch.wrote;
    if let Some(note) = session.unsaved_note() {
        let _ = write!(err, "{note}");
    }
    if failed {
        exit::DENY
    } else {
        exit::OK
    }
}
