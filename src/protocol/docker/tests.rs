//! Unit tests of the docker credential helper (`super`).

use super::*;
use crate::broker::{Broker, CacheUse};
use crate::config::Selection;
use crate::env::Env;
use crate::protocol::MAX_REQUEST;
use crate::protocol::testing::{self, Broken, Given};
use crate::secret::{Secret, SecretSource};
use crate::source::fake::{Asked, Fake};
use cytoken_emulator::Emulator;

const TENANT: &str = "3f0c2a9e-1b7d-4c55-9a0e-6d1f2b3c4d5e";
const APP: &str = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SECRET: &str = "docker-unit-S3cr3t-9vX2mK7pL4wR8tY1u";

#[test]
fn normalises_every_url_form() {
    for (input, want) in [
        ("registry.example.com", Some("registry.example.com")),
        ("  Registry.Example.COM.\n", Some("registry.example.com")),
        (
            "registry.example.com:5000",
            Some("registry.example.com:5000"),
        ),
        ("registry.example.com:443", Some("registry.example.com")),
        ("https://registry.example.com", Some("registry.example.com")),
        (
            "https://registry.example.com/",
            Some("registry.example.com"),
        ),
        (
            "https://registry.example.com/v2/",
            Some("registry.example.com"),
        ),
        (
            "HTTPS://registry.example.com:443/v2/",
            Some("registry.example.com"),
        ),
        (
            "https://registry.example.com:8443/v2/x?y#z",
            Some("registry.example.com:8443"),
        ),
        (
            "http://registry.example.com:5000/v2/",
            Some("http://registry.example.com:5000"),
        ),
        (
            "http://registry.example.com:80/",
            Some("http://registry.example.com"),
        ),
        (
            "http://registry.example.com:443/",
            Some("http://registry.example.com:443"),
        ),
        ("https://index.docker.io/v1/", Some("index.docker.io")),
        (
            "https://user:pw@registry.example.com/v2/",
            Some("registry.example.com"),
        ),
        ("localhost:5000", Some("localhost:5000")),
        ("127.0.0.1:5000", Some("127.0.0.1:5000")),
        ("[::1]:5000", Some("[::1]:5000")),
        ("http://[::1]/v2/", Some("http://[::1]")),
        ("[0:0::1]:5000", Some("[::1]:5000")),
        ("https://[2001:DB8::1]:443/", Some("[2001:db8::1]")),
        ("my_registry:5000", Some("my_registry:5000")),
        ("", None),
        ("   ", None),
        ("https://", None),
        ("https:///v2/", None),
        (":5000", None),
        ("host:", None),
        ("host:0", None),
        ("host:65536", None),
        ("host:12a", None),
        ("host:5000:6000", None),
        ("ftp://registry.example.com", None),
        ("file:///etc/passwd", None),
        ("regi stry.example.com", None),
        ("*.example.com", None),
        ("registry%2eexample.com", None),
        ("registry.example.com\0", None),
        ("[::1", None),
        ("[zz::1]:5000", None),
        ("[::1]x", None),
    ] {
        assert_eq!(normalise(input).as_deref(), want, "{input:?}");
    }
}

