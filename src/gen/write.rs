//! Writing the organisation in `entitle fmt`'s canonical layout, one item at a time.

use super::names::*;
use super::org::*;
use super::rng::{pick_weighted, sample};
use crate::fmt::{format_name, format_number};
use std::io::{self, Write};

impl Org {
    pub(super) fn write<W: Write>(mut self, w: &mut Emitter<'_, W>) -> io::Result<()> {
        let cfg = self.cfg;
        let keys = super::keys(cfg.users);
        let (account, primary) = ACCOUNTS[self.account];

        // ---- account
        let header = format!(
            "# Synthetic organisation: entitle gen --users {} --products {} --groups {} --seed {}\n\
                 # {} users, {} products, {} countries, {} groups, {} activation keys",
            cfg.users,
            cfg.products,
            cfg.groups,
            cfg.seed,
            cfg.users,
            cfg.products,
            self.countries.len(),
            cfg.groups,
            keys
        );
        w.item(Kind::Account, false, Some(&header));
        w.buf.push_str(&format!("account \"{account}\" {{\n"));
        w.buf.push_str(&format!("  domain {primary} auto-approve\n"));
        w.buf.push_str(&format!("  domain {}\n", self.partner));
        if let Some(d) = self.acquired {
            w.buf.push_str(&format!("  domain {d}\n"));
        }
        let popular: Vec<u32> = (0..cfg.products.min(10) as u32).collect();
        let k = self.rng.range(2, 4);
        let alerts = sample(&mut self.rng, &popular, k);
        let mut buf = std::mem::take(&mut w.buf);
        self.list_line(&mut buf, "alerts", &alerts);
        self.list_line(&mut buf, "global", &self.global);
        buf.push_str("}\n");
        w.buf = buf;
        w.flush()?;

        // ---- products
        for i in 0..cfg.products {
            let comment = "# Products: engineering software families, then numbered tools";
            w.item(Kind::Product, true, (i == 0).then_some(comment));
            w.buf.push_str("product ");
            w.buf.push_str(&self.products[i]);
            if let Some(d) = &self.displays[i] {
                w.buf.push_str(&format!(" \"{d}\""));
            }
            w.buf.push('\n');
            w.flush()?;
        }

        // ---- countries
        for c in &self.countries {
            let comment = "# Entitlement countries";
            let first = std::ptr::eq(c, &self.countries[0]);
            w.item(Kind::Country, false, (first).then_some(comment));
            let mut buf = std::mem::take(&mut w.buf);
            buf.push_str(&format!("country {} \"{}\" {{\n", c.name, c.spec.display));
            if let Some(r) = c.revenue {
                buf.push_str("  revenue ");
                buf.push_str(&format_number(r));
                buf.push('\n');
            }
            if !c.covers.is_empty() {
                buf.push_str("  covers ");
                buf.push_str(&c.covers.join(", "));
                buf.push('\n');
            }
            if let Some(e) = &c.entitled {
                self.list_line(&mut buf, "entitled", e);
            }
            buf.push_str(if c.deny_default {
                "  default deny\n"
            } else {
                "  default allow\n"
            });
            self.list_line(&mut buf, "allow", &c.allow);
            self.list_line(&mut buf, "deny", &c.deny);
            buf.push_str("}\n");
            w.buf = buf;
            w.flush()?;
        }

        // ---- groups
        let mut groups: Vec<GroupPlan> = Vec::with_capacity(cfg.groups);
        let mut team_counts = vec![0u32; self.countries.len() * TEAMS.len()];
        for gi in 0..cfg.groups {
            let mut country = pick_weighted(&mut self.rng, &self.country_weights);
            if gi == 1 {
                // the first include-country group is where it matters: in a default-allow country
                for _ in 0..64 {
                    if !self.countries[country].deny_default {
                        break;
                    }
                    country = pick_weighted(&mut self.rng, &self.country_weights);
                }
                if self.countries[country].deny_default {
                    country = 0;
                }
            }
            let team = self.rng.below(TEAMS.len());
            let count = &mut team_counts[country * TEAMS.len() + team];
            *count += 1;
            let code = self.countries[country].spec.code;
            let name = if *count == 1 {
                format_name(&format!("{code}-{}", TEAMS[team]))
            } else {
                format_name(&format!("{code}-{}-{count}", TEAMS[team]))
            };
            let mut mode = match gi {
                0 => Mode::AllowList,
                1 => Mode::IncludeCountry,
                2 => Mode::Legacy,
                3 => Mode::Unconfigured,
                _ => match self.rng.below(100) {
                    0..50 => Mode::AllowList,
                    50..70 => Mode::IncludeCountry,
                    70..88 => Mode::Legacy,
                    _ => Mode::Unconfigured,
                },
            };
            let pool = &self.countries[country].pool;
            if pool.is_empty() {
                mode = Mode::Unconfigured;
            }
            let comment = "# Entitlement groups";
            w.item(Kind::Group, mode == Mode::Unconfigured, (gi == 0).then_some(comment));
            let mut buf = std::mem::take(&mut w.buf);
            buf.push_str(&format!("group {name} in {}", self.countries[country].name));
            match mode {
                Mode::Unconfigured => buf.push_str(" { }\n"),
                Mode::AllowList | Mode::IncludeCountry => {
                    buf.push_str(" {\n");
                    // 3–30 products, most around a dozen, and never nearly the whole catalogue
                    let k = (3 + self.rng.popular(28)).min((pool.len() * 3 / 4).max(3));
                    let allowed = sample(&mut self.rng, pool, k);
                    self.list_line(&mut buf, "allowed", &allowed);
                    if mode == Mode::IncludeCountry {
                        buf.push_str("  include-country\n");
                    }
                    buf.push_str("}\n");
                }
                Mode::Legacy => {
                    buf.push_str(" {\n");
                    let k = self.rng.range(1, 5);
                    let picked = sample(&mut self.rng, pool, k);
                    let (allow, deny): (Vec<u32>, Vec<u32>) = picked.into_iter().partition(|_| self.rng.percent(65));
                    self.list_line(&mut buf, "exception allow", &allow);
                    self.list_line(&mut buf, "exception deny", &deny);
                    buf.push_str("}\n");
                }
            }
            w.buf = buf;
            w.flush()?;
            self.countries[country].groups.push(gi as u32);
            groups.push(GroupPlan { name, country });
        }

        // ---- users
        for i in 0..cfg.users {
            let comment = "# Users";
            w.item(Kind::User, false, (i == 0).then_some(comment));
            let mut buf = std::mem::take(&mut w.buf);
            self.user(&mut buf, i, &groups);
            w.buf = buf;
            w.flush()?;
        }

        // ---- keys
        let width = keys.to_string().len().max(4);
        for ki in 0..keys {
            let (country, member) = self.key(ki, &groups);
            let comment = "# SELECTserver activation keys";
            w.item(Kind::Key, member.is_empty(), (ki == 0).then_some(comment));
            w.buf.push_str(&format!("key SS-{:0width$}", ki + 1));
            if let Some(c) = country {
                w.buf.push_str(" in ");
                w.buf.push_str(&self.countries[c].name);
            }
            if member.is_empty() {
                w.buf.push_str(" { }\n");
            } else {
                w.buf.push_str(" {\n  groups ");
                for (j, &g) in member.iter().enumerate() {
                    if j > 0 {
                        w.buf.push_str(", ");
                    }
                    w.buf.push_str(&groups[g as usize].name);
                }
                w.buf.push_str("\n}\n");
            }
            w.flush()?;
        }
        Ok(())
    }

