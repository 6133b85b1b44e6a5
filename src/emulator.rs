//! A strict loopback emulator of the Cylance User API v2 token endpoint
//! (`POST /auth/v2/token`), for `cytoken demo`, the `cytoken emulator` benchmark
//! server and the integration tests.
//!
//! It checks auth tokens the way the real service does (DESIGN.md §1): HS256 only,
//! signature by the application's secret, issuer, tenant, a lifetime of at most
//! 30 minutes, expiry, a fresh UUID `jti` (replays are refused) and `resource:action`
//! scopes. It answers with the real service's status codes and bodies, counts what
//! it sees, and can be told to misbehave (a queue of [`Fault`]s, a delay, a skewed
//! clock) so tests can drive every failure path of the client.
//!
//! The HTTP side is deliberately tiny and std-only: one request per connection,
//! `Connection: close` on every answer, one thread per connection. That is all a
//! token endpoint needs, and it keeps the emulator free of an async runtime.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use serde_json::{Value, json};
use time::format_description::BorrowedFormatItem;

/// The path of the token endpoint, in every region.
pub const TOKEN_PATH: &str = "/auth/v2/token";
/// The only issuer the service accepts in an auth token.
pub const ISSUER: &str = "http://cylance.com";
/// The body of every 401 the real service sends.
pub const INVALID_JWT: &str = "Invalid JWT payload";

/// Longest request head (request line and headers) read before answering 413.
const MAX_HEAD: usize = 16 * 1024;
/// Longest request body accepted before answering 413.
const MAX_BODY: usize = 64 * 1024;
/// The service honours at most 30 minutes between `iat` and `exp`.
const MAX_LIFETIME: i64 = 1800;
/// How far in the future `iat` may be before the token is refused.
const IAT_LEEWAY: i64 = 60;
/// Read/write budget for one connection, so a stalled client cannot pin a thread.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest a [`Fault::Hang`] holds its socket.
const HANG_LIMIT: Duration = Duration::from_secs(120);

/// IMF-fixdate (RFC 7231 §7.1.1.1), the one date format HTTP servers must send.
const IMF_FIXDATE: &[BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

/// One misbehaviour, answered to one token request instead of verifying it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status, body and extra headers (e.g. `Retry-After`). The body is
    /// sent as `application/json` unless the headers name another `Content-Type`;
    /// a `Date` header here replaces the emulator's own.
    Status {
        status: u16,
        body: String,
        headers: Vec<(String, String)>,
    },
    /// 307 Temporary Redirect to this URL.
    Redirect(String),
    /// 200 with an HTML body, as a captive portal or a misrouted proxy would send.
    Garbage,
    /// 200 with `Content-Length: N` and N bytes of JSON-ish garbage, streamed.
    Huge(usize),
    /// Read the request, then never answer: the socket is held until the client
    /// gives up, the emulator stops, or 120 s pass.
    Hang,
}

impl Fault {
    /// A [`Fault::Status`] without extra headers.
    pub fn status(status: u16, body: impl Into<String>) -> Fault {
        Fault::Status {
            status,
            body: body.into(),
            headers: Vec::new(),
        }
    }
}

/// A registered application: the tenant it belongs to and its secret.
struct App {
    tenant: String,
    secret: String,
}

/// Everything the listener and connection threads share with the [`Emulator`].
struct Shared {
    addr: SocketAddr,
    stopped: AtomicBool,
    apps: Mutex<HashMap<String, App>>,
    allowed_scopes: Mutex<HashMap<String, HashSet<String>>>,
    faults: Mutex<VecDeque<Fault>>,
    seen_jti: Mutex<HashSet<String>>,
    revoked: Mutex<HashSet<String>>,
    last_claims: Mutex<Option<Value>>,
    last_rejection: Mutex<Option<(u16, String)>>,
    requests: AtomicUsize,
    issued: AtomicUsize,
    delay_nanos: AtomicU64,
    skew_secs: AtomicI64,
    /// Keys of the emulator's own access tokens: random per emulator, so a token
    /// from one emulator (or one run) never verifies at another.
    access_enc: EncodingKey,
    access_dec: DecodingKey,
}

/// Locks a mutex even if a thread panicked while holding it: the data here are
/// plain sets and counters that stay consistent, and one bad connection must
/// never take the whole emulator down.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    /// The emulator's notion of now, in epoch seconds: local now plus the skew.
    fn now(&self) -> i64 {
        let local = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        local.saturating_add(self.skew_secs.load(Ordering::SeqCst))
    }

    fn delay(&self) -> Duration {
        Duration::from_nanos(self.delay_nanos.load(Ordering::SeqCst))
    }

    fn stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }
}

/// A running emulator. Dropping it stops it.
pub struct Emulator {
    shared: Arc<Shared>,
    listener: Mutex<Option<JoinHandle<()>>>,
}

