//! Unix: mode bits and uids, `O_NOFOLLOW`, process groups, `/proc` for the
//! parent's start time, `execvp` for `cytoken exec`. Its `unsafe` is libc
//! calls std does not wrap, each block with the `// SAFETY:` reason it is
//! sound. The crate denies `unsafe_code` except in the OS files of
//! src/platform/ (this one, `unix_dir.rs`, `sockets.rs`, `windows/`) and
//! src/main.rs's C `main`.
#![allow(unsafe_code)]

use std::cell::Cell;
use std::ffi::OsString;
use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command};

use super::{Access, Owner, Untrusted, Why};
// What this Unix does not ask (see `fallback.rs`).
#[cfg(not(target_os = "linux"))]
use super::fallback::on_kernel_fs;
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)))]
use super::fallback::peer_uid;

/// The effective uid, which cache files must be owned by.
pub(super) fn euid() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    // Asked once per process (it cannot change under us: cytoken never
    // changes its ids), since every trust check wants it.
    static EUID: AtomicU32 = AtomicU32::new(u32::MAX);
    match EUID.load(Ordering::Relaxed) {
        u32::MAX => {
            // SAFETY: geteuid has no preconditions, touches no memory and cannot fail.
            let id = unsafe { libc::geteuid() };
            EUID.store(id, Ordering::Relaxed);
            id
        }
        id => id,
    }
}

/// Who runs the process at the other end of the unix socket `stream`, as the
/// kernel recorded it when that process bound and listened (SO_PEERCRED;
/// getpeereid on the BSDs): a socket path in a shared directory, or an
/// abstract name, is anyone's to bind first. (For the Secret Service's bus,
/// see platform/keyring.rs: built where that is.)
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
pub(crate) fn unix_peer(stream: &std::os::unix::net::UnixStream) -> io::Result<Owner> {
    let uid = peer_uid(std::os::fd::AsRawFd::as_raw_fd(stream))?;
    Ok(match uid {
        _ if uid == euid() => Owner::Me,
        0 => Owner::Admin,
        other => Owner::Other(other),
    })
}

#[cfg(target_os = "linux")]
fn peer_uid(fd: i32) -> io::Result<u32> {
    // SAFETY: a zeroed ucred is a valid value of it; getsockopt writes at
    // most `len` bytes into it.
    unsafe {
        let mut cred: libc::ucred = std::mem::zeroed();
        let mut len = libc::socklen_t::try_from(std::mem::size_of_val(&cred))
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        if libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&raw mut cred).cast(),
            &raw mut len,
        ) != 0
        {
            return Err(io::Error::last_os_error());
        }
        Ok(cred.uid)
    }
}

#[cfg(any(
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn peer_uid(fd: i32) -> io::Result<u32> {
    let (mut uid, mut gid) = (0, 0);
    // SAFETY: getpeereid writes one uid and one gid through the pointers.
    if unsafe { libc::getpeereid(fd, &raw mut uid, &raw mut gid) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(uid)
}

/// Who may do what with the open `file`, whose metadata is `meta` (Unix reads
/// it all from the metadata; the handle is for Windows, whose owner and DACL
/// come from it).
// The Result is Windows': reading a DACL can fail, a stat already made cannot.
#[allow(clippy::unnecessary_wraps)]
pub(crate) fn access(_file: &File, meta: &Metadata) -> io::Result<Access> {
    Ok(from_meta(meta))
}

/// [`access`] for a path, following symlinks as `metadata` does.
pub(crate) fn access_path(path: &Path) -> io::Result<Access> {
    std::fs::metadata(path).map(|m| from_meta(&m))
}

/// The fix to give for a file others can read.
pub(crate) fn private_fix(path: &Path) -> String {
    format!("`chmod 600 {}`", path.display())
}

/// The fix to give for a file others can write.
pub(crate) fn unwritable_fix(path: &Path) -> String {
    format!("run `chmod go-w {}`", path.display())
}

fn from_meta(meta: &Metadata) -> Access {
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
        by_admin: uid == 0,
        links: meta.nlink(),
    }
}

