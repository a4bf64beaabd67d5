//! `check`: one decision and the rule that made it, as text and as JSON (LANGUAGE.md §7).

use super::{at, source_json, SourceJson};
use crate::eval::Decision;
use crate::model::{Access, Model, Principal, ProductId, Rule};
use crate::Policy;
use serde::Serialize;

/// `check --json`, exactly as LANGUAGE.md §7 fixes it. Also the decision of a principal
/// described in a request and the decision after a fix (`explain --json`), where `source` is
/// `null` when no statement of the policy decided (the request's own statements, or the
/// statement the fix writes); for `check` it is always there.
#[derive(Serialize)]
pub struct DecisionJson {
    pub principal: String,
    pub product: String,
    pub decision: Access,
    pub rule: Rule,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    pub source: Option<SourceJson>,
}

/// The JSON of `check` (names as declared).
pub fn decision_json(policy: &Policy, principal: Principal, product: ProductId, d: &Decision) -> DecisionJson {
    let m = &policy.model;
    DecisionJson {
        principal: m.principal_name(principal).to_string(),
        product: m.product(product).name.clone(),
        decision: d.access,
        rule: d.rule,
        group: d.group.map(|g| m.group(g).name.clone()),
        country: d.country.map(|c| m.country(c).name.clone()),
        source: Some(source_json(&policy.sources, d.source)),
    }
}

/// `by RULE [GROUP] [(entitlement country C)]`.
pub(crate) fn rule_text(model: &Model, d: &Decision) -> String {
    let mut s = format!("by {}", d.rule);
    if let Some(g) = d.group {
        s.push_str(&format!(" {}", model.group(g).name));
    }
    if let Some(c) = d.country {
        s.push_str(&format!(" (entitlement country {})", model.country(c).name));
    }
    s
}

/// `allow|deny PRINCIPAL PRODUCT by RULE …`, the first line of `check` and `explain`.
pub(crate) fn headline(model: &Model, p: Principal, x: ProductId, d: &Decision) -> String {
    format!(
        "{} {} {} {}",
        d.access,
        model.principal_name(p),
        model.product(x).name,
        rule_text(model, d)
    )
}

/// The text of `check`: the decision, then the statement that decided it.
pub fn decision_text(policy: &Policy, p: Principal, x: ProductId, d: &Decision) -> String {
    format!(
        "{}\n  {}\n",
        headline(&policy.model, p, x, d),
        at(&policy.sources, d.source)
    )
}
