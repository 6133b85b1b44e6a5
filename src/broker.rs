//! The broker: "a valid token for this selection". Cache first (no lock, no HTTP),
//! then the per-key lock, a re-read, and one exchange for everyone waiting.
//!
//! Front-ends call only this module; they never touch the cache or the exchange.
//! The broker never names a flow: it asks the selection's ([`TokenFlow`]) for
//! its prerequisite, its request and the reading of the answer, and sends the
//! request through the [`Transport`] it is handed.

use std::cell::{Cell, OnceCell};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::cache::{Cache, Entry, Failure, Found, Handout, Key};
use crate::clock::{Clock, SystemClock};
use crate::config::Selection;
use crate::diag;
use crate::error::{Error, Kind, Result};
use crate::exchange::{Endpoint, Exchanged, Http, Transport};
use crate::flow::{Ask, TokenFlow};
use crate::secret::Secret;
use crate::source::{Parent, Token, TokenSource};

/// How long a 400/401/403 is remembered for a key, so callers queued behind a
/// failing refresh get the same answer instead of each hitting the endpoint.
const NEGATIVE_TTL: i64 = 10;
/// Longest wait for the lock around a compare-and-invalidate; past it the
/// invalidation goes ahead unlocked (it only ever removes the token it names).
const INVALIDATE_LOCK_WAIT: Duration = Duration::from_secs(2);
/// How long a stale token served as a fallback is announced to be good for.
const FALLBACK_GRACE: i64 = 60;

/// How the cache is used for one call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum CacheUse {
    /// Serve a fresh cached token, refresh a stale one (the default).
    #[default]
    Use,
    /// Neither read nor write the cache (`--no-cache`).
    Bypass,
    /// Skip the cached token (and a recorded failure), mint a new one, store
    /// it (`--force-refresh`).
    Refresh,
}

/// A fingerprint that recognises a token without storing it: the first 64 bits
/// of its SHA-256, as hex. An access token carries a 256-bit signature, so the
/// fingerprint neither reveals the token nor helps anyone guess one.
fn token_fingerprint(token: &str) -> String {
    crate::cache::hex(&Sha256::digest(token.as_bytes())[..8])
}

/// Hands out tokens for one selection.
pub(crate) struct Broker<'a> {
    sel: &'a Selection,
    cache_use: CacheUse,
    clock: &'a dyn Clock,
    /// Sends the flow's requests (the HTTP stack, or a test's fake).
    transport: &'a dyn Transport,
    cache: Cache,
    /// The secret, read at most once per process.
    secret: OnceCell<Secret>,
    /// The cache key; `None` inside when the cache cannot be used at all.
    key: OnceCell<Option<Key>>,
    /// When the failure this call answers with was recorded, if it was
    /// replayed from the record (its `at`) rather than met now.
    replayed: Cell<Option<i64>>,
}

impl<'a> Broker<'a> {
    pub(crate) fn new(sel: &'a Selection, cache_use: CacheUse) -> Broker<'a> {
        Broker::with(sel, cache_use, &SystemClock, &Http)
    }

    /// A broker whose "now" is `clock`'s and whose requests go through
    /// `transport` (tests move the clock to any moment and script the answers).
    pub(crate) fn with(
        sel: &'a Selection,
        cache_use: CacheUse,
        clock: &'a dyn Clock,
        transport: &'a dyn Transport,
    ) -> Broker<'a> {
        Broker {
            sel,
            cache_use,
            clock,
            transport,
            cache: Cache::of(sel),
            secret: OnceCell::new(),
            key: OnceCell::new(),
            replayed: Cell::new(None),
        }
    }

    fn secret(&self) -> Result<&Secret> {
        if let Some(s) = self.secret.get() {
            return Ok(s);
        }
        let s = self.sel.resolve_secret()?;
        Ok(self.secret.get_or_init(|| s))
    }

    /// The cache key, computed once. A cache that cannot be used (unwritable dir,
    /// …) is a warning, never a failure: the token is still served.
    fn key(&self) -> Result<Option<&Key>> {
        if self.cache_use == CacheUse::Bypass {
            return Ok(None);
        }
        if let Some(k) = self.key.get() {
            return Ok(k.as_ref());
        }
        let material = self
            .sel
            .secret
            .fingerprint_material(&self.sel.env)?
            .map(|s| self.secret.get_or_init(|| s));
        let key = match self.cache.key(self.sel, material) {
            Ok(k) => Some(k),
            Err(e) => {
                diag::warn(format_args!(
                    "cache {} unusable ({e}); continuing without it",
                    self.cache.dir.display()
                ));
                None
            }
        };
        Ok(self.key.get_or_init(|| key).as_ref())
    }

