//! `explain`'s blockers and fix sets, over the whole corpus: every principal × product of
//! every shipped scenario (the file's policy and the policy of each of its `scenario` blocks)
//! and every spec example. For a deny, the blockers start with the deciding step; every fix,
//! applied with its statements through `Policy::apply`, yields the decision it promised.

// Uses the renderer and the REPL: needs the default `cli` feature.
#![cfg(feature = "cli")]

use entitle::explain::{blockers, fix_search, fixes, Fix};
use entitle::testing::expectation_contexts;
use entitle::{Access, Policy, Sources};
use std::path::{Path, PathBuf};

/// The `.ent` files of `dir`, sorted; panics when the directory is missing or empty.
fn ent_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ent"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .ent file in {}", dir.display());
    files
}

/// Every policy of the corpus, named: each file's, and each scenario block's.
fn corpus() -> Vec<(String, Policy)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = root.join("../shared/spec");
    let mut files = ent_files(&root.join("scenarios"));
    files.extend(ent_files(&spec.join("examples")));
    files.extend(ent_files(&spec.join("examples-r2")));
    let mut out = vec![];
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut sources = Sources::new();
        let file = sources.add(name.clone(), std::fs::read_to_string(&path).unwrap());
        let policy = Policy::load(sources.clone(), file).unwrap_or_else(|e| panic!("{name}: {}", e.render(false)));
        out.push((name.clone(), policy));
        let ctxs = expectation_contexts(&sources, file).unwrap_or_else(|_| panic!("{name}: expectations"));
        let mut last: Option<String> = None;
        for ctx in ctxs {
            if let Some(s) = &ctx.scenario {
                if last.as_deref() != Some(s) {
                    out.push((format!("{name} scenario \"{s}\""), ctx.policy.clone()));
                    last = Some(s.clone());
                }
            }
        }
    }
    out
}

/// Apply a fix to a copy and check the decision it promised; `Err` says what went wrong.
fn verify(policy: &Policy, who: &str, what: &str, fix: &Fix) -> Result<(), String> {
    let mut copy = policy.clone();
    copy.apply("<fix>", &fix.statements())
        .map_err(|e| format!("does not apply: {}", e.render(false)))?;
    let d = copy.check(who, what).map_err(|e| format!("{e:?}"))?;
    let m = copy.model();
    let group = d.group.map(|g| m.group(g).name.clone());
    let country = d.country.map(|c| m.country(c).name.clone());
    if (d.access, d.rule, &group, &country) != (fix.access, fix.rule, &fix.group, &fix.country) {
        return Err(format!(
            "promised {} by {} {:?} {:?}, got {} by {} {group:?} {country:?}",
            fix.access, fix.rule, fix.group, fix.country, d.access, d.rule
        ));
    }
    Ok(())
}

