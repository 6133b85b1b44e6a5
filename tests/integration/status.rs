//! `cytoken status`: the cached token's decoded claims and time left, the
//! last recorded failure, `--all`, `--json`, and the wiring found in a real
//! global git config, a docker config.json and a kubeconfig written by
//! `kubectl config set-credentials`. Never a request to the endpoint, never
//! the secret, and the secret command never run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::*;

/// A config with `prod` (secret from a command that leaves a marker file
/// each time it runs) and `staging` (secret from a file), `staging` the
/// default.
fn two_profiles(sb: &Sandbox) -> PathBuf {
    let dir = sb.config_path().parent().unwrap().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    let secret = dir.join("secret.txt");
    write_file(&secret, &format!("{SECRET}\n"), 0o600);
    let url = sb.emu.url();
    sb.write_config(
        &format!(
            "default_profile = \"staging\"\n\
             [profiles.prod]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_command = [\"sh\", \"-c\", \"touch \\\"$0.ran\\\"; cat \\\"$0\\\"\", {s}]\n\
             auth_url = \"{url}\"\nscopes = [\"device:list\", \"policy:read\"]\n\
             [profiles.staging]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\n\
             app_secret_file = {s}\nauth_url = \"{url}\"\n",
            s = toml_path(&secret),
        ),
        0o600,
    )
}

/// The marker the prod secret command leaves.
fn marker(sb: &Sandbox) -> PathBuf {
    sb.config_path().with_file_name("secret.txt.ran")
}

fn status(sb: &Sandbox) -> Run {
    sb.test_bare().arg("status").no_secret()
}

fn json_of(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn a_fresh_token_is_exit_0_with_its_scopes_and_expiry_and_nothing_is_run_or_asked() {
    let sb = Sandbox::new();
    two_profiles(&sb);
    sb.test_bare().args(["-p", "prod", "token"]).success();
    assert_eq!(sb.emu.requests(), 1);
    std::fs::remove_file(marker(&sb)).unwrap();
    let files = sb.cache_files();
    let o = status(&sb)
        .args(["-p", "prod"])
        .stdout_has("prod\n")
        .stdout_has("ok token     valid, expires in ")
        .stdout_has("scopes device:list, policy:read")
        .stdout_has(format!("tenant `{TENANT}`"))
        .stdout_has("command (not run by status) sh")
        .success();
    // Only the prod block: staging is not asked for.
    assert!(!stdout(&o).contains("staging"), "{}", stdout(&o));
    assert!(!marker(&sb).exists(), "status ran the secret command");
    assert_eq!(sb.emu.requests(), 1, "status contacted the endpoint");
    assert_eq!(sb.cache_files(), files, "status wrote in the cache");
}

#[test]
fn no_cached_token_is_exit_1_and_writes_nothing() {
    let sb = Sandbox::new();
    two_profiles(&sb);
    status(&sb)
        .stdout_has("staging (default profile)")
        .stdout_has("X  token     none cached")
        .stdout_has("file ")
        .status(1);
    // The file source's fingerprint needs the cache's key: not created.
    assert!(!sb.cache_dir().exists(), "{:?}", sb.cache_files());
    // A command source needs no key: also none, and nothing run.
    status(&sb)
        .args(["-p", "prod"])
        .stdout_has("none cached")
        .status(1);
    assert!(!marker(&sb).exists());
    assert_eq!(sb.emu.requests(), 0);
}

#[test]
fn a_token_past_its_refresh_time_is_exit_1_and_an_opaque_token_says_it_has_no_claims() {
    let sb = Sandbox::new();
    sb.test().arg("token").success();
    sb.set_expiry(30);
    sb.test()
        .args(["status"])
        .stdout_has("past its refresh time, expires in")
        .no_secret()
        .status(1);
    let entry = sb.set_expiry(1200);
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&entry).unwrap()).unwrap();
    v["access_token"] = "opaque-access-token".into();
    std::fs::write(&entry, serde_json::to_vec(&v).unwrap()).unwrap();
    sb.test()
        .args(["status"])
        .stdout_has("ok token")
        .stdout_has("the token is not a JWT: no claims to show")
        .stdout_has("environment variable CYTOKEN_APP_SECRET")
        .no_secret()
        .success();
    let o = sb.test().args(["status", "--json"]).success();
    let v = json_of(&o);
    assert_eq!(v[0]["token"]["jwt"], false);
    assert_eq!(v[0]["token"]["claims"], serde_json::Value::Null);
    assert_eq!(v[0]["secret"]["kind"], "env");
    assert_eq!(sb.emu.requests(), 1);
}

