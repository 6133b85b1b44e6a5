//! Config file parsing, whole (`parse_file`) and sliced to one selection
//! (`load_selected`).
//!
//! Invariants, beyond "no panic":
//! - a file `parse_file` accepts is valid TOML;
//! - every refusal is a configuration error (exit 2) on one line, free of
//!   control characters, that starts with the file's path and, when it names a
//!   line, names one the file has;
//! - when the whole file parses, `load_selected` reads the selection exactly as
//!   the whole file does: the same default profile and the same wanted profile
//!   (or none), whichever part of the file it chose to parse.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The invariants live in one file, shared with the proptest properties; this
// target uses only its own checkers.
#[allow(dead_code)]
#[path = "../../tests/integration/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    invariants::check_config(&text);
    // The same bytes as the body of a profile, so keys and values are explored
    // too, not only TOML syntax.
    invariants::check_config(&format!("[profiles.p]\n{text}"));
});
