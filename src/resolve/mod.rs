//! Stage 2: AST → [`Model`]. Names become ids; every error in the file is collected
//! (unknown names with a suggestion, duplicates with both places, conflicting verdicts,
//! ambiguous `covers`, keys spanning countries …) rather than stopping at the first.

use crate::diag::{did_you_mean, Diagnostic};
use crate::model::*;
use crate::source::Span;
use crate::syntax::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Resolve a document. The model is usable only when no diagnostic is an error.
/// Top-level what-if statements are errors, and top-level expectations must name declared
/// principals, products, rules and groups; scenarios are checked when they run.
pub fn resolve(doc: &Document) -> (Model, Vec<Diagnostic>) {
    let (model, errors) = resolve_declarations(doc);
    top_level(doc, model, errors)
}

/// [`resolve`] of a lean parse ([`crate::syntax::parse_lean`]): the document and the plain
/// user declarations left as text, each built when it is resolved and dropped at once, so the
/// tree of the users never exists whole (on 1,000,000 users it is most of a gigabyte). The
/// model and the diagnostics are those of [`resolve`] on the whole document.
pub fn resolve_lean(doc: &Document, lean: &LeanUsers<'_>) -> (Model, Vec<Diagnostic>) {
    let r = Resolver {
        lean: Some(lean),
        ..Resolver::default()
    };
    let (model, errors) = r.run(doc);
    top_level(doc, model, errors)
}

/// The top-level items that are not declarations: what-if statements are errors here, and
/// expectations must resolve.
fn top_level(doc: &Document, model: Model, mut errors: Vec<Diagnostic>) -> (Model, Vec<Diagnostic>) {
    let mut budget = SUGGESTION_BUDGET;
    for item in &doc.items {
        match &item.kind {
            Item::WhatIf(_) => errors.push(
                Diagnostic::error("misplaced-what-if", "a what-if statement outside a scenario")
                    .with_label(
                        item.span,
                        "what-if statements only run inside `scenario { … }`, the REPL or `simulate --what-if`",
                    )
                    .with_help("wrap it in a scenario block to try it without changing the policy"),
            ),
            Item::Expect(e) => {
                if let Err(mut errs) = resolve_expect_within(&model, e, &mut budget) {
                    errors.append(&mut errs);
                }
            }
            _ => {}
        }
    }
    crate::diag::sort(&mut errors);
    (model, errors)
}

/// Resolve only the declarations of a document (what a what-if edit must keep valid).
pub fn resolve_declarations(doc: &Document) -> (Model, Vec<Diagnostic>) {
    Resolver::default().run(doc)
}

/// A resolved `expect` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedExpect {
    pub principal: Principal,
    pub product: ProductId,
    pub access: Access,
    pub rule: Option<crate::eval::Rule>,
    pub group: Option<GroupId>,
}

/// Check an expectation's names against a model.
pub fn resolve_expect(model: &Model, e: &Expect) -> Result<ResolvedExpect, Vec<Diagnostic>> {
    let mut unlimited = usize::MAX;
    resolve_expect_within(model, e, &mut unlimited)
}

/// [`resolve_expect`], its suggestions drawn from a budget (see [`SUGGESTION_BUDGET`]).
fn resolve_expect_within(model: &Model, e: &Expect, budget: &mut usize) -> Result<ResolvedExpect, Vec<Diagnostic>> {
    let mut errs = vec![];
    let principal = model.find_principal(&e.principal.text);
    if principal.is_none() {
        let n = model.users.len() + model.keys.len();
        errs.push(unknown_within(
            budget,
            "principal",
            &e.principal,
            n,
            model.principal_names(),
        ));
    }
    let product = model.find_product(&e.product.text);
    if product.is_none() {
        let n = 2 * model.products.len();
        errs.push(unknown_within(budget, "product", &e.product, n, model.product_names()));
    }
    let mut rule = None;
    if let Some(r) = &e.rule {
        rule = crate::eval::Rule::parse(&r.text);
        if rule.is_none() {
            errs.push(unknown("rule", r, crate::eval::Rule::ALL.iter().map(|r| r.as_str())));
        }
    }
    let mut group = None;
    if let Some(g) = &e.group {
        if rule.is_some_and(|r| !r.is_group_rule()) {
            errs.push(
                Diagnostic::error(
                    "expect-group",
                    format!("rule `{}` is not decided by a group", e.rule.as_ref().unwrap().text),
                )
                .with_label(g.span, "a group name only follows the `group-*` rules"),
            );
        }
        group = model.find_group(&g.text);
        if group.is_none() {
            let n = model.groups.len();
            errs.push(unknown_within(
                budget,
                "group",
                g,
                n,
                model.groups.iter().map(|g| g.name.as_str()),
            ));
        }
    }
    if errs.is_empty() {
        Ok(ResolvedExpect {
            principal: principal.unwrap(),
            product: product.unwrap(),
            access: e.access,
            rule,
            group,
        })
    } else {
        Err(errs)
    }
}

