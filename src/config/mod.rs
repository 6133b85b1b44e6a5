//! Configuration: the TOML file, `CYTOKEN_*` environment and flags merged into one
//! validated [`Selection`] (flag > environment > profile > default).
//!
//! Everything that can be wrong with a selection is caught here, before any network
//! call, and reported as a configuration error (exit 2) with the file, the key
//! and the fix.

mod endpoints;
mod file;
pub(crate) mod service;
mod sources;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

pub(crate) use crate::env::Env;
pub(crate) use file::load_file;
pub use file::{ConfigFile, KEYS, Profile, load_selected, parse_file};
#[cfg(test)]
use service::region_url;
pub(crate) use service::{DEFAULT_ISSUER, MAX_LIFETIME, RESERVED_CLAIMS};

pub(crate) use sources::{SECRET_VAR, is_var_name};
use sources::{check_trusted, resolve_path, secret_source};

use crate::error::{Error, Result};
pub use crate::flow::cylance::ScopeFormat;
use crate::flow::{cylance, mtc};
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
    /// A token is handed out only while it stays valid this many seconds.
    pub min_valid: i64,
    /// Effective margin: never more than half the lifetime, so a short lifetime
    /// still yields a token that is served from the cache for a while.
    pub refresh_margin: i64,
    pub username: String,
    pub git_auth: GitAuth,
    pub git_hosts: Option<Vec<String>>,
    pub docker_hosts: Option<Vec<String>>,
    pub ca_file: Option<PathBuf>,
    /// Where warnings and errors are appended too (`CYTOKEN_LOG_FILE` >
    /// `log_file`), for git and kubectl users who never see stderr.
    pub log_file: Option<PathBuf>,
    /// Every variable the secret could come from (`CYTOKEN_APP_SECRET` and
    /// the profile's `app_secret_env`), kept from `exec`'s child.
    pub secret_vars: Vec<String>,
    pub timeout: Duration,
    pub lock_timeout: Duration,
    pub cache_dir: PathBuf,
    /// Where `app_secret_env` and `CYTOKEN_APP_SECRET` are read from.
    pub env: Env,
}

impl Selection {
    /// Reads the selection's secret, bounded by its `timeout`.
    pub fn resolve_secret(&self) -> Result<Secret> {
        self.secret.resolve(self.timeout, &self.env)
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
    flags
        .cache_dir
        .clone()
        .or_else(|| env.var("CYTOKEN_CACHE_DIR").map(PathBuf::from))
        .or_else(|| default_cache_dir(env))
        .ok_or_else(|| {
            Error::config(
                "cannot find a cache directory (no HOME?): pass --cache-dir or set \
                 CYTOKEN_CACHE_DIR",
            )
        })
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
    /// Merges flags, environment and the config file into a validated selection.
    pub fn resolve(flags: &Flags, env: &Env) -> Result<Selection> {
        let requested = flags.profile.clone().or_else(|| env.var("CYTOKEN_PROFILE"));
        let (config_path, file) = match config_path(flags, env) {
            Some((p, explicit)) => match (p.exists(), explicit) {
                (true, _) => {
                    let f = load_selected(&p, requested.as_deref(), env.home_dir().as_deref())?;
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

    fn merge(
        flags: &Flags,
        env: &Env,
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
                    default_config_path(env)
                        .map_or_else(|| "no config dir".into(), |p| p.display().to_string())
                ),
            })
        };
        // Where a value came from, for its error: the flag, the variable, or
        // the file and profile (flag > environment > profile). Worked out
        // only for an error: the hot path resolves a selection on every call.
        let origin = |flag: Option<&str>, var: &str, key: &str| match flag {
            Some(flag) => flag.to_string(),
            None if env.var(var).is_some() => var.to_string(),
            None => where_(key),
        };
        let flag = |given: bool, name: &'static str| given.then_some(name);
        let tenant_from = || {
            origin(
                flag(flags.tenant_id.is_some(), "--tenant-id"),
                "CYTOKEN_TENANT_ID",
                "tenant_id",
            )
        };
        let app_from = || {
            origin(
                flag(flags.app_id.is_some(), "--app-id"),
                "CYTOKEN_APP_ID",
                "app_id",
            )
        };
        let flow = p.flow.unwrap_or(Flow::Cylance);
        let tenant_id = flags
            .tenant_id
            .clone()
            .or_else(|| env.var("CYTOKEN_TENANT_ID"))
            .or(p.tenant_id.clone());
        // The console's own token needs no tenant; a tenant's, and every
        // Cylance token, does.
        let mtc_tenant = tenant_id.clone().filter(|_| flow == Flow::Mtc);
        // It goes into the tenant-app URL's path.
        if let Some(t) = &mtc_tenant
            && !t
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::config(format!(
                "{} must be the tenant's id (letters, digits, - and _), as the console shows it",
                tenant_from()
            )));
        }
        let tenant_id = match (tenant_id, flow) {
            (Some(t), _) => t,
            (None, Flow::Mtc) => String::new(),
            (None, Flow::Cylance) => {
                return Err(missing("tenant_id", "--tenant-id", "CYTOKEN_TENANT_ID"));
            }
        };
        let app_id = flags
            .app_id
            .clone()
            .or_else(|| env.var("CYTOKEN_APP_ID"))
            .or(p.app_id.clone())
            .ok_or_else(|| missing("app_id", "--app-id", "CYTOKEN_APP_ID"))?;
        let from: [&dyn Fn() -> String; 2] = [&tenant_from, &app_from];
        for ((key, v), from) in [("tenant_id", &tenant_id), ("app_id", &app_id)]
            .into_iter()
            .zip(from)
        {
            let optional = key == "tenant_id" && mtc_tenant.is_none() && flow == Flow::Mtc;
            if !optional && (v.trim().is_empty() || v.chars().any(char::is_control)) {
                return Err(Error::config(format!(
                    "{} is empty or has control characters: set it to the id shown in the console",
                    from()
                )));
            }
        }

