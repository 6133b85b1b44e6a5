//! The API stand-in's other lists: `/policies/v2`, `/users/v2`, `/zones/v2`
//! and `/threats/v2` in the service's page shape (`page_number`,
//! `page_size`, `total_pages`, `total_number_of_items`, `page_items`), with
//! the item fields of the User API v2 guide. Policies and users are
//! writable, so a script can rehearse a change: `POST /policies/v2`
//! (create), `PUT /policies/v2` (update, the policy in the body), `DELETE
//! /policies/v2/<id>`; `POST /users/v2`, `PUT` and `DELETE /users/v2/<id>`.
//! Each behind the same Bearer check and `resource:action` scopes as the
//! device list.

use std::sync::Mutex;

use serde_json::{Map, Value, json};

use crate::api::{POLICIES, authorize, iso, json_body, paged, refuse};
use crate::http::{ApiRequest, Response};
use crate::{Shared, lock};

/// The lists served here, each at `/<name>/v2`.
const LISTS: [&str; 4] = ["policies", "users", "zones", "threats"];

/// The role ids the service gives its three built-in roles.
const ROLES: [(&str, &str); 3] = [
    ("00000000-0000-0000-0000-000000000001", "User"),
    ("00000000-0000-0000-0000-000000000002", "Administrator"),
    ("00000000-0000-0000-0000-000000000003", "Zone Manager"),
];

/// The writable lists (policies, users) and the fixed ones (zones, threats).
pub(crate) struct Lists {
    policies: Mutex<Vec<Value>>,
    users: Mutex<Vec<Value>>,
    zones: Vec<Value>,
    threats: Vec<Value>,
}

impl Default for Lists {
    fn default() -> Lists {
        let policies = POLICIES
            .iter()
            .enumerate()
            .map(|(i, (id, name))| {
                json!({"policy_id": id, "name": name, "device_count": 0, "zone_count": 1,
                       "date_added": iso(DAY0 + idx(i) * 86_400), "date_modified": iso(DAY0 + idx(i) * 86_400),
                       "policy_settings": {"auto_delete": false, "memory_protection": i > 0}})
            })
            .collect();
        let users = (0..4)
            .map(|i| {
                let (role, role_name) = ROLES[i % ROLES.len()];
                let first = ["Ada", "Grace", "Alan", "Edsger"][i];
                json!({"id": format!("05e70000-0000-4000-8000-{:012x}", i + 1), "tenant_id": "",
                       "first_name": first, "last_name": "Demo",
                       "email": format!("{}@example.com", first.to_ascii_lowercase()),
                       "role_type": role, "role_name": role_name, "zones": [],
                       "date_created": iso(DAY0 + idx(i) * 3600), "date_modified": iso(DAY0 + idx(i) * 3600),
                       "date_last_login": Value::Null, "date_email_confirmed": iso(DAY0 + idx(i) * 3600)})
            })
            .collect();
        let zones = ["Servers", "Workstations", "Pilot", "Quarantine lab"]
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let criticality = ["High", "Normal", "Low", "Normal"][i];
                let update_type = ["Production", "Production", "Pilot", "Test"][i];
                json!({"id": format!("20e00000-0000-4000-8000-{:012x}", i + 1), "name": name,
                       "criticality": criticality, "zone_rule_id": Value::Null,
                       "policy_id": POLICIES[i % POLICIES.len()].0, "update_type": update_type,
                       "date_created": iso(DAY0 + idx(i) * 86_400), "date_modified": iso(DAY0 + idx(i) * 86_400)})
            })
            .collect();
        let threats = (0..THREATS).map(threat).collect();
        Lists {
            policies: Mutex::new(policies),
            users: Mutex::new(users),
            zones,
            threats,
        }
    }
}

/// The synthetic threats.
const THREATS: usize = 27;
/// 2024-01-01T00:00:00Z, where the synthetic dates start.
const DAY0: i64 = 1_704_067_200;

fn idx(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(0)
}

