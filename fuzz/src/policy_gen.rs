//! A generator of random entitle policies and what-if statements, driven by a stream of
//! choices. Shared by the fuzz targets (choices from libFuzzer's bytes) and by
//! `tests/properties.rs` (choices from proptest, which shrinks them), so both explore the
//! same space: every declaration and statement kind, quoted and display names, comments,
//! `;` separators, blank lines, statements sharing a line, blocks on one line, expectations, scenarios, every revision 2 construct (`revenue`, the
//! fallback country, `entitlement-country`, `key … in`, `global`, `locked`, the granular
//! `set …` statements) — and, at a low rate, mistakes (unknown names, duplicates, conflicting
//! verdicts, a revenue tie at the top, an `entitlement-country` naming a covered code, a key
//! `in C` with a group of another country, a malformed number) that make a policy invalid.
//!
//! Shapes are closer to real accounts now and then: dozens of groups, users in up to ten
//! groups, keys in several groups, display names.

use std::fmt::Write as _;

/// Where the random choices come from. When the stream runs out, every choice is 0 (the
/// simplest option), so a short stream gives a small policy.
pub trait Choices {
    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize;

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Choices read from a slice of numbers, then zeros.
pub struct Cursor<'a> {
    data: &'a [u32],
    at: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(data: &'a [u32]) -> Cursor<'a> {
        Cursor { data, at: 0 }
    }
}

impl Choices for Cursor<'_> {
    fn below(&mut self, n: usize) -> usize {
        let v = self.data.get(self.at).copied().unwrap_or(0) as usize;
        self.at += 1;
        v % n.max(1)
    }
}

/// Options of a generated policy.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Percent chance of each deliberate mistake (an unknown name, a duplicate …).
    pub mistakes: usize,
    /// Comments, `;` separators, odd spacing.
    pub noise: bool,
    /// `expect` lines and `scenario` blocks.
    pub tests: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            mistakes: 3,
            noise: true,
            tests: true,
        }
    }
}

/// The names a generated policy declares, for the statements that refer to them.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub products: Vec<String>,
    /// Display names, each with its product.
    pub displays: Vec<(String, String)>,
    pub countries: Vec<String>,
    /// Profile codes covered by a country.
    pub codes: Vec<String>,
    /// Groups, each with the country it was declared in.
    pub groups: Vec<(String, String)>,
    pub users: Vec<String>,
    pub keys: Vec<String>,
    /// (r2) Declared revenues, each with its country.
    pub revenues: Vec<(String, u64)>,
}

impl Names {
    /// The product a reference names (by name or display name, ignoring case).
    fn product_of(&self, reference: &str) -> String {
        let r = reference.to_lowercase();
        self.displays
            .iter()
            .find(|(d, _)| d.to_lowercase() == r)
            .map_or(r, |(_, p)| p.to_lowercase())
    }

    /// (r2) Would a country declaring `revenue v` tie the highest revenue declared so far?
    fn ties_top(&self, v: u64) -> bool {
        self.revenues.iter().map(|(_, r)| *r).max() == Some(v)
    }

    /// Is `text` taken in the product namespace (names and display names)?
    fn product_taken(&self, text: &str) -> bool {
        let t = text.to_lowercase();
        self.products.iter().any(|p| p.to_lowercase() == t) || self.displays.iter().any(|(d, _)| d.to_lowercase() == t)
    }
}

