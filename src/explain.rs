//! Suggestions that flip a decision: the smallest single edits, each verified.
//!
//! For a decision, candidate edits are drawn up from the rule that decided and the steps
//! considered (a user exception, a group's Allowed Applications, `include-country`, a legacy
//! exception, a membership, General Access, Default Access, the `entitled` list, the user's
//! status or profile country). Each is applied to a copy of the policy, the copy is resolved
//! again, and the decision re-evaluated: only edits that really flip it are kept. They are
//! ranked by reach (one user, one group, a whole country), then by how many other decisions
//! they would change.

use crate::eval::{decide, explain, GroupVerdict, Rule, Step};
use crate::fmt::format_name;
use crate::model::*;
use crate::resolve::resolve_declarations;
use crate::source::Span;
use crate::syntax::*;

/// How far an edit reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reach {
    /// Only this principal's declaration changes.
    Principal,
    /// A group's declaration changes (every member is affected).
    Group,
    /// A country's declaration changes (every user entitled there is affected).
    Country,
}

/// One verified edit that flips the decision.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Flip {
    /// What to change, in words.
    pub edit: String,
    /// The same edit as an entitle statement when there is one (a what-if statement, which can
    /// be pasted into the REPL or `simulate --what-if`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    pub reach: Reach,
    /// The decision after the edit.
    pub access: Access,
    pub rule: Rule,
    /// How many other (principal, product) decisions the edit changes; `None` when the
    /// policy is too large to count them all quickly.
    pub other_changes: Option<usize>,
}

/// Above this many decisions, the collateral of each edit is not counted.
const IMPACT_LIMIT: usize = 200_000;
/// ... nor above this much evaluation work (decisions times the list entries each one may
/// scan: a few decisions over a 200,000-entry Allowed Applications list are slow too).
const IMPACT_WORK_LIMIT: usize = 50_000_000;
/// At most this many "join another group" and "move to another country" edits are tried:
/// each is verified by resolving a copy of the whole policy, and a policy may have 100,000
/// groups.
const MAX_ALTERNATIVES: usize = 20;

/// An upper bound on the work of evaluating every decision of `model` once.
fn evaluation_work(model: &Model) -> usize {
    let per_product: usize = model
        .principals()
        .map(|p| {
            let own = match p {
                Principal::User(u) => model.user(u).exceptions.len(),
                Principal::Key(_) => 0,
            };
            model.principal_groups(p).iter().fold(1 + own, |n, (g, _)| {
                let g = model.group(*g);
                n.saturating_add(1 + g.allowed.len() + g.exceptions.len())
            })
        })
        .fold(0usize, usize::saturating_add);
    per_product.saturating_mul(model.products.len())
}

#[derive(Clone, Debug)]
enum Edit {
    Status {
        user: String,
    },
    ProfileCountry {
        user: String,
        country: String,
    },
    Entitle {
        country: String,
        product: String,
        on: bool,
    },
    UserException {
        user: String,
        product: String,
        access: Option<Access>,
    },
    Allowed {
        group: String,
        product: String,
        on: bool,
    },
    IncludeCountry {
        group: String,
        on: bool,
    },
    GroupException {
        group: String,
        product: String,
    },
    Membership {
        principal: Principal,
        name: String,
        group: String,
        on: bool,
    },
    SetAccess {
        country: String,
        product: String,
        access: Option<Access>,
    },
    SetDefault {
        country: String,
        access: Access,
    },
}

impl Edit {
    fn reach(&self) -> Reach {
        match self {
            Edit::Status { .. }
            | Edit::ProfileCountry { .. }
            | Edit::UserException { .. }
            | Edit::Membership { .. } => Reach::Principal,
            Edit::Allowed { .. } | Edit::IncludeCountry { .. } | Edit::GroupException { .. } => Reach::Group,
            Edit::Entitle { .. } | Edit::SetAccess { .. } | Edit::SetDefault { .. } => Reach::Country,
        }
    }

