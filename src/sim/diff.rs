//! Comparing policies decision by decision (`diff`, `simulate`, the REPL's `:diff`), in one
//! streamed pass over the principals: counts are exact while the lists of changed decisions
//! are kept only up to a cap, so memory does not grow with the number of changes (5.5 million
//! on a 200,000-user account when Default Access flips).
//!
//! [`compare`] takes the original policy, the policy after each what-if statement, and the
//! filters. In the same pass it attributes each change to the statement after which the
//! decision first differs from the original, counts what each statement changed relative to
//! the one before (so a statement that changes nothing is known), and gathers what the impact
//! in people needs (per principal, per product).

use super::{principal_list, Progress, CHUNK};
use crate::compile::{Compiled, Row};
use crate::filter::Selection;
use crate::model::*;
use crate::syntax::Access;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A decision as the diff reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Verdict {
    /// The answer.
    pub decision: Access,
    /// The rule that decided.
    pub rule: Rule,
}

/// One cause of change: every decision that went from `before` to `after`.
#[derive(Clone, Debug, Serialize)]
pub struct Cause {
    /// The decision in the old policy.
    pub before: Verdict,
    /// The decision in the new policy (it differs from `before` in access, rule or both).
    pub after: Verdict,
    /// How many decisions changed this way (the length of `changes`).
    pub count: usize,
    /// Changes per product.
    pub products: BTreeMap<String, usize>,
    /// Changes per credited group: a change counts for the group credited before and for the
    /// one credited after (once when they have the same name).
    pub groups: BTreeMap<String, usize>,
    /// Every change: principal, product, and the credited groups before and after.
    pub changes: Vec<Change>,
}

/// One decision that changed.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// The user's email or the key's id, as the old policy declares it.
    pub principal: String,
    /// The product's name, as the old policy declares it.
    pub product: String,
    /// The group credited in the old policy (`group-*` rules only; absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_before: Option<String>,
    /// The group credited in the new policy (`group-*` rules only; absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_after: Option<String>,
}

/// Every decision that changes between two policies, grouped by cause.
#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    /// Decisions compared (principals and products present in both).
    pub compared: u64,
    /// Decisions whose access or rule changed (a change of credited group alone is not
    /// counted); the sum of the causes' counts.
    pub changed: usize,
    /// Changes from allow to deny (access taken away).
    pub revoked: usize,
    /// Changes from deny to allow.
    pub granted: usize,
    /// The changes grouped by (before, after) verdict, the biggest cause first (ties in
    /// verdict order).
    pub causes: Vec<Cause>,
    /// Principals only the new policy declares (matched by name, ignoring case), in its
    /// order.
    pub principals_added: Vec<String>,
    /// Principals only the old policy declares, in its order.
    pub principals_removed: Vec<String>,
    /// Products only the new policy declares (matched by name, ignoring case), in its order.
    pub products_added: Vec<String>,
    /// Products only the old policy declares, in its order.
    pub products_removed: Vec<String>,
    /// Groups that had an Allowed Applications list before and have none after (now legacy or
    /// unconfigured: they no longer restrict their members).
    pub groups_lost_allow_list: Vec<String>,
    /// Every group in both policies whose mode changed (allow-list, legacy, unconfigured).
    pub groups_mode_changed: Vec<GroupModeChange>,
    /// What the front end learned applying what-if statements (a statement that changed
    /// nothing, an edit without effect), in statement order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A group whose mode differs between two policies.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct GroupModeChange {
    /// The group's name in the old policy.
    pub group: String,
    /// Its mode in the old policy.
    pub before: GroupMode,
    /// Its mode in the new policy.
    pub after: GroupMode,
}

impl Diff {
    /// Whether the policies decide alike: no decision changed, no principal or product was
    /// added or removed, and no group changed mode (`notes` are not considered).
    pub fn is_empty(&self) -> bool {
        self.changed == 0
            && self.principals_added.is_empty()
            && self.principals_removed.is_empty()
            && self.products_added.is_empty()
            && self.products_removed.is_empty()
            && self.groups_mode_changed.is_empty()
    }
}

