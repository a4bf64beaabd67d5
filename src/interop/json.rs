//! The resolved model as JSON: `entitle export --json` and `entitle import`.
//!
//! # Schema `entitle/1`
//!
//! One JSON object. Every field is written on export; on import the fields marked
//! *optional* may be left out (they take the value shown), fields marked *derived* are
//! computed by `entitle` for the reader's convenience and ignored on import (when present they
//! must still be a string or `null`), and any other field is an error (a new field means a
//! new schema version).
//!
//! ```json
//! {
//!   "schema": "entitle/1",
//!   "account": {
//!     "name": "Acme Engineering",
//!     "domains": [{ "domain": "acme.com", "auto_approve": true }],
//!     "alerts": ["MicroStation"]
//!   },
//!   "products": [{ "name": "OpenRoads", "display": "OpenRoads Designer" }],
//!   "countries": [{
//!     "name": "US", "display": "United States",
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
//!     "country": "US", "groups": ["A"], "roles": ["account-admin"], "status": "active",
//!     "exceptions": [{ "product": "OpenRoads", "access": "deny" }],
//!     "entitlement_country": "US"
//!   }],
//!   "keys": [{ "name": "SS-0001", "groups": ["A"], "entitlement_country": "US" }]
//! }
//! ```
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `schema` | string, required | exactly `"entitle/1"` |
//! | `account` | object or `null`, optional (`null`) | the `account` declaration; `null` when there is none |
//! | `account.name` | string or `null`, optional | the account's name |
//! | `account.domains[]` | optional (`[]`) | `domain`: letters, digits, `.` and `-`; `auto_approve`: boolean, optional (`false`) |
//! | `account.alerts` | product references, optional (`[]`) | products with license alerting |
//! | `products[]` | optional (`[]`) | in declaration order |
//! | `products[].name` | string, required | the product's name |
//! | `products[].display` | string or `null`, optional | its display name |
//! | `countries[]` | optional (`[]`) | entitlement countries |
//! | `countries[].name`, `.display` | string; string or `null` (optional) | as for products |
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
//! | `users[].groups` | group references, optional (`[]`) | in the user's order (it decides crediting) |
//! | `users[].roles` | strings, optional (`[]`) | `fulfillment-contact`, `account-admin`, `co-admin` |
//! | `users[].status` | string, optional (`"active"`) | `pending`, `invited`, `registered`, `active` |
//! | `users[].exceptions[]` | optional (`[]`) | user exceptions, `{ "product", "access" }` |
//! | `users[].entitlement_country` | derived | the computed entitlement country's name, or `null` |
//! | `keys[].name` | string, required | the activation key's id |
//! | `keys[].groups` | group references, optional (`[]`) | its entitlement groups |
//! | `keys[].entitlement_country` | derived | the country of its groups, or `null` |
//!
//! References are written with the declared name on export. On import they follow the
//! language: case-insensitive, and a product or country may be referenced by its display
//! name. Lists on export are in declaration order and without repeats.
//!
//! What JSON does not carry: comments, `expect` lines and `scenario` blocks, and the way
//! statements were split or ordered. The decisions are the same: export, then import, gives
//! a policy in which every principal gets the same decision, by the same rule and group, on
//! every product.
//!
//! # Import checks
//!
//! A document that is not JSON, or has a field of the wrong type or an unknown field, is
//! reported with serde_json's line and column. A missing or different `schema` is reported
//! before anything else. Then every name must be writable (not empty, one line), names must
//! be unique per kind (names and display names share a namespace, ignoring case), every
//! reference must name a declared entity (with a did-you-mean suggestion), roles and statuses
//! must be known, and one list may not give a product both verdicts. Each problem names the
//! place in the document, e.g. `users[2] (bob@acme.com).groups[0]`. Finally the policy text
//! is parsed and resolved like a file, which catches the rest (e.g. a profile code covered
//! by two countries).

