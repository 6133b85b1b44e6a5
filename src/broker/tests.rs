//! Unit tests of the broker's rules, through a scripted flow
//! ([`crate::flow::fake`]) and a fake transport that counts the requests and
//! answers as it is told, with a [`FixedClock`] for "now" and a fresh cache
//! dir per test. Two tests go through the real HTTP stack against the strict
//! loopback emulator.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cytoken_emulator::Emulator;

use super::{Broker, CacheUse, Parent, Token};
use crate::cache::{Cache, Entry, Key};
use crate::clock::{Clock, FixedClock};
use crate::config::Selection;
use crate::error::{Error, Kind, Result};
use crate::exchange::{Answer, Call, Endpoint, Http, Transport};
use crate::flow::Flow;
use crate::flow::fake::Fake;
use crate::secret::{Secret, SecretSource};

/// The fake flow's lifetime and [`Selection::for_test`]'s refresh margin.
const LIFE: i64 = 1800;
const MARGIN: i64 = 300;

/// What the fake endpoint says to one request.
enum Say {
    /// This status and body.
    Status(u16, &'static str),
    /// Nothing: the exchange gave up (what [`crate::exchange::exchange_call`]
    /// returns after its retries).
    Down,
}

/// A transport that counts requests and answers from a script, then with a
/// fresh token (`tok-N`, N the request's number) once the script runs out.
#[derive(Default)]
struct FakeTransport {
    script: Mutex<VecDeque<Say>>,
    requests: AtomicUsize,
    /// Each request's URL and `Authorization` header, in order.
    sent: Mutex<Vec<(String, Option<String>)>>,
    /// How long each request takes.
    delay: Duration,
}

impl FakeTransport {
    fn say(&self, say: Say) {
        self.script.lock().unwrap().push_back(say);
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn sent(&self) -> Vec<(String, Option<String>)> {
        self.sent.lock().unwrap().clone()
    }
}

impl Transport for FakeTransport {
    fn send(&self, endpoint: &Endpoint, mint: &mut dyn FnMut() -> Result<Call>) -> Result<Answer> {
        let call = mint()?;
        let n = self.requests.fetch_add(1, Ordering::SeqCst) + 1;
        self.sent.lock().unwrap().push((
            endpoint.auth_url.clone(),
            call.authorization().map(String::from),
        ));
        std::thread::sleep(self.delay);
        match self.script.lock().unwrap().pop_front() {
            None => Ok(Answer::for_test(
                200,
                &format!(r#"{{"access_token":"tok-{n}"}}"#),
            )),
            Some(Say::Status(status, body)) => Ok(Answer::for_test(status, body)),
            Some(Say::Down) => Err(Error::unavailable(
                "token endpoint fake unavailable after 3 attempts: 503 Service Unavailable",
            )),
        }
    }
}

/// A fake flow named `name`, with `prerequisite`.
fn fake(name: &str, prerequisite: Option<Fake>) -> Flow {
    Flow::Fake(Fake {
        name: name.into(),
        lifetime: LIFE,
        prerequisite: prerequisite.map(Box::new),
    })
}

/// One test's cache dir, selection, clock and fake transport.
struct World {
    sel: Selection,
    clock: FixedClock,
    net: FakeTransport,
    /// Where the clock started.
    t0: i64,
    _dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        World::with(|_| {})
    }

    /// A world whose selection `tweak` adjusts first.
    fn with(tweak: impl FnOnce(&mut Selection)) -> World {
        World::slow(Duration::ZERO, tweak)
    }

    /// A world whose requests each take `delay`.
    fn slow(delay: Duration, tweak: impl FnOnce(&mut Selection)) -> World {
        let dir = tempfile::tempdir().unwrap();
        let mut sel = Selection::for_test("https://unused.invalid/", &dir.path().join("cache"));
        sel.flow = fake("t", None);
        tweak(&mut sel);
        let t0 = 1_700_000_000;
        World {
            sel,
            clock: FixedClock::at(t0),
            net: FakeTransport {
                delay,
                ..FakeTransport::default()
            },
            t0,
            _dir: dir,
        }
    }

    fn broker(&self, cache_use: CacheUse) -> Broker<'_> {
        self.broker_of(&self.sel, cache_use)
    }

