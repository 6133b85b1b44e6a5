//! The core flow through the binary: minting, caching, formats, errors, the
//! stampede and the 401 storm.

use std::io::Write;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

#[test]
fn token_is_minted_accepted_and_then_served_from_cache() {
    let sb = Sandbox::new();
    let o = sb.run(&["token"]);
    assert_status(&o, 0);
    let tok = stdout(&o).trim_end().to_string();
    assert!(sb.emu.verify_access_token(&tok), "the API must accept it");
    assert_eq!(sb.emu.requests(), 1);
    // No subcommand means `token`; the second call comes from the cache.
    let o = sb.run(&[]);
    assert_status(&o, 0);
    assert_eq!(stdout(&o).trim_end(), tok);
    assert_eq!(sb.emu.requests(), 1, "second call must not exchange");

    let o = sb.run(&["token", "--format", "json"]);
    assert_status(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["access_token"], tok.as_str());
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["cached"], true);
    let left = v["expires_in"].as_i64().unwrap();
    assert!((1700..=1800).contains(&left), "{left}");
    let at = time::OffsetDateTime::parse(
        v["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(v["expires_at"].as_str().unwrap().ends_with('Z'));
    assert!((at.unix_timestamp() - cytoken::testing::now() - left).abs() <= 1);

    let o = sb.run(&["token", "--format", "header"]);
    assert_eq!(stdout(&o), format!("Authorization: Bearer {tok}\n"));
    assert_eq!(sb.emu.requests(), 1);

    let o = sb.run(&["--force-refresh"]);
    assert_status(&o, 0);
    let fresh = stdout(&o).trim_end().to_string();
    assert_ne!(fresh, tok);
    assert_eq!(sb.emu.requests(), 2);
    assert_eq!(
        stdout(&sb.run(&[])).trim_end(),
        fresh,
        "force-refresh stores"
    );

    let before = std::fs::read(&sb.entries()[0]).unwrap();
    let o = sb.run(&["token", "--no-cache"]);
    assert_status(&o, 0);
    assert_ne!(stdout(&o).trim_end(), fresh);
    assert_eq!(sb.emu.requests(), 3);
    assert_eq!(
        std::fs::read(&sb.entries()[0]).unwrap(),
        before,
        "--no-cache never writes"
    );
}

#[test]
fn wrong_secret_exits_3_and_caches_nothing_then_fails_fast() {
    let sb = Sandbox::new();
    let o = sb
        .cmd()
        .env("CYTOKEN_APP_SECRET", "not-the-secret")
        .output()
        .unwrap();
    assert_status(&o, 3);
    assert!(stderr(&o).contains("Invalid JWT payload"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert!(sb.entries().is_empty(), "nothing cached");
    assert_eq!(sb.emu.requests(), 1);
    // The rejection is remembered briefly: the same answer, no new request…
    let o = sb
        .cmd()
        .env("CYTOKEN_APP_SECRET", "not-the-secret")
        .output()
        .unwrap();
    assert_status(&o, 3);
    assert!(stderr(&o).contains("Invalid JWT payload"));
    assert_eq!(sb.emu.requests(), 1);
    // …unless the caller forces a refresh.
    let o = sb
        .cmd()
        .env("CYTOKEN_APP_SECRET", "not-the-secret")
        .arg("--force-refresh")
        .output()
        .unwrap();
    assert_status(&o, 3);
    assert_eq!(sb.emu.requests(), 2);
}

#[test]
fn config_errors_exit_2_before_any_request() {
    let sb = Sandbox::new();
    let o = sb.run(&["--lifetime", "3600"]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("1800"), "{}", stderr(&o));
    let o = sb.run(&["--lifetime", "0"]);
    assert_status(&o, 2);

    let o = sb
        .cmd()
        .env_remove("CYTOKEN_AUTH_URL")
        .args(["--region", "mars"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    let e = stderr(&o);
    assert!(
        e.contains("mars") && e.contains("euc1") && e.contains("us-gov"),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1, "one line: {e}");

    let o = sb.run(&["--no-such-flag"]);
    assert_status(&o, 2);

    let o = sb
        .cmd()
        .env("CYTOKEN_AUTH_URL", "http://example.com/auth/v2/token")
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("https"), "{}", stderr(&o));

    let o = sb.bare().output().unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("tenant_id"), "{}", stderr(&o));
    assert_eq!(sb.emu.requests(), 0);
}

#[test]
fn string_scope_form_is_sent_as_a_string_and_list_as_array() {
    let sb = Sandbox::new();
    let cfg = format!(
        "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\napp_secret_env = \"MY_SECRET\"\n\
         auth_url = \"{}\"\nscopes = [\"device:list\", \"policy:read\"]\nscope_format = \"string\"\n\
         [profiles.list]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\napp_secret_env = \"MY_SECRET\"\n\
         auth_url = \"{}\"\nscopes = [\"device:list\"]\n",
        sb.emu.url(),
        sb.emu.url()
    );
    sb.write_config(&cfg, 0o644);
    let o = sb.bare().env("MY_SECRET", SECRET).output().unwrap();
    assert_status(&o, 0);
    assert_eq!(
        sb.emu.last_claims().unwrap()["scp"],
        "device:list,policy:read"
    );
    let o = sb
        .bare()
        .env("MY_SECRET", SECRET)
        .args(["-p", "list"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert_eq!(
        sb.emu.last_claims().unwrap()["scp"],
        serde_json::json!(["device:list"])
    );
    assert_eq!(sb.entries().len(), 2, "different scopes, different entries");
}

#[test]
fn config_file_secret_sources_and_permissions() {
    let sb = Sandbox::new();
    let secret_file = sb.home.path().join("secret");
    write_file(&secret_file, &format!("{SECRET}\n"), 0o644);
    let cfg = format!(
        "default_profile = \"prod\"\n[profiles.prod]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
         app_secret_file = {}\nauth_url = \"{}\"\n",
        toml_path(&secret_file),
        sb.emu.url()
    );
    sb.write_config(&cfg, 0o644);
    let o = sb.bare().output().unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains(PRIVATE_FIX), "{}", stderr(&o));
    chmod(&secret_file, 0o600);
    let o = sb.bare().output().unwrap();
    assert_status(&o, 0);
    assert_no_secret(&o);

    let inline = format!(
        "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\napp_secret = \"{SECRET}\"\n\
         auth_url = \"{}\"\n",
        sb.emu.url()
    );
    sb.write_config(&inline, 0o640);
    let o = sb.bare().output().unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains(PRIVATE_FIX), "{}", stderr(&o));
    assert_no_secret(&o);
    sb.write_config(&inline, 0o600);
    assert_status(&sb.bare().output().unwrap(), 0);

    // A shell that prints a variable: sh on Unix, cmd on Windows.
    let echo = if cfg!(windows) {
        r#"["cmd", "/c", "echo %MY_SECRET%"]"#
    } else {
        r#"["sh", "-c", "echo $MY_SECRET"]"#
    };
    let cmd = format!(
        "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
         app_secret_command = {echo}\nauth_url = \"{}\"\n",
        sb.emu.url()
    );
    sb.write_config(&cmd, 0o644);
    let o = sb.bare().env("MY_SECRET", SECRET).output().unwrap();
    assert_status(&o, 0);
    // A cached call does not need to run the command.
    let o = sb.bare().output().unwrap();
    assert_status(&o, 0);

    let missing = format!("{cmd}\n[profiles.other]\ntenant_id = \"x\"\n");
    sb.write_config(&missing, 0o644);
    let o = sb.bare().args(["-p", "nope"]).output().unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("default, other"), "{}", stderr(&o));
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
fn auth_token_prints_a_signed_token_without_exchanging() {
    let sb = Sandbox::new();
    let o = sb.run(&["auth-token"]);
    assert_status(&o, 0);
    let t = stdout(&o).trim_end().to_string();
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    v.set_issuer(&["http://cylance.com"]);
    v.required_spec_claims.clear();
    let key = jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes()).unwrap();
    let data = jsonwebtoken::decode::<serde_json::Value>(&t, &key, &v).unwrap();
    assert_eq!(data.claims["sub"], APP);
    assert_eq!(data.claims["tid"], TENANT);
    assert_eq!(sb.emu.requests(), 0);
}

#[test]
fn cache_list_clear_and_path() {
    let sb = Sandbox::new();
    let o = sb.run(&["cache", "list"]);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("no cached tokens"));
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
fn check_reports_and_exit_reflects_worst_finding() {
    let sb = Sandbox::new();
    let o = sb.run(&["check"]);
    assert_status(&o, 0);
    let r = stdout(&o);
    assert!(
        r.contains("exchange") && r.contains("all checks passed"),
        "{r}"
    );
    assert_eq!(sb.emu.requests(), 1);
    let o = sb.run(&["check", "--offline"]);
    assert_status(&o, 0);
    assert_eq!(sb.emu.requests(), 1);
    let o = sb
        .cmd()
        .env("CYTOKEN_APP_SECRET", "wrong")
        .arg("check")
        .output()
        .unwrap();
    assert_status(&o, 3);
    assert!(stdout(&o).contains("FAIL"));
    let o = sb.bare().arg("check").output().unwrap();
    assert_status(&o, 2);
}

#[test]
fn stale_token_is_served_when_the_endpoint_is_gone() {
    let sb = Sandbox::new();
    let tok = stdout(&sb.run(&[])).trim_end().to_string();
    // Make the cached token stale (inside the refresh margin) but not expired.
    sb.set_expiry(120);
    let url = sb.emu.url();
    sb.emu.stop();
    let o = sb.cmd().env("CYTOKEN_AUTH_URL", &url).output().unwrap();
    assert_status(&o, 0);
    assert_eq!(stdout(&o).trim_end(), tok);
    assert!(
        stderr(&o).contains("warning") && stderr(&o).contains("cached token"),
        "{}",
        stderr(&o)
    );
    // An expired token is not served.
    sb.set_expiry(-1);
    let o = sb.cmd().env("CYTOKEN_AUTH_URL", &url).output().unwrap();
    assert_status(&o, 4);
    assert!(stdout(&o).is_empty());
}

fn spawn_many(sb: &Sandbox, n: usize, secret: &str) -> Vec<Child> {
    (0..n)
        .map(|_| {
            sb.cmd()
                .env("CYTOKEN_APP_SECRET", secret)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect()
}

#[test]
fn stampede_of_32_cold_processes_causes_one_exchange() {
    let sb = Sandbox::new();
    sb.emu.set_delay(Duration::from_millis(300));
    let start = Instant::now();
    let children = spawn_many(&sb, 32, SECRET);
    let outs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let wall = start.elapsed();
    for o in &outs {
        assert_status(o, 0);
    }
    let first = stdout(&outs[0]);
    assert!(
        outs.iter().all(|o| stdout(o) == first),
        "all print one identical token"
    );
    assert_eq!(sb.emu.requests(), 1, "exactly one exchange");
    eprintln!(
        "stampede: 32 processes, {} exchange(s), {wall:?}",
        sb.emu.requests()
    );
}

#[test]
fn storm_of_16_bad_secret_processes_hits_the_endpoint_once() {
    let sb = Sandbox::new();
    sb.emu.set_delay(Duration::from_millis(100));
    let children = spawn_many(&sb, 16, "wrong-secret");
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_status(&o, 3);
        assert!(stderr(&o).contains("Invalid JWT payload"), "{}", stderr(&o));
    }
    // The first rejection is recorded before the lock is released, so every
    // process queued behind it fails fast with the same message.
    assert_eq!(sb.emu.requests(), 1);
    assert!(sb.entries().is_empty());
}

#[test]
fn a_stale_fallback_token_is_usable_by_git_and_kubectl() {
    let sb = Sandbox::new();
    sb.write_config("[profiles.default]\ntimeout = 2\n", 0o600);
    let tok = stdout(&sb.run(&[])).trim_end().to_string();
    sb.set_expiry(120);
    sb.emu.stop();
    let now = cytoken::testing::now();
    // git drops a credential whose expiry has passed: the fallback must carry a
    // future one.
    let mut git = sb.cmd();
    git.args(["git-credential", "get"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = git.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"protocol=https\nhost=git.example.com\n\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.contains(&format!("password={tok}\n")), "{out}");
    let expiry: i64 = out
        .lines()
        .find_map(|l| l.strip_prefix("password_expiry_utc="))
        .unwrap()
        .parse()
        .unwrap();
    assert!(expiry > now && expiry <= now + 121, "{expiry} vs now {now}");
    // kubectl: an expirationTimestamp in the future.
    let o = sb
        .cmd()
        .arg("exec-credential")
        .env(
            "KUBERNETES_EXEC_INFO",
            r#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1"}"#,
        )
        .output()
        .unwrap();
    assert_status(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["status"]["token"], tok.as_str());
    let at = time::OffsetDateTime::parse(
        v["status"]["expirationTimestamp"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
    .unix_timestamp();
    assert!(at > now, "{at} vs now {now}");
}

#[test]
fn demo_exits_0() {
    let sb = Sandbox::new();
    let o = sb.bare().arg("demo").output().unwrap();
    assert_status(&o, 0);
    assert!(stdout(&o).contains("demo complete"), "{}", stdout(&o));
}
