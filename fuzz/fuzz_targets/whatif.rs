//! What-if statements applied to random policies: `Policy::apply` is all or nothing, never
//! panics, and after every successful statement the document and the model agree (the edited
//! document resolves to an equal model with equal decisions; after the last statement, the
//! canonical text of the edited declarations loads to it too). The
//! evaluators after each statement are compared by `differential`.
#![no_main]

use entitle::Policy;
use entitle_fuzz::policy_gen::{self, Options};
use entitle_fuzz::{decisions, declarations_text, fingerprint, model_decisions, Bytes};
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
    let mut applied = None;
    // the model before each statement: the policy's (copied once), then the one each successful
    // statement's check resolves from the document (equal to the policy's)
    let mut model_before = policy.model().clone();
    for (i, stmt) in statements.iter().enumerate() {
        // (a copy: cheaper than rendering it, which only a failed statement needs)
        let document_before = policy.document().clone();
        let name = format!("<what-if {i}>");
        match policy.apply(&name, stmt) {
            Ok(()) => {
                // the edited document resolves to the model `apply` keeps
                let (model, diagnostics) =
                    entitle::resolve::resolve(&entitle::whatif::declarations_only(policy.document()));
                assert!(
                    !diagnostics.iter().any(entitle::Diagnostic::is_error),
                    "`{stmt}` left a document that does not resolve: {diagnostics:?}"
                );
                // (equal with their spans, the common case, without rendering either; else
                // equal spans aside)
                if model != *policy.model() {
                    assert_eq!(
                        fingerprint(&model),
                        fingerprint(policy.model()),
                        "`{stmt}`: model and document disagree"
                    );
                }
                assert_eq!(
                    model_decisions(&model),
                    decisions(&policy),
                    "`{stmt}`: decisions differ after resolving the document again"
                );
                model_before = model;
                applied = Some(stmt);
            }
            Err(e) => {
                assert!(!e.diagnostics.is_empty());
                let _ = e.render(false);
                assert!(
                    document_before == *policy.document(),
                    "a failed `{stmt}` changed the document"
                );
                if model_before != *policy.model() {
                    assert_eq!(
                        fingerprint(&model_before),
                        fingerprint(policy.model()),
                        "a failed `{stmt}` changed the model"
                    );
                }
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
