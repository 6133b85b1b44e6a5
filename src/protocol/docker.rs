//! docker credential helper (`cytoken docker-credential get|store|erase|list|version`,
//! or the binary invoked as `docker-credential-cytoken`), following the protocol of
//! docker/docker-credential-helpers: the action is the one argument, the request is
//! on stdin, the answer on stdout.
//!
//! Rules that differ from the rest of cytoken (DESIGN §4):
//! - docker reads only stdout (it captures stderr and throws it away), so every
//!   failure is one line **on stdout** and exit status 1, as the upstream helpers do.
//! - A registry this profile does not answer for gets exactly
//!   `credentials not found in native keychain` and exit 1: docker recognises that
//!   line and falls back to anonymous access instead of failing the pull.
//! - `store` is a no-op (the token is minted, never stored from docker), and `erase`
//!   drops the cached token so the next `get` mints a new one.
//!
//! Host matching for the profile's `docker_hosts` (default: any host):
//! - the server URL docker sends (`host`, `host:port`, `https://host/…`,
//!   `http://host:port/v2/`, …) is reduced to `host[:port]`, host lowercased, a
//!   trailing dot and userinfo dropped, and the scheme's default port (443 for
//!   `https://` or no scheme, 80 for `http://`) dropped;
//! - each `docker_hosts` entry is reduced the same way and must then be equal,
//!   port included (`registry.example.com` does not cover
//!   `registry.example.com:5000`);
//! - an entry `*.example.com[:port]` covers every name below `example.com` (any
//!   depth, not `example.com` itself) on that port.
//!
//! Everything but [`run`] is pure or takes its selection as an argument, so the whole
//! protocol is tested in-process.

use std::io::{Read, Write};

use serde::Serialize;

use crate::broker::{Broker, CacheUse};
use crate::config::Selection;
use crate::diag;
use crate::error::{Error, Result};

/// The exact line docker-credential-helpers use for "no credentials here"; docker
/// compares the helper's output with it verbatim.
pub const NOT_FOUND: &str = "credentials not found in native keychain";

/// What one invocation ends with; [`finish`] turns it into output and a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The answer, printed on stdout; exit 0.
    Answer(String),
    /// Nothing to print; exit 0.
    Done,
    /// The protocol's not-found line on stdout; exit 1.
    NotFound,
    /// One error line on stdout (docker shows only stdout); exit 1.
    Failed(String),
}

/// Runs one docker credential helper action. Returns the exit status; all output,
/// errors included, goes to `out`.
pub(crate) fn run(
    action: &str,
    input: impl Read,
    selection: impl FnOnce() -> Result<Selection>,
    cache_use: CacheUse,
    out: impl Write,
) -> i32 {
    finish(&handle(action, input, selection, cache_use), out)
}

/// Performs `action`. The selection is resolved only by the actions that need it,
/// so `store`, `version` and a request docker could never get an answer to work
/// even with a broken config.
pub(crate) fn handle(
    action: &str,
    input: impl Read,
    selection: impl FnOnce() -> Result<Selection>,
    cache_use: CacheUse,
) -> Outcome {
    match action {
        "get" => {
            let server = match read_request(input) {
                Ok(s) => s,
                Err(o) => return o,
            };
            let Some(host) = normalise(&server) else {
                diag::log(1, "docker: not a server URL; answering not found");
                return Outcome::NotFound;
            };
            let sel = match selection() {
                Ok(s) => s,
                Err(e) => return failed(&e),
            };
            if !allowed(sel.docker_hosts.as_deref(), &host) {
                diag::log(
                    1,
                    format_args!(
                        "docker: {host} is not in docker_hosts of profile '{}'",
                        sel.profile
                    ),
                );
                return Outcome::NotFound;
            }
            match Broker::new(&sel, cache_use).token() {
                Ok(t) => Outcome::Answer(credentials_json(&server, &sel.username, &t.access_token)),
                Err(e) => failed(&e),
            }
        }
        // docker sends the credentials a user typed at `docker login`; cytoken mints
        // its own, so they are read (the writer must not hit a closed pipe) and
        // dropped. The password is never written anywhere.
        "store" => match read_request(input) {
            Ok(_) => Outcome::Done,
            Err(o) => o,
        },
        "erase" => {
            let server = match read_request(input) {
                Ok(s) => s,
                Err(o) => return o,
            };
            // `docker logout` of a registry this profile does not serve must not
            // throw away the token other registries are using.
            let Some(host) = normalise(&server) else {
                return Outcome::Done;
            };
            let sel = match selection() {
                Ok(s) => s,
                Err(e) => return failed(&e),
            };
            if !allowed(sel.docker_hosts.as_deref(), &host) {
                return Outcome::Done;
            }
            match Broker::new(&sel, cache_use).clear() {
                Ok(removed) => {
                    diag::log(
                        1,
                        format_args!(
                            "docker: {} for profile '{}'",
                            if removed {
                                "dropped the cached token"
                            } else {
                                "no cached token"
                            },
                            sel.profile
                        ),
                    );
                    Outcome::Done
                }
                Err(e) => failed(&e),
            }
        }
        // Like the upstream helpers, `list` and `version` read no input: run by hand
        // they must not wait for a stdin nobody writes.
        "list" => match selection() {
            Ok(sel) => Outcome::Answer(list_json(sel.docker_hosts.as_deref(), &sel.username)),
            Err(e) => failed(&e),
        },
        "version" => Outcome::Answer(format!("cytoken {}\n", env!("CARGO_PKG_VERSION"))),
        other => Outcome::Failed(format!(
            "cytoken: error: unknown credential action `{}`: use get, store, erase, list or \
             version",
            other.escape_debug()
        )),
    }
}

