//! The Cylance User API flow (DESIGN §1): an auth token (the claim set the
//! service expects, signed HS256 with the app secret) POSTed as JSON, and the
//! access token read from the answer.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Ask, Facts, Field, TokenFlow};
use crate::error::{Error, Result};
use crate::exchange::{Answer, Call, Exchanged, Hints};
use crate::secret::Secret;

/// How `scp` is encoded in the auth token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScopeFormat {
    /// A JSON array, as in the vendor's example (default).
    List,
    /// A comma-delimited string, as in the vendor's claims table.
    String,
}

/// A Cylance selection: where the auth token goes and every claim it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cylance {
    pub(crate) auth_url: String,
    pub(crate) tenant_id: String,
    pub(crate) app_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) scope_format: ScopeFormat,
    /// Seconds between `iat` and `exp` (1..=1800, checked by the config).
    pub(crate) lifetime: i64,
    /// The `src` claim, when set.
    pub(crate) source: Option<String>,
    pub(crate) issuer: String,
    pub(crate) extra_claims: Map<String, Value>,
}

/// The service's refusals, and what to fix for each. The 400 names the
/// service's limit, `config::MAX_LIFETIME` (a test holds them equal).
pub(crate) const HINTS: Hints = Hints {
    refused: "the auth token",
    bad_request: "the auth token is malformed or its lifetime exceeds the service's 1800 s \
                  limit; check lifetime and extra_claims",
    unauthorized: "check app_id, tenant_id and the app secret, and that region or auth_url \
                   matches the tenant",
    forbidden: "the requested scopes are not allowed for this app; check scopes against the \
                app's permissions in the console",
    unexpected: "the auth_url is probably wrong (the Cylance token endpoint is \
                 https://protectapi[-region].cylance.com/auth/v2/token; check region or auth_url)",
};

impl TokenFlow for Cylance {
    fn key(&self, out: &mut dyn FnMut(&'static str, Field<'_>)) {
        let Cylance {
            auth_url,
            tenant_id,
            app_id,
            scopes,
            scope_format,
            // Not part of the key: it only bounds how long the token lives,
            // and the broker serves a token by its actual expiry.
            lifetime: _,
            source,
            issuer,
            extra_claims,
        } = self;
        out("auth_url", Field::Text(auth_url));
        out("tenant_id", Field::Text(tenant_id));
        out("app_id", Field::Text(app_id));
        out("issuer", Field::Text(issuer));
        out("scopes", Field::List(scopes));
        let format = match scope_format {
            ScopeFormat::List => "list",
            ScopeFormat::String => "string",
        };
        out("scope_format", Field::Text(format));
        out("source", Field::Text(source.as_deref().unwrap_or("")));
        out("flow", Field::Text("cylance"));
        out(
            "extra_claims",
            Field::Text(&serde_json::to_string(extra_claims).unwrap_or_default()),
        );
    }

    fn facts(&self) -> Facts<'_> {
        Facts {
            auth_url: &self.auth_url,
            tenant_id: &self.tenant_id,
            app_id: &self.app_id,
            scopes: &self.scopes,
            lifetime: self.lifetime,
        }
    }

    fn url(&self) -> String {
        self.auth_url.clone()
    }

    /// A freshly signed auth token (a fresh `jti`: the service rejects a
    /// replay). The service knows the secret, so its answer is redacted of
    /// the secret as well as of the token.
    fn call(&self, ask: &Ask<'_>) -> Result<(Call, i64)> {
        let (token, exp) = sign(self, ask.secret, ask.now)?;
        let call = Call::post(
            "application/json; charset=utf-8",
            serde_json::json!({ "auth_token": token }).to_string(),
        )
        .redacting_token(&token)
        .redacting_secret(&self.app_id, ask.secret.expose());
        Ok((call, exp))
    }

    fn read(&self, answer: &Answer, requested_exp: i64, now: i64) -> Result<Exchanged> {
        answer.read(requested_exp, now, &HINTS)
    }
}

