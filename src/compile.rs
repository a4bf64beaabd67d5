//! Stage 4: the compiled evaluator — a dense bitset form of a resolved model.
//!
//! Products are bit positions in rows of `u64` words. Each country holds three rows
//! (entitled, country-level allow, has a General Access override); each group two
//! (products it allows, products it denies) plus its Allowed Applications row, used only
//! to tell `group-allowed` from `group-include-country`; each principal its status, its
//! entitlement country, the groups of that country in its own order, and (for users with
//! exceptions) two exception rows. A single decision is a handful of bit tests; a
//! principal's whole row of decisions, with the rule behind each, is a few word operations
//! per 64 products.
//!
//! [`crate::eval`] is the reference semantics: the differential tests (`tests/differential.rs`)
//! check that this module agrees with it on every (principal, product) pair.

use crate::eval::Rule;
use crate::model::*;
use crate::syntax::Access;

/// Number of rules; rule `r` is `Rule::ALL[r]`.
pub const RULES: usize = Rule::ALL.len();

fn rule_index(rule: Rule) -> usize {
    rule as usize
}

/// Which kind of group verdict, for rule attribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    AllowList,
    Legacy,
    Unconfigured,
}

#[derive(Clone, Debug)]
struct CPrincipal {
    active: bool,
    /// The entitlement country, if any.
    country: Option<u32>,
    /// Range into `Compiled::member_groups`: groups in the entitlement country, in order.
    groups: (u32, u32),
    /// Index into the exception rows, when the user has exceptions.
    exceptions: Option<u32>,
}

/// A compiled policy. Build with [`Compiled::new`]; it borrows nothing.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// `u64` words per row of products: `products` divided by 64, rounded up, and at least 1.
    pub words: usize,
    /// Number of products (bit positions used in each row; product `x` is bit `x % 64` of
    /// word `x / 64`).
    pub products: usize,
    /// [country][entitled | country-allow | override][word]
    countries: Vec<u64>,
    /// [group][allow | deny | listed][word]
    groups: Vec<u64>,
    group_kind: Vec<Kind>,
    member_groups: Vec<u32>,
    /// [exception set][allow | deny][word]
    exceptions: Vec<u64>,
    principals: Vec<CPrincipal>,
    users: usize,
}

/// One principal's decisions on every product, as rows of bits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Allowed products.
    pub allow: Vec<u64>,
    /// For each rule (index as in `Rule::ALL`), the products it decided.
    pub rules: [Vec<u64>; RULES],
}

impl Row {
    /// An all-zero row of `words` words (use [`Compiled::words`]), to be filled by
    /// [`Compiled::row`].
    pub fn new(words: usize) -> Row {
        Row {
            allow: vec![0; words],
            rules: std::array::from_fn(|_| vec![0; words]),
        }
    }
    fn clear(&mut self) {
        self.allow.fill(0);
        for r in &mut self.rules {
            r.fill(0);
        }
    }
    /// The decision on product `x`: access and rule.
    pub fn get(&self, x: usize) -> (Access, Rule) {
        let (w, b) = (x / 64, 1u64 << (x % 64));
        let access = if self.allow[w] & b != 0 {
            Access::Allow
        } else {
            Access::Deny
        };
        let rule = (0..RULES)
            .find(|&r| self.rules[r][w] & b != 0)
            .map_or(Rule::NotEntitled, |r| Rule::ALL[r]);
        (access, rule)
    }
}

#[inline]
fn bit(row: &[u64], x: usize) -> bool {
    row[x / 64] & (1u64 << (x % 64)) != 0
}

#[inline]
fn set(row: &mut [u64], x: usize) {
    row[x / 64] |= 1u64 << (x % 64);
}

