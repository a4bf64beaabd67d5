//! The impact of a change in people (`diff`, `simulate`): how many users and keys lose or
//! gain access to at least one product, per principal, per product and per group (people
//! counts, losses first), which what-if statement caused which change, and what new
//! principals may use. Computed from a [`crate::sim::Comparison`] (one pass over the
//! principals), before its lists are cut by `--limit`.

use crate::eval::decide;
use crate::filter::Selection;
use crate::model::{Access, Model, Principal};
use crate::sim::{self, Comparison, Verdict};
use serde::Serialize;
use std::collections::HashMap;

pub mod simulate;
mod unchanged;
pub use unchanged::why_unchanged;

/// Users and keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Kinds {
    /// Users.
    pub users: usize,
    /// Activation keys.
    pub keys: usize,
}

impl Kinds {
    /// Users and keys together.
    pub fn total(self) -> usize {
        self.users + self.keys
    }
}

/// Principals that lose access to at least one product, and those that gain access to one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct People {
    /// Principals with at least one allow → deny change.
    pub lose: Kinds,
    /// Principals with at least one deny → allow change.
    pub gain: Kinds,
}

/// One (before → after) verdict pair and how many of a principal's decisions took it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CauseCount {
    /// The decision before.
    pub before: Verdict,
    /// The decision after.
    pub after: Verdict,
    /// How many products.
    pub count: usize,
}

/// One principal's changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrincipalImpact {
    /// The user's email or the key's id.
    pub principal: String,
    /// `user` or `key`.
    pub kind: &'static str,
    /// Products it loses (allow → deny).
    pub loses: usize,
    /// Products it gains (deny → allow).
    pub gains: usize,
    /// Decisions whose rule alone changes.
    pub rule_only: usize,
    /// Its changes by cause, the biggest first.
    pub causes: Vec<CauseCount>,
    /// The what-if statements (numbered from 1) its changes are attributed to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<usize>,
}

/// People counts for one product or one group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountRow {
    /// The product or group.
    pub name: String,
    /// Principals that lose access (to this product; to at least one product, for a group's members).
    pub lose: usize,
    /// Principals that gain access.
    pub gain: usize,
}

/// What one what-if statement did, in the order applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatementImpact {
    /// Numbered from 1.
    pub index: usize,
    /// The statement as given.
    pub statement: String,
    /// Decisions that first differ from the original policy after this statement.
    pub changed: usize,
    /// Principals that lose access through a change first made here.
    pub lose: usize,
    /// Principals that gain access through a change first made here.
    pub gain: usize,
    /// Principals this statement adds (a new `user`, `register`, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    /// Why it changes nothing, when it changes no decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_change: Option<String>,
    /// Whether the policy already said what the statement says (nothing to change).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub already: bool,
}

/// A principal only the new policy has, and what it may use there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewPrincipal {
    /// Its email or key id.
    pub principal: String,
    /// How many products it may use.
    pub allowed: usize,
    /// Of how many (after filters).
    pub of: usize,
    /// The products it may use (cut by `--limit`).
    pub may_use: Vec<String>,
}

/// The impact of a diff in people.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Impact {
    /// Who loses and who gains.
    pub people: People,
    /// Principals with a change (exact count; `principals` may be cut by `--limit`).
    pub principals_changed: usize,
    /// Per principal, losses first.
    pub principals: Vec<PrincipalImpact>,
    /// Per product: principals that lose or gain it, losses first.
    pub products: Vec<CountRow>,
    /// Per group: members that lose or gain access to at least one product, losses first.
    pub groups: Vec<CountRow>,
    /// Per what-if statement (simulate only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<StatementImpact>,
    /// Principals only the new policy has, with what they may use.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub new_principals: Vec<NewPrincipal>,
}

fn sort_rows(rows: &mut Vec<CountRow>) {
    rows.retain(|r| r.lose + r.gain > 0);
    rows.sort_by(|a, b| b.lose.cmp(&a.lose).then(b.gain.cmp(&a.gain)).then(a.name.cmp(&b.name)));
}

/// The principal at a dense index of a model's compiled form (users first, then keys).
fn dense(m: &Model, i: usize) -> Principal {
    if i < m.users.len() {
        Principal::User(crate::model::UserId(i as u32))
    } else {
        Principal::Key(crate::model::KeyId((i - m.users.len()) as u32))
    }
}

