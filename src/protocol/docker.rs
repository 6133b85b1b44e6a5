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
//! The profile's `docker_hosts` are matched by the rules of [`crate::hosts`]
//! (the same as git's `git_hosts`), the server URL docker sends (`host`,
//! `host:port`, `https://host/…`, `http://host:port/v2/`, …) read as a target
//! by [`crate::hosts::Target::from_url`].
//!
//! Everything but [`run`] is pure or takes its selection as an argument, so the whole
//! protocol is tested in-process.

use std::io::{Read, Write};

use serde::Serialize;

use super::{Call, Profile};
use crate::config::{ForHost, HostKey};
use crate::diag;
use crate::error::{Error, Result};
use crate::hosts::{self, Scheme, Target};
use crate::source::TokenSource;

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

/// Runs one docker credential helper action (the front-end signature,
/// [`super::Run`]). All output, errors included, goes to `call.out`, so the
/// result is always the exit status, never an `Err`.
#[allow(
    clippy::unnecessary_wraps,
    reason = "the one front-end signature, which the others need fallible"
)]
pub(crate) fn run(call: Call<'_>) -> Result<i32> {
    Ok(finish(
        &handle(call.action, call.input, call.profile),
        call.out,
    ))
}

/// Performs `action`. The selection is resolved only by the actions that need it,
/// so `store`, `version` and a request docker could never get an answer to work
/// even with a broken config.
pub(crate) fn handle(action: &str, input: &mut dyn Read, profile: &dyn Profile) -> Outcome {
    match action {
        "get" => {
            let server = match read_request(input) {
                Ok(s) => s,
                Err(o) => return o,
            };
            let Some(target) = Target::from_url(&server) else {
                diag::log(1, "docker: not a server URL; answering not found");
                return Outcome::NotFound;
            };
            let sel = match profile.selection(Some(for_host(&target))) {
                Ok(s) => s,
                Err(e) => return failed(&e),
            };
            if !hosts::allowed(sel.front_end.docker_hosts.as_deref(), &target) {
                let why = if sel.front_end.docker_hosts.is_none() {
                    "is plain http to another machine: list it in docker_hosts as it is \
                     written here to send it a token anyway"
                } else if target.scheme == Scheme::Http {
                    "is not in docker_hosts (plain http needs an entry written \
                     http://host[:port])"
                } else {
                    "is not in docker_hosts"
                };
                diag::log(
                    1,
                    format_args!("docker: {target} {why} (profile '{}')", sel.profile),
                );
                return Outcome::NotFound;
            }
            // docker names local registries `localhost:5000` (no scheme) and
            // talks plain http to them: the port is checked whatever the
            // scheme (DESIGN §5 "Loopback peers").
            if let Some(why) = hosts::foreign_server(&target, true) {
                diag::warn(format_args!("docker: {why}; answering not found"));
                return Outcome::NotFound;
            }
            match profile.tokens().and_then(TokenSource::token) {
                Ok(t) => Outcome::Answer(credentials_json(
                    &server,
                    &sel.front_end.username,
                    t.access_token.expose(),
                )),
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
            let Some(target) = Target::from_url(&server) else {
                return Outcome::Done;
            };
            let sel = match profile.selection(Some(for_host(&target))) {
                Ok(s) => s,
                Err(e) => return failed(&e),
            };
            if !hosts::allowed(sel.front_end.docker_hosts.as_deref(), &target) {
                return Outcome::Done;
            }
            match profile.tokens().and_then(TokenSource::clear) {
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
        "list" => match profile.selection(None) {
            Ok(sel) => Outcome::Answer(list_json(
                sel.front_end.docker_hosts.as_deref(),
                &sel.front_end.username,
            )),
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

/// What picks the profile for a request to `target` when none is named: its
/// `docker_hosts` (docker passes a helper no arguments, so this is its only
/// way to pick one; DESIGN §4).
fn for_host(target: &Target) -> ForHost<'_> {
    ForHost {
        key: HostKey::Docker,
        target,
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

/// Reads the request, at most [`super::MAX_REQUEST`] bytes, and trims it as the upstream
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

/// Reduces a server URL in any of the forms docker sends to its canonical
/// target: `host[:port]` for https, `http://host[:port]` for plain http (host
/// lowercased, userinfo, path and the scheme's default port dropped). `None`
/// when it names no usable host: empty, an unknown scheme, a bad port, or
/// characters no host name has. The result is itself a server URL (and a
/// `docker_hosts` entry) for the same target.
pub fn normalise(server: &str) -> Option<String> {
    Target::from_url(server).map(|t| t.to_string())
}

/// Whether the server URL `server` may be answered for under `hosts` (the
/// profile's `docker_hosts`, by the rules of [`crate::hosts`]); a URL
/// [`normalise`] refuses, never.
pub fn allowed(hosts: Option<&[String]>, server: &str) -> bool {
    Target::from_url(server).is_some_and(|t| hosts::allowed(hosts, &t))
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
        .filter(|h| hosts::names_one_host(h))
        .map(|h| (h.to_string(), serde_json::Value::from(username)))
        .collect();
    let mut s = serde_json::Value::Object(map).to_string();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests;