/// Whether an open file lives on procfs or sysfs: such files are root-owned
/// and read-only, yet their content is whatever a process wrote (its argv in
/// `/proc/<pid>/cmdline`), so they never count as a root-owned file.
#[cfg(target_os = "linux")]
fn on_kernel_fs(file: &File) -> bool {
    use std::os::fd::AsRawFd;
    const PROC_SUPER_MAGIC: i64 = 0x9fa0;
    const SYSFS_MAGIC: i64 = 0x6265_6572;
    // SAFETY: statfs is plain old data; all-zero is a valid value of it.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: fstatfs writes one statfs we own, for a descriptor we hold open.
    let rc = unsafe { libc::fstatfs(file.as_raw_fd(), &raw mut st) };
    #[allow(clippy::unnecessary_cast, clippy::cast_possible_wrap)]
    let kind = st.f_type as i64;
    rc == 0 && (kind == PROC_SUPER_MAGIC || kind == SYSFS_MAGIC)
}

/// Whether the open file `file`, opened from `path`, can be trusted as ssh's
/// `safe_path` trusts a file: a regular file, not a kernel file, owned by the
/// user or root and writable by no one else; and every directory above it (as
/// written and as resolved, up to `home` when it lies below it, else up to
/// `/`) owned by the user or root and writable by no one else — except a
/// root-owned sticky directory (`/tmp`) directly above a component the user
/// owns. A root-owned file is trusted only under root-owned directories
/// (otherwise whoever owns the directory can swap it).
pub(crate) fn trusted_file(path: &Path, file: &File, home: Option<&Path>) -> Result<(), Untrusted> {
    trusted_node(path, file, home, false)
}

/// Whether the directory at `path` (followed if a link, as a file named by
/// the user is) can be trusted to read files from, as [`trusted_file`]
/// trusts a file: owned by the user or root, writable by no one else, under
/// trusted directories (`SSL_CERT_DIR`). Absent is `Ok(false)`: nothing is
/// read from it.
pub(crate) fn trusted_read_dir(path: &Path, home: Option<&Path>) -> Result<bool, Untrusted> {
    let dir = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NONBLOCK)
        .open(path)
    {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(_) => {
            return Err(Untrusted {
                path: path.to_path_buf(),
                why: Why::NotDir,
            });
        }
    };
    trusted_node(path, &dir, home, true).map(|()| true)
}

/// The one rule of [`trusted_file`] and [`trusted_read_dir`], for the open
/// `file` that must be a directory when `dir`, else a regular file.
fn trusted_node(path: &Path, file: &File, home: Option<&Path>, dir: bool) -> Result<(), Untrusted> {
    let bad = |why| Untrusted {
        path: path.to_path_buf(),
        why,
    };
    let meta = file.metadata().map_err(|_| bad(Why::NotRegular))?;
    if dir && !meta.is_dir() {
        return Err(bad(Why::NotDir));
    }
    if !dir && !meta.is_file() {
        return Err(bad(Why::NotRegular));
    }
    if on_kernel_fs(file) {
        return Err(bad(Why::KernelFile));
    }
    let a = from_meta(&meta);
    if let Owner::Other(uid) = a.owner {
        return Err(bad(Why::Owner(uid)));
    }
    if a.others_write {
        return Err(bad(Why::Writable(a.mode)));
    }
    // The leaf may be a link (open follows it): then the directories that
    // matter are also the ones it resolves to. The link is a component of
    // the written path like any other: someone else's link (planted in a
    // sticky /tmp, say) decides which file is read, so it must be ours or
    // root's, and the sticky rule applies to it, not to its target.
    let link = std::fs::symlink_metadata(path).ok();
    let leaf_link = link.as_ref().is_none_or(|m| m.file_type().is_symlink());
    let written_owner = match link.filter(|m| m.file_type().is_symlink()) {
        Some(m) => {
            check_link(path, home, &Cell::new(0))?;
            from_meta(&m).owner
        }
        None => a.owner,
    };
    ancestors_trusted(path, written_owner, a.owner, home, leaf_link)
}

/// Links checked for one path before it is refused (the kernel follows 40):
/// a total, not a depth, since each link's target is walked too and links
/// to `.` would otherwise multiply the work.
const MAX_LINKS: usize = 40;

