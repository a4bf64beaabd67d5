//! The `entitle` binary: a thin wrapper around [`entitle::cli::run`].

fn main() -> std::process::ExitCode {
    let code = entitle::cli::run(std::env::args_os());
    std::process::ExitCode::from(code as u8)
}
