//! Hover: what a name stands for in the resolved policy, and what an `expect` line gives.
//!
//! A user or key: its entitlement country and how it was chosen, its groups (those of another
//! country are ignored), its status and how many products it may use. A group: its mode in
//! the portal's words, its members and what it allows. A product: how many principals may use
//! it. A country: what it entitles and its Default Access. An `expect` line: the actual
//! decision and the rule (and whether the expectation holds).

use crate::analysis::{Analysis, NameKind, Occurrence, Place};
use crate::compile::Compiled;
use crate::model::{Access, CountryBy, GroupMode, Model, Principal};
use crate::syntax::Item;
use crate::testing::CaseResult;
use std::fmt::Write;

/// At most this many names are listed (members, products); the counts are exact.
const LIST: usize = 12;

/// The hover text (Markdown) at byte `offset`.
pub fn hover(a: &Analysis, offset: usize) -> Option<String> {
    let name = a.name_at(offset);
    let mut out = name.and_then(|o| entity(a, o)).unwrap_or_default();
    if let Some(line) = expect_at(a, offset) {
        if !out.is_empty() {
            out.push_str("\n\n---\n\n");
        }
        out.push_str(&line);
    }
    (!out.is_empty()).then_some(out)
}

fn list(names: impl IntoIterator<Item = String>) -> String {
    let names: Vec<String> = names.into_iter().collect();
    if names.is_empty() {
        return "none".into();
    }
    let mut s = names
        .iter()
        .take(LIST)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LIST {
        let _ = write!(s, " and {} more", names.len() - LIST);
    }
    s
}

fn entity(a: &Analysis, o: &Occurrence) -> Option<String> {
    let m = &a.model;
    match o.kind {
        NameKind::User | NameKind::Key => principal(m, m.find_principal(&o.target)?),
        NameKind::Group => group(m, m.find_group(&o.target)?),
        NameKind::Product => product(m, m.find_product(&o.target)?),
        NameKind::Country => country(m, m.find_country(&o.target)?),
        NameKind::Rule => Some(format!("**rule** `{}`", o.target)),
        NameKind::Scenario => scenario(a, o),
    }
}

fn how(m: &Model, by: CountryBy, profile: &str, c: &str) -> String {
    match by {
        CountryBy::EntitlementCountry => {
            format!(
                "the user's Entitlement Country attribute (it takes precedence over the profile country `{profile}`)"
            )
        }
        CountryBy::Profile => "the profile country".into(),
        CountryBy::Covers => format!("the profile country `{profile}` is covered by {c}"),
        CountryBy::Revenue => {
            let _ = m;
            format!("the profile country `{profile}` matches no country: the fallback is the country with the highest revenue")
        }
        CountryBy::KeyIn => format!("the key's own country (`in {c}`)"),
        CountryBy::KeyGroups => "the country of the key's groups".into(),
    }
}

fn principal(m: &Model, p: Principal) -> Option<String> {
    let s = m.subject(p);
    let mut out = match p {
        Principal::User(u) => {
            let u = m.user(u);
            let mut h = format!("**user** `{}`", u.email);
            if let Some(d) = &u.display {
                let _ = write!(h, " ({d})");
            }
            h
        }
        Principal::Key(k) => format!("**activation key** `{}`", m.key(k).name),
    };
    let country = s.country();
    match (country, s.country_by()) {
        (Some(c), Some(by)) => {
            let name = &m.country(c).name;
            let profile = match p {
                Principal::User(u) => m.user(u).profile.0.as_str(),
                Principal::Key(_) => "",
            };
            let _ = write!(
                out,
                "\n\n- entitlement country: **{name}**, from {}",
                how(m, by, profile, name)
            );
        }
        _ => out.push_str("\n\n- entitlement country: **none**: every product is denied (`no-entitlement-country`)"),
    }
    let groups: Vec<String> = s
        .groups()
        .iter()
        .map(|(g, _)| {
            let g = m.group(*g);
            if Some(g.country) != country {
                format!(
                    "`{}` (ignored: a group of {}, not of the entitlement country)",
                    g.name,
                    m.country(g.country).name
                )
            } else {
                format!("`{}`", g.name)
            }
        })
        .collect();
    let _ = write!(
        out,
        "\n- groups: {}",
        if groups.is_empty() {
            "none".into()
        } else {
            groups.join(", ")
        }
    );
    if let Principal::User(u) = p {
        let u = m.user(u);
        let _ = write!(out, "\n- status: {} ({})", u.status.as_str(), u.status.meaning());
    }
    let access = crate::render::access(m, p);
    let allowed = access.iter().filter(|(_, d)| d.access == Access::Allow).count();
    let _ = write!(out, "\n- may use **{allowed}** of {} products", access.len());
    Some(out)
}

