//! The token exchange against misbehaving endpoints: faults injected at the
//! emulator (retries, Retry-After, bad bodies, a 64 MiB body, a hang, a
//! redirect, clock drift, proxies) and hostile servers (the secret quoted
//! back, a stalled answer, tokens too large to cache). The right exit
//! status, bounded time and memory, nothing cached that should not be, and
//! no secret in any output.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::hostile::*;
use crate::support::*;

/// A config that sets a short exchange budget, so time-outs are quick to test.
fn with_timeout(sb: &Sandbox, secs: u64) {
    sb.write_config(&format!("[profiles.default]\ntimeout = {secs}\n"), 0o644);
}

/// A stand-in proxy that records the first line of each connection.
fn recording_proxy() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::BufRead;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            let _ = std::io::BufReader::new(&stream).read_line(&mut line);
            record.lock().unwrap().push(line.trim_end().to_string());
            // Refuse the tunnel: the exchange fails, which is all this needs.
            let _ = (&stream).write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        }
    });
    (url, seen)
}

// ---- tokens the cache cannot hold ----------------------------------------

fn token_server(len: usize) -> Hostile {
    Hostile::start(move |_, _, s| {
        let body = format!(
            r#"{{"access_token":"{}","expires_in":600}}"#,
            "T".repeat(len)
        );
        respond(s, "200 OK", &[], body.as_bytes());
    })
}

#[test]
fn two_503s_then_success_is_retried() {
    let sb = Sandbox::new();
    sb.emu
        .push_fault(Fault::status(503, "{\"message\":\"busy\"}"));
    sb.emu
        .push_fault(Fault::status(503, "{\"message\":\"busy\"}"));
    let o = sb.test().success();
    assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));
    assert_eq!(sb.emu.requests(), 3);
}

#[test]
fn retry_after_is_honoured() {
    let sb = Sandbox::new();
    sb.emu.push_fault(Fault::Status {
        status: 429,
        body: "{\"message\":\"slow down\"}".into(),
        headers: vec![("Retry-After".into(), "1".into())],
    });
    let t = Instant::now();
    sb.test().success();
    assert!(t.elapsed() >= Duration::from_secs(1), "{:?}", t.elapsed());
    assert_eq!(sb.emu.requests(), 2);
}

