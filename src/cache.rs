//! The on-disk token cache: one JSON entry per cache key, atomic writes, a
//! dedicated lock file per key, and the checks that keep a damaged or hostile
//! file from ever being trusted.
//!
//! Readers never lock: writers replace entries with a rename, so a reader sees
//! either the old or the new file, never a partial one.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hmac::{KeyInit, Mac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{ScopeFormat, Secret, Selection};
pub use crate::private_file::{MAX_FILE, hex, read_trusted, write_atomic};
use crate::private_file::{temp_path, write_new};

/// Name of the per-cache random key that fingerprints secrets.
const KEY_FILE: &str = "fingerprint.key";

/// A cached access token and the non-secret facts `cache list` shows. Its
/// `Debug` redacts the token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub access_token: String,
    pub expires_at: i64,
    pub obtained_at: i64,
    pub profile: String,
    pub tenant_id: String,
    pub app_id: String,
    pub auth_url: String,
    #[serde(default)]
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("access_token", &crate::redact(&self.access_token))
            .field("expires_at", &self.expires_at)
            .field("obtained_at", &self.obtained_at)
            .field("profile", &self.profile)
            .field("tenant_id", &self.tenant_id)
            .field("app_id", &self.app_id)
            .field("auth_url", &self.auth_url)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// A recorded failure (a 400/401/403, or an unreachable endpoint), so queued
/// callers fail fast instead of each hitting the endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub status: u16,
    pub message: String,
    pub until: i64,
    /// The endpoint was unreachable or failing (not a rejection): waiters serve
    /// a still-valid cached token or fail fast instead of each retrying it.
    #[serde(default)]
    pub unavailable: bool,
}

/// One hand-out of a key's token to a client process that keeps tokens only in
/// memory (kubectl). A client that asks again, before the time it was told, for
/// the token it holds is reporting that token rejected. Only a fingerprint of
/// the token is kept: the record exists to recognise a token, not to serve one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handout {
    /// The client's process id (first, so a log line is found by its prefix).
    #[serde(default)]
    pub pid: u32,
    /// The client's start time (0 where the OS does not tell), so a recycled
    /// pid is another client.
    #[serde(default)]
    pub started: u64,
    /// A fingerprint of the token handed out (never the token).
    pub token_fp: String,
    /// Epoch seconds until which the client was told the token is good.
    pub until: i64,
    /// The token was minted because this client re-asked: a second re-ask for
    /// it is not another rejection to act on (a server refusing fresh tokens, or
    /// a client that simply calls repeatedly), so it is served, not replaced.
    #[serde(default)]
    pub replaced: bool,
}

/// Past this size the hand-out log is rewritten with its live records only.
const HANDOUT_LOG_MAX: u64 = 32 * 1024;

/// What reading a cache file found.
#[derive(Debug)]
pub enum Found<T> {
    Missing,
    Ok(T),
    /// Present but not trustworthy; the reason is for a warning.
    Untrusted(String),
}

/// The cache directory.
#[derive(Debug, Clone)]
pub struct Cache {
    pub dir: PathBuf,
}

