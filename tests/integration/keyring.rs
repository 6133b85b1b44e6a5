//! `app_secret_keyring` and `cytoken secret set|delete` against the real
//! Secret Service: gnome-keyring on a private D-Bus session bus that each test
//! starts itself, with a throwaway HOME and runtime dir. So plain `cargo test`
//! runs them for real (never the developer's own keyring), and they fail
//! loudly, naming the package, where the programs are missing (`.ci/keyring`
//! installs them): they never pass without having talked to a Secret Service.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::*;

/// The password the test keyring is created and unlocked with.
const KEYRING_PASSWORD: &str = "PASS";
/// A second application, for the profile-isolation test.
const APP_B: &str = "0b1c2d3e-4f50-4a61-8b72-9c83d4e5f6a7";
const SECRET_B: &str = "Bz7-second-app-secret-Kq4Wm9Xv2Lp8Rt";

/// Panics, naming the package, when `program` is not on PATH.
fn require(program: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()));
    assert!(
        found,
        "the keyring tests need `{program}` (Debian package {package}); run `.ci/keyring` \
         (as root) to install gnome-keyring, dbus-daemon and libsecret-tools"
    );
}

/// A private session bus, optionally with gnome-keyring's Secret Service on
/// it. Its daemons are stopped (by pid) when it is dropped.
struct Bus {
    dir: tempfile::TempDir,
    address: String,
    daemon: Child,
    keyring: Option<Child>,
}

