//! Canonical formatting of a policy [`Document`] (`entitle fmt`, `fmt --check`, the REPL's
//! `:show` and `:save`).
//!
//! Formatting is gofmt-like: it keeps the author's layout choices (a block on one line or over
//! several, blank lines, aligned trailing comments, quoted names) and normalises the rest.
//! [`format_source`] formats a document parsed from a text and reads those choices from the
//! text; [`format_document`] formats a document built or edited in memory, which has no text,
//! in the default layout. A node whose span does not point into the text given to
//! [`format_source`] (a statement made by an edit) is laid out as [`format_document`] would.
//!
//! Either way, parsing the output gives back the same document (spans aside), every comment
//! is kept, and formatting is idempotent: formatting the output again changes nothing.
//!
//! # The canonical style
//!
//! Layout
//! - Items keep their source order; statements inside a block keep their order. Nothing is
//!   sorted, merged or deduplicated.
//! - Indentation is two spaces per level; no line has trailing whitespace; the output ends
//!   with a newline (an empty document prints as the empty string). `;` separators are
//!   dropped. Inside a statement, words are separated by one space and list entries by `, `.
//! - Every item (declaration, `expect`, scenario, what-if statement) starts a new line.
//!   `product` declarations, `expect` lines and what-if statements are always one line.
//! - A block with no statements and no comments prints `{ }` on the header line:
//!   `country US { }`.
//! - A block written on one line in the source (from its keyword to its `}`) that holds no
//!   comment stays on one line: `HEAD { a  b }`, one space after `{` and before `}`,
//!   statements separated by exactly two spaces. A scenario on one line stays so too, its
//!   items separated by two spaces (its blocks then being on one line as well).
//! - Any other block (written over several lines, holding a comment, or without a source)
//!   prints `{` at the end of the header line, one statement per line indented one level
//!   (statements that shared a line are put on lines of their own), and `}` alone on a line
//!   at the header's indentation.
//! - Blank lines: where the source had one or more blank lines between two items, two
//!   statements, two comment lines, or a comment and what follows it, the output has exactly
//!   one; where it had none, the output has none. There is never a blank line at the start or
//!   end of the output, right after a `{` or right before a `}`.
//! - Without a source (and between a node from the source and one made by an edit):
//!   statements of a block have no blank line between them; between two top-level items
//!   there is exactly one blank line, except that two consecutive items of the same kind that
//!   each print on one line (leading comments aside) are not separated: product after
//!   product, expect after expect, what-if after what-if (any what-if statements count as one
//!   kind), and country / group / user / key / account / scenario with an empty block `{ }`
//!   after one of the same kind; the end comments of the document (or of a scenario) follow
//!   its last item after one blank line. A scenario's body is laid out like the document, one
//!   level in.
//!
//! Comments (every comment of the AST is printed, in order; none is added)
//! - Leading comments go on their own lines, at the indentation of the statement they
//!   precede, above it (blank lines among them as in the source; without a source, directly
//!   above it, the blank line separating items going above the comments).
//! - A trailing comment follows its statement on the same line (`allow A  # why`); for a
//!   block it follows the closing `}` (or the one-line block). It stands two spaces after the
//!   statement, except where the author aligned it: when in the source the statement began
//!   its line and the comment stood two or more spaces after it, the comment keeps its
//!   source column (counted in characters) as long as that leaves two spaces.
//! - A comment written after `{` on the header line, or inside a statement, goes on its own
//!   line before the next statement (the AST attaches it there).
//! - The end comments of a block go on their own lines before its `}`, indented like the
//!   block's statements; the end comments of the document or of a scenario follow its last
//!   item.
//! - A comment text that does not start with `#` (only possible in a hand-built AST) is
//!   printed with `# ` in front, so it stays a comment.
//!
//! Names
//! - A name written as a quoted string in the source stays quoted, even where it could be
//!   bare: `"France"`, a display name used as a reference, stays as the author wrote it.
//!   Other names (written bare, or without a source) follow the rules below.
//! - A name prints as a bare identifier when it matches `[A-Za-z_][A-Za-z0-9_.-]*` and is not
//!   one of the reserved keywords (exact, case-sensitive: `country IN` stays bare); otherwise
//!   as a double-quoted string with `\` and `"` escaped.
//! - Display names are always quoted strings.
//! - User emails and `register` emails print bare when they match the grammar's email token
//!   (one `@` with text on both sides, no whitespace, `,` `{` `}` `;` `#` `"`), else quoted.
//!   Principals (`expect`, `remove`) print bare as an email or an identifier, else quoted.
//! - Domains and the rule after `by` print as written (the grammar has no quoted form).
//! - Lists print as `a, b, c`.
//!
//! Statements the grammar cannot write
//! - `entitled` with an empty list prints as the bare word `entitled` (it entitles nothing).
//! - Any other list statement with an empty list has no written form (the grammar needs at
//!   least one name) and means the same as no statement, so it is left out; its comments are
//!   kept, each on its own line where the statement would have been.
//! - An `account` prints its block when it has one (`has_block`), or when it has statements
//!   or end comments even though `has_block` is false.
//! - An `expect` group name is printed only after a `by RULE` (the grammar allows no other
//!   place for it).
//! - Names containing a line break have no written form at all (strings are one line); they
//!   are printed quoted with the line break as is, which will not parse back.

use crate::source::{FileId, Span};
use crate::syntax::ast::{
    Access, AccountDecl, AccountStmt, Comments, CountryDecl, CountryStmt, Decl, Document, Expect, GroupDecl, GroupStmt,
    Item, KeyDecl, KeyStmt, Name, Node, ProductDecl, Scenario, UserDecl, UserStmt, WhatIf,
};

/// The reserved keywords (LANGUAGE.md §1), exactly as written: the one table in
/// [`crate::keywords`].
pub use crate::keywords::RESERVED as KEYWORDS;

const INDENT: &str = "  ";

/// Print a document in the canonical style, laid out as if it had no source text: every
/// block that has a statement or a comment over several lines, blank lines between items by
/// their kinds (see the module documentation). For documents built or edited in memory; a
/// document parsed from a text is formatted with [`format_source`].
pub fn format_document(doc: &Document) -> String {
    Printer { src: None }.document(doc)
}

/// Print a document parsed from `text` (file `file`) in the canonical style, keeping the
/// layout choices of the text: blocks written on one line, blank lines, the column of
/// trailing comments (see the module documentation). Nodes whose span does not point into
/// `text` (made by an edit) are laid out as [`format_document`] does.
pub fn format_source(doc: &Document, file: FileId, text: &str) -> String {
    Printer {
        src: Some(Src::new(file, text)),
    }
    .document(doc)
}

/// A name as it must be written where the grammar expects a name: a bare identifier when
/// possible, else a quoted string.
pub fn format_name(text: &str) -> String {
    if is_ident(text) && !KEYWORDS.contains(&text) {
        text.to_string()
    } else {
        quote(text)
    }
}

/// One what-if statement on one line (without comments), e.g. `set access US A inherit`.
pub fn format_whatif(w: &WhatIf) -> String {
    Printer { src: None }.whatif(w)
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

/// A number as `fmt` writes it: `_` between groups of three digits (`1_200_000`).
pub fn format_number(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('_');
        }
        out.push(c);
    }
    out
}

/// A number token: canonical when it is a valid number, else as written.
fn number(n: &Name) -> String {
    crate::resolve::number(n).map_or_else(|_| n.text.clone(), format_number)
}

// ---------------------------------------------------------------- names

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The grammar's `email` token: `email_char+ "@" email_char+`.
fn is_email(s: &str) -> bool {
    let email_char = |c: char| !matches!(c, ' ' | '\t' | '\r' | '\n' | ',' | '{' | '}' | ';' | '#' | '"' | '@');
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && local.chars().all(email_char) && domain.chars().all(email_char)
        }
        None => false,
    }
}

