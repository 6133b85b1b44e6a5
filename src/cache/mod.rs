//! The on-disk token cache: one JSON entry per cache key, atomic writes, a
//! dedicated lock file per key, and the checks that keep a damaged or hostile
//! file from ever being trusted.
//!
//! Readers never lock: writers replace entries with a rename, so a reader sees
//! either the old or the new file, never a partial one.

mod entry;
pub(crate) mod files;
mod handout;
mod lock;

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use hmac::{KeyInit, Mac};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

pub(crate) use entry::MAX_TOKEN;
pub use entry::{Entry, Failure};
pub use files::Distrust;
pub(crate) use files::hex;
use files::{read_in, temp_name, write_atomic_in, write_new_in};
pub use handout::Handout;

use crate::config::Selection;
use crate::flow::Field;
use crate::platform;
use crate::secret::{Secret, SecretSource};

/// Name of the per-cache random key that fingerprints secrets.
const KEY_FILE: &str = "fingerprint.key";

/// What reading a cache file found.
#[derive(Debug)]
pub enum Found<T> {
    Missing,
    Ok(T),
    /// Present but not trustworthy; the reason is for a warning.
    Untrusted(Distrust),
}

/// The cache directory.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    pub dir: PathBuf,
    /// The user's home: the directories above the cache dir are checked up
    /// to it (or up to `/` when the dir lies outside it).
    home: Option<PathBuf>,
    /// The dir as last checked (shared by clones): every file of a key is
    /// named relative to this handle, never through the path again (DESIGN
    /// §5, check before touching).
    held: Arc<Mutex<Held>>,
}

/// What the last check of the cache dir found.
#[derive(Debug, Default)]
enum Held {
    /// Not checked yet.
    #[default]
    Unchecked,
    /// Absent when checked: nothing to read; made by the first write.
    Absent,
    /// The checked dir, held open.
    Open(Arc<platform::Dir>),
    /// It could not be made or used: not used again in this process until
    /// checked anew (the reason, for the message).
    Refused(String),
}

/// The files of one cache key.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub name: String,
    pub entry: PathBuf,
    pub lock: PathBuf,
    pub failure: PathBuf,
}

impl Key {
    /// The key's hand-out log (see [`Handout`]): one JSON line per hand-out.
    pub(crate) fn handouts(&self) -> PathBuf {
        self.entry.with_extension("kube")
    }
}

/// The name of one of a key's files in the cache dir, which it is opened
/// by, relative to the dir held (the path is for messages).
fn file_name(path: &Path) -> &OsStr {
    path.file_name().unwrap_or(OsStr::new("."))
}

impl Cache {
    pub(crate) fn new(dir: &Path) -> Cache {
        Cache {
            dir: platform::plain_path(dir),
            home: None,
            held: Arc::default(),
        }
    }

    /// The cache in `dir`, its trust checked up to `home` (`cache list` and
    /// `cache clear --all`, which need no selection).
    pub(crate) fn of_dir(dir: &Path, home: Option<PathBuf>) -> Cache {
        Cache {
            dir: platform::plain_path(dir),
            home,
            held: Arc::default(),
        }
    }

    /// The cache of a selection, its trust checked up to the user's home.
    pub(crate) fn of(sel: &Selection) -> Cache {
        Cache {
            // Never `dir/`: every open and create below must see a link as one.
            dir: platform::plain_path(&sel.cache_policy.cache_dir),
            home: sel.env.home_dir(),
            held: Arc::default(),
        }
    }

    /// Whether the cache dir may be used at all: absent (it is created when
    /// first written), or a directory of ours, never a symlink, that no one
    /// else can write, under directories no one else can write either. Anyone
    /// who can write the dir can plant entries, locks and links there; a
    /// symlinked dir could have us fill (and chmod) a directory we never meant
    /// to. Checked on every call, the cache hit included; the dir checked is
    /// then held open and used through the handle.
    pub(crate) fn check_dir(&self) -> io::Result<()> {
        let held = match self.open_checked() {
            Ok(Some(dir)) => Held::Open(Arc::new(dir)),
            Ok(None) => Held::Absent,
            Err(e) => {
                *self.state() = Held::Refused(e.to_string());
                return Err(e);
            }
        };
        *self.state() = held;
        Ok(())
    }

