//! Helpers shared by the fuzz targets in `fuzz_targets/`.

pub mod compare;
pub mod policy_gen;

use entitle::compile::{Compiled, Row};
use entitle::{eval, Policy};

/// libFuzzer's bytes as generator choices.
pub struct Bytes<'a, 'b>(pub &'b mut arbitrary::Unstructured<'a>);

impl policy_gen::Choices for Bytes<'_, '_> {
    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.0.choose_index(n).unwrap_or(0)
    }
}

/// A `Debug` rendering without spans: the library's (`entitle::testing::spanless`).
pub use entitle::testing::spanless;

/// Every declaration of a model, spans aside: equal fingerprints, equal models.
pub fn fingerprint(model: &entitle::Model) -> String {
    spanless(&format!("{model:?}"))
}

pub use policy_gen::{decisions, model_decisions, Decided};

/// The evaluators agree: `decide`, `explain` and the compiled form, pair by pair and row by row.
pub fn assert_evaluators_agree(policy: &Policy) {
    let m = policy.model();
    let c = Compiled::new(m);
    let mut row = Row::new(c.words);
    for (i, p) in m.principals().enumerate() {
        assert_eq!(c.index_of(p), i);
        c.row(i, &mut row);
        for x in m.product_ids() {
            let d = eval::decide(m, p, x);
            let ex = eval::explain(m, p, x);
            assert_eq!(d, ex.decision, "decide and explain disagree");
            assert_eq!(
                c.decide(i, x.index()),
                (d.access, d.rule, d.group),
                "compiled decide disagrees"
            );
            assert_eq!(row.get(x.index()), (d.access, d.rule), "compiled row disagrees");
        }
    }
}

/// The text of a document's declarations in canonical form.
pub fn declarations_text(doc: &entitle::syntax::Document) -> String {
    entitle::fmt::format_document(&entitle::whatif::declarations_only(doc))
}

/// A policy text from fuzzer bytes: the first byte chooses between the rest as text (a
/// multiple of 4, so the scenario seeds start with a NUL) and a policy generated from the rest
/// (which reaches valid policies and deep shapes far more often than bytes do). `None` for no
/// bytes at all.
pub fn policy_text(data: &[u8], options: policy_gen::Options) -> Option<String> {
    let (&mode, rest) = data.split_first()?;
    Some(if mode % 4 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let mut u = arbitrary::Unstructured::new(rest);
        policy_gen::policy(&mut Bytes(&mut u), options).0
    })
}

/// The policy of a target that goes on to what-if statements: the text of `rest` when `mode` is
/// a multiple of 4 (with no names to edit), else a policy generated from `u` (made over `rest`,
/// which the statements then read on from) and the names it declares.
pub fn policy_and_names(
    mode: u8,
    rest: &[u8],
    u: &mut arbitrary::Unstructured<'_>,
    options: policy_gen::Options,
) -> (String, policy_gen::Names) {
    if mode.is_multiple_of(4) {
        (String::from_utf8_lossy(rest).into_owned(), policy_gen::Names::default())
    } else {
        policy_gen::policy(&mut Bytes(u), options)
    }
}

/// [`policy_text`] with up to `mistakes` mistakes in a generated policy, as the one file of a
/// new [`entitle::Sources`] (named `fuzz.ent`).
pub fn policy_source(data: &[u8], mistakes: usize) -> Option<(entitle::Sources, entitle::FileId)> {
    let options = policy_gen::Options {
        mistakes,
        ..policy_gen::Options::default()
    };
    let text = policy_text(data, options)?;
    let mut sources = entitle::Sources::new();
    let file = sources.add("fuzz.ent", text);
    Some((sources, file))
}

/// A copy of `doc` with every number written as `fmt` writes it
/// (`entitle::testing::canonical_numbers`): two documents are the same when they are equal
/// after this.
pub fn numbers_by_value(doc: &entitle::syntax::Document) -> entitle::syntax::Document {
    let mut doc = doc.clone();
    entitle::testing::canonical_numbers(&mut doc);
    doc
}
