//! The one integration test binary: every test spawns the built `cytoken`.

// The tests signal, stop and reap real child processes through libc (kill,
// wait4), which std does not offer.
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
mod attacks;
mod bad_input;
mod core;
mod demo_serve;
mod docker_exec;
mod docs;
mod faults;
mod git;
mod invariants;
mod keyring;
mod kube;
mod mtc;
mod newcomer;
mod properties;
mod resilience;
mod service;
mod support;
mod users;
