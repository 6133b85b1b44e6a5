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

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader whose every read fails.
    struct Broken;

    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("device gone"))
        }
    }

    /// A request over the bound is the client's fault ([`Kind::Malformed`]);
    /// one that cannot be read keeps the read's error as its cause.
    #[test]
    fn an_oversized_request_is_malformed_and_a_failed_read_keeps_its_cause() {
        let big = vec![b'a'; usize::try_from(MAX_REQUEST).unwrap() + 1];
        let e = read_bounded(big.as_slice()).unwrap_err();
        assert_eq!(e.kind(), Kind::Malformed);
        assert_eq!(read_bounded(&big[1..]).unwrap().len(), big.len() - 1);

        let e = read_bounded(Broken).unwrap_err();
        assert_eq!(e.kind(), Kind::Other);
        assert_eq!(e.chain(), vec!["device gone".to_string()]);
    }
}
