//! `KUBERNETES_EXEC_INFO` parsing and the ExecCredential answer.
//!
//! Invariants, beyond "no panic":
//! - `parse_exec_info` is Ok only for a JSON object whose `kind` is
//!   `ExecCredential` and whose `apiVersion` is exactly one of the two supported
//!   versions, and then returns that version;
//! - every refusal is a usage error (exit 2) on one short line;
//! - `credential` is one line of JSON in the requested apiVersion that gives the
//!   token back unchanged.
#![no_main]

use cytoken::testing::broker::Token;
use cytoken::testing::protocol::kube::ApiVersion;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

// The invariants live in one file, shared with the proptest properties; this
// target uses only its own checkers.
#[allow(dead_code)]
#[path = "../../tests/integration/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    invariants::check_exec_info(&text);
    // The same bytes wrapped in a well-formed request, so apiVersion and kind
    // values are explored too, not only JSON syntax.
    let wrapped = format!(r#"{{"kind":"ExecCredential","apiVersion":{text}}}"#);
    invariants::check_exec_info(&wrapped);
    let _ = check_credential(&mut Unstructured::new(data));
});

/// The same bytes as an arbitrary apiVersion and token.
fn check_credential(u: &mut Unstructured) -> Result<()> {
    let api = *u.choose(&[ApiVersion::V1, ApiVersion::V1beta1])?;
    let token = Token {
        access_token: u.arbitrary::<String>()?.into(),
        expires_at: u.arbitrary()?,
        refresh_at: u.arbitrary()?,
        cached: u.arbitrary()?,
        clock_skew: u.arbitrary()?,
    };
    invariants::check_exec_credential(api, &token);
    Ok(())
}