    /// When the entry's token goes stale: its expiry less the refresh margin,
    /// the margin never more than half the token's actual life (a server may
    /// grant less than was asked for, and a margin longer than the life would
    /// make every call exchange) — or less `min_valid`, when the caller asked
    /// for a token that stays valid that long (never more than its life).
    fn stale_at(&self, e: &Entry) -> i64 {
        let life = e.expires_at.saturating_sub(e.obtained_at).max(0);
        let margin = self
            .sel
            .cache_policy
            .refresh_margin
            .min(life / 2)
            .max(self.sel.cache_policy.min_valid.min(life));
        e.expires_at.saturating_sub(margin)
    }

    fn token_of(&self, e: Entry, cached: bool) -> Token {
        let now = self.clock.now();
        let stale_at = self.stale_at(&e);
        Token {
            // A stale token served as a fallback (endpoint down, lock held) is
            // announced as good for at most another minute: git drops a
            // credential whose expiry has passed, and client-go would re-run
            // the plugin before every request.
            refresh_at: if stale_at > now {
                stale_at
            } else {
                e.expires_at.min(now.saturating_add(FALLBACK_GRACE))
            },
            access_token: e.access_token,
            expires_at: e.expires_at,
            cached,
            clock_skew: None,
        }
    }

    /// Reads the entry; an untrusted one is a miss, with a warning.
    fn read(&self, key: &Key) -> Option<Entry> {
        match self.cache.read(key) {
            Found::Ok(e) => Some(e),
            Found::Missing => None,
            Found::Untrusted(why) => {
                diag::warn(format_args!(
                    "ignoring cache entry {}: {why}; it will be replaced",
                    key.entry.display()
                ));
                None
            }
        }
    }

    /// A valid token for this selection.
    pub(crate) fn token(&self) -> Result<Token> {
        self.told(|| self.fetch())
    }

    /// [`Broker::token`], its failure untold.
    fn fetch(&self) -> Result<Token> {
        let start = Instant::now();
        let Some(key) = self.key()? else {
            return self.exchange_and_store(None, None);
        };
        if self.cache_use != CacheUse::Refresh
            && let Some(e) = self.read(key)
            && self.stale_at(&e) > self.clock.now()
        {
            diag::step(start, format_args!("cache hit {}", key.name));
            return Ok(self.token_of(e, true));
        }
        diag::step(start, format_args!("cache miss {}", key.name));
        self.refresh(key, None)
    }

    /// Mints a replacement for `rejected` (a token a client reports the server
    /// refused): unless another process already replaced it, the entry is dropped
    /// and a new token is exchanged, under the lock.
    pub(crate) fn replace(&self, rejected: &str) -> Result<Token> {
        self.told(|| self.fetch_replacement(rejected))
    }

    /// [`Broker::replace`], its failure untold.
    fn fetch_replacement(&self, rejected: &str) -> Result<Token> {
        match self.key()? {
            Some(key) => self.refresh(key, Some(rejected)),
            None => self.exchange_and_store(None, None),
        }
    }

    /// A valid token for `parent`, a client that keeps tokens only in memory and
    /// asks again before the time it was told only when the server refused the
    /// token it holds (kubectl re-runs its credential plugin once after a 401,
    /// and otherwise only when the credential's time is up). So when `parent`
    /// asks again, before that time, and would get the very token it was given,
    /// that token is treated as rejected and replaced ([`Broker::replace`]: under
    /// the lock, subject to the negative cache, unless another process already
    /// replaced it). The hand-out is recorded per key (pid, start time, a token
    /// fingerprint, the time told), never the token.
    ///
    /// Cost on a cache hit over [`Broker::token`]: one read of the key's small
    /// hand-out log and one appended line (no lock, no fsync, no new file).
    /// A record that cannot be read or written is a warning: the token is still
    /// served, only a later re-ask may go unrecognised.
    pub(crate) fn token_for_parent(&self, parent: Parent) -> Result<Token> {
        self.told(|| self.fetch_for_parent(parent))
    }

