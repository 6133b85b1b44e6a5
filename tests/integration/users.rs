//! Real second users for the security tests (`security/`): an unprivileged
//! victim and attacker, both in one group, created when missing; commands run
//! as either with a hermetic environment; and per-test scenes of fresh
//! directories under /tmp with chosen owners and modes.
//!
//! These tests run as root (CI and development machines). When they cannot
//! create or become the users they fail loudly: they never skip.

use std::io::Read;
use std::os::unix::fs::{PermissionsExt, chown};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const VICTIM: &str = "cytoken-victim";
pub const ATTACKER: &str = "cytoken-attacker";
/// The group both are in (a team's shared directories).
pub const DEVS: &str = "cytoken-devs";

/// PATH given to every process run as a user.
pub const PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// Longest any command run as a user may take before the test kills it and fails.
pub const DEADLINE: Duration = Duration::from_secs(90);

#[derive(Debug, Clone)]
pub struct User {
    pub name: &'static str,
    pub uid: u32,
    pub gid: u32,
}

pub struct Users {
    pub victim: User,
    pub attacker: User,
    /// The gid of [`DEVS`].
    pub devs: u32,
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// The victim and the attacker, created (once per process) when missing.
pub fn users() -> &'static Users {
    static USERS: OnceLock<Users> = OnceLock::new();
    USERS.get_or_init(set_up_users)
}

fn set_up_users() -> Users {
    if !is_root() {
        let missing: Vec<&str> = [VICTIM, ATTACKER]
            .into_iter()
            .filter(|n| lookup_user(n).is_none())
            .collect();
        panic!(
            "the attack tests must run as root: they create the users {VICTIM} and {ATTACKER} \
             (group {DEVS}) and run cytoken as them through setpriv/runuser{}; run `cargo test` \
             as root (CI does)",
            if missing.is_empty() {
                String::new()
            } else {
                format!(" (missing here: {})", missing.join(", "))
            }
        );
    }
    ensure(&["groupadd", DEVS], || lookup_group(DEVS).is_some());
    for name in [VICTIM, ATTACKER] {
        // A group of the user's own name, unless one exists already.
        let own_group = if lookup_group(name).is_some() {
            vec!["--gid", name]
        } else {
            vec!["--user-group"]
        };
        let mut cmd = vec![
            "useradd",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            "--groups",
            DEVS,
        ];
        cmd.extend(own_group);
        cmd.push(name);
        ensure(&cmd, || lookup_user(name).is_some());
        ensure(&["usermod", "--append", "--groups", DEVS, name], || {
            in_group(name, DEVS)
        });
    }
    let user = |name: &'static str| {
        let (uid, gid) = lookup_user(name).unwrap_or_else(|| panic!("user {name} vanished"));
        assert_ne!(uid, 0, "{name} must not be root");
        User { name, uid, gid }
    };
    Users {
        victim: user(VICTIM),
        attacker: user(ATTACKER),
        devs: lookup_group(DEVS).expect("group cytoken-devs"),
    }
}

