//! The resolved model: every name replaced by an id, every list deduplicated, every
//! reference known to exist. Produced by the resolver (`resolve`), read by the evaluators.

use crate::source::Span;
use rustc_hash::FxHashMap as HashMap;

mod names;
mod words;
pub(crate) use names::{has_key, same_key, Key as NameKey};
pub use words::{Access, Role, Rule, Status};

macro_rules! id_type {
    ($($name:ident: $what:literal, $list:literal;)*) => {$(
        #[doc = concat!("The id of ", $what, ": its index in [`Model::", $list, "`], which holds them in declaration")]
        /// order. An id is only meaningful for the model it came from (a what-if edit that
        /// removes an entity renumbers those declared after it).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub struct $name(
            #[doc = concat!("The index in [`Model::", $list, "`].")]
            pub u32,
        );
        impl $name {
            #[doc = concat!("The index in [`Model::", $list, "`], as a `usize`.")]
            pub fn index(self) -> usize { self.0 as usize }
        }
    )*};
}
id_type! {
    ProductId: "a product", "products";
    CountryId: "a country", "countries";
    GroupId: "an entitlement group", "groups";
    UserId: "a user", "users";
    KeyId: "an activation key", "keys";
}

/// Who asks: a user (by email) or an activation key (by id).
///
/// Ordered users before keys, each by id (declaration order), as [`Model::principals`] lists
/// them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Principal {
    /// A declared user.
    User(UserId),
    /// A declared activation key.
    Key(KeyId),
}

/// The `account` declaration (at most one per policy).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Account {
    /// The account's name string; `None` when the declaration has none.
    pub name: Option<String>,
    /// The declaration; always `Some` in an account resolved from a policy.
    pub span: Option<Span>,
    /// The claimed email domains (`domain` statements), in order, each listed once.
    pub domains: Vec<Domain>,
    /// Products with license alerting enabled, in order, each once, with the `alerts`
    /// statement naming it.
    pub alerts: Vec<(ProductId, Span)>,
    /// (r2) Products entitled in every country, in order, each once, with the `global`
    /// statement naming it.
    pub global: Vec<(ProductId, Span)>,
}

/// An email domain the account claims (`domain NAME [auto-approve]`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Domain {
    /// The domain as written (e.g. `acme.com`).
    pub name: String,
    /// Whether `auto-approve` is set: a user who registers with an email of this domain gets
    /// status `registered` rather than `pending`.
    pub auto_approve: bool,
    /// The `domain` statement.
    pub span: Span,
}

/// A `product` declaration.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Product {
    /// The name as declared (matched ignoring case).
    pub name: String,
    /// The display name (`product OpenRoads "OpenRoads Designer"`), which may name the product
    /// wherever its name may; `None` when not given.
    pub display: Option<String>,
    /// The declaration.
    pub span: Span,
}

/// A `country` declaration: what it entitles and its country-level access.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Country {
    /// The name as declared (matched ignoring case).
    pub name: String,
    /// The display name, which may name the country (and match a profile code) wherever its
    /// name may; `None` when not given.
    pub display: Option<String>,
    /// The whole declaration (it starts at the `country` keyword).
    pub span: Span,
    /// The profile country codes this country covers (`covers` entries), as written, in
    /// order, each with its entry.
    pub covers: Vec<(String, Span)>,
    /// `None`: no `entitled` statement, every product is entitled.
    pub entitled: Option<Entitled>,
    /// Default Access (`allow` when there is no `default` statement).
    pub default: Access,
    /// The `default` statement, or the declaration when there is none.
    pub default_span: Span,
    /// General Access overrides per product, with the statement that set each.
    pub overrides: HashMap<ProductId, (Access, Span)>,
    /// (r2) Annual recurring revenue and its `revenue` statement.
    pub revenue: Option<(u64, Span)>,
}

/// A country's `entitled` list: every `entitled` statement of the country together.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entitled {
    /// The first `entitled` statement.
    pub span: Span,
    /// Every product entitled, with the first `entitled` statement naming it. Empty when the
    /// statements name no product (then nothing is entitled).
    pub products: HashMap<ProductId, Span>,
}

impl Country {
    /// Whether the country's own `entitled` list entitles `p` (the account's `global` list
    /// aside: see [`Model::is_entitled`]).
    pub fn is_entitled(&self, p: ProductId) -> bool {
        self.entitled.as_ref().is_none_or(|e| e.products.contains_key(&p))
    }
    /// The country-level verdict for `p` (step 6): `(access, is_override, statement)`, from
    /// the General Access override for `p` (`is_override` true) else Default Access.
    pub fn country_level(&self, p: ProductId) -> (Access, bool, Span) {
        match self.overrides.get(&p) {
            Some(&(a, span)) => (a, true, span),
            None => (self.default, false, self.default_span),
        }
    }
}

