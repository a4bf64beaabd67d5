//! The Rego translation: `policies/entitle.rego` (the rules, fixed) and a data document
//! generated from a resolved model. Two ways to run it with regorus: the interpreter
//! (`Engine::eval_rule`) and the RVM (the policy compiled to Regorus Virtual Machine bytecode).

use crate::Answer;
use entitle::model::{Model, Principal};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Value};
use serde_json::{json, Map, Value as J};
use std::collections::BTreeMap;

/// The rules of LANGUAGE.md §3 as a Rego module.
pub const MODULE: &str = include_str!("../policies/entitle.rego");
/// The rule every request evaluates.
pub const ENTRY: &str = "data.entitle.decision";

fn names<'a>(items: impl IntoIterator<Item = &'a str>) -> J {
    J::Object(items.into_iter().map(|n| (n.to_string(), J::Bool(true))).collect())
}

fn verdicts(model: &Model, items: &[(entitle::model::ProductId, entitle::Access, entitle::Span)]) -> J {
    J::Object(
        items
            .iter()
            .map(|(p, a, _)| (model.product(*p).name.clone(), J::String(a.as_str().into())))
            .collect(),
    )
}

/// The data document of a model (see the header of `policies/entitle.rego` for its shape).
pub fn data_json(model: &Model) -> J {
    let group_names = |p: Principal| -> J {
        J::Array(
            model
                .principal_groups(p)
                .iter()
                .map(|(g, _)| J::String(model.group(*g).name.clone()))
                .collect(),
        )
    };
    let mut countries = Map::new();
    for c in &model.countries {
        let mut o = Map::new();
        if let Some(d) = &c.display {
            o.insert("display".into(), J::String(d.clone()));
        }
        o.insert(
            "covers".into(),
            J::Array(c.covers.iter().map(|(code, _)| J::String(code.clone())).collect()),
        );
        if let Some((r, _)) = c.revenue {
            o.insert("revenue".into(), J::from(r));
        }
        if let Some(e) = &c.entitled {
            o.insert(
                "entitled".into(),
                names(e.products.keys().map(|p| model.product(*p).name.as_str())),
            );
        }
        o.insert("default".into(), J::String(c.default.as_str().into()));
        o.insert(
            "access".into(),
            J::Object(
                c.overrides
                    .iter()
                    .map(|(p, (a, _))| (model.product(*p).name.clone(), J::String(a.as_str().into())))
                    .collect(),
            ),
        );
        countries.insert(c.name.clone(), J::Object(o));
    }
    let mut groups = Map::new();
    for g in &model.groups {
        groups.insert(
            g.name.clone(),
            json!({
                "country": model.country(g.country).name,
                "allowed": names(g.allowed.iter().map(|(p, _)| model.product(*p).name.as_str())),
                "include_country": g.include_country.is_some(),
                "exceptions": verdicts(model, &g.exceptions),
            }),
        );
    }
    let mut users = Map::new();
    for (ui, u) in model.users.iter().enumerate() {
        let mut o = Map::new();
        o.insert("status".into(), J::String(u.status.as_str().into()));
        // the raw declarations: the policy picks the entitlement country (not `u.country`)
        o.insert("profile".into(), J::String(u.profile.0.clone()));
        if let Some((c, _)) = u.entitlement_country {
            o.insert("entitlement_country".into(), J::String(model.country(c).name.clone()));
        }
        o.insert(
            "groups".into(),
            group_names(Principal::User(entitle::model::UserId(ui as u32))),
        );
        o.insert("exceptions".into(), verdicts(model, &u.exceptions));
        users.insert(u.email.clone(), J::Object(o));
    }
    let mut keys = Map::new();
    for (ki, k) in model.keys.iter().enumerate() {
        let mut o = Map::new();
        // the key's own `in` only: the policy falls back to its groups' country
        if let Some((c, _)) = k.country_in {
            o.insert("country_in".into(), J::String(model.country(c).name.clone()));
        }
        o.insert(
            "groups".into(),
            group_names(Principal::Key(entitle::model::KeyId(ki as u32))),
        );
        keys.insert(k.name.clone(), J::Object(o));
    }
    let global: Vec<&str> = model
        .account
        .iter()
        .flat_map(|a| a.global.iter().map(|(p, _)| model.product(*p).name.as_str()))
        .collect();
    json!({
        "account": { "global": names(global) },
        "countries": countries,
        "groups": groups,
        "users": users,
        "keys": keys,
    })
}

