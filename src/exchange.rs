//! The token exchange: POSTs a freshly signed auth token to the token endpoint,
//! retries what is worth retrying within one time budget, and turns every failure into
//! a typed error that names the cause and the fix without a secret or a whole token.
//!
//! This module is only reached on a cache miss: the HTTP client, the proxy settings
//! and the TLS trust store are all built inside [`exchange`], never at start-up, so
//! the hot path (a cached token) pays for none of it.

use std::net::IpAddr;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ureq::Agent;
use ureq::http::{HeaderMap, StatusCode, Uri};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

use crate::error::{Error, Result};

/// Where and how to reach the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
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
}

/// The outcome of a successful exchange.
#[derive(Clone, PartialEq, Eq)]
pub struct Exchanged {
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
            .field("access_token", &crate::redact(&self.access_token))
            .field("expires_at", &self.expires_at)
            .field("clock_skew", &self.clock_skew)
            .finish()
    }
}

/// At most this many POSTs per exchange: enough to ride out a blip, few enough that
/// a hundred callers with a broken endpoint cannot hammer it.
const MAX_ATTEMPTS: u32 = 3;
/// Response bodies are read up to this size: a token response is a few KiB, and an
/// unbounded read would let a hostile or broken endpoint exhaust our memory.
const BODY_LIMIT: u64 = 1 << 20;
/// First back-off step; doubled per attempt, with ±50 % jitter.
const BACKOFF_BASE: Duration = Duration::from_millis(250);
/// Clock differences up to this many seconds are normal and not worth a remark.
const CLOCK_SKEW_TOLERANCE: i64 = 30;
/// How much of a response body an error message quotes.
const SNIPPET_CHARS: usize = 100;
/// The service's documented limit between `iat` and `exp`.
const MAX_LIFETIME: u32 = 1800;

