//! `git_hosts` / `docker_hosts`: which hosts a profile answers for, one matcher
//! for both front-ends (DESIGN §4, §5).
//!
//! A **target** is where the client is about to send the token: a scheme
//! (`https` or `http`), a host (lowercase, one trailing dot dropped, an IPv6
//! address in brackets and in its canonical form, `[::1]`) and a port (the
//! scheme's default, 443 or 80, when none is given). Host names are ASCII
//! letters, digits, `-`, `_` and dots, with no empty label; anything else
//! (spaces, `%`-escapes, `*`, `@`, non-ASCII, port 0 or above 65535) is no
//! target, and gets no token. git gives its target as `protocol` and `host`
//! ([`Target::new`]); docker as a server URL ([`Target::from_url`]).
//!
//! A **pattern** is one entry of `git_hosts` / `docker_hosts`:
//! `host`, `host:port`, `[v6]`, `[v6]:port`, `*.suffix` or `*.suffix:port`,
//! optionally preceded by `https://` or `http://` (any case) and followed by a
//! lone `/`. Rules:
//! - without a scheme a pattern means https; `https://` means https only,
//!   `http://` plain http only;
//! - without a port a pattern covers only the scheme's default port (443, or 80
//!   for http): `git.example.com` does not cover `git.example.com:8443`, which
//!   anyone with an account on that machine may be running;
//! - `*.suffix` covers every name strictly below `suffix`, at any depth, never
//!   `suffix` itself and never an IP address;
//! - names compare case-insensitively (both sides are lowercased);
//! - plain http (the token in clear text) is answered only for an explicit
//!   `http://` pattern, or for a loopback target (127.0.0.0/8, `[::1]`,
//!   `localhost`) that a scheme-less pattern covers: `127.0.0.1:8080` covers
//!   `http://127.0.0.1:8080`, `localhost` covers `http://localhost` on port 80
//!   only;
//! - a bad pattern (another scheme, userinfo, a path other than `/`, a query, a
//!   bad host or port, `*` anywhere but a leading `*.`) is ignored, logged at
//!   `-v`, and matches nothing. A path is refused rather than ignored: an entry
//!   `https://git.example.com/team/` must not silently cover the whole host.
//!
//! No list (the key is absent) allows every https target and loopback http
//! targets on any port; an empty list allows nothing.
//!
//! Whatever the patterns say, a target on this machine (any scheme) gets a
//! token only while the user or root listens on its port on every address
//! the client dials, and no other user's socket could receive there
//! ([`foreign_server`], DESIGN §5 "Loopback peers").

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::diag;
use crate::endpoint::is_loopback_host;
use crate::platform;
use crate::redact::quote;

/// The two schemes a token is ever sent over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    Https,
    Http,
}

impl Scheme {
    /// `https` or `http`, in any case; `None` for anything else.
    pub(crate) fn parse(name: &str) -> Option<Scheme> {
        if name.eq_ignore_ascii_case("https") {
            Some(Scheme::Https)
        } else if name.eq_ignore_ascii_case("http") {
            Some(Scheme::Http)
        } else {
            None
        }
    }

    pub(crate) fn default_port(self) -> u16 {
        match self {
            Scheme::Https => 443,
            Scheme::Http => 80,
        }
    }
}

/// Where a token would go. Built only by [`Target::new`] and
/// [`Target::from_url`], so its host is always valid and lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) scheme: Scheme,
    pub(crate) host: String,
    pub(crate) port: u16,
}

impl Target {
    /// The target for `scheme` and an authority `host[:port]` / `[v6][:port]`
    /// (git's `host` attribute); `None` when it is not one.
    pub(crate) fn new(scheme: Scheme, authority: &str) -> Option<Target> {
        let (host, port) = split_authority(authority)?;
        Some(Target {
            scheme,
            host: parse_host(host)?,
            port: port.unwrap_or(scheme.default_port()),
        })
    }

