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
//!   domain; sometimes an acquired firm's), license alerts for 2–4 popular products, and
//!   *(r2)* `global` entitlements: 1–3 popular products (never the first), entitled in every
//!   country, which the `entitled` lists therefore leave out.
//! - **Products**: real engineering software families first (`MicroStation`, `OpenRoads
//!   "OpenRoads Designer"`, `ProjectWise`, `STAAD.Pro`, …), some with display names, then
//!   `Tool-0042`-style numbered products (every eighth with a display name) up to `products`.
//!   Lists prefer the front of the catalogue, so popular products appear in more lists.
//! - **Countries**: 8 at small sizes up to 20 for a million-user organisation, each an ISO code
//!   with its display name (`US "United States"`), weighted like a real firm (the US office is
//!   the largest). About half cover neighbouring profile codes (`DE` covers `AT, CH, LI`);
//!   covered codes are never declared countries and never covered twice. *(r2)* The first
//!   country and about 80% of the others state a `revenue` in proportion to their weight
//!   (now and then `revenue 0`, a dormant contract); in about 30% of organisations two
//!   countries share a revenue, and the top is always unique (a tie there is an error). Most countries carry
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
//!   code, about 11% a code the country covers, about 1% a code no country covers (they fall
//!   back to the highest-revenue country). *(r2)* About 3% have moved: their profile names
//!   another declared country and an `entitlement-country` names where they work; about 2%
//!   carry an `entitlement-country` their profile already gives, and about 30% of the users
//!   with an unmatched code carry one too. About 10% are not active: `pending` users come from
//!   a domain without auto-approval, `registered` ones from the auto-approve domain, `invited`
//!   and *(r2)* `locked` (1.5%) from any. About
//!   5% have user exceptions (1–3 entitled products, never both verdicts for one product). A
//!   few hold roles; the first user is always an active account-admin and fulfillment contact,
//!   the second a co-admin. The first eleven users each show one of the rarer cases (each
//!   non-active status, an uncovered code, a covered code, exceptions, a moved user, a
//!   redundant attribute), so small organisations show them too.
//! - **Keys** `SS-0001` …: `users / 1000 + 4` SELECTserver activation keys. The first is
//!   mapped to one or two groups of one country, the second is *(r2)* `in` a country with no
//!   group, the third is not mapped yet (no country: `no-entitlement-country`), the fourth is
//!   `in` a country with one group of that country; later ones mix these shapes (mostly
//!   groups only). A key with no groups at all when there are none.

mod names;
mod org;
mod rng;
#[cfg(test)]
mod tests;
mod write;

use org::Org;
use std::io::{self, Write};
use write::Emitter;

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

/// How many activation keys an organisation of `users` users gets.
fn keys(users: usize) -> usize {
    users / 1000 + 4
}
