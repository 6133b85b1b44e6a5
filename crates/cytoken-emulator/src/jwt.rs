//! HS256 compact JWS (RFC 7515), the only kind the service takes or the
//! emulator issues: signing, reading the header and the unverified claims,
//! and verifying with a key. Written out with hmac, sha2 and base64 so no
//! JWT library (and none of its RSA and ECDSA code) is linked into cytoken,
//! which carries the emulator for `demo`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use serde_json::Value;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The header every token the emulator issues carries (as JWT libraries
/// write it: `typ`, then `alg`).
const HEADER: &str = r#"{"typ":"JWT","alg":"HS256"}"#;

/// The algorithms a JWS header may name (RFC 7518 and EdDSA): any other
/// `alg` makes the header malformed, as it does for JWT libraries.
const KNOWN_ALGS: [&str; 12] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "EdDSA",
];

/// `claims` signed with `key` (not empty).
pub(crate) fn sign(claims: &Value, key: &[u8]) -> Option<String> {
    let mut mac = HmacSha256::new_from_slice(key)
        .ok()
        .filter(|_| !key.is_empty())?;
    let mut token = URL_SAFE_NO_PAD.encode(HEADER);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(serde_json::to_vec(claims).ok()?, &mut token);
    mac.update(token.as_bytes());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(mac.finalize().into_bytes(), &mut token);
    Some(token)
}

/// The three parts of a compact JWS, or `None` when there are not three.
fn parts(token: &str) -> Option<[&str; 3]> {
    let mut it = token.split('.');
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some(h), Some(p), Some(s), None) => Some([h, p, s]),
        _ => None,
    }
}

/// A base64url part decoded as JSON.
fn object(part: &str) -> Option<Value> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
}

/// The header's `alg`: `None` when the header is not JSON naming a known
/// algorithm (`none` included).
pub(crate) fn alg(token: &str) -> Option<String> {
    let [header, _, _] = parts(token)?;
    let alg = object(header)?.get("alg")?.as_str()?.to_owned();
    KNOWN_ALGS.contains(&alg.as_str()).then_some(alg)
}

/// The claims, without checking the signature.
pub(crate) fn unverified_claims(token: &str) -> Option<Value> {
    let [_, payload, _] = parts(token)?;
    object(payload)
}

/// The claims of an HS256 token whose signature `key` verifies (compared in
/// constant time); `None` for any other token.
pub(crate) fn verify(token: &str, key: &[u8]) -> Option<Value> {
    if alg(token).as_deref() != Some("HS256") || key.is_empty() {
        return None;
    }
    let [header, payload, signature] = parts(token)?;
    let mut mac = HmacSha256::new_from_slice(key).ok()?;
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    mac.verify_slice(&URL_SAFE_NO_PAD.decode(signature).ok()?)
        .ok()?;
    object(payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
    use serde_json::json;

    /// Byte for byte what a JWT library makes, and each side verifies the
    /// other's tokens; a wrong key, a changed payload and `none` do not verify.
    #[test]
    fn agrees_with_jsonwebtoken() {
        let claims = json!({"sub": "app", "exp": 1_700_000_600, "scp": ["a:b"]});
        let ours = sign(&claims, b"k3y").unwrap();
        let theirs = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(b"k3y").unwrap(),
        )
        .unwrap();
        assert_eq!(ours, theirs);
        let mut v = Validation::new(Algorithm::HS256);
        v.validate_exp = false;
        v.required_spec_claims.clear();
        let decoded =
            jsonwebtoken::decode::<Value>(&ours, &DecodingKey::from_secret(b"k3y").unwrap(), &v);
        assert_eq!(decoded.unwrap().claims, claims);
        assert_eq!(verify(&theirs, b"k3y"), Some(claims.clone()));
        assert_eq!(verify(&ours, b"other"), None);
        assert_eq!(verify(&ours, b""), None);
        let [h, _, s] = parts(&ours).unwrap();
        let forged = format!("{h}.{}.{s}", URL_SAFE_NO_PAD.encode(br#"{"sub":"admin"}"#));
        assert_eq!(verify(&forged, b"k3y"), None);
        assert_eq!(unverified_claims(&forged), Some(json!({"sub": "admin"})));
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            parts(&ours).unwrap()[1]
        );
        assert_eq!(alg(&none), None);
        assert_eq!(verify(&none, b"k3y"), None);
        let rs = format!(
            "{}.{}.{s}",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256"}"#),
            parts(&ours).unwrap()[1]
        );
        assert_eq!(alg(&rs).as_deref(), Some("RS256"));
        assert_eq!(verify(&rs, b"k3y"), None);
    }
}
