//! The one integration test binary: every test spawns the built `cytoken`.

mod core;
mod docker_exec;
mod docs;
mod faults;
mod git;
mod kube;
mod resilience;
mod support;
