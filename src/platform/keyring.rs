//! The OS credential store behind `app_secret_keyring` (DESIGN §9), one named
//! backend per OS and never a mock: the macOS Keychain (service `cytoken`,
//! account NAME), Windows Credential Manager (generic credential, target
//! `cytoken:NAME`), and elsewhere on Unix the Secret Service over D-Bus
//! (attributes `service=cytoken`, `account=NAME`, as `secret-tool` sees them).
//! An OS with none of these answers [`KeyringError::NoBackend`], never a
//! store that forgets. `src/secret/keyring.rs` words the errors; this file
//! only says, in its own terms, what happened.
//!
//! One file per concern with a `mod imp` per store, not split like `unix.rs`
//! and `windows/` by OS family: the stores do not follow that split (macOS
//! is Unix but has the Keychain; the Secret Service serves Linux and the
//! BSDs), and the backends share [`KeyringError`], [`SERVICE`] and
//! keyring-core's calls (`core_store`). An OS with no store gets
//! `fallback.rs`'s answer.

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
    /// The session bus may be another user's (why, for the message): no
    /// secret goes over it.
    ForeignBus(String),
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
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::net::UnixStream;
    use std::time::Duration;

    use secret_service::blocking::{Item, SecretService};
    use secret_service::{EncryptionType, Error as SsError};
    use zbus::DBusError;

    use super::{KeyringError, SERVICE};
    use crate::platform::Owner;
    use crate::redact::quote;

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
    /// any process of the user may eavesdrop) in the clear; but the keys are
    /// exchanged with whoever runs the bus, so the bus must be the user's
    /// (see [`own_bus`]).
    fn connect(timeout: Duration) -> Result<SecretService<'static>, KeyringError> {
        let stream = own_bus()?;
        let conn = zbus::blocking::connection::Builder::async_io_unix_stream(stream)
            .method_timeout(timeout)
            .build()
            .map_err(|e| {
                KeyringError::NoSession(format!("cannot talk to the session bus: {}", one_line(&e)))
            })?;
        SecretService::connect_with_existing(EncryptionType::Dh, conn).map_err(classify)
    }

    /// The session bus, connected, once its other end is shown to be run by
    /// the user or root (DESIGN §5 "The session bus is the user's"): an
    /// abstract name (`unix:abstract=`) or a socket in a shared directory is
    /// anyone's to bind, and a `tcp:` port anyone's to listen on, so the
    /// Secret Service reached through them could be another user's, and the
    /// secret stored there theirs. Each address of the list
    /// (`DBUS_SESSION_BUS_ADDRESS`, else `$XDG_RUNTIME_DIR/bus`) is tried in
    /// turn, as D-Bus clients do; one that is not a unix socket, or whose
    /// peer is someone else, ends the search with a refusal.
    fn own_bus() -> Result<UnixStream, KeyringError> {
        let named = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok();
        let addresses = named.clone().unwrap_or_else(|| {
            let dir = std::env::var("XDG_RUNTIME_DIR")
                .unwrap_or_else(|_| format!("/run/user/{}", crate::platform::unix::euid()));
            format!("unix:path={dir}/bus")
        });
        let mut failed = None;
        for address in addresses.split(';').filter(|a| !a.is_empty()) {
            let stream = match unix_socket(address)? {
                Ok(stream) => stream,
                Err(e) => {
                    failed = Some(e);
                    continue;
                }
            };
            return match crate::platform::unix::unix_peer(&stream) {
                Ok(Owner::Me | Owner::Admin) => Ok(stream),
                Ok(Owner::Other(uid)) => Err(KeyringError::ForeignBus(format!(
                    "the session bus at {} is run by another user of this machine (uid {uid}), \
                     who would receive the secret",
                    quote(address)
                ))),
                Err(e) => Err(KeyringError::ForeignBus(format!(
                    "who runs the session bus at {} cannot be told ({e})",
                    quote(address)
                ))),
            };
        }
        let why = failed.map_or_else(|| "it names no address".to_string(), |e| e.to_string());
        Err(KeyringError::NoSession(if named.is_some() {
            format!("cannot connect to the session bus: {why}")
        } else {
            format!("DBUS_SESSION_BUS_ADDRESS is not set ({why})")
        }))
    }

    /// The unix socket one D-Bus address names, connected (the inner error
    /// when nothing answers there); a refusal for an address that is not a
    /// unix socket, whose peer the kernel cannot name.
    fn unix_socket(address: &str) -> Result<std::io::Result<UnixStream>, KeyringError> {
        let not_unix = || {
            KeyringError::ForeignBus(format!(
                "the session bus address {} is not a unix socket, so who answers it (any user \
                 of this machine may listen on a tcp port) cannot be told",
                quote(address)
            ))
        };
        let (transport, params) = address.split_once(':').ok_or_else(not_unix)?;
        if transport != "unix" {
            return Err(not_unix());
        }
        for pair in params.split(',') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !matches!(key, "path" | "abstract") {
                continue; // guid=, or a listening-only key (tmpdir=, dir=)
            }
            let value = unescape(value).ok_or_else(not_unix)?;
            if key == "path" {
                return Ok(UnixStream::connect(std::ffi::OsStr::from_bytes(&value)));
            }
            #[cfg(target_os = "linux")]
            {
                use std::os::linux::net::SocketAddrExt;
                return Ok(std::os::unix::net::SocketAddr::from_abstract_name(&value)
                    .and_then(|a| UnixStream::connect_addr(&a)));
            }
        }
        Err(not_unix())
    }

    /// A D-Bus address value with its `%XX` escapes decoded; `None` for a bad
    /// escape.
    fn unescape(value: &str) -> Option<Vec<u8>> {
        let bytes = value.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        Some(out)
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

    #[cfg(test)]
    mod tests {
        use super::*;

        /// Only a unix socket's peer can be asked of the kernel: every other
        /// transport is refused before anything is connected.
        #[test]
        fn only_unix_socket_addresses_are_dialled() {
            for address in [
                "tcp:host=127.0.0.1,port=4000",
                "nonce-tcp:host=localhost,port=4000,noncefile=/tmp/n",
                "unixexec:path=/bin/sh",
                "autolaunch:",
                "launchd:env=X",
                "unix:tmpdir=/tmp",
                "unix:path=%zz",
                "nonsense",
            ] {
                match unix_socket(address) {
                    Err(KeyringError::ForeignBus(why)) => {
                        assert!(why.contains("not a unix socket"), "{address}: {why}");
                    }
                    other => panic!("{address}: {other:?}"),
                }
            }
            // A path nothing listens on: tried (and the next one would be).
            let dir = tempfile::tempdir().unwrap();
            let missing = format!("unix:path={}/bus,guid=0123", dir.path().display());
            assert!(matches!(unix_socket(&missing), Ok(Err(_))));
            assert_eq!(
                unescape("/run/user/1000/b%75s").unwrap(),
                b"/run/user/1000/bus"
            );
            assert_eq!(unescape("a%2"), None);
        }

        /// Our own listening socket answers as ours, by path and by
        /// abstract name.
        #[test]
        fn our_own_bus_socket_is_ours() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("bus");
            let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
            let stream = unix_socket(&format!("unix:path={}", path.display()))
                .unwrap()
                .unwrap();
            assert_eq!(
                crate::platform::unix::unix_peer(&stream).unwrap(),
                Owner::Me
            );
            #[cfg(target_os = "linux")]
            {
                use std::os::linux::net::SocketAddrExt;
                let name = format!("cytoken-test-bus-{}", std::process::id());
                let addr = std::os::unix::net::SocketAddr::from_abstract_name(&name).unwrap();
                let _listener = std::os::unix::net::UnixListener::bind_addr(&addr).unwrap();
                let stream = unix_socket(&format!("unix:abstract={name},guid=1"))
                    .unwrap()
                    .unwrap();
                assert_eq!(
                    crate::platform::unix::unix_peer(&stream).unwrap(),
                    Owner::Me
                );
            }
        }
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

/// Any other OS: no store (`fallback.rs`).
#[cfg(not(any(
    target_os = "macos",
    target_os = "windows",
    all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )
)))]
use super::fallback::keyring as imp;
