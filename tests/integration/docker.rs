//! The docker credential helper through the binary invoked as
//! `docker-credential-cytoken` (the name docker runs): every URL form, host
//! limits, store/erase/list, and failures as one line on stdout.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use crate::support::*;

/// The helper with no selection at all (the environment `Sandbox::bare` uses).
fn docker_bare(sb: &Sandbox) -> Command {
    sb.bare_as(&helper_link(sb))
}

/// The helper with the environment-only selection `Sandbox::cmd` uses.
fn docker(sb: &Sandbox) -> Command {
    sb.cmd_as(&helper_link(sb))
}

/// Runs `cmd` with `input` on stdin, as docker does.
fn feed_str(cmd: Command, input: &str) -> Output {
    let o = feed(cmd, input.as_bytes());
    assert_no_secret(&o);
    o
}

fn helper(sb: &Sandbox, action: &str, input: &str) -> Output {
    let mut c = docker(sb);
    c.arg(action);
    feed_str(c, input)
}

/// Parses a `get` answer and checks its shape; returns the secret.
#[track_caller]
fn answer(o: &Output, server_url: &str, username: &str) -> String {
    assert_status(o, 0);
    let text = stdout(o);
    assert!(text.ends_with("}\n") && text.lines().count() == 1, "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let obj = v.as_object().unwrap();
    assert_eq!(obj.len(), 3, "{text}");
    assert_eq!(v["ServerURL"], server_url);
    assert_eq!(v["Username"], username);
    v["Secret"].as_str().unwrap().to_string()
}

#[track_caller]
fn assert_not_found(o: &Output) {
    assert_status(o, 1);
    assert_eq!(stdout(o), "credentials not found in native keychain\n");
}

/// `docker-credential-cytoken` as docker finds it on PATH: a link to the binary.
fn helper_link(sb: &Sandbox) -> PathBuf {
    sb.link("docker-credential-cytoken")
}

#[test]
fn docker_get_answers_every_url_form_with_one_exchange() {
    let sb = Sandbox::new();
    // The user's local registry: a loopback port is answered only while the
    // user (or root) listens on every address docker dials, here 127.0.0.1
    // and ::1 on one dual-stack socket (DESIGN §5 "Loopback peers").
    let registry = std::net::TcpListener::bind("[::]:0").unwrap();
    let port = registry.local_addr().unwrap().port();
    let (local_http, local_v6) = (
        format!("http://127.0.0.1:{port}/v2/"),
        format!("[::1]:{port}"),
    );
    let mut tokens = Vec::new();
    for url in [
        "registry.example.com",
        "registry.example.com:5000",
        "https://registry.example.com/v2/",
        // Plain http only to loopback without docker_hosts (DESIGN §5; this was
        // `http://registry.example.com:5000/v2/`, answered before).
        local_http.as_str(),
        "https://index.docker.io/v1/",
        local_v6.as_str(),
    ] {
        // docker writes the URL without a newline; people and scripts add one.
        for input in [url.to_string(), format!("{url}\n")] {
            let o = helper(&sb, "get", &input);
            let tok = answer(&o, url, "x-access-token");
            assert!(sb.emu.verify_access_token(&tok), "the API must accept it");
            tokens.push(tok);
        }
    }
    tokens.dedup();
    assert_eq!(tokens.len(), 1, "one token for every form");
    assert_eq!(sb.emu.requests(), 1, "one exchange in total");

    // Plain http to another machine would send the token in clear text.
    assert_not_found(&helper(&sb, "get", "http://registry.example.com:5000/v2/"));
    assert_eq!(sb.emu.requests(), 1);

    // The subcommand form answers the same.
    let mut c = sb.cmd();
    c.args(["docker-credential", "get"]);
    let o = feed_str(c, "registry.example.com");
    assert_eq!(
        answer(&o, "registry.example.com", "x-access-token"),
        tokens[0]
    );
    assert_eq!(sb.emu.requests(), 1);
}

#[test]
fn docker_hosts_limit_the_answers() {
    let sb = Sandbox::new();
    sb.write_config(
        "[profiles.default]\nusername = \"robot\"\n\
         docker_hosts = [\"Registry.Example.com\", \"ci.example.com:5000\", \"*.corp.example\", \
         \"http://plain.example:5000\"]\n",
        0o644,
    );
    for url in [
        "other.example.com",
        "registry.example.com:5000",
        "ci.example.com",
        "corp.example",
        "https://evilcorp.example/v2/",
        "registry.example.com.evil.test",
        "",
        "\n",
        "ftp://registry.example.com",
        // Plain http needs an entry written http://host[:port] (DESIGN §5);
        // `ci.example.com:5000` is https only (it allowed http before).
        "http://ci.example.com:5000/v2/",
        "http://registry.example.com",
        "http://a.corp.example",
        "plain.example:5000",
        "https://plain.example:5000/v2/",
        "http://plain.example",
    ] {
        assert_not_found(&helper(&sb, "get", url));
    }
    assert_eq!(
        sb.emu.requests(),
        0,
        "no exchange for a host it does not serve"
    );

    let mut tokens = Vec::new();
    for url in [
        "registry.example.com",
        "https://REGISTRY.example.com:443/v2/",
        "ci.example.com:5000",
        "https://ci.example.com:5000/v2/",
        "http://plain.example:5000/v2/",
        "a.corp.example",
        "https://x.y.corp.example/v2/",
    ] {
        let tok = answer(&helper(&sb, "get", url), url, "robot");
        assert!(sb.emu.verify_access_token(&tok));
        tokens.push(tok);
    }
    tokens.dedup();
    assert_eq!(tokens.len(), 1);
    assert_eq!(sb.emu.requests(), 1);

    // Configured hosts, wildcards left out (they are not registries docker can ask for).
    let o = helper(&sb, "list", "");
    assert_status(&o, 0);
    assert_eq!(
        stdout(&o),
        "{\"Registry.Example.com\":\"robot\",\"ci.example.com:5000\":\"robot\",\
         \"http://plain.example:5000\":\"robot\"}\n"
    );

    // `docker logout` of another registry leaves the token alone.
    let o = helper(&sb, "erase", "other.example.com");
    assert_status(&o, 0);
    assert_eq!(stdout(&o), "");
    let tok = answer(
        &helper(&sb, "get", "a.corp.example"),
        "a.corp.example",
        "robot",
    );
    assert_eq!(tok, tokens[0]);
    assert_eq!(sb.emu.requests(), 1);
}

#[test]
fn docker_store_is_a_noop_and_erase_makes_get_mint_anew() {
    let sb = Sandbox::new();
    let first = answer(
        &helper(&sb, "get", "registry.example.com"),
        "registry.example.com",
        "x-access-token",
    );

    let creds = r#"{"ServerURL":"registry.example.com","Username":"me","Secret":"typed-password"}"#;
    let o = helper(&sb, "store", creds);
    assert_status(&o, 0);
    assert_eq!(stdout(&o), "");
    for f in sb.cache_files() {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("typed-password"),
            "store never keeps what docker sends"
        );
    }
    let again = answer(
        &helper(&sb, "get", "registry.example.com"),
        "registry.example.com",
        "x-access-token",
    );
    assert_eq!(again, first, "store keeps the cached token");
    assert_eq!(sb.emu.requests(), 1);

    let o = helper(&sb, "erase", "https://registry.example.com\n");
    assert_status(&o, 0);
    assert_eq!(stdout(&o), "");
    assert!(sb.entries().is_empty(), "erase drops the cached entry");

    let fresh = answer(
        &helper(&sb, "get", "registry.example.com"),
        "registry.example.com",
        "x-access-token",
    );
    assert_ne!(fresh, first);
    assert!(sb.emu.verify_access_token(&fresh));
    assert_eq!(sb.emu.requests(), 2);
}

