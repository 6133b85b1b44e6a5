//! Command-line definitions (clap derive) and nothing else; [`fast`] parses
//! the per-call command lines without building clap's tree.

pub(crate) mod api;
pub(crate) mod fast;
mod values;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueHint};

pub(crate) use crate::output::Format;

const AFTER_HELP: &str = "\
Configuration: <config dir>/cytoken/config.toml (on Linux ~/.config/cytoken/config.toml),
or --config / CYTOKEN_CONFIG. Precedence: flag > CYTOKEN_* environment > profile > default.
The app secret is never a flag: use CYTOKEN_APP_SECRET or a profile's app_secret_keyring
(the OS keyring: `cytoken secret set`), app_secret_command, app_secret_file, app_secret_env
or (in a private file) app_secret. Every key: `man cytoken-config` (`cytoken man config`).

Exit status:
  0  success
  1  other failure
  2  usage or configuration error (before any network call)
  3  the token endpoint rejected the request (400/401/403)
  4  the token endpoint is unreachable or failing (network, timeout, 5xx/429, bad response)
  5  the Cylance API answered an error status (cytoken api; the body on stdout)

Examples:
  cytoken demo                              # the whole flow against a built-in endpoint
  cytoken token --format header | curl -H @- https://protectapi.cylance.com/devices/v2
  cytoken -p prod check";

const STATUS_HELP: &str = "\
Never contacts the network, runs no secret command and reads no keyring: the config, the
cache and the clients' own config (git config --global, docker's config.json, kubectl config
view) only. Without --all: the selected profile (-p, CYTOKEN_PROFILE, default_profile).

Exit status: 0 every profile shown has a fresh cached token; 1 one has none (or a stale
one); 2 a configuration error.

--json keys, per profile: profile, default, usable (a fresh cached token), flow (cylance
or mtc), tenant_id, app_id, auth_url, api_url, secret {kind (env, file, command, keyring,
inline), where (variable, path, program or entry name; never the value), set_by},
proxy and trust_roots (what an exchange would use, as `check` says it; a proxy's
password never shown; null when unusable, and why under transport_errors {proxy,
trust_roots}), cache_key (the entry's name in the cache dir; null when it cannot be identified),
token {state (fresh, stale, expired, none, untrusted, unknown), note, expires_at,
expires_in, refresh_at, obtained_at, jwt, claims {scopes, issued_at, expires_at,
tenant_id, subject, issuer}}, failure (null, or {status, unavailable, message, at, age,
in_force}), wiring {git, docker, kube: lists, null when not checked; unchecked: why};
error (only for a profile that cannot be resolved). Times are RFC 3339, spans seconds.

Examples:
  cytoken status
  cytoken status --all
  cytoken -p prod status --json | jq -r '.[0].token.expires_in'";

/// Mints, caches and serves short-lived Cylance User API v2 access tokens.
#[derive(Debug, PartialEq, Eq, Parser)]
#[command(name = "cytoken", version, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// `token`'s options, also without the word `token` (the default command).
    #[command(flatten)]
    pub token: TokenArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The heading of the global options in every command's help.
const GLOBAL: &str = "Global options";

/// Options that select which token (global: usable before or after the
/// command), under one heading in every command's help. Each names what
/// completion offers for its value (`value_hint`; `-p`'s profile names are
/// added to the generated scripts, see `commands/docs.rs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub(crate) struct Global {
    /// Profile in the config file [env: CYTOKEN_PROFILE]
    #[arg(
        short,
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "NAME",
        value_hint = ValueHint::Other,
    )]
    pub profile: Option<String>,
    /// Config file; an explicit path must exist [env: CYTOKEN_CONFIG]
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "PATH",
        value_hint = ValueHint::FilePath,
    )]
    pub config: Option<PathBuf>,
    /// Cache directory [env: CYTOKEN_CACHE_DIR]
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "DIR",
        value_hint = ValueHint::DirPath,
    )]
    pub cache_dir: Option<PathBuf>,
    /// Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "ID",
        value_hint = ValueHint::Other,
    )]
    pub tenant_id: Option<String>,
    /// Application id, the `sub` claim [env: CYTOKEN_APP_ID]
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "ID",
        value_hint = ValueHint::Other,
    )]
    pub app_id: Option<String>,
    /// Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with
    /// flow = "mtc" the console's: us, jp, au, eu, sp [env: CYTOKEN_REGION]
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "R",
        value_parser = values::REGION,
        hide_possible_values = true,
    )]
    pub region: Option<String>,
    /// Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "URL",
        value_hint = ValueHint::Url,
    )]
    pub auth_url: Option<String>,
    /// Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]
    #[arg(
        long = "scope",
        global = true,
        help_heading = GLOBAL,
        value_name = "S",
        value_hint = ValueHint::Other,
    )]
    pub scopes: Vec<String>,
    /// Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "SECS",
        value_hint = ValueHint::Other,
    )]
    pub lifetime: Option<u64>,
    /// The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "S",
        value_hint = ValueHint::Other,
    )]
    pub source: Option<String>,
    /// Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "SECS",
        value_hint = ValueHint::Other,
    )]
    pub min_valid: Option<u64>,
    /// Neither read nor write the cache
    #[arg(long, global = true, help_heading = GLOBAL, conflicts_with = "force_refresh")]
    pub no_cache: bool,
    /// Skip the cached token, mint a new one and store it
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub force_refresh: bool,
    /// Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]
    #[arg(short, long, global = true, help_heading = GLOBAL, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, PartialEq, Eq, Subcommand)]
