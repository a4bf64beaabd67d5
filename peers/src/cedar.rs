//! The Cedar translation: `policies/entitle.cedar` (the rules, fixed) and entities generated
//! from a resolved model (the data).

use crate::Answer;
use cedar_policy::{Authorizer, Context, Decision, Entities, EntityUid, PolicyId, PolicySet, Request, Response};
use entitle::model::{GroupMode, Model, Principal};
use entitle::Access;
use serde_json::{json, Map, Value as J};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

/// The rules of LANGUAGE.md §3 as Cedar policies.
pub const POLICIES: &str = include_str!("../policies/entitle.cedar");

fn uid(kind: &str, id: &str) -> J {
    json!({ "__entity": { "type": kind, "id": id } })
}

fn uid_key(kind: &str, id: &str) -> J {
    json!({ "type": kind, "id": id })
}

fn product_set<'a>(model: &Model, products: impl IntoIterator<Item = &'a entitle::model::ProductId>) -> J {
    J::Array(
        products
            .into_iter()
            .map(|p| uid("Product", &model.product(*p).name))
            .collect(),
    )
}

/// The entities of a model in Cedar's JSON entity format (see the header of
/// `policies/entitle.cedar` for their shape).
pub fn entities_json(model: &Model) -> J {
    let mut out = Vec::new();
    let group_set = |ids: &[entitle::model::GroupId]| -> J {
        J::Array(ids.iter().map(|g| uid("Group", &model.group(*g).name)).collect())
    };
    let principal_groups = |p: Principal| -> J {
        J::Array(
            model
                .principal_groups(p)
                .iter()
                .map(|(g, _)| uid("Group", &model.group(*g).name))
                .collect(),
        )
    };

    // Countries, with the sets of their groups that step 5 needs.
    for (ci, c) in model.countries.iter().enumerate() {
        let groups = model.groups.iter().filter(|g| g.country.index() == ci);
        let mut allow_list = Vec::new();
        let mut include = Vec::new();
        for g in groups {
            if g.mode() == GroupMode::AllowList {
                allow_list.push(uid("Group", &g.name));
                if g.include_country.is_some() {
                    include.push(uid("Group", &g.name));
                }
            }
        }
        let mut overrides: Vec<_> = c.overrides.iter().map(|(p, (a, _))| (*p, *a)).collect();
        overrides.sort();
        let allow: Vec<_> = overrides
            .iter()
            .filter(|(_, a)| *a == Access::Allow)
            .map(|(p, _)| p)
            .collect();
        let deny: Vec<_> = overrides
            .iter()
            .filter(|(_, a)| *a == Access::Deny)
            .map(|(p, _)| p)
            .collect();
        let mut attrs = Map::new();
        attrs.insert("name".into(), J::String(c.name.clone()));
        if let Some(e) = &c.entitled {
            let mut ps: Vec<_> = e.products.keys().copied().collect();
            ps.sort();
            attrs.insert("entitled".into(), product_set(model, &ps));
        }
        attrs.insert("default_access".into(), J::String(c.default.as_str().into()));
        attrs.insert("access_allow".into(), product_set(model, allow));
        attrs.insert("access_deny".into(), product_set(model, deny));
        attrs.insert("allow_list_groups".into(), J::Array(allow_list));
        attrs.insert("include_country_groups".into(), J::Array(include));
        out.push(json!({ "uid": uid_key("Country", &c.name), "attrs": attrs, "parents": [] }));
    }

    // Products, with one tag per country: the inverted indexes of that country's groups.
    #[derive(Default)]
    struct Index {
        listed_by: Vec<entitle::model::GroupId>,
        legacy_allow_by: Vec<entitle::model::GroupId>,
        legacy_deny_by: Vec<entitle::model::GroupId>,
    }
    let mut index: Vec<BTreeMap<usize, Index>> = (0..model.products.len()).map(|_| BTreeMap::new()).collect();
    for (gi, g) in model.groups.iter().enumerate() {
        let gid = entitle::model::GroupId(gi as u32);
        let c = g.country.index();
        match g.mode() {
            GroupMode::AllowList => {
                for (p, _) in &g.allowed {
                    index[p.index()].entry(c).or_default().listed_by.push(gid);
                }
            }
            GroupMode::Legacy => {
                for (p, a, _) in &g.exceptions {
                    let e = index[p.index()].entry(c).or_default();
                    match a {
                        Access::Allow => e.legacy_allow_by.push(gid),
                        Access::Deny => e.legacy_deny_by.push(gid),
                    }
                }
            }
            GroupMode::Unconfigured => {}
        }
    }
    for (x, p) in model.products.iter().enumerate() {
        let mut tags = Map::new();
        for (c, ix) in &index[x] {
            tags.insert(
                model.countries[*c].name.clone(),
                json!({
                    "listed_by": group_set(&ix.listed_by),
                    "legacy_allow_by": group_set(&ix.legacy_allow_by),
                    "legacy_deny_by": group_set(&ix.legacy_deny_by),
                }),
            );
        }
        out.push(json!({ "uid": uid_key("Product", &p.name), "attrs": {}, "parents": [], "tags": tags }));
    }

    // The account: its `global` list (always present: the not-entitled forbid reads it, and
    // an attribute of a missing entity is an error, which would silently skip that forbid).
    let global: Vec<_> = model
        .account
        .iter()
        .flat_map(|a| a.global.iter().map(|(p, _)| p))
        .collect();
    out.push(json!({
        "uid": uid_key("Account", "account"),
        "attrs": { "global": product_set(model, global) },
        "parents": [],
    }));

    // Users and keys. The entitlement country is precomputed: the model's `User::country`
    // (attribute, profile code, `covers`, revenue fallback) and `Key::country` (`in`, else the
    // groups' country); see the policy file's step 2 for why.
    for (ui, u) in model.users.iter().enumerate() {
        let p = Principal::User(entitle::model::UserId(ui as u32));
        let mut attrs = Map::new();
        attrs.insert("status".into(), J::String(u.status.as_str().into()));
        if let Some(c) = u.country {
            attrs.insert("country".into(), uid("Country", &model.country(c).name));
        }
        attrs.insert("groups".into(), principal_groups(p));
        let allow: Vec<_> = u
            .exceptions
            .iter()
            .filter(|e| e.1 == Access::Allow)
            .map(|e| &e.0)
            .collect();
        let deny: Vec<_> = u
            .exceptions
            .iter()
            .filter(|e| e.1 == Access::Deny)
            .map(|e| &e.0)
            .collect();
        attrs.insert("allow".into(), product_set(model, allow));
        attrs.insert("deny".into(), product_set(model, deny));
        out.push(json!({ "uid": uid_key("User", &u.email), "attrs": attrs, "parents": [] }));
    }
    for (ki, k) in model.keys.iter().enumerate() {
        let p = Principal::Key(entitle::model::KeyId(ki as u32));
        let mut attrs = Map::new();
        if let Some(c) = k.country {
            attrs.insert("country".into(), uid("Country", &model.country(c).name));
        }
        attrs.insert("groups".into(), principal_groups(p));
        out.push(json!({ "uid": uid_key("Key", &k.name), "attrs": attrs, "parents": [] }));
    }
    J::Array(out)
}