/// Prebuilt input parts: a principal's name and kind, a product's name.
struct Inputs {
    kind: Value,
    principal: Value,
    product: Value,
    principals: Vec<(Value, Value)>,
    products: Vec<Value>,
}

impl Inputs {
    fn new(model: &Model) -> Inputs {
        let user = Value::from("user");
        let key = Value::from("key");
        Inputs {
            kind: Value::from("kind"),
            principal: Value::from("principal"),
            product: Value::from("product"),
            principals: model
                .users
                .iter()
                .map(|u| (user.clone(), Value::from(u.email.as_str())))
                .chain(model.keys.iter().map(|k| (key.clone(), Value::from(k.name.as_str()))))
                .collect(),
            products: model.products.iter().map(|p| Value::from(p.name.as_str())).collect(),
        }
    }
    /// `{"kind": ..., "principal": ..., "product": ...}`
    #[inline]
    fn input(&self, principal: usize, product: usize) -> Value {
        let (kind, name) = &self.principals[principal];
        let mut o = BTreeMap::new();
        o.insert(self.kind.clone(), kind.clone());
        o.insert(self.principal.clone(), name.clone());
        o.insert(self.product.clone(), self.products[product].clone());
        Value::from(o)
    }
}

/// The regorus interpreter with the module and the data added once.
pub struct RegoPeer {
    engine: Engine,
    inputs: Inputs,
}

impl RegoPeer {
    /// Add the module and the data (JSON text, as a deployment would read it).
    pub fn load(model: &Model, data_text: &str) -> Result<RegoPeer, String> {
        let mut engine = Engine::new();
        engine
            .add_policy("entitle.rego".into(), MODULE.into())
            .map_err(|e| format!("rego module: {e}"))?;
        engine.add_data_json(data_text).map_err(|e| format!("rego data: {e}"))?;
        Ok(RegoPeer {
            engine,
            inputs: Inputs::new(model),
        })
    }

    /// Evaluate `data.entitle.decision` for one request.
    #[inline]
    pub fn decide(&mut self, principal: usize, product: usize) -> Value {
        self.engine.set_input(self.inputs.input(principal, product));
        self.engine
            .eval_rule(ENTRY.to_string())
            .unwrap_or_else(|e| Value::from(format!("error: {e}")))
    }
}

/// The same module compiled to RVM bytecode, run by one VM with the data set once.
pub struct RvmPeer {
    vm: RegoVM,
    inputs: Inputs,
}

impl RvmPeer {
    /// Add the module and the data, compile to an RVM program, load it and the data.
    pub fn load(model: &Model, data_text: &str) -> Result<RvmPeer, String> {
        let mut engine = Engine::new();
        engine
            .add_policy("entitle.rego".into(), MODULE.into())
            .map_err(|e| format!("rego module: {e}"))?;
        let compiled = engine
            .compile_with_entrypoint(&ENTRY.into())
            .map_err(|e| format!("rego compile: {e}"))?;
        let program = Compiler::compile_from_policy(&compiled, &[ENTRY]).map_err(|e| format!("rvm compile: {e}"))?;
        let data = Value::from_json_str(data_text).map_err(|e| format!("rego data: {e}"))?;
        let mut vm = RegoVM::new();
        vm.load_program(program);
        vm.set_data(data).map_err(|e| format!("rvm data: {e}"))?;
        Ok(RvmPeer {
            vm,
            inputs: Inputs::new(model),
        })
    }

    /// Run the program for one request.
    #[inline]
    pub fn decide(&mut self, principal: usize, product: usize) -> Value {
        self.vm.set_input(self.inputs.input(principal, product));
        self.vm.execute().unwrap_or_else(|e| Value::from(format!("error: {e}")))
    }
}

/// Read a `data.entitle.decision` value.
pub fn answer(v: &Value) -> Answer {
    let field = |k: &str| -> Option<&Value> { v.as_object().ok()?.get(&Value::from(k)) };
    let allow = field("allow").and_then(|a| a.as_bool().ok().copied());
    let rule = field("rule").and_then(|r| r.as_string().ok()).map(|s| s.to_string());
    let group = field("group").and_then(|r| r.as_string().ok()).map(|s| s.to_string());
    let errors = if allow.is_none() {
        vec![format!("not a decision: {}", v.to_json_str().unwrap_or_default())]
    } else {
        vec![]
    };
    Answer {
        allow: allow.unwrap_or(false),
        rule,
        group,
        errors,
    }
}