    /// One activation key: its `in` country and its groups. The first four show one shape
    /// each: mapped to groups, `in` a country without groups, not mapped yet (no country, so
    /// every product is denied by `no-entitlement-country`), and `in` a country with a group
    /// of that country; later ones mix them.
    fn key(&mut self, ki: usize, groups: &[GroupPlan]) -> (Option<usize>, Vec<u32>) {
        let rng = &mut self.rng;
        let shape = match ki {
            0..=3 => ki,
            _ => match rng.below(100) {
                0..45 => 0,
                45..60 => 1,
                60..65 => 2,
                _ => 3,
            },
        };
        let mut member = vec![];
        let mut country = None;
        match shape {
            // groups of one country (the key takes its country from them)
            0 if !groups.is_empty() => {
                let g = rng.below(groups.len());
                member.push(g as u32);
                let same = &self.countries[groups[g].country].groups;
                if same.len() > 1 && rng.percent(20) {
                    let h = *rng.pick(same);
                    if h as usize != g {
                        member.push(h);
                    }
                }
            }
            0 | 2 => {}
            // `in` a country, and sometimes a group of that country
            _ => {
                let c = if shape == 3 && !groups.is_empty() {
                    groups[rng.below(groups.len())].country
                } else {
                    pick_weighted(rng, &self.country_weights)
                };
                country = Some(c);
                let own = &self.countries[c].groups;
                if shape == 3 && !own.is_empty() {
                    member.push(*rng.pick(own));
                }
            }
        }
        (country, member)
    }

