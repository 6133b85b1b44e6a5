//! Trusted paths for what cytoken runs, links to, reads or writes: the
//! binary `install-helpers` links to and the dir it installs into, a CA file
//! and `SSL_CERT_FILE`/`SSL_CERT_DIR`, a secret command named by path, links
//! as directories or in chains, the log file and the `demo --serve` cache
//! dir. Each must be the user's or root's.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Planted, entries_in, files_in, inline_secret, profile, selection};
use crate::support::*;
use crate::users::*;

/// The `check` line about `what` (`ok`, `warn` or `FAIL` first).
fn check_line(o: &Output, what: &str) -> String {
    stdout(o)
        .lines()
        .find(|l| l.contains(what))
        .unwrap_or_else(|| panic!("no `{what}` line in check: {}", stdout(o)))
        .trim_start()
        .to_string()
}

/// A TLS endpoint on loopback with a certificate from `ca`'s issuer: counts
/// the requests that reach it (each would carry a signed auth token) and
/// answers 401.
struct TlsTrap {
    port: u16,
    requests: Arc<AtomicUsize>,
}

impl TlsTrap {
    /// The trap and its CA's PEM (what the attacker puts in the bundle).
    fn start() -> (TlsTrap, String) {
        use rcgen::{
            BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair,
            KeyUsagePurpose,
        };
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        ca.distinguished_name
            .push(DnType::CommonName, "attacker CA");
        let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, &ca).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(
                    vec![cert.der().clone(), CertificateDer::from(ca.der().to_vec())],
                    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
                )
                .unwrap(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let (config, seen) = (Arc::clone(&config), Arc::clone(&seen));
                std::thread::spawn(move || {
                    let _ = tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                    let Ok(conn) = rustls::ServerConnection::new(config) else {
                        return;
                    };
                    let mut tls = rustls::StreamOwned::new(conn, tcp);
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match tls.read(&mut byte) {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    seen.fetch_add(1, Ordering::SeqCst);
                    let _ = tls.write_all(
                        b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                    let _ = tls.flush();
                });
            }
        });
        (TlsTrap { port, requests }, ca.pem())
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}/auth/v2/token", self.port)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// The `export CYTOKEN_CACHE_DIR=` value `demo --serve` prints, run as the
/// victim with `runtime` as `XDG_RUNTIME_DIR`.
fn demo_cache_dir(scene: &Scene, runtime: Option<&Path>) -> String {
    let mut serve = scene.victim();
    serve
        .args(["demo", "--serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped());
    if let Some(r) = runtime {
        serve.env("XDG_RUNTIME_DIR", r);
    }
    let mut held = Held::spawn(serve);
    let lines = BufReader::new(held.0.stdout.take().unwrap()).lines();
    let dir = lines
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("export CYTOKEN_CACHE_DIR=")
                .map(String::from)
        })
        .expect("demo --serve printed CYTOKEN_CACHE_DIR");
    drop(held);
    dir
}

