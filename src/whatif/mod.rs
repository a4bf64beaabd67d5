//! What-if statements (LANGUAGE.md §5), applied to a document.
//!
//! Edits work on the AST, so what a person sees afterwards (`fmt`, REPL `:show`, `:save`)
//! is ordinary policy text. After every statement the document is resolved again, exactly
//! like a file; an invalid result is an error that names the statement.

use crate::diag::Diagnostic;
use crate::model::*;
use crate::resolve::{resolve_declarations, unknown};
use crate::source::Span;
use crate::syntax::*;
use std::sync::Arc;

mod set;
mod text;

pub use text::rewrite;

/// A document reduced to its declarations: what scenarios, the REPL and the simulator edit.
pub fn declarations_only(doc: &Document) -> Document {
    Document {
        items: doc
            .items
            .iter()
            .filter(|i| matches!(i.kind, Item::Decl(_)))
            .cloned()
            .collect(),
        end_comments: doc.end_comments.clone(),
    }
}

/// Apply one declaration or what-if statement to `doc` (whose resolved form is `model`),
/// then re-resolve its declarations (expectations and scenarios in `doc` are kept as they
/// are and not re-checked). On success returns the new model; on failure `doc` is left unchanged.
pub fn apply(doc: &mut Document, model: &Model, stmt: &Node<Item>) -> Result<Model, Vec<Diagnostic>> {
    let (next, model) = applied(doc, model, stmt)?;
    *doc = next;
    Ok(model)
}

/// [`apply`] to a copy: the edited document and its model, `doc` untouched (the copy shares
/// every item the statement does not change).
pub fn applied(doc: &Document, model: &Model, stmt: &Node<Item>) -> Result<(Document, Model), Vec<Diagnostic>> {
    let mut next = doc.clone();
    let model = apply_in_place(&mut next, model, stmt)?;
    Ok((next, model))
}

/// [`applied`] for a run of statements, all or nothing: one copy of `doc` edited in place, and
/// the model after the last statement (`None` when there is none, so nothing is copied).
pub(crate) fn applied_all(
    doc: &Document,
    model: &Model,
    stmts: &[impl AsNode<Kind = Item>],
) -> Result<(Document, Option<Model>), Vec<Diagnostic>> {
    let mut next = doc.clone();
    let mut after: Option<Model> = None;
    for stmt in stmts {
        after = Some(apply_in_place(&mut next, after.as_ref().unwrap_or(model), stmt.node())?);
    }
    Ok((next, after))
}

/// [`apply`] without the copy that makes it all or nothing: `doc` is edited in place and
/// the new model returned; on failure `doc` may be left edited. For a caller that drops the
/// document on failure, or has made its own copy.
pub fn apply_in_place(doc: &mut Document, model: &Model, stmt: &Node<Item>) -> Result<Model, Vec<Diagnostic>> {
    edit(doc, model, stmt)?;
    let (new_model, errors) = resolve_declarations(doc);
    let errors: Vec<Diagnostic> = errors.into_iter().filter(|d| d.is_error()).collect();
    if errors.is_empty() {
        return Ok(new_model);
    }
    let what = describe(stmt);
    Err(errors
        .into_iter()
        .map(|mut d| {
            d.message = format!("after `{what}`: {}", d.message);
            d.labels.push(crate::diag::Label {
                span: stmt.span,
                message: "the policy is invalid after this statement".into(),
            });
            d
        })
        .collect())
}

/// A short rendering of a statement for messages.
pub fn describe(stmt: &Node<Item>) -> String {
    match &stmt.kind {
        Item::WhatIf(w) => crate::fmt::format_whatif(w),
        Item::Decl(d) => match (d.kind(), d.name()) {
            (Some(k), Some(n)) => format!("{} {}", k.as_str(), n.text),
            _ => "account".to_string(),
        },
        Item::Expect(e) => format!("expect {} {}", e.principal.text, e.product.text),
        Item::Scenario(s) => format!("scenario {}", s.name.text),
    }
}

fn edit(doc: &mut Document, model: &Model, stmt: &Node<Item>) -> Result<(), Vec<Diagnostic>> {
    match &stmt.kind {
        Item::Decl(d) => upsert(doc, stmt.clone(), d),
        Item::WhatIf(w) => whatif(doc, model, w, stmt.span),
        Item::Expect(_) | Item::Scenario(_) => Err(vec![Diagnostic::error(
            "not-a-statement",
            "expectations and scenarios are not what-if statements",
        )
        .with_label(stmt.span, "not applicable here")]),
    }
}

