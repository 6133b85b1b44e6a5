//! Which clients point at which profile, read from their own config: git's
//! global `credential.<url>.helper` entries (through `git config`), docker's
//! `credHelpers` (the file), kubeconfig exec users (through `kubectl config
//! view`). Read only; nothing here runs cytoken or a secret command.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::env::Env;

/// Largest docker config read (far above any real one).
const MAX_DOCKER_CONFIG: u64 = 1 << 20;

/// One client's entries that name cytoken: `(where, profile)`, the profile
/// `None` when the entry names none (so the default profile answers); or
/// why the client's config was not read.
pub(super) type Entries = std::result::Result<Vec<(String, Option<String>)>, String>;

/// Every client's entries.
pub(super) struct Wiring {
    pub(super) git: Entries,
    pub(super) docker: Entries,
    pub(super) kube: Entries,
}

impl Wiring {
    /// Reads each client's config once.
    pub(super) fn discover(env: &Env) -> Wiring {
        Wiring {
            git: git(),
            docker: docker(env),
            kube: kube(),
        }
    }
}

/// A cytoken (or `git-credential-cytoken`) command line, and the profile
/// it names with `-p`/`--profile` (`None`: it names none).
#[derive(Debug, PartialEq, Eq)]
struct Cytoken(Option<String>);

/// `argv` as a cytoken command line; `None` when it runs something else.
fn profile_of<'a>(argv: impl IntoIterator<Item = &'a str>) -> Option<Cytoken> {
    let mut words = argv.into_iter();
    let program = words.next()?;
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let lower = base.to_ascii_lowercase();
    let name = lower.strip_suffix(".exe").unwrap_or(&lower);
    if name != "cytoken" && name != "git-credential-cytoken" {
        return None;
    }
    let mut profile = None;
    while let Some(w) = words.next() {
        if w == "-p" || w == "--profile" {
            profile = words.next().map(String::from);
        } else if let Some(p) = w.strip_prefix("--profile=") {
            profile = Some(p.to_string());
        } else if let Some(p) = w.strip_prefix("-p").filter(|p| !p.is_empty()) {
            profile = Some(p.to_string());
        }
    }
    Some(Cytoken(profile))
}

/// Runs a client's read-only command; its stdout when it exits 0, an empty
/// one when it exits 1 (git: nothing matched).
fn read_tool(program: &str, args: &[&str]) -> std::result::Result<Vec<u8>, String> {
    let Some(path) = crate::secret::resolve_program(program) else {
        return Err(format!("not checked ({program} is not on PATH)"));
    };
    let out = Command::new(path)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("not checked (cannot run {program}: {e})"))?;
    match out.status.code() {
        Some(0) => Ok(out.stdout),
        Some(1) if program == "git" => Ok(Vec::new()),
        _ => Err(format!(
            "not checked ({program} {} failed: {})",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
                .trim()
                .replace('\n', "; ")
        )),
    }
}

/// git's global `credential.<url>.helper` entries naming cytoken: the URL.
fn git() -> Entries {
    let out = read_tool(
        "git",
        &[
            "config",
            "--global",
            "-z",
            "--get-regexp",
            r"^credential\..*\.helper$",
        ],
    )?;
    Ok(git_entries(&String::from_utf8_lossy(&out)))
}

/// Parses `git config -z --get-regexp` output: `key\nvalue\0` per entry.
fn git_entries(text: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for record in text.split('\0') {
        let Some((key, value)) = record.split_once('\n') else {
            continue;
        };
        let Some(url) = key
            .strip_prefix("credential.")
            .and_then(|k| k.strip_suffix(".helper"))
        else {
            continue;
        };
        if let Some(Cytoken(profile)) = profile_of(value.split_whitespace()) {
            out.push((url.to_string(), profile));
        }
    }
    out
}

/// docker's config file: `$DOCKER_CONFIG/config.json`, else
/// `~/.docker/config.json`.
fn docker_config(env: &Env) -> Option<PathBuf> {
    match env.var("DOCKER_CONFIG") {
        Some(dir) => Some(PathBuf::from(dir).join("config.json")),
        None => env
            .home_dir()
            .map(|h| h.join(".docker").join("config.json")),
    }
}

#[derive(Deserialize, Default)]
struct DockerConfig {
    #[serde(default, rename = "credHelpers")]
    cred_helpers: BTreeMap<String, serde_json::Value>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<serde_json::Value>,
}