/// Candidates the did-you-mean suggestions of one resolution may compare names with: each
/// unknown name is compared with every declared name of its kind, which for many unknown
/// names among many declared ones (a renamed product list, 200,000 entries long) would take
/// hours. Past the budget, unknown names are reported without a suggestion.
pub const SUGGESTION_BUDGET: usize = 2_000_000;

/// [`unknown`], when comparing with `count` candidates fits in the budget; without a
/// suggestion otherwise.
fn unknown_within<'a>(
    budget: &mut usize,
    kind: &str,
    name: &Name,
    count: usize,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    if count <= *budget {
        *budget -= count;
        unknown(kind, name, candidates)
    } else {
        unknown(kind, name, std::iter::empty())
    }
}

/// A user, the errors found resolving it and the names it gives that resolve to nothing.
/// A name that resolves to nothing, reported (with a suggestion) once resolution is done.
#[derive(Clone, Copy, Debug)]
enum Missing {
    Product,
    Group,
    Country,
}

/// "unknown KIND `name`" with a did-you-mean help.
pub fn unknown<'a>(kind: &str, name: &Name, candidates: impl IntoIterator<Item = &'a str>) -> Diagnostic {
    let label = match kind {
        "rule" => "not a rule name".to_string(),
        _ => format!("no {kind} of this name is declared"),
    };
    let mut d =
        Diagnostic::error("unknown-name", format!("unknown {kind} `{}`", name.text)).with_label(name.span, label);
    if let Some(help) = did_you_mean(&name.text, candidates) {
        d = d.with_help(help);
    }
    d
}

/// "`admin` is not a role; the roles are: `fulfillment-contact`, …" for a word that must be one
/// of a fixed set of values (roles and statuses, LANGUAGE.md §2), with a did-you-mean help.
pub fn not_one_of(kind: &str, plural: &str, name: &Name, values: &[&str]) -> Diagnostic {
    let listed: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    let mut d = Diagnostic::error(
        "unknown-name",
        format!(
            "`{}` is not a {kind}; the {plural} are: {}",
            name.text,
            listed.join(", ")
        ),
    )
    .with_label(name.span, format!("not a {kind}"));
    if let Some(help) = did_you_mean(&name.text, values.iter().copied()) {
        d = d.with_help(help);
    }
    d
}

/// [`not_one_of`] for a role.
pub fn not_a_role(name: &Name) -> Diagnostic {
    let roles: Vec<&str> = crate::model::Role::ALL.iter().map(|r| r.as_str()).collect();
    not_one_of("role", "roles", name, &roles)
}

/// [`not_one_of`] for a status.
pub fn not_a_status(name: &Name) -> Diagnostic {
    let statuses: Vec<&str> = crate::model::Status::ALL.iter().map(|s| s.as_str()).collect();
    not_one_of("status", "statuses", name, &statuses)
}

/// Where a user is declared: an item of the document, or a user a lean parse left as text.
#[derive(Clone, Copy, Debug)]
enum UserAt {
    Item(usize),
    Lean(usize),
}

#[derive(Default)]
struct Resolver<'a> {
    /// The users of a lean parse (LeanUsers::before gives their places among the items).
    lean: Option<&'a LeanUsers<'a>>,
    model: Model,
    errors: Vec<Diagnostic>,
    /// Indices of the declarations that won (duplicates are skipped).
    product_decls: Vec<usize>,
    country_decls: Vec<usize>,
    group_decls: Vec<usize>,
    user_decls: Vec<UserAt>,
    key_decls: Vec<usize>,
    account_decl: Option<usize>,
    /// Group names as declared (for suggestions before the groups are defined).
    group_names: Vec<String>,
    /// Names that resolved to nothing, in the order met.
    missing: Vec<(Missing, Name)>,
}

