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
//! **Which profile answers** a git or docker request given no `-p` /
//! `CYTOKEN_PROFILE` (DESIGN §4): the one whose list has the most specific
//! pattern covering the target ([`rank`]): a host with a port (`host:port`,
//! the default port written out counts) over a host alone, over a wildcard;
//! between wildcards the longer suffix (`*.git.example.com` over
//! `*.example.com`), then one with a port. A scheme written or not does not
//! make a pattern more specific. Two profiles whose best patterns rank
//! equally is a configuration error naming both; a profile without the key
//! (which allows any https host) is never picked by it; none covering the
//! target leaves the choice to `default_profile`, whose list then restricts
//! as above.
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
    /// The addresses of this machine a name resolves to (empty when it does
    /// not resolve, or only elsewhere).
    fn resolved(&self) -> Vec<IpAddr> {
        let bare = self.host.trim_start_matches('[').trim_end_matches(']');
        let Ok(addrs) = std::net::ToSocketAddrs::to_socket_addrs(&(bare, self.port)) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for ip in addrs.filter_map(|a| this_machine(a.ip())) {
            if !found.contains(&ip) {
                found.push(ip);
            }
        }
        found
    }

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
///
/// With `resolve`, a name neither literal nor in the hosts file is also
/// resolved as the client will (getaddrinfo: DNS, nss-myhostname), so a
/// public name pointing at 127.0.0.1 (`*.lvh.me`, `127.0.0.1.nip.io`) is
/// checked too: docker talks plain http to any registry that resolves to
/// loopback, and git to an `http://` one; an `https://` git target is
/// protected by its certificate, so its get pays no lookup.
pub(crate) fn foreign_server(target: &Target, resolve: bool) -> Option<String> {
    let mut dialed = target.dialed(platform::hosts_file);
    if dialed.is_empty() && resolve {
        dialed = target.resolved();
    }
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

/// How specifically a pattern covers a target (see the module documentation):
/// greater is more specific. Only a pattern that covers the target has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    /// `*.suffix[:port]`: the suffix's length, then whether a port is written.
    Wildcard { suffix: usize, port: bool },
    /// `host`: this host on the scheme's default port.
    Host,
    /// `host:port`.
    HostPort,
}

/// The rank of the most specific pattern of `patterns` that covers `target`;
/// `None` when none does (a bad pattern covers nothing, and is not logged
/// here: [`allowed`] logs it for the profile that answers).
pub(crate) fn rank(patterns: &[String], target: &Target) -> Option<Rank> {
    patterns
        .iter()
        .filter_map(|p| Pattern::parse(p).ok())
        .filter(|p| p.covers(target))
        .map(|p| p.rank())
        .max()
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

    fn rank(&self) -> Rank {
        match (&self.host, self.port) {
            (HostPattern::Exact(_), Some(_)) => Rank::HostPort,
            (HostPattern::Exact(_), None) => Rank::Host,
            (HostPattern::Below(suffix), port) => Rank::Wildcard {
                suffix: suffix.len(),
                port: port.is_some(),
            },
        }
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
mod tests;
