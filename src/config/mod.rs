//! Configuration: the TOML file, `CYTOKEN_*` environment and flags merged into one
//! validated [`Selection`] (flag > environment > profile > default, one rule
//! for every key: [`layer`]; the keys: [`merge`]).
//!
//! Everything that can be wrong with a selection is caught here, before any network
//! call, and reported as a configuration error (exit 2) with the file, the key
//! and the fix.

mod by_host;
mod endpoints;
mod file;
mod layer;
mod merge;
mod quick;
pub(crate) mod reference;
pub(crate) mod service;
mod sources;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

pub(crate) use crate::env::Env;
pub(crate) use by_host::{ForHost, HostKey};
pub(crate) use file::load_file;
pub use file::{ConfigFile, KEYS, Profile, load_selected, parse_file};
#[cfg(test)]
use service::region_url;
pub(crate) use service::{DEFAULT_ISSUER, MAX_LIFETIME, RESERVED_CLAIMS};

use layer::{Layers, Named, Origins};
pub(crate) use sources::{SECRET_VAR, is_var_name};

use crate::error::{Error, Result};
pub(crate) use crate::flow::cylance::ScopeFormat;
use crate::secret::{Secret, SecretSource};

/// How tokens are obtained (profile key `flow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
    /// The Cylance User API: an HS256 auth token POSTed as JSON (default).
    Cylance,
    /// The multi-tenant console (MSSPs, DESIGN §11): a client-credentials
    /// grant, then a tenant's token from `tenants/tenant-app/<tenant>`.
    Mtc,
}

/// Which git credential form to answer with (DESIGN §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GitAuth {
    Auto,
    Bearer,
    Basic,
}

/// What the command line says about the selection (already parsed by clap).
#[derive(Debug, Default, Clone)]
pub(crate) struct Flags {
    pub profile: Option<String>,
    pub config: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    pub tenant_id: Option<String>,
    pub app_id: Option<String>,
    pub region: Option<String>,
    pub auth_url: Option<String>,
    pub scopes: Vec<String>,
    pub lifetime: Option<u64>,
    pub source: Option<String>,
    pub min_valid: Option<u64>,
}

/// A fully merged and validated selection: everything needed to mint, cache and
/// serve one kind of token.
#[derive(Debug, Clone)]
pub(crate) struct Selection {
    pub profile: String,
    /// The config file the profile came from, if any.
    pub config_path: Option<PathBuf>,
    /// How tokens are obtained, and everything that shapes them.
    pub flow: crate::flow::Flow,
    pub secret: SecretSource,
    /// The API base of `cytoken api` (`CYTOKEN_API_URL` > `api_url` > the
    /// origin of `auth_url`), held to the auth_url policy.
    pub api_url: String,
    /// Why `cytoken api` may not use `api_url` as resolved: a console of
    /// one's own with a tenant and no `api_url` would send that console's
    /// tenant token to the production Protect host (exit 2 with this).
    pub api_url_refusal: Option<String>,
    pub transport: Transport,
    pub cache_policy: CachePolicy,
    pub front_end: FrontEnd,
    /// Where each value came from (see [`Selection::origin`]).
    pub origins: Origins,
    /// Where `app_secret_env` and `CYTOKEN_APP_SECRET` are read from.
    pub env: Env,
}

/// How requests are sent.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    /// Every request's bound, and the secret command's.
    pub timeout: Duration,
    /// Extra CA certificates, checked to be trusted before any request.
    pub ca_file: Option<PathBuf>,
}

/// How tokens are cached and served.
#[derive(Debug, Clone)]
pub(crate) struct CachePolicy {
    pub cache_dir: PathBuf,
    /// Effective margin: never more than half the lifetime, so a short lifetime
    /// still yields a token that is served from the cache for a while.
    pub refresh_margin: i64,
    /// A token is handed out only while it stays valid this many seconds.
    pub min_valid: i64,
    pub lock_timeout: Duration,
}

/// What the front-ends (git, docker, `exec`) answer with and where they log.
#[derive(Debug, Clone)]
pub(crate) struct FrontEnd {
    pub username: String,
    pub git_auth: GitAuth,
    pub git_hosts: Option<Vec<String>>,
    pub docker_hosts: Option<Vec<String>>,
    /// Where warnings and errors are appended too (`CYTOKEN_LOG_FILE` >
    /// `log_file`), for git and kubectl users who never see stderr.
    pub log_file: Option<PathBuf>,
    /// Every variable the secret could come from (`CYTOKEN_APP_SECRET` and
    /// the profile's `app_secret_env`), kept from `exec`'s child.
    pub secret_vars: Vec<String>,
}

impl Selection {
    /// Reads the selection's secret, bounded by its `timeout`.
    pub(crate) fn resolve_secret(&self) -> Result<Secret> {
        self.secret.resolve(self.transport.timeout, &self.env)
    }

    /// Where `key`'s value came from, as an error names it: the flag, the
    /// variable, the file, profile and key, or the default (`secret`: the
    /// variable or the profile key that gave the secret; `auth_url`: the
    /// `auth_url` or `region` that named it). `None` when it has no value.
    pub(crate) fn origin<'a>(&'a self, key: &'a str) -> Option<Named<'a>> {
        Some(Named {
            origin: self.origins.get(key)?,
            key,
            file: self.config_path.as_deref(),
            profile: &self.profile,
        })
    }

