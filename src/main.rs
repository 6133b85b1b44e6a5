//! The `cytoken` binary: everything lives in the library; this only hands it argv
//! and turns its answer into the exit status.
//!
//! `no_main`, because std's own start (`lang_start`) was 8 % of the wall time
//! of a cached call (0.62 -> 0.58 ms): it reads /proc/self/maps to find the
//! main thread's stack guard and maps a signal stack, both only for the message
//! a stack overflow prints (without them it is a plain SIGSEGV). What of it
//! cytoken needs, `run` does first (`platform::prepare_process`: the standard
//! fds open, SIGPIPE ignored); std still finds argv on every target, and
//! `process::exit` flushes stdout as the end of `lang_start` would.
#![no_main]

use std::ffi::{c_char, c_int};

/// The C entry point each target's C runtime calls.
// `unsafe_code` is denied everywhere else (Cargo.toml): `no_mangle` is unsafe
// only because two symbols of one name would clash at link time, and `main` is
// the one symbol a `no_main` binary must define.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    std::process::exit(cytoken::run(std::env::args_os().collect()))
}
