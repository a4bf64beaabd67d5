//! The fast path for the declaration a large account is made of: a `user` block in the plain
//! shape `entitle gen`, `import-users` and `fmt` write.
//!
//! The pest grammar stays the definition of the language. This scanner accepts only a strict
//! subset of what the grammar accepts for a `user` declaration, builds exactly the tree the
//! grammar's path builds for it (the same names, spans and comments), and declines everything
//! else — a comment or a `;` in or after the block, an escape in a string, a keyword or a
//! digit where a name goes, a statement it does not know, anything not closed — leaving it to
//! pest, which also reports every error. It is only tried on a declaration that starts a line
//! the parser would resume at after an error, and only kept when nothing but whitespace
//! follows it up to the next such line, so a file parses into the same items and errors with
//! or without it: `tests/fast_path.rs` compares both on every scenario, generated accounts
//! and thousands of mutated files. On 200,000 users it is most of the text, which pest parses
//! at about 25 MB/s and this scanner at several hundred.

use super::ast::*;
use super::build::Builder;
use crate::source::Span;

/// Whitespace as the grammar skips it.
fn is_space(b: u8) -> bool {
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

/// A cursor over the text of one declaration.
struct Scan<'t> {
    text: &'t str,
    at: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.at += 1;
        }
    }

    /// The maximal run of identifier characters here (possibly empty).
    fn word(&mut self) -> &str {
        let start = self.at;
        while self.peek().is_some_and(is_ident) {
            self.at += 1;
        }
        &self.text[start..self.at]
    }

    /// A string without escapes: its text and span.
    fn string(&mut self) -> Option<(String, std::ops::Range<usize>)> {
        let start = self.at;
        let rest = &self.text.as_bytes()[start + 1..];
        let len = rest.iter().position(|&b| matches!(b, b'"' | b'\\' | b'\n' | b'\r'))?;
        if rest[len] != b'"' {
            return None;
        }
        self.at = start + 1 + len + 1;
        Some((self.text[start + 1..start + 1 + len].to_string(), start..self.at))
    }

    /// A name (a string, or an identifier that is not a keyword).
    fn name(&mut self) -> Option<(String, std::ops::Range<usize>)> {
        match self.peek()? {
            b'"' => self.string(),
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let start = self.at;
                let w = self.word();
                if crate::keywords::RESERVED.contains(&w) {
                    return None;
                }
                Some((w.to_string(), start..self.at))
            }
            _ => None,
        }
    }

    /// An email: characters, `@`, characters.
    fn email(&mut self) -> Option<(String, std::ops::Range<usize>)> {
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
        Some((self.text[start..self.at].to_string(), start..self.at))
    }
}

impl Builder<'_> {
    /// The user declaration starting at `at` (the start of a declaration line) when it has
    /// the plain shape and only whitespace follows it before `next` (the next declaration
    /// line, or the end of the text parsed): the item, pushed to the document. `false` leaves
    /// everything as it was, for pest.
    pub(super) fn fast_user(&mut self, at: usize, next: usize) -> bool {
        let Some((decl, end)) = self.scan_user(at) else {
            return false;
        };
        if end > next || !self.text.as_bytes()[end..next].iter().all(|&b| is_space(b)) {
            return false;
        }
        // no comment from the keyword to the next declaration line (those before it lead it)
        if self.comment_in(at, next) {
            return false;
        }
        let span = Span::new(self.file, at..end);
        let leading = self.take_before(at);
        let UserDraft { email, display, stmts } = decl;
        let stmts = stmts
            .into_iter()
            .map(|(kind, range)| {
                let span = Span::new(self.file, range);
                let trailing = self.take_trailing(span.end as usize);
                Node {
                    kind,
                    span,
                    comments: Comments::new(vec![], trailing),
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

    /// The declaration at `at`, and where it ends (after its `}`), if it has the plain shape.
    fn scan_user(&self, at: usize) -> Option<(UserDraft, usize)> {
        let text = self.text;
        let mut s = Scan { text, at };
        if s.word() != "user" || !s.peek().is_some_and(is_space) {
            return None;
        }
        let file = self.file;
        let name = |(t, r): (String, std::ops::Range<usize>)| Name::new(t, Span::new(file, r));
        s.skip_space();
        let email = match s.peek()? {
            b'"' => s.string()?,
            _ => s.email()?,
        };
        let email = name(email);
        s.skip_space();
        let display = match s.peek()? {
            b'"' => Some(name(s.string()?)),
            _ => None,
        };
        if display.is_some() {
            s.skip_space();
        }
        if s.peek()? != b'{' {
            return None;
        }
        s.at += 1;
        let mut stmts = vec![];
        loop {
            s.skip_space();
            if s.peek()? == b'}' {
                s.at += 1;
                break;
            }
            let start = s.at;
            let word = s.word();
            let list = |s: &mut Scan<'_>| -> Option<Vec<Name>> {
                let mut names = vec![];
                loop {
                    s.skip_space();
                    let n = s.name()?;
                    names.push(name(n));
                    let after = s.at;
                    s.skip_space();
                    if s.peek() != Some(b',') {
                        s.at = after;
                        return Some(names);
                    }
                    s.at += 1;
                }
            };
            let one = |s: &mut Scan<'_>| -> Option<Name> {
                s.skip_space();
                let n = s.name()?;
                Some(name(n))
            };
            let kind = match word {
                "country" => UserStmt::Country(one(&mut s)?),
                "entitlement-country" => UserStmt::EntitlementCountry(one(&mut s)?),
                "groups" => UserStmt::Groups(list(&mut s)?),
                "roles" => UserStmt::Roles(list(&mut s)?),
                "status" => UserStmt::Status(one(&mut s)?),
                "allow" => UserStmt::Access(Access::Allow, list(&mut s)?),
                "deny" => UserStmt::Access(Access::Deny, list(&mut s)?),
                _ => return None,
            };
            stmts.push((kind, start..s.at));
        }
        Some((UserDraft { email, display, stmts }, s.at))
    }
}

/// A user declaration scanned, before its comments are attached.
struct UserDraft {
    email: Name,
    display: Option<Name>,
    stmts: Vec<(UserStmt, std::ops::Range<usize>)>,
}

#[cfg(test)]
mod tests {
    use super::super::comments;
    use super::*;
    use crate::source::Sources;

    /// Whether the fast path takes the declaration at the start of `text` (its next
    /// declaration line is the end of the text).
    fn takes(text: &str) -> bool {
        let mut sources = Sources::new();
        let file = sources.add("t", text);
        let comments = comments::scan(text);
        let mut b = Builder::new(file, text, &comments);
        b.fast_user(0, text.len())
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
        ] {
            assert!(takes(text), "{text:?}");
        }
    }

    #[test]
    fn leaves_the_rest_to_pest() {
        for text in [
            "user kim@x.io { country US } # why",
            "user kim@x.io { # why\n country US }",
            "user kim@x.io { country US; }",
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
