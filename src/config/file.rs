//! The config file: its schema, the trusted open (whoever can write it can
//! run commands as the user), the slice parse of the selected profile, and
//! TOML errors that name the file, the line and the key without quoting a
//! secret.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{GitAuth, ScopeFormat};
use crate::error::{Error, Result};
use crate::platform;
use crate::secret::Secret;

/// Largest config file read: far above any real one (200 profiles are ~40 KiB).
const MAX_CONFIG: u64 = 4 << 20;

/// One profile as written in the config file. Unknown keys are an error.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub tenant_id: Option<String>,
    pub app_id: Option<String>,
    pub app_secret: Option<Secret>,
    pub app_secret_env: Option<String>,
    pub app_secret_file: Option<PathBuf>,
    pub app_secret_command: Option<Vec<String>>,
    pub app_secret_keyring: Option<String>,
    pub region: Option<String>,
    pub auth_url: Option<String>,
    /// The API base for `cytoken api` (default: the origin of auth_url).
    pub api_url: Option<String>,
    pub flow: Option<super::Flow>,
    pub scopes: Option<Vec<String>>,
    pub lifetime: Option<u64>,
    pub source: Option<String>,
    pub min_valid: Option<u64>,
    pub refresh_margin: Option<u64>,
    pub issuer: Option<String>,
    pub scope_format: Option<ScopeFormat>,
    pub extra_claims: Option<serde_json::Map<String, serde_json::Value>>,
    pub username: Option<String>,
    pub git_auth: Option<GitAuth>,
    pub git_hosts: Option<Vec<String>>,
    pub docker_hosts: Option<Vec<String>>,
    pub ca_file: Option<PathBuf>,
    pub log_file: Option<PathBuf>,
    pub timeout: Option<u64>,
    pub lock_timeout: Option<u64>,
}

/// The config file.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// Reads and parses a config file. The error carries the file, the line and the
/// offending key (toml's message names both).
pub(crate) fn load_file(path: &Path, home: Option<&Path>) -> Result<ConfigFile> {
    parse_file(&read_config(path, home)?, path)
}

/// Reads a config file we can trust. Whoever can write it can make cytoken run
/// a command as this user (`app_secret_command`) or send freshly signed auth
/// tokens to their own server (`auth_url`), whatever the secret source: so, as
/// ssh does, refuse a file (or a directory holding it) that others can write,
/// and a file owned by another user (root excepted). Checked on the open
/// handle, so the file cannot be swapped between the check and the read.
pub(super) fn read_config(path: &Path, home: Option<&Path>) -> Result<String> {
    let file = open_config(path, home)?;
    read_text(file, path)
}

fn cannot_read(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| {
        Error::config(format!("cannot read config file {}: {e}", path.display())).with_source(e)
    }
}

/// Opens a config file and checks it can be trusted (see [`read_config`]):
/// the file and every directory above it, as ssh checks its config
/// (`platform::trusted_file`).
fn open_config(path: &Path, home: Option<&Path>) -> Result<std::fs::File> {
    platform::open_trusted(path, home).map_err(|e| match e {
        platform::OpenTrusted::Io(e) => cannot_read(path)(e),
        platform::OpenTrusted::Untrusted(u) => Error::config(format!(
            "config file {} cannot be trusted: {u}: anyone who can change it can run commands \
             as you through app_secret_command; {}",
            path.display(),
            fix_with_chmod_600(&u, path)
        )),
    })
}

/// The fix for an untrusted config: for the file itself, `chmod 600` (which
/// also keeps an inline secret private).
fn fix_with_chmod_600(u: &platform::Untrusted, path: &Path) -> String {
    if u.path == path && matches!(u.why, platform::Why::Writable(_)) {
        format!("run {}", platform::private_fix(path))
    } else {
        u.fix()
    }
}

fn read_text(file: std::fs::File, path: &Path) -> Result<String> {
    let text = crate::secret::read_capped(file, MAX_CONFIG).map_err(cannot_read(path))?;
    if text.len() as u64 > MAX_CONFIG {
        return Err(Error::config(format!(
            "config file {} is larger than {} KiB: is it the right file?",
            path.display(),
            MAX_CONFIG / 1024
        )));
    }
    Ok(text)
}

