//! The Cylance API stand-in: `GET /devices/v2` (the service's list page shape
//! over N synthetic devices), `GET /devices/v2/<id>` and `PUT /devices/v2/<id>`,
//! each behind a Bearer token this emulator issued, not expired and not revoked.
//!
//! Devices are computed from their index, never stored, so a 100,000-device
//! tenant costs nothing; only updates are kept.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Map, Value, json};

use crate::http::{ApiRequest, Response};
use crate::{Shared, lock, record_rejection};

/// The device list; one device is `DEVICES_PATH/<id>`.
pub const DEVICES_PATH: &str = "/devices/v2";
/// Items per page when the request names none (the service's default).
pub const DEFAULT_PAGE_SIZE: usize = 10;
/// The largest `page_size` answered; more is a 400.
pub const MAX_PAGE_SIZE: usize = 1000;

/// Every synthetic device id starts with this; the rest is its index in hex.
const ID_PREFIX: &str = "de71ce00-0000-4000-8000-";

/// The policies devices are assigned to, by index.
pub(crate) const POLICIES: [(&str, &str); 3] = [
    ("00000000-0000-4000-8000-00000000d0fa", "Default"),
    ("00000000-0000-4000-8000-00000000d0fb", "Servers"),
    ("00000000-0000-4000-8000-00000000d0fc", "Workstations"),
];

/// The synthetic tenant's devices: how many, and what `PUT` changed.
#[derive(Default)]
pub(crate) struct Devices {
    count: AtomicUsize,
    updates: Mutex<HashMap<usize, Update>>,
}

impl Devices {
    pub(crate) fn set_count(&self, n: usize) {
        self.count.store(n, Ordering::SeqCst);
    }

