//! The one integration test binary: every test spawns the built `cytoken`.

// The tests signal, stop and reap real child processes through libc (kill,
// wait4), which std does not offer; on Windows they read and set DACLs and
// suspend processes through windows-sys. Modules that need sh, git, kubectl or
// a second Unix user are `cfg(unix)`: windows.rs lists them, and why.
#![allow(unsafe_code)]
// Test scaffolding: terse names and pid casts are clearer than ceremony here.
#![allow(
    clippy::similar_names,
    clippy::many_single_char_names,
    clippy::cast_possible_wrap,
    clippy::items_after_statements,
    clippy::unreadable_literal
)]
// The shared helpers (support.rs, users.rs) are `pub` for every module of
// this one binary; `pub(crate)` would say nothing more here.
#![allow(unreachable_pub)]

mod api;
mod cache;
mod check;
mod cli;
mod config;
mod demo;
// `demo --serve`: its config, both flows and the API lists behind them.
mod demo_serve;
#[cfg(unix)]
mod docker;
mod docs;
mod errors;
mod exchange;
#[cfg(unix)]
mod exec;
#[cfg(unix)]
mod git;
#[cfg(unix)]
mod host_profiles;
// A misbehaving loopback server the api and exchange tests drive.
mod hostile;
// status's proxy and roots, `demo --serve --https` with real kubectl.
mod https;
mod init;
#[cfg(unix)]
mod install_helpers;
mod invariants;
#[cfg(unix)]
mod keyring;
#[cfg(unix)]
mod kube;
mod layering;
mod log;
// What cytoken says when something is wrong, its help and completions.
mod messages;
mod mtc;
mod properties;
mod protocols;
// `cytoken man config`, the first-run error, the proxy `check` shows.
mod reference;
// Second-user attacks on the trust rules; /proc and prctl: Linux only (macOS
// is type-checked in CI).
#[cfg(target_os = "linux")]
mod security;
#[cfg(unix)]
mod setup;
#[cfg(unix)]
mod status;
mod support;
mod token;
// The second local user the security tests play (useradd, chown): Linux only.
#[cfg(target_os = "linux")]
mod users;
// The Windows way of what the Unix-only modules check, and the list of what
// is compiled out on Windows (printed on every run).
#[cfg(windows)]
mod windows;