/// Threat `i`, its hashes derived from its index.
fn threat(i: usize) -> Value {
    let sha256 = format!("{:016X}", 0x7A5E_0000_u64 + i as u64).repeat(4);
    let classes = [
        ("Malware", "Trojan"),
        ("PUP", "Adware"),
        ("Dual Use", "Tool"),
    ];
    let (classification, sub) = classes[i % classes.len()];
    json!({
        "name": format!("sample{i:03}.exe"),
        "sha256": sha256,
        "md5": format!("{:032X}", 0xBAD0_0000_u64 + i as u64),
        "cylance_score": -1.0 + f64::from(u8::try_from(i % 10).unwrap_or(0)) / 20.0,
        "av_industry": if i.is_multiple_of(3) { Value::Null } else { json!(i % 60) },
        "classification": classification,
        "sub_classification": sub,
        "global_quarantined": i.is_multiple_of(4),
        "safelisted": i.is_multiple_of(9),
        "file_size": 40_960 + i * 512,
        "unique_to_cylance": i.is_multiple_of(2),
        "last_found": iso(DAY0 + idx(i) * 7200),
    })
}

/// Whether `path` is one of these lists or an item of one.
pub(crate) fn is_list_path(path: &str) -> bool {
    route(path).is_some()
}

/// The list a path names, and the item id after it if any.
fn route(path: &str) -> Option<(&'static str, Option<&str>)> {
    let rest = path.strip_prefix('/')?;
    LISTS.iter().find_map(|list| {
        let tail = rest.strip_prefix(list)?.strip_prefix("/v2")?;
        match tail {
            "" => Some((*list, None)),
            _ => tail
                .strip_prefix('/')
                .filter(|id| !id.is_empty() && !id.contains('/'))
                .map(|id| (*list, Some(id))),
        }
    })
}

/// The scope a method on a list (or an item) needs, or the methods allowed.
fn scope(list: &str, one: bool, method: &str) -> Result<String, &'static str> {
    let resource = match list {
        "policies" => "policy",
        "users" => "user",
        "zones" => "zone",
        _ => "threat",
    };
    let writable = matches!(list, "policies" | "users");
    let action = match (one, method, writable) {
        (false, "GET", _) => "list",
        (true, "GET", true) => "read",
        (false, "POST", true) => "create",
        (false, "PUT", true) if list == "policies" => "update",
        (true, "PUT", true) if list == "users" => "update",
        (true, "DELETE", true) => "delete",
        (false, _, false) => return Err("GET"),
        (false, _, true) if list == "policies" => return Err("GET, POST, PUT"),
        (false, _, true) => return Err("GET, POST"),
        (true, _, true) if list == "users" => return Err("GET, PUT, DELETE"),
        (true, _, true) => return Err("GET, DELETE"),
        (true, _, false) => return Err(""),
    };
    Ok(format!("{resource}:{action}"))
}

/// Answers one request to a list or one of its items.
pub(crate) fn answer(shared: &Shared, req: &ApiRequest) -> Response {
    let Some((list, id)) = route(&req.path) else {
        return refuse(shared, 404, "Not Found", "no such API path");
    };
    let scope = match scope(list, id.is_some(), &req.method) {
        Ok(scope) => scope,
        Err("") => return refuse(shared, 404, "Not Found", "no such API path"),
        Err(allow) => return Response::message(405, "Method Not Allowed").header("Allow", allow),
    };
    let claims = match authorize(shared, req, &scope) {
        Ok(claims) => claims,
        Err(refusal) => return refusal,
    };
    let lists = &shared.lists;
    match (list, id, req.method.as_str()) {
        ("policies", None, "GET") => {
            let rows = policy_rows(&lock(&lists.policies), shared.devices.count());
            page(shared, req, &rows)
        }
        ("users", None, "GET") => page(shared, req, &of_tenant(&lock(&lists.users), &claims)),
        ("zones", None, _) => page(shared, req, &lists.zones),
        ("threats", None, _) => page(shared, req, &lists.threats),
        ("policies", Some(id), "GET") => match find(&lock(&lists.policies), "policy_id", id) {
            Some(p) => Response::json(200, &policy_detail(&p)),
            None => refuse(shared, 404, "Policy not found", "unknown policy id"),
        },
        ("users", Some(id), "GET") => {
            match find(&of_tenant(&lock(&lists.users), &claims), "id", id) {
                Some(u) => Response::json(200, &u),
                None => refuse(shared, 404, "User not found", "unknown user id"),
            }
        }
        ("policies", None, "POST") => create_policy(shared, req),
        ("policies", None, _) => update_policy(shared, req),
        ("users", None, _) => create_user(shared, req, &claims),
        ("users", Some(id), "PUT") => update_user(shared, req, id),
        (_, Some(id), _) => delete(shared, list, id),
        _ => refuse(shared, 404, "Not Found", "no such API path"),
    }
}

