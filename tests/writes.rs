//! Safe writes ([`entitle::atomic_write`], used by `fmt --write`, `import`, `import-users`,
//! REPL `:save` and `gen -o`): symlinks are written through, permissions are kept, a failed
//! write changes nothing and leaves no temporary file. (Killed writers, a full disk and a
//! folder the process may not write are in `kill_writes.rs`.)
//!
//! What these tests cannot see, checked with strace: on Linux the new file is opened with
//! `O_TMPFILE` (no name while it is written), created with the target's mode and given exactly
//! that mode by `fchmod` (and the owner by `fchown`) before the first byte is written, fsynced,
//! then linked straight to its name (a new file) or linked to `.NAME.XXXXXX` and renamed over
//! the target by the next call, synced again and the folder fsynced.
//!
//! The commands that write (`fmt --write`, REPL `:save`, `gen -o`) on a disk that refuses the
//! bytes (`ulimit -f 0`, which fails a write with EFBIG even for root), onto a folder, and into
//! a folder that does not exist: a clear error, exit 2, the original untouched, nothing left
//! beside it (`commands` below).

#![cfg(unix)]

use entitle::atomic_write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

mod common;
#[cfg(feature = "cli")]
#[path = "common/guarded.rs"]
mod guarded;

use common::entries;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).unwrap().file_type().is_symlink()
}

#[test]
fn a_symlink_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.ent");
    std::fs::write(&real, "old\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    // a relative link, and a link to that link
    let link = dir.path().join("link.ent");
    std::os::unix::fs::symlink("real.ent", &link).unwrap();
    let chain = dir.path().join("chain.ent");
    std::os::unix::fs::symlink(&link, &chain).unwrap();
    let before = entries(dir.path());

    atomic_write(&link, b"through the link\n").unwrap();
    assert!(is_symlink(&link), "the link was replaced by a file");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("real.ent"));
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "through the link\n");
    assert_eq!(mode(&real), 0o640);

    atomic_write(&chain, b"through two links\n").unwrap();
    assert!(is_symlink(&chain) && is_symlink(&link));
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "through two links\n");
    assert_eq!(entries(dir.path()), before, "a file was added or removed");
}

#[test]
fn a_link_into_another_folder_and_a_dangling_link() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("policies");
    std::fs::create_dir(&sub).unwrap();
    let real = sub.join("real.ent");
    std::fs::write(&real, "old\n").unwrap();
    let link = dir.path().join("link.ent");
    std::os::unix::fs::symlink("policies/real.ent", &link).unwrap();
    atomic_write(&link, b"new\n").unwrap();
    assert!(is_symlink(&link));
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "new\n");
    assert_eq!(entries(&sub), ["real.ent"]);

    // a link whose target does not exist yet: the target is created, as `echo > link` does
    let dangling = dir.path().join("dangling.ent");
    std::os::unix::fs::symlink("policies/later.ent", &dangling).unwrap();
    atomic_write(&dangling, b"created\n").unwrap();
    assert!(is_symlink(&dangling));
    assert_eq!(std::fs::read_to_string(sub.join("later.ent")).unwrap(), "created\n");
    assert_eq!(entries(&sub), ["later.ent", "real.ent"]);
}

#[cfg(feature = "cli")]
#[test]
fn fmt_write_through_a_symlink_formats_the_real_file() {
    use common::entitle;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.ent");
    let messy = "product   B;product A\ncountry US {default deny  allow A}\n";
    std::fs::write(&real, messy).unwrap();
    let link = dir.path().join("link.ent");
    std::os::unix::fs::symlink("real.ent", &link).unwrap();
    let link = link.to_str().unwrap();

    let canonical = entitle(&["fmt", link]);
    assert_eq!(canonical.code, 0, "{}", canonical.stderr);
    assert_ne!(canonical.stdout, messy, "the test policy must need formatting");
    let written = entitle(&["fmt", "--write", link]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(is_symlink(Path::new(link)), "fmt --write replaced the link");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), canonical.stdout);
    assert_eq!(entitle(&["fmt", "--check", link]).code, 0);
    assert_eq!(entries(dir.path()), ["link.ent", "real.ent"]);
}