impl Compiled {
    /// Compile a resolved model.
    pub fn new(model: &Model) -> Compiled {
        let products = model.products.len();
        let words = products.div_ceil(64).max(1);
        let mut countries = vec![0u64; model.countries.len() * 3 * words];
        for (ci, c) in model.countries.iter().enumerate() {
            let base = ci * 3 * words;
            for x in 0..products {
                let p = ProductId(x as u32);
                if c.is_entitled(p) || model.is_global(p) {
                    set(&mut countries[base..base + words], x);
                }
                let (access, is_override, _) = c.country_level(p);
                if access == Access::Allow {
                    set(&mut countries[base + words..base + 2 * words], x);
                }
                if is_override {
                    set(&mut countries[base + 2 * words..base + 3 * words], x);
                }
            }
        }
        let mut groups = vec![0u64; model.groups.len() * 3 * words];
        let mut group_kind = Vec::with_capacity(model.groups.len());
        for (gi, g) in model.groups.iter().enumerate() {
            let base = gi * 3 * words;
            let (allow, rest) = groups[base..base + 3 * words].split_at_mut(words);
            let (deny, listed) = rest.split_at_mut(words);
            let kind = match g.mode() {
                GroupMode::AllowList => {
                    for (p, _) in &g.allowed {
                        set(listed, p.index());
                    }
                    let ca =
                        &countries[g.country.index() * 3 * words + words..g.country.index() * 3 * words + 2 * words];
                    for w in 0..words {
                        allow[w] = listed[w] | if g.include_country.is_some() { ca[w] } else { 0 };
                        deny[w] = !allow[w];
                    }
                    Kind::AllowList
                }
                GroupMode::Legacy => {
                    for (p, a, _) in &g.exceptions {
                        match a {
                            Access::Allow => set(allow, p.index()),
                            Access::Deny => set(deny, p.index()),
                        }
                    }
                    Kind::Legacy
                }
                GroupMode::Unconfigured => Kind::Unconfigured,
            };
            group_kind.push(kind);
        }
        let mut member_groups = vec![];
        let mut exceptions = vec![];
        let mut principals = Vec::with_capacity(model.users.len() + model.keys.len());
        for p in model.principals() {
            let country = model.principal_country(p);
            let start = member_groups.len() as u32;
            if let Some(c) = country {
                for (g, _) in model.principal_groups(p) {
                    if model.group(*g).country == c {
                        member_groups.push(g.0);
                    }
                }
            }
            let groups_range = (start, member_groups.len() as u32);
            let (active, exc) = match p {
                Principal::User(u) => {
                    let u = model.user(u);
                    let exc = if u.exceptions.is_empty() {
                        None
                    } else {
                        let idx = exceptions.len() / (2 * words);
                        let base = exceptions.len();
                        exceptions.resize(base + 2 * words, 0);
                        for (p, a, _) in &u.exceptions {
                            let off = if *a == Access::Allow { base } else { base + words };
                            set(&mut exceptions[off..off + words], p.index());
                        }
                        Some(idx as u32)
                    };
                    (u.status == Status::Active, exc)
                }
                Principal::Key(_) => (true, None),
            };
            principals.push(CPrincipal {
                active,
                country: country.map(|c| c.0),
                groups: groups_range,
                exceptions: exc,
            });
        }
        // a row's unused high bits must never read as entitled
        let tail = products % 64;
        if tail != 0 || products == 0 {
            let mask = if products == 0 { 0 } else { (1u64 << tail) - 1 };
            for ci in 0..model.countries.len() {
                countries[ci * 3 * words + words - 1] &= mask;
            }
        }
        Compiled {
            words,
            products,
            countries,
            groups,
            group_kind,
            member_groups,
            exceptions,
            principals,
            users: model.users.len(),
        }
    }

    /// Number of principals (users, then keys).
    pub fn principals(&self) -> usize {
        self.principals.len()
    }

    /// The dense index of a principal (users first, then keys).
    pub fn index_of(&self, p: Principal) -> usize {
        match p {
            Principal::User(u) => u.index(),
            Principal::Key(k) => self.users + k.index(),
        }
    }

    /// The principal at a dense index.
    pub fn principal_at(&self, i: usize) -> Principal {
        if i < self.users {
            Principal::User(UserId(i as u32))
        } else {
            Principal::Key(KeyId((i - self.users) as u32))
        }
    }

    fn country_row(&self, c: u32, which: usize) -> &[u64] {
        let base = (c as usize * 3 + which) * self.words;
        &self.countries[base..base + self.words]
    }
    fn group_row(&self, g: u32, which: usize) -> &[u64] {
        let base = (g as usize * 3 + which) * self.words;
        &self.groups[base..base + self.words]
    }
    fn exception_row(&self, e: u32, which: usize) -> &[u64] {
        let base = (e as usize * 2 + which) * self.words;
        &self.exceptions[base..base + self.words]
    }

