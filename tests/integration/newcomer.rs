//! What tripped up a new user (issue 11), end to end: a fixed secret is not
//! held back by the failure recorded for the old one, `check` shows and clears
//! that record, relative paths in a config are relative to it, the token
//! options work without the word `token`, `auth-token --claims`, suggestions.

use crate::support::{APP, SECRET, Sandbox, TENANT, assert_status, stderr, stdout, write_file};

/// A config whose secret comes from `cat secret.txt` (relative to the config).
fn command_config(sb: &Sandbox) -> std::path::PathBuf {
    let url = sb.emu.url();
    sb.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_command = [\"sh\", \"-c\", \"cat \\\"$0\\\"\", \"{}\"]\n\
             auth_url = \"{url}\"\n",
            sb.config_path().with_file_name("secret.txt").display()
        ),
        0o600,
    )
}

#[test]
fn a_fixed_secret_is_not_held_back_and_check_shows_then_clears_the_failure() {
    let sb = Sandbox::new();
    let cfg = command_config(&sb);
    let secret_file = cfg.with_file_name("secret.txt");
    write_file(&secret_file, "wrong-secret\n", 0o600);
    let o = sb.bare().arg("token").output().unwrap();
    assert_status(&o, 3);
    assert_eq!(sb.emu.requests(), 1);
    // Within the 10 s of the record, the same wrong secret fails fast…
    let o = sb.bare().arg("token").output().unwrap();
    assert_status(&o, 3);
    assert_eq!(sb.emu.requests(), 1, "the recorded failure answered");
    // …and `check --offline` says a failure is recorded.
    let o = sb.bare().args(["check", "--offline"]).output().unwrap();
    assert!(
        stdout(&o).contains("last failure") && stdout(&o).contains("401"),
        "{}",
        stdout(&o)
    );
    // The user fixes the secret: the next call asks at once and works.
    write_file(&secret_file, &format!("{SECRET}\n"), 0o600);
    let o = sb.bare().arg("check").output().unwrap();
    assert_status(&o, 0);
    assert!(stdout(&o).contains("cleared"), "{}", stdout(&o));
    let o = sb.bare().arg("token").output().unwrap();
    assert_status(&o, 0);
    assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));
}

#[test]
fn relative_paths_in_a_config_are_relative_to_it() {
    let sb = Sandbox::new();
    let url = sb.emu.url();
    let cfg = sb.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_file = \"secret.txt\"\nauth_url = \"{url}\"\n"
        ),
        0o600,
    );
    write_file(&cfg.with_file_name("secret.txt"), SECRET, 0o600);
    // From another directory, as git, kubectl and docker run helpers.
    let o = sb
        .bare()
        .current_dir("/")
        .args(["--config", cfg.to_str().unwrap(), "check", "--offline"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    let o = sb.bare().current_dir("/").arg("token").output().unwrap();
    assert_status(&o, 0);
}

/// `app_secret_command = ["bin/get-secret"]` is the program beside the
/// config, not one in the directory git or kubectl happens to run in (a
/// repository could ship its own `bin/get-secret`).
#[cfg(unix)]
#[test]
fn a_relative_secret_command_is_relative_to_the_config() {
    let sb = Sandbox::new();
    let url = sb.emu.url();
    let cfg = sb.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_command = [\"bin/get-secret\"]\nauth_url = \"{url}\"\n"
        ),
        0o600,
    );
    let script = |dir: &std::path::Path, body: &str| {
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        write_file(
            &dir.join("bin/get-secret"),
            &format!("#!/bin/sh\n{body}\n"),
            0o700,
        );
    };
    script(cfg.parent().unwrap(), &format!("printf %s '{SECRET}'"));
    let repo = sb.home.path().join("repo");
    let ran = repo.join("ran");
    script(&repo, &format!("touch '{}'; printf wrong", ran.display()));
    let o = sb.bare().current_dir(&repo).arg("token").output().unwrap();
    assert_status(&o, 0);
    assert!(!ran.exists(), "the repository's bin/get-secret ran");
}

