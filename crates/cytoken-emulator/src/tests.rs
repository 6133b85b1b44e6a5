//! The emulator's own tests: verification by the service's rules, faults.

use super::*;
use crate::http::{IMF_FIXDATE, MAX_BODY, MAX_HEAD};
use std::io::{Read, Write};
use std::time::Instant;

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;
use std::net::Shutdown;
use time::PrimitiveDateTime;

const TENANT: &str = "00000000-0000-0000-0000-000000000000";
const APP: &str = "11111111-1111-1111-1111-111111111111";
const SECRET: &str = "s3cret-app-key";

fn local_now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

pub(super) fn emulator() -> Emulator {
    let emu = Emulator::start().unwrap();
    emu.register_app(TENANT, APP, SECRET);
    emu
}

pub(super) fn good_claims() -> Value {
    let now = local_now();
    json!({
        "iss": ISSUER,
        "sub": APP,
        "tid": TENANT,
        "iat": now,
        "exp": now + 1800,
        "jti": uuid::Uuid::new_v4().to_string(),
    })
}

fn sign_with(claims: &Value, alg: Algorithm, secret: &str) -> String {
    encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
    )
    .unwrap()
}

pub(super) fn sign(claims: &Value) -> String {
    sign_with(claims, Algorithm::HS256, SECRET)
}

fn b64url(data: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: String,
}

impl Reply {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

pub(super) fn raw(emu: &Emulator, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(emu.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_owned(), v.trim().to_owned())
        })
        .collect();
    let reply = Reply {
        status,
        headers,
        body: body.to_owned(),
    };
    if let Some(len) = reply.header("content-length") {
        assert_eq!(len.parse::<usize>().unwrap(), reply.body.len());
    }
    assert_eq!(reply.header("connection"), Some("close"));
    assert!(reply.header("date").is_some());
    reply
}

fn post_body(emu: &Emulator, body: &str) -> Reply {
    let request = format!(
        "POST {TOKEN_PATH} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        emu.addr(),
        body.len()
    );
    raw(emu, request.as_bytes())
}

pub(super) fn post(emu: &Emulator, token: &str) -> Reply {
    post_body(emu, &json!({ "auth_token": token }).to_string())
}

fn assert_invalid(reply: &Reply) {
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(reply.json(), json!({ "message": INVALID_JWT }));
}

#[test]
fn accepts_a_good_token_and_issues_a_verifiable_access_token() {
    let emu = emulator();
    let reply = post(&emu, &sign(&good_claims()));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let access = reply.json()["access_token"].as_str().unwrap().to_owned();
    assert!(emu.verify_access_token(&access));
    assert!(!emu.verify_access_token("not.a.token"));
    assert_eq!((emu.requests(), emu.issued()), (1, 1));
    assert_eq!(emu.last_claims().unwrap()["sub"], APP);

    let claims: Value = jsonwebtoken::dangerous::insecure_decode_claims(&access).unwrap();
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["tid"], TENANT);
    assert_eq!(claims["scp"], json!([]));

    // Another emulator's key never verifies this token.
    assert!(!emulator().verify_access_token(&access));
}

/// A 401 with the service's body, refused for the expected reason (the
/// emulator's `X-Emulator-Reason`), so a test cannot pass by accident.
fn assert_refused_for(reply: &Reply, reason: &str) {
    assert_invalid(reply);
    let got = reply.header("x-emulator-reason").unwrap_or_default();
    assert!(got.contains(reason), "expected {reason:?}, got {got:?}");
}

