//! Lexing and parsing alone: any bytes (as text) parse to a document and syntax errors without
//! panicking, every error points inside the text, and a text that parses has no error at all.
#![no_main]

use libfuzzer_sys::fuzz_target;

entitle_fuzz::compare_without_hook!();

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut sources = entitle::Sources::new();
    let file = sources.add("fuzz.ent", text.as_ref());
    let (doc, errors) = entitle::syntax::parse(&sources, file);
    for e in &errors {
        for label in &e.labels {
            assert!(label.span.end as usize <= text.len() + 1, "a label past the end: {e:?}");
        }
    }
    for item in &doc.items {
        assert!(item.span.start <= item.span.end && item.span.end as usize <= text.len());
    }
});
