//! git credential helper (`cytoken git-credential get|store|erase`, also run as
//! `git-credential-cytoken`): parses git's request, asks the broker for a token and
//! answers in Basic or Bearer form (DESIGN §4).
//!
//! The work is split so everything but the broker call is pure and tested
//! in-process: [`parse_request`] turns git's bytes into a [`Request`],
//! [`skip_reason`] decides whether this profile answers at all, and [`answer`] maps
//! (request, token, [`Policy`]) to the lines git reads back.
//!
//! git ignores a helper's exit status, so a failure prints nothing on stdout (an
//! answer is written whole or not at all) and the reason on stderr (via main).

use std::fmt;
use std::io::{Read, Write};

use crate::broker::{Broker, CacheUse, Token};
use crate::config::{GitAuth, Selection};
use crate::diag;
use crate::error::{Error, Result};
use crate::output::out;

/// What git asks the helper to do. git's older names are aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `get` (alias `fill`): answer with a credential.
    Get,
    /// `store` (alias `approve`): git reports the credential worked.
    Store,
    /// `erase` (alias `reject`): git reports the server refused the credential.
    Erase,
}

impl Action {
    /// The action for `name`; `None` for actions this helper does not know.
    pub fn parse(name: &str) -> Option<Action> {
        match name {
            "get" | "fill" => Some(Action::Get),
            "store" | "approve" => Some(Action::Store),
            "erase" | "reject" => Some(Action::Erase),
            _ => None,
        }
    }
}

/// git's request: the attributes this helper uses. Unknown keys are dropped, as
/// git's own helpers do, so newer gits can add attributes freely.
#[derive(Default, Clone, PartialEq, Eq)]
pub struct Request {
    pub protocol: Option<String>,
    pub host: Option<String>,
    pub path: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub authtype: Option<String>,
    pub credential: Option<String>,
    /// `capability[]` values, in order (git ≥ 2.46 sends `authtype`, `state`).
    pub capabilities: Vec<String>,
    /// `wwwauth[]` values, in order: the server's `WWW-Authenticate` headers.
    pub wwwauth: Vec<String>,
}

impl Request {
    /// Whether git said it understands `authtype`/`credential` answers.
    pub fn has_capability(&self, name: &str) -> bool {
        self.capabilities.iter().any(|c| c == name)
    }
}

// A hand-written Debug: a request can carry a password or credential (on
// `erase`), and neither may reach a log line or a test failure message whole.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |v: &Option<String>| v.as_deref().map(crate::redact::redact);
        f.debug_struct("Request")
            .field("protocol", &self.protocol)
            .field("host", &self.host)
            .field("path", &self.path)
            .field("username", &self.username)
            .field("password", &secret(&self.password))
            .field("authtype", &self.authtype)
            .field("credential", &secret(&self.credential))
            .field("capabilities", &self.capabilities)
            .field("wwwauth", &self.wwwauth)
            .finish()
    }
}

/// Reads and parses git's request, at most [`MAX_REQUEST`] bytes.
pub fn read_request(input: impl Read) -> Result<Request> {
    let buf =
        super::read_bounded(input).map_err(|m| Error::other(format!("git-credential: {m}")))?;
    parse_request(&buf)
}

