//! Unit tests of the git credential helper (`super`).

use super::*;
use crate::env::Env;
use crate::protocol::MAX_REQUEST;
use crate::protocol::testing::{self, Broken, Given};
use crate::source::fake::{Asked, Fake};

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

fn token() -> Token {
    Token {
        clock_skew: None,
        access_token: TOKEN.into(),
        expires_at: 2_000_001_800,
        refresh_at: 2_000_001_500,
        cached: true,
    }
}

fn policy() -> Policy<'static> {
    Policy {
        username: "x-access-token",
        git_auth: GitAuth::Auto,
        git_hosts: None,
    }
}

fn parse(s: &str) -> Request {
    parse_request(s.as_bytes()).unwrap()
}

/// A token-holding attribute as a test compares it.
fn exposed(v: Option<&Secret>) -> Option<&str> {
    v.map(|s| s.expose().as_str())
}

fn get(input: &str, p: &Policy) -> Option<String> {
    answer(&parse(input), &token(), p)
        .unwrap()
        .map(|l| render(&l))
}

const BASIC: &str = "username=x-access-token\npassword=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\npassword_expiry_utc=2000001500\n";
const BEARER: &str = "capability[]=authtype\nauthtype=Bearer\ncredential=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\nephemeral=1\npassword_expiry_utc=2000001500\n";

#[test]
fn actions_and_aliases() {
    assert_eq!(Action::parse("get"), Some(Action::Get));
    assert_eq!(Action::parse("fill"), Some(Action::Get));
    assert_eq!(Action::parse("store"), Some(Action::Store));
    assert_eq!(Action::parse("approve"), Some(Action::Store));
    assert_eq!(Action::parse("erase"), Some(Action::Erase));
    assert_eq!(Action::parse("reject"), Some(Action::Erase));
    assert_eq!(Action::parse("capability"), None);
    assert_eq!(Action::parse("GET"), None);
    assert_eq!(Action::parse(""), None);
}

#[test]
fn parses_what_git_sends() {
    let r = parse(
        "capability[]=authtype\ncapability[]=state\nprotocol=https\nhost=git.example.com:8443\n\
         path=org/repo.git\nusername=bob\nwwwauth[]=Basic realm=\"a=b\"\n\
         wwwauth[]=Bearer realm=\"x\"\nstate[]=ignored\nfuture=thing\n\n\
         host=after-blank-line\n",
    );
    assert_eq!(r.protocol.as_deref(), Some("https"));
    assert_eq!(r.host.as_deref(), Some("git.example.com:8443"));
    assert_eq!(r.path.as_deref(), Some("org/repo.git"));
    assert_eq!(r.username.as_deref(), Some("bob"));
    assert_eq!(r.password, None);
    assert_eq!(r.capabilities, ["authtype", "state"]);
    assert_eq!(r.wwwauth, ["Basic realm=\"a=b\"", "Bearer realm=\"x\""]);
    assert!(r.has_capability("authtype"));
}

#[test]
fn crlf_lone_cr_and_last_line() {
    let r = parse("protocol=https\r\nhost=h\r\r\npassword=p=q");
    assert_eq!(r.protocol.as_deref(), Some("https"));
    // Only one trailing CR is stripped.
    assert_eq!(r.host.as_deref(), Some("h\r"));
    // A last line without LF counts; the value keeps its own `=`.
    assert_eq!(exposed(r.password.as_ref()), Some("p=q"));
    // A CR-only line is a blank line after stripping: the request ends there.
    let r = parse("protocol=https\r\n\r\nhost=late\n");
    assert_eq!(r.host, None);
}

#[test]
fn lone_cr_is_never_a_line_break() {
    // CVE-2024-52006: the CR stays inside the host; no password is injected.
    let r = parse("protocol=https\nhost=a\rpassword=x\n");
    assert_eq!(r.host.as_deref(), Some("a\rpassword=x"));
    assert_eq!(r.password, None);
    let r = parse("host=a\rusername=evil\rhost=b\n");
    assert_eq!(r.username, None);
    assert_eq!(r.host.as_deref(), Some("a\rusername=evil\rhost=b"));
}

