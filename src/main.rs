//! The `cytoken` binary: everything lives in the library; this only hands it argv
//! and turns its answer into the exit status.
//!
//! `no_main`, because std's own start (`lang_start`) is a measurable share of
//! a cached call (`bench/run`): it reads /proc/self/maps to find the
//! main thread's stack guard and maps a signal stack, both only for the message
//! a stack overflow prints (without them it is a plain SIGSEGV). What of it
//! cytoken needs, `run` does first (`platform::prepare_process`: the standard
//! fds open, SIGPIPE ignored); the arguments are read from `argv` on Unix
//! (std finds them without `lang_start` only on glibc and macOS) and from the
//! UTF-16 command line on Windows, and `process::exit` flushes stdout as the
//! end of `lang_start` would.
#![no_main]

use std::ffi::{c_char, c_int};

/// Every allocation (src/platform/mod.rs, `Allocator`).
#[global_allocator]
static ALLOC: cytoken::Allocator = cytoken::allocator();

/// The C entry point each target's C runtime calls.
// `unsafe_code` is denied everywhere else (Cargo.toml): `no_mangle` is unsafe
// only because two symbols of one name would clash at link time, and `main` is
// the one symbol a `no_main` binary must define.
#[allow(unsafe_code, clippy::similar_names)] // similar: C's own names
#[unsafe(no_mangle)]
extern "C" fn main(argc: c_int, argv: *const *const c_char) -> c_int {
    // SAFETY: what the C runtime passes to `main`.
    std::process::exit(cytoken::run(unsafe { cytoken::main_args(argc, argv) }))
}
