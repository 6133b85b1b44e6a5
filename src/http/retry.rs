//! When to try a request again: the attempt budget, the back-off between
//! attempts and the server's `Retry-After`, for the token exchange and
//! `cytoken api` alike.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ureq::http::HeaderMap;
use ureq::http::header::RETRY_AFTER;

use crate::clock::parse_http_date;

/// At most this many tries of one request for failures worth another (a
/// 5xx, a connect failure, a 429 at the token endpoint): enough to ride out
/// a blip, few enough that a hundred callers with a broken server cannot
/// hammer it.
pub(crate) const MAX_ATTEMPTS: u32 = 3;

/// First back-off step; doubled per failed attempt, with ±50 % jitter.
pub(crate) const BACKOFF_BASE: Duration = Duration::from_millis(250);

/// The failed attempts of one request against [`MAX_ATTEMPTS`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Attempts {
    failed: u32,
}

impl Attempts {
    /// Records one failed attempt; whether the budget allows another.
    pub(crate) fn fail(&mut self) -> bool {
        self.failed = self.failed.saturating_add(1);
        self.failed < MAX_ATTEMPTS
    }

    /// How many attempts have failed.
    pub(crate) fn failed(self) -> u32 {
        self.failed
    }

    /// The wait before the next attempt (see [`backoff`]).
    pub(crate) fn backoff(self) -> Duration {
        backoff(self.failed)
    }
}

/// Back-off before attempt `failed + 1`: 250 ms × 2^(failed-1), ±50 % jitter
/// so that many processes (or page workers) failing together do not retry in
/// lock-step.
pub(crate) fn backoff(failed: u32) -> Duration {
    let step = BACKOFF_BASE.saturating_mul(1 << failed.saturating_sub(1).min(16));
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let r = f64::from(u16::from_le_bytes([bytes[0], bytes[1]])) / f64::from(u16::MAX);
    step.mul_f64(0.5 + r)
}

/// The response's `Retry-After` (see [`parse_retry_after`]), `None` when
/// absent or unreadable.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, now)
}

/// Parses `Retry-After` (RFC 9110 §10.2.3): delta-seconds (digits only) or
/// an HTTP date, a date in the past meaning now. A number too long for u64
/// is "far beyond any budget", not unreadable.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = parse_http_date(value)?;
    let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
    let at = u64::try_from(at).unwrap_or(0);
    Some(Duration::from_secs(at.saturating_sub(now)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::http::HeaderValue;

    /// Sun, 06 Nov 1994 08:49:37 GMT.
    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(784_111_777)
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let now = now();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        // A date in the past means now.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        for bad in ["soon", "-5", "+5", "1.5", ""] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
        // Too long for u64: beyond any budget, never unreadable (which would
        // mean the default wait).
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn retry_after_is_read_from_the_header() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h, now()), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h, now()), Some(Duration::from_secs(3)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now()), None);
    }

    #[test]
    fn backoff_doubles_with_jitter() {
        for failed in 1..=3u32 {
            let nominal = BACKOFF_BASE * (1 << (failed - 1));
            for _ in 0..20 {
                let d = backoff(failed);
                assert!(d >= nominal / 2 && d <= nominal * 3 / 2, "{failed}: {d:?}");
            }
        }
        // Never overflows, however many failures.
        assert!(backoff(u32::MAX) > Duration::ZERO);
    }

    /// Three attempts in all: the first two failures allow another, the
    /// third does not; the back-off follows the failures.
    #[test]
    fn the_budget_is_three_attempts() {
        let mut a = Attempts::default();
        assert!(a.fail());
        assert_eq!(a.failed(), 1);
        assert!(a.backoff() <= BACKOFF_BASE * 3 / 2);
        assert!(a.fail());
        assert!(a.backoff() >= BACKOFF_BASE);
        assert!(!a.fail());
        assert_eq!(a.failed(), MAX_ATTEMPTS);
    }
}
