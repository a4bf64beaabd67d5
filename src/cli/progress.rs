//! A progress bar on standard error, shown only on a terminal and only for work that has
//! already taken more than a second (indicatif).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct Progress {
    total: u64,
    done: AtomicU64,
    start: Instant,
    enabled: bool,
    message: &'static str,
    bar: OnceLock<ProgressBar>,
}

impl Progress {
    pub fn new(total: usize, message: &'static str) -> Progress {
        Progress {
            total: total as u64,
            done: AtomicU64::new(0),
            start: Instant::now(),
            enabled: std::io::stderr().is_terminal(),
            message,
            bar: OnceLock::new(),
        }
    }

    /// Record `n` more units done (callable from any thread).
    pub fn tick(&self, n: usize) {
        let done = self.done.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if !self.enabled || self.start.elapsed() < Duration::from_secs(1) {
            return;
        }
        let bar = self.bar.get_or_init(|| {
            let bar = ProgressBar::with_draw_target(Some(self.total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} principals ({eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_message(self.message);
            bar
        });
        bar.set_position(done);
    }

    pub fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

/// A spinner for loading a policy (parsing and resolving report no steps), or other work on
/// one file: it appears on a terminal only once the work has taken a second, says what it
/// is working on and how big that is, and goes away when the guard is dropped.
pub struct Loading {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Loading {
    pub fn start(path: &std::path::Path) -> Loading {
        Loading::working("loading", path)
    }

    /// The same for other work on one file: `linting`, `testing`.
    pub fn working(verb: &str, path: &std::path::Path) -> Loading {
        if !std::io::stderr().is_terminal() {
            return Loading {
                stop: None,
                thread: None,
            };
        }
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let what = format!("{verb} {} ({:.1} MB)", path.display(), size as f64 / 1e6);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if rx.recv_timeout(Duration::from_secs(1)).is_ok() {
                return;
            }
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(what);
            bar.enable_steady_tick(Duration::from_millis(120));
            // until the guard is dropped (a message or a closed channel)
            let _ = rx.recv();
            bar.finish_and_clear();
        });
        Loading {
            stop: Some(tx),
            thread: Some(thread),
        }
    }
}

impl Drop for Loading {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
