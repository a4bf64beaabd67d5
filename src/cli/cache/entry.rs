//! The layout of a cache entry, made so that a question about one principal reads a few
//! kilobytes of it rather than decoding the whole model (on 1,000,000 users the whole model is
//! about 140 MB of entry and most of a second to decode).
//!
//! ```text
//! header   magic "entitle\x03", then five u64 (little endian): where the core starts, the
//!          number of users, the number of keys, where the name index starts, where the
//!          records start
//! core     postcard: everything in the model but its users and keys (account, products,
//!          countries, groups, their name indexes, the fallback country, the global list)
//! index    users + keys entries of 16 bytes, sorted: the XXH3-64 of the name in lower case,
//!          then the principal (u64: 0 for a user or 1 for a key in the high 32 bits, its id in
//!          the low 32)
//! records  postcard, one record per user (in id order), then one per key
//! offsets  users + keys + 1 u64, the last bytes of the entry: where each record starts in
//!          `records`, and the end
//! ```
//!
//! Everything before the records has a size known before they are encoded, and the offsets
//! come last, so [`write`] streams the entry: the records are encoded a batch at a time (in
//! parallel) and written, and the entry is never whole in memory (on 1,000,000 users it is
//! about 120 MB).
//!
//! [`decode`] reads the whole model (its records in parallel); [`decode_one`] finds a principal
//! in the index by binary search, reads its record and the core, and gives a model holding that
//! principal alone (with id 0): every answer about one principal (`check`, `access`, `can`) is
//! the same from it as from the whole model, which `tests/cache.rs` checks on every scenario.

use crate::model::{
    same_key, Account, Country, CountryId, Group, GroupId, Key, KeyId, Model, NameKey, Product, ProductId, User, UserId,
};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::io;

const MAGIC: &[u8; 8] = b"entitle\x03";
/// The header: the magic and five u64.
const HEADER: usize = 8 + 5 * 8;
const USER: u64 = 0;
const KEY: u64 = 1;

/// The model without its principals (borrowed, to write).
#[derive(Serialize)]
struct CoreRef<'a> {
    account: &'a Option<Account>,
    products: &'a Vec<Product>,
    countries: &'a Vec<Country>,
    groups: &'a Vec<Group>,
    product_index: &'a HashMap<String, ProductId>,
    country_index: &'a HashMap<String, CountryId>,
    group_index: &'a HashMap<String, GroupId>,
    profile_index: &'a HashMap<String, CountryId>,
    fallback: &'a Option<CountryId>,
    global: &'a Vec<bool>,
}

/// The model without its principals (owned, read back).
#[derive(Deserialize)]
struct Core {
    account: Option<Account>,
    products: Vec<Product>,
    countries: Vec<Country>,
    groups: Vec<Group>,
    product_index: HashMap<String, ProductId>,
    country_index: HashMap<String, CountryId>,
    group_index: HashMap<String, GroupId>,
    profile_index: HashMap<String, CountryId>,
    fallback: Option<CountryId>,
    global: Vec<bool>,
}

impl Core {
    fn into_model(self, users: Vec<User>, keys: Vec<Key>) -> Model {
        let user_index = users
            .iter()
            .enumerate()
            .map(|(i, u)| (NameKey::of(&u.email).to_string(), UserId(i as u32)))
            .collect();
        let key_index = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (NameKey::of(&k.name).to_string(), KeyId(i as u32)))
            .collect();
        Model {
            account: self.account,
            products: self.products,
            countries: self.countries,
            groups: self.groups,
            users,
            keys,
            product_index: self.product_index,
            country_index: self.country_index,
            group_index: self.group_index,
            user_index,
            key_index,
            profile_index: self.profile_index,
            fallback: self.fallback,
            global: self.global,
        }
    }
}

fn name_hash(name: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(NameKey::of(name).as_bytes())
}

/// Records encoded per part of the entry: a part is one `write`.
const PART: usize = 4096;
/// Parts encoded in parallel before they are written.
const BATCH: usize = 16;

/// Records one after another, and the length of each.
fn encode_records<T: Serialize>(items: &[T]) -> io::Result<(Vec<u8>, Vec<u64>)> {
    let mut bytes = vec![];
    let mut lens = Vec::with_capacity(items.len());
    for item in items {
        let before = bytes.len();
        bytes = postcard::to_extend(item, bytes).map_err(io::Error::other)?;
        lens.push((bytes.len() - before) as u64);
    }
    Ok((bytes, lens))
}

