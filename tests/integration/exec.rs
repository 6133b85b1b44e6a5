//! `cytoken exec`: the token reaches the child, the secret never does, and
//! the child's status, signals and stdout are the caller's.

use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

use crate::support::*;

/// The child prints the token, a separator, then its whole environment.
const SHOW_ENV: &str = "printf '%s\\n' \"$CYTOKEN_ACCESS_TOKEN\"; echo ---; env";

#[test]
fn exec_child_sees_token_and_expiry_never_the_secret() {
    let sb = Sandbox::new();
    let o = sb
        .test()
        .args(["exec", "--", "sh", "-c", SHOW_ENV])
        .no_secret()
        .success();
    let out = stdout(&o);
    let (tok, env) = out.split_once("\n---\n").unwrap();
    assert!(sb.emu.verify_access_token(tok), "the API must accept it");
    assert!(
        !out.contains(SECRET),
        "the child's environment holds the secret"
    );
    assert!(!env.lines().any(|l| l.starts_with("CYTOKEN_APP_SECRET=")));
    assert!(
        env.lines()
            .any(|l| l == format!("CYTOKEN_ACCESS_TOKEN={tok}"))
    );
    let at = env
        .lines()
        .find_map(|l| l.strip_prefix("CYTOKEN_EXPIRES_AT="))
        .unwrap();
    assert!(at.ends_with('Z'), "{at}");
    let at = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .unwrap()
        .unix_timestamp();
    let left = at - cytoken::testing::now();
    assert!((1700..=1800).contains(&left), "{left}");
    // The selection's other variables are inherited as usual.
    assert!(
        env.lines()
            .any(|l| l == format!("CYTOKEN_TENANT_ID={TENANT}"))
    );
    assert_eq!(sb.emu.requests(), 1);

    // --env puts it elsewhere (from the cache this time) and only there.
    let o = sb.run(&[
        "exec",
        "--env",
        "MY_TOKEN",
        "--",
        "sh",
        "-c",
        "printf '%s|%s' \"$MY_TOKEN\" \"${CYTOKEN_ACCESS_TOKEN-unset}\"",
    ]);
    assert_status(&o, 0);
    assert_eq!(stdout(&o), format!("{tok}|unset"));
    assert_eq!(sb.emu.requests(), 1);
}

#[test]
fn exec_hides_a_profile_app_secret_env_variable() {
    let sb = Sandbox::new();
    sb.write_config(
        "[profiles.default]\napp_secret_env = \"CYLANCE_SECRET\"\n",
        0o644,
    );
    let o = sb
        .cmd()
        .env_remove("CYTOKEN_APP_SECRET")
        .env("CYLANCE_SECRET", SECRET)
        .args(["exec", "--", "sh", "-c", SHOW_ENV])
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert_no_secret(&o);
    let out = stdout(&o);
    assert!(!out.contains("CYLANCE_SECRET="), "{out}");
    assert!(sb.emu.verify_access_token(out.lines().next().unwrap()));

    // The secret's own variable cannot be the target either.
    let o = sb
        .cmd()
        .env_remove("CYTOKEN_APP_SECRET")
        .env("CYLANCE_SECRET", SECRET)
        .args(["exec", "--env", "CYLANCE_SECRET", "--", "true"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert_no_secret(&o);
    assert_eq!(sb.emu.requests(), 1);
}

#[test]
fn exec_passes_the_childs_status_and_signals_and_stdout() {
    let sb = Sandbox::new();
    sb.test()
        .args(["exec", "--", "sh", "-c", "exit 7"])
        .stdout("")
        .status(7);

    // cytoken replaces itself: the child dies of the signal, not a wrapper.
    let o = sb.run(&["exec", "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(o.status.signal(), Some(15), "{:?}", o.status);

    // The child's stdout is the only stdout, byte for byte; same pid as cytoken.
    let child = sb
        .cmd()
        .args(["exec", "--", "sh", "-c", "printf 'pid=%s' $$"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let o = child.wait_with_output().unwrap();
    assert_status(&o, 0);
    assert_eq!(stdout(&o), format!("pid={pid}"));
    assert_eq!(stderr(&o), "");
    assert_eq!(sb.emu.requests(), 1);
}

#[test]
fn exec_errors_are_clear() {
    let sb = Sandbox::new();
    let o = sb
        .test()
        .args(["exec", "--", "/nonexistent/cytoken-test-cmd", "arg"])
        .stdout("")
        .status(127);
    let err = stderr(&o);
    assert!(
        err.contains("cannot run") && err.contains("/nonexistent/cytoken-test-cmd"),
        "{err}"
    );
    assert!(err.contains("not found"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    sb.test()
        .args(["exec", "--", "no-such-command-cytoken-test"])
        .status(127);

    // Found but not executable: 126, as shells do.
    let script = sb.home.path().join("not-executable.sh");
    write_file(&script, "#!/bin/sh\necho hi\n", 0o644);
    sb.test()
        .args(["exec", "--", script.to_str().unwrap()])
        .stderr_has("permission denied")
        .status(126);

    for bad in ["1TOKEN", "MY-TOKEN", "A=B", "", "CYTOKEN_EXPIRES_AT"] {
        sb.test()
            .args(["exec", "--env", bad, "--", "true"])
            .stdout("")
            .stderr_has("--env")
            .status(2);
    }
    sb.test()
        .args(["exec", "--env", "CYTOKEN_APP_SECRET", "--", "true"])
        .no_secret()
        .status(2);

    // No selection: the config error, and the command is not run.
    let marker = sb.home.path().join("ran");
    let o = sb
        .bare()
        .args(["exec", "--", "touch", marker.to_str().unwrap()])
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(!marker.exists(), "the command must not run without a token");
    assert_eq!(
        sb.emu.requests(),
        1,
        "only the missing-command runs exchanged"
    );
}
