//! `entitle import`: a JSON document (schema `entitle/2` or `entitle/1`) back to a policy
//! document, checked by the resolver itself.
//!
//! The document is converted to the AST first, giving every name and statement a place of
//! its own (a synthetic span that stands for its JSON path, e.g.
//! `users[2] (bob@acme.com).groups[0]`); then [`crate::resolve::resolve_declarations`]
//! checks it exactly as it checks a file, and each diagnostic is written with the JSON path
//! of its span in place of a source excerpt. Only what the AST cannot express is checked
//! here: names that could not be written in a policy (empty, or spanning lines) and domains
//! that are not domains.

use super::schema::{self, *};
use super::writable_name;
use crate::diag::Diagnostic;
use crate::model::Status;
use crate::source::{FileId, Span};
use crate::syntax::ast::*;
use serde::Deserialize;

/// Why a JSON document cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Not JSON, a wrong type or an unknown field (serde_json's message and position).
    Json {
        message: String,
        line: usize,
        column: usize,
    },
    /// A missing or unsupported `schema`.
    Schema(String),
    /// Problems with names and references, each starting with its place in the document.
    Invalid(Vec<String>),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Json { message, line, column } => write!(f, "{line}:{column}: {message}"),
            ImportError::Schema(m) => f.write_str(m),
            ImportError::Invalid(list) => f.write_str(&list.join("\n")),
        }
    }
}

impl std::error::Error for ImportError {}

fn json_error(e: &serde_json::Error) -> ImportError {
    // serde_json appends " at line L column C"; the position is reported separately
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    ImportError::Json {
        message,
        line: e.line(),
        column: e.column(),
    }
}

