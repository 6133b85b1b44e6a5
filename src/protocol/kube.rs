//! client-go / kubectl exec credential plugin (`cytoken exec-credential`): reads
//! `KUBERNETES_EXEC_INFO`, asks its token source for a token for the calling kubectl,
//! and answers one `ExecCredential` object in the apiVersion it was asked in.
//!
//! kubectl keeps the credential only in memory and runs the plugin again for every
//! command, and once more (with identical input) after the API server answered
//! 401. The plugin cannot see the 401, so it recognises the re-ask instead: the
//! broker remembers which parent process it handed which token to (see
//! [`crate::source::TokenSource::token_for_parent`]).

use serde::Serialize;
use serde_json::Value;

use super::Call;
use crate::clock::rfc3339;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::output::out;
use crate::platform;
use crate::protocol::MAX_REQUEST;
use crate::source::{Parent, Token};

const V1: &str = "client.authentication.k8s.io/v1";
const V1BETA1: &str = "client.authentication.k8s.io/v1beta1";

/// The ExecCredential apiVersions cytoken speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    V1,
    V1beta1,
}

impl ApiVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => V1,
            ApiVersion::V1beta1 => V1BETA1,
        }
    }
}

/// Runs the plugin (the front-end signature, [`super::Run`]): its request is
/// `KUBERNETES_EXEC_INFO` in `call.env`; it takes no action and reads no
/// stdin. Writes the credential to `call.out` only once the token is in hand,
/// so every error leaves stdout empty (client-go discards it anyway on a
/// non-zero exit, and shows stderr to the user).
pub(crate) fn run(call: Call<'_>) -> Result<i32> {
    let Call {
        env,
        at_terminal,
        profile,
        out: w,
        ..
    } = call;
    // The request is checked before anything else, so a misconfigured kubeconfig
    // is reported as such without reading a secret or touching the network.
    let exec_info = exec_info(env)?;
    let api = parse_exec_info(exec_info.as_deref())?;
    let tokens = profile.tokens()?;
    // client-go always sets KUBERNETES_EXEC_INFO (even in interactive mode,
    // where stdin and stderr are the user's terminal). Without it, on a
    // terminal, a person is typing `cytoken exec-credential`: a second call
    // is not kubectl re-asking after a 401, so the re-ask rule does not apply.
    let by_hand = exec_info.is_none() && at_terminal();
    let token = if by_hand {
        crate::diag::log(
            1,
            "exec-credential: run from a terminal, so a repeated call is not taken as \
             kubectl re-asking after a 401",
        );
        tokens.token()?
    } else {
        tokens.token_for_parent(parent())?
    };
    let answer = credential(api, &token)?;
    out(w, format_args!("{answer}\n"))
}

/// `KUBERNETES_EXEC_INFO`, `None` when unset.
fn exec_info(env: &Env) -> Result<Option<String>> {
    env.get_os("KUBERNETES_EXEC_INFO")
        .map(|v| {
            v.into_string().map_err(|_| {
                Error::usage(
                    "KUBERNETES_EXEC_INFO is not valid UTF-8: it must be the ExecCredential \
                     JSON client-go sends",
                )
            })
        })
        .transpose()
}

