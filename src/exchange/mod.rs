//! The token exchange: POSTs a freshly signed auth token to the token endpoint,
//! retries what is worth retrying within one time budget, and turns every failure into
//! a typed error that names the cause and the fix without a secret or a whole token.
//!
//! This module is only reached on a cache miss: the HTTP client, the proxy settings
//! and the TLS trust store are all built inside [`exchange_call`], never at start-up, so
//! the hot path (a cached token) pays for none of it.

mod agent;
pub(crate) use agent::trust_roots;
mod loopback;
mod response;

use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::http::{HeaderMap, StatusCode, Uri};

use crate::clock::now;
use crate::endpoint::check_auth_url;
use crate::error::{Error, Result};
use crate::redact::{Redactor, SNIPPET_CHARS, quote_url, sanitize};
use agent::build_agent;
use response::{Presented, classify, expiry, retriable_status, status_text};

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
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Exchanged {
    /// The access token, to be sent as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// When the token stops being usable, in epoch seconds: the earliest of the
    /// requested expiry, the access token's own `exp` and any `expires_in`.
    pub expires_at: i64,
    /// Local clock minus the server's (from its `Date` header), in seconds.
    pub clock_skew: Option<i64>,
}

// A hand-written Debug so that `{:?}` of a result can never print a usable token.
impl std::fmt::Debug for Exchanged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchanged")
            .field("access_token", &crate::redact::redact(&self.access_token))
            .field("expires_at", &self.expires_at)
            .field("clock_skew", &self.clock_skew)
            .finish()
    }
}

/// The HTTP client of `cytoken api` for the API base `uri`: the exchange's
/// proxy, trust roots (`ca_file`), connect timeout and no-redirect policy (a
/// redirect would carry the bearer token elsewhere), plain http only for a
/// loopback base. Also a note for TLS errors and ` via proxy host:port`.
pub(crate) fn api_agent(
    ca_file: Option<&std::path::Path>,
    connect_timeout: Duration,
    uri: &Uri,
) -> Result<(Agent, Option<String>, Option<String>)> {
    let endpoint = Endpoint {
        auth_url: uri.to_string(),
        ca_file: ca_file.map(std::path::Path::to_path_buf),
        timeout: connect_timeout,
        connect_timeout,
        // No token is read from an API answer.
        max_token: 0,
    };
    let https = uri
        .scheme_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("https"));
    build_agent(&endpoint, uri, https)
}

/// At most this many POSTs per exchange: enough to ride out a blip, few enough that
/// a hundred callers with a broken endpoint cannot hammer it.
const MAX_ATTEMPTS: u32 = 3;

/// Response bodies are read up to this size: a token response is a few KiB, and an
/// unbounded read would let a hostile or broken endpoint exhaust our memory.
const BODY_LIMIT: u64 = 1 << 20;

/// First back-off step; doubled per attempt, with ±50 % jitter.
const BACKOFF_BASE: Duration = Duration::from_millis(250);

/// [`exchange_call`] of plain auth tokens, for the tests: `mint` returns a
/// freshly signed auth token and its `exp` (epoch s) per attempt.
#[cfg(test)]
pub(crate) fn exchange(
    endpoint: &Endpoint,
    mint: &mut dyn FnMut() -> Result<(String, i64)>,
) -> Result<Exchanged> {
    exchange_call(endpoint, &mut || {
        mint().map(|(token, exp)| (Call::auth_token(&token), exp))
    })
}

/// The HTTP status behind an exchange error, when the endpoint answered one
/// cytoken did not expect.
pub(crate) fn http_status(e: &Error) -> Option<u16> {
    std::error::Error::source(e)?
        .downcast_ref::<response::HttpStatus>()
        .map(|s| s.0)
}

/// One request to a token endpoint: the Cylance auth-token POST, or a step
/// of the multi-tenant console's flow (DESIGN §11). Its `Debug` never shows
/// the credential.
pub(crate) struct Call {
    put: bool,
    /// The credential it presents, for the message of a rejection.
    presents: Presented,
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
    /// `POST {"auth_token": token}` (the Cylance User API).
    pub(crate) fn auth_token(token: &str) -> Call {
        Call {
            put: false,
            presents: Presented::AuthToken,
            body: Some((
                "application/json; charset=utf-8",
                serde_json::json!({ "auth_token": token }).to_string(),
            )),
            authorization: None,
            redactor: Redactor::new().token(token),
        }
    }

    /// `POST` of form fields with HTTP Basic `user:password` (the console's
    /// client-credentials grant).
    pub(crate) fn basic_form(user: &str, password: &str, form: &str) -> Call {
        use base64::Engine as _;
        let blob = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        Call {
            put: false,
            presents: Presented::ClientCredentials,
            body: Some(("application/x-www-form-urlencoded", form.to_string())),
            authorization: Some(format!("Basic {blob}")),
            redactor: Redactor::new().secret(user, password),
        }
    }

    /// `PUT` with no body and `Authorization: Bearer token` (the console's
    /// tenant-app step).
    pub(crate) fn bearer_put(token: &str) -> Call {
        Call {
            put: true,
            presents: Presented::ConsoleToken,
            body: None,
            authorization: Some(format!("Bearer {token}")),
            redactor: Redactor::new().token(token),
        }
    }

