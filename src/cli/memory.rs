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
//!   half of the run's time, against a few hundred with huge pages.
//!
//! Only the binary's own run switches it ([`super::run`]); runs inside another program
//! (`run_to`, the tests) leave the host process's setting alone.

/// Allow (`true`) or refuse (`false`) huge pages for the faults from now on.
pub(crate) fn huge_pages(on: bool) {
    // (a kernel without the flag keeps its own setting: nothing to report)
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(!on);
    #[cfg(not(target_os = "linux"))]
    let _ = on;
}
