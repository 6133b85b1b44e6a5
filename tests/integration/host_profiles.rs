//! Which profile answers git and docker (DESIGN §4): `-p` / `CYTOKEN_PROFILE`
//! when given, else the profile whose `git_hosts` / `docker_hosts` covers the
//! request's host most specifically, else `default_profile`; an equal match
//! names both profiles. Through real `git credential fill` and the binary
//! run as `docker-credential-cytoken`; which profile answered is read from
//! the token's tenant (each profile is its own tenant at the emulator).

use std::path::PathBuf;
use std::process::{Command, Output};

use base64::Engine as _;

use crate::support::*;

const PROD: (&str, &str, &str) = (
    "11111111-1111-4111-8111-111111111111",
    "11111111-aaaa-4aaa-8aaa-111111111111",
    "prod-S3cr3t-1111",
);
const STAGING: (&str, &str, &str) = (
    "22222222-2222-4222-8222-222222222222",
    "22222222-aaaa-4aaa-8aaa-222222222222",
    "staging-S3cr3t-2222",
);
const ANY: (&str, &str, &str) = (
    "33333333-3333-4333-8333-333333333333",
    "33333333-aaaa-4aaa-8aaa-333333333333",
    "any-S3cr3t-3333",
);

/// A sandbox whose emulator knows the three tenants' apps, with a config of
/// `profiles`: each `(name, tenant, lists)`, `lists` the TOML lines of its
/// `git_hosts` / `docker_hosts` (empty: none).
fn sandbox(default: &str, profiles: &[(&str, (&str, &str, &str), &str)]) -> Sandbox {
    let sb = Sandbox::new();
    for (tenant, app, secret) in [PROD, STAGING, ANY] {
        sb.emu.register_app(tenant, app, secret);
    }
    configure(&sb, default, profiles);
    sb
}

/// Writes the config of [`sandbox`].
fn configure(sb: &Sandbox, default: &str, profiles: &[(&str, (&str, &str, &str), &str)]) {
    let mut text = format!("default_profile = \"{default}\"\n");
    for (name, (tenant, app, secret), lists) in profiles {
        text.push_str(&format!(
            "\n[profiles.{name}]\ntenant_id = \"{tenant}\"\napp_id = \"{app}\"\n\
             app_secret = \"{secret}\"\nauth_url = \"{}\"\n{lists}\n",
            sb.emu.url()
        ));
    }
    sb.write_config(&text, 0o600);
}

/// The tenant of an access token the emulator minted (its `tid` claim).
#[track_caller]
fn tenant_of(sb: &Sandbox, token: &str) -> String {
    assert!(
        sb.emu.verify_access_token(token),
        "not the emulator's: {token}"
    );
    let payload = token.split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    claims["tid"].as_str().unwrap().to_string()
}

