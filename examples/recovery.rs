//! Error recovery cost: parse a generated 6 MB policy, then the same policy with 100 syntax
//! errors spread through it (a bad statement inside a block, a block left unclosed, a stray
//! word at top level), and print the best of five runs of each:
//! `cargo run --release --example recovery`.

use std::time::{Duration, Instant};

fn best_of(text: &str) -> (Duration, usize, usize) {
    let mut sources = entitle::Sources::new();
    let file = sources.add("recovery.ent", text);
    let mut best = Duration::MAX;
    let mut counts = (0, 0);
    for _ in 0..5 {
        let t = Instant::now();
        let (doc, errors) = entitle::syntax::parse(&sources, file);
        best = best.min(t.elapsed());
        counts = (doc.items.len(), errors.len());
    }
    (best, counts.0, counts.1)
}

fn main() {
    let config = entitle::gen::GenConfig {
        users: 60_000,
        products: 256,
        groups: 120,
        seed: 1,
    };
    let clean = entitle::gen::generate_string(&config);
    // 100 user blocks, evenly spread, each broken one of three ways
    let starts: Vec<usize> = clean.match_indices("\nuser ").map(|(i, _)| i + 1).collect();
    let step = starts.len() / 100;
    let mut broken = String::with_capacity(clean.len() + 4096);
    let mut last = 0;
    for (n, &s) in starts.iter().step_by(step).take(100).enumerate() {
        let line_end = s + clean[s..].find('\n').expect("a line");
        broken.push_str(&clean[last..=line_end]);
        last = line_end + 1;
        match n % 3 {
            0 => broken.push_str("  oops this is not a statement\n"),
            1 => {
                // drop the block's closing brace
                let close = last + clean[last..].find("\n}\n").expect("a block end");
                broken.push_str(&clean[last..=close]);
                last = close + 3;
            }
            _ => broken.push_str("  country US {\n"),
        }
    }
    broken.push_str(&clean[last..]);
    let (t0, items0, errors0) = best_of(&clean);
    let (t1, items1, errors1) = best_of(&broken);
    println!(
        "without errors: {:.1} MB, {items0} items, {errors0} errors: {t0:.2?}",
        clean.len() as f64 / 1e6
    );
    println!(
        "with errors:    {:.1} MB, {items1} items, {errors1} errors: {t1:.2?}",
        broken.len() as f64 / 1e6
    );
    println!("ratio: {:.2}", t1.as_secs_f64() / t0.as_secs_f64());
}
