//! `cytoken demo`: the whole token flow, offline, against the strict loopback
//! emulator, shown step by step; `demo --serve` keeps that endpoint up for
//! trying git, kubectl and docker wiring by hand.

use std::io::Write;
use std::time::Instant;

use cytoken_emulator::Emulator;

use crate::broker::{Broker, CacheUse};
use crate::cache::Cache;
use crate::clock::{self, rfc3339};
use crate::config::{Env, Flags, Selection};
use crate::error::{Error, Result};
use crate::flow::cylance;
use crate::output::{cache_table, out};
use crate::platform;
use crate::redact::redact;
use crate::secret::{Secret, SecretSource};

const TENANT: &str = "00000000-0000-4000-8000-0000000000de";
/// Devices the API stand-in lists under `demo --serve`.
const DEMO_DEVICES: usize = 450;
const APP: &str = "11111111-1111-4111-8111-1111111111de";

/// Runs the demo; every step's output goes to `w`.
pub fn run(w: &mut dyn Write) -> Result<i32> {
    let io = |e: std::io::Error| Error::other(format!("demo: {e}"));
    let emu = Emulator::start().map_err(io)?;
    // A throwaway secret and cache, so the demo never touches the user's own.
    let secret = uuid::Uuid::new_v4().simple().to_string();
    emu.register_app(TENANT, APP, &secret);
    // A fresh private directory that did not exist before (a name another user
    // could predict and plant a symlink at would let them choose where we write).
    let cache_dir =
        std::env::temp_dir().join(format!("cytoken-demo-{}", uuid::Uuid::new_v4().simple()));
    platform::create_private_dir(&cache_dir, false).map_err(io)?;
    let result = steps(w, &emu, &secret, &cache_dir);
    let _ = std::fs::remove_dir_all(&cache_dir);
    result
}

fn steps(
    w: &mut dyn Write,
    emu: &Emulator,
    secret: &str,
    cache_dir: &std::path::Path,
) -> Result<i32> {
    let flags = Flags {
        tenant_id: Some(TENANT.to_string()),
        app_id: Some(APP.to_string()),
        cache_dir: Some(cache_dir.to_path_buf()),
        auth_url: Some(emu.url()),
        scopes: vec!["device:list".into(), "policy:read".into()],
        ..Flags::default()
    };
    // No variables and no config file: the demo never depends on the user's.
    let sel = Selection::resolve_without_file(&flags, Secret::new(secret.into()), &Env::none())?;

    out(
        w,
        format_args!(
            "cytoken demo — the whole flow against a strict loopback token endpoint\n\n\
         1. selection\n   endpoint  {}\n   tenant    {}\n   app       {}\n   scopes    {}\n   \
         lifetime  {} s (refresh margin {} s)\n\n",
            sel.auth_url,
            sel.tenant_id,
            sel.app_id,
            sel.scopes.join(", "),
            sel.lifetime,
            sel.refresh_margin
        ),
    )?;

    let now = clock::now();
    let claims = cylance::claims(&sel, now);
    out(
        w,
        format_args!(
            "2. auth token: HS256-signed with the app secret; its claims (secret and signature not shown)\n{}\n\n",
            indent(&serde_json::to_string_pretty(&claims).unwrap_or_default())
        ),
    )?;

    let broker = Broker::new(&sel, CacheUse::Use);
    let t = Instant::now();
    let first = broker.token()?;
    out(
        w,
        format_args!(
            "3. exchange: POST {{\"auth_token\": …}} → {{\"access_token\": …}}\n   got {} in {:.1} ms, \
         expires {}; endpoint requests so far: {}\n\n",
            redact(&first.access_token),
            ms(t),
            rfc3339(first.expires_at),
            emu.requests()
        ),
    )?;

    let broker = Broker::new(&sel, CacheUse::Use);
    let t = Instant::now();
    let second = broker.token()?;
    let same = second.access_token == first.access_token;
    out(
        w,
        format_args!(
            "4. second call: served from the cache (cached={}, same token={same}) in {:.3} ms; \
         endpoint requests still: {}\n\n",
            second.cached,
            ms(t),
            emu.requests()
        ),
    )?;

    let accepted = emu.verify_access_token(&second.access_token);
    out(
        w,
        format_args!("5. the API accepts the token as Authorization: Bearer: {accepted}\n\n"),
    )?;

    let mut wrong = sel.clone();
    wrong.secret = SecretSource::Inline(Secret::new("wrong".into()));
    let rejected = Broker::new(&wrong, CacheUse::Bypass).token();
    let rejected = match rejected {
        Err(e) => format!("exit {}: {e}", e.exit_code()),
        Ok(_) => "accepted (unexpected)".into(),
    };
    out(
        w,
        format_args!(
            "6. the endpoint is strict: a token signed with the wrong secret → {rejected}\n\n"
        ),
    )?;

    out(w, format_args!("7. cache list (never the token)\n"))?;
    let cache = Cache::new(cache_dir);
    let entries = cache.list().map_err(|e| Error::other(e.to_string()))?;
    out(
        w,
        format_args!("{}\n", indent(&cache_table(&entries, &[], clock::now()))),
    )?;
    let ok = !first.cached && second.cached && same && accepted && emu.issued() == 1;
    out(
        w,
        format_args!(
            "\n{}\n",
            if ok {
                "demo complete: one exchange, then served from the cache"
            } else {
                "demo FAILED"
            }
        ),
    )?;
    Ok(i32::from(!ok))
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("   {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `cytoken demo --serve`: keeps the strict endpoint up on `listen` and prints
/// the `CYTOKEN_*` lines that point cytoken at it, so git, kubectl and docker
/// wiring can be tried without a tenant. The app secret is random per run and
/// printed only as an `export` line for the user's own shell.
pub(crate) fn serve(listen: &str, w: &mut dyn Write) -> Result<i32> {
    let emu = Emulator::start_on(listen).map_err(|e| {
        Error::usage(format!("demo --serve: cannot listen on {listen}: {e}")).with_source(e)
    })?;
    let secret = uuid::Uuid::new_v4().simple().to_string();
    emu.register_app(TENANT, APP, &secret);
    // The API stand-in answers too: `cytoken api --paginate devices/v2`.
    emu.set_devices(DEMO_DEVICES);
    out(
        w,
        format_args!(
            "# cytoken demo endpoint on {}; paste these lines into a shell, then run\n\
             # `cytoken token`, `cytoken api --paginate devices/v2`, git or docker\n\
             # against it (kubectl sends credentials to https servers only). Ctrl-C\n\
             # stops it.\n\
             export CYTOKEN_AUTH_URL={}\n\
             export CYTOKEN_TENANT_ID={TENANT}\n\
             export CYTOKEN_APP_ID={APP}\n\
             export CYTOKEN_APP_SECRET={secret}\n\
             export CYTOKEN_CACHE_DIR=\"${{TMPDIR:-/tmp}}/cytoken-demo-cache-$(id -u)\"\n",
            emu.addr(),
            emu.url()
        ),
    )?;
    emu.wait()
        .map_err(|e| Error::other(format!("demo endpoint: {e}")).with_source(e))?;
    Ok(0)
}