#[test]
fn a_ca_file_others_can_write_is_refused() {
    let scene = Scene::new("f3-ca");
    let (v, a, devs) = (&scene.users.victim, &scene.users.attacker, scene.users.devs);
    let pem = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
        .unwrap()
        .cert
        .pem();
    let config = scene.victim_home.join(".config");
    scene.victim_mkdir(&config, 0o700);
    let dir = config.join("cytoken");
    scene.victim_mkdir(&dir, 0o700);
    let cfg = dir.join("config.toml");
    let with_ca = |ca: &Path| {
        write_owned(
            &cfg,
            &profile(
                "https://127.0.0.1:9/auth/v2/token",
                &format!("{}ca_file = \"{}\"\n", inline_secret(), ca.display()),
            ),
            v.uid,
            v.gid,
            0o600,
        );
    };
    let ca_lines = |o: &Output| -> Vec<String> {
        stdout(o)
            .lines()
            .filter(|l| l.contains("ca_file"))
            .map(String::from)
            .collect()
    };
    for (what, uid, gid, m) in [
        ("attacker-owned", a.uid, a.gid, 0o644),
        ("group-writable", v.uid, devs, 0o664),
    ] {
        let ca = dir.join(format!("{what}.pem"));
        write_owned(&ca, &pem, uid, gid, m);
        with_ca(&ca);
        let mut c = scene.victim();
        c.arg("token");
        let o = run(c);
        assert_status(&o, 2);
        assert!(stderr(&o).contains("ca_file"), "{what}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
        let mut c = scene.victim();
        c.args(["check", "--offline"]);
        let o = run(c);
        assert_ne!(o.status.code(), Some(0), "{what}: {}", stdout(&o));
        assert!(
            ca_lines(&o).iter().any(|l| l.contains("FAIL")),
            "{what}: no FAIL line for ca_file: {}",
            stdout(&o)
        );
    }
    // The victim's own, not writable by others: fine.
    let ca = dir.join("mine.pem");
    scene.victim_writes(&ca, &pem, 0o644);
    with_ca(&ca);
    let mut c = scene.victim();
    c.args(["check", "--offline"]);
    let o = run(c);
    let lines = ca_lines(&o);
    assert!(
        lines.iter().any(|l| l.trim_start().starts_with("ok"))
            && !lines.iter().any(|l| l.contains("FAIL")),
        "{}",
        stdout(&o)
    );
}

/// `install-helpers DIR` into a team dir the attacker's group can write: git
/// and docker would run whatever the attacker later points those names at,
/// so it is refused, and the attacker's link (already pointing at cytoken) is
/// not taken as ours.
#[test]
fn install_helpers_refuses_a_dir_others_can_write() {
    let scene = Scene::new("helpers");
    let team = scene.top_dir("team-bin", 0, scene.users.devs, 0o2775);
    let link = team.join("git-credential-cytoken");
    scene.attacker_symlinks(&scene.bin, &link);
    let mut c = scene.victim();
    c.arg("install-helpers").arg(&team);
    let o = run(c);
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("cannot install the helpers") && stderr(&o).contains("writable"),
        "{}",
        stderr(&o)
    );
    assert_eq!(owner(&link), scene.users.attacker.uid);
    assert!(!team.join("docker-credential-cytoken").exists());
}

/// Links are components like any other, wherever they sit: another user's
/// link as a directory of the path, or in the middle of a chain of links
/// whose ends are the victim's, decides which of the victim's files is read
/// as the config.
#[test]
fn another_users_link_as_a_directory_or_in_a_chain_is_refused() {
    let sb = Sandbox::new();
    let scene = Scene::new("chain");
    let proj = scene.victim_home.join("proj");
    scene.victim_mkdir(&proj, 0o755);
    let cfg = proj.join("cytoken.toml");
    scene.victim_writes(&cfg, &profile(&sb.emu.url(), &inline_secret()), 0o600);
    let name = scene.victim_home.file_name().unwrap().to_string_lossy();
    // The attacker's links, directly in /tmp (sticky: only their owner can
    // remove them, so each stays the attacker's).
    let dir_link = Planted(Path::new("/tmp").join(format!("{name}-work")));
    scene.attacker_symlinks(&proj, &dir_link.0);
    let mid_link = Planted(Path::new("/tmp").join(format!("{name}-mid")));
    scene.attacker_symlinks(&cfg, &mid_link.0);
    // The victim's own link to the attacker's.
    let own = scene.victim_home.join("chain.toml");
    scene.victim_symlinks(&mid_link.0, &own);

    for path in [dir_link.0.join("cytoken.toml"), own.clone()] {
        let mut c = scene.victim();
        c.arg("--config").arg(&path).arg("token");
        let o = run(c);
        assert_status(&o, 2);
        assert!(
            stderr(&o).contains("cannot be trusted") && stderr(&o).contains("owned by uid"),
            "{}: {}",
            path.display(),
            stderr(&o)
        );
    }
    // The same file through the victim's own links is read.
    let direct = scene.victim_home.join("direct.toml");
    scene.victim_symlinks(&cfg, &direct);
    let mut c = scene.victim();
    c.arg("--config").arg(&direct).arg("token");
    assert_status(&run(c), 0);
    assert_eq!(sb.emu.requests(), 1);
}

