//! Everything that differs between operating systems, and the only place that
//! says `cfg(unix)`, `cfg(windows)`, `std::os::*`, `libc` or `windows_sys`:
//! private files and their owners, process trees, the parent process, memory
//! protection. The rest of cytoken asks these functions questions in its own
//! terms ("may others write this?") and never looks at mode bits, uids, SIDs
//! or DACLs itself.
//!
//! # The contract
//!
//! Each OS module (`unix.rs` with `unix_dir.rs`; `windows/`) implements every
//! item of the `pub(crate) use os::{..}` list below, by the same name and
//! signature. The list is the contract: an OS that lacks an item fails to
//! compile on that line, not at a caller. A question an OS does not ask is
//! answered in one place, `fallback.rs`. What each item promises on every OS:
//!
//! Files, their owners and who else may use them:
//! - [`access`], [`access_path`]: the [`Access`] of an open file or of a path
//!   (followed): its [`Owner`], whether anyone else may write it or use it at
//!   all, for messages its mode (on Windows the DACL summarised as one).
//! - [`private_fix`], [`unwritable_fix`]: the one-line fix to tell the user
//!   for a file others can read, or write.
//! - [`trusted_file`]: the open file and every directory above it pass the
//!   trusted-path rules (DESIGN §5, as ssh's `safe_path`), or why not as an
//!   [`Untrusted`].
//! - [`trusted_dir`]: a directory cytoken keeps its own files in is the
//!   user's, never a link, under trusted directories.
//! - [`trusted_parent`]: a directory cytoken makes an entry in (log file,
//!   helper link, a new cache dir) is the user's or the administrator's,
//!   under trusted directories.
//! - [`trusted_read_dir`]: a directory to read files from (`SSL_CERT_DIR`)
//!   passes as [`trusted_file`] would; `Ok(false)` when absent.
//! - [`open_read`]: opens a file to read, following links, never blocking on
//!   a FIFO (the trust check runs next, on the handle).
//! - [`is_symlink_error`]: whether an open failed because of a link.
//! - [`Dir`]: a checked directory, its entries made, opened and renamed
//!   relative to the handle held open (Windows, which has no `openat`: by
//!   path under it, never following a reparse point at the entry's name).
//! - [`install_link`]: makes a helper name (`git-credential-cytoken`) run
//!   cytoken (a symlink; on Windows a hard link or a copy), replacing only
//!   cytoken's own, never another user's or program.
//!
//! Processes:
//! - [`Allocator`], [`allocator`]: the binary's global allocator (src/main.rs).
//!   On Unix a bump arena in front of `malloc` (`arena.rs`); on Windows the
//!   system heap, which [`prepare_process`] keeps out of crash dumps (a
//!   static buffer would not be).
//! - [`main_args`]: the arguments C's `main` received (src/main.rs; on
//!   Windows read from the UTF-16 command line).
//! - [`prepare_process`]: what cytoken needs before anything else, std's own
//!   start not having run: on Unix fds 0-2 open, SIGPIPE ignored, no core
//!   file (Linux: not dumpable), the trust walk's per-process memo on
//!   (`unix_memo.rs`); on Windows the heap kept out of crash dumps.
//! - [`own_tree`], [`Tree`]: a child started in its own process tree
//!   (process group; job object), and killing that whole tree.
//! - [`parent_process`], [`process_start`]: who started us, and when a
//!   process started (so a recycled pid is another process); `None` where
//!   the OS does not say.
//! - [`checked_command`]: a command that runs exactly the program file that
//!   was opened and checked (Linux: through `/proc/self/fd`; elsewhere by
//!   its path, every directory above it checked).
//! - [`run_in_place`]: runs a command as this process (`exec`; on Windows
//!   spawn, wait and pass on its status).
//!
//! Tests: `testing` (`set_mode`, `mode`, `symlink`, `non_utf8_arg`,
//! `parent_pid`) sets files up as an attacker or a careless user would.
//!
//! The rest, the same code on every OS (here): [`open_trusted`],
//! [`open_parent`], [`create_private_dir_checked`], [`creatable`],
//! [`trusted_binary`], [`plain_path`], [`hosts_file`]; with a fallback
//! elsewhere: [`foreign_port`], [`foreign_peer`] (Linux: `sockets.rs`);
//! [`keyring`] (one backend per OS store, see its doc).

