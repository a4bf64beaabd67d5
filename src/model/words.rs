//! The model's fixed vocabularies: `allow`/`deny`, the rules that decide, account roles and
//! registration statuses — each with the one spelling the language, the JSON and the
//! messages use.

/// `allow` or `deny`: a decision's answer, or what one statement says about a product (an
/// exception, a General Access override, Default Access). Serialized in lowercase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// `allow`: the principal may use the product.
    Allow,
    /// `deny`: the principal may not use the product.
    Deny,
}

impl Access {
    /// The keyword as a policy and the JSON output write it: `allow` or `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Allow => "allow",
            Access::Deny => "deny",
        }
    }
    /// The other answer.
    pub fn flip(self) -> Access {
        match self {
            Access::Allow => Access::Deny,
            Access::Deny => Access::Allow,
        }
    }
}

impl std::fmt::Display for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule that decided (LANGUAGE.md §3 and §7).
///
/// Serialized kebab-case, as [`Rule::as_str`] writes it. The variants are in the order of the
/// decision procedure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Step 1, deny: the user's status is not `active`.
    Status,
    /// Step 2, deny: the principal has no entitlement country.
    NoEntitlementCountry,
    /// Step 3, deny: the product is in neither the entitlement country's `entitled` list nor
    /// the account's `global` list.
    NotEntitled,
    /// Step 4, allow or deny: the user's own exception for the product.
    UserException,
    /// Step 5, allow: the product is in the credited group's Allowed Applications.
    GroupAllowed,
    /// Step 5, allow: the credited group has an Allowed Applications list and
    /// `include-country`, and the country level allows the product.
    GroupIncludeCountry,
    /// Step 5, deny: no group allowed the product, and the credited group has an Allowed
    /// Applications list that does not let it through.
    GroupNotAllowed,
    /// Step 5, allow or deny: a legacy group's `exception` for the product.
    GroupException,
    /// Step 6, allow or deny: the country's General Access override for the product.
    ProductAccess,
    /// Step 6, allow or deny: the country's Default Access.
    DefaultAccess,
}

impl Rule {
    /// Every rule, in declaration order (so `rule as usize` is the rule's index here).
    pub const ALL: [Rule; 10] = [
        Rule::Status,
        Rule::NoEntitlementCountry,
        Rule::NotEntitled,
        Rule::UserException,
        Rule::GroupAllowed,
        Rule::GroupIncludeCountry,
        Rule::GroupNotAllowed,
        Rule::GroupException,
        Rule::ProductAccess,
        Rule::DefaultAccess,
    ];
    /// The kebab-case name, as in JSON output, `expect … by RULE` and LANGUAGE.md §7.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Status => "status",
            Rule::NoEntitlementCountry => "no-entitlement-country",
            Rule::NotEntitled => "not-entitled",
            Rule::UserException => "user-exception",
            Rule::GroupAllowed => "group-allowed",
            Rule::GroupIncludeCountry => "group-include-country",
            Rule::GroupNotAllowed => "group-not-allowed",
            Rule::GroupException => "group-exception",
            Rule::ProductAccess => "product-access",
            Rule::DefaultAccess => "default-access",
        }
    }
    /// The rule named `s` in kebab-case, exactly as [`Rule::as_str`] writes it; `None` for
    /// any other text.
    pub fn parse(s: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// The `group-*` rules, which credit a group.
    pub fn is_group_rule(self) -> bool {
        matches!(
            self,
            Rule::GroupAllowed | Rule::GroupIncludeCountry | Rule::GroupNotAllowed | Rule::GroupException
        )
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An account role (LANGUAGE.md §4), as a user's `roles` statement names it (serialized
/// kebab-case). An *administrator* is an account-admin or a co-admin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// `fulfillment-contact`: receives billing documents and may manage users.
    FulfillmentContact,
    /// `account-admin`: an administrator, and the only role that may manage domains.
    AccountAdmin,
    /// `co-admin`: an administrator.
    CoAdmin,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Role; 3] = [Role::FulfillmentContact, Role::AccountAdmin, Role::CoAdmin];
    /// The kebab-case name, as a `roles` statement writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::FulfillmentContact => "fulfillment-contact",
            Role::AccountAdmin => "account-admin",
            Role::CoAdmin => "co-admin",
        }
    }
    /// The role named `s`, exactly as [`Role::as_str`] writes it; `None` for any other text.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// Whether the role makes its holder an administrator (account-admin or co-admin).
    pub fn is_admin(self) -> bool {
        matches!(self, Role::AccountAdmin | Role::CoAdmin)
    }
}

/// A user's registration status (the `status` statement; `active` when omitted), serialized
/// in lowercase. Only an `active` user passes step 1 of a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Awaiting administrator approval (what `register` gives on a domain without
    /// `auto-approve`).
    Pending,
    /// Invited, but has not set a password.
    Invited,
    /// Has not accepted the Terms of Service (what `register` gives on an `auto-approve`
    /// domain).
    Registered,
    /// May sign in (the default).
    #[default]
    Active,
    /// (r2) An administrator locked the account: sign-in is refused.
    Locked,
}

impl Status {
    /// Every status, in declaration order.
    pub const ALL: [Status; 5] = [
        Status::Pending,
        Status::Invited,
        Status::Registered,
        Status::Active,
        Status::Locked,
    ];
    /// The lowercase name, as a `status` statement writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Invited => "invited",
            Status::Registered => "registered",
            Status::Active => "active",
            Status::Locked => "locked",
        }
    }
    /// The status named `s`, exactly as [`Status::as_str`] writes it; `None` for any other
    /// text.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// Why a user of this status cannot sign in yet.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Pending => "awaiting administrator approval",
            Status::Invited => "has not set a password",
            Status::Registered => "has not accepted the Terms of Service",
            Status::Active => "active",
            Status::Locked => "locked: an administrator locked the account, so sign-in is refused",
        }
    }
}
