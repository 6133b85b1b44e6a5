//! git credential request parser and answer writer.
//!
//! Invariants, beyond "no panic":
//! - a parsed request's values never hold LF or NUL, and every attribute that is
//!   set was named at the start of an input line (`host=a\rpassword=x` must never
//!   set a password: CVE-2024-52006);
//! - a request without a line break parses like the same line with one added, and
//!   a CRLF request like its LF twin (one trailing CR per line is stripped);
//! - the same bytes, read as an answer built by `answer` and written by `render`,
//!   parse back to the same username/password or authtype/credential, with no
//!   attribute (protocol, host, path, url) the answer did not mean to send;
//! - `answer` refuses exactly the answers whose values hold CR, LF or NUL;
//! - a reason not to answer (logged at `-v`) holds no control character, though
//!   it quotes the request's protocol or host.
#![no_main]

use cytoken::testing::broker::Token;
use cytoken::testing::config::GitAuth;
use cytoken::testing::protocol::git::{Policy, Request};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

// The invariants live in one file, shared with the proptest properties; this
// target uses only its own checkers.
#[allow(dead_code)]
#[path = "../../tests/integration/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    invariants::check_git_request(data);
    let _ = check_answer(&mut Unstructured::new(data));
});

/// The same bytes as an arbitrary request, token and policy.
fn check_answer(u: &mut Unstructured) -> Result<()> {
    let protocol = match u.int_in_range(0..=3)? {
        0 => None,
        1 => Some("https".to_owned()),
        2 => Some("http".to_owned()),
        _ => Some(u.arbitrary::<String>()?),
    };
    let host = match u.int_in_range(0..=3)? {
        0 => None,
        1 => Some("example.com".to_owned()),
        2 => Some("127.0.0.1:8080".to_owned()),
        _ => Some(u.arbitrary::<String>()?),
    };
    let username: Option<String> = u.arbitrary()?;
    let mut capabilities = Vec::new();
    if u.arbitrary()? {
        capabilities.push("authtype".to_owned());
    }
    let wwwauth: Vec<String> = u.arbitrary()?;
    let req = Request {
        protocol,
        host,
        username,
        capabilities,
        wwwauth,
        ..Request::default()
    };
    let git_auth = *u.choose(&[GitAuth::Auto, GitAuth::Basic, GitAuth::Bearer])?;
    let hosts: Option<Vec<String>> = u.arbitrary()?;
    let default_user: String = u.arbitrary()?;
    let token = Token {
        access_token: u.arbitrary::<String>()?.into(),
        expires_at: u.arbitrary()?,
        refresh_at: u.arbitrary()?,
        cached: u.arbitrary()?,
        clock_skew: u.arbitrary()?,
    };
    let policy = Policy {
        username: &default_user,
        git_auth,
        git_hosts: hosts.as_deref(),
    };
    invariants::check_git_answer(&req, &token, &policy);
    Ok(())
}
