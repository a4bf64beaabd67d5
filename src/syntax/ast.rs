//! The abstract syntax tree: what a person wrote, with a span on every node.
//!
//! The AST doubles as the *editable document*: what-if statements (LANGUAGE.md §5) are applied
//! to it, the formatter prints it, and the resolver turns it into a [`crate::model::Model`].
//! Comments travel with the statements they precede, so formatting and saving keep them.

use crate::source::Span;
use std::sync::Arc;

/// A name as written: an identifier, an email or a quoted string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The name with quotes removed and escapes resolved.
    pub text: String,
    pub span: Span,
}

impl Name {
    pub fn new(text: impl Into<String>, span: Span) -> Name {
        Name {
            text: text.into(),
            span,
        }
    }
    /// Case-insensitive key used for all name lookups.
    pub fn key(&self) -> String {
        self.text.to_lowercase()
    }
}

/// Comments attached to a statement: whole-line comments before it, and one after it on its
/// last line.
///
/// Most statements have none, so the texts live behind one pointer (a policy of a million
/// users has several million statements).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comments(Option<Box<CommentText>>);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct CommentText {
    leading: Vec<String>,
    trailing: Option<String>,
}

impl Comments {
    pub fn new(leading: Vec<String>, trailing: Option<String>) -> Comments {
        if leading.is_empty() && trailing.is_none() {
            Comments(None)
        } else {
            Comments(Some(Box::new(CommentText { leading, trailing })))
        }
    }
    /// Whole-line comments before the statement.
    pub fn leading(&self) -> &[String] {
        self.0.as_ref().map_or(&[], |c| &c.leading)
    }
    /// The comment after the statement on its last line.
    pub fn trailing(&self) -> Option<&String> {
        self.0.as_ref().and_then(|c| c.trailing.as_ref())
    }
    pub fn leading_mut(&mut self) -> &mut Vec<String> {
        &mut self.0.get_or_insert_with(Default::default).leading
    }
    pub fn set_trailing(&mut self, trailing: Option<String>) {
        if trailing.is_some() || self.0.is_some() {
            self.0.get_or_insert_with(Default::default).trailing = trailing;
        }
    }
}

/// A statement or declaration with its span (which starts at its keyword) and comments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node<T> {
    pub kind: T,
    pub span: Span,
    pub comments: Comments,
}

impl<T> Node<T> {
    pub fn new(kind: T, span: Span) -> Node<T> {
        Node {
            kind,
            span,
            comments: Comments::default(),
        }
    }
}

pub use crate::model::Access;

/// A node of a list: a document's items (shared) or a block's statements, for code that
/// walks either.
pub(crate) trait AsNode {
    type Kind;
    fn node(&self) -> &Node<Self::Kind>;
}

impl<T> AsNode for Node<T> {
    type Kind = T;
    fn node(&self) -> &Node<T> {
        self
    }
}

impl<T> AsNode for Arc<Node<T>> {
    type Kind = T;
    fn node(&self) -> &Node<T> {
        self
    }
}

/// A parsed file (or a run of REPL / `--what-if` statements).
///
/// Each item is shared ([`Arc`]): a copy of a document (what `Policy::apply` makes to stay all
/// or nothing, and the fix search for every candidate edit) copies one pointer per item, and an
/// edit copies only the items it changes ([`Arc::make_mut`]). Two documents that share an item
/// compare equal on it without reading it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub items: Vec<Arc<Node<Item>>>,
    /// Comments after the last item.
    pub end_comments: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Decl(Decl),
    Expect(Expect),
    Scenario(Scenario),
    WhatIf(WhatIf),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decl {
    Account(AccountDecl),
    Product(ProductDecl),
    Country(CountryDecl),
    Group(GroupDecl),
    User(UserDecl),
    Key(KeyDecl),
}

/// The kinds of named entity, as `remove` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    User,
    Key,
    Group,
    Product,
    Country,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::User => "user",
            EntityKind::Key => "key",
            EntityKind::Group => "group",
            EntityKind::Product => "product",
            EntityKind::Country => "country",
        }
    }
}

