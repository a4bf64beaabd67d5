//! End-to-end tests of the simulator commands: who, matrix, diff, simulate, gen.

// Runs the binary or uses the front ends: needs the default `cli` feature.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};

mod common;
use common::entitle;

const POLICY: &str = r#"product Bridge "Bridge, Designer"
product Survey
country US { default deny  allow Survey }
group Roads in US { allowed Bridge }
group Old in US { exception allow Survey  exception deny Bridge }
user kim@x.io { country US  groups Roads }
user "lee,jr@x.io" { country US  groups Old }
user max@x.io { country US  status pending }
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn csv_follows_rfc_4180_and_the_spec_shape() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.ent", POLICY);
    let r = entitle(&["matrix", p.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "principal,Bridge,Survey");
    assert_eq!(
        lines[1],
        "kim@x.io,allow group-allowed Roads,deny group-not-allowed Roads"
    );
    // a principal with a comma is quoted
    assert_eq!(
        lines[2],
        "\"lee,jr@x.io\",deny group-exception Old,allow group-exception Old"
    );
    assert_eq!(lines[3], "max@x.io,deny status,deny status");
    assert_eq!(lines.len(), 4);
    let mut reader = csv::Reader::from_reader(r.stdout.as_bytes());
    for rec in reader.records() {
        let rec = rec.unwrap();
        assert!(rec
            .iter()
            .skip(1)
            .all(|c| c.starts_with("allow") || c.starts_with("deny")));
    }
}

#[test]
fn matrix_formats_agree() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.ent", POLICY);
    let p = p.to_str().unwrap();
    let json = entitle(&["matrix", p, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("matrix json parses");
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[1]["principal"], "lee,jr@x.io");
    assert_eq!(v[1]["decisions"][0]["rule"], "group-exception");
    let summary = entitle(&["matrix", p, "--summary", "--json"]);
    let s: serde_json::Value = serde_json::from_str(&summary.stdout).unwrap();
    assert_eq!(s["principals"], 3);
    assert_eq!(s["products"][0]["allow"], 1);
    assert_eq!(s["products"][0]["deny_by_rule"]["status"], 1);
    let table = entitle(&["matrix", p]);
    assert!(table.stdout.contains("kim@x.io     A ga    D gn"), "{}", table.stdout);
}