/// Whether the symlink at `link` may be followed: it is ours or root's (its
/// owner decides where the path leads), and what it points at, as written in
/// it, passes the same checks: every link along the chain and every
/// directory each one goes through. The resolved walk alone would see only
/// the chain's end, not another user's link in its middle.
fn check_link(link: &Path, home: Option<&Path>, links: &Cell<usize>) -> Result<(), Untrusted> {
    let bad = |why| Untrusted {
        path: link.to_path_buf(),
        why,
    };
    links.set(links.get() + 1);
    if links.get() > MAX_LINKS {
        return Err(bad(Why::Symlink));
    }
    let meta = std::fs::symlink_metadata(link).map_err(|_| bad(Why::NotRegular))?;
    if let Owner::Other(uid) = from_meta(&meta).owner {
        return Err(bad(Why::Owner(uid)));
    }
    let written = std::fs::read_link(link).map_err(|_| bad(Why::Symlink))?;
    let target = match link.parent() {
        Some(dir) if written.is_relative() => dir.join(written),
        _ => written,
    };
    let target = std::path::absolute(&target).unwrap_or(target);
    let t = std::fs::symlink_metadata(&target).map_err(|_| Untrusted {
        path: target.clone(),
        why: Why::NotRegular,
    })?;
    if t.file_type().is_symlink() {
        check_link(&target, home, links)?;
    }
    check_dirs_above(&target, from_meta(&t).owner, home, links).map(drop)
}

/// Whether the directory at `path` (never followed: a symlink is refused) is
/// ours, writable by no one else, and under trusted directories (see
/// [`trusted_file`]). Group or other *read* access is not checked here.
pub(crate) fn trusted_dir(path: &Path, home: Option<&Path>) -> Result<(), Untrusted> {
    let path: &Path = &super::plain_path(path);
    let bad = |why| Untrusted {
        path: path.to_path_buf(),
        why,
    };
    let meta = std::fs::symlink_metadata(path).map_err(|_| bad(Why::NotDir))?;
    if meta.file_type().is_symlink() {
        return Err(bad(Why::Symlink));
    }
    if !meta.is_dir() {
        return Err(bad(Why::NotDir));
    }
    let a = from_meta(&meta);
    match a.owner {
        Owner::Me => {}
        Owner::Admin => return Err(bad(Why::Owner(0))),
        Owner::Other(uid) => return Err(bad(Why::Owner(uid))),
    }
    if a.others_write {
        return Err(bad(Why::Writable(a.mode)));
    }
    ancestors_trusted(path, a.owner, a.owner, home, false)
}

/// The directories above `path`, both as written and as resolved. Resolving
/// costs a syscall per component on every cached call, so it is done only
/// when it can find something the written walk did not check: when a
/// directory that walk checked is a symlink, the leaf is one (`leaf_link`), or
/// the path holds a `..`. Otherwise every directory the written walk checked
/// is its own resolution (those above the home, where both walks stop, are
/// checked by neither). `written_owner` owns the path's last component as
/// written (a link's owner), `owner` what it resolves to.
fn ancestors_trusted(
    path: &Path,
    written_owner: Owner,
    owner: Owner,
    home: Option<&Path>,
    leaf_link: bool,
) -> Result<(), Untrusted> {
    let written = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let links = Cell::new(0);
    let linked = check_dirs_above(&written, written_owner, home, &links)?;
    let dots = written
        .components()
        .any(|c| c == std::path::Component::ParentDir);
    if (linked || leaf_link || dots)
        && let Ok(real) = std::fs::canonicalize(path)
        && real != written
    {
        check_dirs_above(&real, owner, home, &links)?;
    }
    Ok(())
}

