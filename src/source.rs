//! What a front-end asks for tokens through: the [`TokenSource`] contract
//! (the broker is the real one; unit tests fake it), the [`Token`] it hands
//! out and the [`Parent`] a token is handed to.

use crate::error::Result;
use crate::secret::Secret;

/// A token handed to a front-end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub access_token: Secret,
    /// Epoch seconds when the token itself expires.
    pub expires_at: i64,
    /// Epoch seconds after which cytoken stops handing it out (expiry − margin).
    pub refresh_at: i64,
    /// Whether it came from the cache rather than a fresh exchange.
    pub cached: bool,
    /// After a fresh exchange: local clock minus the server's, in seconds.
    pub clock_skew: Option<i64>,
}

/// The process a token is handed to, for [`TokenSource::token_for_parent`]:
/// its pid and, where the OS tells it, its start time (a pid alone can be
/// recycled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Parent {
    pub pid: u32,
    pub started: Option<u64>,
}

/// The tokens of one selection, as a front-end asks for them. Front-ends never
/// touch the cache or the exchange: what they need is a method here.
pub(crate) trait TokenSource {
    /// A valid token.
    fn token(&self) -> Result<Token>;

    /// A valid token for `parent`, a client that asks again before the time it
    /// was told only when the server refused the token it holds (kubectl after
    /// a 401): such a re-ask replaces the token.
    fn token_for_parent(&self, parent: Parent) -> Result<Token>;

    /// Drops the cached token if it is still `token` (a client reports the
    /// server refused it), so a late report never throws away a newer token;
    /// true if it was dropped.
    fn invalidate_if_current(&self, token: &str) -> Result<bool>;

    /// Drops the cached token, whichever it is; true if there was one.
    fn clear(&self) -> Result<bool>;
}

/// A scripted [`TokenSource`] for front-end unit tests: no cache, no socket.
#[cfg(test)]
pub(crate) mod fake {
    use std::cell::RefCell;

    use super::{Parent, Token, TokenSource};
    use crate::error::{Error, Result};

    /// What a front-end asked of a [`Fake`], in order.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(crate) enum Asked {
        Token,
        TokenForParent(Parent),
        Invalidate(String),
        Clear,
    }

    /// Hands out `tok-1`, then `tok-2`, … : a new token after each
    /// invalidation, clear or re-ask by the parent that was handed the current
    /// one, as the broker does; or ([`Fake::failing`]) fails every call.
    #[derive(Default)]
    pub(crate) struct Fake {
        pub(crate) asked: RefCell<Vec<Asked>>,
        generation: RefCell<u32>,
        handed_to: RefCell<Option<Parent>>,
        failing: Option<&'static str>,
    }

    impl Fake {
        /// A source whose every call fails with the configuration error `message`.
        pub(crate) fn failing(message: &'static str) -> Fake {
            Fake {
                failing: Some(message),
                ..Fake::default()
            }
        }

        /// The token of the current generation.
        pub(crate) fn current(&self) -> String {
            format!("tok-{}", *self.generation.borrow() + 1)
        }

        fn answer(&self, asked: Asked) -> Result<Token> {
            self.asked.borrow_mut().push(asked);
            if let Some(m) = self.failing {
                return Err(Error::config(m));
            }
            Ok(Token {
                access_token: self.current().into(),
                expires_at: 2_000_001_800,
                refresh_at: 2_000_001_500,
                cached: true,
                clock_skew: None,
            })
        }

        fn replace(&self) {
            *self.generation.borrow_mut() += 1;
        }
    }

    impl TokenSource for Fake {
        fn token(&self) -> Result<Token> {
            self.answer(Asked::Token)
        }

        fn token_for_parent(&self, parent: Parent) -> Result<Token> {
            if self.handed_to.replace(Some(parent)) == Some(parent) {
                self.replace();
            }
            self.answer(Asked::TokenForParent(parent))
        }

        fn invalidate_if_current(&self, token: &str) -> Result<bool> {
            self.asked
                .borrow_mut()
                .push(Asked::Invalidate(token.to_owned()));
            let current = token == self.current();
            if current {
                self.replace();
            }
            Ok(current)
        }

        fn clear(&self) -> Result<bool> {
            self.asked.borrow_mut().push(Asked::Clear);
            self.replace();
            Ok(true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_shows_everything_but_the_token() {
        let t = Token {
            access_token: "eyJhbGciOiJIUzI1NiJ9.handed-out.sig".into(),
            expires_at: 1_700_001_800,
            refresh_at: 1_700_001_500,
            cached: true,
            clock_skew: Some(-3),
        };
        let d = format!("{t:?}");
        assert!(!d.contains("handed-out"), "{d}");
        assert_eq!(
            d,
            "Token { access_token: REDACTED, expires_at: 1700001800, refresh_at: 1700001500, \
             cached: true, clock_skew: Some(-3) }"
        );
    }
}