/// The claims of one auth token, in the form the service documents.
pub(crate) fn claims(sel: &Cylance, now: i64) -> Map<String, Value> {
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
pub(crate) fn sign(sel: &Cylance, secret: &Secret, now: i64) -> Result<(String, i64)> {
    let claims = claims(sel, now);
    let exp = now.saturating_add(sel.lifetime);
    let token = hs256(&claims, secret.expose().as_bytes())?;
    Ok((token, exp))
}

/// The JOSE header every auth token carries, serialized as JWT libraries do
/// (`typ` then `alg`): the service checks `alg` only.
const HS256_HEADER: &str = r#"{"typ":"JWT","alg":"HS256"}"#;

/// A compact JWS (RFC 7515) of `claims`, HMAC-SHA256-signed with `key`:
/// base64url (no padding) of the header and of the claims' JSON, joined by
/// `.`, then `.` and the base64url MAC of that text. HS256 is the only
/// algorithm the service takes, so no JWT library (and none of its RSA and
/// ECDSA code) is linked for it. An empty key is refused, as JWT libraries
/// refuse it; no error carries detail from the key.
pub(crate) fn hs256(claims: &Map<String, Value>, key: &[u8]) -> Result<String> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
        .ok()
        .filter(|_| !key.is_empty())
        .ok_or_else(|| Error::config("the app secret cannot be used as an HS256 key"))?;
    let payload =
        serde_json::to_vec(claims).map_err(|_| Error::other("signing the auth token failed"))?;
    let mut token = URL_SAFE_NO_PAD.encode(HS256_HEADER);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut token);
    mac.update(token.as_bytes());
    let tag = mac.finalize().into_bytes();
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(tag, &mut token);
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};

    /// Byte for byte the token jsonwebtoken (the signer this replaced, kept
    /// as a dev-dependency) makes of the same claims and key, and a constant
    /// known-good token, so a change of either side shows.
    #[test]
    fn hs256_matches_jsonwebtoken_byte_for_byte() {
        let sel = selection(ScopeFormat::List, &["device:list", "policy:read"]);
        let mut c = claims(&sel, 1_700_000_000);
        c.insert("jti".into(), "8d7b0f0e-6a2b-4c1e-9f3a-2b1c0d9e8f7a".into());
        let ours = hs256(&c, b"s3cret").unwrap();
        let theirs = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &c,
            &jsonwebtoken::EncodingKey::from_secret(b"s3cret").unwrap(),
        )
        .unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(ours, KNOWN_GOOD);
        assert!(hs256(&c, b"").is_err(), "an empty key is refused");
    }

    /// Checked independently (Python's hmac and base64 over the same text).
    const KNOWN_GOOD: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.\
        eyJlbnYiOiJwcm9kIiwiZXhwIjoxNzAwMDAwNjAwLCJpYXQiOjE3MDAwMDAwMDAsImlzcyI6Imh0dHA6Ly9jeWxh\
        bmNlLmNvbSIsImp0aSI6IjhkN2IwZjBlLTZhMmItNGMxZS05ZjNhLTJiMWMwZDllOGY3YSIsInNjcCI6WyJkZXZp\
        Y2U6bGlzdCIsInBvbGljeTpyZWFkIl0sInN1YiI6ImFwcC0xIiwidGlkIjoidGVuYW50LTEifQ.\
        pZJoBKAw1_JX74XWnftxFuvuZV8BRsJ9H5OX_QMImL0";

    fn selection(format: ScopeFormat, scopes: &[&str]) -> Cylance {
        let mut extra_claims = Map::new();
        extra_claims.insert("env".into(), Value::from("prod"));
        Cylance {
            auth_url: "http://127.0.0.1:1/auth/v2/token".into(),
            tenant_id: "tenant-1".into(),
            app_id: "app-1".into(),
            scopes: scopes
                .iter()
                .map(std::string::ToString::to_string)
                .collect(),
            scope_format: format,
            lifetime: 600,
            source: None,
            issuer: crate::config::DEFAULT_ISSUER.into(),
            extra_claims,
        }
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

    /// Every field but `lifetime` shapes the key: changed one at a time,
    /// each gives other key material. The destructuring names every field
    /// (no `..`), so a new one does not compile here until it is listed,
    /// and a name bound but not used below is an unused variable (CI denies
    /// warnings).
    #[test]
    fn every_field_but_the_lifetime_shapes_the_key() {
        let base = selection(ScopeFormat::List, &["a:b"]);
        let material = |c: &Cylance| super::super::Flow::Cylance(c.clone()).material();
        let Cylance {
            auth_url,
            tenant_id,
            app_id,
            scopes,
            scope_format,
            lifetime,
            source,
            issuer,
            extra_claims,
        } = base.clone();
        let mut claims = extra_claims;
        claims.insert("more".into(), Value::from(1));
        let changed = [
            (
                "auth_url",
                Cylance {
                    auth_url: format!("{auth_url}x"),
                    ..base.clone()
                },
            ),
            (
                "tenant_id",
                Cylance {
                    tenant_id: format!("{tenant_id}x"),
                    ..base.clone()
                },
            ),
            (
                "app_id",
                Cylance {
                    app_id: format!("{app_id}x"),
                    ..base.clone()
                },
            ),
            (
                "scopes",
                Cylance {
                    scopes: [scopes, vec!["c:d".into()]].concat(),
                    ..base.clone()
                },
            ),
            (
                "scope_format",
                Cylance {
                    scope_format: match scope_format {
                        ScopeFormat::List => ScopeFormat::String,
                        ScopeFormat::String => ScopeFormat::List,
                    },
                    ..base.clone()
                },
            ),
            (
                "source",
                Cylance {
                    source: Some(format!("{source:?}x")),
                    ..base.clone()
                },
            ),
            (
                "issuer",
                Cylance {
                    issuer: format!("{issuer}x"),
                    ..base.clone()
                },
            ),
            (
                "extra_claims",
                Cylance {
                    extra_claims: claims,
                    ..base.clone()
                },
            ),
        ];
        for (field, other) in &changed {
            assert_ne!(other, &base, "{field} was not changed");
            assert_ne!(
                material(other),
                material(&base),
                "{field} is not in the key"
            );
        }
        let longer = Cylance {
            lifetime: lifetime / 2,
            ..base.clone()
        };
        assert_eq!(
            material(&longer),
            material(&base),
            "the lifetime is not in the key"
        );
    }

    #[test]
    fn the_400_hint_names_the_services_limit() {
        let limit = format!("{} s limit", crate::config::MAX_LIFETIME);
        assert!(HINTS.bad_request.contains(&limit), "{}", HINTS.bad_request);
    }
}
