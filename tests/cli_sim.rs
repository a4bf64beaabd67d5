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
    let summary = entitle(&["matrix", p, "--format", "summary", "--json"]);
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
        r.stdout
            .starts_with("2 decisions change (6 compared): 0 lose access, 0 gain access, 2 change only the rule"),
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
    assert!(same.stdout.starts_with("no decision changes"));
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
        let one = entitle(&["--threads", "1", "matrix", o, "--format", format]);
        let many = entitle(&["--threads", "4", "matrix", o, "--format", format]);
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
        "--threads",
        "1",
        "simulate",
        o,
        "--what-if",
        "set default US deny",
        "--json",
    ]);
    let b = entitle(&[
        "--threads",
        "3",
        "simulate",
        o,
        "--what-if",
        "set default US deny",
        "--json",
    ]);
    assert_eq!(a.stdout, b.stdout);
}