const PRODUCTS: &[&str] = &[
    "MicroStation",
    "OpenRoads",
    "LumenRT",
    "Bridge",
    "Survey",
    "Render",
    "access",
    "Lumen RT",
    "3D-Viewer",
    "Zürich Tool",
    "say \"hi\"",
    "back\\slash",
    "_x.y-z",
    "IN",
    "P0",
    "P1",
    "P2",
    "P3",
    "global",
];
const DISPLAYS: &[&str] = &[
    "OpenRoads Designer",
    "Bridge Designer",
    "The Viewer",
    "",
    "Tab\there",
    "MicroStation",
];
const COUNTRIES: &[&str] = &["US", "GB", "DE", "Great Britain", "IN", "in", "C1", "C2"];
const CODES: &[&str] = &["CA", "MX", "FR", "ZZ", "us", "gb", "Great Britain", "AT"];
const GROUPS: &[&str] = &[
    "Roads",
    "Viz",
    "Legacy",
    "Civil Engineers",
    "G0",
    "G1",
    "G2",
    "group",
    "Old",
    "revenue",
];
/// Group names beyond the hand-written ones, for organisations with dozens of groups.
const TEAMS: &[&str] = &["Civil", "Rail", "Survey", "Plant", "Water", "Bridges", "Viz", "Tunnels"];
/// (r2) Revenues as written, with their values: underscores, leading zeros, ties.
const REVENUES: &[(&str, u64)] = &[
    ("0", 0),
    ("1_000", 1000),
    ("1000", 1000),
    ("250_000", 250_000),
    ("1_200_000", 1_200_000),
    ("0042", 42),
    ("999_999_999_999_999_999", 999_999_999_999_999_999),
    ("5", 5),
];
/// Numbers that are not numbers (mistakes only).
const BAD_NUMBERS: &[&str] = &["1__000", "_1", "1_", "12a", "1.5", "1234567890123456789"];
const PEOPLE: &[&str] = &[
    "Kim Lee",
    "Lou Ng",
    "Pat O'Brien",
    "Zoë Ünal",
    "Ana \"Ani\" Ruiz",
    "Sam",
];
const USERS: &[&str] = &[
    "kim@northwind.example",
    "lou@northwind.example",
    "pat@harbor.io",
    "Kim@Northwind.Example",
    "bob smith@acme.com",
    "x@y",
    "eve@contractors.example",
    "not-an-email",
];
const KEYS: &[&str] = &["SS-9", "SS-0001", "key 2", "K0", "K1"];
const DOMAINS: &[&str] = &["northwind.example", "contractors.example", "harbor.io", "3m.com"];
const ROLES: &[&str] = &[
    "account-admin",
    "co-admin",
    "fulfillment-contact",
    "fulfillment-contact",
];
const STATUSES: &[&str] = &[
    "active",
    "pending",
    "invited",
    "registered",
    "active",
    "active",
    "locked",
];
const RULES: &[&str] = &[
    "status",
    "no-entitlement-country",
    "not-entitled",
    "user-exception",
    "group-allowed",
    "group-include-country",
    "group-not-allowed",
    "group-exception",
    "product-access",
    "default-access",
];
const COMMENTS: &[&str] = &["# a comment", "# why: \"quoted\" { } ;", "#", "# über"];

/// A name as the grammar accepts it where a name is expected.
pub fn name(text: &str) -> String {
    entitle::fmt::format_name(text)
}

/// A user's email: bare when it is one email token, else quoted.
fn email(text: &str) -> String {
    let plain = text.split_once('@').is_some_and(|(l, d)| {
        !l.is_empty()
            && !d.is_empty()
            && !text[l.len() + 1..].contains('@')
            && !text
                .chars()
                .any(|c| matches!(c, ' ' | '\t' | '\r' | '\n' | ',' | '{' | '}' | ';' | '#' | '"'))
    });
    if plain {
        text.to_string()
    } else {
        entitle::fmt::quote(text)
    }
}

struct Gen<'c, C: Choices> {
    c: &'c mut C,
    o: Options,
    names: Names,
    out: String,
    /// Writing a block on one line: statements are separated by spaces, not line breaks.
    inline: bool,
}

