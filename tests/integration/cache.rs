//! The token cache through the binary: private files that never hold the
//! secret, `cache list|clear|path`, `--no-cache`, and the crash, lock and
//! damaged-cache matrices (SIGKILL during refresh, a SIGSTOPped lock holder,
//! garbage, huge, symlinked, foreign or unwritable entries). The cache is
//! never trusted when it should not be, and never fatal.

use std::fs::File;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// A small deterministic-enough random source for timings (no extra crate).
fn jitter(i: u64, max_ms: u64) -> Duration {
    let nanos = u64::from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos(),
    );
    let x = (nanos ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(6364136223846793005);
    Duration::from_millis((x >> 33) % (max_ms + 1))
}

/// SIGKILL; on Windows TerminateProcess (exit code 1), as abrupt.
fn kill_9(child: &mut Child) {
    #[cfg(unix)]
    signal(child, libc::SIGKILL);
    #[cfg(windows)]
    child.kill().unwrap();
}

/// Whether `status` is that of a process [`kill_9`] ended.
#[cfg(unix)]
fn killed(status: std::process::ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal() == Some(libc::SIGKILL)
}

#[cfg(windows)]
fn killed(status: std::process::ExitStatus) -> bool {
    status.code() == Some(1)
}

/// Every entry in the cache parses as an entry holding an access token.
#[track_caller]
pub(crate) fn assert_cache_readable(sb: &Sandbox) {
    for e in sb.entries() {
        if e.file_name().unwrap().to_str().unwrap().starts_with('.') {
            continue; // an abandoned temp file: never read as an entry
        }
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&e).unwrap())
            .unwrap_or_else(|err| panic!("{} unreadable: {err}", e.display()));
        assert!(v["access_token"].is_string(), "{}", e.display());
    }
}

/// No lock file is held: each can be locked at once.
#[track_caller]
fn assert_no_lock_held(sb: &Sandbox) {
    for p in sb.cache_files() {
        if p.extension().is_some_and(|e| e == "lock") {
            let f = File::open(&p).unwrap();
            f.try_lock()
                .unwrap_or_else(|e| panic!("{} still locked: {e:?}", p.display()));
        }
    }
}

/// Starts a process that takes the lock and hangs at the endpoint, then stops it.
fn stopped_lock_holder(sb: &Sandbox) -> Child {
    sb.emu.push_fault(Fault::Hang);
    let before = sb.emu.requests();
    let holder = sb
        .cmd()
        .arg("--force-refresh")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while sb.emu.requests() == before {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "holder never reached the endpoint"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    stop(&holder);
    holder
}

fn end(mut child: Child) {
    kill_9(&mut child);
    child.wait().unwrap();
}

/// Writes `bytes` as the selection's entry (private, so only its content is bad).
fn plant(sb: &Sandbox, bytes: &[u8]) -> std::path::PathBuf {
    let entry = sb.entries().pop().expect("an entry to damage");
    std::fs::remove_file(&entry).unwrap();
    std::fs::write(&entry, bytes).unwrap();
    chmod(&entry, 0o600);
    entry
}

#[track_caller]
fn assert_replaced(sb: &Sandbox, entry: &std::path::Path, requests_before: usize) {
    let o = sb.test().success();
    assert!(
        stderr(&o).contains("ignoring cache entry"),
        "{}",
        stderr(&o)
    );
    assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));
    assert_eq!(sb.emu.requests(), requests_before + 1);
    let m = std::fs::symlink_metadata(entry).unwrap();
    assert!(m.file_type().is_file());
    assert_eq!(mode_of(entry), 0o600);
    assert_cache_readable(sb);
    // …and the replacement is trusted again: a quiet hit.
    let o = sb.run(&[]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert_eq!(sb.emu.requests(), requests_before + 1);
}

/// Makes `dir` unwritable even for root (chattr +i), or by mode for others.
#[cfg(unix)]
struct ReadOnly(std::path::PathBuf);

