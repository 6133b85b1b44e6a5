//! Bad configuration and flags through the binary: one clear line on stderr,
//! exit 2, no request to the endpoint, no panic and never the secret.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::support::*;

/// Asserts a configuration error: exit 2, one line naming `needles`, no request.
#[track_caller]
fn assert_config_error(sb: &Sandbox, o: &Output, needles: &[&str]) {
    assert_status(o, 2);
    let e = stderr(o);
    assert_eq!(e.lines().count(), 1, "one line: {e}");
    assert!(e.starts_with("cytoken: error: "), "{e}");
    for n in needles {
        assert!(e.contains(n), "{n:?} not in {e}");
    }
    assert!(!e.contains("panicked"), "{e}");
    assert!(stdout(o).is_empty());
    assert_no_secret(o);
    assert_eq!(sb.emu.requests(), 0);
}

fn profile(sb: &Sandbox, body: &str) -> String {
    format!(
        "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\nauth_url = \"{}\"\n{body}",
        sb.emu.url()
    )
}

#[test]
fn malformed_config_files() {
    let sb = Sandbox::new();
    let cases: [(&str, &[&str]); 6] = [
        ("[profiles.default\ntenant_id = 1\n", &["config.toml:1"]),
        (
            "[profiles.default]\ntenant_id = \"t\"\nlifetime = \"long\"\n",
            &["config.toml:3", "lifetime"],
        ),
        (
            "[profiles.default]\ntenant_id = \"t\"\n\ncolour = \"blue\"\n",
            &["config.toml:4", "colour"],
        ),
        ("defaults = 1\n", &["config.toml:1", "defaults"]),
        (
            "[profiles.default]\nscopes = \"device:list\"\n",
            &["config.toml:2", "scopes"],
        ),
        (
            "[profiles.default]\ngit_auth = \"token\"\n",
            &["config.toml:2", "git_auth"],
        ),
    ];
    for (text, needles) in cases {
        sb.write_config(text, 0o600);
        let o = sb
            .bare()
            .env("CYTOKEN_APP_SECRET", SECRET)
            .output()
            .unwrap();
        assert_config_error(&sb, &o, needles);
    }
}

#[test]
fn secret_source_errors() {
    let sb = Sandbox::new();
    let cases: [(String, &[&str]); 6] = [
        (
            profile(&sb, "app_secret_env = \"A\"\napp_secret_file = \"/x\"\n"),
            &["app_secret_env and app_secret_file", "exactly one"],
        ),
        (profile(&sb, ""), &["no app secret", "CYTOKEN_APP_SECRET"]),
        (
            profile(&sb, "app_secret_command = [\"false\"]\n"),
            &["app_secret_command", "failed"],
        ),
        (
            profile(&sb, "app_secret_command = [\"true\"]\n"),
            &["printed nothing"],
        ),
        (
            profile(&sb, "app_secret_command = []\n"),
            &["app_secret_command", "empty"],
        ),
        (
            profile(&sb, "app_secret_env = \"UNSET_VAR\"\n"),
            &["UNSET_VAR", "not set"],
        ),
    ];
    for (text, needles) in cases {
        sb.write_config(&text, 0o600);
        let o = sb.bare().output().unwrap();
        assert_config_error(&sb, &o, needles);
    }
    // An empty secret file.
    let f = sb.home.path().join("empty-secret");
    write_file(&f, "\n", 0o600);
    sb.write_config(
        &profile(&sb, &format!("app_secret_file = \"{}\"\n", f.display())),
        0o600,
    );
    let o = sb.bare().output().unwrap();
    assert_config_error(&sb, &o, &["empty"]);
}

#[test]
fn a_hanging_secret_command_is_bounded() {
    let sb = Sandbox::new();
    sb.write_config(
        &profile(
            &sb,
            "timeout = 1\napp_secret_command = [\"sleep\", \"60\"]\n",
        ),
        0o600,
    );
    let t = Instant::now();
    let o = sb.bare().output().unwrap();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_config_error(&sb, &o, &["did not finish"]);
}

#[test]
fn bad_flags_and_values() {
    let sb = Sandbox::new();
    for args in [
        &["--lifetime", "0"][..],
        &["--lifetime", "1801"],
        &["--lifetime", "-5"],
        &["--lifetime", "soon"],
        &["--bogus"],
        &["token", "--format", "xml"],
        &["cache", "nuke"],
    ] {
        let o = sb.run(args);
        assert_status(&o, 2);
        assert!(stdout(&o).is_empty(), "{args:?}");
        assert_no_secret(&o);
    }
    let o = sb.cmd().env("CYTOKEN_LIFETIME", "3600").output().unwrap();
    assert_config_error(&sb, &o, &["1800"]);
    let o = sb.cmd().env("CYTOKEN_SCOPES", "device").output().unwrap();
    assert_config_error(&sb, &o, &["resource:action"]);
    let o = sb
        .cmd()
        .env("CYTOKEN_AUTH_URL", "http://10.0.0.1/auth/v2/token")
        .output()
        .unwrap();
    assert_config_error(&sb, &o, &["https"]);
    let o = sb
        .cmd()
        .env("CYTOKEN_CONFIG", "/nonexistent/c.toml")
        .output()
        .unwrap();
    assert_config_error(&sb, &o, &["/nonexistent/c.toml", "does not exist"]);
}
