//! Typed input: the words of a command line, and whether a block is still open.

use super::COMMANDS;
use crate::diag::{self, Diagnostic};
use crate::source::{Sources, Span};
use std::io::Write;
use std::ops::Range;

/// One executed input, as a source that diagnostics can quote.
pub(super) struct Input {
    pub(super) name: String,
    pub(super) text: String,
}

impl Input {
    pub(super) fn new(name: String, text: &str) -> Input {
        Input {
            name,
            text: text.to_string(),
        }
    }

    pub(super) fn span(&self, range: Range<usize>) -> Span {
        Span::new(crate::source::FileId(0), range)
    }

    pub(super) fn report(&self, mut diags: Vec<Diagnostic>, color: bool, err: &mut dyn Write) {
        let mut sources = Sources::new();
        sources.add(self.name.clone(), self.text.clone());
        diag::sort(&mut diags);
        let _ = write!(err, "{}", diag::render_all(&diags, &sources, color));
    }

    /// Check the number of arguments of `cmd`.
    pub(super) fn arity(&self, cmd: &str, args: &[Token], min: usize, max: usize) -> Result<(), Vec<Diagnostic>> {
        let usage = COMMANDS.iter().find(|c| c.0 == cmd).map_or(String::new(), |c| {
            if c.1.is_empty() {
                format!("usage: {cmd}")
            } else {
                format!("usage: {cmd} {}", c.1)
            }
        });
        if args.len() < min {
            let shape = COMMANDS.iter().find(|c| c.0 == cmd).map_or("", |c| c.1);
            let missing: Vec<&str> = shape
                .split_whitespace()
                .filter(|w| !w.starts_with('['))
                .skip(args.len())
                .collect();
            let last = args.last().map_or_else(
                || {
                    let start = self.text.len() - self.text.trim_start().len();
                    start..start + cmd.len()
                },
                |t| t.range.clone(),
            );
            return Err(vec![Diagnostic::error(
                "usage",
                format!("`{cmd}` needs {}", missing.join(" ")),
            )
            .with_label(self.span(last), format!("{} missing after this", missing.join(" ")))
            .with_help(usage)]);
        }
        if args.len() > max {
            let extra = &args[max..];
            return Err(vec![Diagnostic::error(
                "usage",
                format!(
                    "`{cmd}` takes {}",
                    match max {
                        0 => "no argument".to_string(),
                        1 => "one argument".to_string(),
                        n => format!("at most {n} arguments"),
                    }
                ),
            )
            .with_label(
                self.span(extra[0].range.start..extra[extra.len() - 1].range.end),
                "unexpected",
            )
            .with_help(usage + " (quote a name that contains spaces)")]);
        }
        Ok(())
    }
}

/// A word of a command line: its text (quotes removed, escapes resolved) and where it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Token {
    pub(super) text: String,
    pub(super) range: Range<usize>,
    pub(super) quoted: bool,
}

/// Split a command line into words: runs of non-space characters or `"…"` strings (with
/// `\"` and `\\`); `#` outside a word starts a comment. An unterminated string is an error.
pub(super) fn words(text: &str) -> Result<Vec<Token>, Range<usize>> {
    let mut out = vec![];
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '#' {
            break;
        } else if c == '"' {
            chars.next();
            let mut s = String::new();
            let mut end = None;
            while let Some((j, d)) = chars.next() {
                match d {
                    '\\' if matches!(chars.peek(), Some((_, '"' | '\\'))) => s.push(chars.next().unwrap().1),
                    '"' => {
                        end = Some(j + 1);
                        break;
                    }
                    '\n' => break,
                    _ => s.push(d),
                }
            }
            let Some(end) = end else {
                let line_end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                return Err(i..line_end);
            };
            out.push(Token {
                text: s,
                range: i..end,
                quoted: true,
            });
        } else {
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_whitespace() {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            out.push(Token {
                text: text[i..end].to_string(),
                range: i..end,
                quoted: false,
            });
        }
    }
    Ok(out)
}

/// How many more `{` than `}` the text has, outside strings and comments.
pub fn open_braces(text: &str) -> i64 {
    crate::syntax::brace_depth(text).0
}

/// The offset of the innermost `{` still open at the end of the text.
pub(super) fn unclosed_brace(text: &str) -> Option<usize> {
    crate::syntax::brace_depth(text).1
}

/// Whether input is an unfinished block (`{` outnumber `}` outside strings and comments).
pub fn is_incomplete(text: &str) -> bool {
    open_braces(text) > 0
}
