//! The one integration test binary: every test spawns the built `cytoken`.

mod core;
mod support;
