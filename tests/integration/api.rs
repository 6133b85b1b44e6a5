//! `cytoken api` through the binary against the emulator's Cylance API
//! stand-in: one request, fields and bodies, pagination order and completeness
//! with pages answering out of order, 429, 5xx, the 401 replacement (one
//! exchange across 16 processes), origin refusal, exit 5, flat memory (peak
//! RSS from GNU time) and the progress line under a pty (util-linux `script`).

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::hostile::*;
use crate::support::*;

fn api(sb: &Sandbox, args: &[&str]) -> Output {
    let mut all = vec!["api"];
    all.extend_from_slice(args);
    sb.run(&all)
}

fn device_id(i: usize) -> String {
    cytoken_emulator::api::device_id(i)
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}

fn all_ids(n: usize) -> Vec<String> {
    (0..n).map(device_id).collect()
}

fn retry_after(status: u16, secs: &str) -> Fault {
    Fault::Status {
        status,
        body: r#"{"message":"Too many requests"}"#.into(),
        headers: vec![("Retry-After".into(), secs.into())],
    }
}

#[test]
fn a_get_streams_the_body_with_the_bearer_token_and_accept() {
    let sb = Sandbox::new();
    sb.emu.set_devices(3);
    let id = device_id(1);
    // No CYTOKEN_API_URL: the API base is the origin of auth_url.
    let o = api(&sb, &[&format!("devices/v2/{id}")]);
    assert_status(&o, 0);
    let device: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(device["id"], id.as_str());
    let seen = sb.emu.last_api_request().unwrap();
    let bearer = seen.header("authorization").unwrap();
    assert!(
        sb.emu
            .verify_access_token(bearer.strip_prefix("Bearer ").unwrap())
    );
    assert_eq!(seen.header("accept"), Some("application/json"));
    assert_eq!(sb.emu.issued(), 1);

    // The cached token serves the next call; -i shows the status and headers.
    let o = api(&sb, &["-i", "/devices/v2", "-F", "page_size=2"]);
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.starts_with("HTTP/1.1 200 OK\n"), "{out}");
    let (head, body) = out.split_once("\n\n").unwrap();
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    assert_eq!(serde_json::from_str::<Value>(body).unwrap()["page_size"], 2);
    assert_eq!(sb.emu.last_api_request().unwrap().query, "page_size=2");
    assert_eq!(sb.emu.issued(), 1);
    assert_no_secret(&o);
}