#[cfg(unix)]
impl ReadOnly {
    fn new(dir: &std::path::Path) -> ReadOnly {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            let ok = std::process::Command::new("chattr")
                .arg("+i")
                .arg(dir)
                .status()
                .unwrap();
            assert!(
                ok.success(),
                "chattr +i failed: root needs an ext4-like filesystem here"
            );
        } else {
            chmod(dir, 0o500);
        }
        ReadOnly(dir.into())
    }
}

#[cfg(unix)]
impl Drop for ReadOnly {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o700));
    }
}

#[cfg(unix)]
fn signal(child: &Child, sig: i32) {
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

/// SIGSTOP; on Windows every thread suspended.
fn stop(child: &Child) {
    #[cfg(unix)]
    signal(child, libc::SIGSTOP);
    #[cfg(windows)]
    suspend(child.id());
}

#[test]
fn cache_is_private_and_never_holds_the_secret_and_output_never_does() {
    let sb = Sandbox::new();
    let mut outputs = vec![
        sb.run(&["-vvv", "token"]),
        sb.run(&["-vvv", "token", "--format", "json"]),
        sb.run(&["-vvv", "--force-refresh"]),
        sb.run(&["-vvv", "auth-token"]),
        sb.run(&["-vvv", "cache", "list"]),
        sb.run(&["-vvv", "check"]),
        sb.cmd()
            .env("CYTOKEN_LOG", "trace")
            .arg("--no-cache")
            .output()
            .unwrap(),
        sb.cmd()
            .env("CYTOKEN_APP_SECRET", format!("{SECRET}x"))
            .arg("-vvv")
            .output()
            .unwrap(),
        sb.run(&["-vvv", "--lifetime", "9999"]),
    ];
    outputs.push(
        sb.cmd()
            .env("CYTOKEN_LOG", "trace")
            .args(["--region", "x"])
            .env_remove("CYTOKEN_AUTH_URL")
            .output()
            .unwrap(),
    );
    for o in &outputs {
        assert_no_secret(o);
    }
    let verbose = stderr(&outputs[0]);
    assert!(
        verbose.contains("exchange") && verbose.contains("ms]"),
        "{verbose}"
    );
    // -v never shows a whole token.
    let tok = stdout(&outputs[2]).trim_end().to_string();
    for o in &outputs {
        assert!(!stderr(o).contains(&tok));
    }

    let dir = sb.cache_dir();
    assert_eq!(mode_of(&dir), 0o700);
    let files = sb.cache_files();
    assert!(files.len() >= 3, "{files:?}");
    for f in files {
        assert_eq!(mode_of(&f), 0o600, "{}", f.display());
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "{}",
            f.display()
        );
    }
}

#[test]
fn cache_list_clear_and_path() {
    let sb = Sandbox::new();
    sb.test()
        .args(["cache", "list"])
        .stdout_has("no cached tokens")
        .success();
    let tok = stdout(&sb.run(&["--scope", "device:list"]))
        .trim_end()
        .to_string();
    let o = sb.run(&["cache", "list"]);
    let list = stdout(&o);
    assert!(
        list.contains(APP) && list.contains(TENANT) && list.contains("device:list"),
        "{list}"
    );
    assert!(list.contains("default") && list.contains('m'), "{list}");
    assert!(!list.contains(&tok), "cache list never prints a token");
    assert_eq!(
        stdout(&sb.run(&["cache", "path"])).trim_end(),
        sb.cache_dir().to_str().unwrap()
    );
    // clear: only the selected entry.
    sb.run(&[]);
    assert_eq!(sb.entries().len(), 2);
    assert_status(&sb.run(&["--scope", "device:list", "cache", "clear"]), 0);
    assert_eq!(sb.entries().len(), 1);
    assert_status(
        &sb.bare()
            .args(["cache", "clear", "--all"])
            .output()
            .unwrap(),
        0,
    );
    assert!(sb.cache_files().is_empty(), "{:?}", sb.cache_files());
}

