//! Single-decision latency on a 100k-user × 256-product policy.
//!
//! `cargo bench --bench check` → `check/compiled` ([`Compiled::decide`] by dense indices),
//! `check/decide` ([`eval::decide`], the reference evaluator without a trace) and
//! `check/explain` ([`eval::explain`], with every step). Each iteration takes the next of
//! 4096 random (principal, product) pairs chosen before timing starts, so the figure is an
//! average over principals, products and rules rather than one hot cache line.

mod common;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use entitle::compile::Compiled;
use entitle::eval;
use entitle::model::ProductId;
use std::time::Duration;

const PAIRS: usize = 4096;

/// SplitMix64, so the pairs are the same on every run.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn check(c: &mut Criterion) {
    let (_, policy) = common::load(100_000);
    let model = policy.model();
    let compiled = Compiled::new(model);
    let (n, m) = (compiled.principals() as u64, compiled.products as u64);
    let mut seed = 42;
    let pairs: Vec<(usize, usize)> = (0..PAIRS)
        .map(|_| ((splitmix(&mut seed) % n) as usize, (splitmix(&mut seed) % m) as usize))
        .collect();
    let model_pairs: Vec<_> = pairs
        .iter()
        .map(|&(i, x)| (compiled.principal_at(i), ProductId(x as u32)))
        .collect();

    let mut group = c.benchmark_group("check");
    group
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    group.bench_function("compiled", |b| {
        let mut k = 0;
        b.iter(|| {
            let (i, x) = pairs[k % PAIRS];
            k += 1;
            compiled.decide(black_box(i), black_box(x))
        })
    });
    group.bench_function("decide", |b| {
        let mut k = 0;
        b.iter(|| {
            let (p, x) = model_pairs[k % PAIRS];
            k += 1;
            eval::decide(model, black_box(p), black_box(x))
        })
    });
    group.bench_function("explain", |b| {
        let mut k = 0;
        b.iter(|| {
            let (p, x) = model_pairs[k % PAIRS];
            k += 1;
            eval::explain(model, black_box(p), black_box(x))
        })
    });
    group.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);