#[test]
fn a_recorded_failure_is_shown_with_its_age() {
    let sb = Sandbox::new();
    let o = sb
        .cmd()
        .env("CYTOKEN_APP_SECRET", "wrong-secret")
        .arg("token")
        .output()
        .unwrap();
    assert_status(&o, 3);
    let o = sb
        .test()
        .env("CYTOKEN_APP_SECRET", "wrong-secret")
        .arg("status")
        .stdout_has("X  failure   rejected (401), recorded ")
        .stdout_has("s ago (")
        .stdout_has("callers fail fast with it for")
        .stderr_lacks("wrong-secret")
        .status(1);
    assert!(!stdout(&o).contains("wrong-secret"), "{}", stdout(&o));
    let o = sb
        .test()
        .env("CYTOKEN_APP_SECRET", "wrong-secret")
        .args(["status", "--json"])
        .status(1);
    let f = &json_of(&o)[0]["failure"];
    assert_eq!(f["status"], 401);
    assert_eq!(f["in_force"], true);
    assert!(
        f["age"].as_i64().is_some_and(|a| (0..10).contains(&a)),
        "{f}"
    );
    assert_eq!(sb.emu.requests(), 1);
}

#[test]
fn all_shows_every_profile_and_is_exit_0_only_when_each_has_a_fresh_token() {
    let sb = Sandbox::new();
    two_profiles(&sb);
    sb.test_bare().args(["-p", "prod", "token"]).success();
    let o = status(&sb).arg("--all").status(1);
    let text = stdout(&o);
    let prod = text.find("prod\n").expect(&text);
    let staging = text.find("staging (default profile)\n").expect(&text);
    assert!(prod < staging, "{text}");
    assert!(text[prod..staging].contains("ok token"), "{text}");
    assert!(text[staging..].contains("none cached"), "{text}");
    sb.test_bare().arg("token").success();
    let o = status(&sb).args(["--all", "--json"]).success();
    let v = json_of(&o);
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["profile"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["prod", "staging"]);
    assert!(v.as_array().unwrap().iter().all(|p| p["usable"] == true));
    assert_eq!(sb.emu.requests(), 2);
    // -p and --all contradict each other.
    status(&sb).args(["--all", "-p", "prod"]).status(2);
}

#[test]
fn json_has_the_documented_keys_and_never_the_token() {
    let sb = Sandbox::new();
    two_profiles(&sb);
    let o = sb
        .test_bare()
        .args(["-p", "prod", "token", "--format", "json"])
        .success();
    let token = json_of(&o);
    assert_eq!(
        token["scopes"],
        serde_json::json!(["device:list", "policy:read"])
    );
    let access = token["access_token"].as_str().unwrap().to_string();
    let o = status(&sb).args(["-p", "prod", "--json"]).success();
    assert!(!stdout(&o).contains(&access), "the token is shown");
    let v = json_of(&o);
    let p = &v[0];
    assert_eq!(p["profile"], "prod");
    assert_eq!(p["default"], false);
    assert_eq!(p["usable"], true);
    assert_eq!(p["flow"], "cylance");
    assert_eq!(p["tenant_id"], TENANT);
    assert_eq!(p["app_id"], APP);
    assert_eq!(p["auth_url"], sb.emu.url());
    assert_eq!(p["secret"]["kind"], "command");
    assert_eq!(p["secret"]["where"], "sh");
    assert_eq!(p["token"]["state"], "fresh");
    assert_eq!(p["token"]["jwt"], true);
    assert_eq!(
        p["token"]["claims"]["scopes"],
        serde_json::json!(["device:list", "policy:read"])
    );
    assert_eq!(p["token"]["claims"]["tenant_id"], TENANT);
    assert_eq!(p["token"]["claims"]["subject"], APP);
    assert!(
        p["token"]["expires_in"]
            .as_i64()
            .is_some_and(|s| s > 60 && s <= 1800),
        "{p}"
    );
    assert_eq!(p["token"]["claims"]["expires_at"], p["token"]["expires_at"]);
    assert_eq!(p["failure"], serde_json::Value::Null);
    assert_eq!(p["cache_key"].as_str().map(str::len), Some(32));
    for client in ["git", "docker", "kube"] {
        assert!(
            p["wiring"][client].is_array() || p["wiring"]["unchecked"][client].is_string(),
            "{p}"
        );
    }
    assert_eq!(sb.emu.requests(), 1);
}

