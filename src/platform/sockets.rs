//! Linux: who owns the other end of a loopback TCP port — the listener on it,
//! or the socket that accepted one of our connections — asked of the kernel.
//!
//! Plain http to this machine is allowed because nothing leaves it, but
//! whoever holds the port receives what cytoken sends there (the auth token,
//! the app secret as the console's HTTP Basic, access tokens). A port on
//! loopback is not the user's own: any local user can bind it first.
#![allow(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{FromRawFd, OwnedFd};

use super::Stranger;
use super::unix::euid;

/// One of the kernel's TCP sockets, as `/proc/net/tcp` and `tcp6` show it.
struct TcpSocket {
    local: SocketAddr,
    remote: SocketAddr,
    /// [`TCP_LISTEN`]: listening.
    state: u8,
    uid: u32,
}

/// The kernel's TCP sockets, IPv4 and IPv6. Reading the tables walks every
/// bucket of the kernel's hash, which grows with the machine's memory, so a
/// connection's peer is asked of sock_diag first
/// ([`diag_peer_uid`]) and this is the fallback.
fn tcp_sockets() -> Vec<TcpSocket> {
    // `ADDR:PORT` in hex; the kernel prints each 32-bit word of the address
    // in host byte order.
    let addr = |text: &str| -> Option<SocketAddr> {
        let (hex, port) = text.split_once(':')?;
        let bytes: Vec<u8> = (0..hex.len() / 8)
            .map(|i| u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok())
            .collect::<Option<Vec<u32>>>()?
            .iter()
            .flat_map(|w| w.to_ne_bytes())
            .collect();
        let ip = match bytes.len() {
            4 => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?)),
            16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
            _ => return None,
        };
        Some(SocketAddr::new(ip, u16::from_str_radix(port, 16).ok()?))
    };
    let mut sockets = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        sockets.extend(text.lines().skip(1).filter_map(|line| {
            // sl local rem st tx:rx tr:when retrnsmt uid …
            let cols: Vec<&str> = line.split_ascii_whitespace().collect();
            Some(TcpSocket {
                local: addr(cols.get(1)?)?,
                remote: addr(cols.get(2)?)?,
                state: u8::from_str_radix(cols.get(3)?, 16).ok()?,
                uid: cols.get(7)?.parse().ok()?,
            })
        }));
    }
    sockets
}

/// A socket bound to the port asked about, on a loopback or wildcard address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bound {
    /// Its local address (an IPv4-mapped one as IPv4).
    addr: IpAddr,
    state: u8,
    uid: u32,
    /// For an IPv6 socket, whether it is IPV6_V6ONLY (IPv4 never reaches
    /// it); `None` when the kernel did not say.
    v6only: Option<bool>,
}

/// Every socket bound to `port` on a loopback or wildcard address, in any
/// state: listeners, the ends they accepted, handshakes, closing ones, and
/// the client ends whose local port it happens to be. Asked of sock_diag
/// with the port as its filter, the tables when it cannot answer.
fn bound(port: u16) -> Vec<Bound> {
    let reachable = |ip: IpAddr| ip.is_loopback() || ip.is_unspecified();
    let on_port = SocketId {
        sport: port,
        dport: 0,
        src: [0; 16],
        dst: [0; 16],
    };
    let dumped = tcp_dump(u32::MAX, &on_port).or_else(|| {
        [libc::AF_INET, libc::AF_INET6]
            .into_iter()
            .map(|family| sock_diag(family, true, u32::MAX, &on_port))
            .collect::<Option<Vec<_>>>()
            .map(|answers| answers.into_iter().flatten().collect())
    });
    let all: Vec<(SocketAddr, Bound)> = match dumped {
        Some(answers) => answers
            .into_iter()
            .map(|d| {
                let b = Bound {
                    addr: d.local.ip(),
                    state: d.state,
                    uid: d.uid,
                    v6only: d.v6only,
                };
                (d.local, b)
            })
            .collect(),
        None => tcp_sockets()
            .into_iter()
            .map(|s| {
                let local = canonical(s.local);
                let b = Bound {
                    addr: local.ip(),
                    state: s.state,
                    uid: s.uid,
                    v6only: None,
                };
                (local, b)
            })
            .collect(),
    };
    all.into_iter()
        .filter(|(local, _)| local.port() == port && reachable(local.ip()))
        .map(|(_, b)| b)
        .collect()
}

