//! Reading the token endpoint's answer: the access token and its expiry, or a
//! rejection, retry or failure that names the cause and the fix.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde::de::IgnoredAny;
use ureq::http::{HeaderMap, StatusCode};

use super::{Call, Step, Target};
use crate::clock::{now, parse_http_date};
use crate::config::MAX_LIFETIME;
use crate::error::Error;
use crate::redact::json::{self, Secs, Text};
use crate::redact::{Redactor, SNIPPET_CHARS};

/// Clock differences up to this many seconds are normal and not worth a remark.
const CLOCK_SKEW_TOLERANCE: i64 = 30;

/// Reads `exp` from a JWT payload without checking its signature. `None` if `token`
/// is not a readable JWT or has no numeric `exp`.
///
/// Safe to use unverified: the result only ever shortens how long we keep a token,
/// it is never used to decide whether a token is genuine.
pub(super) fn jwt_exp(token: &str) -> Option<i64> {
    if token.split('.').count() != 3 {
        return None;
    }
    let claims: Expiring = jsonwebtoken::dangerous::insecure_decode_claims(token).ok()?;
    claims.exp.0
}

/// The one claim read from a token.
#[derive(Deserialize)]
struct Expiring {
    #[serde(default)]
    exp: Secs,
}

/// The earliest of everything that bounds the token's life.
pub(super) fn expiry(
    requested_exp: i64,
    access_token: &str,
    expires_in: Option<i64>,
    now: i64,
) -> i64 {
    let mut at = requested_exp;
    if let Some(exp) = jwt_exp(access_token) {
        at = at.min(exp);
    }
    if let Some(secs) = expires_in {
        at = at.min(now.saturating_add(secs));
    }
    at
}

pub(super) fn retriable_status(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

/// Turns a complete response into a step.
pub(super) fn classify(
    target: &Target,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    call: &Call,
) -> Step {
    let redactor = &call.redactor;
    if status.is_success() {
        return match parse_success(body) {
            Ok((access_token, expires_in)) => Step::Done {
                access_token,
                expires_in,
                clock_skew: clock_skew(headers, now()),
            },
            Err(what) => Step::Fail(Error::unavailable(format!(
                "token endpoint {} answered {} but {what} (content-type {}; body {}) — check that auth_url is the token endpoint",
                target.display,
                status_text(status),
                content_type(headers, redactor),
                body_snippet(body, redactor)
            ))),
        };
    }
    match status.as_u16() {
        400 | 401 | 403 => Step::Fail(rejection(status, headers, body, call.presents, redactor)),
        _ if retriable_status(status) => {
            let mut cause = status_text(status);
            if let Some(m) = service_message(body, redactor) {
                cause = format!("{cause} ({m})");
            }
            Step::Retry {
                cause,
                retry_after: headers
                    .get(ureq::http::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, SystemTime::now())),
            }
        }
        _ => {
            let detail = service_message(body, redactor)
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            Step::Fail(Error::unavailable(format!(
                "token endpoint {} answered {}{detail} — the auth_url is probably wrong (the Cylance token endpoint is https://protectapi[-region].cylance.com/auth/v2/token; check region or auth_url)",
                target.display,
                status_text(status)
            ))
            .with_source(HttpStatus(status.as_u16())))
        }
    }
}

/// The HTTP status an unexpected answer had, kept as the error's source so a
/// caller that knows what the status means there (the console's 404 for an
/// unknown tenant) can say so.
#[derive(Debug)]
pub(crate) struct HttpStatus(pub(crate) u16);

impl std::fmt::Display for HttpStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.0)
    }
}

impl std::error::Error for HttpStatus {}

/// The fields read from a 2xx body; every other value is skipped unread.
#[derive(Deserialize)]
struct Granted {
    access_token: Option<Text>,
    #[serde(default)]
    expires_in: Secs,
}

/// The access token and any `expires_in` of a 2xx body, or what was wrong with it.
pub(super) fn parse_success(
    body: &[u8],
) -> std::result::Result<(String, Option<i64>), &'static str> {
    // `{"access_token": …}`; the console's tenant-app step may also answer
    // the token as a JSON string or as the bare JWT.
    let (token, expires_in) = if let Ok(token) = serde_json::from_slice::<String>(body) {
        (token, None)
    } else if let Some(granted) = json::object::<Granted>(body) {
        match granted.access_token {
            None => return Err("the JSON has no access_token"),
            Some(Text(Some(token))) if !token.is_empty() => (token, granted.expires_in.0),
            Some(_) => return Err("its access_token is not a non-empty string"),
        }
    } else {
        match std::str::from_utf8(body).map(str::trim) {
            Ok(text) if jwt_exp(text).is_some() => (text.to_string(), None),
            Ok(_) if serde_json::from_slice::<IgnoredAny>(body).is_ok() => {
                return Err("the JSON has no access_token");
            }
            _ => return Err("the body is not JSON"),
        }
    };
    if token.is_empty() {
        return Err("its access_token is not a non-empty string");
    }
    // The token is later printed into line-based protocols (git, docker) and HTTP
    // headers: a newline or space in it could inject extra lines or fields there.
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("its access_token holds characters not allowed in a bearer token");
    }
    Ok((token, expires_in.filter(|s| *s >= 0)))
}