    /// The cache dir checked (see [`Cache::check_dir`]) and opened, never
    /// through a link, its owner and mode checked again on the handle;
    /// `None` when absent.
    fn open_checked(&self) -> io::Result<Option<platform::Dir>> {
        let check = || platform::trusted_dir(&self.dir, self.home.as_deref());
        let open = || match platform::Dir::open_own(&self.dir) {
            Ok(dir) => Ok(Some(dir)),
            // Gone since the check: nothing there to use.
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        };
        match check() {
            Ok(()) => open(),
            // Asked only when the check fails: a cache hit pays no extra stat.
            // Absent: where it would be made must be trusted too, or a link
            // planted there before a later write would lead it elsewhere.
            Err(_)
                if std::fs::symlink_metadata(&self.dir)
                    .is_err_and(|e| e.kind() == io::ErrorKind::NotFound) =>
            {
                platform::creatable(&self.dir, self.home.as_deref())
                    .map_err(|e| io::Error::other(e.to_string()))?;
                Ok(None)
            }
            // Absent when checked, there now: a racing process has just made
            // it (concurrent first calls on a cold cache), so what is there
            // now is checked in its turn.
            Err(_) => {
                check().map_err(|u| io::Error::other(u.to_string()))?;
                open()
            }
        }
    }

    fn state(&self) -> MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The checked dir held open, to read from: `None` when it was absent
    /// when checked or is not to be used (checked first if it was not yet).
    fn held_dir(&self) -> Option<Arc<platform::Dir>> {
        if matches!(*self.state(), Held::Unchecked) {
            let _ = self.check_dir();
        }
        match &*self.state() {
            Held::Open(dir) => Some(Arc::clone(dir)),
            _ => None,
        }
    }

    /// The checked dir held open, to write in: made first if it was absent
    /// (see [`Cache::ensure_dir`]).
    fn made_dir(&self) -> io::Result<Arc<platform::Dir>> {
        let mut state = self.state();
        match &*state {
            Held::Open(dir) => {
                // Ours but listable by others: tokens' names are nobody's business.
                dir.keep_private()?;
                return Ok(Arc::clone(dir));
            }
            Held::Refused(why) => return Err(io::Error::other(why.clone())),
            Held::Unchecked | Held::Absent => {}
        }
        match self.make_dir() {
            Ok(dir) => {
                let dir = Arc::new(dir);
                *state = Held::Open(Arc::clone(&dir));
                Ok(dir)
            }
            Err(e) => {
                // Absent when checked and not made now: the cache is not
                // used again for this call, its hand-out log included.
                *state = Held::Refused(e.to_string());
                Err(e)
            }
        }
    }

    /// Creates the directory (0700) and opens it (see [`Cache::ensure_dir`]).
    fn make_dir(&self) -> io::Result<platform::Dir> {
        platform::create_private_dir_checked(&self.dir, self.home.as_deref())
            .map_err(|e| io::Error::other(e.to_string()))?;
        platform::trusted_dir(&self.dir, self.home.as_deref())
            .map_err(|u| io::Error::other(u.to_string()))?;
        let dir = platform::Dir::open_own(&self.dir)?;
        dir.keep_private()?;
        Ok(dir)
    }

    /// Creates the directory (0700) if needed and refuses one we cannot trust.
    /// Nothing is created before the directory it goes in has been checked,
    /// and then only relative to that checked directory (see
    /// `platform::create_private_dir_checked`). What is there after the create
    /// (ours, or something a racing process made) is checked before use, and
    /// held open: every file of a key is then named relative to it. An
    /// existing dir of ours that others can only read is made private through
    /// the handle, never through a path that could have become a link.
    pub(crate) fn ensure_dir(&self) -> io::Result<()> {
        self.made_dir().map(drop)
    }

    /// Whether a file can be written in the cache dir (for `check`): a
    /// probe written and removed, relative to the dir held.
    pub(crate) fn probe_writable(&self) -> io::Result<()> {
        let dir = self.made_dir()?;
        let probe = std::ffi::OsString::from(format!(".check.{}.tmp", std::process::id()));
        write_atomic_in(&dir, &probe, b"")?;
        dir.remove(&probe)
    }

