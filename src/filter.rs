//! The filters every listing command shares (`who`, `matrix`, `access`, `diff`, `simulate`
//! and the REPL's `who`, `access`, `:diff`): `--principal GLOB`, `--group NAME`,
//! `--country NAME`, `--product NAME`, `--rule RULE`, `--only allow|deny`, `--limit N`.
//!
//! A [`Filter`] holds the words as typed; [`Filter::resolve`] checks every name against a
//! model (an unknown name is an error with a suggestion) and gives a [`Selection`], which the
//! simulator consults *before* deciding: principals and products left out are never
//! evaluated, so a filtered query on a large account is fast. `--rule` and `--only` select
//! decisions, so they apply after deciding.

use crate::diag;
use crate::model::{Access, CountryId, GroupId, Model, Principal, ProductId, Rule};

/// The filters as typed (every field optional; `limit` 0 lists all).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// A glob on user emails and key ids (`*` any run, `?` one character; case-insensitive).
    pub principal: Option<String>,
    /// Only members of this entitlement group.
    pub group: Option<String>,
    /// Only principals whose entitlement country is this one.
    pub country: Option<String>,
    /// Only this product (name or display name).
    pub product: Option<String>,
    /// Only decisions made by this rule (for `diff`: before or after).
    pub rule: Option<String>,
    /// Only allowed (`allow`) or only denied (`deny`) decisions; for `diff`, only gains or
    /// only losses.
    pub only: Option<Access>,
    /// The most items listed per section (0: all); counts stay exact.
    pub limit: usize,
}

/// A filter name that does not exist, with the closest one when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    /// What kind of name (`group`, `country`, `product`, `rule`, `principal`).
    pub what: &'static str,
    /// The name as typed.
    pub name: String,
    /// The closest existing name.
    pub suggestion: Option<String>,
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} `{}` in --{}", self.what, self.name, self.what)?;
        if let Some(s) = &self.suggestion {
            write!(f, "; did you mean `{s}`?")?;
        }
        Ok(())
    }
}

impl std::error::Error for FilterError {}

/// A filter checked against one model.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    none: bool,
    glob: Option<Vec<char>>,
    group: Option<GroupId>,
    country: Option<CountryId>,
    /// `--group` and `--country` as given, for principals of another version of the policy.
    group_name: Option<String>,
    country_name: Option<String>,
    product: Option<ProductId>,
    /// The rule, when filtering by rule.
    pub rule: Option<Rule>,
    /// The access, when filtering by access.
    pub only: Option<Access>,
    /// The list limit (0: all).
    pub limit: usize,
}

fn unknown<'a>(what: &'static str, name: &str, names: impl IntoIterator<Item = &'a str>) -> FilterError {
    FilterError {
        what,
        name: name.to_string(),
        suggestion: diag::closest(name, names).map(str::to_string),
    }
}

impl Filter {
    /// Whether no filter is set (the limit aside).
    pub fn is_empty(&self) -> bool {
        Filter {
            limit: self.limit,
            ..Filter::default()
        } == *self
    }

    /// Whether a principal filter (`--principal`, `--group`, `--country`) is set.
    pub fn selects_principals(&self) -> bool {
        self.principal.is_some() || self.group.is_some() || self.country.is_some()
    }

    /// Check every name against `model`. A `--principal` without `*` or `?` must name a
    /// principal; a glob may match none.
    pub fn resolve(&self, model: &Model) -> Result<Selection, FilterError> {
        let glob = match &self.principal {
            Some(g) if !g.contains(['*', '?']) && model.find_principal(g).is_none() => {
                return Err(unknown("principal", g, model.principal_names()))
            }
            Some(g) => Some(g.to_lowercase().chars().collect()),
            None => None,
        };
        let group = match &self.group {
            Some(n) => Some(
                model
                    .find_group(n)
                    .ok_or_else(|| unknown("group", n, model.groups.iter().map(|g| g.name.as_str())))?,
            ),
            None => None,
        };
        let country = match &self.country {
            Some(n) => Some(
                model
                    .find_country(n)
                    .ok_or_else(|| unknown("country", n, model.countries.iter().map(|c| c.name.as_str())))?,
            ),
            None => None,
        };
        let product = match &self.product {
            Some(n) => Some(
                model
                    .find_product(n)
                    .ok_or_else(|| unknown("product", n, model.product_names()))?,
            ),
            None => None,
        };
        let rule = match &self.rule {
            Some(n) => Some(Rule::parse(n).ok_or_else(|| unknown("rule", n, Rule::ALL.iter().map(|r| r.as_str())))?),
            None => None,
        };
        Ok(Selection {
            none: false,
            glob,
            group,
            country,
            group_name: self.group.clone(),
            country_name: self.country.clone(),
            product,
            rule,
            only: self.only,
            limit: self.limit,
        })
    }
}

