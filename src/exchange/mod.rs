//! The token exchange: sends a flow's request ([`Call`]: method, headers, body)
//! to the token endpoint, retries what is worth retrying within one time budget,
//! and hands back the endpoint's final [`Answer`] for the flow to read; every
//! failure on the way is a typed error that names the cause and the fix without
//! a secret or a whole token. [`Transport`] puts it behind a trait, so the
//! broker is tested with a fake.
//!
//! This module is only reached on a cache miss: the HTTP client, the proxy settings
//! and the TLS trust store are all built inside [`exchange_call`], never at start-up, so
//! the hot path (a cached token) pays for none of it.

mod response;

use std::time::{Duration, Instant};

use ureq::http::{HeaderMap, StatusCode, Uri};

#[cfg(test)]
use crate::clock::now;
use crate::endpoint::check_auth_url;
use crate::error::{Context as _, Error, Kind, Result};
use crate::http::retry::Attempts;
use crate::http::{Agent, BODY_LIMIT};
use crate::redact::{Redactor, SNIPPET_CHARS, quote_url, sanitize};
use crate::secret::Secret;
pub(crate) use response::{Answer, Hints};
use response::{classify, retriable_status, status_text};

/// Where and how to reach the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// The token endpoint, already validated by the config (see [`check_auth_url`]):
    /// `https://`, or `http://` to a loopback host.
    pub auth_url: String,
    /// Extra PEM trust roots, added to the system's.
    pub ca_file: Option<std::path::PathBuf>,
    /// Overall budget for one exchange, retries and back-off included (default 20 s).
    pub timeout: Duration,
    /// Budget for resolving the host and setting up one connection, TLS included
    /// (default 5 s).
    pub connect_timeout: Duration,
    /// The longest access token accepted (the largest the cache holds): a
    /// longer one is a malformed answer.
    pub max_token: usize,
}

/// The outcome of a successful exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Exchanged {
    /// The access token, to be sent as `Authorization: Bearer <token>`.
    pub access_token: Secret,
    /// When the token stops being usable, in epoch seconds: the earliest of the
    /// requested expiry, the access token's own `exp` and any `expires_in`.
    pub expires_at: i64,
    /// Local clock minus the server's (from its `Date` header), in seconds.
    pub clock_skew: Option<i64>,
}

/// [`exchange_call`] of plain auth tokens, for the tests: `mint` returns a
/// freshly signed auth token and its `exp` (epoch s) per attempt; the answer
/// is read with the Cylance flow's words.
#[cfg(test)]
pub(crate) fn exchange(
    endpoint: &Endpoint,
    mint: &mut dyn FnMut() -> Result<(String, i64)>,
) -> Result<Exchanged> {
    let mut requested = 0;
    let answer = exchange_call(endpoint, &mut || {
        let (token, exp) = mint()?;
        requested = exp;
        Ok(Call::post(
            "application/json; charset=utf-8",
            serde_json::json!({ "auth_token": token }).to_string(),
        )
        .redacting_token(&token))
    })?;
    answer.read(requested, now(), &crate::flow::cylance::HINTS)
}

/// How a flow's requests are sent: [`Http`], or a fake in tests. `mint` gives
/// the call of each attempt; the answer is the endpoint's last, unread.
pub(crate) trait Transport: Sync {
    fn send(&self, endpoint: &Endpoint, mint: &mut dyn FnMut() -> Result<Call>) -> Result<Answer>;
}

/// The real transport: [`exchange_call`].
pub(crate) struct Http;

impl Transport for Http {
    fn send(&self, endpoint: &Endpoint, mint: &mut dyn FnMut() -> Result<Call>) -> Result<Answer> {
        exchange_call(endpoint, mint)
    }
}

/// One request to a token endpoint, as a flow builds it: the method, the
/// `Authorization` header, the body, and what to redact from the answer. The
/// URL is the [`Endpoint`]'s. Its `Debug` never shows the credential.
pub(crate) struct Call {
    put: bool,
    /// Content type and body.
    body: Option<(&'static str, String)>,
    /// The `Authorization` header value.
    authorization: Option<String>,
    /// Every form of the credentials the call carries (an auth token, the
    /// secret of a Basic header, a bearer token): redacted from every
    /// message built from the answer.
    redactor: Redactor,
}

impl Call {
    /// `POST` of `body` as `content_type`.
    pub(crate) fn post(content_type: &'static str, body: String) -> Call {
        Call {
            put: false,
            body: Some((content_type, body)),
            authorization: None,
            redactor: Redactor::new(),
        }
    }

