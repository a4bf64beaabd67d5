//! Why a what-if statement changes no decision, in words a support engineer can act on:
//! either the policy already says what the statement says ("US already denies LumenRT"), or
//! the statement changes the policy but every decision it could touch is decided as before
//! ("no user or key has US as entitlement country"; "the 12 decisions it could touch are
//! decided first by: not-entitled (10), group-allowed (2)").
//!
//! The decisions a statement "could touch" are the principals and products named or reached
//! by it: the principals of a country for a country's settings, a group's members for a
//! group's, one principal for a principal's, every principal for `global`. Only the decisions
//! the filters select are counted.

use crate::filter::Selection;
use crate::model::{Access, GroupMode, Model, Principal, ProductId, Rule, Status};
use crate::source::Sources;
use crate::syntax::{self, Decl, DomainMode, EntityKind, Item, Name, WhatIf};
use std::collections::BTreeMap;

/// Why `statement` (one what-if statement, as given) changes no decision between `before`
/// and `after` (the policy before and after it).
/// `original` and `sel` are the policy the filters were resolved against
/// and the filters. The flag says whether the policy already said what the statement says
/// (the portal has nothing to change).
pub fn why_unchanged(
    before: &Model,
    after: &Model,
    statement: &str,
    original: &Model,
    sel: &Selection,
) -> (bool, String) {
    let mut sources = Sources::new();
    let file = sources.add("statement", statement);
    let (doc, _) = syntax::parse_statements(&sources, file);
    let [item] = doc.items.as_slice() else {
        return (false, GENERIC.to_string());
    };
    let w = match &item.kind {
        Item::WhatIf(w) => w,
        Item::Decl(d) => {
            let added = match d {
                Decl::User(u) => Some(&u.email),
                Decl::Key(k) => Some(&k.name),
                _ => None,
            };
            let why = match added {
                Some(n) if before.find_principal(&n.text).is_none() => {
                    format!("it adds {}, which the filters leave out", n.text)
                }
                _ => GENERIC.to_string(),
            };
            return (false, why);
        }
        _ => return (false, GENERIC.to_string()),
    };
    if let Some(why) = already(before, w) {
        return (true, why);
    }
    (false, touches_nothing(before, after, w, original, sel))
}