/// Cytoken copied into a team directory the attacker's group can
/// write. The helpers installed from it would lead git and docker to
/// whatever the attacker puts there, so `install-helpers` refuses, and
/// `check` says so; the same binary in a directory only root can write is
/// fine.
#[test]
fn install_helpers_refuses_a_binary_others_can_replace() {
    let scene = Scene::new("f3p-bin");
    let (v, devs) = (&scene.users.victim, scene.users.devs);
    let team = scene.top_dir("team", v.uid, devs, 0o2775);
    let team_bin = team.join("cytoken");
    std::fs::copy(&scene.bin, &team_bin).unwrap();
    set_owner(&team_bin, v.uid, v.gid, 0o755);
    let bin = scene.victim_home.join("bin");
    scene.victim_mkdir(&bin, 0o700);

    let mut c = scene.victim_runs(&team_bin);
    c.arg("install-helpers").arg(&bin);
    let o = run(c);
    assert_status(&o, 2);
    let e = stderr(&o);
    assert!(
        e.contains(&team_bin.display().to_string()) && e.contains("writable"),
        "{e}"
    );
    assert!(files_in(&bin).is_empty(), "{:?}", files_in(&bin));

    // `check` reports the running binary.
    let mut c = scene.victim_runs(&team_bin);
    selection(&mut c, "http://127.0.0.1:9/auth/v2/token").args(["check", "--offline"]);
    let o = run(c);
    assert_status(&o, 2);
    let line = check_line(&o, "cytoken binary");
    assert!(
        line.starts_with("FAIL") && line.contains("writable"),
        "{line}"
    );

    // The attack is real: the attacker can put another program in its place.
    let mut mv = scene.attacker_runs(Path::new("cp"));
    mv.arg("/bin/true").arg(team.join("evil"));
    let o = run(mv);
    assert!(o.status.success(), "{}", stderr(&o));

    // The scene's root-owned copy, under root's directories: fine.
    let mut c = scene.victim();
    c.arg("install-helpers").arg(&bin);
    let o = run(c);
    assert_status(&o, 0);
    let link = bin.join("git-credential-cytoken");
    assert_eq!(std::fs::read_link(&link).unwrap(), scene.bin);
    let mut c = scene.victim();
    selection(&mut c, "http://127.0.0.1:9/auth/v2/token").args(["check", "--offline"]);
    let line = check_line(&run(c), "cytoken binary");
    assert!(line.starts_with("ok"), "{line}");
}

/// `SSL_CERT_FILE` or `SSL_CERT_DIR` naming roots the attacker
/// can change: the attacker puts their CA there and runs a TLS endpoint, and
/// the victim's signed auth token must never reach it. The same rule as
/// `ca_file`; `check` says which roots are in use.
/// `check --offline` as the victim with `var` set to `value` fails its
/// trust-roots line, naming the variable.
fn assert_check_fails_the_roots(scene: &Scene, url: &str, var: &str, value: &Path) {
    let mut c = scene.victim();
    selection(&mut c, url)
        .env(var, value)
        .args(["check", "--offline"]);
    let o = run(c);
    assert_status(&o, 2);
    let line = check_line(&o, "trust roots");
    assert!(line.starts_with("FAIL") && line.contains(var), "{line}");
}

#[test]
fn ssl_cert_file_and_dir_others_can_change_are_refused() {
    let scene = Scene::new("f4p-roots");
    let (v, a, devs) = (&scene.users.victim, &scene.users.attacker, scene.users.devs);
    let (trap, evil_pem) = TlsTrap::start();
    let team = scene.top_dir("team", v.uid, devs, 0o2775);
    let bundle = team.join("ca.pem");
    scene.victim_writes(&bundle, "", 0o664);
    set_owner(&bundle, v.uid, devs, 0o664);
    // The attacker writes their CA into the group-writable bundle.
    let theirs = scene.attacker_home.join("evil.pem");
    write_owned(&theirs, &evil_pem, a.uid, a.gid, 0o644);
    let mut cp = scene.attacker_runs(Path::new("cp"));
    cp.arg(&theirs).arg(&bundle);
    let o = run(cp);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&bundle).unwrap(), evil_pem);

    // A hashed dir: group-writable itself, or private with a file in it the
    // group can write.
    let open_dir = team.join("certs");
    mkdir(&open_dir, v.uid, devs, 0o2775);
    write_owned(&open_dir.join("evil.pem"), &evil_pem, v.uid, v.gid, 0o644);
    let private = scene.victim_home.join("certs");
    scene.victim_mkdir(&private, 0o700);
    write_owned(&private.join("evil.pem"), &evil_pem, v.uid, devs, 0o664);

    let cases = [
        ("SSL_CERT_FILE", bundle.clone(), bundle.clone()),
        ("SSL_CERT_DIR", open_dir.clone(), open_dir.clone()),
        ("SSL_CERT_DIR", private.clone(), private.join("evil.pem")),
    ];
    for (var, value, named) in &cases {
        let mut c = scene.victim();
        selection(&mut c, &trap.url()).env(var, value).arg("token");
        let o = run(c);
        assert_status(&o, 2);
        let e = stderr(&o);
        assert!(
            e.contains(var) && e.contains(&named.display().to_string()) && e.contains("writable"),
            "{var}={}: {e}",
            value.display()
        );
        assert!(stdout(&o).is_empty());
        assert_eq!(trap.requests(), 0, "{var}: the auth token reached the trap");

        assert_check_fails_the_roots(&scene, &trap.url(), var, value);
    }

    // The victim's own private bundle is used, and `check` names it.
    let mine = scene.victim_home.join("ca.pem");
    scene.victim_writes(&mine, &evil_pem, 0o600);
    let mut c = scene.victim();
    selection(&mut c, &trap.url())
        .env("SSL_CERT_FILE", &mine)
        .args(["check", "--offline"]);
    let o = run(c);
    let line = check_line(&o, "trust roots");
    assert!(
        line.starts_with("ok") && line.contains(&format!("SSL_CERT_FILE {}", mine.display())),
        "{line}"
    );
    let mut c = scene.victim();
    selection(&mut c, &trap.url())
        .env("SSL_CERT_FILE", &mine)
        .arg("token");
    let o = run(c);
    assert_status(&o, 3);
    assert_eq!(trap.requests(), 1, "{}", stderr(&o));
    // Without either variable: the system store.
    let mut c = scene.victim();
    selection(&mut c, &trap.url()).args(["check", "--offline"]);
    let line = check_line(&run(c), "trust roots");
    assert!(
        line.starts_with("ok") && line.contains("system store"),
        "{line}"
    );
}

