//! Unit tests of the parent module.

use super::file::parse_slice;
use super::*;
use crate::platform::testing::set_mode;
use std::time::Instant;

/// A fixed environment: never the process's own.
fn env_of(pairs: &[(&str, &str)]) -> Env {
    Env::fixed(pairs)
}

fn write_config(dir: &Path, text: &str, mode: u32) -> PathBuf {
    let p = dir.join("config.toml");
    std::fs::write(&p, text).unwrap();
    set_mode(&p, mode);
    p
}

fn flags_with(config: &Path) -> Flags {
    Flags {
        config: Some(config.into()),
        cache_dir: Some("/tmp/cytoken-test-cache".into()),
        ..Flags::default()
    }
}

const BASIC: &str = r#"
default_profile = "prod"
[profiles.prod]
tenant_id = "tenant-file"
app_id = "app-file"
app_secret_env = "MY_SECRET"
region = "euc1"
scopes = ["device:list"]
lifetime = 900
[profiles.other]
tenant_id = "t2"
app_id = "a2"
app_secret_env = "MY_SECRET"
"#;

#[test]
fn precedence_flag_over_env_over_profile_over_default() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), BASIC, 0o644);
    let env = env_of(&[
        ("CYTOKEN_TENANT_ID", "tenant-env"),
        ("CYTOKEN_LIFETIME", "600"),
    ]);
    let mut flags = flags_with(&cfg);
    let s = Selection::resolve(&flags, &env).unwrap();
    assert_eq!(s.profile, "prod");
    assert_eq!(s.flow.facts().tenant_id, "tenant-env"); // env beats profile
    assert_eq!(s.flow.facts().app_id, "app-file"); // profile beats default
    assert_eq!(s.flow.facts().lifetime, 600);
    assert_eq!(
        s.flow.facts().auth_url,
        "https://protectapi-euc1.cylance.com/auth/v2/token"
    );
    assert_eq!(s.flow.cylance().unwrap().issuer, DEFAULT_ISSUER); // default
    assert_eq!(s.cache_policy.refresh_margin, 300);
    flags.tenant_id = Some("tenant-flag".into());
    flags.lifetime = Some(120);
    flags.region = Some("EU".into());
    let s = Selection::resolve(&flags, &env).unwrap();
    assert_eq!(s.flow.facts().tenant_id, "tenant-flag");
    assert_eq!(s.flow.facts().lifetime, 120);
    assert_eq!(
        s.cache_policy.refresh_margin, 60,
        "margin is capped at half the lifetime"
    );
    flags.profile = Some("other".into());
    let s = Selection::resolve(&flags, &env).unwrap();
    assert_eq!(s.flow.facts().app_id, "a2");
    assert_eq!(
        s.flow.facts().auth_url,
        "https://protectapi-euc1.cylance.com/auth/v2/token"
    );
}

