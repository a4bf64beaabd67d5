//! The compiled evaluator against the explaining one (and `decide`): on every principal ×
//! product pair of a generated (or raw) policy, and again after every statement of a random
//! what-if sequence. Each execution also runs one of the deeper checks of the old `check_all`
//! target, chosen by the first byte: every capability of every principal, the fix search
//! (every suggested fix really yields its decision), lint and the file's expectations, the
//! simulator's summary and a diff with itself.
#![no_main]

use entitle::capability::{self, Capability};
use entitle::Policy;
use entitle_fuzz::policy_gen::{self, Options};
use entitle_fuzz::{assert_evaluators_agree, Bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&check, rest)) = data.split_first() else {
        return;
    };
    let Some((&mode, rest)) = rest.split_first() else {
        return;
    };
    let mut u = arbitrary::Unstructured::new(rest);
    let options = Options::default();
    let (text, names) = if mode % 4 == 0 {
        let text = String::from_utf8_lossy(rest).into_owned();
        (text, policy_gen::Names::default())
    } else {
        policy_gen::policy(&mut Bytes(&mut u), options)
    };
    let Ok(mut policy) = Policy::parse("fuzz.ent", &text) else {
        return;
    };
    assert_evaluators_agree(&policy);
    match check % 5 {
        0 => capabilities(&policy),
        1 => fixes(&policy),
        2 => tests_and_lint(&policy),
        3 => simulator(&policy),
        _ => {}
    }
    if mode % 4 == 0 {
        return;
    }
    for (i, stmt) in policy_gen::statements(&mut Bytes(&mut u), options, &names, 6)
        .iter()
        .enumerate()
    {
        if policy.apply(&format!("<what-if {i}>"), stmt).is_ok() {
            assert_evaluators_agree(&policy);
        }
    }
});

fn capabilities(policy: &Policy) {
    let m = policy.model();
    for p in m.principals() {
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
    }
}

fn fixes(policy: &Policy) {
    let m = policy.model();
    // fixes re-resolve the policy per candidate edit: a few pairs are enough
    for p in m.principals().take(2) {
        for x in m.product_ids().take(2) {
            let ex = entitle::eval::explain(m, p, x);
            let _ = entitle::render::decision_text(policy, p, x, &ex.decision);
            let blockers = entitle::explain::blockers(m, p, x);
            assert_eq!(blockers.is_empty(), ex.decision.access == entitle::Access::Allow);
            let search = entitle::explain::fix_search(policy.document(), m, p, x);
            for f in &search.fixes {
                assert_ne!(
                    f.access,
                    ex.decision.access,
                    "a fix that does not flip: {}",
                    f.statements()
                );
                let mut copy = policy.clone();
                copy.apply("<fix>", &f.statements()).expect("a fix applies");
                let d = copy.check(m.principal_name(p), &m.product(x).name).expect("check");
                assert_eq!(
                    d.access,
                    f.access,
                    "a fix that does not yield its decision: {}",
                    f.statements()
                );
            }
            let _ = entitle::render::explanation_text(policy, p, x, &ex, &blockers, &search, false);
        }
    }
}

fn tests_and_lint(policy: &Policy) {
    let _ = entitle::lint::lint(policy.document(), policy.model());
    let _ = entitle::testing::scenario_errors(policy);
    let outcome = entitle::testing::run_file(policy.sources(), policy.file());
    for f in &outcome.failures {
        let _ = f.to_diagnostic(policy.sources()).render(policy.sources(), false);
    }
}

fn simulator(policy: &Policy) {
    let m = policy.model();
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
