//! Windows only (run under wine in CI): what the Unix modules check with
//! modes, signals, sh, git and kubectl, checked the Windows way — the DACL of
//! every file cytoken creates, files readable or writable by others refused,
//! an entry replaced while another process holds it open, the secret
//! command's whole process tree killed at its timeout, `exec` passing the
//! exit status on, the helper names `install-helpers` makes, the docker
//! helper, and kubectl's re-ask recognised from the parent's pid and creation
//! time. And the list of what is compiled out here, printed on every run.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// Test modules and cases compiled out on Windows, and why. Printed by
/// [`compiled_out_on_windows`] so a run never passes them silently.
const COMPILED_OUT: &[(&str, &str)] = &[
    (
        "git",
        "needs git (git http-backend behind a local HTTP server): no git for Windows here",
    ),
    (
        "host_profiles",
        "drives git credential fill (no git for Windows here) through a Unix PATH",
    ),
    ("kube", "needs kubectl: no kubectl for Windows here"),
    (
        "https::demo_serve_https_serves_cytoken_and_real_kubectl_through_its_kubeconfig",
        "needs kubectl: no kubectl for Windows here (https's status test runs)",
    ),
    (
        "status",
        "finds the wiring in real git and kubectl configs and runs a sh secret command",
    ),
    (
        "setup",
        "drives git and kubectl themselves (no git or kubectl for Windows here) and Unix modes",
    ),
    (
        "docker, exec",
        "uses std::os::unix (signals, exec replacing the process); the docker helper and \
         exec are covered here in windows.rs",
    ),
    (
        "security, users",
        "a second local Unix user, chown, FIFOs, /proc and prctl: Unix-only by nature",
    ),
    (
        "keyring",
        "drives the Linux Secret Service (gnome-keyring over D-Bus) and Unix modes",
    ),
    (
        "token::the_src_claim_is_sent_and_is_part_of_the_cache_key, \
         token::min_valid_refreshes_exactly_when_the_token_would_not_last, \
         log (all but log::the_log_keeps_long_paths)",
        "run their fake service through sh scripts: no sh on Windows",
    ),
    (
        "cache::an_unwritable_cache_never_fails_the_command (read-only parts)",
        "tests run as root under wine, whom no DACL stops, and chattr +i is Unix-only; \
         the cache-dir-is-a-file part runs",
    ),
    (
        "cache::writable_by_others_or_foreign_entries_are_ignored (foreign owner)",
        "needs chown to another uid; the writable-by-others DACLs run",
    ),
    (
        "config::a_relative_secret_command_is_relative_to_the_config",
        "its secret commands are sh scripts; the path rule is the one for app_secret_file, tested here too",
    ),
    (
        "install_helpers",
        "checks the Unix symlinks; windows.rs checks the hard links or copies made here",
    ),
    (
        "token::closed_standard_fds_never_let_output_into_a_file",
        "closes stdout and stderr with sh; Windows has no numbered fds that a new file would take",
    ),
    (
        "messages::completion_scripts_offer_regions_and_profile_names, \
         messages::a_single_api_answer_ends_with_a_newline_on_a_terminal_only",
        "run bash's completion and util-linux `script` (a pty): neither on Windows",
    ),
    (
        "exchange::a_64_mib_body_stops_at_the_cap_with_small_memory (memory limit)",
        "no setrlimit on Windows: the 1 MiB cap and its message are checked without it",
    ),
];

#[test]
fn compiled_out_on_windows() {
    // Straight to stderr, past libtest's capture: shown on every run.
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "\nnote: compiled out on Windows (and why):");
    for (what, why) in COMPILED_OUT {
        let _ = writeln!(e, "  - {what}: {why}");
    }
    let _ = writeln!(e);
}

