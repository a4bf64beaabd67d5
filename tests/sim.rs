//! The simulator agrees with the reference evaluator, and its output does not depend on the
//! number of threads.

use entitle::compile::Compiled;
use entitle::{eval, sim, Access, Policy};
use std::collections::BTreeMap;

fn scenario_policies() -> Vec<Policy> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ent"))
        .collect();
    files.sort();
    files.iter().map(|f| Policy::from_path(f).unwrap()).collect()
}

/// A policy with more principals than one parallel chunk, varied enough to hit every rule.
fn big_policy(users: usize) -> Policy {
    let mut t = String::from("product A\nproduct B\nproduct C \"Charlie\"\nproduct D\n");
    t.push_str("country US { covers CA  entitled A, B, C  deny C }\ncountry DE { default deny  allow A }\n");
    t.push_str("group G1 in US { allowed A }\ngroup G2 in US { allowed B  include-country }\n");
    t.push_str(
        "group L in US { exception allow C  exception deny A }\ngroup U in US { }\ngroup H in DE { allowed B }\n",
    );
    let statuses = ["active", "active", "active", "pending", "invited"];
    let groups = ["G1", "G2", "L", "U", "H", "G1, L", "L, G2", "U, G1", "H, G2"];
    let profiles = ["US", "CA", "DE", "ZZ", "US"];
    for i in 0..users {
        t.push_str(&format!(
            "user u{i}@x.io {{ country {}  status {}  groups {}",
            profiles[i % 5],
            statuses[(i / 5) % 5],
            groups[i % groups.len()]
        ));
        if i % 13 == 0 {
            t.push_str("  allow B  deny A");
        }
        t.push_str(" }\n");
    }
    t.push_str("key K1 { groups G1, G2 }\nkey K2 { }\n");
    Policy::parse("big.ent", &t).unwrap()
}

#[test]
fn summary_counts_match_the_reference() {
    let mut policies = scenario_policies();
    policies.push(big_policy(3000));
    for policy in &policies {
        let m = policy.model();
        let s = sim::summary(m, &Compiled::new(m), &|_| {});
        for x in m.product_ids() {
            let mut allow_by: BTreeMap<entitle::Rule, u64> = BTreeMap::new();
            let mut deny_by: BTreeMap<entitle::Rule, u64> = BTreeMap::new();
            for p in m.principals() {
                let d = eval::decide(m, p, x);
                let map = if d.access == Access::Allow {
                    &mut allow_by
                } else {
                    &mut deny_by
                };
                *map.entry(d.rule).or_default() += 1;
            }
            let got = &s.products[x.index()];
            assert_eq!(got.allow_by_rule, allow_by);
            assert_eq!(got.deny_by_rule, deny_by);
            assert_eq!(got.allow + got.deny, s.principals as u64);
        }
    }
}

#[test]
fn who_matches_the_reference() {
    for policy in scenario_policies().iter().chain([&big_policy(2500)]) {
        let m = policy.model();
        let c = Compiled::new(m);
        for x in m.product_ids() {
            let w = sim::who(&c, x);
            let allowed: Vec<_> = m
                .principals()
                .filter(|&p| eval::decide(m, p, x).access == Access::Allow)
                .collect();
            assert_eq!(w.allowed.iter().map(|a| a.0).collect::<Vec<_>>(), allowed);
            for (rule, list) in &w.denied {
                for (p, g) in list {
                    let d = eval::decide(m, *p, x);
                    assert_eq!((d.access, d.rule, d.group), (Access::Deny, *rule, *g));
                }
            }
        }
    }
}

#[test]
fn diff_of_a_policy_with_itself_is_empty() {
    for policy in scenario_policies() {
        let d = sim::diff(policy.model(), policy.model(), &|_| {});
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            d.compared,
            (policy.model().users.len() + policy.model().keys.len()) as u64 * policy.model().products.len() as u64
        );
    }
}