#[test]
fn repeated_keys_last_wins_and_empty_values() {
    let r = parse("host=a\nhost=b\nusername=\n=orphan\n");
    assert_eq!(r.host.as_deref(), Some("b"));
    assert_eq!(r.username.as_deref(), Some(""));
    assert_eq!(parse(""), Request::default());
    assert_eq!(parse("\n"), Request::default());
}

#[test]
fn refuses_nul_non_utf8_and_lines_without_equals() {
    for bad in [
        &b"protocol=https\nhost=a\0b\n"[..],
        b"host=\xff\xfe\n",
        b"protocol=https\njunk\n",
    ] {
        let e = parse_request(bad).unwrap_err();
        assert_eq!(e.exit_code(), 1);
        // The message names the line, never its contents.
        assert!(e.to_string().contains("line"), "{e}");
    }
    let e = parse_request(b"password=hunter2\nhunter2-line\n").unwrap_err();
    assert!(!e.to_string().contains("hunter2"), "{e}");
    // Past the blank line nothing is read, as in git.
    assert!(parse_request(b"host=a\n\n\0\xff junk").is_ok());
}

#[test]
fn oversized_input_is_refused() {
    let mut big = b"protocol=https\nhost=".to_vec();
    big.resize(usize::try_from(MAX_REQUEST).unwrap() + 1, b'a');
    let e = read_request(&big[..]).unwrap_err();
    assert!(e.to_string().contains("larger than"), "{e}");
    big.truncate(usize::try_from(MAX_REQUEST).unwrap());
    let r = read_request(&big[..]).unwrap();
    assert_eq!(
        r.host.map(|h| h.len()),
        Some(usize::try_from(MAX_REQUEST).unwrap() - 20)
    );
}

#[test]
fn debug_redacts_secrets() {
    let r = parse("password=hunter2-secret-value\ncredential=eyJsecret-bearer-value\nhost=h\n");
    let d = format!("{r:?}");
    assert!(
        !d.contains("hunter2-secret-value") && !d.contains("secret-bearer"),
        "{d}"
    );
    // The rest is shown, the two token-holding attributes as REDACTED.
    assert!(d.contains("host: Some(\"h\")"), "{d}");
    assert_eq!(d.matches("Some(REDACTED)").count(), 2, "{d}");
}

#[test]
fn basic_answer_round_trips() {
    let out = get("protocol=https\nhost=git.example.com\n", &policy()).unwrap();
    assert_eq!(out, BASIC);
    // What git reads back is what was meant: the same parser sees it.
    let back = parse(&out);
    assert_eq!(back.username.as_deref(), Some("x-access-token"));
    assert_eq!(exposed(back.password.as_ref()), Some(TOKEN));
    assert!(!out.contains("url="));
}

#[test]
fn basic_answer_keeps_the_requested_username() {
    let out = get("protocol=https\nhost=h\nusername=alice\n", &policy()).unwrap();
    assert!(out.starts_with("username=alice\npassword="), "{out}");
    // An empty requested username falls back to the profile's.
    let p = Policy {
        username: "bot",
        ..policy()
    };
    let out = get("protocol=https\nhost=h\nusername=\n", &p).unwrap();
    assert!(out.starts_with("username=bot\n"), "{out}");
}

