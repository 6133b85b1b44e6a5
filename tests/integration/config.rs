//! Configuration through the binary: config files and secret sources, their
//! permissions, relative paths, and every bad config or value giving one
//! clear line on stderr, exit 2, no request and never the secret.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::hostile::*;
use crate::support::*;

/// Asserts a configuration error: exit 2, one line naming `needles`, no request.
#[track_caller]
pub(crate) fn assert_config_error(sb: &Sandbox, o: &Output, needles: &[&str]) {
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
fn config_errors_exit_2_before_any_request() {
    let sb = Sandbox::new();
    sb.test()
        .args(["--lifetime", "3600"])
        .stderr_has("1800")
        .status(2);
    sb.test().args(["--lifetime", "0"]).status(2);

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

    sb.test().args(["--no-such-flag"]).status(2);

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
    sb.test_bare().stderr_has(PRIVATE_FIX).status(2);
    chmod(&secret_file, 0o600);
    sb.test_bare().no_secret().success();

    let inline = format!(
        "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\napp_secret = \"{SECRET}\"\n\
         auth_url = \"{}\"\n",
        sb.emu.url()
    );
    sb.write_config(&inline, 0o640);
    sb.test_bare().stderr_has(PRIVATE_FIX).no_secret().status(2);
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
fn relative_paths_in_a_config_are_relative_to_it() {
    let sb = Sandbox::new();
    let url = sb.emu.url();
    let cfg = sb.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_file = \"secret.txt\"\nauth_url = \"{url}\"\n"
        ),
        0o600,
    );
    write_file(&cfg.with_file_name("secret.txt"), SECRET, 0o600);
    // From another directory, as git, kubectl and docker run helpers.
    let o = sb
        .bare()
        .current_dir("/")
        .args(["--config", cfg.to_str().unwrap(), "check", "--offline"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    let o = sb.bare().current_dir("/").arg("token").output().unwrap();
    assert_status(&o, 0);
}

/// `app_secret_command = ["bin/get-secret"]` is the program beside the
/// config, not one in the directory git or kubectl happens to run in (a
/// repository could ship its own `bin/get-secret`).
#[cfg(unix)]
#[test]
fn a_relative_secret_command_is_relative_to_the_config() {
    let sb = Sandbox::new();
    let url = sb.emu.url();
    let cfg = sb.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_command = [\"bin/get-secret\"]\nauth_url = \"{url}\"\n"
        ),
        0o600,
    );
    let script = |dir: &std::path::Path, body: &str| {
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        write_file(
            &dir.join("bin/get-secret"),
            &format!("#!/bin/sh\n{body}\n"),
            0o700,
        );
    };
    script(cfg.parent().unwrap(), &format!("printf %s '{SECRET}'"));
    let repo = sb.home.path().join("repo");
    let ran = repo.join("ran");
    script(&repo, &format!("touch '{}'; printf wrong", ran.display()));
    let o = sb.bare().current_dir(&repo).arg("token").output().unwrap();
    assert_status(&o, 0);
    assert!(!ran.exists(), "the repository's bin/get-secret ran");
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
fn a_config_others_can_write_is_refused() {
    let sb = Sandbox::new();
    // Whatever the secret source: a writable config runs commands as its reader.
    let text = profile(&sb, "app_secret_command = [\"echo\", \"x\"]\n");
    for mode in [0o620, 0o602, 0o666] {
        let p = sb.write_config(&text, mode);
        let o = sb.bare().output().unwrap();
        assert_config_error(&sb, &o, &["writable by others", PRIVATE_FIX]);
        let o = sb.bare().arg("check").output().unwrap();
        assert_status(&o, 2);
        assert!(stdout(&o).contains("FAIL"), "{}", stdout(&o));
        assert!(p.exists());
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
            profile(&sb, &format!("app_secret_command = {FALSE}\n")),
            &["app_secret_command", "failed"],
        ),
        (
            profile(&sb, &format!("app_secret_command = {TRUE}\n")),
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
        &profile(&sb, &format!("app_secret_file = {}\n", toml_path(&f))),
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
            &format!("timeout = 1\napp_secret_command = {SLEEP_60}\n"),
        ),
        0o600,
    );
    let t = Instant::now();
    let o = sb.bare().output().unwrap();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_config_error(&sb, &o, &["did not finish"]);
}

// ---- the selection -------------------------------------------------------

/// A bad value is blamed on where it came from.
#[test]
fn a_bad_tenant_id_names_the_flag_or_variable_that_gave_it() {
    let sb = Sandbox::new();
    let config = sb.write_config(
        &format!(
            "[profiles.default]\nflow = \"mtc\"\napp_id = \"{APP}\"\napp_secret_env = \"THE_SECRET\"\n\
             tenant_id = \"fine-tenant\"\nauth_url = \"{}\"\n",
            sb.emu.console_url()
        ),
        0o600,
    );
    let o = profile_cmd(&sb)
        .args(["--tenant-id", "a/b", "token"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("--tenant-id must be"), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains(&config.display().to_string()),
        "{}",
        stderr(&o)
    );
    let o = profile_cmd(&sb)
        .env("CYTOKEN_TENANT_ID", "a/b")
        .arg("token")
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("CYTOKEN_TENANT_ID must be"),
        "{}",
        stderr(&o)
    );
    let o = profile_cmd(&sb)
        .args(["--region", "mars", "token"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    // (auth_url in the file wins over --region only within the file's layer.)
    assert!(stderr(&o).contains("--region"), "{}", stderr(&o));
}

/// A secret pasted under the wrong key (region, auth_url, api_url, scopes,
/// ca_file, lifetime): the error names the key and where it was set, and
/// never quotes the value.
#[test]
fn a_value_under_the_wrong_key_is_not_quoted() {
    let sb = Sandbox::new();
    const PASTED: &str = "Wr0ngK3y-Zq9vX2mK7pL4wR8tY1uB6";
    // The variables set, the arguments, and the source the error names.
    type Case<'a> = (&'a [(&'a str, String)], &'a [&'a str], &'a str);
    let cases: [Case<'_>; 7] = [
        (&[], &["--region", PASTED], "--region"),
        (
            &[("CYTOKEN_AUTH_URL", PASTED.to_string())],
            &[],
            "CYTOKEN_AUTH_URL",
        ),
        (
            &[("CYTOKEN_AUTH_URL", format!("http://example.com/{PASTED}"))],
            &[],
            "`http://example.com/…`",
        ),
        (
            &[("CYTOKEN_API_URL", format!("https://example.com/?{PASTED}"))],
            &[],
            "CYTOKEN_API_URL",
        ),
        (
            &[("CYTOKEN_SCOPES", PASTED.to_string())],
            &[],
            "CYTOKEN_SCOPES",
        ),
        (
            &[("CYTOKEN_LIFETIME", PASTED.to_string())],
            &[],
            "CYTOKEN_LIFETIME",
        ),
        (&[("CYTOKEN_PROFILE", "wrong".to_string())], &[], "ca_file"),
    ];
    sb.write_config(
        &format!("[profiles.wrong]\nca_file = \"{PASTED}\"\n"),
        0o600,
    );
    for (env, args, names) in cases {
        let mut cmd = sb.cmd();
        cmd.env("CYTOKEN_CONFIG", sb.config_path())
            .envs(env.iter().map(|(k, v)| (k, v)))
            .args(args)
            .arg("token");
        let o = cmd.output().unwrap();
        assert_status(&o, 2);
        let err = stderr(&o);
        assert!(err.contains(names), "{env:?} {args:?}: {err}");
        assert!(
            !err.contains(PASTED),
            "{env:?} {args:?} quoted the value: {err}"
        );
    }
}
