//! The `entitle` binary: a thin wrapper around [`entitle::cli::run`].

// mimalloc: loading a large policy is allocation-bound (millions of small strings and
// vectors); it is faster than the system allocator there and returns memory more tightly.
// Transparent huge pages are switched per phase of the run (`entitle::cli` and its `memory`
// module): off while parsing, resolving, simulating and in the REPL, where zeroing 2 MiB pages
// on every fault and purge doubled the time; on while a cached policy is read back, where
// 4 KiB page faults were half of the time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let code = entitle::cli::run(std::env::args_os());
    std::process::ExitCode::from(code as u8)
}
