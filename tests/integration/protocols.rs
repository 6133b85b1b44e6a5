//! Bad requests on the helper protocols, on every OS: git's credential
//! request, docker's server URL and `KUBERNETES_EXEC_INFO` answer nothing or
//! one clean failure, never a panic or a secret.

use std::process::Output;

use crate::support::*;

/// Runs `cytoken <args>` with `input` on stdin (and extra env), returning output.
pub(crate) fn run_with(sb: &Sandbox, args: &[&str], env: &[(&str, &[u8])], input: &[u8]) -> Output {
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
