//! One `check` request given as JSON, answered: the one function behind
//! `entitle check --requests` (one request per line) and the server's `POST /v1/check`
//! (one request, or a batch). A request is `{"principal": P, "product": "NAME"}`, `P` a
//! principal's id (a user's email or a key's id, as on the command line) or a principal
//! described at request time (`{"user": {...}}` or `{"key": {...}}`, see
//! [`crate::request`]). The answer is the §7 object of `check --json`; for a principal
//! described in the request, `source` is `null` when the decision rests on the request's own
//! statements (they have no place in the policy).
//!
//! A request that cannot be answered gets an [`ErrorJson`]: the same object the server
//! answers every error with, `{"error":{"status":N,"code":"…","message":"…","suggestion":…}}`
//! (`suggestion` only when there is one: the closest declared name, as the command line
//! suggests it).

use super::decision::{decision_json, DecisionJson};
use super::source_json;
use crate::eval::Decision;
use crate::request::{RequestError, RequestPrincipal};
use crate::{Policy, QueryError};
use serde::Serialize;

/// The body of an error object: an HTTP status (also for the command line, which has none:
/// it tells a bad request, 400, from an unknown name, 404), a stable code, a message for a
/// person and, when there is one, the closest declared name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// `{"error": {...}}`, the answer to a request that could not be answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorJson {
    pub error: ErrorBody,
}

impl ErrorJson {
    /// An error without a suggestion.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ErrorJson {
        ErrorJson {
            error: ErrorBody {
                status,
                code,
                message: message.into(),
                suggestion: None,
            },
        }
    }

    /// A malformed request (400, `bad-request`).
    pub fn bad_request(message: impl Into<String>) -> ErrorJson {
        ErrorJson::new(400, "bad-request", message)
    }
}

impl From<QueryError> for ErrorJson {
    /// An unknown principal or product: 404, with the command line's message and suggestion.
    fn from(e: QueryError) -> ErrorJson {
        let (code, suggestion) = match &e {
            QueryError::UnknownPrincipal { suggestion, .. } => ("unknown-principal", suggestion.clone()),
            QueryError::UnknownProduct { suggestion, .. } => ("unknown-product", suggestion.clone()),
        };
        ErrorJson {
            error: ErrorBody {
                status: 404,
                code,
                message: e.to_string(),
                suggestion,
            },
        }
    }
}

impl From<RequestError> for ErrorJson {
    /// A principal described in the request that does not resolve: 404 when every problem is
    /// a name the policy does not declare, else 400 (`invalid-principal`).
    fn from(e: RequestError) -> ErrorJson {
        let unknown = !e.diagnostics.is_empty() && e.diagnostics.iter().all(|d| d.code == "unknown-name");
        // (a help of the form "did you mean `NAME`?" gives the name)
        let suggestion = e.diagnostics.iter().find_map(|d| {
            let help = d.help.as_deref()?;
            let rest = help.strip_prefix("did you mean `")?;
            Some(rest[..rest.find('`')?].to_string())
        });
        ErrorJson {
            error: ErrorBody {
                status: if unknown { 404 } else { 400 },
                code: if unknown { "unknown-name" } else { "invalid-principal" },
                message: e.to_string(),
                suggestion,
            },
        }
    }
}

/// The principal of a request: an id, or a principal described in the request.
#[derive(Clone, Debug)]
pub enum PrincipalArg {
    /// A declared user's email or key's id.
    Id(String),
    /// A principal described at request time.
    Inline(RequestPrincipal),
}

impl PrincipalArg {
    /// Read the `principal` field of a request.
    pub fn from_json(value: Option<&serde_json::Value>) -> Result<PrincipalArg, ErrorJson> {
        match value {
            None => Err(ErrorJson::bad_request("missing field `principal`")),
            Some(serde_json::Value::String(s)) => Ok(PrincipalArg::Id(s.clone())),
            Some(v @ serde_json::Value::Object(_)) => serde_json::from_value(v.clone())
                .map(PrincipalArg::Inline)
                .map_err(|e| ErrorJson::bad_request(format!("`principal`: {e}"))),
            Some(_) => Err(ErrorJson::bad_request(
                "`principal` must be an id (a string) or a principal described in the request ({\"user\": {...}} or {\"key\": {...}})",
            )),
        }
    }
}

