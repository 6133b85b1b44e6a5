//! Unit tests of the parent module.

use super::handout::HANDOUT_LOG_MAX;
use super::*;
use crate::config::ScopeFormat;
use crate::platform::testing::{mode, set_mode, symlink};
use crate::secret::SecretSource;
use std::io::Write;
use std::time::{Duration, Instant};

fn selection(dir: &Path) -> Selection {
    Selection::for_test("http://127.0.0.1:1/auth/v2/token", dir)
}

/// A cache in a new temp dir, created, and the key of the test selection.
fn created() -> (tempfile::TempDir, Cache, Key) {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(&dir.path().join("c"));
    let key = cache.key(&selection(&cache.dir), None).unwrap();
    cache.ensure_dir().unwrap();
    (dir, cache, key)
}

fn handout(pid: u32, started: u64, fp: &str, until: i64) -> Handout {
    Handout {
        pid,
        started,
        token_fp: fp.into(),
        until,
        replaced: false,
    }
}

fn entry(token: &str) -> Entry {
    Entry {
        access_token: token.into(),
        expires_at: 2_000_000_000,
        obtained_at: 1_999_998_200,
        profile: "default".into(),
        tenant_id: "t".into(),
        app_id: "a".into(),
        auth_url: "http://127.0.0.1:1/auth/v2/token".into(),
        scopes: vec![],
        key: String::new(),
    }
}

#[test]
fn key_is_stable_and_changes_with_secret_and_shape() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(&dir.path().join("c"));
    let sel = selection(&cache.dir);
    let s1 = Secret::new("one".into());
    let k1 = cache.key(&sel, Some(&s1)).unwrap().name;
    assert_eq!(k1, cache.key(&sel, Some(&s1)).unwrap().name);
    assert_eq!(k1.len(), 32);
    let k2 = cache
        .key(&sel, Some(&Secret::new("two".into())))
        .unwrap()
        .name;
    assert_ne!(k1, k2, "a rotated secret must not reuse the entry");
    let mut other = sel.clone();
    other.flow.cylance_mut().scopes = vec!["device:list".into()];
    assert_ne!(k1, cache.key(&other, Some(&s1)).unwrap().name);
    let mut other = sel.clone();
    other.flow.cylance_mut().scope_format = ScopeFormat::String;
    assert_ne!(k1, cache.key(&other, Some(&s1)).unwrap().name);
    let mut other = sel.clone();
    other.flow.cylance_mut().tenant_id = "t2".into();
    assert_ne!(k1, cache.key(&other, Some(&s1)).unwrap().name);
    let mut other = sel.clone();
    other.secret = SecretSource::Command(vec!["pass".into()]);
    assert_ne!(k1, cache.key(&other, None).unwrap().name);
    // The fingerprint key is private.
    assert_eq!(mode(&cache.dir.join(KEY_FILE)), 0o600);
    assert_eq!(mode(&cache.dir), 0o700);
}