#[test]
fn docker_list_version_and_unknown_action() {
    let sb = Sandbox::new();
    // `list` and `version` read no stdin: run by hand they must not wait for it.
    let o = docker(&sb).arg("list").output().unwrap();
    assert_status(&o, 0);
    assert_eq!(stdout(&o), "{}\n");

    let o = docker_bare(&sb).arg("version").output().unwrap();
    assert_status(&o, 0);
    assert_eq!(
        stdout(&o),
        format!("cytoken {}\n", env!("CARGO_PKG_VERSION"))
    );

    let o = helper(&sb, "fetch", "registry.example.com");
    assert_status(&o, 1);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("unknown credential action `fetch`"), "{out}");
    assert_eq!(sb.emu.requests(), 0);
}

#[test]
fn docker_failures_are_one_line_on_stdout_exit_1() {
    let sb = Sandbox::new();
    // No selection at all: a config error, on stdout because docker reads only that.
    let mut c = docker_bare(&sb);
    c.arg("get");
    let o = feed_str(c, "registry.example.com");
    assert_status(&o, 1);
    let out = stdout(&o);
    assert!(
        out.starts_with("cytoken: error: ") && out.lines().count() == 1,
        "{out}"
    );
    assert!(out.contains("tenant"), "{out}");

    // The endpoint rejects the secret: still exit 1, one line, no secret.
    let mut c = docker(&sb);
    c.env("CYTOKEN_APP_SECRET", "not-the-secret").arg("get");
    let o = feed_str(c, "registry.example.com");
    assert_status(&o, 1);
    let out = stdout(&o);
    assert!(
        out.starts_with("cytoken: error: ") && out.lines().count() == 1,
        "{out}"
    );
    assert!(out.contains("Invalid JWT payload"), "{out}");
    assert!(!out.contains("not-the-secret"));

    // Input that is not a request: oversized or not UTF-8.
    Run::new(docker(&sb))
        .arg("get")
        .stdin("a".repeat((1 << 20) + 1))
        .stdout_has("larger than")
        .no_secret()
        .status(1);
    let mut c = docker(&sb);
    c.arg("get");
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"registry\xff.example.com")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_status(&o, 1);
    assert!(stdout(&o).contains("UTF-8"), "{}", stdout(&o));
    assert_eq!(
        sb.emu.requests(),
        1,
        "only the rejected secret reached the endpoint"
    );
}
