//! Unit tests of the broker's decisions, against the strict loopback emulator,
//! with a [`FixedClock`] for "now" and a fresh cache dir per test.
//!
//! The broker signs auth tokens with the injected clock and the emulator checks
//! them against its own (real time plus skew), so [`World::advance`] moves both.
//! Token expiries are then fully decided by the fixed clock: the emulator's
//! access token expires when the auth token does (`now + lifetime`).

use std::time::{Duration, Instant};

use cytoken_emulator::{Emulator, Fault};

use super::{Broker, CacheUse, Parent, Token};
use crate::cache::{Cache, Entry, Key};
use crate::clock::{Clock, FixedClock};
use crate::config::Selection;
use crate::error::{Kind, Result};
use crate::secret::{Secret, SecretSource};

/// Default lifetime and refresh margin of [`Selection::for_test`].
const LIFE: i64 = 1800;
const MARGIN: i64 = 300;

/// One test's emulator, cache dir, selection and clock.
struct World {
    emu: Emulator,
    sel: Selection,
    clock: FixedClock,
    /// Where the clock started (real now at set-up).
    t0: i64,
    _dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        World::with(|_| {})
    }

    /// A world whose selection `tweak` adjusts first.
    fn with(tweak: impl FnOnce(&mut Selection)) -> World {
        let dir = tempfile::tempdir().unwrap();
        let emu = Emulator::start().unwrap();
        emu.register_app("t", "a", "s3cret");
        let mut sel = Selection::for_test(&emu.url(), &dir.path().join("cache"));
        tweak(&mut sel);
        let t0 = crate::clock::now();
        World {
            emu,
            sel,
            clock: FixedClock::at(t0),
            t0,
            _dir: dir,
        }
    }

    fn broker(&self, cache_use: CacheUse) -> Broker<'_> {
        Broker::with_clock(&self.sel, cache_use, &self.clock)
    }

    /// One `cytoken token` call (a fresh broker, as a new process would have).
    fn token(&self) -> Result<Token> {
        self.broker(CacheUse::Use).token()
    }

    fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Moves our clock and the emulator's by `secs`, so they keep agreeing.
    fn advance(&self, secs: i64) {
        self.clock.advance(secs);
        self.emu.set_clock_skew(self.clock.now() - self.t0);
    }

    /// Makes the next `n` token requests answer 503 (with `Retry-After: 0`, so
    /// the exchange's retries do not sleep).
    fn fail_503(&self, n: usize) {
        for _ in 0..n {
            self.emu.push_fault(Fault::Status {
                status: 503,
                body: r#"{"message":"Service Unavailable"}"#.into(),
                headers: vec![("Retry-After".into(), "0".into())],
            });
        }
    }

    /// The cache key the broker uses for this selection.
    fn key(&self) -> Key {
        let material = self.sel.secret.fingerprint_material(&self.sel.env).unwrap();
        self.cache().key(&self.sel, material.as_ref()).unwrap()
    }

    fn cache(&self) -> Cache {
        Cache::new(&self.sel.cache_dir)
    }

    fn entry(&self) -> Option<Entry> {
        match self.cache().read(&self.key()) {
            crate::cache::Found::Ok(e) => Some(e),
            _ => None,
        }
    }
}

/// The exchange makes at most this many POSTs (src/exchange/mod.rs).
const ATTEMPTS: usize = 3;

#[test]
fn fixed_clock_stands_still_until_moved() {
    let c = FixedClock::at(1_000);
    assert_eq!(c.now(), 1_000);
    c.advance(25);
    assert_eq!(c.now(), 1_025);
    c.advance(-5);
    assert_eq!(c.now(), 1_020);
    assert_eq!(FixedClock::default().now(), 0);
}

#[test]
fn first_call_exchanges_and_stores_then_a_second_is_a_hit() {
    let w = World::new();
    let first = w.token().unwrap();
    assert!(!first.cached);
    assert_eq!(first.expires_at, w.t0 + LIFE);
    assert_eq!(first.refresh_at, w.t0 + LIFE - MARGIN);
    assert!(w.emu.verify_access_token(first.access_token.expose()));
    let e = w.entry().expect("the token is cached");
    assert_eq!(e.access_token, first.access_token);
    assert_eq!((e.obtained_at, e.expires_at), (w.t0, w.t0 + LIFE));

    let second = w.token().unwrap();
    assert!(second.cached);
    assert_eq!(second.access_token, first.access_token);
    assert_eq!(second.expires_at, first.expires_at);
    assert_eq!(second.refresh_at, first.refresh_at);
    assert_eq!(second.clock_skew, None);
    assert_eq!((w.emu.requests(), w.emu.issued()), (1, 1));
}

