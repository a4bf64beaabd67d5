//! The filters of `who`, `matrix`, `access`, `diff` and `simulate`, and the impact in people
//! of `diff`/`simulate`: filtered answers equal the unfiltered ones filtered by hand (on a
//! generated 100,000-user organisation), people counts equal a reference computed with
//! `eval::decide`, `--what-if-file` and `--format markdown`.

mod common;

use entitle::compile::Compiled;
use entitle::filter::{Filter, Selection};
use entitle::gen::{generate_string, GenConfig};
use entitle::model::{Model, Principal};
use entitle::{eval, render, sim, Access, Policy};
use std::collections::BTreeSet;
use std::io::Write;

/// A writer that hands every complete line to a closure (so the unfiltered matrix of a large
/// organisation is never held in memory).
struct Lines<F: FnMut(&str)> {
    partial: Vec<u8>,
    f: F,
}

impl<F: FnMut(&str)> Write for Lines<F> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.partial.extend_from_slice(buf);
        while let Some(i) = self.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=i).collect();
            (self.f)(std::str::from_utf8(&line[..i]).unwrap());
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn in_group(m: &Model, p: Principal, group: &str) -> bool {
    let g = m.find_group(group).unwrap();
    m.principal_groups(p).iter().any(|&(h, _)| h == g)
}

fn country_is(m: &Model, p: Principal, country: &str) -> bool {
    m.principal_country(p) == m.find_country(country)
}

