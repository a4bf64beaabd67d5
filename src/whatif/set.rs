//! The granular `set …` edits of revision 2 (LANGUAGE.md §5 and §8), each the portal action
//! of the same name. Each names existing entities (else an error with a suggestion) and
//! changes nothing else; an edit that finds nothing to change is not an error. Edits write the
//! declared name of what they add and append it at the end of the list.

use super::{country_index, country_mut, find_decl, group_index, group_mut, touch};
use crate::diag::Diagnostic;
use crate::model::*;
use crate::resolve::{declared_country, unknown};
use crate::source::Span;
use crate::syntax::*;
use std::sync::Arc;

type Result<T> = std::result::Result<T, Vec<Diagnostic>>;

/// Apply one (r2) `set` statement; `None` for a statement that is not one of them.
pub(super) fn apply(doc: &mut Document, model: &Model, w: &WhatIf, span: Span) -> Option<Result<()>> {
    Some(match w {
        WhatIf::SetStatus { user, status } => set_status(doc, model, user, status, span),
        WhatIf::SetEntitlementCountry { user, country } => set_entitlement_country(doc, model, user, country, span),
        WhatIf::SetException { user, product, access } => set_exception(doc, model, user, product, *access, span),
        WhatIf::SetGroupException { group, product, access } => {
            set_group_exception(doc, model, group, product, *access, span)
        }
        WhatIf::SetMember { group, principal, on } => set_member(doc, model, group, principal, *on, span),
        WhatIf::SetAllowed { group, product, on } => set_allowed(doc, model, group, product, *on, span),
        WhatIf::SetIncludeCountry { group, on } => set_include_country(doc, model, group, *on, span),
        WhatIf::SetEntitled { country, product, on } => set_entitled(doc, model, country, product, *on, span),
        WhatIf::SetRevenue { country, revenue } => set_revenue(doc, model, country, revenue.as_ref(), span),
        WhatIf::SetGlobal { product, on } => set_global(doc, model, product, *on, span),
        WhatIf::SetDomain { domain, mode } => {
            set_domain(doc, domain, *mode, span);
            Ok(())
        }
        WhatIf::SetKeyCountry { key, country } => set_key_country(doc, model, key, country.as_ref(), span),
        _ => return None,
    })
}

// ---------------------------------------------------------------- lookups

fn product_id(model: &Model, n: &Name) -> Result<ProductId> {
    model
        .find_product(&n.text)
        .ok_or_else(|| vec![unknown("product", n, model.product_names())])
}

/// The declared name of a product, as edits write it.
fn product_name(model: &Model, p: ProductId, span: Span) -> Name {
    Name::new(model.product(p).name.clone(), span)
}

fn country_id(model: &Model, n: &Name) -> Result<CountryId> {
    declared_country(model, n).map_err(|d| vec![d])
}

/// The declaration index of the user a statement names; a key is an error.
fn user_index(doc: &Document, model: &Model, n: &Name, what: &str) -> Result<usize> {
    if model.find_user(&n.text).is_none() && model.find_key(&n.text).is_some() {
        return Err(vec![Diagnostic::error(
            "not-a-user",
            format!("`{}` is a key: `{what}` names a user", n.text),
        )
        .with_label(n.span, "an activation key")
        .with_help("keys have no status, exceptions or entitlement-country attribute")]);
    }
    find_decl(doc, EntityKind::User, &n.text)
        .ok_or_else(|| vec![unknown("user", n, model.users.iter().map(|u| u.email.as_str()))])
}

fn user_mut(doc: &mut Document, i: usize) -> &mut UserDecl {
    match &mut Arc::make_mut(&mut doc.items[i]).kind {
        Item::Decl(Decl::User(u)) => u,
        _ => unreachable!(),
    }
}

fn key_mut(doc: &mut Document, i: usize) -> &mut KeyDecl {
    match &mut Arc::make_mut(&mut doc.items[i]).kind {
        Item::Decl(Decl::Key(k)) => k,
        _ => unreachable!(),
    }
}

