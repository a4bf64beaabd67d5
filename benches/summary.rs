//! `matrix --format summary` throughput: [`sim::summary`] on a compiled policy, in decisions
//! (principals × products) per second, at 1k, 100k and 1M users × 256 products; and the
//! compile step it needs (`compile/*`).
//!
//! `cargo bench --bench summary`. The 1M-user policy is generated and loaded once (about
//! 15 s and a few GB before any timing starts). Skip it with `ENTITLE_BENCH_SKIP_1M=1`.

mod common;

use criterion::{black_box, criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use entitle::compile::Compiled;
use entitle::sim;
use std::time::Duration;

fn summary(c: &mut Criterion) {
    let mut sizes = vec![(1_000, "1k"), (100_000, "100k")];
    if std::env::var_os("ENTITLE_BENCH_SKIP_1M").is_none() {
        sizes.push((1_000_000, "1M"));
    }
    for (users, name) in sizes {
        let (text, policy) = common::load(users);
        drop(text);
        let model = policy.model();
        let compiled = Compiled::new(model);
        // every principal (users and the generator's keys) × every product
        let decisions = (compiled.principals() * compiled.products) as u64;

        let mut group = c.benchmark_group("summary");
        group.throughput(Throughput::Elements(decisions));
        if users >= 1_000_000 {
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(10)
                .measurement_time(Duration::from_secs(10));
        } else if users >= 100_000 {
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(20)
                .measurement_time(Duration::from_secs(6));
        } else {
            group.measurement_time(Duration::from_secs(4));
        }
        group.bench_function(name, |b| b.iter(|| sim::summary(model, &compiled, &|_| {})));
        group.finish();

        let mut group = c.benchmark_group("compile");
        group.throughput(Throughput::Elements(compiled.principals() as u64));
        if users >= 100_000 {
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(10)
                .measurement_time(Duration::from_secs(5));
        } else {
            group.measurement_time(Duration::from_secs(3));
        }
        group.bench_function(name, |b| b.iter(|| Compiled::new(black_box(model))));
        group.finish();
    }
}

criterion_group!(benches, summary);
criterion_main!(benches);
