//! Running the `entitle` binary under a hang guard, for the tests that hand it hostile input
//! or a disk that refuses to write (`hostile.rs`, `writes.rs`): its output read through pipes,
//! its exit code, its wall time, and its whole process group killed when it runs past the
//! guard. Included by those files with `#[path]`, not through `common`, which every test
//! file includes.

// (each file that includes this uses some of these helpers, not all)
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How one run went.
pub struct Outcome {
    pub args: String,
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub wall: Duration,
    pub timed_out: bool,
}

impl Outcome {
    fn report(&self) {
        let first = self
            .stderr
            .lines()
            .next()
            .or_else(|| self.stdout.lines().next())
            .unwrap_or("");
        let first: String = first.chars().take(110).collect();
        eprintln!(
            "hostile | {} | exit {:?} | {:.2} s | {}",
            self.args,
            self.code,
            self.wall.as_secs_f64(),
            first
        );
    }
}

#[cfg(unix)]
mod sys {
    extern "C" {
        pub fn kill(pid: i32, sig: i32) -> i32;
        pub fn geteuid() -> u32;
    }
    pub const SIGKILL: i32 = 9;
}

pub fn is_root() -> bool {
    #[cfg(unix)]
    {
        // SAFETY: geteuid has no preconditions.
        unsafe { sys::geteuid() == 0 }
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Run `program args`, reading its output through pipes, and kill its whole process group
/// when it is still running after `limit` (the hang guard).
pub fn run_command(program: &str, args: &[&str], shown: String, stdin: Option<&[u8]>, limit: Duration) -> Outcome {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn");
    let feeder = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            use std::io::Write;
            let _ = pipe.write_all(&bytes);
        })
    });
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = vec![];
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit && !timed_out {
            timed_out = true;
            #[cfg(unix)]
            // SAFETY: kill has no memory-safety preconditions; the group is our child's own.
            unsafe {
                sys::kill(-(child.id() as i32), sys::SIGKILL)
            };
            #[cfg(not(unix))]
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall = start.elapsed();
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let stdout = String::from_utf8_lossy(&out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
    // `None` when killed by a signal
    let code = status.code();
    let o = Outcome {
        args: shown,
        code,
        stdout,
        stderr,
        wall,
        timed_out,
    };
    o.report();
    o
}

/// Run the binary with a time limit.
pub fn entitle(args: &[&str], limit: Duration) -> Outcome {
    run_command(env!("CARGO_BIN_EXE_entitle"), args, shown(args), None, limit)
}

/// Run the binary with text on standard input (the REPL's piped mode).
pub fn entitle_stdin(args: &[&str], input: &str, limit: Duration) -> Outcome {
    run_command(
        env!("CARGO_BIN_EXE_entitle"),
        args,
        shown(args),
        Some(input.as_bytes()),
        limit,
    )
}

/// Run the binary unable to write more than `blocks` × 512 bytes to any file (RLIMIT_FSIZE,
/// with SIGXFSZ ignored so a write fails with EFBIG): a failing disk, even for root.
pub fn entitle_fsize(blocks: u32, args: &[&str], input: Option<&str>, limit: Duration) -> Outcome {
    let script = format!("trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\"");
    let mut all = vec!["-c", &script, env!("CARGO_BIN_EXE_entitle")];
    all.extend_from_slice(args);
    run_command(
        "/bin/sh",
        &all,
        format!("[ulimit -f {blocks}] {}", shown(args)),
        input.map(str::as_bytes),
        limit,
    )
}

pub fn shown(args: &[&str]) -> String {
    args.iter()
        .map(|a| {
            let a = Path::new(a)
                .file_name()
                .filter(|_| a.starts_with('/'))
                .map_or(*a, |f| f.to_str().unwrap());
            if a.len() > 40 {
                format!("{}…", &a[..a.char_indices().nth(39).map_or(a.len(), |(i, _)| i)])
            } else {
                a.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How long a run may take before it is taken for hung and killed: a hang guard, not a bound.
/// The machine is shared and noisy, so `cargo test` asserts no wall-clock or memory figure;
/// `scripts/scale.sh` (section "hostile inputs") runs these inputs with the release binary and
/// prints the time and peak memory of each. This only keeps a hang from blocking the suite.
pub const HANG_GUARD: Duration = Duration::from_secs(600);

/// The run finished (did not hang), exited `code`, did not panic, and its stderr holds every
/// one of `needles`.
pub fn assert_outcome(o: &Outcome, code: i32, needles: &[&str]) {
    assert!(
        !o.timed_out,
        "{}: still running after {} s (hang guard)",
        o.args,
        HANG_GUARD.as_secs()
    );
    assert!(!o.stderr.contains("panicked"), "{}: panicked:\n{}", o.args, o.stderr);
    assert_eq!(
        o.code,
        Some(code),
        "{}: exit {:?}\nstderr: {}",
        o.args,
        o.code,
        tail(&o.stderr)
    );
    for n in needles {
        assert!(
            o.stderr.contains(n),
            "{}: stderr lacks {n:?}:\n{}",
            o.args,
            tail(&o.stderr)
        );
    }
}

pub fn tail(s: &str) -> &str {
    let start = s.len().saturating_sub(2000);
    let start = (start..s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(s.len());
    &s[start..]
}

pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}
