//! Real kubectl, end to end: `kubectl get --raw /version` against the
//! emulator's Kubernetes API stand-in over TLS (its own CA; client-go sends
//! credentials only over https), which accepts only access tokens the
//! emulator minted, with cytoken as the kubeconfig's exec credential plugin.
//!
//! kubectl must be installed (`.ci/run` installs it): these tests fail, never
//! skip, without it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use cytoken_emulator::kube::KubeRequest;

use crate::support::*;

const V1: &str = "client.authentication.k8s.io/v1";
const V1BETA1: &str = "client.authentication.k8s.io/v1beta1";

/// Longest one kubectl run may take before the test kills it and fails.
const KUBECTL_DEADLINE: Duration = Duration::from_secs(20);

/// The emulator over TLS (its own CA; client-go sends credentials only over
/// https) with its Kubernetes API stand-in, which accepts only access tokens
/// it minted and still holds valid; each request it answered is recorded.
struct ApiStandIn {
    /// The CA's certificate, where cytoken's `SSL_CERT_FILE` points.
    ca_file: PathBuf,
    ca_pem: String,
    seen: Arc<Mutex<Vec<KubeRequest>>>,
}

impl ApiStandIn {
    /// A sandbox whose emulator is https, and the record of its stand-in.
    fn start() -> (Sandbox, ApiStandIn) {
        let emu = Emulator::start_https_on("127.0.0.1:0").unwrap();
        emu.register_app(TENANT, APP, SECRET);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        emu.on_kube_request(move |r| record.lock().unwrap().push(r.clone()));
        let sb = Sandbox {
            home: tempfile::tempdir().unwrap(),
            emu,
        };
        let ca_pem = sb.emu.ca_pem().unwrap().to_string();
        let ca_file = sb.home.path().join("ca.pem");
        write_file(&ca_file, &ca_pem, 0o600);
        let api = ApiStandIn {
            ca_file,
            ca_pem,
            seen,
        };
        (sb, api)
    }

    fn seen(&self) -> Vec<KubeRequest> {
        self.seen.lock().unwrap().clone()
    }

    fn count(&self, status: u16) -> usize {
        self.seen().iter().filter(|s| s.status == status).count()
    }
}

/// A kubeconfig whose one user runs the built cytoken as its exec plugin in
/// `api_version`, with the sandbox's environment-only selection.
fn write_kubeconfig(sb: &Sandbox, api: &ApiStandIn, api_version: &str) -> PathBuf {
    let ca = base64::engine::general_purpose::STANDARD.encode(&api.ca_pem);
    // v1 requires interactiveMode; Never, because a plugin in a pipeline must
    // never wait for a terminal.
    let interactive = if api_version == V1 {
        "      interactiveMode: Never\n"
    } else {
        ""
    };
    let text = format!(
        "apiVersion: v1
kind: Config
clusters:
- name: stand-in
  cluster:
    server: {server}
    certificate-authority-data: {ca}
users:
- name: cylance
  user:
    exec:
      apiVersion: {api_version}
      command: {cytoken}
      args: [exec-credential]
      env:
      - name: CYTOKEN_TENANT_ID
        value: {TENANT}
      - name: CYTOKEN_APP_ID
        value: {APP}
      - name: CYTOKEN_APP_SECRET
        value: {SECRET}
      - name: CYTOKEN_AUTH_URL
        value: {auth_url}
      - name: SSL_CERT_FILE
        value: {ca_file}
{interactive}contexts:
- name: stand-in
  context:
    cluster: stand-in
    user: cylance
current-context: stand-in
",
        server = sb.emu.origin(),
        cytoken = env!("CARGO_BIN_EXE_cytoken"),
        auth_url = sb.emu.url(),
        ca_file = api.ca_file.display(),
    );
    let dir = sb.home.path().join(".kube");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!(
        "config-{}",
        api_version.rsplit('/').next().unwrap()
    ));
    write_file(&path, &text, 0o600);
    path
}

/// One kubectl binary the tests run.
pub struct Kubectl {
    pub path: PathBuf,
    /// `gitVersion` of `kubectl version --client`.
    pub version: String,
    /// Google Cloud SDK's `kubectl` is a dispatcher: it first asks the server's
    /// /version itself (with the credential, through client-go), then runs the
    /// bundled kubectl matching the server as a child process.
    dispatcher: bool,
}

