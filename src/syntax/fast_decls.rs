//! The fast path for the other plain declarations: `account`, `product`, `country`, `group`,
//! `key` and `expect`, in the shapes `fmt`, `entitle gen` and the importers write.
//!
//! The same contract as the fast path for `user` blocks ([`super::fast`]): a strict subset of
//! what the grammar accepts, built into exactly the tree pest's path builds (names, spans,
//! comments), and everything else declined — an escape in a string, a keyword or a digit
//! where a name goes, a keyword not followed by whitespace, a statement it does not know,
//! anything not closed — so pest parses it and reports every error. Unlike a `user` block, a
//! declaration here may hold comments and `;` separators (hand-written files have them): they
//! are skipped as the grammar skips them, and each comment is attached where pest's path
//! attaches it, by the same builder calls in the same order. `tests/fast_path.rs` and the
//! `fast_path` fuzz target compare both paths.

use super::ast::*;
use super::build::Builder;
use super::fast::{ends_before, is_space, name_text, Scan};
use crate::source::{FileId, Span};
use std::ops::Range;

/// A declaration scanned and built, not yet in the document.
pub(super) struct Scanned {
    item: Item,
    /// Where it ends: after its last token.
    end: usize,
}

/// Names and nodes of one declaration as it is scanned.
pub(super) struct Decls<'t> {
    pub(super) s: Scan<'t>,
    pub(super) file: FileId,
}

impl<'t> Decls<'t> {
    pub(super) fn name_at(&self, r: Range<usize>) -> Name {
        Name::new(name_text(self.s.text, r.clone()), Span::new(self.file, r))
    }

    /// A name after whitespace.
    pub(super) fn name(&mut self) -> Option<Name> {
        self.s.skip_space();
        let r = self.s.name()?;
        Some(self.name_at(r))
    }

    /// A list of names after whitespace.
    fn list(&mut self) -> Option<Vec<Name>> {
        let mut ranges = vec![];
        self.s.list(&mut ranges)?;
        Some(ranges.into_iter().map(|r| self.name_at(r)).collect())
    }

    /// Whether a name comes next after whitespace (a string, or an identifier that is not a
    /// keyword: where a name is optional, a keyword starts what follows), the position kept.
    fn name_follows(&mut self) -> bool {
        let before = self.s.at;
        self.s.skip_space();
        let follows = match self.s.peek() {
            Some(b'"') => true,
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => !crate::keywords::RESERVED.contains(&self.s.word()),
            _ => false,
        };
        self.s.at = before;
        follows
    }

    /// A principal after whitespace: an email first (as the grammar tries it), a string, else
    /// a name.
    pub(super) fn principal(&mut self) -> Option<Name> {
        self.s.skip_space();
        let at = self.s.at;
        let r = match self.s.peek()? {
            b'"' => self.s.string()?,
            _ => match self.s.email() {
                Some(r) => r,
                None => {
                    self.s.at = at;
                    self.s.name()?
                }
            },
        };
        Some(self.name_at(r))
    }

    /// A domain name after whitespace: letters, digits, `.` and `-`.
    pub(super) fn domain(&mut self) -> Option<Name> {
        self.s.skip_space();
        let start = self.s.at;
        let len = self.s.text.as_bytes()[start..]
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
            .unwrap_or(self.s.text.len() - start);
        if len == 0 {
            return None;
        }
        self.s.at = start + len;
        Some(self.name_at(start..self.s.at))
    }

    /// `allow` or `deny` after whitespace.
    pub(super) fn verdict(&mut self) -> Option<Access> {
        self.s.skip_space();
        match self.s.word() {
            "allow" => Some(Access::Allow),
            "deny" => Some(Access::Deny),
            _ => None,
        }
    }

    /// A string (the optional display name) when one comes next after whitespace; `None`
    /// inside when none does, `None` outside when one starts but is not plain.
    fn display(&mut self) -> Option<Option<Name>> {
        let before = self.s.at;
        self.s.skip_space();
        if self.s.peek() != Some(b'"') {
            self.s.at = before;
            return Some(None);
        }
        let r = self.s.string()?;
        Some(Some(self.name_at(r)))
    }

