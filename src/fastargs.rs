//! The argument lists that run on every git, kubectl and docker call, parsed
//! without clap: building clap's whole command tree (every subcommand, with the
//! global options copied into each) is about a third of a cached call's work.
//!
//! Accepted: `cytoken`, `token [--format F]`, `exec-credential`,
//! `git-credential ACTION`, `docker-credential ACTION`, each with at most one
//! `-p NAME` / `--profile NAME` anywhere. Anything else — help, version, any
//! other option, an odd value — returns `None` and goes to clap, which also
//! produces every error message. A test checks that both parsers agree on
//! every list accepted here.

use std::ffi::OsString;

use crate::cli::{Cli, Command, Format, Global, TokenArgs};

/// The parsed command line, or `None` when clap must decide.
pub fn parse(args: &[OsString]) -> Option<Cli> {
    let mut profile = None;
    let mut format = None;
    let mut words: Vec<&str> = Vec::new();
    let mut it = args.iter().skip(1);
    while let Some(arg) = it.next() {
        let arg = arg.to_str()?;
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v)),
            _ => (arg, None),
        };
        let slot = match flag {
            "-p" | "--profile" if profile.is_none() && (flag != "-p" || inline.is_none()) => {
                &mut profile
            }
            // `--format` belongs to `token` and may only follow it.
            "--format" if format.is_none() && words == ["token"] => &mut format,
            _ if arg.starts_with('-') => return None,
            _ => {
                words.push(arg);
                continue;
            }
        };
        let value = match inline {
            Some(v) => v,
            None => it.next()?.to_str()?,
        };
        if value.is_empty() || value.starts_with('-') {
            return None;
        }
        *slot = Some(value);
    }
    let command = match (words.as_slice(), format) {
        ([], None) => None,
        (["token"], f) => Some(Command::Token(TokenArgs {
            format: match f {
                None | Some("raw") => Format::Raw,
                Some("json") => Format::Json,
                Some("header") => Format::Header,
                Some(_) => return None,
            },
        })),
        (["exec-credential"], None) => Some(Command::ExecCredential),
        (["git-credential", action], None) => Some(Command::GitCredential {
            action: (*action).to_string(),
        }),
        (["docker-credential", action], None) => Some(Command::DockerCredential {
            action: (*action).to_string(),
        }),
        _ => return None,
    };
    Some(Cli {
        global: Global {
            profile: profile.map(String::from),
            ..Global::default()
        },
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
            "exec-credential",
            "-p prod exec-credential",
            "exec-credential --profile prod",
            "git-credential get",
            "git-credential -p prod erase",
            "git-credential fill --profile=prod",
            "git-credential frobnicate",
            "docker-credential get",
            "-p p docker-credential list",
        ] {
            let fast = parse(&args(line)).unwrap_or_else(|| panic!("{line:?} not accepted"));
            let clap = Cli::try_parse_from(args(line)).unwrap();
            assert_eq!(fast, clap, "{line:?}");
        }
    }

    #[test]
    fn leaves_everything_else_to_clap() {
        for line in [
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
            "--no-cache",
            "--force-refresh token",
            "--scope a:b",
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
            std::os::unix::ffi::OsStringExt::from_vec(vec![0xff]),
        ];
        assert_eq!(parse(&non_utf8), None);
    }
}
