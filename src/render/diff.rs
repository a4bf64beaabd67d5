//! `diff` and `simulate` (and the REPL's `:diff` and per-edit counts): every decision that
//! changes, grouped by cause; and `matrix --format summary`. `limit` caps each cause's list of
//! changes, in text and JSON alike (0: all); every count stays exact.

use super::{plural, shown};
use crate::filter::thousands;
use crate::impact::{CountRow, Impact, Kinds, PrincipalImpact};
use crate::model::GroupMode;
use crate::sim::{self, Diff};
use serde::Serialize;
use std::collections::BTreeMap;

/// `diff --json` and `simulate --json`: the diff's fields and the impact in people.
#[derive(Serialize)]
pub struct DiffJson<'a> {
    #[serde(flatten)]
    pub diff: &'a Diff,
    #[serde(flatten)]
    pub impact: &'a Impact,
}

fn kinds(k: Kinds) -> Option<String> {
    let mut parts = vec![];
    if k.users > 0 {
        parts.push(format!(
            "{} user{}",
            thousands(k.users),
            if k.users == 1 { "" } else { "s" }
        ));
    }
    if k.keys > 0 {
        parts.push(format!(
            "{} key{}",
            thousands(k.keys),
            if k.keys == 1 { "" } else { "s" }
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" and "))
}

/// "312 users and 2 keys lose access to at least one product, 40 users gain".
pub fn people_line(imp: &Impact) -> String {
    let (lose, gain) = (kinds(imp.people.lose), kinds(imp.people.gain));
    let s = |k: Kinds| if k.total() == 1 { "s" } else { "" };
    let (ls, gs) = (s(imp.people.lose), s(imp.people.gain));
    match (lose, gain) {
        (None, None) => "no one loses or gains access to a product".to_string(),
        (Some(l), None) => format!("{l} lose{ls} access to at least one product, no one gains"),
        (None, Some(g)) => format!("no one loses access; {g} gain{gs} access to at least one product"),
        (Some(l), Some(g)) => format!("{l} lose{ls} access to at least one product, {g} gain{gs}"),
    }
}

fn cause_words(before: sim::Verdict, after: sim::Verdict) -> String {
    format!("`{} → {}`", verdict(before), verdict(after))
}

/// "loses 250 products, all `allow by default-access → deny by default-access`".
pub fn principal_line(p: &PrincipalImpact) -> String {
    let mut parts = vec![];
    let products = |n: usize| plural(n, "product", "products");
    if p.loses > 0 {
        parts.push(format!("loses {}", products(p.loses)));
    }
    if p.gains > 0 {
        parts.push(format!("gains {}", products(p.gains)));
    }
    if p.rule_only > 0 {
        parts.push(format!("{} by another rule", products(p.rule_only)));
    }
    let mut line = format!("{}: {}", p.principal, parts.join(", "));
    match p.causes.as_slice() {
        [one] => line.push_str(&format!(", all {}", cause_words(one.before, one.after))),
        many => {
            let shown: Vec<String> = many
                .iter()
                .take(3)
                .map(|c| format!("{} {}", thousands(c.count), cause_words(c.before, c.after)))
                .collect();
            line.push_str(&format!(
                " ({}{})",
                shown.join(", "),
                if many.len() > 3 { ", …" } else { "" }
            ));
        }
    }
    if !p.statements.is_empty() {
        let s: Vec<String> = p.statements.iter().map(|s| format!("#{s}")).collect();
        line.push_str(&format!(" [statement {}]", s.join(", ")));
    }
    line
}

fn table(out: &mut String, head: &str, rows: &[CountRow], limit: usize) {
    let n = shown(limit, rows.len());
    let width = rows[..n]
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(head.len());
    let num = rows[..n]
        .iter()
        .map(|r| thousands(r.lose).len().max(thousands(r.gain).len()))
        .max()
        .unwrap_or(0)
        .max(4);
    out.push_str(&format!("  {head:<width$}  {:>num$}  {:>num$}\n", "lose", "gain"));
    for r in &rows[..n] {
        out.push_str(&format!(
            "  {:<width$}  {:>num$}  {:>num$}\n",
            r.name,
            thousands(r.lose),
            thousands(r.gain)
        ));
    }
    super::who::more(out, rows.len() - n);
}

/// The text of `diff` and `simulate`: people first, then the decisions, the statements,
/// per principal, per product and per group, the new principals, and every cause.
pub fn impact_text(d: &Diff, imp: &Impact, limit: usize) -> String {
    let mut out = format!("{}\n", people_line(imp));
    out.push_str(&diff_head(d));
    if !imp.statements.is_empty() && (imp.statements.len() > 1 || imp.statements[0].no_change.is_some()) {
        out.push_str("\nby statement:\n");
        for s in &imp.statements {
            match &s.no_change {
                Some(why) => out.push_str(&format!(
                    "  #{} `{}`: {}: {why}\n",
                    s.index,
                    s.statement,
                    if s.already { "no change" } else { "changes no decision" }
                )),
                None if s.changed == 0 && !s.added.is_empty() => out.push_str(&format!(
                    "  #{} `{}`: adds {}\n",
                    s.index,
                    s.statement,
                    s.added.join(", ")
                )),
                None => out.push_str(&format!(
                    "  #{} `{}`: {} first changed here; {} lose, {} gain\n",
                    s.index,
                    s.statement,
                    plural(s.changed, "decision", "decisions"),
                    thousands(s.lose),
                    thousands(s.gain)
                )),
            }
        }
    }
    if !imp.principals.is_empty() {
        out.push_str(&format!(
            "\nby principal ({}, losses first):\n",
            thousands(imp.principals_changed)
        ));
        let n = shown(limit, imp.principals.len());
        for p in &imp.principals[..n] {
            out.push_str(&format!("  {}\n", principal_line(p)));
        }
        super::who::more(&mut out, imp.principals_changed - n);
    }
    if !imp.products.is_empty() {
        out.push_str("\nby product (principals):\n");
        table(&mut out, "product", &imp.products, limit);
    }
    if !imp.groups.is_empty() {
        out.push_str("\nby group (members):\n");
        table(&mut out, "group", &imp.groups, limit);
    }
    new_principals(&mut out, imp, limit, "  ");
    out.push_str(&diff_causes(d, limit));
    out
}

fn new_principals(out: &mut String, imp: &Impact, limit: usize, indent: &str) {
    if imp.new_principals.is_empty() {
        return;
    }
    out.push_str("\nnew principals:\n");
    let n = shown(limit, imp.new_principals.len());
    for p in &imp.new_principals[..n] {
        let k = shown(limit, p.may_use.len()).min(p.may_use.len());
        let mut list = p.may_use[..k].join(", ");
        if p.may_use.len() > k {
            list.push_str(&format!(", … and {} more", thousands(p.may_use.len() - k)));
        }
        if p.allowed == 0 {
            out.push_str(&format!(
                "{indent}{} may use none of {} products\n",
                p.principal,
                thousands(p.of)
            ));
        } else {
            out.push_str(&format!(
                "{indent}{} may use {} of {}: {list}\n",
                p.principal,
                thousands(p.allowed),
                thousands(p.of)
            ));
        }
    }
    super::who::more(out, imp.new_principals.len() - n);
}

/// `--format markdown`: an impact summary fit for a pull-request comment.
pub fn impact_markdown(d: &Diff, imp: &Impact, limit: usize) -> String {
    let mut out = String::from("### Entitlement impact\n\n");
    out.push_str(&format!("**{}**", people_line(imp)));
    out.push_str(&format!(
        " ({} of {} decisions change: {} lose access, {} gain access).\n",
        thousands(d.changed),
        thousands(d.compared as usize),
        thousands(d.revoked),
        thousands(d.granted)
    ));
    for note in &d.notes {
        out.push_str(&format!("\n> {note}\n"));
    }
    if !imp.statements.is_empty() {
        out.push_str("\n| # | Statement | Decisions | Lose | Gain | Note |\n|---:|---|---:|---:|---:|---|\n");
        for s in &imp.statements {
            out.push_str(&format!(
                "| {} | `{}` | {} | {} | {} | {} |\n",
                s.index,
                s.statement.replace('|', "\\|"),
                thousands(s.changed),
                thousands(s.lose),
                thousands(s.gain),
                s.no_change
                    .as_deref()
                    .map(|w| format!("{}: {w}", if s.already { "no change" } else { "changes no decision" }))
                    .unwrap_or_default()
            ));
        }
    }
    if !imp.principals.is_empty() {
        out.push_str(&format!(
            "\n#### Principals ({})\n\n| Principal | Loses | Gains | Change |\n|---|---:|---:|---|\n",
            thousands(imp.principals_changed)
        ));
        let n = shown(limit, imp.principals.len());
        for p in &imp.principals[..n] {
            let causes: Vec<String> = p
                .causes
                .iter()
                .take(3)
                .map(|c| format!("{} {}", thousands(c.count), cause_words(c.before, c.after)))
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                p.principal,
                thousands(p.loses),
                thousands(p.gains),
                causes.join("; ")
            ));
        }
        if imp.principals_changed > n {
            out.push_str(&format!("\n…and {} more.\n", thousands(imp.principals_changed - n)));
        }
    }
    for (head, col, rows) in [
        ("By product", "Product", &imp.products),
        ("By group", "Group", &imp.groups),
    ] {
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n#### {head}\n\n| {col} | Lose | Gain |\n|---|---:|---:|\n"));
        let n = shown(limit, rows.len());
        for r in &rows[..n] {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                r.name,
                thousands(r.lose),
                thousands(r.gain)
            ));
        }
        if rows.len() > n {
            out.push_str(&format!("\n…and {} more.\n", rows.len() - n));
        }
    }
    if !imp.new_principals.is_empty() {
        out.push_str("\n#### New principals\n\n");
        let mut s = String::new();
        new_principals(&mut s, imp, limit, "- ");
        out.push_str(s.trim_start_matches("\nnew principals:\n"));
    }
    out
}

