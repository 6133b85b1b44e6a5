//! Windows: owner SIDs and DACLs where Unix has uids and mode bits, reparse
//! points where it has symlinks, a kill-on-close job object where it has a
//! process group, toolhelp for the parent process, spawn-and-wait for
//! `cytoken exec`. The only `unsafe` code on Windows lives here: Win32 calls
//! std does not wrap, each on memory this module owns for the length of the
//! call, so the crate denies `unsafe_code` everywhere else.
//!
//! The trust model is the Unix one translated (DESIGN §5, §8):
//! - "ours" is owned by the current user's SID; "the administrator" is SYSTEM,
//!   BUILTIN\Administrators or TrustedInstaller (they can take any file
//!   anyway, as root can);
//! - "others can write / can access" means an access-allowed ACE that applies
//!   to the object (not inherit-only) grants those rights to a SID that is not
//!   the owner, the current user, OWNER RIGHTS or one of the administrators.
//!   Deny ACEs are never subtracted: a DACL is judged by what it allows, so an
//!   ACE order trick cannot make a shared file look private. A NULL DACL
//!   allows everyone everything;
//! - what cytoken creates gets a *protected* DACL (nothing inherited from the
//!   parent) granting full control to the current user and SYSTEM only, with
//!   the owner set explicitly to the user: an elevated administrator's default
//!   owner is BUILTIN\Administrators, and the owner is who may rewrite the
//!   DACL. SYSTEM stays because Windows' own services (backup, indexing, the
//!   profile service) run as SYSTEM and SYSTEM can bypass a DACL regardless.

#![allow(unsafe_code)]

use std::ffi::{OsStr, c_void};
use std::fs::{File, Metadata};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::fs::MetadataExt;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::os::windows::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::OnceLock;
use std::time::Duration;

use windows_sys::Win32::Foundation::{
    ERROR_ACCESS_DENIED, ERROR_DIRECTORY, ERROR_LOCK_VIOLATION, ERROR_SHARING_VIOLATION,
    ERROR_STOPPED_ON_SYMLINK, FILETIME, HANDLE, INVALID_HANDLE_VALUE, LocalFree,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertStringSecurityDescriptorToSecurityDescriptorW, GetSecurityInfo, SDDL_REVISION_1,
    SE_FILE_OBJECT, SetSecurityInfo,
};
use windows_sys::Win32::Security::{
    ACE_HEADER, ACL, DACL_SECURITY_INFORMATION, GetAce, GetLengthSid, GetSecurityDescriptorDacl,
    GetTokenInformation, OWNER_SECURITY_INFORMATION, PROTECTED_DACL_SECURITY_INFORMATION,
    PSECURITY_DESCRIPTOR, PSID, SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::Storage::FileSystem::{
    BY_HANDLE_FILE_INFORMATION, CREATE_NEW, CreateDirectoryW, CreateFileW, DELETE,
    FILE_APPEND_DATA, FILE_ATTRIBUTE_NORMAL, FILE_FLAG_BACKUP_SEMANTICS,
    FILE_FLAG_OPEN_REPARSE_POINT, FILE_READ_ATTRIBUTES, FILE_SHARE_DELETE, FILE_SHARE_READ,
    FILE_SHARE_WRITE, GetFileInformationByHandle, OPEN_ALWAYS, OPEN_EXISTING, READ_CONTROL,
    SYNCHRONIZE, WRITE_DAC,
};
use windows_sys::Win32::System::Console::{CTRL_BREAK_EVENT, CTRL_C_EVENT, SetConsoleCtrlHandler};
use windows_sys::Win32::System::Diagnostics::ToolHelp::{
    CreateToolhelp32Snapshot, PROCESSENTRY32W, Process32FirstW, Process32NextW, TH32CS_SNAPPROCESS,
    TH32CS_SNAPTHREAD, THREADENTRY32, Thread32First, Thread32Next,
};
use windows_sys::Win32::System::ErrorReporting::{WER_FAULT_REPORTING_FLAG_NOHEAP, WerSetFlags};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_BREAKAWAY_OK,
    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
    JobObjectExtendedLimitInformation, SetInformationJobObject, TerminateJobObject,
};
use windows_sys::Win32::System::Threading::{
    CREATE_SUSPENDED, GetCurrentProcess, GetProcessTimes, OpenProcess, OpenProcessToken,
    OpenThread, PROCESS_QUERY_LIMITED_INFORMATION, ResumeThread, THREAD_SUSPEND_RESUME,
};

use super::{Access, Owner, Untrusted, Why};

// Access rights, by what the trust rules ask of them. Generic rights can sit
// in an ACE unmapped, so each set names them too.

/// Rights that change a file or a directory's entries, or who may: anyone
/// holding one of these is "someone else who can write it".
const WRITE_RIGHTS: u32 = 0x0002 // FILE_WRITE_DATA / FILE_ADD_FILE
    | 0x0004 // FILE_APPEND_DATA / FILE_ADD_SUBDIRECTORY
    | 0x0010 // FILE_WRITE_EA
    | 0x0040 // FILE_DELETE_CHILD
    | 0x0100 // FILE_WRITE_ATTRIBUTES
    | DELETE
    | WRITE_DAC
    | 0x0008_0000 // WRITE_OWNER
    | 0x4000_0000 // GENERIC_WRITE
    | 0x1000_0000; // GENERIC_ALL
/// Rights that read the content.
const READ_RIGHTS: u32 = 0x0001 // FILE_READ_DATA / FILE_LIST_DIRECTORY
    | 0x0008 // FILE_READ_EA
    | 0x8000_0000 // GENERIC_READ
    | 0x1000_0000; // GENERIC_ALL
