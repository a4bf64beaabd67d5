//! The scenario corpus: `scenarios/*.ent` (valid policies whose expectations must all pass,
//! together using every rule of LANGUAGE.md §7) and `tests/fixtures/bad/*.ent` (invalid files, one
//! kind of mistake each, whose diagnostics are snapshot-tested).
//!
//! Every expectation in the corpus was derived by hand from LANGUAGE.md §3, not from the
//! tool's output. Snapshots (tests/snapshots/scenarios__*.snap) hold the `explain` output of
//! every expectation and the rendered diagnostics of every bad file.

// Runs the binary or uses the front ends: needs the default `cli` feature.
#![cfg(feature = "cli")]

use entitle::testing::{expectation_contexts, run_file, CaseResult};
use entitle::{FileId, Policy, Rule, Sources};
use std::collections::BTreeSet;
use std::path::Path;

/// One corpus file, loaded under a name relative to the crate (no absolute paths in output).
struct Corpus {
    stem: String,
    sources: Sources,
    file: FileId,
}

/// The `.ent` files of `dir` (relative to the crate), sorted by name.
fn corpus(dir: &str) -> Vec<Corpus> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ent"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(root.join(dir).join(&name)).unwrap();
            let mut sources = Sources::new();
            let file = sources.add(format!("{dir}/{name}"), text);
            Corpus {
                stem: name.trim_end_matches(".ent").to_string(),
                sources,
                file,
            }
        })
        .collect()
}

#[test]
fn good_scenarios_pass_and_cover_every_rule() {
    let files = corpus("scenarios");
    assert!(
        files.len() >= 12,
        "expected at least 12 scenario files, found {}",
        files.len()
    );
    let mut problems = String::new();
    let mut rules: BTreeSet<Rule> = BTreeSet::new();
    let mut total = 0;
    for c in &files {
        let out = run_file(&c.sources, c.file);
        let name = &c.sources.get(c.file).name;
        if !out.errors.is_empty() {
            problems.push_str(&format!("{name}: {} error(s)\n", out.errors.len()));
            problems.push_str(&entitle::diag::render_all(&out.errors, &c.sources, false));
        }
        for f in &out.failures {
            problems.push_str(&f.to_diagnostic(&c.sources).render(&c.sources, false));
        }
        if out.expectations == 0 {
            problems.push_str(&format!("{name}: no expectation\n"));
        }
        if out.passed + out.failures.len() != out.expectations {
            problems.push_str(&format!(
                "{name}: {} expectations, but {} passed and {} failed\n",
                out.expectations,
                out.passed,
                out.failures.len()
            ));
        }
        if out.cases.len() != out.expectations
            || !out
                .cases
                .iter()
                .all(|c| matches!(c.result, CaseResult::Passed(_)) && !c.cites.is_empty())
        {
            problems.push_str(&format!("{name}: a case per expectation, each passed with its cites\n"));
        }
        total += out.expectations;
        match expectation_contexts(&c.sources, c.file) {
            Ok(ctxs) => {
                assert_eq!(ctxs.len(), out.expectations, "{name}: expectation contexts");
                rules.extend(ctxs.iter().filter_map(|x| x.expect.rule));
            }
            Err(diags) => problems.push_str(&entitle::diag::render_all(&diags, &c.sources, false)),
        }
    }
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| !rules.contains(r))
        .map(|r| r.as_str())
        .collect();
    assert!(missing.is_empty(), "rules never named after `by`: {missing:?}");
    assert!(
        problems.is_empty(),
        "scenario files with errors or failed expectations:\n{problems}"
    );
    assert!(total >= 12);
}

/// The `explain` text of every expectation of every good file, one snapshot per file.
#[test]
fn explain_every_expectation() {
    for c in corpus("scenarios") {
        let ctxs = match expectation_contexts(&c.sources, c.file) {
            Ok(ctxs) => ctxs,
            Err(diags) => panic!("{}", entitle::diag::render_all(&diags, &c.sources, false)),
        };
        let mut text = String::new();
        for ctx in &ctxs {
            let (p, x) = (ctx.expect.principal, ctx.expect.product);
            let line = ctx.policy.sources().location(ctx.span).line;
            match &ctx.scenario {
                Some(s) => text.push_str(&format!("== line {line} scenario \"{s}\" ==\n")),
                None => text.push_str(&format!("== line {line} ==\n")),
            }
            text.push_str(ctx.policy.sources().text(ctx.span));
            text.push_str("\n\n");
            let blockers = entitle::explain::blockers(ctx.policy.model(), p, x);
            let fixes = entitle::explain::fix_search(ctx.policy.document(), ctx.policy.model(), p, x);
            let ex = entitle::eval::explain(ctx.policy.model(), p, x);
            text.push_str(&entitle::render::explanation_text(
                &ctx.policy,
                p,
                x,
                &ex,
                &blockers,
                &fixes,
                false,
            ));
            text.push('\n');
        }
        insta::assert_snapshot!(format!("explain__{}", c.stem), text);
    }
}

/// Every bad file is rejected, by loading and by testing, and its diagnostics are
/// snapshot-tested.
#[test]
fn bad_files_report_errors() {
    let files = corpus("tests/fixtures/bad");
    assert!(
        files.len() >= 10,
        "expected at least 10 bad files, found {}",
        files.len()
    );
    for c in files {
        let name = c.sources.get(c.file).name.clone();
        let loaded = match Policy::load(c.sources.clone(), c.file) {
            Ok(_) => vec![],
            Err(e) => e.diagnostics,
        };
        let tested = run_file(&c.sources, c.file).errors;
        assert!(
            loaded.iter().chain(&tested).any(|d| d.is_error()),
            "{name}: no error reported"
        );
        let mut text = String::from("-- Policy::load --\n");
        if loaded.is_empty() {
            text.push_str("(loads without error)\n");
        } else {
            text.push_str(&entitle::diag::render_all(&loaded, &c.sources, false));
        }
        text.push_str("\n-- testing::run_file --\n");
        if tested.is_empty() {
            text.push_str("(no error)\n");
        } else {
            text.push_str(&entitle::diag::render_all(&tested, &c.sources, false));
        }
        insta::assert_snapshot!(format!("bad__{}", c.stem), text);
    }
}
