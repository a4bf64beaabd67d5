//! Properties over random policies (from the generator the fuzz targets use, driven here by
//! proptest so that failures shrink):
//!
//! - `fmt` round trip: the canonical text loads to an equal model with equal decisions;
//! - `convert G` turns exactly G's `exception allow` entries into Allowed Applications;
//! - `diff` of a policy against itself (and against its canonical text) is empty;
//! - every JSON output of the binary parses;
//! - line and column lookups agree with counting by hand.

use entitle::{Access, Policy};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
#[cfg(feature = "cli")]
use std::process::Command;

#[allow(dead_code)]
#[path = "../fuzz/src/policy_gen.rs"]
mod policy_gen;

use policy_gen::{decisions, Cursor, Names, Options};

/// The raw choices a policy is generated from (shrinking them gives smaller policies).
fn choices() -> impl Strategy<Value = Vec<u32>> {
    proptest::collection::vec(any::<u32>(), 0..600)
}

/// A generated valid policy (no deliberate mistakes), its text and names.
fn valid(choices: &[u32]) -> Option<(Policy, String, Names)> {
    let (text, names) = policy_gen::policy(
        &mut Cursor::new(choices),
        Options {
            mistakes: 0,
            ..Options::default()
        },
    );
    let policy = Policy::parse("random.ent", &text).ok()?;
    Some((policy, text, names))
}

fn fingerprint<T: std::fmt::Debug>(value: &T) -> String {
    entitle::testing::spanless(&format!("{value:?}"))
}