/// A change as kept while comparing: principal (dense, old), product (old), groups before and after.
type RawChange = (u32, u32, Option<GroupId>, Option<GroupId>);

/// What one principal's changed decisions amount to.
#[derive(Clone, Debug, Default)]
pub struct PrincipalDelta {
    /// The principal's dense index in the original policy's compiled form.
    pub index: usize,
    /// Products it loses (allow → deny).
    pub loses: usize,
    /// Products it gains (deny → allow).
    pub gains: usize,
    /// Decisions whose rule alone changes.
    pub rule_only: usize,
    /// Its changes per cause.
    pub causes: Vec<(Verdict, Verdict, usize)>,
    /// The statements (from 1) its changes are attributed to, sorted.
    pub statements: Vec<usize>,
    /// The statements that first made one of its losses, sorted.
    pub lose_statements: Vec<usize>,
    /// The statements that first made one of its gains, sorted.
    pub gain_statements: Vec<usize>,
}

/// What one what-if statement did (from the second stage on).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepDelta {
    /// Decisions of the final comparison first changed by this statement.
    pub changed: usize,
    /// Decisions that differ between the policy before this statement and after it.
    pub step_changed: usize,
}

/// The result of [`compare`].
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The first stage against the last: counts exact, each cause's `changes` cut at the cap.
    pub diff: Diff,
    /// Every principal with a change, in principal order.
    pub principals: Vec<PrincipalDelta>,
    /// Per product of the first stage: principals that lose it, and that gain it.
    pub product_people: Vec<(usize, usize)>,
    /// Per statement (stage 1 on).
    pub steps: Vec<StepDelta>,
}

/// Compare two policies decision by decision. Principals and products are matched by name
/// (ignoring case); those in only one policy are listed, not compared. Every change is kept.
pub fn diff(old: &Model, new: &Model, progress: Progress<'_>) -> Diff {
    diff_of(old, new, &Selection::all(), progress)
}

/// [`diff`] of the principals and products `sel` (resolved on `old`) keeps, skipping the
/// others before deciding. `--rule` keeps changes whose rule before or after is that rule;
/// `--only allow` keeps the gains (deny → allow), `--only deny` the losses. Every change is
/// kept (see [`compare`] to keep only the first few of each cause).
pub fn diff_of(old: &Model, new: &Model, sel: &Selection, progress: Progress<'_>) -> Diff {
    compare(&[old, new], sel, 0, progress).diff
}

/// Per cause, while comparing: the count, per old product, per (old group, new group) pair,
/// and the first changes.
#[derive(Default)]
struct CauseAcc {
    count: usize,
    products: HashMap<u32, usize>,
    groups: HashMap<(Option<GroupId>, Option<GroupId>), usize>,
    kept: Vec<RawChange>,
}

/// One chunk's share of the comparison.
struct Part {
    causes: BTreeMap<(Verdict, Verdict), CauseAcc>,
    principals: Vec<PrincipalDelta>,
    product_people: Vec<(usize, usize)>,
    steps: Vec<StepDelta>,
}

