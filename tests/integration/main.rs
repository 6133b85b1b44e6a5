//! The one integration test binary: every test spawns the built `cytoken`.

mod bad_input;
mod core;
mod docker_exec;
mod docs;
mod faults;
mod git;
mod kube;
mod resilience;
mod support;