/// How a group takes part in a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupMode {
    /// A non-empty Allowed Applications list: strict.
    AllowList,
    /// No list, at least one old-style exception.
    Legacy,
    /// Neither: abstains on everything.
    Unconfigured,
}

/// An entitlement group (`group NAME in COUNTRY { … }`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Group {
    /// The name as declared (matched ignoring case).
    pub name: String,
    /// The declaration.
    pub span: Span,
    /// The country the group belongs to: it takes part only in decisions for principals of
    /// that entitlement country.
    pub country: CountryId,
    /// Allowed Applications, in order, each once, with the `allowed` statement naming it.
    /// Non-empty makes the group an allow-list ([`GroupMode::AllowList`]).
    pub allowed: Vec<(ProductId, Span)>,
    /// The first `allowed` statement; `None` when there is none.
    pub allowed_span: Option<Span>,
    /// The `include-country` statement; `None` when the switch is off. It acts only while the
    /// Allowed Applications list is non-empty.
    pub include_country: Option<Span>,
    /// Legacy group exceptions, in order, each product once, with its `exception` statement.
    /// They decide only while the Allowed Applications list is empty.
    pub exceptions: Vec<(ProductId, Access, Span)>,
}

impl Group {
    /// How the group takes part in decisions: an allow-list when `allowed` is non-empty, else
    /// legacy when it has exceptions, else unconfigured.
    pub fn mode(&self) -> GroupMode {
        if !self.allowed.is_empty() {
            GroupMode::AllowList
        } else if !self.exceptions.is_empty() {
            GroupMode::Legacy
        } else {
            GroupMode::Unconfigured
        }
    }
    /// The `allowed` statement naming `p`; `None` when `p` is not an Allowed Application.
    pub fn allowed_entry(&self, p: ProductId) -> Option<Span> {
        self.allowed.iter().find(|(q, _)| *q == p).map(|(_, s)| *s)
    }
    /// The group's legacy exception for `p` and its statement; `None` when it has none (the
    /// mode decides whether it counts).
    pub fn exception(&self, p: ProductId) -> Option<(Access, Span)> {
        self.exceptions
            .iter()
            .find(|(q, _, _)| *q == p)
            .map(|(_, a, s)| (*a, *s))
    }
}

/// A `user` declaration (or a user described at request time, see [`crate::request`]).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct User {
    /// The email as declared (matched ignoring case).
    pub email: String,
    /// The display name (`user ann@x.com "Ann"`); `None` when not given.
    pub display: Option<String>,
    /// The declaration.
    pub span: Span,
    /// The profile country code as written (free-form, not necessarily a declared country)
    /// and the `country` statement.
    pub profile: (String, Span),
    /// (r2) The Entitlement Country attribute and its `entitlement-country` statement;
    /// `None` when not set.
    pub entitlement_country: Option<(CountryId, Span)>,
    /// The entitlement country: the attribute, else the profile code's country (by name or
    /// `covers`), else the fallback country (highest revenue).
    pub country: Option<CountryId>,
    /// How `country` was chosen (`None` when there is none).
    pub country_by: Option<CountryBy>,
    /// The user's groups in the user's own order (the crediting order of step 5), each once,
    /// with the `groups` statement naming it. Groups of other countries are kept (and ignored
    /// by decisions).
    pub groups: Vec<(GroupId, Span)>,
    /// The user's roles, in order, each once, with the `roles` statement naming it.
    pub roles: Vec<(Role, Span)>,
    /// The registration status (`active` when there is no `status` statement).
    pub status: Status,
    /// The `status` statement; `None` when there is none.
    pub status_span: Option<Span>,
    /// User-level exceptions (`allow`/`deny` in the user's block), in order, each product
    /// once, with the statement naming it.
    pub exceptions: Vec<(ProductId, Access, Span)>,
}

impl User {
    /// The user's exception for `p` and its statement; `None` when there is none.
    pub fn exception(&self, p: ProductId) -> Option<(Access, Span)> {
        self.exceptions
            .iter()
            .find(|(q, _, _)| *q == p)
            .map(|(_, a, s)| (*a, *s))
    }
    /// Whether the user holds role `r`.
    pub fn has_role(&self, r: Role) -> bool {
        self.roles.iter().any(|(x, _)| *x == r)
    }
    /// Whether the user is an administrator (holds account-admin or co-admin).
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|(x, _)| x.is_admin())
    }
}

