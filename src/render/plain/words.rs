//! Decisions and steps of the decision procedure in the portal's words.

use super::*;

/// How the entitlement country was chosen, as a sentence about `p` (`None` when it has none).
pub(super) fn country_sentence(model: &Model, p: Principal) -> String {
    let name = who(model, p);
    let (Some(c), Some(by)) = (model.principal_country(p), model.country_by(p)) else {
        return match p {
            Principal::User(u) => format!(
                "The Profile Country of {name} ({}) matches none of the account's contract countries, and no Entitlement Country is set, so {name} has no entitlement country.",
                model.user(u).profile.0
            ),
            Principal::Key(_) => format!(
                "{} is not mapped to an entitlement group and has no entitlement country of its own.",
                cap_first(&name)
            ),
        };
    };
    let cn = &model.country(c).name;
    let profile = match p {
        Principal::User(u) => model.user(u).profile.0.clone(),
        Principal::Key(_) => String::new(),
    };
    match by {
        CountryBy::EntitlementCountry => format!(
            "The Entitlement Country of {name} is set to {cn} (it takes precedence over the Profile Country {profile})."
        ),
        CountryBy::Profile => format!("The entitlement country of {name} is {cn}, from the Profile Country."),
        CountryBy::Covers => format!(
            "The Profile Country of {name} ({profile}) falls under the contract country {cn}, so the entitlement country is {cn}."
        ),
        CountryBy::Revenue => format!(
            "The Profile Country of {name} ({profile}) has no contract of its own, so {name} receives the licences of {cn}, the contract country with the highest annual recurring revenue."
        ),
        CountryBy::KeyIn => format!("{} has its own entitlement country, {cn}.", cap_first(&name)),
        CountryBy::KeyGroups => format!(
            "{} takes the entitlement country {cn} from the entitlement group it is mapped to.",
            cap_first(&name)
        ),
    }
}

/// One step of a decision in portal words; `None` for a step not worth telling a customer
/// (a check that passed without saying anything about the product).
pub(super) fn step_words(model: &Model, p: Principal, x: ProductId, step: &Step, decided: bool) -> Option<String> {
    let name = who(model, p);
    let xn = &model.product(x).name;
    Some(match step {
        Step::Status { status, .. } => match status {
            Status::Active => return None,
            Status::Pending => format!(
                "The registration of {name} is awaiting approval by an administrator (Pending Approvals); once approved, {name} must still accept the Terms of Service."
            ),
            Status::Invited => format!(
                "{name} was invited by an administrator but has not set a password yet."
            ),
            Status::Registered => format!("{name} has not accepted the Terms of Service yet."),
            Status::Locked => format!(
                "The account of {name} is locked, so sign-in is refused. A sign-in token issued before the lock stays valid for up to 7 days; a user-level exception denying {xn} in IMS Users stops its use at once."
            ),
        },
        Step::UserCountry { .. } | Step::KeyCountry { .. } => country_sentence(model, p),
        Step::Entitled {
            country,
            entitled,
            global,
            ..
        } => {
            let c = &model.country(*country).name;
            match (entitled, global) {
                (false, _) => format!(
                    "{xn} is not among the applications entitled under the contract for {c}, and it is not a Global entitlement; no setting in the portal can grant it without a contract change."
                ),
                (true, true) => format!("{xn} is a Global entitlement of the account, available in every country."),
                (true, false) => return None,
            }
        }
        Step::UserException { exception } => match exception {
            None => return None,
            Some((a, _)) => format!(
                "{name} has a user-level exception in IMS Users that {} {xn}; it is the most specific setting and overrides the group and country settings.",
                allows(*a)
            ),
        },
        Step::Group { group, verdict } => {
            let g = model.group(*group);
            let gn = &g.name;
            match verdict {
                GroupVerdict::OtherCountry(c) => format!(
                    "The entitlement group {gn} belongs to {}, not to the entitlement country, so it does not count.",
                    model.country(*c).name
                ),
                GroupVerdict::Allow(Rule::GroupAllowed, _) => {
                    format!("The entitlement group {gn} lists {xn} in its Allowed Applications.")
                }
                GroupVerdict::Allow(Rule::GroupIncludeCountry, _) => format!(
                    "The entitlement group {gn} does not list {xn} in its Allowed Applications, but its option \"Include Allowed Applications from the entitlement country\" is on and the country allows {xn}."
                ),
                GroupVerdict::Allow(..) => format!("The entitlement group {gn} has a legacy exception that allows {xn}."),
                GroupVerdict::Deny(Rule::GroupNotAllowed, _) => {
                    if g.include_country.is_some() {
                        format!(
                            "The Allowed Applications of the entitlement group {gn} do not include {xn}, and although \"Include Allowed Applications from the entitlement country\" is on, the country does not allow {xn} either."
                        )
                    } else {
                        format!(
                            "The entitlement group {gn} has an Allowed Applications list, and {xn} is not on it: members of a group with such a list may use only the applications on it."
                        )
                    }
                }
                GroupVerdict::Deny(..) => format!("The entitlement group {gn} has a legacy exception that denies {xn}."),
                GroupVerdict::Abstain(GroupMode::Legacy) => {
                    if !decided {
                        return None;
                    }
                    format!("The entitlement group {gn} has legacy exceptions, none of them for {xn}.")
                }
                GroupVerdict::Abstain(_) => return None,
            }
        }
        Step::Groups { decided: Some(_), considered } if *considered > 1 => {
            if decided_allow(step) {
                "Access granted by any one entitlement group is enough.".to_string()
            } else {
                format!("None of the entitlement groups of {name} allows {xn}.")
            }
        }
        Step::Groups { .. } => return None,
        Step::CountryLevel {
            country,
            access,
            is_override,
            ..
        } => {
            let c = &model.country(*country).name;
            let groups = if model.principal_groups(p).is_empty() {
                format!("{} belongs to no entitlement group, so the country settings decide: ", cap_first(&name))
            } else {
                format!("No entitlement group of {name} decides {xn}, so the country settings decide: ")
            };
            if *is_override {
                format!("{groups}in {c}, the General Access of {xn} is {}.", access_words(*access))
            } else {
                format!(
                    "{groups}the Default Access of {c} is {}, and {xn} has no General Access setting of its own.",
                    access_words(*access)
                )
            }
        }
    })
}

