//! DESIGN §5's trust rules attacked, most as a real second local user
//! (`users.rs`: `cytoken-victim` and `cytoken-attacker`, group
//! `cytoken-devs`; needs root): one module per thing protected, each test
//! asserting what cytoken must do.

mod bus;
mod cache;
mod config;
mod expiry;
mod loopback;
mod paths;
mod secrets;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

/// Removes a path planted directly in /tmp when the test ends.
pub(crate) struct Planted(pub(crate) PathBuf);

impl Drop for Planted {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The files in `dir` (none if it cannot be read).
pub(crate) fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Token entries (`<32 hex>.json`) in `dir`.
pub(crate) fn entries_in(dir: &Path) -> Vec<PathBuf> {
    files_in(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".json"))
                .is_some_and(|k| k.len() == 32 && k.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .collect()
}

/// A complete environment-only selection for `url`.
pub(crate) fn selection<'a>(c: &'a mut Command, url: &str) -> &'a mut Command {
    c.env("CYTOKEN_TENANT_ID", TENANT)
        .env("CYTOKEN_APP_ID", APP)
        .env("CYTOKEN_APP_SECRET", SECRET)
        .env("CYTOKEN_AUTH_URL", url)
}

pub(crate) fn profile(url: &str, secret_line: &str) -> String {
    format!(
        "[profiles.default]\ntenant_id = \"{TENANT}\"\napp_id = \"{APP}\"\nauth_url = \"{url}\"\n\
         {secret_line}"
    )
}

pub(crate) fn inline_secret() -> String {
    format!("app_secret = \"{SECRET}\"\n")
}

pub(crate) fn sandbox_profile(sb: &Sandbox, body: &str) -> String {
    profile(&sb.emu.url(), body)
}
