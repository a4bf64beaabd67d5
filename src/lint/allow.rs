//! Inline allow comments: `# entitle: allow(CODE)` or `# entitle: allow(CODE1, CODE2)`.
//!
//! Where a comment applies (its *scope*):
//! - a comment on a line of its own applies to the statement or declaration that starts on the
//!   next line that is not a comment (other whole-line comments may stand between them; a
//!   blank line may not). Before a block (`group`, `user`, `country`, `key`, `account`) it
//!   covers the whole block;
//! - a comment after code applies to the outermost statement or declaration that ends on its
//!   line, else to the one that starts on it (`group G in US {  # entitle: allow(…)` covers
//!   the block).
//!
//! A finding is silenced when its code is named and its primary place lies in the scope.
//! Text after the closing parenthesis is free (a reason: `allow(unused-group) -- kept for Q3`).
//!
//! The comments are checked too: an unknown code is `unknown-lint` (with a did-you-mean), a
//! `# entitle:` comment that is not `allow(…)` or that precedes nothing is `invalid-allow`,
//! and a named code that silences nothing in its scope is `unused-allow`. These three are
//! about the comments themselves: inline comments do not silence them (the flags do).

use super::config;
use crate::diag::{did_you_mean, Diagnostic};
use crate::source::{FileId, Sources, Span};
use crate::syntax::{Decl, Document, Item};

/// The codes about the comments themselves, which inline comments do not silence.
pub(super) const META: [&str; 3] = ["unknown-lint", "invalid-allow", "unused-allow"];

/// One code named in an allow comment, with where it applies.
struct Allow {
    code: &'static str,
    /// Where the code is written in the comment.
    at: Span,
    scope: Span,
    used: bool,
}

/// The allow comments of a document and the warnings about them.
pub(super) struct Allows {
    allows: Vec<Allow>,
    problems: Vec<Diagnostic>,
}

/// The statements and declarations an allow comment can apply to: every top-level item and
/// every statement of a declaration's block.
fn scopes(doc: &Document) -> Vec<Span> {
    let mut out = vec![];
    for item in &doc.items {
        out.push(item.span);
        if let Item::Decl(d) = &item.kind {
            match d {
                Decl::Account(a) => out.extend(a.stmts.iter().map(|s| s.span)),
                Decl::Product(_) => {}
                Decl::Country(c) => out.extend(c.stmts.iter().map(|s| s.span)),
                Decl::Group(g) => out.extend(g.stmts.iter().map(|s| s.span)),
                Decl::User(u) => out.extend(u.stmts.iter().map(|s| s.span)),
                Decl::Key(k) => out.extend(k.stmts.iter().map(|s| s.span)),
            }
        }
    }
    out
}

/// The parsed directive of a `# entitle:` comment: each code with its byte range in `text`,
/// or `None` when it is not `allow(…)` with at least one code.
fn parse(text: &str) -> Option<Vec<(&str, usize)>> {
    let offset = |s: &str| s.as_ptr() as usize - text.as_ptr() as usize;
    let rest = text
        .strip_prefix('#')?
        .trim_start()
        .strip_prefix("entitle:")?
        .trim_start();
    let rest = rest.strip_prefix("allow")?.trim_start().strip_prefix('(')?;
    let close = rest.find(')')?;
    let mut codes = vec![];
    for part in rest[..close].split(',') {
        let code = part.trim();
        if code.is_empty() {
            return None;
        }
        codes.push((code, offset(code)));
    }
    Some(codes)
}

/// Whether a comment's text is meant for entitle (`# entitle:` …).
fn is_directive(text: &str) -> bool {
    text.strip_prefix('#')
        .is_some_and(|r| r.trim_start().starts_with("entitle:"))
}