/// Write the records of `items` a batch of parts at a time, adding each one's length.
fn write_records<T: Serialize + Sync>(items: &[T], w: &mut dyn io::Write, lens: &mut Vec<u64>) -> io::Result<()> {
    for batch in items.chunks(PART * BATCH) {
        let parts: Vec<(Vec<u8>, Vec<u64>)> = batch.par_chunks(PART).map(encode_records).collect::<io::Result<_>>()?;
        for (bytes, part_lens) in parts {
            w.write_all(&bytes)?;
            lens.extend(part_lens);
        }
    }
    Ok(())
}

/// Write the entry of `model` to `w` (see the layout above).
pub fn write(model: &Model, w: &mut dyn io::Write) -> io::Result<()> {
    let core = postcard::to_stdvec(&CoreRef {
        account: &model.account,
        products: &model.products,
        countries: &model.countries,
        groups: &model.groups,
        product_index: &model.product_index,
        country_index: &model.country_index,
        group_index: &model.group_index,
        profile_index: &model.profile_index,
        fallback: &model.fallback,
        global: &model.global,
    })
    .map_err(io::Error::other)?;
    let n = model.users.len() + model.keys.len();
    let index_at = HEADER + core.len();
    let records_at = index_at + n * 16;
    let mut head = Vec::with_capacity(HEADER + core.len());
    head.extend_from_slice(MAGIC);
    for v in [HEADER, model.users.len(), model.keys.len(), index_at, records_at] {
        head.extend_from_slice(&(v as u64).to_le_bytes());
    }
    head.extend_from_slice(&core);
    w.write_all(&head)?;
    drop((head, core));
    let mut index: Vec<(u64, u64)> = model
        .users
        .par_iter()
        .enumerate()
        .map(|(i, u)| (name_hash(&u.email), USER << 32 | i as u64))
        .chain(
            model
                .keys
                .par_iter()
                .enumerate()
                .map(|(i, k)| (name_hash(&k.name), KEY << 32 | i as u64)),
        )
        .collect();
    index.par_sort_unstable();
    for entries in index.chunks(PART) {
        let bytes: Vec<u8> = entries
            .iter()
            .flat_map(|&(h, p)| h.to_le_bytes().into_iter().chain(p.to_le_bytes()))
            .collect();
        w.write_all(&bytes)?;
    }
    drop(index);
    let mut lens = Vec::with_capacity(n);
    write_records(&model.users, w, &mut lens)?;
    write_records(&model.keys, w, &mut lens)?;
    let mut at = 0u64;
    for chunk in lens.chunks(PART) {
        let mut bytes = Vec::with_capacity((chunk.len() + 1) * 8);
        for len in chunk {
            bytes.extend_from_slice(&at.to_le_bytes());
            at += len;
        }
        w.write_all(&bytes)?;
    }
    w.write_all(&at.to_le_bytes())
}

/// The entry of `model` as bytes (what [`write`] writes).
pub fn encode(model: &Model) -> io::Result<Vec<u8>> {
    let mut bytes = vec![];
    write(model, &mut bytes)?;
    Ok(bytes)
}

/// Where an entry is read from: its bytes, or a file read piece by piece.
pub trait Source {
    /// `len` bytes at `at`, exactly.
    fn read_at(&mut self, at: u64, len: usize) -> io::Result<Vec<u8>>;
    /// The size in bytes.
    fn size(&mut self) -> io::Result<u64>;
}

impl Source for &[u8] {
    fn read_at(&mut self, at: u64, len: usize) -> io::Result<Vec<u8>> {
        usize::try_from(at)
            .ok()
            .and_then(|at| self.get(at..at.checked_add(len)?))
            .map(<[u8]>::to_vec)
            .ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))
    }
    fn size(&mut self) -> io::Result<u64> {
        Ok(self.len() as u64)
    }
}

impl Source for std::fs::File {
    fn read_at(&mut self, at: u64, len: usize) -> io::Result<Vec<u8>> {
        use std::io::{Read, Seek, SeekFrom};
        self.seek(SeekFrom::Start(at))?;
        let mut buf = vec![0; len];
        self.read_exact(&mut buf)?;
        Ok(buf)
    }
    fn size(&mut self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }
}

/// The header, checked against the entry's size.
struct Header {
    core: u64,
    users: u64,
    keys: u64,
    index: u64,
    records: u64,
    /// Where the offsets start (the entry's last `(users + keys + 1) * 8` bytes).
    offsets: u64,
    size: u64,
}

