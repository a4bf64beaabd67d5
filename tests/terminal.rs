//! On a terminal, work that takes more than a second shows a progress bar or a spinner on
//! standard error, and the command still ends: the bar draws from another thread, which once
//! waited forever for a lock the command held on standard error.

// Runs the binary: needs the default `cli` feature.
#![cfg(all(feature = "cli", unix))]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_long_load_on_a_terminal_shows_a_spinner_and_ends() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("big.ent");
    // large enough that loading it in a debug build takes well over a second
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args([
            "gen",
            "--users",
            "60000",
            "--products",
            "64",
            "--groups",
            "120",
            "--seed",
            "1",
            "-o",
        ])
        .arg(&policy)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // a comment in every user block: the parser's fast path for plain user blocks declines
    // them, so the whole file goes through the pest grammar, slow enough in a debug build
    let text = std::fs::read_to_string(&policy).unwrap();
    let commented = text.replace("\" {\n", "\" { # through the grammar\n");
    assert!(commented.matches("# through the grammar").count() > 50_000);
    std::fs::write(&policy, commented).unwrap();
    let pty = nix::pty::openpty(None, None).unwrap();
    let stderr: std::fs::File = pty.slave.into();
    let mut child = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(["check", "--no-cache"])
        .arg(&policy)
        .args(["nobody@example.com", "MicroStation"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut master: std::fs::File = pty.master.into();
    let reader = std::thread::spawn(move || {
        let mut shown = Vec::new();
        let mut buf = [0u8; 4096];
        // ends when the child has exited and the terminal is closed (EIO)
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            shown.extend_from_slice(&buf[..n]);
        }
        shown
    });
    // a hang guard, not a bound on speed: the command must end
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("`entitle check` on a terminal did not end");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let shown = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    // an unknown principal: exit 2, its message after the spinner
    assert_eq!(status.code(), Some(2), "{shown}");
    assert!(shown.contains("loading "), "no spinner: {shown:?}");
    assert!(shown.contains("unknown principal"), "{shown:?}");
}
