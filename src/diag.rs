//! Diagnostics on stderr: warnings always, steps and timings with `-v` or
//! `CYTOKEN_LOG`. Callers pass only redacted values (see [`crate::redact`]).

use std::fmt::Display;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

static LEVEL: AtomicU8 = AtomicU8::new(0);

/// Sets the verbosity from the `-v` count and `CYTOKEN_LOG` (a number, or
/// `warn`, `info`, `debug`, `trace`); the higher of the two wins.
pub fn init(verbose: u8, env: Option<&str>) {
    let from_env = match env.map(|s| s.trim().to_ascii_lowercase()) {
        Some(s) => match s.as_str() {
            "info" => 1,
            "debug" => 2,
            "trace" => 3,
            other => other.parse().unwrap_or(0),
        },
        None => 0,
    };
    LEVEL.store(verbose.max(from_env), Ordering::Relaxed);
}

/// Whether messages of `level` (1 = steps, 2 = debug, 3 = trace) are shown.
pub fn enabled(level: u8) -> bool {
    LEVEL.load(Ordering::Relaxed) >= level
}

/// A warning: always shown, one line.
pub fn warn(msg: impl Display) {
    eprintln!("cytoken: warning: {msg}");
}

/// A diagnostic line at `level`.
pub fn log(level: u8, msg: impl Display) {
    if enabled(level) {
        eprintln!("cytoken: {msg}");
    }
}

/// A completed step with its duration, shown with `-v`.
pub fn step(start: Instant, msg: impl Display) {
    if enabled(1) {
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        eprintln!("cytoken: [{ms:8.3} ms] {msg}");
    }
}
