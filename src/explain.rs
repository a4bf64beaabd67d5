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
use crate::model::*;
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
    /// The same edit as a what-if statement, which can be pasted into the REPL or
    /// `simulate --what-if` and reproduces the flip exactly.
    pub statement: String,
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

/// A candidate edit: a what-if statement (LANGUAGE.md §5), applied through the one edit
/// engine ([`crate::whatif`]).
type Edit = WhatIf;

fn n(text: &str) -> Name {
    Name::new(text, Span::default())
}

/// How far a statement reaches.
fn reach(edit: &Edit) -> Reach {
    match edit {
        WhatIf::SetStatus { .. }
        | WhatIf::SetEntitlementCountry { .. }
        | WhatIf::SetException { .. }
        | WhatIf::SetMember { .. }
        | WhatIf::SetKeyCountry { .. }
        | WhatIf::Register { .. }
        | WhatIf::Remove {
            kind: EntityKind::User | EntityKind::Key,
            ..
        } => Reach::Principal,
        WhatIf::SetAllowed { .. }
        | WhatIf::SetIncludeCountry { .. }
        | WhatIf::SetGroupException { .. }
        | WhatIf::Convert(_)
        | WhatIf::ClearExceptions(_)
        | WhatIf::Remove {
            kind: EntityKind::Group,
            ..
        } => Reach::Group,
        _ => Reach::Country,
    }
}

