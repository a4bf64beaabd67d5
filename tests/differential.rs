//! Differential tests: the compiled evaluator (`entitle::compile`) must agree with the
//! explaining evaluator (`entitle::eval`, the reference semantics) on every
//! (principal, product) pair — of every shipped scenario and of randomly generated policies.

use entitle::compile::{Compiled, Row};
use entitle::{eval, Policy};
use proptest::prelude::*;

/// Compare every pair, by single decision and by whole row.
fn assert_agree(policy: &Policy) {
    let model = &policy.model;
    let c = Compiled::new(model);
    let mut row = Row::new(c.words);
    for (i, p) in model.principals().enumerate() {
        assert_eq!(c.index_of(p), i);
        c.row(i, &mut row);
        for x in model.product_ids() {
            let d = eval::decide(model, p, x);
            let who = model.principal_name(p);
            let what = &model.product(x).name;
            assert_eq!(
                c.decide(i, x.index()),
                (d.access, d.rule, d.group),
                "decide {who} {what}"
            );
            assert_eq!(row.get(x.index()), (d.access, d.rule), "row {who} {what}");
        }
        // each product is credited to exactly one rule
        for x in 0..c.products {
            let n = row.rules.iter().filter(|r| r[x / 64] & (1 << (x % 64)) != 0).count();
            assert_eq!(n, 1, "product {x} of {} has {n} rules", model.principal_name(p));
        }
    }
}

#[test]
fn compiled_agrees_on_every_scenario_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(root.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ent"))
        .collect();
    for folder in ["../shared/spec/examples", "../shared/spec/examples-r2"] {
        let rd = std::fs::read_dir(root.join(folder)).unwrap_or_else(|e| panic!("cannot read {folder}: {e}"));
        files.extend(rd.map(|e| e.unwrap().path()));
    }
    files.sort();
    assert!(files.len() >= 12);
    for f in files {
        let policy = Policy::from_path(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_agree(&policy);
        // and on the policy of every scenario
        let mut sources = entitle::Sources::new();
        let id = sources.add(f.display().to_string(), std::fs::read_to_string(&f).unwrap());
        for ctx in entitle::testing::expectation_contexts(&sources, id).unwrap() {
            if ctx.scenario.is_some() {
                assert_agree(&ctx.policy);
            }
        }
    }
}

/// A random policy, written as text so that it goes through the whole pipeline.
#[derive(Debug, Clone)]
struct Spec {
    products: usize,
    countries: Vec<CountrySpec>,
    groups: Vec<GroupSpec>,
    users: Vec<UserSpec>,
    keys: Vec<Vec<usize>>,
}

#[derive(Debug, Clone)]
struct CountrySpec {
    entitled: Option<Vec<usize>>,
    default_deny: bool,
    overrides: Vec<(usize, bool)>,
    covers: bool,
}

#[derive(Debug, Clone)]
struct GroupSpec {
    country: usize,
    allowed: Vec<usize>,
    include: bool,
    exceptions: Vec<(usize, bool)>,
}

#[derive(Debug, Clone)]
struct UserSpec {
    status: usize,
    profile: usize,
    groups: Vec<usize>,
    exceptions: Vec<(usize, bool)>,
}

fn subset(n: usize, max: usize) -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(0..n.max(1), 0..=max)
}

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..140, 1usize..4, 0usize..7, 0usize..7).prop_flat_map(|(products, nc, ng, nu)| {
        let country = (
            proptest::option::weighted(0.6, subset(products, 100)),
            any::<bool>(),
            proptest::collection::vec((0..products, any::<bool>()), 0..4),
            any::<bool>(),
        )
            .prop_map(|(entitled, default_deny, overrides, covers)| CountrySpec {
                entitled,
                default_deny,
                overrides,
                covers,
            });
        let group = (
            0..nc,
            subset(products, 6),
            any::<bool>(),
            proptest::collection::vec((0..products, any::<bool>()), 0..4),
        )
            .prop_map(|(country, allowed, include, exceptions)| GroupSpec {
                country,
                allowed,
                include,
                exceptions,
            });
        let user = (
            0usize..6,
            0..nc + 2,
            subset(ng, 3),
            proptest::collection::vec((0..products, any::<bool>()), 0..3),
        )
            .prop_map(|(status, profile, groups, exceptions)| UserSpec {
                status,
                profile,
                groups,
                exceptions,
            });
        (
            Just(products),
            proptest::collection::vec(country, nc),
            proptest::collection::vec(group, ng),
            proptest::collection::vec(user, nu),
            proptest::collection::vec(subset(ng, 2), 0..3),
        )
            .prop_map(|(products, countries, groups, users, keys)| Spec {
                products,
                countries,
                groups,
                users,
                keys,
            })
    })
}