#[test]
fn a_token_is_served_until_expiry_less_the_margin_then_refreshed() {
    let w = World::new();
    let first = w.token().unwrap();
    w.advance(LIFE - MARGIN - 1);
    let t = w.token().unwrap();
    assert!(t.cached, "one second before stale_at is still a hit");
    assert_eq!(t.access_token, first.access_token);
    assert_eq!(w.emu.requests(), 1);

    w.advance(1); // exactly stale_at: stale
    let fresh = w.token().unwrap();
    assert!(!fresh.cached);
    assert_ne!(fresh.access_token, first.access_token);
    assert_eq!(fresh.expires_at, w.now() + LIFE);
    assert_eq!(w.emu.requests(), 2);
    // The replacement is what the cache now serves.
    let t = w.token().unwrap();
    assert!(t.cached);
    assert_eq!(t.access_token, fresh.access_token);
    assert_eq!(w.emu.requests(), 2);
}

#[test]
fn an_expired_entry_is_never_served() {
    let w = World::new();
    let first = w.token().unwrap();
    w.advance(LIFE); // now == expires_at
    let t = w.token().unwrap();
    assert!(!t.cached);
    assert_ne!(t.access_token, first.access_token);
    assert!(t.expires_at > w.now());
    assert_eq!(w.emu.requests(), 2);
}

#[test]
fn stale_on_error_serves_a_still_valid_token_and_remembers_the_outage() {
    let w = World::new();
    let first = w.token().unwrap();
    w.advance(LIFE - MARGIN + 100); // stale, 200 s left
    w.fail_503(ATTEMPTS);
    let t = w.token().unwrap();
    assert!(t.cached);
    assert_eq!(t.access_token, first.access_token);
    assert_eq!(t.expires_at, first.expires_at);
    // Announced as good for another minute only.
    assert_eq!(t.refresh_at, w.now() + 60);
    assert_eq!(w.emu.requests(), 1 + ATTEMPTS);

    // Within the negative TTL, callers get the cached token without a request.
    w.advance(9);
    let t = w.token().unwrap();
    assert!(t.cached);
    assert_eq!(t.access_token, first.access_token);
    assert_eq!(w.emu.requests(), 1 + ATTEMPTS);

    // Past it, and with the endpoint back, the token is refreshed.
    w.advance(1);
    let t = w.token().unwrap();
    assert!(!t.cached);
    assert_ne!(t.access_token, first.access_token);
    assert_eq!(w.emu.requests(), 2 + ATTEMPTS);
    // The success cleared the record.
    assert!(!w.key().failure.exists());
}

#[test]
fn stale_on_error_with_an_expired_token_fails_with_exit_4() {
    let w = World::new();
    w.token().unwrap();
    w.advance(LIFE);
    w.fail_503(ATTEMPTS);
    let e = w.token().unwrap_err();
    assert_eq!(e.kind(), Kind::Unavailable);
    assert_eq!(e.exit_code(), 4);
    assert!(e.message().contains("503"), "{e}");
    assert_eq!(w.emu.requests(), 1 + ATTEMPTS);
    // Queued callers fail fast with the same message, without a request.
    let again = w.token().unwrap_err();
    assert_eq!(again, e);
    assert_eq!(w.emu.requests(), 1 + ATTEMPTS);
}

