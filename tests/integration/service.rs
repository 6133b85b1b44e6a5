//! More of the service (issue 15): the `src` claim on the wire and in the
//! cache key, and `--min-valid`.

use std::path::Path;

use crate::support::{Sandbox, assert_status, stderr, stdout};

#[test]
fn the_src_claim_is_sent_and_is_part_of_the_cache_key() {
    let sb = Sandbox::new();
    let o = sb.run(&["--source", "build-42", "token"]);
    assert_status(&o, 0);
    assert_eq!(sb.emu.last_claims().unwrap()["src"], "build-42");
    // Without it: another token (another key), and no src on the wire.
    let o = sb.run(&["token"]);
    assert_status(&o, 0);
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
    let o = sb.run(&["--source", "", "token"]);
    assert_status(&o, 2);
    assert_eq!(sb.emu.requests(), 2);
}

#[test]
fn min_valid_refreshes_exactly_when_the_token_would_not_last() {
    let sb = Sandbox::new();
    assert_status(&sb.run(&["token"]), 0);
    let first = sb.entries();
    assert_eq!(first.len(), 1);
    sb.set_expiry(1000);
    // 1000 s left: enough for 900, served from the cache.
    let o = sb.run(&["--min-valid", "900", "token", "--format", "json"]);
    assert_status(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["cached"], true);
    assert_eq!(sb.emu.requests(), 1);
    // Not enough for 1100: a fresh token.
    let o = sb.run(&["--min-valid", "1100", "token", "--format", "json"]);
    assert_status(&o, 0);
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
    let o = sb.run(&["--min-valid", "1750", "token"]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("at most 1740 s"), "{}", stderr(&o));
    let o = sb.run(&["--lifetime", "600", "--min-valid", "600", "token"]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("at most 540 s"), "{}", stderr(&o));
    assert_eq!(sb.emu.requests(), 2);
}

/// A selection whose secret the endpoint refuses, with a log file.
fn failing(sb: &Sandbox, log: &std::path::Path) -> std::process::Command {
    let mut c = sb.cmd();
    c.env("CYTOKEN_APP_SECRET", "not-the-secret-Qw3rty")
        .env("CYTOKEN_LOG_FILE", log)
        .stderr(std::process::Stdio::null());
    c
}

#[test]
fn failures_under_git_and_kubectl_land_in_the_log_file() {
    let sb = Sandbox::new();
    let log = sb.home.path().join("cytoken.log");
    // As git runs the helper: the request on stdin, stderr thrown away.
    let mut git = failing(&sb, &log);
    git.args(["git-credential", "get"]);
    let o = crate::support::feed(git, b"protocol=https\nhost=git.example.com\n\n");
    assert!(o.stdout.is_empty());
    // As kubectl runs the plugin.
    let o = failing(&sb, &log)
        .arg("exec-credential")
        .env(
            "KUBERNETES_EXEC_INFO",
            r#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}"#,
        )
        .output()
        .unwrap();
    assert_status(&o, 3);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("git-credential get via cytoken") && l.contains("error: ")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("exec-credential via cytoken") && l.contains("401")),
        "{text}"
    );
    for l in &lines {
        // time, pid, command, level
        assert!(l.starts_with("20") && l.contains(" pid="), "{l}");
    }
    assert!(!text.contains("not-the-secret-Qw3rty") && !text.contains(crate::support::SECRET));
    assert!(!text.contains("eyJ") || text.contains("(redacted)"));
    // The log file is private.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&log).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // `cache list` shows the recorded failure: when, status, message.
    let o = sb.run(&["cache", "list"]);
    assert_status(&o, 0);
    assert!(
        stdout(&o).contains("recorded failures") && stdout(&o).contains("401"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn the_log_file_rotates_at_one_mib() {
    let sb = Sandbox::new();
    let log = sb.home.path().join("cytoken.log");
    std::fs::write(&log, vec![b'x'; (1 << 20) + 10]).unwrap();
    std::fs::set_permissions(&log, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let o = failing(&sb, &log).arg("token").output().unwrap();
    assert_status(&o, 3);
    let aside = sb.home.path().join("cytoken.log.1");
    assert_eq!(std::fs::metadata(&aside).unwrap().len(), (1 << 20) + 10);
    let fresh = std::fs::read_to_string(&log).unwrap();
    assert!(fresh.len() < 4096 && fresh.contains("error: "), "{fresh}");
}

#[test]
fn a_log_file_others_could_swap_is_not_written() {
    let sb = Sandbox::new();
    let dir = sb.home.path().join("shared");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let log = dir.join("cytoken.log");
    // Named in full, or bare from inside that directory (a red-team found the
    // bare name skipped the directory's check).
    for (name, cwd) in [
        (log.as_path(), sb.home.path()),
        (Path::new("cytoken.log"), &dir),
    ] {
        let o = sb
            .cmd()
            .current_dir(cwd)
            .env("CYTOKEN_LOG_FILE", name)
            .arg("token")
            .output()
            .unwrap();
        assert_status(&o, 0);
        assert!(!log.exists(), "{}", name.display());
        assert!(
            stderr(&o).contains("not writing the log file"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn a_profile_log_file_is_relative_to_the_config() {
    let sb = Sandbox::new();
    let cfg = sb.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{}\"\napp_id = \"{}\"\napp_secret_env = \"CYTOKEN_APP_SECRET\"\nlog_file = \"cytoken.log\"\n",
            crate::support::TENANT,
            crate::support::APP
        ),
        0o600,
    );
    let o = sb
        .cmd()
        .env("CYTOKEN_APP_SECRET", "wrong-one")
        .current_dir("/")
        .arg("token")
        .output()
        .unwrap();
    assert_status(&o, 3);
    let text = std::fs::read_to_string(cfg.with_file_name("cytoken.log")).unwrap();
    assert!(text.contains("token via cytoken error: "), "{text}");
}
