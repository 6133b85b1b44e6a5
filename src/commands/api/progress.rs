//! The `--paginate` progress line (`cytoken api: 12/50 pages`) on stderr, only
//! when stderr is a terminal: a pipe or a log file gets nothing.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Redraws at most this often (a fast listing would otherwise flood the terminal).
const EVERY: Duration = Duration::from_millis(100);

pub(super) struct Progress {
    on: bool,
    last: Option<Instant>,
    shown: bool,
}

impl Progress {
    pub(super) fn new() -> Progress {
        Progress {
            on: std::io::stderr().is_terminal(),
            last: None,
            shown: false,
        }
    }

    /// Shows `done` of `total` pages (throttled, the last page always).
    pub(super) fn show(&mut self, done: u64, total: u64) {
        if !self.on || (done < total && self.last.is_some_and(|t| t.elapsed() < EVERY)) {
            return;
        }
        self.last = Some(Instant::now());
        self.shown = true;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[Kcytoken api: {done}/{total} pages");
        let _ = err.flush();
    }

    /// Erases the line, so the next message or prompt starts clean.
    pub(super) fn clear(&mut self) {
        if self.shown {
            self.shown = false;
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}