impl<C: Choices> Gen<'_, C> {
    /// ` {` opening a block of statements, which may be written on one line.
    fn open(&mut self) {
        self.inline = self.o.noise && self.c.chance(25);
        self.out.push_str(if self.inline { " { " } else { " {\n" });
    }

    /// The `}` closing a block opened by [`Gen::open`].
    fn close(&mut self) {
        self.inline = false;
        self.out.push('}');
    }

    fn mistake(&mut self) -> bool {
        self.o.mistakes > 0 && self.c.chance(self.o.mistakes)
    }

    fn sep(&mut self) {
        if self.inline {
            self.out
                .push_str(if self.o.noise && self.c.chance(10) { "; " } else { "  " });
            return;
        }
        if self.o.noise && self.c.chance(10) {
            self.out.push(';');
        }
        if self.o.noise && self.c.chance(8) {
            let comment = self.c.pick(COMMENTS);
            self.out.push_str("  ");
            self.out.push_str(comment);
        } else if self.o.noise && self.c.chance(8) {
            // the next statement on the same line (a block may end up on one line)
            self.out.push_str("  ");
            return;
        }
        self.out.push('\n');
        if self.o.noise && self.c.chance(6) {
            // blank lines (fmt keeps one)
            self.out.push_str(if self.c.chance(30) { "\n \n" } else { "\n" });
        }
        if self.o.noise && self.c.chance(5) {
            let comment = self.c.pick(COMMENTS);
            self.out.push_str(comment);
            self.out.push('\n');
        }
    }

    /// A declared name of a kind (or, as a mistake, an undeclared one).
    fn some(&mut self, declared: impl Fn(&Names) -> &Vec<String>, pool: &[&str]) -> String {
        self.some_of(|n| declared(n).len(), |n, i| &declared(n)[i], pool)
    }

    /// [`Gen::some`] of the `len` names `nth` reads. (The names are read in place: copying a
    /// list for every name drawn from it was a tenth of a `whatif` execution under
    /// AddressSanitizer.)
    fn some_of(&mut self, len: impl Fn(&Names) -> usize, nth: impl Fn(&Names, usize) -> &str, pool: &[&str]) -> String {
        if len(&self.names) == 0 || self.mistake() {
            self.c.pick(pool).to_string()
        } else {
            let i = self.c.below(len(&self.names));
            nth(&self.names, i).to_string()
        }
    }

    /// A product reference as plain text (a name or display name, maybe in another case).
    fn product_text(&mut self) -> String {
        // a product may also be named by its display name, in any case
        if !self.names.displays.is_empty() && self.c.chance(10) {
            return self.names.displays[self.c.below(self.names.displays.len())].0.clone();
        }
        let n = self.some(|n| &n.products, PRODUCTS);
        if self.c.chance(5) {
            n.to_lowercase()
        } else {
            n
        }
    }

    fn product_ref(&mut self) -> String {
        let p = self.product_text();
        name(&p)
    }

    /// `allow`/`deny` lists of one block: without mistakes, a product gets one verdict per
    /// block (opposite verdicts for one product in a block are an error).
    fn verdict_list(&mut self, verdicts: &mut Vec<(String, bool)>, allow: bool, max: usize) -> Option<String> {
        let n = 1 + self.c.below(max.max(1));
        let mut out = vec![];
        for _ in 0..n {
            let p = self.product_text();
            let key = self.names.product_of(&p);
            if let Some((_, v)) = verdicts.iter().find(|(k, _)| *k == key) {
                if *v != allow && !self.mistake() {
                    continue;
                }
            } else {
                verdicts.push((key, allow));
            }
            out.push(name(&p));
        }
        (!out.is_empty()).then(|| out.join(", "))
    }

    fn list(&mut self, max: usize, mut item: impl FnMut(&mut Self) -> String) -> String {
        let n = 1 + self.c.below(max.max(1));
        let items: Vec<String> = (0..n).map(|_| item(self)).collect();
        items.join(if self.o.noise && self.c.chance(10) {
            " ,\t"
        } else {
            ", "
        })
    }

    fn products(&mut self) {
        let n = 1 + self.c.below(6);
        for _ in 0..n {
            let p = self.c.pick(PRODUCTS).to_string();
            if self.names.product_taken(&p) && !self.mistake() {
                continue;
            }
            let _ = write!(self.out, "product {}", name(&p));
            if self.c.chance(25) {
                let d = self.c.pick(DISPLAYS).to_string();
                // (a display name equal to the product's own name is fine)
                let own = d.to_lowercase() == p.to_lowercase();
                if own || !self.names.product_taken(&d) || self.mistake() {
                    let _ = write!(self.out, " {}", entitle::fmt::quote(&d));
                    self.names.displays.push((d, p.clone()));
                }
            }
            self.sep();
            self.names.products.push(p);
        }
    }

    fn countries(&mut self) {
        let n = self.c.below(4);
        for _ in 0..n {
            let cn = self.c.pick(COUNTRIES).to_string();
            if self.names.countries.iter().any(|q| q.eq_ignore_ascii_case(&cn)) && !self.mistake() {
                continue;
            }
            let _ = write!(self.out, "country {}", name(&cn));
            if self.c.chance(15) {
                let _ = write!(self.out, " \"{} display\"", cn);
            }
            self.open();
            self.revenue(&cn);
            if self.c.chance(30) {
                let mut codes = vec![];
                for _ in 0..1 + self.c.below(2) {
                    let code = self.c.pick(CODES).to_string();
                    // a declared country is not a code to cover, and a code has one country
                    let clash = COUNTRIES
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case(&code) || format!("{c} display").eq_ignore_ascii_case(&code))
                        || self.names.codes.iter().any(|c| c.eq_ignore_ascii_case(&code));
                    if clash && !self.mistake() {
                        continue;
                    }
                    codes.push(name(&code));
                    self.names.codes.push(code);
                }
                if !codes.is_empty() {
                    let _ = write!(self.out, "  covers {}", codes.join(", "));
                    self.sep();
                }
            }
            if self.c.chance(50) {
                if self.c.chance(15) {
                    self.out.push_str("  entitled");
                } else {
                    let l = self.list(5, |g| g.product_ref());
                    let _ = write!(self.out, "  entitled {l}");
                }
                self.sep();
            }
            if self.c.chance(40) {
                let v = if self.c.chance(50) { "deny" } else { "allow" };
                let _ = write!(self.out, "  default {v}");
                self.sep();
            }
            let mut verdicts = vec![];
            for _ in 0..self.c.below(3) {
                let allow = self.c.chance(50);
                if let Some(l) = self.verdict_list(&mut verdicts, allow, 3) {
                    let _ = write!(self.out, "  {} {l}", if allow { "allow" } else { "deny" });
                    self.sep();
                }
            }
            self.close();
            self.sep();
            self.names.countries.push(cn);
        }
    }

    /// (r2) A country's `revenue`: most values are distinct, some tie below the top; without
    /// mistakes never at the top (an error).
    fn revenue(&mut self, country: &str) {
        if !self.c.chance(55) {
            return;
        }
        if self.mistake() && self.c.chance(30) {
            let bad = self.c.pick(BAD_NUMBERS);
            let _ = write!(self.out, "  revenue {bad}");
            self.sep();
            return;
        }
        let (text, v) = REVENUES[self.c.below(REVENUES.len())];
        if self.names.ties_top(v) && !self.mistake() {
            return;
        }
        let _ = write!(self.out, "  revenue {text}");
        self.sep();
        self.names.revenues.push((country.to_string(), v));
    }

    fn groups(&mut self) {
        // now and then an organisation with dozens of groups
        let many = self.c.chance(12);
        let n = if many { 10 + self.c.below(31) } else { self.c.below(5) };
        for _ in 0..n {
            let gname = if many && self.c.chance(80) {
                format!("{}-{}", self.c.pick(TEAMS), self.c.below(60))
            } else {
                self.c.pick(GROUPS).to_string()
            };
            if self.names.groups.iter().any(|(q, _)| q.eq_ignore_ascii_case(&gname)) && !self.mistake() {
                continue;
            }
            if self.names.countries.is_empty() && !self.mistake() {
                return;
            }
            let country = self.some(|n| &n.countries, COUNTRIES);
            let mut verdicts = vec![];
            let _ = write!(self.out, "group {} in {} {{", name(&gname), name(&country));
            let stmts = self.c.below(4);
            if stmts == 0 {
                self.out.push_str(" }");
                self.sep();
            } else {
                self.out.push('\n');
                for _ in 0..stmts {
                    match self.c.below(4) {
                        0 | 1 => {
                            let l = self.list(4, |g| g.product_ref());
                            let _ = write!(self.out, "  allowed {l}");
                        }
                        2 => self.out.push_str("  include-country"),
                        _ => {
                            let allow = self.c.chance(60);
                            match self.verdict_list(&mut verdicts, allow, 3) {
                                Some(l) => {
                                    let _ =
                                        write!(self.out, "  exception {} {l}", if allow { "allow" } else { "deny" });
                                }
                                None => self.out.push_str("  include-country"),
                            }
                        }
                    }
                    self.sep();
                }
                self.out.push('}');
                self.sep();
            }
            self.names.groups.push((gname, country));
        }
    }

    fn group_ref(&mut self) -> String {
        name(&self.some_of(|n| n.groups.len(), |n, i| &n.groups[i].0, GROUPS))
    }

    /// A list of groups; without mistakes, all of one country (a key's groups must be): of
    /// `country` when it is given (a key's `in`), else of the first group's.
    fn group_list(&mut self, max: usize, country: Option<&str>) -> String {
        let n = 1 + self.c.below(max.max(1));
        let mut out: Vec<String> = vec![];
        let mut country: Option<String> = country.map(str::to_lowercase);
        for _ in 0..n {
            let g = self.group_ref();
            let c = self
                .names
                .groups
                .iter()
                .find(|(x, _)| name(x) == g)
                .map(|(_, c)| c.to_lowercase());
            match (&country, c) {
                (Some(first), Some(c)) if *first != c && !self.mistake() => continue,
                (None, Some(c)) => country = Some(c),
                _ => {}
            }
            out.push(g);
        }
        out.join(", ")
    }

    /// A declared country's name (as a mistake, an undeclared one).
    fn country_text(&mut self) -> String {
        self.some(|n| &n.countries, COUNTRIES)
    }

    fn country_ref(&mut self) -> String {
        let c = self.country_text();
        name(&c)
    }

    /// A user (as a mistake, maybe a key or an undeclared email).
    fn user_ref(&mut self) -> String {
        if self.mistake() {
            return self.principal_ref();
        }
        email(&self.some(|n| &n.users, USERS))
    }

    /// A key (as a mistake, maybe a user or an undeclared id).
    fn key_ref(&mut self) -> String {
        if self.mistake() {
            return self.principal_ref();
        }
        name(&self.some(|n| &n.keys, KEYS))
    }

    fn on_off(&mut self) -> &'static str {
        if self.c.chance(50) {
            "on"
        } else {
            "off"
        }
    }

    /// (r2) One granular `set …` statement.
    fn set_statement(&mut self) -> String {
        match self.c.below(12) {
            0 => {
                let u = self.user_ref();
                let s = self.c.pick(STATUSES);
                format!("set status {u} {s}")
            }
            1 => {
                let u = self.user_ref();
                let c = if self.c.chance(25) {
                    "inherit".to_string()
                } else {
                    self.country_ref()
                };
                format!("set entitlement-country {u} {c}")
            }
            2 => {
                let u = self.user_ref();
                let p = self.product_ref();
                format!("set exception {u} {p} {}", self.c.pick(&["allow", "deny", "inherit"]))
            }
            3 => {
                let g = self.group_ref();
                let p = self.product_ref();
                format!(
                    "set group-exception {g} {p} {}",
                    self.c.pick(&["allow", "deny", "inherit"])
                )
            }
            4 => {
                let g = self.group_ref();
                let p = self.principal_ref();
                format!("set member {g} {p} {}", self.on_off())
            }
            5 => {
                let g = self.group_ref();
                let p = self.product_ref();
                format!("set allowed {g} {p} {}", self.on_off())
            }
            6 => format!("set include-country {} {}", self.group_ref(), self.on_off()),
            7 => {
                let c = self.country_ref();
                let p = self.product_ref();
                format!("set entitled {c} {p} {}", self.on_off())
            }
            8 => {
                let c = self.country_ref();
                let v = if self.c.chance(20) {
                    "none"
                } else if self.mistake() {
                    self.c.pick(BAD_NUMBERS)
                } else {
                    REVENUES[self.c.below(REVENUES.len())].0
                };
                format!("set revenue {c} {v}")
            }
            9 => format!("set global {} {}", self.product_ref(), self.on_off()),
            10 => {
                let d = self.c.pick(DOMAINS);
                let v = self.c.pick(&["on", "off", "auto-approve"]);
                format!("set domain {d} {v}")
            }
            _ => {
                let k = self.key_ref();
                let c = if self.c.chance(25) {
                    "inherit".to_string()
                } else {
                    self.country_ref()
                };
                format!("set key-country {k} {c}")
            }
        }
    }

    fn code_ref(&mut self) -> String {
        match self.c.below(3) {
            0 if !self.names.codes.is_empty() => {
                let i = self.c.below(self.names.codes.len());
                name(&self.names.codes[i])
            }
            1 => name(self.c.pick(CODES)),
            _ => name(&self.some(|n| &n.countries, COUNTRIES)),
        }
    }

    fn users(&mut self) {
        let n = self.c.below(5);
        for _ in 0..n {
            let u = self.c.pick(USERS).to_string();
            if self.names.users.iter().any(|q| q.eq_ignore_ascii_case(&u)) && !self.mistake() {
                continue;
            }
            let _ = write!(self.out, "user {}", email(&u));
            if self.c.chance(20) {
                let _ = write!(self.out, " \"User {}\"", self.c.below(3));
            } else if self.c.chance(25) {
                let person = self.c.pick(PEOPLE);
                let _ = write!(self.out, " {}", entitle::fmt::quote(person));
            }
            self.open();
            if !self.mistake() {
                let code = self.code_ref();
                let _ = write!(self.out, "  country {code}");
                self.sep();
            }
            // (r2) the Entitlement Country attribute: a declared country (as a mistake, a
            // covered profile code or an unknown name)
            if self.c.chance(20) && (!self.names.countries.is_empty() || self.mistake()) {
                let c = if !self.names.codes.is_empty() && self.mistake() {
                    let i = self.c.below(self.names.codes.len());
                    self.names.codes[i].clone()
                } else {
                    self.country_text()
                };
                let _ = write!(self.out, "  entitlement-country {}", name(&c));
                self.sep();
            }
            if self.c.chance(60) && (!self.names.groups.is_empty() || self.mistake()) {
                // mostly a few groups, now and then up to ten
                let max = if self.c.chance(15) { 10 } else { 3 };
                let l = self.list(max, |g| g.group_ref());
                let _ = write!(self.out, "  groups {l}");
                self.sep();
            }
            if self.c.chance(30) {
                let l = self.list(2, |g| g.c.pick(ROLES).to_string());
                let _ = write!(self.out, "  roles {l}");
                self.sep();
            }
            if self.c.chance(30) {
                let s = self.c.pick(STATUSES);
                let _ = write!(self.out, "  status {s}");
                self.sep();
            }
            let mut verdicts = vec![];
            for _ in 0..self.c.below(3) {
                let allow = self.c.chance(50);
                if let Some(l) = self.verdict_list(&mut verdicts, allow, 2) {
                    let _ = write!(self.out, "  {} {l}", if allow { "allow" } else { "deny" });
                    self.sep();
                }
            }
            self.close();
            self.sep();
            self.names.users.push(u);
        }
    }

    fn keys(&mut self) {
        for _ in 0..self.c.below(4) {
            let k = self.c.pick(KEYS).to_string();
            if self.names.keys.iter().any(|q| q.eq_ignore_ascii_case(&k)) && !self.mistake() {
                continue;
            }
            let _ = write!(self.out, "key {}", name(&k));
            // (r2) a key with its own country, with or without groups (of that country)
            let country = (self.c.chance(40) && (!self.names.countries.is_empty() || self.mistake()))
                .then(|| self.country_text());
            if let Some(c) = &country {
                let _ = write!(self.out, " in {}", name(c));
            }
            self.out.push_str(" {");
            let in_country = country.as_deref().filter(|c| {
                // only a declared country constrains the groups
                self.names.countries.iter().any(|d| d.eq_ignore_ascii_case(c))
            });
            let own_groups = match in_country {
                Some(c) => self.names.groups.iter().any(|(_, gc)| gc.eq_ignore_ascii_case(c)),
                None => !self.names.groups.is_empty(),
            };
            if self.c.chance(70) && (own_groups || self.mistake()) {
                let l = self.group_list(4, in_country);
                if l.is_empty() {
                    self.out.push_str(" }");
                } else {
                    let _ = write!(self.out, " groups {l} }}");
                }
            } else {
                self.out.push_str(" }");
            }
            self.sep();
            self.names.keys.push(k);
        }
    }

    fn account(&mut self) {
        if !self.c.chance(40) {
            return;
        }
        self.out.push_str("account");
        if self.c.chance(50) {
            self.out.push_str(" \"Northwind Civil\"");
        }
        if self.c.chance(80) {
            self.open();
            let mut domains = vec![];
            for _ in 0..self.c.below(3) {
                let d = self.c.pick(DOMAINS);
                if domains.contains(&d) && !self.mistake() {
                    continue;
                }
                domains.push(d);
                let auto = if self.c.chance(50) { " auto-approve" } else { "" };
                let _ = write!(self.out, "  domain {d}{auto}");
                self.sep();
            }
            if self.c.chance(40) {
                let l = self.list(2, |g| g.product_ref());
                let _ = write!(self.out, "  alerts {l}");
                self.sep();
            }
            // (r2) products entitled in every country
            if self.c.chance(35) && (!self.names.products.is_empty() || self.mistake()) {
                let l = self.list(3, |g| g.product_ref());
                let _ = write!(self.out, "  global {l}");
                self.sep();
            }
            self.close();
        }
        self.sep();
    }

    fn principal_ref(&mut self) -> String {
        let p = self.some_of(
            |n| n.users.len() + n.keys.len(),
            |n, i| n.users.get(i).unwrap_or_else(|| &n.keys[i - n.users.len()]),
            USERS,
        );
        email(&p)
    }

    fn expect(&mut self) -> String {
        let p = self.principal_ref();
        let x = self.product_ref();
        let v = if self.c.chance(50) { "allow" } else { "deny" };
        let mut line = format!("expect {p} {x} {v}");
        if self.c.chance(50) {
            let r = self.c.pick(RULES);
            line.push_str(" by ");
            line.push_str(r);
            if r.starts_with("group-") && self.c.chance(60) && (!self.names.groups.is_empty() || self.mistake()) {
                line.push(' ');
                line.push_str(&self.group_ref());
            }
        }
        line
    }

    /// One what-if statement or declaration, as text.
    fn statement(&mut self) -> String {
        match self.c.below(20) {
            0 => {
                let kind = self.c.pick(&["user", "key", "group", "product", "country"]);
                let target = match kind {
                    "user" | "key" => self.principal_ref(),
                    "group" => self.group_ref(),
                    "product" => self.product_ref(),
                    _ => name(&self.some(|n| &n.countries, COUNTRIES)),
                };
                format!("remove {kind} {target}")
            }
            1 | 2 => format!("convert {}", self.group_ref()),
            3 => format!("clear-exceptions {}", self.group_ref()),
            4 => {
                let c = name(&self.some(|n| &n.countries, COUNTRIES));
                format!("set default {c} {}", if self.c.chance(50) { "allow" } else { "deny" })
            }
            5 => {
                let c = name(&self.some(|n| &n.countries, COUNTRIES));
                let p = self.product_ref();
                format!("set access {c} {p} {}", self.c.pick(&["allow", "deny", "inherit"]))
            }
            6 => {
                let u = self.c.pick(&[
                    "new@northwind.example",
                    "new@contractors.example",
                    "kim@northwind.example",
                    "z@z",
                ]);
                let code = self.code_ref();
                format!("register {} country {code}", email(u))
            }
            7..=9 => {
                // a declaration: added, or replacing one of the same name
                let mut sub = Gen {
                    c: &mut *self.c,
                    o: self.o,
                    names: self.names.clone(),
                    out: String::new(),
                    inline: false,
                };
                match sub.c.below(5) {
                    0 => sub.products(),
                    1 => sub.countries(),
                    2 => sub.groups(),
                    3 => sub.users(),
                    _ => sub.keys(),
                }
                sub.out
            }
            _ => self.set_statement(),
        }
    }

    fn scenario(&mut self) {
        let _ = writeln!(self.out, "scenario \"s{}\" {{", self.c.below(4));
        for _ in 0..self.c.below(4) {
            let s = if self.c.chance(30) {
                self.expect()
            } else {
                self.statement()
            };
            for line in s.lines() {
                let _ = writeln!(self.out, "  {line}");
            }
        }
        self.out.push('}');
        self.sep();
    }
}

