//! Loopback peers: another user's server on a loopback port git, docker or
//! the exchange is about to send a token to (any socket state, any scheme)
//! gets nothing (DESIGN §5 "Loopback peers"). The attacker's servers are
//! perl, run as the attacker.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::support::*;
use crate::users::*;

/// A complete environment-only selection for the emulator.
fn env_selection<'a>(c: &'a mut Command, emu: &Emulator) -> &'a mut Command {
    c.env("CYTOKEN_TENANT_ID", TENANT)
        .env("CYTOKEN_APP_ID", APP)
        .env("CYTOKEN_APP_SECRET", SECRET)
        .env("CYTOKEN_AUTH_URL", emu.url())
}

/// The attacker's HTTP server: listens on 127.0.0.1 (a port of the
/// kernel's choosing, printed first), accepts ONE connection, closes the
/// listener at once, then answers every request on that connection `401`
/// with keep-alive, printing each `Authorization` header it is sent.
const GRAB_ONE_CONNECTION: &str = r#"
use IO::Socket::INET;
$| = 1;
my $l = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 8,
    Proto => "tcp") or die "listen: $!";
print "port ", $l->sockport, "\n";
my $c = $l->accept or die "accept: $!";
close $l;
print "accepted\n";
while (1) {
    my $got = 0;
    while (my $line = <$c>) {
        $got = 1;
        $line =~ s/\r?\n$//;
        last if $line eq "";
        print "authorization $1\n" if $line =~ /^authorization:\s*(.*)$/i;
    }
    last unless $got;
    print "request\n";
    print $c "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\n"
        . "Content-Length: 0\r\nConnection: keep-alive\r\n\r\n";
}
print "closed\n";
sleep 30;
"#;

/// A plain listener on 127.0.0.1 (port printed first), held open.
const LISTEN: &str = r#"
use IO::Socket::INET;
$| = 1;
my $l = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 8,
    Proto => "tcp") or die "listen: $!";
print "port ", $l->sockport, "\n";
sleep 60;
"#;

/// `script` run by perl as the attacker, and the port it printed first; its
/// further lines arrive on the channel.
fn attacker_perl(scene: &Scene, script: &str) -> (Held, u16, std::sync::mpsc::Receiver<String>) {
    perl(scene.attacker_runs(Path::new("/usr/bin/perl")), script, &[])
}