#[test]
fn bearer_needs_the_capability_and_an_offer() {
    let p = policy();
    let both = "capability[]=authtype\nprotocol=https\nhost=h\nwwwauth[]=Bearer realm=\"x\"\n";
    let out = get(both, &p).unwrap();
    assert_eq!(out, BEARER);
    let back = parse(&out);
    assert_eq!(exposed(back.credential.as_ref()), Some(TOKEN));
    assert_eq!(back.authtype.as_deref(), Some("Bearer"));
    assert_eq!(back.password, None);
    // Capability but a Basic-only server (git 2.47 always sends the capability).
    let basic_srv = "capability[]=authtype\nprotocol=https\nhost=h\nwwwauth[]=Basic realm=\"x\"\n";
    assert_eq!(get(basic_srv, &p).unwrap(), BASIC);
    // Capability and no challenge at all (proactive auth): Basic.
    assert_eq!(
        get("capability[]=authtype\nprotocol=https\nhost=h\n", &p).unwrap(),
        BASIC
    );
    // A Bearer offer but an older git without the capability: Basic.
    let old_git = "protocol=https\nhost=h\nwwwauth[]=Bearer\n";
    assert_eq!(get(old_git, &p).unwrap(), BASIC);
    // Scheme names are case-insensitive; several challenges in one header.
    for w in [
        "bearer",
        "BEARER realm=\"x\"",
        "Basic realm=\"a\", Bearer realm=\"b\"",
        "Negotiate, Bearer",
    ] {
        let r = format!("capability[]=authtype\nprotocol=https\nhost=h\nwwwauth[]={w}\n");
        assert_eq!(get(&r, &p).unwrap(), BEARER, "{w}");
    }
    for w in [
        "Basic realm=\"Bearer x\"",
        "Basic realm=\"a, Bearer b\"",
        "Basic bearer=1",
        "Bearerish",
        "",
    ] {
        let r = format!("capability[]=authtype\nprotocol=https\nhost=h\nwwwauth[]={w}\n");
        assert_eq!(get(&r, &p).unwrap(), BASIC, "{w}");
    }
}

#[test]
fn git_auth_forces_a_form() {
    let bearer = Policy {
        git_auth: GitAuth::Bearer,
        ..policy()
    };
    let basic = Policy {
        git_auth: GitAuth::Basic,
        ..policy()
    };
    let capable = "capability[]=authtype\nprotocol=https\nhost=h\n";
    let offered = "capability[]=authtype\nprotocol=https\nhost=h\nwwwauth[]=Bearer\n";
    assert_eq!(get(capable, &bearer).unwrap(), BEARER);
    assert_eq!(get(offered, &basic).unwrap(), BASIC);
    // Without the capability git cannot take Bearer, whatever the profile says.
    assert_eq!(get("protocol=https\nhost=h\n", &bearer).unwrap(), BASIC);
}

#[test]
fn no_answer_for_cert_other_protocols_or_missing_fields() {
    let p = policy();
    for r in [
        "protocol=cert\npath=/home/u/cert.pem\n",
        "protocol=cert\nhost=h\n",
        "protocol=smtp\nhost=smtp.example.com\n",
        "host=h\n",
        "protocol=https\n",
        "protocol=https\nhost=\n",
        // No host[:port]: nothing to match, even without git_hosts.
        "protocol=https\nhost=h:0\n",
        "protocol=https\nhost=h:\n",
        "protocol=https\nhost=ünï.example\n",
        "protocol=https\nhost=a@h\n",
        "protocol=https\nhost=[zz::1]\n",
    ] {
        assert_eq!(get(r, &p), None, "{r}");
        assert!(skip_reason(&parse(r), &p).is_some());
    }
    assert!(get("protocol=HTTPS\nhost=h\n", &p).is_some());
}

