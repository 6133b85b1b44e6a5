//! cytoken: mints short-lived access tokens (signed JWT in, access token out), keeps
//! them in a locked on-disk cache and serves them to people, scripts, git, kubectl
//! and docker.
//!
//! The flow runs one way: front-ends ([`commands`], [`check`], [`demo`]) →
//! [`broker`] → {[`authtoken`], [`exchange`], [`cache`]} → [`config`] → [`error`].

pub mod authtoken;
pub mod broker;
pub mod cache;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod diag;
pub mod emulator;
pub mod error;
pub mod exchange;
pub mod fastargs;
pub mod protocol;
pub mod sys;

pub use commands::run;
pub use error::{Error, Result};

/// Shortens a token for diagnostics: the first few characters, never the whole
/// token, so logs and errors cannot be replayed.
pub fn redact(token: &str) -> String {
    let head: String = token.chars().take(8).collect();
    format!("{head}…(redacted)")
}