/// `script` run by `c` (perl as some user) with `args`, and the port it
/// printed first; its further lines arrive on the channel.
fn perl(
    mut c: Command,
    script: &str,
    args: &[String],
) -> (Held, u16, std::sync::mpsc::Receiver<String>) {
    c.args(["-e", script]).args(args).stdout(Stdio::piped());
    let mut held = Held::spawn(c);
    let mut lines = BufReader::new(held.0.stdout.take().unwrap()).lines();
    let first = lines
        .next()
        .and_then(Result::ok)
        .expect("the attacker's server printed its port");
    let port = first
        .strip_prefix("port ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("not a port: {first:?}"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in lines.map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    (held, port, rx)
}

/// What the attacker's server printed so far (waiting `quiet` for more).
fn lines_so_far(rx: &std::sync::mpsc::Receiver<String>, quiet: Duration) -> Vec<String> {
    let mut out = Vec::new();
    while let Ok(l) = rx.recv_timeout(quiet) {
        out.push(l);
    }
    out
}

/// Plain http to loopback is allowed because nothing leaves the machine, but
/// another user can hold the port: the attacker runs an endpoint (cytoken's
/// own demo) on a loopback port, and the victim's exchange, git and docker
/// helpers must send it nothing. (With
/// `flow = "mtc"` it would be the app secret itself, as HTTP Basic.)
#[cfg(target_os = "linux")]
#[test]
fn a_loopback_port_another_user_listens_on_gets_no_credentials() {
    let sb = Sandbox::new();
    let scene = Scene::new("port");
    let mut serve = scene.attacker_runs(&scene.bin);
    serve
        .args(["demo", "--serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped());
    let mut held = Held::spawn(serve);
    let mut lines = BufReader::new(held.0.stdout.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("# Cylance token endpoint: ")
                .map(String::from)
        })
        .expect("the attacker's endpoint printed its URL");
    // Read to the end: a closed pipe would stop the endpoint at its next line.
    std::thread::spawn(move || lines.for_each(drop));
    let origin = url.trim_end_matches("/auth/v2/token").to_string();

    let mut c = scene.victim();
    c.env("CYTOKEN_TENANT_ID", TENANT)
        .env("CYTOKEN_APP_ID", APP)
        .env("CYTOKEN_APP_SECRET", SECRET)
        .env("CYTOKEN_AUTH_URL", &url)
        .arg("token");
    let o = run(c);
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("another user of this machine"),
        "{}",
        stderr(&o)
    );

    // git and docker asking for that port are not answered.
    let port = origin.rsplit(':').next().unwrap().to_string();
    for (args, input) in [
        (
            &["git-credential", "get"][..],
            format!("protocol=http\nhost=127.0.0.1:{port}\n\n"),
        ),
        (&["docker-credential", "get"][..], format!("{origin}\n")),
    ] {
        let mut c = scene.victim();
        c.env("CYTOKEN_TENANT_ID", TENANT)
            .env("CYTOKEN_APP_ID", APP)
            .env("CYTOKEN_APP_SECRET", SECRET)
            .env("CYTOKEN_AUTH_URL", sb.emu.url())
            .args(args);
        let o = feed(c, input.as_bytes());
        assert!(!stdout(&o).contains("eyJ"), "{args:?}: {}", stdout(&o));
    }
    assert_eq!(
        sb.emu.requests(),
        0,
        "a token was minted for the attacker's port"
    );
    drop(held);
}

/// Git asks the helper after the server's 401 and re-sends the
/// credential on the connection it holds. The attacker accepted that
/// connection and closed the listener at once, so no one listens on the
/// port when cytoken looks: the token must still not be given.
#[test]
fn git_sends_no_token_over_a_connection_another_user_accepted() {
    let sb = Sandbox::new();
    let scene = Scene::new("grab");
    let (held, port, rx) = attacker_perl(&scene, GRAB_ONE_CONNECTION);

    let mut c = scene.victim_runs(Path::new("git"));
    env_selection(&mut c, &sb.emu)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "")
        .env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", "credential.helper")
        .env(
            "GIT_CONFIG_VALUE_0",
            format!("{} git-credential", scene.bin.display()),
        )
        .args([
            "ls-remote",
            &format!("http://127.0.0.1:{port}/team/repo.git"),
        ]);
    let o = run(c);
    let seen = lines_so_far(&rx, Duration::from_millis(300));
    drop(held);
    assert!(
        seen.iter().any(|l| l == "accepted") && seen.iter().any(|l| l == "request"),
        "git never reached the attacker: {seen:?}; git: {}",
        stderr(&o)
    );
    assert!(
        !seen.iter().any(|l| l.starts_with("authorization")),
        "the attacker got a credential: {seen:?}"
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("held by another user"),
        "the reason is on stderr: {}",
        stderr(&o)
    );
    assert_eq!(sb.emu.requests(), 0, "a token was minted for the attacker");
}