    /// `PUT` with no body.
    pub(crate) fn put() -> Call {
        Call {
            put: true,
            body: None,
            authorization: None,
            redactor: Redactor::new(),
        }
    }

    /// With HTTP Basic `user:password`; the password is redacted from the answer.
    pub(crate) fn basic(mut self, user: &str, password: &str) -> Call {
        use base64::Engine as _;
        let blob = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        self.authorization = Some(format!("Basic {blob}"));
        self.redactor = self.redactor.secret(user, password);
        self
    }

    /// With `Authorization: Bearer token`; the token is redacted from the answer.
    pub(crate) fn bearer(mut self, token: &str) -> Call {
        self.authorization = Some(format!("Bearer {token}"));
        self.redacting_token(token)
    }

    /// Also redacts `token` (one the body carries) from the answer.
    pub(crate) fn redacting_token(mut self, token: &str) -> Call {
        self.redactor = self.redactor.token(token);
        self
    }

    /// Also redacts every form of the app secret from the answer: a server
    /// that knows the secret (it checks the auth token's signature with it)
    /// must not get it shown, whatever the request carried.
    pub(crate) fn redacting_secret(mut self, app_id: &str, secret: &str) -> Call {
        self.redactor = self.redactor.secret(app_id, secret);
        self
    }

    /// The `Authorization` header value, for tests.
    #[cfg(test)]
    pub(crate) fn authorization(&self) -> Option<&str> {
        self.authorization.as_deref()
    }
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("put", &self.put)
            .field("content_type", &self.body.as_ref().map(|b| b.0))
            .finish_non_exhaustive()
    }
}

/// Sends the calls `mint` gives (one per attempt: each needs a fresh one, the
/// service rejects a replayed `jti`) until the endpoint gives an answer that
/// is not worth retrying, and returns that answer, unread.
///
/// Errors: [`crate::error::Kind::Unavailable`] for network failures, timeouts,
/// redirects and 5xx/429 after retries, [`crate::error::Kind::Config`] for an
/// unusable `auth_url`, `ca_file` or proxy variable, and whatever `mint` returns.
pub(crate) fn exchange_call(
    endpoint: &Endpoint,
    mint: &mut dyn FnMut() -> Result<Call>,
) -> Result<Answer> {
    // Checked again here, not only in the config, so that no caller can ever send an
    // auth token over plain http across the network.
    check_auth_url(&endpoint.auth_url)?;
    let uri: Uri = endpoint
        .auth_url
        .trim()
        .parse()
        .context(Kind::Config, |_| {
            format!(
                "auth_url {} is not a valid URL",
                quote_url(&endpoint.auth_url)
            )
        })?;
    let target = Target::new(&uri, endpoint.timeout);
    let started = Instant::now();
    let deadline = started.checked_add(endpoint.timeout).ok_or_else(|| {
        Error::config(format!(
            "timeout of {} is too large",
            secs(endpoint.timeout)
        ))
    })?;
    let agent = Agent::new(&uri, endpoint.ca_file.as_deref(), endpoint.connect_timeout)?;
    let ctx = Ctx {
        agent: &agent,
        uri: &uri,
        target: &target,
        connect_timeout: endpoint.connect_timeout,
        max_token: endpoint.max_token,
    };

    let mut attempts = Attempts::default();
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(target.timed_out());
        }
        let call = mint()?;
        let (cause, retry_after) = match attempt(&ctx, call, remaining) {
            Step::Answered(answer) => return Ok(answer),
            Step::Fail(e) => return Err(e),
            Step::Retry { cause, retry_after } => (cause, retry_after),
        };
        let again = attempts.fail();
        let tried = plural(attempts.failed(), "attempt");
        if !again {
            return Err(Error::unavailable(format!(
                "token endpoint {} unavailable after {tried}: {cause}",
                target.display
            )));
        }
        let (wait, why) = match retry_after {
            Some(d) => (d, "the server asked to wait"),
            None => (attempts.backoff(), "the next retry is due in"),
        };
        // The budget is a promise to the caller (and to the lock waiters queued behind
        // it): never sleep past it, give up with the real cause instead.
        if wait >= deadline.saturating_duration_since(Instant::now()) {
            return Err(Error::unavailable(format!(
                "token endpoint {} unavailable after {tried}: {cause}; {why} {}, beyond the time budget of {} (raise `timeout` to wait longer)",
                target.display,
                secs(wait),
                secs(endpoint.timeout)
            )));
        }
        std::thread::sleep(wait);
    }
}