/// Real git, isolated from the machine (the sandbox's HOME, no system
/// config, no prompt), with the sandbox's `bin` (where
/// `git-credential-cytoken` is) first on PATH and `helper` its only
/// credential helper.
fn git_fill(sb: &Sandbox, helper: &str, host: &str, env: &[(&str, &str)]) -> Output {
    let bin = sb.link("git-credential-cytoken");
    let mut path = std::ffi::OsString::from(bin.parent().unwrap());
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let mut c = Command::new("git");
    c.env_clear()
        .envs(sb.bare().get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("PATH", path)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .envs(env.iter().copied())
        .args(["-c", "credential.helper="])
        .arg("-c")
        .arg(format!("credential.helper={helper}"))
        .args(["credential", "fill"]);
    let o = feed(c, format!("protocol=https\nhost={host}\n\n").as_bytes());
    assert_no_secret(&o);
    o
}

/// The password git got for `host` through `helper`; fails the test when git
/// got none.
#[track_caller]
fn git_token(sb: &Sandbox, helper: &str, host: &str, env: &[(&str, &str)]) -> String {
    let o = git_fill(sb, helper, host, env);
    assert_status(&o, 0);
    stdout(&o)
        .lines()
        .find_map(|l| l.strip_prefix("password="))
        .unwrap_or_else(|| panic!("no password for {host}: {}", stdout(&o)))
        .to_string()
}

/// The tenant whose token git got for `host` from `git-credential-cytoken`.
#[track_caller]
fn git_tenant(sb: &Sandbox, host: &str) -> String {
    tenant_of(sb, &git_token(sb, "cytoken", host, &[]))
}

/// `docker-credential-cytoken <action>` with `server` on stdin, as docker runs it.
fn docker(sb: &Sandbox, action: &str, server: &str, env: &[(&str, &str)]) -> Output {
    let link: PathBuf = sb.link("docker-credential-cytoken");
    let mut c = sb.bare_as(&link);
    c.arg(action).envs(env.iter().copied());
    let o = feed(c, server.as_bytes());
    assert_no_secret(&o);
    o
}

/// The tenant whose token docker gets for `server`.
#[track_caller]
fn docker_tenant(sb: &Sandbox, server: &str, env: &[(&str, &str)]) -> String {
    let o = docker(sb, "get", server, env);
    assert_status(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["ServerURL"], server);
    tenant_of(sb, v["Secret"].as_str().unwrap())
}

/// prod and staging each name their own hosts; `any` (the default) names none.
fn two_tenants() -> Sandbox {
    sandbox(
        "any",
        &[
            (
                "prod",
                PROD,
                "git_hosts = [\"git.prod.example.com\"]\n\
                 docker_hosts = [\"registry.prod.example.com\"]",
            ),
            (
                "staging",
                STAGING,
                "git_hosts = [\"git.staging.example.com\", \"*.example.com\"]\n\
                 docker_hosts = [\"registry.staging.example.com\", \"*.example.com\"]",
            ),
            ("any", ANY, ""),
        ],
    )
}

#[test]
fn git_hosts_pick_each_hosts_own_profile() {
    let sb = two_tenants();
    assert_eq!(git_tenant(&sb, "git.prod.example.com"), PROD.0);
    assert_eq!(git_tenant(&sb, "git.staging.example.com"), STAGING.0);
    // Exact over wildcard above; the wildcard where nothing else covers.
    assert_eq!(git_tenant(&sb, "other.example.com"), STAGING.0);
    // No list covers it: default_profile, whose (absent) list allows it.
    assert_eq!(git_tenant(&sb, "github.com"), ANY.0);
}

#[test]
fn docker_hosts_pick_each_registrys_own_profile() {
    let sb = two_tenants();
    assert_eq!(docker_tenant(&sb, "registry.prod.example.com", &[]), PROD.0);
    assert_eq!(
        docker_tenant(&sb, "https://registry.staging.example.com/v2/", &[]),
        STAGING.0
    );
    assert_eq!(docker_tenant(&sb, "mirror.example.com", &[]), STAGING.0);
    assert_eq!(docker_tenant(&sb, "index.docker.io", &[]), ANY.0);
    // `erase` drops the token of the profile the registry picks, no other.
    let prod = docker(&sb, "get", "registry.prod.example.com", &[]);
    assert_status(
        &docker(&sb, "erase", "registry.staging.example.com", &[]),
        0,
    );
    let again = docker(&sb, "get", "registry.prod.example.com", &[]);
    assert_eq!(stdout(&prod), stdout(&again), "prod's token was kept");
}

#[test]
fn a_named_profile_wins_over_the_hosts() {
    let sb = two_tenants();
    // The explicit form for git: credential.<url>.helper = "cytoken -p NAME".
    let host = "git.prod.example.com";
    let tok = git_token(&sb, "cytoken -p staging", host, &[]);
    assert_eq!(tenant_of(&sb, &tok), STAGING.0);
    let tok = git_token(&sb, "cytoken", host, &[("CYTOKEN_PROFILE", "staging")]);
    assert_eq!(tenant_of(&sb, &tok), STAGING.0);
    let tok = git_token(&sb, "cytoken -p any", host, &[]);
    assert_eq!(tenant_of(&sb, &tok), ANY.0);
    // docker passes no arguments: the variable is its only way.
    assert_eq!(
        docker_tenant(
            &sb,
            "registry.prod.example.com",
            &[("CYTOKEN_PROFILE", "staging")]
        ),
        STAGING.0
    );
}

#[test]
fn host_and_port_beat_host_beat_wildcard() {
    let sb = sandbox("prod", &[]);
    let host = "git.example.com";
    let wildcard = ("prod", PROD, "git_hosts = [\"*.example.com\"]");
    let exact = ("staging", STAGING, "git_hosts = [\"git.example.com\"]");
    let with_port = ("any", ANY, "git_hosts = [\"git.example.com:443\"]");
    configure(&sb, "prod", &[wildcard, exact, with_port]);
    assert_eq!(git_tenant(&sb, host), ANY.0);
    configure(&sb, "prod", &[with_port, wildcard, exact]);
    assert_eq!(git_tenant(&sb, host), ANY.0);
    configure(&sb, "any", &[wildcard, exact]);
    assert_eq!(git_tenant(&sb, host), STAGING.0);
    // The longer wildcard over the shorter.
    let longer = ("staging", STAGING, "git_hosts = [\"*.git.example.com\"]");
    configure(&sb, "any", &[wildcard, longer, ("any", ANY, "")]);
    assert_eq!(git_tenant(&sb, "eu.git.example.com"), STAGING.0);
    assert_eq!(git_tenant(&sb, host), PROD.0);
}

#[test]
fn an_equal_match_is_a_configuration_error_naming_both() {
    let sb = sandbox(
        "any",
        &[
            (
                "prod",
                PROD,
                "git_hosts = [\"git.example.com\"]\ndocker_hosts = [\"*.example.com\"]",
            ),
            (
                "staging",
                STAGING,
                "git_hosts = [\"https://git.example.com/\"]\n\
                 docker_hosts = [\"*.example.com\"]",
            ),
            ("any", ANY, ""),
        ],
    );
    let both = "profiles 'prod' and 'staging' answer";
    // The CLI: exit 2, the reason on stderr, nothing on stdout.
    let o = sb
        .test_bare()
        .args(["git-credential", "get"])
        .stdin("protocol=https\nhost=git.example.com\n")
        .stderr_has(both)
        .stdout("")
        .status(2);
    assert!(stderr(&o).contains("git_hosts"), "{}", stderr(&o));
    // git: no credential, the reason shown to the user.
    let o = git_fill(&sb, "cytoken", "git.example.com", &[]);
    assert_ne!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains("password="), "{}", stdout(&o));
    assert!(stderr(&o).contains(both), "{}", stderr(&o));
    // docker: one line on stdout, exit 1.
    let o = docker(&sb, "get", "registry.example.com", &[]);
    assert_status(&o, 1);
    assert!(stdout(&o).starts_with("cytoken: error: "), "{}", stdout(&o));
    assert!(stdout(&o).contains(both), "{}", stdout(&o));
    assert!(stdout(&o).contains("docker_hosts"), "{}", stdout(&o));
    // Naming the profile settles it; nothing was asked of the endpoint before.
    assert_eq!(sb.emu.requests(), 0);
    let tok = git_token(&sb, "cytoken -p prod", "git.example.com", &[]);
    assert_eq!(tenant_of(&sb, &tok), PROD.0);
}