#[test]
fn large_files_are_parsed_in_the_slice_the_selection_needs() {
    let mut text = String::from("default_profile = \"p7\"\n");
    for i in 0..50 {
        text.push_str(&format!(
            "[profiles.p{i}]\ntenant_id = \"t{i}\"\napp_id = \"a{i}\"\n\
             [profiles.p{i}.extra_claims]\nn = {i}\n"
        ));
    }
    let full = parse_file(&text, Path::new("c.toml")).unwrap();
    let slice = parse_slice(&text, None).unwrap();
    assert_eq!(slice.default_profile.as_deref(), Some("p7"));
    assert_eq!(slice.profiles.len(), 1);
    assert_eq!(
        format!("{:?}", slice.profiles["p7"]),
        format!("{:?}", full.profiles["p7"])
    );
    let slice = parse_slice(&text, Some("p42")).unwrap();
    assert_eq!(slice.profiles["p42"].tenant_id.as_deref(), Some("t42"));
    assert!(
        parse_slice(&text, Some("nope")).is_none(),
        "falls back to the full parse"
    );

    // A mistake in another profile does not stop this one; using it does.
    let bad = format!("{text}[profiles.typo]\ntenant_idd = \"x\"\n");
    assert!(parse_slice(&bad, Some("p1")).is_some());
    assert!(parse_slice(&bad, Some("typo")).is_none());
    // A multi-line string that looks like a table header: the slice does not
    // parse, so the whole file is parsed and the value is intact.
    let tricky =
        "[profiles.a]\ntenant_id = \"\"\"\n[profiles.b]\n\"\"\"\n[profiles.b]\napp_id = \"x\"\n";
    assert!(parse_slice(tricky, Some("a")).is_none());
    let full = parse_file(tricky, Path::new("c.toml")).unwrap();
    assert_eq!(
        full.profiles["a"].tenant_id.as_deref(),
        Some("[profiles.b]\n")
    );
    // Unknown top-level tables are never sliced away.
    assert!(parse_slice("[defaults]\nx = 1\n[profiles.a]\n", Some("a")).is_none());

    // Headers indented, with CRLF and comments are headers; a `[` inside a
    // line is not, and a line opening with one that is no plain header (an
    // array's continuation) makes the whole file parse.
    let text = "default_profile = 'b'\r\n[profiles.a]\r\napp_id = 'x'\r\n\
                \t [profiles.b]  # the one\r\nscopes = ['s']\r\napp_id = 'y'\r\n\
                [profiles.c]\napp_id = 'z'\n";
    let slice = parse_slice(text, None).unwrap();
    assert_eq!(slice.profiles.keys().collect::<Vec<_>>(), ["b"]);
    assert_eq!(slice.profiles["b"].app_id.as_deref(), Some("y"));
    let nested = "[profiles.a]\nextra_claims = { n = [\n[1, 2],\n] }\n";
    assert!(parse_slice(nested, Some("a")).is_none());
}

#[test]
fn endpoint_precedence_is_by_layer_then_auth_url_over_region() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        "[profiles.default]\ntenant_id='t'\napp_id='a'\napp_secret_env='S'\n\
         auth_url='https://profile.example/auth/v2/token'\nregion='au'\n",
        0o600,
    );
    let url = |flags: Flags, env: &[(&str, &str)]| {
        Selection::resolve(&flags, &env_of(env))
            .unwrap()
            .flow
            .facts()
            .auth_url
            .to_string()
    };
    let base = flags_with(&cfg);
    assert_eq!(
        url(base.clone(), &[]),
        "https://profile.example/auth/v2/token"
    );
    let env_region = [("CYTOKEN_REGION", "eu")];
    assert_eq!(
        url(base.clone(), &env_region),
        "https://protectapi-euc1.cylance.com/auth/v2/token",
        "the environment's region beats the profile's auth_url"
    );
    let both = [
        ("CYTOKEN_REGION", "eu"),
        ("CYTOKEN_AUTH_URL", "https://env.example/t"),
    ];
    assert_eq!(url(base.clone(), &both), "https://env.example/t");
    let flag_region = Flags {
        region: Some("gov".into()),
        ..base.clone()
    };
    assert_eq!(
        url(flag_region, &both),
        "https://protectapi.us.cylance.com/auth/v2/token",
        "a flag beats the environment's auth_url"
    );
}

#[test]
fn region_mapping_and_aliases() {
    for (r, host) in [
        ("na", "protectapi.cylance.com"),
        ("NA", "protectapi.cylance.com"),
        ("apne1", "protectapi-apne1.cylance.com"),
        ("APN", "protectapi-apne1.cylance.com"),
        ("au", "protectapi-au.cylance.com"),
        ("aps", "protectapi-au.cylance.com"),
        ("euc1", "protectapi-euc1.cylance.com"),
        ("EU", "protectapi-euc1.cylance.com"),
        ("sae1", "protectapi-sae1.cylance.com"),
        ("SA", "protectapi-sae1.cylance.com"),
        ("us-gov", "protectapi.us.cylance.com"),
        ("GOV", "protectapi.us.cylance.com"),
    ] {
        assert_eq!(
            region_url(r).unwrap(),
            format!("https://{host}/auth/v2/token")
        );
    }
    let e = region_url("mars").unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("euc1") && e.to_string().contains("us-gov"));
}