#[test]
fn kill_9_during_refresh_never_breaks_the_cache() {
    let sb = Sandbox::new();
    const ROUNDS: u64 = 30;
    // Every answer takes 60 ms, so a refreshing process is always still there
    // to be killed: in even rounds at a random moment after start (before or
    // during the exchange), in odd rounds once its request has reached the
    // endpoint (holding the lock, mid-exchange).
    sb.emu.set_delay(Duration::from_millis(60));
    let mut mid_exchange = 0;
    for i in 0..ROUNDS {
        let before = sb.emu.requests();
        let mut child = sb
            .cmd()
            .arg("--force-refresh")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if i % 2 == 1 {
            let t = Instant::now();
            while sb.emu.requests() == before && t.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        std::thread::sleep(jitter(i, 40));
        if sb.emu.requests() > before {
            mid_exchange += 1;
        }
        kill_9(&mut child);
        let status = child.wait().unwrap();
        assert!(killed(status), "round {i}: it finished first ({status})");
        assert_cache_readable(&sb);
        assert_no_lock_held(&sb);
    }
    assert!(
        mid_exchange >= ROUNDS / 2,
        "only {mid_exchange} kills mid-exchange"
    );
    sb.emu.set_delay(Duration::ZERO);
    let o = sb.test().stderr("").success();
    assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));
    eprintln!("kill -9: {ROUNDS} rounds, {mid_exchange} mid-exchange");
}

#[test]
fn a_stopped_lock_holder_never_hangs_waiters() {
    let sb = Sandbox::new();
    sb.write_config("[profiles.default]\nlock_timeout = 1\n", 0o644);
    let holder = stopped_lock_holder(&sb);

    // No cached token: go ahead without the lock, with a warning.
    let t = Instant::now();
    let o = sb.run(&[]);
    let took = t.elapsed();
    assert_status(&o, 0);
    assert!(stderr(&o).contains("without it"), "{}", stderr(&o));
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(5),
        "{took:?}"
    );
    let tok = stdout(&o).trim_end().to_string();
    assert!(sb.emu.verify_access_token(&tok));

    // A stale but still valid cached token: served, with a warning, no exchange.
    sb.set_expiry(120);
    let requests = sb.emu.requests();
    let o = sb.test().success();
    assert_eq!(stdout(&o).trim_end(), tok);
    assert!(
        stderr(&o).contains("serving the cached token"),
        "{}",
        stderr(&o)
    );
    assert_eq!(sb.emu.requests(), requests);
    end(holder);
}

#[test]
fn different_selections_never_block_each_other() {
    let sb = Sandbox::new();
    let holder = stopped_lock_holder(&sb);
    let t = Instant::now();
    sb.test()
        .args(["--scope", "device:list"])
        .stderr("")
        .success();
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    end(holder);
}

#[test]
fn damaged_entries_are_misses_and_replaced() {
    let sb = Sandbox::new();
    assert_status(&sb.run(&[]), 0);
    let cases: [(&str, Vec<u8>); 5] = [
        ("garbage", vec![0xff, 0x00, 0x13, 0x37, b'{']),
        (
            "truncated",
            b"{\"access_token\":\"eyJ\",\"expires_at\":99".to_vec(),
        ),
        ("empty", Vec::new()),
        ("wrong shape", b"{\"token\": [1, 2, 3]}".to_vec()),
        ("100 MiB", Vec::new()),
    ];
    for (what, bytes) in cases {
        let entry = plant(&sb, &bytes);
        if what == "100 MiB" {
            File::options()
                .write(true)
                .open(&entry)
                .unwrap()
                .set_len(100 << 20)
                .unwrap();
        }
        let before = sb.emu.requests();
        assert_replaced(&sb, &entry, before);
    }
}

#[test]
fn a_symlinked_entry_is_not_followed_and_is_replaced() {
    let sb = Sandbox::new();
    assert_status(&sb.run(&[]), 0);
    let entry = sb.entries().pop().unwrap();
    let valid = std::fs::read(&entry).unwrap();
    let target = sb.home.path().join("elsewhere.json");
    write_file(&target, std::str::from_utf8(&valid).unwrap(), 0o600);
    std::fs::remove_file(&entry).unwrap();
    if !symlink_or_note(&target, &entry) {
        return;
    }
    let before = sb.emu.requests();
    assert_replaced(&sb, &entry, before);
    assert_eq!(
        std::fs::read(&target).unwrap(),
        valid,
        "the target stays untouched"
    );
}

