//! The one HTTP stack of cytoken, for the token exchange ([`crate::exchange`])
//! and `cytoken api` alike: the client ([`Agent`]: proxy, trust roots, no
//! redirects, bounded connects, the https and loopback rules), the retry
//! budget, back-off and `Retry-After` ([`retry`]), and the body bounds.
//!
//! Its layer (DESIGN §6, arrows one way): below the exchange and the `api`
//! command, above `platform` (the loopback peer check); it never imports a
//! command, the broker or a flow.
//!
//! Only a cache miss or an API call reaches it: the client, the proxy
//! settings and the trust store are built per call, never at start-up.

mod agent;
mod loopback;
pub(crate) mod retry;

pub(crate) use agent::{proxy_in_effect, trust_roots};

use std::path::Path;
use std::time::Duration;

use ureq::http::Uri;

use crate::error::Result;
use crate::redact::sanitize;

/// A token endpoint's answer is read up to this size: a token response is a
/// few KiB, and an unbounded read would let a hostile or broken endpoint
/// exhaust our memory.
pub(crate) const BODY_LIMIT: u64 = 1 << 20;

/// Bytes of an API error body kept for its message (the body itself is
/// streamed to the caller, unbounded).
pub(crate) const MESSAGE_BYTES: usize = 64 << 10;

/// An HTTP client for one base URL, and what its messages need to say about
/// it.
pub(crate) struct Agent {
    /// The client: proxy from the environment (never for a loopback host),
    /// trust roots for https, no redirects (one would carry a credential
    /// elsewhere), the connect timeout, https-only once https.
    pub(crate) ureq: ureq::Agent,
    /// Whether the base URL is https; plain http is only ever to a loopback
    /// host (checked by the config, [`crate::endpoint`]), where every
    /// connection is checked for who accepted it before a byte is sent.
    pub(crate) https: bool,
    /// Said after a TLS failure when the trust store is not the usual one.
    pub(crate) tls_note: Option<String>,
    /// ` via proxy host:port` when a proxy is used, else empty: a refused or
    /// unreachable proxy must not read as a refused server.
    pub(crate) via: String,
}

impl Agent {
    /// The client for `uri`, trusting `ca_file` besides the system's roots.
    /// Errors: [`crate::error::Kind::Config`] for an unusable `ca_file`,
    /// `SSL_CERT_FILE`/`SSL_CERT_DIR` or proxy variable.
    pub(crate) fn new(
        uri: &Uri,
        ca_file: Option<&Path>,
        connect_timeout: Duration,
    ) -> Result<Agent> {
        agent::build(uri, is_https(uri), ca_file, connect_timeout)
    }

    /// The message for a failed TLS connection to `host`, with the fix;
    /// `cause` is already clean of anything secret.
    pub(crate) fn tls_failure(&self, host: &str, cause: &str) -> String {
        let note = self
            .tls_note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        format!(
            "TLS connection to {host} failed: {}{note} — if {host} (or a TLS-inspecting proxy) \
             uses a private CA, add its certificate with ca_file",
            sanitize(cause, 200)
        )
    }
}

/// Whether `uri` is https (any case).
pub(crate) fn is_https(uri: &Uri) -> bool {
    uri.scheme_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("https"))
}
