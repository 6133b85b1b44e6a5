//! `cytoken setup git|docker|kubectl`: wires a client to cytoken the way its
//! own tools do (gh's `auth setup-git`, Git Credential Manager's
//! `configure`), a file per client.
//!
//! Every client follows the same rules: the whole change is planned before
//! anything is written, so a conflict (another helper, another user) changes
//! nothing; an entry already as wanted is left alone (idempotent); only
//! cytoken's own entries are replaced or removed, so `--remove` undoes
//! exactly what was added; each run prints what it changed and the command
//! that undoes it.

mod docker;
mod git;
mod kubectl;

use std::io::Write;
use std::path::PathBuf;

use crate::cli::SetupCommand;
use crate::config::{self, ConfigFile};
use crate::error::{Error, Result};
use crate::hosts;
use crate::invocation::Invocation;
use crate::output::shell_word;

pub(crate) fn run(inv: &Invocation, c: &SetupCommand, w: &mut dyn Write) -> Result<i32> {
    match c {
        SetupCommand::Git { hosts, remove } => git::run(inv, hosts, *remove, w),
        SetupCommand::Docker { registries, remove } => docker::run(inv, registries, *remove, w),
        SetupCommand::Kubectl {
            user,
            kubeconfig,
            remove,
        } => kubectl::run(inv, user.as_deref(), kubeconfig.as_deref(), *remove, w),
    }
}

/// The profile named with `-p` or `CYTOKEN_PROFILE`, checked to be a safe
/// word: it goes into a git helper's command line, which git runs through a
/// shell, and into a kubeconfig's args.
fn named_profile(inv: &Invocation) -> Result<Option<String>> {
    let name = inv
        .flags
        .profile
        .clone()
        .or_else(|| inv.env().var("CYTOKEN_PROFILE"));
    if let Some(n) = &name {
        check_word("profile name", n)?;
    }
    Ok(name)
}

/// A name written into a client's config: letters, digits, `-` and `_`.
fn check_word(what: &str, v: &str) -> Result<()> {
    if v.is_empty()
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::usage(format!(
            "the {what} {} must be letters, digits, - and _",
            crate::redact::quote(v)
        )));
    }
    Ok(())
}

/// The config file, when there is one: where the default hosts come from.
fn config_file(inv: &Invocation) -> Result<Option<(PathBuf, ConfigFile)>> {
    let Some((path, _)) = config::config_path(&inv.flags, inv.env()) else {
        return Ok(None);
    };
    if !path.exists() {
        return Ok(None);
    }
    let file = config::load_file(&path, inv.env().home_dir().as_deref())?;
    Ok(Some((path, file)))
}

/// The host patterns a client is wired for: the ones given, else the named
/// profile's (or every profile's) `key` list from the config file.
fn wanted_hosts(
    inv: &Invocation,
    given: &[String],
    profile: Option<&str>,
    key: &str,
    flag: &str,
    list: impl Fn(&config::Profile) -> Option<&Vec<String>>,
) -> Result<Vec<String>> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let none = || {
        Error::usage(format!(
            "no host to set up: pass {flag} HOST (repeat for more), or list the hosts in a \
             profile's {key}"
        ))
    };
    let Some((path, file)) = config_file(inv)? else {
        return Err(none());
    };
    let mut out: Vec<String> = Vec::new();
    let profiles: Vec<(&String, &config::Profile)> =
        match profile {
            Some(p) => vec![file.profiles.get_key_value(p).ok_or_else(|| {
                Error::config(format!("profile '{p}' is not in {}", path.display()))
            })?],
            None => file.profiles.iter().collect(),
        };
    for (_, p) in profiles {
        for h in list(p).into_iter().flatten() {
            if !out.contains(h) {
                out.push(h.clone());
            }
        }
    }
    if out.is_empty() {
        return Err(none());
    }
    Ok(out)
}

