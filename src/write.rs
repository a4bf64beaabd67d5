//! Safe file writes: every file `entitle` writes (`fmt --write`, `import`, `import-users`,
//! REPL `:save`, `gen -o`, `report -o`, `test --junit`, `init`, `man --dir`, every `-o`) goes
//! through [`atomic_write`].
//!
//! The bytes go to a new file in the target's folder, which replaces the target only once
//! every byte is on disk, so a reader sees either the old file or the new one, never half of
//! each. The work is done by the [`atomic_write_file`] crate; on Linux (its `unnamed-tmpfile`
//! feature) the new file is opened with `O_TMPFILE` and has no name until it is committed, so
//! even a killed process leaves nothing behind. On file systems without `O_TMPFILE` the crate
//! falls back to a named `.NAME.XXXXXX` file beside the target, removed on every error (but not
//! when the process is killed).
//!
//! What this module adds to the crate:
//! - **Symlinks are followed**: a link to a policy is written through, so the real file gets
//!   the bytes and the link stays a link (the crate would replace the link itself).
//! - **Permissions from the start**: the new file is created with at most the target's mode
//!   (then set to exactly that mode by the crate, before any byte is written), so a 0600 policy
//!   is never readable by others, not even while empty. A new file gets `0666 & !umask`.
//! - **A directory is refused before anything is created**: the crate would only fail at the
//!   final rename, after giving the new file a name, and leave it there.
//!
//! The crate fsyncs the new file before the rename and the folder after it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Write `bytes` to `path` atomically: a failed write leaves the original bytes untouched and
/// no temporary file. A symlink is written through (its final target gets the bytes, the link
/// stays); an existing file keeps its permissions (and its owner where the process may keep
/// it); the folder is synced after the new file takes the target's place.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = final_target(path)?;
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
    file.write_all(bytes)?;
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
