//! Account roles and capabilities (LANGUAGE.md §4): what `entitle can` answers.
//!
//! | capability | who | must be `active` |
//! |---|---|---|
//! | `receive-billing` | fulfillment contacts | no |
//! | `manage-users` | administrators, fulfillment contacts | yes |
//! | `manage-domains` (r2) | account-admins only | yes |
//! | `manage-entitlements` | administrators | yes |
//! | `receive-alerts PRODUCT` | administrators, when the account's `alerts` lists PRODUCT | no |
//!
//! An *administrator* is an `account-admin` or a `co-admin`. Keys hold no roles. A `locked`
//! user is not active.
//!
//! Decisions written down here (the contract is silent on them):
//! - When the principal holds several roles that grant the capability, the one credited is the
//!   first in the capability's own order ([`Capability::granting_roles`]: administrators before
//!   fulfillment contacts), so reordering a `roles` list never changes the answer.
//! - Precedence when several reasons to refuse apply: a key is always [`CanReason::KeyHoldsNoRoles`];
//!   for a user, a missing role comes first, then a status that is not `active`, then (for
//!   `receive-alerts`) a product without alerting.
//! - A product passed to a capability that takes none is ignored (the CLI rejects it first).
//!   `receive-alerts` without a product asks "does the principal receive license alerts for
//!   some product": granted to an administrator when the account's `alerts` list is non-empty,
//!   else refused with [`CanReason::NoAlertedProducts`].

use crate::model::{Model, Principal, ProductId, Role, Status};
use crate::source::Span;
use std::fmt;

/// A capability an account role can give (LANGUAGE.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// Renewal notices, invoices, fulfillment documents.
    ReceiveBilling,
    /// Register users, bulk import, approve pending registrations.
    ManageUsers,
    /// (r2) Claim email domains, turn auto-approval on or off: account-admins only.
    ManageDomains,
    /// License settings in the portal.
    ManageEntitlements,
    /// License alerts for one product.
    ReceiveAlerts,
}

/// Why a `can` question cannot be asked, before any name in the policy is looked up. The
/// front ends word `NeedsProduct` for their own input (an argument, a field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CanArgError {
    /// No capability of this name.
    UnknownCapability {
        /// The name asked about.
        name: String,
        /// The closest capability's name, if any is close.
        suggestion: Option<String>,
    },
    /// The capability is asked about one product, and none was given.
    NeedsProduct(Capability),
    /// The capability takes no product, and this one was given.
    TakesNoProduct(Capability, String),
}

impl fmt::Display for CanArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CanArgError::UnknownCapability { name, suggestion } => {
                let names: Vec<&str> = Capability::ALL.iter().map(|c| c.as_str()).collect();
                write!(f, "unknown capability `{name}` (one of: {})", names.join(", "))?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean `{s}`?")?;
                }
                Ok(())
            }
            CanArgError::NeedsProduct(c) => write!(f, "`{}` needs a product", c.as_str()),
            CanArgError::TakesNoProduct(c, name) => {
                write!(f, "`{}` takes no product, but `{name}` was given", c.as_str())
            }
        }
    }
}

impl Capability {
    /// Every capability, in declaration order.
    pub const ALL: [Capability; 5] = [
        Capability::ReceiveBilling,
        Capability::ManageUsers,
        Capability::ManageDomains,
        Capability::ManageEntitlements,
        Capability::ReceiveAlerts,
    ];

