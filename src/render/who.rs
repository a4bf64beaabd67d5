//! `who`: who may use a product (with the rule and the credited group), and who may not,
//! grouped by the rule that denied them, as text and as JSON. `limit` caps every list
//! (0: all); the counts are always exact.

use super::shown;
use crate::compile::Compiled;
use crate::filter::thousands;
use crate::model::{GroupId, Model, ProductId, Rule};
use crate::sim::{self, Who};
use serde::Serialize;
use std::collections::BTreeMap;

/// Every principal's decision on `product`, split into the allowed and the denied by rule
/// (on the compiled evaluator, in principal order).
pub fn who(model: &Model, product: ProductId) -> Who {
    sim::who(&Compiled::new(model), product)
}

/// One principal in `who --json`.
#[derive(Serialize)]
pub struct WhoEntry<'a> {
    pub principal: &'a str,
    pub rule: Rule,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<&'a str>,
}

/// `who --json`.
#[derive(Serialize)]
pub struct WhoJson<'a> {
    pub product: &'a str,
    pub allowed_count: usize,
    pub denied_count: usize,
    pub allowed: Vec<WhoEntry<'a>>,
    pub denied: BTreeMap<Rule, Vec<WhoEntry<'a>>>,
    /// With a limit: the exact number denied by each rule (the lists may be cut short).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denied_counts: Option<BTreeMap<Rule, usize>>,
}

fn group_name(m: &Model, g: Option<GroupId>) -> Option<&str> {
    g.map(|g| m.group(g).name.as_str())
}

/// The JSON of `who`: at most `limit` entries per list (0: all).
pub fn who_json<'a>(m: &'a Model, product: ProductId, w: &Who, limit: usize) -> WhoJson<'a> {
    WhoJson {
        product: &m.product(product).name,
        allowed_count: w.allowed.len(),
        denied_count: w.denied.values().map(Vec::len).sum(),
        allowed: w.allowed[..shown(limit, w.allowed.len())]
            .iter()
            .map(|&(p, rule, g)| WhoEntry {
                principal: m.principal_name(p),
                rule,
                group: group_name(m, g),
            })
            .collect(),
        denied: w
            .denied
            .iter()
            .map(|(&rule, list)| {
                let entries = list[..shown(limit, list.len())]
                    .iter()
                    .map(|&(p, g)| WhoEntry {
                        principal: m.principal_name(p),
                        rule,
                        group: group_name(m, g),
                    })
                    .collect();
                (rule, entries)
            })
            .collect(),
        denied_counts: (limit > 0).then(|| w.denied.iter().map(|(&r, l)| (r, l.len())).collect()),
    }
}

/// The text of `who`: at most `limit` principals per section (0: all).
pub fn who_text(m: &Model, product: ProductId, w: &Who, limit: usize) -> String {
    let denied: usize = w.denied.values().map(Vec::len).sum();
    let mut out = format!(
        "{}: {} allowed, {} denied\n",
        m.product(product).name,
        thousands(w.allowed.len()),
        thousands(denied)
    );
    if !w.allowed.is_empty() {
        out.push_str(&format!("\nallowed ({}):\n", thousands(w.allowed.len())));
        let n = shown(limit, w.allowed.len());
        for &(p, rule, g) in &w.allowed[..n] {
            out.push_str(&format!(
                "  {}  by {rule}{}\n",
                m.principal_name(p),
                group_name(m, g).map(|g| format!(" {g}")).unwrap_or_default()
            ));
        }
        more(&mut out, w.allowed.len() - n);
    }
    for (rule, list) in &w.denied {
        out.push_str(&format!("\ndenied by {rule} ({}):\n", list.len()));
        let n = shown(limit, list.len());
        for &(p, g) in &list[..n] {
            out.push_str(&format!(
                "  {}{}\n",
                m.principal_name(p),
                group_name(m, g).map(|g| format!("  (group {g})")).unwrap_or_default()
            ));
        }
        more(&mut out, list.len() - n);
    }
    out
}

/// `  … and N more (--limit 0 lists all)` when a list was cut short.
pub(crate) fn more(out: &mut String, left: usize) {
    if left > 0 {
        out.push_str(&format!("  … and {} more (--limit 0 lists all)\n", thousands(left)));
    }
}