        let secret = secret_source(p, env, config_path.as_deref(), &where_)?;

        let endpoints = endpoints::resolve(flags, env, p, flow, mtc_tenant.as_deref(), &where_)?;
        let (auth_url, api_url, api_url_refusal) = (
            endpoints.auth_url,
            endpoints.api_url,
            endpoints.api_url_refusal,
        );
        let console = endpoints.console;

        let scopes = if !flags.scopes.is_empty() {
            flags.scopes.clone()
        } else if let Some(s) = env.var("CYTOKEN_SCOPES") {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        } else {
            p.scopes.clone().unwrap_or_default()
        };
        for (i, s) in scopes.iter().enumerate() {
            let ok = s.split_once(':').is_some_and(|(r, a)| {
                !r.is_empty() && !a.is_empty() && !s.contains([',', ' ', '"'])
            });
            if !ok {
                let from = origin(
                    flag(!flags.scopes.is_empty(), "--scope"),
                    "CYTOKEN_SCOPES",
                    "scopes",
                );
                return Err(Error::config(format!(
                    "{from}: scope number {} is not of the form resource:action (e.g. \
                     device:list; the value is not shown)",
                    i + 1
                )));
            }
        }

        let lifetime = match flags.lifetime {
            Some(l) => l,
            None => match env.var("CYTOKEN_LIFETIME") {
                Some(v) => v.trim().parse().map_err(|_| {
                    Error::config("CYTOKEN_LIFETIME is not a number of seconds: use 1..=1800")
                })?,
                None => p.lifetime.unwrap_or(MAX_LIFETIME),
            },
        };
        if !(1..=MAX_LIFETIME).contains(&lifetime) {
            let from = origin(
                flag(flags.lifetime.is_some(), "--lifetime"),
                "CYTOKEN_LIFETIME",
                "lifetime",
            );
            return Err(Error::config(format!(
                "{from}: lifetime {lifetime} s is out of range: the service accepts at most 1800 s \
                 (30 minutes) between iat and exp; use 1..=1800"
            )));
        }
        let refresh_margin =
            bounded(&where_, "refresh_margin", p.refresh_margin, 300, 0, 1800)?.min(lifetime / 2);
        // Both are at most 1800 here, so the conversions cannot fail.
        let (lifetime, refresh_margin) = (
            i64::try_from(lifetime).unwrap_or(1800),
            i64::try_from(refresh_margin).unwrap_or(300),
        );