impl Emulator {
    /// Starts an emulator on a free loopback port, serving in background threads.
    pub fn start() -> io::Result<Emulator> {
        Emulator::start_on("127.0.0.1:0")
    }

    /// Starts an emulator on `addr` (e.g. `"127.0.0.1:8080"`).
    pub fn start_on(addr: &str) -> io::Result<Emulator> {
        let listener = TcpListener::bind(addr)?;
        let local = listener.local_addr()?;
        let key = random_key();
        let access_enc = EncodingKey::from_secret(&key).map_err(io::Error::other)?;
        let access_dec = DecodingKey::from_secret(&key).map_err(io::Error::other)?;
        let shared = Arc::new(Shared {
            addr: local,
            stopped: AtomicBool::new(false),
            apps: Mutex::new(HashMap::new()),
            allowed_scopes: Mutex::new(HashMap::new()),
            faults: Mutex::new(VecDeque::new()),
            seen_jti: Mutex::new(HashSet::new()),
            revoked: Mutex::new(HashSet::new()),
            last_claims: Mutex::new(None),
            last_rejection: Mutex::new(None),
            requests: AtomicUsize::new(0),
            issued: AtomicUsize::new(0),
            delay_nanos: AtomicU64::new(0),
            skew_secs: AtomicI64::new(0),
            access_enc,
            access_dec,
        });
        let for_thread = Arc::clone(&shared);
        let handle = thread::Builder::new()
            .name("cytoken-emulator".into())
            .spawn(move || accept_loop(&listener, &for_thread))?;
        Ok(Emulator {
            shared,
            listener: Mutex::new(Some(handle)),
        })
    }

    /// The address the emulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// The token endpoint URL, e.g. `http://127.0.0.1:PORT/auth/v2/token`.
    pub fn url(&self) -> String {
        format!("http://{}{TOKEN_PATH}", connectable(self.shared.addr))
    }

    /// Registers (or replaces) an application of a tenant with its secret.
    pub fn register_app(&self, tenant_id: &str, app_id: &str, secret: &str) {
        lock(&self.shared.apps).insert(
            app_id.to_owned(),
            App {
                tenant: tenant_id.to_owned(),
                secret: secret.to_owned(),
            },
        );
    }

    /// Restricts the scopes an application may request: any other scope gets 403.
    /// Applications without a list may request any well-formed scope.
    pub fn allow_scopes(&self, app_id: &str, scopes: &[&str]) {
        let set = scopes.iter().map(|s| (*s).to_owned()).collect();
        lock(&self.shared.allowed_scopes).insert(app_id.to_owned(), set);
    }

    /// Number of POSTs to the token path received, whatever the outcome.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Number of access tokens issued (200 answers from verification).
    pub fn issued(&self) -> usize {
        self.shared.issued.load(Ordering::SeqCst)
    }

    /// Sleeps this long before answering every request.
    pub fn set_delay(&self, d: Duration) {
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.shared.delay_nanos.store(nanos, Ordering::SeqCst);
    }

    /// Makes the emulator's clock (verification and `Date` header) local now + `secs`.
    pub fn set_clock_skew(&self, secs: i64) {
        self.shared.skew_secs.store(secs, Ordering::SeqCst);
    }

    /// Queues a fault: each token request takes the next fault, if any, and answers
    /// it instead of verifying.
    pub fn push_fault(&self, f: Fault) {
        lock(&self.shared.faults).push_back(f);
    }

    /// Number of queued faults not yet answered.
    pub fn pending_faults(&self) -> usize {
        lock(&self.shared.faults).len()
    }

    /// The claims of the last auth token whose signature checked out (even if a
    /// later claim check refused it).
    pub fn last_claims(&self) -> Option<Value> {
        lock(&self.shared.last_claims).clone()
    }

    /// Status and reason of the last refusal the emulator made itself (not faults),
    /// for test diagnostics: the 401 body is always the same, the reason is not.
    pub fn last_rejection(&self) -> Option<(u16, String)> {
        lock(&self.shared.last_rejection).clone()
    }

    /// True iff this emulator issued `token`, its `exp` is still in the future (by
    /// the emulator's clock) and it was not revoked.
    pub fn verify_access_token(&self, token: &str) -> bool {
        if lock(&self.shared.revoked).contains(token) {
            return false;
        }
        match decode::<Value>(token, &self.shared.access_dec, &manual_checks()) {
            Ok(data) => {
                data.claims.get("iss").and_then(Value::as_str) == Some(ISSUER)
                    && data
                        .claims
                        .get("exp")
                        .and_then(Value::as_i64)
                        .is_some_and(|exp| exp > self.shared.now())
            }
            Err(_) => false,
        }
    }

    /// Makes [`Emulator::verify_access_token`] false for `token` from now on.
    pub fn revoke(&self, token: &str) {
        lock(&self.shared.revoked).insert(token.to_owned());
    }

