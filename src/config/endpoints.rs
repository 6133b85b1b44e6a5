//! Where tokens come from and where they go: the token endpoint (`auth_url`
//! or `region`) and the API base, for the Cylance flow and for the
//! multi-tenant console (DESIGN §1, §10, §11).

use super::layer::Origin;
use super::service::{MTC_REGION_NAMES, mtc_auth_url, mtc_protect_region, region_url};
use super::{Env, Flags, Flow, Profile};
use crate::error::{Error, Result};

/// The endpoints of one selection.
pub(crate) struct Endpoints {
    pub(crate) auth_url: String,
    pub(crate) api_url: String,
    /// With `flow = "mtc"`: the console's API base (the token URL without its
    /// `auth`), where `tenants/tenant-app/<tenant>` is asked.
    pub(crate) console: Option<String>,
    /// Why `api_url` may not be used as resolved (see [`Selection::api_url_refusal`]).
    ///
    /// [`Selection::api_url_refusal`]: super::Selection::api_url_refusal
    pub(crate) api_url_refusal: Option<String>,
    /// Where the token endpoint came from (`auth_url` or `region`, by layer).
    pub(crate) auth_from: Origin,
    /// Where the API base came from.
    pub(crate) api_from: Origin,
}

pub(crate) fn resolve(
    flags: &Flags,
    env: &Env,
    p: &Profile,
    flow: Flow,
    tenant: Option<&str>,
    where_: &dyn Fn(&str) -> String,
) -> Result<Endpoints> {
    let region_of = |r: &str| match flow {
        Flow::Cylance => region_url(r),
        Flow::Mtc => mtc_auth_url(r),
    };
    // Layer by layer (flags, then environment, then profile): the first layer
    // that names an endpoint wins, and within a layer auth_url beats region.
    let layers = [
        (flags.auth_url.clone(), flags.region.clone()),
        (env.var("CYTOKEN_AUTH_URL"), env.var("CYTOKEN_REGION")),
        (p.auth_url.clone(), p.region.clone()),
    ];
    let named = layers
        .into_iter()
        .enumerate()
        .find(|(_, (u, r))| u.is_some() || r.is_some());
    // Where a value came from, for its error: the flag, the variable, or the
    // file and profile.
    let source = |key: &str| match named.as_ref().map(|(layer, _)| *layer) {
        Some(0) => format!("--{}", key.replace('_', "-")),
        Some(1) => format!("CYTOKEN_{}", key.to_ascii_uppercase()),
        _ => where_(key),
    };
    let in_source =
        |key: &str, e: Error| Error::config(format!("{}: {}", source(key), e.message()));
    let region = named
        .as_ref()
        .and_then(|(_, (_, r))| r.clone())
        .unwrap_or_else(|| match flow {
            Flow::Cylance => "na".into(),
            Flow::Mtc => "us".into(),
        });
    let explicit_url = matches!(&named, Some((_, (Some(_), _))));
    let auth_from = match &named {
        Some((0, (Some(_), _))) => Origin::Flag("--auth-url"),
        Some((0, _)) => Origin::Flag("--region"),
        Some((1, (Some(_), _))) => Origin::Var("CYTOKEN_AUTH_URL"),
        Some((1, _)) => Origin::Var("CYTOKEN_REGION"),
        Some((_, (Some(_), _))) => Origin::Profile("auth_url"),
        Some(_) => Origin::Profile("region"),
        None => Origin::Default,
    };
    let auth_url = match &named {
        Some((_, (Some(u), _))) => u.clone(),
        // A bad region names the flag, the variable or the file and key.
        Some((_, (None, Some(r)))) => region_of(r).map_err(|e| in_source("region", e))?,
        _ => region_of(&region)?,
    };
    crate::endpoint::check_auth_url(&auth_url).map_err(|e| in_source("auth_url", e))?;
    let origin = {
        let uri: ureq::http::Uri = auth_url.trim().parse().map_err(|_| {
            Error::config(format!(
                "auth_url {} is not a valid URL",
                crate::redact::quote_origin(&auth_url)
            ))
        })?;
        let scheme = uri.scheme_str().unwrap_or("https");
        let authority = uri.authority().map_or("", |a| a.as_str());
        format!("{scheme}://{authority}/")
    };
    match flow {
        // A region's API host is its token host.
        Flow::Cylance => {
            let (api_url, api_from) = api_url(env, p, &origin, where_)?;
            Ok(Endpoints {
                api_url,
                auth_url,
                console: None,
                api_url_refusal: None,
                auth_from,
                api_from,
            })
        }
        Flow::Mtc => {
            let ends = Ends {
                auth_url,
                region,
                explicit_url,
                auth_from,
            };
            mtc(ends, env, p, tenant, where_, &source)
        }
    }
}