    fn describe(&self) -> (String, Option<String>) {
        match self {
            Edit::Status { user } => (format!("set user {user}'s status to active"), None),
            Edit::ProfileCountry { user, country } => (format!("set user {user}'s profile country to {country}"), None),
            Edit::Entitle {
                country,
                product,
                on: true,
            } => (format!("add {product} to {country}'s `entitled` list"), None),
            Edit::Entitle {
                country,
                product,
                on: false,
            } => (format!("remove {product} from {country}'s `entitled` list"), None),
            Edit::UserException {
                user,
                product,
                access: Some(a),
            } => (format!("give user {user} the exception `{a} {product}`"), None),
            Edit::UserException {
                user,
                product,
                access: None,
            } => (format!("remove user {user}'s exception for {product}"), None),
            Edit::Allowed {
                group,
                product,
                on: true,
            } => (format!("add {product} to group {group}'s Allowed Applications"), None),
            Edit::Allowed {
                group,
                product,
                on: false,
            } => (
                format!("remove {product} from group {group}'s Allowed Applications"),
                None,
            ),
            Edit::IncludeCountry { group, on: true } => (format!("turn on `include-country` for group {group}"), None),
            Edit::IncludeCountry { group, on: false } => {
                (format!("turn off `include-country` for group {group}"), None)
            }
            Edit::GroupException { group, product } => {
                (format!("remove group {group}'s legacy exception for {product}"), None)
            }
            Edit::Membership {
                name, group, on: true, ..
            } => (format!("add {name} to group {group}"), None),
            Edit::Membership {
                name, group, on: false, ..
            } => (format!("take {name} out of group {group}"), None),
            Edit::SetAccess {
                country,
                product,
                access,
            } => {
                let v = access.map_or("inherit", |a| a.as_str());
                let words = match access {
                    Some(a) => format!("set {country}'s General Access for {product} to {a}"),
                    None => format!("drop {country}'s General Access override for {product} (inherit Default Access)"),
                };
                (
                    words,
                    Some(format!(
                        "set access {} {} {v}",
                        format_name(country),
                        format_name(product)
                    )),
                )
            }
            Edit::SetDefault { country, access } => (
                format!("set {country}'s Default Access to {access}"),
                Some(format!("set default {} {access}", format_name(country))),
            ),
        }
    }
}

/// The verified single edits that would flip `principal`'s decision on `product`, best first.
pub fn flips(doc: &Document, model: &Model, principal: Principal, product: ProductId) -> Vec<Flip> {
    let ex = explain(model, principal, product);
    let before = ex.decision;
    let mut out = vec![];
    let count_impact = model
        .users
        .len()
        .saturating_add(model.keys.len())
        .saturating_mul(model.products.len())
        <= IMPACT_LIMIT
        && evaluation_work(model) <= IMPACT_WORK_LIMIT;
    // On a large policy, verify each edit on the part of it the principal's decision rests on
    // (every declaration but the other users and keys): exact for this decision, and it
    // keeps `explain` fast on a million users. The other decisions are not counted then.
    let reduced;
    let doc = if count_impact {
        doc
    } else {
        reduced = principal_view(doc, model, principal);
        &reduced
    };
    let (mut joins, mut moves) = (0, 0);
    for edit in candidates(model, principal, product, &ex.steps, before.access) {
        let tried = match edit {
            Edit::Membership { on: true, .. } => Some(&mut joins),
            Edit::ProfileCountry { .. } => Some(&mut moves),
            _ => None,
        };
        if let Some(n) = tried {
            *n += 1;
            if *n > MAX_ALTERNATIVES {
                continue;
            }
        }
        let mut copy = doc.clone();
        if !apply(&mut copy, model, &edit) {
            continue;
        }
        let (after_model, errors) = resolve_declarations(&copy);
        if errors.iter().any(|d| d.is_error()) {
            continue;
        }
        // the principal and product keep their names, so look them up again
        let Some(p2) = after_model.find_principal(model.principal_name(principal)) else {
            continue;
        };
        let Some(x2) = after_model.find_product(&model.product(product).name) else {
            continue;
        };
        let after = decide(&after_model, p2, x2);
        if after.access == before.access {
            continue;
        }
        let other_changes = count_impact.then(|| {
            let mut n = 0;
            for p in model.principals() {
                let Some(q) = after_model.find_principal(model.principal_name(p)) else {
                    continue;
                };
                for x in model.product_ids() {
                    if p == principal && x == product {
                        continue;
                    }
                    let Some(y) = after_model.find_product(&model.product(x).name) else {
                        continue;
                    };
                    if decide(model, p, x).access != decide(&after_model, q, y).access {
                        n += 1;
                    }
                }
            }
            n
        });
        let (edit_text, statement) = edit.describe();
        if out.iter().any(|f: &Flip| f.edit == edit_text) {
            continue;
        }
        out.push(Flip {
            edit: edit_text,
            statement,
            reach: edit.reach(),
            access: after.access,
            rule: after.rule,
            other_changes,
        });
    }
    out.sort_by_key(|f| (f.reach, f.other_changes.unwrap_or(usize::MAX)));
    out
}