const EXECUTE_RIGHTS: u32 = 0x0020 // FILE_EXECUTE / FILE_TRAVERSE
    | 0x2000_0000 // GENERIC_EXECUTE
    | 0x1000_0000; // GENERIC_ALL
/// Rights that reveal nothing of the content: waiting on the handle, reading
/// the security descriptor, the timestamps and size (what `stat` shows anyone
/// on Unix). Any other right counts as "access".
const HARMLESS_RIGHTS: u32 = SYNCHRONIZE | READ_CONTROL | FILE_READ_ATTRIBUTES;
/// Rights on a directory *above* a trusted file that let someone swap what a
/// path leads to: remove or rename an entry (or the directory itself), or make
/// themselves able to. Merely adding entries is not among them: `C:\` lets every
/// user create folders, yet nobody can replace someone else's.
const SWAP_RIGHTS: u32 = DELETE
    | 0x0040 // FILE_DELETE_CHILD
    | WRITE_DAC
    | 0x0008_0000 // WRITE_OWNER
    | 0x1000_0000; // GENERIC_ALL

// ACE types and flags (winnt.h).
const ACCESS_ALLOWED: u8 = 0;
const ACCESS_ALLOWED_OBJECT: u8 = 5;
const ACCESS_ALLOWED_CALLBACK: u8 = 9;
const ACCESS_ALLOWED_CALLBACK_OBJECT: u8 = 11;
const INHERIT_ONLY: u8 = 0x08;

/// Every process may read, write and delete what it opens through these
/// handles: sharing delete is what lets another process replace an entry
/// while a reader of ours still holds it (DESIGN §8).
const SHARE_ALL: u32 = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

/// A SID as its bytes: revision, sub-authority count, a 48-bit big-endian
/// identifier authority, then the sub-authorities as little-endian u32s.
#[derive(Clone, Copy)]
struct Sid<'a>(&'a [u8]);

impl Sid<'_> {
    fn authority(self) -> Option<u64> {
        let a = self.0.get(2..8)?;
        Some(a.iter().fold(0, |n, b| n << 8 | u64::from(*b)))
    }

    fn subs(self) -> impl Iterator<Item = u32> {
        self.0
            .get(8..)
            .unwrap_or_default()
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }

    fn is(self, authority: u64, subs: &[u32]) -> bool {
        self.authority() == Some(authority)
            && usize::from(self.0.get(1).copied().unwrap_or(0)) == subs.len()
            && self.subs().eq(subs.iter().copied())
    }

    /// SYSTEM, BUILTIN\Administrators or TrustedInstaller: accounts that can
    /// take ownership of any file, so trusting their files costs nothing.
    fn is_admin(self) -> bool {
        self.is(5, &[18])
            || self.is(5, &[32, 544])
            || self.is(
                5,
                &[
                    80,
                    956_008_885,
                    3_418_522_649,
                    1_831_038_044,
                    1_853_292_631,
                    2_271_478_464,
                ],
            )
    }

    /// OWNER RIGHTS (S-1-3-4): whatever it grants goes to the owner.
    fn is_owner_rights(self) -> bool {
        self.is(3, &[4])
    }

    /// The relative id (the last sub-authority), standing in for a uid in
    /// messages.
    fn rid(self) -> u32 {
        self.subs().last().unwrap_or(0)
    }

    /// The `S-1-5-21-…` form, for SDDL.
    fn string(self) -> String {
        let mut s = format!("S-{}-{}", self.0.first().copied().unwrap_or(1), {
            self.authority().unwrap_or(0)
        });
        for sub in self.subs() {
            s.push_str(&format!("-{sub}"));
        }
        s
    }
}

/// One ACE of a DACL, as the rules need it.
#[derive(Clone, Copy)]
struct Ace<'a> {
    kind: u8,
    flags: u8,
    mask: u32,
    sid: Option<Sid<'a>>,
}

/// What a DACL grants to accounts other than the owner, the current user and
/// the administrators.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Grants {
    /// The union of the rights granted to others.
    rights: u32,
}

impl Grants {
    fn all() -> Grants {
        Grants { rights: u32::MAX }
    }

    fn write(self) -> bool {
        self.rights & WRITE_RIGHTS != 0
    }

    fn any(self) -> bool {
        self.rights & !HARMLESS_RIGHTS != 0
    }

    fn swap(self) -> bool {
        self.rights & SWAP_RIGHTS != 0
    }

    /// Unix-style permission bits, for messages and the tests: the owner's
    /// `rw` (`rwx` for a directory) and, for others, what the ACEs grant them.
    fn mode(self, dir: bool) -> u32 {
        let mut others = 0;
        if self.rights & READ_RIGHTS != 0 {
            others |= 0o044;
        }
        if self.write() {
            others |= 0o022;
        }
        // Execute means traverse on a directory; on a file it is nothing
        // the trust rules ask about (and wine grants it with any write).
        if dir && self.rights & EXECUTE_RIGHTS != 0 {
            others |= 0o011;
        }
        if others == 0 && self.any() {
            others = 0o044;
        }
        (if dir { 0o700 } else { 0o600 }) | others
    }
}

