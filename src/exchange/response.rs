//! Reading the token endpoint's answer: a retry, or the [`Answer`] a flow
//! reads (the access token and its expiry, or a refusal that names the cause
//! and the fix in the flow's words, its [`Hints`]).

use std::time::SystemTime;

use serde::Deserialize;
use serde::de::IgnoredAny;
use ureq::http::{HeaderMap, StatusCode};

use super::{Ctx, Exchanged, Step};
use crate::clock::{now, parse_http_date};
use crate::error::{Error, Result};
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
    use base64::Engine as _;
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: Expiring = serde_json::from_slice(&json).ok()?;
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

/// Turns a complete response into a step: a retry for a 5xx or 429, else
/// the answer, for the flow to read.
pub(super) fn classify(
    ctx: &Ctx<'_>,
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    redactor: Redactor,
) -> Step {
    if retriable_status(status) {
        let mut cause = status_text(status);
        if let Some(m) = service_message(&body, &redactor) {
            cause = format!("{cause} ({m})");
        }
        return Step::Retry {
            cause,
            retry_after: crate::http::retry::retry_after(&headers, SystemTime::now()),
        };
    }
    Step::Answered(Answer {
        status,
        headers,
        body,
        target: ctx.target.display.clone(),
        redactor,
        max_token: ctx.max_token,
    })
}

/// A flow's words for what its endpoint may answer: what it sent, and the
/// fix for each refusal. Each flow has its own (`flow/*.rs`).
#[derive(Debug)]
pub(crate) struct Hints {
    /// What the endpoint refused, as in "rejected the auth token".
    pub(crate) refused: &'static str,
    /// The fix after a 400.
    pub(crate) bad_request: &'static str,
    /// The fix after a 401.
    pub(crate) unauthorized: &'static str,
    /// The fix after a 403.
    pub(crate) forbidden: &'static str,
    /// The fix after any other status the endpoint should never give (a
    /// wrong URL, most likely).
    pub(crate) unexpected: &'static str,
}

/// The token endpoint's final answer (anything but a retried 5xx or 429 or
/// a redirect), unread: the flow that sent the call reads it.
pub(crate) struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    /// The endpoint as messages name it (no userinfo, no query).
    target: String,
    /// Every form of what the call carried, cut out of every message.
    redactor: Redactor,
    /// See [`super::Endpoint::max_token`].
    max_token: usize,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl Answer {
    /// An answer of `status` with `body`, as a fake transport gives it.
    #[cfg(test)]
    pub(crate) fn for_test(status: u16, body: &str) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            target: "fake://token".into(),
            redactor: Redactor::new(),
            max_token: crate::cache::MAX_TOKEN,
        }
    }

    /// The HTTP status.
    pub(crate) fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// The usual reading: a 2xx is the token ([`Answer::granted`]), a 400,
    /// 401 or 403 a refusal, anything else a wrong endpoint, both said in
    /// the flow's words (`hints`).
    pub(crate) fn read(&self, requested_exp: i64, now: i64, hints: &Hints) -> Result<Exchanged> {
        match self.status.as_u16() {
            _ if self.status.is_success() => self.granted(requested_exp, now),
            400 | 401 | 403 => Err(self.rejection(hints)),
            _ => Err(self.unexpected(hints)),
        }
    }

    /// The access token of a 2xx answer and when it stops being usable: the
    /// earliest of `requested_exp`, the token's own `exp` and any
    /// `expires_in` (counted from `now`). A token too long to cache, or
    /// already expired, is a malformed answer.
    pub(crate) fn granted(&self, requested_exp: i64, now: i64) -> Result<Exchanged> {
        let (access_token, expires_in) = parse_success(&self.body).map_err(|what| {
            Error::unavailable(format!(
                "token endpoint {} answered {} but {what} (content-type {}; body {}) — check that auth_url is the token endpoint",
                self.target,
                status_text(self.status),
                content_type(&self.headers, &self.redactor),
                body_snippet(&self.body, &self.redactor)
            ))
        })?;
        if access_token.len() > self.max_token {
            return Err(Error::unavailable(format!(
                "token endpoint {} answered an access token of {} bytes, more than the {} KiB cytoken accepts (and can cache) \
                 — check that auth_url is the token endpoint",
                self.target,
                access_token.len(),
                self.max_token >> 10
            )));
        }
        // Never later than the requested exp (see `expiry`); a time already
        // past is no token at all, however it came about (a far-past exp
        // would otherwise look fresh forever once stored).
        let expires_at = expiry(requested_exp, &access_token, expires_in, now);
        if expires_at <= now {
            return Err(Error::unavailable(format!(
                "token endpoint {} answered an access token that has already expired \
                 — check the server's clock, and that auth_url is the token endpoint",
                self.target
            )));
        }
        Ok(Exchanged {
            access_token: crate::secret::Secret::new(access_token),
            expires_at,
            clock_skew: clock_skew(&self.headers, crate::clock::now()),
        })
    }

    /// The message for a 400, 401 or 403, with the fix from `hints`. A 401
    /// from a server whose clock differs from ours by more than
    /// [`CLOCK_SKEW_TOLERANCE`] names the skew first: a signed token's `iat`
    /// and `exp` are refused then whatever the credentials, so fixing them
    /// first would not help.
    pub(crate) fn rejection(&self, hints: &Hints) -> Error {
        let code = self.status.as_u16();
        let mut message = format!(
            "token endpoint rejected {} ({})",
            hints.refused,
            status_text(self.status)
        );
        let said = service_message(&self.body, &self.redactor);
        let fix = match code {
            400 => hints.bad_request,
            403 => hints.forbidden,
            _ => hints.unauthorized,
        };
        let skew = clock_skew(&self.headers, now())
            .filter(|skew| code == 401 && skew.abs() > CLOCK_SKEW_TOLERANCE);
        if let Some(skew) = skew {
            let side = if skew > 0 { "ahead" } else { "behind" };
            message.push_str(&format!(
                ": the local clock differs from the server's by {} s ({side}) — fix the system \
                 clock (e.g. enable NTP)",
                skew.abs()
            ));
            if let Some(m) = said {
                message.push_str(&format!("; the endpoint said: {m}"));
            }
            message.push_str(&format!("; if the clock is right, {fix}"));
        } else {
            if let Some(m) = said {
                message.push_str(": ");
                message.push_str(&m);
            }
            message.push_str(" — ");
            message.push_str(fix);
        }
        Error::rejected(code, message)
    }

    /// The message for a status the endpoint should never give, with the
    /// fix from `hints`.
    pub(crate) fn unexpected(&self, hints: &Hints) -> Error {
        let detail = service_message(&self.body, &self.redactor)
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        Error::unavailable(format!(
            "token endpoint {} answered {}{detail} — {}",
            self.target,
            status_text(self.status),
            hints.unexpected
        ))
        .with_status(self.status.as_u16())
    }
}

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

/// Local clock minus the server's, in seconds, from the response's `Date` header.
pub(super) fn clock_skew(headers: &HeaderMap, now: i64) -> Option<i64> {
    let date = headers.get(ureq::http::header::DATE)?.to_str().ok()?;
    Some(now.saturating_sub(parse_http_date(date)?))
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
