//! The configuration reference: every key of the config file, and every
//! variable and flag that sets one or shapes a call, with its meaning,
//! default and range. The one table the unknown-key check
//! ([`super::file::KEYS`]), `cytoken man config` (doc/cytoken-config.5) and
//! doc/configuration.md's reference are made from; src/commands/docs.rs
//! generates those files and fails when a committed one differs, and this
//! file's tests hold the table to the schema and to [`super::merge`].

// The binary reads only the names ([`key_names`]); the rest is read by the
// generators, which are tests (the binary embeds what they wrote).
#![cfg_attr(not(test), allow(dead_code))]

/// Where a key is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// The top level of the file.
    File,
    /// A `[profiles.NAME]` table.
    Profile,
}

/// What values a key accepts beyond its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Range {
    /// Whatever its type allows.
    Any,
    /// Whole seconds within these bounds (both included).
    Seconds(u64, u64),
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A rule of its own, in words.
    Rule(&'static str),
}

impl Range {
    /// The range in words, for the reference (`""` for [`Range::Any`]).
    pub(crate) fn describe(self) -> String {
        match self {
            Range::Any => String::new(),
            Range::Seconds(lo, hi) => format!("{lo}..={hi} seconds"),
            Range::OneOf(words) => format!("one of {}", words.join(", ")),
            Range::Rule(rule) => rule.to_string(),
        }
    }
}

/// One key of the config file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key {
    pub(crate) name: &'static str,
    pub(crate) level: Level,
    /// The shape of its value, as written in TOML.
    pub(crate) value: &'static str,
    /// The flag that overrides it, if any.
    pub(crate) flag: Option<&'static str>,
    /// The variable that overrides it (below the flag), if any.
    pub(crate) var: Option<&'static str>,
    /// Its value when no layer sets one (`None`: no value, or required).
    pub(crate) default: Option<&'static str>,
    pub(crate) range: Range,
    pub(crate) meaning: &'static str,
}

/// A key with only a meaning; the builders below add the rest.
const fn key(name: &'static str, value: &'static str, meaning: &'static str) -> Key {
    Key {
        name,
        level: Level::Profile,
        value,
        flag: None,
        var: None,
        default: None,
        range: Range::Any,
        meaning,
    }
}

impl Key {
    const fn top(mut self) -> Key {
        self.level = Level::File;
        self
    }
    const fn flag(mut self, flag: &'static str) -> Key {
        self.flag = Some(flag);
        self
    }
    const fn var(mut self, var: &'static str) -> Key {
        self.var = Some(var);
        self
    }
    const fn default(mut self, default: &'static str) -> Key {
        self.default = Some(default);
        self
    }
    const fn range(mut self, range: Range) -> Key {
        self.range = range;
        self
    }
}

/// The words a region may be given as (service.rs's table, case-insensitive).
const REGIONS: &[&str] = &[
    "na", "apne1", "au", "euc1", "sae1", "us-gov", "NA", "APN", "APS", "EU", "SA", "GOV",
];