#[test]
fn filters_on_a_100k_user_organisation_equal_the_unfiltered_answers_filtered_by_hand() {
    let text = generate_string(&GenConfig {
        users: 100_000,
        products: 64,
        groups: 200,
        seed: 1,
    });
    let policy = Policy::parse("big.ent", &text).unwrap();
    drop(text);
    let m = policy.model();
    let c = Compiled::new(m);
    // a group with members, a country, a product
    let group = m
        .groups
        .iter()
        .map(|g| g.name.clone())
        .find(|g| m.principals().filter(|&p| in_group(m, p, g)).count() > 100)
        .unwrap();
    let country = m
        .country(m.principal_country(m.principals().next().unwrap()).unwrap())
        .name
        .clone();
    let product = m.products[3].name.clone();
    let x = m.find_product(&product).unwrap();

    // who: --group --only deny, and --principal GLOB --country --rule
    let all = sim::who(&c, x);
    let f = Filter {
        group: Some(group.clone()),
        only: Some(Access::Deny),
        ..Filter::default()
    };
    let w = sim::who_of(m, &c, x, &f.resolve(m).unwrap());
    assert!(w.allowed.is_empty());
    let mut by_hand = all.denied.clone();
    for list in by_hand.values_mut() {
        list.retain(|&(p, _)| in_group(m, p, &group));
    }
    by_hand.retain(|_, l| !l.is_empty());
    assert_eq!(w.denied, by_hand);
    assert!(!w.denied.is_empty(), "the group has denied members");

    let rule = all.allowed.first().map(|a| a.1).unwrap();
    let f = Filter {
        principal: Some("*.1*@*".to_string()),
        country: Some(country.to_lowercase()),
        rule: Some(rule.as_str().to_string()),
        ..Filter::default()
    };
    let w = sim::who_of(m, &c, x, &f.resolve(m).unwrap());
    let glob_ok = |p: Principal| {
        let n = m.principal_name(p).to_lowercase();
        n.contains('@') && {
            let local = n.split('@').next().unwrap();
            local.contains(".1")
        }
    };
    let allowed: Vec<_> = all
        .allowed
        .iter()
        .copied()
        .filter(|&(p, r, _)| r == rule && glob_ok(p) && country_is(m, p, &country))
        .collect();
    assert_eq!(w.allowed, allowed);
    assert!(!allowed.is_empty());
    for (r, list) in &w.denied {
        assert_eq!(*r, rule);
        assert_eq!(
            list,
            &all.denied[r]
                .iter()
                .copied()
                .filter(|&(p, _)| glob_ok(p) && country_is(m, p, &country))
                .collect::<Vec<_>>()
        );
    }

    // matrix: unfiltered CSV filtered by hand (rows by group and country, one column,
    // cells by --only) against the filtered CSV
    let f = Filter {
        group: Some(group.clone()),
        product: Some(product.clone()),
        only: Some(Access::Allow),
        ..Filter::default()
    };
    let sel = f.resolve(m).unwrap();
    let mut filtered = Vec::new();
    render::matrix::matrix_csv(&mut filtered, m, &c, &sel, &|_| {}).unwrap();
    let filtered = String::from_utf8(filtered).unwrap();
    let col = x.index() + 1;
    let mut expected = format!("principal,{product}\n");
    let mut first = true;
    let mut sink = Lines {
        partial: vec![],
        f: |line: &str| {
            if std::mem::take(&mut first) {
                return;
            }
            let cells: Vec<&str> = line.split(',').collect();
            let p = m.find_principal(cells[0]).unwrap();
            if in_group(m, p, &group) && cells[col].starts_with("allow") {
                expected.push_str(&format!("{},{}\n", cells[0], cells[col]));
            }
        },
    };
    render::matrix::matrix_csv(&mut sink, m, &c, &Selection::all(), &|_| {}).unwrap();
    drop(sink);
    assert_eq!(filtered, expected);
    assert!(filtered.lines().count() > 10);

    // --limit caps the rows
    let f = Filter {
        country: Some(country.clone()),
        limit: 7,
        ..Filter::default()
    };
    let mut out = Vec::new();
    render::matrix::matrix_table(&mut out, m, &c, &f.resolve(m).unwrap(), &|_| {}).unwrap();
    let out = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = out.lines().skip(1).take_while(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 7);
    let expected_names: Vec<&str> = m
        .principals()
        .filter(|&p| country_is(m, p, &country))
        .take(7)
        .map(|p| m.principal_name(p))
        .collect();
    let names: Vec<&str> = rows.iter().map(|r| r.split_whitespace().next().unwrap()).collect();
    assert_eq!(names, expected_names);

    // access: every product decided, filtered by hand
    let p = m.principals().nth(12_345).unwrap();
    let every = render::access(m, p);
    for only in [Access::Allow, Access::Deny] {
        let f = Filter {
            only: Some(only),
            ..Filter::default()
        };
        let got = render::access_filtered(m, p, &f.resolve(m).unwrap());
        let want: Vec<_> = every.iter().filter(|(_, d)| d.access == only).cloned().collect();
        assert_eq!(got, want);
    }
    let f = Filter {
        product: Some(product.clone()),
        ..Filter::default()
    };
    let got = render::access_filtered(m, p, &f.resolve(m).unwrap());
    assert_eq!(got, every.iter().filter(|(y, _)| *y == x).cloned().collect::<Vec<_>>());
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// A small generated organisation (with keys) as a file.
fn small_org(dir: &tempfile::TempDir) -> (String, Policy) {
    let text = generate_string(&GenConfig {
        users: 400,
        products: 12,
        groups: 10,
        seed: 3,
    });
    (write(dir, "org.ent", &text), Policy::parse("org.ent", &text).unwrap())
}

/// Who loses and who gains, by decide() on every principal × product.
fn reference_people(old: &Model, new: &Model) -> ((usize, usize), (usize, usize)) {
    let (mut lose, mut gain) = ((0, 0), (0, 0));
    for p in old.principals() {
        let Some(q) = new.find_principal(old.principal_name(p)) else {
            continue;
        };
        let (mut l, mut g) = (false, false);
        for x in old.product_ids() {
            let Some(y) = new.find_product(&old.product(x).name) else {
                continue;
            };
            match (eval::decide(old, p, x).access, eval::decide(new, q, y).access) {
                (Access::Allow, Access::Deny) => l = true,
                (Access::Deny, Access::Allow) => g = true,
                _ => {}
            }
        }
        let key = matches!(p, Principal::Key(_));
        let bump = |t: &mut (usize, usize)| if key { t.1 += 1 } else { t.0 += 1 };
        if l {
            bump(&mut lose);
        }
        if g {
            bump(&mut gain);
        }
    }
    (lose, gain)
}

fn people(json: &serde_json::Value) -> ((usize, usize), (usize, usize)) {
    let k = |v: &serde_json::Value| {
        (
            v["users"].as_u64().unwrap() as usize,
            v["keys"].as_u64().unwrap() as usize,
        )
    };
    (k(&json["people"]["lose"]), k(&json["people"]["gain"]))
}

#[test]
fn simulate_and_diff_count_people_like_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let (path, policy) = small_org(&dir);
    let m = policy.model();
    // the country of a key allowed by Default Access, so that keys lose too
    let key = m
        .principals()
        .filter(|p| matches!(p, Principal::Key(_)))
        .find(|&p| {
            m.product_ids().any(|x| {
                let d = eval::decide(m, p, x);
                d.access == Access::Allow && d.rule == entitle::Rule::DefaultAccess
            })
        })
        .unwrap();
    let us = m.country(m.principal_country(key).unwrap()).name.clone();
    let de = m.countries.iter().find(|c| c.name != us).unwrap().name.clone();
    let lumen = "LumenRT";
    let statements = [
        format!("set default {us} deny"),
        format!("set access {de} {lumen} allow"),
    ];
    let mut after = policy.clone();
    for s in &statements {
        after.apply("what-if", s).unwrap();
    }
    let want = reference_people(policy.model(), after.model());
    assert!(want.0 .0 > 0 && want.0 .1 > 0, "users and keys lose: {want:?}");

    let mut args = vec!["simulate", &path, "--json", "--limit", "0", "--what-if"];
    args.extend(statements.iter().map(String::as_str));
    let r = common::entitle(&args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(people(&json), want);
    // existing fields stay
    for k in ["compared", "changed", "revoked", "granted", "causes"] {
        assert!(json.get(k).is_some(), "{k}");
    }
    // per principal: losses first, and every loser listed with --limit 0
    let principals = json["principals"].as_array().unwrap();
    let losers = principals.iter().filter(|p| p["loses"].as_u64().unwrap() > 0).count();
    assert_eq!(losers, want.0 .0 + want.0 .1);
    let loses: Vec<u64> = principals.iter().map(|p| p["loses"].as_u64().unwrap()).collect();
    assert!(loses.windows(2).all(|w| w[0] >= w[1]));
    // per product: people losing it, by decide()
    let m = policy.model();
    let n = after.model();
    for row in json["products"].as_array().unwrap() {
        let x = m.find_product(row["name"].as_str().unwrap()).unwrap();
        let lose = m
            .principals()
            .filter(|&p| {
                eval::decide(m, p, x).access == Access::Allow
                    && eval::decide(n, n.find_principal(m.principal_name(p)).unwrap(), x).access == Access::Deny
            })
            .count();
        assert_eq!(row["lose"].as_u64().unwrap() as usize, lose);
    }
    // statements: each change attributed to the statement after which it first differs
    let stmts = json["statements"].as_array().unwrap();
    assert_eq!(stmts.len(), 2);
    let mut first = policy.clone();
    first.apply("what-if", &statements[0]).unwrap();
    let step1 = reference_people(m, first.model());
    assert_eq!(stmts[0]["lose"].as_u64().unwrap() as usize, step1.0 .0 + step1.0 .1);

    // diff of the two files says the same
    let new_path = write(&dir, "after.ent", &after.format());
    let r = common::entitle(&["diff", &path, &new_path, "--json", "--limit", "0"]);
    let d: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(people(&d), want);

    // filtered: only the members of one group
    let group = m
        .principals()
        .filter(|&p| m.principal_country(p) == m.find_country(&us))
        .find_map(|p| m.principal_groups(p).first())
        .map(|&(g, _)| m.group(g).name.clone())
        .unwrap();
    let r = common::entitle(&["diff", &path, &new_path, "--json", "--group", &group]);
    let d: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let g = m.find_group(&group).unwrap();
    let members = m
        .principals()
        .filter(|&p| m.principal_groups(p).iter().any(|&(h, _)| h == g));
    let expected_losers = members
        .filter(|&p| {
            m.product_ids().any(|x| {
                eval::decide(m, p, x).access == Access::Allow
                    && eval::decide(n, n.find_principal(m.principal_name(p)).unwrap(), x).access == Access::Deny
            })
        })
        .count();
    let (l, _) = people(&d);
    assert!(expected_losers > 0);
    assert_eq!(l.0 + l.1, expected_losers);
}

#[test]
fn a_statement_that_changes_nothing_is_flagged_and_new_users_show_what_they_may_use() {
    let dir = tempfile::tempdir().unwrap();
    let (path, policy) = small_org(&dir);
    let us = policy.model().countries[0].name.clone();
    let r = common::entitle(&[
        "simulate",
        &path,
        "--what-if",
        &format!("set default {us} deny"),
        &format!("set default {us} deny"),
        &format!("user new.person@x.com {{ country {us} }}"),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("lose access to at least one product"), "{}", r.stdout);
    assert!(r.stdout.contains("#2 `set default"), "{}", r.stdout);
    assert!(
        r.stdout.contains("`: no change: statement #1 already made it"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("#3 `user new.person@x.com { country"), "{}", r.stdout);
    assert!(r.stdout.contains("`: adds new.person@x.com\n"), "{}", r.stdout);
    assert!(r.stdout.contains("new.person@x.com may use"), "{}", r.stdout);
}

#[test]
fn what_if_file_reads_statements_with_comments_and_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let (path, policy) = small_org(&dir);
    let us = policy.model().countries[0].name.clone();
    let file = write(
        &dir,
        "edits.what-if",
        &format!(
            "# tighten {us}\nset default {us} deny\n\n# a new user\nuser new.person@x.com {{\n  country {us}\n}}\n"
        ),
    );
    let a = common::entitle(&["simulate", &path, "--what-if-file", &file, "--json"]);
    let b = common::entitle(&[
        "simulate",
        &path,
        "--json",
        "--what-if",
        &format!("set default {us} deny"),
        &format!("user new.person@x.com {{ country {us} }}"),
    ]);
    assert_eq!(a.code, 1, "{}", a.stderr);
    let (ja, jb): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&a.stdout).unwrap(),
        serde_json::from_str(&b.stdout).unwrap(),
    );
    assert_eq!(ja["people"], jb["people"]);
    assert_eq!(ja["changed"], jb["changed"]);
    assert_eq!(ja["statements"].as_array().unwrap().len(), 2);
    assert_eq!(ja["new_principals"][0]["principal"], "new.person@x.com");
    // a broken file is an error (exit 2)
    let bad = write(&dir, "bad.what-if", "set default\n");
    assert_eq!(common::entitle(&["simulate", &path, "--what-if-file", &bad]).code, 2);
}

