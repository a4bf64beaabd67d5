//! Differential tests: the compiled evaluator (`entitle::compile`) must agree with the
//! explaining evaluator (`entitle::eval`, the reference semantics) on every
//! (principal, product) pair — of every shipped scenario and of randomly generated policies,
//! which use every revision 2 construct (`revenue` and the fallback country,
//! `entitlement-country`, `key … in`, `global`, `locked`) and reach the shapes real accounts
//! have (dozens of groups, users in up to ten groups, keys in several groups, display names
//! used as references, roles, claimed domains) — and after every statement of random what-if
//! sequences (the granular `set …` statements and `register` among them).
//!
//! `PROPTEST_CASES=N` runs every property N times instead of its default count.

use entitle::compile::{Compiled, Row};
use entitle::{eval, Policy};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

/// Compare every pair, by single decision and by whole row.
fn assert_agree(policy: &Policy) {
    let model = policy.model();
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
    if let Ok(rd) = std::fs::read_dir(root.join("../shared/spec/examples-r2")) {
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
    /// Products written with a display name (`product P3 "Prod 3"`), and referred to by it in
    /// every list where `by_display` says so.
    displayed: Vec<bool>,
    by_display: bool,
    /// The account's claimed domains: `x.io` (the users' domain), `y.io` with auto-approval.
    domains: bool,
    /// (r2) The account's `global` products.
    global: Vec<usize>,
    countries: Vec<CountrySpec>,
    groups: Vec<GroupSpec>,
    users: Vec<UserSpec>,
    keys: Vec<KeySpec>,
}

#[derive(Debug, Clone)]
struct KeySpec {
    /// (r2) `key K in C`: then only the groups of C are written.
    country: Option<usize>,
    /// Without `in`: the country whose groups the key is in.
    home: usize,
    /// Picks among the groups of the key's country (so that keys in several groups are
    /// common).
    groups: Vec<usize>,
}

#[derive(Debug, Clone)]
struct CountrySpec {
    entitled: Option<Vec<usize>>,
    default_deny: bool,
    overrides: Vec<(usize, bool)>,
    covers: bool,
    /// (r2) Small values, so that ties are common (a tie at the top is dropped).
    revenue: Option<u64>,
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
    /// A display name (`user u1@x.io "User 1"`), roles.
    display: bool,
    roles: usize,
    /// The profile code written as the country's display name.
    profile_by_display: bool,
    profile: usize,
    /// (r2) The Entitlement Country attribute (a country index).
    attribute: Option<usize>,
    groups: Vec<usize>,
    exceptions: Vec<(usize, bool)>,
}

fn subset(n: usize, max: usize) -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(0..n.max(1), 0..=max)
}