fn touches_nothing(before: &Model, after: &Model, w: &WhatIf, original: &Model, sel: &Selection) -> String {
    if let WhatIf::SetIncludeCountry { group, .. } = w {
        if let Some(g) = after.find_group(&group.text).map(|g| after.group(g)) {
            if g.mode() != GroupMode::AllowList {
                return format!(
                    "group {} has no Allowed Applications list, and include-country only acts on a group whose list is non-empty",
                    g.name
                );
            }
        }
    }
    if let WhatIf::SetRevenue { .. } = w {
        if before.fallback == after.fallback {
            let relying = after
                .users
                .iter()
                .filter(|u| u.country_by == Some(crate::model::CountryBy::Revenue))
                .count();
            return match after.fallback {
                Some(c) if relying > 0 => format!(
                    "the fallback entitlement country stays {} (the highest revenue)",
                    after.country(c).name
                ),
                _ => "no user takes the revenue fallback: every user's entitlement country comes from an attribute or a profile".to_string(),
            };
        }
    }
    if let WhatIf::SetMember {
        group,
        principal,
        on: true,
    } = w
    {
        let (g, p) = (after.find_group(&group.text), after.find_principal(&principal.text));
        if let (Some(g), Some(p)) = (g, p) {
            let gc = after.group(g).country;
            match after.principal_country(p) {
                Some(c) if c != gc => {
                    return format!(
                        "group {} belongs to {}, and {}'s entitlement country is {}: the group is ignored for them",
                        group.text,
                        after.country(gc).name,
                        principal.text,
                        after.country(c).name
                    )
                }
                _ => {}
            }
            if after.group(g).mode() == GroupMode::Unconfigured {
                return format!(
                    "group {} has no Allowed Applications and no exceptions, so it decides nothing",
                    group.text
                );
            }
        }
    }
    // a removed group is looked up where it still exists
    let m = if matches!(w, WhatIf::Remove { .. }) {
        before
    } else {
        after
    };
    let Some((scope, principals, products)) = touched(m, w) else {
        return GENERIC.to_string();
    };
    if principals.is_empty() {
        return format!("it touches no decision: {scope}");
    }
    let mut rules: BTreeMap<Rule, usize> = BTreeMap::new();
    let mut n = 0usize;
    // (a country-wide statement reaches every decision of the country: the compiled form)
    let compiled = crate::compile::Compiled::new(after);
    for &p in &principals {
        // `m` may be the policy before the statement: find the principal after it by name
        let Some(p) = after.find_principal(m.principal_name(p)) else {
            continue;
        };
        if !selected_principal(after, p, original, sel) {
            continue;
        }
        for &x in &products {
            let Some(x) = after.find_product(&m.product(x).name) else {
                continue;
            };
            if !selected_product(after, x, original, sel) {
                continue;
            }
            let (access, rule, _) = compiled.decide(compiled.index_of(p), x.index());
            if sel.decision(access, rule) {
                *rules.entry(rule).or_default() += 1;
                n += 1;
            }
        }
    }
    if n == 0 {
        return format!("the filters select none of the decisions it could touch ({scope})");
    }
    let mut by: Vec<(Rule, usize)> = rules.into_iter().collect();
    by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let listed: Vec<String> = by
        .iter()
        .take(4)
        .map(|(r, c)| format!("{r} ({})", crate::filter::thousands(*c)))
        .collect();
    let more = if by.len() > 4 { ", …" } else { "" };
    format!(
        "the {} decision{} it could touch ({scope}) are decided as before, by: {}{more}",
        crate::filter::thousands(n),
        if n == 1 { "" } else { "s" },
        listed.join(", ")
    )
}

const GENERIC: &str = "every decision it could touch is already decided this way, or by a rule that comes first";

fn selected_principal(after: &Model, p: Principal, original: &Model, sel: &Selection) -> bool {
    if !sel.selects_principals() {
        return true;
    }
    // the filters were resolved against the original policy: select by name there
    original
        .find_principal(after.principal_name(p))
        .is_some_and(|q| sel.principal(original, q))
}

fn selected_product(after: &Model, x: ProductId, original: &Model, sel: &Selection) -> bool {
    match sel.only_product() {
        None => true,
        Some(_) => original
            .find_product(&after.product(x).name)
            .is_some_and(|y| sel.product(y)),
    }
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

fn access_word(a: Access) -> &'static str {
    match a {
        Access::Allow => "allows",
        Access::Deny => "denies",
    }
}

