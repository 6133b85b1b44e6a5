//! Unit tests of the parent module.

use super::response::{clock_skew, jwt_exp, parse_retry_after};
use super::*;
use crate::clock::parse_http_date;
use crate::endpoint::check_auth_url;
use crate::error::Kind;
use crate::redact::clean;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::UNIX_EPOCH;

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
fn retry_after_forms() {
    let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
    assert_eq!(
        parse_retry_after("120", now),
        Some(Duration::from_secs(120))
    );
    assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
        Some(Duration::from_secs(30))
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(parse_retry_after("-5", now), None);
    assert_eq!(parse_retry_after("", now), None);
    assert!(parse_retry_after("99999999999999999999999", now).is_some());
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
fn backoff_is_jittered_around_the_base() {
    for failed in 1..=3u32 {
        let nominal = BACKOFF_BASE * (1 << (failed - 1));
        for _ in 0..20 {
            let d = backoff(failed);
            assert!(d >= nominal / 2 && d <= nominal * 3 / 2, "{d:?}");
        }
    }
}

#[test]
fn snippets_never_carry_tokens() {
    let token = jwt(2_000_000_000);
    let body = format!("<html>\n\x1b[31merror</html> token={token} and {token}");
    let s = clean(&body, "", SNIPPET_CHARS);
    assert!(!s.contains(&token), "{s}");
    assert!(!s.contains('\x1b') && !s.contains('\n'), "{s}");
    assert!(s.contains("(redacted)"), "{s}");
    let long = "x".repeat(500);
    assert!(clean(&long, "", SNIPPET_CHARS).chars().count() <= SNIPPET_CHARS + 1);
    assert!(sanitize(&"y ".repeat(300), 100).ends_with('…'));
}

// ---- exchanges against a throwaway loopback server ----

const AUTH_TOKEN_PREFIX: &str = "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJ0ZXN0";

/// Answers each connection with the next canned response; records requests.
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
    handle: Option<JoinHandle<()>>,
}

impl Server {
    fn start(responses: Vec<Vec<u8>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://{}/auth/v2/token",
            listener.local_addr().expect("addr")
        );
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let handle = std::thread::spawn(move || {
            for response in responses {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let mut reader = BufReader::new(stream);
                let mut head = String::new();
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    head.push_str(&line);
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                head.push_str(&String::from_utf8_lossy(&body));
                seen.lock().expect("lock").push(head);
                let mut stream = reader.into_inner();
                // The client may hang up early (e.g. on an oversized body).
                let _ = stream.write_all(&response);
                let _ = stream.flush();
            }
        });
        Server {
            url,
            requests,
            handle: Some(handle),
        }
    }

    fn requests(mut self) -> Vec<String> {
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        self.requests.lock().expect("lock").clone()
    }
}

fn response(status: &str, headers: &[&str], body: &str) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for h in headers {
        r.push_str(h);
        r.push_str("\r\n");
    }
    r.push_str("\r\n");
    r.push_str(body);
    r.into_bytes()
}

fn endpoint(url: &str, timeout: Duration) -> Endpoint {
    Endpoint {
        auth_url: url.to_string(),
        ca_file: None,
        timeout,
        connect_timeout: Duration::from_secs(2),
    }
}

/// Runs an exchange; returns the result and the number of mint calls.
fn run(url: &str, timeout: Duration, requested_exp: i64) -> (Result<Exchanged>, usize) {
    let mut calls = 0;
    let mut mint = || {
        calls += 1;
        Ok((format!("{AUTH_TOKEN_PREFIX}{calls}.sig"), requested_exp))
    };
    let result = exchange(&endpoint(url, timeout), &mut mint);
    (result, calls)
}

fn message(result: Result<Exchanged>) -> (Error, String) {
    let e = result.expect_err("an error");
    let m = e.to_string();
    assert!(!m.contains(AUTH_TOKEN_PREFIX), "auth token leaked: {m}");
    (e, m)
}

