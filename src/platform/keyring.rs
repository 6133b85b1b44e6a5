//! The OS credential store behind `app_secret_keyring` (DESIGN §9), one named
//! backend per OS and never a mock: the macOS Keychain (service `cytoken`,
//! account NAME), Windows Credential Manager (generic credential, target
//! `cytoken:NAME`), and elsewhere on Unix the Secret Service over D-Bus
//! (attributes `service=cytoken`, `account=NAME`, as `secret-tool` sees them).
//! An OS with none of these answers [`KeyringError::NoBackend`], never a
//! store that forgets. `src/secret/keyring.rs` words the errors; this file
//! only says, in its own terms, what happened.

/// The `service` every entry is filed under.
const SERVICE: &str = "cytoken";

/// Why the store did not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(dead_code)] // each OS's store meets only some of these
pub(crate) enum KeyringError {
    /// This build or OS has no store cytoken can use.
    NoBackend,
    /// No D-Bus session bus to reach the Secret Service on (why, for the message).
    NoSession(String),
    /// The session bus has no Secret Service (nothing owns or can start
    /// `org.freedesktop.secrets`).
    NoService(String),
    /// The keychain or collection that holds (or would hold) the entry is locked.
    Locked,
    /// The store has no default collection to create the entry in.
    NoCollection,
    /// Anything else, in the store's words (never the secret).
    Failed(String),
}

pub(crate) use imp::{STORE, UNLOCK, delete, read, write};

/// The Secret Service (Linux, the BSDs), through zbus: pure Rust, so the
/// static glibc build needs no libdbus.
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
mod imp {
    use std::collections::HashMap;
    use std::time::Duration;

    use secret_service::blocking::{Item, SecretService};
    use secret_service::{EncryptionType, Error as SsError};
    use zbus::DBusError;

    use super::{KeyringError, SERVICE};

    pub(crate) const STORE: &str = "the Secret Service";
    pub(crate) const UNLOCK: &str = "unlock it (log in to the desktop, or on a headless machine \
                                     `echo -n PASSWORD | gnome-keyring-daemon --unlock \
                                     --components=secrets`)";
    const CONTENT_TYPE: &str = "text/plain";

    fn attributes(name: &str) -> HashMap<&str, &str> {
        HashMap::from([("service", SERVICE), ("account", name)])
    }

