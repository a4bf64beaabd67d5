//! Any text: parsing (as a file and as REPL statements), resolving and rendering every
//! diagnostic (plain, coloured, JSON) must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut sources = entitle::Sources::new();
    let file = sources.add("fuzz.ent", text.as_ref());
    let (doc, errors) = entitle::syntax::parse(&sources, file);
    let (_, statement_errors) = entitle::syntax::parse_statements(&sources, file);
    // a file and a run of statements are the same language
    assert_eq!(
        errors.is_empty(),
        statement_errors.is_empty(),
        "file and statement parses disagree"
    );
    if errors.is_empty() {
        let _ = entitle::fmt::format_document(&doc);
    }
    match entitle::Policy::load(sources, file) {
        Ok(policy) => {
            let _ = entitle::lint::lint(policy.document(), policy.model());
        }
        Err(e) => {
            assert!(!e.diagnostics.is_empty());
            let plain = e.render(false);
            let _ = e.render(true);
            assert!(plain.contains("error"), "an invalid file renders no error:\n{plain}");
            for d in &e.diagnostics {
                let _ = serde_json::to_string(&d.to_json(&e.sources)).expect("diagnostic JSON");
            }
        }
    }
});