/// `demo --serve` prints a fresh private dir of the victim's, as an absolute
/// path: never a predictable name like `${TMPDIR:-/tmp}/cytoken-demo-cache-$(id -u)`,
/// which the attacker can make first and env files take literally.
#[test]
fn demo_serve_prints_a_fresh_private_cache_dir() {
    let sb = Sandbox::new();
    let scene = Scene::new("f10-demo");
    let (v, a, devs) = (&scene.users.victim, &scene.users.attacker, scene.users.devs);
    // The attacker's dir at the old predictable name.
    let predictable = Planted(PathBuf::from(format!("/tmp/cytoken-demo-cache-{}", v.uid)));
    let _ = std::fs::remove_dir_all(&predictable.0);
    mkdir(&predictable.0, a.uid, a.gid, 0o777);

    let runtime = scene.top_dir("run", v.uid, v.gid, 0o700);
    let open_runtime = scene.top_dir("run-open", v.uid, devs, 0o770);
    for (xdg, under) in [
        (None, Path::new("/tmp")),
        (Some(runtime.as_path()), runtime.as_path()),
        (Some(open_runtime.as_path()), Path::new("/tmp")),
    ] {
        let printed = demo_cache_dir(&scene, xdg);
        assert!(
            !printed.contains('$') && !printed.contains('\'') && printed.starts_with('/'),
            "{xdg:?}: not an expanded absolute path: {printed}"
        );
        let dir = PathBuf::from(&printed);
        let _cleanup = Planted(dir.clone());
        assert_eq!(dir.parent(), Some(under), "{xdg:?}: {printed}");
        assert_ne!(dir, predictable.0);
        let m = std::fs::symlink_metadata(&dir).unwrap();
        assert!(m.is_dir(), "{printed}");
        assert_eq!((owner(&dir), mode(&dir)), (v.uid, 0o700), "{printed}");

        // Taken literally, as an env file would.
        let mut c = scene.victim();
        selection(&mut c, &sb.emu.url())
            .env("CYTOKEN_CACHE_DIR", &printed)
            .arg("token");
        let o = run(c);
        assert_status(&o, 0);
        assert!(stderr(&o).is_empty(), "{}", stderr(&o));
        assert_eq!(entries_in(&dir).len(), 1, "{:?}", files_in(&dir));
    }
    assert!(files_in(&predictable.0).is_empty());
}

