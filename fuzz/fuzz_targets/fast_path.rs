//! The lazy paths against the plain ones, one comparison per execution (the first byte's
//! third bit chooses; its two low bits choose raw text or a generated policy with mistakes):
//! a text parses to the same document and the same errors with the fast path for plain `user`
//! declarations (`syntax::parse`) as with pest alone (`syntax::parse_reference`); or a lean
//! parse (`syntax::parse_lean`, the first load of a question answered from the model: plain
//! users kept as text and built as they are resolved) gives the same errors as the full parse
//! and resolves (`resolve::resolve_lean`) to the same model and diagnostics as the whole
//! document (`resolve::resolve`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((sources, file)) = entitle_fuzz::policy_source(data, 3) else {
        return;
    };
    let (doc, errors) = entitle::syntax::parse(&sources, file);
    if data[0] & 4 != 0 {
        if let Some(difference) = entitle::testing::lean_difference(&sources, file, &doc, &errors) {
            panic!("{difference}");
        }
        return;
    }
    let (reference, reference_errors) = entitle::syntax::parse_reference(&sources, file);
    assert_eq!(doc, reference, "the fast path built another document");
    assert_eq!(
        format!("{errors:?}"),
        format!("{reference_errors:?}"),
        "the fast path changed the errors"
    );
});
