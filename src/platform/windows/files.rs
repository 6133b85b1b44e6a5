//! Windows files: opening without following reparse points, creating with a
//! private DACL, replacing while others read, helper links, and the trust walk
//! over a path's directories.

use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::os::windows::fs::MetadataExt;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::path::{Path, PathBuf};
use std::time::Duration;

use windows_sys::Win32::Foundation::{
    ERROR_ACCESS_DENIED, ERROR_DIRECTORY, ERROR_LOCK_VIOLATION, ERROR_SHARING_VIOLATION,
    ERROR_STOPPED_ON_SYMLINK, INVALID_HANDLE_VALUE,
};
use windows_sys::Win32::Security::Authorization::{SE_FILE_OBJECT, SetSecurityInfo};
use windows_sys::Win32::Security::{
    DACL_SECURITY_INFORMATION, PROTECTED_DACL_SECURITY_INFORMATION,
};
use windows_sys::Win32::Storage::FileSystem::{
    CREATE_NEW, CreateDirectoryW, CreateFileW, FILE_APPEND_DATA, FILE_ATTRIBUTE_NORMAL,
    FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT, FILE_READ_ATTRIBUTES, OPEN_ALWAYS,
    OPEN_EXISTING, READ_CONTROL, SYNCHRONIZE, WRITE_DAC,
};

use super::super::{Owner, Untrusted, Why};
use super::acl::{Descriptor, SHARE_ALL, access, handle_info, security, wide};

/// `CreateFileW` with the given access, disposition and flags, sharing
/// everything (see [`SHARE_ALL`]), never inheritable, and with `sd` for a
/// file it creates.
pub(super) fn open(
    path: &Path,
    access: u32,
    disposition: u32,
    flags: u32,
    sd: Option<&Descriptor>,
) -> io::Result<File> {
    let name = wide(path);
    let sa = sd.map(Descriptor::attributes);
    let sa_ptr = sa.as_ref().map_or(std::ptr::null(), std::ptr::from_ref);
    // SAFETY: a NUL-terminated path; `sa` (and the descriptor it points to)
    // outlive the call.
    let h = unsafe {
        CreateFileW(
            name.as_ptr(),
            access,
            SHARE_ALL,
            sa_ptr,
            disposition,
            flags,
            std::ptr::null_mut(),
        )
    };
    if h == INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a handle we just opened and now own.
    Ok(File::from(unsafe { OwnedHandle::from_raw_handle(h) }))
}

fn symlink_error() -> io::Error {
    io::Error::from_raw_os_error(ERROR_STOPPED_ON_SYMLINK.cast_signed())
}

/// Refuses a handle opened on a reparse point (a symlink or junction, opened
/// as itself by `FILE_FLAG_OPEN_REPARSE_POINT`): the Windows `O_NOFOLLOW`.
fn no_reparse(file: File) -> io::Result<File> {
    // FILE_ATTRIBUTE_REPARSE_POINT
    if file.metadata()?.file_attributes() & 0x400 != 0 {
        return Err(symlink_error());
    }
    Ok(file)
}

/// Opens a file for reading without following a symlink or junction (a
/// symlinked entry could point us at, and later make us overwrite, a file we
/// never meant to touch). A directory opens too, so the caller sees "not a
/// regular file" rather than "access denied". (No FIFO can be planted on a
/// Windows file system.)
pub(crate) fn open_read_nofollow(path: &Path) -> io::Result<File> {
    no_reparse(open(
        path,
        0x8000_0000, // GENERIC_READ (with READ_CONTROL, for the owner check)
        OPEN_EXISTING,
        FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS,
        None,
    )?)
}

/// Opens a file for reading, following links (a config or secret file the
/// user named), as `File::open` does — but a directory opens too, so that the
/// trust check reports it as not a regular file.
pub(crate) fn open_read(path: &Path) -> io::Result<File> {
    open(
        path,
        0x8000_0000, // GENERIC_READ
        OPEN_EXISTING,
        FILE_FLAG_BACKUP_SEMANTICS,
        None,
    )
}

/// Whether an open failed because the path is a symlink or junction (see
/// [`open_read_nofollow`]).
pub(crate) fn is_symlink_error(e: &io::Error) -> bool {
    e.raw_os_error() == Some(ERROR_STOPPED_ON_SYMLINK.cast_signed())
}

