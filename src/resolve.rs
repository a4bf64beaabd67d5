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
    let (model, mut errors) = resolve_declarations(doc);
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
    let mut r = Resolver::default();
    r.declare(doc);
    r.define(doc);
    r.report_missing();
    crate::diag::sort(&mut r.errors);
    (r.model, r.errors)
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
type ResolvedUser = (User, Vec<Diagnostic>, Vec<(Missing, Name)>);

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
        "role" => "not a role".to_string(),
        "status" => "not a status".to_string(),
        _ => format!("no {kind} of this name is declared"),
    };
    let mut d =
        Diagnostic::error("unknown-name", format!("unknown {kind} `{}`", name.text)).with_label(name.span, label);
    if let Some(help) = did_you_mean(&name.text, candidates) {
        d = d.with_help(help);
    }
    d
}

#[derive(Default)]
struct Resolver {
    model: Model,
    errors: Vec<Diagnostic>,
    /// Declared names of each kind → the span of the declaring name (for duplicate errors).
    seen: HashMap<(EntityKind, String), Span>,
    /// Indices of the declarations that won (duplicates are skipped).
    product_decls: Vec<usize>,
    country_decls: Vec<usize>,
    group_decls: Vec<usize>,
    user_decls: Vec<usize>,
    key_decls: Vec<usize>,
    account_decl: Option<usize>,
    /// Group names as declared (for suggestions before the groups are defined).
    group_names: Vec<String>,
    /// Names that resolved to nothing, in the order met.
    missing: Vec<(Missing, Name)>,
}

impl Resolver {
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

    fn claim(&mut self, kind: EntityKind, name: &Name, display: Option<&Name>) -> bool {
        let mut ok = true;
        let mut keys = vec![name];
        if let Some(d) = display {
            if d.key() != name.key() {
                keys.push(d);
            }
        }
        for n in &keys {
            if let Some(&first) = self.seen.get(&(kind, n.key())) {
                self.duplicate(kind, n, first);
                ok = false;
            }
        }
        if ok {
            for n in keys {
                self.seen.insert((kind, n.key()), n.span);
            }
        }
        ok
    }

