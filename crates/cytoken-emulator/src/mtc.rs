//! The multi-tenant console stand-in (DESIGN §11), as strict as the token
//! endpoint: `POST /public/v2/<region>/auth` takes HTTP Basic `app:secret`
//! and the form `grant_type=client_credentials&scope=api`, and answers
//! `{access_token, expires_in, token_type}`; `PUT
//! /public/v2/<region>/tenants/tenant-app/<tenant>` takes that token as a
//! Bearer (issued here, not expired, not revoked) and answers the tenant's
//! own token, which the API stand-in accepts. An unknown tenant is a 404.
//! `GET /public/v2/<region>/tenants/list?page=N&page_size=M`, with the same
//! Bearer, lists the app's tenants in the service's page shape.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::http::{ApiRequest, Response};
use crate::{ISSUER, Shared, lock, record_rejection};

/// How long the console's and the tenants' tokens live.
const TOKEN_LIFE: i64 = 1800;

/// The console's partner apps: their secret and the tenants they manage.
#[derive(Default)]
pub(crate) struct Console {
    apps: Mutex<HashMap<String, (String, HashSet<String>)>>,
    grants: AtomicUsize,
    tenant_apps: AtomicUsize,
}

impl Console {
    pub(crate) fn register(&self, app: &str, secret: &str, tenants: &[&str]) {
        let tenants = tenants.iter().map(|t| (*t).to_string()).collect();
        lock(&self.apps).insert(app.to_string(), (secret.to_string(), tenants));
    }

    /// Console token requests received, whatever the outcome.
    pub(crate) fn grants(&self) -> usize {
        self.grants.load(Ordering::SeqCst)
    }

    /// Tenant-app requests received, whatever the outcome.
    pub(crate) fn tenant_apps(&self) -> usize {
        self.tenant_apps.load(Ordering::SeqCst)
    }
}

/// Whether `path` is the console's (`/public/…`).
pub(crate) fn is_console_path(path: &str) -> bool {
    path.starts_with("/public/")
}

fn refuse(shared: &Shared, status: u16, body: &Value, reason: &str) -> Response {
    record_rejection(shared, status, reason);
    Response::json(status, body).header("X-Emulator-Reason", reason)
}

/// Answers one console request.
pub(crate) fn answer(shared: &Shared, req: &ApiRequest) -> Response {
    // `/public/v2/<region>/…`, or python-cyapi's `/public/<region>/…`.
    let rest = req.path.trim_start_matches("/public/");
    let rest = rest.strip_prefix("v2/").unwrap_or(rest);
    let Some((_region, action)) = rest.split_once('/') else {
        return refuse(
            shared,
            404,
            &json!({"message": "Not Found"}),
            "no such console path",
        );
    };
    if action == "auth" {
        shared.console.grants.fetch_add(1, Ordering::SeqCst);
        if req.method != "POST" {
            return Response::message(405, "Method Not Allowed").header("Allow", "POST");
        }
        return grant(shared, req);
    }
    if let Some(tenant) = action.strip_prefix("tenants/tenant-app/") {
        shared.console.tenant_apps.fetch_add(1, Ordering::SeqCst);
        if req.method != "PUT" {
            return Response::message(405, "Method Not Allowed").header("Allow", "PUT");
        }
        return tenant_app(shared, req, tenant);
    }
    if action == "tenants/list" {
        if req.method != "GET" {
            return Response::message(405, "Method Not Allowed").header("Allow", "GET");
        }
        return list_tenants(shared, req);
    }
    refuse(
        shared,
        404,
        &json!({"message": "Not Found"}),
        "no such console path",
    )
}

/// The console app a request's Bearer token was issued to, or the refusal.
fn console_app(shared: &Shared, req: &ApiRequest) -> Result<String, Response> {
    let bearer = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(claims) = bearer.and_then(|t| shared.access_claims(t)) else {
        return Err(refuse(
            shared,
            401,
            &json!({"message": "Unauthorized"}),
            "the console token is missing, not issued here, expired or revoked",
        ));
    };
    if claims.get("mtc") != Some(&Value::Bool(true)) {
        return Err(refuse(
            shared,
            401,
            &json!({"message": "Unauthorized"}),
            "not a console token",
        ));
    }
    Ok(claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string())
}

/// The app's tenants, a page at a time, in id order.
fn list_tenants(shared: &Shared, req: &ApiRequest) -> Response {
    let app = match console_app(shared, req) {
        Ok(app) => app,
        Err(refusal) => return refusal,
    };
    let (page, size) = match crate::api::page_of(&req.query) {
        Ok(p) => p,
        Err(message) => {
            return refuse(
                shared,
                400,
                &json!({ "message": message }),
                "bad paging parameters",
            );
        }
    };
    let mut tenants: Vec<String> = lock(&shared.console.apps)
        .get(&app)
        .map(|(_, t)| t.iter().cloned().collect())
        .unwrap_or_default();
    tenants.sort();
    crate::api::paged(page, size, tenants.len(), |range| {
        let first = range.start + 1;
        tenants[range]
            .iter()
            .zip(first..)
            .map(|(t, n)| json!({"venueTenantId": t, "name": format!("Tenant {n}")}))
            .collect()
    })
}

/// The client-credentials grant.
fn grant(shared: &Shared, req: &ApiRequest) -> Response {
    let invalid_client = |reason| refuse(shared, 401, &json!({"error": "invalid_client"}), reason);
    let Some((app, secret)) = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        })
    else {
        return invalid_client("no HTTP Basic app:secret");
    };
    match lock(&shared.console.apps).get(&app) {
        Some((known, _)) if *known == secret => {}
        _ => return invalid_client("unknown app or wrong secret"),
    }
    let form_ok = req
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let body = String::from_utf8_lossy(&req.body);
    let fields: HashSet<&str> = body.split('&').collect();
    if !form_ok
        || !fields.contains("grant_type=client_credentials")
        || !fields.contains("scope=api")
    {
        return refuse(
            shared,
            400,
            &json!({"error": "invalid_request"}),
            "the form must be grant_type=client_credentials&scope=api",
        );
    }
    let now = shared.now();
    match sign(
        shared,
        &json!({"iss": ISSUER, "sub": app, "mtc": true, "iat": now, "exp": now + TOKEN_LIFE, "jti": uuid::Uuid::new_v4().to_string()}),
    ) {
        Some(token) => Response::json(
            200,
            &json!({"access_token": token, "expires_in": TOKEN_LIFE, "token_type": "Bearer"}),
        ),
        None => Response::message(500, "Internal error"),
    }
}

/// A tenant's token, for the console's bearer.
fn tenant_app(shared: &Shared, req: &ApiRequest, tenant: &str) -> Response {
    let app = match console_app(shared, req) {
        Ok(app) => app,
        Err(refusal) => return refusal,
    };
    let manages = lock(&shared.console.apps)
        .get(&app)
        .is_some_and(|(_, tenants)| tenants.contains(tenant));
    if !manages {
        return refuse(
            shared,
            404,
            &json!({"message": "Tenant not found"}),
            "the app does not manage this tenant",
        );
    }
    let now = shared.now();
    match sign(
        shared,
        &json!({"iss": ISSUER, "sub": app, "tid": tenant, "iat": now, "exp": now + TOKEN_LIFE, "jti": uuid::Uuid::new_v4().to_string()}),
    ) {
        Some(token) => Response::json(200, &json!({ "access_token": token })),
        None => Response::message(500, "Internal error"),
    }
}

fn sign(shared: &Shared, claims: &Value) -> Option<String> {
    crate::jwt::sign(claims, &shared.access_key)
}
