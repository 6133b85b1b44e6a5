//! `cytoken setup git|docker|kubectl` against the real clients' files: the
//! global git config read back with `git config --global --get-all` (and a
//! `git credential fill` through the wired helper), a docker config.json
//! with other keys, a kubeconfig read back with `kubectl config view`. Each
//! idempotent, and `--remove` undoing exactly what was added.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support::*;

/// `git` with the sandbox's HOME (so its global config), no system config.
fn git(sb: &Sandbox) -> Command {
    let mut c = Command::new("git");
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", sb.home.path())
        .env("XDG_CONFIG_HOME", sb.home.path().join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    c
}

fn get_all(sb: &Sandbox, key: &str) -> String {
    let o = git(sb)
        .args(["config", "--global", "--get-all", key])
        .output()
        .expect("git must be installed (.ci/run installs it)");
    stdout(&o)
}

fn gitconfig(sb: &Sandbox) -> String {
    std::fs::read_to_string(sb.home.path().join(".gitconfig")).unwrap_or_default()
}

const KEY: &str = "credential.https://git.example.com.helper";

#[test]
fn setup_git_adds_the_empty_helper_then_cytoken_and_remove_restores_the_file() {
    let sb = Sandbox::new();
    let before = "[user]\n\tname = me\n[credential]\n\thelper = store\n";
    std::fs::write(sb.home.path().join(".gitconfig"), before).unwrap();
    sb.test_bare()
        .args(["setup", "git", "--host", "Git.Example.com"])
        .stdout_has(format!("set {KEY} = '' then 'cytoken'"))
        .stdout_has("undo: cytoken setup git --remove --host git.example.com")
        .success();
    assert_eq!(get_all(&sb, KEY), "\ncytoken\n");
    // Idempotent: the file is not touched again.
    let wired = gitconfig(&sb);
    sb.test_bare()
        .args(["setup", "git", "--host", "git.example.com"])
        .stdout_has(format!("unchanged {KEY}"))
        .success();
    assert_eq!(gitconfig(&sb), wired);
    // -p: the explicit form, replacing cytoken's own entry.
    sb.test_bare()
        .args(["-p", "prod", "setup", "git", "--host", "git.example.com"])
        .stdout_has("undo: cytoken -p prod setup git --remove --host git.example.com")
        .success();
    assert_eq!(get_all(&sb, KEY), "\ncytoken -p prod\n");

    // git itself asks the wired helper (found on PATH by its helper name),
    // which answers from the environment's selection.
    sb.link("git-credential-cytoken");
    let path = format!(
        "{}:{}",
        sb.home.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut fill = git(&sb);
    for (k, v) in sb.cmd().get_envs() {
        if let (Some(v), false) = (v, k == "PATH") {
            fill.env(k, v);
        }
    }
    fill.env("PATH", path)
        .env("CYTOKEN_CONFIG", sb.home.path().join("none.toml"))
        .args(["credential", "fill"]);
    // `-p prod` names a profile: give it in a config file.
    let cfg = sb.home.path().join("none.toml");
    write_file(&cfg, "[profiles.prod]\n", 0o600);
    let o = feed(fill, b"protocol=https\nhost=git.example.com\n\n");
    assert_status(&o, 0);
    assert!(stdout(&o).contains("password=eyJ"), "{}", stderr(&o));

    sb.test_bare()
        .args(["setup", "git", "--remove", "--host", "git.example.com"])
        .stdout_has(format!("removed {KEY}"))
        .success();
    assert_eq!(get_all(&sb, KEY), "");
    assert_eq!(
        gitconfig(&sb),
        before,
        "--remove undoes exactly what was added"
    );
    sb.test_bare()
        .args(["setup", "git", "--remove", "--host", "git.example.com"])
        .stdout_has(format!("unchanged {KEY} (not set)"))
        .success();
}

#[test]
fn setup_git_defaults_to_the_profiles_git_hosts_and_skips_wildcards() {
    let sb = Sandbox::new();
    sb.write_config(
        "[profiles.prod]\ngit_hosts = [\"git.prod.example.com\", \"*.example.org\"]\n\
         [profiles.lab]\ngit_hosts = [\"http://127.0.0.1:8080\"]\n",
        0o600,
    );
    sb.test_bare()
        .args(["setup", "git"])
        .stderr_has("skipped *.example.org: a wildcard cannot be a git config key")
        .success();
    assert_eq!(
        get_all(&sb, "credential.https://git.prod.example.com.helper"),
        "\ncytoken\n"
    );
    assert_eq!(
        get_all(&sb, "credential.http://127.0.0.1:8080.helper"),
        "\ncytoken\n"
    );
    // -p: only that profile's hosts.
    sb.test_bare()
        .args(["-p", "lab", "setup", "git", "--remove"])
        .success();
    assert_eq!(get_all(&sb, "credential.http://127.0.0.1:8080.helper"), "");
    assert_eq!(
        get_all(&sb, "credential.https://git.prod.example.com.helper"),
        "\ncytoken\n"
    );
    // Nothing but wildcards: nothing to set up.
    sb.write_config("[profiles.prod]\ngit_hosts = [\"*.example.org\"]\n", 0o600);
    sb.test_bare()
        .args(["setup", "git"])
        .stderr_has("no exact host to set up")
        .status(2);
}

#[test]
fn setup_git_leaves_another_helper_alone() {
    let sb = Sandbox::new();
    let before = "[credential \"https://git.example.com\"]\n\thelper = manager\n";
    std::fs::write(sb.home.path().join(".gitconfig"), before).unwrap();
    for remove in [false, true] {
        sb.test_bare()
            .args(["setup", "git", "--host", "git.example.com"])
            .args(remove.then_some("--remove"))
            .stderr_has(format!("{KEY} also names manager: nothing changed"))
            .status(2);
        assert_eq!(gitconfig(&sb), before);
    }
}

/// The docker config with keys of every kind, in an order no sort gives.
const DOCKER: &str = r#"{
  "psFormat": "table {{.ID}}",
  "auths": {"zz.example.com": {}, "aa.example.com": {"auth": "dTpw"}},
  "credHelpers": {"gcr.io": "gcloud"},
  "currentContext": "colima"
}
"#;

fn docker_config(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("config.json")).unwrap()
}