/// Who would get what a client sends to loopback `port` on the addresses
/// it `dialed` (every address it may connect to: loopback ones, an
/// IPv4-mapped one as IPv4) instead of the user, by DESIGN §5 "Loopback
/// peers". See [`holder`] for the rule. Without an IPv6 loopback address
/// (IPv6 disabled) no one can listen on or connect to `::1`, so it is not
/// asked about.
pub(crate) fn foreign_port(dialed: &[IpAddr], port: u16) -> Option<Stranger> {
    let ipv6 = has_ipv6_loopback();
    let dialed: Vec<IpAddr> = dialed
        .iter()
        .map(IpAddr::to_canonical)
        .filter(|ip| ip.is_ipv4() || ipv6)
        .collect();
    settled(|| holder(&bound(port), &dialed, euid()))
}

/// Whether the kernel has `::1` (on `lo`; only root can add or remove it).
fn has_ipv6_loopback() -> bool {
    std::fs::read_to_string("/proc/net/if_inet6").is_ok_and(|table| {
        table
            .lines()
            .any(|l| l.starts_with("00000000000000000000000000000001 "))
    })
}

/// [`foreign_port`]'s rule on the sockets `bound` to the port. The client
/// may send the token on a new connection (git reconnects after a
/// `Connection: close`), so what matters is who receives connections to
/// each dialed address, now and until the token is sent:
/// - no socket of another user receives there (see [`receives`]), in any
///   state: a listener, an end it accepted, a client end bound there. A
///   handshake's (SYN_RECV) or TIME_WAIT's socket shows uid 0 and is
///   skipped: it belongs to a listener on that address, which is checked
///   itself, and carries nothing else to anyone;
/// - a listener of the user's or root's receives there: Linux then refuses
///   any other user's bind to that address and port (a wildcard one too,
///   and SO_REUSEPORT shares only within a uid), so a reconnect lands on
///   it. A client end or an accepted end proves nothing: another user may
///   listen there once it is gone, or on a loopback address beside it.
fn holder(bound: &[Bound], dialed: &[IpAddr], me: u32) -> Option<Stranger> {
    let foreign = |s: &&Bound| s.uid != me && s.uid != 0;
    for &ip in dialed {
        if let Some(s) = bound.iter().filter(foreign).find(|s| receives(s, ip, true)) {
            return Some(Stranger::User(s.uid));
        }
    }
    let listened = |ip: IpAddr| {
        bound
            .iter()
            .any(|s| s.state == TCP_LISTEN && (s.uid == me || s.uid == 0) && receives(s, ip, false))
    };
    if !dialed.is_empty() && dialed.iter().all(|&ip| listened(ip)) {
        return None;
    }
    // Another user's socket elsewhere on the port is the likelier story.
    Some(
        bound
            .iter()
            .find(foreign)
            .map_or(Stranger::Unknown, |s| Stranger::User(s.uid)),
    )
}

/// Whether socket `s` may receive a connection to `ip` on its port: bound
/// to `ip` itself or to the wildcard of its family, or to `::` without
/// IPV6_V6ONLY for an IPv4 `ip`. When the kernel did not say whether a `::`
/// is v6-only, `unsure` is the answer.
fn receives(s: &Bound, ip: IpAddr, unsure: bool) -> bool {
    match (s.addr, ip) {
        (a, ip) if a == ip => true,
        (IpAddr::V4(a), IpAddr::V4(_)) => a.is_unspecified(),
        (IpAddr::V6(a), IpAddr::V6(_)) => a.is_unspecified(),
        (IpAddr::V6(a), IpAddr::V4(_)) => a.is_unspecified() && s.v6only.map_or(unsure, |o| !o),
        (IpAddr::V4(_), IpAddr::V6(_)) => false,
    }
}

/// `look` again while it says [`Stranger::Unknown`], waiting 2, 4, 8, 16, 32
/// and 38 ms between looks (100 ms in all): a table read while sockets
/// changed, or a server that is between two sockets, shows nothing for a
/// moment. Another user's socket is final at once.
fn settled(look: impl Fn() -> Option<Stranger>) -> Option<Stranger> {
    let mut found = look();
    for ms in [2, 4, 8, 16, 32, 38] {
        if found != Some(Stranger::Unknown) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(ms));
        found = look();
    }
    found
}

