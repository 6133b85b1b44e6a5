//! `cytoken setup docker`: `credHelpers` entries (`"HOST": "cytoken"`) in
//! `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`), merged
//! into the file: every other key kept as written and in its place, the file
//! replaced atomically (private temp file, rename).

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{exact_hosts, named_profile, undo_and_helper, wanted_hosts};
use crate::cache::files;
use crate::error::{Error, Result};
use crate::invocation::Invocation;
use crate::output::out;
use crate::platform;

/// Largest docker config read: far above a real one (auths included).
const MAX_FILE: u64 = 4 << 20;

/// The helper docker runs as `docker-credential-cytoken` (docker passes no
/// arguments: the profile comes from `docker_hosts`).
const HELPER: &str = "cytoken";

/// A JSON object's members in their order, values untouched.
struct Members<V>(Vec<(String, V)>);

impl<'de, V: serde::Deserialize<'de>> serde::Deserialize<'de> for Members<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Ordered<V>(std::marker::PhantomData<V>);
        impl<'de, V: serde::Deserialize<'de>> Visitor<'de> for Ordered<V> {
            type Value = Members<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(kv) = m.next_entry()? {
                    out.push(kv);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(Ordered(std::marker::PhantomData))
    }
}

pub(super) fn run(
    inv: &Invocation,
    given: &[String],
    remove: bool,
    w: &mut dyn Write,
) -> Result<i32> {
    let profile = named_profile(inv)?;
    let patterns = wanted_hosts(
        inv,
        given,
        profile.as_deref(),
        "docker_hosts",
        "--registry",
        |p| p.docker_hosts.as_ref(),
    )?;
    // docker names a registry by host[:port]; plain http is its own setting
    // (insecure-registries), not part of the key.
    let hosts: Vec<String> = exact_hosts(&patterns, "docker", "--registry")?
        .into_iter()
        .map(|(_, h)| h)
        .collect();
    let path = config_path(inv)?;
    let old = read(&path)?;
    let (top, mut helpers) = split(old.as_deref(), &path)?;
    let mut text = String::new();
    let mut changed = false;
    for h in &hosts {
        let at = helpers.iter().position(|(k, _)| k == h);
        let current = at.map(|i| helpers[i].1.as_str().map(String::from));
        match (remove, current) {
            (false, Some(Some(v))) if v == HELPER => {
                text.push_str(&format!("unchanged credHelpers[{h}] = {HELPER}\n"));
            }
            (true, None) => text.push_str(&format!("unchanged credHelpers[{h}] (not set)\n")),
            (_, Some(other)) if other.as_deref() != Some(HELPER) => {
                return Err(Error::usage(format!(
                    "{}: credHelpers sends {h} to {}, not cytoken: nothing changed; remove that \
                     entry first if cytoken is to serve it",
                    path.display(),
                    other.map_or_else(|| "a non-string value".into(), |o| format!("'{o}'"))
                )));
            }
            (false, _) => {
                helpers.push((h.clone(), HELPER.into()));
                changed = true;
                text.push_str(&format!("set credHelpers[{h}] = {HELPER}\n"));
            }
            (true, Some(_)) => {
                helpers.retain(|(k, _)| k != h);
                changed = true;
                text.push_str(&format!("removed credHelpers[{h}]\n"));
            }
        }
    }
    if changed {
        write(
            &path,
            &join(&top, &helpers)?,
            inv.env().home_dir().as_deref(),
        )?;
        text.push_str(&format!("in {}\n", path.display()));
    }
    if profile.is_some() && !remove {
        text.push_str(
            "note: docker passes no arguments to a helper, so not -p either: cytoken answers \
             these registries with the profile their docker_hosts select\n",
        );
    }
    if !remove {
        let args: Vec<String> = hosts
            .iter()
            .flat_map(|h| ["--registry".to_string(), h.clone()])
            .collect();
        undo_and_helper(&mut text, profile.as_deref(), "docker", &args);
    }
    out(w, format_args!("{text}"))
}

/// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
fn config_path(inv: &Invocation) -> Result<PathBuf> {
    let dir = match inv.env().get("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => inv
            .env()
            .home_dir()
            .ok_or_else(|| Error::config("no home directory: set DOCKER_CONFIG"))?
            .join(".docker"),
    };
    Ok(dir.join("config.json"))
}

fn read(path: &Path) -> Result<Option<String>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::config(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    let mut text = String::new();
    file.take(MAX_FILE + 1)
        .read_to_string(&mut text)
        .map_err(|e| Error::config(format!("cannot read {}: {e}", path.display())))?;
    if text.len() as u64 > MAX_FILE {
        return Err(Error::config(format!(
            "{} is too large to be a docker config",
            path.display()
        )));
    }
    Ok(Some(text))
}