/// Whether `d` declares the entity of `kind` named `name` (by name or display name, ignoring
/// case).
pub fn declares(d: &Decl, kind: EntityKind, name: &str) -> bool {
    d.kind() == Some(kind) && declares_key(d, &NameKey::of(name))
}

/// Whether the name or display name of `d` has the key `key` (lowercase).
fn declares_key(d: &Decl, key: &str) -> bool {
    d.name().is_some_and(|n| has_key(&n.text, key))
        || match d {
            Decl::Product(p) => p.display.as_ref().is_some_and(|n| has_key(&n.text, key)),
            Decl::Country(c) => c.display.as_ref().is_some_and(|n| has_key(&n.text, key)),
            _ => false,
        }
}

/// Index of the declaration of `kind` whose name (or display name) is `name`.
fn find_decl(doc: &Document, kind: EntityKind, name: &str) -> Option<usize> {
    let key = NameKey::of(name);
    doc.items
        .iter()
        .position(|i| matches!(&i.kind, Item::Decl(d) if d.kind() == Some(kind) && declares_key(d, &key)))
}

/// A declaration adds the entity, or replaces the one of that *name*. A name that is only
/// the display name of another entity of the kind is an error: replacing that entity would
/// be a silent surprise (issue: no silent ambiguity).
fn upsert(doc: &mut Document, node: Node<Item>, d: &Decl) -> Result<(), Vec<Diagnostic>> {
    let existing = match (d.kind(), d.name()) {
        (Some(kind), Some(name)) => {
            let key = NameKey::of(&name.text);
            let by_name = doc.items.iter().position(
                |i| matches!(&i.kind, Item::Decl(x) if x.kind() == Some(kind) && x.name().is_some_and(|n| has_key(&n.text, &key))),
            );
            if by_name.is_none() {
                if let Some(i) = find_decl(doc, kind, &name.text) {
                    let Item::Decl(other) = &doc.items[i].kind else {
                        unreachable!()
                    };
                    let other_name = other.name().map_or(String::new(), |n| n.text.clone());
                    return Err(vec![Diagnostic::error(
                        "shadows-display-name",
                        format!(
                            "`{}` is the display name of {} `{other_name}`: this declaration would shadow it",
                            name.text,
                            kind.as_str()
                        ),
                    )
                    .with_label(name.span, format!("the display name of `{other_name}`"))
                    .with_label(doc.items[i].span, "declared here")
                    .with_help(format!(
                        "to replace it, declare it by its name (`{} {}`); else choose another name",
                        kind.as_str(),
                        crate::fmt::format_name(&other_name)
                    ))]);
                }
            }
            by_name
        }
        _ => doc
            .items
            .iter()
            .position(|i| matches!(i.kind, Item::Decl(Decl::Account(_)))),
    };
    match existing {
        Some(i) => doc.items[i] = node.into(),
        None => insert_decl(doc, node),
    }
    Ok(())
}

/// Add a new declaration after the last one of its kind (else after the last declaration),
/// where a person would write it: the order of each kind, and so the model, is the same as
/// at the end, and the saved text keeps its declarations before its expectations.
fn insert_decl(doc: &mut Document, node: Node<Item>) {
    let kind = |i: &Node<Item>| match &i.kind {
        Item::Decl(d) => Some(std::mem::discriminant(d)),
        _ => None,
    };
    let mine = kind(&node);
    let at = doc
        .items
        .iter()
        .rposition(|i| kind(i) == mine)
        .or_else(|| doc.items.iter().rposition(|i| kind(i).is_some()))
        .map_or(doc.items.len(), |i| i + 1);
    doc.items.insert(at, node.into());
}

fn group_index(doc: &Document, model: &Model, name: &Name) -> Result<usize, Vec<Diagnostic>> {
    find_decl(doc, EntityKind::Group, &name.text)
        .ok_or_else(|| vec![unknown("group", name, model.groups.iter().map(|g| g.name.as_str()))])
}

fn country_index(doc: &Document, model: &Model, name: &Name) -> Result<usize, Vec<Diagnostic>> {
    // (a profile code is not a country: the error suggests the country covering it)
    crate::resolve::declared_country(model, name).map_err(|d| vec![d])?;
    find_decl(doc, EntityKind::Country, &name.text).ok_or_else(|| {
        vec![unknown(
            "country",
            name,
            model.countries.iter().map(|c| c.name.as_str()),
        )]
    })
}

