//! Answers in the portal's own words, for a support engineer to paste to a customer
//! (`explain`, `access` and `can` with `--format plain` or `--format markdown`).
//!
//! No rule codes, no file positions, no policy syntax: the reason is told with the names the
//! portal shows (Entitlement Country, Default Access, General Access, Allowed Applications,
//! "Include Allowed Applications from the entitlement country", legacy group exceptions,
//! user-level exceptions in IMS Users, Pending Approvals, Terms of Service, activation key
//! mappings, the revenue fallback, Global entitlements, a locked account), and every fix is a
//! step to take in the portal, marked when only the vendor can make it (a contract change).
//! The words and places come from `PORTAL-TERMS.md` of the specification.
//!
//! The fixes come from [`crate::explain`] as what-if statements; [`portal_step`] turns one
//! statement into a portal step, and [`decision_reason`] tells one decision in portal words.

use crate::capability::{CanAnswer, CanReason, Capability};
use crate::eval::{Decision, Explanation, GroupVerdict, Step};
use crate::model::{Access, CountryBy, GroupMode, Model, Principal, ProductId, Role, Rule, Status};
use crate::syntax::{Item, WhatIf};
use crate::Policy;

/// One step to take in the portal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalStep {
    /// The step, as a sentence ("In Entitlement Management, …").
    pub text: String,
    /// Whether only the vendor can make it (a contract change: entitled applications,
    /// revenue, Global entitlements): the account cannot.
    pub vendor: bool,
}

fn admin(text: String) -> PortalStep {
    PortalStep { text, vendor: false }
}

fn vendor(text: String) -> PortalStep {
    PortalStep { text, vendor: true }
}

/// "Access Allowed" / "Access Denied", the portal's words for a setting.
fn access_words(a: Access) -> &'static str {
    match a {
        Access::Allow => "Access Allowed",
        Access::Deny => "Access Denied",
    }
}

fn allows(a: Access) -> &'static str {
    match a {
        Access::Allow => "allows",
        Access::Deny => "denies",
    }
}

/// The portal's name of a role.
pub fn role_words(r: Role) -> &'static str {
    match r {
        Role::FulfillmentContact => "Fulfillment Contact",
        Role::AccountAdmin => "Account Administrator",
        Role::CoAdmin => "Co-Administrator",
    }
}

/// "the user ann@x.com" / "the activation key K-1".
fn who(model: &Model, p: Principal) -> String {
    match p {
        Principal::User(_) => model.principal_name(p).to_string(),
        Principal::Key(_) => format!("the activation key {}", model.principal_name(p)),
    }
}

