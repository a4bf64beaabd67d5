//! Time each stage of the pipeline on a policy file:
//! `cargo run --release --example phases -- FILE`.

use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: phases FILE");
    let t = Instant::now();
    let text = std::fs::read_to_string(&path).expect("read");
    let read = t.elapsed();
    let mut sources = entitle::Sources::new();
    let file = sources.add(path.clone(), text);
    let t = Instant::now();
    let (doc, errors) = entitle::syntax::parse(&sources, file);
    let parse = t.elapsed();
    assert!(errors.is_empty());
    let t = Instant::now();
    let (model, errors) = entitle::resolve::resolve(&doc);
    let resolve = t.elapsed();
    assert!(errors.is_empty());
    let t = Instant::now();
    let compiled = entitle::compile::Compiled::new(&model);
    let compile = t.elapsed();
    let t = Instant::now();
    let summary = entitle::sim::summary(&model, &compiled, &|_| {});
    let sum = t.elapsed();
    let decisions = summary.principals as f64 * model.products.len() as f64;
    println!("pest     {:>10.2?}", pest_only(&sources.get(file).text));
    println!("read     {read:>10.2?}");
    println!(
        "parse    {parse:>10.2?}  ({:.1} MB/s)",
        sources.get(file).text.len() as f64 / 1e6 / parse.as_secs_f64()
    );
    println!("resolve  {resolve:>10.2?}");
    println!("compile  {compile:>10.2?}");
    println!(
        "summary  {sum:>10.2?}  ({:.0} M decisions/s)",
        decisions / 1e6 / sum.as_secs_f64()
    );
}

#[allow(dead_code)]
fn pest_only(text: &str) -> std::time::Duration {
    use pest::Parser;
    let t = Instant::now();
    let pairs = entitle::syntax::Grammar::parse(entitle::syntax::Rule::file, text).unwrap();
    std::hint::black_box(pairs);
    t.elapsed()
}