/// A secret command named by path, in a directory the
/// attacker's group can write: the attacker swaps the program, and the
/// victim's next refresh must not run it. A bare name on PATH is the
/// victim's own choice; `check` says which file it is.
#[test]
fn a_secret_command_by_path_others_can_replace_is_refused() {
    let sb = Sandbox::new();
    let scene = Scene::new("f11-cmd");
    let (v, a, devs) = (&scene.users.victim, &scene.users.attacker, scene.users.devs);
    let ran = scene.attacker_home.join("ran-as-victim");
    let drop = scene.attacker_home.join("drop");
    mkdir(&drop, a.uid, a.gid, 0o777);
    // Searchable by others (as ~/.config usually is), so the attacker can
    // reach the group's script dir beside the config.
    let config = scene.victim_home.join(".config");
    scene.victim_mkdir(&config, 0o755);
    let cfg_dir = config.join("cytoken");
    scene.victim_mkdir(&cfg_dir, 0o755);
    let cfg = cfg_dir.join("config.toml");
    let with_command = |argv: &str| {
        scene.victim_writes(
            &cfg,
            &format!(
                "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
                 auth_url = \"{}\"\napp_secret_command = {argv}\n",
                sb.emu.url()
            ),
            0o600,
        );
    };
    let good = format!("#!/bin/sh\necho {SECRET}\n");
    let evil = format!(
        "#!/bin/sh\ntouch {} 2>/dev/null; id -u > {}/uid; echo {SECRET}\n",
        ran.display(),
        drop.display()
    );

    // The team's script dir, and the same relative to the config file.
    let team = scene.top_dir("team", v.uid, devs, 0o2775);
    let rel = cfg_dir.join("bin");
    mkdir(&rel, v.uid, devs, 0o2775);
    for (dir, argv) in [
        (
            &team,
            format!("[\"{}\"]", team.join("get-secret").display()),
        ),
        (&rel, "[\"bin/get-secret\"]".to_string()),
    ] {
        let script = dir.join("get-secret");
        scene.victim_writes(&script, &good, 0o755);
        with_command(&argv);
        // The attacker replaces it (the dir is theirs to write).
        let theirs = scene.attacker_home.join("evil.sh");
        write_owned(&theirs, &evil, a.uid, a.gid, 0o755);
        let mut mv = scene.attacker_runs(Path::new("mv"));
        mv.arg("-f").arg(&theirs).arg(&script);
        let o = run(mv);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(owner(&script), a.uid);

        let o = run(scene.victim());
        assert_status(&o, 2);
        let e = stderr(&o);
        assert!(
            e.contains("app_secret_command") && e.contains(&script.display().to_string()),
            "{argv}: {e}"
        );
        assert!(
            !ran.exists(),
            "{argv}: the attacker's program ran as the victim"
        );
        let mut c = scene.victim();
        c.args(["check", "--offline"]);
        let o = run(c);
        assert_status(&o, 2);
        let line = check_line(&o, "secret");
        assert!(line.starts_with("FAIL"), "{argv}: {line}");
        assert!(!ran.exists(), "{argv}: check ran the attacker's program");
    }
    assert_eq!(sb.emu.requests(), 0);

    // The victim's own script in a private dir runs; a bare name is looked up
    // in PATH and `check` names the file.
    let own = cfg_dir.join("get-secret");
    scene.victim_writes(&own, &good, 0o700);
    with_command(&format!("[\"{}\"]", own.display()));
    let o = run(scene.victim());
    assert_status(&o, 0);
    with_command(&format!("[\"sh\", \"{}\"]", own.display()));
    let mut c = scene.victim();
    c.args(["check", "--offline"]);
    let o = run(c);
    let line = check_line(&o, "secret");
    assert!(
        line.starts_with("ok")
            && (line.contains("sh is /usr/bin/sh") || line.contains("sh is /bin/sh")),
        "{line}"
    );
}

