//! Lint: warnings about a policy that is valid but probably not what its author meant.
//!
//! [`lint`] runs on a document whose model resolved without errors. Every warning has a
//! stable kebab-case code, a message, a primary label at the offending text (secondary labels
//! where they help), and a help line saying what to do. The output is sorted by position and
//! deterministic (the AST is walked in source order; no hash-map order leaks out).
//!
//! | code | what |
//! |---|---|
//! | `no-fulfillment-contact` | nobody has the fulfillment-contact role |
//! | `no-administrator` | nobody is an account-admin or co-admin |
//! | `no-admin-contact` | nobody is both an administrator and a fulfillment contact |
//! | `default-deny-no-override` | a country denies by default and has no product-level `allow` |
//! | `legacy-exceptions-ignored` | a group with an Allowed Applications list still has `exception` lines |
//! | `member-other-country` | a user is in a group of another country than their entitlement country |
//! | `no-entitlement-country` | a user with groups has no entitlement country |
//! | `not-entitled-allowed` | an `allowed` / `exception allow` / country `allow` / user `allow` entry names a product not entitled there |
//! | `include-country-empty-list` | `include-country` on a group without an Allowed Applications list |
//! | `mixed-group-modes` | a principal in an allow-list group and a legacy or unconfigured group of the same country |
//! | `unused-product` | a product no list names |
//! | `unused-group` | a group without members (users or keys) |
//! | `unknown-profile-country` | a user's profile code matches no country and no `covers` entry, and no country declares a `revenue` to fall back on |
//! | `empty-key` | a key without groups and without `in COUNTRY` |
//! | `redundant-entry` | the same entry twice in the lists of one block |
//! | `revenue-fallback` (r2) | a user whose profile code matches no country gets the highest-revenue country (informational: what the portal does) |
//! | `global-also-entitled` (r2) | a product of the account's `global` list that a country's `entitled` list also names |
//! | `key-several-groups` (r2) | a key mapped to more than one group (the portal maps a key to one group) |
//! | `no-account-admin` (r2) | nobody is an account-admin: nobody can claim domains or turn auto-approval on or off |
//! | `unknown-lint` | an allow comment names a code that does not exist |
//! | `invalid-allow` | a `# entitle:` comment that is not `allow(…)`, or that applies to no statement |
//! | `unused-allow` | a code in an allow comment that silences nothing |
//!
//! [`lint`] / [`lint_file`] give the raw warnings; [`run`] is `entitle lint`: it applies the
//! inline `# entitle: allow(CODE)` comments (`allow.rs`) and the levels of the command line
//! ([`config`]: `--allow`/`--warn`/`--deny CODE`, the last flag naming a code wins,
//! `--deny-warnings`). [`CODES`] lists every code; `docs/lint.md` explains each with an example
//! (a test lints its examples and checks that together they give every code).
//!
//! Help lines are things to paste: the exact statement to write, with the names filled in
//! where the linter knows them, or a command, `entitle simulate FILE --what-if 'STATEMENT'`,
//! naming the file as the user gave it, quoted for a POSIX shell (`shell_word`). A test runs
//! every such command on the shipped scenarios.
//!
//! Decisions written down here (the contract leaves them open):
//! - The three role warnings are given only when the policy has at least one user: a policy
//!   without users is not an account yet (a product catalogue, a test fixture). They are
//!   independent facts, so a policy without any role gets all three. They point at the
//!   account declaration, else at the first user.
//! - Roles count whatever the user's status: a pending administrator is still an administrator
//!   (`entitle can` tells the status apart).
//! - `unused-product` looks at the policy's lists only (`entitled`, country `allow`/`deny`,
//!   `allowed`, `exception`, user `allow`/`deny`, `alerts`); `expect` lines do not count. A
//!   product named nowhere is still entitled in a country without an `entitled` list; the
//!   warning says so in a note.
//! - `not-entitled-allowed` checks a user's `allow` against the user's entitlement country (a
//!   user without one is reported by `unknown-profile-country`), and a group's entries (legacy
//!   exceptions too, ignored or not) against the group's country.
//! - `mixed-group-modes` also applies to keys (same surprise, same rules).
//! - `redundant-entry` covers every list of a block: `allowed`, `exception`, `groups`,
//!   `roles`, user and country `allow`/`deny`, `entitled`, `covers` and `alerts`. A product
//!   written once by name and once by display name is the same entry.

