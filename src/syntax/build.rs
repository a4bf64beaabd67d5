//! pest pairs → AST, attaching comments as it goes (in source order).

use super::ast::*;
use super::comments::Comment;
use super::Rule;
use crate::source::{FileId, Span};
use pest::iterators::{Pair, Pairs};

pub(crate) struct Builder<'t> {
    pub(super) file: FileId,
    pub(super) text: &'t str,
    comments: &'t [Comment],
    next_comment: usize,
    base: usize,
    pub(super) doc: Document,
    /// The draft the fast path scans each `user` declaration into (reused).
    pub(super) draft: super::fast::Draft,
    /// When lean ([`super::parse_lean`]), the declarations the fast path took, not built.
    pub(super) lean: Option<Vec<super::fast::LeanUser>>,
    /// The declaration the fast path last scanned ahead (`fast_takes`), with where it starts:
    /// built once, taken by `fast_item` when the parse reaches it.
    pub(super) scanned: Option<(usize, super::fast_decls::Scanned)>,
}

type P<'i> = Pair<'i, Rule>;

fn is_kw(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_account
            | Rule::kw_domain
            | Rule::kw_alerts
            | Rule::kw_product
            | Rule::kw_country
            | Rule::kw_covers
            | Rule::kw_entitled
            | Rule::kw_default
            | Rule::kw_group
            | Rule::kw_groups
            | Rule::kw_in
            | Rule::kw_allowed
            | Rule::kw_exception
            | Rule::kw_user
            | Rule::kw_roles
            | Rule::kw_status
            | Rule::kw_key
            | Rule::kw_expect
            | Rule::kw_by
            | Rule::kw_scenario
            | Rule::kw_convert
            | Rule::kw_set
            | Rule::kw_access
            | Rule::kw_remove
            | Rule::kw_register
            | Rule::kw_global
            | Rule::kw_revenue
            | Rule::kw_entitlement_country
            | Rule::w_member
            | Rule::w_group_exception
            | Rule::w_key_country
            | Rule::clear_kw
            | Rule::EOI
    )
}

/// Where a pair's last token ends. A rule's own span may run on over whitespace and comments
/// pest skipped while trying an optional part (a list that might continue), so follow the
/// last child down to a token; a block ends exactly at its `}`.
fn last_token_end(pair: P<'_>) -> usize {
    let end = pair.as_span().end();
    if is_block(pair.as_rule()) {
        return end;
    }
    match pair.into_inner().next_back() {
        Some(last) => last_token_end(last),
        None => end,
    }
}

/// Blocks end exactly at their `}` (a literal, so not a pair of its own).
fn is_block(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::account_block
            | Rule::country_block
            | Rule::group_block
            | Rule::user_block
            | Rule::key_block
            | Rule::scenario_block
    )
}

/// The grammar rules of the what-if statements (LANGUAGE.md §5).
pub(super) fn is_whatif(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::remove_stmt
            | Rule::convert_stmt
            | Rule::clear_stmt
            | Rule::set_default_stmt
            | Rule::set_access_stmt
            | Rule::set_status_stmt
            | Rule::set_ecountry_stmt
            | Rule::set_exception_stmt
            | Rule::set_group_exception_stmt
            | Rule::set_member_stmt
            | Rule::set_allowed_stmt
            | Rule::set_include_stmt
            | Rule::set_entitled_stmt
            | Rule::set_revenue_stmt
            | Rule::set_global_stmt
            | Rule::set_domain_stmt
            | Rule::set_key_country_stmt
            | Rule::register_stmt
    )
}

