//! Principals described at request time decide exactly as if they were declared in the
//! policy: random users and keys, built from each shipped scenario's own names, are checked
//! both ways on every product.

use entitle::model::Status;
use entitle::request::{RequestKey, RequestPrincipal, RequestUser};
use entitle::Policy;
use proptest::prelude::*;

fn scenario_policies() -> Vec<(String, Policy)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ent"))
        .collect();
    files.sort();
    assert!(files.len() >= 13);
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            // expectations and scenarios aside: only the declarations matter here
            let policy = Policy::parse("p.ent", &text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            (text, policy)
        })
        .collect()
}

/// Pick from a list by a random index (`None` for an empty list).
fn pick(list: &[String], i: usize) -> Option<&String> {
    (!list.is_empty()).then(|| &list[i % list.len()])
}

/// A principal built from the policy's names by the random numbers `r`.
fn principal(policy: &Policy, r: &[usize]) -> RequestPrincipal {
    let m = policy.model();
    let countries: Vec<String> = m.countries.iter().map(|c| c.name.clone()).collect();
    let mut codes = countries.clone();
    codes.extend(
        m.countries
            .iter()
            .flat_map(|c| c.covers.iter().map(|(code, _)| code.clone())),
    );
    codes.push("ZZ".into());
    let groups: Vec<String> = m.groups.iter().map(|g| g.name.clone()).collect();
    let products: Vec<String> = m.products.iter().map(|p| p.name.clone()).collect();
    let some_groups = |n: usize, seed: usize| -> Vec<String> {
        let mut out: Vec<String> = vec![];
        for i in 0..n {
            if let Some(g) = pick(&groups, seed.wrapping_mul(31).wrapping_add(i * 7)) {
                if !out.contains(g) {
                    out.push(g.clone());
                }
            }
        }
        out
    };
    if r[0] % 5 == 0 {
        // a key: its own country, or groups of one country
        let country = (r[1] % 2 == 0).then(|| pick(&countries, r[2]).cloned()).flatten();
        let mut groups = some_groups(r[3] % 3, r[4]);
        if let Some(c) = &country {
            let cid = m.find_country(c);
            groups.retain(|g| m.find_group(g).map(|g| m.group(g).country) == cid);
        } else if let Some(first) = groups.first().and_then(|g| m.find_group(g)) {
            let c = m.group(first).country;
            groups.retain(|g| m.find_group(g).is_some_and(|g| m.group(g).country == c));
        }
        return RequestPrincipal::Key(RequestKey {
            id: "REQ-KEY-1".into(),
            country,
            groups,
        });
    }
    let mut allow = vec![];
    let mut deny = vec![];
    for i in 0..r[5] % 3 {
        if let Some(p) = pick(&products, r[6] + i * 5) {
            if !allow.contains(p) && !deny.contains(p) {
                if (r[7] + i) % 2 == 0 {
                    allow.push(p.clone());
                } else {
                    deny.push(p.clone());
                }
            }
        }
    }
    RequestPrincipal::User(RequestUser {
        email: "request.user@example.test".into(),
        country: pick(&codes, r[1]).cloned().unwrap_or_else(|| "ZZ".into()),
        entitlement_country: (r[2] % 3 == 0).then(|| pick(&countries, r[8]).cloned()).flatten(),
        groups: some_groups(r[3] % 4, r[4]),
        roles: vec![],
        status: (r[9] % 4 == 0).then(|| Status::ALL[r[10] % Status::ALL.len()].as_str().to_string()),
        allow,
        deny,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_request_principal_decides_as_if_declared(r in proptest::collection::vec(any::<usize>(), 11)) {
        for (text, policy) in scenario_policies() {
            let who = principal(&policy, &r);
            // the same principal, declared in the file
            let decl = entitle::fmt::format_document(&entitle::syntax::Document {
                items: vec![who.declaration().into()],
                end_comments: vec![],
            });
            let declared = Policy::parse("p.ent", &format!("{text}\n{decl}"));
            let resolved = policy.resolve_request(&who);
            prop_assert_eq!(declared.is_ok(), resolved.is_ok(), "{}", decl);
            let (Ok(declared), Ok(resolved)) = (declared, resolved) else { continue };
            let id = declared.model().find_principal(resolved.subject().name()).unwrap();
            for x in policy.model().product_ids() {
                let a = entitle::eval::decide_subject(policy.model(), resolved.subject(), x);
                let b = entitle::eval::decide(declared.model(), id, x);
                let name = |m: &entitle::Model, g: Option<entitle::model::GroupId>| g.map(|g| m.group(g).name.clone());
                let country = |m: &entitle::Model, c: Option<entitle::model::CountryId>| c.map(|c| m.country(c).name.clone());
                prop_assert_eq!(
                    (a.access, a.rule, name(policy.model(), a.group), country(policy.model(), a.country)),
                    (b.access, b.rule, name(declared.model(), b.group), country(declared.model(), b.country)),
                    "{} on {}", decl, policy.model().product(x).name
                );
            }
        }
    }
}

#[test]
fn unknown_names_in_a_request_are_errors_with_suggestions() {
    let policy = Policy::parse(
        "p.ent",
        "product A\ncountry US { covers CA }\ngroup Design in US { allowed A }\n",
    )
    .unwrap();
    let who = RequestPrincipal::User(RequestUser {
        email: "x@y.z".into(),
        country: "US".into(),
        entitlement_country: Some("CA".into()),
        groups: vec!["Desing".into()],
        ..RequestUser::default()
    });
    let e = policy.check_request(&who, "A").unwrap_err().to_string();
    assert!(
        e.contains("unknown country `CA`") && e.contains("did you mean `US`?"),
        "{e}"
    );
    assert!(e.contains("unknown group `Desing`") && e.contains("Design"), "{e}");
    let no_country = RequestPrincipal::User(RequestUser {
        email: "x@y.z".into(),
        ..RequestUser::default()
    });
    assert!(policy.check_request(&no_country, "A").is_err());
    let who = RequestPrincipal::User(RequestUser {
        email: "x@y.z".into(),
        country: "CA".into(),
        ..RequestUser::default()
    });
    assert!(policy
        .check_request(&who, "Nope")
        .unwrap_err()
        .to_string()
        .contains("unknown product"));
    assert_eq!(policy.check_request(&who, "A").unwrap().access, entitle::Access::Allow);
}

#[test]
fn request_principals_read_from_json() {
    let who: RequestPrincipal =
        serde_json::from_str(r#"{"user":{"email":"kim@x.io","country":"US","groups":["Design"],"status":"locked"}}"#)
            .unwrap();
    let policy = Policy::parse("p.ent", "product A\ncountry US { }\ngroup Design in US { allowed A }\n").unwrap();
    let d = policy.check_request(&who, "A").unwrap();
    assert_eq!(d.rule, entitle::Rule::Status);
    assert!(serde_json::from_str::<RequestPrincipal>(r#"{"user":{"email":"a","colour":"red"}}"#).is_err());
}