#[cfg(unix)]
mod arena;
mod fallback;
pub(crate) mod keyring;
#[cfg(target_os = "linux")]
mod sockets;
#[cfg(unix)]
mod unix;
#[cfg(unix)]
mod unix_dir;
#[cfg(unix)]
mod unix_memo;
#[cfg(windows)]
mod windows;

#[cfg(unix)]
use self::unix as os;
#[cfg(windows)]
use self::windows as os;

#[cfg(test)]
pub(crate) use os::testing;
/// The contract (see the module doc): every OS module defines each of these.
pub use os::{Allocator, allocator, main_args};
pub(crate) use os::{
    Tree, access, access_path, checked_command, install_link, is_symlink_error, open_read,
    own_tree, parent_process, prepare_process, private_fix, process_start, run_in_place,
    trusted_dir, trusted_file, trusted_parent, trusted_read_dir, unwritable_fix,
};
#[cfg(unix)]
pub(crate) use unix_dir::Dir;
#[cfg(windows)]
pub(crate) use windows::Dir;

#[cfg(not(target_os = "linux"))]
pub(crate) use fallback::{foreign_peer, foreign_port};
#[cfg(target_os = "linux")]
pub(crate) use sockets::{foreign_peer, foreign_port};

/// The system's hosts file (`/etc/hosts`; on Windows
/// `%SystemRoot%\System32\drivers\etc\hosts`), empty when it cannot be read:
/// which names it maps to this machine.
pub(crate) fn hosts_file() -> String {
    #[cfg(windows)]
    let path =
        PathBuf::from(std::env::var_os("SystemRoot").unwrap_or_else(|| "C:\\Windows".into()))
            .join("System32\\drivers\\etc\\hosts");
    #[cfg(not(windows))]
    let path = PathBuf::from("/etc/hosts");
    // Bounded: a hosts file is a few KiB; a huge one is read in part.
    let mut bytes = Vec::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = std::io::Read::read_to_end(&mut std::io::Read::take(file, 1 << 20), &mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

use std::fmt;
use std::path::PathBuf;

/// Who owns a file, as the trust rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// The user cytoken runs as.
    Me,
    /// The administrator (root; on Windows SYSTEM, Administrators or
    /// TrustedInstaller).
    Admin,
    /// Anyone else (the number is for messages: a uid, or on Windows the
    /// SID's relative id).
    Other(u32),
}

/// What the trust rules need to know about a file or directory. The flags are
/// independent yes/no questions the rules ask, not states of one machine.
#[allow(clippy::struct_excessive_bools)]
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
    /// The permission bits, for messages (`mode 644`); on Windows the same
    /// bits summarising the DACL (0o600: nobody else; 0o044: others may read).
    pub(crate) mode: u32,
    /// Owned by the administrator (root), whether or not that is also us.
    pub(crate) by_admin: bool,
    /// Hard links to it (a file with more than one can be changed through a
    /// name cytoken does not control).
    pub(crate) links: u64,
}

/// Who would receive what is sent to a loopback port instead of the user or
/// root (see platform/sockets.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// Made only on Linux, the one OS asked (platform/sockets.rs).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) enum Stranger {
    /// Another user of this machine.
    User(u32),
    /// No socket of the user's or root's the kernel shows (at the other end
    /// of our connection, or bound to the port): cytoken cannot tell whose
    /// it will be.
    Unknown,
}

