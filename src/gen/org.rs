//! The plan of an organisation: its account, catalogue and countries (groups, users and keys
//! are decided while writing, so that they stream).

use super::names::*;
use super::rng::{cumulative, sample, Rng};
use super::GenConfig;
use crate::fmt::format_name;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Mode {
    AllowList,
    IncludeCountry,
    Legacy,
    Unconfigured,
}

pub(super) struct CountryPlan {
    pub(super) spec: &'static CountrySpec,
    pub(super) name: String,
    pub(super) covers: Vec<&'static str>,
    /// `None`: no `entitled` list (every product).
    pub(super) entitled: Option<Vec<u32>>,
    /// Products entitled here, whichever way.
    pub(super) pool: Vec<u32>,
    /// (r2) Annual recurring revenue, when the country declares one.
    pub(super) revenue: Option<u64>,
    pub(super) deny_default: bool,
    pub(super) allow: Vec<u32>,
    pub(super) deny: Vec<u32>,
    /// Groups of this country.
    pub(super) groups: Vec<u32>,
}

pub(super) struct GroupPlan {
    pub(super) name: String,
    pub(super) country: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Status {
    Active,
    Pending,
    Invited,
    Registered,
    Locked,
}

pub(super) struct Org {
    pub(super) cfg: GenConfig,
    pub(super) rng: Rng,
    pub(super) account: usize,
    pub(super) partner: &'static str,
    pub(super) acquired: Option<&'static str>,
    pub(super) products: Vec<String>,
    pub(super) displays: Vec<Option<String>>,
    /// (r2) The account's `global` products (entitled in every country).
    pub(super) global: Vec<u32>,
    pub(super) countries: Vec<CountryPlan>,
    pub(super) country_weights: Vec<u32>,
}

impl Org {
    /// Plan the account, the catalogue and the countries (groups and users come while writing).
    pub(super) fn plan(cfg: &GenConfig) -> Org {
        let mut rng = Rng::new(cfg.seed);
        let account = rng.below(ACCOUNTS.len());
        let partner = *rng.pick(PARTNER_DOMAINS);
        let acquired = rng.percent(50).then(|| *rng.pick(ACQUIRED_DOMAINS));

        let width = cfg.products.to_string().len().max(4);
        let mut products = Vec::with_capacity(cfg.products);
        let mut displays = Vec::with_capacity(cfg.products);
        for i in 0..cfg.products {
            match FAMILIES.get(i) {
                Some((name, display)) => {
                    products.push(format_name(name));
                    displays.push(display.map(str::to_string));
                }
                None => {
                    products.push(format!("Tool-{:0width$}", i + 1));
                    displays.push((i % 8 == 3).then(|| format!("Engineering Tool {}", i + 1)));
                }
            }
        }

        // (r2) A few popular products entitled in every country ("Global" entitlements), never
        // the first product (which every `entitled` list names).
        let global = if cfg.products >= 2 {
            let popular: Vec<u32> = (1..cfg.products.min(12) as u32).collect();
            let k = rng.range(1, 3);
            sample(&mut rng, &popular, k)
        } else {
            vec![]
        };

        // Roughly 8 countries for a tiny organisation, 20 for a million users.
        let size = (cfg.users as u64).saturating_add((cfg.groups as u64).saturating_mul(50));
        let n = (8 + 2 * size.saturating_add(1).ilog10() as usize).min(COUNTRIES.len());
        let specs = &COUNTRIES[..n];

        // Flags first, fixed up so that every organisation shows the mix.
        let mut deny_default: Vec<bool> = (0..n).map(|i| i > 0 && rng.percent(30)).collect();
        if n >= 2 && !deny_default.contains(&true) {
            deny_default[n - 1] = true;
        }
        let mut covering: Vec<bool> = specs.iter().map(|s| !s.pool.is_empty() && rng.percent(45)).collect();
        if !covering.contains(&true) {
            covering[0] = true;
        }

        let all: Vec<u32> = (0..cfg.products as u32).collect();
        let mut countries = Vec::with_capacity(n);
        for (i, s) in specs.iter().enumerate() {
            let covers = if covering[i] {
                let k = rng.range(1, s.pool.len());
                let mut idx: Vec<usize> = (0..s.pool.len()).collect();
                for j in 0..k {
                    let r = j + rng.below(idx.len() - j);
                    idx.swap(j, r);
                }
                let mut idx = idx[..k].to_vec();
                idx.sort_unstable();
                idx.into_iter().map(|j| s.pool[j]).collect()
            } else {
                vec![]
            };
            let entitled = rng.percent(78).then(|| {
                let keep = 750 + rng.below(200);
                // global products are entitled anyway: a list naming one draws a lint warning
                all.iter()
                    .copied()
                    .filter(|&p| p == 0 || (!global.contains(&p) && rng.below(1000) < keep))
                    .collect::<Vec<u32>>()
            });
            let pool = match &entitled {
                Some(e) => {
                    let mut pool: Vec<u32> = e.iter().chain(&global).copied().collect();
                    pool.sort_unstable();
                    pool
                }
                None => all.clone(),
            };
            // (r2) most contracts state their revenue, roughly in proportion to the office
            let revenue = (i == 0 || rng.percent(80)).then(|| {
                if i > 0 && rng.percent(4) {
                    0 // a dormant contract
                } else {
                    u64::from(s.weight) * rng.range(60, 140) as u64 * 10_000
                }
            });
            let (allow, deny) = if deny_default[i] {
                {
                    let k = rng.range(1, 4);
                    (sample(&mut rng, &pool, k), vec![])
                }
            } else {
                let deny_k = if rng.percent(60) { rng.range(1, 3) } else { 0 };
                let allow_k = usize::from(rng.percent(25));
                let picked = sample(&mut rng, &pool, deny_k + allow_k);
                let mut allow = vec![];
                let mut deny = vec![];
                let mut left = allow_k;
                for p in picked {
                    // spread the explicit allow over the picked products
                    if left > 0 && rng.percent(50) {
                        allow.push(p);
                        left -= 1;
                    } else {
                        deny.push(p);
                    }
                }
                (allow, deny)
            };
            countries.push(CountryPlan {
                spec: s,
                name: format_name(s.code),
                covers,
                entitled,
                pool,
                revenue,
                deny_default: deny_default[i],
                allow,
                deny,
                groups: vec![],
            });
        }
        fix_revenues(&mut rng, &mut countries);
        let country_weights = cumulative(specs.iter().map(|s| s.weight));
        Org {
            cfg: *cfg,
            rng,
            account,
            partner,
            acquired,
            products,
            displays,
            global,
            countries,
            country_weights,
        }
    }

