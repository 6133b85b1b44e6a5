//! What the cache holds per key: the entry (a token and the facts `cache list`
//! shows) and the failure record (the negative cache).

// Cache methods take `&self` even where the key alone names the file, so
// every caller goes through the one `Cache` value.
#![allow(clippy::unused_self)]

use std::io;

use serde::{Deserialize, Serialize};

use super::files::{MAX_FILE, write_atomic_in};
use super::{Cache, Distrust, Found, Key, file_name, read_json};
use crate::secret::Secret;

/// The largest access token cytoken accepts from a token endpoint: what an
/// entry file holds, since a token the cache cannot read back would be
/// exchanged again on every call. A larger one is a malformed answer (exit
/// 4), for every flow. Escaped as JSON it is at most twice as long, which
/// leaves half of [`MAX_FILE`] for the entry's other fields.
pub(crate) const MAX_TOKEN: usize = 16 << 10;
const _: () = assert!(4 * MAX_TOKEN as u64 <= MAX_FILE);

/// A cached access token and the non-secret facts `cache list` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub access_token: Secret,
    pub expires_at: i64,
    pub obtained_at: i64,
    pub profile: String,
    pub tenant_id: String,
    pub app_id: String,
    pub auth_url: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The key the entry was minted for: an entry is trusted only under that
    /// key, so renaming one file over another (an admin token over a
    /// read-only one) never swaps tokens. Set by [`Cache::write`].
    #[serde(default)]
    pub key: String,
}

/// A recorded failure (a 400/401/403, or an unreachable endpoint), so queued
/// callers fail fast instead of each hitting the endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub status: u16,
    pub message: String,
    /// When it was recorded (epoch seconds).
    #[serde(default)]
    pub at: i64,
    pub until: i64,
    /// The endpoint was unreachable or failing (not a rejection): waiters serve
    /// a still-valid cached token or fail fast instead of each retrying it.
    #[serde(default)]
    pub unavailable: bool,
    /// For a rejection: the keyed fingerprint of the secret that was
    /// rejected (see `Cache::secret_fingerprint`), so a caller whose secret
    /// differs (the user fixed it) is not held back by it.
    #[serde(default)]
    pub secret: Option<String>,
}

impl Cache {
    /// Reads a key's entry without locking, relative to the dir checked.
    pub(crate) fn read(&self, key: &Key) -> Found<Entry> {
        let Some(dir) = self.held_dir() else {
            return Found::Missing;
        };
        match read_json::<Entry>(&dir, file_name(&key.entry)) {
            Found::Ok(e) if e.key != key.name => Found::Untrusted(Distrust::OtherKey),
            found => found,
        }
    }

    /// Replaces a key's entry atomically, recording the key in it.
    pub(crate) fn write(&self, key: &Key, entry: &Entry) -> io::Result<()> {
        let dir = self.made_dir()?;
        let bound = Entry {
            key: key.name.clone(),
            ..entry.clone()
        };
        let json = serde_json::to_vec(&bound).map_err(io::Error::other)?;
        // Never write what `read` would refuse (and so exchange every call).
        if json.len() as u64 > MAX_FILE {
            return Err(io::Error::other(format!(
                "the entry would be {} bytes, more than the {} KiB the cache reads",
                json.len(),
                MAX_FILE >> 10
            )));
        }
        write_atomic_in(&dir, file_name(&key.entry), &json)
    }

    /// Removes a key's entry (and any recorded failure).
    pub(crate) fn remove(&self, key: &Key) -> io::Result<bool> {
        self.clear_failure(key);
        self.remove_entry(key)
    }

    /// Removes a key's entry only (a recorded failure stays in force).
    pub(crate) fn remove_entry(&self, key: &Key) -> io::Result<bool> {
        let Some(dir) = self.held_dir() else {
            return Ok(false);
        };
        match dir.remove(file_name(&key.entry)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The recorded rejection for a key, if it has not run out.
    pub(crate) fn failure(&self, key: &Key, now: i64) -> Option<Failure> {
        match read_json::<Failure>(&*self.held_dir()?, file_name(&key.failure)) {
            Found::Ok(f) if f.until > now => Some(f),
            _ => None,
        }
    }

    pub(crate) fn record_failure(&self, key: &Key, f: &Failure) -> io::Result<()> {
        let dir = self.made_dir()?;
        write_atomic_in(
            &dir,
            file_name(&key.failure),
            &serde_json::to_vec(f).map_err(io::Error::other)?,
        )
    }

    pub(crate) fn clear_failure(&self, key: &Key) {
        if let Some(dir) = self.held_dir() {
            let _ = dir.remove(file_name(&key.failure));
        }
    }
}