#[test]
fn happy_path_takes_the_earliest_expiry() {
    let now = now();
    let access = jwt(now + 1200);
    let body = format!("{{\"access_token\":\"{access}\",\"expires_in\":900}}");
    let server = Server::start(vec![response(
        "200 OK",
        &["Content-Type: application/json"],
        &body,
    )]);
    let (result, calls) = run(&server.url, Duration::from_secs(10), now + 1800);
    let got = result.expect("exchange");
    assert_eq!(calls, 1);
    assert_eq!(got.access_token, access);
    assert!((now + 899..=now + 902).contains(&got.expires_at), "{got:?}");
    assert!(!format!("{got:?}").contains(&access));

    let requests = server.requests();
    let req = &requests[0];
    assert!(req.starts_with("POST /auth/v2/token HTTP/1.1\r\n"), "{req}");
    let lower = req.to_ascii_lowercase();
    assert!(
        lower.contains("content-type: application/json; charset=utf-8\r\n"),
        "{req}"
    );
    assert!(lower.contains("accept: application/json\r\n"), "{req}");
    assert!(
        lower.contains(&format!(
            "user-agent: cytoken/{}\r\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{req}"
    );
    let body = req.split("\r\n\r\n").nth(1).expect("body");
    let json: serde_json::Value = serde_json::from_str(body).expect("json body");
    assert_eq!(
        json,
        serde_json::json!({ "auth_token": format!("{AUTH_TOKEN_PREFIX}1.sig") })
    );
}

#[test]
fn expiry_without_hints_is_the_requested_one() {
    let now = now();
    // Not a JWT and no expires_in: only the requested exp bounds it.
    let server = Server::start(vec![response(
        "200 OK",
        &[],
        "{\"access_token\":\"opaque-token\"}",
    )]);
    let (result, _) = run(&server.url, Duration::from_secs(10), now + 600);
    assert_eq!(result.expect("exchange").expires_at, now + 600);
    // The access token's own exp wins when it is earlier.
    assert_eq!(expiry(now + 1800, &jwt(now + 100), None, now), now + 100);
}

#[test]
fn unauthorized_with_skewed_clock_says_so() {
    let server_time = time::OffsetDateTime::now_utc() - time::Duration::minutes(10);
    let imf = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let date = format!("Date: {}", server_time.format(&imf).expect("format"));
    let server = Server::start(vec![response(
        "401 Unauthorized",
        &[&date, "Content-Type: application/json"],
        "{\"message\":\"Invalid JWT payload\"}",
    )]);
    let (result, calls) = run(&server.url, Duration::from_secs(10), now() + 1800);
    let (e, m) = message(result);
    assert_eq!(calls, 1, "401 is not retried");
    assert!(e.kind() == Kind::Rejected(401), "{e:?}");
    assert_eq!(e.exit_code(), 3);
    assert!(m.contains("401 Unauthorized"), "{m}");
    assert!(m.contains("Invalid JWT payload"), "{m}");
    assert!(m.contains("app_id, tenant_id and the app secret"), "{m}");
    assert!(m.contains("clock"), "{m}");
    assert!(m.contains("NTP"), "{m}");
}

#[test]
fn unauthorized_with_good_clock_does_not_blame_it() {
    let imf = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let date = format!(
        "Date: {}",
        time::OffsetDateTime::now_utc()
            .format(&imf)
            .expect("format")
    );
    let server = Server::start(vec![response(
        "401 Unauthorized",
        &[&date],
        "{\"message\":\"Invalid JWT payload\"}",
    )]);
    let (result, _) = run(&server.url, Duration::from_secs(10), now() + 1800);
    let (_, m) = message(result);
    assert!(!m.contains("clock"), "{m}");
}

#[test]
fn forbidden_and_bad_request_explain_themselves() {
    let server = Server::start(vec![response(
        "403 Forbidden",
        &[],
        "{\"message\":\"Forbidden\"}",
    )]);
    let (result, _) = run(&server.url, Duration::from_secs(10), now() + 1800);
    let (e, m) = message(result);
    assert!(e.kind() == Kind::Rejected(403));
    assert!(m.contains("scopes"), "{m}");

    let server = Server::start(vec![response("400 Bad Request", &[], "lifetime too long")]);
    let (result, _) = run(&server.url, Duration::from_secs(10), now() + 1800);
    let (e, m) = message(result);
    assert!(e.kind() == Kind::Rejected(400));
    assert!(m.contains("lifetime too long") && m.contains("1800"), "{m}");
}

#[test]
fn not_found_blames_the_url() {
    let server = Server::start(vec![response("404 Not Found", &[], "no such page")]);
    let (result, calls) = run(&server.url, Duration::from_secs(10), now() + 1800);
    let (e, m) = message(result);
    assert_eq!(calls, 1);
    assert!(e.kind() == Kind::Unavailable);
    assert!(m.contains("404 Not Found") && m.contains("auth_url"), "{m}");
}

#[test]
fn service_unavailable_then_success_mints_twice() {
    let access = jwt(now() + 1800);
    let server = Server::start(vec![
        response("503 Service Unavailable", &[], ""),
        response("200 OK", &[], &format!("{{\"access_token\":\"{access}\"}}")),
    ]);
    let (result, calls) = run(&server.url, Duration::from_secs(10), now() + 1800);
    assert_eq!(result.expect("exchange").access_token, access);
    assert_eq!(calls, 2);
    let requests = server.requests();
    // Each attempt carried its own, freshly minted auth token.
    assert!(requests[0].contains(&format!("{AUTH_TOKEN_PREFIX}1.sig")));
    assert!(requests[1].contains(&format!("{AUTH_TOKEN_PREFIX}2.sig")));
}

#[test]
fn gives_up_after_three_attempts() {
    let busy = || response("503 Service Unavailable", &["Retry-After: 0"], "");
    let server = Server::start(vec![busy(), busy(), busy()]);
    let (result, calls) = run(&server.url, Duration::from_secs(10), now() + 1800);
    let (e, m) = message(result);
    assert_eq!(calls, 3);
    assert_eq!(e.exit_code(), 4);
    assert!(
        m.contains("after 3 attempts: 503 Service Unavailable"),
        "{m}"
    );
    assert!(m.contains(&server.url), "{m}");
}

#[test]
fn retry_after_beyond_the_budget_stops_early() {
    let server = Server::start(vec![response(
        "429 Too Many Requests",
        &["Retry-After: 120"],
        "",
    )]);
    let started = Instant::now();
    let (result, calls) = run(&server.url, Duration::from_secs(3), now() + 1800);
    let (_, m) = message(result);
    assert_eq!(calls, 1);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        m.contains("429 Too Many Requests") && m.contains("120 s"),
        "{m}"
    );
}

#[test]
fn redirects_are_not_followed() {
    let server = Server::start(vec![response(
        "307 Temporary Redirect",
        &["Location: https://elsewhere.example/steal"],
        "",
    )]);
    let (result, calls) = run(&server.url, Duration::from_secs(10), now() + 1800);
    let (e, m) = message(result);
    assert_eq!(calls, 1);
    assert!(e.kind() == Kind::Unavailable);
    assert!(m.contains("307") && m.contains("elsewhere.example"), "{m}");
    assert!(m.contains("redirects are not followed"), "{m}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn html_instead_of_json_is_unavailable() {
    let server = Server::start(vec![response(
        "200 OK",
        &["Content-Type: text/html"],
        "<html><body>Welcome to the captive portal</body></html>",
    )]);
    let (result, _) = run(&server.url, Duration::from_secs(10), now() + 1800);
    let (e, m) = message(result);
    assert!(e.kind() == Kind::Unavailable);
    assert!(
        m.contains("text/html") && m.contains("captive portal"),
        "{m}"
    );
}

#[test]
fn bad_access_tokens_are_refused_and_not_echoed() {
    let token = jwt(now() + 1800);
    let server = Server::start(vec![response(
        "200 OK",
        &[],
        &format!("{{\"token\":\"{token}\"}}"),
    )]);
    let (result, _) = run(&server.url, Duration::from_secs(10), now() + 1800);
    let (_, m) = message(result);
    assert!(m.contains("no access_token") && !m.contains(&token), "{m}");

    let server = Server::start(vec![response(
        "200 OK",
        &[],
        "{\"access_token\":\"abc\\nurl=https://evil\"}",
    )]);
    let (result, _) = run(&server.url, Duration::from_secs(10), now() + 1800);
    let (e, _) = message(result);
    assert!(e.kind() == Kind::Unavailable);
}

#[test]
fn oversized_body_is_unavailable() {
    let body = "x".repeat((1 << 20) + 10);
    let server = Server::start(vec![response("200 OK", &[], &body)]);
    let (result, calls) = run(&server.url, Duration::from_secs(10), now() + 1800);
    let (e, m) = message(result);
    assert_eq!(calls, 1);
    assert!(e.kind() == Kind::Unavailable);
    assert!(m.contains("larger than 1 MiB"), "{m}");
}

#[test]
fn refused_connections_are_retried_then_reported() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}/auth/v2/token");
    let (result, calls) = run(&url, Duration::from_secs(10), now() + 1800);
    let (e, m) = message(result);
    assert_eq!(calls, 3);
    assert_eq!(e.exit_code(), 4);
    assert!(
        m.contains("after 3 attempts") && m.contains("127.0.0.1"),
        "{m}"
    );
}

