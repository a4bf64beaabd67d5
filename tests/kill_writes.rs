//! Writes that survive a kill, a full disk and a folder the process may not write (issue #16,
//! item 4). Every command that writes a file (`fmt --write`, `import-users --write`,
//! `import -o`, `gen -o`, `report -o`, REPL `:save`, `test --junit`, `init`, `man --dir`)
//! goes through `entitle::atomic_write`; these tests check it from the outside:
//!
//! - **SIGKILL at random points**: each command runs on a large generated policy and is killed
//!   with SIGKILL after a delay drawn from a seeded RNG, spread over the time one complete run
//!   takes (measured first, in a folder of its own, which also gives the complete new content);
//!   half of the delays fall from the last third of the run to past its end (the file is
//!   written last). After each kill every target is byte-equal to its old content or to the
//!   complete new content, and the folder holds exactly the files it held (no temporary file) — except for a kill
//!   between linking the new file to `.NAME.XXXXXX` and renaming it over NAME, two consecutive
//!   system calls that Linux cannot make one (`src/write.rs`): that leftover must hold the
//!   complete new content beside the old target, and the next run must remove it.
//! - **A full disk**: the target's folder is a tmpfs, filled up, in a private mount namespace
//!   (`unshare -m`, util-linux); the command must fail with exit 2 (the piped REPL: 1), the
//!   path and "No space left on device", the old bytes kept and no stray file.
//! - **A folder the process may not write**: the command runs as `nobody`
//!   (`setpriv --reuid=65534 --regid=65534 --clear-groups`, util-linux; the tests run as
//!   root); the same assertions with "Permission denied".
//!
//! A missing facility (`unshare`, `setpriv`, `mount`, not running as root) fails the test with
//! what to install or how to run it; nothing here skips itself. No assertion is about time: the
//! measured run time only spreads the kills.

#![cfg(all(unix, feature = "cli"))]

mod common;

use common::{entries, Rng};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_entitle");