/// Reads a config file for one selection. A file of many profiles is parsed
/// only in the parts this selection needs (the top level, and the tables of
/// the wanted profile): parsing 200 profiles would cost more than everything
/// else a cached call does. Whenever that shortcut cannot be trusted — the
/// profile is not found, or the slice does not parse — the whole file is
/// parsed, so every error is still reported with its line. (Mistakes in other
/// profiles surface when those are used, and in `cytoken check`.)
pub fn load_selected(
    path: &Path,
    requested: Option<&str>,
    home: Option<&Path>,
) -> Result<ConfigFile> {
    parse_selected(&read_config(path, home)?, path, requested)
}

/// Parses `text` (the file at `path`) for the profile `requested` (else the
/// default one) as [`load_selected`] does: its slice when that is certain,
/// else the whole file.
pub(super) fn parse_selected(
    text: &str,
    path: &Path,
    requested: Option<&str>,
) -> Result<ConfigFile> {
    match parse_slice(text, requested) {
        Some(parsed) => Ok(parsed),
        None => parse_file(text, path),
    }
}

/// The name of the table a header line opens (`[profiles.prod]  # x` →
/// `profiles.prod`), for plain dotted names only; `None` for any other line.
/// `line` starts at its `[`. Bytes, not chars: this runs for every table of a
/// large file on every call.
pub(super) fn table_header(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    let close = bytes.iter().position(|&b| b == b']')?;
    let name = &bytes[1..close];
    let plain = !name.is_empty()
        && name
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    let after = bytes[close + 1..].trim_ascii_start();
    (plain && (after.is_empty() || after[0] == b'#')).then(|| &line[1..close])
}

/// Whether the `[` at `at` opens its line (only whitespace before it): the
/// bytes before it are walked back only while they are blanks, so a `[` inside
/// a line (`scopes = [`) costs one comparison.
pub(super) fn opens_line(bytes: &[u8], at: usize) -> bool {
    bytes[..at]
        .iter()
        .rev()
        .find(|&&b| b == b'\n' || !b.is_ascii_whitespace())
        .is_none_or(|&b| b == b'\n')
}

/// The profile a `profiles.<name>[.…]` table belongs to.
fn profile_of(header: &str) -> Option<&str> {
    let rest = header.strip_prefix("profiles.")?;
    Some(rest.find('.').map_or(rest, |dot| &rest[..dot]))
}

/// Parses everything but other profiles' tables; `None` when that is not
/// certain to be right (then the caller parses the whole file).
pub(super) fn parse_slice(text: &str, requested: Option<&str>) -> Option<ConfigFile> {
    let bytes = text.as_bytes();
    // Lines are only certain to be table headers when no multi-line string can
    // hide one (and, below, every line opening with `[` is a plain header: not
    // an array of tables, a quoted name or an array's continuation). memchr's
    // vectorised searches keep this well below the cost of the parse it saves.
    if memchr::memmem::find(bytes, b"\"\"\"").is_some()
        || memchr::memmem::find(bytes, b"'''").is_some()
    {
        return None;
    }
    // Where each table starts and its name, so the wanted profile's tables can
    // be picked afterwards.
    let mut headers: Vec<(usize, &str)> = Vec::new();
    for at in memchr::memchr_iter(b'[', bytes) {
        if !opens_line(bytes, at) {
            continue; // an array inside a line, not a table
        }
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
        headers.push((start, table_header(&text[at..end])?));
    }
    let top = &text[..headers.first().map_or(text.len(), |h| h.0)];
    let wanted = match requested {
        Some(name) => name.to_string(),
        // The top level, before the first table, names the default profile.
        None => quick_or_toml(top, "")?
            .default_profile
            .unwrap_or_else(|| "default".into()),
    };
    let mut slice = String::from(top);
    for (n, &(start, header)) in headers.iter().enumerate() {
        if profile_of(header).is_none_or(|p| p == wanted) {
            let end = headers.get(n + 1).map_or(text.len(), |h| h.0);
            slice.push_str(&text[start..end]);
        }
    }
    let file = quick_or_toml(&slice, &wanted)?;
    file.profiles.contains_key(&wanted).then_some(file)
}

