//! The trust-model review (issue 10), attacked as the review did: a real
//! unprivileged victim and attacker (`users.rs`), real files, symlinks, FIFOs,
//! locks and modes, and the victim running the built binary. One test per
//! finding; each asserts what cytoken must do (DESIGN §3 and §5).
//!
//! Findings 5 to 9 need no second user and run in a [`Sandbox`] as the test
//! user.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;
use crate::users::*;

/// What the attacker is after: a private file of the victim's.
const VICTIM_PRIVATE: &str = "victim-private-key-material-7Hq2Lw9xKp";

fn profile(url: &str, secret_line: &str) -> String {
    format!(
        "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\nauth_url = \"{url}\"\n\
         {secret_line}"
    )
}

fn inline_secret() -> String {
    format!("app_secret = \"{SECRET}\"\n")
}

/// A complete environment-only selection for the emulator.
fn env_selection<'a>(c: &'a mut Command, emu: &Emulator) -> &'a mut Command {
    c.env("CYTOKEN_TENANT_ID", TENANT)
        .env("CYTOKEN_APP_ID", APP)
        .env("CYTOKEN_APP_SECRET", SECRET)
        .env("CYTOKEN_AUTH_URL", emu.url())
}

/// The victim's private file, and where the attacker wants a copy of it: a
/// drop directory of the attacker's that anyone can write.
fn loot(scene: &Scene) -> (PathBuf, PathBuf) {
    let a = &scene.users.attacker;
    let private = scene.victim_home.join(".private-key");
    scene.victim_writes(&private, VICTIM_PRIVATE, 0o600);
    let drop = scene.attacker_home.join("loot");
    mkdir(&drop, a.uid, a.gid, 0o777);
    (private, drop.join("stolen"))
}

/// The attacker's config: run a command as whoever reads it.
fn evil_toml(emu: &Emulator, private: &Path, stolen: &Path) -> String {
    profile(
        &emu.url(),
        &format!(
            "app_secret_command = [\"sh\", \"-c\", \"cp {} {}; echo not-a-secret\"]\n",
            private.display(),
            stolen.display()
        ),
    )
}

/// Writes its argv area over with `$ARGV[1]` (newline-padded, so no NUL: the
/// kernel then shows exactly that text as /proc/PID/cmdline), turns itself
/// non-dumpable (prctl, syscall number `$ARGV[0]`), so /proc/PID/* becomes
/// root-owned, says "ready" and waits.
const NON_DUMPABLE_PERL: &str = r#"
my ($nr, $dumpable, $text) = @ARGV;
# Numbers, not strings: syscall passes a string as a pointer.
($nr, $dumpable) = (0 + $nr, 0 + $dumpable);
open(my $st, '<', '/proc/self/stat') or die "stat: $!";
my $s = <$st>; close $st;
$s =~ s/^.*\) //s;
my @f = split / /, $s;
my ($as, $ae) = ($f[45], $f[46]);
my $len = $ae - $as;
die "argv area too small" if length($text) + 1 > $len;
my $data = $text . ("\n" x ($len - length($text)));
open(my $m, '+<', '/proc/self/mem') or die "mem: $!";
sysseek($m, $as, 0) or die "seek: $!";
syswrite($m, $data) == $len or die "write: $!";
close $m;
syscall($nr, $dumpable, 0, 0, 0, 0) == 0 or die "prctl: $!";
$| = 1;
print "ready\n";
sleep 600;
"#;

/// A non-dumpable process of the attacker's whose /proc/PID/cmdline is
/// `toml`: root-owned, mode 0444, content of the attacker's choosing. Checks
/// that the kernel really shows it so (else the attack proves nothing).
fn proc_config(scene: &Scene, toml: &str) -> (Held, PathBuf) {
    let perl = Path::new("/usr/bin/perl");
    assert!(
        perl.is_file(),
        "the /proc attack needs /usr/bin/perl (perl-base) for a non-dumpable process"
    );
    let mut c = scene.attacker_runs(perl);
    // No environment at all: the kernel reads a rewritten argv area on into the
    // environment's, and an empty one adds nothing.
    c.env_clear()
        .arg("-e")
        .arg(NON_DUMPABLE_PERL)
        .arg(libc::SYS_prctl.to_string())
        .arg(libc::PR_SET_DUMPABLE.to_string())
        .arg(toml)
        .arg(" ".repeat(512))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut held = Held::spawn(c);
    let mut line = String::new();
    BufReader::new(held.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line, "ready\n",
        "the attacker's non-dumpable process failed"
    );
    let cmdline = PathBuf::from(format!("/proc/{}/cmdline", held.pid()));
    assert_eq!(
        owner(&cmdline),
        0,
        "{} should be root's (non-dumpable)",
        cmdline.display()
    );
    assert_eq!(mode(&cmdline), 0o444);
    let shown = std::fs::read_to_string(&cmdline).unwrap();
    assert!(
        shown.starts_with(toml) && shown[toml.len()..].bytes().all(|b| b == b'\n'),
        "{} shows {shown:?}",
        cmdline.display()
    );
    // …and the victim can read it.
    let mut cat = scene.victim_runs(Path::new("cat"));
    cat.arg(&cmdline);
    let o = run(cat);
    assert!(
        o.status.success() && o.stdout.starts_with(toml.as_bytes()),
        "the victim cannot read {}",
        cmdline.display()
    );
    (held, cmdline)
}

