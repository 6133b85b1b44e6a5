//! Windows owners and DACLs: who may write or read a file, judged from its
//! security descriptor as the Unix checks judge mode bits; the private
//! descriptor every file cytoken creates gets.

use std::ffi::{OsStr, c_void};
use std::fs::{File, Metadata};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::path::Path;
use std::sync::OnceLock;

use windows_sys::Win32::Foundation::{HANDLE, LocalFree};
use windows_sys::Win32::Security::Authorization::{
    ConvertStringSecurityDescriptorToSecurityDescriptorW, GetSecurityInfo, SDDL_REVISION_1,
    SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{
    ACE_HEADER, ACL, DACL_SECURITY_INFORMATION, GetAce, GetLengthSid, GetSecurityDescriptorDacl,
    GetTokenInformation, OWNER_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, PSID,
    SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::Storage::FileSystem::{
    BY_HANDLE_FILE_INFORMATION, DELETE, FILE_FLAG_BACKUP_SEMANTICS, FILE_READ_ATTRIBUTES,
    FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE, GetFileInformationByHandle,
    OPEN_EXISTING, READ_CONTROL, SYNCHRONIZE, WRITE_DAC,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

use super::super::{Access, Owner};
use super::files::open;

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
pub(super) const ACCESS_ALLOWED: u8 = 0;
pub(super) const ACCESS_ALLOWED_OBJECT: u8 = 5;
const ACCESS_ALLOWED_CALLBACK: u8 = 9;
const ACCESS_ALLOWED_CALLBACK_OBJECT: u8 = 11;
pub(super) const INHERIT_ONLY: u8 = 0x08;

/// Every process may read, write and delete what it opens through these
/// handles: sharing delete is what lets another process replace an entry
/// while a reader of ours still holds it (DESIGN §8).
pub(super) const SHARE_ALL: u32 = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

/// A SID as its bytes: revision, sub-authority count, a 48-bit big-endian
/// identifier authority, then the sub-authorities as little-endian u32s.
#[derive(Clone, Copy)]
pub(super) struct Sid<'a>(pub(super) &'a [u8]);

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

    pub(super) fn is(self, authority: u64, subs: &[u32]) -> bool {
        self.authority() == Some(authority)
            && usize::from(self.0.get(1).copied().unwrap_or(0)) == subs.len()
            && self.subs().eq(subs.iter().copied())
    }

    /// SYSTEM, BUILTIN\Administrators or TrustedInstaller: accounts that can
    /// take ownership of any file, so trusting their files costs nothing.
    pub(super) fn is_admin(self) -> bool {
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
    pub(super) fn rid(self) -> u32 {
        self.subs().last().unwrap_or(0)
    }

    /// The `S-1-5-21-…` form, for SDDL.
    pub(super) fn string(self) -> String {
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
pub(super) struct Ace<'a> {
    pub(super) kind: u8,
    pub(super) flags: u8,
    pub(super) mask: u32,
    pub(super) sid: Option<Sid<'a>>,
}

/// What a DACL grants to accounts other than the owner, the current user and
/// the administrators.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Grants {
    /// The union of the rights granted to others.
    pub(super) rights: u32,
}

impl Grants {
    pub(super) fn all() -> Grants {
        Grants { rights: u32::MAX }
    }

    pub(super) fn write(self) -> bool {
        self.rights & WRITE_RIGHTS != 0
    }

    pub(super) fn any(self) -> bool {
        self.rights & !HARMLESS_RIGHTS != 0
    }

    pub(super) fn swap(self) -> bool {
        self.rights & SWAP_RIGHTS != 0
    }

    /// Unix-style permission bits, for messages and the tests: the owner's
    /// `rw` (`rwx` for a directory) and, for others, what the ACEs grant them.
    pub(super) fn mode(self, dir: bool) -> u32 {
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
pub(super) fn classify(owner: Sid<'_>, me: Sid<'_>, dacl: Option<&[Ace<'_>]>) -> (Owner, Grants) {
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
pub(super) struct Local(pub(super) *mut c_void);

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
pub(super) unsafe fn sid_bytes<'a>(sid: PSID) -> &'a [u8] {
    // SAFETY: per the contract, a valid SID of GetLengthSid bytes.
    unsafe { std::slice::from_raw_parts(sid.cast::<u8>(), GetLengthSid(sid) as usize) }
}

/// The ACEs of `acl`.
///
/// # Safety
/// `acl` must point at a valid ACL that outlives the returned ACEs.
pub(super) unsafe fn aces<'a>(acl: *const ACL) -> Vec<Ace<'a>> {
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
pub(super) fn me() -> Sid<'static> {
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
pub(super) struct Security {
    pub(super) _sd: Local,
    pub(super) owner: PSID,
    pub(super) dacl: *mut ACL,
}

pub(super) fn security(handle: HANDLE) -> io::Result<Security> {
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
    pub(super) fn classify(&self) -> (Owner, Grants) {
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

pub(super) fn handle_info(file: &File) -> io::Result<BY_HANDLE_FILE_INFORMATION> {
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

pub(super) fn wide(path: &Path) -> Vec<u16> {
    OsStr::new(path).encode_wide().chain(Some(0)).collect()
}

/// A security descriptor from SDDL, for creating or re-securing an object.
pub(super) struct Descriptor(pub(super) Local);

impl Descriptor {
    pub(super) fn from_sddl(sddl: &str) -> io::Result<Descriptor> {
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
    pub(super) fn private(dir: bool) -> io::Result<Descriptor> {
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

    pub(super) fn attributes(&self) -> SECURITY_ATTRIBUTES {
        SECURITY_ATTRIBUTES {
            nLength: u32::try_from(std::mem::size_of::<SECURITY_ATTRIBUTES>()).unwrap_or(0),
            lpSecurityDescriptor: self.0.0,
            // Never inherited by child processes (the secret command, exec's).
            bInheritHandle: 0,
        }
    }

    pub(super) fn dacl(&self) -> io::Result<*mut ACL> {
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
