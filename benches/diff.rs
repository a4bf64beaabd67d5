//! `diff` of two 100k-user × 256-product policies: [`sim::diff`] between a generated policy
//! and a copy with one what-if applied ([`Policy::apply`]).
//!
//! `cargo bench --bench diff` →
//! - `diff/100k/identical`: the policy against itself (no changes; the cost of comparing);
//! - `diff/100k/set-default`: `set default <first country> deny` (the largest country, default
//!   allow: its default-access and include-country allows become denials);
//! - `diff/100k/convert`: `convert <legacy group>`, the legacy group with an `exception allow`
//!   and the most members (its members lose everything outside the new Allowed Applications).
//!
//! The number of changed decisions of each is printed once before timing.

mod common;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use entitle::model::GroupMode;
use entitle::{sim, Access, Policy};
use std::time::Duration;

/// The legacy group with an `exception allow` that has the most members.
fn busiest_legacy_group(policy: &Policy) -> String {
    let m = policy.model();
    let mut members = vec![0usize; m.groups.len()];
    for p in m.principals() {
        for (g, _) in m.principal_groups(p) {
            members[g.index()] += 1;
        }
    }
    m.groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.mode() == GroupMode::Legacy && g.exceptions.iter().any(|e| e.1 == Access::Allow))
        .max_by_key(|&(i, _)| (members[i], std::cmp::Reverse(i)))
        .map(|(_, g)| g.name.clone())
        .expect("the generator makes legacy groups")
}

fn diff(c: &mut Criterion) {
    let (_, a) = common::load(100_000);
    let country = a.model().countries[0].name.clone();
    let legacy = busiest_legacy_group(&a);
    let what_ifs = [
        ("identical", String::new()),
        ("set-default", format!("set default {country} deny")),
        ("convert", format!("convert {legacy}")),
    ];
    let mut group = c.benchmark_group("diff/100k");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(12));
    for (name, statement) in &what_ifs {
        let mut b = a.clone();
        if !statement.is_empty() {
            b.apply("<what-if>", statement)
                .unwrap_or_else(|e| panic!("`{statement}`:\n{}", e.render(false)));
        }
        let d = sim::diff(a.model(), b.model(), &|_| {});
        eprintln!(
            "diff/100k/{name} `{statement}`: {} decisions compared, {} changed ({} revoked, {} granted), {} causes",
            d.compared,
            d.changed,
            d.revoked,
            d.granted,
            d.causes.len()
        );
        group.bench_function(*name, |bench| bench.iter(|| sim::diff(a.model(), b.model(), &|_| {})));
        // what `simulate` runs: the lists cut at the default limit, the counts exact
        let all = entitle::filter::Selection::all();
        group.bench_function(format!("{name}/capped"), |bench| {
            bench.iter(|| sim::compare(&[a.model(), b.model()], &all, 20, &|_| {}))
        });
        // what the REPL runs after every edit: the counts alone
        group.bench_function(format!("{name}/count"), |bench| {
            bench.iter(|| sim::count(a.model(), b.model()))
        });
    }
    group.finish();
}

criterion_group!(benches, diff);
criterion_main!(benches);