use super::writable_name;
use crate::diag::closest;
use crate::model::{Model, Role, Status};
use crate::source::Span;
use crate::syntax::ast::*;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

/// The schema identifier written and accepted.
pub const SCHEMA: &str = "entitle/1";

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
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub exceptions: Vec<VerdictJson>,
    /// Derived: ignored on import.
    #[serde(default)]
    pub entitlement_country: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyJson {
    pub name: String,
    #[serde(default)]
    pub groups: Vec<String>,
    /// Derived: ignored on import.
    #[serde(default)]
    pub entitlement_country: Option<String>,
}

// ------------------------------------------------------------------------------ export

/// The resolved model in schema `entitle/1`.
pub fn export(m: &Model) -> PolicyJson {
    let product = |p: crate::model::ProductId| m.product(p).name.clone();
    let country = |c: crate::model::CountryId| m.country(c).name.clone();
    let group = |g: crate::model::GroupId| m.group(g).name.clone();
    let verdicts = |list: &[(crate::model::ProductId, Access, Span)]| -> Vec<VerdictJson> {
        list.iter()
            .map(|&(p, access, _)| VerdictJson {
                product: product(p),
                access,
            })
            .collect()
    };
    PolicyJson {
        schema: SCHEMA.to_string(),
        account: m.account.as_ref().map(|a| AccountJson {
            name: a.name.clone(),
            domains: a
                .domains
                .iter()
                .map(|d| DomainJson {
                    domain: d.name.clone(),
                    auto_approve: d.auto_approve,
                })
                .collect(),
            alerts: a.alerts.iter().map(|&(p, _)| product(p)).collect(),
        }),
        products: m
            .products
            .iter()
            .map(|p| ProductJson {
                name: p.name.clone(),
                display: p.display.clone(),
            })
            .collect(),
        countries: m
            .countries
            .iter()
            .map(|c| {
                let mut access: Vec<_> = c.overrides.iter().map(|(&p, &(a, _))| (p, a)).collect();
                access.sort();
                CountryJson {
                    name: c.name.clone(),
                    display: c.display.clone(),
                    covers: c.covers.iter().map(|(code, _)| code.clone()).collect(),
                    entitled: c.entitled.as_ref().map(|e| {
                        let mut ids: Vec<_> = e.products.keys().copied().collect();
                        ids.sort();
                        ids.into_iter().map(product).collect()
                    }),
                    default: c.default,
                    access: access
                        .into_iter()
                        .map(|(p, access)| VerdictJson {
                            product: product(p),
                            access,
                        })
                        .collect(),
                }
            })
            .collect(),
        groups: m
            .groups
            .iter()
            .map(|g| GroupJson {
                name: g.name.clone(),
                country: country(g.country),
                allowed: g.allowed.iter().map(|&(p, _)| product(p)).collect(),
                include_country: g.include_country.is_some(),
                exceptions: verdicts(&g.exceptions),
                mode: Some(
                    match g.mode() {
                        crate::model::GroupMode::AllowList => "allow-list",
                        crate::model::GroupMode::Legacy => "legacy",
                        crate::model::GroupMode::Unconfigured => "unconfigured",
                    }
                    .to_string(),
                ),
            })
            .collect(),
        users: m
            .users
            .iter()
            .map(|u| UserJson {
                email: u.email.clone(),
                display: u.display.clone(),
                country: u.profile.0.clone(),
                groups: u.groups.iter().map(|&(g, _)| group(g)).collect(),
                roles: u.roles.iter().map(|(r, _)| r.as_str().to_string()).collect(),
                status: Some(u.status.as_str().to_string()),
                exceptions: verdicts(&u.exceptions),
                entitlement_country: u.country.map(country),
            })
            .collect(),
        keys: m
            .keys
            .iter()
            .map(|k| KeyJson {
                name: k.name.clone(),
                groups: k.groups.iter().map(|&(g, _)| group(g)).collect(),
                entitlement_country: k.country.map(country),
            })
            .collect(),
    }
}

