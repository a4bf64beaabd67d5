//! The lazy paths against the plain ones, one comparison per execution (the first byte's
//! third bit chooses; its two low bits choose raw text or a generated policy with mistakes,
//! followed by what-if statements at the top level): a text parses to the same document and
//! the same errors with the parser's fast path for plain declarations and statements
//! (`syntax::parse`, and `syntax::parse_statements` on the statements alone) as with pest
//! alone (`syntax::parse_reference`, `syntax::parse_statements_reference`); or a lean parse
//! (`syntax::parse_lean`, the first load of a question answered from the model: plain users
//! kept as text and built as they are resolved) gives the same errors as the full parse and
//! resolves (`resolve::resolve_lean`) to the same model and diagnostics as the whole document
//! (`resolve::resolve`).
#![no_main]

use entitle::syntax;
use entitle_fuzz::policy_gen::{self, Options};
use entitle_fuzz::Bytes;
use libfuzzer_sys::fuzz_target;

entitle_fuzz::compare_without_hook!();

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let options = Options {
        mistakes: 3,
        ..Options::default()
    };
    let mut u = arbitrary::Unstructured::new(rest);
    let (mut text, names) = entitle_fuzz::policy_and_names(mode, rest, &mut u, options);
    let mut statements = String::new();
    if mode % 4 != 0 {
        for s in policy_gen::statements(&mut Bytes(&mut u), options, &names, 6) {
            statements.push_str(&s);
            statements.push('\n');
        }
        text.push('\n');
        text.push_str(&statements);
    }
    let mut sources = entitle::Sources::new();
    let file = sources.add("fuzz.ent", text);
    let (doc, errors) = syntax::parse(&sources, file);
    if mode & 4 != 0 {
        if let Some(difference) = entitle::testing::lean_difference(&sources, file, &doc, &errors) {
            panic!("{difference}");
        }
        return;
    }
    let (reference, reference_errors) = syntax::parse_reference(&sources, file);
    assert_eq!(doc, reference, "the fast path built another document");
    assert_eq!(errors, reference_errors, "the fast path changed the errors");
    if !statements.is_empty() {
        let file = sources.add("<what-if>", statements);
        let (doc, errors) = syntax::parse_statements(&sources, file);
        let (reference, reference_errors) = syntax::parse_statements_reference(&sources, file);
        assert_eq!(doc, reference, "the fast path built other statements");
        assert_eq!(errors, reference_errors, "the fast path changed the statements' errors");
    }
});
