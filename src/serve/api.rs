//! The handlers. Each parses its request, calls the library and the render module (the same
//! functions the command line's `--json` prints), and answers; none decides anything itself.
//! Work that may take long (explain's fix search, who, access, simulate, large batches) runs
//! on the blocking pool, not on the threads that accept requests.

use super::error::{json_response, ApiError};
use super::state::{Loaded, State};
use crate::capability::{self, Capability};
use crate::render::{self, batch};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State as Extract};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

type S = Extract<Arc<State>>;
type Answer = Result<Response, ApiError>;

/// The largest request body read (1 MiB); a larger one is answered 413.
pub const BODY_LIMIT: usize = 1 << 20;

/// A batch larger than this is answered on the blocking pool.
const BLOCKING_BATCH: usize = 256;

/// Read the body (at most [`BODY_LIMIT`]) and parse it as JSON.
async fn read_json(body: Body) -> Result<Value, ApiError> {
    let bytes: Bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|e| {
        let too_large = std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source())
            .any(|e| e.to_string().contains("length limit"));
        if too_large {
            ApiError::too_large(BODY_LIMIT)
        } else {
            ApiError::bad_request(format!("cannot read the request body: {e}"))
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))
}

fn ok_json<T: Serialize>(value: &T) -> Response {
    json_response(StatusCode::OK, serde_json::to_string(value).expect("JSON"))
}

/// Run `f` on the blocking pool (a panic there is answered as one in a handler).
async fn blocking<F>(f: F) -> Answer
where
    F: FnOnce() -> Answer + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(answer) => answer,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(ApiError::internal(format!("the task was cancelled: {e}"))),
    }
}

/// One line of the decision log.
fn log_line(state: &State, loaded: &Loaded, time: &str, endpoint: &str, request: &Value, d: &crate::Decision) {
    let Some(log) = &state.log else { return };
    let m = loaded.policy.model();
    let line = serde_json::json!({
        "time": time,
        "endpoint": endpoint,
        "request": request,
        "decision": d.access,
        "rule": d.rule,
        "group": d.group.map(|g| m.group(g).name.as_str()),
        "policy": loaded.hash,
    });
    log.send(line.to_string());
}

/// Answer a run of batch items into `out`, comma-separated (an error object in place of a
/// bad item); returns how many were decided.
fn check_items(state: &State, loaded: &Loaded, items: &[Value], time: Option<&str>, out: &mut Vec<u8>) -> u64 {
    let mut decided = 0;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match batch::check_value(&loaded.policy, item) {
            Ok(a) => {
                decided += 1;
                serde_json::to_writer(&mut *out, &a.json).expect("JSON");
                if let Some(time) = time {
                    log_line(state, loaded, time, "/v1/check", item, &a.decision);
                }
            }
            Err(e) => serde_json::to_writer(&mut *out, &e).expect("JSON"),
        }
    }
    decided
}

/// Items per piece of a large batch answered in parallel.
const PIECE: usize = 2048;

/// Answer every item of a batch, in order (an error object in place of a bad item); a large
/// batch in pieces on every core, joined in order.
fn check_batch(state: &State, loaded: &Loaded, items: &[Value]) -> Response {
    use rayon::prelude::*;
    let time = state.log.as_ref().map(|_| super::log::now_rfc3339());
    let time = time.as_deref();
    let mut out = Vec::with_capacity(items.len() * 200 + 2);
    out.push(b'[');
    let decided = if items.len() <= PIECE {
        check_items(state, loaded, items, time, &mut out)
    } else {
        let pieces: Vec<(Vec<u8>, u64)> = items
            .par_chunks(PIECE)
            .map(|chunk| {
                let mut piece = Vec::with_capacity(chunk.len() * 200);
                let n = check_items(state, loaded, chunk, time, &mut piece);
                (piece, n)
            })
            .collect();
        let mut decided = 0;
        for (i, (piece, n)) in pieces.into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&piece);
            decided += n;
        }
        decided
    };
    out.push(b']');
    state
        .metrics
        .decisions
        .fetch_add(decided, std::sync::atomic::Ordering::Relaxed);
    let mut r = (StatusCode::OK, out).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// `POST /v1/check`: `{"principal","product"}` → the §7 object; `{"requests":[…]}` → an