    /// The kebab-case name, as `entitle can` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::ReceiveBilling => "receive-billing",
            Capability::ManageUsers => "manage-users",
            Capability::ManageDomains => "manage-domains",
            Capability::ManageEntitlements => "manage-entitlements",
            Capability::ReceiveAlerts => "receive-alerts",
        }
    }

    /// Parse the command-line spelling (exact, lowercase).
    pub fn parse(s: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The capability named `s`, or why there is none: the names there are, and the closest.
    pub fn named(s: &str) -> Result<Capability, CanArgError> {
        Capability::parse(s).ok_or_else(|| CanArgError::UnknownCapability {
            name: s.to_string(),
            suggestion: crate::diag::closest(s, Capability::ALL.iter().map(|c| c.as_str())).map(str::to_string),
        })
    }

    /// Whether the capability is asked about one product (`receive-alerts PRODUCT`).
    pub fn takes_product(self) -> bool {
        matches!(self, Capability::ReceiveAlerts)
    }

    /// Check that a product is given exactly when the capability takes one: the product's
    /// name, if any.
    pub fn product_arg(self, product: Option<&str>) -> Result<Option<&str>, CanArgError> {
        match (self.takes_product(), product) {
            (true, None) => Err(CanArgError::NeedsProduct(self)),
            (false, Some(name)) => Err(CanArgError::TakesNoProduct(self, name.to_string())),
            (_, product) => Ok(product),
        }
    }

    /// Whether the principal's status must be `active` for the capability.
    pub fn requires_active(self) -> bool {
        matches!(
            self,
            Capability::ManageUsers | Capability::ManageDomains | Capability::ManageEntitlements
        )
    }

    /// The roles that grant the capability, in the order they are credited.
    pub fn granting_roles(self) -> &'static [Role] {
        match self {
            Capability::ReceiveBilling => &[Role::FulfillmentContact],
            Capability::ManageUsers => &[Role::AccountAdmin, Role::CoAdmin, Role::FulfillmentContact],
            Capability::ManageDomains => &[Role::AccountAdmin],
            Capability::ManageEntitlements | Capability::ReceiveAlerts => &[Role::AccountAdmin, Role::CoAdmin],
        }
    }

    /// What the capability lets a person do, for messages.
    pub fn meaning(self) -> &'static str {
        match self {
            Capability::ReceiveBilling => "renewal notices, invoices and fulfillment documents",
            Capability::ManageUsers => "register users, bulk import, approve pending registrations",
            Capability::ManageDomains => "claim email domains, turn auto-approval on or off",
            Capability::ManageEntitlements => "license settings in the portal",
            Capability::ReceiveAlerts => "license alerts",
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What decided a capability question.
///
/// Serialized adjacently tagged, kebab-case: `{"reason":"has-role","detail":"co-admin"}`,
/// `{"reason":"missing-role","detail":["account-admin","co-admin"]}`,
/// `{"reason":"not-active","detail":"pending"}`,
/// `{"reason":"product-not-alerted","detail":3}` (the product's index; use
/// [`CanAnswer::to_json`] for names), `{"reason":"key-holds-no-roles"}`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "reason", content = "detail")]
pub enum CanReason {
    /// Granted by this role.
    HasRole(Role),
    /// Refused: the principal holds none of these roles (each would grant it).
    MissingRole(Vec<Role>),
    /// Refused: a granting role is held, but the status is not `active`
    /// (`manage-users`, `manage-domains` and `manage-entitlements` only).
    NotActive(Status),
    /// Refused: an administrator asked `receive-alerts` for a product the account's `alerts`
    /// list does not name.
    #[serde(serialize_with = "serialize_product_id")]
    ProductNotAlerted(ProductId),
    /// Refused: `receive-alerts` without a product, and the account has no `alerts` at all.
    NoAlertedProducts,
    /// Refused: the principal is an activation key, and keys hold no roles.
    KeyHoldsNoRoles,
}

fn serialize_product_id<S: serde::Serializer>(p: &ProductId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u32(p.0)
}

impl CanReason {
    /// The kebab-case name of the reason (`has-role`, `missing-role`, …).
    pub fn as_str(&self) -> &'static str {
        match self {
            CanReason::HasRole(_) => "has-role",
            CanReason::MissingRole(_) => "missing-role",
            CanReason::NotActive(_) => "not-active",
            CanReason::ProductNotAlerted(_) => "product-not-alerted",
            CanReason::NoAlertedProducts => "no-alerted-products",
            CanReason::KeyHoldsNoRoles => "key-holds-no-roles",
        }
    }
}

/// The answer to "can PRINCIPAL do CAPABILITY [for PRODUCT]?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanAnswer {
    /// Whether the principal has the capability (then `reason` is [`CanReason::HasRole`]).
    pub granted: bool,
    /// What decided.
    pub reason: CanReason,
    /// The statement that decided: the `roles` statement of the deciding role, the `status`
    /// statement (or the user's declaration when omitted) for [`CanReason::NotActive`], the
    /// account declaration for [`CanReason::ProductNotAlerted`] and
    /// [`CanReason::NoAlertedProducts`] (when there is an account); `None` otherwise.
    pub source: Option<Span>,
    /// The principal asked about.
    pub principal: Principal,
    /// The capability asked about.
    pub capability: Capability,
    /// The product asked about (`None` unless the capability takes one).
    pub product: Option<ProductId>,
}

