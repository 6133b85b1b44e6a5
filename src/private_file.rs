//! Private files: reads that trust only a regular file of ours that no one else
//! can write, and atomic writes that never leave a torn file or follow a
//! symlink. The cache and the parsed-config memo are built on these.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Largest file the cache ever reads: entries are well under 16 KiB, so anything
/// bigger is damage (or an attempt to make us allocate), not an entry.
pub const MAX_FILE: u64 = 64 * 1024;
/// Opens a file for reading without following a symlink: a symlinked entry could
/// point us at (and later make us overwrite) a file we never meant to touch.
fn open_nofollow(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

/// Reads a file if it is one we can trust: a regular file (not a symlink),
/// owned by us, not writable by group or others (anyone who can write it could
/// hand us a token of their choosing), and of a sane size.
/// `Ok(None)` when missing.
pub fn read_trusted(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let file = match open_nofollow(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(io::Error::other("it is a symlink"));
        }
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other("it is not a regular file"));
    }
    if meta.uid() != crate::sys::euid() {
        return Err(io::Error::other(format!(
            "it is owned by uid {}, not by us",
            meta.uid()
        )));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(io::Error::other(format!(
            "it is writable by group or others (mode {:03o})",
            meta.mode() & 0o777
        )));
    }
    if meta.len() > MAX_FILE {
        return Err(io::Error::other(format!(
            "it is too large ({} bytes)",
            meta.len()
        )));
    }
    // Sized from the metadata, so a whole entry comes in one read.
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0) + 1);
    let read = file.take(MAX_FILE + 1).read_to_end(&mut buf)?;
    if u64::try_from(read).unwrap_or(u64::MAX) > MAX_FILE {
        return Err(io::Error::other("it is too large"));
    }
    Ok(Some(buf))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Writes `bytes` to `path` atomically: a private temp file in the same
/// directory, fsync, rename. A crash at any point leaves the old file or the new
/// one, never a torn one; a symlink at `path` is replaced, never written through.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_path(path);
    let result = write_new(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A unique temp name beside `path`: `.<name>.<pid>.<32 hex>.tmp`.
pub(crate) fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
    path.with_file_name(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ))
}

/// Creates a new private file (never an existing one, never through a
/// symlink) holding `bytes`, flushed to disk.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
