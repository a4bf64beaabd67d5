//! The printer: a document in the canonical style, keeping the layout the source text chose
//! where there is one.

use super::layout::*;
use super::*;

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
        nodes: &[std::sync::Arc<Node<Item>>],
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

    pub(super) fn whatif(&self, w: &WhatIf) -> String {
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
