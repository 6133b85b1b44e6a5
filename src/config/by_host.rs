//! Which profile answers a git or docker request that names none: the one
//! whose `git_hosts` / `docker_hosts` covers the request's host most
//! specifically (the rule, and its ranking: [`crate::hosts`]), read from
//! every profile's list without parsing the rest of the file.

use std::path::Path;

use super::file::{self, ConfigFile, opens_line, parse_file, table_header};
use crate::diag;
use crate::error::{Error, Result};
use crate::hosts::{self, Rank, Target};

/// Which list may pick the profile: the front-end's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostKey {
    /// `git_hosts`.
    Git,
    /// `docker_hosts`.
    Docker,
}

impl HostKey {
    /// The profile key.
    pub(crate) fn name(self) -> &'static str {
        match self {
            HostKey::Git => "git_hosts",
            HostKey::Docker => "docker_hosts",
        }
    }
}

/// A protocol request's host: what picks the profile when neither `-p` nor
/// `CYTOKEN_PROFILE` names one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ForHost<'a> {
    pub(crate) key: HostKey,
    pub(crate) target: &'a Target,
}

/// Reads the config file for `host`: the file (the chosen profile's slice
/// when that is certain, as `load_selected` reads it) and the profile whose
/// list covers the host most specifically, `None` when none does (then the
/// default profile answers).
pub(super) fn load_for_host(
    path: &Path,
    host: ForHost<'_>,
    home: Option<&Path>,
) -> Result<(ConfigFile, Option<String>)> {
    let text = file::read_config(path, home)?;
    let chosen = choose(&text, path, host)?;
    let file = file::parse_selected(&text, path, chosen.as_deref())?;
    Ok((file, chosen))
}

/// The profile of `text` that answers `host`; two ranking equally is a
/// configuration error naming both.
fn choose(text: &str, path: &Path, host: ForHost<'_>) -> Result<Option<String>> {
    let key = host.key.name();
    let lists = match scan(text, key) {
        Some(lists) => lists,
        None => parse_file(text, path)?
            .profiles
            .into_iter()
            .filter_map(|(name, p)| {
                let list = match host.key {
                    HostKey::Git => p.git_hosts,
                    HostKey::Docker => p.docker_hosts,
                };
                Some((name, list?))
            })
            .collect(),
    };
    let mut best: Option<(Rank, &str)> = None;
    let mut tied: Vec<&str> = Vec::new();
    for (name, list) in &lists {
        let Some(rank) = hosts::rank(list, host.target) else {
            continue;
        };
        match best {
            Some((b, _)) if rank < b => {}
            Some((b, _)) if rank == b => tied.push(name),
            _ => {
                best = Some((rank, name));
                tied.clear();
            }
        }
    }
    let Some((_, name)) = best else {
        return Ok(None);
    };
    if !tied.is_empty() {
        let names: Vec<String> = std::iter::once(name)
            .chain(tied)
            .map(|n| format!("'{n}'"))
            .collect();
        return Err(Error::config(format!(
            "{}: profiles {} answer {} with equally specific {key} entries: make one more \
             specific (host:port over host over *.suffix) or remove one, or name the profile \
             (-p NAME or CYTOKEN_PROFILE)",
            path.display(),
            names.join(" and "),
            host.target,
        )));
    }
    diag::log(
        1,
        format_args!(
            "config: profile '{name}' answers {} (its {key})",
            host.target
        ),
    );
    Ok(Some(name.to_string()))
}

/// Every `[profiles.NAME]` table's `key` list, read from those statements
/// alone. `None` when that is not certain to be what a whole parse reads
/// (then the caller parses the whole file): each occurrence of the key's
/// name must open a `key = […]` line in a plain `[profiles.NAME]` table,
/// with no multi-line string anywhere that could hide a line (the
/// conditions of the slice parse: `file::parse_slice`). A name in a
/// comment, a value, an inline or dotted table sends the whole file to the
/// parser.
fn scan(text: &str, key: &str) -> Option<Vec<(String, Vec<String>)>> {
    let bytes = text.as_bytes();
    let mut found = memchr::memmem::find_iter(bytes, key.as_bytes()).peekable();
    if found.peek().is_none() {
        return Some(Vec::new());
    }
    if memchr::memmem::find(bytes, b"\"\"\"").is_some()
        || memchr::memmem::find(bytes, b"'''").is_some()
    {
        return None;
    }
    let mut headers: Vec<(usize, &str)> = Vec::new();
    for at in memchr::memchr_iter(b'[', bytes) {
        if opens_line(bytes, at) {
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
            headers.push((at, table_header(&text[at..end])?));
        }
    }
    let mut statements = Vec::new();
    for at in found {
        if !opens_line(bytes, at) || !text[at + key.len()..].trim_start().starts_with('=') {
            return None;
        }
        let table = headers.iter().rev().find(|h| h.0 < at)?.1;
        let name = table
            .strip_prefix("profiles.")
            .filter(|n| !n.contains('.'))?;
        let end = at + statement_len(&text[at..]);
        statements.push((name, &text[at..end]));
    }
    statements.sort_unstable_by_key(|s| s.0);
    if statements.windows(2).all(|w| w[0].0 != w[1].0)
        && let Some(lists) = statements
            .iter()
            .map(|&(name, s)| Some((name.to_string(), super::quick::string_list(s, key)?)))
            .collect()
    {
        return Some(lists);
    }
    let mut mini = String::new();
    for (name, statement) in statements {
        mini.push_str(&format!("[profiles.{name}]\n{statement}\n"));
    }
    let parsed: Lists = toml::from_str(&mini).ok()?;
    Some(
        parsed
            .profiles
            .into_iter()
            .map(|(name, l)| (name, l.list))
            .collect(),
    )
}

/// The length of the `key = value` statement `s` starts with: to the end of
/// the line on which the value's brackets close (strings and comments
/// skipped), or of its first line when it is no array.
fn statement_len(s: &str) -> usize {
    let (mut depth, mut opened) = (0usize, false);
    let (mut quote, mut escaped, mut comment) = (None, false, false);
    for (i, c) in s.char_indices() {
        if c == '\n' {
            if !opened || depth == 0 {
                return i;
            }
            comment = false;
        } else if comment {
            // To the end of the line, brackets and quotes included.
        } else if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if q == '"' && c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
        } else {
            match c {
                '"' | '\'' => quote = Some(c),
                '#' => comment = true,
                '[' => (opened, depth) = (true, depth + 1),
                ']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    s.len()
}

/// The mini document [`scan`] builds: each profile's one list, under
/// whichever key it was.
#[derive(serde::Deserialize)]
struct Lists {
    profiles: std::collections::BTreeMap<String, List>,
}

#[derive(serde::Deserialize)]
struct List {
    #[serde(alias = "git_hosts", alias = "docker_hosts")]
    list: Vec<String>,
}

#[cfg(test)]
mod tests;
