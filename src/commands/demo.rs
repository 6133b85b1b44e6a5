//! `cytoken demo`: the whole token flow, offline, against the strict loopback
//! emulator, shown step by step; `demo --serve` keeps that endpoint up for
//! trying git, kubectl and docker wiring by hand.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use cytoken_emulator::Emulator;

use crate::broker::{Broker, CacheUse};
use crate::cache::Cache;
use crate::clock::{self, rfc3339};
use crate::config::{Env, Flags, Selection};
use crate::error::{Context as _, Error, Kind, Result};
use crate::flow::cylance;
use crate::output::{cache_table, out, shell_word};
use crate::platform;
use crate::redact::{SNIPPET_CHARS, redact, sanitize};
use crate::secret::{Secret, SecretSource};

const TENANT: &str = "00000000-0000-4000-8000-0000000000de";
/// Devices the API stand-in lists under `demo --serve`.
const DEMO_DEVICES: usize = 450;
const APP: &str = "11111111-1111-4111-8111-1111111111de";
/// The console app of `demo --serve`'s `mssp` profile, and its tenants.
const CONSOLE_APP: &str = "22222222-2222-4222-8222-2222222222de";
const MSSP_TENANTS: [&str; 3] = [
    "7e000000-0000-4000-8000-0000000000a1",
    "7e000000-0000-4000-8000-0000000000b2",
    "7e000000-0000-4000-8000-0000000000c3",
];

/// Runs the demo; every step's output goes to `w`.
pub(crate) fn run(w: &mut dyn Write) -> Result<i32> {
    let io = |e: std::io::Error| Error::other(format!("demo: {e}"));
    let emu = Emulator::start().map_err(io)?;
    // A throwaway secret and cache, so the demo never touches the user's own.
    let secret = uuid::Uuid::new_v4().simple().to_string();
    emu.register_app(TENANT, APP, &secret);
    let cache_dir = private_dir(None).map_err(io)?;
    let result = steps(w, &emu, &secret, &cache_dir);
    let _ = std::fs::remove_dir_all(&cache_dir);
    result
}

fn steps(
    w: &mut dyn Write,
    emu: &Emulator,
    secret: &str,
    cache_dir: &std::path::Path,
) -> Result<i32> {
    let flags = Flags {
        tenant_id: Some(TENANT.to_string()),
        app_id: Some(APP.to_string()),
        cache_dir: Some(cache_dir.to_path_buf()),
        auth_url: Some(emu.url()),
        scopes: vec!["device:list".into(), "policy:read".into()],
        ..Flags::default()
    };
    // No variables and no config file: the demo never depends on the user's.
    let sel = Selection::resolve_without_file(&flags, Secret::new(secret.into()), &Env::none())?;
    let Some(flow) = sel.flow.cylance() else {
        return Err(Error::other("the demo's selection is not a Cylance one"));
    };

    intro(w, &sel, flow)?;

    let broker = Broker::new(&sel, CacheUse::Use);
    let t = Instant::now();
    let first = broker.token()?;
    out(
        w,
        format_args!(
            "3. exchange: POST {{\"auth_token\": …}} → {{\"access_token\": …}}\n   got {} in {:.1} ms, \
         expires {}; endpoint requests so far: {}\n\n",
            redact(first.access_token.expose()),
            ms(t),
            rfc3339(first.expires_at),
            emu.requests()
        ),
    )?;

    let broker = Broker::new(&sel, CacheUse::Use);
    let t = Instant::now();
    let second = broker.token()?;
    let same = second.access_token == first.access_token;
    out(
        w,
        format_args!(
            "4. second call: served from the cache (cached={}, same token={same}) in {:.3} ms; \
         endpoint requests still: {}\n\n",
            second.cached,
            ms(t),
            emu.requests()
        ),
    )?;

    let accepted = emu.verify_access_token(second.access_token.expose());
    out(
        w,
        format_args!("5. the API accepts the token as Authorization: Bearer: {accepted}\n\n"),
    )?;

    strict_and_listed(w, &sel, cache_dir)?;
    let ok = !first.cached && second.cached && same && accepted && emu.issued() == 1;
    out(
        w,
        format_args!(
            "\n{}\n",
            if ok {
                "demo complete: one exchange, then served from the cache"
            } else {
                "demo FAILED"
            }
        ),
    )?;
    Ok(i32::from(!ok))
}

