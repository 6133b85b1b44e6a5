//! The one error type of cytoken, and the exit status each kind of failure maps to.
//!
//! Messages are built by the code that knows the cause; they never contain the app
//! secret or a whole token (callers redact with [`crate::redact`] where a token could
//! appear).

use std::fmt;

/// Everything that can make a cytoken command fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Bad flags or arguments (exit 2).
    Usage(String),
    /// The configuration or selection is invalid; caught before any network call (exit 2).
    Config(String),
    /// The token endpoint rejected the request with 400, 401 or 403 (exit 3).
    Rejected { status: u16, message: String },
    /// The token endpoint is unreachable or failing: network, timeout, 5xx or 429
    /// after retries, malformed response (exit 4).
    Unavailable(String),
    /// Anything else (exit 1).
    Other(String),
}

/// Result with cytoken's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The process exit status documented in the README and `--help`.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Other(_) => 1,
            Error::Usage(_) | Error::Config(_) => 2,
            Error::Rejected { .. } => 3,
            Error::Unavailable(_) => 4,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Config(m) | Error::Unavailable(m) | Error::Other(m) => {
                f.write_str(m)
            }
            Error::Rejected { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}
