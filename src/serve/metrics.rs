//! `GET /metrics`, in the Prometheus text format: requests by endpoint and status, a latency
//! histogram by endpoint, reloads and refused reloads, decisions served, and decision-log
//! lines dropped. Every counter is an atomic: a request never waits on a lock to be counted.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The endpoints counted (`other` for anything else: unknown routes).
pub const ENDPOINTS: &[&str] = &[
    "/",
    "/health",
    "/metrics",
    "/v1/check",
    "/v1/explain",
    "/v1/access",
    "/v1/who",
    "/v1/can",
    "/v1/simulate",
    "/v1/principals",
    "/v1/products",
    "/v1/policy",
    "/v1/reload",
    "other",
];

/// The statuses counted one by one (any other is counted under its class, e.g. `5xx`).
const STATUSES: &[u16] = &[200, 400, 401, 404, 405, 408, 413, 500, 503];
const CLASSES: &[&str] = &["1xx", "2xx", "3xx", "4xx", "5xx"];

/// Upper bounds of the latency buckets, in seconds.
pub const BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

const SLOTS: usize = 9 + 5;

/// Every counter of the server.
pub struct Metrics {
    requests: Vec<[AtomicU64; SLOTS]>,
    /// [endpoint][bucket], the last bucket `+Inf`
    latency: Vec<[AtomicU64; 17]>,
    latency_sum_us: Vec<AtomicU64>,
    /// Policies loaded and swapped in by a reload.
    pub reloads: AtomicU64,
    /// Reloads refused (the new version had errors or could not be read).
    pub reloads_refused: AtomicU64,
    /// Decisions answered (each item of a batch is one).
    pub decisions: AtomicU64,
    /// Decision-log lines dropped because the writer was behind.
    pub log_dropped: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics {
            requests: ENDPOINTS.iter().map(|_| Default::default()).collect(),
            latency: ENDPOINTS.iter().map(|_| Default::default()).collect(),
            latency_sum_us: ENDPOINTS.iter().map(|_| Default::default()).collect(),
            reloads: AtomicU64::new(0),
            reloads_refused: AtomicU64::new(0),
            decisions: AtomicU64::new(0),
            log_dropped: AtomicU64::new(0),
        }
    }
}

/// The index of an endpoint's counters.
pub fn endpoint_index(path: &str) -> usize {
    ENDPOINTS.iter().position(|e| *e == path).unwrap_or(ENDPOINTS.len() - 1)
}

fn slot(status: u16) -> usize {
    match STATUSES.iter().position(|s| *s == status) {
        Some(i) => i,
        None => STATUSES.len() + (status as usize / 100).clamp(1, 5) - 1,
    }
}

fn slot_label(i: usize) -> String {
    if i < STATUSES.len() {
        STATUSES[i].to_string()
    } else {
        CLASSES[i - STATUSES.len()].to_string()
    }
}

impl Metrics {
    /// Count one request answered.
    pub fn request(&self, endpoint: usize, status: u16, seconds: f64) {
        self.requests[endpoint][slot(status)].fetch_add(1, Relaxed);
        let b = BUCKETS.iter().position(|b| seconds <= *b).unwrap_or(BUCKETS.len());
        self.latency[endpoint][b].fetch_add(1, Relaxed);
        self.latency_sum_us[endpoint].fetch_add((seconds * 1e6) as u64, Relaxed);
    }

    /// The Prometheus text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP entitle_requests_total HTTP requests answered, by endpoint and status.\n");
        out.push_str("# TYPE entitle_requests_total counter\n");
        for (e, name) in ENDPOINTS.iter().enumerate() {
            for (i, c) in self.requests[e].iter().enumerate() {
                let n = c.load(Relaxed);
                if n > 0 {
                    let _ = writeln!(
                        out,
                        "entitle_requests_total{{endpoint=\"{name}\",status=\"{}\"}} {n}",
                        slot_label(i)
                    );
                }
            }
        }
        out.push_str("# HELP entitle_request_duration_seconds Time to answer a request, by endpoint.\n");
        out.push_str("# TYPE entitle_request_duration_seconds histogram\n");
        for (e, name) in ENDPOINTS.iter().enumerate() {
            let counts: Vec<u64> = self.latency[e].iter().map(|c| c.load(Relaxed)).collect();
            let total: u64 = counts.iter().sum();
            if total == 0 {
                continue;
            }
            let mut acc = 0;
            for (b, bound) in BUCKETS.iter().enumerate() {
                acc += counts[b];
                let _ = writeln!(
                    out,
                    "entitle_request_duration_seconds_bucket{{endpoint=\"{name}\",le=\"{bound}\"}} {acc}"
                );
            }
            let _ = writeln!(
                out,
                "entitle_request_duration_seconds_bucket{{endpoint=\"{name}\",le=\"+Inf\"}} {total}"
            );
            let sum = self.latency_sum_us[e].load(Relaxed) as f64 / 1e6;
            let _ = writeln!(out, "entitle_request_duration_seconds_sum{{endpoint=\"{name}\"}} {sum}");
            let _ = writeln!(
                out,
                "entitle_request_duration_seconds_count{{endpoint=\"{name}\"}} {total}"
            );
        }
        let mut counter = |name: &str, help: &str, v: &AtomicU64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                v.load(Relaxed)
            );
        };
        counter(
            "entitle_reloads_total",
            "Policy versions loaded and swapped in by a reload.",
            &self.reloads,
        );
        counter(
            "entitle_reloads_refused_total",
            "Reloads refused: the new version had errors (the last good one kept serving).",
            &self.reloads_refused,
        );
        counter(
            "entitle_decisions_total",
            "Decisions answered by /v1/check (each batch item counts) and /v1/explain.",
            &self.decisions,
        );
        counter(
            "entitle_decision_log_dropped_total",
            "Decision-log lines dropped because the log writer was behind.",
            &self.log_dropped,
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_buckets_render() {
        let m = Metrics::default();
        m.request(endpoint_index("/v1/check"), 200, 0.0002);
        m.request(endpoint_index("/v1/check"), 404, 0.003);
        m.request(endpoint_index("/nope"), 418, 0.003);
        let text = m.render();
        assert!(text.contains("entitle_requests_total{endpoint=\"/v1/check\",status=\"200\"} 1"));
        assert!(text.contains("entitle_requests_total{endpoint=\"/v1/check\",status=\"404\"} 1"));
        assert!(text.contains("entitle_requests_total{endpoint=\"other\",status=\"4xx\"} 1"));
        assert!(text.contains("entitle_request_duration_seconds_bucket{endpoint=\"/v1/check\",le=\"0.00025\"} 1"));
        assert!(text.contains("entitle_request_duration_seconds_bucket{endpoint=\"/v1/check\",le=\"0.005\"} 2"));
        assert!(text.contains("entitle_request_duration_seconds_count{endpoint=\"/v1/check\"} 2"));
        assert!(text.contains("entitle_reloads_total 0"));
    }
}