/// The victim's run was refused as a configuration error naming `names` and
/// one of `causes`, before running anything: the attacker got nothing.
#[track_caller]
fn assert_refused(o: &Output, names: &Path, causes: &[&str], stolen: &Path) {
    assert_status(o, 2);
    let e = stderr(o);
    assert!(!e.contains("panicked"), "{e}");
    assert!(
        e.contains(&names.display().to_string()),
        "{} not named in: {e}",
        names.display()
    );
    assert!(
        causes.iter().any(|c| e.contains(c)),
        "none of {causes:?} in: {e}"
    );
    assert!(stdout(o).is_empty(), "{}", stdout(o));
    assert!(
        !stolen.exists(),
        "the attacker's command ran as the victim: {} exists",
        stolen.display()
    );
}

#[test]
fn finding1_proc_cmdline_config_in_a_group_writable_team_dir_is_refused() {
    let sb = Sandbox::new();
    let scene = Scene::new("f1-team");
    let (v, devs) = (&scene.users.victim, scene.users.devs);
    let (private, stolen) = loot(&scene);
    // The team's config dir: victim:devs 2775, holding the victim's own config.
    let team = scene.shared.join("teamcfg");
    mkdir(&team, v.uid, devs, 0o2775);
    let cfg = team.join("cytoken.toml");
    write_owned(
        &cfg,
        &profile(&sb.emu.url(), &inline_secret()),
        v.uid,
        devs,
        0o600,
    );
    // The attacker, in devs, swaps it for a link to a root-owned, read-only
    // file whose content is theirs.
    let (_evil, cmdline) = proc_config(&scene, &evil_toml(&sb.emu, &private, &stolen));
    scene.attacker_symlinks(&cmdline, &cfg);

    let causes = &["writable", "regular file", "procfs"][..];
    let mut c = scene.victim();
    c.arg("--config").arg(&cfg).arg("token");
    assert_refused(&run(c), &cfg, causes, &stolen);

    // The same, named relative to the team dir.
    let mut c = scene.victim();
    c.current_dir(&team)
        .args(["--config", "cytoken.toml", "token"]);
    assert_refused(&run(c), Path::new("cytoken.toml"), causes, &stolen);

    // The /proc file itself: every directory above it is root's and read-only,
    // so only "never procfs" stands between the attacker and the victim.
    let mut c = scene.victim();
    c.arg("--config").arg(&cmdline).arg("token");
    assert_refused(&run(c), &cmdline, &["procfs", "regular file"], &stolen);
    assert_eq!(sb.emu.requests(), 0);
}

#[test]
fn finding1_a_group_writable_config_dir_in_home_is_refused() {
    let sb = Sandbox::new();
    let scene = Scene::new("f1-home");
    let (v, devs) = (&scene.users.victim, scene.users.devs);
    let (private, stolen) = loot(&scene);
    let config = scene.victim_home.join(".config");
    scene.victim_mkdir(&config, 0o755);
    let dir = config.join("cytoken");
    mkdir(&dir, v.uid, devs, 0o775);
    let cfg = dir.join("config.toml");
    scene.victim_writes(&cfg, &profile(&sb.emu.url(), &inline_secret()), 0o600);
    // Refused as it stands: anyone in devs could replace the file.
    assert_refused(&run(scene.victim()), &cfg, &["writable"], &stolen);

    // And when someone in devs does.
    let (_evil, cmdline) = proc_config(&scene, &evil_toml(&sb.emu, &private, &stolen));
    scene.attacker_symlinks(&cmdline, &cfg);
    assert_refused(
        &run(scene.victim()),
        &cfg,
        &["writable", "regular file", "procfs", "symlink"],
        &stolen,
    );
    assert_eq!(sb.emu.requests(), 0);
}

#[test]
fn finding1_a_config_in_an_attacker_made_dir_under_tmp_is_refused() {
    let sb = Sandbox::new();
    let scene = Scene::new("f1-tmp");
    let a = &scene.users.attacker;
    let (private, stolen) = loot(&scene);
    // The attacker made the directory first; the victim's file is inside it.
    let dir = scene.top_dir("attacker-dir", a.uid, a.gid, 0o755);
    let cfg = dir.join("cytoken.toml");
    scene.victim_writes(&cfg, &profile(&sb.emu.url(), &inline_secret()), 0o600);
    let mut c = scene.victim();
    c.arg("--config").arg(&cfg).arg("token");
    assert_refused(&run(c), &cfg, &["owned by"], &stolen);

    // The attacker owns the dir, so can swap the file at will.
    let (_evil, cmdline) = proc_config(&scene, &evil_toml(&sb.emu, &private, &stolen));
    scene.attacker_symlinks(&cmdline, &cfg);
    let mut c = scene.victim();
    c.arg("--config").arg(&cfg).arg("token");
    assert_refused(
        &run(c),
        &cfg,
        &["owned by", "regular file", "procfs", "symlink"],
        &stolen,
    );
    assert_eq!(sb.emu.requests(), 0);
}

/// The attacker's link, in a sticky drop dir root owns and their group may
/// write, to one of the victim's own files: the victim's file is private and
/// the victim's, yet the attacker chooses which file is read as the config
/// (here one whose command only the victim meant to run elsewhere). A link
/// is a component like any other: it must be the victim's or root's. (Found
/// by a red-team as a second user.)
#[test]
fn finding1_someone_elses_link_to_the_victims_own_file_is_refused() {
    let sb = Sandbox::new();
    let scene = Scene::new("f1-link");
    let v = &scene.users.victim;
    let drop = scene.top_dir("drop", 0, scene.users.devs, 0o1775);
    let ran = scene.victim_home.join("ran");
    let cfg = scene.victim_home.join("example.toml");
    write_owned(
        &cfg,
        &profile(
            &sb.emu.url(),
            &format!(
                "app_secret_command = [\"sh\", \"-c\", \"touch {}; printf %s {SECRET}\"]\n",
                ran.display()
            ),
        ),
        v.uid,
        v.gid,
        0o600,
    );
    let link = drop.join("ci.toml");
    scene.attacker_symlinks(&cfg, &link);
    let mut c = scene.victim();
    c.arg("--config").arg(&link).arg("token");
    let o = run(c);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("cannot be trusted"), "{}", stderr(&o));
    assert!(stderr(&o).contains("owned by uid"), "{}", stderr(&o));
    assert!(!ran.exists(), "the command ran through the attacker's link");
    // The victim's own link (in the victim's home) is followed.
    let own = scene.victim_home.join("ci.toml");
    scene.victim_symlinks(&cfg, &own);
    let mut c = scene.victim();
    c.arg("--config").arg(&own).arg("token");
    let o = run(c);
    assert_status(&o, 0);
    assert!(ran.exists());
}

