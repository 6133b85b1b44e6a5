//! `demo`, `demo --serve` (the endpoint kept up for trying the wiring by
//! hand), and the cache-use flags: `--no-cache` touches nothing under the
//! cache dir, and `--no-cache` with `--force-refresh` is refused.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{Sandbox, assert_status, stderr, stdout};

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

#[test]
fn demo_runs_offline_and_says_complete() {
    let s = Sandbox::new();
    let o = s.bare().arg("demo").output().unwrap();
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("demo complete: one exchange"), "{out}");
    // The same listing as `cache list`, never a token.
    assert!(out.contains("PROFILE") && out.contains("EXPIRES"), "{out}");
    assert_eq!(
        out.matches("eyJ").count(),
        out.matches("(redacted)").count()
    );
}

/// `demo --serve` prints the lines to paste, and a `cytoken token` run with
/// exactly those lines gets a token from it; killing it ends it.
#[test]
fn demo_serve_prints_working_variables() {
    let s = Sandbox::new();
    let mut child = s
        .bare()
        .args(["demo", "--serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut vars = Vec::new();
    let start = Instant::now();
    while vars.len() < 5 && start.elapsed() < Duration::from_secs(10) {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(kv) = line.strip_prefix("export ") {
            let (k, v) = kv.split_once('=').unwrap();
            vars.push((k.to_string(), v.to_string()));
        }
    }
    let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "CYTOKEN_AUTH_URL",
            "CYTOKEN_TENANT_ID",
            "CYTOKEN_APP_ID",
            "CYTOKEN_APP_SECRET",
            "CYTOKEN_CACHE_DIR"
        ]
    );
    let mut cmd = s.bare();
    for (k, v) in vars.iter().filter(|(k, _)| k != "CYTOKEN_CACHE_DIR") {
        cmd.env(k, v);
    }
    let o = cmd.arg("token").output().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_status(&o, 0);
    assert!(stdout(&o).starts_with("eyJ"), "{}", stdout(&o));
}

#[test]
fn demo_serve_on_a_taken_address_is_a_clear_error() {
    let s = Sandbox::new();
    let taken = s.emu.addr().to_string();
    let o = s
        .bare()
        .args(["demo", "--serve", "--listen", &taken])
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("cannot listen on") && stderr(&o).contains(&taken),
        "{}",
        stderr(&o)
    );
}
