//! The log file: failures under git and kubectl land in it, it rotates at
//! 1 MiB, one others could swap is never written, a profile's path is
//! relative to its config, and long paths are kept whole.

use crate::support::*;

/// A selection whose secret the endpoint refuses, with a log file.
#[cfg(unix)]
fn failing(sb: &Sandbox, log: &std::path::Path) -> std::process::Command {
    let mut c = sb.cmd();
    c.env("CYTOKEN_APP_SECRET", "not-the-secret-Qw3rty")
        .env("CYTOKEN_LOG_FILE", log)
        .stderr(std::process::Stdio::null());
    c
}

#[cfg(unix)]
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
    let o = sb.test().args(["cache", "list"]).success();
    assert!(
        stdout(&o).contains("recorded failures") && stdout(&o).contains("401"),
        "{}",
        stdout(&o)
    );
}

#[cfg(unix)]
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

#[cfg(unix)]
#[test]
fn a_log_file_others_could_swap_is_not_written() {
    let sb = Sandbox::new();
    let dir = sb.home.path().join("shared");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let log = dir.join("cytoken.log");
    // Named in full, or bare from inside that directory (the bare name must
    // not skip the directory's check).
    for (name, cwd) in [
        (log.as_path(), sb.home.path()),
        (std::path::Path::new("cytoken.log"), &dir),
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

#[cfg(unix)]
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

// ---- the log -------------------------------------------------------------

/// The log's second redaction keeps paths (a cache dir of 40+ characters
/// was logged as `(redacted)`).
#[test]
fn the_log_keeps_long_paths() {
    let sb = Sandbox::new();
    let dir = sb
        .home
        .path()
        .join("a-rather-long-directory-name-for-the-cache")
        .join("cytoken");
    std::fs::create_dir_all(&dir).unwrap();
    // Writable by others: the cache is not used, with a warning naming it.
    chmod(&dir, 0o777);
    let log = sb.home.path().join("cytoken.log");
    let o = sb
        .cmd()
        .env("CYTOKEN_CACHE_DIR", &dir)
        .env("CYTOKEN_LOG_FILE", &log)
        .args(["-v", "token"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains(&dir.display().to_string()),
        "the log lost the path:\n{text}"
    );
    let token = stdout(&o).trim_end().to_string();
    assert!(!text.contains(&token), "{text}");
}
