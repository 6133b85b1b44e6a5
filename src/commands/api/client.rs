//! Sending one API request with the profile's bearer token: the HTTP stack
//! the exchange uses too ([`crate::http`]: proxy, trust roots, no redirects,
//! the retry budget and `Retry-After`), retries (429 honouring `Retry-After`
//! within a budget; 5xx and connection failures for idempotent methods, 3
//! attempts at most), and after a 401 one replacement of the token through
//! the broker's compare-and-invalidate, shared by every thread.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use ureq::Body;
use ureq::http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use ureq::http::{Method, Request, Response, Uri};

use crate::broker::{Broker, CacheUse};
use crate::config::Selection;
use crate::error::{Error, Result};
use crate::http::Agent;
use crate::http::retry::{Attempts, retry_after};
use crate::redact::{Redactor, SNIPPET_CHARS, sanitize};
use crate::secret::Secret;
use crate::{clock, diag};

/// At most this many waits after a 429, for one request.
const MAX_RATE_LIMITED: u32 = 8;
/// The longest one request waits in total after 429s; a `Retry-After` beyond
/// what is left is answered at once (exit 5) rather than hanging a script.
pub(super) const RATE_BUDGET: Duration = Duration::from_secs(60);
/// The wait after a 429 without `Retry-After`.
const RATE_DEFAULT: Duration = Duration::from_secs(1);
/// How long the API may take to start answering one request, in all (each
/// silence within it is also bounded by [`idle_timeout`]).
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest the API may stay silent, at any point of an answer (its
/// headers included), before it counts as stalled: the profile's `timeout`.
/// Per read, so a long answer that keeps coming is never cut.
fn idle_timeout(sel: &Selection) -> Duration {
    sel.transport.timeout
}
/// A token past its refresh time (served stale after a failed exchange) is
/// asked for again at most this often.
const REASK: Duration = Duration::from_secs(10);

/// One request: everything but the token.
pub(super) struct Req<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub body: Option<&'a [u8]>,
    /// `-H` headers (a `Content-Type` among them replaces the JSON default).
    pub headers: &'a [(ureq::http::HeaderName, HeaderValue)],
    /// Bound on reading the body (pages); `None` streams for as long as it lasts.
    pub body_timeout: Option<Duration>,
}

impl Req<'_> {
    /// `GET /devices/v2?page=2…`: the method and the path and query, for messages.
    pub(super) fn display(&self) -> String {
        let target = self
            .uri
            .path_and_query()
            .map_or("/", ureq::http::uri::PathAndQuery::as_str);
        format!("{} {}", self.method, sanitize(target, 2 * SNIPPET_CHARS))
    }

    fn idempotent(&self) -> bool {
        matches!(
            *self.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        )
    }
}

/// The answer to a request after retries: the response (its status may be an
/// error) and what the retries came to, for messages.
pub(super) struct Answer {
    pub response: Response<Body>,
    /// E.g. ` after 3 attempts`, or empty.
    pub note: String,
    /// The token the request carried, in every form: redacted from messages
    /// built from the answer.
    pub redactor: Redactor,
}

/// The token in use and when it was last asked for.
struct Held {
    token: Option<(Secret, i64)>,
    asked: Option<Instant>,
}

