//! `cytoken cache list|clear|path`: the cache as a person sees it (never a token).

use std::io::Write;

use crate::broker::Broker;
use crate::cache::Cache;
use crate::cli::CacheCommand;
use crate::clock;
use crate::error::{Error, Result};
use crate::invocation::Invocation;
use crate::output::{cache_table, out};

pub(crate) fn run(inv: &Invocation, c: &CacheCommand, w: &mut dyn Write) -> Result<i32> {
    let io_err = |e: std::io::Error| Error::other(format!("cache: {e}"));
    match c {
        CacheCommand::Path => out(w, format_args!("{}\n", inv.cache_dir()?.display())),
        CacheCommand::Clear { all: true } => {
            let dir = inv.cache_dir()?;
            let n = Cache::new(&dir).clear_all().map_err(io_err)?;
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
            let cache = Cache::new(&dir);
            let entries = cache.list().map_err(io_err)?;
            let failures = cache.failures().map_err(io_err)?;
            out(
                w,
                format_args!("{}", cache_table(&entries, &failures, clock::now())),
            )
        }
    }
}
