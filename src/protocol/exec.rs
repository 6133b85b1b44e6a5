//! `cytoken exec` (placeholder; being written).
pub fn run(
    _g: &crate::cli::Global,
    _env: &str,
    _argv: &[std::ffi::OsString],
) -> crate::Result<i32> {
    Err(crate::Error::Other("exec: not yet implemented".into()))
}