fn has_account(doc: &Document) -> bool {
    doc.items.iter().any(|i| matches!(i.kind, Item::Decl(Decl::Account(_))))
}

/// The account declaration, created (with a block) when the policy has none.
fn account_mut(doc: &mut Document, span: Span) -> &mut AccountDecl {
    let i = match doc
        .items
        .iter()
        .position(|i| matches!(i.kind, Item::Decl(Decl::Account(_))))
    {
        Some(i) => i,
        None => {
            let account = AccountDecl {
                has_block: true,
                ..AccountDecl::default()
            };
            doc.items
                .insert(0, Node::new(Item::Decl(Decl::Account(account)), span).into());
            0
        }
    };
    match &mut Arc::make_mut(&mut doc.items[i]).kind {
        Item::Decl(Decl::Account(a)) => a,
        _ => unreachable!(),
    }
}

/// Give a closure that picks a list out of a statement its higher-ranked signature.
fn picker<T, F>(f: F) -> F
where
    F: for<'a> Fn(&'a mut T) -> Option<&'a mut Vec<Name>>,
{
    f
}

/// Remove `p` from every list `lists` picks out; statements left empty are dropped unless
/// `keep_empty` says otherwise.
fn strip<T>(
    stmts: &mut Vec<Node<T>>,
    model: &Model,
    p: ProductId,
    edit: Span,
    list: impl Fn(&mut T) -> Option<&mut Vec<Name>>,
    keep_empty: impl Fn(&T) -> bool,
) {
    for s in stmts.iter_mut() {
        if let Some(l) = list(&mut s.kind) {
            touch(l, |n| model.find_product(&n.text) != Some(p), &mut s.span, edit);
        }
    }
    stmts.retain_mut(|s| keep_empty(&s.kind) || list(&mut s.kind).is_none_or(|l| !l.is_empty()));
}

/// Append `name` to the last list `list` picks out, or add `make(vec![name])` at the end.
fn append<T>(
    stmts: &mut Vec<Node<T>>,
    name: Name,
    edit: Span,
    list: impl Fn(&mut T) -> Option<&mut Vec<Name>>,
    make: impl FnOnce(Vec<Name>) -> T,
) {
    match stmts.iter_mut().rev().find_map(|s| {
        let span = &mut s.span;
        list(&mut s.kind).map(|l| (l, span))
    }) {
        Some((l, span)) => {
            l.push(name);
            *span = edit;
        }
        None => stmts.push(Node::new(make(vec![name]), edit)),
    }
}

// ---------------------------------------------------------------- users

fn set_status(doc: &mut Document, model: &Model, user: &Name, status: &Name, span: Span) -> Result<()> {
    let i = user_index(doc, model, user, "set status")?;
    let Some(st) = Status::parse(&status.text) else {
        return Err(vec![crate::resolve::not_a_status(status)]);
    };
    let u = user_mut(doc, i);
    let value = Name::new(st.as_str(), span);
    match u.stmts.iter_mut().find(|s| matches!(s.kind, UserStmt::Status(_))) {
        Some(s) => {
            s.kind = UserStmt::Status(value);
            s.span = span;
        }
        None => u.stmts.push(Node::new(UserStmt::Status(value), span)),
    }
    Ok(())
}

fn set_entitlement_country(
    doc: &mut Document,
    model: &Model,
    user: &Name,
    country: &Option<Name>,
    span: Span,
) -> Result<()> {
    let i = user_index(doc, model, user, "set entitlement-country")?;
    let c = country.as_ref().map(|n| country_id(model, n)).transpose()?;
    let u = user_mut(doc, i);
    match c {
        None => u.stmts.retain(|s| !matches!(s.kind, UserStmt::EntitlementCountry(_))),
        Some(c) => {
            let value = UserStmt::EntitlementCountry(Name::new(model.country(c).name.clone(), span));
            match u
                .stmts
                .iter_mut()
                .find(|s| matches!(s.kind, UserStmt::EntitlementCountry(_)))
            {
                Some(s) => {
                    s.kind = value;
                    s.span = span;
                }
                None => {
                    // right after the profile country, where a person would write it
                    let at = u
                        .stmts
                        .iter()
                        .position(|s| matches!(s.kind, UserStmt::Country(_)))
                        .map_or(u.stmts.len(), |p| p + 1);
                    u.stmts.insert(at, Node::new(value, span));
                }
            }
        }
    }
    Ok(())
}