/// The log file, checked as it is written: a log in root's directory or right in /tmp is written; one another user
/// planted there (a link to the victim's file, or their own file) is never
/// written through, and no message contradicts itself.
#[test]
fn the_log_file_is_written_only_where_it_was_checked() {
    let sb = Sandbox::new();
    let scene = Scene::new("cls-log");
    let (v, a, devs) = (&scene.users.victim, &scene.users.attacker, scene.users.devs);
    let log_run = |log: &Path| {
        let mut c = scene.victim();
        selection(&mut c, &sb.emu.url())
            .env("CYTOKEN_LOG_FILE", log)
            .args(["-v", "token"]);
        let o = run(c);
        assert_status(&o, 0);
        assert!(
            !stderr(&o).contains("uid 0, not by you or root"),
            "{}",
            stderr(&o)
        );
        o
    };
    let written = |o: &Output, log: &Path| {
        assert!(
            !stderr(o).contains("not writing the log file"),
            "{}: {}",
            log.display(),
            stderr(o)
        );
        let text = std::fs::read_to_string(log).unwrap();
        assert!(text.contains("token via cytoken"), "{text}");
        assert_eq!((owner(log), mode(log)), (v.uid, 0o600));
    };
    let refused = |o: &Output, why: &str| {
        let e = stderr(o);
        assert!(
            e.contains("not writing the log file") && e.contains(why),
            "{e}"
        );
    };

    // Root's log dir, with the victim's log in it (made by an admin).
    let logs = scene.top_dir("logs", 0, 0, 0o755);
    let log = logs.join("victim.log");
    scene.victim_writes(&log, "", 0o600);
    written(&log_run(&log), &log);
    // Root's, but the group may write it.
    let open_logs = scene.top_dir("logs-open", 0, devs, 0o775);
    let log = open_logs.join("victim.log");
    scene.victim_writes(&log, "", 0o600);
    refused(&log_run(&log), "writable by others");
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "");

    // Right in /tmp: made, the victim's, private.
    let tmp_log = Planted(PathBuf::from(format!(
        "{}.log",
        scene.victim_home.display()
    )));
    written(&log_run(&tmp_log.0), &tmp_log.0);

    // The attacker's planted link to the victim's private file, and their
    // own file, at the log's name in /tmp: neither is written.
    let private = scene.victim_home.join(".private");
    scene.victim_writes(&private, "keep", 0o600);
    let planted = Planted(PathBuf::from(format!(
        "{}-planted.log",
        scene.attacker_home.display()
    )));
    scene.attacker_symlinks(&private, &planted.0);
    let o = log_run(&planted.0);
    assert!(
        stderr(&o).contains("not writing the log file"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&private).unwrap(), "keep");
    std::fs::remove_file(&planted.0).unwrap();
    write_owned(&planted.0, "theirs", a.uid, a.gid, 0o666);
    let o = log_run(&planted.0);
    assert!(
        stderr(&o).contains("not writing the log file"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&planted.0).unwrap(), "theirs");

    // A root-owned cache dir: refused (the cache must be the user's), and
    // the message says so without contradicting itself.
    let root_cache = scene.top_dir("root-cache", 0, 0, 0o755);
    let mut c = scene.victim();
    selection(&mut c, &sb.emu.url())
        .env("CYTOKEN_CACHE_DIR", &root_cache)
        .arg("token");
    let o = run(c);
    assert_status(&o, 0);
    let e = stderr(&o);
    assert!(e.contains("owned by root, not by you"), "{e}");
    assert!(!e.contains("not by you or root"), "{e}");
}

/// A secret command named by a path that does not exist: nothing above a
/// missing file is checked, so whatever the attacker renames into place by
/// the spawn would run as the victim. Refused before any spawn (exit 2,
/// naming the program); once the attacker has put their program there, it
/// is refused as untrusted and never runs.
#[test]
fn a_secret_command_whose_program_is_missing_is_refused_before_any_spawn() {
    let sb = Sandbox::new();
    let scene = Scene::new("fp-missing");
    let a = &scene.users.attacker;
    let ran = scene.attacker_home.join("ran-as-victim");
    // Absent: the attacker may create it in sticky /tmp at any time.
    let team = Planted(PathBuf::from(format!(
        "{}-team",
        scene.attacker_home.display()
    )));
    let program = team.0.join("get-secret");
    let config = scene.victim_home.join(".config");
    scene.victim_mkdir(&config, 0o755);
    scene.victim_mkdir(&config.join("cytoken"), 0o700);
    scene.victim_writes(
        &config.join("cytoken").join("config.toml"),
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             auth_url = \"{}\"\napp_secret_command = [\"{}\"]\n",
            sb.emu.url(),
            program.display()
        ),
        0o600,
    );
    let mut c = scene.victim();
    c.arg("token");
    let o = run(c);
    assert_status(&o, 2);
    let e = stderr(&o);
    assert!(
        e.contains("app_secret_command's program")
            && e.contains(&program.display().to_string())
            && e.contains("does not exist"),
        "{e}"
    );
    assert!(stdout(&o).is_empty());
    assert_eq!(sb.emu.requests(), 0);

    // The attacker's program appears there: untrusted, never run.
    mkdir(&team.0, a.uid, a.gid, 0o755);
    write_owned(
        &program,
        &format!("#!/bin/sh\ntouch {}\necho {SECRET}\n", ran.display()),
        a.uid,
        a.gid,
        0o755,
    );
    let mut c = scene.victim();
    c.arg("token");
    let o = run(c);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("cannot be trusted"), "{}", stderr(&o));
    assert!(!ran.exists(), "the attacker's program ran as the victim");
}