    /// `{`, after whitespace.
    fn open(&mut self) -> Option<()> {
        self.s.skip_space();
        (self.s.peek()? == b'{').then(|| self.s.at += 1)
    }

    /// A block's statements, each read by `stmt` from its keyword, up to and past the
    /// closing `}`: the nodes, with their spans (their comments are attached by
    /// [`Builder::fast_item`]).
    fn block<T>(&mut self, mut stmt: impl FnMut(&mut Self, &str) -> Option<T>) -> Option<Vec<Node<T>>> {
        let mut stmts = vec![];
        loop {
            self.s.skip_separators();
            if self.s.peek()? == b'}' {
                self.s.at += 1;
                return Some(stmts);
            }
            let start = self.s.at;
            let word = self.s.word();
            let kind = stmt(self, word)?;
            stmts.push(Node::new(kind, Span::new(self.file, start..self.s.at)));
        }
    }

    /// `account [NAME] [{ … }]`.
    fn account(&mut self) -> Option<Item> {
        let mut decl = AccountDecl::default();
        if self.name_follows() {
            decl.name = Some(self.name()?);
        }
        let before_block = self.s.at;
        self.s.skip_space();
        if self.s.peek() != Some(b'{') {
            self.s.at = before_block;
            return Some(Item::Decl(Decl::Account(decl)));
        }
        self.s.at += 1;
        decl.has_block = true;
        let stmts = self.block(|d, word| {
            Some(match word {
                "domain" => {
                    let domain = d.domain()?;
                    let after = d.s.at;
                    d.s.skip_space();
                    let auto_approve = d.s.peek().is_some_and(|b| b == b'a') && d.s.word() == "auto-approve";
                    if !auto_approve {
                        d.s.at = after;
                    }
                    AccountStmt::Domain { domain, auto_approve }
                }
                "alerts" => AccountStmt::Alerts(d.list()?),
                "global" => AccountStmt::Global(d.list()?),
                _ => return None,
            })
        })?;
        decl.stmts = stmts;
        Some(Item::Decl(Decl::Account(decl)))
    }

    fn product(&mut self) -> Option<Item> {
        let name = self.name()?;
        let display = self.display()?;
        Some(Item::Decl(Decl::Product(ProductDecl { name, display })))
    }

    fn country(&mut self) -> Option<Item> {
        let name = self.name()?;
        let display = self.display()?;
        self.open()?;
        let stmts = self.block(|d, word| {
            Some(match word {
                "revenue" => {
                    d.s.skip_space();
                    let start = d.s.at;
                    if d.s.word().is_empty() {
                        return None;
                    }
                    CountryStmt::Revenue(d.name_at(start..d.s.at))
                }
                "covers" => CountryStmt::Covers(d.list()?),
                // (an empty list when no name follows: every statement starts with a keyword)
                "entitled" => CountryStmt::Entitled(if d.name_follows() { d.list()? } else { vec![] }),
                "default" => CountryStmt::Default(d.verdict()?),
                "allow" => CountryStmt::Access(Access::Allow, d.list()?),
                "deny" => CountryStmt::Access(Access::Deny, d.list()?),
                _ => return None,
            })
        })?;
        Some(Item::Decl(Decl::Country(CountryDecl {
            name,
            display,
            stmts,
            end_comments: vec![],
        })))
    }

    fn group(&mut self) -> Option<Item> {
        let name = self.name()?;
        self.s.skip_space();
        if self.s.word() != "in" {
            return None;
        }
        let country = self.name()?;
        self.open()?;
        let stmts = self.block(|d, word| {
            Some(match word {
                "allowed" => GroupStmt::Allowed(d.list()?),
                "include-country" => GroupStmt::IncludeCountry,
                "exception" => {
                    let access = d.verdict()?;
                    GroupStmt::Exception(access, d.list()?)
                }
                _ => return None,
            })
        })?;
        Some(Item::Decl(Decl::Group(GroupDecl {
            name,
            country,
            stmts,
            end_comments: vec![],
        })))
    }

