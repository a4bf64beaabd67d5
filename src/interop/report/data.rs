//! One pass over every decision: the counts the page's sections show ([`Tally`]) and the
//! compact data the page's script renders the grid from ([`Data`]), for every principal.
//!
//! The data is one JSON document in `<script type="application/json" id="entitle-data">`:
//!
//! ```text
//! { "products":  [[name, display or null], …],           // declaration order
//!   "groups":    [name, …],
//!   "countries": [[name, revenue as written or null], …],
//!   "codes":     [[access, rule, two-letter code, class], …],  // see CODES below
//!   "by":        [country_by, …],                          // CountryBy names, by index
//!   "statuses":  {status: meaning, …},
//!   "principals": [[name, display, kind, country, by, groups, cells, credits, profile], …] }
//! ```
//!
//! Per principal (users, then keys, in policy order): `kind` is `"key"` for a key, else the
//! user's status (`"active"`, `"locked"`, …); `country` and `by` are indexes (`-1`: none);
//! `groups` the indexes of the principal's groups in its own order; `cells` one character per
//! product, [`CODES`]`[i]` for the decision whose index is `i` (`2 × rule index + 1` for a
//! deny, `+ 0` for an allow, rules in [`Rule::ALL`] order); `credits` the credited group of
//! every cell decided by a `group-*` rule, in product order, each as its position in `groups`
//! written in base 62 ([`DIGITS`]) with [`credit_width`] digits; `profile` the profile
//! country code of a user without an entitlement country, else `""`.
//!
//! `<`, `>` and `&` are written `\u003c`, `\u003e`, `\u0026` so that no name can end the
//! script element.

use crate::compile::Compiled;
use crate::eval::Rule;
use crate::model::{CountryBy, GroupId, Model, Principal, Status};
use crate::syntax::Access;
use std::collections::BTreeMap;

/// The characters a cell is written with: the decision with index `i` is `CODES[i]`.
pub const CODES: &str = "ABCDEFGHIJKLMNOPQRST";

/// Base-62 digits of a credit.
pub const DIGITS: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Every way of choosing a country, in the order of the data's `by` list.
pub const BY: [CountryBy; 6] = [
    CountryBy::EntitlementCountry,
    CountryBy::Profile,
    CountryBy::Covers,
    CountryBy::Revenue,
    CountryBy::KeyIn,
    CountryBy::KeyGroups,
];

/// The index of a decision in [`CODES`].
pub fn decision_index(access: Access, rule: Rule) -> usize {
    let r = Rule::ALL.iter().position(|x| *x == rule).unwrap_or(0);
    2 * r + usize::from(access == Access::Deny)
}

/// Digits per credit for a principal with `groups` groups: 1 up to 62 groups, then 2, …
pub fn credit_width(groups: usize) -> usize {
    let (mut width, mut span) = (1, 62usize);
    while groups > span {
        width += 1;
        span = span.saturating_mul(62);
    }
    width
}

/// Denials that happen before any access setting is looked at (shown grey in the grid).
pub fn precondition(rule: Rule) -> bool {
    matches!(rule, Rule::Status | Rule::NoEntitlementCountry | Rule::NotEntitled)
}

/// Counts over every decision.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Per product: (allowed, denied).
    pub per_product: Vec<(u64, u64)>,
    /// Per product: denials per rule.
    pub product_denials: Vec<BTreeMap<Rule, u64>>,
    /// Allowed decisions per rule.
    pub allow_by_rule: BTreeMap<Rule, u64>,
    /// Denied decisions per rule.
    pub deny_by_rule: BTreeMap<Rule, u64>,
    /// Per group: decisions it denied (credited to it: `group-not-allowed` or a legacy
    /// `group-exception` deny).
    pub group_denied: Vec<u64>,
    /// Per group: of those, the `group-not-allowed` ones.
    pub group_not_allowed: Vec<u64>,
    /// Per group: decisions it allowed (credited to it).
    pub group_allowed: Vec<u64>,
}

impl Tally {
    /// Allowed and denied decisions in all.
    pub fn totals(&self) -> (u64, u64) {
        self.per_product.iter().fold((0, 0), |(a, d), (x, y)| (a + x, d + y))
    }
}

/// The page's data and the counts, from one pass over every decision.
pub struct Data {
    /// The counts.
    pub tally: Tally,
    /// The JSON document, escaped for a script element.
    pub json: String,
}