/// The impact of a comparison of `old` (the first stage) with `new` (the last) under `sel`,
/// before its lists are cut by a limit. `attributed`: whether the stages are what-if
/// statements, so each principal names the statements its changes come from.
pub fn impact(cmp: &Comparison, old: &Model, new: &Model, sel: &Selection, attributed: bool) -> Impact {
    let mut people = People::default();
    let mut groups: HashMap<crate::model::GroupId, (usize, usize)> = HashMap::new();
    let mut principals: Vec<PrincipalImpact> = cmp
        .principals
        .iter()
        .map(|delta| {
            let p = dense(old, delta.index);
            let is_key = matches!(p, Principal::Key(_));
            let count = |k: &mut Kinds| {
                if is_key {
                    k.keys += 1
                } else {
                    k.users += 1
                }
            };
            if delta.loses > 0 {
                count(&mut people.lose);
            }
            if delta.gains > 0 {
                count(&mut people.gain);
            }
            for &(g, _) in old.principal_groups(p) {
                let e = groups.entry(g).or_default();
                e.0 += usize::from(delta.loses > 0);
                e.1 += usize::from(delta.gains > 0);
            }
            let mut causes: Vec<CauseCount> = delta
                .causes
                .iter()
                .map(|&(before, after, count)| CauseCount { before, after, count })
                .collect();
            causes.sort_by_key(|c| std::cmp::Reverse(c.count));
            PrincipalImpact {
                principal: old.principal_name(p).to_string(),
                kind: if is_key { "key" } else { "user" },
                loses: delta.loses,
                gains: delta.gains,
                rule_only: delta.rule_only,
                causes,
                statements: if attributed { delta.statements.clone() } else { vec![] },
            }
        })
        .collect();
    principals.sort_by(|a, b| {
        b.loses
            .cmp(&a.loses)
            .then(b.gains.cmp(&a.gains))
            .then(b.rule_only.cmp(&a.rule_only))
            .then(a.principal.cmp(&b.principal))
    });
    let mut products: Vec<CountRow> = cmp
        .product_people
        .iter()
        .enumerate()
        .map(|(x, &(lose, gain))| CountRow {
            name: old.products[x].name.clone(),
            lose,
            gain,
        })
        .collect();
    sort_rows(&mut products);
    let mut groups: Vec<CountRow> = groups
        .into_iter()
        .map(|(g, (lose, gain))| CountRow {
            name: old.group(g).name.clone(),
            lose,
            gain,
        })
        .collect();
    sort_rows(&mut groups);
    let wanted: Vec<_> = new
        .product_ids()
        .filter(|&x| {
            sel.only_product()
                .is_none_or(|y| new.find_product(&old.product(y).name) == Some(x))
        })
        .collect();
    let new_principals = cmp
        .diff
        .principals_added
        .iter()
        .filter_map(|name| new.find_principal(name))
        .map(|p| {
            let may_use: Vec<String> = wanted
                .iter()
                .filter(|&&x| decide(new, p, x).access == Access::Allow)
                .map(|&x| new.product(x).name.clone())
                .collect();
            NewPrincipal {
                principal: new.principal_name(p).to_string(),
                allowed: may_use.len(),
                of: wanted.len(),
                may_use,
            }
        })
        .collect();
    Impact {
        people,
        principals_changed: principals.len(),
        principals,
        products,
        groups,
        statements: vec![],
        new_principals,
    }
}

/// What each what-if statement did: `stages[0]` is the original policy, `stages[k]` the
/// policy after statement k, `cmp` their comparison. `why(i)` says why statement `i` (from
/// 0) changes no decision, when it changes none, and whether the policy already said so.
pub fn statements(
    cmp: &Comparison,
    stages: &[&Model],
    sel: &Selection,
    statements: &[String],
    why: &dyn Fn(usize) -> (bool, String),
) -> Vec<StatementImpact> {
    let mut out: Vec<StatementImpact> = vec![];
    for k in 1..stages.len() {
        let step = &cmp.steps[k - 1];
        let (shape_empty, added) = sim::step_shape(stages[k - 1], stages[k], sel);
        let lose = cmp.principals.iter().filter(|d| d.lose_statements.contains(&k)).count();
        let gain = cmp.principals.iter().filter(|d| d.gain_statements.contains(&k)).count();
        let norm = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let repeated = (1..k).find(|&j| norm(&statements[j - 1]) == norm(&statements[k - 1]));
        // "statement #j already made it" only when #j changed the policy itself
        let no_change = (step.step_changed == 0 && shape_empty).then(|| match repeated {
            Some(j) if !out[j - 1].already => (true, format!("statement #{j} already made it")),
            _ => why(k - 1),
        });
        let already = no_change.as_ref().is_some_and(|w| w.0);
        out.push(StatementImpact {
            index: k,
            statement: statements[k - 1].trim().to_string(),
            changed: step.changed,
            lose,
            gain,
            added,
            no_change: no_change.map(|w| w.1),
            already,
        });
    }
    out
}

impl Impact {
    /// Cut the lists to at most `limit` items (0: all); the counts stay exact.
    pub fn limit(&mut self, limit: usize) {
        let cut = |len: usize| if limit == 0 { len } else { limit.min(len) };
        self.principals.truncate(cut(self.principals.len()));
        self.products.truncate(cut(self.products.len()));
        self.groups.truncate(cut(self.groups.len()));
        self.new_principals.truncate(cut(self.new_principals.len()));
        for p in &mut self.new_principals {
            p.may_use.truncate(cut(p.may_use.len()));
        }
    }
}
