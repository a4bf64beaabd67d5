//! The parallel simulator: questions about a whole organisation at once, on the compiled
//! form ([`crate::compile`]) with rayon.
//!
//! Work is split into chunks of principals processed in parallel and merged in principal
//! order, so every result is identical with one thread or many. Rows are produced and
//! consumed chunk by chunk: the full principal × product matrix is never held in memory.

use crate::compile::{Compiled, Row, RULES};
use crate::eval::Rule;
use crate::filter::Selection;
use crate::model::*;
use crate::syntax::Access;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Principals per parallel chunk.
pub(crate) const CHUNK: usize = 2048;

/// Progress callback: called with the number of principals just finished (from any thread).
pub type Progress<'a> = &'a (dyn Fn(usize) + Sync);

/// Per product: allow and deny counts, and counts per rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProductSummary {
    /// The product's name.
    pub product: String,
    /// How many principals may use it.
    pub allow: u64,
    /// How many principals may not (`allow + deny` is the number of principals).
    pub deny: u64,
    /// Allow counts per rule (only rules with a non-zero count).
    pub allow_by_rule: BTreeMap<Rule, u64>,
    /// Deny counts per rule (only rules with a non-zero count).
    pub deny_by_rule: BTreeMap<Rule, u64>,
}

/// `matrix --format summary`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Number of principals counted (every user and key).
    pub principals: usize,
    /// One entry per product, in declaration order.
    pub products: Vec<ProductSummary>,
}

/// Counts per (rule, product), split by access: [rule][product] for allow, then deny.
struct Counts {
    allow: Vec<u64>,
    deny: Vec<u64>,
}

impl Counts {
    fn new(products: usize) -> Counts {
        Counts {
            allow: vec![0; RULES * products],
            deny: vec![0; RULES * products],
        }
    }
    fn add(mut self, other: Counts) -> Counts {
        for (a, b) in self.allow.iter_mut().zip(other.allow) {
            *a += b;
        }
        for (a, b) in self.deny.iter_mut().zip(other.deny) {
            *a += b;
        }
        self
    }
}

/// Count every decision of every principal, per product and rule.
pub fn summary(model: &Model, compiled: &Compiled, progress: Progress<'_>) -> Summary {
    summary_of(model, compiled, &Selection::all(), progress)
}

/// The dense indices of the principals `sel` keeps, in principal order (every principal
/// when it selects none). Principals left out are never decided.
pub fn principal_list(model: &Model, compiled: &Compiled, sel: &Selection) -> Vec<usize> {
    let n = compiled.principals();
    if !sel.selects_principals() {
        return (0..n).collect();
    }
    (0..n)
        .into_par_iter()
        .filter(|&i| sel.principal(model, compiled.principal_at(i)))
        .collect()
}

/// [`summary`] of the principals and products `sel` keeps; `--rule` and `--only` keep only
/// the counts of matching decisions.
pub fn summary_of(model: &Model, compiled: &Compiled, sel: &Selection, progress: Progress<'_>) -> Summary {
    let list = principal_list(model, compiled, sel);
    let m = compiled.products;
    let counts = list
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut counts = Counts::new(m);
            let mut row = Row::new(compiled.words);
            for &i in chunk {
                compiled.row(i, &mut row);
                for r in 0..RULES {
                    let base = r * m;
                    for (w, &bits) in row.rules[r].iter().enumerate() {
                        let allow = bits & row.allow[w];
                        let deny = bits & !row.allow[w];
                        for_each_bit(allow, |b| counts.allow[base + w * 64 + b] += 1);
                        for_each_bit(deny, |b| counts.deny[base + w * 64 + b] += 1);
                    }
                }
            }
            progress(chunk.len());
            counts
        })
        .reduce(|| Counts::new(m), Counts::add);
    let products = (0..m)
        .filter(|&x| sel.product(ProductId(x as u32)))
        .map(|x| {
            let mut s = ProductSummary {
                product: model.products[x].name.clone(),
                allow: 0,
                deny: 0,
                allow_by_rule: BTreeMap::new(),
                deny_by_rule: BTreeMap::new(),
            };
            for (r, rule) in Rule::ALL.iter().enumerate() {
                let (mut a, mut d) = (counts.allow[r * m + x], counts.deny[r * m + x]);
                if !sel.decision(Access::Allow, *rule) {
                    a = 0;
                }
                if !sel.decision(Access::Deny, *rule) {
                    d = 0;
                }
                s.allow += a;
                s.deny += d;
                if a > 0 {
                    s.allow_by_rule.insert(*rule, a);
                }
                if d > 0 {
                    s.deny_by_rule.insert(*rule, d);
                }
            }
            s
        })
        .collect();
    Summary {
        principals: list.len(),
        products,
    }
}