/// Decide whether `principal` has `cap` (for `product`, with `receive-alerts`).
pub fn can(model: &Model, principal: Principal, cap: Capability, product: Option<ProductId>) -> CanAnswer {
    let product = if cap.takes_product() { product } else { None };
    let answer = |granted, reason, source| CanAnswer {
        granted,
        reason,
        source,
        principal,
        capability: cap,
        product,
    };
    let user = match principal {
        Principal::Key(_) => return answer(false, CanReason::KeyHoldsNoRoles, None),
        Principal::User(u) => model.user(u),
    };

    // 1. the role
    let held = cap
        .granting_roles()
        .iter()
        .find_map(|&r| user.roles.iter().find(|(x, _)| *x == r).map(|&(r, span)| (r, span)));
    let Some((role, role_span)) = held else {
        return answer(false, CanReason::MissingRole(cap.granting_roles().to_vec()), None);
    };

    // 2. the status
    if cap.requires_active() && user.status != Status::Active {
        return answer(
            false,
            CanReason::NotActive(user.status),
            Some(user.status_span.unwrap_or(user.span)),
        );
    }

    // 3. alerting
    if cap == Capability::ReceiveAlerts {
        let alerts: &[(ProductId, Span)] = model.account.as_ref().map_or(&[], |a| &a.alerts);
        let account_span = model.account.as_ref().and_then(|a| a.span);
        match product {
            Some(p) if !alerts.iter().any(|(q, _)| *q == p) => {
                return answer(false, CanReason::ProductNotAlerted(p), account_span);
            }
            None if alerts.is_empty() => {
                return answer(false, CanReason::NoAlertedProducts, account_span);
            }
            _ => {}
        }
    }

    answer(true, CanReason::HasRole(role), Some(role_span))
}

