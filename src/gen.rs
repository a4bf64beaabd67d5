//! Synthetic organisations for scale tests (`entitle gen --users N --products M --groups K
//! --seed S`).
//!
//! [`generate`] streams a valid, realistic policy to a writer: only the catalogue (products,
//! countries, group names) is kept in memory, users are written one at a time, so a million
//! users cost no more memory than ten. The same [`GenConfig`] always gives byte-identical
//! output (a SplitMix64 generator seeded from `seed`; no floating point, no hash-map order).
//! The output is already in `entitle fmt`'s canonical style, so `fmt --check` accepts it.
//!
//! What a generated organisation looks like (the realism choices):
//! - **Account**: a firm name, 2–3 email domains (the firm's own, `auto-approve`; a contractor
//!   domain; sometimes an acquired firm's), and license alerts for 2–4 popular products.
//! - **Products**: real engineering software families first (`MicroStation`, `OpenRoads
//!   "OpenRoads Designer"`, `ProjectWise`, `STAAD.Pro`, …), some with display names, then
//!   `Tool-0042`-style numbered products (every eighth with a display name) up to `products`.
//!   Lists prefer the front of the catalogue, so popular products appear in more lists.
//! - **Countries**: 8 at small sizes up to 20 for a million-user organisation, each an ISO code
//!   with its display name (`US "United States"`), weighted like a real firm (the US office is
//!   the largest). About half cover neighbouring profile codes (`DE` covers `AT, CH, LI`);
//!   covered codes are never declared countries and never covered twice. Most countries carry
//!   an `entitled` list of 75–95% of the catalogue (the first product always), the rest
//!   entitle everything. Every country writes its `default`: the first is `allow`, about a
//!   third of the others `deny` (at least one when there are two countries or more). A deny
//!   country opens 1–4 products with `allow`; allow countries often `deny` 1–3 products and
//!   sometimes `allow` one explicitly. A product never gets both verdicts in one country.
//! - **Groups** (`US-Civil`, `DE-Structural-2`, …) are spread over countries with the same
//!   weights: about half are strict Allowed Applications lists (3–30 products, most around a
//!   dozen, never more than three quarters of what the country entitles), a fifth add
//!   `include-country`, a fifth are legacy groups with 1–5 `exception` lines (never both
//!   verdicts for one product) and the rest are unconfigured. The first four groups take one
//!   mode each, so even ten groups show every mode (the first `include-country` group sits in
//!   a default-allow country, where the switch matters). Lists and exceptions only name
//!   products entitled in the group's country.
//! - **Users** `first.last.N@domain` (unique by `N`), most with a display name. A user works
//!   where a random group is (so users follow groups), with 1–3 groups, mostly of that country
//!   and about 5% of the time a group of another country. Profile codes: mostly the country's
//!   code, about 11% a code the country covers, about 1% a code no country covers (no
//!   entitlement country). About 9% are not active: `pending` users come from a domain without
//!   auto-approval, `registered` ones from the auto-approve domain, `invited` from any. About
//!   5% have user exceptions (1–3 entitled products, never both verdicts for one product). A
//!   few hold roles; the first user is always an active account-admin and fulfillment contact,
//!   the second a co-admin. The first eight users each show one of the rarer cases (each
//!   non-active status, an uncovered code, a covered code, exceptions), so small
//!   organisations show them too.
//! - **Keys** `SS-0001` …: `users / 1000 + 1` SELECTserver activation keys, each with one or
//!   two groups of one country (no groups when there are none).

use crate::fmt::format_name;
use std::io::{self, Write};

/// The size and seed of a synthetic organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GenConfig {
    pub users: usize,
    pub products: usize,
    pub groups: usize,
    pub seed: u64,
}

impl Default for GenConfig {
    fn default() -> GenConfig {
        GenConfig {
            users: 1000,
            products: 64,
            groups: 50,
            seed: 1,
        }
    }
}

/// Stream a synthetic policy for `cfg` to `out` (which the caller should buffer).
pub fn generate(cfg: &GenConfig, out: &mut impl Write) -> io::Result<()> {
    let org = Org::plan(cfg);
    let mut w = Emitter {
        out,
        prev: None,
        buf: String::with_capacity(4096),
    };
    org.write(&mut w)
}