    /// [`Broker::token_for_parent`], its failure untold.
    fn fetch_for_parent(&self, parent: Parent) -> Result<Token> {
        let token = self.fetch()?;
        let Some(key) = self.key()? else {
            // Without a cache every call exchanges anyway: nothing to recognise.
            return Ok(token);
        };
        let now = self.clock.now();
        let started = parent.started.unwrap_or(0);
        let fp = token_fingerprint(token.access_token.expose());
        let previous = match self.cache.handout(key, parent.pid, started) {
            Found::Ok(h) => Some(h),
            Found::Missing => None,
            Found::Untrusted(why) => {
                diag::warn(format_args!(
                    "ignoring hand-out record {}: {why}; it will be replaced",
                    key.handouts().display()
                ));
                None
            }
        };
        let reask = previous
            .as_ref()
            .is_some_and(|h| h.token_fp == fp && h.until > now && !h.replaced);
        let (token, token_fp) = if reask {
            diag::log(
                1,
                format_args!(
                    "process {} asked again for the token it was given; treating it as rejected",
                    parent.pid
                ),
            );
            let fresh = self.fetch_replacement(token.access_token.expose())?;
            let fresh_fp = token_fingerprint(fresh.access_token.expose());
            (fresh, fresh_fp)
        } else {
            (token, fp.clone())
        };
        let handout = Handout {
            pid: parent.pid,
            started,
            token_fp,
            until: token.refresh_at,
            replaced: reask
                || previous
                    .as_ref()
                    .is_some_and(|h| h.replaced && h.token_fp == fp),
        };
        // Repeated asks for the same token need no new record.
        if previous.as_ref() != Some(&handout)
            && let Err(e) = self.cache.record_handout(key, &handout, now)
        {
            diag::warn(format_args!(
                "could not record the hand-out in {} ({e}); a rejection of this token may \
                 go unnoticed",
                key.handouts().display()
            ));
        }
        Ok(token)
    }