#[test]
fn plain_http_only_for_loopback_or_listed_hosts() {
    let p = policy();
    assert!(get("protocol=http\nhost=127.0.0.1:8080\n", &p).is_some());
    assert!(get("protocol=http\nhost=localhost\n", &p).is_some());
    assert!(get("protocol=http\nhost=[::1]:80\n", &p).is_some());
    assert_eq!(get("protocol=http\nhost=git.example.com\n", &p), None);
    // An entry without a scheme means https: it does not allow plain http
    // (DESIGN §5).
    let hosts = vec!["git.example.com".to_string()];
    let listed = Policy {
        git_hosts: Some(&hosts),
        ..policy()
    };
    assert_eq!(get("protocol=http\nhost=git.example.com\n", &listed), None);
    assert!(get("protocol=https\nhost=git.example.com\n", &listed).is_some());
    // An entry written http://host[:port] does, and only plain http.
    let hosts = vec!["http://git.example.com".to_string()];
    let http = Policy {
        git_hosts: Some(&hosts),
        ..policy()
    };
    assert!(get("protocol=http\nhost=git.example.com\n", &http).is_some());
    assert!(get("protocol=http\nhost=git.example.com:80\n", &http).is_some());
    assert_eq!(
        get("protocol=http\nhost=git.example.com:8080\n", &http),
        None
    );
    assert_eq!(get("protocol=https\nhost=git.example.com\n", &http), None);
    // Loopback with a list: a scheme-less entry covers it, port rule included.
    let hosts = vec!["127.0.0.1:8080".to_string(), "localhost".to_string()];
    let local = Policy {
        git_hosts: Some(&hosts),
        ..policy()
    };
    assert!(get("protocol=http\nhost=127.0.0.1:8080\n", &local).is_some());
    assert!(get("protocol=http\nhost=localhost\n", &local).is_some());
    assert_eq!(get("protocol=http\nhost=127.0.0.1:9090\n", &local), None);
    assert_eq!(get("protocol=http\nhost=localhost:8080\n", &local), None);
    // The reasons say what to write.
    let why = skip_reason(&parse("protocol=http\nhost=Git.Example.com:8080\n"), &p).unwrap();
    assert!(why.contains("\"http://git.example.com:8080\""), "{why}");
    let why = skip_reason(&parse("protocol=http\nhost=git.example.com\n"), &listed).unwrap();
    assert!(why.contains("http://host[:port]"), "{why}");
}

#[test]
fn git_hosts_limit_the_answer() {
    let hosts = vec![
        "Git.Example.com".to_string(),
        "*.corp.example".to_string(),
        "pinned.example:8443".to_string(),
        "[::1]".to_string(),
    ];
    let p = Policy {
        git_hosts: Some(&hosts),
        ..policy()
    };
    let yes = [
        "git.example.com",
        "GIT.EXAMPLE.COM",
        "git.example.com:443",
        "git.example.com.",
        "a.corp.example",
        "a.b.corp.example:443",
        "pinned.example:8443",
        "[::1]",
        "[::1]:443",
        "[0:0::1]",
    ];
    let no = [
        "example.com",
        "evil-git.example.com",
        "git.example.com.evil",
        "corp.example",
        "acorp.example",
        "pinned.example",
        "pinned.example:443",
        "ünïcode.example",
        "[::2]",
        // An entry without a port covers only 443.
        "git.example.com:8443",
        "a.b.corp.example:99",
        "[::1]:8080",
        // No host[:port] at all.
        "git.example.com:",
        "git.example.com:0",
        "git.example.com:99999",
        "git..example.com",
        "user@git.example.com",
    ];
    for h in yes {
        let r = format!("protocol=https\nhost={h}\n");
        assert!(get(&r, &p).is_some(), "{h} should be answered");
    }
    for h in no {
        let r = format!("protocol=https\nhost={h}\n");
        assert_eq!(get(&r, &p), None, "{h} must not be answered");
    }
    let none: Vec<String> = Vec::new();
    let empty = Policy {
        git_hosts: Some(&none),
        ..policy()
    };
    assert_eq!(get("protocol=https\nhost=h\n", &empty), None);
}

#[test]
fn refuses_values_git_would_misparse() {
    for bad in ["tok\nen", "tok\0en", "tok\ren"] {
        let t = Token {
            clock_skew: None,
            access_token: bad.into(),
            ..token()
        };
        let r = parse("protocol=https\nhost=h\n");
        assert!(answer(&r, &t, &policy()).is_err(), "{bad:?}");
    }
    // A requested username cannot carry one (the parser split on LF), but a
    // CR can reach it: refused rather than echoed.
    let r = parse("protocol=https\nhost=h\nusername=a\rpassword=x\n");
    assert!(answer(&r, &token(), &policy()).is_err());
}