impl Header {
    fn read(src: &mut impl Source) -> Option<Header> {
        let size = src.size().ok()?;
        let b = src.read_at(0, HEADER).ok()?;
        if &b[..8] != MAGIC {
            return None;
        }
        let v = |i: usize| u64::from_le_bytes(b[8 + i * 8..16 + i * 8].try_into().unwrap());
        let (users, keys) = (v(1), v(2));
        let n = users.checked_add(keys)?;
        let h = Header {
            core: v(0),
            users,
            keys,
            index: v(3),
            records: v(4),
            offsets: size.checked_sub(n.checked_add(1)?.checked_mul(8)?)?,
            size,
        };
        let whole =
            h.core <= h.index && h.index.checked_add(n.checked_mul(16)?)? == h.records && h.records <= h.offsets;
        if !whole {
            return None;
        }
        // the last offset, written last, is where the records end: where the offsets start
        // (an entry cut short, or grown, does not add up)
        let end = u64_at(&src.read_at(size - 8, 8).ok()?, 0);
        (h.records.checked_add(end)? == h.offsets).then_some(h)
    }

    fn count(&self) -> u64 {
        self.users + self.keys
    }
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap())
}

/// The whole model of an entry; `None` when it does not read back whole.
pub fn decode(mut src: impl Source) -> Option<Model> {
    let h = Header::read(&mut src)?;
    let all = src.read_at(0, usize::try_from(h.size).ok()?).ok()?;
    let core: Core = postcard::from_bytes(&all[h.core as usize..h.index as usize]).ok()?;
    let offsets = &all[h.offsets as usize..];
    let records = &all[h.records as usize..h.offsets as usize];
    let record = |i: usize| -> Option<&[u8]> {
        let (a, b) = (u64_at(offsets, i), u64_at(offsets, i + 1));
        records.get(usize::try_from(a).ok()?..usize::try_from(b).ok()?)
    };
    let users = h.users as usize;
    let decoded_users: Vec<User> = (0..users)
        .into_par_iter()
        .map(|i| postcard::from_bytes(record(i)?).ok())
        .collect::<Option<_>>()?;
    let keys: Vec<Key> = (users..h.count() as usize)
        .into_par_iter()
        .map(|i| postcard::from_bytes(record(i)?).ok())
        .collect::<Option<_>>()?;
    Some(core.into_model(decoded_users, keys))
}

/// What [`decode_one`] found.
pub enum One {
    /// The principal, alone in a model that is otherwise whole.
    Found(Box<Model>),
    /// The entry has no principal of that name.
    Missing,
}

/// The model of an entry with the principal `name` (a user's email or a key's id, in any case)
/// as its only principal; `None` when the entry does not read back whole.
pub fn decode_one(mut src: impl Source, name: &str) -> Option<One> {
    let h = Header::read(&mut src)?;
    let want = name_hash(name);
    let entry = |src: &mut dyn Source, i: u64| -> Option<(u64, u64)> {
        let b = src.read_at(h.index + i * 16, 16).ok()?;
        Some((u64_at(&b, 0), u64_at(&b, 1)))
    };
    // the first index entry whose hash is not below the one wanted
    let (mut lo, mut hi) = (0u64, h.count());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if entry(&mut src, mid)?.0 < want {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    // every entry with that hash, until the name matches
    for i in lo..h.count() {
        let (hash, p) = entry(&mut src, i)?;
        if hash != want {
            break;
        }
        let (kind, id) = (p >> 32, p & 0xffff_ffff);
        let slot = if kind == USER { id } else { h.users + id };
        if slot >= h.count() {
            return None;
        }
        let b = src.read_at(h.offsets + slot * 8, 16).ok()?;
        let (a, z) = (u64_at(&b, 0), u64_at(&b, 1));
        // (a damaged offset must not ask for more than the records hold)
        if a > z || h.records.checked_add(z)? > h.offsets {
            return None;
        }
        let bytes = src.read_at(h.records + a, usize::try_from(z - a).ok()?).ok()?;
        let (users, keys) = if kind == USER {
            let u: User = postcard::from_bytes(&bytes).ok()?;
            (vec![u], vec![])
        } else {
            let k: Key = postcard::from_bytes(&bytes).ok()?;
            (vec![], vec![k])
        };
        let found = users.first().map(|u| &u.email).or(keys.first().map(|k| &k.name));
        if found.is_some_and(|n| same_key(n, name)) {
            let b = src.read_at(h.core, usize::try_from(h.index - h.core).ok()?).ok()?;
            let core: Core = postcard::from_bytes(&b).ok()?;
            return Some(One::Found(Box::new(core.into_model(users, keys))));
        }
    }
    Some(One::Missing)
}