/// Who holds the other end of one of this process's connections to a
/// loopback `port`, when it is neither us nor root: the check no race can
/// pass, since it is made on the connection the request then goes over (a
/// listener checked beforehand can change hands before the connect). An
/// end the kernel does not show at all is [`Stranger::Unknown`], never
/// passed as ours: with a full accept queue and SYN cookies the kernel
/// keeps nothing of the connection until its first data, which goes to the
/// listener's owner.
pub(crate) fn foreign_peer(port: u16) -> Option<Stranger> {
    settled(|| stranger(peers(port), euid()))
}

/// The first of `peers` (see [`peers`]) that is not `me` or root.
fn stranger(peers: Vec<Option<u32>>, me: u32) -> Option<Stranger> {
    peers.into_iter().find_map(|uid| match uid {
        Some(uid) if uid == me || uid == 0 => None,
        Some(uid) => Some(Stranger::User(uid)),
        None => Some(Stranger::Unknown),
    })
}

/// The owners of the sockets that accepted this process's established
/// connections to a loopback `port`, `None` for one the kernel shows
/// nowhere (see [`foreign_peer`]).
fn peers(port: u16) -> Vec<Option<u32>> {
    let mut table = None;
    our_connections()
        .into_iter()
        .filter(|c| c.remote.port() == port && c.remote.ip().is_loopback())
        .filter_map(|c| {
            let uid = diag_peer_uid(c.local, c.remote).or_else(|| {
                // The other end: its local address is our remote, and back.
                table
                    .get_or_insert_with(tcp_sockets)
                    .iter()
                    .find(|p| canonical(p.local) == c.remote && canonical(p.remote) == c.local)
                    .map(|p| p.uid)
            });
            // A pooled connection the server has closed may have no other end
            // left: it carries nothing more, so only a live one must be shown.
            (uid.is_some() || c.established).then_some(uid)
        })
        .collect()
}

/// One of this process's TCP connections.
struct Connection {
    local: SocketAddr,
    remote: SocketAddr,
    /// Ours is ESTABLISHED (not closing).
    established: bool,
}

/// This process's TCP connections, found among its file descriptors.
/// (Another thread may close one meanwhile, and its number be reused: the
/// calls below only read, and whatever answers is checked too.)
fn our_connections() -> Vec<Connection> {
    let Ok(fds) = std::fs::read_dir("/proc/self/fd") else {
        return Vec::new();
    };
    fds.filter_map(|e| {
        let fd: i32 = e.ok()?.file_name().to_str()?.parse().ok()?;
        let mut protocol: libc::c_int = 0;
        let mut len = libc::socklen_t::try_from(std::mem::size_of::<libc::c_int>()).ok()?;
        // SAFETY: getsockopt writes at most `len` bytes into `protocol`; on a
        // number that is no socket it fails and writes nothing.
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_PROTOCOL,
                (&raw mut protocol).cast(),
                &raw mut len,
            )
        };
        // TCP only: a connected UDP socket to the port is not a connection
        // anyone accepted.
        if rc != 0 || protocol != libc::IPPROTO_TCP {
            return None;
        }
        // SAFETY: a zeroed tcp_info is a valid value of it; getsockopt writes
        // at most `len` bytes into it.
        let state = unsafe {
            let mut info: libc::tcp_info = std::mem::zeroed();
            let mut len = libc::socklen_t::try_from(std::mem::size_of_val(&info)).ok()?;
            let rc = libc::getsockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_INFO,
                (&raw mut info).cast(),
                &raw mut len,
            );
            (rc == 0).then_some(info.tcpi_state)?
        };
        Some(Connection {
            local: canonical(socket_addr(fd, libc::getsockname)?),
            remote: canonical(socket_addr(fd, libc::getpeername)?),
            established: state == TCP_ESTABLISHED,
        })
    })
    .collect()
}