pub use config::{Level, LintConfig, CODES};

use crate::diag::{did_you_mean, Diagnostic};
use crate::model::{CountryId, GroupId, GroupMode, Model, Principal, ProductId, Role};
use crate::source::{Sources, Span};
use crate::syntax::{Access, AccountStmt, CountryStmt, Decl, Document, GroupStmt, Item, KeyStmt, Name, UserStmt};
use std::collections::{HashMap, HashSet};

/// Every lint warning of a resolved policy, sorted by position. Commands in help lines name
/// the policy file `POLICY`; [`lint_file`] names the real one.
pub fn lint(doc: &Document, model: &Model) -> Vec<Diagnostic> {
    lint_file(doc, model, "POLICY")
}

/// Every lint warning of a resolved policy read from `path` (the path as the user gave it:
/// commands in help lines name it), sorted by position. Inline allow comments and levels are
/// not applied: that is [`run`].
pub fn lint_file(doc: &Document, model: &Model, path: &str) -> Vec<Diagnostic> {
    let mut l = Linter::new(doc, model, shell_word(path));
    l.roles();
    l.countries();
    l.groups();
    l.users();
    l.keys();
    l.products();
    l.account();
    let mut out = l.out;
    crate::diag::sort(&mut out);
    out
}

/// A lint finding at the level it is reported at ([`Level::Warn`] or [`Level::Deny`]; a
/// denied finding's diagnostic is an error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub level: Level,
}

/// `entitle lint`: the findings of [`lint_file`] minus those silenced by inline
/// `# entitle: allow(CODE)` comments, plus the comments' own warnings (`unknown-lint`,
/// `invalid-allow`, `unused-allow`), at the levels `config` sets: allowed codes are left out,
/// denied ones become errors with a note naming the flag. Sorted by position.
pub fn run(doc: &Document, model: &Model, sources: &Sources, path: &str, config: &LintConfig) -> Vec<Finding> {
    let found = lint_file(doc, model, path);
    let mut diags = allow::Allows::collect(doc, sources).apply(found);
    crate::diag::sort(&mut diags);
    diags
        .into_iter()
        .filter_map(|mut d| {
            let (level, flag) = config.level(d.code);
            match level {
                Level::Allow => None,
                Level::Warn => Some(Finding { diagnostic: d, level }),
                Level::Deny => {
                    d.severity = crate::diag::Severity::Error;
                    if let Some(flag) = flag {
                        d = d.with_note(format!("`{flag}` makes this an error"));
                    }
                    Some(Finding { diagnostic: d, level })
                }
            }
        })
        .collect()
}

/// A word as a POSIX shell reads it back: bare when it holds only safe characters, else in
/// single quotes.
pub(crate) fn shell_word(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./@+:,=%".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A name as it must be written in a statement: bare when it is an identifier, else quoted.
fn written(name: &str) -> String {
    crate::fmt::format_name(name)
}

/// A list statement's span, ending at its last name. (The parser's statement spans can run on
/// over the whitespace after a list; a label should not.)
fn clip(stmt: Span, names: &[Name]) -> Span {
    match names.last() {
        Some(n) if n.span.end >= stmt.start && n.span.end <= stmt.end => Span {
            end: n.span.end,
            ..stmt
        },
        _ => stmt,
    }
}

/// The (clipped) `groups` statement that first names each group, from a block's statements.
fn group_statements<'n>(model: &Model, stmts: impl Iterator<Item = (Span, &'n [Name])>) -> HashMap<GroupId, Span> {
    let mut out = HashMap::new();
    for (span, names) in stmts {
        let span = clip(span, names);
        for n in names {
            if let Some(g) = model.find_group(&n.text) {
                out.entry(g).or_insert(span);
            }
        }
    }
    out
}

/// From the start of a declaration to the end of its last header name: `group A in US`,
/// `user a@x.com "Ann"` (a whole block would make a noisy label).
fn head(decl: Span, last: Span) -> Span {
    Span {
        file: decl.file,
        start: decl.start,
        end: last.end.max(decl.start),
    }
}

struct Linter<'a> {
    doc: &'a Document,
    /// The policy file as a shell word, for the commands in help lines.
    policy: String,
    model: &'a Model,
    out: Vec<Diagnostic>,
    /// Declaration heads, by id (the model's spans cover whole blocks).
    product_heads: Vec<Span>,
    country_heads: Vec<Span>,
    group_heads: Vec<Span>,
    user_heads: Vec<Span>,
    key_heads: Vec<Span>,
    account_head: Option<Span>,
}