#[test]
fn a_rejection_is_remembered_for_ten_seconds() {
    let w = World::new();
    w.emu.register_app("t", "a", "rotated");
    let e = w.token().unwrap_err();
    assert_eq!(e.kind(), Kind::Rejected(401));
    assert_eq!(e.exit_code(), 3);
    assert_eq!(w.emu.requests(), 1);
    assert!(w.key().failure.exists());

    // Within the TTL: the same answer, no request.
    w.advance(9);
    assert_eq!(w.token().unwrap_err(), e);
    assert_eq!(w.emu.requests(), 1);

    // At `until` the record has run out: asked again (and recorded again).
    w.advance(1);
    assert_eq!(w.token().unwrap_err(), e);
    assert_eq!(w.emu.requests(), 2);
    assert_eq!(w.token().unwrap_err(), e);
    assert_eq!(w.emu.requests(), 2);

    // --force-refresh bypasses the record.
    assert_eq!(w.broker(CacheUse::Refresh).token().unwrap_err(), e);
    assert_eq!(w.emu.requests(), 3);

    // Once the secret is right a forced refresh succeeds and clears the record,
    // so the next call is a plain hit.
    w.emu.register_app("t", "a", "s3cret");
    assert_eq!(w.token().unwrap_err(), e, "still held back by the record");
    let t = w.broker(CacheUse::Refresh).token().unwrap();
    assert!(!t.cached);
    assert!(!w.key().failure.exists());
    let hit = w.token().unwrap();
    assert!(hit.cached);
    assert_eq!(hit.access_token, t.access_token);
    assert_eq!(w.emu.requests(), 4);
}

#[test]
fn a_rejection_does_not_hold_back_a_caller_with_another_secret() {
    let w = World::new();
    w.emu.register_app("t", "a", "rotated");
    w.token().unwrap_err();
    assert_eq!(w.emu.requests(), 1);
    // The user fixed the secret: another key, so no record holds it back.
    let mut fixed = w.sel.clone();
    fixed.secret = SecretSource::Inline(Secret::new("rotated".into()));
    let t = Broker::with_clock(&fixed, CacheUse::Use, &w.clock)
        .token()
        .unwrap();
    assert!(!t.cached);
    assert_eq!(w.emu.requests(), 2);
}

#[test]
fn a_rejection_is_not_hidden_by_a_stale_token() {
    // Stale-on-error is for an unavailable endpoint; a 401 is an answer.
    let w = World::new();
    w.token().unwrap();
    w.advance(LIFE - MARGIN + 1);
    w.emu
        .push_fault(Fault::status(401, r#"{"message":"Invalid JWT payload"}"#));
    let e = w.token().unwrap_err();
    assert_eq!(e.kind(), Kind::Rejected(401));
    assert_eq!(w.emu.requests(), 2);
}

#[test]
fn the_margin_is_capped_at_half_the_tokens_life() {
    // A margin longer than the life would make every call exchange.
    let w = World::with(|s| {
        s.lifetime = 100;
        s.refresh_margin = 300;
    });
    let first = w.token().unwrap();
    assert_eq!(first.expires_at, w.t0 + 100);
    assert_eq!(first.refresh_at, w.t0 + 50);
    w.advance(49);
    let t = w.token().unwrap();
    assert!(t.cached);
    assert_eq!(t.access_token, first.access_token);
    assert_eq!(w.emu.requests(), 1);
    w.advance(1);
    assert!(!w.token().unwrap().cached);
    assert_eq!(w.emu.requests(), 2);
}

#[test]
fn a_server_granting_less_than_asked_still_yields_cache_hits() {
    // Asked for 1800 s with a 300 s margin; the server grants 100 s.
    let w = World::new();
    w.emu.push_fault(Fault::status(
        200,
        r#"{"access_token":"opaque-short-lived","expires_in":100}"#,
    ));
    let first = w.token().unwrap();
    assert!(!first.cached);
    assert_eq!(first.access_token.expose(), "opaque-short-lived");
    // `expires_in` counts from the real clock, which may have ticked once.
    assert!((w.t0 + 100..=w.t0 + 101).contains(&first.expires_at));
    assert_eq!(first.refresh_at, first.expires_at - 50);
    w.advance(40);
    let t = w.token().unwrap();
    assert!(t.cached);
    assert_eq!(t.access_token, first.access_token);
    assert_eq!(w.emu.requests(), 1);
}

#[test]
fn lock_timeout_serves_a_valid_token_or_exchanges_without_the_lock() {
    let w = World::with(|s| s.lock_timeout = Duration::from_millis(300));
    let first = w.token().unwrap();
    let key = w.key();
    let _held = w.cache().lock(&key, Duration::ZERO).unwrap().expect("lock");

    // Stale but valid: served after the bounded wait, without an exchange.
    w.advance(LIFE - MARGIN + 1);
    let start = Instant::now();
    let t = w.token().unwrap();
    assert!(start.elapsed() >= w.sel.lock_timeout);
    assert!(t.cached);
    assert_eq!(t.access_token, first.access_token);
    assert_eq!(t.refresh_at, w.now() + 60);
    assert_eq!(w.emu.requests(), 1);

    // Expired: exchanged without the lock, and stored.
    w.advance(MARGIN);
    let start = Instant::now();
    let t = w.token().unwrap();
    assert!(start.elapsed() >= w.sel.lock_timeout);
    assert!(!t.cached);
    assert_ne!(t.access_token, first.access_token);
    assert_eq!(w.emu.requests(), 2);
    assert_eq!(w.entry().unwrap().access_token, t.access_token);
}

#[test]
fn a_waiter_takes_the_token_another_process_stored_under_the_lock() {
    let w = World::new();
    w.token().unwrap();
    w.advance(LIFE - MARGIN + 1);
    let key = w.key();
    let held = w.cache().lock(&key, Duration::ZERO).unwrap().expect("lock");
    let theirs = Entry {
        access_token: "refreshed-elsewhere".into(),
        obtained_at: w.now(),
        expires_at: w.now() + LIFE,
        ..w.entry().unwrap()
    };
    let cache = w.cache();
    let t = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            cache.write(&key, &theirs).unwrap();
            drop(held);
        });
        w.token().unwrap()
    });
    assert!(t.cached);
    assert_eq!(t.access_token.expose(), "refreshed-elsewhere");
    assert_eq!(w.emu.requests(), 1);
}