/// [`generate`] into a string.
pub fn generate_string(cfg: &GenConfig) -> String {
    let mut bytes = Vec::new();
    generate(cfg, &mut bytes).expect("writing to a Vec cannot fail");
    String::from_utf8(bytes).expect("the generator writes ASCII")
}

// ---------------------------------------------------------------- randomness

/// SplitMix64: tiny, fast, and good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6A09_E667_F3BC_C908)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `percent`/100.
    fn percent(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    /// In `0..n`, biased towards 0 (the minimum of two uniform draws).
    fn popular(&mut self, n: usize) -> usize {
        self.below(n).min(self.below(n))
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// `k` distinct entries of `pool` (fewer if it is shorter), favouring its front, in pool order.
fn sample(rng: &mut Rng, pool: &[u32], k: usize) -> Vec<u32> {
    let k = k.min(pool.len());
    let mut picked: Vec<usize> = Vec::with_capacity(k);
    while picked.len() < k {
        let mut i = rng.popular(pool.len());
        let mut tries = 0;
        while picked.contains(&i) {
            tries += 1;
            i = if tries < 32 {
                rng.popular(pool.len())
            } else {
                (0..pool.len()).find(|j| !picked.contains(j)).expect("k <= pool")
            };
        }
        picked.push(i);
    }
    picked.sort_unstable();
    picked.into_iter().map(|i| pool[i]).collect()
}

/// Cumulative weights, for [`pick_weighted`].
fn cumulative(weights: impl Iterator<Item = u32>) -> Vec<u32> {
    weights
        .scan(0u32, |acc, w| {
            *acc += w;
            Some(*acc)
        })
        .collect()
}

fn pick_weighted(rng: &mut Rng, cum: &[u32]) -> usize {
    let total = *cum.last().expect("at least one weight") as usize;
    let r = rng.below(total) as u32;
    cum.partition_point(|&c| c <= r)
}

// ---------------------------------------------------------------- realistic names

const ACCOUNTS: &[(&str, &str)] = &[
    ("Northwind Civil", "northwind-civil.com"),
    ("Harbor Design Group", "harbor-design.com"),
    ("Summit Infrastructure", "summit-infra.com"),
    ("Meridian Engineering", "meridian-eng.com"),
    ("Bluewater Consulting", "bluewater-consulting.com"),
    ("Ironbridge Partners", "ironbridge.com"),
    ("Cedar Transport Planning", "cedar-tp.com"),
    ("Alpine Geotechnics", "alpine-geo.com"),
];
const PARTNER_DOMAINS: &[&str] = &[
    "contractors.example",
    "cad-partners.io",
    "survey-contract.net",
    "design-temps.com",
];
const ACQUIRED_DOMAINS: &[&str] = &[
    "keystone-survey.com",
    "riverside-hydro.com",
    "atlas-structures.com",
    "prairie-rail.com",
];

/// Engineering software families, the most widely used first, with optional display names.
const FAMILIES: &[(&str, Option<&str>)] = &[
    ("MicroStation", None),
    ("OpenRoads", Some("OpenRoads Designer")),
    ("ProjectWise", None),
    ("LumenRT", None),
    ("STAAD.Pro", None),
    ("OpenBridge", Some("OpenBridge Modeler")),
    ("OpenRail", Some("OpenRail Designer")),
    ("OpenBuildings", Some("OpenBuildings Designer")),
    ("SYNCHRO", Some("SYNCHRO 4D")),
    ("ContextCapture", None),
    ("OpenPlant", Some("OpenPlant Modeler")),
    ("OpenFlows", None),
    ("WaterGEMS", None),
    ("SewerGEMS", None),
    ("PLAXIS", Some("PLAXIS 3D")),
    ("RAM-Structural", Some("RAM Structural System")),
    ("AutoPIPE", None),
    ("OpenGround", None),
    ("Orbit", Some("Orbit 3DM")),
    ("OpenUtilities", None),
    ("OpenTunnel", Some("OpenTunnel Designer")),
    ("OpenSite", Some("OpenSite Designer")),
    ("SACS", None),
    ("HAMMER", None),
    ("StormCAD", None),
    ("CivilStorm", None),
    ("gINT", None),
    ("Descartes", None),
    ("Navigator", None),
    ("PowerLine", None),
    ("Promis.e", None),
    ("LEGION", None),
    ("CUBE", Some("CUBE Voyager")),
    ("AssetWise", None),
    ("Raceway", Some("Raceway and Cable Management")),
    ("iTwin-Capture", None),
];

struct CountrySpec {
    code: &'static str,
    display: &'static str,
    weight: u32,
    /// Profile codes this country may cover (no code appears twice, none is in this table).
    pool: &'static [&'static str],
}

const fn spec(code: &'static str, display: &'static str, weight: u32, pool: &'static [&'static str]) -> CountrySpec {
    CountrySpec {
        code,
        display,
        weight,
        pool,
    }
}