    fn broker_of<'a>(&'a self, sel: &'a Selection, cache_use: CacheUse) -> Broker<'a> {
        Broker::with(sel, cache_use, &self.clock, &self.net)
    }

    /// One `cytoken token` call (a fresh broker, as a new process would have).
    fn token(&self) -> Result<Token> {
        self.broker(CacheUse::Use).token()
    }

    fn now(&self) -> i64 {
        self.clock.now()
    }

    fn advance(&self, secs: i64) {
        self.clock.advance(secs);
    }

    fn requests(&self) -> usize {
        self.net.requests()
    }

    /// The next `n` exchanges give up (the endpoint is down).
    fn down(&self, n: usize) {
        for _ in 0..n {
            self.net.say(Say::Down);
        }
    }

    /// The next `n` requests are refused with a 401.
    fn refuse(&self, n: usize) {
        for _ in 0..n {
            self.net
                .say(Say::Status(401, r#"{"message":"Invalid JWT payload"}"#));
        }
    }

    /// The cache key the broker uses for this selection.
    fn key(&self) -> Key {
        key_of(&self.sel)
    }

    fn cache(&self) -> Cache {
        Cache::new(&self.sel.cache_policy.cache_dir)
    }

    fn entry(&self) -> Option<Entry> {
        match self.cache().read(&self.key()) {
            crate::cache::Found::Ok(e) => Some(e),
            _ => None,
        }
    }
}

/// The cache key a broker uses for `sel`.
fn key_of(sel: &Selection) -> Key {
    let material = sel.secret.fingerprint_material(&sel.env).unwrap();
    Cache::new(&sel.cache_policy.cache_dir)
        .key(sel, material.as_ref())
        .unwrap()
}

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
    assert_eq!(first.access_token.expose(), "tok-1");
    assert_eq!(first.expires_at, w.t0 + LIFE);
    assert_eq!(first.refresh_at, w.t0 + LIFE - MARGIN);
    let e = w.entry().expect("the token is cached");
    assert_eq!(e.access_token, first.access_token);
    assert_eq!((e.obtained_at, e.expires_at), (w.t0, w.t0 + LIFE));

    let second = w.token().unwrap();
    assert!(second.cached);
    assert_eq!(second.access_token, first.access_token);
    assert_eq!(second.expires_at, first.expires_at);
    assert_eq!(second.refresh_at, first.refresh_at);
    assert_eq!(second.clock_skew, None);
    assert_eq!(w.requests(), 1);
}

#[test]
fn a_token_is_served_until_expiry_less_the_margin_then_refreshed() {
    let w = World::new();
    let first = w.token().unwrap();
    w.advance(LIFE - MARGIN - 1);
    let t = w.token().unwrap();
    assert!(t.cached, "one second before stale_at is still a hit");
    assert_eq!(t.access_token, first.access_token);
    assert_eq!(w.requests(), 1);

    w.advance(1); // exactly stale_at: stale
    let fresh = w.token().unwrap();
    assert!(!fresh.cached);
    assert_ne!(fresh.access_token, first.access_token);
    assert_eq!(fresh.expires_at, w.now() + LIFE);
    assert_eq!(w.requests(), 2);
    // The replacement is what the cache now serves.
    let t = w.token().unwrap();
    assert!(t.cached);
    assert_eq!(t.access_token, fresh.access_token);
    assert_eq!(w.requests(), 2);
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
    assert_eq!(w.requests(), 2);
}

/// Broken by serving nothing from a recorded outage (`recorded`'s
/// `(true, Some(e))` arm an error), or by not recording it: fails.
#[test]
fn stale_on_error_serves_a_still_valid_token_and_remembers_the_outage() {
    let w = World::new();
    let first = w.token().unwrap();
    w.advance(LIFE - MARGIN + 100); // stale, 200 s left
    w.down(1);
    let t = w.token().unwrap();
    assert!(t.cached);
    assert_eq!(t.access_token, first.access_token);
    assert_eq!(t.expires_at, first.expires_at);
    // Announced as good for another minute only.
    assert_eq!(t.refresh_at, w.now() + 60);
    assert_eq!(w.requests(), 2);

    // Within the negative TTL, callers get the cached token without a request.
    w.advance(9);
    let t = w.token().unwrap();
    assert!(t.cached);
    assert_eq!(t.access_token, first.access_token);
    assert_eq!(w.requests(), 2);

    // Past it, and with the endpoint back, the token is refreshed.
    w.advance(1);
    let t = w.token().unwrap();
    assert!(!t.cached);
    assert_ne!(t.access_token, first.access_token);
    assert_eq!(w.requests(), 3);
    // The success cleared the record.
    assert!(!w.key().failure.exists());
}

#[test]
fn stale_on_error_with_an_expired_token_fails_with_exit_4() {
    let w = World::new();
    w.token().unwrap();
    w.advance(LIFE);
    w.down(1);
    let e = w.token().unwrap_err();
    assert_eq!(e.kind(), Kind::Unavailable);
    assert_eq!(e.exit_code(), 4);
    assert!(e.message().contains("503"), "{e}");
    assert_eq!(w.requests(), 2);
    // Queued callers fail fast with the same message, said to be
    // remembered, without a request.
    let again = w.token().unwrap_err();
    assert_eq!(again, replayed(&e, 0));
    assert_eq!(w.requests(), 2);
}

/// `first` as a caller hears it replayed from the record `age` s later.
fn replayed(first: &Error, age: i64) -> Error {
    Error::new(
        first.kind(),
        format!(
            "{} (remembered from {age} s ago; `--force-refresh` retries now)",
            first.message()
        ),
    )
}

/// The negative cache. Broken by skipping the recorded failure in
/// `refresh` (or by recording none): fails.
#[test]
fn a_rejection_is_remembered_for_ten_seconds() {
    let w = World::new();
    w.refuse(3);
    let e = w.token().unwrap_err();
    assert_eq!(e.kind(), Kind::Rejected(401));
    assert_eq!(e.exit_code(), 3);
    assert!(e.message().contains("Invalid JWT payload"), "{e}");
    assert_eq!(w.requests(), 1);
    assert!(w.key().failure.exists());

    // Within the TTL: the same answer, said to be remembered, no request.
    w.advance(9);
    assert_eq!(w.token().unwrap_err(), replayed(&e, 9));
    assert_eq!(w.requests(), 1);

    // At `until` the record has run out: asked again (and recorded again).
    w.advance(1);
    assert_eq!(w.token().unwrap_err(), e);
    assert_eq!(w.requests(), 2);
    assert_eq!(w.token().unwrap_err(), replayed(&e, 0));
    assert_eq!(w.requests(), 2);

    // --force-refresh bypasses the record.
    assert_eq!(w.broker(CacheUse::Refresh).token().unwrap_err(), e);
    assert_eq!(w.requests(), 3);

    // Once the endpoint accepts again a forced refresh succeeds and clears
    // the record, so the next call is a plain hit.
    assert_eq!(
        w.token().unwrap_err(),
        replayed(&e, 0),
        "still held back by the record"
    );
    let t = w.broker(CacheUse::Refresh).token().unwrap();
    assert!(!t.cached);
    assert!(!w.key().failure.exists());
    let hit = w.token().unwrap();
    assert!(hit.cached);
    assert_eq!(hit.access_token, t.access_token);
    assert_eq!(w.requests(), 4);
}

#[test]
fn a_rejection_does_not_hold_back_a_caller_with_another_secret() {
    let w = World::new();
    w.refuse(1);
    w.token().unwrap_err();
    assert_eq!(w.requests(), 1);
    // The user fixed the secret: another key, so no record holds it back.
    let mut fixed = w.sel.clone();
    fixed.secret = SecretSource::Inline(Secret::new("rotated".into()));
    let t = w.broker_of(&fixed, CacheUse::Use).token().unwrap();
    assert!(!t.cached);
    assert_eq!(w.requests(), 2);
}

#[test]
fn a_rejection_is_not_hidden_by_a_stale_token() {
    // Stale-on-error is for an unavailable endpoint; a 401 is an answer.
    let w = World::new();
    w.token().unwrap();
    w.advance(LIFE - MARGIN + 1);
    w.refuse(1);
    let e = w.token().unwrap_err();
    assert_eq!(e.kind(), Kind::Rejected(401));
    assert_eq!(w.requests(), 2);
}

#[test]
fn the_margin_is_capped_at_half_the_tokens_life() {
    // A margin longer than the life would make every call exchange.
    let w = World::with(|s| {
        s.flow = Flow::Fake(Fake {
            name: "t".into(),
            lifetime: 100,
            prerequisite: None,
        });
        s.cache_policy.refresh_margin = 300;
    });
    let first = w.token().unwrap();
    assert_eq!(first.expires_at, w.t0 + 100);
    assert_eq!(first.refresh_at, w.t0 + 50);
    w.advance(49);
    let t = w.token().unwrap();
    assert!(t.cached);
    assert_eq!(t.access_token, first.access_token);
    assert_eq!(w.requests(), 1);
    w.advance(1);
    assert!(!w.token().unwrap().cached);
    assert_eq!(w.requests(), 2);
}

#[test]
fn a_server_granting_less_than_asked_still_yields_cache_hits() {
    // Asked for 1800 s with a 300 s margin; the server grants 100 s.
    let w = World::new();
    w.net.say(Say::Status(
        200,
        r#"{"access_token":"opaque-short-lived","expires_in":100}"#,
    ));
    let first = w.token().unwrap();
    assert!(!first.cached);
    assert_eq!(first.access_token.expose(), "opaque-short-lived");
    assert_eq!(first.expires_at, w.t0 + 100);
    assert_eq!(first.refresh_at, first.expires_at - 50);
    w.advance(40);
    let t = w.token().unwrap();
    assert!(t.cached);
    assert_eq!(t.access_token, first.access_token);
    assert_eq!(w.requests(), 1);
}

#[test]
fn lock_timeout_serves_a_valid_token_or_exchanges_without_the_lock() {
    let w = World::with(|s| s.cache_policy.lock_timeout = Duration::from_millis(300));
    let first = w.token().unwrap();
    let key = w.key();
    let _held = w.cache().lock(&key, Duration::ZERO).unwrap().expect("lock");

    // Stale but valid: served after the bounded wait, without an exchange.
    w.advance(LIFE - MARGIN + 1);
    let start = Instant::now();
    let t = w.token().unwrap();
    assert!(start.elapsed() >= w.sel.cache_policy.lock_timeout);
    assert!(t.cached);
    assert_eq!(t.access_token, first.access_token);
    assert_eq!(t.refresh_at, w.now() + 60);
    assert_eq!(w.requests(), 1);

    // Expired: exchanged without the lock, and stored.
    w.advance(MARGIN);
    let start = Instant::now();
    let t = w.token().unwrap();
    assert!(start.elapsed() >= w.sel.cache_policy.lock_timeout);
    assert!(!t.cached);
    assert_ne!(t.access_token, first.access_token);
    assert_eq!(w.requests(), 2);
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
    assert_eq!(w.requests(), 1);
}

/// The stampede: brokers on eight threads (eight processes), one cache dir,
/// a slow endpoint. Broken by dropping the re-read under the lock in
/// `refresh` (or the lock): fails with up to eight requests.
#[test]
fn concurrent_callers_with_a_cold_cache_cause_one_exchange() {
    let w = World::slow(Duration::from_millis(150), |_| {});
    let tokens: Vec<Token> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let clock = FixedClock::at(w.t0);
                    Broker::with(&w.sel, CacheUse::Use, &clock, &w.net)
                        .token()
                        .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(w.requests(), 1);
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
    assert_eq!(w.requests(), 2);
    assert!(w.token().unwrap().cached);
    assert_eq!(w.requests(), 2);
}

#[test]
fn bypass_neither_reads_nor_writes_the_cache() {
    let w = World::new();
    let b = w.broker(CacheUse::Bypass);
    let one = b.token().unwrap();
    let two = b.token().unwrap();
    assert!(!one.cached && !two.cached);
    assert_ne!(one.access_token, two.access_token);
    assert_eq!(w.requests(), 2);
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
    assert_eq!(w.requests(), 2);
}

/// The kubectl re-ask. Broken by never taking a re-ask for a rejection
/// (`reask` false in `token_for_parent`), or by taking every ask for one:
/// fails.
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
    assert_eq!(w.requests(), 1);

