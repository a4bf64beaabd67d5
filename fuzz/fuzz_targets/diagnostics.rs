//! Rendering diagnostics: every diagnostic of a broken input (raw text, or a generated policy
//! with many mistakes) renders without panicking, once per execution, with the renderer the
//! first byte chooses: plain, coloured, or JSON.
#![no_main]

use entitle_fuzz::policy_gen::Options;
use libfuzzer_sys::fuzz_target;

entitle_fuzz::compare_without_hook!();

fuzz_target!(|data: &[u8]| {
    let Some((&renderer, rest)) = data.split_first() else {
        return;
    };
    let options = Options {
        mistakes: 20,
        ..Options::default()
    };
    let Some(text) = entitle_fuzz::policy_text(rest, options) else {
        return;
    };
    let Err(e) = entitle::Policy::parse("fuzz.ent", &text) else {
        return;
    };
    assert!(!e.diagnostics.is_empty());
    match renderer % 3 {
        0 => {
            let plain = e.render(false);
            assert!(plain.contains("rror"), "an invalid file renders no error:\n{plain}");
        }
        1 => {
            let _ = e.render(true);
        }
        _ => {
            for d in &e.diagnostics {
                let _ = serde_json::to_string(&d.to_json(&e.sources)).expect("diagnostic JSON");
            }
        }
    }
});