/// Writes the outcome and returns the exit status.
pub fn finish(outcome: &Outcome, mut out: impl Write) -> i32 {
    let (text, code) = match outcome {
        Outcome::Answer(a) => (a.as_str(), 0),
        Outcome::Done => ("", 0),
        Outcome::NotFound => (NOT_FOUND, 1),
        Outcome::Failed(m) => (m.as_str(), 1),
    };
    let line_end = if code == 0 || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    match write!(out, "{text}{line_end}").and_then(|()| out.flush()) {
        Ok(()) => code,
        // Nobody can be told: stdout is the only channel docker reads.
        Err(_) => 1,
    }
}

/// An error as docker shows it: one line. Error messages are built without secrets
/// or whole tokens (see [`crate::error`]).
fn failed(e: &Error) -> Outcome {
    let msg = e.to_string().replace(['\n', '\r'], " ");
    Outcome::Failed(format!("cytoken: error: {msg}"))
}

/// Reads the request, at most [`MAX_REQUEST`] bytes, and trims it as the upstream
/// helpers do. A larger or non-UTF-8 request is an error, never truncated: acting
/// on part of a request could answer for a different server.
pub fn read_request(input: impl Read) -> Result<String, Outcome> {
    let buf =
        super::read_bounded(input).map_err(|m| Outcome::Failed(format!("cytoken: error: {m}")))?;
    let text = String::from_utf8(buf).map_err(|_| {
        Outcome::Failed("cytoken: error: the request is not valid UTF-8".to_string())
    })?;
    Ok(text.trim().to_string())
}

/// Reduces a server URL in any of the forms docker sends to `host[:port]`
/// (lowercase host, default port dropped). `None` when it names no usable host:
/// empty, an unknown scheme, a bad port, or characters no host name has.
pub fn normalise(server: &str) -> Option<String> {
    let s = server.trim();
    let (rest, default_port) = match s.split_once("://") {
        Some((scheme, rest)) => match scheme.to_ascii_lowercase().as_str() {
            "https" => (rest, "443"),
            "http" => (rest, "80"),
            // Registries are reached over http(s) only; anything else is not a
            // registry address and gets no token.
            _ => return None,
        },
        // docker talks https to a bare `host[:port]` unless told otherwise.
        None => (s, "443"),
    };
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    // `user@host`: the host is what the token is for, the user part is irrelevant.
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = split_host_port(hostport)?;
    // One trailing dot is the DNS root (`host.` = `host`); an empty label
    // (`host..`, `.`) names no host.
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    if host.is_empty() || host.ends_with('.') || host.starts_with('.') || host.contains("..") {
        return None;
    }
    match port {
        Some(p) if p != default_port => Some(format!("{host}:{p}")),
        _ => Some(host),
    }
}

/// Splits `host[:port]` / `[v6][:port]`, checking both halves.
fn split_host_port(hostport: &str) -> Option<(&str, Option<&str>)> {
    let (host, port) = if let Some(inner) = hostport.strip_prefix('[') {
        let (addr, after) = inner.split_once(']')?;
        if addr.is_empty()
            || !addr
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return None;
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        // Keep the brackets: `[::1]:5000` must stay unambiguous.
        (&hostport[..addr.len() + 2], port)
    } else {
        let (host, port) = match hostport.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        };
        // Only what DNS names and IPv4 addresses are made of: no spaces, control
        // characters, `%`-escapes or wildcards can sneak into a match.
        if !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        {
            return None;
        }
        (host, port)
    };
    if let Some(p) = port {
        let valid = !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|n| n != 0);
        if !valid {
            return None;
        }
    }
    Some((host, port))
}