/// A slice read by [`super::quick`] when it is within that reader's subset,
/// else parsed by toml; `None` when neither can.
fn quick_or_toml(slice: &str, wanted: &str) -> Option<ConfigFile> {
    super::quick::read(slice, wanted).or_else(|| toml::from_str(slice).ok())
}

/// For toml's "unknown field `scopess`, expected one of `a`, `b`, …": the
/// closest known key, when one is close enough to be the one meant.
fn did_you_mean(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (typo, expected) = rest.split_once('`')?;
    near_miss(typo, expected).map(|k| format!("; did you mean `{k}`?"))
}

/// The name in the backticked list `expected` closest to `typo`, when it is
/// close enough to be the one meant.
fn near_miss<'a>(typo: &str, expected: &'a str) -> Option<&'a str> {
    let best = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|k| (edit_distance(typo, k), k))
        .min()?;
    (best.0 <= 2.max(typo.len() / 3)).then_some(best.1)
}

/// Lowercase letters and `_` only, at most 32: a secret (random, with digits
/// or capitals) never is.
fn looks_like_a_key(name: &str) -> bool {
    (1..=32).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// toml's message without the values it quotes: a `string "…"` (or an
/// `integer`, a `floating point`…) may be the
/// secret pasted into the wrong key, and the name in `unknown field` or
/// `unknown variant` may be the secret pasted as a key or a value. That name
/// is kept only when it looks like a key (see [`looks_like_a_key`]) or is a
/// near miss of one toml expected (a typo, which [`did_you_mean`] corrects).
fn hide_values(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut chars = msg.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '"' {
            // Up to the closing quote, escapes skipped; an unclosed one hides
            // the rest.
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => break,
                    _ => {}
                }
            }
            out.push_str("…\"");
        }
    }
    // serde writes other values in backticks: `integer `98765`` may be a
    // secret's digits in the wrong key too.
    for kind in ["integer `", "floating point `", "character `", "boolean `"] {
        while let Some(at) = out.find(kind) {
            let start = at + kind.len();
            let Some(len) = out[start..].find('`') else {
                break;
            };
            out.replace_range(at..=start + len, kind.trim_end_matches(" `"));
        }
    }
    for prefix in ["unknown field `", "unknown variant `"] {
        if let Some((name, tail)) = out.strip_prefix(prefix).and_then(|r| r.split_once('`'))
            && !looks_like_a_key(name)
            && near_miss(name, tail).is_none()
        {
            out = format!("{prefix}…`{tail}");
        }
    }
    out
}

/// Where every key is described, for the unknown-key error.
const KEYS_ARE_IN: &str = "every key: `man cytoken-config`";

/// toml's "unknown field `x`, expected one of …" (every key, some 500
/// characters) as one short line, the suggestion first: "unknown key `x`;
/// did you mean `y`? (every key: …)". Any other message gets the suggestion
/// appended.
fn unknown_key(msg: String, hint: Option<String>) -> String {
    let hint = hint.unwrap_or_default();
    match msg
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
    {
        Some((name, _)) => format!("unknown key `{name}`{hint} ({KEYS_ARE_IN})"),
        None => msg + &hint,
    }
}

/// The keys whose value is a list of strings.
const LIST_KEYS: [&str; 3] = ["scopes", "git_hosts", "docker_hosts"];

/// For a list key given one string (`scopes = "device:list"`), the fix:
/// `scopes is a list: write scopes = ["device:list"]`. The value is quoted
/// back only when it has the shape of a scope or host (lowercase letters,
/// digits and `.:*,-/_`, with a `:` or `.`: never a secret's); commas split
/// it into items.
fn as_list(key: &str, toml_message: &str, line: &str) -> Option<String> {
    if !LIST_KEYS.contains(&key) || !toml_message.starts_with("invalid type: string") {
        return None;
    }
    // The first quoted string after `=` (a comment may follow it).
    let value = line
        .split_once('=')
        .and_then(|(_, v)| {
            let v = v.trim_start();
            let quote = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            v[1..].split(quote).next()
        })
        .filter(|v| {
            (1..=200).contains(&v.len())
                && v.contains([':', '.'])
                && v.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b".:*,-/_ ".contains(&b)
                })
        });
    let items: Vec<String> = match value {
        Some(v) => v
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(|i| format!("\"{i}\""))
            .collect(),
        None => match key {
            "scopes" => vec!["\"device:list\"".into(), "\"policy:read\"".into()],
            "git_hosts" => vec!["\"git.example.com\"".into()],
            _ => vec!["\"registry.example.com\"".into()],
        },
    };
    Some(format!(
        "{key} is a list: write {key} = [{}]",
        items.join(", ")
    ))
}

