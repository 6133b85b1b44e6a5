//! Entry point of the library: parses argv, runs the command, and turns every
//! error into one line on stderr and an exit status.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::{CommandFactory, Parser};

use crate::broker::{Broker, Options, Token};
use crate::cache::{Cache, Found};
use crate::cli::{CacheCommand, Cli, Command, Format, Global};
use crate::config::{self, Flags, Selection};
use crate::error::{Error, Result};
use crate::{authtoken, diag, protocol};

/// Runs cytoken with `args` (argv including the program name); returns the exit status.
pub fn run(mut args: Vec<OsString>) -> i32 {
    crate::sys::protect_memory();
    // Invoked through a link named as git or docker look for helpers
    // (`git-credential-cytoken`, `docker-credential-cytoken`): act as that helper.
    let program = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("");
    for helper in ["git-credential", "docker-credential"] {
        if program.starts_with(&format!("{helper}-")) {
            args.insert(1, helper.into());
            break;
        }
    }
    let parsed = match crate::fastargs::parse(&args) {
        Some(cli) => Ok(cli),
        None => Cli::try_parse_from(args),
    };
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return e.exit_code();
        }
    };
    diag::init(
        cli.global.verbose,
        config::process_env("CYTOKEN_LOG").as_deref(),
    );
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("cytoken: error: {e}");
            e.exit_code()
        }
    }
}

fn dispatch(cli: Cli) -> Result<i32> {
    let g = &cli.global;
    let stdout = &mut std::io::stdout().lock();
    match cli.command {
        None => token(g, Format::Raw, stdout),
        Some(Command::Token(t)) => token(g, t.format, stdout),
        Some(Command::AuthToken) => {
            let sel = selection(g)?;
            let secret = sel.resolve_secret()?;
            let (tok, _) = authtoken::sign(&sel, &secret, authtoken::now())?;
            out(stdout, format_args!("{tok}\n"))
        }
        Some(Command::GitCredential { action }) => {
            protocol::git::run(&action, g, std::io::stdin().lock(), stdout)
        }
        Some(Command::ExecCredential) => {
            let info = match std::env::var("KUBERNETES_EXEC_INFO") {
                Ok(v) => Some(v),
                Err(std::env::VarError::NotPresent) => None,
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(Error::usage(
                        "KUBERNETES_EXEC_INFO is not valid UTF-8: it must be the ExecCredential \
                         JSON client-go sends",
                    ));
                }
            };
            protocol::kube::run(g, info.as_deref(), stdout)
        }
        Some(Command::DockerCredential { action }) => Ok(protocol::docker::run(
            &action,
            g,
            std::io::stdin().lock(),
            stdout,
        )),
        Some(Command::Exec { env, command }) => protocol::exec::run(g, &env, &command),
        Some(Command::Cache(c)) => cache(g, &c, stdout),
        Some(Command::Check { offline }) => crate::check::run(g, offline, stdout),
        Some(Command::Demo) => crate::demo::run(stdout),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "cytoken", stdout);
            Ok(0)
        }
        Some(Command::Man) => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buf)
                .map_err(|e| Error::other(format!("man page: {e}")))?;
            stdout
                .write_all(&buf)
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::other(format!("cannot write to standard output: {e}")))?;
            Ok(0)
        }
    }
}

/// The selection flags as the config layer sees them.
pub fn flags(g: &Global) -> Flags {
    Flags {
        profile: g.profile.clone(),
        config: g.config.clone(),
        cache_dir: g.cache_dir.clone(),
        tenant_id: g.tenant_id.clone(),
        app_id: g.app_id.clone(),
        region: g.region.clone(),
        auth_url: g.auth_url.clone(),
        scopes: g.scopes.clone(),
        lifetime: g.lifetime,
    }
}

/// Resolves the selection from flags, the process environment and the config file.
pub fn selection(g: &Global) -> Result<Selection> {
    let start = std::time::Instant::now();
    let sel = Selection::resolve(&flags(g), &config::process_env)?;
    diag::step(
        start,
        format_args!(
            "config: profile '{}' from {}",
            sel.profile,
            sel.config_path
                .as_ref()
                .map_or_else(|| "the environment".into(), |p| p.display().to_string())
        ),
    );
    Ok(sel)
}

