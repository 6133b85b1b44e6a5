//! The cache dir and its entries, against another user: a linked, foreign
//! or writable cache dir is never used, created or listed through; a
//! planted lock, FIFO or renamed entry never stalls, hangs or crosses
//! profiles.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::{entries_in, files_in, selection};
use crate::support::*;
use crate::users::*;

/// A complete environment-only selection for the emulator.
fn env_selection<'a>(c: &'a mut Command, emu: &Emulator) -> &'a mut Command {
    c.env("CYTOKEN_TENANT_ID", TENANT)
        .env("CYTOKEN_APP_ID", APP)
        .env("CYTOKEN_APP_SECRET", SECRET)
        .env("CYTOKEN_AUTH_URL", emu.url())
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
fn a_symlinked_cache_dir_is_never_followed() {
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
/// the attacker can rename it away and put another in its place.
#[test]
fn a_cache_dir_link_written_with_a_trailing_slash_is_still_a_link() {
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
fn a_cache_dir_the_attacker_owns_is_not_used() {
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
fn a_cache_dir_others_can_write_is_not_used_on_a_miss_or_a_hit() {
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
fn a_planted_lock_held_by_the_attacker_never_stalls_a_refresh() {
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
fn a_fifo_planted_as_the_handout_log_never_hangs_exec_credential() {
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
fn a_renamed_entry_never_serves_another_profiles_token() {
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

/// `cache list` and `cache clear --all` with the cache dir at
/// the attacker's link to the victim's real cache: nothing is listed or
/// removed through it.
#[test]
fn cache_list_and_clear_never_follow_a_symlinked_cache_dir() {
    let sb = Sandbox::new();
    let scene = Scene::new("f10-list");
    let mut c = scene.victim();
    selection(&mut c, &sb.emu.url()).arg("token");
    assert_status(&run(c), 0);
    let real = scene.victim_home.join(".cache").join("cytoken");
    assert_eq!(entries_in(&real).len(), 1, "{:?}", files_in(&real));
    let before = files_in(&real);

    let shared = scene.shared.join("ci-shared");
    mkdir(&shared, 0, 0, 0o1777);
    let link = shared.join("cytoken");
    scene.attacker_symlinks(&real, &link);
    for args in [&["cache", "clear", "--all"][..], &["cache", "list"]] {
        let mut c = scene.victim();
        c.env("CYTOKEN_CACHE_DIR", &link).args(args);
        let o = run(c);
        assert_status(&o, 2);
        let e = stderr(&o);
        assert!(
            e.contains(&link.display().to_string()) && e.contains("symlink"),
            "{args:?}: {e}"
        );
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
        assert_eq!(files_in(&real), before, "{args:?} touched the real cache");
    }
    // The real dir itself lists and clears.
    let mut c = scene.victim();
    c.args(["cache", "list"]);
    let o = run(c);
    assert_status(&o, 0);
    assert!(stdout(&o).contains(TENANT), "{}", stdout(&o));
    let mut c = scene.victim();
    c.args(["cache", "clear", "--all"]);
    assert_status(&run(c), 0);
    assert!(entries_in(&real).is_empty());
}

/// `CYTOKEN_CACHE_DIR` below the attacker's link to a directory
/// of the victim's. The link is refused, and nothing is created where it
/// leads before that: a `mkdir -p` through the link would make the dir in
/// the victim's directory before refusing it.
#[test]
fn a_cache_dir_below_another_users_link_is_never_created_through_it() {
    let sb = Sandbox::new();
    let scene = Scene::new("cls-cache");
    let shared = scene.shared.join("ci-shared");
    mkdir(&shared, 0, 0, 0o1777);
    let public = scene.victim_home.join("public_html");
    scene.victim_mkdir(&public, 0o755);
    let link = shared.join("x");
    scene.attacker_symlinks(&public, &link);
    for below in [link.join("cytoken"), link.join("sub").join("cytoken")] {
        for args in [&["token"][..], &["check", "--offline"]] {
            let mut c = scene.victim();
            selection(&mut c, &sb.emu.url())
                .env("CYTOKEN_CACHE_DIR", &below)
                .args(args);
            let o = run(c);
            let e = format!("{}{}", stdout(&o), stderr(&o));
            assert!(
                e.contains(&link.display().to_string())
                    && (e.contains("symlink") || e.contains("owned by uid")),
                "{}: {args:?}: {e}",
                below.display()
            );
            assert!(
                files_in(&public).is_empty(),
                "{} {args:?}: made {:?}",
                below.display(),
                files_in(&public)
            );
        }
    }
    // A fresh dir under the victim's own dirs is still made, private.
    let fresh = scene.victim_home.join("a").join("b").join("cytoken");
    let mut c = scene.victim();
    selection(&mut c, &sb.emu.url())
        .env("CYTOKEN_CACHE_DIR", &fresh)
        .arg("token");
    let o = run(c);
    assert_status(&o, 0);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert_eq!(entries_in(&fresh).len(), 1);
    for d in [scene.victim_home.join("a"), fresh.clone()] {
        assert_eq!((owner(&d), mode(&d)), (scene.users.victim.uid, 0o700));
    }
}