#[test]
fn write_read_round_trip_and_modes() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(&dir.path().join("c"));
    let key = cache.key(&selection(&cache.dir), None).unwrap();
    assert!(matches!(cache.read(&key), Found::Missing));
    cache.write(&key, &entry("tok")).unwrap();
    match cache.read(&key) {
        // Bound to its key on write.
        Found::Ok(e) => assert_eq!(
            e,
            Entry {
                key: key.name.clone(),
                ..entry("tok")
            }
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(mode(&key.entry), 0o600);
    // Renamed under another key, the same file is not trusted there.
    let mut other_sel = selection(&cache.dir);
    other_sel.flow.cylance_mut().scopes = vec!["policy:read".into()];
    let other = cache.key(&other_sel, None).unwrap();
    std::fs::copy(&key.entry, &other.entry).unwrap();
    assert!(matches!(
        cache.read(&other),
        Found::Untrusted(Distrust::OtherKey)
    ));
    std::fs::remove_file(&other.entry).unwrap();
    let listed = cache.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert!(cache.remove(&key).unwrap());
    assert!(!cache.remove(&key).unwrap());
}

#[test]
fn damaged_and_hostile_entries_are_untrusted() {
    let (dir, cache, key) = created();
    for bytes in [
        &b""[..],
        b"garbage\xff",
        b"{\"access_token\": \"x\"",
        b"[1,2]",
    ] {
        std::fs::write(&key.entry, bytes).unwrap();
        set_mode(&key.entry, 0o600);
        assert!(matches!(cache.read(&key), Found::Untrusted(_)), "{bytes:?}");
    }
    cache.write(&key, &entry("tok")).unwrap();
    set_mode(&key.entry, 0o666);
    assert!(matches!(
        cache.read(&key),
        Found::Untrusted(Distrust::Writable(0o666))
    ));
    std::fs::write(&key.entry, vec![b' '; 100_000]).unwrap();
    set_mode(&key.entry, 0o600);
    assert!(matches!(
        cache.read(&key),
        Found::Untrusted(Distrust::TooLarge(_))
    ));

    // A symlinked entry is neither read nor written through.
    let target = dir.path().join("target.json");
    std::fs::write(&target, serde_json::to_vec(&entry("evil")).unwrap()).unwrap();
    std::fs::remove_file(&key.entry).unwrap();
    // (Where no symlink can be made, wine, `symlink` says so on stderr.)
    if symlink(&target, &key.entry) {
        assert!(matches!(
            cache.read(&key),
            Found::Untrusted(Distrust::Symlink)
        ));
        cache.write(&key, &entry("good")).unwrap();
        assert!(
            !std::fs::symlink_metadata(&key.entry)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(std::fs::read_to_string(&target).unwrap().contains("evil"));
    }
}

#[test]
fn lock_is_exclusive_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(&dir.path().join("c"));
    let key = cache.key(&selection(&cache.dir), None).unwrap();
    let held = cache.lock(&key, Duration::from_secs(1)).unwrap().unwrap();
    let t = Instant::now();
    assert!(
        cache
            .lock(&key, Duration::from_millis(100))
            .unwrap()
            .is_none()
    );
    assert!(t.elapsed() >= Duration::from_millis(100));
    drop(held);
    assert!(
        cache
            .lock(&key, Duration::from_millis(100))
            .unwrap()
            .is_some()
    );
}

#[test]
fn handouts_are_found_per_client_private_and_pruned() {
    let (_dir, cache, key) = created();
    assert!(matches!(cache.handout(&key, 7, 1), Found::Missing));
    cache
        .record_handout(&key, &handout(7, 1, "a", 100), 0)
        .unwrap();
    cache
        .record_handout(&key, &handout(7, 1, "b", 100), 0)
        .unwrap();
    cache
        .record_handout(&key, &handout(7, 2, "c", 50), 0)
        .unwrap();
    cache
        .record_handout(&key, &handout(17, 1, "d", 100), 0)
        .unwrap();
    // The newest record of exactly that client; a recycled pid (another
    // start time) and a pid with the same leading digits are other clients.
    assert!(matches!(cache.handout(&key, 7, 1), Found::Ok(x) if x == handout(7, 1, "b", 100)));
    assert!(matches!(cache.handout(&key, 7, 2), Found::Ok(x) if x.token_fp == "c"));
    assert!(matches!(cache.handout(&key, 1, 1), Found::Missing));
    assert_eq!(mode(&key.handouts()), 0o600);
}

/// A prune keeps, of each client, its newest record, if that has not run out
/// and the client is still running (its pid, started when it was); a client
/// whose start time the OS did not tell (0) is judged by time alone. Damaged
/// lines go. kubectl is a process per command: without the running rule, a
/// busy user's log would be read in full on every call.
#[test]
fn pruning_keeps_the_newest_live_record_of_each_running_client() {
    let (_dir, cache, key) = created();
    let me = std::process::id();
    let started = crate::platform::process_start(me).expect("the OS tells our start time");
    let records = [
        handout(me, started, "older", 100),
        handout(me, started, "newest", 100),
        handout(me, started + 1, "recycled pid", 100),
        handout(u32::MAX - 7, 5, "gone", 100),
        handout(41, 0, "start unknown", 100),
        handout(42, 0, "run out", 50),
    ];
    for r in &records {
        cache.record_handout(&key, r, 0).unwrap();
    }
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(key.handouts())
        .unwrap();
    f.write_all(b"garbage\n").unwrap();
    // Closed before the prune replaces it, as cytoken does (Windows refuses to
    // replace a file that is held open).
    drop(f);
    cache.prune_handouts(&key, 60).unwrap();
    let log = std::fs::read_to_string(key.handouts()).unwrap();
    let fps: Vec<String> = log
        .lines()
        .map(|l| serde_json::from_str::<Handout>(l).unwrap().token_fp)
        .collect();
    assert_eq!(fps, ["newest", "start unknown"], "{log}");
    cache.prune_handouts(&key, 1000).unwrap();
    assert!(!key.handouts().exists());

    // Live records of many clients: each prune keeps the newest half of the
    // bound, so the log never grows past it and the latest client is found.
    for pid in 1000..3000 {
        cache
            .record_handout(&key, &handout(pid, 0, "e", 100), 0)
            .unwrap();
        assert!(std::fs::metadata(key.handouts()).unwrap().len() <= HANDOUT_LOG_MAX + 200);
    }
    assert!(matches!(cache.handout(&key, 2999, 0), Found::Ok(_)));
    assert!(matches!(cache.handout(&key, 1000, 0), Found::Missing));
}

#[test]
fn clear_all_removes_only_cytokens_own_files() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path());
    let key = cache
        .key(&selection(&cache.dir), Some(&Secret::new("s".into())))
        .unwrap();
    cache.write(&key, &entry("tok")).unwrap();
    drop(cache.lock(&key, Duration::from_secs(1)).unwrap());
    cache
        .record_handout(&key, &handout(7, 9, "f", 1), 0)
        .unwrap();
    let temp = dir
        .path()
        .join(files::temp_name(key.entry.file_name().unwrap()));
    std::fs::write(&temp, b"x").unwrap();
    let foreign = [
        "package.json",
        "build.lock",
        "notes.tmp",
        "x.fail",
        ".hidden.tmp",
    ];
    for f in foreign {
        std::fs::write(dir.path().join(f), b"mine").unwrap();
    }
    assert_eq!(
        cache.list().unwrap().len(),
        1,
        "only cytoken's entries are listed"
    );
    assert_eq!(cache.clear_all().unwrap(), 1);
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort_unstable();
    let mut want: Vec<String> = foreign.iter().map(|s| (*s).to_string()).collect();
    want.sort_unstable();
    assert_eq!(left, want);
}