/// Creates a new private file (never an existing one, never through a
/// symlink: `CREATE_NEW` fails on any existing name, a dangling link included).
pub(crate) fn create_new_private(path: &Path) -> io::Result<File> {
    open(
        path,
        0x4000_0000 | READ_CONTROL, // GENERIC_WRITE
        CREATE_NEW,
        FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT,
        Some(&Descriptor::private(false)?),
    )
}

/// Opens (creating it private if needed) a file to append to, never through
/// a symlink or junction. Append-only access: every write lands at the end,
/// atomically among concurrent writers, as `O_APPEND` does.
pub(crate) fn open_private_append(path: &Path) -> io::Result<File> {
    no_reparse(open(
        path,
        FILE_APPEND_DATA | FILE_READ_ATTRIBUTES | READ_CONTROL | SYNCHRONIZE,
        OPEN_ALWAYS,
        FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT,
        Some(&Descriptor::private(false)?),
    )?)
}

/// Opens (creating it private if needed) a lock file, never through a symlink
/// and never truncating it. Windows byte-range locks are mandatory (a locked
/// file cannot be read by others), which is why cytoken only ever locks these
/// dedicated lock files, never an entry.
pub(crate) fn open_private_lock(path: &Path) -> io::Result<File> {
    no_reparse(open(
        path,
        0x8000_0000 | 0x4000_0000, // GENERIC_READ | GENERIC_WRITE
        OPEN_ALWAYS,
        FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT,
        Some(&Descriptor::private(false)?),
    )?)
}

/// Creates a private directory (an owner-only, inheritable DACL), with its
/// missing parents (private too, as `mkdir -p -m 700` would) when `recursive`.
pub(crate) fn create_private_dir(path: &Path, recursive: bool) -> io::Result<()> {
    if recursive {
        if path.is_dir() {
            return Ok(());
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.exists()
        {
            create_private_dir(parent, true)?;
        }
    }
    let sd = Descriptor::private(true)?;
    let sa = sd.attributes();
    let name = wide(path);
    // SAFETY: a NUL-terminated path and attributes that outlive the call.
    if unsafe { CreateDirectoryW(name.as_ptr(), &raw const sa) } == 0 {
        let e = io::Error::last_os_error();
        // Someone (a racing cytoken) made it meanwhile: fine when recursive.
        if recursive && e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() {
            return Ok(());
        }
        return Err(e);
    }
    Ok(())
}

/// Gives an open directory of ours the private DACL (see
/// [`Descriptor::private`]), through the handle: never through a path that
/// could have become a junction.
pub(crate) fn make_private(dir: &File) -> io::Result<()> {
    let sd = Descriptor::private(true)?;
    // SAFETY: a handle opened with WRITE_DAC and a DACL inside `sd`.
    let rc = unsafe {
        SetSecurityInfo(
            dir.as_raw_handle(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            sd.dacl()?,
            std::ptr::null(),
        )
    };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(
            i32::try_from(rc).unwrap_or(i32::MAX),
        ));
    }
    Ok(())
}

/// Opens a directory itself (never a symlink or junction in its place) to
/// read its owner and DACL and, if it must be made private, rewrite the DACL
/// through the handle.
pub(crate) fn open_dir_nofollow(path: &Path) -> io::Result<File> {
    let flags = FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT;
    let base = READ_CONTROL | FILE_READ_ATTRIBUTES | SYNCHRONIZE;
    let dir = match open(path, base | WRITE_DAC, OPEN_EXISTING, flags, None) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            open(path, base, OPEN_EXISTING, flags, None)?
        }
        r => r?,
    };
    let dir = no_reparse(dir)?;
    if !dir.metadata()?.is_dir() {
        return Err(io::Error::from_raw_os_error(ERROR_DIRECTORY.cast_signed()));
    }
    Ok(dir)
}

