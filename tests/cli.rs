//! End-to-end tests of the `entitle` binary: exit codes, JSON shapes, files written.

// Runs the binary or uses the front ends: needs the default `cli` feature.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};

mod common;
use common::entitle;

const POLICY: &str = r#"# a small account
account "Northwind Civil" {
  domain northwind.example auto-approve
  alerts Bridge
}

product Bridge "Bridge Designer"
product Survey
product Render

country US "United States" {
  covers CA
  entitled Bridge, Survey, Render
  deny Render
}

group Roads in US {
  allowed Bridge
}

user kim@northwind.example "Kim Lee" {
  country CA
  groups Roads
  roles account-admin, fulfillment-contact
}
user lou@northwind.example {
  country US
  status invited
}

key SS-9 {
  groups Roads
}

expect kim@northwind.example Bridge allow by group-allowed Roads
expect kim@northwind.example Survey deny by group-not-allowed Roads
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn policy_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "northwind.ent", POLICY);
    (dir, p.to_str().unwrap().to_string())
}

#[test]
fn check_exit_codes_follow_the_decision() {
    let (_d, p) = policy_file();
    let allow = entitle(&["check", &p, "kim@northwind.example", "Bridge"]);
    assert_eq!(allow.code, 0, "{}", allow.stderr);
    assert!(
        allow
            .stdout
            .starts_with("allow kim@northwind.example Bridge by group-allowed Roads"),
        "{}",
        allow.stdout
    );
    let deny = entitle(&["check", &p, "kim@northwind.example", "Survey"]);
    assert_eq!(deny.code, 1);
    assert!(deny.stdout.starts_with("deny "), "{}", deny.stdout);
}