#[test]
fn unknown_action_and_store_need_no_config_or_input() {
    // A reader that fails proves the input is never read.
    struct Unreadable;
    impl Read for Unreadable {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("must not be read"))
        }
    }
    // A selection that cannot be resolved, as with a config path that
    // does not exist.
    let broken = Broken("config file /nonexistent/cytoken.toml does not exist");
    let env = Env::fixed(&[]);
    for action in ["capability", "list", "store", "approve"] {
        let mut out = Vec::new();
        let status = run(Call {
            action,
            input: &mut Unreadable,
            env: &env,
            at_terminal: || false,
            profile: &broken,
            out: &mut out,
        });
        assert_eq!(status.unwrap(), 0, "{action}");
        assert!(out.is_empty());
    }
    // get reads the request first: a bad request fails before the config.
    let (status, out) = testing::run(run, "get", b"junk\n", &env, &broken);
    let e = status.unwrap_err();
    assert!(e.to_string().contains("key=value"), "{e}");
    assert!(out.is_empty());
    // A request this profile never answers still needs the selection (its
    // git_hosts); a broken selection is an error with nothing on stdout.
    let (status, out) = testing::run(run, "get", b"protocol=https\nhost=h\n", &env, &broken);
    assert_eq!(status.unwrap_err().exit_code(), 2);
    assert!(out.is_empty());
}

/// Runs the helper for `action` on `request` against a fake token source.
fn with_fake(fake: &Fake, action: &str, request: &str) -> String {
    let sel = testing::selection();
    let profile = Given {
        sel: &sel,
        source: fake,
    };
    let (status, out) = testing::run(run, action, request.as_bytes(), &Env::fixed(&[]), &profile);
    assert_eq!(status.unwrap(), 0, "{action}: {request}");
    out
}

#[test]
fn get_answers_the_source_token() {
    let fake = Fake::default();
    let out = with_fake(&fake, "get", "protocol=https\nhost=git.example.com\n");
    assert_eq!(
        out,
        "username=x-access-token\npassword=tok-1\npassword_expiry_utc=2000001500\n"
    );
    assert_eq!(*fake.asked.borrow(), [Asked::Token]);
    // A request this profile does not answer never asks for a token.
    let out = with_fake(&fake, "fill", "protocol=smtp\nhost=mail.example.com\n");
    assert_eq!(out, "");
    assert_eq!(fake.asked.borrow().len(), 1);
}

#[test]
fn erase_invalidates_only_the_token_git_sends() {
    let fake = Fake::default();
    // An erase naming another token leaves the current one in place.
    let out = with_fake(&fake, "erase", "protocol=https\nhost=h\npassword=tok-old\n");
    assert_eq!(out, "");
    assert_eq!(*fake.asked.borrow(), [Asked::Invalidate("tok-old".into())]);
    assert_eq!(fake.current(), "tok-1");
    // The credential, then the password, is offered until one was current.
    let out = with_fake(
        &fake,
        "reject",
        "protocol=https\nhost=h\ncredential=tok-1\npassword=tok-1\n",
    );
    assert_eq!(out, "");
    assert_eq!(
        fake.asked.borrow()[1..],
        [Asked::Invalidate("tok-1".into())]
    );
    assert_eq!(fake.current(), "tok-2");
    // An erase for a host this profile does not answer touches nothing.
    with_fake(
        &fake,
        "erase",
        "protocol=https\nhost=h:99999\npassword=tok-2\n",
    );
    assert_eq!(fake.asked.borrow().len(), 2);
    // A failing source is an error, with nothing on stdout.
    let failing = Fake::failing("no secret");
    let sel = testing::selection();
    let profile = Given {
        sel: &sel,
        source: &failing,
    };
    let (status, out) = testing::run(
        run,
        "get",
        b"protocol=https\nhost=h\n",
        &Env::fixed(&[]),
        &profile,
    );
    assert_eq!(status.unwrap_err().to_string(), "no secret");
    assert_eq!(out, "");
}
