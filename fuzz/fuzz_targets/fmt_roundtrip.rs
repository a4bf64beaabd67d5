//! `fmt` round trip: the canonical text of any document that parses parses again, to the
//! same document (spans aside; numbers by value: `fmt` writes `revenue 0042` as `revenue 42`)
//! and, when it is valid, to an equal model with equal decisions; formatting is idempotent and keeps every comment — with the default layout
//! (`format_document`) and with the author's (`format_source`, what `entitle fmt` prints).
#![no_main]

use entitle_fuzz::policy_gen::{self, Options};
use entitle_fuzz::{fingerprint, model_decisions, numbers_by_value, spanless, Bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = if mode % 4 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let mut u = arbitrary::Unstructured::new(rest);
        policy_gen::policy(&mut Bytes(&mut u), Options::default()).0
    };
    let mut sources = entitle::Sources::new();
    let file = sources.add("fuzz.ent", text.as_str());
    let (doc, errors) = entitle::syntax::parse(&sources, file);
    if !errors.is_empty() {
        return;
    }
    let once = entitle::fmt::format_document(&doc);
    let file2 = sources.add("fmt.ent", once.as_str());
    let (doc2, errors2) = entitle::syntax::parse(&sources, file2);
    assert!(
        errors2.is_empty(),
        "fmt output does not parse: {errors2:?}\n--- input\n{text}\n--- fmt\n{once}"
    );
    // (numbers by value: `fmt` writes `revenue 0042` as `revenue 42`)
    let before = spanless(&format!("{:?}", numbers_by_value(&doc)));
    assert_eq!(
        before,
        spanless(&format!("{:?}", numbers_by_value(&doc2))),
        "round trip changed the document\n{once}"
    );
    assert_eq!(entitle::fmt::format_document(&doc2), once, "fmt is not idempotent");
    // `entitle fmt` itself: the layout-aware formatter keeps the author's layout, and the same
    // guarantees hold
    let kept = entitle::fmt::format_source(&doc, file, &text);
    let file3 = sources.add("fmt-layout.ent", kept.as_str());
    let (doc3, errors3) = entitle::syntax::parse(&sources, file3);
    assert!(
        errors3.is_empty(),
        "fmt output (with layout) does not parse: {errors3:?}\n--- input\n{text}\n--- fmt\n{kept}"
    );
    assert_eq!(
        before,
        spanless(&format!("{:?}", numbers_by_value(&doc3))),
        "round trip (with layout) changed the document\n{kept}"
    );
    assert_eq!(
        entitle::fmt::format_source(&doc3, file3, &kept),
        kept,
        "fmt (with layout) is not idempotent"
    );
    let comments = |t: &str| t.matches('#').count();
    // every comment is kept (a `#` inside a string is not a comment, and strings are kept too)
    assert!(
        comments(&once) >= comments(&text) - comments_in_strings(&text),
        "a comment was lost\n{text}\n---\n{once}"
    );
    // the model and every decision: both documents parsed without errors, so resolving them is
    // what `Policy::parse` would do, without parsing the texts again
    let valid = |diagnostics: &[entitle::Diagnostic]| !diagnostics.iter().any(entitle::Diagnostic::is_error);
    let ((a, da), (b, db)) = (entitle::resolve::resolve(&doc), entitle::resolve::resolve(&doc2));
    assert_eq!(
        valid(&da),
        valid(&db),
        "validity changed by fmt: before {da:?}, after {db:?}\n{once}"
    );
    if valid(&da) {
        assert_eq!(fingerprint(&a), fingerprint(&b), "fmt changed the model\n{once}");
        assert_eq!(
            model_decisions(&a),
            model_decisions(&b),
            "fmt changed a decision\n{once}"
        );
    }
});

/// `#` characters inside quoted strings (which are not comments).
fn comments_in_strings(text: &str) -> usize {
    let mut n = 0;
    for line in text.lines() {
        let (mut in_string, mut escaped, mut in_comment) = (false, false, false);
        for c in line.chars() {
            if in_comment {
                break;
            }
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    '#' => n += 1,
                    _ => {}
                }
            } else if c == '"' {
                in_string = true;
            } else if c == '#' {
                in_comment = true;
            }
        }
    }
    n
}
