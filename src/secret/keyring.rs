//! `app_secret_keyring`: the app secret in the OS store (DESIGN §9): the
//! macOS Keychain, Windows Credential Manager, the Secret Service on Linux.
//!
//! The store itself is `platform::keyring` (the only OS-specific part); this
//! file turns each of its answers into one line naming the cause and the
//! alternatives, exit 2. There is no fallback of any kind: a store that is
//! missing, unreachable or locked is an error, never an empty or in-memory
//! stand-in (the `keyring` crate's mock "succeeds" and keeps nothing).

use std::time::Duration;

use super::Secret;
use crate::error::{Error, Result};

// The OS backends live under src/platform/, the only place for OS-specific code.
use crate::platform::keyring as backend;

use backend::KeyringError;

/// Longest secret stored: a Cylance app secret is a few dozen characters, and
/// every store takes this much (Windows caps a credential at 2,560 bytes of
/// UTF-16).
pub(crate) const MAX_SECRET: usize = 1024;

/// Bound on each call to the store: a wedged D-Bus daemon must not hang git
/// or kubectl. Local stores answer in milliseconds.
const TIMEOUT: Duration = Duration::from_secs(10);

/// What to use instead, in every failure message.
const ALTERNATIVES: &str = "or use app_secret_command (e.g. [\"pass\", \"show\", \
                            \"cylance/prod\"]) or app_secret_file instead";

/// The store this build uses, for messages and reports.
pub(crate) fn store_name() -> &'static str {
    backend::STORE
}

/// The secret stored under `name`.
pub(crate) fn get(name: &str) -> Result<Secret> {
    match backend::read(name, TIMEOUT) {
        Ok(Some(s)) => Ok(Secret::new(s)),
        Ok(None) => Err(not_found(name)),
        Err(e) => Err(failure(name, &e)),
    }
}

/// Whether an entry `name` exists (`check`; the value is read and dropped,
/// never shown).
pub(crate) fn exists(name: &str) -> Result<bool> {
    match backend::read(name, TIMEOUT) {
        Ok(found) => Ok(found.map(Secret::new).is_some()),
        Err(e) => Err(failure(name, &e)),
    }
}

/// Stores `secret` under `name`, replacing any value it had.
pub(crate) fn set(name: &str, secret: &Secret) -> Result<()> {
    if secret.expose().len() > MAX_SECRET {
        return Err(Error::config(format!(
            "the secret is longer than {MAX_SECRET} bytes, which is not a Cylance app secret: \
             check what you pasted"
        )));
    }
    backend::write(name, secret.expose(), TIMEOUT).map_err(|e| failure(name, &e))
}

/// Removes `name`; false when there was no such entry.
pub(crate) fn delete(name: &str) -> Result<bool> {
    backend::delete(name, TIMEOUT).map_err(|e| failure(name, &e))
}

fn not_found(name: &str) -> Error {
    Error::config(format!(
        "keyring entry '{name}' is not in {}: store it with `cytoken secret set` (with the \
         same --profile), {ALTERNATIVES}",
        backend::STORE
    ))
}

/// One line: which entry, what is wrong with the store, what to do.
fn failure(name: &str, e: &KeyringError) -> Error {
    let store = backend::STORE;
    let cause = match e {
        KeyringError::NoBackend => "this build has no OS keyring for this system \
                                    (there is one for macOS, Windows, Linux and the BSDs)"
            .to_string(),
        KeyringError::NoSession(why) => format!(
            "there is no D-Bus session to reach {store} on ({why}): run cytoken in the desktop \
             session, or on a headless machine start one with gnome-keyring (see the README)"
        ),
        KeyringError::NoService(why) => format!(
            "there is no Secret Service on the D-Bus session bus ({why}): start one \
             (`gnome-keyring-daemon --unlock --components=secrets`, or KeePassXC with its \
             Secret Service integration)"
        ),
        KeyringError::Locked => format!("{store} is locked: {}", backend::UNLOCK),
        KeyringError::NoCollection => format!(
            "{store} has no default collection to keep it in: create or unlock the login \
             keyring (`echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets` \
             creates it)"
        ),
        KeyringError::ForeignBus(why) => format!(
            "{why}; nothing was sent: point DBUS_SESSION_BUS_ADDRESS at your own session's bus \
             (a unix socket of yours, as your login session sets it: \
             unix:path=$XDG_RUNTIME_DIR/bus)"
        ),
        KeyringError::Failed(why) => format!("{store} failed: {why}"),
    };
    Error::config(format!("keyring entry '{name}': {cause}; {ALTERNATIVES}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every failure is one line that names the entry, the cause and both
    /// alternatives.
    #[test]
    fn every_failure_names_cause_and_alternatives() {
        let cases = [
            (KeyringError::NoBackend, "no OS keyring"),
            (
                KeyringError::NoSession("DBUS_SESSION_BUS_ADDRESS is not set".into()),
                "no D-Bus session",
            ),
            (
                KeyringError::NoService("nothing owns it".into()),
                "no Secret Service",
            ),
            (KeyringError::Locked, "is locked"),
            (KeyringError::NoCollection, "no default collection"),
            (
                KeyringError::ForeignBus("the session bus is run by uid 1001".into()),
                "DBUS_SESSION_BUS_ADDRESS at your own",
            ),
            (
                KeyringError::Failed("it did not answer in time".into()),
                "failed",
            ),
        ];
        for (e, cause) in cases {
            let err = failure("cylance-prod", &e);
            let msg = err.to_string();
            assert_eq!(err.exit_code(), 2, "{msg}");
            assert!(!msg.contains('\n'), "{msg}");
            assert!(msg.contains("'cylance-prod'"), "{msg}");
            assert!(msg.contains(cause), "{msg}");
            assert!(msg.contains("app_secret_command"), "{msg}");
            assert!(msg.contains("app_secret_file"), "{msg}");
        }
        let msg = not_found("cylance-prod").to_string();
        assert!(
            msg.contains("cytoken secret set") && msg.contains("app_secret_file"),
            "{msg}"
        );
    }

    #[test]
    fn an_oversized_secret_is_refused_before_the_store() {
        let long = Secret::new("x".repeat(MAX_SECRET + 1));
        let e = set("never-stored", &long).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(!e.to_string().contains("xxxx"));
    }
}