impl Decl {
    /// The declared name (`None` for the account, which is a singleton).
    pub fn name(&self) -> Option<&Name> {
        match self {
            Decl::Account(_) => None,
            Decl::Product(d) => Some(&d.name),
            Decl::Country(d) => Some(&d.name),
            Decl::Group(d) => Some(&d.name),
            Decl::User(d) => Some(&d.email),
            Decl::Key(d) => Some(&d.name),
        }
    }
    pub fn kind(&self) -> Option<EntityKind> {
        match self {
            Decl::Account(_) => None,
            Decl::Product(_) => Some(EntityKind::Product),
            Decl::Country(_) => Some(EntityKind::Country),
            Decl::Group(_) => Some(EntityKind::Group),
            Decl::User(_) => Some(EntityKind::User),
            Decl::Key(_) => Some(EntityKind::Key),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountDecl {
    pub name: Option<Name>,
    pub has_block: bool,
    pub stmts: Vec<Node<AccountStmt>>,
    pub end_comments: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountStmt {
    Domain {
        domain: Name,
        auto_approve: bool,
    },
    Alerts(Vec<Name>),
    /// (r2) Products entitled in every country.
    Global(Vec<Name>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductDecl {
    pub name: Name,
    pub display: Option<Name>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountryDecl {
    pub name: Name,
    pub display: Option<Name>,
    pub stmts: Vec<Node<CountryStmt>>,
    pub end_comments: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CountryStmt {
    /// (r2) Annual recurring revenue: the number as written (checked by the resolver).
    Revenue(Name),
    Covers(Vec<Name>),
    /// An empty list entitles nothing (only `remove product` produces one).
    Entitled(Vec<Name>),
    Default(Access),
    /// General Access override(s) at product level.
    Access(Access, Vec<Name>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDecl {
    pub name: Name,
    pub country: Name,
    pub stmts: Vec<Node<GroupStmt>>,
    pub end_comments: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupStmt {
    Allowed(Vec<Name>),
    IncludeCountry,
    Exception(Access, Vec<Name>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserDecl {
    pub email: Name,
    pub display: Option<Name>,
    pub stmts: Vec<Node<UserStmt>>,
    pub end_comments: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserStmt {
    Country(Name),
    /// (r2) The Entitlement Country attribute: a declared country.
    EntitlementCountry(Name),
    Groups(Vec<Name>),
    Roles(Vec<Name>),
    Status(Name),
    Access(Access, Vec<Name>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyDecl {
    pub name: Name,
    /// (r2) `key ID in COUNTRY { … }`: the key's own entitlement country.
    pub country: Option<Name>,
    pub stmts: Vec<Node<KeyStmt>>,
    pub end_comments: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyStmt {
    Groups(Vec<Name>),
}

/// `expect PRINCIPAL PRODUCT allow|deny [by RULE [NAME]]`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    pub principal: Name,
    pub product: Name,
    pub access: Access,
    pub rule: Option<Name>,
    pub group: Option<Name>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub name: Name,
    pub items: Vec<Arc<Node<Item>>>,
    pub end_comments: Vec<String>,
}

/// What-if statements (LANGUAGE.md §5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WhatIf {
    Remove {
        kind: EntityKind,
        name: Name,
    },
    Convert(Name),
    ClearExceptions(Name),
    SetDefault {
        country: Name,
        access: Access,
    },
    /// `None` is `inherit`: drop the product-level override.
    SetAccess {
        country: Name,
        product: Name,
        access: Option<Access>,
    },
    Register {
        email: Name,
        code: Name,
    },
    /// (r2) The granular edits of LANGUAGE.md §5 and §8. Values that are names in the
    /// grammar (a status, a number) are kept as written and checked when applied.
    SetStatus {
        user: Name,
        status: Name,
    },
    /// `None` is `inherit`: drop the attribute.
    SetEntitlementCountry {
        user: Name,
        country: Option<Name>,
    },
    SetException {
        user: Name,
        product: Name,
        access: Option<Access>,
    },
    SetGroupException {
        group: Name,
        product: Name,
        access: Option<Access>,
    },
    SetMember {
        group: Name,
        principal: Name,
        on: bool,
    },
    SetAllowed {
        group: Name,
        product: Name,
        on: bool,
    },
    SetIncludeCountry {
        group: Name,
        on: bool,
    },
    SetEntitled {
        country: Name,
        product: Name,
        on: bool,
    },
    /// `None` is `none`: the country declares no revenue.
    SetRevenue {
        country: Name,
        revenue: Option<Name>,
    },
    SetGlobal {
        product: Name,
        on: bool,
    },
    SetDomain {
        domain: Name,
        mode: DomainMode,
    },
    /// `None` is `inherit`: the key takes its groups' country.
    SetKeyCountry {
        key: Name,
        country: Option<Name>,
    },
}

/// What `set domain` does to a domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DomainMode {
    /// Claimed, without auto-approval.
    On,
    /// Released.
    Off,
    /// Claimed with auto-approval.
    AutoApprove,
}

impl DomainMode {
    pub fn as_str(self) -> &'static str {
        match self {
            DomainMode::On => "on",
            DomainMode::Off => "off",
            DomainMode::AutoApprove => "auto-approve",
        }
    }
}