/// Exchanges a signed auth token for an access token.
///
/// `mint` is called once per attempt and returns a freshly signed auth token and its
/// `exp` (epoch s): each attempt needs a new one because the service rejects a
/// replayed `jti`.
///
/// Errors: [`crate::error::Kind::Rejected`] for 400/401/403, [`crate::error::Kind::Unavailable`] for network
/// failures, timeouts, redirects, 5xx/429 after retries and malformed responses,
/// [`Error::Config`] for an unusable `auth_url`, `ca_file` or proxy variable, and
/// whatever `mint` returns.
pub fn exchange(
    endpoint: &Endpoint,
    mint: &mut dyn FnMut() -> Result<(String, i64)>,
) -> Result<Exchanged> {
    // Checked again here, not only in the config, so that no caller can ever send an
    // auth token over plain http across the network.
    check_auth_url(&endpoint.auth_url)?;
    let uri: Uri = endpoint.auth_url.trim().parse().map_err(|_| {
        Error::config(format!(
            "auth_url {} is not a valid URL",
            quote(&endpoint.auth_url)
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
        let (auth_token, requested_exp) = mint()?;
        let (cause, retry_after) = match attempt(&ctx, &auth_token, remaining) {
            Step::Done {
                access_token,
                expires_in,
                clock_skew,
            } => {
                let expires_at = expiry(requested_exp, &access_token, expires_in, now_epoch());
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

/// Validates an auth URL: `https://` always allowed; `http://` only for loopback hosts
/// (127.0.0.0/8, ::1 / [::1], localhost). Anything else is an [`Error::Config`].
pub fn check_auth_url(url: &str) -> Result<()> {
    let shown = quote(url);
    let uri: Uri = url.trim().parse().map_err(|_| {
        Error::config(format!(
            "auth_url {shown} is not a valid URL: use https://<host>/auth/v2/token"
        ))
    })?;
    // `host()` is the real host even for `http://127.0.0.1@evil.com` (userinfo is
    // split off), so the loopback test below cannot be fooled by that trick.
    let host = uri.host().unwrap_or_default();
    let scheme = uri.scheme_str().unwrap_or_default();
    if host.is_empty() || scheme.is_empty() {
        return Err(Error::config(format!(
            "auth_url {shown} is not an absolute URL: use https://<host>/auth/v2/token"
        )));
    }
    let host_shown = sanitize(host, SNIPPET_CHARS);
    if scheme.eq_ignore_ascii_case("https") {
        return Ok(());
    }
    if scheme.eq_ignore_ascii_case("http") {
        // Plain http would send the auth token (a replayable credential for up to 30
        // minutes) and the access token in clear text; that is only acceptable when
        // neither leaves the machine, as with the built-in demo endpoint and tests.
        if is_loopback_host(host) {
            return Ok(());
        }
        return Err(Error::config(format!(
            "auth_url {shown} uses plain http to {host_shown}, which is not a loopback host: tokens would cross the network unencrypted — use https://"
        )));
    }
    Err(Error::config(format!(
        "auth_url {shown} (host {host_shown}) uses the unsupported scheme `{}`: use https://",
        sanitize(scheme, 20)
    )))
}

/// Reads `exp` from a JWT payload without checking its signature. `None` if `token`
/// is not a readable JWT or has no numeric `exp`.
///
/// Safe to use unverified: the result only ever shortens how long we keep a token,
/// it is never used to decide whether a token is genuine.
pub fn jwt_exp(token: &str) -> Option<i64> {
    if token.split('.').count() != 3 {
        return None;
    }
    let claims: serde_json::Value = jsonwebtoken::dangerous::insecure_decode_claims(token).ok()?;
    number_as_secs(claims.get("exp")?)
}

/// A JSON number as whole seconds (fractions rounded down), if it is one.
fn number_as_secs(v: &serde_json::Value) -> Option<i64> {
    if let Some(n) = v.as_i64() {
        return Some(n);
    }
    let f = v.as_f64().filter(|f| f.is_finite())?;
    // Saturating float-to-int conversion: absurd values clamp rather than wrap.
    #[allow(clippy::cast_possible_truncation)]
    Some(f.floor() as i64)
}

/// The earliest of everything that bounds the token's life.
fn expiry(requested_exp: i64, access_token: &str, expires_in: Option<i64>, now: i64) -> i64 {
    let mut at = requested_exp;
    if let Some(exp) = jwt_exp(access_token) {
        at = at.min(exp);
    }
    if let Some(secs) = expires_in {
        at = at.min(now.saturating_add(secs));
    }
    at
}

fn now_epoch() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
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

/// Builds the per-exchange HTTP client; also returns a note to add to TLS errors (see
/// [`root_certs`]) and the proxy in use, for messages.
fn build_agent(
    endpoint: &Endpoint,
    uri: &Uri,
    https: bool,
) -> Result<(Agent, Option<String>, Option<String>)> {
    let host = uri.host().unwrap_or_default();
    // Loopback endpoints are reached directly: routing them through a proxy would at
    // best fail and at worst hand a clear-text auth token to the proxy.
    let proxy = if is_loopback_host(host) {
        None
    } else {
        proxy_from_env()?
    };
    // Host and port only: the proxy URL may carry credentials.
    let via = proxy.as_ref().filter(|p| !p.is_no_proxy(uri)).map(|p| {
        format!(
            " via proxy {}:{}",
            sanitize(p.host(), SNIPPET_CHARS),
            p.port()
        )
    });
    let mut tls = TlsConfig::builder().provider(TlsProvider::Rustls);
    let mut note = None;
    // The trust store costs a file read and parse: only https endpoints pay for it
    // (ca_file has nothing to verify on plain loopback http).
    if https {
        let (roots, why) = root_certs(endpoint.ca_file.as_deref())?;
        tls = tls.root_certs(roots);
        note = why;
    }
    let config = Agent::config_builder()
        // A redirect would carry the auth token to wherever the Location points.
        .max_redirects(0)
        // Read 4xx/5xx bodies ourselves: the service explains rejections there.
        .http_status_as_error(false)
        // Once an https endpoint, never downgraded to http by anything in between.
        .https_only(https)
        .timeout_resolve(Some(endpoint.connect_timeout))
        .timeout_connect(Some(endpoint.connect_timeout))
        .proxy(proxy)
        .user_agent(concat!("cytoken/", env!("CARGO_PKG_VERSION")))
        .accept("application/json")
        .tls_config(tls.build())
        .build();
    Ok((Agent::new_with_config(config), note, via))
}

/// The proxy for an https endpoint: `ALL_PROXY` or `HTTPS_PROXY` (either case), with
/// `NO_PROXY` honoured by ureq. `HTTP_PROXY` alone is not used, as curl does not use
/// it for https either: it is often set for plain-http traffic only.
fn proxy_from_env() -> Result<Option<ureq::Proxy>> {
    // The order ureq's `Proxy::try_from_env` tries them in, so that the variable we
    // validate is the one it picks.
    const VARS: [&str; 4] = ["ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"];
    let Some((name, value)) = VARS.iter().find_map(|name| {
        let value = std::env::var_os(name)?;
        (!value.is_empty()).then_some((*name, value))
    }) else {
        return Ok(None);
    };
    // The value may hold proxy credentials, so the message names only the variable.
    let bad = || {
        Error::config(format!(
            "{name} is not a valid proxy URL (expected http://[user:password@]host:port)"
        ))
    };
    let value = value.into_string().map_err(|_| bad())?;
    ureq::Proxy::new(&value).map_err(|_| bad())?;
    Ok(ureq::Proxy::try_from_env())
}

/// The trust roots for an https endpoint: the system's plus `ca_file`, and a note to
/// add to TLS errors when the system's could not be loaded.
fn root_certs(ca_file: Option<&Path>) -> Result<(RootCerts, Option<String>)> {
    // A bad ca_file is a config error whatever the system store holds: the user asked
    // for it, so failing to use it must not go unnoticed.
    let mut certs = match ca_file {
        Some(path) => read_ca_file(path)?,
        None => Vec::new(),
    };
    let from_file = certs.len();
    // System roots (honouring SSL_CERT_FILE / SSL_CERT_DIR), so that corporate CAs the
    // administrator installed are trusted as they are by curl and browsers.
    let native = rustls_native_certs::load_native_certs();
    certs.extend(
        native
            .certs
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned()),
    );
    if certs.len() > from_file {
        return Ok((RootCerts::new_with_certs(&certs), None));
    }
    let why = native
        .errors
        .first()
        .map(|e| format!(": {e}"))
        .unwrap_or_default();
    if from_file > 0 {
        // The user named the CA to trust; an empty system store does not change that.
        return Ok((
            RootCerts::new_with_certs(&certs),
            Some(format!(
                "no system trust roots could be loaded{why}, so only the certificates in ca_file are trusted"
            )),
        ));
    }
    // cytoken enables ureq's `rustls` feature, which always bundles the Mozilla roots
    // (webpki-roots): a machine without a CA store can still reach the public service.
    Ok((
        RootCerts::WebPki,
        Some(format!(
            "no system trust roots could be loaded{why}, so the bundled Mozilla roots were used (set SSL_CERT_FILE or ca_file to trust others)"
        )),
    ))
}

fn read_ca_file(path: &Path) -> Result<Vec<Certificate<'static>>> {
    let shown = path.display();
    let pem = std::fs::read(path)
        .map_err(|e| Error::config(format!("cannot read ca_file {shown}: {e}")))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            // Keys and other PEM sections are not trust roots; skipping them is what
            // curl's --cacert does too.
            Ok(_) => {}
            Err(e) => {
                return Err(Error::config(format!(
                    "ca_file {shown} is not valid PEM: {e}"
                )));
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::config(format!(
            "ca_file {shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        )));
    }
    Ok(certs)
}

/// One POST and the classification of its outcome.
fn attempt(ctx: &Ctx<'_>, auth_token: &str, remaining: Duration) -> Step {
    let body = serde_json::json!({ "auth_token": auth_token }).to_string();
    let sent = ctx
        .agent
        .post(ctx.uri.clone())
        .content_type("application/json; charset=utf-8")
        .config()
        // Whatever is left of the overall budget bounds this attempt, body included.
        .timeout_global(Some(remaining))
        .build()
        .send(body.as_str());
    let mut response = match sent {
        Ok(r) => r,
        Err(e) => return transport_failure(ctx, e),
    };
    let status = response.status();
    let headers = response.headers().clone();
    if status.is_redirection() {
        return Step::Fail(redirect_error(ctx.target, status, &headers));
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
        Err(e) => return transport_failure(ctx, e),
    };
    classify(ctx.target, status, &headers, &body, auth_token)
}

fn retriable_status(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

fn is_fatal_read_error(e: &ureq::Error) -> bool {
    matches!(
        e,
        ureq::Error::BodyExceedsLimit(_) | ureq::Error::Timeout(ureq::Timeout::Global)
    )
}

/// Maps a ureq error (while connecting, sending or reading) to a step.
fn transport_failure(ctx: &Ctx<'_>, e: ureq::Error) -> Step {
    use ureq::Timeout as T;
    let target = ctx.target;
    let host = &target.host;
    let via = ctx.via;
    let retry = |cause: String| Step::Retry {
        cause,
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
            Step::Fail(tls_failure(ctx, &io))
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
            sanitize(&why, SNIPPET_CHARS)
        )),
        ureq::Error::BodyExceedsLimit(_) => Step::Fail(Error::unavailable(format!(
            "token endpoint {} sent a response larger than 1 MiB; refusing to read it — check auth_url",
            target.display
        ))),
        ureq::Error::Rustls(_)
        | ureq::Error::Tls(_)
        | ureq::Error::Pem(_)
        | ureq::Error::TlsRequired => Step::Fail(tls_failure(ctx, &e)),
        ureq::Error::InvalidProxyUrl => Step::Fail(Error::config(
            "the proxy URL in ALL_PROXY / HTTPS_PROXY is not valid".to_string(),
        )),
        other => Step::Fail(Error::unavailable(format!(
            "request to token endpoint {} failed: {}",
            target.display,
            sanitize(&other.to_string(), 200)
        ))),
    }
}

fn tls_failure(ctx: &Ctx<'_>, cause: &dyn std::fmt::Display) -> Error {
    let host = &ctx.target.host;
    let note = ctx.tls_note.map(|n| format!(" ({n})")).unwrap_or_default();
    Error::unavailable(format!(
        "TLS connection to {host} failed: {}{note} — if {host} (or a TLS-inspecting proxy) uses a private CA, add its certificate with ca_file",
        sanitize(&cause.to_string(), 200)
    ))
}

fn redirect_error(target: &Target, status: StatusCode, headers: &HeaderMap) -> Error {
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
            Some(h) => format!("host {}", sanitize(&h, SNIPPET_CHARS)),
            None => format!("another path on {}", target.host),
        },
    };
    Error::unavailable(format!(
        "token endpoint {} answered {} pointing to {to}; redirects are not followed because they would carry the auth token elsewhere — set auth_url to the final token URL",
        target.display,
        status_text(status)
    ))
}

/// Turns a complete response into a step.
fn classify(
    target: &Target,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    auth_token: &str,
) -> Step {
    if status.is_success() {
        return match parse_success(body) {
            Ok((access_token, expires_in)) => Step::Done {
                access_token,
                expires_in,
                clock_skew: clock_skew(headers, now_epoch()),
            },
            Err(what) => Step::Fail(Error::unavailable(format!(
                "token endpoint {} answered {} but {what} (content-type {}; body {}) — check that auth_url is the token endpoint",
                target.display,
                status_text(status),
                content_type(headers),
                body_snippet(body, auth_token)
            ))),
        };
    }
    match status.as_u16() {
        400 | 401 | 403 => Step::Fail(rejection(status, headers, body, auth_token)),
        _ if retriable_status(status) => {
            let mut cause = status_text(status);
            if let Some(m) = service_message(body, auth_token) {
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
            let detail = service_message(body, auth_token)
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            Step::Fail(Error::unavailable(format!(
                "token endpoint {} answered {}{detail} — the auth_url is probably wrong (the Cylance token endpoint is https://protectapi[-region].cylance.com/auth/v2/token; check region or auth_url)",
                target.display,
                status_text(status)
            )))
        }
    }
}

/// The access token and any `expires_in` of a 2xx body, or what was wrong with it.
fn parse_success(body: &[u8]) -> std::result::Result<(String, Option<i64>), &'static str> {
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| "the body is not JSON")?;
    let token = match json.get("access_token") {
        None => return Err("the JSON has no access_token"),
        Some(serde_json::Value::String(s)) if !s.is_empty() => s,
        Some(_) => return Err("its access_token is not a non-empty string"),
    };
    // The token is later printed into line-based protocols (git, docker) and HTTP
    // headers: a newline or space in it could inject extra lines or fields there.
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("its access_token holds characters not allowed in a bearer token");
    }
    let expires_in = json
        .get("expires_in")
        .and_then(number_as_secs)
        .filter(|s| *s >= 0);
    Ok((token.clone(), expires_in))
}

/// The message for a 400, 401 or 403.
fn rejection(status: StatusCode, headers: &HeaderMap, body: &[u8], auth_token: &str) -> Error {
    let code = status.as_u16();
    let mut message = format!(
        "token endpoint rejected the auth token ({})",
        status_text(status)
    );
    if let Some(m) = service_message(body, auth_token) {
        message.push_str(": ");
        message.push_str(&m);
    }
    message.push_str(" — ");
    message.push_str(&match code {
        400 => format!(
            "the auth token is malformed or its lifetime exceeds the service's {MAX_LIFETIME} s limit; check lifetime and extra_claims"
        ),
        403 => "the requested scopes are not allowed for this app; check scopes against the app's permissions in the console".to_string(),
        _ => "check app_id, tenant_id and the app secret, and that region or auth_url matches the tenant".to_string(),
    });
    if code == 401
        && let Some(skew) = clock_skew(headers, now_epoch())
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
fn clock_skew(headers: &HeaderMap, now: i64) -> Option<i64> {
    let date = headers.get(ureq::http::header::DATE)?.to_str().ok()?;
    Some(now - parse_http_date(date)?)
}

/// Parses an HTTP date (IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`), with RFC
/// 2822 as a fallback for servers that stray from it. Epoch seconds.
fn parse_http_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let imf = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    if let Ok(t) = time::PrimitiveDateTime::parse(s, &imf) {
        return Some(t.assume_utc().unix_timestamp());
    }
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc2822)
        .ok()
        .map(time::OffsetDateTime::unix_timestamp)
}

/// Parses `Retry-After`: delta-seconds or an HTTP date (a date in the past means now).
fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
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

/// Back-off before attempt `failed + 1`: 250 ms × 2^(failed-1), ±50 % jitter so that
/// many processes failing together do not retry in lock-step.
fn backoff(failed: u32) -> Duration {
    let step = BACKOFF_BASE.saturating_mul(1 << failed.saturating_sub(1).min(16));
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let r = f64::from(u16::from_le_bytes([bytes[0], bytes[1]])) / f64::from(u16::MAX);
    step.mul_f64(0.5 + r)
}

/// The service's own explanation from an error body: its JSON `message` (or the
/// OAuth-style `error_description` / `error`), else the start of the body. Sanitized.
fn service_message(body: &[u8], auth_token: &str) -> Option<String> {
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
        for key in ["message", "Message", "error_description", "error"] {
            if let Some(m) = json.get(key).and_then(|v| v.as_str()) {
                let m = clean(m, auth_token, SNIPPET_CHARS);
                if !m.is_empty() {
                    return Some(m);
                }
            }
        }
    }
    let text = clean(&String::from_utf8_lossy(body), auth_token, SNIPPET_CHARS);
    (!text.is_empty()).then(|| format!("\"{text}\""))
}

