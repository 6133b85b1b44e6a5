//! The session bus is the user's (DESIGN §5): another user's D-Bus bus,
//! named in `DBUS_SESSION_BUS_ADDRESS`, never receives the secret.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;
use crate::users::*;

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

/// The victim's DBUS_SESSION_BUS_ADDRESS names a bus another
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