/// Runs `cmd` until `done()` holds. A failure is retried for a while: "already
/// exists" (another test process got there first) and "cannot lock
/// /etc/passwd" (one is busy) are normal when test processes run in parallel.
fn ensure(cmd: &[&str], done: impl Fn() -> bool) {
    let mut last = String::new();
    for _ in 0..100 {
        if done() {
            return;
        }
        let o = Command::new(cmd[0])
            .args(&cmd[1..])
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e} (install passwd)", cmd[0]));
        if !o.status.success() {
            last = format!("{}: {}", o.status, String::from_utf8_lossy(&o.stderr));
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    assert!(done(), "`{}` never took effect: {last}", cmd.join(" "));
}

fn getent(db: &str, name: &str) -> Option<Vec<String>> {
    let o = Command::new("getent").args([db, name]).output().ok()?;
    if !o.status.success() {
        return None;
    }
    let line = String::from_utf8(o.stdout).ok()?;
    Some(line.trim_end().split(':').map(String::from).collect())
}

fn lookup_user(name: &str) -> Option<(u32, u32)> {
    let f = getent("passwd", name)?;
    Some((f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?))
}

fn lookup_group(name: &str) -> Option<u32> {
    getent("group", name)?.get(2)?.parse().ok()
}

fn in_group(user: &str, group: &str) -> bool {
    getent("group", group).is_some_and(|f| {
        f.get(3)
            .is_some_and(|members| members.split(',').any(|m| m == user))
    })
}

/// The first of `names` found in the usual system directories.
fn find_program(names: &[&str]) -> Option<PathBuf> {
    for dir in ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"] {
        for name in names {
            let p = Path::new(dir).join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// `program` run as `user`, with a hermetic environment: only PATH, HOME (the
/// user's home in this test), USER, LOGNAME and the XDG dirs under that home;
/// stdin empty, working directory the home.
pub fn as_user(user: &User, home: &Path, program: &Path) -> Command {
    static RUNNER: OnceLock<PathBuf> = OnceLock::new();
    let runner = RUNNER.get_or_init(|| {
        find_program(&["setpriv", "runuser"])
            .expect("neither setpriv nor runuser is installed (util-linux provides both)")
    });
    let mut c = Command::new(runner);
    if runner.ends_with("setpriv") {
        c.arg(format!("--reuid={}", user.uid))
            .arg(format!("--regid={}", user.gid))
            .arg("--init-groups")
            .arg("--");
    } else {
        // -m: keep the environment given here (no su-style HOME, SHELL).
        c.args(["-m", "-u", user.name, "--"]);
    }
    c.arg(program)
        .env_clear()
        .env("PATH", PATH)
        .env("HOME", home)
        .env("USER", user.name)
        .env("LOGNAME", user.name)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .current_dir(home)
        .stdin(Stdio::null());
    c
}

/// Spawns `cmd`, retrying for a moment on ETXTBSY: each test copies the
/// binary, and a child another test thread forks meanwhile briefly holds the
/// copy's write descriptor (until its exec closes it), which makes exec of
/// the copy fail with "Text file busy".
fn spawn_retrying(cmd: &mut Command) -> std::process::Child {
    const ETXTBSY: i32 = 26;
    for _ in 0..100 {
        match cmd.spawn() {
            Err(e) if e.raw_os_error() == Some(ETXTBSY) => {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other.unwrap_or_else(|e| panic!("cannot spawn {cmd:?}: {e}")),
        }
    }
    panic!("cannot spawn {cmd:?}: the binary stayed busy (ETXTBSY)")
}

/// Runs `cmd` in its own process group and returns its output and how long it
/// took. Past `limit` the whole group is killed and the test fails: a hang is
/// a finding, never a stuck suite.
pub fn run_within(mut cmd: Command, limit: Duration) -> (Output, Duration) {
    // The runner (setpriv) execs the copy itself: the same "Text file busy"
    // then comes back as its exit status 126, and the run is made again.
    for _ in 0..100 {
        let (o, took) = run_once(&mut cmd, limit);
        let busy = o.status.code() == Some(126)
            && String::from_utf8_lossy(&o.stderr).contains("Text file busy");
        if !busy {
            return (o, took);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{cmd:?}: the binary stayed busy (ETXTBSY)")
}

fn run_once(cmd: &mut Command, limit: Duration) -> (Output, Duration) {
    let start = Instant::now();
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = spawn_retrying(cmd);
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            kill_group(&mut child);
            let err = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
            panic!("{cmd:?} still running after {limit:?} (killed); stderr: {err}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = start.elapsed();
    let o = Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    (o, took)
}

/// [`run_within`] with the suite's [`DEADLINE`].
pub fn run(cmd: Command) -> Output {
    run_within(cmd, DEADLINE).0
}

fn kill_group(child: &mut Child) {
    // SAFETY: kill(2) on the process group of our own child (it leads it).
    unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
    let _ = child.wait();
}

/// A background process (and its group) that is killed when dropped.
pub struct Held(pub Child);

impl Held {
    /// Spawns `cmd` as the leader of a new process group.
    pub fn spawn(mut cmd: Command) -> Held {
        cmd.process_group(0);
        Held(spawn_retrying(&mut cmd))
    }

    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        kill_group(&mut self.0);
    }
}

/// Creates directory `path` (which must not exist) with this owner and mode.
pub fn mkdir(path: &Path, uid: u32, gid: u32, mode: u32) {
    std::fs::create_dir(path).unwrap_or_else(|e| panic!("mkdir {}: {e}", path.display()));
    set_owner(path, uid, gid, mode);
}

/// Writes a fresh file (replacing any file of that name) with this owner and mode.
pub fn write_owned(path: &Path, text: &str, uid: u32, gid: u32, mode: u32) {
    let _ = std::fs::remove_file(path);
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    set_owner(path, uid, gid, mode);
}

/// chown, then chmod (chown may clear set-id bits).
pub fn set_owner(path: &Path, uid: u32, gid: u32, mode: u32) {
    chown(path, Some(uid), Some(gid)).unwrap_or_else(|e| panic!("chown {}: {e}", path.display()));
    set_mode(path, mode);
}

pub fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
}

pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("stat {}: {e}", path.display()))
        .mode()
        & 0o7777
}

pub fn owner(path: &Path) -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("stat {}: {e}", path.display()))
        .uid()
}

/// One test's world: fresh directories directly under /tmp (so every path
/// above them is root's, and /tmp's sticky bit sits right above a directory
/// its user owns), a copy of the binary everyone can run, and cleanup.
pub struct Scene {
    pub users: &'static Users,
    /// `/tmp/cytoken-<tag>-victim`: the victim's HOME, victim-owned, 0755.
    pub victim_home: PathBuf,
    /// `/tmp/cytoken-<tag>-attacker`: the attacker's HOME, attacker-owned, 0755.
    pub attacker_home: PathBuf,
    /// `/tmp/cytoken-<tag>-shared`: root-owned, 0755; holds `bin/cytoken`.
    pub shared: PathBuf,
    /// The cytoken binary, copied where every user can execute it.
    pub bin: PathBuf,
    tag: String,
    extra: Mutex<Vec<PathBuf>>,
}

impl Scene {
    pub fn new(name: &str) -> Scene {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let users = users();
        let tmp = Path::new("/tmp");
        {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(tmp).unwrap();
            assert!(
                m.uid() == 0 && m.mode() & 0o7777 == 0o1777,
                "/tmp must be root's, mode 1777, for the attack tests (it is {:o}, uid {})",
                m.mode() & 0o7777,
                m.uid()
            );
        }
        let tag = format!(
            "{}-{}-{name}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        );
        let scene = Scene {
            users,
            victim_home: tmp.join(format!("cytoken-{tag}-victim")),
            attacker_home: tmp.join(format!("cytoken-{tag}-attacker")),
            shared: tmp.join(format!("cytoken-{tag}-shared")),
            bin: tmp.join(format!("cytoken-{tag}-shared/bin/cytoken")),
            tag,
            extra: Mutex::new(Vec::new()),
        };
        for d in [&scene.victim_home, &scene.attacker_home, &scene.shared] {
            let _ = std::fs::remove_dir_all(d); // a leftover of a killed run
        }
        let (v, a) = (&users.victim, &users.attacker);
        mkdir(&scene.victim_home, v.uid, v.gid, 0o755);
        mkdir(&scene.attacker_home, a.uid, a.gid, 0o755);
        mkdir(&scene.shared, 0, 0, 0o755);
        mkdir(&scene.shared.join("bin"), 0, 0, 0o755);
        std::fs::hard_link(shared_binary(), &scene.bin).unwrap();
        scene
    }

    /// A further fresh directory directly under /tmp, removed with the scene.
    pub fn top_dir(&self, what: &str, uid: u32, gid: u32, mode: u32) -> PathBuf {
        let p = Path::new("/tmp").join(format!("cytoken-{}-{what}", self.tag));
        let _ = std::fs::remove_dir_all(&p);
        mkdir(&p, uid, gid, mode);
        self.extra.lock().unwrap().push(p.clone());
        p
    }

    /// cytoken run as the victim, with no selection.
    pub fn victim(&self) -> Command {
        as_user(&self.users.victim, &self.victim_home, &self.bin)
    }

    /// `program` run as the victim.
    pub fn victim_runs(&self, program: &Path) -> Command {
        as_user(&self.users.victim, &self.victim_home, program)
    }

    /// `program` run as the attacker.
    pub fn attacker_runs(&self, program: &Path) -> Command {
        as_user(&self.users.attacker, &self.attacker_home, program)
    }

    /// `path` made a directory of the victim's, with `mode`.
    pub fn victim_mkdir(&self, path: &Path, mode: u32) {
        mkdir(path, self.users.victim.uid, self.users.victim.gid, mode);
    }

    /// `path` written with `text`, the victim's, with `mode`.
    pub fn victim_writes(&self, path: &Path, text: &str, mode: u32) {
        write_owned(
            path,
            text,
            self.users.victim.uid,
            self.users.victim.gid,
            mode,
        );
    }

    /// The victim's own symlink `link` to `target`.
    pub fn victim_symlinks(&self, target: &Path, link: &Path) {
        let v = &self.users.victim;
        std::os::unix::fs::symlink(target, link).unwrap();
        std::os::unix::fs::lchown(link, Some(v.uid), Some(v.gid)).unwrap();
    }

    /// The attacker makes `link` a symlink to `target` (replacing what is there,
    /// as `ln -sfn` does), and it must work: a failed attack proves nothing.
    pub fn attacker_symlinks(&self, target: &Path, link: &Path) {
        let mut c = self.attacker_runs(Path::new("ln"));
        c.arg("-sfn").arg(target).arg(link);
        let o = run(c);
        assert!(
            o.status.success(),
            "the attacker could not plant {} -> {}: {}",
            link.display(),
            target.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(owner(link), self.users.attacker.uid);
    }
}

impl Drop for Scene {
    fn drop(&mut self) {
        let mut dirs = vec![
            self.victim_home.clone(),
            self.attacker_home.clone(),
            self.shared.clone(),
        ];
        dirs.extend(self.extra.lock().unwrap().drain(..));
        for d in dirs {
            let _ = std::fs::remove_dir_all(&d);
        }
    }
}

/// The binary everyone can run: one root-owned copy per test process, which
/// every scene links to. A copy made while other tests fork stays "Text file
/// busy" until each child forked meanwhile has exec'd (they inherit its write
/// descriptor); a link to a finished copy has no writer. Copies a finished
/// test process left behind are removed.
fn shared_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let tmp = Path::new("/tmp");
        for old in std::fs::read_dir(tmp).into_iter().flatten().flatten() {
            let name = old.file_name().to_string_lossy().into_owned();
            let pid = name
                .strip_prefix("cytoken-")
                .and_then(|r| r.strip_suffix("-bin"));
            if pid.is_some_and(|p| p.parse::<u32>().is_ok() && !Path::new("/proc").join(p).exists())
            {
                let _ = std::fs::remove_dir_all(old.path());
            }
        }
        let dir = tmp.join(format!("cytoken-{}-bin", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        mkdir(&dir, 0, 0, 0o755);
        let bin = dir.join("cytoken");
        std::fs::copy(env!("CARGO_BIN_EXE_cytoken"), &bin).unwrap();
        set_owner(&bin, 0, 0, 0o755);
        bin
    })
}