impl Allows {
    /// Every allow comment of the files `doc` was parsed from.
    pub(super) fn collect(doc: &Document, sources: &Sources) -> Allows {
        let mut out = Allows {
            allows: vec![],
            problems: vec![],
        };
        let mut files: Vec<FileId> = doc.items.iter().map(|i| i.span.file).collect();
        files.sort();
        files.dedup();
        let mut all_scopes: Option<Vec<Span>> = None;
        for file in files {
            let Some(src) = sources.try_get(file) else { continue };
            let text = src.text.as_str();
            if !text.contains("entitle:") {
                continue;
            }
            for c in crate::syntax::comments::scan(text) {
                if !is_directive(&c.text) {
                    continue;
                }
                let scopes = all_scopes.get_or_insert_with(|| scopes(doc));
                let span = |range: std::ops::Range<usize>| Span::new(file, c.start + range.start..c.start + range.end);
                let whole = span(0..c.text.len());
                let Some(codes) = parse(&c.text) else {
                    out.problems.push(
                        Diagnostic::warning(
                            "invalid-allow",
                            "this `# entitle:` comment is not `allow(CODE, …)`: it silences nothing",
                        )
                        .with_label(whole, "not understood")
                        .with_help("write `# entitle: allow(CODE)` or `# entitle: allow(CODE1, CODE2)` with the codes `entitle lint` prints"),
                    );
                    continue;
                };
                let Some(scope) = target(scopes, src, file, c.start) else {
                    out.problems.push(
                        Diagnostic::warning(
                            "invalid-allow",
                            "this allow comment applies to no statement: it silences nothing",
                        )
                        .with_label(whole, "no statement or declaration follows on the next line")
                        .with_help("put the comment on the line just before the statement or block (no blank line between), or at the end of the statement's line"),
                    );
                    continue;
                };
                for (code, at) in codes {
                    let at = span(at..at + code.len());
                    match config::code(code) {
                        Some(code) => out.allows.push(Allow {
                            code,
                            at,
                            scope,
                            used: false,
                        }),
                        None => {
                            let mut d = Diagnostic::warning(
                                "unknown-lint",
                                format!("unknown lint code `{code}` in an allow comment"),
                            )
                            .with_label(at, "not a lint code");
                            d = match did_you_mean(code, config::CODES.iter().map(|(c, _)| *c)) {
                                Some(s) => d.with_help(s),
                                None => d.with_help("the codes are listed in `entitle lint --help` and docs/lint.md"),
                            };
                            out.problems.push(d);
                        }
                    }
                }
            }
        }
        out
    }

    /// Remove the findings an allow comment silences; then add the comments' own warnings
    /// (`unused-allow` for each code that silenced nothing).
    pub(super) fn apply(mut self, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut out = Vec::with_capacity(findings.len());
        for d in findings {
            let silenced = !META.contains(&d.code)
                && d.primary_span().is_some_and(|p| {
                    let mut hit = false;
                    for a in &mut self.allows {
                        if a.code == d.code
                            && a.scope.file == p.file
                            && a.scope.start <= p.start
                            && p.end <= a.scope.end
                        {
                            a.used = true;
                            hit = true;
                        }
                    }
                    hit
                });
            if !silenced {
                out.push(d);
            }
        }
        out.extend(self.problems);
        for a in self.allows.iter().filter(|a| !a.used) {
            let why = if META.contains(&a.code) {
                format!(
                    "`{}` is about allow comments themselves: only `--allow {}` silences it",
                    a.code, a.code
                )
            } else {
                format!(
                    "no `{}` finding lies in the statement or block this comment applies to",
                    a.code
                )
            };
            out.push(
                Diagnostic::warning("unused-allow", format!("`allow({})` silences nothing", a.code))
                    .with_label(a.at, why)
                    .with_help(format!("delete `{}` from the comment", a.code)),
            );
        }
        out
    }
}

/// The scope of a comment starting at byte `at` of `src` (see the module documentation).
fn target(scopes: &[Span], src: &crate::source::SourceFile, file: FileId, at: usize) -> Option<Span> {
    let text = src.text.as_str();
    let line = src.line_col(at).0;
    let line_of = |offset: u32| src.line_col(offset as usize).0;
    let in_file = || scopes.iter().copied().filter(move |s| s.file == file);
    // the outermost: the earliest start, then the longest
    let outermost = |it: &mut dyn Iterator<Item = Span>| it.min_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..at].trim().is_empty() {
        // a comment on a line of its own: the next line that is not a comment
        let last = src.line_col(text.len()).0;
        for next in line + 1..=last {
            let t = src.line_text(next).trim();
            if t.is_empty() {
                return None;
            }
            if !t.starts_with('#') {
                return outermost(&mut in_file().filter(|s| line_of(s.start) == next));
            }
        }
        return None;
    }
    outermost(&mut in_file().filter(|s| line_of(s.end.saturating_sub(1).max(s.start)) == line))
        .or_else(|| outermost(&mut in_file().filter(|s| line_of(s.start) == line)))
}