fn body_snippet(body: &[u8], auth_token: &str) -> String {
    let text = clean(&String::from_utf8_lossy(body), auth_token, SNIPPET_CHARS);
    if text.is_empty() {
        "empty".to_string()
    } else {
        format!("\"{text}\"")
    }
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(ureq::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| sanitize(v, 60))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "not given".to_string())
}

/// Server-supplied text made fit for a one-line error: the auth token and anything
/// token-shaped redacted *before* truncation (so no cut can leave a usable token),
/// then control characters removed (so a hostile body cannot drive the terminal).
fn clean(text: &str, auth_token: &str, max: usize) -> String {
    let text = if auth_token.is_empty() {
        text.to_string()
    } else {
        text.replace(auth_token, &crate::redact(auth_token))
    };
    sanitize(&redact_tokens(&text), max)
}

/// Replaces JWT-looking runs (containing `eyJ`, the start of a base64url JSON
/// object) and any long opaque run (40+ base64url characters) with their redaction.
fn redact_tokens(text: &str) -> String {
    let is_token_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=' | '+' | '/');
    let mut out = String::with_capacity(text.len());
    let mut run_start = None;
    let flush = |out: &mut String, run: &str| {
        if (run.len() >= 16 && run.contains("eyJ")) || run.len() >= 40 {
            out.push_str(&crate::redact(run));
        } else {
            out.push_str(run);
        }
    };
    for (i, c) in text.char_indices() {
        if is_token_char(c) {
            run_start.get_or_insert(i);
            continue;
        }
        if let Some(start) = run_start.take() {
            flush(&mut out, &text[start..i]);
        }
        out.push(c);
    }
    if let Some(start) = run_start {
        flush(&mut out, &text[start..]);
    }
    out
}

