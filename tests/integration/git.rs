//! The git credential helper end to end: the real `git` clones over smart HTTP
//! from `git http-backend` (CGI) behind a loopback server that accepts only access
//! tokens the emulator minted, offering only Basic or only Bearer; plus the helper
//! protocol through the binary invoked as `git-credential-cytoken`.
//!
//! These tests need `git` on PATH and fail (never skip) without it: `.ci/run`
//! installs it.

use base64::Engine as _;
use std::io::BufRead;
use std::io::BufReader;
use std::io::Read;
use std::io::Write;
use std::net::TcpListener;
use std::net::TcpStream;
use std::path::Path;
use std::path::PathBuf;
use std::process::Command;
use std::process::Output;
use std::process::Stdio;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::Duration;

use crate::support::*;

const README: &str = "hello from the cytoken git test\n";

/// Which scheme the test server offers and accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Basic,
    Bearer,
}

/// What the test server saw, per request.
#[derive(Default)]
struct Stats {
    /// Requests without `Authorization`: answered 401 with the challenge.
    challenged: AtomicUsize,
    /// The offered scheme with a token the emulator does not accept.
    rejected: AtomicUsize,
    /// `Authorization` with the scheme the server does not offer.
    wrong_scheme: AtomicUsize,
    /// Accepted requests (served by git http-backend).
    accepted: AtomicUsize,
    /// Basic usernames seen on accepted requests.
    users: Mutex<Vec<String>>,
    /// Distinct tokens accepted, in order.
    tokens: Mutex<Vec<String>>,
}

impl Stats {
    fn get(n: &AtomicUsize) -> usize {
        n.load(Ordering::SeqCst)
    }
    fn summary(&self) -> String {
        format!(
            "challenged={} rejected={} wrong_scheme={} accepted={}",
            Stats::get(&self.challenged),
            Stats::get(&self.rejected),
            Stats::get(&self.wrong_scheme),
            Stats::get(&self.accepted)
        )
    }
}

/// A running test server.
struct Served {
    /// Clone URL of the served repository.
    url: String,
    stats: Stats,
    stop: AtomicBool,
}

/// Runs `f` while a server offering `mode` serves the bare repos under `root`.
/// The server lives in a thread scope borrowing the emulator; it is stopped when
/// `f` returns or panics (a guard sets the flag before the scope joins).
fn with_server<R>(emu: &Emulator, mode: Mode, root: &Path, f: impl FnOnce(&Served) -> R) -> R {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let served = Served {
        url: format!("http://{}/repo.git", listener.local_addr().unwrap()),
        stats: Stats::default(),
        stop: AtomicBool::new(false),
    };
    struct StopOnDrop<'a>(&'a AtomicBool);
    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let served = &served;
    thread::scope(|s| {
        s.spawn(move || {
            // One connection at a time: git fetches sequentially, and every
            // response closes its connection.
            while !served.stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        if let Err(e) = handle(stream, emu, mode, root, &served.stats) {
                            eprintln!("test git server: {e}");
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        thread::sleep(Duration::from_millis(5));
                    }
                    Err(e) => panic!("accept: {e}"),
                }
            }
        });
        let _guard = StopOnDrop(&served.stop);
        f(served)
    })
}

