//! docker credential helper input: the request reader, server URL normalisation,
//! `docker_hosts` matching and the `get` answer.
//!
//! Invariants, beyond "no panic":
//! - `read_request` accepts exactly the UTF-8 inputs, trimmed; anything else is a
//!   one-line `Failed`;
//! - `normalise`, when Some, is non-empty, lowercase, holds no `/`, `@`,
//!   whitespace, control character or trailing dot, and is idempotent
//!   (`normalise(h) == Some(h)`; `http://h:443` → `h:443` → `h` is the one
//!   documented exception): a host read back from a config entry means the same
//!   host;
//! - a `docker_hosts` list holding the normalised host allows it; an empty list
//!   allows nothing; no list allows everything; `*.h` covers `x.h` but not `h`;
//! - `credentials_json` is one line of JSON that gives back its three fields.
#![no_main]

use cytoken::protocol::docker::{self, Outcome};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match docker::read_request(data) {
        Ok(s) => {
            let text = std::str::from_utf8(data).expect("accepted input is UTF-8");
            assert_eq!(s, text.trim());
        }
        Err(Outcome::Failed(msg)) => {
            assert!(
                std::str::from_utf8(data).is_err(),
                "valid UTF-8 refused: {msg}"
            );
            assert!(!msg.contains('\n'));
        }
        Err(other) => panic!("read_request ended with {other:?}"),
    }
    let text = String::from_utf8_lossy(data);
    check_normalise(&text);

    // The answer: the three fields come back from one line of JSON.
    let mut parts = text.splitn(3, '\u{1f}');
    let (server, user, token) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let json = docker::credentials_json(server, user, token);
    assert!(json.ends_with('\n'));
    assert!(!json.trim_end_matches('\n').contains('\n'));
    let v: serde_json::Value = serde_json::from_str(&json).expect("the answer is JSON");
    assert_eq!(v["ServerURL"], server);
    assert_eq!(v["Username"], user);
    assert_eq!(v["Secret"], token);
});

fn check_normalise(text: &str) {
    let Some(host) = docker::normalise(text) else {
        return;
    };
    assert!(!host.is_empty());
    assert_eq!(host, host.to_ascii_lowercase(), "not lowercase");
    assert!(
        !host.contains(|c: char| c == '/' || c == '@' || c.is_whitespace() || c.is_control()),
        "{host:?}"
    );
    assert!(
        !host.ends_with('.'),
        "trailing dot in {host:?} (from {text:?})"
    );
    assert!(docker::allowed(None, &host));
    assert!(!docker::allowed(Some(&[]), &host));
    // Idempotent, and so matched by a docker_hosts entry equal to it, but for one
    // documented case: `http://h:443` keeps its port (443 is not http's default),
    // and `h:443` read back bare is `h` (443 is https's default).
    if host.ends_with(":443") {
        return;
    }
    assert_eq!(
        docker::normalise(&host).as_deref(),
        Some(host.as_str()),
        "normalise is not idempotent on {text:?}"
    );
    assert!(docker::allowed(Some(std::slice::from_ref(&host)), &host));
    if !host.starts_with('[') {
        let wildcard = [format!("*.{host}")];
        assert!(docker::allowed(Some(&wildcard), &format!("sub.{host}")));
        assert!(!docker::allowed(Some(&wildcard), &host));
    }
}