    /// Stops accepting connections (best effort; connections in flight finish).
    pub fn stop(&self) {
        if self.shared.stopped.swap(true, Ordering::SeqCst) {
            return;
        }
        // The listener thread is blocked in accept(); std has no way to interrupt
        // it, so wake it with a connection of our own. It then sees the flag and
        // exits, closing the listening socket. Join only if the wake-up landed, so
        // stop() can never hang.
        let woke =
            TcpStream::connect_timeout(&connectable(self.shared.addr), Duration::from_secs(1))
                .is_ok();
        let handle = lock(&self.listener).take();
        if let (true, Some(handle)) = (woke, handle) {
            let _ = handle.join();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs an emulator in the foreground until the process is killed (`cytoken
/// emulator`, for benchmarks). `apps` are `(tenant, app, secret)`. Once listening,
/// prints the token URL on one line to stdout, so a script that asked for port 0
/// learns the real port.
pub fn serve_forever(
    addr: &str,
    apps: &[(String, String, String)],
    delay: Duration,
) -> io::Result<()> {
    let emulator = Emulator::start_on(addr)?;
    for (tenant, app, secret) in apps {
        emulator.register_app(tenant, app, secret);
    }
    emulator.set_delay(delay);
    {
        // A closed stdout must not kill the server, so no println!.
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "{}", emulator.url());
        let _ = out.flush();
    }
    let handle = lock(&emulator.listener).take();
    match handle {
        Some(handle) => handle
            .join()
            .map_err(|_| io::Error::other("emulator listener thread panicked")),
        None => Ok(()),
    }
}

/// Formats epoch seconds as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date(unix_secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_secs)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .format(IMF_FIXDATE)
        .unwrap_or_default()
}

/// 32 random bytes from two v4 UUIDs (122 random bits each): enough for an HMAC
/// key, and it avoids a dependency on a random number crate.
fn random_key() -> Vec<u8> {
    let mut key = Vec::with_capacity(32);
    key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    key
}

/// An address a client can connect to: a wildcard bind address becomes loopback.
fn connectable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// jsonwebtoken's built-in claim checks have leeway and defaults that differ from
/// the service's rules, so only the signature and `alg` are left to it; every
/// claim is checked by hand on the decoded JSON.
fn manual_checks() -> Validation {
    let mut v = Validation::new(Algorithm::HS256);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.validate_aud = false;
    v.required_spec_claims.clear();
    v.leeway = 0;
    v
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for conn in listener.incoming() {
        if shared.stopped() {
            break;
        }
        match conn {
            Ok(stream) => {
                let shared = Arc::clone(shared);
                // If no thread can be spawned (resource limits), the closure and
                // with it the stream are dropped: that client sees a reset, the
                // server carries on.
                let _ = thread::Builder::new()
                    .name("cytoken-emulator-conn".into())
                    .spawn(move || handle_connection(stream, &shared));
            }
            // Typically EMFILE under a big stampede: back off instead of spinning.
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// A complete answer, written with `Date`, an accurate `Content-Length` and
/// `Connection: close` added.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn json(status: u16, value: &Value) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: value.to_string().into_bytes(),
        }
    }

    fn message(status: u16, message: &str) -> Response {
        Response::json(status, &json!({ "message": message }))
    }

    fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// What a connection ends up doing once its request is read.
enum Outcome {
    Respond(Response),
    Huge(usize),
    Hang,
}

/// What reading a request produced.
enum Request {
    /// A POST to the token path with its body.
    Token(Vec<u8>),
    /// Anything answered without verification (404, 405, 413, malformed HTTP).
    Early(Response),
}

fn handle_connection(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_nodelay(true);

    // The client went away or stalled mid-request: nobody to answer.
    let Ok(request) = read_request(&mut stream, shared) else {
        return;
    };
    let outcome = match request {
        Request::Early(response) => {
            record_rejection(shared, response.status, "malformed or misdirected request");
            pause(shared);
            Outcome::Respond(response)
        }
        Request::Token(body) => {
            let fault = lock(&shared.faults).pop_front();
            // The lock is released before sleeping, so delayed requests overlap.
            pause(shared);
            match fault {
                Some(fault) => fault_outcome(fault),
                None => Outcome::Respond(verify(shared, &body)),
            }
        }
    };
    match outcome {
        Outcome::Respond(response) => write_response(&mut stream, shared, &response),
        Outcome::Huge(n) => write_huge(&mut stream, shared, n),
        Outcome::Hang => {
            hang(&mut stream, shared);
            return;
        }
    }
    finish(&mut stream);
}

fn pause(shared: &Shared) {
    let delay = shared.delay();
    if !delay.is_zero() {
        thread::sleep(delay);
    }
}

fn record_rejection(shared: &Shared, status: u16, reason: &str) {
    *lock(&shared.last_rejection) = Some((status, reason.to_owned()));
}

/// Reads one request: the head (at most [`MAX_HEAD`]), then for a token POST the
/// body (at most [`MAX_BODY`]). Errors mean the connection is unusable.
fn read_request(stream: &mut TcpStream, shared: &Shared) -> io::Result<Request> {
    let (head, mut body) = match read_head(stream) {
        Ok(Some(parts)) => parts,
        Ok(None) => {
            return Ok(Request::Early(Response::message(
                413,
                "Request headers too large",
            )));
        }
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            return Ok(Request::Early(Response::message(
                400,
                "Malformed HTTP request",
            )));
        }
        Err(e) => return Err(e),
    };
    let Some(parsed) = parse_head(&head) else {
        return Ok(Request::Early(Response::message(
            400,
            "Malformed HTTP request",
        )));
    };
    if parsed.path != TOKEN_PATH {
        return Ok(Request::Early(Response::message(404, "Not Found")));
    }
    if parsed.method != "POST" {
        return Ok(Request::Early(
            Response::message(405, "Method Not Allowed").header("Allow", "POST"),
        ));
    }
    shared.requests.fetch_add(1, Ordering::SeqCst);

    // Only Content-Length bodies: every token client sends one, and a server
    // that cannot parse chunked bodies must refuse them rather than misread them.
    if parsed.header("transfer-encoding").is_some() {
        return Ok(Request::Early(Response::message(
            411,
            "Chunked request bodies are not supported; send Content-Length",
        )));
    }
    let lengths: Vec<&str> = parsed.all("content-length").collect();
    let length = match lengths.first() {
        None => 0,
        Some(first) => {
            let all_same = lengths.iter().all(|l| l == first);
            match (all_same, parse_length(first)) {
                (true, Some(n)) => n,
                _ => {
                    return Ok(Request::Early(Response::message(
                        400,
                        "Invalid Content-Length",
                    )));
                }
            }
        }
    };
    if length > MAX_BODY {
        return Ok(Request::Early(Response::message(
            413,
            "Request body too large",
        )));
    }
    if body.len() < length
        && parsed
            .header("expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    if body.len() < length {
        let already = body.len();
        body.resize(length, 0);
        stream.read_exact(&mut body[already..])?;
    }
    // Bytes past Content-Length would be a pipelined request; one per connection.
    body.truncate(length);
    Ok(Request::Token(body))
}

/// Reads up to the blank line ending the head. `Ok(None)`: head too large.
/// `InvalidData`: the client closed its side before finishing the head.
fn read_head(stream: &mut TcpStream) -> io::Result<Option<(Vec<u8>, Vec<u8>)>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            if pos + 4 > MAX_HEAD {
                return Ok(None);
            }
            let rest = buf.split_off(pos + 4);
            buf.truncate(pos);
            return Ok(Some((buf, rest)));
        }
        if buf.len() >= MAX_HEAD {
            return Ok(None);
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            // Nothing at all: a port probe or the stop() wake-up; stay silent.
            // Something: a truncated or non-HTTP request, which deserves a 400.
            return Err(if buf.is_empty() {
                io::ErrorKind::UnexpectedEof.into()
            } else {
                io::ErrorKind::InvalidData.into()
            });
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_length(s: &str) -> Option<usize> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

struct ParsedHead {
    method: String,
    path: String,
    /// Lower-cased names, trimmed values.
    headers: Vec<(String, String)>,
}

impl ParsedHead {
    fn all<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.all(name).next()
    }
}

