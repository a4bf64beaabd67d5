//! The lint warnings about users and keys: entitlement countries, group memberships,
//! keys' groups.

use super::*;

impl<'a> Linter<'a> {
    // ------------------------------------------------------------------ users

    pub(super) fn users(&mut self) {
        let doc = self.doc;
        for (span, decl) in decls(doc) {
            let Decl::User(ud) = decl else { continue };
            let Some(uid) = self
                .model
                .find_user(&ud.email.text)
                .filter(|id| self.model.user(*id).span == span)
            else {
                continue;
            };
            let u = self.model.user(uid);
            let email = u.email.clone();
            let stmt_of = group_statements(
                self.model,
                ud.stmts.iter().filter_map(|s| match &s.kind {
                    UserStmt::Groups(names) => Some((s.span, names.as_slice())),
                    _ => None,
                }),
            );
            let (code, country_stmt) = (u.profile.0.clone(), u.profile.1);

            match u.country {
                None => {
                    let mut d = Diagnostic::warning(
                        "unknown-profile-country",
                        format!(
                            "profile country `{code}` of `{email}` matches no declared country and no `covers` entry"
                        ),
                    )
                    .with_label(country_stmt, "no entitlement country for this code")
                    .with_note("no country declares a `revenue` to fall back on, so the user is denied every product (rule no-entitlement-country)");
                    let mut help = format!(
                        "declare `country {} {{ }}`, add `{}` to a country's `covers` list, give the user an `entitlement-country`, or correct the code",
                        written(&code),
                        written(&code)
                    );
                    // `closest` accepts any two-letter code for a two-letter code; ask for
                    // at least one letter in common.
                    let near = self.profile_codes().into_iter().filter(|c| {
                        strsim::levenshtein(&code.to_lowercase(), &c.to_lowercase())
                            < code.chars().count().max(c.chars().count())
                    });
                    if let Some(s) = did_you_mean(&code, near) {
                        help = format!("{s} ({help})");
                    }
                    self.warn(d.with_help(help));
                    if !u.groups.is_empty() {
                        d = Diagnostic::warning(
                            "no-entitlement-country",
                            format!("`{email}` is in groups but has no entitlement country: every group is ignored"),
                        )
                        .with_label(country_stmt, format!("`{code}` leads to no entitlement country"));
                        let mut labelled = vec![];
                        for (g, _) in &u.groups {
                            let s = stmt_of[g];
                            if !labelled.contains(&s) {
                                labelled.push(s);
                                d = d.with_label(s, "ignored for this user");
                            }
                        }
                        let c = written(self.country_name(self.model.group(u.groups[0].0).country));
                        self.warn(d.with_help(format!(
                            "give the user a profile country that a declared country has or covers (`country {c}` for the country of `{}`), or `entitlement-country {c}`",
                            self.group_name(u.groups[0].0)
                        )));
                    }
                }
                Some(cid) => {
                    if u.country_by == Some(crate::model::CountryBy::Revenue) {
                        let c = self.model.country(cid);
                        let mut d = Diagnostic::warning(
                            "revenue-fallback",
                            format!(
                                "in the portal `{email}` gets {}, the highest-revenue country: profile country `{code}` matches no country",
                                c.name
                            ),
                        )
                        .with_label(country_stmt, format!("`{code}` matches no country and no `covers` entry"))
                        .with_note("informational: users whose profile country has no contract get the licences of the country with the highest annual recurring revenue");
                        if let Some((_, span)) = c.revenue {
                            d = d.with_label(span, "the highest revenue");
                        }
                        self.warn(d.with_help(format!(
                            "to choose the country yourself, give the user `entitlement-country COUNTRY` or add `{}` to a country's `covers` list",
                            written(&code)
                        )));
                    }
                    self.other_country_groups(uid, cid, &stmt_of);
                    self.mixed_modes(Principal::User(uid), cid, &stmt_of);
                }
            }

            let mut groups = Dups::default();
            let mut roles = Dups::default();
            let mut access = Dups::default();
            for stmt in &ud.stmts {
                match &stmt.kind {
                    UserStmt::EntitlementCountry(_) => {}
                    UserStmt::Groups(names) => {
                        for n in names {
                            if let Some(g) = self.model.find_group(&n.text) {
                                self.dup(&mut groups, g, n, "group", "groups");
                            }
                        }
                    }
                    UserStmt::Roles(names) => {
                        for n in names {
                            if let Some(r) = Role::parse(&n.text) {
                                self.dup(&mut roles, r, n, "role", "roles");
                            }
                        }
                    }
                    UserStmt::Access(a, names) => {
                        for n in names {
                            let Some(p) = self.model.find_product(&n.text) else {
                                continue;
                            };
                            self.dup(&mut access, (p, *a), n, "product", a.as_str());
                            if let (Access::Allow, Some(cid)) = (*a, self.model.user(uid).country) {
                                self.not_entitled(cid, p, n, "this user exception");
                            }
                        }
                    }
                    UserStmt::Country(_) | UserStmt::Status(_) => {}
                }
            }
        }
    }

