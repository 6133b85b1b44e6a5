//! The invariants of every parser that reads outside input, in one place: the
//! proptest properties (`properties.rs`) and the cargo-fuzz targets (`fuzz/`,
//! which include this file by path) both drive these checkers, so the two
//! cannot drift apart. A checker panics when an invariant does not hold.
//!
//! Only cytoken, serde, serde_json, toml and tempfile may be used here: the fuzz
//! crate builds this file too, without the test crate's other dependencies.

use std::path::Path;

use cytoken::testing::broker::Token;
use cytoken::testing::cache::{self, Found};
use cytoken::testing::config::{self, GitAuth};
use cytoken::testing::protocol::docker::{self, Outcome};
use cytoken::testing::protocol::git::{self, Form, Policy, Request};
use cytoken::testing::protocol::kube::{self, ApiVersion};
use cytoken::testing::secret::Secret;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub const V1: &str = "client.authentication.k8s.io/v1";
pub const V1BETA1: &str = "client.authentication.k8s.io/v1beta1";
/// The path config errors are checked to name.
pub const CONFIG: &str = "/etc/cytoken/config.toml";

// ---------------------------------------------------------------------------
// git

/// Checks git's credential request parser on `data`, when it parses: no value
/// holds LF or NUL, and every attribute that is set was named at the start of a
/// line (so `host=a\rpassword=x` never sets a password: CVE-2024-52006); a
/// final line without LF parses as if it had one, and CRLF input like its LF
/// twin (one trailing CR per line is stripped).
pub fn check_git_request(data: &[u8]) {
    let Ok(req) = git::parse_request(data) else {
        return;
    };
    let single = [
        ("protocol", req.protocol.as_deref()),
        ("host", req.host.as_deref()),
        ("path", req.path.as_deref()),
        ("username", req.username.as_deref()),
        ("password", exposed(req.password.as_ref())),
        ("authtype", req.authtype.as_deref()),
        ("credential", exposed(req.credential.as_ref())),
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

/// A token-holding attribute of a git request, as a check compares it.
fn exposed(v: Option<&Secret>) -> Option<&str> {
    v.map(|s| s.expose().as_str())
}

/// Whether `key=` starts a line of `data` (before the first blank line).
fn named_at_line_start(data: &[u8], key: &str) -> bool {
    let prefix = format!("{key}=");
    data.split(|&b| b == b'\n')
        .take_while(|l| !l.is_empty() && *l != b"\r")
        .any(|l| l.starts_with(prefix.as_bytes()))
}

/// Checks git's answer to `req`, and returns whether there was one. A reason not
/// to answer (logged at `-v`) holds no control character, though it quotes the
/// request's protocol or host; `answer` refuses exactly the answers whose values
/// hold CR, LF or NUL; an answer, `render`ed, parses back to the same username
/// and password (Basic) or authtype and credential (Bearer), and to nothing
/// else: no protocol, host, path or url.
pub fn check_git_answer(req: &Request, token: &Token, policy: &Policy) -> bool {
    let unsafe_value = |v: &str| v.contains(['\n', '\r', '\0']);
    let answered = git::answer(req, token, policy);
    let reason = git::skip_reason(req, policy);
    if let Some(why) = &reason {
        // Logged at -v: the request's protocol and host must not reach stderr raw.
        assert!(!why.contains(char::is_control), "{why:?}");
    }
    let skipped = reason.is_some();
    let lines = match answered {
        Ok(None) => {
            assert!(skipped, "no answer, but no reason to skip");
            return false;
        }
        Err(_) => {
            assert!(!skipped, "an error for a request that is skipped anyway");
            let user = req
                .username
                .as_deref()
                .filter(|u| !u.is_empty())
                .unwrap_or(policy.username);
            assert!(
                unsafe_value(token.access_token.expose()) || unsafe_value(user),
                "a safe answer was refused"
            );
            return false;
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
    match git::form(req, policy) {
        Form::Basic => {
            let user = req
                .username
                .as_deref()
                .filter(|u| !u.is_empty())
                .unwrap_or(policy.username);
            assert_eq!(back.username.as_deref(), Some(user));
            assert_eq!(
                exposed(back.password.as_ref()),
                Some(token.access_token.expose().as_str())
            );
            assert_eq!(back.credential, None);
            assert_eq!(back.authtype, None);
        }
        Form::Bearer => {
            assert!(
                req.has_capability("authtype"),
                "Bearer to a git that cannot take it"
            );
            assert_ne!(policy.git_auth, GitAuth::Basic);
            assert_eq!(back.authtype.as_deref(), Some("Bearer"));
            assert_eq!(
                exposed(back.credential.as_ref()),
                Some(token.access_token.expose().as_str())
            );
            assert_eq!(back.capabilities, ["authtype"]);
            assert_eq!(back.username, None);
            assert_eq!(back.password, None);
        }
    }
    true
}

// ---------------------------------------------------------------------------
// docker

/// Checks docker's request reader on `data`: it accepts exactly the UTF-8
/// inputs, trimmed; anything else is a one-line `Failed`.
pub fn check_docker_request(data: &[u8]) {
    match docker::read_request(data) {
        Ok(s) => {
            let text = std::str::from_utf8(data).expect("accepted input is UTF-8");
            assert_eq!(s, text.trim());
        }
        Err(Outcome::Failed(msg)) => {
            assert!(
                std::str::from_utf8(data).is_err(),
                "valid UTF-8 refused: {msg}"
            );
            assert!(!msg.contains('\n'));
        }
        Err(other) => panic!("read_request ended with {other:?}"),
    }
}

/// Checks `normalise` on `input`: see [`check_docker_host`].
pub fn check_docker_normalise(input: &str) {
    if let Some(host) = docker::normalise(input) {
        check_docker_host(input, &host);
    }
}

/// Checks a normalised docker host (`host[:port]`, or `http://host[:port]` for
/// plain http): non-empty, lowercase, no path, userinfo, whitespace, control
/// character or trailing dot, idempotent, and matched by `docker_hosts` as
/// documented (a list holding it allows it, an empty list allows nothing, no
/// list allows every https host and loopback http, `*.h` covers `x.h` but not
/// `h`).
pub fn check_docker_host(input: &str, host: &str) {
    assert!(!host.is_empty());
    assert_eq!(
        host,
        host.to_ascii_lowercase(),
        "not lowercase (from {input:?})"
    );
    let (scheme, authority) = match host.strip_prefix("http://") {
        Some(rest) => ("http://", rest),
        None => ("", host),
    };
    assert!(
        !authority.is_empty(),
        "no host in {host:?} (from {input:?})"
    );
    assert!(
        !authority.contains(|c: char| c == '/' || c == '@' || c.is_whitespace() || c.is_control()),
        "{host:?} (from {input:?})"
    );
    assert!(
        !host.ends_with('.'),
        "trailing dot in {host:?} (from {input:?})"
    );
    let name = if authority.starts_with('[') {
        &authority[..=authority.find(']').expect("a bracketed address is closed")]
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    let loopback = name == "localhost"
        || name == "[::1]"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback());
    assert_eq!(
        docker::allowed(None, host),
        scheme.is_empty() || loopback,
        "no docker_hosts: {host:?} (from {input:?})"
    );
    assert!(!docker::allowed(Some(&[]), host));
    // Idempotent (`http://h:443` keeps its scheme, so stays itself), and so
    // matched by a docker_hosts entry equal to it.
    assert_eq!(
        docker::normalise(host).as_deref(),
        Some(host),
        "normalise is not idempotent on {input:?}"
    );
    assert!(docker::allowed(Some(&[host.to_owned()]), host));
    if !authority.starts_with('[') {
        let wildcard = [format!("{scheme}*.{authority}")];
        let below = format!("{scheme}sub.{authority}");
        assert!(docker::allowed(Some(&wildcard), &below), "{wildcard:?}");
        assert!(!docker::allowed(Some(&wildcard), host));
    }
}

/// Checks the `get` answer: one line of JSON that gives back its three fields.
pub fn check_docker_answer(server: &str, user: &str, secret: &str) {
    let json = docker::credentials_json(server, user, secret);
    assert!(
        json.ends_with('\n') && json.matches('\n').count() == 1,
        "{json:?}"
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("the answer is JSON");
    assert_eq!(v["ServerURL"], server);
    assert_eq!(v["Username"], user);
    assert_eq!(v["Secret"], secret);
}

// ---------------------------------------------------------------------------
// KUBERNETES_EXEC_INFO

/// What `parse_exec_info` must answer: the version for a JSON object whose kind
/// is ExecCredential and whose apiVersion is one of the two, else an error.
pub fn expected_api(text: &str) -> Option<ApiVersion> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let obj = v.as_object()?;
    if obj.get("kind")?.as_str()? != "ExecCredential" {
        return None;
    }
    match obj.get("apiVersion")?.as_str()? {
        V1 => Some(ApiVersion::V1),
        V1BETA1 => Some(ApiVersion::V1beta1),
        _ => None,
    }
}

/// Checks `parse_exec_info` on `text`: Ok exactly as [`expected_api`] says, and
/// every refusal a usage error (exit 2) on one short line.
pub fn check_exec_info(text: &str) {
    match kube::parse_exec_info(Some(text)) {
        Ok(api) => assert_eq!(Some(api), expected_api(text), "accepted {text:?}"),
        Err(e) => {
            assert_eq!(expected_api(text), None, "refused a valid request: {e}");
            assert_eq!(e.exit_code(), 2);
            let msg = e.to_string();
            assert!(
                !msg.contains(char::is_control),
                "not one clean line: {msg:?}"
            );
            assert!(msg.chars().count() < 400, "too long: {msg:?}");
        }
    }
}

/// Checks the ExecCredential answer: one line of JSON in the requested
/// apiVersion that gives the token back unchanged, with an RFC 3339 UTC expiry
/// whenever the expiry is within years 0000..=9999 (all a real expiry can be).
pub fn check_exec_credential(api: ApiVersion, token: &Token) {
    let out = kube::credential(api, token).expect("a credential encodes");
    assert!(!out.contains('\n'));
    let v: serde_json::Value = serde_json::from_str(&out).expect("the answer is JSON");
    assert_eq!(v["kind"], "ExecCredential");
    assert_eq!(v["apiVersion"], api.as_str());
    assert_eq!(v["status"]["token"], token.access_token.expose().as_str());
    let ts = v["status"]["expirationTimestamp"]
        .as_str()
        .expect("a timestamp");
    if (-62_167_219_200..=253_402_300_799).contains(&token.refresh_at) {
        assert!(ts.ends_with('Z') && ts.len() == 20, "{ts}");
    }
}

// ---------------------------------------------------------------------------
// config

/// Checks `parse_file` on `text`: a file it accepts is valid TOML, and reads
/// the same through `load_selected` (see [`check_config_slice`]) for no
/// selection, `p` and `a`; every refusal is a configuration error (exit 2) on
/// one line, free of control characters, that starts with the file's path and,
/// when it names a line, names one the file has.
pub fn check_config(text: &str) {
    match config::parse_file(text, Path::new(CONFIG)) {
        Ok(_) => {
            assert!(
                toml::from_str::<toml::Table>(text).is_ok(),
                "accepted invalid TOML"
            );
            for requested in [None, Some("p"), Some("a")] {
                check_config_slice(text, requested);
            }
        }
        Err(e) => {
            assert_eq!(e.exit_code(), 2);
            let msg = e.to_string();
            assert!(
                !msg.contains(char::is_control),
                "not one clean line: {msg:?}"
            );
            let rest = msg
                .strip_prefix(CONFIG)
                .unwrap_or_else(|| panic!("does not name the file: {msg:?}"));
            if let Some(after) = rest.strip_prefix(':') {
                let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
                if !digits.is_empty() {
                    let line: usize = digits.parse().expect("a line number");
                    let lines = text.matches('\n').count() + 1;
                    assert!((1..=lines).contains(&line), "line {line} of {lines}: {msg}");
                }
            }
        }
    }
}

/// `load_selected` may parse only the slice of the file a selection needs, but
/// must then read that selection exactly as the whole file reads it: the same
/// default profile and the same wanted profile (or none).
pub fn check_config_slice(text: &str, requested: Option<&str>) {
    let Ok(full) = config::parse_file(text, Path::new(CONFIG)) else {
        // A mistake elsewhere in the file may be skipped by the slice: nothing
        // to compare with.
        return;
    };
    let dir = tempfile::tempdir().expect("a scratch directory");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).expect("write the scratch file");
    let selected = config::load_selected(&path, requested, Some(dir.path()))
        .unwrap_or_else(|e| panic!("the whole file parses, the selection does not: {e}"));
    let wanted = requested
        .map(str::to_owned)
        .or_else(|| full.default_profile.clone())
        .unwrap_or_else(|| "default".to_owned());
    assert_eq!(
        selected.default_profile, full.default_profile,
        "default_profile differs for {text:?}"
    );
    assert_eq!(
        format!("{:?}", selected.profiles.get(&wanted)),
        format!("{:?}", full.profiles.get(&wanted)),
        "profile {wanted} differs for {text:?}"
    );
}

// ---------------------------------------------------------------------------
// cache

/// Checks the cache file decoder on `data` as each record type: see
/// [`check_decode`].
pub fn check_cache_entry(data: &[u8]) {
    check_decode::<cache::Entry>(data);
    check_decode::<cache::Failure>(data);
    check_decode::<cache::Handout>(data);
}

/// `decode` never says `Missing` (that is for absent files), its refusals are
/// one line, and whatever it accepts round-trips (see [`check_cache_round_trip`]).
pub fn check_decode<T>(data: &[u8])
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    match cache::decode::<T>(data) {
        Found::Ok(v) => check_cache_round_trip(&v),
        Found::Untrusted(why) => assert!(!why.to_string().contains('\n'), "{why:?}"),
        Found::Missing => panic!("decode said Missing"),
    }
}

/// Written compact or pretty (as `Cache::write` writes entries), a value decodes
/// equal.
pub fn check_cache_round_trip<T>(v: &T)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    for bytes in [
        serde_json::to_vec(v).expect("serialises"),
        serde_json::to_vec_pretty(v).expect("serialises"),
    ] {
        match cache::decode::<T>(&bytes) {
            Found::Ok(back) => assert_eq!(&back, v),
            other => panic!("{v:?} re-encoded does not decode: {other:?}"),
        }
    }
}

/// A cache record built from JSON, so fields added with a serde default
/// (`Failure::unavailable`, `Handout::replaced`) need no change to the callers.
pub fn record<T: DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("a cache record")
}
