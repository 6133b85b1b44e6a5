//! Protocol front-ends: thin adapters that parse a client's request (bounded),
//! ask a [`TokenSource`] (the broker) for a token, and answer in the client's
//! format. Every front-end has one signature, [`Run`]: it is handed a
//! [`Call`] and returns its exit status.

use crate::error::{Context as _, Error, Kind, Result};

pub mod docker;
pub mod git;
pub mod kube;

use std::io::{Read, Write};

use crate::config::{ForHost, Selection};
use crate::env::Env;
use crate::source::TokenSource;

/// The one signature of a front-end: a [`Call`] in, the exit status out. An
/// `Err` becomes one line on stderr (git and kubectl show it to the user); a
/// front-end whose client reads only stdout (docker) answers its errors there
/// itself and returns their status.
pub(crate) type Run = fn(Call<'_>) -> Result<i32>;

// Each front-end has that signature: one that drifts is a compile error here.
const _: [Run; 3] = [git::run, docker::run, kube::run];

/// Everything a front-end reads and writes, so each is tested in-process
/// (a byte slice for stdin, a fixed environment, a fake token source, a
/// `Vec` for stdout).
pub(crate) struct Call<'a> {
    /// The action named on the command line (`get`, `erase`, …); empty for a
    /// protocol without one (kube).
    pub(crate) action: &'a str,
    /// The client's request (stdin), read only by the actions that take one,
    /// at most [`MAX_REQUEST`] bytes ([`read_bounded`]).
    pub(crate) input: &'a mut dyn Read,
    /// The variables the front-end reads (`KUBERNETES_EXEC_INFO`).
    pub(crate) env: &'a Env,
    /// Whether a person is at a terminal (stdin and stderr both one), asked
    /// only by the front-end that needs it (kube).
    pub(crate) at_terminal: fn() -> bool,
    /// The profile it answers for (which the request's host may pick), and
    /// that profile's tokens.
    pub(crate) profile: &'a dyn Profile,
    /// Where the answer goes (stdout): written whole or not at all.
    pub(crate) out: &'a mut dyn Write,
}

/// The profile a front-end answers for, resolved only when an action needs it
/// (so `store`, `version` and a bad request never read a config), and a token
/// source for it.
pub(crate) trait Profile {
    /// The selection for a request to `host` (`None`: a request naming no
    /// host), which picks the profile when `-p` / `CYTOKEN_PROFILE` does not
    /// (DESIGN §4, [`crate::hosts`]). Resolved once: later calls answer the
    /// same selection whatever their host (its error on every call until it
    /// resolves).
    fn selection(&self, host: Option<ForHost<'_>>) -> Result<&Selection>;
    /// The token source for [`Profile::selection`] (resolved for no host when
    /// it was not called first).
    fn tokens(&self) -> Result<&dyn TokenSource>;
}

/// Longest request any front-end reads: protocol requests are a few hundred
/// bytes, so more is a misbehaving client, not a request.
pub(crate) const MAX_REQUEST: u64 = 1 << 20;

/// Reads a whole request, refusing more than [`MAX_REQUEST`] bytes: a helper
/// must not be made to buffer an endless stream ([`Kind::Malformed`]). The
/// message is a fragment for the front-end to report in its protocol's way.
pub(crate) fn read_bounded(input: impl std::io::Read) -> Result<Vec<u8>> {
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

/// Front-end unit tests: a profile from a given selection and token source,
/// one that cannot be resolved, and a [`Call`] around them.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Call, Profile, Run};
    use crate::config::{ForHost, Selection};
    use crate::env::Env;
    use crate::error::{Error, Result};
    use crate::source::TokenSource;

    /// A resolved profile: `sel` and its token source `source` (a
    /// [`crate::source::fake::Fake`], or a broker on a test selection).
    pub(crate) struct Given<'a> {
        pub(crate) sel: &'a Selection,
        pub(crate) source: &'a dyn TokenSource,
    }

    impl Profile for Given<'_> {
        fn selection(&self, _: Option<ForHost<'_>>) -> Result<&Selection> {
            Ok(self.sel)
        }
        fn tokens(&self) -> Result<&dyn TokenSource> {
            Ok(self.source)
        }
    }

    /// A profile whose selection fails with this configuration error (a
    /// config path that does not exist, say).
    pub(crate) struct Broken(pub(crate) &'static str);

    impl Profile for Broken {
        fn selection(&self, _: Option<ForHost<'_>>) -> Result<&Selection> {
            Err(Error::config(self.0))
        }
        fn tokens(&self) -> Result<&dyn TokenSource> {
            Err(Error::config(self.0))
        }
    }

    /// A selection no token is ever minted for (the fake's profile).
    pub(crate) fn selection() -> Selection {
        Selection::for_test(
            "https://protectapi.example.invalid/auth/v2/token",
            std::path::Path::new("/nonexistent/cytoken-cache"),
        )
    }

    /// Runs `front_end` for `action` on `input` in `env`, not at a terminal;
    /// its status and stdout.
    pub(crate) fn run(
        front_end: Run,
        action: &str,
        mut input: &[u8],
        env: &Env,
        profile: &dyn Profile,
    ) -> (Result<i32>, String) {
        let mut out = Vec::new();
        let status = front_end(Call {
            action,
            input: &mut input,
            env,
            at_terminal: || false,
            profile,
            out: &mut out,
        });
        (status, String::from_utf8(out).expect("UTF-8 output"))
    }
}
