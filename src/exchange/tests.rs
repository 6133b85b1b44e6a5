//! Unit tests of the parent module.

use super::response::{clock_skew, expiry, jwt_exp};
use super::*;
use crate::clock::parse_http_date;
use crate::endpoint::check_auth_url;
use crate::error::Kind;
use crate::redact::Redactor;
use cytoken_emulator::{Emulator, Fault, ISSUER};
use serde_json::{Value, json};
use std::io::Write;
use std::net::TcpListener;

fn jwt(exp: i64) -> String {
    let claims = serde_json::json!({ "sub": "app", "exp": exp, "iat": exp - 60 });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(b"test-secret").expect("key"),
    )
    .expect("encode test JWT")
}

#[test]
fn auth_url_rules() {
    for ok in [
        "https://protectapi.cylance.com/auth/v2/token",
        "HTTPS://protectapi-euc1.cylance.com/auth/v2/token",
        "http://127.0.0.5/auth/v2/token",
        "http://localhost:8080/auth/v2/token",
        "http://LocalHost/x",
        "http://[::1]:9/auth/v2/token",
    ] {
        assert_eq!(check_auth_url(ok), Ok(()), "{ok}");
    }
    for (bad, names) in [
        ("http://example.com/auth/v2/token", "example.com"),
        (
            "http://127.0.0.1.evil.com/auth/v2/token",
            "127.0.0.1.evil.com",
        ),
        ("http://127.0.0.1@evil.com/auth/v2/token", "evil.com"),
        ("http://10.0.0.1/auth", "10.0.0.1"),
        ("http://[::ffff:127.0.0.1]/x", "[::ffff:127.0.0.1]"),
        ("ftp://example.com/auth/v2/token", "example.com"),
    ] {
        match check_auth_url(bad) {
            Err(e) if e.kind() == Kind::Config => {
                let m = e.to_string();
                assert!(m.contains(names), "{bad}: {m}");
                assert!(m.contains("https"), "{bad}: {m}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    for garbage in [
        "",
        "not a url",
        "protectapi.cylance.com",
        "https://",
        "://x",
    ] {
        assert!(
            check_auth_url(garbage).is_err_and(|e| e.kind() == Kind::Config),
            "{garbage:?}"
        );
    }
}

#[test]
fn jwt_exp_reads_real_tokens_only() {
    assert_eq!(jwt_exp(&jwt(1_900_000_000)), Some(1_900_000_000));
    assert_eq!(jwt_exp("garbage"), None);
    assert_eq!(jwt_exp("a.b.c"), None);
    assert_eq!(jwt_exp(""), None);
    // No exp claim.
    let no_exp = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &serde_json::json!({ "sub": "x" }),
        &jsonwebtoken::EncodingKey::from_secret(b"k").expect("key"),
    )
    .expect("encode");
    assert_eq!(jwt_exp(&no_exp), None);
    assert_eq!(jwt_exp(&format!("{no_exp}.extra")), None);
}

#[test]
fn http_dates_and_clock_skew() {
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777)
    );
    let mut headers = HeaderMap::new();
    headers.insert(
        ureq::http::header::DATE,
        "Sun, 06 Nov 1994 08:49:37 GMT".parse().expect("header"),
    );
    assert_eq!(clock_skew(&headers, 784_111_777 + 600), Some(600));
}

#[test]
fn snippets_never_carry_tokens() {
    let token = jwt(2_000_000_000);
    let body = format!("<html>\n\x1b[31merror</html> token={token} and {token}");
    let s = Redactor::new().clean(&body, SNIPPET_CHARS);
    assert!(!s.contains(&token), "{s}");
    assert!(!s.contains('\x1b') && !s.contains('\n'), "{s}");
    assert!(s.contains("(redacted)"), "{s}");
    let long = "x".repeat(500);
    assert!(Redactor::new().clean(&long, SNIPPET_CHARS).chars().count() <= SNIPPET_CHARS + 1);
    assert!(sanitize(&"y ".repeat(300), 100).ends_with('…'));
}

