//! `cytoken demo`: the whole token flow, offline, against the strict loopback
//! emulator, shown step by step.

use std::io::Write;
use std::time::Instant;

use crate::broker::{Broker, Options};
use crate::commands::{out, rfc3339};
use crate::config::{Flags, Selection};
use crate::error::{Error, Result};
use crate::{authtoken, redact};
use cytoken_emulator::Emulator;

const TENANT: &str = "00000000-0000-4000-8000-00000000d3m0";
const APP: &str = "11111111-1111-4111-8111-11111111d3m0";

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
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&cache_dir)
            .map_err(io)?;
    }
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
    let env = |k: &str| match k {
        "CYTOKEN_TENANT_ID" => Some(TENANT.to_string()),
        "CYTOKEN_APP_ID" => Some(APP.to_string()),
        "CYTOKEN_APP_SECRET" => Some("(demo)".to_string()),
        _ => None,
    };
    let flags = Flags {
        // An explicit empty config keeps the demo independent of the user's file.
        cache_dir: Some(cache_dir.to_path_buf()),
        auth_url: Some(emu.url()),
        scopes: vec!["device:list".into(), "policy:read".into()],
        ..Flags::default()
    };
    let mut sel = Selection::resolve_without_file(&flags, &env)?;
    sel.secret = crate::config::SecretSource::Inline(crate::config::Secret::new(secret.into()));

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

    let now = authtoken::now();
    let claims = authtoken::claims(&sel, now);
    out(
        w,
        format_args!(
            "2. auth token: HS256-signed with the app secret; its claims (secret and signature not shown)\n{}\n\n",
            indent(&serde_json::to_string_pretty(&claims).unwrap_or_default())
        ),
    )?;

    let broker = Broker::new(&sel, Options::default());
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

    let broker = Broker::new(&sel, Options::default());
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
    wrong.secret = crate::config::SecretSource::Inline(crate::config::Secret::new("wrong".into()));
    let rejected = Broker::new(
        &wrong,
        Options {
            no_cache: true,
            force_refresh: false,
        },
    )
    .token();
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

    out(w, format_args!("7. cache list\n"))?;
    let entries = crate::cache::Cache::new(cache_dir.to_path_buf())
        .list()
        .map_err(|e| Error::other(e.to_string()))?;
    for (name, found) in entries {
        if let crate::cache::Found::Ok(e) = found {
            out(
                w,
                format_args!(
                    "   {name}  profile={} app={} scopes={} expires={} (never the token)\n",
                    e.profile,
                    e.app_id,
                    e.scopes.join(","),
                    rfc3339(e.expires_at)
                ),
            )?;
        }
    }
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