#[test]
fn most_generated_policies_are_valid() {
    // guards the generator: properties over valid policies must not mostly skip
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut valid_count, mut groups, mut legacy) = (0, 0, 0);
    for _ in 0..200 {
        let c = choices().new_tree(&mut runner).unwrap().current();
        if let Some((p, _, _)) = valid(&c) {
            valid_count += 1;
            groups += usize::from(!p.model().groups.is_empty());
            legacy += usize::from(p.model().groups.iter().any(|g| !g.exceptions.is_empty()));
        }
    }
    assert!(
        valid_count >= 120,
        "only {valid_count} of 200 generated policies are valid"
    );
    assert!(
        groups >= 60 && legacy >= 20,
        "{groups} policies with groups, {legacy} with legacy exceptions"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The canonical text of a policy loads to an equal model with equal decisions, and
    /// formatting it again changes nothing.
    #[test]
    fn fmt_round_trip_preserves_every_decision(c in choices()) {
        let Some((policy, text, _)) = valid(&c) else { return Ok(()) };
        let once = entitle::fmt::format_document(policy.document());
        let again = Policy::parse("fmt.ent", &once).unwrap_or_else(|e| panic!("{e}\n--- input\n{text}\n--- fmt\n{once}"));
        prop_assert_eq!(fingerprint(policy.model()), fingerprint(again.model()), "model changed\n{}", once);
        prop_assert_eq!(decisions(&policy), decisions(&again));
        prop_assert_eq!(entitle::fmt::format_document(again.document()), once);
    }

    /// `entitle fmt` (the layout-aware formatter) on any text that parses: the output parses
    /// to the same document (spans aside; comments are part of it, so none is lost), and
    /// formats to itself.
    #[test]
    fn fmt_with_layout_round_trips_and_is_idempotent(c in choices()) {
        let (text, _) = policy_gen::policy(&mut Cursor::new(&c), Options::default());
        let mut sources = entitle::Sources::new();
        let file = sources.add("random.ent", text.as_str());
        let (mut doc, syntax) = entitle::syntax::parse(&sources, file);
        prop_assume!(syntax.is_empty());
        let once = entitle::fmt::format_source(&doc, file, &text);
        let file2 = sources.add("fmt.ent", once.as_str());
        let (doc2, syntax2) = entitle::syntax::parse(&sources, file2);
        prop_assert!(syntax2.is_empty(), "fmt output does not parse: {:?}\n--- input\n{}\n--- fmt\n{}", syntax2, text, once);
        entitle::testing::canonical_numbers(&mut doc);
        prop_assert_eq!(entitle::testing::spanless(&format!("{doc:?}")), entitle::testing::spanless(&format!("{doc2:?}")), "round trip changed the document\n--- input\n{}\n--- fmt\n{}", text, once);
        prop_assert_eq!(entitle::fmt::format_source(&doc2, file2, &once), once.clone(), "not idempotent\n--- input\n{}", text);
    }

    /// Invalid files stay invalid after formatting (with the same error codes), so `fmt`
    /// never hides a problem.
    #[test]
    fn fmt_keeps_invalid_files_invalid(c in choices()) {
        let (text, _) = policy_gen::policy(&mut Cursor::new(&c), Options { mistakes: 15, ..Options::default() });
        let mut sources = entitle::Sources::new();
        let file = sources.add("random.ent", text.as_str());
        let (doc, syntax) = entitle::syntax::parse(&sources, file);
        prop_assume!(syntax.is_empty());
        let Err(before) = Policy::parse("random.ent", &text) else { return Ok(()) };
        let once = entitle::fmt::format_document(&doc);
        let after = Policy::parse("fmt.ent", &once).expect_err("fmt made an invalid policy valid");
        let codes = |e: &entitle::Errors| {
            let mut c: Vec<&str> = e.diagnostics.iter().map(|d| d.code).collect();
            c.sort_unstable();
            c
        };
        prop_assert_eq!(codes(&before), codes(&after));
    }

    /// `convert G` moves exactly G's `exception allow` products into its Allowed
    /// Applications (after the ones already listed, each once), drops every exception of G,
    /// and changes nothing else.
    #[test]
    fn convert_turns_exactly_the_exception_allow_entries_into_allowed_applications(c in choices(), pick in any::<usize>()) {
        let Some((mut policy, _, _)) = valid(&c) else { return Ok(()) };
        prop_assume!(!policy.model().groups.is_empty());
        let before = policy.model().clone();
        let gid = entitle::model::GroupId((pick % before.groups.len()) as u32);
        let g = before.group(gid);
        let stmt = format!("convert {}", entitle::fmt::format_name(&g.name));
        policy.apply("<convert>", &stmt).unwrap_or_else(|e| panic!("{stmt}: {e}"));
        let after = policy.model();
        let h = after.group(after.find_group(&g.name).expect("the group is still there"));

        let mut expected: Vec<_> = g.allowed.iter().map(|(p, _)| *p).collect();
        for (p, a, _) in &g.exceptions {
            if *a == Access::Allow && !expected.contains(p) {
                expected.push(*p);
            }
        }
        let name = |m: &entitle::Model, p: &entitle::model::ProductId| m.product(*p).name.clone();
        let expected: Vec<String> = expected.iter().map(|p| name(&before, p)).collect();
        let got: Vec<String> = h.allowed.iter().map(|(p, _)| name(after, p)).collect();
        prop_assert_eq!(got, expected, "{}", stmt);
        prop_assert!(h.exceptions.is_empty(), "exceptions left after {}", stmt);
        prop_assert_eq!(h.include_country.is_some(), g.include_country.is_some());
        prop_assert_eq!(&h.country, &g.country);

        // nothing else changed
        let others = |m: &entitle::Model| {
            let groups: Vec<_> = m.groups.iter().filter(|x| x.name != g.name).collect();
            fingerprint(&(&m.account, &m.products, &m.countries, groups, &m.users, &m.keys))
        };
        prop_assert_eq!(others(&before), others(after));
    }

    /// A policy compared with itself, or with its canonical text, changes nothing.
    #[test]
    fn diff_of_a_policy_against_itself_is_empty(c in choices()) {
        let Some((policy, _, _)) = valid(&c) else { return Ok(()) };
        let m = policy.model();
        let d = entitle::sim::diff(m, m, &|_| {});
        prop_assert!(d.is_empty(), "{:?}", d);
        prop_assert_eq!(d.compared, ((m.users.len() + m.keys.len()) * m.products.len()) as u64);
        let formatted = Policy::parse("fmt.ent", &entitle::fmt::format_document(policy.document())).unwrap();
        let d = entitle::sim::diff(m, formatted.model(), &|_| {});
        prop_assert!(d.is_empty(), "{:?}", d);
    }

    /// `line_col` counts lines from 1 and columns in characters from 1, on any text.
    #[test]
    fn line_and_column_agree_with_counting(text in "(\\PC|\n){0,200}", cut in any::<usize>()) {
        let mut sources = entitle::Sources::new();
        let f = sources.add("t.ent", text.as_str());
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let offset = boundaries[cut % boundaries.len()];
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
        prop_assert_eq!(sources.get(f).line_col(offset), (line, column));
    }
}

#[test]
fn line_and_column_on_a_long_line_with_wide_characters() {
    // checkpoints every few kilobytes must count characters, not bytes
    let mut text = String::new();
    for i in 0..5000 {
        text.push_str(if i % 3 == 0 { "Zürich, " } else { "ab, " });
    }
    text.push_str("\nnext");
    let mut sources = entitle::Sources::new();
    let f = sources.add("t.ent", text.as_str());
    for offset in (0..text.len()).filter(|&i| text.is_char_boundary(i)).step_by(997) {
        let before = &text[..offset];
        let expected = (
            before.matches('\n').count() + 1,
            before.rsplit('\n').next().unwrap().chars().count() + 1,
        );
        assert_eq!(sources.get(f).line_col(offset), expected, "offset {offset}");
    }
    assert_eq!(sources.get(f).line_col(text.len()), (2, 5));
}