/// array of answers in order.
pub async fn check(Extract(state): S, body: Body) -> Answer {
    let value = read_json(body).await?;
    if let Some(obj) = value.as_object().filter(|o| o.contains_key("requests")) {
        batch::request_object(&value, &["requests"])?;
        let Some(items) = obj.get("requests").and_then(Value::as_array) else {
            return Err(ApiError::bad_request("`requests` must be an array of requests"));
        };
        let loaded = state.current.load_full();
        if items.len() <= BLOCKING_BATCH {
            return Ok(check_batch(&state, &loaded, items));
        }
        return blocking(move || {
            let items = value["requests"].as_array().map(Vec::as_slice).unwrap_or_default();
            Ok(check_batch(&state, &loaded, items))
        })
        .await;
    }
    let loaded = state.current.load();
    let answer = batch::check_value(&loaded.policy, &value)?;
    state
        .metrics
        .decisions
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if state.log.is_some() {
        log_line(
            &state,
            &loaded,
            &super::log::now_rfc3339(),
            "/v1/check",
            &value,
            &answer.decision,
        );
    }
    Ok(ok_json(&answer.json))
}

/// `POST /v1/explain`: `{"principal","product"}` → `explain --json`, plus `plain`: the
/// answer in the portal's words (`explain --format plain`), and `lines`: the text of every
/// line of the policy it cites, by line number.
pub async fn explain(Extract(state): S, body: Body) -> Answer {
    let value = read_json(body).await?;
    let loaded = state.current.load_full();
    blocking(move || {
        let obj = batch::request_object(&value, &["principal", "product"])?;
        let principal = batch::PrincipalArg::from_json(obj.get("principal"))?;
        let product = batch::string_field(obj, "product")?;
        let policy = &loaded.policy;
        // the JSON of `explain --json`, then `plain`
        let (mut json, plain, decision) = match principal {
            batch::PrincipalArg::Id(id) => {
                let p = policy.principal(&id)?;
                let x = policy.product(product)?;
                let m = policy.model();
                let ex = crate::eval::explain(m, p, x);
                let blockers = crate::explain::blockers(m, p, x);
                let fixes = crate::explain::fix_search(policy.document(), m, p, x);
                let json = serde_json::to_string(&render::explain_json(policy, p, x, &ex, &blockers, &fixes));
                let plain = render::explain_plain(policy, p, x, &ex, &render::fix_sets(&fixes), false);
                (json.expect("JSON"), Some(plain), ex.decision)
            }
            batch::PrincipalArg::Inline(who) => {
                let resolved = policy.resolve_request(&who)?;
                let x = policy.product(product)?;
                let ex = crate::eval::explain_subject(policy.model(), resolved.subject(), x);
                let json = serde_json::to_string(&batch::inline_explain_json(policy, &who, &resolved, x, &ex));
                (json.expect("JSON"), None, ex.decision)
            }
        };
        let lines = cited_lines(policy, &json);
        json.pop(); // the closing brace
        json.push_str(",\"plain\":");
        json.push_str(&serde_json::to_string(&plain).expect("JSON"));
        json.push_str(",\"lines\":");
        json.push_str(&serde_json::to_string(&lines).expect("JSON"));
        json.push('}');
        state
            .metrics
            .decisions
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        log_line(
            &state,
            &loaded,
            &super::log::now_rfc3339(),
            "/v1/explain",
            &value,
            &decision,
        );
        Ok(json_response(StatusCode::OK, json))
    })
    .await
}

