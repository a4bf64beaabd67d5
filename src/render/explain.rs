//! `explain`: every step of a decision, the statement that decided it, and the edits that
//! would flip it, as text and as JSON. The sentence for each evaluation step is written here
//! ([`step_sentence`]): the evaluator returns the steps as data.

use super::decision::{decision_json, headline, DecisionJson};
use super::{source_json, SourceJson};
use crate::diag::{self, Diagnostic};
use crate::eval::{Explanation, GroupVerdict, Step};
use crate::explain::{AnyOf, Blocker, FixSearch, Reach};
use crate::model::{Access, CountryBy, CountryId, GroupMode, Model, Principal, ProductId, Rule, Status};
use crate::Policy;
use serde::Serialize;

/// One entry of `explain --json`'s `steps`.
#[derive(Serialize)]
pub struct StepJson {
    pub step: &'static str,
    pub outcome: &'static str,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceJson>,
}

/// `explain --json`: the `check` object, then `country_by`, `steps`, `blockers` and `fixes`.
#[derive(Serialize)]
pub struct ExplainJson {
    #[serde(flatten)]
    pub decision: DecisionJson,
    /// How the entitlement country was chosen (LANGUAGE.md §8), `null` when there is none.
    pub country_by: Option<CountryBy>,
    pub steps: Vec<StepJson>,
    /// Every step that denies, each assuming the ones before it lifted ([`crate::explain::blockers`]).
    pub blockers: Vec<BlockerJson>,
    /// The smallest verified fix sets, best first ([`crate::explain::fixes`]).
    pub fixes: Vec<FixJson>,
    /// Whether the search for fixes stopped at its limit (then an empty `fixes` does not mean
    /// that no fix exists).
    pub fixes_limited: bool,
}

/// One entry of `explain --json`'s `blockers`.
#[derive(Serialize)]
pub struct BlockerJson {
    pub rule: Rule,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub source: SourceJson,
    /// The step in a sentence.
    pub detail: String,
}

/// One entry of `explain --json`'s `fixes`.
#[derive(Serialize)]
pub struct FixJson {
    pub edits: Vec<FixEditJson>,
    /// The decision after the fix, with the keys of `check --json` (`source` is `null` when
    /// the deciding statement is one the fix writes).
    pub decision: DecisionJson,
    /// How many other decisions the fix changes; `null` when not counted (a large policy).
    pub other_changes: Option<usize>,
}

/// One edit of a fix in `explain --json`.
#[derive(Serialize)]
pub struct FixEditJson {
    pub description: String,
    /// The what-if statement: `simulate --what-if` reproduces the edit exactly.
    pub statement: String,
    /// Present (`true`) when the edit needs a contract change.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub contract: bool,
    /// Present when the edit stands for several alternatives (groups or countries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub any_of: Option<AnyOf>,
}

/// The JSON of `explain`.
pub fn explain_json(
    policy: &Policy,
    p: Principal,
    x: ProductId,
    ex: &Explanation,
    blockers: &[Blocker],
    search: &FixSearch,
) -> ExplainJson {
    let m = &policy.model;
    ExplainJson {
        decision: decision_json(policy, p, x, &ex.decision),
        country_by: m.country_by(p),
        steps: steps_json(policy, x, ex),
        blockers: blockers
            .iter()
            .map(|b| BlockerJson {
                rule: b.rule,
                group: b.group.map(|g| m.group(g).name.clone()),
                source: source_json(&policy.sources, b.source),
                detail: step_sentence(m, &b.step, x),
            })
            .collect(),
        fixes_limited: search.limited,
        fixes: search
            .fixes
            .iter()
            .map(|f| FixJson {
                edits: f
                    .edits
                    .iter()
                    .map(|e| FixEditJson {
                        description: e.description.clone(),
                        statement: e.statement.clone(),
                        contract: e.contract,
                        any_of: e.any_of.clone(),
                    })
                    .collect(),
                decision: DecisionJson {
                    principal: m.principal_name(p).to_string(),
                    product: m.product(x).name.clone(),
                    decision: f.access,
                    rule: f.rule,
                    group: f.group.clone(),
                    country: f.country.clone(),
                    source: (f.source != crate::source::Span::default())
                        .then(|| source_json(&policy.sources, f.source)),
                },
                other_changes: f.other_changes,
            })
            .collect(),
    }
}

/// The `steps` of `explain --json`.
pub fn steps_json(policy: &Policy, x: ProductId, ex: &Explanation) -> Vec<StepJson> {
    ex.steps
        .iter()
        .map(|s| StepJson {
            step: s.name(),
            outcome: s.outcome(),
            detail: step_sentence(&policy.model, s, x),
            group: match s {
                Step::Group { group, .. } => Some(policy.model.group(*group).name.clone()),
                _ => None,
            },
            source: s.span(&policy.model).map(|sp| source_json(&policy.sources, sp)),
        })
        .collect()
}

