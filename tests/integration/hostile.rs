//! A misbehaving server on loopback for the `api` and token-exchange tests:
//! each test hands it the answer to give (the secret quoted back, a stalled
//! body, a huge page), and it counts the requests it read.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::support::*;

/// A loopback HTTP server: every connection is one request (answered with
/// `Connection: close` by the handler), handled on its own thread; the
/// handler gets the request's number (0, 1, …).
pub(crate) struct Hostile {
    pub(crate) port: u16,
    pub(crate) count: Arc<AtomicUsize>,
}

pub(crate) type Handler = dyn Fn(usize, &Request, &mut TcpStream) + Send + Sync;

impl Hostile {
    pub(crate) fn start(
        handler: impl Fn(usize, &Request, &mut TcpStream) + Send + Sync + 'static,
    ) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let count = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let counter = Arc::clone(&count);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let handler = Arc::clone(&handler);
                let n = counter.fetch_add(1, Ordering::SeqCst);
                std::thread::spawn(move || {
                    if let Some(req) = read_request(&mut stream) {
                        handler(n, &req, &mut stream);
                    }
                });
            }
        });
        Hostile { port, count }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }

    pub(crate) fn requests(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

pub(crate) fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        line: line.trim_end().to_string(),
        headers,
        body,
    })
}

/// Writes a whole answer and closes.
pub(crate) fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

/// Runs `cmd`, killing it after `limit`: `None` when it had to be killed.
pub(crate) fn run_within(mut cmd: Command, limit: Duration) -> Option<Output> {
    let mut child: Child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every file under `dir`, as text (lossy), for leak scans.
pub(crate) fn all_text_under(dir: &std::path::Path) -> String {
    let mut out = String::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.push_str(&all_text_under(&p));
        } else if let Ok(b) = std::fs::read(&p) {
            out.push_str(&String::from_utf8_lossy(&b));
        }
    }
    out
}

/// Every form a request may carry `secret` in, with `id`.
pub(crate) fn forms(id: &str, secret: &str) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let pair = format!("{id}:{secret}");
    let mut out = vec![secret.to_string(), pair.clone()];
    for plain in [secret, pair.as_str()] {
        out.push(STANDARD.encode(plain));
        out.push(STANDARD_NO_PAD.encode(plain));
        out.push(URL_SAFE.encode(plain));
        out.push(URL_SAFE_NO_PAD.encode(plain));
        for upper in [true, false] {
            let pct: String = plain
                .bytes()
                .map(|b| match b {
                    _ if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) => {
                        char::from(b).to_string()
                    }
                    _ if upper => format!("%{b:02X}"),
                    _ => format!("%{b:02x}"),
                })
                .collect();
            out.push(pct);
        }
    }
    out
}

pub(crate) fn assert_no_form(what: &str, text: &str, forms: &[String]) {
    for f in forms {
        assert!(
            !text.contains(f.as_str()),
            "{what} holds the secret as {f:?}:\n{text}"
        );
    }
}

pub(crate) fn profile_cmd(sb: &Sandbox) -> Command {
    let mut c = sb.bare();
    c.env("THE_SECRET", SECRET);
    c
}

/// Headers and one byte of a 100-byte body, then nothing (the socket held).
pub(crate) fn stall(s: &mut TcpStream) {
    let _ = s.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    let _ = s.flush();
    std::thread::sleep(Duration::from_secs(90));
}

/// One request as the server read it.
pub(crate) struct Request {
    /// `GET /path?query`.
    pub(crate) line: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn path(&self) -> &str {
        self.line.split(' ').nth(1).unwrap_or("")
    }
}
