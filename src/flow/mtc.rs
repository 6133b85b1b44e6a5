//! The multi-tenant console (MSSPs, DESIGN §11): the console's own token from
//! a client-credentials grant (HTTP Basic `app_id:secret`, form
//! `grant_type=client_credentials&scope=api`), and a tenant's token from
//! `PUT <console>/tenants/tenant-app/<tenant>` with the console's bearer.
//! The broker caches both: the console token once for every tenant, each
//! tenant's token per tenant.

use crate::config::{Mtc, Selection};
use crate::exchange::Call;
use crate::secret::Secret;

/// The grant the console's token endpoint expects (python-cyapi sends the same).
const GRANT: &str = "grant_type=client_credentials&scope=api";

/// The console token request.
pub(crate) fn console_call(sel: &Selection, secret: &Secret) -> Call {
    Call::basic_form(&sel.app_id, secret.expose(), GRANT)
}

/// Where a tenant's token is asked for.
pub(crate) fn tenant_url(console: &str, tenant: &str) -> String {
    format!("{console}tenants/tenant-app/{tenant}")
}

/// The tenant-app request, with the console's token. The console knows the
/// app secret: its answer is redacted of it too.
pub(crate) fn tenant_call(console_token: &str, sel: &Selection, secret: &Secret) -> Call {
    Call::bearer_put(console_token).redacting_secret(&sel.app_id, secret.expose())
}

/// The selection of the console token behind a tenant's: the same app,
/// secret, endpoint and cache, no tenant (so every tenant shares it).
pub(crate) fn console_selection(sel: &Selection) -> Selection {
    let mut console = sel.clone();
    console.tenant_id = String::new();
    if let Some(m) = &sel.mtc {
        console.api_url.clone_from(&m.console);
        console.api_url_refusal = None;
        console.mtc = Some(Mtc {
            console: m.console.clone(),
            tenant: None,
        });
    }
    console
}