/// One line, no control characters, at most `max` characters (then `…`).
fn sanitize(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut last_space = true;
    for c in text.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        if count == max {
            out.push('…');
            return out.trim_end().to_string();
        }
        out.push(c);
        count += 1;
    }
    out.trim_end().to_string()
}

fn quote(text: &str) -> String {
    format!("`{}`", sanitize(text, SNIPPET_CHARS))
}

fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// Whether `host` (a name or IP, IPv6 maybe in brackets, no port) is this
/// machine: `localhost`, 127.0.0.0/8 or ::1.
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
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
mod tests {
    use super::*;
    use crate::error::Kind;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};
    use std::thread::JoinHandle;

    fn jwt(exp: i64) -> String {
        let claims = serde_json::json!({ "sub": "app", "exp": exp, "iat": exp - 60 });
        jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(b"test-secret").expect("key"),
        )
        .expect("encode test JWT")
    }

    #[test]
    fn auth_url_rules() {
        for ok in [
            "https://protectapi.cylance.com/auth/v2/token",
            "HTTPS://protectapi-euc1.cylance.com/auth/v2/token",
            "http://127.0.0.5/auth/v2/token",
            "http://localhost:8080/auth/v2/token",
            "http://LocalHost/x",
            "http://[::1]:9/auth/v2/token",
        ] {
            assert_eq!(check_auth_url(ok), Ok(()), "{ok}");
        }
        for (bad, names) in [
            ("http://example.com/auth/v2/token", "example.com"),
            (
                "http://127.0.0.1.evil.com/auth/v2/token",
                "127.0.0.1.evil.com",
            ),
            ("http://127.0.0.1@evil.com/auth/v2/token", "evil.com"),
            ("http://10.0.0.1/auth", "10.0.0.1"),
            ("http://[::ffff:127.0.0.1]/x", "[::ffff:127.0.0.1]"),
            ("ftp://example.com/auth/v2/token", "example.com"),
        ] {
            match check_auth_url(bad) {
                Err(e) if e.kind() == Kind::Config => {
                    let m = e.to_string();
                    assert!(m.contains(names), "{bad}: {m}");
                    assert!(m.contains("https"), "{bad}: {m}");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        for garbage in [
            "",
            "not a url",
            "protectapi.cylance.com",
            "https://",
            "://x",
        ] {
            assert!(
                check_auth_url(garbage).is_err_and(|e| e.kind() == Kind::Config),
                "{garbage:?}"
            );
        }
    }

    #[test]
    fn jwt_exp_reads_real_tokens_only() {
        assert_eq!(jwt_exp(&jwt(1_900_000_000)), Some(1_900_000_000));
        assert_eq!(jwt_exp("garbage"), None);
        assert_eq!(jwt_exp("a.b.c"), None);
        assert_eq!(jwt_exp(""), None);
        // No exp claim.
        let no_exp = jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &serde_json::json!({ "sub": "x" }),
            &jsonwebtoken::EncodingKey::from_secret(b"k").expect("key"),
        )
        .expect("encode");
        assert_eq!(jwt_exp(&no_exp), None);
        assert_eq!(jwt_exp(&format!("{no_exp}.extra")), None);
    }

    #[test]
    fn retry_after_forms() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("", now), None);
        assert!(parse_retry_after("99999999999999999999999", now).is_some());
    }

    #[test]
    fn http_dates_and_clock_skew() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            ureq::http::header::DATE,
            "Sun, 06 Nov 1994 08:49:37 GMT".parse().expect("header"),
        );
        assert_eq!(clock_skew(&headers, 784_111_777 + 600), Some(600));
    }

    #[test]
    fn backoff_is_jittered_around_the_base() {
        for failed in 1..=3u32 {
            let nominal = BACKOFF_BASE * (1 << (failed - 1));
            for _ in 0..20 {
                let d = backoff(failed);
                assert!(d >= nominal / 2 && d <= nominal * 3 / 2, "{d:?}");
            }
        }
    }

    #[test]
    fn snippets_never_carry_tokens() {
        let token = jwt(2_000_000_000);
        let body = format!("<html>\n\x1b[31merror</html> token={token} and {token}");
        let s = clean(&body, "", SNIPPET_CHARS);
        assert!(!s.contains(&token), "{s}");
        assert!(!s.contains('\x1b') && !s.contains('\n'), "{s}");
        assert!(s.contains("(redacted)"), "{s}");
        let long = "x".repeat(500);
        assert!(clean(&long, "", SNIPPET_CHARS).chars().count() <= SNIPPET_CHARS + 1);
        assert!(sanitize(&"y ".repeat(300), 100).ends_with('…'));
    }

    // ---- exchanges against a throwaway loopback server ----

    const AUTH_TOKEN_PREFIX: &str = "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJ0ZXN0";

    /// Answers each connection with the next canned response; records requests.
    struct Server {
        url: String,
        requests: Arc<Mutex<Vec<String>>>,
        handle: Option<JoinHandle<()>>,
    }

    impl Server {
        fn start(responses: Vec<Vec<u8>>) -> Server {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
            let url = format!(
                "http://{}/auth/v2/token",
                listener.local_addr().expect("addr")
            );
            let requests = Arc::new(Mutex::new(Vec::new()));
            let seen = Arc::clone(&requests);
            let handle = std::thread::spawn(move || {
                for response in responses {
                    let Ok((stream, _)) = listener.accept() else {
                        return;
                    };
                    let mut reader = BufReader::new(stream);
                    let mut head = String::new();
                    let mut length = 0usize;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            break;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                        head.push_str(&line);
                        if line == "\r\n" {
                            break;
                        }
                    }
                    let mut body = vec![0; length];
                    let _ = reader.read_exact(&mut body);
                    head.push_str(&String::from_utf8_lossy(&body));
                    seen.lock().expect("lock").push(head);
                    let mut stream = reader.into_inner();
                    // The client may hang up early (e.g. on an oversized body).
                    let _ = stream.write_all(&response);
                    let _ = stream.flush();
                }
            });
            Server {
                url,
                requests,
                handle: Some(handle),
            }
        }

        fn requests(mut self) -> Vec<String> {
            if let Some(h) = self.handle.take() {
                let _ = h.join();
            }
            self.requests.lock().expect("lock").clone()
        }
    }

    fn response(status: &str, headers: &[&str], body: &str) -> Vec<u8> {
        let mut r = format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        for h in headers {
            r.push_str(h);
            r.push_str("\r\n");
        }
        r.push_str("\r\n");
        r.push_str(body);
        r.into_bytes()
    }

    fn endpoint(url: &str, timeout: Duration) -> Endpoint {
        Endpoint {
            auth_url: url.to_string(),
            ca_file: None,
            timeout,
            connect_timeout: Duration::from_secs(2),
        }
    }

    /// Runs an exchange; returns the result and the number of mint calls.
    fn run(url: &str, timeout: Duration, requested_exp: i64) -> (Result<Exchanged>, usize) {
        let mut calls = 0;
        let mut mint = || {
            calls += 1;
            Ok((format!("{AUTH_TOKEN_PREFIX}{calls}.sig"), requested_exp))
        };
        let result = exchange(&endpoint(url, timeout), &mut mint);
        (result, calls)
    }

    fn message(result: Result<Exchanged>) -> (Error, String) {
        let e = result.expect_err("an error");
        let m = e.to_string();
        assert!(!m.contains(AUTH_TOKEN_PREFIX), "auth token leaked: {m}");
        (e, m)
    }

    #[test]
    fn happy_path_takes_the_earliest_expiry() {
        let now = now_epoch();
        let access = jwt(now + 1200);
        let body = format!("{{\"access_token\":\"{access}\",\"expires_in\":900}}");
        let server = Server::start(vec![response(
            "200 OK",
            &["Content-Type: application/json"],
            &body,
        )]);
        let (result, calls) = run(&server.url, Duration::from_secs(10), now + 1800);
        let got = result.expect("exchange");
        assert_eq!(calls, 1);
        assert_eq!(got.access_token, access);
        assert!((now + 899..=now + 902).contains(&got.expires_at), "{got:?}");
        assert!(!format!("{got:?}").contains(&access));

        let requests = server.requests();
        let req = &requests[0];
        assert!(req.starts_with("POST /auth/v2/token HTTP/1.1\r\n"), "{req}");
        let lower = req.to_ascii_lowercase();
        assert!(
            lower.contains("content-type: application/json; charset=utf-8\r\n"),
            "{req}"
        );
        assert!(lower.contains("accept: application/json\r\n"), "{req}");
        assert!(
            lower.contains(&format!(
                "user-agent: cytoken/{}\r\n",
                env!("CARGO_PKG_VERSION")
            )),
            "{req}"
        );
        let body = req.split("\r\n\r\n").nth(1).expect("body");
        let json: serde_json::Value = serde_json::from_str(body).expect("json body");
        assert_eq!(
            json,
            serde_json::json!({ "auth_token": format!("{AUTH_TOKEN_PREFIX}1.sig") })
        );
    }

    #[test]
    fn expiry_without_hints_is_the_requested_one() {
        let now = now_epoch();
        // Not a JWT and no expires_in: only the requested exp bounds it.
        let server = Server::start(vec![response(
            "200 OK",
            &[],
            "{\"access_token\":\"opaque-token\"}",
        )]);
        let (result, _) = run(&server.url, Duration::from_secs(10), now + 600);
        assert_eq!(result.expect("exchange").expires_at, now + 600);
        // The access token's own exp wins when it is earlier.
        assert_eq!(expiry(now + 1800, &jwt(now + 100), None, now), now + 100);
    }

    #[test]
    fn unauthorized_with_skewed_clock_says_so() {
        let server_time = time::OffsetDateTime::now_utc() - time::Duration::minutes(10);
        let imf = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        let date = format!("Date: {}", server_time.format(&imf).expect("format"));
        let server = Server::start(vec![response(
            "401 Unauthorized",
            &[&date, "Content-Type: application/json"],
            "{\"message\":\"Invalid JWT payload\"}",
        )]);
        let (result, calls) = run(&server.url, Duration::from_secs(10), now_epoch() + 1800);
        let (e, m) = message(result);
        assert_eq!(calls, 1, "401 is not retried");
        assert!(e.kind() == Kind::Rejected(401), "{e:?}");
        assert_eq!(e.exit_code(), 3);
        assert!(m.contains("401 Unauthorized"), "{m}");
        assert!(m.contains("Invalid JWT payload"), "{m}");
        assert!(m.contains("app_id, tenant_id and the app secret"), "{m}");
        assert!(m.contains("clock"), "{m}");
        assert!(m.contains("NTP"), "{m}");
    }

    #[test]
    fn unauthorized_with_good_clock_does_not_blame_it() {
        let imf = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        let date = format!(
            "Date: {}",
            time::OffsetDateTime::now_utc()
                .format(&imf)
                .expect("format")
        );
        let server = Server::start(vec![response(
            "401 Unauthorized",
            &[&date],
            "{\"message\":\"Invalid JWT payload\"}",
        )]);
        let (result, _) = run(&server.url, Duration::from_secs(10), now_epoch() + 1800);
        let (_, m) = message(result);
        assert!(!m.contains("clock"), "{m}");
    }

    #[test]
    fn forbidden_and_bad_request_explain_themselves() {
        let server = Server::start(vec![response(
            "403 Forbidden",
            &[],
            "{\"message\":\"Forbidden\"}",
        )]);
        let (result, _) = run(&server.url, Duration::from_secs(10), now_epoch() + 1800);
        let (e, m) = message(result);
        assert!(e.kind() == Kind::Rejected(403));
        assert!(m.contains("scopes"), "{m}");

        let server = Server::start(vec![response("400 Bad Request", &[], "lifetime too long")]);
        let (result, _) = run(&server.url, Duration::from_secs(10), now_epoch() + 1800);
        let (e, m) = message(result);
        assert!(e.kind() == Kind::Rejected(400));
        assert!(m.contains("lifetime too long") && m.contains("1800"), "{m}");
    }

    #[test]
    fn not_found_blames_the_url() {
        let server = Server::start(vec![response("404 Not Found", &[], "no such page")]);
        let (result, calls) = run(&server.url, Duration::from_secs(10), now_epoch() + 1800);
        let (e, m) = message(result);
        assert_eq!(calls, 1);
        assert!(e.kind() == Kind::Unavailable);
        assert!(m.contains("404 Not Found") && m.contains("auth_url"), "{m}");
    }

    #[test]
    fn service_unavailable_then_success_mints_twice() {
        let access = jwt(now_epoch() + 1800);
        let server = Server::start(vec![
            response("503 Service Unavailable", &[], ""),
            response("200 OK", &[], &format!("{{\"access_token\":\"{access}\"}}")),
        ]);
        let (result, calls) = run(&server.url, Duration::from_secs(10), now_epoch() + 1800);
        assert_eq!(result.expect("exchange").access_token, access);
        assert_eq!(calls, 2);
        let requests = server.requests();
        // Each attempt carried its own, freshly minted auth token.
        assert!(requests[0].contains(&format!("{AUTH_TOKEN_PREFIX}1.sig")));
        assert!(requests[1].contains(&format!("{AUTH_TOKEN_PREFIX}2.sig")));
    }

    #[test]
    fn gives_up_after_three_attempts() {
        let busy = || response("503 Service Unavailable", &["Retry-After: 0"], "");
        let server = Server::start(vec![busy(), busy(), busy()]);
        let (result, calls) = run(&server.url, Duration::from_secs(10), now_epoch() + 1800);
        let (e, m) = message(result);
        assert_eq!(calls, 3);
        assert_eq!(e.exit_code(), 4);
        assert!(
            m.contains("after 3 attempts: 503 Service Unavailable"),
            "{m}"
        );
        assert!(m.contains(&server.url), "{m}");
    }

    #[test]
    fn retry_after_beyond_the_budget_stops_early() {
        let server = Server::start(vec![response(
            "429 Too Many Requests",
            &["Retry-After: 120"],
            "",
        )]);
        let started = Instant::now();
        let (result, calls) = run(&server.url, Duration::from_secs(3), now_epoch() + 1800);
        let (_, m) = message(result);
        assert_eq!(calls, 1);
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(
            m.contains("429 Too Many Requests") && m.contains("120 s"),
            "{m}"
        );
    }

    #[test]
    fn redirects_are_not_followed() {
        let server = Server::start(vec![response(
            "307 Temporary Redirect",
            &["Location: https://elsewhere.example/steal"],
            "",
        )]);
        let (result, calls) = run(&server.url, Duration::from_secs(10), now_epoch() + 1800);
        let (e, m) = message(result);
        assert_eq!(calls, 1);
        assert!(e.kind() == Kind::Unavailable);
        assert!(m.contains("307") && m.contains("elsewhere.example"), "{m}");
        assert!(m.contains("redirects are not followed"), "{m}");
        assert_eq!(server.requests().len(), 1);
    }

    #[test]
    fn html_instead_of_json_is_unavailable() {
        let server = Server::start(vec![response(
            "200 OK",
            &["Content-Type: text/html"],
            "<html><body>Welcome to the captive portal</body></html>",
        )]);
        let (result, _) = run(&server.url, Duration::from_secs(10), now_epoch() + 1800);
        let (e, m) = message(result);
        assert!(e.kind() == Kind::Unavailable);
        assert!(
            m.contains("text/html") && m.contains("captive portal"),
            "{m}"
        );
    }

    #[test]
    fn bad_access_tokens_are_refused_and_not_echoed() {
        let token = jwt(now_epoch() + 1800);
        let server = Server::start(vec![response(
            "200 OK",
            &[],
            &format!("{{\"token\":\"{token}\"}}"),
        )]);
        let (result, _) = run(&server.url, Duration::from_secs(10), now_epoch() + 1800);
        let (_, m) = message(result);
        assert!(m.contains("no access_token") && !m.contains(&token), "{m}");

        let server = Server::start(vec![response(
            "200 OK",
            &[],
            "{\"access_token\":\"abc\\nurl=https://evil\"}",
        )]);
        let (result, _) = run(&server.url, Duration::from_secs(10), now_epoch() + 1800);
        let (e, _) = message(result);
        assert!(e.kind() == Kind::Unavailable);
    }

    #[test]
    fn oversized_body_is_unavailable() {
        let body = "x".repeat((1 << 20) + 10);
        let server = Server::start(vec![response("200 OK", &[], &body)]);
        let (result, calls) = run(&server.url, Duration::from_secs(10), now_epoch() + 1800);
        let (e, m) = message(result);
        assert_eq!(calls, 1);
        assert!(e.kind() == Kind::Unavailable);
        assert!(m.contains("larger than 1 MiB"), "{m}");
    }

    #[test]
    fn refused_connections_are_retried_then_reported() {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").expect("bind");
            l.local_addr().expect("addr").port()
        };
        let url = format!("http://127.0.0.1:{port}/auth/v2/token");
        let (result, calls) = run(&url, Duration::from_secs(10), now_epoch() + 1800);
        let (e, m) = message(result);
        assert_eq!(calls, 3);
        assert_eq!(e.exit_code(), 4);
        assert!(
            m.contains("after 3 attempts") && m.contains("127.0.0.1"),
            "{m}"
        );
    }

    #[test]
    fn a_silent_server_times_out_within_the_budget() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://{}/auth/v2/token",
            listener.local_addr().expect("addr")
        );
        let hold = std::thread::spawn(move || {
            // Accept and say nothing until the client gives up.
            let conn = listener.accept();
            std::thread::sleep(Duration::from_millis(1500));
            drop(conn);
        });
        let started = Instant::now();
        let (result, calls) = run(&url, Duration::from_secs(1), now_epoch() + 1800);
        let (e, m) = message(result);
        assert!(started.elapsed() < Duration::from_millis(2500));
        assert_eq!(calls, 1);
        assert!(e.kind() == Kind::Unavailable);
        assert!(
            m.contains("timed out after 1 s") && m.contains("127.0.0.1"),
            "{m}"
        );
        let _ = hold.join();
    }

    #[test]
    fn tls_failures_are_not_retried() {
        // A plain-http server behind an https URL: the handshake fails on its answer.
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "https://{}/auth/v2/token",
            listener.local_addr().expect("addr")
        );
        let serve = std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let _ = stream.write_all(&response("200 OK", &[], "{}"));
                std::thread::sleep(Duration::from_millis(200));
            }
        });
        let (result, calls) = run(&url, Duration::from_secs(10), now_epoch() + 1800);
        let (e, m) = message(result);
        assert_eq!(calls, 1);
        assert!(e.kind() == Kind::Unavailable);
        assert!(m.contains("TLS") && m.contains("ca_file"), "{m}");
        let _ = serve.join();
    }

    #[test]
    fn mint_errors_pass_through() {
        let mut mint = || Err(Error::config("no secret".to_string()));
        let e = exchange(
            &endpoint("http://127.0.0.1:9/auth/v2/token", Duration::from_secs(5)),
            &mut mint,
        )
        .expect_err("error");
        assert_eq!(e, Error::config("no secret".to_string()));
    }

    #[test]
    fn unreadable_ca_file_is_a_config_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.pem");
        let garbage = dir.path().join("garbage.pem");
        std::fs::write(&garbage, "not a certificate").expect("write");
        for path in [missing, garbage] {
            let mut ep = endpoint("https://127.0.0.1:9/auth/v2/token", Duration::from_secs(5));
            ep.ca_file = Some(path.clone());
            let mut mint = || Ok(("x".to_string(), 0));
            match exchange(&ep, &mut mint) {
                Err(e) if e.kind() == Kind::Config => {
                    let m = e.to_string();
                    assert!(m.contains(&path.display().to_string()), "{m}");
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
