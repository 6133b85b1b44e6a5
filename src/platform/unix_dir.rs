//! Unix: a directory that passed its trust check, held open, and the
//! entries cytoken makes, opens or renames in it named relative to that
//! handle (`openat`, `mkdirat`, `renameat`), never through a path (DESIGN §5,
//! check before touching). Like unix.rs, the libc calls here have no
//! preconditions beyond the NUL-terminated names and the descriptor held.
#![allow(unsafe_code)]

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use super::Owner;

/// A directory that passed its trust check, held open: what cytoken makes,
/// opens or renames in it is named relative to this handle (`openat`,
/// `mkdirat`, `renameat`, each never following a link at the name), so
/// nothing swapped in along its path after the check can redirect it.
#[derive(Debug)]
pub(crate) struct Dir(File);

impl Dir {
    /// Opens the directory at `path`, which the caller has just checked.
    pub(crate) fn open(path: &Path) -> io::Result<Dir> {
        OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | libc::O_NONBLOCK)
            .open(path)
            .map(Dir)
    }

    /// `name` as one path component for the *at calls: never `.`, `..` or
    /// anything with a `/`, which would leave this directory.
    fn component(name: &std::ffi::OsStr) -> io::Result<std::ffi::CString> {
        use std::os::unix::ffi::OsStrExt;
        let b = name.as_bytes();
        if b.is_empty() || b == b"." || b == b".." || b.contains(&b'/') {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a single file name",
            ));
        }
        std::ffi::CString::new(b).map_err(|_| io::ErrorKind::InvalidInput.into())
    }

    fn fd(&self) -> i32 {
        use std::os::fd::AsRawFd;
        self.0.as_raw_fd()
    }

    /// Opens (creating it private if needed) the file `name` in this
    /// directory to append to, never through a symlink and never blocking on
    /// a FIFO planted in its place.
    pub(crate) fn open_append(&self, name: &std::ffi::OsStr) -> io::Result<File> {
        use std::os::fd::FromRawFd;
        let c = Self::component(name)?;
        let flags = libc::O_WRONLY
            | libc::O_APPEND
            | libc::O_CREAT
            | libc::O_NOFOLLOW
            | libc::O_NONBLOCK
            | libc::O_CLOEXEC;
        // SAFETY: a NUL-terminated name and a descriptor we hold open.
        let fd = unsafe { libc::openat(self.fd(), c.as_ptr(), flags, 0o600 as libc::c_uint) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: openat just returned this descriptor, owned by no one else.
        Ok(unsafe { File::from_raw_fd(fd) })
    }

    /// Renames `from` to `to` within this directory (replacing `to`).
    pub(crate) fn rename(&self, from: &std::ffi::OsStr, to: &std::ffi::OsStr) -> io::Result<()> {
        let (f, t) = (Self::component(from)?, Self::component(to)?);
        // SAFETY: NUL-terminated names and a descriptor we hold open.
        if unsafe { libc::renameat(self.fd(), f.as_ptr(), self.fd(), t.as_ptr()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Makes the directory `name` (0700) in this one, or takes the one a
    /// racing process made first, never through a link; it must then be a
    /// directory of the user's that no one else can write.
    pub(crate) fn sub_private(&self, name: &std::ffi::OsStr) -> io::Result<Dir> {
        self.make_private(name, true)
    }

    /// Makes the directory `name` (0700) in this one, which must not exist
    /// (as `mkdtemp` does).
    pub(crate) fn new_private(&self, name: &std::ffi::OsStr) -> io::Result<Dir> {
        self.make_private(name, false)
    }

    fn make_private(&self, name: &std::ffi::OsStr, existing: bool) -> io::Result<Dir> {
        use std::os::fd::FromRawFd;
        let c = Self::component(name)?;
        // SAFETY: a NUL-terminated name and a descriptor we hold open.
        if unsafe { libc::mkdirat(self.fd(), c.as_ptr(), 0o700) } != 0 {
            let e = io::Error::last_os_error();
            if !existing || e.kind() != io::ErrorKind::AlreadyExists {
                return Err(e);
            }
        }
        let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
        // SAFETY: as above.
        let fd = unsafe { libc::openat(self.fd(), c.as_ptr(), flags) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: openat just returned this descriptor, owned by no one else.
        let sub = unsafe { File::from_raw_fd(fd) };
        let a = super::access(&sub, &sub.metadata()?)?;
        if a.owner != Owner::Me || a.others_write {
            return Err(io::Error::other(format!(
                "{} appeared meanwhile and is not a private directory of yours",
                name.to_string_lossy()
            )));
        }
        Ok(Dir(sub))
    }
}
