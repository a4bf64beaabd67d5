//! Cedar and Rego must decide exactly as entitle (`eval::decide`): on a small synthetic
//! organisation, on every shipped scenario file, and on a policy of edge cases.

use peers::{Measure, Report, Requests};
use std::time::Duration;

fn assert_agree(what: &str, report: &Report) {
    let mut names = vec![];
    for e in &report.engines {
        names.push(e.name.as_str());
        assert!(
            e.disagreements == 0 && e.rule_disagreements == 0 && e.errors == 0,
            "{what}: {} disagrees with entitle:\n{}",
            e.name,
            peers::render(report)
        );
    }
    for engine in [peers::CEDAR, peers::REGORUS, peers::REGORUS_RVM] {
        assert!(names.contains(&engine), "{what}: {engine} did not run");
    }
}

const QUICK: Measure = Measure {
    sample: 100,
    min_time: Duration::ZERO,
};

#[test]
fn generated_organisation_agrees() {
    let cfg = peers::Config {
        users: 300,
        products: 20,
        groups: peers::Config::default_groups(300),
        seed: 7,
        requests: 2_000,
        sample: 200,
    };
    let report = peers::run(&cfg, &mut |_| {}).expect("runs");
    assert_eq!(report.requests, 2_000);
    assert_agree("300 users, 20 products", &report);
    // the requests reach most rules (the generator shows every mode and status)
    let reached = report.rule_counts.iter().filter(|(_, n)| *n > 0).count();
    assert!(reached >= 8, "{:?}", report.rule_counts);
    let line = peers::render(&report);
    let last = line.lines().last().unwrap();
    assert!(
        last.starts_with("entitle vs cedar: ") && last.contains("x, vs regorus: "),
        "{last}"
    );
}

#[test]
fn every_scenario_agrees_on_every_pair() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ent"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let report = peers::run_policy(&name, &text, Requests::All, QUICK, &mut |_| {}).expect("loads");
        assert_agree(&name, &report);
    }
}

/// Every rule and the corners of §3 in one policy, decided for every pair.
const EDGES: &str = r#"
product A
product B "Bee Product"
product C
product D
country US "United States" {
  covers CA, MX
  entitled A, B, C
  default deny
  allow B
}
country DE { default allow  deny C }
country FR { entitled }
group Strict in US { allowed A }
group Incl in US { allowed C  include-country }
group EmptyIncl in US { include-country }
group Legacy in US { exception allow C  exception deny A }
group Ignored in US { allowed A  exception allow B }
group Nothing in US { }
group DeStrict in DE { allowed A }
group DeIncl in DE { allowed A  include-country }
group DeLegacy in DE { exception deny B  exception allow C }
user a@x.com { country US  groups Strict }
user b@x.com { country CA  groups Legacy, Strict }
user c@x.com { country MX  groups Nothing, EmptyIncl }
user d@x.com { country US  groups Incl, Legacy }
user e@x.com { country US  groups Ignored }
user f@x.com { country US  groups DeStrict, Legacy }
user g@x.com { country DE  groups DeStrict, DeLegacy }
user h@x.com { country DE  groups DeIncl, DeLegacy }
user i@x.com { country DE  groups DeLegacy  allow C  deny A }
user j@x.com { country "United States"  groups Strict  allow D  deny A }
user k@x.com { country ZZ  groups Strict }
user l@x.com { country US  status pending }
user m@x.com { country ZZ  status invited }
user n@x.com { country FR }
user o@x.com { country de  groups Strict, DeLegacy }
key K1 { groups Strict, Legacy }
key K2 { groups DeLegacy }
key K3 { }
key K4 { groups Nothing }
"#;

#[test]
fn edge_cases_agree_on_every_pair() {
    let report = peers::run_policy("edges.ent", EDGES, Requests::All, QUICK, &mut |_| {}).expect("loads");
    assert_agree("edges", &report);
    let missing: Vec<_> = report.rule_counts.iter().filter(|(_, n)| *n == 0).collect();
    assert!(missing.is_empty(), "rules never reached: {missing:?}");
}
