//! The multi-tenant console (MSSPs, DESIGN §11): the console's own token from
//! a client-credentials grant (HTTP Basic `app_id:secret`, form
//! `grant_type=client_credentials&scope=api`), and a tenant's token from
//! `PUT <console>/tenants/tenant-app/<tenant>` with the console's bearer.
//! The console's token is a tenant's prerequisite: the broker caches it once
//! for every tenant, and each tenant's token per tenant.

use super::{Ask, Facts, Field, Flow, TokenFlow};
use crate::error::{Error, Result};
use crate::exchange::{Answer, Call, Exchanged, Hints};

/// The grant the console's token endpoint expects (python-cyapi sends the same).
const GRANT: &str = "grant_type=client_credentials&scope=api";

/// The console's own token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Console {
    /// The console's token URL (`…/auth`).
    pub(crate) auth_url: String,
    /// The partner app's client id.
    pub(crate) app_id: String,
    /// The console's API base: the token URL without its `auth`.
    pub(crate) api: String,
    /// The longest the token is kept, in seconds.
    pub(crate) lifetime: i64,
}

/// A tenant's token, asked of the console with the console's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tenant {
    pub(crate) console: Console,
    /// The tenant's id (letters, digits, `-` and `_`: it goes into a path).
    pub(crate) tenant_id: String,
}

/// The console's flow: its own token, or with `tenant` that tenant's.
pub(crate) fn flow(console: Console, tenant: Option<String>) -> Flow {
    match tenant {
        None => Flow::MtcConsole(console),
        Some(tenant_id) => Flow::MtcTenant(Tenant { console, tenant_id }),
    }
}

/// The console refusing its grant.
const CONSOLE_HINTS: Hints = Hints {
    refused: "the app's client credentials",
    bad_request: "the console did not accept the client-credentials grant; check that region \
                  or auth_url names the console's token URL",
    unauthorized: "check the partner app's app_id and secret, and that region or auth_url \
                   names its console",
    forbidden: "the partner app may not use the console's API; check its permissions in the \
                console",
    unexpected: "the auth_url is probably wrong (the console's token URL is \
                 https://api-admin.cylance.com/public/v2/<region>/auth; check region or auth_url)",
};

/// The console refusing a tenant-app request.
const TENANT_HINTS: Hints = Hints {
    refused: "the tenant-app request",
    bad_request: "check the tenant id (the venueTenantId in the console)",
    unauthorized: "the console refused a token it had just granted; check app_id and the app \
                   secret of the partner app",
    forbidden: "the partner app may not manage this tenant; check the tenant id and the \
                app's tenants in the console",
    unexpected: CONSOLE_HINTS.unexpected,
};

/// The key fields of the Cylance flow that the console's flows have no use
/// for, as every console selection had them: hashed so the keys of existing
/// caches stay what they were.
fn unused_cylance_fields(out: &mut dyn FnMut(&'static str, Field<'_>)) {
    out("issuer", Field::Text("http://cylance.com"));
    out("scopes", Field::List(&[]));
    out("scope_format", Field::Text("list"));
    out("source", Field::Text(""));
}

/// The console's key material, with `tenant` ("" for the console's own).
fn console_key(console: &Console, tenant: &str, out: &mut dyn FnMut(&'static str, Field<'_>)) {
    let Console {
        auth_url,
        app_id,
        // The token URL without its `auth`: `auth_url` says it.
        api: _,
        // Not part of the key: it only bounds how long the token is kept.
        lifetime: _,
    } = console;
    out("auth_url", Field::Text(auth_url));
    out("tenant_id", Field::Text(tenant));
    out("app_id", Field::Text(app_id));
    unused_cylance_fields(out);
    out("flow", Field::Text("mtc"));
    out("extra_claims", Field::Text("{}"));
}

impl Console {
    fn facts<'a>(&'a self, tenant_id: &'a str) -> Facts<'a> {
        Facts {
            auth_url: &self.auth_url,
            tenant_id,
            app_id: &self.app_id,
            scopes: &[],
            lifetime: self.lifetime,
        }
    }
}

impl Console {
    /// The grant, as `check` names it.
    fn grant(&self, refresh_margin: i64) -> String {
        format!(
            "console grant at {} (client credentials, scope api; refresh margin {refresh_margin} s)",
            self.auth_url
        )
    }
}

impl TokenFlow for Console {
    fn describe(&self, api_url: &str, refresh_margin: i64) -> (String, String) {
        (
            format!(
                "multi-tenant console, partner app {}; the console's own token (--tenant-id \
                 for a tenant's)",
                self.app_id
            ),
            format!("{}; API {api_url}", self.grant(refresh_margin)),
        )
    }

    fn key(&self, out: &mut dyn FnMut(&'static str, Field<'_>)) {
        console_key(self, "", out);
    }

    fn facts(&self) -> Facts<'_> {
        Console::facts(self, "")
    }

    fn url(&self) -> String {
        self.auth_url.clone()
    }

    fn call(&self, ask: &Ask<'_>) -> Result<(Call, i64)> {
        let call = Call::post("application/x-www-form-urlencoded", GRANT.to_string())
            .basic(&self.app_id, ask.secret.expose());
        Ok((call, ask.now.saturating_add(self.lifetime)))
    }

    fn read(&self, answer: &Answer, requested_exp: i64, now: i64) -> Result<Exchanged> {
        answer.read(requested_exp, now, &CONSOLE_HINTS)
    }
}