    /// Pass 1: collect every declaration's name so that order does not matter.
    fn declare(&mut self, doc: &Document) {
        for (i, item) in doc.items.iter().enumerate() {
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
                    if self.claim(EntityKind::Product, &p.name, p.display.as_ref()) {
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
                    if self.claim(EntityKind::Country, &c.name, c.display.as_ref()) {
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
                    if let Some(first) = self.model.group_index.get(lower(&g.name.text).as_ref()) {
                        let first = decl_name_span(doc, self.group_decls[first.index()]);
                        self.duplicate(EntityKind::Group, &g.name, first);
                    } else {
                        self.model.group_index.insert(g.name.key(), id);
                        self.group_decls.push(i);
                        self.group_names.push(g.name.text.clone());
                    }
                }
                // users and keys have no display name: their index is the whole namespace
                Decl::User(u) => {
                    let id = UserId(self.user_decls.len() as u32);
                    if let Some(k) = self.model.key_index.get(lower(&u.email.text).as_ref()) {
                        let first = decl_name_span(doc, self.key_decls[k.index()]);
                        self.duplicate_principal(&u.email, first, "key");
                        continue;
                    }
                    match self.model.user_index.entry(u.email.key()) {
                        std::collections::hash_map::Entry::Occupied(e) => {
                            let first = decl_name_span(doc, self.user_decls[e.get().index()]);
                            self.duplicate(EntityKind::User, &u.email, first);
                        }
                        std::collections::hash_map::Entry::Vacant(v) => {
                            v.insert(id);
                            self.user_decls.push(i);
                        }
                    }
                }
                Decl::Key(k) => {
                    let id = KeyId(self.key_decls.len() as u32);
                    if let Some(u) = self.model.user_index.get(lower(&k.name.text).as_ref()) {
                        let first = decl_name_span(doc, self.user_decls[u.index()]);
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

    /// Pass 2: fill in every entity.
    fn define(&mut self, doc: &Document) {
        self.define_countries(doc);
        self.define_groups(doc);
        self.define_users(doc);
        self.define_keys(doc);
        self.define_account(doc);
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
                            match covered_by.get(&code.key()) {
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
            // (a set beside the list: a list can hold hundreds of thousands of names)
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
                                if allowed_seen.insert(p) {
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

    /// Users are independent of each other: resolved in parallel, merged in order.
    fn define_users(&mut self, doc: &Document) {
        use rayon::prelude::*;
        let model = &self.model;
        let users: Vec<ResolvedUser> = self
            .user_decls
            .par_iter()
            .with_min_len(1024)
            .map(|&i| {
                let mut scope = Scope::new(model);
                let user = define_user(&mut scope, &doc.items[i]);
                (user, scope.errors, scope.missing)
            })
            .collect();
        self.model.users.reserve_exact(users.len());
        for (user, mut errors, mut missing) in users {
            self.model.users.push(user);
            self.errors.append(&mut errors);
            self.missing.append(&mut missing);
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
                    if let Some(first) = seen_domains.get(&domain.key()) {
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
                            if alerts_seen.insert(p) {
                                account.alerts.push((p, stmt.span));
                            }
                        }
                    }
                }
                AccountStmt::Global(list) => {
                    for n in list {
                        if let Some(p) = self.product(n) {
                            if global_seen.insert(p) {
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

/// Resolve one key declaration.
fn define_key(scope: &mut Scope<'_>, item: &Node<Item>) -> Key {
    let Item::Decl(Decl::Key(k)) = &item.kind else {
        unreachable!()
    };
    let model = scope.model;
    let mut groups: Vec<(GroupId, Span)> = vec![];
    let mut groups_seen: HashSet<GroupId> = HashSet::default();
    let mut first_in: Option<(CountryId, &Name)> = None;
    let country_in = match &k.country {
        Some(c) => match declared_country(model, c) {
            Ok(id) => Some((id, c.span)),
            Err(d) => {
                scope.errors.push(d);
                None
            }
        },
        None => None,
    };
    for stmt in &k.stmts {
        let KeyStmt::Groups(list) = &stmt.kind;
        for n in list {
            let Some(g) = scope.group_ref(n) else { continue };
            if !groups_seen.insert(g) {
                continue;
            }
            groups.push((g, stmt.span));
            let gc = model.groups[g.index()].country;
            if gc.0 == u32::MAX {
                continue;
            }
            if let Some((c, c_span)) = country_in {
                if gc != c {
                    let d = Diagnostic::error(
                        "key-group-country",
                        format!(
                            "group `{}` of key `{}` is in {}, not in the key's country {}",
                            n.text,
                            k.name.text,
                            model.country(gc).name,
                            model.country(c).name
                        ),
                    )
                    .with_label(n.span, format!("`{}` is in {}", n.text, model.country(gc).name))
                    .with_label(c_span, "the key's country")
                    .with_help("a key's groups must belong to the key's own country");
                    scope.errors.push(d);
                }
                continue;
            }
            match first_in {
                None => first_in = Some((gc, n)),
                Some((c, first)) if c != gc => {
                    let d = Diagnostic::error(
                        "key-countries",
                        format!("key `{}` has groups in two countries", k.name.text),
                    )
                    .with_label(n.span, format!("`{}` is in {}", n.text, model.country(gc).name))
                    .with_label(first.span, format!("`{}` is in {}", first.text, model.country(c).name))
                    .with_help("a key's groups must share one entitlement country");
                    scope.errors.push(d);
                }
                _ => {}
            }
        }
    }
    Key {
        name: k.name.text.clone(),
        span: item.span,
        groups,
        country_in,
        country: country_in.map(|(c, _)| c).or(first_in.map(|(c, _)| c)),
    }
}

/// Resolve one user or key declaration against a resolved model, as if it were declared in
/// the policy (for principals described at request time: [`crate::request`]). Every error is
/// returned; names that resolve to nothing come with a suggestion.
pub fn resolve_principal(model: &Model, item: &Node<Item>) -> Result<ResolvedPrincipal, Vec<Diagnostic>> {
    let mut scope = Scope::new(model);
    let resolved = match &item.kind {
        Item::Decl(Decl::User(_)) => ResolvedPrincipal::User(define_user(&mut scope, item)),
        Item::Decl(Decl::Key(_)) => ResolvedPrincipal::Key(define_key(&mut scope, item)),
        _ => unreachable!("only user and key declarations are principals"),
    };
    let mut errors = scope.errors;
    for (kind, name) in scope.missing {
        errors.push(match kind {
            Missing::Product => unknown("product", &name, model.product_names()),
            Missing::Group => unknown("group", &name, model.groups.iter().map(|g| g.name.as_str())),
            Missing::Country => unknown("country", &name, model.countries.iter().map(|c| c.name.as_str())),
        });
    }
    if errors.iter().any(Diagnostic::is_error) {
        Err(errors)
    } else {
        Ok(resolved)
    }
}

/// A user or key resolved on its own, outside the model's lists.
#[derive(Clone, Debug)]
pub enum ResolvedPrincipal {
    User(User),
    Key(Key),
}

impl ResolvedPrincipal {
    /// The principal as the evaluator reads it.
    pub fn subject(&self) -> Subject<'_> {
        match self {
            ResolvedPrincipal::User(u) => Subject::User(u),
            ResolvedPrincipal::Key(k) => Subject::Key(k),
        }
    }
}

/// Resolve one user declaration.
fn define_user(scope: &mut Scope<'_>, item: &Node<Item>) -> User {
    let Item::Decl(Decl::User(u)) = &item.kind else {
        unreachable!()
    };
    let mut profile: Option<(String, Span)> = None;
    let mut country_first = None;
    let mut ecountry_first = None;
    let mut entitlement_country = None;
    let mut status_first = None;
    let mut status = Status::Active;
    let mut groups: Vec<(GroupId, Span)> = vec![];
    let mut groups_seen: HashSet<GroupId> = HashSet::default();
    let mut roles: Vec<(Role, Span)> = vec![];
    let mut acc = vec![];
    for stmt in &u.stmts {
        match &stmt.kind {
            UserStmt::Country(code) => {
                if scope.at_most_once("country", &mut country_first, stmt.span) {
                    profile = Some((code.text.clone(), stmt.span));
                }
            }
            UserStmt::EntitlementCountry(c) => {
                if scope.at_most_once("entitlement-country", &mut ecountry_first, stmt.span) {
                    match declared_country(scope.model, c) {
                        Ok(id) => entitlement_country = Some((id, stmt.span)),
                        Err(d) => scope.errors.push(d),
                    }
                }
            }
            UserStmt::Groups(list) => {
                for n in list {
                    if let Some(g) = scope.group_ref(n) {
                        if groups_seen.insert(g) {
                            groups.push((g, stmt.span));
                        }
                    }
                }
            }
            UserStmt::Roles(list) => {
                for n in list {
                    match Role::parse(&n.text) {
                        Some(r) => {
                            if !roles.iter().any(|(x, _)| *x == r) {
                                roles.push((r, stmt.span));
                            }
                        }
                        None => scope
                            .errors
                            .push(unknown("role", n, Role::ALL.iter().map(|r| r.as_str()))),
                    }
                }
            }
            UserStmt::Status(s) => {
                if scope.at_most_once("status", &mut status_first, stmt.span) {
                    match Status::parse(&s.text) {
                        Some(st) => status = st,
                        None => scope.errors.push(
                            unknown("status", s, Status::ALL.iter().map(|r| r.as_str()))
                                .with_note("a status is one of pending, invited, registered, active, locked"),
                        ),
                    }
                }
            }
            UserStmt::Access(a, names) => acc.push((*a, stmt.span, names.as_slice())),
        }
    }
    if profile.is_none() {
        scope.errors.push(
            Diagnostic::error("missing-country", format!("user `{}` has no `country`", u.email.text))
                .with_label(u.email.span, "this user needs a profile country")
                .with_help("add `country CODE` to the block, e.g. `country US`"),
        );
    }
    let exceptions = scope.verdicts(&acc);
    let profile = profile.unwrap_or_else(|| (String::new(), item.span));
    let chosen = if profile.0.is_empty() {
        None
    } else {
        scope
            .model
            .user_country(entitlement_country.map(|(c, _)| c), &profile.0)
    };
    User {
        email: u.email.text.clone(),
        display: u.display.as_ref().map(|d| d.text.clone()),
        span: item.span,
        entitlement_country,
        country: chosen.map(|(c, _)| c),
        country_by: chosen.map(|(_, by)| by),
        profile,
        groups,
        roles,
        status,
        status_span: status_first,
        exceptions,
    }
}

/// Name lookups and checks that record their errors, over a model being resolved. Borrowing
/// only what it reads lets users be resolved on several threads.
struct Scope<'a> {
    model: &'a Model,
    errors: Vec<Diagnostic>,
    /// Names that resolved to nothing (reported by `Resolver::report_missing`).
    missing: Vec<(Missing, Name)>,
}

impl<'a> Scope<'a> {
    fn new(model: &'a Model) -> Scope<'a> {
        Scope {
            model,
            errors: vec![],
            missing: vec![],
        }
    }

    fn product(&mut self, name: &Name) -> Option<ProductId> {
        let id = self.model.find_product(&name.text);
        if id.is_none() {
            self.missing.push((Missing::Product, name.clone()));
        }
        id
    }

    fn group_ref(&mut self, name: &Name) -> Option<GroupId> {
        let id = self.model.find_group(&name.text);
        if id.is_none() {
            self.missing.push((Missing::Group, name.clone()));
        }
        id
    }

    fn at_most_once(&mut self, what: &str, first: &mut Option<Span>, span: Span) -> bool {
        if let Some(f) = first {
            self.errors.push(
                Diagnostic::error("repeated-statement", format!("`{what}` is given twice in one block"))
                    .with_label(span, "given again here")
                    .with_label(*f, "first given here"),
            );
            false
        } else {
            *first = Some(span);
            true
        }
    }

    /// Record the verdict entries of one block (statement verdict, statement span, names),
    /// reporting a product given opposite verdicts at its later occurrence.
    fn verdicts(&mut self, entries: &[(Access, Span, &[Name])]) -> Vec<(ProductId, Access, Span)> {
        let mut out: Vec<(ProductId, Access, Span)> = vec![];
        let mut first: HashMap<ProductId, (Access, Span)> = HashMap::default();
        for &(access, stmt_span, names) in entries {
            for n in names {
                let Some(p) = self.product(n) else { continue };
                match first.get(&p) {
                    Some(&(a, at)) if a != access => {
                        self.errors.push(
                            Diagnostic::error(
                                "conflict",
                                format!("`{}` is both allowed and denied in one block", n.text),
                            )
                            .with_label(n.span, format!("{access} here"))
                            .with_label(at, format!("{a} here"))
                            .with_help("keep one verdict for the product"),
                        );
                    }
                    Some(_) => {}
                    None => {
                        first.insert(p, (access, n.span));
                        out.push((p, access, stmt_span));
                    }
                }
            }
        }
        out
    }
}

/// A number as LANGUAGE.md §8 writes it: digits with single `_` between them, at most 18
/// digits (`_` not counted), compared by value.
pub fn number(n: &Name) -> Result<u64, Diagnostic> {
    let t = &n.text;
    let well_formed = !t.is_empty()
        && t.split('_')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    let digits = t.bytes().filter(u8::is_ascii_digit).count();
    if well_formed && digits <= 18 {
        return Ok(t
            .bytes()
            .filter(u8::is_ascii_digit)
            .fold(0u64, |v, d| v * 10 + u64::from(d - b'0')));
    }
    let mut d = Diagnostic::error("number", format!("`{t}` is not a valid number"));
    d = if well_formed {
        d.with_label(n.span, format!("{digits} digits: at most 18 are allowed"))
    } else {
        d.with_label(n.span, "not a number")
    };
    if t.eq_ignore_ascii_case("none") {
        Err(d.with_help("fixed words are lowercase: write `none`"))
    } else {
        Err(d.with_help("write decimal digits, optionally with `_` between groups: `1_200_000`"))
    }
}

/// A reference that must name a declared country (a user's `entitlement-country`, a key's
/// `in`, the country of a `set` statement). A profile code is not a country: the error
/// suggests the country covering it, else the closest declared name.
pub fn declared_country(model: &Model, n: &Name) -> Result<CountryId, Diagnostic> {
    if let Some(c) = model.find_country(&n.text) {
        return Ok(c);
    }
    let d = Diagnostic::error("unknown-name", format!("unknown country `{}`", n.text));
    if let Some(c) = model.country_for_profile(&n.text) {
        let name = &model.country(c).name;
        return Err(d
            .with_label(
                n.span,
                format!(
                    "`{}` is a profile code covered by {name}, not a declared country",
                    n.text
                ),
            )
            .with_help(format!("did you mean `{name}`?")));
    }
    Err(unknown("country", n, model.countries.iter().map(|c| c.name.as_str())))
}

/// The fallback entitlement country (the highest `revenue`), and an error for each later
/// country that ties for the highest (LANGUAGE.md §8).
pub fn fallback_country(model: &Model) -> (Option<CountryId>, Vec<Diagnostic>) {
    let Some(top) = model.countries.iter().filter_map(|c| c.revenue.map(|(v, _)| v)).max() else {
        return (None, vec![]);
    };
    let tied: Vec<usize> = (0..model.countries.len())
        .filter(|&i| model.countries[i].revenue.is_some_and(|(v, _)| v == top))
        .collect();
    let first = &model.countries[tied[0]];
    let errors = tied[1..]
        .iter()
        .map(|&i| {
            let c = &model.countries[i];
            Diagnostic::error(
                "revenue-tie",
                format!("{} and {} share the highest revenue", first.name, c.name),
            )
            .with_label(c.revenue.unwrap().1, "the same revenue as the first")
            .with_label(first.revenue.unwrap().1, format!("{}'s revenue", first.name))
            .with_help("the fallback entitlement country would be ambiguous: make one revenue higher")
        })
        .collect::<Vec<_>>();
    (
        if errors.is_empty() {
            Some(CountryId(tied[0] as u32))
        } else {
            None
        },
        errors,
    )
}

/// The span of the name of the declaration at `doc.items[i]`.
fn decl_name_span(doc: &Document, i: usize) -> Span {
    match &doc.items[i].kind {
        Item::Decl(d) => d.name().map_or(doc.items[i].span, |n| n.span),
        _ => doc.items[i].span,
    }
}
