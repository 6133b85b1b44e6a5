//! A flow for the broker's tests: its request names it (and carries its
//! prerequisite's token), and it reads the answer as every flow does, so a
//! fake transport scripts what the endpoint says.

use super::{Ask, Facts, Field, Flow, TokenFlow};
use crate::error::Result;
use crate::exchange::{Answer, Call, Exchanged, Hints};

/// A scripted flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fake {
    /// Shapes the key, and is the request's body.
    pub(crate) name: String,
    /// The longest a token is kept, in seconds.
    pub(crate) lifetime: i64,
    /// The flow whose token the request carries.
    pub(crate) prerequisite: Option<Box<Fake>>,
}

const HINTS: Hints = Hints {
    refused: "the fake request",
    bad_request: "bad request",
    unauthorized: "unauthorized",
    forbidden: "forbidden",
    unexpected: "unexpected",
};

impl TokenFlow for Fake {
    fn key(&self, out: &mut dyn FnMut(&'static str, Field<'_>)) {
        let Fake {
            name,
            lifetime: _,
            prerequisite: _,
        } = self;
        out("fake", Field::Text(name));
    }

    fn facts(&self) -> Facts<'_> {
        Facts {
            auth_url: "fake://token",
            tenant_id: &self.name,
            app_id: "fake-app",
            scopes: &[],
            lifetime: self.lifetime,
        }
    }

    fn prerequisite(&self) -> Option<Flow> {
        self.prerequisite.as_deref().cloned().map(Flow::Fake)
    }

    fn url(&self) -> String {
        format!("https://fake.invalid/{}", self.name)
    }

    fn call(&self, ask: &Ask<'_>) -> Result<(Call, i64)> {
        let mut call = Call::post("text/plain", self.name.clone());
        if let Some(bearer) = ask.bearer {
            call = call.bearer(bearer);
        }
        Ok((call, ask.now.saturating_add(self.lifetime)))
    }

    fn read(&self, answer: &Answer, requested_exp: i64, now: i64) -> Result<Exchanged> {
        answer.read(requested_exp, now, &HINTS)
    }
}
