//! The resolved model as JSON: `entitle export --json` and `entitle import`.
//!
//! # Schema `entitle/2`
//!
//! One JSON object. Every field is written on export; on import the fields marked
//! *optional* may be left out (they take the value shown), fields marked *derived* are
//! computed by `entitle` for the reader's convenience and ignored on import (when present they
//! must still be a string or `null`), and any other field is an error (a new field means a
//! new schema version). `docs/json-schema.md` has the same description with an example.
//!
//! ```json
//! {
//!   "schema": "entitle/2",
//!   "account": {
//!     "name": "Acme Engineering",
//!     "domains": [{ "domain": "acme.com", "auto_approve": true }],
//!     "alerts": ["MicroStation"],
//!     "global": ["ProjectWise"]
//!   },
//!   "products": [{ "name": "OpenRoads", "display": "OpenRoads Designer" }],
//!   "countries": [{
//!     "name": "US", "display": "United States", "revenue": 1200000,
//!     "covers": ["CA", "MX"],
//!     "entitled": ["MicroStation", "OpenRoads"],
//!     "default": "deny",
//!     "access": [{ "product": "MicroStation", "access": "allow" }]
//!   }],
//!   "groups": [{
//!     "name": "A", "country": "US",
//!     "allowed": ["MicroStation"], "include_country": true,
//!     "exceptions": [{ "product": "LumenRT", "access": "allow" }],
//!     "mode": "allow-list"
//!   }],
//!   "users": [{
//!     "email": "alice@acme.com", "display": "Alice Smith",
//!     "country": "FR", "entitlement_country": "US",
//!     "groups": ["A"], "roles": ["account-admin"], "status": "locked",
//!     "exceptions": [{ "product": "OpenRoads", "access": "deny" }],
//!     "effective_country": "US", "country_by": "entitlement-country"
//!   }],
//!   "keys": [{ "name": "SS-0001", "country": "US", "groups": ["A"],
//!              "effective_country": "US", "country_by": "key-in" }]
//! }
//! ```
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `schema` | string, required | `"entitle/2"` (import also reads `"entitle/1"`, below) |
//! | `account` | object or `null`, optional (`null`) | the `account` declaration; `null` when there is none |
//! | `account.name` | string or `null`, optional | the account's name |
//! | `account.domains[]` | optional (`[]`) | `domain`: letters, digits, `.` and `-`; `auto_approve`: boolean, optional (`false`) |
//! | `account.alerts` | product references, optional (`[]`) | products with license alerting |
//! | `account.global` | product references, optional (`[]`) | (r2) products entitled in every country |
//! | `products[]` | optional (`[]`) | in declaration order |
//! | `products[].name` | string, required | the product's name |
//! | `products[].display` | string or `null`, optional | its display name |
//! | `countries[]` | optional (`[]`) | entitlement countries |
//! | `countries[].name`, `.display` | string; string or `null` (optional) | as for products |
//! | `countries[].revenue` | integer ≥ 0 of at most 18 digits, or `null`, optional (`null`) | (r2) annual recurring revenue; the highest is the fallback country |
//! | `countries[].covers` | strings, optional (`[]`) | profile country codes this country covers |
//! | `countries[].entitled` | product references or `null`, optional (`null`) | `null`: every product is entitled; `[]`: none is |
//! | `countries[].default` | `"allow"` or `"deny"`, optional (`"allow"`) | Default Access |
//! | `countries[].access[]` | optional (`[]`) | General Access overrides: `{ "product": reference, "access": "allow" \| "deny" }` |
//! | `groups[].name` | string, required | the entitlement group |
//! | `groups[].country` | country reference, required | the group's country |
//! | `groups[].allowed` | product references, optional (`[]`) | Allowed Applications, in order |
//! | `groups[].include_country` | boolean, optional (`false`) | "include Allowed Applications from the entitlement country" |
//! | `groups[].exceptions[]` | optional (`[]`) | legacy group exceptions, `{ "product", "access" }` |
//! | `groups[].mode` | derived | `"allow-list"`, `"legacy"` or `"unconfigured"` |
//! | `users[].email` | string, required | the user's email |
//! | `users[].display` | string or `null`, optional | display name |
//! | `users[].country` | string, required | profile country code (free-form) |
//! | `users[].entitlement_country` | declared country reference or `null`, optional (`null`) | (r2) the Entitlement Country attribute |
//! | `users[].groups` | group references, optional (`[]`) | in the user's order (it decides crediting) |
//! | `users[].roles` | strings, optional (`[]`) | `fulfillment-contact`, `account-admin`, `co-admin` |
//! | `users[].status` | string, optional (`"active"`) | `pending`, `invited`, `registered`, `active`, `locked` |
//! | `users[].exceptions[]` | optional (`[]`) | user exceptions, `{ "product", "access" }` |
//! | `users[].effective_country` | derived | the computed entitlement country's name, or `null` |
//! | `users[].country_by` | derived | how it was chosen: `entitlement-country`, `profile`, `covers`, `revenue`, or `null` |
//! | `keys[].name` | string, required | the activation key's id |
//! | `keys[].country` | declared country reference or `null`, optional (`null`) | (r2) the key's own country, `key ID in COUNTRY` |
//! | `keys[].groups` | group references, optional (`[]`) | its entitlement groups |
//! | `keys[].effective_country` | derived | the key's country, or `null` |
//! | `keys[].country_by` | derived | `key-in`, `key-groups` or `null` |
//!
//! References are written with the declared name on export. On import they follow the
//! language: case-insensitive, and a product or country may be referenced by its display
//! name. Lists on export are in declaration order and without repeats.
//!
//! What JSON does not carry: comments, `expect` lines and `scenario` blocks, and the way
//! statements were split or ordered. The decisions are the same: export, then import, gives
//! a policy in which every principal gets the same decision, by the same rule and group, in
//! the same entitlement country chosen the same way, on every product.
//!
//! # `entitle/1`
//!
//! Import still reads revision 1 exports: the same document without `account.global`,
//! `countries[].revenue`, `users[].effective_country`, `users[].country_by`, `keys[].country`
//! and the keys' `effective_country` / `country_by`; its `users[].entitlement_country` and
//! `keys[].entitlement_country` are *derived* (the computed country) and ignored. Such a
//! document describes a policy without any revision 2 construct.
//!
//! # Import checks
//!
//! A document that is not JSON, or has a field of the wrong type or an unknown field, is
//! reported with serde_json's line and column. A missing or unsupported `schema` is reported
//! before anything else. Then every name must be writable (on one line; any other string is a
//! name, the empty one too, as `""` is in a policy) and every domain a domain, and the policy
//! the document describes is checked by the resolver, exactly as a policy file is:
//! duplicates, unknown references (with a did-you-mean suggestion),
//! unknown roles and statuses, conflicting verdicts, profile codes covered twice, revenue
//! ties, keys whose groups leave their country, and so on. Each problem is reported at once
//! with its place in the document, e.g. `users[2] (bob@acme.com).groups[0]: unknown group
//! `Rods`; did you mean `Roads`?`.