/// Splits a normalised `host[:port]` into host and port.
fn host_and_port(hostport: &str) -> (&str, Option<&str>) {
    match hostport.rfind(':') {
        // A colon inside brackets belongs to an IPv6 address.
        Some(i) if !hostport[i..].contains(']') => (&hostport[..i], Some(&hostport[i + 1..])),
        _ => (hostport, None),
    }
}

/// Whether the normalised `host` may be answered for. `None` (no `docker_hosts`
/// key) means any host; an empty list means none.
pub fn allowed(hosts: Option<&[String]>, host: &str) -> bool {
    match hosts {
        None => true,
        Some(list) => list.iter().any(|pattern| matches(pattern, host)),
    }
}

/// Whether one `docker_hosts` entry covers the normalised `host`.
fn matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim();
    if let Some(rest) = pattern.strip_prefix("*.") {
        let Some(suffix) = normalise(rest) else {
            diag::log(
                1,
                format_args!("docker: ignoring docker_hosts entry {pattern:?}"),
            );
            return false;
        };
        let (suffix, want_port) = host_and_port(&suffix);
        let (name, port) = host_and_port(host);
        port == want_port
            && name.len() > suffix.len() + 1
            && name.ends_with(suffix)
            && name[..name.len() - suffix.len()].ends_with('.')
    } else if let Some(p) = normalise(pattern) {
        p == host
    } else {
        diag::log(
            1,
            format_args!("docker: ignoring docker_hosts entry {pattern:?}"),
        );
        false
    }
}

/// The `get` answer, fields in the upstream helpers' order. `ServerURL` is the
/// request as docker sent it (trimmed), which is what docker matches on.
#[derive(Serialize)]
struct Credentials<'a> {
    #[serde(rename = "ServerURL")]
    server_url: &'a str,
    #[serde(rename = "Username")]
    username: &'a str,
    #[serde(rename = "Secret")]
    secret: &'a str,
}