fn spec() -> impl Strategy<Value = Spec> {
    // groups: mostly a handful, often dozens (as real accounts have)
    let groups = prop_oneof![3 => 0usize..9, 2 => 9usize..40];
    (1usize..140, 1usize..6, groups, 0usize..10).prop_flat_map(|(products, nc, ng, nu)| {
        let country = (
            proptest::option::weighted(0.6, subset(products, 100)),
            any::<bool>(),
            proptest::collection::vec((0..products, any::<bool>()), 0..4),
            any::<bool>(),
            proptest::option::weighted(0.6, 0u64..3),
        )
            .prop_map(|(entitled, default_deny, overrides, covers, revenue)| CountrySpec {
                entitled,
                default_deny,
                overrides,
                covers,
                revenue,
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
            (0usize..7, any::<bool>(), 0usize..8, any::<bool>()),
            0..nc + 2,
            proptest::option::weighted(0.25, 0..nc),
            subset(ng, 10),
            proptest::collection::vec((0..products, any::<bool>()), 0..3),
        )
            .prop_map(
                |((status, display, roles, profile_by_display), profile, attribute, groups, exceptions)| UserSpec {
                    status,
                    display,
                    roles,
                    profile_by_display,
                    profile,
                    attribute,
                    groups,
                    exceptions,
                },
            );
        let key = (proptest::option::weighted(0.4, 0..nc), 0..nc, subset(40, 4))
            .prop_map(|(country, home, groups)| KeySpec { country, home, groups });
        (
            (
                Just(products),
                proptest::collection::vec(proptest::bool::weighted(0.3), products),
                any::<bool>(),
                any::<bool>(),
            ),
            subset(products, 3),
            proptest::collection::vec(country, nc),
            proptest::collection::vec(group, ng),
            proptest::collection::vec(user, nu),
            proptest::collection::vec(key, 0..5),
        )
            .prop_map(
                |((products, displayed, by_display, domains), global, countries, groups, users, keys)| Spec {
                    products,
                    displayed,
                    by_display,
                    domains,
                    global,
                    countries,
                    groups,
                    users,
                    keys,
                },
            )
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

impl Spec {
    /// How a product is referred to: by its display name where it has one and `by_display`.
    fn product(&self, i: usize) -> String {
        if self.by_display && self.displayed[i] {
            format!("\"Prod {i}\"")
        } else {
            format!("P{i}")
        }
    }

    fn products_list(&self, list: &[usize]) -> String {
        list.iter().map(|&i| self.product(i)).collect::<Vec<_>>().join(", ")
    }

    /// How a declared country is referred to (every country has a display name).
    fn country(&self, i: usize) -> String {
        if self.by_display {
            format!("\"Country {i}\"")
        } else {
            format!("C{i}")
        }
    }

    fn verdicts(&self, out: &mut String, indent: &str, keyword: &str, list: &[(usize, bool)]) {
        for (p, allow) in consistent(list) {
            out.push_str(&format!(
                "{indent}{keyword}{} {}\n",
                if allow { "allow" } else { "deny" },
                self.product(p)
            ));
        }
    }

    fn text(&self) -> String {
        let mut t = String::new();
        if !self.global.is_empty() || self.domains {
            t.push_str("account \"Random\" {\n");
            if self.domains {
                t.push_str("  domain x.io\n  domain y.io auto-approve\n");
            }
            if !self.global.is_empty() {
                t.push_str(&format!("  global {}\n", self.products_list(&self.global)));
            }
            t.push_str("}\n");
        }
        for p in 0..self.products {
            if self.displayed[p] {
                t.push_str(&format!("product P{p} \"Prod {p}\"\n"));
            } else {
                t.push_str(&format!("product P{p}\n"));
            }
        }
        // a tie for the highest revenue is an error: only the first country keeps the top
        let top = self.countries.iter().filter_map(|c| c.revenue).max();
        let mut top_taken = false;
        for (i, c) in self.countries.iter().enumerate() {
            t.push_str(&format!("country C{i} \"Country {i}\" {{\n"));
            if let Some(r) = c.revenue {
                if Some(r) != top || !std::mem::replace(&mut top_taken, true) {
                    t.push_str(&format!("  revenue {}\n", entitle::fmt::format_number(r * 500)));
                }
            }
            if c.covers {
                t.push_str(&format!("  covers X{i}\n"));
            }
            if let Some(e) = &c.entitled {
                if e.is_empty() {
                    t.push_str("  entitled\n");
                } else {
                    t.push_str(&format!("  entitled {}\n", self.products_list(e)));
                }
            }
            if c.default_deny {
                t.push_str("  default deny\n");
            }
            self.verdicts(&mut t, "  ", "", &c.overrides);
            t.push_str("}\n");
        }
        for (i, g) in self.groups.iter().enumerate() {
            t.push_str(&format!("group G{i} in {} {{\n", self.country(g.country)));
            if !g.allowed.is_empty() {
                t.push_str(&format!("  allowed {}\n", self.products_list(&g.allowed)));
            }
            if g.include {
                t.push_str("  include-country\n");
            }
            self.verdicts(&mut t, "  ", "exception ", &g.exceptions);
            t.push_str("}\n");
        }
        let statuses = [
            "active",
            "active",
            "active",
            "pending",
            "invited",
            "registered",
            "locked",
        ];
        for (i, u) in self.users.iter().enumerate() {
            // profile: a declared country, its covered code, or an unknown code
            let nc = self.countries.len();
            let profile = if u.profile < nc && u.profile_by_display {
                format!("\"Country {}\"", u.profile)
            } else if u.profile < nc {
                format!("C{}", u.profile)
            } else if u.profile == nc && self.countries[0].covers {
                "X0".to_string()
            } else {
                "ZZ".to_string()
            };
            let display = if u.display {
                format!(" \"User {i}\"")
            } else {
                String::new()
            };
            t.push_str(&format!(
                "user u{i}@x.io{display} {{\n  country {profile}\n  status {}\n",
                statuses[u.status]
            ));
            let roles: Vec<&str> = ["account-admin", "co-admin", "fulfillment-contact"]
                .into_iter()
                .enumerate()
                .filter(|(b, _)| u.roles & (1 << b) != 0)
                .map(|(_, r)| r)
                .collect();
            if !roles.is_empty() {
                t.push_str(&format!("  roles {}\n", roles.join(", ")));
            }
            if let Some(c) = u.attribute {
                t.push_str(&format!("  entitlement-country {}\n", self.country(c)));
            }
            if !u.groups.is_empty() && !self.groups.is_empty() {
                t.push_str(&format!("  groups {}\n", names(&u.groups, "G")));
            }
            self.verdicts(&mut t, "  ", "", &u.exceptions);
            t.push_str("}\n");
        }
        for (i, k) in self.keys.iter().enumerate() {
            // a key's groups must share a country (that of its `in`, if any): pick among the
            // groups of that country, else of its home country
            let home = k.country.unwrap_or(k.home);
            let of_home: Vec<usize> = (0..self.groups.len())
                .filter(|&g| self.groups[g].country == home)
                .collect();
            let mut same: Vec<usize> = vec![];
            if !of_home.is_empty() {
                for g in &k.groups {
                    let g = of_home[g % of_home.len()];
                    if !same.contains(&g) {
                        same.push(g);
                    }
                }
            }
            t.push_str(&format!("key K{i}"));
            if let Some(c) = k.country {
                t.push_str(&format!(" in {}", self.country(c)));
            }
            if same.is_empty() {
                t.push_str(" { }\n");
            } else {
                t.push_str(&format!(" {{ groups {} }}\n", names(&same, "G")));
            }
        }
        t
    }
}

/// `PROPTEST_CASES`, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(1000), ..ProptestConfig::default() })]

    #[test]
    fn compiled_agrees_with_the_reference_on_random_policies(spec in spec()) {
        let text = spec.text();
        let policy = Policy::parse("random.ent", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_agree(&policy);
    }
}

// ------------------------------------------------------------------ r2 coverage guards

/// Guards the generator: the random policies above must use every r2 construct, and use it
/// where it matters (a user falling back, a product entitled only through `global`), or the
/// differential test would not cover them.
#[test]
fn random_policies_use_every_r2_construct() {
    use entitle::model::{CountryBy, Principal, Status};
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for _ in 0..300 {
        let spec = spec().new_tree(&mut runner).unwrap().current();
        let policy = Policy::parse("random.ent", &spec.text()).unwrap();
        let m = policy.model();
        let mut see = |what: &'static str, yes: bool| *seen.entry(what).or_default() += usize::from(yes);
        see("revenue", m.countries.iter().any(|c| c.revenue.is_some()));
        see("revenue tie below the top", {
            let mut r: Vec<u64> = m.countries.iter().filter_map(|c| c.revenue.map(|r| r.0)).collect();
            r.sort_unstable();
            r.windows(2).any(|w| w[0] == w[1])
        });
        see(
            "fallback",
            m.users.iter().any(|u| u.country_by == Some(CountryBy::Revenue)),
        );
        see(
            "attribute",
            m.users
                .iter()
                .any(|u| u.country_by == Some(CountryBy::EntitlementCountry)),
        );
        see("locked", m.users.iter().any(|u| u.status == Status::Locked));
        see(
            "key in, no group",
            m.keys.iter().any(|k| k.country_in.is_some() && k.groups.is_empty()),
        );
        see(
            "key in, groups",
            m.keys.iter().any(|k| k.country_in.is_some() && !k.groups.is_empty()),
        );
        // a product entitled only through `global`, decided by a later step
        let global_decides = m.principals().any(|p| {
            m.principal_country(p).is_some_and(|c| {
                m.product_ids().any(|x| {
                    m.is_global(x)
                        && !m.country(c).is_entitled(x)
                        && eval::decide(m, p, x).rule != entitle::Rule::NotEntitled
                        && !matches!(p, Principal::User(u) if m.user(u).status != Status::Active)
                })
            })
        });
        see("global decides", global_decides);
        // the shapes of real accounts
        see("dozens of groups", m.groups.len() >= 12);
        see(
            "a user in six groups or more",
            m.users.iter().any(|u| u.groups.len() >= 6),
        );
        see("a key in several groups", m.keys.iter().any(|k| k.groups.len() >= 2));
        see(
            "a profile code that is a display name",
            spec.users
                .iter()
                .any(|u| u.profile_by_display && u.profile < spec.countries.len()),
        );
        see(
            "references by display name",
            spec.by_display && spec.displayed.iter().any(|&d| d),
        );
        see("claimed domains", spec.domains);
    }
    for (what, n) in &seen {
        assert!(*n >= 20, "only {n} of 300 random policies with {what}: {seen:?}");
    }
    assert_eq!(seen.len(), 14);
}

// ------------------------------------------------------------------ what-if sequences

/// One what-if statement about a [`Spec`]'s names: a kind and three numbers, read modulo the
/// sizes of what they pick from.
type Op = (usize, usize, usize, usize);

const STATEMENT_KINDS: usize = 17;

/// The statement text, or `None` when the spec has nothing of the kind it needs.
fn statement(spec: &Spec, (kind, a, b, c): Op) -> Option<String> {
    let (np, nc, ng, nu, nk) = (
        spec.products,
        spec.countries.len(),
        spec.groups.len(),
        spec.users.len(),
        spec.keys.len(),
    );
    let pick = |n: usize, i: usize| (n > 0).then(|| i % n);
    let on = |i: usize| if i % 2 == 0 { "on" } else { "off" };
    let verdict = |i: usize| ["allow", "deny", "inherit"][i % 3];
    let p = pick(np, b);
    Some(match kind % STATEMENT_KINDS {
        0 => {
            let statuses = ["active", "pending", "invited", "registered", "locked"];
            format!("set status u{}@x.io {}", pick(nu, a)?, statuses[b % 5])
        }
        1 => match c % 4 {
            0 => format!("set entitlement-country u{}@x.io inherit", pick(nu, a)?),
            _ => format!(
                "set entitlement-country u{}@x.io {}",
                pick(nu, a)?,
                spec.country(pick(nc, b)?)
            ),
        },
        2 => format!(
            "set exception u{}@x.io {} {}",
            pick(nu, a)?,
            spec.product(p?),
            verdict(c)
        ),
        3 => format!(
            "set group-exception G{} {} {}",
            pick(ng, a)?,
            spec.product(p?),
            verdict(c)
        ),
        4 => {
            let who = if c % 3 == 0 {
                format!("K{}", pick(nk, b)?)
            } else {
                format!("u{}@x.io", pick(nu, b)?)
            };
            format!("set member G{} {who} {}", pick(ng, a)?, on(c / 3))
        }
        5 => format!("set allowed G{} {} {}", pick(ng, a)?, spec.product(p?), on(c)),
        6 => format!("set include-country G{} {}", pick(ng, a)?, on(c)),
        7 => format!(
            "set entitled {} {} {}",
            spec.country(pick(nc, a)?),
            spec.product(p?),
            on(c)
        ),
        8 => match c % 5 {
            0 => format!("set revenue {} none", spec.country(pick(nc, a)?)),
            v => format!(
                "set revenue {} {}",
                spec.country(pick(nc, a)?),
                entitle::fmt::format_number(v as u64 * 500)
            ),
        },
        9 => format!("set global {} {}", spec.product(p?), on(c)),
        10 => match c % 4 {
            0 => format!("set key-country K{} inherit", pick(nk, a)?),
            _ => format!("set key-country K{} {}", pick(nk, a)?, spec.country(pick(nc, b)?)),
        },
        11 => format!(
            "set default {} {}",
            spec.country(pick(nc, a)?),
            ["allow", "deny"][c % 2]
        ),
        12 => format!(
            "set access {} {} {}",
            spec.country(pick(nc, a)?),
            spec.product(p?),
            verdict(c)
        ),
        13 => format!("{} G{}", ["convert", "clear-exceptions"][c % 2], pick(ng, a)?),
        14 => format!("set domain x.io {}", ["on", "off", "auto-approve"][c % 3]),
        15 => {
            // self-registration: pending on x.io, registered on y.io (when the account claims
            // them), an error on the unclaimed z.io; a new email mostly, sometimes a user's
            let domain = ["x.io", "x.io", "y.io", "z.io"][b % 4];
            let local = if c % 4 == 0 {
                format!("u{}", a % 12)
            } else {
                format!("new{}", a % 50)
            };
            let code = match c % 3 {
                0 => spec.country(pick(nc, b)?),
                1 => "X0".to_string(),
                _ => "ZZ".to_string(),
            };
            format!("register {local}@{domain} country {code}")
        }
        _ => match c % 5 {
            0 => format!("remove product {}", spec.product(p?)),
            1 => format!("remove country {}", spec.country(pick(nc, a)?)),
            2 => format!("remove group G{}", pick(ng, a)?),
            3 => format!("remove user u{}@x.io", pick(nu, a)?),
            _ => format!("remove key K{}", pick(nk, a)?),
        },
    })
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    proptest::collection::vec(
        (0..STATEMENT_KINDS, any::<usize>(), any::<usize>(), any::<usize>()),
        1..12,
    )
}

/// Apply the statements in order, checking the evaluators agree after each one that
/// applies; returns how many applied, by kind.
fn apply_and_compare(spec: &Spec, ops: &[Op], applied: &mut [usize; STATEMENT_KINDS]) {
    let text = spec.text();
    let mut policy = Policy::parse("random.ent", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    for (i, op) in ops.iter().enumerate() {
        let Some(stmt) = statement(spec, *op) else { continue };
        if policy.apply(&format!("<what-if {i}>"), &stmt).is_ok() {
            applied[op.0 % STATEMENT_KINDS] += 1;
            assert_agree(&policy);
        }
    }
}

#[test]
fn what_if_sequences_apply_every_kind_of_statement() {
    // guards the sequences below: each kind of statement must mostly apply
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut applied = [0; STATEMENT_KINDS];
    for _ in 0..200 {
        let (spec, ops) = (spec(), ops()).new_tree(&mut runner).unwrap().current();
        apply_and_compare(&spec, &ops, &mut applied);
    }
    for (kind, n) in applied.iter().enumerate() {
        assert!(*n >= 15, "statement kind {kind} applied only {n} times: {applied:?}");
    }
}

/// Random what-if statements from the shared policy generator (declarations, `remove`,
/// `convert`, `register` and every `set …`), on its random policies.
fn generated_sequence(choices: &[u32], more: &[u32]) -> usize {
    let options = policy_gen::Options {
        mistakes: 0,
        noise: false,
        tests: false,
    };
    let (text, names) = policy_gen::policy(&mut policy_gen::Cursor::new(choices), options);
    let Ok(mut policy) = Policy::parse("random.ent", &text) else {
        return 0;
    };
    assert_agree(&policy);
    let mut applied = 0;
    for (i, stmt) in policy_gen::statements(&mut policy_gen::Cursor::new(more), options, &names, 12)
        .iter()
        .enumerate()
    {
        if policy.apply(&format!("<what-if {i}>"), stmt).is_ok() {
            applied += 1;
            assert_agree(&policy);
        }
    }
    applied
}

#[allow(dead_code)]
#[path = "../fuzz/src/policy_gen.rs"]
mod policy_gen;

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(300), ..ProptestConfig::default() })]

    #[test]
    fn compiled_agrees_after_every_what_if_statement(spec in spec(), ops in ops()) {
        apply_and_compare(&spec, &ops, &mut [0; STATEMENT_KINDS]);
    }

    #[test]
    fn compiled_agrees_on_generated_policies_and_what_if_statements(
        choices in proptest::collection::vec(any::<u32>(), 0..800),
        more in proptest::collection::vec(any::<u32>(), 0..300),
    ) {
        generated_sequence(&choices, &more);
    }
}

#[test]
fn generated_policies_use_every_r2_construct_and_their_statements_apply() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (
        proptest::collection::vec(any::<u32>(), 0..800),
        proptest::collection::vec(any::<u32>(), 0..300),
    );
    let (mut valid, mut applied) = (0, 0);
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for _ in 0..300 {
        let (choices, more) = strategy.new_tree(&mut runner).unwrap().current();
        let options = policy_gen::Options {
            mistakes: 0,
            noise: false,
            tests: false,
        };
        let (text, _) = policy_gen::policy(&mut policy_gen::Cursor::new(&choices), options);
        let Ok(policy) = Policy::parse("random.ent", &text) else {
            continue;
        };
        valid += 1;
        let m = policy.model();
        let mut see = |what: &'static str, yes: bool| *seen.entry(what).or_default() += usize::from(yes);
        see("revenue", m.countries.iter().any(|c| c.revenue.is_some()));
        see(
            "fallback",
            m.users
                .iter()
                .any(|u| u.country_by == Some(entitle::model::CountryBy::Revenue)),
        );
        see("attribute", m.users.iter().any(|u| u.entitlement_country.is_some()));
        see(
            "locked",
            m.users.iter().any(|u| u.status == entitle::model::Status::Locked),
        );
        see("key in", m.keys.iter().any(|k| k.country_in.is_some()));
        see("global", m.account.as_ref().is_some_and(|a| !a.global.is_empty()));
        see("many groups", m.groups.len() >= 10);
        applied += generated_sequence(&choices, &more);
    }
    assert!(valid >= 180, "only {valid} of 300 generated policies are valid");
    assert!(applied >= 300, "only {applied} what-if statements applied");
    for (what, n) in &seen {
        assert!(*n >= 8, "only {n} valid generated policies with {what}: {seen:?}");
    }
    assert_eq!(seen.len(), 7);
}