#[test]
fn markdown_is_an_impact_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (path, policy) = small_org(&dir);
    let us = policy.model().countries[0].name.clone();
    let r = common::entitle(&[
        "simulate",
        &path,
        "--format",
        "markdown",
        "--limit",
        "3",
        "--what-if",
        &format!("set default {us} deny"),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let md = r.stdout;
    assert!(md.starts_with("### Entitlement impact\n\n**"), "{md}");
    assert!(md.contains("lose access to at least one product"), "{md}");
    assert!(md.contains("| Principal | Loses | Gains | Change |"), "{md}");
    assert!(md.contains("| Product | Lose | Gain |"), "{md}");
    assert!(md.contains("| Group | Lose | Gain |"), "{md}");
    let principal_rows = md
        .split("#### Principals")
        .nth(1)
        .unwrap()
        .split("\n#### ")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Principal"))
        .count();
    assert_eq!(principal_rows, 3);
    assert!(!md.contains("-->") && !md.contains(":1:"), "no positions: {md}");
}

#[test]
fn unknown_filter_names_are_errors_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let (path, policy) = small_org(&dir);
    let group = policy.model().groups[0].name.clone();
    let typo = format!("{}x", group);
    for args in [
        vec!["who", &path, "LumenRT", "--group", &typo],
        vec!["matrix", &path, "--group", &typo],
        vec!["simulate", &path, "--group", &typo, "--what-if", "set default US deny"],
    ] {
        let r = common::entitle(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains(&format!("did you mean `{group}`?")), "{}", r.stderr);
    }
    let r = common::entitle(&["who", &path, "LumenRT", "--rule", "default-acess"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `default-access`?"), "{}", r.stderr);
    let r = common::entitle(&["matrix", &path, "--product", "LumenRTT", "--format", "csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `LumenRT`?"), "{}", r.stderr);
    // a glob may match nothing; a plain name must exist
    let r = common::entitle(&["who", &path, "LumenRT", "--principal", "zz*"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("LumenRT: 0 allowed, 0 denied"), "{}", r.stdout);
    assert_eq!(
        common::entitle(&["who", &path, "LumenRT", "--principal", "nobody@x.com"]).code,
        2
    );
}

#[test]
fn filtered_json_matrix_is_valid_and_keeps_only_matching_cells() {
    let dir = tempfile::tempdir().unwrap();
    let (path, policy) = small_org(&dir);
    let m = policy.model();
    let r = common::entitle(&["matrix", &path, "--json", "--only", "deny", "--limit", "5"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rows.len(), 5);
    let mut names = BTreeSet::new();
    for row in &rows {
        names.insert(row["principal"].as_str().unwrap().to_string());
        let p = m.find_principal(row["principal"].as_str().unwrap()).unwrap();
        let got: Vec<&str> = row["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["product"].as_str().unwrap())
            .collect();
        let want: Vec<&str> = m
            .product_ids()
            .filter(|&x| eval::decide(m, p, x).access == Access::Deny)
            .map(|x| m.product(x).name.as_str())
            .collect();
        assert_eq!(got, want);
    }
    assert_eq!(names.len(), 5);
}