/// Every key of the config file, the top level's first, then a profile's in
/// the order of [`super::Profile`].
pub(crate) const REFERENCE: [Key; 29] = [
    key(
        "default_profile",
        "string",
        "The profile used when neither -p nor CYTOKEN_PROFILE names one (and, for git and \
         docker, no profile's git_hosts or docker_hosts covers the host).",
    )
    .top()
    .default("default"),
    key(
        "profiles",
        "tables",
        "One [profiles.NAME] table per profile, holding the keys below.",
    )
    .top(),
    key(
        "tenant_id",
        "string",
        "The tenant's id as the console shows it (the auth token's tid claim). Required, \
         except for the console's own token (flow = \"mtc\"), where it names the tenant whose \
         token is wanted.",
    )
    .flag("--tenant-id")
    .var("CYTOKEN_TENANT_ID")
    .range(Range::Rule(
        "not blank, no control characters; with flow = \"mtc\" letters, digits, - and _",
    )),
    key(
        "app_id",
        "string",
        "The API application's id (the sub claim), or the console app's with flow = \"mtc\". \
         Required.",
    )
    .flag("--app-id")
    .var("CYTOKEN_APP_ID")
    .range(Range::Rule("not blank, no control characters")),
    key(
        "app_secret",
        "string",
        "The app secret itself. Only in a file nobody else can read (chmod 600); prefer \
         another source. Each profile has exactly one secret source; CYTOKEN_APP_SECRET \
         overrides it.",
    ),
    key(
        "app_secret_env",
        "string",
        "The NAME of the variable that holds the secret.",
    )
    .range(Range::Rule("a variable name")),
    key(
        "app_secret_file",
        "path",
        "A file holding the secret (read whole, the trailing newline trimmed); it must not \
         be readable by group or others. Relative to the config file's directory; ~/ is the \
         home.",
    ),
    key(
        "app_secret_command",
        "array of strings",
        "A command whose first line of output is the secret, as an argv array run without \
         a shell (e.g. [\"pass\", \"show\", \"cylance/prod\"]); it must finish within timeout. \
         Run only when a token is minted.",
    )
    .range(Range::Rule("not empty")),
    key(
        "app_secret_keyring",
        "string",
        "The name of the secret's entry in the OS keyring (Keychain, Credential Manager, \
         Secret Service); store it with cytoken secret set.",
    ),
    key(
        "region",
        "string",
        "The service region, which names the token endpoint; auth_url overrides it.",
    )
    .flag("--region")
    .var("CYTOKEN_REGION")
    .default("na")
    .range(Range::OneOf(REGIONS)),
    key(
        "auth_url",
        "URL",
        "The token endpoint, in place of the region's.",
    )
    .flag("--auth-url")
    .var("CYTOKEN_AUTH_URL")
    .range(Range::Rule(
        "https://, or plain http:// to a loopback host only",
    )),
    key(
        "api_url",
        "URL",
        "The API base of cytoken api. Default: the origin of auth_url.",
    )
    .var("CYTOKEN_API_URL")
    .range(Range::Rule("as auth_url")),
    key(
        "flow",
        "string",
        "How tokens are obtained: cylance, the Cylance User API (a signed auth token \
         exchanged at auth_url); mtc, the multi-tenant console for MSSPs (the console's \
         token, then a tenant's).",
    )
    .default("cylance")
    .range(Range::OneOf(&["cylance", "mtc"])),
    key(
        "scopes",
        "array of strings",
        "The scp claim: the scopes asked for, e.g. [\"device:list\"]. The variable is \
         comma-separated; the flag is repeated.",
    )
    .flag("--scope")
    .var("CYTOKEN_SCOPES")
    .default("[]")
    .range(Range::Rule("each resource:action")),
    key(
        "lifetime",
        "seconds",
        "How long a minted token lives (from iat to exp).",
    )
    .flag("--lifetime")
    .var("CYTOKEN_LIFETIME")
    .default("1800")
    .range(Range::Seconds(1, 1800)),
    key(
        "source",
        "string",
        "The src claim: the calling host, IP or app, kept by the service for audit; part of \
         the cache key.",
    )
    .flag("--source")
    .var("CYTOKEN_SOURCE")
    .range(Range::Rule("1 to 256 characters, no control characters")),
    key(
        "min_valid",
        "seconds",
        "Hand out a cached token only if it stays valid this long, else mint one (for a long \
         script or exec job).",
    )
    .flag("--min-valid")
    .var("CYTOKEN_MIN_VALID")
    .default("0")
    .range(Range::Rule("0 to lifetime - 60 seconds")),
    key(
        "refresh_margin",
        "seconds",
        "A cached token with less than this left is refreshed (at most half the lifetime is \
         used).",
    )
    .default("300")
    .range(Range::Seconds(0, 1800)),
    key("issuer", "string", "The iss claim.").default("http://cylance.com"),
    key(
        "scope_format",
        "string",
        "How scp is written: list, a JSON array; string, one comma-separated string.",
    )
    .default("list")
    .range(Range::OneOf(&["list", "string"])),
    key("extra_claims", "table", "Claims added to the auth token.").range(Range::Rule(
        "none of exp, iat, iss, sub, tid, jti, scp, src (cytoken sets them)",
    )),
    key(
        "username",
        "string",
        "The username of git's and docker's Basic answers.",
    )
    .default("x-access-token"),
    key(
        "git_auth",
        "string",
        "The credential form git is answered with: auto (what the server asks for), bearer \
         or basic.",
    )
    .default("auto")
    .range(Range::OneOf(&["auto", "bearer", "basic"])),
    key(
        "git_hosts",
        "array of strings",
        "The hosts (host, host:port or *.domain) this profile answers git for. Default: any. \
         Without -p, git's host picks the profile whose git_hosts covers it most specifically \
         (host:port, then host, then the longest wildcard).",
    ),
    key(
        "docker_hosts",
        "array of strings",
        "The registries (as git_hosts) this profile answers docker for, and picks the profile \
         by, as git_hosts does for git. Default: any.",
    ),
    key(
        "ca_file",
        "path",
        "A PEM file of CA certificates trusted besides the system's (or SSL_CERT_FILE's), \
         for the token endpoint and the API. It must exist and only you may be able to \
         change it.",
    ),
    key(
        "log_file",
        "path",
        "A file warnings and errors are appended to as well (git and kubectl hide stderr).",
    )
    .var("CYTOKEN_LOG_FILE"),
    key(
        "timeout",
        "seconds",
        "The budget of one exchange, retries included, and of app_secret_command.",
    )
    .default("20")
    .range(Range::Seconds(1, 300)),
    key(
        "lock_timeout",
        "seconds",
        "The longest wait for another process's refresh of the same token.",
    )
    .default("30")
    .range(Range::Seconds(1, 600)),
];