/// "a co-admin" / "an account-admin".
fn with_article(role: Role) -> String {
    let r = role.as_str();
    if r.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {r}")
    } else {
        format!("a {r}")
    }
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl CanAnswer {
    /// One sentence for support staff, e.g.
    /// `alice@acme.com can receive-billing (renewal notices, invoices and fulfillment
    /// documents): they are a fulfillment-contact`.
    pub fn describe(&self, model: &Model) -> String {
        let who = model.principal_name(self.principal);
        let cap = self.capability;
        let product = self.product.map(|p| model.product(p).name.as_str());
        // "receive-alerts for MicroStation" / "manage-users (register users, …)"
        let what = match (cap, product) {
            (Capability::ReceiveAlerts, Some(p)) => format!("receive-alerts for {p}"),
            (Capability::ReceiveAlerts, None) => "receive-alerts".to_string(),
            _ => format!("{cap} ({})", cap.meaning()),
        };
        let held_roles = |u: &crate::model::User| -> String {
            if u.roles.is_empty() {
                "they hold no role".to_string()
            } else {
                let names: Vec<&str> = u.roles.iter().map(|(r, _)| r.as_str()).collect();
                format!("they hold only {}", names.join(", "))
            }
        };
        match &self.reason {
            CanReason::HasRole(role) => {
                let mut s = format!("{who} can {what}: they are {}", with_article(*role));
                if cap.requires_active() {
                    s.push_str(" and their status is active");
                }
                if cap == Capability::ReceiveAlerts {
                    match product {
                        Some(p) => s.push_str(&format!(
                            ", and the account has license alerting enabled for {p}"
                        )),
                        None => {
                            let names: Vec<&str> = model
                                .account
                                .iter()
                                .flat_map(|a| a.alerts.iter())
                                .map(|(p, _)| model.product(*p).name.as_str())
                                .collect();
                            s.push_str(&format!(
                                ", and the account has license alerting enabled for {}",
                                names.join(", ")
                            ));
                        }
                    }
                }
                s
            }
            CanReason::MissingRole(roles) => {
                let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                let held = match self.principal {
                    Principal::User(u) => held_roles(model.user(u)),
                    Principal::Key(_) => "it is a key".to_string(),
                };
                format!(
                    "{who} cannot {what}: that needs the {} role, and {held}",
                    or_list(&names)
                )
            }
            CanReason::NotActive(status) => {
                let role = match self.principal {
                    Principal::User(u) => {
                        let user = model.user(u);
                        cap.granting_roles()
                            .iter()
                            .find(|r| user.has_role(**r))
                            .map(|r| format!("they are {}, but ", with_article(*r)))
                            .unwrap_or_default()
                    }
                    Principal::Key(_) => String::new(),
                };
                format!(
                    "{who} cannot {what}: {role}their status is {} ({}), and only active users can {cap}",
                    status.as_str(),
                    status.meaning()
                )
            }
            CanReason::ProductNotAlerted(p) => format!(
                "{who} does not receive license alerts for {}: they are an administrator, but the account's `alerts` list does not include {}",
                model.product(*p).name,
                model.product(*p).name
            ),
            CanReason::NoAlertedProducts => format!(
                "{who} does not receive license alerts: they are an administrator, but the account has license alerting enabled for no product"
            ),
            CanReason::KeyHoldsNoRoles => format!(
                "{who} cannot {what}: it is an activation key, and keys hold no account roles"
            ),
        }
    }

    /// A JSON-friendly form with names instead of ids and the source as a location.
    pub fn to_json(&self, model: &Model, sources: &crate::source::Sources) -> CanJson {
        let (role, roles, status) = match &self.reason {
            CanReason::HasRole(r) => (Some(*r), vec![], None),
            CanReason::MissingRole(rs) => (None, rs.clone(), None),
            CanReason::NotActive(s) => (None, vec![], Some(*s)),
            CanReason::ProductNotAlerted(_) | CanReason::NoAlertedProducts | CanReason::KeyHoldsNoRoles => {
                (None, vec![], None)
            }
        };
        CanJson {
            principal: model.principal_name(self.principal).to_string(),
            capability: self.capability,
            product: self.product.map(|p| model.product(p).name.clone()),
            granted: self.granted,
            reason: self.reason.as_str(),
            role,
            roles,
            status,
            message: self.describe(model),
            source: self.source.map(|s| sources.location(s)),
        }
    }
}

/// The JSON form of a [`CanAnswer`] (for `can --json`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct CanJson {
    /// The user's email or the key's id.
    pub principal: String,
    /// The capability asked about.
    pub capability: Capability,
    /// The product's name, for `receive-alerts PRODUCT` (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// [`CanAnswer::granted`].
    pub granted: bool,
    /// The kebab-case reason (`has-role`, `missing-role`, `not-active`, …).
    pub reason: &'static str,
    /// The granting role (`has-role`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The roles that would grant it (`missing-role`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// The status that is not active (`not-active`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The answer as one sentence ([`CanAnswer::describe`]).
    pub message: String,
    /// Where the statement that decided starts ([`CanAnswer::source`]; absent when `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::source::Location>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    const POLICY: &str = r#"
