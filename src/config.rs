//! Configuration: the TOML file, `CYTOKEN_*` environment and flags merged into one
//! validated [`Selection`] (flag > environment > profile > default).
//!
//! Everything that can be wrong with a selection is caught here, before any network
//! call, and reported as [`Error::Config`] (exit 2) with the file, the key and the fix.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The claims cytoken always sets itself; `extra_claims` may not override them.
pub const RESERVED_CLAIMS: [&str; 7] = ["exp", "iat", "iss", "sub", "tid", "jti", "scp"];
/// The service honours at most 30 minutes between `iat` and `exp`.
pub const MAX_LIFETIME: u64 = 1800;
/// The issuer the real service expects.
pub const DEFAULT_ISSUER: &str = "http://cylance.com";
/// Path of the token endpoint below every regional host.
pub const TOKEN_PATH: &str = "/auth/v2/token";
/// Largest config file read: far above any real one (200 profiles are ~40 KiB).
const MAX_CONFIG: u64 = 4 << 20;

/// Region codes (and the python-cyapi aliases) and their API hosts.
const REGIONS: [(&str, &[&str], &str); 6] = [
    ("na", &["na"], "https://protectapi.cylance.com"),
    ("apne1", &["apn"], "https://protectapi-apne1.cylance.com"),
    ("au", &["aps"], "https://protectapi-au.cylance.com"),
    ("euc1", &["eu"], "https://protectapi-euc1.cylance.com"),
    ("sae1", &["sa"], "https://protectapi-sae1.cylance.com"),
    ("us-gov", &["gov"], "https://protectapi.us.cylance.com"),
];

/// The auth URL of a region code (`euc1`) or python-cyapi alias (`EU`), case-insensitive.
pub fn region_url(region: &str) -> Result<String> {
    let wanted = region.trim().to_ascii_lowercase();
    REGIONS
        .iter()
        .find(|(code, aliases, _)| *code == wanted || aliases.contains(&wanted.as_str()))
        .map(|(_, _, host)| format!("{host}{TOKEN_PATH}"))
        .ok_or_else(|| {
            Error::config(format!(
                "unknown region '{region}': use one of na, apne1, au, euc1, sae1, us-gov \
                 (or NA, APN, APS, EU, SA, GOV), or set auth_url"
            ))
        })
}

/// How `scp` is encoded in the auth token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScopeFormat {
    /// A JSON array, as in the vendor's example (default).
    List,
    /// A comma-delimited string, as in the vendor's claims table.
    String,
}

/// Which git credential form to answer with (DESIGN §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GitAuth {
    Auto,
    Bearer,
    Basic,
}

/// The app secret. Its `Debug` never shows it and its memory is overwritten when
/// dropped, so it cannot reach a log line or linger after use.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: String) -> Secret {
        Secret(s)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        bytes.fill(0);
        // Keep the zeroing from being optimised away as a dead store.
        std::hint::black_box(&bytes);
    }
}

/// Where the app secret comes from. Exactly one per selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// The named environment variable (`CYTOKEN_APP_SECRET` or `app_secret_env`).
    Env(String),
    /// A file read whole, trailing newline trimmed; must be private.
    File(PathBuf),
    /// An argv run without a shell; its first stdout line is the secret.
    Command(Vec<String>),
    /// Inline `app_secret` in a private config file.
    Inline(Secret),
}

impl SecretSource {
    /// A short description for reports and errors (never the secret).
    pub fn describe(&self) -> String {
        match self {
            SecretSource::Env(v) => format!("environment variable {v}"),
            SecretSource::File(p) => format!("file {}", p.display()),
            SecretSource::Command(argv) => format!("command {}", argv.join(" ")),
            SecretSource::Inline(_) => "app_secret in the config file".to_string(),
        }
    }

    /// Material that identifies the secret for the cache key without running
    /// anything: the secret itself for cheap sources, the argv for a command
    /// (running a password manager on every cached call would defeat the cache).
    pub fn fingerprint_material(&self) -> Result<Option<Secret>> {
        match self {
            SecretSource::Command(_) => Ok(None),
            _ => self.resolve(Duration::ZERO).map(Some),
        }
    }

    /// Reads the secret. `budget` bounds an `app_secret_command`: a password
    /// manager waiting for a prompt nobody answers must not hang git or kubectl.
    pub fn resolve(&self, budget: Duration) -> Result<Secret> {
        let raw = match self {
            SecretSource::Env(var) => std::env::var(var).map_err(|_| {
                Error::config(format!(
                    "the app secret variable {var} is not set or not valid UTF-8: export it, \
                     or configure app_secret_file or app_secret_command"
                ))
            })?,
            SecretSource::File(path) => read_secret_file(path)?,
            SecretSource::Command(argv) => run_secret_command(argv, budget)?,
            SecretSource::Inline(s) => s.expose().to_string(),
        };
        let secret = Secret::new(raw);
        if secret.expose().trim().is_empty() {
            return Err(Error::config(format!(
                "the app secret from {} is empty: put the application's secret there",
                self.describe()
            )));
        }
        Ok(secret)
    }
}

/// Refuses a file readable by group or others, as ssh does with private keys: a
/// secret anyone on the machine can read is a leaked secret.
pub fn check_private(path: &Path, what: &str) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::config(format!("cannot read {what} {}: {e}", path.display())))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Error::config(format!(
            "{what} {} holds the app secret but is readable by others (mode {mode:03o}): \
             run `chmod 600 {}`",
            path.display(),
            path.display()
        )));
    }
    Ok(())
}

fn read_secret_file(path: &Path) -> Result<String> {
    check_private(path, "app_secret_file")?;
    let mut s = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(64 * 1024).read_to_string(&mut s))
        .map_err(|e| {
            Error::config(format!(
                "cannot read app_secret_file {}: {e}",
                path.display()
            ))
        })?;
    let trimmed = s.trim_end_matches(['\n', '\r']).to_string();
    drop(Secret::new(s)); // overwrite the untrimmed copy
    Ok(trimmed)
}