/// Parse a JSON document of schema `entitle/2` (or `entitle/1`), check it like a policy
/// file, and build the policy document it describes (format it with
/// [`crate::fmt::format_document`]).
pub fn import(text: &str) -> Result<Document, ImportError> {
    #[derive(Deserialize)]
    struct Probe {
        schema: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    let doc: PolicyJson = match probe.schema {
        None => {
            return Err(ImportError::Schema(format!(
                "this is not an entitle export: it has no `\"schema\": \"{SCHEMA}\"` field"
            )))
        }
        Some(serde_json::Value::String(s)) if s == SCHEMA => {
            serde_json::from_str(text).map_err(|e| json_error(&e))?
        }
        Some(serde_json::Value::String(s)) if s == SCHEMA_1 => serde_json::from_str::<schema::v1::PolicyJson>(text)
            .map_err(|e| json_error(&e))?
            .into(),
        Some(other) => {
            return Err(ImportError::Schema(format!(
                "unsupported schema {other}: this version of entitle reads `{SCHEMA}` and `{SCHEMA_1}` (export the policy again with this version)"
            )))
        }
    };
    let mut b = Builder::default();
    let document = b.build(&doc);
    let (_, errors) = crate::resolve::resolve_declarations(&document);
    let mut problems = b.problems;
    problems.extend(errors.into_iter().filter(Diagnostic::is_error));
    if problems.is_empty() {
        return Ok(document);
    }
    crate::diag::sort(&mut problems);
    Err(ImportError::Invalid(
        problems.iter().map(|d| b.places.describe(d)).collect(),
    ))
}

/// JSON paths, one per synthetic span: the span of a name or statement built from the
/// document starts at the index of its path.
#[derive(Default)]
struct Places(Vec<String>);

impl Places {
    fn span(&mut self, path: String) -> Span {
        let at = self.0.len() as u32;
        self.0.push(path);
        Span {
            file: FileId(0),
            start: at,
            end: at + 1,
        }
    }

    fn path(&self, span: Span) -> &str {
        self.0.get(span.start as usize).map_or("(document)", String::as_str)
    }

    /// A diagnostic of the resolver as one line: the place, the message, what the labels
    /// add (other places by their paths), the help and the notes.
    fn describe(&self, d: &Diagnostic) -> String {
        let mut out = String::new();
        if let Some(p) = d.primary_span() {
            out.push_str(self.path(p));
            out.push_str(": ");
        }
        out.push_str(&d.message);
        let mut extra = vec![];
        for (i, l) in d.labels.iter().enumerate() {
            if i == 0 {
                // the primary place is already given; keep a label only for what it adds
                let generic = l.message.ends_with(" here")
                    || l.message.starts_with("not a ")
                    || (l.message.starts_with("no ") && l.message.ends_with(" is declared"));
                if !generic {
                    extra.push(l.message.clone());
                }
                continue;
            }
            let path = self.path(l.span);
            extra.push(match l.message.find(" here") {
                Some(at) => format!("{} at {path}{}", &l.message[..at], &l.message[at + 5..]),
                None => format!("{} ({path})", l.message),
            });
        }
        if !extra.is_empty() {
            out.push_str(&format!(" ({})", extra.join("; ")));
        }
        for more in d.help.iter().chain(&d.notes) {
            out.push_str("; ");
            out.push_str(more);
        }
        out
    }
}

/// Builds the AST of a document, giving every node a place.
#[derive(Default)]
struct Builder {
    places: Places,
    /// What only JSON can get wrong (names that cannot be written, malformed domains).
    problems: Vec<Diagnostic>,
}

impl Builder {
    fn name(&mut self, text: &str, path: String) -> Name {
        Name::new(text, self.places.span(path))
    }

    /// A name that is written as is (a declaration, a display name, a profile code): it
    /// must be writable in a policy.
    fn written(&mut self, text: &str, path: String, what: &str) -> Name {
        let n = self.name(text, path);
        if !writable_name(text) {
            self.problems.push(
                Diagnostic::error("name", format!("a {what} must be a string on one line"))
                    .with_label(n.span, "not writable"),
            );
        }
        n
    }

    fn names(&mut self, list: &[String], at: &str) -> Vec<Name> {
        list.iter()
            .enumerate()
            .map(|(j, t)| self.name(t, format!("{at}[{j}]")))
            .collect()
    }

    fn node<T>(&mut self, kind: T, path: String) -> Node<T> {
        Node::new(kind, self.places.span(path))
    }

    /// A top-level item of the document.
    fn item(&mut self, kind: Item, path: String) -> std::sync::Arc<Node<Item>> {
        self.node(kind, path).into()
    }

    /// A verdict list as `allow`/`deny` statements: one per run of the same verdict, so the
    /// order of the list is kept.
    fn runs(&mut self, list: &[VerdictJson], at: &str) -> Vec<(Access, Vec<Name>)> {
        let mut out: Vec<(Access, Vec<Name>)> = vec![];
        for (j, v) in list.iter().enumerate() {
            let n = self.name(&v.product, format!("{at}[{j}].product"));
            match out.last_mut() {
                Some((a, names)) if *a == v.access => names.push(n),
                _ => out.push((v.access, vec![n])),
            }
        }
        out
    }

    /// The policy document: declarations in the order account, products, countries, groups,
    /// users, keys.
    fn build(&mut self, doc: &PolicyJson) -> Document {
        let mut items = vec![];
        if let Some(a) = &doc.account {
            let mut stmts = vec![];
            for (i, d) in a.domains.iter().enumerate() {
                let at = format!("account.domains[{i}].domain");
                let domain = self.name(&d.domain, at.clone());
                if d.domain.is_empty()
                    || !d
                        .domain
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                {
                    self.problems.push(
                        Diagnostic::error(
                            "domain",
                            format!("`{}` is not a domain (letters, digits, `.` and `-` only)", d.domain),
                        )
                        .with_label(domain.span, "not a domain"),
                    );
                }
                stmts.push(self.node(
                    AccountStmt::Domain {
                        domain,
                        auto_approve: d.auto_approve,
                    },
                    at,
                ));
            }
            if !a.alerts.is_empty() {
                let list = self.names(&a.alerts, "account.alerts");
                stmts.push(self.node(AccountStmt::Alerts(list), "account.alerts".into()));
            }
            if !a.global.is_empty() {
                let list = self.names(&a.global, "account.global");
                stmts.push(self.node(AccountStmt::Global(list), "account.global".into()));
            }
            let name = a
                .name
                .as_deref()
                .map(|n| self.written(n, "account.name".into(), "name"));
            let decl = Decl::Account(AccountDecl {
                name,
                has_block: !stmts.is_empty(),
                stmts,
                end_comments: vec![],
            });
            items.push(self.item(Item::Decl(decl), "account".into()));
        }
        for (i, p) in doc.products.iter().enumerate() {
            let at = format!("products[{i}]");
            let decl = Decl::Product(ProductDecl {
                name: self.written(&p.name, format!("{at}.name"), "product name"),
                display: p
                    .display
                    .as_deref()
                    .map(|d| self.written(d, format!("{at}.display"), "product display")),
            });
            items.push(self.item(Item::Decl(decl), at));
        }
        for (i, c) in doc.countries.iter().enumerate() {
            let at = format!("countries[{i}] ({})", c.name);
            let name = self.written(&c.name, format!("countries[{i}].name"), "country name");
            let display = c
                .display
                .as_deref()
                .map(|d| self.written(d, format!("countries[{i}].display"), "country display"));
            let mut stmts = vec![];
            if let Some(v) = c.revenue {
                let n = self.name(&crate::fmt::format_number(v), format!("{at}.revenue"));
                stmts.push(self.node(CountryStmt::Revenue(n), format!("{at}.revenue")));
            }
            if !c.covers.is_empty() {
                let codes = c
                    .covers
                    .iter()
                    .enumerate()
                    .map(|(j, code)| self.written(code, format!("{at}.covers[{j}]"), "profile country code"))
                    .collect();
                stmts.push(self.node(CountryStmt::Covers(codes), format!("{at}.covers")));
            }
            if let Some(e) = &c.entitled {
                let list = self.names(e, &format!("{at}.entitled"));
                stmts.push(self.node(CountryStmt::Entitled(list), format!("{at}.entitled")));
            }
            if c.default == Access::Deny {
                stmts.push(self.node(CountryStmt::Default(Access::Deny), format!("{at}.default")));
            }
            for (access, list) in self.runs(&c.access, &format!("{at}.access")) {
                stmts.push(self.node(CountryStmt::Access(access, list), format!("{at}.access")));
            }
            let decl = Decl::Country(CountryDecl {
                name,
                display,
                stmts,
                end_comments: vec![],
            });
            items.push(self.item(Item::Decl(decl), at));
        }
        for (i, g) in doc.groups.iter().enumerate() {
            let at = format!("groups[{i}] ({})", g.name);
            let name = self.written(&g.name, format!("groups[{i}].name"), "group name");
            let country = self.name(&g.country, format!("{at}.country"));
            let mut stmts = vec![];
            if !g.allowed.is_empty() {
                let list = self.names(&g.allowed, &format!("{at}.allowed"));
                stmts.push(self.node(GroupStmt::Allowed(list), format!("{at}.allowed")));
            }
            if g.include_country {
                stmts.push(self.node(GroupStmt::IncludeCountry, format!("{at}.include_country")));
            }
            for (access, list) in self.runs(&g.exceptions, &format!("{at}.exceptions")) {
                stmts.push(self.node(GroupStmt::Exception(access, list), format!("{at}.exceptions")));
            }
            let decl = Decl::Group(GroupDecl {
                name,
                country,
                stmts,
                end_comments: vec![],
            });
            items.push(self.item(Item::Decl(decl), at));
        }
        for (i, u) in doc.users.iter().enumerate() {
            let at = format!("users[{i}] ({})", u.email);
            let email = self.written(&u.email, format!("users[{i}].email"), "user email");
            let display = u
                .display
                .as_deref()
                .map(|d| self.written(d, format!("{at}.display"), "display name"));
            let code = self.written(&u.country, format!("{at}.country"), "profile country code");
            let mut stmts = vec![self.node(UserStmt::Country(code), format!("{at}.country"))];
            if let Some(c) = &u.entitlement_country {
                let n = self.name(c, format!("{at}.entitlement_country"));
                stmts.push(self.node(UserStmt::EntitlementCountry(n), format!("{at}.entitlement_country")));
            }
            if !u.groups.is_empty() {
                let list = self.names(&u.groups, &format!("{at}.groups"));
                stmts.push(self.node(UserStmt::Groups(list), format!("{at}.groups")));
            }
            if !u.roles.is_empty() {
                let list = self.names(&u.roles, &format!("{at}.roles"));
                stmts.push(self.node(UserStmt::Roles(list), format!("{at}.roles")));
            }
            if let Some(s) = u.status.as_deref().filter(|s| *s != Status::Active.as_str()) {
                let n = self.name(s, format!("{at}.status"));
                stmts.push(self.node(UserStmt::Status(n), format!("{at}.status")));
            }
            for (access, list) in self.runs(&u.exceptions, &format!("{at}.exceptions")) {
                stmts.push(self.node(UserStmt::Access(access, list), format!("{at}.exceptions")));
            }
            let decl = Decl::User(UserDecl {
                email,
                display,
                stmts,
                end_comments: vec![],
            });
            items.push(self.item(Item::Decl(decl), at));
        }
        for (i, k) in doc.keys.iter().enumerate() {
            let at = format!("keys[{i}] ({})", k.name);
            let name = self.written(&k.name, format!("keys[{i}].name"), "key name");
            let country = k.country.as_deref().map(|c| self.name(c, format!("{at}.country")));
            let stmts = if k.groups.is_empty() {
                vec![]
            } else {
                let list = self.names(&k.groups, &format!("{at}.groups"));
                vec![self.node(KeyStmt::Groups(list), format!("{at}.groups"))]
            };
            let decl = Decl::Key(KeyDecl {
                name,
                country,
                stmts,
                end_comments: vec![],
            });
            items.push(self.item(Item::Decl(decl), at));
        }
        Document {
            items,
            end_comments: vec![],
        }
    }
}
