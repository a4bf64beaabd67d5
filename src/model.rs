//! The resolved model: every name replaced by an id, every list deduplicated, every
//! reference known to exist. Produced by [`crate::resolve`], read by the evaluators.

use crate::source::Span;
use rustc_hash::FxHashMap as HashMap;

macro_rules! id_type {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize { self.0 as usize }
        }
    )*};
}
id_type!(ProductId, CountryId, GroupId, UserId, KeyId);

/// `allow` or `deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Allow,
    Deny,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Allow => "allow",
            Access::Deny => "deny",
        }
    }
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    Status,
    NoEntitlementCountry,
    NotEntitled,
    UserException,
    GroupAllowed,
    GroupIncludeCountry,
    GroupNotAllowed,
    GroupException,
    ProductAccess,
    DefaultAccess,
}

impl Rule {
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

/// Who asks: a user (by email) or an activation key (by id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Principal {
    User(UserId),
    Key(KeyId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    FulfillmentContact,
    AccountAdmin,
    CoAdmin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::FulfillmentContact, Role::AccountAdmin, Role::CoAdmin];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::FulfillmentContact => "fulfillment-contact",
            Role::AccountAdmin => "account-admin",
            Role::CoAdmin => "co-admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn is_admin(self) -> bool {
        matches!(self, Role::AccountAdmin | Role::CoAdmin)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Invited,
    Registered,
    #[default]
    Active,
    /// (r2) An administrator locked the account: sign-in is refused.
    Locked,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pending,
        Status::Invited,
        Status::Registered,
        Status::Active,
        Status::Locked,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Invited => "invited",
            Status::Registered => "registered",
            Status::Active => "active",
            Status::Locked => "locked",
        }
    }
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

#[derive(Clone, Debug, Default)]
pub struct Account {
    pub name: Option<String>,
    pub span: Option<Span>,
    pub domains: Vec<Domain>,
    /// Products with license alerting enabled, and the `alerts` statement naming each.
    pub alerts: Vec<(ProductId, Span)>,
    /// (r2) Products entitled in every country, and the `global` statement naming each.
    pub global: Vec<(ProductId, Span)>,
}

#[derive(Clone, Debug)]
pub struct Domain {
    pub name: String,
    pub auto_approve: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Product {
    pub name: String,
    pub display: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Country {
    pub name: String,
    pub display: Option<String>,
    /// The whole declaration (it starts at the `country` keyword).
    pub span: Span,
    pub covers: Vec<(String, Span)>,
    /// `None`: no `entitled` statement, every product is entitled.
    pub entitled: Option<Entitled>,
    /// Default Access, and the `default` statement (or the declaration when omitted).
    pub default: Access,
    pub default_span: Span,
    /// General Access overrides per product, with the statement that set each.
    pub overrides: HashMap<ProductId, (Access, Span)>,
    /// (r2) Annual recurring revenue and its `revenue` statement.
    pub revenue: Option<(u64, Span)>,
}

#[derive(Clone, Debug)]
pub struct Entitled {
    /// The first `entitled` statement.
    pub span: Span,
    pub products: HashMap<ProductId, Span>,
}

impl Country {
    /// Whether the country's own `entitled` list entitles `p` (the account's `global` list
    /// aside: see [`Model::is_entitled`]).
    pub fn is_entitled(&self, p: ProductId) -> bool {
        self.entitled.as_ref().is_none_or(|e| e.products.contains_key(&p))
    }
    /// The country-level verdict for `p` (step 6): the override, else Default Access.
    pub fn country_level(&self, p: ProductId) -> (Access, bool, Span) {
        match self.overrides.get(&p) {
            Some(&(a, span)) => (a, true, span),
            None => (self.default, false, self.default_span),
        }
    }
}

/// How a group takes part in a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupMode {
    /// A non-empty Allowed Applications list: strict.
    AllowList,
    /// No list, at least one old-style exception.
    Legacy,
    /// Neither: abstains on everything.
    Unconfigured,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    pub span: Span,
    pub country: CountryId,
    /// Allowed Applications, in order, each with the `allowed` statement naming it.
    pub allowed: Vec<(ProductId, Span)>,
    /// The first `allowed` statement.
    pub allowed_span: Option<Span>,
    pub include_country: Option<Span>,
    /// Legacy group exceptions, in order, each with its `exception` statement.
    pub exceptions: Vec<(ProductId, Access, Span)>,
}

impl Group {
    pub fn mode(&self) -> GroupMode {
        if !self.allowed.is_empty() {
            GroupMode::AllowList
        } else if !self.exceptions.is_empty() {
            GroupMode::Legacy
        } else {
            GroupMode::Unconfigured
        }
    }
    pub fn allowed_entry(&self, p: ProductId) -> Option<Span> {
        self.allowed.iter().find(|(q, _)| *q == p).map(|(_, s)| *s)
    }
    pub fn exception(&self, p: ProductId) -> Option<(Access, Span)> {
        self.exceptions
            .iter()
            .find(|(q, _, _)| *q == p)
            .map(|(_, a, s)| (*a, *s))
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub email: String,
    pub display: Option<String>,
    pub span: Span,
    /// The profile country code and the `country` statement.
    pub profile: (String, Span),
    /// (r2) The Entitlement Country attribute and its statement.
    pub entitlement_country: Option<(CountryId, Span)>,
    /// The entitlement country: the attribute, else the profile code's country (by name or
    /// `covers`), else the fallback country (highest revenue).
    pub country: Option<CountryId>,
    /// How `country` was chosen (`None` when there is none).
    pub country_by: Option<CountryBy>,
    pub groups: Vec<(GroupId, Span)>,
    pub roles: Vec<(Role, Span)>,
    pub status: Status,
    pub status_span: Option<Span>,
    /// User-level exceptions with the statement naming each.
    pub exceptions: Vec<(ProductId, Access, Span)>,
}

impl User {
    pub fn exception(&self, p: ProductId) -> Option<(Access, Span)> {
        self.exceptions
            .iter()
            .find(|(q, _, _)| *q == p)
            .map(|(_, a, s)| (*a, *s))
    }
    pub fn has_role(&self, r: Role) -> bool {
        self.roles.iter().any(|(x, _)| *x == r)
    }
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|(x, _)| x.is_admin())
    }
}

