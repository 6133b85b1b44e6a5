//! The emulator's tiny HTTP/1.1 side: one request per connection, read with
//! bounds, answered with `Connection: close`.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use time::format_description::BorrowedFormatItem;

use crate::{Shared, TOKEN_PATH};

/// Longest request head (request line and headers) read before answering 413.
pub(crate) const MAX_HEAD: usize = 16 * 1024;
/// Longest request body accepted before answering 413.
pub(crate) const MAX_BODY: usize = 64 * 1024;
/// Read/write budget for one connection, so a stalled client cannot pin a thread.
pub(crate) const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// IMF-fixdate (RFC 7231 §7.1.1.1), the one date format HTTP servers must send.
pub(crate) const IMF_FIXDATE: &[BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

/// One client connection: plain TCP, or TLS over it (the `https` feature).
/// The HTTP side reads and writes through this, never the socket itself.
pub(crate) trait Conn: Read + Write + Send {
    /// The socket beneath, for its timeouts.
    fn tcp(&self) -> &TcpStream;
    /// Ends what we send (the client then reads to the end of the answer).
    fn close_write(&mut self);
}

impl Conn for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }

    fn close_write(&mut self) {
        let _ = self.shutdown(Shutdown::Write);
    }
}

/// A complete answer, written with `Date`, an accurate `Content-Length` and
/// `Connection: close` added.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    pub(crate) fn json(status: u16, value: &Value) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: value.to_string().into_bytes(),
        }
    }

    pub(crate) fn message(status: u16, message: &str) -> Response {
        Response::json(status, &json!({ "message": message }))
    }

    pub(crate) fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// What reading a request produced.
pub(crate) enum Request {
    /// A POST to the token path with its body.
    Token(Vec<u8>),
    /// A request to the Cylance API stand-in (`/devices/v2…`), any method.
    Api(ApiRequest),
    /// Anything answered without verification (404, 405, 413, malformed HTTP).
    Early(Response),
}

/// A request to the API stand-in, as read.
pub(crate) struct ApiRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    /// The raw query string, without `?` (empty when there is none).
    pub(crate) query: String,
    /// Lower-cased names, trimmed values.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl ApiRequest {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one request: the head (at most [`MAX_HEAD`]), then for a token POST or
/// an API request the body (at most [`MAX_BODY`]). Errors mean the connection is
/// unusable.
pub(crate) fn read_request(stream: &mut dyn Conn, shared: &Shared) -> io::Result<Request> {
    let (head, body) = match read_head(stream) {
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
    if crate::api::is_api_path(&parsed.path)
        || crate::mtc::is_console_path(&parsed.path)
        || is_kube_path(&parsed.path)
    {
        let body = match read_body(stream, &parsed, body)? {
            Ok(body) => body,
            Err(early) => return Ok(Request::Early(early)),
        };
        return Ok(Request::Api(ApiRequest {
            method: parsed.method,
            path: parsed.path,
            query: parsed.query,
            headers: parsed.headers,
            body,
        }));
    }
    if parsed.path != TOKEN_PATH {
        return Ok(Request::Early(Response::message(404, "Not Found")));
    }
    if parsed.method != "POST" {
        return Ok(Request::Early(
            Response::message(405, "Method Not Allowed").header("Allow", "POST"),
        ));
    }
    shared.requests.fetch_add(1, Ordering::SeqCst);
    let body = match read_body(stream, &parsed, body)? {
        Ok(body) => body,
        Err(early) => return Ok(Request::Early(early)),
    };
    #[cfg(feature = "faults")]
    shared.knobs.record_request(crate::faults::SeenRequest {
        method: parsed.method,
        path: parsed.path,
        query: parsed.query,
        headers: parsed.headers,
        body: body.clone(),
    });
    Ok(Request::Token(body))
}

/// Whether `path` is the Kubernetes API stand-in's (only with `https`).
fn is_kube_path(path: &str) -> bool {
    #[cfg(feature = "https")]
    return crate::kube::is_kube_path(path);
    #[cfg(not(feature = "https"))]
    {
        let _ = path;
        false
    }
}

/// Reads the body announced by `Content-Length` (at most [`MAX_BODY`]), `body`
/// being what came with the head. `Ok(Err(_))`: the answer to a body refused.
fn read_body(
    stream: &mut dyn Conn,
    parsed: &ParsedHead,
    mut body: Vec<u8>,
) -> io::Result<Result<Vec<u8>, Response>> {
    // Only Content-Length bodies: every token client sends one, and a server
    // that cannot parse chunked bodies must refuse them rather than misread them.
    if parsed.header("transfer-encoding").is_some() {
        return Ok(Err(Response::message(
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
                _ => return Ok(Err(Response::message(400, "Invalid Content-Length"))),
            }
        }
    };
    if length > MAX_BODY {
        return Ok(Err(Response::message(413, "Request body too large")));
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
    Ok(Ok(body))
}

/// Reads up to the blank line ending the head. `Ok(None)`: head too large.
/// `InvalidData`: the client closed its side before finishing the head.
fn read_head(stream: &mut dyn Conn) -> io::Result<Option<(Vec<u8>, Vec<u8>)>> {
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
    /// The query string without `?`.
    query: String,
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
    let target = target.split('#').next().unwrap_or(target);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
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
        query: query.to_owned(),
        headers,
    })
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
        406 => "Not Acceptable",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
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
pub(crate) fn head(
    shared: &Shared,
    status: u16,
    headers: &[(String, String)],
    length: usize,
) -> String {
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
pub(crate) fn write_response(stream: &mut dyn Conn, shared: &Shared, response: &Response) {
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

pub(crate) fn finish(stream: &mut dyn Conn) {
    let _ = stream.flush();
    stream.close_write();
    let deadline = Instant::now() + Duration::from_secs(2);
    let _ = stream
        .tcp()
        .set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 8192];
    let mut drained = 0usize;
    while Instant::now() < deadline && drained < 4 * MAX_BODY {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}
/// Formats epoch seconds as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date(unix_secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_secs)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .format(IMF_FIXDATE)
        .unwrap_or_default()
}