pub(crate) enum Command {
    /// Print the access token (the default command)
    #[command(
        after_help = "Examples:\n  cytoken token\n  cytoken token --format json\n  \
        cytoken token --format header | curl -H @- https://protectapi.cylance.com/devices/v2"
    )]
    Token(TokenArgs),
    /// Print a freshly signed auth token (the first half of the flow), no exchange
    #[command(after_help = "Examples:\n  cytoken auth-token --claims\n  \
        cytoken auth-token | curl -sf -H 'Content-Type: application/json' \\\n    \
        --data-binary @<(jq -Rn '{auth_token: input}') https://protectapi.cylance.com/auth/v2/token")]
    AuthToken {
        /// Print the decoded claims as JSON instead of the token
        #[arg(long)]
        claims: bool,
    },
    /// git credential helper (get|store|erase); also as `git-credential-cytoken`
    #[command(
        after_help = "Example:\n  git config --global credential.https://git.example.com.helper ''\n  \
        git config --global --add credential.https://git.example.com.helper cytoken"
    )]
    GitCredential {
        /// get, store or erase (also fill, approve, reject); others are ignored
        action: String,
    },
    /// client-go / kubectl exec credential plugin (reads KUBERNETES_EXEC_INFO)
    #[command(after_help = "Example kubeconfig user:\n  exec:\n    apiVersion: \
        client.authentication.k8s.io/v1\n    command: cytoken\n    args: [exec-credential]\n    \
        interactiveMode: Never")]
    ExecCredential,
    /// docker credential helper (get|store|erase|list|version); also as `docker-credential-cytoken`
    #[command(
        after_help = "Example ~/.docker/config.json:\n  {\"credHelpers\": {\"registry.example.com\": \"cytoken\"}}"
    )]
    DockerCredential {
        /// get, store, erase, list or version
        action: String,
    },
    /// Run a command with the token in its environment
    #[command(
        after_help = "Example:\n  cytoken exec -- sh -c 'curl -H \"Authorization: Bearer $CYTOKEN_ACCESS_TOKEN\" \
        https://protectapi.cylance.com/devices/v2'"
    )]
    Exec {
        /// Variable that receives the token
        #[arg(
            long = "env",
            value_name = "NAME",
            default_value = "CYTOKEN_ACCESS_TOKEN"
        )]
        env: String,
        /// The command and its arguments
        #[arg(required = true, trailing_var_arg = true, value_name = "CMD")]
        command: Vec<std::ffi::OsString>,
    },
    /// Show or clear cached tokens (never prints a token)
    #[command(
        subcommand,
        after_help = "Examples:\n  cytoken cache list\n  cytoken -p prod cache clear\n  cytoken cache clear --all"
    )]
    Cache(CacheCommand),
    /// Check config, secret source, permissions and the cache, then mint one token
    #[command(after_help = "Examples:\n  cytoken check\n  cytoken -p prod check --offline")]
    Check {
        /// Do not contact the token endpoint
        #[arg(long)]
        offline: bool,
    },
    /// Run the whole flow offline against a built-in strict loopback endpoint
    #[command(after_help = "Examples:\n  cargo run --release -- demo\n  \
        cytoken demo --serve            # keep the endpoint up; paste the printed lines into a shell\n  \
        cytoken demo --serve --https    # the same over TLS, with a kubeconfig for kubectl")]
    Demo {
        /// Keep the endpoint running and print the CYTOKEN_* lines to try git,
        /// kubectl and docker wiring against it (until interrupted)
        #[arg(long)]
        serve: bool,
        /// Address for --serve to listen on
        #[arg(
            long,
            value_name = "ADDR",
            default_value = "127.0.0.1:0",
            requires = "serve"
        )]
        listen: String,
        /// With --serve: the endpoint's clock runs SECS seconds ahead of this
        /// machine's (negative: behind), to rehearse cytoken's clock-skew
        /// messages
        #[arg(
            long,
            value_name = "SECS",
            default_value_t = 0,
            allow_negative_numbers = true,
            value_parser = clap::value_parser!(i64).range(-MAX_DEMO_SKEW..=MAX_DEMO_SKEW),
            requires = "serve"
        )]
        clock_skew: i64,
        /// With --serve: serve over TLS with a CA made for this run, and
        /// write a ready kubeconfig, so kubectl itself can be tried
        #[arg(long, requires = "serve")]
        https: bool,
    },
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  cytoken completions bash > ~/.local/share/bash-completion/completions/cytoken\n  \
        cytoken completions zsh > ~/.zfunc/_cytoken"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff) to standard output: cytoken(1), or cytoken-config(5)
    #[command(
        after_help = "Examples:\n  cytoken man > ~/.local/share/man/man1/cytoken.1\n  \
        cytoken man config > ~/.local/share/man/man5/cytoken-config.5"
    )]
    Man {
        /// Which page
        #[arg(value_enum, default_value_t = ManPage::Cytoken)]
        page: ManPage,
    },
    /// Call the Cylance API with the token: one request, or every page of a list
    #[command(
        after_help = "Exit status 5: the API answered an error status (body on stdout).\n\n\
        Examples:\n  cytoken api devices/v2/<device-id>\n  \
        cytoken api --paginate devices/v2 | jq -r '.[] | [.id, .name] | @csv'\n  \
        cytoken api -X PUT devices/v2/<id> -f name=web01 -F policy_id=null"
    )]
    Api(api::ApiArgs),
    /// Store or remove the profile's app secret in the OS keyring
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Add or replace a profile in the config file (asks on a terminal for what is missing)
    #[command(
        after_help = "Without a terminal every value is a flag; a missing one is exit 2.\n\
        -p, --tenant-id, --app-id, --region, --auth-url and --scope (repeat) give the profile's\n\
        values; the secret is never a flag: --secret-keyring stores it (typed, or one line of\n\
        stdin) in the OS keyring.\n\n\
        Examples:\n  cytoken init\n  \
        pass show cylance/prod | cytoken init -p prod --tenant-id <uuid> --app-id <uuid> \\\n    \
        --region na --secret-keyring cylance-prod --default"
    )]
    Init(InitArgs),
    /// Wire git, docker or kubectl to cytoken (--remove undoes it)
    #[command(
        subcommand,
        after_help = "Examples:\n  cytoken setup git --host git.example.com\n  \
        cytoken setup docker --registry registry.example.com\n  cytoken -p prod setup kubectl\n  \
        cytoken setup git --remove"
    )]
    Setup(SetupCommand),
    /// Show each profile's cached token (claims, time left), secret source, last
    /// failure and wiring; offline
    #[command(after_help = STATUS_HELP)]
    Status {
        /// Every profile in the config file
        #[arg(long, conflicts_with = "profile")]
        all: bool,
        /// One JSON object per profile, in an array (keys below)
        #[arg(long)]
        json: bool,
    },
    /// Create the git-credential-cytoken and docker-credential-cytoken helpers
    #[command(
        after_help = "Examples:\n  cytoken install-helpers\n  cytoken install-helpers ~/.local/bin"
    )]
    InstallHelpers {
        /// Where to create them (default: beside the cytoken binary)
        #[arg(value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

impl Command {
    /// The subcommand's name, as typed.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Command::Token(_) => "token",
            Command::AuthToken { .. } => "auth-token",
            Command::GitCredential { .. } => "git-credential",
            Command::ExecCredential => "exec-credential",
            Command::DockerCredential { .. } => "docker-credential",
            Command::Exec { .. } => "exec",
            Command::Cache(_) => "cache",
            Command::Check { .. } => "check",
            Command::Demo { .. } => "demo",
            Command::Completions { .. } => "completions",
            Command::Man { .. } => "man",
            Command::Api(_) => "api",
            Command::Secret(_) => "secret",
            Command::InstallHelpers { .. } => "install-helpers",
            Command::Init(_) => "init",
            Command::Setup(_) => "setup",
            Command::Status { .. } => "status",
        }
    }
}

