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

use cytoken::broker::Token;
use cytoken::protocol::kube::{self, ApiVersion};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const V1: &str = "client.authentication.k8s.io/v1";
const V1BETA1: &str = "client.authentication.k8s.io/v1beta1";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_parse(&text);
    // The same bytes wrapped in a well-formed request, so apiVersion and kind
    // values are explored too, not only JSON syntax.
    let wrapped = format!(r#"{{"kind":"ExecCredential","apiVersion":{text}}}"#);
    check_parse(&wrapped);
    let _ = check_credential(&mut Unstructured::new(data));
});

fn check_parse(text: &str) {
    let expected = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            let obj = v.as_object()?;
            if obj.get("kind")?.as_str()? != "ExecCredential" {
                return None;
            }
            match obj.get("apiVersion")?.as_str()? {
                V1 => Some(ApiVersion::V1),
                V1BETA1 => Some(ApiVersion::V1beta1),
                _ => None,
            }
        });
    match kube::parse_exec_info(Some(text)) {
        Ok(api) => assert_eq!(Some(api), expected, "accepted {text:?}"),
        Err(e) => {
            assert_eq!(expected, None, "refused a valid request: {e}");
            assert_eq!(e.exit_code(), 2);
            let msg = e.to_string();
            assert!(
                !msg.contains(char::is_control),
                "not one clean line: {msg:?}"
            );
            assert!(msg.chars().count() < 400, "too long: {msg:?}");
        }
    }
}

fn check_credential(u: &mut Unstructured) -> Result<()> {
    let api = *u.choose(&[ApiVersion::V1, ApiVersion::V1beta1])?;
    let token = Token {
        access_token: u.arbitrary()?,
        expires_at: u.arbitrary()?,
        refresh_at: u.arbitrary()?,
        cached: u.arbitrary()?,
        clock_skew: u.arbitrary()?,
    };
    let out = kube::credential(api, &token).expect("a credential encodes");
    assert!(!out.contains('\n'));
    let v: serde_json::Value = serde_json::from_str(&out).expect("the answer is JSON");
    assert_eq!(v["kind"], "ExecCredential");
    assert_eq!(v["apiVersion"], api.as_str());
    assert_eq!(v["status"]["token"], token.access_token.as_str());
    let ts = v["status"]["expirationTimestamp"]
        .as_str()
        .expect("a timestamp");
    // Within years 0000..=9999 (all a real expiry can be), an RFC 3339 UTC time.
    if (-62_167_219_200..=253_402_300_799).contains(&token.refresh_at) {
        assert!(ts.ends_with('Z') && ts.len() == 20, "{ts}");
    }
    Ok(())
}
