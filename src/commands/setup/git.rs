//! `cytoken setup git`: per-host `credential.<url>.helper` entries in the
//! global git config, through `git config --global` (never the file by
//! hand): an empty value first, which clears the helpers configured before
//! it for that URL (a system-wide store, say), then `cytoken` (README, git).

use std::io::Write;
use std::process::Command;

use super::{exact_hosts, named_profile, tool_ok, undo_and_helper, wanted_hosts};
use crate::error::{Error, Result};
use crate::invocation::Invocation;
use crate::output::out;

/// What one host's key needs.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// Already `['', helper]`.
    Unchanged,
    /// Absent: add both values.
    Add,
    /// cytoken's own, but another form (`cytoken` for `cytoken -p prod`).
    Replace,
    /// Absent, nothing to remove.
    Absent,
    /// cytoken's own: remove the key.
    Remove,
}

pub(super) fn run(
    inv: &Invocation,
    given: &[String],
    remove: bool,
    w: &mut dyn Write,
) -> Result<i32> {
    let profile = named_profile(inv)?;
    let patterns = wanted_hosts(inv, given, profile.as_deref(), "git_hosts", "--host", |p| {
        p.git_hosts.as_ref()
    })?;
    let hosts = exact_hosts(&patterns, "git", "--host")?;
    let helper = match &profile {
        Some(p) => format!("cytoken -p {p}"),
        None => "cytoken".to_string(),
    };
    // Every key is read and judged before any is changed.
    let mut plan = Vec::new();
    for (https, host) in &hosts {
        let url = format!("{}://{host}", if *https { "https" } else { "http" });
        let key = format!("credential.{url}.helper");
        let current = get_all(&key)?;
        plan.push((key.clone(), step(&key, &current, &helper, remove)?));
    }
    let mut text = String::new();
    for (key, step) in &plan {
        match step {
            Step::Unchanged => text.push_str(&format!("unchanged {key} = '' then '{helper}'\n")),
            Step::Absent => text.push_str(&format!("unchanged {key} (not set)\n")),
            Step::Add | Step::Replace => {
                if *step == Step::Replace {
                    unset(key)?;
                }
                tool_ok(git().args(["config", "--global", key, ""]))?;
                tool_ok(git().args(["config", "--global", "--add", key, &helper]))?;
                text.push_str(&format!("set {key} = '' then '{helper}'\n"));
            }
            Step::Remove => {
                unset(key)?;
                text.push_str(&format!("removed {key}\n"));
            }
        }
    }
    let args: Vec<String> = hosts
        .iter()
        .flat_map(|(https, h)| {
            let h = if *https {
                h.clone()
            } else {
                format!("http://{h}")
            };
            ["--host".to_string(), h]
        })
        .collect();
    if remove {
        text.push_str("git uses its other credential helpers again for these hosts\n");
    } else {
        undo_and_helper(&mut text, profile.as_deref(), "git", &args);
    }
    out(w, format_args!("{text}"))
}

/// What to do with `key`, whose values are `current`.
fn step(key: &str, current: &[String], helper: &str, remove: bool) -> Result<Step> {
    let ours = |v: &String| v.is_empty() || v == "cytoken" || v.starts_with("cytoken ");
    if current.is_empty() {
        return Ok(if remove { Step::Absent } else { Step::Add });
    }
    if !current.iter().all(ours) {
        let others: Vec<&str> = current
            .iter()
            .filter(|v| !ours(v))
            .map(String::as_str)
            .collect();
        return Err(Error::usage(format!(
            "{key} also names {}: nothing changed; remove them first with `git config \
             --global --unset-all {key}` if cytoken is to be the only helper there",
            others.join(", ")
        )));
    }
    Ok(match (remove, current == ["", helper]) {
        (true, _) => Step::Remove,
        (false, true) => Step::Unchanged,
        (false, false) => Step::Replace,
    })
}

fn git() -> Command {
    Command::new("git")
}

/// The values of `key` in the global git config, in order (none: unset).
fn get_all(key: &str) -> Result<Vec<String>> {
    let out = super::run_tool(git().args(["config", "--global", "--null", "--get-all", key]))?;
    // Exit 1: the key is not set.
    if out.status.code() == Some(1) {
        return Ok(Vec::new());
    }
    if !out.status.success() {
        return Err(Error::other(format!(
            "git config --global --get-all {key} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut values: Vec<String> = text.split('\0').map(String::from).collect();
    values.pop(); // after the last NUL
    Ok(values)
}

/// Removes every value of `key` (git drops the `credential.<url>` section
/// with its last key, so the file is as before the setup).
fn unset(key: &str) -> Result<()> {
    tool_ok(git().args(["config", "--global", "--unset-all", key])).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_cytoken_values_are_replaced_or_removed() {
        let v = |s: &[&str]| s.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        let k = "credential.https://h.helper";
        assert_eq!(step(k, &[], "cytoken", false).unwrap(), Step::Add);
        assert_eq!(
            step(k, &v(&["", "cytoken"]), "cytoken", false).unwrap(),
            Step::Unchanged
        );
        assert_eq!(
            step(k, &v(&["", "cytoken"]), "cytoken -p prod", false).unwrap(),
            Step::Replace
        );
        assert_eq!(
            step(k, &v(&["", "cytoken -p x"]), "cytoken", true).unwrap(),
            Step::Remove
        );
        assert_eq!(step(k, &[], "cytoken", true).unwrap(), Step::Absent);
        let e = step(k, &v(&["store", "cytoken"]), "cytoken", true).unwrap_err();
        assert!(e.to_string().contains("also names store"), "{e}");
        assert!(step(k, &v(&["manager"]), "cytoken", false).is_err());
    }
}
