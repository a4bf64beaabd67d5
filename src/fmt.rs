//! Canonical formatting of a policy [`Document`] (`entitle fmt`, `fmt --check`, the REPL's
//! `:show` and `:save`).
//!
//! [`format_document`] prints a document so that parsing the output gives back the same
//! document (spans aside), every comment is kept, and formatting is idempotent:
//! `format(parse(format(x))) == format(x)`.
//!
//! # The canonical style
//!
//! Layout
//! - Items keep their source order; statements inside a block keep their order. Nothing is
//!   sorted, merged or deduplicated.
//! - Indentation is two spaces per level; no line has trailing whitespace; the output ends
//!   with a newline (an empty document prints as the empty string). `;` separators are dropped.
//! - A block with no statements and no comments prints on the header line as `country US { }`.
//!   Any other block prints `{` at the end of the header line, one statement per line indented
//!   one level, and `}` alone on a line at the header's indentation.
//! - `product` declarations, `expect` lines and what-if statements are always one line.
//! - Between two top-level items there is exactly one blank line, except that two consecutive
//!   items of the same kind that each print on one line (leading comments aside) are not
//!   separated: product after product, expect after expect, what-if after what-if (any
//!   what-if statements count as one kind), and country / group / user / key / account /
//!   scenario with an empty block `{ }` after one of the same kind.
//! - A `scenario "name" { … }` block lays out its items exactly like top-level items, one
//!   level indented (blank lines included, left empty).
//!
//! Comments (every comment of the AST is printed, in order; none is added)
//! - Leading comments go on their own lines, at the indentation of the statement they
//!   precede, directly above it (the blank line separating items goes above the comments).
//! - A trailing comment follows its statement on the same line after two spaces
//!   (`allow A  # why`); for a block it follows the closing `}` (or `{ }`).
//! - The end comments of a block go on their own lines before its `}`, indented like the
//!   block's statements. The end comments of the document (or of a scenario) follow its last
//!   item after one blank line.
//! - A comment text that does not start with `#` (only possible in a hand-built AST) is
//!   printed with `# ` in front, so it stays a comment.
//!
//! Names
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

use crate::syntax::ast::{
    Access, AccountDecl, AccountStmt, CountryDecl, CountryStmt, Decl, Document, Expect, GroupDecl, GroupStmt, Item,
    KeyDecl, KeyStmt, Name, Node, ProductDecl, Scenario, UserDecl, UserStmt, WhatIf,
};

/// The reserved keywords (LANGUAGE.md §1), exactly as written: the one table in
/// [`crate::keywords`].
pub use crate::keywords::RESERVED as KEYWORDS;

const INDENT: &str = "  ";