/// Serves one HTTP/1.1 request: auth check, then git http-backend as CGI.
fn handle(
    stream: TcpStream,
    emu: &Emulator,
    mode: Mode,
    root: &Path,
    stats: &Stats,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut r = BufReader::new(stream.try_clone()?);
    let mut w = stream;
    let mut line = String::new();
    r.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let mut headers: Vec<(String, String)> = Vec::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            break;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    // The whole body is read before answering, even a 401, so the client never
    // sees its upload cut off. git sends large POSTs chunked.
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(&mut r)?
    } else {
        let n: usize = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut b = vec![0; n];
        r.read_exact(&mut b)?;
        b
    };

    let Some(user) = authorize(header("authorization"), mode, emu, stats) else {
        let challenge = match mode {
            Mode::Basic => "Basic realm=\"cytoken-test\"",
            Mode::Bearer => "Bearer realm=\"cytoken-test\"",
        };
        let msg = "authentication required\n";
        write!(
            w,
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: {challenge}\r\n\
             Content-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{msg}",
            msg.len()
        )?;
        return w.flush();
    };

    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut cgi = Command::new("git");
    cgi.arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("REQUEST_METHOD", &method)
        .env("PATH_INFO", path)
        .env("QUERY_STRING", query)
        .env("CONTENT_LENGTH", body.len().to_string())
        .env("REMOTE_USER", &user)
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("SERVER_PROTOCOL", "HTTP/1.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(v) = header("content-type") {
        cgi.env("CONTENT_TYPE", v);
    }
    if let Some(v) = header("git-protocol") {
        cgi.env("GIT_PROTOCOL", v);
    }
    // http-backend inflates gzip request bodies itself when told the encoding.
    if let Some(v) = header("content-encoding") {
        cgi.env("HTTP_CONTENT_ENCODING", v);
    }
    let mut child = cgi.spawn()?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    // Fed from another thread so a large body and a large answer cannot deadlock.
    let feeder = thread::spawn(move || {
        let _ = stdin.write_all(&body);
    });
    let out = child.wait_with_output()?;
    let _ = feeder.join();
    if !out.stderr.is_empty() {
        eprintln!(
            "git http-backend: {}",
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }

    // CGI answer: headers, a blank line, the body; `Status:` sets the status line.
    let raw = out.stdout;
    let (head, content) = match find(&raw, b"\r\n\r\n") {
        Some(i) => (&raw[..i], &raw[i + 4..]),
        None => match find(&raw, b"\n\n") {
            Some(i) => (&raw[..i], &raw[i + 2..]),
            None => (&raw[..0], &raw[..]),
        },
    };
    let mut status = "200 OK".to_string();
    let mut response_headers = String::new();
    for h in String::from_utf8_lossy(head).lines() {
        let h = h.trim_end();
        match h.split_once(':') {
            Some((k, v)) if k.eq_ignore_ascii_case("status") => status = v.trim().to_string(),
            Some(_) => {
                response_headers.push_str(h);
                response_headers.push_str("\r\n");
            }
            None => {}
        }
    }
    write!(
        w,
        "HTTP/1.1 {status}\r\n{response_headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        content.len()
    )?;
    w.write_all(content)?;
    w.flush()
}

/// Checks `Authorization` against the server's mode and the emulator; returns the
/// user name for REMOTE_USER, or `None` after counting why it was refused.
fn authorize(auth: Option<&str>, mode: Mode, emu: &Emulator, stats: &Stats) -> Option<String> {
    let Some(auth) = auth else {
        stats.challenged.fetch_add(1, Ordering::SeqCst);
        return None;
    };
    let (scheme, rest) = auth.split_once(' ').unwrap_or((auth, ""));
    let (user, token) = match mode {
        Mode::Basic if scheme.eq_ignore_ascii_case("basic") => {
            if let Some(pair) = basic_credentials(rest) {
                pair
            } else {
                stats.rejected.fetch_add(1, Ordering::SeqCst);
                return None;
            }
        }
        Mode::Bearer if scheme.eq_ignore_ascii_case("bearer") => {
            ("bearer".to_string(), rest.trim().to_string())
        }
        _ => {
            stats.wrong_scheme.fetch_add(1, Ordering::SeqCst);
            return None;
        }
    };
    if !emu.verify_access_token(&token) {
        stats.rejected.fetch_add(1, Ordering::SeqCst);
        return None;
    }
    stats.accepted.fetch_add(1, Ordering::SeqCst);
    let mut tokens = stats.tokens.lock().unwrap();
    if !tokens.contains(&token) {
        tokens.push(token);
    }
    stats.users.lock().unwrap().push(user.clone());
    Some(user)
}

