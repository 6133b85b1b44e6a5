//! The multi-tenant console (`flow = "mtc"`, DESIGN §11) against the
//! emulator's strict console: both steps, one console exchange for every
//! tenant, a stampede over many tenants, an unknown tenant, a revoked console
//! token replaced once, `api` against the console and against a tenant.

use crate::support::*;

const MSSP_APP: &str = "5e5e5e5e-0000-4000-8000-0000000000aa";
const MSSP_SECRET: &str = "Mssp-S3cret-9f8e7d6c5b4a";

fn tenant(i: usize) -> String {
    format!("7e000000-0000-4000-8000-{i:012}")
}

/// A sandbox whose profile `mssp` is a console app managing `n` tenants.
fn mssp(n: usize) -> Sandbox {
    let sb = Sandbox::new();
    let tenants: Vec<String> = (0..n).map(tenant).collect();
    let refs: Vec<&str> = tenants.iter().map(String::as_str).collect();
    sb.emu.register_console_app(MSSP_APP, MSSP_SECRET, &refs);
    sb.write_config(
        &format!(
            "[profiles.mssp]\nflow = \"mtc\"\napp_id = \"{MSSP_APP}\"\n\
             app_secret_env = \"MSSP_SECRET\"\nauth_url = \"{}\"\n",
            sb.emu.console_url()
        ),
        0o600,
    );
    sb
}

fn mssp_cmd(sb: &Sandbox) -> std::process::Command {
    let mut c = sb.bare();
    c.env("MSSP_SECRET", MSSP_SECRET).args(["-p", "mssp"]);
    c
}

#[test]
fn the_console_token_serves_every_tenant_and_each_tenant_is_cached() {
    let sb = mssp(3);
    let o = mssp_cmd(&sb).arg("token").output().unwrap();
    assert_status(&o, 0);
    let console_token = stdout(&o).trim_end().to_string();
    assert!(sb.emu.verify_access_token(&console_token));
    assert_eq!(
        (sb.emu.console_grants(), sb.emu.tenant_app_requests()),
        (1, 0)
    );

    let mut seen = Vec::new();
    for i in 0..3 {
        let o = mssp_cmd(&sb)
            .args(["--tenant-id", &tenant(i), "token"])
            .output()
            .unwrap();
        assert_status(&o, 0);
        let t = stdout(&o).trim_end().to_string();
        assert!(sb.emu.verify_access_token(&t));
        assert_ne!(t, console_token);
        seen.push(t);
    }
    assert_eq!(
        (sb.emu.console_grants(), sb.emu.tenant_app_requests()),
        (1, 3)
    );
    // Again: every token from the cache.
    for (i, t) in seen.iter().enumerate() {
        let o = mssp_cmd(&sb)
            .args(["--tenant-id", &tenant(i), "token"])
            .output()
            .unwrap();
        assert_eq!(stdout(&o).trim_end(), t);
    }
    assert_eq!(
        (sb.emu.console_grants(), sb.emu.tenant_app_requests()),
        (1, 3)
    );
    assert!(!stdout(&o).contains(MSSP_SECRET) && !stderr(&o).contains(MSSP_SECRET));
}

#[test]
fn a_stampede_over_20_tenants_by_8_processes_is_one_console_exchange() {
    let sb = mssp(20);
    let children: Vec<_> = (0..20)
        .flat_map(|i| std::iter::repeat_n(i, 8))
        .map(|i| {
            mssp_cmd(&sb)
                .args(["--tenant-id", &tenant(i), "token"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut per_tenant =
        std::collections::HashMap::<String, std::collections::HashSet<String>>::new();
    for (n, child) in children.into_iter().enumerate() {
        let o = child.wait_with_output().unwrap();
        assert_status(&o, 0);
        per_tenant
            .entry(tenant(n / 8))
            .or_default()
            .insert(stdout(&o).trim_end().to_string());
    }
    assert_eq!(sb.emu.console_grants(), 1, "one console exchange for all");
    assert_eq!(
        sb.emu.tenant_app_requests(),
        20,
        "one tenant-app call per tenant"
    );
    assert!(per_tenant.values().all(|tokens| tokens.len() == 1));
}

#[test]
fn an_unknown_tenant_and_a_wrong_secret_are_clear_rejections() {
    let sb = mssp(1);
    let o = mssp_cmd(&sb)
        .args([
            "--tenant-id",
            "7e000000-0000-4000-8000-999999999999",
            "token",
        ])
        .output()
        .unwrap();
    assert_status(&o, 3);
    assert!(
        stderr(&o).contains("does not know tenant"),
        "{}",
        stderr(&o)
    );
    let o = mssp_cmd(&sb)
        .env("MSSP_SECRET", "wrong")
        .arg("token")
        .output()
        .unwrap();
    assert_status(&o, 3);
    assert!(stderr(&o).contains("401"), "{}", stderr(&o));
    // A tenant id that would change the URL path is a config error.
    let o = mssp_cmd(&sb)
        .args(["--tenant-id", "../../x", "token"])
        .output()
        .unwrap();
    assert_status(&o, 2);
}

#[test]
fn a_revoked_console_token_is_replaced_once() {
    let sb = mssp(2);
    let o = mssp_cmd(&sb).arg("token").output().unwrap();
    assert_status(&o, 0);
    sb.emu.revoke(stdout(&o).trim_end());
    let o = mssp_cmd(&sb)
        .args(["--tenant-id", &tenant(1), "token"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert!(sb.emu.verify_access_token(stdout(&o).trim_end()));
    // One refused tenant-app call, one new console token, one good call.
    assert_eq!(
        (sb.emu.console_grants(), sb.emu.tenant_app_requests()),
        (2, 2)
    );
}

/// `cytoken -p mssp api` goes to the console's API with the console token
/// (every page of `tenants/list`), and with `--tenant-id` to the tenant's API
/// with that tenant's token: one console exchange between them. (Each API
/// refuses the other's token: the emulator's api_tests.)
#[test]
fn api_calls_the_console_and_each_tenants_api_with_the_right_token() {
    let sb = mssp(25);
    sb.emu.set_devices(3);
    let o = mssp_cmd(&sb)
        .args(["api", "--paginate", "--page-size", "10", "tenants/list"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    let items: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let ids: Vec<&str> = items
        .iter()
        .map(|t| t["venueTenantId"].as_str().unwrap())
        .collect();
    let want: Vec<String> = (0..25).map(tenant).collect();
    assert_eq!(ids, want, "every tenant, in page order");
    assert_eq!(
        (sb.emu.console_grants(), sb.emu.tenant_app_requests()),
        (1, 0)
    );

    // The tenant's API is its Protect region's; here the emulator's.
    let o = mssp_cmd(&sb)
        .env("CYTOKEN_API_URL", sb.emu.api_url())
        .args(["--tenant-id", &tenant(7), "api", "--paginate", "devices/v2"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    let devices: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(devices.len(), 3, "{}", stdout(&o));
    assert_eq!(
        (sb.emu.console_grants(), sb.emu.tenant_app_requests()),
        (1, 1)
    );
}
