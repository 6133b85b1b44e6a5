//! The binary must print the committed completions and man page (it embeds
//! them; src/commands/docs.rs's unit test checks they equal what clap
//! generates from the real command line).

use std::path::Path;

fn generated(args: &[&str]) -> Vec<u8> {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_cytoken"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

#[track_caller]
fn assert_committed(file: &str, args: &[&str]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated(args),
        "{file} differs from `cytoken {}`: regenerate the committed files with \
         `cargo test --lib commands::docs::tests::regenerate -- --ignored`, rebuild and commit",
        args.join(" ")
    );
}

#[test]
fn committed_completions_match_generated() {
    for (file, shell) in [
        ("completions/cytoken.bash", "bash"),
        ("completions/_cytoken", "zsh"),
        ("completions/cytoken.fish", "fish"),
        ("completions/cytoken.elv", "elvish"),
        ("completions/_cytoken.ps1", "powershell"),
    ] {
        assert_committed(file, &["completions", shell]);
    }
}

#[test]
fn committed_man_page_matches_generated() {
    assert_committed("doc/cytoken.1", &["man"]);
}