/// A random policy text and the names it declares.
pub fn policy(c: &mut impl Choices, o: Options) -> (String, Names) {
    let mut g = Gen {
        c,
        o,
        names: Names::default(),
        out: String::new(),
        inline: false,
    };
    if o.noise && g.c.chance(10) {
        g.out.push_str("# generated\n");
    }
    // declarations may come in any order: products first is only the common case
    let account_first = g.c.chance(30);
    g.products();
    if account_first {
        // (declared first, written first: its `alerts` may name the products below)
        let products = std::mem::take(&mut g.out);
        g.account();
        g.out.push_str(&products);
    }
    g.countries();
    g.groups();
    if !account_first {
        g.account();
    }
    g.users();
    g.keys();
    let principals = g.names.users.len() + g.names.keys.len();
    if o.tests && (principals > 0 || g.mistake()) {
        for _ in 0..g.c.below(3) {
            let e = g.expect();
            g.out.push_str(&e);
            g.sep();
        }
        if g.c.chance(30) {
            g.scenario();
        }
    }
    (g.out, g.names)
}

/// Random what-if statements (and declarations) about a policy with these names.
pub fn statements(c: &mut impl Choices, o: Options, names: &Names, max: usize) -> Vec<String> {
    let mut g = Gen {
        c,
        o,
        names: names.clone(),
        out: String::new(),
        inline: false,
    };
    let n = g.c.below(max.max(1) + 1);
    (0..n).map(|_| g.statement()).collect()
}

/// One decision by name, without its source location.
pub type Decided = (
    String,
    String,
    entitle::Access,
    entitle::Rule,
    Option<String>,
    Option<String>,
);

/// Every (principal, product) decision of a policy, by name.
pub fn decisions(policy: &entitle::Policy) -> Vec<Decided> {
    model_decisions(policy.model())
}

/// Every decision of a model (see [`decisions`]).
pub fn model_decisions(m: &entitle::Model) -> Vec<Decided> {
    let mut out = vec![];
    for p in m.principals() {
        for x in m.product_ids() {
            let d = entitle::eval::decide(m, p, x);
            out.push((
                m.principal_name(p).to_string(),
                m.product(x).name.clone(),
                d.access,
                d.rule,
                d.group.map(|g| m.group(g).name.clone()),
                d.country.map(|c| m.country(c).name.clone()),
            ));
        }
    }
    out
}