    /// A session with the Secret Service. Every D-Bus call is bounded by
    /// `timeout`: a wedged daemon must not hang git or kubectl. The transfer
    /// is Diffie-Hellman encrypted, so the secret never crosses the bus (where
    /// any process of the user may eavesdrop) in the clear.
    fn connect(timeout: Duration) -> Result<SecretService<'static>, KeyringError> {
        let no_session = |e: zbus::Error| {
            KeyringError::NoSession(match std::env::var_os("DBUS_SESSION_BUS_ADDRESS") {
                None => format!("DBUS_SESSION_BUS_ADDRESS is not set ({})", one_line(&e)),
                Some(_) => format!("cannot connect to the session bus: {}", one_line(&e)),
            })
        };
        let conn = zbus::blocking::connection::Builder::session()
            .and_then(|b| b.method_timeout(timeout).build())
            .map_err(no_session)?;
        SecretService::connect_with_existing(EncryptionType::Dh, conn).map_err(classify)
    }

    /// The unlocked items for `name`; `Locked` when only locked ones match
    /// (they are never unlocked from here: that is a prompt nobody may be
    /// there to answer).
    fn unlocked<'a>(ss: &'a SecretService<'a>, name: &str) -> Result<Vec<Item<'a>>, KeyringError> {
        let found = ss.search_items(attributes(name)).map_err(classify)?;
        if found.unlocked.is_empty() && !found.locked.is_empty() {
            return Err(KeyringError::Locked);
        }
        Ok(found.unlocked)
    }

    pub(crate) fn read(name: &str, timeout: Duration) -> Result<Option<String>, KeyringError> {
        let ss = connect(timeout)?;
        let items = unlocked(&ss, name)?;
        let Some(item) = items.first() else {
            return Ok(None);
        };
        let bytes = item.get_secret().map_err(classify)?;
        String::from_utf8(bytes).map(Some).map_err(|e| {
            let mut bytes = e.into_bytes();
            bytes.fill(0);
            KeyringError::Failed("the stored value is not UTF-8 text".into())
        })
    }

    pub(crate) fn write(name: &str, secret: &str, timeout: Duration) -> Result<(), KeyringError> {
        let ss = connect(timeout)?;
        let found = ss.search_items(attributes(name)).map_err(classify)?;
        if !found.locked.is_empty() {
            // Updating only the unlocked copies would leave a stale one behind.
            return Err(KeyringError::Locked);
        }
        if !found.unlocked.is_empty() {
            // Wherever the entry already is (any collection), it gets the new
            // value, so no older copy can be read later.
            for item in &found.unlocked {
                item.set_secret(secret.as_bytes(), CONTENT_TYPE)
                    .map_err(classify)?;
            }
            return Ok(());
        }
        let collection = ss.get_default_collection().map_err(|e| match e {
            SsError::NoResult => KeyringError::NoCollection,
            e => classify(e),
        })?;
        if collection.is_locked().map_err(classify)? {
            return Err(KeyringError::Locked);
        }
        collection
            .create_item(
                &format!("cytoken app secret {name}"),
                attributes(name),
                secret.as_bytes(),
                true,
                CONTENT_TYPE,
            )
            .map(drop)
            .map_err(classify)
    }

    pub(crate) fn delete(name: &str, timeout: Duration) -> Result<bool, KeyringError> {
        let ss = connect(timeout)?;
        let found = ss.search_items(attributes(name)).map_err(classify)?;
        if !found.locked.is_empty() {
            return Err(KeyringError::Locked);
        }
        for item in &found.unlocked {
            item.delete().map_err(classify)?;
        }
        Ok(!found.unlocked.is_empty())
    }

    /// Sorts a Secret Service or D-Bus failure into what the message needs.
    #[allow(clippy::needless_pass_by_value)] // the shape `map_err` takes
    fn classify(e: SsError) -> KeyringError {
        let name = match &e {
            SsError::Zbus(zbus::Error::MethodError(name, _, _)) => Some(name.to_string()),
            SsError::Zbus(zbus::Error::FDO(f)) => Some(f.name().to_string()),
            SsError::ZbusFdo(f) => Some(f.name().to_string()),
            _ => None,
        };
        match (name.as_deref(), &e) {
            (Some("org.freedesktop.Secret.Error.IsLocked"), _) | (_, SsError::Locked) => {
                KeyringError::Locked
            }
            (
                Some(
                    "org.freedesktop.DBus.Error.ServiceUnknown"
                    | "org.freedesktop.DBus.Error.NameHasNoOwner",
                ),
                _,
            )
            | (_, SsError::Unavailable) => KeyringError::NoService(
                "nothing on the session bus provides org.freedesktop.secrets".into(),
            ),
            (Some(n), _) if n.starts_with("org.freedesktop.DBus.Error.Spawn") => {
                KeyringError::NoService(format!(
                    "the session bus could not start org.freedesktop.secrets ({})",
                    one_line(&e)
                ))
            }
            (_, SsError::Zbus(zbus::Error::InputOutput(io)))
                if io.kind() == std::io::ErrorKind::TimedOut =>
            {
                KeyringError::Failed("it did not answer in time".into())
            }
            _ => KeyringError::Failed(one_line(&e)),
        }
    }

    fn one_line(e: &dyn std::fmt::Display) -> String {
        e.to_string()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    }
}

/// The operations macOS and Windows share: both stores come through
/// keyring-core, which says "no entry" the same way for both.
#[cfg(any(target_os = "macos", target_os = "windows"))]
mod core_store {
    use keyring_core::{Entry, Error as KrError};

    use super::KeyringError;

    pub(super) fn read(
        entry: &Entry,
        classify: fn(KrError) -> KeyringError,
    ) -> Result<Option<String>, KeyringError> {
        match entry.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(KrError::NoEntry) => Ok(None),
            Err(e) => Err(classify(e)),
        }
    }

    pub(super) fn write(
        entry: &Entry,
        secret: &str,
        classify: fn(KrError) -> KeyringError,
    ) -> Result<(), KeyringError> {
        entry.set_password(secret).map_err(classify)
    }

    pub(super) fn delete(
        entry: &Entry,
        classify: fn(KrError) -> KeyringError,
    ) -> Result<bool, KeyringError> {
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(KrError::NoEntry) => Ok(false),
            Err(e) => Err(classify(e)),
        }
    }
}

/// The macOS Keychain (the user's login keychain), through keyring-core's
/// store for it.
#[cfg(target_os = "macos")]
mod imp {
    use std::time::Duration;

