//! What the server serves: the loaded policy with its compiled form and metadata
//! ([`Loaded`]), behind an [`ArcSwap`] so a reload swaps it in one atomic store and a request
//! never waits for a reload (each request loads the current `Arc` once and answers from it).

use super::log::{now_rfc3339, DecisionLog};
use super::metrics::Metrics;
use crate::compile::Compiled;
use crate::diag::Diagnostic;
use crate::render::base_name;
use crate::source::Sources;
use crate::{Errors, Policy};
use arc_swap::ArcSwap;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// One principal for the type-ahead search (`GET /v1/principals`), its names lower-cased once.
pub struct Entry {
    pub principal: crate::Principal,
    pub id_lower: String,
    pub display_lower: Option<String>,
}

/// One version of the policy, loaded and validated.
pub struct Loaded {
    pub policy: Policy,
    /// The compiled form (`who` answers from it).
    pub compiled: Compiled,
    /// The file's base name (never the path it was given by).
    pub name: String,
    /// The XXH3-128 hash of the file's content, in hex.
    pub hash: String,
    /// When this version was loaded (RFC 3339, UTC).
    pub loaded_at: String,
    /// Errors in the policy's top-level `expect` lines: they do not stop it from answering
    /// (as on the command line) and are shown by `GET /v1/policy`.
    pub warnings: Vec<Diagnostic>,
    /// The principals for type-ahead, in declaration order (users, then keys).
    pub entries: Vec<Entry>,
}

/// The content hash `GET /v1/policy` shows (XXH3-128, 32 hex digits).
pub fn content_hash(text: &str) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
}

/// Read, parse and resolve the policy file, naming it by its base name only. A failure is
/// the diagnostics (messages that would name the path name the base name instead).
pub fn load(path: &std::path::Path) -> Result<Loaded, Errors> {
    let (name, text) = read(path)?;
    parse(name, text)
}

/// Read the policy file: its base name and its text.
pub fn read(path: &std::path::Path) -> Result<(String, String), Errors> {
    let name = base_name(&path.display().to_string());
    let text = crate::read_source(path).map_err(|mut d| {
        d.message = d.message.replace(&path.display().to_string(), &name);
        Errors {
            sources: Sources::new(),
            diagnostics: vec![d],
        }
    })?;
    Ok((name, text))
}

/// Parse and resolve a policy's text (named `name`) and make everything the server needs.
pub fn parse(name: String, text: String) -> Result<Loaded, Errors> {
    let hash = content_hash(&text);
    let (policy, warnings) = Policy::parse_for_queries(&name, text)?;
    let m = policy.model();
    let entries = m
        .principals()
        .map(|p| Entry {
            principal: p,
            id_lower: m.principal_name(p).to_lowercase(),
            display_lower: match p {
                crate::Principal::User(u) => m.user(u).display.as_deref().map(str::to_lowercase),
                crate::Principal::Key(_) => None,
            },
        })
        .collect();
    Ok(Loaded {
        compiled: policy.compile(),
        policy,
        name,
        hash,
        loaded_at: now_rfc3339(),
        warnings,
        entries,
    })
}

/// The outcome of the last reload attempt, for `GET /v1/policy`.
#[derive(Clone, Serialize)]
pub struct ReloadAttempt {
    /// When it finished (RFC 3339, UTC).
    pub at: String,
    /// `loaded` (swapped in), `unchanged` (same content as served) or `refused` (errors: the
    /// last good version kept serving).
    pub outcome: &'static str,
    /// The content hash of the version read, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// When refused: the errors, as `lint --json` gives them for a policy that does not load.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<serde_json::Value>,
    /// When refused: the errors rendered as text (as the command line prints them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rendered: Option<String>,
}

/// Everything the handlers share.
pub struct State {
    /// The version served.
    pub current: ArcSwap<Loaded>,
    /// The policy file, as given on the command line (never shown).
    pub path: PathBuf,
    /// The last reload attempt (`None` before the first).
    pub last_reload: Mutex<Option<ReloadAttempt>>,
    pub metrics: Arc<Metrics>,
    pub log: Option<DecisionLog>,
    /// The bearer token every `/v1` and `/metrics` request needs, when set.
    pub token: Option<String>,
    pub reload: super::reload::Reloader,
}

impl State {
    /// A state serving `loaded`.
    pub fn new(
        path: PathBuf,
        loaded: Loaded,
        metrics: Arc<Metrics>,
        log: Option<DecisionLog>,
        token: Option<String>,
    ) -> State {
        State {
            current: ArcSwap::from_pointee(loaded),
            path,
            last_reload: Mutex::new(None),
            metrics,
            log,
            token,
            reload: super::reload::Reloader::default(),
        }
    }

    /// Record a reload attempt.
    pub fn attempted(&self, attempt: ReloadAttempt) {
        *self.last_reload.lock().unwrap_or_else(|e| e.into_inner()) = Some(attempt);
    }

    /// The last reload attempt.
    pub fn last_attempt(&self) -> Option<ReloadAttempt> {
        self.last_reload.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
