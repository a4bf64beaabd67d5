//! Resolution alone: a text that parses (raw, or a generated policy with mistakes) resolves
//! without panicking; a model without errors names every principal and product once, and its
//! errors all have a place in the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

entitle_fuzz::compare_without_hook!();

fuzz_target!(|data: &[u8]| {
    let Some((sources, file)) = entitle_fuzz::policy_source(data, 5) else {
        return;
    };
    let text = &sources.get(file).text;
    let (doc, errors) = entitle::syntax::parse(&sources, file);
    if !errors.is_empty() {
        return;
    }
    let (model, diagnostics) = entitle::resolve::resolve(&doc);
    for d in &diagnostics {
        for label in &d.labels {
            assert!(label.span.end as usize <= text.len() + 1, "a label past the end: {d:?}");
        }
    }
    if !diagnostics.iter().any(entitle::Diagnostic::is_error) {
        let mut seen = std::collections::HashSet::new();
        for p in model.principals() {
            assert!(seen.insert(model.principal_name(p).to_string()), "a principal twice");
        }
        let mut products = std::collections::HashSet::new();
        for x in model.product_ids() {
            assert!(products.insert(model.product(x).name.clone()), "a product twice");
        }
    }
});