/// Drop a later opposite verdict for the same product (that would be a resolve error).
fn consistent(list: &[(usize, bool)]) -> Vec<(usize, bool)> {
    let mut out: Vec<(usize, bool)> = vec![];
    for &(p, a) in list {
        if !out.iter().any(|&(q, _)| q == p) {
            out.push((p, a));
        }
    }
    out
}

fn names(list: &[usize], prefix: &str) -> String {
    list.iter()
        .map(|i| format!("{prefix}{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn verdicts(out: &mut String, indent: &str, keyword: &str, list: &[(usize, bool)]) {
    for (p, allow) in consistent(list) {
        out.push_str(&format!(
            "{indent}{keyword}{} P{p}\n",
            if allow { "allow" } else { "deny" }
        ));
    }
}

impl Spec {
    fn text(&self) -> String {
        let mut t = String::new();
        for p in 0..self.products {
            t.push_str(&format!("product P{p}\n"));
        }
        for (i, c) in self.countries.iter().enumerate() {
            t.push_str(&format!("country C{i} {{\n"));
            if c.covers {
                t.push_str(&format!("  covers X{i}\n"));
            }
            if let Some(e) = &c.entitled {
                if e.is_empty() {
                    t.push_str("  entitled\n");
                } else {
                    t.push_str(&format!("  entitled {}\n", names(e, "P")));
                }
            }
            if c.default_deny {
                t.push_str("  default deny\n");
            }
            verdicts(&mut t, "  ", "", &c.overrides);
            t.push_str("}\n");
        }
        for (i, g) in self.groups.iter().enumerate() {
            t.push_str(&format!("group G{i} in C{} {{\n", g.country));
            if !g.allowed.is_empty() {
                t.push_str(&format!("  allowed {}\n", names(&g.allowed, "P")));
            }
            if g.include {
                t.push_str("  include-country\n");
            }
            verdicts(&mut t, "  ", "exception ", &g.exceptions);
            t.push_str("}\n");
        }
        let statuses = ["active", "active", "active", "pending", "invited", "registered"];
        for (i, u) in self.users.iter().enumerate() {
            // profile: a declared country, its covered code, or an unknown code
            let nc = self.countries.len();
            let profile = if u.profile < nc {
                format!("C{}", u.profile)
            } else if u.profile == nc && self.countries[0].covers {
                "X0".to_string()
            } else {
                "ZZ".to_string()
            };
            t.push_str(&format!(
                "user u{i}@x.io {{\n  country {profile}\n  status {}\n",
                statuses[u.status]
            ));
            if !u.groups.is_empty() && !self.groups.is_empty() {
                t.push_str(&format!("  groups {}\n", names(&u.groups, "G")));
            }
            verdicts(&mut t, "  ", "", &u.exceptions);
            t.push_str("}\n");
        }
        for (i, k) in self.keys.iter().enumerate() {
            // a key's groups must share a country: keep those of the first group's country
            let first = k.first().and_then(|g| self.groups.get(*g)).map(|g| g.country);
            let same: Vec<usize> = k
                .iter()
                .copied()
                .filter(|g| first.is_some() && self.groups.get(*g).map(|x| x.country) == first)
                .collect();
            if same.is_empty() {
                t.push_str(&format!("key K{i} {{ }}\n"));
            } else {
                t.push_str(&format!("key K{i} {{ groups {} }}\n", names(&same, "G")));
            }
        }
        t
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn compiled_agrees_with_the_reference_on_random_policies(spec in spec()) {
        let text = spec.text();
        let policy = Policy::parse("random.ent", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_agree(&policy);
    }
}