    /// One decision: access, rule and credited group (for `group-*` rules).
    #[inline]
    pub fn decide(&self, principal: usize, x: usize) -> (Access, Rule, Option<GroupId>) {
        let p = &self.principals[principal];
        if !p.active {
            return (Access::Deny, Rule::Status, None);
        }
        let Some(country) = p.country else {
            return (Access::Deny, Rule::NoEntitlementCountry, None);
        };
        if !bit(self.country_row(country, 0), x) {
            return (Access::Deny, Rule::NotEntitled, None);
        }
        if let Some(e) = p.exceptions {
            if bit(self.exception_row(e, 0), x) {
                return (Access::Allow, Rule::UserException, None);
            }
            if bit(self.exception_row(e, 1), x) {
                return (Access::Deny, Rule::UserException, None);
            }
        }
        let mut first_deny = None;
        for &g in &self.member_groups[p.groups.0 as usize..p.groups.1 as usize] {
            let kind = self.group_kind[g as usize];
            if bit(self.group_row(g, 0), x) {
                let rule = match kind {
                    Kind::Legacy => Rule::GroupException,
                    _ if bit(self.group_row(g, 2), x) => Rule::GroupAllowed,
                    _ => Rule::GroupIncludeCountry,
                };
                return (Access::Allow, rule, Some(GroupId(g)));
            }
            if first_deny.is_none() && bit(self.group_row(g, 1), x) {
                let rule = if kind == Kind::Legacy {
                    Rule::GroupException
                } else {
                    Rule::GroupNotAllowed
                };
                first_deny = Some((rule, GroupId(g)));
            }
        }
        if let Some((rule, g)) = first_deny {
            return (Access::Deny, rule, Some(g));
        }
        let access = if bit(self.country_row(country, 1), x) {
            Access::Allow
        } else {
            Access::Deny
        };
        let rule = if bit(self.country_row(country, 2), x) {
            Rule::ProductAccess
        } else {
            Rule::DefaultAccess
        };
        (access, rule, None)
    }

    /// Fill `row` with every decision of one principal: a few word operations per 64 products.
    pub fn row(&self, principal: usize, row: &mut Row) {
        row.clear();
        let p = &self.principals[principal];
        let words = self.words;
        let full = |w: usize| -> u64 {
            if w + 1 == words && self.products % 64 != 0 {
                (1u64 << (self.products % 64)) - 1
            } else if self.products == 0 {
                0
            } else {
                !0
            }
        };
        if !p.active {
            for w in 0..words {
                row.rules[rule_index(Rule::Status)][w] = full(w);
            }
            return;
        }
        let Some(country) = p.country else {
            for w in 0..words {
                row.rules[rule_index(Rule::NoEntitlementCountry)][w] = full(w);
            }
            return;
        };
        let ent = self.country_row(country, 0);
        let ca = self.country_row(country, 1);
        let ov = self.country_row(country, 2);
        let groups = &self.member_groups[p.groups.0 as usize..p.groups.1 as usize];
        for w in 0..words {
            row.rules[rule_index(Rule::NotEntitled)][w] = full(w) & !ent[w];
            let mut open = ent[w];
            if let Some(e) = p.exceptions {
                let ua = self.exception_row(e, 0)[w] & open;
                let ud = self.exception_row(e, 1)[w] & open & !ua;
                row.rules[rule_index(Rule::UserException)][w] = ua | ud;
                row.allow[w] |= ua;
                open &= !(ua | ud);
            }
            // pass 1, allows: the first allowing group in order is credited
            for &g in groups {
                let a = self.group_row(g, 0)[w] & open;
                if a == 0 {
                    continue;
                }
                match self.group_kind[g as usize] {
                    Kind::Legacy => row.rules[rule_index(Rule::GroupException)][w] |= a,
                    _ => {
                        let listed = self.group_row(g, 2)[w];
                        row.rules[rule_index(Rule::GroupAllowed)][w] |= a & listed;
                        row.rules[rule_index(Rule::GroupIncludeCountry)][w] |= a & !listed;
                    }
                }
                row.allow[w] |= a;
                open &= !a;
            }
            // pass 2, denies among what no group allowed: the first denying group is credited
            for &g in groups {
                let d = self.group_row(g, 1)[w] & open;
                if d == 0 {
                    continue;
                }
                match self.group_kind[g as usize] {
                    Kind::Legacy => row.rules[rule_index(Rule::GroupException)][w] |= d,
                    _ => row.rules[rule_index(Rule::GroupNotAllowed)][w] |= d,
                }
                open &= !d;
            }
            // country level
            row.allow[w] |= open & ca[w];
            row.rules[rule_index(Rule::ProductAccess)][w] = open & ov[w];
            row.rules[rule_index(Rule::DefaultAccess)][w] = open & !ov[w];
        }
    }
}