/// The apiVersion to answer in. Absent variable: v1beta1, the version
/// client-go assumed before it always set the variable.
pub fn parse_exec_info(exec_info: Option<&str>) -> Result<ApiVersion> {
    let Some(text) = exec_info else {
        return Ok(ApiVersion::V1beta1);
    };
    if text.len() as u64 > MAX_REQUEST {
        // Bounded like every front-end's request: client-go's is a few hundred
        // bytes (a few KiB with cluster info), so more is not a request.
        return Err(Error::usage(format!(
            "KUBERNETES_EXEC_INFO is {} bytes, over the {} byte limit; it should hold \
             client-go's small ExecCredential request",
            text.len(),
            MAX_REQUEST
        )));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Error::usage(format!(
            "KUBERNETES_EXEC_INFO is not valid JSON ({e}); exec-credential is meant to be \
             run by kubectl, which sets it"
        ))
    })?;
    let Some(obj) = value.as_object() else {
        return Err(Error::usage(
            "KUBERNETES_EXEC_INFO is not a JSON object; expected client-go's ExecCredential \
             request",
        ));
    };
    match obj.get("kind") {
        Some(Value::String(k)) if k == "ExecCredential" => {}
        other => {
            return Err(Error::usage(format!(
                "KUBERNETES_EXEC_INFO has {}, expected \"ExecCredential\"",
                shown("kind", other)
            )));
        }
    }
    match obj.get("apiVersion") {
        Some(Value::String(v)) if v == V1 => Ok(ApiVersion::V1),
        Some(Value::String(v)) if v == V1BETA1 => Ok(ApiVersion::V1beta1),
        other => Err(Error::usage(format!(
            "KUBERNETES_EXEC_INFO has {}; cytoken supports {V1} and {V1BETA1}: set \
             one of them as the apiVersion of the kubeconfig's exec section",
            shown("apiVersion", other)
        ))),
    }
}

/// A request field for an error message: JSON-quoted (so control characters are
/// escaped) and cut short, since the request is not ours to echo at length.
fn shown(name: &str, v: Option<&Value>) -> String {
    let Some(v) = v else {
        return format!("no \"{name}\"");
    };
    // JSON escapes only U+0000–001F: DEL and the C1 controls (U+009B starts an
    // escape sequence on some terminals) are escaped here too.
    let s: String = v
        .to_string()
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    if s.chars().count() > 64 {
        format!("{name} {}…", s.chars().take(64).collect::<String>())
    } else {
        format!("{name} {s}")
    }
}

#[derive(Serialize)]
struct ExecCredential<'a> {
    kind: &'static str,
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    status: Status<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Status<'a> {
    token: &'a str,
    expiration_timestamp: String,
}

/// The answer, one line of JSON. The timestamp is when cytoken itself stops
/// handing the token out (expiry − refresh margin), so client-go asks again in
/// time to get a fresh token rather than sending one about to expire.
pub fn credential(api: ApiVersion, token: &Token) -> Result<String> {
    let cred = ExecCredential {
        kind: "ExecCredential",
        api_version: api.as_str(),
        status: Status {
            token: token.access_token.expose(),
            expiration_timestamp: rfc3339(token.refresh_at),
        },
    };
    serde_json::to_string(&cred)
        .map_err(|e| Error::other(format!("cannot encode the ExecCredential: {e}")))
}

