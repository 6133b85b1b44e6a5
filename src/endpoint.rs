//! URL policy for the endpoints tokens go to: `https://`, plain http only to
//! this machine.

use std::net::IpAddr;

use ureq::http::Uri;

use crate::error::{Error, Result};
use crate::redact::{SNIPPET_CHARS, quote, sanitize};

/// Validates an auth URL: `https://` always allowed; `http://` only for loopback hosts
/// (127.0.0.0/8, ::1 / [::1], localhost). Anything else is an [`Error::Config`].
pub(crate) fn check_auth_url(url: &str) -> Result<()> {
    let shown = quote(url);
    let uri: Uri = url.trim().parse().map_err(|_| {
        Error::config(format!(
            "auth_url {shown} is not a valid URL: use https://<host>/auth/v2/token"
        ))
    })?;
    // `host()` is the real host even for `http://127.0.0.1@evil.com` (userinfo is
    // split off), so the loopback test below cannot be fooled by that trick.
    let host = uri.host().unwrap_or_default();
    let scheme = uri.scheme_str().unwrap_or_default();
    if host.is_empty() || scheme.is_empty() {
        return Err(Error::config(format!(
            "auth_url {shown} is not an absolute URL: use https://<host>/auth/v2/token"
        )));
    }
    let host_shown = sanitize(host, SNIPPET_CHARS);
    if scheme.eq_ignore_ascii_case("https") {
        return Ok(());
    }
    if scheme.eq_ignore_ascii_case("http") {
        // Plain http would send the auth token (a replayable credential for up to 30
        // minutes) and the access token in clear text; that is only acceptable when
        // neither leaves the machine, as with the built-in demo endpoint and tests.
        if is_loopback_host(host) {
            return Ok(());
        }
        return Err(Error::config(format!(
            "auth_url {shown} uses plain http to {host_shown}, which is not a loopback host: tokens would cross the network unencrypted — use https://"
        )));
    }
    Err(Error::config(format!(
        "auth_url {shown} (host {host_shown}) uses the unsupported scheme `{}`: use https://",
        sanitize(scheme, 20)
    )))
}

/// Whether `host` (a name or IP, IPv6 maybe in brackets, no port) is this
/// machine: `localhost`, 127.0.0.0/8 or ::1.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