/// Compare `stages[0]` (the original) with the last stage, the stages between being the
/// policy after each what-if statement. `cap` is how many changes of each cause to keep (0:
/// all); every count stays exact.
pub fn compare(stages: &[&Model], sel: &Selection, cap: usize, progress: Progress<'_>) -> Comparison {
    assert!(stages.len() >= 2, "compare needs two policies");
    let n = stages.len() - 1;
    let (old, new) = (stages[0], stages[n]);
    let compiled: Vec<Compiled> = stages.par_iter().map(|m| Compiled::new(m)).collect();
    // product mapping, per stage: old index → that stage's index
    let pmap: Vec<Vec<Option<usize>>> = stages
        .iter()
        .map(|m| {
            old.products
                .iter()
                .map(|p| m.find_product(&p.name).map(|x| x.index()))
                .collect()
        })
        .collect();
    let common: Vec<(usize, usize)> = pmap[n]
        .iter()
        .enumerate()
        .filter(|&(x, _)| sel.product(ProductId(x as u32)))
        .filter_map(|(x, y)| y.map(|y| (x, y)))
        .collect();
    let list = principal_list(old, &compiled[0], sel);
    // principal mapping, per stage: old dense index → that stage's dense index (by name;
    // the same index when the names agree there, which what-if edits nearly always keep)
    let principal_map: Vec<Vec<Option<u32>>> = (0..=n)
        .map(|s| {
            (0..compiled[0].principals())
                .into_par_iter()
                .map(|i| match s {
                    0 => Some(i as u32),
                    _ => same_principal(old, &compiled[0], stages[s], &compiled[s], i).map(|j| j as u32),
                })
                .collect()
        })
        .collect();
    let keep = |a: Verdict, b: Verdict| -> bool {
        sel.rule.is_none_or(|r| a.rule == r || b.rule == r)
            && sel.only.is_none_or(|o| b.decision == o && a.decision != o)
    };
    // the same products at the same indexes, so rows compare word by word
    let identical = n == 1
        && compiled[0].words == compiled[1].words
        && pmap[1].iter().enumerate().all(|(x, y)| *y == Some(x))
        && common.len() == old.products.len();
    let parts: Vec<Part> = list
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut part = Part {
                causes: BTreeMap::new(),
                principals: vec![],
                product_people: vec![(0, 0); old.products.len()],
                steps: vec![StepDelta::default(); n],
            };
            let mut rows: Vec<Row> = compiled.iter().map(|c| Row::new(c.words)).collect();
            let mut at: Vec<Option<usize>> = vec![None; n + 1];
            for &i in chunk {
                for s in 0..=n {
                    at[s] = principal_map[s][i].map(|k| k as usize);
                }
                let Some(j) = at[n] else { continue };
                for s in 0..=n {
                    if let Some(k) = at[s] {
                        compiled[s].row(k, &mut rows[s]);
                    }
                }
                let mut delta = PrincipalDelta {
                    index: i,
                    ..PrincipalDelta::default()
                };
                let mut causes: BTreeMap<(Verdict, Verdict), usize> = BTreeMap::new();
                let mut record = |x: usize, y: usize, part: &mut Part, rows: &[Row]| {
                    let (a, r) = rows[0].get(x);
                    let (b, t) = rows[n].get(y);
                    if (a, r) == (b, t) {
                        return;
                    }
                    let (va, vb) = (Verdict { decision: a, rule: r }, Verdict { decision: b, rule: t });
                    if !keep(va, vb) {
                        return;
                    }
                    // the statement after which the decision first differs from the original
                    let first = (1..n)
                        .find(|&s| match (at[s], pmap[s][x]) {
                            (Some(_), Some(z)) => rows[s].get(z) != (a, r),
                            _ => false,
                        })
                        .unwrap_or(n);
                    part.steps[first - 1].changed += 1;
                    if !delta.statements.contains(&first) {
                        delta.statements.push(first);
                    }
                    *causes.entry((va, vb)).or_default() += 1;
                    let lose = a == Access::Allow && b == Access::Deny;
                    let gain = a == Access::Deny && b == Access::Allow;
                    if lose {
                        delta.loses += 1;
                        part.product_people[x].0 += 1;
                        if !delta.lose_statements.contains(&first) {
                            delta.lose_statements.push(first);
                        }
                    } else if gain {
                        delta.gains += 1;
                        part.product_people[x].1 += 1;
                        if !delta.gain_statements.contains(&first) {
                            delta.gain_statements.push(first);
                        }
                    } else {
                        delta.rule_only += 1;
                    }
                    let g0 = if r.is_group_rule() {
                        compiled[0].decide(i, x).2
                    } else {
                        None
                    };
                    let g1 = if t.is_group_rule() {
                        compiled[n].decide(j, y).2
                    } else {
                        None
                    };
                    let c = part.causes.entry((va, vb)).or_default();
                    c.count += 1;
                    *c.products.entry(x as u32).or_default() += 1;
                    *c.groups.entry((g0, g1)).or_default() += 1;
                    if cap == 0 || c.kept.len() < cap {
                        c.kept.push((i as u32, x as u32, g0, g1));
                    }
                };
                if identical {
                    // only the words where the two rows differ
                    let (r0, r1) = (&rows[0], &rows[1]);
                    for w in 0..r0.allow.len() {
                        let mut bits = r0.allow[w] ^ r1.allow[w];
                        for (a, b) in r0.rules.iter().zip(&r1.rules) {
                            bits |= a[w] ^ b[w];
                        }
                        while bits != 0 {
                            let x = w * 64 + bits.trailing_zeros() as usize;
                            bits &= bits - 1;
                            // (a product only the new policy has is not compared)
                            if x < old.products.len() && sel.product(ProductId(x as u32)) {
                                record(x, x, &mut part, &rows);
                            }
                        }
                    }
                } else {
                    for &(x, y) in &common {
                        record(x, y, &mut part, &rows);
                    }
                }
                // what each statement changed relative to the one before
                if n > 1 {
                    for s in 1..=n {
                        let (Some(_), Some(_)) = (at[s - 1], at[s]) else {
                            continue;
                        };
                        for &(x, _) in &common {
                            let (Some(p), Some(q)) = (pmap[s - 1][x], pmap[s][x]) else {
                                continue;
                            };
                            let (a, r) = rows[s - 1].get(p);
                            let (b, t) = rows[s].get(q);
                            if (a, r) != (b, t)
                                && keep(Verdict { decision: a, rule: r }, Verdict { decision: b, rule: t })
                            {
                                part.steps[s - 1].step_changed += 1;
                            }
                        }
                    }
                }
                if delta.loses + delta.gains + delta.rule_only > 0 {
                    delta.causes = causes.into_iter().map(|((a, b), k)| (a, b, k)).collect();
                    delta.statements.sort_unstable();
                    delta.lose_statements.sort_unstable();
                    delta.gain_statements.sort_unstable();
                    part.principals.push(delta);
                }
            }
            progress(chunk.len());
            part
        })
        .collect();
    // merge in chunk order: the kept changes stay the first ones in principal order
    let mut merged: BTreeMap<(Verdict, Verdict), CauseAcc> = BTreeMap::new();
    let mut principals = vec![];
    let mut product_people = vec![(0, 0); old.products.len()];
    let mut steps = vec![StepDelta::default(); n];
    for part in parts {
        for (k, c) in part.causes {
            let m = merged.entry(k).or_default();
            m.count += c.count;
            for (x, v) in c.products {
                *m.products.entry(x).or_default() += v;
            }
            for (g, v) in c.groups {
                *m.groups.entry(g).or_default() += v;
            }
            for ch in c.kept {
                if cap == 0 || m.kept.len() < cap {
                    m.kept.push(ch);
                }
            }
        }
        principals.extend(part.principals);
        for (t, (l, g)) in product_people.iter_mut().zip(part.product_people) {
            t.0 += l;
            t.1 += g;
        }
        for (t, s) in steps.iter_mut().zip(part.steps) {
            t.changed += s.changed;
            t.step_changed += s.step_changed;
        }
    }
    if n == 1 {
        steps[0].step_changed = steps[0].changed;
    }
    let mut causes: Vec<Cause> = merged
        .into_iter()
        .map(|((before, after), c)| {
            let mut products = BTreeMap::new();
            for (x, v) in c.products {
                *products.entry(old.products[x as usize].name.clone()).or_default() += v;
            }
            let mut groups: BTreeMap<String, usize> = BTreeMap::new();
            for ((g0, g1), v) in c.groups {
                let gb = g0.map(|g| old.group(g).name.clone());
                let ga = g1.map(|g| new.group(g).name.clone());
                for g in gb.iter().chain(ga.iter().filter(|a| Some(*a) != gb.as_ref())) {
                    *groups.entry(g.clone()).or_default() += v;
                }
            }
            let changes = c
                .kept
                .into_iter()
                .map(|(i, x, g0, g1)| Change {
                    principal: old.principal_name(compiled[0].principal_at(i as usize)).to_string(),
                    product: old.products[x as usize].name.clone(),
                    group_before: g0.map(|g| old.group(g).name.clone()),
                    group_after: g1.map(|g| new.group(g).name.clone()),
                })
                .collect();
            Cause {
                before,
                after,
                count: c.count,
                products,
                groups,
                changes,
            }
        })
        .collect();
    // biggest causes first; ties in a fixed order
    causes.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then((a.before, a.after).cmp(&(b.before, b.after)))
    });
    let changed = causes.iter().map(|c| c.count).sum();
    let count = |from: Access, to: Access| -> usize {
        causes
            .iter()
            .filter(|c| c.before.decision == from && c.after.decision == to)
            .map(|c| c.count)
            .sum()
    };
    let (revoked, granted) = (count(Access::Allow, Access::Deny), count(Access::Deny, Access::Allow));
    let in_both = list
        .iter()
        .filter(|&&i| {
            new.find_principal(old.principal_name(compiled[0].principal_at(i)))
                .is_some()
        })
        .count();
    let diff = Diff {
        compared: in_both as u64 * common.len() as u64,
        changed,
        revoked,
        granted,
        causes,
        notes: vec![],
        ..shape(old, new, sel)
    };
    Comparison {
        diff,
        principals,
        product_people,
        steps,
    }
}