/// A host pattern as a client names it: `(https?, host[:port])`, lowercase.
/// `Ok(None)` for a wildcard (`*.example.com`), which no client config key
/// can express; an error for a pattern that is no host at all.
fn exact_host(pattern: &str) -> Result<Option<(bool, String)>> {
    let p = pattern.trim();
    let lower = p.to_ascii_lowercase();
    let (https, rest) = if let Some(r) = lower.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = lower.strip_prefix("http://") {
        (false, r)
    } else {
        (true, lower.as_str())
    };
    let host = rest.strip_suffix('/').unwrap_or(rest);
    if host.starts_with("*.") {
        return Ok(None);
    }
    if !hosts::names_one_host(p) {
        return Err(Error::usage(format!(
            "{} is not a host: give host, host:port or http://host:port",
            crate::redact::quote(pattern)
        )));
    }
    Ok(Some((https, host.to_string())))
}

/// The exact hosts of `patterns`, each wildcard named on stderr as skipped
/// with why.
fn exact_hosts(patterns: &[String], client: &str, flag: &str) -> Result<Vec<(bool, String)>> {
    let mut out = Vec::new();
    for p in patterns {
        match exact_host(p)? {
            Some(h) => {
                if !out.contains(&h) {
                    out.push(h);
                }
            }
            None => eprintln!(
                "cytoken: skipped {p}: a wildcard cannot be a {client} config key (it names \
                 one host); add each host with {flag} HOST"
            ),
        }
    }
    if out.is_empty() {
        return Err(Error::usage(format!(
            "no exact host to set up: pass {flag} HOST"
        )));
    }
    Ok(out)
}

/// What a setup that added entries says last: the command that undoes it,
/// and that the client cannot find its helper (`<client>-credential-cytoken`)
/// when that is not on `PATH`.
fn undo_and_helper(text: &mut String, profile: Option<&str>, client: &str, args: &[String]) {
    text.push_str(&format!("undo: {}\n", undo_line(profile, client, args)));
    let helper = format!("{client}-credential-cytoken");
    if crate::secret::resolve_program(&helper).is_none() {
        text.push_str(&format!(
            "note: {client} runs {helper}, which is not on PATH: run `cytoken install-helpers`\n"
        ));
    }
}

/// The command line that undoes a setup: the same hosts, `--remove`.
fn undo_line(profile: Option<&str>, client: &str, args: &[String]) -> String {
    let mut line = String::from("cytoken");
    if let Some(p) = profile {
        line.push_str(&format!(" -p {p}"));
    }
    line.push_str(&format!(" setup {client} --remove"));
    for a in args {
        line.push(' ');
        line.push_str(&shell_word(a));
    }
    line
}

/// Runs a client's own command (`git config`, `kubectl config`), its
/// failure one line naming the command.
fn run_tool(cmd: &mut std::process::Command) -> Result<std::process::Output> {
    let shown = format!(
        "{} {}",
        cmd.get_program().to_string_lossy(),
        cmd.get_args()
            .map(|a| shell_word(&a.to_string_lossy()))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let out = cmd
        .output()
        .map_err(|e| Error::other(format!("cannot run `{shown}`: {e}")))?;
    Ok(out)
}

/// Fails with the tool's own words unless it succeeded.
fn tool_ok(cmd: &mut std::process::Command) -> Result<std::process::Output> {
    let out = run_tool(cmd)?;
    if !out.status.success() {
        let shown = cmd.get_program().to_string_lossy().into_owned();
        let said = String::from_utf8_lossy(&out.stderr);
        return Err(Error::other(format!(
            "{shown} failed ({}): {}",
            out.status,
            said.trim().replace('\n', "; ")
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_become_client_hosts() {
        let h = |p: &str| exact_host(p).unwrap();
        assert_eq!(h("Git.Example.com"), Some((true, "git.example.com".into())));
        assert_eq!(
            h("https://git.example.com:8443/"),
            Some((true, "git.example.com:8443".into()))
        );
        assert_eq!(
            h("http://127.0.0.1:8080"),
            Some((false, "127.0.0.1:8080".into()))
        );
        assert_eq!(h("*.example.com"), None);
        assert!(exact_host("git.example.com/team").is_err());
        assert!(exact_host("ftp://x").is_err());
    }

    #[test]
    fn the_undo_line_quotes_what_a_shell_would_split() {
        assert_eq!(
            undo_line(Some("prod"), "git", &["--host".into(), "a b".into()]),
            "cytoken -p prod setup git --remove --host 'a b'"
        );
    }
}
