//! Stage 3: the explaining evaluator — the reference semantics of LANGUAGE.md §3.
//!
//! [`decide`] answers "can P use X, and which rule decided?"; [`explain`] answers the same
//! and also returns a trace of every step considered, each with the source it rests on.
//! Both run the same code (the trace is a compile-time switch), so they cannot disagree.

pub use crate::model::Rule;
use crate::model::*;
use crate::source::Span;

/// A decision and what made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// May the principal use the product?
    pub access: Access,
    /// The rule of the step that decided.
    pub rule: Rule,
    /// The credited group, exactly for the `group-*` rules.
    pub group: Option<GroupId>,
    /// The principal's entitlement country, when there is one (also when `status` decided).
    pub country: Option<CountryId>,
    /// The statement that decided (LANGUAGE.md §7 lists which one for each rule). For a
    /// principal described at request time, a decision resting on its own statements has
    /// `Span::default()` here.
    pub source: Span,
}

/// What one group said about the product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupVerdict {
    /// The group belongs to another country than the principal's entitlement country.
    OtherCountry(CountryId),
    /// The group allows it: by `group-allowed`, `group-include-country` or `group-exception`,
    /// with the statement that allows.
    Allow(Rule, Span),
    /// The group denies it: by `group-not-allowed` (its `allowed` statement, or the group's
    /// declaration) or `group-exception` (the `exception` statement).
    Deny(Rule, Span),
    /// Legacy group without an exception for the product, or an unconfigured group.
    Abstain(GroupMode),
}

/// One step of the decision procedure, as considered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Step 1 (users only): it passes when the status is `active`.
    Status {
        /// The user's status.
        status: Status,
        /// The `status` statement, or the user's declaration when there is none.
        span: Span,
    },
    /// Step 2 for a user: the profile code, the country chosen and how.
    UserCountry {
        /// The profile country code, as written.
        profile: String,
        /// The entitlement country; `None` denies.
        country: Option<CountryId>,
        /// How the country was chosen; `None` when there is none.
        by: Option<CountryBy>,
        /// The `entitlement-country` statement when that attribute chose the country, else
        /// the `country` statement.
        span: Span,
    },
    /// Step 2 for a key: its `in` country, else the country of its groups.
    KeyCountry {
        /// The entitlement country; `None` denies.
        country: Option<CountryId>,
        /// How the country was chosen; `None` when there is none.
        by: Option<CountryBy>,
        /// The country name of `key ID in COUNTRY`, else the key's declaration.
        span: Span,
    },
    /// Step 3: is the product entitled in the country? `listed` is false when the country has
    /// no `entitled` list (everything is entitled); `global` when only the account's `global`
    /// list entitles it.
    Entitled {
        /// The entitlement country.
        country: CountryId,
        /// Whether the product is entitled (it passes), by the country's list or `global`.
        entitled: bool,
        /// Whether the country has an `entitled` list.
        listed: bool,
        /// Whether only the account's `global` list entitles it.
        global: bool,
        /// The `entitled` statement naming the product, else the `global` statement naming
        /// it, else the country's first `entitled` statement; the country's declaration when
        /// it has no `entitled` list.
        span: Span,
    },
    /// Step 4 (users only): the user's exception for the product, if any.
    UserException {
        /// The exception and its statement; `None` passes.
        exception: Option<(Access, Span)>,
    },
    /// Step 5, one per group of the principal, in their order.
    Group {
        /// The group.
        group: GroupId,
        /// What it said about the product.
        verdict: GroupVerdict,
    },
    /// Step 5, the combination: which group was credited, or that all abstained.
    Groups {
        /// The answer and the credited group (the first allowing one, else the first denying
        /// one); `None` when no group allowed or denied, so step 6 decides.
        decided: Option<(Access, GroupId)>,
        /// How many groups of the entitlement country were considered (groups of other
        /// countries are not counted).
        considered: usize,
    },
    /// Step 6: the country level decides.
    CountryLevel {
        /// The entitlement country.
        country: CountryId,
        /// The answer.
        access: Access,
        /// Whether a General Access override decided (`product-access`), rather than Default
        /// Access (`default-access`).
        is_override: bool,
        /// The override's statement, the `default` statement, or the country's declaration
        /// when it has neither.
        span: Span,
    },
}

/// A decision with the trace that led to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The decision, the same as [`crate::Policy::check`] gives.
    pub decision: Decision,
    /// Every step considered, in order; the last one decided.
    pub steps: Vec<Step>,
}

trait Tracer {
    const ON: bool;
    fn push(&mut self, step: Step);
}

struct NoTrace;
impl Tracer for NoTrace {
    const ON: bool = false;
    #[inline(always)]
    fn push(&mut self, _: Step) {}
}

impl Tracer for Vec<Step> {
    const ON: bool = true;
    fn push(&mut self, step: Step) {
        Vec::push(self, step)
    }
}

