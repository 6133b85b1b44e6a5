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

use std::io;
use std::path::{Path, PathBuf};

use hmac::{KeyInit, Mac};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

pub(crate) use entry::MAX_TOKEN;
pub use entry::{Entry, Failure};
pub use files::Distrust;
pub(crate) use files::{hex, read_trusted, write_atomic};
use files::{temp_path, write_new};
pub use handout::Handout;

use crate::config::{ScopeFormat, Selection};
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
    pub fn handouts(&self) -> PathBuf {
        self.entry.with_extension("kube")
    }
}

impl Cache {
    pub fn new(dir: &Path) -> Cache {
        Cache {
            dir: platform::plain_path(dir),
            home: None,
        }
    }

    /// The cache in `dir`, its trust checked up to `home` (`cache list` and
    /// `cache clear --all`, which need no selection).
    pub fn of_dir(dir: &Path, home: Option<PathBuf>) -> Cache {
        Cache {
            dir: platform::plain_path(dir),
            home,
        }
    }

    /// The cache of a selection, its trust checked up to the user's home.
    pub fn of(sel: &Selection) -> Cache {
        Cache {
            // Never `dir/`: every open and create below must see a link as one.
            dir: platform::plain_path(&sel.cache_dir),
            home: sel.env.home_dir(),
        }
    }

    /// Whether the cache dir may be used at all: absent (it is created when
    /// first written), or a directory of ours, never a symlink, that no one
    /// else can write, under directories no one else can write either. Anyone
    /// who can write the dir can plant entries, locks and links there; a
    /// symlinked dir could have us fill (and chmod) a directory we never meant
    /// to. Checked on every call, the cache hit included.
    pub fn check_dir(&self) -> io::Result<()> {
        let check = || platform::trusted_dir(&self.dir, self.home.as_deref());
        match check() {
            Ok(()) => Ok(()),
            // Asked only when the check fails: a cache hit pays no extra stat.
            // Absent: where it would be made must be trusted too, or a link
            // planted there before a later write would lead it elsewhere.
            Err(_)
                if std::fs::symlink_metadata(&self.dir)
                    .is_err_and(|e| e.kind() == io::ErrorKind::NotFound) =>
            {
                platform::creatable(&self.dir, self.home.as_deref())
                    .map_err(|e| io::Error::other(e.to_string()))
            }
            // Absent when checked, there now: a racing process has just made
            // it (concurrent first calls on a cold cache), so what is there
            // now is checked in its turn.
            Err(_) => check().map_err(|u| io::Error::other(u.to_string())),
        }
    }

    /// Creates the directory (0700) if needed and refuses one we cannot trust.
    /// Nothing is created before the directory it goes in has been checked,
    /// and then only relative to that checked directory (see
    /// `platform::create_private_dir_checked`). What is there after the create
    /// (ours, or something a racing process made) is checked before use; an
    /// existing dir of ours that others can only read is made private through
    /// an open handle, never through a path that could have become a link.
    pub fn ensure_dir(&self) -> io::Result<()> {
        platform::create_private_dir_checked(&self.dir, self.home.as_deref())
            .map_err(|e| io::Error::other(e.to_string()))?;
        platform::trusted_dir(&self.dir, self.home.as_deref())
            .map_err(|u| io::Error::other(u.to_string()))?;
        let dir = platform::open_dir_nofollow(&self.dir)?;
        if platform::access(&dir, &dir.metadata()?)?.group_or_other {
            // Ours but listable by others: tokens' names are nobody's business.
            platform::make_private(&dir)?;
        }
        Ok(())
    }