#[test]
fn permissions_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    for m in [0o600, 0o644, 0o640, 0o400, 0o755] {
        let p = dir.path().join(format!("p{m:o}.ent"));
        std::fs::write(&p, "old\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
        atomic_write(&p, b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
        assert_eq!(mode(&p), m, "mode of a {m:o} file after a write");
    }
}

/// A new file gets the default mode, `0666 & !umask` (set in a child shell: the umask is
/// per process, and these tests share theirs).
#[cfg(feature = "cli")]
#[test]
fn a_new_file_gets_the_default_mode() {
    let dir = tempfile::tempdir().unwrap();
    for (umask, expected) in [("027", 0o640), ("077", 0o600), ("022", 0o644)] {
        let p = dir.path().join(format!("new{umask}.ent"));
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask}; exec \"$0\" gen --users 3 -o \"$1\""))
            .arg(env!("CARGO_BIN_EXE_entitle"))
            .arg(&p)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(mode(&p), expected, "umask {umask}");
    }
}

#[test]
fn a_failed_write_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let keep = dir.path().join("keep.ent");
    std::fs::write(&keep, "the original\n").unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("inside.ent"), "x\n").unwrap();
    let before = entries(dir.path());

    // the target is a folder
    let e = atomic_write(&sub, b"new\n").unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::IsADirectory, "{e}");
    assert!(sub.is_dir());
    assert_eq!(entries(&sub), ["inside.ent"]);
    // ... also through a link
    let link = dir.path().join("to-sub");
    std::os::unix::fs::symlink("sub", &link).unwrap();
    assert!(atomic_write(&link, b"new\n").is_err());
    assert!(is_symlink(&link) && sub.is_dir());
    std::fs::remove_file(&link).unwrap();
    // a folder that does not exist
    let e = atomic_write(&dir.path().join("none/x.ent"), b"new\n").unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound, "{e}");
    // a path under a file
    assert!(atomic_write(&keep.join("x.ent"), b"new\n").is_err());
    // a loop of links
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::os::unix::fs::symlink("b", &a).unwrap();
    std::os::unix::fs::symlink("a", &b).unwrap();
    assert!(atomic_write(&a, b"new\n").is_err());
    assert!(is_symlink(&a) && is_symlink(&b));
    std::fs::remove_file(&a).unwrap();
    std::fs::remove_file(&b).unwrap();

    assert_eq!(std::fs::read_to_string(&keep).unwrap(), "the original\n");
    assert_eq!(entries(dir.path()), before, "a temporary file was left");
}

/// A process killed between linking its new file to `.NAME.XXXXXX` and renaming it over NAME
/// (a window Linux cannot close, see `src/write.rs`) leaves that name behind: the next write of
/// NAME removes it, and nothing else.
#[cfg(target_os = "linux")]
#[test]
fn the_next_write_removes_what_a_killed_write_left() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.ent");
    std::fs::write(&p, "old\n").unwrap();
    for name in [".p.ent.aB3xY9", ".p.ent.000000"] {
        std::fs::write(dir.path().join(name), "new\n").unwrap();
    }
    // not leftovers of p.ent: another length, other characters, another file's, a folder
    let keep = [
        ".p.ent.swp",
        ".p.ent.abc12",
        ".p.ent.abc-12",
        ".q.ent.aB3xY9",
        "p.ent.aB3xY9",
    ];
    for name in keep {
        std::fs::write(dir.path().join(name), "keep\n").unwrap();
    }
    std::fs::create_dir(dir.path().join(".p.ent.folder")).unwrap();
    atomic_write(&p, b"newer\n").unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "newer\n");
    let mut expected: Vec<String> = keep.iter().map(|s| s.to_string()).collect();
    expected.push(".p.ent.folder".into());
    expected.push("p.ent".into());
    expected.sort();
    assert_eq!(entries(dir.path()), expected);
}

/// The commands that write, run as a user would run them.
#[cfg(feature = "cli")]
mod commands {
    use super::common::entries;
    use super::guarded::*;

    const POLICY: &str = "product Bridge\nproduct Survey\ncountry US { default deny  allow Survey }\n\
                          group Roads in US { allowed Bridge }\nuser kim@x.io { country US  groups Roads }\n";

    const MESSY: &str = "product   B;product A\ncountry US {default deny  allow A}\n";