/// What changed in the shape of two policies (principals, products, group modes), with no
/// decision compared: a [`Diff`] whose counts are zero.
pub fn shape(old: &Model, new: &Model, sel: &Selection) -> Diff {
    Diff {
        compared: 0,
        changed: 0,
        revoked: 0,
        granted: 0,
        causes: vec![],
        principals_added: new
            .principals()
            .filter(|&p| old.find_principal(new.principal_name(p)).is_none() && sel.new_principal(new, p))
            .map(|p| new.principal_name(p).to_string())
            .collect(),
        principals_removed: old
            .principals()
            .filter(|&p| new.find_principal(old.principal_name(p)).is_none() && sel.principal(old, p))
            .map(|p| old.principal_name(p).to_string())
            .collect(),
        products_added: new
            .products
            .iter()
            .filter(|p| old.find_product(&p.name).is_none())
            .map(|p| p.name.clone())
            .collect(),
        products_removed: old
            .products
            .iter()
            .filter(|p| new.find_product(&p.name).is_none())
            .map(|p| p.name.clone())
            .collect(),
        groups_lost_allow_list: old
            .groups
            .iter()
            .filter(|g| g.mode() == GroupMode::AllowList)
            .filter(|g| {
                new.find_group(&g.name)
                    .is_some_and(|h| new.group(h).mode() != GroupMode::AllowList)
            })
            .map(|g| g.name.clone())
            .collect(),
        groups_mode_changed: old
            .groups
            .iter()
            .filter_map(|g| {
                let after = new.group(new.find_group(&g.name)?).mode();
                (after != g.mode()).then(|| GroupModeChange {
                    group: g.name.clone(),
                    before: g.mode(),
                    after,
                })
            })
            .collect(),
        notes: vec![],
    }
}