/// Decide whether `principal` may use `product`.
///
/// ```
/// let policy = entitle::Policy::parse("demo.ent", r#"
///     product MicroStation
///     country US { default deny }
///     user ann@x.com { country US }
/// "#).unwrap();
/// let d = policy.check("ann@x.com", "MicroStation").unwrap();
/// assert_eq!(d.rule, entitle::Rule::DefaultAccess);
/// ```
pub fn decide(model: &Model, principal: Principal, product: ProductId) -> Decision {
    run(model, model.subject(principal), product, &mut NoTrace)
}

/// [`decide`] for any principal the evaluator can read: declared in the policy or described
/// at request time ([`crate::request`]).
pub fn decide_subject(model: &Model, subject: Subject<'_>, product: ProductId) -> Decision {
    run(model, subject, product, &mut NoTrace)
}

/// [`explain`] for any principal the evaluator can read.
pub fn explain_subject(model: &Model, subject: Subject<'_>, product: ProductId) -> Explanation {
    let mut steps = Vec::new();
    let decision = run(model, subject, product, &mut steps);
    Explanation { decision, steps }
}

/// Decide and record every step considered.
pub fn explain(model: &Model, principal: Principal, product: ProductId) -> Explanation {
    explain_subject(model, model.subject(principal), product)
}

/// Step 2 of the trace: the principal's entitlement country and how it was chosen.
pub(crate) fn country_step(subject: Subject<'_>) -> Step {
    let country = subject.country();
    let by = subject.country_by();
    match subject {
        Subject::User(u) => {
            let span = match (by, u.entitlement_country) {
                (Some(CountryBy::EntitlementCountry), Some((_, s))) => s,
                _ => u.profile.1,
            };
            Step::UserCountry {
                profile: u.profile.0.clone(),
                country,
                by,
                span,
            }
        }
        Subject::Key(k) => {
            let span = match k.country_in {
                Some((_, s)) => s,
                None => k.span,
            };
            Step::KeyCountry { country, by, span }
        }
    }
}

/// The verdict of one group (in the principal's entitlement country) on `product`.
pub(crate) fn group_verdict(model: &Model, group: &Group, product: ProductId) -> GroupVerdict {
    match group.mode() {
        GroupMode::AllowList => {
            if let Some(span) = group.allowed_entry(product) {
                return GroupVerdict::Allow(Rule::GroupAllowed, span);
            }
            if let Some(span) = group.include_country {
                let (access, _, _) = model.country(group.country).country_level(product);
                if access == Access::Allow {
                    return GroupVerdict::Allow(Rule::GroupIncludeCountry, span);
                }
            }
            GroupVerdict::Deny(Rule::GroupNotAllowed, group.allowed_span.unwrap_or(group.span))
        }
        GroupMode::Legacy => match group.exception(product) {
            Some((Access::Allow, span)) => GroupVerdict::Allow(Rule::GroupException, span),
            Some((Access::Deny, span)) => GroupVerdict::Deny(Rule::GroupException, span),
            None => GroupVerdict::Abstain(GroupMode::Legacy),
        },
        GroupMode::Unconfigured => GroupVerdict::Abstain(GroupMode::Unconfigured),
    }
}

