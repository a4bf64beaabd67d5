//! Reloads: the policy file is watched (and `POST /v1/reload` asks); a new version is read,
//! parsed and resolved in the background (`spawn_blocking`, off the request threads) and
//! swapped in with one atomic store. A version with errors is refused: the last good one
//! keeps serving and `GET /v1/policy` shows why. Requests never wait for a reload.
//!
//! Reloads are coalesced: at most one load runs and one more is queued, however many
//! changes or requests arrive meanwhile (the queued one reads the file as it is when it
//! starts). A version whose content hash equals the served one is not reloaded
//! (`unchanged`).
//!
//! Watching: the policy's folder is watched with the platform's file events (so an editor
//! that replaces the file by a rename is seen); a reload is asked once the file has been quiet
//! for [`QUIET`] (a file rewritten in place is first truncated: its first event must not load
//! an empty policy). If file events cannot be set up, the file's size and modification time
//! are polled once a second instead. Writing a new version by a rename (as editors and
//! `entitle fmt --write` do) is never seen half-written.

use super::state::{self, ReloadAttempt, State};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::Arc;
use tokio::sync::{watch, Notify};

/// Reload requests: a counter of requests, the number of the last request a finished load
/// has covered, and the wake-up of the loader (a [`Notify`] keeps at most one permit: the
/// one queued load).
pub struct Reloader {
    wake: Notify,
    requested: AtomicU64,
    done: watch::Sender<u64>,
}

impl Default for Reloader {
    fn default() -> Reloader {
        Reloader {
            wake: Notify::new(),
            requested: AtomicU64::new(0),
            done: watch::Sender::new(0),
        }
    }
}

impl Reloader {
    /// Ask for a reload; returns its number (see [`Reloader::wait_for`]). Never blocks.
    pub fn request(&self) -> u64 {
        let n = self.requested.fetch_add(1, SeqCst) + 1;
        self.wake.notify_one();
        n
    }

    /// Wait until a load that started after request `n` has finished.
    pub async fn wait_for(&self, n: u64) {
        let mut rx = self.done.subscribe();
        let _ = rx.wait_for(|done| *done >= n).await;
    }
}

/// The loader: waits for requests and runs one load at a time, forever.
pub async fn run(state: Arc<State>) {
    loop {
        state.reload.wake.notified().await;
        let covered = state.reload.requested.load(SeqCst);
        let s = state.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || reload_once(&s)).await {
            eprintln!("entitle serve: error: a reload failed unexpectedly: {e}");
        }
        state.reload.done.send_modify(|d| *d = (*d).max(covered));
    }
}

/// Read the file and, if its content changed and it loads, swap it in.
pub fn reload_once(state: &State) {
    use std::sync::atomic::Ordering::Relaxed;
    let refused = |e: crate::Errors, hash: Option<String>| {
        state.metrics.reloads_refused.fetch_add(1, Relaxed);
        eprintln!(
            "entitle serve: reload refused ({} error(s)); the last good version keeps serving (GET /v1/policy shows why)",
            e.diagnostics.iter().filter(|d| d.is_error()).count().max(1)
        );
        state.attempted(ReloadAttempt {
            at: super::log::now_rfc3339(),
            outcome: "refused",
            hash,
            diagnostics: Some(
                serde_json::to_value(crate::render::lint::errors_json(&e.diagnostics, &e.sources)).expect("JSON"),
            ),
            rendered: Some(e.render(false)),
        });
    };
    let (name, text) = match state::read(&state.path) {
        Ok(v) => v,
        Err(e) => return refused(e, None),
    };
    let hash = state::content_hash(&text);
    if hash == state.current.load().hash {
        state.attempted(ReloadAttempt {
            at: super::log::now_rfc3339(),
            outcome: "unchanged",
            hash: Some(hash),
            diagnostics: None,
            rendered: None,
        });
        return;
    }
    match state::parse(name, text) {
        Ok(loaded) => {
            state.current.store(Arc::new(loaded));
            state.metrics.reloads.fetch_add(1, Relaxed);
            state.attempted(ReloadAttempt {
                at: super::log::now_rfc3339(),
                outcome: "loaded",
                hash: Some(hash),
                diagnostics: None,
                rendered: None,
            });
        }
        Err(e) => refused(e, Some(hash)),
    }
}

/// How long the file must be quiet after an event before it is reloaded.
pub const QUIET: std::time::Duration = std::time::Duration::from_millis(200);

/// What keeps the watch alive (dropped on shutdown).
pub enum Watch {
    /// File events.
    Events(#[allow(dead_code)] notify::RecommendedWatcher),
    /// The polling thread (it ends once the server is gone).
    Polling,
}

/// Watch the policy file: every change asks for a reload.
pub fn watch(state: Arc<State>) -> Watch {
    let path = state.path.clone();
    match watch_events(&path, state.clone()) {
        Ok(w) => Watch::Events(w),
        Err(e) => {
            eprintln!("entitle serve: file events unavailable ({e}); polling the policy file every second");
            // (a weak reference: the thread ends once the server is gone, so the state and
            // the decision log's sender are dropped on shutdown)
            let state = Arc::downgrade(&state);
            std::thread::Builder::new()
                .name("policy-poll".into())
                .spawn(move || poll(&path, &state))
                .map(|_| Watch::Polling)
                .unwrap_or(Watch::Polling)
        }
    }
}

fn watch_events(path: &Path, state: Arc<State>) -> notify::Result<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let file_name = path.file_name().map(|f| f.to_os_string());
    let dir: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        if event
            .paths
            .iter()
            .any(|p| p.file_name().map(|f| f.to_os_string()) == file_name)
        {
            let _ = tx.send(());
        }
    })?;
    // the debouncer: after an event, wait until none came for QUIET, then ask once
    std::thread::Builder::new()
        .name("policy-watch".into())
        .spawn(move || {
            while rx.recv().is_ok() {
                while rx.recv_timeout(QUIET).is_ok() {}
                state.reload.request();
            }
        })
        .map_err(|e| notify::Error::generic(&e.to_string()))?;
    watcher.watch(&dir, RecursiveMode::NonRecursive)?;
    Ok(watcher)
}

fn poll(path: &Path, state: &std::sync::Weak<State>) {
    let stamp = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.len(), m.modified().ok()));
    let mut last = stamp(path);
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
        let Some(state) = state.upgrade() else { return };
        let now = stamp(path);
        if now != last {
            last = now;
            state.reload.request();
        }
    }
}
