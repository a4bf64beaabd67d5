//! `entitle export --json`: the resolved model as a document of schema `entitle/2`.

use super::schema::*;
use crate::model::{CountryId, GroupId, GroupMode, Model, ProductId};
use crate::source::Span;
use crate::syntax::ast::Access;

/// The resolved model in schema `entitle/2`.
pub fn export(m: &Model) -> PolicyJson {
    let product = |p: ProductId| m.product(p).name.clone();
    let country = |c: CountryId| m.country(c).name.clone();
    let group = |g: GroupId| m.group(g).name.clone();
    let verdicts = |list: &[(ProductId, Access, Span)]| -> Vec<VerdictJson> {
        list.iter()
            .map(|&(p, access, _)| VerdictJson {
                product: product(p),
                access,
            })
            .collect()
    };
    PolicyJson {
        schema: SCHEMA.to_string(),
        account: m.account.as_ref().map(|a| AccountJson {
            name: a.name.clone(),
            domains: a
                .domains
                .iter()
                .map(|d| DomainJson {
                    domain: d.name.clone(),
                    auto_approve: d.auto_approve,
                })
                .collect(),
            alerts: a.alerts.iter().map(|&(p, _)| product(p)).collect(),
            global: a.global.iter().map(|&(p, _)| product(p)).collect(),
        }),
        products: m
            .products
            .iter()
            .map(|p| ProductJson {
                name: p.name.clone(),
                display: p.display.clone(),
            })
            .collect(),
        countries: m
            .countries
            .iter()
            .map(|c| {
                let mut access: Vec<_> = c.overrides.iter().map(|(&p, &(a, _))| (p, a)).collect();
                access.sort();
                CountryJson {
                    name: c.name.clone(),
                    display: c.display.clone(),
                    revenue: c.revenue.map(|(v, _)| v),
                    covers: c.covers.iter().map(|(code, _)| code.clone()).collect(),
                    entitled: c.entitled.as_ref().map(|e| {
                        let mut ids: Vec<_> = e.products.keys().copied().collect();
                        ids.sort();
                        ids.into_iter().map(product).collect()
                    }),
                    default: c.default,
                    access: access
                        .into_iter()
                        .map(|(p, access)| VerdictJson {
                            product: product(p),
                            access,
                        })
                        .collect(),
                }
            })
            .collect(),
        groups: m
            .groups
            .iter()
            .map(|g| GroupJson {
                name: g.name.clone(),
                country: country(g.country),
                allowed: g.allowed.iter().map(|&(p, _)| product(p)).collect(),
                include_country: g.include_country.is_some(),
                exceptions: verdicts(&g.exceptions),
                mode: Some(
                    match g.mode() {
                        GroupMode::AllowList => "allow-list",
                        GroupMode::Legacy => "legacy",
                        GroupMode::Unconfigured => "unconfigured",
                    }
                    .to_string(),
                ),
            })
            .collect(),
        users: m
            .users
            .iter()
            .map(|u| UserJson {
                email: u.email.clone(),
                display: u.display.clone(),
                country: u.profile.0.clone(),
                entitlement_country: u.entitlement_country.map(|(c, _)| country(c)),
                groups: u.groups.iter().map(|&(g, _)| group(g)).collect(),
                roles: u.roles.iter().map(|(r, _)| r.as_str().to_string()).collect(),
                status: Some(u.status.as_str().to_string()),
                exceptions: verdicts(&u.exceptions),
                effective_country: u.country.map(country),
                country_by: u.country_by.map(|b| b.as_str().to_string()),
            })
            .collect(),
        keys: m
            .keys
            .iter()
            .map(|k| KeyJson {
                name: k.name.clone(),
                country: k.country_in.map(|(c, _)| country(c)),
                groups: k.groups.iter().map(|&(g, _)| group(g)).collect(),
                effective_country: k.country.map(country),
                country_by: k.country_by().map(|b| b.as_str().to_string()),
            })
            .collect(),
    }
}

/// [`export`] as pretty-printed JSON text (two-space indentation, a final newline).
pub fn export_text(m: &Model) -> String {
    let mut text = serde_json::to_string_pretty(&export(m)).expect("plain data serialises");
    text.push('\n');
    text
}
