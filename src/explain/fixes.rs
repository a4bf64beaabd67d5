//! Fix sets: the smallest sets of edits (at most [`MAX_EDITS`]) that flip a decision, each
//! verified by applying all its statements to a copy and deciding again.

use super::candidates::{capped_candidates, principal_view};
use super::{describe_edit, evaluation_work, reach, Reach, IMPACT_LIMIT, IMPACT_WORK_LIMIT};
use crate::eval::{decide, explain, Rule};
use crate::model::*;
use crate::source::Span;
use crate::syntax::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// The largest fix searched for.
pub const MAX_EDITS: usize = 3;
/// At most this many edit sets are applied and verified for one decision.
const MAX_VERIFIED: usize = 200;
/// ... on a policy too large to count collateral (each verification resolves the policy).
const MAX_VERIFIED_LARGE: usize = 60;
/// At most this many fixes are reported (after collapsing alternatives).
const MAX_FIXES: usize = 10;

/// One edit of a fix.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FixEdit {
    /// What to change, in words.
    pub description: String,
    /// The edit as a what-if statement (LANGUAGE.md §5), as [`crate::fmt::format_whatif`]
    /// writes it: the REPL, `simulate --what-if` and [`crate::Policy::apply`] take it.
    pub statement: String,
    /// How far the edit reaches.
    pub reach: Reach,
    /// The edit changes the contract (`set entitled`, `set global`, `set revenue`): the
    /// account cannot make it itself.
    pub contract: bool,
    /// When the fix stands for several alternatives that differ only in this edit's group
    /// (or country): how many, and a few names. `statement` is the first of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub any_of: Option<AnyOf>,
}

/// Alternatives collapsed into one edit ("add to any of 18 groups …").
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AnyOf {
    /// How many alternatives were verified (each a working fix).
    pub count: usize,
    /// The first names (groups or countries), best first; the first is the edit's own.
    pub examples: Vec<String>,
    /// The what-if statement of each example (the first is the edit's `statement`).
    pub statements: Vec<String>,
}

/// A verified set of edits that flips the decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// The edits, in the order they are applied.
    pub edits: Vec<FixEdit>,
    /// The decision after every edit is applied.
    pub access: Access,
    /// The rule that decides then.
    pub rule: Rule,
    /// The credited group then (its name), exactly for the `group-*` rules.
    pub group: Option<String>,
    /// The entitlement country then (its name).
    pub country: Option<String>,
    /// The statement that decides then; `Span::default()` when it is one the fix writes.
    pub source: Span,
    /// How many other (principal, product) decisions the fix changes; `None` when the
    /// policy is too large to count them quickly.
    pub other_changes: Option<usize>,
}

