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

mod diff;
pub use diff::{
    compare, count, diff, diff_of, shape, step_shape, Cause, Change, Comparison, Diff, GroupModeChange, PrincipalDelta,
    StepDelta, Verdict,
};