fn group_mut(doc: &mut Document, i: usize) -> &mut GroupDecl {
    match &mut Arc::make_mut(&mut doc.items[i]).kind {
        Item::Decl(Decl::Group(g)) => g,
        _ => unreachable!(),
    }
}

fn country_mut(doc: &mut Document, i: usize) -> &mut CountryDecl {
    match &mut Arc::make_mut(&mut doc.items[i]).kind {
        Item::Decl(Decl::Country(c)) => c,
        _ => unreachable!(),
    }
}

fn whatif(doc: &mut Document, model: &Model, w: &WhatIf, span: Span) -> Result<(), Vec<Diagnostic>> {
    match w {
        WhatIf::Remove { kind, name } => remove(doc, model, *kind, name, span),
        WhatIf::Convert(g) => {
            let i = group_index(doc, model, g)?;
            let group = group_mut(doc, i);
            let mut listed: Vec<Option<ProductId>> = group
                .stmts
                .iter()
                .filter_map(|s| match &s.kind {
                    GroupStmt::Allowed(l) => Some(l.iter().map(|n| model.find_product(&n.text))),
                    _ => None,
                })
                .flatten()
                .collect();
            let mut new_names = vec![];
            for s in &group.stmts {
                if let GroupStmt::Exception(Access::Allow, names) = &s.kind {
                    for n in names {
                        let id = model.find_product(&n.text);
                        if id.is_some() && listed.contains(&id) {
                            continue;
                        }
                        listed.push(id);
                        new_names.push(n.clone());
                    }
                }
            }
            group.stmts.retain(|s| !matches!(s.kind, GroupStmt::Exception(..)));
            if !new_names.is_empty() {
                match group
                    .stmts
                    .iter_mut()
                    .rev()
                    .find(|s| matches!(s.kind, GroupStmt::Allowed(_)))
                {
                    Some(Node {
                        kind: GroupStmt::Allowed(list),
                        span: stmt_span,
                        ..
                    }) => {
                        list.extend(new_names);
                        *stmt_span = span;
                    }
                    _ => group.stmts.insert(0, Node::new(GroupStmt::Allowed(new_names), span)),
                }
            }
            Ok(())
        }
        WhatIf::ClearExceptions(g) => {
            let i = group_index(doc, model, g)?;
            group_mut(doc, i)
                .stmts
                .retain(|s| !matches!(s.kind, GroupStmt::Exception(..)));
            Ok(())
        }
        WhatIf::SetDefault { country, access } => {
            let i = country_index(doc, model, country)?;
            let c = country_mut(doc, i);
            let stmt = Node::new(CountryStmt::Default(*access), span);
            match c.stmts.iter_mut().find(|s| matches!(s.kind, CountryStmt::Default(_))) {
                Some(s) => {
                    *s = Node {
                        comments: std::mem::take(&mut s.comments),
                        ..stmt
                    }
                }
                None => {
                    let at = c
                        .stmts
                        .iter()
                        .position(|s| matches!(s.kind, CountryStmt::Access(..)))
                        .unwrap_or(c.stmts.len());
                    c.stmts.insert(at, stmt);
                }
            }
            Ok(())
        }
        WhatIf::SetAccess {
            country,
            product,
            access,
        } => {
            let i = country_index(doc, model, country)?;
            let Some(pid) = model.find_product(&product.text) else {
                return Err(vec![unknown("product", product, model.product_names())]);
            };
            let c = country_mut(doc, i);
            for s in &mut c.stmts {
                if let CountryStmt::Access(_, names) = &mut s.kind {
                    touch(
                        names,
                        |n: &Name| model.find_product(&n.text) != Some(pid),
                        &mut s.span,
                        span,
                    );
                }
            }
            c.stmts
                .retain(|s| !matches!(&s.kind, CountryStmt::Access(_, n) if n.is_empty()));
            if let Some(a) = access {
                c.stmts
                    .push(Node::new(CountryStmt::Access(*a, vec![product.clone()]), span));
            }
            Ok(())
        }
        WhatIf::Register { email, code } => {
            if let Some(p) = model.find_principal(&email.text) {
                let what = match p {
                    Principal::User(_) => "a user",
                    Principal::Key(_) => "a key",
                };
                return Err(vec![Diagnostic::error(
                    "already-registered",
                    format!("`{}` is already {what}", email.text),
                )
                .with_label(email.span, "registered again here")
                .with_label(model.principal_span(p), "declared here")]);
            }
            let domain = email
                .text
                .rsplit_once('@')
                .map(|(_, d)| d.to_lowercase())
                .unwrap_or_default();
            let claimed = model
                .account
                .as_ref()
                .and_then(|a| a.domains.iter().find(|d| d.name.to_lowercase() == domain));
            let Some(claimed) = claimed else {
                return Err(vec![Diagnostic::error(
                    "unclaimed-domain",
                    format!("`{domain}` is not a domain of the account: {} would join no organization", email.text),
                )
                .with_label(email.span, "this domain is not claimed")
                .with_help(format!(
                    "the portal attaches a self-registered user only through a claimed domain: claim it first with `set domain {domain} on` (or `auto-approve`)"
                ))]);
            };
            let status = if claimed.auto_approve {
                Status::Registered
            } else {
                Status::Pending
            };
            let user = UserDecl {
                email: email.clone(),
                display: None,
                stmts: vec![
                    Node::new(UserStmt::Country(code.clone()), span),
                    Node::new(UserStmt::Status(Name::new(status.as_str(), span)), span),
                ],
                end_comments: vec![],
            };
            insert_decl(doc, Node::new(Item::Decl(Decl::User(user)), span));
            Ok(())
        }
        other => set::apply(doc, model, other, span).expect("every what-if statement is handled"),
    }
}

