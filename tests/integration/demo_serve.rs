//! `demo --serve` as a user meets it: the printed lines evaluated, the
//! printed commands run word for word, the Cylance flow and the
//! multi-tenant console (the `demo` and `mssp` profiles of the config it
//! writes), the API lists behind them, and its skewed clock.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use crate::support::*;

/// A running `demo --serve` and what it printed (also `https.rs`'s).
pub struct Served {
    child: Child,
    /// The `export NAME=VALUE` lines, in order.
    pub vars: Vec<(String, String)>,
    /// The commands of its `#   cytoken …` lines, as words.
    commands: Vec<Vec<String>>,
    /// Its stderr lines (with `--https`, the Kubernetes API stand-in's
    /// log), as they come. Read by `https.rs`, which is Unix-only.
    #[cfg_attr(not(unix), allow(dead_code))]
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// The binary with the printed lines evaluated, as a shell would.
    fn cmd(&self, sb: &Sandbox) -> Command {
        let mut c = sb.bare();
        // The demo's files go in the sandbox's private runtime dir.
        c.env("XDG_RUNTIME_DIR", runtime_dir(sb));
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    fn run(&self, sb: &Sandbox, args: &[&str]) -> Output {
        self.cmd(sb).args(args).output().unwrap()
    }

    /// The value of one printed `export` (the mode checks are Unix-only).
    #[cfg(unix)]
    pub fn var(&self, name: &str) -> &str {
        &self
            .vars
            .iter()
            .find(|(k, _)| k == name)
            .unwrap_or_else(|| panic!("no export {name} in {:?}", self.vars))
            .1
    }

    /// What it has written to stderr so far.
    #[cfg(unix)]
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn runtime_dir(sb: &Sandbox) -> std::path::PathBuf {
    let dir = sb.home.path().join("run");
    if !dir.exists() {
        std::fs::create_dir(&dir).unwrap();
        chmod(&dir, 0o700);
    }
    dir
}

/// Starts `demo --serve` with `extra` arguments and reads what it prints up
/// to its last export line (`KUBECONFIG` with `--https`).
pub fn serve(sb: &Sandbox, extra: &[&str]) -> Served {
    let mut child = sb
        .bare()
        .env("XDG_RUNTIME_DIR", runtime_dir(sb))
        .args(["demo", "--serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let (err, record) = (child.stderr.take().unwrap(), Arc::clone(&log));
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            record.lock().unwrap().push(line);
        }
    });
    let last = if extra.contains(&"--https") {
        "KUBECONFIG"
    } else {
        "CYTOKEN_CACHE_DIR"
    };
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // The server prints its lines at once, then waits; a dead server ends
    // the lines.
    let mut vars = Vec::new();
    let mut commands = Vec::new();
    for line in lines {
        let line = line.unwrap();
        if let Some(cmd) = line.strip_prefix("#   cytoken ") {
            commands.push(cmd.split_whitespace().map(String::from).collect());
        }
        if let Some(kv) = line.strip_prefix("export ") {
            let (k, v) = kv.split_once('=').unwrap();
            vars.push((k.to_string(), shell_word(v)));
            if k == last {
                break;
            }
        }
    }
    let served = Served {
        child,
        vars,
        commands,
        log,
    };
    assert!(
        !served.vars.is_empty(),
        "demo --serve printed no export line"
    );
    served
}

/// The tenant ids of a `tenants/list` page on stdout.
fn tenant_ids(o: &Output) -> Vec<String> {
    let page: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap();
    page["page_items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list page: {}", stdout(o)))
        .iter()
        .map(|t| t["venueTenantId"].as_str().unwrap().to_string())
        .collect()
}