    /// The target of a server URL as docker sends it: `host`, `host:port`,
    /// `https://host/…`, `http://user@host:port/v2/`. Surrounding whitespace,
    /// userinfo, path, query and fragment are dropped; no scheme means https;
    /// `None` for another scheme or no valid host and port.
    pub(crate) fn from_url(url: &str) -> Option<Target> {
        let s = url.trim();
        let (scheme, rest) = match s.split_once("://") {
            Some((scheme, rest)) => (Scheme::parse(scheme)?, rest),
            None => (Scheme::Https, s),
        };
        let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        // `user@host`: the host is what the token is for; the user is irrelevant.
        let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        Target::new(scheme, hostport)
    }

    /// Whether the target is this machine, where plain http never leaves it.
    pub(crate) fn is_loopback(&self) -> bool {
        is_loopback_host(&self.host)
    }

    /// The addresses of this machine a client may connect to for the target,
    /// whoever else the name may also resolve to; empty when it is not this
    /// machine. An address is taken as a client reads it: the loopback
    /// addresses (IPv4-mapped too, and IPv4 in the shorthand glibc takes,
    /// `127.1`, `2130706433`, `0x7f000001`: see [`inet_aton`]), the
    /// unspecified ones (a connection to `0.0.0.0` or `[::]` goes to
    /// `127.0.0.1` or `[::1]` on Linux and macOS). A name is `localhost` or
    /// below it (RFC 6761: resolvers answer both loopback addresses for
    /// them), or one the hosts file (its text, asked for only then) maps to
    /// one of those: Debian's `127.0.1.1 <hostname>`, or
    /// `127.0.0.1 registry.local`, which docker then talks plain http to.
    fn dialed(&self, hosts_file: impl FnOnce() -> String) -> Vec<IpAddr> {
        let bare = self.host.trim_start_matches('[').trim_end_matches(']');
        if let Some(ip) = address(bare) {
            return this_machine(ip).into_iter().collect();
        }
        let mut found = Vec::new();
        if self.host == "localhost" || self.host.ends_with(".localhost") {
            found.extend([
                IpAddr::from([127, 0, 0, 1]),
                IpAddr::from(Ipv6Addr::LOCALHOST),
            ]);
        }
        for line in hosts_file().lines() {
            let mut fields = line
                .split('#')
                .next()
                .unwrap_or_default()
                .split_ascii_whitespace();
            let Some(ip) = fields.next().and_then(address).and_then(this_machine) else {
                continue;
            };
            let named = fields.any(|n| {
                n.strip_suffix('.')
                    .unwrap_or(n)
                    .eq_ignore_ascii_case(&self.host)
            });
            if named && !found.contains(&ip) {
                found.push(ip);
            }
        }
        found
    }
}

/// `text` as an IP address: IPv6, or IPv4 in any form glibc's resolver
/// takes.
fn address(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| inet_aton(text).map(IpAddr::V4))
}

/// An IPv4 address as inet_aton (and so glibc's getaddrinfo, which git's
/// curl and docker resolve with) reads it: one to four parts separated by
/// dots, each decimal, octal (a leading `0`) or hex (`0x`), the last one
/// filling the remaining bytes: `127.1` is 127.0.0.1, `2130706433` and
/// `0x7f000001` are too, `0` is 0.0.0.0.
fn inet_aton(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut values = Vec::with_capacity(4);
    for part in &parts {
        let (digits, radix) =
            if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
                (hex, 16)
            } else if part.len() > 1 && part.starts_with('0') {
                (&part[1..], 8)
            } else {
                (*part, 10)
            };
        // inet_aton takes `0x` alone as 0; an empty part is no number.
        if part.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        let value = if digits.is_empty() {
            0
        } else {
            u32::from_str_radix(digits, radix).ok()?
        };
        values.push(value);
    }
    let (last, leading) = values.split_last()?;
    // Each leading part is one byte; the last fills the rest.
    let rest_bits = 32 - 8 * u32::try_from(leading.len()).ok()?;
    if leading.iter().any(|&v| v > 0xff) || (rest_bits < 32 && *last >= 1 << rest_bits) {
        return None;
    }
    let high = leading
        .iter()
        .enumerate()
        .fold(0u32, |acc, (i, &v)| acc | (v << (24 - 8 * i)));
    Some(Ipv4Addr::from(high | last))
}