/// The top-level members (raw, in order) and the `credHelpers` entries.
type Split = (
    Vec<(String, Box<RawValue>)>,
    Vec<(String, serde_json::Value)>,
);

fn split(text: Option<&str>, path: &Path) -> Result<Split> {
    let bad = |e: serde_json::Error| {
        Error::config(format!(
            "{} is not a JSON object ({e}): fix it, then run this again",
            path.display()
        ))
    };
    let text = text.filter(|t| !t.trim().is_empty()).unwrap_or("{}");
    let Members(top) = serde_json::from_str::<Members<Box<RawValue>>>(text).map_err(bad)?;
    let helpers = match top.iter().find(|(k, _)| k == "credHelpers") {
        Some((_, raw)) => {
            serde_json::from_str::<Members<serde_json::Value>>(raw.get())
                .map_err(bad)?
                .0
        }
        None => Vec::new(),
    };
    Ok((top, helpers))
}

/// The file again: every member as it was, `credHelpers` rewritten in its
/// place (appended when new, dropped when left empty).
fn join(
    top: &[(String, Box<RawValue>)],
    helpers: &[(String, serde_json::Value)],
) -> Result<String> {
    let key = |k: &str| serde_json::to_string(k).unwrap_or_default();
    let mut helper_text = String::from("{");
    for (i, (k, v)) in helpers.iter().enumerate() {
        helper_text.push_str(if i == 0 { "\n\t\t" } else { ",\n\t\t" });
        helper_text.push_str(&format!("{}: {v}", key(k)));
    }
    helper_text.push_str("\n\t}");
    let mut members: Vec<(String, String)> = top
        .iter()
        .filter(|(k, _)| k != "credHelpers" || !helpers.is_empty())
        .map(|(k, v)| {
            let v = if k == "credHelpers" {
                helper_text.clone()
            } else {
                v.get().to_string()
            };
            (k.clone(), v)
        })
        .collect();
    if !helpers.is_empty() && !top.iter().any(|(k, _)| k == "credHelpers") {
        members.push(("credHelpers".into(), helper_text));
    }
    let mut text = String::from("{");
    for (i, (k, v)) in members.iter().enumerate() {
        text.push_str(if i == 0 { "\n\t" } else { ",\n\t" });
        text.push_str(&format!("{}: {v}", key(k)));
    }
    text.push_str(if members.is_empty() { "}\n" } else { "\n}\n" });
    // What is written must read back as the JSON object docker expects.
    serde_json::from_str::<serde_json::Value>(&text).map_err(|e| {
        Error::other(format!(
            "cytoken built a bad docker config ({e}); nothing written"
        ))
    })?;
    Ok(text)
}

/// Replaces the file atomically, its directory made (private) when missing.
fn write(path: &Path, text: &str, home: Option<&Path>) -> Result<()> {
    let cannot =
        |e: &dyn fmt::Display| Error::config(format!("cannot write {}: {e}", path.display()));
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(cannot(&"it names no file"));
    };
    platform::create_private_dir_checked(dir, home).map_err(|e| cannot(&e))?;
    let dir = platform::open_parent(dir, home).map_err(|e| cannot(&e))?;
    files::write_atomic_in(&dir, name, text.as_bytes()).map_err(|e| cannot(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_members_are_kept_as_written_and_in_place() {
        let old = r#"{"auths": {"z.io": {}, "a.io": {"auth": "eA=="}}, "credHelpers": {"gcr.io": "gcloud"}, "psFormat": "x"}"#;
        let (top, mut helpers) = split(Some(old), Path::new("c")).unwrap();
        helpers.push(("r.example.com".into(), "cytoken".into()));
        let text = join(&top, &helpers).unwrap();
        assert!(
            text.contains(r#""auths": {"z.io": {}, "a.io": {"auth": "eA=="}}"#),
            "{text}"
        );
        let order: Vec<usize> = [
            "auths",
            "credHelpers",
            "psFormat",
            "gcr.io",
            "r.example.com",
        ]
        .iter()
        .map(|k| text.find(k).unwrap())
        .collect();
        assert!(
            order[0] < order[1] && order[1] < order[2] && order[3] < order[4],
            "{text}"
        );
        helpers.clear();
        let text = join(&top, &helpers).unwrap();
        assert!(
            !text.contains("credHelpers") && text.contains("psFormat"),
            "{text}"
        );
        assert_eq!(join(&[], &[]).unwrap(), "{}\n");
        assert!(split(Some("[1]"), Path::new("c")).is_err());
    }
}
