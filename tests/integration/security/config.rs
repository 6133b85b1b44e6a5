//! Where the config comes from and what it may hold: a config another user
//! could replace or choose (a group-writable dir, an attacker's dir under
//! /tmp, their link, a /proc file) is refused before anything runs; trusted
//! configs still work; huge times and a readable config holding a secret are
//! config errors.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use super::{inline_secret, profile, sandbox_profile};
use crate::support::*;
use crate::users::*;

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

/// What the attacker is after: a private file of the victim's.
const VICTIM_PRIVATE: &str = "victim-private-key-material-7Hq2Lw9xKp";

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

#[test]
fn a_proc_cmdline_config_in_a_group_writable_team_dir_is_refused() {
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
fn a_group_writable_config_dir_in_home_is_refused() {
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
fn a_config_in_an_attacker_made_dir_under_tmp_is_refused() {
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
/// is a component like any other: it must be the victim's or root's.
#[test]
fn someone_elses_link_to_the_victims_own_config_is_refused() {
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
fn configs_in_trusted_dirs_still_work() {
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

#[test]
fn huge_times_are_config_errors_naming_the_range() {
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
fn a_readable_config_with_an_inline_secret_is_refused_even_when_overridden() {
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
