//! The cache of resolved policies, for the repeated question on a large account: `check`,
//! `access`, `can`, `who`, `matrix` and `diff` answer from the resolved model alone, so a
//! policy that loaded without any error or warning is stored, resolved, under a key made of
//! its exact bytes and this tool's version. The next run on the same content reads it back
//! instead of parsing and resolving; a question about one principal (`check`, `access`,
//! `can`) reads only that principal's record and the rest of the model without its
//! principals ([`entry`]): on 1,000,000 users a tenth of a second instead of seconds.
//!
//! - **Never stale**: the key is a 128-bit hash (XXH3) of the version, this executable (its
//!   size and modification time) and the content, so any change of the file, or another
//!   build of `entitle`, misses; an entry that does not
//!   read back whole is ignored (and the policy loaded as usual).
//! - **Only valid policies**: a policy with an error, or whose expectations have errors, is
//!   never stored, so every diagnostic is reported on every run.
//! - **Where**: `$ENTITLE_CACHE_DIR` if set, else the user's cache folder (`$XDG_CACHE_HOME`
//!   or `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) under
//!   `entitle/`. At most [`KEEP`] entries are kept, the least recently written removed first.
//!   `--no-cache` neither reads nor writes it. Entries are written atomically.

use crate::model::Model;
use crate::source::Sources;
use crate::Policy;
use std::path::{Path, PathBuf};

pub mod entry;

/// How many entries the folder keeps.
pub const KEEP: usize = 16;

/// The cache folder in use.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The folder from the environment, or `None` when there is no cache folder.
    pub fn from_env() -> Option<Cache> {
        let dir = match std::env::var_os("ENTITLE_CACHE_DIR") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => dirs::cache_dir()?.join("entitle"),
        };
        Some(Cache { dir })
    }

    /// A cache in `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    /// The entry of content `text` (hashes the whole text: compute it once).
    pub fn entry(&self, text: &str) -> PathBuf {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(&[0]);
        // (the format of the entries: a new layout of the model gets a new key)
        h.update(FORMAT.as_bytes());
        h.update(&[0]);
        // this very build: two builds of one version may resolve differently
        h.update(build_id().as_bytes());
        h.update(&[0]);
        h.update(text.as_bytes());
        self.dir.join(format!("{:032x}.model", h.digest128()))
    }

    /// The policy named `name` with content `text` from the cache `entry` (see
    /// [`Cache::entry`]), if it holds it: a policy whose document is empty (see
    /// [`Policy::from_model`]); else the text back.
    pub fn get(&self, entry: &Path, name: &str, text: String) -> Result<Policy, String> {
        match std::fs::File::open(entry).ok().and_then(entry::decode) {
            Some(model) => Ok(policy(name, text, model)),
            None => Err(text),
        }
    }

    /// The policy of [`Cache::get`] with the principal `principal` as its only principal, read
    /// from the entry without decoding the rest of its principals. `None` when the entry is
    /// missing or damaged, or has no principal of that name (the whole model is then needed,
    /// for the closest name); the text is then given back.
    pub fn get_one(&self, entry: &Path, name: &str, text: String, principal: &str) -> Result<Policy, String> {
        let found = std::fs::File::open(entry)
            .ok()
            .and_then(|f| entry::decode_one(f, principal));
        match found {
            Some(entry::One::Found(model)) => Ok(policy(name, text, *model)),
            _ => Err(text),
        }
    }

    /// Store the resolved `model` of content `text`. Failing to store is not an error: the
    /// cache only saves time.
    pub fn put(&self, entry: &Path, model: &Model) {
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        if crate::write::atomic_write_with(entry, |w| entry::write(model, w)).is_ok() {
            self.trim();
        }
    }

    /// Keep the newest [`KEEP`] entries.
    fn trim(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "model"))
            .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
            .collect();
        if files.len() <= KEEP {
            return;
        }
        files.sort();
        for (_, p) in &files[..files.len() - KEEP] {
            let _ = std::fs::remove_file(p);
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// This executable's size and modification time: a rebuilt binary misses every entry.
fn build_id() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{t}", m.len())
        })
        .unwrap_or_default()
}

/// The layout of an entry; changed with the model's fields.
const FORMAT: &str = "model-3";

fn policy(name: &str, text: String, model: Model) -> Policy {
    let mut sources = Sources::new();
    let file = sources.add(name, text);
    Policy::from_model(sources, file, model)
}
