//! `explain`, `access` and `can` with `--format plain` and `--format markdown`: answers a
//! support engineer can paste to a customer. For every principal × product of every shipped
//! scenario and spec example, the answer carries no rule code, no file position and no policy
//! syntax; a few answers are snapshot-tested word for word.

// Runs the command line in process: needs the default `cli` feature.
#![cfg(feature = "cli")]

use entitle::{Policy, Rule};
use std::path::{Path, PathBuf};

/// The `.ent` files of the shipped scenarios and of both spec example folders. A missing or
/// empty folder fails: the test never passes by checking nothing.
fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = vec![];
    for dir in [
        root.join("scenarios"),
        root.join("../shared/spec/examples"),
        root.join("../shared/spec/examples-r2"),
    ] {
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

fn run(args: &[&str]) -> (i32, String, String) {
    let (mut out, mut err) = (vec![], vec![]);
    let code = entitle::cli::run_to(args, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

/// What must never reach a customer: a rule code, a file position, a file name, a
/// policy statement.
fn assert_customer_words(what: &str, text: &str) {
    for rule in Rule::ALL {
        assert!(
            !text.contains(rule.as_str()),
            "{what}: rule code `{}` in:\n{text}",
            rule.as_str()
        );
    }
    let pos = regex_like_position(text);
    assert!(pos.is_none(), "{what}: a file position `{}` in:\n{text}", pos.unwrap());
    // the statements of LANGUAGE.md §5 and the policy's own keywords
    for bad in [
        ".ent",
        "`",
        "what-if",
        "set status",
        "set entitlement-country",
        "set exception",
        "set group-exception",
        "set member",
        "set allowed",
        "set include-country",
        "set entitled",
        "set revenue",
        "set global",
        "set domain",
        "set key-country",
        "set default",
        "set access",
        "include-country",
        "entitlement-country",
        "key-country",
        "group-exception",
        "clear-exceptions",
        "exception allow ",
        "exception deny ",
        "entitled [",
        "allowed [",
    ] {
        assert!(!text.contains(bad), "{what}: `{bad}` in:\n{text}");
    }
    for line in text.lines() {
        let line = line.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-' || c == ' ');
        for head in [
            "allowed ",
            "convert ",
            "remove ",
            "register ",
            "user ",
            "group ",
            "key ",
            "country ",
        ] {
            assert!(!line.starts_with(head), "{what}: a statement `{line}` in:\n{text}");
        }
    }
    assert!(!text.trim().is_empty(), "{what}: empty answer");
}

/// A `NAME:LINE:COL` position, if the text has one.
fn regex_like_position(text: &str) -> Option<String> {
    let b = text.as_bytes();
    for i in 0..b.len() {
        if b[i] != b':' {
            continue;
        }
        let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        let d1 = digits(i + 1);
        if d1 > 0 && b.get(i + 1 + d1) == Some(&b':') && digits(i + 2 + d1) > 0 {
            return Some(text[i.saturating_sub(10)..(i + 2 + d1 + digits(i + 2 + d1)).min(text.len())].to_string());
        }
    }
    None
}

#[test]
fn the_position_detector_detects() {
    assert!(regex_like_position("at acme.ent:25:22 here").is_some());
    assert!(regex_like_position("In User Management: add").is_none());
}

#[test]
fn every_plain_answer_is_in_the_portals_words() {
    let mut answers = 0;
    for path in corpus() {
        let file = path.to_str().unwrap();
        let policy = Policy::from_path(&path).unwrap_or_else(|e| panic!("{file}: {}", e.render(false)));
        let m = policy.model();
        let principals: Vec<String> = m.principals().map(|p| m.principal_name(p).to_string()).collect();
        let products: Vec<String> = m.product_ids().map(|x| m.product(x).name.clone()).collect();
        for p in &principals {
            for format in ["plain", "markdown"] {
                let (code, out, err) = run(&["access", file, p, "--format", format]);
                assert!(code < 2, "{file} access {p}: {err}");
                assert_customer_words(&format!("{file} access {p} --format {format}"), &out);
                for cap in ["manage-users", "receive-billing", "manage-domains"] {
                    let (code, out, err) = run(&["can", file, p, cap, "--format", format]);
                    assert!(code < 2, "{file} can {p} {cap}: {err}");
                    assert_customer_words(&format!("{file} can {p} {cap} --format {format}"), &out);
                }
                for x in &products {
                    let (code, out, err) = run(&["explain", file, p, x, "--format", format]);
                    assert!(code < 2, "{file} explain {p} {x}: {err}");
                    let (check, ..) = run(&["check", file, p, x]);
                    assert_eq!(code, check, "{file} {p} {x}: the exit code is the decision's");
                    assert_customer_words(&format!("{file} explain {p} {x} --format {format}"), &out);
                    answers += 1;
                }
            }
        }
    }
    assert!(answers > 100, "only {answers} answers checked");
}

fn spec(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/spec")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

fn scenario(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn plain_answers_read_well() {
    let acme = spec("examples/acme.ent");
    let mut text = String::new();
    for (file, args) in [
        (&acme, vec!["explain", "alice@acme.com", "LumenRT", "--format", "plain"]),
        (
            &acme,
            vec!["explain", "alice@acme.com", "LumenRT", "--format", "markdown"],
        ),
        (&acme, vec!["explain", "carl@acme.com", "LumenRT", "--format", "plain"]),
        (
            &acme,
            vec!["explain", "finn@acme.com", "MicroStation", "--format", "plain"],
        ),
        (&acme, vec!["explain", "eve@partner.io", "LumenRT", "--format", "plain"]),
        (&acme, vec!["explain", "SS-0001", "LumenRT", "--format", "plain"]),
        (&acme, vec!["access", "alice@acme.com", "--format", "plain"]),
        (
            &acme,
            vec!["can", "alice@acme.com", "manage-users", "--format", "plain"],
        ),
        (
            &acme,
            vec!["can", "eve@partner.io", "manage-users", "--format", "markdown"],
        ),
    ] {
        let mut full = vec![args[0], file.as_str()];
        full.extend(&args[1..]);
        let (_, out, err) = run(&full);
        assert!(err.is_empty(), "{err}");
        text.push_str(&format!("$ entitle {} {}\n{out}\n", args[0], args[1..].join(" ")));
    }
    insta::assert_snapshot!("plain_answers", text);
}

#[test]
fn plain_answers_of_revision_2() {
    let mut text = String::new();
    let portal = spec("examples-r2/portal-countries.ent");
    let policy = Policy::from_path(Path::new(&portal)).unwrap();
    let m = policy.model();
    // the first denied decision of each kind of reason, as a customer reads it
    let mut seen = std::collections::BTreeSet::new();
    for file in [
        portal.clone(),
        scenario("status.ent"),
        scenario("not-entitled.ent"),
        scenario("revenue-fallback.ent"),
    ] {
        let policy = Policy::from_path(Path::new(&file)).unwrap();
        let m2 = policy.model();
        for p in m2.principals() {
            for x in m2.product_ids() {
                let d = entitle::eval::decide(m2, p, x);
                if !seen.insert((d.access, d.rule)) {
                    continue;
                }
                let (pn, xn) = (m2.principal_name(p), &m2.product(x).name);
                let (_, out, _) = run(&["explain", &file, pn, xn, "--format", "plain"]);
                let short = Path::new(&file).file_name().unwrap().to_string_lossy().into_owned();
                text.push_str(&format!("$ entitle explain {short} {pn} {xn} --format plain\n{out}\n"));
            }
        }
    }
    let _ = m;
    insta::assert_snapshot!("plain_answers_r2", text);
}

#[test]
fn text_stays_the_default_and_json_is_unchanged() {
    let acme = spec("examples/acme.ent");
    let (_, text, _) = run(&["explain", &acme, "alice@acme.com", "LumenRT"]);
    assert!(
        text.starts_with("deny alice@acme.com LumenRT by group-not-allowed"),
        "{text}"
    );
    let (_, j1, _) = run(&["explain", &acme, "alice@acme.com", "LumenRT", "--json"]);
    let (_, j2, _) = run(&["explain", &acme, "alice@acme.com", "LumenRT", "--format", "json"]);
    assert_eq!(j1, j2);
    assert!(j1.starts_with('{'));
    // plain is only for the answers a customer reads
    let (code, _, err) = run(&["check", &acme, "alice@acme.com", "LumenRT", "--format", "plain"]);
    assert_eq!(code, 2, "{err}");
}
