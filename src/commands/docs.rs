//! `cytoken completions SHELL` and `cytoken man`: generated from the clap
//! definitions (and committed, drift-tested, under `completions/` and `doc/`).

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::output::out;

pub(crate) fn completions(shell: clap_complete::Shell, w: &mut dyn Write) -> Result<i32> {
    clap_complete::generate(shell, &mut Cli::command(), "cytoken", w);
    out(w, format_args!(""))
}

pub(crate) fn man(w: &mut dyn Write) -> Result<i32> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Error::other(format!("man page: {e}")).with_source(e))?;
    out(w, format_args!("{}", String::from_utf8_lossy(&buf)))
}