pub(super) fn decided_allow(step: &Step) -> bool {
    matches!(
        step,
        Step::Groups {
            decided: Some((Access::Allow, _)),
            ..
        }
    )
}

/// The reason for one decision, in portal words: the sentences of the steps that matter.
pub fn explanation_words(model: &Model, p: Principal, x: ProductId, ex: &Explanation) -> Vec<String> {
    let last = ex.steps.len().saturating_sub(1);
    let mut out: Vec<String> = vec![];
    for (i, s) in ex.steps.iter().enumerate() {
        if let Some(mut w) = step_words(model, p, x, s, i == last) {
            // say what an Allowed Applications list means once
            const RULE: &str = ": members of a group with such a list may use only the applications on it.";
            if out.iter().any(|o| o.ends_with(RULE)) {
                if let Some(short) = w.strip_suffix(RULE) {
                    w = format!("{short} either.");
                }
            }
            if !out.contains(&w) {
                out.push(w);
            }
        }
    }
    out
}

/// A decision in a few portal words, as `access` lists it ("not on the Allowed Applications of
/// the entitlement group Design").
pub fn decision_reason(model: &Model, d: &Decision) -> String {
    let group = d.group.map(|g| model.group(g).name.as_str()).unwrap_or("");
    let country = d.country.map(|c| model.country(c).name.as_str()).unwrap_or("");
    match (d.rule, d.access) {
        (Rule::Status, _) => "the account is not active".to_string(),
        (Rule::NoEntitlementCountry, _) => "no entitlement country".to_string(),
        (Rule::NotEntitled, _) => format!("not entitled under the contract for {country}"),
        (Rule::UserException, a) => format!(
            "a user-level exception in IMS Users {}",
            if a == Access::Allow { "allows it" } else { "denies it" }
        ),
        (Rule::GroupAllowed, _) => format!("on the Allowed Applications of the entitlement group {group}"),
        (Rule::GroupIncludeCountry, _) => {
            format!("the entitlement group {group} includes the Allowed Applications from the entitlement country")
        }
        (Rule::GroupNotAllowed, _) => format!("not on the Allowed Applications of the entitlement group {group}"),
        (Rule::GroupException, a) => format!(
            "a legacy exception of the entitlement group {group} {}",
            if a == Access::Allow { "allows it" } else { "denies it" }
        ),
        (Rule::ProductAccess, a) => format!("the General Access in {country} is {}", access_words(a)),
        (Rule::DefaultAccess, a) => format!("the Default Access of {country} is {}", access_words(a)),
    }
}

/// Escape the characters Markdown would read as formatting in a name or sentence.
pub(super) fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