/// Parses git's `key=value` lines, up to the end or the first blank line.
///
/// Lines end at LF only; one trailing CR is stripped (CRLF input), but a CR
/// anywhere else is part of the value. Treating a lone CR as a line break is
/// CVE-2024-52006: `host=a\rpassword=x` would let a crafted URL inject attributes.
/// A NUL byte, invalid UTF-8 or a line without `=` is an error (git itself refuses
/// a line without `=`); messages never quote the line, which may hold a password.
pub fn parse_request(bytes: &[u8]) -> Result<Request> {
    let mut req = Request::default();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.is_empty() {
            break;
        }
        if raw.contains(&0) {
            return Err(Error::other(format!(
                "git-credential: request line {n} contains a NUL byte; refusing the request"
            )));
        }
        let line = std::str::from_utf8(raw).map_err(|_| {
            Error::other(format!(
                "git-credential: request line {n} is not valid UTF-8; refusing the request"
            ))
        })?;
        let Some((key, value)) = line.split_once('=') else {
            return Err(Error::other(format!(
                "git-credential: request line {n} is not key=value; refusing the request"
            )));
        };
        let value = value.to_owned();
        // As in git, a repeated plain key replaces the earlier value.
        match key {
            "protocol" => req.protocol = Some(value),
            "host" => req.host = Some(value),
            "path" => req.path = Some(value),
            "username" => req.username = Some(value),
            "password" => req.password = Some(value),
            "authtype" => req.authtype = Some(value),
            "credential" => req.credential = Some(value),
            "capability[]" => req.capabilities.push(value),
            "wwwauth[]" => req.wwwauth.push(value),
            // Includes `url=`: git splits URLs into protocol/host/path before it
            // calls helpers, so only hand-written requests carry one. Ignoring it
            // leaves `host` unset, which never widens what is answered.
            _ => {}
        }
    }
    Ok(req)
}

/// The selection settings that shape the git answer.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    /// Username for Basic answers when git asks without one.
    pub username: &'a str,
    pub git_auth: GitAuth,
    /// Hosts this profile answers for; `None` means any.
    pub git_hosts: Option<&'a [String]>,
}

impl<'a> Policy<'a> {
    pub(crate) fn of(sel: &'a Selection) -> Policy<'a> {
        Policy {
            username: &sel.username,
            git_auth: sel.git_auth,
            git_hosts: sel.git_hosts.as_deref(),
        }
    }
}

/// Why this profile does not answer `req`, or `None` when it does.
///
/// Every refusal exists so the token never goes where it was not meant to:
/// - `protocol=cert` asks for a client-certificate passphrase, not a token;
/// - protocols other than http(s) (git send-email asks for `smtp`, …) are other
///   services entirely;
/// - a host with control characters or spaces is no real host;
/// - a host outside `git_hosts` belongs to someone else;
/// - plain `http` would send the token in clear text, so it is answered only for
///   loopback hosts or hosts listed explicitly in `git_hosts`.
pub fn skip_reason(req: &Request, p: &Policy) -> Option<String> {
    let Some(protocol) = req.protocol.as_deref() else {
        return Some("the request names no protocol".into());
    };
    let http = protocol.eq_ignore_ascii_case("http");
    if !http && !protocol.eq_ignore_ascii_case("https") {
        return Some(format!(
            "protocol '{}' is not http or https (cytoken answers only for git over HTTP)",
            protocol.escape_debug()
        ));
    }
    let host = match req.host.as_deref() {
        Some(h) if !h.is_empty() => h,
        _ => return Some("the request names no host".into()),
    };
    // No real host name has a control character or space; one that does is a
    // smuggling attempt (a lone CR, CVE-2024-52006) or garbage, never a server
    // to hand a token to.
    if host.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Some("the host has control characters or spaces".into());
    }
    let listed = match p.git_hosts {
        Some(hosts) => {
            if !hosts.iter().any(|pat| host_matches(pat, host)) {
                return Some(format!("host '{host}' is not in the profile's git_hosts"));
            }
            true
        }
        None => false,
    };
    if http && !listed && !is_loopback(host) {
        return Some(format!(
            "http://{host} is not encrypted; list the host in git_hosts to send it a token \
             anyway"
        ));
    }
    None
}

/// Splits git's `host` attribute (`name`, `name:port`, `[v6]`, `[v6]:port`).
fn split_host_port(host: &str) -> (&str, Option<&str>) {
    if let Some(rest) = host.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((ip, after)) => (ip, after.strip_prefix(':')),
            None => (host, None),
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            (name, Some(port))
        }
        _ => (host, None),
    }
}