// ------------------------------------------------------------------ JSON through the binary

#[cfg(feature = "cli")]
fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run entitle");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// Parse one JSON document, or (for streamed output) one per line.
#[cfg(feature = "cli")]
fn parses(args: &[&str], stdout: &str, stderr: &str) -> Vec<serde_json::Value> {
    if let Ok(v) = serde_json::from_str(stdout) {
        return vec![v];
    }
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {l}\nstderr: {stderr}")))
        .collect()
}

/// Every `--json` output of the binary, on random policies (valid, and some invalid).
#[cfg(feature = "cli")]
#[test]
fn json_output_always_parses() {
    let dir = tempfile::tempdir().unwrap();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut valid_seen = 0;
    for case in 0..16 {
        let c = choices().new_tree(&mut runner).unwrap().current();
        let mistakes = if case % 4 == 3 { 20 } else { 0 };
        let (text, names) = policy_gen::policy(
            &mut Cursor::new(&c),
            Options {
                mistakes,
                ..Options::default()
            },
        );
        let path = dir.path().join(format!("p{case}.ent"));
        std::fs::write(&path, &text).unwrap();
        let p = path.to_str().unwrap();
        let policy = Policy::parse("p.ent", &text);
        valid_seen += usize::from(policy.is_ok());
        // a principal and a product to ask about (declared ones when there are any)
        let (who, what) = match &policy {
            Ok(pol) if !pol.model().products.is_empty() && pol.model().principals().next().is_some() => {
                let m = pol.model();
                (
                    m.principal_name(m.principals().next().unwrap()).to_string(),
                    m.products[0].name.clone(),
                )
            }
            _ => (
                names.users.first().cloned().unwrap_or_else(|| "nobody@x".into()),
                "Nothing".into(),
            ),
        };
        let mut commands: Vec<Vec<&str>> = vec![
            vec!["check", p, &who, &what, "--json"],
            vec!["explain", p, &who, &what, "--json"],
            vec!["can", p, &who, "manage-users", "--json"],
            vec!["can", p, &who, "receive-alerts", &what, "--json"],
            vec!["lint", p, "--json"],
            vec!["who", p, &what, "--json"],
            vec!["matrix", p, "--format", "json"],
            vec!["matrix", p, "--summary", "--json"],
            vec!["diff", p, p, "--json"],
        ];
        let stmt = names
            .groups
            .first()
            .map(|(g, _)| format!("convert {}", entitle::fmt::format_name(g)));
        if let Some(s) = &stmt {
            commands.push(vec!["simulate", p, "--what-if", s, "--json"]);
        }
        for args in &commands {
            let (code, stdout, stderr) = run(args);
            assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
            match code {
                // lint --json reports errors as JSON too (and exits 2)
                0 | 1 => {
                    let values = parses(args, &stdout, &stderr);
                    if args[0] != "matrix" || args.contains(&"--summary") {
                        assert_eq!(values.len(), 1, "{args:?}: one JSON document expected\n{stdout}");
                    }
                }
                2 if args[0] == "lint" => {
                    let values = parses(args, &stdout, &stderr);
                    assert!(values[0]["errors"].as_u64().unwrap() > 0, "{args:?}: {stdout}");
                }
                2 => assert!(!stderr.is_empty(), "{args:?} failed silently"),
                other => panic!("{args:?}: exit {other}\n{stderr}"),
            }
            if args[0] == "diff" && code != 2 {
                let v = &parses(args, &stdout, &stderr)[0];
                assert_eq!(v["changed"], 0, "a policy differs from itself: {stdout}");
                assert_eq!(code, 0);
            }
        }
    }
    assert!(valid_seen >= 6, "only {valid_seen} valid policies");
}

/// Found by the `whatif` fuzz target: a diagnostic with labels in two files (a what-if
/// statement and the policy) placed after non-ASCII text made ariadne (given byte offsets)
/// slice inside a character — a panic in the REPL and `simulate --what-if` — or name the
/// wrong line and column.
#[test]
fn regression_two_file_diagnostic_after_non_ascii_text() {
    for (text, at) in [
        (
            "# üüüü\nuser kim@x.io { country US }\nproduct A\ncountry US { }\n",
            "p.ent:2:1",
        ),
        (
            "# über ü\nproduct A\ncountry US { }\nuser kim@x.io { country US }\n",
            "p.ent:4:1",
        ),
    ] {
        let mut policy = Policy::parse("p.ent", text).unwrap();
        let e = policy.apply("<what-if>", "register kim@x.io country US").unwrap_err();
        let shown = e.render(false);
        assert!(shown.contains(at) && shown.contains("<what-if>:1:10"), "{shown}");
        let _ = e.render(true);
    }
}
