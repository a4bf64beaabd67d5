//! Shared by the integration tests that run the `entitle` binary.

use std::process::Command;

/// What one run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run the `entitle` binary built for these tests, without colour.
pub fn entitle(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run entitle");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}