#[test]
fn environment_only_selection_without_config_file() {
    let env = env_of(&[
        ("CYTOKEN_TENANT_ID", "t"),
        ("CYTOKEN_APP_ID", "a"),
        ("CYTOKEN_APP_SECRET", "s3cret"),
        ("CYTOKEN_AUTH_URL", "http://127.0.0.1:9/auth/v2/token"),
        ("CYTOKEN_SCOPES", "device:list, policy:read"),
        ("CYTOKEN_CONFIG", "/nonexistent/cytoken.toml"),
    ]);
    // An explicit config path must exist…
    let e = Selection::resolve(&Flags::default(), &env).unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");
    // …but without one, the environment is a whole selection.
    let p = pick_profile(None, None, None, &env).unwrap();
    let s = Selection::merge(
        &Flags {
            cache_dir: Some("/x".into()),
            ..Flags::default()
        },
        &env,
        &p.0,
        &p.1,
        None,
    )
    .unwrap();
    assert_eq!(s.secret, SecretSource::Env("CYTOKEN_APP_SECRET".into()));
    assert_eq!(s.flow.facts().scopes, vec!["device:list", "policy:read"]);
    assert_eq!(s.flow.facts().auth_url, "http://127.0.0.1:9/auth/v2/token");
}

#[test]
fn lifetime_bounds_and_bad_values() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), BASIC, 0o644);
    for bad in [0, 1801, 3600] {
        let mut flags = flags_with(&cfg);
        flags.lifetime = Some(bad);
        let e = Selection::resolve(&flags, &env_of(&[])).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("1800"), "{e}");
    }
    let e = Selection::resolve(&flags_with(&cfg), &env_of(&[("CYTOKEN_LIFETIME", "soon")]))
        .unwrap_err();
    assert!(e.to_string().contains("CYTOKEN_LIFETIME"));
}

#[test]
fn unknown_key_and_malformed_toml_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        "[profiles.default]\ntenant_id = \"t\"\ntennant = \"x\"\n",
        0o644,
    );
    let e = Selection::resolve(&flags_with(&cfg), &env_of(&[])).unwrap_err();
    let m = e.to_string();
    assert!(m.contains("tennant") && m.contains("config.toml:3"), "{m}");
    // A near miss gets a suggestion; a far one does not.
    for (typo, meant) in [("scopess", "scopes"), ("refresh_margn", "refresh_margin")] {
        let cfg = write_config(
            dir.path(),
            &format!("[profiles.default]\n{typo} = 1\n"),
            0o644,
        );
        let m = Selection::resolve(&flags_with(&cfg), &env_of(&[]))
            .unwrap_err()
            .to_string();
        assert!(m.contains(&format!("did you mean `{meant}`?")), "{m}");
    }
    let cfg = write_config(dir.path(), "[profiles.default]\nfrobnicate = 1\n", 0o644);
    let m = Selection::resolve(&flags_with(&cfg), &env_of(&[]))
        .unwrap_err()
        .to_string();
    assert!(!m.contains("did you mean"), "{m}");
    let cfg = write_config(dir.path(), "[profiles.default\n", 0o644);
    let m = Selection::resolve(&flags_with(&cfg), &env_of(&[]))
        .unwrap_err()
        .to_string();
    assert!(m.contains("config.toml:1"), "{m}");
    let cfg = write_config(dir.path(), "[profiles.x]\nlifetime = \"long\"\n", 0o644);
    let m = Selection::resolve(&flags_with(&cfg), &env_of(&[]))
        .unwrap_err()
        .to_string();
    assert!(m.contains("config.toml:2"), "{m}");
}

#[test]
fn missing_profile_lists_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), BASIC, 0o644);
    let mut flags = flags_with(&cfg);
    flags.profile = Some("staging".into());
    let m = Selection::resolve(&flags, &env_of(&[]))
        .unwrap_err()
        .to_string();
    assert!(m.contains("staging") && m.contains("other, prod"), "{m}");
}