/// Checks the directories above `path`, up to the home or `/`; says whether
/// one of them was a symlink (checked as a link, see [`check_link`], and
/// where it points). `links` counts the links checked for this path so far.
fn check_dirs_above(
    path: &Path,
    owner: Owner,
    home: Option<&Path>,
    links: &Cell<usize>,
) -> Result<bool, Untrusted> {
    // The home as given, or else as resolved (resolving costs a syscall per
    // component, on every cached call: only when the plain form does not fit).
    let memo = super::unix_memo::memo();
    let matched = home.and_then(|h| {
        if path.starts_with(h) {
            Some(h.to_path_buf())
        } else {
            match memo {
                Some(m) => m.resolve_home(h),
                None => std::fs::canonicalize(h).ok(),
            }
            .filter(|real| path.starts_with(real))
        }
    });
    let below_home = matched.as_deref();
    let mut child = owner;
    let mut linked = false;
    for dir in path
        .ancestors()
        .skip(1)
        .filter(|d| !d.as_os_str().is_empty())
    {
        let bad = |why| Untrusted {
            path: dir.to_path_buf(),
            why,
        };
        let mut meta = match memo {
            Some(m) => m.lstat(dir, euid()),
            None => std::fs::symlink_metadata(dir),
        }
        .map_err(|_| bad(Why::NotDir))?;
        // The entry in the directory above is the link, whose owner decides
        // where this path leads: the sticky rule there applies to it.
        let mut entry_owner = None;
        if meta.file_type().is_symlink() {
            linked = true;
            check_link(dir, home, links)?;
            entry_owner = Some(from_meta(&meta).owner);
            meta = std::fs::metadata(dir).map_err(|_| bad(Why::NotDir))?;
        }
        if !meta.is_dir() {
            return Err(bad(Why::NotDir));
        }
        let a = from_meta(&meta);
        if let Owner::Other(uid) = a.owner {
            return Err(bad(Why::Owner(uid)));
        }
        if owner == Owner::Admin && !a.by_admin {
            return Err(Untrusted {
                path: path.to_path_buf(),
                why: Why::RootUnderUser,
            });
        }
        // Anyone may create entries in /tmp, but only their own, and only
        // an entry's owner (or root) may rename or remove it: it is safe
        // directly above something of ours or root's, and nowhere else.
        let sticky_ok = a.by_admin && a.sticky && matches!(child, Owner::Me | Owner::Admin);
        if a.others_write && !sticky_ok {
            return Err(bad(Why::Writable(a.mode)));
        }
        child = entry_owner.unwrap_or(a.owner);
        if below_home.is_some_and(|h| dir == h) {
            break;
        }
    }
    Ok(linked)
}

/// Whether the directory `dir` may hold what cytoken makes in it (the log
/// file, a helper link, a new cache dir): it and every directory above it, as
/// written and as resolved, owned by the user or root and writable by no one
/// else, except a root-owned sticky directory (`/tmp`), which is safe directly
/// above an entry of the user's. Unlike [`trusted_dir`], root may own it
/// (`/var/log/cytoken`, `/usr/local/bin`): the entry made in it is the user's.
pub(crate) fn trusted_parent(dir: &Path, home: Option<&Path>) -> Result<(), Untrusted> {
    let dir = super::plain_path(dir);
    let written = std::path::absolute(&dir).unwrap_or(dir);
    // Stands for the entry cytoken will make there: the user's.
    let entry = |d: &Path| d.join("entry");
    let links = Cell::new(0);
    let linked = check_dirs_above(&entry(&written), Owner::Me, home, &links)?;
    let dots = written
        .components()
        .any(|c| c == std::path::Component::ParentDir);
    if (linked || dots)
        && let Ok(real) = std::fs::canonicalize(&written)
        && real != written
    {
        check_dirs_above(&entry(&real), Owner::Me, home, &links)?;
    }
    Ok(())
}

/// The binary's allocator: a bump arena for the few hundred short-lived
/// allocations of a cached call, `malloc` beyond it. Freed memory stays in
/// the process, which is not dumpable and writes no core file
/// ([`prepare_process`]), as with `malloc`.
pub type Allocator = super::arena::Arena<{ 256 * 1024 }>;
/// The [`Allocator`] src/main.rs installs (a `const fn`: a `static` needs one).
pub const fn allocator() -> Allocator {
    Allocator::new()
}

/// The arguments the C runtime passed to `main` (src/main.rs). std finds them
/// without `lang_start` only on glibc and Apple targets; musl and the BSDs
/// keep them for `lang_start` alone, so they are read here everywhere.
///
/// # Safety
/// `argv` holds `argc` pointers to NUL-terminated strings, as C's `main` gets.
#[allow(clippy::similar_names)] // C's own names
pub unsafe fn main_args(argc: i32, argv: *const *const std::ffi::c_char) -> Vec<OsString> {
    use std::os::unix::ffi::OsStringExt;
    (0..usize::try_from(argc).unwrap_or(0))
        .map_while(|i| {
            // SAFETY: i < argc, and each of those pointers is a C string (the
            // caller's promise); a null one ends the list early.
            let arg = unsafe { *argv.add(i) };
            (!arg.is_null()).then(|| {
                // SAFETY: `arg` is one of those C strings, not null (checked).
                OsString::from_vec(unsafe { std::ffi::CStr::from_ptr(arg) }.to_bytes().to_vec())
            })
        })
        .collect()
}