#[test]
fn a_profile_whose_hosts_do_not_match_still_refuses() {
    let sb = sandbox(
        "prod",
        &[
            (
                "prod",
                PROD,
                "git_hosts = [\"git.prod.example.com\"]\n\
                 docker_hosts = [\"registry.prod.example.com\"]",
            ),
            (
                "staging",
                STAGING,
                "git_hosts = [\"git.staging.example.com\"]\n\
                 docker_hosts = [\"registry.staging.example.com\"]",
            ),
        ],
    );
    // No list covers the host: default_profile answers, and its list refuses.
    let o = git_fill(&sb, "cytoken", "github.com", &[]);
    assert_ne!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains("password="), "{}", stdout(&o));
    let o = docker(&sb, "get", "index.docker.io", &[]);
    assert_status(&o, 1);
    assert_eq!(stdout(&o), "credentials not found in native keychain\n");
    // A named profile's list still restricts it.
    let o = git_fill(&sb, "cytoken -p staging", "git.prod.example.com", &[]);
    assert!(!stdout(&o).contains("password="), "{}", stdout(&o));
    let o = docker(
        &sb,
        "get",
        "registry.prod.example.com",
        &[("CYTOKEN_PROFILE", "staging")],
    );
    assert_eq!(stdout(&o), "credentials not found in native keychain\n");
    assert_eq!(sb.emu.requests(), 0);
    // And each host still gets its own.
    assert_eq!(git_tenant(&sb, "git.staging.example.com"), STAGING.0);
    assert_eq!(docker_tenant(&sb, "registry.prod.example.com", &[]), PROD.0);
}
