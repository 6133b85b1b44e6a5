//! Building the HTTP client ([`super::Agent`]): proxy from the environment,
//! system trust roots (or `SSL_CERT_FILE`/`SSL_CERT_DIR`, held to the
//! `ca_file` rule) plus `ca_file`, no redirects, bounded connects.

use std::path::{Path, PathBuf};

use std::time::Duration;

use ureq::http::Uri;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

use crate::endpoint::is_loopback_host;
use crate::error::{Context as _, Error, Kind, Result};
use crate::platform;
use crate::redact::{SNIPPET_CHARS, sanitize};

/// Builds the client for `uri` (see [`super::Agent`]), with the note to add
/// to TLS errors (see [`root_certs`]) and the proxy in use, for messages.
pub(super) fn build(
    uri: &Uri,
    https: bool,
    ca_file: Option<&Path>,
    connect_timeout: Duration,
) -> Result<super::Agent> {
    let host = uri.host().unwrap_or_default();
    // Loopback hosts are reached directly: routing them through a proxy would at
    // best fail and at worst hand a clear-text credential to the proxy.
    let proxy = if is_loopback_host(host) {
        None
    } else {
        proxy_from_env()?.map(|(proxy, _)| proxy)
    };
    // Host and port only: the proxy URL may carry credentials.
    let via = proxy
        .as_ref()
        .filter(|p| !p.is_no_proxy(uri))
        .map(|p| {
            format!(
                " via proxy {}:{}",
                sanitize(p.host(), SNIPPET_CHARS),
                p.port()
            )
        })
        .unwrap_or_default();
    let mut tls = TlsConfig::builder().provider(TlsProvider::Rustls);
    let mut note = None;
    // The trust store costs a file read and parse: only https endpoints pay for it
    // (ca_file has nothing to verify on plain loopback http).
    if https {
        let (roots, why) = root_certs(ca_file)?;
        tls = tls.root_certs(roots);
        note = why;
    }
    let config = ureq::Agent::config_builder()
        // A redirect would carry the credential to wherever the Location points.
        .max_redirects(0)
        // Read 4xx/5xx bodies ourselves: the service explains rejections there.
        .http_status_as_error(false)
        // Once an https endpoint, never downgraded to http by anything in between.
        .https_only(https)
        .timeout_resolve(Some(connect_timeout))
        .timeout_connect(Some(connect_timeout))
        // `cytoken api --jobs 16` keeps 16 requests in flight to one host: keep
        // their connections (and TLS sessions) for the next page.
        .max_idle_connections_per_host(16)
        .proxy(proxy)
        .user_agent(concat!("cytoken/", env!("CARGO_PKG_VERSION")))
        .accept("application/json")
        .tls_config(tls.build())
        .build();
    let agent = if !https && is_loopback_host(host) {
        ureq::Agent::with_parts(
            config,
            super::loopback::connector(),
            ureq::unversioned::resolver::DefaultResolver::default(),
        )
    } else {
        ureq::Agent::new_with_config(config)
    };
    Ok(super::Agent {
        ureq: agent,
        https,
        tls_note: note,
        via,
    })
}

/// The proxy for an https endpoint and where it comes from: `ALL_PROXY` or
/// `HTTPS_PROXY` (either case), with `NO_PROXY` honoured by ureq; with none
/// of them set, the system's ([`system_proxy`]). `HTTP_PROXY` alone is not
/// used, as curl does not use it for https either: it is often set for
/// plain-http traffic only.
fn proxy_from_env() -> Result<Option<(ureq::Proxy, &'static str)>> {
    // The order ureq's `Proxy::try_from_env` tries them in, so that the variable we
    // validate is the one it picks.
    const VARS: [&str; 4] = ["ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"];
    let Some((name, value)) = VARS.iter().find_map(|name| {
        let value = std::env::var_os(name)?;
        (!value.is_empty()).then_some((*name, value))
    }) else {
        return Ok(system_proxy().map(|p| (p, "the Windows Internet Settings")));
    };
    // The value may hold proxy credentials, so the message names only the
    // variable, and the parse error (which could quote it) is not kept.
    let bad = || {
        Error::config(format!(
            "{name} is not a valid proxy URL (expected http://[user:password@]host:port)"
        ))
    };
    let value = value.into_string().map_err(|_| bad())?;
    ureq::Proxy::new(&value).map_err(|_| bad())?;
    Ok(ureq::Proxy::try_from_env().map(|p| (p, name)))
}

