//! The fast path for the declaration a large account is made of: a `user` block in the plain
//! shape `entitle gen`, `import-users` and `fmt` write.
//!
//! The pest grammar stays the definition of the language. This scanner accepts only a strict
//! subset of what the grammar accepts for a `user` declaration, builds exactly the tree the
//! grammar's path builds for it (the same names, spans and comments), and declines everything
//! else — an escape in a string, a keyword or a digit where a name goes, a statement it does
//! not know, anything not closed, and in a lean parse a comment in or after the block (a lean
//! user keeps none; otherwise comments go where pest's path puts them) — leaving it to
//! pest, which also reports every error. It is only tried on a declaration that starts a line
//! the parser would resume at after an error, and only kept when nothing but whitespace,
//! comments and `;` follow it up to the next such line, so a file parses into the same items
//! and errors with or without it: `tests/fast_path.rs` compares both on every scenario,
//! generated accounts and thousands of mutated files. On 200,000 users it is most of the text,
//! which pest parses at about 25 MB/s and this scanner at several hundred. The other
//! declarations have a path of their own, [`super::fast_decls`].
//!
//! For a question the model answers alone ([`super::parse_lean`]) a declaration the fast path
//! takes is not even built: it is kept as its place in the text ([`LeanUser`]) and scanned
//! again into its node when the resolver reaches it, which drops the node at once. The tree
//! of a million users (most of a gigabyte) then never exists.

use super::ast::*;
use super::build::Builder;
use crate::source::{FileId, Span};
use std::ops::Range;

/// Whitespace as the grammar skips it.
pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r')
}

/// A character of an identifier after its first.
fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// A byte that cannot be part of an email (see the grammar's `email`).
fn ends_email(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | b',' | b'{' | b'}' | b';' | b'#' | b'"' | b'@'
    )
}

/// A cursor over the text of one declaration. Names come back as the range of their span
/// (with the quotes of a string): the text of a name is [`name_text`] of it.
pub(super) struct Scan<'t> {
    pub(super) text: &'t str,
    pub(super) at: usize,
}

impl<'t> Scan<'t> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// Whitespace and comments, as the grammar skips them between tokens (a `user`
    /// declaration the fast path takes has no comment: see [`Builder::fast_user`]).
    pub(super) fn skip_space(&mut self) {
        loop {
            match self.peek() {
                Some(b) if is_space(b) => self.at += 1,
                Some(b'#') => {
                    let rest = &self.text.as_bytes()[self.at..];
                    self.at += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                }
                _ => return,
            }
        }
    }

    /// Whitespace, comments and `;` (which may stand between statements and items).
    pub(super) fn skip_separators(&mut self) {
        loop {
            self.skip_space();
            if self.peek() != Some(b';') {
                return;
            }
            self.at += 1;
        }
    }

    /// The maximal run of identifier characters here (possibly empty).
    pub(super) fn word(&mut self) -> &'t str {
        let start = self.at;
        while self.peek().is_some_and(is_ident) {
            self.at += 1;
        }
        &self.text[start..self.at]
    }

    /// A string without escapes.
    pub(super) fn string(&mut self) -> Option<Range<usize>> {
        let start = self.at;
        let rest = &self.text.as_bytes()[start + 1..];
        let len = rest.iter().position(|&b| matches!(b, b'"' | b'\\' | b'\n' | b'\r'))?;
        if rest[len] != b'"' {
            return None;
        }
        self.at = start + 1 + len + 1;
        Some(start..self.at)
    }

    /// A name (a string, or an identifier that is not a keyword).
    pub(super) fn name(&mut self) -> Option<Range<usize>> {
        match self.peek()? {
            b'"' => self.string(),
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let start = self.at;
                let w = self.word();
                if crate::keywords::RESERVED.contains(&w) {
                    return None;
                }
                Some(start..self.at)
            }
            _ => None,
        }
    }

    /// An email or a string (where the grammar takes `(email | string)`: a user's header, a
    /// `register` statement).
    pub(super) fn email_or_string(&mut self) -> Option<Range<usize>> {
        match self.peek()? {
            b'"' => self.string(),
            _ => self.email(),
        }
    }

    /// An email: characters, `@`, characters.
    pub(super) fn email(&mut self) -> Option<Range<usize>> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let local = bytes[start..]
            .iter()
            .position(|&b| ends_email(b))
            .unwrap_or(bytes.len() - start);
        if local == 0 || bytes.get(start + local) != Some(&b'@') {
            return None;
        }
        let host_at = start + local + 1;
        let host = bytes[host_at..]
            .iter()
            .position(|&b| ends_email(b))
            .unwrap_or(bytes.len() - host_at);
        if host == 0 {
            return None;
        }
        self.at = host_at + host;
        Some(start..self.at)
    }

    /// A comma-separated list of names, into `names`.
    pub(super) fn list(&mut self, names: &mut Vec<Range<usize>>) -> Option<()> {
        loop {
            self.skip_space();
            names.push(self.name()?);
            let after = self.at;
            self.skip_space();
            if self.peek() != Some(b',') {
                self.at = after;
                return Some(());
            }
            self.at += 1;
        }
    }
}

