//! The secret never leaks: config errors never print it, credentials in
//! `auth_url` are refused and never printed, and `exec` strips every secret
//! source from the child's environment.

use std::process::Output;

use super::{inline_secret, sandbox_profile};
use crate::support::*;

/// A secret that looks like one (base64).
const B64_SECRET: &str = "Zm9vYmFyc2VjcmV0";

#[test]
fn config_errors_never_print_a_secret() {
    let sb = Sandbox::new();
    let s = B64_SECRET;
    let cases: Vec<(String, &str)> = vec![
        // A bad escape in a multi-line basic string: the error is on a line
        // inside the string.
        (format!("app_secret = \"\"\"\n{s}\\q\n\"\"\"\n"), s),
        (format!("app_secret = \"\"\"{s}\\q\n\"\"\"\n"), s),
        (format!("app_secret = \"\"\"\n{s}=\\q\n\"\"\"\n"), s),
        // A literal multi-line string has no escapes; a control character is
        // its error.
        (format!("app_secret = '''\n{s}\u{1}\n'''\n"), s),
        // Unterminated.
        (format!("app_secret = \"\"\"\n{s}\n"), s),
        (format!("app_secret = '''\n{s}\n"), s),
        // The wrong type for a secret key.
        (format!("app_secret = [\"{s}\"]\n"), s),
        (format!("app_secret = {{ value = \"{s}\" }}\n"), s),
        // A valid secret, an error after it.
        (
            format!("app_secret = \"\"\"\n{s}\n\"\"\"\ncolour = \"blue\"\n"),
            s,
        ),
        // The secret itself in the wrong key.
        (format!("app_secret_env = \"{SECRET}\"\n"), SECRET),
        (format!("app_secret_command = \"{SECRET}\"\n"), SECRET),
        // A quoted key; a `"""` in a comment before a
        // multi-line secret (it defeated counting them); a secret that is a
        // valid variable name in app_secret_env.
        (format!("\"app_secret_command\" = \"{SECRET}\"\n"), SECRET),
        (
            format!("# see \"\"\" below\napp_secret = \"\"\"\n{s}\\q\n\"\"\"\n"),
            s,
        ),
        (
            "app_secret_env = \"Sekrit0value\"\n".to_string(),
            "Sekrit0value",
        ),
        // A second pass: an escaped key, the secret as a key, the secret in
        // keys that are not the secret's.
        (
            format!("\"app\\u005Fsecret_command\" = \"{SECRET}\"\n"),
            SECRET,
        ),
        (format!("\"{SECRET}\" = 1\n"), SECRET),
        (format!("lifetime = \"{SECRET}\"\n"), SECRET),
        (format!("flow = \"{SECRET}\"\n"), SECRET),
        (format!("scopes = \"{SECRET}\"\n"), SECRET),
        (format!("git_auth = \"{SECRET}\"\n"), SECRET),
        // Numbers are values too (serde writes them in backticks).
        ("tenant_id = 98765432109\n".to_string(), "98765432109"),
        ("lifetime = 9876.54321\n".to_string(), "9876.54321"),
    ];
    // Whole files: a dotted key, an inline table.
    let url = sb.emu.url();
    let files = [
        format!("profiles.default.app_secret_command = \"{SECRET}\"\n"),
        format!(
            "[profiles]\ndefault = {{ tenant_id = \"{TENANT}\", auth_url = \"{url}\", \
             app_secret_command = \"{SECRET}\" }}\n"
        ),
    ];
    let cases = cases
        .into_iter()
        .map(|(body, secret)| (sandbox_profile(&sb, &body), secret))
        .chain(files.into_iter().map(|f| (f, SECRET)));
    for (body, secret) in cases {
        sb.write_config(&body, 0o600);
        for args in [
            &["token"][..],
            &["-vvv", "token"],
            &["check"],
            &["check", "--offline"],
        ] {
            let o = sb.bare().args(args).output().unwrap();
            assert_ne!(o.status.code(), Some(0), "{body:?} {args:?}");
            for (what, text) in [("stdout", stdout(&o)), ("stderr", stderr(&o))] {
                assert!(
                    !text.contains(secret),
                    "{body:?} {args:?}: the secret on {what}: {text}"
                );
            }
            assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
        }
    }
    assert_eq!(sb.emu.requests(), 0);
}

#[test]
fn credentials_in_auth_url_are_a_config_error_and_never_printed() {
    let sb = Sandbox::new();
    let pass = "pa55w0rd";
    let urls = [
        format!("https://user:{pass}@protectapi.cylance.com/auth/v2/token"),
        sb.emu.url().replacen("://", &format!("://user:{pass}@"), 1),
    ];
    let check = |o: &Output, what: &str| {
        for text in [stdout(o), stderr(o)] {
            assert!(!text.contains(pass), "{what}: {text}");
        }
        assert!(!stderr(o).contains("panicked"), "{what}: {}", stderr(o));
    };
    for url in &urls {
        sb.write_config(
            &sandbox_profile(&sb, &inline_secret()).replace(&sb.emu.url(), url),
            0o600,
        );
        for args in [&["token"][..], &["-v", "token"], &["-vvv", "token"]] {
            let o = sb.bare().args(args).output().unwrap();
            assert_status(&o, 2);
            check(&o, &format!("{url} {args:?}"));
        }
        for args in [&["check"][..], &["-vvv", "check"], &["check", "--offline"]] {
            let o = sb.bare().args(args).output().unwrap();
            assert_ne!(o.status.code(), Some(0), "{url} {args:?}: {}", stdout(&o));
            check(&o, &format!("{url} {args:?}"));
        }
        // From the environment and the flag too.
        std::fs::remove_file(sb.config_path()).unwrap();
        let o = sb
            .cmd()
            .env("CYTOKEN_AUTH_URL", url)
            .args(["-v", "token"])
            .output()
            .unwrap();
        assert_status(&o, 2);
        check(&o, &format!("CYTOKEN_AUTH_URL={url}"));
        let o = sb
            .cmd()
            .args(["-v", "--auth-url", url, "token"])
            .output()
            .unwrap();
        assert_status(&o, 2);
        check(&o, &format!("--auth-url {url}"));
    }
    assert_eq!(
        sb.emu.requests(),
        0,
        "credentials were sent to the endpoint"
    );
}

#[test]
fn exec_strips_every_secret_source_from_the_child() {
    let sb = Sandbox::new();
    sb.write_config(&sandbox_profile(&sb, "app_secret_env = \"MYSEC\"\n"), 0o600);
    for with_override in [true, false] {
        let mut c = sb.bare();
        c.env("MYSEC", SECRET)
            .args(["exec", "--", "sh", "-c", "env"]);
        if with_override {
            c.env("CYTOKEN_APP_SECRET", SECRET);
        }
        let o = c.output().unwrap();
        assert_status(&o, 0);
        let env = stdout(&o);
        assert!(
            env.lines().any(|l| l.starts_with("CYTOKEN_ACCESS_TOKEN=")),
            "{env}"
        );
        for name in ["MYSEC=", "CYTOKEN_APP_SECRET="] {
            assert!(
                !env.lines().any(|l| l.starts_with(name)),
                "override {with_override}: the child got {name}"
            );
        }
        assert_no_secret(&o);
    }
}