fn run_secret_command(argv: &[String], budget: Duration) -> Result<String> {
    use std::io::BufRead;
    use std::os::unix::process::CommandExt;
    let cmd = argv.join(" ");
    let fail = |why: String| {
        Error::config(format!(
            "app_secret_command `{cmd}` {why}: fix the command or run it by hand to see why"
        ))
    };
    let deadline = Instant::now() + budget;
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        // Its own process group, so a timeout also ends whatever it started.
        .process_group(0)
        .spawn()
        .map_err(|e| fail(format!("could not start ({e})")))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    // Only the first line is the secret. Read it on a thread and never wait for
    // EOF: a helper that leaves a background process holding stdout open must
    // not hang git or kubectl past the budget.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = std::io::BufReader::new(stdout.take(64 * 1024));
        let mut line = String::new();
        let read = reader.read_line(&mut line).map(|_| line);
        let _ = tx.send(read);
        // Keep draining so the command is never killed by a broken pipe.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let timed_out = |child: &mut std::process::Child| {
        crate::sys::kill_group(child.id());
        let _ = child.wait();
        fail(format!(
            "did not finish within {} s (the `timeout` setting)",
            budget.as_secs()
        ))
    };
    let line = match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(Ok(line)) => line,
        Ok(Err(_)) => return Err(fail("printed non-UTF-8 output".into())),
        Err(_) => return Err(timed_out(&mut child)),
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => return Err(timed_out(&mut child)),
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(fail(format!("could not be waited for ({e})"))),
        }
    };
    let first = line.trim_end_matches(['\n', '\r']).to_string();
    drop(Secret::new(line));
    if !status.success() {
        return Err(fail(format!("failed ({status})")));
    }
    if first.is_empty() {
        return Err(fail("printed nothing".into()));
    }
    Ok(first)
}

/// One profile as written in the config file. Unknown keys are an error.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub tenant_id: Option<String>,
    pub app_id: Option<String>,
    /// Never serialised: only the parsed-config memo is written, and it is not
    /// written at all for a profile with an inline secret.
    #[serde(skip_serializing)]
    pub app_secret: Option<Secret>,
    pub app_secret_env: Option<String>,
    pub app_secret_file: Option<PathBuf>,
    pub app_secret_command: Option<Vec<String>>,
    pub region: Option<String>,
    pub auth_url: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub lifetime: Option<u64>,
    pub refresh_margin: Option<u64>,
    pub issuer: Option<String>,
    pub scope_format: Option<ScopeFormat>,
    pub extra_claims: Option<serde_json::Map<String, serde_json::Value>>,
    pub username: Option<String>,
    pub git_auth: Option<GitAuth>,
    pub git_hosts: Option<Vec<String>>,
    pub docker_hosts: Option<Vec<String>>,
    pub ca_file: Option<PathBuf>,
    pub timeout: Option<u64>,
    pub lock_timeout: Option<u64>,
}

/// The config file.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// What the command line says about the selection (already parsed by clap).
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub profile: Option<String>,
    pub config: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    pub tenant_id: Option<String>,
    pub app_id: Option<String>,
    pub region: Option<String>,
    pub auth_url: Option<String>,
    pub scopes: Vec<String>,
    pub lifetime: Option<u64>,
}

/// A fully merged and validated selection: everything needed to mint, cache and
/// serve one kind of token.
#[derive(Debug, Clone)]
pub struct Selection {
    pub profile: String,
    /// The config file the profile came from, if any.
    pub config_path: Option<PathBuf>,
    pub tenant_id: String,
    pub app_id: String,
    pub secret: SecretSource,
    pub auth_url: String,
    pub scopes: Vec<String>,
    pub scope_format: ScopeFormat,
    pub lifetime: i64,
    /// Effective margin: never more than half the lifetime, so a short lifetime
    /// still yields a token that is served from the cache for a while.
    pub refresh_margin: i64,
    pub issuer: String,
    pub extra_claims: serde_json::Map<String, serde_json::Value>,
    pub username: String,
    pub git_auth: GitAuth,
    pub git_hosts: Option<Vec<String>>,
    pub docker_hosts: Option<Vec<String>>,
    pub ca_file: Option<PathBuf>,
    pub timeout: Duration,
    pub lock_timeout: Duration,
    pub cache_dir: PathBuf,
}

impl Selection {
    /// Reads the selection's secret, bounded by its `timeout`.
    pub fn resolve_secret(&self) -> Result<Secret> {
        self.secret.resolve(self.timeout)
    }
}

/// The default config file: `<config dir>/cytoken/config.toml`.
pub fn default_config_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("cytoken").join("config.toml"))
}

/// The cache dir (flag > environment > default). Not a profile setting, so it
/// is known even when the config is broken (`cache path`, `cache clear --all`).
pub fn cache_dir(flags: &Flags, env: Env) -> Result<PathBuf> {
    flags
        .cache_dir
        .clone()
        .or_else(|| env("CYTOKEN_CACHE_DIR").map(PathBuf::from))
        .or_else(default_cache_dir)
        .ok_or_else(|| {
            Error::config(
                "cannot find a cache directory (no HOME?): pass --cache-dir or set \
                 CYTOKEN_CACHE_DIR",
            )
        })
}

/// The config file to read: `--config` / `CYTOKEN_CONFIG` (which must exist),
/// else the default path. `(path, explicit)`.
pub fn config_path(flags: &Flags, env: Env) -> Option<(PathBuf, bool)> {
    match flags
        .config
        .clone()
        .or_else(|| env("CYTOKEN_CONFIG").map(PathBuf::from))
    {
        Some(p) => Some((p, true)),
        None => default_config_path().map(|p| (p, false)),
    }
}

/// The default cache dir: `<cache dir>/cytoken`.
pub fn default_cache_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("cytoken"))
}

/// Reads and parses a config file. The error carries the file, the line and the
/// offending key (toml's message names both).
pub fn load_file(path: &Path) -> Result<ConfigFile> {
    parse_file(&read_config(path)?, path)
}