    /// The profile's own key that also set `key` but was outranked by a
    /// flag or variable (`secret`: `CYTOKEN_APP_SECRET` over the profile's
    /// `app_secret_file`, say).
    pub(crate) fn outranked(&self, key: &str) -> Option<&'static str> {
        self.origins.outranked(key)
    }
}

/// The default config file: `<config dir>/cytoken/config.toml`.
pub(crate) fn default_config_path(env: &Env) -> Option<PathBuf> {
    env.config_dir()
        .map(|d| d.join("cytoken").join("config.toml"))
}

/// The cache dir (flag > environment > default). Not a profile setting, so it
/// is known even when the config is broken (`cache path`, `cache clear --all`).
pub(crate) fn cache_dir(flags: &Flags, env: &Env) -> Result<PathBuf> {
    merge::cache_dir_in(&mut Layers::new(env, None, "default"), flags)
}

/// The config file to read: `--config` / `CYTOKEN_CONFIG` (which must exist),
/// else the default path. `(path, explicit)`.
pub(crate) fn config_path(flags: &Flags, env: &Env) -> Option<(PathBuf, bool)> {
    match flags
        .config
        .clone()
        .or_else(|| env.var("CYTOKEN_CONFIG").map(PathBuf::from))
    {
        Some(p) => Some((p, true)),
        None => default_config_path(env).map(|p| (p, false)),
    }
}

/// The default cache dir: `<cache dir>/cytoken`.
pub(crate) fn default_cache_dir(env: &Env) -> Option<PathBuf> {
    env.cache_dir().map(|d| d.join("cytoken"))
}

impl Selection {
    /// [`Selection::resolve_for`] no request's host.
    #[cfg(test)]
    pub(crate) fn resolve(flags: &Flags, env: &Env) -> Result<Selection> {
        Self::resolve_for(flags, env, None)
    }

    /// Merges flags, environment and the config file into a validated
    /// selection; for a git or docker request to `host` with no `-p` /
    /// `CYTOKEN_PROFILE`, of the profile whose host list covers it most
    /// specifically, else the default one (DESIGN §4; the rule:
    /// [`crate::hosts`]). Only then is every profile's list read.
    pub(crate) fn resolve_for(
        flags: &Flags,
        env: &Env,
        host: Option<ForHost<'_>>,
    ) -> Result<Selection> {
        let mut requested = flags.profile.clone().or_else(|| env.var("CYTOKEN_PROFILE"));
        let (config_path, file) = match config_path(flags, env) {
            Some((p, explicit)) => match (p.exists(), explicit) {
                (true, _) => {
                    let home = env.home_dir();
                    let f = match host.filter(|_| requested.is_none()) {
                        Some(host) => {
                            let (f, chosen) = by_host::load_for_host(&p, host, home.as_deref())?;
                            requested = chosen;
                            f
                        }
                        None => load_selected(&p, requested.as_deref(), home.as_deref())?,
                    };
                    (Some(p), Some(f))
                }
                (false, true) => {
                    return Err(Error::config(format!(
                        "config file {} does not exist: create it or drop --config/CYTOKEN_CONFIG",
                        p.display()
                    )));
                }
                (false, false) => (None, None),
            },
            None => (None, None),
        };
        let (name, profile) = pick_profile(file.as_ref(), requested, config_path.as_deref(), env)?;
        Self::merge(flags, env, &name, &profile, config_path)
    }

    /// Merges flags and environment only, ignoring any config file (the demo,
    /// and tests that must not depend on the user's files).
    pub(crate) fn resolve_without_file(
        flags: &Flags,
        secret: Secret,
        env: &Env,
    ) -> Result<Selection> {
        let profile = Profile {
            app_secret: Some(secret),
            ..Profile::default()
        };
        Self::merge(flags, env, "default", &profile, None)
    }
}

/// Finds the profile to use. With no config file the profile is empty (an
/// environment-only selection, for CI).
fn pick_profile(
    file: Option<&ConfigFile>,
    requested: Option<String>,
    path: Option<&Path>,
    env: &Env,
) -> Result<(String, Profile)> {
    let Some(file) = file else {
        return match requested {
            Some(name) => Err(Error::config(format!(
                "profile '{name}' requested but there is no config file (looked at {}): \
                 create it with `cytoken -p {name} init` (its keys: `man cytoken-config`), or \
                 drop --profile/CYTOKEN_PROFILE and use CYTOKEN_* variables; `cytoken check` \
                 shows what is found",
                default_config_path(env)
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
        None if !explicit && env.var("CYTOKEN_TENANT_ID").is_some() => {
            Ok((name, Profile::default()))
        }
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

/// What `min_valid` must leave of a fresh token's lifetime: time for the
/// exchange and for clocks that differ a little.
const MIN_VALID_SLACK: i64 = 60;

#[cfg(test)]
mod tests;

#[cfg(test)]
impl Selection {
    /// A selection for unit tests, made of nothing but what it is given:
    /// tenant `t`, app `a`, the inline secret `s3cret`, no config file and no
    /// process environment.
    pub(crate) fn for_test(auth_url: &str, cache_dir: &Path) -> Selection {
        let flags = Flags {
            tenant_id: Some("t".into()),
            app_id: Some("a".into()),
            auth_url: Some(auth_url.into()),
            cache_dir: Some(cache_dir.into()),
            ..Flags::default()
        };
        Selection::resolve_without_file(&flags, Secret::new("s3cret".into()), &Env::fixed(&[]))
            .unwrap()
    }
}