/// Parses the request line and headers; `None` for anything that is not HTTP/1.x.
fn parse_head(head: &[u8]) -> Option<ParsedHead> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut parts = lines.next()?.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || method.is_empty()
        || !method.bytes().all(|b| b.is_ascii_uppercase())
        || !version.starts_with("HTTP/1.")
    {
        return None;
    }
    // Absolute-form targets (sent to proxies) carry scheme and authority.
    let target = match target.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => target,
    };
    if !target.starts_with('/') {
        return None;
    }
    let path = target.split(['?', '#']).next().unwrap_or(target);
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        if name.is_empty()
            || name
                .bytes()
                .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return None;
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    Some(ParsedHead {
        method: method.to_owned(),
        path: path.to_owned(),
        headers,
    })
}

fn fault_outcome(fault: Fault) -> Outcome {
    match fault {
        Fault::Status {
            status,
            body,
            headers,
        } => {
            let mut response = Response {
                status,
                headers: Vec::new(),
                body: body.into_bytes(),
            };
            if !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            {
                response
                    .headers
                    .push(("Content-Type".into(), "application/json".into()));
            }
            response.headers.extend(headers);
            Outcome::Respond(response)
        }
        Fault::Redirect(location) => Outcome::Respond(Response {
            status: 307,
            headers: vec![("Location".into(), location)],
            body: Vec::new(),
        }),
        Fault::Garbage => Outcome::Respond(Response {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\
                    <body><h1>Network login required</h1></body></html>\n"
                .to_vec(),
        }),
        Fault::Huge(n) => Outcome::Huge(n),
        Fault::Hang => Outcome::Hang,
    }
}

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