impl Fix {
    /// The statements of the fix, one per line, for [`crate::Policy::apply`] or the REPL.
    pub fn statements(&self) -> String {
        self.edits
            .iter()
            .map(|e| e.statement.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Whether any edit needs a contract change.
    pub fn needs_contract(&self) -> bool {
        self.edits.iter().any(|e| e.contract)
    }
}

/// Whether an edit changes the contract rather than the account's own settings.
pub fn is_contract(edit: &WhatIf) -> bool {
    matches!(
        edit,
        WhatIf::SetEntitled { .. } | WhatIf::SetGlobal { .. } | WhatIf::SetRevenue { .. }
    )
}

/// How unlikely an administrator is to choose an edit (0 first): the user's registration or
/// profile, a membership or a group's settings first; then a one-off user exception; then
/// country-wide settings (Default Access, General Access), which reach everyone in the
/// country; contract changes last. The one ranking of edits: the fix search orders its fixes
/// by it, and every rendering keeps that order.
pub fn preference(edit: &WhatIf) -> u8 {
    match edit {
        e if is_contract(e) => 3,
        WhatIf::SetException { .. } => 1,
        WhatIf::SetAccess { .. } | WhatIf::SetDefault { .. } => 2,
        _ => 0,
    }
}

/// A verified fix, before collapsing and rendering.
struct Found {
    edits: Vec<WhatIf>,
    access: Access,
    rule: Rule,
    group: Option<String>,
    country: Option<String>,
    source: Span,
}

/// The state after some edits: the document, its model and the edits.
struct Partial {
    doc: Document,
    model: Model,
    edits: Vec<WhatIf>,
}

/// The smallest verified fix sets for `principal`'s decision on `product`, best first: see
/// the module documentation of [`crate::explain`].
pub fn fixes(doc: &Document, model: &Model, principal: Principal, product: ProductId) -> Vec<Fix> {
    fix_search(doc, model, principal, product).fixes
}

/// The outcome of the search for fixes.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FixSearch {
    /// The smallest verified fix sets, best first (at most 10).
    pub fixes: Vec<Fix>,
    /// Whether the search stopped at its limit of verified edit sets before it found a fix
    /// or tried every candidate up to [`MAX_EDITS`] edits. When it did not, an empty `fixes`
    /// means no fix of at most [`MAX_EDITS`] candidate edits exists.
    pub limited: bool,
}

/// [`fixes`], and whether the search reached its limit.
pub fn fix_search(doc: &Document, model: &Model, principal: Principal, product: ProductId) -> FixSearch {
    let before = decide(model, principal, product).access;
    let pname = model.principal_name(principal).to_string();
    let xname = model.product(product).name.clone();
    let count_impact = model
        .users
        .len()
        .saturating_add(model.keys.len())
        .saturating_mul(model.products.len())
        <= IMPACT_LIMIT
        && evaluation_work(model) <= IMPACT_WORK_LIMIT;
    // Search on the part of the policy the decision rests on (every declaration but the
    // other users and keys): exact for this decision, and fast on a million users. The
    // collateral of the best fixes is counted on the whole policy afterwards.
    let root = {
        let reduced = principal_view(doc, model, principal);
        let (m, _) = crate::resolve::resolve_declarations(&reduced);
        Partial {
            doc: reduced,
            model: m,
            edits: vec![],
        }
    };
    let (root_doc, root_model) = (root.doc.clone(), root.model.clone());
    let mut limited = false;
    let mut budget = if count_impact { MAX_VERIFIED } else { MAX_VERIFIED_LARGE };
    let key = |edits: &[WhatIf]| {
        let mut k: Vec<String> = edits.iter().map(crate::fmt::format_whatif).collect();
        k.sort();
        k
    };
    let find = |m: &Model| Some((m.find_principal(&pname)?, m.find_product(&xname)?));
    let mut seen: FxHashSet<Vec<String>> = FxHashSet::default();
    let mut found: Vec<Found> = vec![];
    let mut level = vec![root];
    'search: for _depth in 1..=MAX_EDITS {
        let mut next = vec![];
        for node in &level {
            let Some((p, x)) = find(&node.model) else { continue };
            let ex = explain(&node.model, p, x);
            for edit in capped_candidates(&node.model, p, x, &ex.steps, before) {
                let mut edits = node.edits.clone();
                edits.push(edit);
                if !seen.insert(key(&edits)) {
                    continue;
                }
                if budget == 0 {
                    limited = true;
                    break 'search;
                }
                budget -= 1;
                let stmt = Node::new(Item::WhatIf(edits.last().unwrap().clone()), Span::default());
                let Ok((doc2, model2)) = crate::whatif::applied(&node.doc, &node.model, &stmt) else {
                    continue;
                };
                let Some((p2, x2)) = find(&model2) else { continue };
                let d = decide(&model2, p2, x2);
                if d.access != before {
                    found.push(Found {
                        edits,
                        access: d.access,
                        rule: d.rule,
                        group: d.group.map(|g| model2.group(g).name.clone()),
                        country: d.country.map(|c| model2.country(c).name.clone()),
                        source: d.source,
                    });
                } else {
                    next.push(Partial {
                        doc: doc2,
                        model: model2,
                        edits,
                    });
                }
            }
        }
        // the smallest fixes only: stop at the first size that has any
        if !found.is_empty() {
            break;
        }
        level = next;
    }
    // keep only minimal sets: no proper subset (applied in the same order) flips
    let base_model = &root_model;
    let mut cache: FxHashMap<Vec<String>, bool> = FxHashMap::default();
    found.retain(|f| {
        let k = f.edits.len();
        (1..(1usize << k) - 1).all(|mask| {
            let subset: Vec<WhatIf> = (0..k)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| f.edits[i].clone())
                .collect();
            !*cache
                .entry(key(&subset))
                .or_insert_with(|| flips_with(&root_doc, base_model, &subset, &pname, &xname, before))
        })
    });
    FixSearch {
        fixes: collapse(found, doc, model, principal, product, count_impact),
        limited,
    }
}