fn remove(doc: &mut Document, model: &Model, kind: EntityKind, name: &Name, edit: Span) -> Result<(), Vec<Diagnostic>> {
    let Some(i) = find_decl(doc, kind, &name.text) else {
        let candidates: Vec<&str> = match kind {
            EntityKind::User => model.users.iter().map(|u| u.email.as_str()).collect(),
            EntityKind::Key => model.keys.iter().map(|k| k.name.as_str()).collect(),
            EntityKind::Group => model.groups.iter().map(|g| g.name.as_str()).collect(),
            EntityKind::Product => model.product_names().collect(),
            EntityKind::Country => model.countries.iter().map(|c| c.name.as_str()).collect(),
        };
        return Err(vec![unknown(kind.as_str(), name, candidates)]);
    };
    doc.items.remove(i);
    match kind {
        EntityKind::User | EntityKind::Key => {}
        EntityKind::Group => {
            let gid = model.find_group(&name.text);
            strip_groups(doc, model, |g| g == gid, edit);
        }
        EntityKind::Product => {
            let pid = model.find_product(&name.text);
            strip_products(doc, model, pid, edit);
        }
        EntityKind::Country => {
            let cid = model.find_country(&name.text);
            let mut removed = vec![];
            doc.items.retain(|item| match &item.kind {
                Item::Decl(Decl::Group(g)) if model.find_country(&g.country.text) == cid => {
                    removed.push(model.find_group(&g.name.text));
                    false
                }
                _ => true,
            });
            strip_groups(doc, model, |g| removed.contains(&g), edit);
            // users naming C as their Entitlement Country take it from elsewhere; keys `in C` lose it
            // (copying only the declarations that change)
            let names_c = |n: &Name| model.find_country(&n.text) == cid;
            for item in &mut doc.items {
                let changes = match &item.kind {
                    Item::Decl(Decl::User(u)) => u
                        .stmts
                        .iter()
                        .any(|s| matches!(&s.kind, UserStmt::EntitlementCountry(n) if names_c(n))),
                    Item::Decl(Decl::Key(k)) => k.country.as_ref().is_some_and(names_c),
                    _ => false,
                };
                if !changes {
                    continue;
                }
                match &mut Arc::make_mut(item).kind {
                    Item::Decl(Decl::User(u)) => u
                        .stmts
                        .retain(|s| !matches!(&s.kind, UserStmt::EntitlementCountry(n) if names_c(n))),
                    Item::Decl(Decl::Key(k)) if k.country.as_ref().is_some_and(names_c) => {
                        k.country = None;
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// Drop memberships of the groups matched by `gone` from users and keys (copying only the
/// declarations that change: on a large account, most users are in none of them).
fn strip_groups(doc: &mut Document, model: &Model, gone: impl Fn(Option<GroupId>) -> bool, edit: Span) {
    let keep = |n: &Name| !gone(model.find_group(&n.text));
    let changes = |l: &[Name]| touches(l, keep);
    for item in &mut doc.items {
        let touched = match &item.kind {
            Item::Decl(Decl::User(u)) => u
                .stmts
                .iter()
                .any(|s| matches!(&s.kind, UserStmt::Groups(l) if changes(l))),
            Item::Decl(Decl::Key(k)) => k.stmts.iter().any(|s| {
                let KeyStmt::Groups(l) = &s.kind;
                changes(l)
            }),
            _ => false,
        };
        if !touched {
            continue;
        }
        match &mut Arc::make_mut(item).kind {
            Item::Decl(Decl::User(u)) => {
                for s in &mut u.stmts {
                    if let UserStmt::Groups(l) = &mut s.kind {
                        touch(l, keep, &mut s.span, edit);
                    }
                }
                u.stmts
                    .retain(|s| !matches!(&s.kind, UserStmt::Groups(l) if l.is_empty()));
            }
            Item::Decl(Decl::Key(k)) => {
                for s in &mut k.stmts {
                    let KeyStmt::Groups(l) = &mut s.kind;
                    touch(l, keep, &mut s.span, edit);
                }
                k.stmts
                    .retain(|s| !matches!(&s.kind, KeyStmt::Groups(l) if l.is_empty()));
            }
            _ => {}
        }
    }
}

/// Drop every reference to a product. An emptied `entitled` list stays (it entitles nothing).
fn strip_products(doc: &mut Document, model: &Model, pid: Option<ProductId>, edit: Span) {
    let keep = |n: &Name| model.find_product(&n.text) != pid;
    for item in &mut doc.items {
        // (copying only the declarations that may change: users, the bulk of a large
        // account, only where one of their lists does)
        let touched = match &item.kind {
            Item::Decl(Decl::User(u)) => u
                .stmts
                .iter()
                .any(|s| matches!(&s.kind, UserStmt::Access(_, l) if touches(l, keep))),
            Item::Decl(Decl::Account(_) | Decl::Country(_) | Decl::Group(_)) => true,
            _ => false,
        };
        if !touched {
            continue;
        }
        match &mut Arc::make_mut(item).kind {
            Item::Decl(Decl::Account(a)) => {
                for s in &mut a.stmts {
                    if let AccountStmt::Alerts(l) | AccountStmt::Global(l) = &mut s.kind {
                        touch(l, keep, &mut s.span, edit);
                    }
                }
                a.stmts
                    .retain(|s| !matches!(&s.kind, AccountStmt::Alerts(l) | AccountStmt::Global(l) if l.is_empty()));
            }
            Item::Decl(Decl::Country(c)) => {
                for s in &mut c.stmts {
                    match &mut s.kind {
                        CountryStmt::Entitled(l) | CountryStmt::Access(_, l) => touch(l, keep, &mut s.span, edit),
                        _ => {}
                    }
                }
                c.stmts
                    .retain(|s| !matches!(&s.kind, CountryStmt::Access(_, l) if l.is_empty()));
                // several emptied `entitled` statements: keep one
                let mut seen_empty = false;
                let has_nonempty = c
                    .stmts
                    .iter()
                    .any(|s| matches!(&s.kind, CountryStmt::Entitled(l) if !l.is_empty()));
                c.stmts.retain(|s| match &s.kind {
                    CountryStmt::Entitled(l) if l.is_empty() => {
                        let keep = !has_nonempty && !seen_empty;
                        seen_empty = true;
                        keep
                    }
                    _ => true,
                });
            }
            Item::Decl(Decl::Group(g)) => {
                for s in &mut g.stmts {
                    match &mut s.kind {
                        GroupStmt::Allowed(l) | GroupStmt::Exception(_, l) => touch(l, keep, &mut s.span, edit),
                        GroupStmt::IncludeCountry => {}
                    }
                }
                g.stmts
                    .retain(|s| !matches!(&s.kind, GroupStmt::Allowed(l) | GroupStmt::Exception(_, l) if l.is_empty()));
            }
            Item::Decl(Decl::User(u)) => {
                for s in &mut u.stmts {
                    if let UserStmt::Access(_, l) = &mut s.kind {
                        touch(l, keep, &mut s.span, edit);
                    }
                }
                u.stmts
                    .retain(|s| !matches!(&s.kind, UserStmt::Access(_, l) if l.is_empty()));
            }
            _ => {}
        }
    }
}

/// Whether stripping a list with `keep` changes its statement: a name goes, or the list is
/// empty (an emptied list's statement is dropped, so is one that was empty already).
fn touches(list: &[Name], keep: impl Fn(&Name) -> bool) -> bool {
    list.is_empty() || !list.iter().all(keep)
}

/// Keep the names `keep` accepts; a statement whose list changed is located at the what-if
/// statement that changed it from now on (its original text no longer says what it holds).
fn touch(list: &mut Vec<Name>, keep: impl Fn(&Name) -> bool, stmt_span: &mut Span, edit: Span) {
    let before = list.len();
    list.retain(|n| keep(n));
    if list.len() != before {
        *stmt_span = edit;
    }
}
