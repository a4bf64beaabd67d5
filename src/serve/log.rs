//! The decision log (`--decision-log FILE`): one JSON line per decision, appended to FILE by a
//! writer thread. Requests hand their lines to it through a bounded channel and never wait on
//! the disk: when the channel is full (the disk is slower than the requests), the line is
//! dropped, counted in `/metrics` (`entitle_decision_log_dropped_total`), and a warning goes
//! to standard error (on the first dropped line, then once every 10,000). The writer flushes
//! whenever it has caught up, and on shutdown after the last queued line.
//!
//! A line: `{"time":"2026-…Z","endpoint":"/v1/check","request":{…},"decision":"allow",
//! "rule":"…","group":"…"|null,"policy":"<content hash>"}`.

use super::metrics::Metrics;
use std::io::Write;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;

/// Lines queued at most before new ones are dropped.
pub const QUEUE: usize = 16_384;

/// The sending side of the decision log.
pub struct DecisionLog {
    tx: SyncSender<String>,
    metrics: Arc<Metrics>,
}

/// The writer thread, joined on shutdown (after every sender is gone).
pub struct Writer(std::thread::JoinHandle<()>);

impl Writer {
    /// Wait for the queued lines to be written.
    pub fn finish(self) {
        let _ = self.0.join();
    }
}

/// Open (append, create) the log file and start its writer.
pub fn open(path: &std::path::Path, metrics: Arc<Metrics>) -> std::io::Result<(DecisionLog, Writer)> {
    let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    let (tx, rx) = sync_channel(QUEUE);
    let handle = std::thread::Builder::new()
        .name("decision-log".into())
        .spawn(move || write_lines(rx, file))?;
    Ok((DecisionLog { tx, metrics }, Writer(handle)))
}

fn write_lines(rx: Receiver<String>, file: std::fs::File) {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    let mut failed = false;
    while let Ok(line) = rx.recv() {
        let mut write = |line: String| {
            if let Err(e) = out.write_all(line.as_bytes()).and_then(|_| out.write_all(b"\n")) {
                if !failed {
                    eprintln!("entitle serve: warning: cannot write the decision log: {e}");
                    failed = true;
                }
            }
        };
        write(line);
        // everything already queued, then one flush
        while let Ok(line) = rx.try_recv() {
            write(line);
        }
        let _ = out.flush();
    }
    let _ = out.flush();
}

impl DecisionLog {
    /// Queue one line (without its newline); never blocks.
    pub fn send(&self, line: String) {
        match self.tx.try_send(line) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                let n = self.metrics.log_dropped.fetch_add(1, Relaxed);
                if n % 10_000 == 0 {
                    eprintln!(
                        "entitle serve: warning: the decision log is behind; {} line(s) dropped so far (see entitle_decision_log_dropped_total)",
                        n + 1
                    );
                }
            }
        }
    }
}

/// The current time as RFC 3339 in UTC with milliseconds (`2026-11-30T20:58:50.123Z`).
pub fn now_rfc3339() -> String {
    crate::clock::Utc::now().rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_written_and_a_full_queue_drops_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.log");
        let metrics = Arc::new(Metrics::default());
        let (log, writer) = open(&path, metrics.clone()).unwrap();
        log.send("{\"a\":1}".into());
        log.send("{\"a\":2}".into());
        drop(log);
        writer.finish();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\":1}\n{\"a\":2}\n");
        // a log whose writer is gone drops (and counts) every line
        let (tx, rx) = sync_channel(1);
        drop(rx);
        let log = DecisionLog {
            tx,
            metrics: metrics.clone(),
        };
        log.send("x".into());
        assert_eq!(metrics.log_dropped.load(Relaxed), 1);
    }
}