/// The address a connection to `ip` reaches when it stays on this machine's
/// loopback (the unspecified address reaches its family's loopback).
fn this_machine(ip: IpAddr) -> Option<IpAddr> {
    match ip.to_canonical() {
        IpAddr::V4(v4) if v4.is_unspecified() => Some(Ipv4Addr::LOCALHOST.into()),
        IpAddr::V6(v6) if v6.is_unspecified() => Some(Ipv6Addr::LOCALHOST.into()),
        ip => ip.is_loopback().then_some(ip),
    }
}

/// The canonical form: `host[:port]` for https, `http://host[:port]` for http,
/// the default port left out. [`Target::from_url`] reads it back unchanged.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scheme == Scheme::Http {
            f.write_str("http://")?;
        }
        f.write_str(&self.host)?;
        if self.port != self.scheme.default_port() {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

/// Why `target` must get no token whatever the patterns say: it is a
/// loopback port (any scheme: docker talks plain http to local registries,
/// and a local https server often has a certificate nobody checks) where
/// another user of this machine could receive a connection to one of the
/// addresses the client dials ([`Target::dialed`]), or where the user or
/// root does not listen on each (DESIGN §5 "Loopback peers"; Linux, see
/// `platform::foreign_port`).
pub(crate) fn foreign_server(target: &Target) -> Option<String> {
    let dialed = target.dialed(platform::hosts_file);
    if dialed.is_empty() {
        return None;
    }
    let port = target.port;
    platform::foreign_port(&dialed, port).map(|stranger| match stranger {
        platform::Stranger::User(uid) => format!(
            "port {port} of this machine ({target}) is held by another user (uid {uid}): a \
             token sent there would be theirs"
        ),
        platform::Stranger::Unknown => {
            let at: Vec<String> = dialed.iter().map(ToString::to_string).collect();
            format!(
                "nothing of yours or root's listens on port {port} of this machine at {} \
                 ({target}): a token sent there would go to whoever listens there next",
                at.join(" and ")
            )
        }
    })
}

/// Whether `target` may get a token under `patterns` (`None`: the key is
/// absent). Every bad pattern in the list is logged at `-v`.
pub(crate) fn allowed(patterns: Option<&[String]>, target: &Target) -> bool {
    let Some(list) = patterns else {
        return target.scheme == Scheme::Https || target.is_loopback();
    };
    // Not `any`: every bad entry is reported, not only those before a match.
    let mut found = false;
    for pattern in list {
        found |= matches(pattern, target);
    }
    found
}

/// Whether the one pattern `pattern` covers `target`; a bad pattern is logged at
/// `-v` and covers nothing.
pub(crate) fn matches(pattern: &str, target: &Target) -> bool {
    match Pattern::parse(pattern) {
        Ok(p) => p.covers(target),
        Err(why) => {
            diag::log(
                1,
                format_args!("ignoring the host pattern {}: {why}", quote(pattern)),
            );
            false
        }
    }
}

/// Whether `pattern` is valid and names one host (no wildcard): what docker's
/// `list` can offer as a registry.
pub(crate) fn names_one_host(pattern: &str) -> bool {
    Pattern::parse(pattern).is_ok_and(|p| matches!(p.host, HostPattern::Exact(_)))
}

#[derive(Debug, PartialEq, Eq)]
enum HostPattern {
    /// Exactly this host.
    Exact(String),
    /// Any name strictly below this suffix.
    Below(String),
}

/// A parsed pattern; see the module documentation.
#[derive(Debug, PartialEq, Eq)]
struct Pattern {
    /// `None`: written without a scheme (https, or http to a loopback target).
    scheme: Option<Scheme>,
    host: HostPattern,
    /// `None`: the target scheme's default port.
    port: Option<u16>,
}

impl Pattern {
    fn parse(text: &str) -> Result<Pattern, &'static str> {
        let s = text.trim();
        let (scheme, rest) = match s.split_once("://") {
            Some((scheme, rest)) => (
                Some(Scheme::parse(scheme).ok_or("only https:// or http:// may precede a host")?),
                rest,
            ),
            None => (None, s),
        };
        let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
        if !path.is_empty() && path != "/" {
            return Err(
                "a path, query or fragment cannot be matched: write [scheme://]host[:port]",
            );
        }
        if authority.contains('@') {
            return Err("a user name (user@) has no place in a host pattern");
        }
        let (host, port) =
            split_authority(authority).ok_or("not host[:port] with a port 1-65535")?;
        let host = match host.strip_prefix("*.") {
            Some(suffix) => match parse_host(suffix) {
                Some(h) if !h.starts_with('[') => HostPattern::Below(h),
                _ => return Err("`*.` must be followed by a host name"),
            },
            None => HostPattern::Exact(parse_host(host).ok_or("not a host name or IP address")?),
        };
        Ok(Pattern { scheme, host, port })
    }

    fn covers(&self, t: &Target) -> bool {
        let scheme = match self.scheme {
            Some(s) => s == t.scheme,
            None => t.scheme == Scheme::Https || t.is_loopback(),
        };
        let port = self.port.unwrap_or(t.scheme.default_port()) == t.port;
        let host = match &self.host {
            HostPattern::Exact(h) => *h == t.host,
            HostPattern::Below(suffix) => {
                // Both are lowercase ASCII, so byte offsets are char boundaries.
                t.host.parse::<IpAddr>().is_err()
                    && t.host.len() > suffix.len() + 1
                    && t.host.ends_with(suffix.as_str())
                    && t.host.as_bytes()[t.host.len() - suffix.len() - 1] == b'.'
            }
        };
        scheme && port && host
    }
}

