//! Cache file decoder: entries, recorded failures and kubectl hand-out records.
//!
//! Invariants, beyond "no panic":
//! - `decode` never returns `Missing` (that is for absent files); its refusals
//!   are one line;
//! - whatever it accepts re-serialises (compact, and pretty as `Cache::write`
//!   writes entries) and decodes to an equal value;
//! - an arbitrary entry, failure or hand-out written as JSON decodes equal.
#![no_main]

use cytoken::testing::cache::{Entry, Failure, Handout};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

// The invariants live in one file, shared with the proptest properties; this
// target uses only its own checkers.
#[allow(dead_code)]
#[path = "../../tests/integration/invariants.rs"]
mod invariants;

use invariants::{check_cache_round_trip, record};

fuzz_target!(|data: &[u8]| {
    invariants::check_cache_entry(data);
    let _ = check_write(&mut Unstructured::new(data));
});

/// The same bytes as arbitrary records.
fn check_write(u: &mut Unstructured) -> Result<()> {
    let entry: Entry = record(serde_json::json!({
        "access_token": u.arbitrary::<String>()?,
        "expires_at": u.arbitrary::<i64>()?,
        "obtained_at": u.arbitrary::<i64>()?,
        "profile": u.arbitrary::<String>()?,
        "tenant_id": u.arbitrary::<String>()?,
        "app_id": u.arbitrary::<String>()?,
        "auth_url": u.arbitrary::<String>()?,
        "scopes": u.arbitrary::<Vec<String>>()?,
    }));
    check_cache_round_trip(&entry);
    let failure: Failure = record(serde_json::json!({
        "status": u.arbitrary::<u16>()?,
        "message": u.arbitrary::<String>()?,
        "until": u.arbitrary::<i64>()?,
        "unavailable": u.arbitrary::<bool>()?,
    }));
    check_cache_round_trip(&failure);
    let handout: Handout = record(serde_json::json!({
        "token_fp": u.arbitrary::<String>()?,
        "until": u.arbitrary::<i64>()?,
        "replaced": u.arbitrary::<bool>()?,
    }));
    check_cache_round_trip(&handout);
    Ok(())
}