// ---- exchanges against the emulator ----

const TENANT: &str = "00000000-0000-0000-0000-000000000000";
const APP: &str = "11111111-1111-1111-1111-111111111111";
const SECRET: &str = "s3cret-app-key";

fn emulator() -> Emulator {
    let emu = Emulator::start().expect("start emulator");
    emu.register_app(TENANT, APP, SECRET);
    emu
}

/// An auth token the emulator accepts when `secret` is the app's and `exp` is at
/// most 30 minutes away: HS256, the service's claims, iat now, a fresh jti; plus
/// `extra` claims.
fn auth_token(secret: &str, exp: i64, extra: &Value) -> String {
    let mut claims = json!({
        "iss": ISSUER,
        "sub": APP,
        "tid": TENANT,
        "iat": now(),
        "exp": exp,
        "jti": uuid::Uuid::new_v4().to_string(),
    });
    if let (Some(claims), Some(extra)) = (claims.as_object_mut(), extra.as_object()) {
        claims.extend(extra.clone());
    }
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()).expect("key"),
    )
    .expect("sign auth token")
}

fn endpoint(url: &str, timeout: Duration) -> Endpoint {
    Endpoint {
        auth_url: url.to_string(),
        ca_file: None,
        timeout,
        connect_timeout: Duration::from_secs(2),
        max_token: crate::cache::MAX_TOKEN,
    }
}

/// Runs an exchange whose mint signs with `secret` and `extra` claims; returns
/// the result and every auth token minted, in order.
fn run_with(
    url: &str,
    timeout: Duration,
    requested_exp: i64,
    secret: &str,
    extra: &Value,
) -> (Result<Exchanged>, Vec<String>) {
    let mut minted = Vec::new();
    let mut mint = || {
        let token = auth_token(secret, requested_exp, extra);
        minted.push(token.clone());
        Ok((token, requested_exp))
    };
    let result = exchange(&endpoint(url, timeout), &mut mint);
    (result, minted)
}

/// Runs an exchange with good auth tokens.
fn run(url: &str, timeout: Duration, requested_exp: i64) -> (Result<Exchanged>, Vec<String>) {
    run_with(url, timeout, requested_exp, SECRET, &json!({}))
}

/// The error and its message, which must not carry any minted auth token (nor
/// its payload or signature alone).
fn message(result: Result<Exchanged>, minted: &[String]) -> (Error, String) {
    let e = result.expect_err("an error");
    let m = e.to_string();
    for token in minted {
        for part in token.split('.').skip(1) {
            assert!(!m.contains(part), "auth token leaked: {m}");
        }
    }
    (e, m)
}

/// The `auth_token` of the last request the emulator read.
fn last_auth_token(emu: &Emulator) -> String {
    let request = emu.last_request().expect("a request");
    let body: Value = serde_json::from_slice(&request.body).expect("json body");
    body["auth_token"].as_str().expect("auth_token").to_owned()
}

const TEN_S: Duration = Duration::from_secs(10);

#[test]
fn happy_path_takes_the_earliest_expiry() {
    let emu = emulator();
    let now = now();
    // A real exchange: the emulator verifies the auth token and issues an access
    // token expiring with it.
    let (result, minted) = run(&emu.url(), TEN_S, now + 1800);
    let got = result.expect("exchange");
    assert_eq!(minted.len(), 1);
    assert!(emu.verify_access_token(got.access_token.expose()));
    assert_eq!((emu.requests(), emu.issued()), (1, 1));
    assert_eq!(got.expires_at, now + 1800, "{got:?}");
    assert!(got.clock_skew.is_some_and(|s| s.abs() <= 2), "{got:?}");
    assert!(!format!("{got:?}").contains(got.access_token.expose()));

    let req = emu.last_request().expect("a request");
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", "/auth/v2/token")
    );
    assert_eq!(
        req.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_eq!(
        req.header("user-agent"),
        Some(concat!("cytoken/", env!("CARGO_PKG_VERSION")))
    );
    let body: Value = serde_json::from_slice(&req.body).expect("json body");
    assert_eq!(body, json!({ "auth_token": minted[0] }));

    // A shorter access token exp and a still shorter expires_in: the earliest wins.
    let access = jwt(now + 1200);
    emu.push_fault(Fault::status(
        200,
        json!({ "access_token": access, "expires_in": 900 }).to_string(),
    ));
    let (result, minted) = run(&emu.url(), TEN_S, now + 1800);
    let got = result.expect("exchange");
    assert_eq!(minted.len(), 1);
    assert_eq!(got.access_token.expose(), &access);
    assert!((now + 899..=now + 902).contains(&got.expires_at), "{got:?}");
    assert!(!format!("{got:?}").contains(&access));
}