/// Print a document in the canonical style (see the module documentation).
pub fn format_document(doc: &Document) -> String {
    let mut lines = vec![];
    items(&mut lines, &doc.items, &doc.end_comments);
    let mut out = String::new();
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
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
    match w {
        WhatIf::Remove { kind, name } => format!("remove {} {}", kind.as_str(), principal(name)),
        WhatIf::Convert(g) => format!("convert {}", name(g)),
        WhatIf::ClearExceptions(g) => format!("clear-exceptions {}", name(g)),
        WhatIf::SetDefault { country, access } => {
            format!("set default {} {}", name(country), access.as_str())
        }
        WhatIf::SetAccess {
            country,
            product,
            access,
        } => format!(
            "set access {} {} {}",
            name(country),
            name(product),
            access.map_or("inherit", Access::as_str)
        ),
        WhatIf::Register { email: e, code } => {
            format!("register {} country {}", email(e), name(code))
        }
        WhatIf::SetStatus { user, status } => format!("set status {} {}", principal(user), name(status)),
        WhatIf::SetEntitlementCountry { user, country } => format!(
            "set entitlement-country {} {}",
            principal(user),
            country.as_ref().map_or("inherit".to_string(), name)
        ),
        WhatIf::SetException { user, product, access } => format!(
            "set exception {} {} {}",
            principal(user),
            name(product),
            access.map_or("inherit", Access::as_str)
        ),
        WhatIf::SetGroupException { group, product, access } => format!(
            "set group-exception {} {} {}",
            name(group),
            name(product),
            access.map_or("inherit", Access::as_str)
        ),
        WhatIf::SetMember {
            group,
            principal: p,
            on,
        } => {
            format!("set member {} {} {}", name(group), principal(p), on_off(*on))
        }
        WhatIf::SetAllowed { group, product, on } => {
            format!("set allowed {} {} {}", name(group), name(product), on_off(*on))
        }
        WhatIf::SetIncludeCountry { group, on } => format!("set include-country {} {}", name(group), on_off(*on)),
        WhatIf::SetEntitled { country, product, on } => {
            format!("set entitled {} {} {}", name(country), name(product), on_off(*on))
        }
        WhatIf::SetRevenue { country, revenue } => format!(
            "set revenue {} {}",
            name(country),
            revenue.as_ref().map_or("none".to_string(), number)
        ),
        WhatIf::SetGlobal { product, on } => format!("set global {} {}", name(product), on_off(*on)),
        WhatIf::SetDomain { domain, mode } => format!("set domain {} {}", domain.text, mode.as_str()),
        WhatIf::SetKeyCountry { key, country } => format!(
            "set key-country {} {}",
            principal(key),
            country.as_ref().map_or("inherit".to_string(), name)
        ),
    }
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

fn list(names: &[Name]) -> String {
    names.iter().map(name).collect::<Vec<_>>().join(", ")
}

/// `KEYWORD a, b` — `None` for an empty list, which has no written form.
fn list_stmt(keyword: &str, names: &[Name]) -> Option<String> {
    (!names.is_empty()).then(|| format!("{keyword} {}", list(names)))
}

fn comment(text: &str) -> String {
    let text = text.trim_end();
    if text.starts_with('#') {
        text.to_string()
    } else {
        format!("# {text}")
    }
}

fn with_trailing(line: String, trailing: Option<&String>) -> String {
    match trailing {
        Some(t) => format!("{line}  {}", comment(t)),
        None => line,
    }
}

fn indented(lines: Vec<String>) -> impl Iterator<Item = String> {
    lines
        .into_iter()
        .map(|l| if l.is_empty() { l } else { format!("{INDENT}{l}") })
}

// ---------------------------------------------------------------- items

/// What decides whether two neighbouring one-line items share a paragraph.
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

/// A run of items (the document, or a scenario's body) at relative indentation 0.
fn items(out: &mut Vec<String>, nodes: &[Node<Item>], end_comments: &[String]) {
    let mut prev: Option<(Kind, bool)> = None;
    for node in nodes {
        let mut body = item(&node.kind);
        if let Some(last) = body.pop() {
            body.push(with_trailing(last, node.comments.trailing()));
        }
        let this = (kind(&node.kind), body.len() == 1);
        if let Some(prev) = prev {
            if !(prev.1 && this.1 && prev.0 == this.0) {
                out.push(String::new());
            }
        }
        out.extend(node.comments.leading().iter().map(|c| comment(c)));
        out.extend(body);
        prev = Some(this);
    }
    if !end_comments.is_empty() {
        if prev.is_some() {
            out.push(String::new());
        }
        out.extend(end_comments.iter().map(|c| comment(c)));
    }
}

/// The lines of one item, without its comments.
fn item(item: &Item) -> Vec<String> {
    match item {
        Item::Decl(d) => decl(d),
        Item::Expect(e) => vec![expect(e)],
        Item::Scenario(s) => scenario(s),
        Item::WhatIf(w) => vec![format_whatif(w)],
    }
}

/// `HEAD { }` for an empty body, else `HEAD {`, the body one level in, `}`.
fn block(head: String, body: Vec<String>) -> Vec<String> {
    if body.is_empty() {
        return vec![format!("{head} {{ }}")];
    }
    let mut out = vec![format!("{head} {{")];
    out.extend(indented(body));
    out.push("}".to_string());
    out
}

/// The statements of a block with their comments, then the block's end comments.
fn stmts<T>(nodes: &[Node<T>], end_comments: &[String], f: impl Fn(&T) -> Option<String>) -> Vec<String> {
    let mut out = vec![];
    for node in nodes {
        out.extend(node.comments.leading().iter().map(|c| comment(c)));
        match f(&node.kind) {
            Some(line) => out.push(with_trailing(line, node.comments.trailing())),
            None => out.extend(node.comments.trailing().iter().map(|c| comment(c))),
        }
    }
    out.extend(end_comments.iter().map(|c| comment(c)));
    out
}

fn decl(d: &Decl) -> Vec<String> {
    match d {
        Decl::Account(a) => account(a),
        Decl::Product(p) => vec![product(p)],
        Decl::Country(c) => country(c),
        Decl::Group(g) => group(g),
        Decl::User(u) => user(u),
        Decl::Key(k) => key(k),
    }
}

fn with_display(mut head: String, display: &Option<Name>) -> String {
    if let Some(d) = display {
        head.push(' ');
        head.push_str(&quote(&d.text));
    }
    head
}

fn account(a: &AccountDecl) -> Vec<String> {
    let mut head = "account".to_string();
    if let Some(n) = &a.name {
        head.push(' ');
        head.push_str(&name(n));
    }
    if !(a.has_block || !a.stmts.is_empty() || !a.end_comments.is_empty()) {
        return vec![head];
    }
    let body = stmts(&a.stmts, &a.end_comments, |s| match s {
        AccountStmt::Domain { domain, auto_approve } => Some(if *auto_approve {
            format!("domain {} auto-approve", domain.text)
        } else {
            format!("domain {}", domain.text)
        }),
        AccountStmt::Alerts(l) => list_stmt("alerts", l),
        AccountStmt::Global(l) => list_stmt("global", l),
    });
    block(head, body)
}

fn product(p: &ProductDecl) -> String {
    with_display(format!("product {}", name(&p.name)), &p.display)
}

fn country(c: &CountryDecl) -> Vec<String> {
    let head = with_display(format!("country {}", name(&c.name)), &c.display);
    let body = stmts(&c.stmts, &c.end_comments, |s| match s {
        CountryStmt::Revenue(n) => Some(format!("revenue {}", number(n))),
        CountryStmt::Covers(l) => list_stmt("covers", l),
        CountryStmt::Entitled(l) if l.is_empty() => Some("entitled".to_string()),
        CountryStmt::Entitled(l) => list_stmt("entitled", l),
        CountryStmt::Default(a) => Some(format!("default {a}")),
        CountryStmt::Access(a, l) => list_stmt(a.as_str(), l),
    });
    block(head, body)
}

fn group(g: &GroupDecl) -> Vec<String> {
    let head = format!("group {} in {}", name(&g.name), name(&g.country));
    let body = stmts(&g.stmts, &g.end_comments, |s| match s {
        GroupStmt::Allowed(l) => list_stmt("allowed", l),
        GroupStmt::IncludeCountry => Some("include-country".to_string()),
        GroupStmt::Exception(a, l) => list_stmt(&format!("exception {a}"), l),
    });
    block(head, body)
}

fn user(u: &UserDecl) -> Vec<String> {
    let head = with_display(format!("user {}", email(&u.email)), &u.display);
    let body = stmts(&u.stmts, &u.end_comments, |s| match s {
        UserStmt::Country(c) => Some(format!("country {}", name(c))),
        UserStmt::EntitlementCountry(c) => Some(format!("entitlement-country {}", name(c))),
        UserStmt::Groups(l) => list_stmt("groups", l),
        UserStmt::Roles(l) => list_stmt("roles", l),
        UserStmt::Status(st) => Some(format!("status {}", name(st))),
        UserStmt::Access(a, l) => list_stmt(a.as_str(), l),
    });
    block(head, body)
}

fn key(k: &KeyDecl) -> Vec<String> {
    let mut head = format!("key {}", name(&k.name));
    if let Some(c) = &k.country {
        head.push_str(" in ");
        head.push_str(&name(c));
    }
    let body = stmts(&k.stmts, &k.end_comments, |s| match s {
        KeyStmt::Groups(l) => list_stmt("groups", l),
    });
    block(head, body)
}

fn expect(e: &Expect) -> String {
    let mut line = format!("expect {} {} {}", principal(&e.principal), name(&e.product), e.access);
    if let Some(rule) = &e.rule {
        line.push_str(" by ");
        line.push_str(&rule.text);
        if let Some(g) = &e.group {
            line.push(' ');
            line.push_str(&name(g));
        }
    }
    line
}

fn scenario(s: &Scenario) -> Vec<String> {
    let mut body = vec![];
    items(&mut body, &s.items, &s.end_comments);
    block(format!("scenario {}", name(&s.name)), body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Sources, Span};
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