/// The kubectl on PATH, and when that is Google Cloud SDK's dispatcher, also the
/// upstream kubectl 1.32 bundled beside it, so client-go's own 401 handling is
/// exercised whichever one a machine has. Panics (fails the test, never skips)
/// when there is no kubectl.
pub fn kubectls() -> Vec<Kubectl> {
    let on_path = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("kubectl"))
        .find(|p| p.is_file())
        .expect(
            "kubectl is not on PATH: the kubectl end-to-end tests need it (.ci/run installs it)",
        );
    let first = kubectl_at(on_path.clone());
    let mut all = vec![];
    if first.dispatcher {
        let bundled = on_path
            .canonicalize()
            .unwrap()
            .with_file_name("kubectl.1.32");
        if bundled.is_file() {
            all.push(kubectl_at(bundled));
        }
    }
    all.insert(0, first);
    all
}

fn kubectl_at(path: PathBuf) -> Kubectl {
    let o = Command::new(&path)
        .args(["version", "--client", "-o", "json"])
        .env_clear()
        .env("HOME", "/nonexistent")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} ({e})", path.display()));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{} version: {e}: {}", path.display(), stderr(&o)));
    let version = v["clientVersion"]["gitVersion"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    eprintln!("kubectl {} at {}", version, path.display());
    Kubectl {
        dispatcher: version.contains("dispatcher"),
        path,
        version,
    }
}

/// Runs the kubectl at `path` with `env` and ARGS, the sandbox's HOME and
/// caches and nothing else of this environment, failing the test if it
/// hangs.
pub fn kubectl(path: &Path, sb: &Sandbox, env: &[(String, String)], args: &[&str]) -> Output {
    let home = sb.home.path();
    let out_path = home.join("kubectl.out");
    let err_path = home.join("kubectl.err");
    let mut child = Command::new(path)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("KUBECACHEDIR", home.join(".kube").join("cache"))
        .envs(env.iter().map(|(k, v)| (k, v)))
        .arg("--request-timeout=10s")
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {} ({e})", path.display()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > KUBECTL_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "kubectl {args:?} ran over {KUBECTL_DEADLINE:?}; stderr: {}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: std::fs::read(&out_path).unwrap(),
        stderr: std::fs::read(&err_path).unwrap(),
    }
}

/// One kubectl against a fresh sandbox, stand-in and kubeconfig.
struct Setup<'k> {
    k: &'k Kubectl,
    sb: Sandbox,
    api: ApiStandIn,
    kubeconfig: PathBuf,
}

impl Setup<'_> {
    fn new<'k>(k: &'k Kubectl, api_version: &str) -> Setup<'k> {
        let (sb, api) = ApiStandIn::start();
        let kubeconfig = write_kubeconfig(&sb, &api, api_version);
        Setup {
            k,
            sb,
            api,
            kubeconfig,
        }
    }

    fn get_version(&self) -> Output {
        let kubeconfig = self.kubeconfig.to_str().unwrap();
        let o = kubectl(
            &self.k.path,
            &self.sb,
            &[],
            &["--kubeconfig", kubeconfig, "get", "--raw", "/version"],
        );
        assert_no_secret(&o);
        assert!(
            !stderr(&o).contains("eyJ"),
            "a token on stderr: {}",
            stderr(&o)
        );
        o
    }

    /// `kubectl get --raw /version` succeeds and prints the stand-in's version.
    #[track_caller]
    fn get_version_ok(&self) {
        let o = self.get_version();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}\nstdout: {}\nstderr: {}\nAPI requests: {:?}",
            self.k.version,
            stdout(&o),
            stderr(&o),
            self.api.seen()
        );
        assert!(
            stdout(&o).contains(r#""gitVersion":"v1.32.0""#),
            "{}",
            stdout(&o)
        );
    }

    /// API requests per kubectl run: the dispatcher asks /version first.
    fn per_run(&self) -> usize {
        if self.k.dispatcher { 2 } else { 1 }
    }
}