#[test]
fn html_or_json_without_token_exit_4_saying_what_came_back() {
    let sb = Sandbox::new();
    sb.emu.push_fault(Fault::Garbage);
    let o = sb.test().status(4);
    assert!(stderr(&o).to_lowercase().contains("html"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    sb.emu.push_fault(Fault::status(
        200,
        "{\"token\":\"eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ\"}",
    ));
    // --force-refresh: the first failure is remembered for a few seconds.
    let o = sb.test().args(["--force-refresh"]).status(4);
    let e = stderr(&o);
    assert!(e.contains("access_token"), "{e}");
    assert!(
        !e.contains("c2lnbmF0dXJlLXNpZ25hdHVyZQ"),
        "no whole token in the message: {e}"
    );
    assert!(sb.entries().is_empty(), "nothing cached");
}

#[test]
fn always_500_exits_4_within_the_budget() {
    let sb = Sandbox::new();
    for _ in 0..5 {
        sb.emu.push_fault(Fault::status(500, "{}"));
    }
    with_timeout(&sb, 5);
    let t = Instant::now();
    let o = sb.test().status(4);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(stderr(&o).contains("500"), "{}", stderr(&o));
    assert_eq!(sb.emu.requests(), 3, "at most 3 attempts");
}

#[test]
fn a_64_mib_body_stops_at_the_cap_with_small_memory() {
    let sb = Sandbox::new();
    sb.emu.push_fault(Fault::Huge(64 << 20));
    #[allow(unused_mut)]
    let mut cmd = sb.cmd();
    // The child may not have more than 48 MiB of data (heap and anonymous
    // maps): buffering the 64 MiB body would fail the allocation and abort.
    // (Peak RSS from wait4 cannot tell: a child spawned with vfork inherits the
    // test process's high-water mark at exec.) Windows has no setrlimit: there
    // the cap and its message are checked without the memory limit.
    // SAFETY: setrlimit is async-signal-safe and touches only the passed struct.
    #[cfg(unix)]
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 48 << 20,
                rlim_max: 48 << 20,
            };
            if libc::setrlimit(libc::RLIMIT_DATA, &raw const limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let o = cmd.output().unwrap();
    assert_status(&o, 4);
    assert!(stderr(&o).contains("1 MiB"), "{}", stderr(&o));
}

#[test]
fn nothing_listening_exits_4_quickly() {
    let sb = Sandbox::new();
    let url = sb.emu.url();
    sb.emu.stop();
    let t = Instant::now();
    let o = sb.cmd().env("CYTOKEN_AUTH_URL", &url).output().unwrap();
    assert_status(&o, 4);
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
}

#[test]
fn a_server_that_never_answers_exits_4_at_the_timeout() {
    let sb = Sandbox::new();
    sb.emu.push_fault(Fault::Hang);
    with_timeout(&sb, 2);
    let t = Instant::now();
    let o = sb.test().status(4);
    let took = t.elapsed();
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(4),
        "{took:?}"
    );
    assert!(stderr(&o).contains("timed out"), "{}", stderr(&o));
}

#[test]
fn a_redirect_is_not_followed() {
    let sb = Sandbox::new();
    // A second endpoint that would happily take the auth token: it must never see it.
    let other = Emulator::start().unwrap();
    other.register_app(TENANT, APP, SECRET);
    sb.emu.push_fault(Fault::Redirect(other.url()));
    sb.test().stderr_has("redirect").status(4);
    assert_eq!(other.requests(), 0, "the auth token must not travel");
}

#[test]
fn a_401_from_a_server_10_minutes_behind_names_the_clock_drift() {
    let sb = Sandbox::new();
    // The server's clock is 10 minutes behind: our iat is "in the future" for it.
    sb.emu.set_clock_skew(-600);
    let o = sb.test().status(3);
    let e = stderr(&o);
    let drift_named = ["599 s", "600 s", "601 s"].iter().any(|d| e.contains(d));
    assert!(e.contains("clock") && drift_named, "{e}");
    assert_no_secret(&o);
}

#[test]
fn proxies_from_the_environment_are_used_and_no_proxy_honoured() {
    let sb = Sandbox::new();
    with_timeout(&sb, 3);
    let (proxy, seen) = recording_proxy();
    let remote = "https://token.example.invalid/auth/v2/token";
    let run = |vars: &[(&str, &str)]| {
        let mut c = sb.cmd();
        c.env("CYTOKEN_AUTH_URL", remote).arg("--no-cache");
        for (k, v) in vars {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let o = run(&[("HTTPS_PROXY", &proxy)]);
    assert_status(&o, 4);
    assert!(stderr(&o).contains("via proxy 127.0.0.1"), "{}", stderr(&o));
    assert_no_secret(&o);
    let first = seen.lock().unwrap().first().cloned().unwrap_or_default();
    assert!(
        first.starts_with("CONNECT token.example.invalid:443"),
        "{first:?}"
    );
    let tunnels = seen.lock().unwrap().len();

    // NO_PROXY names the host: straight there (and here, no DNS for .invalid).
    let o = run(&[("HTTPS_PROXY", &proxy), ("NO_PROXY", ".example.invalid")]);
    assert_status(&o, 4);
    assert!(!stderr(&o).contains("via proxy"), "{}", stderr(&o));
    // HTTP_PROXY is for http:// URLs only, as curl has it.
    let o = run(&[("HTTP_PROXY", &proxy)]);
    assert_status(&o, 4);
    assert_eq!(
        seen.lock().unwrap().len(),
        tunnels,
        "{:?}",
        seen.lock().unwrap()
    );
    // A loopback endpoint never goes through a proxy.
    let o = sb.cmd().env("ALL_PROXY", &proxy).output().unwrap();
    assert_status(&o, 0);
    assert_eq!(seen.lock().unwrap().len(), tunnels);
}

/// A Cylance token endpoint (which knows the secret: it checks the
/// signature with it) quoting the secret and the auth token it was sent.
#[test]
fn a_token_endpoint_quoting_the_secret_and_the_auth_token_gets_both_redacted() {
    let sb = Sandbox::new();
    let server = Hostile::start(|_, req, s| {
        let v: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let jwt = v["auth_token"].as_str().unwrap_or("").to_string();
        let body = serde_json::json!({
            "message": format!("Invalid JWT payload {jwt} signed with {SECRET} ({APP}:{SECRET})"),
        });
        respond(s, "401 Unauthorized", &[], body.to_string().as_bytes());
    });
    let o = sb
        .cmd()
        .env("CYTOKEN_AUTH_URL", server.url("auth/v2/token"))
        .arg("token")
        .output()
        .unwrap();
    assert_status(&o, 3);
    assert!(stderr(&o).contains("Invalid JWT payload"), "{}", stderr(&o));
    assert_no_form("stderr", &stderr(&o), &forms(APP, SECRET));
    assert!(
        !stderr(&o).contains("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."),
        "{}",
        stderr(&o)
    );
    assert_no_form(
        "the cache dir",
        &all_text_under(&sb.cache_dir()),
        &forms(APP, SECRET),
    );
}

// ---- time from the server ------------------------------------------------

/// `Retry-After: 1`, then one too large for any clock: the sum of the waits
/// must saturate, not panic (it was exit 134).
#[test]
fn a_retry_after_beyond_any_clock_is_answered_not_a_panic() {
    let sb = Sandbox::new();
    let server = Hostile::start(|n, _, s| {
        let after = if n == 0 { "1" } else { "18446744073709551615" };
        respond(
            s,
            "429 Too Many Requests",
            &[("Retry-After", after)],
            br#"{"message":"slow down"}"#,
        );
    });
    let o = sb
        .cmd()
        .env("CYTOKEN_API_URL", server.url(""))
        .args(["api", "devices/v2"])
        .output()
        .unwrap();
    assert_status(&o, 5);
    assert!(stderr(&o).contains("rate limited"), "{}", stderr(&o));
    assert_eq!(server.requests(), 2);
}

/// The token exchange's body is bounded by the profile's `timeout` too.
#[test]
fn a_token_answer_that_stalls_mid_body_is_bounded_by_the_timeout() {
    let sb = Sandbox::new();
    let server = Hostile::start(|_, _, s| stall(s));
    sb.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_env = \"THE_SECRET\"\nauth_url = \"{}\"\ntimeout = 2\n",
            server.url("auth/v2/token")
        ),
        0o600,
    );
    let mut cmd = profile_cmd(&sb);
    cmd.arg("token");
    let o = run_within(cmd, Duration::from_secs(30)).expect("the exchange hung on a stalled body");
    assert_status(&o, 4);
    assert!(stderr(&o).contains("timed out"), "{}", stderr(&o));
}

#[test]
fn a_token_too_large_to_cache_is_a_malformed_answer() {
    let sb = Sandbox::new();
    let server = token_server(70_000);
    let run = || {
        sb.cmd()
            .env("CYTOKEN_AUTH_URL", server.url("auth/v2/token"))
            .arg("token")
            .output()
            .unwrap()
    };
    let o = run();
    assert_status(&o, 4);
    assert!(
        stderr(&o).contains("70000 bytes") && stderr(&o).contains("16 KiB"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
    // The console's grant is held to the same bound.
    let console = token_server(70_000);
    sb.write_config(
        &format!(
            "[profiles.mssp]\nflow = \"mtc\"\napp_id = \"{APP}\"\napp_secret_env = \"THE_SECRET\"\n\
             auth_url = \"{}\"\n",
            console.url("public/v2/us/auth")
        ),
        0o600,
    );
    let o = profile_cmd(&sb)
        .args(["-p", "mssp", "token"])
        .output()
        .unwrap();
    assert_status(&o, 4);
    assert!(stderr(&o).contains("70000 bytes"), "{}", stderr(&o));
}

#[test]
fn the_largest_token_accepted_is_cached() {
    let sb = Sandbox::new();
    let server = token_server(16 << 10);
    for _ in 0..3 {
        let o = sb
            .cmd()
            .env("CYTOKEN_AUTH_URL", server.url("auth/v2/token"))
            .arg("token")
            .output()
            .unwrap();
        assert_status(&o, 0);
        assert_eq!(stdout(&o).trim_end().len(), 16 << 10);
    }
    assert_eq!(server.requests(), 1, "every call exchanged");
}

/// A secret JSON must escape: `"` and `\`.
const QUOTED_SECRET: &str = r#"Zq9"vX\2mK7pL4wR8tY1uB6"#;

/// Every form of `secret` and each as a JSON string holds it (`\"`, `\\`).
fn forms_and_escapes(id: &str, secret: &str) -> Vec<String> {
    let mut all = forms(id, secret);
    for f in all.clone() {
        let quoted = serde_json::to_string(&f).unwrap();
        all.push(quoted[1..quoted.len() - 1].to_string());
    }
    all
}

/// Token endpoints (a Cylance one and a console) refusing with the secret
/// in a key that is not a message (`detail`), nested (`error.message`), or
/// in a body that is not JSON but holds it JSON-escaped: the error shows the
/// body, and the secret is cut out of it (it was shown as `Zq9\"vX\\2…`).
#[test]
fn a_secret_json_must_escape_is_redacted_from_any_body() {
    let sb = Sandbox::new();
    let escaped = serde_json::to_string(QUOTED_SECRET).unwrap();
    let bodies = [
        serde_json::json!({"detail": format!("app secret {QUOTED_SECRET} is not valid")}).to_string(),
        serde_json::json!({"error": {"code": 401, "message": format!("secret {QUOTED_SECRET} refused")}})
            .to_string(),
        format!("<html>secret {escaped} refused</html>"),
    ];
    let all = forms_and_escapes(APP, QUOTED_SECRET);
    for body in bodies {
        let answer = body.clone();
        let server = Hostile::start(move |_, _, s| {
            respond(s, "401 Unauthorized", &[], answer.as_bytes());
        });
        for (flow, path) in [("cylance", "auth/v2/token"), ("mtc", "public/v2/us/auth")] {
            let tenant = if flow == "mtc" {
                String::new()
            } else {
                format!("tenant_id = \"{TENANT}\"\n")
            };
            sb.write_config(
                &format!(
                    "[profiles.default]\nflow = \"{flow}\"\n{tenant}app_id = \"{APP}\"\n\
                     app_secret_env = \"THE_SECRET\"\nauth_url = \"{}\"\n",
                    server.url(path)
                ),
                0o600,
            );
            let o = sb
                .bare()
                .env("THE_SECRET", QUOTED_SECRET)
                .args(["token", "--no-cache"])
                .output()
                .unwrap();
            assert_status(&o, 3);
            let err = stderr(&o);
            assert_no_form(&format!("{flow} stderr for {body}"), &err, &all);
            assert!(err.contains("(redacted)"), "{flow} {body}: {err}");
        }
    }
}

/// A token endpoint echoing the secret in capitals, or cut short with an
/// ellipsis: both are redacted (they were shown).
#[test]
fn a_secret_echoed_in_capitals_or_cut_short_is_redacted() {
    let sb = Sandbox::new();
    let upper = SECRET.to_uppercase();
    let start = &SECRET[..SECRET.len() - 4];
    for (message, hidden) in [
        (format!("SECRET {upper} REFUSED"), upper.as_str()),
        (format!("secret {start}... refused"), start),
    ] {
        let body = serde_json::json!({ "message": message }).to_string();
        let server = Hostile::start(move |_, _, s| {
            respond(s, "401 Unauthorized", &[], body.as_bytes());
        });
        let o = sb
            .cmd()
            .env("CYTOKEN_AUTH_URL", server.url("auth/v2/token"))
            .args(["token", "--no-cache"])
            .output()
            .unwrap();
        assert_status(&o, 3);
        let err = stderr(&o);
        assert!(!err.contains(hidden), "{err}");
        assert!(err.contains("(redacted)"), "{err}");
    }
}
