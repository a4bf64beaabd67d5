//! What-if statements applied to random policies: `Policy::apply` is all or nothing, never
//! panics, and after every successful statement the document and the model agree (the
//! canonical text of the edited declarations loads to an equal model with equal decisions). The
//! evaluators after each statement are compared by `differential`.
#![no_main]

use entitle::Policy;
use entitle_fuzz::policy_gen::{self, Options};
use entitle_fuzz::{decisions, declarations_text, fingerprint, Bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let options = Options {
        mistakes: 1,
        ..Options::default()
    };
    let (text, names) = policy_gen::policy(&mut Bytes(&mut u), options);
    let Ok(mut policy) = Policy::parse("fuzz.ent", &text) else {
        return;
    };
    let mut statements = policy_gen::statements(&mut Bytes(&mut u), options, &names, 6);
    // and, sometimes, raw text as a statement
    if let Ok(raw) = u.arbitrary::<String>() {
        if !raw.is_empty() {
            statements.push(raw);
        }
    }
    for (i, stmt) in statements.iter().enumerate() {
        let before = (
            fingerprint(policy.model()),
            format!("{:?}", policy.document().items.len()),
        );
        let name = format!("<what-if {i}>");
        match policy.apply(&name, stmt) {
            Ok(()) => {
                let text = declarations_text(policy.document());
                let reloaded = Policy::parse("reloaded.ent", &text)
                    .unwrap_or_else(|e| panic!("`{stmt}` left a document that does not load:\n{e}\n{text}"));
                assert_eq!(
                    fingerprint(reloaded.model()),
                    fingerprint(policy.model()),
                    "`{stmt}`: model and document disagree\n{text}"
                );
                assert_eq!(
                    decisions(&reloaded),
                    decisions(&policy),
                    "`{stmt}`: decisions differ after reload"
                );
            }
            Err(e) => {
                assert!(!e.diagnostics.is_empty());
                let _ = e.render(false);
                let after = (
                    fingerprint(policy.model()),
                    format!("{:?}", policy.document().items.len()),
                );
                assert_eq!(before, after, "a failed `{stmt}` changed the policy");
            }
        }
    }
});