/// Whether `git_hosts` entry `pattern` covers `host` (git's `host`, maybe with a
/// port). Names compare case-insensitively. An entry without a port matches the
/// host on any port; with a port, only that port. `*.example.com` matches any
/// name below example.com (not example.com itself).
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let (pname, pport) = split_host_port(pattern.trim());
    let (hname, hport) = split_host_port(host);
    if pport.is_some() && pport != hport {
        return false;
    }
    let pname = pname.trim_end_matches('.');
    let hname = hname.trim_end_matches('.');
    match pname.strip_prefix("*.") {
        Some(suffix) if !suffix.is_empty() => {
            // `get` never panics on a non-ASCII boundary: it returns None.
            let cut = hname.len().checked_sub(suffix.len() + 1);
            cut.and_then(|c| hname.get(c..))
                .and_then(|tail| tail.strip_prefix('.'))
                .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
                && cut.is_some_and(|c| c > 0)
        }
        _ => pname.eq_ignore_ascii_case(hname),
    }
}

/// Loopback hosts, where plain http never leaves the machine.
fn is_loopback(host: &str) -> bool {
    crate::endpoint::is_loopback_host(split_host_port(host).0)
}

/// Whether a `WWW-Authenticate` value offers the Bearer scheme. One header may
/// hold several challenges (`Basic realm="a", Bearer realm="b"`): a challenge
/// starts a comma-separated item with a token followed by a space or nothing
/// (an auth-param is a token followed by `=`). Quoted strings are skipped.
pub fn offers_bearer(www_authenticate: &str) -> bool {
    let mut items = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in www_authenticate.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                items.push(&www_authenticate[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&www_authenticate[start..]);
    items.into_iter().any(|item| {
        let item = item.trim_start();
        let end = item
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(item.len());
        let (scheme, rest) = item.split_at(end);
        scheme.eq_ignore_ascii_case("bearer") && !rest.starts_with('=')
    })
}

/// The form of a git answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `username` + `password`: works with every git and every Basic server.
    Basic,
    /// `authtype=Bearer` + `credential`: sent as `Authorization: Bearer`.
    Bearer,
}

/// Which form to answer `req` with. Bearer needs git to say it can take one
/// (`capability[]=authtype`, git ≥ 2.46) and the server (or `git_auth`) to want
/// one: git 2.47 advertises the capability to every server, and a Bearer answer
/// to a Basic-only server fails the clone or push.
pub fn form(req: &Request, p: &Policy) -> Form {
    if p.git_auth == GitAuth::Basic || !req.has_capability("authtype") {
        return Form::Basic;
    }
    if p.git_auth == GitAuth::Bearer || req.wwwauth.iter().any(|w| offers_bearer(w)) {
        Form::Bearer
    } else {
        Form::Basic
    }
}

/// The answer to a `get`: the lines git reads back, in order, or `None` when this
/// profile does not answer `req` (see [`skip_reason`]). Never includes `url=`,
/// which would let the answer redirect what git thinks it is talking to.
pub fn answer(
    req: &Request,
    token: &Token,
    p: &Policy,
) -> Result<Option<Vec<(&'static str, String)>>> {
    if skip_reason(req, p).is_some() {
        return Ok(None);
    }
    // git must not reuse the credential past the moment cytoken itself would
    // stop handing the token out.
    let expiry = token.refresh_at.to_string();
    let lines = match form(req, p) {
        Form::Bearer => vec![
            ("capability[]", "authtype".to_owned()),
            ("authtype", "Bearer".to_owned()),
            ("credential", token.access_token.clone()),
            // Ephemeral: git must not hand a short-lived token to storing helpers.
            ("ephemeral", "1".to_owned()),
            ("password_expiry_utc", expiry),
        ],
        Form::Basic => {
            let username = req
                .username
                .as_deref()
                .filter(|u| !u.is_empty())
                .unwrap_or(p.username);
            vec![
                ("username", username.to_owned()),
                ("password", token.access_token.clone()),
                ("password_expiry_utc", expiry),
            ]
        }
    };
    for (key, value) in &lines {
        // A LF or NUL would end or cut the value in git's reader and let the rest
        // be read as other attributes; a CR could be stripped or, in older gits,
        // split the line. Such a value is never legitimate: refuse the answer.
        if value.contains(['\n', '\r', '\0']) {
            return Err(Error::other(format!(
                "git-credential: the {key} value contains a line break or NUL byte; not \
                 answering"
            )));
        }
    }
    Ok(Some(lines))
}