/// Who owns an object and what its DACL (`None`: a NULL DACL, which allows
/// everyone everything) grants to others.
fn classify(owner: Sid<'_>, me: Sid<'_>, dacl: Option<&[Ace<'_>]>) -> (Owner, Grants) {
    let who = if owner.0 == me.0 {
        Owner::Me
    } else if owner.is_admin() {
        Owner::Admin
    } else {
        Owner::Other(owner.rid())
    };
    let Some(aces) = dacl else {
        return (who, Grants::all());
    };
    let mut grants = Grants::default();
    for ace in aces {
        if ace.flags & INHERIT_ONLY != 0 {
            continue; // for children only; it does not apply to this object
        }
        match ace.kind {
            ACCESS_ALLOWED | ACCESS_ALLOWED_CALLBACK => {
                let trusted = ace.sid.is_some_and(|s| {
                    s.0 == owner.0 || s.0 == me.0 || s.is_admin() || s.is_owner_rights()
                });
                if !trusted {
                    grants.rights |= ace.mask;
                }
            }
            // Object ACEs belong to directory objects, never files: one here
            // is not understood, so it is taken to grant everything.
            ACCESS_ALLOWED_OBJECT | ACCESS_ALLOWED_CALLBACK_OBJECT => grants = Grants::all(),
            _ => {} // deny and audit ACEs never widen access
        }
    }
    (who, grants)
}

/// A Win32 `LocalAlloc`ed block (security descriptors), freed on drop.
struct Local(*mut c_void);

impl Drop for Local {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from a Win32 call that LocalAllocs its
            // result, and is freed exactly once.
            unsafe {
                LocalFree(self.0);
            }
        }
    }
}

/// The bytes of the SID at `sid`.
///
/// # Safety
/// `sid` must point at a valid SID that outlives the returned slice.
unsafe fn sid_bytes<'a>(sid: PSID) -> &'a [u8] {
    // SAFETY: per the contract, a valid SID of GetLengthSid bytes.
    unsafe { std::slice::from_raw_parts(sid.cast::<u8>(), GetLengthSid(sid) as usize) }
}

/// The ACEs of `acl`.
///
/// # Safety
/// `acl` must point at a valid ACL that outlives the returned ACEs.
unsafe fn aces<'a>(acl: *const ACL) -> Vec<Ace<'a>> {
    // SAFETY: a valid ACL, per the contract.
    let count = unsafe { (*acl).AceCount };
    let mut out = Vec::with_capacity(usize::from(count));
    for i in 0..u32::from(count) {
        let mut p: *mut c_void = std::ptr::null_mut();
        // SAFETY: i < AceCount; GetAce writes one pointer into the ACL.
        if unsafe { GetAce(acl, i, &raw mut p) } == 0 || p.is_null() {
            // An ACE that cannot be read could grant anything.
            out.push(Ace {
                kind: ACCESS_ALLOWED_OBJECT,
                flags: 0,
                mask: u32::MAX,
                sid: None,
            });
            continue;
        }
        // SAFETY: every ACE starts with an ACE_HEADER (4 bytes, 2-aligned).
        let header = unsafe { p.cast::<ACE_HEADER>().read_unaligned() };
        let (mask, sid) = if matches!(header.AceType, 0 | 1 | 9 | 10) && header.AceSize >= 12 {
            // ACCESS_{ALLOWED,DENIED}[_CALLBACK]_ACE: header, mask, SID.
            // SAFETY: these types hold the mask at offset 4 and the SID at
            // offset 8, inside AceSize bytes.
            unsafe {
                let mask = p.cast::<u8>().add(4).cast::<u32>().read_unaligned();
                (mask, Some(Sid(sid_bytes(p.cast::<u8>().add(8).cast()))))
            }
        } else {
            (u32::MAX, None)
        };
        out.push(Ace {
            kind: header.AceType,
            flags: header.AceFlags,
            mask,
            sid,
        });
    }
    out
}

/// The current user's SID (empty if the token cannot be read: then nothing is
/// ever "ours" and every cache file is refused, which fails closed).
fn me() -> Sid<'static> {
    static ME: OnceLock<Vec<u8>> = OnceLock::new();
    Sid(ME.get_or_init(|| token_user().unwrap_or_default()))
}

fn token_user() -> io::Result<Vec<u8>> {
    let mut token: HANDLE = std::ptr::null_mut();
    // SAFETY: the pseudo-handle of our own process; one handle written.
    if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &raw mut token) } == 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a handle we just opened and now own.
    let token = unsafe { OwnedHandle::from_raw_handle(token) };
    let mut len = 0u32;
    // SAFETY: a size query: no buffer, the length written to `len`.
    unsafe {
        GetTokenInformation(
            token.as_raw_handle(),
            TokenUser,
            std::ptr::null_mut(),
            0,
            &raw mut len,
        );
    }
    // u64s: TOKEN_USER holds pointers and must be aligned for them.
    let mut buf = vec![0u64; (len as usize).div_ceil(8).max(2)];
    let size = u32::try_from(buf.len() * 8).unwrap_or(u32::MAX);
    // SAFETY: `buf` has `size` writable bytes.
    let ok = unsafe {
        GetTokenInformation(
            token.as_raw_handle(),
            TokenUser,
            buf.as_mut_ptr().cast(),
            size,
            &raw mut len,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: GetTokenInformation filled a TOKEN_USER whose SID points into
    // `buf`, which lives until the copy is made.
    let sid = unsafe { sid_bytes((*buf.as_ptr().cast::<TOKEN_USER>()).User.Sid) };
    Ok(sid.to_vec())
}

/// An object's owner SID and DACL, read through an open handle (so they
/// belong to the very object we read, not to whatever a path names later).
struct Security {
    _sd: Local,
    owner: PSID,
    dacl: *mut ACL,
}

fn security(handle: HANDLE) -> io::Result<Security> {
    let mut owner: PSID = std::ptr::null_mut();
    let mut dacl: *mut ACL = std::ptr::null_mut();
    let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    // SAFETY: a handle the caller holds open (with READ_CONTROL); the three
    // out-pointers are ours, `owner` and `dacl` point into `sd`.
    let rc = unsafe {
        GetSecurityInfo(
            handle,
            SE_FILE_OBJECT,
            OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
            &raw mut owner,
            std::ptr::null_mut(),
            &raw mut dacl,
            std::ptr::null_mut(),
            &raw mut sd,
        )
    };
    let sd = Local(sd);
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(
            i32::try_from(rc).unwrap_or(i32::MAX),
        ));
    }
    if owner.is_null() {
        return Err(io::Error::other("the file has no owner"));
    }
    Ok(Security {
        _sd: sd,
        owner,
        dacl,
    })
}