/// Every command the demo prints works as printed, with only its two
/// export lines: the Cylance flow by default, then the console's tenant
/// list and a tenant's devices through the `mssp` profile.
#[test]
fn every_printed_command_works_word_for_word() {
    let sb = Sandbox::new();
    let served = serve(&sb, &[]);
    let names: Vec<&str> = served.vars.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["CYTOKEN_CONFIG", "CYTOKEN_CACHE_DIR"]);
    let printed: Vec<String> = served.commands.iter().map(|c| c.join(" ")).collect();
    for want in ["-p mssp api tenants/list", "-p mssp check", "token"] {
        assert!(printed.iter().any(|c| c == want), "{want} in {printed:?}");
    }
    assert!(
        printed
            .iter()
            .any(|c| c.starts_with("-p mssp --tenant-id ") && c.ends_with(" api devices/v2")),
        "{printed:?}"
    );
    for words in &served.commands {
        let o = served.cmd(&sb).args(words).output().unwrap();
        assert_status(&o, 0);
        assert_no_secret(&o);
    }
    // The tenants the console lists are the ones a tenant's call can use.
    let o = served.run(&sb, &["-p", "mssp", "api", "tenants/list"]);
    assert_status(&o, 0);
    let tenants = tenant_ids(&o);
    assert_eq!(tenants.len(), 3, "{}", stdout(&o));
    let o = served.run(
        &sb,
        &[
            "-p",
            "mssp",
            "--tenant-id",
            &tenants[2],
            "api",
            "devices/v2",
        ],
    );
    assert_status(&o, 0);
    assert!(stdout(&o).contains("\"page_items\""), "{}", stdout(&o));
    // A tenant the console does not manage is refused by the console.
    let o = served.run(
        &sb,
        &[
            "-p",
            "mssp",
            "--tenant-id",
            "7e000000-0000-4000-8000-0000000000ff",
            "api",
            "devices/v2",
        ],
    );
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The config is the demo's own: private (0600 in a 0700 dir of its own),
/// its secrets beside it in private files and never printed, and a config
/// the user already has is left as it was.
#[cfg(unix)]
#[test]
fn the_config_is_private_and_never_the_users() {
    let sb = Sandbox::new();
    let mine = "# mine\n[profiles.default]\napp_id = \"x\"\n";
    let user_config = sb.write_config(mine, 0o600);
    let served = serve(&sb, &[]);
    let config = std::path::Path::new(served.var("CYTOKEN_CONFIG"));
    assert_ne!(config, user_config);
    assert!(config.starts_with(runtime_dir(&sb)), "{}", config.display());
    assert_eq!(mode_of(config) & 0o777, 0o600);
    let dir = config.parent().unwrap();
    assert_eq!(mode_of(dir) & 0o777, 0o700);
    for secret in ["demo.secret", "mssp.secret"] {
        assert_eq!(mode_of(&dir.join(secret)) & 0o777, 0o600, "{secret}");
    }
    let text = std::fs::read_to_string(config).unwrap();
    assert!(text.contains("[profiles.demo]") && text.contains("[profiles.mssp]"));
    assert!(text.contains("flow = \"mtc\""), "{text}");
    assert_eq!(std::fs::read_to_string(&user_config).unwrap(), mine);
    // `check` of each profile finds the file private and everything working.
    for profile in ["demo", "mssp"] {
        let o = served.run(&sb, &["-p", profile, "check"]);
        assert_status(&o, 0);
        assert!(stdout(&o).contains("(private, mode 600)"), "{}", stdout(&o));
    }
}

/// `check` of the `mssp` profile speaks of the console flow: a partner
/// app, the console's own token or a tenant's, the grant and tenant-app
/// URLs; never an empty tenant or the auth token's scopes and lifetime.
#[test]
fn check_of_the_mssp_profile_speaks_of_the_console_flow() {
    let sb = Sandbox::new();
    let served = serve(&sb, &[]);
    let o = served.run(&sb, &["-p", "mssp", "check"]);
    assert_status(&o, 0);
    let out = stdout(&o);
    for line in [
        "multi-tenant console",
        "the console's own token",
        "console grant at ",
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }
    for wrong in ["tenant ,", "scopes:", "lifetime"] {
        assert!(!out.contains(wrong), "{wrong}: {out}");
    }
    let tenant = "7e000000-0000-4000-8000-0000000000b2";
    let o = served.run(&sb, &["-p", "mssp", "--tenant-id", tenant, "check"]);
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.contains(&format!("tenant {tenant}")), "{out}");
    assert!(
        out.contains(&format!("tenants/tenant-app/{tenant}")),
        "{out}"
    );
    // The Cylance profile keeps its own words.
    let o = served.run(&sb, &["check"]);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("'demo': tenant 0"), "{}", stdout(&o));
}

/// A wrong secret for the console is the console refusing the app's client
/// credentials, with the fix for them: never "the auth token", and never
/// tenant_id (the console's grant has none).
#[test]
fn a_refused_console_grant_names_the_client_credentials() {
    let sb = Sandbox::new();
    let served = serve(&sb, &[]);
    for args in [
        &["-p", "mssp", "--no-cache", "token"][..],
        &["-p", "mssp", "check"][..],
    ] {
        let o = served
            .cmd(&sb)
            .env("CYTOKEN_APP_SECRET", "not-the-secret")
            .args(args)
            .output()
            .unwrap();
        assert_status(&o, 3);
        let text = format!("{}{}", stdout(&o), stderr(&o));
        assert!(
            text.contains("rejected the app's client credentials")
                && text.contains("partner app's app_id and secret"),
            "{args:?}: {text}"
        );
        assert!(
            !text.contains("auth token") && !text.contains("tenant_id"),
            "{args:?}: {text}"
        );
    }
}

