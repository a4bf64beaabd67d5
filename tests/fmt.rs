//! `entitle fmt` on the shipped files: every scenario and every example of the spec (both
//! revisions) is
//! canonical as written, and fmt restores each from a messed-up copy.

use std::path::{Path, PathBuf};

mod common;
use common::entitle;

/// `scenarios/*.ent` and the spec's `examples/*.ent` (beside the clone, as in CI). Panics
/// when a folder is missing or empty: the test must not pass by checking nothing.
fn shipped_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    for dir in [
        root.join("scenarios"),
        root.join("../shared/spec/examples"),
        root.join("../shared/spec/examples-r2"),
    ] {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        let mut found: Vec<PathBuf> = entries
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "ent"))
            .collect();
        assert!(!found.is_empty(), "no .ent files in {}", dir.display());
        found.sort();
        files.append(&mut found);
    }
    files
}

#[test]
fn every_scenario_and_spec_example_is_canonical() {
    let files = shipped_files();
    assert!(files.len() >= 22, "{files:?}"); // 17 scenarios, 4 + 1 spec examples
    for f in files {
        let run = entitle(&["fmt", "--check", f.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}: {}", f.display(), run.stderr);
        assert_eq!(run.stderr, "");
    }
}

/// The file with every blank line tripled, trailing spaces added, and on every line without
/// a trailing comment (whose column fmt keeps) the indentation doubled and a `;` after a
/// statement: what fmt must undo.
fn mess_up(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            out.push_str("\n \n\t\n");
            continue;
        }
        if line.contains('#') && !line.trim_start().starts_with('#') {
            out.push_str(line);
            out.push_str(" \n");
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        out.push_str(&" ".repeat(indent * 2));
        out.push_str(line.trim_start());
        if !line.contains('#') && !line.ends_with('{') {
            out.push(';');
        }
        out.push_str("  \n");
    }
    out
}

#[test]
fn fmt_restores_every_shipped_file_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    for f in shipped_files() {
        let original = std::fs::read_to_string(&f).unwrap();
        let messy = mess_up(&original);
        assert_ne!(messy, original);
        let path = dir.path().join(f.file_name().unwrap());
        std::fs::write(&path, &messy).unwrap();
        let p = path.to_str().unwrap();
        assert_eq!(entitle(&["fmt", "--check", p]).code, 1, "{}", f.display());
        let run = entitle(&["fmt", p]);
        assert_eq!(run.code, 0, "{}: {}", f.display(), run.stderr);
        assert_eq!(run.stdout, original, "{}: fmt did not restore the file", f.display());
        // the same document: the default layout of both is the same text
        let doc = |text: &str| {
            let mut sources = entitle::Sources::new();
            let file = sources.add("x.ent", text);
            let (doc, errors) = entitle::syntax::parse(&sources, file);
            assert!(errors.is_empty(), "{errors:?}");
            entitle::fmt::format_document(&doc)
        };
        assert_eq!(doc(&messy), doc(&original), "{}", f.display());
        // idempotent: the output is canonical
        assert_eq!(entitle(&["fmt", "--write", p]).code, 0);
        assert_eq!(entitle(&["fmt", "--check", p]).code, 0, "{}", f.display());
    }
}