fn group(m: &Model, g: crate::model::GroupId) -> Option<String> {
    let gr = m.group(g);
    let mode = match gr.mode() {
        GroupMode::AllowList => "allow-list: members may use only the products of its Allowed Applications list",
        GroupMode::Legacy => "legacy: exceptions only; abstains on every product without an exception",
        GroupMode::Unconfigured => "unconfigured: no Allowed Applications and no exceptions; abstains on every product",
    };
    let mut out = format!(
        "**group** `{}` in {}\n\n- mode: {mode}",
        gr.name,
        m.country(gr.country).name
    );
    let members: Vec<String> = m
        .principals()
        .filter(|p| m.principal_groups(*p).iter().any(|(x, _)| *x == g))
        .map(|p| m.principal_name(p).to_string())
        .collect();
    let _ = write!(out, "\n- members ({}): {}", members.len(), list(members));
    if !gr.allowed.is_empty() {
        let _ = write!(
            out,
            "\n- Allowed Applications: {}",
            list(gr.allowed.iter().map(|(p, _)| m.product(*p).name.clone()))
        );
        if gr.include_country.is_some() {
            out.push_str(" (and, with `include-country`, what the country allows)");
        }
    }
    for access in [Access::Allow, Access::Deny] {
        let l: Vec<String> = gr
            .exceptions
            .iter()
            .filter(|(_, a, _)| *a == access)
            .map(|(p, _, _)| m.product(*p).name.clone())
            .collect();
        if !l.is_empty() {
            let ignored = if gr.mode() == GroupMode::AllowList {
                " (ignored: the list decides)"
            } else {
                ""
            };
            let _ = write!(out, "\n- exception {access}: {}{ignored}", list(l));
        }
    }
    Some(out)
}

fn product(m: &Model, p: crate::model::ProductId) -> Option<String> {
    let pr = m.product(p);
    let mut out = format!("**product** `{}`", pr.name);
    if let Some(d) = &pr.display {
        let _ = write!(out, " (\"{d}\")");
    }
    let who = crate::sim::who(&Compiled::new(m), p);
    let total = m.users.len() + m.keys.len();
    let _ = write!(out, "\n\n- **{}** of {total} principals may use it", who.allowed.len());
    if m.is_global(p) {
        out.push_str("\n- global: entitled in every country");
    }
    Some(out)
}

fn country(m: &Model, c: crate::model::CountryId) -> Option<String> {
    let co = m.country(c);
    let mut out = format!("**country** `{}`", co.name);
    if let Some(d) = &co.display {
        let _ = write!(out, " (\"{d}\")");
    }
    let entitled: Vec<String> = m
        .product_ids()
        .filter(|p| m.is_entitled(c, *p))
        .map(|p| m.product(p).name.clone())
        .collect();
    let how = if co.entitled.is_none() {
        " (no `entitled` list: every product)"
    } else {
        ""
    };
    let _ = write!(
        out,
        "\n\n- entitles {} products{how}: {}",
        entitled.len(),
        list(entitled)
    );
    let _ = write!(out, "\n- Default Access: **{}**", co.default);
    let mut overrides: Vec<(String, Access)> = co
        .overrides
        .iter()
        .map(|(p, (a, _))| (m.product(*p).name.clone(), *a))
        .collect();
    overrides.sort();
    for access in [Access::Allow, Access::Deny] {
        let l: Vec<String> = overrides
            .iter()
            .filter(|(_, a)| *a == access)
            .map(|(n, _)| n.clone())
            .collect();
        if !l.is_empty() {
            let _ = write!(out, "\n- General Access {access}: {}", list(l));
        }
    }
    if !co.covers.is_empty() {
        let _ = write!(out, "\n- covers: {}", list(co.covers.iter().map(|(c, _)| c.clone())));
    }
    if let Some((r, _)) = co.revenue {
        let _ = write!(out, "\n- revenue: {}", crate::fmt::format_number(r));
    }
    Some(out)
}

fn scenario(a: &Analysis, o: &Occurrence) -> Option<String> {
    let item = a.document.items.iter().find(|i| match &i.kind {
        Item::Scenario(s) => s.name.span == o.span,
        _ => false,
    })?;
    let (passed, all) = a.passing_in(item.span);
    Some(format!(
        "**scenario** \"{}\": {passed} of {all} expectations pass",
        o.target
    ))
}

/// What the `expect` line at `offset` gives.
fn expect_at(a: &Analysis, offset: usize) -> Option<String> {
    let within = |s: crate::source::Span| s.file == a.file && s.start as usize <= offset && offset <= s.end as usize;
    let mut span = None;
    for item in &a.document.items {
        match &item.kind {
            Item::Expect(_) if within(item.span) => span = Some(item.span),
            Item::Scenario(s) if within(item.span) => {
                span = s
                    .items
                    .iter()
                    .find(|i| matches!(i.kind, Item::Expect(_)) && within(i.span))
                    .map(|i| i.span)
            }
            _ => {}
        }
    }
    let span = span?;
    let top = a.names.iter().any(|o| o.place == Place::Expect(span));
    Some(match a.case(span) {
        None => "**expect**: not run (the policy has errors)".into(),
        Some(c) => case_text(a, &c.result, top),
    })
}

/// One case in words: `passes: allow by group-allowed Viz`, or the actual decision.
pub fn case_text(a: &Analysis, r: &CaseResult, top: bool) -> String {
    match r {
        CaseResult::Passed(d) => {
            let mut s = format!("✓ passes: actual **{} by {}**", d.access, d.rule);
            if top {
                if let Some(g) = d.group {
                    let _ = write!(s, " {}", a.model.group(g).name);
                }
                if let Some(c) = d.country {
                    let _ = write!(s, " (entitlement country {})", a.model.country(c).name);
                }
            }
            s
        }
        CaseResult::Failed(i) => {
            let f = &a.failures[*i];
            format!(
                "✗ fails: actual **{}**, expected {}",
                f.actual_text(),
                f.expected_text()
            )
        }
        CaseResult::Error(e) => format!("error: {}", e.first().map_or("", |d| d.message.as_str())),
        CaseResult::Skipped => "not run: an earlier statement of the scenario failed".into(),
    }
}