#[test]
fn failures_expire() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(&dir.path().join("c"));
    let key = cache.key(&selection(&cache.dir), None).unwrap();
    let f = Failure {
        status: 401,
        message: "no".into(),
        at: 90,
        until: 100,
        unavailable: false,
        secret: Some("0123abcd".into()),
    };
    cache.record_failure(&key, &f).unwrap();
    assert_eq!(cache.failure(&key, 99), Some(f));
    assert_eq!(cache.failure(&key, 100), None);
    cache.clear_failure(&key);
    assert_eq!(cache.failure(&key, 0), None);
}

/// The keys of existing caches stay what they were: these names were those
/// of cytoken before the flows became types (the key hashes the same fields,
/// in the same order, for each flow).
#[test]
fn key_names_are_those_existing_caches_hold() {
    use crate::flow::{Flow, mtc};
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(&dir.path().join("c"));
    let name = |sel: &Selection| cache.key(sel, None).unwrap().name;
    let sel = Selection::for_test("https://protectapi.cylance.com/auth/v2/token", &cache.dir);
    assert_eq!(name(&sel), "03c4fefdabaaf395a681d1f6f47f346e");
    let mut full = sel.clone();
    let c = full.flow.cylance_mut();
    c.scopes = vec!["device:list".into(), "policy:read".into()];
    c.scope_format = ScopeFormat::String;
    c.source = Some("ci-host".into());
    c.issuer = "http://other".into();
    c.extra_claims
        .insert("env".into(), serde_json::Value::from("prod"));
    assert_eq!(name(&full), "9d80ed7c31845ef40e27eabaa17b5c32");
    let console = mtc::Console {
        auth_url: "https://api-admin.cylance.com/public/v2/us/auth".into(),
        app_id: "a".into(),
        api: "https://api-admin.cylance.com/public/v2/us/".into(),
        lifetime: 1800,
    };
    let own = Selection {
        flow: Flow::MtcConsole(console.clone()),
        ..sel.clone()
    };
    assert_eq!(name(&own), "81fd2de5baab24872b8ed42e060b4b1c");
    let tenant = Selection {
        flow: Flow::MtcTenant(mtc::Tenant {
            console,
            tenant_id: "tenant-7".into(),
        }),
        ..sel.clone()
    };
    assert_eq!(name(&tenant), "a44d7b2e578ac2f8ece25fabfdd5234c");
    let command = Selection {
        secret: SecretSource::Command(vec!["pass".into(), "show".into()]),
        ..sel
    };
    assert_eq!(name(&command), "b069037ec49691d8494dd390015a9b9a");
}

#[test]
fn an_entry_shows_no_token_and_stores_it_as_a_plain_string() {
    let e = entry("eyJhbGciOiJIUzI1NiJ9.entry-token.sig");
    let d = format!("{e:?}");
    assert!(
        !d.contains("entry-token") && d.contains("access_token: REDACTED"),
        "{d}"
    );
    // The file format is the bare string, as before the token had a type.
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["access_token"], "eyJhbGciOiJIUzI1NiJ9.entry-token.sig");
    assert_eq!(serde_json::from_value::<Entry>(json).unwrap(), e);
}
