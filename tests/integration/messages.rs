//! What cytoken says when something is wrong, and its help: a failure
//! replayed from the negative cache says so, a 401 names where the secret
//! came from (and the variable that overrides the profile's source), clock
//! skew comes first, config mistakes are one short line with the fix, the
//! global options sit under one heading, the completion scripts offer
//! values (regions, profile names), and a single `api` answer on a terminal
//! ends with a newline.

use std::process::Output;

use crate::support::*;

/// A wrong secret, distinctive enough that a leak is found by a substring scan.
const WRONG: &str = "Wr0ng-S3cret-4b1f0e9d8c7a6b5e4d3c2b1a";

const REMEMBERED: &str = "(remembered from ";
const RETRIES: &str = "`--force-refresh` retries now)";

fn assert_neither_secret(o: &Output) {
    assert_no_secret(o);
    for text in [stdout(o), stderr(o)] {
        assert!(!text.contains(WRONG), "the secret used is shown: {text}");
    }
}

/// A profile `p` for the emulator whose secret is the file `wrong.secret`,
/// holding [`WRONG`].
fn profile_with_secret_file(sb: &Sandbox) -> std::path::PathBuf {
    let secret = sb.home.path().join("wrong.secret");
    write_file(&secret, WRONG, 0o600);
    sb.write_config(
        &format!(
            "[profiles.p]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_file = {}\nauth_url = \"{}\"\n",
            toml_path(&secret),
            sb.emu.url()
        ),
        0o600,
    );
    secret
}

/// Broken by replaying the recorded message as it was (`broker.rs`
/// `recorded`/`tell`): the second call reads as a new failure.
#[test]
fn a_remembered_failure_says_so_with_its_age_and_force_refresh_asks_again() {
    let sb = Sandbox::new();
    let first = sb
        .test()
        .env("CYTOKEN_APP_SECRET", WRONG)
        .stderr_lacks("remembered")
        .no_secret()
        .status(3);
    assert_neither_secret(&first);
    assert_eq!(sb.emu.requests(), 1);

    let second = sb
        .test()
        .env("CYTOKEN_APP_SECRET", WRONG)
        .stderr_has(REMEMBERED)
        .stderr_has(RETRIES)
        .status(3);
    assert_neither_secret(&second);
    assert_eq!(sb.emu.requests(), 1, "answered from the record");
    let e = stderr(&second);
    // "… (remembered from N s ago; …)", N small, after the failure itself.
    let age = e
        .split(REMEMBERED)
        .nth(1)
        .and_then(|rest| rest.split_once(" s ago; "))
        .and_then(|(n, _)| n.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("no age: {e}"));
    assert!(age <= 10, "{e}");
    assert!(
        e.starts_with(stderr(&first).trim_end()),
        "the same failure first:\n{e}\n{}",
        stderr(&first)
    );
    assert_eq!(e.lines().count(), 1, "{e}");

    // --force-refresh asks the endpoint again, and says nothing remembered.
    sb.test()
        .env("CYTOKEN_APP_SECRET", WRONG)
        .arg("--force-refresh")
        .stderr_lacks("remembered")
        .status(3);
    assert_eq!(sb.emu.requests(), 2, "--force-refresh asked again");
}

/// Broken by leaving out `secret_note` (`broker.rs`), or by recording
/// `Origin::Var` without the profile key it outranks (`config/sources.rs`).
#[test]
fn a_401_names_the_secret_file_or_the_variable_that_overrides_it() {
    let sb = Sandbox::new();
    let secret = profile_with_secret_file(&sb);
    let by_file = sb
        .test_bare()
        .args(["-p", "p", "token"])
        .stderr_has("401")
        .stderr_has("app_secret_file")
        .stderr_has(secret.display().to_string())
        .stderr_lacks("CYTOKEN_APP_SECRET")
        .stderr_lacks("overrides")
        .status(3);
    assert_neither_secret(&by_file);

    // A stale variable silently outranks the (fixed) file: named, and said.
    let by_var = sb
        .test_bare()
        .env("CYTOKEN_APP_SECRET", format!("{WRONG}-old"))
        .args(["-p", "p", "token"])
        .stderr_has("the secret used came from CYTOKEN_APP_SECRET")
        .stderr_has("CYTOKEN_APP_SECRET, which overrides the profile's app_secret_file")
        .status(3);
    assert_neither_secret(&by_var);
    assert_eq!(stderr(&by_var).lines().count(), 1, "{}", stderr(&by_var));

    // Replayed from the record, the note is still this caller's own.
    let again = sb
        .test_bare()
        .args(["-p", "p", "token"])
        .stderr_has(REMEMBERED)
        .stderr_lacks("overrides")
        .status(3);
    assert!(
        stderr(&again).contains(&secret.display().to_string()),
        "{}",
        stderr(&again)
    );
}