/// Steps 1 and 2: the selection and the claims of its auth token.
fn intro(w: &mut dyn Write, sel: &Selection, flow: &cylance::Cylance) -> Result<()> {
    out(
        w,
        format_args!(
            "cytoken demo — the whole flow against a strict loopback token endpoint\n\n\
         1. selection\n   endpoint  {}\n   tenant    {}\n   app       {}\n   scopes    {}\n   \
         lifetime  {} s (refresh margin {} s)\n\n",
            flow.auth_url,
            flow.tenant_id,
            flow.app_id,
            flow.scopes.join(", "),
            flow.lifetime,
            sel.cache_policy.refresh_margin
        ),
    )?;

    let now = clock::now();
    let claims = cylance::claims(flow, now);
    out(
        w,
        format_args!(
            "2. auth token: HS256-signed with the app secret; its claims (secret and signature not shown)\n{}\n\n",
            indent(&serde_json::to_string_pretty(&claims).unwrap_or_default())
        ),
    )?;

    Ok(())
}

/// Steps 6 and 7: a wrong secret is refused; the cache as `cache list`
/// shows it.
fn strict_and_listed(
    w: &mut dyn Write,
    sel: &Selection,
    cache_dir: &std::path::Path,
) -> Result<()> {
    let mut wrong = sel.clone();
    wrong.secret = SecretSource::Inline(Secret::new("wrong".into()));
    let rejected = Broker::new(&wrong, CacheUse::Bypass).token();
    let rejected = match rejected {
        Err(e) => format!("exit {}: {e}", e.exit_code()),
        Ok(_) => "accepted (unexpected)".into(),
    };
    out(
        w,
        format_args!(
            "6. the endpoint is strict: a token signed with the wrong secret → {rejected}\n\n"
        ),
    )?;

    out(w, format_args!("7. cache list (never the token)\n"))?;
    let cache = Cache::new(cache_dir);
    let entries = cache.list().context(Kind::Other, ToString::to_string)?;
    out(
        w,
        format_args!("{}\n", indent(&cache_table(&entries, &[], clock::now()))),
    )?;
    Ok(())
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("   {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A fresh private directory for the demo's cache, made now and never
/// there before (mkdtemp-style, exclusive): a name another user could
/// predict (`/tmp/cytoken-demo-cache-$UID`) they could make first, or plant
/// a link at, and so choose where the user's tokens go. It goes in
/// `runtime` (`$XDG_RUNTIME_DIR`) when that is a private directory of the
/// user's, else in the temp dir, which is checked first as any directory
/// cytoken makes something in (DESIGN §5).
fn private_dir(runtime: Option<PathBuf>) -> std::io::Result<PathBuf> {
    new_private_dir(runtime).map(|(path, _)| path)
}

/// [`private_dir`], and the directory held open to make its files in.
fn new_private_dir(runtime: Option<PathBuf>) -> std::io::Result<(PathBuf, platform::Dir)> {
    let base = runtime
        .filter(|d| d.is_absolute() && platform::trusted_dir(d, None).is_ok())
        .unwrap_or_else(std::env::temp_dir);
    let base = std::path::absolute(&base)?;
    let dir = platform::open_parent(&base, None)
        .map_err(|e| std::io::Error::other(format!("{}: {e}", base.display())))?;
    let name = format!("cytoken-demo-{}", uuid::Uuid::new_v4().simple());
    let made = dir.new_private(name.as_ref())?;
    Ok((base.join(name), made))
}

/// Writes the new private file `name` in `dir` (never an existing one, never
/// through a link).
fn write_new(dir: &platform::Dir, name: &str, text: &str) -> std::io::Result<()> {
    let mut f = dir.create_new(name.as_ref())?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// `s` as a TOML basic string (JSON's escapes are TOML's).
fn toml_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// What `demo --serve` made for the user: two fresh private directories of
/// its own, one with the config and the two secrets (and, over https, the
/// CA certificate and a kubeconfig), one for the cache; never the user's
/// config.
struct Served {
    /// The demo app's secret, for the environment-only selection.
    secret: String,
    config: PathBuf,
    cache_dir: PathBuf,
    /// The CA certificate and the kubeconfig, over https.
    https: Option<(PathBuf, PathBuf)>,
}

/// Registers the demo's apps and writes the config that points at them: a
/// `demo` profile (the Cylance flow, the default) and an `mssp` profile
/// (`flow = "mtc"`, the console and its tenants). Each app's secret is
/// random per run and kept in a private file beside the config. Over https
/// the CA's certificate goes there too, as both profiles' `ca_file`, with
/// a kubeconfig ([`kube_files`]).
fn provision(emu: &Emulator, runtime: Option<PathBuf>) -> std::io::Result<Served> {
    let (path, dir) = new_private_dir(runtime.clone())?;
    let cache_dir = private_dir(runtime)?;
    let secret = uuid::Uuid::new_v4().simple().to_string();
    let console_secret = uuid::Uuid::new_v4().simple().to_string();
    emu.register_app(TENANT, APP, &secret);
    emu.register_console_app(CONSOLE_APP, &console_secret, &MSSP_TENANTS);
    emu.set_devices(DEMO_DEVICES);
    write_new(&dir, "demo.secret", &secret)?;
    write_new(&dir, "mssp.secret", &console_secret)?;
    let file = |name: &str| toml_string(&path.join(name).to_string_lossy());
    let https = match emu.ca_pem() {
        Some(ca) => Some(kube_files(emu, ca, &dir, &path, &cache_dir)?),
        None => None,
    };
    let ca_line = if https.is_some() {
        format!("ca_file = {}\n", file(CA_FILE))
    } else {
        String::new()
    };
    let config = format!(
        "# Written by `cytoken demo --serve` for its endpoint on {addr}, with\n\
         # secrets random per run: a profile for the Cylance flow (the default)\n\
         # and one for the multi-tenant console, whose tenants are\n\
         # {tenants}.\n\
         default_profile = \"demo\"\n\n\
         [profiles.demo]\n\
         tenant_id = \"{TENANT}\"\n\
         app_id = \"{APP}\"\n\
         app_secret_file = {demo_secret}\n\
         auth_url = \"{auth}\"\n\
         {ca_line}\n\
         [profiles.mssp]\n\
         flow = \"mtc\"\n\
         app_id = \"{CONSOLE_APP}\"\n\
         app_secret_file = {mssp_secret}\n\
         auth_url = \"{console}\"\n\
         # The tenants' API (in the service, each tenant's Protect region);\n\
         # the console's own token goes to the console only.\n\
         api_url = \"{api}\"\n\
         {ca_line}",
        addr = emu.addr(),
        tenants = MSSP_TENANTS.join(", "),
        demo_secret = file("demo.secret"),
        mssp_secret = file("mssp.secret"),
        auth = emu.url(),
        console = emu.console_url(),
        api = emu.api_url(),
    );
    write_new(&dir, "config.toml", &config)?;
    Ok(Served {
        secret,
        config: path.join("config.toml"),
        cache_dir,
        https: https.map(|kubeconfig| (path.join(CA_FILE), kubeconfig)),
    })
}

/// The CA certificate's file name in the demo's config directory.
const CA_FILE: &str = "ca.pem";

/// Writes the CA's certificate `ca` and a kubeconfig in `dir` (at `path`):
/// one cluster (the https endpoint, trusting that CA), one user whose exec
/// plugin is this very binary (`-p demo exec-credential`, never waiting for
/// a terminal, with the demo's config and cache named so that it works
/// from any shell), and the context joining them, current. Returns the
/// kubeconfig's path.
fn kube_files(
    emu: &Emulator,
    ca: &str,
    dir: &platform::Dir,
    path: &std::path::Path,
    cache_dir: &std::path::Path,
) -> std::io::Result<PathBuf> {
    use base64::Engine as _;
    write_new(dir, CA_FILE, ca)?;
    let exe = std::env::current_exe()?;
    // JSON strings are YAML double-quoted scalars: any path is one value.
    let quoted = |p: &std::path::Path| toml_string(&p.to_string_lossy());
    let kubeconfig = format!(
        "# Written by `cytoken demo --serve --https` for its endpoint on {addr}:\n\
         # kubectl trusts the demo's CA (this run only) and asks cytoken for the\n\
         # token of its `demo` profile.\n\
         apiVersion: v1\n\
         kind: Config\n\
         clusters:\n\
         - name: cytoken-demo\n  \
           cluster:\n    \
             server: {server}\n    \
             certificate-authority-data: {ca_data}\n\
         users:\n\
         - name: cytoken-demo\n  \
           user:\n    \
             exec:\n      \
               apiVersion: client.authentication.k8s.io/v1\n      \
               command: {exe}\n      \
               args: [\"-p\", \"demo\", \"exec-credential\"]\n      \
               env:\n      \
               - name: CYTOKEN_CONFIG\n        \
                 value: {config}\n      \
               - name: CYTOKEN_CACHE_DIR\n        \
                 value: {cache}\n      \
               interactiveMode: Never\n      \
               provideClusterInfo: false\n\
         contexts:\n\
         - name: cytoken-demo\n  \
           context:\n    \
             cluster: cytoken-demo\n    \
             user: cytoken-demo\n    \
             namespace: default\n\
         current-context: cytoken-demo\n",
        addr = emu.addr(),
        server = toml_string(&emu.origin()),
        ca_data = base64::engine::general_purpose::STANDARD.encode(ca),
        exe = quoted(&exe),
        config = quoted(&path.join("config.toml")),
        cache = quoted(cache_dir),
    );
    write_new(dir, "kubeconfig", &kubeconfig)?;
    Ok(path.join("kubeconfig"))
}

/// The comment line saying the endpoint's clock is off, if it is.
fn skew_note(secs: i64) -> String {
    match secs {
        0 => String::new(),
        s => format!(
            "# Its clock runs {} s {} this machine's (--clock-skew): see what cytoken says.\n",
            s.abs(),
            if s > 0 { "ahead of" } else { "behind" }
        ),
    }
}

/// `cytoken demo --serve`: keeps the strict endpoint up on `listen` (the
/// Cylance flow, the multi-tenant console and the API behind both; with
/// `https`, over TLS with a CA of its own, and a Kubernetes API stand-in)
/// and prints the lines that point cytoken at it, so the flows and git,
/// kubectl and docker wiring can be tried without a tenant:
/// `CYTOKEN_CONFIG` (a ready private config, [`provision`]),
/// `CYTOKEN_CACHE_DIR`, and over https `KUBECONFIG`.
pub(crate) fn serve(listen: &str, clock_skew: i64, https: bool, w: &mut dyn Write) -> Result<i32> {
    let started = if https {
        Emulator::start_https_on(listen)
    } else {
        Emulator::start_on(listen)
    };
    let emu = started.map_err(|e| {
        Error::usage(format!("demo --serve: cannot listen on {listen}: {e}")).with_source(e)
    })?;
    emu.set_clock_skew(clock_skew);
    if https {
        // What kubectl sent, as it happens: the token never, only whether
        // the stand-in took it.
        emu.on_kube_request(|r| {
            let token = match (&r.token, r.status) {
                (None, _) => "no token".to_string(),
                (Some(t), 401) => format!("token {} refused", redact(t)),
                (Some(t), _) => format!("token {} accepted", redact(t)),
            };
            // The path is the client's: shown clean. A closed stderr only
            // loses the log line.
            let _ = writeln!(
                std::io::stderr(),
                "demo kube API: {} {} → {} ({token})",
                sanitize(&r.method, SNIPPET_CHARS),
                sanitize(&r.path, SNIPPET_CHARS),
                r.status
            );
        });
    }
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from);
    let served = provision(&emu, runtime).map_err(|e| {
        Error::other(format!(
            "demo --serve: cannot write its private config and cache dir: {e}"
        ))
        .with_source(e)
    })?;
    out(w, format_args!("{}", printed(&emu, &served, clock_skew)))?;
    emu.wait()
        .map_err(|e| Error::other(format!("demo endpoint: {e}")).with_source(e))?;
    Ok(0)
}

/// What `demo --serve` prints: what it serves and what to try, as comments,
/// then the `export` lines.
fn printed(emu: &Emulator, served: &Served, clock_skew: i64) -> String {
    let word = |p: &std::path::Path| shell_word(&p.to_string_lossy());
    let (kubectl, ca_var, kube_export) = match &served.https {
        Some((ca, kubeconfig)) => (
            "# and git and docker against it; kubectl through the kubeconfig it\n\
             # wrote (a stand-in cluster with a few pods; its requests are logged):\n\
             #   kubectl version\n\
             #   kubectl get pods\n"
                .to_string(),
            format!("# export SSL_CERT_FILE={}\n", word(ca)),
            format!("export KUBECONFIG={}\n", word(kubeconfig)),
        ),
        None => (
            "# and git and docker against it (kubectl sends credentials to https\n\
             # servers only: `cytoken demo --serve --https` serves it).\n"
                .to_string(),
            String::new(),
            String::new(),
        ),
    };
    let paste = if served.https.is_some() {
        "three"
    } else {
        "two"
    };
    format!(
        "# cytoken demo endpoint on {addr}: the Cylance flow (profile demo, the\n\
         # default) and a multi-tenant console (profile mssp) with the tenants\n\
         # {tenants}.\n\
         # Cylance token endpoint: {auth}\n\
         # console token endpoint: {console}\n\
         # Paste the {paste} export lines into a shell, then try:\n\
         #   cytoken token\n\
         #   cytoken api --paginate devices/v2\n\
         #   cytoken -p mssp api tenants/list\n\
         #   cytoken -p mssp --tenant-id {first} api devices/v2\n\
         #   cytoken -p mssp --tenant-id {first} api --paginate policies/v2\n\
         #   cytoken -p mssp check\n\
         # (policies and users take POST, PUT and DELETE too),\n\
         {kubectl}\
         {skew}\
         # Ctrl-C stops it. Without the config file (a binary\n\
         # that cannot read it, say), these variables select the demo app:\n\
         # export CYTOKEN_AUTH_URL={auth}\n\
         # export CYTOKEN_TENANT_ID={TENANT}\n\
         # export CYTOKEN_APP_ID={APP}\n\
         # export CYTOKEN_APP_SECRET={secret}\n\
         {ca_var}\
         export CYTOKEN_CONFIG={config}\n\
         export CYTOKEN_CACHE_DIR={cache}\n\
         {kube_export}",
        addr = emu.addr(),
        tenants = MSSP_TENANTS.join(", "),
        first = MSSP_TENANTS[0],
        auth = emu.url(),
        console = emu.console_url(),
        secret = served.secret,
        skew = skew_note(clock_skew),
        config = word(&served.config),
        cache = word(&served.cache_dir),
    )
}

#[cfg(test)]
mod tests {
    use crate::output::shell_word;

    /// The printed value is one literal word for a shell and for an env
    /// file: plain when it can be, single-quoted otherwise.
    #[test]
    fn the_cache_dir_is_printed_as_one_literal_word() {
        assert_eq!(
            shell_word("/tmp/cytoken-demo-ab12"),
            "/tmp/cytoken-demo-ab12"
        );
        assert_eq!(shell_word("/tmp/my dir/x"), "'/tmp/my dir/x'");
        assert_eq!(shell_word("/tmp/$HOME'x"), "'/tmp/$HOME'\\''x'");
    }
}
