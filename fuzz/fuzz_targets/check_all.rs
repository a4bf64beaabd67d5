//! A generated (or, for short inputs, raw) policy: when it loads, every principal × product
//! pair is decided by every evaluator alike, explained, asked every capability, linted, its
//! expectations run, its simulator summaries built and its diff with itself empty.
#![no_main]

use entitle::capability::{self, Capability};
use entitle::Policy;
use entitle_fuzz::policy_gen::{self, Options};
use entitle_fuzz::Bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // the first byte chooses: a generated policy, or the bytes as text
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = if mode % 4 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let mut u = arbitrary::Unstructured::new(rest);
        policy_gen::policy(&mut Bytes(&mut u), Options::default()).0
    };
    let Ok(policy) = Policy::parse("fuzz.ent", &text) else {
        return;
    };
    check(&policy);
});

fn check(policy: &Policy) {
    let m = policy.model();
    entitle_fuzz::assert_evaluators_agree(policy);
    for (n, p) in m.principals().enumerate() {
        for cap in Capability::ALL {
            let products: Vec<Option<entitle::model::ProductId>> = if cap.takes_product() {
                m.product_ids().map(Some).collect()
            } else {
                vec![None]
            };
            for x in products {
                let answer = capability::can(m, p, cap, x);
                let _ = answer.describe(m);
                let _ = serde_json::to_string(&answer.to_json(m, policy.sources())).expect("can JSON");
            }
        }
        for x in m.product_ids() {
            let ex = entitle::eval::explain(m, p, x);
            let _ = entitle::cli::decision_text(policy, p, x, &ex.decision);
            // fixes re-resolve the policy per candidate edit: a few pairs are enough
            if n < 3 && x.index() < 3 {
                let blockers = entitle::explain::blockers(m, p, x);
                assert_eq!(blockers.is_empty(), ex.decision.access == entitle::Access::Allow);
                let search = entitle::explain::fix_search(policy.document(), m, p, x);
                for f in &search.fixes {
                    assert_ne!(f.access, ex.decision.access, "a fix that does not flip: {}", f.statements());
                    let mut copy = policy.clone();
                    copy.apply("<fix>", &f.statements()).expect("a fix applies");
                    let d = copy.check(m.principal_name(p), &m.product(x).name).expect("check");
                    assert_eq!(d.access, f.access, "a fix that does not yield its decision: {}", f.statements());
                }
                let _ = entitle::cli::explanation_text(policy, p, x, &ex, &blockers, &search, false);
            }
        }
    }
    let _ = entitle::lint::lint(policy.document(), m);
    let _ = entitle::testing::scenario_errors(policy);
    let outcome = entitle::testing::run_file(policy.sources(), policy.file());
    for f in &outcome.failures {
        let _ = f.to_diagnostic(policy.sources()).render(policy.sources(), false);
    }
    let compiled = entitle::compile::Compiled::new(m);
    let summary = entitle::sim::summary(m, &compiled, &|_| {});
    assert_eq!(summary.principals, m.users.len() + m.keys.len());
    for x in m.product_ids() {
        let _ = entitle::sim::who(&compiled, x);
    }
    let diff = entitle::sim::diff(m, m, &|_| {});
    assert!(diff.is_empty(), "a policy differs from itself: {diff:?}");
    let _ = serde_json::to_string(&summary).expect("summary JSON");
}
