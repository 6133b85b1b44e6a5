//! The auth token: the claim set the service expects, signed HS256 with the app
//! secret (the first half of the token flow).

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value};

use crate::config::{ScopeFormat, Selection};
use crate::error::{Error, Result};
use crate::exchange::Call;
use crate::secret::Secret;

/// The claims of one auth token, in the form the service documents.
pub(crate) fn claims(sel: &Selection, now: i64) -> Map<String, Value> {
    // Extra claims first: config validation already refused reserved names, and
    // inserting the required claims last makes them win regardless.
    let mut c = sel.extra_claims.clone();
    c.insert("exp".into(), Value::from(now.saturating_add(sel.lifetime)));
    c.insert("iat".into(), Value::from(now));
    c.insert("iss".into(), Value::from(sel.issuer.as_str()));
    c.insert("sub".into(), Value::from(sel.app_id.as_str()));
    c.insert("tid".into(), Value::from(sel.tenant_id.as_str()));
    // The service rejects a replayed jti, so every token gets a fresh UUIDv4.
    c.insert(
        "jti".into(),
        Value::from(uuid::Uuid::new_v4().hyphenated().to_string()),
    );
    if let Some(src) = &sel.source {
        c.insert("src".into(), Value::from(src.as_str()));
    }
    if !sel.scopes.is_empty() {
        let scp = match sel.scope_format {
            ScopeFormat::List => Value::from(sel.scopes.clone()),
            ScopeFormat::String => Value::from(sel.scopes.join(",")),
        };
        c.insert("scp".into(), scp);
    }
    c
}

/// Signs a fresh auth token for `sel` at time `now`; returns it with its `exp`.
pub(crate) fn sign(sel: &Selection, secret: &Secret, now: i64) -> Result<(String, i64)> {
    let claims = claims(sel, now);
    let exp = now.saturating_add(sel.lifetime);
    // Deliberately no error detail from the crypto layer: it could echo key material.
    let key = EncodingKey::from_secret(secret.expose().as_bytes())
        .map_err(|_| Error::config("the app secret cannot be used as an HS256 key"))?;
    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key)
        .map_err(|_| Error::other("signing the auth token failed"))?;
    Ok((token, exp))
}

/// The exchange of one freshly signed auth token; the service knows the
/// secret, so its answer is redacted of the secret as well as of the token.
pub(crate) fn call(sel: &Selection, secret: &Secret, now: i64) -> Result<(Call, i64)> {
    let (token, exp) = sign(sel, secret, now)?;
    Ok((
        Call::auth_token(&token).redacting_secret(&sel.app_id, secret.expose()),
        exp,
    ))
}

#[cfg(test)]
mod tests {
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
}