#[test]
fn every_deny_has_blockers_and_every_fix_yields_its_decision() {
    let mut problems = vec![];
    let (mut decisions, mut denies, mut fixed, mut checked) = (0, 0, 0, 0);
    for (name, policy) in corpus() {
        let m = policy.model();
        for p in m.principals() {
            let who = m.principal_name(p).to_string();
            for x in m.product_ids() {
                let what = m.product(x).name.clone();
                decisions += 1;
                let d = entitle::eval::decide(m, p, x);
                let bs = blockers(m, p, x);
                let at = format!("{name}: {who} {what}");
                match d.access {
                    Access::Deny => {
                        denies += 1;
                        match bs.first() {
                            None => problems.push(format!("{at}: deny without a blocker")),
                            Some(b) if (b.rule, b.group, b.source) != (d.rule, d.group, d.source) => {
                                problems.push(format!("{at}: first blocker {} is not the deciding step", b.rule))
                            }
                            Some(_) => {}
                        }
                    }
                    Access::Allow if !bs.is_empty() => problems.push(format!("{at}: allow with blockers")),
                    Access::Allow => {}
                }
                let search = fix_search(policy.document(), m, p, x);
                if search.limited {
                    problems.push(format!("{at}: the search for fixes reached its limit"));
                }
                let fs = search.fixes;
                if !fs.is_empty() {
                    fixed += 1;
                }
                for (i, f) in fs.iter().enumerate() {
                    checked += 1;
                    if f.access == d.access {
                        problems.push(format!("{at}: fix {} does not flip", i + 1));
                    }
                    if f.edits.is_empty() || f.edits.len() > entitle::explain::MAX_EDITS {
                        problems.push(format!("{at}: fix {} has {} edits", i + 1, f.edits.len()));
                    }
                    if let Err(e) = verify(&policy, &who, &what, f) {
                        problems.push(format!("{at}: fix {} ({}): {e}", i + 1, f.statements()));
                    }
                    // each example of a collapsed edit is a working fix too
                    for (j, e) in f.edits.iter().enumerate() {
                        let Some(any) = &e.any_of else { continue };
                        if any.count < 2 || any.statements.len() < 2 || any.statements[0] != e.statement {
                            problems.push(format!("{at}: fix {}: malformed any_of {any:?}", i + 1));
                        }
                        for alt in &any.statements[1..] {
                            let mut other = f.clone();
                            other.edits[j].statement = alt.clone();
                            let mut copy = policy.clone();
                            copy.apply("<fix>", &other.statements()).unwrap();
                            if copy.check(&who, &what).unwrap().access != f.access {
                                problems.push(format!("{at}: fix {}: alternative `{alt}` does not flip", i + 1));
                            }
                        }
                    }
                }
                // fixes come smallest first
                if fs.windows(2).any(|w| w[0].edits.len() > w[1].edits.len()) {
                    problems.push(format!("{at}: fixes not smallest first"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        decisions > 500 && denies > 100,
        "{decisions} decisions, {denies} denies"
    );
    assert!(
        fixed * 10 > decisions * 9 && checked > denies,
        "{fixed} decisions with fixes, {checked} fixes"
    );
}

fn status_policy() -> Policy {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/status.ent");
    Policy::from_path(&path).unwrap()
}

/// kim is pending and in an undeclared country: two blockers, and a working fix of 2 edits.
#[test]
fn kim_pending_in_an_undeclared_country_gets_a_fix_of_two_edits() {
    let policy = status_policy();
    let m = policy.model();
    let p = m.find_principal("kim@ridgeline-civil.com").unwrap();
    let x = m.find_product("MicroStation").unwrap();
    let rules: Vec<_> = blockers(m, p, x).iter().map(|b| b.rule.as_str()).collect();
    assert_eq!(rules, ["status", "no-entitlement-country"]);
    let search = fix_search(policy.document(), m, p, x);
    let fs = &search.fixes;
    let f = fs.first().expect("a fix");
    assert_eq!(f.edits.len(), 2);
    assert_eq!(
        f.statements(),
        "set status kim@ridgeline-civil.com active\nset entitlement-country kim@ridgeline-civil.com US"
    );
    assert_eq!(f.access, Access::Allow);
    verify(&policy, "kim@ridgeline-civil.com", "MicroStation", f).unwrap();
    let ex = entitle::eval::explain(m, p, x);
    let bs = blockers(m, p, x);
    let text = entitle::render::explanation_text(&policy, p, x, &ex, &bs, &search, false);
    assert!(!text.contains("no single edit"), "{text}");
    assert!(text.contains("then no-entitlement-country"), "{text}");
}

/// Without any country left, no fix of at most 3 edits exists, and the text says exactly that.
#[test]
fn no_fix_is_said_exactly() {
    let policy = Policy::parse(
        "none.ent",
        "product P\ncountry US { default allow }\nuser a@x.com { country ZZ }\n",
    )
    .unwrap();
    let mut policy = policy;
    policy.apply("<edit>", "remove country US").unwrap();
    let m = policy.model();
    let p = m.find_principal("a@x.com").unwrap();
    let x = m.find_product("P").unwrap();
    let search = fix_search(policy.document(), m, p, x);
    assert!(search.fixes.is_empty() && !search.limited);
    let ex = entitle::eval::explain(m, p, x);
    let text = entitle::render::explanation_text(&policy, p, x, &ex, &blockers(m, p, x), &search, false);
    assert!(text.contains("\nno fix of at most 3 edits exists\n"), "{text}");
}

/// Joining any of several groups is one fix that names how many and two of them; each
/// alternative works.
#[test]
fn alternatives_that_differ_only_in_the_group_are_collapsed() {
    let mut text = String::from("product P\nproduct Q\ncountry US { default deny }\n");
    for i in 0..5 {
        text.push_str(&format!("group G{i} in US {{ allowed P }}\n"));
    }
    text.push_str("group Strict in US { allowed Q }\nuser a@x.com { country US groups Strict }\n");
    let policy = Policy::parse("groups.ent", &text).unwrap();
    let m = policy.model();
    let p = m.find_principal("a@x.com").unwrap();
    let x = m.find_product("P").unwrap();
    let fs = fixes(policy.document(), m, p, x);
    let joins: Vec<&Fix> = fs
        .iter()
        .filter(|f| f.edits[0].statement.starts_with("set member"))
        .collect();
    assert_eq!(joins.len(), 1, "{fs:#?}");
    let any = joins[0].edits[0].any_of.as_ref().expect("collapsed");
    assert_eq!(any.count, 5);
    assert_eq!(any.examples[..2], ["G0", "G1"]);
    assert_eq!(any.statements[1], "set member G1 a@x.com on");
    assert!(joins[0].edits[0].description.contains("any of 5 groups"));
    for g in 0..5 {
        let mut copy = policy.clone();
        copy.apply("<fix>", &format!("set member G{g} a@x.com on")).unwrap();
        assert_eq!(copy.check("a@x.com", "P").unwrap().access, Access::Allow);
    }
}

/// Contract changes are marked and ranked after the account's own settings.
#[test]
fn contract_edits_are_marked_and_ranked_last() {
    let policy = Policy::parse(
        "contract.ent",
        "product P\nproduct Q\ncountry US { entitled Q default allow }\nuser a@x.com { country US }\n",
    )
    .unwrap();
    let m = policy.model();
    let p = m.find_principal("a@x.com").unwrap();
    let x = m.find_product("P").unwrap();
    let fs = fixes(policy.document(), m, p, x);
    assert!(!fs.is_empty());
    assert!(fs.iter().all(|f| f.needs_contract()), "{fs:#?}");
    let q = m.find_product("Q").unwrap();
    let deny = fixes(policy.document(), m, p, q);
    let contract: Vec<bool> = deny.iter().map(|f| f.needs_contract()).collect();
    assert!(contract.contains(&true) && contract.contains(&false), "{deny:#?}");
    assert!(
        contract.windows(2).all(|w| w[0] <= w[1]),
        "contract changes last: {deny:#?}"
    );
}

/// `:apply N` in the REPL applies fix N of the last `explain`.
#[test]
fn repl_apply_applies_a_fix_of_the_last_explain() {
    let mut s = entitle::repl::Session::new("status.ent", status_policy(), false);
    let before = s.handle(":apply 1");
    assert!(before.contains("no fix to apply"), "{before}");
    let out = s.handle("explain kim@ridgeline-civil.com MicroStation");
    assert!(out.contains("1. 2 edits"), "{out}");
    let applied = s.handle(":apply 1");
    assert!(
        applied.contains("applied: set status kim@ridgeline-civil.com active"),
        "{applied}"
    );
    assert!(s
        .handle("check kim@ridgeline-civil.com MicroStation")
        .starts_with("allow"));
    let wrong = s.handle(":apply 9");
    assert!(wrong.contains("not a fix number"), "{wrong}");
}

/// `explain --json`: `blockers` and `fixes` (no `flips`), each fix with its statements and
/// the decision after it with the keys of `check --json`.
#[test]
fn explain_json_has_blockers_and_fixes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/status.ent");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_entitle"))
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
        .args([
            "explain",
            path.to_str().unwrap(),
            "kim@ridgeline-civil.com",
            "MicroStation",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("flips").is_none());
    let b = v["blockers"].as_array().unwrap();
    assert_eq!(b.len(), 2);
    assert_eq!(b[0]["rule"], "status");
    assert_eq!(b[1]["rule"], "no-entitlement-country");
    assert_eq!(b[0]["source"]["line"], 44);
    assert!(b[0].get("group").is_none());
    let f = &v["fixes"][0];
    let edits = f["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[0]["statement"], "set status kim@ridgeline-civil.com active");
    assert!(edits[0]["description"].is_string());
    assert!(edits[0].get("contract").is_none());
    let d = f["decision"].as_object().unwrap();
    let keys: Vec<&str> = d.keys().map(String::as_str).collect();
    assert_eq!(keys, ["country", "decision", "principal", "product", "rule", "source"]);
    assert_eq!(d["decision"], "allow");
    assert_eq!(d["rule"], "default-access");
    assert!(f["other_changes"].is_number());
}