/// The text of a name whose span is `range`: a string without its quotes (the fast path takes
/// no escapes), else the text itself.
pub(super) fn name_text(text: &str, range: Range<usize>) -> &str {
    if text.as_bytes()[range.start] == b'"' {
        &text[range.start + 1..range.end - 1]
    } else {
        &text[range]
    }
}

/// The statement words of a plain user block.
#[derive(Clone, Copy, Debug)]
enum Word {
    Country,
    EntitlementCountry,
    Groups,
    Roles,
    Status,
    Allow,
    Deny,
}

/// A user declaration scanned: where its parts are, not yet a copy of them. One draft is
/// reused for every declaration a builder scans, so scanning allocates nothing once warm.
#[derive(Default)]
pub(crate) struct Draft {
    email: Range<usize>,
    display: Option<Range<usize>>,
    /// Each statement: its word, its span, and the range of its names in `names`.
    stmts: Vec<(Word, Range<usize>, Range<usize>)>,
    names: Vec<Range<usize>>,
}

/// Scan the declaration at `at` into `draft` when it has the plain shape: where it ends
/// (after its `}`).
fn scan_user(text: &str, at: usize, draft: &mut Draft) -> Option<usize> {
    draft.stmts.clear();
    draft.names.clear();
    let mut s = Scan { text, at };
    if s.word() != "user" || !s.peek().is_some_and(is_space) {
        return None;
    }
    s.skip_space();
    draft.email = s.email_or_string()?;
    s.skip_space();
    draft.display = match s.peek()? {
        b'"' => Some(s.string()?),
        _ => None,
    };
    if draft.display.is_some() {
        s.skip_space();
    }
    if s.peek()? != b'{' {
        return None;
    }
    s.at += 1;
    loop {
        s.skip_separators();
        if s.peek()? == b'}' {
            s.at += 1;
            break;
        }
        let start = s.at;
        let word = match s.word() {
            "country" => Word::Country,
            "entitlement-country" => Word::EntitlementCountry,
            "groups" => Word::Groups,
            "roles" => Word::Roles,
            "status" => Word::Status,
            "allow" => Word::Allow,
            "deny" => Word::Deny,
            _ => return None,
        };
        let first = draft.names.len();
        match word {
            Word::Country | Word::EntitlementCountry | Word::Status => {
                s.skip_space();
                draft.names.push(s.name()?);
            }
            _ => s.list(&mut draft.names)?,
        }
        draft.stmts.push((word, start..s.at, first..draft.names.len()));
    }
    Some(s.at)
}