    // The same process asking again before its time: the token was rejected.
    let second = b.token_for_parent(kubectl).unwrap();
    assert!(!second.cached);
    assert_ne!(second.access_token, first.access_token);
    assert_eq!(w.requests(), 2);

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
    assert_eq!(w.requests(), 2);

    // A second re-ask for the replacement is served, not replaced.
    for _ in 0..2 {
        let t = b.token_for_parent(kubectl).unwrap();
        assert_eq!(t.access_token, second.access_token);
    }
    assert_eq!(w.requests(), 2);

    // Past the time it was told, the parent asks again for a fresh token:
    // not a re-ask.
    w.advance(LIFE - MARGIN);
    let later = b.token_for_parent(kubectl).unwrap();
    assert!(!later.cached);
    assert_eq!(w.requests(), 3);
    assert_eq!(
        b.token_for_parent(other).unwrap().access_token,
        later.access_token
    );
    assert_eq!(w.requests(), 3);
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
    assert_eq!(w.requests(), 2);

    // A late report that the first token was rejected: already replaced.
    let again = w
        .broker(CacheUse::Use)
        .replace(rejected.access_token.expose())
        .unwrap();
    assert!(again.cached);
    assert_eq!(again.access_token, replacement.access_token);
    assert_eq!(w.requests(), 2);

