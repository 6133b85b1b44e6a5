//! `cytoken completions SHELL` and `cytoken man [config]`: the committed files
//! under `completions/` and `doc/`, embedded. They are generated from the clap
//! definitions and the configuration reference ([`crate::config::reference`])
//! by this file's tests (which fail when a committed file differs from what
//! is generated now; `reference.rs` beside them renders the configuration
//! pages), so the binary links neither clap_complete's
//! generators nor clap_mangen: code and relocations every cached call would
//! pay at start-up for two commands a user runs once.

use std::io::Write;

use clap_complete::Shell;

use crate::cli::ManPage;
use crate::error::{Error, Result};
use crate::output::out;

#[cfg(test)]
mod profiles;

pub(crate) fn completions(shell: Shell, w: &mut dyn Write) -> Result<i32> {
    let script = match shell {
        Shell::Bash => include_str!("../../completions/cytoken.bash"),
        Shell::Zsh => include_str!("../../completions/_cytoken"),
        Shell::Fish => include_str!("../../completions/cytoken.fish"),
        Shell::Elvish => include_str!("../../completions/cytoken.elv"),
        Shell::PowerShell => include_str!("../../completions/_cytoken.ps1"),
        // clap_complete's enum is non_exhaustive; the CLI offers only the above.
        other => return Err(Error::usage(format!("no completions for {other}"))),
    };
    out(w, format_args!("{script}"))
}

pub(crate) fn man(page: ManPage, w: &mut dyn Write) -> Result<i32> {
    let roff = match page {
        ManPage::Cytoken => include_str!("../../doc/cytoken.1"),
        ManPage::Config => include_str!("../../doc/cytoken-config.5"),
    };
    out(w, format_args!("{roff}"))
}

#[cfg(test)]
mod reference;

/// The generators of the committed files, and the check that they match.
#[cfg(test)]
mod tests {
    use std::path::Path;

    use clap::CommandFactory;
    use clap_complete::Shell;
    use clap_mangen::roff::{Inline, Roff, bold, italic, roman};

    use super::reference;
    use crate::cli::Cli;

    /// Where each committed completion script lives.
    const SCRIPTS: [(Shell, &str); 5] = [
        (Shell::Bash, "completions/cytoken.bash"),
        (Shell::Zsh, "completions/_cytoken"),
        (Shell::Fish, "completions/cytoken.fish"),
        (Shell::Elvish, "completions/cytoken.elv"),
        (Shell::PowerShell, "completions/_cytoken.ps1"),
    ];
    const MAN: &str = "doc/cytoken.1";
    const CONFIG_MAN: &str = "doc/cytoken-config.5";
    const CONFIG_MD: &str = "doc/configuration.md";