/// The calling process: kubectl runs the plugin as its direct child.
fn parent() -> Parent {
    let (pid, started) = platform::parent_process();
    Parent { pid, started }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::{Broker, CacheUse};
    use crate::config::Selection;
    use crate::protocol::testing::{self, Broken, Given};
    use crate::source::fake::{Asked, Fake};
    use cytoken_emulator::Emulator;

    fn token() -> Token {
        Token {
            clock_skew: None,
            access_token: "eyJhbGciOiJIUzI1NiJ9.e30.sig".into(),
            expires_at: 1_700_001_800,
            refresh_at: 1_700_001_500,
            cached: true,
        }
    }

    #[test]
    fn api_version_is_echoed() {
        for (v, api) in [(V1, ApiVersion::V1), (V1BETA1, ApiVersion::V1beta1)] {
            let info = format!(
                r#"{{"kind":"ExecCredential","apiVersion":"{v}","spec":{{"interactive":false}}}}"#
            );
            assert_eq!(parse_exec_info(Some(&info)).unwrap(), api);
            let out: Value = serde_json::from_str(&credential(api, &token()).unwrap()).unwrap();
            assert_eq!(out["apiVersion"], v);
        }
    }

    #[test]
    fn absent_variable_means_v1beta1() {
        assert_eq!(parse_exec_info(None).unwrap(), ApiVersion::V1beta1);
    }

    #[test]
    fn bad_requests_are_usage_errors() {
        let big = format!(
            r#"{{"kind":"ExecCredential","apiVersion":"{V1}","pad":"{}"}}"#,
            "x".repeat(usize::try_from(MAX_REQUEST).unwrap())
        );
        for (info, says) in [
            ("", "not valid JSON"),
            ("kind: ExecCredential", "not valid JSON"),
            (r#"{"kind":"ExecCredential""#, "not valid JSON"),
            (r#"["ExecCredential"]"#, "not a JSON object"),
            (
                r#"{"kind":"Pod","apiVersion":"client.authentication.k8s.io/v1"}"#,
                r#"kind "Pod""#,
            ),
            (
                r#"{"apiVersion":"client.authentication.k8s.io/v1"}"#,
                r#"no "kind""#,
            ),
            (r#"{"kind":"ExecCredential"}"#, r#"no "apiVersion""#),
            (
                r#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1alpha1"}"#,
                "v1alpha1",
            ),
            (
                r#"{"kind":"ExecCredential","apiVersion":1}"#,
                "apiVersion 1;",
            ),
            (&big, "over the 1048576 byte limit"),
        ] {
            let e = parse_exec_info(Some(info)).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{info:.80}: {e}");
            let msg = e.to_string();
            assert!(msg.contains(says), "{info:.80}: {msg}");
            assert!(!msg.contains('\n'), "one line: {msg}");
            assert!(msg.len() < 300, "short: {msg}");
        }
    }

    #[test]
    fn output_shape() {
        let text = credential(ApiVersion::V1, &token()).unwrap();
        assert_eq!(
            text,
            format!(
                r#"{{"kind":"ExecCredential","apiVersion":"{V1}","status":{{"token":"eyJhbGciOiJIUzI1NiJ9.e30.sig","expirationTimestamp":"2023-11-14T22:38:20Z"}}}}"#
            )
        );
        // The timestamp is refresh_at (expiry − margin), not the expiry.
        assert_eq!(rfc3339(1_700_001_500), "2023-11-14T22:38:20Z");
        assert!(!text.contains('\n'));
    }

    #[test]
    fn the_parent_is_our_parent_with_a_stable_start_time() {
        let p = parent();
        assert_eq!(p.pid, crate::platform::testing::parent_pid());
        if cfg!(target_os = "linux") {
            assert!(p.started.is_some());
        }
        assert_eq!(p, parent());
    }

    /// Runs the plugin with `KUBERNETES_EXEC_INFO` set to `info` (unset for
    /// `None`), at a terminal or not, against `fake`.
    fn exec_credential(fake: &Fake, info: Option<&str>, at_terminal: bool) -> Result<String> {
        let sel = testing::selection();
        let profile = Given {
            sel: &sel,
            source: fake,
        };
        let vars: Vec<(&str, &str)> = info
            .map(|v| ("KUBERNETES_EXEC_INFO", v))
            .into_iter()
            .collect();
        let mut out = Vec::new();
        run(Call {
            action: "",
            input: &mut &b""[..],
            env: &Env::fixed(&vars),
            at_terminal: if at_terminal { || true } else { || false },
            profile: &profile,
            out: &mut out,
        })?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn a_repeated_ask_goes_to_the_source_as_a_reask_by_the_parent() {
        let fake = Fake::default();
        let info = format!(r#"{{"kind":"ExecCredential","apiVersion":"{V1}"}}"#);
        let first = exec_credential(&fake, Some(&info), true).unwrap();
        assert!(first.contains(r#""token":"tok-1""#), "{first}");
        assert!(first.contains(V1) && first.ends_with("}\n"), "{first}");
        // kubectl runs the plugin again after a 401: the same parent asks,
        // and the source replaces the token it was handed.
        let second = exec_credential(&fake, Some(&info), true).unwrap();
        assert!(second.contains(r#""token":"tok-2""#), "{second}");
        assert_eq!(
            *fake.asked.borrow(),
            [
                Asked::TokenForParent(parent()),
                Asked::TokenForParent(parent())
            ]
        );
        // Without the variable, not at a terminal, it is still kubectl (an
        // old client-go): the re-ask rule applies, in v1beta1.
        let old = exec_credential(&fake, None, false).unwrap();
        assert!(old.contains(V1BETA1) && old.contains("tok-3"), "{old}");
        assert_eq!(fake.asked.borrow().len(), 3);
    }

    #[test]
    fn by_hand_at_a_terminal_asks_for_a_plain_token() {
        let fake = Fake::default();
        for _ in 0..2 {
            let out = exec_credential(&fake, None, true).unwrap();
            assert!(out.contains(r#""token":"tok-1""#), "{out}");
        }
        assert_eq!(*fake.asked.borrow(), [Asked::Token, Asked::Token]);
    }

    #[test]
    fn a_bad_request_is_refused_before_the_profile_is_read() {
        let vars = [("KUBERNETES_EXEC_INFO", "{}")];
        let (status, out) = testing::run(
            run,
            "",
            b"",
            &Env::fixed(&vars),
            &Broken("the config must not be read"),
        );
        let e = status.unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains(r#"no "kind""#), "{e}");
        assert!(out.is_empty());
    }

    /// A selection for a fresh cache dir and a fresh loopback emulator.
    fn setup() -> (tempfile::TempDir, Emulator, Selection) {
        let dir = tempfile::tempdir().unwrap();
        let emu = Emulator::start().unwrap();
        emu.register_app("t", "a", "s3cret");
        let sel = Selection::for_test(&emu.url(), &dir.path().join("cache"));
        (dir, emu, sel)
    }

    /// The re-ask rule through the broker, against the loopback emulator.
    #[test]
    fn kube_reask_from_the_same_parent_replaces_the_token() {
        let (dir, emu, sel) = setup();
        let broker = Broker::new(&sel, CacheUse::Use);
        let kubectl = |pid| Parent {
            pid,
            started: Some(42),
        };

        let first = broker.token_for_parent(kubectl(100)).unwrap();
        assert_eq!(emu.requests(), 1);
        // Other kubectl processes get the cached token.
        for pid in 101..104 {
            let t = broker.token_for_parent(kubectl(pid)).unwrap();
            assert_eq!(t.access_token, first.access_token);
        }
        // A recycled pid (another start time) is another process.
        let recycled = Parent {
            pid: 100,
            started: Some(43),
        };
        assert_eq!(
            broker.token_for_parent(recycled).unwrap().access_token,
            first.access_token
        );
        assert_eq!(emu.requests(), 1);
        let log = std::fs::read_dir(dir.path().join("cache"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "kube"))
            .unwrap();
        let log = std::fs::read_to_string(log).unwrap();
        assert_eq!(log.lines().count(), 5, "one record per client: {log}");
        assert!(
            !log.contains(first.access_token.expose()),
            "token in the record"
        );

        // The same process asking again for the token it holds: a 401 re-ask.
        let second = broker.token_for_parent(kubectl(101)).unwrap();
        assert_ne!(second.access_token, first.access_token);
        assert!(!second.cached);
        assert_eq!(emu.requests(), 2);
        // The replacement is cached for everyone else.
        let t = broker.token_for_parent(kubectl(102)).unwrap();
        assert_eq!(t.access_token, second.access_token);
        assert_eq!(emu.requests(), 2);

        // Another process re-asking for the old token finds it already replaced.
        let t = broker.token_for_parent(kubectl(103)).unwrap();
        assert_eq!(t.access_token, second.access_token);
        assert_eq!(emu.requests(), 2);

        // A client that keeps asking for the token minted for its own re-ask is
        // served it: one replacement per client and token, never a mint per call.
        for _ in 0..3 {
            let t = broker.token_for_parent(kubectl(101)).unwrap();
            assert_eq!(t.access_token, second.access_token);
        }
        assert_eq!(emu.requests(), 2);
    }

    #[test]
    fn kube_reask_respects_the_negative_cache() {
        let (_dir, emu, sel) = setup();
        let broker = Broker::new(&sel, CacheUse::Use);
        let p = Parent {
            pid: 7,
            started: None,
        };
        broker.token_for_parent(p).unwrap();
        // The endpoint now refuses: the re-ask fails, and is recorded…
        emu.register_app("t", "a", "rotated");
        let e = broker.token_for_parent(p).unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert_eq!(emu.requests(), 2);
        // …so another re-ask fails fast without a request.
        let e = broker.token_for_parent(p).unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert_eq!(emu.requests(), 2);
    }
}