fn set_exception(
    doc: &mut Document,
    model: &Model,
    user: &Name,
    product: &Name,
    access: Option<Access>,
    span: Span,
) -> Result<()> {
    let i = user_index(doc, model, user, "set exception")?;
    let p = product_id(model, product)?;
    let u = user_mut(doc, i);
    let lists = |a: Option<Access>| {
        picker(move |k: &mut UserStmt| match k {
            UserStmt::Access(x, l) if a.is_none_or(|a| a == *x) => Some(l),
            _ => None,
        })
    };
    strip(&mut u.stmts, model, p, span, lists(None), |_| false);
    if let Some(a) = access {
        append(&mut u.stmts, product_name(model, p, span), span, lists(Some(a)), |l| {
            UserStmt::Access(a, l)
        });
    }
    Ok(())
}

// ---------------------------------------------------------------- groups

fn set_group_exception(
    doc: &mut Document,
    model: &Model,
    group: &Name,
    product: &Name,
    access: Option<Access>,
    span: Span,
) -> Result<()> {
    let i = group_index(doc, model, group)?;
    let p = product_id(model, product)?;
    let g = group_mut(doc, i);
    let lists = |a: Option<Access>| {
        picker(move |k: &mut GroupStmt| match k {
            GroupStmt::Exception(x, l) if a.is_none_or(|a| a == *x) => Some(l),
            _ => None,
        })
    };
    strip(&mut g.stmts, model, p, span, lists(None), |_| false);
    if let Some(a) = access {
        append(&mut g.stmts, product_name(model, p, span), span, lists(Some(a)), |l| {
            GroupStmt::Exception(a, l)
        });
    }
    Ok(())
}

fn allowed_list(k: &mut GroupStmt) -> Option<&mut Vec<Name>> {
    match k {
        GroupStmt::Allowed(l) => Some(l),
        _ => None,
    }
}

fn set_allowed(doc: &mut Document, model: &Model, group: &Name, product: &Name, on: bool, span: Span) -> Result<()> {
    let i = group_index(doc, model, group)?;
    let p = product_id(model, product)?;
    let gid = model.find_group(&group.text);
    let listed = gid.is_some_and(|g| model.group(g).allowed_entry(p).is_some());
    let g = group_mut(doc, i);
    if on {
        if !listed {
            append(
                &mut g.stmts,
                product_name(model, p, span),
                span,
                allowed_list,
                GroupStmt::Allowed,
            );
        }
    } else {
        strip(&mut g.stmts, model, p, span, allowed_list, |_| false);
    }
    Ok(())
}

fn set_include_country(doc: &mut Document, model: &Model, group: &Name, on: bool, span: Span) -> Result<()> {
    let i = group_index(doc, model, group)?;
    let g = group_mut(doc, i);
    let has = g.stmts.iter().any(|s| matches!(s.kind, GroupStmt::IncludeCountry));
    if on && !has {
        g.stmts.push(Node::new(GroupStmt::IncludeCountry, span));
    } else if !on {
        g.stmts.retain(|s| !matches!(s.kind, GroupStmt::IncludeCountry));
    }
    Ok(())
}