    // A report that the replacement was rejected does replace it.
    let third = w
        .broker(CacheUse::Use)
        .replace(replacement.access_token.expose())
        .unwrap();
    assert!(!third.cached);
    assert_ne!(third.access_token, replacement.access_token);
    assert_eq!(w.requests(), 3);
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
        assert_eq!(w.requests(), 2);
        w.advance(later);
        let t = w
            .broker(CacheUse::Use)
            .replace(a.access_token.expose())
            .unwrap();
        assert!(t.expires_at > w.now(), "an expired token was handed out");
        assert_ne!(t.access_token, b.access_token, "{later} s later");
        assert!(!t.cached);
        assert_eq!(t.refresh_at, w.now() + LIFE - MARGIN);
        assert_eq!(w.requests(), 3);
    }
}

#[test]
fn a_rejected_token_is_never_served_as_a_fallback() {
    let w = World::new();
    let a = w.token().unwrap();
    w.down(1);
    let e = w
        .broker(CacheUse::Use)
        .replace(a.access_token.expose())
        .unwrap_err();
    assert_eq!(e.exit_code(), 4);
    assert_eq!(w.requests(), 2);
}

/// Compare-and-invalidate. Broken by removing the entry whatever token it
/// holds: fails.
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
    assert_eq!(w.requests(), 1);

    assert!(
        w.broker(CacheUse::Use)
            .invalidate(a.access_token.expose())
            .unwrap()
    );
    assert!(w.entry().is_none());
    let b = w.token().unwrap();
    assert!(!b.cached);
    assert_eq!(w.requests(), 2);

    // A stale report about `a` leaves the newer `b` alone.
    assert!(
        !w.broker(CacheUse::Use)
            .invalidate(a.access_token.expose())
            .unwrap()
    );
    assert_eq!(w.entry().unwrap().access_token, b.access_token);
}

