//! `app_secret_keyring`: the app secret in the OS store (DESIGN §9): the
//! macOS Keychain, Windows Credential Manager, the Secret Service on Linux.

use super::Secret;
use crate::error::{Error, Result};

/// The secret stored under `name`.
pub(crate) fn get(name: &str) -> Result<Secret> {
    Err(Error::config(format!(
        "keyring entry {name}: this build has no keyring backend; use app_secret_command \
         (e.g. [\"pass\", \"show\", \"cylance/prod\"]) or app_secret_file instead"
    )))
}