/// The man pages `cytoken man` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ManPage {
    /// cytoken(1): the commands and options
    Cytoken,
    /// cytoken-config(5): every config key, variable and flag, its default and range
    Config,
}

/// The largest clock offset `demo --serve --clock-skew` takes: a day.
const MAX_DEMO_SKEW: i64 = 86_400;

#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub(crate) struct TokenArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Raw)]
    pub format: Format,
}

#[derive(Debug, PartialEq, Eq, Subcommand)]
pub(crate) enum SecretCommand {
    /// Read the secret (from the terminal without echo, or one line of stdin)
    /// and store it under the profile's app_secret_keyring name
    Set {
        /// Anything typed after `set` (a pasted secret, say): refused without
        /// being shown, where clap would echo it in its error.
        #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
        refused: Vec<std::ffi::OsString>,
    },
    /// Remove the profile's secret from the keyring
    Delete,
}

/// `init`'s own options; the profile's name, ids, region, auth URL and scopes
/// are the global options of the same names.
#[derive(Debug, Default, PartialEq, Eq, Args)]
pub(crate) struct InitArgs {
    /// Token flow: cylance (a tenant's API app) or mtc (the multi-tenant console)
    #[arg(long, value_name = "FLOW", value_parser = ["cylance", "mtc"])]
    pub flow: Option<String>,
    /// Keep the secret in the OS keyring under this entry name (it is asked for, or read from stdin)
    #[arg(long, value_name = "NAME", group = "secret_source")]
    pub secret_keyring: Option<String>,
    /// Run this command (and its arguments) for the secret
    #[arg(long, value_name = "CMD", num_args = 1.., group = "secret_source")]
    pub secret_command: Option<Vec<String>>,
    /// Read the secret from this file
    #[arg(long, value_name = "PATH", group = "secret_source")]
    pub secret_file: Option<PathBuf>,
    /// Read the secret from this environment variable
    #[arg(long, value_name = "NAME", group = "secret_source")]
    pub secret_env: Option<String>,
    /// Make it the default profile
    #[arg(long)]
    pub default: bool,
    /// Replace the profile if it exists
    #[arg(long)]
    pub force: bool,
    /// Do not contact the token endpoint afterwards (the check runs offline)
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, PartialEq, Eq, Subcommand)]
pub(crate) enum SetupCommand {
    /// `credential.https://HOST.helper` entries in the global git config
    Git {
        /// A host (host, host:port or http://host:port) [default: the profiles' git_hosts]
        #[arg(long = "host", value_name = "HOST")]
        hosts: Vec<String>,
        /// Remove the entries instead
        #[arg(long)]
        remove: bool,
    },
    /// credHelpers entries in $DOCKER_CONFIG/config.json (~/.docker/config.json)
    Docker {
        /// A registry (host or host:port) [default: the profiles' docker_hosts]
        #[arg(long = "registry", value_name = "HOST")]
        registries: Vec<String>,
        /// Remove the entries instead
        #[arg(long)]
        remove: bool,
    },
    /// A kubeconfig user running `cytoken -p NAME exec-credential`
    Kubectl {
        /// The kubeconfig user's name [default: cytoken-PROFILE]
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
        /// The kubeconfig file [default: KUBECONFIG, else ~/.kube/config]
        #[arg(long, value_name = "PATH")]
        kubeconfig: Option<PathBuf>,
        /// Remove the user instead
        #[arg(long)]
        remove: bool,
    },
}

