//! Protocol front-ends: thin adapters that parse a client's request (bounded),
//! ask the [`crate::broker`] for a token, and answer in the client's format.

pub mod docker;
pub mod exec;
pub mod git;
pub mod kube;

/// Longest request any front-end reads: protocol requests are a few hundred
/// bytes, so more is a misbehaving client, not a request.
pub const MAX_REQUEST: u64 = 1 << 20;
