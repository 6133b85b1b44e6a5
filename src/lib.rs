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
pub mod error;
pub mod exchange;
pub mod fastargs;
pub mod private_file;
pub mod protocol;
pub mod sys;

pub use commands::run;
pub use error::{Error, Result};

/// Shortens a token for diagnostics, so logs and errors cannot be replayed: a
/// JWT keeps its first 8 characters (the encoded `{"alg"…` header, which
/// tells tokens apart in a log and says nothing secret); anything else — a
/// password a client sent, say — shows nothing at all.
pub fn redact(token: &str) -> String {
    if token.starts_with("eyJ") {
        let head: String = token.chars().take(8).collect();
        format!("{head}…(redacted)")
    } else {
        "(redacted)".to_string()
    }
}
