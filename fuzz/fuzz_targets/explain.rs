//! The answers built on the evaluator, one check per execution chosen by the first byte (the
//! old `check_all` target's, split from `differential` so that each stays one stage): every
//! capability of every principal (described and as JSON), the fix search (every suggested fix
//! flips the decision and really yields it when applied), lint and the file's expectations,
//! the simulator's summary, `who` and a diff with itself — on a raw policy, or on a generated
//! one after a random what-if sequence (so edited policies are explained too).
#![no_main]

use entitle::capability::{self, Capability};
use entitle::Policy;
use entitle_fuzz::policy_gen::{self, Options};
use entitle_fuzz::Bytes;
use libfuzzer_sys::fuzz_target;

entitle_fuzz::compare_without_hook!();

fuzz_target!(|data: &[u8]| {
    let Some((&check, rest)) = data.split_first() else {
        return;
    };
    let Some((&mode, rest)) = rest.split_first() else {
        return;
    };
    let mut u = arbitrary::Unstructured::new(rest);
    let options = Options::default();
    let (text, names) = entitle_fuzz::policy_and_names(mode, rest, &mut u, options);
    let Ok(mut policy) = Policy::parse("fuzz.ent", &text) else {
        return;
    };
    if mode % 4 != 0 {
        for (i, stmt) in policy_gen::statements(&mut Bytes(&mut u), options, &names, 6)
            .iter()
            .enumerate()
        {
            let _ = policy.apply(&format!("<what-if {i}>"), stmt);
        }
    }
    match check % 4 {
        0 => capabilities(&policy),
        1 => fixes(&policy, u.arbitrary().unwrap_or(0)),
        2 => tests_and_lint(&policy),
        _ => simulator(&policy),
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

/// The fix search for one pair (`pick` chooses it): it resolves the policy again for every
/// candidate edit, and each fix found is applied to a copy of the policy to check it.
fn fixes(policy: &Policy, pick: u16) {
    let m = policy.model();
    let (n, products) = (m.users.len() + m.keys.len(), m.products.len());
    if n == 0 || products == 0 {
        return;
    }
    let pick = usize::from(pick);
    let p = m.principals().nth(pick % n).expect("a principal");
    let x = m.product_ids().nth(pick / n % products).expect("a product");
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