impl Security {
    fn classify(&self) -> (Owner, Grants) {
        // SAFETY: `owner` and `dacl` point into `_sd`, alive as long as self.
        unsafe {
            let owner = Sid(sid_bytes(self.owner));
            if self.dacl.is_null() {
                classify(owner, me(), None)
            } else {
                classify(owner, me(), Some(&aces(self.dacl)))
            }
        }
    }
}

fn handle_info(file: &File) -> io::Result<BY_HANDLE_FILE_INFORMATION> {
    // SAFETY: all-zero is a valid value of this plain struct.
    let mut info: BY_HANDLE_FILE_INFORMATION = unsafe { std::mem::zeroed() };
    // SAFETY: an open handle and one struct we own.
    if unsafe { GetFileInformationByHandle(file.as_raw_handle(), &raw mut info) } == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(info)
}

/// Who may do what with the open `file` (whose metadata is `meta`): the owner
/// and DACL come from the handle, so they are the file we read.
pub(crate) fn access(file: &File, meta: &Metadata) -> io::Result<Access> {
    let (owner, grants) = security(file.as_raw_handle())?.classify();
    Ok(Access {
        owner,
        others_write: grants.write(),
        group_or_other: grants.any(),
        sticky: false,
        mode: grants.mode(meta.is_dir()),
        by_admin: owner == Owner::Admin,
        links: u64::from(handle_info(file)?.nNumberOfLinks),
    })
}

/// [`access`] for a path, following links as `metadata` does.
pub(crate) fn access_path(path: &Path) -> io::Result<Access> {
    let file = open(
        path,
        READ_CONTROL | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
        OPEN_EXISTING,
        FILE_FLAG_BACKUP_SEMANTICS,
        None,
    )?;
    let meta = file.metadata()?;
    access(&file, &meta)
}

/// The fix to give for a file others can read: an owner-only DACL.
pub(crate) fn private_fix(path: &Path) -> String {
    format!(
        "`icacls \"{}\" /inheritance:r /grant:r \"%USERNAME%:F\"` (and remove any other account it still lists)",
        path.display()
    )
}

/// The fix to give for a file others can write.
pub(crate) fn unwritable_fix(path: &Path) -> String {
    format!(
        "remove the write access of every other account from {} (`icacls` lists them)",
        path.display()
    )
}

fn wide(path: &Path) -> Vec<u16> {
    OsStr::new(path).encode_wide().chain(Some(0)).collect()
}

/// A security descriptor from SDDL, for creating or re-securing an object.
struct Descriptor(Local);

impl Descriptor {
    fn from_sddl(sddl: &str) -> io::Result<Descriptor> {
        let text: Vec<u16> = sddl.encode_utf16().chain(Some(0)).collect();
        let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
        // SAFETY: a NUL-terminated string; one pointer written, LocalAlloced.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                text.as_ptr(),
                SDDL_REVISION_1,
                &raw mut sd,
                std::ptr::null_mut(),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Descriptor(Local(sd)))
    }

    /// Owned by the current user, a protected DACL (nothing inherited from
    /// the directory it lands in) granting full control to the user and
    /// SYSTEM, nobody else. A directory's ACEs are inherited by what is later
    /// created inside it, whoever creates it.
    fn private(dir: bool) -> io::Result<Descriptor> {
        let me = me();
        if me.0.is_empty() {
            return Err(io::Error::other("cannot read the current user's SID"));
        }
        let me = me.string();
        let inherit = if dir { "OICI" } else { "" };
        Descriptor::from_sddl(&format!(
            "O:{me}D:P(A;{inherit};FA;;;{me})(A;{inherit};FA;;;SY)"
        ))
    }

    fn attributes(&self) -> SECURITY_ATTRIBUTES {
        SECURITY_ATTRIBUTES {
            nLength: u32::try_from(std::mem::size_of::<SECURITY_ATTRIBUTES>()).unwrap_or(0),
            lpSecurityDescriptor: self.0.0,
            // Never inherited by child processes (the secret command, exec's).
            bInheritHandle: 0,
        }
    }

    fn dacl(&self) -> io::Result<*mut ACL> {
        let (mut present, mut defaulted) = (0, 0);
        let mut dacl: *mut ACL = std::ptr::null_mut();
        // SAFETY: a valid descriptor we own; three out-values.
        let ok = unsafe {
            GetSecurityDescriptorDacl(
                self.0.0,
                &raw mut present,
                &raw mut dacl,
                &raw mut defaulted,
            )
        };
        if ok == 0 || present == 0 || dacl.is_null() {
            return Err(io::Error::other("no DACL in the security descriptor"));
        }
        Ok(dacl)
    }
}

