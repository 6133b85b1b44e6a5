//! How an error is printed: one line on stderr, and with `-v` its causes
//! under it, each on its own indented `caused by:` line.

use crate::support::*;

/// A config file that is not UTF-8: an error whose cause (the read's io
/// error) is kept.
fn unreadable_config(sb: &Sandbox) {
    let p = sb.config_path();
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, b"tenant_id = \"\xff\xfe\"\n").unwrap();
    chmod(&p, 0o600);
}

const MESSAGE: &str = "cannot read config file";
const CAUSE: &str = "stream did not contain valid UTF-8";

#[test]
fn without_v_an_error_is_one_line() {
    let sb = Sandbox::new();
    unreadable_config(&sb);
    let o = sb
        .test_bare()
        .arg("token")
        .stderr_has(MESSAGE)
        .stderr_lacks("caused by")
        .status(2);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("cytoken: error: "), "{err}");
}

#[test]
fn with_v_the_causes_follow_the_message() {
    let sb = Sandbox::new();
    unreadable_config(&sb);
    let o = sb.test_bare().args(["-v", "token"]).no_secret().status(2);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("cytoken: error: ") && l.contains(MESSAGE))
        .unwrap_or_else(|| panic!("no error line: {err}"));
    assert_eq!(
        lines.get(at + 1).copied(),
        Some(format!("  caused by: {CAUSE}").as_str()),
        "{err}"
    );
}