#[test]
fn wrong_secret_unknown_app_and_wrong_claims_are_401() {
    let emu = emulator();
    let reply = post(&emu, &sign_with(&good_claims(), Algorithm::HS256, "wrong"));
    assert_refused_for(&reply, "signature");
    assert!(
        emu.last_claims().is_none(),
        "bad signature must not record claims"
    );

    let cases: [(&str, Value, &str); 7] = [
        ("iss", json!("http://example.com"), "iss"),
        ("iss", json!(null), "iss"),
        ("tid", json!("22222222-2222-2222-2222-222222222222"), "tid"),
        ("sub", json!("unknown-app"), "unknown application"),
        ("sub", json!(7), "sub"),
        ("jti", json!("not-a-uuid"), "jti"),
        ("jti", json!(null), "jti"),
    ];
    for (claim, value, reason) in cases {
        let mut c = good_claims();
        c[claim] = value;
        assert_refused_for(&post(&emu, &sign(&c)), reason);
    }
    assert_eq!(emu.last_rejection().map(|(status, _)| status), Some(401));

    let mut c = good_claims();
    c["iat"] = json!(local_now() - 1000);
    c["exp"] = json!(local_now() - 10);
    assert_refused_for(&post(&emu, &sign(&c)), "expired");

    let mut c = good_claims();
    c["iat"] = json!(local_now() + 600);
    c["exp"] = json!(local_now() + 1200);
    assert_refused_for(&post(&emu, &sign(&c)), "iat");

    assert_eq!((emu.requests(), emu.issued()), (10, 0));
}

#[test]
fn lifetime_over_30_minutes_and_bad_numbers_are_400() {
    let emu = emulator();
    let mut c = good_claims();
    c["exp"] = json!(local_now() + 3600);
    let reply = post(&emu, &sign(&c));
    assert_eq!(reply.status, 400);
    assert!(reply.json()["message"].is_string());

    let mut c = good_claims();
    c["exp"] = json!("soon");
    assert_eq!(post(&emu, &sign(&c)).status, 400);

    let mut c = good_claims();
    c.as_object_mut().unwrap().remove("iat");
    assert_eq!(post(&emu, &sign(&c)).status, 400);

    // Exactly 1800 s is fine.
    let mut c = good_claims();
    c["exp"] = json!(c["iat"].as_i64().unwrap() + 1800);
    assert_eq!(post(&emu, &sign(&c)).status, 200);
}

#[test]
fn a_replayed_jti_is_refused_the_second_time() {
    let emu = emulator();
    let token = sign(&good_claims());
    assert_eq!(post(&emu, &token).status, 200);
    assert_invalid(&post(&emu, &token));
    assert_eq!((emu.requests(), emu.issued()), (2, 1));
}

#[test]
fn a_refused_token_does_not_burn_its_jti() {
    let emu = emulator();
    emu.allow_scopes(APP, &["device:list"]);
    let mut c = good_claims();
    c["scp"] = json!(["policy:delete"]);
    assert_eq!(post(&emu, &sign(&c)).status, 403);
    c["scp"] = json!(["device:list"]);
    assert_eq!(post(&emu, &sign(&c)).status, 200);
}

