//! `cytoken install-helpers`: the helper names it makes run as git's and
//! docker's credential helpers (Unix symlinks; windows.rs checks the hard
//! links or copies Windows gets).

use crate::support::*;

/// On Unix the helper names are symlinks to the binary. (Windows makes hard
/// links or copies, which a running test binary keeps from being removed:
/// windows.rs covers it there.)
#[test]
fn install_helpers_makes_the_names_git_and_docker_run() {
    let sb = Sandbox::new();
    let dir = sb.home.path().join("bin");
    std::fs::create_dir(&dir).unwrap();
    let o = sb
        .bare()
        .args(["install-helpers", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert!(stdout(&o).contains("credHelpers"), "{}", stdout(&o));
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_cytoken")).unwrap();
    for name in ["git-credential-cytoken", "docker-credential-cytoken"] {
        assert_eq!(std::fs::read_link(dir.join(name)).unwrap(), exe, "{name}");
    }
    // The git helper answers through its link.
    let mut git = sb.cmd_as(&dir.join("git-credential-cytoken"));
    git.arg("get");
    let o = crate::support::feed(git, b"protocol=https\nhost=git.example.com\n\n");
    assert!(stdout(&o).contains("password=eyJ"), "{}", stderr(&o));
    // Again: kept. A foreign file of that name: left alone, exit non-zero.
    let o = sb
        .bare()
        .args(["install-helpers", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert!(stdout(&o).contains("kept"), "{}", stdout(&o));
    let docker = dir.join("docker-credential-cytoken");
    std::fs::remove_file(&docker).unwrap();
    std::fs::write(&docker, "#!/bin/sh\n").unwrap();
    let o = sb
        .bare()
        .args(["install-helpers", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_status(&o, 1);
    assert!(stderr(&o).contains("remove it first"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&docker).unwrap(), "#!/bin/sh\n");
}