    /// One user block. The first eleven users each show one rarer case.
    fn user(&mut self, buf: &mut String, i: usize, groups: &[GroupPlan]) {
        use std::fmt::Write as _;
        let rng = &mut self.rng;
        let first = *rng.pick(FIRST);
        let last = *rng.pick(LAST);
        let status = match i {
            2 => Status::Pending,
            3 => Status::Invited,
            4 => Status::Registered,
            8 => Status::Locked,
            0..=10 => Status::Active,
            _ => match rng.below(1000) {
                0..40 => Status::Pending,
                40..70 => Status::Invited,
                70..90 => Status::Registered,
                90..105 => Status::Locked,
                _ => Status::Active,
            },
        };
        let (primary_domain, partner) = (ACCOUNTS[self.account].1, self.partner);
        let domain = match status {
            Status::Registered => primary_domain,
            Status::Pending => match self.acquired {
                Some(a) if rng.percent(30) => a,
                _ => partner,
            },
            _ => match (rng.below(100), self.acquired) {
                (0..85, _) => primary_domain,
                (85..95, _) | (_, None) => partner,
                (_, Some(a)) => a,
            },
        };

        // Where the user works: mostly where a random group is, so users follow groups.
        let mut first_group = None;
        let home = if i == 6 {
            self.countries
                .iter()
                .position(|c| !c.covers.is_empty())
                .expect("one country covers")
        } else if !groups.is_empty() && rng.percent(85) {
            let g = rng.below(groups.len());
            first_group = Some(g as u32);
            groups[g].country
        } else {
            pick_weighted(rng, &self.country_weights)
        };
        let c = &self.countries[home];
        let r = rng.below(1000);
        let unknown = i == 5 || (i > 10 && r < 10);
        // (r2) The Entitlement Country attribute: on a user whose profile names another
        // country (moved, or seconded), on some whose profile matches nothing (an
        // administrator fixed them; the others fall back to the highest-revenue country), and
        // now and then on one whose profile already gives that country.
        let attribute = rng.below(1000);
        let moved = i == 9 || (i > 10 && !unknown && attribute < 30);
        let has_attribute = moved || i == 10 || (i > 10 && (attribute < 50 || (unknown && attribute < 300)));
        let code = if unknown {
            *rng.pick(UNCOVERED)
        } else if moved {
            let mut other = pick_weighted(rng, &self.country_weights);
            for _ in 0..8 {
                if other != home {
                    break;
                }
                other = pick_weighted(rng, &self.country_weights);
            }
            if other == home {
                other = (home + 1) % self.countries.len();
            }
            self.countries[other].spec.code
        } else if !c.covers.is_empty() && (i == 6 || (i > 10 && r < 120)) {
            *rng.pick(&c.covers)
        } else {
            c.spec.code
        };

        let mut member: Vec<u32> = vec![];
        if !groups.is_empty() {
            let n = match rng.below(100) {
                0..62 => 1,
                62..92 => 2,
                _ => 3,
            };
            for _ in 0..n {
                let g = match first_group.take() {
                    Some(g) => g,
                    None if c.groups.is_empty() || rng.percent(5) => rng.below(groups.len()) as u32,
                    None => *rng.pick(&c.groups),
                };
                if !member.contains(&g) {
                    member.push(g);
                }
            }
        }

        let roles = match i {
            0 => Some("account-admin, fulfillment-contact"),
            1 => Some("co-admin"),
            _ => match rng.below(10_000) {
                0..20 => Some("co-admin"),
                20..30 => Some("fulfillment-contact"),
                30..35 => Some("account-admin"),
                35..38 => Some("co-admin, fulfillment-contact"),
                _ => None,
            },
        };

        let exceptions = if !unknown && (i == 7 || (i > 7 && rng.below(1000) < 50)) {
            let k = rng.range(1, 3);
            sample(rng, &c.pool, k)
        } else {
            vec![]
        };
        let (allow, deny): (Vec<u32>, Vec<u32>) = exceptions.into_iter().partition(|_| rng.percent(50));
        let display = rng.percent(88);

        let lower = |s: &str| s.to_ascii_lowercase();
        let _ = write!(buf, "user {}.{}.{}@{}", lower(first), lower(last), i + 1, domain);
        if display {
            let _ = write!(buf, " \"{first} {}\"", last.replace('-', " "));
        }
        buf.push_str(" {\n  country ");
        buf.push_str(code);
        buf.push('\n');
        if has_attribute {
            buf.push_str("  entitlement-country ");
            buf.push_str(&c.name);
            buf.push('\n');
        }
        if !member.is_empty() {
            buf.push_str("  groups ");
            for (j, &g) in member.iter().enumerate() {
                if j > 0 {
                    buf.push_str(", ");
                }
                buf.push_str(&groups[g as usize].name);
            }
            buf.push('\n');
        }
        if let Some(r) = roles {
            buf.push_str("  roles ");
            buf.push_str(r);
            buf.push('\n');
        }
        match status {
            Status::Active => {}
            Status::Pending => buf.push_str("  status pending\n"),
            Status::Invited => buf.push_str("  status invited\n"),
            Status::Registered => buf.push_str("  status registered\n"),
            Status::Locked => buf.push_str("  status locked\n"),
        }
        self.list_line(buf, "allow", &allow);
        self.list_line(buf, "deny", &deny);
        buf.push_str("}\n");
    }
}

// ---------------------------------------------------------------- output

/// Kinds of top-level item, for the canonical blank lines between them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Account,
    Product,
    Country,
    Group,
    User,
    Key,
}

/// Writes items in `entitle fmt`'s canonical layout: one blank line between items, except
/// between consecutive one-line items of the same kind.
pub(super) struct Emitter<'a, W: Write> {
    pub(super) out: &'a mut W,
    pub(super) prev: Option<(Kind, bool)>,
    pub(super) buf: String,
}

impl<W: Write> Emitter<'_, W> {
    /// Start an item: the separating blank line, then its leading comments.
    pub(super) fn item(&mut self, kind: Kind, one_line: bool, comment: Option<&str>) {
        if let Some((k, one)) = self.prev {
            if !(one && one_line && k == kind) {
                self.buf.push('\n');
            }
        }
        if let Some(c) = comment {
            self.buf.push_str(c);
            self.buf.push('\n');
        }
        self.prev = Some((kind, one_line));
    }

    pub(super) fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(self.buf.as_bytes())?;
        self.buf.clear();
        Ok(())
    }
}