#[test]
fn only_hs256_is_accepted() {
    let emu = emulator();
    assert_invalid(&post(
        &emu,
        &sign_with(&good_claims(), Algorithm::HS512, SECRET),
    ));
    let header = b64url(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = b64url(good_claims().to_string().as_bytes());
    assert_invalid(&post(&emu, &format!("{header}.{payload}.")));
    assert_invalid(&post(&emu, &format!("{header}.{payload}")));
    assert_eq!(emu.issued(), 0);
}

#[test]
fn scopes_as_array_or_string_and_their_checks() {
    let emu = emulator();
    let mut c = good_claims();
    c["scp"] = json!(["policy:create", "policy:list"]);
    let reply = post(&emu, &sign(&c));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let access = reply.json()["access_token"].as_str().unwrap().to_owned();
    let claims: Value = jsonwebtoken::dangerous::insecure_decode_claims(&access).unwrap();
    assert_eq!(claims["scp"], json!(["policy:create", "policy:list"]));

    let mut c = good_claims();
    c["scp"] = json!("policy:create,policy:list");
    assert_eq!(post(&emu, &sign(&c)).status, 200);

    for bad in [
        json!(42),
        json!(["policy"]),
        json!("a:b,"),
        json!([1]),
        json!(null),
    ] {
        let mut c = good_claims();
        c["scp"] = bad.clone();
        assert_eq!(post(&emu, &sign(&c)).status, 400, "scp {bad}");
    }

    emu.allow_scopes(APP, &["policy:list"]);
    let mut c = good_claims();
    c["scp"] = json!(["policy:list", "policy:create"]);
    let reply = post(&emu, &sign(&c));
    assert_eq!(reply.status, 403);
    assert!(reply.json()["message"].is_string());
    c["jti"] = json!(uuid::Uuid::new_v4().to_string());
    c["scp"] = json!("policy:list");
    assert_eq!(post(&emu, &sign(&c)).status, 200);
}

#[test]
fn malformed_requests_are_400_and_do_not_hurt_the_server() {
    let emu = emulator();
    for body in [
        "",
        "garbage",
        "[]",
        "{}",
        r#"{"auth_token":42}"#,
        r#"{"auth_token":"x.y.z"}"#,
    ] {
        let reply = post_body(&emu, body);
        assert!(
            matches!(reply.status, 400 | 401),
            "{body}: {}",
            reply.status
        );
        assert!(reply.json()["message"].is_string());
    }
    assert_eq!(post_body(&emu, "garbage").status, 400);

    // Not HTTP at all; the client half-closes so the server sees the end.
    let mut s = TcpStream::connect(emu.addr()).unwrap();
    s.write_all(b"\x16\x03\x01 hello").unwrap();
    s.shutdown(Shutdown::Write).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    assert!(out.starts_with("HTTP/1.1 400 "), "{out}");

    // A client that disconnects mid-body.
    let mut s = TcpStream::connect(emu.addr()).unwrap();
    s.write_all(b"POST /auth/v2/token HTTP/1.1\r\nContent-Length: 500\r\n\r\n{\"auth")
        .unwrap();
    drop(s);

    let reply = raw(&emu, b"GET /auth/v2/token HTTP/1.1\r\n\r\n");
    assert_eq!((reply.status, reply.header("allow")), (405, Some("POST")));
    assert_eq!(
        raw(&emu, b"POST /other HTTP/1.1\r\nContent-Length: 0\r\n\r\n").status,
        404
    );

    let big = format!(
        "POST /auth/v2/token HTTP/1.1\r\nContent-Length: {}\r\n\r\n{}",
        MAX_BODY + 1,
        "x".repeat(MAX_BODY + 1)
    );
    assert_eq!(raw(&emu, big.as_bytes()).status, 413);
    let huge_head = format!(
        "POST /auth/v2/token HTTP/1.1\r\nX-Pad: {}\r\n\r\n",
        "p".repeat(MAX_HEAD)
    );
    assert_eq!(raw(&emu, huge_head.as_bytes()).status, 413);

    // Still serving.
    assert_eq!(post(&emu, &sign(&good_claims())).status, 200);
}

#[test]
fn faults_are_answered_in_order_then_verification_resumes() {
    let emu = emulator();
    emu.push_fault(Fault::Status {
        status: 503,
        body: r#"{"message":"busy"}"#.into(),
        headers: vec![("Retry-After".into(), "1".into())],
    });
    emu.push_fault(Fault::Redirect("http://127.0.0.1:1/elsewhere".into()));
    emu.push_fault(Fault::Garbage);
    emu.push_fault(Fault::Huge(100_000));

    let token = sign(&good_claims());
    let reply = post(&emu, &token);
    assert_eq!(
        (reply.status, reply.header("retry-after")),
        (503, Some("1"))
    );
    assert_eq!(reply.body, r#"{"message":"busy"}"#);

    let reply = post(&emu, &token);
    assert_eq!(reply.status, 307);
    assert_eq!(
        reply.header("location"),
        Some("http://127.0.0.1:1/elsewhere")
    );

    let reply = post(&emu, &token);
    assert_eq!(reply.status, 200);
    assert!(serde_json::from_str::<Value>(&reply.body).is_err());

    let reply = post(&emu, &token);
    assert_eq!((reply.status, reply.body.len()), (200, 100_000));

    // Faults did not consume the jti: the same token is still good.
    assert_eq!(post(&emu, &token).status, 200);
    // Every fault was answered once, in order: a fifth request was verified.
    assert_eq!((emu.requests(), emu.issued()), (5, 1));
}

#[test]
fn the_last_token_request_is_recorded() {
    let emu = emulator();
    assert_eq!(emu.last_request(), None);
    let token = sign(&good_claims());
    assert_eq!(post(&emu, &token).status, 200);
    let seen = emu.last_request().unwrap();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", TOKEN_PATH)
    );
    assert_eq!(
        seen.header("Content-Type"),
        Some("application/json; charset=utf-8")
    );
    let body = |seen: &SeenRequest| serde_json::from_slice::<Value>(&seen.body).unwrap();
    assert_eq!(body(&seen), json!({ "auth_token": token }));

    // Also recorded when a fault answers, but not for requests refused before
    // their body is read.
    emu.push_fault(Fault::status(503, ""));
    let other = sign(&good_claims());
    assert_eq!(post(&emu, &other).status, 503);
    assert_eq!(body(&emu.last_request().unwrap())["auth_token"], other);
    let reply = raw(&emu, b"POST /other HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
    assert_eq!(reply.status, 404);
    assert_eq!(body(&emu.last_request().unwrap())["auth_token"], other);
}

#[test]
fn hang_holds_the_socket_without_answering() {
    let emu = emulator();
    emu.push_fault(Fault::Hang);
    let body = json!({ "auth_token": sign(&good_claims()) }).to_string();
    let mut s = TcpStream::connect(emu.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    write!(
        s,
        "POST /auth/v2/token HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut buf = [0u8; 16];
    let err = s.read(&mut buf).unwrap_err();
    assert!(matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    ));
    assert_eq!(emu.requests(), 1);
    drop(s);
    assert_eq!(post(&emu, &sign(&good_claims())).status, 200);
}

#[test]
fn revoked_tokens_no_longer_verify() {
    let emu = emulator();
    let reply = post(&emu, &sign(&good_claims()));
    let access = reply.json()["access_token"].as_str().unwrap().to_owned();
    assert!(emu.verify_access_token(&access));
    emu.revoke(&access);
    assert!(!emu.verify_access_token(&access));
}

#[test]
fn the_clock_skew_moves_verification_and_the_date_header() {
    let emu = emulator();
    emu.set_clock_skew(3600);
    let reply = post(&emu, &sign(&good_claims()));
    // A token minted by local time is already expired by the server's clock.
    assert_invalid(&reply);
    let date = reply.header("date").unwrap();
    assert!(date.ends_with(" GMT"), "{date}");
    let server = PrimitiveDateTime::parse(date, IMF_FIXDATE)
        .unwrap()
        .assume_utc()
        .unix_timestamp();
    assert!((server - (local_now() + 3600)).abs() <= 5, "{date}");

    assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
}

#[test]
fn delayed_requests_overlap() {
    let emu = emulator();
    emu.set_delay(Duration::from_millis(300));
    let started = Instant::now();
    thread::scope(|scope| {
        let handles: Vec<_> = (0..64)
            .map(|_| scope.spawn(|| post(&emu, &sign(&good_claims())).status))
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), 200);
        }
    });
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!((emu.requests(), emu.issued()), (64, 64));
}

#[test]
fn stop_closes_the_listener() {
    let emu = emulator();
    let addr = emu.addr();
    emu.stop();
    assert!(TcpStream::connect(addr).is_err());
    assert!(emu.url().ends_with("/auth/v2/token"));
}
