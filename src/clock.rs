//! Time: the wall clock behind a [`Clock`] (so the broker's decisions are
//! unit-tested at any moment), RFC 3339 for people and protocols, HTTP dates
//! from servers.

/// Where "now" comes from, in epoch seconds.
pub(crate) trait Clock {
    fn now(&self) -> i64;
}

/// The system's wall clock.
pub(crate) struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        now()
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `wait` from now, saturating: a wait too long for the platform's clock
/// (a server's `Retry-After: 18446744073709551615`) is the farthest instant
/// it can express, never a panic (DESIGN §5).
pub(crate) fn deadline(wait: std::time::Duration) -> std::time::Instant {
    let now = std::time::Instant::now();
    now.checked_add(wait).unwrap_or_else(|| {
        // About 30 years ahead, halved until the platform can hold it.
        let mut far = std::time::Duration::from_secs(1 << 30);
        loop {
            if let Some(t) = now.checked_add(far) {
                return t;
            }
            far /= 2;
        }
    })
}

/// Epoch seconds as RFC 3339 UTC.
pub(crate) fn rfc3339(epoch: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| epoch.to_string())
}

/// Parses an HTTP date (IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`), with RFC
/// 2822 as a fallback for servers that stray from it. Epoch seconds.
pub(crate) fn parse_http_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let imf = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    if let Ok(t) = time::PrimitiveDateTime::parse(s, &imf) {
        return Some(t.assume_utc().unix_timestamp());
    }
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc2822)
        .ok()
        .map(time::OffsetDateTime::unix_timestamp)
}

/// A clock that stands still until a test moves it.
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct FixedClock(std::cell::Cell<i64>);

#[cfg(test)]
impl FixedClock {
    /// A clock stopped at `now` (epoch seconds).
    pub(crate) fn at(now: i64) -> FixedClock {
        FixedClock(std::cell::Cell::new(now))
    }

    /// Moves the clock by `secs` (backwards when negative).
    pub(crate) fn advance(&self, secs: i64) {
        self.0.set(self.0.get().saturating_add(secs));
    }
}

#[cfg(test)]
impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0.get()
    }
}
