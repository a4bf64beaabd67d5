//! Transparent huge pages, switched per phase of a run (Linux; elsewhere nothing happens).
//!
//! mimalloc asks the kernel for huge pages for its memory. Whether a page fault then maps
//! 2 MiB or 4 KiB is the process's `PR_SET_THP_DISABLE` flag, read at every fault, so it can
//! change during a run:
//! - **off** for parsing, resolving, simulating and the REPL: they allocate and free in waves,
//!   and with huge pages every purge and refault zeroes 2 MiB (on 200,000 users `simulate` and
//!   a REPL edit took twice as long, and a first `check` half again as much system time);
//! - **on** while a resolved policy is read back from the cache: that is one pass writing
//!   some 150 MB of fresh memory, where 4 KiB faults (about 47,000 on 200,000 users) were
//!   half of the run's time, against a few hundred with huge pages — for policies up to
//!   [`HUGE_PAGES_UP_TO`]. Beyond, the kernel often has to compact memory to find hundreds of
//!   free 2 MiB pages (with `defrag` at `madvise`, as on most distributions, it does so during
//!   the fault), which cost more than the faults it saves: on 1,000,000 users (860 MB read
//!   back) the cached `check` took 1.6–3.1 s with huge pages and 1.5–2.0 s without, on the
//!   development machine under load; on 200,000 users 0.16–0.44 s (median 0.18) against
//!   0.26–0.43 s (median 0.33).
//!
//! Only the binary's own run switches it ([`super::run`]); runs inside another program
//! (`run_to`, the tests) leave the host process's setting alone.

/// The largest policy text (bytes) whose cache entry is read back with huge pages: 48 MiB,
/// about 450,000 users of a generated account.
pub(crate) const HUGE_PAGES_UP_TO: u64 = 48 << 20;

/// Allow (`true`) or refuse (`false`) huge pages for the faults from now on.
pub(crate) fn huge_pages(on: bool) {
    // (a kernel without the flag keeps its own setting: nothing to report)
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(!on);
    #[cfg(not(target_os = "linux"))]
    let _ = on;
}