    /// Also redacts every form of the app secret from the answer: a server
    /// that knows the secret (it checks the auth token's signature with it)
    /// must not get it shown, whatever the request carried.
    pub(crate) fn redacting_secret(mut self, app_id: &str, secret: &str) -> Call {
        self.redactor = self.redactor.secret(app_id, secret);
        self
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

/// Exchanges a credential for an access token: `mint` gives the call of each
/// attempt (each needs a fresh one: the service rejects a replayed `jti`) and
/// the latest expiry it may have (the access token's own `exp` and any
/// `expires_in` only shorten it).
///
/// Errors: [`crate::error::Kind::Rejected`] for 400/401/403, [`crate::error::Kind::Unavailable`] for network
/// failures, timeouts, redirects, 5xx/429 after retries and malformed responses
/// (a token longer than [`Endpoint::max_token`] among them),
/// [`crate::error::Kind::Config`] for an unusable `auth_url`, `ca_file` or proxy variable, and
/// whatever `mint` returns.
pub(crate) fn exchange_call(
    endpoint: &Endpoint,
    mint: &mut dyn FnMut() -> Result<(Call, i64)>,
) -> Result<Exchanged> {
    // Checked again here, not only in the config, so that no caller can ever send an
    // auth token over plain http across the network.
    check_auth_url(&endpoint.auth_url)?;
    let uri: Uri = endpoint.auth_url.trim().parse().map_err(|_| {
        Error::config(format!(
            "auth_url {} is not a valid URL",
            quote_url(&endpoint.auth_url)
        ))
    })?;
    let target = Target::new(&uri, endpoint.timeout);
    let started = Instant::now();
    let deadline = started.checked_add(endpoint.timeout).ok_or_else(|| {
        Error::config(format!(
            "timeout of {} is too large",
            secs(endpoint.timeout)
        ))
    })?;
    let https = uri
        .scheme_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("https"));
    let (agent, tls_note, via) = build_agent(endpoint, &uri, https)?;
    let ctx = Ctx {
        agent: &agent,
        uri: &uri,
        target: &target,
        connect_timeout: endpoint.connect_timeout,
        https,
        tls_note: tls_note.as_deref(),
        via: via.as_deref().unwrap_or_default(),
    };

    let mut attempts = 0;
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(target.timed_out());
        }
        attempts += 1;
        let (call, requested_exp) = mint()?;
        let (cause, retry_after) = match attempt(&ctx, &call, remaining) {
            Step::Done {
                access_token,
                expires_in,
                clock_skew,
            } => {
                if access_token.len() > endpoint.max_token {
                    return Err(Error::unavailable(format!(
                        "token endpoint {} answered an access token of {} bytes, more than the {} KiB cytoken accepts (and can cache) \
                         — check that auth_url is the token endpoint",
                        target.display,
                        access_token.len(),
                        endpoint.max_token >> 10
                    )));
                }
                let now = now();
                // Never later than the requested exp (see `expiry`); a time
                // already past is no token at all, however it came about (a
                // far-past exp would otherwise look fresh forever once stored).
                let expires_at = expiry(requested_exp, &access_token, expires_in, now);
                if expires_at <= now {
                    return Err(Error::unavailable(format!(
                        "token endpoint {} answered an access token that has already expired \
                         — check the server's clock, and that auth_url is the token endpoint",
                        target.display
                    )));
                }
                return Ok(Exchanged {
                    access_token,
                    expires_at,
                    clock_skew,
                });
            }
            Step::Fail(e) => return Err(e),
            Step::Retry { cause, retry_after } => (cause, retry_after),
        };
        let tried = plural(attempts, "attempt");
        if attempts >= MAX_ATTEMPTS {
            return Err(Error::unavailable(format!(
                "token endpoint {} unavailable after {tried}: {cause}",
                target.display
            )));
        }
        let (wait, why) = match retry_after {
            Some(d) => (d, "the server asked to wait"),
            None => (backoff(attempts), "the next retry is due in"),
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
    https: bool,
    /// Said after a TLS failure when the trust store is not the usual one.
    tls_note: Option<&'a str>,
    /// ` via proxy host:port` when a proxy is used, else empty: a refused or
    /// unreachable proxy must not read as a refused token endpoint.
    via: &'a str,
}

/// What one attempt came to.
enum Step {
    Done {
        access_token: String,
        expires_in: Option<i64>,
        clock_skew: Option<i64>,
    },
    Retry {
        cause: String,
        retry_after: Option<Duration>,
    },
    Fail(Error),
}

/// One POST and the classification of its outcome.
fn attempt(ctx: &Ctx<'_>, call: &Call, remaining: Duration) -> Step {
    let mut request = if call.put {
        ctx.agent.put(ctx.uri.clone())
    } else {
        ctx.agent.post(ctx.uri.clone())
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
    classify(ctx.target, status, &headers, &body, call)
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
    let via = ctx.via;
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
        ureq::Error::Io(io) if ctx.https && io.kind() == std::io::ErrorKind::InvalidData => {
            Step::Fail(tls_failure(ctx, &io, redactor))
        }
        // The loopback connector's refusal (another user accepted): a retry
        // would only knock on the same door.
        ureq::Error::Io(io) if !ctx.https && io.kind() == std::io::ErrorKind::PermissionDenied => {
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
    let host = &ctx.target.host;
    let note = ctx.tls_note.map(|n| format!(" ({n})")).unwrap_or_default();
    Error::unavailable(format!(
        "TLS connection to {host} failed: {}{note} — if {host} (or a TLS-inspecting proxy) uses a private CA, add its certificate with ca_file",
        redactor.clean(&cause.to_string(), 200)
    ))
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

/// Back-off before attempt `failed + 1`: 250 ms × 2^(failed-1), ±50 % jitter so that
/// many processes failing together do not retry in lock-step.
fn backoff(failed: u32) -> Duration {
    let step = BACKOFF_BASE.saturating_mul(1 << failed.saturating_sub(1).min(16));
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let r = f64::from(u16::from_le_bytes([bytes[0], bytes[1]])) / f64::from(u16::MAX);
    step.mul_f64(0.5 + r)
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
