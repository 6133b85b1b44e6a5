//! Cache file decoder: entries, recorded failures and kubectl hand-out records.
//!
//! Invariants, beyond "no panic":
//! - `decode` never returns `Missing` (that is for absent files); its refusals
//!   are one line;
//! - whatever it accepts re-serialises (compact, and pretty as `Cache::write`
//!   writes entries) and decodes to an equal value;
//! - an arbitrary entry, failure or hand-out written as JSON decodes equal.
#![no_main]

use cytoken::cache::{self, Entry, Failure, Found, Handout};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fuzz_target!(|data: &[u8]| {
    check_decode::<Entry>(data);
    check_decode::<Failure>(data);
    check_decode::<Handout>(data);
    let _ = check_write(&mut Unstructured::new(data));
});

fn check_decode<T>(data: &[u8])
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    match cache::decode::<T>(data) {
        Found::Ok(v) => round_trip(&v),
        Found::Untrusted(why) => assert!(!why.contains('\n'), "{why:?}"),
        Found::Missing => panic!("decode said Missing"),
    }
}

fn round_trip<T>(v: &T)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    for bytes in [
        serde_json::to_vec(v).expect("serialises"),
        serde_json::to_vec_pretty(v).expect("serialises"),
    ] {
        match cache::decode::<T>(&bytes) {
            Found::Ok(back) => assert_eq!(&back, v),
            other => panic!("{v:?} re-encoded does not decode: {other:?}"),
        }
    }
}

/// Records are built from JSON, so fields added with a serde default
/// (`Failure::unavailable`, `Handout::replaced`) need no change here.
fn record<T: DeserializeOwned>(v: &serde_json::Value) -> T {
    serde_json::from_value(v.clone()).expect("a cache record")
}

fn check_write(u: &mut Unstructured) -> Result<()> {
    let entry: Entry = record(&serde_json::json!({
        "access_token": u.arbitrary::<String>()?,
        "expires_at": u.arbitrary::<i64>()?,
        "obtained_at": u.arbitrary::<i64>()?,
        "profile": u.arbitrary::<String>()?,
        "tenant_id": u.arbitrary::<String>()?,
        "app_id": u.arbitrary::<String>()?,
        "auth_url": u.arbitrary::<String>()?,
        "scopes": u.arbitrary::<Vec<String>>()?,
    }));
    round_trip(&entry);
    let failure: Failure = record(&serde_json::json!({
        "status": u.arbitrary::<u16>()?,
        "message": u.arbitrary::<String>()?,
        "until": u.arbitrary::<i64>()?,
        "unavailable": u.arbitrary::<bool>()?,
    }));
    round_trip(&failure);
    let handout: Handout = record(&serde_json::json!({
        "token_fp": u.arbitrary::<String>()?,
        "until": u.arbitrary::<i64>()?,
        "replaced": u.arbitrary::<bool>()?,
    }));
    round_trip(&handout);
    Ok(())
}
