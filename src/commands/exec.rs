//! `cytoken exec [--env NAME] -- CMD [ARGS…]`: runs a program with the access token
//! in its environment (`NAME`, default `CYTOKEN_ACCESS_TOKEN`) and the token's expiry
//! in `CYTOKEN_EXPIRES_AT` (RFC 3339 UTC), and nothing of the app secret.
//!
//! On Unix cytoken *replaces itself* with the program (`execvp`): the program keeps
//! cytoken's pid, so signals sent to it (Ctrl-C, `kill`, a CI runner's timeout) reach
//! the program directly and its exit status, or the signal that ended it, is the
//! caller's, with no wrapper process in between. cytoken itself prints nothing on
//! stdout; the program's stdout is the only stdout.
//!
//! When the program cannot be started, cytoken exits as shells do: 127 when it is not
//! found, 126 when it is found but cannot be run (not executable, …), with one line
//! on stderr. Failures before that (selection, exchange) keep cytoken's own exit
//! statuses (2, 3, 4, 1) and the program is not run.

use std::ffi::OsString;
use std::process::Command;

use crate::broker::Broker;
use crate::clock::rfc3339;
use crate::diag;
use crate::error::{Error, Result};
use crate::invocation::Invocation;
use crate::platform;
use crate::source::Token;

/// Where the token goes unless `--env` says otherwise.
pub(crate) const DEFAULT_ENV: &str = "CYTOKEN_ACCESS_TOKEN";
/// Where the token's expiry goes (RFC 3339 UTC).
pub(crate) const EXPIRES_ENV: &str = "CYTOKEN_EXPIRES_AT";
/// The variable cytoken reads the app secret from by default.
const SECRET_ENV: &str = crate::config::SECRET_VAR;

/// Exit status when the program does not exist (as sh, bash and env use).
pub(crate) const NOT_FOUND_STATUS: i32 = 127;
/// Exit status when the program exists but cannot be run (as sh, bash and env use).
pub(crate) const CANNOT_RUN_STATUS: i32 = 126;

/// Resolves the token and runs `argv` with it. On Unix, returns only if the program
/// could not be started.
pub(crate) fn run(inv: &Invocation, env_name: &str, argv: &[OsString]) -> Result<i32> {
    // Checked before anything else: a usage error must never cost an exchange.
    check_env_name(env_name)?;
    let Some((program, rest)) = argv.split_first() else {
        return Err(Error::usage(
            "exec needs a command: cytoken exec [--env NAME] -- CMD [ARGS…]",
        ));
    };
    let sel = inv.selection()?;
    if sel.front_end.secret_vars.iter().any(|v| v == env_name) {
        return Err(Error::usage(format!(
            "--env {env_name} names the variable the app secret is read from; pick another \
             name such as {DEFAULT_ENV}"
        )));
    }
    let tok = Broker::new(&sel, inv.cache_use).token()?;
    let cmd = command(program, rest, env_name, &tok, &sel.front_end.secret_vars);
    diag::log(
        1,
        format_args!(
            "exec {} with {env_name}={} and {EXPIRES_ENV}={}",
            program.to_string_lossy(),
            crate::redact::redact(tok.access_token.expose()),
            rfc3339(tok.expires_at)
        ),
    );
    Ok(launch(cmd, program))
}

/// Refuses a `--env` name that is not a portable variable name (POSIX: letters,
/// digits and `_`, not starting with a digit), or that collides with a variable
/// cytoken sets or removes itself.
pub(crate) fn check_env_name(name: &str) -> Result<()> {
    if !crate::config::is_var_name(name) {
        return Err(Error::usage(format!(
            "--env {name:?} is not a valid environment variable name: use letters, digits and \
             underscores, not starting with a digit (e.g. {DEFAULT_ENV})"
        )));
    }
    if name == EXPIRES_ENV {
        return Err(Error::usage(format!(
            "--env {EXPIRES_ENV} would be overwritten by the expiry: pick another name such as \
             {DEFAULT_ENV}"
        )));
    }
    if name == SECRET_ENV {
        return Err(Error::usage(format!(
            "--env {SECRET_ENV} names the variable the app secret is read from; pick another \
             name such as {DEFAULT_ENV}"
        )));
    }
    Ok(())
}