#[test]
fn secret_sources_exactly_one_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let two = "[profiles.default]\ntenant_id='t'\napp_id='a'\napp_secret='x'\napp_secret_env='Y'\n";
    let cfg = write_config(dir.path(), two, 0o600);
    let m = Selection::resolve(&flags_with(&cfg), &env_of(&[]))
        .unwrap_err()
        .to_string();
    assert!(m.contains("app_secret and app_secret_env"), "{m}");

    let inline = "[profiles.default]\ntenant_id='t'\napp_id='a'\napp_secret='inline-s3cret'\n";
    let cfg = write_config(dir.path(), inline, 0o644);
    let e = Selection::resolve(&flags_with(&cfg), &env_of(&[])).unwrap_err();
    assert!(e.to_string().contains("chmod 600"), "{e}");
    assert!(!e.to_string().contains("inline-s3cret"));
    let cfg = write_config(dir.path(), inline, 0o600);
    let s = Selection::resolve(&flags_with(&cfg), &env_of(&[])).unwrap();
    assert_eq!(s.resolve_secret().unwrap().expose(), "inline-s3cret");

    let secret_file = dir.path().join("secret");
    std::fs::write(&secret_file, "file-s3cret\n").unwrap();
    set_mode(&secret_file, 0o640);
    let src = SecretSource::File(secret_file.clone());
    let e = src
        .resolve(Duration::from_secs(5), &env_of(&[]))
        .unwrap_err();
    assert!(e.to_string().contains("chmod 600"), "{e}");
    set_mode(&secret_file, 0o600);
    assert_eq!(
        src.resolve(Duration::from_secs(5), &env_of(&[]))
            .unwrap()
            .expose(),
        "file-s3cret"
    );

    let cmd = SecretSource::Command(vec!["printf".into(), "cmd-s3cret\\nsecond\\n".into()]);
    assert_eq!(
        cmd.resolve(Duration::from_secs(5), &env_of(&[]))
            .unwrap()
            .expose(),
        "cmd-s3cret"
    );
    assert_eq!(cmd.fingerprint_material(&env_of(&[])).unwrap(), None);
    for (argv, why) in [
        (vec!["false"], "failed"),
        (vec!["true"], "printed nothing"),
        (vec!["cytoken-no-such-program"], "could not start"),
        // By path: refused before any spawn (DESIGN §5, check before touching).
        (vec!["/nonexistent/pass"], "does not exist"),
    ] {
        let src =
            SecretSource::Command(argv.iter().map(std::string::ToString::to_string).collect());
        let m = src
            .resolve(Duration::from_secs(5), &env_of(&[]))
            .unwrap_err()
            .to_string();
        assert!(m.contains(why), "{m}");
    }

    // The environment outranks the profile's source.
    let cfg = write_config(dir.path(), inline, 0o600);
    let s = Selection::resolve(&flags_with(&cfg), &env_of(&[("CYTOKEN_APP_SECRET", "e")])).unwrap();
    assert_eq!(s.secret, SecretSource::Env("CYTOKEN_APP_SECRET".into()));
}