#[test]
fn token_options_work_without_the_word_token() {
    let sb = Sandbox::new();
    let o = sb.run(&["--format", "json"]);
    assert_status(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["token_type"], "Bearer");
    // Before another command it would be ignored: refused instead.
    let o = sb.run(&["--format", "json", "cache", "list"]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("--format"), "{}", stderr(&o));
}

#[test]
fn auth_token_claims_prints_the_decoded_claims() {
    let sb = Sandbox::new();
    let o = sb.run(&["--scope", "device:list", "auth-token", "--claims"]);
    assert_status(&o, 0);
    let c: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(c["iss"], "http://cylance.com");
    assert_eq!(c["sub"], APP);
    assert_eq!(c["tid"], TENANT);
    assert_eq!(c["scp"], serde_json::json!(["device:list"]));
    assert_eq!(
        c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(),
        1800
    );
    assert!(!stdout(&o).contains(SECRET));
}

#[test]
fn typos_get_suggestions() {
    let sb = Sandbox::new();
    let o = sb.run(&["tokne"]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("'token'"), "{}", stderr(&o));
    let o = sb.run(&["cache", "lsit"]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("'list'"), "{}", stderr(&o));
    sb.write_config("[profiles.default]\nscopess = [\"a:b\"]\n", 0o600);
    let o = sb.bare().arg("token").output().unwrap();
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("did you mean `scopes`?"),
        "{}",
        stderr(&o)
    );
    // `check` shows that config error once, not once per section.
    let o = sb.bare().arg("check").output().unwrap();
    assert_eq!(stdout(&o).matches("scopess").count(), 1, "{}", stdout(&o));
}

#[test]
fn output_cut_short_by_its_reader_ends_quietly() {
    use std::io::{BufRead, BufReader, Read};
    let sb = Sandbox::new();
    sb.emu.set_devices(5000);
    let mut child = sb
        .cmd()
        .args(["api", "--paginate", "--ndjson", "devices/v2"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('{'), "{first}");
    // The reader is gone, as with `| head -1`.
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");
}

/// On Unix the helper names are symlinks to the binary. (Windows makes hard
/// links or copies, which a running test binary keeps from being removed:
/// windows.rs covers it there.)
#[cfg(unix)]
#[test]
fn install_helpers_makes_the_names_git_and_docker_run() {
    let sb = Sandbox::new();
    let dir = sb.home.path().join("bin");
    std::fs::create_dir(&dir).unwrap();
    let o = sb
        .bare()
        .args(["install-helpers", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert!(stdout(&o).contains("credHelpers"), "{}", stdout(&o));
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_cytoken")).unwrap();
    for name in ["git-credential-cytoken", "docker-credential-cytoken"] {
        assert_eq!(std::fs::read_link(dir.join(name)).unwrap(), exe, "{name}");
    }
    // The git helper answers through its link.
    let mut git = sb.cmd_as(&dir.join("git-credential-cytoken"));
    git.arg("get");
    let o = crate::support::feed(git, b"protocol=https\nhost=git.example.com\n\n");
    assert!(stdout(&o).contains("password=eyJ"), "{}", stderr(&o));
    // Again: kept. A foreign file of that name: left alone, exit non-zero.
    let o = sb
        .bare()
        .args(["install-helpers", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert!(stdout(&o).contains("kept"), "{}", stdout(&o));
    let docker = dir.join("docker-credential-cytoken");
    std::fs::remove_file(&docker).unwrap();
    std::fs::write(&docker, "#!/bin/sh\n").unwrap();
    let o = sb
        .bare()
        .args(["install-helpers", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_status(&o, 1);
    assert!(stderr(&o).contains("remove it first"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&docker).unwrap(), "#!/bin/sh\n");
}
