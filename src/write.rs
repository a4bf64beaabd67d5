//! Safe file writes: every file `entitle` writes (`fmt --write`, `import`, `import-users`,
//! REPL `:save`, `gen -o`, `report -o`, `test --junit`, `init`, `man --dir`, every `-o`) goes
//! through [`atomic_write`].
//!
//! The bytes go to a new file in the target's folder, which replaces the target only once
//! every byte is on disk, so a reader sees either the old file or the new one, never half of
//! each.
//!
//! On Linux the new file is opened with `O_TMPFILE`: it has no name while it is written and
//! synced, so a process killed then (or a failed write: a full disk) leaves nothing behind.
//! A new target is then linked straight to its name (one system call: nothing to leave). An
//! existing one cannot be replaced by an unnamed file in one call, so the file is linked to a
//! `.NAME.XXXXXX` name and renamed over the target by the very next system call; only a
//! SIGKILL landing between those two calls (or while the first one runs) can leave that name
//! behind, holding the complete new content, with the target still whole and old. Linux has
//! no call that links a file over an existing name, so that window cannot be closed; the next
//! write of the same target removes such a leftover. (The
//! [`atomic_write_file`] crate, used before and still used where `O_TMPFILE` is not supported,
//! syncs the file again between the two, a window of milliseconds that `tests/kill_writes.rs`
//! hit; here the file is synced before it is linked, and once more after the rename for file
//! systems that ignore a sync of an unnamed file.) Then the folder is synced.
//!
//! Elsewhere, and on Linux file systems without `O_TMPFILE`, the crate writes a named
//! `.NAME.XXXXXX` file beside the target, removed on every error (but not when the process is
//! killed), fsyncs it, renames it over the target and fsyncs the folder.
//!
//! What this module adds to a plain rename:
//! - **Symlinks are followed**: a link to a policy is written through, so the real file gets
//!   the bytes and the link stays a link (a rename would replace the link itself).
//! - **Permissions from the start**: the new file is created with at most the target's mode
//!   (then set to exactly that mode, before any byte is written), so a 0600 policy is never
//!   readable by others, not even while empty; it keeps the target's owner where the process
//!   may set it. A new file gets `0666 & !umask`.
//! - **A directory is refused before anything is created.**

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Write `bytes` to `path` atomically: a failed write leaves the original bytes untouched and
/// no temporary file. A symlink is written through (its final target gets the bytes, the link
/// stays); an existing file keeps its permissions (and its owner where the process may keep
/// it); the folder is synced after the new file takes the target's place.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    atomic_write_with(path, |w| w.write_all(bytes))
}