/// "The activation key …" at the start of a sentence (an email is left as written).
fn cap_first(s: &str) -> String {
    if !s.starts_with("the ") {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

mod steps;
mod words;

use steps::fix_lines;
pub use steps::{fix_sets, parse_edits, portal_step};
use words::{country_sentence, md_escape, step_words};
pub use words::{decision_reason, explanation_words};

/// How many fixes the paragraph lists at most.
const MAX_FIXES: usize = 5;

/// `explain --format plain|markdown`: a short answer a support engineer can paste to a
/// customer. `fixes` are the edits that would flip the decision, best first, each a set of
/// what-if edits made together (see [`parse_edits`]).
pub fn explain_plain(
    policy: &Policy,
    p: Principal,
    x: ProductId,
    ex: &Explanation,
    fixes: &[Vec<WhatIf>],
    markdown: bool,
) -> String {
    let m = &policy.model;
    let esc = |s: &str| if markdown { md_escape(s) } else { s.to_string() };
    let name = who(m, p);
    let xn = &m.product(x).name;
    let allowed = ex.decision.access == Access::Allow;
    let head = format!(
        "{} {} {xn}.",
        cap_first(&name),
        if allowed { "can use" } else { "cannot use" }
    );
    let mut out = if markdown { format!("**{}**", esc(&head)) } else { head };
    for w in explanation_words(m, p, x, ex) {
        out.push(' ');
        out.push_str(&esc(&w));
    }
    out.push_str("\n\n");
    let lines = fix_lines(m, fixes);
    let inactive = ex.steps.iter().find_map(|s| match s {
        Step::Status { status, .. } if *status != Status::Active => Some(*status),
        _ => None,
    });
    if lines.is_empty() {
        if !allowed {
            // the step that decided must change first, whatever else is needed
            let nm = |t: &str| crate::syntax::Name::new(t, Default::default());
            let first_edit = match (ex.steps.last(), p) {
                (Some(Step::Status { .. }), Principal::User(u)) => Some(WhatIf::SetStatus {
                    user: nm(&m.user(u).email),
                    status: nm("active"),
                }),
                (Some(Step::Entitled { country, .. }), _) => Some(WhatIf::SetEntitled {
                    country: nm(&m.country(*country).name),
                    product: nm(xn),
                    on: true,
                }),
                _ => None,
            };
            let first = match first_edit.map(|e| portal_step(m, &e)) {
                Some(step) => {
                    let text = match (step.text.strip_prefix("In "), step.text.strip_prefix("Ask ")) {
                        (Some(rest), _) => format!("in {rest}"),
                        (_, Some(rest)) => format!("ask {rest}"),
                        _ => step.text.clone(),
                    };
                    format!(
                        " The first step{}: {text} Other settings may still stand in the way after that.",
                        if step.vendor {
                            " needs the vendor (a contract change)"
                        } else {
                            ""
                        }
                    )
                }
                None => String::new(),
            };
            out.push_str(&esc(&format!(
                "No single change in the portal gives {name} access to {xn}: more than one setting stands in the way.{first}"
            )));
            out.push('\n');
        }
        return out;
    }
    let goal = if allowed {
        format!("To stop {name} from using {xn}")
    } else {
        format!("To give {name} access to {xn}")
    };
    out.push_str(&esc(&if lines.len() == 1 {
        format!("{goal}:")
    } else {
        format!("{goal}, do one of these:")
    }));
    out.push_str("\n\n");
    for (i, l) in lines.iter().take(MAX_FIXES).enumerate() {
        let mark = if l.vendor {
            if markdown {
                " *(needs the vendor: a contract change)*"
            } else {
                " (needs the vendor: a contract change)"
            }
        } else {
            ""
        };
        out.push_str(&format!("{}. {}{mark}\n", i + 1, esc(&l.text)));
    }
    if !allowed && inactive.is_none() && matches!(p, Principal::User(_)) {
        out.push('\n');
        out.push_str(&esc(&format!(
            "Until then, {xn} is not licensed for {name}: the desktop application opens in trial mode."
        )));
        out.push('\n');
    }
    out
}

/// `access --format plain|markdown`: what one principal may use, and why not the rest, in
/// portal words.
pub fn access_plain(model: &Model, p: Principal, decisions: &[(ProductId, Decision)], markdown: bool) -> String {
    let esc = |s: &str| if markdown { md_escape(s) } else { s.to_string() };
    let name = who(model, p);
    let allowed: Vec<&str> = decisions
        .iter()
        .filter(|(_, d)| d.access == Access::Allow)
        .map(|(x, _)| model.product(*x).name.as_str())
        .collect();
    let mut out = String::new();
    let head = if allowed.is_empty() {
        format!(
            "{} cannot use any of the account's {} applications.",
            cap_first(&name),
            decisions.len()
        )
    } else {
        format!(
            "{} can use {} of the account's {} applications: {}.",
            cap_first(&name),
            allowed.len(),
            decisions.len(),
            allowed.join(", ")
        )
    };
    if markdown {
        out.push_str(&format!("**{}**", esc(&head)));
    } else {
        out.push_str(&head);
    }
    out.push(' ');
    out.push_str(&esc(&country_sentence(model, p)));
    // a status or a missing country denies everything for one reason
    if let Principal::User(u) = p {
        let status = model.user(u).status;
        if status != Status::Active {
            let first = decisions.first().map(|(x, _)| *x);
            if let Some(x) = first {
                let st = Step::Status {
                    status,
                    span: Default::default(),
                };
                if let Some(w) = step_words(model, p, x, &st, true) {
                    // the locked sentence names one product: say it for all
                    let w = if status == Status::Locked {
                        format!(
                            "The account of {name} is locked, so sign-in is refused; a sign-in token issued before the lock stays valid for up to 7 days."
                        )
                    } else {
                        w
                    };
                    out.push(' ');
                    out.push_str(&esc(&w));
                }
            }
        }
    }
    out.push('\n');
    let denied: Vec<_> = decisions.iter().filter(|(_, d)| d.access == Access::Deny).collect();
    if denied.is_empty() || matches!(denied[0].1.rule, Rule::Status | Rule::NoEntitlementCountry) && allowed.is_empty()
    {
        return out;
    }
    out.push('\n');
    out.push_str(&esc(&format!("{} cannot use:", cap_first(&name))));
    out.push('\n');
    // grouped by reason, in the order the reasons first occur
    let mut reasons: Vec<(String, Vec<&str>)> = vec![];
    for (x, d) in &denied {
        let r = decision_reason(model, d);
        let xn = model.product(*x).name.as_str();
        match reasons.iter_mut().find(|(q, _)| *q == r) {
            Some((_, v)) => v.push(xn),
            None => reasons.push((r, vec![xn])),
        }
    }
    for (r, xs) in reasons {
        out.push_str(&format!("- {}: {}\n", esc(&xs.join(", ")), esc(&r)));
    }
    out
}

/// The portal's words for what a capability allows.
fn capability_words(c: Capability) -> &'static str {
    match c {
        Capability::ReceiveBilling => "receive renewal notices, invoices and fulfillment documents",
        Capability::ManageUsers => "manage users (register users, bulk import, approve pending registrations)",
        Capability::ManageDomains => "manage the account's email domains (claim domains, turn Auto Approval on or off)",
        Capability::ManageEntitlements => "manage entitlements (the licence settings in Entitlement Management)",
        Capability::ReceiveAlerts => "receive license alerts",
    }
}

fn or_roles(roles: &[Role]) -> String {
    let words: Vec<&str> = roles.iter().map(|r| role_words(*r)).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// `can --format plain|markdown`: a capability answer in portal words, with the step that
/// would change it.
pub fn can_plain(model: &Model, answer: &CanAnswer, markdown: bool) -> String {
    let esc = |s: &str| if markdown { md_escape(s) } else { s.to_string() };
    let name = who(model, answer.principal);
    let mut what = capability_words(answer.capability).to_string();
    if let Some(x) = answer.product {
        what.push_str(&format!(" for {}", model.product(x).name));
    }
    let head = format!(
        "{} {} {what}.",
        cap_first(&name),
        if answer.granted { "can" } else { "cannot" }
    );
    let why = match &answer.reason {
        CanReason::HasRole(r) => format!("{name} holds the {} role.", role_words(*r)),
        CanReason::MissingRole(roles) => format!(
            "This needs the {} role, and {name} holds none of them. An Account Administrator can give a role in User Management → the user → roles (Account Administrators themselves are set with the vendor).",
            or_roles(roles)
        ),
        CanReason::NotActive(s) => {
            let st = Step::Status {
                status: *s,
                span: Default::default(),
            };
            let detail = model
                .product_ids()
                .next()
                .and_then(|x| step_words(model, answer.principal, x, &st, true))
                .map(|w| if *s == Status::Locked {
                    format!("The account of {name} is locked, so sign-in is refused.")
                } else {
                    w
                })
                .unwrap_or_default();
            format!("{name} holds the role, but the account is not active. {detail}")
        }
        CanReason::ProductNotAlerted(x) => format!(
            "The account does not send license alerts for {}.",
            model.product(*x).name
        ),
        CanReason::NoAlertedProducts => "The account does not send license alerts for any application.".to_string(),
        CanReason::KeyHoldsNoRoles => "Activation keys hold no roles.".to_string(),
    };
    let mut out = if markdown { format!("**{}**", esc(&head)) } else { head };
    out.push(' ');
    out.push_str(&esc(why.trim_end()));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_formatting() {
        assert_eq!(md_escape("a_b*c"), "a\\_b\\*c");
    }

    #[test]
    fn cap_first_capitalises() {
        assert_eq!(cap_first("the key"), "The key");
        assert_eq!(cap_first("ann@x.com"), "ann@x.com");
        assert_eq!(cap_first(""), "");
    }
}