/// The cache options from the global flags.
pub fn options(g: &Global) -> Options {
    Options {
        no_cache: g.no_cache,
        force_refresh: g.force_refresh,
    }
}

/// Writes to stdout; a closed pipe or full disk is a failure of the command.
pub fn out(w: &mut dyn Write, args: std::fmt::Arguments) -> Result<i32> {
    w.write_fmt(args)
        .and_then(|()| w.flush())
        .map_err(|e| Error::other(format!("cannot write to standard output: {e}")))?;
    Ok(0)
}

/// Epoch seconds as RFC 3339 UTC.
pub fn rfc3339(epoch: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| epoch.to_string())
}

fn token(g: &Global, format: Format, w: &mut dyn Write) -> Result<i32> {
    let sel = selection(g)?;
    let tok = Broker::new(&sel, options(g)).token()?;
    write_token(&tok, format, authtoken::now(), w)
}

/// Prints a token in one of the `token --format` shapes.
pub fn write_token(tok: &Token, format: Format, now: i64, w: &mut dyn Write) -> Result<i32> {
    match format {
        Format::Raw => out(w, format_args!("{}\n", tok.access_token)),
        Format::Header => out(
            w,
            format_args!("Authorization: Bearer {}\n", tok.access_token),
        ),
        Format::Json => {
            let v = serde_json::json!({
                "access_token": tok.access_token,
                "token_type": "Bearer",
                "expires_at": rfc3339(tok.expires_at),
                "expires_in": (tok.expires_at - now).max(0),
                "cached": tok.cached,
            });
            out(w, format_args!("{v}\n"))
        }
    }
}

/// The cache dir without resolving a whole selection: `cache path`, `list` and
/// `clear --all` must work even when the config is broken.
fn cache_dir(g: &Global) -> Result<PathBuf> {
    config::cache_dir(&flags(g), &config::process_env)
}

fn cache(g: &Global, c: &CacheCommand, w: &mut dyn Write) -> Result<i32> {
    let io_err = |e: std::io::Error| Error::other(format!("cache: {e}"));
    match c {
        CacheCommand::Path => out(w, format_args!("{}\n", cache_dir(g)?.display())),
        CacheCommand::Clear { all: true } => {
            let dir = cache_dir(g)?;
            let n = Cache::new(dir.clone()).clear_all().map_err(io_err)?;
            eprintln!(
                "cytoken: removed {n} cached token(s) from {}",
                dir.display()
            );
            Ok(0)
        }
        CacheCommand::Clear { all: false } => {
            let sel = selection(g)?;
            let removed = Broker::new(&sel, options(g)).clear()?;
            eprintln!(
                "cytoken: {} for profile '{}'",
                if removed {
                    "removed the cached token"
                } else {
                    "no cached token"
                },
                sel.profile
            );
            Ok(0)
        }
        CacheCommand::List => {
            let dir = cache_dir(g)?;
            let entries = Cache::new(dir).list().map_err(io_err)?;
            let now = authtoken::now();
            let mut text = String::new();
            if entries.is_empty() {
                text.push_str("no cached tokens\n");
            } else {
                text.push_str(&format!(
                    "{:<12} {:<38} {:<38} {:<22} {:>9}  {}\n",
                    "PROFILE", "TENANT", "APP", "EXPIRES", "LEFT", "SCOPES"
                ));
            }
            for (name, found) in entries {
                match found {
                    Found::Ok(e) => {
                        let left = e.expires_at - now;
                        let left = if left > 0 {
                            format!("{}m{:02}s", left / 60, left % 60)
                        } else {
                            "expired".into()
                        };
                        text.push_str(&format!(
                            "{:<12} {:<38} {:<38} {:<22} {:>9}  {}\n",
                            e.profile,
                            e.tenant_id,
                            e.app_id,
                            rfc3339(e.expires_at),
                            left,
                            if e.scopes.is_empty() {
                                "-".into()
                            } else {
                                e.scopes.join(",")
                            }
                        ));
                    }
                    Found::Untrusted(why) => {
                        text.push_str(&format!("{name}: untrusted entry ({why})\n"));
                    }
                    Found::Missing => {}
                }
            }
            out(w, format_args!("{text}"))
        }
    }
}
