//! The lazy paths against the plain ones: a text (raw, or a generated policy with mistakes)
//! parses to the same document and the same errors with the fast path for plain `user`
//! declarations (`syntax::parse`) as with pest alone (`syntax::parse_reference`); and a
//! lean parse (`syntax::parse_lean`, the first load of a question answered from the model:
//! plain users kept as text and built as they are resolved) gives the same errors, and
//! resolves (`resolve::resolve_lean`) to the same model and diagnostics as the whole document
//! (`resolve::resolve`).
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
    let (lean_doc, lean_users, lean_errors) = entitle::syntax::parse_lean(&sources, file);
    assert_eq!(
        format!("{errors:?}"),
        format!("{lean_errors:?}"),
        "the lean parse changed the errors"
    );
    let (model, diagnostics) = entitle::resolve::resolve(&doc);
    let (lean, lean_diagnostics) = entitle::resolve::resolve_lean(&lean_doc, &lean_users);
    assert_eq!(format!("{diagnostics:?}"), format!("{lean_diagnostics:?}"));
    assert_eq!(format!("{:?}", model.users), format!("{:?}", lean.users));
    assert_eq!(format!("{:?}", model.keys), format!("{:?}", lean.keys));
    assert_eq!(format!("{:?}", model.groups), format!("{:?}", lean.groups));
    for u in &model.users {
        assert_eq!(model.find_user(&u.email), lean.find_user(&u.email));
    }
});
