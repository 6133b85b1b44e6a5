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

/// Runs `cytoken <args>` with `input` on stdin (and extra env), returning output.
fn run_with(sb: &Sandbox, args: &[&str], env: &[(&str, &[u8])], input: &[u8]) -> Output {
    let mut cmd = sb.cmd();
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, os_value(v));
    }
    feed(cmd, input)
}

/// An environment value of these bytes.
#[cfg(unix)]
fn os_value(v: &[u8]) -> std::ffi::OsString {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(v).to_os_string()
}

/// Windows' environment is UTF-16: bytes that are not UTF-8 become what is
/// not valid UTF-16 there (a lone surrogate), then the rest.
#[cfg(windows)]
fn os_value(v: &[u8]) -> std::ffi::OsString {
    use std::os::windows::ffi::OsStringExt;
    if let Ok(s) = std::str::from_utf8(v) {
        s.into()
    } else {
        let mut w = vec![0xD800];
        w.extend(String::from_utf8_lossy(v).encode_utf16());
        std::ffi::OsString::from_wide(&w)
    }
}

#[track_caller]
fn assert_clean_failure(o: &Output) {
    let e = stderr(o);
    assert!(!e.contains("panicked"), "{e}");
    assert!(e.lines().count() <= 1, "one line: {e}");
    assert_no_secret(o);
}

#[test]
fn git_bad_requests_answer_nothing() {
    let sb = Sandbox::new();
    let four_mib = {
        let mut v = b"protocol=https\nhost=example.com\nusername=".to_vec();
        v.resize(4 << 20, b'a');
        v
    };
    let cases: [(&str, &[u8]); 6] = [
        ("empty", b""),
        ("binary", &[0xde, 0xad, 0xbe, 0xef, 0xff, b'\n']),
        ("no equals", b"protocol=https\nhost example.com\n"),
        ("nul", b"protocol=https\nhost=exa\0mple.com\n"),
        ("lone cr", b"protocol=https\nhost=a\rpassword=x\n"),
        ("4 MiB", &four_mib),
    ];
    for (what, input) in cases {
        let o = run_with(&sb, &["git-credential", "get"], &[], input);
        assert!(stdout(&o).is_empty(), "{what}: {}", stdout(&o));
        assert_clean_failure(&o);
    }
    // An answer is only given for a real request, and never echoes the input.
    let o = run_with(
        &sb,
        &["git-credential", "get"],
        &[],
        b"protocol=https\nhost=example.com\n\n",
    );
    assert_status(&o, 0);
    assert!(
        stdout(&o).starts_with("username=x-access-token\npassword="),
        "{}",
        stdout(&o)
    );
    assert_eq!(sb.emu.requests(), 1);
}

#[test]
fn docker_bad_requests_fail_on_stdout() {
    let sb = Sandbox::new();
    let big = vec![b'a'; 4 << 20];
    let cases: [(&str, &[u8]); 4] = [
        ("empty", b""),
        ("non-utf8", &[0xff, 0xfe, b'h', b'o', b's', b't']),
        ("json garbage", b"{\"ServerURL\": [1, 2"),
        ("4 MiB", &big),
    ];
    for (what, input) in cases {
        let o = run_with(&sb, &["docker-credential", "get"], &[], input);
        assert_status(&o, 1);
        let out = stdout(&o);
        assert_eq!(out.lines().count(), 1, "{what}: {out}");
        assert!(!out.contains("panicked"), "{what}: {out}");
        assert_clean_failure(&o);
    }
    assert_eq!(sb.emu.requests(), 0);
}

#[test]
fn exec_info_bad_values_exit_2_with_nothing_on_stdout() {
    let sb = Sandbox::new();
    // The kernel refuses a single environment string over 128 KiB
    // (MAX_ARG_STRLEN), so no parent can pass 4 MiB: the 1 MiB bound is tested
    // in-process (protocol::kube). The largest value a parent can pass:
    let big = format!("{{\"kind\":\"Pod\",\"x\":\"{}\"}}", "a".repeat(127 << 10));
    let cases: [(&str, &[u8]); 6] = [
        ("not json", b"{kind: ExecCredential"),
        (
            "wrong kind",
            b"{\"kind\":\"Pod\",\"apiVersion\":\"client.authentication.k8s.io/v1\"}",
        ),
        ("missing apiVersion", b"{\"kind\":\"ExecCredential\"}"),
        (
            "unknown apiVersion",
            b"{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v2\"}",
        ),
        ("non-utf8", &[0xff, b'{', b'}']),
        ("127 KiB", big.as_bytes()),
    ];
    for (what, info) in cases {
        let o = run_with(
            &sb,
            &["exec-credential"],
            &[("KUBERNETES_EXEC_INFO", info)],
            b"",
        );
        assert_status(&o, 2);
        assert!(stdout(&o).is_empty(), "{what}");
        assert_eq!(stderr(&o).lines().count(), 1, "{what}: {}", stderr(&o));
        assert_clean_failure(&o);
    }
    assert_eq!(sb.emu.requests(), 0);
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
