//! `cytoken setup kubectl`: a kubeconfig user whose credentials come from
//! `cytoken -p NAME exec-credential` (client.authentication.k8s.io/v1,
//! `interactiveMode: Never`, the absolute path of this cytoken), written by
//! `kubectl config set-credentials` itself when kubectl is on PATH (so
//! `KUBECONFIG` and its merge rules are kubectl's own), else printed as YAML
//! to paste.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{check_word, config_file, named_profile, shell_word, tool_ok};
use crate::error::{Error, Result};
use crate::invocation::Invocation;
use crate::output::out;

const API_VERSION: &str = "client.authentication.k8s.io/v1";

/// The exec block wanted for the user.
struct Exec {
    command: String,
    args: [String; 3],
}

pub(super) fn run(
    inv: &Invocation,
    user: Option<&str>,
    kubeconfig: Option<&Path>,
    remove: bool,
    w: &mut dyn Write,
) -> Result<i32> {
    let profile = match named_profile(inv)? {
        Some(p) => p,
        None => config_file(inv)?
            .and_then(|(_, f)| f.default_profile)
            .unwrap_or_else(|| "default".into()),
    };
    check_word("profile name", &profile)?;
    let user = user.map_or_else(|| format!("cytoken-{profile}"), String::from);
    check_word("kubeconfig user name", &user)?;
    let exe = std::env::current_exe()
        .and_then(std::path::absolute)
        .map_err(|e| Error::other(format!("cannot tell where cytoken is ({e})")))?;
    let want = Exec {
        command: exe.to_string_lossy().into_owned(),
        args: ["-p".into(), profile.clone(), "exec-credential".into()],
    };
    let Some(kubectl) = crate::secret::resolve_program("kubectl") else {
        return out(w, format_args!("{}", paste(&user, &want, remove)));
    };
    let k = Kubectl {
        program: kubectl,
        kubeconfig: kubeconfig.map(Path::to_path_buf),
    };
    let current = k.user(&user)?;
    let mut text = String::new();
    match (remove, &current) {
        (_, Some(exec)) if !is_ours(exec) => {
            return Err(Error::usage(format!(
                "kubeconfig user '{user}' exists and is not cytoken's: nothing changed; pick \
                 another name with --user"
            )));
        }
        (false, Some(exec)) if same(exec, &want) => {
            text.push_str(&format!(
                "unchanged kubeconfig user '{user}' ({})\n",
                line(&want)
            ));
        }
        (false, existing) => {
            if existing.is_some() {
                k.unset(&user)?;
            }
            k.set(&user, &want)?;
            text.push_str(&format!("set kubeconfig user '{user}': {}\n", line(&want)));
        }
        (true, Some(_)) => {
            k.unset(&user)?;
            text.push_str(&format!("removed kubeconfig user '{user}'\n"));
        }
        (true, None) => text.push_str(&format!("unchanged: no kubeconfig user '{user}'\n")),
    }
    if !remove {
        let mut undo = format!("cytoken -p {profile} setup kubectl --remove --user {user}");
        if let Some(p) = kubeconfig {
            undo.push_str(&format!(
                " --kubeconfig {}",
                shell_word(&p.to_string_lossy())
            ));
        }
        text.push_str(&format!(
            "use it: kubectl config set-context --current --user {user}\nundo: {undo}\n"
        ));
    }
    out(w, format_args!("{text}"))
}

/// The command line the user runs, for messages.
fn line(e: &Exec) -> String {
    std::iter::once(e.command.as_str())
        .chain(e.args.iter().map(String::as_str))
        .map(shell_word)
        .collect::<Vec<_>>()
        .join(" ")
}

/// An exec block is cytoken's when its command is a cytoken binary.
fn is_ours(exec: &serde_json::Value) -> bool {
    exec.get("command")
        .and_then(serde_json::Value::as_str)
        .and_then(|c| Path::new(c).file_stem()?.to_str().map(str::to_string))
        .is_some_and(|stem| stem == "cytoken")
}

fn same(exec: &serde_json::Value, want: &Exec) -> bool {
    let s = |k: &str| exec.get(k).and_then(serde_json::Value::as_str);
    let args: Option<Vec<&str>> = exec
        .get("args")
        .and_then(serde_json::Value::as_array)
        .map(|a| a.iter().filter_map(serde_json::Value::as_str).collect());
    s("apiVersion") == Some(API_VERSION)
        && s("command") == Some(want.command.as_str())
        && s("interactiveMode") == Some("Never")
        && args.is_some_and(|a| a == want.args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// What to paste when kubectl is not on PATH.
fn paste(user: &str, want: &Exec, remove: bool) -> String {
    if remove {
        return format!(
            "kubectl is not on PATH: remove the user '{user}' from your kubeconfig by hand\n"
        );
    }
    let args = want
        .args
        .iter()
        .map(|a| format!("\"{a}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "kubectl is not on PATH: add this user to your kubeconfig (KUBECONFIG, or \
         ~/.kube/config) under `users:`\n\
         - name: {user}\n  user:\n    exec:\n      apiVersion: {API_VERSION}\n      \
         command: {}\n      args: [{args}]\n      interactiveMode: Never\n      \
         provideClusterInfo: false\n",
        serde_json::Value::from(want.command.as_str())
    )
}

/// kubectl, with `--kubeconfig` when given (else its own `KUBECONFIG` rules).
struct Kubectl {
    program: PathBuf,
    kubeconfig: Option<PathBuf>,
}

impl Kubectl {
    fn cmd(&self) -> Command {
        let mut c = Command::new(&self.program);
        if let Some(p) = &self.kubeconfig {
            let mut arg = OsString::from("--kubeconfig=");
            arg.push(p);
            c.arg(arg);
        }
        c.arg("config");
        c
    }

    /// The exec block of kubeconfig user `name` (`Null` for a user without
    /// one), `None` when there is no such user.
    fn user(&self, name: &str) -> Result<Option<serde_json::Value>> {
        let out = tool_ok(self.cmd().args(["view", "-o", "json"]))?;
        let view: serde_json::Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| Error::other(format!("kubectl config view printed no JSON ({e})")))?;
        Ok(view
            .get("users")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .find(|u| u.get("name").and_then(serde_json::Value::as_str) == Some(name))
            .map(|u| {
                u.pointer("/user/exec")
                    .cloned()
                    .unwrap_or(serde_json::Value::Null)
            }))
    }

    fn set(&self, name: &str, want: &Exec) -> Result<()> {
        let mut c = self.cmd();
        c.args(["set-credentials", name])
            .arg(format!("--exec-api-version={API_VERSION}"))
            .arg(format!("--exec-command={}", want.command))
            .arg("--exec-interactive-mode=Never");
        for a in &want.args {
            c.arg(format!("--exec-arg={a}"));
        }
        tool_ok(&mut c).map(drop)
    }

    fn unset(&self, name: &str) -> Result<()> {
        tool_ok(self.cmd().args(["unset", &format!("users.{name}")])).map(drop)
    }
}
