//! The configuration reference once installed: `cytoken man config` names
//! every key and variable, the first-run error points at `cytoken init` and
//! the reference, and `check` shows the proxy in effect without its password.

use std::path::Path;

use cytoken::testing::config::KEYS;

use crate::support::*;

#[test]
fn man_config_prints_the_committed_page_naming_every_key_and_variable() {
    let sb = Sandbox::new();
    let o = sb.test_bare().args(["man", "config"]).success();
    let page = stdout(&o);
    assert!(page.contains(".TH cytoken-config 5"), "{page}");
    for key in KEYS {
        // Each key heads its own entry, in bold.
        assert!(page.contains(&format!("\\fB{key}\\fR")), "{key} missing");
    }
    for var in [
        "CYTOKEN_LOG_FILE",
        "CYTOKEN_APP_SECRET",
        "HTTPS_PROXY",
        "NO_PROXY",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ] {
        assert!(page.contains(&format!("\\fB{var}\\fR")), "{var} missing");
    }
    let committed =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("doc/cytoken-config.5")).unwrap();
    assert!(
        committed == o.stdout,
        "doc/cytoken-config.5 differs from `cytoken man config`: regenerate with `cargo test \
         --lib commands::docs::tests::regenerate -- --ignored` and rebuild"
    );
    // cytoken(1) points at it.
    sb.test_bare()
        .args(["man"])
        .stdout_has("cytoken\\-config")
        .stdout_has("CYTOKEN_LOG_FILE")
        .success();
    sb.test_bare()
        .args(["man", "nope"])
        .stderr_has("cytoken")
        .status(2);
}

#[test]
fn the_first_run_error_names_init_and_the_reference() {
    let sb = Sandbox::new();
    sb.test_bare()
        .args(["token"])
        .stderr_has("cytoken init")
        .stderr_has("man cytoken-config")
        .stderr_lacks("README")
        .status(2);
    sb.test_bare()
        .args(["-p", "prod", "token"])
        .stderr_has("cytoken -p prod init")
        .stderr_has("man cytoken-config")
        .status(2);
}

/// A profile whose token endpoint is not on loopback (`check --offline`
/// never contacts it).
fn remote_config(sb: &Sandbox) {
    sb.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_env = \"CYLANCE_SECRET\"\n\
             auth_url = \"https://auth.example.com/auth/v2/token\"\n"
        ),
        0o600,
    );
}

#[test]
fn check_shows_the_proxy_in_effect_without_its_password() {
    let sb = Sandbox::new();
    remote_config(&sb);
    // User and password long enough that no random temporary path holds them.
    let proxy = "http://proxy-user-name:proxy-pass-word@proxy:3128";
    let o = sb
        .test_bare()
        .env("CYLANCE_SECRET", SECRET)
        .env("HTTPS_PROXY", proxy)
        .args(["check", "--offline"])
        .stdout_has("proxy")
        .stdout_has("http://…@proxy:3128 (from HTTPS_PROXY)")
        .success();
    let shown = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        !shown.contains("proxy-pass-word"),
        "the proxy password is shown: {shown}"
    );
    assert!(!shown.contains("proxy-user-name"), "{shown}");

    // NO_PROXY exempts the endpoint, and says so.
    sb.test_bare()
        .env("CYLANCE_SECRET", SECRET)
        .env("HTTPS_PROXY", proxy)
        .env("NO_PROXY", "auth.example.com")
        .args(["check", "--offline"])
        .stdout_has("none for auth.example.com (NO_PROXY)")
        .success();

    // No variable (and, off Windows, no system proxy): none.
    sb.test_bare()
        .env("CYLANCE_SECRET", SECRET)
        .args(["check", "--offline"])
        .stdout_has("none (no ALL_PROXY or HTTPS_PROXY")
        .success();

    // A loopback endpoint is reached directly, whatever the variables say.
    sb.test()
        .env("HTTPS_PROXY", proxy)
        .args(["check", "--offline"])
        .stdout_has("none for the loopback endpoint")
        .success();
}