/// The declaration of a draft: its email, display name and statements (with their spans).
fn build(text: &str, file: FileId, d: &Draft) -> (Name, Option<Name>, Vec<(UserStmt, Span)>) {
    let name = |r: &Range<usize>| Name::new(name_text(text, r.clone()), Span::new(file, r.clone()));
    let stmts = d
        .stmts
        .iter()
        .map(|(word, span, names)| {
            let names = &d.names[names.clone()];
            let list = || names.iter().map(name).collect();
            let kind = match word {
                Word::Country => UserStmt::Country(name(&names[0])),
                Word::EntitlementCountry => UserStmt::EntitlementCountry(name(&names[0])),
                Word::Status => UserStmt::Status(name(&names[0])),
                Word::Groups => UserStmt::Groups(list()),
                Word::Roles => UserStmt::Roles(list()),
                Word::Allow => UserStmt::Access(Access::Allow, list()),
                Word::Deny => UserStmt::Access(Access::Deny, list()),
            };
            (kind, Span::new(file, span.clone()))
        })
        .collect();
    (name(&d.email), d.display.as_ref().map(name), stmts)
}

/// A plain `user` declaration [`super::parse_lean`] kept as its place in the text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LeanUser {
    /// How many items of the document come before it.
    pub(crate) before: u32,
    /// Its span: from its keyword to its `}`.
    start: u32,
    end: u32,
    /// The span of its email.
    email: (u32, u32),
}

/// The plain `user` declarations of a file that [`super::parse_lean`] did not build, in order.
pub struct LeanUsers<'t> {
    pub(crate) text: &'t str,
    pub(crate) file: FileId,
    pub(crate) users: Vec<LeanUser>,
}

impl LeanUser {
    /// Where it starts in the text.
    pub(crate) fn start(&self) -> usize {
        self.start as usize
    }
}

impl LeanUsers<'_> {
    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// The email of user `i` and its span.
    pub fn email(&self, i: usize) -> (&str, Span) {
        let (start, end) = self.users[i].email;
        let range = start as usize..end as usize;
        (name_text(self.text, range.clone()), Span::new(self.file, range))
    }

    /// User `i` as the item the fast path builds for it (without its comments: the parse
    /// made sure none is inside it), scanned again into `draft`.
    pub(crate) fn node(&self, i: usize, draft: &mut Draft) -> Node<Item> {
        let u = self.users[i];
        let end = scan_user(self.text, u.start as usize, draft);
        assert_eq!(end, Some(u.end as usize), "a lean user scans as it did when parsed");
        let (email, display, stmts) = build(self.text, self.file, draft);
        let stmts = stmts.into_iter().map(|(kind, span)| Node::new(kind, span)).collect();
        Node::new(
            Item::Decl(Decl::User(UserDecl {
                email,
                display,
                stmts,
                end_comments: vec![],
            })),
            Span::new(self.file, u.start as usize..u.end as usize),
        )
    }
}

/// Whether a declaration that ends at `end` is alone up to `next` (the next declaration
/// line): only whitespace, comments and `;` between.
pub(super) fn ends_before(text: &str, end: usize, next: usize) -> bool {
    if end > next {
        return false;
    }
    let mut s = Scan {
        text: &text[..next],
        at: end,
    };
    s.skip_separators();
    s.at == next
}

