//! What the broker tells its callers besides tokens: a failure as the
//! caller hears it (remembered from the record, the 401's secret source),
//! and a read-only view of what the cache holds for a selection (`check`,
//! `status`).

use super::Broker;
use crate::cache::{Entry, Failure, Found};
use crate::config::{SECRET_VAR, Selection};
use crate::error::{Error, Kind, Result};
use crate::secret::SecretSource;
use crate::source::Token;

/// What the cache holds for a selection ([`Broker::cached`]).
#[derive(Debug)]
pub(crate) enum Cached {
    /// The entry's key cannot be computed without the secret, which cannot
    /// be read (the reason), or the cache dir cannot be used.
    Unidentified(String),
    /// Nothing can be cached for it yet (the cache has no fingerprint key).
    Empty,
    Known {
        /// The key's name (the entry's file name).
        key: String,
        /// The entry and when its token goes stale; an untrusted entry's
        /// reason as the error.
        entry: std::result::Result<Option<(i64, Box<Entry>)>, String>,
        /// The last failure recorded for the key, in force or not.
        failure: Option<Failure>,
    },
}

/// Whether a failure is this call's own or one replayed from the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Replay {
    /// This call met it: said as the endpoint's answer was read.
    Fresh,
    /// Recorded by an earlier call and answered without asking.
    Remembered,
}

/// A replayed failure's message: the failure as recorded, then that it is
/// remembered, how long ago (`at`, when the record has it) and that
/// `--force-refresh` asks again at once. Without it a failure fixed in the
/// last seconds looks as if the fix did not work.
pub(super) fn remembered(message: &str, at: i64, now: i64) -> String {
    let age = now.saturating_sub(at);
    let when = if at > 0 && age >= 0 {
        format!(" from {age} s ago")
    } else {
        String::new()
    };
    format!("{message} (remembered{when}; `--force-refresh` retries now)")
}

/// What a 401's message adds about the secret it was signed with: where it
/// came from, the variable (and the profile source it outranks: a stale
/// `CYTOKEN_APP_SECRET` silently wins over a fixed file), or the profile key
/// and what it names. Names and paths only: never the secret, nor a secret
/// command's argv (which may carry one). Added as each caller answers, never
/// recorded: a failure record is shared by every selection of the same key,
/// whose secrets may come from elsewhere.
fn secret_note(sel: &Selection) -> String {
    let Some(origin) = sel.origin("secret") else {
        return String::new();
    };
    let what = match &sel.secret {
        SecretSource::Env(var) if var == SECRET_VAR => String::new(),
        SecretSource::Env(_) | SecretSource::File(_) | SecretSource::Keyring(_) => {
            format!(" ({})", sel.secret.describe())
        }
        SecretSource::Command(_) | SecretSource::Inline(_) => String::new(),
    };
    let over = sel
        .outranked("secret")
        .map(|key| format!(", which overrides the profile's {key} (unset it to use that)"))
        .unwrap_or_default();
    format!("; the secret used came from {origin}{what}{over}")
}

impl Broker<'_> {
    /// Runs one of the token methods and says its failure to the caller
    /// ([`Broker::tell`]). A prerequisite's broker is asked through the
    /// untold methods: its failure is told once, by the broker that answers
    /// the caller.
    pub(super) fn told(&self, call: impl FnOnce() -> Result<Token>) -> Result<Token> {
        self.replayed.set(None);
        call().map_err(|e| self.tell(e))
    }

    /// A failure as this caller hears it: a 401 with where its secret came
    /// from ([`secret_note`]), and one replayed from the record with how long
    /// ago it was met ([`remembered`]). Neither is recorded: the record of a
    /// key is shared by every selection of that key, whose secrets may come
    /// from elsewhere.
    pub(super) fn tell(&self, e: Error) -> Error {
        let kind = e.kind();
        let note = match kind {
            Kind::Rejected(401) => secret_note(self.sel),
            _ => String::new(),
        };
        let replayed = match kind {
            Kind::Rejected(_) | Kind::Unavailable => self.replayed.get(),
            _ => None,
        };
        if note.is_empty() && replayed.is_none() {
            return e;
        }
        let mut message = format!("{}{note}", e.message());
        if let Some(at) = replayed {
            message = remembered(&message, at, self.clock.now());
        }
        Error::new(kind, message)
    }

    /// The failure recorded for this selection, if one is in force (`check`).
    pub(crate) fn recorded_failure(&self) -> Option<Failure> {
        let key = self.key().ok()??;
        self.cache.failure(key, self.clock.now())
    }

    /// What the cache holds for this selection, read only (`status`): the
    /// entry, when its token goes stale, and the last failure recorded (in
    /// force or run out). Never creates the cache dir or its fingerprint
    /// key, and never reads a secret a command or the keyring holds (their
    /// key names the source instead, see [`crate::cache::Cache::key`]); a secret file or
    /// variable is read for its fingerprint, as on every cached call.
    pub(crate) fn cached(&self) -> Cached {
        let material = match self.sel.secret.fingerprint_material(&self.sel.env) {
            Ok(m) => m,
            Err(e) => return Cached::Unidentified(e.message().to_string()),
        };
        if material.is_some() && !self.cache.has_fingerprint_key() {
            // No secret has been fingerprinted in this cache: nothing is
            // cached under any key that needs one.
            return Cached::Empty;
        }
        let key = match self.cache.key(self.sel, material.as_ref()) {
            Ok(k) => k,
            Err(e) => {
                return Cached::Unidentified(format!(
                    "cache {} unusable: {e}",
                    self.cache.dir.display()
                ));
            }
        };
        // Every record, however old: `status` shows its age.
        let failure = self.cache.failure(&key, i64::MIN);
        let entry = match self.cache.read(&key) {
            Found::Ok(e) => Ok(Some((self.stale_at(&e), Box::new(e)))),
            Found::Missing => Ok(None),
            Found::Untrusted(why) => Err(why.to_string()),
        };
        Cached::Known {
            key: key.name,
            entry,
            failure,
        }
    }

    /// Forgets the recorded failure (`check`'s live exchange worked).
    pub(crate) fn forget_failure(&self) {
        if let Ok(Some(key)) = self.key() {
            self.cache.clear_failure(key);
        }
    }
}