/// The console's 401 (the prerequisite of a tenant's token) names the secret
/// once, and a remembered one says so once. Broken by telling the failure in
/// the prerequisite's broker too (`Broker::told` around `fetch`).
#[test]
fn a_console_401_through_a_tenant_is_told_once() {
    let sb = Sandbox::new();
    let app = "5e5e5e5e-0000-4000-8000-0000000000aa";
    let tenant = "7e000000-0000-4000-8000-000000000001";
    sb.emu
        .register_console_app(app, "Mssp-S3cret-9f8e7d6c5b4a", &[tenant]);
    sb.write_config(
        &format!(
            "[profiles.mssp]\nflow = \"mtc\"\napp_id = \"{app}\"\n\
             app_secret_env = \"MSSP_SECRET\"\nauth_url = \"{}\"\n",
            sb.emu.console_url()
        ),
        0o600,
    );
    let run = || {
        sb.test_bare()
            .env("MSSP_SECRET", WRONG)
            .args(["-p", "mssp", "--tenant-id", tenant, "token"])
            .stderr_has("environment variable MSSP_SECRET")
            .status(3)
    };
    let first = run();
    let e = stderr(&first);
    assert_eq!(e.matches("the secret used came from").count(), 1, "{e}");
    assert!(!e.contains("remembered"), "{e}");
    assert_neither_secret(&first);
    let second = run();
    let e = stderr(&second);
    assert_eq!(e.matches("the secret used came from").count(), 1, "{e}");
    assert_eq!(e.matches("remembered").count(), 1, "{e}");
}

/// Broken by putting the skew after the endpoint's words and the usual fix
/// (`exchange/response.rs` `rejection`).
#[test]
fn a_401_with_clock_skew_names_the_skew_first() {
    let sb = Sandbox::new();
    sb.emu.set_clock_skew(-600);
    let o = sb.test().stderr_has("(ahead)").no_secret().status(3);
    let e = stderr(&o);
    let at = |what: &str| e.find(what).unwrap_or_else(|| panic!("no {what:?} in {e}"));
    let skew = at("the local clock differs from the server's by");
    assert!(skew < at("Invalid JWT payload"), "{e}");
    assert!(skew < at("check app_id, tenant_id"), "{e}");
    assert!(
        skew < at("the secret used came from CYTOKEN_APP_SECRET"),
        "{e}"
    );
    assert!(
        at("fix the system clock") < at("Invalid JWT payload"),
        "{e}"
    );

    // Without skew the endpoint's words come first and the clock is not blamed.
    let sb = Sandbox::new();
    sb.test()
        .env("CYTOKEN_APP_SECRET", WRONG)
        .stderr_has("(401 Unauthorized): Invalid JWT payload — check app_id")
        .stderr_lacks("clock")
        .status(3);
}

/// Broken by keeping toml's list of every key (`config/file.rs`
/// `unknown_key`).
#[test]
fn an_unknown_key_is_one_short_line_with_the_suggestion_first() {
    let sb = Sandbox::new();
    let cfg = sb.write_config("[profiles.default]\nscopess = [\"device:list\"]\n", 0o600);
    let o = sb.test_bare().arg("token").status(2);
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    let message = e
        .trim_end()
        .split_once(&format!("{}:2: ", cfg.display()))
        .map_or_else(|| panic!("no file and line: {e}"), |(_, m)| m);
    assert!(
        message.starts_with("unknown key `scopess`; did you mean `scopes`?"),
        "{message}"
    );
    assert!(message.contains("man cytoken"), "{message}");
    assert!(message.len() <= 100, "{} chars: {message}", message.len());
    assert!(!message.contains("`tenant_id`"), "the key list: {message}");
    assert_eq!(sb.emu.requests(), 0);

    // Far from every key: no suggestion, as short.
    sb.write_config("[profiles.default]\nfrobnicate = 1\n", 0o600);
    let o = sb
        .test_bare()
        .arg("token")
        .stderr_has("unknown key `frobnicate` (every key: `man cytoken-config`")
        .stderr_lacks("did you mean")
        .status(2);
    assert!(stderr(&o).len() < cfg.display().to_string().len() + 100);
}