/// Replaces `to` with `from` atomically (`MoveFileExW` with replace, or
/// POSIX-semantics rename where Windows has it). Windows, and wine, refuse to
/// replace a file some process holds open without `FILE_SHARE_DELETE`, and
/// wine even with it: the holder is another cytoken reading the entry for
/// microseconds, so a refused replace is retried for up to about a second
/// before it is reported. (cytoken itself never replaces a file it holds
/// open: the hand-out log is closed before it is pruned.)
pub(crate) fn replace(from: &Path, to: &Path) -> io::Result<()> {
    let mut pause = Duration::from_millis(1);
    let mut waited = Duration::ZERO;
    loop {
        match std::fs::rename(from, to) {
            Err(e)
                if waited < Duration::from_secs(1)
                    && matches!(
                        e.raw_os_error().and_then(|n| u32::try_from(n).ok()),
                        Some(ERROR_ACCESS_DENIED | ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION)
                    ) =>
            {
                std::thread::sleep(pause);
                waited += pause;
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            r => return r,
        }
    }
}

/// Bytes every cytoken binary holds (this constant): how `install_link` tells
/// an older copy or link of cytoken, which it may replace, from someone
/// else's program of the same name, which it leaves alone.
pub(super) const MARKER: &[u8] = b"cytoken-install-helpers-marker:7d1f5a9e";

/// The volume and file index of an open file: its identity across names.
fn file_id(path: &Path) -> io::Result<(u32, u32, u32)> {
    let f = open(path, FILE_READ_ATTRIBUTES, OPEN_EXISTING, 0, None)?;
    let i = handle_info(&f)?;
    Ok((i.dwVolumeSerialNumber, i.nFileIndexHigh, i.nFileIndexLow))
}

/// A hard link `link` to `target`, or a copy where a link cannot be made
/// (another volume, a file system without links).
fn link_or_copy(target: &Path, link: &Path) -> io::Result<&'static str> {
    match std::fs::hard_link(target, link) {
        Ok(()) => Ok("linked"),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => std::fs::copy(target, link).map(|_| "copied"),
    }
}

/// Makes `link` name the program `target` (a helper name git or docker run):
/// a hard link, or a copy where a link cannot be made. Windows' symlinks need
/// a privilege or developer mode, and git for Windows runs helpers through
/// its own shell, which handles a real file best. An existing link or copy of
/// cytoken (found by [`MARKER`]) is replaced atomically, or kept if it is
/// this very binary; anything else is left alone (`AlreadyExists`).
pub(crate) fn install_link(target: &Path, link: &Path) -> io::Result<&'static str> {
    match std::fs::symlink_metadata(link) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return link_or_copy(target, link),
        Err(e) => return Err(e),
        Ok(m) if m.file_type().is_symlink() => {} // a hand-made link: replaced
        Ok(m) if !m.is_file() => return Err(io::ErrorKind::AlreadyExists.into()),
        Ok(_) => {
            if file_id(link)? == file_id(target)? {
                return Ok("kept");
            }
            let old = std::fs::read(link)?;
            if memchr::memmem::find(&old, MARKER).is_none() {
                return Err(io::ErrorKind::AlreadyExists.into());
            }
            if old == std::fs::read(target)? {
                return Ok("kept");
            }
        }
    }
    let name = link.file_name().and_then(OsStr::to_str).unwrap_or("helper");
    let tmp = link.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    link_or_copy(target, &tmp)?;
    std::fs::rename(&tmp, link).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok("replaced")
}

/// Whether the open file `file`, opened from `path`, can be trusted: a
/// regular file, owned by the user or an administrator, that no other account
/// can write; and every directory above it (as written and as resolved, up to
/// `home` when it lies below it, else up to the root) owned by the user or an
/// administrator and letting no other account remove, rename or re-secure its
/// entries. Adding entries is allowed above (every user may create folders in
/// `C:\`; nobody can replace another's). Unlike Unix, an administrator-owned
/// file under a directory of the user's is trusted: an elevated editor saves
/// files owned by Administrators, and the user owns the directory anyway.
pub(crate) fn trusted_file(path: &Path, file: &File, home: Option<&Path>) -> Result<(), Untrusted> {
    let bad = |why| Untrusted {
        path: path.to_path_buf(),
        why,
    };
    let meta = file.metadata().map_err(|_| bad(Why::NotRegular))?;
    if !meta.is_file() {
        return Err(bad(Why::NotRegular));
    }
    let a = access(file, &meta).map_err(|_| bad(Why::Unverifiable))?;
    if let Owner::Other(rid) = a.owner {
        return Err(bad(Why::Owner(rid)));
    }
    if a.others_write {
        return Err(bad(Why::Writable(a.mode)));
    }
    ancestors_trusted(path, home)
}

