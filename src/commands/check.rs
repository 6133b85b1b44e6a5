//! `cytoken check`: a checklist a person can act on — config, secret source,
//! permissions, cache dir, clock, and one live exchange — with the exit status of
//! the worst finding.

use std::io::Write;
use std::time::Instant;

use crate::broker::{Broker, CacheUse};
use crate::cache::Cache;
use crate::clock::{self, rfc3339};
use crate::config::{self, Selection};
use crate::error::{Context as _, Error, Kind, Result};
use crate::invocation::Invocation;
use crate::output::out;
use crate::platform;
use crate::redact::redact;

struct Report {
    text: String,
    worst: Option<Error>,
}

impl Report {
    fn ok(&mut self, what: &str, detail: impl std::fmt::Display) {
        self.text
            .push_str(&format!("  ok    {what:<14} {detail}\n"));
    }
    fn warn(&mut self, what: &str, detail: impl std::fmt::Display) {
        self.text
            .push_str(&format!("  warn  {what:<14} {detail}\n"));
    }
    fn fail(&mut self, what: &str, e: Error) {
        self.text.push_str(&format!("  FAIL  {what:<14} {e}\n"));
        let worse = self
            .worst
            .as_ref()
            .is_none_or(|w| e.exit_code() > w.exit_code());
        if worse {
            self.worst = Some(e);
        }
    }
}

/// Runs the checks and prints the report; the exit status is the worst finding's.
pub(crate) fn run(inv: &Invocation, offline: bool, w: &mut dyn Write) -> Result<i32> {
    let mut r = Report {
        text: String::from("cytoken check\n"),
        worst: None,
    };
    check_binary(inv, &mut r);
    let sel = check_config(inv, &mut r);
    if let Some(sel) = &sel {
        check_selection(sel, inv.cache_use, offline, &mut r);
    }
    let code = r.worst.as_ref().map_or(0, Error::exit_code);
    r.text.push_str(match code {
        0 => "all checks passed\n",
        _ => "some checks failed: fix the FAIL lines above\n",
    });
    out(w, format_args!("{}", r.text))?;
    Ok(code)
}

/// Which file a bare program name runs, as found on `PATH` (not walked: the
/// user's own choice, DESIGN §5); a program written with a path says itself.
fn ran_program(program: &str) -> String {
    match crate::secret::resolve_program(program) {
        Some(p) if p.as_os_str() == program => String::new(),
        Some(p) => format!(" ({program} is {})", p.display()),
        None => format!(" ({program} is not on PATH)"),
    }
}

/// The running cytoken binary is a trusted path (DESIGN §5): git, docker
/// and kubectl run it as the user, so whoever can replace it runs code as
/// them.
fn check_binary(inv: &Invocation, r: &mut Report) {
    match std::env::current_exe() {
        Ok(exe) => match platform::trusted_binary(&exe, inv.env().home_dir().as_deref()) {
            Ok(()) => r.ok("cytoken binary", exe.display()),
            Err(why) => r.fail("cytoken binary", Error::config(why)),
        },
        Err(e) => r.warn(
            "cytoken binary",
            format_args!("cannot tell where it is ({e})"),
        ),
    }
}

fn check_config(inv: &Invocation, r: &mut Report) -> Option<Selection> {
    let path = config::config_path(&inv.flags, inv.env()).map(|(p, _)| p);
    let mut file_error = None;
    match &path {
        // The whole file, every profile: the commands themselves parse only the
        // selected profile's part of a large file.
        Some(p) if p.exists() => match config::load_file(p, inv.env().home_dir().as_deref())
            .and_then(|_| {
                platform::access_path(p).context(Kind::Config, |e| format!("{}: {e}", p.display()))
            }) {
            Err(e) => {
                file_error = Some(e.message().to_string());
                r.fail("config file", e);
            }
            Ok(a) if a.group_or_other => r.warn(
                "config file",
                format_args!(
                    "{} is readable by others ({a}): fine without an inline secret, \
                     but {} costs nothing",
                    p.display(),
                    platform::private_fix(p)
                ),
            ),
            Ok(a) => r.ok(
                "config file",
                format_args!("{} (private, {a})", p.display()),
            ),
        },
        Some(p) => r.warn(
            "config file",
            format_args!("{} not found; using CYTOKEN_* variables only", p.display()),
        ),
        None => r.warn(
            "config file",
            "no config directory; using CYTOKEN_* variables only",
        ),
    }
    match inv.selection() {
        Ok(sel) => {
            let (profile, endpoint) = describe(&sel);
            r.ok("profile", profile);
            r.ok("endpoint", endpoint);
            Some(sel)
        }
        // The same mistake the config file line already showed: once is enough.
        Err(e) if file_error.as_deref() == Some(e.message()) => None,
        Err(e) => {
            r.fail("profile", e);
            None
        }
    }
}

/// The `profile` and `endpoint` lines, in the words of the flow the
/// profile uses: a console's grant has no tenant, scopes or lifetime of
/// cytoken's choosing.
fn describe(sel: &Selection) -> (String, String) {
    let (who, how) = sel
        .flow
        .steps()
        .describe(&sel.api_url, sel.cache_policy.refresh_margin);
    (format!("'{}': {who}", sel.profile), how)
}

