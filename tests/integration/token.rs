//! `cytoken token` through the binary: minting, cache hits, formats and
//! options, the `src` claim and `--min-valid`, the stale fallback, the
//! stampede of cold processes and the 401 storm, output cut short or into
//! closed standard descriptors.

use std::io::Write;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

fn spawn_many(sb: &Sandbox, n: usize, secret: &str) -> Vec<Child> {
    (0..n)
        .map(|_| {
            let mut c = sb.cmd();
            c.env("CYTOKEN_APP_SECRET", secret)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            spawn_retrying(&mut c)
        })
        .collect()
}

/// Spawns `c`; under wine a burst of process starts can fail one with
/// ERROR_INTERNAL_ERROR (1359), which a moment later goes through.
fn spawn_retrying(c: &mut std::process::Command) -> Child {
    const INTERNAL_ERROR: i32 = 1359;
    for _ in 0..20 {
        match c.spawn() {
            Err(e) if cfg!(windows) && e.raw_os_error() == Some(INTERNAL_ERROR) => {
                std::thread::sleep(Duration::from_millis(100));
            }
            r => return r.unwrap(),
        }
    }
    panic!("{c:?}: every start failed with ERROR_INTERNAL_ERROR")
}

#[test]
fn token_is_minted_accepted_and_then_served_from_cache() {
    let sb = Sandbox::new();
    let o = sb.test().args(["token"]).success();
    let tok = stdout(&o).trim_end().to_string();
    assert!(sb.emu.verify_access_token(&tok), "the API must accept it");
    assert_eq!(sb.emu.requests(), 1);
    // No subcommand means `token`; the second call comes from the cache.
    let o = sb.test().success();
    assert_eq!(stdout(&o).trim_end(), tok);
    assert_eq!(sb.emu.requests(), 1, "second call must not exchange");

    let o = sb.test().args(["token", "--format", "json"]).success();
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

    let o = sb.test().args(["--force-refresh"]).success();
    let fresh = stdout(&o).trim_end().to_string();
    assert_ne!(fresh, tok);
    assert_eq!(sb.emu.requests(), 2);
    assert_eq!(
        stdout(&sb.run(&[])).trim_end(),
        fresh,
        "force-refresh stores"
    );

    let before = std::fs::read(&sb.entries()[0]).unwrap();
    let o = sb.test().args(["token", "--no-cache"]).success();
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
    sb.test()
        .env("CYTOKEN_APP_SECRET", "not-the-secret")
        .stderr_has("Invalid JWT payload")
        .stdout("")
        .status(3);
    assert!(sb.entries().is_empty(), "nothing cached");
    assert_eq!(sb.emu.requests(), 1);
    // The rejection is remembered briefly: the same answer, no new request…
    sb.test()
        .env("CYTOKEN_APP_SECRET", "not-the-secret")
        .stderr_has("Invalid JWT payload")
        .status(3);
    assert_eq!(sb.emu.requests(), 1);
    // …unless the caller forces a refresh.
    sb.test()
        .env("CYTOKEN_APP_SECRET", "not-the-secret")
        .arg("--force-refresh")
        .status(3);
    assert_eq!(sb.emu.requests(), 2);
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
fn auth_token_prints_a_signed_token_without_exchanging() {
    let sb = Sandbox::new();
    let o = sb.test().args(["auth-token"]).success();
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

#[cfg(unix)]
#[test]
fn the_src_claim_is_sent_and_is_part_of_the_cache_key() {
    let sb = Sandbox::new();
    sb.test().args(["--source", "build-42", "token"]).success();
    assert_eq!(sb.emu.last_claims().unwrap()["src"], "build-42");
    // Without it: another token (another key), and no src on the wire.
    sb.test().args(["token"]).success();
    assert_eq!(sb.emu.requests(), 2);
    assert!(sb.emu.last_claims().unwrap().get("src").is_none());
    // The same source from the environment is the same key: a cache hit.
    let o = sb
        .cmd()
        .env("CYTOKEN_SOURCE", "build-42")
        .arg("token")
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert_eq!(sb.emu.requests(), 2);
    // A bad value is a config error before any request.
    sb.test().args(["--source", "", "token"]).status(2);
    assert_eq!(sb.emu.requests(), 2);
}

#[cfg(unix)]
#[test]
fn min_valid_refreshes_exactly_when_the_token_would_not_last() {
    let sb = Sandbox::new();
    assert_status(&sb.run(&["token"]), 0);
    let first = sb.entries();
    assert_eq!(first.len(), 1);
    sb.set_expiry(1000);
    // 1000 s left: enough for 900, served from the cache.
    let o = sb
        .test()
        .args(["--min-valid", "900", "token", "--format", "json"])
        .success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["cached"], true);
    assert_eq!(sb.emu.requests(), 1);
    // Not enough for 1100: a fresh token.
    let o = sb
        .test()
        .args(["--min-valid", "1100", "token", "--format", "json"])
        .success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["cached"], false);
    assert!(v["expires_in"].as_i64().unwrap() >= 1100);
    assert_eq!(sb.emu.requests(), 2);
    // The environment and the profile say the same.
    let o = sb
        .cmd()
        .env("CYTOKEN_MIN_VALID", "1000")
        .arg("token")
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert_eq!(sb.emu.requests(), 2);
    // More than any token can give: exit 2, naming the most it can be.
    sb.test()
        .args(["--min-valid", "1750", "token"])
        .stderr_has("at most 1740 s")
        .status(2);
    sb.test()
        .args(["--lifetime", "600", "--min-valid", "600", "token"])
        .stderr_has("at most 540 s")
        .status(2);
    assert_eq!(sb.emu.requests(), 2);
}