/// The item whose `key` is `id` (any case), cloned.
fn find(items: &[Value], key: &str, id: &str) -> Option<Value> {
    items
        .iter()
        .find(|v| {
            v.get(key)
                .and_then(Value::as_str)
                .is_some_and(|k| k.eq_ignore_ascii_case(id))
        })
        .cloned()
}

/// One page of `items`.
fn page(shared: &Shared, req: &ApiRequest, items: &[Value]) -> Response {
    let (page, size) = match crate::api::page_of(&req.query) {
        Ok(p) => p,
        Err(message) => return refuse(shared, 400, &message, "bad paging parameters"),
    };
    paged(page, size, items.len(), |range| items[range].to_vec())
}

/// The policy list's rows: the list fields, not the settings; the seeded
/// policies count the synthetic devices assigned to them (device `i` has
/// policy `i % 3`, [`crate::api`]).
fn policy_rows(policies: &[Value], devices: usize) -> Vec<Value> {
    policies
        .iter()
        .map(|p| {
            let mut row = p.clone();
            if let Some(o) = row.as_object_mut() {
                o.remove("policy_settings");
            }
            if let Some(i) = POLICIES.iter().position(|(id, _)| p["policy_id"] == *id) {
                row["device_count"] = json!((devices + POLICIES.len() - 1 - i) / POLICIES.len());
            }
            row
        })
        .collect()
}

/// The users as the caller's tenant sees them: the seeded users belong to
/// whichever tenant asks (the token's `tid`).
fn of_tenant(users: &[Value], claims: &Value) -> Vec<Value> {
    let tid = claims.get("tid").cloned().unwrap_or_else(|| json!(""));
    users
        .iter()
        .map(|u| {
            let mut u = u.clone();
            if u["tenant_id"] == "" {
                u["tenant_id"] = tid.clone();
            }
            u
        })
        .collect()
}

/// A policy as `GET /policies/v2/<id>` shows it.
fn policy_detail(p: &Value) -> Value {
    json!({
        "policy_id": p["policy_id"],
        "policy_name": p["name"],
        "policy_settings": p["policy_settings"],
        "date_added": p["date_added"],
        "date_modified": p["date_modified"],
    })
}