/// `CreateFileW` with the given access, disposition and flags, sharing
/// everything (see [`SHARE_ALL`]), never inheritable, and with `sd` for a
/// file it creates.
fn open(
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

/// Makes `cmd` start suspended, so that [`Tree::start`] can put it in a job
/// object before it runs a single instruction (and so before it can start a
/// process that would escape the job).
pub(crate) fn own_tree(cmd: &mut Command) -> &mut Command {
    cmd.creation_flags(CREATE_SUSPENDED)
}

/// A child's whole process tree: a job object that every process it starts
/// joins, killed at once on timeout, and killed when closed (when cytoken
/// returns, or dies), so nothing the secret command started outlives the
/// call. A process may still leave the job on purpose
/// (`CREATE_BREAKAWAY_FROM_JOB`, as a daemon does, like `setsid` on Unix):
/// refusing that would make such helpers fail outright.
pub(crate) struct Tree {
    job: OwnedHandle,
}

impl Tree {
    /// Puts the child started by a command prepared with [`own_tree`] (still
    /// suspended) into a new kill-on-close job, then lets it run. On failure
    /// the child is killed: it never runs unbounded.
    pub(crate) fn start(child: &mut Child) -> io::Result<Tree> {
        let tree = Self::job().and_then(|job| {
            // SAFETY: two handles we hold open.
            if unsafe { AssignProcessToJobObject(job.as_raw_handle(), child.as_raw_handle()) } == 0
            {
                return Err(io::Error::last_os_error());
            }
            resume(child.id())?;
            Ok(Tree { job })
        });
        if tree.is_err() {
            let _ = child.kill();
            let _ = child.wait();
        }
        tree
    }

    fn job() -> io::Result<OwnedHandle> {
        // SAFETY: no attributes, no name; a new handle or null.
        let h = unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) };
        if h.is_null() {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a handle we just opened and now own.
        let job = unsafe { OwnedHandle::from_raw_handle(h) };
        // SAFETY: all-zero is a valid value of this plain struct.
        let mut info: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = unsafe { std::mem::zeroed() };
        info.BasicLimitInformation.LimitFlags =
            JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_BREAKAWAY_OK;
        // SAFETY: the struct and its exact size, read during the call.
        let ok = unsafe {
            SetInformationJobObject(
                job.as_raw_handle(),
                JobObjectExtendedLimitInformation,
                std::ptr::from_ref(&info).cast(),
                u32::try_from(std::mem::size_of_val(&info)).unwrap_or(0),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(job)
    }

    /// Ends the child and everything it started (that did not break away).
    pub(crate) fn kill(&self, child: &mut Child) {
        // SAFETY: a job handle we own.
        unsafe {
            TerminateJobObject(self.job.as_raw_handle(), 1);
        }
        let _ = child.kill();
    }
}

/// Resumes the threads of process `pid` (a new suspended process has one).
fn resume(pid: u32) -> io::Result<()> {
    let snap = snapshot(TH32CS_SNAPTHREAD)?;
    // SAFETY: all-zero is a valid value of this plain struct.
    let mut te: THREADENTRY32 = unsafe { std::mem::zeroed() };
    te.dwSize = u32::try_from(std::mem::size_of::<THREADENTRY32>()).unwrap_or(0);
    let mut resumed = 0;
    // SAFETY: a snapshot handle we own and one struct with its size set.
    let mut more = unsafe { Thread32First(snap.as_raw_handle(), &raw mut te) } != 0;
    while more {
        if te.th32OwnerProcessID == pid {
            // SAFETY: opens a thread by id; a new handle or null.
            let t = unsafe { OpenThread(THREAD_SUSPEND_RESUME, 0, te.th32ThreadID) };
            if !t.is_null() {
                // SAFETY: the handle we just opened, now owned.
                let t = unsafe { OwnedHandle::from_raw_handle(t) };
                // SAFETY: a thread handle with THREAD_SUSPEND_RESUME.
                if unsafe { ResumeThread(t.as_raw_handle()) } != u32::MAX {
                    resumed += 1;
                }
            }
        }
        // SAFETY: as for Thread32First.
        more = unsafe { Thread32Next(snap.as_raw_handle(), &raw mut te) } != 0;
    }
    if resumed == 0 {
        return Err(io::Error::other("could not resume the started process"));
    }
    Ok(())
}

fn snapshot(what: u32) -> io::Result<OwnedHandle> {
    // SAFETY: a snapshot of the whole system; a new handle or INVALID.
    let h = unsafe { CreateToolhelp32Snapshot(what, 0) };
    if h == INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a handle we just opened and now own.
    Ok(unsafe { OwnedHandle::from_raw_handle(h) })
}

/// The parent of process `pid`, from a toolhelp snapshot.
fn parent_of(pid: u32) -> Option<u32> {
    let snap = snapshot(TH32CS_SNAPPROCESS).ok()?;
    // SAFETY: all-zero is a valid value of this plain struct.
    let mut pe: PROCESSENTRY32W = unsafe { std::mem::zeroed() };
    pe.dwSize = u32::try_from(std::mem::size_of::<PROCESSENTRY32W>()).unwrap_or(0);
    // SAFETY: a snapshot handle we own and one struct with its size set.
    let mut more = unsafe { Process32FirstW(snap.as_raw_handle(), &raw mut pe) } != 0;
    while more {
        if pe.th32ProcessID == pid {
            return Some(pe.th32ParentProcessID);
        }
        // SAFETY: as for Process32FirstW.
        more = unsafe { Process32NextW(snap.as_raw_handle(), &raw mut pe) } != 0;
    }
    None
}

/// When process `pid` was created (100 ns units since 1601), if it is there.
fn creation_time(pid: u32) -> Option<u64> {
    // SAFETY: opens a process by id for querying only; a handle or null.
    let h = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
    if h.is_null() {
        return None;
    }
    // SAFETY: the handle we just opened, now owned.
    let h = unsafe { OwnedHandle::from_raw_handle(h) };
    let zero = FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    };
    let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
    // SAFETY: a process handle with query access and four structs we own.
    let ok = unsafe {
        GetProcessTimes(
            h.as_raw_handle(),
            &raw mut created,
            &raw mut exited,
            &raw mut kernel,
            &raw mut user,
        )
    };
    (ok != 0).then(|| u64::from(created.dwHighDateTime) << 32 | u64::from(created.dwLowDateTime))
}

/// The process that started us and its creation time (so a recycled pid is
/// another process). Windows keeps no live parent link: the snapshot gives
/// the pid the parent had, and its creation time tells it from a newcomer.
pub(crate) fn parent_process() -> (u32, Option<u64>) {
    match parent_of(std::process::id()) {
        Some(pid) => (pid, creation_time(pid)),
        None => (0, None),
    }
}

/// Windows has no non-dumpable flag, and any process of the same user can
/// read our memory (as on Unix without `PR_SET_DUMPABLE`). What can be done:
/// keep the heap, where the app secret and tokens live, out of Windows Error
/// Reporting's crash dumps. The flag is this process's alone, so `exec`'s
/// program and the secret command report their own crashes as usual.
pub(crate) fn protect_memory() {
    // SAFETY: takes a flag word; failure only leaves the defaults.
    unsafe {
        WerSetFlags(WER_FAULT_REPORTING_FLAG_NOHEAP);
    }
}

/// Ctrl-C and Ctrl-Break reach every process on the console: `exec`'s program
/// decides what they mean, and cytoken waits to pass its status on.
unsafe extern "system" fn leave_to_child(event: u32) -> windows_sys::core::BOOL {
    i32::from(event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT)
}

/// Runs `cmd` to completion and returns its exit code: Windows cannot replace
/// a process, so cytoken waits (ignoring Ctrl-C, which the console delivers to
/// the program too) and passes the status on. Nothing of cytoken's leaks into
/// it: std opens every handle non-inheritable, and the lock is released by
/// then. Returns an error only when it could not be started.
pub(crate) fn run_in_place(mut cmd: Command) -> io::Result<i32> {
    // SAFETY: registers a handler function that lives for the whole process;
    // unlike "ignore Ctrl-C" (a NULL handler), a handler is not inherited.
    unsafe {
        SetConsoleCtrlHandler(Some(leave_to_child), 1);
    }
    let status = cmd.status()?;
    Ok(status.code().unwrap_or(1))
}

/// Bytes every cytoken binary holds (this constant): how `install_link` tells
/// an older copy or link of cytoken, which it may replace, from someone
/// else's program of the same name, which it leaves alone.
const MARKER: &[u8] = b"cytoken-install-helpers-marker:7d1f5a9e";

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
        let handle = open(
            dir,
            READ_CONTROL | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
            OPEN_EXISTING,
            FILE_FLAG_BACKUP_SEMANTICS,
            None,
        )
        .map_err(|_| bad(Why::NotDir))?;
        if !handle.metadata().map_err(|_| bad(Why::NotDir))?.is_dir() {
            return Err(bad(Why::NotDir));
        }
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

/// Test helpers that set up files as an attacker or a careless user would.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::Path;

    /// Gives `path` a protected DACL standing for a Unix `mode`: the owner's
    /// bits for the current user, SYSTEM in full, and the group and other
    /// bits together for Everyone. So `set_mode(p, 0o644)` makes a file that
    /// others really can read, and the checks that refuse it are exercised.
    pub(crate) fn set_mode(path: &Path, mode: u32) {
        let rights = |bits: u32| {
            let mut m = 0u32;
            if bits & 4 != 0 {
                m |= 0x0012_0089; // FILE_GENERIC_READ
            }
            if bits & 2 != 0 {
                m |= 0x0012_0116 | 0x0001_0000 | 0x40; // FILE_GENERIC_WRITE, DELETE, DELETE_CHILD
            }
            if bits & 1 != 0 {
                m |= 0x0012_00a0; // FILE_GENERIC_EXECUTE
            }
            m
        };
        let me = super::me().string();
        let mut sddl = String::from("D:P(A;;FA;;;SY)");
        let own = rights(mode >> 6 & 7);
        if own != 0 {
            sddl.push_str(&format!("(A;;{own:#x};;;{me})"));
        }
        let others = rights((mode >> 3 | mode) & 7);
        if others != 0 {
            sddl.push_str(&format!("(A;;{others:#x};;;WD)"));
        }
        let sd = super::Descriptor::from_sddl(&sddl).unwrap();
        let name = super::wide(path);
        // SAFETY: a NUL-terminated path and a descriptor we own.
        let ok = unsafe {
            windows_sys::Win32::Security::SetFileSecurityW(
                name.as_ptr(),
                super::DACL_SECURITY_INFORMATION | super::PROTECTED_DACL_SECURITY_INFORMATION,
                sd.0.0,
            )
        };
        assert!(
            ok != 0,
            "{}: {}",
            path.display(),
            std::io::Error::last_os_error()
        );
    }

    /// The Unix-style bits of `path`'s DACL (see `Grants::mode`): 0o600 for a
    /// file (0o700 for a directory) that no other account may access.
    pub(crate) fn mode(path: &Path) -> u32 {
        super::access_path(path).unwrap().mode
    }

    /// Makes `link` a symlink to `target`, and says whether there is one:
    /// wine 8's CreateSymbolicLinkW reports success and creates nothing, so
    /// under wine the symlink cases cannot run (they do on Windows, given
    /// Developer Mode or the symlink privilege). Never silently: a note goes
    /// to stderr past the test harness's capture.
    pub(crate) fn symlink(target: &Path, link: &Path) -> bool {
        use std::io::Write as _;
        let made = if target.is_dir() {
            std::os::windows::fs::symlink_dir(target, link)
        } else {
            std::os::windows::fs::symlink_file(target, link)
        };
        let there = std::fs::symlink_metadata(link).is_ok_and(|m| m.file_type().is_symlink());
        if !there {
            let _ = writeln!(
                std::io::stderr(),
                "note: no symlink could be made at {} ({made:?}; wine creates none): \
                 the symlink case of this test did not run",
                link.display()
            );
        }
        there
    }

    /// An argument that is not valid UTF-16 (a lone surrogate).
    pub(crate) fn non_utf8_arg() -> std::ffi::OsString {
        std::os::windows::ffi::OsStringExt::from_wide(&[0xD800])
    }

    pub(crate) fn parent_pid() -> u32 {
        super::parent_process().0
    }
}