#[test]
fn concurrent_callers_with_a_cold_cache_cause_one_exchange() {
    let w = World::new();
    w.emu.set_delay(Duration::from_millis(150));
    let tokens: Vec<Token> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let clock = FixedClock::at(w.t0);
                    Broker::with_clock(&w.sel, CacheUse::Use, &clock)
                        .token()
                        .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(w.emu.requests(), 1);
    assert_eq!(tokens.iter().filter(|t| !t.cached).count(), 1);
    assert!(
        tokens
            .iter()
            .all(|t| t.access_token == tokens[0].access_token)
    );
}

#[test]
fn a_damaged_entry_is_a_miss_and_is_replaced() {
    let w = World::new();
    w.token().unwrap();
    std::fs::write(w.key().entry, b"{\"access_token\":").unwrap();
    let t = w.token().unwrap();
    assert!(!t.cached);
    assert_eq!(w.emu.requests(), 2);
    assert!(w.token().unwrap().cached);
    assert_eq!(w.emu.requests(), 2);
}

#[test]
fn bypass_neither_reads_nor_writes_the_cache() {
    let w = World::new();
    let b = w.broker(CacheUse::Bypass);
    let one = b.token().unwrap();
    let two = b.token().unwrap();
    assert!(!one.cached && !two.cached);
    assert_ne!(one.access_token, two.access_token);
    assert_eq!(w.emu.requests(), 2);
    assert!(w.entry().is_none());
}

#[test]
fn force_refresh_mints_a_new_token_and_stores_it() {
    let w = World::new();
    let first = w.token().unwrap();
    let forced = w.broker(CacheUse::Refresh).token().unwrap();
    assert!(!forced.cached);
    assert_ne!(forced.access_token, first.access_token);
    assert_eq!(w.token().unwrap().access_token, forced.access_token);
    assert_eq!(w.emu.requests(), 2);
}