/// When the policy already says what `w` says, say what it says (looked up in `m`, the
/// policy before the statement).
pub(super) fn already(m: &Model, w: &WhatIf) -> Option<String> {
    let product = |n: &Name| m.find_product(&n.text);
    let country = |n: &Name| m.find_country(&n.text).map(|c| m.country(c));
    let user = |n: &Name| m.find_user(&n.text).map(|u| m.user(u));
    let group = |n: &Name| m.find_group(&n.text).map(|g| m.group(g));
    let says = |yes: bool, text: String| yes.then_some(text);
    match w {
        WhatIf::SetDefault { country: c, access } => says(
            country(c)?.default == *access,
            format!("{}'s Default Access is already {}", c.text, access.as_str()),
        ),
        WhatIf::SetAccess {
            country: c,
            product: x,
            access,
        } => {
            let now = country(c)?.overrides.get(&product(x)?).map(|&(a, _)| a);
            says(
                now == *access,
                match access {
                    Some(a) => format!("{} already {} {} (General Access)", c.text, access_word(*a), x.text),
                    None => format!("{} has no General Access setting for {} to drop", c.text, x.text),
                },
            )
        }
        WhatIf::SetStatus { user: u, status } => says(
            Some(user(u)?.status) == Status::parse(&status.text),
            format!("{} is already {}", u.text, status.text),
        ),
        WhatIf::SetEntitlementCountry { user: u, country: c } => {
            let now = user(u)?.entitlement_country.map(|(c, _)| c);
            let want = match c {
                Some(c) => Some(m.find_country(&c.text)?),
                None => None,
            };
            says(
                now == want,
                match c {
                    Some(c) => format!("{}'s entitlement-country attribute is already {}", u.text, c.text),
                    None => format!("{} has no entitlement-country attribute to drop", u.text),
                },
            )
        }
        WhatIf::SetException {
            user: u,
            product: x,
            access,
        } => says(
            user(u)?.exception(product(x)?).map(|(a, _)| a) == *access,
            match access {
                Some(a) => format!(
                    "{} already has a user exception that {} {}",
                    u.text,
                    access_word(*a),
                    x.text
                ),
                None => format!("{} has no user exception for {}", u.text, x.text),
            },
        ),
        WhatIf::SetGroupException {
            group: g,
            product: x,
            access,
        } => says(
            group(g)?.exception(product(x)?).map(|(a, _)| a) == *access,
            match access {
                Some(a) => format!(
                    "group {} already has an exception that {} {}",
                    g.text,
                    access_word(*a),
                    x.text
                ),
                None => format!("group {} has no exception for {}", g.text, x.text),
            },
        ),
        WhatIf::SetMember {
            group: g,
            principal,
            on,
        } => {
            let gid = m.find_group(&g.text)?;
            let p = m.find_principal(&principal.text)?;
            says(
                m.principal_groups(p).iter().any(|&(h, _)| h == gid) == *on,
                if *on {
                    format!("{} is already a member of group {}", principal.text, g.text)
                } else {
                    format!("{} is not a member of group {}", principal.text, g.text)
                },
            )
        }
        WhatIf::SetAllowed {
            group: g,
            product: x,
            on,
        } => says(
            group(g)?.allowed_entry(product(x)?).is_some() == *on,
            if *on {
                format!("the Allowed Applications of group {} already list {}", g.text, x.text)
            } else {
                format!("the Allowed Applications of group {} do not list {}", g.text, x.text)
            },
        ),
        WhatIf::SetIncludeCountry { group: g, on } => says(
            group(g)?.include_country.is_some() == *on,
            format!("group {} already has include-country {}", g.text, on_off(*on)),
        ),
        WhatIf::SetEntitled {
            country: c,
            product: x,
            on,
        } => {
            let k = country(c)?;
            let listed = k.is_entitled(product(x)?);
            says(
                listed == *on,
                match (&k.entitled, on) {
                    (None, _) => format!("{} has no entitled list, so it already entitles every product", c.text),
                    (Some(_), true) => format!("{} already entitles {}", c.text, x.text),
                    (Some(_), false) => format!("{} does not entitle {}", c.text, x.text),
                },
            )
        }
        WhatIf::SetRevenue { country: c, revenue } => {
            let now = country(c)?.revenue.map(|(r, _)| r);
            let want = match revenue {
                Some(r) => Some(crate::resolve::number(r).ok()?),
                None => None,
            };
            says(
                now == want,
                match revenue {
                    Some(r) => format!("{}'s revenue is already {}", c.text, r.text),
                    None => format!("{} already declares no revenue", c.text),
                },
            )
        }
        WhatIf::SetGlobal { product: x, on } => says(
            m.is_global(product(x)?) == *on,
            if *on {
                format!("{} is already a global entitlement", x.text)
            } else {
                format!("{} is not a global entitlement", x.text)
            },
        ),
        WhatIf::SetKeyCountry { key, country: c } => {
            let now = m.key(m.find_key(&key.text)?).country_in.map(|(c, _)| c);
            let want = match c {
                Some(c) => Some(m.find_country(&c.text)?),
                None => None,
            };
            says(
                now == want,
                match c {
                    Some(c) => format!("key {} is already in {}", key.text, c.text),
                    None => format!("key {} has no `in` country to drop", key.text),
                },
            )
        }
        WhatIf::ClearExceptions(g) | WhatIf::Convert(g) => says(
            group(g)?.exceptions.is_empty(),
            format!("group {} has no exceptions", g.text),
        ),
        WhatIf::SetDomain { domain, mode } => {
            let now = m.account.as_ref().and_then(|a| {
                a.domains
                    .iter()
                    .find(|d| d.name.eq_ignore_ascii_case(&domain.text))
                    .map(|d| d.auto_approve)
            });
            let want = match mode {
                DomainMode::Off => None,
                DomainMode::On => Some(false),
                DomainMode::AutoApprove => Some(true),
            };
            says(
                now == want,
                match mode {
                    DomainMode::Off => format!("the account does not claim {}", domain.text),
                    DomainMode::On => format!("the account already claims {} without auto-approval", domain.text),
                    DomainMode::AutoApprove => format!("the account already claims {} with auto-approval", domain.text),
                },
            )
        }
        WhatIf::Remove { .. } | WhatIf::Register { .. } => None,
    }
}

