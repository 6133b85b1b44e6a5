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

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

const CONFIG: &str = "/etc/cytoken/config.toml";

/// One scratch file per fuzzing process for `load_selected`, which reads a path.
static SCRATCH: LazyLock<PathBuf> = LazyLock::new(|| {
    std::env::temp_dir().join(format!("cytoken-fuzz-config-{}.toml", std::process::id()))
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text);
    // The same bytes as the body of a profile, so keys and values are explored
    // too, not only TOML syntax.
    check(&format!("[profiles.p]\n{text}"));
});

fn check(text: &str) {
    match cytoken::config::parse_file(text, Path::new(CONFIG)) {
        Ok(full) => {
            assert!(
                toml::from_str::<toml::Table>(text).is_ok(),
                "accepted invalid TOML"
            );
            std::fs::write(&*SCRATCH, text).expect("write the scratch file");
            for requested in [None, Some("p"), Some("a")] {
                let selected = cytoken::config::load_selected(&SCRATCH, requested)
                    .unwrap_or_else(|e| panic!("the whole file parses, the slice does not: {e}"));
                let wanted = requested
                    .map(str::to_owned)
                    .or_else(|| full.default_profile.clone())
                    .unwrap_or_else(|| "default".to_owned());
                assert_eq!(selected.default_profile, full.default_profile);
                assert_eq!(
                    format!("{:?}", selected.profiles.get(&wanted)),
                    format!("{:?}", full.profiles.get(&wanted)),
                    "profile {wanted} differs"
                );
            }
        }
        Err(e) => {
            assert_eq!(e.exit_code(), 2);
            let msg = e.to_string();
            assert!(
                !msg.contains(char::is_control),
                "not one clean line: {msg:?}"
            );
            let rest = msg
                .strip_prefix(CONFIG)
                .unwrap_or_else(|| panic!("does not name the file: {msg:?}"));
            if let Some(after) = rest.strip_prefix(':') {
                let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
                if !digits.is_empty() {
                    let line: usize = digits.parse().expect("a line number");
                    let lines = text.matches('\n').count() + 1;
                    assert!((1..=lines).contains(&line), "line {line} of {lines}: {msg}");
                }
            }
        }
    }
}