account "Acme" {
  alerts MicroStation
}
product MicroStation
product OpenRoads
country US { }
user fc@acme.com { country US  roles fulfillment-contact }
user admin@acme.com { country US  roles account-admin }
user co@acme.com { country US  roles co-admin }
user both@acme.com { country US  roles fulfillment-contact, co-admin }
user none@acme.com { country US }
user pendfc@acme.com { country US  roles fulfillment-contact  status pending }
user pendadmin@acme.com { country US  roles account-admin  status invited }
user regco@acme.com { country US  roles co-admin  status registered }
user pendnone@acme.com { country US  status pending }
key SS-0001 { }
"#;

    fn policy() -> Policy {
        Policy::parse("caps.ent", POLICY).expect("test policy is valid")
    }

    fn ask(p: &Policy, who: &str, cap: Capability, product: Option<&str>) -> CanAnswer {
        let principal = p.principal(who).unwrap();
        let product = product.map(|n| p.product(n).unwrap());
        can(&p.model, principal, cap, product)
    }

    fn line_of(p: &Policy, span: Span) -> String {
        let text = &p.sources.get(span.file).text;
        // trim: the parser's list-statement spans can run on over trailing whitespace
        text[span.range()].trim_end().to_string()
    }

    use Capability::*;

    #[test]
    fn names_round_trip() {
        for c in Capability::ALL {
            assert_eq!(Capability::parse(c.as_str()), Some(c));
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        assert_eq!(Capability::parse("Receive-Billing"), None);
        assert_eq!(Capability::parse("billing"), None);
        assert!(ReceiveAlerts.takes_product());
        assert!(!ReceiveBilling.takes_product());
        assert!(!ManageUsers.takes_product());
        assert!(!ManageEntitlements.takes_product());
    }

    /// Every row of the §4 table, for every role combination, active users.
    #[test]
    fn table_rows_for_active_users() {
        let p = policy();
        // (user, receive-billing, manage-users, manage-entitlements, receive-alerts MicroStation)
        let rows = [
            ("fc@acme.com", true, true, false, false),
            ("admin@acme.com", false, true, true, true),
            ("co@acme.com", false, true, true, true),
            ("both@acme.com", true, true, true, true),
            ("none@acme.com", false, false, false, false),
        ];
        for (who, billing, users, ents, alerts) in rows {
            assert_eq!(ask(&p, who, ReceiveBilling, None).granted, billing, "{who} billing");
            assert_eq!(ask(&p, who, ManageUsers, None).granted, users, "{who} users");
            assert_eq!(ask(&p, who, ManageEntitlements, None).granted, ents, "{who} ents");
            assert_eq!(
                ask(&p, who, ReceiveAlerts, Some("MicroStation")).granted,
                alerts,
                "{who} alerts"
            );
        }
    }

    #[test]
    fn has_role_names_the_role_and_its_roles_statement() {
        let p = policy();
        let a = ask(&p, "fc@acme.com", ReceiveBilling, None);
        assert_eq!(a.reason, CanReason::HasRole(Role::FulfillmentContact));
        assert_eq!(line_of(&p, a.source.unwrap()), "roles fulfillment-contact");
        let a = ask(&p, "co@acme.com", ManageEntitlements, None);
        assert_eq!(a.reason, CanReason::HasRole(Role::CoAdmin));
        assert_eq!(line_of(&p, a.source.unwrap()), "roles co-admin");
        // administrators are credited before fulfillment contacts, whatever the written order
        let a = ask(&p, "both@acme.com", ManageUsers, None);
        assert_eq!(a.reason, CanReason::HasRole(Role::CoAdmin));
        let a = ask(&p, "fc@acme.com", ManageUsers, None);
        assert_eq!(a.reason, CanReason::HasRole(Role::FulfillmentContact));
        let a = ask(&p, "admin@acme.com", ReceiveAlerts, Some("MicroStation"));
        assert_eq!(a.reason, CanReason::HasRole(Role::AccountAdmin));
        assert_eq!(line_of(&p, a.source.unwrap()), "roles account-admin");
    }

    #[test]
    fn missing_role_lists_the_roles_that_would_grant() {
        let p = policy();
        let a = ask(&p, "admin@acme.com", ReceiveBilling, None);
        assert!(!a.granted);
        assert_eq!(a.reason, CanReason::MissingRole(vec![Role::FulfillmentContact]));
        assert_eq!(a.source, None);
        let a = ask(&p, "fc@acme.com", ManageEntitlements, None);
        assert_eq!(
            a.reason,
            CanReason::MissingRole(vec![Role::AccountAdmin, Role::CoAdmin])
        );
        let a = ask(&p, "none@acme.com", ManageUsers, None);
        assert_eq!(
            a.reason,
            CanReason::MissingRole(vec![Role::AccountAdmin, Role::CoAdmin, Role::FulfillmentContact])
        );
        let a = ask(&p, "fc@acme.com", ReceiveAlerts, Some("MicroStation"));
        assert_eq!(
            a.reason,
            CanReason::MissingRole(vec![Role::AccountAdmin, Role::CoAdmin])
        );
    }

    #[test]
    fn status_rule_only_for_the_manage_capabilities() {
        let p = policy();
        // receive-billing and receive-alerts do not need an active status
        let a = ask(&p, "pendfc@acme.com", ReceiveBilling, None);
        assert!(a.granted);
        assert_eq!(a.reason, CanReason::HasRole(Role::FulfillmentContact));
        let a = ask(&p, "pendadmin@acme.com", ReceiveAlerts, Some("MicroStation"));
        assert!(a.granted);
        assert_eq!(a.reason, CanReason::HasRole(Role::AccountAdmin));
        // manage-users and manage-entitlements do
        let a = ask(&p, "pendfc@acme.com", ManageUsers, None);
        assert!(!a.granted);
        assert_eq!(a.reason, CanReason::NotActive(Status::Pending));
        assert_eq!(line_of(&p, a.source.unwrap()), "status pending");
        let a = ask(&p, "pendadmin@acme.com", ManageEntitlements, None);
        assert_eq!(a.reason, CanReason::NotActive(Status::Invited));
        let a = ask(&p, "regco@acme.com", ManageUsers, None);
        assert_eq!(a.reason, CanReason::NotActive(Status::Registered));
        assert_eq!(line_of(&p, a.source.unwrap()), "status registered");
    }

    #[test]
    fn missing_role_beats_not_active() {
        let p = policy();
        let a = ask(&p, "pendnone@acme.com", ManageUsers, None);
        assert_eq!(
            a.reason,
            CanReason::MissingRole(vec![Role::AccountAdmin, Role::CoAdmin, Role::FulfillmentContact])
        );
        let a = ask(&p, "pendfc@acme.com", ManageEntitlements, None);
        assert_eq!(
            a.reason,
            CanReason::MissingRole(vec![Role::AccountAdmin, Role::CoAdmin])
        );
    }

    #[test]
    fn not_active_points_at_the_status_statement() {
        // an omitted status is active, so NotActive always has a `status` statement to show
        let p = Policy::parse(
            "s.ent",
            "country US { }\nuser a@x.com { country US roles co-admin status pending }\n",
        )
        .unwrap();
        let a = ask(&p, "a@x.com", ManageEntitlements, None);
        assert_eq!(a.reason, CanReason::NotActive(Status::Pending));
        assert_eq!(line_of(&p, a.source.unwrap()), "status pending");
        let p = Policy::parse("s.ent", "country US { }\nuser a@x.com { country US roles co-admin }\n").unwrap();
        assert!(ask(&p, "a@x.com", ManageEntitlements, None).granted);
    }

    #[test]
    fn alerts_need_the_product_in_the_account_list() {
        let p = policy();
        let a = ask(&p, "admin@acme.com", ReceiveAlerts, Some("OpenRoads"));
        assert!(!a.granted);
        let openroads = p.product("OpenRoads").unwrap();
        assert_eq!(a.reason, CanReason::ProductNotAlerted(openroads));
        assert!(line_of(&p, a.source.unwrap()).starts_with("account \"Acme\""));
        // missing role beats product-not-alerted
        let a = ask(&p, "none@acme.com", ReceiveAlerts, Some("OpenRoads"));
        assert!(matches!(a.reason, CanReason::MissingRole(_)));
        // not-active never applies to alerts, product-not-alerted does
        let a = ask(&p, "pendadmin@acme.com", ReceiveAlerts, Some("OpenRoads"));
        assert_eq!(a.reason, CanReason::ProductNotAlerted(openroads));
        // without an account there are no alerts, and no source
        let p2 = Policy::parse(
            "n.ent",
            "product P\ncountry US { }\nuser a@x.com { country US roles account-admin }\n",
        )
        .unwrap();
        let a = ask(&p2, "a@x.com", ReceiveAlerts, Some("P"));
        assert!(matches!(a.reason, CanReason::ProductNotAlerted(_)));
        assert_eq!(a.source, None);
    }

    #[test]
    fn alerts_without_a_product() {
        let p = policy();
        let a = ask(&p, "co@acme.com", ReceiveAlerts, None);
        assert!(a.granted);
        let p2 = Policy::parse(
            "n.ent",
            "account\nproduct P\ncountry US { }\nuser a@x.com { country US roles account-admin }\n",
        )
        .unwrap();
        let a = ask(&p2, "a@x.com", ReceiveAlerts, None);
        assert_eq!(a.reason, CanReason::NoAlertedProducts);
        assert!(!a.granted);
    }

    #[test]
    fn keys_hold_no_roles() {
        let p = policy();
        for cap in Capability::ALL {
            let product = cap.takes_product().then_some("MicroStation");
            let a = ask(&p, "SS-0001", cap, product);
            assert!(!a.granted);
            assert_eq!(a.reason, CanReason::KeyHoldsNoRoles);
            assert_eq!(a.source, None);
            assert!(a.describe(&p.model).contains("keys hold no account roles"));
        }
    }

    #[test]
    fn a_product_is_ignored_for_capabilities_without_one() {
        let p = policy();
        let a = ask(&p, "fc@acme.com", ReceiveBilling, Some("OpenRoads"));
        assert!(a.granted);
        assert_eq!(a.product, None);
    }

    #[test]
    fn descriptions_are_sentences_naming_the_deciding_fact() {
        let p = policy();
        let d = ask(&p, "fc@acme.com", ReceiveBilling, None).describe(&p.model);
        assert_eq!(
            d,
            "fc@acme.com can receive-billing (renewal notices, invoices and fulfillment documents): they are a fulfillment-contact"
        );
        let d = ask(&p, "admin@acme.com", ReceiveBilling, None).describe(&p.model);
        assert!(d.starts_with("admin@acme.com cannot receive-billing"), "{d}");
        assert!(d.contains("needs the fulfillment-contact role"), "{d}");
        assert!(d.contains("they hold only account-admin"), "{d}");
        let d = ask(&p, "none@acme.com", ManageUsers, None).describe(&p.model);
        assert!(
            d.contains("account-admin, co-admin or fulfillment-contact role, and they hold no role"),
            "{d}"
        );
        let d = ask(&p, "pendfc@acme.com", ManageUsers, None).describe(&p.model);
        assert!(
            d.contains("they are a fulfillment-contact, but their status is pending (awaiting administrator approval)"),
            "{d}"
        );
        let d = ask(&p, "admin@acme.com", ReceiveAlerts, Some("OpenRoads")).describe(&p.model);
        assert!(d.contains("does not include OpenRoads"), "{d}");
        let d = ask(&p, "admin@acme.com", ReceiveAlerts, Some("MicroStation")).describe(&p.model);
        assert_eq!(
            d,
            "admin@acme.com can receive-alerts for MicroStation: they are an account-admin, and the account has license alerting enabled for MicroStation"
        );
    }

    #[test]
    fn reasons_serialize_kebab_case() {
        let v = serde_json::to_value(CanReason::HasRole(Role::CoAdmin)).unwrap();
        assert_eq!(v, serde_json::json!({"reason": "has-role", "detail": "co-admin"}));
        let v = serde_json::to_value(CanReason::MissingRole(vec![Role::FulfillmentContact])).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"reason": "missing-role", "detail": ["fulfillment-contact"]})
        );
        let v = serde_json::to_value(CanReason::NotActive(Status::Pending)).unwrap();
        assert_eq!(v, serde_json::json!({"reason": "not-active", "detail": "pending"}));
        let v = serde_json::to_value(CanReason::ProductNotAlerted(ProductId(2))).unwrap();
        assert_eq!(v, serde_json::json!({"reason": "product-not-alerted", "detail": 2}));
        let v = serde_json::to_value(CanReason::KeyHoldsNoRoles).unwrap();
        assert_eq!(v, serde_json::json!({"reason": "key-holds-no-roles"}));
        for r in [
            CanReason::HasRole(Role::CoAdmin),
            CanReason::MissingRole(vec![]),
            CanReason::NotActive(Status::Pending),
            CanReason::ProductNotAlerted(ProductId(0)),
            CanReason::NoAlertedProducts,
            CanReason::KeyHoldsNoRoles,
        ] {
            let v = serde_json::to_value(&r).unwrap();
            assert_eq!(v["reason"], r.as_str());
        }
    }

    #[test]
    fn json_form_uses_names() {
        let p = policy();
        let a = ask(&p, "admin@acme.com", ReceiveAlerts, Some("MicroStation"));
        let v = serde_json::to_value(a.to_json(&p.model, &p.sources)).unwrap();
        assert_eq!(v["principal"], "admin@acme.com");
        assert_eq!(v["capability"], "receive-alerts");
        assert_eq!(v["product"], "MicroStation");
        assert_eq!(v["granted"], true);
        assert_eq!(v["reason"], "has-role");
        assert_eq!(v["role"], "account-admin");
        assert!(v["source"].is_object());
    }
}
