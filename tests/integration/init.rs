//! `cytoken init`: a profile written from flags without a terminal, private
//! and atomic, other profiles and comments kept, an existing profile kept
//! without `--force`, a missing flag or a non-UUID id refused before
//! anything is written, and the live check at the end.

use crate::support::*;

/// `init`'s flags for a complete profile named `name` against the emulator,
/// the secret in the variable `PROD_SECRET`, written to the sandbox's config
/// file (named: on Windows the default is the profile's real `%APPDATA%`).
fn full(sb: &Sandbox, name: &str) -> Vec<String> {
    let config = sb.config_path().to_string_lossy().into_owned();
    [
        "init",
        "--config",
        &config,
        "-p",
        name,
        "--tenant-id",
        TENANT,
        "--app-id",
        APP,
        "--auth-url",
        &sb.emu.url(),
        "--secret-env",
        "PROD_SECRET",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect()
}

#[test]
fn init_writes_a_private_profile_and_ends_with_a_live_check() {
    let sb = Sandbox::new();
    sb.test_bare()
        .args(full(&sb, "prod"))
        .env("PROD_SECRET", SECRET)
        .stderr_has("added profile 'prod'")
        .stderr_has("(the default profile)")
        .stdout_has("ok    exchange")
        .stdout_has("all checks passed")
        .no_secret()
        .success();
    let path = sb.config_path();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("default_profile = \"prod\"\n"), "{text}");
    assert!(
        text.contains(&format!("tenant_id = \"{TENANT}\"")),
        "{text}"
    );
    assert!(text.contains("app_secret_env = \"PROD_SECRET\""), "{text}");
    #[cfg(unix)]
    {
        assert_eq!(mode_of(&path), 0o600);
        assert_eq!(mode_of(path.parent().unwrap()), 0o700);
    }
    // Exactly the file, no temp file left beside it.
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["config.toml"]);
    // The profile works from the file alone, as the default profile.
    sb.test_bare()
        .env("PROD_SECRET", SECRET)
        .stdout_has("eyJ")
        .success();
}

#[test]
fn init_keeps_other_profiles_and_every_comment() {
    let sb = Sandbox::new();
    let old = "# my profiles\ndefault_profile = \"lab\" # the usual one\n\n\
               # the lab tenant\n[profiles.lab]\ntenant_id = \"t\"   # aligned\n\
               app_id = \"a\"\napp_secret_env = \"LAB\"\n\n# the end\n";
    let path = sb.write_config(old, 0o600);
    sb.test_bare()
        .args(full(&sb, "prod"))
        .arg("--offline")
        .env("PROD_SECRET", SECRET)
        .stderr_has("added profile 'prod'")
        .stderr_lacks("default profile")
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    // Everything as it was; the new table goes before the file's closing
    // comment, which stays last.
    let (body, end) = old.split_at(old.find("# the end").unwrap());
    assert!(text.starts_with(body), "{text}");
    assert!(text.ends_with(end), "{text}");
    assert!(
        text[body.len()..].starts_with("[profiles.prod]\n"),
        "{text}"
    );
    // --default moves the default, and keeps the comment on its line.
    sb.test_bare()
        .args(full(&sb, "prod"))
        .args(["--offline", "--force", "--default"])
        .env("PROD_SECRET", SECRET)
        .stderr_has("replaced profile 'prod'")
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("default_profile = \"prod\" # the usual one\n"),
        "{text}"
    );
    assert!(
        text.contains("# the lab tenant\n[profiles.lab]\n"),
        "{text}"
    );
    assert!(text.contains("tenant_id = \"t\"   # aligned\n"), "{text}");
}

#[test]
fn init_replaces_an_existing_profile_only_with_force() {
    let sb = Sandbox::new();
    let old = "[profiles.prod]\ntenant_id = \"t\"\napp_id = \"a\"\napp_secret_env = \"X\"\n";
    let path = sb.write_config(old, 0o600);
    sb.test_bare()
        .args(full(&sb, "prod"))
        .arg("--offline")
        .stderr_has("profile 'prod' is already in")
        .stderr_has("--force")
        .status(2);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), old);
    sb.test_bare()
        .args(full(&sb, "prod"))
        .args(["--offline", "--force"])
        .env("PROD_SECRET", SECRET)
        .stderr_has("replaced profile 'prod'")
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(TENANT) && !text.contains("\"X\""), "{text}");
}

