//! Windows: owner SIDs and DACLs where Unix has uids and mode bits, reparse
//! points where it has symlinks, a kill-on-close job object where it has a
//! process group, toolhelp for the parent process, spawn-and-wait for
//! `cytoken exec`. Its `unsafe` is Win32 calls std does not wrap, each on
//! memory this module owns for the length of the call, each block with the
//! `// SAFETY:` reason it is sound (the crate denies `unsafe_code` outside
//! the OS files of src/platform/ and src/main.rs, see `unix.rs`).
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

mod acl;
mod files;
mod process;
#[cfg(test)]
mod tests;

// Named one by one, as `platform/mod.rs` names the contract.
pub(crate) use acl::{access, access_path, private_fix, unwritable_fix};
pub(crate) use files::{
    Dir, install_link, is_symlink_error, open_read, trusted_dir, trusted_file, trusted_parent,
    trusted_read_dir,
};
pub use process::{Allocator, allocator, main_args};
pub(crate) use process::{
    Tree, checked_command, own_tree, parent_process, prepare_process, process_start, run_in_place,
};

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
        let me = super::acl::me().string();
        let mut sddl = String::from("D:P(A;;FA;;;SY)");
        let own = rights(mode >> 6 & 7);
        if own != 0 {
            sddl.push_str(&format!("(A;;{own:#x};;;{me})"));
        }
        let others = rights((mode >> 3 | mode) & 7);
        if others != 0 {
            sddl.push_str(&format!("(A;;{others:#x};;;WD)"));
        }
        let sd = super::acl::Descriptor::from_sddl(&sddl).unwrap();
        let name = super::acl::wide(path);
        // SAFETY: a NUL-terminated path and a descriptor we own.
        let ok = unsafe {
            windows_sys::Win32::Security::SetFileSecurityW(
                name.as_ptr(),
                windows_sys::Win32::Security::DACL_SECURITY_INFORMATION
                    | windows_sys::Win32::Security::PROTECTED_DACL_SECURITY_INFORMATION,
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