/// Whether the directory at `path` (never followed: a symlink or junction is
/// refused) is ours, writable by no other account, and under trusted
/// directories (see [`trusted_file`]). Read access is not checked here.
pub(crate) fn trusted_dir(path: &Path, home: Option<&Path>) -> Result<(), Untrusted> {
    let path: &Path = &super::super::plain_path(path);
    let bad = |why| Untrusted {
        path: path.to_path_buf(),
        why,
    };
    let meta = std::fs::symlink_metadata(path).map_err(|_| bad(Why::NotDir))?;
    if meta.file_type().is_symlink() || meta.file_attributes() & 0x400 != 0 {
        return Err(bad(Why::Symlink));
    }
    if !meta.is_dir() {
        return Err(bad(Why::NotDir));
    }
    let dir = open(
        path,
        READ_CONTROL | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
        OPEN_EXISTING,
        FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT,
        None,
    )
    .map_err(|_| bad(Why::NotDir))?;
    let meta = dir.metadata().map_err(|_| bad(Why::NotDir))?;
    let a = access(&dir, &meta).map_err(|_| bad(Why::Unverifiable))?;
    match a.owner {
        Owner::Me => {}
        Owner::Admin => return Err(bad(Why::Owner(0))),
        Owner::Other(rid) => return Err(bad(Why::Owner(rid))),
    }
    if a.others_write {
        return Err(bad(Why::Writable(a.mode)));
    }
    ancestors_trusted(path, home)
}

/// Whether the directory `dir` may hold what cytoken makes in it (the log
/// file, a helper link, a new cache dir): owned by the user or an
/// administrator, letting no other account write it, under trusted
/// directories (see [`trusted_file`]).
pub(crate) fn trusted_parent(dir: &Path, home: Option<&Path>) -> Result<(), Untrusted> {
    let dir: &Path = &super::super::plain_path(dir);
    let bad = |why| Untrusted {
        path: dir.to_path_buf(),
        why,
    };
    let (handle, meta) = open_to_inspect(dir).ok_or_else(|| bad(Why::NotDir))?;
    let a = access(&handle, &meta).map_err(|_| bad(Why::Unverifiable))?;
    if let Owner::Other(rid) = a.owner {
        return Err(bad(Why::Owner(rid)));
    }
    if a.others_write {
        return Err(bad(Why::Writable(a.mode)));
    }
    ancestors_trusted(dir, home)
}

/// Whether the directory at `path` can be trusted to read files from
/// (`SSL_CERT_DIR`): as [`trusted_parent`]. Absent is `Ok(false)`.
pub(crate) fn trusted_read_dir(path: &Path, home: Option<&Path>) -> Result<bool, Untrusted> {
    if !path.exists() {
        return Ok(false);
    }
    trusted_parent(path, home).map(|()| true)
}

/// A directory that passed its trust check. Windows has no `openat`: entries
/// are named by path under it, each opened without following a reparse point
/// at its name, as elsewhere on Windows.
#[derive(Debug)]
pub(crate) struct Dir(PathBuf);

impl Dir {
    /// The directory at `path`, which the caller has just checked.
    pub(crate) fn open(path: &Path) -> io::Result<Dir> {
        if !std::fs::metadata(path)?.is_dir() {
            return Err(io::Error::from_raw_os_error(ERROR_DIRECTORY.cast_signed()));
        }
        Ok(Dir(path.to_path_buf()))
    }