    fn generated_completions(shell: Shell) -> Vec<u8> {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "cytoken", &mut buf);
        let script = String::from_utf8(buf).unwrap();
        super::profiles::offer_profile_names(shell, script).into_bytes()
    }

    fn generated_man() -> Vec<u8> {
        let cmd = Cli::command();
        let page = clap_mangen::Man::new(cmd.clone());
        let mut buf = Vec::new();
        page.render_title(&mut buf).unwrap();
        page.render_name_section(&mut buf).unwrap();
        synopsis(&cmd).to_writer(&mut buf).unwrap();
        page.render_description_section(&mut buf).unwrap();
        page.render_options_section(&mut buf).unwrap();
        commands(&cmd).to_writer(&mut buf).unwrap();
        reference().to_writer(&mut buf).unwrap();
        page.render_version_section(&mut buf).unwrap();
        buf
    }

    fn every_file() -> Vec<(&'static str, Vec<u8>)> {
        let mut files: Vec<_> = SCRIPTS
            .iter()
            .map(|&(shell, file)| (file, generated_completions(shell)))
            .collect();
        files.push((MAN, generated_man()));
        files.push((CONFIG_MAN, reference::config_page()));
        let md = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(CONFIG_MD))
            .unwrap_or_default();
        let generated = reference::configuration_md(&md).unwrap_or_else(|| {
            panic!(
                "{CONFIG_MD} lacks the markers {} and {}",
                reference::BEGIN,
                reference::END
            )
        });
        files.push((CONFIG_MD, generated.into_bytes()));
        files
    }

    #[test]
    fn committed_files_match_the_generated_ones() {
        for (file, generated) in every_file() {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            let committed = std::fs::read(&path).unwrap_or_default();
            assert!(
                committed == generated,
                "{file} differs from what is generated (clap, the configuration reference): regenerate the committed files with \
                 `cargo test --lib commands::docs::tests::regenerate -- --ignored` and commit"
            );
        }
    }

    /// Writes the committed files anew (run on purpose, see the message above).
    #[test]
    #[ignore = "writes completions/ and doc/: run it to regenerate them"]
    fn regenerate() {
        for (file, generated) in every_file() {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            std::fs::write(&path, generated).unwrap();
        }
    }

    /// `cytoken [-p|--profile NAME] … [COMMAND]`, every option with its value.
    fn synopsis(cmd: &clap::Command) -> Roff {
        let mut line: Vec<Inline> = vec![bold("cytoken")];
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            line.push(roman(" ["));
            let mut names = Vec::new();
            if let Some(s) = arg.get_short() {
                names.push(format!("-{s}"));
            }
            if let Some(l) = arg.get_long() {
                names.push(format!("--{l}"));
            }
            for (i, n) in names.iter().enumerate() {
                if i > 0 {
                    line.push(roman("|"));
                }
                line.push(bold(n.as_str()));
            }
            if arg.get_action().takes_values() {
                for v in arg.get_value_names().unwrap_or_default() {
                    line.push(roman(" "));
                    line.push(italic(format!("<{v}>")));
                }
            }
            line.push(roman("]"));
        }
        line.push(roman(" ["));
        line.push(italic("COMMAND"));
        line.push(roman("]"));
        let mut roff = Roff::new();
        roff.control("SH", ["SYNOPSIS"]).text(line);
        roff
    }

    /// One entry per command, with its own arguments.
    fn commands(cmd: &clap::Command) -> Roff {
        let mut roff = Roff::new();
        roff.control("SH", ["COMMANDS"]);
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut head = vec![bold(format!("cytoken {}", sub.get_name()))];
            for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
                let shown = match (arg.get_long(), arg.get_short()) {
                    (Some(l), _) => format!("--{l}"),
                    (None, Some(s)) => format!("-{s}"),
                    (None, None) => arg
                        .get_value_names()
                        .and_then(|v| v.first())
                        .map_or_else(|| arg.get_id().to_string(), ToString::to_string),
                };
                head.push(roman(format!(" [{shown}]")));
            }
            if sub.has_subcommands() {
                let names: Vec<&str> = sub.get_subcommands().map(clap::Command::get_name).collect();
                head.push(roman(format!(" {}", names.join("|"))));
            }
            roff.control("TP", []).text(head);
            let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
            roff.text([roman(about)]);
        }
        roff.control("PP", []).text([roman(
            "With no command, cytoken behaves as cytoken token; `cytoken COMMAND --help` shows \
             each command's options and examples.",
        )]);
        roff
    }

    /// EXIT STATUS, ENVIRONMENT (the configuration reference's), FILES and
    /// SEE ALSO.
    fn reference() -> Roff {
        let mut roff = Roff::new();
        let table = |roff: &mut Roff, title: &str, rows: &[(&str, &str)]| {
            roff.control("SH", [title]);
            for (term, text) in rows {
                roff.control("TP", [])
                    .text([bold(*term)])
                    .text([roman(*text)]);
            }
        };
        table(
            &mut roff,
            "EXIT STATUS",
            &[
                ("0", "success"),
                ("1", "other failure"),
                (
                    "2",
                    "usage or configuration error (before any network call)",
                ),
                ("3", "the token endpoint rejected the request (400/401/403)"),
                (
                    "4",
                    "the token endpoint is unreachable or failing (network, timeout, 5xx or 429 \
                     after retries, malformed response)",
                ),
                (
                    "5",
                    "the Cylance API answered an error status (cytoken api)",
                ),
            ],
        );
        reference::environment(&mut roff);
        table(
            &mut roff,
            "FILES",
            &[
                (
                    "~/.config/cytoken/config.toml",
                    "the config file (the OS config dir: %APPDATA%\\cytoken on Windows, \
                     ~/Library/Application Support/cytoken on macOS)",
                ),
                (
                    "~/.cache/cytoken/",
                    "the token cache (the OS cache dir: %LOCALAPPDATA%\\cytoken on Windows, \
                     ~/Library/Caches/cytoken on macOS); cytoken cache path prints it",
                ),
            ],
        );
        roff.control("SH", ["SEE ALSO"]).text([
            bold("cytoken-config"),
            roman("(5): every config key, variable and flag (cytoken man config)"),
        ]);
        roff
    }
}
