//! `cytoken api`: authenticated Cylance API calls (DESIGN §10).

use std::io::Write;

use crate::cli::api::ApiArgs;
use crate::error::{Error, Result};
use crate::invocation::Invocation;

pub(crate) fn run(_inv: &Invocation, _args: &ApiArgs, _w: &mut dyn Write) -> Result<i32> {
    Err(Error::usage("cytoken api is not built yet"))
}