#[inline]
fn for_each_bit(mut bits: u64, mut f: impl FnMut(usize)) {
    while bits != 0 {
        f(bits.trailing_zeros() as usize);
        bits &= bits - 1;
    }
}

/// Produce every principal's row in order, `CHUNK` principals at a time computed in
/// parallel; `emit` runs on the calling thread, in principal order, with each chunk's
/// formatted output. `format` turns one principal's row into bytes.
pub fn stream_rows<F, E>(compiled: &Compiled, format: F, emit: E, progress: Progress<'_>) -> std::io::Result<()>
where
    F: Fn(usize, &Row, &mut Vec<u8>) + Sync,
    E: FnMut(&[u8]) -> std::io::Result<()>,
{
    let all: Vec<usize> = (0..compiled.principals()).collect();
    stream_rows_of(compiled, &all, format, emit, progress)
}

/// [`stream_rows`] for the principals of `list` (dense indices), in its order.
pub fn stream_rows_of<F, E>(
    compiled: &Compiled,
    list: &[usize],
    format: F,
    mut emit: E,
    progress: Progress<'_>,
) -> std::io::Result<()>
where
    F: Fn(usize, &Row, &mut Vec<u8>) + Sync,
    E: FnMut(&[u8]) -> std::io::Result<()>,
{
    let n = list.len();
    let chunks = n.div_ceil(CHUNK);
    // a batch of chunks per parallel step bounds memory to a few chunks of output
    let batch = rayon::current_num_threads().max(1) * 2;
    let mut start = 0;
    while start < chunks {
        let end = (start + batch).min(chunks);
        let outputs: Vec<Vec<u8>> = (start..end)
            .into_par_iter()
            .map(|chunk| {
                let mut out = Vec::new();
                let mut row = Row::new(compiled.words);
                let hi = ((chunk + 1) * CHUNK).min(n);
                for &i in &list[chunk * CHUNK..hi] {
                    compiled.row(i, &mut row);
                    format(i, &row, &mut out);
                }
                progress(hi - chunk * CHUNK);
                out
            })
            .collect();
        for out in &outputs {
            emit(out)?;
        }
        start = end;
    }
    Ok(())
}

/// `who PRODUCT`: who may use it, and who may not, grouped by rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Who {
    /// Every principal that may use the product, in principal order (users, then keys), with
    /// the rule that allowed and the credited group (`Some` exactly for the `group-*` rules).
    pub allowed: Vec<(Principal, Rule, Option<GroupId>)>,
    /// Every principal that may not, by the rule that denied, each list in principal order,
    /// with the credited group (`Some` exactly for the `group-*` rules).
    pub denied: BTreeMap<Rule, Vec<(Principal, Option<GroupId>)>>,
}

/// One principal's decision on one product, by dense principal index.
type Decided = (usize, Access, Rule, Option<GroupId>);

/// Decide one product for every principal (`entitle who`).
pub fn who(compiled: &Compiled, product: ProductId) -> Who {
    let all: Vec<usize> = (0..compiled.principals()).collect();
    who_in(compiled, product, &all, &Selection::all())
}

/// [`who`] for the principals `sel` keeps (never deciding the others), keeping the
/// decisions that pass `--rule` and `--only`.
pub fn who_of(model: &Model, compiled: &Compiled, product: ProductId, sel: &Selection) -> Who {
    let list = principal_list(model, compiled, sel);
    who_in(compiled, product, &list, sel)
}

fn who_in(compiled: &Compiled, product: ProductId, list: &[usize], sel: &Selection) -> Who {
    let parts: Vec<Vec<Decided>> = list
        .par_chunks(CHUNK)
        .map(|chunk| {
            chunk
                .iter()
                .map(|&i| {
                    let (a, r, g) = compiled.decide(i, product.index());
                    (i, a, r, g)
                })
                .collect()
        })
        .collect();
    let mut w = Who {
        allowed: vec![],
        denied: BTreeMap::new(),
    };
    for (i, a, r, g) in parts.into_iter().flatten() {
        if !sel.decision(a, r) {
            continue;
        }
        let p = compiled.principal_at(i);
        match a {
            Access::Allow => w.allowed.push((p, r, g)),
            Access::Deny => w.denied.entry(r).or_default().push((p, g)),
        }
    }
    w
}

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