/// Not a test of its own: the process tree of
/// [`a_secret_command_tree_is_killed_at_timeout`]. Run as the secret command,
/// it starts itself again as a grandchild; both write their pid and hang.
#[test]
fn tree_helper() {
    let Some(dir) = std::env::var_os("TREE_HELPER_DIR") else {
        return; // an ordinary run: nothing to do
    };
    let dir = PathBuf::from(dir);
    let role = std::env::var("TREE_HELPER_ROLE").unwrap_or_else(|_| "child".into());
    if role == "child" {
        // Never waited for: it is to be killed with its parent's tree.
        #[allow(clippy::zombie_processes)]
        let _grandchild = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "windows::tree_helper", "--nocapture"])
            .env("TREE_HELPER_ROLE", "grandchild")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
    }
    std::fs::write(
        dir.join(format!("{role}.pid")),
        std::process::id().to_string(),
    )
    .unwrap();
    std::thread::sleep(Duration::from_secs(60));
}

fn with(mut cmd: Command, args: &[&str]) -> Command {
    cmd.args(args);
    cmd
}

fn exec_info() -> &'static str {
    r#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}"#
}

#[test]
fn every_file_cytoken_creates_has_an_owner_only_dacl() {
    let sb = Sandbox::new();
    let o = sb.run(&["token"]);
    assert_status(&o, 0);
    let tok = stdout(&o).trim_end().to_string();
    assert!(sb.emu.verify_access_token(&tok));
    // The kubectl hand-out log, the git and docker front-ends, check, a log
    // file: every kind of file cytoken writes.
    let o = sb
        .cmd()
        .arg("exec-credential")
        .env("KUBERNETES_EXEC_INFO", exec_info())
        .output()
        .unwrap();
    assert_status(&o, 0);
    let o = feed(
        with(sb.cmd(), &["git-credential", "get"]),
        b"protocol=https\nhost=git.example.com\n\n",
    );
    assert_status(&o, 0);
    let o = feed(
        with(sb.cmd_as(&sb.link("docker-credential-cytoken")), &["get"]),
        b"registry.example.com",
    );
    assert_status(&o, 0);
    assert_status(&sb.run(&["check"]), 0);
    let log = sb.cache_dir().join("cytoken.log");
    let o = sb
        .cmd()
        .env("CYTOKEN_LOG_FILE", &log)
        .args(["--lifetime", "9999"])
        .output()
        .unwrap();
    assert_status(&o, 2);

    assert_eq!(
        mode_of(&sb.cache_dir()),
        0o700,
        "{}",
        sb.cache_dir().display()
    );
    let files = sb.cache_files();
    for ext in ["json", "lock", "kube", "log"] {
        assert!(
            files
                .iter()
                .any(|f| f.extension().is_some_and(|e| e == ext)),
            "no .{ext} file in {files:?}"
        );
    }
    for f in &files {
        assert_eq!(mode_of(f), 0o600, "{} is not owner-only", f.display());
    }
    eprintln!("owner-only DACLs: the cache dir and {} files", files.len());
}

#[test]
fn files_readable_or_writable_by_others_are_refused() {
    let sb = Sandbox::new();
    // An inline secret in a config others can read.
    let inline = format!(
        "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\napp_secret = \"{SECRET}\"\n\
         auth_url = \"{}\"\n",
        sb.emu.url()
    );
    sb.write_config(&inline, 0o644);
    let o = sb.bare().output().unwrap();
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("readable by others") && stderr(&o).contains("icacls"),
        "{}",
        stderr(&o)
    );
    assert_no_secret(&o);
    // A secret file others can read.
    let secret = sb.home.path().join("secret");
    write_file(&secret, SECRET, 0o604);
    let cfg = format!(
        "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\napp_secret_file = {}\n\
         auth_url = \"{}\"\n",
        toml_path(&secret),
        sb.emu.url()
    );
    sb.write_config(&cfg, 0o600);
    let o = sb.bare().output().unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("readable by others"), "{}", stderr(&o));
    // A config others can write.
    sb.write_config(&cfg, 0o666);
    let o = sb.bare().output().unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("writable by others"), "{}", stderr(&o));
    // Made private, both work.
    chmod(&secret, 0o600);
    sb.write_config(&cfg, 0o600);
    assert_status(&sb.bare().output().unwrap(), 0);
    assert_eq!(sb.emu.requests(), 1);

    // A cache dir others can read is made private through its handle; one
    // they can write is not used at all.
    chmod(&sb.cache_dir(), 0o755);
    assert_status(&sb.run(&["--force-refresh"]), 0);
    assert_eq!(mode_of(&sb.cache_dir()), 0o700);
    chmod(&sb.cache_dir(), 0o777);
    let o = sb.run(&[]);
    assert_status(&o, 0);
    assert!(stderr(&o).contains("writable by others"), "{}", stderr(&o));
    assert_eq!(sb.emu.requests(), 3, "an untrusted cache is not read");
}