/// Decide everything once; count and write the data.
pub fn collect(m: &Model, c: &Compiled) -> Data {
    let products = m.products.len();
    let mut t = Tally {
        per_product: vec![(0, 0); products],
        product_denials: vec![BTreeMap::new(); products],
        group_denied: vec![0; m.groups.len()],
        group_not_allowed: vec![0; m.groups.len()],
        group_allowed: vec![0; m.groups.len()],
        ..Tally::default()
    };
    let codes: Vec<char> = CODES.chars().collect();
    let digits: Vec<char> = DIGITS.chars().collect();
    let mut rows = Vec::with_capacity(c.principals());
    for i in 0..c.principals() {
        let p = c.principal_at(i);
        let subject = m.subject(p);
        let groups: Vec<GroupId> = subject.groups().iter().map(|(g, _)| *g).collect();
        let width = credit_width(groups.len());
        let mut cells = String::with_capacity(products);
        let mut credits = String::new();
        for x in 0..products {
            let (access, rule, group) = c.decide(i, x);
            cells.push(codes[decision_index(access, rule)]);
            let counts = &mut t.per_product[x];
            match access {
                Access::Allow => {
                    counts.0 += 1;
                    *t.allow_by_rule.entry(rule).or_default() += 1;
                }
                Access::Deny => {
                    counts.1 += 1;
                    *t.deny_by_rule.entry(rule).or_default() += 1;
                    *t.product_denials[x].entry(rule).or_default() += 1;
                }
            }
            if let Some(g) = group {
                match access {
                    Access::Allow => t.group_allowed[g.index()] += 1,
                    Access::Deny => {
                        t.group_denied[g.index()] += 1;
                        if rule == Rule::GroupNotAllowed {
                            t.group_not_allowed[g.index()] += 1;
                        }
                    }
                }
                let mut at = groups.iter().position(|h| *h == g).unwrap_or(0);
                let mut digits_rev = Vec::with_capacity(width);
                for _ in 0..width {
                    digits_rev.push(digits[at % 62]);
                    at /= 62;
                }
                credits.extend(digits_rev.iter().rev());
            }
        }
        let (display, kind, profile) = match p {
            Principal::User(u) => {
                let u = m.user(u);
                let profile = if u.country.is_none() { u.profile.0.as_str() } else { "" };
                (u.display.as_deref().unwrap_or(""), u.status.as_str(), profile)
            }
            Principal::Key(_) => ("", "key", ""),
        };
        let by = subject
            .country_by()
            .and_then(|b| BY.iter().position(|x| *x == b))
            .map_or(-1, |i| i as i64);
        rows.push(serde_json::json!([
            m.principal_name(p),
            display,
            kind,
            subject.country().map_or(-1, |c| i64::from(c.0)),
            by,
            groups.iter().map(|g| g.0).collect::<Vec<_>>(),
            cells,
            credits,
            profile,
        ]));
    }
    let decisions: Vec<serde_json::Value> = Rule::ALL
        .iter()
        .flat_map(|r| [(Access::Allow, *r), (Access::Deny, *r)])
        .map(|(a, r)| {
            let class = match a {
                Access::Allow => "a",
                Access::Deny if precondition(r) => "x",
                Access::Deny => "d",
            };
            serde_json::json!([a.as_str(), r.as_str(), crate::render::rule_code(r), class])
        })
        .collect();
    let statuses: serde_json::Map<String, serde_json::Value> = Status::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), s.meaning().into()))
        .collect();
    let doc = serde_json::json!({
        "products": m.products.iter().map(|p| serde_json::json!([p.name, p.display])).collect::<Vec<_>>(),
        "groups": m.groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        "countries": m.countries.iter().map(|c| serde_json::json!([
            c.name,
            c.revenue.map(|(v, _)| crate::fmt::format_number(v)),
        ])).collect::<Vec<_>>(),
        "codes": decisions,
        "by": BY.iter().map(|b| b.as_str()).collect::<Vec<_>>(),
        "statuses": statuses,
        "principals": rows,
    });
    let json = doc
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    Data { tally: t, json }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_decision_has_its_own_character() {
        assert_eq!(CODES.chars().count(), 2 * Rule::ALL.len());
        let mut seen = std::collections::BTreeSet::new();
        for r in Rule::ALL {
            for a in [Access::Allow, Access::Deny] {
                assert!(seen.insert(decision_index(a, r)));
            }
        }
        assert_eq!(DIGITS.chars().count(), 62);
    }

    #[test]
    fn credits_widen_past_62_groups() {
        assert_eq!(credit_width(0), 1);
        assert_eq!(credit_width(62), 1);
        assert_eq!(credit_width(63), 2);
        assert_eq!(credit_width(62 * 62), 2);
        assert_eq!(credit_width(62 * 62 + 1), 3);
    }
}
