//! `status`'s two shapes: a short block per profile for people (`ok`/`X`
//! marks, times relative and absolute) and one JSON object per profile for
//! scripts (the keys `status --help` documents). Neither holds a token or a
//! secret.

use serde_json::{Value, json};

use super::{Facts, Shown, wiring};
use crate::broker::Cached;
use crate::cache::{Entry, Failure};
use crate::claims::{self, Claims};
use crate::clock::rfc3339;

/// A span of seconds as people read it: `1d 2h`, `1h 05m`, `4m 09s`, `12s`.
fn span(secs: i64) -> String {
    let s = secs.unsigned_abs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        3600..86_400 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// `at` relative to `now` and absolute: `in 5m 00s (2026-…Z)`, `3s ago (…)`.
fn when(at: i64, now: i64) -> String {
    let rel = if at > now {
        format!("in {}", span(at - now))
    } else {
        format!("{} ago", span(now - at))
    };
    format!("{rel} ({})", rfc3339(at))
}

/// The human report: a block per profile.
pub(super) fn text(shown: &[Shown], now: i64) -> String {
    let mut t = String::new();
    for (i, s) in shown.iter().enumerate() {
        if i > 0 {
            t.push('\n');
        }
        t.push_str(&format!(
            "{}{}\n",
            s.profile,
            if s.default { " (default profile)" } else { "" }
        ));
        match &s.body {
            Ok(f) => block(&mut t, f, now),
            Err(e) => line(&mut t, "X", "config", e),
        }
    }
    t
}

fn line(t: &mut String, mark: &str, what: &str, detail: impl std::fmt::Display) {
    t.push_str(&format!("  {mark:<2} {what:<9} {detail}\n"));
}

fn block(t: &mut String, f: &Facts, now: i64) {
    token_lines(t, &f.cached, now);
    line(t, "-", "flow", format_args!("{}: {}", f.flow, f.who));
    line(t, "-", "endpoint", &f.how);
    // The variable a secret is read from names itself.
    let set_by = match &f.secret_set_by {
        Some(o) if *o != f.secret_where => format!("; set by {o}"),
        _ => String::new(),
    };
    let kind = match f.secret_kind {
        "env" => "environment variable",
        "command" => "command (not run by status)",
        "keyring" => "keyring entry (not read by status)",
        "inline" => "app_secret in",
        other => other,
    };
    line(
        t,
        "-",
        "secret",
        format_args!("{kind} {}{set_by}", f.secret_where),
    );
    // An unusable proxy or root variable fails the next exchange, not the
    // cached token: marked, without changing the exit status.
    for (what, v) in [("proxy", &f.proxy), ("tls roots", &f.trust_roots)] {
        match v {
            Ok(v) => line(t, "-", what, v),
            Err(e) => line(t, "X", what, e),
        }
    }
    if let Cached::Known {
        failure: Some(fail),
        ..
    } = &f.cached
    {
        let mark = if fail.until > now { "X" } else { "-" };
        line(t, mark, "failure", failure_text(fail, now));
    }
    wiring_line(t, "git", &f.git);
    wiring_line(t, "docker", &f.docker);
    wiring_line(t, "kubectl", &f.kube);
}

fn failure_text(f: &Failure, now: i64) -> String {
    let what = if f.unavailable {
        "endpoint unavailable".to_string()
    } else {
        format!("rejected ({})", f.status)
    };
    let state = if f.until > now {
        format!("callers fail fast with it for {} more", span(f.until - now))
    } else {
        "run out".to_string()
    };
    let at = if f.at > 0 {
        format!("recorded {}", when(f.at, now))
    } else {
        "recorded".into()
    };
    format!("{what}, {at}, {state}: {}", f.message)
}

fn wiring_line(t: &mut String, client: &str, entries: &wiring::Entries) {
    match entries {
        Ok(list) if list.is_empty() => line(t, "-", client, "not wired to this profile"),
        Ok(list) => {
            let places: Vec<&str> = list.iter().map(|(p, _)| p.as_str()).collect();
            line(t, "-", client, places.join(", "));
        }
        Err(why) => line(t, "-", client, why),
    }
}

fn token_lines(t: &mut String, cached: &Cached, now: i64) {
    let entry = match cached {
        Cached::Unidentified(why) => {
            return line(
                t,
                "X",
                "token",
                format_args!("cannot tell which cache entry is this profile's: {why}"),
            );
        }
        Cached::Empty
        | Cached::Known {
            entry: Ok(None), ..
        } => {
            return line(t, "X", "token", "none cached: the next call exchanges one");
        }
        Cached::Known {
            entry: Err(why), ..
        } => {
            return line(
                t,
                "X",
                "token",
                format_args!("the cache entry is not trusted ({why}): the next call replaces it"),
            );
        }
        Cached::Known {
            entry: Ok(Some(e)), ..
        } => e,
    };
    let (stale_at, e) = entry;
    if *stale_at > now {
        line(
            t,
            "ok",
            "token",
            format_args!(
                "valid, expires {}; refresh due {}",
                when(e.expires_at, now),
                when(*stale_at, now)
            ),
        );
    } else if e.expires_at > now {
        line(
            t,
            "X",
            "token",
            format_args!(
                "past its refresh time, expires {}: the next call refreshes it",
                when(e.expires_at, now)
            ),
        );
    } else {
        line(
            t,
            "X",
            "token",
            format_args!(
                "expired {}: the next call exchanges a new one",
                when(e.expires_at, now)
            ),
        );
    }
    match claims::decode(e.access_token.expose()) {
        Some(c) => line(t, "-", "claims", claims_text(&c, now)),
        None => line(
            t,
            "-",
            "claims",
            "the token is not a JWT: no claims to show",
        ),
    }
}

fn claims_text(c: &Claims, now: i64) -> String {
    let mut parts = vec![match &c.scopes.0 {
        Some(s) if s.is_empty() => "scopes none".to_string(),
        Some(s) => format!("scopes {}", s.join(", ")),
        None => "no scp claim".to_string(),
    }];
    if let Some(iat) = c.issued_at.0 {
        parts.push(format!("issued {}", when(iat, now)));
    }
    if let Some(exp) = c.expires_at.0 {
        parts.push(format!("exp {}", when(exp, now)));
    }
    for (name, v) in [
        ("tenant", &c.tenant.0),
        ("subject", &c.subject.0),
        ("issuer", &c.issuer.0),
    ] {
        if let Some(v) = v {
            parts.push(format!("{name} {}", crate::redact::quote(v)));
        }
    }
    parts.join("; ")
}

/// The JSON report: an array of one object per profile.
pub(super) fn json(shown: &[Shown], now: i64) -> Value {
    Value::Array(shown.iter().map(|s| profile_json(s, now)).collect())
}

fn profile_json(s: &Shown, now: i64) -> Value {
    let f = match &s.body {
        Ok(f) => f,
        Err(e) => {
            return json!({
                "profile": s.profile,
                "default": s.default,
                "usable": false,
                "error": e,
            });
        }
    };
    json!({
        "profile": s.profile,
        "default": s.default,
        "usable": f.usable(now),
        "flow": f.flow,
        "tenant_id": f.tenant_id,
        "app_id": f.app_id,
        "auth_url": f.auth_url,
        "api_url": f.api_url,
        "secret": {
            "kind": f.secret_kind,
            "where": f.secret_where,
            "set_by": f.secret_set_by,
        },
        "proxy": f.proxy.as_ref().ok(),
        "trust_roots": f.trust_roots.as_ref().ok(),
        "transport_errors": {
            "proxy": f.proxy.as_ref().err(),
            "trust_roots": f.trust_roots.as_ref().err(),
        },
        "cache_key": match &f.cached {
            Cached::Known { key, .. } => Value::from(key.as_str()),
            _ => Value::Null,
        },
        "token": token_json(&f.cached, now),
        "failure": match &f.cached {
            Cached::Known { failure: Some(fail), .. } => failure_json(fail, now),
            _ => Value::Null,
        },
        "wiring": wiring_json(&f.git, &f.docker, &f.kube),
    })
}

fn token_json(cached: &Cached, now: i64) -> Value {
    let (state, note) = match cached {
        Cached::Unidentified(why) => ("unknown", Some(why.as_str())),
        Cached::Empty
        | Cached::Known {
            entry: Ok(None), ..
        } => ("none", None),
        Cached::Known {
            entry: Err(why), ..
        } => ("untrusted", Some(why.as_str())),
        Cached::Known {
            entry: Ok(Some((stale_at, e))),
            ..
        } => return entry_json(*stale_at, e, now),
    };
    json!({ "state": state, "note": note })
}

fn entry_json(stale_at: i64, e: &Entry, now: i64) -> Value {
    let state = if stale_at > now {
        "fresh"
    } else if e.expires_at > now {
        "stale"
    } else {
        "expired"
    };
    let claims = claims::decode(e.access_token.expose()).map(|c| {
        json!({
            "scopes": c.scopes.0,
            "issued_at": c.issued_at.0.map(rfc3339),
            "expires_at": c.expires_at.0.map(rfc3339),
            "tenant_id": c.tenant.0,
            "subject": c.subject.0,
            "issuer": c.issuer.0,
        })
    });
    json!({
        "state": state,
        "expires_at": rfc3339(e.expires_at),
        "expires_in": e.expires_at.saturating_sub(now),
        "refresh_at": rfc3339(stale_at),
        "obtained_at": rfc3339(e.obtained_at),
        "jwt": claims.is_some(),
        "claims": claims,
    })
}

fn failure_json(f: &Failure, now: i64) -> Value {
    json!({
        "status": f.status,
        "unavailable": f.unavailable,
        "message": f.message,
        "at": (f.at > 0).then(|| rfc3339(f.at)),
        "age": (f.at > 0).then(|| now.saturating_sub(f.at)),
        "in_force": f.until > now,
    })
}

/// Each client's places (`null` when its config was not read) and, under
/// `unchecked`, why a client's was not.
fn wiring_json(git: &wiring::Entries, docker: &wiring::Entries, kube: &wiring::Entries) -> Value {
    let mut v = json!({ "unchecked": {} });
    for (name, entries) in [("git", git), ("docker", docker), ("kube", kube)] {
        match entries {
            Ok(list) => v[name] = json!(list.iter().map(|(p, _)| p).collect::<Vec<_>>()),
            Err(why) => {
                v[name] = Value::Null;
                v["unchecked"][name] = json!(why);
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_people_write_them() {
        assert_eq!(span(0), "0s");
        assert_eq!(span(59), "59s");
        assert_eq!(span(-61), "1m 01s");
        assert_eq!(span(3600 + 5 * 60), "1h 05m");
        assert_eq!(span(86_400 * 2 + 3600), "2d 1h");
        assert!(when(100, 40).starts_with("in 1m 00s ("));
        assert!(when(40, 100).starts_with("1m 00s ago ("));
    }
}
