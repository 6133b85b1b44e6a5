//! A token's lifetime from a hostile answer: an expiry already past is a
//! malformed response, and one beyond the requested `exp` is clamped.

use crate::support::*;

/// An access token with these claims, signed with nonsense: cytoken reads its
/// `exp` unverified.
fn fake_jwt(claims: &str) -> String {
    use base64::Engine;
    let b = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        b.encode(claims)
    )
}

fn answer(sb: &Sandbox, body: &serde_json::Value) {
    sb.emu.push_fault(Fault::Status {
        status: 200,
        body: body.to_string(),
        headers: vec![],
    });
}

/// `token --format json`: exit 0, a sane `expires_in`; the parsed answer.
#[track_caller]
fn sane_json(sb: &Sandbox, args: &[&str], context: &serde_json::Value) -> serde_json::Value {
    let o = sb.run(args);
    assert_eq!(o.status.code(), Some(0), "after {context}: {}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let left = j["expires_in"].as_i64().unwrap_or(-1);
    assert!(
        (1..=1800).contains(&left),
        "after {context}: absurd expiry: {j}"
    );
    j
}

#[test]
fn an_expiry_already_past_is_a_malformed_response() {
    let sb = Sandbox::new();
    let now = cytoken::testing::now();
    let cases = [
        serde_json::json!({"access_token": fake_jwt(r#"{"exp":-1e300}"#)}),
        serde_json::json!({"access_token": fake_jwt(r#"{"exp":-9223372036854775808}"#)}),
        serde_json::json!({"access_token": fake_jwt(r#"{"exp":0}"#)}),
        serde_json::json!({"access_token": fake_jwt(&format!(r#"{{"exp":{}}}"#, now - 60))}),
    ];
    for body in cases {
        // A cold cache: no valid token to fall back on.
        let _ = std::fs::remove_dir_all(sb.cache_dir());
        answer(&sb, &body);
        let before = sb.emu.requests();
        let o = sb.run(&["token"]);
        assert_eq!(o.status.code(), Some(4), "{body}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{body}: {}", stdout(&o));
        assert_eq!(
            sb.emu.requests(),
            before + 1,
            "{body}: a malformed answer is not retried"
        );
        // Nothing absurd was stored…
        let fake = body["access_token"].as_str().unwrap();
        for e in sb.entries() {
            let text = std::fs::read_to_string(&e).unwrap();
            assert!(!text.contains(fake), "{body}: stored in {}", e.display());
        }
        // …so a later call is never a hit on it: the failure again (it may
        // be remembered for a few seconds), or a real token with a sane expiry.
        let o = sb.run(&["token", "--format", "json"]);
        assert!(!stdout(&o).contains(fake), "{body}: {}", stdout(&o));
        if o.status.success() {
            let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
            let left = j["expires_in"].as_i64().unwrap_or(-1);
            assert!((1..=1800).contains(&left), "{body}: absurd expiry: {j}");
        } else {
            assert_status(&o, 4);
        }
        let j = sane_json(
            &sb,
            &["--force-refresh", "token", "--format", "json"],
            &body,
        );
        assert!(
            sb.emu
                .verify_access_token(j["access_token"].as_str().unwrap()),
            "{body}: {j}"
        );
    }
}

#[test]
fn an_expiry_beyond_the_requested_exp_is_clamped() {
    let sb = Sandbox::new();
    let cases = [
        serde_json::json!({"access_token": fake_jwt(r#"{"exp":1e300}"#)}),
        serde_json::json!({"access_token": fake_jwt(r#"{"exp":9223372036854775807}"#)}),
        serde_json::json!({
            "access_token": fake_jwt(r#"{"sub":"x"}"#),
            "expires_in": 9223372036854775807_i64
        }),
    ];
    for body in cases {
        answer(&sb, &body);
        let j = sane_json(
            &sb,
            &["--force-refresh", "token", "--format", "json"],
            &body,
        );
        assert_eq!(j["cached"], false, "{body}: {j}");
        let j = sane_json(&sb, &["token", "--format", "json"], &body);
        assert_eq!(j["cached"], true, "{body}: {j}");
    }
}
