//! `cytoken status`: per profile, what it is, where its secret lives (never
//! the value), the proxy and trust roots in effect, the cached token's
//! decoded claims and time left, the last recorded failure, and the clients
//! wired to it (gh's `auth status`).
//!
//! Read only and offline: the config, the cache (through the broker), the
//! clients' own config. No exchange, no secret command, no keyring, no
//! write. Exit 0 when every profile shown has a fresh cached token, 1
//! otherwise, 2 for a configuration error.

mod render;
mod wiring;

use std::io::Write;

use crate::broker::{Broker, CacheUse, Cached};
use crate::clock;
use crate::config::{self, Selection};
use crate::error::{Error, Result};
use crate::invocation::Invocation;
use crate::output::out;
use crate::secret::SecretSource;
use wiring::Wiring;

/// What `status` shows of one profile.
struct Shown {
    profile: String,
    /// The profile a command without `-p` uses.
    default: bool,
    /// The profile's facts, or why it cannot be resolved (a config error).
    body: std::result::Result<Facts, String>,
}

/// A resolved profile's facts.
struct Facts {
    flow: &'static str,
    /// Who the token is for and how it is obtained, in the flow's words.
    who: String,
    how: String,
    tenant_id: String,
    app_id: String,
    auth_url: String,
    api_url: String,
    secret_kind: &'static str,
    secret_where: String,
    /// The flag, variable or profile key that chose the secret source.
    secret_set_by: Option<String>,
    cached: Cached,
    /// The proxy and trust roots an exchange would use (from
    /// [`crate::http`], as `check` shows them), or why they are unusable.
    proxy: std::result::Result<String, String>,
    trust_roots: std::result::Result<String, String>,
    git: wiring::Entries,
    docker: wiring::Entries,
    kube: wiring::Entries,
}

impl Facts {
    /// Whether the cached token is fresh (not past its refresh time).
    fn usable(&self, now: i64) -> bool {
        matches!(&self.cached, Cached::Known { entry: Ok(Some((stale_at, _))), .. } if *stale_at > now)
    }
}

pub(crate) fn run(inv: &Invocation, all: bool, json: bool, w: &mut dyn Write) -> Result<i32> {
    let now = clock::now();
    let (selections, default) = if all {
        every_profile(inv)?
    } else {
        let sel = inv.selection()?;
        let default = default_name(inv).unwrap_or_else(|| sel.profile.clone());
        (vec![(sel.profile.clone(), Ok(sel))], default)
    };
    let wiring = Wiring::discover(inv.env());
    let shown: Vec<Shown> = selections
        .into_iter()
        .map(|(name, sel)| Shown {
            default: name == default,
            body: sel
                .map(|s| facts(&s, &wiring, &default))
                .map_err(|e| e.message().to_string()),
            profile: name,
        })
        .collect();
    if json {
        out(w, format_args!("{}\n", render::json(&shown, now)))?;
    } else {
        out(w, format_args!("{}", render::text(&shown, now)))?;
    }
    let broken = shown.iter().any(|s| s.body.is_err());
    let usable = shown
        .iter()
        .all(|s| s.body.as_ref().is_ok_and(|f| f.usable(now)));
    Ok(match (broken, usable) {
        (true, _) => 2,
        (false, true) => 0,
        (false, false) => 1,
    })
}

/// The selections (or their errors) of every profile in the config file,
/// by name, and the default profile's name.
type Every = (Vec<(String, Result<Selection>)>, String);

fn every_profile(inv: &Invocation) -> Result<Every> {
    let path = config::config_path(&inv.flags, inv.env())
        .map(|(p, _)| p)
        .filter(|p| p.exists())
        .ok_or_else(|| {
            Error::config(
                "--all lists the profiles of the config file, and there is none: \
                 `cytoken init` creates one",
            )
        })?;
    let file = config::load_file(&path, inv.env().home_dir().as_deref())?;
    let default = file
        .default_profile
        .clone()
        .unwrap_or_else(|| "default".into());
    let selections = file
        .profiles
        .keys()
        .map(|name| {
            let flags = config::Flags {
                profile: Some(name.clone()),
                ..inv.flags.clone()
            };
            (
                name.clone(),
                Selection::resolve_for(&flags, inv.env(), None),
            )
        })
        .collect();
    Ok((selections, default))
}

/// The profile a command without `-p` uses: the config file's
/// `default_profile`, else `default`; `None` without a config file.
fn default_name(inv: &Invocation) -> Option<String> {
    let (path, _) = config::config_path(&inv.flags, inv.env())?;
    if !path.exists() {
        return None;
    }
    let file = config::load_file(&path, inv.env().home_dir().as_deref()).ok()?;
    Some(file.default_profile.unwrap_or_else(|| "default".into()))
}

fn facts(sel: &Selection, wiring: &Wiring, default: &str) -> Facts {
    let f = sel.flow.facts();
    let (who, how) = sel
        .flow
        .steps()
        .describe(&sel.api_url, sel.cache_policy.refresh_margin);
    let (secret_kind, secret_where) = secret_source(sel);
    // Only the entries that answer for this profile.
    let mine = |entries: &wiring::Entries| -> wiring::Entries {
        entries.as_ref().map_err(Clone::clone).map(|list| {
            list.iter()
                .filter(|(_, p)| p.as_deref().unwrap_or(default) == sel.profile)
                .cloned()
                .collect()
        })
    };
    Facts {
        flow: if sel.flow.cylance().is_some() {
            "cylance"
        } else {
            "mtc"
        },
        who,
        how,
        tenant_id: f.tenant_id.to_string(),
        app_id: f.app_id.to_string(),
        auth_url: f.auth_url.to_string(),
        api_url: sel.api_url.clone(),
        secret_kind,
        secret_where,
        secret_set_by: sel.origin("secret").map(|o| o.to_string()),
        // Read only: `Use` names the entry; nothing is exchanged or written.
        cached: Broker::new(sel, CacheUse::Use).cached(),
        // Local only: the variables, and the root files' checks and reads.
        proxy: crate::http::proxy_in_effect(f.auth_url).map_err(|e| e.message().to_string()),
        trust_roots: crate::http::trust_roots(sel.transport.ca_file.as_deref())
            .map_err(|e| e.message().to_string()),
        git: mine(&wiring.git),
        docker: mine(&wiring.docker),
        kube: mine(&wiring.kube),
    }
}

/// The secret's source: its kind and where it is (an entry name, the
/// command's program, a path, a variable), never the value, and never read.
fn secret_source(sel: &Selection) -> (&'static str, String) {
    match &sel.secret {
        SecretSource::Env(var) => ("env", var.clone()),
        SecretSource::File(path) => ("file", path.display().to_string()),
        SecretSource::Command(argv) => ("command", argv.first().cloned().unwrap_or_default()),
        SecretSource::Keyring(name) => ("keyring", name.clone()),
        SecretSource::Inline(_) => (
            "inline",
            sel.config_path
                .as_ref()
                .map_or_else(|| "the config file".into(), |p| p.display().to_string()),
        ),
    }
}