/// A loaded Cedar policy set and entity store, with the request parts prebuilt.
pub struct CedarPeer {
    pub policies: PolicySet,
    pub entities: Entities,
    authorizer: Authorizer,
    action: EntityUid,
    /// Dense principal index (users, then keys) → uid.
    principals: Vec<EntityUid>,
    products: Vec<EntityUid>,
    /// Policy id → the §3 rule its `@id` names (group rules as one family).
    rule_of: HashMap<PolicyId, &'static str>,
}

fn entity_uid(kind: &str, id: &str) -> EntityUid {
    EntityUid::from_type_name_and_id(
        cedar_policy::EntityTypeName::from_str(kind).expect("valid type name"),
        cedar_policy::EntityId::new(id),
    )
}

/// The rule a policy's `@id` stands for.
fn rule_family(id: &str) -> Option<&'static str> {
    Some(match id {
        "status" => "status",
        "no-entitlement-country" => "no-entitlement-country",
        "not-entitled" => "not-entitled",
        "user-exception-allow" | "user-exception-deny" => "user-exception",
        "group-allow" | "group-deny" => crate::GROUP_FAMILY,
        "product-access-allow" | "product-access-deny" => "product-access",
        "default-access-allow" | "default-access-deny" => "default-access",
        _ => return None,
    })
}

impl CedarPeer {
    /// Parse the policies and load the entities (JSON text, as a deployment would read it).
    pub fn load(model: &Model, entities_text: &str) -> Result<CedarPeer, String> {
        let policies = PolicySet::from_str(POLICIES).map_err(|e| format!("cedar policies: {e:?}"))?;
        let entities = Entities::from_json_str(entities_text, None).map_err(|e| format!("cedar entities: {e:?}"))?;
        let mut rule_of = HashMap::new();
        for p in policies.policies() {
            let id = p.annotation("id").ok_or("a Cedar policy without @id")?;
            let rule = rule_family(id).ok_or_else(|| format!("unknown @id {id}"))?;
            rule_of.insert(p.id().clone(), rule);
        }
        let principals = model
            .users
            .iter()
            .map(|u| entity_uid("User", &u.email))
            .chain(model.keys.iter().map(|k| entity_uid("Key", &k.name)))
            .collect();
        let products = model.products.iter().map(|p| entity_uid("Product", &p.name)).collect();
        Ok(CedarPeer {
            policies,
            entities,
            authorizer: Authorizer::new(),
            action: entity_uid("Action", "use"),
            principals,
            products,
            rule_of,
        })
    }

    /// One authorization request: principal by dense index (users, then keys), product by id.
    #[inline]
    pub fn decide(&self, principal: usize, product: usize) -> Response {
        let request = Request::new(
            self.principals[principal].clone(),
            self.action.clone(),
            self.products[product].clone(),
            Context::empty(),
            None,
        )
        .expect("no schema: every request is valid");
        self.authorizer.is_authorized(&request, &self.policies, &self.entities)
    }

    /// The decision, and the rule named by the earliest §3 step among the deciding policies.
    pub fn answer(&self, response: &Response) -> Answer {
        let allow = response.decision() == Decision::Allow;
        let rule = response
            .diagnostics()
            .reason()
            .filter_map(|id| self.rule_of.get(id).copied())
            .min_by_key(|r| crate::step_of(r));
        let errors = response
            .diagnostics()
            .errors()
            .map(|e| e.to_string())
            .collect::<Vec<_>>();
        Answer {
            allow,
            rule: rule.map(str::to_string),
            group: None,
            errors,
        }
    }
}