/// The meaningful children of a pair (keywords dropped).
fn children(pair: P<'_>) -> impl Iterator<Item = P<'_>> {
    pair.into_inner().filter(|p| !is_kw(p.as_rule()))
}

impl<'t> Builder<'t> {
    pub fn new(file: FileId, text: &'t str, comments: &'t [Comment]) -> Builder<'t> {
        Builder {
            file,
            text,
            comments,
            next_comment: 0,
            base: 0,
            doc: Document::default(),
            draft: Default::default(),
            lean: None,
            scanned: None,
        }
    }

    /// The document, with the comments before `end` not attached to an item as its end
    /// comments.
    pub fn finish(mut self, end: usize) -> Document {
        let rest = self.take_before(end);
        self.doc.end_comments = rest;
        self.doc
    }

    pub fn file(&mut self, pairs: Pairs<'_, Rule>, base: usize) {
        self.base = base;
        for top in pairs {
            for pair in children(top) {
                let item = self.item(pair);
                self.doc.items.push(item.into());
            }
        }
    }

    /// The span of a pair, ending at its last token: pest lets a rule's span run on over the
    /// whitespace and comments it skipped while trying an optional part.
    fn span(&self, pair: &P<'_>) -> Span {
        let s = pair.as_span();
        Span::new(
            self.file,
            self.base + s.start()..self.base + last_token_end(pair.clone()),
        )
    }

    /// Add an item built elsewhere (the fast path, `fast`).
    pub(super) fn push(&mut self, item: Node<Item>) {
        self.doc.items.push(item.into());
    }

    // ------------------------------------------------------------ comments
    /// Whether a comment not yet attached starts in `from..to`.
    pub(super) fn comment_in(&self, from: usize, to: usize) -> bool {
        let rest = &self.comments[self.next_comment.min(self.comments.len())..];
        let i = rest.partition_point(|c| c.start < from);
        rest.get(i).is_some_and(|c| c.start < to)
    }

    /// Pass over the comments before `offset` (a lean builder keeps none of a declaration it
    /// does not build).
    pub(super) fn skip_before(&mut self, offset: usize) {
        let rest = &self.comments[self.next_comment.min(self.comments.len())..];
        self.next_comment += rest.partition_point(|c| c.start < offset);
    }

    pub(super) fn take_before(&mut self, offset: usize) -> Vec<String> {
        let mut out = vec![];
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.start >= offset {
                break;
            }
            out.push(c.text.clone());
            self.next_comment += 1;
        }
        out
    }

    pub(super) fn take_trailing(&mut self, end: usize) -> Option<String> {
        let c = self.comments.get(self.next_comment)?;
        let between = self.text.get(end..c.start)?;
        if between.chars().all(|ch| ch == ' ' || ch == '\t' || ch == ';') {
            self.next_comment += 1;
            Some(c.text.clone())
        } else {
            None
        }
    }

    /// Wrap `kind` built by `f` in a node with leading and trailing comments.
    fn node<T>(&mut self, pair: P<'_>, f: impl FnOnce(&mut Self, P<'_>) -> T) -> Node<T> {
        let span = self.span(&pair);
        let leading = self.take_before(span.start as usize);
        let kind = f(self, pair);
        let trailing = self.take_trailing(span.end as usize);
        Node {
            kind,
            span,
            comments: Comments::new(leading, trailing),
        }
    }

    /// Comments inside a block before its closing brace.
    fn block_end(&mut self, block: &P<'_>) -> Vec<String> {
        let end = self.base + block.as_span().end() - 1;
        self.take_before(end)
    }

    fn item(&mut self, pair: P<'_>) -> Node<Item> {
        self.node(pair, |b, pair| match pair.as_rule() {
            Rule::expect_stmt => Item::Expect(b.expect(pair)),
            Rule::scenario_decl => Item::Scenario(b.scenario(pair)),
            r if is_whatif(r) => Item::WhatIf(b.whatif(pair)),
            _ => Item::Decl(b.decl(pair)),
        })
    }

    // ------------------------------------------------------------ leaves
    fn name(&self, pair: P<'_>) -> Name {
        let span = self.span(&pair);
        let raw = pair.as_str();
        let text = match pair.as_rule() {
            Rule::string => unescape(&raw[1..raw.len() - 1]),
            _ => raw.to_string(),
        };
        Name::new(text, span)
    }

    fn names(&self, pair: P<'_>) -> Vec<Name> {
        pair.into_inner().map(|p| self.name(p)).collect()
    }

    fn access(pair: &P<'_>) -> Access {
        match pair.as_rule() {
            Rule::allow => Access::Allow,
            _ => Access::Deny,
        }
    }

    // ------------------------------------------------------------ declarations
    fn decl(&mut self, pair: P<'_>) -> Decl {
        match pair.as_rule() {
            Rule::account_decl => Decl::Account(self.account(pair)),
            Rule::product_decl => {
                let mut it = children(pair);
                let name = self.name(it.next().unwrap());
                let display = it.next().map(|p| self.name(p));
                Decl::Product(ProductDecl { name, display })
            }
            Rule::country_decl => Decl::Country(self.country(pair)),
            Rule::group_decl => Decl::Group(self.group(pair)),
            Rule::user_decl => Decl::User(self.user(pair)),
            Rule::key_decl => Decl::Key(self.key(pair)),
            r => unreachable!("not a declaration: {r:?}"),
        }
    }

    fn account(&mut self, pair: P<'_>) -> AccountDecl {
        let mut decl = AccountDecl::default();
        for p in children(pair) {
            match p.as_rule() {
                Rule::account_block => {
                    decl.has_block = true;
                    for s in children(p.clone()) {
                        let stmt = self.node(s, |b, s| match s.as_rule() {
                            Rule::domain_stmt => {
                                let mut it = children(s);
                                let domain = b.name(it.next().unwrap());
                                AccountStmt::Domain {
                                    domain,
                                    auto_approve: it.next().is_some(),
                                }
                            }
                            Rule::global_stmt => AccountStmt::Global(b.names(children(s).next().unwrap())),
                            _ => AccountStmt::Alerts(b.names(children(s).next().unwrap())),
                        });
                        decl.stmts.push(stmt);
                    }
                    decl.end_comments = self.block_end(&p);
                }
                _ => decl.name = Some(self.name(p)),
            }
        }
        decl
    }

    fn country(&mut self, pair: P<'_>) -> CountryDecl {
        let mut it = children(pair);
        let name = self.name(it.next().unwrap());
        let mut display = None;
        let mut block = it.next().unwrap();
        if block.as_rule() == Rule::string {
            display = Some(self.name(block));
            block = it.next().unwrap();
        }
        let mut stmts = vec![];
        for s in children(block.clone()) {
            stmts.push(self.node(s, |b, s| {
                let rule = s.as_rule();
                let mut it = children(s);
                match rule {
                    Rule::revenue_stmt => CountryStmt::Revenue(b.name(it.next().unwrap())),
                    Rule::covers_stmt => CountryStmt::Covers(b.names(it.next().unwrap())),
                    Rule::entitled_stmt => CountryStmt::Entitled(it.next().map(|l| b.names(l)).unwrap_or_default()),
                    Rule::default_stmt => CountryStmt::Default(Self::access(&it.next().unwrap())),
                    _ => {
                        let access = Self::access(&it.next().unwrap());
                        CountryStmt::Access(access, b.names(it.next().unwrap()))
                    }
                }
            }));
        }
        let end_comments = self.block_end(&block);
        CountryDecl {
            name,
            display,
            stmts,
            end_comments,
        }
    }

    fn group(&mut self, pair: P<'_>) -> GroupDecl {
        let mut it = children(pair);
        let name = self.name(it.next().unwrap());
        let country = self.name(it.next().unwrap());
        let block = it.next().unwrap();
        let mut stmts = vec![];
        for s in children(block.clone()) {
            stmts.push(self.node(s, |b, s| {
                let rule = s.as_rule();
                match rule {
                    Rule::allowed_stmt => GroupStmt::Allowed(b.names(children(s).next().unwrap())),
                    Rule::include_country => GroupStmt::IncludeCountry,
                    _ => {
                        let mut it = children(s);
                        let access = Self::access(&it.next().unwrap());
                        GroupStmt::Exception(access, b.names(it.next().unwrap()))
                    }
                }
            }));
        }
        let end_comments = self.block_end(&block);
        GroupDecl {
            name,
            country,
            stmts,
            end_comments,
        }
    }

    fn user(&mut self, pair: P<'_>) -> UserDecl {
        let mut it = children(pair);
        let email = self.name(it.next().unwrap());
        let mut display = None;
        let mut block = it.next().unwrap();
        if block.as_rule() == Rule::string {
            display = Some(self.name(block));
            block = it.next().unwrap();
        }
        let mut stmts = vec![];
        for s in children(block.clone()) {
            stmts.push(self.node(s, |b, s| {
                let rule = s.as_rule();
                let mut it = children(s);
                match rule {
                    Rule::country_stmt => UserStmt::Country(b.name(it.next().unwrap())),
                    Rule::ecountry_stmt => UserStmt::EntitlementCountry(b.name(it.next().unwrap())),
                    Rule::groups_stmt => UserStmt::Groups(b.names(it.next().unwrap())),
                    Rule::roles_stmt => UserStmt::Roles(b.names(it.next().unwrap())),
                    Rule::status_stmt => UserStmt::Status(b.name(it.next().unwrap())),
                    _ => {
                        let access = Self::access(&it.next().unwrap());
                        UserStmt::Access(access, b.names(it.next().unwrap()))
                    }
                }
            }));
        }
        let end_comments = self.block_end(&block);
        UserDecl {
            email,
            display,
            stmts,
            end_comments,
        }
    }

    fn key(&mut self, pair: P<'_>) -> KeyDecl {
        let mut it = children(pair);
        let name = self.name(it.next().unwrap());
        let mut country = None;
        let mut block = it.next().unwrap();
        if block.as_rule() != Rule::key_block {
            country = Some(self.name(block));
            block = it.next().unwrap();
        }
        let mut stmts = vec![];
        for s in children(block.clone()) {
            stmts.push(self.node(s, |b, s| KeyStmt::Groups(b.names(children(s).next().unwrap()))));
        }
        let end_comments = self.block_end(&block);
        KeyDecl {
            name,
            country,
            stmts,
            end_comments,
        }
    }

    // ------------------------------------------------------------ expectations, scenarios
    fn expect(&mut self, pair: P<'_>) -> Expect {
        let mut it = children(pair);
        let principal = self.name(it.next().unwrap());
        let product = self.name(it.next().unwrap());
        let access = Self::access(&it.next().unwrap());
        let rule = it.next().map(|p| self.name(p));
        let group = it.next().map(|p| self.name(p));
        Expect {
            principal,
            product,
            access,
            rule,
            group,
        }
    }

    fn scenario(&mut self, pair: P<'_>) -> Scenario {
        let mut it = children(pair);
        let name = self.name(it.next().unwrap());
        let block = it.next().unwrap();
        let mut items = vec![];
        for p in children(block.clone()) {
            items.push(self.item(p).into());
        }
        let end_comments = self.block_end(&block);
        Scenario {
            name,
            items,
            end_comments,
        }
    }

    fn whatif(&mut self, pair: P<'_>) -> WhatIf {
        let rule = pair.as_rule();
        let mut it = children(pair);
        match rule {
            Rule::remove_stmt => {
                let kind = match it.next().unwrap().as_str() {
                    "user" => EntityKind::User,
                    "key" => EntityKind::Key,
                    "group" => EntityKind::Group,
                    "product" => EntityKind::Product,
                    _ => EntityKind::Country,
                };
                WhatIf::Remove {
                    kind,
                    name: self.name(it.next().unwrap()),
                }
            }
            Rule::convert_stmt => WhatIf::Convert(self.name(it.next().unwrap())),
            Rule::clear_stmt => WhatIf::ClearExceptions(self.name(it.next().unwrap())),
            Rule::set_default_stmt => {
                let country = self.name(it.next().unwrap());
                WhatIf::SetDefault {
                    country,
                    access: Self::access(&it.next().unwrap()),
                }
            }
            Rule::set_access_stmt => {
                let country = self.name(it.next().unwrap());
                let product = self.name(it.next().unwrap());
                let v = it.next().unwrap();
                let access = match v.as_rule() {
                    Rule::inherit => None,
                    _ => Some(Self::access(&v)),
                };
                WhatIf::SetAccess {
                    country,
                    product,
                    access,
                }
            }
            Rule::register_stmt => {
                let email = self.name(it.next().unwrap());
                WhatIf::Register {
                    email,
                    code: self.name(it.next().unwrap()),
                }
            }
            _ => self.set_stmt(rule, it),
        }
    }

    /// The (r2) granular `set …` statements.
    fn set_stmt<'i>(&mut self, rule: Rule, it: impl Iterator<Item = P<'i>>) -> WhatIf {
        // (`include-country` is a statement of its own in groups, not a dropped keyword)
        let mut it = it.filter(|p| p.as_rule() != Rule::include_country);
        let mut next = || it.next().unwrap();
        let a = self.name(next());
        let name_or_inherit = |b: &Self, p: P<'_>| match p.as_rule() {
            Rule::inherit => None,
            _ => Some(b.name(p)),
        };
        let verdict_or_inherit = |p: P<'_>| match p.as_rule() {
            Rule::inherit => None,
            _ => Some(Self::access(&p)),
        };
        let on = |p: P<'_>| p.as_str() == "on";
        match rule {
            Rule::set_status_stmt => WhatIf::SetStatus {
                user: a,
                status: self.name(next()),
            },
            Rule::set_ecountry_stmt => WhatIf::SetEntitlementCountry {
                user: a,
                country: name_or_inherit(self, next()),
            },
            Rule::set_exception_stmt => WhatIf::SetException {
                user: a,
                product: self.name(next()),
                access: verdict_or_inherit(next()),
            },
            Rule::set_group_exception_stmt => WhatIf::SetGroupException {
                group: a,
                product: self.name(next()),
                access: verdict_or_inherit(next()),
            },
            Rule::set_member_stmt => WhatIf::SetMember {
                group: a,
                principal: self.name(next()),
                on: on(next()),
            },
            Rule::set_allowed_stmt => WhatIf::SetAllowed {
                group: a,
                product: self.name(next()),
                on: on(next()),
            },
            Rule::set_include_stmt => WhatIf::SetIncludeCountry {
                group: a,
                on: on(next()),
            },
            Rule::set_entitled_stmt => WhatIf::SetEntitled {
                country: a,
                product: self.name(next()),
                on: on(next()),
            },
            Rule::set_revenue_stmt => {
                let v = next();
                WhatIf::SetRevenue {
                    country: a,
                    revenue: (v.as_rule() == Rule::number).then(|| self.name(v)),
                }
            }
            Rule::set_global_stmt => WhatIf::SetGlobal {
                product: a,
                on: on(next()),
            },
            Rule::set_domain_stmt => {
                let v = next();
                let mode = match (v.as_rule(), v.as_str()) {
                    (Rule::auto_approve, _) => DomainMode::AutoApprove,
                    (_, "on") => DomainMode::On,
                    _ => DomainMode::Off,
                };
                WhatIf::SetDomain { domain: a, mode }
            }
            Rule::set_key_country_stmt => WhatIf::SetKeyCountry {
                key: a,
                country: name_or_inherit(self, next()),
            },
            r => unreachable!("not a set statement: {r:?}"),
        }
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}
