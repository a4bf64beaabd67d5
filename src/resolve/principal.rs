//! Resolving principals: declaring users in file order (a lean parse's among the items), one
//! user or key declaration (in a file or at request time), and all the users of a file in
//! parallel.

use super::*;

/// What resolving one user found wrong (rare: boxed, so a user without any costs a pointer).
type Problems = (Vec<Diagnostic>, Vec<(Missing, Name)>);

/// Resolve one user declaration against the model being built.
fn resolve_user(model: &Model, item: &Node<Item>) -> (User, Option<Box<Problems>>) {
    let mut scope = Scope::new(model);
    let user = define_user(&mut scope, item);
    let problems =
        (!scope.errors.is_empty() || !scope.missing.is_empty()).then(|| Box::new((scope.errors, scope.missing)));
    (user, problems)
}

impl Resolver<'_> {
    /// Declare the users of a lean parse from `*next` on that come before item `upto`.
    pub(super) fn declare_lean_users(&mut self, doc: &Document, next: &mut usize, upto: usize) {
        let Some(lean) = self.lean else { return };
        while lean.users.get(*next).is_some_and(|u| u.before as usize <= upto) {
            let (email, span) = lean.email(*next);
            self.declare_user(doc, email, span, UserAt::Lean(*next));
            *next += 1;
        }
    }

    /// Claim a user's email in the namespace of principals (users and keys have no display
    /// name: their index is the whole namespace).
    pub(super) fn declare_user(&mut self, doc: &Document, email: &str, span: Span, at: UserAt) {
        let id = UserId(self.user_decls.len() as u32);
        if let Some(k) = self.model.key_index.get(&*NameKey::of(email)) {
            let first = decl_name_span(doc, self.key_decls[k.index()]);
            self.duplicate_principal(&Name::new(email, span), first, "key");
            return;
        }
        match self.model.user_index.entry(email.to_lowercase()) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let first = self.user_decls[e.get().index()];
                let first = self.user_name_span(doc, first);
                self.duplicate(EntityKind::User, &Name::new(email, span), first);
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(id);
                self.user_decls.push(at);
            }
        }
    }

    /// The span of the email of a user declaration.
    pub(super) fn user_name_span(&self, doc: &Document, at: UserAt) -> Span {
        match (at, self.lean) {
            (UserAt::Item(i), _) => decl_name_span(doc, i),
            (UserAt::Lean(j), Some(lean)) => lean.email(j).1,
            (UserAt::Lean(_), None) => unreachable!("a lean user without a lean parse"),
        }
    }

    /// Users are independent of each other: resolved in parallel, merged in order. A user a
    /// lean parse left as text is built here and dropped once resolved.
    pub(super) fn define_users(&mut self, doc: &Document) {
        use rayon::prelude::*;
        let model = &self.model;
        let lean = self.lean;
        let users = self
            .user_decls
            .par_iter()
            .with_min_len(1024)
            .map_init(Draft::default, |draft, &at| match (at, lean) {
                (UserAt::Item(i), _) => resolve_user(model, &doc.items[i]),
                (UserAt::Lean(j), Some(lean)) => resolve_user(model, &lean.node(j, draft)),
                (UserAt::Lean(_), None) => unreachable!("a lean user without a lean parse"),
            })
            .unzip();
        self.store_users(users);
    }

    /// The users resolved (straight into the model: collected as two lists, so the users are
    /// never copied from one list into another) and what was wrong with them, in order.
    fn store_users(&mut self, (users, problems): (Vec<User>, Vec<Option<Box<Problems>>>)) {
        self.model.users = users;
        for p in problems.into_iter().flatten() {
            let (mut errors, mut missing) = *p;
            self.errors.append(&mut errors);
            self.missing.append(&mut missing);
        }
    }
}

/// Resolve one key declaration.
pub(super) fn define_key(scope: &mut Scope<'_>, item: &Node<Item>) -> Key {
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
            if !is_new(&groups, &mut groups_seen, g) {
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
pub(super) fn define_user(scope: &mut Scope<'_>, item: &Node<Item>) -> User {
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
                        if is_new(&groups, &mut groups_seen, g) {
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
                        None => scope.errors.push(not_a_role(n)),
                    }
                }
            }
            UserStmt::Status(s) => {
                if scope.at_most_once("status", &mut status_first, stmt.span) {
                    match Status::parse(&s.text) {
                        Some(st) => status = st,
                        None => scope.errors.push(not_a_status(s)),
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
pub(super) struct Scope<'a> {
    pub(super) model: &'a Model,
    pub(super) errors: Vec<Diagnostic>,
    /// Names that resolved to nothing (reported by `Resolver::report_missing`).
    pub(super) missing: Vec<(Missing, Name)>,
}

impl<'a> Scope<'a> {
    pub(super) fn new(model: &'a Model) -> Scope<'a> {
        Scope {
            model,
            errors: vec![],
            missing: vec![],
        }
    }

    pub(super) fn product(&mut self, name: &Name) -> Option<ProductId> {
        let id = self.model.find_product(&name.text);
        if id.is_none() {
            self.missing.push((Missing::Product, name.clone()));
        }
        id
    }

    pub(super) fn group_ref(&mut self, name: &Name) -> Option<GroupId> {
        let id = self.model.find_group(&name.text);
        if id.is_none() {
            self.missing.push((Missing::Group, name.clone()));
        }
        id
    }

    pub(super) fn at_most_once(&mut self, what: &str, first: &mut Option<Span>, span: Span) -> bool {
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
    pub(super) fn verdicts(&mut self, entries: &[(Access, Span, &[Name])]) -> Vec<(ProductId, Access, Span)> {
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
