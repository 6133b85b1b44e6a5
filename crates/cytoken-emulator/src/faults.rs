//! Fault injection (the `faults` feature, for tests and benchmarks only): a
//! queue of misbehaviours answered instead of verifying, a delay before every
//! answer, revoked tokens, and the last request, claims and
//! refusal seen, for test diagnostics.

use std::collections::{HashSet, VecDeque};
use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::http::{self, Conn, Response};
use crate::{Emulator, Shared, lock};

/// Longest a [`Fault::Hang`] holds its socket.
const HANG_LIMIT: Duration = Duration::from_secs(120);

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
    /// The status this fault answers with (none for a hang).
    pub(crate) fn status_code(&self) -> Option<u16> {
        match self {
            Fault::Status { status, .. } => Some(*status),
            Fault::Redirect(_) => Some(307),
            Fault::Garbage | Fault::Huge(_) => Some(200),
            Fault::Hang => None,
        }
    }

    /// A [`Fault::Status`] without extra headers.
    pub fn status(status: u16, body: impl Into<String>) -> Fault {
        Fault::Status {
            status,
            body: body.into(),
            headers: Vec::new(),
        }
    }
}

/// A token request as the emulator read it ([`Emulator::last_request`]), so a
/// test can check what its client sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenRequest {
    pub method: String,
    /// The request target's path, without query.
    pub path: String,
    /// The query string, without `?` (empty when there is none).
    pub query: String,
    /// In the order sent; names lower-cased, values trimmed.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl SeenRequest {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a connection does instead of verifying.
enum Outcome {
    Respond(Response),
    Huge(usize),
    Hang,
}

/// The fault state of one emulator.
#[derive(Default)]
pub(crate) struct Knobs {
    faults: Mutex<VecDeque<Fault>>,
    revoked: Mutex<HashSet<String>>,
    last_request: Mutex<Option<SeenRequest>>,
    last_claims: Mutex<Option<Value>>,
    last_rejection: Mutex<Option<(u16, String)>>,
    delay_nanos: AtomicU64,
}

impl Knobs {
    pub(crate) fn is_revoked(&self, token: &str) -> bool {
        lock(&self.revoked).contains(token)
    }

    pub(crate) fn record_rejection(&self, status: u16, reason: &str) {
        *lock(&self.last_rejection) = Some((status, reason.to_owned()));
    }

    pub(crate) fn record_request(&self, request: SeenRequest) {
        *lock(&self.last_request) = Some(request);
    }

    pub(crate) fn record_claims(&self, claims: &Value) {
        *lock(&self.last_claims) = Some(claims.clone());
    }

    /// Sleeps the configured delay.
    pub(crate) fn pause(&self) {
        let delay = Duration::from_nanos(self.delay_nanos.load(Ordering::SeqCst));
        if !delay.is_zero() {
            thread::sleep(delay);
        }
    }

    /// Takes the next queued fault (the lock is released before the delay, so
    /// delayed requests overlap), waits the delay, and answers the fault if
    /// there was one: true when the connection has been answered.
    pub(crate) fn answer_fault(&self, stream: &mut dyn Conn, shared: &Shared) -> bool {
        let fault = lock(&self.faults).pop_front();
        self.pause();
        let Some(fault) = fault else {
            return false;
        };
        answer(stream, shared, fault);
        true
    }
}

/// Answers `fault` on `stream` (and closes it).
pub(crate) fn answer(stream: &mut dyn Conn, shared: &Shared, fault: Fault) {
    match fault_outcome(fault) {
        Outcome::Respond(response) => http::write_response(stream, shared, &response),
        Outcome::Huge(n) => write_huge(stream, shared, n),
        Outcome::Hang => {
            hang(stream, shared);
            return;
        }
    }
    http::finish(stream);
}

impl Emulator {
    /// Sleeps this long before answering every request.
    pub fn set_delay(&self, d: Duration) {
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.shared.knobs.delay_nanos.store(nanos, Ordering::SeqCst);
    }

    /// Queues a fault: each token request takes the next fault, if any, and answers
    /// it instead of verifying.
    pub fn push_fault(&self, f: Fault) {
        lock(&self.shared.knobs.faults).push_back(f);
    }

    /// The last request to the token path whose body was read, whether a fault or
    /// verification answered it (requests refused before that, e.g. 404, 405 or
    /// 413, are not recorded).
    pub fn last_request(&self) -> Option<SeenRequest> {
        lock(&self.shared.knobs.last_request).clone()
    }

    /// The claims of the last auth token whose signature checked out (even if a
    /// later claim check refused it).
    pub fn last_claims(&self) -> Option<Value> {
        lock(&self.shared.knobs.last_claims).clone()
    }

    /// Status and reason of the last refusal the emulator made itself (not faults),
    /// for test diagnostics: the 401 body is always the same, the reason is not.
    pub fn last_rejection(&self) -> Option<(u16, String)> {
        lock(&self.shared.knobs.last_rejection).clone()
    }

    /// Makes [`Emulator::verify_access_token`] false for `token` from now on.
    pub fn revoke(&self, token: &str) {
        lock(&self.shared.knobs.revoked).insert(token.to_owned());
    }
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

/// Streams `n` bytes in fixed chunks so a multi-gigabyte fault costs 16 KiB.
fn write_huge(stream: &mut dyn Conn, shared: &Shared, n: usize) {
    let headers = [("Content-Type".to_owned(), "application/json".to_owned())];
    if stream
        .write_all(http::head(shared, 200, &headers, n).as_bytes())
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
fn hang(stream: &mut dyn Conn, shared: &Shared) {
    let started = Instant::now();
    let _ = stream
        .tcp()
        .set_read_timeout(Some(Duration::from_millis(50)));
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
