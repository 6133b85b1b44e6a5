//! The entry: `argv[0]` personality (`git-credential-cytoken`,
//! `docker-credential-cytoken`), the fast or clap parse, dispatch to one
//! command or front-end, and every error turned into one line on stderr and an
//! exit status. Nothing imports this module.

use std::cell::OnceCell;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};

use clap::Parser;

use crate::broker::Broker;
use crate::cli::{Cli, Command};
use crate::config::{ForHost, Selection};
use crate::error::{Error, Result};
use crate::invocation::Invocation;
use crate::source::TokenSource;
use crate::{commands, diag, platform, protocol};

/// Runs cytoken with `args` (argv including the program name); returns the exit status.
pub fn run(mut args: Vec<OsString>) -> i32 {
    platform::prepare_process();
    let front_end = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .map_or_else(|| "cytoken".into(), |n| n.to_string_lossy().into_owned());
    if let Some(helper) = helper_personality(args.first()) {
        args.insert(1, helper.into());
    }
    let parsed = match crate::cli::fast::parse(&args) {
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
        std::env::var("CYTOKEN_LOG").ok().as_deref(),
    );
    diag::set_context(&command_name(cli.command.as_ref()), &front_end);
    if let Some(path) = std::env::var_os("CYTOKEN_LOG_FILE").filter(|p| !p.is_empty()) {
        let env = crate::config::Env::process();
        diag::set_log_file(std::path::Path::new(&path), env.home_dir().as_deref());
    }
    match dispatch(cli) {
        Ok(code) => code,
        // The reader went away (`cytoken api … | head`): nothing is left to
        // say to anyone, as with other filters (ripgrep, cat).
        Err(e) if broken_pipe(&e) => 0,
        Err(e) => {
            report(&e);
            e.exit_code()
        }
    }
}

/// The error on stderr: one line, then with `-v` each cause on its own
/// indented `caused by:` line (see [`Error::chain`]; the log file gets the
/// same lines).
fn report(e: &Error) {
    eprintln!("cytoken: error: {e}");
    diag::error(e);
    if diag::enabled(1) {
        for cause in e.chain() {
            eprintln!("  caused by: {cause}");
            diag::error(format_args!("  caused by: {cause}"));
        }
    }
}

/// The helper a link named as git or docker look for (`git-credential-cytoken`,
/// `docker-credential-cytoken`, with or without `.exe`, in any case) stands for.
fn helper_personality(argv0: Option<&OsString>) -> Option<&'static str> {
    let name = std::path::Path::new(argv0?).file_name()?.to_str()?;
    let name = name.to_ascii_lowercase();
    let name = name.strip_suffix(".exe").unwrap_or(&name);
    ["git-credential", "docker-credential"]
        .into_iter()
        .find(|helper| name.starts_with(&format!("{helper}-")))
}

