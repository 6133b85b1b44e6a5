//! The API stand-in's own tests: the list shape, one device, the update,
//! Bearer checks, the console's tenant list, and its faults and counters.

use std::time::Instant;

use serde_json::{Value, json};

use super::tests::{Reply, emulator, good_claims, post, raw, sign};
use super::*;

fn access_token(emu: &Emulator) -> String {
    access_token_with(emu, &good_claims())
}

fn access_token_with(emu: &Emulator, claims: &Value) -> String {
    let reply = post(emu, &sign(claims));
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["access_token"].as_str().unwrap().to_owned()
}

fn get(emu: &Emulator, target: &str, token: &str) -> Reply {
    raw(
        emu,
        format!(
            "GET {target} HTTP/1.1\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
        )
        .as_bytes(),
    )
}

fn put(emu: &Emulator, target: &str, token: &str, body: &str) -> Reply {
    raw(
        emu,
        format!(
            "PUT {target} HTTP/1.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
}

#[test]
fn the_list_is_paged_in_the_service_shape() {
    let emu = emulator();
    emu.set_devices(25);
    let token = access_token(&emu);
    let page = get(&emu, "/devices/v2?page=3&page_size=10", &token).json();
    assert_eq!(page["page_number"], 3);
    assert_eq!(page["page_size"], 10);
    assert_eq!(page["total_pages"], 3);
    assert_eq!(page["total_number_of_items"], 25);
    let items = page["page_items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(items[0]["id"], api::device_id(20));
    assert_eq!(items[0]["name"], "DEVICE-000021");
    // The default page size is the service's 10; a page past the end is empty.
    let first = get(&emu, "/devices/v2", &token).json();
    assert_eq!(first["page_items"].as_array().unwrap().len(), 10);
    let past = get(&emu, "/devices/v2?page=9&page_size=10", &token).json();
    assert_eq!(past["page_items"], json!([]));
    for bad in [
        "page=0",
        "page=x",
        "page_size=1001",
        "page=1&page=2",
        "page=-1",
    ] {
        let reply = get(&emu, &format!("/devices/v2?{bad}"), &token);
        assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
    }
}

#[test]
fn one_device_and_its_update() {
    let emu = emulator();
    emu.set_devices(3);
    let token = access_token(&emu);
    let id = api::device_id(1);
    let device = get(&emu, &format!("/devices/v2/{id}"), &token).json();
    assert_eq!(device["id"], id);
    assert!(device["host_name"].is_string());
    let reply = put(
        &emu,
        &format!("/devices/v2/{}", id.to_ascii_uppercase()),
        &token,
        r#"{"name":"web01","policy_id":null}"#,
    );
    assert_eq!((reply.status, reply.body.as_str()), (200, ""));
    let device = get(&emu, &format!("/devices/v2/{id}"), &token).json();
    assert_eq!(device["name"], "web01");
    assert_eq!(device["policy"]["name"], "Default");

    let missing = api::device_id(3);
    assert_eq!(
        get(&emu, &format!("/devices/v2/{missing}"), &token).status,
        404
    );
    assert_eq!(get(&emu, "/devices/v2/not-a-uuid", &token).status, 404);
    for body in [
        "{}",
        "[]",
        "nope",
        r#"{"name":""}"#,
        r#"{"name":"a","colour":"red"}"#,
        r#"{"name":"a","policy_id":"x"}"#,
        r#"{"name":"a","add_zone_ids":["x"]}"#,
    ] {
        let reply = put(&emu, &format!("/devices/v2/{id}"), &token, body);
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
    }
    let reply = raw(
        &emu,
        format!(
            "PUT /devices/v2/{id} HTTP/1.1\r\nAuthorization: Bearer {token}\r\nContent-Length: 12\r\n\r\n{{\"name\":\"a\"}}"
        )
        .as_bytes(),
    );
    assert_eq!(reply.status, 415);
    let reply = raw(
        &emu,
        format!("DELETE /devices/v2/{id} HTTP/1.1\r\nAuthorization: Bearer {token}\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(
        (reply.status, reply.header("allow")),
        (405, Some("GET, PUT"))
    );
    let reply = raw(
        &emu,
        b"POST /devices/v2 HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!((reply.status, reply.header("allow")), (405, Some("GET")));
}

#[test]
fn only_fresh_tokens_issued_here_with_the_scope_get_in() {
    let emu = emulator();
    emu.set_devices(1);
    let reply = raw(&emu, b"GET /devices/v2 HTTP/1.1\r\n\r\n");
    assert_eq!(reply.status, 401);
    assert!(reply.json()["message"].is_string());
    assert_eq!(
        get(&emu, "/devices/v2", "eyJhbGciOiJIUzI1NiJ9.e30.x").status,
        401
    );
    // A token from another emulator does not verify here.
    let other = emulator();
    assert_eq!(get(&emu, "/devices/v2", &access_token(&other)).status, 401);
    let basic = raw(
        &emu,
        format!(
            "GET /devices/v2 HTTP/1.1\r\nAuthorization: Basic {}\r\n\r\n",
            access_token(&emu)
        )
        .as_bytes(),
    );
    assert_eq!(basic.status, 401);

    let mut claims = good_claims();
    claims["scp"] = json!(["device:list"]);
    let scoped = access_token_with(&emu, &claims);
    assert_eq!(get(&emu, "/devices/v2", &scoped).status, 200);
    let one = format!("/devices/v2/{}", api::device_id(0));
    assert_eq!(get(&emu, &one, &scoped).status, 403);

    let token = access_token(&emu);
    assert_eq!(get(&emu, "/devices/v2", &token).status, 200);
    assert_eq!(emu.revoke_issued(), 3);
    assert_eq!(get(&emu, "/devices/v2", &token).status, 401);
    assert_eq!(emu.api_answers(401), 5);
    let reply = raw(
        &emu,
        format!(
            "GET /devices/v2 HTTP/1.1\r\nAuthorization: Bearer {}\r\nAccept: text/html\r\n\r\n",
            access_token(&emu)
        )
        .as_bytes(),
    );
    assert_eq!(reply.status, 406);
}

#[test]
fn api_faults_pages_and_counters() {
    let emu = emulator();
    emu.set_devices(30);
    let token = access_token(&emu);
    emu.push_api_fault(Fault::Status {
        status: 429,
        body: r#"{"message":"slow down"}"#.into(),
        headers: vec![("Retry-After".into(), "1".into())],
    });
    emu.fail_page(2, Fault::status(503, "{}"), 2);
    let page = |p: usize| get(&emu, &format!("/devices/v2?page={p}&page_size=10"), &token);
    let reply = page(1);
    assert_eq!(
        (reply.status, reply.header("retry-after")),
        (429, Some("1"))
    );
    assert_eq!(page(1).status, 200);
    assert_eq!(page(2).status, 503);
    assert_eq!(page(2).status, 503);
    assert_eq!(page(2).status, 200);
    assert_eq!(emu.page_requests(2), 3);
    assert_eq!(emu.api_requests("GET /devices/v2"), 5);
    assert_eq!((emu.api_answers(429), emu.api_answers(503)), (1, 2));
    let seen = emu.last_api_request().unwrap();
    assert_eq!(seen.query, "page=2&page_size=10");
    assert_eq!(seen.header("accept"), Some("application/json"));

    // A slow page answers after a fast one sent later.
    emu.delay_page(3, Duration::from_millis(400));
    let started = Instant::now();
    thread::scope(|s| {
        let slow = s.spawn(|| {
            page(3);
            started.elapsed()
        });
        thread::sleep(Duration::from_millis(50));
        let fast = s.spawn(|| {
            page(1);
            started.elapsed()
        });
        assert!(fast.join().unwrap() < slow.join().unwrap());
    });
}

/// The console's token lists the console app's tenants and is refused by a
/// tenant's API; a tenant's token is the other way round.
#[test]
fn console_and_tenant_tokens_each_work_on_their_own_api_only() {
    use base64::Engine as _;
    let emu = emulator();
    emu.set_devices(2);
    let tenants = [
        "7e000000-0000-4000-8000-000000000002",
        "7e000000-0000-4000-8000-000000000001",
    ];
    emu.register_console_app("mssp-app", "mssp-secret", &tenants);
    let basic = base64::engine::general_purpose::STANDARD.encode("mssp-app:mssp-secret");
    let form = "grant_type=client_credentials&scope=api";
    let reply = raw(
        &emu,
        format!(
            "POST /public/v2/us/auth HTTP/1.1\r\nAuthorization: Basic {basic}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        )
        .as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let console = reply.json()["access_token"].as_str().unwrap().to_owned();
    let list = "/public/v2/us/tenants/list?page=2&page_size=1";
    let page = get(&emu, list, &console);
    assert_eq!(page.status, 200, "{}", page.body);
    let page = page.json();
    assert_eq!(
        (
            page["total_pages"].as_u64(),
            page["total_number_of_items"].as_u64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(
        page["page_items"][0]["venueTenantId"], tenants[0],
        "in id order"
    );
    assert_eq!(get(&emu, "/devices/v2", &console).status, 401);

    let reply = put(
        &emu,
        &format!("/public/v2/us/tenants/tenant-app/{}", tenants[1]),
        &console,
        "",
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let tenant = reply.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(get(&emu, "/devices/v2", &tenant).status, 200);
    assert_eq!(get(&emu, list, &tenant).status, 401);
}