/// Splits `host[:port]` / `[v6][:port]`; `None` for an empty or bad port.
fn split_authority(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')? + 1;
        let (host, after) = authority.split_at(end);
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => {
            if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some(p.parse::<u16>().ok().filter(|&n| n != 0)?)
        }
    };
    Some((host, port))
}

/// The canonical host: a lowercase name without its one trailing dot, or
/// `[v6]` in canonical form. `None` for anything no host name is made of.
fn parse_host(host: &str) -> Option<String> {
    if let Some(inner) = host.strip_prefix('[') {
        let ip: Ipv6Addr = inner.strip_suffix(']')?.parse().ok()?;
        return Some(format!("[{ip}]"));
    }
    // One trailing dot is the DNS root (`host.` = `host`); an empty label
    // (`host..`, `.h`, `a..b`) names no host.
    let name = host.strip_suffix('.').unwrap_or(host);
    let valid = !name.is_empty()
        && name.split('.').all(|label| !label.is_empty())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    valid.then(|| name.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn https(host: &str) -> Target {
        Target::new(Scheme::Https, host).unwrap()
    }

    fn http(host: &str) -> Target {
        Target::new(Scheme::Http, host).unwrap()
    }

    fn list(patterns: &[&str]) -> Vec<String> {
        patterns.iter().map(|p| (*p).to_owned()).collect()
    }

    fn ok(patterns: &[&str], t: &Target) -> bool {
        allowed(Some(&list(patterns)), t)
    }

    #[test]
    fn targets_are_canonical() {
        let t = https("Git.Example.COM.");
        assert_eq!((t.host.as_str(), t.port), ("git.example.com", 443));
        assert_eq!(https("h:443"), https("h"));
        assert_eq!(http("h:80"), http("h"));
        assert_eq!(https("h:8443").port, 8443);
        assert_eq!(https("[0:0:0:0:0:0:0:1]:8080").host, "[::1]");
        assert_eq!(https("[2001:DB8::1]").host, "[2001:db8::1]");
        assert_eq!(https("h:8443").to_string(), "h:8443");
        assert_eq!(https("h:443").to_string(), "h");
        assert_eq!(http("h:80").to_string(), "http://h");
        assert_eq!(http("h:443").to_string(), "http://h:443");
        for bad in [
            "",
            ":443",
            "h:",
            "h:0",
            "h:65536",
            "h:123456",
            "h:+1",
            "h:1:2",
            "a..b",
            ".h",
            "h..",
            ".",
            "*.h",
            "h h",
            "h%2e",
            "ünï.example",
            "a@b",
            "a/b",
            "[::1",
            "[::1]x",
            "[zz::1]",
            "[127.0.0.1]",
            "[::1%eth0]",
            "[]",
        ] {
            assert_eq!(Target::new(Scheme::Https, bad), None, "{bad:?}");
        }
    }

    #[test]
    fn urls_reduce_to_targets() {
        let u = |s: &str| Target::from_url(s).map(|t| t.to_string());
        assert_eq!(
            u(" https://u:p@R.example:443/v2/?x#y\n").as_deref(),
            Some("r.example")
        );
        assert_eq!(
            u("HTTP://r.example:5000/v2/").as_deref(),
            Some("http://r.example:5000")
        );
        assert_eq!(u("r.example:5000").as_deref(), Some("r.example:5000"));
        assert_eq!(u("http://[::1]/v2/").as_deref(), Some("http://[::1]"));
        for bad in [
            "",
            "https://",
            "https:///v2/",
            "ftp://r.example",
            "file:///etc/passwd",
        ] {
            assert_eq!(u(bad), None, "{bad:?}");
        }
        // The canonical form reads back unchanged.
        for t in [https("a:1"), http("a:443"), http("[::1]:80"), https("b.")] {
            assert_eq!(Target::from_url(&t.to_string()), Some(t));
        }
    }

    #[test]
    fn a_pattern_without_a_port_covers_only_the_default_port() {
        assert!(ok(&["git.example.com"], &https("git.example.com")));
        assert!(ok(&["git.example.com"], &https("git.example.com:443")));
        assert!(!ok(&["git.example.com"], &https("git.example.com:8443")));
        assert!(ok(
            &["git.example.com:8443"],
            &https("git.example.com:8443")
        ));
        assert!(!ok(&["git.example.com:8443"], &https("git.example.com")));
        assert!(ok(&["git.example.com:443"], &https("git.example.com")));
        assert!(ok(&["http://h"], &http("h:80")));
        assert!(!ok(&["http://h"], &http("h:8080")));
        assert!(!ok(&["http://h"], &http("h:443")));
        assert!(ok(&["http://h:8080"], &http("h:8080")));
        assert!(ok(&["*.corp.example"], &https("a.corp.example")));
        assert!(!ok(&["*.corp.example"], &https("a.corp.example:99")));
        assert!(ok(&["*.corp.example:99"], &https("a.corp.example:99")));
        assert!(!ok(&["*.corp.example:99"], &https("a.corp.example")));
    }

    #[test]
    fn wildcards_cover_names_strictly_below_at_any_depth() {
        let p = ["*.corp.example"];
        assert!(ok(&p, &https("a.corp.example")));
        assert!(ok(&p, &https("a.b.c.corp.example")));
        assert!(ok(&p, &https("A.Corp.Example.")));
        assert!(!ok(&p, &https("corp.example")));
        assert!(!ok(&p, &https("evilcorp.example")));
        assert!(!ok(&p, &https("corp.example.evil")));
        assert!(!ok(&p, &https("example")));
        // Never an IP address, whatever its text ends with.
        assert!(!ok(&["*.0.0.1"], &https("127.0.0.1")));
        assert!(ok(&["*.0.0.1"], &https("x.0.0.1")));
    }

    #[test]
    fn names_compare_case_insensitively() {
        assert!(ok(&["Git.Example.COM"], &https("git.example.com")));
        assert!(ok(&["git.example.com"], &https("GIT.EXAMPLE.COM")));
        assert!(ok(&["HTTPS://GIT.example.com/"], &https("git.example.com")));
        assert!(ok(&["HTTP://Git.Example.com"], &http("git.EXAMPLE.com")));
        assert!(ok(&["git.example.com."], &https("git.example.com")));
        assert!(!ok(&["git.example.com"], &https("git.example.co")));
    }

    #[test]
    fn ipv6_in_brackets() {
        assert!(ok(&["[::1]"], &https("[::1]")));
        assert!(ok(&["[::1]:8443"], &https("[0::1]:8443")));
        assert!(!ok(&["[::1]"], &https("[::1]:8443")));
        assert!(ok(&["[2001:DB8::1]"], &https("[2001:db8:0::1]")));
        assert!(!ok(&["[::2]"], &https("[::1]")));
        // An unbracketed address is no host name (its colons read as a port).
        assert!(!ok(&["::1"], &https("[::1]")));
        assert!(!ok(&["*.[::1]"], &https("[::1]")));
    }

    #[test]
    fn plain_http_needs_an_http_pattern() {
        assert!(!ok(&["git.example.com"], &http("git.example.com")));
        assert!(!ok(&["https://git.example.com"], &http("git.example.com")));
        assert!(!ok(&["*.example.com"], &http("git.example.com")));
        assert!(ok(&["http://git.example.com"], &http("git.example.com")));
        assert!(ok(&["http://*.example.com"], &http("git.example.com")));
        // An http:// pattern is http only.
        assert!(!ok(&["http://git.example.com"], &https("git.example.com")));
        assert!(ok(&["https://git.example.com"], &https("git.example.com")));
        assert!(!allowed(None, &http("git.example.com")));
        assert!(allowed(None, &https("git.example.com:8443")));
    }

    #[test]
    fn loopback_http() {
        // No list: loopback http on any port.
        for h in [
            "127.0.0.1:8080",
            "127.1.2.3",
            "localhost:1",
            "[::1]:80",
            "LOCALHOST.",
        ] {
            assert!(allowed(None, &http(h)), "{h}");
        }
        assert!(!allowed(None, &http("127.0.0.1.example")));
        assert!(!allowed(None, &http("[::ffff:127.0.0.1]")));
        // A scheme-less pattern covers loopback http, with the same port rule.
        assert!(ok(&["127.0.0.1:8080"], &http("127.0.0.1:8080")));
        assert!(!ok(&["127.0.0.1"], &http("127.0.0.1:8080")));
        assert!(ok(&["localhost"], &http("localhost")));
        assert!(!ok(&["localhost"], &http("localhost:8080")));
        assert!(ok(&["[::1]:5000"], &http("[::1]:5000")));
        assert!(!ok(&["localhost:8080"], &http("127.0.0.1:8080")));
        // An explicit https:// pattern never covers http, loopback or not.
        assert!(!ok(&["https://127.0.0.1:8080"], &http("127.0.0.1:8080")));
        assert!(ok(&["http://127.0.0.1:8080"], &http("127.0.0.1:8080")));
    }

    /// The targets whose port is checked for another user's sockets (any
    /// way of naming this machine, whatever the scheme), and the addresses
    /// a client dials for them.
    #[test]
    fn targets_that_reach_this_machine() {
        let hosts_file = || {
            "# a hosts file\n127.0.0.1\tlocalhost registry.local\n127.0.1.1 devbox.example devbox\n\
             ::1 ip6-localhost localhost\n0.0.0.0 any.example\n10.0.0.5 lan.example\n\
             # 127.0.0.1 commented.example\n192.0.2.1 x # 127.0.0.1 commented.example\n\
             fe80::1%lo0 zoned.example\n127.0.0.7 both.example\n::1 both.example\n\
             127.1 short.example\n"
                .to_string()
        };
        let (v4, v6) = ("127.0.0.1", "::1");
        for (h, want) in [
            ("127.0.0.1:5000", &[v4][..]),
            ("127.3.2.1", &["127.3.2.1"]),
            ("[::1]:5000", &[v6]),
            ("localhost:5000", &[v4, v6]),
            ("LocalHost.", &[v4, v6]),
            ("registry.localhost:5000", &[v4, v6]),
            ("0.0.0.0:8443", &[v4]),
            ("[::]:8443", &[v6]),
            ("[::ffff:127.0.0.1]:8443", &[v4]),
            ("registry.local:5000", &[v4]),
            ("devbox", &["127.0.1.1"]),
            ("DevBox.Example.", &["127.0.1.1"]),
            ("any.example", &[v4]),
            ("both.example", &["127.0.0.7", v6]),
            ("short.example", &[v4]),
            // IPv4 as inet_aton reads it.
            ("127.1:5000", &[v4]),
            ("127.0.1", &[v4]),
            ("2130706433", &[v4]),
            ("0x7f000001", &[v4]),
            ("0X7F.1", &[v4]),
            ("0177.0.0.1", &[v4]),
            ("0", &[v4]),
            ("0x0", &[v4]),
        ] {
            let want: Vec<IpAddr> = want.iter().map(|a| a.parse().unwrap()).collect();
            assert_eq!(https(h).dialed(hosts_file), want, "{h}");
            assert_eq!(http(h).dialed(hosts_file), want, "{h}");
        }
        for h in [
            "registry.example.com",
            "localhost.example.com",
            "notlocalhost",
            "10.0.0.1",
            "[::ffff:10.0.0.1]",
            "lan.example",
            "commented.example",
            "registry.local.evil",
            "zoned.example",
            "10.1",
            "167772161",
            "0x0a000001",
            "010.0.0.1",
        ] {
            assert_eq!(https(h).dialed(hosts_file), Vec::<IpAddr>::new(), "{h}");
        }
        // The hosts file is read only for a name it could decide.
        let unread = || -> String { panic!("the hosts file was read") };
        assert!(!https("127.0.0.1").dialed(unread).is_empty());
        assert!(!https("127.1").dialed(unread).is_empty());
        assert!(https("10.0.0.1").dialed(unread).is_empty());
    }

    /// inet_aton's forms, and what it refuses (then a name, looked up).
    #[test]
    fn ipv4_shorthand_reads_as_inet_aton_does() {
        for (text, want) in [
            ("127.0.0.1", [127, 0, 0, 1]),
            ("127.1", [127, 0, 0, 1]),
            ("127.0.258", [127, 0, 1, 2]),
            ("1.65539", [1, 1, 0, 3]),
            ("4294967295", [255, 255, 255, 255]),
            ("0xffffffff", [255, 255, 255, 255]),
            ("0x7f.0.0.01", [127, 0, 0, 1]),
            ("017700000001", [127, 0, 0, 1]),
            ("0", [0, 0, 0, 0]),
        ] {
            assert_eq!(inet_aton(text), Some(Ipv4Addr::from(want)), "{text}");
        }
        for bad in [
            "",
            ".",
            "1.",
            ".1",
            "1..1",
            "1.2.3.4.5",
            "4294967296",
            "0x100000000",
            "256.1",
            "1.16777216",
            "1.2.65536",
            "1.2.3.256",
            "08",
            "0xg",
            "+1",
            "1 ",
            "a.b",
            "localhost",
        ] {
            assert_eq!(inet_aton(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn no_list_and_empty_list() {
        assert!(allowed(None, &https("anything.example:1")));
        assert!(!allowed(Some(&[]), &https("anything.example")));
        assert!(!allowed(Some(&[]), &http("127.0.0.1")));
    }

    #[test]
    fn bad_patterns_match_nothing() {
        for bad in [
            "",
            " ",
            "*",
            "*.",
            "*.*.example",
            "a.*.example",
            "*example.com",
            "*.[::1]",
            "ftp://h",
            "ssh://h",
            "://h",
            "https://",
            "https://h/path",
            "https://h/?x",
            "h#f",
            "user@h",
            "https://user:pw@h",
            "h:",
            "h:0",
            "h:65536",
            "h:80:80",
            "h h",
            "h%2e",
            "ünï.example",
            "[::1",
            "[zz::1]",
            "a..b",
        ] {
            let parsed = Pattern::parse(bad);
            assert!(parsed.is_err(), "{bad:?} parsed as {parsed:?}");
            assert!(!matches(bad, &https("h")), "{bad:?}");
        }
        // A lone trailing slash is no path: `https://h/` is a common way to write
        // a host.
        assert!(ok(&["h/"], &https("h")));
        assert!(ok(&["https://h/"], &https("h")));
        // A bad entry does not spoil the good ones beside it.
        assert!(ok(&["bad host", "h"], &https("h")));
        assert!(ok(&["h", "ftp://x"], &https("h")));
        assert!(names_one_host("https://h:5000/"));
        assert!(!names_one_host("*.h"));
        assert!(!names_one_host("bad host"));
    }
}
