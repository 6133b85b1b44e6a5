//! Protocol front-ends: thin adapters that parse a client's request (bounded),
//! ask the [`crate::broker`] for a token, and answer in the client's format.

use crate::error::{Context as _, Error, Kind, Result};

pub mod docker;
pub mod git;
pub mod kube;

/// Longest request any front-end reads: protocol requests are a few hundred
/// bytes, so more is a misbehaving client, not a request.
pub const MAX_REQUEST: u64 = 1 << 20;

/// Reads a whole request, refusing more than [`MAX_REQUEST`] bytes: a helper
/// must not be made to buffer an endless stream ([`Kind::Malformed`]). The
/// message is a fragment for the front-end to report in its protocol's way.
pub fn read_bounded(input: impl std::io::Read) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let mut buf = Vec::new();
    input
        .take(MAX_REQUEST + 1)
        .read_to_end(&mut buf)
        .context(Kind::Other, |e| format!("cannot read the request: {e}"))?;
    if buf.len() as u64 > MAX_REQUEST {
        return Err(Error::malformed(format!(
            "the request is larger than {} KiB; refusing it",
            MAX_REQUEST / 1024
        )));
    }
    Ok(buf)
}