/// Levenshtein distance (keys are short ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The keys that name the secret or where it comes from.
const SECRET_KEYS: [&str; 5] = [
    "app_secret",
    "app_secret_env",
    "app_secret_file",
    "app_secret_command",
    "app_secret_keyring",
];

/// Every key of the file and of a profile: the names of the reference table
/// ([`super::reference::REFERENCE`], held to the schema by its tests), the
/// only words of an offending line an error names as its key.
pub const KEYS: [&str; super::reference::REFERENCE.len()] = super::reference::key_names();

/// What a secret key's value must look like, for its error message.
fn secret_key_shape(key: &str) -> &'static str {
    match key {
        "app_secret" => "it must be a quoted string",
        "app_secret_env" => "it must be the quoted NAME of a variable that holds the secret",
        "app_secret_file" => "it must be the quoted path of a file that holds the secret",
        "app_secret_keyring" => "it must be the quoted name of the secret's keyring entry",
        "app_secret_command" => {
            "it must be an argv array such as [\"pass\", \"show\", \"cylance/prod\"]"
        }
        _ => "see the README for the secret keys",
    }
}

/// Parses config text; `path` only names the file in errors.
pub fn parse_file(text: &str, path: &Path) -> Result<ConfigFile> {
    // The TOML error is not kept as the cause: its text quotes the file's
    // line, which may hold a credential; its message and line are enough.
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let raw = e.message().replace('\n', " ");
        let hint = did_you_mean(&raw);
        let mut msg = hide_values(&raw);
        // toml names the key for unknown fields but not for a wrong type: take it
        // from the offending line, so the message always says which key to fix.
        if let Some(span) = e.span() {
            let before = &text[..span.start.min(text.len())];
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let line = text[start..].lines().next().unwrap_or("");
            // Anything after a `"""` or `'''` may be inside a multi-line
            // string, maybe the secret (counting them cannot tell: a comment
            // may hold one): neither the line nor toml's words about it
            // (which may quote it) are shown.
            let after_multiline = before.contains("\"\"\"") || before.contains("'''");
            // A secret key anywhere on the line, however written (quoted,
            // dotted, in an inline table): toml quotes offending values, and
            // there that could be the secret itself (also in the wrong key).
            let secret_key = SECRET_KEYS
                .iter()
                .filter(|k| line.contains(*k))
                .max_by_key(|k| k.len());
            // Only one of our own keys is named from the line: any other text
            // before `=` may be part of a value.
            let key = line
                .split_once('=')
                .map(|(k, _)| k.trim())
                .filter(|k| KEYS.contains(k));
            if after_multiline {
                msg = "malformed value, maybe in a multi-line string (not shown: it may be \
                       the secret); check its escapes and closing quotes, or use a literal \
                       ''' string"
                    .into();
            } else if let Some(key) = secret_key {
                msg = format!(
                    "{key}: malformed value (not shown: it may be the secret); {}",
                    secret_key_shape(key)
                );
            } else if let Some(key) = key
                && let Some(list) = as_list(key, &raw, line)
            {
                msg = list;
            } else if let Some(key) = key
                && !msg.contains(key)
            {
                msg = format!("{key}: {msg}");
            }
        }
        msg = unknown_key(msg, hint);
        // One line, and no terminal control codes from the file's text.
        let msg: String = msg
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect();
        match line {
            Some(l) => Error::config(format!("{}:{l}: {msg}", path.display())),
            None => Error::config(format!("{}: {msg}", path.display())),
        }
    })
}
