//! Principals described at request time: the portal's user record (or an activation key's
//! mapping) arrives with the question, instead of being declared in the policy text.
//!
//! A [`RequestPrincipal`] is turned into the same declaration a policy file would hold and
//! resolved by the resolver's own code against the policy's countries, groups and products
//! (`resolve::resolve_principal`), without re-resolving the policy. The evaluator then
//! reads it exactly like a declared principal, so it decides exactly as if the principal were
//! declared in the file (a property test compares both on random principals).
//!
//! Decisions: the principal's own statements (its status, profile country, exceptions, group
//! memberships) have no place in the policy's sources; a decision that rests on one of them has
//! `source` equal to `Span::default()`. A request principal whose id equals a declared one is
//! evaluated as described in the request (the request is the record of truth), not as declared.
//!
//! ```
//! use entitle::{Policy, Access, Rule};
//! use entitle::request::{RequestPrincipal, RequestUser};
//!
//! let policy = Policy::parse("acme.ent", r#"
//!     product LumenRT
//!     country US { deny LumenRT }
//!     group Viz in US { allowed LumenRT }
//! "#)?;
//! let ann = RequestPrincipal::User(RequestUser {
//!     email: "ann@acme.com".into(),
//!     country: "US".into(),
//!     groups: vec!["Viz".into()],
//!     ..RequestUser::default()
//! });
//! let d = policy.check_request(&ann, "LumenRT")?;
//! assert_eq!((d.access, d.rule), (Access::Allow, Rule::GroupAllowed));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::diag::Diagnostic;
use crate::resolve::ResolvedPrincipal;
use crate::source::Span;
use crate::syntax::{Decl, Item, KeyDecl, KeyStmt, Name, Node, UserDecl, UserStmt};
use crate::Model;

/// A user as the portal's user database describes one (the fields of a `user` declaration).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequestUser {
    /// The user's email.
    pub email: String,
    /// The profile country code (required, free-form as in a policy file).
    pub country: String,
    /// The Entitlement Country attribute: a declared country's name or display name.
    pub entitlement_country: Option<String>,
    /// Entitlement groups, in the user's own order.
    pub groups: Vec<String>,
    /// Account roles (`account-admin`, `co-admin`, `fulfillment-contact`).
    pub roles: Vec<String>,
    /// `pending`, `invited`, `registered`, `active` (the default) or `locked`.
    pub status: Option<String>,
    /// Products with a user-level `allow` exception.
    pub allow: Vec<String>,
    /// Products with a user-level `deny` exception.
    pub deny: Vec<String>,
}

/// An activation key as its mapping describes it (the fields of a `key` declaration).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequestKey {
    /// The key's id.
    pub id: String,
    /// The key's own entitlement country (`key ID in COUNTRY`).
    pub country: Option<String>,
    /// The entitlement groups the key is mapped to.
    pub groups: Vec<String>,
}

/// A principal described in the request.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestPrincipal {
    /// A user (`{"user": {...}}` in JSON).
    User(RequestUser),
    /// An activation key (`{"key": {...}}` in JSON).
    Key(RequestKey),
}

/// A request principal that could not be resolved against the policy: every problem, each a
/// diagnostic without a source location (the request is not policy text).
#[derive(Clone, Debug)]
pub struct RequestError {
    /// Every problem found (unknown names with suggestions, a missing profile country, …).
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(&d.message)?;
            if let Some(h) = &d.help {
                write!(f, " ({h})")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for RequestError {}

impl From<crate::QueryError> for RequestError {
    fn from(e: crate::QueryError) -> RequestError {
        RequestError {
            diagnostics: vec![Diagnostic::error("unknown-name", e.to_string())],
        }
    }
}

fn name(text: &str) -> Name {
    Name::new(text, Span::default())
}

fn names(list: &[String]) -> Vec<Name> {
    list.iter().map(|t| name(t)).collect()
}

impl RequestPrincipal {
    /// The declaration a policy file would hold for this principal.
    pub fn declaration(&self) -> Node<Item> {
        fn stmt<T>(kind: T) -> Node<T> {
            Node::new(kind, Span::default())
        }
        let decl = match self {
            RequestPrincipal::User(u) => {
                let mut stmts = vec![stmt(UserStmt::Country(name(&u.country)))];
                if let Some(c) = &u.entitlement_country {
                    stmts.push(stmt(UserStmt::EntitlementCountry(name(c))));
                }
                if !u.groups.is_empty() {
                    stmts.push(stmt(UserStmt::Groups(names(&u.groups))));
                }
                if !u.roles.is_empty() {
                    stmts.push(stmt(UserStmt::Roles(names(&u.roles))));
                }
                if let Some(s) = &u.status {
                    stmts.push(stmt(UserStmt::Status(name(s))));
                }
                if !u.allow.is_empty() {
                    stmts.push(stmt(UserStmt::Access(crate::Access::Allow, names(&u.allow))));
                }
                if !u.deny.is_empty() {
                    stmts.push(stmt(UserStmt::Access(crate::Access::Deny, names(&u.deny))));
                }
                Decl::User(UserDecl {
                    email: name(&u.email),
                    display: None,
                    stmts,
                    end_comments: vec![],
                })
            }
            RequestPrincipal::Key(k) => {
                let stmts = if k.groups.is_empty() {
                    vec![]
                } else {
                    vec![stmt(KeyStmt::Groups(names(&k.groups)))]
                };
                Decl::Key(KeyDecl {
                    name: name(&k.id),
                    country: k.country.as_deref().map(name),
                    stmts,
                    end_comments: vec![],
                })
            }
        };
        Node::new(Item::Decl(decl), Span::default())
    }

    /// Resolve the principal against a policy's model (its countries, groups and products).
    pub fn resolve(&self, model: &Model) -> Result<ResolvedPrincipal, RequestError> {
        let missing_country = matches!(self, RequestPrincipal::User(u) if u.country.is_empty());
        let mut result = crate::resolve::resolve_principal(model, &self.declaration());
        if missing_country {
            let d = Diagnostic::error("missing-country", "a user needs a profile country (`country`)");
            match &mut result {
                Err(errors) => errors.insert(0, d),
                Ok(_) => result = Err(vec![d]),
            }
        }
        result.map_err(|diagnostics| RequestError { diagnostics })
    }
}