/// Two flows with one prerequisite (two tenants of one console).
fn tenants(w: &World) -> (Selection, Selection) {
    let console = Fake {
        name: "console".into(),
        lifetime: LIFE,
        prerequisite: None,
    };
    let of = |name: &str| Selection {
        flow: fake(name, Some(console.clone())),
        ..w.sel.clone()
    };
    (of("tenant-a"), of("tenant-b"))
}

/// The prerequisite's token is exchanged once, cached under its own key,
/// and carried by every request that needs it.
#[test]
fn a_prerequisite_is_fetched_once_for_every_flow_that_needs_it() {
    let w = World::new();
    let (a, b) = tenants(&w);
    let ta = w.broker_of(&a, CacheUse::Use).token().unwrap();
    let tb = w.broker_of(&b, CacheUse::Use).token().unwrap();
    assert_ne!(ta.access_token, tb.access_token);
    let sent = w.net.sent();
    let urls: Vec<&str> = sent.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://fake.invalid/console",
            "https://fake.invalid/tenant-a",
            "https://fake.invalid/tenant-b"
        ]
    );
    let bearer = Some("Bearer tok-1".to_string());
    assert_eq!((&sent[1].1, &sent[2].1), (&bearer, &bearer));
    // Each is cached under its own key.
    let console = Selection {
        flow: fake("console", None),
        ..w.sel.clone()
    };
    for sel in [&a, &b, &console] {
        assert!(key_of(sel).entry.exists());
    }
    assert!(w.broker_of(&a, CacheUse::Use).token().unwrap().cached);
    assert_eq!(w.requests(), 3);
}

