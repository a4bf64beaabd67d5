//! Standard input that is not a terminal: one line at a time, without prompts.

use super::session::Session;
use crate::render::exit;
use std::io::{BufRead, Write};

pub(super) fn piped(session: &mut Session) -> i32 {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    run_piped(session, stdin.lock(), &mut out, &mut err)
}

/// The non-terminal loop: every line of `input` in turn, without prompts, until the end of
/// input or `:quit`. Returns the exit code (0, or 2 when `input` cannot be read).
/// Piped input: one line at a time, no prompts. Exit 0 when every line was answered without
/// an error, 1 when some line was answered with an error (it is on standard error, and the
/// session went on), 2 when standard input cannot be read.
pub fn run_piped(session: &mut Session, input: impl BufRead, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut err = Watch {
        inner: err,
        wrote: false,
    };
    let code = |err: &Watch<'_>| {
        if err.wrote {
            exit::DENY
        } else {
            exit::OK
        }
    };
    for line in input.lines() {
        match line {
            Ok(line) => {
                session.handle_to(line.trim_end_matches('\r'), out, &mut err);
                let _ = out.flush();
                if session.should_quit() {
                    return code(&err);
                }
            }
            Err(e) => {
                let _ = writeln!(err, "error: cannot read standard input: {e}");
                return exit::ERROR;
            }
        }
    }
    session.finish_to(out, &mut err);
    let _ = out.flush();
    code(&err)
}

/// A writer that remembers whether anything was written through it.
struct Watch<'a> {
    inner: &'a mut dyn Write,
    wrote: bool,
}

impl Write for Watch<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.wrote |= !buf.is_empty();
        self.inner.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
