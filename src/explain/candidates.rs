//! Candidate edits for one decision, drawn up from the steps of its trace.

use super::{n, Edit};
use crate::eval::{GroupVerdict, Rule, Step};
use crate::model::*;
use crate::syntax::*;

/// The document without the users and keys other than `principal`.
pub(crate) fn principal_view(doc: &Document, model: &Model, principal: Principal) -> Document {
    let name = model.principal_name(principal).to_lowercase();
    Document {
        items: doc
            .items
            .iter()
            .filter(|i| match &i.kind {
                Item::Decl(Decl::User(u)) => matches!(principal, Principal::User(_)) && has_key(&u.email.text, &name),
                Item::Decl(Decl::Key(k)) => matches!(principal, Principal::Key(_)) && has_key(&k.name.text, &name),
                Item::Decl(_) => true,
                _ => false,
            })
            .cloned()
            .collect(),
        end_comments: vec![],
    }
}

/// [`candidates`], with at most [`super::MAX_ALTERNATIVES`] "join another group" and as many
/// "move to another country" edits: each is verified by resolving a copy of the policy, and a
/// policy may have 100,000 groups.
pub(crate) fn capped_candidates(
    model: &Model,
    principal: Principal,
    product: ProductId,
    steps: &[Step],
    access: Access,
) -> Vec<Edit> {
    let (mut joins, mut moves) = (0, 0);
    candidates(model, principal, product, steps, access)
        .into_iter()
        .filter(|edit| {
            let tried = match edit {
                WhatIf::SetMember { on: true, .. } => &mut joins,
                WhatIf::SetEntitlementCountry { .. } | WhatIf::SetKeyCountry { .. } => &mut moves,
                _ => return true,
            };
            *tried += 1;
            *tried <= super::MAX_ALTERNATIVES
        })
        .collect()
}

