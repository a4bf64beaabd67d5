//! The language server's diagnostics after an edit, on the policy `entitle gen --users 20000`
//! writes (64 products, 40 groups, seed 1) with a few `expect` lines appended, so that every
//! stage runs: parse, resolve, lint and the expectations.
//!
//! `cargo bench --bench lsp` → `lsp/analyze` ([`entitle::analysis::analyze`] of the edited
//! text: what a change costs before its diagnostics can be published) and `lsp/change`
//! (the server's own path for a full-document change: the new text set on the open document,
//! analysed, and the diagnostics converted to the protocol's). The edit inserts a comment line
//! in the middle of the file, which keeps the policy valid, so nothing is skipped. Issue 17's
//! goal: under 0.5 s. The figure is in docs/editors.md.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use entitle::gen::{generate_string, GenConfig};
use entitle::lsp::analysis::Doc;
use std::str::FromStr;
use std::time::Duration;

/// The text `entitle gen --users 20000` prints, with an expectation per product of the first
/// users, and the same text edited (a comment line inserted half-way).
fn texts() -> (String, String) {
    let cfg = GenConfig {
        users: 20_000,
        products: 64,
        groups: 40,
        seed: 1,
    };
    let mut text = generate_string(&cfg);
    let users: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("user "))
        .filter_map(|l| l.split_whitespace().next())
        .take(5)
        .collect();
    let products: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("product "))
        .filter_map(|l| l.split_whitespace().next())
        .take(5)
        .collect();
    assert!(
        !users.is_empty() && !products.is_empty(),
        "the generator's output changed shape"
    );
    let mut expects = String::new();
    for u in &users {
        for p in &products {
            expects.push_str(&format!("expect {u} {p} allow\n"));
        }
    }
    text.push_str(&expects);
    let middle = text[..text.len() / 2].rfind('\n').map_or(0, |i| i + 1);
    let mut edited = text.clone();
    edited.insert_str(middle, "# an edit\n");
    (text, edited)
}

fn lsp(c: &mut Criterion) {
    let (text, edited) = texts();
    let a = entitle::analysis::analyze("bench.ent", &edited);
    assert!(a.valid, "the benchmark policy has errors: {:?}", &a.diagnostics[..1]);
    assert_eq!(a.cases.len(), 25);

    let mut g = c.benchmark_group("lsp");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("analyze", |b| {
        b.iter(|| black_box(entitle::analysis::analyze("bench.ent", black_box(&edited))))
    });
    let uri = lsp_types::Uri::from_str("file:///bench.ent").unwrap();
    let mut doc = Doc::new(uri, 1, text.clone());
    doc.analysed();
    let mut version = 1;
    g.bench_function("change", |b| {
        b.iter(|| {
            version += 1;
            let next = if version % 2 == 0 { &edited } else { &text };
            doc.set_text(version, next.clone());
            let a = doc.analysed();
            black_box(entitle::lsp::diagnostics::publish(&doc, &a))
        })
    });
    g.finish();
}

criterion_group!(benches, lsp);
criterion_main!(benches);