/// The model after applying `edits` in order; `None` when one is an error.
fn applied_all(doc: &Document, model: &Model, edits: &[WhatIf]) -> Option<Model> {
    let stmts: Vec<Node<Item>> = edits
        .iter()
        .map(|e| Node::new(Item::WhatIf(e.clone()), Span::default()))
        .collect();
    let (_, after) = crate::whatif::applied_all(doc, model, &stmts).ok()?;
    Some(after.unwrap_or_else(|| model.clone()))
}

/// Whether applying `edits` in order flips the decision.
fn flips_with(doc: &Document, model: &Model, edits: &[WhatIf], pname: &str, xname: &str, before: Access) -> bool {
    let Some(m) = applied_all(doc, model, edits) else {
        return false;
    };
    match (m.find_principal(pname), m.find_product(xname)) {
        (Some(p), Some(x)) => decide(&m, p, x).access != before,
        _ => false,
    }
}

/// The name an edit varies over, when fixes differing only in it are alternatives: the
/// group joined, or the country given.
fn varying(edit: &WhatIf) -> Option<&str> {
    match edit {
        WhatIf::SetMember { group, on: true, .. } => Some(&group.text),
        WhatIf::SetEntitlementCountry { country: Some(c), .. } | WhatIf::SetKeyCountry { country: Some(c), .. } => {
            Some(&c.text)
        }
        _ => None,
    }
}

/// The statement with the varying name replaced by `*`.
fn shape(edit: &WhatIf) -> String {
    let mut e = edit.clone();
    match &mut e {
        WhatIf::SetMember { group, on: true, .. } => group.text = "*".into(),
        WhatIf::SetEntitlementCountry { country: Some(c), .. } | WhatIf::SetKeyCountry { country: Some(c), .. } => {
            c.text = "*".into()
        }
        _ => {}
    }
    crate::fmt::format_whatif(&e)
}