/// Broken by dropping `as_list` (`config/file.rs`): toml's "invalid type:
/// string, expected a sequence" only.
#[test]
fn a_list_key_given_a_string_says_how_to_write_the_list() {
    let sb = Sandbox::new();
    sb.write_config(
        "[profiles.default]\nscopes = \"device:list\"  # one scope\n",
        0o600,
    );
    sb.test_bare()
        .arg("token")
        .stderr_has(r#"scopes is a list: write scopes = ["device:list"]"#)
        .status(2);
    sb.write_config(
        "[profiles.default]\nscopes = \"device:list,policy:read\"\n",
        0o600,
    );
    sb.test_bare()
        .arg("token")
        .stderr_has(r#"write scopes = ["device:list", "policy:read"]"#)
        .status(2);
    // A value that is not shaped like a scope is not quoted back: it may be
    // a secret in the wrong key.
    sb.write_config(
        &format!("[profiles.default]\nscopes = \"{WRONG}\"\n"),
        0o600,
    );
    let o = sb
        .test_bare()
        .arg("token")
        .stderr_has("scopes is a list: write scopes = [")
        .status(2);
    assert_neither_secret(&o);
    assert_eq!(sb.emu.requests(), 0);
}

/// Broken by dropping `help_heading = GLOBAL` from an option of
/// `cli::Global`, or a line of the top-level help.
#[test]
fn help_groups_the_global_options_under_one_heading() {
    let sb = Sandbox::new();
    let globals = [
        "--profile",
        "--config",
        "--cache-dir",
        "--tenant-id",
        "--app-id",
        "--region",
        "--auth-url",
        "--scope",
        "--lifetime",
        "--source",
        "--min-valid",
        "--no-cache",
        "--force-refresh",
        "--verbose",
    ];
    for command in ["check", "api", "cache", "token"] {
        let o = sb.test_bare().args([command, "--help"]).success();
        let help = stdout(&o);
        assert_eq!(help.matches("Global options:").count(), 1, "{help}");
        let (own, global) = help.split_once("Global options:").unwrap();
        for option in globals {
            // An option line: "  -p, --profile <NAME>  …", "  -v, --verbose...  …".
            let under = |text: &str| {
                text.lines().any(|l| {
                    l.starts_with("  ")
                        && l.split_whitespace()
                            .take(2)
                            .any(|w| w.trim_end_matches([',', '.']) == option)
                })
            };
            assert!(
                under(global),
                "{command}: {option} not under the heading:\n{help}"
            );
            assert!(!under(own), "{command}: {option} among its own:\n{help}");
        }
    }
    let o = sb.test_bare().arg("--help").success();
    let help = stdout(&o);
    assert!(
        help.contains("\n  5  the Cylance API answered an error status"),
        "{help}"
    );
    assert!(help.contains("app_secret_keyring"), "{help}");
}

/// What bash offers for the last word of `words` with the committed script
/// (`cytoken completions bash`), `CYTOKEN_CONFIG` set to `config`.
#[cfg(unix)]
fn bash_offers(
    sb: &Sandbox,
    script: &std::path::Path,
    config: &std::path::Path,
    words: &[&str],
) -> Vec<String> {
    use std::process::{Command, Stdio};

    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let line = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
         _cytoken cytoken \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\" \
         2>/dev/null; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" ")
    );
    let o = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &line])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", sb.home.path())
        .env("CYTOKEN_CONFIG", config)
        .stdin(Stdio::null())
        .output()
        .expect("bash is needed for the completion test");
    assert_status(&o, 0);
    stdout(&o).lines().map(String::from).collect()
}