fn run<T: Tracer>(model: &Model, subject: Subject<'_>, product: ProductId, t: &mut T) -> Decision {
    let user = match subject {
        Subject::User(u) => Some(u),
        Subject::Key(_) => None,
    };
    let country = subject.country();
    let deny = |rule, group, source| Decision {
        access: Access::Deny,
        rule,
        group,
        country,
        source,
    };

    // 1. status
    if let Some(u) = user {
        let span = u.status_span.unwrap_or(u.span);
        if T::ON {
            t.push(Step::Status { status: u.status, span });
        }
        if u.status != Status::Active {
            return deny(Rule::Status, None, span);
        }
    }

    // 2. entitlement country
    if T::ON {
        t.push(country_step(subject));
    }
    let Some(cid) = country else {
        let span = match user {
            Some(u) => u.profile.1,
            None => subject.span(),
        };
        return deny(Rule::NoEntitlementCountry, None, span);
    };
    let c = model.country(cid);

    // 3. entitled (the country's list, or the account's `global` list)
    let listed = c.is_entitled(product);
    let entitled = listed || model.is_global(product);
    if T::ON {
        let global_span = || {
            let account = model.account.as_ref();
            account.and_then(|a| a.global.iter().find(|(p, _)| *p == product).map(|(_, s)| *s))
        };
        let span = match &c.entitled {
            Some(e) => match e.products.get(&product) {
                Some(s) => *s,
                None => global_span().unwrap_or(e.span),
            },
            None => c.span,
        };
        t.push(Step::Entitled {
            country: cid,
            entitled,
            listed: c.entitled.is_some(),
            global: !listed && entitled,
            span,
        });
    }
    if !entitled {
        let span = c.entitled.as_ref().map_or(c.span, |e| e.span);
        return deny(Rule::NotEntitled, None, span);
    }

    // 4. user exception
    if let Some(u) = user {
        let exception = u.exception(product);
        if T::ON {
            t.push(Step::UserException { exception });
        }
        if let Some((access, span)) = exception {
            return Decision {
                access,
                rule: Rule::UserException,
                group: None,
                country,
                source: span,
            };
        }
    }

    // 5. groups (additive)
    let mut first_deny: Option<(GroupId, Rule, Span)> = None;
    let mut considered = 0;
    let mut allowed: Option<Decision> = None;
    for &(gid, _) in subject.groups() {
        let g = model.group(gid);
        if g.country != cid {
            if T::ON {
                t.push(Step::Group {
                    group: gid,
                    verdict: GroupVerdict::OtherCountry(g.country),
                });
            }
            continue;
        }
        considered += 1;
        let verdict = group_verdict(model, g, product);
        if T::ON {
            t.push(Step::Group { group: gid, verdict });
        }
        match verdict {
            GroupVerdict::Allow(rule, span) => {
                if allowed.is_none() {
                    allowed = Some(Decision {
                        access: Access::Allow,
                        rule,
                        group: Some(gid),
                        country,
                        source: span,
                    });
                    if !T::ON {
                        break;
                    }
                }
            }
            GroupVerdict::Deny(rule, span) => {
                if first_deny.is_none() {
                    first_deny = Some((gid, rule, span));
                }
            }
            GroupVerdict::Abstain(_) | GroupVerdict::OtherCountry(_) => {}
        }
    }
    let group_decision = allowed.or(first_deny.map(|(gid, rule, span)| deny(rule, Some(gid), span)));
    if T::ON {
        t.push(Step::Groups {
            decided: group_decision.map(|d| (d.access, d.group.unwrap())),
            considered,
        });
    }
    if let Some(d) = group_decision {
        return d;
    }

    // 6. country level
    let (access, is_override, span) = c.country_level(product);
    if T::ON {
        t.push(Step::CountryLevel {
            country: cid,
            access,
            is_override,
            span,
        });
    }
    let rule = if is_override {
        Rule::ProductAccess
    } else {
        Rule::DefaultAccess
    };
    Decision {
        access,
        rule,
        group: None,
        country,
        source: span,
    }
}

impl Step {
    /// The statement this step rests on, if any.
    pub fn span(&self, model: &Model) -> Option<Span> {
        match self {
            Step::Status { span, .. }
            | Step::UserCountry { span, .. }
            | Step::KeyCountry { span, .. }
            | Step::Entitled { span, .. }
            | Step::CountryLevel { span, .. } => Some(*span),
            Step::UserException { exception } => exception.map(|(_, s)| s),
            Step::Group { group, verdict } => Some(match verdict {
                GroupVerdict::Allow(_, s) | GroupVerdict::Deny(_, s) => *s,
                GroupVerdict::OtherCountry(_) | GroupVerdict::Abstain(_) => model.group(*group).span,
            }),
            Step::Groups { .. } => None,
        }
    }

    /// A short machine name for the step (`status`, `country`, `entitled`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Step::Status { .. } => "status",
            Step::UserCountry { .. } | Step::KeyCountry { .. } => "entitlement-country",
            Step::Entitled { .. } => "entitled",
            Step::UserException { .. } => "user-exception",
            Step::Group { .. } => "group",
            Step::Groups { .. } => "groups",
            Step::CountryLevel { .. } => "country-level",
        }
    }

    /// What the step concluded: `pass` (go on), `allow`, `deny`, `abstain` or `ignored`.
    pub fn outcome(&self) -> &'static str {
        match self {
            Step::Status { status, .. } => {
                if *status == Status::Active {
                    "pass"
                } else {
                    "deny"
                }
            }
            Step::UserCountry { country, .. } | Step::KeyCountry { country, .. } => {
                if country.is_some() {
                    "pass"
                } else {
                    "deny"
                }
            }
            Step::Entitled { entitled, .. } => {
                if *entitled {
                    "pass"
                } else {
                    "deny"
                }
            }
            Step::UserException { exception } => exception.map_or("pass", |(a, _)| a.as_str()),
            Step::Group { verdict, .. } => match verdict {
                GroupVerdict::OtherCountry(_) => "ignored",
                GroupVerdict::Allow(..) => "allow",
                GroupVerdict::Deny(..) => "deny",
                GroupVerdict::Abstain(_) => "abstain",
            },
            Step::Groups { decided, .. } => decided.map_or("pass", |(a, _)| a.as_str()),
            Step::CountryLevel { access, .. } => access.as_str(),
        }
    }
}
