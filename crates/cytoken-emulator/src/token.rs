//! Verification of auth tokens by the service's rules, and the access tokens
//! the emulator issues.

use std::sync::atomic::Ordering;

use serde_json::{Value, json};

use crate::http::Response;
use crate::{INVALID_JWT, ISSUER, Shared, lock, record_rejection};

/// The service honours at most 30 minutes between `iat` and `exp`.
const MAX_LIFETIME: i64 = 1800;
/// How far in the future `iat` may be before the token is refused.
const IAT_LEEWAY: i64 = 60;

/// A refusal: the status, the body message, and the emulator's own reason.
struct Reject {
    status: u16,
    message: String,
    reason: String,
}

/// 401 with the service's one message, whatever the cause.
fn unauthorized(reason: &str) -> Reject {
    Reject {
        status: 401,
        message: INVALID_JWT.to_owned(),
        reason: reason.to_owned(),
    }
}

fn bad_request(message: String) -> Reject {
    Reject {
        status: 400,
        reason: message.clone(),
        message,
    }
}

pub(crate) fn verify(shared: &Shared, body: &[u8]) -> Response {
    match check_and_issue(shared, body) {
        Ok(access_token) => Response::json(200, &json!({ "access_token": access_token })),
        Err(reject) => {
            record_rejection(shared, reject.status, &reject.reason);
            // The real 401 body never says why; the extra header does, so a
            // failing test or `cytoken -v` against the emulator is debuggable.
            Response::message(reject.status, &reject.message)
                .header("X-Emulator-Reason", &reject.reason)
        }
    }
}

/// The service's checks, in its order (DESIGN.md §1), then the access token.
fn check_and_issue(shared: &Shared, body: &[u8]) -> Result<String, Reject> {
    let request: Value = serde_json::from_slice(body)
        .map_err(|_| bad_request("Request body is not valid JSON".into()))?;
    let token = request
        .get("auth_token")
        .and_then(Value::as_str)
        .ok_or_else(|| bad_request("Request body must be {\"auth_token\": \"<JWT>\"}".into()))?;

    // An unknown alg (`none` included) makes the header malformed; it and
    // every non-HS256 alg end up as the same 401.
    let alg = crate::jwt::alg(token).ok_or_else(|| unauthorized("malformed JWT header"))?;
    if alg != "HS256" {
        return Err(unauthorized("alg is not HS256"));
    }

    // The secret to check the signature with depends on who claims to have
    // signed, so `sub` is read before the signature is verified; nothing else
    // from the unverified claims is trusted.
    let unverified = crate::jwt::unverified_claims(token)
        .ok_or_else(|| unauthorized("malformed JWT payload"))?;
    let app_id = unverified
        .get("sub")
        .and_then(Value::as_str)
        .ok_or_else(|| unauthorized("sub is missing or not a string"))?
        .to_owned();
    let (tenant, secret) = match lock(&shared.apps).get(&app_id) {
        Some(app) => (app.tenant.clone(), app.secret.clone()),
        None => return Err(unauthorized("unknown application (sub)")),
    };
    if secret.is_empty() {
        return Err(unauthorized("application has an empty secret"));
    }
    let claims = crate::jwt::verify(token, secret.as_bytes())
        .ok_or_else(|| unauthorized("signature does not verify with the application secret"))?;
    #[cfg(feature = "faults")]
    shared.knobs.record_claims(&claims);

    if claims.get("iss").and_then(Value::as_str) != Some(ISSUER) {
        return Err(unauthorized("iss is not http://cylance.com"));
    }
    let integer = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_i64)
            .ok_or_else(|| bad_request(format!("Claim {name} is missing or not an integer")))
    };
    let exp = integer("exp")?;
    let iat = integer("iat")?;
    let lifetime = exp.saturating_sub(iat);
    if lifetime > MAX_LIFETIME {
        return Err(bad_request(format!(
            "Token lifetime (exp - iat = {lifetime} s) exceeds the maximum of {MAX_LIFETIME} s"
        )));
    }
    if lifetime <= 0 {
        return Err(bad_request("Claim exp must be later than iat".into()));
    }
    let now = shared.now();
    if exp <= now {
        return Err(unauthorized("token expired (exp <= now)"));
    }
    if iat > now.saturating_add(IAT_LEEWAY) {
        return Err(unauthorized("iat is more than 60 s in the future"));
    }
    if claims.get("tid").and_then(Value::as_str) != Some(tenant.as_str()) {
        return Err(unauthorized("tid does not match the application's tenant"));
    }
    // Normalised, so the same UUID in upper case or braces is still a replay.
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .and_then(|j| uuid::Uuid::parse_str(j).ok())
        .map(|u| u.hyphenated().to_string())
        .ok_or_else(|| unauthorized("jti is missing or not a UUID"))?;
    if lock(&shared.seen_jti).contains(&jti) {
        return Err(unauthorized("jti was already used (replay)"));
    }
    let scopes = parse_scopes(claims.get("scp"))?;
    if let Some(allowed) = lock(&shared.allowed_scopes).get(&app_id)
        && let Some(denied) = scopes.iter().find(|s| !allowed.contains(s.as_str()))
    {
        let message = format!("Scope {denied} is not allowed for this application");
        return Err(Reject {
            status: 403,
            reason: message.clone(),
            message,
        });
    }
    // Recorded only now, so a token refused for another reason can be fixed and
    // is not burnt; check-and-insert under one lock so two concurrent requests
    // with the same jti cannot both pass.
    if !lock(&shared.seen_jti).insert(jti) {
        return Err(unauthorized("jti was already used (replay)"));
    }

    let access_claims = json!({
        "iss": ISSUER,
        "sub": app_id,
        "tid": tenant,
        "scp": scopes,
        "iat": now,
        "exp": exp,
        "jti": uuid::Uuid::new_v4().to_string(),
    });
    let access = crate::jwt::sign(&access_claims, &shared.access_key).ok_or_else(|| Reject {
        status: 500,
        message: "Internal error".into(),
        reason: "could not sign the access token".into(),
    })?;
    shared.issued.fetch_add(1, Ordering::SeqCst);
    #[cfg(feature = "faults")]
    shared.api_knobs.record_issued(&access);
    Ok(access)
}

/// `scp`: absent, a JSON array of strings, or a comma-delimited string; every
/// scope must be `resource:action`.
fn parse_scopes(scp: Option<&Value>) -> Result<Vec<String>, Reject> {
    let scopes: Vec<String> = match scp {
        None => Vec::new(),
        Some(Value::String(s)) if s.is_empty() => Vec::new(),
        Some(Value::String(s)) => s.split(',').map(str::to_owned).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| bad_request("Claim scp must contain only strings".into()))?,
        Some(_) => {
            return Err(bad_request(
                "Claim scp must be an array of strings or a comma-delimited string".into(),
            ));
        }
    };
    if let Some(bad) = scopes.iter().find(|s| !is_scope(s)) {
        return Err(bad_request(format!(
            "Scope {bad:?} is not of the form resource:action"
        )));
    }
    Ok(scopes)
}

fn is_scope(s: &str) -> bool {
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != ',' && c != ':')
    };
    s.split_once(':')
        .is_some_and(|(resource, action)| part_ok(resource) && part_ok(action))
}
