//! The one error type of cytoken: a kind (which gives the exit status), a
//! message, and the underlying cause when there is one.
//!
//! Messages are built by the code that knows the cause; they never contain the
//! app secret or a whole token (callers redact with [`crate::redact`] where a
//! token could appear). A source is kept for `-vv` and for callers that need
//! the cause (an `io::ErrorKind`), never to print instead of the message.

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
    /// Anything else (exit 1).
    Other,
}

/// Everything that can make a cytoken command fail.
#[derive(Debug, Clone)]
pub struct Error {
    kind: Kind,
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// Result with cytoken's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
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
            Kind::Other => 1,
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