    use apple_native_keyring_store::keychain::Store;
    use keyring_core::Error as KrError;
    use keyring_core::api::CredentialStoreApi;

    use super::{KeyringError, SERVICE};

    pub(crate) const STORE: &str = "the macOS Keychain";
    pub(crate) const UNLOCK: &str =
        "unlock it (`security unlock-keychain`, or log in to the desktop)";

    fn entry(name: &str) -> Result<keyring_core::Entry, KeyringError> {
        Store::new()
            .and_then(|s| s.build(SERVICE, name, None))
            .map_err(classify)
    }

    pub(crate) fn read(name: &str, _timeout: Duration) -> Result<Option<String>, KeyringError> {
        super::core_store::read(&entry(name)?, classify)
    }

    pub(crate) fn write(name: &str, secret: &str, _timeout: Duration) -> Result<(), KeyringError> {
        super::core_store::write(&entry(name)?, secret, classify)
    }

    pub(crate) fn delete(name: &str, _timeout: Duration) -> Result<bool, KeyringError> {
        super::core_store::delete(&entry(name)?, classify)
    }

    #[allow(clippy::needless_pass_by_value)] // the shape `map_err` takes
    fn classify(e: KrError) -> KeyringError {
        // errSecInteractionNotAllowed: the keychain is locked and nobody may
        // be asked (an ssh session, a daemon).
        const INTERACTION_NOT_ALLOWED: i32 = -25308;
        if let KrError::PlatformFailure(p) | KrError::NoStorageAccess(p) = &e
            && p.downcast_ref::<security_framework::base::Error>()
                .is_some_and(|s| s.code() == INTERACTION_NOT_ALLOWED)
        {
            return KeyringError::Locked;
        }
        KeyringError::Failed(e.to_string().replace(['\n', '\r'], " "))
    }
}

/// Windows Credential Manager: a generic credential named `cytoken:NAME`,
/// kept on this machine (never roaming with the profile), through
/// keyring-core's store for it.
#[cfg(target_os = "windows")]
mod imp {
    use std::collections::HashMap;
    use std::time::Duration;

    use keyring_core::Error as KrError;
    use keyring_core::api::CredentialStoreApi;
    use windows_native_keyring_store::Store;

    use super::{KeyringError, SERVICE};

    pub(crate) const STORE: &str = "Windows Credential Manager";
    pub(crate) const UNLOCK: &str = "log on interactively as this user";

    fn entry(name: &str) -> Result<keyring_core::Entry, KeyringError> {
        let target = format!("{SERVICE}:{name}");
        let modifiers = HashMap::from([("target", target.as_str()), ("persistence", "Local")]);
        Store::new()
            .and_then(|s| s.build(SERVICE, name, Some(&modifiers)))
            .map_err(classify)
    }

    pub(crate) fn read(name: &str, _timeout: Duration) -> Result<Option<String>, KeyringError> {
        super::core_store::read(&entry(name)?, classify)
    }

    pub(crate) fn write(name: &str, secret: &str, _timeout: Duration) -> Result<(), KeyringError> {
        super::core_store::write(&entry(name)?, secret, classify)
    }

    pub(crate) fn delete(name: &str, _timeout: Duration) -> Result<bool, KeyringError> {
        super::core_store::delete(&entry(name)?, classify)
    }

    #[allow(clippy::needless_pass_by_value)] // the shape `map_err` takes
    fn classify(e: KrError) -> KeyringError {
        KeyringError::Failed(e.to_string().replace(['\n', '\r'], " "))
    }
}

/// Any other OS: no store, said plainly (never an in-memory stand-in).
#[cfg(not(any(
    target_os = "macos",
    target_os = "windows",
    all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )
)))]
mod imp {
    use std::time::Duration;

    use super::KeyringError;

    pub(crate) const STORE: &str = "no OS keyring";
    pub(crate) const UNLOCK: &str = "";

    pub(crate) fn read(_name: &str, _timeout: Duration) -> Result<Option<String>, KeyringError> {
        Err(KeyringError::NoBackend)
    }

    pub(crate) fn write(
        _name: &str,
        _secret: &str,
        _timeout: Duration,
    ) -> Result<(), KeyringError> {
        Err(KeyringError::NoBackend)
    }

    pub(crate) fn delete(_name: &str, _timeout: Duration) -> Result<bool, KeyringError> {
        Err(KeyringError::NoBackend)
    }
}