/// The dense index in `new` of the principal at dense index `i` of `old`, matched by name:
/// the same index when the names agree there (what-if edits nearly always keep the order),
/// else looked up.
fn same_principal(old: &Model, co: &Compiled, new: &Model, cn: &Compiled, i: usize) -> Option<usize> {
    let p = co.principal_at(i);
    let name = old.principal_name(p);
    if i < cn.principals() {
        let q = cn.principal_at(i);
        let same_kind = matches!(
            (p, q),
            (Principal::User(_), Principal::User(_)) | (Principal::Key(_), Principal::Key(_))
        );
        if same_kind && new.principal_name(q).eq_ignore_ascii_case(name) {
            return Some(i);
        }
    }
    new.find_principal(name).map(|q| cn.index_of(q))
}

/// Whether one what-if statement left the shape of the policy alone (no principal or product
/// added or removed, no group's mode changed), and the principals it added that `sel` keeps
/// (matched by name: `sel` may have been resolved on another version of the policy).
pub fn step_shape(before: &Model, after: &Model, sel: &Selection) -> (bool, Vec<String>) {
    let added: Vec<String> = after
        .principals()
        .filter(|&p| before.find_principal(after.principal_name(p)).is_none() && sel.new_principal(after, p))
        .map(|p| after.principal_name(p).to_string())
        .collect();
    let removed = before
        .principals()
        .any(|p| after.find_principal(before.principal_name(p)).is_none() && sel.new_principal(before, p));
    let products = before.products.len() != after.products.len()
        || before.products.iter().any(|p| after.find_product(&p.name).is_none());
    let modes = before.groups.iter().any(|g| {
        after
            .find_group(&g.name)
            .is_some_and(|h| after.group(h).mode() != g.mode())
    });
    (added.is_empty() && !removed && !products && !modes, added)
}

