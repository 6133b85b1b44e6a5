//! Issue 20's transport items: `status` shows the proxy and the trust roots
//! an exchange would use (never a proxy password, never the network).

use crate::support::*;

/// A profile whose token endpoint is not on loopback, with `ca_file` set to
/// a real PEM certificate (checked when the selection is made); status never
/// contacts the endpoint.
fn remote_config(sb: &Sandbox) -> std::path::PathBuf {
    let dir = sb.config_path().parent().unwrap().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("corp-ca.pem");
    let cert = rcgen::generate_simple_self_signed(vec!["auth.example.com".to_string()]).unwrap();
    write_file(&ca, &cert.cert.pem(), 0o600);
    sb.write_config(
        &format!(
            "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_env = \"CYLANCE_SECRET\"\nca_file = {}\n\
             auth_url = \"https://auth.example.com/auth/v2/token\"\n",
            toml_path(&ca)
        ),
        0o600,
    );
    ca
}

#[test]
fn status_shows_the_proxy_and_trust_roots_in_effect_never_the_proxy_password() {
    let sb = Sandbox::new();
    let ca = remote_config(&sb);
    let roots = sb.home.path().join("roots.pem");
    std::fs::copy(&ca, &roots).unwrap();
    let run = || {
        sb.test_bare()
            .env("CYLANCE_SECRET", SECRET)
            .env(
                "HTTPS_PROXY",
                "http://squid-user:Pr0xyPassw0rd@proxy.corp:3128",
            )
            .env("SSL_CERT_FILE", &roots)
            .arg("status")
            .no_secret()
    };
    let o = run()
        .stdout_has("-  proxy     http://…@proxy.corp:3128 (from HTTPS_PROXY)")
        .stdout_has(format!(
            "-  tls roots SSL_CERT_FILE {} + ca_file {}",
            roots.display(),
            ca.display()
        ))
        .status(1);
    let j = run().arg("--json").status(1);
    for o in [&o, &j] {
        let shown = format!("{}{}", stdout(o), stderr(o));
        assert!(!shown.contains("Pr0xyPassw0rd"), "{shown}");
        assert!(!shown.contains("squid-user"), "{shown}");
    }
    let v: serde_json::Value = serde_json::from_str(&stdout(&j)).unwrap();
    assert_eq!(
        v[0]["proxy"], "http://…@proxy.corp:3128 (from HTTPS_PROXY)",
        "{v}"
    );
    let trust = v[0]["trust_roots"].as_str().unwrap_or_default();
    assert!(trust.starts_with("SSL_CERT_FILE "), "{v}");
    assert!(trust.ends_with(&format!("ca_file {}", ca.display())), "{v}");
    assert_eq!(v[0]["transport_errors"]["proxy"], serde_json::Value::Null);

    // Without the variables: no proxy, the system store plus ca_file.
    sb.test_bare()
        .env("CYLANCE_SECRET", SECRET)
        .arg("status")
        .stdout_has("-  proxy     none (no ALL_PROXY or HTTPS_PROXY")
        .stdout_has(format!(
            "-  tls roots the system store + ca_file {}",
            ca.display()
        ))
        .status(1);

    // An unusable variable is marked (the next exchange would fail on it),
    // named, and never quoted.
    let o = sb
        .test_bare()
        .env("CYLANCE_SECRET", SECRET)
        .env("HTTPS_PROXY", "http://u:Pr0xyPassw0rd@[bad")
        .arg("status")
        .stdout_has("X  proxy     HTTPS_PROXY is not a valid proxy URL")
        .status(1);
    assert!(!stdout(&o).contains("Pr0xyPassw0rd"), "{}", stdout(&o));
}