type RawChange = (u32, u32, Option<GroupId>, Option<GroupId>);

/// Compare two policies decision by decision. Principals and products are matched by name
/// (ignoring case); those in only one policy are listed, not compared.
pub fn diff(old: &Model, new: &Model, progress: Progress<'_>) -> Diff {
    diff_of(old, new, &Selection::all(), progress)
}

/// [`diff`] of the principals and products `sel` (resolved on `old`) keeps, skipping the
/// others before deciding. `--rule` keeps changes whose rule before or after is that rule;
/// `--only allow` keeps the gains (deny → allow), `--only deny` the losses.
pub fn diff_of(old: &Model, new: &Model, sel: &Selection, progress: Progress<'_>) -> Diff {
    let (co, cn) = rayon::join(|| Compiled::new(old), || Compiled::new(new));
    // product mapping old index → new index
    let pmap: Vec<Option<usize>> = old
        .products
        .iter()
        .map(|p| new.find_product(&p.name).map(|x| x.index()))
        .collect();
    let common: Vec<(usize, usize)> = pmap
        .iter()
        .enumerate()
        .filter(|&(x, _)| sel.product(ProductId(x as u32)))
        .filter_map(|(x, y)| y.map(|y| (x, y)))
        .collect();
    let list = principal_list(old, &co, sel);
    let keep = |a: Verdict, b: Verdict| -> bool {
        sel.rule.is_none_or(|r| a.rule == r || b.rule == r)
            && sel.only.is_none_or(|o| b.decision == o && a.decision != o)
    };
    // principal mapping old dense index → new dense index
    let map_principal = |i: usize| -> Option<usize> {
        new.find_principal(old.principal_name(co.principal_at(i)))
            .map(|q| cn.index_of(q))
    };
    let parts: Vec<BTreeMap<(Verdict, Verdict), Vec<RawChange>>> = list
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut local: BTreeMap<(Verdict, Verdict), Vec<RawChange>> = BTreeMap::new();
            let mut ro = Row::new(co.words);
            let mut rn = Row::new(cn.words);
            for &i in chunk {
                let Some(j) = map_principal(i) else { continue };
                co.row(i, &mut ro);
                cn.row(j, &mut rn);
                for &(x, y) in &common {
                    let (a, r) = ro.get(x);
                    let (b, s) = rn.get(y);
                    // a decision changes when its access or its rule does
                    let (va, vb) = (Verdict { decision: a, rule: r }, Verdict { decision: b, rule: s });
                    if (a, r) != (b, s) && keep(va, vb) {
                        let (_, _, g0) = co.decide(i, x);
                        let (_, _, g1) = cn.decide(j, y);
                        local.entry((va, vb)).or_default().push((i as u32, x as u32, g0, g1));
                    }
                }
            }
            progress(chunk.len());
            local
        })
        .collect();
    let mut merged: BTreeMap<(Verdict, Verdict), Vec<RawChange>> = BTreeMap::new();
    for part in parts {
        for (k, mut v) in part {
            merged.entry(k).or_default().append(&mut v);
        }
    }
    let mut causes: Vec<Cause> = merged
        .into_iter()
        .map(|((before, after), raw)| {
            let mut c = Cause {
                before,
                after,
                count: raw.len(),
                products: BTreeMap::new(),
                groups: BTreeMap::new(),
                changes: Vec::with_capacity(raw.len()),
            };
            for (i, x, g0, g1) in raw {
                let product = old.products[x as usize].name.clone();
                *c.products.entry(product.clone()).or_default() += 1;
                let gb = g0.map(|g| old.group(g).name.clone());
                let ga = g1.map(|g| new.group(g).name.clone());
                for g in gb.iter().chain(ga.iter().filter(|a| Some(*a) != gb.as_ref())) {
                    *c.groups.entry(g.clone()).or_default() += 1;
                }
                c.changes.push(Change {
                    principal: old.principal_name(co.principal_at(i as usize)).to_string(),
                    product,
                    group_before: gb,
                    group_after: ga,
                });
            }
            c
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
    let in_both = list.iter().filter(|&&i| map_principal(i).is_some()).count();
    Diff {
        compared: in_both as u64 * common.len() as u64,
        changed,
        revoked,
        granted,
        causes,
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