/// Countries in the order they are declared (the first `n` are used).
const COUNTRIES: &[CountrySpec] = &[
    spec("US", "United States", 30, &["PR", "GU", "VI", "AS"]),
    spec("DE", "Germany", 12, &["AT", "CH", "LI"]),
    spec("GB", "United Kingdom", 12, &["IE", "IM", "JE", "GG"]),
    spec("IN", "India", 10, &["LK", "NP", "BD"]),
    spec("FR", "France", 7, &["BE", "LU", "MC"]),
    spec("AU", "Australia", 7, &["NZ", "FJ", "PG"]),
    spec("CA", "Canada", 6, &["PM"]),
    spec("CN", "China", 6, &["HK", "MO"]),
    spec("JP", "Japan", 5, &[]),
    spec("BR", "Brazil", 4, &["AR", "CL", "UY", "PY"]),
    spec("NL", "Netherlands", 4, &["SR", "AW", "CW"]),
    spec("SE", "Sweden", 4, &["NO", "DK", "FI", "IS"]),
    spec("SG", "Singapore", 4, &["MY", "ID", "TH", "PH", "VN"]),
    spec("AE", "United Arab Emirates", 4, &["SA", "QA", "KW", "BH", "OM"]),
    spec("IT", "Italy", 3, &["SM", "VA", "MT"]),
    spec("ES", "Spain", 3, &["PT", "AD"]),
    spec("ZA", "South Africa", 3, &["NA", "BW", "ZW", "KE", "NG"]),
    spec("MX", "Mexico", 3, &["GT", "CR", "PA", "CO"]),
    spec("KR", "South Korea", 2, &[]),
    spec("PL", "Poland", 2, &["CZ", "SK", "HU", "RO"]),
];

/// Profile codes no generated country declares or covers.
const UNCOVERED: &[&str] = &["EG", "TR", "IL", "PK", "KZ", "UA", "GR", "MA"];

const TEAMS: &[&str] = &[
    "Civil",
    "Structural",
    "Geotechnical",
    "Hydraulics",
    "Plant-Design",
    "Rail",
    "Bridges",
    "Survey",
    "Visualization",
    "BIM-Coordination",
    "Utilities",
    "Transportation",
    "Water",
    "Digital-Twin",
    "Construction",
    "Mining",
    "Drafting",
    "Project-Controls",
    "Contractors",
    "Reality-Modeling",
    "Energy",
    "Tunnels",
    "Site-Development",
    "Interns",
];

const FIRST: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Sandra",
    "Mark",
    "Ashley",
    "Paul",
    "Emily",
    "Steven",
    "Donna",
    "Andrew",
    "Michelle",
    "Joshua",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "Priya",
    "Arjun",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Lukas",
    "Anna",
    "Sophie",
    "Felix",
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
    "Chloe",
    "Lucas",
    "Camille",
    "Mateo",
    "Isabella",
    "Aisha",
    "Omar",
    "Fatima",
    "Sven",
    "Ingrid",
];

const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Mueller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Dubois",
    "Laurent",
    "Rossi",
    "Bianchi",
    "Silva",
    "Santos",
    "Patel",
    "Sharma",
    "Singh",
    "Kumar",
    "Wang",
    "Li",
    "Zhang",
    "Chen",
    "Tanaka",
    "Suzuki",
    "Sato",
    "Kim",
    "Park",
    "Nowak",
    "Kowalski",
    "Johansson",
    "Andersson",
    "Jansen",
    "De-Vries",
];