    /// The cache key of a selection: a hash of everything that shapes the token,
    /// including an HMAC fingerprint of the secret, so a rotated secret never reuses
    /// an old entry and nothing on disk helps anyone guess the secret.
    pub fn key(&self, sel: &Selection, secret: Option<&Secret>) -> io::Result<Key> {
        self.check_dir()?;
        let mut h = Sha256::new();
        let mut field = |name: &str, value: &[u8]| {
            // Length-prefixed so distinct field values can never collide by concatenation.
            h.update((name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            h.update((value.len() as u64).to_le_bytes());
            h.update(value);
        };
        field("auth_url", sel.auth_url.as_bytes());
        field("tenant_id", sel.tenant_id.as_bytes());
        field("app_id", sel.app_id.as_bytes());
        field("issuer", sel.issuer.as_bytes());
        // Lists are hashed element by element, each length-prefixed, so no
        // separator inside an element can make two lists collide.
        field("scopes", &list_bytes(&sel.scopes));
        let fmt = match sel.scope_format {
            ScopeFormat::List => "list",
            ScopeFormat::String => "string",
        };
        field("scope_format", fmt.as_bytes());
        field("source", sel.source.as_deref().unwrap_or("").as_bytes());
        field(
            "flow",
            if sel.mtc.is_some() {
                b"mtc"
            } else {
                b"cylance"
            },
        );
        field(
            "extra_claims",
            serde_json::to_string(&sel.extra_claims)
                .unwrap_or_default()
                .as_bytes(),
        );
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
    pub fn secret_fingerprint(&self, secret: &Secret) -> io::Result<String> {
        Ok(hex(&self.secret_hmac(secret)?[..16]))
    }

    /// The random per-cache key for secret fingerprints, created on first use.
    fn fingerprint_key(&self) -> io::Result<Vec<u8>> {
        let path = self.dir.join(KEY_FILE);
        match read_trusted(&path) {
            Ok(Some(bytes)) if bytes.len() == 32 => return Ok(bytes),
            Ok(_) | Err(_) => {}
        }
        self.ensure_dir()?;
        let mut key = Vec::with_capacity(32);
        key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
        key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
        // Many processes may race here on a cold cache. Publishing with link(2),
        // which never replaces an existing file, makes the first key win; every
        // process then reads back that one key, so all agree on the cache names.
        let tmp = temp_path(&path);
        let linked = write_new(&tmp, &key).and_then(|()| std::fs::hard_link(&tmp, &path));
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        match read_trusted(&path) {
            Ok(Some(bytes)) if bytes.len() == 32 => Ok(bytes),
            Ok(_) | Err(_) => {
                // A damaged key file: replace it (entries keyed by it are then
                // unreachable misses, which is safe).
                write_atomic(&path, &key)?;
                Ok(key)
            }
        }
    }

    /// Every entry in the cache dir, with its key name, sorted by profile.
    /// A dir that is not to be trusted is not read (see [`Cache::own_files`]).
    pub fn list(&self) -> io::Result<Vec<(String, Found<Entry>)>> {
        let mut out = Vec::new();
        for (path, kind) in self.own_files()? {
            if let OwnFile::Entry(name) = kind {
                out.push((name, read_json::<Entry>(&path)));
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
    pub fn failures(&self) -> io::Result<Vec<(String, Failure)>> {
        let mut out = Vec::new();
        for (path, kind) in self.own_files()? {
            if let (OwnFile::Failure(name), Found::Ok(f)) = (kind, read_json::<Failure>(&path)) {
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
    pub fn clear_all(&self) -> io::Result<usize> {
        let mut n = 0;
        for (path, kind) in self.own_files()? {
            if matches!(kind, OwnFile::Entry(_)) {
                n += 1;
            }
            std::fs::remove_file(&path)?;
        }
        Ok(n)
    }

    /// The files in the cache dir that cytoken made, recognised by their exact
    /// name patterns. The dir is checked first, as on every other use
    /// ([`Cache::check_dir`]): listing or clearing through a symlinked dir, or
    /// one others can write, would show or wipe whatever it leads to. The
    /// error is then [`io::ErrorKind::PermissionDenied`], naming the cause.
    fn own_files(&self) -> io::Result<Vec<(PathBuf, OwnFile)>> {
        self.check_dir()
            .map_err(|e| io::Error::new(io::ErrorKind::PermissionDenied, e.to_string()))?;
        let dir = match std::fs::read_dir(&self.dir) {
            Ok(d) => d,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for de in dir {
            let path = de?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if let Some(kind) = own_file(name) {
                out.push((path, kind));
            }
        }
        Ok(out)
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

fn read_json<T: DeserializeOwned>(path: &Path) -> Found<T> {
    match read_trusted(path) {
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