/// The text of every line of the policy that an explanation's JSON cites (each `source`), by
/// line number: the page shows the deciding lines without asking again.
fn cited_lines(policy: &crate::Policy, json: &str) -> std::collections::BTreeMap<u64, String> {
    fn walk(v: &Value, out: &mut std::collections::BTreeSet<u64>) {
        match v {
            Value::Object(map) => {
                if let Some(line) = map.get("source").and_then(|s| s.get("line")).and_then(Value::as_u64) {
                    out.insert(line);
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut cited = std::collections::BTreeSet::new();
    if let Ok(v) = serde_json::from_str::<Value>(json) {
        walk(&v, &mut cited);
    }
    let file = policy.sources().get(policy.file());
    cited
        .into_iter()
        .map(|line| (line, file.line_text(line as usize).to_string()))
        .collect()
}

/// `POST /v1/access`: `{"principal"}` → `access --json`.
pub async fn access(Extract(state): S, body: Body) -> Answer {
    let value = read_json(body).await?;
    let loaded = state.current.load_full();
    blocking(move || {
        let obj = batch::request_object(&value, &["principal"])?;
        let policy = &loaded.policy;
        match batch::PrincipalArg::from_json(obj.get("principal"))? {
            batch::PrincipalArg::Id(id) => {
                let p = policy.principal(&id)?;
                let decisions = render::access(policy.model(), p);
                Ok(ok_json(&render::access_json(policy.model(), p, &decisions)))
            }
            batch::PrincipalArg::Inline(who) => {
                let resolved = policy.resolve_request(&who)?;
                Ok(ok_json(&batch::inline_access_json(policy, &who, &resolved)))
            }
        }
    })
    .await
}

/// A `limit` field (a count; `default` when absent).
fn limit_field(obj: &serde_json::Map<String, Value>, default: usize) -> Result<usize, ApiError> {
    match obj.get("limit") {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v
            .as_u64()
            .map(|n| n as usize)
            .ok_or_else(|| ApiError::bad_request("`limit` must be a count (0: all)")),
    }
}

/// `POST /v1/who`: `{"product", "limit"?}` → `who --json` (limit 0, all, by default).
pub async fn who(Extract(state): S, body: Body) -> Answer {
    let value = read_json(body).await?;
    let loaded = state.current.load_full();
    blocking(move || {
        let obj = batch::request_object(&value, &["product", "limit"])?;
        let product = batch::string_field(obj, "product")?;
        let limit = limit_field(obj, 0)?;
        let m = loaded.policy.model();
        let x = loaded.policy.product(product)?;
        let sel = crate::filter::Filter::default()
            .resolve(m)
            .map_err(|e| ApiError::internal(e.to_string()))?;
        let w = crate::sim::who_of(m, &loaded.compiled, x, &sel);
        Ok(ok_json(&render::who_json(m, x, &w, limit)))
    })
    .await
}

/// `POST /v1/can`: `{"principal","capability","product"?}` → `can --json`.
pub async fn can(Extract(state): S, body: Body) -> Answer {
    let value = read_json(body).await?;
    let obj = batch::request_object(&value, &["principal", "capability", "product"])?;
    let principal = batch::string_field(obj, "principal")?;
    let cap = batch::string_field(obj, "capability")?;
    let product = match obj.get("product") {
        None | Some(Value::Null) => None,
        Some(_) => Some(batch::string_field(obj, "product")?),
    };
    let loaded = state.current.load();
    let policy = &loaded.policy;
    let capability = Capability::named(cap).map_err(can_arg_error)?;
    let p = policy.principal(principal)?;
    let product = capability.product_arg(product).map_err(can_arg_error)?;
    let x = product.map(|name| policy.product(name)).transpose()?;
    let answer = capability::can(policy.model(), p, capability, x);
    Ok(ok_json(&render::can_json(policy, &answer)))
}

/// The answer to a `can` request whose capability or product does not fit.
fn can_arg_error(e: crate::capability::CanArgError) -> ApiError {
    use crate::capability::CanArgError;
    match e {
        CanArgError::UnknownCapability { ref suggestion, .. } => {
            let mut j = batch::ErrorJson::new(404, "unknown-capability", e.to_string());
            j.error.suggestion = suggestion.clone();
            ApiError(j)
        }
        CanArgError::NeedsProduct(c) => ApiError::bad_request(format!("`{}` needs a `product`", c.as_str())),
        e @ CanArgError::TakesNoProduct(..) => ApiError::bad_request(e.to_string()),
    }
}

/// `POST /v1/simulate`: `{"what_if":["stmt",…], "limit"?}` → `simulate --json` (limit 20 by
/// default, as on the command line), computed on a copy: what is served never changes.
pub async fn simulate(Extract(state): S, body: Body) -> Answer {
    let value = read_json(body).await?;
    let loaded = state.current.load_full();
    blocking(move || {
        let obj = batch::request_object(&value, &["what_if", "limit"])?;
        let statements: Vec<String> = match obj.get("what_if") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<_>>()
                .ok_or_else(|| ApiError::bad_request("`what_if` must be an array of statements (strings)"))?,
            Some(_) => {
                return Err(ApiError::bad_request(
                    "`what_if` must be an array of statements (strings)",
                ))
            }
            None => return Err(ApiError::bad_request("missing field `what_if`")),
        };
        let filter = crate::filter::Filter {
            limit: limit_field(obj, 20)?,
            ..Default::default()
        };
        let name = |i: usize| format!("what_if[{i}]");
        use crate::impact::simulate::{simulate, SimulateError};
        match simulate(&loaded.policy, &statements, &name, &filter) {
            Ok((mut diff, mut impact)) => Ok(json_response(
                StatusCode::OK,
                render::diff_json(&mut diff, &mut impact, filter.limit),
            )),
            Err(SimulateError::Statements(e)) => Err(ApiError::new(
                400,
                "invalid-what-if",
                e.render(false).trim_end().to_string(),
            )),
            Err(SimulateError::Filter(e)) => Err(ApiError::new(404, "unknown-name", e.to_string())),
        }
    })
    .await
}

/// The query of `GET /v1/principals`.
#[derive(serde::Deserialize)]
pub struct PrincipalsQuery {
    #[serde(default)]
    prefix: String,
    limit: Option<usize>,
}

/// One principal of `GET /v1/principals`.
#[derive(Serialize)]
struct PrincipalJson<'a> {
    id: &'a str,
    kind: &'static str,
    display: Option<&'a str>,
    country: Option<&'a str>,
}

/// `GET /v1/principals?prefix=&limit=`: type-ahead. The principals whose id (email or key
/// id) or display name starts with `prefix`, ignoring case, in declaration order; at most
/// `limit` (default 20, 0: all).
pub async fn principals(
    Extract(state): S,
    query: Result<Query<PrincipalsQuery>, axum::extract::rejection::QueryRejection>,
) -> Answer {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let limit = match q.limit.unwrap_or(20) {
        0 => usize::MAX,
        n => n,
    };
    let prefix = q.prefix.to_lowercase();
    let loaded = state.current.load();
    let m = loaded.policy.model();
    let list: Vec<PrincipalJson> = loaded
        .entries
        .iter()
        .filter(|e| e.id_lower.starts_with(&prefix) || e.display_lower.as_ref().is_some_and(|d| d.starts_with(&prefix)))
        .take(limit)
        .map(|e| PrincipalJson {
            id: m.principal_name(e.principal),
            kind: match e.principal {
                crate::Principal::User(_) => "user",
                crate::Principal::Key(_) => "key",
            },
            display: match e.principal {
                crate::Principal::User(u) => m.user(u).display.as_deref(),
                crate::Principal::Key(_) => None,
            },
            country: m.principal_country(e.principal).map(|c| m.country(c).name.as_str()),
        })
        .collect();
    Ok(ok_json(&list))
}

/// `GET /v1/products`: every product's name and display name, in declaration order.
pub async fn products(Extract(state): S) -> Answer {
    #[derive(Serialize)]
    struct ProductJson<'a> {
        name: &'a str,
        display: Option<&'a str>,
    }
    let loaded = state.current.load();
    let list: Vec<ProductJson> = loaded
        .policy
        .model()
        .products
        .iter()
        .map(|p| ProductJson {
            name: &p.name,
            display: p.display.as_deref(),
        })
        .collect();
    Ok(ok_json(&list))
}

/// The body of `GET /v1/policy` (and of `POST /v1/reload`).
pub fn policy_json(state: &State) -> Value {
    let loaded = state.current.load();
    let m = loaded.policy.model();
    serde_json::json!({
        "file": loaded.name,
        "hash": loaded.hash,
        "loaded_at": loaded.loaded_at,
        "counts": {
            "users": m.users.len(),
            "keys": m.keys.len(),
            "products": m.products.len(),
            "groups": m.groups.len(),
            "countries": m.countries.len(),
        },
        "warnings": loaded.warnings.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
        "last_reload": state.last_attempt(),
    })
}

/// `GET /v1/policy`: what is served, and the last reload attempt (with its errors when it
/// was refused).
pub async fn policy(Extract(state): S) -> Answer {
    Ok(ok_json(&policy_json(&state)))
}

/// `POST /v1/reload`: reload now and answer when done, with `GET /v1/policy`'s object
/// (`last_reload.outcome` says `loaded`, `unchanged` or `refused`).
pub async fn reload(Extract(state): S) -> Answer {
    let n = state.reload.request();
    state.reload.wait_for(n).await;
    Ok(ok_json(&policy_json(&state)))
}

/// `GET /health`: `{"status":"ok"}` while the server answers (no token needed).
pub async fn health() -> Answer {
    Ok(ok_json(&serde_json::json!({"status": "ok"})))
}

/// `GET /metrics`: the Prometheus text.
pub async fn metrics(Extract(state): S) -> Response {
    let mut r = (StatusCode::OK, state.metrics.render()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}

/// `GET /`: the page (self-contained).
pub async fn page() -> Response {
    let mut r = (StatusCode::OK, include_str!("page.html")).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}
