//! `entitle serve`: the decision service. A long-running process that keeps one policy
//! loaded (and compiled) and answers over HTTP exactly as the command line's `--json` does
//! (the same render functions), reloads the policy safely when it changes, and logs
//! decisions. docs/serve.md describes every endpoint.
//!
//! One file per job: this one (options, startup, the router and its layers, graceful
//! shutdown on Ctrl-C or SIGTERM), [`api`] (the handlers), [`state`] (the served policy
//! behind an atomic swap), [`reload`] (watching, coalesced background reloads), [`log`] (the
//! decision log's writer thread), [`metrics`] (Prometheus text) and [`error`] (every error a
//! JSON object).
//!
//! Layers, outermost first: metrics (every answer counted, by endpoint and status, with its
//! latency) → caught panics (a panicking handler answers 500 and writes a line on standard
//! error; the server goes on) → the bearer token (when `--token-file` is given: every `/v1`
//! request and `/metrics`; `/health` and `/` stay open) → the request timeout
//! ([`REQUEST_TIMEOUT`], answered 503). Bodies over 1 MiB are answered 413 when read.

pub mod api;
pub mod error;
pub mod log;
pub mod metrics;
pub mod reload;
pub mod state;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use error::ApiError;
use state::State;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest a request may take before it is answered 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// What `entitle serve` was asked for.
#[derive(Clone, Debug)]
pub struct Options {
    pub policy: PathBuf,
    /// `HOST:PORT` to listen on (port 0: any free port, printed at startup).
    pub listen: String,
    pub token_file: Option<PathBuf>,
    pub decision_log: Option<PathBuf>,
}

/// Every route, without the layers.
pub fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/", get(api::page))
        .route("/health", get(api::health))
        .route("/metrics", get(api::metrics))
        .route("/v1/check", post(api::check))
        .route("/v1/explain", post(api::explain))
        .route("/v1/access", post(api::access))
        .route("/v1/who", post(api::who))
        .route("/v1/can", post(api::can))
        .route("/v1/simulate", post(api::simulate))
        .route("/v1/principals", get(api::principals))
        .route("/v1/products", get(api::products))
        .route("/v1/policy", get(api::policy))
        .route("/v1/reload", post(api::reload))
}

/// `routes` with the fallbacks and the layers, bound to `state`.
pub fn app(routes: Router<Arc<State>>, state: Arc<State>) -> Router {
    routes
        .fallback(|req: Request| async move { ApiError::no_route(req.uri().path()) })
        .method_not_allowed_fallback(
            |req: Request| async move { ApiError::method(req.method().as_str(), req.uri().path()) },
        )
        .layer(middleware::from_fn(timeout))
        .layer(middleware::from_fn_with_state(state.clone(), auth))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn_with_state(state.clone(), count))
        .with_state(state)
}

async fn count(axum::extract::State(state): axum::extract::State<Arc<State>>, req: Request, next: Next) -> Response {
    let endpoint = metrics::endpoint_index(req.uri().path());
    let start = Instant::now();
    let response = next.run(req).await;
    state
        .metrics
        .request(endpoint, response.status().as_u16(), start.elapsed().as_secs_f64());
    response
}

fn panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    eprintln!("entitle serve: error: a request handler panicked: {what} (answered 500; the server goes on)");
    ApiError::internal("the server failed to answer this request (a bug: the server's standard error says more)")
        .into_response()
}

async fn auth(axum::extract::State(state): axum::extract::State<Arc<State>>, req: Request, next: Next) -> Response {
    if let Some(token) = &state.token {
        let path = req.uri().path();
        if path.starts_with("/v1/") || path == "/v1" || path == "/metrics" {
            let given = req
                .headers()
                .get(axum::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "));
            if !given.is_some_and(|g| same(g.trim().as_bytes(), token.as_bytes())) {
                return ApiError::unauthorized().into_response();
            }
        }
    }
    next.run(req).await
}

/// Compare in time that does not depend on where the two differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn timeout(req: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            503,
            "timeout",
            format!("the request took over {} s", REQUEST_TIMEOUT.as_secs()),
        )
        .into_response(),
    }
}

