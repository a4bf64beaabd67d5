//! The compiled evaluator against the explaining one (and `decide`): on every principal ×
//! product pair of a generated (or raw) policy, and again after every statement of a random
//! what-if sequence. (The answers built on them — capabilities, the fix search, lint, the
//! simulator — are checked by `explain`.)
#![no_main]

use entitle::Policy;
use entitle_fuzz::policy_gen::{self, Options};
use entitle_fuzz::{assert_evaluators_agree, Bytes};
use libfuzzer_sys::fuzz_target;

entitle_fuzz::compare_without_hook!();

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut u = arbitrary::Unstructured::new(rest);
    let options = Options::default();
    let (text, names) = entitle_fuzz::policy_and_names(mode, rest, &mut u, options);
    let Ok(mut policy) = Policy::parse("fuzz.ent", &text) else {
        return;
    };
    assert_evaluators_agree(&policy);
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