#[test]
fn fields_make_a_json_body_for_put_and_input_sends_a_file_or_stdin() {
    let sb = Sandbox::new();
    sb.emu.set_devices(2);
    let path = format!("devices/v2/{}", device_id(0));
    let o = api(
        &sb,
        &[
            "-X",
            "PUT",
            &path,
            "-f",
            "name=web01",
            "-F",
            "policy_id=null",
        ],
    );
    assert_status(&o, 0);
    assert!(o.stdout.is_empty());
    let seen = sb.emu.last_api_request().unwrap();
    assert_eq!(seen.method, "PUT");
    assert_eq!(seen.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"name": "web01", "policy_id": null})
    );
    let o = api(&sb, &[&path]);
    assert_eq!(
        serde_json::from_slice::<Value>(&o.stdout).unwrap()["name"],
        "web01"
    );

    sb.test()
        .args(["api", "-X", "PUT", &path, "--input", "-"])
        .stdin(br#"{"name": "web02"}"#)
        .success();
    let file = sb.home.path().join("body.json");
    std::fs::write(&file, r#"{"name": "web03"}"#).unwrap();
    let o = api(
        &sb,
        &["-X", "PUT", &path, "--input", file.to_str().unwrap()],
    );
    assert_status(&o, 0);
    let o = api(&sb, &[&path]);
    assert_eq!(
        serde_json::from_slice::<Value>(&o.stdout).unwrap()["name"],
        "web03"
    );
    assert_eq!(sb.emu.api_requests("PUT /devices/v2/{id}"), 3);
}

#[test]
fn pages_answering_out_of_order_are_written_in_order_once_each() {
    let sb = Sandbox::new();
    sb.emu.set_devices(1000);
    // Early pages slowest: later pages arrive first and must wait their turn.
    for (page, ms) in [(2, 600), (3, 400), (4, 300), (6, 200), (9, 100)] {
        sb.emu.delay_page(page, Duration::from_millis(ms));
    }
    let o = api(
        &sb,
        &[
            "--paginate",
            "--page-size",
            "50",
            "--jobs",
            "8",
            "devices/v2",
        ],
    );
    assert_status(&o, 0);
    let items: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(ids(&items), all_ids(1000));
    for page in 1..=20 {
        assert_eq!(sb.emu.page_requests(page), 1, "page {page}");
    }
    assert_eq!(sb.emu.api_requests("GET /devices/v2"), 20);
    // Nothing on a pipe's stderr: no progress line.
    assert_eq!(stderr(&o), "");

    let o = api(
        &sb,
        &["--paginate", "--page-size", "30", "--ndjson", "devices/v2"],
    );
    assert_status(&o, 0);
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(ids(&lines), all_ids(1000));

    // An empty list is an empty array.
    sb.emu.set_devices(0);
    let o = api(&sb, &["--paginate", "devices/v2"]);
    assert_status(&o, 0);
    assert_eq!(stdout(&o), "[]\n");
    assert_eq!(sb.emu.issued(), 1, "one token for every page and call");
}

#[test]
fn pagination_rides_out_429_and_5xx() {
    let sb = Sandbox::new();
    sb.emu.set_devices(200);
    sb.emu.push_api_fault(Fault::status(502, "{}"));
    sb.emu
        .fail_page(3, Fault::status(503, r#"{"message":"busy"}"#), 2);
    sb.emu.fail_page(5, retry_after(429, "1"), 1);
    let t = Instant::now();
    let o = api(&sb, &["--paginate", "--page-size", "20", "devices/v2"]);
    assert_status(&o, 0);
    assert!(
        t.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    let items: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(ids(&items), all_ids(200));
    assert_eq!(sb.emu.page_requests(1), 2);
    assert_eq!(sb.emu.page_requests(3), 3);
    assert_eq!(sb.emu.page_requests(5), 2);
    assert_eq!(
        (
            sb.emu.api_answers(502),
            sb.emu.api_answers(503),
            sb.emu.api_answers(429)
        ),
        (1, 2, 1)
    );
}

#[test]
fn a_page_that_keeps_failing_is_named_and_nothing_is_passed_off_as_complete() {
    let sb = Sandbox::new();
    sb.emu.set_devices(200);
    sb.emu
        .fail_page(4, Fault::status(500, r#"{"message":"boom"}"#), 100);
    let o = api(&sb, &["--paginate", "--page-size", "20", "devices/v2"]);
    assert_status(&o, 5);
    let err = stderr(&o);
    assert!(err.contains("page 4 of 10"), "{err}");
    assert!(
        err.contains("500") && err.contains("boom") && err.contains("3 attempts"),
        "{err}"
    );
    assert_eq!(sb.emu.page_requests(4), 3, "at most 3 attempts");
    // Pages 1..=3 were written, the array is left open: jq would fail, not
    // read a partial list as the whole.
    let out = stdout(&o);
    assert!(!out.trim_end().ends_with(']'), "{out}");
    assert!(serde_json::from_str::<Value>(&out).is_err());
    assert!(out.contains(&device_id(59)) && !out.contains(&device_id(60)));

    // Page 1 failing: its body is the output, as for one request.
    let sb = Sandbox::new();
    sb.emu.set_devices(10);
    sb.emu
        .fail_page(1, Fault::status(500, r#"{"message":"down"}"#), 100);
    let o = api(&sb, &["--paginate", "devices/v2"]);
    assert_status(&o, 5);
    assert!(stderr(&o).contains("page 1:"), "{}", stderr(&o));
    assert_eq!(stdout(&o), r#"{"message":"down"}"#);
}

#[test]
fn an_error_status_exits_5_with_the_message_and_the_body() {
    let sb = Sandbox::new();
    sb.emu.set_devices(1);
    let o = api(&sb, &[&format!("devices/v2/{}", device_id(7))]);
    assert_status(&o, 5);
    assert_eq!(
        serde_json::from_slice::<Value>(&o.stdout).unwrap()["message"],
        "Device not found"
    );
    let err = stderr(&o);
    assert!(
        err.contains("404 Not Found") && err.contains("Device not found"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    // 5xx: retried for PUT (idempotent), never for POST.
    sb.emu.push_api_fault(Fault::status(503, "{}"));
    sb.emu.push_api_fault(Fault::status(503, "{}"));
    sb.emu.push_api_fault(Fault::status(503, "{}"));
    let path = format!("devices/v2/{}", device_id(0));
    let o = api(&sb, &["-X", "PUT", &path, "-f", "name=x"]);
    assert_status(&o, 5);
    assert!(stderr(&o).contains("503") && stderr(&o).contains("after 3 attempts"));
    assert_eq!(sb.emu.api_requests("PUT /devices/v2/{id}"), 3);
    sb.emu.push_api_fault(Fault::status(503, "{}"));
    let o = api(&sb, &["-X", "POST", "devices/v2", "-f", "name=x"]);
    assert_status(&o, 5);
    assert_eq!(sb.emu.api_requests("POST /devices/v2"), 1);
    // Not a fault: the stand-in's own 405.
    let o = api(&sb, &["-X", "POST", "devices/v2", "-f", "name=x"]);
    assert_status(&o, 5);
    assert!(stderr(&o).contains("405"), "{}", stderr(&o));

    // A Retry-After beyond the budget is answered at once, not slept through.
    sb.emu.push_api_fault(retry_after(429, "3600"));
    let t = Instant::now();
    let o = api(&sb, &["devices/v2"]);
    assert_status(&o, 5);
    assert!(t.elapsed() < Duration::from_secs(5));
    assert!(
        stderr(&o).contains("429") && stderr(&o).contains("beyond"),
        "{}",
        stderr(&o)
    );

    // Nothing listening at the API: retried, then exit 4.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let o = sb
        .cmd()
        .env("CYTOKEN_API_URL", &url)
        .args(["api", "devices/v2"])
        .output()
        .unwrap();
    assert_status(&o, 4);
    assert!(stderr(&o).contains("after 3 attempts"), "{}", stderr(&o));
    assert_no_secret(&o);
}

#[test]
fn the_token_never_goes_to_another_origin() {
    let sb = Sandbox::new();
    let other = Emulator::start().unwrap();
    let port = sb.emu.addr().port();
    for path in [
        "https://evil.example/devices/v2".to_string(),
        format!("{}devices/v2", other.api_url()),
        format!("http://localhost:{port}/devices/v2"),
        format!("https://127.0.0.1:{port}/devices/v2"),
        format!("http://x@127.0.0.1:{port}/devices/v2"),
    ] {
        let o = api(&sb, &[&path]);
        assert_status(&o, 2);
        assert!(stderr(&o).contains("API base"), "{path}: {}", stderr(&o));
    }
    // Refused before any token was minted or request sent.
    assert_eq!((sb.emu.requests(), other.requests()), (0, 0));
    assert_eq!(other.last_api_request(), None);

    // The same origin spelled out is fine.
    sb.emu.set_devices(1);
    let o = api(&sb, &[&format!("{}devices/v2", sb.emu.api_url())]);
    assert_status(&o, 0);

    // api_url is held to the auth_url policy.
    for bad in [
        "http://10.0.0.1/",
        "https://u:p@example.com/",
        "ftp://example.com/",
        "https://x/?a=1",
    ] {
        sb.test()
            .env("CYTOKEN_API_URL", bad)
            .args(["api", "devices/v2"])
            .stderr_has("CYTOKEN_API_URL")
            .stderr_lacks("u:p@")
            .status(2);
    }
}

#[test]
fn a_401_replaces_the_token_once_across_16_processes() {
    let sb = Sandbox::new();
    sb.emu.set_devices(5);
    assert_status(&sb.run(&[]), 0);
    assert_eq!((sb.emu.requests(), sb.emu.issued()), (1, 1));
    // Every process reads the cached token, which the API now refuses; the
    // delay lets all 16 hold it before the first 401 comes back.
    assert_eq!(sb.emu.revoke_issued(), 1);
    sb.emu.set_api_delay(Duration::from_millis(1500));
    let children: Vec<_> = (0..16)
        .map(|_| {
            sb.cmd()
                .args(["api", "devices/v2"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let o = child.wait_with_output().unwrap();
        assert_status(&o, 0);
        let page: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(page["total_number_of_items"], 5);
    }
    assert_eq!(sb.emu.api_answers(401), 16);
    assert_eq!(
        (sb.emu.requests(), sb.emu.issued()),
        (2, 2),
        "one exchange between the 16"
    );

    // Refused again after the replacement: exit 5, one replacement only.
    sb.emu.set_api_delay(Duration::ZERO);
    let unauthorized = || Fault::status(401, r#"{"message":"Unauthorized"}"#);
    sb.emu.push_api_fault(unauthorized());
    sb.emu.push_api_fault(unauthorized());
    let o = api(&sb, &["devices/v2"]);
    assert_status(&o, 5);
    assert!(
        stderr(&o).contains("401") && stderr(&o).contains("even after"),
        "{}",
        stderr(&o)
    );
    assert_eq!(sb.emu.issued(), 3);
    assert_no_secret(&o);
}

/// `program` with the sandbox's hermetic environment and selection.
fn with_env(mut program: Command, sb: &Sandbox) -> Command {
    let cmd = sb.cmd();
    program
        .env_clear()
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))));
    program
}

/// Peak RSS in KiB of `cytoken api --paginate devices/v2` over `n` devices,
/// its output in `out`. GNU time forks the binary from its own small
/// process, so the figure is cytoken's alone (a child spawned straight from
/// the test would inherit the test's high-water mark at exec).
fn peak_rss(sb: &Sandbox, n: usize, out: &std::path::Path) -> u64 {
    sb.emu.set_devices(n);
    let report = sb.home.path().join("rss.txt");
    let o = with_env(Command::new("/usr/bin/time"), sb)
        .args(["-f", "%M", "-o"])
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_cytoken"))
        .args(["api", "--paginate", "--jobs", "8", "devices/v2"])
        .stdout(std::fs::File::create(out).unwrap())
        .stderr(Stdio::piped())
        .output()
        .expect("GNU time (/usr/bin/time) is needed for the memory test");
    assert_status(&o, 0);
    std::fs::read_to_string(&report)
        .unwrap()
        .trim()
        .lines()
        .last()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn memory_stays_flat_for_100000_items() {
    let sb = Sandbox::new();
    assert_status(&sb.run(&[]), 0);
    let out = sb.home.path().join("devices.json");
    let small = peak_rss(&sb, 2_000, &out);
    let large = peak_rss(&sb, 100_000, &out);
    let items: Vec<Value> = serde_json::from_reader(std::fs::File::open(&out).unwrap()).unwrap();
    assert_eq!(items.len(), 100_000);
    assert_eq!(ids(&items), all_ids(100_000));
    // 100,000 items are about 30 MiB of JSON; holding them would show.
    assert!(
        large < small + 8 * 1024 && large < 48 * 1024,
        "peak RSS {small} KiB for 2,000 items, {large} KiB for 100,000"
    );
    eprintln!("peak RSS: {small} KiB for 2,000 items, {large} KiB for 100,000");
}

#[test]
fn the_progress_line_shows_on_a_terminal_only() {
    let sb = Sandbox::new();
    sb.emu.set_devices(100);
    sb.emu.set_api_delay(Duration::from_millis(30));
    let out = sb.home.path().join("out.json");
    // util-linux `script` runs the command on a pty: stderr is a terminal,
    // stdout goes to the file.
    let line = format!(
        "{} api --paginate --page-size 10 --jobs 2 devices/v2 > {}",
        env!("CARGO_BIN_EXE_cytoken"),
        out.display()
    );
    let o = with_env(Command::new("script"), &sb)
        .env("SHELL", "/bin/sh")
        .args(["-qfec", &line, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("util-linux `script` is needed for the pty test");
    assert_status(&o, 0);
    let tty = stdout(&o);
    assert!(tty.contains("cytoken api: 10/10 pages"), "{tty:?}");
    assert!(
        tty.contains("\r\x1b[K"),
        "the line is redrawn and erased: {tty:?}"
    );
    let items: Vec<Value> = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(ids(&items), all_ids(100));

    // On a pipe: nothing at all.
    let o = api(&sb, &["--paginate", "--page-size", "10", "devices/v2"]);
    assert_status(&o, 0);
    assert_eq!(stderr(&o), "");
}

// ---- the secret in server text -------------------------------------------

/// A secret whose encodings all differ from it and from each other: `+`,
/// `/` and `=` in its base64, characters percent-encoding changes.
const SPICY_SECRET: &str = "Mssp+S3cret/9f8e?7d&6c 5b~4a=>>?";

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
#[cfg(target_os = "linux")]
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
    let items = std::sync::Arc::new(items);
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

/// `[0,0,…,0]` of `mib` MiB: 2 bytes of body per value, and a parsed
/// `serde_json::Value` costs about 32 bytes per value.
#[cfg(target_os = "linux")]
fn zeros(mib: usize) -> std::sync::Arc<Vec<u8>> {
    let mut b = b"[".to_vec();
    b.extend_from_slice(&b"0,".repeat((mib << 20) / 2));
    b.pop();
    b.push(b']');
    std::sync::Arc::new(b)
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