#[test]
fn who_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.ent", POLICY);
    let p = p.to_str().unwrap();
    let r = entitle(&["who", p, "Bridge, Designer"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("Bridge: 1 allowed, 2 denied"), "{}", r.stdout);
    assert!(r.stdout.contains("denied by status (1):\n  max@x.io"), "{}", r.stdout);
    let j = entitle(&["who", p, "Survey", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["allowed_count"], 1);
    assert_eq!(entitle(&["who", p, "Nope"]).code, 2);
}

#[test]
fn simulate_reports_what_a_conversion_takes_away() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.ent", POLICY);
    let p = p.to_str().unwrap();
    let r = entitle(&["simulate", p, "--what-if", "convert Old"]);
    assert_eq!(r.code, 1, "changes exit 1: {}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "no one loses or gains access to a product\n2 decisions change (6 compared): 0 lose access, 0 gain access, 2 change only the rule"
        ),
        "{}",
        r.stdout
    );
    let r = entitle(&[
        "simulate",
        p,
        "--what-if",
        "set default US allow",
        "--what-if",
        "remove group Roads",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["granted"], 1, "{}", r.stdout);
    assert_eq!(v["causes"][0]["changes"][0]["principal"], "kim@x.io");
    // an invalid statement is an error that names it
    let r = entitle(&["simulate", p, "--what-if", "convert Nope"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown group `Nope`"), "{}", r.stderr);
    // nothing changes: exit 0
    assert_eq!(entitle(&["simulate", p, "--what-if", "set default US deny"]).code, 0);
}

#[test]
fn diff_of_two_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.ent", POLICY);
    let b = write(
        dir.path(),
        "b.ent",
        &POLICY.replace("allowed Bridge", "allowed Bridge, Survey"),
    );
    let r = entitle(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("deny by group-not-allowed → allow by group-allowed: 1"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("kim@x.io Survey  (group Roads)"), "{}", r.stdout);
    let same = entitle(&["diff", a.to_str().unwrap(), a.to_str().unwrap()]);
    assert_eq!(same.code, 0);
    assert!(same
        .stdout
        .starts_with("no one loses or gains access to a product\nno decision changes"));
    // the people lead
    assert!(
        r.stdout
            .starts_with("no one loses access; 1 user gains access to at least one product\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("\nby principal (1, losses first):\n  kim@x.io: gains 1 product, all `deny by group-not-allowed → allow by group-allowed`\n"), "{}", r.stdout);
}

#[test]
fn gen_is_deterministic_valid_and_thread_count_does_not_change_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.ent");
    let o = out.to_str().unwrap();
    let args = [
        "gen",
        "--users",
        "6000",
        "--products",
        "70",
        "--groups",
        "60",
        "--seed",
        "9",
    ];
    let first = entitle(&args);
    assert_eq!(first.code, 0);
    assert_eq!(entitle(&args).stdout, first.stdout, "same seed, same policy");
    assert_eq!(entitle(&[&args[..], &["-o", o]].concat()).code, 0);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first.stdout);
    assert_eq!(entitle(&["lint", o]).code, 0);
    for format in ["csv", "summary", "json"] {
        let one = entitle(&["matrix", o, "--format", format, "--threads", "1"]);
        let many = entitle(&["matrix", o, "--format", format, "--threads", "4"]);
        assert_eq!(one.code, 0);
        assert_eq!(one.stdout, many.stdout, "{format}");
    }
    let csv = entitle(&["matrix", o, "--format", "csv"]);
    assert_eq!(
        csv.stdout.lines().count(),
        6000 + (6000 / 1000 + 4) + 1,
        "header + users + keys"
    );
    let a = entitle(&[
        "simulate",
        o,
        "--what-if",
        "set default US deny",
        "--json",
        "--threads",
        "1",
    ]);
    let b = entitle(&[
        "simulate",
        o,
        "--what-if",
        "set default US deny",
        "--json",
        "--threads",
        "3",
    ]);
    assert_eq!(a.stdout, b.stdout);
}

/// Five users who lose Survey when US's General Access for it goes: one cause, five changes.
fn five_lose_survey(dir: &Path) -> (String, String) {
    let mut text = String::from("product Survey\ncountry US { default deny  allow Survey }\n");
    for i in 0..5 {
        text.push_str(&format!("user u{i}@x.io {{ country US }}\n"));
    }
    let a = write(dir, "a.ent", &text);
    let b = write(dir, "b.ent", &text.replace("  allow Survey", ""));
    (a.to_str().unwrap().to_string(), b.to_str().unwrap().to_string())
}

#[test]
fn limit_caps_every_list_in_text_and_json_alike_and_keeps_counts_exact() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = five_lose_survey(dir.path());
    // diff: text
    let r = entitle(&["diff", &a, &b, "--limit", "2"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("allow by product-access → deny by default-access: 5\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("  u0@x.io Survey\n  u1@x.io Survey\n  … and 3 more (--limit 0 lists all)\n"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("u2@x.io"), "{}", r.stdout);
    // diff: JSON, the same cap, the exact count
    let j = entitle(&["diff", &a, &b, "--limit", "2", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["changed"], 5);
    assert_eq!(v["causes"][0]["count"], 5);
    assert_eq!(v["causes"][0]["changes"].as_array().unwrap().len(), 2);
    // 0 lists all, in both
    let all = entitle(&["diff", &a, &b, "--limit", "0", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&all.stdout).unwrap();
    assert_eq!(v["causes"][0]["changes"].as_array().unwrap().len(), 5);
    let all = entitle(&["diff", &a, &b, "--limit", "0"]);
    assert!(
        all.stdout.contains("u4@x.io Survey") && !all.stdout.contains("more"),
        "{}",
        all.stdout
    );
    // simulate: the same
    let s = entitle(&[
        "simulate",
        &a,
        "--what-if",
        "set access US Survey inherit",
        "--limit",
        "1",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&s.stdout).unwrap();
    assert_eq!(v["causes"][0]["count"], 5, "{}", s.stdout);
    assert_eq!(v["causes"][0]["changes"].as_array().unwrap().len(), 1);
    let s = entitle(&[
        "simulate",
        &a,
        "--what-if",
        "set access US Survey inherit",
        "--limit",
        "1",
    ]);
    assert!(
        s.stdout.contains("  … and 4 more (--limit 0 lists all)\n"),
        "{}",
        s.stdout
    );
    // who: each list capped, counts exact
    let w = entitle(&["who", &a, "Survey", "--limit", "3"]);
    assert!(
        w.stdout.starts_with("Survey: 5 allowed, 0 denied\n\nallowed (5):\n"),
        "{}",
        w.stdout
    );
    assert!(
        w.stdout
            .ends_with("  u2@x.io  by product-access\n  … and 2 more (--limit 0 lists all)\n"),
        "{}",
        w.stdout
    );
    let w = entitle(&["who", &b, "Survey", "--limit", "3", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&w.stdout).unwrap();
    assert_eq!(v["denied_count"], 5);
    assert_eq!(v["denied"]["default-access"].as_array().unwrap().len(), 3);
    assert_eq!(v["denied_counts"]["default-access"], 5);
    // without --limit, who lists everyone, as before
    let w = entitle(&["who", &b, "Survey", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&w.stdout).unwrap();
    assert_eq!(v["denied"]["default-access"].as_array().unwrap().len(), 5);
    assert!(v.get("denied_counts").is_none());
}

#[test]
fn json_is_format_json_everywhere_and_an_error_where_there_is_no_json() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.ent", POLICY);
    let p = p.to_str().unwrap();
    let queries: [&[&str]; 9] = [
        &["check", p, "kim@x.io", "Survey"],
        &["explain", p, "kim@x.io", "Survey"],
        &["access", p, "kim@x.io"],
        &["can", p, "kim@x.io", "manage-users"],
        &["who", p, "Survey"],
        &["lint", p],
        &["diff", p, p],
        &["simulate", p, "--what-if", "convert Old"],
        &["test", p],
    ];
    for q in queries {
        let json = entitle(&[q, &["--json"]].concat());
        let format = entitle(&[q, &["--format", "json"]].concat());
        let text = entitle(&[q, &["--format", "text"]].concat());
        assert_eq!(json.stdout, format.stdout, "{q:?}");
        assert_eq!(json.code, format.code, "{q:?}");
        serde_json::from_str::<serde_json::Value>(&json.stdout).unwrap_or_else(|e| panic!("{q:?}: {e}"));
        assert_eq!(text.stdout, entitle(q).stdout, "{q:?}");
        // two formats at once is an error, not a silent choice
        assert_eq!(entitle(&[q, &["--json", "--format", "text"]].concat()).code, 2, "{q:?}");
    }
    // matrix: --json is --format json (it used to print the table)
    let json = entitle(&["matrix", p, "--json"]);
    assert_eq!(json.stdout, entitle(&["matrix", p, "--format", "json"]).stdout);
    assert!(json.stdout.starts_with("[\n{\"principal\""), "{}", json.stdout);
    // the summary: --summary (or the spec's --format summary) as text, --summary --json as JSON
    let summary = entitle(&["matrix", p, "--summary"]);
    assert!(summary.stdout.starts_with("3 principals\n"), "{}", summary.stdout);
    assert_eq!(summary.stdout, entitle(&["matrix", p, "--format", "summary"]).stdout);
    let sj = entitle(&["matrix", p, "--summary", "--format", "json"]);
    assert_eq!(sj.stdout, entitle(&["matrix", p, "--summary", "--json"]).stdout);
    serde_json::from_str::<serde_json::Value>(&sj.stdout).unwrap();
    assert_eq!(entitle(&["matrix", p, "--summary", "--format", "csv"]).code, 2);
    assert_eq!(entitle(&["matrix", p, "--format", "summary", "--json"]).code, 2);
    // commands without JSON reject both spellings
    let csv = write(dir.path(), "u.csv", "Email,First Name,Last Name,Country\n");
    let csv = csv.to_str().unwrap();
    let no_json: [&[&str]; 5] = [
        &["fmt", p],
        &["gen", "--users", "1"],
        &["report", p],
        &["import-users", p, csv],
        &["repl", p],
    ];
    for q in no_json {
        for flag in [&["--json"][..], &["--format", "json"][..]] {
            let r = entitle(&[q, flag].concat());
            assert_eq!(r.code, 2, "{q:?} {flag:?}: {}", r.stdout);
            assert!(r.stderr.contains("unexpected argument"), "{q:?} {flag:?}: {}", r.stderr);
        }
    }
}

#[test]
fn threads_only_where_work_runs_in_parallel() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.ent", POLICY);
    let p = p.to_str().unwrap();
    for q in [
        &["matrix", p][..],
        &["who", p, "Survey"],
        &["diff", p, p],
        &["simulate", p, "--what-if", "convert Old"],
    ] {
        let r = entitle(&[q, &["--threads", "2"]].concat());
        assert_eq!(r.stdout, entitle(q).stdout, "{q:?}");
        assert_ne!(r.code, 2, "{q:?}: {}", r.stderr);
    }
    for q in [&["check", p, "kim@x.io", "Survey"][..], &["lint", p], &["fmt", p]] {
        let r = entitle(&[q, &["--threads", "2"]].concat());
        assert_eq!(r.code, 2, "{q:?}");
    }
    // not a global flag any more
    assert_eq!(entitle(&["--threads", "2", "matrix", p]).code, 2);
}

#[test]
fn every_argument_is_described_in_help() {
    for cmd in [
        "check",
        "explain",
        "access",
        "can",
        "lint",
        "fmt",
        "test",
        "who",
        "matrix",
        "diff",
        "simulate",
        "gen",
        "repl",
        "import-users",
        "export",
        "import",
        "report",
    ] {
        let help = entitle(&[cmd, "-h"]);
        assert_eq!(help.code, 0, "{cmd}");
        // clap prints an argument without help as its bare name: every line of the
        // Arguments and Options sections that names an argument also describes it
        let mut section = "";
        for line in help.stdout.lines() {
            if line.ends_with(':') && !line.starts_with(' ') {
                section = line;
                continue;
            }
            if (section == "Arguments:" || section == "Options:") && line.starts_with("  ") {
                let entry = line.trim_start();
                if entry.starts_with('-') || entry.starts_with('<') || entry.starts_with('[') {
                    // `  <POLICY>  Policy file`: a name, two or more spaces, the help
                    assert!(
                        entry.contains("  "),
                        "{cmd}: `{entry}` has no help line\n{}",
                        help.stdout
                    );
                }
            }
        }
    }
}

/// A statement that changes no decision says why, in terms of the policy: what it already
/// says, whom the statement could reach, or which earlier rules decide.
#[test]
fn a_statement_that_changes_nothing_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{POLICY}country CA {{ default allow }}\ngroup North in CA {{ allowed Survey }}\ngroup Blank in US {{ include-country }}\n"
    );
    let p = write(dir.path(), "p.ent", &text);
    let p = p.to_str().unwrap();
    let run = |stmts: &[&str], extra: &[&str]| {
        let mut args = vec!["simulate", p];
        for s in stmts {
            args.extend(["--what-if", s]);
        }
        args.extend(extra);
        let r = entitle(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let out = run(
        &[
            "set default US deny",
            "set access US Survey allow",
            "set access US Bridge deny",
            "set status max@x.io pending",
            "set member Roads kim@x.io on",
            "set allowed Roads Survey off",
        ],
        &[],
    );
    for line in [
        "#1 `set default US deny`: no change: US's Default Access is already deny",
        "#2 `set access US Survey allow`: no change: US already allows Survey (General Access)",
        "#4 `set status max@x.io pending`: no change: max@x.io is already pending",
        "#5 `set member Roads kim@x.io on`: no change: kim@x.io is already a member of group Roads",
        "#6 `set allowed Roads Survey off`: no change: the Allowed Applications of group Roads do not list Survey",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    // #3 changes the text; Bridge is decided by the groups for every US user but max, who is
    // pending: the earlier rules are named with their counts, in the order of the procedure
    assert!(
        out.contains(
            "#3 `set access US Bridge deny`: changes no decision: the 3 decisions it could touch (the principals whose entitlement country is US) are decided as before, by: status (1), group-allowed (1), group-exception (1)"
        ),
        "{out}"
    );
    // a country nobody is in, a group of another country, a group without a list
    let out = run(
        &[
            "set default CA deny",
            "set member North kim@x.io on",
            "set include-country Blank off",
        ],
        &[],
    );
    for line in [
        "#1 `set default CA deny`: changes no decision: it touches no decision: no user or key has CA as entitlement country",
        "#2 `set member North kim@x.io on`: changes no decision: group North belongs to CA, and kim@x.io's entitlement country is US: the group is ignored for them",
        "#3 `set include-country Blank off`: changes no decision: group Blank has no Allowed Applications list, and include-country only acts on a group whose list is non-empty",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    // filters: the statement reaches only principals the filters leave out
    let out = run(&["set group-exception Old Bridge allow"], &["--principal", "kim@x.io"]);
    assert!(
        out.contains("the filters select none of the decisions it could touch"),
        "{out}"
    );
    // JSON: the reason, and whether the policy already said so
    let r = entitle(&["simulate", p, "--what-if", "set default US deny", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let s = &v["statements"][0];
    assert_eq!(s["already"], true, "{s}");
    assert_eq!(s["no_change"], "US's Default Access is already deny");
}

/// New principals pass through the same principal filters as the others, their groups and
/// countries found by name in the new policy; a `--principal` naming only a new principal is
/// not an error.
#[test]
fn new_principals_follow_the_principal_filters() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "p.ent",
        &format!("{POLICY}country CA {{ default allow }}\n"),
    );
    let p = p.to_str().unwrap();
    let adds = [
        "--what-if",
        "user new@x.io { country US  groups Roads }",
        "--what-if",
        "user other@x.io { country CA }",
    ];
    let run = |filter: &[&str]| {
        let mut args = vec!["simulate", p];
        args.extend(adds);
        args.extend(filter);
        let r = entitle(&args);
        assert_ne!(r.code, 2, "{}", r.stderr);
        r.stdout
    };
    let out = run(&["--group", "Roads"]);
    assert!(out.contains("principals added: new@x.io\n"), "{out}");
    assert!(out.contains("new@x.io may use 1 of 2: Bridge"), "{out}");
    assert!(!out.contains("other@x.io may use"), "{out}");
    assert!(
        out.contains(
            "`user other@x.io { country CA }`: changes no decision: it adds other@x.io, which the filters leave out"
        ),
        "{out}"
    );
    let out = run(&["--country", "CA"]);
    assert!(out.contains("principals added: other@x.io\n"), "{out}");
    assert!(out.contains("other@x.io may use 2 of 2"), "{out}");
    assert!(!out.contains("new@x.io may use"), "{out}");
    let out = run(&["--principal", "other@x.io"]);
    assert!(out.contains("other@x.io may use 2 of 2"), "{out}");
    let out = run(&["--principal", "n*"]);
    assert!(out.contains("new@x.io may use"), "{out}");
    assert!(!out.contains("other@x.io may use"), "{out}");
    // a principal only the new policy has is found by `diff` too
    let q = write(
        dir.path(),
        "q.ent",
        &format!("{POLICY}country CA {{ default allow }}\nuser other@x.io {{ country CA }}\n"),
    );
    let r = entitle(&["diff", p, q.to_str().unwrap(), "--principal", "other@x.io"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.contains("other@x.io may use 2 of 2"), "{}", r.stdout);
    let r = entitle(&["diff", p, q.to_str().unwrap(), "--principal", "kim@x.io"]);
    assert!(!r.stdout.contains("other@x.io"), "{}", r.stdout);
}