#[test]
fn token_options_work_without_the_word_token() {
    let sb = Sandbox::new();
    let o = sb.test().args(["--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["token_type"], "Bearer");
    // Before another command it would be ignored: refused instead.
    sb.test()
        .args(["--format", "json", "cache", "list"])
        .stderr_has("--format")
        .status(2);
}

#[test]
fn auth_token_claims_prints_the_decoded_claims() {
    let sb = Sandbox::new();
    let o = sb
        .test()
        .args(["--scope", "device:list", "auth-token", "--claims"])
        .success();
    let c: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(c["iss"], "http://cylance.com");
    assert_eq!(c["sub"], APP);
    assert_eq!(c["tid"], TENANT);
    assert_eq!(c["scp"], serde_json::json!(["device:list"]));
    assert_eq!(
        c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(),
        1800
    );
    assert!(!stdout(&o).contains(SECRET));
}

#[test]
fn output_cut_short_by_its_reader_ends_quietly() {
    use std::io::{BufRead, BufReader, Read};
    let sb = Sandbox::new();
    sb.emu.set_devices(5000);
    let mut child = sb
        .cmd()
        .args(["api", "--paginate", "--ndjson", "devices/v2"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('{'), "{first}");
    // The reader is gone, as with `| head -1`.
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");
}

/// With stdout and stderr closed, the first files cytoken opens would take
/// their numbers, and what is meant for them would land in those files: here
/// `-v`'s steps in the lock file held during the exchange. (std's own start
/// reopens them on /dev/null; src/main.rs does without it, so
/// `platform::prepare_process` must.)
#[cfg(unix)]
#[test]
fn closed_standard_fds_never_let_output_into_a_file() {
    let sb = Sandbox::new();
    let o = sb
        .cmd_as(std::path::Path::new("/bin/sh"))
        .args([
            "-c",
            r#"exec "$0" -v token >&- 2>&-"#,
            env!("CARGO_BIN_EXE_cytoken"),
        ])
        .output()
        .unwrap();
    assert_status(&o, 0);
    crate::cache::assert_cache_readable(&sb);
    for p in sb.cache_files() {
        if p.extension().is_none_or(|e| e != "json") {
            let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
            assert!(
                !text.contains("eyJ") && !text.contains("cytoken:"),
                "output in {}: {text:?}",
                p.display()
            );
        }
    }
    let o = sb.test().args(["token"]).success();
    assert!(sb.emu.verify_access_token(stdout(&o).trim()));
    assert_eq!(sb.emu.issued(), 1, "the entry the first call wrote serves");
}