/// `auth-token` has nothing to sign for a console profile: a clear exit 2
/// naming the flow, never claims with an empty `tid`.
#[test]
fn auth_token_of_a_console_profile_says_there_is_none() {
    let sb = Sandbox::new();
    let served = serve(&sb, &[]);
    for args in [
        &["-p", "mssp", "auth-token"][..],
        &["-p", "mssp", "auth-token", "--claims"][..],
    ] {
        let o = served.run(&sb, args);
        assert_status(&o, 2);
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains("flow = \"mtc\"") && stderr(&o).contains("-p mssp token"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // The Cylance profile still signs one.
    let o = served.run(&sb, &["auth-token", "--claims"]);
    assert_status(&o, 0);
    assert!(stdout(&o).contains("\"tid\""), "{}", stdout(&o));
}

/// One page of `list` (two items) through `api`, as JSON.
fn first_page(served: &Served, sb: &Sandbox, profile: &[&str], list: &str) -> serde_json::Value {
    let mut args = profile.to_vec();
    args.extend(["api", list, "-f", "page_size=2"]);
    let o = served.run(sb, &args);
    assert_status(&o, 0);
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// Every list the demo serves has the service's page shape and its items
/// the guide's fields, for the Cylance profile and for a console tenant;
/// `--paginate` gathers every page.
#[test]
fn the_lists_have_the_services_page_and_item_shapes() {
    let sb = Sandbox::new();
    let served = serve(&sb, &[]);
    let tenant = [
        "-p",
        "mssp",
        "--tenant-id",
        "7e000000-0000-4000-8000-0000000000c3",
    ];
    let lists: [(&str, &[&str]); 5] = [
        ("devices/v2", &["id", "name", "state", "policy"]),
        (
            "policies/v2",
            &[
                "policy_id",
                "name",
                "device_count",
                "zone_count",
                "date_added",
            ],
        ),
        (
            "users/v2",
            &[
                "id",
                "tenant_id",
                "email",
                "first_name",
                "role_type",
                "role_name",
            ],
        ),
        (
            "zones/v2",
            &["id", "name", "criticality", "policy_id", "update_type"],
        ),
        (
            "threats/v2",
            &["name", "sha256", "md5", "cylance_score", "classification"],
        ),
    ];
    for profile in [&[][..], &tenant[..]] {
        for (list, fields) in lists {
            let page = first_page(&served, &sb, profile, list);
            for key in [
                "page_number",
                "page_size",
                "total_pages",
                "total_number_of_items",
            ] {
                assert!(page[key].is_u64(), "{list} {key}: {page}");
            }
            let items = page["page_items"].as_array().unwrap();
            assert_eq!(items.len(), 2, "{list}: {page}");
            for field in fields {
                assert!(items[0].get(field).is_some(), "{list} {field}: {page}");
            }
            let mut args = profile.to_vec();
            args.extend(["api", "--paginate", "--page-size", "2", list]);
            let o = served.run(&sb, &args);
            assert_status(&o, 0);
            let all: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
            assert_eq!(
                all.len() as u64,
                page["total_number_of_items"].as_u64().unwrap(),
                "{list}"
            );
        }
    }
}

/// A policy script rehearsed against the demo: create, rename, read back,
/// delete (then it is gone: exit 5); a user created, changed and deleted.
#[test]
fn policy_and_user_changes_can_be_rehearsed() {
    let sb = Sandbox::new();
    let served = serve(&sb, &[]);
    let created = served
        .cmd(&sb)
        .args(["api", "-X", "POST", "policies/v2", "--input", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .unwrap()
                .write_all(br#"{"user_id": "05e70000-0000-4000-8000-000000000002", "policy": {"policy_name": "Rehearsal"}}"#)?;
            c.wait_with_output()
        })
        .unwrap();
    assert_status(&created, 0);
    let policy: serde_json::Value = serde_json::from_str(&stdout(&created)).unwrap();
    let id = policy["policy_id"].as_str().unwrap().to_string();
    assert_eq!(policy["policy_name"], "Rehearsal");
    let names = |served: &Served| -> Vec<String> {
        let o = served.run(&sb, &["api", "--paginate", "policies/v2"]);
        assert_status(&o, 0);
        let all: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
        all.iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(names(&served).contains(&"Rehearsal".to_string()));
    let body = format!(
        r#"{{"user_id": "x", "policy": {{"policy_id": "{id}", "policy_name": "Renamed"}}}}"#
    );
    let input = sb.home.path().join("policy.json");
    std::fs::write(&input, body).unwrap();
    let o = served.run(
        &sb,
        &[
            "api",
            "-X",
            "PUT",
            "policies/v2",
            "--input",
            input.to_str().unwrap(),
        ],
    );
    assert_status(&o, 0);
    let o = served.run(&sb, &["api", &format!("policies/v2/{id}")]);
    assert_status(&o, 0);
    assert!(
        stdout(&o).contains("\"policy_name\":\"Renamed\""),
        "{}",
        stdout(&o)
    );
    let o = served.run(&sb, &["api", "-X", "DELETE", &format!("policies/v2/{id}")]);
    assert_status(&o, 0);
    let o = served.run(&sb, &["api", &format!("policies/v2/{id}")]);
    assert_status(&o, 5);
    assert!(!names(&served).iter().any(|n| n == "Renamed"));

    let user = [
        "-f",
        "email=rehearsal@example.com",
        "-f",
        "first_name=Re",
        "-f",
        "last_name=Hearsal",
        "-f",
        "user_role=00000000-0000-0000-0000-000000000001",
    ];
    let mut args = vec!["api", "-X", "POST", "users/v2"];
    args.extend(user);
    let o = served.run(&sb, &args);
    assert_status(&o, 0);
    let created: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let uid = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["role_name"], "User");
    let path = format!("users/v2/{uid}");
    let mut args = vec!["api", "-X", "PUT", &path];
    args.extend(user);
    let last = args.len() - 1;
    args[last] = "user_role=00000000-0000-0000-0000-000000000002";
    assert_status(&served.run(&sb, &args), 0);
    let o = served.run(&sb, &["api", &path]);
    assert_status(&o, 0);
    assert!(
        stdout(&o).contains("\"role_name\":\"Administrator\""),
        "{}",
        stdout(&o)
    );
    assert_status(&served.run(&sb, &["api", "-X", "DELETE", &path]), 0);
    assert_status(&served.run(&sb, &["api", &path]), 5);
    // A bad body is the service's 400, not a change.
    let o = served.run(
        &sb,
        &["api", "-X", "POST", "users/v2", "-f", "email=nobody"],
    );
    assert_status(&o, 5);
}

/// The skew (local minus server) a message states, in seconds, signed:
/// "… by N s (behind)" is -N.
fn stated_skew(text: &str) -> i64 {
    let at = text
        .find("differs from the server's by ")
        .unwrap_or_else(|| panic!("no skew stated: {text}"));
    let rest = &text[at + "differs from the server's by ".len()..];
    let (n, rest) = rest.split_once(" s (").unwrap();
    let n: i64 = n.parse().unwrap();
    if rest.starts_with("behind") { -n } else { n }
}

/// `--clock-skew`: the demo's clock runs off by that much, and cytoken
/// says so: a token refused with the skew named (either way), and `check`
/// warning of a skew too small to be refused.
#[test]
fn a_skewed_demo_clock_gives_the_skew_message() {
    for (skew, local_minus_server) in [("3600", -3600), ("-3600", 3600)] {
        let sb = Sandbox::new();
        let served = serve(&sb, &["--clock-skew", skew]);
        let o = served.run(&sb, &["token"]);
        assert_status(&o, 3);
        let stated = stated_skew(&stderr(&o));
        assert!(
            (stated - local_minus_server).abs() <= 2,
            "{skew}: {}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("fix the system clock"),
            "{}",
            stderr(&o)
        );
    }
    let sb = Sandbox::new();
    let served = serve(&sb, &["--clock-skew", "120"]);
    let o = served.run(&sb, &["check"]);
    assert_status(&o, 0);
    let clock = stdout(&o)
        .lines()
        .find(|l| l.contains(" clock "))
        .unwrap_or_default()
        .to_string();
    assert!(
        clock.starts_with("  warn") && clock.contains("s behind the server's"),
        "{}",
        stdout(&o)
    );
    // Out of range is a clear usage error.
    let o = sb
        .bare()
        .args(["demo", "--serve", "--clock-skew", "999999"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("--clock-skew"), "{}", stderr(&o));
}