    pub(crate) fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

/// What a `PUT` set on one device.
#[derive(Clone)]
struct Update {
    name: String,
    policy_id: Option<String>,
}

/// Whether `path` belongs to the API stand-in (the list or one device).
pub(crate) fn is_api_path(path: &str) -> bool {
    crate::lists::is_list_path(path)
        || path == DEVICES_PATH
        || path
            .strip_prefix(DEVICES_PATH)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The id of device `index`.
pub fn device_id(index: usize) -> String {
    format!("{ID_PREFIX}{index:012x}")
}

/// The index of a synthetic device id (any case), if it is one.
fn device_index(id: &str) -> Option<usize> {
    let id = uuid::Uuid::parse_str(id).ok()?.hyphenated().to_string();
    usize::from_str_radix(id.strip_prefix(ID_PREFIX)?, 16).ok()
}

/// What a request asks for.
enum Route<'a> {
    List,
    One(&'a str),
}

/// A refusal: status, body message, and the emulator's own reason.
pub(crate) fn refuse(shared: &Shared, status: u16, message: &str, reason: &str) -> Response {
    record_rejection(shared, status, reason);
    Response::message(status, message).header("X-Emulator-Reason", reason)
}

/// Answers one API request.
pub(crate) fn answer(shared: &Shared, req: &ApiRequest) -> Response {
    if crate::mtc::is_console_path(&req.path) {
        return crate::mtc::answer(shared, req);
    }
    #[cfg(feature = "https")]
    if crate::kube::is_kube_path(&req.path) {
        return crate::kube::answer(shared, req);
    }
    if crate::lists::is_list_path(&req.path) {
        return crate::lists::answer(shared, req);
    }
    let route = if req.path == DEVICES_PATH {
        Route::List
    } else {
        match req
            .path
            .strip_prefix(DEVICES_PATH)
            .and_then(|r| r.strip_prefix('/'))
        {
            Some(id) if !id.is_empty() && !id.contains('/') => Route::One(id),
            _ => return refuse(shared, 404, "Not Found", "no such API path"),
        }
    };
    let scope = match (&route, req.method.as_str()) {
        (Route::List, "GET") => "device:list",
        (Route::One(_), "GET") => "device:read",
        (Route::One(_), "PUT") => "device:update",
        (Route::List, _) => {
            return Response::message(405, "Method Not Allowed").header("Allow", "GET");
        }
        (Route::One(_), _) => {
            return Response::message(405, "Method Not Allowed").header("Allow", "GET, PUT");
        }
    };
    if let Err(reason) = authorize(shared, req, scope) {
        return reason;
    }
    match route {
        Route::List => list(shared, &req.query),
        Route::One(id) => match device_index(id).filter(|i| *i < shared.devices.count()) {
            None => refuse(shared, 404, "Device not found", "unknown device id"),
            Some(index) if req.method == "GET" => Response::json(200, &device(shared, index, true)),
            Some(index) => update(shared, req, index),
        },
    }
}

/// Checks `Authorization: Bearer <token>`: issued here, not expired, not revoked,
/// and granting `scope` when it carries scopes at all; then that the answer
/// may be JSON. The token's claims when it passes.
pub(crate) fn authorize(shared: &Shared, req: &ApiRequest, scope: &str) -> Result<Value, Response> {
    let unauthorized = |reason: &str| {
        Err(refuse(
            shared,
            401,
            "Unauthorized: the bearer token is missing, invalid, expired or revoked",
            reason,
        ))
    };
    let Some(value) = req.header("authorization") else {
        return unauthorized("no Authorization header");
    };
    let Some(token) = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
    else {
        return unauthorized("Authorization is not Bearer");
    };
    let Some(claims) = shared.access_claims(token) else {
        return unauthorized("token not issued here, expired or revoked");
    };
    // The console's own token works against the console only; a tenant's API
    // wants that tenant's token (from tenant-app).
    if claims.get("mtc") == Some(&Value::Bool(true)) {
        return unauthorized("a console token, not a tenant's");
    }
    let scopes: Vec<&str> = claims
        .get("scp")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    // A token minted without scopes carries the application's own permissions.
    if !scopes.is_empty() && !scopes.contains(&scope) {
        return Err(refuse(
            shared,
            403,
            &format!("The token does not grant {scope}"),
            &format!("scope {scope} not in the token"),
        ));
    }
    if let Some(accept) = req.header("accept")
        && !accepts_json(accept)
    {
        return Err(refuse(
            shared,
            406,
            "Only application/json is served",
            "Accept excludes application/json",
        ));
    }
    Ok(claims)
}

fn accepts_json(accept: &str) -> bool {
    accept.split(',').any(|range| {
        let media = range.split(';').next().unwrap_or("").trim();
        ["application/json", "application/*", "*/*"]
            .iter()
            .any(|m| media.eq_ignore_ascii_case(m))
    })
}

/// One query parameter as a positive integer: its default when absent, an
/// error message when repeated or not a number.
fn positive(query: &str, name: &str, default: usize) -> Result<usize, String> {
    let mut values = query
        .split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v);
    let Some(value) = values.next() else {
        return Ok(default);
    };
    if values.next().is_some() {
        return Err(format!("{name} is given more than once"));
    }
    match value.parse::<usize>() {
        Ok(n) if n >= 1 && value.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(format!("{name} must be a positive integer")),
    }
}

/// The page of the list a query asks for, or why it is refused.
pub(crate) fn page_of(query: &str) -> Result<(usize, usize), String> {
    let page = positive(query, "page", 1)?;
    let size = positive(query, "page_size", DEFAULT_PAGE_SIZE)?;
    if size > MAX_PAGE_SIZE {
        return Err(format!("page_size must be at most {MAX_PAGE_SIZE}"));
    }
    Ok((page, size))
}

/// `GET /devices/v2?page=N&page_size=M`: the service's list shape. A page past
/// the end has no items.
fn list(shared: &Shared, query: &str) -> Response {
    let (page, size) = match page_of(query) {
        Ok(p) => p,
        Err(message) => return refuse(shared, 400, &message, "bad paging parameters"),
    };
    let total = shared.devices.count();
    paged(page, size, total, |range| {
        range.map(|i| device(shared, i, false)).collect()
    })
}

/// Page `page` of `size` of a list of `total` items in the service's shape,
/// the items of the page's index range from `items`. A page past the end
/// has none.
pub(crate) fn paged(
    page: usize,
    size: usize,
    total: usize,
    items: impl FnOnce(std::ops::Range<usize>) -> Vec<Value>,
) -> Response {
    let start = (page - 1).saturating_mul(size).min(total);
    let end = start.saturating_add(size).min(total);
    Response::json(
        200,
        &json!({
            "page_number": page,
            "page_size": size,
            "total_pages": total.div_ceil(size),
            "total_number_of_items": total,
            "page_items": items(start..end),
        }),
    )
}

/// Epoch seconds as the service writes its dates.
pub(crate) fn iso(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second]"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// Device `index` as the list shows it, or with the details of a single GET.
fn device(shared: &Shared, index: usize, full: bool) -> Value {
    let update = lock(&shared.devices.updates).get(&index).cloned();
    let name = update
        .as_ref()
        .map_or_else(|| format!("DEVICE-{:06}", index + 1), |u| u.name.clone());
    let (policy_id, policy_name) = match update.as_ref().map(|u| u.policy_id.clone()) {
        Some(Some(id)) => {
            let name = POLICIES
                .iter()
                .find(|(p, _)| *p == id)
                .map_or("Custom", |(_, n)| n);
            (id, name.to_owned())
        }
        Some(None) => (POLICIES[0].0.to_owned(), POLICIES[0].1.to_owned()),
        None => {
            let (id, name) = POLICIES[index % POLICIES.len()];
            (id.to_owned(), name.to_owned())
        }
    };
    let octets = [(index >> 16) & 0xff, (index >> 8) & 0xff, index & 0xff];
    let mut v = json!({
        "id": device_id(index),
        "name": name,
        "state": if index.is_multiple_of(7) { "Offline" } else { "Online" },
        "agent_version": format!("3.1.{}.{}", 1000 + index % 3, index % 10),
        "policy": { "id": policy_id, "name": policy_name },
        "date_first_registered": registered(index),
        "ip_addresses": [format!("10.{}.{}.{}", octets[0], octets[1], octets[2])],
        "mac_addresses": [format!("00-16-3E-{:02X}-{:02X}-{:02X}", octets[0], octets[1], octets[2])],
    });
    if full && let Some(obj) = v.as_object_mut() {
        obj.insert("host_name".into(), json!(name.to_ascii_lowercase()));
        obj.insert(
            "os_version".into(),
            json!(if index.is_multiple_of(2) {
                "Windows 11"
            } else {
                "Ubuntu 24.04"
            }),
        );
        obj.insert(
            "last_logged_in_user".into(),
            json!(format!("user{:04}", index % 10_000)),
        );
        obj.insert("update_available".into(), json!(index.is_multiple_of(5)));
        obj.insert("is_safe".into(), json!(!index.is_multiple_of(11)));
    }
    v
}

/// A registration time per device, a minute apart from 2024-01-01.
fn registered(index: usize) -> String {
    let secs = 1_704_067_200_i64.saturating_add(i64::try_from(index).unwrap_or(0) * 60);
    iso(secs)
}

/// A write's body: `application/json` holding an object, else the refusal
/// (415, 400).
pub(crate) fn json_body(shared: &Shared, req: &ApiRequest) -> Result<Map<String, Value>, Response> {
    let json_type = req
        .header("content-type")
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if !json_type {
        return Err(refuse(
            shared,
            415,
            "Send the body as application/json",
            "Content-Type is not application/json",
        ));
    }
    match serde_json::from_slice(&req.body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(refuse(
            shared,
            400,
            "The body must be a JSON object",
            "bad body",
        )),
    }
}

/// `PUT /devices/v2/<id>` with `{"name", "policy_id", "add_zone_ids",
/// "remove_zone_ids"}`, as the service's "Update Device": 200 and no body.
fn update(shared: &Shared, req: &ApiRequest, index: usize) -> Response {
    let body = match json_body(shared, req) {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    let bad = |message: String| refuse(shared, 400, &message, "bad update body");
    if let Some(k) = body
        .keys()
        .find(|k| !["name", "policy_id", "add_zone_ids", "remove_zone_ids"].contains(&k.as_str()))
    {
        return bad(format!("Unknown field {k}"));
    }
    let Some(name) = body
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
    else {
        return bad("name is required and must be a non-empty string".into());
    };
    let is_uuid = |v: &Value| v.as_str().is_some_and(|s| uuid::Uuid::parse_str(s).is_ok());
    let policy_id = match body.get("policy_id") {
        None | Some(Value::Null) => None,
        Some(v) if is_uuid(v) => v.as_str().map(str::to_ascii_lowercase),
        Some(_) => return bad("policy_id must be a UUID or null".into()),
    };
    for key in ["add_zone_ids", "remove_zone_ids"] {
        match body.get(key) {
            None => {}
            Some(Value::Array(ids)) if ids.iter().all(is_uuid) => {}
            Some(_) => return bad(format!("{key} must be an array of UUIDs")),
        }
    }
    lock(&shared.devices.updates).insert(
        index,
        Update {
            name: name.to_owned(),
            policy_id,
        },
    );
    Response {
        status: 200,
        headers: Vec::new(),
        body: Vec::new(),
    }
}