/// A what-if statement in words, for a person.
pub fn describe_edit(edit: &WhatIf) -> String {
    match edit {
        WhatIf::SetStatus { user, status } => format!("set user {}'s status to {}", user.text, status.text),
        WhatIf::SetEntitlementCountry { user, country: Some(c) } => {
            format!("set user {}'s Entitlement Country to {}", user.text, c.text)
        }
        WhatIf::SetEntitlementCountry { user, country: None } => {
            format!("remove user {}'s Entitlement Country attribute", user.text)
        }
        WhatIf::SetEntitled {
            country,
            product,
            on: true,
        } => {
            format!("add {} to {}'s `entitled` list", product.text, country.text)
        }
        WhatIf::SetEntitled {
            country,
            product,
            on: false,
        } => {
            format!("remove {} from {}'s `entitled` list", product.text, country.text)
        }
        WhatIf::SetGlobal { product, on: true } => format!("add {} to the account's `global` list", product.text),
        WhatIf::SetGlobal { product, on: false } => {
            format!("remove {} from the account's `global` list", product.text)
        }
        WhatIf::SetException {
            user,
            product,
            access: Some(a),
        } => {
            format!("give user {} the exception `{a} {}`", user.text, product.text)
        }
        WhatIf::SetException {
            user,
            product,
            access: None,
        } => {
            format!("remove user {}'s exception for {}", user.text, product.text)
        }
        WhatIf::SetAllowed {
            group,
            product,
            on: true,
        } => {
            format!("add {} to group {}'s Allowed Applications", product.text, group.text)
        }
        WhatIf::SetAllowed {
            group,
            product,
            on: false,
        } => {
            format!(
                "remove {} from group {}'s Allowed Applications",
                product.text, group.text
            )
        }
        WhatIf::SetIncludeCountry { group, on: true } => {
            format!("turn on `include-country` for group {}", group.text)
        }
        WhatIf::SetIncludeCountry { group, on: false } => {
            format!("turn off `include-country` for group {}", group.text)
        }
        WhatIf::SetGroupException {
            group,
            product,
            access: None,
        } => {
            format!("remove group {}'s legacy exception for {}", group.text, product.text)
        }
        WhatIf::SetGroupException {
            group,
            product,
            access: Some(a),
        } => {
            format!("give group {} the legacy exception `{a} {}`", group.text, product.text)
        }
        WhatIf::SetMember {
            group,
            principal,
            on: true,
        } => format!("add {} to group {}", principal.text, group.text),
        WhatIf::SetMember {
            group,
            principal,
            on: false,
        } => {
            format!("take {} out of group {}", principal.text, group.text)
        }
        WhatIf::SetAccess {
            country,
            product,
            access: Some(a),
        } => {
            format!("set {}'s General Access for {} to {a}", country.text, product.text)
        }
        WhatIf::SetAccess {
            country,
            product,
            access: None,
        } => format!(
            "drop {}'s General Access override for {} (inherit Default Access)",
            country.text, product.text
        ),
        WhatIf::SetDefault { country, access } => format!("set {}'s Default Access to {access}", country.text),
        WhatIf::SetKeyCountry { key, country: Some(c) } => format!("give key {} its own country {}", key.text, c.text),
        WhatIf::SetKeyCountry { key, country: None } => format!("take key {}'s own country away", key.text),
        WhatIf::SetRevenue {
            country,
            revenue: Some(r),
        } => format!("set {}'s revenue to {}", country.text, r.text),
        WhatIf::SetRevenue { country, revenue: None } => format!("remove {}'s revenue", country.text),
        other => crate::fmt::format_whatif(other),
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
            WhatIf::SetMember { on: true, .. } => Some(&mut joins),
            WhatIf::SetEntitlementCountry { .. } | WhatIf::SetKeyCountry { .. } => Some(&mut moves),
            _ => None,
        };
        if let Some(n) = tried {
            *n += 1;
            if *n > MAX_ALTERNATIVES {
                continue;
            }
        }
        let stmt = Node::new(Item::WhatIf(edit.clone()), Span::default());
        let Ok((_, after_model)) = crate::whatif::applied(doc, model, &stmt) else {
            continue;
        };
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
        let statement = crate::fmt::format_whatif(&edit);
        if out.iter().any(|f: &Flip| f.statement == statement) {
            continue;
        }
        out.push(Flip {
            edit: describe_edit(&edit),
            statement,
            reach: reach(&edit),
            access: after.access,
            rule: after.rule,
            other_changes,
        });
    }
    // uncounted collateral last
    out.sort_by_key(|f| (f.reach, f.other_changes.is_none(), f.other_changes));
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
    let pname = n(&model.product(product).name);
    let who = n(model.principal_name(principal));
    let country = model.principal_country(principal);
    let mut edits = vec![];
    let want = access.flip();
    let member = |group: &str, on| WhatIf::SetMember {
        group: n(group),
        principal: who.clone(),
        on,
    };
    for step in steps {
        match step {
            Step::Status { status, .. } if *status != Status::Active => {
                edits.push(WhatIf::SetStatus {
                    user: who.clone(),
                    status: n("active"),
                });
            }
            Step::KeyCountry { country: None, .. } => {
                for c in &model.countries {
                    edits.push(WhatIf::SetKeyCountry {
                        key: who.clone(),
                        country: Some(n(&c.name)),
                    });
                }
                for g in &model.groups {
                    edits.push(member(&g.name, true));
                }
            }
            Step::UserCountry { country: None, .. } => {
                for c in &model.countries {
                    edits.push(WhatIf::SetEntitlementCountry {
                        user: who.clone(),
                        country: Some(n(&c.name)),
                    });
                }
            }
            Step::Entitled {
                entitled: false,
                country,
                ..
            } => {
                edits.push(WhatIf::SetEntitled {
                    country: n(&model.country(*country).name),
                    product: pname.clone(),
                    on: true,
                });
                edits.push(WhatIf::SetGlobal {
                    product: pname.clone(),
                    on: true,
                });
            }
            Step::Entitled {
                entitled: true,
                listed,
                global,
                country,
                ..
            } if want == Access::Deny => {
                if *global {
                    edits.push(WhatIf::SetGlobal {
                        product: pname.clone(),
                        on: false,
                    });
                } else if *listed {
                    edits.push(WhatIf::SetEntitled {
                        country: n(&model.country(*country).name),
                        product: pname.clone(),
                        on: false,
                    });
                }
            }
            Step::UserException { exception } => {
                if exception.is_some() {
                    edits.push(WhatIf::SetException {
                        user: who.clone(),
                        product: pname.clone(),
                        access: None,
                    });
                }
                edits.push(WhatIf::SetException {
                    user: who.clone(),
                    product: pname.clone(),
                    access: Some(want),
                });
            }
            Step::Group { group, verdict } => {
                let g = model.group(*group);
                let gname = n(&g.name);
                match verdict {
                    GroupVerdict::Deny(Rule::GroupNotAllowed, _) if want == Access::Allow => {
                        if g.include_country.is_some() {
                            // the group would include the product if the country level allowed it
                            country_level_edits(model, g.country, product, Access::Allow, &mut edits);
                        }
                        edits.push(WhatIf::SetAllowed {
                            group: gname.clone(),
                            product: pname.clone(),
                            on: true,
                        });
                        if g.include_country.is_none() {
                            edits.push(WhatIf::SetIncludeCountry {
                                group: gname.clone(),
                                on: true,
                            });
                        }
                        edits.push(member(&g.name, false));
                    }
                    GroupVerdict::Deny(Rule::GroupException, _) if want == Access::Allow => {
                        edits.push(WhatIf::SetGroupException {
                            group: gname.clone(),
                            product: pname.clone(),
                            access: None,
                        });
                        edits.push(member(&g.name, false));
                    }
                    GroupVerdict::Allow(rule, _) if want == Access::Deny => {
                        match rule {
                            Rule::GroupAllowed => edits.push(WhatIf::SetAllowed {
                                group: gname.clone(),
                                product: pname.clone(),
                                on: false,
                            }),
                            Rule::GroupIncludeCountry => {
                                edits.push(WhatIf::SetIncludeCountry {
                                    group: gname.clone(),
                                    on: false,
                                });
                                country_level_edits(model, g.country, product, Access::Deny, &mut edits);
                            }
                            _ => edits.push(WhatIf::SetGroupException {
                                group: gname.clone(),
                                product: pname.clone(),
                                access: None,
                            }),
                        }
                        edits.push(member(&g.name, false));
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
                        edits.push(member(&g.name, true));
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
                    edits.push(member(&g.name, true));
                }
            }
        }
    }
    // a user exception settles almost any group- or country-level decision
    if let (Principal::User(_), Some(_)) = (principal, country) {
        if !edits.iter().any(|e| matches!(e, WhatIf::SetException { .. }))
            && steps.iter().any(|s| matches!(s, Step::UserException { .. }))
        {
            edits.push(WhatIf::SetException {
                user: who.clone(),
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
    let (cn, pn) = (n(&c.name), n(&model.product(product).name));
    let (_, is_override, _) = c.country_level(product);
    edits.push(WhatIf::SetAccess {
        country: cn.clone(),
        product: pn.clone(),
        access: Some(want),
    });
    if is_override && c.default == want {
        edits.push(WhatIf::SetAccess {
            country: cn.clone(),
            product: pn,
            access: None,
        });
    }
    if !is_override {
        edits.push(WhatIf::SetDefault {
            country: cn,
            access: want,
        });
    }
}