fn verify(shared: &Shared, body: &[u8]) -> Response {
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

    // decode_header fails for algorithms jsonwebtoken does not know, `none`
    // included, so those and every non-HS256 alg end up as the same 401.
    let header = decode_header(token).map_err(|_| unauthorized("malformed JWT header"))?;
    if header.alg != Algorithm::HS256 {
        return Err(unauthorized("alg is not HS256"));
    }

    // The secret to check the signature with depends on who claims to have
    // signed, so `sub` is read before the signature is verified; nothing else
    // from the unverified claims is trusted.
    let unverified: Value = jsonwebtoken::dangerous::insecure_decode_claims(token)
        .map_err(|_| unauthorized("malformed JWT payload"))?;
    let app_id = unverified
        .get("sub")
        .and_then(Value::as_str)
        .ok_or_else(|| unauthorized("sub is missing or not a string"))?
        .to_owned();
    let (tenant, secret) = match lock(&shared.apps).get(&app_id) {
        Some(app) => (app.tenant.clone(), app.secret.clone()),
        None => return Err(unauthorized("unknown application (sub)")),
    };
    let key = DecodingKey::from_secret(secret.as_bytes())
        .map_err(|_| unauthorized("application has an empty secret"))?;
    let claims = decode::<Value>(token, &key, &manual_checks())
        .map_err(|_| unauthorized("signature does not verify with the application secret"))?
        .claims;
    *lock(&shared.last_claims) = Some(claims.clone());

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
    let access = encode(
        &Header::new(Algorithm::HS256),
        &access_claims,
        &shared.access_enc,
    )
    .map_err(|_| Reject {
        status: 500,
        message: "Internal error".into(),
        reason: "could not sign the access token".into(),
    })?;
    shared.issued.fetch_add(1, Ordering::SeqCst);
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

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// The status line and headers; `Date` (unless a fault supplies one),
/// `Content-Length` and `Connection: close` are the emulator's.
fn head(shared: &Shared, status: u16, headers: &[(String, String)], length: usize) -> String {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason_phrase(status));
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("date")) {
        out.push_str(&format!("Date: {}\r\n", http_date(shared.now())));
    }
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("connection") {
            continue;
        }
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ));
    out
}

/// Write errors are ignored throughout: the client hanging up is its business.
fn write_response(stream: &mut TcpStream, shared: &Shared, response: &Response) {
    let mut bytes = head(
        shared,
        response.status,
        &response.headers,
        response.body.len(),
    )
    .into_bytes();
    bytes.extend_from_slice(&response.body);
    let _ = stream.write_all(&bytes);
}

/// Streams `n` bytes in fixed chunks so a multi-gigabyte fault costs 16 KiB.
fn write_huge(stream: &mut TcpStream, shared: &Shared, n: usize) {
    let headers = [("Content-Type".to_owned(), "application/json".to_owned())];
    if stream
        .write_all(head(shared, 200, &headers, n).as_bytes())
        .is_err()
    {
        return;
    }
    let prefix = b"{\"access_token\":\"";
    let mut chunk = vec![b'A'; 16 * 1024];
    chunk[..prefix.len()].copy_from_slice(prefix);
    let mut left = n;
    let mut first = true;
    while left > 0 && !shared.stopped() {
        let piece = if first {
            &chunk[..]
        } else {
            &chunk[prefix.len()..]
        };
        first = false;
        let take = piece.len().min(left);
        if stream.write_all(&piece[..take]).is_err() {
            return;
        }
        left -= take;
    }
}

/// Holds the socket without answering until the client closes it, the emulator
/// stops, or [`HANG_LIMIT`] passes. Short read timeouts double as the poll interval.
fn hang(stream: &mut TcpStream, shared: &Shared) {
    let started = Instant::now();
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let mut sink = [0u8; 1024];
    while !shared.stopped() && started.elapsed() < HANG_LIMIT {
        match stream.read(&mut sink) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(_) => return,
        }
    }
}