    fn key(&mut self) -> Option<Item> {
        let name = self.name()?;
        self.s.skip_space();
        let country = if self.s.peek()? == b'{' {
            None
        } else {
            if self.s.word() != "in" {
                return None;
            }
            Some(self.name()?)
        };
        self.open()?;
        let stmts = self.block(|d, word| match word {
            "groups" => Some(KeyStmt::Groups(d.list()?)),
            _ => None,
        })?;
        Some(Item::Decl(Decl::Key(KeyDecl {
            name,
            country,
            stmts,
            end_comments: vec![],
        })))
    }

    /// `expect PRINCIPAL PRODUCT allow|deny [by RULE [GROUP]]`.
    fn expect(&mut self) -> Option<Item> {
        let principal = self.principal()?;
        let product = self.name()?;
        let access = self.verdict()?;
        let (mut rule, mut group) = (None, None);
        let before = self.s.at;
        self.s.skip_space();
        if self.s.peek().is_some_and(|b| b.is_ascii_alphabetic()) && self.s.word() == "by" {
            self.s.skip_space();
            let start = self.s.at;
            if !self.s.peek().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_') {
                return None;
            }
            self.s.word();
            rule = Some(self.name_at(start..self.s.at));
            // the group, when a name follows (a keyword starts the next item)
            if self.name_follows() {
                group = Some(self.name()?);
            }
        } else {
            self.s.at = before;
        }
        Some(Item::Expect(Expect {
            principal,
            product,
            access,
            rule,
            group,
        }))
    }
}

/// Scan the declaration at `at` when it is one of the plain shapes.
fn scan(text: &str, file: FileId, at: usize) -> Option<Scanned> {
    // (one byte tells the words this path knows from the rest)
    if !matches!(
        text.as_bytes().get(at),
        Some(b'p' | b'e' | b'c' | b'g' | b'k' | b'a' | b'r' | b's')
    ) {
        return None;
    }
    let mut d = Decls {
        s: Scan { text, at },
        file,
    };
    let word = d.s.word();
    if !d.s.peek().is_some_and(is_space) {
        return None;
    }
    let item = match word {
        "product" => d.product()?,
        "expect" => d.expect()?,
        "account" => d.account()?,
        "country" => d.country()?,
        "group" => d.group()?,
        "key" => d.key()?,
        // (the what-if statements: `fast_whatif`)
        _ => d.whatif(word)?,
    };
    Some(Scanned { item, end: d.s.at })
}