#[test]
fn an_entry_is_replaced_while_another_process_holds_it_open() {
    let sb = Sandbox::new();
    let first = stdout(&sb.run(&[])).trim_end().to_string();
    let entry = sb.entries().pop().unwrap();
    // This test process is the other process: it holds the entry open as a
    // reader would (std shares read, write and delete) while cytoken
    // replaces it, and lets go a little later.
    let held = std::fs::File::open(&entry).unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        drop(held);
    });
    let o = sb.run(&["--force-refresh"]);
    release.join().unwrap();
    assert_status(&o, 0);
    let fresh = stdout(&o).trim_end().to_string();
    assert_ne!(fresh, first);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&entry).unwrap()).unwrap();
    assert_eq!(v["access_token"], fresh.as_str(), "the entry was replaced");
    assert_eq!(mode_of(&entry), 0o600);

    // Held past the retry budget: the token is still printed, with a warning,
    // and the old entry stays whole.
    let held = std::fs::File::open(&entry).unwrap();
    let o = sb.run(&["--force-refresh"]);
    drop(held);
    assert_status(&o, 0);
    assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&entry).unwrap()).unwrap();
    assert!(v["access_token"].is_string());
    // …and no temp file is left behind.
    assert!(
        sb.cache_files()
            .iter()
            .all(|f| !f.to_string_lossy().ends_with(".tmp")),
        "{:?}",
        sb.cache_files()
    );
}

#[test]
fn a_secret_command_tree_is_killed_at_timeout() {
    let sb = Sandbox::new();
    let pids = tempfile::tempdir().unwrap();
    // A copy cytoken can trust: the build dir may be writable by others.
    let helper = private_copy(&std::env::current_exe().unwrap());
    let cfg = format!(
        "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\nauth_url = \"{}\"\n\
         timeout = 2\napp_secret_command = [{}, \"--exact\", \"windows::tree_helper\", \"--nocapture\"]\n",
        sb.emu.url(),
        toml_path(&helper)
    );
    sb.write_config(&cfg, 0o600);
    let t = Instant::now();
    let o = sb
        .bare()
        .env("TREE_HELPER_DIR", pids.path())
        .output()
        .unwrap();
    let took = t.elapsed();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("did not finish"), "{}", stderr(&o));
    assert!(took < Duration::from_secs(8), "{took:?}");
    let pid = |role: &str| -> u32 {
        let p = pids.path().join(format!("{role}.pid"));
        std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .parse()
            .unwrap()
    };
    let (child, grandchild) = (pid("child"), pid("grandchild"));
    let t = Instant::now();
    while (alive(child) || alive(grandchild)) && t.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !alive(child),
        "the secret command {child} outlived its timeout"
    );
    assert!(
        !alive(grandchild),
        "the process {grandchild} it started outlived its timeout"
    );
}

#[test]
fn exec_passes_the_status_and_the_token_never_the_secret() {
    let sb = Sandbox::new();
    let o = sb.run(&["exec", "--", "cmd", "/c", "exit 7"]);
    assert_status(&o, 7);
    let o = sb.run(&[
        "exec",
        "--",
        "cmd",
        "/c",
        "echo %CYTOKEN_ACCESS_TOKEN% [%CYTOKEN_APP_SECRET%]",
    ]);
    assert_status(&o, 0);
    let out = stdout(&o);
    let tok = out.split_whitespace().next().unwrap();
    assert!(sb.emu.verify_access_token(tok), "{out}");
    // cmd leaves an unset variable's name as it is.
    assert!(out.contains("[%CYTOKEN_APP_SECRET%]"), "{out}");
    assert_no_secret(&o);
    let o = sb.run(&["exec", "--", "no-such-program-here"]);
    assert_status(&o, 127);
    assert_eq!(sb.emu.requests(), 1);
}

