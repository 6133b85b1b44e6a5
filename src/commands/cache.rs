//! `cytoken cache list|clear|path`: the cache as a person sees it (never a token).

use std::io::Write;
use std::path::Path;

use crate::broker::Broker;
use crate::cache::Cache;
use crate::cli::CacheCommand;
use crate::clock;
use crate::error::{Error, Result};
use crate::invocation::Invocation;
use crate::output::{cache_table, out};

/// A cache error as the user sees it: a cache dir that may not be used (a
/// symlink, someone else's, writable by others) is a configuration error
/// (exit 2) saying nothing was touched; anything else is exit 1.
fn cache_error(dir: &Path, done: &str) -> impl Fn(std::io::Error) -> Error {
    move |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            Error::config(format!(
                "cache dir {} cannot be used: {e}; nothing was {done}. Point --cache-dir or \
                 CYTOKEN_CACHE_DIR at a directory of yours only you can write",
                dir.display()
            ))
            .with_source(e)
        } else {
            Error::other(format!("cache: {e}")).with_source(e)
        }
    }
}

pub(crate) fn run(inv: &Invocation, c: &CacheCommand, w: &mut dyn Write) -> Result<i32> {
    match c {
        CacheCommand::Path => out(w, format_args!("{}\n", inv.cache_dir()?.display())),
        CacheCommand::Clear { all: true } => {
            let dir = inv.cache_dir()?;
            let n = Cache::of_dir(&dir, inv.env().home_dir())
                .clear_all()
                .map_err(cache_error(&dir, "removed"))?;
            eprintln!(
                "cytoken: removed {n} cached token(s) from {}",
                dir.display()
            );
            Ok(0)
        }
        CacheCommand::Clear { all: false } => {
            let sel = inv.selection()?;
            let removed = Broker::new(&sel, inv.cache_use).clear()?;
            eprintln!(
                "cytoken: {} for profile '{}'",
                if removed {
                    "removed the cached token"
                } else {
                    "no cached token"
                },
                sel.profile
            );
            Ok(0)
        }
        CacheCommand::List => {
            let dir = inv.cache_dir()?;
            let cache = Cache::of_dir(&dir, inv.env().home_dir());
            let entries = cache.list().map_err(cache_error(&dir, "listed"))?;
            let failures = cache.failures().map_err(cache_error(&dir, "listed"))?;
            out(
                w,
                format_args!("{}", cache_table(&entries, &failures, clock::now())),
            )
        }
    }
}
