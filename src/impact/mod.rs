//! The impact of a change in people (`diff`, `simulate`): how many users and keys lose or
//! gain access to at least one product, per principal, per product and per group (people
//! counts, losses first), which what-if statement caused which change, and what new
//! principals may use. Computed from a [`Diff`] before its lists are cut by `--limit`.

use crate::eval::decide;
use crate::filter::Selection;
use crate::model::{Access, Model, Principal};
use crate::sim::{self, Diff, Verdict};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

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

#[derive(Default)]
struct Acc {
    loses: usize,
    gains: usize,
    rule_only: usize,
    causes: BTreeMap<(Verdict, Verdict), usize>,
    statements: Vec<usize>,
}

fn sort_rows(rows: &mut Vec<CountRow>) {
    rows.retain(|r| r.lose + r.gain > 0);
    rows.sort_by(|a, b| b.lose.cmp(&a.lose).then(b.gain.cmp(&a.gain)).then(a.name.cmp(&b.name)));
}

/// The impact of `d` (a diff of `old` → `new` under `sel`, not yet cut by a limit).
/// `attribution` maps (principal, product) to the statement (from 1) that first changed it.
pub fn impact(
    d: &Diff,
    old: &Model,
    new: &Model,
    sel: &Selection,
    attribution: Option<&HashMap<(String, String), usize>>,
) -> Impact {
    let mut acc: HashMap<&str, Acc> = HashMap::new();
    let mut products: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in &d.causes {
        let (lose, gain) = (
            c.before.decision == Access::Allow && c.after.decision == Access::Deny,
            c.before.decision == Access::Deny && c.after.decision == Access::Allow,
        );
        for ch in &c.changes {
            let a = acc.entry(&ch.principal).or_default();
            *a.causes.entry((c.before, c.after)).or_default() += 1;
            let e = products.entry(&ch.product).or_default();
            if lose {
                a.loses += 1;
                e.0 += 1;
            } else if gain {
                a.gains += 1;
                e.1 += 1;
            } else {
                a.rule_only += 1;
            }
            if let Some(s) = attribution.and_then(|m| m.get(&(ch.principal.clone(), ch.product.clone()))) {
                if !a.statements.contains(s) {
                    a.statements.push(*s);
                }
            }
        }
    }
    let mut people = People::default();
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut principals: Vec<PrincipalImpact> = acc
        .into_iter()
        .map(|(name, mut a)| {
            let p = old.find_principal(name);
            let is_key = matches!(p, Some(Principal::Key(_)));
            let count = |k: &mut Kinds| {
                if is_key {
                    k.keys += 1
                } else {
                    k.users += 1
                }
            };
            if a.loses > 0 {
                count(&mut people.lose);
            }
            if a.gains > 0 {
                count(&mut people.gain);
            }
            if let Some(p) = p {
                for &(g, _) in old.principal_groups(p) {
                    let e = groups.entry(old.group(g).name.clone()).or_default();
                    e.0 += usize::from(a.loses > 0);
                    e.1 += usize::from(a.gains > 0);
                }
            }
            let mut causes: Vec<CauseCount> = a
                .causes
                .into_iter()
                .map(|((before, after), count)| CauseCount { before, after, count })
                .collect();
            causes.sort_by_key(|c| std::cmp::Reverse(c.count));
            a.statements.sort_unstable();
            PrincipalImpact {
                principal: name.to_string(),
                kind: if is_key { "key" } else { "user" },
                loses: a.loses,
                gains: a.gains,
                rule_only: a.rule_only,
                causes,
                statements: a.statements,
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
    let mut products: Vec<CountRow> = products
        .into_iter()
        .map(|(name, (lose, gain))| CountRow {
            name: name.to_string(),
            lose,
            gain,
        })
        .collect();
    sort_rows(&mut products);
    let mut groups: Vec<CountRow> = groups
        .into_iter()
        .map(|(name, (lose, gain))| CountRow { name, lose, gain })
        .collect();
    sort_rows(&mut groups);
    let wanted: Vec<_> = new
        .product_ids()
        .filter(|&x| {
            sel.only_product()
                .is_none_or(|y| new.find_product(&old.product(y).name) == Some(x))
        })
        .collect();
    let new_principals = d
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

/// Which statement first changed each decision of `last` (the diff of the original policy
/// against the last stage): `stages[0]` is the original policy, `stages[k]` the policy after
/// statement k. Returns the attribution and what each statement did; `why(i)` says why
/// statement `i` (from 0) changes no decision, when it changes none, and whether the policy
/// already said so.
pub fn attribute(
    stages: &[&Model],
    sel: &Selection,
    last: &Diff,
    statements: &[String],
    why: &dyn Fn(usize) -> (bool, String),
) -> (HashMap<(String, String), usize>, Vec<StatementImpact>) {
    let n = stages.len() - 1;
    let mut attribution: HashMap<(String, String), usize> = HashMap::new();
    let wanted: HashSet<(String, String)> = last
        .causes
        .iter()
        .flat_map(|c| c.changes.iter().map(|ch| (ch.principal.clone(), ch.product.clone())))
        .collect();
    let mut stmts: Vec<StatementImpact> = vec![];
    for k in 1..=n {
        let cumulative = if k == n {
            None
        } else {
            Some(sim::diff_of(stages[0], stages[k], sel, &|_| {}))
        };
        let cum = cumulative.as_ref().unwrap_or(last);
        for c in &cum.causes {
            for ch in &c.changes {
                let key = (ch.principal.clone(), ch.product.clone());
                if wanted.contains(&key) && !attribution.contains_key(&key) {
                    attribution.insert(key, k);
                }
            }
        }
        // with one statement, its step is the whole diff
        let computed = (n > 1).then(|| sim::diff_of(stages[k - 1], stages[k], sel, &|_| {}));
        let step = computed.as_ref().unwrap_or(last);
        let (mut changed, mut lose, mut gain) = (0, HashSet::new(), HashSet::new());
        for c in &last.causes {
            for ch in &c.changes {
                if attribution.get(&(ch.principal.clone(), ch.product.clone())) == Some(&k) {
                    changed += 1;
                    if c.after.decision == Access::Deny && c.before.decision == Access::Allow {
                        lose.insert(ch.principal.as_str());
                    } else if c.after.decision == Access::Allow && c.before.decision == Access::Deny {
                        gain.insert(ch.principal.as_str());
                    }
                }
            }
        }
        let norm = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let repeated = (1..k).find(|&j| norm(&statements[j - 1]) == norm(&statements[k - 1]));
        // "statement #j already made it" only when #j changed the policy itself
        let no_change = step.is_empty().then(|| match repeated {
            Some(j) if !stmts[j - 1].already => (true, format!("statement #{j} already made it")),
            _ => why(k - 1),
        });
        let already = no_change.as_ref().is_some_and(|w| w.0);
        let no_change = no_change.map(|w| w.1);
        stmts.push(StatementImpact {
            index: k,
            statement: statements[k - 1].trim().to_string(),
            changed,
            lose: lose.len(),
            gain: gain.len(),
            added: step.principals_added.clone(),
            no_change,
            already,
        });
    }
    (attribution, stmts)
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