pub(crate) fn candidates(
    model: &Model,
    principal: Principal,
    product: ProductId,
    steps: &[Step],
    access: Access,
) -> Vec<Edit> {
    let pname = n(&model.product(product).name);
    let who = n(model.principal_name(principal));
    let country = model.principal_country(principal);
    let mut edits = vec![];
    let want = access.flip();
    let member = |group: &str, on| WhatIf::SetMember {
        group: n(group),
        principal: who.clone(),
        on,
    };
    for step in steps {
        match step {
            Step::Status { status, .. } if *status != Status::Active => {
                edits.push(WhatIf::SetStatus {
                    user: who.clone(),
                    status: n("active"),
                });
            }
            Step::KeyCountry { country: None, .. } => {
                for c in &model.countries {
                    edits.push(WhatIf::SetKeyCountry {
                        key: who.clone(),
                        country: Some(n(&c.name)),
                    });
                }
                for g in &model.groups {
                    edits.push(member(&g.name, true));
                }
            }
            Step::UserCountry { country: None, .. } => {
                for c in &model.countries {
                    edits.push(WhatIf::SetEntitlementCountry {
                        user: who.clone(),
                        country: Some(n(&c.name)),
                    });
                }
            }
            Step::Entitled {
                entitled: false,
                country,
                ..
            } => {
                edits.push(WhatIf::SetEntitled {
                    country: n(&model.country(*country).name),
                    product: pname.clone(),
                    on: true,
                });
                edits.push(WhatIf::SetGlobal {
                    product: pname.clone(),
                    on: true,
                });
            }
            Step::Entitled {
                entitled: true,
                listed,
                global,
                country,
                ..
            } if want == Access::Deny => {
                if *global {
                    edits.push(WhatIf::SetGlobal {
                        product: pname.clone(),
                        on: false,
                    });
                } else if *listed {
                    edits.push(WhatIf::SetEntitled {
                        country: n(&model.country(*country).name),
                        product: pname.clone(),
                        on: false,
                    });
                }
            }
            Step::UserException { exception } => {
                if exception.is_some() {
                    edits.push(WhatIf::SetException {
                        user: who.clone(),
                        product: pname.clone(),
                        access: None,
                    });
                }
                edits.push(WhatIf::SetException {
                    user: who.clone(),
                    product: pname.clone(),
                    access: Some(want),
                });
            }
            Step::Group { group, verdict } => {
                let g = model.group(*group);
                let gname = n(&g.name);
                match verdict {
                    GroupVerdict::Deny(Rule::GroupNotAllowed, _) if want == Access::Allow => {
                        if g.include_country.is_some() {
                            // the group would include the product if the country level allowed it
                            country_level_edits(model, g.country, product, Access::Allow, &mut edits);
                        }
                        edits.push(WhatIf::SetAllowed {
                            group: gname.clone(),
                            product: pname.clone(),
                            on: true,
                        });
                        if g.include_country.is_none() {
                            edits.push(WhatIf::SetIncludeCountry {
                                group: gname.clone(),
                                on: true,
                            });
                        }
                        edits.push(member(&g.name, false));
                    }
                    GroupVerdict::Deny(Rule::GroupException, _) if want == Access::Allow => {
                        edits.push(WhatIf::SetGroupException {
                            group: gname.clone(),
                            product: pname.clone(),
                            access: None,
                        });
                        edits.push(member(&g.name, false));
                    }
                    GroupVerdict::Allow(rule, _) if want == Access::Deny => {
                        match rule {
                            Rule::GroupAllowed => edits.push(WhatIf::SetAllowed {
                                group: gname.clone(),
                                product: pname.clone(),
                                on: false,
                            }),
                            Rule::GroupIncludeCountry => {
                                edits.push(WhatIf::SetIncludeCountry {
                                    group: gname.clone(),
                                    on: false,
                                });
                                country_level_edits(model, g.country, product, Access::Deny, &mut edits);
                            }
                            _ => edits.push(WhatIf::SetGroupException {
                                group: gname.clone(),
                                product: pname.clone(),
                                access: None,
                            }),
                        }
                        edits.push(member(&g.name, false));
                    }
                    _ => {}
                }
            }
            Step::CountryLevel { country, .. } => {
                country_level_edits(model, *country, product, want, &mut edits);
                // joining a group of the country that decides the other way
                let current: rustc_hash::FxHashSet<GroupId> =
                    model.principal_groups(principal).iter().map(|(g, _)| *g).collect();
                for (i, g) in model.groups.iter().enumerate() {
                    let gid = GroupId(i as u32);
                    if g.country != *country || current.contains(&gid) {
                        continue;
                    }
                    let v = crate::eval::group_verdict(model, g, product);
                    let flips = matches!(
                        (v, want),
                        (GroupVerdict::Allow(..), Access::Allow) | (GroupVerdict::Deny(..), Access::Deny)
                    );
                    if flips {
                        edits.push(member(&g.name, true));
                    }
                }
            }
            _ => {}
        }
    }
    // denied at group level: joining a group of the country that allows the product
    let group_denied = steps.iter().any(|s| {
        matches!(
            s,
            Step::Groups {
                decided: Some((Access::Deny, _)),
                ..
            }
        )
    });
    if let (true, Some(c)) = (group_denied && want == Access::Allow, country) {
        let current: rustc_hash::FxHashSet<GroupId> =
            model.principal_groups(principal).iter().map(|(g, _)| *g).collect();
        for (i, g) in model.groups.iter().enumerate() {
            let gid = GroupId(i as u32);
            if g.country == c && !current.contains(&gid) {
                if let GroupVerdict::Allow(..) = crate::eval::group_verdict(model, g, product) {
                    edits.push(member(&g.name, true));
                }
            }
        }
    }
    // a user exception settles almost any group- or country-level decision
    if let (Principal::User(_), Some(_)) = (principal, country) {
        if !edits.iter().any(|e| matches!(e, WhatIf::SetException { .. }))
            && steps.iter().any(|s| matches!(s, Step::UserException { .. }))
        {
            edits.push(WhatIf::SetException {
                user: who.clone(),
                product: pname.clone(),
                access: Some(want),
            });
        }
    }
    edits
}

/// Edits that make the country level of `country` say `want` for `product`.
fn country_level_edits(model: &Model, country: CountryId, product: ProductId, want: Access, edits: &mut Vec<Edit>) {
    let c = model.country(country);
    let (cn, pn) = (n(&c.name), n(&model.product(product).name));
    let (_, is_override, _) = c.country_level(product);
    edits.push(WhatIf::SetAccess {
        country: cn.clone(),
        product: pn.clone(),
        access: Some(want),
    });
    if is_override && c.default == want {
        edits.push(WhatIf::SetAccess {
            country: cn.clone(),
            product: pn,
            access: None,
        });
    }
    if !is_override {
        edits.push(WhatIf::SetDefault {
            country: cn,
            access: want,
        });
    }
}
