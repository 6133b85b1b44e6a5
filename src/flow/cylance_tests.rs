//! Unit tests of the parent module.

use super::*;
use crate::config::Selection;
use jsonwebtoken::{DecodingKey, Validation};
use std::path::Path;

fn selection(format: ScopeFormat, scopes: &[&str]) -> Selection {
    let mut s = Selection::for_test("http://127.0.0.1:1/auth/v2/token", Path::new("/x"));
    s.tenant_id = "tenant-1".into();
    s.app_id = "app-1".into();
    s.lifetime = 600;
    s.scopes = scopes
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    s.scope_format = format;
    s.extra_claims.insert("env".into(), Value::from("prod"));
    s
}

#[test]
fn signed_claims_are_exactly_the_documented_set() {
    let sel = selection(ScopeFormat::List, &["device:list", "policy:read"]);
    let (tok, exp) = sign(&sel, &Secret::new("s3cret".into()), 1_700_000_000).unwrap();
    assert_eq!(exp, 1_700_000_600);
    let mut v = Validation::new(Algorithm::HS256);
    v.validate_exp = false;
    v.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<Map<String, Value>>(
        &tok,
        &DecodingKey::from_secret(b"s3cret").unwrap(),
        &v,
    )
    .unwrap();
    assert_eq!(data.header.alg, Algorithm::HS256);
    let c = data.claims;
    let mut keys: Vec<&str> = c.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["env", "exp", "iat", "iss", "jti", "scp", "sub", "tid"]
    );
    assert_eq!(c["exp"], 1_700_000_600);
    assert_eq!(c["iat"], 1_700_000_000);
    assert!(
        c["exp"].is_i64() && c["iat"].is_i64(),
        "integer epoch seconds"
    );
    assert_eq!(c["iss"], "http://cylance.com");
    assert_eq!(c["sub"], "app-1");
    assert_eq!(c["tid"], "tenant-1");
    assert_eq!(c["scp"], serde_json::json!(["device:list", "policy:read"]));
    let jti = uuid::Uuid::parse_str(c["jti"].as_str().unwrap()).unwrap();
    assert_eq!(jti.get_version_num(), 4);
    // A wrong key must not verify.
    assert!(
        jsonwebtoken::decode::<Map<String, Value>>(
            &tok,
            &DecodingKey::from_secret(b"other").unwrap(),
            &v
        )
        .is_err()
    );
}

#[test]
fn jti_is_fresh_and_string_scopes_and_no_scp_when_empty() {
    let sel = selection(ScopeFormat::String, &["a:b", "c:d"]);
    let a = claims(&sel, 1);
    let b = claims(&sel, 1);
    assert_ne!(a["jti"], b["jti"]);
    assert_eq!(a["scp"], "a:b,c:d");
    let sel = selection(ScopeFormat::List, &[]);
    assert!(!claims(&sel, 1).contains_key("scp"));
}
