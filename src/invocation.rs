//! What the parsed global options mean for one call: the selection flags, how
//! the cache is used, and the selection, resolved only when a command asks for
//! it (so `store`, `version` and bad requests never read a config).

use std::path::PathBuf;

use crate::broker::CacheUse;
use crate::cli::Global;
use crate::config::{self, Env, Flags, ForHost, Selection};
use crate::diag;
use crate::error::Result;

/// One call's global options, interpreted.
pub(crate) struct Invocation {
    pub(crate) flags: Flags,
    pub(crate) cache_use: CacheUse,
    env: Env,
}

impl Invocation {
    pub(crate) fn new(g: &Global) -> Invocation {
        Invocation {
            flags: Flags {
                profile: g.profile.clone(),
                config: g.config.clone(),
                cache_dir: g.cache_dir.clone(),
                tenant_id: g.tenant_id.clone(),
                app_id: g.app_id.clone(),
                region: g.region.clone(),
                auth_url: g.auth_url.clone(),
                scopes: g.scopes.clone(),
                lifetime: g.lifetime,
                source: g.source.clone(),
                min_valid: g.min_valid,
            },
            // clap refuses --no-cache with --force-refresh.
            cache_use: if g.no_cache {
                CacheUse::Bypass
            } else if g.force_refresh {
                CacheUse::Refresh
            } else {
                CacheUse::Use
            },
            env: Env::process(),
        }
    }

    /// The environment the selection is resolved from.
    pub(crate) fn env(&self) -> &Env {
        &self.env
    }

    /// Resolves the selection from flags, the process environment and the config file.
    pub(crate) fn selection(&self) -> Result<Selection> {
        self.selection_for(None)
    }

    /// [`Invocation::selection`] for a git or docker request to `host`, which
    /// picks the profile when none is named ([`Selection::resolve_for`]).
    pub(crate) fn selection_for(&self, host: Option<ForHost<'_>>) -> Result<Selection> {
        let start = std::time::Instant::now();
        let sel = Selection::resolve_for(&self.flags, &self.env, host)?;
        // The profile's log file, once known (CYTOKEN_LOG_FILE was opened at
        // start, so errors in the selection itself are logged too).
        if let Some(path) = &sel.front_end.log_file
            && self.env.var("CYTOKEN_LOG_FILE").is_none()
        {
            diag::set_log_file(path, self.env.home_dir().as_deref());
        }
        diag::step(
            start,
            format_args!(
                "config: profile '{}' from {}; the secret from {}",
                sel.profile,
                sel.config_path
                    .as_ref()
                    .map_or_else(|| "the environment".into(), |p| p.display().to_string()),
                sel.origin("secret")
                    .map_or_else(String::new, |o| o.to_string())
            ),
        );
        Ok(sel)
    }

    /// The cache dir without resolving a whole selection: `cache path`, `list` and
    /// `clear --all` must work even when the config is broken.
    pub(crate) fn cache_dir(&self) -> Result<PathBuf> {
        config::cache_dir(&self.flags, &self.env)
    }
}
