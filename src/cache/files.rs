//! Private files: reads that trust only a regular file of ours that no one else
//! can write, and atomic writes that never leave a torn file or follow a
//! symlink. Why a file is not trusted is a [`Distrust`], never a string.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::{self, Read, Write};

use crate::platform::{self, Access, Owner};

/// Largest file the cache ever reads: entries are well under 16 KiB, so anything
/// bigger is damage (or an attempt to make us allocate), not an entry.
pub(crate) const MAX_FILE: u64 = 64 * 1024;

/// Why a cache file is not trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Distrust {
    /// A symlink: it could point us at (and make us overwrite) any file.
    Symlink,
    /// A FIFO, device, directory…
    NotRegular,
    /// Owned by someone else, who could hand us a token of their choosing.
    Owner(u32),
    /// Writable by group or others, who could do the same.
    Writable(u32),
    /// Larger than any file cytoken writes.
    TooLarge(u64),
    /// Not the expected JSON shape (the parser's words).
    Damaged(String),
    /// An entry minted for another key (renamed or copied over this one).
    OtherKey,
    /// A file with more than one name: it can be changed through the other.
    Linked,
    /// Could not be read.
    Unreadable(io::ErrorKind),
}

impl fmt::Display for Distrust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Distrust::Symlink => f.write_str("it is a symlink"),
            Distrust::NotRegular => f.write_str("it is not a regular file"),
            Distrust::Owner(uid) => write!(f, "it is owned by uid {uid}, not by us"),
            Distrust::Writable(mode) => {
                write!(f, "it is writable by group or others (mode {mode:03o})")
            }
            Distrust::TooLarge(n) => write!(f, "it is too large ({n} bytes)"),
            Distrust::Damaged(why) => write!(f, "it is not a valid cache entry ({why})"),
            Distrust::OtherKey => f.write_str("it was minted for another cache key"),
            Distrust::Linked => f.write_str("it has more than one name (a hard link)"),
            Distrust::Unreadable(kind) => write!(f, "it cannot be read ({kind})"),
        }
    }
}

/// Reads the file `name` in the checked directory `dir` (opened relative to
/// it) if it is one we can trust: a regular file (not a symlink), owned by
/// us, not writable by group or others (anyone who can write it could hand
/// us a token of their choosing), and of a sane size; with `single_name`,
/// also with one name only (see [`check_in_place`]). `Ok(None)` when missing.
pub(crate) fn read_in(
    dir: &platform::Dir,
    name: &OsStr,
    single_name: bool,
) -> Result<Option<Vec<u8>>, Distrust> {
    let file = match dir.open_read(name) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if platform::is_symlink_error(&e) => return Err(Distrust::Symlink),
        Err(e) => return Err(Distrust::Unreadable(e.kind())),
    };
    let meta = file
        .metadata()
        .map_err(|e| Distrust::Unreadable(e.kind()))?;
    if !meta.is_file() {
        return Err(Distrust::NotRegular);
    }
    let access = platform::access(&file, &meta).map_err(|e| Distrust::Unreadable(e.kind()))?;
    check_ours(access)?;
    if single_name && access.links != 1 {
        return Err(Distrust::Linked);
    }
    if meta.len() > MAX_FILE {
        return Err(Distrust::TooLarge(meta.len()));
    }
    // Sized from the metadata, so a whole entry comes in one read.
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0) + 1);
    let read = file
        .take(MAX_FILE + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Distrust::Unreadable(e.kind()))?;
    let read = u64::try_from(read).unwrap_or(u64::MAX);
    if read > MAX_FILE {
        return Err(Distrust::TooLarge(read));
    }
    Ok(Some(buf))
}

/// A cache file must be ours and writable by nobody else.
fn check_ours(access: Access) -> Result<(), Distrust> {
    match access.owner {
        Owner::Me => {}
        Owner::Admin => return Err(Distrust::Owner(0)),
        Owner::Other(uid) => return Err(Distrust::Owner(uid)),
    }
    if access.others_write {
        return Err(Distrust::Writable(access.mode));
    }
    Ok(())
}

/// Checks a file cytoken keeps open and writes to in place (a lock, the
/// hand-out log): a regular file of ours that no one else can write, with one
/// name. A planted FIFO, someone else's file (held locked forever, say) or a
/// hard link to a file elsewhere is not used.
pub(crate) fn check_in_place(file: &std::fs::File) -> Result<(), Distrust> {
    let meta = file
        .metadata()
        .map_err(|e| Distrust::Unreadable(e.kind()))?;
    if !meta.is_file() {
        return Err(Distrust::NotRegular);
    }
    let access = platform::access(file, &meta).map_err(|e| Distrust::Unreadable(e.kind()))?;
    check_ours(access)?;
    if access.links != 1 {
        return Err(Distrust::Linked);
    }
    Ok(())
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Writes `bytes` to the file `name` in the checked directory `dir`
/// atomically, every step named relative to it: a private temp file beside
/// it, fsync, rename. A crash at any point leaves the old file or the new
/// one, never a torn one; a symlink at `name` is replaced, never written
/// through.
pub(crate) fn write_atomic_in(dir: &platform::Dir, name: &OsStr, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_name(name);
    let result = write_new_in(dir, &tmp, bytes).and_then(|()| dir.rename(&tmp, name));
    if result.is_err() {
        let _ = dir.remove(&tmp);
    }
    result
}

/// A unique temp name beside `name`: `.<name>.<pid>.<32 hex>.tmp`.
pub(crate) fn temp_name(name: &OsStr) -> OsString {
    let name = name.to_str().unwrap_or("entry");
    format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    )
    .into()
}

/// Creates the new private file `name` in the checked directory `dir` (never
/// an existing one, never through a symlink) holding `bytes`, flushed to
/// disk.
pub(crate) fn write_new_in(dir: &platform::Dir, name: &OsStr, bytes: &[u8]) -> io::Result<()> {
    let mut f = dir.create_new(name)?;
    f.write_all(bytes)?;
    f.sync_all()
}