    #[test]
    fn fmt_write_is_atomic() {
        let dir = tempfile::tempdir().unwrap();
        // a big messy file, so that the canonical text is larger than the write limit
        let mut messy = String::new();
        for i in 0..400 {
            messy.push_str(&format!("product   P{i};"));
        }
        messy.push('\n');
        let p = write(dir.path(), "messy.ent", &messy);
        let before = entries(dir.path());
        let o = entitle_fsize(0, &["fmt", "--write", s(&p)], None, HANG_GUARD);
        assert_outcome(&o, 2, &["cannot write", "messy.ent", "the file is unchanged"]);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), messy, "the original changed");
        assert_eq!(entries(dir.path()), before, "a temporary file was left");
        if !is_root() {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
            let o = entitle(&["fmt", "--write", s(&p)], HANG_GUARD);
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            assert_outcome(&o, 2, &["cannot write", "the file is unchanged"]);
            assert_eq!(std::fs::read_to_string(&p).unwrap(), messy);
            assert_eq!(entries(dir.path()), before);
        }
        // and when it can write: the canonical text, the file's permissions kept, nothing left
        let p = write(dir.path(), "small.ent", MESSY);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        let before = entries(dir.path());
        assert_outcome(&entitle(&["fmt", "--write", s(&p)], HANG_GUARD), 0, &[]);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            // the author's layout kept: no blank line added, the block on one line
            "product B\nproduct A\ncountry US { default deny  allow A }\n"
        );
        assert_eq!(entries(dir.path()), before);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
        }
    }

    #[test]
    fn repl_save_is_atomic() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "p.ent", POLICY);
        let target = write(dir.path(), "out.ent", "# the original\n");
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let before = entries(dir.path());
        let t = HANG_GUARD;
        // onto an existing file, on a disk that refuses the bytes
        let script = format!("set default US allow\n:save {}\n", s(&target));
        let o = entitle_fsize(0, &["repl", s(&p)], Some(&script), t);
        assert!(!o.timed_out && !o.stderr.contains("panicked"), "{}", o.stderr);
        assert!(
            o.stderr.contains("cannot write") && o.stderr.contains("nothing was written"),
            "{}",
            o.stderr
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "# the original\n");
        assert_eq!(entries(dir.path()), before, "a temporary file was left");
        // onto a directory, and into a folder that does not exist
        let script = format!(":save {}\n:save {}\n", s(&sub), s(&dir.path().join("none/x.ent")));
        let o = entitle_stdin(&["repl", s(&p)], &script, t);
        assert_eq!(o.stderr.matches("cannot write").count(), 2, "{}", o.stderr);
        assert!(
            o.stderr.contains("Is a directory") || o.stderr.contains("is a directory"),
            "{}",
            o.stderr
        );
        assert_eq!(entries(dir.path()), before);
        assert!(entries(&sub).is_empty());
        // and when it can write
        let script = format!("set default US allow\n:save {}\n", s(&target));
        let o = entitle_stdin(&["repl", s(&p)], &script, t);
        assert!(o.stdout.contains("saved"), "{}\n{}", o.stdout, o.stderr);
        let saved = std::fs::read_to_string(&target).unwrap();
        assert!(saved.contains("default allow"), "{saved}");
        assert_eq!(entries(dir.path()), before);
    }

    #[test]
    fn gen_output_is_atomic() {
        let dir = tempfile::tempdir().unwrap();
        let target = write(dir.path(), "org.ent", "# the original\n");
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let before = entries(dir.path());
        let t = HANG_GUARD;
        let o = entitle_fsize(0, &["gen", "--users", "50", "-o", s(&target)], None, t);
        assert_outcome(&o, 2, &["cannot write"]);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "# the original\n");
        assert_eq!(entries(dir.path()), before, "a temporary file was left");
        assert_outcome(
            &entitle(&["gen", "--users", "5", "-o", s(&sub)], t),
            2,
            &["cannot write"],
        );
        assert!(entries(&sub).is_empty());
        assert_outcome(
            &entitle(&["gen", "--users", "5", "-o", s(&dir.path().join("none/x.ent"))], t),
            2,
            &["cannot write"],
        );
        assert_eq!(entries(dir.path()), before);
        assert_outcome(&entitle(&["gen", "--users", "5", "-o", s(&target)], t), 0, &[]);
        assert!(entitle::Policy::from_path(&target).is_ok());
        assert_eq!(entries(dir.path()), before);
    }
}