    /// Profile codes that lead somewhere: country names, display names, `covers` entries.
    fn profile_codes(&self) -> Vec<&'a str> {
        let mut v = vec![];
        for c in &self.model.countries {
            v.push(c.name.as_str());
            v.extend(c.display.as_deref());
            v.extend(c.covers.iter().map(|(code, _)| code.as_str()));
        }
        v
    }

    /// `member-other-country` for each of the user's groups outside their country.
    fn other_country_groups(&mut self, uid: crate::model::UserId, cid: CountryId, stmt_of: &HashMap<GroupId, Span>) {
        let u = self.model.user(uid);
        for &(gid, stmt) in &u.groups {
            let stmt = stmt_of.get(&gid).copied().unwrap_or(stmt);
            let g = self.model.group(gid);
            if g.country == cid {
                continue;
            }
            let (gname, gc, uc) = (
                self.group_name(gid),
                self.country_name(g.country),
                self.country_name(cid),
            );
            let d = Diagnostic::warning(
                "member-other-country",
                format!(
                    "group `{gname}` belongs to `{gc}`, but the entitlement country of `{}` is `{uc}`: the group is ignored for this user",
                    u.email
                ),
            )
            .with_label(stmt, format!("`{gname}` is ignored for this user"))
            .with_label(self.group_heads[gid.index()], format!("`{gname}` is a group of `{gc}`"))
            .with_help(format!(
                "remove `{}` from the user's groups, or put the user in a group of `{uc}`",
                written(gname)
            ));
            self.warn(d);
        }
    }

    /// `mixed-group-modes`: a principal in an allow-list group and in a legacy or
    /// unconfigured group of its entitlement country.
    fn mixed_modes(&mut self, principal: Principal, cid: CountryId, stmt_of: &HashMap<GroupId, Span>) {
        let groups = self.model.principal_groups(principal);
        let in_country: Vec<(GroupId, Span)> = groups
            .iter()
            .copied()
            .filter(|(g, _)| self.model.group(*g).country == cid)
            .collect();
        let strict: Vec<GroupId> = in_country
            .iter()
            .filter(|(g, _)| self.model.group(*g).mode() == GroupMode::AllowList)
            .map(|(g, _)| *g)
            .collect();
        let lax: Vec<(GroupId, Span)> = in_country
            .iter()
            .copied()
            .filter(|(g, _)| self.model.group(*g).mode() != GroupMode::AllowList)
            .collect();
        let (Some(&first_strict), Some(&(first_lax, stmt))) = (strict.first(), lax.first()) else {
            return;
        };
        let stmt = stmt_of.get(&first_lax).copied().unwrap_or(stmt);
        let who = self.model.principal_name(principal);
        let (s, l) = (self.group_name(first_strict), self.group_name(first_lax));
        let lax_kind = |g: GroupId| match self.model.group(g).mode() {
            GroupMode::Legacy => "legacy",
            _ => "unconfigured",
        };
        let mut d = Diagnostic::warning(
            "mixed-group-modes",
            format!(
                "`{who}` is in allow-list group `{s}` and in {} group `{l}` of `{}`: where `{l}` abstains ({}), it does not lift `{s}`'s restriction",
                lax_kind(first_lax),
                self.country_name(cid),
                match self.model.group(first_lax).mode() {
                    GroupMode::Legacy => "every product without an exception",
                    _ => "every product",
                }
            ),
        )
        .with_label(stmt, "groups of both kinds");
        for &g in &strict {
            d = d.with_label(
                self.group_heads[g.index()],
                "allow-list: denies every product not in its Allowed Applications",
            );
        }
        for &(g, _) in &lax {
            let msg = match self.model.group(g).mode() {
                GroupMode::Legacy => "legacy: abstains on every product without an exception",
                _ => "unconfigured: abstains on every product",
            };
            d = d.with_label(self.group_heads[g.index()], msg);
        }
        let d = d
            .with_note(format!(
                "an abstaining group grants nothing: a product missing from `{s}`'s list is denied even where `{l}` would leave it to the country level"
            ))
            .with_help(match self.model.group(first_lax).mode() {
                GroupMode::Legacy => format!(
                    "give `{l}` an Allowed Applications list made of its `exception allow` products (`{}` shows what that changes), or remove `{who}` from it (`{}`)",
                    self.simulate(&format!("convert {}", written(l))),
                    self.simulate(&format!("set member {} {} off", written(l), written(who)))
                ),
                _ => format!(
                    "give `{l}` an `allowed` list, or remove `{who}` from it (`{}` shows what that changes)",
                    self.simulate(&format!("set member {} {} off", written(l), written(who)))
                ),
            });
        self.warn(d);
    }

    // ------------------------------------------------------------------ keys

    pub(super) fn keys(&mut self) {
        let doc = self.doc;
        for (span, decl) in decls(doc) {
            let Decl::Key(kd) = decl else { continue };
            let Some(kid) = self
                .model
                .find_key(&kd.name.text)
                .filter(|id| self.model.key(*id).span == span)
            else {
                continue;
            };
            let k = self.model.key(kid);
            if k.groups.len() > 1 {
                self.warn(
                    Diagnostic::warning(
                        "key-several-groups",
                        format!("key `{}` is mapped to {} groups", k.name, k.groups.len()),
                    )
                    .with_label(self.key_heads[kid.index()], "more than one group")
                    .with_note("the portal maps an activation key to one entitlement group")
                    .with_help(format!(
                        "keep only the group the key is mapped to in the portal: `groups {}` (or another of its groups)",
                        written(self.group_name(k.groups[0].0))
                    )),
                );
            }
            if k.groups.is_empty() && k.country_in.is_none() {
                self.warn(
                    Diagnostic::warning(
                        "empty-key",
                        format!(
                            "key `{}` has no group: it has no entitlement country and is denied every product",
                            k.name
                        ),
                    )
                    .with_label(self.key_heads[kid.index()], "no `groups` in this key")
                    .with_help(match (self.model.groups.first(), self.model.countries.first()) {
                        (Some(g), _) => format!(
                            "give the key a group (`groups {}`, or another group) or its own country (`key {} in {} {{ }}`), or delete the key",
                            written(&g.name),
                            written(&k.name),
                            written(self.country_name(g.country))
                        ),
                        (None, Some(c)) => format!(
                            "give the key its own country (`key {} in {} {{ }}`), or delete the key",
                            written(&k.name),
                            written(&c.name)
                        ),
                        (None, None) => "delete the key: the policy has no group or country to give it".to_string(),
                    }),
                );
            }
            if let Some(cid) = k.country {
                let stmt_of = group_statements(
                    self.model,
                    kd.stmts.iter().map(|s| {
                        let KeyStmt::Groups(names) = &s.kind;
                        (s.span, names.as_slice())
                    }),
                );
                self.mixed_modes(Principal::Key(kid), cid, &stmt_of);
            }
            let mut groups = Dups::default();
            for stmt in &kd.stmts {
                let KeyStmt::Groups(names) = &stmt.kind;
                for n in names {
                    if let Some(g) = self.model.find_group(&n.text) {
                        self.dup(&mut groups, g, n, "group", "groups");
                    }
                }
            }
        }
    }
}