/// The files of one cache key.
#[derive(Debug, Clone)]
pub struct Key {
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

/// An exclusive lock on one key; released when dropped (and by the kernel if the
/// process dies, so a crash never leaves a key locked).
#[derive(Debug)]
pub struct LockGuard {
    _file: File,
}

impl Cache {
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    /// Creates the directory (0700) if needed and refuses one we cannot trust.
    pub fn ensure_dir(&self) -> io::Result<()> {
        match std::fs::metadata(&self.dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&self.dir),
            Err(e) => Err(e),
            Ok(m) if !m.is_dir() => Err(io::Error::other(format!(
                "{} is not a directory",
                self.dir.display()
            ))),
            Ok(m) if m.uid() != crate::sys::euid() => Err(io::Error::other(format!(
                "{} is owned by another user",
                self.dir.display()
            ))),
            Ok(m) if m.mode() & 0o077 != 0 => {
                // Ours but too open: tokens must not be listable by others.
                std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700))
            }
            Ok(_) => Ok(()),
        }
    }

    /// The cache key of a selection: a hash of everything that shapes the token,
    /// including an HMAC fingerprint of the secret, so a rotated secret never reuses
    /// an old entry and nothing on disk helps anyone guess the secret.
    pub fn key(&self, sel: &Selection, secret: Option<&Secret>) -> io::Result<Key> {
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
        field("scopes", sel.scopes.join("\n").as_bytes());
        let fmt = match sel.scope_format {
            ScopeFormat::List => "list",
            ScopeFormat::String => "string",
        };
        field("scope_format", fmt.as_bytes());
        field(
            "extra_claims",
            serde_json::to_string(&sel.extra_claims)
                .unwrap_or_default()
                .as_bytes(),
        );
        match secret {
            Some(s) => {
                let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.fingerprint_key()?)
                    .map_err(|_| io::Error::other("bad fingerprint key"))?;
                mac.update(s.expose().as_bytes());
                field("secret_hmac", &mac.finalize().into_bytes());
            }
            None => {
                // A command source: fingerprint the command, not its output, so a
                // cached call never has to run a password manager.
                if let crate::config::SecretSource::Command(argv) = &sel.secret {
                    field("secret_command", argv.join("\0").as_bytes());
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

    /// Reads a key's entry without locking.
    pub fn read(&self, key: &Key) -> Found<Entry> {
        read_json(&key.entry)
    }

    /// Replaces a key's entry atomically.
    pub fn write(&self, key: &Key, entry: &Entry) -> io::Result<()> {
        self.ensure_dir()?;
        let json = serde_json::to_vec(entry).map_err(io::Error::other)?;
        write_atomic(&key.entry, &json)
    }

    /// Removes a key's entry (and any recorded failure).
    pub fn remove(&self, key: &Key) -> io::Result<bool> {
        let _ = std::fs::remove_file(&key.failure);
        self.remove_entry(key)
    }

    /// Removes a key's entry only (a recorded failure stays in force).
    pub fn remove_entry(&self, key: &Key) -> io::Result<bool> {
        match std::fs::remove_file(&key.entry) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The recorded rejection for a key, if it has not run out.
    pub fn failure(&self, key: &Key, now: i64) -> Option<Failure> {
        match read_json::<Failure>(&key.failure) {
            Found::Ok(f) if f.until > now => Some(f),
            _ => None,
        }
    }

    pub fn record_failure(&self, key: &Key, f: &Failure) -> io::Result<()> {
        self.ensure_dir()?;
        write_atomic(
            &key.failure,
            &serde_json::to_vec(f).map_err(io::Error::other)?,
        )
    }

    pub fn clear_failure(&self, key: &Key) {
        let _ = std::fs::remove_file(&key.failure);
    }

    /// Takes the key's exclusive lock, waiting at most `wait`. `Ok(None)` when the
    /// wait ran out (another process holds it).
    pub fn lock(&self, key: &Key, wait: Duration) -> io::Result<Option<LockGuard>> {
        self.ensure_dir()?;
        Self::lock_file(&key.lock, wait)
    }

    /// The latest hand-out to one client, from the key's log.
    pub fn handout(&self, key: &Key, pid: u32, started: u64) -> Found<Handout> {
        let bytes = match read_trusted(&key.handouts()) {
            Ok(Some(b)) => b,
            Ok(None) => return Found::Missing,
            Err(e) => return Found::Untrusted(e.to_string()),
        };
        // Newest last; the fields are written pid first, so a prefix finds them.
        let prefix = format!("{{\"pid\":{pid},\"started\":{started},");
        bytes
            .split(|b| *b == b'\n')
            .rev()
            .find(|line| line.starts_with(prefix.as_bytes()))
            .map_or(Found::Missing, decode)
    }

    /// Appends a hand-out to the key's log. This runs on every kubectl call, so
    /// it is one short `O_APPEND` write (atomic among concurrent writers): no
    /// lock, no fsync, and no new file after the first (creating a file costs
    /// about a millisecond on some file systems). A line lost in a crash only
    /// makes one re-ask look like a first ask. A log past [`HANDOUT_LOG_MAX`]
    /// is first rewritten with its live records.
    pub fn record_handout(&self, key: &Key, h: &Handout, now: i64) -> io::Result<()> {
        let mut line = serde_json::to_vec(h).map_err(io::Error::other)?;
        line.push(b'\n');
        let open = || {
            OpenOptions::new()
                .append(true)
                .create(true)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW)
                .open(key.handouts())
        };
        let mut file = open()?;
        if file.metadata()?.len() > HANDOUT_LOG_MAX {
            self.prune_handouts(key, now)?;
            file = open()?;
        }
        file.write_all(&line)
    }

    /// Rewrites the key's hand-out log with only the records that have not run
    /// out (dropping damaged lines), or removes it when none are left.
    pub fn prune_handouts(&self, key: &Key, now: i64) -> io::Result<()> {
        let path = key.handouts();
        let bytes = match read_trusted(&path) {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(()),
            Err(_) => Vec::new(),
        };
        let mut live = Vec::new();
        for line in bytes.split(|b| *b == b'\n') {
            if let Found::Ok(h) = decode::<Handout>(line)
                && h.until > now
            {
                live.extend_from_slice(line);
                live.push(b'\n');
            }
        }
        if live.is_empty() {
            return match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            };
        }
        if live.len() == bytes.len() {
            return Ok(());
        }
        write_atomic(&path, &live)
    }

    /// Takes an exclusive lock on the file at `path` (created 0600), waiting at
    /// most `wait`. `Ok(None)` when the wait ran out (another process holds it).
    fn lock_file(path: &Path, wait: Duration) -> io::Result<Option<LockGuard>> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)?;
        let deadline = Instant::now() + wait;
        // std's blocking `lock` has no timeout, so poll `try_lock` with a short,
        // growing sleep: waiters notice a released lock within a few milliseconds.
        let mut pause = Duration::from_millis(2);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(LockGuard { _file: file })),
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(e),
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            std::thread::sleep(pause.min(deadline - now));
            pause = (pause * 2).min(Duration::from_millis(25));
        }
    }

    /// Every entry in the cache dir, with its key name, sorted by profile.
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

    /// Removes every cache file cytoken made (entries, locks, failures, hand-out
    /// records, temp files, the fingerprint key) and nothing else: the cache dir
    /// may be one the user also keeps other files in.
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
    /// name patterns.
    fn own_files(&self) -> io::Result<Vec<(PathBuf, OwnFile)>> {
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

/// What a cache-dir file name says about it.
#[derive(Debug, PartialEq, Eq)]
enum OwnFile {
    Entry(String),
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
    // The parsed-config memo (config::load_remembered).
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
        ".lock" | ".fail" | ".kube" => Some(OwnFile::Other),
        _ => None,
    }
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Found<T> {
    match read_trusted(path) {
        Ok(None) => Found::Missing,
        Ok(Some(bytes)) => decode(&bytes),
        Err(e) => Found::Untrusted(e.to_string()),
    }
}

/// Decodes the bytes of a cache file; anything that is not exactly the expected
/// shape is untrusted.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Found<T> {
    match serde_json::from_slice(bytes) {
        Ok(v) => Found::Ok(v),
        Err(e) => Found::Untrusted(format!("it is not a valid cache entry ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Flags, SecretSource};

    fn selection(dir: &Path) -> Selection {
        let env = |k: &str| match k {
            "CYTOKEN_TENANT_ID" => Some("t".to_string()),
            "CYTOKEN_APP_ID" => Some("a".to_string()),
            "CYTOKEN_APP_SECRET" => Some("s".to_string()),
            _ => None,
        };
        let flags = Flags {
            cache_dir: Some(dir.into()),
            auth_url: Some("http://127.0.0.1:1/auth/v2/token".into()),
            ..Flags::default()
        };
        Selection::resolve(&flags, &env).unwrap()
    }

    fn entry(token: &str) -> Entry {
        Entry {
            access_token: token.into(),
            expires_at: 2_000_000_000,
            obtained_at: 1_999_998_200,
            profile: "default".into(),
            tenant_id: "t".into(),
            app_id: "a".into(),
            auth_url: "http://127.0.0.1:1/auth/v2/token".into(),
            scopes: vec![],
        }
    }

    #[test]
    fn key_is_stable_and_changes_with_secret_and_shape() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("c"));
        let sel = selection(&cache.dir);
        let s1 = Secret::new("one".into());
        let k1 = cache.key(&sel, Some(&s1)).unwrap().name;
        assert_eq!(k1, cache.key(&sel, Some(&s1)).unwrap().name);
        assert_eq!(k1.len(), 32);
        let k2 = cache
            .key(&sel, Some(&Secret::new("two".into())))
            .unwrap()
            .name;
        assert_ne!(k1, k2, "a rotated secret must not reuse the entry");
        let mut other = sel.clone();
        other.scopes = vec!["device:list".into()];
        assert_ne!(k1, cache.key(&other, Some(&s1)).unwrap().name);
        let mut other = sel.clone();
        other.scope_format = ScopeFormat::String;
        assert_ne!(k1, cache.key(&other, Some(&s1)).unwrap().name);
        let mut other = sel.clone();
        other.tenant_id = "t2".into();
        assert_ne!(k1, cache.key(&other, Some(&s1)).unwrap().name);
        let mut other = sel.clone();
        other.secret = SecretSource::Command(vec!["pass".into()]);
        assert_ne!(k1, cache.key(&other, None).unwrap().name);
        // The fingerprint key is private.
        let m = std::fs::metadata(cache.dir.join(KEY_FILE)).unwrap();
        assert_eq!(m.mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(&cache.dir).unwrap().mode() & 0o777, 0o700);
    }

    #[test]
    fn write_read_round_trip_and_modes() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("c"));
        let key = cache.key(&selection(&cache.dir), None).unwrap();
        assert!(matches!(cache.read(&key), Found::Missing));
        cache.write(&key, &entry("tok")).unwrap();
        match cache.read(&key) {
            Found::Ok(e) => assert_eq!(e, entry("tok")),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::metadata(&key.entry).unwrap().mode() & 0o777, 0o600);
        let listed = cache.list().unwrap();
        assert_eq!(listed.len(), 1);
        assert!(cache.remove(&key).unwrap());
        assert!(!cache.remove(&key).unwrap());
    }

    #[test]
    fn damaged_and_hostile_entries_are_untrusted() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("c"));
        let key = cache.key(&selection(&cache.dir), None).unwrap();
        cache.ensure_dir().unwrap();
        for bytes in [
            &b""[..],
            b"garbage\xff",
            b"{\"access_token\": \"x\"",
            b"[1,2]",
        ] {
            std::fs::write(&key.entry, bytes).unwrap();
            std::fs::set_permissions(&key.entry, std::fs::Permissions::from_mode(0o600)).unwrap();
            assert!(matches!(cache.read(&key), Found::Untrusted(_)), "{bytes:?}");
        }
        cache.write(&key, &entry("tok")).unwrap();
        std::fs::set_permissions(&key.entry, std::fs::Permissions::from_mode(0o666)).unwrap();
        assert!(matches!(cache.read(&key), Found::Untrusted(m) if m.contains("writable")));
        std::fs::write(&key.entry, vec![b' '; 100_000]).unwrap();
        std::fs::set_permissions(&key.entry, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(matches!(cache.read(&key), Found::Untrusted(m) if m.contains("too large")));

        // A symlinked entry is neither read nor written through.
        let target = dir.path().join("target.json");
        std::fs::write(&target, serde_json::to_vec(&entry("evil")).unwrap()).unwrap();
        std::fs::remove_file(&key.entry).unwrap();
        std::os::unix::fs::symlink(&target, &key.entry).unwrap();
        assert!(matches!(cache.read(&key), Found::Untrusted(m) if m.contains("symlink")));
        cache.write(&key, &entry("good")).unwrap();
        assert!(
            !std::fs::symlink_metadata(&key.entry)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(std::fs::read_to_string(&target).unwrap().contains("evil"));
    }

    #[test]
    fn lock_is_exclusive_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("c"));
        let key = cache.key(&selection(&cache.dir), None).unwrap();
        let held = cache.lock(&key, Duration::from_secs(1)).unwrap().unwrap();
        let t = Instant::now();
        assert!(
            cache
                .lock(&key, Duration::from_millis(100))
                .unwrap()
                .is_none()
        );
        assert!(t.elapsed() >= Duration::from_millis(100));
        drop(held);
        assert!(
            cache
                .lock(&key, Duration::from_millis(100))
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn handouts_are_found_per_client_private_and_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("c"));
        let key = cache.key(&selection(&cache.dir), None).unwrap();
        cache.ensure_dir().unwrap();
        let h = |pid: u32, started: u64, fp: &str, until: i64| Handout {
            pid,
            started,
            token_fp: fp.into(),
            until,
            replaced: false,
        };
        assert!(matches!(cache.handout(&key, 7, 1), Found::Missing));
        cache.record_handout(&key, &h(7, 1, "a", 100), 0).unwrap();
        cache.record_handout(&key, &h(7, 1, "b", 100), 0).unwrap();
        cache.record_handout(&key, &h(7, 2, "c", 50), 0).unwrap();
        cache.record_handout(&key, &h(17, 1, "d", 100), 0).unwrap();
        // The newest record of exactly that client; a recycled pid (another
        // start time) and a pid with the same leading digits are other clients.
        assert!(matches!(cache.handout(&key, 7, 1), Found::Ok(x) if x == h(7, 1, "b", 100)));
        assert!(matches!(cache.handout(&key, 7, 2), Found::Ok(x) if x.token_fp == "c"));
        assert!(matches!(cache.handout(&key, 1, 1), Found::Missing));
        assert_eq!(
            std::fs::metadata(key.handouts()).unwrap().mode() & 0o777,
            0o600
        );
        // Pruning keeps only live records, and drops damaged lines.
        let mut f = OpenOptions::new()
            .append(true)
            .open(key.handouts())
            .unwrap();
        f.write_all(b"garbage\n").unwrap();
        cache.prune_handouts(&key, 60).unwrap();
        let log = std::fs::read_to_string(key.handouts()).unwrap();
        assert_eq!(log.lines().count(), 3, "{log}");
        assert!(matches!(cache.handout(&key, 7, 2), Found::Missing));
        // A long log is rewritten before it grows past its bound.
        for pid in 1000..2000 {
            cache
                .record_handout(&key, &h(pid, 1, "e", 100), 200)
                .unwrap();
        }
        assert!(std::fs::metadata(key.handouts()).unwrap().len() <= HANDOUT_LOG_MAX + 200);
        cache.prune_handouts(&key, 1000).unwrap();
        assert!(!key.handouts().exists());
    }

    #[test]
    fn clear_all_removes_only_cytokens_own_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_path_buf());
        let key = cache
            .key(&selection(&cache.dir), Some(&Secret::new("s".into())))
            .unwrap();
        cache.write(&key, &entry("tok")).unwrap();
        drop(cache.lock(&key, Duration::from_secs(1)).unwrap());
        let h = Handout {
            pid: 7,
            started: 9,
            token_fp: "f".into(),
            until: 1,
            replaced: false,
        };
        cache.record_handout(&key, &h, 0).unwrap();
        let temp = temp_path(&key.entry);
        std::fs::write(&temp, b"x").unwrap();
        let foreign = [
            "package.json",
            "build.lock",
            "notes.tmp",
            "x.fail",
            ".hidden.tmp",
        ];
        for f in foreign {
            std::fs::write(dir.path().join(f), b"mine").unwrap();
        }
        assert_eq!(
            cache.list().unwrap().len(),
            1,
            "only cytoken's entries are listed"
        );
        assert_eq!(cache.clear_all().unwrap(), 1);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort_unstable();
        let mut want: Vec<String> = foreign.iter().map(|s| (*s).to_string()).collect();
        want.sort_unstable();
        assert_eq!(left, want);
    }

    #[test]
    fn failures_expire() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("c"));
        let key = cache.key(&selection(&cache.dir), None).unwrap();
        let f = Failure {
            status: 401,
            message: "no".into(),
            until: 100,
            unavailable: false,
        };
        cache.record_failure(&key, &f).unwrap();
        assert_eq!(cache.failure(&key, 99), Some(f));
        assert_eq!(cache.failure(&key, 100), None);
        cache.clear_failure(&key);
        assert_eq!(cache.failure(&key, 0), None);
    }
}
