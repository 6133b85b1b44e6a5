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

mod api;
// /proc and prctl: Linux only (macOS is type-checked in CI).
#[cfg(target_os = "linux")]
mod attacks;
// Loopback ports and the session bus, as a second user.
#[cfg(target_os = "linux")]
mod attacks_loopback;
// Trusted paths for what cytoken runs, links to or creates, as a second user.
#[cfg(target_os = "linux")]
mod attacks_paths;
mod bad_input;
mod core;
mod demo_serve;
#[cfg(unix)]
mod docker_exec;
mod docs;
mod faults;
#[cfg(unix)]
mod git;
mod hostile_servers;
mod invariants;
#[cfg(unix)]
mod keyring;
#[cfg(unix)]
mod kube;
mod mtc;
mod newcomer;
mod properties;
mod resilience;
#[cfg(unix)]
mod service;
mod support;
// The second local user attacks.rs plays (useradd, chown): Linux only.
#[cfg(target_os = "linux")]
mod users;
// The Windows way of what the Unix-only modules check, and the list of what
// is compiled out on Windows (printed on every run).
#[cfg(windows)]
mod windows;
