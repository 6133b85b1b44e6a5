//! client-go exec credential plugin (placeholder; being written).
use std::io::Write;
pub fn run(
    _g: &crate::cli::Global,
    _exec_info: Option<String>,
    _out: impl Write,
) -> crate::Result<i32> {
    Err(crate::Error::Other(
        "exec-credential: not yet implemented".into(),
    ))
}
