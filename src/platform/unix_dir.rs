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

    /// Opens the directory at `path` itself, never a symlink in its place,
    /// for cytoken to keep its own files in: it must be a directory of the
    /// user's that no one else can write, as seen through the handle (so
    /// what is checked is what is used). The directories above are the
    /// caller's to check (`trusted_dir`). `NotFound` when absent.
    pub(crate) fn open_own(path: &Path) -> io::Result<Dir> {
        let dir = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(path)
            .map_err(|e| {
                if super::is_symlink_error(&e) {
                    io::Error::other(format!("{} is a symlink", path.display()))
                } else {
                    e
                }
            })?;
        let a = super::access(&dir, &dir.metadata()?)?;
        if a.owner != Owner::Me || a.others_write {
            return Err(io::Error::other(format!(
                "{} is not a directory of yours that only you can write ({a})",
                path.display()
            )));
        }
        Ok(Dir(dir))
    }

    /// Takes group and other access away from this directory (its entries'
    /// names are nobody else's business), through the handle.
    pub(crate) fn keep_private(&self) -> io::Result<()> {
        if super::access(&self.0, &self.0.metadata()?)?.group_or_other {
            super::unix::make_private(&self.0)?;
        }
        Ok(())
    }

    /// `openat` of `name` in this directory with `flags` (plus
    /// `O_NOFOLLOW | O_CLOEXEC`), creating it 0600 when `O_CREAT` is given.
    fn open_at(&self, name: &std::ffi::OsStr, flags: i32) -> io::Result<File> {
        use std::os::fd::FromRawFd;
        let c = Self::component(name)?;
        let flags = flags | libc::O_NOFOLLOW | libc::O_CLOEXEC;
        // SAFETY: a NUL-terminated name and a descriptor we hold open.
        let fd = unsafe { libc::openat(self.fd(), c.as_ptr(), flags, 0o600 as libc::c_uint) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: openat just returned this descriptor, owned by no one else.
        Ok(unsafe { File::from_raw_fd(fd) })
    }

    /// Opens (creating it private if needed) the file `name` in this
    /// directory to append to, never through a symlink and never blocking on
    /// a FIFO planted in its place.
    pub(crate) fn open_append(&self, name: &std::ffi::OsStr) -> io::Result<File> {
        self.open_at(
            name,
            libc::O_WRONLY | libc::O_APPEND | libc::O_CREAT | libc::O_NONBLOCK,
        )
    }

    /// Opens the file `name` to read, never through a symlink (`ELOOP`, see
    /// `is_symlink_error`) and never blocking on a FIFO.
    pub(crate) fn open_read(&self, name: &std::ffi::OsStr) -> io::Result<File> {
        self.open_at(name, libc::O_RDONLY | libc::O_NONBLOCK)
    }

    /// Creates the new private file `name` (never an existing one, never
    /// through a symlink) to write.
    pub(crate) fn create_new(&self, name: &std::ffi::OsStr) -> io::Result<File> {
        self.open_at(name, libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL)
    }

    /// Opens (creating it private if needed) the lock file `name`, never
    /// through a symlink, never blocking on a FIFO, never truncating it.
    pub(crate) fn open_lock(&self, name: &std::ffi::OsStr) -> io::Result<File> {
        self.open_at(name, libc::O_RDWR | libc::O_CREAT | libc::O_NONBLOCK)
    }

    /// Removes the file `name` (a link itself, never what it points at).
    pub(crate) fn remove(&self, name: &std::ffi::OsStr) -> io::Result<()> {
        let c = Self::component(name)?;
        // SAFETY: a NUL-terminated name and a descriptor we hold open.
        if unsafe { libc::unlinkat(self.fd(), c.as_ptr(), 0) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Gives the file `from` the second name `to` (never replacing one).
    pub(crate) fn hard_link(&self, from: &std::ffi::OsStr, to: &std::ffi::OsStr) -> io::Result<()> {
        let (f, t) = (Self::component(from)?, Self::component(to)?);
        // SAFETY: NUL-terminated names and a descriptor we hold open.
        if unsafe { libc::linkat(self.fd(), f.as_ptr(), self.fd(), t.as_ptr(), 0) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// The names in this directory (not `.` and `..`), listed through the
    /// handle.
    pub(crate) fn names(&self) -> io::Result<Vec<std::ffi::OsString>> {
        use std::os::unix::ffi::OsStrExt;
        // A fresh open of the directory itself: the listing has its own
        // position, and closedir closes only it.
        let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
        // SAFETY: a C string literal and a descriptor we hold open.
        let fd = unsafe { libc::openat(self.fd(), c".".as_ptr(), flags) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is ours; fdopendir takes it over (closedir closes it).
        let dir = unsafe { libc::fdopendir(fd) };
        if dir.is_null() {
            let e = io::Error::last_os_error();
            // SAFETY: fdopendir failed, so fd is still ours to close.
            unsafe { libc::close(fd) };
            return Err(e);
        }
        let mut names = Vec::new();
        loop {
            // SAFETY: dir is an open DIR*; the entry readdir returns is valid
            // until the next readdir or closedir, and is copied before then.
            let ent = unsafe { libc::readdir(dir) };
            if ent.is_null() {
                break;
            }
            // SAFETY: d_name is a NUL-terminated name inside the entry.
            let name = unsafe { std::ffi::CStr::from_ptr((*ent).d_name.as_ptr()) }.to_bytes();
            if name != b"." && name != b".." {
                names.push(std::ffi::OsStr::from_bytes(name).to_os_string());
            }
        }
        // SAFETY: dir is open and closed once, here.
        unsafe { libc::closedir(dir) };
        Ok(names)
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