#[derive(Clone, Debug)]
pub struct Key {
    pub name: String,
    pub span: Span,
    pub groups: Vec<(GroupId, Span)>,
    /// (r2) The country of `key ID in COUNTRY`, and the name naming it.
    pub country_in: Option<(CountryId, Span)>,
    /// The entitlement country: the `in` country, else the country of the groups.
    pub country: Option<CountryId>,
}

impl Key {
    /// How the key's country was chosen (`None` when it has none).
    pub fn country_by(&self) -> Option<CountryBy> {
        match (self.country_in, self.country) {
            (Some(_), _) => Some(CountryBy::KeyIn),
            (None, Some(_)) => Some(CountryBy::KeyGroups),
            (None, None) => None,
        }
    }
}

/// A principal as the evaluator reads it: a user or a key, declared in the policy or
/// described at request time (see [`crate::request`]).
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    User(&'a User),
    Key(&'a Key),
}

impl<'a> Subject<'a> {
    /// The user's email or the key's id.
    pub fn name(self) -> &'a str {
        match self {
            Subject::User(u) => &u.email,
            Subject::Key(k) => &k.name,
        }
    }
    /// The declaration.
    pub fn span(self) -> Span {
        match self {
            Subject::User(u) => u.span,
            Subject::Key(k) => k.span,
        }
    }
    /// The entitlement country.
    pub fn country(self) -> Option<CountryId> {
        match self {
            Subject::User(u) => u.country,
            Subject::Key(k) => k.country,
        }
    }
    /// How the entitlement country was chosen.
    pub fn country_by(self) -> Option<CountryBy> {
        match self {
            Subject::User(u) => u.country_by,
            Subject::Key(k) => k.country_by(),
        }
    }
    /// The groups in the principal's own order, with the statement naming each.
    pub fn groups(self) -> &'a [(GroupId, Span)] {
        match self {
            Subject::User(u) => &u.groups,
            Subject::Key(k) => &k.groups,
        }
    }
}

/// How a principal's entitlement country was chosen (`country_by` in `explain --json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CountryBy {
    /// The user's Entitlement Country attribute.
    EntitlementCountry,
    /// The profile code names the country (name or display name).
    Profile,
    /// A `covers` entry of the country lists the profile code.
    Covers,
    /// The fallback: the country with the highest revenue.
    Revenue,
    /// A key's `in COUNTRY`.
    KeyIn,
    /// The country of a key's groups.
    KeyGroups,
}

impl CountryBy {
    pub fn as_str(self) -> &'static str {
        match self {
            CountryBy::EntitlementCountry => "entitlement-country",
            CountryBy::Profile => "profile",
            CountryBy::Covers => "covers",
            CountryBy::Revenue => "revenue",
            CountryBy::KeyIn => "key-in",
            CountryBy::KeyGroups => "key-groups",
        }
    }
}

