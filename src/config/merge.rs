//! A selection's keys, each resolved through the layering rule
//! ([`super::layer`]) and checked, group by group: identity and claims,
//! cache policy, transport, front-end policy.

use std::path::PathBuf;
use std::time::Duration;

use super::layer::{Check, Layers, Origin, seconds, seconds_in, text};
use super::sources::{check_trusted, resolve_path, secret_source};
use super::{
    CachePolicy, DEFAULT_ISSUER, Env, Flags, Flow, FrontEnd, GitAuth, MAX_LIFETIME,
    MIN_VALID_SLACK, Profile, RESERVED_CLAIMS, SECRET_VAR, ScopeFormat, Selection, Transport,
    default_cache_dir, default_config_path, endpoints,
};
use crate::error::{Error, Result};
use crate::flow::{cylance, mtc};

impl Selection {
    /// Merges flags, environment and one profile into a validated selection.
    pub(super) fn merge(
        flags: &Flags,
        env: &Env,
        profile_name: &str,
        p: &Profile,
        config_path: Option<PathBuf>,
    ) -> Result<Selection> {
        let mut l = Layers::new(env, config_path.as_deref(), profile_name);
        let flow = l.key("flow").profile(p.flow).value(Flow::Cylance)?;
        let (tenant_id, app_id, mtc_tenant) = identity(&mut l, flags, p, flow)?;

        let (secret, secret_from, outranked) = secret_source(p, env, l.file, &|k| l.in_profile(k))?;
        l.record_over("secret", secret_from, outranked);

        let endpoints = endpoints::resolve(flags, env, p, flow, mtc_tenant.as_deref(), &|k| {
            l.in_profile(k)
        })?;
        l.record("auth_url", endpoints.auth_from);
        l.record("api_url", endpoints.api_from);

        let claims = claims(&mut l, flags, p)?;
        let cache_policy = cache_policy(&mut l, flags, p, claims.lifetime)?;
        let transport = transport(&mut l, p)?;
        let front_end = front_end(&mut l, p)?;
        let origins = l.origins;
        let lifetime = i64::try_from(claims.lifetime).unwrap_or(1800);
        // The console's flows send none of the Cylance claims (checked all
        // the same, above).
        let flow = match endpoints.console {
            None => crate::flow::Flow::Cylance(cylance::Cylance {
                auth_url: endpoints.auth_url,
                tenant_id,
                app_id,
                scopes: claims.scopes,
                scope_format: claims.scope_format,
                lifetime,
                source: claims.source,
                issuer: claims.issuer,
                extra_claims: claims.extra_claims,
            }),
            Some(api) => mtc::flow(
                mtc::Console {
                    auth_url: endpoints.auth_url,
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
            api_url: endpoints.api_url,
            api_url_refusal: endpoints.api_url_refusal,
            transport,
            cache_policy,
            front_end,
            origins,
            config_path,
            env: env.clone(),
        })
    }
}

/// The tenant and the app: `(tenant_id, app_id, the console's tenant)`. The
/// console's own token (`flow = "mtc"`) needs no tenant; a tenant's, and
/// every Cylance token, does.
fn identity(
    l: &mut Layers<'_>,
    flags: &Flags,
    p: &Profile,
    flow: Flow,
) -> Result<(String, String, Option<String>)> {
    let tenant_id = l
        .key("tenant_id")
        .flag("--tenant-id", flags.tenant_id.clone())
        .var("CYTOKEN_TENANT_ID", text)
        .profile(p.tenant_id.clone())
        .check(|t| {
            // It goes into the tenant-app URL's path.
            let path_safe = t
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if flow == Flow::Mtc && !path_safe {
                return Err(
                    " must be the tenant's id (letters, digits, - and _), as the \
                            console shows it"
                        .into(),
                );
            }
            an_id(t)
        })?;
    let mtc_tenant = tenant_id.clone().filter(|_| flow == Flow::Mtc);
    let tenant_id = match (tenant_id, flow) {
        (Some(t), _) => t,
        (None, Flow::Mtc) => String::new(),
        (None, Flow::Cylance) => {
            return Err(missing(l, "tenant_id", "--tenant-id", "CYTOKEN_TENANT_ID"));
        }
    };
    let app_id = l
        .key("app_id")
        .flag("--app-id", flags.app_id.clone())
        .var("CYTOKEN_APP_ID", text)
        .profile(p.app_id.clone())
        .check(|a| an_id(a))?
        .ok_or_else(|| missing(l, "app_id", "--app-id", "CYTOKEN_APP_ID"))?;
    Ok((tenant_id, app_id, mtc_tenant))
}

/// An id as the console shows it: not blank, no control characters.
fn an_id(id: &str) -> Check {
    if id.trim().is_empty() || id.chars().any(char::is_control) {
        Err(" is empty or has control characters: set it to the id shown in the console".into())
    } else {
        Ok(())
    }
}

/// The error for a required key no layer sets.
fn missing(l: &Layers<'_>, key: &str, flag: &str, var: &str) -> Error {
    let profile = l.profile;
    Error::config(match l.file {
        Some(p) => format!(
            "no {key} for profile '{profile}': add {key} to [profiles.{profile}] in {}, pass \
             {flag} or set {var}",
            p.display()
        ),
        None => format!(
            "no {key}: there is no config file ({}) and {var} is not set; create it with \
             `cytoken init` (its keys: `man cytoken-config`, or doc/configuration.md) or set \
             the CYTOKEN_* variables; `cytoken check` shows what is found",
            default_config_path(l.env)
                .map_or_else(|| "no config dir".into(), |p| p.display().to_string())
        ),
    })
}

/// What goes into the auth token besides the identity.
struct Contents {
    scopes: Vec<String>,
    scope_format: ScopeFormat,
    /// Within `1..=MAX_LIFETIME`.
    lifetime: u64,
    source: Option<String>,
    issuer: String,
    extra_claims: serde_json::Map<String, serde_json::Value>,
}

fn claims(l: &mut Layers<'_>, flags: &Flags, p: &Profile) -> Result<Contents> {
    let scopes = l
        .key("scopes")
        .flag(
            "--scope",
            Some(flags.scopes.clone()).filter(|s| !s.is_empty()),
        )
        .var("CYTOKEN_SCOPES", scope_list)
        .profile(p.scopes.clone())
        .or(Vec::new(), |scopes| {
            match scopes.iter().position(|s| !is_scope(s)) {
                Some(i) => Err(format!(
                    ": scope number {} is not of the form resource:action (e.g. device:list; \
                     the value is not shown)",
                    i + 1
                )),
                None => Ok(()),
            }
        })?;
    let lifetime = l
        .key("lifetime")
        .flag("--lifetime", flags.lifetime)
        .var("CYTOKEN_LIFETIME", |t| {
            seconds(t).map_err(|e| format!("{e}: use 1..=1800"))
        })
        .profile(p.lifetime)
        .or(MAX_LIFETIME, |&n| {
            if (1..=MAX_LIFETIME).contains(&n) {
                return Ok(());
            }
            Err(format!(
                ": lifetime {n} s is out of range: the service accepts at most 1800 s (30 \
                 minutes) between iat and exp; use 1..=1800"
            ))
        })?;
    let source = l
        .key("source")
        .flag("--source", flags.source.clone())
        .var("CYTOKEN_SOURCE", text)
        .profile(p.source.clone())
        .check(|s| {
            if s.trim().is_empty() || s.chars().any(char::is_control) || s.len() > 256 {
                return Err(
                    " must be a host name, IP or app name (1 to 256 characters, no \
                            control characters)"
                        .into(),
                );
            }
            Ok(())
        })?;
    let extra_claims = l.key("extra_claims").profile(p.extra_claims.clone()).or(
        serde_json::Map::new(),
        |claims| match claims
            .keys()
            .find(|k| RESERVED_CLAIMS.contains(&k.as_str()))
        {
            Some(k) => Err(format!(
                " may not set '{k}': cytoken sets exp, iat, iss, sub, tid, jti, scp and src \
                     itself (use scopes for scp, source for src)"
            )),
            None => Ok(()),
        },
    )?;
    Ok(Contents {
        scopes,
        scope_format: l
            .key("scope_format")
            .profile(p.scope_format)
            .value(ScopeFormat::List)?,
        lifetime,
        source,
        issuer: l
            .key("issuer")
            .profile(p.issuer.clone())
            .value(DEFAULT_ISSUER.into())?,
        extra_claims,
    })
}

/// `CYTOKEN_SCOPES`: comma-separated, blanks around each ignored.
#[allow(clippy::unnecessary_wraps)]
fn scope_list(text: &str) -> std::result::Result<Vec<String>, String> {
    Ok(text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect())
}

/// `resource:action`, both parts present, nothing that would break the claim.
fn is_scope(s: &str) -> bool {
    s.split_once(':')
        .is_some_and(|(r, a)| !r.is_empty() && !a.is_empty() && !s.contains([',', ' ', '"']))
}

fn cache_policy(
    l: &mut Layers<'_>,
    flags: &Flags,
    p: &Profile,
    lifetime: u64,
) -> Result<CachePolicy> {
    let refresh_margin = l
        .key("refresh_margin")
        .profile(p.refresh_margin)
        .or(300, seconds_in(0..=1800))?
        .min(lifetime / 2);
    // A fresh token lives `lifetime` seconds, less the exchange itself and
    // clock differences: ask for more and no token could ever satisfy it.
    let lifetime = i64::try_from(lifetime).unwrap_or(1800);
    let most = lifetime.saturating_sub(MIN_VALID_SLACK).max(0);
    let min_valid = l
        .key("min_valid")
        .flag("--min-valid", flags.min_valid)
        .var("CYTOKEN_MIN_VALID", seconds)
        .profile(p.min_valid)
        .or(0, |&m| {
            let m = i64::try_from(m).unwrap_or(i64::MAX);
            if m <= most {
                return Ok(());
            }
            Err(format!(
                ": min_valid {m} s is more than a token can stay valid: with lifetime {lifetime} \
                 s it can be at most {most} s (the service allows lifetimes up to 1800 s)"
            ))
        })?;
    let lock_timeout = l
        .key("lock_timeout")
        .profile(p.lock_timeout)
        .or(30, seconds_in(1..=600))?;
    Ok(CachePolicy {
        cache_dir: cache_dir_in(l, flags)?,
        // Both are at most 1800 (and min_valid at most the lifetime) here,
        // so the conversions cannot fail.
        refresh_margin: i64::try_from(refresh_margin).unwrap_or(300),
        min_valid: i64::try_from(min_valid).unwrap_or(0),
        lock_timeout: Duration::from_secs(lock_timeout),
    })
}

/// The cache dir: `--cache-dir` > `CYTOKEN_CACHE_DIR` > the default (never a
/// profile's: see [`super::cache_dir`]).
pub(super) fn cache_dir_in(l: &mut Layers<'_>, flags: &Flags) -> Result<PathBuf> {
    let given = l
        .key("cache_dir")
        .flag("--cache-dir", flags.cache_dir.clone())
        .var("CYTOKEN_CACHE_DIR", |t| Ok(PathBuf::from(t)))
        .get()?;
    if let Some(dir) = given {
        return Ok(dir);
    }
    let dir = default_cache_dir(l.env).ok_or_else(|| {
        Error::config(
            "cannot find a cache directory (no HOME?): pass --cache-dir or set CYTOKEN_CACHE_DIR",
        )
    })?;
    l.record("cache_dir", Origin::Default);
    Ok(dir)
}

fn transport(l: &mut Layers<'_>, p: &Profile) -> Result<Transport> {
    let timeout = l
        .key("timeout")
        .profile(p.timeout)
        .or(20, seconds_in(1..=300))?;
    // Checked here, before any request: whoever can change ca_file can
    // intercept the signed auth tokens.
    let (file, env) = (l.file, l.env);
    let ca_file = l
        .key("ca_file")
        .profile(p.ca_file.as_deref().map(|f| resolve_path(f, file, env)))
        .check(|ca| {
            // A path that names nothing may be a value put under the wrong
            // key: it is not quoted.
            if ca.exists() {
                return Ok(());
            }
            Err(
                " names no file (the value is not shown): give the path of a PEM file of CA \
                 certificates"
                    .into(),
            )
        })?;
    if let Some(ca) = &ca_file {
        check_trusted(ca, "ca_file", l.env)?;
    }
    Ok(Transport {
        timeout: Duration::from_secs(timeout),
        ca_file,
    })
}

fn front_end(l: &mut Layers<'_>, p: &Profile) -> Result<FrontEnd> {
    let (file, env) = (l.file, l.env);
    let log_file = l
        .key("log_file")
        .var("CYTOKEN_LOG_FILE", |t| Ok(PathBuf::from(t)))
        .profile(p.log_file.as_deref().map(|f| resolve_path(f, file, env)))
        .get()?;
    // Every variable the secret could have come from, for `exec` to keep
    // from its child even when one overrides the other.
    let mut secret_vars = vec![SECRET_VAR.to_string()];
    secret_vars.extend(
        p.app_secret_env
            .iter()
            .filter(|v| *v != SECRET_VAR)
            .cloned(),
    );
    Ok(FrontEnd {
        username: l
            .key("username")
            .profile(p.username.clone())
            .value("x-access-token".into())?,
        git_auth: l.key("git_auth").profile(p.git_auth).value(GitAuth::Auto)?,
        git_hosts: l.key("git_hosts").profile(p.git_hosts.clone()).get()?,
        docker_hosts: l
            .key("docker_hosts")
            .profile(p.docker_hosts.clone())
            .get()?,
        log_file,
        secret_vars,
    })
}