/// [`export`] as pretty-printed JSON text (two-space indentation, a final newline).
pub fn export_text(m: &Model) -> String {
    let mut text = serde_json::to_string_pretty(&export(m)).expect("plain data serialises");
    text.push('\n');
    text
}

// ------------------------------------------------------------------------------ import

/// Why a JSON document cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Not JSON, a wrong type or an unknown field: serde_json's message and position
    /// (1-based line and column; 0 when the document ended early).
    Json {
        message: String,
        line: usize,
        column: usize,
    },
    /// `schema` missing or not `entitle/1`.
    Schema(String),
    /// Names and references that do not check out, each with its place in the document.
    Invalid(Vec<String>),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Json { message, line, column } => write!(f, "{line}:{column}: {message}"),
            ImportError::Schema(m) => f.write_str(m),
            ImportError::Invalid(list) => f.write_str(&list.join("\n")),
        }
    }
}

impl std::error::Error for ImportError {}

fn json_error(e: &serde_json::Error) -> ImportError {
    // serde_json appends " at line L column C"; the position is reported separately
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    ImportError::Json {
        message,
        line: e.line(),
        column: e.column(),
    }
}

/// Parse and check a JSON document of schema `entitle/1`, and build the policy document it
/// describes (format it with [`crate::fmt::format_document`]; it still needs resolving to
/// catch what only the whole policy shows, such as a code covered by two countries).
pub fn import(text: &str) -> Result<Document, ImportError> {
    #[derive(Deserialize)]
    struct Probe {
        schema: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    match probe.schema {
        None => {
            return Err(ImportError::Schema(format!(
                "this is not an entitle export: it has no `\"schema\": \"{SCHEMA}\"` field"
            )))
        }
        Some(serde_json::Value::String(s)) if s == SCHEMA => {}
        Some(other) => {
            return Err(ImportError::Schema(format!(
                "unsupported schema {other}: this version of entitle reads `{SCHEMA}` (export the policy again with this version)"
            )))
        }
    }
    let doc: PolicyJson = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    let problems = check(&doc);
    if !problems.is_empty() {
        return Err(ImportError::Invalid(problems));
    }
    Ok(build(&doc))
}

/// Names declared per kind, for references and suggestions.
#[derive(Default)]
struct Names {
    /// lowercase name or display name → declared name
    index: HashMap<String, String>,
    /// declared names, for suggestions
    list: Vec<String>,
}

impl Names {
    fn find(&self, name: &str) -> Option<&str> {
        self.index.get(&name.to_lowercase()).map(String::as_str)
    }
}

/// Every problem of a parsed document, each with its place.
fn check(doc: &PolicyJson) -> Vec<String> {
    let mut out = vec![];
    let mut products = Names::default();
    let mut countries = Names::default();
    let mut groups = Names::default();
    let mut users = Names::default();
    let mut keys = Names::default();

    // a declared name (and display name) must be writable and unique within its kind
    let declare = |names: &mut Names,
                   kind: &str,
                   at: &str,
                   name: &str,
                   display: Option<&str>,
                   out: &mut Vec<String>| {
        let mut ok = true;
        for (field, text) in std::iter::once(("name", Some(name))).chain(std::iter::once(("display", display))) {
            let Some(text) = text else { continue };
            if !writable_name(text) {
                out.push(format!(
                    "{at}.{field}: a {kind} {field} must be a non-empty string on one line"
                ));
                ok = false;
                continue;
            }
            if field == "display" && text.to_lowercase() == name.to_lowercase() {
                continue;
            }
            if let Some(first) = names.index.get(&text.to_lowercase()) {
                out.push(format!(
                    "{at}.{field}: {kind} `{text}` is declared twice (also `{first}`; names and display names match ignoring case)"
                ));
                ok = false;
            }
        }
        if ok {
            names.index.insert(name.to_lowercase(), name.to_string());
            if let Some(d) = display {
                names.index.insert(d.to_lowercase(), name.to_string());
            }
            names.list.push(name.to_string());
        }
    };
    for (i, p) in doc.products.iter().enumerate() {
        declare(
            &mut products,
            "product",
            &format!("products[{i}]"),
            &p.name,
            p.display.as_deref(),
            &mut out,
        );
    }
    for (i, c) in doc.countries.iter().enumerate() {
        declare(
            &mut countries,
            "country",
            &format!("countries[{i}]"),
            &c.name,
            c.display.as_deref(),
            &mut out,
        );
    }
    for (i, g) in doc.groups.iter().enumerate() {
        declare(&mut groups, "group", &format!("groups[{i}]"), &g.name, None, &mut out);
    }
    for (i, u) in doc.users.iter().enumerate() {
        declare(&mut users, "user", &format!("users[{i}]"), &u.email, None, &mut out);
    }
    for (i, k) in doc.keys.iter().enumerate() {
        declare(&mut keys, "key", &format!("keys[{i}]"), &k.name, None, &mut out);
    }

    let refer = |names: &Names, kind: &str, at: String, name: &str, out: &mut Vec<String>| {
        if names.find(name).is_none() {
            let hint = closest(name, names.list.iter().map(String::as_str))
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            out.push(format!("{at}: unknown {kind} `{name}`{hint}"));
        }
    };
    let verdicts = |at: &str, list: &[VerdictJson], out: &mut Vec<String>| {
        let mut seen: HashMap<String, Access> = HashMap::default();
        for (j, v) in list.iter().enumerate() {
            let place = format!("{at}[{j}].product");
            refer(&products, "product", place.clone(), &v.product, out);
            if let Some(declared) = products.find(&v.product) {
                match seen.get(declared) {
                    Some(&a) if a != v.access => out.push(format!(
                        "{place}: `{}` is both allowed and denied in one list",
                        v.product
                    )),
                    _ => {
                        seen.insert(declared.to_string(), v.access);
                    }
                }
            }
        }
    };
    let text_field = |at: String, what: &str, text: &str, out: &mut Vec<String>| {
        if !writable_name(text) {
            out.push(format!("{at}: a {what} must be a non-empty string on one line"));
        }
    };

    if let Some(a) = &doc.account {
        if let Some(n) = &a.name {
            text_field("account.name".into(), "name", n, &mut out);
        }
        let mut seen: HashMap<String, usize> = HashMap::default();
        for (i, d) in a.domains.iter().enumerate() {
            let at = format!("account.domains[{i}].domain");
            if d.domain.is_empty()
                || !d
                    .domain
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            {
                out.push(format!(
                    "{at}: `{}` is not a domain (letters, digits, `.` and `-` only)",
                    d.domain
                ));
            } else if let Some(first) = seen.insert(d.domain.to_lowercase(), i) {
                out.push(format!(
                    "{at}: domain `{}` is listed twice (also account.domains[{first}])",
                    d.domain
                ));
            }
        }
        for (i, p) in a.alerts.iter().enumerate() {
            refer(&products, "product", format!("account.alerts[{i}]"), p, &mut out);
        }
    }
    for (i, c) in doc.countries.iter().enumerate() {
        let at = format!("countries[{i}] ({})", c.name);
        for (j, code) in c.covers.iter().enumerate() {
            text_field(format!("{at}.covers[{j}]"), "profile country code", code, &mut out);
        }
        for (j, p) in c.entitled.iter().flatten().enumerate() {
            refer(&products, "product", format!("{at}.entitled[{j}]"), p, &mut out);
        }
        verdicts(&format!("{at}.access"), &c.access, &mut out);
    }
    for (i, g) in doc.groups.iter().enumerate() {
        let at = format!("groups[{i}] ({})", g.name);
        refer(&countries, "country", format!("{at}.country"), &g.country, &mut out);
        for (j, p) in g.allowed.iter().enumerate() {
            refer(&products, "product", format!("{at}.allowed[{j}]"), p, &mut out);
        }
        verdicts(&format!("{at}.exceptions"), &g.exceptions, &mut out);
    }
    for (i, u) in doc.users.iter().enumerate() {
        let at = format!("users[{i}] ({})", u.email);
        if let Some(d) = &u.display {
            text_field(format!("{at}.display"), "display name", d, &mut out);
        }
        text_field(format!("{at}.country"), "profile country code", &u.country, &mut out);
        for (j, g) in u.groups.iter().enumerate() {
            refer(&groups, "group", format!("{at}.groups[{j}]"), g, &mut out);
        }
        for (j, r) in u.roles.iter().enumerate() {
            if Role::parse(r).is_none() {
                let names = Role::ALL.map(Role::as_str);
                let hint = closest(r, names)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                out.push(format!(
                    "{at}.roles[{j}]: unknown role `{r}`{hint} (one of {})",
                    names.join(", ")
                ));
            }
        }
        if let Some(s) = &u.status {
            if Status::parse(s).is_none() {
                let names = Status::ALL.map(Status::as_str);
                let hint = closest(s, names)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                out.push(format!(
                    "{at}.status: unknown status `{s}`{hint} (one of {})",
                    names.join(", ")
                ));
            }
        }
        verdicts(&format!("{at}.exceptions"), &u.exceptions, &mut out);
    }
    for (i, k) in doc.keys.iter().enumerate() {
        for (j, g) in k.groups.iter().enumerate() {
            refer(
                &groups,
                "group",
                format!("keys[{i}] ({}).groups[{j}]", k.name),
                g,
                &mut out,
            );
        }
    }
    out
}

fn name(text: &str) -> Name {
    Name::new(text, Span::default())
}

fn names(list: &[String]) -> Vec<Name> {
    list.iter().map(|t| name(t)).collect()
}

fn node<T>(kind: T) -> Node<T> {
    Node::new(kind, Span::default())
}

/// A verdict list as `allow`/`deny` statements: one per run of the same verdict, so the
/// order of the list is kept.
fn runs(list: &[VerdictJson]) -> Vec<(Access, Vec<Name>)> {
    let mut out: Vec<(Access, Vec<Name>)> = vec![];
    for v in list {
        match out.last_mut() {
            Some((a, names)) if *a == v.access => names.push(name(&v.product)),
            _ => out.push((v.access, vec![name(&v.product)])),
        }
    }
    out
}

/// The policy document a checked JSON document describes: declarations in the order
/// account, products, countries, groups, users, keys.
fn build(doc: &PolicyJson) -> Document {
    let mut items = vec![];
    let mut push = |d: Decl| items.push(node(Item::Decl(d)));
    if let Some(a) = &doc.account {
        let mut stmts: Vec<Node<AccountStmt>> = a
            .domains
            .iter()
            .map(|d| {
                node(AccountStmt::Domain {
                    domain: name(&d.domain),
                    auto_approve: d.auto_approve,
                })
            })
            .collect();
        if !a.alerts.is_empty() {
            stmts.push(node(AccountStmt::Alerts(names(&a.alerts))));
        }
        push(Decl::Account(AccountDecl {
            name: a.name.as_deref().map(name),
            has_block: !stmts.is_empty(),
            stmts,
            end_comments: vec![],
        }));
    }
    for p in &doc.products {
        push(Decl::Product(ProductDecl {
            name: name(&p.name),
            display: p.display.as_deref().map(name),
        }));
    }
    for c in &doc.countries {
        let mut stmts = vec![];
        if !c.covers.is_empty() {
            stmts.push(node(CountryStmt::Covers(names(&c.covers))));
        }
        if let Some(e) = &c.entitled {
            stmts.push(node(CountryStmt::Entitled(names(e))));
        }
        if c.default == Access::Deny {
            stmts.push(node(CountryStmt::Default(Access::Deny)));
        }
        for (access, list) in runs(&c.access) {
            stmts.push(node(CountryStmt::Access(access, list)));
        }
        push(Decl::Country(CountryDecl {
            name: name(&c.name),
            display: c.display.as_deref().map(name),
            stmts,
            end_comments: vec![],
        }));
    }
    for g in &doc.groups {
        let mut stmts = vec![];
        if !g.allowed.is_empty() {
            stmts.push(node(GroupStmt::Allowed(names(&g.allowed))));
        }
        if g.include_country {
            stmts.push(node(GroupStmt::IncludeCountry));
        }
        for (access, list) in runs(&g.exceptions) {
            stmts.push(node(GroupStmt::Exception(access, list)));
        }
        push(Decl::Group(GroupDecl {
            name: name(&g.name),
            country: name(&g.country),
            stmts,
            end_comments: vec![],
        }));
    }
    for u in &doc.users {
        let mut stmts = vec![node(UserStmt::Country(name(&u.country)))];
        if !u.groups.is_empty() {
            stmts.push(node(UserStmt::Groups(names(&u.groups))));
        }
        if !u.roles.is_empty() {
            stmts.push(node(UserStmt::Roles(names(&u.roles))));
        }
        if let Some(s) = u.status.as_deref().filter(|s| *s != Status::Active.as_str()) {
            stmts.push(node(UserStmt::Status(name(s))));
        }
        for (access, list) in runs(&u.exceptions) {
            stmts.push(node(UserStmt::Access(access, list)));
        }
        push(Decl::User(UserDecl {
            email: name(&u.email),
            display: u.display.as_deref().map(name),
            stmts,
            end_comments: vec![],
        }));
    }
    for k in &doc.keys {
        let stmts = if k.groups.is_empty() {
            vec![]
        } else {
            vec![node(KeyStmt::Groups(names(&k.groups)))]
        };
        push(Decl::Key(KeyDecl {
            name: name(&k.name),
            country: None,
            stmts,
            end_comments: vec![],
        }));
    }
    Document {
        items,
        end_comments: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_schema_is_reported_before_anything_else() {
        let e = import(r#"{"schema": "entitle/2", "users": 3}"#).unwrap_err();
        assert!(
            matches!(e, ImportError::Schema(ref m) if m.contains("entitle/2")),
            "{e}"
        );
        let e = import(r#"{"users": []}"#).unwrap_err();
        assert!(matches!(e, ImportError::Schema(_)), "{e}");
    }

    #[test]
    fn json_errors_have_a_position() {
        let e = import("{\n  \"schema\": \"entitle/1\",\n  \"prodcts\": []\n}").unwrap_err();
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
    fn unknown_references_name_their_place_and_a_suggestion() {
        let e = import(
            r#"{"schema": "entitle/1",
                "products": [{"name": "MicroStation"}],
                "countries": [{"name": "US"}],
                "groups": [{"name": "Roads", "country": "US", "allowed": ["Microstaton"]}],
                "users": [{"email": "a@x.com", "country": "US", "groups": ["Rods"], "roles": ["admin"]}]}"#,
        )
        .unwrap_err();
        let ImportError::Invalid(list) = e else { panic!("{e:?}") };
        assert!(
            list.iter().any(|m| m.starts_with(
                "groups[0] (Roads).allowed[0]: unknown product `Microstaton`; did you mean `MicroStation`?"
            )),
            "{list:#?}"
        );
        assert!(
            list.iter()
                .any(|m| m.starts_with("users[0] (a@x.com).groups[0]: unknown group `Rods`; did you mean `Roads`?")),
            "{list:#?}"
        );
        assert!(list.iter().any(|m| m.contains("unknown role `admin`")), "{list:#?}");
    }
}