/// The address `get` (getsockname or getpeername) gives for socket `fd`.
fn socket_addr(
    fd: i32,
    get: unsafe extern "C" fn(i32, *mut libc::sockaddr, *mut libc::socklen_t) -> i32,
) -> Option<SocketAddr> {
    // SAFETY: a zeroed sockaddr_storage is a valid value of it; `get` writes
    // at most `len` bytes into it. The casts below read the variant the
    // family names, which the kernel filled in whole.
    unsafe {
        let mut ss: libc::sockaddr_storage = std::mem::zeroed();
        let mut len = libc::socklen_t::try_from(std::mem::size_of_val(&ss)).ok()?;
        if get(fd, (&raw mut ss).cast(), &raw mut len) != 0 {
            return None;
        }
        match i32::from(ss.ss_family) {
            libc::AF_INET => {
                let a = &*(&raw const ss).cast::<libc::sockaddr_in>();
                let ip = Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
                Some(SocketAddr::new(ip.into(), u16::from_be(a.sin_port)))
            }
            libc::AF_INET6 => {
                let a = &*(&raw const ss).cast::<libc::sockaddr_in6>();
                let ip = Ipv6Addr::from(a.sin6_addr.s6_addr);
                Some(SocketAddr::new(ip.into(), u16::from_be(a.sin6_port)))
            }
            _ => None,
        }
    }
}

/// An IPv4-mapped IPv6 address as its IPv4 address, so both forms compare.
fn canonical(a: SocketAddr) -> SocketAddr {
    match a.ip() {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map_or(a, |v4| SocketAddr::new(v4.into(), a.port())),
        IpAddr::V4(_) => a,
    }
}

/// `SOCK_DIAG_BY_FAMILY` (linux/sock_diag.h).
const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// `TCP_ESTABLISHED` and `TCP_CLOSE_WAIT`: states only a full socket is in,
/// so a uid 0 answered in them is root's. (sock_diag answers uid 0 for the
/// mini sockets of a handshake, SYN_RECV, and of TIME_WAIT or FIN_WAIT2.)
const FULL_SOCKET_STATES: [u8; 2] = [TCP_ESTABLISHED, 8];
/// `TCP_ESTABLISHED`.
const TCP_ESTABLISHED: u8 = 1;
/// `TCP_LISTEN`.
const TCP_LISTEN: u8 = 10;

/// The uid of the socket at the other end of our connection `local` →
/// `remote`, asked of the kernel's sock_diag for exactly that socket (a hash
/// lookup: see [`tcp_sockets`] for why not the tables). `None` when it cannot
/// say for certain, and the caller reads the tables: no sock_diag here, or
/// an answer [`certain`] does not take.
fn diag_peer_uid(local: SocketAddr, remote: SocketAddr) -> Option<u32> {
    certain(local, remote, &diag_lookup(local, remote)?)
}

/// A socket as sock_diag describes it.
#[derive(Debug)]
struct Diag {
    local: SocketAddr,
    remote: SocketAddr,
    state: u8,
    uid: u32,
    /// `INET_DIAG_SKV6ONLY`, which the kernel adds for a full IPv6 socket.
    v6only: Option<bool>,
}

/// The uid in `answer` when it is certainly that of the other end of our
/// connection `local` → `remote`:
/// - it is that socket: with no exact match the kernel answers with the
///   listener on the port, and a socket bound to a device (SO_BINDTODEVICE,
///   which any user may set on their own) is never an exact match, so an
///   accepted end hides that way behind the user's own listener;
/// - a uid 0 is root's only in a full socket's state: sock_diag says uid 0
///   for a handshake's mini socket (whose listener the tables name) and for
///   TIME_WAIT.
fn certain(local: SocketAddr, remote: SocketAddr, answer: &Diag) -> Option<u32> {
    (answer.local == remote
        && answer.remote == local
        && answer.state != TCP_LISTEN
        && (answer.uid != 0 || FULL_SOCKET_STATES.contains(&answer.state)))
    .then_some(answer.uid)
}

/// What sock_diag names for a packet from `local` to `remote`: the socket
/// that receives it.
fn diag_lookup(local: SocketAddr, remote: SocketAddr) -> Option<Diag> {
    // The socket looked for: its source is our remote, its destination us.
    let (family, src, dst) = match (remote.ip(), local.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let mut src = [0u8; 16];
            let mut dst = [0u8; 16];
            src[..4].copy_from_slice(&s.octets());
            dst[..4].copy_from_slice(&d.octets());
            (libc::AF_INET, src, dst)
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => (libc::AF_INET6, s.octets(), d.octets()),
        _ => return None,
    };
    let id = SocketId {
        sport: remote.port(),
        dport: local.port(),
        src,
        dst,
    };
    let mut answers = sock_diag(family, false, u32::MAX, &id)?;
    (answers.len() == 1).then(|| answers.remove(0))
}