fn set_member(doc: &mut Document, model: &Model, group: &Name, principal: &Name, on: bool, span: Span) -> Result<()> {
    group_index(doc, model, group)?;
    let Some(gid) = model.find_group(&group.text) else {
        return Err(vec![unknown(
            "group",
            group,
            model.groups.iter().map(|g| g.name.as_str()),
        )]);
    };
    let Some(who) = model.find_principal(&principal.text) else {
        return Err(vec![unknown("principal", principal, model.principal_names())]);
    };
    let gcountry = model.group(gid).country;
    let (kind, member) = match who {
        Principal::User(u) => (EntityKind::User, model.user(u).groups.iter().any(|(g, _)| *g == gid)),
        Principal::Key(k) => {
            let key = model.key(k);
            if on {
                if let Some(c) = key.country.filter(|c| *c != gcountry) {
                    let why = if key.country_in.is_some() {
                        "its `in` country"
                    } else {
                        "its other groups' country"
                    };
                    return Err(vec![Diagnostic::error(
                        "key-group-country",
                        format!(
                            "group `{}` is in {}, but key `{}` is in {} ({why})",
                            model.group(gid).name,
                            model.country(gcountry).name,
                            key.name,
                            model.country(c).name
                        ),
                    )
                    .with_label(group.span, format!("in {}", model.country(gcountry).name))
                    .with_help("a key's groups must share the key's entitlement country")]);
                }
            }
            (EntityKind::Key, key.groups.iter().any(|(g, _)| *g == gid))
        }
    };
    let Some(pi) = find_decl(doc, kind, &principal.text) else {
        return Err(vec![unknown("principal", principal, model.principal_names())]);
    };
    let name = Name::new(model.group(gid).name.clone(), span);
    let keep = |n: &Name| model.find_group(&n.text) != Some(gid);
    match &mut Arc::make_mut(&mut doc.items[pi]).kind {
        Item::Decl(Decl::User(u)) => {
            let list = picker(|k: &mut UserStmt| match k {
                UserStmt::Groups(l) => Some(l),
                _ => None,
            });
            if on && !member {
                append(&mut u.stmts, name, span, list, UserStmt::Groups);
            } else if !on {
                for s in &mut u.stmts {
                    if let UserStmt::Groups(l) = &mut s.kind {
                        touch(l, keep, &mut s.span, span);
                    }
                }
                u.stmts
                    .retain(|s| !matches!(&s.kind, UserStmt::Groups(l) if l.is_empty()));
            }
        }
        Item::Decl(Decl::Key(k)) => {
            if on && !member {
                match k.stmts.last_mut() {
                    Some(s) => {
                        let KeyStmt::Groups(l) = &mut s.kind;
                        l.push(name);
                        s.span = span;
                    }
                    None => k.stmts.push(Node::new(KeyStmt::Groups(vec![name]), span)),
                }
            } else if !on {
                for s in &mut k.stmts {
                    let KeyStmt::Groups(l) = &mut s.kind;
                    touch(l, keep, &mut s.span, span);
                }
                k.stmts
                    .retain(|s| !matches!(&s.kind, KeyStmt::Groups(l) if l.is_empty()));
            }
        }
        _ => unreachable!(),
    }
    Ok(())
}

// ---------------------------------------------------------------- countries

fn entitled_list(k: &mut CountryStmt) -> Option<&mut Vec<Name>> {
    match k {
        CountryStmt::Entitled(l) => Some(l),
        _ => None,
    }
}

fn set_entitled(doc: &mut Document, model: &Model, country: &Name, product: &Name, on: bool, span: Span) -> Result<()> {
    let ci = country_index(doc, model, country)?;
    let p = product_id(model, product)?;
    let cid = country_id(model, country)?;
    let list = model.country(cid).entitled.as_ref();
    let c = country_mut(doc, ci);
    match (list, on) {
        // no list: every product is entitled already
        (None, true) => {}
        (None, false) => {
            let others = model
                .product_ids()
                .filter(|&q| q != p)
                .map(|q| product_name(model, q, span))
                .collect();
            c.stmts.push(Node::new(CountryStmt::Entitled(others), span));
        }
        (Some(e), true) => {
            if !e.products.contains_key(&p) {
                append(
                    &mut c.stmts,
                    product_name(model, p, span),
                    span,
                    entitled_list,
                    CountryStmt::Entitled,
                );
            }
        }
        (Some(_), false) => {
            strip(&mut c.stmts, model, p, span, entitled_list, |_| false);
            // a list emptied this way entitles nothing: keep the bare statement
            if !c.stmts.iter().any(|s| matches!(s.kind, CountryStmt::Entitled(_))) {
                c.stmts.push(Node::new(CountryStmt::Entitled(vec![]), span));
            }
        }
    }
    Ok(())
}