impl Builder<'_> {
    /// Where the declaration at `at` ends when the fast path can scan it, keeping what it
    /// built for [`Builder::fast_item`] (a first step of [`Builder::fast_takes`]).
    pub(super) fn scan_ahead(&mut self, at: usize) -> Option<usize> {
        let scanned = scan(self.text, self.file, at)?;
        let end = scanned.end;
        self.scanned = Some((at, scanned));
        Some(end)
    }

    /// The `account`, `product`, `country`, `group`, `key` or `expect` item starting at `at`
    /// (the start of a declaration line) when it has a plain shape and only whitespace,
    /// comments and `;` follow it before `next` (the next declaration line, or the end of the
    /// text parsed): the item, with its comments, pushed to the document. `false` leaves
    /// everything as it was, for pest.
    pub(super) fn fast_item(&mut self, at: usize, next: usize) -> bool {
        // (the parse's look-ahead may have built it already: `fast_takes`)
        let scanned = match self.scanned.take() {
            Some((ahead, scanned)) if ahead == at => Some(scanned),
            _ => scan(self.text, self.file, at),
        };
        let Some(Scanned { mut item, end }) = scanned else {
            return false;
        };
        if !ends_before(self.text, end, next) {
            return false;
        }
        // comments go where pest's path puts them, taken in the same order at the same
        // places: before the item, before and after each statement, before the `}`, after
        // the item
        let leading = self.take_before(at);
        fn stmts<T>(b: &mut Builder<'_>, stmts: &mut [Node<T>], end_comments: &mut Vec<String>, close: usize) {
            for s in stmts {
                let leading = b.take_before(s.span.start as usize);
                let trailing = b.take_trailing(s.span.end as usize);
                s.comments = Comments::new(leading, trailing);
            }
            *end_comments = b.take_before(close);
        }
        match &mut item {
            Item::Decl(Decl::Country(c)) => stmts(self, &mut c.stmts, &mut c.end_comments, end - 1),
            Item::Decl(Decl::Group(g)) => stmts(self, &mut g.stmts, &mut g.end_comments, end - 1),
            Item::Decl(Decl::Key(k)) => stmts(self, &mut k.stmts, &mut k.end_comments, end - 1),
            Item::Decl(Decl::Account(a)) if a.has_block => stmts(self, &mut a.stmts, &mut a.end_comments, end - 1),
            _ => {}
        }
        let trailing = self.take_trailing(end);
        self.push(Node {
            kind: item,
            span: Span::new(self.file, at..end),
            comments: Comments::new(leading, trailing),
        });
        true
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::fast::tests::takes_with;

    /// Whether `fast_item` takes `text` (a declaration or a what-if statement).
    pub(in super::super) fn takes(text: &str) -> bool {
        takes_with(text, |b, next| b.fast_item(0, next))
    }

    #[test]
    fn takes_the_plain_shapes() {
        for text in [
            "product MicroStation\n",
            "product OpenRoads \"OpenRoads Designer\"\n\n",
            "product \"Lumen RT\"\"x\"",
            "country US \"United States\" {\n  revenue 1_000\n  covers CA, \"MX\"\n  entitled A, B\n  default deny\n  allow A\n  deny B, C\n}\n",
            "country GB { entitled }",
            "country GB { entitled default allow }",
            "group Roads in US {\n  allowed A, B\n  include-country\n  exception deny C\n}",
            "key K1 { groups A, B }",
            "key \"SS 9\" in GB {\n}\n",
            "expect kim@x.io P allow",
            "expect K1 \"P Q\" deny by default-access",
            "expect \"kim lee\" P deny by group-not-allowed Roads\n",
            "expect kim@x.io P deny by group-not-allowed\n  \"Roads\"",
            "product P # why",
            "product P;;\n# next\n",
            "account\n",
            "account \"Northwind Civil\" # c\n",
            "account Acme {\n  domain acme.com auto-approve\n  domain b-c.example\n  alerts P, Q\n  global R\n}",
            "account { }",
            "country US { covers CA; ; default deny; }",
            "country US { # c\n}",
            "group G # c\n in US { allowed A, # c\n B # d\n include-country # e\n}",
        ] {
            assert!(takes(text), "{text:?}");
        }
    }

    #[test]
    fn leaves_the_rest_to_pest() {
        for text in [
            "product P \"a \\\"b\\\"\"",
            "product ; P",
            "account { domain }",
            "account { domain a_b }",
            "account { domain acme.com auto-approvex }",
            "account product",
            "group G in US { allowed A; B }",
            "product in",
            "product 3D",
            "product\"P\"",
            "product P\nQ",
            "product Zürich",
            "country US { revenue }",
            "country US { default maybe }",
            "country US { allow }",
            "country US { allow A",
            "group G { allowed A }",
            "group G in US { allowed A, }",
            "group G in US { include-countryx }",
            "key K in { }",
            "key K US { }",
            "key K { roles A }",
            "expect kim@x.io P",
            "expect kim@x.io P allow by",
            "expect kim@x.io P allow by 3x",
            "expect kim@x.io P allow by r G H",
            "expect kim@x.io P allow by r product",
            "expect kim@@x.io P allow",
            "expects kim@x.io P allow",
            "user kim@x.io { }",
            "scenario S { }",
        ] {
            assert!(!takes(text), "{text:?}");
        }
    }
}
