//! Writing answers for people and scripts: the `token` formats and the cache
//! listing (shared by `cache list` and `demo`). A write that fails (a closed
//! pipe, a full disk) fails the command.

use std::io::Write;

use clap::ValueEnum;

use crate::cache::{Entry, Failure, Found};
use crate::clock::rfc3339;
use crate::error::{Error, Result};
use crate::source::Token;

/// The shapes of `cytoken token --format`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// The token and a newline
    #[default]
    Raw,
    /// {"access_token","token_type","expires_at","expires_in","cached","scopes"}
    Json,
    /// `Authorization: Bearer <token>`
    // Spelled out: the doc comment is rustdoc's (markdown), the help clap's.
    #[value(help = "Authorization: Bearer <token>")]
    Header,
}

/// Writes to stdout; a closed pipe or full disk is a failure of the command.
pub(crate) fn out(w: &mut dyn Write, args: std::fmt::Arguments) -> Result<i32> {
    w.write_fmt(args).and_then(|()| w.flush()).map_err(|e| {
        Error::other(format!("cannot write to standard output: {e}")).with_source(e)
    })?;
    Ok(0)
}

/// Prints a token in one of the `token --format` shapes.
pub(crate) fn write_token(tok: &Token, format: Format, now: i64, w: &mut dyn Write) -> Result<i32> {
    match format {
        Format::Raw => out(w, format_args!("{}\n", tok.access_token.expose())),
        Format::Header => out(
            w,
            format_args!("Authorization: Bearer {}\n", tok.access_token.expose()),
        ),
        Format::Json => {
            let mut v = serde_json::json!({
                "access_token": tok.access_token.expose(),
                "token_type": "Bearer",
                "expires_at": rfc3339(tok.expires_at),
                "expires_in": tok.expires_at.saturating_sub(now).max(0),
                "cached": tok.cached,
            });
            // The token's own `scp` claim (what it grants), when it is a JWT
            // that has one: not verified, only shown.
            if let Some(scopes) =
                crate::claims::decode(tok.access_token.expose()).and_then(|c| c.scopes.0)
            {
                v["scopes"] = scopes.into();
            }
            out(w, format_args!("{v}\n"))
        }
    }
}

/// The cache listing as `cache list` and `demo` show it: profile, tenant, app,
/// expiry, time left and scopes per entry (never the token), and a line for
/// each entry that cannot be trusted.
pub(crate) fn cache_table(
    entries: &[(String, Found<Entry>)],
    failures: &[(String, Failure)],
    now: i64,
) -> String {
    let mut text = String::new();
    if entries.is_empty() {
        text.push_str("no cached tokens\n");
    } else {
        text.push_str(&entry_rows(entries, now));
    }
    if !failures.is_empty() {
        text.push_str("\nrecorded failures (callers fail fast with these until they run out):\n");
    }
    for (name, f) in failures {
        let state = if f.until > now {
            format!("in force for {} s", f.until.saturating_sub(now))
        } else {
            "run out".to_string()
        };
        let status = if f.unavailable {
            "unavailable".to_string()
        } else {
            f.status.to_string()
        };
        text.push_str(&format!(
            "{name}  {}  {status}  {state}: {}\n",
            if f.at > 0 { rfc3339(f.at) } else { "-".into() },
            f.message
        ));
    }
    text
}

fn entry_rows(entries: &[(String, Found<Entry>)], now: i64) -> String {
    let mut text = String::new();
    text.push_str(&format!(
        "{:<12} {:<38} {:<38} {:<22} {:>9}  {}\n",
        "PROFILE", "TENANT", "APP", "EXPIRES", "LEFT", "SCOPES"
    ));
    for (name, found) in entries {
        match found {
            Found::Ok(e) => {
                let left = e.expires_at.saturating_sub(now);
                let left = if left > 0 {
                    format!("{}m{:02}s", left / 60, left % 60)
                } else {
                    "expired".into()
                };
                text.push_str(&format!(
                    "{:<12} {:<38} {:<38} {:<22} {:>9}  {}\n",
                    e.profile,
                    e.tenant_id,
                    e.app_id,
                    rfc3339(e.expires_at),
                    left,
                    if e.scopes.is_empty() {
                        "-".into()
                    } else {
                        e.scopes.join(",")
                    }
                ));
            }
            Found::Untrusted(why) => {
                text.push_str(&format!("{name}: untrusted entry ({why})\n"));
            }
            Found::Missing => {}
        }
    }
    text
}

/// `s` as one literal shell word (and env-file value): as written when it
/// holds only characters no shell treats specially, else single-quoted.
pub(crate) fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+:,@%=".contains(&b));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
