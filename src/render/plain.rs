//! Answers in the portal's own words, for a support engineer to paste to a customer
//! (`explain`, `access` and `can` with `--format plain` or `--format markdown`).
//!
//! No rule codes, no file positions, no policy syntax: the reason is told with the names the
//! portal shows (Entitlement Country, Default Access, General Access, Allowed Applications,
//! "Include Allowed Applications from the entitlement country", legacy group exceptions,
//! user-level exceptions in IMS Users, Pending Approvals, Terms of Service, activation key
//! mappings, the revenue fallback, Global entitlements, a locked account), and every fix is a
//! step to take in the portal, marked when only the vendor can make it (a contract change).
//! The words and places come from `PORTAL-TERMS.md` of the specification.
//!
//! The fixes come from [`crate::explain`] as what-if statements; [`portal_step`] turns one
//! statement into a portal step, and [`decision_reason`] tells one decision in portal words.

use crate::capability::{CanAnswer, CanReason, Capability};
use crate::eval::{Decision, Explanation, GroupVerdict, Step};
use crate::model::{Access, CountryBy, GroupMode, Model, Principal, ProductId, Role, Rule, Status};
use crate::syntax::{Item, WhatIf};
use crate::Policy;

/// One step to take in the portal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalStep {
    /// The step, as a sentence ("In Entitlement Management, …").
    pub text: String,
    /// Whether only the vendor can make it (a contract change: entitled applications,
    /// revenue, Global entitlements): the account cannot.
    pub vendor: bool,
}

fn admin(text: String) -> PortalStep {
    PortalStep { text, vendor: false }
}

fn vendor(text: String) -> PortalStep {
    PortalStep { text, vendor: true }
}

/// "Access Allowed" / "Access Denied", the portal's words for a setting.
fn access_words(a: Access) -> &'static str {
    match a {
        Access::Allow => "Access Allowed",
        Access::Deny => "Access Denied",
    }
}

fn allows(a: Access) -> &'static str {
    match a {
        Access::Allow => "allows",
        Access::Deny => "denies",
    }
}

/// The portal's name of a role.
pub fn role_words(r: Role) -> &'static str {
    match r {
        Role::FulfillmentContact => "Fulfillment Contact",
        Role::AccountAdmin => "Account Administrator",
        Role::CoAdmin => "Co-Administrator",
    }
}

/// "the user ann@x.com" / "the activation key K-1".
fn who(model: &Model, p: Principal) -> String {
    match p {
        Principal::User(_) => model.principal_name(p).to_string(),
        Principal::Key(_) => format!("the activation key {}", model.principal_name(p)),
    }
}