    /// The cache key of a selection: a hash of everything that shapes the token,
    /// including an HMAC fingerprint of the secret, so a rotated secret never reuses
    /// an old entry and nothing on disk helps anyone guess the secret.
    pub(crate) fn key(&self, sel: &Selection, secret: Option<&Secret>) -> io::Result<Key> {
        self.check_dir()?;
        let mut h = Sha256::new();
        let mut field = |name: &str, value: &[u8]| {
            // Length-prefixed so distinct field values can never collide by concatenation.
            h.update((name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            h.update((value.len() as u64).to_le_bytes());
            h.update(value);
        };
        // What shapes the token is the flow's to say (each flow's `key`).
        sel.flow.steps().key(&mut |name, value| match value {
            Field::Text(text) => field(name, text.as_bytes()),
            Field::List(items) => field(name, &list_bytes(items)),
        });
        match secret {
            Some(s) => field("secret_hmac", &self.secret_hmac(s)?),
            None => {
                // A command source: fingerprint the command, not its output, so a
                // cached call never has to run a password manager.
                match &sel.secret {
                    SecretSource::Command(argv) => field("secret_command", &list_bytes(argv)),
                    SecretSource::Keyring(name) => field("secret_keyring", name.as_bytes()),
                    _ => {}
                }
            }
        }
        let digest = h.finalize();
        let name = hex(&digest[..16]);
        Ok(Key {
            entry: self.dir.join(format!("{name}.json")),
            lock: self.dir.join(format!("{name}.lock")),
            failure: self.dir.join(format!("{name}.fail")),
            name,
        })
    }

    /// A keyed fingerprint of the secret: recognises it without revealing
    /// it, even to someone who can read the cache and guess candidates
    /// (they lack the random per-cache key).
    fn secret_hmac(&self, secret: &Secret) -> io::Result<Vec<u8>> {
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.fingerprint_key()?)
            .map_err(|_| io::Error::other("bad fingerprint key"))?;
        mac.update(secret.expose().as_bytes());
        Ok(mac.finalize().into_bytes().to_vec())
    }

    /// [`Cache::secret_hmac`] as the short hex a failure record keeps.
    pub(crate) fn secret_fingerprint(&self, secret: &Secret) -> io::Result<String> {
        Ok(hex(&self.secret_hmac(secret)?[..16]))
    }

    /// Whether the per-cache fingerprint key exists (read only, never
    /// created): without it no entry keyed by a secret's fingerprint can
    /// exist either (`status`, which writes nothing).
    pub(crate) fn has_fingerprint_key(&self) -> bool {
        self.held_dir()
            .is_some_and(|dir| matches!(read_in(&dir, OsStr::new(KEY_FILE), false), Ok(Some(b)) if b.len() == 32))
    }

    /// The random per-cache key for secret fingerprints, created on first use.
    fn fingerprint_key(&self) -> io::Result<Vec<u8>> {
        let name = OsStr::new(KEY_FILE);
        if let Some(dir) = self.held_dir()
            && let Ok(Some(bytes)) = read_in(&dir, name, false)
            && bytes.len() == 32
        {
            return Ok(bytes);
        }
        let dir = self.made_dir()?;
        let mut key = Vec::with_capacity(32);
        key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
        key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
        // Many processes may race here on a cold cache. Publishing with link(2),
        // which never replaces an existing file, makes the first key win; every
        // process then reads back that one key, so all agree on the cache names.
        let tmp = temp_name(name);
        let linked = write_new_in(&dir, &tmp, &key).and_then(|()| dir.hard_link(&tmp, name));
        let _ = dir.remove(&tmp);
        match linked {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        match read_in(&dir, name, false) {
            Ok(Some(bytes)) if bytes.len() == 32 => Ok(bytes),
            Ok(_) | Err(_) => {
                // A damaged key file: replace it (entries keyed by it are then
                // unreachable misses, which is safe).
                write_atomic_in(&dir, name, &key)?;
                Ok(key)
            }
        }
    }

    /// Every entry in the cache dir, with its key name, sorted by profile.
    /// A dir that is not to be trusted is not read (see [`Cache::own_files`]).
    pub(crate) fn list(&self) -> io::Result<Vec<(String, Found<Entry>)>> {
        let mut out = Vec::new();
        let (dir, files) = self.own_files()?;
        for (file, kind) in files {
            if let (Some(dir), OwnFile::Entry(name)) = (&dir, kind) {
                out.push((name, read_json::<Entry>(dir, &file)));
            }
        }
        out.sort_by(|a, b| match (&a.1, &b.1) {
            (Found::Ok(x), Found::Ok(y)) => (&x.profile, &a.0).cmp(&(&y.profile, &b.0)),
            _ => a.0.cmp(&b.0),
        });
        Ok(out)
    }

    /// Every failure record in the cache dir, with its key name, newest first
    /// (`cache list` shows them: git and kubectl users never see stderr).
    pub(crate) fn failures(&self) -> io::Result<Vec<(String, Failure)>> {
        let mut out = Vec::new();
        let (dir, files) = self.own_files()?;
        for (file, kind) in files {
            if let (Some(dir), OwnFile::Failure(name)) = (&dir, kind)
                && let Found::Ok(f) = read_json::<Failure>(dir, &file)
            {
                out.push((name, f));
            }
        }
        out.sort_by(|a, b| b.1.at.cmp(&a.1.at).then_with(|| a.0.cmp(&b.0)));
        Ok(out)
    }

    /// Removes every cache file cytoken made (entries, locks, failures, hand-out
    /// records, temp files, the fingerprint key) and nothing else: the cache dir
    /// may be one the user also keeps other files in. A dir that is not to be
    /// trusted is left alone (see [`Cache::own_files`]).
    pub(crate) fn clear_all(&self) -> io::Result<usize> {
        let mut n = 0;
        let (dir, files) = self.own_files()?;
        for (file, kind) in files {
            if matches!(kind, OwnFile::Entry(_)) {
                n += 1;
            }
            if let Some(dir) = &dir {
                dir.remove(&file)?;
            }
        }
        Ok(n)
    }

    /// The files in the cache dir that cytoken made, recognised by their exact
    /// name patterns, and the dir they are in, held open. The dir is checked
    /// first, as on every other use ([`Cache::check_dir`]), then listed and
    /// used through the handle checked: listing or clearing through a
    /// symlinked dir, or one others can write, would show or wipe whatever
    /// it leads to. The error is then [`io::ErrorKind::PermissionDenied`],
    /// naming the cause. Absent: nothing to list or clear.
    fn own_files(&self) -> io::Result<OwnFiles> {
        let Some(dir) = self
            .open_checked()
            .map_err(|e| io::Error::new(io::ErrorKind::PermissionDenied, e.to_string()))?
        else {
            return Ok((None, Vec::new()));
        };
        let mut out = Vec::new();
        for name in dir.names()? {
            let Some(kind) = name.to_str().and_then(own_file) else {
                continue;
            };
            out.push((name, kind));
        }
        Ok((Some(dir), out))
    }
}

/// A list as bytes for the key: its length, then each element length-prefixed.
fn list_bytes(items: &[String]) -> Vec<u8> {
    let mut out = (items.len() as u64).to_le_bytes().to_vec();
    for item in items {
        out.extend_from_slice(&(item.len() as u64).to_le_bytes());
        out.extend_from_slice(item.as_bytes());
    }
    out
}

/// The cache dir held open (`None` when absent) and cytoken's files in it.
type OwnFiles = (Option<platform::Dir>, Vec<(std::ffi::OsString, OwnFile)>);

/// What a cache-dir file name says about it.
#[derive(Debug, PartialEq, Eq)]
enum OwnFile {
    Entry(String),
    Failure(String),
    Other,
}

/// Recognises cytoken's own names: `<32 hex>.json|.lock|.fail|.kube`, the
/// fingerprint key, `config-<32 hex>.json`, and temp files
/// `.<one of those>.<pid>.<32 hex>.tmp`.
fn own_file(name: &str) -> Option<OwnFile> {
    let key_part = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    if name == KEY_FILE {
        return Some(OwnFile::Other);
    }
    // `config-<hash>.json`, a parsed-config memo of older cytoken builds:
    // cytoken's own, so clearing the cache removes it too.
    if let Some(hash) = name
        .strip_prefix("config-")
        .and_then(|n| n.strip_suffix(".json"))
    {
        return key_part(hash).then_some(OwnFile::Other);
    }
    if let Some(tmp) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) {
        let mut parts = tmp.rsplitn(3, '.');
        let (rand, pid, base) = (parts.next()?, parts.next()?, parts.next()?);
        let ok = key_part(rand)
            && pid.bytes().all(|b| b.is_ascii_digit())
            && (base == KEY_FILE || own_file(base).is_some());
        return ok.then_some(OwnFile::Other);
    }
    let (key, rest) = name.split_at_checked(32)?;
    if !key_part(key) {
        return None;
    }
    match rest {
        ".json" => Some(OwnFile::Entry(key.to_string())),
        ".fail" => Some(OwnFile::Failure(key.to_string())),
        ".lock" | ".kube" => Some(OwnFile::Other),
        _ => None,
    }
}

/// The cache file `name` in the checked dir `dir`, decoded (see
/// [`files::read_in`]).
fn read_json<T: DeserializeOwned>(dir: &platform::Dir, name: &OsStr) -> Found<T> {
    read_file(read_in(dir, name, false))
}

/// What reading a cache file gave, decoded.
fn read_file<T: DeserializeOwned>(read: Result<Option<Vec<u8>>, Distrust>) -> Found<T> {
    match read {
        Ok(None) => Found::Missing,
        Ok(Some(bytes)) => decode(&bytes),
        Err(why) => Found::Untrusted(why),
    }
}

/// Decodes the bytes of a cache file; anything that is not exactly the expected
/// shape is untrusted.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Found<T> {
    match serde_json::from_slice(bytes) {
        Ok(v) => Found::Ok(v),
        Err(e) => Found::Untrusted(Distrust::Damaged(e.to_string())),
    }
}

#[cfg(test)]
mod tests;
