//! `cytoken demo` offline and `demo --serve` (the endpoint kept up for
//! trying the wiring by hand).

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::*;

#[test]
fn demo_exits_0() {
    let sb = Sandbox::new();
    sb.test_bare()
        .arg("demo")
        .stdout_has("demo complete")
        .success();
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
    let mut commented = Vec::new();
    let start = Instant::now();
    while vars.len() < 2 && start.elapsed() < Duration::from_secs(10) {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(kv) = line.strip_prefix("# export ") {
            let (k, v) = kv.split_once('=').unwrap();
            commented.push((k.to_string(), shell_word(v)));
        }
        if let Some(kv) = line.strip_prefix("export ") {
            let (k, v) = kv.split_once('=').unwrap();
            vars.push((k.to_string(), shell_word(v)));
        }
    }
    let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["CYTOKEN_CONFIG", "CYTOKEN_CACHE_DIR"]);
    let mut cmd = s.bare();
    for (k, v) in &vars {
        cmd.env(k, v);
    }
    let o = cmd.arg("token").output().unwrap();
    assert_status(&o, 0);
    assert!(stdout(&o).starts_with("eyJ"), "{}", stdout(&o));
    // The variables it prints as comments select the demo app without the
    // config file (another OS's binary under wine, say).
    let names: Vec<&str> = commented.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "CYTOKEN_AUTH_URL",
            "CYTOKEN_TENANT_ID",
            "CYTOKEN_APP_ID",
            "CYTOKEN_APP_SECRET"
        ]
    );
    let mut cmd = s.bare();
    for (k, v) in &commented {
        cmd.env(k, v);
    }
    let o = cmd.args(["--no-cache", "token"]).output().unwrap();
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
