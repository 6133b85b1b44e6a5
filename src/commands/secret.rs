//! `cytoken secret set|delete`: the profile's app secret in the OS keyring
//! (DESIGN §9).
//!
//! The secret is read from the terminal without echo (asked twice), or as the
//! first line of stdin when stdin is not a terminal; never from argv, which
//! every user on the machine can read. The entry's name is the profile's
//! `app_secret_keyring`, found without resolving the whole selection: the
//! profile may not work yet precisely because its secret is missing.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use crate::broker::{Broker, CacheUse};
use crate::cli::SecretCommand;
use crate::config;
use crate::diag;
use crate::error::{Context as _, Error, Kind, Result};
use crate::invocation::Invocation;
use crate::secret::keyring::{self, MAX_SECRET};
use crate::secret::{Secret, SecretSource};

pub(crate) fn run(
    inv: &Invocation,
    c: &SecretCommand,
    input: impl Read,
    _w: &mut dyn Write,
) -> Result<i32> {
    // Before anything else, and without echoing it: argv is visible to every
    // user on the machine, so a secret typed there is already leaked.
    if let SecretCommand::Set { refused } = c
        && !refused.is_empty()
    {
        return Err(Error::usage(
            "secret set takes no value on the command line (not shown: it may be the \
             secret, now visible in your shell history and to other users; rotate it); \
             type it at the prompt or pipe it on stdin",
        ));
    }
    let (profile, name) = keyring_name(inv)?;
    let store = keyring::store_name();
    match c {
        SecretCommand::Set { .. } => {
            let secret = read_new(&profile, &name, input)?;
            keyring::set(&name, &secret)?;
            eprintln!(
                "cytoken: stored the app secret of profile '{profile}' as keyring entry \
                 '{name}' in {store}"
            );
            if inv.env().var(config::SECRET_VAR).is_some() {
                diag::warn(format_args!(
                    "{} is set and takes precedence over the keyring entry",
                    config::SECRET_VAR
                ));
            }
        }
        SecretCommand::Delete => {
            if keyring::delete(&name)? {
                eprintln!(
                    "cytoken: removed keyring entry '{name}' (profile '{profile}') from {store}"
                );
            } else {
                eprintln!(
                    "cytoken: there is no keyring entry '{name}' (profile '{profile}') in \
                     {store}; nothing to remove"
                );
            }
        }
    }
    forget_cached_token(inv, &name);
    Ok(0)
}