impl Builder<'_> {
    /// Whether the fast path takes the declaration at `at` (a declaration line) up to `next`
    /// ([`Self::fast_user`] or [`Self::fast_item`] would), building and changing nothing.
    pub(super) fn fast_takes(&mut self, at: usize, next: usize) -> bool {
        let end = match self.text.as_bytes().get(at) {
            Some(b'u') if self.lean.is_some() && self.comment_in(at, next) => None,
            Some(b'u') => scan_user(self.text, at, &mut self.draft),
            _ => self.scan_ahead(at),
        };
        end.is_some_and(|end| ends_before(self.text, end, next))
    }

    /// The user declaration starting at `at` (the start of a declaration line) when it has
    /// the plain shape and only whitespace follows it before `next` (the next declaration
    /// line, or the end of the text parsed): the item, pushed to the document (or, when the
    /// builder is lean, its place). `false` leaves everything as it was, for pest.
    pub(super) fn fast_user(&mut self, at: usize, next: usize) -> bool {
        let Some(end) = scan_user(self.text, at, &mut self.draft) else {
            return false;
        };
        if !ends_before(self.text, end, next) {
            return false;
        }
        // a lean user keeps no comment: none from the keyword to the next declaration line
        // (those before it lead it)
        if self.lean.is_some() && self.comment_in(at, next) {
            return false;
        }
        let span = Span::new(self.file, at..end);
        if let Some(lean) = &mut self.lean {
            // (the comments before it are not kept on this path)
            lean.push(LeanUser {
                before: self.doc.items.len() as u32,
                start: span.start,
                end: span.end,
                email: (self.draft.email.start as u32, self.draft.email.end as u32),
            });
            self.skip_before(at);
            return true;
        }
        let leading = self.take_before(at);
        let (email, display, stmts) = build(self.text, self.file, &self.draft);
        let stmts = stmts
            .into_iter()
            .map(|(kind, span)| {
                // (comments where pest's path puts them, in the same order)
                let leading = self.take_before(span.start as usize);
                let trailing = self.take_trailing(span.end as usize);
                Node {
                    kind,
                    span,
                    comments: Comments::new(leading, trailing),
                }
            })
            .collect();
        let end_comments = self.take_before(end - 1);
        let kind = Item::Decl(Decl::User(UserDecl {
            email,
            display,
            stmts,
            end_comments,
        }));
        let trailing = self.take_trailing(end);
        self.push(Node {
            kind,
            span,
            comments: Comments::new(leading, trailing),
        });
        true
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::comments;
    use super::*;
    use crate::source::Sources;

    /// Whether `take` (a fast path) takes the declaration at the start of `text` (its next
    /// declaration line is the end of the text).
    pub(in crate::syntax) fn takes_with(text: &str, take: impl FnOnce(&mut Builder<'_>, usize) -> bool) -> bool {
        let mut sources = Sources::new();
        let file = sources.add("t", text);
        let comments = comments::scan(text);
        let mut b = Builder::new(file, text, &comments);
        take(&mut b, text.len())
    }

    fn takes(text: &str) -> bool {
        takes_with(text, |b, next| b.fast_user(0, next))
    }

    #[test]
    fn takes_the_plain_shapes() {
        for text in [
            "user kim@x.io { }",
            "user kim@x.io \"Kim Lee\" {\n  country US\n  groups A, \"B C\" , D\n  roles co-admin\n}\n\n",
            "user \"kim lee\" {\r\n\tentitlement-country GB\r\n\tstatus pending\r\n\tallow P\r\n\tdeny Q, R\r\n}\r\n",
            "user kim@x.io{country US}",
            "user kim@x.io \"K\"{country\"US\"groups A,B}",
            "user ké@exämple.io { country Zu_rich.1-2 }",
            "user kim@x.io { country US; ; groups A };\n;",
            "user kim@x.io { country US } # why",
            "user kim@x.io { # why\n country US # and\n # end\n}",
        ] {
            assert!(takes(text), "{text:?}");
        }
    }

    #[test]
    fn leaves_the_rest_to_pest() {
        for text in [
            "user kim@x.io { country US }\nproduct P",
            "user kim@x.io \"K \\\"Q\\\"\" { }",
            "user kim@x.io { country in }",
            "user kim@x.io { status 5 }",
            "user kim@x.io { groups A, }",
            "user kim@x.io { key K }",
            "user kim { }",
            "user kim@x.io@y { }",
            "user kim@x.io { country US",
            "user\"kim@x.io\" { }",
            "users kim@x.io { }",
            "user kim@x.io { country Zürich }",
        ] {
            assert!(!takes(text), "{text:?}");
        }
    }
}