fn read_chunked(r: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let size = line.trim().split(';').next().unwrap_or("");
        let n = usize::from_str_radix(size.trim(), 16).map_err(|_| bad("chunk size"))?;
        if n == 0 {
            // Trailers, up to the blank line.
            loop {
                line.clear();
                if r.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + n, 0);
        r.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        r.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Err(bad("chunk terminator"));
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The `user:password` of an `Authorization: Basic` value (standard base64
/// with padding), or `None` when it is not one.
fn basic_credentials(value: &str) -> Option<(String, String)> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

#[test]
fn the_stand_in_server_reads_basic_credentials() {
    let pair = |u: &str, p: &str| Some((u.to_string(), p.to_string()));
    assert_eq!(basic_credentials("dXNlcjp0b2tlbg=="), pair("user", "token"));
    assert_eq!(basic_credentials("YTpi"), pair("a", "b"));
    assert_eq!(basic_credentials("YWJj"), None, "no colon");
    assert_eq!(basic_credentials("a$=="), None, "not base64");
}

/// git, isolated from the machine: the sandbox HOME, no system config, no prompts,
/// and the environment-only selection `Sandbox::cmd` gives cytoken.
fn git(sb: &Sandbox) -> Command {
    let mut c = Command::new("git");
    c.env_clear();
    copy_env(&sb.cmd(), &mut c);
    c.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .env("GIT_AUTHOR_NAME", "cytoken test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "cytoken test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .stdin(Stdio::null());
    c
}

/// Gives `to` the variables `from` sets (after `env_clear`, its whole environment).
fn copy_env(from: &Command, to: &mut Command) {
    for (k, v) in from.get_envs() {
        if let Some(v) = v {
            to.env(k, v);
        }
    }
}

#[track_caller]
fn run_ok(c: &mut Command) -> Output {
    let o = c.output().unwrap_or_else(|e| {
        panic!("cannot run {c:?}: {e} (git must be installed: .ci/run installs it)")
    });
    assert!(
        o.status.success(),
        "{c:?} failed\nstdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    o
}

/// The git version the test runs against, as (major, minor); fails loudly when
/// git is missing.
fn git_version(sb: &Sandbox) -> (u32, u32) {
    let v = stdout(&run_ok(git(sb).arg("--version"))).trim().to_string();
    eprintln!("end-to-end against {v}");
    let mut nums = v
        .trim_start_matches("git version ")
        .split('.')
        .map(|n| n.parse::<u32>().unwrap_or(0));
    (nums.next().unwrap_or(0), nums.next().unwrap_or(0))
}

/// Bearer credentials from a helper need git ≥ 2.46 (`capability[]=authtype`).
/// An older git is a failure, not a skip: `.ci/run` must install a newer one.
fn require_bearer_git(sb: &Sandbox) {
    let v = git_version(sb);
    assert!(
        v >= (2, 46),
        "git {}.{} cannot take Bearer credentials from a helper; the end-to-end tests need \
         git >= 2.46 (.ci/run installs it)",
        v.0,
        v.1
    );
}

/// A bare repo `<root>/repo.git` with one commit on main, pushed over file://.
fn make_repo(sb: &Sandbox) -> PathBuf {
    let root = sb.home.path().join("srv");
    let bare = root.join("repo.git");
    let work = sb.home.path().join("seed");
    std::fs::create_dir_all(&work).unwrap();
    run_ok(
        git(sb)
            .args(["init", "--quiet", "--bare", "-b", "main"])
            .arg(&bare),
    );
    run_ok(git(sb).args(["init", "--quiet", "-b", "main"]).arg(&work));
    std::fs::write(work.join("README"), README).unwrap();
    run_ok(git(sb).arg("-C").arg(&work).args(["add", "README"]));
    run_ok(
        git(sb)
            .arg("-C")
            .arg(&work)
            .args(["commit", "--quiet", "-m", "first"]),
    );
    run_ok(
        git(sb)
            .arg("-C")
            .arg(&work)
            .arg("push")
            .arg("--quiet")
            .arg(format!("file://{}", bare.display()))
            .arg("main"),
    );
    root
}

/// `git-credential-cytoken` as git finds it: a link to the binary (argv[0] dispatch).
fn helper_link(sb: &Sandbox) -> PathBuf {
    sb.link("git-credential-cytoken")
}

/// How git is told to run cytoken.
#[derive(Debug, Clone, Copy)]
enum Helper {
    /// `credential.helper = /abs/path/git-credential-cytoken` (argv[0] dispatch).
    Link,
    /// `credential.helper = !'/abs/path/cytoken' git-credential`.
    Command,
}

fn helper_config(sb: &Sandbox, h: Helper) -> String {
    match h {
        Helper::Link => helper_link(sb).display().to_string(),
        Helper::Command => format!("!'{}' git-credential", env!("CARGO_BIN_EXE_cytoken")),
    }
}

/// What one clone did: its output and the helper actions git ran, in order.
struct Clone {
    out: Output,
    actions: Vec<String>,
}

/// `git clone` of `url` into a fresh directory with cytoken as the only helper.
fn clone(sb: &Sandbox, url: &str, helper: Helper, n: usize) -> Clone {
    let dest = sb.home.path().join(format!("clone{n}"));
    let trace = sb.home.path().join(format!("trace{n}"));
    let out = git(sb)
        // The empty value drops any helper configured before ours.
        .args(["-c", "credential.helper="])
        .arg("-c")
        .arg(format!("credential.helper={}", helper_config(sb, helper)))
        // A stalled transfer fails the test instead of hanging it.
        .args(["-c", "http.lowSpeedLimit=1", "-c", "http.lowSpeedTime=10"])
        .args(["clone", "--quiet", url])
        .arg(&dest)
        .env("GIT_TRACE", &trace)
        .output()
        .expect("git must be installed (.ci/run installs it)");
    assert_no_secret(&out);
    if out.status.success() {
        assert_eq!(
            std::fs::read_to_string(dest.join("README")).unwrap(),
            README
        );
    }
    // GIT_TRACE logs every helper run: `run_command: '<helper> get'`.
    let actions = std::fs::read_to_string(&trace)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("run_command:") && l.contains("git-credential"))
        .filter_map(|l| {
            let l = l.trim_end().trim_end_matches('\'');
            l.rsplit(' ').next().map(str::to_string)
        })
        .collect();
    Clone { out, actions }
}

/// The token cytoken has cached (served from the cache: no exchange).
fn cached_token(sb: &Sandbox) -> String {
    let before = sb.emu.requests();
    let o = sb.test().args(["token"]).success();
    assert_eq!(
        sb.emu.requests(),
        before,
        "reading the cached token exchanged"
    );
    stdout(&o).trim_end().to_string()
}

#[track_caller]
fn assert_cloned(c: &Clone, served: &Served) {
    assert!(
        c.out.status.success(),
        "clone failed ({})\nhelper actions: {:?}\nstderr: {}",
        served.stats.summary(),
        c.actions,
        stderr(&c.out)
    );
}

#[test]
fn git_clone_over_basic_uses_the_helper_and_reuses_the_cached_token() {
    let sb = Sandbox::new();
    git_version(&sb);
    let root = make_repo(&sb);
    with_server(&sb.emu, Mode::Basic, &root, |served| {
        let first = clone(&sb, &served.url, Helper::Link, 1);
        assert_cloned(&first, served);
        assert_eq!(sb.emu.requests(), 1, "one exchange for the first clone");
        // git asks once after the 401 challenge, then approves what worked
        // (store is a no-op for cytoken).
        assert_eq!(first.actions, ["get", "store"]);
        // git tries without a credential first; the credential then serves every
        // later request of the clone.
        assert_eq!(Stats::get(&served.stats.challenged), 1);
        let tok = cached_token(&sb);
        assert_eq!(
            served.stats.tokens.lock().unwrap().as_slice(),
            std::slice::from_ref(&tok)
        );
        assert_eq!(Stats::get(&served.stats.rejected), 0);
        // git 2.47 sends capability[]=authtype to this Basic-only server too:
        // cytoken still answered Basic, so no Bearer attempt reached it.
        assert_eq!(Stats::get(&served.stats.wrong_scheme), 0);
        // The profile's default username, since the URL names none.
        assert!(
            served
                .stats
                .users
                .lock()
                .unwrap()
                .iter()
                .all(|u| u == "x-access-token")
        );
        for o in [&first.out.stdout, &first.out.stderr] {
            assert!(!String::from_utf8_lossy(o).contains(&tok), "token leaked");
        }

        let second = clone(&sb, &served.url, Helper::Link, 2);
        assert_cloned(&second, served);
        assert_eq!(
            sb.emu.requests(),
            1,
            "the second clone reuses the cached token"
        );
        assert_eq!(second.actions, ["get", "store"]);
        assert_eq!(Stats::get(&served.stats.challenged), 2);
        assert_eq!(*served.stats.tokens.lock().unwrap(), [tok]);
        eprintln!("basic: {}", served.stats.summary());
    });
}

#[test]
fn git_clone_over_bearer_answers_with_a_bearer_credential() {
    let sb = Sandbox::new();
    require_bearer_git(&sb);
    let root = make_repo(&sb);
    with_server(&sb.emu, Mode::Bearer, &root, |served| {
        let first = clone(&sb, &served.url, Helper::Command, 1);
        assert_cloned(&first, served);
        assert_eq!(sb.emu.requests(), 1);
        // git 2.47 runs `store` even for an `ephemeral=1` answer (storing helpers
        // are expected to skip those); cytoken's store is a no-op either way.
        assert_eq!(first.actions, ["get", "store"]);
        // git 2.47 sent capability[]=authtype and the Bearer challenge, so
        // cytoken answered Bearer: never a Basic attempt at this server.
        assert_eq!(Stats::get(&served.stats.wrong_scheme), 0);
        assert_eq!(Stats::get(&served.stats.rejected), 0);
        assert_eq!(Stats::get(&served.stats.challenged), 1);
        assert!(Stats::get(&served.stats.accepted) >= 1);
        assert_eq!(*served.stats.tokens.lock().unwrap(), [cached_token(&sb)]);

        let second = clone(&sb, &served.url, Helper::Link, 2);
        assert_cloned(&second, served);
        assert_eq!(
            sb.emu.requests(),
            1,
            "the second clone reuses the cached token"
        );
        assert_eq!(Stats::get(&served.stats.challenged), 2);
        assert_eq!(Stats::get(&served.stats.wrong_scheme), 0);
        assert_eq!(served.stats.tokens.lock().unwrap().len(), 1);
        eprintln!("bearer: {}", served.stats.summary());
    });
}

/// `git_hosts` on the loopback http server's random port: an entry without a
/// port covers only the default port (80 for http), an explicit `https://`
/// entry never covers http, and an entry naming the port (with or without
/// `http://`) does. Refused clones cost no exchange.
#[test]
fn git_hosts_need_the_port_and_allow_loopback_http() {
    let sb = Sandbox::new();
    git_version(&sb);
    let root = make_repo(&sb);
    with_server(&sb.emu, Mode::Basic, &root, |served| {
        let authority = served
            .url
            .strip_prefix("http://")
            .and_then(|r| r.split('/').next())
            .unwrap()
            .to_owned();
        let hosts = |entries: &[String]| {
            let list: Vec<String> = entries.iter().map(|e| format!("\"{e}\"")).collect();
            sb.write_config(
                &format!("[profiles.default]\ngit_hosts = [{}]\n", list.join(", ")),
                0o644,
            );
        };
        let mut n = 0;
        for refused in [
            vec!["127.0.0.1".to_owned()],
            vec![format!("https://{authority}")],
            vec!["localhost".to_owned(), "*.0.0.1".to_owned()],
            Vec::new(),
        ] {
            hosts(&refused);
            n += 1;
            let c = clone(&sb, &served.url, Helper::Link, n);
            assert!(!c.out.status.success(), "{refused:?} answered");
            assert_eq!(
                c.actions.first().map(String::as_str),
                Some("get"),
                "{refused:?}"
            );
            assert!(!c.actions.iter().any(|a| a == "store"), "{refused:?}");
        }
        assert_eq!(
            sb.emu.requests(),
            0,
            "no exchange for a host it does not serve"
        );
        assert_eq!(Stats::get(&served.stats.accepted), 0);
        for allowed in [authority.clone(), format!("http://{authority}")] {
            hosts(&[allowed]);
            n += 1;
            let c = clone(&sb, &served.url, Helper::Link, n);
            assert_cloned(&c, served);
        }
        assert_eq!(sb.emu.requests(), 1, "one token for both clones");
    });
}

/// After the server starts refusing the cached token, git reports it with `erase`
/// and cytoken drops it; the next `get` mints a new one.
///
/// git 2.47 (http.c) does not retry with a fresh credential within the same
/// request: a 401 to a request that carried a credential makes it run `erase`
/// and fail with "Authentication failed". So the clone that meets the revoked
/// token fails (after `get`, then `erase`), and the next clone's `get` finds the
/// cache empty, mints a new token (the second exchange) and succeeds.
fn rejected_token_is_erased_and_replaced(mode: Mode, helper: Helper) {
    let sb = Sandbox::new();
    if mode == Mode::Bearer {
        require_bearer_git(&sb);
    } else {
        git_version(&sb);
    }
    let root = make_repo(&sb);
    with_server(&sb.emu, mode, &root, |served| {
        let first = clone(&sb, &served.url, helper, 1);
        assert_cloned(&first, served);
        assert_eq!(sb.emu.requests(), 1);
        let old = cached_token(&sb);
        sb.emu.revoke(&old);

        let refused = clone(&sb, &served.url, helper, 2);
        assert!(
            !refused.out.status.success(),
            "git 2.47 fails the request that met the revoked token ({})",
            served.stats.summary()
        );
        assert!(
            stderr(&refused.out).contains("Authentication failed"),
            "{}",
            stderr(&refused.out)
        );
        assert_eq!(refused.actions, ["get", "erase"]);
        assert_eq!(Stats::get(&served.stats.challenged), 2);
        assert_eq!(Stats::get(&served.stats.rejected), 1);
        assert_eq!(sb.emu.requests(), 1, "erase alone never exchanges");
        assert!(sb.entries().is_empty(), "erase dropped the refused token");

        let third = clone(&sb, &served.url, helper, 3);
        assert_cloned(&third, served);
        assert_eq!(
            sb.emu.requests(),
            2,
            "the next get minted exactly one new token"
        );
        let new = cached_token(&sb);
        assert_ne!(new, old);
        assert_eq!(third.actions, ["get", "store"]);
        assert_eq!(Stats::get(&served.stats.challenged), 3);
        assert_eq!(*served.stats.tokens.lock().unwrap(), [old, new]);
        assert_eq!(Stats::get(&served.stats.rejected), 1);
        assert_eq!(Stats::get(&served.stats.wrong_scheme), 0);
        eprintln!("{mode:?} after revoke: {}", served.stats.summary());
    });
}

#[test]
fn git_erase_after_a_basic_rejection_mints_a_new_token() {
    rejected_token_is_erased_and_replaced(Mode::Basic, Helper::Link);
}

#[test]
fn git_erase_after_a_bearer_rejection_mints_a_new_token() {
    rejected_token_is_erased_and_replaced(Mode::Bearer, Helper::Command);
}

/// The helper protocol through the binary as git runs it (the
/// `git-credential-cytoken` link, the selection of `Sandbox::cmd`), without git.
fn helper(sb: &Sandbox, action: &str, input: &[u8]) -> Output {
    let mut c = Command::new(helper_link(sb));
    c.env_clear();
    copy_env(&sb.cmd(), &mut c);
    c.arg(action);
    let o = feed(c, input);
    assert_no_secret(&o);
    o
}

#[test]
fn helper_protocol_through_the_binary() {
    let sb = Sandbox::new();
    let o = helper(&sb, "get", b"protocol=https\nhost=git.example.com\n\n");
    assert_status(&o, 0);
    let tok = cached_token(&sb);
    let lines: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], "username=x-access-token");
    assert_eq!(lines[1], format!("password={tok}"));
    let expiry: i64 = lines[2]
        .strip_prefix("password_expiry_utc=")
        .unwrap()
        .parse()
        .unwrap();
    // refresh_at = expiry − margin (300 s of the default 1800 s lifetime).
    let left = expiry - cytoken::testing::now();
    assert!((1400..=1500).contains(&left), "{left}");
    assert_eq!(sb.emu.requests(), 1);

    // Bearer form when git can take it and the server offers it; `fill` alias.
    let o = helper(
        &sb,
        "fill",
        b"capability[]=authtype\nprotocol=https\nhost=git.example.com\nwwwauth[]=Bearer realm=\"x\"\n",
    );
    assert_status(&o, 0);
    assert_eq!(
        stdout(&o),
        format!(
            "capability[]=authtype\nauthtype=Bearer\ncredential={tok}\nephemeral=1\n\
             password_expiry_utc={expiry}\n"
        )
    );

    // No answer, no exchange: cert, other protocols, unknown actions, store.
    for (action, input) in [
        ("get", &b"protocol=cert\npath=/home/u/cert.pem\n"[..]),
        ("get", b"protocol=smtp\nhost=mail.example.com\n"),
        ("get", b"protocol=http\nhost=git.example.com\n"),
        ("capability", b"protocol=https\nhost=h\n"),
        ("store", b"protocol=https\nhost=h\nusername=u\npassword=p\n"),
        ("approve", b""),
    ] {
        let o = helper(&sb, action, input);
        assert_status(&o, 0);
        assert_eq!(
            stdout(&o),
            "",
            "{action} {}",
            String::from_utf8_lossy(input)
        );
    }

    // Broken requests: nothing on stdout, the reason on stderr.
    let mut big = b"protocol=https\nhost=".to_vec();
    big.resize((1 << 20) + 10, b'a');
    for input in [
        &b"protocol=https\nhost=h\0\n"[..],
        b"protocol=https\nnot a pair\n",
        &big,
    ] {
        let o = helper(&sb, "get", input);
        assert_status(&o, 1);
        assert_eq!(stdout(&o), "");
        assert!(stderr(&o).contains("git-credential"), "{}", stderr(&o));
    }
    assert_eq!(sb.emu.requests(), 1);

    // erase with another password keeps the entry; with the cached token drops it.
    let o = helper(
        &sb,
        "reject",
        b"protocol=https\nhost=git.example.com\nusername=x\npassword=not-the-token\n",
    );
    assert_status(&o, 0);
    assert_eq!(stdout(&o), "");
    assert_eq!(sb.entries().len(), 1);
    let erase = format!(
        "capability[]=authtype\nprotocol=https\nhost=git.example.com\nauthtype=Bearer\n\
         credential={tok}\n"
    );
    let o = helper(&sb, "erase", erase.as_bytes());
    assert_status(&o, 0);
    assert_eq!(stdout(&o), "");
    assert!(sb.entries().is_empty());
    assert_eq!(sb.emu.requests(), 1);
    let o = helper(&sb, "get", b"protocol=https\nhost=git.example.com\n");
    assert_status(&o, 0);
    assert!(!stdout(&o).contains(&tok));
    assert_eq!(sb.emu.requests(), 2);
}