/// The selected profile and its `app_secret_keyring`, from the config file
/// alone (flags and environment pick the profile, as for every command).
fn keyring_name(inv: &Invocation) -> Result<(String, String)> {
    let env = inv.env();
    let requested = inv
        .flags
        .profile
        .clone()
        .or_else(|| env.var("CYTOKEN_PROFILE"));
    let wanted = requested.as_deref().unwrap_or("NAME");
    let Some((path, explicit)) = config::config_path(&inv.flags, env) else {
        return Err(Error::config(format!(
            "cytoken secret needs a profile that names its keyring entry, and there is no \
             config directory: pass --config FILE with [profiles.{wanted}] \
             app_secret_keyring = \"cylance-{wanted}\""
        )));
    };
    if !path.exists() {
        return Err(Error::config(if explicit {
            format!(
                "config file {} does not exist: create it or drop --config/CYTOKEN_CONFIG",
                path.display()
            )
        } else {
            format!(
                "cytoken secret needs a profile that names its keyring entry, and there is no \
                 config file {}: create it with a [profiles.{wanted}] table holding tenant_id, \
                 app_id and app_secret_keyring = \"cylance-{wanted}\" (see the README)",
                path.display()
            )
        }));
    }
    let file = config::load_selected(&path, requested.as_deref(), env.home_dir().as_deref())?;
    let profile = requested
        .or_else(|| file.default_profile.clone())
        .unwrap_or_else(|| "default".into());
    let Some(p) = file.profiles.get(&profile) else {
        let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
        return Err(Error::config(format!(
            "profile '{profile}' is not in {}; profiles there: {}; pick one with -p NAME, or \
             add a [profiles.{profile}] table with app_secret_keyring = \"cylance-{profile}\"",
            path.display(),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    };
    let Some(name) = &p.app_secret_keyring else {
        return Err(no_keyring_key(&profile, &path, p));
    };
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(Error::config(format!(
            "{} [profiles.{profile}] app_secret_keyring must name the keyring entry, e.g. \
             \"cylance-{profile}\"",
            path.display()
        )));
    }
    Ok((profile, name.clone()))
}

/// Exactly what to add where, and which other source to drop (a profile has
/// exactly one).
fn no_keyring_key(profile: &str, path: &Path, p: &config::Profile) -> Error {
    let others: Vec<&str> = [
        ("app_secret", p.app_secret.is_some()),
        ("app_secret_env", p.app_secret_env.is_some()),
        ("app_secret_file", p.app_secret_file.is_some()),
        ("app_secret_command", p.app_secret_command.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, set)| set.then_some(k))
    .collect();
    let drop = if others.is_empty() {
        String::new()
    } else {
        format!(
            " in place of {} (a profile has exactly one secret source)",
            others.join(" and ")
        )
    };
    Error::config(format!(
        "profile '{profile}' does not keep its secret in the keyring: add \
         app_secret_keyring = \"cylance-{profile}\" to [profiles.{profile}] in {}{drop}, then \
         run this again",
        path.display()
    ))
}

/// The new secret for keyring entry `name`: typed at the terminal without
/// echo (twice), or the first line of `input` when stdin is not a terminal;
/// never from argv. `cytoken init` stores a keyring secret through this too.
pub(crate) fn read_new(profile: &str, name: &str, input: impl Read) -> Result<Secret> {
    if std::io::stdin().is_terminal() {
        // Find out whether the store works before asking for the secret
        // twice.
        keyring::exists(name)?;
        ask_twice(profile, name)
    } else {
        first_line(input)
    }
}

/// The secret typed at the terminal, without echo, twice.
fn ask_twice(profile: &str, name: &str) -> Result<Secret> {
    let ask = |prompt: String| -> Result<Secret> {
        rpassword::prompt_password(prompt)
            .map(Secret::new)
            .context(Kind::Usage, |e| {
                format!(
                    "cannot read the secret from the terminal ({e}): pipe it in on one line \
                     instead, e.g. `pass show cylance/prod | cytoken secret set`"
                )
            })
    };
    let first = ask(format!(
        "App secret for profile '{profile}' (keyring entry '{name}'): "
    ))?;
    if first.expose().trim().is_empty() {
        return Err(Error::usage("no secret typed: nothing stored"));
    }
    let again = ask("The same again: ".to_string())?;
    if first != again {
        return Err(Error::usage(
            "the two secrets typed differ: nothing stored; run it again",
        ));
    }
    Ok(first)
}

/// The first line of stdin (a pipe or a file), its line ending dropped; the
/// rest is ignored, as for `app_secret_command` (pass keeps other fields on
/// later lines).
fn first_line(input: impl Read) -> Result<Secret> {
    let mut bytes = Vec::new();
    let read = input.take(64 * 1024).read_to_end(&mut bytes);
    let all = Secret::new(String::from_utf8(bytes).map_err(|e| {
        let mut bytes = e.into_bytes();
        bytes.fill(0);
        // Not kept as the cause: it holds the bytes read, the secret.
        Error::usage("stdin is not UTF-8 text: give the secret as text on one line")
    })?);
    read.context(Kind::Usage, |e| {
        format!("cannot read the secret from stdin: {e}")
    })?;
    let line = all.expose().split('\n').next().unwrap_or("");
    let secret = Secret::new(line.strip_suffix('\r').unwrap_or(line).to_string());
    if secret.expose().trim().is_empty() {
        return Err(Error::usage(
            "no secret on stdin: pipe it in on one line (e.g. `pass show cylance/prod | \
             cytoken secret set`), or run this in a terminal to type it",
        ));
    }
    if secret.expose().len() > MAX_SECRET {
        return Err(Error::usage(format!(
            "the first line of stdin is longer than {MAX_SECRET} bytes, which is not a \
             Cylance app secret: nothing stored"
        )));
    }
    Ok(secret)
}

/// A token minted with the old value must not outlive a new one or a delete:
/// the cache is keyed by the entry's name, not its value, so a hit would
/// never notice (a cache hit never opens the store).
pub(crate) fn forget_cached_token(inv: &Invocation, name: &str) {
    let Ok(sel) = inv.selection() else {
        return; // an incomplete profile has never minted a token
    };
    if sel.secret != SecretSource::Keyring(name.to_string()) {
        return;
    }
    match Broker::new(&sel, CacheUse::Use).clear() {
        Ok(true) => eprintln!(
            "cytoken: removed the cached token of profile '{}' (minted with the old value)",
            sel.profile
        ),
        Ok(false) => {}
        Err(e) => diag::warn(format_args!(
            "{e}: a token minted with the old value may still be served until it expires; \
             `cytoken cache clear` removes it"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_of_stdin_is_the_secret() {
        let s = first_line(&b"s3cret\r\nlogin: me\n"[..]).unwrap();
        assert_eq!(s.expose(), "s3cret");
        assert_eq!(first_line(&b"s3cret"[..]).unwrap().expose(), "s3cret");
        for empty in [&b""[..], b"\n", b"  \nsecond\n"] {
            let e = first_line(empty).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().contains("no secret on stdin"), "{e}");
        }
        let long = "x".repeat(MAX_SECRET + 1);
        let e = first_line(long.as_bytes()).unwrap_err();
        assert!(!e.to_string().contains("xxx"), "{e}");
        assert!(first_line(&[0xff, b'\n'][..]).is_err());
    }
}
