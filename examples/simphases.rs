//! Time each stage of `simulate` on a policy file:
//! `cargo run --release --example simphases -- FILE 'STATEMENT'`.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: simphases FILE STATEMENT");
    let stmt = args.next().expect("usage: simphases FILE STATEMENT");
    let t = Instant::now();
    let mut policy = entitle::Policy::from_path(path.as_ref()).expect("loads");
    println!("load      {:>10.2?}", t.elapsed());
    let t = Instant::now();
    let before = policy.apply_stages("what-if", &stmt).expect("applies");
    println!("apply     {:>10.2?}", t.elapsed());
    let models = [&before[0], policy.model()];
    let sel = entitle::filter::Selection::all();
    let t = Instant::now();
    let cmp = entitle::sim::compare(&models, &sel, 20, &|_| {});
    println!("compare   {:>10.2?}  ({} changes)", t.elapsed(), cmp.diff.changed);
    let t = Instant::now();
    let imp = entitle::impact::impact(&cmp, models[0], models[1], &sel, false);
    println!(
        "impact    {:>10.2?}  ({} principals)",
        t.elapsed(),
        imp.principals_changed
    );
}
