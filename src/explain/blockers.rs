//! Every blocker of a denied decision: the deciding step, then each later step that would
//! still deny once the ones before it are lifted.

use crate::eval::{country_step, group_verdict, GroupVerdict, Rule, Step};
use crate::model::*;
use crate::source::Span;

/// One step of LANGUAGE.md §3 that denies (or would deny, once the blockers before it are
/// lifted). The first blocker of a denied decision is the step that decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocker {
    /// The rule the step would deny by.
    pub rule: Rule,
    /// The denying group, exactly for the `group-*` rules (the first denying group of the
    /// principal's groups in the entitlement country).
    pub group: Option<GroupId>,
    /// The statement the denial rests on (as `check --json`'s `source` for that rule).
    pub source: Span,
    /// The step as the evaluator would trace it (for its sentence:
    /// [`crate::render::step_sentence`]).
    pub step: Step,
}

/// Every step that denies `principal` the use of `product`, in the order of LANGUAGE.md §3,
/// each evaluated as if the blockers before it were lifted. Empty when the decision is allow.
///
/// Exactly: the steps are evaluated in order. A step that would deny is a blocker, and
/// evaluation goes on as if it had passed:
/// - `status`: a status other than `active`;
/// - `no-entitlement-country`: no entitlement country. Evaluation goes on in the country of
///   the principal's first group, if it has one (the country it would most likely be given);
///   without a group it stops there;
/// - `not-entitled`: the product is neither in the country's `entitled` list nor `global`;
/// - `user-exception`: a user `deny` exception (a user `allow` exception allows: no further
///   blocker);
/// - group level: when the principal's groups of that country deny (no group allows), the
///   first denying group is the blocker, and the list ends there (lifting it means a group
///   allows);
/// - country level: when every group abstains and the country denies.
///
/// A step that would allow ends the list.
pub fn blockers(model: &Model, principal: Principal, product: ProductId) -> Vec<Blocker> {
    let subject = model.subject(principal);
    let mut out = vec![];
    let mut push = |rule, group, source, step| {
        out.push(Blocker {
            rule,
            group,
            source,
            step,
        })
    };
    let user = match subject {
        Subject::User(u) => Some(u),
        Subject::Key(_) => None,
    };
    if let Some(u) = user {
        let span = u.status_span.unwrap_or(u.span);
        if u.status != Status::Active {
            push(Rule::Status, None, span, Step::Status { status: u.status, span });
        }
    }
    let cid = match subject.country() {
        Some(c) => c,
        None => {
            let span = match user {
                Some(u) => u.profile.1,
                None => subject.span(),
            };
            push(Rule::NoEntitlementCountry, None, span, country_step(subject));
            match subject.groups().first() {
                Some((g, _)) => model.group(*g).country,
                None => return out,
            }
        }
    };
    let c = model.country(cid);
    if !model.is_entitled(cid, product) {
        let span = c.entitled.as_ref().map_or(c.span, |e| e.span);
        let step = Step::Entitled {
            country: cid,
            entitled: false,
            listed: c.entitled.is_some(),
            global: false,
            span,
        };
        push(Rule::NotEntitled, None, span, step);
    }
    if let Some(u) = user {
        match u.exception(product) {
            Some((Access::Allow, _)) => return out,
            Some((Access::Deny, span)) => push(
                Rule::UserException,
                None,
                span,
                Step::UserException {
                    exception: Some((Access::Deny, span)),
                },
            ),
            None => {}
        }
    }
    let mut first_deny = None;
    for &(gid, _) in subject.groups() {
        let g = model.group(gid);
        if g.country != cid {
            continue;
        }
        match group_verdict(model, g, product) {
            GroupVerdict::Allow(..) => return out,
            v @ GroupVerdict::Deny(rule, span) if first_deny.is_none() => {
                first_deny = Some((gid, rule, span, v));
            }
            _ => {}
        }
    }
    if let Some((gid, rule, span, verdict)) = first_deny {
        push(rule, Some(gid), span, Step::Group { group: gid, verdict });
        return out;
    }
    let (access, is_override, span) = c.country_level(product);
    if access == Access::Deny {
        let rule = if is_override {
            Rule::ProductAccess
        } else {
            Rule::DefaultAccess
        };
        let step = Step::CountryLevel {
            country: cid,
            access,
            is_override,
            span,
        };
        push(rule, None, span, step);
    }
    out
}
