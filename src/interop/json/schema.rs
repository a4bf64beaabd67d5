//! The document types of schema `entitle/2`, and those of `entitle/1`, which import reads
//! by converting them (see [`super`] for the meaning of every field).

use crate::syntax::ast::Access;
use serde::{Deserialize, Serialize};

/// The schema identifier written, and the newest one read.
pub const SCHEMA: &str = "entitle/2";
/// The revision 1 schema, still read by import.
pub const SCHEMA_1: &str = "entitle/1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyJson {
    pub schema: String,
    #[serde(default)]
    pub account: Option<AccountJson>,
    #[serde(default)]
    pub products: Vec<ProductJson>,
    #[serde(default)]
    pub countries: Vec<CountryJson>,
    #[serde(default)]
    pub groups: Vec<GroupJson>,
    #[serde(default)]
    pub users: Vec<UserJson>,
    #[serde(default)]
    pub keys: Vec<KeyJson>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountJson {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub domains: Vec<DomainJson>,
    #[serde(default)]
    pub alerts: Vec<String>,
    /// (r2) Products entitled in every country.
    #[serde(default)]
    pub global: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainJson {
    pub domain: String,
    #[serde(default)]
    pub auto_approve: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductJson {
    pub name: String,
    #[serde(default)]
    pub display: Option<String>,
}

/// A verdict on one product: a General Access override or an exception.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictJson {
    pub product: String,
    pub access: Access,
}

fn allow() -> Access {
    Access::Allow
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryJson {
    pub name: String,
    #[serde(default)]
    pub display: Option<String>,
    /// (r2) Annual recurring revenue; `None`: the country does not compete for the fallback.
    #[serde(default)]
    pub revenue: Option<u64>,
    #[serde(default)]
    pub covers: Vec<String>,
    /// `None`: every product is entitled.
    #[serde(default)]
    pub entitled: Option<Vec<String>>,
    #[serde(default = "allow")]
    pub default: Access,
    #[serde(default)]
    pub access: Vec<VerdictJson>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupJson {
    pub name: String,
    pub country: String,
    #[serde(default)]
    pub allowed: Vec<String>,
    #[serde(default)]
    pub include_country: bool,
    #[serde(default)]
    pub exceptions: Vec<VerdictJson>,
    /// Derived: ignored on import.
    #[serde(default)]
    pub mode: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserJson {
    pub email: String,
    #[serde(default)]
    pub display: Option<String>,
    pub country: String,
    /// (r2) The Entitlement Country attribute (a declared country), not the computed one.
    #[serde(default)]
    pub entitlement_country: Option<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub exceptions: Vec<VerdictJson>,
    /// Derived: the computed entitlement country. Ignored on import.
    #[serde(default)]
    pub effective_country: Option<String>,
    /// Derived: how it was chosen (`country_by` of `explain --json`). Ignored on import.
    #[serde(default)]
    pub country_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyJson {
    pub name: String,
    /// (r2) The key's own country (`key ID in COUNTRY`).
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    /// Derived: the computed entitlement country. Ignored on import.
    #[serde(default)]
    pub effective_country: Option<String>,
    /// Derived: `key-in`, `key-groups` or `null`. Ignored on import.
    #[serde(default)]
    pub country_by: Option<String>,
}

/// Schema `entitle/1`: the same document without the revision 2 fields; its users' and
/// keys' `entitlement_country` is the derived, computed country (ignored on import).
pub mod v1 {
    use super::{DomainJson, GroupJson, ProductJson, VerdictJson};
    use crate::syntax::ast::Access;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct PolicyJson {
        pub schema: String,
        #[serde(default)]
        pub account: Option<AccountJson>,
        #[serde(default)]
        pub products: Vec<ProductJson>,
        #[serde(default)]
        pub countries: Vec<CountryJson>,
        #[serde(default)]
        pub groups: Vec<GroupJson>,
        #[serde(default)]
        pub users: Vec<UserJson>,
        #[serde(default)]
        pub keys: Vec<KeyJson>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct AccountJson {
        #[serde(default)]
        pub name: Option<String>,
        #[serde(default)]
        pub domains: Vec<DomainJson>,
        #[serde(default)]
        pub alerts: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct CountryJson {
        pub name: String,
        #[serde(default)]
        pub display: Option<String>,
        #[serde(default)]
        pub covers: Vec<String>,
        #[serde(default)]
        pub entitled: Option<Vec<String>>,
        #[serde(default = "super::allow")]
        pub default: Access,
        #[serde(default)]
        pub access: Vec<VerdictJson>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct UserJson {
        pub email: String,
        #[serde(default)]
        pub display: Option<String>,
        pub country: String,
        #[serde(default)]
        pub groups: Vec<String>,
        #[serde(default)]
        pub roles: Vec<String>,
        #[serde(default)]
        pub status: Option<String>,
        #[serde(default)]
        pub exceptions: Vec<VerdictJson>,
        /// Derived in `entitle/1`: ignored.
        #[serde(default)]
        #[allow(dead_code)]
        pub entitlement_country: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct KeyJson {
        pub name: String,
        #[serde(default)]
        pub groups: Vec<String>,
        /// Derived in `entitle/1`: ignored.
        #[serde(default)]
        #[allow(dead_code)]
        pub entitlement_country: Option<String>,
    }

    impl From<PolicyJson> for super::PolicyJson {
        /// The same policy in `entitle/2` terms: no revenue, no entitlement-country
        /// attribute, no key `in`, no `global` (the derived fields are dropped).
        fn from(d: PolicyJson) -> super::PolicyJson {
            super::PolicyJson {
                schema: super::SCHEMA.to_string(),
                account: d.account.map(|a| super::AccountJson {
                    name: a.name,
                    domains: a.domains,
                    alerts: a.alerts,
                    global: vec![],
                }),
                products: d.products,
                countries: d
                    .countries
                    .into_iter()
                    .map(|c| super::CountryJson {
                        name: c.name,
                        display: c.display,
                        revenue: None,
                        covers: c.covers,
                        entitled: c.entitled,
                        default: c.default,
                        access: c.access,
                    })
                    .collect(),
                groups: d.groups,
                users: d
                    .users
                    .into_iter()
                    .map(|u| super::UserJson {
                        email: u.email,
                        display: u.display,
                        country: u.country,
                        entitlement_country: None,
                        groups: u.groups,
                        roles: u.roles,
                        status: u.status,
                        exceptions: u.exceptions,
                        effective_country: None,
                        country_by: None,
                    })
                    .collect(),
                keys: d
                    .keys
                    .into_iter()
                    .map(|k| super::KeyJson {
                        name: k.name,
                        country: None,
                        groups: k.groups,
                        effective_country: None,
                        country_by: None,
                    })
                    .collect(),
            }
        }
    }
}