/// The top-level keys in file order, and the whole as a JSON value.
fn keys_and_value(text: &str) -> (Vec<usize>, serde_json::Value) {
    let order = ["psFormat", "auths", "credHelpers", "currentContext"]
        .iter()
        .map(|k| text.find(&format!("\"{k}\"")).unwrap())
        .collect();
    (order, serde_json::from_str(text).unwrap())
}

#[test]
fn setup_docker_merges_cred_helpers_and_remove_takes_only_them_away() {
    let sb = Sandbox::new();
    let dir = sb.home.path().join("dockercfg");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("config.json"), DOCKER).unwrap();
    sb.test_bare()
        .env("DOCKER_CONFIG", &dir)
        .args(["setup", "docker", "--registry", "registry.example.com"])
        .args(["--registry", "localhost:5000"])
        .stdout_has("set credHelpers[registry.example.com] = cytoken")
        .stdout_has("undo: cytoken setup docker --remove --registry registry.example.com --registry localhost:5000")
        .success();
    let text = docker_config(&dir);
    let (order, v) = keys_and_value(&text);
    assert!(order.is_sorted(), "key order kept: {text}");
    assert!(
        text.contains(r#""auths": {"zz.example.com": {}, "aa.example.com": {"auth": "dTpw"}}"#),
        "other keys kept as written: {text}"
    );
    assert_eq!(v["credHelpers"]["registry.example.com"], "cytoken");
    assert_eq!(v["credHelpers"]["localhost:5000"], "cytoken");
    assert_eq!(v["credHelpers"]["gcr.io"], "gcloud");
    // Idempotent.
    sb.test_bare()
        .env("DOCKER_CONFIG", &dir)
        .args(["setup", "docker", "--registry", "registry.example.com"])
        .stdout_has("unchanged credHelpers[registry.example.com]")
        .success();
    assert_eq!(docker_config(&dir), text);
    // Another helper's registry is left alone, nothing written.
    sb.test_bare()
        .env("DOCKER_CONFIG", &dir)
        .args([
            "setup",
            "docker",
            "--registry",
            "new.example.com",
            "--registry",
            "gcr.io",
        ])
        .stderr_has("credHelpers sends gcr.io to 'gcloud', not cytoken: nothing changed")
        .status(2);
    assert_eq!(docker_config(&dir), text);
    sb.test_bare()
        .env("DOCKER_CONFIG", &dir)
        .args([
            "setup",
            "docker",
            "--remove",
            "--registry",
            "registry.example.com",
        ])
        .args(["--registry", "localhost:5000"])
        .stdout_has("removed credHelpers[localhost:5000]")
        .success();
    let after = docker_config(&dir);
    let (order, v) = keys_and_value(&after);
    assert!(order.is_sorted(), "{after}");
    assert_eq!(
        v,
        serde_json::from_str::<serde_json::Value>(DOCKER).unwrap()
    );
}

