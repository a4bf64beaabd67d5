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

mod layout;
mod printer;
#[cfg(test)]
mod tests;

pub(crate) use layout::{span_in, Src};
pub(crate) use printer::Printer;