        let source = flags
            .source
            .clone()
            .or_else(|| env.var("CYTOKEN_SOURCE"))
            .or_else(|| p.source.clone());
        if let Some(s) = &source
            && (s.trim().is_empty() || s.chars().any(char::is_control) || s.len() > 256)
        {
            return Err(Error::config(format!(
                "{} must be a host name, IP or app name (1 to 256 characters, no control \
                 characters)",
                origin(
                    flag(flags.source.is_some(), "--source"),
                    "CYTOKEN_SOURCE",
                    "source"
                )
            )));
        }
        let min_valid = match flags.min_valid {
            Some(m) => m,
            None => match env.var("CYTOKEN_MIN_VALID") {
                Some(v) => v
                    .trim()
                    .parse()
                    .map_err(|_| Error::config("CYTOKEN_MIN_VALID is not a number of seconds"))?,
                None => p.min_valid.unwrap_or(0),
            },
        };
        // A fresh token lives `lifetime` seconds, less the exchange itself and
        // clock differences: ask for more and no token could ever satisfy it.
        let most = lifetime.saturating_sub(MIN_VALID_SLACK).max(0);
        let min_valid = i64::try_from(min_valid).unwrap_or(i64::MAX);
        if min_valid > most {
            let from = origin(
                flag(flags.min_valid.is_some(), "--min-valid"),
                "CYTOKEN_MIN_VALID",
                "min_valid",
            );
            return Err(Error::config(format!(
                "{from}: min_valid {min_valid} s is more than a token can stay valid: with lifetime \
                 {lifetime} s it can be at most {most} s (the service allows lifetimes up to \
                 1800 s)"
            )));
        }

        let extra_claims = p.extra_claims.clone().unwrap_or_default();
        if let Some(k) = extra_claims
            .keys()
            .find(|k| RESERVED_CLAIMS.contains(&k.as_str()))
        {
            return Err(Error::config(format!(
                "{} may not set '{k}': cytoken sets exp, iat, iss, sub, tid, jti, scp and src itself \
                 (use scopes for scp, source for src)",
                where_("extra_claims")
            )));
        }

        let timeout = Duration::from_secs(bounded(&where_, "timeout", p.timeout, 20, 1, 300)?);
        let lock_timeout = Duration::from_secs(bounded(
            &where_,
            "lock_timeout",
            p.lock_timeout,
            30,
            1,
            600,
        )?);
        // Checked here, before any request: whoever can change ca_file can
        // intercept the signed auth tokens.
        let ca_file = p
            .ca_file
            .as_deref()
            .map(|f| resolve_path(f, config_path.as_deref(), env));
        if let Some(ca) = &ca_file {
            // A path that names nothing may be a value put under the wrong
            // key: it is not quoted.
            if !ca.exists() {
                return Err(Error::config(format!(
                    "{} names no file (the value is not shown): give the path of a PEM file \
                     of CA certificates",
                    where_("ca_file")
                )));
            }
            check_trusted(ca, "ca_file", env)?;
        }
        let log_file = env.var("CYTOKEN_LOG_FILE").map(PathBuf::from).or_else(|| {
            p.log_file
                .as_deref()
                .map(|f| resolve_path(f, config_path.as_deref(), env))
        });
        // Every variable the secret could have come from, for `exec` to keep
        // from its child even when one overrides the other.
        let mut secret_vars = vec![SECRET_VAR.to_string()];
        secret_vars.extend(
            p.app_secret_env
                .iter()
                .filter(|v| *v != SECRET_VAR)
                .cloned(),
        );

        let cache_dir = cache_dir(flags, env)?;

        // The console's flows send none of the Cylance claims (checked all
        // the same, above).
        let flow = match console {
            None => crate::flow::Flow::Cylance(cylance::Cylance {
                auth_url,
                tenant_id,
                app_id,
                scopes,
                scope_format: p.scope_format.unwrap_or(ScopeFormat::List),
                lifetime,
                source,
                issuer: p.issuer.clone().unwrap_or_else(|| DEFAULT_ISSUER.into()),
                extra_claims,
            }),
            Some(api) => mtc::flow(
                mtc::Console {
                    auth_url,
                    app_id,
                    api,
                    lifetime,
                },
                mtc_tenant,
            ),
        };

        Ok(Selection {
            profile: profile_name.to_string(),
            flow,
            secret,
            api_url,
            api_url_refusal,
            min_valid,
            refresh_margin,
            username: p
                .username
                .clone()
                .unwrap_or_else(|| "x-access-token".into()),
            git_auth: p.git_auth.unwrap_or(GitAuth::Auto),
            git_hosts: p.git_hosts.clone(),
            docker_hosts: p.docker_hosts.clone(),
            ca_file,
            log_file,
            secret_vars,
            timeout,
            lock_timeout,
            cache_dir,
            config_path,
            env: env.clone(),
        })
    }
}

/// A number of seconds from the profile, within `min..=max`: anything else
/// (a huge value that would overflow a deadline, say) is a config error.
fn bounded(
    where_: &dyn Fn(&str) -> String,
    key: &str,
    value: Option<u64>,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64> {
    let n = value.unwrap_or(default);
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(Error::config(format!(
            "{} = {n} is out of range: use {min}..={max} seconds",
            where_(key)
        )))
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
                 create it, or drop --profile/CYTOKEN_PROFILE and use CYTOKEN_* variables; \
                 `cytoken check` shows what is found",
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