/// The socket id of a sock_diag request: ports, then addresses (an IPv4 one
/// in the first 4 bytes).
struct SocketId {
    sport: u16,
    dport: u16,
    src: [u8; 16],
    dst: [u8; 16],
}

/// Asks sock_diag about the TCP sockets of `family` in `states` (a bit per
/// state) matching `id`: exactly that socket, or with `dump` every one (the
/// ports only filter then, 0 for any). `None` when the kernel does not answer
/// in full.
fn sock_diag(family: i32, dump: bool, states: u32, id: &SocketId) -> Option<Vec<Diag>> {
    // struct nlmsghdr, then struct inet_diag_req_v2 (linux/inet_diag.h):
    // family, protocol, ext, pad, states, then the socket id: sport and
    // dport (network order), src and dst (16 bytes each, network order),
    // interface, cookie (INET_DIAG_NOCOOKIE: any).
    let flags = libc::NLM_F_REQUEST | if dump { libc::NLM_F_DUMP } else { 0 };
    let mut req = Vec::with_capacity(72);
    req.extend_from_slice(&72u32.to_ne_bytes());
    req.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    req.extend_from_slice(&u16::try_from(flags).ok()?.to_ne_bytes());
    req.extend_from_slice(&[0; 8]); // sequence number, port id (the kernel's)
    let protocol = u8::try_from(libc::IPPROTO_TCP).ok()?;
    req.extend_from_slice(&[u8::try_from(family).ok()?, protocol, 0, 0]);
    req.extend_from_slice(&states.to_ne_bytes());
    push_id(&mut req, id);
    ask_sock_diag(&req, SOCK_DIAG_BY_FAMILY, dump)
}

/// The TCP sockets of both families in `states` matching `id` (the ports
/// only filter), in one dump: the older `TCPDIAG_GETSOCK` request, which
/// asks for no family, so the kernel walks its table of connections (which
/// grows with the machine's memory) once rather than once a family. `None` when
/// the kernel does not answer in full.
fn tcp_dump(states: u32, id: &SocketId) -> Option<Vec<Diag>> {
    // struct nlmsghdr, then struct inet_diag_req: family (unused: any),
    // src_len, dst_len, ext, the socket id, states, dbs.
    let flags = libc::NLM_F_REQUEST | libc::NLM_F_DUMP;
    let mut req = Vec::with_capacity(76);
    req.extend_from_slice(&76u32.to_ne_bytes());
    req.extend_from_slice(&TCPDIAG_GETSOCK.to_ne_bytes());
    req.extend_from_slice(&u16::try_from(flags).ok()?.to_ne_bytes());
    req.extend_from_slice(&[0; 8]);
    req.extend_from_slice(&[0; 4]);
    push_id(&mut req, id);
    req.extend_from_slice(&states.to_ne_bytes());
    req.extend_from_slice(&0u32.to_ne_bytes());
    ask_sock_diag(&req, TCPDIAG_GETSOCK, true)
}

/// `TCPDIAG_GETSOCK` (linux/inet_diag.h): the request without a family.
const TCPDIAG_GETSOCK: u16 = 18;

/// The socket id as requests carry it: ports (network order), addresses,
/// interface, cookie (INET_DIAG_NOCOOKIE: any).
fn push_id(req: &mut Vec<u8>, id: &SocketId) {
    req.extend_from_slice(&id.sport.to_be_bytes());
    req.extend_from_slice(&id.dport.to_be_bytes());
    req.extend_from_slice(&id.src);
    req.extend_from_slice(&id.dst);
    req.extend_from_slice(&0u32.to_ne_bytes());
    req.extend_from_slice(&[0xff; 8]);
}

