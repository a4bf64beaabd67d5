//! The lazy paths against the plain ones: a text (raw, or a generated policy with mistakes)
//! parses to the same document and the same errors with the fast path for plain `user`
//! declarations (`syntax::parse`) as with pest alone (`syntax::parse_reference`); and a
//! document that parses resolves to the same model and diagnostics when the resolver frees it
//! as it goes (`resolve::resolve_consuming`, the first load of a question answered from the
//! model) as when it keeps it (`resolve::resolve`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((sources, file)) = entitle_fuzz::policy_source(data, 3) else {
        return;
    };
    let (doc, errors) = entitle::syntax::parse(&sources, file);
    let (reference, reference_errors) = entitle::syntax::parse_reference(&sources, file);
    assert_eq!(doc, reference, "the fast path built another document");
    assert_eq!(
        format!("{errors:?}"),
        format!("{reference_errors:?}"),
        "the fast path changed the errors"
    );
    if !errors.is_empty() {
        return;
    }
    let (model, diagnostics) = entitle::resolve::resolve(&doc);
    let (lean, lean_diagnostics) = entitle::resolve::resolve_consuming(doc);
    assert_eq!(format!("{diagnostics:?}"), format!("{lean_diagnostics:?}"));
    assert_eq!(format!("{:?}", model.users), format!("{:?}", lean.users));
    assert_eq!(format!("{:?}", model.keys), format!("{:?}", lean.keys));
});
