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
    let mut c = scene.attacker_runs(Path::new("/usr/bin/perl"));
    c.args(["-e", script]).stdout(Stdio::piped());
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
        .find_map(|l| l.strip_prefix("export CYTOKEN_AUTH_URL=").map(String::from))
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
