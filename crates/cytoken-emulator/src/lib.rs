//! A strict loopback emulator of the Cylance User API v2 token endpoint
//! (`POST /auth/v2/token`) and of the API behind it (the device list, one
//! device, a device update: see [`api`]; the policy, user, zone and threat
//! lists), for `cytoken demo`, the
//! `cytoken-emulator` benchmark server and cytoken's tests.
//!
//! It checks auth tokens the way the real service does (DESIGN.md §1): HS256 only,
//! signature by the application's secret, issuer, tenant, a lifetime of at most
//! 30 minutes, expiry, a fresh UUID `jti` (replays are refused) and `resource:action`
//! scopes. It answers with the real service's status codes and bodies and counts
//! the requests it sees. With the `faults` feature (tests and benchmarks only;
//! cytoken's shipped binary never enables it) it can also be told to misbehave (a
//! queue of `Fault`s, a delay, revoked tokens) so tests can drive
//! every failure path of the client. With the `https` feature it can serve
//! all of that over TLS with a CA of its own ([`Emulator::start_https_on`]),
//! and a Kubernetes API stand-in that accepts its access tokens ([`kube`]).
//!
//! The HTTP side is deliberately tiny and std-only: one request per connection,
//! `Connection: close` on every answer, one thread per connection. That is all a
//! token endpoint needs, and it keeps the emulator free of an async runtime.

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

pub mod api;
#[cfg(feature = "faults")]
mod api_faults;
#[cfg(feature = "faults")]
mod faults;
mod http;
mod jwt;
#[cfg(feature = "https")]
pub mod kube;
mod lists;
mod mtc;
#[cfg(feature = "https")]
mod tls;
mod token;

#[cfg(feature = "faults")]
pub use faults::{Fault, SeenRequest};
pub use http::http_date;

use http::{Conn, Request};

/// The path of the token endpoint, in every region.
pub const TOKEN_PATH: &str = "/auth/v2/token";
/// The only issuer the service accepts in an auth token.
pub const ISSUER: &str = "http://cylance.com";
/// The body of every 401 the real service sends.
pub const INVALID_JWT: &str = "Invalid JWT payload";

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
    seen_jti: Mutex<HashSet<String>>,
    requests: AtomicUsize,
    issued: AtomicUsize,
    /// Seconds added to the local clock: a server whose clock is off, for
    /// tests and `demo --serve --clock-skew`.
    skew_secs: AtomicI64,
    /// Keys of the emulator's own access tokens: random per emulator, so a token
    /// from one emulator (or one run) never verifies at another.
    access_key: Vec<u8>,
    /// The API stand-in's synthetic devices.
    devices: api::Devices,
    /// The policy, user, zone and threat lists (policies and users writable).
    lists: lists::Lists,
    /// The multi-tenant console's partner apps and counters.
    console: mtc::Console,
    /// TLS on every connection, when started with it.
    #[cfg(feature = "https")]
    tls: Option<tls::Tls>,
    /// Told each request the Kubernetes API stand-in answers.
    #[cfg(feature = "https")]
    kube_hook: Mutex<Option<kube::Hook>>,
    #[cfg(feature = "faults")]
    knobs: faults::Knobs,
    #[cfg(feature = "faults")]
    api_knobs: api_faults::ApiKnobs,
}

