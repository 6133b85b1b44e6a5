//! Unit tests of the parent module.

use super::*;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// The sockets on `port` at `addr`, but those in TIME_WAIT: tests running
/// alongside may hold the same port number on another address, or leave a
/// closed connection behind on it.
fn bound_at(port: u16, addr: &str) -> Vec<Bound> {
    const TIME_WAIT: u8 = 6;
    let mut found = bound(port);
    found.retain(|b| b.addr == ip(addr) && b.state != TIME_WAIT);
    found
}

/// Every socket bound to the port is found with its owner, in any state:
/// our listener, the end it accepted, the client end whose local port it
/// is, on IPv4 and IPv6 loopback. Only a listener on the dialed address
/// (or its family's wildcard) makes the port ours. Another user's
/// sockets are in the attack tests.
#[test]
fn sockets_bound_to_a_port_are_found_in_any_state() {
    for (bind, to) in [("127.0.0.1:0", "127.0.0.1"), ("[::1]:0", "::1")] {
        let listener = std::net::TcpListener::bind(bind).expect(bind);
        let port = listener.local_addr().unwrap().port();
        let found = bound_at(port, to);
        assert_eq!(found.len(), 1, "{bind}: {found:?}");
        assert_eq!(
            (found[0].addr, found[0].state, found[0].uid),
            (ip(to), TCP_LISTEN, euid()),
            "{bind}"
        );
        // The kernel says whether an IPv6 socket is v6-only.
        assert_eq!(found[0].v6only.is_some(), to.contains(':'), "{bind}");
        assert_eq!(foreign_port(&[ip(to)], port), None, "{bind}");
        // Not another loopback address, nor the other family.
        for other in ["127.0.0.2", "::1", "127.0.0.1"] {
            if other != to {
                let found = foreign_port(&[ip(other)], port);
                assert_eq!(found, Some(Stranger::Unknown), "{bind} {other}");
            }
        }
        let client = std::net::TcpStream::connect((to, port)).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        drop(listener);
        // The accepted end alone: found, but proves nothing.
        let found = bound_at(port, to);
        assert_eq!(found.len(), 1, "{bind}: {found:?}");
        assert_eq!((found[0].state, found[0].uid), (TCP_ESTABLISHED, euid()));
        assert_eq!(foreign_port(&[ip(to)], port), Some(Stranger::Unknown));
        // The client end, on its own (ephemeral) port: found, proves
        // nothing either.
        let ephemeral = client.local_addr().unwrap().port();
        let found = bound_at(ephemeral, to);
        assert_eq!(found.len(), 1, "{bind}: {found:?}");
        assert_eq!((found[0].state, found[0].uid), (TCP_ESTABLISHED, euid()));
        assert_eq!(foreign_port(&[ip(to)], ephemeral), Some(Stranger::Unknown));
        // By sock_diag itself, not its fallback.
        let on_port = SocketId {
            sport: port,
            dport: 0,
            src: [0; 16],
            dst: [0; 16],
        };
        let family = if to.contains(':') {
            libc::AF_INET6
        } else {
            libc::AF_INET
        };
        let by_family = sock_diag(family, true, u32::MAX, &on_port).expect("a dump");
        let both = tcp_dump(u32::MAX, &on_port).expect("one dump of both families");
        for dumped in [by_family, both] {
            assert!(
                dumped.iter().any(|d| d.local.port() == port
                    && d.state == TCP_ESTABLISHED
                    && d.uid == euid()),
                "{bind}: {dumped:?}"
            );
        }
        drop((client, accepted));
    }
    // A dual-stack listener on `::` (bindv6only is 0 by default) receives
    // IPv4 too, and the kernel says so.
    let listener = std::net::TcpListener::bind("[::]:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    assert_eq!(
        bound(port).iter().map(|b| b.v6only).collect::<Vec<_>>(),
        [Some(
            std::fs::read_to_string("/proc/sys/net/ipv6/bindv6only")
                .unwrap()
                .trim()
                == "1"
        )]
    );
    if bound(port)[0].v6only == Some(false) {
        assert_eq!(foreign_port(&[ip("127.0.0.1"), ip("::1")], port), None);
    }
    drop(listener);
    // A port nothing holds is no one's to send to.
    assert_eq!(
        foreign_port(&[ip("127.0.0.1")], port),
        Some(Stranger::Unknown)
    );
}