/// Sends `req` to sock_diag and reads the answers, messages of type `reply`
/// (a socket each) up to the end of a dump, or the one answer.
fn ask_sock_diag(req: &[u8], reply: u16, dump: bool) -> Option<Vec<Diag>> {
    // SAFETY: socket takes no pointers; the descriptor is owned (and closed)
    // by `sock`.
    let sock = unsafe {
        let fd = libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
            libc::NETLINK_SOCK_DIAG,
        );
        if fd < 0 {
            return None;
        }
        OwnedFd::from_raw_fd(fd)
    };
    let fd = std::os::fd::AsRawFd::as_raw_fd(&sock);
    // SAFETY: send reads `req.len()` bytes of `req`.
    let sent = unsafe { libc::send(fd, req.as_ptr().cast(), req.len(), 0) };
    if usize::try_from(sent).ok()? != req.len() {
        return None;
    }
    let mut answers = Vec::new();
    let mut buf = vec![0u8; if dump { 32 * 1024 } else { 512 }];
    loop {
        // The kernel queues each part before the call that asks for it
        // returns (the send, or the recv before): never wait.
        // SAFETY: recv writes at most `buf.len()` bytes into `buf`.
        let got = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) };
        let mut rest = buf.get(..usize::try_from(got).ok()?)?;
        if rest.is_empty() {
            return None;
        }
        // struct nlmsghdr: length at 0, type at 4; each message 4-aligned.
        while !rest.is_empty() {
            let len = usize::try_from(u32::from_ne_bytes(rest.get(..4)?.try_into().ok()?)).ok()?;
            let msg = rest.get(..len).filter(|_| len >= 16)?;
            match u16::from_ne_bytes(msg[4..6].try_into().ok()?) {
                t if t == reply => answers.push(parse_diag(msg)?),
                NLMSG_DONE => return Some(answers),
                _ => return None, // NLMSG_ERROR: no such socket, or no sock_diag
            }
            rest = rest.get(len.next_multiple_of(4).min(rest.len())..)?;
        }
        if !dump {
            return Some(answers);
        }
    }
}

/// `NLMSG_DONE` (linux/netlink.h): the end of a dump.
const NLMSG_DONE: u16 = 3;

/// One message: struct nlmsghdr, then struct inet_diag_msg (72 bytes):
/// family, state, timer, retrans, the socket id as in the request (at 20),
/// expires, rqueue, wqueue, uid (at 80), inode.
fn parse_diag(msg: &[u8]) -> Option<Diag> {
    if msg.len() < 88 {
        return None;
    }
    let port = |at: usize| Some(u16::from_be_bytes(msg.get(at..at + 2)?.try_into().ok()?));
    let ip = |at: usize| -> Option<IpAddr> {
        let b = msg.get(at..at + 16)?;
        match i32::from(msg[16]) {
            libc::AF_INET => Some(Ipv4Addr::from(<[u8; 4]>::try_from(&b[..4]).ok()?).into()),
            libc::AF_INET6 => Some(Ipv6Addr::from(<[u8; 16]>::try_from(b).ok()?).into()),
            _ => None,
        }
    };
    Some(Diag {
        local: canonical(SocketAddr::new(ip(24)?, port(20)?)),
        remote: canonical(SocketAddr::new(ip(40)?, port(22)?)),
        state: msg[17],
        uid: u32::from_ne_bytes(msg.get(80..84)?.try_into().ok()?),
        v6only: attribute(msg.get(88..)?, INET_DIAG_SKV6ONLY)
            .and_then(|v| v.first())
            .map(|&b| b != 0),
    })
}

/// `INET_DIAG_SKV6ONLY` (linux/inet_diag.h): a u8, IPV6_V6ONLY.
const INET_DIAG_SKV6ONLY: u16 = 11;

/// The payload of the attribute of type `kind` among `attrs` (struct
/// rtattr: length, type, payload, each 4-aligned).
fn attribute(mut attrs: &[u8], kind: u16) -> Option<&[u8]> {
    while attrs.len() >= 4 {
        let len = usize::from(u16::from_ne_bytes(attrs[0..2].try_into().ok()?));
        let payload = attrs.get(4..len)?;
        if u16::from_ne_bytes(attrs[2..4].try_into().ok()?) == kind {
            return Some(payload);
        }
        attrs = attrs.get(len.next_multiple_of(4).min(attrs.len())..)?;
    }
    None
}

#[cfg(test)]
mod tests;