    /// `name` as one path component: never `.`, `..` or a separator.
    fn child(&self, name: &OsStr) -> io::Result<PathBuf> {
        let one = Path::new(name).components().count() == 1
            && matches!(
                Path::new(name).components().next(),
                Some(std::path::Component::Normal(_))
            );
        if !one {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a single file name",
            ));
        }
        Ok(self.0.join(name))
    }

    /// Opens the directory at `path` itself, never a reparse point in its
    /// place, for cytoken to keep its own files in: it must be the user's
    /// and writable by no other account. The directories above are the
    /// caller's to check (`trusted_dir`). `NotFound` when absent.
    pub(crate) fn open_own(path: &Path) -> io::Result<Dir> {
        let handle = open_dir_nofollow(path)?;
        let a = access(&handle, &handle.metadata()?)?;
        if a.owner != Owner::Me || a.others_write {
            return Err(io::Error::other(format!(
                "{} is not a directory of yours that only you can write ({a})",
                path.display()
            )));
        }
        Ok(Dir(path.to_path_buf()))
    }

    /// Takes other accounts' access away from this directory.
    pub(crate) fn keep_private(&self) -> io::Result<()> {
        let handle = open_dir_nofollow(&self.0)?;
        if access(&handle, &handle.metadata()?)?.group_or_other {
            make_private(&handle)?;
        }
        Ok(())
    }

    /// Opens the file `name` to read, never through a reparse point.
    pub(crate) fn open_read(&self, name: &OsStr) -> io::Result<File> {
        open_read_nofollow(&self.child(name)?)
    }

    /// Creates the new private file `name` (never an existing one).
    pub(crate) fn create_new(&self, name: &OsStr) -> io::Result<File> {
        create_new_private(&self.child(name)?)
    }

    /// Opens (creating it private if needed) the lock file `name`.
    pub(crate) fn open_lock(&self, name: &OsStr) -> io::Result<File> {
        open_private_lock(&self.child(name)?)
    }

    /// Removes the file `name`.
    pub(crate) fn remove(&self, name: &OsStr) -> io::Result<()> {
        std::fs::remove_file(self.child(name)?)
    }

    /// Gives the file `from` the second name `to` (never replacing one).
    pub(crate) fn hard_link(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        std::fs::hard_link(self.child(from)?, self.child(to)?)
    }

    /// The names in this directory.
    pub(crate) fn names(&self) -> io::Result<Vec<std::ffi::OsString>> {
        std::fs::read_dir(&self.0)?
            .map(|e| e.map(|e| e.file_name()))
            .collect()
    }

    /// Opens (creating it private if needed) the file `name` in this
    /// directory to append to, never through a reparse point.
    pub(crate) fn open_append(&self, name: &OsStr) -> io::Result<File> {
        open_private_append(&self.child(name)?)
    }

    /// Renames `from` to `to` within this directory (replacing `to`, see
    /// [`replace`]).
    pub(crate) fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        replace(&self.child(from)?, &self.child(to)?)
    }

    /// Makes the directory `name` (private) in this one, or takes the one a
    /// racing process made first; it must then be a directory of the user's,
    /// never a reparse point, that no other account can write.
    pub(crate) fn sub_private(&self, name: &OsStr) -> io::Result<Dir> {
        self.make_private(name, true)
    }

    /// Makes the directory `name` (private) in this one, which must not
    /// exist (as `mkdtemp` does).
    pub(crate) fn new_private(&self, name: &OsStr) -> io::Result<Dir> {
        self.make_private(name, false)
    }

    fn make_private(&self, name: &OsStr, existing: bool) -> io::Result<Dir> {
        let path = self.child(name)?;
        match create_private_dir(&path, false) {
            Err(e) if !existing || e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
        let handle = open_dir_nofollow(&path)?;
        let a = access(&handle, &handle.metadata()?)?;
        if a.owner != Owner::Me || a.others_write {
            return Err(io::Error::other(format!(
                "{} appeared meanwhile and is not a private directory of yours",
                name.to_string_lossy()
            )));
        }
        Ok(Dir(path))
    }
}

/// The directories above `path`, both as written and as resolved.
fn ancestors_trusted(path: &Path, home: Option<&Path>) -> Result<(), Untrusted> {
    let written = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let homes: Vec<PathBuf> = home
        .into_iter()
        .flat_map(|h| [std::path::absolute(h).ok(), std::fs::canonicalize(h).ok()])
        .flatten()
        .collect();
    check_dirs_above(&written, &homes)?;
    if let Ok(real) = std::fs::canonicalize(path)
        && real != written
    {
        check_dirs_above(&real, &homes)?;
    }
    Ok(())
}

/// The directory `dir` opened to read its owner and access list (links
/// followed: the walk checks what they lead to), with its metadata; `None`
/// when it cannot be opened or is not a directory.
fn open_to_inspect(dir: &Path) -> Option<(File, std::fs::Metadata)> {
    let handle = open(
        dir,
        READ_CONTROL | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
        OPEN_EXISTING,
        FILE_FLAG_BACKUP_SEMANTICS,
        None,
    )
    .ok()?;
    let meta = handle.metadata().ok()?;
    meta.is_dir().then_some((handle, meta))
}

fn check_dirs_above(path: &Path, homes: &[PathBuf]) -> Result<(), Untrusted> {
    let home = homes.iter().find(|h| path.starts_with(h));
    for dir in path
        .ancestors()
        .skip(1)
        .filter(|d| !d.as_os_str().is_empty())
    {
        let bad = |why| Untrusted {
            path: dir.to_path_buf(),
            why,
        };
        let (handle, _) = open_to_inspect(dir).ok_or_else(|| bad(Why::NotDir))?;
        let (owner, grants) = security(handle.as_raw_handle())
            .map_err(|_| bad(Why::Unverifiable))?
            .classify();
        if let Owner::Other(rid) = owner {
            return Err(bad(Why::Owner(rid)));
        }
        if grants.swap() {
            return Err(bad(Why::Writable(grants.mode(true))));
        }
        if home.is_some_and(|h| dir == h) {
            break;
        }
    }
    Ok(())
}