/// A string field of a request object.
pub fn string_field<'a>(obj: &'a serde_json::Map<String, serde_json::Value>, key: &str) -> Result<&'a str, ErrorJson> {
    match obj.get(key) {
        Some(serde_json::Value::String(s)) => Ok(s),
        Some(_) => Err(ErrorJson::bad_request(format!("`{key}` must be a string"))),
        None => Err(ErrorJson::bad_request(format!("missing field `{key}`"))),
    }
}

/// The object of a request, checking that it names only `allowed` fields.
pub fn request_object<'a>(
    value: &'a serde_json::Value,
    allowed: &[&str],
) -> Result<&'a serde_json::Map<String, serde_json::Value>, ErrorJson> {
    let Some(obj) = value.as_object() else {
        return Err(ErrorJson::bad_request("a request must be a JSON object"));
    };
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        let expected: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
        return Err(ErrorJson::bad_request(format!(
            "unknown field `{k}` (expected {})",
            expected.join(", ")
        )));
    }
    Ok(obj)
}

/// One answered check request: its JSON and the decision (for a decision log).
pub struct CheckAnswer {
    pub json: DecisionJson,
    pub decision: Decision,
}

/// The JSON of a decision for a principal described in the request (`name` its id).
/// (`source` is `null` when the decision rests on the request's own statements.)
pub fn inline_decision_json(policy: &Policy, name: &str, x: crate::ProductId, d: &Decision) -> DecisionJson {
    let m = policy.model();
    DecisionJson {
        principal: name.to_string(),
        product: m.product(x).name.clone(),
        decision: d.access,
        rule: d.rule,
        group: d.group.map(|g| m.group(g).name.clone()),
        country: d.country.map(|c| m.country(c).name.clone()),
        source: (d.source != crate::source::Span::default()).then(|| source_json(policy.sources(), d.source)),
    }
}

/// The id of a principal described in the request.
pub fn inline_name(who: &RequestPrincipal) -> &str {
    match who {
        RequestPrincipal::User(u) => &u.email,
        RequestPrincipal::Key(k) => &k.id,
    }
}

/// `explain --json` for a principal described in the request: the decision, `country_by`
/// and the steps (a step resting on the request's own statements has no `source`).
/// `blockers` and `fixes` are empty: both are searched by editing the policy's declaration
/// of the principal, which a principal described in the request does not have.
#[derive(Serialize)]
pub struct InlineExplainJson {
    #[serde(flatten)]
    pub decision: DecisionJson,
    pub country_by: Option<crate::CountryBy>,
    pub steps: Vec<super::StepJson>,
    pub blockers: Vec<super::BlockerJson>,
    pub fixes: Vec<super::FixJson>,
    pub fixes_limited: bool,
}

/// [`InlineExplainJson`] of an explanation.
pub fn inline_explain_json(
    policy: &Policy,
    who: &RequestPrincipal,
    resolved: &crate::ResolvedPrincipal,
    x: crate::ProductId,
    ex: &crate::Explanation,
) -> InlineExplainJson {
    let m = policy.model();
    let steps: Vec<super::StepJson> = ex
        .steps
        .iter()
        .map(|s| super::StepJson {
            step: s.name(),
            outcome: s.outcome(),
            detail: super::step_sentence(m, s, x),
            group: match s {
                crate::Step::Group { group, .. } => Some(m.group(*group).name.clone()),
                _ => None,
            },
            source: s
                .span(m)
                .filter(|sp| *sp != crate::source::Span::default())
                .map(|sp| source_json(policy.sources(), sp)),
        })
        .collect();
    InlineExplainJson {
        decision: inline_decision_json(policy, inline_name(who), x, &ex.decision),
        country_by: resolved.subject().country_by(),
        steps,
        blockers: vec![],
        fixes: vec![],
        fixes_limited: false,
    }
}