#[test]
fn a_silent_server_times_out_within_the_budget() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/auth/v2/token",
        listener.local_addr().expect("addr")
    );
    let hold = std::thread::spawn(move || {
        // Accept and say nothing until the client gives up.
        let conn = listener.accept();
        std::thread::sleep(Duration::from_millis(1500));
        drop(conn);
    });
    let started = Instant::now();
    let (result, calls) = run(&url, Duration::from_secs(1), now() + 1800);
    let (e, m) = message(result);
    assert!(started.elapsed() < Duration::from_millis(2500));
    assert_eq!(calls, 1);
    assert!(e.kind() == Kind::Unavailable);
    assert!(
        m.contains("timed out after 1 s") && m.contains("127.0.0.1"),
        "{m}"
    );
    let _ = hold.join();
}

#[test]
fn tls_failures_are_not_retried() {
    // A plain-http server behind an https URL: the handshake fails on its answer.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "https://{}/auth/v2/token",
        listener.local_addr().expect("addr")
    );
    let serve = std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let _ = stream.write_all(&response("200 OK", &[], "{}"));
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let (result, calls) = run(&url, Duration::from_secs(10), now() + 1800);
    let (e, m) = message(result);
    assert_eq!(calls, 1);
    assert!(e.kind() == Kind::Unavailable);
    assert!(m.contains("TLS") && m.contains("ca_file"), "{m}");
    let _ = serve.join();
}

#[test]
fn mint_errors_pass_through() {
    let mut mint = || Err(Error::config("no secret".to_string()));
    let e = exchange(
        &endpoint("http://127.0.0.1:9/auth/v2/token", Duration::from_secs(5)),
        &mut mint,
    )
    .expect_err("error");
    assert_eq!(e, Error::config("no secret".to_string()));
}

#[test]
fn unreadable_ca_file_is_a_config_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.pem");
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate").expect("write");
    for path in [missing, garbage] {
        let mut ep = endpoint("https://127.0.0.1:9/auth/v2/token", Duration::from_secs(5));
        ep.ca_file = Some(path.clone());
        let mut mint = || Ok(("x".to_string(), 0));
        match exchange(&ep, &mut mint) {
            Err(e) if e.kind() == Kind::Config => {
                let m = e.to_string();
                assert!(m.contains(&path.display().to_string()), "{m}");
            }
            other => panic!("{other:?}"),
        }
    }
}
