//! `access`: every product's decision for one principal, as text and as JSON.

use crate::eval::{decide, Decision};
use crate::filter::thousands;
use crate::model::{Access, Model, Principal, ProductId, Rule};
use serde::Serialize;

/// Every product's decision for one principal (`entitle access`), in declaration order.
pub fn access(model: &Model, principal: Principal) -> Vec<(ProductId, Decision)> {
    model.product_ids().map(|x| (x, decide(model, principal, x))).collect()
}

/// [`access`] for the products `sel` keeps (the others are not decided), keeping the
/// decisions that pass `--rule` and `--only`; nothing when the principal does not pass
/// `--principal`, `--group` or `--country`.
pub fn access_filtered(
    model: &Model,
    principal: Principal,
    sel: &crate::filter::Selection,
) -> Vec<(ProductId, Decision)> {
    if !sel.principal(model, principal) {
        return vec![];
    }
    sel.products(model)
        .into_iter()
        .map(|x| (x, decide(model, principal, x)))
        .filter(|(_, d)| sel.decision(d.access, d.rule))
        .collect()
}

/// Keep at most `limit` allowed and `limit` denied decisions per rule in `access --json`
/// (0: all).
pub fn limit_json(j: &mut AccessJson, limit: usize) {
    if limit == 0 {
        return;
    }
    let mut seen: std::collections::HashMap<(Access, Option<Rule>), usize> = Default::default();
    j.decisions.retain(|d| {
        let key = (d.decision, (d.decision == Access::Deny).then_some(d.rule));
        let n = seen.entry(key).or_default();
        *n += 1;
        *n <= limit
    });
}

/// One entry of `access --json`'s `decisions` (keys in the order LANGUAGE.md §7 shows).
#[derive(Serialize)]
pub struct AccessDecisionJson {
    pub product: String,
    pub decision: Access,
    pub rule: Rule,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// `access --json`: one object, `country` the entitlement country or `null`.
#[derive(Serialize)]
pub struct AccessJson {
    pub principal: String,
    pub country: Option<String>,
    pub decisions: Vec<AccessDecisionJson>,
}

/// The JSON of `access` (names as declared, never display names).
pub fn access_json(model: &Model, principal: Principal, decisions: &[(ProductId, Decision)]) -> AccessJson {
    AccessJson {
        principal: model.principal_name(principal).to_string(),
        country: model
            .principal_country(principal)
            .map(|c| model.country(c).name.clone()),
        decisions: decisions
            .iter()
            .map(|(x, d)| AccessDecisionJson {
                product: model.product(*x).name.clone(),
                decision: d.access,
                rule: d.rule,
                group: d.group.map(|g| model.group(g).name.clone()),
            })
            .collect(),
    }
}

/// The text of `access`: the allowed products (with the rule and group that allowed each),
/// then the denied ones grouped by rule in LANGUAGE.md §7's order (and by group within the
/// `group-*` rules), products in declaration order.
pub fn access_text(model: &Model, principal: Principal, decisions: &[(ProductId, Decision)]) -> String {
    access_text_limit(model, principal, decisions, 0)
}

/// [`access_text`] listing at most `limit` products per section (0: all; counts stay exact).
pub fn access_text_limit(
    model: &Model,
    principal: Principal,
    decisions: &[(ProductId, Decision)],
    limit: usize,
) -> String {
    let name = model.principal_name(principal);
    let mut out = String::new();
    let country = match (model.principal_country(principal), model.country_by(principal)) {
        (Some(c), Some(by)) => format!(
            "entitlement country {} ({})",
            model.country(c).name,
            country_by_words(by)
        ),
        _ => "no entitlement country".to_string(),
    };
    let allowed: Vec<_> = decisions.iter().filter(|(_, d)| d.access == Access::Allow).collect();
    out.push_str(&format!(
        "{name}: {country}; may use {} of {} product{}\n",
        thousands(allowed.len()),
        thousands(decisions.len()),
        if decisions.len() == 1 { "" } else { "s" }
    ));
    if !allowed.is_empty() {
        out.push_str("\nallowed:\n");
        let width = allowed
            .iter()
            .map(|(x, _)| model.product(*x).name.len())
            .max()
            .unwrap_or(0);
        let n = super::shown(limit, allowed.len());
        for (x, d) in &allowed[..n] {
            out.push_str(&format!(
                "  {:<width$}  by {}\n",
                model.product(*x).name,
                rule_with_group(model, d)
            ));
        }
        super::who::more(&mut out, allowed.len() - n);
    }
    let denied: Vec<_> = decisions.iter().filter(|(_, d)| d.access == Access::Deny).collect();
    if !denied.is_empty() {
        out.push_str("\ndenied:\n");
        for rule in Rule::ALL {
            // one line per rule (and per credited group for the group rules)
            let mut groups: Vec<Option<crate::model::GroupId>> = vec![];
            for (_, d) in denied.iter().filter(|(_, d)| d.rule == rule) {
                if !groups.contains(&d.group) {
                    groups.push(d.group);
                }
            }
            for g in groups {
                let products: Vec<&str> = denied
                    .iter()
                    .filter(|(_, d)| d.rule == rule && d.group == g)
                    .map(|(x, _)| model.product(*x).name.as_str())
                    .collect();
                let head = match g {
                    Some(g) => format!("{rule} {}", model.group(g).name),
                    None => rule.to_string(),
                };
                let n = super::shown(limit, products.len());
                let mut list = products[..n].join(", ");
                if products.len() > n {
                    list.push_str(&format!(", … and {} more", thousands(products.len() - n)));
                }
                out.push_str(&format!("  by {head} ({}): {list}\n", products.len()));
            }
        }
    }
    out
}

fn rule_with_group(model: &Model, d: &Decision) -> String {
    match d.group {
        Some(g) => format!("{} {}", d.rule, model.group(g).name),
        None => d.rule.to_string(),
    }
}

/// How the entitlement country was chosen, in a few words.
pub fn country_by_words(by: crate::model::CountryBy) -> &'static str {
    use crate::model::CountryBy::*;
    match by {
        EntitlementCountry => "the user's Entitlement Country attribute",
        Profile => "the profile country",
        Covers => "covers the profile country",
        Revenue => "fallback: the highest revenue",
        KeyIn => "the key's own country",
        KeyGroups => "the country of the key's groups",
    }
}