/// A refused prerequisite (401) is replaced once, then asked again; a second
/// refusal is the answer. Broken by not replacing it (or replacing it without
/// end): fails.
#[test]
fn a_refused_prerequisite_is_replaced_once() {
    let w = World::new();
    let (tenant_a, _) = tenants(&w);
    w.net
        .say(Say::Status(200, r#"{"access_token":"console-1"}"#));
    w.refuse(1);
    let token = w.broker_of(&tenant_a, CacheUse::Use).token().unwrap();
    assert_eq!(token.access_token.expose(), "tok-4");
    let sent = w.net.sent();
    assert_eq!(sent.len(), 4);
    assert_eq!(sent[1].1.as_deref(), Some("Bearer console-1"));
    assert_eq!(sent[2].0, "https://fake.invalid/console");
    assert_eq!(sent[3].1.as_deref(), Some("Bearer tok-3"));

    // Refused twice: the refusal, after one replacement.
    let (_, tenant_b) = tenants(&w);
    w.refuse(1);
    w.net
        .say(Say::Status(200, r#"{"access_token":"console-2"}"#));
    w.refuse(1);
    let err = w.broker_of(&tenant_b, CacheUse::Use).token().unwrap_err();
    assert_eq!(err.kind(), Kind::Rejected(401));
    let sent = w.net.sent();
    assert_eq!(sent.len(), 4 + 3);
    assert_eq!(sent[6].1.as_deref(), Some("Bearer console-2"));
}

/// `--force-refresh` is about the selection's own token: the prerequisite's
/// cached token is kept.
#[test]
fn force_refresh_keeps_the_prerequisites_token() {
    let w = World::new();
    let (a, _) = tenants(&w);
    w.broker_of(&a, CacheUse::Use).token().unwrap();
    let forced = w.broker_of(&a, CacheUse::Refresh).token().unwrap();
    assert!(!forced.cached);
    let sent = w.net.sent();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[2].0, "https://fake.invalid/tenant-a");
    assert_eq!(sent[2].1.as_deref(), Some("Bearer tok-1"));
}

/// The real HTTP path against the strict emulator: a signed auth token is
/// exchanged, the access token stored, then served from the cache.
#[test]
fn the_real_exchange_mints_stores_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::start().unwrap();
    emu.register_app("t", "a", "s3cret");
    let sel = Selection::for_test(&emu.url(), &dir.path().join("cache"));
    let clock = FixedClock::at(crate::clock::now());
    let broker = || Broker::with(&sel, CacheUse::Use, &clock, &Http);
    let first = broker().token().unwrap();
    assert!(!first.cached);
    assert!(emu.verify_access_token(first.access_token.expose()));
    assert_eq!(first.expires_at, clock.now() + LIFE);
    let second = broker().token().unwrap();
    assert!(second.cached);
    assert_eq!(second.access_token, first.access_token);
    assert_eq!((emu.requests(), emu.issued()), (1, 1));
}

/// The real HTTP path: the emulator checks the auth token's signature, and a
/// caller whose secret is fixed is not held back by the recorded 401.
#[test]
fn the_real_exchange_records_a_401_per_secret() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::start().unwrap();
    emu.register_app("t", "a", "rotated");
    let sel = Selection::for_test(&emu.url(), &dir.path().join("cache"));
    let clock = FixedClock::at(crate::clock::now());
    let e = Broker::with(&sel, CacheUse::Use, &clock, &Http)
        .token()
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Rejected(401));
    assert!(e.message().contains("check app_id, tenant_id"), "{e}");
    let mut fixed = sel.clone();
    fixed.secret = SecretSource::Inline(Secret::new("rotated".into()));
    let t = Broker::with(&fixed, CacheUse::Use, &clock, &Http)
        .token()
        .unwrap();
    assert!(!t.cached);
    assert_eq!(emu.requests(), 2);
}