/// The token endpoint as resolved, before the API base.
struct Ends {
    auth_url: String,
    region: String,
    /// Whether a layer gave `auth_url` (not a region).
    explicit_url: bool,
    auth_from: Origin,
}

/// The console's endpoints: its API base, and the tenants' API base (the
/// tenant's Protect region, or `api_url`). `source` names where a key's
/// value came from.
fn mtc(
    ends: Ends,
    env: &Env,
    p: &Profile,
    tenant: Option<&str>,
    where_: &dyn Fn(&str) -> String,
    source: &dyn Fn(&str) -> String,
) -> Result<Endpoints> {
    let Ends {
        auth_url,
        region,
        explicit_url,
        auth_from,
    } = ends;
    let in_source =
        |key: &str, e: Error| Error::config(format!("{}: {}", source(key), e.message()));
    let console = auth_url
        .trim()
        .strip_suffix("auth")
        .filter(|b| b.ends_with('/'))
        .ok_or_else(|| {
            Error::config(format!(
                "{}: with flow = \"mtc\" the token URL must end in /auth (the \
                 console's API is the same prefix), e.g. \
                 https://api-admin.cylance.com/public/v2/us/auth",
                source("auth_url")
            ))
        })?
        .to_string();
    // The console's token works against the console; a tenant's
    // token against its Protect region.
    let default = if tenant.is_some() {
        let protect = region_url(mtc_protect_region(&region).map_err(|e| in_source("region", e))?)?;
        protect
            .strip_suffix(super::service::TOKEN_PATH)
            .map_or_else(|| protect.clone(), |host| format!("{host}/"))
    } else {
        console.clone()
    };
    // A console of its own (a test or staging console) with the
    // production Protect host as its tenants' API: a token of that
    // console must never reach production, so `api` needs api_url.
    let api_url_given = env.var("CYTOKEN_API_URL").is_some() || p.api_url.is_some();
    let custom = || {
        explicit_url
            && !MTC_REGION_NAMES
                .iter()
                .any(|r| mtc_auth_url(r).is_ok_and(|u| u == auth_url.trim()))
    };
    let api_url_refusal = (tenant.is_some() && !api_url_given && custom()).then(|| {
        format!(
            "{} names a console of its own ({}) and no api_url is set, so the tenant's \
             API base would be the production Protect host of region '{region}': set \
             api_url in the profile (or CYTOKEN_API_URL) to that console's tenant API",
            source("auth_url"),
            crate::redact::quote_url(&auth_url)
        )
    });
    // `api_url` (and `CYTOKEN_API_URL`) is the tenants' API base, as the
    // refusal above says: the console's own token only ever goes to the
    // console it came from (its `tenants/list`), whatever it is.
    let (api_url, api_from) = if tenant.is_some() {
        api_url(env, p, &default, where_)?
    } else {
        (default, Origin::Default)
    };
    Ok(Endpoints {
        api_url,
        auth_url,
        console: Some(console),
        api_url_refusal,
        auth_from,
        api_from,
    })
}

/// The API base and where it came from: `CYTOKEN_API_URL` > the profile's
/// `api_url` > `default`. The bearer token goes
/// there, so it is held to the same policy as auth_url (https, plain http to
/// loopback only, no userinfo) and must not carry a query.
fn api_url(
    env: &Env,
    p: &Profile,
    default: &str,
    where_: &dyn Fn(&str) -> String,
) -> Result<(String, Origin)> {
    let (url, key, from) = match (env.var("CYTOKEN_API_URL"), &p.api_url) {
        (Some(u), _) => (
            u,
            "CYTOKEN_API_URL".to_string(),
            Origin::Var("CYTOKEN_API_URL"),
        ),
        (None, Some(u)) => (u.clone(), where_("api_url"), Origin::Profile("api_url")),
        (None, None) => return Ok((default.to_string(), Origin::Default)),
    };
    let refuse = |why: String| Error::config(format!("{key}: {why}"));
    crate::endpoint::check_auth_url(&url).map_err(|e| {
        refuse(
            e.message()
                .replacen("auth_url", "api_url", 1)
                .replace("/auth/v2/token", "/"),
        )
    })?;
    if url.contains(['?', '#']) {
        return Err(refuse(format!(
            "api_url {} has a query or fragment: give the API base only, e.g. https://protectapi.cylance.com/",
            crate::redact::quote_origin(&url)
        )));
    }
    Ok((url.trim().to_string(), from))
}
