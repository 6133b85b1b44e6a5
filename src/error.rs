//! The one error type of cytoken: a kind (which gives the exit status), a
//! message, and the underlying cause when there is one.
//!
//! Messages are built by the code that knows the cause; they never contain the
//! app secret or a whole token (callers redact with [`crate::redact`] where a
//! token could appear). The cause is kept as [`std::error::Error::source`]
//! (through [`Context`]) for callers that need it (an `io::ErrorKind`) and
//! for `-v`, which prints the chain under the message ([`Error::chain`]),
//! never instead of it.
//!
//! A source is printed, so it must be an error whose text can hold no secret:
//! an OS error, a path, a parse error of a file or of a request (never of a
//! document that carries the secret or a token, nor an error quoting a
//! server's answer, which the code redacts into the message instead). The
//! chain is still redacted and cleaned as it is printed, as a second line of
//! defence.

use std::fmt;
use std::sync::Arc;

/// What kind of failure, and so which exit status (README, `--help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bad flags or arguments (exit 2).
    Usage,
    /// The configuration or selection is invalid; caught before any network call (exit 2).
    Config,
    /// The token endpoint rejected the request with this status: 400, 401 or 403 (exit 3).
    Rejected(u16),
    /// The token endpoint is unreachable or failing: network, timeout, 5xx or 429
    /// after retries, malformed response (exit 4).
    Unavailable,
    /// The Cylance API answered this error status after retries (`cytoken
    /// api`, exit 5).
    Api(u16),
    /// A client (git, docker, kubectl) sent a request that breaks its
    /// protocol: too large, a NUL, not `key=value` (exit 1, as any other
    /// failure).
    Malformed,
    /// Anything else (exit 1).
    Other,
}

/// Everything that can make a cytoken command fail.
#[derive(Debug, Clone)]
pub struct Error {
    kind: Kind,
    message: String,
    /// The HTTP status a server answered, when the failure is that answer
    /// (also for an unexpected status, which the kind does not carry).
    status: Option<u16>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// The longest cause [`Error::chain`] shows.
const CAUSE_CHARS: usize = 300;

/// Result with cytoken's error type.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            status: match kind {
                Kind::Rejected(s) | Kind::Api(s) => Some(s),
                _ => None,
            },
            source: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(Kind::Usage, message)
    }

    pub fn config(message: impl Into<String>) -> Error {
        Error::new(Kind::Config, message)
    }

    pub fn rejected(status: u16, message: impl Into<String>) -> Error {
        Error::new(Kind::Rejected(status), message)
    }

    pub fn unavailable(message: impl Into<String>) -> Error {
        Error::new(Kind::Unavailable, message)
    }

    pub fn other(message: impl Into<String>) -> Error {
        Error::new(Kind::Other, message)
    }

    pub fn malformed(message: impl Into<String>) -> Error {
        Error::new(Kind::Malformed, message)
    }

    /// Records the HTTP status the server answered.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Error {
        self.status = Some(status);
        self
    }

    /// The HTTP status behind this error, when a server answered one.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The causes under the message, outermost first, each as it is shown
    /// at `-v`: token-shaped text redacted, on one line, bounded.
    pub fn chain(&self) -> Vec<String> {
        let mut causes = Vec::new();
        let mut next = std::error::Error::source(self);
        while let Some(cause) = next {
            causes.push(crate::redact::sanitize(
                &crate::redact::redact_tokens(&cause.to_string()),
                CAUSE_CHARS,
            ));
            next = cause.source();
        }
        causes
    }

    /// Keeps `source` as the cause (its text is not added to the message).
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        self.source = Some(Arc::new(source));
        self
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The process exit status documented in the README and `--help`.
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            Kind::Other | Kind::Malformed => 1,
            Kind::Usage | Kind::Config => 2,
            Kind::Rejected(_) => 3,
            Kind::Unavailable => 4,
            Kind::Api(_) => 5,
        }
    }
}

/// Equal when kind and message are (the source is detail).
impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        self.kind == other.kind && self.message == other.message
    }
}

impl Eq for Error {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Turns any error into cytoken's, keeping it as the cause: `.context(kind,
/// |e| message)` (the message may quote `e`, as it did before the cause was
/// kept). Read [the module](self) for what may be a cause.
pub(crate) trait Context<T, E> {
    /// The error of `kind` with the message `message(&cause)` and `cause`
    /// as its source.
    fn context<F, M>(self, kind: Kind, message: F) -> Result<T>
    where
        F: FnOnce(&E) -> M,
        M: Into<String>;
}

impl<T, E> Context<T, E> for std::result::Result<T, E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn context<F, M>(self, kind: Kind, message: F) -> Result<T>
    where
        F: FnOnce(&E) -> M,
        M: Into<String>,
    {
        self.map_err(|cause| Error::new(kind, message(&cause)).with_source(cause))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io(kind: std::io::ErrorKind, text: &str) -> std::io::Error {
        std::io::Error::new(kind, text.to_string())
    }

    /// The cause is the source, its text may be quoted, and the kind is the
    /// one asked for.
    #[test]
    fn context_keeps_the_cause() {
        let r: std::result::Result<(), _> = Err(io(std::io::ErrorKind::NotFound, "gone"));
        let e = r
            .context(Kind::Config, |e| format!("cannot read x: {e}"))
            .unwrap_err();
        assert_eq!(e.kind(), Kind::Config);
        assert_eq!(e.to_string(), "cannot read x: gone");
        let source = std::error::Error::source(&e).expect("a source");
        let io = source
            .downcast_ref::<std::io::Error>()
            .expect("the io error");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(e.chain(), vec!["gone".to_string()]);
    }

    /// Every level of the chain, outermost first; token-shaped text in a
    /// cause is redacted, and a cause is one line.
    #[test]
    fn the_chain_is_every_cause_redacted_on_one_line() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl";
        let inner: std::result::Result<(), _> =
            Err(io(std::io::ErrorKind::Other, &format!("bad\ntoken {jwt}")));
        let middle = inner.context(Kind::Other, |_| "middle").unwrap_err();
        let outer = Err::<(), _>(middle)
            .context(Kind::Unavailable, |_| "outer")
            .unwrap_err();
        let chain = outer.chain();
        assert_eq!(chain.len(), 2, "{chain:?}");
        assert_eq!(chain[0], "middle");
        assert!(!chain[1].contains(jwt), "{chain:?}");
        assert!(!chain[1].contains('\n'), "{chain:?}");
        assert_eq!(outer.kind(), Kind::Unavailable);
    }

    /// The status is data: set by the kinds that carry one, or recorded.
    #[test]
    fn the_status_is_data() {
        assert_eq!(Error::rejected(401, "x").status(), Some(401));
        assert_eq!(Error::new(Kind::Api(503), "x").status(), Some(503));
        assert_eq!(Error::unavailable("x").status(), None);
        assert_eq!(Error::unavailable("x").with_status(404).status(), Some(404));
    }

    /// A malformed request exits as every other failure did before it had a kind.
    #[test]
    fn a_malformed_request_exits_1() {
        assert_eq!(Error::malformed("x").exit_code(), 1);
        assert_eq!(
            Error::malformed("x").exit_code(),
            Error::other("x").exit_code()
        );
    }
}