fn check_selection(sel: &Selection, cache_use: CacheUse, offline: bool, r: &mut Report) {
    check_secret_and_transport(sel, r);
    check_cache_dir(sel, cache_use, r);
    // A failure recorded for this selection makes its callers fail fast (for
    // 10 s) without asking the endpoint: say so, since only -v would.
    // (Not with --no-cache, which promises not to touch the cache at all.)
    let cached = Broker::new(sel, cache_use);
    let recorded = if cache_use == CacheUse::Bypass {
        None
    } else {
        cached.recorded_failure()
    };
    if let Some(f) = &recorded {
        let left = f.until.saturating_sub(clock::now()).max(0);
        r.warn(
            "last failure",
            format_args!(
                "{} (recorded, answered without asking for another {left} s){}",
                f.message,
                if offline {
                    "; a live `cytoken check` clears it once the exchange works"
                } else {
                    ""
                }
            ),
        );
    }
    if offline {
        r.ok(
            "clock",
            format_args!(
                "local time {} (compared with the server's on a live check)",
                rfc3339(clock::now())
            ),
        );
        r.warn("exchange", "skipped (--offline)");
        return;
    }
    check_exchange(sel, &cached, recorded.is_some(), r);
}

/// The secret (read, never shown), the CA file, trust roots and proxy.
fn check_secret_and_transport(sel: &Selection, r: &mut Report) {
    match sel.resolve_secret() {
        Ok(_) => r.ok(
            "secret",
            match &sel.secret {
                crate::secret::SecretSource::Keyring(name) => format!(
                    "keyring entry '{name}' exists in {} (its value is not shown)",
                    crate::secret::keyring::store_name()
                ),
                crate::secret::SecretSource::Command(argv) => format!(
                    "read from {}{}",
                    sel.secret.describe(),
                    ran_program(&argv[0])
                ),
                other => format!("read from {}", other.describe()),
            },
        ),
        Err(e) => r.fail("secret", e),
    }
    if let Some(ca) = &sel.transport.ca_file {
        match std::fs::metadata(ca) {
            Ok(_) => r.ok("ca_file", ca.display()),
            Err(e) => r.fail("ca_file", Error::config(format!("{}: {e}", ca.display()))),
        }
    }
    match crate::http::trust_roots(sel.transport.ca_file.as_deref()) {
        Ok(roots) => r.ok("trust roots", roots),
        Err(e) => r.fail("trust roots", e),
    }
    match crate::http::proxy_in_effect(sel.flow.facts().auth_url) {
        Ok(proxy) => r.ok("proxy", proxy),
        Err(e) => r.fail("proxy", e),
    }
}

/// The cache dir: made private and writable, or why tokens go uncached.
fn check_cache_dir(sel: &Selection, cache_use: CacheUse, r: &mut Report) {
    if cache_use == CacheUse::Bypass {
        r.ok("cache dir", "not used (--no-cache)");
    } else {
        let cache = Cache::of(sel);
        match cache.ensure_dir() {
            Ok(()) => match cache.probe_writable() {
                Ok(()) => {
                    r.ok(
                        "cache dir",
                        format_args!(
                            "{} (private, writable)",
                            sel.cache_policy.cache_dir.display()
                        ),
                    );
                }
                Err(e) => r.warn(
                    "cache dir",
                    format_args!(
                        "{} is not writable ({e}): tokens will not be cached",
                        sel.cache_policy.cache_dir.display()
                    ),
                ),
            },
            Err(e) => r.warn(
                "cache dir",
                format_args!(
                    "{} unusable ({e}): tokens will not be cached",
                    sel.cache_policy.cache_dir.display()
                ),
            ),
        }
    }
}

/// A live exchange, never the cached token (and never a cache write); a
/// failure recorded for the selection (`cached`'s) is cleared once it works.
fn check_exchange(sel: &Selection, cached: &Broker<'_>, recorded: bool, r: &mut Report) {
    let start = Instant::now();
    match Broker::new(sel, CacheUse::Bypass).token() {
        Ok(t) => {
            if recorded {
                cached.forget_failure();
                r.ok("last failure", "cleared: the exchange works now");
            }
            r.ok(
                "exchange",
                format_args!(
                    "got {} in {} ms, expires {}",
                    redact(t.access_token.expose()),
                    start.elapsed().as_millis(),
                    rfc3339(t.expires_at)
                ),
            );
            match t.clock_skew {
                Some(d) if d.abs() > 30 => r.warn(
                    "clock",
                    format_args!(
                        "the local clock is {} s {} the server's: fix it (enable NTP) before \
                         the service starts rejecting tokens",
                        d.abs(),
                        if d > 0 { "ahead of" } else { "behind" }
                    ),
                ),
                Some(d) => r.ok(
                    "clock",
                    format_args!("within {} s of the server's", d.abs()),
                ),
                None => r.ok("clock", "the server sent no Date to compare with"),
            }
        }
        Err(e) => r.fail("exchange", e),
    }
}