/// Whether the error is a write to a pipe whose reader has closed it.
fn broken_pipe(e: &Error) -> bool {
    std::error::Error::source(e)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// The command as log lines name it (`git-credential get`, `token`).
fn command_name(command: Option<&Command>) -> String {
    match command {
        Some(Command::GitCredential { action }) => format!("git-credential {action}"),
        Some(Command::DockerCredential { action }) => format!("docker-credential {action}"),
        Some(c) => c.name().to_string(),
        None => "token".into(),
    }
}

fn dispatch(cli: Cli) -> Result<i32> {
    // `cytoken --format json` is `cytoken token --format json`; before another
    // command the option would be silently ignored.
    if cli.command.is_some() && cli.token != crate::cli::TokenArgs::default() {
        return Err(Error::usage(
            "--format is an option of `token` (the default command): give it after `token`, \
             or give no command at all",
        ));
    }
    let inv = Invocation::new(&cli.global);
    let stdout = &mut std::io::stdout().lock();
    match cli.command {
        None => commands::token::token(&inv, cli.token.format, stdout),
        Some(Command::Token(t)) => commands::token::token(&inv, t.format, stdout),
        Some(Command::AuthToken { claims }) => commands::token::auth_token(&inv, claims, stdout),
        Some(Command::GitCredential { action }) => {
            front_end(protocol::git::run, &action, &inv, stdout)
        }
        Some(Command::ExecCredential) => front_end(protocol::kube::run, "", &inv, stdout),
        Some(Command::DockerCredential { action }) => {
            front_end(protocol::docker::run, &action, &inv, stdout)
        }
        Some(Command::Exec { env, command }) => commands::exec::run(&inv, &env, &command),
        Some(Command::Cache(c)) => commands::cache::run(&inv, &c, stdout),
        Some(Command::Check { offline }) => commands::check::run(&inv, offline, stdout),
        Some(Command::Demo {
            serve,
            listen,
            clock_skew,
            https,
        }) => {
            if serve {
                commands::demo::serve(&listen, clock_skew, https, stdout)
            } else {
                commands::demo::run(stdout)
            }
        }
        Some(Command::Completions { shell }) => commands::docs::completions(shell, stdout),
        Some(Command::Man { page }) => commands::docs::man(page, stdout),
        Some(Command::Api(args)) => commands::api::run(&inv, &args, stdout),
        Some(Command::Secret(c)) => {
            commands::secret::run(&inv, &c, std::io::stdin().lock(), stdout)
        }
        Some(Command::Init(args)) => {
            commands::init::run(&inv, &args, std::io::stdin().lock(), stdout)
        }
        Some(Command::Setup(c)) => commands::setup::run(&inv, &c, stdout),
        Some(Command::Status { all, json }) => commands::status::run(&inv, all, json, stdout),
        Some(Command::InstallHelpers { dir }) => {
            commands::install_helpers::run(dir.as_deref(), stdout)
        }
    }
}

/// Runs a protocol front-end on this process's stdin, environment and
/// stdout, for the invocation's profile.
fn front_end(
    run: protocol::Run,
    action: &str,
    inv: &Invocation,
    out: &mut dyn Write,
) -> Result<i32> {
    let selection = OnceCell::new();
    let profile = Resolved {
        inv,
        selection: &selection,
        broker: OnceCell::new(),
    };
    run(protocol::Call {
        action,
        input: &mut std::io::stdin().lock(),
        env: inv.env(),
        at_terminal: || std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        profile: &profile,
        out,
    })
}

/// A front-end's profile: the invocation's selection, resolved on first use,
/// and one broker for it.
struct Resolved<'a> {
    inv: &'a Invocation,
    /// Outside the struct, so the broker can borrow it.
    selection: &'a OnceCell<Selection>,
    broker: OnceCell<Broker<'a>>,
}

impl<'a> Resolved<'a> {
    fn resolve(&self, host: Option<ForHost<'_>>) -> Result<&'a Selection> {
        if let Some(sel) = self.selection.get() {
            return Ok(sel);
        }
        let sel = self.inv.selection_for(host)?;
        Ok(self.selection.get_or_init(|| sel))
    }
}

impl protocol::Profile for Resolved<'_> {
    fn selection(&self, host: Option<ForHost<'_>>) -> Result<&Selection> {
        self.resolve(host)
    }

    fn tokens(&self) -> Result<&dyn TokenSource> {
        if let Some(broker) = self.broker.get() {
            return Ok(broker);
        }
        let sel = self.resolve(None)?;
        Ok(self
            .broker
            .get_or_init(|| Broker::new(sel, self.inv.cache_use)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helper_names_ignore_exe_and_case() {
        let p = |s: &str| helper_personality(Some(&OsString::from(s)));
        assert_eq!(p("/usr/bin/git-credential-cytoken"), Some("git-credential"));
        assert_eq!(
            p("Docker-Credential-Cytoken.EXE"),
            Some("docker-credential")
        );
        assert_eq!(p("git-credential-cytoken.exe"), Some("git-credential"));
        assert_eq!(p("cytoken"), None);
        assert_eq!(p("cytoken.exe"), None);
    }
}