/// The text of `explain` (`color`: the deciding line's excerpt for a terminal).
pub fn explanation_text(
    policy: &Policy,
    p: Principal,
    x: ProductId,
    ex: &Explanation,
    blockers: &[Blocker],
    search: &FixSearch,
    color: bool,
) -> String {
    let m = &policy.model;
    let d = &ex.decision;
    let mut out = format!("{}\n\n", headline(m, p, x, d));
    out.push_str("steps considered:\n");
    for (i, s) in ex.steps.iter().enumerate() {
        let loc = s.span(m).map(|sp| {
            let l = policy.sources.location(sp);
            format!("  [{}:{}:{}]", l.file, l.line, l.column)
        });
        out.push_str(&format!(
            "  {:>2}. {:<8} {}{}\n",
            i + 1,
            s.outcome(),
            step_sentence(m, s, x),
            loc.unwrap_or_default()
        ));
    }
    out.push('\n');
    let note = Diagnostic {
        severity: diag::Severity::Note,
        code: "decided-here",
        message: format!("{} by {}", d.access, d.rule),
        labels: vec![diag::Label {
            span: d.source,
            message: "this statement decided".into(),
        }],
        help: None,
        notes: vec![],
    };
    out.push_str(&note.render(&policy.sources, color));
    out.push('\n');
    out.push_str(&blockers_text(policy, x, blockers));
    out.push_str(&fixes_text(d.access, search));
    out
}

/// The blockers of `explain`'s text: every step that would still deny.
pub fn blockers_text(policy: &Policy, x: ProductId, blockers: &[Blocker]) -> String {
    let m = &policy.model;
    let mut out = String::new();
    match blockers.len() {
        0 => return out,
        1 => out.push_str("blocker: only this step denies; nothing after it would\n"),
        n => out.push_str(&format!(
            "blockers: {n} steps deny, each still denying once the ones before it are lifted:\n"
        )),
    }
    for (i, b) in blockers.iter().enumerate() {
        let l = policy.sources.location(b.source);
        let then = if i == 0 { "" } else { "then " };
        out.push_str(&format!(
            "  {}. {then}{}: {}  [{}:{}:{}]\n",
            i + 1,
            b.rule,
            step_sentence(m, &b.step, x),
            l.file,
            l.line,
            l.column
        ));
    }
    out.push('\n');
    out
}

/// The fixes of `explain`'s text.
pub fn fixes_text(access: Access, search: &FixSearch) -> String {
    let fixes = &search.fixes;
    if fixes.is_empty() && search.limited {
        return "no fix found: the search stopped at its limit before trying every set of at most 3 edits\n"
            .to_string();
    }
    if fixes.is_empty() {
        return format!("no fix of at most {} edits exists\n", crate::explain::MAX_EDITS);
    }
    let mut out = format!(
        "fixes that would make it {} (each verified by applying it and deciding again; best first):\n",
        access.flip()
    );
    for (i, f) in fixes.iter().enumerate() {
        let others = match f.other_changes {
            Some(0) => "no other decision changes".to_string(),
            Some(1) => "1 other decision changes".to_string(),
            Some(n) => format!("{} other decisions change", crate::filter::thousands(n)),
            None => "other decisions not counted".to_string(),
        };
        let mut after = format!("{} by {}", f.access, f.rule);
        if let Some(g) = &f.group {
            after.push_str(&format!(" {g}"));
        }
        let edits = match f.edits.len() {
            1 => "1 edit".to_string(),
            n => format!("{n} edits"),
        };
        out.push_str(&format!("  {}. {edits} → {after}; {others}\n", i + 1));
        for e in &f.edits {
            let reach = match e.reach {
                Reach::Principal => "this principal only",
                Reach::Group => "the group",
                Reach::Country => "the country",
                Reach::Account => "the account",
            };
            let contract = if e.contract {
                "; a contract change: the account cannot make it itself"
            } else {
                ""
            };
            out.push_str(&format!("     - {} (edits {reach}{contract})\n", e.description));
            out.push_str(&format!("       what-if: {}\n", e.statement));
        }
    }
    out
}

/// How the entitlement country was chosen, in a sentence.
fn describe_country(model: &Model, c: CountryId, by: CountryBy, profile: &str) -> String {
    let name = &model.country(c).name;
    match by {
        CountryBy::EntitlementCountry => {
            format!("entitlement country is {name}: the user's Entitlement Country attribute (it takes precedence over the profile country `{profile}`)")
        }
        CountryBy::Profile => format!("entitlement country is {name} (the profile country)"),
        CountryBy::Covers => format!("profile country `{profile}` is covered by {name}: entitlement country {name}"),
        CountryBy::Revenue => {
            let revenue = model.country(c).revenue.map_or(0, |(v, _)| v);
            let runner_up = model
                .countries
                .iter()
                .enumerate()
                .filter(|(i, x)| *i != c.index() && x.revenue.is_some())
                .max_by_key(|(i, x)| (x.revenue.unwrap().0, std::cmp::Reverse(*i)))
                .map(|(_, x)| {
                    format!(
                        "; next is {} with {}",
                        x.name,
                        crate::fmt::format_number(x.revenue.unwrap().0)
                    )
                })
                .unwrap_or_default();
            format!(
                "profile country `{profile}` matches no country: the fallback is {name}, the country with the highest revenue ({}{runner_up})",
                crate::fmt::format_number(revenue)
            )
        }
        CountryBy::KeyIn => format!("entitlement country is {name} (the key's own country, `in {name}`)"),
        CountryBy::KeyGroups => format!("entitlement country is {name} (the country of the key's groups)"),
    }
}

