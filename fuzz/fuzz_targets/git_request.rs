//! git credential request parser and answer writer.
//!
//! Invariants, beyond "no panic":
//! - a parsed request's values never hold LF or NUL, and every attribute that is
//!   set was named at the start of an input line (`host=a\rpassword=x` must never
//!   set a password: CVE-2024-52006);
//! - a request without a line break parses like the same line with one added, and
//!   a CRLF request like its LF twin (one trailing CR per line is stripped);
//! - the same bytes, read as an answer built by `answer` and written by `render`,
//!   parse back to the same username/password or authtype/credential, with no
//!   attribute (protocol, host, path, url) the answer did not mean to send;
//! - `answer` refuses exactly the answers whose values hold CR, LF or NUL;
//! - a reason not to answer (logged at `-v`) holds no control character, though
//!   it quotes the request's protocol or host.
#![no_main]

use cytoken::broker::Token;
use cytoken::config::GitAuth;
use cytoken::protocol::git::{self, Policy, Request};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check_parse(data);
    let _ = round_trip(&mut Unstructured::new(data));
});

fn check_parse(data: &[u8]) {
    let Ok(req) = git::parse_request(data) else {
        return;
    };
    let single = [
        ("protocol", &req.protocol),
        ("host", &req.host),
        ("path", &req.path),
        ("username", &req.username),
        ("password", &req.password),
        ("authtype", &req.authtype),
        ("credential", &req.credential),
    ];
    for (key, value) in single {
        if let Some(v) = value {
            assert!(!v.contains(['\n', '\0']), "{key} holds LF or NUL");
            assert!(
                named_at_line_start(data, key),
                "{key} set without a {key}= line"
            );
        }
    }
    for (key, values) in [
        ("capability[]", &req.capabilities),
        ("wwwauth[]", &req.wwwauth),
    ] {
        for v in values {
            assert!(!v.contains(['\n', '\0']), "{key} holds LF or NUL");
        }
        if !values.is_empty() {
            assert!(
                named_at_line_start(data, key),
                "{key} set without a {key}= line"
            );
        }
    }
    // A final line without LF parses as if it had one.
    if !data.ends_with(b"\n") {
        let mut with_lf = data.to_vec();
        with_lf.push(b'\n');
        assert_eq!(git::parse_request(&with_lf).ok(), Some(req.clone()));
    }
    // CRLF input parses like its LF twin.
    let segments: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    let last = segments.len() - 1;
    let crlf: Vec<u8> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut s = s.to_vec();
            // Lines that already end in CR, and the empty tail after a final LF,
            // stay as they are.
            let as_is = s.ends_with(b"\r") || (i == last && s.is_empty());
            if !as_is {
                s.push(b'\r');
            }
            s
        })
        .collect::<Vec<_>>()
        .join(&b'\n');
    assert_eq!(git::parse_request(&crlf).ok(), Some(req));
}

/// Whether `key=` starts a line of `data` (before the first blank line).
fn named_at_line_start(data: &[u8], key: &str) -> bool {
    let prefix = format!("{key}=");
    data.split(|&b| b == b'\n')
        .take_while(|l| !l.is_empty() && *l != b"\r")
        .any(|l| l.starts_with(prefix.as_bytes()))
}

fn round_trip(u: &mut Unstructured) -> Result<()> {
    let protocol = match u.int_in_range(0..=3)? {
        0 => None,
        1 => Some("https".to_owned()),
        2 => Some("http".to_owned()),
        _ => Some(u.arbitrary::<String>()?),
    };
    let host = match u.int_in_range(0..=3)? {
        0 => None,
        1 => Some("example.com".to_owned()),
        2 => Some("127.0.0.1:8080".to_owned()),
        _ => Some(u.arbitrary::<String>()?),
    };
    let username: Option<String> = u.arbitrary()?;
    let mut capabilities = Vec::new();
    if u.arbitrary()? {
        capabilities.push("authtype".to_owned());
    }
    let wwwauth: Vec<String> = u.arbitrary()?;
    let req = Request {
        protocol,
        host,
        username,
        capabilities,
        wwwauth,
        ..Request::default()
    };
    let git_auth = *u.choose(&[GitAuth::Auto, GitAuth::Basic, GitAuth::Bearer])?;
    let hosts: Option<Vec<String>> = u.arbitrary()?;
    let default_user: String = u.arbitrary()?;
    let token = Token {
        access_token: u.arbitrary()?,
        expires_at: u.arbitrary()?,
        refresh_at: u.arbitrary()?,
        cached: u.arbitrary()?,
        clock_skew: u.arbitrary()?,
    };
    let policy = Policy {
        username: &default_user,
        git_auth,
        git_hosts: hosts.as_deref(),
    };

    let unsafe_value = |v: &str| v.contains(['\n', '\r', '\0']);
    let answered = git::answer(&req, &token, &policy);
    let reason = git::skip_reason(&req, &policy);
    if let Some(why) = &reason {
        // Logged at -v: the request's protocol and host must not reach stderr raw.
        assert!(!why.contains(char::is_control), "{why:?}");
    }
    let skipped = reason.is_some();
    let lines = match answered {
        Ok(None) => {
            assert!(skipped, "no answer, but no reason to skip");
            return Ok(());
        }
        Err(_) => {
            assert!(!skipped, "an error for a request that is skipped anyway");
            let user = req
                .username
                .as_deref()
                .filter(|u| !u.is_empty())
                .unwrap_or(&default_user);
            assert!(
                unsafe_value(&token.access_token) || unsafe_value(user),
                "a safe answer was refused"
            );
            return Ok(());
        }
        Ok(Some(lines)) => lines,
    };
    assert!(!skipped, "answered a request that should be skipped");
    assert!(
        !lines.iter().any(|(k, _)| *k == "url"),
        "answer names a url"
    );
    let text = git::render(&lines);
    let back = git::parse_request(text.as_bytes()).expect("a rendered answer parses");
    assert_eq!(back.protocol, None);
    assert_eq!(back.host, None);
    assert_eq!(back.path, None);
    assert!(back.wwwauth.is_empty());
    let expiry = lines
        .iter()
        .find(|(k, _)| *k == "password_expiry_utc")
        .map(|(_, v)| v.as_str());
    assert_eq!(expiry, Some(token.refresh_at.to_string().as_str()));
    match git::form(&req, &policy) {
        git::Form::Basic => {
            let user = req
                .username
                .clone()
                .filter(|u| !u.is_empty())
                .unwrap_or(default_user.clone());
            assert_eq!(back.username, Some(user));
            assert_eq!(back.password.as_deref(), Some(token.access_token.as_str()));
            assert_eq!(back.credential, None);
            assert_eq!(back.authtype, None);
        }
        git::Form::Bearer => {
            assert!(
                req.has_capability("authtype"),
                "Bearer to a git that cannot take it"
            );
            assert_ne!(git_auth, GitAuth::Basic);
            assert_eq!(back.authtype.as_deref(), Some("Bearer"));
            assert_eq!(
                back.credential.as_deref(),
                Some(token.access_token.as_str())
            );
            assert_eq!(back.capabilities, ["authtype"]);
            assert_eq!(back.username, None);
            assert_eq!(back.password, None);
        }
    }
    Ok(())
}
