//! Diagnostics: warnings always, steps and timings with `-v` or `CYTOKEN_LOG`,
//! on stderr and — since git, kubectl and IDEs hide a helper's stderr — also
//! appended to the log file when one is configured (`log_file`,
//! `CYTOKEN_LOG_FILE`): one line per warning and error (and per step when
//! verbose) with the time, pid, command and front-end, rotated at 1 MiB.
//! Callers pass only redacted values (see [`crate::redact`]); the file gets
//! token-shaped text redacted once more, as a second line of defence.
//!
//! Its layer (DESIGN §6, arrows one way): above `platform` (the log file is
//! opened and rotated in a checked [`platform::Dir`]) and below everything
//! that reports (`hosts`, the broker, the front-ends); `platform` never
//! calls it.

use std::ffi::{OsStr, OsString};
use std::fmt::Display;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

use crate::error::{Context as _, Error, Kind, Result};
use crate::platform::{self, Owner};

static LEVEL: AtomicU8 = AtomicU8::new(0);
static SINK: Mutex<Option<Sink>> = Mutex::new(None);
static CONTEXT: Mutex<String> = Mutex::new(String::new());

/// Past this size the log file is moved to `<name>.1` and started anew.
const ROTATE_AT: u64 = 1 << 20;

struct Sink {
    file: File,
    /// The log's directory, checked when it was opened: the rotation and the
    /// new file are made relative to it (DESIGN §5, check before touching).
    dir: platform::Dir,
    name: OsString,
}

/// Sets the verbosity from the `-v` count and `CYTOKEN_LOG` (a number, or
/// `warn`, `info`, `debug`, `trace`); the higher of the two wins.
pub(crate) fn init(verbose: u8, env: Option<&str>) {
    let from_env = match env.map(|s| s.trim().to_ascii_lowercase()) {
        Some(s) => match s.as_str() {
            "info" => 1,
            "debug" => 2,
            "trace" => 3,
            other => other.parse().unwrap_or(0),
        },
        None => 0,
    };
    LEVEL.store(verbose.max(from_env), Ordering::Relaxed);
}

/// Names this call in log file lines: the command (`git-credential get`) and
/// the front-end it was run as (`git-credential-cytoken`, `cytoken`).
pub(crate) fn set_context(command: &str, front_end: &str) {
    if let Ok(mut c) = CONTEXT.lock() {
        *c = format!("{command} via {front_end}");
    }
}

/// Appends diagnostics to `path` from now on. The file is created private;
/// an existing one must be a regular file of ours, writable by no one else,
/// with one name, in a directory no one else can write (whoever could swap
/// it could make us append to a file of their choosing). A log that cannot
/// be used is a warning, never a failure.
pub(crate) fn set_log_file(path: &Path, home: Option<&Path>) {
    match open_log(path, home) {
        Ok(sink) => {
            if let Ok(mut s) = SINK.lock() {
                *s = Some(sink);
            }
        }
        Err(why) => warn(format_args!(
            "not writing the log file {}: {why}",
            path.display()
        )),
    }
}

/// Checks the log's directory (see `platform::trusted_parent`: the user's or
/// root's, writable by no one else, or a sticky `/tmp` right above the log),
/// then opens the log in it.
fn open_log(path: &Path, home: Option<&Path>) -> Result<Sink> {
    // Absolute first: the directory of a bare `cytoken.log` is the current
    // one, which must pass the same check.
    let path =
        platform::plain_path(&std::path::absolute(path).context(Kind::Other, ToString::to_string)?);
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(Error::other("it names no file"));
    };
    let dir = platform::open_parent(dir, home).map_err(|e| Error::other(e.to_string()))?;
    let name = name.to_os_string();
    let file = open_in(&dir, &name)?;
    Ok(Sink { file, dir, name })
}

/// Opens (creating it) the log `name` in its checked directory: it must be
/// a private regular file of ours with one name.
fn open_in(dir: &platform::Dir, name: &OsStr) -> Result<File> {
    let file = dir
        .open_append(name)
        .context(Kind::Other, ToString::to_string)?;
    let meta = file.metadata().context(Kind::Other, ToString::to_string)?;
    let access = platform::access(&file, &meta).context(Kind::Other, ToString::to_string)?;
    if !meta.is_file() || access.owner != Owner::Me || access.others_write || access.links != 1 {
        return Err(Error::other(
            "it is not a private regular file of yours with one name",
        ));
    }
    Ok(file)
}

/// Whether messages of `level` (1 = steps, 2 = debug, 3 = trace) are shown.
pub(crate) fn enabled(level: u8) -> bool {
    LEVEL.load(Ordering::Relaxed) >= level
}

/// A warning: always shown, one line.
pub(crate) fn warn(msg: impl Display) {
    eprintln!("cytoken: warning: {msg}");
    to_file("warning", &msg);
}

/// The error a command ends with (printed on stderr by the caller): in the
/// log file too, where git and kubectl users can find it.
pub(crate) fn error(msg: impl Display) {
    to_file("error", &msg);
}

/// A diagnostic line at `level`.
pub(crate) fn log(level: u8, msg: impl Display) {
    if enabled(level) {
        eprintln!("cytoken: {msg}");
        to_file("info", &msg);
    }
}

/// A completed step with its duration, shown with `-v`.
pub(crate) fn step(start: Instant, msg: impl Display) {
    if enabled(1) {
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        eprintln!("cytoken: [{ms:8.3} ms] {msg}");
        to_file("info", &format_args!("[{ms:.3} ms] {msg}"));
    }
}

fn to_file(level: &str, msg: &dyn Display) {
    let Ok(mut guard) = SINK.lock() else { return };
    if guard
        .as_ref()
        .is_some_and(|s| s.file.metadata().is_ok_and(|m| m.len() > ROTATE_AT))
        && let Some(old) = guard.take()
    {
        // Rotated by moving it aside to `<name>.1`, closed first: a file this
        // process holds open is never replaced. Both names are in the
        // directory checked when the log was opened.
        let Sink { file, dir, name } = old;
        drop(file);
        let mut aside = name.clone();
        aside.push(".1");
        let moved = dir.rename(&name, &aside).is_ok();
        // Checked again: the new file is a new name in the directory.
        if let Ok(file) = open_in(&dir, &name) {
            // `<name>.1` could not be replaced (another user's file in a
            // sticky /tmp, say): the log, a private file of ours, starts
            // anew in place instead, so it stays bounded whatever is there.
            if moved || file.set_len(0).is_ok() {
                *guard = Some(Sink { file, dir, name });
            }
        }
    }
    let Some(sink) = guard.as_mut() else { return };
    let context = CONTEXT.lock().map(|c| c.clone()).unwrap_or_default();
    let text = crate::redact::sanitize(&crate::redact::redact_tokens(&msg.to_string()), usize::MAX);
    let line = format!(
        "{} pid={} {context} {level}: {text}\n",
        crate::clock::rfc3339(crate::clock::now()),
        std::process::id()
    );
    // One write per line, with O_APPEND: lines of concurrent processes do
    // not interleave.
    let _ = sink.file.write_all(line.as_bytes());
}