/// An activation key (`key ID [in COUNTRY] { groups … }`), or a key described at request time.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Key {
    /// The key id as declared (matched ignoring case).
    pub name: String,
    /// The declaration.
    pub span: Span,
    /// The key's groups in its own order (the crediting order of step 5), each once, with the
    /// `groups` statement naming it.
    pub groups: Vec<(GroupId, Span)>,
    /// (r2) The country of `key ID in COUNTRY`, and the name naming it.
    pub country_in: Option<(CountryId, Span)>,
    /// The entitlement country: the `in` country, else the country of the groups; `None`
    /// when the key has neither.
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
    /// A user.
    User(&'a User),
    /// An activation key.
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
    /// The entitlement country; `None` when there is none (such a principal is denied by
    /// `no-entitlement-country`, after `status`).
    pub fn country(self) -> Option<CountryId> {
        match self {
            Subject::User(u) => u.country,
            Subject::Key(k) => k.country,
        }
    }
    /// How the entitlement country was chosen; `None` when there is none.
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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
    /// The kebab-case name, as `explain --json` writes it.
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

/// The whole resolved policy.
///
/// Each entity list is in declaration order and indexed by its id type ([`ProductId`] indexes
/// `products`, and so on). Read it through [`crate::Policy::model`]; lookups by name ignore case.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Model {
    /// The `account` declaration; `None` when the policy has none.
    pub account: Option<Account>,
    /// Every product, indexed by [`ProductId`].
    pub products: Vec<Product>,
    /// Every country, indexed by [`CountryId`].
    pub countries: Vec<Country>,
    /// Every entitlement group, indexed by [`GroupId`].
    pub groups: Vec<Group>,
    /// Every user, indexed by [`UserId`].
    pub users: Vec<User>,
    /// Every activation key, indexed by [`KeyId`].
    pub keys: Vec<Key>,
    pub(crate) product_index: HashMap<String, ProductId>,
    pub(crate) country_index: HashMap<String, CountryId>,
    pub(crate) group_index: HashMap<String, GroupId>,
    pub(crate) user_index: HashMap<String, UserId>,
    pub(crate) key_index: HashMap<String, KeyId>,
    /// Profile code (lowercase) → entitlement country, through names, display names and `covers`.
    pub(crate) profile_index: HashMap<String, CountryId>,
    /// (r2) The fallback entitlement country of users: the one with the highest `revenue`;
    /// `None` when no country declares a revenue.
    pub fallback: Option<CountryId>,
    /// (r2) Whether each product is in the account's `global` list, by product index.
    pub(crate) global: Vec<bool>,
}

impl Model {
    /// The product `id`. Panics if `id` is not from this model.
    pub fn product(&self, id: ProductId) -> &Product {
        &self.products[id.index()]
    }
    /// The country `id`. Panics if `id` is not from this model.
    pub fn country(&self, id: CountryId) -> &Country {
        &self.countries[id.index()]
    }
    /// The group `id`. Panics if `id` is not from this model.
    pub fn group(&self, id: GroupId) -> &Group {
        &self.groups[id.index()]
    }
    /// The user `id`. Panics if `id` is not from this model.
    pub fn user(&self, id: UserId) -> &User {
        &self.users[id.index()]
    }
    /// The key `id`. Panics if `id` is not from this model.
    pub fn key(&self, id: KeyId) -> &Key {
        &self.keys[id.index()]
    }

    /// Look a product up by name or display name, ignoring case.
    pub fn find_product(&self, name: &str) -> Option<ProductId> {
        self.product_index.get(&*NameKey::of(name)).copied()
    }
    /// Look a country up by name or display name, ignoring case (a profile code that only a
    /// `covers` entry lists is not a country's name: see [`Model::country_for_profile`]).
    pub fn find_country(&self, name: &str) -> Option<CountryId> {
        self.country_index.get(&*NameKey::of(name)).copied()
    }
    /// Look a group up by name, ignoring case.
    pub fn find_group(&self, name: &str) -> Option<GroupId> {
        self.group_index.get(&*NameKey::of(name)).copied()
    }
    /// Look a user up by email, ignoring case.
    pub fn find_user(&self, email: &str) -> Option<UserId> {
        self.user_index.get(&*NameKey::of(email)).copied()
    }
    /// Look an activation key up by id, ignoring case.
    pub fn find_key(&self, name: &str) -> Option<KeyId> {
        self.key_index.get(&*NameKey::of(name)).copied()
    }
    /// Look a principal up by a user's email or a key's id, ignoring case.
    pub fn find_principal(&self, name: &str) -> Option<Principal> {
        self.find_user(name)
            .map(Principal::User)
            .or_else(|| self.find_key(name).map(Principal::Key))
    }
    /// The country a profile country code leads to by name, display name or `covers` (the
    /// fallback aside).
    pub fn country_for_profile(&self, code: &str) -> Option<CountryId> {
        self.profile_index.get(&*NameKey::of(code)).copied()
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
    /// How the principal's entitlement country was chosen; `None` when it has none.
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

    /// The user's email or the key's id, as declared.
    pub fn principal_name(&self, p: Principal) -> &str {
        match p {
            Principal::User(u) => &self.user(u).email,
            Principal::Key(k) => &self.key(k).name,
        }
    }
    /// The principal's declaration.
    pub fn principal_span(&self, p: Principal) -> Span {
        match p {
            Principal::User(u) => self.user(u).span,
            Principal::Key(k) => self.key(k).span,
        }
    }
    /// The principal's entitlement country; `None` when it has none.
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
    /// Every product id, in declaration order.
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