fn set_revenue(doc: &mut Document, model: &Model, country: &Name, revenue: Option<&Name>, span: Span) -> Result<()> {
    let ci = country_index(doc, model, country)?;
    let value = revenue
        .map(|n| crate::resolve::number(n).map_err(|d| vec![d]))
        .transpose()?;
    let c = country_mut(doc, ci);
    match value {
        None => c.stmts.retain(|s| !matches!(s.kind, CountryStmt::Revenue(_))),
        Some(v) => {
            let stmt = CountryStmt::Revenue(Name::new(crate::fmt::format_number(v), span));
            match c.stmts.iter_mut().find(|s| matches!(s.kind, CountryStmt::Revenue(_))) {
                Some(s) => {
                    s.kind = stmt;
                    s.span = span;
                }
                None => c.stmts.insert(0, Node::new(stmt, span)),
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- account and keys

fn set_global(doc: &mut Document, model: &Model, product: &Name, on: bool, span: Span) -> Result<()> {
    let p = product_id(model, product)?;
    let name = product_name(model, p, span);
    if !on && !has_account(doc) {
        return Ok(()); // nothing to turn off: no account is created for it
    }
    let a = account_mut(doc, span);
    let list = picker(|k: &mut AccountStmt| match k {
        AccountStmt::Global(l) => Some(l),
        _ => None,
    });
    if on {
        if !model.is_global(p) {
            append(&mut a.stmts, name, span, list, AccountStmt::Global);
        }
    } else {
        strip(&mut a.stmts, model, p, span, list, |_| false);
    }
    Ok(())
}

fn set_domain(doc: &mut Document, domain: &Name, mode: DomainMode, span: Span) {
    if mode == DomainMode::Off && !has_account(doc) {
        return; // nothing to release: no account is created for it
    }
    let a = account_mut(doc, span);
    let existing = a
        .stmts
        .iter()
        .position(|s| matches!(&s.kind, AccountStmt::Domain { domain: d, .. } if same_key(&d.text, &domain.text)));
    let auto_approve = mode == DomainMode::AutoApprove;
    match (existing, mode) {
        (Some(i), DomainMode::Off) => {
            a.stmts.remove(i);
        }
        (None, DomainMode::Off) => {}
        (Some(i), _) => {
            if let AccountStmt::Domain { auto_approve: x, .. } = &mut a.stmts[i].kind {
                if *x != auto_approve {
                    *x = auto_approve;
                    a.stmts[i].span = span;
                }
            }
        }
        (None, _) => {
            // after the last domain, where a person would write it
            let at = a
                .stmts
                .iter()
                .rposition(|s| matches!(s.kind, AccountStmt::Domain { .. }))
                .map_or(0, |p| p + 1);
            let stmt = AccountStmt::Domain {
                domain: Name::new(domain.text.clone(), span),
                auto_approve,
            };
            a.stmts.insert(at, Node::new(stmt, span));
        }
    }
}

fn set_key_country(doc: &mut Document, model: &Model, key: &Name, country: Option<&Name>, span: Span) -> Result<()> {
    if model.find_key(&key.text).is_none() && model.find_user(&key.text).is_some() {
        return Err(vec![Diagnostic::error(
            "not-a-key",
            format!("`{}` is a user: `set key-country` names a key", key.text),
        )
        .with_label(key.span, "a user")
        .with_help(
            "a user's entitlement country is set with `set entitlement-country USER COUNTRY`",
        )]);
    }
    let Some(i) = find_decl(doc, EntityKind::Key, &key.text) else {
        return Err(vec![unknown("key", key, model.keys.iter().map(|k| k.name.as_str()))]);
    };
    let c = country.map(|n| country_id(model, n)).transpose()?;
    key_mut(doc, i).country = c.map(|c| Name::new(model.country(c).name.clone(), span));
    Ok(())
}