/// The document without the users and keys other than `principal`.
fn principal_view(doc: &Document, model: &Model, principal: Principal) -> Document {
    let name = model.principal_name(principal).to_lowercase();
    Document {
        items: doc
            .items
            .iter()
            .filter(|i| match &i.kind {
                Item::Decl(Decl::User(u)) => matches!(principal, Principal::User(_)) && u.email.key() == name,
                Item::Decl(Decl::Key(k)) => matches!(principal, Principal::Key(_)) && k.name.key() == name,
                Item::Decl(_) => true,
                _ => false,
            })
            .cloned()
            .collect(),
        end_comments: vec![],
    }
}

fn candidates(model: &Model, principal: Principal, product: ProductId, steps: &[Step], access: Access) -> Vec<Edit> {
    let pname = model.product(product).name.clone();
    let user = match principal {
        Principal::User(u) => Some(model.user(u)),
        Principal::Key(_) => None,
    };
    let uname = user.map(|u| u.email.clone());
    let country = model.principal_country(principal);
    let cname = country.map(|c| model.country(c).name.clone());
    let mut edits = vec![];
    let want = access.flip();
    for step in steps {
        match step {
            Step::Status { status, .. } if *status != Status::Active => {
                edits.push(Edit::Status {
                    user: uname.clone().unwrap(),
                });
            }
            Step::KeyCountry { country: None, .. } => {
                for g in &model.groups {
                    edits.push(Edit::Membership {
                        principal,
                        name: model.principal_name(principal).to_string(),
                        group: g.name.clone(),
                        on: true,
                    });
                }
            }
            Step::UserCountry { country: None, .. } => {
                for c in &model.countries {
                    edits.push(Edit::ProfileCountry {
                        user: uname.clone().unwrap(),
                        country: c.name.clone(),
                    });
                }
            }
            Step::Entitled {
                entitled: false,
                country,
                ..
            } => {
                edits.push(Edit::Entitle {
                    country: model.country(*country).name.clone(),
                    product: pname.clone(),
                    on: true,
                });
            }
            Step::Entitled {
                entitled: true,
                listed: true,
                country,
                ..
            } if want == Access::Deny => {
                edits.push(Edit::Entitle {
                    country: model.country(*country).name.clone(),
                    product: pname.clone(),
                    on: false,
                });
            }
            Step::UserException { exception } => {
                let u = uname.clone().unwrap();
                if exception.is_some() {
                    edits.push(Edit::UserException {
                        user: u.clone(),
                        product: pname.clone(),
                        access: None,
                    });
                }
                edits.push(Edit::UserException {
                    user: u,
                    product: pname.clone(),
                    access: Some(want),
                });
            }
            Step::Group { group, verdict } => {
                let g = model.group(*group);
                let gname = g.name.clone();
                let member = |on| Edit::Membership {
                    principal,
                    name: model.principal_name(principal).to_string(),
                    group: gname.clone(),
                    on,
                };
                match verdict {
                    GroupVerdict::Deny(Rule::GroupNotAllowed, _) if want == Access::Allow => {
                        if g.include_country.is_some() {
                            // the group would include the product if the country level allowed it
                            country_level_edits(model, g.country, product, Access::Allow, &mut edits);
                        }
                        edits.push(Edit::Allowed {
                            group: gname.clone(),
                            product: pname.clone(),
                            on: true,
                        });
                        if g.include_country.is_none() {
                            edits.push(Edit::IncludeCountry {
                                group: gname.clone(),
                                on: true,
                            });
                        }
                        edits.push(member(false));
                    }
                    GroupVerdict::Deny(Rule::GroupException, _) if want == Access::Allow => {
                        edits.push(Edit::GroupException {
                            group: gname.clone(),
                            product: pname.clone(),
                        });
                        edits.push(member(false));
                    }
                    GroupVerdict::Allow(rule, _) if want == Access::Deny => {
                        match rule {
                            Rule::GroupAllowed => edits.push(Edit::Allowed {
                                group: gname.clone(),
                                product: pname.clone(),
                                on: false,
                            }),
                            Rule::GroupIncludeCountry => {
                                edits.push(Edit::IncludeCountry {
                                    group: gname.clone(),
                                    on: false,
                                });
                                country_level_edits(model, g.country, product, Access::Deny, &mut edits);
                            }
                            _ => edits.push(Edit::GroupException {
                                group: gname.clone(),
                                product: pname.clone(),
                            }),
                        }
                        edits.push(member(false));
                    }
                    _ => {}
                }
            }
            Step::CountryLevel { country, .. } => {
                country_level_edits(model, *country, product, want, &mut edits);
                // joining a group of the country that decides the other way
                let current: rustc_hash::FxHashSet<GroupId> =
                    model.principal_groups(principal).iter().map(|(g, _)| *g).collect();
                for (i, g) in model.groups.iter().enumerate() {
                    let gid = GroupId(i as u32);
                    if g.country != *country || current.contains(&gid) {
                        continue;
                    }
                    let v = crate::eval::group_verdict(model, g, product);
                    let flips = matches!(
                        (v, want),
                        (GroupVerdict::Allow(..), Access::Allow) | (GroupVerdict::Deny(..), Access::Deny)
                    );
                    if flips {
                        edits.push(Edit::Membership {
                            principal,
                            name: model.principal_name(principal).to_string(),
                            group: g.name.clone(),
                            on: true,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    // denied at group level: joining a group of the country that allows the product
    let group_denied = steps.iter().any(|s| {
        matches!(
            s,
            Step::Groups {
                decided: Some((Access::Deny, _)),
                ..
            }
        )
    });
    if let (true, Some(c)) = (group_denied && want == Access::Allow, country) {
        let current: rustc_hash::FxHashSet<GroupId> =
            model.principal_groups(principal).iter().map(|(g, _)| *g).collect();
        for (i, g) in model.groups.iter().enumerate() {
            let gid = GroupId(i as u32);
            if g.country == c && !current.contains(&gid) {
                if let GroupVerdict::Allow(..) = crate::eval::group_verdict(model, g, product) {
                    edits.push(Edit::Membership {
                        principal,
                        name: model.principal_name(principal).to_string(),
                        group: g.name.clone(),
                        on: true,
                    });
                }
            }
        }
    }
    // a user exception settles almost any group- or country-level decision
    if let (Some(u), Some(_)) = (&uname, &cname) {
        if !edits.iter().any(|e| matches!(e, Edit::UserException { .. }))
            && steps.iter().any(|s| matches!(s, Step::UserException { .. }))
        {
            edits.push(Edit::UserException {
                user: u.clone(),
                product: pname.clone(),
                access: Some(want),
            });
        }
    }
    edits
}

/// Edits that make the country level of `country` say `want` for `product`.
fn country_level_edits(model: &Model, country: CountryId, product: ProductId, want: Access, edits: &mut Vec<Edit>) {
    let c = model.country(country);
    let (cn, pn) = (c.name.clone(), model.product(product).name.clone());
    let (_, is_override, _) = c.country_level(product);
    edits.push(Edit::SetAccess {
        country: cn.clone(),
        product: pn.clone(),
        access: Some(want),
    });
    if is_override && c.default == want {
        edits.push(Edit::SetAccess {
            country: cn.clone(),
            product: pn,
            access: None,
        });
    }
    if !is_override {
        edits.push(Edit::SetDefault {
            country: cn,
            access: want,
        });
    }
}

fn decl_mut<'a>(doc: &'a mut Document, kind: EntityKind, name: &str) -> Option<&'a mut Decl> {
    let key = name.to_lowercase();
    doc.items.iter_mut().find_map(|i| match &mut i.kind {
        Item::Decl(d) if d.kind() == Some(kind) && d.name().is_some_and(|n| n.key() == key) => Some(d),
        _ => None,
    })
}

fn synthetic(text: &str, span: Span) -> Name {
    Name::new(text, span)
}

/// Apply an edit to the document; false if it does not apply.
fn apply(doc: &mut Document, model: &Model, edit: &Edit) -> bool {
    let span = Span::default();
    let is = |n: &Name, product: &str| model.find_product(&n.text) == model.find_product(product);
    match edit {
        Edit::Status { user } => {
            let Some(Decl::User(u)) = decl_mut(doc, EntityKind::User, user) else {
                return false;
            };
            u.stmts.retain(|s| !matches!(s.kind, UserStmt::Status(_)));
            true
        }
        Edit::ProfileCountry { user, country } => {
            let Some(Decl::User(u)) = decl_mut(doc, EntityKind::User, user) else {
                return false;
            };
            for s in &mut u.stmts {
                if let UserStmt::Country(c) = &mut s.kind {
                    c.text = country.clone();
                }
            }
            true
        }
        Edit::Entitle { country, product, on } => {
            let Some(Decl::Country(c)) = decl_mut(doc, EntityKind::Country, country) else {
                return false;
            };
            if *on {
                match c.stmts.iter_mut().find(|s| matches!(s.kind, CountryStmt::Entitled(_))) {
                    Some(Node {
                        kind: CountryStmt::Entitled(l),
                        ..
                    }) => l.push(synthetic(product, span)),
                    _ => return false,
                }
            } else {
                for s in &mut c.stmts {
                    if let CountryStmt::Entitled(l) = &mut s.kind {
                        l.retain(|n| !is(n, product));
                    }
                }
            }
            true
        }
        Edit::UserException { user, product, access } => {
            let Some(Decl::User(u)) = decl_mut(doc, EntityKind::User, user) else {
                return false;
            };
            for s in &mut u.stmts {
                if let UserStmt::Access(_, l) = &mut s.kind {
                    l.retain(|n| !is(n, product));
                }
            }
            u.stmts
                .retain(|s| !matches!(&s.kind, UserStmt::Access(_, l) if l.is_empty()));
            if let Some(a) = access {
                u.stmts
                    .push(Node::new(UserStmt::Access(*a, vec![synthetic(product, span)]), span));
            }
            true
        }
        Edit::Allowed { group, product, on } => {
            let Some(Decl::Group(g)) = decl_mut(doc, EntityKind::Group, group) else {
                return false;
            };
            if *on {
                match g.stmts.iter_mut().find(|s| matches!(s.kind, GroupStmt::Allowed(_))) {
                    Some(Node {
                        kind: GroupStmt::Allowed(l),
                        ..
                    }) => l.push(synthetic(product, span)),
                    _ => return false,
                }
            } else {
                for s in &mut g.stmts {
                    if let GroupStmt::Allowed(l) = &mut s.kind {
                        l.retain(|n| !is(n, product));
                    }
                }
                g.stmts
                    .retain(|s| !matches!(&s.kind, GroupStmt::Allowed(l) if l.is_empty()));
            }
            true
        }
        Edit::IncludeCountry { group, on } => {
            let Some(Decl::Group(g)) = decl_mut(doc, EntityKind::Group, group) else {
                return false;
            };
            g.stmts.retain(|s| !matches!(s.kind, GroupStmt::IncludeCountry));
            if *on {
                g.stmts.push(Node::new(GroupStmt::IncludeCountry, span));
            }
            true
        }
        Edit::GroupException { group, product } => {
            let Some(Decl::Group(g)) = decl_mut(doc, EntityKind::Group, group) else {
                return false;
            };
            for s in &mut g.stmts {
                if let GroupStmt::Exception(_, l) = &mut s.kind {
                    l.retain(|n| !is(n, product));
                }
            }
            g.stmts
                .retain(|s| !matches!(&s.kind, GroupStmt::Exception(_, l) if l.is_empty()));
            true
        }
        Edit::Membership {
            principal,
            name,
            group,
            on,
        } => {
            let gid = model.find_group(group);
            let keep = |n: &Name| model.find_group(&n.text) != gid;
            match principal {
                Principal::User(_) => {
                    let Some(Decl::User(u)) = decl_mut(doc, EntityKind::User, name) else {
                        return false;
                    };
                    for s in &mut u.stmts {
                        if let UserStmt::Groups(l) = &mut s.kind {
                            l.retain(keep);
                        }
                    }
                    u.stmts
                        .retain(|s| !matches!(&s.kind, UserStmt::Groups(l) if l.is_empty()));
                    if *on {
                        u.stmts
                            .push(Node::new(UserStmt::Groups(vec![synthetic(group, span)]), span));
                    }
                }
                Principal::Key(_) => {
                    let Some(Decl::Key(k)) = decl_mut(doc, EntityKind::Key, name) else {
                        return false;
                    };
                    for s in &mut k.stmts {
                        let KeyStmt::Groups(l) = &mut s.kind;
                        l.retain(keep);
                    }
                    k.stmts
                        .retain(|s| !matches!(&s.kind, KeyStmt::Groups(l) if l.is_empty()));
                    if *on {
                        k.stmts
                            .push(Node::new(KeyStmt::Groups(vec![synthetic(group, span)]), span));
                    }
                }
            }
            true
        }
        Edit::SetAccess {
            country,
            product,
            access,
        } => {
            let w = WhatIf::SetAccess {
                country: synthetic(country, span),
                product: synthetic(product, span),
                access: *access,
            };
            crate::whatif::apply(doc, model, &Node::new(Item::WhatIf(w), span)).is_ok()
        }
        Edit::SetDefault { country, access } => {
            let w = WhatIf::SetDefault {
                country: synthetic(country, span),
                access: *access,
            };
            crate::whatif::apply(doc, model, &Node::new(Item::WhatIf(w), span)).is_ok()
        }
    }
}
