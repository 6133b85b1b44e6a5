//! Where a profile's secret and files come from: the one secret source, paths
//! relative to the config file, and the trust check of the files it names.

use std::path::{Path, PathBuf};

use super::layer::Origin;
use super::{Env, Profile};
use crate::error::{Error, Result};
use crate::platform;
use crate::secret::{SecretSource, check_private};

/// The one secret source, where it came from (`CYTOKEN_APP_SECRET`, or
/// the profile key that names it) and, when the variable outranks the
/// profile's own source, that source's key.
pub(super) fn secret_source(
    p: &Profile,
    env: &Env,
    config_path: Option<&Path>,
    where_: &dyn Fn(&str) -> String,
) -> Result<(SecretSource, Origin, Option<&'static str>)> {
    let mut sources = Vec::new();
    if let Some(s) = &p.app_secret {
        sources.push(("app_secret", SecretSource::Inline(s.clone())));
    }
    if let Some(v) = &p.app_secret_env {
        // Never echoed unless it is a variable name: a user who pasted the
        // secret itself here must not see it in an error or report.
        if !is_var_name(v) {
            return Err(Error::config(format!(
                "{} is not a variable name (not shown: it may be the secret itself); set it \
                 to the NAME of the variable that holds the secret, e.g. CYLANCE_SECRET",
                where_("app_secret_env")
            )));
        }
        sources.push(("app_secret_env", SecretSource::Env(v.clone())));
    }
    if let Some(f) = &p.app_secret_file {
        sources.push((
            "app_secret_file",
            SecretSource::File(resolve_path(f, config_path, env)),
        ));
    }
    if let Some(c) = &p.app_secret_command {
        if c.is_empty() || c[0].is_empty() {
            return Err(Error::config(format!(
                "{} is empty: give an argv array such as [\"pass\", \"show\", \"cylance/prod\"]",
                where_("app_secret_command")
            )));
        }
        // A program named by a relative path (`bin/get-secret`) is the one
        // beside the config file, as every path in it is: resolved against the
        // current directory it would be whatever the repository git or kubectl
        // runs in holds. A bare name is looked up in PATH.
        let mut argv = c.clone();
        if Path::new(&argv[0]).components().count() > 1 || argv[0].starts_with('~') {
            argv[0] = resolve_path(Path::new(&argv[0]), config_path, env)
                .to_string_lossy()
                .into_owned();
        }
        sources.push(("app_secret_command", SecretSource::Command(argv)));
    }
    if let Some(name) = &p.app_secret_keyring {
        if name.trim().is_empty() || name.chars().any(char::is_control) {
            return Err(Error::config(format!(
                "{} must name the keyring entry, e.g. \"cylance-prod\"",
                where_("app_secret_keyring")
            )));
        }
        sources.push(("app_secret_keyring", SecretSource::Keyring(name.clone())));
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
    // An inline secret is only acceptable in a file nobody else can read, even
    // when the environment overrides it: the file leaks it regardless.
    if let (Some(("app_secret", _)), Some(path)) = (sources.first(), config_path) {
        check_private(path, "config file")?;
    }
    // The environment outranks the profile, as for every other setting.
    if env.var(SECRET_VAR).is_some() {
        return Ok((
            SecretSource::Env(SECRET_VAR.into()),
            Origin::Var(SECRET_VAR),
            sources.first().map(|(key, _)| *key),
        ));
    }
    match sources.pop() {
        Some((key, s)) => Ok((s, Origin::Profile(key), None)),
        None => Err(Error::config(format!(
            "no app secret: set CYTOKEN_APP_SECRET, or add one of app_secret_command, \
             app_secret_keyring, app_secret_file, app_secret_env or app_secret to {}",
            where_("").trim_end()
        ))),
    }
}

/// The variable the app secret is read from by default.
pub(crate) const SECRET_VAR: &str = "CYTOKEN_APP_SECRET";

/// Whether `s` is a portable variable name (letters, digits, `_`, not
/// starting with a digit).
pub(crate) fn is_var_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A path from the config file: `~/x` is in the home directory, a relative
/// path is relative to the config file's directory (git, kubectl and docker
/// run cytoken from anywhere), an absolute one stays.
pub(super) fn resolve_path(p: &Path, config_path: Option<&Path>, env: &Env) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~") {
        return env.home_dir().map_or_else(|| p.into(), |h| h.join(rest));
    }
    match config_path.and_then(Path::parent) {
        Some(dir) if p.is_relative() => dir.join(p),
        _ => p.into(),
    }
}

/// Refuses a file named in the config that others could change (see
/// `platform::trusted_file`).
pub(super) fn check_trusted(path: &Path, what: &str, env: &Env) -> Result<()> {
    platform::open_trusted(path, env.home_dir().as_deref())
        .map(drop)
        .map_err(|e| match e {
            platform::OpenTrusted::Io(e) => {
                Error::config(format!("cannot read {what} {}: {e}", path.display())).with_source(e)
            }
            platform::OpenTrusted::Untrusted(u) => Error::config(format!(
                "{what} {} cannot be trusted: {u}; {}",
                path.display(),
                u.fix()
            )),
        })
}