/// The system proxy, asked only when no `ALL_PROXY` or `HTTPS_PROXY` is set:
/// on Windows, ureq's `win-system-proxy` reads the user's Internet Settings
/// (`ProxyEnable`, `ProxyServer`; `ProxyOverride` as `NO_PROXY` when that is
/// unset); elsewhere ureq knows none and this is `None`. Never when
/// `HTTP_PROXY` is set: ureq's lookup would take that first, and it is not
/// for https (see [`proxy_from_env`]).
fn system_proxy() -> Option<ureq::Proxy> {
    let http_proxy = ["HTTP_PROXY", "http_proxy"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    if http_proxy {
        None
    } else {
        ureq::Proxy::try_from_env()
    }
}

/// The proxy a request to `url` goes through, for `check`: where it is and
/// where it comes from, never its user information (a proxy password may be
/// there). An invalid proxy variable is the error the exchange would give.
pub(crate) fn proxy_in_effect(url: &str) -> Result<String> {
    let Some((proxy, from)) = proxy_from_env()? else {
        return Ok("none (no ALL_PROXY or HTTPS_PROXY, no system proxy)".into());
    };
    let userinfo = if proxy.username().is_some() || proxy.password().is_some() {
        "…@"
    } else {
        ""
    };
    let shown = format!(
        "{}://{userinfo}{}:{} (from {from})",
        proxy.uri().scheme_str().unwrap_or("http"),
        sanitize(proxy.host(), SNIPPET_CHARS),
        proxy.port()
    );
    let uri: Option<Uri> = url.parse().ok();
    let host = sanitize(
        uri.as_ref().and_then(Uri::host).unwrap_or_default(),
        SNIPPET_CHARS,
    );
    if uri
        .as_ref()
        .and_then(Uri::host)
        .is_some_and(is_loopback_host)
    {
        return Ok(format!(
            "none for the loopback endpoint {host} (reached directly); {shown} for others"
        ));
    }
    if uri.is_some_and(|u| proxy.is_no_proxy(&u)) {
        return Ok(format!("none for {host} (NO_PROXY); {shown} for others"));
    }
    Ok(shown)
}

/// The variables rustls-native-certs reads in place of the system store.
const CERT_FILE: &str = "SSL_CERT_FILE";
const CERT_DIR: &str = "SSL_CERT_DIR";

/// Checks the trust roots an https exchange would load and says which they
/// are (for `check`): the system store, or what `SSL_CERT_FILE` and
/// `SSL_CERT_DIR` name in its place, plus `ca_file`. (`ca_file` itself is
/// checked when the selection is made.)
pub(crate) fn trust_roots(ca_file: Option<&Path>) -> Result<String> {
    let mut used = env_roots()?.map_or_else(|| vec!["the system store".to_string()], |r| r.used);
    if let Some(ca) = ca_file {
        used.push(format!("ca_file {}", ca.display()));
    }
    Ok(used.join(" + "))
}

/// The roots `SSL_CERT_FILE` and `SSL_CERT_DIR` name in place of the system
/// store, and how to name them.
struct EnvRoots {
    certs: Vec<Certificate<'static>>,
    used: Vec<String>,
}

/// The roots `SSL_CERT_FILE` and `SSL_CERT_DIR` name (`None` when neither
/// is set: the system store). They are held to the `ca_file` rule (DESIGN
/// §5, trusted paths): whoever can change a root can read the signed auth
/// tokens sent over it. So the file, and each directory with every file in
/// it that is read, must be a trusted path, or it is a configuration error;
/// so is one that does not exist or cannot be opened (whatever appeared
/// there later would be read unchecked). Each file is read through the
/// handle its check ran on, never by its path again, and a FIFO or device
/// is refused before anything reads it.
fn env_roots() -> Result<Option<EnvRoots>> {
    let file = std::env::var_os(CERT_FILE).map(PathBuf::from);
    let dirs: Vec<PathBuf> = std::env::var_os(CERT_DIR)
        .map(|d| {
            std::env::split_paths(&d)
                .filter(|d| !d.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    if file.is_none() && dirs.is_empty() {
        return Ok(None);
    }
    let home = crate::env::Env::process().home_dir();
    let home = home.as_deref();
    let mut roots = EnvRoots {
        certs: Vec::new(),
        used: Vec::new(),
    };
    if let Some(path) = file {
        // Set but empty names nothing: no roots from it (as the system
        // store's loader reads it).
        if !path.as_os_str().is_empty() {
            let file = open_root_file(CERT_FILE, &path, home)?;
            add_pem(&mut roots.certs, &read_bounded(file));
        }
        roots.used.push(format!("{CERT_FILE} {}", path.display()));
    }
    for dir in &dirs {
        read_root_dir(dir, home, &mut roots.certs)?;
    }
    if !dirs.is_empty() {
        let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        roots.used.push(format!("{CERT_DIR} {}", shown.join(", ")));
    }
    Ok(Some(roots))
}

/// The fix every refused root path gets.
fn root_fix(var: &str) -> String {
    format!("unset {var}, or point it at one only you and root can change")
}

/// Opens the root file `path` named by `var` and checks it: trusted, or a
/// config error, as is one that is missing or cannot be opened.
fn open_root_file(var: &str, path: &Path, home: Option<&Path>) -> Result<std::fs::File> {
    match platform::open_trusted(path, home) {
        Ok(file) => Ok(file),
        Err(platform::OpenTrusted::Untrusted(u)) => Err(Error::config(format!(
            "{var} names {} as trust roots, but it cannot be trusted: {u}; {} (whoever can \
             change it can read the auth tokens cytoken sends), or unset {var}",
            path.display(),
            u.fix()
        ))),
        Err(platform::OpenTrusted::Io(e)) => Err(Error::config(format!(
            "{var} names {} as trust roots, but it cannot be opened ({e}): {}",
            path.display(),
            root_fix(var)
        ))),
    }
}

/// A directory in `SSL_CERT_DIR`: it, and every regular file in it (through
/// links, as `openssl rehash` makes them), trusted; the certificates of each
/// read through the handle checked. A dangling link is skipped: nothing is
/// read through it, now or later.
fn read_root_dir(
    dir: &Path,
    home: Option<&Path>,
    certs: &mut Vec<Certificate<'static>>,
) -> Result<()> {
    let refused = |why: String| {
        Error::config(format!(
            "{CERT_DIR} names {} for trust roots, but {why}",
            dir.display()
        ))
    };
    match platform::trusted_read_dir(dir, home) {
        Ok(true) => {}
        Ok(false) => {
            return Err(refused(format!(
                "it does not exist: {}",
                root_fix(CERT_DIR)
            )));
        }
        Err(u) => {
            return Err(refused(format!(
                "it cannot be trusted: {u}; {} (whoever can change it can read the auth \
                 tokens cytoken sends), or unset {CERT_DIR}",
                u.fix()
            )));
        }
    }
    let entries = std::fs::read_dir(dir).map_err(|e| {
        refused(format!("it cannot be listed ({e}): {}", root_fix(CERT_DIR))).with_source(e)
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        // Opened once (never blocking on a FIFO), then checked and read
        // through that handle: subdirectories, devices and dangling links
        // are not roots.
        let Ok(file) = platform::open_read(&path) else {
            continue;
        };
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            continue;
        }
        if let Err(u) = platform::trusted_file(&path, &file, home) {
            return Err(Error::config(format!(
                "{CERT_DIR} names {} as trust roots, but it cannot be trusted: {u}; {} \
                 (whoever can change it can read the auth tokens cytoken sends), or unset \
                 {CERT_DIR}",
                path.display(),
                u.fix()
            )));
        }
        add_pem(certs, &read_bounded(file));
    }
    Ok(())
}

/// Largest root file read: a whole system bundle is well under 1 MiB.
const MAX_ROOT_FILE: u64 = 8 << 20;

/// The bytes of an open root file, at most [`MAX_ROOT_FILE`] (nothing when
/// it cannot be read, as the system store's loader skips such a file).
fn read_bounded(file: std::fs::File) -> Vec<u8> {
    let mut pem = Vec::new();
    let _ = std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_ROOT_FILE), &mut pem);
    pem
}

/// The certificates in `pem` not yet in `certs` (the hashed names of a
/// cert dir link to the same files); other sections and damage are skipped,
/// as the system store's loader does.
fn add_pem(certs: &mut Vec<Certificate<'static>>, pem: &[u8]) {
    for item in ureq::tls::parse_pem(pem) {
        if let Ok(PemItem::Certificate(c)) = item
            && !certs.iter().any(|have| have.der() == c.der())
        {
            certs.push(c);
        }
    }
}

/// The trust roots for an https endpoint: the system's plus `ca_file`, and a note to
/// add to TLS errors when the system's could not be loaded.
fn root_certs(ca_file: Option<&Path>) -> Result<(RootCerts, Option<String>)> {
    let from_env = env_roots()?;
    // A bad ca_file is a config error whatever the system store holds: the user asked
    // for it, so failing to use it must not go unnoticed.
    let mut certs = match ca_file {
        Some(path) => read_ca_file(path)?,
        None => Vec::new(),
    };
    let from_file = certs.len();
    let mut why = String::new();
    if let Some(roots) = from_env {
        // Read above from the checked handles: never handed to the system
        // store's loader, which would open those paths again.
        if roots.certs.is_empty() {
            why = format!(": {} held no certificate", roots.used.join(" and "));
        }
        certs.extend(roots.certs);
    } else {
        // System roots, so that corporate CAs the administrator installed are
        // trusted as they are by curl and browsers.
        let native = rustls_native_certs::load_native_certs();
        certs.extend(
            native
                .certs
                .iter()
                .map(|c| Certificate::from_der(c.as_ref()).to_owned()),
        );
        why = native
            .errors
            .first()
            .map(|e| format!(": {e}"))
            .unwrap_or_default();
    }
    if certs.len() > from_file {
        return Ok((RootCerts::new_with_certs(&certs), None));
    }
    if from_file > 0 {
        // The user named the CA to trust; an empty system store does not change that.
        return Ok((
            RootCerts::new_with_certs(&certs),
            Some(format!(
                "no system trust roots could be loaded{why}, so only the certificates in ca_file are trusted"
            )),
        ));
    }
    // cytoken enables ureq's `rustls` feature, which always bundles the Mozilla roots
    // (webpki-roots): a machine without a CA store can still reach the public service.
    Ok((
        RootCerts::WebPki,
        Some(format!(
            "no system trust roots could be loaded{why}, so the bundled Mozilla roots were used (set SSL_CERT_FILE or ca_file to trust others)"
        )),
    ))
}

fn read_ca_file(path: &Path) -> Result<Vec<Certificate<'static>>> {
    let shown = path.display();
    let pem = std::fs::read(path).context(Kind::Config, |e| {
        format!("cannot read ca_file {shown}: {e}")
    })?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            // Keys and other PEM sections are not trust roots; skipping them is what
            // curl's --cacert does too.
            Ok(_) => {}
            Err(e) => {
                return Err(Error::config(format!(
                    "ca_file {shown} is not valid PEM: {e}"
                )));
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::config(format!(
            "ca_file {shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        )));
    }
    Ok(certs)
}