/// `SSL_CERT_FILE` or `SSL_CERT_DIR` naming a path that does not exist (the
/// attacker may put their CA there by the time the roots are read) is
/// refused, naming the variable and the fix, before any request; `check`
/// says so too. The victim's own cert dir is read through the handles
/// checked, and its roots are trusted; a dangling link in it is skipped.
#[test]
fn missing_ssl_cert_file_or_dir_is_refused_and_a_cert_dir_is_read_through_its_checks() {
    let scene = Scene::new("fp-roots");
    let (trap, trap_pem) = TlsTrap::start();
    let missing_file = Planted(PathBuf::from(format!(
        "{}-ca.pem",
        scene.attacker_home.display()
    )));
    let missing_dir = Planted(PathBuf::from(format!(
        "{}-certs",
        scene.attacker_home.display()
    )));
    for (var, value) in [
        ("SSL_CERT_FILE", &missing_file.0),
        ("SSL_CERT_DIR", &missing_dir.0),
    ] {
        let mut c = scene.victim();
        selection(&mut c, &trap.url()).env(var, value).arg("token");
        let o = run(c);
        assert_status(&o, 2);
        let e = stderr(&o);
        assert!(
            e.contains(var) && e.contains(&value.display().to_string()) && e.contains("unset"),
            "{var}: {e}"
        );
        assert_eq!(trap.requests(), 0, "{var}: the auth token reached the trap");
        assert_check_fails_the_roots(&scene, &trap.url(), var, value);
    }

    // The victim's private cert dir: the trap's CA in it is trusted (the
    // request reaches the trap, which answers 401); a dangling link beside
    // it is not a root and no error.
    let certs = scene.victim_home.join("certs");
    scene.victim_mkdir(&certs, 0o700);
    scene.victim_writes(&certs.join("trap.pem"), &trap_pem, 0o644);
    scene.victim_symlinks(&missing_file.0, &certs.join("dangling.pem"));
    let mut c = scene.victim();
    selection(&mut c, &trap.url())
        .env("SSL_CERT_DIR", &certs)
        .arg("token");
    let o = run(c);
    assert_status(&o, 3);
    assert_eq!(trap.requests(), 1, "{}", stderr(&o));
}

/// The log cannot be kept from rotating: with `<log>.1` the attacker's file
/// in sticky /tmp (which the victim cannot replace), the log is started
/// anew in place instead of growing forever, and the attacker's file is
/// left alone.
#[test]
fn a_log_whose_rotation_is_blocked_still_stays_bounded() {
    let sb = Sandbox::new();
    let scene = Scene::new("fp-rotate");
    let (v, a) = (&scene.users.victim, &scene.users.attacker);
    let log = Planted(PathBuf::from(format!(
        "{}.log",
        scene.victim_home.display()
    )));
    let aside = Planted(PathBuf::from(format!("{}.1", log.0.display())));
    write_owned(&aside.0, "theirs", a.uid, a.gid, 0o644);
    std::fs::write(&log.0, vec![b'x'; (1 << 20) + 10]).unwrap();
    set_owner(&log.0, v.uid, v.gid, 0o600);
    let mut c = scene.victim();
    selection(&mut c, &sb.emu.url())
        .env("CYTOKEN_LOG_FILE", &log.0)
        .args(["-v", "token"]);
    let o = run(c);
    assert_status(&o, 0);
    let len = std::fs::metadata(&log.0).unwrap().len();
    assert!(len < 64 * 1024, "the log grew to {len} bytes");
    let text = std::fs::read_to_string(&log.0).unwrap();
    assert!(text.contains("token via cytoken"), "{text}");
    assert_eq!(std::fs::read_to_string(&aside.0).unwrap(), "theirs");
    assert_eq!((owner(&log.0), mode(&log.0)), (v.uid, 0o600));
}

/// The reviewer's rename flip, run as the attacker: `a` and `b` swap names
/// every `usec` microseconds until it is killed (built once per scene).
fn flipper(scene: &Scene, a: &Path, b: &Path, usec: u32) -> Held {
    let src = scene.shared.join("flip.c");
    let bin = scene.shared.join("flip");
    if !bin.exists() {
        std::fs::write(
            &src,
            "#include <stdio.h>\n#include <stdlib.h>\n#include <unistd.h>\n\
             int main(int c, char **v) { unsigned n = (unsigned)atoi(v[3]);\n\
             for (;;) { rename(v[1], v[2]); usleep(n); rename(v[2], v[1]); usleep(n); } }\n",
        )
        .unwrap();
        let o = Command::new("gcc")
            .arg("-O2")
            .arg("-o")
            .arg(&bin)
            .arg(&src)
            .output();
        let o = o.expect("gcc is needed for the rename-race tests");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        set_owner(&bin, 0, 0, 0o755);
    }
    let mut c = scene.attacker_runs(&bin);
    c.arg(a).arg(b).arg(usec.to_string());
    Held::spawn(c)
}

