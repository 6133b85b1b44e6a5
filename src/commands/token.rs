//! `cytoken token` (the default command) and `cytoken auth-token`.

use std::io::Write;

use crate::broker::Broker;
use crate::clock;
use crate::error::{Context as _, Error, Kind, Result};
use crate::flow::cylance;
use crate::invocation::Invocation;
use crate::output::{Format, out, write_token};

/// Prints a valid access token in `format`.
pub(crate) fn token(inv: &Invocation, format: Format, w: &mut dyn Write) -> Result<i32> {
    let sel = inv.selection()?;
    let tok = Broker::new(&sel, inv.cache_use).token()?;
    write_token(&tok, format, clock::now(), w)
}

/// Prints a freshly signed auth token (the first half of the flow), no
/// exchange; with `claims`, its decoded claims as JSON instead (what the
/// endpoint will check, readable without base64url tricks).
pub(crate) fn auth_token(inv: &Invocation, claims: bool, w: &mut dyn Write) -> Result<i32> {
    let sel = inv.selection()?;
    let Some(flow) = sel.flow.cylance() else {
        return Err(Error::config(
            "auth-token signs the Cylance flow's auth token; this profile's flow = \"mtc\" \
             sends none (use `cytoken token`)",
        ));
    };
    let now = clock::now();
    if claims {
        let text = serde_json::to_string_pretty(&cylance::claims(flow, now))
            .context(Kind::Other, |e| format!("cannot encode the claims: {e}"))?;
        return out(w, format_args!("{text}\n"));
    }
    let secret = sel.resolve_secret()?;
    let (tok, _) = cylance::sign(flow, &secret, now)?;
    out(w, format_args!("{tok}\n"))
}
