//! docker credential helper input: the request reader, server URL normalisation,
//! `docker_hosts` matching and the `get` answer.
//!
//! Invariants, beyond "no panic":
//! - `read_request` accepts exactly the UTF-8 inputs, trimmed; anything else is a
//!   one-line `Failed`;
//! - `normalise`, when Some, is `host[:port]` (https) or `http://host[:port]`,
//!   non-empty, lowercase, its host part holds no `/`, `@`, whitespace, control
//!   character or trailing dot, and it is idempotent (`normalise(h) ==
//!   Some(h)`): a host read back from a config entry means the same host;
//! - a `docker_hosts` list holding the normalised host allows it; an empty list
//!   allows nothing; no list allows every https host and loopback http; `*.h`
//!   covers `x.h` but not `h`;
//! - `credentials_json` is one line of JSON that gives back its three fields.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The invariants live in one file, shared with the proptest properties; this
// target uses only its own checkers.
#[allow(dead_code)]
#[path = "../../tests/integration/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    invariants::check_docker_request(data);
    let text = String::from_utf8_lossy(data);
    invariants::check_docker_normalise(&text);
    // The same text as the answer's three fields.
    let mut parts = text.splitn(3, '\u{1f}');
    let (server, user, token) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    invariants::check_docker_answer(server, user, token);
});