/// Locks a mutex even if a thread panicked while holding it: the data here are
/// plain sets and counters that stay consistent, and one bad connection must
/// never take the whole emulator down.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    /// The emulator's notion of now, in epoch seconds: local now plus the
    /// configured skew ([`Emulator::set_clock_skew`]).
    fn now(&self) -> i64 {
        let local = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        local.saturating_add(self.skew_secs.load(Ordering::SeqCst))
    }

    /// `https` when every connection is TLS, else `http`.
    fn scheme(&self) -> &'static str {
        #[cfg(feature = "https")]
        let tls = self.tls.is_some();
        #[cfg(not(feature = "https"))]
        let tls = {
            let _ = self;
            false
        };
        if tls { "https" } else { "http" }
    }

    fn stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// The claims of an access token this emulator issued, if its `exp` is
    /// still in the future (by the emulator's clock) and it was not revoked.
    fn access_claims(&self, token: &str) -> Option<Value> {
        #[cfg(feature = "faults")]
        if self.knobs.is_revoked(token) {
            return None;
        }
        let claims = jwt::verify(token, &self.access_key)?;
        let fresh = claims.get("iss").and_then(Value::as_str) == Some(ISSUER)
            && claims
                .get("exp")
                .and_then(Value::as_i64)
                .is_some_and(|exp| exp > self.now());
        fresh.then_some(claims)
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
        Emulator::start_with(addr, |shared| shared)
    }

    /// Starts an emulator on `addr` that speaks TLS only, with a CA made
    /// now ([`Emulator::ca_pem`]) and a certificate for the loopback names
    /// (`127.0.0.1`, `::1`, `localhost`); its URLs are `https`, and it
    /// serves the Kubernetes API stand-in ([`kube`]) besides.
    #[cfg(feature = "https")]
    pub fn start_https_on(addr: &str) -> io::Result<Emulator> {
        let tls = tls::Tls::new()?;
        Emulator::start_with(addr, |shared| Shared {
            tls: Some(tls),
            ..shared
        })
    }

    /// Binds `addr` and serves the state `setup` makes of a fresh one.
    fn start_with(addr: &str, setup: impl FnOnce(Shared) -> Shared) -> io::Result<Emulator> {
        let listener = TcpListener::bind(addr)?;
        let local = listener.local_addr()?;
        let key = random_key();
        let shared = Arc::new(setup(Shared {
            addr: local,
            stopped: AtomicBool::new(false),
            apps: Mutex::new(HashMap::new()),
            allowed_scopes: Mutex::new(HashMap::new()),
            seen_jti: Mutex::new(HashSet::new()),
            requests: AtomicUsize::new(0),
            issued: AtomicUsize::new(0),
            skew_secs: AtomicI64::new(0),
            access_key: key,
            devices: api::Devices::default(),
            lists: lists::Lists::default(),
            console: mtc::Console::default(),
            #[cfg(feature = "https")]
            tls: None,
            #[cfg(feature = "https")]
            kube_hook: Mutex::new(None),
            #[cfg(feature = "faults")]
            knobs: faults::Knobs::default(),
            #[cfg(feature = "faults")]
            api_knobs: api_faults::ApiKnobs::default(),
        }));
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

    /// The origin, e.g. `http://127.0.0.1:PORT` (`https` when started so).
    pub fn origin(&self) -> String {
        format!(
            "{}://{}",
            self.shared.scheme(),
            connectable(self.shared.addr)
        )
    }

    /// The token endpoint URL, e.g. `http://127.0.0.1:PORT/auth/v2/token`.
    pub fn url(&self) -> String {
        format!("{}{TOKEN_PATH}", self.origin())
    }

    /// The API base URL, e.g. `http://127.0.0.1:PORT/` (the origin of [`Emulator::url`]).
    pub fn api_url(&self) -> String {
        format!("{}/", self.origin())
    }

    /// The CA certificate (PEM) a client must trust, when started with
    /// [`Emulator::start_https_on`].
    #[cfg(feature = "https")]
    pub fn ca_pem(&self) -> Option<&str> {
        self.shared.tls.as_ref().map(|t| t.ca_pem.as_str())
    }

    /// Calls `hook` with each request the Kubernetes API stand-in answers
    /// (a log for `demo --serve --https`, a record for tests).
    #[cfg(feature = "https")]
    pub fn on_kube_request(&self, hook: impl Fn(&kube::KubeRequest) + Send + Sync + 'static) {
        *lock(&self.shared.kube_hook) = Some(Box::new(hook));
    }

    /// Makes the emulator's clock (verification, the tokens it issues and
    /// the `Date` header) local now + `secs`.
    pub fn set_clock_skew(&self, secs: i64) {
        self.shared.skew_secs.store(secs, Ordering::SeqCst);
    }

    /// Makes the API stand-in serve `n` synthetic devices (none at start).
    pub fn set_devices(&self, n: usize) {
        self.shared.devices.set_count(n);
    }

    /// The number of devices the API stand-in serves.
    pub fn devices(&self) -> usize {
        self.shared.devices.count()
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

    /// Registers a multi-tenant console partner app with its secret and the
    /// tenants it manages.
    pub fn register_console_app(&self, app_id: &str, secret: &str, tenants: &[&str]) {
        self.shared.console.register(app_id, secret, tenants);
    }

    /// The console's token URL (`…/public/v2/us/auth`).
    pub fn console_url(&self) -> String {
        format!("{}/public/v2/us/auth", self.origin())
    }

    /// Console token requests received (`POST …/auth`), whatever the outcome.
    pub fn console_grants(&self) -> usize {
        self.shared.console.grants()
    }

    /// Tenant-app requests received, whatever the outcome.
    pub fn tenant_app_requests(&self) -> usize {
        self.shared.console.tenant_apps()
    }

    /// Number of POSTs to the token path received, whatever the outcome.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Number of access tokens issued (200 answers from verification).
    pub fn issued(&self) -> usize {
        self.shared.issued.load(Ordering::SeqCst)
    }

    /// True iff this emulator issued `token`, its `exp` is still in the future (by
    /// the emulator's clock) and it was not revoked.
    pub fn verify_access_token(&self, token: &str) -> bool {
        self.shared.access_claims(token).is_some()
    }

    /// Serves in the foreground until the process is killed.
    pub fn wait(&self) -> io::Result<()> {
        let handle = lock(&self.listener).take();
        match handle {
            Some(handle) => handle
                .join()
                .map_err(|_| io::Error::other("emulator listener thread panicked")),
            None => Ok(()),
        }
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

fn handle_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(http::IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(http::IO_TIMEOUT));
    let _ = stream.set_nodelay(true);
    #[cfg(feature = "https")]
    if let Some(tls) = &shared.tls {
        if let Ok(mut conn) = tls.accept(stream) {
            serve_request(&mut *conn, shared);
        }
        return;
    }
    let mut stream = stream;
    serve_request(&mut stream, shared);
}

/// Reads the one request of a connection and answers it.
fn serve_request(stream: &mut dyn Conn, shared: &Shared) {
    // The client went away or stalled mid-request: nobody to answer.
    let Ok(request) = http::read_request(stream, shared) else {
        return;
    };
    let response = match request {
        Request::Early(response) => {
            record_rejection(shared, response.status, "malformed or misdirected request");
            #[cfg(feature = "faults")]
            shared.knobs.pause();
            response
        }
        Request::Token(body) => {
            #[cfg(feature = "faults")]
            if shared.knobs.answer_fault(stream, shared) {
                return;
            }
            token::verify(shared, &body)
        }
        Request::Api(request) => {
            #[cfg(feature = "faults")]
            if shared.api_knobs.intercept(stream, shared, &request) {
                return;
            }
            let response = api::answer(shared, &request);
            #[cfg(feature = "faults")]
            shared.api_knobs.count_status(response.status);
            response
        }
    };
    http::write_response(stream, shared, &response);
    http::finish(stream);
}

/// Notes why the emulator refused a request (only kept with `faults`, for
/// test diagnostics).
fn record_rejection(shared: &Shared, status: u16, reason: &str) {
    #[cfg(feature = "faults")]
    shared.knobs.record_rejection(status, reason);
    #[cfg(not(feature = "faults"))]
    let _ = (shared, status, reason);
}

/// How [`serve_forever`] sets up its emulator.
#[cfg(feature = "faults")]
#[derive(Debug, Clone, Default)]
pub struct Serve {
    /// Wait before every token answer.
    pub delay: Duration,
    /// Devices the API stand-in serves.
    pub devices: usize,
    /// Wait before every API answer.
    pub api_delay: Duration,
}

/// Runs an emulator in the foreground until the process is killed (the
/// `cytoken-emulator` binary, for benchmarks). `apps` are `(tenant, app,
/// secret)`. Once listening, prints the token URL on one line to stdout, so a
/// script that asked for port 0 learns the real port.
#[cfg(feature = "faults")]
pub fn serve_forever(
    addr: &str,
    apps: &[(String, String, String)],
    opts: &Serve,
) -> io::Result<()> {
    let emulator = Emulator::start_on(addr)?;
    for (tenant, app, secret) in apps {
        emulator.register_app(tenant, app, secret);
    }
    emulator.set_delay(opts.delay);
    emulator.set_devices(opts.devices);
    emulator.set_api_delay(opts.api_delay);
    {
        use std::io::Write;
        // A closed stdout must not kill the server, so no println!.
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "{}", emulator.url());
        let _ = out.flush();
    }
    emulator.wait()
}

#[cfg(all(test, feature = "faults"))]
mod api_tests;
#[cfg(all(test, feature = "faults"))]
mod tests;