/// The names of [`REFERENCE`], in its order (what [`super::file::KEYS`] is).
pub(crate) const fn key_names() -> [&'static str; REFERENCE.len()] {
    let mut names = [""; REFERENCE.len()];
    let mut i = 0;
    while i < REFERENCE.len() {
        names[i] = REFERENCE[i].name;
        i += 1;
    }
    names
}

/// A variable that is no key's (the keys' own are in [`REFERENCE`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Var {
    pub(crate) name: &'static str,
    /// The flag it stands for, if any.
    pub(crate) flag: Option<&'static str>,
    pub(crate) meaning: &'static str,
}

const fn var(name: &'static str, flag: Option<&'static str>, meaning: &'static str) -> Var {
    Var {
        name,
        flag,
        meaning,
    }
}

/// Every variable cytoken reads or sets that is no profile key's.
pub(crate) const VARIABLES: [Var; 16] = [
    var(
        "CYTOKEN_PROFILE",
        Some("-p, --profile"),
        "The profile to use (else default_profile, else default).",
    ),
    var(
        "CYTOKEN_CONFIG",
        Some("--config"),
        "The config file; a file named this way must exist.",
    ),
    var(
        "CYTOKEN_CACHE_DIR",
        Some("--cache-dir"),
        "The token cache directory (never a profile's).",
    ),
    var(
        "CYTOKEN_APP_SECRET",
        None,
        "The app secret, in place of the profile's secret source (never a flag: a command \
         line is visible to other users).",
    ),
    var(
        "CYTOKEN_LOG",
        Some("-v"),
        "Steps and timings on stderr: a number, or info, debug, trace. Never a secret or a \
         whole token.",
    ),
    var(
        "CYTOKEN_ACCESS_TOKEN",
        None,
        "Set by cytoken exec in the child's environment: the access token.",
    ),
    var(
        "CYTOKEN_EXPIRES_AT",
        None,
        "Set by cytoken exec in the child's environment: when the token expires (Unix \
         seconds).",
    ),
    var(
        "HTTPS_PROXY",
        None,
        "The proxy for https endpoints (http://[user:password@]host:port; https_proxy \
         too). Never used for a loopback host. HTTP_PROXY alone is not used, as curl does \
         not for https. On Windows, with none of ALL_PROXY, HTTPS_PROXY and HTTP_PROXY set, \
         the proxy of the Internet Settings is used (its exceptions as NO_PROXY when that \
         is unset). cytoken check and cytoken status show the proxy in effect.",
    ),
    var("ALL_PROXY", None, "As HTTPS_PROXY, and before it."),
    var(
        "NO_PROXY",
        None,
        "Hosts reached directly: comma-separated names, *.domain or .domain, IPs, or *.",
    ),
    var(
        "SSL_CERT_FILE",
        None,
        "A PEM file of trust roots used in place of the system store (held to the ca_file \
         rule: it must exist and only you may be able to change it).",
    ),
    var(
        "SSL_CERT_DIR",
        None,
        "Directories of PEM trust roots, in place of the system store (as SSL_CERT_FILE, \
         with which it may be combined).",
    ),
    var(
        "KUBERNETES_EXEC_INFO",
        None,
        "The request of kubectl's client-go, for exec-credential.",
    ),
    var(
        "KUBECONFIG",
        None,
        "The kubeconfig cytoken setup kubectl edits (as kubectl reads it).",
    ),
    var(
        "DOCKER_CONFIG",
        None,
        "The directory of the docker config.json cytoken setup docker edits (default \
         ~/.docker).",
    ),
    var(
        "HOME",
        None,
        "The home: ~/ in paths, and the default config and cache directories (XDG_CONFIG_HOME \
         and XDG_CACHE_HOME on Linux; %APPDATA% and %LOCALAPPDATA% on Windows).",
    ),
];

#[cfg(test)]
mod tests;
