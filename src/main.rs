//! The `entitle` binary: a thin wrapper around [`entitle::cli::run`].

// mimalloc: loading a large policy is allocation-bound (millions of small strings and
// vectors); it is faster than the system allocator there and returns memory more tightly.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let code = entitle::cli::run(std::env::args_os());
    std::process::ExitCode::from(code as u8)
}