#[test]
fn setup_docker_creates_a_private_config_from_the_profiles_docker_hosts() {
    let sb = Sandbox::new();
    sb.write_config(
        "[profiles.prod]\ndocker_hosts = [\"registry.example.com:5000\", \"*.example.org\"]\n",
        0o600,
    );
    sb.test_bare()
        .args(["setup", "docker"])
        .stderr_has("skipped *.example.org")
        .success();
    let path = sb.home.path().join(".docker").join("config.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"credHelpers": {"registry.example.com:5000": "cytoken"}})
    );
    assert_eq!(mode_of(&path), 0o600);
    sb.test_bare()
        .args(["setup", "docker", "--remove"])
        .success();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(v, serde_json::json!({}));
}

fn kubectl(sb: &Sandbox, kubeconfig: &Path, args: &[&str]) -> Output {
    let o = Command::new("kubectl")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", sb.home.path())
        .env("KUBECONFIG", kubeconfig)
        .args(args)
        .output()
        .expect("kubectl must be installed (.ci/run installs it)");
    assert_status(&o, 0);
    o
}

/// The kubeconfig's users, as `kubectl config view` shows them.
fn users(sb: &Sandbox, kubeconfig: &Path) -> serde_json::Value {
    let o = kubectl(sb, kubeconfig, &["config", "view", "-o", "json"]);
    serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["users"].clone()
}

fn kubeconfig(sb: &Sandbox) -> PathBuf {
    let p = sb.home.path().join("kube").join("config");
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(
        &p,
        "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: t0k\n",
    )
    .unwrap();
    p
}

#[test]
fn setup_kubectl_adds_an_exec_user_through_kubectl_and_removes_only_it() {
    let sb = Sandbox::new();
    let kc = kubeconfig(&sb);
    let exe = std::fs::canonicalize(cytoken_exe()).unwrap();
    sb.test_bare()
        .env("KUBECONFIG", &kc)
        .args(["-p", "prod", "setup", "kubectl"])
        .stdout_has("set kubeconfig user 'cytoken-prod'")
        .stdout_has("undo: cytoken -p prod setup kubectl --remove --user cytoken-prod")
        .success();
    let u = users(&sb, &kc);
    let mine = u
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "cytoken-prod")
        .expect("the user was added");
    let exec = &mine["user"]["exec"];
    assert_eq!(exec["apiVersion"], "client.authentication.k8s.io/v1");
    assert_eq!(exec["command"], exe.to_str().unwrap());
    assert_eq!(
        exec["args"],
        serde_json::json!(["-p", "prod", "exec-credential"])
    );
    assert_eq!(exec["interactiveMode"], "Never");
    assert!(u.as_array().unwrap().iter().any(|u| u["name"] == "admin"));
    let written = std::fs::read_to_string(&kc).unwrap();
    sb.test_bare()
        .env("KUBECONFIG", &kc)
        .args(["-p", "prod", "setup", "kubectl"])
        .stdout_has("unchanged kubeconfig user 'cytoken-prod'")
        .success();
    assert_eq!(std::fs::read_to_string(&kc).unwrap(), written);
    // A user that is not cytoken's is never replaced or removed.
    for remove in [false, true] {
        sb.test_bare()
            .args(["setup", "kubectl", "--user", "admin", "--kubeconfig"])
            .arg(&kc)
            .args(remove.then_some("--remove"))
            .stderr_has("kubeconfig user 'admin' exists and is not cytoken's")
            .status(2);
    }
    sb.test_bare()
        .args(["-p", "prod", "setup", "kubectl", "--remove", "--kubeconfig"])
        .arg(&kc)
        .stdout_has("removed kubeconfig user 'cytoken-prod'")
        .success();
    let u = users(&sb, &kc);
    assert_eq!(
        u,
        serde_json::json!([{"name": "admin", "user": {"token": "REDACTED"}}])
    );
}

#[test]
fn setup_kubectl_without_kubectl_prints_the_user_to_paste() {
    let sb = Sandbox::new();
    let empty = sb.home.path().join("empty-bin");
    std::fs::create_dir(&empty).unwrap();
    sb.test_bare()
        .env("PATH", &empty)
        .args(["-p", "prod", "setup", "kubectl"])
        .stdout_has("kubectl is not on PATH")
        .stdout_has("- name: cytoken-prod\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n")
        .stdout_has("      args: [\"-p\", \"prod\", \"exec-credential\"]\n      interactiveMode: Never\n")
        .success();
    assert!(!sb.home.path().join(".kube").exists());
}