/// The race behind `cache clear --all` by path: the cache dir absent when
/// checked, the attacker's link to the victim's real cache in its place a
/// moment later. The listing and the removals go through the handle
/// checked (or find nothing), never the path again, so the victim's real
/// cache survives every attempt. (Before: emptied within a few attempts.)
#[test]
fn cache_clear_never_follows_a_link_flipped_in_after_its_check() {
    let sb = Sandbox::new();
    let scene = Scene::new("fp-clear");
    let mut c = scene.victim();
    selection(&mut c, &sb.emu.url()).arg("token");
    assert_status(&run(c), 0);
    let real = scene.victim_home.join(".cache").join("cytoken");
    assert_eq!(entries_in(&real).len(), 1, "{:?}", files_in(&real));
    let cache = Planted(PathBuf::from(format!(
        "{}-cache",
        scene.attacker_home.display()
    )));
    let stage = Planted(PathBuf::from(format!(
        "{}-stage",
        scene.attacker_home.display()
    )));
    scene.attacker_symlinks(&real, &stage.0);
    let flip = flipper(&scene, &stage.0, &cache.0, 50);
    for attempt in 0..80 {
        let mut c = scene.victim();
        c.env("CYTOKEN_CACHE_DIR", &cache.0)
            .args(["cache", "clear", "--all"]);
        let o = run(c);
        assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
        assert_eq!(
            entries_in(&real).len(),
            1,
            "attempt {attempt}: `cache clear --all` emptied the victim's real cache through the link"
        );
    }
    drop(flip);
}

/// The race behind the kubectl hand-out log: the cache dir absent when the
/// key is computed, the attacker's link to the victim's `~/.ssh` in its
/// place by the time the dir is made and the hand-out recorded. Nothing is
/// ever created through the link: the dir is made and held, or the cache
/// is not used for that call, hand-out log included.
#[test]
fn the_hand_out_log_is_never_created_through_a_link_flipped_in_after_the_check() {
    let sb = Sandbox::new();
    let scene = Scene::new("fp-kube");
    let ssh = scene.victim_home.join(".ssh");
    scene.victim_mkdir(&ssh, 0o700);
    // A secret command, so the key needs no fingerprint key (which would
    // make the dir while the key is computed).
    let bin = scene.victim_home.join("bin");
    scene.victim_mkdir(&bin, 0o755);
    let script = bin.join("get-secret");
    scene.victim_writes(&script, &format!("#!/bin/sh\necho {SECRET}\n"), 0o755);
    let config = scene.victim_home.join(".config");
    scene.victim_mkdir(&config, 0o755);
    scene.victim_mkdir(&config.join("cytoken"), 0o700);
    scene.victim_writes(
        &config.join("cytoken").join("config.toml"),
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             auth_url = \"{}\"\napp_secret_command = [\"{}\"]\n",
            sb.emu.url(),
            script.display()
        ),
        0o600,
    );
    let cache = Planted(PathBuf::from(format!(
        "{}-cache",
        scene.attacker_home.display()
    )));
    let stage = Planted(PathBuf::from(format!(
        "{}-stage",
        scene.attacker_home.display()
    )));
    scene.attacker_symlinks(&ssh, &stage.0);
    let flip = flipper(&scene, &stage.0, &cache.0, 100);
    for attempt in 0..60 {
        let mut c = scene.victim();
        c.env("CYTOKEN_CACHE_DIR", &cache.0)
            .arg("exec-credential")
            .env(
                "KUBERNETES_EXEC_INFO",
                r#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}"#,
            );
        let o = run(c);
        assert_status(&o, 0);
        assert!(
            files_in(&ssh).is_empty(),
            "attempt {attempt}: cytoken created {:?} in the victim's ~/.ssh",
            files_in(&ssh)
        );
        // The victim's own dir, made by this run, ends the race: removed so
        // the next attempt starts absent again.
        if std::fs::symlink_metadata(&cache.0).is_ok_and(|m| m.is_dir()) {
            let _ = std::fs::remove_dir_all(&cache.0);
        }
    }
    drop(flip);
}