/// docker registries whose helper is `cytoken` (docker runs
/// `docker-credential-cytoken`, which takes no arguments).
fn docker(env: &Env) -> Entries {
    let Some(path) = docker_config(env) else {
        return Err("not checked (no home directory)".into());
    };
    let Some(bytes) = read_bounded(&path)? else {
        return Ok(Vec::new());
    };
    let config: DockerConfig = serde_json::from_slice(&bytes)
        .map_err(|e| format!("not read ({}: {e})", path.display()))?;
    let ours = |v: &serde_json::Value| v.as_str() == Some("cytoken");
    let mut out: Vec<(String, Option<String>)> = config
        .cred_helpers
        .iter()
        .filter(|(_, v)| ours(v))
        .map(|(registry, _)| (registry.clone(), None))
        .collect();
    if config.creds_store.as_ref().is_some_and(ours) {
        out.push(("every other registry (credsStore)".into(), None));
    }
    Ok(out)
}

/// A file's bytes, `None` when it does not exist.
fn read_bounded(path: &Path) -> std::result::Result<Option<Vec<u8>>, String> {
    use std::io::Read as _;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("not read ({}: {e})", path.display())),
    };
    let mut bytes = Vec::new();
    file.take(MAX_DOCKER_CONFIG + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("not read ({}: {e})", path.display()))?;
    if bytes.len() as u64 > MAX_DOCKER_CONFIG {
        return Err(format!(
            "not read ({} is over {} KiB)",
            path.display(),
            MAX_DOCKER_CONFIG >> 10
        ));
    }
    Ok(Some(bytes))
}

#[derive(Deserialize, Default)]
struct KubeConfig {
    #[serde(default)]
    users: Option<Vec<KubeUser>>,
}

#[derive(Deserialize)]
struct KubeUser {
    name: String,
    #[serde(default)]
    user: Option<KubeAuth>,
}

#[derive(Deserialize)]
struct KubeAuth {
    #[serde(default)]
    exec: Option<KubeExec>,
}

#[derive(Deserialize)]
struct KubeExec {
    #[serde(default)]
    command: String,
    #[serde(default)]
    args: Option<Vec<String>>,
}

/// kubeconfig users (as kubectl reads them: `KUBECONFIG` honoured) whose
/// exec plugin is cytoken's `exec-credential`.
fn kube() -> Entries {
    let out = read_tool("kubectl", &["config", "view", "-o", "json"])?;
    let config: KubeConfig =
        serde_json::from_slice(&out).map_err(|e| format!("not read (kubectl config view: {e})"))?;
    Ok(kube_entries(config))
}

fn kube_entries(config: KubeConfig) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for u in config.users.unwrap_or_default() {
        let Some(exec) = u.user.and_then(|a| a.exec) else {
            continue;
        };
        let args = exec.args.unwrap_or_default();
        if !args.iter().any(|a| a == "exec-credential") {
            continue;
        }
        let line = std::iter::once(exec.command.as_str()).chain(args.iter().map(String::as_str));
        if let Some(Cytoken(profile)) = profile_of(line) {
            out.push((u.name, profile));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cytoken_command_line_names_its_profile_or_none() {
        let p = |s: &str| profile_of(s.split_whitespace());
        let named = |n: &str| Some(Cytoken(Some(n.to_string())));
        assert_eq!(p("cytoken"), Some(Cytoken(None)));
        assert_eq!(p("cytoken -p prod"), named("prod"));
        assert_eq!(p("/usr/bin/cytoken --profile=st"), named("st"));
        assert_eq!(p("C:\\bin\\Cytoken.EXE -pdev"), named("dev"));
        assert_eq!(p("git-credential-cytoken --profile x"), named("x"));
        assert_eq!(p("store"), None);
        assert_eq!(p("cytokenx -p prod"), None);
    }

    #[test]
    fn git_entries_are_the_urls_whose_helper_is_cytoken() {
        let text = "credential.https://a.example.com.helper\n\0\
                    credential.https://a.example.com.helper\ncytoken\0\
                    credential.https://b.example.com.helper\ncytoken -p prod\0\
                    credential.https://c.example.com.helper\nstore\0";
        assert_eq!(
            git_entries(text),
            vec![
                ("https://a.example.com".into(), None),
                ("https://b.example.com".into(), Some("prod".into())),
            ]
        );
    }

    #[test]
    fn kube_users_are_those_running_cytoken_exec_credential() {
        let config: KubeConfig = serde_json::from_str(
            r#"{"users":[
                {"name":"a","user":{"exec":{"command":"/bin/cytoken","args":["-p","prod","exec-credential"]}}},
                {"name":"b","user":{"exec":{"command":"cytoken","args":["exec-credential"]}}},
                {"name":"c","user":{"exec":{"command":"aws","args":["eks","get-token"]}}},
                {"name":"d","user":{"token":"x"}},
                {"name":"e","user":{"exec":{"command":"cytoken","args":["token"]}}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(
            kube_entries(config),
            vec![("a".into(), Some("prod".into())), ("b".into(), None)]
        );
    }
}
