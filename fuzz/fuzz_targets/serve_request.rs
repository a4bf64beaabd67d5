//! The server's request bodies: any bytes as one line of `check --requests` or one item of a
//! `POST /v1/check` batch (the same function, `render::batch::check_line`) against a fixed
//! policy are answered without panicking, always with one JSON object: the §7 decision, or an
//! error object with a status, a code and a message.
#![no_main]

use entitle::Policy;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

entitle_fuzz::compare_without_hook!();

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        Policy::parse("names.ent", include_str!("../../scenarios/names.ent")).expect("the policy loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    let (answer, answered) = entitle::render::batch::check_line(policy(), &line);
    let value: serde_json::Value = serde_json::from_str(&answer).expect("the answer is JSON");
    if answered {
        assert!(value["decision"].is_string() && value["rule"].is_string(), "{answer}");
    } else {
        let e = &value["error"];
        assert!(
            e["status"].is_u64() && e["code"].is_string() && e["message"].is_string(),
            "{answer}"
        );
    }
});