#[test]
fn diff_lists_exactly_the_decisions_the_reference_sees_change() {
    let before = big_policy(2200);
    for stmt in [
        "convert L",
        "set default US deny",
        "remove group G2",
        "set access US C inherit",
        "remove product B",
    ] {
        let mut after = before.clone();
        after.apply("what-if", stmt).unwrap();
        let d = sim::diff(before.model(), after.model(), &|_| {});
        let (a, b) = (before.model(), after.model());
        let mut expected = 0;
        for p in a.principals() {
            let q = b.find_principal(a.principal_name(p)).unwrap();
            for x in a.product_ids() {
                let Some(y) = b.find_product(&a.product(x).name) else {
                    continue;
                };
                let (d0, d1) = (eval::decide(a, p, x), eval::decide(b, q, y));
                if (d0.access, d0.rule) != (d1.access, d1.rule) {
                    expected += 1;
                    let cause = d
                        .causes
                        .iter()
                        .find(|c| {
                            (c.before.decision, c.before.rule, c.after.decision, c.after.rule)
                                == (d0.access, d0.rule, d1.access, d1.rule)
                        })
                        .unwrap_or_else(|| {
                            panic!("{stmt}: no cause for {} {}", a.principal_name(p), a.product(x).name)
                        });
                    assert!(cause
                        .changes
                        .iter()
                        .any(|ch| ch.principal == a.principal_name(p) && ch.product == a.product(x).name));
                }
            }
        }
        assert_eq!(d.changed, expected, "{stmt}");
        assert!(expected > 0, "{stmt} should change something");
        let per_product: usize = d.causes.iter().flat_map(|c| c.products.values()).sum();
        assert_eq!(per_product, expected);
    }
    // removing B's last allow-list entries turns a group legacy/unconfigured: reported
    let mut after = before.clone();
    after.apply("what-if", "remove product B").unwrap();
    let d = sim::diff(before.model(), after.model(), &|_| {});
    assert_eq!(d.groups_lost_allow_list, ["G2", "H"]);
    assert_eq!(d.products_removed, ["B"]);
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let policy = big_policy(9000);
    let m = policy.model();
    let c = Compiled::new(m);
    let rows = |threads| {
        in_pool(threads, || {
            let mut out = Vec::new();
            sim::stream_rows(
                &c,
                |i, row, buf| {
                    for x in 0..c.products {
                        let (a, r) = row.get(x);
                        buf.extend_from_slice(format!("{i}:{x}:{a}:{r};").as_bytes());
                    }
                    buf.push(b'\n');
                },
                |b| {
                    out.extend_from_slice(b);
                    Ok(())
                },
                &|_| {},
            )
            .unwrap();
            out
        })
    };
    let one = rows(1);
    assert_eq!(one.iter().filter(|&&b| b == b'\n').count(), c.principals());
    assert_eq!(one, rows(4));
    assert_eq!(
        in_pool(1, || sim::summary(m, &c, &|_| {})),
        in_pool(4, || sim::summary(m, &c, &|_| {}))
    );
    let mut after = policy.clone();
    after.apply("what-if", "convert L").unwrap();
    let d1 = in_pool(1, || {
        serde_json::to_string(&sim::diff(m, after.model(), &|_| {})).unwrap()
    });
    let d4 = in_pool(4, || {
        serde_json::to_string(&sim::diff(m, after.model(), &|_| {})).unwrap()
    });
    assert_eq!(d1, d4);
}

/// A declaration whose name is only another entity's display name is an error in a what-if
/// (it would silently replace that entity), as it is in a file (a duplicate).
#[test]
fn a_declaration_never_silently_replaces_an_entity_by_its_display_name() {
    let text = "product Bar \"Foo\"\ncountry US \"United States\" { }\nuser a@b.c { country US }\n";
    let mut p = entitle::Policy::parse("p.ent", text).unwrap();
    for stmt in ["product Foo", "country \"United States\" { default deny }"] {
        let e = p.apply("<what-if>", stmt).unwrap_err();
        assert_eq!(e.diagnostics[0].code, "shadows-display-name", "{stmt}: {e}");
    }
    // by its own name, the declaration replaces it
    p.apply("<what-if>", "product Bar").unwrap();
    assert_eq!(p.model().products[0].display, None);
    // and in a file, the same names are a duplicate
    let e = entitle::Policy::parse("p.ent", &format!("{text}product Foo\n")).unwrap_err();
    assert_eq!(e.diagnostics[0].code, "duplicate");
}

