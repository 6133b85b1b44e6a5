//! Unit tests of the parent module.

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

/// A name is also resolved as the client resolves it (getaddrinfo): here
/// `localhost` through the system's resolver, not the hosts-file reading of
/// `dialed`; a name that resolves nowhere gives nothing to check.
#[test]
fn names_resolve_as_the_client_resolves_them() {
    let found = https("localhost:5000").resolved();
    assert!(
        !found.is_empty() && found.iter().all(IpAddr::is_loopback),
        "{found:?}"
    );
    assert_eq!(
        https("no-such-host.invalid:5000").resolved(),
        Vec::<IpAddr>::new()
    );
}

fn rank_of(patterns: &[&str], t: &Target) -> Option<Rank> {
    rank(&list(patterns), t)
}

#[test]
fn host_and_port_rank_over_host_over_wildcard() {
    let t = https("git.prod.example.com");
    let host_port = rank_of(&["git.prod.example.com:443"], &t).unwrap();
    let host = rank_of(&["https://git.prod.example.com"], &t).unwrap();
    let wildcard = rank_of(&["*.prod.example.com"], &t).unwrap();
    assert!(host_port > host, "{host_port:?} {host:?}");
    assert!(host > wildcard, "{host:?} {wildcard:?}");
    // A list ranks by its most specific covering pattern, whatever the order.
    assert_eq!(
        rank_of(&["*.example.com", "git.prod.example.com"], &t),
        Some(Rank::Host)
    );
    // On another port only the pattern naming it covers.
    let t8443 = https("git.prod.example.com:8443");
    assert_eq!(
        rank_of(
            &["git.prod.example.com", "git.prod.example.com:8443"],
            &t8443
        ),
        Some(Rank::HostPort)
    );
}

#[test]
fn the_longer_wildcard_ranks_higher_and_a_port_breaks_a_tie() {
    let t = https("git.prod.example.com");
    let long = rank_of(&["*.prod.example.com"], &t).unwrap();
    let short = rank_of(&["*.example.com"], &t).unwrap();
    assert!(long > short, "{long:?} {short:?}");
    let with_port = rank_of(&["*.example.com:443"], &t).unwrap();
    assert!(with_port > short && with_port < long);
}

#[test]
fn equal_patterns_rank_equally_and_a_scheme_adds_nothing() {
    let t = https("registry.example.com");
    assert_eq!(
        rank_of(&["registry.example.com"], &t),
        rank_of(&["https://REGISTRY.example.com/"], &t)
    );
    let h = http("localhost:5000");
    assert_eq!(
        rank_of(&["localhost:5000"], &h),
        rank_of(&["http://localhost:5000"], &h)
    );
}

#[test]
fn only_covering_valid_patterns_rank() {
    let t = https("registry.example.com");
    assert_eq!(rank_of(&[], &t), None);
    assert_eq!(
        rank_of(&["other.example.com", "*.registry.example.com"], &t),
        None
    );
    assert_eq!(rank_of(&["registry.example.com:5000"], &t), None);
    assert_eq!(rank_of(&["http://registry.example.com"], &t), None);
    assert_eq!(rank_of(&["ftp://registry.example.com", "*"], &t), None);
}