/// `"…"` with `\` and `"` escaped: how a string (a display name) is written.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn name(n: &Name) -> String {
    format_name(&n.text)
}

/// A user's email (`user`, `register`): bare email token or string.
fn email(n: &Name) -> String {
    if is_email(&n.text) {
        n.text.clone()
    } else {
        quote(&n.text)
    }
}

/// A principal reference (`expect`, `remove`): email, identifier or string.
fn principal(n: &Name) -> String {
    if is_email(&n.text) {
        n.text.clone()
    } else {
        name(n)
    }
}

pub(crate) fn comment(text: &str) -> String {
    let text = text.trim_end();
    if text.starts_with('#') {
        text.to_string()
    } else {
        format!("# {text}")
    }
}

fn indented(lines: Vec<String>) -> impl Iterator<Item = String> {
    lines
        .into_iter()
        .map(|l| if l.is_empty() { l } else { format!("{INDENT}{l}") })
}

// ---------------------------------------------------------------- layout

/// The source text a document was parsed from: where its line breaks, blank lines and
/// comments were.
pub(crate) struct Src<'a> {
    file: FileId,
    text: &'a str,
    /// Where each comment of the text starts, in order.
    comments: Vec<usize>,
}

impl<'a> Src<'a> {
    pub(crate) fn new(file: FileId, text: &'a str) -> Src<'a> {
        let comments = crate::syntax::comments::scan(text)
            .into_iter()
            .map(|c| c.start)
            .collect();
        Src { file, text, comments }
    }

    /// Whether a span points into this text (a node made by an edit may carry the span of a
    /// what-if statement in another file).
    fn holds(&self, span: Span) -> bool {
        let r = span.range();
        span.file == self.file
            && r.start < r.end
            && r.end <= self.text.len()
            && self.text.is_char_boundary(r.start)
            && self.text.is_char_boundary(r.end)
    }

    /// Whether the text of a span is on one line.
    fn one_line(&self, span: Span) -> bool {
        self.holds(span) && !self.text[span.range()].contains('\n')
    }

    /// Whether `from..to` holds a blank line: a whole line (not the first or the last one of
    /// the range, which belong to what is before and after) of only whitespace.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        let Some(gap) = self.text.get(from..to) else {
            return false;
        };
        let lines: Vec<&str> = gap.split('\n').collect();
        lines.len() > 2
            && lines[1..lines.len() - 1]
                .iter()
                .any(|l| l.trim_matches([' ', '\t', '\r']).is_empty())
    }

    /// Where the comments `texts` start: the last `texts.len()` comments before `before`,
    /// if their texts match (they do for a node parsed from this text).
    fn comment_starts(&self, before: usize, texts: &[String]) -> Option<Vec<usize>> {
        let end = self.comments.partition_point(|&c| c < before);
        let starts = &self.comments[end.checked_sub(texts.len())?..end];
        let matches = starts.iter().zip(texts).all(|(&s, t)| {
            let line = &self.text[s..];
            line[..line.find('\n').unwrap_or(line.len())].trim_end() == t
        });
        matches.then(|| starts.to_vec())
    }

    /// The column (in characters) of the trailing comment of the node `span`, when the
    /// author placed it: two or more spaces after the node, which began its line (or whose
    /// line holds nothing before the node's own text).
    fn trailing_column(&self, span: Span) -> Option<usize> {
        let (start, end) = (span.start as usize, span.end as usize);
        let rest = self.text.get(end..)?;
        let at = end + rest.len() - rest.trim_start_matches([' ', '\t', ';']).len();
        if !self.text[at..].starts_with('#') || self.text[end..at].chars().count() < 2 {
            return None;
        }
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        if line_start <= start && !self.text[line_start..start].trim_matches([' ', '\t']).is_empty() {
            return None;
        }
        Some(self.text[line_start..at].chars().count())
    }
}

/// Where the previous line of a run came from, for deciding blank lines.
#[derive(Clone, Copy)]
enum Prev {
    /// Nothing before it in this run (the start of the file or of a block).
    Start,
    /// Something ending at this offset of the source text.
    At(usize),
    /// Something without a place in the source text (built by an edit).
    Nowhere,
}

/// One statement or item of a run, printed: its span, comments and lines (the trailing
/// comment already on the last line).
struct Entry<'n> {
    span: Span,
    comments: &'n Comments,
    lines: Vec<String>,
    kind: Option<Kind>,
}

/// Prints a document, with its source text when it has one.
pub(crate) struct Printer<'a> {
    pub(crate) src: Option<Src<'a>>,
}