/// What std's own start (`lang_start`, which src/main.rs does not run) does
/// that cytoken relies on, before anything else: the memory protection below;
/// fds 0, 1 and 2 open, since were one closed, the first file cytoken opens (a
/// cache entry, the secret file) would take its number, and a token meant for
/// stdout would be written into it; and SIGPIPE ignored, so a reader that stops
/// early (`| head`) is a write error that ends the command quietly, not a kill.
/// (Children get the default SIGPIPE back: std resets it when it spawns.)
/// Also turns the trust walk's memo on (see unix_memo.rs).
pub(crate) fn prepare_process() {
    protect_memory();
    super::unix_memo::enable();
    for fd in 0..3 {
        // SAFETY: fcntl(F_GETFD) and open take no pointers but a C string
        // literal; signal takes a constant handler.
        unsafe {
            if libc::fcntl(fd, libc::F_GETFD) == -1
                && io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
                // open takes the lowest free number: this one.
                && libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) != fd
            {
                // As std does: cytoken cannot run safely without the three.
                std::process::abort();
            }
        }
    }
    // SAFETY: as above.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// Makes this process non-dumpable: no core file (which would hold the app
/// secret and tokens in plain text) and no ptrace attach by other processes of
/// the same user. The flag resets on exec, so `cytoken exec`'s command is not
/// affected.
#[cfg(target_os = "linux")]
fn protect_memory() {
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) takes no pointers; failure only leaves
    // the process dumpable, which is not worth failing the command over.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Elsewhere: at least no core file.
#[cfg(not(target_os = "linux"))]
fn protect_memory() {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: setrlimit reads the one struct we pass by reference.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &raw const zero);
    }
}