/// `git` with the sandbox's HOME (so its global config).
fn git_global(sb: &Sandbox, args: &[&str]) {
    let o = Command::new("git")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", sb.home.path())
        .env("XDG_CONFIG_HOME", sb.home.path().join(".config"))
        .args(["config", "--global"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("git must be installed (.ci/run installs it)");
    assert_status(&o, 0);
}

fn kubectl_set_user(sb: &Sandbox, kubeconfig: &Path, user: &str, profile: Option<&str>) {
    let mut c = Command::new("kubectl");
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", sb.home.path())
        .env("KUBECONFIG", kubeconfig)
        .args(["config", "set-credentials", user])
        .arg(format!("--exec-command={}", cytoken_exe().display()))
        .arg("--exec-api-version=client.authentication.k8s.io/v1");
    if let Some(p) = profile {
        c.args(["--exec-arg=-p", &format!("--exec-arg={p}")]);
    }
    let o = c
        .arg("--exec-arg=exec-credential")
        .output()
        .expect("kubectl must be installed (.ci/run installs it)");
    assert_status(&o, 0);
}

#[test]
fn wiring_is_found_in_the_git_docker_and_kube_configs() {
    let sb = Sandbox::new();
    two_profiles(&sb);
    // git: one host for prod (explicit), one for the default (staging), one
    // that is not cytoken's.
    let prod_key = "credential.https://git.prod.example.com.helper";
    git_global(&sb, &[prod_key, ""]);
    git_global(&sb, &["--add", prod_key, "cytoken -p prod"]);
    git_global(
        &sb,
        &[
            "credential.https://git.staging.example.com.helper",
            "cytoken",
        ],
    );
    git_global(
        &sb,
        &["credential.https://elsewhere.example.com.helper", "store"],
    );
    // docker: cytoken answers for one registry (the default profile).
    let docker = sb.home.path().join(".docker");
    std::fs::create_dir_all(&docker).unwrap();
    std::fs::write(
        docker.join("config.json"),
        r#"{"auths":{},"credHelpers":{"registry.example.com":"cytoken","gcr.io":"gcloud"}}"#,
    )
    .unwrap();
    // kube: a prod user, a default-profile user and an unrelated one.
    let kubeconfig = sb.home.path().join(".kube").join("config");
    std::fs::create_dir_all(kubeconfig.parent().unwrap()).unwrap();
    kubectl_set_user(&sb, &kubeconfig, "prod-user", Some("prod"));
    kubectl_set_user(&sb, &kubeconfig, "dev-user", None);
    let o = status(&sb).arg("--all").status(1);
    let text = stdout(&o);
    let staging = text.find("staging (default profile)").expect(&text);
    let (prod, staging) = text.split_at(staging);
    assert!(
        prod.contains("git       https://git.prod.example.com\n"),
        "{text}"
    );
    assert!(prod.contains("docker    not wired"), "{text}");
    assert!(prod.contains("kubectl   prod-user\n"), "{text}");
    assert!(
        staging.contains("git       https://git.staging.example.com\n"),
        "{text}"
    );
    assert!(
        staging.contains("docker    registry.example.com\n"),
        "{text}"
    );
    assert!(staging.contains("kubectl   dev-user\n"), "{text}");
    assert!(
        !text.contains("elsewhere") && !text.contains("gcr.io"),
        "{text}"
    );
    // DOCKER_CONFIG names another dir: its config is the one read.
    let o = status(&sb)
        .args(["--all", "--json"])
        .env("DOCKER_CONFIG", sb.home.path().join("nodocker"))
        .status(1);
    let v = json_of(&o);
    assert_eq!(
        v[0]["wiring"]["git"],
        serde_json::json!(["https://git.prod.example.com"])
    );
    assert_eq!(v[0]["wiring"]["kube"], serde_json::json!(["prod-user"]));
    assert_eq!(v[1]["wiring"]["docker"], serde_json::json!([]));
    assert_eq!(v[1]["wiring"]["kube"], serde_json::json!(["dev-user"]));
    assert!(!marker(&sb).exists());
    assert_eq!(sb.emu.requests(), 0);
}
