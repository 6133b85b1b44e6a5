//! `app_secret_command`: an argv run without a shell, bounded in time with its
//! whole process tree, its first stdout line the secret.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Secret;
use crate::error::{Error, Result};
use crate::platform;

/// Whether `program` (an `app_secret_command`'s first word) is written with
/// a path (`/opt/team/get-secret`, `bin/get-secret`, resolved against the
/// config file's directory) rather than as a bare name looked up in `PATH`.
fn has_path(program: &str) -> bool {
    Path::new(program).components().count() > 1
}

/// Refuses a program named by path that is not a trusted path (DESIGN §5):
/// whoever can replace it, or rename a directory above it, runs code as the
/// user on the next refresh. A program named by path that does not exist is
/// refused too: nothing above a missing file is checked, so whatever appears
/// there by the spawn would run unchecked. A bare name looked up in `PATH`
/// is the user's own choice and is not walked ([`resolve_program`] says
/// which file it is). The checked file, held open, is what
/// [`run_secret_command`] runs (see `platform::checked_command`).
pub(crate) fn check_program(program: &str, home: Option<&Path>) -> Result<Option<std::fs::File>> {
    if !has_path(program) {
        return Ok(None);
    }
    match platform::open_trusted(Path::new(program), home) {
        Ok(file) => Ok(Some(file)),
        Err(platform::OpenTrusted::Untrusted(u)) => Err(Error::config(format!(
            "app_secret_command program {program} cannot be trusted: {u}; {} (anyone who can \
             change it would run code as you)",
            u.fix()
        ))),
        Err(platform::OpenTrusted::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Error::config(format!(
                "app_secret_command's program {program} does not exist: fix the path in \
                 app_secret_command"
            )))
        }
        Err(platform::OpenTrusted::Io(e)) => Err(Error::config(format!(
            "app_secret_command program {program} cannot be checked: {e}: fix the path"
        ))
        .with_source(e)),
    }
}

/// The file an `app_secret_command` runs: its path, or for a bare name the
/// first match on `PATH` (with the platform's executable suffix), as the
/// spawn will find it. `None` when nothing matches.
pub(crate) fn resolve_program(program: &str) -> Option<PathBuf> {
    if has_path(program) {
        return Some(PathBuf::from(program));
    }
    let suffixes = ["", std::env::consts::EXE_SUFFIX];
    std::env::split_paths(&std::env::var_os("PATH")?)
        .flat_map(|dir| suffixes.map(|sfx| dir.join(format!("{program}{sfx}"))))
        .find(|p| p.is_file())
}

pub(super) fn run_secret_command(
    argv: &[String],
    budget: Duration,
    home: Option<&Path>,
) -> Result<Secret> {
    use std::io::BufRead;
    let checked = check_program(&argv[0], home)?;
    let cmd = argv.join(" ");
    let fail = |why: String| {
        Error::config(format!(
            "app_secret_command `{cmd}` {why}: fix the command or run it by hand to see why"
        ))
    };
    let deadline = crate::clock::deadline(budget);
    let mut cmd = match checked {
        Some(file) => platform::checked_command(file, &argv[0]),
        None => Command::new(&argv[0]),
    };
    // Its own process tree, so a timeout also ends whatever it started.
    platform::own_tree(&mut cmd);
    let mut child = cmd
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| fail(format!("could not start ({e})")).with_source(e))?;
    // Windows starts it suspended: its tree is bounded (a job object) before it runs.
    let tree =
        platform::Tree::start(&mut child).map_err(|e| fail(format!("could not start ({e})")))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    // Only the first line is the secret. Read it on a thread and never wait for
    // EOF: a helper that leaves a background process holding stdout open must
    // not hang git or kubectl past the budget.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = std::io::BufReader::new(stdout.take(64 * 1024));
        let mut line = String::new();
        let read = reader.read_line(&mut line).map(|_| line);
        let _ = tx.send(read);
        // Keep draining so the command is never killed by a broken pipe.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let timed_out = |child: &mut std::process::Child| {
        tree.kill(child);
        let _ = child.wait();
        fail(format!(
            "did not finish within {} s (the `timeout` setting)",
            budget.as_secs()
        ))
    };
    let line = match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(Ok(line)) => line,
        Ok(Err(_)) => return Err(fail("printed non-UTF-8 output".into())),
        Err(_) => return Err(timed_out(&mut child)),
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => return Err(timed_out(&mut child)),
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(fail(format!("could not be waited for ({e})"))),
        }
    };
    let first = Secret::new(line).map(|l| l.trim_end_matches(['\n', '\r']).to_string());
    if !status.success() {
        return Err(fail(format!("failed ({status})")));
    }
    if first.expose().is_empty() {
        return Err(fail("printed nothing".into()));
    }
    Ok(first)
}