// ---------------------------------------------------------------- the plan

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    AllowList,
    IncludeCountry,
    Legacy,
    Unconfigured,
}

struct CountryPlan {
    spec: &'static CountrySpec,
    name: String,
    covers: Vec<&'static str>,
    /// `None`: no `entitled` list (every product).
    entitled: Option<Vec<u32>>,
    /// Products entitled here, whichever way.
    pool: Vec<u32>,
    deny_default: bool,
    allow: Vec<u32>,
    deny: Vec<u32>,
    /// Groups of this country.
    groups: Vec<u32>,
}

struct GroupPlan {
    name: String,
    country: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    Active,
    Pending,
    Invited,
    Registered,
}

struct Org {
    cfg: GenConfig,
    rng: Rng,
    account: usize,
    partner: &'static str,
    acquired: Option<&'static str>,
    products: Vec<String>,
    displays: Vec<Option<String>>,
    countries: Vec<CountryPlan>,
    country_weights: Vec<u32>,
}

impl Org {
    /// Plan the account, the catalogue and the countries (groups and users come while writing).
    fn plan(cfg: &GenConfig) -> Org {
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
                all.iter()
                    .copied()
                    .filter(|&p| p == 0 || rng.below(1000) < keep)
                    .collect::<Vec<u32>>()
            });
            let pool = entitled.clone().unwrap_or_else(|| all.clone());
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
                deny_default: deny_default[i],
                allow,
                deny,
                groups: vec![],
            });
        }
        let country_weights = cumulative(specs.iter().map(|s| s.weight));
        Org {
            cfg: *cfg,
            rng,
            account,
            partner,
            acquired,
            products,
            displays,
            countries,
            country_weights,
        }
    }

    fn list(&self, buf: &mut String, ids: &[u32]) {
        for (i, &p) in ids.iter().enumerate() {
            if i > 0 {
                buf.push_str(", ");
            }
            buf.push_str(&self.products[p as usize]);
        }
    }

    /// `KEYWORD a, b` on its own indented line (nothing for an empty list).
    fn list_line(&self, buf: &mut String, keyword: &str, ids: &[u32]) {
        if ids.is_empty() {
            return;
        }
        buf.push_str("  ");
        buf.push_str(keyword);
        buf.push(' ');
        self.list(buf, ids);
        buf.push('\n');
    }

    fn write<W: Write>(mut self, w: &mut Emitter<'_, W>) -> io::Result<()> {
        let cfg = self.cfg;
        let keys = cfg.users / 1000 + 1;
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
            let mut member = vec![];
            if !groups.is_empty() {
                let g = self.rng.below(groups.len());
                member.push(g as u32);
                let same = &self.countries[groups[g].country].groups;
                if same.len() > 1 && self.rng.percent(35) {
                    let h = *self.rng.pick(same);
                    if h as usize != g {
                        member.push(h);
                    }
                }
            }
            let comment = "# SELECTserver activation keys";
            w.item(Kind::Key, member.is_empty(), (ki == 0).then_some(comment));
            w.buf.push_str(&format!("key SS-{:0width$}", ki + 1));
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

    /// One user block. The first eight users each show one rarer case.
    fn user(&mut self, buf: &mut String, i: usize, groups: &[GroupPlan]) {
        use std::fmt::Write as _;
        let rng = &mut self.rng;
        let first = *rng.pick(FIRST);
        let last = *rng.pick(LAST);
        let status = match i {
            0 | 1 | 5..=7 => Status::Active,
            2 => Status::Pending,
            3 => Status::Invited,
            4 => Status::Registered,
            _ => match rng.below(1000) {
                0..40 => Status::Pending,
                40..70 => Status::Invited,
                70..90 => Status::Registered,
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
        let unknown = i == 5 || (i > 7 && r < 10);
        let code = if unknown {
            *rng.pick(UNCOVERED)
        } else if !c.covers.is_empty() && (i == 6 || (i > 7 && r < 120)) {
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
        }
        self.list_line(buf, "allow", &allow);
        self.list_line(buf, "deny", &deny);
        buf.push_str("}\n");
    }
}

// ---------------------------------------------------------------- output

/// Kinds of top-level item, for the canonical blank lines between them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Account,
    Product,
    Country,
    Group,
    User,
    Key,
}

/// Writes items in `entitle fmt`'s canonical layout: one blank line between items, except
/// between consecutive one-line items of the same kind.
struct Emitter<'a, W: Write> {
    out: &'a mut W,
    prev: Option<(Kind, bool)>,
    buf: String,
}

