//! Every error the server answers is one JSON object,
//! `{"error":{"status":N,"code":"…","message":"…","suggestion":…}}` (`suggestion` only when
//! there is one), the same object `check --requests` writes for a bad line
//! ([`crate::render::batch::ErrorJson`]).

use crate::render::batch::ErrorJson;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// An error answer.
#[derive(Debug)]
pub struct ApiError(pub ErrorJson);

impl ApiError {
    /// An error without a suggestion.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError(ErrorJson::new(status, code, message))
    }

    /// 400: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError(ErrorJson::bad_request(message))
    }

    /// 404: no such route.
    pub fn no_route(path: &str) -> ApiError {
        ApiError::new(
            404,
            "not-found",
            format!("no endpoint `{path}` (GET / lists the endpoints)"),
        )
    }

    /// 405: the route exists, not with this method.
    pub fn method(method: &str, path: &str) -> ApiError {
        ApiError::new(
            405,
            "method-not-allowed",
            format!("`{path}` does not answer {method} (GET / lists the endpoints)"),
        )
    }

    /// 401: a bearer token is required and was missing or wrong.
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            401,
            "unauthorized",
            "this server needs `Authorization: Bearer TOKEN` (the token of --token-file)",
        )
    }

    /// 413: the body is over the limit.
    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            413,
            "payload-too-large",
            format!("the request body is over {} MiB", limit >> 20),
        )
    }

    /// 500: a handler panicked (the server goes on).
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(500, "internal", message)
    }
}

impl From<ErrorJson> for ApiError {
    fn from(e: ErrorJson) -> ApiError {
        ApiError(e)
    }
}

impl From<crate::QueryError> for ApiError {
    fn from(e: crate::QueryError) -> ApiError {
        ApiError(e.into())
    }
}

impl From<crate::request::RequestError> for ApiError {
    fn from(e: crate::request::RequestError) -> ApiError {
        ApiError(e.into())
    }
}

/// A JSON body already serialized.
pub fn json_response(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        json_response(status, serde_json::to_string(&self.0).expect("JSON"))
    }
}
