//! The argument lists that run on every git, kubectl and docker call, parsed
//! without clap: building clap's whole command tree (every subcommand, with the
//! global options copied into each) is about a third of a cached call's work.
//!
//! Accepted: `cytoken`, `token [--format F]`, `exec-credential`,
//! `git-credential ACTION`, `docker-credential ACTION`, with the selection
//! options (`-p`, `--config`, `--cache-dir`, `--tenant-id`, `--app-id`,
//! `--region`, `--auth-url`, `--scope`, `--lifetime`, `--source`,
//! `--min-valid`, `--no-cache`,
//! `--force-refresh`) anywhere. Anything else — help, version, `-v`, a repeated
//! option, an odd value — returns `None` and goes to clap, which also produces
//! every error message. A test checks that both parsers agree on
//! every list accepted here.

use std::ffi::OsString;

use crate::cli::{Cli, Command, Format, Global, TokenArgs};

/// The parsed command line, or `None` when clap must decide.
pub(crate) fn parse(args: &[OsString]) -> Option<Cli> {
    let mut g = Global::default();
    let mut format = None;
    let mut format_before_command = false;
    let mut words: Vec<&str> = Vec::new();
    let mut it = args.iter().skip(1);
    while let Some(arg) = it.next() {
        let arg = arg.to_str()?;
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v)),
            _ => (arg, None),
        };
        // Switches first: they take no value.
        match flag {
            "--no-cache" if inline.is_none() && !g.no_cache && !g.force_refresh => {
                g.no_cache = true;
                continue;
            }
            "--force-refresh" if inline.is_none() && !g.force_refresh && !g.no_cache => {
                g.force_refresh = true;
                continue;
            }
            _ => {}
        }
        let known = matches!(
            flag,
            "-p" | "--profile"
                | "--config"
                | "--cache-dir"
                | "--tenant-id"
                | "--app-id"
                | "--region"
                | "--auth-url"
                | "--scope"
                | "--lifetime"
                | "--source"
                | "--min-valid"
                | "--format"
        );
        if !known {
            if arg.starts_with('-') {
                return None;
            }
            words.push(arg);
            continue;
        }
        if flag == "-p" && inline.is_some() {
            return None;
        }
        let value = match inline {
            Some(v) => v,
            None => it.next()?.to_str()?,
        };
        if value.is_empty() || value.starts_with('-') {
            return None;
        }
        // Each option at most once (clap refuses a repeat), but --scope.
        let once = |slot: &mut Option<String>| slot.replace(value.to_string()).is_none();
        let fresh = match flag {
            "-p" | "--profile" => once(&mut g.profile),
            "--tenant-id" => once(&mut g.tenant_id),
            "--app-id" => once(&mut g.app_id),
            "--region" => once(&mut g.region),
            "--auth-url" => once(&mut g.auth_url),
            "--config" => g.config.replace(value.into()).is_none(),
            "--cache-dir" => g.cache_dir.replace(value.into()).is_none(),
            "--lifetime" => g.lifetime.replace(value.parse().ok()?).is_none(),
            "--min-valid" => g.min_valid.replace(value.parse().ok()?).is_none(),
            "--source" => g.source.replace(value.into()).is_none(),
            "--scope" => {
                g.scopes.push(value.to_string());
                true
            }
            // `--format` belongs to `token` (or to no command at all, which
            // is `token`) and may only follow it.
            _ if words.is_empty() => {
                format_before_command = true;
                format.replace(value).is_none()
            }
            _ => words == ["token"] && format.replace(value).is_none(),
        };
        if !fresh {
            return None;
        }
    }
    finish(g, &words, format, format_before_command)
}

/// The command the words name, with `--format` where it may be.
fn finish(
    g: Global,
    words: &[&str],
    format: Option<&str>,
    format_before_command: bool,
) -> Option<Cli> {
    // `--format json token`: clap decides (and refuses it).
    if format_before_command && !words.is_empty() {
        return None;
    }
    let format = match format {
        None | Some("raw") => Format::Raw,
        Some("json") => Format::Json,
        Some("header") => Format::Header,
        Some(_) => return None,
    };
    let mut token = TokenArgs::default();
    let command = match words {
        [] => {
            token.format = format;
            None
        }
        ["token"] => Some(Command::Token(TokenArgs { format })),
        _ if format != Format::Raw => return None,
        ["exec-credential"] => Some(Command::ExecCredential),
        ["git-credential", action] => Some(Command::GitCredential {
            action: (*action).to_string(),
        }),
        ["docker-credential", action] => Some(Command::DockerCredential {
            action: (*action).to_string(),
        }),
        _ => return None,
    };
    Some(Cli {
        global: g,
        token,
        command,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(line: &str) -> Vec<OsString> {
        std::iter::once("cytoken")
            .chain(line.split_whitespace())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn agrees_with_clap_on_everything_it_accepts() {
        for line in [
            "",
            "token",
            "token --format json",
            "token --format=header",
            "token --format raw",
            "-p prod",
            "--profile prod token",
            "--profile=prod token --format json",
            "token -p prod",
            "token --format json -p prod",
            "--format json",
            "-p prod --format=header",
            "exec-credential",
            "-p prod exec-credential",
            "exec-credential --profile prod",
            "git-credential get",
            "git-credential -p prod erase",
            "git-credential fill --profile=prod",
            "git-credential frobnicate",
            "docker-credential get",
            "-p p docker-credential list",
            "--config /c.toml --cache-dir /d token",
            "token --config=/c.toml --scope a:b --scope c:d --lifetime 600",
            "--source build-42 --min-valid 600 token",
            "exec-credential --min-valid=900 --source=ci",
            "--tenant-id t --app-id a --auth-url https://x/auth/v2/token --region eu",
            "--no-cache token --format json",
            "--force-refresh token",
            "exec-credential --cache-dir /d",
            "git-credential --scope x:y get",
        ] {
            let fast = parse(&args(line)).unwrap_or_else(|| panic!("{line:?} not accepted"));
            let clap = Cli::try_parse_from(args(line)).unwrap();
            assert_eq!(fast, clap, "{line:?}");
        }
    }

    #[test]
    fn leaves_everything_else_to_clap() {
        for line in [
            // Meaningless together: clap says so.
            "--no-cache --force-refresh token",
            "--help",
            "-h",
            "token --help",
            "--version",
            "-V",
            "-v token",
            "token --format xml",
            "token --format",
            "--format json token",
            "-p",
            "-p -v",
            "-pprod",
            "-p=prod",
            "-p a -p b",
            "--profile=",
            "--no-cache --no-cache",
            "--lifetime soon",
            "--lifetime -5",
            "--config a --config b",
            "--no-cache=yes",
            "-vv token",
            "--verbose",
            "cache list",
            "check",
            "demo",
            "exec -- true",
            "auth-token",
            "git-credential",
            "git-credential get extra",
            "docker-credential",
            "exec-credential extra",
            "help",
            "tokens",
        ] {
            assert_eq!(parse(&args(line)), None, "{line:?}");
        }
        let non_utf8 = vec![
            OsString::from("cytoken"),
            crate::platform::testing::non_utf8_arg(),
        ];
        assert_eq!(parse(&non_utf8), None);
    }
}