/// The counts of [`diff`] (decisions compared, changed, lost, gained) and the shape lists,
/// without the causes: what the REPL prints after every edit, in a few word operations per
/// principal when the products are the same.
pub fn count(old: &Model, new: &Model) -> Diff {
    let (co, cn) = rayon::join(|| Compiled::new(old), || Compiled::new(new));
    let pmap: Vec<Option<usize>> = old
        .products
        .iter()
        .map(|p| new.find_product(&p.name).map(|x| x.index()))
        .collect();
    let common: Vec<(usize, usize)> = pmap.iter().enumerate().filter_map(|(x, y)| y.map(|y| (x, y))).collect();
    let identical = co.words == cn.words && pmap.iter().enumerate().all(|(x, y)| *y == Some(x));
    let nprod = old.products.len();
    let (compared, changed, revoked, granted) = (0..co.principals())
        .into_par_iter()
        .chunks(CHUNK)
        .map(|chunk| {
            let (mut ro, mut rn) = (Row::new(co.words), Row::new(cn.words));
            let (mut compared, mut changed, mut revoked, mut granted) = (0u64, 0usize, 0usize, 0usize);
            for i in chunk {
                let Some(j) = same_principal(old, &co, new, &cn, i) else {
                    continue;
                };
                compared += common.len() as u64;
                co.row(i, &mut ro);
                cn.row(j, &mut rn);
                if identical {
                    for w in 0..ro.allow.len() {
                        // only the bits of products both policies have
                        let valid = if (w + 1) * 64 <= nprod {
                            u64::MAX
                        } else {
                            (1u64 << (nprod - w * 64)) - 1
                        };
                        let mut bits = ro.allow[w] ^ rn.allow[w];
                        for (a, b) in ro.rules.iter().zip(&rn.rules) {
                            bits |= a[w] ^ b[w];
                        }
                        bits &= valid;
                        changed += bits.count_ones() as usize;
                        revoked += (ro.allow[w] & !rn.allow[w] & valid).count_ones() as usize;
                        granted += (!ro.allow[w] & rn.allow[w] & valid).count_ones() as usize;
                    }
                } else {
                    for &(x, y) in &common {
                        let (a, r) = ro.get(x);
                        let (b, t) = rn.get(y);
                        if (a, r) != (b, t) {
                            changed += 1;
                            revoked += usize::from(a == Access::Allow && b == Access::Deny);
                            granted += usize::from(a == Access::Deny && b == Access::Allow);
                        }
                    }
                }
            }
            (compared, changed, revoked, granted)
        })
        .reduce(|| (0, 0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3));
    Diff {
        compared,
        changed,
        revoked,
        granted,
        ..shape(old, new, &Selection::all())
    }
}