/// `cytoken install-helpers DIR` makes `git-credential-cytoken.exe` and
/// `docker-credential-cytoken.exe`, which answer as the helpers (argv[0]
/// dispatch, `.exe` and case ignored); a second run keeps them; someone
/// else's program of the same name is left alone.
#[test]
fn install_helpers_makes_working_helper_names() {
    let sb = Sandbox::new();
    // install-helpers links only to a binary no one else can replace: a copy
    // in the sandbox's home, as an installed cytoken would be (the build dir
    // may sit under /tmp, which wine shows as writable by everyone).
    let bin = sb.home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let exe = bin.join("cytoken.exe");
    std::fs::copy(env!("CARGO_BIN_EXE_cytoken"), &exe).unwrap();
    let install = |dir: &std::path::Path| {
        sb.bare_as(&exe)
            .arg("install-helpers")
            .arg(dir)
            .output()
            .unwrap()
    };
    let dir = sb.home.path().join("helpers");
    std::fs::create_dir_all(&dir).unwrap();
    let o = install(&dir);
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("git-credential-cytoken.exe"), "{out}");
    assert!(out.contains("linked") || out.contains("copied"), "{out}");
    let o = install(&dir);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("kept"), "{}", stdout(&o));

    let git = dir.join("git-credential-cytoken.exe");
    let o = feed(
        with(sb.cmd_as(&git), &["get"]),
        b"protocol=https\nhost=git.example.com\n\n",
    );
    assert_status(&o, 0);
    assert!(
        stdout(&o).starts_with("username=x-access-token\npassword=eyJ"),
        "{}",
        stdout(&o)
    );
    // Case does not matter to Windows, nor to the dispatch.
    let upper = dir.join("DOCKER-CREDENTIAL-CYTOKEN.EXE");
    let o = feed(with(sb.cmd_as(&upper), &["get"]), b"registry.example.com");
    assert_status(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        sb.emu.verify_access_token(v["Secret"].as_str().unwrap()),
        "{v}"
    );
    assert_eq!(sb.emu.requests(), 1);

    let foreign = sb.home.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("git-credential-cytoken.exe"), b"MZ not ours").unwrap();
    let o = install(&foreign);
    assert_status(&o, 1);
    assert!(stderr(&o).contains("remove it first"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(foreign.join("git-credential-cytoken.exe")).unwrap(),
        b"MZ not ours"
    );
}

/// kubectl's re-ask after a 401: the same client process (parent pid and its
/// creation time) asking again for the token it holds gets a new one.
#[test]
fn a_re_ask_from_the_same_parent_gets_a_new_token() {
    let sb = Sandbox::new();
    let ask = || {
        let o = sb
            .cmd()
            .arg("exec-credential")
            .env("KUBERNETES_EXEC_INFO", exec_info())
            .output()
            .unwrap();
        assert_status(&o, 0);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        v["status"]["token"].as_str().unwrap().to_string()
    };
    let first = ask();
    let second = ask();
    assert_ne!(first, second, "the re-ask was not recognised");
    assert_eq!(sb.emu.requests(), 2);
    // `cytoken token` (another process each time) still gets the cache.
    assert_eq!(stdout(&sb.run(&[])).trim_end(), second);
    assert_eq!(sb.emu.requests(), 2);
    let log = sb
        .cache_files()
        .into_iter()
        .find(|f| f.extension().is_some_and(|e| e == "kube"))
        .expect("a hand-out log");
    let line = std::fs::read_to_string(&log).unwrap();
    assert!(
        line.contains(&format!("\"pid\":{},", std::process::id())),
        "{line}"
    );
    assert!(!line.contains("\"started\":0,"), "no creation time: {line}");
}

#[test]
fn a_symlinked_cache_dir_is_refused() {
    let sb = Sandbox::new();
    let real = sb.home.path().join("real-cache");
    std::fs::create_dir_all(&real).unwrap();
    std::fs::create_dir_all(sb.cache_dir().parent().unwrap()).unwrap();
    if !symlink_or_note(&real, &sb.cache_dir()) {
        return;
    }
    let o = sb.run(&[]);
    assert_status(&o, 0);
    assert!(stderr(&o).contains("symlink"), "{}", stderr(&o));
    assert!(
        std::fs::read_dir(&real).unwrap().next().is_none(),
        "nothing written through the link"
    );
}
