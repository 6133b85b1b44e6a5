//! An access token's claims, read without verifying it (`status`, `token
//! --format json`): the token is the service's to check, and these are only
//! shown. Its payload is server text, so it is read as every server body is
//! ([`crate::redact::json`]): the few fields wanted, everything else skipped
//! unread.

use std::fmt;

use base64::Engine as _;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};

use crate::redact::json::{Secs, Text, object};

/// The most scopes kept from one token (more than any app is granted).
const MAX_SCOPES: usize = 256;

/// The claims shown of an access token; each `None` when absent or not of
/// its type.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub(crate) struct Claims {
    /// `scp`: a JSON array of strings, or one string of comma- or
    /// space-separated scopes.
    #[serde(rename = "scp")]
    pub(crate) scopes: Scopes,
    #[serde(rename = "iat")]
    pub(crate) issued_at: Secs,
    #[serde(rename = "exp")]
    pub(crate) expires_at: Secs,
    #[serde(rename = "tid")]
    pub(crate) tenant: Text,
    #[serde(rename = "sub")]
    pub(crate) subject: Text,
    #[serde(rename = "iss")]
    pub(crate) issuer: Text,
}

/// The `scp` claim; `None` when the token has none (or one of another shape).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Scopes(pub(crate) Option<Vec<String>>);

/// The claims of `token` when it is a JWT (three base64url parts, the second
/// a JSON object); `None` for any other token.
pub(crate) fn decode(token: &str) -> Option<Claims> {
    let mut parts = token.split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let payload = payload.trim_end_matches('=');
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    object(&bytes)
}

impl<'de> Deserialize<'de> for Scopes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scopes, D::Error> {
        d.deserialize_any(ScopesVisitor).map(Scopes)
    }
}

struct ScopesVisitor;

impl<'de> Visitor<'de> for ScopesVisitor {
    type Value = Option<Vec<String>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("scopes")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Some(
            s.split([',', ' '])
                .filter(|p| !p.is_empty())
                .take(MAX_SCOPES)
                .map(String::from)
                .collect(),
        ))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        let mut all_strings = true;
        while let Some(Text(item)) = seq.next_element::<Text>()? {
            match item {
                Some(s) if out.len() < MAX_SCOPES => out.push(s),
                Some(_) => {}
                None => all_strings = false,
            }
        }
        Ok(all_strings.then_some(out))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let b = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", b(r#"{"alg":"HS256"}"#), b(payload))
    }

    #[test]
    fn a_jwt_payload_gives_its_claims() {
        let c = decode(&jwt(
            r#"{"scp":["device:list","policy:read"],"iat":100,"exp":1900.5,"tid":"t","sub":"a","iss":"x","big":[1,2,3]}"#,
        ))
        .unwrap();
        assert_eq!(
            c.scopes.0,
            Some(vec!["device:list".into(), "policy:read".into()])
        );
        assert_eq!(c.issued_at.0, Some(100));
        assert_eq!(c.expires_at.0, Some(1900));
        assert_eq!(c.tenant.0.as_deref(), Some("t"));
        assert_eq!(c.subject.0.as_deref(), Some("a"));
        assert_eq!(c.issuer.0.as_deref(), Some("x"));
    }

    #[test]
    fn scopes_may_be_one_string_and_are_absent_when_missing_or_odd() {
        let s = |p: &str| decode(&jwt(p)).unwrap().scopes.0;
        assert_eq!(
            s(r#"{"scp":"a,b c"}"#),
            Some(vec!["a".into(), "b".into(), "c".into()])
        );
        assert_eq!(s(r#"{"scp":[]}"#), Some(vec![]));
        assert_eq!(s(r#"{"exp":1}"#), None);
        assert_eq!(s(r#"{"scp":[1]}"#), None);
        assert_eq!(s(r#"{"scp":{"a":1}}"#), None);
    }

    #[test]
    fn what_is_not_a_jwt_has_no_claims() {
        for t in [
            "opaque-token",
            "a.b",
            "a.b.c.d",
            &format!("{}.extra", jwt(r#"{"exp":1}"#)),
            "x.!!!.y",
            &jwt("[1]"),
            &jwt("nope"),
        ] {
            assert_eq!(decode(t), None, "{t}");
        }
    }
}
