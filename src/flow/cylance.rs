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
#[path = "cylance_tests.rs"]
mod tests;
