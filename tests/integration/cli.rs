//! The command line as a whole: bad flags and values, suggestions for
//! typos, and a scan of every command's output and failure for the secret
//! or a whole token.

use crate::config::assert_config_error;
use crate::protocols::run_with;
use crate::support::*;

#[test]
fn typos_get_suggestions() {
    let sb = Sandbox::new();
    sb.test().args(["tokne"]).stderr_has("'token'").status(2);
    sb.test()
        .args(["cache", "lsit"])
        .stderr_has("'list'")
        .status(2);
    sb.write_config("[profiles.default]\nscopess = [\"a:b\"]\n", 0o600);
    let o = sb.bare().arg("token").output().unwrap();
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("did you mean `scopes`?"),
        "{}",
        stderr(&o)
    );
    // `check` shows that config error once, not once per section.
    let o = sb.bare().arg("check").output().unwrap();
    assert_eq!(stdout(&o).matches("scopess").count(), 1, "{}", stdout(&o));
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
        sb.test().args(args).stdout("").no_secret().status(2);
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

#[test]
fn no_output_of_any_command_or_failure_holds_the_secret_or_a_whole_token() {
    let sb = Sandbox::new();
    let verbose: [(&str, &[u8]); 2] = [("CYTOKEN_LOG", b"trace"), ("CYTOKEN_LOG", b"3")];
    let mut outputs = Vec::new();
    let exec_info: &[u8] =
        b"{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\"}";
    for env in verbose {
        let mut run = |args: &[&str], input: &[u8], extra: &[(&str, &[u8])]| {
            let mut all = vec![env];
            all.extend_from_slice(extra);
            let mut a = vec!["-vvv"];
            a.extend_from_slice(args);
            outputs.push(run_with(&sb, &a, &all, input));
        };
        run(&["token"], b"", &[]);
        run(&["token", "--format", "json"], b"", &[]);
        run(&["--force-refresh"], b"", &[]);
        run(&["auth-token"], b"", &[]);
        run(&["check"], b"", &[]);
        run(&["cache", "list"], b"", &[]);
        run(
            &["git-credential", "get"],
            b"protocol=https\nhost=example.com\n",
            &[],
        );
        run(
            &["git-credential", "erase"],
            b"protocol=https\nhost=x\npassword=nope\n",
            &[],
        );
        run(&["docker-credential", "get"], b"registry.example.com", &[]);
        run(
            &["exec-credential"],
            b"",
            &[("KUBERNETES_EXEC_INFO", exec_info)],
        );
        run(&[&["exec", "--"][..], TRUE_PROGRAM].concat(), b"", &[]);
        run(
            &["token"],
            b"",
            &[("CYTOKEN_APP_SECRET", b"wrong-secret-value")],
        );
        run(&["--lifetime", "4000"], b"", &[]);
        run(&["--region", "nowhere"], b"", &[]);
        run(&["git-credential", "get"], b"host=\0", &[]);
        run(
            &["exec-credential"],
            b"",
            &[("KUBERNETES_EXEC_INFO", b"nope")],
        );
    }
    // Every token the emulator could have issued appears only where a protocol
    // asks for it (stdout of token/git/docker/kube), never on stderr.
    let mut tokens = std::collections::BTreeSet::new();
    for o in &outputs {
        assert_no_secret(o);
        for word in stdout(o).split(|c: char| c.is_whitespace() || "\"=,".contains(c)) {
            if word.starts_with("eyJ") && word.len() > 40 && sb.emu.verify_access_token(word) {
                tokens.insert(word.to_string());
            }
        }
    }
    assert!(!tokens.is_empty());
    for o in &outputs {
        for t in &tokens {
            assert!(
                !stderr(o).contains(t.as_str()),
                "whole token on stderr: {}",
                stderr(o)
            );
        }
    }
    // The verbose runs did say something.
    assert!(outputs.iter().any(|o| stderr(o).contains("cache hit")));
}