/// Run the server until Ctrl-C or SIGTERM; returns the exit code (2 when it cannot start).
pub fn run(opts: &Options) -> i32 {
    let fail = |msg: String| {
        eprintln!("entitle serve: error: {msg}");
        crate::render::exit::ERROR
    };
    // an address, or a host name with a port (`localhost:8080`: its first address)
    let resolved = opts.listen.parse::<SocketAddr>().ok().or_else(|| {
        use std::net::ToSocketAddrs;
        opts.listen.to_socket_addrs().ok()?.next()
    });
    let addr: SocketAddr = match resolved {
        Some(a) => a,
        None => {
            return fail(format!(
                "--listen `{}` is not an address with a port (e.g. 127.0.0.1:8080, [::1]:8080)",
                opts.listen
            ))
        }
    };
    let token = match &opts.token_file {
        None if !addr.ip().is_loopback() => {
            return fail(format!(
                "refusing to listen on {addr} (not loopback) without --token-file: the policy holds people's emails; \
give a file holding a bearer token, or listen on 127.0.0.1"
            ))
        }
        None => None,
        Some(path) => match std::fs::read_to_string(path) {
            Ok(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
            Ok(_) => return fail(format!("the token file `{}` is empty", path.display())),
            Err(e) => return fail(format!("cannot read the token file `{}`: {e}", path.display())),
        },
    };
    let loaded = match state::load(&opts.policy) {
        Ok(l) => l,
        Err(e) => {
            eprint!("{}", e.render(false));
            return fail(format!("`{}` does not load; nothing to serve", opts.policy.display()));
        }
    };
    if !loaded.warnings.is_empty() {
        // (errors only in `expect` lines: answered anyway, as on the command line)
        eprint!(
            "{}",
            crate::diag::render_all(&loaded.warnings, loaded.policy.sources(), false)
        );
    }
    let metrics = Arc::new(metrics::Metrics::default());
    let (log, writer) = match &opts.decision_log {
        None => (None, None),
        Some(path) => match log::open(path, metrics.clone()) {
            Ok((l, w)) => (Some(l), Some(w)),
            Err(e) => return fail(format!("cannot open the decision log `{}`: {e}", path.display())),
        },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot start the runtime: {e}")),
    };
    let summary = {
        let m = loaded.policy.model();
        format!(
            "{}, {} users, {} keys, {} products",
            loaded.name,
            crate::filter::thousands(m.users.len()),
            crate::filter::thousands(m.keys.len()),
            crate::filter::thousands(m.products.len())
        )
    };
    let state = Arc::new(State::new(opts.policy.clone(), loaded, metrics, log, token));
    let code = runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => return fail(format!("cannot listen on {addr}: {e}")),
        };
        let local = listener.local_addr().unwrap_or(addr);
        let _watch = reload::watch(state.clone());
        let loader = tokio::spawn(reload::run(state.clone()));
        eprintln!("entitle serve: listening on http://{local} ({summary})");
        // (no Nagle delay: an answer is one small write, sent at once)
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp: &mut tokio::net::TcpStream| {
            let _ = tcp.set_nodelay(true);
        });
        let served = axum::serve(listener, app(routes(), state.clone()))
            .with_graceful_shutdown(shutdown())
            .await;
        loader.abort();
        match served {
            Ok(()) => crate::render::exit::OK,
            Err(e) => fail(format!("the server stopped: {e}")),
        }
    });
    // every handler is done: drop the last sender of the decision log, then let the writer
    // write what is queued
    drop(runtime);
    drop(state);
    if let Some(w) = writer {
        w.finish();
    }
    code
}

/// Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("entitle serve: shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request as HttpRequest, StatusCode};
    use tower::ServiceExt;

    fn state(token: Option<&str>) -> Arc<State> {
        let loaded = state::parse(
            "t.ent".into(),
            "product LumenRT\ncountry US { }\nuser ann@x.com { country US }\n".into(),
        )
        .unwrap();
        Arc::new(State::new(
            "t.ent".into(),
            loaded,
            Default::default(),
            None,
            token.map(str::to_string),
        ))
    }

    async fn send(app: &Router, req: HttpRequest<Body>) -> (StatusCode, serde_json::Value) {
        let r = app.clone().oneshot(req).await.unwrap();
        let status = r.status();
        let bytes = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        )
    }

    fn get(path: &str) -> HttpRequest<Body> {
        HttpRequest::get(path).body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_and_the_server_goes_on() {
        let s = state(None);
        let routes = routes().route(
            "/boom",
            axum::routing::get(|| async {
                if true {
                    panic!("injected by the test");
                }
                "never"
            }),
        );
        let app = app(routes, s.clone());
        let (status, body) = send(&app, get("/boom")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["status"], 500);
        assert_eq!(body["error"]["code"], "internal");
        // the next request is answered
        let (status, body) = send(&app, get("/health")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["status"], "ok");
        // and the panic was counted
        assert!(s
            .metrics
            .render()
            .contains("entitle_requests_total{endpoint=\"other\",status=\"500\"} 1"));
    }

    #[tokio::test]
    async fn wrong_methods_and_routes_answer_json() {
        let app = app(routes(), state(None));
        let (status, body) = send(&app, get("/v1/check")).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body["error"]["code"], "method-not-allowed");
        let (status, body) = send(&app, get("/v2/nothing")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not-found");
    }

    #[tokio::test]
    async fn the_token_guards_v1_and_metrics_but_not_health() {
        let app = app(routes(), state(Some("s3cret")));
        assert_eq!(send(&app, get("/v1/products")).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(send(&app, get("/metrics")).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(send(&app, get("/health")).await.0, StatusCode::OK);
        let bad = HttpRequest::get("/v1/products")
            .header("authorization", "Bearer s3cre")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, bad).await.0, StatusCode::UNAUTHORIZED);
        let good = HttpRequest::get("/v1/products")
            .header("authorization", "Bearer s3cret")
            .body(Body::empty())
            .unwrap();
        let (status, body) = send(&app, good).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body[0]["name"], "LumenRT");
    }
}