#[test]
fn a_reask_from_the_same_parent_replaces_the_token_once() {
    let w = World::new();
    let b = w.broker(CacheUse::Use);
    let kubectl = Parent {
        pid: 100,
        started: Some(7),
    };
    let other = Parent {
        pid: 200,
        started: Some(7),
    };
    let first = b.token_for_parent(kubectl).unwrap();
    assert_eq!(w.emu.requests(), 1);

    // The same process asking again before its time: the token was rejected.
    let second = b.token_for_parent(kubectl).unwrap();
    assert!(!second.cached);
    assert_ne!(second.access_token, first.access_token);
    assert_eq!(w.emu.requests(), 2);

    // Another process is served the replacement from the cache.
    let t = b.token_for_parent(other).unwrap();
    assert!(t.cached);
    assert_eq!(t.access_token, second.access_token);
    // So is a recycled pid (another start time) holding nothing yet.
    let recycled = Parent {
        pid: 100,
        started: Some(8),
    };
    assert_eq!(
        b.token_for_parent(recycled).unwrap().access_token,
        second.access_token
    );
    assert_eq!(w.emu.requests(), 2);

    // A second re-ask for the replacement is served, not replaced.
    for _ in 0..2 {
        let t = b.token_for_parent(kubectl).unwrap();
        assert_eq!(t.access_token, second.access_token);
    }
    assert_eq!(w.emu.requests(), 2);
}

#[test]
fn replace_does_not_exchange_when_another_process_already_replaced() {
    let w = World::new();
    let rejected = w.token().unwrap();
    let replacement = w
        .broker(CacheUse::Use)
        .replace(rejected.access_token.expose())
        .unwrap();
    assert!(!replacement.cached);
    assert_ne!(replacement.access_token, rejected.access_token);
    assert_eq!(w.emu.requests(), 2);

    // A late report that the first token was rejected: already replaced.
    let again = w
        .broker(CacheUse::Use)
        .replace(rejected.access_token.expose())
        .unwrap();
    assert!(again.cached);
    assert_eq!(again.access_token, replacement.access_token);
    assert_eq!(w.emu.requests(), 2);

    // A report that the replacement was rejected does replace it.
    let third = w
        .broker(CacheUse::Use)
        .replace(replacement.access_token.expose())
        .unwrap();
    assert!(!third.cached);
    assert_ne!(third.access_token, replacement.access_token);
    assert_eq!(w.emu.requests(), 3);
}

#[test]
fn replace_never_hands_out_a_stale_or_expired_replacement() {
    // Long after, a report that `a` was rejected: the entry holds its
    // replacement `b`, but `b` has gone stale (or expired) meanwhile, so a new
    // token is minted, as for any stale entry.
    for later in [LIFE - MARGIN, LIFE] {
        let w = World::new();
        let a = w.token().unwrap();
        let b = w
            .broker(CacheUse::Use)
            .replace(a.access_token.expose())
            .unwrap();
        assert_eq!(w.emu.requests(), 2);
        w.advance(later);
        let t = w
            .broker(CacheUse::Use)
            .replace(a.access_token.expose())
            .unwrap();
        assert!(t.expires_at > w.now(), "an expired token was handed out");
        assert_ne!(t.access_token, b.access_token, "{later} s later");
        assert!(!t.cached);
        assert_eq!(t.refresh_at, w.now() + LIFE - MARGIN);
        assert_eq!(w.emu.requests(), 3);
    }
}

#[test]
fn a_rejected_token_is_never_served_as_a_fallback() {
    let w = World::new();
    let a = w.token().unwrap();
    w.fail_503(ATTEMPTS);
    let e = w
        .broker(CacheUse::Use)
        .replace(a.access_token.expose())
        .unwrap_err();
    assert_eq!(e.exit_code(), 4);
    assert_eq!(w.emu.requests(), 1 + ATTEMPTS);
}

#[test]
fn invalidate_drops_the_entry_only_if_it_still_holds_that_token() {
    let w = World::new();
    let a = w.token().unwrap();
    assert!(
        !w.broker(CacheUse::Use)
            .invalidate("some-other-token")
            .unwrap()
    );
    assert_eq!(w.entry().unwrap().access_token, a.access_token);
    assert!(w.token().unwrap().cached);
    assert_eq!(w.emu.requests(), 1);

    assert!(
        w.broker(CacheUse::Use)
            .invalidate(a.access_token.expose())
            .unwrap()
    );
    assert!(w.entry().is_none());
    let b = w.token().unwrap();
    assert!(!b.cached);
    assert_eq!(w.emu.requests(), 2);

    // A stale report about `a` leaves the newer `b` alone.
    assert!(
        !w.broker(CacheUse::Use)
            .invalidate(a.access_token.expose())
            .unwrap()
    );
    assert_eq!(w.entry().unwrap().access_token, b.access_token);
}