/// No socket at all: a loopback port nothing of the user's (or
/// root's) holds gets no token from git or docker, since whoever binds it
/// next would receive it; with the user's (here root's) listener on it, the
/// same requests are answered.
#[test]
fn a_loopback_port_nothing_of_the_users_holds_gets_no_token() {
    let sb = Sandbox::new();
    let scene = Scene::new("free");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ask = |port: u16| -> Vec<Output> {
        [
            (
                &["git-credential", "get"][..],
                format!("protocol=http\nhost=127.0.0.1:{port}\n\n"),
            ),
            (
                &["docker-credential", "get"][..],
                format!("http://127.0.0.1:{port}/v2/\n"),
            ),
        ]
        .into_iter()
        .map(|(args, input)| {
            let mut c = scene.victim();
            env_selection(&mut c, &sb.emu).args(args);
            feed(c, input.as_bytes())
        })
        .collect()
    };
    for o in ask(port) {
        assert!(!stdout(&o).contains("eyJ"), "{}", stdout(&o));
        assert!(
            stderr(&o).contains("nothing of yours or root's listens on port"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(sb.emu.requests(), 0, "a token was minted for a free port");

    let ours = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    for o in ask(ours.local_addr().unwrap().port()) {
        assert!(stdout(&o).contains("eyJ"), "{}", stderr(&o));
    }
}

/// Docker names local registries `localhost:5000`,
/// `127.0.0.1:5000`, `[::1]:5000` with no scheme (so cytoken read https) and
/// talks plain http to them, and git reaches local https servers with
/// `http.sslVerify=false`: another user's server on the port gets nothing,
/// whatever the scheme or the name of this machine.
#[test]
fn another_users_local_registry_gets_no_token_whatever_the_scheme() {
    let sb = Sandbox::new();
    let scene = Scene::new("registry");
    let (held, port, _rx) = attacker_perl(&scene, LISTEN);
    let docker = [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        format!("https://localhost:{port}/v2/"),
        format!("http://localhost:{port}/v2/"),
        // Other names of this machine: the unspecified address, a name below
        // `localhost`, an IPv4-mapped loopback address.
        format!("0.0.0.0:{port}"),
        format!("registry.localhost:{port}"),
        format!("[::ffff:127.0.0.1]:{port}"),
    ];
    let git = [
        format!("protocol=https\nhost=localhost:{port}\n\n"),
        format!("protocol=https\nhost=127.0.0.1:{port}\n\n"),
        format!("protocol=http\nhost=localhost:{port}\n\n"),
    ];
    let asks = docker
        .iter()
        .map(|url| (&["docker-credential", "get"][..], format!("{url}\n")))
        .chain(
            git.iter()
                .map(|r| (&["git-credential", "get"][..], r.clone())),
        );
    for (args, input) in asks {
        let mut c = scene.victim();
        env_selection(&mut c, &sb.emu).args(args);
        let o = feed(c, input.as_bytes());
        assert!(!stdout(&o).contains("eyJ"), "{input:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains(&format!("uid {}", scene.users.attacker.uid)),
            "{input:?}: {}",
            stderr(&o)
        );
        if args[0] == "docker-credential" {
            assert_eq!(
                stdout(&o),
                "credentials not found in native keychain\n",
                "{input:?}"
            );
        }
    }
    assert_eq!(sb.emu.requests(), 0, "a token was minted for the attacker");
    drop(held);
}
/// git's client end: connects to 127.0.0.1 port `ARGV[0]`, prints its own
/// (ephemeral) port, holds the connection.
const CONNECT: &str = r#"
use IO::Socket::INET;
$| = 1;
my $c = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0], Proto => "tcp")
    or die "connect: $!";
print "port ", $c->sockport, "\n";
sleep 60;
"#;

/// The attacker's server on [::1] port `ARGV[0]` (v6-only, so beside a
/// socket on 127.0.0.1): accepts one connection, closes it and the listener
/// (leaving only the kernel's uid-0 closing socket), then waits.
const LISTEN_ONCE_ON_V6: &str = r#"
use IO::Socket::IP;
$| = 1;
my $l = IO::Socket::IP->new(LocalHost => "::1", LocalPort => $ARGV[0], Listen => 8,
    ReuseAddr => 1, V6Only => 1) or die "listen: $!";
print "port ", $l->sockport, "\n";
my $c = $l->accept or die "accept: $!";
close $c;
close $l;
print "closed\n";
sleep 60;
"#;

/// git's and docker's requests for loopback `host` (`addr:port`), run as
/// the victim.
fn ask_for(scene: &Scene, sb: &Sandbox, host: &str) -> Vec<(String, Output)> {
    [
        (
            &["git-credential", "get"][..],
            format!("protocol=http\nhost={host}\n\n"),
        ),
        (
            &["docker-credential", "get"][..],
            format!("http://{host}/v2/\n"),
        ),
        (&["docker-credential", "get"][..], format!("{host}\n")),
    ]
    .into_iter()
    .map(|(args, input)| {
        let mut c = scene.victim();
        env_selection(&mut c, &sb.emu).args(args);
        let o = feed(c, input.as_bytes());
        (input, o)
    })
    .collect()
}

#[track_caller]
fn assert_no_token(asked: &[(String, Output)], reason: &str) {
    for (input, o) in asked {
        assert!(!stdout(o).contains("eyJ"), "{input:?}: {}", stdout(o));
        assert!(stderr(o).contains(reason), "{input:?}: {}", stderr(o));
    }
}

#[track_caller]
fn assert_token(asked: &[(String, Output)]) {
    for (input, o) in asked {
        assert!(stdout(o).contains("eyJ"), "{input:?}: {}", stderr(o));
    }
}

/// The reconnect attack: git connected to the attacker on 127.0.0.1 from
/// its port E, the attacker redirected it to `[::1]:E` and answered 401
/// with `Connection: close` there, so git asks for `[::1]:E` and, once
/// answered, reconnects to whoever listens on [::1]:E by then. A socket of
/// the user's on port E that is not a listener on ::1 (git's own client end
/// on 127.0.0.1:E, a server of the user's on 127.0.0.1) proves nothing of
/// [::1]:E: git and docker get nothing, and do once the user listens there.
#[test]
fn only_a_listener_on_the_dialed_address_makes_the_port_the_users() {
    let sb = Sandbox::new();
    let scene = Scene::new("dialed");
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let server_port = server.local_addr().unwrap().port();
    // The victim's client end on 127.0.0.1:E, connected and held.
    let (_client, e, _) = perl(
        scene.victim_runs(Path::new("/usr/bin/perl")),
        CONNECT,
        &[server_port.to_string()],
    );
    let _accepted = server.accept().unwrap();
    // The attacker was on [::1]:E and has closed everything there.
    let (_attacker, _, rx) = attacker_perl_with(&scene, LISTEN_ONCE_ON_V6, e);
    let mut to_attacker = std::net::TcpStream::connect(("::1", e)).unwrap();
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).as_deref(),
        Ok("closed")
    );
    std::io::Read::read_to_end(&mut to_attacker, &mut Vec::new()).unwrap();
    drop(to_attacker);
    assert_no_token(
        &ask_for(&scene, &sb, &format!("[::1]:{e}")),
        "nothing of yours or root's listens on port",
    );

    // The user's server on 127.0.0.1:P says nothing of [::1]:P, nor of
    // another loopback address, nor of `localhost` (which dials both).
    for host in [
        format!("[::1]:{server_port}"),
        format!("127.0.0.2:{server_port}"),
        format!("localhost:{server_port}"),
    ] {
        assert_no_token(
            &ask_for(&scene, &sb, &host),
            "nothing of yours or root's listens on port",
        );
    }
    assert_eq!(sb.emu.requests(), 0, "a token was minted");

    // Listening there, the user is answered.
    let _v6 = std::net::TcpListener::bind(("::1", server_port)).unwrap();
    for host in [
        format!("[::1]:{server_port}"),
        format!("localhost:{server_port}"),
        format!("127.0.0.1:{server_port}"),
    ] {
        assert_token(&ask_for(&scene, &sb, &host));
    }
}