impl<W: Write> Emitter<'_, W> {
    /// Start an item: the separating blank line, then its leading comments.
    fn item(&mut self, kind: Kind, one_line: bool, comment: Option<&str>) {
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

    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(self.buf.as_bytes())?;
        self.buf.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{decide, Rule};
    use crate::model::{GroupMode, Status as ModelStatus};
    use crate::Policy;
    use std::collections::BTreeSet;

    fn cfg(users: usize, products: usize, groups: usize, seed: u64) -> GenConfig {
        GenConfig {
            users,
            products,
            groups,
            seed,
        }
    }

    fn load(c: &GenConfig) -> (String, Policy) {
        let text = generate_string(c);
        match Policy::parse("gen.ent", &text) {
            Ok(p) => (text, p),
            Err(e) => panic!("{c:?} does not load:\n{}\n--- policy ---\n{text}", e.render(false)),
        }
    }

    #[test]
    fn gen_is_deterministic() {
        let c = cfg(300, 40, 12, 42);
        let a = generate_string(&c);
        assert_eq!(a, generate_string(&c));
        let mut streamed = Vec::new();
        generate(&c, &mut streamed).unwrap();
        assert_eq!(a.as_bytes(), &streamed[..]);
        assert_ne!(a, generate_string(&cfg(300, 40, 12, 43)));
        assert_ne!(generate_string(&cfg(5, 3, 1, 0)), generate_string(&cfg(5, 3, 1, 1)));
    }

    #[test]
    fn gen_grid_is_valid() {
        for users in [0, 1, 50, 500] {
            for products in [1, 5, 64, 300] {
                for groups in [0, 1, 10] {
                    let c = cfg(
                        users,
                        products,
                        groups,
                        users as u64 * 31 + products as u64 + groups as u64,
                    );
                    let (_, p) = load(&c);
                    let m = &p.model;
                    assert_eq!(m.users.len(), users, "{c:?}");
                    assert_eq!(m.products.len(), products, "{c:?}");
                    assert_eq!(m.groups.len(), groups, "{c:?}");
                    assert_eq!(m.keys.len(), users / 1000 + 1, "{c:?}");
                    assert!((8..=20).contains(&m.countries.len()), "{c:?}");
                    for k in &m.keys {
                        assert_eq!(k.groups.is_empty(), groups == 0, "{c:?}");
                    }
                    for u in &m.users {
                        if groups > 0 {
                            assert!((1..=3).contains(&u.groups.len()), "{c:?}");
                        } else {
                            assert!(u.groups.is_empty());
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn gen_degenerate_sizes_do_not_panic() {
        for c in [
            cfg(0, 0, 0, 0),
            cfg(3, 0, 5, 9),
            cfg(1, 1, 0, u64::MAX),
            cfg(9, 2, 2, 5),
        ] {
            load(&c);
        }
    }

    #[test]
    fn gen_output_is_canonical() {
        for c in [cfg(0, 1, 0, 1), cfg(120, 50, 15, 2), cfg(10, 5, 10, 3)] {
            let (text, p) = load(&c);
            assert_eq!(crate::fmt::format_document(&p.document), text, "{c:?}");
        }
    }

    #[test]
    fn gen_mid_size_has_the_mix() {
        let (_, p) = load(&cfg(2000, 64, 40, 7));
        let m = &p.model;
        for mode in [GroupMode::AllowList, GroupMode::Legacy, GroupMode::Unconfigured] {
            assert!(m.groups.iter().any(|g| g.mode() == mode), "no {mode:?} group");
        }
        assert!(m
            .groups
            .iter()
            .any(|g| g.mode() == GroupMode::AllowList && g.include_country.is_some()));
        assert!(m
            .groups
            .iter()
            .any(|g| g.mode() == GroupMode::AllowList && g.include_country.is_none()));
        assert!(m.groups.iter().any(|g| !g.exceptions.is_empty()));
        let with_exceptions = m.users.iter().filter(|u| !u.exceptions.is_empty()).count();
        assert!(with_exceptions > 20, "{with_exceptions} users with exceptions");
        for s in [ModelStatus::Pending, ModelStatus::Invited, ModelStatus::Registered] {
            assert!(m.users.iter().any(|u| u.status == s), "no {s:?} user");
        }
        assert!(m.users.iter().filter(|u| u.status == ModelStatus::Active).count() > 1700);
        assert!(m.users.iter().any(|u| u.country.is_none()), "no user without a country");
        assert!(!m.keys.is_empty() && m.keys.iter().all(|k| k.country.is_some()));
        let covered = m.users.iter().any(|u| {
            u.country.is_some_and(|c| {
                let c = m.country(c);
                !c.name.eq_ignore_ascii_case(&u.profile.0) && c.covers.iter().any(|(code, _)| code == &u.profile.0)
            })
        });
        assert!(covered, "no user with a covered profile code");
        assert!(m.countries.iter().any(|c| !c.covers.is_empty()));
        assert!(m.countries.iter().any(|c| c.entitled.is_some()));
        assert!(m.countries.iter().any(|c| c.default == crate::Access::Deny));
        assert!(m.countries.iter().any(|c| c.default == crate::Access::Allow));
        assert!(m.countries.iter().any(|c| !c.overrides.is_empty()));
        // users mostly in groups of their own country, a few elsewhere
        let elsewhere = m
            .users
            .iter()
            .filter(|u| {
                u.country
                    .is_some_and(|c| u.groups.iter().any(|(g, _)| m.group(*g).country != c))
            })
            .count();
        assert!(
            elsewhere > 0 && elsewhere < 300,
            "{elsewhere} users in another country's group"
        );
        // roles: an active account-admin who is also the fulfillment contact
        use crate::model::Role;
        assert!(m.users.iter().any(|u| u.status == ModelStatus::Active
            && u.has_role(Role::AccountAdmin)
            && u.has_role(Role::FulfillmentContact)));
        let account = m.account.as_ref().unwrap();
        assert_eq!(account.domains.iter().filter(|d| d.auto_approve).count(), 1);
        assert!((2..=3).contains(&account.domains.len()));
        assert!(!account.alerts.is_empty());
        // emails are unique (the resolver would have reported duplicates) and well formed
        assert!(m
            .users
            .iter()
            .all(|u| u.email.split('@').next().unwrap().split('.').count() == 3));
    }

    #[test]
    fn gen_exercises_every_rule() {
        let c = cfg(400, 24, 12, 2024);
        let (_, p) = load(&c);
        let m = &p.model;
        let mut seen = BTreeSet::new();
        for principal in m.principals() {
            for product in m.product_ids() {
                seen.insert(decide(m, principal, product).rule);
            }
        }
        let missing: Vec<Rule> = Rule::ALL.into_iter().filter(|r| !seen.contains(r)).collect();
        assert!(missing.is_empty(), "rules never deciding: {missing:?}");
    }

    #[test]
    fn gen_streams_twenty_thousand_users() {
        let c = cfg(20_000, 128, 300, 11);
        let mut out = io::BufWriter::new(io::sink());
        generate(&c, &mut out).unwrap();
        out.flush().unwrap();
    }

    /// Counts what passes through.
    struct Counter(u64);
    impl Write for Counter {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0 += b.len() as u64;
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    #[ignore = "scale figures: cargo test --release --lib gen -- --ignored --nocapture"]
    fn gen_million_users_figures() {
        let c = cfg(1_000_000, 256, 2_000, 1);
        let start = std::time::Instant::now();
        let mut out = io::BufWriter::with_capacity(1 << 16, Counter(0));
        generate(&c, &mut out).unwrap();
        out.flush().unwrap();
        let bytes = out.get_ref().0;
        let elapsed = start.elapsed();
        println!(
            "gen {c:?}: {bytes} bytes ({:.1} MiB) in {:.3} s ({:.0} MiB/s)",
            bytes as f64 / (1 << 20) as f64,
            elapsed.as_secs_f64(),
            bytes as f64 / (1 << 20) as f64 / elapsed.as_secs_f64()
        );
    }
}
