//! `cytoken check`: its report, the exit status of the worst finding, and
//! the recorded failure of an old secret shown and then cleared.

use crate::support::*;

/// A config whose secret comes from `cat secret.txt` (relative to the config).
fn command_config(sb: &Sandbox) -> std::path::PathBuf {
    let url = sb.emu.url();
    sb.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_command = [\"sh\", \"-c\", \"cat \\\"$0\\\"\", \"{}\"]\n\
             auth_url = \"{url}\"\n",
            sb.config_path().with_file_name("secret.txt").display()
        ),
        0o600,
    )
}

#[test]
fn check_reports_and_exit_reflects_worst_finding() {
    let sb = Sandbox::new();
    let o = sb.test().args(["check"]).success();
    let r = stdout(&o);
    assert!(
        r.contains("exchange") && r.contains("all checks passed"),
        "{r}"
    );
    assert_eq!(sb.emu.requests(), 1);
    sb.test().args(["check", "--offline"]).success();
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
fn a_fixed_secret_is_not_held_back_and_check_shows_then_clears_the_failure() {
    let sb = Sandbox::new();
    let cfg = command_config(&sb);
    let secret_file = cfg.with_file_name("secret.txt");
    write_file(&secret_file, "wrong-secret\n", 0o600);
    let o = sb.bare().arg("token").output().unwrap();
    assert_status(&o, 3);
    assert_eq!(sb.emu.requests(), 1);
    // Within the 10 s of the record, the same wrong secret fails fast…
    let o = sb.bare().arg("token").output().unwrap();
    assert_status(&o, 3);
    assert_eq!(sb.emu.requests(), 1, "the recorded failure answered");
    // …and `check --offline` says a failure is recorded.
    let o = sb.bare().args(["check", "--offline"]).output().unwrap();
    assert!(
        stdout(&o).contains("last failure") && stdout(&o).contains("401"),
        "{}",
        stdout(&o)
    );
    // The user fixes the secret: the next call asks at once and works.
    write_file(&secret_file, &format!("{SECRET}\n"), 0o600);
    let o = sb.bare().arg("check").output().unwrap();
    assert_status(&o, 0);
    assert!(stdout(&o).contains("cleared"), "{}", stdout(&o));
    let o = sb.bare().arg("token").output().unwrap();
    assert_status(&o, 0);
    assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));
}