    /// Drops the cached entry if it still holds `token` (compare-and-invalidate),
    /// so a stale answer from one client never throws away a newer token.
    pub(crate) fn invalidate(&self, token: &str) -> Result<bool> {
        let Some(key) = self.key()? else {
            return Ok(false);
        };
        // Under the key's lock (briefly), so a refresh that lands between the
        // read and the removal is never thrown away.
        let _guard = self.cache.lock(key, INVALIDATE_LOCK_WAIT).ok().flatten();
        match self.read(key) {
            Some(e) if e.access_token.expose() == token => {
                self.cache.remove_entry(key).map_err(|e| {
                    Error::other(format!(
                        "cannot remove cache entry {}: {e}",
                        key.entry.display()
                    ))
                })?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Removes the selection's entry; true if there was one.
    pub(crate) fn clear(&self) -> Result<bool> {
        match self.key()? {
            Some(k) => self
                .cache
                .remove(k)
                .map_err(|e| Error::other(format!("cannot remove {}: {e}", k.entry.display()))),
            None => Ok(false),
        }
    }

    /// The slow path: lock, re-read, exchange if still needed, store.
    fn refresh(&self, key: &Key, rejected: Option<&str>) -> Result<Token> {
        let wait_start = Instant::now();
        let (guard, timed_out) = match self.cache.lock(key, self.sel.cache_policy.lock_timeout) {
            Ok(Some(g)) => (Some(g), false),
            Ok(None) => (None, true),
            Err(e) => {
                // An unusable lock (read-only dir, …) must not stop the refresh;
                // it only loses the one-exchange-for-everyone guarantee.
                diag::warn(format_args!(
                    "cannot lock {} ({e}); refreshing without the lock",
                    key.lock.display()
                ));
                (None, false)
            }
        };
        diag::step(wait_start, "lock wait");
        let now = self.clock.now();
        let current = self.read(key);
        // A token the caller reported as rejected is never served as a fallback.
        let usable = current
            .as_ref()
            .filter(|e| e.expires_at > now && Some(e.access_token.expose().as_str()) != rejected);
        if let Some(e) = &current {
            let replaced = rejected.is_some_and(|r| r != e.access_token.expose());
            let fresh = self.stale_at(e) > now;
            // Another process refreshed while we waited for the lock. A
            // replacement of a rejected token is taken only while fresh: one
            // gone stale (or expired) since is refreshed like any other.
            if fresh && (replaced || (rejected.is_none() && self.cache_use != CacheUse::Refresh)) {
                diag::log(1, "cache refreshed by another process while waiting");
                return Ok(self.token_of(e.clone(), true));
            }
        }
        if self.cache_use != CacheUse::Refresh
            && let Some(f) = self.cache.failure(key, now)
            && (f.unavailable || self.same_secret(&f))
        {
            diag::log(
                1,
                "a recent failure is recorded for this key; not retrying yet",
            );
            return self.recorded(f, usable, Replay::Remembered);
        }
        if timed_out {
            // Someone has held the lock past our bounded wait (stopped, or a very
            // slow endpoint): a token that still works beats waiting forever.
            let held = self.sel.cache_policy.lock_timeout.as_secs();
            if let Some(e) = usable {
                diag::warn(format_args!(
                    "another cytoken process has held the cache lock for over {held} s; \
                     serving the cached token"
                ));
                return Ok(self.token_of(e.clone(), true));
            }
            diag::warn(format_args!(
                "another cytoken process has held the cache lock for over {held} s; \
                 exchanging without it"
            ));
        }
        let result = self.exchange_and_store(Some(key), usable);
        drop(guard);
        result
    }

    /// One exchange of the selection's flow. A flow with a prerequisite
    /// (a tenant's, the console's token) gets that token from a broker of its
    /// own selection, cached under its own key (one exchange for every flow
    /// that needs it), and when the endpoint refuses it (401), it is replaced
    /// once through compare-and-invalidate, then asked again.
    fn exchange(&self, secret: &Secret) -> Result<Exchanged> {
        let flow = self.sel.flow.steps();
        let Some(first) = flow.prerequisite() else {
            return self.ask(flow, secret, None);
        };
        let first = Selection {
            flow: first,
            ..self.sel.clone()
        };
        // --force-refresh is about this flow's token; the prerequisite's is
        // replaced only when the endpoint refuses it.
        let use_ = match self.cache_use {
            CacheUse::Refresh => CacheUse::Use,
            other => other,
        };
        let first_broker = Broker::with(&first, use_, self.clock, self.transport);
        // The prerequisite's failure is this caller's (told by this broker).
        let inherit = |e: Error| {
            self.replayed.set(first_broker.replayed.get());
            e
        };
        let bearer = first_broker.fetch().map_err(inherit)?;
        match self.ask(flow, secret, Some(bearer.access_token.expose())) {
            Err(e) if e.kind() == Kind::Rejected(401) => {
                diag::log(
                    1,
                    "the token the request carried was refused; replacing it once",
                );
                let fresh = first_broker
                    .fetch_replacement(bearer.access_token.expose())
                    .map_err(inherit)?;
                self.ask(flow, secret, Some(fresh.access_token.expose()))
            }
            other => other,
        }
    }

    /// Sends the flow's request (a fresh one per attempt) and reads the answer.
    fn ask(
        &self,
        flow: &dyn TokenFlow,
        secret: &Secret,
        bearer: Option<&str>,
    ) -> Result<Exchanged> {
        let endpoint = Endpoint {
            auth_url: flow.url(),
            ca_file: self.sel.transport.ca_file.clone(),
            timeout: self.sel.transport.timeout,
            connect_timeout: self.sel.transport.timeout.min(Duration::from_secs(5)),
            max_token: crate::cache::MAX_TOKEN,
        };
        let mut requested_exp = 0;
        let answer = self.transport.send(&endpoint, &mut || {
            let ask = Ask {
                secret,
                bearer,
                now: self.clock.now(),
            };
            let (call, exp) = flow.call(&ask)?;
            requested_exp = exp;
            Ok(call)
        })?;
        flow.read(&answer, requested_exp, self.clock.now())
    }

    /// Whether a recorded rejection was for the secret this caller has: one
    /// fixed since (a new password-manager entry, a new keyring value, the
    /// same key otherwise) is not held back. Reading the secret costs what the
    /// exchange the record would save costs, so it is done only here.
    fn same_secret(&self, f: &Failure) -> bool {
        let (Some(recorded), Ok(secret)) = (&f.secret, self.secret()) else {
            return true;
        };
        self.cache
            .secret_fingerprint(secret)
            .is_ok_and(|now| &now == recorded)
    }

    /// Answers from a recorded failure: the same rejection, or for an endpoint
    /// that was failing, the still-valid cached token (stale-on-error). A
    /// failure replayed from the record says so (see [`remembered`]): the
    /// warning here, an error through [`Broker::tell`].
    fn recorded(&self, f: Failure, usable: Option<&Entry>, replay: Replay) -> Result<Token> {
        let now = self.clock.now();
        match (f.unavailable, usable) {
            (false, _) | (true, None) => {
                if replay == Replay::Remembered {
                    self.replayed.set(Some(f.at));
                }
                Err(if f.unavailable {
                    Error::unavailable(f.message)
                } else {
                    Error::rejected(f.status, f.message)
                })
            }
            (true, Some(e)) => {
                let message = match replay {
                    Replay::Fresh => f.message,
                    Replay::Remembered => remembered(&f.message, f.at, now),
                };
                diag::warn(format_args!(
                    "{message}; serving the cached token, which expires in {} s",
                    e.expires_at.saturating_sub(now)
                ));
                Ok(self.token_of(e.clone(), true))
            }
        }
    }

    /// One exchange; stores the result (or records a rejection) when there is a key.
    fn exchange_and_store(&self, key: Option<&Key>, current: Option<&Entry>) -> Result<Token> {
        let start = Instant::now();
        let secret = self.secret()?;
        let result = self.exchange(secret);
        let facts = self.sel.flow.facts();
        diag::step(start, format_args!("exchange with {}", facts.auth_url));
        let now = self.clock.now();
        match result {
            Ok(Exchanged {
                access_token,
                expires_at,
                clock_skew,
            }) => {
                let entry = Entry {
                    access_token,
                    expires_at,
                    obtained_at: now,
                    profile: self.sel.profile.clone(),
                    tenant_id: facts.tenant_id.to_string(),
                    app_id: facts.app_id.to_string(),
                    auth_url: facts.auth_url.to_string(),
                    scopes: facts.scopes.to_vec(),
                    key: String::new(),
                };
                let life = expires_at.saturating_sub(now);
                if self.sel.cache_policy.min_valid > 0 && life <= self.sel.cache_policy.min_valid {
                    diag::warn(format_args!(
                        "the token endpoint granted a token valid for {life} s, not the \
                         {} s min_valid asks for; it is handed out anyway",
                        self.sel.cache_policy.min_valid
                    ));
                }
                if let Some(key) = key {
                    let start = Instant::now();
                    self.cache.clear_failure(key);
                    let _ = self.cache.prune_handouts(key, now);
                    match self.cache.write(key, &entry) {
                        Ok(()) => diag::step(start, "cache write"),
                        Err(e) => diag::warn(format_args!(
                            "could not write the cache entry {} ({e}); the token is not cached",
                            key.entry.display()
                        )),
                    }
                }
                Ok(Token {
                    clock_skew,
                    ..self.token_of(entry, false)
                })
            }
            Err(e) if matches!(e.kind(), Kind::Rejected(_) | Kind::Unavailable) => {
                let (status, unavailable) = match e.kind() {
                    Kind::Rejected(status) => (status, false),
                    _ => (0, true),
                };
                let f = Failure {
                    status,
                    message: e.message().to_string(),
                    at: now,
                    until: now.saturating_add(NEGATIVE_TTL),
                    unavailable,
                    secret: self.cache.secret_fingerprint(secret).ok(),
                };
                // Remembered briefly, so callers queued behind this one (and
                // those arriving in the next seconds) do not each hit a failing
                // endpoint again.
                if let Some(key) = key
                    && let Err(e) = self.cache.record_failure(key, &f)
                {
                    diag::log(1, format_args!("could not record the failure: {e}"));
                }
                self.recorded(f, current, Replay::Fresh)
            }
            Err(e) => Err(e),
        }
    }
}

/// The broker is the front-ends' token source.
impl TokenSource for Broker<'_> {
    fn token(&self) -> Result<Token> {
        Broker::token(self)
    }
    fn token_for_parent(&self, parent: Parent) -> Result<Token> {
        Broker::token_for_parent(self, parent)
    }
    fn invalidate_if_current(&self, token: &str) -> Result<bool> {
        Broker::invalidate(self, token)
    }
    fn clear(&self) -> Result<bool> {
        Broker::clear(self)
    }
}

mod report;
pub(crate) use report::Cached;
use report::{Replay, remembered};

#[cfg(test)]
mod tests;
