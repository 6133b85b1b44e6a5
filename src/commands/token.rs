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
    // The console's grant sends the app id and secret as HTTP Basic: there
    // is no auth token to sign, and its claims would name no tenant.
    let Some(flow) = sel.flow.cylance() else {
        return Err(Error::usage(format!(
            "profile '{}' uses the multi-tenant console (flow = \"mtc\"), which signs no auth \
             token: its grant sends the app id and secret as HTTP Basic; `cytoken -p {} token` \
             prints the console's token (with --tenant-id, a tenant's)",
            sel.profile, sel.profile
        )));
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
