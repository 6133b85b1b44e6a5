//! The trust walk's per-process memo (unix.rs's `check_dirs_above`): the
//! directories already found trusted on their own, and the home's resolution,
//! so the config file, the secret file and the cache dir do not each stat
//! every directory up to `/` and resolve the home again.
//!
//! Sound because a memoized directory is ours or root's and writable by no
//! one else (or root's sticky `/tmp`): only we or root can change it, or
//! rename it away (its parent passed the same check), and cytoken never
//! loosens a directory. Every check
//! of the walk is still made, on the memoized facts; a directory that fails
//! any check is never memoized, so it is looked at again. The memo is keyed
//! by the exact path that was stat'ed, and only the binary turns it on
//! ([`enable`], from `prepare_process`): unit tests change modes between
//! checks within one process.

use std::fs::Metadata;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// Directories (by the path stat'ed) and home resolutions seen so far.
pub(super) struct Memo {
    dirs: Mutex<Vec<(PathBuf, Metadata)>>,
    homes: Mutex<Vec<(PathBuf, Option<PathBuf>)>>,
}

static ON: AtomicBool = AtomicBool::new(false);
static MEMO: Memo = Memo::new();

/// Turns the process's memo on (the binary's start, never the unit tests).
pub(super) fn enable() {
    ON.store(true, Ordering::Relaxed);
}

/// The process's memo, when on.
pub(super) fn memo() -> Option<&'static Memo> {
    ON.load(Ordering::Relaxed).then_some(&MEMO)
}

impl Memo {
    pub(super) const fn new() -> Self {
        Memo {
            dirs: Mutex::new(Vec::new()),
            homes: Mutex::new(Vec::new()),
        }
    }

    /// `lstat(dir)`, from the memo when `dir` (byte for byte) was found
    /// trusted on its own before: a directory, not a link, owned by `uid` or
    /// root, writable by neither group nor others unless it is root's and
    /// sticky (`/tmp`: whether that is safe depends on the entry below it,
    /// which the walk still checks each time). A path ending in `.` or `..`
    /// is never memoized: its lstat follows a link the plain name's would
    /// show.
    pub(super) fn lstat(&self, dir: &Path, uid: u32) -> io::Result<Metadata> {
        let mut dirs = self.dirs.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, m)) = dirs.iter().find(|(p, _)| p.as_os_str() == dir.as_os_str()) {
            return Ok(m.clone());
        }
        let meta = std::fs::symlink_metadata(dir)?;
        let name = dir.as_os_str().as_bytes();
        let last = name.rsplit(|b| *b == b'/').next().unwrap_or_default();
        let plain = name == b"/" || !(last.is_empty() || last == b"." || last == b"..");
        let sticky_root = meta.uid() == 0 && meta.mode() & 0o1000 != 0;
        let trusted = plain
            && meta.file_type().is_dir()
            && (meta.uid() == uid || meta.uid() == 0)
            && (meta.mode() & 0o022 == 0 || sticky_root);
        if trusted {
            dirs.push((dir.to_path_buf(), meta.clone()));
        }
        Ok(meta)
    }

    /// `canonicalize(home)`, resolved once.
    pub(super) fn resolve_home(&self, home: &Path) -> Option<PathBuf> {
        let mut homes = self.homes.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, real)) = homes.iter().find(|(h, _)| h == home) {
            return real.clone();
        }
        let real = std::fs::canonicalize(home).ok();
        homes.push((home.to_path_buf(), real.clone()));
        real
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::unix::testing::set_mode;

    /// A trusted directory is served from the memo (a later change is not
    /// seen: only we or root could make it); one that fails the rule is
    /// stat'ed again each time, so a fix or a further change is seen.
    #[test]
    fn only_trusted_directories_are_memoized() {
        let t = tempfile::tempdir().unwrap();
        let (good, bad) = (t.path().join("good"), t.path().join("bad"));
        for d in [&good, &bad] {
            std::fs::create_dir(d).unwrap();
        }
        set_mode(&good, 0o700);
        set_mode(&bad, 0o777);
        let memo = Memo::new();
        let me = crate::platform::unix::euid();
        assert_eq!(memo.lstat(&good, me).unwrap().mode() & 0o777, 0o700);
        assert_eq!(memo.lstat(&bad, me).unwrap().mode() & 0o777, 0o777);
        set_mode(&good, 0o755);
        set_mode(&bad, 0o700);
        assert_eq!(memo.lstat(&good, me).unwrap().mode() & 0o777, 0o700);
        assert_eq!(memo.lstat(&bad, me).unwrap().mode() & 0o777, 0o700);
        // Keyed by the exact path: another spelling is stat'ed itself, and
        // one ending in `.` (its lstat follows a link) is never memoized.
        let other = t.path().join("good/.");
        assert_eq!(memo.lstat(&other, me).unwrap().mode() & 0o777, 0o755);
        set_mode(&good, 0o700);
        assert_eq!(memo.lstat(&other, me).unwrap().mode() & 0o777, 0o700);
        // A missing directory is an error each time, never memoized.
        assert!(memo.lstat(&t.path().join("none"), me).is_err());
        std::fs::create_dir(t.path().join("none")).unwrap();
        assert!(memo.lstat(&t.path().join("none"), me).is_ok());
    }

    /// `/` (whose name has no last component) is memoized when it passes.
    #[test]
    fn the_root_is_memoized() {
        let memo = Memo::new();
        let me = crate::platform::unix::euid();
        let root = memo.lstat(Path::new("/"), me).unwrap();
        let passes = root.uid() == 0 && root.mode() & 0o022 == 0;
        let held = memo.dirs.lock().unwrap().len();
        assert_eq!(held, usize::from(passes));
    }

    #[test]
    fn home_resolution_is_memoized_by_the_home_given() {
        let t = tempfile::tempdir().unwrap();
        let real = t.path().join("real");
        std::fs::create_dir(&real).unwrap();
        let link = t.path().join("home");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let memo = Memo::new();
        let resolved = memo.resolve_home(&link).unwrap();
        assert!(resolved.ends_with("real"));
        std::fs::remove_file(&link).unwrap();
        assert_eq!(memo.resolve_home(&link), Some(resolved));
        assert_eq!(memo.resolve_home(&t.path().join("none")), None);
    }
}
