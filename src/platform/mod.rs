//! Everything that differs between operating systems, and the only place that
//! says `cfg(unix)`, `std::os::*` or `libc`: private files and their owners,
//! process trees, the parent process, memory protection. The rest of cytoken
//! asks these functions questions in its own terms ("may others write this?")
//! and never looks at mode bits or uids itself.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use unix::*;

use std::fmt;

/// Who owns a file, as the trust rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// The user cytoken runs as.
    Me,
    /// The administrator (root).
    Admin,
    /// Anyone else (the number is for messages).
    Other(u32),
}

/// What the trust rules need to know about a file or directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Access {
    pub(crate) owner: Owner,
    /// Someone but the owner can write it.
    pub(crate) others_write: bool,
    /// Someone but the owner has any access to it (read, write or execute).
    pub(crate) group_or_other: bool,
    /// A directory anyone can write but where only owners may remove or rename
    /// their own entries (the sticky bit of `/tmp`).
    pub(crate) sticky: bool,
    /// The permission bits, for messages (`mode 644`).
    pub(crate) mode: u32,
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mode {:03o}", self.mode)
    }
}
