//! What an OS does not ask, answered in one place: each item here stands in,
//! on the OSes its `cfg` names, for a question only some OSes can put to the
//! kernel or a store. Each answers the safe way: nobody found, or no store.

/// Who receives connections to loopback `port` is asked of the kernel on
/// Linux only (`sockets.rs`); elsewhere nobody is a stranger.
#[cfg(not(target_os = "linux"))]
pub(crate) fn foreign_port(_dialed: &[std::net::IpAddr], _port: u16) -> Option<super::Stranger> {
    None
}

/// Who accepted a connection is asked on Linux only (`sockets.rs`).
#[cfg(not(target_os = "linux"))]
pub(crate) fn foreign_peer(_port: u16) -> Option<super::Stranger> {
    None
}

/// Whether an open file lives on procfs or sysfs (see `unix.rs`): off Linux
/// there is none to be fooled by.
#[cfg(all(unix, not(target_os = "linux")))]
pub(super) fn on_kernel_fs(_file: &std::fs::File) -> bool {
    false
}

/// Who runs the other end of a unix socket (see `unix.rs`), on a Unix that
/// cannot be asked: no one's to trust.
#[cfg(all(
    unix,
    not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    ))
))]
pub(super) fn peer_uid(_fd: i32) -> std::io::Result<u32> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// An OS with no credential store cytoken knows (see [`super::keyring`]):
/// said plainly, never an in-memory stand-in.
#[cfg(not(any(
    target_os = "macos",
    target_os = "windows",
    all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )
)))]
pub(super) mod keyring {
    use std::time::Duration;

    use super::super::keyring::KeyringError;

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