/// The Windows rules on their own (under wine in CI): what the DACL of each
/// kind of file cytoken creates grants, how ACEs are judged, a replace that
/// waits for a reader, the helper links. The end-to-end cases through the
/// binary are in `tests/integration/windows.rs`.
#[cfg(test)]
mod tests {
    use super::*;

    const USER: &[u8] = &[
        1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xe8, 3, 0, 0,
    ];
    const OTHER: &[u8] = &[
        1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xe9, 3, 0, 0,
    ];
    const SYSTEM: &[u8] = &[1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0];
    const ADMINS: &[u8] = &[1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0];
    const EVERYONE: &[u8] = &[1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0];
    const FULL: u32 = 0x001f_01ff;
    const READ: u32 = 0x0012_0089;

    fn allow(sid: &'static [u8], mask: u32) -> Ace<'static> {
        Ace {
            kind: ACCESS_ALLOWED,
            flags: 0,
            mask,
            sid: Some(Sid(sid)),
        }
    }

    #[test]
    fn sids_and_owners() {
        assert_eq!(Sid(USER).string(), "S-1-5-21-1-2-3-1000");
        assert_eq!(Sid(SYSTEM).string(), "S-1-5-18");
        assert!(Sid(SYSTEM).is_admin() && Sid(ADMINS).is_admin());
        assert!(!Sid(USER).is_admin() && !Sid(EVERYONE).is_admin());
        let me = Sid(USER);
        let owner = |o| classify(Sid(o), me, Some(&[])).0;
        assert_eq!(owner(USER), Owner::Me);
        assert_eq!(owner(SYSTEM), Owner::Admin);
        assert_eq!(owner(ADMINS), Owner::Admin);
        assert_eq!(owner(OTHER), Owner::Other(1001));
    }

    #[test]
    fn aces_for_others_are_what_counts() {
        let me = Sid(USER);
        let grants = |aces: &[Ace<'_>]| classify(me, me, Some(aces)).1;
        // cytoken's own DACL, and Windows' profile default: nobody else.
        let own = grants(&[allow(USER, FULL), allow(SYSTEM, FULL), allow(ADMINS, FULL)]);
        assert!(!own.any() && !own.write());
        assert_eq!(own.mode(false), 0o600);
        assert_eq!(own.mode(true), 0o700);
        // Everyone may read: "group or other" access, not write.
        let read = grants(&[allow(USER, FULL), allow(EVERYONE, READ)]);
        assert!(read.any() && !read.write());
        assert_eq!(read.mode(false), 0o644);
        // Any write-like right for someone else is write: data, delete,
        // re-securing, taking ownership, generic rights.
        for mask in [
            0x2,
            0x4,
            DELETE,
            WRITE_DAC,
            0x0008_0000,
            0x4000_0000,
            0x1000_0000,
        ] {
            assert!(grants(&[allow(OTHER, mask)]).write(), "{mask:#x}");
        }
        // Reading the ACL or the timestamps is no access.
        assert!(
            !grants(&[allow(
                EVERYONE,
                SYNCHRONIZE | READ_CONTROL | FILE_READ_ATTRIBUTES
            )])
            .any()
        );
        // Inherit-only ACEs are for children; deny ACEs never narrow what an
        // allow grants; an ACE not understood grants everything; so does a
        // NULL DACL.
        let inherit_only = Ace {
            flags: INHERIT_ONLY,
            ..allow(EVERYONE, FULL)
        };
        assert!(!grants(&[inherit_only]).any());
        let deny = Ace {
            kind: 1,
            ..allow(EVERYONE, FULL)
        };
        assert!(grants(&[deny, allow(EVERYONE, FULL)]).write());
        let object = Ace {
            kind: ACCESS_ALLOWED_OBJECT,
            ..allow(USER, FULL)
        };
        assert!(grants(&[object]).write());
        assert!(classify(me, me, None).1.write());
        // Above a trusted file only the rights that swap an entry count: `C:\`
        // lets every user add folders.
        assert!(!grants(&[allow(EVERYONE, 0x4 | READ)]).swap());
        assert!(grants(&[allow(EVERYONE, 0x40)]).swap());
    }

    /// The DACL of an object as the current process reads it, strictly:
    /// owned by the user, every ACE for the user or SYSTEM.
    fn owner_only(path: &Path) -> bool {
        let f = open(
            path,
            READ_CONTROL | FILE_READ_ATTRIBUTES,
            OPEN_EXISTING,
            FILE_FLAG_BACKUP_SEMANTICS,
            None,
        )
        .unwrap();
        let s = security(f.as_raw_handle()).unwrap();
        // SAFETY: pointers into the live descriptor `s` holds.
        unsafe {
            sid_bytes(s.owner) == me().0
                && !s.dacl.is_null()
                && aces(s.dacl).iter().all(|a| {
                    a.kind == ACCESS_ALLOWED
                        && a.sid.is_some_and(|sid| sid.0 == me().0 || sid.0 == SYSTEM)
                })
        }
    }

    #[test]
    fn every_kind_of_file_cytoken_creates_is_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("a").join("b");
        create_private_dir(&d, true).unwrap();
        assert!(owner_only(&d) && owner_only(&dir.path().join("a")));
        create_private_dir(&d, true).unwrap(); // exists: fine when recursive
        assert_eq!(
            create_private_dir(&d, false).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        create_new_private(&d.join("new")).unwrap();
        open_private_append(&d.join("log")).unwrap();
        open_private_lock(&d.join("lock")).unwrap();
        for f in ["new", "log", "lock"] {
            let p = d.join(f);
            assert!(owner_only(&p), "{f}");
            let file = open_read_nofollow(&p).unwrap();
            let a = access(&file, &file.metadata().unwrap()).unwrap();
            assert_eq!(
                (a.owner, a.others_write, a.group_or_other, a.links),
                (Owner::Me, false, false, 1)
            );
        }
        // Never an existing file.
        assert_eq!(
            create_new_private(&d.join("new")).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        // A directory others can read is made private through its handle.
        testing::set_mode(&d, 0o755);
        let h = open_dir_nofollow(&d).unwrap();
        assert!(access(&h, &h.metadata().unwrap()).unwrap().group_or_other);
        make_private(&h).unwrap();
        assert!(owner_only(&d));
        assert!(trusted_dir(&d, None).is_ok());
    }

    #[test]
    fn others_access_is_seen_and_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "x").unwrap();
        testing::set_mode(&p, 0o644);
        assert!(access_path(&p).unwrap().group_or_other);
        let f = open_read(&p).unwrap();
        assert!(
            trusted_file(&p, &f, None).is_ok(),
            "readable is not writable"
        );
        testing::set_mode(&p, 0o666);
        let a = access_path(&p).unwrap();
        assert!(a.others_write);
        let f = open_read(&p).unwrap();
        assert!(matches!(
            trusted_file(&p, &f, None),
            Err(Untrusted {
                why: Why::Writable(_),
                ..
            })
        ));
        testing::set_mode(&p, 0o600);
        assert_eq!(testing::mode(&p), 0o600);
        // A directory where a file belongs, and the other way round.
        let f = open_read(dir.path()).unwrap();
        assert!(matches!(
            trusted_file(dir.path(), &f, None),
            Err(Untrusted {
                why: Why::NotRegular,
                ..
            })
        ));
        assert!(matches!(
            trusted_dir(&p, None),
            Err(Untrusted {
                why: Why::NotDir,
                ..
            })
        ));
    }

    #[test]
    fn a_replace_waits_for_a_reader_to_let_go() {
        let dir = tempfile::tempdir().unwrap();
        let (new, entry) = (dir.path().join("new"), dir.path().join("entry"));
        std::fs::write(&entry, "old").unwrap();
        std::fs::write(&new, "new").unwrap();
        let held = open_read_nofollow(&entry).unwrap();
        let reader = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            drop(held);
        });
        replace(&new, &entry).unwrap();
        reader.join().unwrap();
        assert_eq!(std::fs::read_to_string(&entry).unwrap(), "new");
    }

    #[test]
    fn the_tree_starts_and_is_killed_whole() {
        // `cmd /c exit 3` runs only once resumed, and reports its status.
        let mut cmd = Command::new("cmd");
        own_tree(cmd.args(["/c", "exit 3"]));
        let mut child = cmd.spawn().unwrap();
        let _tree = Tree::start(&mut child).unwrap();
        assert_eq!(child.wait().unwrap().code(), Some(3));
        // A hanging one is killed through its job.
        let mut cmd = Command::new("cmd");
        own_tree(cmd.args(["/c", "ping -n 30 127.0.0.1 >NUL"]));
        let mut child = cmd.spawn().unwrap();
        let tree = Tree::start(&mut child).unwrap();
        let t = std::time::Instant::now();
        tree.kill(&mut child);
        child.wait().unwrap();
        assert!(t.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_child_knows_its_parent_and_when_it_started() {
        let mut child = Command::new("cmd")
            .args(["/c", "ping -n 3 127.0.0.1 >NUL"])
            .spawn()
            .unwrap();
        assert_eq!(parent_of(child.id()), Some(std::process::id()));
        let (ours, its) = (creation_time(std::process::id()), creation_time(child.id()));
        assert!(ours.is_some() && its >= ours, "{ours:?} {its:?}");
        child.kill().unwrap();
        child.wait().unwrap();
    }

    #[test]
    fn install_link_links_keeps_and_refuses() {
        let dir = tempfile::tempdir().unwrap();
        // A stand-in for cytoken.exe: it holds MARKER, as every cytoken does.
        // (Not the running test binary: Windows will not remove a name of a
        // running program, and the test replaces its links.)
        let exe = dir.path().join("cytoken.exe");
        std::fs::write(&exe, [&b"MZ cytoken "[..], MARKER].concat()).unwrap();
        let link = dir.path().join("git-credential-cytoken.exe");
        assert!(matches!(
            install_link(&exe, &link).unwrap(),
            "linked" | "copied"
        ));
        assert_eq!(install_link(&exe, &link).unwrap(), "kept");
        // An older cytoken (another file holding the marker) is replaced.
        std::fs::remove_file(&link).unwrap();
        std::fs::write(&link, [&b"MZ older cytoken "[..], MARKER].concat()).unwrap();
        assert_eq!(install_link(&exe, &link).unwrap(), "replaced");
        assert_eq!(
            install_link(&exe, &link).unwrap(),
            "kept",
            "now this binary"
        );
        // Someone else's program is left alone.
        std::fs::remove_file(&link).unwrap();
        std::fs::write(&link, b"MZ someone else").unwrap();
        assert_eq!(
            install_link(&exe, &link).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        assert_eq!(std::fs::read(&link).unwrap(), b"MZ someone else");
    }
}