#[test]
fn request_is_trimmed_and_bounded() {
    assert_eq!(
        read_request(&b"  https://r.example/v2/\r\n"[..]),
        Ok("https://r.example/v2/".into())
    );
    assert_eq!(read_request(&b""[..]), Ok(String::new()));
    // Exactly the bound is fine; one byte more is refused, not truncated.
    let at = std::io::repeat(b' ').take(MAX_REQUEST);
    assert_eq!(read_request(at), Ok(String::new()));
    let over = std::io::repeat(b'a').take(MAX_REQUEST + 1);
    match read_request(over) {
        Err(Outcome::Failed(m)) => assert!(m.contains("larger than 1024 KiB"), "{m}"),
        other => panic!("{other:?}"),
    }
    match read_request(&b"reg\xffistry"[..]) {
        Err(Outcome::Failed(m)) => assert!(m.contains("UTF-8"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hosts_filter() {
    let hosts: Vec<String> = [
        "Registry.Example.com",
        "https://ci.example.com:5000/",
        "*.corp.example",
        "*.lab.example:8443",
        "not a host",
    ]
    .iter()
    .map(std::string::ToString::to_string)
    .collect();
    let ok = |h: &str| allowed(Some(&hosts), &normalise(h).unwrap());
    assert!(
        allowed(None, "anything.example"),
        "no docker_hosts: any host"
    );
    assert!(
        !allowed(Some(&[]), "registry.example.com"),
        "empty list: none"
    );
    assert!(ok("registry.example.com"));
    assert!(ok("https://REGISTRY.example.com/v2/"));
    assert!(ok("registry.example.com:443"));
    assert!(!ok("registry.example.com:5000"), "ports must match");
    assert!(!ok("registry.example.com.evil.test"));
    assert!(!ok("evilregistry.example.com"));
    assert!(ok("ci.example.com:5000"));
    assert!(!ok("ci.example.com"));
    assert!(ok("a.corp.example"));
    assert!(ok("https://a.b.corp.example/v2/"));
    assert!(!ok("corp.example"), "the wildcard needs a label");
    assert!(!ok("evilcorp.example"));
    assert!(!ok("a.corp.example:5000"));
    assert!(ok("x.lab.example:8443"));
    assert!(!ok("x.lab.example"));
    assert!(!ok("not"), "an unusable entry matches nothing");
    // Plain http needs an entry written http://host[:port], loopback aside.
    assert!(!ok("http://registry.example.com"));
    assert!(!ok("http://ci.example.com:5000/v2/"));
    assert!(!ok("http://a.corp.example"));
    let http: Vec<String> = ["http://ci.example.com:5000", "localhost:5000"]
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    assert!(allowed(Some(&http), "http://ci.example.com:5000/v2/"));
    assert!(!allowed(Some(&http), "ci.example.com:5000"));
    assert!(!allowed(Some(&http), "http://ci.example.com"));
    assert!(allowed(Some(&http), "http://localhost:5000/v2/"));
    assert!(allowed(Some(&http), "localhost:5000"));
    assert!(!allowed(Some(&http), "http://localhost:5001"));
    assert!(!allowed(None, "http://registry.example.com:5000"));
    assert!(allowed(None, "http://127.0.0.1:5000/v2/"));
    assert!(!allowed(None, "not a url"));
}

#[test]
fn answer_shapes() {
    let a = credentials_json("https://r.example/v2/", "x-access-token", "eyJ.tok\"en");
    assert_eq!(
        a,
        "{\"ServerURL\":\"https://r.example/v2/\",\"Username\":\"x-access-token\",\
         \"Secret\":\"eyJ.tok\\\"en\"}\n"
    );
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["Secret"], "eyJ.tok\"en");

    assert_eq!(list_json(None, "u"), "{}\n");
    let hosts: Vec<String> = [
        "b.example:5000",
        "*.corp.example",
        "a.example",
        "bad host",
        "http://c.example:5000",
        "https://*.d.example",
        "https://e.example/v2/",
    ]
    .iter()
    .map(std::string::ToString::to_string)
    .collect();
    assert_eq!(
        list_json(Some(&hosts), "robot"),
        "{\"a.example\":\"robot\",\"b.example:5000\":\"robot\",\
         \"http://c.example:5000\":\"robot\"}\n"
    );

    let mut out = Vec::new();
    assert_eq!(finish(&Outcome::NotFound, &mut out), 1);
    assert_eq!(out, format!("{NOT_FOUND}\n").as_bytes());
    let mut out = Vec::new();
    assert_eq!(finish(&Outcome::Done, &mut out), 0);
    assert!(out.is_empty());
    let mut out = Vec::new();
    assert_eq!(
        finish(&Outcome::Failed("cytoken: error: x".into()), &mut out),
        1
    );
    assert_eq!(out, b"cytoken: error: x\n");
}

fn selection(emu: &Emulator, cache: &std::path::Path, hosts: Option<&[&str]>) -> Selection {
    let mut sel = Selection::for_test(&emu.url(), cache);
    sel.flow.cylance_mut().tenant_id = TENANT.into();
    sel.flow.cylance_mut().app_id = APP.into();
    sel.secret = SecretSource::Inline(Secret::new(SECRET.into()));
    sel.front_end.docker_hosts =
        hosts.map(|h| h.iter().map(std::string::ToString::to_string).collect());
    sel
}

/// Runs `action` on `input` for `sel` through a broker of its own, as one
/// docker invocation does.
fn handle_with(sel: &Selection, action: &str, input: &str) -> Outcome {
    let broker = Broker::new(sel, CacheUse::Use);
    let profile = Given {
        sel,
        source: &broker,
    };
    handle(action, &mut input.as_bytes(), &profile)
}

#[test]
fn get_erase_get_in_process() {
    let emu = Emulator::start().unwrap();
    emu.register_app(TENANT, APP, SECRET);
    let dir = tempfile::tempdir().unwrap();
    let sel = selection(&emu, dir.path(), Some(&["registry.example.com"]));
    let get = |input: &str| handle_with(&sel, "get", input);

    let Outcome::Answer(a) = get("https://registry.example.com/v2/\n") else {
        panic!()
    };
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["ServerURL"], "https://registry.example.com/v2/");
    assert_eq!(v["Username"], "x-access-token");
    let first = v["Secret"].as_str().unwrap().to_string();
    assert!(emu.verify_access_token(&first));
    assert!(!a.contains(SECRET));
    assert!(matches!(get("registry.example.com"), Outcome::Answer(b) if b.contains(&first)));
    assert_eq!(emu.requests(), 1);

    assert_eq!(get("other.example.com"), Outcome::NotFound);
    assert_eq!(get(""), Outcome::NotFound);
    assert_eq!(emu.requests(), 1);

    // store is a no-op; erase of another registry keeps the token.
    let store = r#"{"ServerURL":"registry.example.com","Username":"u","Secret":"p"}"#;
    assert_eq!(
        handle(
            "store",
            &mut store.as_bytes(),
            &Broken("store must not read the config")
        ),
        Outcome::Done
    );
    assert_eq!(
        handle_with(&sel, "erase", "other.example.com"),
        Outcome::Done
    );
    assert!(matches!(get("registry.example.com"), Outcome::Answer(b) if b.contains(&first)));
    assert_eq!(
        handle_with(&sel, "erase", "registry.example.com\n"),
        Outcome::Done
    );
    let Outcome::Answer(b) = get("registry.example.com") else {
        panic!()
    };
    assert!(
        !b.contains(&first),
        "erase makes the next get mint a new token"
    );
    assert_eq!(emu.requests(), 2);

    let list = handle_with(&sel, "list", "");
    assert_eq!(
        list,
        Outcome::Answer("{\"registry.example.com\":\"x-access-token\"}\n".into())
    );
}

#[test]
fn failures_are_one_line_without_secrets() {
    let emu = Emulator::start().unwrap();
    emu.register_app(TENANT, APP, "another-secret-entirely");
    let dir = tempfile::tempdir().unwrap();
    let sel = selection(&emu, dir.path(), None);
    let o = handle_with(&sel, "get", "registry.example.com");
    let Outcome::Failed(m) = &o else {
        panic!("{o:?}")
    };
    assert!(
        m.starts_with("cytoken: error: ") && !m.contains('\n') && !m.contains(SECRET),
        "{m}"
    );

    let cfg = Broken("no tenant_id for profile 'default':\nset it");
    let o = handle("get", &mut &b"registry.example.com"[..], &cfg);
    assert_eq!(
        o,
        Outcome::Failed("cytoken: error: no tenant_id for profile 'default': set it".into())
    );
    assert!(matches!(
        handle("list", &mut &b""[..], &cfg),
        Outcome::Failed(_)
    ));

    let o = handle("fetch", &mut &b""[..], &cfg);
    let Outcome::Failed(m) = o else { panic!() };
    assert!(m.contains("unknown credential action `fetch`"), "{m}");
    let o = handle("version", &mut &b""[..], &cfg);
    assert_eq!(
        o,
        Outcome::Answer(format!("cytoken {}\n", env!("CARGO_PKG_VERSION")))
    );
}

#[test]
fn get_and_erase_through_a_fake_source() {
    let fake = Fake::default();
    let mut sel = testing::selection();
    sel.front_end.docker_hosts = Some(vec!["registry.example.com".into()]);
    let profile = Given {
        sel: &sel,
        source: &fake,
    };
    let env = Env::fixed(&[]);
    let docker = |action: &str, input: &str| {
        let (status, out) = testing::run(run, action, input.as_bytes(), &env, &profile);
        (status.unwrap(), out)
    };
    assert_eq!(
        docker("get", "registry.example.com\n"),
        (
            0,
            "{\"ServerURL\":\"registry.example.com\",\"Username\":\"x-access-token\",\
             \"Secret\":\"tok-1\"}\n"
                .into()
        )
    );
    assert_eq!(*fake.asked.borrow(), [Asked::Token]);
    // A registry outside docker_hosts: not found, and no token asked for.
    assert_eq!(
        docker("get", "other.example.com"),
        (1, format!("{NOT_FOUND}\n"))
    );
    assert_eq!(docker("erase", "other.example.com"), (0, String::new()));
    assert_eq!(fake.asked.borrow().len(), 1);
    // erase of the registry drops the cached token, whichever it is.
    assert_eq!(docker("erase", "registry.example.com"), (0, String::new()));
    assert_eq!(fake.asked.borrow()[1..], [Asked::Clear]);
    let (status, out) = docker("get", "https://registry.example.com/v2/");
    assert_eq!(status, 0);
    assert!(out.contains("\"Secret\":\"tok-2\""), "{out}");
    // A failing source is one line on stdout, exit 1.
    let failing = Fake::failing("the app secret is empty");
    let profile = Given {
        sel: &sel,
        source: &failing,
    };
    let (status, out) = testing::run(run, "get", b"registry.example.com", &env, &profile);
    assert_eq!(
        (status.unwrap(), out.as_str()),
        (1, "cytoken: error: the app secret is empty\n")
    );
}
