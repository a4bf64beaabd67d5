//! `diff` and `simulate` (and the REPL's `:diff` and per-edit counts): every decision that
//! changes, grouped by cause; and `matrix --format summary`. `limit` caps each cause's list of
//! changes, in text and JSON alike (0: all); every count stays exact.

use super::{plural, shown};
use crate::model::GroupMode;
use crate::sim::{self, Diff};
use std::collections::BTreeMap;

/// Cut each cause's `changes` to at most `limit` (0: all); `count` keeps the exact number.
/// Apply before printing the JSON; the text is the same with or without it.
pub fn limit_diff(d: &mut Diff, limit: usize) {
    for c in &mut d.causes {
        c.changes.truncate(shown(limit, c.changes.len()));
    }
}

fn verdict(v: sim::Verdict) -> String {
    format!("{} by {}", v.decision, v.rule)
}

fn mode(m: GroupMode) -> &'static str {
    match m {
        GroupMode::AllowList => "allow-list",
        GroupMode::Legacy => "legacy",
        GroupMode::Unconfigured => "unconfigured",
    }
}

/// The text of a diff: every cause with counts per product and group, and at most `limit`
/// of its changes (0: all).
pub fn diff_text(d: &Diff, limit: usize) -> String {
    let mut out = String::new();
    for note in &d.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    if d.changed == 0 {
        out.push_str(&format!("no decision changes ({} compared)\n", d.compared));
    } else {
        out.push_str(&format!(
            "{} decision{} change ({} compared): {} lose access, {} gain access, {} change only the rule\n",
            d.changed,
            if d.changed == 1 { "" } else { "s" },
            d.compared,
            d.revoked,
            d.granted,
            d.changed - d.revoked - d.granted
        ));
    }
    let lists = [
        ("principals added", &d.principals_added),
        ("principals removed", &d.principals_removed),
        ("products added", &d.products_added),
        ("products removed", &d.products_removed),
        (
            "groups that lost their Allowed Applications list (now legacy or unconfigured)",
            &d.groups_lost_allow_list,
        ),
    ];
    for (what, list) in lists {
        if !list.is_empty() {
            out.push_str(&format!("{what}: {}\n", list.join(", ")));
        }
    }
    for g in &d.groups_mode_changed {
        out.push_str(&format!(
            "group {} changes mode: {} → {}\n",
            g.group,
            mode(g.before),
            mode(g.after)
        ));
    }
    for c in &d.causes {
        out.push_str(&format!(
            "\n{} → {}: {}\n",
            verdict(c.before),
            verdict(c.after),
            c.count
        ));
        let per = |map: &BTreeMap<String, usize>| {
            map.iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!("  by product: {}\n", per(&c.products)));
        if !c.groups.is_empty() {
            out.push_str(&format!("  by group: {}\n", per(&c.groups)));
        }
        let n = shown(limit, c.changes.len());
        for ch in &c.changes[..n] {
            let groups = match (&ch.group_before, &ch.group_after) {
                (Some(a), Some(b)) if a != b => format!("  (group {a} → {b})"),
                (Some(a), _) => format!("  (group {a})"),
                (None, Some(b)) => format!("  (group {b})"),
                (None, None) => String::new(),
            };
            out.push_str(&format!("  {} {}{groups}\n", ch.principal, ch.product));
        }
        super::who::more(&mut out, c.count.saturating_sub(n));
    }
    out
}

/// The REPL's `:diff`: `since FILE was loaded: ` and the diff.
pub fn diff_since_text(label: &str, d: &Diff, limit: usize) -> String {
    format!("since {label} was loaded: {}", diff_text(d, limit))
}

/// "2 decisions changed, 1 principal added": the effect of one edit, in a few words.
pub fn effect_text(d: &Diff) -> String {
    let mut parts = vec![match d.changed {
        0 => "no decision changed".to_string(),
        n => format!("{} changed", plural(n, "decision", "decisions")),
    }];
    for (list, one, many, what) in [
        (&d.principals_added, "principal", "principals", "added"),
        (&d.principals_removed, "principal", "principals", "removed"),
        (&d.products_added, "product", "products", "added"),
        (&d.products_removed, "product", "products", "removed"),
    ] {
        if !list.is_empty() {
            parts.push(format!("{} {what}", plural(list.len(), one, many)));
        }
    }
    parts.join(", ")
}

/// The text of `matrix --format summary`: per product the allow and deny counts and the
/// denials per rule.
pub fn summary_text(s: &sim::Summary) -> String {
    let width = s.products.iter().map(|p| p.product.len()).max().unwrap_or(7).max(7);
    let mut out = format!(
        "{} principals\n\n{:<width$}  {:>9}  {:>9}  denied by rule\n",
        s.principals, "product", "allow", "deny"
    );
    for p in &s.products {
        let rules: Vec<String> = p.deny_by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
        out.push_str(&format!(
            "{:<width$}  {:>9}  {:>9}  {}\n",
            p.product,
            p.allow,
            p.deny,
            rules.join(", ")
        ));
    }
    out
}