/// Sends requests for one selection; shared by the page workers.
pub(super) struct Client {
    agent: Agent,
    sel: Selection,
    cache_use: CacheUse,
    held: Mutex<Held>,
    /// No request starts before this: a 429 pauses every worker, not only the
    /// one that got it.
    calm_until: Mutex<Option<Instant>>,
    host: String,
    /// See [`idle_timeout`].
    pub(super) idle: Duration,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Client {
    /// A client for the API base `base` (already checked by the config).
    pub(super) fn new(sel: Selection, cache_use: CacheUse, base: &Uri) -> Result<Client> {
        let agent = Agent::new(
            base,
            sel.transport.ca_file.as_deref(),
            sel.transport.timeout.min(Duration::from_secs(5)),
        )?;
        Ok(Client {
            agent,
            host: sanitize(base.host().unwrap_or_default(), SNIPPET_CHARS),
            idle: idle_timeout(&sel),
            sel,
            cache_use,
            held: Mutex::new(Held {
                token: None,
                asked: None,
            }),
            calm_until: Mutex::new(None),
        })
    }

    /// How later asks use the cache: `--force-refresh` mints once, not per page.
    fn later_use(&self) -> CacheUse {
        match self.cache_use {
            CacheUse::Refresh => CacheUse::Use,
            other => other,
        }
    }

    /// The token to send: the one held, unless it is due for refresh.
    pub(super) fn bearer(&self) -> Result<Secret> {
        let mut held = lock(&self.held);
        if let Some((token, refresh_at)) = &held.token {
            let due =
                *refresh_at <= clock::now() && held.asked.is_none_or(|a| a.elapsed() >= REASK);
            if !due {
                return Ok(token.clone());
            }
        }
        let cache_use = if held.token.is_none() {
            self.cache_use
        } else {
            self.later_use()
        };
        let t = Broker::new(&self.sel, cache_use).token()?;
        held.asked = Some(Instant::now());
        held.token = Some((t.access_token.clone(), t.refresh_at));
        Ok(t.access_token)
    }

    /// A replacement for `rejected`, which the API refused with 401. Under one
    /// lock for every thread, and through the broker's compare-and-invalidate
    /// for every process: whoever comes second gets the first one's new token,
    /// so any number of callers cause one exchange.
    fn replace(&self, rejected: &str) -> Result<Secret> {
        let mut held = lock(&self.held);
        if let Some((token, _)) = &held.token
            && token.expose() != rejected
        {
            return Ok(token.clone());
        }
        let t = Broker::new(&self.sel, self.later_use()).replace(rejected)?;
        diag::log(1, "the API refused the token (401): replaced it once");
        held.asked = Some(Instant::now());
        held.token = Some((t.access_token.clone(), t.refresh_at));
        Ok(t.access_token)
    }

    fn wait_calm(&self) {
        let until = *lock(&self.calm_until);
        if let Some(until) = until {
            let left = until.saturating_duration_since(Instant::now());
            if !left.is_zero() {
                std::thread::sleep(left);
            }
        }
    }

    fn calm_for(&self, wait: Duration) {
        let until = clock::deadline(wait);
        let mut calm = lock(&self.calm_until);
        if calm.is_none_or(|c| c < until) {
            *calm = Some(until);
        }
    }

    /// Sends `req` until it is answered for good: a status that is not
    /// retried (2xx or an error status, exit 5 for the caller), or an error
    /// (exit 4 for the network, 2/3/4 from the broker for the token).
    pub(super) fn send(&self, req: &Req<'_>) -> Result<Answer> {
        let mut token = self.bearer()?;
        let mut attempts = Attempts::default();
        let mut limited = 0u32;
        let mut waited = Duration::ZERO;
        let mut replaced = false;
        loop {
            self.wait_calm();
            let start = Instant::now();
            let result = self.attempt(req, token.expose());
            match result {
                Err(e) => {
                    diag::step(start, format_args!("api {} failed", req.display()));
                    let (retry, cause) = self.transport(e);
                    let again = attempts.fail();
                    if !retry || !req.idempotent() || !again {
                        let failed = attempts.failed();
                        let tries = if failed > 1 {
                            format!(" after {failed} attempts")
                        } else {
                            String::new()
                        };
                        return Err(Error::unavailable(format!(
                            "{} to the Cylance API failed{tries}: {cause}",
                            req.display()
                        )));
                    }
                    std::thread::sleep(attempts.backoff());
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    diag::step(start, format_args!("api {} → {status}", req.display()));
                    if status == 401 && !replaced {
                        replaced = true;
                        drop(response);
                        token = self.replace(token.expose())?;
                        continue;
                    }
                    if status == 429 {
                        let wait = retry_after(response.headers(), SystemTime::now())
                            .unwrap_or(RATE_DEFAULT);
                        // Saturating: the server's number may be anything.
                        let after = waited.saturating_add(wait);
                        if limited < MAX_RATE_LIMITED && after <= RATE_BUDGET {
                            limited += 1;
                            waited = after;
                            drop(response);
                            self.calm_for(wait);
                            continue;
                        }
                        let note = if after > RATE_BUDGET {
                            format!(
                                " (rate limited: the API asked to wait {} s, beyond the {} s cytoken waits per request)",
                                wait.as_secs(),
                                RATE_BUDGET.as_secs()
                            )
                        } else {
                            format!(" (rate limited, after {limited} waits)")
                        };
                        return Ok(Answer {
                            response,
                            note,
                            redactor: Redactor::new().token(token.expose()),
                        });
                    }
                    // Counted on a copy: a 5xx the budget has no room for is
                    // answered, not counted.
                    let mut next = attempts;
                    if (500..=599).contains(&status) && req.idempotent() && next.fail() {
                        attempts = next;
                        drop(response);
                        std::thread::sleep(attempts.backoff());
                        continue;
                    }
                    let note = if attempts.failed() > 0 {
                        format!(" after {} attempts", attempts.failed() + 1)
                    } else {
                        String::new()
                    };
                    return Ok(Answer {
                        response,
                        note,
                        redactor: Redactor::new().token(token.expose()),
                    });
                }
            }
        }
    }

    fn attempt(
        &self,
        req: &Req<'_>,
        token: &str,
    ) -> std::result::Result<Response<Body>, ureq::Error> {
        let mut bearer = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|e| ureq::Error::Http(e.into()))?;
        // Kept out of any debug rendering of the request.
        bearer.set_sensitive(true);
        let mut builder = Request::builder()
            .method(req.method.clone())
            .uri(req.uri.clone())
            .header(AUTHORIZATION, bearer);
        if req.body.is_some() && !req.headers.iter().any(|(n, _)| *n == CONTENT_TYPE) {
            builder = builder.header(CONTENT_TYPE, "application/json");
        }
        for (name, value) in req.headers {
            builder = builder.header(name, value);
        }
        // Accept is the agent's `application/json` unless -H gives another.
        if let Some(body) = req.body {
            let request = builder.body(body).map_err(ureq::Error::Http)?;
            return self.run(request, req.body_timeout);
        }
        let request = builder.body(()).map_err(ureq::Error::Http)?;
        self.run(request, req.body_timeout)
    }

