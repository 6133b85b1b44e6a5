//! Token flows: how an access token is obtained for a selection. One type per
//! flow, one file each ([`cylance`]: an HS256-signed auth token POSTed as
//! JSON; [`mtc`]: the multi-tenant console's own token and a tenant's), and
//! [`Flow`], the one value a [`crate::config::Selection`] holds.
//!
//! A flow answers, in its own file, everything that differs between flows
//! ([`TokenFlow`]): what shapes its token (the cache key), the token it needs
//! first, the request it sends and how it reads the answer. The broker asks
//! through [`Flow::steps`] and never names a flow; the exchange sends a
//! neutral [`Call`] and hands back the [`Answer`] unread.

pub(crate) mod cylance;
#[cfg(test)]
pub(crate) mod fake;
pub(crate) mod mtc;

use crate::error::Result;
use crate::exchange::{Answer, Call, Exchanged};
use crate::secret::Secret;

/// How tokens are obtained for one selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Flow {
    /// The Cylance User API (DESIGN §1).
    Cylance(cylance::Cylance),
    /// The multi-tenant console's own token (DESIGN §11).
    MtcConsole(mtc::Console),
    /// A tenant's token from the multi-tenant console (DESIGN §11).
    MtcTenant(mtc::Tenant),
    /// A flow the broker's tests script.
    #[cfg(test)]
    Fake(fake::Fake),
}

impl Flow {
    /// The flow's answers (the one place a flow is told apart).
    pub(crate) fn steps(&self) -> &dyn TokenFlow {
        match self {
            Flow::Cylance(f) => f,
            Flow::MtcConsole(f) => f,
            Flow::MtcTenant(f) => f,
            #[cfg(test)]
            Flow::Fake(f) => f,
        }
    }

    /// The Cylance flow's settings, for what only that flow has (its auth
    /// token: `auth-token`, `demo`).
    pub(crate) fn cylance(&self) -> Option<&cylance::Cylance> {
        match self {
            Flow::Cylance(c) => Some(c),
            _ => None,
        }
    }

    /// What `check`, `demo` and the cache entry show of the selection.
    pub(crate) fn facts(&self) -> Facts<'_> {
        self.steps().facts()
    }
}

/// One value of the cache key's material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field<'a> {
    Text(&'a str),
    /// Hashed element by element, so no separator inside an element can make
    /// two lists collide.
    List(&'a [String]),
}

/// What a flow's request is built from, per attempt.
pub(crate) struct Ask<'a> {
    pub(crate) secret: &'a Secret,
    /// The token of the flow's [`TokenFlow::prerequisite`], when it has one.
    pub(crate) bearer: Option<&'a str>,
    /// Epoch seconds (the broker's clock).
    pub(crate) now: i64,
}

/// The non-secret facts of a selection's flow that are shown to the user.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts<'a> {
    /// The token endpoint the selection names.
    pub(crate) auth_url: &'a str,
    /// Empty for a flow without a tenant (the console's own token).
    pub(crate) tenant_id: &'a str,
    pub(crate) app_id: &'a str,
    pub(crate) scopes: &'a [String],
    /// The lifetime asked for, in seconds.
    pub(crate) lifetime: i64,
}

/// Everything that differs between flows. Each flow implements it in its own
/// file; [`Flow::steps`] picks the implementation.
pub(crate) trait TokenFlow {
    /// Writes everything that shapes the token into the cache key, as named
    /// fields, in a fixed order (a new order is a new key for every cached
    /// token). Implementations destructure their struct with no `..`, so a
    /// new field is a compile error here until it is either written or left
    /// out with the reason.
    fn key(&self, out: &mut dyn FnMut(&'static str, Field<'_>));

    /// The shown facts.
    fn facts(&self) -> Facts<'_>;

    /// The flow whose token this one's request carries ([`Ask::bearer`]),
    /// cached under its own key (the console's token behind a tenant's).
    fn prerequisite(&self) -> Option<Flow> {
        None
    }

    /// The URL the request goes to.
    fn url(&self) -> String;

    /// How `check` names this flow: who the token is for, and how it is
    /// obtained (with the API base `api_url` and the cache's refresh margin).
    fn describe(&self, _api_url: &str, refresh_margin: i64) -> (String, String) {
        let f = self.facts();
        (
            format!("tenant {}, app {}", f.tenant_id, f.app_id),
            format!(
                "{} (scopes: {}; lifetime {} s, refresh margin {refresh_margin} s)",
                f.auth_url,
                if f.scopes.is_empty() {
                    "none".into()
                } else {
                    f.scopes.join(",")
                },
                f.lifetime,
            ),
        )
    }

    /// One attempt's request, and the latest expiry its token may have (the
    /// answer's own only shortens it).
    fn call(&self, ask: &Ask<'_>) -> Result<(Call, i64)>;

    /// Reads the endpoint's answer to the call: the token, or the refusal in
    /// the flow's words.
    fn read(&self, answer: &Answer, requested_exp: i64, now: i64) -> Result<Exchanged>;
}

#[cfg(test)]
impl Flow {
    /// The Cylance flow's settings, for tests that change one.
    pub(crate) fn cylance_mut(&mut self) -> &mut cylance::Cylance {
        match self {
            Flow::Cylance(c) => c,
            other => panic!("not a Cylance flow: {other:?}"),
        }
    }

    /// The key material, as a list, for tests that compare it.
    pub(crate) fn material(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        self.steps().key(&mut |name, field| {
            out.push((name, format!("{field:?}")));
        });
        out
    }
}