/// What a token request presents: its rejection names it, and the fix that
/// goes with it (a console's grant has no tenant and no auth token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Presented {
    /// The Cylance flow's signed auth token.
    AuthToken,
    /// The multi-tenant console's client-credentials grant (app id and
    /// secret as HTTP Basic).
    ClientCredentials,
    /// The console's own token, asking for a tenant's (tenant-app).
    ConsoleToken,
}

impl Presented {
    /// Who refused what, for "… rejected …".
    fn rejected(self) -> &'static str {
        match self {
            Presented::AuthToken => "token endpoint rejected the auth token",
            Presented::ClientCredentials => {
                "the console's token endpoint rejected the app's client credentials"
            }
            Presented::ConsoleToken => {
                "the console rejected its own token when asked for the tenant's (tenant-app)"
            }
        }
    }

    /// The fix for a rejection with this status.
    fn fix(self, code: u16) -> String {
        match (self, code) {
            (Presented::AuthToken, 400) => format!(
                "the auth token is malformed or its lifetime exceeds the service's {MAX_LIFETIME} s limit; check lifetime and extra_claims"
            ),
            (Presented::AuthToken, 403) => "the requested scopes are not allowed for this app; check scopes against the app's permissions in the console".to_string(),
            (Presented::AuthToken, _) => "check app_id, tenant_id and the app secret, and that region or auth_url matches the tenant".to_string(),
            (Presented::ClientCredentials, 400) => "the console refused the grant (grant_type=client_credentials&scope=api); check that auth_url is the console's token URL, e.g. https://api-admin.cylance.com/public/v2/us/auth".to_string(),
            (Presented::ClientCredentials, _) => "check the partner app's app_id and secret, and that region or auth_url is its console's".to_string(),
            (Presented::ConsoleToken, 403) => "the partner app may not act for this tenant; check its permissions in the console".to_string(),
            (Presented::ConsoleToken, 400) => "the console refused the tenant-app request; check the tenant id (the venueTenantId in the console)".to_string(),
            (Presented::ConsoleToken, _) => "the console refused even a fresh token of its own; check that the partner app is still enabled and may manage this tenant".to_string(),
        }
    }
}

/// The message for a 400, 401 or 403.
pub(super) fn rejection(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    presented: Presented,
    redactor: &Redactor,
) -> Error {
    let code = status.as_u16();
    let mut message = format!("{} ({})", presented.rejected(), status_text(status));
    if let Some(m) = service_message(body, redactor) {
        message.push_str(": ");
        message.push_str(&m);
    }
    message.push_str(" — ");
    message.push_str(&presented.fix(code));
    if code == 401
        && let Some(skew) = clock_skew(headers, now())
        && skew.abs() > CLOCK_SKEW_TOLERANCE
    {
        let side = if skew > 0 { "ahead" } else { "behind" };
        message.push_str(&format!(
            "; the local clock differs from the server's by {} s ({side}) — fix the system clock (e.g. enable NTP)",
            skew.abs()
        ));
    }
    Error::rejected(code, message)
}

/// Local clock minus the server's, in seconds, from the response's `Date` header.
pub(super) fn clock_skew(headers: &HeaderMap, now: i64) -> Option<i64> {
    let date = headers.get(ureq::http::header::DATE)?.to_str().ok()?;
    Some(now.saturating_sub(parse_http_date(date)?))
}

/// Parses `Retry-After`: delta-seconds or an HTTP date (a date in the past means now).
pub(super) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Anything too long for u64 is "far beyond any budget" anyway.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = parse_http_date(value)?;
    let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
    let at = u64::try_from(at).unwrap_or(0);
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// The service's own explanation from an error body: its JSON `message` (or the
/// OAuth-style `error_description` / `error`), else the start of the body. Sanitized.
pub(super) fn service_message(body: &[u8], redactor: &Redactor) -> Option<String> {
    if let Some(m) = json::message(body) {
        let m = redactor.clean(&m, SNIPPET_CHARS);
        if !m.is_empty() {
            return Some(m);
        }
    }
    let text = redactor.clean(&body_text(body, redactor), SNIPPET_CHARS);
    (!text.is_empty()).then(|| format!("\"{text}\""))
}

pub(super) fn body_snippet(body: &[u8], redactor: &Redactor) -> String {
    let text = redactor.clean(&body_text(body, redactor), SNIPPET_CHARS);
    if text.is_empty() {
        "empty".to_string()
    } else {
        format!("\"{text}\"")
    }
}

/// A body as text for a message: JSON with its strings decoded and redacted
/// one by one ([`json::render`]), so that no escape (`\u0053`, `\"`) hides a
/// credential; anything else as it came (the [`Redactor`] knows the escaped
/// forms too).
fn body_text(body: &[u8], redactor: &Redactor) -> String {
    json::render(body, redactor, 4 * SNIPPET_CHARS)
        .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned())
}

pub(super) fn content_type(headers: &HeaderMap, redactor: &Redactor) -> String {
    headers
        .get(ureq::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| redactor.clean(v, 60))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "not given".to_string())
}

pub(super) fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}