/// The `get` answer: one JSON object and a newline.
pub fn credentials_json(server_url: &str, username: &str, token: &str) -> String {
    let creds = Credentials {
        server_url,
        username,
        secret: token,
    };
    // Serialising three string fields cannot fail; an empty object is the
    // harmless answer should it ever.
    let mut s = serde_json::to_string(&creds).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// The `list` answer: `{}` when the profile answers for any host (there is no list
/// to give), else each configured host mapped to the username. Wildcard entries are
/// left out: docker would ask for `*.example.com` as if it were a registry.
pub fn list_json(hosts: Option<&[String]>, username: &str) -> String {
    let map: serde_json::Map<String, serde_json::Value> = hosts
        .unwrap_or_default()
        .iter()
        .map(|h| h.trim())
        .filter(|h| !h.starts_with("*.") && normalise(h).is_some())
        .map(|h| (h.to_string(), serde_json::Value::from(username)))
        .collect();
    let mut s = serde_json::Value::Object(map).to_string();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::MAX_REQUEST;
    use crate::secret::{Secret, SecretSource};
    use cytoken_emulator::Emulator;

    const TENANT: &str = "3f0c2a9e-1b7d-4c55-9a0e-6d1f2b3c4d5e";
    const APP: &str = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const SECRET: &str = "docker-unit-S3cr3t-9vX2mK7pL4wR8tY1u";

    #[test]
    fn normalises_every_url_form() {
        for (input, want) in [
            ("registry.example.com", Some("registry.example.com")),
            ("  Registry.Example.COM.\n", Some("registry.example.com")),
            (
                "registry.example.com:5000",
                Some("registry.example.com:5000"),
            ),
            ("registry.example.com:443", Some("registry.example.com")),
            ("https://registry.example.com", Some("registry.example.com")),
            (
                "https://registry.example.com/",
                Some("registry.example.com"),
            ),
            (
                "https://registry.example.com/v2/",
                Some("registry.example.com"),
            ),
            (
                "HTTPS://registry.example.com:443/v2/",
                Some("registry.example.com"),
            ),
            (
                "https://registry.example.com:8443/v2/x?y#z",
                Some("registry.example.com:8443"),
            ),
            (
                "http://registry.example.com:5000/v2/",
                Some("registry.example.com:5000"),
            ),
            (
                "http://registry.example.com:80/",
                Some("registry.example.com"),
            ),
            (
                "http://registry.example.com:443/",
                Some("registry.example.com:443"),
            ),
            ("https://index.docker.io/v1/", Some("index.docker.io")),
            (
                "https://user:pw@registry.example.com/v2/",
                Some("registry.example.com"),
            ),
            ("localhost:5000", Some("localhost:5000")),
            ("127.0.0.1:5000", Some("127.0.0.1:5000")),
            ("[::1]:5000", Some("[::1]:5000")),
            ("http://[::1]/v2/", Some("[::1]")),
            ("https://[2001:DB8::1]:443/", Some("[2001:db8::1]")),
            ("my_registry:5000", Some("my_registry:5000")),
            ("", None),
            ("   ", None),
            ("https://", None),
            ("https:///v2/", None),
            (":5000", None),
            ("host:", None),
            ("host:0", None),
            ("host:65536", None),
            ("host:12a", None),
            ("host:5000:6000", None),
            ("ftp://registry.example.com", None),
            ("file:///etc/passwd", None),
            ("regi stry.example.com", None),
            ("*.example.com", None),
            ("registry%2eexample.com", None),
            ("registry.example.com\0", None),
            ("[::1", None),
            ("[zz::1]:5000", None),
            ("[::1]x", None),
        ] {
            assert_eq!(normalise(input).as_deref(), want, "{input:?}");
        }
    }

    #[test]
    fn request_is_trimmed_and_bounded() {
        assert_eq!(
            read_request(&b"  https://r.example/v2/\r\n"[..]),
            Ok("https://r.example/v2/".into())
        );
        assert_eq!(read_request(&b""[..]), Ok(String::new()));
        // Exactly the bound is fine; one byte more is refused, not truncated.
        let at = std::io::repeat(b' ').take(MAX_REQUEST);
        assert_eq!(read_request(at), Ok(String::new()));
        let over = std::io::repeat(b'a').take(MAX_REQUEST + 1);
        match read_request(over) {
            Err(Outcome::Failed(m)) => assert!(m.contains("larger than 1024 KiB"), "{m}"),
            other => panic!("{other:?}"),
        }
        match read_request(&b"reg\xffistry"[..]) {
            Err(Outcome::Failed(m)) => assert!(m.contains("UTF-8"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hosts_filter() {
        let hosts: Vec<String> = [
            "Registry.Example.com",
            "https://ci.example.com:5000/",
            "*.corp.example",
            "*.lab.example:8443",
            "not a host",
        ]
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
        let ok = |h: &str| allowed(Some(&hosts), &normalise(h).unwrap());
        assert!(
            allowed(None, "anything.example"),
            "no docker_hosts: any host"
        );
        assert!(
            !allowed(Some(&[]), "registry.example.com"),
            "empty list: none"
        );
        assert!(ok("registry.example.com"));
        assert!(ok("https://REGISTRY.example.com/v2/"));
        assert!(ok("registry.example.com:443"));
        assert!(!ok("registry.example.com:5000"), "ports must match");
        assert!(!ok("registry.example.com.evil.test"));
        assert!(!ok("evilregistry.example.com"));
        assert!(ok("ci.example.com:5000"));
        assert!(!ok("ci.example.com"));
        assert!(ok("a.corp.example"));
        assert!(ok("https://a.b.corp.example/v2/"));
        assert!(!ok("corp.example"), "the wildcard needs a label");
        assert!(!ok("evilcorp.example"));
        assert!(!ok("a.corp.example:5000"));
        assert!(ok("x.lab.example:8443"));
        assert!(!ok("x.lab.example"));
        assert!(!ok("not"), "an unusable entry matches nothing");
    }

    #[test]
    fn answer_shapes() {
        let a = credentials_json("https://r.example/v2/", "x-access-token", "eyJ.tok\"en");
        assert_eq!(
            a,
            "{\"ServerURL\":\"https://r.example/v2/\",\"Username\":\"x-access-token\",\
             \"Secret\":\"eyJ.tok\\\"en\"}\n"
        );
        let v: serde_json::Value = serde_json::from_str(&a).unwrap();
        assert_eq!(v["Secret"], "eyJ.tok\"en");

        assert_eq!(list_json(None, "u"), "{}\n");
        let hosts: Vec<String> = ["b.example:5000", "*.corp.example", "a.example", "bad host"]
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        assert_eq!(
            list_json(Some(&hosts), "robot"),
            "{\"a.example\":\"robot\",\"b.example:5000\":\"robot\"}\n"
        );

        let mut out = Vec::new();
        assert_eq!(finish(&Outcome::NotFound, &mut out), 1);
        assert_eq!(out, format!("{NOT_FOUND}\n").as_bytes());
        let mut out = Vec::new();
        assert_eq!(finish(&Outcome::Done, &mut out), 0);
        assert!(out.is_empty());
        let mut out = Vec::new();
        assert_eq!(
            finish(&Outcome::Failed("cytoken: error: x".into()), &mut out),
            1
        );
        assert_eq!(out, b"cytoken: error: x\n");
    }

    fn selection(emu: &Emulator, cache: &std::path::Path, hosts: Option<&[&str]>) -> Selection {
        let mut sel = Selection::for_test(&emu.url(), cache);
        sel.tenant_id = TENANT.into();
        sel.app_id = APP.into();
        sel.secret = SecretSource::Inline(Secret::new(SECRET.into()));
        sel.docker_hosts = hosts.map(|h| h.iter().map(std::string::ToString::to_string).collect());
        sel
    }

    #[test]
    fn get_erase_get_in_process() {
        let emu = Emulator::start().unwrap();
        emu.register_app(TENANT, APP, SECRET);
        let dir = tempfile::tempdir().unwrap();
        let sel = selection(&emu, dir.path(), Some(&["registry.example.com"]));
        let get = |input: &str| handle("get", input.as_bytes(), || Ok(sel.clone()), CacheUse::Use);

        let Outcome::Answer(a) = get("https://registry.example.com/v2/\n") else {
            panic!()
        };
        let v: serde_json::Value = serde_json::from_str(&a).unwrap();
        assert_eq!(v["ServerURL"], "https://registry.example.com/v2/");
        assert_eq!(v["Username"], "x-access-token");
        let first = v["Secret"].as_str().unwrap().to_string();
        assert!(emu.verify_access_token(&first));
        assert!(!a.contains(SECRET));
        assert!(matches!(get("registry.example.com"), Outcome::Answer(b) if b.contains(&first)));
        assert_eq!(emu.requests(), 1);

        assert_eq!(get("other.example.com"), Outcome::NotFound);
        assert_eq!(get(""), Outcome::NotFound);
        assert_eq!(emu.requests(), 1);

        // store is a no-op; erase of another registry keeps the token.
        let store = r#"{"ServerURL":"registry.example.com","Username":"u","Secret":"p"}"#;
        assert_eq!(
            handle("store", store.as_bytes(), || unreachable!(), CacheUse::Use),
            Outcome::Done
        );
        assert_eq!(
            handle(
                "erase",
                &b"other.example.com"[..],
                || Ok(sel.clone()),
                CacheUse::Use
            ),
            Outcome::Done
        );
        assert!(matches!(get("registry.example.com"), Outcome::Answer(b) if b.contains(&first)));
        assert_eq!(
            handle(
                "erase",
                &b"registry.example.com\n"[..],
                || Ok(sel.clone()),
                CacheUse::Use
            ),
            Outcome::Done
        );
        let Outcome::Answer(b) = get("registry.example.com") else {
            panic!()
        };
        assert!(
            !b.contains(&first),
            "erase makes the next get mint a new token"
        );
        assert_eq!(emu.requests(), 2);

        let list = handle("list", &b""[..], || Ok(sel.clone()), CacheUse::Use);
        assert_eq!(
            list,
            Outcome::Answer("{\"registry.example.com\":\"x-access-token\"}\n".into())
        );
    }

    #[test]
    fn failures_are_one_line_without_secrets() {
        let emu = Emulator::start().unwrap();
        emu.register_app(TENANT, APP, "another-secret-entirely");
        let dir = tempfile::tempdir().unwrap();
        let sel = selection(&emu, dir.path(), None);
        let o = handle(
            "get",
            &b"registry.example.com"[..],
            || Ok(sel.clone()),
            CacheUse::Use,
        );
        let Outcome::Failed(m) = &o else {
            panic!("{o:?}")
        };
        assert!(
            m.starts_with("cytoken: error: ") && !m.contains('\n') && !m.contains(SECRET),
            "{m}"
        );

        let cfg = || Err(Error::config("no tenant_id for profile 'default':\nset it"));
        let o = handle("get", &b"registry.example.com"[..], cfg, CacheUse::Use);
        assert_eq!(
            o,
            Outcome::Failed("cytoken: error: no tenant_id for profile 'default': set it".into())
        );
        assert!(matches!(
            handle("list", &b""[..], cfg, CacheUse::Use),
            Outcome::Failed(_)
        ));

        let o = handle("fetch", &b""[..], cfg, CacheUse::Use);
        let Outcome::Failed(m) = o else { panic!() };
        assert!(m.contains("unknown credential action `fetch`"), "{m}");
        let o = handle("version", &b""[..], cfg, CacheUse::Use);
        assert_eq!(
            o,
            Outcome::Answer(format!("cytoken {}\n", env!("CARGO_PKG_VERSION")))
        );
    }
}
