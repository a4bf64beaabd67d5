//! Cedar and Rego must decide exactly as entitle (`eval::decide`): on a small synthetic
//! organisation, the same with revision 2 constructs added, every shipped scenario file and
//! spec example (and every scenario's working copy), and two policies of edge cases (revision
//! 1 and revision 2).

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
        r2: 0,
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

/// Every `.ent` file of a folder (relative to the workspace root); a missing folder fails.
fn ent_files(folder: &str) -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ent"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .ent file in {}", dir.display());
    files
}

/// Every pair of a file's policy, then of every scenario's working copy at each expectation
/// (so the what-if statements, r2's granular edits included, are covered too). Returns how
/// many policies were compared.
fn file_agrees(f: &std::path::Path) -> usize {
    let text = std::fs::read_to_string(f).unwrap();
    let name = f.file_name().unwrap().to_string_lossy().into_owned();
    let report = peers::run_policy(&name, &text, Requests::All, QUICK, &mut |_| {}).expect("loads");
    assert_agree(&name, &report);
    let mut sources = entitle::Sources::new();
    let id = sources.add(name.clone(), text.clone());
    let contexts = entitle::testing::expectation_contexts(&sources, id)
        .unwrap_or_else(|e| panic!("{name}: {} errors in its scenarios", e.len()));
    let mut compared = 1;
    for ctx in contexts {
        let Some(scenario) = &ctx.scenario else { continue };
        let what = format!(
            "{name}, scenario {scenario:?} at line {}",
            sources.location(ctx.span).line
        );
        let report = peers::run_parsed(
            &ctx.policy,
            Duration::ZERO,
            text.len(),
            Requests::All,
            QUICK,
            &mut |_| {},
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_agree(&what, &report);
        compared += 1;
    }
    compared
}

#[test]
fn every_scenario_agrees_on_every_pair() {
    let files = ent_files("scenarios");
    let names: Vec<_> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for r2 in [
        "revenue-fallback.ent",
        "keys-own-country.ent",
        "global-entitlements.ent",
        "granular-edits.ent",
    ] {
        assert!(names.iter().any(|n| n == r2), "scenarios/{r2} is missing");
    }
    let mut compared = 0;
    for f in &files {
        compared += file_agrees(f);
    }
    // the files have scenarios: their working copies were compared too
    assert!(compared > files.len(), "{compared} policies for {} files", files.len());
}

#[test]
fn every_spec_example_agrees_on_every_pair() {
    for folder in ["../shared/spec/examples", "../shared/spec/examples-r2"] {
        for f in ent_files(folder) {
            file_agrees(&f);
        }
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

/// Revision 2's corners: the entitlement country from the attribute, the profile code (name,
/// display name, `covers`, any case) and the revenue fallback (with revenues that differ only
/// in the last of 18 digits, which a float would tie); keys `in` a country with and without
/// groups; `global` products (by display name too); the `locked` status.
const EDGES_R2: &str = r#"
account { global B, "Dee Product" }
product A
product B "Bee Product"
product C
product D "Dee Product"
product E
country US "United States" {
  revenue 999_999_999_999_999_998
  covers CA, mx
  entitled A, C
  default deny
  allow C
}
country DE "Germany" { revenue 999_999_999_999_999_999  entitled A  default allow  deny D }
country FR { revenue 0  entitled E  deny B }
country JP { entitled  default deny  allow D }
group Strict in US { allowed A }
group Incl in US { allowed E  include-country }
group Legacy in US { exception allow B  exception deny D }
group DeStrict in DE { allowed B }
group DeLegacy in DE { exception deny B  exception allow E }
group JpIncl in JP { allowed A  include-country }
user a@x.com { country US  groups Strict }
user b@x.com { country ca  groups Legacy, Strict }
user c@x.com { country "united states"  groups Incl }
user d@x.com { country ZZ  groups Strict, DeStrict }
user e@x.com { country zz  groups DeLegacy  allow D  deny B }
user f@x.com { country US  entitlement-country DE  groups Strict, DeStrict }
user g@x.com { country ZZ  entitlement-country "Germany"  groups DeLegacy }
user h@x.com { country DE  entitlement-country JP  groups JpIncl }
user i@x.com { country MX  entitlement-country FR  groups Legacy }
user j@x.com { country US  status locked  allow A }
user k@x.com { country ZZ  status locked }
user l@x.com { country germany  groups DeStrict, Legacy }
key K1 in US { }
key K2 in DE { groups DeStrict }
key K3 { groups Legacy }
key K4 in JP { groups JpIncl }
key K5 { }
key K6 in FR { }
"#;

#[test]
fn r2_edge_cases_agree_on_every_pair() {
    let mut policy = entitle::Policy::parse("edges-r2.ent", EDGES_R2).expect("valid");
    let report = peers::run_parsed(
        &policy,
        Duration::ZERO,
        EDGES_R2.len(),
        Requests::All,
        QUICK,
        &mut |_| {},
    )
    .expect("runs");
    assert_agree("edges r2", &report);
    let reached = |report: &Report, rule: &str| report.rule_counts.iter().any(|(r, n)| r.as_str() == rule && *n > 0);
    for rule in [
        "status",
        "no-entitlement-country",
        "not-entitled",
        "group-allowed",
        "default-access",
    ] {
        assert!(reached(&report, rule), "edges r2: {rule} never reached");
    }
    // the fallback is DE by one unit of revenue
    let m = policy.model();
    let d = m.user(m.find_user("d@x.com").unwrap());
    assert_eq!(d.country.map(|c| m.country(c).name.as_str()), Some("DE"));

    // without any revenue there is no fallback: unmatched users have no country, global or not
    policy
        .apply(
            "<what-if>",
            "set revenue US none\nset revenue DE none\nset revenue FR none",
        )
        .expect("applies");
    assert!(policy.model().fallback.is_none());
    let report = peers::run_parsed(
        &policy,
        Duration::ZERO,
        EDGES_R2.len(),
        Requests::All,
        QUICK,
        &mut |_| {},
    )
    .expect("runs");
    assert_agree("edges r2 without revenue", &report);
    assert!(reached(&report, "no-entitlement-country"));

    // a small revenue makes FR the fallback (revenue 0 counts)
    policy.apply("<what-if>", "set revenue FR 5").expect("applies");
    let report = peers::run_parsed(
        &policy,
        Duration::ZERO,
        EDGES_R2.len(),
        Requests::All,
        QUICK,
        &mut |_| {},
    )
    .expect("runs");
    assert_agree("edges r2, FR the fallback", &report);
}

/// A generated organisation with revision 2 added ([`peers::add_r2`]: revenues and the
/// fallback, the Entitlement Country attribute, keys `in` a country with and without groups,
/// `global` products, locked users). Every pair is decided.
#[test]
fn generated_r2_organisation_agrees_on_every_pair() {
    use entitle::model::CountryBy;
    let text = entitle::gen::generate_string(&entitle::gen::GenConfig {
        users: 60,
        products: 12,
        groups: 10,
        seed: 11,
    });
    let (text, statements) = peers::add_r2(&text, 12).expect("adds");
    let mut policy = entitle::Policy::parse("gen-r2.ent", &text).unwrap_or_else(|e| panic!("{}", e.render(false)));
    policy
        .apply("<r2>", &statements)
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let m = policy.model();
    for by in [CountryBy::Revenue, CountryBy::EntitlementCountry] {
        assert!(m.users.iter().any(|u| u.country_by == Some(by)), "no user by {by:?}");
    }
    assert!(m.keys.iter().any(|k| k.country_in.is_some() && k.groups.is_empty()));
    assert!(m.users.iter().any(|u| u.status == entitle::model::Status::Locked));

    let report =
        peers::run_parsed(&policy, Duration::ZERO, text.len(), Requests::All, QUICK, &mut |_| {}).expect("runs");
    assert_agree("generated + r2", &report);
    // a global product got past step 3 somewhere its country does not entitle it
    let global_used = m.principals().any(|p| {
        m.product_ids().any(|x| {
            m.is_global(x)
                && m.principal_country(p).is_some_and(|c| !m.country(c).is_entitled(x))
                && entitle::eval::decide(m, p, x).rule != entitle::Rule::NotEntitled
        })
    });
    assert!(global_used, "no global product decided past step 3");
}