/// Why a path is not trusted (DESIGN §5, as ssh's `safe_path`): the
/// component at fault and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Untrusted {
    pub(crate) path: PathBuf,
    pub(crate) why: Why,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Why {
    /// A FIFO, device or directory where a file belongs.
    NotRegular,
    /// Something else where a directory belongs.
    NotDir,
    /// A file of the kernel's (procfs, sysfs): root-owned and read-only, but
    /// its content is whatever some process made it.
    #[cfg_attr(windows, allow(dead_code))]
    KernelFile,
    /// Owned by another user.
    Owner(u32),
    /// Writable by group or others (the mode, for the message).
    Writable(u32),
    /// A root-owned file under a directory root does not own.
    #[cfg_attr(windows, allow(dead_code))]
    RootUnderUser,
    /// A symlink where none may be.
    Symlink,
    /// Its owner and access list could not be read (Windows), so it cannot be
    /// shown to be private.
    #[cfg_attr(not(windows), allow(dead_code))]
    Unverifiable,
}

/// `path` without a trailing separator or `.` components. A path ending in
/// `/` or `/.` makes the kernel follow its last component when it is a
/// symlink, so neither lstat nor `O_NOFOLLOW` would see the link, and the
/// trust walk (which takes the parent of the last component) would check the
/// directories above the link instead of those above where it leads.
pub(crate) fn plain_path(path: &std::path::Path) -> PathBuf {
    path.components().collect()
}

/// Opens a file for reading and checks it can be trusted (see
/// [`trusted_file`]): the checks run on the open handle, so the file cannot be
/// swapped between the check and the read.
pub(crate) fn open_trusted(
    path: &std::path::Path,
    home: Option<&std::path::Path>,
) -> Result<std::fs::File, OpenTrusted> {
    let file = open_read(path).map_err(OpenTrusted::Io)?;
    trusted_file(path, &file, home).map_err(OpenTrusted::Untrusted)?;
    Ok(file)
}

/// Opens the directory `path` for cytoken to make or change entries in,
/// after checking it (see `trusted_parent`): everything done in it is then
/// relative to the checked handle.
pub(crate) fn open_parent(
    path: &std::path::Path,
    home: Option<&std::path::Path>,
) -> Result<Dir, OpenTrusted> {
    trusted_parent(path, home).map_err(OpenTrusted::Untrusted)?;
    Dir::open(path).map_err(OpenTrusted::Io)
}

/// Creates the directory `path` (0700, its missing parents too) when it does
/// not exist: the nearest directory that does is checked first (see
/// `trusted_parent`), and each missing one is made relative to the one
/// checked or made before it, never through a path. So a link planted
/// anywhere above (another user's, in a shared directory) is refused before
/// anything is created where it leads. What is at `path` afterwards is the
/// caller's to check (it may have existed).
pub(crate) fn create_private_dir_checked(
    path: &std::path::Path,
    home: Option<&std::path::Path>,
) -> Result<(), OpenTrusted> {
    let (base, missing) = nearest_existing(path)?;
    if missing.is_empty() {
        return Ok(());
    }
    let mut dir = open_parent(&base, home)?;
    for name in missing.iter().rev() {
        dir = dir.sub_private(name).map_err(OpenTrusted::Io)?;
    }
    Ok(())
}

/// Whether the directory `path`, which does not exist, could be made as
/// [`create_private_dir_checked`] would: the nearest directory that exists
/// passes `trusted_parent`. (Whatever appears at `path` later is checked
/// then.)
pub(crate) fn creatable(
    path: &std::path::Path,
    home: Option<&std::path::Path>,
) -> Result<(), OpenTrusted> {
    let (base, _) = nearest_existing(path)?;
    trusted_parent(&base, home).map_err(OpenTrusted::Untrusted)
}

/// The nearest of `path` and its parents that exists (as a name: a link
/// counts), and the names below it that do not, innermost first.
fn nearest_existing(
    path: &std::path::Path,
) -> Result<(PathBuf, Vec<std::ffi::OsString>), OpenTrusted> {
    let path = plain_path(path);
    let path = std::path::absolute(&path).unwrap_or(path);
    let mut missing = Vec::new();
    let mut base = path.as_path();
    loop {
        match std::fs::symlink_metadata(base) {
            Ok(_) => return Ok((base.to_path_buf(), missing)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let not_made = || {
                    OpenTrusted::Io(std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!("cannot create {}", path.display()),
                    ))
                };
                missing.push(base.file_name().ok_or_else(not_made)?.to_os_string());
                base = base.parent().ok_or_else(not_made)?;
            }
            Err(e) => return Err(OpenTrusted::Io(e)),
        }
    }
}