/// An unknown end is looked at again for about 100 ms in all, and a
/// known answer ends the looking at once.
#[test]
fn an_unknown_end_is_looked_at_again_briefly() {
    use std::cell::Cell;
    use std::time::{Duration, Instant};
    let looks = Cell::new(0);
    let start = Instant::now();
    let found = settled(|| {
        looks.set(looks.get() + 1);
        Some(Stranger::Unknown)
    });
    let took = start.elapsed();
    assert_eq!(found, Some(Stranger::Unknown));
    assert_eq!(looks.get(), 7);
    assert!(
        took >= Duration::from_millis(100) && took < Duration::from_secs(2),
        "{took:?}"
    );
    // Shown on the third look: ours after all.
    looks.set(0);
    let found = settled(|| {
        looks.set(looks.get() + 1);
        (looks.get() < 3).then_some(Stranger::Unknown)
    });
    assert_eq!((found, looks.get()), (None, 3));
    // Another user's: final at once.
    looks.set(0);
    let found = settled(|| {
        looks.set(looks.get() + 1);
        Some(Stranger::User(1001))
    });
    assert_eq!((found, looks.get()), (Some(Stranger::User(1001)), 1));
}

/// No other user's socket on a dialed address, and a listener of ours
/// or root's on each.
#[test]
fn a_port_is_ours_only_when_we_listen_on_every_dialed_address() {
    let me = 1000;
    let (syn_recv, time_wait) = (3, 6);
    let s = |addr: &str, state, uid| Bound {
        addr: ip(addr),
        state,
        uid,
        v6only: None,
    };
    let v4 = [ip("127.0.0.1")];
    let both = [ip("127.0.0.1"), ip("::1")];
    assert_eq!(holder(&[s("127.0.0.1", TCP_LISTEN, me)], &v4, me), None);
    assert_eq!(holder(&[s("127.0.0.1", TCP_LISTEN, 0)], &v4, me), None);
    assert_eq!(holder(&[s("0.0.0.0", TCP_LISTEN, me)], &v4, me), None);
    // An accepted or client end of ours proves nothing.
    assert_eq!(
        holder(&[s("127.0.0.1", TCP_ESTABLISHED, me)], &v4, me),
        Some(Stranger::Unknown)
    );
    // Every address dialed, each covered.
    let ours_v4 = s("127.0.0.1", TCP_LISTEN, me);
    assert_eq!(holder(&[ours_v4], &both, me), Some(Stranger::Unknown));
    assert_eq!(
        holder(&[ours_v4, s("::1", TCP_LISTEN, me)], &both, me),
        None
    );
    // Another user's socket on the dialed address, in any state.
    for state in [TCP_LISTEN, TCP_ESTABLISHED, time_wait, 2, 7] {
        assert_eq!(
            holder(&[ours_v4, s("127.0.0.1", state, 1001)], &v4, me),
            Some(Stranger::User(1001)),
            "{state}"
        );
    }
    // …or on the wildcard of its family.
    assert_eq!(
        holder(&[ours_v4, s("0.0.0.0", 7, 1001)], &v4, me),
        Some(Stranger::User(1001))
    );
    // On another loopback address it receives nothing sent here.
    assert_eq!(holder(&[ours_v4, s("127.0.0.2", 7, 1001)], &v4, me), None);
    // Refused elsewhere, it is named as the likelier reason.
    assert_eq!(
        holder(&[s("127.0.0.2", TCP_LISTEN, 1001)], &v4, me),
        Some(Stranger::User(1001))
    );
    // A handshake's or TIME_WAIT's uid 0 is nobody's: not root's socket,
    // and it belongs to the listener it came through.
    assert_eq!(
        holder(&[s("127.0.0.1", time_wait, 0)], &v4, me),
        Some(Stranger::Unknown)
    );
    assert_eq!(
        holder(&[s("127.0.0.1", syn_recv, 0), ours_v4], &v4, me),
        None
    );
    assert_eq!(holder(&[], &v4, me), Some(Stranger::Unknown));
    assert_eq!(holder(&[ours_v4], &[], me), Some(Stranger::Unknown));
}

/// `::` receives IPv4 unless v6-only; unknown, it counts against a
/// stranger and not for us.
#[test]
fn a_dual_stack_wildcard_receives_ipv4_unless_v6_only() {
    let me = 1000;
    let any6 = |uid, v6only| Bound {
        addr: ip("::"),
        state: TCP_LISTEN,
        uid,
        v6only,
    };
    let v4 = [ip("127.0.0.1")];
    let ours_v4 = Bound {
        addr: ip("127.0.0.1"),
        state: TCP_LISTEN,
        uid: me,
        v6only: None,
    };
    assert_eq!(holder(&[any6(me, Some(false))], &v4, me), None);
    for v6only in [Some(true), None] {
        assert_eq!(
            holder(&[any6(me, v6only)], &v4, me),
            Some(Stranger::Unknown)
        );
    }
    for v6only in [Some(false), None] {
        assert_eq!(
            holder(&[ours_v4, any6(1001, v6only)], &v4, me),
            Some(Stranger::User(1001))
        );
    }
    assert_eq!(holder(&[ours_v4, any6(1001, Some(true))], &v4, me), None);
    assert_eq!(holder(&[any6(me, Some(true))], &[ip("::1")], me), None);
}