impl Selection {
    /// Everything: no filter, no limit.
    pub fn all() -> Selection {
        Selection::default()
    }

    /// Nothing the policy it was resolved against has (a filter naming what only the other
    /// policy of a diff has): `selection` resolved against that other policy, which still
    /// selects its new principals ([`Selection::new_principal`]).
    pub fn none_but_new(selection: Selection) -> Selection {
        Selection {
            none: true,
            group: None,
            country: None,
            product: None,
            ..selection
        }
    }

    /// Whether a principal filter is set (principals can be skipped before deciding).
    pub fn selects_principals(&self) -> bool {
        self.none || self.glob.is_some() || self.group.is_some() || self.country.is_some()
    }

    /// Whether `p` passes `--principal`, `--group` and `--country`.
    pub fn principal(&self, m: &Model, p: Principal) -> bool {
        if self.none {
            return false;
        }
        if let Some(g) = &self.glob {
            let name: Vec<char> = m.principal_name(p).to_lowercase().chars().collect();
            if !glob_match(g, &name) {
                return false;
            }
        }
        if let Some(g) = self.group {
            if !m.principal_groups(p).iter().any(|&(h, _)| h == g) {
                return false;
            }
        }
        if let Some(c) = self.country {
            if m.principal_country(p) != Some(c) {
                return false;
            }
        }
        true
    }

    /// Whether `p`, a principal only another version of the policy (`m`) has, passes
    /// `--principal`, `--group` and `--country`: groups and countries are found in `m` by name.
    pub fn new_principal(&self, m: &Model, p: Principal) -> bool {
        if let Some(g) = &self.glob {
            let name: Vec<char> = m.principal_name(p).to_lowercase().chars().collect();
            if !glob_match(g, &name) {
                return false;
            }
        }
        if let Some(g) = &self.group_name {
            let g = m.find_group(g);
            if g.is_none() || !m.principal_groups(p).iter().any(|&(h, _)| Some(h) == g) {
                return false;
            }
        }
        if let Some(c) = &self.country_name {
            let c = m.find_country(c);
            if c.is_none() || m.principal_country(p) != c {
                return false;
            }
        }
        true
    }

    /// Whether product `x` passes `--product`.
    pub fn product(&self, x: ProductId) -> bool {
        self.product.is_none_or(|y| y == x)
    }

    /// The product `--product` names, if any.
    pub fn only_product(&self) -> Option<ProductId> {
        self.product
    }

    /// Whether a decision passes `--rule` and `--only`.
    pub fn decision(&self, access: Access, rule: Rule) -> bool {
        self.only.is_none_or(|a| a == access) && self.rule.is_none_or(|r| r == rule)
    }

    /// Whether a decision filter (`--rule`, `--only`) is set.
    pub fn selects_decisions(&self) -> bool {
        self.rule.is_some() || self.only.is_some()
    }

    /// The products that pass, in declaration order.
    pub fn products(&self, m: &Model) -> Vec<ProductId> {
        m.product_ids().filter(|&x| self.product(x)).collect()
    }
}

/// `*` matches any run of characters, `?` one character; everything else itself.
fn glob_match(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// `1,234,567`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(p: &str, t: &str) -> bool {
        glob_match(&p.chars().collect::<Vec<_>>(), &t.chars().collect::<Vec<_>>())
    }

    #[test]
    fn globs() {
        assert!(g("*", ""));
        assert!(g("a*@x.com", "alice@x.com"));
        assert!(g("?lice*", "alice@x.com"));
        assert!(!g("?lice", "alice@x.com"));
        assert!(g("*.1*", "david.flores.1@x.com"));
        assert!(!g("b*", "alice"));
        assert!(g("a*b*c", "axxbyyc"));
        assert!(!g("a*b*c", "axxbyy"));
    }

    #[test]
    fn thousands_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
