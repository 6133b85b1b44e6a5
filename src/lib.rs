//! cytoken: mints short-lived access tokens (signed JWT in, access token out), keeps
//! them in a locked on-disk cache and serves them to people, scripts, git, kubectl
//! and docker.
//!
//! The arrows run one way, downward (HACKING.md draws them): [`app`] →
//! {`commands`, `protocol`} → `broker` → `cache` → `config` → `flow` (the
//! selection holds its flow) → {`exchange`, `secret`} → {`endpoint`,
//! `hosts`, `env`} → `diag` → `platform` → {`error`, `clock`, `redact`}.
//! Nothing imports `app`; front-ends never import each other or a command
//! module. Every module is private to the
//! crate; the [`testing`] surface is for the integration tests and fuzz
//! targets only.

// These docs are of a binary's internals, built with `--document-private-items`
// (.ci/run): an item `pub` inside a crate-private module links to its private
// neighbours, and those links resolve.
#![allow(rustdoc::private_intra_doc_links)]

mod app;
mod broker;
mod cache;
mod claims;
mod cli;
mod clock;
mod commands;
mod config;
mod diag;
mod endpoint;
mod env;
mod error;
mod exchange;
mod flow;
mod hosts;
mod http;
mod invocation;
mod output;
mod platform;
mod protocol;
mod redact;
mod secret;
mod source;

pub use app::run;

pub use platform::{Allocator, allocator, main_args};

/// What the integration tests (`tests/`) and fuzz targets (`fuzz/`) reach
/// inside: the pure parsers and answer builders of the front-ends, the cache's
/// file formats, and the clock. Not an API: nothing here is stable.
#[doc(hidden)]
pub mod testing {
    pub use crate::clock::now;
    pub mod broker {
        pub use crate::source::Token;
    }
    pub mod cache {
        pub use crate::cache::{Distrust, Entry, Failure, Found, Handout, decode};
    }
    pub mod config {
        pub use crate::config::{ConfigFile, GitAuth, KEYS, Profile, load_selected, parse_file};
    }
    pub mod secret {
        pub use crate::secret::Secret;
    }
    pub mod protocol {
        pub use crate::protocol::{docker, git, kube};
    }
}