#[test]
fn finding1_trusted_configs_still_work() {
    let sb = Sandbox::new();
    let scene = Scene::new("f1-good");
    let v = &scene.users.victim;

    // The victim's own 0700 dir directly under /tmp.
    let dir = scene.top_dir("private", v.uid, v.gid, 0o700);
    let cfg = dir.join("cytoken.toml");
    scene.victim_writes(&cfg, &profile(&sb.emu.url(), &inline_secret()), 0o600);
    let mut c = scene.victim();
    c.arg("--config").arg(&cfg).arg("token");
    let o = run(c);
    assert_status(&o, 0);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));

    // The default config under the victim's home, its secret in a file there.
    let config = scene.victim_home.join(".config");
    scene.victim_mkdir(&config, 0o700);
    scene.victim_mkdir(&config.join("cytoken"), 0o700);
    scene.victim_writes(
        &scene.victim_home.join(".cytoken-secret"),
        &format!("{SECRET}\n"),
        0o600,
    );
    scene.victim_writes(
        &config.join("cytoken").join("config.toml"),
        &profile(
            &sb.emu.url(),
            "app_secret_file = \"~/.cytoken-secret\"\nscopes = [\"device:list\"]\n",
        ),
        0o600,
    );
    let o = run(scene.victim());
    assert_status(&o, 0);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));
}

/// The files in `dir` (none if it cannot be read).
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Token entries (`<32 hex>.json`) in `dir`.
fn entries_in(dir: &Path) -> Vec<PathBuf> {
    files_in(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".json"))
                .is_some_and(|k| k.len() == 32 && k.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .collect()
}

/// The victim's `cytoken token` with an environment-only selection.
fn victim_token(scene: &Scene, emu: &Emulator, cache_dir: Option<&Path>) -> Output {
    let mut c = scene.victim();
    env_selection(&mut c, emu).arg("token");
    if let Some(d) = cache_dir {
        c.env("CYTOKEN_CACHE_DIR", d);
    }
    run(c)
}

