//! `cytoken secret set|delete`: the profile's app secret in the OS keyring
//! (DESIGN §9).

use std::io::{Read, Write};

use crate::cli::SecretCommand;
use crate::error::{Error, Result};
use crate::invocation::Invocation;

pub(crate) fn run(
    _inv: &Invocation,
    _c: &SecretCommand,
    _input: impl Read,
    _w: &mut dyn Write,
) -> Result<i32> {
    Err(Error::usage("cytoken secret is not built yet"))
}
