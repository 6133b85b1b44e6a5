//! git credential helper (`cytoken git-credential get|store|erase`, also run as
//! `git-credential-cytoken`): parses git's request, asks the broker for a token and
//! answers in Basic or Bearer form (DESIGN §4).
//!
//! The work is split so everything but the broker call is pure and tested
//! in-process: [`parse_request`] turns git's bytes into a [`Request`],
//! [`skip_reason`] decides whether this profile answers at all, and [`answer`] maps
//! (request, token, [`Policy`]) to the lines git reads back; one rule
//! (`valid`) refuses what must never be in a line, read or written.
//!
//! git ignores a helper's exit status, so a failure prints nothing on stdout (an
//! answer is written whole or not at all) and the reason on stderr (via main).

use std::io::Read;

use super::{Call, Profile};
use crate::config::{ForHost, GitAuth, HostKey, Selection};
use crate::diag;
use crate::error::{Error, Result};
use crate::hosts::{self, Scheme, Target};
use crate::output::out;
use crate::secret::Secret;
use crate::source::Token;

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
/// git's own helpers do, so newer gits can add attributes freely. A password
/// or credential (sent on `erase`) is a token, never shown.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Request {
    pub protocol: Option<String>,
    pub host: Option<String>,
    pub path: Option<String>,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub authtype: Option<String>,
    pub credential: Option<Secret>,
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

/// Reads and parses git's request, at most [`super::MAX_REQUEST`] bytes.
pub fn read_request(input: impl Read) -> Result<Request> {
    let buf = super::read_bounded(input)
        .map_err(|m| Error::new(m.kind(), format!("git-credential: {m}")).with_source(m))?;
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
        if !valid(raw, Direction::Request) {
            return Err(Error::malformed(format!(
                "git-credential: request line {n} contains a NUL byte; refusing the request"
            )));
        }
        let line = std::str::from_utf8(raw).map_err(|_| {
            Error::malformed(format!(
                "git-credential: request line {n} is not valid UTF-8; refusing the request"
            ))
        })?;
        let Some((key, value)) = line.split_once('=') else {
            return Err(Error::malformed(format!(
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
            "password" => req.password = Some(Secret::new(value)),
            "authtype" => req.authtype = Some(value),
            "credential" => req.credential = Some(Secret::new(value)),
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
            username: &sel.front_end.username,
            git_auth: sel.front_end.git_auth,
            git_hosts: sel.front_end.git_hosts.as_deref(),
        }
    }
}

/// Why this profile does not answer `req`, or `None` when it does.
///
/// Every refusal exists so the token never goes where it was not meant to:
/// - `protocol=cert` asks for a client-certificate passphrase, not a token;
/// - protocols other than http(s) (git send-email asks for `smtp`, …) are other
///   services entirely;
/// - a host with control characters or spaces, or that is no `host[:port]`, is
///   no real host;
/// - a host outside `git_hosts` belongs to someone else, and so does another
///   port of a listed host, and plain `http` would send the token in clear
///   text (the matching rules: [`crate::hosts`]).
///
/// Who holds a loopback port is asked of the machine, not decided here (see
/// `foreign_server` below, which `get` asks before minting).
pub fn skip_reason(req: &Request, p: &Policy) -> Option<String> {
    let Some(protocol) = req.protocol.as_deref() else {
        return Some("the request names no protocol".into());
    };
    let Some(scheme) = Scheme::parse(protocol) else {
        return Some(format!(
            "protocol '{}' is not http or https (cytoken answers only for git over HTTP)",
            protocol.escape_debug()
        ));
    };
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
    let Some(target) = Target::new(scheme, host) else {
        return Some(format!(
            "host '{}' is not a host name or IP address with an optional port",
            host.escape_debug()
        ));
    };
    if hosts::allowed(p.git_hosts, &target) {
        return None;
    }
    Some(match (scheme, p.git_hosts) {
        (Scheme::Http, None) => format!(
            "{target} is not encrypted; list it in git_hosts as \"{target}\" to send it a \
             token anyway"
        ),
        (Scheme::Http, Some(_)) => format!(
            "{target} is not in the profile's git_hosts (plain http needs an entry written \
             http://host[:port])"
        ),
        (Scheme::Https, _) => format!("host '{target}' is not in the profile's git_hosts"),
    })
}

/// Why git's connection for `req` (a request [`skip_reason`] passed) may
/// not be the user's: another user could receive git's connection to the
/// loopback port, or the user does not listen there (DESIGN §5 "Loopback
/// peers"). git asks for a credential after the server's 401 and sends it on
/// the connection it holds or on a new one (after `Connection: close`), so
/// the port is checked whatever the scheme (a local https server is often
/// reached with `http.sslVerify=false`).
fn foreign_server(req: &Request) -> Option<String> {
    let target = target(req)?;
    hosts::foreign_server(&target, target.scheme == Scheme::Http)
}

/// Where `req` would send the token; `None` when it names no http(s) host
/// (then [`skip_reason`] refuses it, whatever the profile).
fn target(req: &Request) -> Option<Target> {
    Target::new(
        Scheme::parse(req.protocol.as_deref()?)?,
        req.host.as_deref()?,
    )
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
            ("credential", token.access_token.expose().clone()),
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
                ("password", token.access_token.expose().clone()),
                ("password_expiry_utc", expiry),
            ]
        }
    };
    for (key, value) in &lines {
        if !valid(value.as_bytes(), Direction::Answer) {
            return Err(Error::other(format!(
                "git-credential: the {key} value contains a line break or NUL byte; not \
                 answering"
            )));
        }
    }
    Ok(Some(lines))
}