/// How the endpoint is named in messages: scheme, host, port and path only. Userinfo
/// and query are left out so that nothing credential-like from the URL is echoed.
struct Target {
    display: String,
    host: String,
    budget: Duration,
}

impl Target {
    fn new(uri: &Uri, budget: Duration) -> Target {
        let host = sanitize(uri.host().unwrap_or_default(), SNIPPET_CHARS);
        let port = uri.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
        let display = format!(
            "{}://{host}{port}{}",
            uri.scheme_str().unwrap_or("https"),
            sanitize(uri.path(), SNIPPET_CHARS)
        );
        Target {
            display,
            host,
            budget,
        }
    }

    fn timed_out(&self) -> Error {
        Error::unavailable(format!(
            "token endpoint {} timed out after {} (no answer from {}) — check the network or proxy, or raise `timeout`",
            self.display,
            secs(self.budget),
            self.host
        ))
    }
}

/// Everything one attempt needs besides the auth token.
struct Ctx<'a> {
    agent: &'a Agent,
    uri: &'a Uri,
    target: &'a Target,
    connect_timeout: Duration,
    /// See [`Endpoint::max_token`]; the answer carries it to its reader.
    max_token: usize,
}

/// What one attempt came to.
enum Step {
    /// An answer the flow reads: a 2xx, or a status a retry would not change.
    Answered(Answer),
    Retry {
        cause: String,
        retry_after: Option<Duration>,
    },
    Fail(Error),
}

/// One POST and the classification of its outcome.
fn attempt(ctx: &Ctx<'_>, call: Call, remaining: Duration) -> Step {
    let mut request = if call.put {
        ctx.agent.ureq.put(ctx.uri.clone())
    } else {
        ctx.agent.ureq.post(ctx.uri.clone())
    };
    if let Some(value) = &call.authorization {
        request = request.header("Authorization", value);
    }
    // Whatever is left of the overall budget bounds this attempt, body included.
    let request = request.config().timeout_global(Some(remaining)).build();
    let sent = match &call.body {
        Some((content_type, body)) => request.content_type(*content_type).send(body.as_str()),
        None => request.send_empty(),
    };
    let mut response = match sent {
        Ok(r) => r,
        Err(e) => return transport_failure(ctx, e, &call.redactor),
    };
    let status = response.status();
    let headers = response.headers().clone();
    if status.is_redirection() {
        return Step::Fail(redirect_error(ctx.target, status, &headers, &call.redactor));
    }
    let body = match response
        .body_mut()
        .with_config()
        .limit(BODY_LIMIT)
        .read_to_vec()
    {
        Ok(b) => b,
        // A 5xx or 429 is retried whatever its body; a broken body must not hide it.
        Err(e) if retriable_status(status) && !is_fatal_read_error(&e) => Vec::new(),
        Err(e) => return transport_failure(ctx, e, &call.redactor),
    };
    classify(ctx, status, headers, body, call.redactor)
}

fn is_fatal_read_error(e: &ureq::Error) -> bool {
    matches!(
        e,
        ureq::Error::BodyExceedsLimit(_) | ureq::Error::Timeout(ureq::Timeout::Global)
    )
}