#[test]
fn expiry_without_hints_is_the_requested_one() {
    let emu = emulator();
    let now = now();
    // Not a JWT and no expires_in: only the requested exp bounds it.
    emu.push_fault(Fault::status(200, r#"{"access_token":"opaque-token"}"#));
    let (result, _) = run(&emu.url(), TEN_S, now + 600);
    assert_eq!(result.expect("exchange").expires_at, now + 600);
    // The access token's own exp wins when it is earlier.
    assert_eq!(expiry(now + 1800, &jwt(now + 100), None, now), now + 100);
}

#[test]
fn unauthorized_with_skewed_clock_says_so() {
    let emu = emulator();
    // The server's clock is 10 minutes behind: our fresh iat is in its future.
    emu.set_clock_skew(-600);
    let (result, minted) = run(&emu.url(), TEN_S, now() + 1800);
    let (e, m) = message(result, &minted);
    assert_eq!(minted.len(), 1, "401 is not retried");
    let rejection = emu.last_rejection();
    assert!(
        rejection
            .as_ref()
            .is_some_and(|(status, why)| *status == 401 && why.contains("iat")),
        "{rejection:?}"
    );
    assert!(e.kind() == Kind::Rejected(401), "{e:?}");
    assert_eq!(e.exit_code(), 3);
    assert!(m.contains("401 Unauthorized"), "{m}");
    assert!(m.contains("Invalid JWT payload"), "{m}");
    assert!(m.contains("app_id, tenant_id and the app secret"), "{m}");
    assert!(m.contains("clock") && m.contains("(ahead)"), "{m}");
    assert!(m.contains("NTP"), "{m}");
}

#[test]
fn unauthorized_with_good_clock_does_not_blame_it() {
    let emu = emulator();
    let (result, minted) = run_with(&emu.url(), TEN_S, now() + 1800, "wrong", &json!({}));
    let (e, m) = message(result, &minted);
    assert!(e.kind() == Kind::Rejected(401), "{e:?}");
    let rejection = emu.last_rejection();
    assert!(
        rejection
            .as_ref()
            .is_some_and(|(_, why)| why.contains("signature")),
        "{rejection:?}"
    );
    assert!(!m.contains("clock"), "{m}");
}

#[test]
fn forbidden_and_bad_request_explain_themselves() {
    let emu = emulator();
    emu.allow_scopes(APP, &["device:list"]);
    let scp = json!({ "scp": ["policy:delete"] });
    let (result, minted) = run_with(&emu.url(), TEN_S, now() + 1800, SECRET, &scp);
    let (e, m) = message(result, &minted);
    assert!(e.kind() == Kind::Rejected(403), "{e:?}");
    assert!(m.contains("policy:delete") && m.contains("scopes"), "{m}");

    // A lifetime over the service's limit, refused by the emulator's own check.
    let (result, minted) = run(&emu.url(), TEN_S, now() + 3600);
    let (e, m) = message(result, &minted);
    assert!(e.kind() == Kind::Rejected(400), "{e:?}");
    assert!(
        m.contains("exceeds the maximum of 1800 s") && m.contains("1800 s limit"),
        "{m}"
    );

    // A body that is not JSON is quoted as is.
    emu.push_fault(Fault::Status {
        status: 400,
        body: "lifetime too long".into(),
        headers: vec![("Content-Type".into(), "text/plain".into())],
    });
    let (result, minted) = run(&emu.url(), TEN_S, now() + 1800);
    let (e, m) = message(result, &minted);
    assert!(e.kind() == Kind::Rejected(400), "{e:?}");
    assert!(m.contains("lifetime too long") && m.contains("1800"), "{m}");
}

#[test]
fn not_found_blames_the_url() {
    let emu = emulator();
    let url = format!("http://{}/auth/v2/tokens", emu.addr());
    let (result, minted) = run(&url, TEN_S, now() + 1800);
    let (e, m) = message(result, &minted);
    assert_eq!(minted.len(), 1);
    assert_eq!(emu.requests(), 0, "not a token request");
    assert!(e.kind() == Kind::Unavailable);
    assert!(m.contains("404 Not Found") && m.contains("auth_url"), "{m}");
}

#[test]
fn service_unavailable_then_success_mints_twice() {
    let emu = emulator();
    emu.push_fault(Fault::status(503, ""));
    let (result, minted) = run(&emu.url(), TEN_S, now() + 1800);
    let got = result.expect("exchange");
    assert!(emu.verify_access_token(got.access_token.expose()));
    assert_eq!(minted.len(), 2);
    assert_eq!((emu.requests(), emu.issued()), (2, 1));
    // Each attempt carried its own, freshly minted auth token.
    assert_ne!(minted[0], minted[1]);
    assert_eq!(last_auth_token(&emu), minted[1]);
}

#[test]
fn gives_up_after_three_attempts() {
    let emu = emulator();
    for _ in 0..3 {
        emu.push_fault(Fault::Status {
            status: 503,
            body: String::new(),
            headers: vec![("Retry-After".into(), "0".into())],
        });
    }
    let (result, minted) = run(&emu.url(), TEN_S, now() + 1800);
    let (e, m) = message(result, &minted);
    assert_eq!(minted.len(), 3);
    assert_eq!((emu.requests(), emu.issued()), (3, 0));
    assert_eq!(e.exit_code(), 4);
    assert!(
        m.contains("after 3 attempts: 503 Service Unavailable"),
        "{m}"
    );
    assert!(m.contains(&emu.url()), "{m}");
}

#[test]
fn retry_after_beyond_the_budget_stops_early() {
    let emu = emulator();
    emu.push_fault(Fault::Status {
        status: 429,
        body: String::new(),
        headers: vec![("Retry-After".into(), "120".into())],
    });
    let started = Instant::now();
    let (result, minted) = run(&emu.url(), Duration::from_secs(3), now() + 1800);
    let (_, m) = message(result, &minted);
    assert_eq!(minted.len(), 1);
    assert_eq!(emu.requests(), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        m.contains("429 Too Many Requests") && m.contains("120 s"),
        "{m}"
    );
}

#[test]
fn redirects_are_not_followed() {
    let emu = emulator();
    emu.push_fault(Fault::Redirect("https://elsewhere.example/steal".into()));
    let (result, minted) = run(&emu.url(), TEN_S, now() + 1800);
    let (e, m) = message(result, &minted);
    assert_eq!(minted.len(), 1);
    assert!(e.kind() == Kind::Unavailable);
    assert!(m.contains("307") && m.contains("elsewhere.example"), "{m}");
    assert!(m.contains("redirects are not followed"), "{m}");
    assert_eq!(emu.requests(), 1);
}

#[test]
fn html_instead_of_json_is_unavailable() {
    let emu = emulator();
    // A captive portal's login page.
    emu.push_fault(Fault::Garbage);
    let (result, minted) = run(&emu.url(), TEN_S, now() + 1800);
    let (e, m) = message(result, &minted);
    assert!(e.kind() == Kind::Unavailable);
    assert!(
        m.contains("text/html") && m.contains("Network login required"),
        "{m}"
    );
}

#[test]
fn bad_access_tokens_are_refused_and_not_echoed() {
    let emu = emulator();
    let token = jwt(now() + 1800);
    emu.push_fault(Fault::status(200, json!({ "token": token }).to_string()));
    emu.push_fault(Fault::status(
        200,
        r#"{"access_token":"abc\nurl=https://evil"}"#,
    ));
    let (result, minted) = run(&emu.url(), TEN_S, now() + 1800);
    let (_, m) = message(result, &minted);
    assert!(m.contains("no access_token") && !m.contains(&token), "{m}");

    let (result, minted) = run(&emu.url(), TEN_S, now() + 1800);
    let (e, _) = message(result, &minted);
    assert!(e.kind() == Kind::Unavailable);
    assert_eq!(emu.issued(), 0);
}

#[test]
fn oversized_body_is_unavailable() {
    let emu = emulator();
    emu.push_fault(Fault::Huge((1 << 20) + 10));
    let (result, minted) = run(&emu.url(), TEN_S, now() + 1800);
    let (e, m) = message(result, &minted);
    assert_eq!(minted.len(), 1);
    assert!(e.kind() == Kind::Unavailable);
    assert!(m.contains("larger than 1 MiB"), "{m}");
}

#[test]
fn refused_connections_are_retried_then_reported() {
    // A stopped emulator's port: nothing listens there any more.
    let url = emulator().url();
    let (result, minted) = run(&url, TEN_S, now() + 1800);
    let (e, m) = message(result, &minted);
    assert_eq!(minted.len(), 3);
    assert_eq!(e.exit_code(), 4);
    assert!(
        m.contains("after 3 attempts") && m.contains("127.0.0.1"),
        "{m}"
    );
}

#[test]
fn a_silent_server_times_out_within_the_budget() {
    let emu = emulator();
    // Reads the request, then says nothing until the client gives up.
    emu.push_fault(Fault::Hang);
    let started = Instant::now();
    let (result, minted) = run(&emu.url(), Duration::from_secs(1), now() + 1800);
    let (e, m) = message(result, &minted);
    assert!(started.elapsed() < Duration::from_millis(2500));
    assert_eq!(minted.len(), 1);
    assert_eq!(emu.requests(), 1);
    assert!(e.kind() == Kind::Unavailable);
    assert!(
        m.contains("timed out after 1 s") && m.contains("127.0.0.1"),
        "{m}"
    );
}

#[test]
fn tls_failures_are_not_retried() {
    // A plain-TCP peer behind an https URL that answers in HTTP at once: the
    // handshake fails on its answer. The emulator cannot play it: it waits for
    // a complete HTTP request head, so it would sit on the ClientHello until the
    // budget ran out (a timeout, not a TLS failure).
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "https://{}/auth/v2/token",
        listener.local_addr().expect("addr")
    );
    let serve = std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let (result, minted) = run(&url, TEN_S, now() + 1800);
    let (e, m) = message(result, &minted);
    assert_eq!(minted.len(), 1);
    assert!(e.kind() == Kind::Unavailable);
    assert!(m.contains("TLS") && m.contains("ca_file"), "{m}");
    let _ = serve.join();
}

#[test]
fn mint_errors_pass_through() {
    let emu = emulator();
    let mut mint = || Err(Error::config("no secret".to_string()));
    let e = exchange(&endpoint(&emu.url(), Duration::from_secs(5)), &mut mint).expect_err("error");
    assert_eq!(e, Error::config("no secret".to_string()));
    assert_eq!(emu.requests(), 0, "nothing is sent without an auth token");
}

#[test]
fn unreadable_ca_file_is_a_config_error() {
    let emu = emulator();
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.pem");
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate").expect("write");
    for path in [missing, garbage] {
        let url = format!("https://{}/auth/v2/token", emu.addr());
        let mut ep = endpoint(&url, Duration::from_secs(5));
        ep.ca_file = Some(path.clone());
        let mut calls = 0;
        let mut mint = || {
            calls += 1;
            Ok(("x".to_string(), 0))
        };
        match exchange(&ep, &mut mint) {
            Err(e) if e.kind() == Kind::Config => {
                let m = e.to_string();
                assert!(m.contains(&path.display().to_string()), "{m}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(calls, 0, "refused before minting or connecting");
    }
}
