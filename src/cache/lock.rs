//! Per-key locks: a dedicated lock file per cache key (never the entry, which
//! is replaced by rename), held with `File::try_lock` and a bounded wait.

use std::fs::File;
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use super::files::check_in_place;
use super::{Cache, Key, file_name};

/// An exclusive lock on one key; released when dropped (and by the kernel if the
/// process dies, so a crash never leaves a key locked).
#[derive(Debug)]
pub(crate) struct LockGuard {
    _file: File,
}

impl Cache {
    /// Takes the key's exclusive lock, waiting at most `wait`. `Ok(None)` when the
    /// wait ran out (another process holds it).
    pub(crate) fn lock(&self, key: &Key, wait: Duration) -> io::Result<Option<LockGuard>> {
        let dir = self.made_dir()?;
        let file = dir.open_lock(file_name(&key.lock))?;
        Self::lock_file(file, &key.lock, wait)
    }

    /// Takes an exclusive lock on the lock file `file` (at `path`, for
    /// messages), waiting at most `wait`. `Ok(None)` when the wait ran out
    /// (another process holds it).
    fn lock_file(file: File, path: &Path, wait: Duration) -> io::Result<Option<LockGuard>> {
        // A lock file someone else planted (and holds locked forever) would
        // stall every refresh: it is not used, and the caller goes on without.
        check_in_place(&file).map_err(|why| {
            io::Error::other(format!("lock file {} not used: {why}", path.display()))
        })?;
        let deadline = crate::clock::deadline(wait);
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
            std::thread::sleep(pause.min(deadline.saturating_duration_since(now)));
            pause = (pause * 2).min(Duration::from_millis(25));
        }
    }
}