/// `script` run by perl as the attacker with the port `port` as its
/// argument.
fn attacker_perl_with(
    scene: &Scene,
    script: &str,
    port: u16,
) -> (Held, u16, std::sync::mpsc::Receiver<String>) {
    perl(
        scene.attacker_runs(Path::new("/usr/bin/perl")),
        script,
        &[port.to_string()],
    )
}

/// The attacker binds 127.0.0.2 on port `ARGV[0]` without listening.
const BIND_ONLY: &str = r#"
use Socket;
$| = 1;
socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!";
bind($s, pack_sockaddr_in($ARGV[0], inet_aton("127.0.0.2"))) or die "bind: $!";
print "port $ARGV[0]\n";
sleep 60;
"#;

/// Another user's socket bound to 127.0.0.2:P receives nothing sent to
/// 127.0.0.1:P: it does not keep the user's own server there from its
/// token, and only a request for 127.0.0.2:P is refused for it.
#[test]
fn another_users_socket_on_another_loopback_address_blocks_nothing() {
    let sb = Sandbox::new();
    let scene = Scene::new("beside");
    let ours = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = ours.local_addr().unwrap().port();
    let (_attacker, _, _) = attacker_perl_with(&scene, BIND_ONLY, port);
    assert_token(&ask_for(&scene, &sb, &format!("127.0.0.1:{port}")));
    assert_no_token(
        &ask_for(&scene, &sb, &format!("127.0.0.2:{port}")),
        &format!("uid {}", scene.users.attacker.uid),
    );
}

/// docker and git read IPv4 shorthand the way glibc does (`127.1` is
/// 127.0.0.1): another user's server there gets nothing, whatever the form.
#[test]
fn ipv4_shorthand_for_loopback_is_checked_like_loopback() {
    let sb = Sandbox::new();
    let scene = Scene::new("short");
    let (held, port, _rx) = attacker_perl(&scene, LISTEN);
    for host in [
        "127.1",
        "127.0.1",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "0",
    ] {
        let hostport = format!("{host}:{port}");
        let asks = [
            (
                &["git-credential", "get"][..],
                format!("protocol=https\nhost={hostport}\n\n"),
            ),
            (&["docker-credential", "get"][..], format!("{hostport}\n")),
        ];
        for (args, input) in asks {
            let mut c = scene.victim();
            env_selection(&mut c, &sb.emu).args(args);
            let o = feed(c, input.as_bytes());
            assert!(!stdout(&o).contains("eyJ"), "{input:?}: {}", stdout(&o));
            assert!(
                stderr(&o).contains(&format!("uid {}", scene.users.attacker.uid)),
                "{input:?}: {}",
                stderr(&o)
            );
        }
    }
    assert_eq!(sb.emu.requests(), 0, "a token was minted for the attacker");
    drop(held);
}