/// [`atomic_write`] of what `fill` writes (a large file made as it is written is never whole
/// in memory). An error from `fill` is an error of the write: the target is left as it was.
/// `fill` may be called again after a first attempt was abandoned (a file system without
/// `O_TMPFILE` found only once the file is written): each call writes the whole content.
pub fn atomic_write_with(path: &Path, mut fill: impl FnMut(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let target = final_target(path)?;
    #[cfg(target_os = "linux")]
    {
        let existing = match std::fs::metadata(&target) {
            Ok(meta) if meta.is_dir() => return Err(io::Error::from(io::ErrorKind::IsADirectory)),
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        match linux::write(&target, existing.as_ref(), &mut fill) {
            Ok(linux::Done::Written) => return Ok(()),
            // no `O_TMPFILE` on this file system (or no /proc): nothing was created
            Ok(linux::Done::Unsupported) => {}
            Err(e) => return Err(e),
        }
    }
    let mut options = atomic_write_file::OpenOptions::new();
    match std::fs::metadata(&target) {
        Ok(meta) if meta.is_dir() => return Err(io::Error::from(io::ErrorKind::IsADirectory)),
        // Created with (at most, after the umask) the target's mode; the crate then sets the
        // exact mode on the still-empty file.
        #[cfg(unix)]
        Ok(meta) => {
            use std::os::unix::fs::OpenOptionsExt as _;
            use std::os::unix::fs::PermissionsExt as _;
            options.mode(meta.permissions().mode() & 0o7777);
        }
        #[cfg(not(unix))]
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut file = options.open(&target)?;
    fill(&mut file)?;
    // On error, dropping the file discards it.
    file.commit()
}

/// Follow `path` while it is a symlink (relative links are relative to the link's folder), so
/// that a dangling link too is written through: `echo > link` creates the link's target.
fn final_target(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    // as many links as Linux follows before ELOOP
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            }
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(path),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

#[cfg(target_os = "linux")]
mod linux {
    //! `O_TMPFILE`, `linkat` and `renameat` (see the module documentation), through `rustix`.

    use rustix::fs::{AtFlags, OFlags};
    use std::ffi::OsStr;
    use std::fs::{File, Metadata, OpenOptions, Permissions};
    use std::io::{self, Write};
    use std::os::unix::ffi::{OsStrExt as _, OsStringExt as _};
    use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _};
    use std::os::unix::io::AsRawFd as _;
    use std::path::{Path, PathBuf};

    pub(super) enum Done {
        Written,
        /// Nothing was created: the caller writes another way.
        Unsupported,
    }

    fn flags(f: OFlags) -> i32 {
        f.bits() as i32
    }

    /// Give the unnamed file behind `/proc/self/fd/N` a name in `dir`.
    fn link(proc_path: &Path, dir: &File, name: &OsStr) -> io::Result<()> {
        rustix::fs::linkat(rustix::fs::CWD, proc_path, dir, name, AtFlags::SYMLINK_FOLLOW).map_err(io::Error::from)
    }

    /// A name for the moment between the link and the rename: `.NAME.` and six characters.
    fn temporary_name(name: &OsStr, attempt: u32) -> std::ffi::OsString {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let mut x = u64::from(nanos) ^ (u64::from(std::process::id()) << 32) ^ (u64::from(attempt) << 17) | 1;
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let mut out = vec![b'.'];
        out.extend_from_slice(name.as_bytes());
        out.push(b'.');
        // xorshift64*: six letters or digits
        for _ in 0..6 {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            out.push(ALPHABET[(x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as usize % ALPHABET.len()]);
        }
        std::ffi::OsString::from_vec(out)
    }

    /// Whether `entry` is a temporary name of `name`: `.NAME.` and six letters or digits.
    fn is_temporary_of(entry: &[u8], name: &[u8]) -> bool {
        entry.len() == name.len() + 8
            && entry[0] == b'.'
            && &entry[1..=name.len()] == name
            && entry[name.len() + 1] == b'.'
            && entry[name.len() + 2..].iter().all(u8::is_ascii_alphanumeric)
    }

    /// Remove what a process killed between the link and the rename left: a regular file with
    /// a temporary name of `name` (holding a complete new content that never took the
    /// target's place).
    fn remove_leftovers(dir_path: &Path, name: &OsStr) {
        let Ok(entries) = std::fs::read_dir(dir_path) else {
            return;
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            if is_temporary_of(file_name.as_bytes(), name.as_bytes()) && entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    fn no_proc(e: &io::Error) -> bool {
        e.kind() == io::ErrorKind::NotFound && !Path::new("/proc/self/fd").exists()
    }

    pub(super) fn write(
        target: &Path,
        existing: Option<&Metadata>,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<Done> {
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::from(io::ErrorKind::IsADirectory))?;
        let dir_path = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mode = existing.map_or(0o666, |m| m.permissions().mode() & 0o7777);
        // the unnamed file, created with at most the target's mode
        let mut file = match OpenOptions::new()
            .write(true)
            .mode(mode)
            .custom_flags(flags(OFlags::TMPFILE | OFlags::CLOEXEC))
            .open(dir_path)
        {
            Ok(f) => f,
            // the file system has no O_TMPFILE (EOPNOTSUPP), or the kernel (EISDIR)
            Err(e)
                if e.raw_os_error() == Some(rustix::io::Errno::OPNOTSUPP.raw_os_error())
                    || e.raw_os_error() == Some(rustix::io::Errno::ISDIR.raw_os_error()) =>
            {
                return Ok(Done::Unsupported)
            }
            Err(e) => return Err(e),
        };
        if let Some(meta) = existing {
            // exactly the target's mode (the umask took bits away), and its owner where the
            // process may give it (root may; others keep their own)
            file.set_permissions(Permissions::from_mode(mode))?;
            let _ = std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid()));
        }
        fill(&mut file)?;
        file.sync_all()?;
        let dir = OpenOptions::new()
            .read(true)
            .custom_flags(flags(OFlags::DIRECTORY | OFlags::CLOEXEC))
            .open(dir_path)?;
        remove_leftovers(dir_path, name);
        let proc_path = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
        // a new file: its name at once, in one call
        if existing.is_none() {
            match link(&proc_path, &dir, name) {
                Ok(()) => {
                    dir.sync_all()?;
                    return Ok(Done::Written);
                }
                // created meanwhile: replace it as below
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) if no_proc(&e) => return Ok(Done::Unsupported),
                Err(e) => return Err(e),
            }
        }
        // an existing file: a temporary name, renamed over the target by the next call
        let mut attempt = 0;
        let temporary = loop {
            let candidate = temporary_name(name, attempt);
            match link(&proc_path, &dir, &candidate) {
                Ok(()) => break candidate,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
                Err(e) if no_proc(&e) => return Ok(Done::Unsupported),
                Err(e) => return Err(e),
            }
        };
        if let Err(e) = rustix::fs::renameat(&dir, &temporary, &dir, name) {
            let _ = rustix::fs::unlinkat(&dir, &temporary, AtFlags::empty());
            return Err(e.into());
        }
        // some file systems (btrfs) ignore a sync of an unnamed file: sync it again now that it
        // has its name, then the folder
        file.sync_data()?;
        dir.sync_all()?;
        Ok(Done::Written)
    }
}