    fn run<B: ureq::AsSendBody>(
        &self,
        request: Request<B>,
        body_timeout: Option<Duration>,
    ) -> std::result::Result<Response<Body>, ureq::Error> {
        let request = self
            .agent
            .ureq
            .configure_request(request)
            .timeout_recv_response(Some(RESPONSE_TIMEOUT))
            .timeout_per_read(Some(self.idle))
            .timeout_recv_body(body_timeout)
            .build();
        self.agent.ureq.run(request)
    }

    /// Whether a transport failure is worth another try, and its cause in words.
    pub(super) fn transport(&self, e: ureq::Error) -> (bool, String) {
        use ureq::Timeout as T;
        let (host, via) = (&self.host, &self.agent.via);
        match e {
            ureq::Error::Timeout(T::Connect | T::Resolve) => {
                (true, format!("connecting to {host}{via} timed out"))
            }
            ureq::Error::Timeout(ureq::Timeout::PerRead) => (
                true,
                format!(
                    "{host}{via} stalled: no data for {} s (the profile's timeout)",
                    self.idle.as_secs()
                ),
            ),
            ureq::Error::Timeout(t) => (true, format!("timed out ({t}) talking to {host}{via}")),
            ureq::Error::HostNotFound => (true, format!("cannot resolve host {host}")),
            ureq::Error::ConnectionFailed => (true, format!("cannot connect to {host}{via}")),
            // A handshake failure (an untrusted certificate, a non-TLS peer) will
            // not heal on a retry.
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
                (false, self.tls(&io))
            }
            // The loopback connector's refusal (another user accepted).
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
                (false, format!("{host}: {io}"))
            }
            ureq::Error::Io(io) => (true, format!("network error talking to {host}{via}: {io}")),
            ureq::Error::ConnectProxyFailed(why) => (
                true,
                format!(
                    "cannot reach {host}{via}: {}",
                    sanitize(&why, SNIPPET_CHARS)
                ),
            ),
            ureq::Error::Rustls(_) | ureq::Error::Tls(_) | ureq::Error::Pem(_) => {
                let text = e.to_string();
                (false, self.tls(&text))
            }
            // Anything else may quote the server (a malformed status line or
            // header): token-shaped text is redacted.
            other => (
                false,
                Redactor::new().clean(&other.to_string(), 2 * SNIPPET_CHARS),
            ),
        }
    }

    fn tls(&self, cause: &dyn std::fmt::Display) -> String {
        self.agent.tls_failure(&self.host, &cause.to_string())
    }
}
