//! Unix: mode bits and uids, `O_NOFOLLOW`, process groups, `/proc` for the
//! parent's start time, `execvp` for `cytoken exec`. The only `unsafe` code in
//! cytoken lives here: libc calls std does not wrap, none of which has
//! preconditions or can corrupt memory, so the crate denies `unsafe_code`
//! everywhere else.
#![allow(unsafe_code)]

use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command};

use super::{Access, Owner};

/// The effective uid, which cache files must be owned by.
fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions, touches no memory and cannot fail.
    unsafe { libc::geteuid() }
}

/// Who may do what with the file `meta` describes.
pub(crate) fn access(meta: &Metadata) -> Access {
    let uid = meta.uid();
    let owner = if uid == euid() {
        Owner::Me
    } else if uid == 0 {
        Owner::Admin
    } else {
        Owner::Other(uid)
    };
    let mode = meta.mode();
    Access {
        owner,
        others_write: mode & 0o022 != 0,
        group_or_other: mode & 0o077 != 0,
        sticky: mode & 0o1000 != 0,
        mode: mode & 0o7777,
    }
}

/// Makes this process non-dumpable: no core file (which would hold the app
/// secret and tokens in plain text) and no ptrace attach by other processes of
/// the same user. The flag resets on exec, so `cytoken exec`'s command is not
/// affected.
#[cfg(target_os = "linux")]
pub(crate) fn protect_memory() {
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) takes no pointers; failure only leaves
    // the process dumpable, which is not worth failing the command over.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Elsewhere: at least no core file.
#[cfg(not(target_os = "linux"))]
pub(crate) fn protect_memory() {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: setrlimit reads the one struct we pass by reference.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &raw const zero);
    }
}

/// Opens a file for reading without following a symlink (a symlinked entry
/// could point us at, and later make us overwrite, a file we never meant to
/// touch) and without blocking on a FIFO planted in its place.
pub(crate) fn open_read_nofollow(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

/// Whether an open failed because the path is a symlink (see
/// [`open_read_nofollow`]).
pub(crate) fn is_symlink_error(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

/// Creates a new private file (never an existing one, never through a symlink).
pub(crate) fn create_new_private(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Opens (creating it private if needed) a file to append to, never through a
/// symlink.
pub(crate) fn open_private_append(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Opens (creating it private if needed) a lock file, never through a symlink
/// and never truncating it.
pub(crate) fn open_private_lock(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Creates a private directory (0700), with its parents when `recursive`.
pub(crate) fn create_private_dir(path: &Path, recursive: bool) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(recursive)
        .mode(0o700)
        .create(path)
}

/// Takes group and other access away from a directory of ours.
pub(crate) fn make_private_dir(path: &Path) -> io::Result<()> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
}

/// Makes `cmd` start its own process tree (a process group), so that
/// [`kill_tree`] also ends whatever it starts.
pub(crate) fn own_tree(cmd: &mut Command) -> &mut Command {
    cmd.process_group(0)
}

/// Ends a child started with [`own_tree`] and everything it spawned, as a
/// shell does for a job that timed out.
pub(crate) fn kill_tree(child: &mut Child) {
    if let Ok(pgid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) takes no pointers; a group that is already gone is
        // simply not found.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}

/// The process that started us, and its start time where the OS tells it (so
/// a recycled pid is another process).
pub(crate) fn parent_process() -> (u32, Option<u64>) {
    let pid = std::os::unix::process::parent_id();
    (pid, start_time(pid))
}

/// The start time of process `pid` (clock ticks after boot) on Linux; None
/// elsewhere or when unreadable.
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so fields
    // are counted from the last ')'. starttime is field 22, the 20th after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_ascii_whitespace().nth(19)?.parse().ok()
}

/// Runs `cmd` in place of this process (`execvp`): it keeps our pid, so
/// signals reach it directly and its exit status is the caller's. Returns only
/// when it could not be started. std resets the signal mask and
/// SIGPIPE (which Rust ignores) to their defaults first, so the program starts
/// with the dispositions it would get from a shell.
pub(crate) fn run_in_place(mut cmd: Command) -> io::Result<i32> {
    Err(cmd.exec())
}

/// Test helpers that set up files as an attacker or a careless user would.
#[cfg(test)]
pub(crate) mod testing {
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    pub(crate) fn set_mode(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    pub(crate) fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    pub(crate) fn symlink(target: &Path, link: &Path) {
        std::os::unix::fs::symlink(target, link).unwrap();
    }

    /// An argument that is not valid UTF-8.
    pub(crate) fn non_utf8_arg() -> std::ffi::OsString {
        std::os::unix::ffi::OsStringExt::from_vec(vec![0xff])
    }

    pub(crate) fn parent_pid() -> u32 {
        std::os::unix::process::parent_id()
    }
}