/// "The activation key …" at the start of a sentence (an email is left as written).
fn cap_first(s: &str) -> String {
    if !s.starts_with("the ") {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One what-if edit as a step to take in the portal (`model` is the policy before the edit:
/// it tells, for instance, which status a user leaves).
pub fn portal_step(model: &Model, edit: &WhatIf) -> PortalStep {
    let key_named = |name: &str| matches!(model.find_principal(name), Some(Principal::Key(_)));
    match edit {
        WhatIf::SetStatus { user, status } => {
            let u = &user.text;
            let now = model
                .find_user(u)
                .map(|id| model.user(id).status)
                .unwrap_or_default();
            match (now, status.text.as_str()) {
                (Status::Pending, "active") => admin(format!(
                    "In User Management → Pending Approvals, approve {u}; {u} then signs in and accepts the Terms of Service."
                )),
                (Status::Invited, "active") => admin(format!(
                    "{u} sets a password: \"Forgot password?\" in the sign-in client, then signs in and accepts the Terms of Service."
                )),
                (Status::Registered, "active") => admin(format!(
                    "{u} signs in and accepts the Terms of Service."
                )),
                (Status::Locked, "active") => admin(format!(
                    "In User Management, open {u} and unlock the account."
                )),
                (_, "locked") => admin(format!(
                    "In User Management, open {u} and lock the account (a sign-in token already issued stays valid for up to 7 days)."
                )),
                (_, s) => admin(format!("In User Management, change the registration of {u} to {s}.")),
            }
        }
        WhatIf::SetEntitlementCountry { user, country: Some(c) } => admin(format!(
            "In User Management, open {} and set the Entitlement Country attribute to {}.",
            user.text, c.text
        )),
        WhatIf::SetEntitlementCountry { user, country: None } => admin(format!(
            "In User Management, open {} and clear the Entitlement Country attribute (the Profile Country then applies).",
            user.text
        )),
        WhatIf::SetEntitled { country, product, on } => vendor(format!(
            "Ask your account manager to {} {} {} the applications entitled under the contract for {}.",
            if *on { "add" } else { "remove" },
            product.text,
            if *on { "to" } else { "from" },
            country.text
        )),
        WhatIf::SetGlobal { product, on: true } => vendor(format!(
            "Ask your account manager to make {} a Global entitlement (available in every country).",
            product.text
        )),
        WhatIf::SetGlobal { product, on: false } => vendor(format!(
            "Ask your account manager to withdraw {} from the Global entitlements.",
            product.text
        )),
        WhatIf::SetRevenue { country, .. } => vendor(format!(
            "Ask your account manager about the contract for {} (its annual recurring revenue decides the fallback country).",
            country.text
        )),
        WhatIf::SetException {
            user,
            product,
            access: Some(a),
        } => admin(format!(
            "In Entitlement Management → IMS Users, open {} and add a user-level exception that {} {}.",
            user.text,
            allows(*a),
            product.text
        )),
        WhatIf::SetException {
            user,
            product,
            access: None,
        } => admin(format!(
            "In Entitlement Management → IMS Users, open {} and remove the user-level exception for {}.",
            user.text, product.text
        )),
        WhatIf::SetAllowed { group, product, on } => admin(format!(
            "In Entitlement Management → Allowed Access Group, open the entitlement group {} and {} {} {} its Allowed Applications.",
            group.text,
            if *on { "add" } else { "remove" },
            product.text,
            if *on { "to" } else { "from" }
        )),
        WhatIf::SetIncludeCountry { group, on } => admin(format!(
            "In Entitlement Management → Allowed Access Group, open the entitlement group {} and, on its Allowed Applications tab, turn {} \"Include Allowed Applications from the entitlement country\".",
            group.text,
            if *on { "on" } else { "off" }
        )),
        WhatIf::SetGroupException { group, product, .. } => admin(format!(
            "Remove the legacy exception for {} from the entitlement group {}: legacy exceptions are shown only in the conversion dialog (Entitlement Management → Allowed Access Group → {} → Convert); converting moves the allowed exceptions into the Allowed Applications and drops the denied ones.",
            product.text, group.text, group.text
        )),
        WhatIf::Convert(group) | WhatIf::ClearExceptions(group) => admin(format!(
            "In Entitlement Management → Allowed Access Group, open the entitlement group {} and choose Convert (the allowed legacy exceptions join its Allowed Applications, the denied ones are dropped).",
            group.text
        )),
        WhatIf::SetMember { group, principal, on } if key_named(&principal.text) => admin(format!(
            "In Entitlement Management → activation key mappings, {} the activation key {} {} the entitlement group {}.",
            if *on { "map" } else { "unmap" },
            principal.text,
            if *on { "to" } else { "from" },
            group.text
        )),
        WhatIf::SetMember { group, principal, on } => admin(format!(
            "In User Management, {} {} {} the entitlement group {}.",
            if *on { "add" } else { "remove" },
            principal.text,
            if *on { "to" } else { "from" },
            group.text
        )),
        WhatIf::SetAccess {
            country,
            product,
            access: Some(a),
        } => admin(format!(
            "In Entitlement Management, pick {} and set the General Access of {} to {} (this applies to everyone in {} whose group or user settings do not decide it).",
            country.text,
            product.text,
            access_words(*a),
            country.text
        )),
        WhatIf::SetAccess {
            country,
            product,
            access: None,
        } => admin(format!(
            "In Entitlement Management, pick {} and reset the General Access of {} so that it follows the Default Access.",
            country.text, product.text
        )),
        WhatIf::SetDefault { country, access } => admin(format!(
            "In Entitlement Management, pick {}, click the Default Access icon and choose Change Access → {} (this changes every application without its own General Access, for everyone in {} whose group or user settings do not decide it).",
            country.text,
            access_words(*access),
            country.text
        )),
        WhatIf::SetKeyCountry { key, country: Some(c) } => admin(format!(
            "In Entitlement Management → activation key mappings, give the activation key {} the entitlement country {}.",
            key.text, c.text
        )),
        WhatIf::SetKeyCountry { key, country: None } => admin(format!(
            "In Entitlement Management → activation key mappings, remove the entitlement country of the activation key {} (it then takes its group's country).",
            key.text
        )),
        WhatIf::SetDomain { domain, .. } => admin(format!(
            "In User Management → domains, change the claim of the email domain {} (an Account Administrator).",
            domain.text
        )),
        WhatIf::Register { email, .. } => admin(format!("{} registers in the portal.", email.text)),
        WhatIf::Remove { name, .. } => admin(format!("Remove {} in the portal.", name.text)),
    }
}

/// How the entitlement country was chosen, as a sentence about `p` (`None` when it has none).
fn country_sentence(model: &Model, p: Principal) -> String {
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
fn step_words(model: &Model, p: Principal, x: ProductId, step: &Step, decided: bool) -> Option<String> {
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

fn decided_allow(step: &Step) -> bool {
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
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The what-if edits of one fix, parsed from its statements (the fixes of
/// [`crate::explain`] carry them as text).
pub fn parse_edits<'a>(statements: impl IntoIterator<Item = &'a str>) -> Vec<WhatIf> {
    let mut out = vec![];
    for s in statements {
        let mut sources = crate::source::Sources::new();
        let file = sources.add("what-if", s.to_string());
        let (doc, errors) = crate::syntax::parse_statements(&sources, file);
        if !errors.is_empty() {
            continue;
        }
        for item in doc.items {
            if let Item::WhatIf(w) = item.kind {
                out.push(w);
            }
        }
    }
    out
}

/// Where a fix comes in the list: the settings an administrator would choose first (the
/// user's registration and profile, a group's settings, a membership) before a one-off
/// user-level exception, country-wide settings after that, contract changes last.
fn rank(edit: &WhatIf) -> u8 {
    match edit {
        WhatIf::SetStatus { .. } => 0,
        WhatIf::SetEntitlementCountry { .. } | WhatIf::SetKeyCountry { .. } => 1,
        WhatIf::SetAllowed { .. }
        | WhatIf::SetIncludeCountry { .. }
        | WhatIf::SetGroupException { .. }
        | WhatIf::Convert(_)
        | WhatIf::ClearExceptions(_) => 2,
        WhatIf::SetMember { .. } => 3,
        WhatIf::SetException { .. } => 4,
        WhatIf::SetAccess { .. } | WhatIf::SetDefault { .. } => 5,
        _ => 6,
    }
}

/// A single edit that is one of several alternatives differing only in one name (which
/// group to join, which country to set): the sentence before the names, and the name.
fn alternative(model: &Model, fix: &[WhatIf]) -> Option<(String, String, String)> {
    let [edit] = fix else { return None };
    let is_key = |n: &str| matches!(model.find_principal(n), Some(Principal::Key(_)));
    match edit {
        WhatIf::SetMember {
            group,
            principal,
            on: true,
        } if !is_key(&principal.text) => Some((
            format!("In User Management, add {} to the entitlement group", principal.text),
            format!("In User Management, add {} to one of the entitlement groups", principal.text),
            group.text.clone(),
        )),
        WhatIf::SetMember {
            group,
            principal,
            on: true,
        } => Some((
            format!(
                "In Entitlement Management → activation key mappings, map the activation key {} to the entitlement group",
                principal.text
            ),
            format!(
                "In Entitlement Management → activation key mappings, map the activation key {} to one of the entitlement groups",
                principal.text
            ),
            group.text.clone(),
        )),
        WhatIf::SetEntitlementCountry { user, country: Some(c) } => Some((
            format!("In User Management, open {} and set the Entitlement Country attribute to", user.text),
            format!("In User Management, open {} and set the Entitlement Country attribute to one of", user.text),
            c.text.clone(),
        )),
        WhatIf::SetKeyCountry { key, country: Some(c) } => Some((
            format!(
                "In Entitlement Management → activation key mappings, give the activation key {} the entitlement country",
                key.text
            ),
            format!(
                "In Entitlement Management → activation key mappings, give the activation key {} one of the entitlement countries",
                key.text
            ),
            c.text.clone(),
        )),
        _ => None,
    }
}

/// "A", "A or B", "A, B or C", "one of 18, for example A or B".
fn alternatives_text(one: &str, many: &str, names: &[String]) -> String {
    match names {
        [a] => format!("{one} {a}."),
        [init @ .., last] if names.len() <= 3 => format!("{many} {} or {last}.", init.join(", ")),
        _ => format!("{many} {} or {} ({} would each do).", names[0], names[1], names.len()),
    }
}

/// The fixes as portal steps: each fix (a set of edits, made together) becomes one line;
/// alternatives that differ only in one name (which group to join, which country to set)
/// are gathered into one line. Ranked by [`rank`]; steps that need the vendor come last.
fn fix_lines(model: &Model, fixes: &[Vec<WhatIf>]) -> Vec<PortalStep> {
    let mut ranked: Vec<(u8, PortalStep)> = vec![];
    // (sentence for one, sentence for several, the names, rank)
    let mut gathered: Vec<(String, String, Vec<String>, u8)> = vec![];
    for fix in fixes {
        let Some(first) = fix.first() else { continue };
        let r = fix.iter().map(rank).max().unwrap_or_else(|| rank(first));
        if let Some((one, many, name)) = alternative(model, fix) {
            match gathered.iter_mut().find(|(o, ..)| *o == one) {
                Some((_, _, names, _)) => {
                    if !names.contains(&name) {
                        names.push(name)
                    }
                }
                None => gathered.push((one, many, vec![name], r)),
            }
            continue;
        }
        let steps: Vec<PortalStep> = fix.iter().map(|e| portal_step(model, e)).collect();
        // later steps read on from the first: "… Then in User Management, add …"
        let text = steps
            .iter()
            .enumerate()
            .map(|(i, s)| match (i, s.text.strip_prefix("In ")) {
                (0, _) | (_, None) => s.text.clone(),
                (_, Some(rest)) => format!("in {rest}"),
            })
            .collect::<Vec<_>>()
            .join(" Then ");
        let step = PortalStep {
            text,
            vendor: steps.iter().any(|s| s.vendor),
        };
        if !ranked.iter().any(|(_, l)| *l == step) {
            ranked.push((r, step));
        }
    }
    for (one, many, names, r) in gathered {
        ranked.push((r, admin(alternatives_text(&one, &many, &names))));
    }
    ranked.sort_by_key(|(r, l)| (l.vendor, *r));
    ranked.into_iter().map(|(_, l)| l).collect()
}

/// How many fixes the paragraph lists at most.
const MAX_FIXES: usize = 5;

/// `explain --format plain|markdown`: a short answer a support engineer can paste to a
/// customer. `fixes` are the edits that would flip the decision, best first, each a set of
/// what-if edits made together (see [`parse_edits`]).
pub fn explain_plain(
    policy: &Policy,
    p: Principal,
    x: ProductId,
    ex: &Explanation,
    fixes: &[Vec<WhatIf>],
    markdown: bool,
) -> String {
    let m = &policy.model;
    let esc = |s: &str| if markdown { md_escape(s) } else { s.to_string() };
    let name = who(m, p);
    let xn = &m.product(x).name;
    let allowed = ex.decision.access == Access::Allow;
    let head = format!(
        "{} {} {xn}.",
        cap_first(&name),
        if allowed { "can use" } else { "cannot use" }
    );
    let mut out = if markdown { format!("**{}**", esc(&head)) } else { head };
    for w in explanation_words(m, p, x, ex) {
        out.push(' ');
        out.push_str(&esc(&w));
    }
    out.push_str("\n\n");
    let lines = fix_lines(m, fixes);
    let inactive = ex.steps.iter().find_map(|s| match s {
        Step::Status { status, .. } if *status != Status::Active => Some(*status),
        _ => None,
    });
    if lines.is_empty() {
        if !allowed {
            // the step that decided must change first, whatever else is needed
            let nm = |t: &str| crate::syntax::Name::new(t, Default::default());
            let first_edit = match (ex.steps.last(), p) {
                (Some(Step::Status { .. }), Principal::User(u)) => Some(WhatIf::SetStatus {
                    user: nm(&m.user(u).email),
                    status: nm("active"),
                }),
                (Some(Step::Entitled { country, .. }), _) => Some(WhatIf::SetEntitled {
                    country: nm(&m.country(*country).name),
                    product: nm(xn),
                    on: true,
                }),
                _ => None,
            };
            let first = match first_edit.map(|e| portal_step(m, &e)) {
                Some(step) => {
                    let text = match (step.text.strip_prefix("In "), step.text.strip_prefix("Ask ")) {
                        (Some(rest), _) => format!("in {rest}"),
                        (_, Some(rest)) => format!("ask {rest}"),
                        _ => step.text.clone(),
                    };
                    format!(
                        " The first step{}: {text} Other settings may still stand in the way after that.",
                        if step.vendor {
                            " needs the vendor (a contract change)"
                        } else {
                            ""
                        }
                    )
                }
                None => String::new(),
            };
            out.push_str(&esc(&format!(
                "No single change in the portal gives {name} access to {xn}: more than one setting stands in the way.{first}"
            )));
            out.push('\n');
        }
        return out;
    }
    let goal = if allowed {
        format!("To stop {name} from using {xn}")
    } else {
        format!("To give {name} access to {xn}")
    };
    out.push_str(&esc(&if lines.len() == 1 {
        format!("{goal}:")
    } else {
        format!("{goal}, do one of these:")
    }));
    out.push_str("\n\n");
    for (i, l) in lines.iter().take(MAX_FIXES).enumerate() {
        let mark = if l.vendor {
            if markdown {
                " *(needs the vendor: a contract change)*"
            } else {
                " (needs the vendor: a contract change)"
            }
        } else {
            ""
        };
        out.push_str(&format!("{}. {}{mark}\n", i + 1, esc(&l.text)));
    }
    if !allowed && inactive.is_none() && matches!(p, Principal::User(_)) {
        out.push('\n');
        out.push_str(&esc(&format!(
            "Until then, {xn} is not licensed for {name}: the desktop application opens in trial mode."
        )));
        out.push('\n');
    }
    out
}

/// `access --format plain|markdown`: what one principal may use, and why not the rest, in
/// portal words.
pub fn access_plain(model: &Model, p: Principal, decisions: &[(ProductId, Decision)], markdown: bool) -> String {
    let esc = |s: &str| if markdown { md_escape(s) } else { s.to_string() };
    let name = who(model, p);
    let allowed: Vec<&str> = decisions
        .iter()
        .filter(|(_, d)| d.access == Access::Allow)
        .map(|(x, _)| model.product(*x).name.as_str())
        .collect();
    let mut out = String::new();
    let head = if allowed.is_empty() {
        format!(
            "{} cannot use any of the account's {} applications.",
            cap_first(&name),
            decisions.len()
        )
    } else {
        format!(
            "{} can use {} of the account's {} applications: {}.",
            cap_first(&name),
            allowed.len(),
            decisions.len(),
            allowed.join(", ")
        )
    };
    if markdown {
        out.push_str(&format!("**{}**", esc(&head)));
    } else {
        out.push_str(&head);
    }
    out.push(' ');
    out.push_str(&esc(&country_sentence(model, p)));
    // a status or a missing country denies everything for one reason
    if let Principal::User(u) = p {
        let status = model.user(u).status;
        if status != Status::Active {
            let first = decisions.first().map(|(x, _)| *x);
            if let Some(x) = first {
                let st = Step::Status {
                    status,
                    span: Default::default(),
                };
                if let Some(w) = step_words(model, p, x, &st, true) {
                    // the locked sentence names one product: say it for all
                    let w = if status == Status::Locked {
                        format!(
                            "The account of {name} is locked, so sign-in is refused; a sign-in token issued before the lock stays valid for up to 7 days."
                        )
                    } else {
                        w
                    };
                    out.push(' ');
                    out.push_str(&esc(&w));
                }
            }
        }
    }
    out.push('\n');
    let denied: Vec<_> = decisions.iter().filter(|(_, d)| d.access == Access::Deny).collect();
    if denied.is_empty() || matches!(denied[0].1.rule, Rule::Status | Rule::NoEntitlementCountry) && allowed.is_empty()
    {
        return out;
    }
    out.push('\n');
    out.push_str(&esc(&format!("{} cannot use:", cap_first(&name))));
    out.push('\n');
    // grouped by reason, in the order the reasons first occur
    let mut reasons: Vec<(String, Vec<&str>)> = vec![];
    for (x, d) in &denied {
        let r = decision_reason(model, d);
        let xn = model.product(*x).name.as_str();
        match reasons.iter_mut().find(|(q, _)| *q == r) {
            Some((_, v)) => v.push(xn),
            None => reasons.push((r, vec![xn])),
        }
    }
    for (r, xs) in reasons {
        out.push_str(&format!("- {}: {}\n", esc(&xs.join(", ")), esc(&r)));
    }
    out
}

/// The portal's words for what a capability allows.
fn capability_words(c: Capability) -> &'static str {
    match c {
        Capability::ReceiveBilling => "receive renewal notices, invoices and fulfillment documents",
        Capability::ManageUsers => "manage users (register users, bulk import, approve pending registrations)",
        Capability::ManageDomains => "manage the account's email domains (claim domains, turn Auto Approval on or off)",
        Capability::ManageEntitlements => "manage entitlements (the licence settings in Entitlement Management)",
        Capability::ReceiveAlerts => "receive license alerts",
    }
}

fn or_roles(roles: &[Role]) -> String {
    let words: Vec<&str> = roles.iter().map(|r| role_words(*r)).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// `can --format plain|markdown`: a capability answer in portal words, with the step that
/// would change it.
pub fn can_plain(model: &Model, answer: &CanAnswer, markdown: bool) -> String {
    let esc = |s: &str| if markdown { md_escape(s) } else { s.to_string() };
    let name = who(model, answer.principal);
    let mut what = capability_words(answer.capability).to_string();
    if let Some(x) = answer.product {
        what.push_str(&format!(" for {}", model.product(x).name));
    }
    let head = format!(
        "{} {} {what}.",
        cap_first(&name),
        if answer.granted { "can" } else { "cannot" }
    );
    let why = match &answer.reason {
        CanReason::HasRole(r) => format!("{name} holds the {} role.", role_words(*r)),
        CanReason::MissingRole(roles) => format!(
            "This needs the {} role, and {name} holds none of them. An Account Administrator can give a role in User Management → the user → roles (Account Administrators themselves are set with the vendor).",
            or_roles(roles)
        ),
        CanReason::NotActive(s) => {
            let st = Step::Status {
                status: *s,
                span: Default::default(),
            };
            let detail = model
                .product_ids()
                .next()
                .and_then(|x| step_words(model, answer.principal, x, &st, true))
                .map(|w| if *s == Status::Locked {
                    format!("The account of {name} is locked, so sign-in is refused.")
                } else {
                    w
                })
                .unwrap_or_default();
            format!("{name} holds the role, but the account is not active. {detail}")
        }
        CanReason::ProductNotAlerted(x) => format!(
            "The account does not send license alerts for {}.",
            model.product(*x).name
        ),
        CanReason::NoAlertedProducts => "The account does not send license alerts for any application.".to_string(),
        CanReason::KeyHoldsNoRoles => "Activation keys hold no roles.".to_string(),
    };
    let mut out = if markdown { format!("**{}**", esc(&head)) } else { head };
    out.push(' ');
    out.push_str(&esc(why.trim_end()));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_formatting() {
        assert_eq!(md_escape("a_b*c"), "a\\_b\\*c");
    }

    #[test]
    fn cap_first_capitalises() {
        assert_eq!(cap_first("the key"), "The key");
        assert_eq!(cap_first("ann@x.com"), "ann@x.com");
        assert_eq!(cap_first(""), "");
    }
}