impl Bus {
    /// A session bus with nothing on it. Its configuration has no service
    /// directories, so nothing can be started on demand either: "no Secret
    /// Service" really means none.
    fn empty() -> Bus {
        require("dbus-daemon", "dbus-daemon");
        require("dbus-send", "dbus-bin");
        let dir = tempfile::tempdir().unwrap();
        for d in ["home", "run"] {
            std::fs::create_dir(dir.path().join(d)).unwrap();
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("run"),
            std::fs::Permissions::from_mode(0o700),
        )
        .unwrap();
        let socket = dir.path().join("bus");
        let conf = dir.path().join("bus.conf");
        std::fs::write(
            &conf,
            format!(
                "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n \
                 \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n\
                 <busconfig>\n  <type>session</type>\n  <listen>unix:path={}</listen>\n  \
                 <auth>EXTERNAL</auth>\n  <policy context=\"default\">\n    \
                 <allow send_destination=\"*\" eavesdrop=\"true\"/>\n    \
                 <allow eavesdrop=\"true\"/>\n    <allow own=\"*\"/>\n  </policy>\n</busconfig>\n",
                socket.display()
            ),
        )
        .unwrap();
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", conf.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = Vec::new();
        let mut out = bus.stdout.take().unwrap();
        let mut byte = [0u8];
        while out.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
            line.push(byte[0]);
        }
        let address = String::from_utf8(line).unwrap();
        assert!(
            address.starts_with("unix:"),
            "dbus-daemon did not start: {address:?}"
        );
        Bus {
            dir,
            address,
            daemon: bus,
            keyring: None,
        }
    }

    /// A session bus with gnome-keyring's Secret Service, its login
    /// collection created and unlocked (the recipe of PLATFORMS.md).
    fn with_keyring() -> Bus {
        require("gnome-keyring-daemon", "gnome-keyring");
        require("secret-tool", "libsecret-tools");
        let mut b = Bus::empty();
        let mut cmd = Command::new("gnome-keyring-daemon");
        b.env(&mut cmd);
        let mut gk = cmd
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = gk.stdin.take().unwrap();
        stdin.write_all(KEYRING_PASSWORD.as_bytes()).unwrap();
        drop(stdin);
        b.keyring = Some(gk);
        b.wait_for_secret_service();
        b
    }

    fn wait_for_secret_service(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let o = self
                .dbus_send(&[
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .output()
                .unwrap();
            if stdout(&o).contains("boolean true") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "gnome-keyring-daemon did not appear on the bus: {}",
                stderr(&o)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the Secret Service, leaving the bus.
    fn stop_keyring(&mut self) {
        if let Some(mut gk) = self.keyring.take() {
            let _ = gk.kill();
            let _ = gk.wait();
        }
    }

    /// The variables that put a process on this bus.
    fn env<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("XDG_RUNTIME_DIR", self.dir.path().join("run"))
            .env("HOME", self.dir.path().join("home"))
    }

    fn dbus_send(&self, args: &[&str]) -> Command {
        let mut c = Command::new("dbus-send");
        self.env(&mut c)
            .args(["--session", "--print-reply", "--type=method_call"])
            .args(args);
        c
    }

    /// What `secret-tool` finds under cytoken's attributes for `name`.
    fn lookup(&self, name: &str) -> Output {
        let mut c = Command::new("secret-tool");
        self.env(&mut c)
            .args(["lookup", "service", "cytoken", "account", name])
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Locks the login collection, as a screen lock or `Lock` would.
    fn lock(&self) {
        let o = self
            .dbus_send(&[
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ])
            .output()
            .unwrap();
        assert_status(&o, 0);
    }

    /// `cytoken ARGS` in the sandbox, on this bus.
    fn run(&self, sb: &Sandbox, args: &[&str]) -> Output {
        let mut c = sb.bare();
        self.on_bus(&mut c).args(args).output().unwrap()
    }

    /// `cytoken ARGS` in the sandbox, on this bus, `input` on stdin.
    fn feed(&self, sb: &Sandbox, args: &[&str], input: &str) -> Output {
        let mut c = sb.bare();
        self.on_bus(&mut c).args(args);
        feed(c, input.as_bytes())
    }

    /// Only the bus variables: cytoken keeps the sandbox's HOME.
    fn on_bus<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("XDG_RUNTIME_DIR", self.dir.path().join("run"))
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        self.stop_keyring();
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// A config with profile `prod` (entry `cylance-prod`), `b` (entry
/// `cylance-b`, the second app) and `cmd` (a command secret), for the
/// emulator.
fn write_profiles(sb: &Sandbox) -> PathBuf {
    sb.emu.register_app(TENANT, APP_B, SECRET_B);
    let url = sb.emu.url();
    sb.write_config(
        &format!(
            "default_profile = \"prod\"\n\n\
             [profiles.prod]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\nauth_url = \"{url}\"\n\
             app_secret_keyring = \"cylance-prod\"\n\n\
             [profiles.b]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP_B}\"\nauth_url = \"{url}\"\n\
             app_secret_keyring = \"cylance-b\"\n\n\
             [profiles.cmd]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\nauth_url = \"{url}\"\n\
             app_secret_command = [\"echo\", \"x\"]\n"
        ),
        0o600,
    )
}

/// No output, and no file in the cache dir, holds either secret.
#[track_caller]
fn assert_nowhere(sb: &Sandbox, outputs: &[&Output]) {
    for o in outputs {
        assert_no_secret(o);
        for s in [&stdout(o), &stderr(o)] {
            assert!(!s.contains(SECRET_B), "second secret in output: {s}");
        }
    }
    for f in sb.cache_files() {
        let bytes = std::fs::read(&f).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(SECRET) && !text.contains(SECRET_B),
            "secret in {}",
            f.display()
        );
    }
}

#[track_caller]
fn assert_keyring_error(o: &Output, cause: &str) {
    assert_status(o, 2);
    let e = stderr(o);
    assert!(e.contains(cause), "expected '{cause}' in: {e}");
    assert!(
        e.contains("app_secret_command") && e.contains("app_secret_file"),
        "the alternatives are named: {e}"
    );
    assert_eq!(e.trim_end().lines().count(), 1, "one line: {e}");
}

#[test]
fn set_token_lookup_delete_round_trip() {
    let sb = Sandbox::new();
    let bus = Bus::with_keyring();
    write_profiles(&sb);

    let set = bus.feed(
        &sb,
        &["secret", "set", "-p", "prod"],
        &format!("{SECRET}\n"),
    );
    assert_status(&set, 0);
    assert!(
        stderr(&set).contains("keyring entry 'cylance-prod'"),
        "{}",
        stderr(&set)
    );

    // Minted with the secret from the store, accepted by the endpoint.
    let tok = bus.run(&sb, &["token", "-p", "prod", "-vvv"]);
    assert_status(&tok, 0);
    let token = stdout(&tok).trim_end().to_string();
    assert!(sb.emu.verify_access_token(&token));
    assert_eq!(sb.emu.requests(), 1);

    // Where secret-tool (and Seahorse) look for it.
    let found = bus.lookup("cylance-prod");
    assert_status(&found, 0);
    assert_eq!(stdout(&found), SECRET);

    // check says the entry is there, never what it holds.
    let check = bus.run(&sb, &["check", "-p", "prod", "--offline"]);
    assert_status(&check, 0);
    let secret_line = stdout(&check)
        .lines()
        .find(|l| l.trim_start().starts_with("ok    secret"))
        .map(str::to_string);
    assert!(
        secret_line.is_some_and(|l| l.contains("cylance-prod")),
        "{}",
        stdout(&check)
    );

    let del = bus.run(&sb, &["secret", "delete", "-p", "prod"]);
    assert_status(&del, 0);
    assert!(
        stderr(&del).contains("removed keyring entry 'cylance-prod'"),
        "{}",
        stderr(&del)
    );
    assert!(
        stderr(&del).contains("removed the cached token"),
        "a delete drops the token minted from it: {}",
        stderr(&del)
    );
    let gone = bus.lookup("cylance-prod");
    assert_ne!(gone.status.code(), Some(0));
    assert!(stdout(&gone).is_empty());

    // Deleting again is not an error; reading is, with the fix.
    let again = bus.run(&sb, &["secret", "delete", "-p", "prod"]);
    assert_status(&again, 0);
    assert!(stderr(&again).contains("nothing to remove"));
    let missing = bus.run(&sb, &["token", "-p", "prod"]);
    assert_keyring_error(&missing, "is not in the Secret Service");
    assert!(stderr(&missing).contains("cytoken secret set"));
    let check = bus.run(&sb, &["check", "-p", "prod", "--offline"]);
    assert_status(&check, 2);
    assert!(
        stdout(&check).contains("FAIL  secret"),
        "{}",
        stdout(&check)
    );
    assert_eq!(sb.emu.requests(), 1);

    assert_nowhere(&sb, &[&set, &tok, &check, &del, &again, &missing]);
}

#[test]
fn a_new_value_replaces_the_old_and_its_cached_token() {
    let sb = Sandbox::new();
    let bus = Bus::with_keyring();
    write_profiles(&sb);
    let wrong = bus.feed(&sb, &["secret", "set", "-p", "prod"], "not-the-secret\n");
    assert_status(&wrong, 0);
    let rejected = bus.run(&sb, &["token", "-p", "prod"]);
    assert_status(&rejected, 3);
    // The right value, stored over the wrong one, is used at once.
    let set = bus.feed(
        &sb,
        &["secret", "set", "-p", "prod"],
        &format!("{SECRET}\r\n"),
    );
    assert_status(&set, 0);
    assert_eq!(
        stdout(&bus.lookup("cylance-prod")),
        SECRET,
        "\\r\\n trimmed"
    );
    let tok = bus.run(&sb, &["token", "-p", "prod"]);
    assert_status(&tok, 0);
    assert!(sb.emu.verify_access_token(stdout(&tok).trim_end()));
    assert_nowhere(&sb, &[&wrong, &rejected, &set, &tok]);
}

#[test]
fn a_cache_hit_never_opens_the_store() {
    let sb = Sandbox::new();
    let mut bus = Bus::with_keyring();
    write_profiles(&sb);
    assert_status(
        &bus.feed(&sb, &["secret", "set"], &format!("{SECRET}\n")),
        0,
    );
    let first = bus.run(&sb, &["token"]);
    assert_status(&first, 0);
    bus.stop_keyring();
    let hit = bus.run(&sb, &["token"]);
    assert_status(&hit, 0);
    assert_eq!(stdout(&hit), stdout(&first));
    assert_eq!(sb.emu.requests(), 1);
    // A miss has to open it, and says that it cannot.
    let miss = bus.run(&sb, &["token", "--no-cache"]);
    assert_keyring_error(&miss, "no Secret Service");
    assert_nowhere(&sb, &[&first, &hit, &miss]);
}

#[test]
fn no_secret_service_on_the_bus_is_a_clear_error() {
    let sb = Sandbox::new();
    let bus = Bus::empty();
    write_profiles(&sb);
    let start = Instant::now();
    let tok = bus.run(&sb, &["token", "-p", "prod"]);
    assert_keyring_error(&tok, "there is no Secret Service on the D-Bus session bus");
    let set = bus.feed(
        &sb,
        &["secret", "set", "-p", "prod"],
        &format!("{SECRET}\n"),
    );
    assert_keyring_error(&set, "there is no Secret Service");
    let del = bus.run(&sb, &["secret", "delete", "-p", "prod"]);
    assert_keyring_error(&del, "there is no Secret Service");
    let check = bus.run(&sb, &["check", "-p", "prod", "--offline"]);
    assert_status(&check, 2);
    assert!(
        stdout(&check).contains("no Secret Service"),
        "{}",
        stdout(&check)
    );
    assert!(start.elapsed() < Duration::from_secs(10), "never waits");
    assert_eq!(sb.emu.requests(), 0);
    assert_nowhere(&sb, &[&tok, &set, &del, &check]);
}

#[test]
fn no_dbus_session_is_a_clear_error() {
    let sb = Sandbox::new();
    write_profiles(&sb);
    let run_dir = tempfile::tempdir().unwrap();
    // No DBUS_SESSION_BUS_ADDRESS (the sandbox clears the environment) and a
    // runtime dir with no bus socket: a headless ssh login.
    let o = sb
        .bare()
        .env("XDG_RUNTIME_DIR", run_dir.path())
        .args(["token", "-p", "prod"])
        .output()
        .unwrap();
    assert_keyring_error(&o, "there is no D-Bus session");
    assert!(stderr(&o).contains("DBUS_SESSION_BUS_ADDRESS is not set"));
    let mut c = sb.bare();
    c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .args(["secret", "set", "-p", "prod"]);
    let set = feed(c, format!("{SECRET}\n").as_bytes());
    assert_keyring_error(&set, "there is no D-Bus session");
    assert_nowhere(&sb, &[&o, &set]);
}

#[test]
fn a_locked_collection_is_a_clear_error() {
    let sb = Sandbox::new();
    let bus = Bus::with_keyring();
    write_profiles(&sb);
    assert_status(
        &bus.feed(
            &sb,
            &["secret", "set", "-p", "prod"],
            &format!("{SECRET}\n"),
        ),
        0,
    );
    bus.lock();
    let start = Instant::now();
    let tok = bus.run(&sb, &["token", "-p", "prod"]);
    assert_keyring_error(&tok, "the Secret Service is locked");
    assert!(stderr(&tok).contains("gnome-keyring-daemon --unlock"));
    // Neither an existing entry nor a new one is written into it, and
    // nothing is removed from it.
    let set = bus.feed(&sb, &["secret", "set", "-p", "prod"], "other\n");
    assert_keyring_error(&set, "is locked");
    let new = bus.feed(&sb, &["secret", "set", "-p", "b"], &format!("{SECRET_B}\n"));
    assert_keyring_error(&new, "is locked");
    let del = bus.run(&sb, &["secret", "delete", "-p", "prod"]);
    assert_keyring_error(&del, "is locked");
    // No unlock prompt was raised and waited for.
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(sb.emu.requests(), 0);
    assert_nowhere(&sb, &[&tok, &set, &new, &del]);
}

#[test]
fn profiles_never_read_each_others_entries() {
    let sb = Sandbox::new();
    let bus = Bus::with_keyring();
    write_profiles(&sb);
    assert_status(
        &bus.feed(
            &sb,
            &["secret", "set", "-p", "prod"],
            &format!("{SECRET}\n"),
        ),
        0,
    );
    let b = bus.run(&sb, &["token", "-p", "b"]);
    assert_keyring_error(&b, "keyring entry 'cylance-b' is not in the Secret Service");
    assert_eq!(sb.emu.requests(), 0, "b never tried prod's secret");

    assert_status(
        &bus.feed(&sb, &["secret", "set", "-p", "b"], &format!("{SECRET_B}\n")),
        0,
    );
    let ta = bus.run(&sb, &["token", "-p", "prod"]);
    let tb = bus.run(&sb, &["token", "-p", "b"]);
    assert_status(&ta, 0);
    assert_status(&tb, 0);
    assert_ne!(stdout(&ta), stdout(&tb));
    assert_eq!(stdout(&bus.lookup("cylance-prod")), SECRET);
    assert_eq!(stdout(&bus.lookup("cylance-b")), SECRET_B);

    // Removing one leaves the other.
    assert_status(&bus.run(&sb, &["secret", "delete", "-p", "prod"]), 0);
    let tb = bus.run(&sb, &["token", "-p", "b", "--no-cache"]);
    assert_status(&tb, 0);
    assert_eq!(stdout(&bus.lookup("cylance-b")), SECRET_B);
    assert_nowhere(&sb, &[&b, &ta, &tb]);
}

#[test]
fn secret_set_says_what_to_add_to_which_profile() {
    let sb = Sandbox::new();
    // No config file at all.
    let mut c = sb.bare();
    c.args(["secret", "set"]);
    let o = feed(c, b"x\n");
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("app_secret_keyring = \"cylance-NAME\""),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains(&sb.config_path().display().to_string()));

    let path = write_profiles(&sb);
    // A profile with another secret source: the exact key, table and file,
    // and the source it replaces. The store is not contacted (no bus here).
    let mut c = sb.bare();
    c.args(["secret", "set", "-p", "cmd"]);
    let o = feed(c, format!("{SECRET}\n").as_bytes());
    assert_status(&o, 2);
    let e = stderr(&o);
    assert!(
        e.contains(&format!(
            "add app_secret_keyring = \"cylance-cmd\" to [profiles.cmd] in {}",
            path.display()
        )),
        "{e}"
    );
    assert!(e.contains("in place of app_secret_command"), "{e}");
    let o = sb
        .bare()
        .args(["secret", "delete", "-p", "cmd"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("[profiles.cmd]"));

    let o = sb
        .bare()
        .args(["secret", "delete", "-p", "nope"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("profile 'nope' is not in"),
        "{}",
        stderr(&o)
    );

    // Nothing on stdin: nothing stored, and how to give it.
    let mut c = sb.bare();
    c.args(["secret", "set", "-p", "prod"]);
    let o = feed(c, b"");
    assert_status(&o, 2);
    assert!(stderr(&o).contains("no secret on stdin"), "{}", stderr(&o));
    assert_nowhere(&sb, &[&o]);
}

#[test]
fn the_secret_is_never_taken_from_argv() {
    let sb = Sandbox::new();
    write_profiles(&sb);
    // Refused, and never echoed (clap's own error would repeat it).
    for args in [
        &["secret", "set", "-p", "prod", "--secret", "Argv-S3cret-1"][..],
        &["secret", "set", "-p", "prod", "Argv-S3cret-1"],
        &["-p", "prod", "secret", "set", "--", "Argv-S3cret-1"],
    ] {
        let o = sb.bare().args(args).output().unwrap();
        assert_status(&o, 2);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(!all.contains("Argv-S3cret-1"), "{args:?}: {all}");
        assert!(all.contains("command line"), "{args:?}: {all}");
    }
}

/// Runs `cytoken ARGS` on a pseudo-terminal (util-linux `script`), typing
/// each of `lines` once the prompt before it shows, and returns the exit
/// status and everything the terminal displayed.
fn on_terminal(bus: &Bus, sb: &Sandbox, args: &[&str], lines: &[(&str, &str)]) -> (i32, String) {
    require("script", "bsdutils");
    let quoted: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_cytoken"))
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect();
    let mut c = sb.bare_as(Path::new("script"));
    bus.on_bus(&mut c)
        .args(["-qefc", &quoted.join(" "), "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let screen = Arc::new(Mutex::new(Vec::new()));
    let mut out = child.stdout.take().unwrap();
    let s = Arc::clone(&screen);
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            s.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let mut stdin = child.stdin.take().unwrap();
    let shown = || String::from_utf8_lossy(&screen.lock().unwrap()).into_owned();
    for (prompt, line) in lines {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !shown().contains(prompt) {
            assert!(
                Instant::now() < deadline,
                "no prompt '{prompt}'; the terminal shows: {}",
                shown()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // The terminal leaves echo on until the prompt has been written and
        // the tty switched; give it a moment, as a person typing would.
        std::thread::sleep(Duration::from_millis(300));
        stdin.write_all(format!("{line}\r").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }
    let status = child.wait().unwrap();
    drop(stdin);
    reader.join().unwrap();
    (status.code().unwrap_or(-1), shown())
}

#[test]
fn secret_set_asks_twice_on_the_terminal_without_echo() {
    let sb = Sandbox::new();
    let bus = Bus::with_keyring();
    write_profiles(&sb);
    let (code, screen) = on_terminal(
        &bus,
        &sb,
        &["secret", "set", "-p", "prod"],
        &[
            ("App secret for profile 'prod'", SECRET),
            ("The same again", SECRET),
        ],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(SECRET), "echoed: {screen}");
    assert!(screen.contains("stored the app secret"), "{screen}");
    assert_eq!(stdout(&bus.lookup("cylance-prod")), SECRET);

    // Two different answers store nothing.
    let (code, screen) = on_terminal(
        &bus,
        &sb,
        &["secret", "set", "-p", "b"],
        &[
            ("App secret for profile 'b'", SECRET_B),
            ("The same again", "something else"),
        ],
    );
    assert_eq!(code, 2, "{screen}");
    assert!(screen.contains("differ"), "{screen}");
    assert!(!screen.contains(SECRET_B), "echoed: {screen}");
    assert_ne!(bus.lookup("cylance-b").status.code(), Some(0));
}
