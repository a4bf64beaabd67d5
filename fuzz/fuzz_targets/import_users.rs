//! The CSV importer (`entitle import-users`): any bytes as a sheet, merged into a fixed
//! policy, never panic; a usable sheet gives a document that loads without errors (every row
//! that would break the policy is rejected) and formats to text that parses again.
#![no_main]

use entitle::interop::users;
use entitle::Policy;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

entitle_fuzz::compare_without_hook!();

fn base() -> &'static Policy {
    static BASE: OnceLock<Policy> = OnceLock::new();
    BASE.get_or_init(|| {
        Policy::parse(
            "northwind.ent",
            include_str!("../../tests/fixtures/interop/northwind.ent"),
        )
        .expect("the base policy loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let sheet = String::from_utf8_lossy(data);
    let policy = base();
    let Ok(result) = users::import_users(policy.document(), policy.model(), &sheet) else {
        return;
    };
    let text = entitle::fmt::format_document(&result.document);
    if let Err(e) = Policy::parse("merged.ent", &text) {
        panic!(
            "an import left a policy that does not load:\n{}\n{text}",
            e.render(false)
        );
    }
});