/// `diff --json` / `simulate --json` with every list of changes cut to `limit` (0: all; the
/// counts stay exact): what the command line prints and `POST /v1/simulate` answers.
pub fn diff_json(d: &mut Diff, imp: &mut Impact, limit: usize) -> String {
    limit_diff(d, limit);
    imp.limit(limit);
    serde_json::to_string(&DiffJson { diff: d, impact: imp }).expect("JSON")
}

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
    let mut out = diff_head(d);
    out.push_str(&diff_causes(d, limit));
    out
}

/// The notes, the decision counts, the lists of added and removed names and the groups that
/// changed mode.
fn diff_head(d: &Diff) -> String {
    let mut out = String::new();
    for note in &d.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    if d.changed == 0 {
        out.push_str(&format!(
            "no decision changes ({} compared)\n",
            thousands(d.compared as usize)
        ));
    } else {
        out.push_str(&format!(
            "{} {} ({} compared): {} lose access, {} gain access, {} change only the rule\n",
            thousands(d.changed),
            if d.changed == 1 {
                "decision changes"
            } else {
                "decisions change"
            },
            thousands(d.compared as usize),
            thousands(d.revoked),
            thousands(d.granted),
            thousands(d.changed - d.revoked - d.granted)
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
    out
}

/// Every cause with counts per product and group and at most `limit` of its changes.
fn diff_causes(d: &Diff, limit: usize) -> String {
    let mut out = String::new();
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
        thousands(s.principals),
        "product",
        "allow",
        "deny"
    );
    for p in &s.products {
        let rules: Vec<String> = p
            .deny_by_rule
            .iter()
            .map(|(r, n)| format!("{r} {}", thousands(*n as usize)))
            .collect();
        out.push_str(&format!(
            "{:<width$}  {:>9}  {:>9}  {}\n",
            p.product,
            thousands(p.allow as usize),
            thousands(p.deny as usize),
            rules.join(", ")
        ));
    }
    out
}