#[test]
fn secret_command_is_bounded_even_with_background_children() {
    let argv = |s: &str| vec!["sh".to_string(), "-c".to_string(), s.to_string()];
    let t = Instant::now();
    // The secret arrives and the command exits; its background child keeps
    // stdout open, which must not hold us.
    let src = SecretSource::Command(argv("echo s3cret; sleep 30 &"));
    assert_eq!(
        src.resolve(Duration::from_secs(5), &env_of(&[]))
            .unwrap()
            .expose(),
        "s3cret"
    );
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    // A command that never answers is ended, with what it started.
    let t = Instant::now();
    let src = SecretSource::Command(argv("sleep 30; echo late"));
    let e = src
        .resolve(Duration::from_secs(1), &env_of(&[]))
        .unwrap_err();
    assert!(e.to_string().contains("did not finish"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
}

#[test]
fn extra_claims_cannot_override_required_ones() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[profiles.default]\ntenant_id='t'\napp_id='a'\napp_secret_env='S'\n\
                [profiles.default.extra_claims]\nenv='prod'\nsub='evil'\n";
    let cfg = write_config(dir.path(), text, 0o644);
    let m = Selection::resolve(&flags_with(&cfg), &env_of(&[]))
        .unwrap_err()
        .to_string();
    assert!(m.contains("'sub'") && m.contains("extra_claims"), "{m}");
}

#[test]
fn plain_http_only_to_loopback_and_scopes_checked() {
    let env = env_of(&[
        ("CYTOKEN_TENANT_ID", "t"),
        ("CYTOKEN_APP_ID", "a"),
        ("CYTOKEN_APP_SECRET", "s"),
    ]);
    let flags = |url: &str, scope: &str| Flags {
        auth_url: Some(url.into()),
        scopes: vec![scope.into()],
        cache_dir: Some("/x".into()),
        ..Flags::default()
    };
    let run = |f: Flags| {
        let (n, p) = pick_profile(None, None, None, &env).unwrap();
        Selection::merge(&f, &env, &n, &p, None)
    };
    assert!(run(flags("http://localhost:1/auth/v2/token", "device:list")).is_ok());
    let e = run(flags("http://example.com/auth/v2/token", "device:list")).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let e = run(flags("https://example.com/auth/v2/token", "devicelist")).unwrap_err();
    assert!(e.to_string().contains("resource:action"));
}

#[test]
fn mtc_regions_endpoints_and_an_optional_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        "[profiles.mssp]\nflow = 'mtc'\napp_id = 'a'\napp_secret_env = 'S'\nregion = 'eu'\n",
        0o600,
    );
    let mut flags = flags_with(&cfg);
    flags.profile = Some("mssp".into());
    let s = Selection::resolve(&flags, &env_of(&[])).unwrap();
    assert_eq!(
        s.flow.facts().auth_url,
        "https://api-admin.cylance.com/public/v2/eu/auth"
    );
    // The console's own token: the console's API.
    assert_eq!(s.api_url, "https://api-admin.cylance.com/public/v2/eu/");
    let crate::flow::Flow::MtcConsole(m) = &s.flow else {
        panic!("{:?}", s.flow)
    };
    assert_eq!(m.api, "https://api-admin.cylance.com/public/v2/eu/");
    // A tenant's token: its Protect region (eu → euc1).
    flags.tenant_id = Some("7e000000-0000-4000-8000-000000000001".into());
    let s = Selection::resolve(&flags, &env_of(&[])).unwrap();
    assert_eq!(s.api_url, "https://protectapi-euc1.cylance.com/");
    assert_eq!(
        s.flow.facts().tenant_id,
        "7e000000-0000-4000-8000-000000000001"
    );
    assert!(matches!(s.flow, crate::flow::Flow::MtcTenant(_)));
    // Default region us; an unknown one names the console's regions.
    for (region, host) in [("us", "us"), ("JP", "jp"), ("au", "au"), ("sp", "sp")] {
        flags.region = Some(region.into());
        let s = Selection::resolve(&flags, &env_of(&[])).unwrap();
        assert_eq!(
            s.flow.facts().auth_url,
            format!("https://api-admin.cylance.com/public/v2/{host}/auth")
        );
    }
    flags.region = Some("euc1".into());
    let e = Selection::resolve(&flags, &env_of(&[])).unwrap_err();
    assert!(e.to_string().contains("us, jp, au, eu, sp"), "{e}");
}

/// The key list errors name keys from is the schema's: toml lists every
/// field it expects when it meets an unknown one (its own message: ours
/// points at the reference instead).
#[test]
fn each_value_keeps_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), BASIC, 0o644);
    let in_file = |key: &str| format!("{} [profiles.prod] {key}", cfg.display());
    let mut flags = flags_with(&cfg);
    flags.lifetime = Some(600);
    let env = env_of(&[("CYTOKEN_APP_ID", "app-env")]);
    let s = Selection::resolve(&flags, &env).unwrap();
    let origin = |key: &str| s.origin(key).map(|o| o.to_string());
    assert_eq!(origin("lifetime").as_deref(), Some("--lifetime"));
    assert_eq!(origin("app_id").as_deref(), Some("CYTOKEN_APP_ID"));
    assert_eq!(origin("tenant_id"), Some(in_file("tenant_id")));
    assert_eq!(origin("secret"), Some(in_file("app_secret_env")));
    assert_eq!(origin("auth_url"), Some(in_file("region")));
    assert_eq!(origin("cache_dir").as_deref(), Some("--cache-dir"));
    assert_eq!(origin("timeout").as_deref(), Some("the default timeout"));
    assert_eq!(origin("source"), None, "no value, no origin");

    let env = env_of(&[("CYTOKEN_APP_SECRET", "s"), ("CYTOKEN_REGION", "au")]);
    let s = Selection::resolve(&flags_with(&cfg), &env).unwrap();
    assert_eq!(
        s.origin("secret").unwrap().to_string(),
        "CYTOKEN_APP_SECRET"
    );
    assert_eq!(s.origin("auth_url").unwrap().to_string(), "CYTOKEN_REGION");
}
