//! Edits as steps to take in the portal, and the ranking and folding of fixes.

use super::*;

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

/// Every fix of a search as sets of what-if edits, in the search's order: a collapsed edit
/// ("any of N groups") stands for each of its examples, so the plain answer can fold such
/// alternatives back into "one of A or B".
pub fn fix_sets(fixes: &crate::explain::FixSearch) -> Vec<Vec<WhatIf>> {
    let mut sets = vec![];
    for f in &fixes.fixes {
        let mut variants: Vec<Vec<&str>> = vec![vec![]];
        for e in &f.edits {
            let alternatives: Vec<&str> = match &e.any_of {
                Some(any) if !any.statements.is_empty() => any.statements.iter().map(String::as_str).collect(),
                _ => vec![e.statement.as_str()],
            };
            variants = variants
                .into_iter()
                .flat_map(|v| {
                    alternatives.iter().map(move |a| {
                        let mut v = v.clone();
                        v.push(*a);
                        v
                    })
                })
                .collect();
        }
        sets.extend(variants.into_iter().map(parse_edits));
    }
    sets
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
            if let Item::WhatIf(w) = std::sync::Arc::unwrap_or_clone(item).kind {
                out.push(w);
            }
        }
    }
    out
}

/// A single edit that is one of several alternatives differing only in one name (which
/// group to join, which country to set): the sentence before the names, and the name.
pub(super) fn alternative(model: &Model, fix: &[WhatIf]) -> Option<(String, String, String)> {
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
pub(super) fn alternatives_text(one: &str, many: &str, names: &[String]) -> String {
    match names {
        [a] => format!("{one} {a}."),
        [init @ .., last] if names.len() <= 3 => format!("{many} {} or {last}.", init.join(", ")),
        _ => format!("{many} {} or {} ({} would each do).", names[0], names[1], names.len()),
    }
}

/// The fixes as portal steps: each fix (a set of edits, made together) becomes one line;
/// alternatives that differ only in one name (which group to join, which country to set)
/// are gathered into one line, where the first of them stands. The order is the fix
/// search's ([`crate::explain::preference`]: what the account can do alone first).
pub(super) fn fix_lines(model: &Model, fixes: &[Vec<WhatIf>]) -> Vec<PortalStep> {
    enum Line {
        Step(PortalStep),
        // (sentence for one, sentence for several, the names)
        Gathered(String, String, Vec<String>),
    }
    let mut lines: Vec<Line> = vec![];
    for fix in fixes {
        if fix.is_empty() {
            continue;
        }
        if let Some((one, many, name)) = alternative(model, fix) {
            let found = lines.iter_mut().find_map(|l| match l {
                Line::Gathered(o, _, names) if *o == one => Some(names),
                _ => None,
            });
            match found {
                Some(names) => {
                    if !names.contains(&name) {
                        names.push(name)
                    }
                }
                None => lines.push(Line::Gathered(one, many, vec![name])),
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
        if !lines.iter().any(|l| matches!(l, Line::Step(s) if *s == step)) {
            lines.push(Line::Step(step));
        }
    }
    let steps: Vec<PortalStep> = lines
        .into_iter()
        .map(|l| match l {
            Line::Step(s) => s,
            Line::Gathered(one, many, names) => admin(alternatives_text(&one, &many, &names)),
        })
        .collect();
    // the search puts contract changes last already; a vendor step (one the account
    // cannot take) stays after every step it can
    let (mine, vendor): (Vec<_>, Vec<_>) = steps.into_iter().partition(|s| !s.vendor);
    mine.into_iter().chain(vendor).collect()
}