/// Users of the policy that the commands read (`gen -o` writes a larger one): large enough that
/// every command runs for a while and writes its file in many blocks, small enough that the
/// kill loops stay within a couple of minutes of CPU in a debug build.
/// `ENTITLE_KILL_USERS=50000` runs them on a larger one.
fn users() -> usize {
    std::env::var("ENTITLE_KILL_USERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(8_000)
}
/// Users of the organisation `gen -o` writes.
const GEN_USERS: &str = "50000";
/// Kills per command.
const KILLS: usize = 20;

/// The inputs, made once per test run: the policy, a non-canonical copy of it, its JSON export,
/// a Bulk Register Users sheet and a policy with many expectations.
struct Fixture {
    dir: tempfile::TempDir,
    policy: Vec<u8>,
    messy: Vec<u8>,
}

impl Fixture {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        // readable by `nobody` (the unwritable-folder tests run the binary as that user)
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let policy_path = dir.path().join("policy.ent");
        let out = entitle(&[
            "gen",
            "--users",
            &users().to_string(),
            "--seed",
            "7",
            "-o",
            s(&policy_path),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "gen: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let policy = std::fs::read(&policy_path).unwrap();
        let text = String::from_utf8(policy.clone()).unwrap();
        // the same policy with its blocks indented by six spaces: `fmt --write` rewrites all of it
        let messy = text.replace("\n  ", "\n      ").into_bytes();
        assert_ne!(messy, policy);
        let out = entitle(&["export", "--json", s(&policy_path)]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "export: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(dir.path().join("policy.json"), &out.stdout).unwrap();
        // a sheet of new users, one per row
        let country = text
            .lines()
            .find_map(|l| l.strip_prefix("country "))
            .and_then(|l| l.split_whitespace().next())
            .expect("a country in the generated policy")
            .to_string();
        let mut sheet = String::from("Email,First Name,Last Name,Country\n");
        for i in 0..2000 {
            sheet.push_str(&format!("new{i}@sheet.example,New,Person {i},{country}\n"));
        }
        std::fs::write(dir.path().join("sheet.csv"), sheet).unwrap();
        // expectations for `test --junit`: one per user of the first thousand, half of them
        // failing, so that the report is large
        let users: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("user "))
            .filter_map(|l| l.split_whitespace().next())
            .take(1000)
            .collect();
        let product = text
            .lines()
            .find_map(|l| l.strip_prefix("product "))
            .and_then(|l| l.split_whitespace().next())
            .unwrap()
            .to_string();
        let mut tests = text.clone();
        for (i, u) in users.iter().enumerate() {
            let verdict = if i % 2 == 0 { "allow" } else { "deny" };
            tests.push_str(&format!("expect {u} {product} {verdict}\n"));
        }
        std::fs::write(dir.path().join("tests.ent"), tests).unwrap();
        for name in ["policy.ent", "policy.json", "sheet.csv", "tests.ent"] {
            std::fs::set_permissions(dir.path().join(name), std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        Fixture { dir, policy, messy }
    })
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn entitle(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join("entitle-test-cache"))
        .stdin(Stdio::null())
        .output()
        .expect("run entitle")
}

/// The arguments of a command and its standard input, for a given folder.
type Invocation = dyn Fn(&Path) -> (Vec<String>, Option<String>);

/// One writing command: the files its folder holds before it runs (the targets, with their
/// old bytes), and how to run it on a folder.
struct Case {
    name: &'static str,
    /// The files of the folder before the run: each is a target the command may rewrite.
    old: Vec<(String, Vec<u8>)>,
    /// The arguments and the standard input, for a given folder.
    run: Box<Invocation>,
    /// The new content with what legitimately differs from run to run blanked out (the
    /// report's "generated" minute), for comparing two complete runs.
    normalize: fn(&[u8]) -> Vec<u8>,
}

fn as_is(bytes: &[u8]) -> Vec<u8> {
    bytes.to_vec()
}

/// The report says when it was generated, to the minute: `generated 2026-11-30 21:27 UTC`.
fn without_the_minute(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let marker = b"generated ";
    if let Some(at) = out.windows(marker.len()).position(|w| w == marker) {
        let start = at + marker.len();
        for b in out.iter_mut().skip(start).take("2026-11-30 21:27".len()) {
            *b = b'#';
        }
    }
    out
}

fn original(name: &str) -> (String, Vec<u8>) {
    (name.to_string(), format!("# the original {name}\n").into_bytes())
}

fn cases() -> Vec<Case> {
    let f = fixture();
    let input = |name: &str| f.path(name).to_str().unwrap().to_string();
    let (policy, json, sheet, tests) = (
        input("policy.ent"),
        input("policy.json"),
        input("sheet.csv"),
        input("tests.ent"),
    );
    let at = |dir: &Path, name: &str| dir.join(name).to_str().unwrap().to_string();
    // every page `man --dir` writes, each with old bytes of its own
    let pages = {
        let dir = tempfile::tempdir().unwrap();
        let out = entitle(&["man", "--dir", s(dir.path())]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "man --dir: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(names.len() > 10, "{names:?}");
        names.iter().map(|n| original(n)).collect()
    };
    vec![
        Case {
            name: "fmt --write",
            normalize: as_is,
            old: vec![("policy.ent".into(), f.messy.clone())],
            run: Box::new(move |d| (vec!["fmt".into(), "--write".into(), at(d, "policy.ent")], None)),
        },
        Case {
            name: "import-users --write",
            normalize: as_is,
            old: vec![("policy.ent".into(), f.policy.clone())],
            run: Box::new(move |d| {
                let args = vec![
                    "import-users".into(),
                    "--write".into(),
                    at(d, "policy.ent"),
                    sheet.clone(),
                ];
                (args, None)
            }),
        },
        Case {
            name: "import -o",
            normalize: as_is,
            old: vec![original("imported.ent")],
            run: Box::new(move |d| {
                (
                    vec!["import".into(), json.clone(), "-o".into(), at(d, "imported.ent")],
                    None,
                )
            }),
        },
        Case {
            name: "gen -o",
            normalize: as_is,
            old: vec![original("org.ent")],
            run: Box::new(move |d| {
                let args = ["gen", "--users", GEN_USERS, "--seed", "3", "-o"];
                let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
                args.push(at(d, "org.ent"));
                (args, None)
            }),
        },
        Case {
            name: "report -o",
            normalize: without_the_minute,
            old: vec![original("report.html")],
            run: {
                let policy = policy.clone();
                Box::new(move |d| {
                    (
                        vec!["report".into(), policy.clone(), "-o".into(), at(d, "report.html")],
                        None,
                    )
                })
            },
        },
        Case {
            name: "repl :save",
            normalize: as_is,
            old: vec![original("saved.ent")],
            run: {
                let policy = policy.clone();
                Box::new(move |d| {
                    let script = format!("set global MicroStation on\n:save {}\n:quit!\n", at(d, "saved.ent"));
                    (vec!["repl".into(), policy.clone()], Some(script))
                })
            },
        },
        Case {
            name: "test --junit",
            normalize: as_is,
            old: vec![original("junit.xml")],
            run: Box::new(move |d| {
                (
                    vec!["test".into(), tests.clone(), "--junit".into(), at(d, "junit.xml")],
                    None,
                )
            }),
        },
        Case {
            name: "init --force",
            normalize: as_is,
            old: vec![original("policy.ent")],
            run: Box::new(move |d| (vec!["init".into(), "--force".into(), at(d, "policy.ent")], None)),
        },
        Case {
            name: "man --dir",
            normalize: as_is,
            old: pages,
            run: Box::new(move |d| (vec!["man".into(), "--dir".into(), s(d).to_string()], None)),
        },
    ]
}

/// Put the case's old files, and nothing else, into `dir`.
fn reset(case: &Case, dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    for (name, bytes) in &case.old {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

fn spawn(program: &str, pre: &[&str], case: &Case, dir: &Path) -> std::process::Child {
    let (args, stdin) = (case.run)(dir);
    let mut cmd = Command::new(program);
    cmd.args(pre)
        .args(&args)
        .env("NO_COLOR", "1")
        .env(
            "ENTITLE_CACHE_DIR",
            std::env::temp_dir().join("entitle-test-cache-kill"),
        )
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        // a killed REPL closes the pipe: a failed write is expected then
        std::thread::spawn(move || {
            let _ = pipe.write_all(text.as_bytes());
        });
    }
    child
}

/// Whether `entry` is a temporary name of `name`: `.NAME.` and six letters or digits.
fn is_temporary_of(entry: &str, name: &str) -> bool {
    entry
        .strip_prefix('.')
        .and_then(|e| e.strip_prefix(name))
        .and_then(|e| e.strip_prefix('.'))
        .is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Run `case` once to completion in a folder of its own: the new content of every target, and
/// how long the run took.
fn complete_run(case: &Case) -> (BTreeMap<String, Vec<u8>>, Duration) {
    let dir = tempfile::tempdir().unwrap();
    reset(case, dir.path());
    let start = Instant::now();
    let out = spawn(BIN, &[], case, dir.path()).wait_with_output().unwrap();
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // `test` exits 1: half of its expectations fail on purpose
    let expected = if case.name.starts_with("test") { 1 } else { 0 };
    assert_eq!(out.status.code(), Some(expected), "{}: {stderr}", case.name);
    assert_eq!(
        entries(dir.path()),
        sorted_names(case),
        "{}: the complete run left another file",
        case.name
    );
    let new: BTreeMap<String, Vec<u8>> = case
        .old
        .iter()
        .map(|(name, _)| (name.clone(), std::fs::read(dir.path().join(name)).unwrap()))
        .collect();
    for (name, bytes) in &case.old {
        assert_ne!(
            &new[name], bytes,
            "{}: {name} did not change, the kills would prove nothing",
            case.name
        );
    }
    (new, took)
}

fn sorted_names(case: &Case) -> Vec<String> {
    let mut v: Vec<String> = case.old.iter().map(|(n, _)| n.clone()).collect();
    v.sort();
    v
}

/// Kill `case` at `KILLS` random points and check what each kill leaves.
fn kill_at_random_points(case: &Case, rng: &mut Rng) {
    let (new, took) = complete_run(case);
    let dir = tempfile::tempdir().unwrap();
    let (mut killed, mut old_kept, mut new_whole, mut between_link_and_rename) = (0, 0, 0, 0);
    for k in 0..KILLS {
        reset(case, dir.path());
        // even kills anywhere in the run, odd ones from its last third to well past its
        // measured end (the file is written last, and on a shared machine a run may take
        // twice as long as the measured one)
        let at = if k % 2 == 0 { rng.unit() } else { 0.7 + 1.3 * rng.unit() };
        let delay = took.mul_f64(at);
        let mut child = spawn(BIN, &[], case, dir.path());
        std::thread::sleep(delay);
        // SIGKILL (a no-op if it has exited already; it is not reaped yet, so the id is its own)
        let _ = child.kill();
        let status = child.wait().unwrap();
        killed += usize::from(status.signal() == Some(9));
        for (name, old) in &case.old {
            let now = std::fs::read(dir.path().join(name))
                .unwrap_or_else(|e| panic!("{}: kill {k} after {delay:?}: {name}: {e}", case.name));
            if &now == old {
                old_kept += 1;
            } else if (case.normalize)(&now) == (case.normalize)(&new[name]) {
                new_whole += 1;
            } else {
                panic!(
                    "{}: kill {k} after {delay:?} left {name} torn: {} bytes, neither the old {} nor the new {}",
                    case.name,
                    now.len(),
                    old.len(),
                    new[name].len()
                );
            }
        }
        // a stray file is only allowed as what Linux cannot avoid: killed between linking the
        // complete new file to `.NAME.XXXXXX` and renaming it over NAME (two consecutive
        // system calls), the target still old; the next write removes it
        let strays: Vec<String> = entries(dir.path())
            .into_iter()
            .filter(|e| !case.old.iter().any(|(name, _)| name == e))
            .collect();
        for stray in &strays {
            let owner = case.old.iter().find(|(name, _)| is_temporary_of(stray, name));
            let Some((name, old)) = owner else {
                panic!("{}: kill {k} after {delay:?} left a stray file {stray:?}", case.name);
            };
            let bytes = std::fs::read(dir.path().join(stray)).unwrap();
            assert!(
                (case.normalize)(&bytes) == (case.normalize)(&new[name])
                    && std::fs::read(dir.path().join(name)).unwrap() == *old,
                "{}: kill {k} after {delay:?} left {stray:?} that is not the complete new {name} \
                 beside the old one",
                case.name
            );
            between_link_and_rename += 1;
        }
        if !strays.is_empty() {
            let out = spawn(BIN, &[], case, dir.path()).wait_with_output().unwrap();
            assert!(out.status.code().is_some(), "{}", case.name);
            assert_eq!(
                entries(dir.path()),
                sorted_names(case),
                "{}: the next write did not remove the leftover of kill {k}",
                case.name
            );
        }
    }
    eprintln!(
        "{}: a complete run took {took:?}; {killed} of {KILLS} runs killed while running; \
         targets left old {old_kept} times, new {new_whole} times; killed between link and \
         rename {between_link_and_rename} times",
        case.name
    );
    assert!(killed > 0, "{}: no kill landed while the command ran", case.name);
}

/// Kill the command of the case named `name` (one test per command, so that they run in
/// parallel and fail one by one), with a seed of its own.
fn kill(name: &str) {
    let case = cases()
        .into_iter()
        .find(|c| c.name == name)
        .expect("a case of that name");
    let seed = name
        .bytes()
        .fold(0x6b11_5eed_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    kill_at_random_points(&case, &mut Rng(seed));
}

#[test]
fn fmt_write_survives_sigkill() {
    kill("fmt --write");
}

#[test]
fn import_users_write_survives_sigkill() {
    kill("import-users --write");
}

#[test]
fn import_output_survives_sigkill() {
    kill("import -o");
}

#[test]
fn gen_output_survives_sigkill() {
    kill("gen -o");
}

#[test]
fn report_output_survives_sigkill() {
    kill("report -o");
}

#[test]
fn repl_save_survives_sigkill() {
    kill("repl :save");
}

#[test]
fn test_junit_survives_sigkill() {
    kill("test --junit");
}

#[test]
fn init_survives_sigkill() {
    kill("init --force");
}

#[test]
fn man_dir_survives_sigkill() {
    kill("man --dir");
}

#[test]
fn every_writing_command_has_a_kill_test() {
    // a command added to `cases()` needs a test above
    let names: Vec<&str> = cases().iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "fmt --write",
            "import-users --write",
            "import -o",
            "gen -o",
            "report -o",
            "repl :save",
            "test --junit",
            "init --force",
            "man --dir"
        ]
    );
}

// ------------------------------------------------------------------ refused writes

/// Fail with what to install when a tool these tests need is missing.
fn require(tool: &str, package: &str) {
    let found =
        std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(tool).is_file()));
    assert!(found, "`{tool}` is needed for this test: install {package}");
}

fn require_root() {
    let out = Command::new("id").arg("-u").output().expect("run `id -u`");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "0",
        "these tests drop privileges and mount a tmpfs: run them as root (as CI does)"
    );
}

/// The command failed cleanly: exit 2 (the piped REPL: 1, its exit for "a line was answered with
/// an error", the session going on), an error naming the target and `reason`, every target
/// with its old bytes, and no other file in `dir`.
fn assert_refused(case: &Case, out: &std::process::Output, dir: &Path, reason: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{}: panicked: {stderr}", case.name);
    let code = if case.name.starts_with("repl") { 1 } else { 2 };
    assert_eq!(out.status.code(), Some(code), "{}: {stderr}", case.name);
    assert!(
        stderr.contains(reason),
        "{}: the error lacks {reason:?}: {stderr}",
        case.name
    );
    // the path: the target's, or the folder's for `man --dir`
    let named = case
        .old
        .iter()
        .any(|(name, _)| stderr.contains(&format!("{}", dir.join(name).display())));
    assert!(named, "{}: the error does not name the file: {stderr}", case.name);
    for (name, old) in &case.old {
        assert_eq!(
            &std::fs::read(dir.join(name)).unwrap(),
            old,
            "{}: {name} changed",
            case.name
        );
    }
    assert_eq!(entries(dir), sorted_names(case), "{}: a stray file was left", case.name);
}

#[test]
fn a_folder_the_process_may_not_write_changes_nothing() {
    require_root();
    require("setpriv", "util-linux");
    let root = tempfile::tempdir().unwrap();
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    for case in cases() {
        let dir = root.path().join(case.name.replace([' ', '-', ':'], "_"));
        std::fs::create_dir(&dir).unwrap();
        reset(&case, &dir);
        // the files themselves are writable by anyone: only the folder refuses
        for (name, _) in &case.old {
            std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o666)).unwrap();
        }
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let pre = ["--reuid=65534", "--regid=65534", "--clear-groups", BIN];
        let out = spawn("setpriv", &pre, &case, &dir).wait_with_output().unwrap();
        assert_refused(&case, &out, &dir, "Permission denied");
    }
}

