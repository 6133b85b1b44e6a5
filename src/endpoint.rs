//! URL policy for the endpoints tokens go to: `https://`, plain http only to
//! this machine.

use std::net::{IpAddr, ToSocketAddrs};

use ureq::http::Uri;

use crate::error::{Error, Result};
use crate::redact::{SNIPPET_CHARS, quote_origin, sanitize};

/// Validates an auth URL: `https://` always allowed; `http://` only for loopback hosts
/// (127.0.0.0/8, `::1` / `[::1]`, localhost). A user name or password in the URL is
/// refused: ureq would send it as Basic auth, and messages would print it.
/// Anything else is a configuration error.
pub(crate) fn check_auth_url(url: &str) -> Result<()> {
    // Only an error shows the URL: the cached call does not pay for it.
    let shown = || quote_origin(url);
    let uri: Uri = url.trim().parse().map_err(|_| {
        Error::config(format!(
            "auth_url {} is not a valid URL: use https://<host>/auth/v2/token",
            shown()
        ))
    })?;
    // `host()` is the real host even for `http://127.0.0.1@evil.com` (userinfo is
    // split off), so the loopback test below cannot be fooled by that trick.
    let host = uri.host().unwrap_or_default();
    let scheme = uri.scheme_str().unwrap_or_default();
    if host.is_empty() || scheme.is_empty() {
        return Err(Error::config(format!(
            "auth_url {} is not an absolute URL: use https://<host>/auth/v2/token",
            shown()
        )));
    }
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(Error::config(format!(
            "auth_url {} holds a user name or password: remove the `user:password@` \
             part, as in https://<host>/auth/v2/token (cytoken authenticates with the \
             signed auth token; a password in a URL would be sent to the server and shown \
             in logs)",
            shown()
        )));
    }
    let host_shown = || sanitize(host, SNIPPET_CHARS);
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
            "auth_url {} uses plain http to {}, which is not a loopback host: tokens would cross the network unencrypted — use https://",
            shown(),
            host_shown()
        )));
    }
    Err(Error::config(format!(
        "auth_url {} (host {}) uses the unsupported scheme `{}`: use https://",
        shown(),
        host_shown(),
        sanitize(scheme, 20)
    )))
}

/// Whether `host` (a name or IP, IPv6 maybe in brackets, no port) is this
/// machine: 127.0.0.0/8, ::1, or `localhost` when every address it resolves to
/// is one of those (a hosts file or resolver can point the name anywhere).
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return ip.is_loopback();
    }
    bare.eq_ignore_ascii_case("localhost")
        && (bare, 0)
            .to_socket_addrs()
            .is_ok_and(|addrs| all_loopback(addrs.map(|a| a.ip())))
}

/// Whether there is at least one address and every one is loopback.
fn all_loopback(mut addrs: impl Iterator<Item = IpAddr>) -> bool {
    let mut any = false;
    addrs.all(|ip| {
        any = true;
        ip.is_loopback()
    }) && any
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_must_resolve_to_loopback_only() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(all_loopback([ip("127.0.0.1"), ip("::1")].into_iter()));
        assert!(!all_loopback([ip("127.0.0.1"), ip("10.0.0.1")].into_iter()));
        assert!(!all_loopback(std::iter::empty()));
        assert!(is_loopback_host("127.0.0.2") && is_loopback_host("[::1]"));
        assert!(!is_loopback_host("example.com") && !is_loopback_host("10.0.0.1"));
    }

    #[test]
    fn userinfo_is_refused_and_never_shown() {
        for url in [
            "https://user:pa55w0rd@protectapi.cylance.com/auth/v2/token",
            "https://pa55w0rd@protectapi.cylance.com/auth/v2/token",
            "http://x:pa55w0rd@127.0.0.1:1/auth/v2/token",
        ] {
            let e = check_auth_url(url).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{url}");
            assert!(!e.to_string().contains("pa55w0rd"), "{e}");
            assert!(e.to_string().contains("user name or password"), "{e}");
        }
    }
}