impl Printer<'_> {
    pub(crate) fn document(&self, doc: &Document) -> String {
        let mut lines = vec![];
        let end = self.src.as_ref().map(|s| s.text.len());
        self.items(&mut lines, &doc.items, &doc.end_comments, end, 0);
        let mut out = String::new();
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// The source text, if `span` points into it.
    fn src(&self, span: Span) -> Option<&Src<'_>> {
        self.src.as_ref().filter(|s| s.holds(span))
    }

    /// Whether a block was written on one line.
    fn one_line(&self, span: Span) -> bool {
        self.src.as_ref().is_some_and(|s| s.one_line(span))
    }

    /// Where the `}` of a block is, if it was parsed from the source text.
    fn close_brace(&self, span: Span) -> Option<usize> {
        let s = self.src(span)?;
        let at = span.end as usize - 1;
        (s.text.as_bytes()[at] == b'}').then_some(at)
    }

    /// `line` with the trailing comment of the node `span` (if any) after it: at the column
    /// it had in the source when that leaves two spaces or more, else two spaces after.
    fn with_trailing(&self, line: String, span: Span, trailing: Option<&String>, depth: usize) -> String {
        let Some(t) = trailing else { return line };
        let width = INDENT.len() * depth + line.chars().count();
        let gap = self
            .src(span)
            .and_then(|s| s.trailing_column(span))
            .map_or(2, |column| column.saturating_sub(width).max(2));
        format!("{line}{:gap$}{}", "", comment(t))
    }

    /// A run of entries (items or statements) with their leading comments, then the run's
    /// end comments (which stand before `end` in the source). Blank lines come from the
    /// source where both sides of one are in it, else from `default_blank` (between two
    /// entries) and `default_end_blank` (before the end comments, after an entry).
    fn run(
        &self,
        out: &mut Vec<String>,
        entries: Vec<Entry<'_>>,
        end_comments: &[String],
        end: Option<usize>,
        default_blank: impl Fn(&Entry<'_>, &Entry<'_>) -> bool,
        default_end_blank: bool,
    ) {
        let mut prev = Prev::Start;
        let mut last: Option<Entry<'_>> = None;
        for entry in entries {
            let src = self.src(entry.span);
            let leading = entry.comments.leading();
            let starts = src.and_then(|s| s.comment_starts(entry.span.start as usize, leading));
            let first = match (&starts, src) {
                (Some(starts), _) if !starts.is_empty() => Some(starts[0]),
                (_, Some(_)) => Some(entry.span.start as usize),
                _ => None,
            };
            let blank = match (prev, first) {
                (Prev::Start, _) => false,
                (Prev::At(e), Some(p)) => self.src.as_ref().is_some_and(|s| s.blank_between(e, p)),
                _ => last.as_ref().is_some_and(|l| default_blank(l, &entry)),
            };
            if blank {
                out.push(String::new());
            }
            for (i, c) in leading.iter().enumerate() {
                if let (Some(starts), Some(s)) = (&starts, src) {
                    if i > 0 && s.blank_between(starts[i - 1], starts[i]) {
                        out.push(String::new());
                    }
                }
                out.push(comment(c));
            }
            if let (Some(starts), Some(s)) = (&starts, src) {
                if let Some(&c) = starts.last() {
                    if s.blank_between(c, entry.span.start as usize) {
                        out.push(String::new());
                    }
                }
            }
            out.extend(entry.lines.iter().cloned());
            prev = if src.is_some() {
                Prev::At(entry.span.end as usize)
            } else {
                Prev::Nowhere
            };
            last = Some(entry);
        }
        if end_comments.is_empty() {
            return;
        }
        let src = self.src.as_ref();
        let starts = end.and_then(|e| src?.comment_starts(e, end_comments));
        let blank = match (prev, &starts) {
            (Prev::Start, _) => false,
            (Prev::At(e), Some(starts)) => src.is_some_and(|s| s.blank_between(e, starts[0])),
            _ => default_end_blank,
        };
        if blank {
            out.push(String::new());
        }
        for (i, c) in end_comments.iter().enumerate() {
            if let (Some(starts), Some(s)) = (&starts, src) {
                if i > 0 && s.blank_between(starts[i - 1], starts[i]) {
                    out.push(String::new());
                }
            }
            out.push(comment(c));
        }
    }

    /// A run of items (the document, or a scenario's body) at indentation `depth`.
    fn items(
        &self,
        out: &mut Vec<String>,
        nodes: &[Node<Item>],
        end_comments: &[String],
        end: Option<usize>,
        depth: usize,
    ) {
        let entries = nodes
            .iter()
            .map(|node| {
                let mut lines = self.item(&node.kind, node.span, depth);
                if let Some(last) = lines.pop() {
                    lines.push(self.with_trailing(last, node.span, node.comments.trailing(), depth));
                }
                Entry {
                    span: node.span,
                    comments: &node.comments,
                    lines,
                    kind: Some(kind(&node.kind)),
                }
            })
            .collect();
        // without a source: one blank line between items, except between one-line items
        // of the same kind
        let default_blank =
            |a: &Entry<'_>, b: &Entry<'_>| !(a.lines.len() == 1 && b.lines.len() == 1 && a.kind == b.kind);
        self.run(out, entries, end_comments, end, default_blank, true);
    }

    /// The lines of one item, without its comments.
    pub(crate) fn item(&self, item: &Item, span: Span, depth: usize) -> Vec<String> {
        match item {
            Item::Decl(d) => self.decl(d, span, depth),
            Item::Expect(e) => vec![self.expect(e)],
            Item::Scenario(s) => self.scenario(s, span, depth),
            Item::WhatIf(w) => vec![self.whatif(w)],
        }
    }

    /// `HEAD { }` for an empty body; `HEAD { a  b }` for a block written on one line without
    /// comments; else `HEAD {`, one statement per line one level in, `}`.
    fn block<T>(
        &self,
        head: String,
        span: Span,
        depth: usize,
        nodes: &[Node<T>],
        end_comments: &[String],
        f: impl Fn(&T) -> Option<String>,
    ) -> Vec<String> {
        let no_comments = end_comments.is_empty() && nodes.iter().all(|n| n.comments == Comments::default());
        if no_comments && (nodes.is_empty() || self.one_line(span)) {
            let parts: Vec<String> = nodes.iter().filter_map(|n| f(&n.kind)).collect();
            return vec![one_line_block(&head, &parts)];
        }
        let entries = nodes
            .iter()
            .map(|n| Entry {
                span: n.span,
                comments: &n.comments,
                lines: match f(&n.kind) {
                    Some(line) => vec![self.with_trailing(line, n.span, n.comments.trailing(), depth + 1)],
                    None => n.comments.trailing().map(|c| comment(c)).into_iter().collect(),
                },
                kind: None,
            })
            .collect();
        let mut body = vec![];
        self.run(
            &mut body,
            entries,
            end_comments,
            self.close_brace(span),
            |_, _| false,
            false,
        );
        multi_line_block(head, body)
    }

    fn decl(&self, d: &Decl, span: Span, depth: usize) -> Vec<String> {
        match d {
            Decl::Account(a) => self.account(a, span, depth),
            Decl::Product(p) => vec![self.product(p)],
            Decl::Country(c) => self.country(c, span, depth),
            Decl::Group(g) => self.group(g, span, depth),
            Decl::User(u) => self.user(u, span, depth),
            Decl::Key(k) => self.key(k, span, depth),
        }
    }

    fn account(&self, a: &AccountDecl, span: Span, depth: usize) -> Vec<String> {
        let mut head = "account".to_string();
        if let Some(n) = &a.name {
            head.push(' ');
            head.push_str(&self.name(n));
        }
        if !(a.has_block || !a.stmts.is_empty() || !a.end_comments.is_empty()) {
            return vec![head];
        }
        self.block(head, span, depth, &a.stmts, &a.end_comments, |s| match s {
            AccountStmt::Domain { domain, auto_approve } => Some(if *auto_approve {
                format!("domain {} auto-approve", domain.text)
            } else {
                format!("domain {}", domain.text)
            }),
            AccountStmt::Alerts(l) => self.list_stmt("alerts", l),
            AccountStmt::Global(l) => self.list_stmt("global", l),
        })
    }

    fn country(&self, c: &CountryDecl, span: Span, depth: usize) -> Vec<String> {
        let head = with_display(format!("country {}", self.name(&c.name)), &c.display);
        self.block(head, span, depth, &c.stmts, &c.end_comments, |s| match s {
            CountryStmt::Revenue(n) => Some(format!("revenue {}", number(n))),
            CountryStmt::Covers(l) => self.list_stmt("covers", l),
            CountryStmt::Entitled(l) if l.is_empty() => Some("entitled".to_string()),
            CountryStmt::Entitled(l) => self.list_stmt("entitled", l),
            CountryStmt::Default(a) => Some(format!("default {a}")),
            CountryStmt::Access(a, l) => self.list_stmt(a.as_str(), l),
        })
    }

    fn group(&self, g: &GroupDecl, span: Span, depth: usize) -> Vec<String> {
        let head = format!("group {} in {}", self.name(&g.name), self.name(&g.country));
        self.block(head, span, depth, &g.stmts, &g.end_comments, |s| match s {
            GroupStmt::Allowed(l) => self.list_stmt("allowed", l),
            GroupStmt::IncludeCountry => Some("include-country".to_string()),
            GroupStmt::Exception(a, l) => self.list_stmt(&format!("exception {a}"), l),
        })
    }

    fn user(&self, u: &UserDecl, span: Span, depth: usize) -> Vec<String> {
        let head = with_display(format!("user {}", self.email(&u.email)), &u.display);
        self.block(head, span, depth, &u.stmts, &u.end_comments, |s| match s {
            UserStmt::Country(c) => Some(format!("country {}", self.name(c))),
            UserStmt::EntitlementCountry(c) => Some(format!("entitlement-country {}", self.name(c))),
            UserStmt::Groups(l) => self.list_stmt("groups", l),
            UserStmt::Roles(l) => self.list_stmt("roles", l),
            UserStmt::Status(st) => Some(format!("status {}", self.name(st))),
            UserStmt::Access(a, l) => self.list_stmt(a.as_str(), l),
        })
    }

    fn key(&self, k: &KeyDecl, span: Span, depth: usize) -> Vec<String> {
        let mut head = format!("key {}", self.name(&k.name));
        if let Some(c) = &k.country {
            head.push_str(" in ");
            head.push_str(&self.name(c));
        }
        self.block(head, span, depth, &k.stmts, &k.end_comments, |s| match s {
            KeyStmt::Groups(l) => self.list_stmt("groups", l),
        })
    }

    /// A scenario lays out its items like the document's, one level in; written on one line
    /// (and holding no comment and no item of several lines) it stays on one line.
    fn scenario(&self, s: &Scenario, span: Span, depth: usize) -> Vec<String> {
        let head = format!("scenario {}", self.name(&s.name));
        if s.end_comments.is_empty() && (s.items.is_empty() || self.one_line(span)) {
            let parts: Option<Vec<String>> = s
                .items
                .iter()
                .map(|n| {
                    let mut lines = self.item(&n.kind, n.span, depth + 1);
                    (n.comments == Comments::default() && lines.len() == 1).then(|| lines.remove(0))
                })
                .collect();
            if let Some(parts) = parts {
                return vec![one_line_block(&head, &parts)];
            }
        }
        let mut body = vec![];
        self.items(&mut body, &s.items, &s.end_comments, self.close_brace(span), depth + 1);
        multi_line_block(head, body)
    }

    // ------------------------------------------------------------ names

    /// Whether a name was written as a quoted string in the source text.
    fn quoted(&self, n: &Name) -> bool {
        self.src(n.span)
            .is_some_and(|s| s.text.as_bytes()[n.span.start as usize] == b'"')
    }

    /// A name: quoted if it was written quoted, else bare when it can be (see [`format_name`]).
    fn name(&self, n: &Name) -> String {
        if self.quoted(n) {
            quote(&n.text)
        } else {
            name(n)
        }
    }

    fn email(&self, n: &Name) -> String {
        if self.quoted(n) {
            quote(&n.text)
        } else {
            email(n)
        }
    }

    fn principal(&self, n: &Name) -> String {
        if self.quoted(n) {
            quote(&n.text)
        } else {
            principal(n)
        }
    }

    fn list(&self, names: &[Name]) -> String {
        names.iter().map(|n| self.name(n)).collect::<Vec<_>>().join(", ")
    }

    /// `KEYWORD a, b` — `None` for an empty list, which has no written form.
    fn list_stmt(&self, keyword: &str, names: &[Name]) -> Option<String> {
        (!names.is_empty()).then(|| format!("{keyword} {}", self.list(names)))
    }

    fn product(&self, p: &ProductDecl) -> String {
        with_display(format!("product {}", self.name(&p.name)), &p.display)
    }

    fn expect(&self, e: &Expect) -> String {
        let mut line = format!(
            "expect {} {} {}",
            self.principal(&e.principal),
            self.name(&e.product),
            e.access
        );
        if let Some(rule) = &e.rule {
            line.push_str(" by ");
            line.push_str(&rule.text);
            if let Some(g) = &e.group {
                line.push(' ');
                line.push_str(&self.name(g));
            }
        }
        line
    }

    fn whatif(&self, w: &WhatIf) -> String {
        match w {
            WhatIf::Remove { kind, name } => format!("remove {} {}", kind.as_str(), self.principal(name)),
            WhatIf::Convert(g) => format!("convert {}", self.name(g)),
            WhatIf::ClearExceptions(g) => format!("clear-exceptions {}", self.name(g)),
            WhatIf::SetDefault { country, access } => {
                format!("set default {} {}", self.name(country), access.as_str())
            }
            WhatIf::SetAccess {
                country,
                product,
                access,
            } => format!(
                "set access {} {} {}",
                self.name(country),
                self.name(product),
                access.map_or("inherit", Access::as_str)
            ),
            WhatIf::Register { email: e, code } => {
                format!("register {} country {}", self.email(e), self.name(code))
            }
            WhatIf::SetStatus { user, status } => {
                format!("set status {} {}", self.principal(user), self.name(status))
            }
            WhatIf::SetEntitlementCountry { user, country } => format!(
                "set entitlement-country {} {}",
                self.principal(user),
                self.name_or(country.as_ref(), "inherit")
            ),
            WhatIf::SetException { user, product, access } => format!(
                "set exception {} {} {}",
                self.principal(user),
                self.name(product),
                access.map_or("inherit", Access::as_str)
            ),
            WhatIf::SetGroupException { group, product, access } => format!(
                "set group-exception {} {} {}",
                self.name(group),
                self.name(product),
                access.map_or("inherit", Access::as_str)
            ),
            WhatIf::SetMember { group, principal, on } => format!(
                "set member {} {} {}",
                self.name(group),
                self.principal(principal),
                on_off(*on)
            ),
            WhatIf::SetAllowed { group, product, on } => {
                format!(
                    "set allowed {} {} {}",
                    self.name(group),
                    self.name(product),
                    on_off(*on)
                )
            }
            WhatIf::SetIncludeCountry { group, on } => {
                format!("set include-country {} {}", self.name(group), on_off(*on))
            }
            WhatIf::SetEntitled { country, product, on } => {
                format!(
                    "set entitled {} {} {}",
                    self.name(country),
                    self.name(product),
                    on_off(*on)
                )
            }
            WhatIf::SetRevenue { country, revenue } => format!(
                "set revenue {} {}",
                self.name(country),
                revenue.as_ref().map_or("none".to_string(), number)
            ),
            WhatIf::SetGlobal { product, on } => format!("set global {} {}", self.name(product), on_off(*on)),
            WhatIf::SetDomain { domain, mode } => format!("set domain {} {}", domain.text, mode.as_str()),
            WhatIf::SetKeyCountry { key, country } => format!(
                "set key-country {} {}",
                self.principal(key),
                self.name_or(country.as_ref(), "inherit")
            ),
        }
    }

    /// A name, or the keyword standing for none (`inherit`).
    fn name_or(&self, n: Option<&Name>, none: &str) -> String {
        n.map_or_else(|| none.to_string(), |n| self.name(n))
    }
}

