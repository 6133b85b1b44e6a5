//! The Windows rules on their own (under wine in CI): what the DACL of each
//! kind of file cytoken creates grants, how ACEs are judged, a replace that
//! waits for a reader, the helper links. The end-to-end cases through the
//! binary are in `tests/integration/windows.rs`.

use std::io;
use std::os::windows::io::AsRawHandle;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use windows_sys::Win32::Storage::FileSystem::{
    DELETE, FILE_FLAG_BACKUP_SEMANTICS, FILE_READ_ATTRIBUTES, OPEN_EXISTING, READ_CONTROL,
    SYNCHRONIZE, WRITE_DAC,
};

use super::super::{Owner, Untrusted, Why};
use super::acl::*;
use super::files::*;
use super::process::*;
use super::testing;

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
    let (ours, its) = (process_start(std::process::id()), process_start(child.id()));
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