/// Broken by `--region` without its offered values (`cli/values.rs`), or
/// without the profile names added to the scripts (`commands/docs/profiles.rs`).
#[cfg(unix)]
#[test]
fn completion_scripts_offer_regions_and_profile_names() {
    let sb = Sandbox::new();
    let script = sb.home.path().join("cytoken.bash");
    let o = sb.test_bare().args(["completions", "bash"]).success();
    std::fs::write(&script, &o.stdout).unwrap();
    let config = sb.write_config(
        "default_profile = \"prod\"\n[profiles.prod]\ntenant_id = \"t\"\n\
         [ profiles.\"staging\" ]\n[profiles.prod.extra_claims]\n",
        0o600,
    );
    let offers = |words: &[&str]| bash_offers(&sb, &script, &config, words);
    let regions = offers(&["cytoken", "--region", ""]);
    for region in ["na", "apne1", "au", "euc1", "sae1", "us-gov"] {
        assert!(regions.iter().any(|r| r == region), "{regions:?}");
    }
    assert_eq!(
        offers(&["cytoken", "token", "--region", "eu"]),
        ["euc1", "eu"]
    );
    assert_eq!(offers(&["cytoken", "-p", ""]), ["prod", "staging"]);
    assert_eq!(offers(&["cytoken", "api", "--profile", "st"]), ["staging"]);
    // The file of a --config on the line wins over CYTOKEN_CONFIG.
    let other = sb.home.path().join("other.toml");
    write_file(&other, "[profiles.alpha]\n", 0o600);
    let other = other.display().to_string();
    assert_eq!(
        offers(&["cytoken", "--config", &other, "check", "-p", ""]),
        ["alpha"]
    );
    // Ids take no file names.
    let home_file = sb.home.path().join("a-file");
    write_file(&home_file, "", 0o600);
    assert!(
        !offers(&["cytoken", "--tenant-id", ""])
            .iter()
            .any(|w| w.contains("a-file"))
    );
    assert_eq!(offers(&["cytoken", "--format", "j"]), ["json"]);

    // zsh and fish (not installed here): the same values, by their script.
    let zsh = stdout(&sb.test_bare().args(["completions", "zsh"]).success());
    assert!(zsh.contains(":R:((na\\:\"North America\""), "zsh regions");
    assert!(zsh.contains("]:NAME:_cytoken_profiles'"), "zsh -p");
    assert!(zsh.contains("\n_cytoken_profiles() {"), "zsh function");
    let fish = stdout(&sb.test_bare().args(["completions", "fish"]).success());
    assert!(fish.contains("-l region -d") && fish.contains("-a \"na\\t'North America'"));
    assert!(
        fish.contains("-r -f -a \"(__fish_cytoken_profiles)\""),
        "fish -p"
    );
    assert!(
        fish.contains("function __fish_cytoken_profiles"),
        "fish function"
    );
}

/// `api`'s body under a pty (util-linux `script`) and through a pipe.
/// Broken by adding the newline always (the pipe gets a byte the server did
/// not send) or never (the pty's prompt follows the `}`).
#[cfg(target_os = "linux")]
#[test]
fn a_single_api_answer_ends_with_a_newline_on_a_terminal_only() {
    use std::process::{Command, Stdio};

    let sb = Sandbox::new();
    sb.emu.set_devices(2);
    let path = format!("devices/v2/{}", cytoken_emulator::api::device_id(1));
    let piped = sb.test().args(["api", &path]).success();
    assert!(piped.stdout.ends_with(b"}"), "{}", stdout(&piped));

    let line = format!("stty -echo; {} api {path}", env!("CARGO_BIN_EXE_cytoken"));
    let mut script = Command::new("script");
    script.env_clear();
    for (k, v) in sb.cmd().get_envs() {
        if let Some(v) = v {
            script.env(k, v);
        }
    }
    let o = script
        .env("SHELL", "/bin/sh")
        .args(["-qfec", &line, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("util-linux `script` is needed for the pty test");
    assert_status(&o, 0);
    // The pty turns "\n" into "\r\n": the body, then the one newline added.
    let mut expected = piped.stdout.clone();
    expected.extend_from_slice(b"\r\n");
    assert!(o.stdout.ends_with(&expected), "{:?}", stdout(&o));
    let newlines = o.stdout.windows(2).filter(|w| w == b"\r\n").count();
    assert_eq!(newlines, 1, "{:?}", stdout(&o));
}
