//! The trust issue's loopback and session-bus findings (issue 18), attacked
//! as a real second user (`users.rs`): another user's server on a loopback
//! port git or docker is about to send a token to, and another user's D-Bus
//! session bus the secret would be stored through (DESIGN §5 "Loopback
//! peers", "The session bus is the user's"). The attacker's servers are perl
//! (perl-base is in every Debian) and dbus-daemon with gnome-keyring.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

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

/// Finding 1: git asks the helper after the server's 401 and re-sends the
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

/// Finding 1, no socket at all: a loopback port nothing of the user's (or
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

/// Finding 2: docker names local registries `localhost:5000`,
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

/// The attacker's session bus, with gnome-keyring's Secret Service on it,
/// open to every user (its own config: `<allow user="*"/>`), listening on
/// an abstract name or a socket path.
struct AttackerBus {
    address: String,
    _daemon: Held,
    _keyring: Held,
    runtime: std::path::PathBuf,
}

impl AttackerBus {
    fn start(scene: &Scene, listen: &str) -> AttackerBus {
        let a = &scene.users.attacker;
        let conf = scene.attacker_home.join("bus.conf");
        write_owned(
            &conf,
            &format!(
                "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n \
                 \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n\
                 <busconfig>\n  <type>session</type>\n  <listen>{listen}</listen>\n  \
                 <auth>EXTERNAL</auth>\n  <policy context=\"default\">\n    \
                 <allow user=\"*\"/>\n    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n    \
                 <allow eavesdrop=\"true\"/>\n    <allow own=\"*\"/>\n  </policy>\n</busconfig>\n"
            ),
            a.uid,
            a.gid,
            0o644,
        );
        let runtime = scene.attacker_home.join("run");
        if !runtime.exists() {
            mkdir(&runtime, a.uid, a.gid, 0o700);
        }
        let mut c = scene.attacker_runs(Path::new("/usr/bin/dbus-daemon"));
        c.arg(format!("--config-file={}", conf.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut daemon = Held::spawn(c);
        let mut line = String::new();
        BufReader::new(daemon.0.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line.trim().to_string();
        assert!(
            address.starts_with("unix:"),
            "the attacker's dbus-daemon did not start: {address:?}"
        );
        let mut c = scene.attacker_runs(Path::new("/usr/bin/gnome-keyring-daemon"));
        c.env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("XDG_RUNTIME_DIR", &runtime)
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut keyring = Held::spawn(c);
        let mut stdin = keyring.0.stdin.take().unwrap();
        stdin.write_all(b"PASS").unwrap();
        drop(stdin);
        let bus = AttackerBus {
            address,
            _daemon: daemon,
            _keyring: keyring,
            runtime,
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        while !bus.has_secret_service(scene) {
            assert!(
                Instant::now() < deadline,
                "the attacker's gnome-keyring did not appear on its bus"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        bus
    }

    fn as_attacker(&self, scene: &Scene, program: &str) -> Command {
        let mut c = scene.attacker_runs(Path::new(program));
        c.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("XDG_RUNTIME_DIR", &self.runtime);
        c
    }

    fn has_secret_service(&self, scene: &Scene) -> bool {
        let mut c = self.as_attacker(scene, "/usr/bin/dbus-send");
        c.args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.secrets",
        ]);
        stdout(&run(c)).contains("boolean true")
    }

    /// What the attacker's keyring holds under cytoken's entry `name`.
    fn lookup(&self, scene: &Scene, name: &str) -> String {
        let mut c = self.as_attacker(scene, "/usr/bin/secret-tool");
        c.args(["lookup", "service", "cytoken", "account", name]);
        stdout(&run(c))
    }

    /// The attacker plants an entry the victim would read as its app secret.
    fn plant(&self, scene: &Scene, name: &str, value: &str) {
        let mut c = self.as_attacker(scene, "/usr/bin/secret-tool");
        c.args([
            "store", "--label", "planted", "service", "cytoken", "account", name,
        ]);
        let o = feed(c, value.as_bytes());
        assert_status(&o, 0);
    }
}

/// Finding 12: the victim's DBUS_SESSION_BUS_ADDRESS names a bus another
/// user runs (an abstract name anyone can bind, or a socket the attacker
/// made): `secret set` refuses (exit 2, the cause and the fix) and the
/// attacker's keyring receives nothing; reading the secret through it is
/// refused too, and a `tcp:` address is refused outright.
#[test]
fn another_users_session_bus_gets_no_secret() {
    let sb = Sandbox::new();
    let scene = Scene::new("bus");
    let name = "cylance-victim";
    let config = scene.victim_home.join("cytoken.toml");
    scene.victim_writes(
        &config,
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\nauth_url = \"{}\"\n\
             app_secret_keyring = \"{name}\"\n",
            sb.emu.url()
        ),
        0o600,
    );
    let abstract_name = format!(
        "unix:abstract=/tmp/cytoken-attacker-bus-{}",
        std::process::id()
    );
    let path = format!("unix:path={}/bus", scene.attacker_home.display());
    for listen in [abstract_name, path] {
        let bus = AttackerBus::start(&scene, &listen);
        let victim = |args: &[&str]| {
            let mut c = scene.victim();
            c.env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
                .arg("--config")
                .arg(&config)
                .args(args);
            c
        };
        let o = feed(victim(&["secret", "set"]), format!("{SECRET}\n").as_bytes());
        assert_status(&o, 2);
        let e = stderr(&o);
        assert!(
            e.contains(&format!(
                "another user of this machine (uid {})",
                scene.users.attacker.uid
            )) && e.contains("DBUS_SESSION_BUS_ADDRESS"),
            "{listen}: {e}"
        );
        assert!(!e.contains(SECRET), "{e}");
        assert!(
            !bus.lookup(&scene, name).contains(SECRET),
            "{listen}: the attacker got the secret"
        );

        bus.plant(&scene, name, "attacker-chosen-secret");
        let o = run(victim(&["token"]));
        assert_status(&o, 2);
        assert!(
            stderr(&o).contains("another user of this machine"),
            "{}",
            stderr(&o)
        );
        assert_eq!(sb.emu.requests(), 0);
    }

    let mut c = scene.victim();
    c.env("DBUS_SESSION_BUS_ADDRESS", "tcp:host=127.0.0.1,port=1")
        .arg("--config")
        .arg(&config)
        .args(["secret", "set"]);
    let o = feed(c, format!("{SECRET}\n").as_bytes());
    assert_status(&o, 2);
    assert!(stderr(&o).contains("not a unix socket"), "{}", stderr(&o));
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