/// Token served, with a warning about the cache.
#[track_caller]
fn assert_served_with_cache_warning(o: &Output, emu: &Emulator) {
    assert_status(o, 0);
    assert!(
        emu.verify_access_token(stdout(o).trim_end()),
        "{}",
        stdout(o)
    );
    let e = stderr(o);
    assert!(
        e.contains("warning") && e.to_lowercase().contains("cache"),
        "no cache warning: {e}"
    );
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn finding2_a_symlinked_cache_dir_is_never_followed() {
    let sb = Sandbox::new();
    let scene = Scene::new("f2-link");
    let shared = scene.shared.join("ci-shared");
    mkdir(&shared, 0, 0, 0o1777);
    let public = scene.victim_home.join("public_html");
    scene.victim_mkdir(&public, 0o755);
    let link = shared.join("cytoken");
    scene.attacker_symlinks(&public, &link);

    let o = victim_token(&scene, &sb.emu, Some(&link));
    assert_served_with_cache_warning(&o, &sb.emu);
    assert_eq!(mode(&public), 0o755, "the link's target was chmodded");
    assert!(files_in(&public).is_empty(), "{:?}", files_in(&public));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
}

/// The victim's own link to its cache dir, written `link/` or `link/.`: the
/// kernel follows those, so an lstat never sees the link. The dir it leads to
/// is the victim's, but in a team dir the attacker's group can write, where
/// the attacker can rename it away and put another in its place. (Found by
/// an independent red-team of the walk that resolves a path only when it
/// meets a link.)
#[test]
fn finding2_a_cache_dir_link_written_with_a_trailing_slash_is_still_a_link() {
    let sb = Sandbox::new();
    let scene = Scene::new("f2-slash");
    let team = scene.top_dir("team", 0, scene.users.devs, 0o2775);
    let real = team.join("vic-cache");
    scene.victim_mkdir(&real, 0o700);
    let link = scene.victim_home.join("cache");
    scene.victim_symlinks(&real, &link);
    for written in [
        format!("{}/", link.display()),
        format!("{}/.", link.display()),
    ] {
        let o = victim_token(&scene, &sb.emu, Some(Path::new(&written)));
        assert_served_with_cache_warning(&o, &sb.emu);
        assert!(
            files_in(&real).is_empty(),
            "{written}: {:?}",
            files_in(&real)
        );
    }
    // The attack is real: the attacker can move the victim's dir away.
    let mut mv = scene.attacker_runs(Path::new("mv"));
    mv.arg(&real).arg(team.join("taken"));
    let o = run(mv);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn finding2_a_cache_dir_the_attacker_owns_is_not_used() {
    let sb = Sandbox::new();
    let scene = Scene::new("f2-foreign");
    let (v, a) = (&scene.users.victim, &scene.users.attacker);
    let shared = scene.shared.join("ci-shared");
    mkdir(&shared, 0, 0, 0o1777);
    for m in [0o777, 0o755] {
        let dir = shared.join(format!("cytoken-{m:o}"));
        mkdir(&dir, a.uid, a.gid, m);
        let o = victim_token(&scene, &sb.emu, Some(&dir));
        assert_served_with_cache_warning(&o, &sb.emu);
        assert_eq!(owner(&dir), a.uid);
        assert_eq!(mode(&dir), m);
        let mine: Vec<_> = files_in(&dir)
            .into_iter()
            .filter(|f| owner(f) == v.uid)
            .collect();
        assert!(mine.is_empty(), "mode {m:o}: the victim wrote {mine:?}");
    }
}

#[test]
fn finding2_a_cache_dir_others_can_write_is_not_used_on_a_miss_or_a_hit() {
    let sb = Sandbox::new();
    let scene = Scene::new("f2-writable");
    let cache = scene.victim_home.join(".cache");
    scene.victim_mkdir(&cache, 0o700);
    let dir = cache.join("cytoken");

    // Miss: the victim's own dir, but anyone can write it.
    scene.victim_mkdir(&dir, 0o777);
    let o = victim_token(&scene, &sb.emu, None);
    assert_served_with_cache_warning(&o, &sb.emu);
    assert!(entries_in(&dir).is_empty(), "{:?}", files_in(&dir));

    // Hit: a good cache, then the dir becomes writable by others.
    std::fs::remove_dir_all(&dir).unwrap();
    let o = victim_token(&scene, &sb.emu, None);
    assert_status(&o, 0);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert_eq!(entries_in(&dir).len(), 1);
    let o = victim_token(&scene, &sb.emu, None);
    assert!(stderr(&o).is_empty(), "a quiet hit: {}", stderr(&o));
    set_mode(&dir, 0o777);
    let before = sb.emu.requests();
    let o = victim_token(&scene, &sb.emu, None);
    assert_served_with_cache_warning(&o, &sb.emu);
    assert_eq!(
        sb.emu.requests(),
        before + 1,
        "an entry in a dir others can write was served"
    );
}

#[test]
fn finding3_a_ca_file_others_can_write_is_refused() {
    let scene = Scene::new("f3-ca");
    let (v, a, devs) = (&scene.users.victim, &scene.users.attacker, scene.users.devs);
    let pem = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
        .unwrap()
        .cert
        .pem();
    let config = scene.victim_home.join(".config");
    scene.victim_mkdir(&config, 0o700);
    let dir = config.join("cytoken");
    scene.victim_mkdir(&dir, 0o700);
    let cfg = dir.join("config.toml");
    let with_ca = |ca: &Path| {
        write_owned(
            &cfg,
            &profile(
                "https://127.0.0.1:9/auth/v2/token",
                &format!("{}ca_file = \"{}\"\n", inline_secret(), ca.display()),
            ),
            v.uid,
            v.gid,
            0o600,
        );
    };
    let ca_lines = |o: &Output| -> Vec<String> {
        stdout(o)
            .lines()
            .filter(|l| l.contains("ca_file"))
            .map(String::from)
            .collect()
    };
    for (what, uid, gid, m) in [
        ("attacker-owned", a.uid, a.gid, 0o644),
        ("group-writable", v.uid, devs, 0o664),
    ] {
        let ca = dir.join(format!("{what}.pem"));
        write_owned(&ca, &pem, uid, gid, m);
        with_ca(&ca);
        let mut c = scene.victim();
        c.arg("token");
        let o = run(c);
        assert_status(&o, 2);
        assert!(stderr(&o).contains("ca_file"), "{what}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
        let mut c = scene.victim();
        c.args(["check", "--offline"]);
        let o = run(c);
        assert_ne!(o.status.code(), Some(0), "{what}: {}", stdout(&o));
        assert!(
            ca_lines(&o).iter().any(|l| l.contains("FAIL")),
            "{what}: no FAIL line for ca_file: {}",
            stdout(&o)
        );
    }
    // The victim's own, not writable by others: fine.
    let ca = dir.join("mine.pem");
    scene.victim_writes(&ca, &pem, 0o644);
    with_ca(&ca);
    let mut c = scene.victim();
    c.args(["check", "--offline"]);
    let o = run(c);
    let lines = ca_lines(&o);
    assert!(
        lines.iter().any(|l| l.trim_start().starts_with("ok"))
            && !lines.iter().any(|l| l.contains("FAIL")),
        "{}",
        stdout(&o)
    );
}

/// The victim's default cache dir and its one entry's key, after a first call.
fn first_token(scene: &Scene, emu: &Emulator) -> (String, PathBuf, String) {
    let o = victim_token(scene, emu, None);
    assert_status(&o, 0);
    let dir = scene.victim_home.join(".cache").join("cytoken");
    let entries = entries_in(&dir);
    assert_eq!(entries.len(), 1, "{:?}", files_in(&dir));
    let key = entries[0]
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    (stdout(&o).trim_end().to_string(), dir, key)
}

/// Rewrites an entry to expire `secs` from now, in place (the victim's file,
/// 0600, stays so).
fn set_expiry_in_place(entry: &Path, secs: i64) {
    let mut j: serde_json::Value = serde_json::from_slice(&std::fs::read(entry).unwrap()).unwrap();
    let expires_at = cytoken::testing::now() + secs;
    j["expires_at"] = expires_at.into();
    j["obtained_at"] = (expires_at - 1800).into();
    std::fs::write(entry, serde_json::to_vec(&j).unwrap()).unwrap();
}

#[test]
fn finding4_a_planted_lock_held_by_the_attacker_never_stalls_a_refresh() {
    let sb = Sandbox::new();
    let scene = Scene::new("f4-lock");
    let (v, a) = (&scene.users.victim, &scene.users.attacker);
    let (old, dir, key) = first_token(&scene, &sb.emu);
    let entry = dir.join(format!("{key}.json"));
    let lock = dir.join(format!("{key}.lock"));

    // While the dir was briefly open, the attacker planted the lock file and
    // took the lock (the path is made reachable for that moment only).
    let cache = scene.victim_home.join(".cache");
    let modes = (mode(&cache), mode(&dir));
    set_mode(&cache, 0o711);
    set_mode(&dir, 0o711);
    // 0666, as a file planted to be used is: the victim can open it too.
    write_owned(&lock, "", a.uid, a.gid, 0o666);
    let mut c = scene.attacker_runs(Path::new("flock"));
    c.arg(&lock)
        .args(["sleep", "300"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _holder = Held::spawn(c);
    let t = Instant::now();
    loop {
        let f = std::fs::File::open(&lock).unwrap();
        match f.try_lock() {
            Err(std::fs::TryLockError::WouldBlock) => break,
            Err(e) => panic!("try_lock {}: {e:?}", lock.display()),
            Ok(()) => drop(f),
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the attacker never took the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    set_mode(&cache, modes.0);
    set_mode(&dir, modes.1);

    // Stale (inside the refresh margin, not expired): a refresh is due.
    set_expiry_in_place(&entry, 60);
    assert_eq!((owner(&entry), mode(&entry)), (v.uid, 0o600));

    let mut c = scene.victim();
    env_selection(&mut c, &sb.emu).arg("token");
    let (o, took) = run_within(c, Duration::from_secs(60));
    assert!(
        took < Duration::from_secs(10),
        "waited {took:?} on the planted lock"
    );
    assert_status(&o, 0);
    assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));
    let e = stderr(&o);
    assert!(e.contains("warning") && e.contains("lock"), "{e}");

    let mut c = scene.victim();
    env_selection(&mut c, &sb.emu).args(["--force-refresh", "token"]);
    let (o, took) = run_within(c, Duration::from_secs(60));
    assert!(
        took < Duration::from_secs(10),
        "waited {took:?} on the planted lock"
    );
    assert_status(&o, 0);
    let new = stdout(&o).trim_end().to_string();
    assert!(sb.emu.verify_access_token(&new));
    assert_ne!(new, old, "--force-refresh served the old token");
}

#[test]
fn finding4_a_fifo_planted_as_the_handout_log_never_hangs_exec_credential() {
    let sb = Sandbox::new();
    let scene = Scene::new("f4-fifo");
    let (v, a) = (&scene.users.victim, &scene.users.attacker);
    let (_, dir, key) = first_token(&scene, &sb.emu);
    let kube = dir.join(format!("{key}.kube"));
    for (who, uid, gid, m) in [
        ("attacker", a.uid, a.gid, 0o666),
        ("victim", v.uid, v.gid, 0o600),
    ] {
        let _ = std::fs::remove_file(&kube);
        let ok = Command::new("mkfifo").arg(&kube).status().unwrap();
        assert!(ok.success(), "mkfifo {}", kube.display());
        set_owner(&kube, uid, gid, m);
        let requests = sb.emu.requests();
        let mut c = scene.victim();
        env_selection(&mut c, &sb.emu).arg("exec-credential").env(
            "KUBERNETES_EXEC_INFO",
            r#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}"#,
        );
        let (o, took) = run_within(c, Duration::from_secs(20));
        assert!(took < Duration::from_secs(5), "{who}'s FIFO: hung {took:?}");
        assert_status(&o, 0);
        let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert!(
            sb.emu
                .verify_access_token(j["status"]["token"].as_str().unwrap())
        );
        assert_eq!(sb.emu.requests(), requests, "{who}'s FIFO: not a cache hit");
    }
}

#[test]
fn finding4_a_renamed_entry_never_serves_another_profiles_token() {
    let sb = Sandbox::new();
    let scene = Scene::new("f4-rename");
    let v = &scene.users.victim;
    let config = scene.victim_home.join(".config");
    scene.victim_mkdir(&config, 0o700);
    scene.victim_mkdir(&config.join("cytoken"), 0o700);
    let url = sb.emu.url();
    let text = format!(
        "[profiles.admin]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\nauth_url = \"{url}\"\n\
         app_secret = \"{SECRET}\"\nscopes = [\"device:list\", \"device:write\", \"policy:write\"]\n\n\
         [profiles.readonly]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\nauth_url = \"{url}\"\n\
         app_secret = \"{SECRET}\"\nscopes = [\"device:list\"]\n"
    );
    scene.victim_writes(&config.join("cytoken").join("config.toml"), &text, 0o600);
    let token = |p: &str| {
        let mut c = scene.victim();
        c.args(["-p", p, "token"]);
        let o = run(c);
        assert_status(&o, 0);
        stdout(&o).trim_end().to_string()
    };
    let admin = token("admin");
    let readonly = token("readonly");
    assert_ne!(admin, readonly);
    let dir = scene.victim_home.join(".cache").join("cytoken");
    let holding = |tok: &str| {
        entries_in(&dir)
            .into_iter()
            .find(|e| {
                let j: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(e).unwrap()).unwrap();
                j["access_token"] == tok
            })
            .unwrap_or_else(|| panic!("no entry holds that token: {:?}", files_in(&dir)))
    };
    let (admin_entry, readonly_entry) = (holding(&admin), holding(&readonly));
    std::fs::rename(&admin_entry, &readonly_entry).unwrap();
    assert_eq!(
        (owner(&readonly_entry), mode(&readonly_entry)),
        (v.uid, 0o600)
    );

    let served = token("readonly");
    assert_ne!(served, admin, "-p readonly served the admin token");
    assert!(sb.emu.verify_access_token(&served));
}

// Findings 5 to 9: one user is enough.

fn sandbox_profile(sb: &Sandbox, body: &str) -> String {
    profile(&sb.emu.url(), body)
}

/// A secret that looks like one (base64).
const B64_SECRET: &str = "Zm9vYmFyc2VjcmV0";

#[test]
fn finding5_config_errors_never_print_a_secret() {
    let sb = Sandbox::new();
    let s = B64_SECRET;
    let cases: Vec<(String, &str)> = vec![
        // A bad escape in a multi-line basic string: the error is on a line
        // inside the string.
        (format!("app_secret = \"\"\"\n{s}\\q\n\"\"\"\n"), s),
        (format!("app_secret = \"\"\"{s}\\q\n\"\"\"\n"), s),
        (format!("app_secret = \"\"\"\n{s}=\\q\n\"\"\"\n"), s),
        // A literal multi-line string has no escapes; a control character is
        // its error.
        (format!("app_secret = '''\n{s}\u{1}\n'''\n"), s),
        // Unterminated.
        (format!("app_secret = \"\"\"\n{s}\n"), s),
        (format!("app_secret = '''\n{s}\n"), s),
        // The wrong type for a secret key.
        (format!("app_secret = [\"{s}\"]\n"), s),
        (format!("app_secret = {{ value = \"{s}\" }}\n"), s),
        // A valid secret, an error after it.
        (
            format!("app_secret = \"\"\"\n{s}\n\"\"\"\ncolour = \"blue\"\n"),
            s,
        ),
        // The secret itself in the wrong key.
        (format!("app_secret_env = \"{SECRET}\"\n"), SECRET),
        (format!("app_secret_command = \"{SECRET}\"\n"), SECRET),
        // Found by a red-team: a quoted key; a `"""` in a comment before a
        // multi-line secret (it defeated counting them); a secret that is a
        // valid variable name in app_secret_env.
        (format!("\"app_secret_command\" = \"{SECRET}\"\n"), SECRET),
        (
            format!("# see \"\"\" below\napp_secret = \"\"\"\n{s}\\q\n\"\"\"\n"),
            s,
        ),
        (
            "app_secret_env = \"Sekrit0value\"\n".to_string(),
            "Sekrit0value",
        ),
        // A second pass: an escaped key, the secret as a key, the secret in
        // keys that are not the secret's.
        (
            format!("\"app\\u005Fsecret_command\" = \"{SECRET}\"\n"),
            SECRET,
        ),
        (format!("\"{SECRET}\" = 1\n"), SECRET),
        (format!("lifetime = \"{SECRET}\"\n"), SECRET),
        (format!("flow = \"{SECRET}\"\n"), SECRET),
        (format!("scopes = \"{SECRET}\"\n"), SECRET),
        (format!("git_auth = \"{SECRET}\"\n"), SECRET),
        // Numbers are values too (serde writes them in backticks).
        ("tenant_id = 98765432109\n".to_string(), "98765432109"),
        ("lifetime = 9876.54321\n".to_string(), "9876.54321"),
    ];
    // Whole files: a dotted key, an inline table.
    let url = sb.emu.url();
    let files = [
        format!("profiles.default.app_secret_command = \"{SECRET}\"\n"),
        format!(
            "[profiles]\ndefault = {{ tenant_id = \"{TENANT}\", auth_url = \"{url}\", \
             app_secret_command = \"{SECRET}\" }}\n"
        ),
    ];
    let cases = cases
        .into_iter()
        .map(|(body, secret)| (sandbox_profile(&sb, &body), secret))
        .chain(files.into_iter().map(|f| (f, SECRET)));
    for (body, secret) in cases {
        sb.write_config(&body, 0o600);
        for args in [
            &["token"][..],
            &["-vvv", "token"],
            &["check"],
            &["check", "--offline"],
        ] {
            let o = sb.bare().args(args).output().unwrap();
            assert_ne!(o.status.code(), Some(0), "{body:?} {args:?}");
            for (what, text) in [("stdout", stdout(&o)), ("stderr", stderr(&o))] {
                assert!(
                    !text.contains(secret),
                    "{body:?} {args:?}: the secret on {what}: {text}"
                );
            }
            assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
        }
    }
    assert_eq!(sb.emu.requests(), 0);
}

/// An access token with these claims, signed with nonsense: cytoken reads its
/// `exp` unverified.
fn fake_jwt(claims: &str) -> String {
    use base64::Engine;
    let b = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        b.encode(claims)
    )
}

fn answer(sb: &Sandbox, body: &serde_json::Value) {
    sb.emu.push_fault(Fault::Status {
        status: 200,
        body: body.to_string(),
        headers: vec![],
    });
}

/// `token --format json`: exit 0, a sane `expires_in`; the parsed answer.
#[track_caller]
fn sane_json(sb: &Sandbox, args: &[&str], context: &serde_json::Value) -> serde_json::Value {
    let o = sb.run(args);
    assert_eq!(o.status.code(), Some(0), "after {context}: {}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let left = j["expires_in"].as_i64().unwrap_or(-1);
    assert!(
        (1..=1800).contains(&left),
        "after {context}: absurd expiry: {j}"
    );
    j
}

#[test]
fn finding6_an_expiry_already_past_is_a_malformed_response() {
    let sb = Sandbox::new();
    let now = cytoken::testing::now();
    let cases = [
        serde_json::json!({"access_token": fake_jwt(r#"{"exp":-1e300}"#)}),
        serde_json::json!({"access_token": fake_jwt(r#"{"exp":-9223372036854775808}"#)}),
        serde_json::json!({"access_token": fake_jwt(r#"{"exp":0}"#)}),
        serde_json::json!({"access_token": fake_jwt(&format!(r#"{{"exp":{}}}"#, now - 60))}),
    ];
    for body in cases {
        // A cold cache: no valid token to fall back on.
        let _ = std::fs::remove_dir_all(sb.cache_dir());
        answer(&sb, &body);
        let before = sb.emu.requests();
        let o = sb.run(&["token"]);
        assert_eq!(o.status.code(), Some(4), "{body}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{body}: {}", stdout(&o));
        assert_eq!(
            sb.emu.requests(),
            before + 1,
            "{body}: a malformed answer is not retried"
        );
        // Nothing absurd was stored…
        let fake = body["access_token"].as_str().unwrap();
        for e in sb.entries() {
            let text = std::fs::read_to_string(&e).unwrap();
            assert!(!text.contains(fake), "{body}: stored in {}", e.display());
        }
        // …so a later call is never a hit on it: the failure again (it may
        // be remembered for a few seconds), or a real token with a sane expiry.
        let o = sb.run(&["token", "--format", "json"]);
        assert!(!stdout(&o).contains(fake), "{body}: {}", stdout(&o));
        if o.status.success() {
            let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
            let left = j["expires_in"].as_i64().unwrap_or(-1);
            assert!((1..=1800).contains(&left), "{body}: absurd expiry: {j}");
        } else {
            assert_status(&o, 4);
        }
        let j = sane_json(
            &sb,
            &["--force-refresh", "token", "--format", "json"],
            &body,
        );
        assert!(
            sb.emu
                .verify_access_token(j["access_token"].as_str().unwrap()),
            "{body}: {j}"
        );
    }
}

#[test]
fn finding6_an_expiry_beyond_the_requested_exp_is_clamped() {
    let sb = Sandbox::new();
    let cases = [
        serde_json::json!({"access_token": fake_jwt(r#"{"exp":1e300}"#)}),
        serde_json::json!({"access_token": fake_jwt(r#"{"exp":9223372036854775807}"#)}),
        serde_json::json!({
            "access_token": fake_jwt(r#"{"sub":"x"}"#),
            "expires_in": 9223372036854775807_i64
        }),
    ];
    for body in cases {
        answer(&sb, &body);
        let j = sane_json(
            &sb,
            &["--force-refresh", "token", "--format", "json"],
            &body,
        );
        assert_eq!(j["cached"], false, "{body}: {j}");
        let j = sane_json(&sb, &["token", "--format", "json"], &body);
        assert_eq!(j["cached"], true, "{body}: {j}");
    }
}

#[test]
fn finding7_huge_times_are_config_errors_naming_the_range() {
    let sb = Sandbox::new();
    let bad = [
        ("timeout = 9223372036854775807", "1..=300"),
        ("timeout = 0", "1..=300"),
        ("timeout = 301", "1..=300"),
        ("lock_timeout = 9223372036854775807", "1..=600"),
        ("lock_timeout = 0", "1..=600"),
        ("lock_timeout = 601", "1..=600"),
        ("refresh_margin = 100000", "0..=1800"),
        ("refresh_margin = 1801", "0..=1800"),
        ("refresh_margin = 9223372036854775807", "0..=1800"),
    ];
    for (line, range) in bad {
        sb.write_config(&sandbox_profile(&sb, &format!("{line}\n")), 0o600);
        let o = sb
            .bare()
            .env("CYTOKEN_APP_SECRET", SECRET)
            .output()
            .unwrap();
        assert_status(&o, 2);
        let e = stderr(&o);
        assert!(e.contains(range), "{line}: {e}");
        assert!(
            !e.contains("panicked") && !e.contains("overflow"),
            "{line}: {e}"
        );
    }
    assert_eq!(sb.emu.requests(), 0);
    for line in ["timeout = 300", "lock_timeout = 600", "refresh_margin = 0"] {
        sb.write_config(&sandbox_profile(&sb, &format!("{line}\n")), 0o600);
        let o = sb
            .bare()
            .env("CYTOKEN_APP_SECRET", SECRET)
            .arg("--force-refresh")
            .output()
            .unwrap();
        assert_status(&o, 0);
    }
}

#[test]
fn finding8_credentials_in_auth_url_are_a_config_error_and_never_printed() {
    let sb = Sandbox::new();
    let pass = "pa55w0rd";
    let urls = [
        format!("https://user:{pass}@protectapi.cylance.com/auth/v2/token"),
        sb.emu.url().replacen("://", &format!("://user:{pass}@"), 1),
    ];
    let check = |o: &Output, what: &str| {
        for text in [stdout(o), stderr(o)] {
            assert!(!text.contains(pass), "{what}: {text}");
        }
        assert!(!stderr(o).contains("panicked"), "{what}: {}", stderr(o));
    };
    for url in &urls {
        sb.write_config(
            &sandbox_profile(&sb, &inline_secret()).replace(&sb.emu.url(), url),
            0o600,
        );
        for args in [&["token"][..], &["-v", "token"], &["-vvv", "token"]] {
            let o = sb.bare().args(args).output().unwrap();
            assert_status(&o, 2);
            check(&o, &format!("{url} {args:?}"));
        }
        for args in [&["check"][..], &["-vvv", "check"], &["check", "--offline"]] {
            let o = sb.bare().args(args).output().unwrap();
            assert_ne!(o.status.code(), Some(0), "{url} {args:?}: {}", stdout(&o));
            check(&o, &format!("{url} {args:?}"));
        }
        // From the environment and the flag too.
        std::fs::remove_file(sb.config_path()).unwrap();
        let o = sb
            .cmd()
            .env("CYTOKEN_AUTH_URL", url)
            .args(["-v", "token"])
            .output()
            .unwrap();
        assert_status(&o, 2);
        check(&o, &format!("CYTOKEN_AUTH_URL={url}"));
        let o = sb
            .cmd()
            .args(["-v", "--auth-url", url, "token"])
            .output()
            .unwrap();
        assert_status(&o, 2);
        check(&o, &format!("--auth-url {url}"));
    }
    assert_eq!(
        sb.emu.requests(),
        0,
        "credentials were sent to the endpoint"
    );
}

#[test]
fn finding9_exec_strips_every_secret_source_from_the_child() {
    let sb = Sandbox::new();
    sb.write_config(&sandbox_profile(&sb, "app_secret_env = \"MYSEC\"\n"), 0o600);
    for with_override in [true, false] {
        let mut c = sb.bare();
        c.env("MYSEC", SECRET)
            .args(["exec", "--", "sh", "-c", "env"]);
        if with_override {
            c.env("CYTOKEN_APP_SECRET", SECRET);
        }
        let o = c.output().unwrap();
        assert_status(&o, 0);
        let env = stdout(&o);
        assert!(
            env.lines().any(|l| l.starts_with("CYTOKEN_ACCESS_TOKEN=")),
            "{env}"
        );
        for name in ["MYSEC=", "CYTOKEN_APP_SECRET="] {
            assert!(
                !env.lines().any(|l| l.starts_with(name)),
                "override {with_override}: the child got {name}"
            );
        }
        assert_no_secret(&o);
    }
}

#[test]
fn finding9_a_readable_config_with_an_inline_secret_is_refused_even_when_overridden() {
    let sb = Sandbox::new();
    let inline = "inline-secret-Jq7Vv2Rr5Tt8Yy1Uu4";
    sb.write_config(
        &sandbox_profile(&sb, &format!("app_secret = \"{inline}\"\n")),
        0o644,
    );
    let o = sb
        .bare()
        .env("CYTOKEN_APP_SECRET", SECRET)
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("chmod 600"), "{}", stderr(&o));
    for text in [stdout(&o), stderr(&o)] {
        assert!(!text.contains(inline), "{text}");
    }
    assert_no_secret(&o);
    assert_eq!(sb.emu.requests(), 0);
}

/// `install-helpers DIR` into a team dir the attacker's group can write: git
/// and docker would run whatever the attacker later points those names at,
/// so it is refused, and the attacker's link (already pointing at cytoken) is
/// not taken as ours. (Found by a red-team as a second user.)
#[test]
fn install_helpers_refuses_a_dir_others_can_write() {
    let scene = Scene::new("helpers");
    let team = scene.top_dir("team-bin", 0, scene.users.devs, 0o2775);
    let link = team.join("git-credential-cytoken");
    scene.attacker_symlinks(&scene.bin, &link);
    let mut c = scene.victim();
    c.arg("install-helpers").arg(&team);
    let o = run(c);
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("cannot install the helpers") && stderr(&o).contains("writable"),
        "{}",
        stderr(&o)
    );
    assert_eq!(owner(&link), scene.users.attacker.uid);
    assert!(!team.join("docker-credential-cytoken").exists());
}

/// Plain http to loopback is allowed because nothing leaves the machine, but
/// another user can hold the port: the attacker runs an endpoint (cytoken's
/// own demo) on a loopback port, and the victim's exchange, git and docker
/// helpers must send it nothing. (Found by a red-team as a second user: with
/// `flow = "mtc"` the victim sent the app secret itself, as HTTP Basic.)
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

/// Removes a path planted directly in /tmp when the test ends.
struct Planted(PathBuf);

impl Drop for Planted {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Links are components like any other, wherever they sit: another user's
/// link as a directory of the path, or in the middle of a chain of links
/// whose ends are the victim's, decides which of the victim's files is read
/// as the config. (Found by a red-team as a second user.)
#[test]
fn another_users_link_as_a_directory_or_in_a_chain_is_refused() {
    let sb = Sandbox::new();
    let scene = Scene::new("chain");
    let proj = scene.victim_home.join("proj");
    scene.victim_mkdir(&proj, 0o755);
    let cfg = proj.join("cytoken.toml");
    scene.victim_writes(&cfg, &profile(&sb.emu.url(), &inline_secret()), 0o600);
    let name = scene.victim_home.file_name().unwrap().to_string_lossy();
    // The attacker's links, directly in /tmp (sticky: only their owner can
    // remove them, so each stays the attacker's).
    let dir_link = Planted(Path::new("/tmp").join(format!("{name}-work")));
    scene.attacker_symlinks(&proj, &dir_link.0);
    let mid_link = Planted(Path::new("/tmp").join(format!("{name}-mid")));
    scene.attacker_symlinks(&cfg, &mid_link.0);
    // The victim's own link to the attacker's.
    let own = scene.victim_home.join("chain.toml");
    scene.victim_symlinks(&mid_link.0, &own);

    for path in [dir_link.0.join("cytoken.toml"), own.clone()] {
        let mut c = scene.victim();
        c.arg("--config").arg(&path).arg("token");
        let o = run(c);
        assert_status(&o, 2);
        assert!(
            stderr(&o).contains("cannot be trusted") && stderr(&o).contains("owned by uid"),
            "{}: {}",
            path.display(),
            stderr(&o)
        );
    }
    // The same file through the victim's own links is read.
    let direct = scene.victim_home.join("direct.toml");
    scene.victim_symlinks(&cfg, &direct);
    let mut c = scene.victim();
    c.arg("--config").arg(&direct).arg("token");
    assert_status(&run(c), 0);
    assert_eq!(sb.emu.requests(), 1);
}