/// Opens a file for reading, following symlinks (a config or secret file the
/// user named), never blocking on a FIFO in its place: the trust check that
/// follows refuses anything but a regular file, and must get to run.
pub(crate) fn open_read(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Whether an open failed because the path is a symlink (`O_NOFOLLOW`).
pub(crate) fn is_symlink_error(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

/// Takes group and other access away from an open directory of ours.
pub(crate) fn make_private(dir: &File) -> io::Result<()> {
    dir.set_permissions(std::fs::Permissions::from_mode(0o700))
}

/// The command that runs the file `program` names, which the caller opened
/// and checked as `file` (DESIGN §5): on Linux the very file checked, run
/// through `/proc/self/fd/N` (kept open across the exec, so a `#!` script's
/// interpreter can open it too), never the path looked up again, so nothing
/// renamed into place after the check runs. Its `argv[0]` is still
/// `program`. Without /proc, or elsewhere, the path (whose every directory
/// the check found unwritable by others).
pub(crate) fn checked_command(file: File, program: &str) -> Command {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        let by_fd = format!("/proc/self/fd/{fd}");
        if Path::new(&by_fd).exists() {
            let mut cmd = Command::new(by_fd);
            cmd.arg0(program);
            // SAFETY: the closure runs in the child between fork and exec and
            // calls only fcntl, which is async-signal-safe; `file` lives in
            // the closure, so the descriptor is open for as long as `cmd`.
            unsafe {
                cmd.pre_exec(move || {
                    if libc::fcntl(file.as_raw_fd(), libc::F_SETFD, 0) != 0 {
                        return Err(io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
            return cmd;
        }
    }
    drop(file);
    Command::new(program)
}

/// Makes `cmd` start its own process tree (a process group), so that
/// [`Tree::kill`] also ends whatever it starts.
pub(crate) fn own_tree(cmd: &mut Command) -> &mut Command {
    cmd.process_group(0)
}

/// A child's process tree: its process group.
pub(crate) struct Tree(());

impl Tree {
    /// The tree of a child started with [`own_tree`]: on Unix the group
    /// exists from the start, so there is nothing to do.
    #[allow(clippy::unnecessary_wraps)]
    pub(crate) fn start(_child: &mut Child) -> io::Result<Tree> {
        Ok(Tree(()))
    }

    /// Ends the child and everything it spawned, as a shell does for a job
    /// that timed out.
    // `&self` so that a tree is killed through the value `start` returned
    // (Windows' holds the job object).
    #[allow(clippy::unused_self)]
    pub(crate) fn kill(&self, child: &mut Child) {
        if let Ok(pgid) = i32::try_from(child.id()) {
            // SAFETY: kill(2) takes no pointers; a group that is already gone
            // is simply not found.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
        let _ = child.kill();
    }
}

/// The process that started us, and its start time where the OS tells it (so
/// a recycled pid is another process).
pub(crate) fn parent_process() -> (u32, Option<u64>) {
    let pid = std::os::unix::process::parent_id();
    (pid, process_start(pid))
}

/// When process `pid` started (clock ticks after boot, from `/proc`), or None
/// when it is not running (or, off Linux, when the OS does not say).
pub(crate) fn process_start(pid: u32) -> Option<u64> {
    use std::io::Read;
    // One read: /proc gives no size, and read_to_string would grow from 32 bytes.
    let mut stat = String::with_capacity(1024);
    File::open(format!("/proc/{pid}/stat"))
        .ok()?
        .take(4096)
        .read_to_string(&mut stat)
        .ok()?;
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

/// Makes `link` a symlink to `target` (a helper name git or docker runs).
/// An existing symlink is replaced atomically; anything else at `link` is
/// left alone (`AlreadyExists`). Returns what was done, for the report.
pub(crate) fn install_link(target: &Path, link: &Path) -> io::Result<&'static str> {
    match std::fs::symlink_metadata(link) {
        Ok(m) if m.file_type().is_symlink() => {
            // Whoever owns a link can point it elsewhere: another user's
            // link is never kept as ours, even one that points at us now.
            if let Owner::Other(_) = from_meta(&m).owner {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "it is another user's link: remove it and run again",
                ));
            }
            if std::fs::read_link(link)? == target {
                return Ok("kept");
            }
            let tmp = link.with_extension(format!("tmp{}", std::process::id()));
            std::os::unix::fs::symlink(target, &tmp)?;
            std::fs::rename(&tmp, link).inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })?;
            Ok("replaced")
        }
        Ok(_) => Err(io::ErrorKind::AlreadyExists.into()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::os::unix::fs::symlink(target, link)?;
            Ok("linked")
        }
        Err(e) => Err(e),
    }
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

    /// Makes `link` a symlink to `target`; true (Windows may be unable to).
    pub(crate) fn symlink(target: &Path, link: &Path) -> bool {
        std::os::unix::fs::symlink(target, link).unwrap();
        true
    }

    /// An argument that is not valid UTF-8.
    pub(crate) fn non_utf8_arg() -> std::ffi::OsString {
        std::os::unix::ffi::OsStringExt::from_vec(vec![0xff])
    }

    pub(crate) fn parent_pid() -> u32 {
        std::os::unix::process::parent_id()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{set_mode, symlink};
    use super::*;

    /// `open/` anyone may write (no sticky bit: anyone may swap what is in
    /// it), holding `real/` (ours, 0700) with `real/cache/` and
    /// `real/config.toml`; `safe/` (ours, 0700) is where the links are made.
    fn tree() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let open = t.path().join("open");
        let real = open.join("real");
        std::fs::create_dir_all(real.join("cache")).unwrap();
        std::fs::write(real.join("config.toml"), "").unwrap();
        set_mode(&open, 0o777);
        for d in [&real, &real.join("cache")] {
            set_mode(d, 0o700);
        }
        set_mode(&real.join("config.toml"), 0o600);
        let safe = t.path().join("safe");
        std::fs::create_dir(&safe).unwrap();
        set_mode(&safe, 0o700);
        (t, open, safe)
    }

    fn writable_at(r: &Result<(), Untrusted>, dir: &Path) -> bool {
        matches!(r, Err(Untrusted { path, why: Why::Writable(_) }) if path == dir)
    }

    #[test]
    fn plain_paths_are_trusted_and_an_open_dir_above_is_not() {
        let (_t, open, safe) = tree();
        let real = open.join("real");
        assert!(writable_at(&trusted_dir(&real.join("cache"), None), &open));
        let cfg = real.join("config.toml");
        let r = trusted_file(&cfg, &open_read(&cfg).unwrap(), None);
        assert!(writable_at(&r, &open));
        // Below a home that is itself in the open dir, the walk stops there.
        assert!(trusted_dir(&real.join("cache"), Some(&real)).is_ok());
        assert!(trusted_dir(&safe, None).is_ok());
    }

    /// The written path skips the resolving walk when no component is a
    /// link; a link anywhere it checks must still send it where the link goes.
    #[test]
    fn a_dir_reached_through_a_link_is_checked_where_it_resolves() {
        let (_t, open, safe) = tree();
        symlink(&open.join("real"), &safe.join("link"));
        for home in [None, Some(safe.as_path())] {
            let r = trusted_dir(&safe.join("link").join("cache"), home);
            assert!(writable_at(&r, &open), "{home:?}: {r:?}");
        }
    }

    /// `link/` and `link/.` make the kernel follow the link, which lstat
    /// would then not see: they are refused as the link itself is.
    #[test]
    fn a_dir_link_written_with_a_trailing_slash_or_dot_is_still_a_link() {
        let (_t, open, safe) = tree();
        let link = safe.join("link");
        symlink(&open.join("real").join("cache"), &link);
        let mut slash = link.clone().into_os_string();
        slash.push("/");
        for p in [link.clone(), slash.into(), link.join(".")] {
            for home in [None, Some(safe.as_path())] {
                let r = trusted_dir(&p, home);
                assert!(
                    matches!(r, Err(Untrusted { ref path, why: Why::Symlink }) if *path == link),
                    "{}: {r:?}",
                    p.display()
                );
            }
        }
    }

    /// A link to `.` used as 24 directories of a path: each one's target is
    /// walked again, so a depth limit alone would leave 2^24 checks; the
    /// total of links checked ends it.
    #[test]
    fn links_to_dot_over_and_over_end_in_a_refusal() {
        let (_t, _open, safe) = tree();
        symlink(Path::new("."), &safe.join("u"));
        std::fs::write(safe.join("f"), "").unwrap();
        let mut path = safe.clone();
        for _ in 0..24 {
            path.push("u");
        }
        path.push("f");
        let r = trusted_file(&path, &open_read(&path).unwrap(), None);
        assert!(
            matches!(
                r,
                Err(Untrusted {
                    why: Why::Symlink,
                    ..
                })
            ),
            "{r:?}"
        );
    }

    /// A directory cytoken makes something in must be writable by no one
    /// else (the sticky and root cases need a second user: see
    /// tests/integration/security/).
    #[test]
    fn a_parent_dir_others_can_write_is_refused() {
        let (_t, open, safe) = tree();
        assert!(trusted_parent(&safe, None).is_ok());
        assert!(writable_at(&trusted_parent(&open, None), &open));
        assert!(writable_at(
            &trusted_parent(&open.join("real"), None),
            &open
        ));
    }

    /// Nothing is made through a link above the new directory: the link is
    /// refused before the first mkdir, and what is made is private.
    #[test]
    fn a_new_dir_is_made_only_below_checked_dirs() {
        let (_t, open, safe) = tree();
        let target = open.join("real");
        symlink(&target, &safe.join("link"));
        let below = safe.join("link").join("a").join("cache");
        let r = super::super::create_private_dir_checked(&below, None);
        assert!(
            matches!(r, Err(super::super::OpenTrusted::Untrusted(_))),
            "{r:?}"
        );
        assert!(!target.join("a").exists());
        let fresh = safe.join("x").join("y");
        super::super::create_private_dir_checked(&fresh, None).unwrap();
        assert_eq!(super::testing::mode(&safe.join("x")), 0o700);
        assert_eq!(super::testing::mode(&fresh), 0o700);
        // Exclusive creation refuses what is there, a link included.
        let dir = super::super::Dir::open(&safe).unwrap();
        symlink(&target, &safe.join("taken"));
        assert!(dir.new_private("taken".as_ref()).is_err());
        assert!(dir.sub_private("taken".as_ref()).is_err());
        assert!(dir.open_append("taken".as_ref()).is_err());
        assert!(dir.open_append("../escape".as_ref()).is_err());
    }

    /// A FIFO where a trusted file belongs is refused, not waited on (a
    /// plain open blocks until someone writes to it).
    #[test]
    fn a_fifo_named_as_a_file_is_refused_at_once() {
        let (_t, _open, safe) = tree();
        let fifo = safe.join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let r = super::super::open_trusted(&fifo, None);
        assert!(
            matches!(
                r,
                Err(super::super::OpenTrusted::Untrusted(Untrusted {
                    why: Why::NotRegular,
                    ..
                }))
            ),
            "{r:?}"
        );
    }

    #[test]
    fn a_file_that_is_a_link_is_checked_where_it_resolves() {
        let (_t, open, safe) = tree();
        let cfg = safe.join("config.toml");
        symlink(&open.join("real").join("config.toml"), &cfg);
        for home in [None, Some(safe.as_path())] {
            let r = trusted_file(&cfg, &open_read(&cfg).unwrap(), home);
            assert!(writable_at(&r, &open), "{home:?}: {r:?}");
        }
    }
}