impl TokenFlow for Tenant {
    fn key(&self, out: &mut dyn FnMut(&'static str, Field<'_>)) {
        let Tenant { console, tenant_id } = self;
        console_key(console, tenant_id, out);
    }

    fn facts(&self) -> Facts<'_> {
        self.console.facts(&self.tenant_id)
    }

    fn describe(&self, api_url: &str, refresh_margin: i64) -> (String, String) {
        (
            format!(
                "multi-tenant console, partner app {}, tenant {}",
                self.console.app_id, self.tenant_id
            ),
            format!(
                "{}, then {}; tenant API {api_url}",
                self.console.grant(refresh_margin),
                self.url()
            ),
        )
    }

    /// The console's own token, which serves every tenant.
    fn prerequisite(&self) -> Option<Flow> {
        Some(Flow::MtcConsole(self.console.clone()))
    }

    fn url(&self) -> String {
        format!("{}tenants/tenant-app/{}", self.console.api, self.tenant_id)
    }

    /// The tenant-app request, with the console's token. The console knows
    /// the app secret: its answer is redacted of it too.
    fn call(&self, ask: &Ask<'_>) -> Result<(Call, i64)> {
        let bearer = ask
            .bearer
            .ok_or_else(|| Error::other("the tenant-app request needs the console's token"))?;
        let call = Call::put()
            .bearer(bearer)
            .redacting_secret(&self.console.app_id, ask.secret.expose());
        Ok((call, ask.now.saturating_add(self.console.lifetime)))
    }

    /// The token (a JSON string, an object with `access_token`, or a bare
    /// JWT); a 404 is a tenant the console does not know.
    fn read(&self, answer: &Answer, requested_exp: i64, now: i64) -> Result<Exchanged> {
        if answer.status() == 404 {
            return Err(Error::rejected(
                404,
                format!(
                    "the multi-tenant console does not know tenant {} (404): check the tenant \
                     id (the venueTenantId in the console) and that this partner app manages it",
                    self.tenant_id
                ),
            ));
        }
        answer.read(requested_exp, now, &TENANT_HINTS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn console() -> Console {
        Console {
            auth_url: "https://api-admin.cylance.com/public/v2/us/auth".into(),
            app_id: "app-1".into(),
            api: "https://api-admin.cylance.com/public/v2/us/".into(),
            lifetime: 1800,
        }
    }

    /// Each field that shapes a console or tenant token changes the key;
    /// `api` (said by `auth_url`) and `lifetime` do not. The destructuring
    /// names every field (no `..`): a new one does not compile here until it
    /// is listed, and a name bound but not used is an unused variable.
    #[test]
    fn every_field_that_shapes_the_token_shapes_the_key() {
        let base = Tenant {
            console: console(),
            tenant_id: "tenant-7".into(),
        };
        let material = |t: &Tenant| Flow::MtcTenant(t.clone()).material();
        let Tenant {
            console:
                Console {
                    auth_url,
                    app_id,
                    api,
                    lifetime,
                },
            tenant_id,
        } = base.clone();
        let with = |c: Console| Tenant {
            console: c,
            ..base.clone()
        };
        let changed = [
            (
                "auth_url",
                with(Console {
                    auth_url: format!("{auth_url}x"),
                    ..console()
                }),
            ),
            (
                "app_id",
                with(Console {
                    app_id: format!("{app_id}x"),
                    ..console()
                }),
            ),
            (
                "tenant_id",
                Tenant {
                    tenant_id: format!("{tenant_id}x"),
                    ..base.clone()
                },
            ),
        ];
        for (field, other) in &changed {
            assert_ne!(other, &base, "{field} was not changed");
            assert_ne!(
                material(other),
                material(&base),
                "{field} is not in the key"
            );
        }
        for same in [
            with(Console {
                api: format!("{api}x"),
                ..console()
            }),
            with(Console {
                lifetime: lifetime / 2,
                ..console()
            }),
        ] {
            assert_eq!(material(&same), material(&base));
        }
        // The console's own token: its key is a tenant's with no tenant.
        let own = Flow::MtcConsole(console()).material();
        let no_tenant = material(&Tenant {
            tenant_id: String::new(),
            ..base.clone()
        });
        assert_eq!(own, no_tenant);
    }

    #[test]
    fn a_tenant_asks_its_console_with_the_consoles_token() {
        let t = Tenant {
            console: console(),
            tenant_id: "tenant-7".into(),
        };
        assert_eq!(
            t.url(),
            "https://api-admin.cylance.com/public/v2/us/tenants/tenant-app/tenant-7"
        );
        assert_eq!(t.prerequisite(), Some(Flow::MtcConsole(console())));
        let secret = crate::secret::Secret::new("s3cret".into());
        let ask = Ask {
            secret: &secret,
            bearer: Some("console-token"),
            now: 100,
        };
        let (call, exp) = t.call(&ask).unwrap();
        assert_eq!(call.authorization(), Some("Bearer console-token"));
        assert_eq!(exp, 1900);
        let e = t.read(&Answer::for_test(404, "{}"), exp, 100).unwrap_err();
        assert!(e.message().contains("does not know tenant tenant-7"), "{e}");
    }
}