/// Whether the cytoken binary at `exe` is a trusted path (DESIGN §5), as a
/// config file must be: whoever can replace it, or rename a directory above
/// it, runs code as everyone who runs it. The reason and the fix otherwise.
pub(crate) fn trusted_binary(
    exe: &std::path::Path,
    home: Option<&std::path::Path>,
) -> std::result::Result<(), String> {
    open_trusted(exe, home).map(drop).map_err(|e| match e {
        OpenTrusted::Untrusted(u) => format!(
            "the cytoken binary {} cannot be trusted: {u}; {} (or install cytoken where only \
             you or root can write)",
            exe.display(),
            u.fix()
        ),
        OpenTrusted::Io(e) => {
            format!("the cytoken binary {} cannot be read: {e}", exe.display())
        }
    })
}

/// Why [`open_trusted`] failed.
#[derive(Debug)]
pub(crate) enum OpenTrusted {
    Io(std::io::Error),
    Untrusted(Untrusted),
}

impl fmt::Display for OpenTrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenTrusted::Io(e) => e.fmt(f),
            OpenTrusted::Untrusted(u) => u.fmt(f),
        }
    }
}

impl Untrusted {
    /// The fix to tell the user.
    pub(crate) fn fix(&self) -> String {
        let p = self.path.display();
        match self.why {
            Why::Writable(_) => unwritable_fix(&self.path),
            Why::Owner(0) => format!("use a directory of your own, not {p}"),
            Why::Owner(_) | Why::RootUnderUser => {
                format!("keep the file in directories only you (or root) own, not {p}")
            }
            Why::NotRegular | Why::NotDir | Why::KernelFile | Why::Symlink | Why::Unverifiable => {
                "point it at a regular file of yours".to_string()
            }
        }
    }
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.path.display();
        match self.why {
            Why::NotRegular => write!(f, "{p} is not a regular file"),
            Why::NotDir => write!(f, "{p} is not a directory"),
            Why::KernelFile => write!(
                f,
                "{p} is a kernel file (procfs or sysfs), not a file of yours"
            ),
            // Only a directory cytoken keeps its own files in must be the
            // user's (see `trusted_dir`); anywhere else root is trusted.
            #[cfg(not(windows))]
            Why::Owner(0) => write!(f, "{p} is owned by root, not by you"),
            #[cfg(not(windows))]
            Why::Owner(uid) => write!(f, "{p} is owned by uid {uid}, not by you or root"),
            #[cfg(windows)]
            Why::Owner(0) => write!(f, "{p} is owned by an administrator account, not by you"),
            #[cfg(windows)]
            Why::Owner(rid) => write!(
                f,
                "{p} is owned by another account (RID {rid}), not by you or an administrator"
            ),
            #[cfg(not(windows))]
            Why::Writable(mode) => {
                write!(f, "{p} is writable by others (mode {mode:03o})")
            }
            #[cfg(windows)]
            Why::Writable(_) => write!(f, "{p} is writable by others (its access list lets them)"),
            Why::Unverifiable => write!(f, "{p}'s owner and access list cannot be read"),
            Why::RootUnderUser => write!(
                f,
                "{p} is owned by root but lies under a directory root does not own"
            ),
            Why::Symlink => write!(f, "{p} is a symlink"),
        }
    }
}

impl fmt::Display for Access {
    #[cfg(not(windows))]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mode {:03o}", self.mode)
    }

    /// The DACL in words: Windows has no mode to quote.
    #[cfg(windows)]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.others_write {
            "its access list lets others write it"
        } else if self.group_or_other {
            "its access list lets others read it"
        } else {
            "its access list grants only you"
        })
    }
}