/// Rank the fixes, collapse alternatives that differ only in which group (or country) one
/// edit names, and count the collateral of the best ones.
fn collapse(
    found: Vec<Found>,
    doc: &Document,
    model: &Model,
    principal: Principal,
    product: ProductId,
    count: bool,
) -> Vec<Fix> {
    // the rank without collateral: what the account can do alone before contract changes,
    // then size, then how unlikely each edit is
    let rank = |f: &Found| {
        let costs: Vec<u8> = f.edits.iter().map(preference).collect();
        (
            f.edits.iter().filter(|e| is_contract(e)).count(),
            f.edits.len(),
            costs.iter().copied().max().unwrap_or(0),
            costs.iter().map(|c| *c as usize).sum::<usize>(),
        )
    };
    let mut found = found;
    found.sort_by_key(|f| rank(f));
    // group by shape (the varying edit's name replaced), keeping the best first
    struct Rep {
        fix: Fix,
        rank: (usize, usize, u8, usize),
        edits: Vec<WhatIf>,
        /// its varying edit (position and statement), if any
        varies: Option<(usize, WhatIf)>,
    }
    let mut reps: Vec<Rep> = vec![];
    let mut groups: FxHashMap<Vec<String>, usize> = FxHashMap::default();
    for f in found {
        let vary: Vec<usize> = (0..f.edits.len()).filter(|&i| varying(&f.edits[i]).is_some()).collect();
        let mut own = None;
        if let [i] = vary[..] {
            let mut k: Vec<String> = f.edits.iter().map(shape).collect();
            k.push(i.to_string());
            let name = varying(&f.edits[i]).unwrap_or_default().to_string();
            if let Some(&at) = groups.get(&k) {
                let own = reps[at].fix.edits[i].statement.clone();
                let any = reps[at].fix.edits[i].any_of.get_or_insert_with(|| AnyOf {
                    count: 1,
                    examples: vec![String::new()],
                    statements: vec![own],
                });
                any.count += 1;
                if any.examples.len() < 3 {
                    any.examples.push(name);
                    any.statements.push(crate::fmt::format_whatif(&f.edits[i]));
                }
                continue;
            }
            groups.insert(k, reps.len());
            own = Some((i, f.edits[i].clone()));
        }
        let fix = Fix {
            edits: f
                .edits
                .iter()
                .map(|e| FixEdit {
                    description: describe_edit(e),
                    statement: crate::fmt::format_whatif(e),
                    reach: reach(e),
                    contract: is_contract(e),
                    any_of: None,
                })
                .collect(),
            access: f.access,
            rule: f.rule,
            group: f.group.clone(),
            country: f.country.clone(),
            source: f.source,
            other_changes: None,
        };
        reps.push(Rep {
            rank: rank(&f),
            fix,
            edits: f.edits,
            varies: own,
        });
    }
    // count the collateral of the best few only (each count decides every decision again)
    reps.truncate(MAX_FIXES + MAX_FIXES / 2);
    if count {
        let before: Vec<Access> = model
            .principals()
            .flat_map(|p| model.product_ids().map(move |x| (p, x)))
            .map(|(p, x)| decide(model, p, x).access)
            .collect();
        // the fix on the whole policy (it was verified on the principal's part of it); one
        // the whole policy refuses is dropped
        reps.retain_mut(|r| match applied_all(doc, model, &r.edits) {
            Some(m) => {
                r.fix.other_changes = Some(other_changes(model, &before, &m, principal, product));
                true
            }
            None => false,
        });
    }
    for r in &mut reps {
        // name the fix's own alternative first, and say "any of N" in the description
        if let Some((i, edit)) = &r.varies {
            let e = &mut r.fix.edits[*i];
            if let Some(any) = &mut e.any_of {
                any.examples[0] = varying(edit).unwrap_or_default().to_string();
                e.description = any_of_description(edit, any, r.fix.access);
            }
        }
    }
    reps.sort_by_key(|r| (r.rank, r.fix.other_changes.is_none(), r.fix.other_changes));
    reps.into_iter().take(MAX_FIXES).map(|r| r.fix).collect()
}

/// "add kim to any of 18 groups (e.g. Design, Civil)".
fn any_of_description(edit: &WhatIf, any: &AnyOf, access: Access) -> String {
    let eg = any.examples.iter().take(2).cloned().collect::<Vec<_>>().join(", ");
    match edit {
        WhatIf::SetMember { principal, .. } => format!(
            "add {} to any of {} groups that would {access} it (e.g. {eg})",
            principal.text, any.count
        ),
        WhatIf::SetEntitlementCountry { user, .. } => format!(
            "set user {}'s Entitlement Country to any of {} countries (e.g. {eg})",
            user.text, any.count
        ),
        WhatIf::SetKeyCountry { key, .. } => {
            format!(
                "give key {} any of {} countries as its own (e.g. {eg})",
                key.text, any.count
            )
        }
        other => describe_edit(other),
    }
}

/// How many decisions other than (`principal`, `product`) differ between the models
/// (`before`: every decision of `model`, principals by products).
fn other_changes(model: &Model, before: &[Access], after: &Model, principal: Principal, product: ProductId) -> usize {
    let mut n = 0;
    let mut at = 0;
    for p in model.principals() {
        let q = after.find_principal(model.principal_name(p));
        for x in model.product_ids() {
            let was = before[at];
            at += 1;
            let Some(q) = q else { continue };
            if p == principal && x == product {
                continue;
            }
            let Some(y) = after.find_product(&model.product(x).name) else {
                continue;
            };
            if was != decide(after, q, y).access {
                n += 1;
            }
        }
    }
    n
}