/// `HEAD { a  b }`, or `HEAD { }` for no statements.
fn one_line_block(head: &str, parts: &[String]) -> String {
    if parts.is_empty() {
        format!("{head} {{ }}")
    } else {
        format!("{head} {{ {} }}", parts.join("  "))
    }
}

/// `HEAD {`, the body one level in, `}` — or `HEAD { }` for an empty body.
fn multi_line_block(head: String, body: Vec<String>) -> Vec<String> {
    if body.is_empty() {
        return vec![format!("{head} {{ }}")];
    }
    let mut out = vec![format!("{head} {{")];
    out.extend(indented(body));
    out.push("}".to_string());
    out
}

// ---------------------------------------------------------------- items

/// What decides whether two neighbouring one-line items share a paragraph (without a source).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Account,
    Product,
    Country,
    Group,
    User,
    Key,
    Expect,
    Scenario,
    WhatIf,
}

fn kind(item: &Item) -> Kind {
    match item {
        Item::Decl(Decl::Account(_)) => Kind::Account,
        Item::Decl(Decl::Product(_)) => Kind::Product,
        Item::Decl(Decl::Country(_)) => Kind::Country,
        Item::Decl(Decl::Group(_)) => Kind::Group,
        Item::Decl(Decl::User(_)) => Kind::User,
        Item::Decl(Decl::Key(_)) => Kind::Key,
        Item::Expect(_) => Kind::Expect,
        Item::Scenario(_) => Kind::Scenario,
        Item::WhatIf(_) => Kind::WhatIf,
    }
}