/// One sentence for a person about one step of a decision (`explain`'s steps and `detail`).
pub fn step_sentence(model: &Model, step: &Step, product: ProductId) -> String {
    let pname = &model.product(product).name;
    match step {
        Step::Status { status, .. } => match status {
            Status::Active => "status is active".to_string(),
            Status::Locked => format!(
                "status is locked: an administrator locked the account, so sign-in is refused. A sign-in token issued before the lock stays valid for up to 7 days; a user `deny` exception for {pname} stops its use at once"
            ),
            s => format!(
                "status is {} ({}): only active users may use products",
                s.as_str(),
                s.meaning()
            ),
        },
        Step::UserCountry {
            profile, country, by, ..
        } => match (country, by) {
            (Some(c), Some(by)) => describe_country(model, *c, *by, profile),
            _ => format!(
                "profile country `{profile}` is not a declared country, no country covers it, and no country declares a revenue to fall back on"
            ),
        },
        Step::KeyCountry { country, by, .. } => match (country, by) {
            (Some(c), Some(by)) => describe_country(model, *c, *by, ""),
            _ => "the key has no `in` country and no group, so no entitlement country".to_string(),
        },
        Step::Entitled {
            country,
            entitled,
            listed,
            global,
            ..
        } => {
            let c = &model.country(*country).name;
            match (entitled, listed, global) {
                (true, _, true) => format!(
                    "{pname} is not in {c}'s `entitled` list, but the account's `global` list entitles it in every country"
                ),
                (true, true, _) => format!("{pname} is entitled in {c}"),
                (true, false, _) => format!("{c} has no `entitled` list: every product is entitled"),
                (false, _, _) => format!("{pname} is not in {c}'s `entitled` list: nothing can grant it"),
            }
        }
        Step::UserException { exception } => match exception {
            None => format!("no user exception for {pname}"),
            Some((a, _)) => format!("user exception: {a} {pname}"),
        },
        Step::Group { group, verdict } => {
            let g = model.group(*group);
            match verdict {
                GroupVerdict::OtherCountry(c) => format!(
                    "group {} is ignored: it belongs to {}, not the entitlement country",
                    g.name,
                    model.country(*c).name
                ),
                GroupVerdict::Allow(Rule::GroupAllowed, _) => format!("group {} lists {pname} in its Allowed Applications", g.name),
                GroupVerdict::Allow(Rule::GroupIncludeCountry, _) => format!(
                    "group {} does not list {pname}, but includes the country's applications and the country allows it",
                    g.name
                ),
                GroupVerdict::Allow(_, _) => format!("group {} has a legacy exception allowing {pname}", g.name),
                GroupVerdict::Deny(Rule::GroupNotAllowed, _) => {
                    if g.include_country.is_some() {
                        format!("group {} does not list {pname}, and the country does not allow it either", g.name)
                    } else {
                        format!("group {} has an Allowed Applications list without {pname}", g.name)
                    }
                }
                GroupVerdict::Deny(_, _) => format!("group {} has a legacy exception denying {pname}", g.name),
                GroupVerdict::Abstain(GroupMode::Legacy) => {
                    format!("group {} abstains: legacy exceptions, none for {pname}", g.name)
                }
                GroupVerdict::Abstain(_) => {
                    format!("group {} abstains: no Allowed Applications and no exceptions", g.name)
                }
            }
        }
        Step::Groups { decided, considered } => match decided {
            Some((Access::Allow, g)) => format!(
                "groups: allowed, credited to {} (the first allowing group)",
                model.group(*g).name
            ),
            Some((Access::Deny, g)) => format!(
                "groups: no group allows {pname}; denied, credited to {} (the first denying group)",
                model.group(*g).name
            ),
            None if *considered == 0 => {
                "no group in the entitlement country: the country level decides".to_string()
            }
            None => "every group abstained: the country level decides".to_string(),
        },
        Step::CountryLevel {
            country,
            access,
            is_override,
            ..
        } => {
            let c = &model.country(*country).name;
            if *is_override {
                format!("{c} General Access for {pname}: {access}")
            } else {
                format!("{c} Default Access: {access}")
            }
        }
    }
}
