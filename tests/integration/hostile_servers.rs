//! Misbehaving servers on loopback, through the built binary: a console and
//! a token endpoint that echo the secret, a `Retry-After` too large for any
//! clock, an answer that stalls mid-body, pages too large to hold together,
//! a `total_pages` that cannot be, a token too large to cache, and the
//! selection mistakes a hostile or careless setup makes (a value blamed on
//! the wrong source, a test console's token sent to production, a log that
//! hides its paths). Each server is a few lines of `TcpListener` here, so the
//! test says exactly what the server does.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::support::*;

/// One request as the server read it.
struct Request {
    /// `GET /path?query`.
    line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn path(&self) -> &str {
        self.line.split(' ').nth(1).unwrap_or("")
    }
}

type Handler = dyn Fn(usize, &Request, &mut TcpStream) + Send + Sync;

/// A loopback HTTP server: every connection is one request (answered with
/// `Connection: close` by the handler), handled on its own thread; the
/// handler gets the request's number (0, 1, …).
struct Hostile {
    port: u16,
    count: Arc<AtomicUsize>,
}

impl Hostile {
    fn start(handler: impl Fn(usize, &Request, &mut TcpStream) + Send + Sync + 'static) -> Hostile {
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

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }

    fn requests(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Request> {
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
fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
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
fn run_within(mut cmd: Command, limit: Duration) -> Option<Output> {
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
fn all_text_under(dir: &std::path::Path) -> String {
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

// ---- the secret in server text -------------------------------------------

/// A secret whose encodings all differ from it and from each other: `+`,
/// `/` and `=` in its base64, characters percent-encoding changes.
const SPICY_SECRET: &str = "Mssp+S3cret/9f8e?7d&6c 5b~4a=>>?";

/// Every form a request may carry `secret` in, with `id`.
fn forms(id: &str, secret: &str) -> Vec<String> {
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

fn assert_no_form(what: &str, text: &str, forms: &[String]) {
    for f in forms {
        assert!(
            !text.contains(f.as_str()),
            "{what} holds the secret as {f:?}:\n{text}"
        );
    }
}

/// A console that refuses the grant with a description quoting the
/// credentials it was sent, in every form.
#[test]
fn a_console_quoting_the_secret_gets_it_redacted_everywhere() {
    let sb = Sandbox::new();
    let app = "5e5e5e5e-0000-4000-8000-0000000000aa";
    let echoed = forms(app, SPICY_SECRET).join(" | ");
    let server = Hostile::start(move |_, req, s| {
        // And the Basic header exactly as sent.
        let basic = req.header("authorization").unwrap_or("").to_string();
        let body = serde_json::json!({
            "error": "invalid_client",
            "error_description": format!("client credentials {app}:{SPICY_SECRET} were not accepted ({basic}; {echoed})"),
        });
        respond(s, "401 Unauthorized", &[], body.to_string().as_bytes());
    });
    let log = sb.home.path().join("cytoken.log");
    sb.write_config(
        &format!(
            "[profiles.mssp]\nflow = \"mtc\"\napp_id = \"{app}\"\napp_secret_env = \"MSSP_SECRET\"\n\
             auth_url = \"{}\"\nlog_file = {}\n",
            server.url("public/v2/us/auth"),
            toml_path(&log)
        ),
        0o600,
    );
    let cmd = |args: &[&str]| {
        let mut c = sb.bare();
        c.env("MSSP_SECRET", SPICY_SECRET)
            .args(["-p", "mssp"])
            .args(args);
        c.output().unwrap()
    };
    let o = cmd(&["-v", "token"]);
    assert_status(&o, 3);
    let all = forms(app, SPICY_SECRET);
    assert_no_form("stderr", &stderr(&o), &all);
    assert_no_form("stdout", &stdout(&o), &all);
    // The console's own words are kept, the credentials cut out.
    assert!(
        stderr(&o).contains("client credentials (redacted) were not accepted"),
        "{}",
        stderr(&o)
    );
    // The negative cache answers the next caller with the stored message.
    let again = cmd(&["token"]);
    assert_status(&again, 3);
    assert_no_form("the recorded failure's stderr", &stderr(&again), &all);
    let list = cmd(&["cache", "list"]);
    assert!(stdout(&list).contains("401"), "{}", stdout(&list));
    assert_no_form("cache list", &stdout(&list), &all);
    assert_no_form(
        "the log file",
        &std::fs::read_to_string(&log).unwrap(),
        &all,
    );
    assert_no_form("the cache dir", &all_text_under(&sb.cache_dir()), &all);
}

/// A Cylance token endpoint (which knows the secret: it checks the
/// signature with it) quoting the secret and the auth token it was sent.
#[test]
fn a_token_endpoint_quoting_the_secret_and_the_auth_token_gets_both_redacted() {
    let sb = Sandbox::new();
    let server = Hostile::start(|_, req, s| {
        let v: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let jwt = v["auth_token"].as_str().unwrap_or("").to_string();
        let body = serde_json::json!({
            "message": format!("Invalid JWT payload {jwt} signed with {SECRET} ({APP}:{SECRET})"),
        });
        respond(s, "401 Unauthorized", &[], body.to_string().as_bytes());
    });
    let o = sb
        .cmd()
        .env("CYTOKEN_AUTH_URL", server.url("auth/v2/token"))
        .arg("token")
        .output()
        .unwrap();
    assert_status(&o, 3);
    assert!(stderr(&o).contains("Invalid JWT payload"), "{}", stderr(&o));
    assert_no_form("stderr", &stderr(&o), &forms(APP, SECRET));
    assert!(
        !stderr(&o).contains("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."),
        "{}",
        stderr(&o)
    );
    assert_no_form(
        "the cache dir",
        &all_text_under(&sb.cache_dir()),
        &forms(APP, SECRET),
    );
}

// ---- time from the server ------------------------------------------------

/// `Retry-After: 1`, then one too large for any clock: the sum of the waits
/// must saturate, not panic (it was exit 134).
#[test]
fn a_retry_after_beyond_any_clock_is_answered_not_a_panic() {
    let sb = Sandbox::new();
    let server = Hostile::start(|n, _, s| {
        let after = if n == 0 { "1" } else { "18446744073709551615" };
        respond(
            s,
            "429 Too Many Requests",
            &[("Retry-After", after)],
            br#"{"message":"slow down"}"#,
        );
    });
    let o = sb
        .cmd()
        .env("CYTOKEN_API_URL", server.url(""))
        .args(["api", "devices/v2"])
        .output()
        .unwrap();
    assert_status(&o, 5);
    assert!(stderr(&o).contains("rate limited"), "{}", stderr(&o));
    assert_eq!(server.requests(), 2);
}

// ---- bodies that stall ---------------------------------------------------

/// A profile for the emulator's token endpoint, the API at `api`, and
/// `timeout` seconds.
fn profile_with_api(sb: &Sandbox, api: &str, timeout: u64) {
    sb.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_env = \"THE_SECRET\"\nauth_url = \"{}\"\napi_url = \"{api}\"\n\
             timeout = {timeout}\n",
            sb.emu.url()
        ),
        0o600,
    );
}

fn profile_cmd(sb: &Sandbox) -> Command {
    let mut c = sb.bare();
    c.env("THE_SECRET", SECRET);
    c
}

/// Headers and one byte of a 100-byte body, then nothing (the socket held).
fn stall(s: &mut TcpStream) {
    let _ = s.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    let _ = s.flush();
    std::thread::sleep(Duration::from_secs(90));
}

#[test]
fn an_api_answer_that_stalls_mid_body_fails_naming_the_request() {
    let sb = Sandbox::new();
    let server = Hostile::start(|_, _, s| stall(s));
    profile_with_api(&sb, &server.url(""), 2);
    let mut cmd = profile_cmd(&sb);
    cmd.args(["api", "devices/v2"]);
    let start = Instant::now();
    let o = run_within(cmd, Duration::from_secs(30)).expect("cytoken api hung on a stalled body");
    assert_status(&o, 4);
    let err = stderr(&o);
    assert!(
        err.contains("GET /devices/v2") && err.contains("stalled") && err.contains("2 s"),
        "{err}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_page_that_stalls_mid_body_fails_naming_the_page() {
    let sb = Sandbox::new();
    let server = Hostile::start(|_, req, s| {
        if req.path().contains("page=1&") {
            let body = br#"{"page_number":1,"page_size":1,"total_pages":2,"total_number_of_items":2,"page_items":[1]}"#;
            respond(s, "200 OK", &[], body);
        } else {
            stall(s);
        }
    });
    profile_with_api(&sb, &server.url(""), 1);
    let mut cmd = profile_cmd(&sb);
    cmd.args(["api", "--paginate", "--page-size", "1", "devices/v2"]);
    let o = run_within(cmd, Duration::from_secs(40)).expect("--paginate hung on a stalled page");
    assert_status(&o, 4);
    let err = stderr(&o);
    assert!(
        err.contains("page 2 of 2") && err.contains("stalled"),
        "{err}"
    );
}

/// The idle timeout is per read: an answer that keeps coming, for longer
/// than the timeout in all, is read whole.
#[test]
fn a_slow_steady_answer_is_read_whole() {
    let sb = Sandbox::new();
    let server = Hostile::start(|_, _, s| {
        let body = br#"{"id":"a steady stream of five parts"}"#;
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        for part in body.chunks(body.len().div_ceil(5)) {
            let _ = s.write_all(part);
            let _ = s.flush();
            std::thread::sleep(Duration::from_millis(700));
        }
    });
    profile_with_api(&sb, &server.url(""), 1);
    let mut cmd = profile_cmd(&sb);
    cmd.args(["api", "devices/v2/one"]);
    let o = run_within(cmd, Duration::from_secs(30)).unwrap();
    assert_status(&o, 0);
    assert_eq!(stdout(&o), r#"{"id":"a steady stream of five parts"}"#);
}

/// The token exchange's body is bounded by the profile's `timeout` too.
#[test]
fn a_token_answer_that_stalls_mid_body_is_bounded_by_the_timeout() {
    let sb = Sandbox::new();
    let server = Hostile::start(|_, _, s| stall(s));
    sb.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_env = \"THE_SECRET\"\nauth_url = \"{}\"\ntimeout = 2\n",
            server.url("auth/v2/token")
        ),
        0o600,
    );
    let mut cmd = profile_cmd(&sb);
    cmd.arg("token");
    let o = run_within(cmd, Duration::from_secs(30)).expect("the exchange hung on a stalled body");
    assert_status(&o, 4);
    assert!(stderr(&o).contains("timed out"), "{}", stderr(&o));
}

// ---- pages ---------------------------------------------------------------

/// A list page of `items` (already joined JSON) with its counts.
fn page_body(page: u64, size: u64, total_pages: u64, total_items: u64, items: &[u8]) -> Vec<u8> {
    let mut b = format!(
        r#"{{"page_number":{page},"page_size":{size},"total_pages":{total_pages},"total_number_of_items":{total_items},"page_items":["#
    )
    .into_bytes();
    b.extend_from_slice(items);
    b.extend_from_slice(b"]}");
    b
}

/// A list page far larger than any page size asked for, as a server that
/// announces neither its page size nor its item count sends it.
fn uncounted_page(page: u64, total_pages: u64, items: &[u8]) -> Vec<u8> {
    let mut b = format!(r#"{{"page_number":{page},"total_pages":{total_pages},"page_items":["#)
        .into_bytes();
    b.extend_from_slice(items);
    b.extend_from_slice(b"]}");
    b
}

fn page_of(req: &Request) -> u64 {
    req.path()
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Twelve pages of 30 MiB each, page 2 held back 10 s so the others arrive
/// first, 16 jobs: whatever the server sends, the peak RSS of cytoken stays
/// under 256 MiB (it held every page that arrived: 300+ MiB).
// GNU time measures the peak RSS.
#[cfg(target_os = "linux")]
#[test]
fn huge_pages_keep_memory_bounded() {
    let sb = Sandbox::new();
    const PAGES: u64 = 12;
    let item = format!(r#"{{"id":"{}"}}"#, "d".repeat(100));
    let per_page: u64 = (30 << 20) / (item.len() as u64 + 1);
    let mut items = Vec::with_capacity(31 << 20);
    for i in 0..per_page {
        if i > 0 {
            items.push(b',');
        }
        items.extend_from_slice(item.as_bytes());
    }
    let items = Arc::new(items);
    let server = Hostile::start(move |_, req, s| {
        let page = page_of(req);
        if page == 2 {
            std::thread::sleep(Duration::from_secs(10));
        }
        // Head, the shared items, tail: no 30 MiB copy per connection.
        let whole = uncounted_page(page, PAGES, b"");
        let (head, tail) = whole.split_at(whole.len() - 2);
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            whole.len() + items.len()
        );
        let _ = s.write_all(head);
        let _ = s.write_all(&items);
        let _ = s.write_all(tail);
    });
    let (kib, err) = paginate_rss(&sb, &server, "16");
    assert!(err.is_empty(), "{err}");
    eprintln!("peak RSS for {PAGES} pages of 30 MiB, 16 jobs: {kib} KiB");
    assert!(kib < 256 * 1024, "peak RSS {kib} KiB");
}

/// Peak RSS in KiB of `cytoken api --paginate --ndjson devices/v2` against
/// `server` (output discarded), and its stderr.
#[cfg(target_os = "linux")]
fn paginate_rss(sb: &Sandbox, server: &Hostile, jobs: &str) -> (u64, String) {
    let (kib, o) = rss(sb, server, &["--paginate", "--jobs", jobs, "--ndjson"]);
    assert_status(&o, 0);
    (kib, stderr(&o))
}

/// Peak RSS in KiB of `cytoken api ARGS devices/v2` against `server`
/// (stdout discarded), and how it ended.
#[cfg(target_os = "linux")]
fn rss(sb: &Sandbox, server: &Hostile, args: &[&str]) -> (u64, Output) {
    let report = sb.home.path().join("rss.txt");
    let o = Command::new("/usr/bin/time")
        .env_clear()
        .envs(sb.cmd().get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("CYTOKEN_API_URL", server.url(""))
        .args(["-f", "%M", "-o"])
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_cytoken"))
        .arg("api")
        .args(args)
        .arg("devices/v2")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("GNU time (/usr/bin/time) is needed for the memory test");
    let kib = std::fs::read_to_string(&report)
        .unwrap()
        .trim()
        .lines()
        .last()
        .unwrap()
        .parse()
        .unwrap();
    (kib, o)
}

/// One 31 MiB page of 16 million tiny items (`0,0,0,…`): no per-item index
/// (16 bytes for every 2 of body: 260 MiB) is held.
#[cfg(target_os = "linux")]
#[test]
fn a_page_of_millions_of_tiny_items_keeps_memory_bounded() {
    let sb = Sandbox::new();
    let n: u64 = (31 << 20) / 2;
    let mut items = b"0,".repeat(usize::try_from(n).unwrap());
    items.pop();
    let server = Hostile::start(move |_, req, s| {
        let body = uncounted_page(page_of(req), 1, &items);
        respond(s, "200 OK", &[], &body);
    });
    let (kib, err) = paginate_rss(&sb, &server, "4");
    assert!(err.is_empty(), "{err}");
    eprintln!("peak RSS for one page of {n} items: {kib} KiB");
    assert!(kib < 256 * 1024, "peak RSS {kib} KiB");
}

/// A `total_pages` that cannot match the item count and the page size is
/// refused on page 1 (10,000,000 pages of 3 items were accepted and read).
#[test]
fn an_impossible_total_pages_is_refused_on_page_one() {
    let sb = Sandbox::new();
    let server = Hostile::start(|_, req, s| {
        let body = page_body(page_of(req), 100, 10_000_000, 3, b"1,2,3");
        respond(s, "200 OK", &[], &body);
    });
    let mut cmd = sb.cmd();
    cmd.env("CYTOKEN_API_URL", server.url("")).args([
        "api",
        "--paginate",
        "--page-size",
        "100",
        "devices/v2",
    ]);
    let o = run_within(cmd, Duration::from_secs(20)).expect("10,000,000 pages were read");
    assert_status(&o, 1);
    assert!(
        stderr(&o).contains("10000000 pages for 3 items of 100 per page"),
        "{}",
        stderr(&o)
    );
    assert_eq!(server.requests(), 1);
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

/// A server that announces `page_size: 1` makes any count of pages look
/// consistent (2,000,000 items, 2,000,000 pages): the count is checked
/// against the page size asked for, and a page size larger than asked is
/// refused too — both on page 1.
#[test]
fn a_page_size_of_the_servers_choosing_vouches_for_nothing() {
    let sb = Sandbox::new();
    for (size, total, items, says) in [
        (
            1,
            2_000_000,
            2_000_000,
            "2000000 pages for 2000000 items of 200 per page",
        ),
        (1000, 1, 3, "page_size 1000 when 200 per page was asked for"),
    ] {
        let server = Hostile::start(move |_, req, s| {
            let body = page_body(page_of(req), size, total, items, b"1");
            respond(s, "200 OK", &[], &body);
        });
        let mut cmd = sb.cmd();
        cmd.env("CYTOKEN_API_URL", server.url(""))
            .args(["api", "--paginate", "devices/v2"]);
        let o = run_within(cmd, Duration::from_secs(20)).expect("the announced pages were read");
        assert_status(&o, 1);
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
        assert_eq!(server.requests(), 1);
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    }
}

// ---- tokens the cache cannot hold ----------------------------------------

fn token_server(len: usize) -> Hostile {
    Hostile::start(move |_, _, s| {
        let body = format!(
            r#"{{"access_token":"{}","expires_in":600}}"#,
            "T".repeat(len)
        );
        respond(s, "200 OK", &[], body.as_bytes());
    })
}

#[test]
fn a_token_too_large_to_cache_is_a_malformed_answer() {
    let sb = Sandbox::new();
    let server = token_server(70_000);
    let run = || {
        sb.cmd()
            .env("CYTOKEN_AUTH_URL", server.url("auth/v2/token"))
            .arg("token")
            .output()
            .unwrap()
    };
    let o = run();
    assert_status(&o, 4);
    assert!(
        stderr(&o).contains("70000 bytes") && stderr(&o).contains("16 KiB"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
    // The console's grant is held to the same bound.
    let console = token_server(70_000);
    sb.write_config(
        &format!(
            "[profiles.mssp]\nflow = \"mtc\"\napp_id = \"{APP}\"\napp_secret_env = \"THE_SECRET\"\n\
             auth_url = \"{}\"\n",
            console.url("public/v2/us/auth")
        ),
        0o600,
    );
    let o = profile_cmd(&sb)
        .args(["-p", "mssp", "token"])
        .output()
        .unwrap();
    assert_status(&o, 4);
    assert!(stderr(&o).contains("70000 bytes"), "{}", stderr(&o));
}

#[test]
fn the_largest_token_accepted_is_cached() {
    let sb = Sandbox::new();
    let server = token_server(16 << 10);
    for _ in 0..3 {
        let o = sb
            .cmd()
            .env("CYTOKEN_AUTH_URL", server.url("auth/v2/token"))
            .arg("token")
            .output()
            .unwrap();
        assert_status(&o, 0);
        assert_eq!(stdout(&o).trim_end().len(), 16 << 10);
    }
    assert_eq!(server.requests(), 1, "every call exchanged");
}

// ---- the selection -------------------------------------------------------

/// A bad value is blamed on where it came from.
#[test]
fn a_bad_tenant_id_names_the_flag_or_variable_that_gave_it() {
    let sb = Sandbox::new();
    let config = sb.write_config(
        &format!(
            "[profiles.default]\nflow = \"mtc\"\napp_id = \"{APP}\"\napp_secret_env = \"THE_SECRET\"\n\
             tenant_id = \"fine-tenant\"\nauth_url = \"{}\"\n",
            sb.emu.console_url()
        ),
        0o600,
    );
    let o = profile_cmd(&sb)
        .args(["--tenant-id", "a/b", "token"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("--tenant-id must be"), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains(&config.display().to_string()),
        "{}",
        stderr(&o)
    );
    let o = profile_cmd(&sb)
        .env("CYTOKEN_TENANT_ID", "a/b")
        .arg("token")
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("CYTOKEN_TENANT_ID must be"),
        "{}",
        stderr(&o)
    );
    let o = profile_cmd(&sb)
        .args(["--region", "mars", "token"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    // (auth_url in the file wins over --region only within the file's layer.)
    assert!(stderr(&o).contains("--region"), "{}", stderr(&o));
}

/// A console of one's own (here the emulator's) with a tenant and no
/// api_url: the tenant's token must not go to the production Protect host.
#[test]
fn a_custom_console_with_a_tenant_needs_api_url_for_api_calls() {
    let sb = Sandbox::new();
    let app = "5e5e5e5e-0000-4000-8000-0000000000aa";
    let tenant = "7e000000-0000-4000-8000-000000000000";
    sb.emu.register_console_app(app, SECRET, &[tenant]);
    sb.write_config(
        &format!(
            "[profiles.mssp]\nflow = \"mtc\"\napp_id = \"{app}\"\napp_secret_env = \"THE_SECRET\"\n\
             auth_url = \"{}\"\ntenant_id = \"{tenant}\"\n",
            sb.emu.console_url()
        ),
        0o600,
    );
    let o = profile_cmd(&sb)
        .args(["-p", "mssp", "api", "devices/v2"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("api_url") && stderr(&o).contains("production"),
        "{}",
        stderr(&o)
    );
    // Nothing was minted for a call that could not go anywhere safe.
    assert_eq!(sb.emu.console_grants(), 0);
    // The token itself is still served (it goes nowhere by itself).
    let o = profile_cmd(&sb)
        .args(["-p", "mssp", "token"])
        .output()
        .unwrap();
    assert_status(&o, 0);
}

// ---- the log -------------------------------------------------------------

/// The log's second redaction keeps paths (a cache dir of 40+ characters
/// was logged as `(redacted)`).
#[test]
fn the_log_keeps_long_paths() {
    let sb = Sandbox::new();
    let dir = sb
        .home
        .path()
        .join("a-rather-long-directory-name-for-the-cache")
        .join("cytoken");
    std::fs::create_dir_all(&dir).unwrap();
    // Writable by others: the cache is not used, with a warning naming it.
    chmod(&dir, 0o777);
    let log = sb.home.path().join("cytoken.log");
    let o = sb
        .cmd()
        .env("CYTOKEN_CACHE_DIR", &dir)
        .env("CYTOKEN_LOG_FILE", &log)
        .args(["-v", "token"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains(&dir.display().to_string()),
        "the log lost the path:\n{text}"
    );
    let token = stdout(&o).trim_end().to_string();
    assert!(!text.contains(&token), "{text}");
}

// ---- JSON shaped to cost memory ------------------------------------------

/// `[0,0,…,0]` of `mib` MiB: 2 bytes of body per value, and a parsed
/// `serde_json::Value` costs about 32 bytes per value.
#[cfg(target_os = "linux")]
fn zeros(mib: usize) -> Arc<Vec<u8>> {
    let mut b = b"[".to_vec();
    b.extend_from_slice(&b"0,".repeat((mib << 20) / 2));
    b.pop();
    b.push(b']');
    Arc::new(b)
}

/// A count field (`page_size`) holding 31 MiB of `[0,0,…]`: read as "no
/// count", skipped unread (parsed into a tree: 557 MB peak RSS).
#[cfg(target_os = "linux")]
#[test]
fn a_page_count_of_millions_of_values_keeps_memory_bounded() {
    let sb = Sandbox::new();
    let arr = zeros(31);
    let server = Hostile::start(move |_, _, s| {
        let mut body = br#"{"page_items":[{"id":1}],"total_pages":1,"page_size":"#.to_vec();
        body.extend_from_slice(&arr);
        body.push(b'}');
        respond(s, "200 OK", &[], &body);
    });
    let (kib, err) = paginate_rss(&sb, &server, "4");
    eprintln!("peak RSS for a 31 MiB page_size: {kib} KiB");
    assert!(kib < 128 * 1024, "peak RSS {kib} KiB; {err}");
}

/// An error status whose body is 31 MiB of `[0,0,…]`: the message is
/// looked for without building the body's tree (557 MB peak RSS), with and
/// without --paginate.
#[cfg(target_os = "linux")]
#[test]
fn an_error_body_of_millions_of_values_keeps_memory_bounded() {
    let sb = Sandbox::new();
    let arr = zeros(31);
    let server = Hostile::start(move |_, _, s| respond(s, "404 Not Found", &[], &arr));
    for args in [&["--paginate", "--ndjson"][..], &[]] {
        let (kib, o) = rss(&sb, &server, args);
        assert_status(&o, 5);
        assert!(stderr(&o).contains("404"), "{}", stderr(&o));
        eprintln!("peak RSS for a 31 MiB error body ({args:?}): {kib} KiB");
        assert!(kib < 128 * 1024, "peak RSS {kib} KiB with {args:?}");
    }
}

/// 32 pages whose `page_size` is 16 MiB of `[0,0,…]`, 16 jobs: the pages
/// themselves are bounded by the budget, and their counts cost nothing more
/// (parsed into trees: 869 MB peak RSS; the same bytes as items: 49 MB).
#[cfg(target_os = "linux")]
#[test]
fn many_pages_with_huge_counts_keep_memory_bounded() {
    let sb = Sandbox::new();
    const PAGES: u64 = 32;
    let arr = zeros(16);
    let server = Hostile::start(move |_, req, s| {
        let page = page_of(req);
        let head = format!(
            r#"{{"page_number":{page},"total_pages":{PAGES},"total_number_of_items":{PAGES},"page_items":[{{"id":{page}}}],"page_size":"#
        );
        let tail: &[u8] = if page == 1 { b"1}" } else { b"}" };
        let middle: &[u8] = if page == 1 { b"" } else { &arr };
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            head.len() + middle.len() + tail.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(middle);
        let _ = s.write_all(tail);
    });
    let (kib, o) = rss(
        &sb,
        &server,
        &["--paginate", "--jobs", "16", "--page-size", "1", "--ndjson"],
    );
    assert_status(&o, 0);
    eprintln!("peak RSS for {PAGES} pages with a 16 MiB page_size: {kib} KiB");
    assert!(kib < 192 * 1024, "peak RSS {kib} KiB");
}

// ---- the secret as JSON escapes it ---------------------------------------

/// A secret JSON must escape: `"` and `\`.
const QUOTED_SECRET: &str = r#"Zq9"vX\2mK7pL4wR8tY1uB6"#;

/// Every form of `secret` and each as a JSON string holds it (`\"`, `\\`).
fn forms_and_escapes(id: &str, secret: &str) -> Vec<String> {
    let mut all = forms(id, secret);
    for f in all.clone() {
        let quoted = serde_json::to_string(&f).unwrap();
        all.push(quoted[1..quoted.len() - 1].to_string());
    }
    all
}

/// Token endpoints (a Cylance one and a console) refusing with the secret
/// in a key that is not a message (`detail`), nested (`error.message`), or
/// in a body that is not JSON but holds it JSON-escaped: the error shows the
/// body, and the secret is cut out of it (it was shown as `Zq9\"vX\\2…`).
#[test]
fn a_secret_json_must_escape_is_redacted_from_any_body() {
    let sb = Sandbox::new();
    let escaped = serde_json::to_string(QUOTED_SECRET).unwrap();
    let bodies = [
        serde_json::json!({"detail": format!("app secret {QUOTED_SECRET} is not valid")}).to_string(),
        serde_json::json!({"error": {"code": 401, "message": format!("secret {QUOTED_SECRET} refused")}})
            .to_string(),
        format!("<html>secret {escaped} refused</html>"),
    ];
    let all = forms_and_escapes(APP, QUOTED_SECRET);
    for body in bodies {
        let answer = body.clone();
        let server = Hostile::start(move |_, _, s| {
            respond(s, "401 Unauthorized", &[], answer.as_bytes());
        });
        for (flow, path) in [("cylance", "auth/v2/token"), ("mtc", "public/v2/us/auth")] {
            let tenant = if flow == "mtc" {
                String::new()
            } else {
                format!("tenant_id = \"{TENANT}\"\n")
            };
            sb.write_config(
                &format!(
                    "[profiles.default]\nflow = \"{flow}\"\n{tenant}app_id = \"{APP}\"\n\
                     app_secret_env = \"THE_SECRET\"\nauth_url = \"{}\"\n",
                    server.url(path)
                ),
                0o600,
            );
            let o = sb
                .bare()
                .env("THE_SECRET", QUOTED_SECRET)
                .args(["token", "--no-cache"])
                .output()
                .unwrap();
            assert_status(&o, 3);
            let err = stderr(&o);
            assert_no_form(&format!("{flow} stderr for {body}"), &err, &all);
            assert!(err.contains("(redacted)"), "{flow} {body}: {err}");
        }
    }
}

// ---- values under the wrong key --------------------------------------------

/// A secret pasted under the wrong key (region, auth_url, api_url, scopes,
/// ca_file, lifetime): the error names the key and where it was set, and
/// never quotes the value.
#[test]
fn a_value_under_the_wrong_key_is_not_quoted() {
    let sb = Sandbox::new();
    const PASTED: &str = "Wr0ngK3y-Zq9vX2mK7pL4wR8tY1uB6";
    // The variables set, the arguments, and the source the error names.
    type Case<'a> = (&'a [(&'a str, String)], &'a [&'a str], &'a str);
    let cases: [Case<'_>; 7] = [
        (&[], &["--region", PASTED], "--region"),
        (
            &[("CYTOKEN_AUTH_URL", PASTED.to_string())],
            &[],
            "CYTOKEN_AUTH_URL",
        ),
        (
            &[("CYTOKEN_AUTH_URL", format!("http://example.com/{PASTED}"))],
            &[],
            "`http://example.com/…`",
        ),
        (
            &[("CYTOKEN_API_URL", format!("https://example.com/?{PASTED}"))],
            &[],
            "CYTOKEN_API_URL",
        ),
        (
            &[("CYTOKEN_SCOPES", PASTED.to_string())],
            &[],
            "CYTOKEN_SCOPES",
        ),
        (
            &[("CYTOKEN_LIFETIME", PASTED.to_string())],
            &[],
            "CYTOKEN_LIFETIME",
        ),
        (&[("CYTOKEN_PROFILE", "wrong".to_string())], &[], "ca_file"),
    ];
    sb.write_config(
        &format!("[profiles.wrong]\nca_file = \"{PASTED}\"\n"),
        0o600,
    );
    for (env, args, names) in cases {
        let mut cmd = sb.cmd();
        cmd.env("CYTOKEN_CONFIG", sb.config_path())
            .envs(env.iter().map(|(k, v)| (k, v)))
            .args(args)
            .arg("token");
        let o = cmd.output().unwrap();
        assert_status(&o, 2);
        let err = stderr(&o);
        assert!(err.contains(names), "{env:?} {args:?}: {err}");
        assert!(
            !err.contains(PASTED),
            "{env:?} {args:?} quoted the value: {err}"
        );
    }
}

/// A token endpoint echoing the secret in capitals, or cut short with an
/// ellipsis: both are redacted (they were shown).
#[test]
fn a_secret_echoed_in_capitals_or_cut_short_is_redacted() {
    let sb = Sandbox::new();
    let upper = SECRET.to_uppercase();
    let start = &SECRET[..SECRET.len() - 4];
    for (message, hidden) in [
        (format!("SECRET {upper} REFUSED"), upper.as_str()),
        (format!("secret {start}... refused"), start),
    ] {
        let body = serde_json::json!({ "message": message }).to_string();
        let server = Hostile::start(move |_, _, s| {
            respond(s, "401 Unauthorized", &[], body.as_bytes());
        });
        let o = sb
            .cmd()
            .env("CYTOKEN_AUTH_URL", server.url("auth/v2/token"))
            .args(["token", "--no-cache"])
            .output()
            .unwrap();
        assert_status(&o, 3);
        let err = stderr(&o);
        assert!(!err.contains(hidden), "{err}");
        assert!(err.contains("(redacted)"), "{err}");
    }
}