    pub(super) fn list(&self, buf: &mut String, ids: &[u32]) {
        for (i, &p) in ids.iter().enumerate() {
            if i > 0 {
                buf.push_str(", ");
            }
            buf.push_str(&self.products[p as usize]);
        }
    }

    /// `KEYWORD a, b` on its own indented line (nothing for an empty list).
    pub(super) fn list_line(&self, buf: &mut String, keyword: &str, ids: &[u32]) {
        if ids.is_empty() {
            return;
        }
        buf.push_str("  ");
        buf.push_str(keyword);
        buf.push(' ');
        self.list(buf, ids);
        buf.push('\n');
    }
}

/// Sometimes two countries below the top share a revenue (that is fine); the top is made
/// unique, since a tie for the highest revenue is an error (the fallback would be ambiguous).
fn fix_revenues(rng: &mut Rng, countries: &mut [CountryPlan]) {
    let with: Vec<usize> = (0..countries.len())
        .filter(|&i| countries[i].revenue.is_some())
        .collect();
    if with.len() >= 3 && rng.percent(30) {
        let a = with[rng.below(with.len())];
        let b = with[rng.below(with.len())];
        countries[b].revenue = countries[a].revenue;
    }
    let top = countries.iter().filter_map(|c| c.revenue).max();
    if let Some(top) = top {
        let first = countries
            .iter()
            .position(|c| c.revenue == Some(top))
            .expect("the top exists");
        if countries.iter().filter(|c| c.revenue == Some(top)).count() > 1 {
            countries[first].revenue = Some(top + 10_000);
        }
    }
}