/// Renders answer lines as git reads them.
pub fn render(lines: &[(&str, String)]) -> String {
    lines.iter().fold(String::new(), |mut s, (k, v)| {
        s.push_str(k);
        s.push('=');
        s.push_str(v);
        s.push('\n');
        s
    })
}

/// Runs the helper for `action`, reading git's request from `input` and writing
/// the answer (if any) to `out`. Returns the exit status; git ignores it.
pub(crate) fn run(
    action: &str,
    input: impl Read,
    selection: impl FnOnce() -> Result<Selection>,
    cache_use: CacheUse,
    mut w: impl Write,
) -> Result<i32> {
    let Some(action) = Action::parse(action) else {
        // git may grow new actions; a helper ignores what it does not know, without
        // even reading its config.
        diag::log(
            1,
            format_args!("git-credential: ignoring unknown action '{action}'"),
        );
        return Ok(0);
    };
    if action == Action::Store {
        // Tokens are minted on demand and cached by cytoken itself: there is
        // nothing for git to store.
        return Ok(0);
    }
    let req = read_request(input)?;
    let sel = selection()?;
    let policy = Policy::of(&sel);
    if let Some(why) = skip_reason(&req, &policy) {
        diag::log(1, format_args!("git-credential: not answering: {why}"));
        return Ok(0);
    }
    let broker = Broker::new(&sel, cache_use);
    match action {
        Action::Get => {
            let token = broker.token()?;
            match answer(&req, &token, &policy)? {
                Some(lines) => {
                    diag::log(
                        1,
                        format_args!(
                            "git-credential: answering with a {:?} credential",
                            form(&req, &policy)
                        ),
                    );
                    out(&mut w, format_args!("{}", render(&lines)))
                }
                None => Ok(0),
            }
        }
        Action::Erase => {
            // Compare-and-invalidate: the server refused this credential. Drop the
            // cached entry only if it still holds it, so a late `erase` from one
            // git never throws away a newer token another process minted.
            for rejected in [&req.credential, &req.password].into_iter().flatten() {
                if broker.invalidate(rejected)? {
                    diag::log(
                        1,
                        format_args!(
                            "git-credential: dropped the cached token {} the server refused",
                            crate::redact::redact(rejected)
                        ),
                    );
                    break;
                }
            }
            Ok(0)
        }
        Action::Store => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::MAX_REQUEST;

    const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

    fn token() -> Token {
        Token {
            clock_skew: None,
            access_token: TOKEN.into(),
            expires_at: 2_000_001_800,
            refresh_at: 2_000_001_500,
            cached: true,
        }
    }

    fn policy() -> Policy<'static> {
        Policy {
            username: "x-access-token",
            git_auth: GitAuth::Auto,
            git_hosts: None,
        }
    }

    fn parse(s: &str) -> Request {
        parse_request(s.as_bytes()).unwrap()
    }

    fn get(input: &str, p: &Policy) -> Option<String> {
        answer(&parse(input), &token(), p)
            .unwrap()
            .map(|l| render(&l))
    }

    const BASIC: &str = "username=x-access-token\npassword=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\npassword_expiry_utc=2000001500\n";
    const BEARER: &str = "capability[]=authtype\nauthtype=Bearer\ncredential=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\nephemeral=1\npassword_expiry_utc=2000001500\n";

    #[test]
    fn actions_and_aliases() {
        assert_eq!(Action::parse("get"), Some(Action::Get));
        assert_eq!(Action::parse("fill"), Some(Action::Get));
        assert_eq!(Action::parse("store"), Some(Action::Store));
        assert_eq!(Action::parse("approve"), Some(Action::Store));
        assert_eq!(Action::parse("erase"), Some(Action::Erase));
        assert_eq!(Action::parse("reject"), Some(Action::Erase));
        assert_eq!(Action::parse("capability"), None);
        assert_eq!(Action::parse("GET"), None);
        assert_eq!(Action::parse(""), None);
    }

    #[test]
    fn parses_what_git_sends() {
        let r = parse(
            "capability[]=authtype\ncapability[]=state\nprotocol=https\nhost=git.example.com:8443\n\
             path=org/repo.git\nusername=bob\nwwwauth[]=Basic realm=\"a=b\"\n\
             wwwauth[]=Bearer realm=\"x\"\nstate[]=ignored\nfuture=thing\n\n\
             host=after-blank-line\n",
        );
        assert_eq!(r.protocol.as_deref(), Some("https"));
        assert_eq!(r.host.as_deref(), Some("git.example.com:8443"));
        assert_eq!(r.path.as_deref(), Some("org/repo.git"));
        assert_eq!(r.username.as_deref(), Some("bob"));
        assert_eq!(r.password, None);
        assert_eq!(r.capabilities, ["authtype", "state"]);
        assert_eq!(r.wwwauth, ["Basic realm=\"a=b\"", "Bearer realm=\"x\""]);
        assert!(r.has_capability("authtype"));
    }

    #[test]
    fn crlf_lone_cr_and_last_line() {
        let r = parse("protocol=https\r\nhost=h\r\r\npassword=p=q");
        assert_eq!(r.protocol.as_deref(), Some("https"));
        // Only one trailing CR is stripped.
        assert_eq!(r.host.as_deref(), Some("h\r"));
        // A last line without LF counts; the value keeps its own `=`.
        assert_eq!(r.password.as_deref(), Some("p=q"));
        // A CR-only line is a blank line after stripping: the request ends there.
        let r = parse("protocol=https\r\n\r\nhost=late\n");
        assert_eq!(r.host, None);
    }

    #[test]
    fn lone_cr_is_never_a_line_break() {
        // CVE-2024-52006: the CR stays inside the host; no password is injected.
        let r = parse("protocol=https\nhost=a\rpassword=x\n");
        assert_eq!(r.host.as_deref(), Some("a\rpassword=x"));
        assert_eq!(r.password, None);
        let r = parse("host=a\rusername=evil\rhost=b\n");
        assert_eq!(r.username, None);
        assert_eq!(r.host.as_deref(), Some("a\rusername=evil\rhost=b"));
    }

    #[test]
    fn repeated_keys_last_wins_and_empty_values() {
        let r = parse("host=a\nhost=b\nusername=\n=orphan\n");
        assert_eq!(r.host.as_deref(), Some("b"));
        assert_eq!(r.username.as_deref(), Some(""));
        assert_eq!(parse(""), Request::default());
        assert_eq!(parse("\n"), Request::default());
    }

    #[test]
    fn refuses_nul_non_utf8_and_lines_without_equals() {
        for bad in [
            &b"protocol=https\nhost=a\0b\n"[..],
            b"host=\xff\xfe\n",
            b"protocol=https\njunk\n",
        ] {
            let e = parse_request(bad).unwrap_err();
            assert_eq!(e.exit_code(), 1);
            // The message names the line, never its contents.
            assert!(e.to_string().contains("line"), "{e}");
        }
        let e = parse_request(b"password=hunter2\nhunter2-line\n").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        // Past the blank line nothing is read, as in git.
        assert!(parse_request(b"host=a\n\n\0\xff junk").is_ok());
    }

    #[test]
    fn oversized_input_is_refused() {
        let mut big = b"protocol=https\nhost=".to_vec();
        big.resize(usize::try_from(MAX_REQUEST).unwrap() + 1, b'a');
        let e = read_request(&big[..]).unwrap_err();
        assert!(e.to_string().contains("larger than"), "{e}");
        big.truncate(usize::try_from(MAX_REQUEST).unwrap());
        let r = read_request(&big[..]).unwrap();
        assert_eq!(
            r.host.map(|h| h.len()),
            Some(usize::try_from(MAX_REQUEST).unwrap() - 20)
        );
    }

    #[test]
    fn debug_redacts_secrets() {
        let r = parse("password=hunter2-secret-value\ncredential=eyJsecret-bearer-value\n");
        let d = format!("{r:?}");
        assert!(
            !d.contains("hunter2-secret-value") && !d.contains("secret-bearer"),
            "{d}"
        );
    }

    #[test]
    fn basic_answer_round_trips() {
        let out = get("protocol=https\nhost=git.example.com\n", &policy()).unwrap();
        assert_eq!(out, BASIC);
        // What git reads back is what was meant: the same parser sees it.
        let back = parse(&out);
        assert_eq!(back.username.as_deref(), Some("x-access-token"));
        assert_eq!(back.password.as_deref(), Some(TOKEN));
        assert!(!out.contains("url="));
    }

    #[test]
    fn basic_answer_keeps_the_requested_username() {
        let out = get("protocol=https\nhost=h\nusername=alice\n", &policy()).unwrap();
        assert!(out.starts_with("username=alice\npassword="), "{out}");
        // An empty requested username falls back to the profile's.
        let p = Policy {
            username: "bot",
            ..policy()
        };
        let out = get("protocol=https\nhost=h\nusername=\n", &p).unwrap();
        assert!(out.starts_with("username=bot\n"), "{out}");
    }

    #[test]
    fn bearer_needs_the_capability_and_an_offer() {
        let p = policy();
        let both = "capability[]=authtype\nprotocol=https\nhost=h\nwwwauth[]=Bearer realm=\"x\"\n";
        let out = get(both, &p).unwrap();
        assert_eq!(out, BEARER);
        let back = parse(&out);
        assert_eq!(back.credential.as_deref(), Some(TOKEN));
        assert_eq!(back.authtype.as_deref(), Some("Bearer"));
        assert_eq!(back.password, None);
        // Capability but a Basic-only server (git 2.47 always sends the capability).
        let basic_srv =
            "capability[]=authtype\nprotocol=https\nhost=h\nwwwauth[]=Basic realm=\"x\"\n";
        assert_eq!(get(basic_srv, &p).unwrap(), BASIC);
        // Capability and no challenge at all (proactive auth): Basic.
        assert_eq!(
            get("capability[]=authtype\nprotocol=https\nhost=h\n", &p).unwrap(),
            BASIC
        );
        // A Bearer offer but an older git without the capability: Basic.
        let old_git = "protocol=https\nhost=h\nwwwauth[]=Bearer\n";
        assert_eq!(get(old_git, &p).unwrap(), BASIC);
        // Scheme names are case-insensitive; several challenges in one header.
        for w in [
            "bearer",
            "BEARER realm=\"x\"",
            "Basic realm=\"a\", Bearer realm=\"b\"",
            "Negotiate, Bearer",
        ] {
            let r = format!("capability[]=authtype\nprotocol=https\nhost=h\nwwwauth[]={w}\n");
            assert_eq!(get(&r, &p).unwrap(), BEARER, "{w}");
        }
        for w in [
            "Basic realm=\"Bearer x\"",
            "Basic realm=\"a, Bearer b\"",
            "Basic bearer=1",
            "Bearerish",
            "",
        ] {
            let r = format!("capability[]=authtype\nprotocol=https\nhost=h\nwwwauth[]={w}\n");
            assert_eq!(get(&r, &p).unwrap(), BASIC, "{w}");
        }
    }

    #[test]
    fn git_auth_forces_a_form() {
        let bearer = Policy {
            git_auth: GitAuth::Bearer,
            ..policy()
        };
        let basic = Policy {
            git_auth: GitAuth::Basic,
            ..policy()
        };
        let capable = "capability[]=authtype\nprotocol=https\nhost=h\n";
        let offered = "capability[]=authtype\nprotocol=https\nhost=h\nwwwauth[]=Bearer\n";
        assert_eq!(get(capable, &bearer).unwrap(), BEARER);
        assert_eq!(get(offered, &basic).unwrap(), BASIC);
        // Without the capability git cannot take Bearer, whatever the profile says.
        assert_eq!(get("protocol=https\nhost=h\n", &bearer).unwrap(), BASIC);
    }

    #[test]
    fn no_answer_for_cert_other_protocols_or_missing_fields() {
        let p = policy();
        for r in [
            "protocol=cert\npath=/home/u/cert.pem\n",
            "protocol=cert\nhost=h\n",
            "protocol=smtp\nhost=smtp.example.com\n",
            "host=h\n",
            "protocol=https\n",
            "protocol=https\nhost=\n",
        ] {
            assert_eq!(get(r, &p), None, "{r}");
            assert!(skip_reason(&parse(r), &p).is_some());
        }
        assert!(get("protocol=HTTPS\nhost=h\n", &p).is_some());
    }

    #[test]
    fn plain_http_only_for_loopback_or_listed_hosts() {
        let p = policy();
        assert!(get("protocol=http\nhost=127.0.0.1:8080\n", &p).is_some());
        assert!(get("protocol=http\nhost=localhost\n", &p).is_some());
        assert!(get("protocol=http\nhost=[::1]:80\n", &p).is_some());
        assert_eq!(get("protocol=http\nhost=git.example.com\n", &p), None);
        let hosts = vec!["git.example.com".to_string()];
        let listed = Policy {
            git_hosts: Some(&hosts),
            ..policy()
        };
        assert!(get("protocol=http\nhost=git.example.com\n", &listed).is_some());
    }

    #[test]
    fn git_hosts_limit_the_answer() {
        let hosts = vec![
            "Git.Example.com".to_string(),
            "*.corp.example".to_string(),
            "pinned.example:8443".to_string(),
            "[::1]".to_string(),
        ];
        let p = Policy {
            git_hosts: Some(&hosts),
            ..policy()
        };
        let yes = [
            "git.example.com",
            "GIT.EXAMPLE.COM",
            "git.example.com:443",
            "git.example.com.",
            "a.corp.example",
            "a.b.corp.example:99",
            "pinned.example:8443",
            "[::1]:8080",
        ];
        let no = [
            "example.com",
            "evil-git.example.com",
            "git.example.com.evil",
            "corp.example",
            "acorp.example",
            "pinned.example",
            "pinned.example:443",
            "ünïcode.example",
            "[::2]",
        ];
        for h in yes {
            let r = format!("protocol=https\nhost={h}\n");
            assert!(get(&r, &p).is_some(), "{h} should be answered");
        }
        for h in no {
            let r = format!("protocol=https\nhost={h}\n");
            assert_eq!(get(&r, &p), None, "{h} must not be answered");
        }
        let none: Vec<String> = Vec::new();
        let empty = Policy {
            git_hosts: Some(&none),
            ..policy()
        };
        assert_eq!(get("protocol=https\nhost=h\n", &empty), None);
    }

    #[test]
    fn refuses_values_git_would_misparse() {
        for bad in ["tok\nen", "tok\0en", "tok\ren"] {
            let t = Token {
                clock_skew: None,
                access_token: bad.into(),
                ..token()
            };
            let r = parse("protocol=https\nhost=h\n");
            assert!(answer(&r, &t, &policy()).is_err(), "{bad:?}");
        }
        // A requested username cannot carry one (the parser split on LF), but a
        // CR can reach it: refused rather than echoed.
        let r = parse("protocol=https\nhost=h\nusername=a\rpassword=x\n");
        assert!(answer(&r, &token(), &policy()).is_err());
    }

    #[test]
    fn unknown_action_and_store_need_no_config_or_input() {
        // A reader that fails proves the input is never read.
        struct Unreadable;
        impl Read for Unreadable {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("must not be read"))
            }
        }
        // A selection that cannot be resolved, as with a config path that
        // does not exist.
        let broken = || {
            Err(Error::config(
                "config file /nonexistent/cytoken.toml does not exist",
            ))
        };
        for action in ["capability", "list", "store", "approve"] {
            let mut out = Vec::new();
            assert_eq!(
                run(action, Unreadable, broken, CacheUse::Use, &mut out).unwrap(),
                0,
                "{action}"
            );
            assert!(out.is_empty());
        }
        // get reads the request first: a bad request fails before the config.
        let mut out = Vec::new();
        let e = run("get", &b"junk\n"[..], broken, CacheUse::Use, &mut out).unwrap_err();
        assert!(e.to_string().contains("key=value"), "{e}");
        assert!(out.is_empty());
        // A request this profile never answers still needs the selection (its
        // git_hosts); a broken selection is an error with nothing on stdout.
        let e = run(
            "get",
            &b"protocol=https\nhost=h\n"[..],
            broken,
            CacheUse::Use,
            &mut out,
        )
        .unwrap_err();
        assert_eq!(e.exit_code(), 2, "{e}");
        assert!(out.is_empty());
    }
}
