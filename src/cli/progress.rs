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