/// Which way a `key=value` line travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// From git: a request line, its LF already split off.
    Request,
    /// To git: a key or value of an answer.
    Answer,
}

/// The one rule for the bytes of a `key=value` line, read from git or written
/// to it (as gix-credentials' `validate` serves its decoder and its encoder).
/// A NUL cuts a value in git's reader and a LF ends it, and the rest would be
/// read as other attributes: neither is legitimate either way. A CR is refused
/// in an answer (git strips one, and older gits split the line at it); in a
/// request it is data, never a line break (CVE-2024-52006), kept in the value
/// for [`skip_reason`] to refuse in a host.
fn valid(bytes: &[u8], direction: Direction) -> bool {
    let refused: &[u8] = match direction {
        Direction::Request => b"\n\0",
        Direction::Answer => b"\n\r\0",
    };
    !bytes.iter().any(|b| refused.contains(b))
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

/// Runs the helper (the front-end signature, [`super::Run`]): `call.action`
/// and git's request on `call.input`, the answer (if any) on `call.out`.
/// Returns the exit status; git ignores it.
pub(crate) fn run(call: Call<'_>) -> Result<i32> {
    let Some(action) = Action::parse(call.action) else {
        // git may grow new actions; a helper ignores what it does not know, without
        // even reading its config.
        diag::log(
            1,
            format_args!("git-credential: ignoring unknown action '{}'", call.action),
        );
        return Ok(0);
    };
    match action {
        // Tokens are minted on demand and cached by cytoken itself: there is
        // nothing for git to store, so neither the request nor the config is read.
        Action::Store => Ok(0),
        Action::Get => get(call),
        Action::Erase => erase(call),
    }
}

/// git's request, and the profile's policy, when this profile answers it:
/// the profile its host picks (`git_hosts`, DESIGN §4) unless one is named.
fn answerable<'a>(
    input: &mut dyn Read,
    profile: &'a dyn Profile,
) -> Result<Option<(Request, Policy<'a>)>> {
    let req = read_request(input)?;
    let target = target(&req);
    let host = target.as_ref().map(|target| ForHost {
        key: HostKey::Git,
        target,
    });
    let policy = Policy::of(profile.selection(host)?);
    if let Some(why) = skip_reason(&req, &policy) {
        diag::log(1, format_args!("git-credential: not answering: {why}"));
        return Ok(None);
    }
    Ok(Some((req, policy)))
}

/// `get`: the token, as the form git and the server take.
fn get(call: Call<'_>) -> Result<i32> {
    let Call {
        input,
        profile,
        out: w,
        ..
    } = call;
    let Some((req, policy)) = answerable(input, profile)? else {
        return Ok(0);
    };
    if let Some(why) = foreign_server(&req) {
        diag::warn(format_args!("git-credential: not answering: {why}"));
        return Ok(0);
    }
    let token = profile.tokens()?.token()?;
    match answer(&req, &token, &policy)? {
        Some(lines) => {
            diag::log(
                1,
                format_args!(
                    "git-credential: answering with a {:?} credential",
                    form(&req, &policy)
                ),
            );
            out(w, format_args!("{}", render(&lines)))
        }
        None => Ok(0),
    }
}

/// `erase`: the server refused the credential git sent. Compare-and-invalidate:
/// the cached entry is dropped only if it still holds it, so a late `erase`
/// from one git never throws away a newer token another process minted.
fn erase(call: Call<'_>) -> Result<i32> {
    let Call { input, profile, .. } = call;
    let Some((req, _)) = answerable(input, profile)? else {
        return Ok(0);
    };
    let tokens = profile.tokens()?;
    for rejected in [&req.credential, &req.password].into_iter().flatten() {
        if tokens.invalidate_if_current(rejected.expose())? {
            diag::log(
                1,
                format_args!(
                    "git-credential: dropped the cached token {} the server refused",
                    crate::redact::redact(rejected.expose())
                ),
            );
            break;
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests;