#[test]
fn check_json_has_exactly_the_specified_fields() {
    let (_d, p) = policy_file();
    let r = entitle(&["check", &p, "KIM@northwind.example", "bridge designer", "--json"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout.trim(),
        r#"{"principal":"kim@northwind.example","product":"Bridge","decision":"allow","rule":"group-allowed","group":"Roads","country":"US","source":{"file":"northwind.ent","line":18,"column":3}}"#
    );
    // no group for a non-group rule; country present even for `status`
    let r = entitle(&["check", &p, "lou@northwind.example", "Bridge", "--json"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout.trim(),
        r#"{"principal":"lou@northwind.example","product":"Bridge","decision":"deny","rule":"status","country":"US","source":{"file":"northwind.ent","line":28,"column":3}}"#
    );
}

#[test]
fn unknown_principal_or_product_is_an_error_with_a_suggestion() {
    let (_d, p) = policy_file();
    let r = entitle(&["check", &p, "kim@northwind.exampel", "Bridge"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean `kim@northwind.example`?"),
        "{}",
        r.stderr
    );
    let r = entitle(&["check", &p, "kim@northwind.example", "Brige"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `Bridge`?"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn bad_files_exit_2_and_quote_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.ent",
        "product A\ncountry US { default maybe }\ngroup G in XX { allowed B }\n",
    );
    let r = entitle(&["check", bad.to_str().unwrap(), "x@y.z", "A"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.ent:2:22"), "{}", r.stderr);
    assert!(r.stderr.contains("country US { default maybe }"), "{}", r.stderr);
    let missing = dir.path().join("nope.ent");
    let r = entitle(&["check", missing.to_str().unwrap(), "x@y.z", "A"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);
    let r = entitle(&["lint", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is a directory"), "{}", r.stderr);
}

#[test]
fn every_error_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "many.ent",
        "product A\nproduct A\ncountry US { entitled A, Bee }\nuser u@x.io { groups Nope }\n",
    );
    let r = entitle(&["lint", bad.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    for needle in [
        "declared twice",
        "unknown product `Bee`",
        "unknown group `Nope`",
        "has no `country`",
    ] {
        assert!(r.stderr.contains(needle), "missing {needle:?} in\n{}", r.stderr);
    }
    assert!(r.stderr.contains("4 errors"), "{}", r.stderr);
}

#[test]
fn explain_lists_steps_blockers_and_verified_fixes() {
    let (_d, p) = policy_file();
    let r = entitle(&["explain", &p, "kim@northwind.example", "Survey"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("profile country `CA` is covered by US"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("group Roads has an Allowed Applications list without Survey"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("add Survey to group Roads's Allowed Applications"),
        "{}",
        r.stdout
    );
    let j = entitle(&["explain", &p, "kim@northwind.example", "Survey", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("explain --json parses");
    assert_eq!(v["rule"], "group-not-allowed");
    assert!(v["steps"].as_array().unwrap().len() >= 5);
    assert!(v.get("flips").is_none(), "`fixes` replaces `flips`");
    let blockers = v["blockers"].as_array().unwrap();
    assert_eq!(blockers[0]["rule"], "group-not-allowed");
    assert_eq!(blockers[0]["group"], "Roads");
    let fixes = v["fixes"].as_array().unwrap();
    assert!(!fixes.is_empty());
    assert!(fixes.iter().all(|f| f["decision"]["decision"] == "allow"));
    assert!(fixes.iter().all(|f| f["edits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["statement"].is_string())));
}

#[test]
fn can_answers_capabilities() {
    let (_d, p) = policy_file();
    assert_eq!(
        entitle(&["can", &p, "kim@northwind.example", "receive-billing"]).code,
        0
    );
    assert_eq!(
        entitle(&["can", &p, "kim@northwind.example", "receive-alerts", "Bridge"]).code,
        0
    );
    assert_eq!(
        entitle(&["can", &p, "kim@northwind.example", "receive-alerts", "Survey"]).code,
        1
    );
    assert_eq!(entitle(&["can", &p, "lou@northwind.example", "manage-users"]).code, 1);
    assert_eq!(entitle(&["can", &p, "SS-9", "receive-billing"]).code, 1);
    let r = entitle(&["can", &p, "kim@northwind.example", "manage-user"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `manage-users`?"), "{}", r.stderr);
    assert_eq!(entitle(&["can", &p, "kim@northwind.example", "receive-alerts"]).code, 2);
    let j = entitle(&["can", &p, "kim@northwind.example", "manage-entitlements", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["granted"], true);
}

#[test]
fn lint_warns_without_failing_unless_asked() {
    let (_d, clean) = policy_file();
    let r = entitle(&["lint", &clean]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("no problems found"), "{}", r.stdout);
    assert_eq!(r.stderr, "");
    let dir = tempfile::tempdir().unwrap();
    let warned = write(
        dir.path(),
        "w.ent",
        &format!("{POLICY}\ngroup Idle in US {{ allowed Survey }}\n"),
    );
    let p = warned.to_str().unwrap().to_string();
    let r = entitle(&["lint", &p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("unused-group"), "{}", r.stdout);
    assert!(r.stdout.contains("group Idle in US"), "{}", r.stdout);
    assert_eq!(entitle(&["lint", &p, "--deny-warnings"]).code, 1);
    let j = entitle(&["lint", &p, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("lint --json parses");
    assert_eq!(v["errors"], 0);
    assert!(v["warnings"].as_u64().unwrap() >= 1);
}

#[test]
fn fmt_check_write_and_idempotence() {
    let dir = tempfile::tempdir().unwrap();
    let messy = write(
        dir.path(),
        "m.ent",
        "product A;product B # keep me\ncountry US{default deny;allow A}\n",
    );
    let p = messy.to_str().unwrap();
    assert_eq!(entitle(&["fmt", p, "--check"]).code, 1);
    let first = entitle(&["fmt", p]);
    assert_eq!(first.code, 0);
    assert!(first.stdout.contains("# keep me"));
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap(),
        "product A;product B # keep me\ncountry US{default deny;allow A}\n"
    );
    assert_eq!(entitle(&["fmt", p, "--write"]).code, 0);
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), first.stdout);
    assert_eq!(entitle(&["fmt", p, "--check"]).code, 0);
    // no temporary files left behind
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn test_command_counts_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.ent", POLICY);
    let failing = write(
        dir.path(),
        "failing.ent",
        &format!("{POLICY}\nexpect kim@northwind.example Render allow\nscenario \"s\" {{\n  set access US Render allow\n  expect kim@northwind.example Render deny by product-access\n}}\n"),
    );
    let r = entitle(&["test", good.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout.lines().last(), Some("2 passed, 0 failed"));
    let r = entitle(&["test", good.to_str().unwrap(), failing.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout.lines().last(), Some("4 passed, 2 failed"), "{}", r.stdout);
    assert!(r.stdout.contains("expected allow"), "{}", r.stdout);
    let erroring = write(
        dir.path(),
        "err.ent",
        &format!("{POLICY}\nexpect nobody@x.io Bridge allow\n"),
    );
    let r = entitle(&["test", good.to_str().unwrap(), erroring.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown principal `nobody@x.io`"), "{}", r.stderr);
}

#[test]
fn help_names_every_command() {
    let r = entitle(&["--help"]);
    assert_eq!(r.code, 0);
    for c in ["check", "explain", "access", "can", "lint", "fmt", "test"] {
        assert!(r.stdout.contains(c), "{c} missing from --help");
    }
    assert_eq!(entitle(&["check"]).code, 2);
}

/// The spec's worked examples of revision 1 and revision 2 (the shared spec sits beside the
/// checkout, as in CI). A missing or empty folder fails the test: it never passes by
/// checking nothing.
fn spec_examples() -> Vec<PathBuf> {
    let mut all = vec![];
    for folder in ["examples", "examples-r2"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/spec")
            .join(folder);
        let rd = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        let mut v: Vec<PathBuf> = rd
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "ent"))
            .collect();
        assert!(!v.is_empty(), "no .ent files in {}", dir.display());
        v.sort();
        all.append(&mut v);
    }
    all
}

#[test]
fn spec_examples_pass_and_check_json_agrees_with_every_top_level_expectation() {
    for path in spec_examples() {
        let p = path.to_str().unwrap();
        let r = entitle(&["test", p]);
        assert_eq!(r.code, 0, "{p}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.lines().last().unwrap().ends_with(" 0 failed"));
        let text = std::fs::read_to_string(&path).unwrap();
        let mut depth = 0;
        for line in text.lines() {
            let code = line.split('#').next().unwrap().trim();
            depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
            let Some(rest) = code.strip_prefix("expect ") else {
                continue;
            };
            if depth != 0 {
                continue; // scenario expectations need the scenario's edits
            }
            let words = shell_words(rest);
            let r = entitle(&["check", p, &words[0], &words[1], "--json"]);
            let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
            assert_eq!(v["decision"], words[2].as_str(), "{line}");
            assert_eq!(r.code, if words[2] == "allow" { 0 } else { 1 });
            if words.len() > 4 {
                assert_eq!(v["rule"], words[4].as_str(), "{line}");
            }
            if words.len() > 5 {
                assert_eq!(v["group"], words[5].as_str(), "{line}");
            } else {
                assert!(
                    v.get("group").is_none() || words.get(4).is_some_and(|r| r.starts_with("group-")),
                    "{line}"
                );
            }
            assert_eq!(v["source"]["file"], path.file_name().unwrap().to_str().unwrap());
        }
    }
}

/// Split on spaces, keeping "quoted strings" whole (quotes removed).
fn shell_words(s: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[test]
fn spec_example_json_is_byte_exact() {
    let Some(acme) = spec_examples().into_iter().find(|p| p.ends_with("acme.ent")) else {
        return;
    };
    let r = entitle(&["check", acme.to_str().unwrap(), "alice@acme.com", "LumenRT", "--json"]);
    assert_eq!(
        r.stdout.trim(),
        r#"{"principal":"alice@acme.com","product":"LumenRT","decision":"deny","rule":"group-not-allowed","group":"Design","country":"US","source":{"file":"acme.ent","line":25,"column":22}}"#
    );
}

/// An expectation naming something unknown is an error for `test` and `lint`, but every query
/// still answers, with the problem as a warning on standard error.
#[test]
fn queries_survive_broken_expectations() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "broken.ent",
        "product A\ncountry US { }\nuser a@b.c { country US }\nexpect a@b.c Aa allow\n",
    );
    let p = p.to_str().unwrap();
    for args in [
        vec!["check", p, "a@b.c", "A"],
        vec!["explain", p, "a@b.c", "A"],
        vec!["access", p, "a@b.c"],
        vec!["who", p, "A"],
    ] {
        let r = entitle(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("Warning: unknown product `Aa`"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("did you mean `A`?"), "{}", r.stderr);
    }
    assert_eq!(entitle(&["test", p]).code, 2);
    assert_eq!(entitle(&["lint", p]).code, 2);
    // an error outside the expectations still stops every query
    let q = write(
        dir.path(),
        "worse.ent",
        "product A\ncountry US { }\nuser a@b.c { country XX  groups G }\n",
    );
    assert_eq!(entitle(&["check", q.to_str().unwrap(), "a@b.c", "A"]).code, 2);
}
