//! The language server's document handling: any bytes (as text) as an open document are
//! analysed (parse, resolve, lint, expectations: `entitle::analysis::analyze`, what the server
//! runs on every change) without panicking, and every diagnostic's span converts to a protocol
//! position (UTF-16 columns) and back to the same byte offset, with the core's conversions
//! (`SourceFile::utf16_position` and `utf16_offset`, which the server's `Lines` wraps).
#![no_main]

use libfuzzer_sys::fuzz_target;

entitle_fuzz::compare_without_hook!();

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let analysis = entitle::analysis::analyze("fuzz.ent", &text);
    let file = analysis.sources.get(analysis.file);
    assert_eq!(file.text, *text);
    for d in &analysis.diagnostics {
        for label in &d.labels {
            for offset in [label.span.start as usize, label.span.end as usize] {
                if offset <= text.len() && text.is_char_boundary(offset) {
                    let (line, character) = file.utf16_position(offset);
                    let back = file.utf16_offset(line, character);
                    assert_eq!(back, offset, "offset {offset} → {line}:{character} → {back}");
                }
            }
        }
    }
});