fn with_display(mut head: String, display: &Option<Name>) -> String {
    if let Some(d) = display {
        head.push(' ');
        head.push_str(&quote(&d.text));
    }
    head
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;
    use crate::syntax::{parse, EntityKind};

    fn parse_ok(text: &str) -> Document {
        let mut sources = Sources::new();
        let file = sources.add("t.ent", text);
        let (doc, errors) = parse(&sources, file);
        assert!(errors.is_empty(), "parse errors: {errors:#?}\nin:\n{text}");
        doc
    }

    fn fmt(text: &str) -> String {
        format_document(&parse_ok(text))
    }

    /// `entitle fmt`: the layout-aware formatter on a text; checks that the output means the
    /// same document and formats to itself.
    fn fmt_src(text: &str) -> String {
        let doc = parse_ok(text);
        let out = format_source(&doc, FileId(0), text);
        let again = parse_ok(&out);
        assert_eq!(spanless(&doc), spanless(&again), "round trip changed the AST:\n{out}");
        assert_eq!(format_source(&again, FileId(0), &out), out, "not idempotent:\n{out}");
        out
    }

    /// The document's `Debug` rendering with every `span: Span { .. }` removed, so two
    /// documents compare equal exactly when they are equal modulo spans.
    fn spanless(doc: &Document) -> String {
        let debug = format!("{doc:?}");
        let mut out = String::with_capacity(debug.len());
        let mut rest = debug.as_str();
        while let Some(at) = rest.find("span: Span {") {
            out.push_str(&rest[..at]);
            let close = rest[at..].find('}').expect("span closes") + at;
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        assert!(!out.contains("Span"), "spans left in {out}");
        out
    }

    /// `#` comments of a text in order (outside strings), like the parser's scanner.
    fn comments_of(text: &str) -> Vec<String> {
        let mut out = vec![];
        for line in text.lines() {
            let mut in_string = false;
            let mut escaped = false;
            for (i, c) in line.char_indices() {
                if in_string {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => in_string = false,
                        _ => {}
                    }
                } else if c == '"' {
                    in_string = true;
                } else if c == '#' {
                    out.push(line[i..].trim_end().to_string());
                    break;
                }
            }
        }
        out
    }

    /// Every comment held by the AST, in document order.
    fn ast_comments(doc: &Document) -> usize {
        fn node<T>(n: &Node<T>) -> usize {
            n.comments.leading().len() + usize::from(n.comments.trailing().is_some())
        }
        fn block<T>(stmts: &[Node<T>], end: &[String]) -> usize {
            stmts.iter().map(node).sum::<usize>() + end.len()
        }
        fn run(nodes: &[Node<Item>], end: &[String]) -> usize {
            let mut n = end.len();
            for i in nodes {
                n += node(i);
                n += match &i.kind {
                    Item::Decl(Decl::Account(a)) => block(&a.stmts, &a.end_comments),
                    Item::Decl(Decl::Country(c)) => block(&c.stmts, &c.end_comments),
                    Item::Decl(Decl::Group(g)) => block(&g.stmts, &g.end_comments),
                    Item::Decl(Decl::User(u)) => block(&u.stmts, &u.end_comments),
                    Item::Decl(Decl::Key(k)) => block(&k.stmts, &k.end_comments),
                    Item::Scenario(s) => run(&s.items, &s.end_comments),
                    _ => 0,
                };
            }
            n
        }
        run(&doc.items, &doc.end_comments)
    }

    /// Round trip and idempotence: parse(format(doc)) == doc (spans aside), and formatting
    /// the output again changes nothing.
    fn assert_round_trip(doc: &Document) -> String {
        let once = format_document(doc);
        let reparsed = parse_ok(&once);
        assert_eq!(
            spanless(doc),
            spanless(&reparsed),
            "round trip changed the AST:\n{once}"
        );
        let twice = format_document(&reparsed);
        assert_eq!(once, twice, "not idempotent");
        once
    }

    /// A messy file using every declaration, statement, what-if statement and comment
    /// position; formats to [`CANONICAL`].
    const MESSY: &str = r#"# Acme Engineering entitlements
# maintained by IT
account "Acme Engineering" {  # self-registration
    domain acme.com   auto-approve # approved automatically
  domain partner.io;   alerts MicroStation ,"OpenRoads Designer"
  # no more domains
}
product MicroStation;product OpenRoads "OpenRoads Designer"   # display name

# a reserved word as a name
product "access"
product "Lumen RT"   "LumenRT \"Pro\" \\ 2024"
product "IN" ; product "3D-Viewer"   product "_x.y-z"
product LumenRT
country US "United States" { covers CA,MX
  entitled "MicroStation", OpenRoads, LumenRT, "access"
    default deny # Default Access
  allow MicroStation; deny LumenRT,"Lumen RT" }
country "Great Britain" {}
country "EMPTY" {

}
country DE { entitled } # nothing entitled
group A in US {
allowed MicroStation
include-country       # the A/B example
# legacy
exception allow LumenRT
exception deny OpenRoads
}
group "Civil Engineers" in "Great Britain" { # nothing here yet
}
group "in" in US {}
user alice@acme.com "Alice Smith" { country US groups A, "Civil Engineers" roles account-admin, co-admin, fulfillment-contact
  status active allow LumenRT deny OpenRoads }
user "bob smith@acme.com" {}
user "not-an-email" {}

user "carol@partner.io" {
  country CA
  status "pending"   # waiting for approval
}
key SS-0001 { groups A }
key "key 2" {   }     # no groups yet
expect alice@acme.com MicroStation allow by group-allowed "A"
expect "alice@acme.com" "Lumen RT" deny
expect SS-0001 LumenRT deny   by not-entitled # why
expect "key 2" "access" deny by no-entitlement-country
scenario "convert Legacy" {
  # first convert
  convert A; clear-exceptions "Civil Engineers"
  remove user "bob smith@acme.com"
  remove product "Lumen RT"
  remove key "SS-0001"
  remove group "in"
  remove country EMPTY
  set default US allow
  set access US MicroStation deny
  set access US "access" inherit    # back to default
  register "dave@acme.com" country US
  register "eve at acme" country "Great Britain"
  remove user "dave@acme.com"
  expect alice@acme.com LumenRT deny by group-not-allowed A
  expect carol@partner.io MicroStation deny by status
  product NewThing
  country FR { entitled NewThing }
  # the end of the scenario
}
scenario empty {}
# end of file
# really"#;

    /// [`MESSY`] in the canonical style, written out by hand.
    const CANONICAL: &str = r#"# Acme Engineering entitlements
# maintained by IT
account "Acme Engineering" {
  # self-registration
  domain acme.com auto-approve  # approved automatically
  domain partner.io
  alerts MicroStation, "OpenRoads Designer"
  # no more domains
}

product MicroStation
product OpenRoads "OpenRoads Designer"  # display name
# a reserved word as a name
product "access"
product "Lumen RT" "LumenRT \"Pro\" \\ 2024"
product IN
product "3D-Viewer"
product _x.y-z
product LumenRT

country US "United States" {
  covers CA, MX
  entitled MicroStation, OpenRoads, LumenRT, "access"
  default deny  # Default Access
  allow MicroStation
  deny LumenRT, "Lumen RT"
}

country "Great Britain" { }
country EMPTY { }

country DE {
  entitled
}  # nothing entitled

group A in US {
  allowed MicroStation
  include-country  # the A/B example
  # legacy
  exception allow LumenRT
  exception deny OpenRoads
}

group "Civil Engineers" in "Great Britain" {
  # nothing here yet
}

group "in" in US { }

user alice@acme.com "Alice Smith" {
  country US
  groups A, "Civil Engineers"
  roles account-admin, co-admin, fulfillment-contact
  status active
  allow LumenRT
  deny OpenRoads
}

user "bob smith@acme.com" { }
user "not-an-email" { }

user carol@partner.io {
  country CA
  status pending  # waiting for approval
}

key SS-0001 {
  groups A
}

key "key 2" { }  # no groups yet

expect alice@acme.com MicroStation allow by group-allowed A
expect alice@acme.com "Lumen RT" deny
expect SS-0001 LumenRT deny by not-entitled  # why
expect "key 2" "access" deny by no-entitlement-country

scenario "convert Legacy" {
  # first convert
  convert A
  clear-exceptions "Civil Engineers"
  remove user "bob smith@acme.com"
  remove product "Lumen RT"
  remove key SS-0001
  remove group "in"
  remove country EMPTY
  set default US allow
  set access US MicroStation deny
  set access US "access" inherit  # back to default
  register dave@acme.com country US
  register "eve at acme" country "Great Britain"
  remove user dave@acme.com

  expect alice@acme.com LumenRT deny by group-not-allowed A
  expect carol@partner.io MicroStation deny by status

  product NewThing

  country FR {
    entitled NewThing
  }

  # the end of the scenario
}

scenario empty { }

# end of file
# really
"#;

    /// [`MESSY`] formatted with its layout (`entitle fmt`), written out by hand.
    const MESSY_WITH_LAYOUT: &str = r#"# Acme Engineering entitlements
# maintained by IT
account "Acme Engineering" {
  # self-registration
  domain acme.com auto-approve  # approved automatically
  domain partner.io
  alerts MicroStation, "OpenRoads Designer"
  # no more domains
}
product MicroStation
product OpenRoads "OpenRoads Designer"  # display name

# a reserved word as a name
product "access"
product "Lumen RT" "LumenRT \"Pro\" \\ 2024"
product "IN"
product "3D-Viewer"
product "_x.y-z"
product LumenRT
country US "United States" {
  covers CA, MX
  entitled "MicroStation", OpenRoads, LumenRT, "access"
  default deny  # Default Access
  allow MicroStation
  deny LumenRT, "Lumen RT"
}
country "Great Britain" { }
country "EMPTY" { }
country DE { entitled }  # nothing entitled
group A in US {
  allowed MicroStation
  include-country     # the A/B example
  # legacy
  exception allow LumenRT
  exception deny OpenRoads
}
group "Civil Engineers" in "Great Britain" {
  # nothing here yet
}
group "in" in US { }
user alice@acme.com "Alice Smith" {
  country US
  groups A, "Civil Engineers"
  roles account-admin, co-admin, fulfillment-contact
  status active
  allow LumenRT
  deny OpenRoads
}
user "bob smith@acme.com" { }
user "not-an-email" { }

user "carol@partner.io" {
  country CA
  status "pending"   # waiting for approval
}
key SS-0001 { groups A }
key "key 2" { }       # no groups yet
expect alice@acme.com MicroStation allow by group-allowed "A"
expect "alice@acme.com" "Lumen RT" deny
expect SS-0001 LumenRT deny by not-entitled  # why
expect "key 2" "access" deny by no-entitlement-country
scenario "convert Legacy" {
  # first convert
  convert A
  clear-exceptions "Civil Engineers"
  remove user "bob smith@acme.com"
  remove product "Lumen RT"
  remove key "SS-0001"
  remove group "in"
  remove country EMPTY
  set default US allow
  set access US MicroStation deny
  set access US "access" inherit    # back to default
  register "dave@acme.com" country US
  register "eve at acme" country "Great Britain"
  remove user "dave@acme.com"
  expect alice@acme.com LumenRT deny by group-not-allowed A
  expect carol@partner.io MicroStation deny by status
  product NewThing
  country FR { entitled NewThing }
  # the end of the scenario
}
scenario empty { }
# end of file
# really
"#;

    #[test]
    fn messy_sample_keeps_its_layout() {
        let got = fmt_src(MESSY);
        assert_eq!(got, MESSY_WITH_LAYOUT, "\n--- got ---\n{got}--- end ---");
        assert_eq!(comments_of(&got), comments_of(MESSY), "comments lost or reordered");
        // the default layout of the canonical text is canonical for `entitle fmt` too
        assert_eq!(fmt_src(CANONICAL), CANONICAL);
    }

    #[test]
    fn a_block_on_one_line_stays_on_one_line() {
        assert_eq!(
            fmt_src("country US { covers CA  entitled MicroStation, OpenRoads }\n"),
            "country US { covers CA  entitled MicroStation, OpenRoads }\n"
        );
        // spacing, `;` and list commas are normalised; statements get two spaces between
        assert_eq!(
            fmt_src("user u@x   {country US;groups A ,B   status active}"),
            "user u@x { country US  groups A, B  status active }\n"
        );
        assert_eq!(
            fmt_src("group G in US {}\nkey k {   }\naccount {}"),
            "group G in US { }\nkey k { }\naccount { }\n"
        );
        // a scenario on one line, with a block on one line inside
        assert_eq!(
            fmt_src("scenario s {country FR { entitled A } ; convert B}"),
            "scenario s { country FR { entitled A }  convert B }\n"
        );
        // a trailing comment after the `}` leaves the block on one line
        assert_eq!(fmt_src("key k { groups G } # why\n"), "key k { groups G }  # why\n");
    }

    #[test]
    fn a_block_over_several_lines_has_one_statement_per_line() {
        assert_eq!(
            fmt_src("country US {\n  covers CA  entitled A\n}\n"),
            "country US {\n  covers CA\n  entitled A\n}\n"
        );
        assert_eq!(
            fmt_src("country US { covers CA\n      allow A; deny B }"),
            "country US {\n  covers CA\n  allow A\n  deny B\n}\n"
        );
        // the header on several lines counts as several lines
        assert_eq!(fmt_src("country US\n{ allow A }"), "country US {\n  allow A\n}\n");
        // nested: the scenario over several lines, its blocks as written
        assert_eq!(
            fmt_src("scenario s {\n country FR { entitled A }\n    country DE {\n entitled B }\n}"),
            "scenario s {\n  country FR { entitled A }\n  country DE {\n    entitled B\n  }\n}\n"
        );
        // an empty block over several lines is `{ }`
        assert_eq!(fmt_src("country US {\n\n}\n"), "country US { }\n");
    }

    #[test]
    fn a_comment_inside_a_block_makes_it_multi_line() {
        assert_eq!(
            fmt_src("country US { allow A  # why\n}\n"),
            "country US {\n  allow A  # why\n}\n"
        );
        assert_eq!(
            fmt_src("country US { # about US\n allow A }\n"),
            "country US {\n  # about US\n  allow A\n}\n"
        );
        assert_eq!(fmt_src("key k { # none yet\n}"), "key k {\n  # none yet\n}\n");
        assert_eq!(
            fmt_src("scenario s { convert A # first\n}"),
            "scenario s {\n  convert A  # first\n}\n"
        );
    }

    #[test]
    fn blank_lines_are_kept_at_most_one() {
        // none added where the author had none
        assert_eq!(
            fmt_src("product A\ncountry US { }\nexpect k A allow\nscenario s { }\n"),
            "product A\ncountry US { }\nexpect k A allow\nscenario s { }\n"
        );
        // several collapse to one; none at the start or the end of the file
        assert_eq!(
            fmt_src("\n\n  \nproduct A\n\n\n \t\nproduct B\n\nproduct C\n\n\n"),
            "product A\n\nproduct B\n\nproduct C\n"
        );
        // inside a block: kept between statements, none after `{` or before `}`
        assert_eq!(
            fmt_src("country US {\n\n  covers CA\n\n\n  allow A\n  deny B\n\n}\n"),
            "country US {\n  covers CA\n\n  allow A\n  deny B\n}\n"
        );
        // among comments, and between comments and what they precede
        assert_eq!(
            fmt_src("# head\n\n\n# about A\nproduct A\n# B\n\nproduct B\n\n# end\n\n# really\n"),
            "# head\n\n# about A\nproduct A\n# B\n\nproduct B\n\n# end\n\n# really\n"
        );
        assert_eq!(
            fmt_src("country US {\n  allow A\n\n  # not yet\n}\n"),
            "country US {\n  allow A\n\n  # not yet\n}\n"
        );
        // a scenario's items like the document's
        assert_eq!(
            fmt_src("scenario s {\n\n  convert A\n\n\n  expect k A allow\n  expect k B deny\n\n}\n"),
            "scenario s {\n  convert A\n\n  expect k A allow\n  expect k B deny\n}\n"
        );
        // items sharing a line have no blank line between them
        assert_eq!(fmt_src("product A; product B\n"), "product A\nproduct B\n");
    }

    #[test]
    fn trailing_comments_keep_the_column_they_were_aligned_to() {
        let aligned = "user u@x {\n  country US\n  status pending    # waits\n  allow A           # exception\n}\n";
        assert_eq!(fmt_src(aligned), aligned);
        // re-indented: the column stays, so the comments stay aligned
        assert_eq!(
            fmt_src("user u@x {\n      status pending    # waits\n      allow A           # exception\n}\n"),
            "user u@x {\n  status pending        # waits\n  allow A               # exception\n}\n"
        );
        // one space, or a statement that did not begin its line: two spaces
        assert_eq!(fmt_src("product A # one\n"), "product A  # one\n");
        assert_eq!(
            fmt_src("product A; product B      # b\n"),
            "product A\nproduct B  # b\n"
        );
        // a column the statement now reaches past: two spaces
        assert_eq!(
            fmt_src("country US {\n  allow A ,B,C  # abc\n}\n"),
            "country US {\n  allow A, B, C  # abc\n}\n"
        );
        // after a block over several lines, the column of the `}` line
        assert_eq!(
            fmt_src("key k {\n  groups G\n}     # k\n"),
            "key k {\n  groups G\n}     # k\n"
        );
    }

    #[test]
    fn quoted_names_stay_quoted() {
        let text = "product \"A\" \"Display\"\ngroup \"G\" in \"France\" { allowed \"A\", B }\n\
                    user \"u@x\" { country \"FR\"  groups \"G\" }\nexpect \"u@x\" \"A\" allow by group-allowed \"G\"\n\
                    scenario \"s\" { remove user \"u@x\"  register \"v@x\" country \"FR\" }\n";
        assert_eq!(fmt_src(text), text);
        // bare names stay bare
        assert_eq!(fmt_src("product A \"a \\\"b\\\"\"\n"), "product A \"a \\\"b\\\"\"\n");
    }

    #[test]
    fn nodes_made_by_an_edit_get_the_default_layout() {
        let text = "country US { allow A }\n\n\nproduct B\n";
        let mut doc = parse_ok(text);
        // a declaration from another file (a what-if statement), and one whose span is stale
        let mut sources = Sources::new();
        sources.add("t.ent", text);
        let other = sources.add("what-if", "group G in US { allowed A }\nkey k { groups G }");
        let (edit, errors) = crate::syntax::parse(&sources, other);
        assert!(errors.is_empty());
        doc.items.extend(edit.items);
        assert_eq!(
            format_source(&doc, FileId(0), text),
            "country US { allow A }\n\nproduct B\n\ngroup G in US {\n  allowed A\n}\n\nkey k {\n  groups G\n}\n"
        );
        // the same document without its text: the default layout throughout
        assert_eq!(
            format_document(&doc),
            "country US {\n  allow A\n}\n\nproduct B\n\ngroup G in US {\n  allowed A\n}\n\nkey k {\n  groups G\n}\n"
        );
        // spans past the end of a (shorter) text are ignored, not a panic
        assert_eq!(
            format_source(&doc, FileId(0), "x"),
            format_document(&doc),
            "a span outside the text must not be read"
        );
    }

    #[test]
    fn messy_sample_formats_to_the_canonical_text() {
        let got = fmt(MESSY);
        assert_eq!(got, CANONICAL, "\n--- got ---\n{got}--- end ---");
    }

    #[test]
    fn canonical_text_formats_to_itself_byte_for_byte() {
        assert_eq!(fmt(CANONICAL), CANONICAL);
    }

    #[test]
    fn round_trip_and_idempotence_on_the_rich_sample() {
        let doc = parse_ok(MESSY);
        let once = assert_round_trip(&doc);
        assert_eq!(spanless(&parse_ok(&once)), spanless(&parse_ok(CANONICAL)));
    }

    #[test]
    fn the_sample_uses_everything() {
        // guards the sample itself: every construct the formatter prints appears in it
        let doc = parse_ok(MESSY);
        let mut seen = std::collections::BTreeSet::new();
        fn walk(items: &[Node<Item>], seen: &mut std::collections::BTreeSet<String>) {
            for i in items {
                let tag = match &i.kind {
                    Item::Decl(Decl::Account(a)) => {
                        for s in &a.stmts {
                            seen.insert(format!("account {:?}", std::mem::discriminant(&s.kind)));
                        }
                        "account"
                    }
                    Item::Decl(Decl::Product(_)) => "product",
                    Item::Decl(Decl::Country(c)) => {
                        for s in &c.stmts {
                            seen.insert(format!("country {:?}", std::mem::discriminant(&s.kind)));
                        }
                        "country"
                    }
                    Item::Decl(Decl::Group(g)) => {
                        for s in &g.stmts {
                            seen.insert(format!("group {:?}", std::mem::discriminant(&s.kind)));
                        }
                        "group"
                    }
                    Item::Decl(Decl::User(u)) => {
                        for s in &u.stmts {
                            seen.insert(format!("user {:?}", std::mem::discriminant(&s.kind)));
                        }
                        "user"
                    }
                    Item::Decl(Decl::Key(_)) => "key",
                    Item::Expect(_) => "expect",
                    Item::Scenario(s) => {
                        walk(&s.items, seen);
                        "scenario"
                    }
                    Item::WhatIf(w) => {
                        seen.insert(format!("whatif {:?}", std::mem::discriminant(w)));
                        "whatif"
                    }
                };
                seen.insert(tag.to_string());
            }
        }
        walk(&doc.items, &mut seen);
        // 6 declarations + expect + scenario + what-if, 2 account, 4 country, 3 group,
        // 5 user statement kinds (key has one) and 6 what-if kinds
        assert_eq!(seen.len(), 9 + 2 + 4 + 3 + 5 + 6, "{seen:#?}");
    }

    #[test]
    fn comments_are_never_lost() {
        let before = comments_of(MESSY);
        assert_eq!(before.len(), 20, "{before:#?}");
        let doc = parse_ok(MESSY);
        assert_eq!(ast_comments(&doc), before.len(), "the parser dropped a comment");
        let out = format_document(&doc);
        assert_eq!(comments_of(&out), before, "comments lost or reordered");
        assert_eq!(ast_comments(&parse_ok(&out)), before.len());
    }

    #[test]
    fn trailing_comment_after_a_list_stays_on_its_line() {
        // A statement ending in a list must keep its trailing comment. This needs the parser
        // to end the statement's span at the last name of the list (pest lets `name_list`
        // run on over the whitespace and comments it skipped looking for another `,`).
        let text = "account {\n  alerts A, B  # alerting\n}\n\n\
                    country US {\n  covers CA, MX  # profile codes\n  entitled A  # only A\n  \
                    deny A  # no A\n}\n\n\
                    group G in US {\n  allowed A, B  # why\n  exception deny C  # legacy\n}\n\n\
                    user u@x {\n  groups G  # member\n  roles co-admin  # admin\n  allow A  # exc\n}\n\n\
                    key k {\n  groups G  # one group\n}\n";
        let doc = parse_ok(text);
        let Item::Decl(Decl::Group(g)) = &doc.items[2].kind else {
            panic!()
        };
        assert_eq!(
            g.stmts[1].comments.trailing().map(String::as_str),
            Some("# legacy"),
            "the parser did not attach `# legacy` to `exception deny C` (see build.rs `span`): {:?}",
            g.stmts
        );
        assert_eq!(fmt(text), text);
        assert_round_trip(&doc);
    }

    #[test]
    fn comment_inside_a_statement_moves_before_the_next_one() {
        let text = "product # odd place\n  A\nproduct B\n";
        assert_eq!(fmt(text), "product A\n# odd place\nproduct B\n");
        let text = "country US # about US\n{ }\n";
        assert_eq!(fmt(text), "country US {\n  # about US\n}\n");
        assert_round_trip(&parse_ok(text));
    }

    #[test]
    fn blank_lines_between_items() {
        let text = "product A product B expect k A allow expect k B deny key k { } key j { } \
                    key i { groups G } key h { } convert G remove user a@b set default US deny \
                    country US { } group G in US { }";
        assert_eq!(
            fmt(text),
            "product A\nproduct B\n\nexpect k A allow\nexpect k B deny\n\nkey k { }\nkey j { }\n\n\
             key i {\n  groups G\n}\n\nkey h { }\n\nconvert G\nremove user a@b\nset default US deny\n\n\
             country US { }\n\ngroup G in US { }\n"
        );
    }

    #[test]
    fn empty_documents() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("  ;; \n"), "");
        assert_eq!(fmt("# only\n\n#  comments  \n"), "# only\n#  comments\n");
    }

    #[test]
    fn account_forms() {
        assert_eq!(fmt("account"), "account\n");
        assert_eq!(fmt("account Acme"), "account Acme\n");
        assert_eq!(fmt("account {}"), "account { }\n");
        assert_eq!(fmt("account \"in\" { # c\n}"), "account \"in\" {\n  # c\n}\n");
        // a hand-built account with statements but has_block false still prints them
        let mut doc = parse_ok("account { alerts A }");
        let Item::Decl(Decl::Account(a)) = &mut doc.items[0].kind else {
            panic!()
        };
        a.has_block = false;
        assert_eq!(format_document(&doc), "account {\n  alerts A\n}\n");
    }

    #[test]
    fn names_are_bare_only_when_they_can_be() {
        assert_eq!(format_name("MicroStation"), "MicroStation");
        assert_eq!(format_name("SS-0001"), "SS-0001");
        assert_eq!(format_name("in_x"), "in_x");
        assert_eq!(format_name("IN"), "IN");
        assert_eq!(format_name("Access"), "Access");
        for k in KEYWORDS {
            assert_eq!(format_name(k), format!("\"{k}\""));
        }
        assert_eq!(format_name("in"), "\"in\"");
        assert_eq!(format_name(""), "\"\"");
        assert_eq!(format_name("3D"), "\"3D\"");
        assert_eq!(format_name("-x"), "\"-x\"");
        assert_eq!(format_name("a b"), "\"a b\"");
        assert_eq!(format_name("a@b"), "\"a@b\"");
        assert_eq!(format_name("Zürich"), "\"Zürich\"");
        assert_eq!(format_name(r#"say "hi" \ bye"#), r#""say \"hi\" \\ bye""#);
        assert!(is_email("a@b") && is_email("x.y+z@acme.co.uk") && is_email("ü@ä"));
        for not in [
            "a", "@b", "a@", "a@b@c", "a b@c", "a@b,c", "a#b@c", "a@{b", "a\"@b", "a;@b",
        ] {
            assert!(!is_email(not), "{not}");
        }
    }

    #[test]
    fn every_name_form_round_trips() {
        let names = [
            "plain",
            "in",
            "IN",
            "access",
            "with space",
            r#"quote " and \ backslash"#,
            "trailing\\",
            "Zürich",
            "#not a comment",
            "a,b;c{d}",
            "",
        ];
        for n in names {
            let q = format_name(n);
            let text = format!(
                "product {q} {display}\ncountry {q} {{ entitled {q} }}\ngroup {q} in {q} {{ allowed {q} }}\n\
                 user {email} {display} {{ country {q} status {q} }}\nkey {q} {{ groups {q} }}\n\
                 expect {q} {q} allow by group-allowed {q}\nremove product {q}\nregister {email} country {q}\n\
                 scenario {q} {{ convert {q} }}",
                email = email(&Name::new(format!("{n}@x"), Span::default())),
                display = quote(n),
            );
            let doc = parse_ok(&text);
            let Item::Decl(Decl::Product(p)) = &doc.items[0].kind else {
                panic!()
            };
            assert_eq!(p.name.text, n);
            assert_eq!(p.display.as_ref().unwrap().text, n);
            assert_round_trip(&doc);
        }
    }

    #[test]
    fn empty_lists() {
        // `entitled` alone is a statement (it entitles nothing)
        let out = fmt("country US { entitled # none\n default deny }");
        assert_eq!(out, "country US {\n  entitled  # none\n  default deny\n}\n");
        // any other empty list (left behind by a hand-built edit) has no written form: the
        // statement is left out and its comments stay
        let mut doc =
            parse_ok("group G in US {\n  # lead\n  allowed A  # trail\n}\nuser u@x { groups G }\nkey k { groups G }\n");
        for item in &mut doc.items {
            match &mut item.kind {
                Item::Decl(Decl::Group(g)) => match &mut g.stmts[0].kind {
                    GroupStmt::Allowed(l) => l.clear(),
                    _ => panic!(),
                },
                Item::Decl(Decl::User(u)) => match &mut u.stmts[0].kind {
                    UserStmt::Groups(l) => l.clear(),
                    _ => panic!(),
                },
                Item::Decl(Decl::Key(k)) => match &mut k.stmts[0].kind {
                    KeyStmt::Groups(l) => l.clear(),
                },
                _ => panic!(),
            }
        }
        let out = format_document(&doc);
        assert_eq!(
            out,
            "group G in US {\n  # lead\n  # trail\n}\n\nuser u@x { }\n\nkey k { }\n"
        );
        let again = format_document(&parse_ok(&out));
        assert_eq!(again, out);
    }

    #[test]
    fn what_if_statements() {
        let span = Span::default();
        let n = |s: &str| Name::new(s, span);
        let cases = [
            (
                WhatIf::Remove {
                    kind: EntityKind::User,
                    name: n("a@b.com"),
                },
                "remove user a@b.com",
            ),
            (
                WhatIf::Remove {
                    kind: EntityKind::Country,
                    name: n("Great Britain"),
                },
                "remove country \"Great Britain\"",
            ),
            (WhatIf::Convert(n("G")), "convert G"),
            (WhatIf::ClearExceptions(n("group")), "clear-exceptions \"group\""),
            (
                WhatIf::SetDefault {
                    country: n("US"),
                    access: Access::Deny,
                },
                "set default US deny",
            ),
            (
                WhatIf::SetAccess {
                    country: n("US"),
                    product: n("A"),
                    access: None,
                },
                "set access US A inherit",
            ),
            (
                WhatIf::SetAccess {
                    country: n("US"),
                    product: n("A"),
                    access: Some(Access::Allow),
                },
                "set access US A allow",
            ),
            (
                WhatIf::Register {
                    email: n("new user@x"),
                    code: n("in"),
                },
                "register \"new user@x\" country \"in\"",
            ),
        ];
        for (w, text) in cases {
            assert_eq!(format_whatif(&w), text);
            let doc = Document {
                items: vec![Node::new(Item::WhatIf(w), span)],
                end_comments: vec![],
            };
            assert_eq!(format_document(&doc), format!("{text}\n"));
            assert_round_trip(&doc);
        }
    }

    #[test]
    fn hand_built_comments_stay_comments() {
        let span = Span::default();
        let mut node = Node::new(
            Item::Decl(Decl::Product(ProductDecl {
                name: Name::new("A", span),
                display: None,
            })),
            span,
        );
        *node.comments.leading_mut() = vec!["lead".into()];
        node.comments.set_trailing(Some("trail  ".into()));
        let doc = Document {
            items: vec![node],
            end_comments: vec!["# end".into()],
        };
        assert_eq!(format_document(&doc), "# lead\nproduct A  # trail\n\n# end\n");
    }
}