impl Resolver<'_> {
    /// The errors for the names that resolved to nothing, in the order they were met, each
    /// with a suggestion while the budget lasts.
    fn report_missing(&mut self) {
        let mut budget = SUGGESTION_BUDGET;
        let m = &self.model;
        for (kind, name) in std::mem::take(&mut self.missing) {
            let d = match kind {
                Missing::Product => {
                    unknown_within(&mut budget, "product", &name, 2 * m.products.len(), m.product_names())
                }
                Missing::Group => {
                    let names = self.group_names.iter().map(String::as_str);
                    unknown_within(&mut budget, "group", &name, self.group_names.len(), names)
                }
                Missing::Country => {
                    let names = m.countries.iter().map(|c| c.name.as_str());
                    unknown_within(&mut budget, "country", &name, m.countries.len(), names)
                }
            };
            self.errors.push(d);
        }
    }

    /// Claim `name` (and a display name) in the namespace of `kind`; false on a duplicate.
    fn duplicate(&mut self, kind: EntityKind, name: &Name, first: Span) {
        self.errors.push(
            Diagnostic::error(
                "duplicate",
                format!("{} `{}` is declared twice", kind.as_str(), name.text),
            )
            .with_label(name.span, "declared again here")
            .with_label(first, "first declared here")
            .with_help("names match ignoring case, and display names share the namespace of names"),
        );
    }

    /// A user and a key share one namespace (LANGUAGE.md §8): the later one is a duplicate.
    fn duplicate_principal(&mut self, name: &Name, first: Span, first_kind: &str) {
        self.errors.push(
            Diagnostic::error("duplicate", format!("principal `{}` is declared twice", name.text))
                .with_label(name.span, "declared again here")
                .with_label(first, format!("first declared here, as a {first_kind}"))
                .with_help("a key id and a user email share one namespace (ignoring case): rename one of them"),
        );
    }

    /// Claim `name` (and a display name) in the namespace of `kind`, a product or a country,
    /// whose names and display names so far are in the model's index; false on a duplicate.
    fn claim(&mut self, doc: &Document, kind: EntityKind, name: &Name, display: Option<&Name>) -> bool {
        let display = display.filter(|d| !same_key(&d.text, &name.text));
        let mut ok = true;
        for n in std::iter::once(name).chain(display) {
            let key = NameKey::of(&n.text);
            let first = match kind {
                EntityKind::Product => self
                    .model
                    .product_index
                    .get(&*key)
                    .map(|id| self.product_decls[id.index()]),
                _ => self
                    .model
                    .country_index
                    .get(&*key)
                    .map(|id| self.country_decls[id.index()]),
            };
            if let Some(first) = first {
                self.duplicate(kind, n, name_span_with_key(doc, first, &key));
                ok = false;
            }
        }
        ok
    }

    /// Pass 1: collect every declaration's name so that order does not matter.
    fn declare(&mut self, doc: &Document) {
        let mut next_lean = 0;
        for (i, item) in doc.items.iter().enumerate() {
            self.declare_lean_users(doc, &mut next_lean, i);
            let Item::Decl(decl) = &item.kind else {
                continue;
            };
            match decl {
                Decl::Account(_) => {
                    if let Some(first) = self.account_decl {
                        self.errors.push(
                            Diagnostic::error("duplicate", "the account is declared twice")
                                .with_label(item.span, "declared again here")
                                .with_label(doc.items[first].span, "first declared here")
                                .with_help("`account` is a singleton: merge the two blocks"),
                        );
                    } else {
                        self.account_decl = Some(i);
                    }
                }
                Decl::Product(p) => {
                    if self.claim(doc, EntityKind::Product, &p.name, p.display.as_ref()) {
                        let id = ProductId(self.model.products.len() as u32);
                        self.model.product_index.insert(p.name.key(), id);
                        if let Some(d) = &p.display {
                            self.model.product_index.insert(d.key(), id);
                        }
                        self.model.products.push(Product {
                            name: p.name.text.clone(),
                            display: p.display.as_ref().map(|d| d.text.clone()),
                            span: item.span,
                        });
                        self.product_decls.push(i);
                    }
                }
                Decl::Country(c) => {
                    if self.claim(doc, EntityKind::Country, &c.name, c.display.as_ref()) {
                        let id = CountryId(self.model.countries.len() as u32);
                        self.model.country_index.insert(c.name.key(), id);
                        if let Some(d) = &c.display {
                            self.model.country_index.insert(d.key(), id);
                        }
                        self.model.countries.push(Country {
                            name: c.name.text.clone(),
                            display: c.display.as_ref().map(|d| d.text.clone()),
                            span: item.span,
                            covers: vec![],
                            entitled: None,
                            default: Access::Allow,
                            default_span: item.span,
                            overrides: HashMap::default(),
                            revenue: None,
                        });
                        self.country_decls.push(i);
                    }
                }
                Decl::Group(g) => {
                    let id = GroupId(self.group_decls.len() as u32);
                    if let Some(first) = self.model.group_index.get(&*NameKey::of(&g.name.text)) {
                        let first = decl_name_span(doc, self.group_decls[first.index()]);
                        self.duplicate(EntityKind::Group, &g.name, first);
                    } else {
                        self.model.group_index.insert(g.name.key(), id);
                        self.group_decls.push(i);
                        self.group_names.push(g.name.text.clone());
                    }
                }
                // users and keys have no display name: their index is the whole namespace
                Decl::User(u) => self.declare_user(doc, &u.email.text, u.email.span, UserAt::Item(i)),
                Decl::Key(k) => {
                    let id = KeyId(self.key_decls.len() as u32);
                    if let Some(u) = self.model.user_index.get(&*NameKey::of(&k.name.text)) {
                        let first = self.user_name_span(doc, self.user_decls[u.index()]);
                        self.duplicate_principal(&k.name, first, "user");
                        continue;
                    }
                    match self.model.key_index.entry(k.name.key()) {
                        std::collections::hash_map::Entry::Occupied(e) => {
                            let first = decl_name_span(doc, self.key_decls[e.get().index()]);
                            self.duplicate(EntityKind::Key, &k.name, first);
                        }
                        std::collections::hash_map::Entry::Vacant(v) => {
                            v.insert(id);
                            self.key_decls.push(i);
                        }
                    }
                }
            }
        }
        self.declare_lean_users(doc, &mut next_lean, doc.items.len());
    }

    fn product(&mut self, name: &Name) -> Option<ProductId> {
        let mut scope = Scope::new(&self.model);
        let id = scope.product(name);
        self.errors.append(&mut scope.errors);
        self.missing.append(&mut scope.missing);
        id
    }

    fn at_most_once(&mut self, what: &str, first: &mut Option<Span>, span: Span) -> bool {
        let mut scope = Scope::new(&self.model);
        let ok = scope.at_most_once(what, first, span);
        self.errors.append(&mut scope.errors);
        self.missing.append(&mut scope.missing);
        ok
    }

    fn verdicts(&mut self, entries: &[(Access, Span, &[Name])]) -> Vec<(ProductId, Access, Span)> {
        let mut scope = Scope::new(&self.model);
        let out = scope.verdicts(entries);
        self.errors.append(&mut scope.errors);
        self.missing.append(&mut scope.missing);
        out
    }

    /// Pass 1 ([`Resolver::declare`]), then pass 2: fill in every entity, in the order they
    /// refer to each other (countries, groups, users, keys, the account); then the model and
    /// every error, in order, the names that resolved to nothing included.
    fn run(mut self, doc: &Document) -> (Model, Vec<Diagnostic>) {
        self.declare(doc);
        self.define_countries(doc);
        self.define_groups(doc);
        self.define_users(doc);
        self.define_keys(doc);
        self.define_account(doc);
        self.report_missing();
        crate::diag::sort(&mut self.errors);
        (self.model, self.errors)
    }

    fn define_countries(&mut self, doc: &Document) {
        // profile codes: declared names and display names first
        for (i, c) in self.model.countries.iter().enumerate() {
            self.model
                .profile_index
                .insert(c.name.to_lowercase(), CountryId(i as u32));
            if let Some(d) = &c.display {
                self.model.profile_index.insert(d.to_lowercase(), CountryId(i as u32));
            }
        }
        let mut covered_by: HashMap<String, (CountryId, Span)> = HashMap::default();
        for ci in 0..self.country_decls.len() {
            let Item::Decl(Decl::Country(c)) = &doc.items[self.country_decls[ci]].kind else {
                unreachable!()
            };
            let id = CountryId(ci as u32);
            let mut default_first = None;
            let mut revenue_first = None;
            let mut revenue = None;
            let mut entitled: Option<Entitled> = None;
            let mut access_entries = vec![];
            let mut covers = vec![];
            for stmt in &c.stmts {
                match &stmt.kind {
                    CountryStmt::Covers(codes) => {
                        for code in codes {
                            if let Some(other) = self.model.find_country(&code.text) {
                                self.errors.push(
                                    Diagnostic::error("covers-declared-country", format!("`{}` is a declared country, not a profile code to cover", code.text))
                                        .with_label(code.span, "this names a declared country")
                                        .with_label(self.model.country(other).span, "declared here")
                                        .with_help("users whose profile country is a declared country get that country; remove it from `covers`"),
                                );
                                continue;
                            }
                            match covered_by.get(&*NameKey::of(&code.text)) {
                                Some(&(other, first)) if other != id => {
                                    self.errors.push(
                                        Diagnostic::error(
                                            "covers-twice",
                                            format!("profile code `{}` is covered by two countries", code.text),
                                        )
                                        .with_label(code.span, format!("covered by `{}` here", c.name.text))
                                        .with_label(
                                            first,
                                            format!("already covered by `{}` here", self.model.country(other).name),
                                        )
                                        .with_help("a profile code maps to exactly one entitlement country"),
                                    );
                                }
                                Some(_) => {}
                                None => {
                                    covered_by.insert(code.key(), (id, code.span));
                                    covers.push((code.text.clone(), code.span));
                                }
                            }
                        }
                    }
                    CountryStmt::Entitled(list) => {
                        let e = entitled.get_or_insert_with(|| Entitled {
                            span: stmt.span,
                            products: HashMap::default(),
                        });
                        let span = stmt.span;
                        let mut ids = vec![];
                        for n in list {
                            if let Some(p) = self.model.find_product(&n.text) {
                                ids.push(p);
                            } else {
                                self.missing.push((Missing::Product, n.clone()));
                            }
                        }
                        for p in ids {
                            e.products.entry(p).or_insert(span);
                        }
                    }
                    CountryStmt::Default(a) => {
                        if self.at_most_once("default", &mut default_first, stmt.span) {
                            let country = &mut self.model.countries[ci];
                            country.default = *a;
                            country.default_span = stmt.span;
                        }
                    }
                    CountryStmt::Access(a, names) => access_entries.push((*a, stmt.span, names.as_slice())),
                    CountryStmt::Revenue(n) => {
                        if self.at_most_once("revenue", &mut revenue_first, stmt.span) {
                            match number(n) {
                                Ok(v) => revenue = Some((v, stmt.span)),
                                Err(d) => self.errors.push(d),
                            }
                        }
                    }
                }
            }
            let overrides = self.verdicts(&access_entries);
            let country = &mut self.model.countries[ci];
            country.revenue = revenue;
            country.entitled = entitled;
            country.covers = covers.clone();
            country.overrides = overrides.into_iter().map(|(p, a, s)| (p, (a, s))).collect();
        }
        for (code, (id, _)) in covered_by {
            self.model.profile_index.entry(code).or_insert(id);
        }
        let (fallback, mut ties) = fallback_country(&self.model);
        self.model.fallback = fallback;
        self.errors.append(&mut ties);
    }

    fn define_groups(&mut self, doc: &Document) {
        for gi in 0..self.group_decls.len() {
            let item = &doc.items[self.group_decls[gi]];
            let Item::Decl(Decl::Group(g)) = &item.kind else {
                unreachable!()
            };
            let country = self.model.find_country(&g.country.text);
            if country.is_none() {
                self.missing.push((Missing::Country, g.country.clone()));
            }
            let mut allowed: Vec<(ProductId, Span)> = vec![];
            let mut allowed_seen: HashSet<ProductId> = HashSet::default();
            let mut allowed_span = None;
            let mut include_country = None;
            let mut exc = vec![];
            for stmt in &g.stmts {
                match &stmt.kind {
                    GroupStmt::Allowed(list) => {
                        allowed_span.get_or_insert(stmt.span);
                        for n in list {
                            if let Some(p) = self.product(n) {
                                if is_new(&allowed, &mut allowed_seen, p) {
                                    allowed.push((p, stmt.span));
                                }
                            }
                        }
                    }
                    GroupStmt::IncludeCountry => {
                        include_country.get_or_insert(stmt.span);
                    }
                    GroupStmt::Exception(a, names) => exc.push((*a, stmt.span, names.as_slice())),
                }
            }
            let exceptions = self.verdicts(&exc);
            self.model.groups.push(Group {
                name: g.name.text.clone(),
                span: item.span,
                // (an unknown country is an error reported above: the model is not used)
                country: country.unwrap_or(CountryId(u32::MAX)),
                allowed,
                allowed_span,
                include_country,
                exceptions,
            });
        }
    }

    fn define_keys(&mut self, doc: &Document) {
        for ki in 0..self.key_decls.len() {
            let mut scope = Scope::new(&self.model);
            let key = define_key(&mut scope, &doc.items[self.key_decls[ki]]);
            let (mut errors, mut missing) = (scope.errors, scope.missing);
            self.errors.append(&mut errors);
            self.missing.append(&mut missing);
            self.model.keys.push(key);
        }
    }

    fn define_account(&mut self, doc: &Document) {
        let Some(i) = self.account_decl else { return };
        let item = &doc.items[i];
        let Item::Decl(Decl::Account(a)) = &item.kind else {
            unreachable!()
        };
        let mut account = Account {
            name: a.name.as_ref().map(|n| n.text.clone()),
            span: Some(item.span),
            ..Account::default()
        };
        let mut seen_domains: HashMap<String, Span> = HashMap::default();
        let mut alerts_seen: HashSet<ProductId> = HashSet::default();
        let mut global_seen: HashSet<ProductId> = HashSet::default();
        for stmt in &a.stmts {
            match &stmt.kind {
                AccountStmt::Domain { domain, auto_approve } => {
                    if let Some(first) = seen_domains.get(&*NameKey::of(&domain.text)) {
                        self.errors.push(
                            Diagnostic::error("duplicate", format!("domain `{}` is listed twice", domain.text))
                                .with_label(domain.span, "listed again here")
                                .with_label(*first, "first listed here"),
                        );
                        continue;
                    }
                    seen_domains.insert(domain.key(), domain.span);
                    account.domains.push(Domain {
                        name: domain.text.clone(),
                        auto_approve: *auto_approve,
                        span: stmt.span,
                    });
                }
                AccountStmt::Alerts(list) => {
                    for n in list {
                        if let Some(p) = self.product(n) {
                            if is_new(&account.alerts, &mut alerts_seen, p) {
                                account.alerts.push((p, stmt.span));
                            }
                        }
                    }
                }
                AccountStmt::Global(list) => {
                    for n in list {
                        if let Some(p) = self.product(n) {
                            if is_new(&account.global, &mut global_seen, p) {
                                account.global.push((p, stmt.span));
                            }
                        }
                    }
                }
            }
        }
        let mut global = vec![false; self.model.products.len()];
        for (p, _) in &account.global {
            global[p.index()] = true;
        }
        self.model.global = global;
        self.model.account = Some(account);
    }
}