mod export;
mod import;
pub mod schema;

pub use export::{export, export_text};
pub use import::{import, ImportError};
pub use schema::{
    AccountJson, CountryJson, DomainJson, GroupJson, KeyJson, PolicyJson, ProductJson, UserJson, VerdictJson, SCHEMA,
    SCHEMA_1,
};

use super::writable_name;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_schema_is_reported_before_anything_else() {
        let e = import(r#"{"schema": "entitle/3", "users": 3}"#).unwrap_err();
        assert!(
            matches!(e, ImportError::Schema(ref m) if m.contains("entitle/3") && m.contains("entitle/2")),
            "{e}"
        );
        let e = import(r#"{"users": []}"#).unwrap_err();
        assert!(matches!(e, ImportError::Schema(_)), "{e}");
    }

    #[test]
    fn json_errors_have_a_position() {
        let e = import("{\n  \"schema\": \"entitle/2\",\n  \"prodcts\": []\n}").unwrap_err();
        match e {
            ImportError::Json { message, line, column } => {
                assert_eq!(line, 3, "{message}");
                assert!(column > 0);
                assert!(message.contains("prodcts"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn revision_2_fields_are_not_part_of_entitle_1() {
        let e = import(r#"{"schema": "entitle/1", "countries": [{"name": "US", "revenue": 5}]}"#).unwrap_err();
        assert!(
            matches!(e, ImportError::Json { ref message, .. } if message.contains("revenue")),
            "{e:?}"
        );
        // entitle/1's entitlement_country is derived: ignored, never the attribute
        let doc = import(
            r#"{"schema": "entitle/1", "countries": [{"name": "US"}, {"name": "DE"}],
                "users": [{"email": "a@x.com", "country": "US", "entitlement_country": "DE"}]}"#,
        )
        .unwrap();
        assert!(!crate::fmt::format_document(&doc).contains("entitlement-country"));
    }

    #[test]
    fn unknown_references_name_their_place_and_a_suggestion() {
        let e = import(
            r#"{"schema": "entitle/2",
                "products": [{"name": "MicroStation"}],
                "countries": [{"name": "US", "covers": ["CA"]}],
                "groups": [{"name": "Roads", "country": "US", "allowed": ["Microstaton"]}],
                "users": [{"email": "a@x.com", "country": "US", "groups": ["Rods"], "roles": ["admin"],
                           "entitlement_country": "CA"}],
                "keys": [{"name": "K", "country": "Usa"}]}"#,
        )
        .unwrap_err();
        let ImportError::Invalid(list) = e else { panic!("{e:?}") };
        let has = |prefix: &str| list.iter().any(|m| m.starts_with(prefix));
        assert!(
            has("groups[0] (Roads).allowed[0]: unknown product `Microstaton`; did you mean `MicroStation`?"),
            "{list:#?}"
        );
        assert!(
            has("users[0] (a@x.com).groups[0]: unknown group `Rods`; did you mean `Roads`?"),
            "{list:#?}"
        );
        assert!(has("users[0] (a@x.com).roles[0]: `admin` is not a role; the roles are: `fulfillment-contact`, `account-admin`, `co-admin`"), "{list:#?}");
        assert!(
            has("users[0] (a@x.com).entitlement_country: unknown country `CA` (`CA` is a profile code covered by US, not a declared country); did you mean `US`?"),
            "{list:#?}"
        );
        assert!(has("keys[0] (K).country: unknown country `Usa`"), "{list:#?}");
        assert_eq!(list.len(), 5, "{list:#?}");
    }

    #[test]
    fn problems_only_the_whole_policy_shows_are_placed_too() {
        let e = import(
            r#"{"schema": "entitle/2",
                "countries": [{"name": "US", "revenue": 10, "covers": ["CA"]},
                              {"name": "MX", "revenue": 10, "covers": ["ca"]}],
                "groups": [{"name": "G", "country": "MX"}],
                "keys": [{"name": "K", "country": "US", "groups": ["G"]}]}"#,
        )
        .unwrap_err();
        let ImportError::Invalid(list) = e else { panic!("{e:?}") };
        assert_eq!(
            list,
            [
                "countries[1] (MX).revenue: US and MX share the highest revenue (the same revenue as the first; US's revenue (countries[0] (US).revenue)); the fallback entitlement country would be ambiguous: make one revenue higher",
                "countries[1] (MX).covers[0]: profile code `ca` is covered by two countries (already covered by `US` at countries[0] (US).covers[0]); a profile code maps to exactly one entitlement country",
                "keys[0] (K).groups[0]: group `G` of key `K` is in MX, not in the key's country US (`G` is in MX; the key's country (keys[0] (K).country)); a key's groups must belong to the key's own country",
            ],
        );
    }

    #[test]
    fn names_that_cannot_be_written_and_numbers_too_long_are_reported() {
        let e = import(
            r#"{"schema": "entitle/2", "products": [{"name": "Open\rRoads"}],
                "countries": [{"name": "US", "revenue": 1000000000000000000}],
                "users": [{"email": "a@x.com", "country": "U\nS"}]}"#,
        )
        .unwrap_err();
        let ImportError::Invalid(list) = e else { panic!("{e:?}") };
        assert!(
            list[0].starts_with("products[0].name: a product name must be a string on one line"),
            "{list:#?}"
        );
        assert!(list[1].starts_with("countries[0] (US).revenue: `1_000_000_000_000_000_000` is not a valid number (19 digits: at most 18 are allowed)"), "{list:#?}");
        assert!(
            list[2].starts_with("users[0] (a@x.com).country: a profile country code must be"),
            "{list:#?}"
        );
    }
}