#[test]
fn without_a_terminal_a_missing_value_is_exit_2_naming_its_flag() {
    let sb = Sandbox::new();
    let base = |drop: &[&str]| -> Vec<String> {
        let all = full(&sb, "prod");
        let mut out = Vec::new();
        let mut it = all.into_iter();
        while let Some(a) = it.next() {
            if drop.contains(&a.as_str()) {
                it.next();
            } else {
                out.push(a);
            }
        }
        out
    };
    for (dropped, named) in [
        (&["--tenant-id"][..], "missing --tenant-id"),
        (&["--app-id"], "missing --app-id"),
        (&["--auth-url"], "missing --region or --auth-url"),
        (
            &["--secret-env"],
            "missing --secret-keyring, --secret-command, --secret-file or --secret-env",
        ),
    ] {
        sb.test_bare()
            .args(base(dropped))
            .stderr_has(named)
            .status(2);
    }
    assert!(!sb.config_path().exists());
    assert!(!sb.config_path().parent().unwrap().exists());
}

#[test]
fn an_id_that_is_not_a_uuid_is_refused_before_anything_is_written() {
    let sb = Sandbox::new();
    for (flag, what) in [("--tenant-id", "tenant id"), ("--app-id", "app id")] {
        let mut args = full(&sb, "prod");
        let at = args.iter().position(|a| a == flag).unwrap();
        args[at + 1] = "prod-tenant".into();
        sb.test_bare()
            .args(args)
            .stderr_has(format!("the {what} `prod-tenant` is not a UUID"))
            .status(2);
    }
    sb.test_bare()
        .args(full(&sb, "prod"))
        .args(["--secret-file", "/x"])
        .stderr_has("cannot be used with")
        .status(2);
    assert!(!sb.config_path().exists());
}

/// The keyring secret is stored before the config is written: a store that
/// cannot be reached leaves no profile naming an entry that does not exist.
/// (Linux: the Secret Service, made unreachable by its bus address.)
#[cfg(target_os = "linux")]
#[test]
fn a_keyring_that_cannot_be_reached_writes_no_profile() {
    let sb = Sandbox::new();
    let mut args = full(&sb, "prod");
    let at = args.iter().position(|a| a == "--secret-env").unwrap();
    args.splice(
        at..at + 2,
        ["--secret-keyring".to_string(), "cylance-prod".into()],
    );
    sb.test_bare()
        .args(args)
        .arg("--offline")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .stdin(format!("{SECRET}\n"))
        .stderr_has("keyring entry 'cylance-prod'")
        .no_secret()
        .status(2);
    assert!(!sb.config_path().exists());
}

/// On a terminal (util-linux `script` makes one) every missing value is
/// asked for, a default taken on an empty line, and a bad id asked again.
#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_init_asks_for_what_is_missing() {
    let sb = Sandbox::new();
    let answers = format!("lab\n\nnot-a-uuid\n{TENANT}\n{APP}\neuc1\nenv\nLAB_SECRET\n");
    // No echo: the answers are written at once, and their echo would land
    // in the middle of a prompt.
    let line = format!(
        "stty -echo; exec {} init --offline",
        env!("CARGO_BIN_EXE_cytoken")
    );
    let mut script = sb.bare_as(std::path::Path::new("script"));
    script
        .env("SHELL", "/bin/sh")
        .env("LAB_SECRET", SECRET)
        .args(["-qfec", &line, "/dev/null"]);
    let o = feed(script, answers.as_bytes());
    let tty = stdout(&o);
    assert_status(&o, 0);
    for prompt in [
        "Profile name [default]: ",
        "Flow (cylance or mtc) [cylance]: ",
        "the tenant id `not-a-uuid` is not a UUID",
        "Region [na]: ",
        "Variable holding the secret: ",
        "added profile 'lab'",
        "all checks passed",
    ] {
        assert!(tty.contains(prompt), "{prompt:?} in {tty}");
    }
    assert!(!tty.contains(SECRET));
    let text = std::fs::read_to_string(sb.config_path()).unwrap();
    assert_eq!(
        text,
        format!(
            "default_profile = \"lab\"\n\n[profiles.lab]\ntenant_id = \"{TENANT}\"\n\
             app_id = \"{APP}\"\nregion = \"euc1\"\napp_secret_env = \"LAB_SECRET\"\n"
        )
    );
}