/// Reads a config file we can trust. Whoever can write it can make cytoken run
/// a command as this user (`app_secret_command`) or send freshly signed auth
/// tokens to their own server (`auth_url`), whatever the secret source: so, as
/// ssh does, refuse a file (or a directory holding it) that others can write,
/// and a file owned by another user (root excepted). Checked on the open
/// handle, so the file cannot be swapped between the check and the read.
fn read_config(path: &Path) -> Result<String> {
    let (file, _) = open_config(path)?;
    read_text(file, path)
}

fn cannot_read(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::config(format!("cannot read config file {}: {e}", path.display()))
}

/// Opens a config file and checks it can be trusted (see [`read_config`]).
fn open_config(path: &Path) -> Result<(std::fs::File, std::fs::Metadata)> {
    use std::os::unix::fs::MetadataExt;
    let cannot = cannot_read(path);
    let file = std::fs::File::open(path).map_err(&cannot)?;
    let meta = file.metadata().map_err(&cannot)?;
    let me = crate::sys::euid();
    if meta.uid() != me && meta.uid() != 0 {
        return Err(Error::config(format!(
            "config file {} is owned by uid {}, not by you: anyone who controls it controls \
             your tokens; use a file of your own (`cp` it, then `chmod 600`)",
            path.display(),
            meta.uid()
        )));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(Error::config(format!(
            "config file {} is writable by others (mode {:03o}): anyone who can write it can \
             run commands as you through app_secret_command; run `chmod 600 {}`",
            path.display(),
            meta.mode() & 0o777,
            path.display()
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = std::fs::metadata(dir)
        && d.mode() & 0o002 != 0
        && d.mode() & 0o1000 == 0
    {
        return Err(Error::config(format!(
            "the directory of config file {} is writable by everyone: anyone could replace \
             the file; run `chmod 700 {}`",
            path.display(),
            dir.display()
        )));
    }
    Ok((file, meta))
}

fn read_text(file: std::fs::File, path: &Path) -> Result<String> {
    let mut text = String::new();
    file.take(MAX_CONFIG + 1)
        .read_to_string(&mut text)
        .map_err(cannot_read(path))?;
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
pub fn load_selected(path: &Path, requested: Option<&str>) -> Result<ConfigFile> {
    load_remembered(path, requested, None)
}

/// [`load_selected`], with the parsed slice also kept in `memo_dir` (the cache
/// dir), keyed by the file's identity and change times, and reused until the
/// file changes: a cached call then reads a few hundred bytes of JSON instead
/// of the file.
pub fn load_remembered(
    path: &Path,
    requested: Option<&str>,
    memo_dir: Option<&Path>,
) -> Result<ConfigFile> {
    let (file, meta) = open_config(path)?;
    let memo = memo_dir.map(|dir| Memo::path(dir, path, requested));
    let stamp = Memo::stamp(&meta);
    if let Some(found) = memo.as_deref().and_then(|m| Memo::read(m, stamp)) {
        return Ok(found);
    }
    let text = read_text(file, path)?;
    if let Some(parsed) = parse_slice(&text, requested) {
        if let Some(m) = &memo {
            Memo::write(m, stamp, &parsed);
        }
        return Ok(parsed);
    }
    parse_file(&text, path)
}

/// A parsed config slice kept in the cache dir (`config-<hash>.json`).
#[derive(Serialize, Deserialize)]
struct Memo {
    /// The file's device, inode, size, and modification and change times (s,
    /// ns): any edit, replacement or `touch` changes one of them. (ctime cannot
    /// be set back by the user, unlike mtime.)
    stamp: [i64; 7],
    file: ConfigFile,
}

impl Memo {
    fn path(dir: &Path, config: &Path, requested: Option<&str>) -> PathBuf {
        use sha2::Digest;
        use std::os::unix::ffi::OsStrExt;
        let mut h = sha2::Sha256::new();
        // The version too: another cytoken may parse (or serialise) differently.
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update([0]);
        h.update(config.as_os_str().as_bytes());
        h.update([0]);
        h.update(requested.unwrap_or("").as_bytes());
        dir.join(format!(
            "config-{}.json",
            crate::private_file::hex(&h.finalize()[..16])
        ))
    }

    fn stamp(meta: &std::fs::Metadata) -> [i64; 7] {
        use std::os::unix::fs::MetadataExt;
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        [
            n(meta.dev()),
            n(meta.ino()),
            n(meta.size()),
            meta.mtime(),
            meta.mtime_nsec(),
            meta.ctime(),
            meta.ctime_nsec(),
        ]
    }

    /// The memo's config if it was made from the file as it is now. Read only
    /// through the cache's trust checks: it decides which endpoint gets a
    /// freshly signed auth token.
    fn read(path: &Path, stamp: [i64; 7]) -> Option<ConfigFile> {
        let bytes = crate::private_file::read_trusted(path).ok()??;
        let memo: Memo = serde_json::from_slice(&bytes).ok()?;
        (memo.stamp == stamp).then_some(memo.file)
    }

    /// Keeps a parsed slice, unless it holds an inline secret (a cache file
    /// never holds the secret) or there is no cache dir yet. Best effort: a
    /// memo that cannot be written only costs the next call a parse.
    fn write(path: &Path, stamp: [i64; 7], file: &ConfigFile) {
        let inline_secret = file.profiles.values().any(|p| p.app_secret.is_some());
        if inline_secret || !path.parent().is_some_and(Path::is_dir) {
            return;
        }
        let memo = Memo {
            stamp,
            file: file.clone(),
        };
        if let Ok(json) = serde_json::to_vec(&memo) {
            let _ = crate::private_file::write_atomic(path, &json);
        }
    }
}

/// The name of the table a line opens (`[profiles.prod]  # x` → `profiles.prod`),
/// for plain dotted names only; `None` for any other line.
fn table_header(line: &str) -> Option<&str> {
    let (name, after) = line.trim().strip_prefix('[')?.split_once(']')?;
    let after = after.trim_start();
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    (plain && (after.is_empty() || after.starts_with('#'))).then_some(name)
}

/// The profile a `profiles.<name>[.…]` table belongs to.
fn profile_of(header: &str) -> Option<&str> {
    header.strip_prefix("profiles.")?.split('.').next()
}

/// Parses everything but other profiles' tables; `None` when that is not
/// certain to be right (then the caller parses the whole file).
fn parse_slice(text: &str, requested: Option<&str>) -> Option<ConfigFile> {
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
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        if !bytes[start..at].iter().all(u8::is_ascii_whitespace) {
            continue; // an array inside a line, not a table
        }
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
        headers.push((start, table_header(&text[start..end])?));
    }
    let top = &text[..headers.first().map_or(text.len(), |h| h.0)];
    let wanted = match requested {
        Some(name) => name.to_string(),
        // The top level, before the first table, names the default profile.
        None => toml::from_str::<ConfigFile>(top)
            .ok()?
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
    let file: ConfigFile = toml::from_str(&slice).ok()?;
    file.profiles.contains_key(&wanted).then_some(file)
}

/// Parses config text; `path` only names the file in errors.
pub fn parse_file(text: &str, path: &Path) -> Result<ConfigFile> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let mut msg = e.message().replace('\n', " ");
        // toml names the key for unknown fields but not for a wrong type: take it
        // from the offending line, so the message always says which key to fix.
        if let Some(span) = e.span() {
            let start = text[..span.start.min(text.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let line = text[start..].lines().next().unwrap_or("");
            // Only a bare key: on a malformed line the text before `=` may be
            // part of a value, even of the secret.
            if let Some((key, _)) = line.split_once('=') {
                let key = key.trim();
                let bare = !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if bare && !msg.contains(key) {
                    msg = format!("{key}: {msg}");
                }
            }
            // toml quotes offending values; on the secret's line that would
            // print the secret, so say what is wrong without it.
            if line.contains("app_secret") && !line.trim_start().starts_with("app_secret_") {
                msg = "app_secret: malformed value (not shown: it is the secret); it must be \
                       a quoted string"
                    .into();
            }
        }
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

/// Looks a variable up; `None` when unset or empty.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment, with empty values treated as unset.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Selection {
    /// Merges flags, environment and the config file into a validated selection.
    pub fn resolve(flags: &Flags, env: Env) -> Result<Selection> {
        let requested = flags.profile.clone().or_else(|| env("CYTOKEN_PROFILE"));
        let (config_path, file) = match config_path(flags, env) {
            Some((p, explicit)) if explicit && !p.exists() => {
                return Err(Error::config(format!(
                    "config file {} does not exist: create it or drop --config/CYTOKEN_CONFIG",
                    p.display()
                )));
            }
            Some((p, _)) if p.exists() => {
                let memo_dir = cache_dir(flags, env).ok();
                let f = load_remembered(&p, requested.as_deref(), memo_dir.as_deref())?;
                (Some(p), Some(f))
            }
            _ => (None, None),
        };
        let (name, profile) = pick_profile(file.as_ref(), requested, config_path.as_deref(), env)?;
        Self::merge(flags, env, &name, &profile, config_path)
    }

    /// Merges flags and environment only, ignoring any config file (the demo,
    /// and tests that must not depend on the user's files).
    pub fn resolve_without_file(flags: &Flags, env: Env) -> Result<Selection> {
        Self::merge(flags, env, "default", &Profile::default(), None)
    }

    fn merge(
        flags: &Flags,
        env: Env,
        profile_name: &str,
        p: &Profile,
        config_path: Option<PathBuf>,
    ) -> Result<Selection> {
        let where_ = |key: &str| match &config_path {
            Some(path) => format!("{} [profiles.{profile_name}] {key}", path.display()),
            None => key.to_string(),
        };
        let missing = |key: &str, flag: &str, var: &str| {
            Error::config(match &config_path {
                Some(p) => format!(
                    "no {key} for profile '{profile_name}': add {key} to [profiles.{profile_name}] \
                     in {}, pass {flag} or set {var}",
                    p.display()
                ),
                None => format!(
                    "no {key}: there is no config file ({}) and {var} is not set; create the \
                     file (see the README) or set the CYTOKEN_* variables; `cytoken check` \
                     shows what is found",
                    default_config_path()
                        .map_or_else(|| "no config dir".into(), |p| p.display().to_string())
                ),
            })
        };
        let tenant_id = flags
            .tenant_id
            .clone()
            .or_else(|| env("CYTOKEN_TENANT_ID"))
            .or(p.tenant_id.clone())
            .ok_or_else(|| missing("tenant_id", "--tenant-id", "CYTOKEN_TENANT_ID"))?;
        let app_id = flags
            .app_id
            .clone()
            .or_else(|| env("CYTOKEN_APP_ID"))
            .or(p.app_id.clone())
            .ok_or_else(|| missing("app_id", "--app-id", "CYTOKEN_APP_ID"))?;
        for (key, v) in [("tenant_id", &tenant_id), ("app_id", &app_id)] {
            if v.trim().is_empty() || v.chars().any(char::is_control) {
                return Err(Error::config(format!(
                    "{} is empty or has control characters: set it to the id shown in the console",
                    where_(key)
                )));
            }
        }

        let secret = secret_source(p, env, config_path.as_deref(), &where_)?;

        // Layer by layer (flags, then environment, then profile): the first layer
        // that names an endpoint wins, and within a layer auth_url beats region.
        let layers = [
            (flags.auth_url.clone(), flags.region.clone()),
            (env("CYTOKEN_AUTH_URL"), env("CYTOKEN_REGION")),
            (p.auth_url.clone(), p.region.clone()),
        ];
        let named = layers
            .into_iter()
            .enumerate()
            .find(|(_, (u, r))| u.is_some() || r.is_some());
        let auth_url = match named {
            Some((_, (Some(u), _))) => u,
            // A bad region in the profile names the file and the key.
            Some((2, (None, Some(r)))) => {
                region_url(&r).map_err(|e| Error::config(format!("{}: {e}", where_("region"))))?
            }
            Some((_, (None, Some(r)))) => region_url(&r)?,
            _ => region_url("na")?,
        };
        crate::exchange::check_auth_url(&auth_url)?;

        let scopes = if !flags.scopes.is_empty() {
            flags.scopes.clone()
        } else if let Some(s) = env("CYTOKEN_SCOPES") {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        } else {
            p.scopes.clone().unwrap_or_default()
        };
        for s in &scopes {
            let ok = s.split_once(':').is_some_and(|(r, a)| {
                !r.is_empty() && !a.is_empty() && !s.contains([',', ' ', '"'])
            });
            if !ok {
                return Err(Error::config(format!(
                    "scope '{s}' is not of the form resource:action (e.g. device:list)"
                )));
            }
        }

        let lifetime = match flags.lifetime {
            Some(l) => l,
            None => match env("CYTOKEN_LIFETIME") {
                Some(v) => v.trim().parse().map_err(|_| {
                    Error::config(format!(
                        "CYTOKEN_LIFETIME '{v}' is not a number of seconds: use 1..=1800"
                    ))
                })?,
                None => p.lifetime.unwrap_or(MAX_LIFETIME),
            },
        };
        if !(1..=MAX_LIFETIME).contains(&lifetime) {
            return Err(Error::config(format!(
                "lifetime {lifetime} s is out of range: the service accepts at most 1800 s \
                 (30 minutes) between iat and exp; use 1..=1800"
            )));
        }
        let refresh_margin = p.refresh_margin.unwrap_or(300).min(lifetime / 2);
        // Both are at most 1800 here, so the conversions cannot fail.
        let (lifetime, refresh_margin) = (
            i64::try_from(lifetime).unwrap_or(1800),
            i64::try_from(refresh_margin).unwrap_or(300),
        );

        let extra_claims = p.extra_claims.clone().unwrap_or_default();
        if let Some(k) = extra_claims
            .keys()
            .find(|k| RESERVED_CLAIMS.contains(&k.as_str()))
        {
            return Err(Error::config(format!(
                "{} may not set '{k}': cytoken sets exp, iat, iss, sub, tid, jti and scp itself \
                 (use scopes for scp)",
                where_("extra_claims")
            )));
        }

        let secs = |key: &str, v: Option<u64>, default: u64| -> Result<Duration> {
            match v.unwrap_or(default) {
                0 => Err(Error::config(format!(
                    "{} must be at least 1 second",
                    where_(key)
                ))),
                n => Ok(Duration::from_secs(n)),
            }
        };
        let timeout = secs("timeout", p.timeout, 20)?;
        let lock_timeout = secs("lock_timeout", p.lock_timeout, 30)?;

        let cache_dir = cache_dir(flags, env)?;

        Ok(Selection {
            profile: profile_name.to_string(),
            tenant_id,
            app_id,
            secret,
            auth_url,
            scopes,
            scope_format: p.scope_format.unwrap_or(ScopeFormat::List),
            lifetime,
            refresh_margin,
            issuer: p.issuer.clone().unwrap_or_else(|| DEFAULT_ISSUER.into()),
            extra_claims,
            username: p
                .username
                .clone()
                .unwrap_or_else(|| "x-access-token".into()),
            git_auth: p.git_auth.unwrap_or(GitAuth::Auto),
            git_hosts: p.git_hosts.clone(),
            docker_hosts: p.docker_hosts.clone(),
            ca_file: p.ca_file.clone(),
            timeout,
            lock_timeout,
            cache_dir,
            config_path,
        })
    }
}

/// Finds the profile to use. With no config file the profile is empty (an
/// environment-only selection, for CI).
fn pick_profile(
    file: Option<&ConfigFile>,
    requested: Option<String>,
    path: Option<&Path>,
    env: Env,
) -> Result<(String, Profile)> {
    let Some(file) = file else {
        return match requested {
            Some(name) => Err(Error::config(format!(
                "profile '{name}' requested but there is no config file (looked at {}): \
                 create it, or drop --profile/CYTOKEN_PROFILE and use CYTOKEN_* variables; \
                 `cytoken check` shows what is found",
                default_config_path()
                    .map_or_else(|| "<no config dir>".into(), |p| p.display().to_string())
            ))),
            None => Ok(("default".into(), Profile::default())),
        };
    };
    let path = path.map(|p| p.display().to_string()).unwrap_or_default();
    let explicit = requested.is_some() || file.default_profile.is_some();
    let name = requested
        .or_else(|| file.default_profile.clone())
        .unwrap_or_else(|| "default".into());
    match file.profiles.get(&name) {
        Some(p) => Ok((name, p.clone())),
        // A config file without a `default` profile, used with a complete set of
        // CYTOKEN_* variables (CI on a machine that also has a config), is fine.
        None if !explicit && env("CYTOKEN_TENANT_ID").is_some() => Ok((name, Profile::default())),
        None => {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            Err(Error::config(format!(
                "profile '{name}' is not in {path}; profiles there: {}; pick one with -p NAME \
                 or set default_profile",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )))
        }
    }
}

fn secret_source(
    p: &Profile,
    env: Env,
    config_path: Option<&Path>,
    where_: &dyn Fn(&str) -> String,
) -> Result<SecretSource> {
    let mut sources = Vec::new();
    if let Some(s) = &p.app_secret {
        sources.push(("app_secret", SecretSource::Inline(s.clone())));
    }
    if let Some(v) = &p.app_secret_env {
        sources.push(("app_secret_env", SecretSource::Env(v.clone())));
    }
    if let Some(f) = &p.app_secret_file {
        sources.push(("app_secret_file", SecretSource::File(expand_home(f))));
    }
    if let Some(c) = &p.app_secret_command {
        if c.is_empty() || c[0].is_empty() {
            return Err(Error::config(format!(
                "{} is empty: give an argv array such as [\"pass\", \"show\", \"cylance/prod\"]",
                where_("app_secret_command")
            )));
        }
        sources.push(("app_secret_command", SecretSource::Command(c.clone())));
    }
    if sources.len() > 1 {
        let names: Vec<&str> = sources.iter().map(|(n, _)| *n).collect();
        return Err(Error::config(format!(
            "{} sets {}: keep exactly one secret source",
            config_path
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            names.join(" and ")
        )));
    }
    // The environment outranks the profile, as for every other setting.
    if env("CYTOKEN_APP_SECRET").is_some() {
        return Ok(SecretSource::Env("CYTOKEN_APP_SECRET".into()));
    }
    match sources.pop() {
        Some(("app_secret", s)) => {
            // An inline secret is only acceptable in a file nobody else can read.
            if let Some(path) = config_path {
                check_private(path, "config file")?;
            }
            Ok(s)
        }
        Some((_, s)) => Ok(s),
        None => Err(Error::config(format!(
            "no app secret: set CYTOKEN_APP_SECRET, or add one of app_secret_command, \
             app_secret_file, app_secret_env or app_secret to {}",
            where_("").trim_end()
        ))),
    }
}

/// `~/x` → `$HOME/x`, so config files can name files in the user's home portably.
fn expand_home(p: &Path) -> PathBuf {
    match p.strip_prefix("~") {
        Ok(rest) => dirs::home_dir().map_or_else(|| p.into(), |h| h.join(rest)),
        Err(_) => p.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| m.get(k).cloned()
    }

    fn write_config(dir: &Path, text: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join("config.toml");
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    fn flags_with(config: &Path) -> Flags {
        Flags {
            config: Some(config.into()),
            cache_dir: Some("/tmp/cytoken-test-cache".into()),
            ..Flags::default()
        }
    }

    const BASIC: &str = r#"
default_profile = "prod"
[profiles.prod]
tenant_id = "tenant-file"
app_id = "app-file"
app_secret_env = "MY_SECRET"
region = "euc1"
scopes = ["device:list"]
lifetime = 900
[profiles.other]
tenant_id = "t2"
app_id = "a2"
app_secret_env = "MY_SECRET"
"#;

    #[test]
    fn precedence_flag_over_env_over_profile_over_default() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write_config(dir.path(), BASIC, 0o644);
        let env = env_of(&[
            ("CYTOKEN_TENANT_ID", "tenant-env"),
            ("CYTOKEN_LIFETIME", "600"),
        ]);
        let mut flags = flags_with(&cfg);
        let s = Selection::resolve(&flags, &env).unwrap();
        assert_eq!(s.profile, "prod");
        assert_eq!(s.tenant_id, "tenant-env"); // env beats profile
        assert_eq!(s.app_id, "app-file"); // profile beats default
        assert_eq!(s.lifetime, 600);
        assert_eq!(
            s.auth_url,
            "https://protectapi-euc1.cylance.com/auth/v2/token"
        );
        assert_eq!(s.issuer, DEFAULT_ISSUER); // default
        assert_eq!(s.refresh_margin, 300);
        flags.tenant_id = Some("tenant-flag".into());
        flags.lifetime = Some(120);
        flags.region = Some("EU".into());
        let s = Selection::resolve(&flags, &env).unwrap();
        assert_eq!(s.tenant_id, "tenant-flag");
        assert_eq!(s.lifetime, 120);
        assert_eq!(
            s.refresh_margin, 60,
            "margin is capped at half the lifetime"
        );
        flags.profile = Some("other".into());
        let s = Selection::resolve(&flags, &env).unwrap();
        assert_eq!(s.app_id, "a2");
        assert_eq!(
            s.auth_url,
            "https://protectapi-euc1.cylance.com/auth/v2/token"
        );
    }

    #[test]
    fn large_files_are_parsed_in_the_slice_the_selection_needs() {
        let mut text = String::from("default_profile = \"p7\"\n");
        for i in 0..50 {
            text.push_str(&format!(
                "[profiles.p{i}]\ntenant_id = \"t{i}\"\napp_id = \"a{i}\"\n\
                 [profiles.p{i}.extra_claims]\nn = {i}\n"
            ));
        }
        let full = parse_file(&text, Path::new("c.toml")).unwrap();
        let slice = parse_slice(&text, None).unwrap();
        assert_eq!(slice.default_profile.as_deref(), Some("p7"));
        assert_eq!(slice.profiles.len(), 1);
        assert_eq!(
            format!("{:?}", slice.profiles["p7"]),
            format!("{:?}", full.profiles["p7"])
        );
        let slice = parse_slice(&text, Some("p42")).unwrap();
        assert_eq!(slice.profiles["p42"].tenant_id.as_deref(), Some("t42"));
        assert!(
            parse_slice(&text, Some("nope")).is_none(),
            "falls back to the full parse"
        );

        // A mistake in another profile does not stop this one; using it does.
        let bad = format!("{text}[profiles.typo]\ntenant_idd = \"x\"\n");
        assert!(parse_slice(&bad, Some("p1")).is_some());
        assert!(parse_slice(&bad, Some("typo")).is_none());
        // A multi-line string that looks like a table header: the slice does not
        // parse, so the whole file is parsed and the value is intact.
        let tricky = "[profiles.a]\ntenant_id = \"\"\"\n[profiles.b]\n\"\"\"\n[profiles.b]\napp_id = \"x\"\n";
        assert!(parse_slice(tricky, Some("a")).is_none());
        let full = parse_file(tricky, Path::new("c.toml")).unwrap();
        assert_eq!(
            full.profiles["a"].tenant_id.as_deref(),
            Some("[profiles.b]\n")
        );
        // Unknown top-level tables are never sliced away.
        assert!(parse_slice("[defaults]\nx = 1\n[profiles.a]\n", Some("a")).is_none());
    }

    #[test]
    fn endpoint_precedence_is_by_layer_then_auth_url_over_region() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write_config(
            dir.path(),
            "[profiles.default]\ntenant_id='t'\napp_id='a'\napp_secret_env='S'\n\
             auth_url='https://profile.example/auth/v2/token'\nregion='au'\n",
            0o600,
        );
        let url = |flags: Flags, env: &[(&str, &str)]| {
            Selection::resolve(&flags, &env_of(env)).unwrap().auth_url
        };
        let base = flags_with(&cfg);
        assert_eq!(
            url(base.clone(), &[]),
            "https://profile.example/auth/v2/token"
        );
        let env_region = [("CYTOKEN_REGION", "eu")];
        assert_eq!(
            url(base.clone(), &env_region),
            "https://protectapi-euc1.cylance.com/auth/v2/token",
            "the environment's region beats the profile's auth_url"
        );
        let both = [
            ("CYTOKEN_REGION", "eu"),
            ("CYTOKEN_AUTH_URL", "https://env.example/t"),
        ];
        assert_eq!(url(base.clone(), &both), "https://env.example/t");
        let flag_region = Flags {
            region: Some("gov".into()),
            ..base.clone()
        };
        assert_eq!(
            url(flag_region, &both),
            "https://protectapi.us.cylance.com/auth/v2/token",
            "a flag beats the environment's auth_url"
        );
    }

    #[test]
    fn the_parsed_slice_is_remembered_until_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let memo_dir = dir.path().join("cache");
        std::fs::create_dir(&memo_dir).unwrap();
        let cfg = write_config(dir.path(), BASIC, 0o600);
        let load = || load_remembered(&cfg, Some("other"), Some(&memo_dir)).unwrap();
        assert_eq!(load().profiles["other"].app_id.as_deref(), Some("a2"));
        let memo = std::fs::read_dir(&memo_dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(
                &std::fs::metadata(&memo).unwrap().permissions()
            ) & 0o777,
            0o600
        );
        // The second call reads the memo, not the file: prove it by editing
        // the memo (the stamp still matches the file).
        let text = std::fs::read_to_string(&memo)
            .unwrap()
            .replace("\"a2\"", "\"memo\"");
        std::fs::write(&memo, text).unwrap();
        assert_eq!(load().profiles["other"].app_id.as_deref(), Some("memo"));
        // Any change to the file makes it stale.
        std::fs::write(&cfg, BASIC.replace("\"a2\"", "\"a3\"")).unwrap();
        assert_eq!(load().profiles["other"].app_id.as_deref(), Some("a3"));
        // A profile with an inline secret is never written to the cache dir.
        std::fs::remove_file(&memo).unwrap();
        let inline = "[profiles.default]\ntenant_id='t'\napp_id='a'\napp_secret='s3cret'\n";
        let cfg = write_config(dir.path(), inline, 0o600);
        load_remembered(&cfg, None, Some(&memo_dir)).unwrap();
        assert_eq!(std::fs::read_dir(&memo_dir).unwrap().count(), 0);
    }

    #[test]
    fn region_mapping_and_aliases() {
        for (r, host) in [
            ("na", "protectapi.cylance.com"),
            ("NA", "protectapi.cylance.com"),
            ("apne1", "protectapi-apne1.cylance.com"),
            ("APN", "protectapi-apne1.cylance.com"),
            ("au", "protectapi-au.cylance.com"),
            ("aps", "protectapi-au.cylance.com"),
            ("euc1", "protectapi-euc1.cylance.com"),
            ("EU", "protectapi-euc1.cylance.com"),
            ("sae1", "protectapi-sae1.cylance.com"),
            ("SA", "protectapi-sae1.cylance.com"),
            ("us-gov", "protectapi.us.cylance.com"),
            ("GOV", "protectapi.us.cylance.com"),
        ] {
            assert_eq!(
                region_url(r).unwrap(),
                format!("https://{host}/auth/v2/token")
            );
        }
        let e = region_url("mars").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("euc1") && e.to_string().contains("us-gov"));
    }

    #[test]
    fn environment_only_selection_without_config_file() {
        let env = env_of(&[
            ("CYTOKEN_TENANT_ID", "t"),
            ("CYTOKEN_APP_ID", "a"),
            ("CYTOKEN_APP_SECRET", "s3cret"),
            ("CYTOKEN_AUTH_URL", "http://127.0.0.1:9/auth/v2/token"),
            ("CYTOKEN_SCOPES", "device:list, policy:read"),
            ("CYTOKEN_CONFIG", "/nonexistent/cytoken.toml"),
        ]);
        // An explicit config path must exist…
        let e = Selection::resolve(&Flags::default(), &env).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        // …but without one, the environment is a whole selection.
        let p = pick_profile(None, None, None, &env).unwrap();
        let s = Selection::merge(
            &Flags {
                cache_dir: Some("/x".into()),
                ..Flags::default()
            },
            &env,
            &p.0,
            &p.1,
            None,
        )
        .unwrap();
        assert_eq!(s.secret, SecretSource::Env("CYTOKEN_APP_SECRET".into()));
        assert_eq!(s.scopes, vec!["device:list", "policy:read"]);
        assert_eq!(s.auth_url, "http://127.0.0.1:9/auth/v2/token");
    }

    #[test]
    fn lifetime_bounds_and_bad_values() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write_config(dir.path(), BASIC, 0o644);
        for bad in [0, 1801, 3600] {
            let mut flags = flags_with(&cfg);
            flags.lifetime = Some(bad);
            let e = Selection::resolve(&flags, &env_of(&[])).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().contains("1800"), "{e}");
        }
        let e = Selection::resolve(&flags_with(&cfg), &env_of(&[("CYTOKEN_LIFETIME", "soon")]))
            .unwrap_err();
        assert!(e.to_string().contains("CYTOKEN_LIFETIME"));
    }

    #[test]
    fn unknown_key_and_malformed_toml_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write_config(
            dir.path(),
            "[profiles.default]\ntenant_id = \"t\"\ntennant = \"x\"\n",
            0o644,
        );
        let e = Selection::resolve(&flags_with(&cfg), &env_of(&[])).unwrap_err();
        let m = e.to_string();
        assert!(m.contains("tennant") && m.contains("config.toml:3"), "{m}");
        let cfg = write_config(dir.path(), "[profiles.default\n", 0o644);
        let m = Selection::resolve(&flags_with(&cfg), &env_of(&[]))
            .unwrap_err()
            .to_string();
        assert!(m.contains("config.toml:1"), "{m}");
        let cfg = write_config(dir.path(), "[profiles.x]\nlifetime = \"long\"\n", 0o644);
        let m = Selection::resolve(&flags_with(&cfg), &env_of(&[]))
            .unwrap_err()
            .to_string();
        assert!(m.contains("config.toml:2"), "{m}");
    }

    #[test]
    fn missing_profile_lists_the_known_ones() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write_config(dir.path(), BASIC, 0o644);
        let mut flags = flags_with(&cfg);
        flags.profile = Some("staging".into());
        let m = Selection::resolve(&flags, &env_of(&[]))
            .unwrap_err()
            .to_string();
        assert!(m.contains("staging") && m.contains("other, prod"), "{m}");
    }

    #[test]
    fn secret_sources_exactly_one_and_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let two =
            "[profiles.default]\ntenant_id='t'\napp_id='a'\napp_secret='x'\napp_secret_env='Y'\n";
        let cfg = write_config(dir.path(), two, 0o600);
        let m = Selection::resolve(&flags_with(&cfg), &env_of(&[]))
            .unwrap_err()
            .to_string();
        assert!(m.contains("app_secret and app_secret_env"), "{m}");

        let inline = "[profiles.default]\ntenant_id='t'\napp_id='a'\napp_secret='inline-s3cret'\n";
        let cfg = write_config(dir.path(), inline, 0o644);
        let e = Selection::resolve(&flags_with(&cfg), &env_of(&[])).unwrap_err();
        assert!(e.to_string().contains("chmod 600"), "{e}");
        assert!(!e.to_string().contains("inline-s3cret"));
        let cfg = write_config(dir.path(), inline, 0o600);
        let s = Selection::resolve(&flags_with(&cfg), &env_of(&[])).unwrap();
        assert_eq!(s.resolve_secret().unwrap().expose(), "inline-s3cret");

        let secret_file = dir.path().join("secret");
        std::fs::write(&secret_file, "file-s3cret\n").unwrap();
        std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let src = SecretSource::File(secret_file.clone());
        let e = src.resolve(Duration::from_secs(5)).unwrap_err();
        assert!(e.to_string().contains("chmod 600"), "{e}");
        std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            src.resolve(Duration::from_secs(5)).unwrap().expose(),
            "file-s3cret"
        );

        let cmd = SecretSource::Command(vec!["printf".into(), "cmd-s3cret\\nsecond\\n".into()]);
        assert_eq!(
            cmd.resolve(Duration::from_secs(5)).unwrap().expose(),
            "cmd-s3cret"
        );
        assert_eq!(cmd.fingerprint_material().unwrap(), None);
        for (argv, why) in [
            (vec!["false"], "failed"),
            (vec!["true"], "printed nothing"),
            (vec!["/nonexistent/pass"], "could not start"),
        ] {
            let src =
                SecretSource::Command(argv.iter().map(std::string::ToString::to_string).collect());
            let m = src.resolve(Duration::from_secs(5)).unwrap_err().to_string();
            assert!(m.contains(why), "{m}");
        }

        // The environment outranks the profile's source.
        let cfg = write_config(dir.path(), inline, 0o600);
        let s =
            Selection::resolve(&flags_with(&cfg), &env_of(&[("CYTOKEN_APP_SECRET", "e")])).unwrap();
        assert_eq!(s.secret, SecretSource::Env("CYTOKEN_APP_SECRET".into()));
    }

    #[test]
    fn secret_command_is_bounded_even_with_background_children() {
        let argv = |s: &str| vec!["sh".to_string(), "-c".to_string(), s.to_string()];
        let t = Instant::now();
        // The secret arrives and the command exits; its background child keeps
        // stdout open, which must not hold us.
        let src = SecretSource::Command(argv("echo s3cret; sleep 30 &"));
        assert_eq!(
            src.resolve(Duration::from_secs(5)).unwrap().expose(),
            "s3cret"
        );
        assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
        // A command that never answers is ended, with what it started.
        let t = Instant::now();
        let src = SecretSource::Command(argv("sleep 30; echo late"));
        let e = src.resolve(Duration::from_secs(1)).unwrap_err();
        assert!(e.to_string().contains("did not finish"), "{e}");
        assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    }

    #[test]
    fn extra_claims_cannot_override_required_ones() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[profiles.default]\ntenant_id='t'\napp_id='a'\napp_secret_env='S'\n\
                    [profiles.default.extra_claims]\nenv='prod'\nsub='evil'\n";
        let cfg = write_config(dir.path(), text, 0o644);
        let m = Selection::resolve(&flags_with(&cfg), &env_of(&[]))
            .unwrap_err()
            .to_string();
        assert!(m.contains("'sub'") && m.contains("extra_claims"), "{m}");
    }

    #[test]
    fn plain_http_only_to_loopback_and_scopes_checked() {
        let env = env_of(&[
            ("CYTOKEN_TENANT_ID", "t"),
            ("CYTOKEN_APP_ID", "a"),
            ("CYTOKEN_APP_SECRET", "s"),
        ]);
        let flags = |url: &str, scope: &str| Flags {
            auth_url: Some(url.into()),
            scopes: vec![scope.into()],
            cache_dir: Some("/x".into()),
            ..Flags::default()
        };
        let run = |f: Flags| {
            let (n, p) = pick_profile(None, None, None, &env).unwrap();
            Selection::merge(&f, &env, &n, &p, None)
        };
        assert!(run(flags("http://localhost:1/auth/v2/token", "device:list")).is_ok());
        let e = run(flags("http://example.com/auth/v2/token", "device:list")).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let e = run(flags("https://example.com/auth/v2/token", "devicelist")).unwrap_err();
        assert!(e.to_string().contains("resource:action"));
    }
}