/// Maps a ureq error (while connecting, sending or reading) to a step.
/// Any text in it that came from the server (a proxy's refusal, a malformed
/// answer) is cleaned with the call's `redactor`.
fn transport_failure(ctx: &Ctx<'_>, e: ureq::Error, redactor: &Redactor) -> Step {
    use ureq::Timeout as T;
    let target = ctx.target;
    let host = &target.host;
    let via = &ctx.agent.via;
    let https = ctx.agent.https;
    let retry = |cause: String| Step::Retry {
        cause: redactor.apply(&cause),
        retry_after: None,
    };
    match e {
        ureq::Error::Timeout(T::Global | T::PerCall) => Step::Fail(target.timed_out()),
        ureq::Error::Timeout(T::Connect | T::Resolve) => retry(format!(
            "connecting to {host}{via} timed out after {}",
            secs(ctx.connect_timeout)
        )),
        ureq::Error::Timeout(t) => retry(format!("timed out ({t}) talking to {host}")),
        ureq::Error::HostNotFound => retry(format!("cannot resolve host {host}")),
        ureq::Error::ConnectionFailed => retry(format!("cannot connect to {host}{via}")),
        // rustls reports handshake failures (an untrusted certificate, a non-TLS
        // peer, an alert) as InvalidData io errors. They will not heal on a retry, and
        // retrying would only hide the cause: fail now, with the fix.
        ureq::Error::Io(io) if https && io.kind() == std::io::ErrorKind::InvalidData => {
            Step::Fail(tls_failure(ctx, &io, redactor))
        }
        // The loopback connector's refusal (another user accepted): a retry
        // would only knock on the same door.
        ureq::Error::Io(io) if !https && io.kind() == std::io::ErrorKind::PermissionDenied => {
            Step::Fail(Error::config(format!("{}: {io}", target.display)))
        }
        ureq::Error::Io(io) => {
            use std::io::ErrorKind as K;
            match io.kind() {
                K::ConnectionRefused
                | K::AddrNotAvailable
                | K::NetworkUnreachable
                | K::HostUnreachable => retry(format!("cannot connect to {host}{via}: {io}")),
                // getaddrinfo failures reach us as uncategorized io errors; naming
                // them as such saves the user from reading the OS wording.
                _ if io.to_string().contains("lookup address") => {
                    retry(format!("cannot resolve host {host}{via}: {io}"))
                }
                _ => retry(format!("network error talking to {host}{via}: {io}")),
            }
        }
        ureq::Error::ConnectProxyFailed(why) => retry(format!(
            "cannot reach {host}{via}: {}",
            redactor.clean(&why, SNIPPET_CHARS)
        )),
        ureq::Error::BodyExceedsLimit(_) => Step::Fail(Error::unavailable(format!(
            "token endpoint {} sent a response larger than 1 MiB; refusing to read it — check auth_url",
            target.display
        ))),
        ureq::Error::Rustls(_)
        | ureq::Error::Tls(_)
        | ureq::Error::Pem(_)
        | ureq::Error::TlsRequired => Step::Fail(tls_failure(ctx, &e, redactor)),
        ureq::Error::InvalidProxyUrl => Step::Fail(Error::config(
            "the proxy URL in ALL_PROXY / HTTPS_PROXY is not valid".to_string(),
        )),
        other => Step::Fail(Error::unavailable(format!(
            "request to token endpoint {} failed: {}",
            target.display,
            redactor.clean(&other.to_string(), 200)
        ))),
    }
}

fn tls_failure(ctx: &Ctx<'_>, cause: &dyn std::fmt::Display, redactor: &Redactor) -> Error {
    Error::unavailable(
        ctx.agent
            .tls_failure(&ctx.target.host, &redactor.clean(&cause.to_string(), 200)),
    )
}

fn redirect_error(
    target: &Target,
    status: StatusCode,
    headers: &HeaderMap,
    redactor: &Redactor,
) -> Error {
    let to = match headers
        .get(ureq::http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
    {
        None => "no Location".to_string(),
        Some(loc) => match loc
            .trim()
            .parse::<Uri>()
            .ok()
            .and_then(|u| u.host().map(str::to_owned))
        {
            Some(h) => format!("host {}", redactor.clean(&h, SNIPPET_CHARS)),
            None => format!("another path on {}", target.host),
        },
    };
    Error::unavailable(format!(
        "token endpoint {} answered {} pointing to {to}; redirects are not followed because they would carry the auth token elsewhere — set auth_url to the final token URL",
        target.display,
        status_text(status)
    ))
}

fn secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests;