/// The top-level declarations of a document with their spans.
fn decls(doc: &Document) -> impl Iterator<Item = (Span, &Decl)> {
    doc.items.iter().filter_map(|item| match &item.kind {
        Item::Decl(d) => Some((item.span, d)),
        _ => None,
    })
}

impl<'a> Linter<'a> {
    fn new(doc: &'a Document, model: &'a Model, policy: String) -> Linter<'a> {
        let mut l = Linter {
            doc,
            policy,
            model,
            out: vec![],
            product_heads: model.products.iter().map(|p| p.span).collect(),
            country_heads: model.countries.iter().map(|c| c.span).collect(),
            group_heads: model.groups.iter().map(|g| g.span).collect(),
            user_heads: model.users.iter().map(|u| u.span).collect(),
            key_heads: model.keys.iter().map(|k| k.span).collect(),
            account_head: None,
        };
        for (span, decl) in decls(doc) {
            match decl {
                Decl::Account(a) => {
                    if model.account.as_ref().and_then(|a| a.span) == Some(span) {
                        let end = a.name.as_ref().map_or(
                            Span {
                                end: span.start + "account".len() as u32,
                                ..span
                            },
                            |n| n.span,
                        );
                        l.account_head = Some(head(span, end));
                    }
                }
                Decl::Product(p) => {
                    if let Some(id) = l.product_id(&p.name, span) {
                        l.product_heads[id.index()] = head(span, p.display.as_ref().unwrap_or(&p.name).span);
                    }
                }
                Decl::Country(c) => {
                    if let Some(id) = l.country_id(&c.name, span) {
                        l.country_heads[id.index()] = head(span, c.display.as_ref().unwrap_or(&c.name).span);
                    }
                }
                Decl::Group(g) => {
                    if let Some(id) = l.group_id(&g.name, span) {
                        l.group_heads[id.index()] = head(span, g.country.span);
                    }
                }
                Decl::User(u) => {
                    if let Some(id) = model.find_user(&u.email.text) {
                        if model.user(id).span == span {
                            l.user_heads[id.index()] = head(span, u.display.as_ref().unwrap_or(&u.email).span);
                        }
                    }
                }
                Decl::Key(k) => {
                    if let Some(id) = model.find_key(&k.name.text) {
                        if model.key(id).span == span {
                            l.key_heads[id.index()] = head(span, k.name.span);
                        }
                    }
                }
            }
        }
        l
    }

    // The model entity declared by an AST declaration (checked by span, so a stray
    // duplicate never lends its statements to the winner).
    fn product_id(&self, name: &Name, span: Span) -> Option<ProductId> {
        self.model
            .find_product(&name.text)
            .filter(|id| self.model.product(*id).span == span)
    }
    fn country_id(&self, name: &Name, span: Span) -> Option<CountryId> {
        self.model
            .find_country(&name.text)
            .filter(|id| self.model.country(*id).span == span)
    }
    fn group_id(&self, name: &Name, span: Span) -> Option<GroupId> {
        self.model
            .find_group(&name.text)
            .filter(|id| self.model.group(*id).span == span)
    }

    fn product_name(&self, p: ProductId) -> &str {
        &self.model.product(p).name
    }
    fn country_name(&self, c: CountryId) -> &str {
        &self.model.country(c).name
    }
    fn group_name(&self, g: GroupId) -> &str {
        &self.model.group(g).name
    }

    /// The command that shows what a what-if statement would change.
    fn simulate(&self, stmt: &str) -> String {
        format!("entitle simulate {} --what-if {}", self.policy, shell_word(stmt))
    }

    fn warn(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    // ------------------------------------------------------------------ roles (§4)

    fn roles(&mut self) {
        let users = &self.model.users;
        // An empty policy (no users) is not an account yet: no role warnings.
        if users.is_empty() {
            return;
        }
        let anchor = match self.account_head {
            Some(span) => Some((span, "in this account")),
            None => self
                .user_heads
                .first()
                .map(|&span| (span, "the account's first user (no `account` is declared)")),
        };
        let with_anchor = |d: Diagnostic| match anchor {
            Some((span, msg)) => d.with_label(span, msg),
            None => d,
        };
        let fc = users.iter().any(|u| u.has_role(Role::FulfillmentContact));
        let admin = users.iter().any(|u| u.is_admin());
        let both = users
            .iter()
            .any(|u| u.is_admin() && u.has_role(Role::FulfillmentContact));
        if !fc {
            self.warn(with_anchor(
                Diagnostic::warning(
                    "no-fulfillment-contact",
                    "nobody is a fulfillment contact: nobody receives renewal notices, invoices or fulfillment documents",
                ))
                .with_help("add `roles fulfillment-contact` to the user who should receive billing documents"),
            );
        }
        if !admin {
            self.warn(with_anchor(
                Diagnostic::warning(
                    "no-administrator",
                    "the account has no administrator (account-admin or co-admin): nobody can manage its entitlements or receive license alerts",
                ))
                .with_help("add `roles account-admin` (or `co-admin`) to the user who manages the account"),
            );
        }
        if !users.iter().any(|u| u.has_role(Role::AccountAdmin)) {
            self.warn(with_anchor(
                Diagnostic::warning(
                    "no-account-admin",
                    "nobody is an account-admin: nobody can claim email domains or turn auto-approval on or off",
                ))
                .with_note("only account-admins may manage domains (co-admins may not)")
                .with_help("add `roles account-admin` to the user who manages the account (account admins are set with the vendor)"),
            );
        }
        if !both {
            self.warn(
                with_anchor(Diagnostic::warning(
                    "no-admin-contact",
                    "nobody is both an administrator and a fulfillment contact",
                ))
                .with_note("the portal starts every account with one such person")
                .with_help("give one user both roles: `roles account-admin, fulfillment-contact`"),
            );
        }
    }

    // ------------------------------------------------------------------ countries

    fn countries(&mut self) {
        let doc = self.doc;
        for (span, decl) in decls(doc) {
            let Decl::Country(cd) = decl else { continue };
            let Some(cid) = self.country_id(&cd.name, span) else {
                continue;
            };
            let c = self.model.country(cid);

            if c.default == Access::Deny && !c.overrides.values().any(|(a, _)| *a == Access::Allow) {
                self.warn(
                    Diagnostic::warning(
                        "default-deny-no-override",
                        format!(
                            "country `{}` denies by default and has no product-level `allow` override",
                            c.name
                        ),
                    )
                    .with_label(c.default_span, "Default Access is deny")
                    .with_label(self.country_heads[cid.index()], "no `allow PRODUCT` in this country")
                    .with_note("nobody there gets a product except through an Allowed Applications list, a legacy `exception allow` or a user `allow`")
                    .with_help(format!(
                        "add `allow PRODUCT` to `{}` for the products everyone there may use, or check that every user there is in a group listing them (`{}` shows who would gain what with Default Access allow)",
                        c.name,
                        self.simulate(&format!("set default {} allow", written(&c.name)))
                    )),
                );
            }

            let mut covers = Dups::default();
            let mut entitled = Dups::default();
            let mut access = Dups::default();
            for stmt in &cd.stmts {
                match &stmt.kind {
                    CountryStmt::Revenue(_) => {}
                    CountryStmt::Covers(codes) => {
                        for code in codes {
                            self.dup(&mut covers, code.key(), code, "profile code", "covers");
                        }
                    }
                    CountryStmt::Entitled(names) => {
                        for n in names {
                            if let Some(p) = self.model.find_product(&n.text) {
                                if self.model.is_global(p) {
                                    self.warn(
                                        Diagnostic::warning(
                                            "global-also-entitled",
                                            format!("`{}` is entitled in every country by the account's `global` list", n.text),
                                        )
                                        .with_label(n.span, "already entitled through `global`")
                                        .with_help("remove it from this `entitled` list (or from `global`, if it is not a global entitlement)"),
                                    );
                                }
                                self.dup(&mut entitled, p, n, "product", "entitled");
                            }
                        }
                    }
                    CountryStmt::Access(a, names) => {
                        for n in names {
                            let Some(p) = self.model.find_product(&n.text) else {
                                continue;
                            };
                            self.dup(&mut access, (p, *a), n, "product", a.as_str());
                            if *a == Access::Allow {
                                self.not_entitled(cid, p, n, "this country-level `allow`");
                            }
                        }
                    }
                    CountryStmt::Default(_) => {}
                }
            }
        }
    }

    /// `not-entitled-allowed` when `p` (written as `name`) is not entitled in `country`.
    fn not_entitled(&mut self, country: CountryId, p: ProductId, name: &Name, what: &str) {
        let c = self.model.country(country);
        if self.model.is_entitled(country, p) {
            return;
        }
        let (pn, cn) = (self.product_name(p), self.country_name(country));
        let mut d = Diagnostic::warning(
            "not-entitled-allowed",
            format!("`{pn}` is not entitled in `{cn}`: {what} can never grant it"),
        )
        .with_label(name.span, format!("`{pn}` is not entitled in `{cn}`"));
        if let Some(e) = &c.entitled {
            d = d.with_label(e.span, format!("`{cn}`'s `entitled` list does not include it"));
        }
        self.warn(d.with_help(format!(
            "add `{}` to `{cn}`'s `entitled` list if the account is entitled to it there, else delete this entry",
            written(pn)
        )));
    }

    /// `redundant-entry` when `key` was already seen in this block's list.
    fn dup<K: std::hash::Hash + Eq>(&mut self, seen: &mut Dups<K>, key: K, name: &Name, kind: &str, list: &str) {
        match seen.0.get(&key) {
            Some(first) => {
                let first = first.clone();
                self.warn(
                    Diagnostic::warning(
                        "redundant-entry",
                        format!("{kind} `{}` is listed twice in `{list}`", name.text),
                    )
                    .with_label(name.span, "listed again here")
                    .with_label(first.span, format!("first listed here as `{}`", first.text))
                    .with_help("delete the repeated entry; it changes nothing"),
                );
            }
            None => {
                seen.0.insert(key, name.clone());
            }
        }
    }

    // ------------------------------------------------------------------ groups

    fn groups(&mut self) {
        let doc = self.doc;
        let mut members: HashSet<GroupId> = HashSet::new();
        for u in &self.model.users {
            members.extend(u.groups.iter().map(|(g, _)| *g));
        }
        for k in &self.model.keys {
            members.extend(k.groups.iter().map(|(g, _)| *g));
        }
        for (span, decl) in decls(doc) {
            let Decl::Group(gd) = decl else { continue };
            let Some(gid) = self.group_id(&gd.name, span) else {
                continue;
            };
            let g = self.model.group(gid);
            let gname = g.name.clone();
            let ghead = self.group_heads[gid.index()];

            // legacy exceptions next to an Allowed Applications list
            let exception_stmts: Vec<Span> = gd
                .stmts
                .iter()
                .filter_map(|s| match &s.kind {
                    GroupStmt::Exception(_, names) => Some(clip(s.span, names)),
                    _ => None,
                })
                .collect();
            if g.mode() == GroupMode::AllowList && !exception_stmts.is_empty() {
                let n = exception_stmts.len();
                let mut d = Diagnostic::warning(
                    "legacy-exceptions-ignored",
                    format!(
                        "group `{gname}` has an Allowed Applications list, so its {} legacy exception line{} {} ignored",
                        n,
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "is" } else { "are" },
                    ),
                )
                .with_label(exception_stmts[0], "ignored");
                for &s in &exception_stmts[1..] {
                    d = d.with_label(s, "also ignored");
                }
                if let Some(list) = gd.stmts.iter().find_map(|s| match &s.kind {
                    GroupStmt::Allowed(names) => Some(clip(s.span, names)),
                    _ => None,
                }) {
                    d = d.with_label(list, "this list decides for the group");
                }
                // the list `convert` would leave
                let mut list: Vec<ProductId> = g.allowed.iter().map(|(p, _)| *p).collect();
                for (p, a, _) in &g.exceptions {
                    if *a == Access::Allow && !list.contains(p) {
                        list.push(*p);
                    }
                }
                let help = if list.len() == g.allowed.len() {
                    "delete the exception lines: they change nothing".to_string()
                } else {
                    let names: Vec<String> = list.iter().map(|p| written(self.product_name(*p))).collect();
                    format!(
                        "`{}` shows what moving the `exception allow` products into the Allowed Applications list changes; to do it, make the group's list `allowed {}` and delete the exception lines (or delete only the exception lines: as they are, they change nothing)",
                        self.simulate(&format!("convert {}", written(&gname))),
                        names.join(", ")
                    )
                };
                self.warn(d.with_help(help));
            }

            // include-country without a list
            if let (Some(inc), true) = (g.include_country, g.allowed.is_empty()) {
                self.warn(
                    Diagnostic::warning(
                        "include-country-empty-list",
                        format!("`include-country` does nothing: group `{gname}` has no Allowed Applications list"),
                    )
                    .with_label(inc, "has no effect")
                    .with_note("the switch only acts on a group whose `allowed` list is non-empty")
                    .with_help("add an `allowed` list to the group, or delete `include-country`"),
                );
            }

            // entries that can never grant, and repeated entries
            let country = g.country;
            let mut allowed = Dups::default();
            let mut exceptions = Dups::default();
            for stmt in &gd.stmts {
                match &stmt.kind {
                    GroupStmt::Allowed(names) => {
                        for n in names {
                            let Some(p) = self.model.find_product(&n.text) else {
                                continue;
                            };
                            self.dup(&mut allowed, p, n, "product", "allowed");
                            self.not_entitled(country, p, n, "this Allowed Applications entry");
                        }
                    }
                    GroupStmt::Exception(a, names) => {
                        for n in names {
                            let Some(p) = self.model.find_product(&n.text) else {
                                continue;
                            };
                            let list = format!("exception {a}");
                            self.dup(&mut exceptions, (p, *a), n, "product", &list);
                            if *a == Access::Allow {
                                self.not_entitled(country, p, n, "this `exception allow`");
                            }
                        }
                    }
                    GroupStmt::IncludeCountry => {}
                }
            }

            if !members.contains(&gid) {
                self.warn(
                    Diagnostic::warning("unused-group", format!("group `{gname}` has no members"))
                        .with_label(ghead, "no user or key is in this group")
                        .with_help(format!(
                            "add `groups {}` to the users or keys it is meant for, or remove the group",
                            written(&gname)
                        )),
                );
            }
        }
    }

    // ------------------------------------------------------------------ products

    fn products(&mut self) {
        let m = self.model;
        let mut used: HashSet<ProductId> = HashSet::new();
        for c in &m.countries {
            if let Some(e) = &c.entitled {
                used.extend(e.products.keys().copied());
            }
            used.extend(c.overrides.keys().copied());
        }
        for g in &m.groups {
            used.extend(g.allowed.iter().map(|(p, _)| *p));
            used.extend(g.exceptions.iter().map(|(p, _, _)| *p));
        }
        for u in &m.users {
            used.extend(u.exceptions.iter().map(|(p, _, _)| *p));
        }
        if let Some(a) = &m.account {
            used.extend(a.alerts.iter().map(|(p, _)| *p));
            used.extend(a.global.iter().map(|(p, _)| *p));
        }
        let unlisted: Vec<&str> = m
            .countries
            .iter()
            .filter(|c| c.entitled.is_none())
            .map(|c| c.name.as_str())
            .collect();
        for p in m.product_ids() {
            if used.contains(&p) {
                continue;
            }
            let name = self.product_name(p);
            let mut d = Diagnostic::warning("unused-product", format!("product `{name}` is not named in any list"))
                .with_label(self.product_heads[p.index()], "named nowhere else");
            if !unlisted.is_empty() {
                d = d.with_note(format!(
                    "it is still entitled in {} (no `entitled` list), where Default Access decides it",
                    unlisted.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                ));
            }
            self.warn(d.with_help(
                "remove the product, or name it where it is meant to be used (`entitled`, `allowed`, `allow`)",
            ));
        }
    }

    // ------------------------------------------------------------------ account

    fn account(&mut self) {
        let doc = self.doc;
        for (span, decl) in decls(doc) {
            let Decl::Account(ad) = decl else { continue };
            if self.model.account.as_ref().and_then(|a| a.span) != Some(span) {
                continue;
            }
            let (mut alerts, mut global) = (Dups::default(), Dups::default());
            for stmt in &ad.stmts {
                let (seen, list, names) = match &stmt.kind {
                    AccountStmt::Alerts(names) => (&mut alerts, "alerts", names),
                    AccountStmt::Global(names) => (&mut global, "global", names),
                    AccountStmt::Domain { .. } => continue,
                };
                for n in names {
                    if let Some(p) = self.model.find_product(&n.text) {
                        self.dup(seen, p, n, "product", list);
                    }
                }
            }
        }
    }
}

/// The entries of one list kind seen so far in a block, with the name that first listed each.
struct Dups<K>(HashMap<K, Name>);

impl<K> Default for Dups<K> {
    fn default() -> Self {
        Dups(HashMap::new())
    }
}

mod allow;
pub mod config;
mod principals;
#[cfg(test)]
mod tests;