/// `access --json` for a principal described in the request.
pub fn inline_access_json(
    policy: &Policy,
    who: &RequestPrincipal,
    resolved: &crate::ResolvedPrincipal,
) -> super::AccessJson {
    let m = policy.model();
    let subject = resolved.subject();
    super::AccessJson {
        principal: inline_name(who).to_string(),
        country: subject.country().map(|c| m.country(c).name.clone()),
        decisions: m
            .product_ids()
            .map(|x| {
                let d = crate::eval::decide_subject(m, subject, x);
                super::AccessDecisionJson {
                    product: m.product(x).name.clone(),
                    decision: d.access,
                    rule: d.rule,
                    group: d.group.map(|g| m.group(g).name.clone()),
                }
            })
            .collect(),
    }
}

/// Answer one check request (a parsed JSON value): the §7 object, or the error object.
pub fn check_value(policy: &Policy, request: &serde_json::Value) -> Result<CheckAnswer, ErrorJson> {
    let obj = request_object(request, &["principal", "product"])?;
    let principal = PrincipalArg::from_json(obj.get("principal"))?;
    let product = string_field(obj, "product")?;
    match principal {
        PrincipalArg::Id(id) => {
            let p = policy.principal(&id)?;
            let x = policy.product(product)?;
            let d = crate::eval::decide(policy.model(), p, x);
            Ok(CheckAnswer {
                json: decision_json(policy, p, x, &d),
                decision: d,
            })
        }
        PrincipalArg::Inline(who) => {
            let resolved = policy.resolve_request(&who)?;
            let x = policy.product(product)?;
            let d = crate::eval::decide_subject(policy.model(), resolved.subject(), x);
            Ok(CheckAnswer {
                json: inline_decision_json(policy, inline_name(&who), x, &d),
                decision: d,
            })
        }
    }
}

/// Answer one line of `check --requests`: the JSON text of the answer (the §7 object or the
/// error object, without a newline) and whether it was answered.
pub fn check_line(policy: &Policy, line: &str) -> (String, bool) {
    let answer = serde_json::from_str::<serde_json::Value>(line)
        .map_err(|e| ErrorJson::bad_request(format!("malformed JSON: {e}")))
        .and_then(|v| check_value(policy, &v));
    match answer {
        Ok(a) => (serde_json::to_string(&a.json).expect("JSON"), true),
        Err(e) => (serde_json::to_string(&e).expect("JSON"), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy::parse(
            "p.ent",
            "product LumenRT\ncountry US { deny LumenRT }\ngroup Viz in US { allowed LumenRT }\nuser ann@x.com { country US groups Viz }\n",
        )
        .unwrap()
    }

    #[test]
    fn a_line_is_answered_as_check_json() {
        let (text, ok) = check_line(&policy(), r#"{"principal":"ann@x.com","product":"LumenRT"}"#);
        assert!(ok);
        assert_eq!(
            text,
            r#"{"principal":"ann@x.com","product":"LumenRT","decision":"allow","rule":"group-allowed","group":"Viz","country":"US","source":{"file":"p.ent","line":3,"column":19}}"#
        );
    }

    #[test]
    fn unknown_names_are_404_with_the_suggestion() {
        let (text, ok) = check_line(&policy(), r#"{"principal":"ann@x.co","product":"LumenRT"}"#);
        assert!(!ok);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["error"]["status"], 404);
        assert_eq!(v["error"]["code"], "unknown-principal");
        assert_eq!(v["error"]["suggestion"], "ann@x.com");
    }

    #[test]
    fn malformed_lines_are_400() {
        for line in [
            "{",
            "[]",
            r#"{"principal":1,"product":"LumenRT"}"#,
            r#"{"product":"LumenRT"}"#,
            r#"{"principal":"ann@x.com","product":"LumenRT","x":1}"#,
        ] {
            let (text, ok) = check_line(&policy(), line);
            assert!(!ok, "{line}");
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["error"]["status"], 400, "{line}");
        }
    }

    #[test]
    fn an_inline_principal_decides_as_declared() {
        let (text, ok) = check_line(
            &policy(),
            r#"{"principal":{"user":{"email":"bo@x.com","country":"US","groups":["Viz"]}},"product":"LumenRT"}"#,
        );
        assert!(ok, "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["principal"], "bo@x.com");
        assert_eq!(v["decision"], "allow");
        assert_eq!(v["rule"], "group-allowed");
    }
}