#[test]
fn a_full_disk_changes_nothing() {
    require_root();
    require("unshare", "util-linux");
    require("mount", "util-linux (mount)");
    let root = tempfile::tempdir().unwrap();
    for case in cases() {
        let slug = case.name.replace([' ', '-', ':'], "_");
        // the old files, copied onto the tmpfs; what the tmpfs holds after the run, copied out
        let seed = root.path().join(format!("{slug}-seed"));
        let after = root.path().join(format!("{slug}-after"));
        let mnt = root.path().join(&slug);
        for d in [&seed, &after, &mnt] {
            std::fs::create_dir(d).unwrap();
        }
        reset(&case, &seed);
        // in a private mount namespace: a 64 MiB tmpfs on `mnt`, the old files, then a filler
        // that takes every free block; run the command; drop the filler and copy out the rest
        let script = r#"
            set -u
            mnt="$1"; seed="$2"; after="$3"; shift 3
            mount -t tmpfs -o size=64m tmpfs "$mnt" || { echo "mount -t tmpfs failed" >&2; exit 97; }
            cp -a "$seed"/. "$mnt"/ || exit 98
            dd if=/dev/zero of="$mnt/.filler" bs=4096 2>/dev/null
            [ "$(df --output=avail "$mnt" | tail -1 | tr -d ' ')" = 0 ] || { echo "the tmpfs is not full" >&2; exit 99; }
            "$@"
            code=$?
            rm -f "$mnt/.filler"
            cp -a "$mnt"/. "$after"/ || exit 98
            exit $code
        "#;
        let pre = [
            "-m",
            "--propagation",
            "private",
            "sh",
            "-c",
            script,
            "sh",
            s(&mnt),
            s(&seed),
            s(&after),
            BIN,
        ];
        let out = spawn("unshare", &pre, &case, &mnt).wait_with_output().unwrap();
        let code = out.status.code();
        assert!(
            !matches!(code, Some(97..=99)),
            "{}: could not set up a full tmpfs in a private mount namespace (`unshare -m` and \
             `mount -t tmpfs` need root and CAP_SYS_ADMIN): {}",
            case.name,
            String::from_utf8_lossy(&out.stderr)
        );
        // the error names the path as the command saw it (on the tmpfs); the bytes are checked
        // in the copy taken before the namespace went away
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            case.old.iter().any(|(name, _)| stderr.contains(s(&mnt.join(name)))),
            "{}: the error does not name the file: {stderr}",
            case.name
        );
        let renamed = std::process::Output {
            status: out.status,
            stdout: out.stdout.clone(),
            stderr: stderr.replace(s(&mnt), s(&after)).into_bytes(),
        };
        assert_refused(&case, &renamed, &after, "No space left on device");
    }
}
