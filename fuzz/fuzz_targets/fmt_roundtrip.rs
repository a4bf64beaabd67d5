//! `fmt` round trip: the canonical text of any document that parses parses again, to the
//! same document (spans aside; numbers by value: `fmt` writes `revenue 0042` as `revenue 42`)
//! and, when it is valid, to an equal model with equal decisions; formatting is idempotent and
//! keeps every comment. One layout per execution, chosen by the first byte's third bit (its
//! two low bits choose raw text or a generated policy): the default (`format_document`) or the
//! author's (`format_source`, what `entitle fmt` prints).
#![no_main]

use entitle_fuzz::policy_gen::{self, Options};
use entitle_fuzz::{fingerprint, model_decisions, numbers_by_value, spanless, Bytes};
use libfuzzer_sys::fuzz_target;

entitle_fuzz::compare_without_hook!();

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
    // the layout: the default one, or the author's (`entitle fmt` keeps blank lines, one-line
    // blocks …); both must parse back to the same document and be idempotent
    let author = mode & 4 != 0;
    let format = |doc: &entitle::syntax::Document, file, text: &str| {
        if author {
            entitle::fmt::format_source(doc, file, text)
        } else {
            entitle::fmt::format_document(doc)
        }
    };
    let once = format(&doc, file, &text);
    let file2 = sources.add("fmt.ent", once.as_str());
    let (doc2, errors2) = entitle::syntax::parse(&sources, file2);
    assert!(
        errors2.is_empty(),
        "fmt output (author's layout: {author}) does not parse: {errors2:?}\n--- input\n{text}\n--- fmt\n{once}"
    );
    // (numbers by value: `fmt` writes `revenue 0042` as `revenue 42`)
    assert_eq!(
        spanless(&format!("{:?}", numbers_by_value(&doc))),
        spanless(&format!("{:?}", numbers_by_value(&doc2))),
        "round trip (author's layout: {author}) changed the document\n{once}"
    );
    assert_eq!(
        format(&doc2, file2, &once),
        once,
        "fmt (author's layout: {author}) is not idempotent"
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
