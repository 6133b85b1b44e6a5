//! The app secret and where it comes from ([`SecretSource`]): an environment
//! variable, a private file, a command, the OS keyring, or an inline value in a
//! private config file; held, as every token is, in a [`Secret`] (zeroed on
//! drop, never shown).

mod command;
pub(crate) use command::resolve_program;
pub(crate) mod keyring;
mod wrapper;
pub use wrapper::Secret;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::env::Env;
use crate::error::{Context as _, Error, Kind, Result};
use crate::platform;

/// Where the app secret comes from. Exactly one per selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SecretSource {
    /// The named environment variable (`CYTOKEN_APP_SECRET` or `app_secret_env`).
    Env(String),
    /// A file read whole, trailing newline trimmed; must be private.
    File(PathBuf),
    /// An argv run without a shell; its first stdout line is the secret.
    Command(Vec<String>),
    /// Inline `app_secret` in a private config file.
    Inline(Secret),
    /// The OS keyring entry of this name (`app_secret_keyring`, DESIGN §9).
    Keyring(String),
}

impl SecretSource {
    /// A short description for reports and errors (never the secret).
    pub(crate) fn describe(&self) -> String {
        match self {
            SecretSource::Env(v) => format!("environment variable {}", shown_var(v)),
            SecretSource::File(p) => format!("file {}", p.display()),
            SecretSource::Command(argv) => format!("command {}", argv.join(" ")),
            SecretSource::Inline(_) => "app_secret in the config file".to_string(),
            SecretSource::Keyring(name) => format!("keyring entry {name}"),
        }
    }

    /// Material that identifies the secret for the cache key without running
    /// anything: the secret itself for cheap sources; for a command or a
    /// keyring entry nothing (the key uses its argv or name instead): running
    /// a password manager, or opening the OS store, on every cached call would
    /// defeat the cache.
    pub(crate) fn fingerprint_material(&self, env: &Env) -> Result<Option<Secret>> {
        match self {
            SecretSource::Command(_) | SecretSource::Keyring(_) => Ok(None),
            _ => self.resolve(Duration::ZERO, env).map(Some),
        }
    }

    /// Reads the secret. `budget` bounds an `app_secret_command`: a password
    /// manager waiting for a prompt nobody answers must not hang git or kubectl.
    pub(crate) fn resolve(&self, budget: Duration, env: &Env) -> Result<Secret> {
        let secret = match self {
            SecretSource::Env(var) => Secret::new(env.get(var).ok_or_else(|| {
                Error::config(format!(
                    "the app secret variable {} is not set or not valid UTF-8: export it, \
                     or configure app_secret_file or app_secret_command",
                    shown_var(var)
                ))
            })?),
            SecretSource::File(path) => read_secret_file(path, env)?,
            SecretSource::Command(argv) => {
                command::run_secret_command(argv, budget, env.home_dir().as_deref())?
            }
            SecretSource::Inline(s) => s.clone(),
            SecretSource::Keyring(name) => keyring::get(name)?,
        };
        if secret.expose().trim().is_empty() {
            return Err(Error::config(format!(
                "the app secret from {} is empty: put the application's secret there",
                self.describe()
            )));
        }
        Ok(secret)
    }
}

/// Reads at most `max + 1` bytes of a file that may hold a secret (the secret
/// file, a config with an inline secret), into a buffer sized from the file's
/// length up front: it never regrows, which would leave copies of the secret in
/// freed memory, and it takes one read, not one per doubling from 32 bytes
/// (`take` hides the size from `read_to_string`).
pub(crate) fn read_capped(file: std::fs::File, max: u64) -> std::io::Result<String> {
    let len = file.metadata().map_or(0, |m| m.len().min(max));
    let mut text = String::with_capacity(usize::try_from(len).unwrap_or(0) + 1);
    file.take(max + 1).read_to_string(&mut text)?;
    Ok(text)
}

/// Refuses a file readable by group or others, as ssh does with private keys: a
/// secret anyone on the machine can read is a leaked secret.
pub(crate) fn check_private(path: &Path, what: &str) -> Result<()> {
    let access = platform::access_path(path).context(Kind::Config, |e| {
        format!("cannot read {what} {}: {e}", path.display())
    })?;
    if access.group_or_other {
        return Err(Error::config(format!(
            "{what} {} holds the app secret but is readable by others ({access}): run {}",
            path.display(),
            platform::private_fix(path)
        )));
    }
    Ok(())
}

/// A variable's name as messages show it: as it is when it looks like one
/// (`CYLANCE_SECRET`: capitals, digits, `_`), else not at all. A user who
/// pasted the secret itself into `app_secret_env` has written a valid name
/// whenever the secret is alphanumeric, and must not see it echoed.
fn shown_var(name: &str) -> String {
    let conventional = name
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if conventional {
        name.to_string()
    } else {
        "named by app_secret_env (not shown: it is not in capitals, so it may be the \
         secret itself)"
            .to_string()
    }
}

/// Reads `app_secret_file`: a trusted path (whoever can swap it chooses the
/// key our tokens are signed with, and sees what we send) that only we can
/// read.
fn read_secret_file(path: &Path, env: &Env) -> Result<Secret> {
    let cannot = |e: std::io::Error| {
        Error::config(format!(
            "cannot read app_secret_file {}: {e}",
            path.display()
        ))
        .with_source(e)
    };
    let file = platform::open_trusted(path, env.home_dir().as_deref()).map_err(|e| match e {
        platform::OpenTrusted::Io(e) => cannot(e),
        platform::OpenTrusted::Untrusted(u) => Error::config(format!(
            "app_secret_file {} cannot be trusted: {u}; {}",
            path.display(),
            u.fix()
        )),
    })?;
    check_private(path, "app_secret_file")?;
    let text = Secret::new(read_capped(file, 64 * 1024).map_err(cannot)?);
    Ok(text.map(|s| s.trim_end_matches(['\n', '\r']).to_string()))
}