/// The child's command line and environment: the inherited environment minus every
/// secret variable, plus the token and its expiry.
///
/// The token goes in the environment, never in argv: any user on the machine can
/// read another process's argv (`ps`), while its environment is readable only by
/// the same user and root.
pub(crate) fn command(
    program: &OsString,
    args: &[OsString],
    env_name: &str,
    tok: &Token,
    secret_vars: &[String],
) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args);
    // The child must never see the app secret (DESIGN §5): a program handed a
    // short-lived token should not be able to mint its own for the next months.
    // Every variable it could have come from (the selection lists them:
    // CYTOKEN_APP_SECRET and the profile's app_secret_env, even when one
    // overrides the other).
    for var in secret_vars {
        cmd.env_remove(var);
    }
    cmd.env(env_name, tok.access_token.expose())
        .env(EXPIRES_ENV, rfc3339(tok.expires_at));
    cmd
}

/// Replaces cytoken with the program where the OS can (Unix: `execvp`, so
/// signals reach it and its status is the caller's); elsewhere runs it as a
/// child and passes its exit status on. Nothing cytoken opened leaks into it:
/// std opens every file (cache entries, the lock file) close-on-exec, and the
/// lock is released by then anyway.
fn launch(cmd: Command, program: &OsString) -> i32 {
    match platform::run_in_place(cmd) {
        Ok(status) => status,
        Err(err) => cannot_start(program, &err),
    }
}

/// One line on stderr and the status a shell would give.
fn cannot_start(program: &OsString, err: &std::io::Error) -> i32 {
    let (code, why) = match err.kind() {
        std::io::ErrorKind::NotFound => (
            NOT_FOUND_STATUS,
            "command not found: check the name, or give its full path (PATH is searched)"
                .to_string(),
        ),
        std::io::ErrorKind::PermissionDenied => (
            CANNOT_RUN_STATUS,
            "permission denied: is it an executable file?".to_string(),
        ),
        _ => (CANNOT_RUN_STATUS, err.to_string()),
    };
    eprintln!(
        "cytoken: error: cannot run {:?}: {why}",
        program.to_string_lossy()
    );
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    fn tok() -> Token {
        Token {
            clock_skew: None,
            access_token: "eyJhbGciOiJIUzI1NiJ9.e30.sig".into(),
            expires_at: 1_767_225_600,
            refresh_at: 1_767_225_300,
            cached: false,
        }
    }

    fn envs(cmd: &Command) -> Vec<(String, Option<String>)> {
        let mut v: Vec<_> = cmd
            .get_envs()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.map(|v| v.to_string_lossy().into_owned()),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn env_names() {
        for ok in ["CYTOKEN_ACCESS_TOKEN", "MY_TOKEN", "_t", "a1"] {
            assert!(check_env_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1TOKEN",
            "MY-TOKEN",
            "A=B",
            "A B",
            "A\0B",
            "TÖKEN",
            "CYTOKEN_EXPIRES_AT",
            "CYTOKEN_APP_SECRET",
        ] {
            let e = check_env_name(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn child_env_has_token_and_expiry_and_no_secret_variable() {
        let program = OsString::from("sh");
        let args = [OsString::from("-c"), OsString::from("env")];
        let cmd = command(
            &program,
            &args,
            DEFAULT_ENV,
            &tok(),
            &["CYTOKEN_APP_SECRET".to_string()],
        );
        assert_eq!(cmd.get_program(), OsStr::new("sh"));
        assert_eq!(cmd.get_args().collect::<Vec<_>>(), ["-c", "env"]);
        assert_eq!(
            envs(&cmd),
            [
                (
                    "CYTOKEN_ACCESS_TOKEN".into(),
                    Some(tok().access_token.expose().clone())
                ),
                ("CYTOKEN_APP_SECRET".into(), None),
                (
                    "CYTOKEN_EXPIRES_AT".into(),
                    Some("2026-01-01T00:00:00Z".into())
                ),
            ]
        );

        // A profile's app_secret_env variable goes too; CYTOKEN_APP_SECRET always.
        let cmd = command(
            &program,
            &[],
            "MY_TOKEN",
            &tok(),
            &[
                "CYTOKEN_APP_SECRET".to_string(),
                "CYLANCE_SECRET".to_string(),
            ],
        );
        assert_eq!(
            envs(&cmd),
            [
                ("CYLANCE_SECRET".into(), None),
                ("CYTOKEN_APP_SECRET".into(), None),
                (
                    "CYTOKEN_EXPIRES_AT".into(),
                    Some("2026-01-01T00:00:00Z".into())
                ),
                ("MY_TOKEN".into(), Some(tok().access_token.expose().clone())),
            ]
        );
    }

    #[test]
    fn cannot_start_statuses() {
        let program = OsString::from("no-such-program");
        let nf = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(cannot_start(&program, &nf), 127);
        let pd = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(cannot_start(&program, &pd), 126);
    }
}
