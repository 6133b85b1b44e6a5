//! The transport a user sees: `status` shows the proxy and the trust roots an
//! exchange would use (never a proxy password, never the network); `demo
//! --serve --https` serves cytoken and real kubectl (unix: kubectl must be
//! installed, and the test fails, never skips, without it) over TLS with a
//! CA of its own, through the config and kubeconfig it writes.

#[cfg(unix)]
use std::path::Path;

#[cfg(unix)]
use crate::demo_serve::{Served, serve};
#[cfg(unix)]
use crate::kube::kubectl;
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

/// cytoken with the lines `served` printed evaluated, as a shell would.
#[cfg(unix)]
fn cytoken(served: &Served, sb: &Sandbox) -> Run {
    let mut run = sb.test_bare();
    for (k, v) in &served.vars {
        run = run.env(k, v);
    }
    run
}

/// The kubeconfig `demo --serve --https` writes, as kubectl reads it: the
/// https server trusting the demo's CA, and this cytoken as the exec plugin
/// in v1 (`-p demo exec-credential`, never interactive).
#[cfg(unix)]
fn check_kubeconfig(served: &Served, sb: &Sandbox, k: &Path) -> serde_json::Value {
    use base64::Engine as _;
    let o = kubectl(
        k,
        sb,
        &served.vars,
        &["config", "view", "--raw", "-o", "json"],
    );
    assert_status(&o, 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["current-context"], "cytoken-demo", "{v}");
    let cluster = &v["clusters"][0]["cluster"];
    assert!(
        cluster["server"]
            .as_str()
            .unwrap()
            .starts_with("https://127.0.0.1:"),
        "{v}"
    );
    let ca = base64::engine::general_purpose::STANDARD
        .decode(cluster["certificate-authority-data"].as_str().unwrap())
        .unwrap();
    let config_dir = Path::new(served.var("KUBECONFIG")).parent().unwrap();
    assert_eq!(ca, std::fs::read(config_dir.join("ca.pem")).unwrap());
    let exec = &v["users"][0]["user"]["exec"];
    assert_eq!(exec["apiVersion"], "client.authentication.k8s.io/v1", "{v}");
    assert_eq!(
        Path::new(exec["command"].as_str().unwrap()),
        std::fs::canonicalize(cytoken_exe()).unwrap(),
        "{v}"
    );
    assert_eq!(
        exec["args"],
        serde_json::json!(["-p", "demo", "exec-credential"])
    );
    assert_eq!(exec["interactiveMode"], "Never", "{v}");
    v
}

/// `demo --serve --https` as a user meets it: the printed lines evaluated,
/// its files private, cytoken's flows over https trusting the demo's CA,
/// and real kubectl through the kubeconfig it wrote, listing the stand-in
/// cluster's pods with a token cytoken minted; a token it did not mint
/// gets 401.
#[cfg(unix)]
#[test]
fn demo_serve_https_serves_cytoken_and_real_kubectl_through_its_kubeconfig() {
    let sb = Sandbox::new();
    let served = serve(&sb, &["--https"]);
    let names: Vec<&str> = served.vars.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        ["CYTOKEN_CONFIG", "CYTOKEN_CACHE_DIR", "KUBECONFIG"],
        "{:?}",
        served.vars
    );
    let config = Path::new(served.var("CYTOKEN_CONFIG"));
    let dir = config.parent().unwrap();
    assert_eq!(mode_of(dir) & 0o777, 0o700);
    for file in ["config.toml", "ca.pem", "kubeconfig"] {
        assert_eq!(mode_of(&dir.join(file)) & 0o777, 0o600, "{file}");
    }
    let text = std::fs::read_to_string(config).unwrap();
    assert!(text.contains("auth_url = \"https://127.0.0.1:"), "{text}");
    assert!(text.contains("ca_file = "), "{text}");

    // cytoken itself, over https, trusting the demo's CA through ca_file.
    let token = stdout(
        &cytoken(&served, &sb)
            .args(["-p", "demo", "token"])
            .success(),
    )
    .trim()
    .to_string();
    assert!(token.starts_with("eyJ"), "{token}");
    cytoken(&served, &sb)
        .args(["api", "devices/v2"])
        .stdout_has("\"page_items\"")
        .success();
    cytoken(&served, &sb)
        .args(["-p", "mssp", "api", "tenants/list"])
        .stdout_has("venueTenantId")
        .success();

    let kubectls = crate::kube::kubectls();
    check_kubeconfig(&served, &sb, &kubectls[0].path);
    for k in &kubectls {
        let o = kubectl(&k.path, &sb, &served.vars, &["get", "pods"]);
        assert_status(&o, 0);
        for pod in ["demo-api-", "demo-web-", "demo-worker-0", "Running"] {
            assert!(stdout(&o).contains(pod), "{}: {}", k.version, stdout(&o));
        }
        let o = kubectl(&k.path, &sb, &served.vars, &["version"]);
        assert_status(&o, 0);
        assert!(
            stdout(&o).contains("Server Version: v1.32.0"),
            "{}",
            stdout(&o)
        );
    }
    let log = served.log();
    let pods = "GET /api/v1/namespaces/default/pods → 200 (token ";
    assert!(
        log.iter()
            .any(|l| l.contains(pods) && l.ends_with(" accepted)")),
        "{log:?}"
    );
    // The log never holds the token itself.
    let cached = stdout(
        &cytoken(&served, &sb)
            .args(["-p", "demo", "token"])
            .success(),
    );
    assert!(!log.iter().any(|l| l.contains(cached.trim())), "{log:?}");

    // A token the demo did not mint (this one's signature broken) is 401,
    // with the Status kubectl reports.
    let mut forged = token.clone();
    let last = if forged.ends_with('A') { "B" } else { "A" };
    forged.replace_range(forged.len() - 1.., last);
    let wrong = sb.home.path().join("wrong-kubeconfig");
    let view = check_kubeconfig(&served, &sb, &kubectls[0].path);
    let cluster = &view["clusters"][0]["cluster"];
    write_file(
        &wrong,
        &serde_json::json!({
            "apiVersion": "v1", "kind": "Config",
            "clusters": [{ "name": "c", "cluster": cluster }],
            "users": [{ "name": "u", "user": { "token": forged } }],
            "contexts": [{ "name": "x", "context": { "cluster": "c", "user": "u" } }],
            "current-context": "x",
        })
        .to_string(),
        0o600,
    );
    let o = kubectl(
        &kubectls[0].path,
        &sb,
        &served.vars,
        &["--kubeconfig", wrong.to_str().unwrap(), "get", "pods"],
    );
    assert_status(&o, 1);
    assert!(stderr(&o).contains("Unauthorized"), "{}", stderr(&o));
    assert!(
        served
            .log()
            .iter()
            .any(|l| l.contains("→ 401 (token ") && l.ends_with(" refused)")),
        "{:?}",
        served.log()
    );
}
