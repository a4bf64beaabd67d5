//! Why a decision denies, and what would change it: every blocker, and verified fix sets.
//!
//! **Blockers** ([`blockers()`]): for a denied decision, the step of LANGUAGE.md §3 that decided,
//! then every later step that would still deny, each evaluated as if the blockers before it
//! were lifted (a `pending` user in an undeclared country: `status`, then
//! `no-entitlement-country`, then, in the country of the user's first group, that group's
//! `group-not-allowed`). Without an entitlement country, the later steps are evaluated in the
//! country of the principal's first group; without a group the list stops there. The group
//! level and the country level each end the list. An allowed decision has no blocker.
//!
//! **Fixes** ([`fixes()`]): the smallest sets of at most [`MAX_EDITS`] what-if statements that
//! flip the decision. The search is breadth first: from the policy, every candidate edit for
//! the decision (drawn up from the steps of its trace — the first blocker and every step it
//! could change: a user exception, a group's Allowed Applications, `include-country`, a
//! legacy exception, a membership, General Access, Default Access, the `entitled` and
//! `global` lists, the user's status or Entitlement Country) is applied to a copy through
//! [`crate::whatif::applied`] and the decision taken again; the copies that still decide the
//! same way are searched one edit further, from the candidates of their own trace (so the next
//! blocker is the one addressed). The search stops at the first size that has a fix, after at
//! most 200 verified sets (60 on a policy too large to count collateral, where it runs on the
//! declarations the principal's decision rests on: every one but the other users and keys).
//! A fix is kept only when no proper subset of its edits, applied in the same order, flips
//! the decision too. Fixes are ranked: fewer edits, fewer contract changes (`set entitled`,
//! `set global`, `set revenue`: [`FixEdit::contract`]), then settings on a group or a user's
//! profile before country-wide settings, before a one-off user exception, then fewer other
//! decisions changed. Fixes that differ only in which group is joined (or which country is
//! given) are collapsed into one, whose edit says "any of N" ([`AnyOf`]).
//!
//! [`flips`] is the revision 1 list of single edits, kept for callers of the library.

mod blockers;
mod candidates;
mod fixes;

pub use blockers::{blockers, Blocker};
pub use fixes::{fix_search, fixes, is_contract, preference, AnyOf, Fix, FixEdit, FixSearch, MAX_EDITS};

use crate::eval::{decide, explain, Rule};
use crate::model::*;
use crate::source::Span;
use crate::syntax::*;
use candidates::{capped_candidates, principal_view};

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
    /// The account's declaration changes (`global`, domains: every principal may be affected).
    Account,
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
        WhatIf::SetGlobal { .. } | WhatIf::SetDomain { .. } => Reach::Account,
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
    for edit in capped_candidates(model, principal, product, &ex.steps, before.access) {
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