#[test]
fn writable_by_others_or_foreign_entries_are_ignored() {
    let sb = Sandbox::new();
    assert_status(&sb.run(&[]), 0);
    for mode in [0o620, 0o602, 0o666] {
        let entry = sb.entries().pop().unwrap();
        chmod(&entry, mode);
        let before = sb.emu.requests();
        assert_replaced(&sb, &entry, before);
    }
    // SAFETY: geteuid has no preconditions.
    #[cfg(unix)]
    if unsafe { libc::geteuid() } == 0 {
        let entry = sb.entries().pop().unwrap();
        std::os::unix::fs::chown(&entry, Some(65534), Some(65534)).unwrap();
        let before = sb.emu.requests();
        assert_replaced(&sb, &entry, before);
    } else {
        eprintln!("note: foreign-owner case needs root to chown; covered by the unit test");
    }
}

#[test]
fn an_unwritable_cache_never_fails_the_command() {
    // Empty and read-only: no key, no entry can be made. (Not on Windows: the
    // tests run as root under wine there, whom no DACL stops, and chattr is
    // out of a Windows process's reach.)
    #[cfg(unix)]
    {
        let sb = Sandbox::new();
        std::fs::create_dir_all(sb.cache_dir()).unwrap();
        chmod(&sb.cache_dir(), 0o700);
        {
            let _ro = ReadOnly::new(&sb.cache_dir());
            let o = sb.test().success();
            assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));
            assert!(stderr(&o).contains("warning"), "{}", stderr(&o));
        }

        // Read-only with a stale entry: the refresh cannot be stored, still printed.
        let sb = Sandbox::new();
        assert_status(&sb.run(&[]), 0);
        let entry = sb.set_expiry(60);
        std::fs::remove_file(entry.with_extension("lock")).unwrap();
        {
            let _ro = ReadOnly::new(&sb.cache_dir());
            let o = sb.test().success();
            assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));
            assert_eq!(sb.emu.requests(), 2);
            assert!(stderr(&o).contains("warning"), "{}", stderr(&o));
        }
    }

    // The cache "dir" is a file.
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.cache_dir().parent().unwrap()).unwrap();
    std::fs::write(sb.cache_dir(), b"not a dir").unwrap();
    let o = sb.test().success();
    assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));
    assert!(stderr(&o).contains("not a directory"), "{}", stderr(&o));
}

#[test]
fn no_cache_writes_nothing_under_the_cache_dir() {
    let s = Sandbox::new();
    // A cache dir that does not exist stays absent…
    let o = s.cmd().args(["--no-cache", "token"]).output().unwrap();
    assert_status(&o, 0);
    assert!(stdout(&o).starts_with("eyJ"));
    assert!(
        !s.cache_dir().exists(),
        "--no-cache created {}",
        s.cache_dir().display()
    );
    // …and one that exists stays empty, also with a config file and the
    // helpers that resolve a selection.
    std::fs::create_dir_all(s.cache_dir()).unwrap();
    s.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{}\"\napp_id = \"{}\"\napp_secret_env = \"CYTOKEN_APP_SECRET\"\n",
            crate::support::TENANT,
            crate::support::APP
        ),
        0o600,
    );
    for args in [
        &["--no-cache", "token", "--format", "json"][..],
        &["--no-cache", "exec-credential"],
        &["--no-cache", "check"],
    ] {
        let o = s.cmd().args(args).output().unwrap();
        assert_status(&o, 0);
        assert_eq!(
            s.cache_files(),
            Vec::<std::path::PathBuf>::new(),
            "{args:?} wrote into the cache dir"
        );
    }
    assert_eq!(s.emu.requests(), 4, "every --no-cache call exchanged");
}

#[test]
fn no_cache_and_force_refresh_together_are_a_usage_error() {
    let s = Sandbox::new();
    let o = s.run(&["--no-cache", "--force-refresh", "token"]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("--force-refresh"), "{}", stderr(&o));
    assert_eq!(s.emu.requests(), 0);
}
