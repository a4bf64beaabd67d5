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
pub(super) fn rank(edit: &WhatIf) -> u8 {
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
/// are gathered into one line. Ranked by [`rank`]; steps that need the vendor come last.
pub(super) fn fix_lines(model: &Model, fixes: &[Vec<WhatIf>]) -> Vec<PortalStep> {
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