/// The principals and products `w` could touch in `m`, with a phrase naming them.
fn touched(m: &Model, w: &WhatIf) -> Option<(String, Vec<Principal>, Vec<ProductId>)> {
    let all: Vec<ProductId> = m.product_ids().collect();
    let one = |name: &str| m.find_product(name).map(|x| vec![x]);
    let in_country = |name: &str| -> Option<(String, Vec<Principal>)> {
        let c = m.find_country(name)?;
        let ps: Vec<Principal> = m.principals().filter(|&p| m.principal_country(p) == Some(c)).collect();
        let scope = if ps.is_empty() {
            format!("no user or key has {name} as entitlement country")
        } else {
            format!("the principals whose entitlement country is {name}")
        };
        Some((scope, ps))
    };
    let members = |name: &str| -> Option<(String, Vec<Principal>)> {
        let g = m.find_group(name)?;
        let ps: Vec<Principal> = m
            .principals()
            .filter(|&p| m.principal_groups(p).iter().any(|&(h, _)| h == g))
            .collect();
        let scope = if ps.is_empty() {
            format!("group {name} has no members")
        } else {
            format!("the members of group {name}")
        };
        Some((scope, ps))
    };
    let single = |name: &str| -> Option<(String, Vec<Principal>)> {
        let p = m.find_principal(name)?;
        Some((name.to_string(), vec![p]))
    };
    let with = |(scope, ps): (String, Vec<Principal>), xs: Vec<ProductId>| Some((scope, ps, xs));
    match w {
        WhatIf::SetDefault { country, .. } => with(in_country(&country.text)?, all),
        WhatIf::SetAccess { country, product, .. } | WhatIf::SetEntitled { country, product, .. } => {
            with(in_country(&country.text)?, one(&product.text)?)
        }
        WhatIf::SetRevenue { country, .. } => with(in_country(&country.text)?, all),
        WhatIf::SetGlobal { product, .. } => with(
            ("every principal".to_string(), m.principals().collect()),
            one(&product.text)?,
        ),
        WhatIf::SetGroupException { group, product, .. } | WhatIf::SetAllowed { group, product, .. } => {
            with(members(&group.text)?, one(&product.text)?)
        }
        WhatIf::SetIncludeCountry { group, .. } | WhatIf::Convert(group) | WhatIf::ClearExceptions(group) => {
            with(members(&group.text)?, all)
        }
        WhatIf::SetStatus { user, .. } | WhatIf::SetEntitlementCountry { user, .. } => with(single(&user.text)?, all),
        WhatIf::SetException { user, product, .. } => with(single(&user.text)?, one(&product.text)?),
        WhatIf::SetMember { principal, .. } => with(single(&principal.text)?, all),
        WhatIf::SetKeyCountry { key, .. } => with(single(&key.text)?, all),
        WhatIf::Remove {
            kind: EntityKind::Group,
            name,
        } => with(members(&name.text)?, all),
        WhatIf::Remove { .. } | WhatIf::Register { .. } | WhatIf::SetDomain { .. } => None,
    }
}
