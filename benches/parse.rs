//! Parse + resolve throughput: `Policy::parse` on generated policy text.
//!
//! `cargo bench --bench parse` → `parse_resolve/1k`, `parse_resolve/10k`, `parse_resolve/100k`
//! (MB/s, decimal). The 10k-user text (1.05 MB) is just under the size at which the parser
//! splits a file into chunks parsed in parallel; the 100k-user text (10.7 MB) is above it.

mod common;

use criterion::{black_box, criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use entitle::Policy;
use std::time::Duration;

fn parse_resolve(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_resolve");
    for (users, name) in [(1_000, "1k"), (10_000, "10k"), (100_000, "100k")] {
        let (text, _) = common::load(users);
        group.throughput(Throughput::BytesDecimal(text.len() as u64));
        if users >= 100_000 {
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(10)
                .measurement_time(Duration::from_secs(10));
        } else if users >= 10_000 {
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(20)
                .measurement_time(Duration::from_secs(8));
        } else {
            group
                .sampling_mode(SamplingMode::Auto)
                .sample_size(30)
                .measurement_time(Duration::from_secs(5));
        }
        group.bench_function(name, |b| {
            b.iter(|| Policy::parse("bench.ent", black_box(&text)).expect("loads"))
        });
    }
    group.finish();
}

criterion_group!(benches, parse_resolve);
criterion_main!(benches);