/// Ends the connection gracefully: half-close, then drain what the client still
/// sends (e.g. the rest of a refused 413 body) for a moment. Closing a socket
/// with unread input makes the kernel send a reset, which can destroy the
/// response before the client reads it.
fn finish(stream: &mut TcpStream) {
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + Duration::from_secs(2);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 8192];
    let mut drained = 0usize;
    while Instant::now() < deadline && drained < 4 * MAX_BODY {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Shutdown;
    use time::PrimitiveDateTime;

    const TENANT: &str = "00000000-0000-0000-0000-000000000000";
    const APP: &str = "11111111-1111-1111-1111-111111111111";
    const SECRET: &str = "s3cret-app-key";

    fn local_now() -> i64 {
        i64::try_from(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap()
    }

    fn emulator() -> Emulator {
        let emu = Emulator::start().unwrap();
        emu.register_app(TENANT, APP, SECRET);
        emu
    }

    fn good_claims() -> Value {
        let now = local_now();
        json!({
            "iss": ISSUER,
            "sub": APP,
            "tid": TENANT,
            "iat": now,
            "exp": now + 1800,
            "jti": uuid::Uuid::new_v4().to_string(),
        })
    }

    fn sign_with(claims: &Value, alg: Algorithm, secret: &str) -> String {
        encode(
            &Header::new(alg),
            claims,
            &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
        )
        .unwrap()
    }

    fn sign(claims: &Value) -> String {
        sign_with(claims, Algorithm::HS256, SECRET)
    }

    fn b64url(data: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out
    }

    struct Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    }

    impl Reply {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }

        fn json(&self) -> Value {
            serde_json::from_str(&self.body).unwrap()
        }
    }

    fn raw(emu: &Emulator, request: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(emu.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .map(|l| {
                let (n, v) = l.split_once(':').unwrap();
                (n.to_owned(), v.trim().to_owned())
            })
            .collect();
        let reply = Reply {
            status,
            headers,
            body: body.to_owned(),
        };
        if let Some(len) = reply.header("content-length") {
            assert_eq!(len.parse::<usize>().unwrap(), reply.body.len());
        }
        assert_eq!(reply.header("connection"), Some("close"));
        assert!(reply.header("date").is_some());
        reply
    }

    fn post_body(emu: &Emulator, body: &str) -> Reply {
        let request = format!(
            "POST {TOKEN_PATH} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
            emu.addr(),
            body.len()
        );
        raw(emu, request.as_bytes())
    }

    fn post(emu: &Emulator, token: &str) -> Reply {
        post_body(emu, &json!({ "auth_token": token }).to_string())
    }

    fn assert_invalid(reply: &Reply) {
        assert_eq!(reply.status, 401, "{}", reply.body);
        assert_eq!(reply.json(), json!({ "message": INVALID_JWT }));
    }

    #[test]
    fn accepts_a_good_token_and_issues_a_verifiable_access_token() {
        let emu = emulator();
        let reply = post(&emu, &sign(&good_claims()));
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.header("content-type"), Some("application/json"));
        let access = reply.json()["access_token"].as_str().unwrap().to_owned();
        assert!(emu.verify_access_token(&access));
        assert!(!emu.verify_access_token("not.a.token"));
        assert_eq!((emu.requests(), emu.issued()), (1, 1));
        assert_eq!(emu.last_claims().unwrap()["sub"], APP);

        let claims: Value = jsonwebtoken::dangerous::insecure_decode_claims(&access).unwrap();
        assert_eq!(claims["iss"], ISSUER);
        assert_eq!(claims["tid"], TENANT);
        assert_eq!(claims["scp"], json!([]));

        // Another emulator's key never verifies this token.
        assert!(!emulator().verify_access_token(&access));
    }

    /// A 401 with the service's body, refused for the expected reason (the
    /// emulator's `X-Emulator-Reason`), so a test cannot pass by accident.
    fn assert_refused_for(reply: &Reply, reason: &str) {
        assert_invalid(reply);
        let got = reply.header("x-emulator-reason").unwrap_or_default();
        assert!(got.contains(reason), "expected {reason:?}, got {got:?}");
    }

    #[test]
    fn wrong_secret_unknown_app_and_wrong_claims_are_401() {
        let emu = emulator();
        let reply = post(&emu, &sign_with(&good_claims(), Algorithm::HS256, "wrong"));
        assert_refused_for(&reply, "signature");
        assert!(
            emu.last_claims().is_none(),
            "bad signature must not record claims"
        );

        let cases: [(&str, Value, &str); 7] = [
            ("iss", json!("http://example.com"), "iss"),
            ("iss", json!(null), "iss"),
            ("tid", json!("22222222-2222-2222-2222-222222222222"), "tid"),
            ("sub", json!("unknown-app"), "unknown application"),
            ("sub", json!(7), "sub"),
            ("jti", json!("not-a-uuid"), "jti"),
            ("jti", json!(null), "jti"),
        ];
        for (claim, value, reason) in cases {
            let mut c = good_claims();
            c[claim] = value;
            assert_refused_for(&post(&emu, &sign(&c)), reason);
        }
        assert_eq!(emu.last_rejection().map(|(status, _)| status), Some(401));

        let mut c = good_claims();
        c["iat"] = json!(local_now() - 1000);
        c["exp"] = json!(local_now() - 10);
        assert_refused_for(&post(&emu, &sign(&c)), "expired");

        let mut c = good_claims();
        c["iat"] = json!(local_now() + 600);
        c["exp"] = json!(local_now() + 1200);
        assert_refused_for(&post(&emu, &sign(&c)), "iat");

        assert_eq!((emu.requests(), emu.issued()), (10, 0));
    }

    #[test]
    fn lifetime_over_30_minutes_and_bad_numbers_are_400() {
        let emu = emulator();
        let mut c = good_claims();
        c["exp"] = json!(local_now() + 3600);
        let reply = post(&emu, &sign(&c));
        assert_eq!(reply.status, 400);
        assert!(reply.json()["message"].is_string());

        let mut c = good_claims();
        c["exp"] = json!("soon");
        assert_eq!(post(&emu, &sign(&c)).status, 400);

        let mut c = good_claims();
        c.as_object_mut().unwrap().remove("iat");
        assert_eq!(post(&emu, &sign(&c)).status, 400);

        // Exactly 1800 s is fine.
        let mut c = good_claims();
        c["exp"] = json!(c["iat"].as_i64().unwrap() + 1800);
        assert_eq!(post(&emu, &sign(&c)).status, 200);
    }

    #[test]
    fn a_replayed_jti_is_refused_the_second_time() {
        let emu = emulator();
        let token = sign(&good_claims());
        assert_eq!(post(&emu, &token).status, 200);
        assert_invalid(&post(&emu, &token));
        assert_eq!((emu.requests(), emu.issued()), (2, 1));
    }

    #[test]
    fn a_refused_token_does_not_burn_its_jti() {
        let emu = emulator();
        emu.allow_scopes(APP, &["device:list"]);
        let mut c = good_claims();
        c["scp"] = json!(["policy:delete"]);
        assert_eq!(post(&emu, &sign(&c)).status, 403);
        c["scp"] = json!(["device:list"]);
        assert_eq!(post(&emu, &sign(&c)).status, 200);
    }

    #[test]
    fn only_hs256_is_accepted() {
        let emu = emulator();
        assert_invalid(&post(
            &emu,
            &sign_with(&good_claims(), Algorithm::HS512, SECRET),
        ));
        let header = b64url(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = b64url(good_claims().to_string().as_bytes());
        assert_invalid(&post(&emu, &format!("{header}.{payload}.")));
        assert_invalid(&post(&emu, &format!("{header}.{payload}")));
        assert_eq!(emu.issued(), 0);
    }

    #[test]
    fn scopes_as_array_or_string_and_their_checks() {
        let emu = emulator();
        let mut c = good_claims();
        c["scp"] = json!(["policy:create", "policy:list"]);
        let reply = post(&emu, &sign(&c));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let access = reply.json()["access_token"].as_str().unwrap().to_owned();
        let claims: Value = jsonwebtoken::dangerous::insecure_decode_claims(&access).unwrap();
        assert_eq!(claims["scp"], json!(["policy:create", "policy:list"]));

        let mut c = good_claims();
        c["scp"] = json!("policy:create,policy:list");
        assert_eq!(post(&emu, &sign(&c)).status, 200);

        for bad in [
            json!(42),
            json!(["policy"]),
            json!("a:b,"),
            json!([1]),
            json!(null),
        ] {
            let mut c = good_claims();
            c["scp"] = bad.clone();
            assert_eq!(post(&emu, &sign(&c)).status, 400, "scp {bad}");
        }

        emu.allow_scopes(APP, &["policy:list"]);
        let mut c = good_claims();
        c["scp"] = json!(["policy:list", "policy:create"]);
        let reply = post(&emu, &sign(&c));
        assert_eq!(reply.status, 403);
        assert!(reply.json()["message"].is_string());
        c["jti"] = json!(uuid::Uuid::new_v4().to_string());
        c["scp"] = json!("policy:list");
        assert_eq!(post(&emu, &sign(&c)).status, 200);
    }

    #[test]
    fn malformed_requests_are_400_and_do_not_hurt_the_server() {
        let emu = emulator();
        for body in [
            "",
            "garbage",
            "[]",
            "{}",
            r#"{"auth_token":42}"#,
            r#"{"auth_token":"x.y.z"}"#,
        ] {
            let reply = post_body(&emu, body);
            assert!(
                matches!(reply.status, 400 | 401),
                "{body}: {}",
                reply.status
            );
            assert!(reply.json()["message"].is_string());
        }
        assert_eq!(post_body(&emu, "garbage").status, 400);

        // Not HTTP at all; the client half-closes so the server sees the end.
        let mut s = TcpStream::connect(emu.addr()).unwrap();
        s.write_all(b"\x16\x03\x01 hello").unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        assert!(out.starts_with("HTTP/1.1 400 "), "{out}");

        // A client that disconnects mid-body.
        let mut s = TcpStream::connect(emu.addr()).unwrap();
        s.write_all(b"POST /auth/v2/token HTTP/1.1\r\nContent-Length: 500\r\n\r\n{\"auth")
            .unwrap();
        drop(s);

        let reply = raw(&emu, b"GET /auth/v2/token HTTP/1.1\r\n\r\n");
        assert_eq!((reply.status, reply.header("allow")), (405, Some("POST")));
        assert_eq!(
            raw(&emu, b"POST /other HTTP/1.1\r\nContent-Length: 0\r\n\r\n").status,
            404
        );

        let big = format!(
            "POST /auth/v2/token HTTP/1.1\r\nContent-Length: {}\r\n\r\n{}",
            MAX_BODY + 1,
            "x".repeat(MAX_BODY + 1)
        );
        assert_eq!(raw(&emu, big.as_bytes()).status, 413);
        let huge_head = format!(
            "POST /auth/v2/token HTTP/1.1\r\nX-Pad: {}\r\n\r\n",
            "p".repeat(MAX_HEAD)
        );
        assert_eq!(raw(&emu, huge_head.as_bytes()).status, 413);

        // Still serving.
        assert_eq!(post(&emu, &sign(&good_claims())).status, 200);
    }

    #[test]
    fn faults_are_answered_in_order_then_verification_resumes() {
        let emu = emulator();
        emu.push_fault(Fault::Status {
            status: 503,
            body: r#"{"message":"busy"}"#.into(),
            headers: vec![("Retry-After".into(), "1".into())],
        });
        emu.push_fault(Fault::Redirect("http://127.0.0.1:1/elsewhere".into()));
        emu.push_fault(Fault::Garbage);
        emu.push_fault(Fault::Huge(100_000));
        assert_eq!(emu.pending_faults(), 4);

        let token = sign(&good_claims());
        let reply = post(&emu, &token);
        assert_eq!(
            (reply.status, reply.header("retry-after")),
            (503, Some("1"))
        );
        assert_eq!(reply.body, r#"{"message":"busy"}"#);

        let reply = post(&emu, &token);
        assert_eq!(reply.status, 307);
        assert_eq!(
            reply.header("location"),
            Some("http://127.0.0.1:1/elsewhere")
        );

        let reply = post(&emu, &token);
        assert_eq!(reply.status, 200);
        assert!(serde_json::from_str::<Value>(&reply.body).is_err());

        let reply = post(&emu, &token);
        assert_eq!((reply.status, reply.body.len()), (200, 100_000));

        // Faults did not consume the jti: the same token is still good.
        assert_eq!(post(&emu, &token).status, 200);
        assert_eq!(
            (emu.requests(), emu.issued(), emu.pending_faults()),
            (5, 1, 0)
        );
    }

    #[test]
    fn hang_holds_the_socket_without_answering() {
        let emu = emulator();
        emu.push_fault(Fault::Hang);
        let body = json!({ "auth_token": sign(&good_claims()) }).to_string();
        let mut s = TcpStream::connect(emu.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        write!(
            s,
            "POST /auth/v2/token HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut buf = [0u8; 16];
        let err = s.read(&mut buf).unwrap_err();
        assert!(matches!(
            err.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        ));
        assert_eq!(emu.requests(), 1);
        drop(s);
        assert_eq!(post(&emu, &sign(&good_claims())).status, 200);
    }

    #[test]
    fn revoked_tokens_no_longer_verify() {
        let emu = emulator();
        let reply = post(&emu, &sign(&good_claims()));
        let access = reply.json()["access_token"].as_str().unwrap().to_owned();
        assert!(emu.verify_access_token(&access));
        emu.revoke(&access);
        assert!(!emu.verify_access_token(&access));
    }

    #[test]
    fn the_clock_skew_moves_verification_and_the_date_header() {
        let emu = emulator();
        emu.set_clock_skew(3600);
        let reply = post(&emu, &sign(&good_claims()));
        // A token minted by local time is already expired by the server's clock.
        assert_invalid(&reply);
        let date = reply.header("date").unwrap();
        assert!(date.ends_with(" GMT"), "{date}");
        let server = PrimitiveDateTime::parse(date, IMF_FIXDATE)
            .unwrap()
            .assume_utc()
            .unix_timestamp();
        assert!((server - (local_now() + 3600)).abs() <= 5, "{date}");

        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn delayed_requests_overlap() {
        let emu = emulator();
        emu.set_delay(Duration::from_millis(300));
        let started = Instant::now();
        thread::scope(|scope| {
            let handles: Vec<_> = (0..64)
                .map(|_| scope.spawn(|| post(&emu, &sign(&good_claims())).status))
                .collect();
            for h in handles {
                assert_eq!(h.join().unwrap(), 200);
            }
        });
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!((emu.requests(), emu.issued()), (64, 64));
    }

    #[test]
    fn stop_closes_the_listener() {
        let emu = emulator();
        let addr = emu.addr();
        emu.stop();
        assert!(TcpStream::connect(addr).is_err());
        assert!(emu.url().ends_with("/auth/v2/token"));
    }
}