/// Whether `id` is in none of the pairs of `list`, a list that only grows by the ids this says
/// are new: a scan while the list is short, then `seen`, filled from the list once. (Most
/// lists have a few ids, and a set for each was an allocation per user; a list can also hold
/// hundreds of thousands of names.)
fn is_new<T: Copy + Eq + std::hash::Hash, S>(list: &[(T, S)], seen: &mut HashSet<T>, id: T) -> bool {
    const SCAN: usize = 16;
    if list.len() < SCAN {
        return !list.iter().any(|(x, _)| *x == id);
    }
    if seen.is_empty() {
        seen.extend(list.iter().map(|(x, _)| *x));
    }
    seen.insert(id)
}

/// The span of the name or the display name of the product or country declared at
/// `doc.items[i]`, whichever has the key `key`.
fn name_span_with_key(doc: &Document, i: usize, key: &str) -> Span {
    let display = match &doc.items[i].kind {
        Item::Decl(Decl::Product(p)) => p.display.as_ref(),
        Item::Decl(Decl::Country(c)) => c.display.as_ref(),
        _ => None,
    };
    match display {
        Some(d) if has_key(&d.text, key) && !decl_name(doc, i).is_some_and(|n| has_key(&n.text, key)) => d.span,
        _ => decl_name_span(doc, i),
    }
}

/// The name of the declaration at `doc.items[i]`.
fn decl_name(doc: &Document, i: usize) -> Option<&Name> {
    match &doc.items[i].kind {
        Item::Decl(d) => d.name(),
        _ => None,
    }
}

/// The span of the name of the declaration at `doc.items[i]`.
fn decl_name_span(doc: &Document, i: usize) -> Span {
    decl_name(doc, i).map_or(doc.items[i].span, |n| n.span)
}

mod principal;
mod values;

use principal::{define_key, Scope};
pub use principal::{resolve_principal, ResolvedPrincipal};
pub use values::{declared_country, fallback_country, number};
