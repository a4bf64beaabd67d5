//! The JSON importer (`entitle import`). The first byte chooses: the rest as a JSON document
//! (any bytes; seeds are real exports), which imports or is refused without panicking, and
//! an imported document loads without errors; or a generated policy, exported and imported
//! back, which must give the same decisions, pair by pair, by name.
#![no_main]

use entitle::interop::json;
use entitle::Policy;
use entitle_fuzz::policy_gen::{self, Options};
use entitle_fuzz::{decisions, Bytes};
use libfuzzer_sys::fuzz_target;

entitle_fuzz::compare_without_hook!();

fn load(doc: &entitle::syntax::Document) -> Policy {
    let text = entitle::fmt::format_document(doc);
    Policy::parse("imported.ent", &text)
        .unwrap_or_else(|e| panic!("an import does not load:\n{}\n{text}", e.render(false)))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 4 == 0 {
        let text = String::from_utf8_lossy(rest);
        if let Ok(doc) = json::import(&text) {
            load(&doc);
        }
        return;
    }
    let mut u = arbitrary::Unstructured::new(rest);
    let (text, _) = policy_gen::policy(&mut Bytes(&mut u), Options::default());
    let Ok(policy) = Policy::parse("fuzz.ent", &text) else {
        return;
    };
    let exported = json::export_text(policy.model());
    let doc = json::import(&exported).unwrap_or_else(|e| panic!("an export does not import: {e}\n{exported}"));
    let back = load(&doc);
    let (mut before, mut after) = (decisions(&policy), decisions(&back));
    before.sort();
    after.sort();
    assert_eq!(before, after, "export → import changed a decision\n{text}");
});
