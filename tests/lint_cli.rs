//! `entitle lint` on the command line: where the report goes, the level flags, inline allow
//! comments, and the commands its help lines suggest (each one is run).

// Runs the binary or uses the front ends: needs the default `cli` feature.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};

mod common;
use common::entitle;

/// Two warnings (an unused group, a product listed twice), nothing else.
const POLICY: &str = r#"account "Acme" {
  domain acme.com
}
product Bridge
product Survey
country US { entitled Bridge, Survey }
group Roads in US { allowed Bridge, Bridge }
group Idle in US { }
user kim@acme.com { country US  groups Roads  roles account-admin, fulfillment-contact }
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// The codes and levels of `lint --json`.
fn levels(v: &serde_json::Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["level"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pair(code: &str, level: &str) -> (String, String) {
    (code.to_string(), level.to_string())
}

#[test]
fn the_report_goes_to_standard_output_and_load_errors_to_standard_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.ent", POLICY);
    let p = p.to_str().unwrap();
    let r = entitle(&["lint", p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert!(
        r.stdout.contains("[unused-group]") && r.stdout.contains("[redundant-entry]"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.ends_with("2 warnings\n"), "{}", r.stdout);
    // an error that prevents loading: standard error, exit 2, nothing on standard output
    let bad = write(dir.path(), "bad.ent", "product A\ncountry US { entitled B }\n");
    let r = entitle(&["lint", bad.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("unknown product `B`"), "{}", r.stderr);
    // with --json the errors are a JSON object on standard output
    let r = entitle(&["lint", bad.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 2);
    let v = json(&r.stdout);
    assert_eq!(v["errors"], 1);
    assert_eq!(levels(&v).len(), 1, "{}", r.stdout);
    assert_eq!(v["diagnostics"][0]["level"], "error");
    // a failing scenario statement is an error of the report: standard output, exit 2
    let s = write(
        dir.path(),
        "s.ent",
        &format!("{POLICY}scenario \"x\" {{\n  convert Nope\n}}\n"),
    );
    let r = entitle(&["lint", s.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("Nope"), "{}", r.stdout);
    let r = entitle(&["lint", s.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 2);
    assert!(
        levels(&json(&r.stdout)).iter().any(|(_, l)| l == "error"),
        "{}",
        r.stdout
    );
}

#[test]
fn allow_warn_deny_and_the_last_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.ent", POLICY);
    let p = p.to_str().unwrap();
    let run = |flags: &[&str]| {
        let r = entitle(&[&["lint", p, "--json"], flags].concat());
        (r.code, levels(&json(&r.stdout)))
    };
    let both = vec![pair("redundant-entry", "warn"), pair("unused-group", "warn")];
    assert_eq!(run(&[]), (0, both.clone()));
    assert_eq!(run(&["--warn", "unused-group"]), (0, both));
    assert_eq!(
        run(&["--allow", "unused-group"]),
        (0, vec![pair("redundant-entry", "warn")])
    );
    assert_eq!(
        run(&["--deny", "unused-group"]),
        (1, vec![pair("redundant-entry", "warn"), pair("unused-group", "deny")])
    );
    // the last flag naming a code wins, whichever flags they are
    assert_eq!(
        run(&["--deny", "unused-group", "--allow", "unused-group"]),
        (0, vec![pair("redundant-entry", "warn")])
    );
    assert_eq!(
        run(&["--allow", "unused-group", "--deny", "unused-group"]).1,
        vec![pair("redundant-entry", "warn"), pair("unused-group", "deny")]
    );
    assert_eq!(
        run(&["--deny", "unused-group", "--warn", "unused-group"]),
        (0, vec![pair("redundant-entry", "warn"), pair("unused-group", "warn")])
    );
    // --deny-warnings denies every warning; an allowed code stays allowed
    assert_eq!(
        run(&["--deny-warnings", "--allow", "redundant-entry"]),
        (1, vec![pair("unused-group", "deny")])
    );
    assert_eq!(
        run(&[
            "--allow",
            "redundant-entry",
            "--allow",
            "unused-group",
            "--deny-warnings"
        ]),
        (0, vec![])
    );
    // a denied finding is an error in the text too, with the flag named
    let r = entitle(&["lint", p, "--deny", "unused-group"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("[unused-group] Error"), "{}", r.stdout);
    assert!(
        r.stdout.contains("`--deny unused-group` makes this an error"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.ends_with("1 error, 1 warning\n"), "{}", r.stdout);
}

#[test]
fn an_unknown_code_is_an_error_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.ent", POLICY);
    for flag in ["--allow", "--warn", "--deny"] {
        let r = entitle(&["lint", p.to_str().unwrap(), flag, "unused-grop"]);
        assert_eq!(r.code, 2, "{flag}");
        assert_eq!(r.stdout, "");
        assert!(r.stderr.contains("unknown lint code `unused-grop`"), "{}", r.stderr);
        assert!(r.stderr.contains("did you mean `unused-group`?"), "{}", r.stderr);
    }
}

#[test]
fn inline_allow_comments() {
    let dir = tempfile::tempdir().unwrap();
    let text = POLICY
        .replace(
            "group Idle in US { }",
            "# entitle: allow(unused-group) -- kept for the Q3 rollout\ngroup Idle in US { }",
        )
        .replace(
            "allowed Bridge, Bridge }",
            "allowed Bridge, Bridge }  # entitle: allow(redundant-entry, unused-grup)",
        );
    let p = write(dir.path(), "p.ent", &text);
    let r = entitle(&["lint", p.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0);
    let v = json(&r.stdout);
    assert_eq!(levels(&v), vec![pair("unknown-lint", "warn")]);
    assert_eq!(v["diagnostics"][0]["help"], "did you mean `unused-group`?");
    // the comment's codes are the printed ones: --deny does not override a comment
    let r = entitle(&[
        "lint",
        p.to_str().unwrap(),
        "--deny",
        "unused-group",
        "--allow",
        "unknown-lint",
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.stdout, "no problems found\n");
}

#[test]
fn help_describes_the_flags() {
    let r = entitle(&["lint", "--help"]);
    assert_eq!(r.code, 0);
    for needle in [
        "--allow <CODE>",
        "--warn <CODE>",
        "--deny <CODE>",
        "--deny-warnings",
        "last flag wins",
        "# entitle: allow(CODE)",
        "mixed-group-modes",
        "unused-allow",
    ] {
        assert!(r.stdout.contains(needle), "lint --help lacks {needle:?}:\n{}", r.stdout);
    }
}

// ---------------------------------------------------------------------- commands in hints

/// A shell's words: whitespace-separated, with '…' and "…" quoting (enough for the hints).
fn shell_words(s: &str) -> Vec<String> {
    let (mut words, mut word, mut any) = (vec![], String::new(), false);
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                any = true;
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    word.push(d);
                }
            }
            '"' => {
                any = true;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        _ => word.push(d),
                    }
                }
            }
            '\\' => {
                any = true;
                word.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                any = true;
                word.push(c);
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

/// Every `entitle …` command quoted in the help lines of `lint --json` on `path`.
fn hint_commands(path: &str) -> Vec<String> {
    let r = entitle(&["lint", path, "--json"]);
    assert_ne!(r.code, 2, "{path}: {}", r.stdout);
    let v = json(&r.stdout);
    let mut out = vec![];
    for d in v["diagnostics"].as_array().unwrap() {
        let help = d["help"].as_str().unwrap_or("");
        for (i, piece) in help.split('`').enumerate() {
            if i % 2 == 1 && piece.starts_with("entitle ") {
                out.push(piece.to_string());
            }
        }
        assert!(
            !help.contains("run `"),
            "{path}: a hint says `run` without a command: {help}"
        );
    }
    out
}

/// Exercises every hint with a command: legacy exceptions beside a list (`convert`), a legacy
/// and an unconfigured group beside an allow-list group (`convert`, `set member`), a country
/// that denies by default (`set default`); names that must be quoted.
const HINTED: &str = r#"product Bridge
product Survey
product "Site Viewer"
country US { entitled Bridge, Survey, "Site Viewer"  default deny }
group "Road Crew" in US {
  allowed Bridge
  exception allow Survey
}
group Legacy in US {
  exception allow "Site Viewer"
}
group Empty in US { }
user kim@acme.com { country US  groups "Road Crew", Legacy }
user "o'neil@acme.com" { country US  groups "Road Crew", Empty }
"#;

#[test]
fn every_command_a_hint_shows_runs() {
    let dir = tempfile::tempdir().unwrap();
    // a file name a shell must have quoted
    std::fs::create_dir(dir.path().join("my policies")).unwrap();
    let hinted = write(&dir.path().join("my policies"), "acme's.ent", HINTED);
    let mut files: Vec<String> = vec![hinted.to_str().unwrap().to_string()];
    let mut scenarios: Vec<String> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ent"))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 12);
    files.extend(scenarios);
    let mut run = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for file in &files {
        for command in hint_commands(file) {
            let words = shell_words(&command);
            assert_eq!(words[0], "entitle", "{command}");
            assert_eq!(&words[2], file, "{command}: the hint must name the file as given");
            let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let code = entitle::cli::run_to(&args, &mut out, &mut err);
            let err = String::from_utf8_lossy(&err);
            assert!(code == 0 || code == 1, "{command}: exit {code}\n{err}");
            assert!(!out.is_empty(), "{command}: no output");
            kinds.insert(words[4].split_whitespace().take(2).collect::<Vec<_>>().join(" "));
            run += 1;
        }
    }
    assert!(run >= 10, "only {run} commands in hints");
    for kind in ["convert \"Road", "convert Legacy", "set member", "set default"] {
        assert!(
            kinds.iter().any(|k| k.starts_with(kind)),
            "no `{kind}` hint in {kinds:?}"
        );
    }
}

// ---------------------------------------------------------------------- docs/lint.md

/// The `ent` blocks of docs/lint.md, linted together, give every lint code; the table lists
/// every code.
#[test]
fn docs_show_every_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/lint.md")).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut blocks = 0;
    let mut rest = doc.as_str();
    while let Some(start) = rest.find("```ent\n") {
        let body = &rest[start + 7..];
        let end = body.find("```").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "example.ent", &body[..end]);
        let r = entitle(&["lint", p.to_str().unwrap(), "--json"]);
        assert_eq!(r.code, 0, "{}", r.stdout);
        for (code, _) in levels(&json(&r.stdout)) {
            seen.insert(code);
        }
        blocks += 1;
        rest = &body[end..];
    }
    assert!(blocks >= 1);
    for (code, _) in entitle::lint::CODES {
        assert!(seen.contains(*code), "no example in docs/lint.md gives `{code}`");
        assert!(
            doc.contains(&format!("| `{code}` |")),
            "docs/lint.md has no table row for `{code}`"
        );
    }
}

/// A code with more than 10 findings shows its first 3 and a count, and a table by code ends
/// the report; `--verbose` shows every one; `--json` always lists every one.
#[test]
fn many_findings_of_one_code_are_grouped_with_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(POLICY);
    for i in 0..25 {
        text.push_str(&format!("group Spare{i} in US {{ }}\n"));
    }
    let p = write(dir.path(), "many.ent", &text);
    let p = p.to_str().unwrap();
    let r = entitle(&["lint", p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // 26 unused groups (Idle and the 25 spares): 3 shown
    assert_eq!(r.stdout.matches("[unused-group]").count(), 3, "{}", r.stdout);
    assert!(r.stdout.contains("… and 23 more `unused-group`\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains("\nby code (`--verbose` shows every finding"),
        "{}",
        r.stdout
    );
    let table: Vec<&str> = r
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("by code"))
        .skip(1)
        .collect();
    assert_eq!(
        table[0].split_whitespace().collect::<Vec<_>>(),
        ["unused-group", "26"],
        "{}",
        r.stdout
    );
    assert_eq!(
        table[1].split_whitespace().collect::<Vec<_>>(),
        ["redundant-entry", "1"],
        "{}",
        r.stdout
    );
    // the count line counts every finding
    assert!(r.stdout.ends_with("27 warnings\n"), "{}", r.stdout);
    // a code with few findings is never cut
    assert_eq!(r.stdout.matches("[redundant-entry]").count(), 1);
    let v = entitle(&["lint", p, "--verbose"]);
    assert_eq!(v.stdout.matches("[unused-group]").count(), 26);
    assert!(!v.stdout.contains("more `unused-group`"));
    let j = entitle(&["lint", p, "--json"]);
    assert_eq!(json(&j.stdout)["diagnostics"].as_array().unwrap().len(), 27);
}