/// The socket that accepted our connection is found, with its owner
/// (ours here; another user's is refused, see `foreign_peer`), by
/// sock_diag and in the tables alike, on IPv4, IPv6 and a dual-stack
/// listener reached over IPv4.
#[test]
fn the_peer_of_our_connection_is_found_with_its_owner() {
    for (bind, to) in [
        ("127.0.0.1:0", "127.0.0.1"),
        ("[::1]:0", "::1"),
        ("[::]:0", "127.0.0.1"),
    ] {
        let listener = std::net::TcpListener::bind(bind).expect(bind);
        let port = listener.local_addr().unwrap().port();
        assert_eq!(peers(port), Vec::<Option<u32>>::new());
        let client = std::net::TcpStream::connect((to, port)).unwrap();
        let (local, remote) = (
            canonical(client.local_addr().unwrap()),
            canonical(client.peer_addr().unwrap()),
        );
        assert!(
            our_connections()
                .iter()
                .any(|c| c.local == local && c.remote == remote && c.established),
            "{bind}"
        );
        assert_eq!(diag_peer_uid(local, remote), Some(euid()), "{bind}");
        let in_tables = tcp_sockets()
            .into_iter()
            .find(|p| canonical(p.local) == remote && canonical(p.remote) == local)
            .map(|p| p.uid);
        assert_eq!(in_tables, Some(euid()), "{bind}");
        assert_eq!(peers(port), [Some(euid())], "{bind}");
        assert_eq!(foreign_peer(port), None);
        // Accepted, as well as waiting in the queue.
        let (accepted, _) = listener.accept().unwrap();
        assert_eq!(diag_peer_uid(local, remote), Some(euid()), "{bind}");
        // With no exact match the kernel names the listener on the port,
        // which `certain` does not take.
        let made_up = SocketAddr::new(local.ip(), local.port() ^ 1);
        let answer = diag_lookup(made_up, remote).expect("the listener");
        assert_eq!(answer.state, TCP_LISTEN, "{bind}: {answer:?}");
        assert_eq!(diag_peer_uid(made_up, remote), None, "{bind}");
        // The accepted end bound to a device is never an exact match
        // (how another user's end hides behind our listener): the
        // listener again, and the tables still name the end's owner.
        bind_to_loopback_device(&accepted);
        let answer = diag_lookup(local, remote).expect("the listener");
        assert_eq!(answer.state, TCP_LISTEN, "{bind}: {answer:?}");
        assert_eq!(diag_peer_uid(local, remote), None, "{bind}");
        assert_eq!(peers(port), [Some(euid())], "{bind}");
    }
}

/// An end the kernel shows nowhere is no one's to trust.
#[test]
fn an_end_no_one_shows_is_a_stranger() {
    let me = 1000;
    assert_eq!(stranger(vec![Some(me), Some(0)], me), None);
    assert_eq!(
        stranger(vec![Some(me), Some(1001)], me),
        Some(Stranger::User(1001))
    );
    assert_eq!(stranger(vec![Some(me), None], me), Some(Stranger::Unknown));
    assert_eq!(stranger(vec![], me), None);
}

/// Only the socket asked for, and a uid 0 only from a full socket.
#[test]
fn only_the_socket_asked_for_is_taken() {
    let us: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    let server: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let answer = |local, remote, state, uid| Diag {
        local,
        remote,
        state,
        uid,
        v6only: None,
    };
    let established = 1;
    let syn_recv = 3;
    // The accepted end: another user's is named, root's too.
    assert_eq!(
        certain(us, server, &answer(server, us, established, 1001)),
        Some(1001)
    );
    assert_eq!(
        certain(us, server, &answer(server, us, established, 0)),
        Some(0)
    );
    // A handshake's mini socket says uid 0 whoever listens.
    assert_eq!(certain(us, server, &answer(server, us, syn_recv, 0)), None);
    // The listener the kernel names when the end is hidden, ours or not.
    let any: SocketAddr = "0.0.0.0:0".parse().unwrap();
    assert_eq!(
        certain(us, server, &answer(server, any, TCP_LISTEN, 1000)),
        None
    );
    // Another connection's end.
    let other: SocketAddr = "127.0.0.1:40001".parse().unwrap();
    assert_eq!(
        certain(us, server, &answer(server, other, established, 1000)),
        None
    );
}

fn bind_to_loopback_device(socket: &std::net::TcpStream) {
    use std::os::fd::AsRawFd;
    let name = b"lo\0";
    // SAFETY: setsockopt reads `name.len()` bytes of `name`.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_BINDTODEVICE,
            name.as_ptr().cast(),
            libc::socklen_t::try_from(name.len()).unwrap(),
        )
    };
    assert_eq!(
        rc,
        0,
        "SO_BINDTODEVICE: {}",
        std::io::Error::last_os_error()
    );
}