/// The streamed comparison: a cap keeps the first changes of each cause (the same ones the
/// uncapped comparison lists first) with every count exact; the statements' counts add up,
/// each statement's own step equals a diff of the stages around it, and every change is
/// attributed to the statement after which the reference evaluator first sees it differ.
#[test]
fn the_streamed_comparison_caps_lists_and_attributes_changes() {
    let base = big_policy(5000);
    let statements = [
        "set default US deny",
        "set allowed G1 B on",
        "set default US deny",
        "convert L",
        "set status u7@x.io active",
    ];
    let mut stages = vec![base.clone()];
    for s in statements {
        let mut next = stages.last().unwrap().clone();
        next.apply("what-if", s).unwrap();
        stages.push(next);
    }
    let models: Vec<&entitle::model::Model> = stages.iter().map(|p| p.model()).collect();
    let all = entitle::filter::Selection::all();
    let full = sim::compare(&models, &all, 0, &|_| {});
    let capped = sim::compare(&models, &all, 3, &|_| {});
    assert!(full.diff.changed > 1000, "{}", full.diff.changed);
    assert_eq!(full.diff.changed, capped.diff.changed);
    assert_eq!(full.diff.causes.len(), capped.diff.causes.len());
    for (f, c) in full.diff.causes.iter().zip(&capped.diff.causes) {
        assert_eq!((f.before, f.after, f.count), (c.before, c.after, c.count));
        assert_eq!(f.products, c.products);
        assert_eq!(f.groups, c.groups);
        assert_eq!(f.changes.len(), f.count);
        assert_eq!(c.changes.len(), f.count.min(3));
        let first: Vec<_> = f.changes.iter().take(3).map(|x| (&x.principal, &x.product)).collect();
        let kept: Vec<_> = c.changes.iter().map(|x| (&x.principal, &x.product)).collect();
        assert_eq!(first, kept);
    }
    assert_eq!(full.principals.len(), capped.principals.len());
    // the statements' shares add up to the whole
    assert_eq!(full.steps.iter().map(|s| s.changed).sum::<usize>(), full.diff.changed);
    // each statement's own step is a plain diff of the stages around it
    for k in 1..models.len() {
        let step = sim::diff(models[k - 1], models[k], &|_| {});
        assert_eq!(full.steps[k - 1].step_changed, step.changed, "statement {k}");
    }
    // the repeated statement changes nothing
    assert_eq!(full.steps[2].step_changed, 0);
    // attribution, checked against the reference evaluator
    let m0 = models[0];
    for delta in &full.principals {
        let name = m0
            .principal_name(Compiled::new(m0).principal_at(delta.index))
            .to_string();
        let mut expected = std::collections::BTreeSet::new();
        for x in m0.product_ids() {
            let product = &m0.product(x).name;
            let verdict = |m: &entitle::model::Model| {
                let d = eval::decide(m, m.find_principal(&name).unwrap(), m.find_product(product).unwrap());
                (d.access, d.rule)
            };
            let v0 = verdict(m0);
            if verdict(models[models.len() - 1]) != v0 {
                let k = (1..models.len()).find(|&k| verdict(models[k]) != v0).unwrap();
                expected.insert(k);
            }
        }
        assert_eq!(delta.statements, expected.into_iter().collect::<Vec<_>>(), "{name}");
    }
}

/// A product only the new policy declares is listed as added and never compared, also when
/// the rows of both policies have the same number of words.
#[test]
fn a_new_product_is_listed_not_compared() {
    let base = big_policy(300);
    let mut next = base.clone();
    next.apply("what-if", "product Z\nset default US deny").unwrap();
    let d = sim::diff(base.model(), next.model(), &|_| {});
    assert_eq!(d.products_added, ["Z"]);
    assert!(d.causes.iter().all(|c| c.products.keys().all(|p| p != "Z")));
    // every change is a real change, by the reference evaluator
    let mut expected = 0;
    for p in base.model().principals() {
        let name = base.model().principal_name(p);
        for x in base.model().product_ids() {
            let q = next.model().find_principal(name).unwrap();
            let y = next.model().find_product(&base.model().product(x).name).unwrap();
            let (a, b) = (eval::decide(base.model(), p, x), eval::decide(next.model(), q, y));
            expected += usize::from((a.access, a.rule) != (b.access, b.rule));
        }
    }
    assert_eq!(d.changed, expected);
}

/// `sim::count` (what the REPL prints after each edit) agrees with the full diff.
#[test]
fn counting_agrees_with_the_diff() {
    let base = big_policy(3000);
    for edit in [
        "set default US deny",
        "convert L",
        "product Z",
        "remove product B",
        "remove user u3@x.io",
        "set allowed G1 C on",
    ] {
        let mut next = base.clone();
        next.apply("what-if", edit).unwrap();
        let (d, c) = (
            sim::diff(base.model(), next.model(), &|_| {}),
            sim::count(base.model(), next.model()),
        );
        assert_eq!(
            (d.compared, d.changed, d.revoked, d.granted),
            (c.compared, c.changed, c.revoked, c.granted),
            "{edit}"
        );
        assert_eq!(d.products_added, c.products_added);
        assert_eq!(d.principals_removed, c.principals_removed);
    }
}