#[derive(Debug, PartialEq, Eq, Subcommand)]
pub(crate) enum CacheCommand {
    /// List cached entries: profile, tenant, app, scopes, expiry, time left
    List,
    /// Remove the selected profile's entry, or every entry with --all
    Clear {
        /// Remove every entry
        #[arg(long)]
        all: bool,
    },
    /// Print the cache directory
    Path,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// `--help` lists the exit status of every error kind (DESIGN §2).
    #[test]
    fn help_lists_every_exit_status() {
        use crate::error::{Error, Kind};
        let statuses = AFTER_HELP.split("Exit status:").nth(1).unwrap();
        let listed = |code: i32| {
            statuses
                .lines()
                .any(|l| l.starts_with(&format!("  {code}  ")))
        };
        assert!(listed(0));
        for kind in [
            Kind::Usage,
            Kind::Config,
            Kind::Rejected(401),
            Kind::Unavailable,
            Kind::Api(500),
            Kind::Other,
        ] {
            let code = Error::new(kind, "x").exit_code();
            assert!(
                listed(code),
                "exit status {code} ({kind:?}) is not in --help"
            );
        }
    }

    #[test]
    fn command_names_are_the_subcommands() {
        let names: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        for (args, name) in [
            (vec!["cytoken", "token"], "token"),
            (vec!["cytoken", "auth-token"], "auth-token"),
            (vec!["cytoken", "exec-credential"], "exec-credential"),
            (vec!["cytoken", "install-helpers"], "install-helpers"),
            (vec!["cytoken", "cache", "list"], "cache"),
            (vec!["cytoken", "api", "devices/v2"], "api"),
            (vec!["cytoken", "init", "--offline"], "init"),
            (vec!["cytoken", "setup", "git", "--remove"], "setup"),
            (vec!["cytoken", "status", "--all"], "status"),
        ] {
            let cli = Cli::try_parse_from(args).unwrap();
            let got = cli.command.unwrap().name();
            assert_eq!(got, name);
            assert!(names.iter().any(|n| n == got), "{got}");
        }
    }
}