/// The `policy` object of a create or update body, with its name.
fn policy_body(
    shared: &Shared,
    req: &ApiRequest,
) -> Result<(Map<String, Value>, String), Response> {
    let body = json_body(shared, req)?;
    let bad = |m: &str| refuse(shared, 400, m, "bad policy body");
    let Some(Value::Object(policy)) = body.get("policy") else {
        return Err(bad("The body must hold a policy object"));
    };
    let Some(name) = policy
        .get("policy_name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
    else {
        return Err(bad("policy.policy_name is required"));
    };
    Ok((policy.clone(), name.to_string()))
}

/// `POST /policies/v2` with `{"user_id", "policy": {"policy_name", …}}`:
/// the new policy, as `GET` shows it.
fn create_policy(shared: &Shared, req: &ApiRequest) -> Response {
    let (policy, name) = match policy_body(shared, req) {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let mut policies = lock(&shared.lists.policies);
    if policies.iter().any(|p| p["name"] == name.as_str()) {
        return refuse(
            shared,
            409,
            "A policy with this name exists",
            "duplicate policy name",
        );
    }
    let now = iso(shared.now());
    let stored = json!({
        "policy_id": uuid::Uuid::new_v4().to_string(), "name": name, "device_count": 0,
        "zone_count": 0, "date_added": now, "date_modified": now,
        "policy_settings": policy.get("policy_settings").cloned().unwrap_or_else(|| json!({})),
    });
    let detail = policy_detail(&stored);
    policies.push(stored);
    Response::json(200, &detail)
}

/// `PUT /policies/v2` with `{"user_id", "policy": {"policy_id",
/// "policy_name", …}}`: 200 and no body.
fn update_policy(shared: &Shared, req: &ApiRequest) -> Response {
    let (policy, name) = match policy_body(shared, req) {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let Some(id) = policy.get("policy_id").and_then(Value::as_str) else {
        return refuse(
            shared,
            400,
            "policy.policy_id is required",
            "bad policy body",
        );
    };
    let now = iso(shared.now());
    let mut policies = lock(&shared.lists.policies);
    let Some(stored) = policies.iter_mut().find(|p| {
        p["policy_id"]
            .as_str()
            .is_some_and(|p| p.eq_ignore_ascii_case(id))
    }) else {
        return refuse(shared, 404, "Policy not found", "unknown policy id");
    };
    stored["name"] = json!(name);
    stored["date_modified"] = json!(now);
    if let Some(settings) = policy.get("policy_settings") {
        stored["policy_settings"] = settings.clone();
    }
    empty(200)
}

/// The fields of a user create or update body, checked.
fn user_fields(shared: &Shared, req: &ApiRequest) -> Result<Map<String, Value>, Response> {
    let body = json_body(shared, req)?;
    let bad = |m: String| refuse(shared, 400, &m, "bad user body");
    for key in ["email", "first_name", "last_name", "user_role"] {
        let given = body.get(key).and_then(Value::as_str);
        if given.is_none_or(|v| v.trim().is_empty()) {
            return Err(bad(format!(
                "{key} is required and must be a non-empty string"
            )));
        }
    }
    if !body["email"].as_str().is_some_and(|e| e.contains('@')) {
        return Err(bad("email must be an email address".into()));
    }
    if !ROLES.iter().any(|(id, _)| body["user_role"] == *id) {
        return Err(bad("user_role must be one of the role ids".into()));
    }
    Ok(body)
}

/// Copies a create or update body's fields onto a stored user.
fn set_user(user: &mut Value, body: &Map<String, Value>, now: &str) {
    for key in ["email", "first_name", "last_name"] {
        user[key] = body[key].clone();
    }
    let role = body["user_role"].as_str().unwrap_or_default();
    let name = ROLES.iter().find(|(id, _)| *id == role).map_or("", |r| r.1);
    user["role_type"] = json!(role);
    user["role_name"] = json!(name);
    user["zones"] = body.get("zones").cloned().unwrap_or_else(|| json!([]));
    user["date_modified"] = json!(now);
}

/// `POST /users/v2` with `{"email", "user_role", "first_name",
/// "last_name", "zones"}`: the new user.
fn create_user(shared: &Shared, req: &ApiRequest, claims: &Value) -> Response {
    let body = match user_fields(shared, req) {
        Ok(b) => b,
        Err(refusal) => return refusal,
    };
    let mut users = lock(&shared.lists.users);
    if users.iter().any(|u| u["email"] == body["email"]) {
        return refuse(
            shared,
            409,
            "A user with this email exists",
            "duplicate email",
        );
    }
    let now = iso(shared.now());
    let mut user = json!({"id": uuid::Uuid::new_v4().to_string(),
        "tenant_id": claims.get("tid").cloned().unwrap_or_else(|| json!("")),
        "date_created": now, "date_last_login": Value::Null, "date_email_confirmed": Value::Null});
    set_user(&mut user, &body, &now);
    users.push(user.clone());
    Response::json(200, &user)
}

/// `PUT /users/v2/<id>` with the create fields: 200 and no body.
fn update_user(shared: &Shared, req: &ApiRequest, id: &str) -> Response {
    let body = match user_fields(shared, req) {
        Ok(b) => b,
        Err(refusal) => return refusal,
    };
    let now = iso(shared.now());
    let mut users = lock(&shared.lists.users);
    match users
        .iter_mut()
        .find(|u| u["id"].as_str().is_some_and(|u| u.eq_ignore_ascii_case(id)))
    {
        Some(user) => {
            set_user(user, &body, &now);
            empty(200)
        }
        None => refuse(shared, 404, "User not found", "unknown user id"),
    }
}

/// `DELETE /policies/v2/<id>` or `/users/v2/<id>`: 200 and no body.
fn delete(shared: &Shared, list: &str, id: &str) -> Response {
    let (items, key, what) = if list == "policies" {
        (&shared.lists.policies, "policy_id", "Policy")
    } else {
        (&shared.lists.users, "id", "User")
    };
    let mut items = lock(items);
    let before = items.len();
    items.retain(|v| !v[key].as_str().is_some_and(|k| k.eq_ignore_ascii_case(id)));
    if items.len() == before {
        return refuse(shared, 404, &format!("{what} not found"), "unknown id");
    }
    empty(200)
}

fn empty(status: u16) -> Response {
    Response {
        status,
        headers: Vec::new(),
        body: Vec::new(),
    }
}
