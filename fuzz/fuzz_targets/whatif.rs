//! What-if statements applied to random policies: `Policy::apply` is all or nothing (a failed
//! statement leaves the document and the model exactly as they were), never panics, and the
//! edits are faithful to the text: after the last statement, the canonical text of the edited
//! declarations loads to the model `apply` keeps, with equal decisions. The evaluators after
//! each statement are compared by `differential`.
#![no_main]

use entitle::Policy;
use entitle_fuzz::policy_gen::{self, Options};
use entitle_fuzz::{decisions, declarations_text, fingerprint, Bytes};
use libfuzzer_sys::fuzz_target;

entitle_fuzz::compare_without_hook!();

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
    let mut applied = None;
    for (i, stmt) in statements.iter().enumerate() {
        // the policy before the statement (a copy shares the document's items and the model)
        let before = policy.clone();
        let name = format!("<what-if {i}>");
        match policy.apply(&name, stmt) {
            // (the model `apply` keeps is the one it resolves from the edited document, so
            // resolving the document again here would only compare the resolver with itself:
            // the document is checked against the model by loading its text, below)
            Ok(()) => applied = Some(stmt),
            Err(e) => {
                assert!(!e.diagnostics.is_empty());
                let _ = e.render(false);
                assert!(
                    before.document() == policy.document(),
                    "a failed `{stmt}` changed the document"
                );
                assert!(
                    std::ptr::eq(before.model(), policy.model()) || before.model() == policy.model(),
                    "a failed `{stmt}` changed the model"
                );
            }
        }
    }
    // and the text of the edited declarations loads to the same model (once, after the last
    // statement: parsing is most of the cost of an execution)
    if let Some(stmt) = applied {
        let text = declarations_text(policy.document());
        let reloaded = Policy::parse("reloaded.ent", &text)
            .unwrap_or_else(|e| panic!("`{stmt}` left a document that does not load:\n{e}\n{text}"));
        assert_eq!(
            fingerprint(reloaded.model()),
            fingerprint(policy.model()),
            "after `{stmt}`: model and text disagree\n{text}"
        );
        assert_eq!(
            decisions(&reloaded),
            decisions(&policy),
            "after `{stmt}`: decisions differ after reload"
        );
    }
});