fn three_calls_one_exchange(api_version: &str) {
    for k in kubectls() {
        let t = Setup::new(&k, api_version);
        for _ in 0..3 {
            t.get_version_ok();
        }
        assert_eq!(t.sb.emu.requests(), 1, "exchanges, {}", k.version);
        let seen = t.api.seen();
        assert_eq!(seen.len(), 3 * t.per_run(), "{}: {seen:?}", k.version);
        assert!(
            seen.iter()
                .all(|s| s.path.starts_with("/version") && s.status == 200),
            "{seen:?}"
        );
        // Every kubectl run got the one cached token.
        assert!(seen.iter().all(|s| s.token == seen[0].token), "{seen:?}");
    }
}

#[test]
fn kubectl_v1_three_calls_one_exchange() {
    three_calls_one_exchange(V1);
}

#[test]
fn kubectl_v1beta1_three_calls_one_exchange() {
    three_calls_one_exchange(V1BETA1);
}

/// The server rejects the cached token. client-go re-runs the plugin once after
/// the 401, with identical input; cytoken recognises the re-ask from the same
/// kubectl process and mints a replacement (one more exchange), which every
/// later kubectl gets from the cache.
///
/// Upstream client-go does not retry the request that got the 401, so that one
/// kubectl command fails ("You must be logged in") and the next succeeds. Google
/// Cloud SDK's dispatcher meets the 401 on its own /version probe, so the
/// command it then runs already gets the replacement and succeeds.
fn rejected_token_is_replaced(api_version: &str) {
    for k in kubectls() {
        let t = Setup::new(&k, api_version);
        t.get_version_ok();
        assert_eq!(t.sb.emu.requests(), 1);
        let first = t.api.seen()[0].token.clone().unwrap();
        t.sb.emu.revoke(&first);

        let o = t.get_version();
        let seen = t.api.seen();
        assert_eq!(t.sb.emu.requests(), 2, "exchanges, {}: {seen:?}", k.version);
        assert_eq!(t.api.count(401), 1, "{}: {seen:?}", k.version);
        let rejected = seen.iter().find(|s| s.status == 401).unwrap();
        assert_eq!(rejected.token.as_deref(), Some(first.as_str()));
        if k.dispatcher {
            assert_status(&o, 0);
            assert_eq!(seen.len(), 2 * t.per_run(), "{seen:?}");
        } else {
            assert_status(&o, 1);
            assert!(stderr(&o).contains("Unauthorized"), "{}", stderr(&o));
            t.get_version_ok();
        }
        let seen = t.api.seen();
        let last = seen.last().unwrap();
        assert_eq!(last.status, 200, "{seen:?}");
        let second = last.token.clone().unwrap();
        assert_ne!(second, first);

        // The replacement is cached for the next kubectl: no more exchanges.
        t.get_version_ok();
        assert_eq!(t.sb.emu.requests(), 2, "exchanges, {}", k.version);
        let seen = t.api.seen();
        assert_eq!(seen.last().unwrap().token.as_deref(), Some(second.as_str()));
        assert_eq!(t.api.count(401), 1, "{seen:?}");
        // The hand-out log (a line per kubectl process) holds no token.
        let log =
            t.sb.cache_files()
                .into_iter()
                .find(|f| f.extension().is_some_and(|e| e == "kube"))
                .expect("a hand-out log");
        let log = std::fs::read_to_string(&log).unwrap();
        assert!(!log.is_empty());
        assert!(!log.contains(&first) && !log.contains(&second));
    }
}

#[test]
fn kubectl_v1_rejected_token_is_replaced() {
    rejected_token_is_replaced(V1);
}

#[test]
fn kubectl_v1beta1_rejected_token_is_replaced() {
    rejected_token_is_replaced(V1BETA1);
}

/// A plugin failure reaches the kubectl user as cytoken's one-line reason, and
/// kubectl sends no request without a credential.
#[test]
fn kubectl_shows_the_plugin_error() {
    for k in kubectls() {
        let t = Setup::new(&k, V1);
        t.sb.emu.register_app(TENANT, APP, "another secret");
        let o = t.get_version();
        assert_ne!(o.status.code(), Some(0));
        assert!(stderr(&o).contains("cytoken: error:"), "{}", stderr(&o));
        assert!(t.api.seen().is_empty(), "{:?}", t.api.seen());
    }
}