/// The lookup key of a name: lowercase, borrowed when it already is.
pub fn lower(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) || !name.is_ascii() {
        std::borrow::Cow::Owned(name.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// The whole resolved policy.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub account: Option<Account>,
    pub products: Vec<Product>,
    pub countries: Vec<Country>,
    pub groups: Vec<Group>,
    pub users: Vec<User>,
    pub keys: Vec<Key>,
    pub(crate) product_index: HashMap<String, ProductId>,
    pub(crate) country_index: HashMap<String, CountryId>,
    pub(crate) group_index: HashMap<String, GroupId>,
    pub(crate) user_index: HashMap<String, UserId>,
    pub(crate) key_index: HashMap<String, KeyId>,
    /// Profile code (lowercase) → entitlement country, through names, display names and `covers`.
    pub(crate) profile_index: HashMap<String, CountryId>,
    /// (r2) The fallback entitlement country: the one with the highest `revenue`.
    pub fallback: Option<CountryId>,
    /// (r2) Whether each product is in the account's `global` list, by product index.
    pub(crate) global: Vec<bool>,
}

impl Model {
    pub fn product(&self, id: ProductId) -> &Product {
        &self.products[id.index()]
    }
    pub fn country(&self, id: CountryId) -> &Country {
        &self.countries[id.index()]
    }
    pub fn group(&self, id: GroupId) -> &Group {
        &self.groups[id.index()]
    }
    pub fn user(&self, id: UserId) -> &User {
        &self.users[id.index()]
    }
    pub fn key(&self, id: KeyId) -> &Key {
        &self.keys[id.index()]
    }

    /// Look a product up by name or display name, ignoring case.
    pub fn find_product(&self, name: &str) -> Option<ProductId> {
        self.product_index.get(lower(name).as_ref()).copied()
    }
    pub fn find_country(&self, name: &str) -> Option<CountryId> {
        self.country_index.get(lower(name).as_ref()).copied()
    }
    pub fn find_group(&self, name: &str) -> Option<GroupId> {
        self.group_index.get(lower(name).as_ref()).copied()
    }
    pub fn find_user(&self, email: &str) -> Option<UserId> {
        self.user_index.get(lower(email).as_ref()).copied()
    }
    pub fn find_key(&self, name: &str) -> Option<KeyId> {
        self.key_index.get(lower(name).as_ref()).copied()
    }
    /// A user's email or a key's id.
    pub fn find_principal(&self, name: &str) -> Option<Principal> {
        self.find_user(name)
            .map(Principal::User)
            .or_else(|| self.find_key(name).map(Principal::Key))
    }
    /// The country a profile country code leads to by name, display name or `covers` (the
    /// fallback aside).
    pub fn country_for_profile(&self, code: &str) -> Option<CountryId> {
        self.profile_index.get(lower(code).as_ref()).copied()
    }
    /// A user's entitlement country and how it is chosen (LANGUAGE.md §3 step 2): the
    /// attribute, the profile code's country, else the fallback country.
    pub fn user_country(&self, attribute: Option<CountryId>, profile: &str) -> Option<(CountryId, CountryBy)> {
        if let Some(c) = attribute {
            return Some((c, CountryBy::EntitlementCountry));
        }
        if let Some(c) = self.country_for_profile(profile) {
            let by = if self.find_country(profile) == Some(c) {
                CountryBy::Profile
            } else {
                CountryBy::Covers
            };
            return Some((c, by));
        }
        self.fallback.map(|c| (c, CountryBy::Revenue))
    }
    /// (r2) Whether the account's `global` list names the product.
    pub fn is_global(&self, p: ProductId) -> bool {
        self.global.get(p.index()).copied().unwrap_or(false)
    }
    /// Whether `p` is entitled in country `c` (step 3): its `entitled` list or `global`.
    pub fn is_entitled(&self, c: CountryId, p: ProductId) -> bool {
        self.country(c).is_entitled(p) || self.is_global(p)
    }
    /// How the principal's entitlement country was chosen.
    pub fn country_by(&self, p: Principal) -> Option<CountryBy> {
        self.subject(p).country_by()
    }
    /// The declared principal, as the evaluator reads it.
    pub fn subject(&self, p: Principal) -> Subject<'_> {
        match p {
            Principal::User(u) => Subject::User(self.user(u)),
            Principal::Key(k) => Subject::Key(self.key(k)),
        }
    }

    pub fn principal_name(&self, p: Principal) -> &str {
        match p {
            Principal::User(u) => &self.user(u).email,
            Principal::Key(k) => &self.key(k).name,
        }
    }
    pub fn principal_span(&self, p: Principal) -> Span {
        match p {
            Principal::User(u) => self.user(u).span,
            Principal::Key(k) => self.key(k).span,
        }
    }
    /// The principal's entitlement country.
    pub fn principal_country(&self, p: Principal) -> Option<CountryId> {
        match p {
            Principal::User(u) => self.user(u).country,
            Principal::Key(k) => self.key(k).country,
        }
    }
    /// The principal's groups in their own order, with the statement naming each.
    pub fn principal_groups(&self, p: Principal) -> &[(GroupId, Span)] {
        match p {
            Principal::User(u) => &self.user(u).groups,
            Principal::Key(k) => &self.key(k).groups,
        }
    }
    /// Every principal: users in declaration order, then keys.
    pub fn principals(&self) -> impl Iterator<Item = Principal> + '_ {
        (0..self.users.len() as u32)
            .map(|i| Principal::User(UserId(i)))
            .chain((0..self.keys.len() as u32).map(|i| Principal::Key(KeyId(i))))
    }
    pub fn product_ids(&self) -> impl Iterator<Item = ProductId> {
        (0..self.products.len() as u32).map(ProductId)
    }
    /// Declared names of every principal (for suggestions).
    pub fn principal_names(&self) -> impl Iterator<Item = &str> {
        self.users
            .iter()
            .map(|u| u.email.as_str())
            .chain(self.keys.iter().map(|k| k.name.as_str()))
    }
    /// Names and display names of every product (for suggestions).
    pub fn product_names(&self) -> impl Iterator<Item = &str> {
        self.products
            .iter()
            .flat_map(|p| std::iter::once(p.name.as_str()).chain(p.display.as_deref()))
    }
}
