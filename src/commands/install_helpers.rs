//! `cytoken install-helpers [DIR]`: creates `git-credential-cytoken` and
//! `docker-credential-cytoken` beside the binary (or in DIR), the names git
//! and docker look up on `PATH` — symlinks on Unix, hard links (a copy as a
//! fallback) on Windows — and says how each client finds them.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::output::out;
use crate::platform;

/// The helper names git and docker run, without the platform's `.exe`.
pub(crate) const HELPERS: [&str; 2] = ["git-credential-cytoken", "docker-credential-cytoken"];

pub(crate) fn run(dir: Option<&Path>, w: &mut dyn Write) -> Result<i32> {
    let exe = std::env::current_exe().map_err(|e| {
        Error::other(format!("cannot find the cytoken binary itself: {e}")).with_source(e)
    })?;
    let dir: PathBuf = match dir {
        Some(d) => platform::plain_path(d),
        None => exe
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| Error::other("the cytoken binary has no directory"))?,
    };
    if !dir.is_dir() {
        return Err(Error::usage(format!(
            "{} is not a directory: create it, or give another DIR",
            dir.display()
        )));
    }
    // git and docker run whatever these names lead to, as this user: a
    // directory others can write is a place they can swap them. A root-owned
    // one no one else can write is root's business (/usr/local/bin).
    let home = crate::env::Env::process().home_dir();
    platform::trusted_parent(&dir, home.as_deref()).map_err(|u| {
        Error::config(format!(
            "cannot install the helpers in {}: {u}: anyone who can change it could swap the \
             program git and docker run as you; pick a directory only you (or root) can write",
            dir.display()
        ))
    })?;
    // …and so is the binary they lead to, wherever it is.
    platform::trusted_binary(&exe, home.as_deref()).map_err(|why| {
        Error::config(format!(
            "cannot install the helpers: {why}: git and docker would run it as you"
        ))
    })?;
    let mut report = String::new();
    for name in HELPERS {
        let link = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        let how = platform::install_link(&exe, &link).map_err(|e| {
            Error::other(format!(
                "cannot create {}: {e}{}",
                link.display(),
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    " (it is not a link to cytoken; remove it first)"
                } else {
                    ""
                }
            ))
            .with_source(e)
        })?;
        report.push_str(&format!("{how} {} -> {}\n", link.display(), exe.display()));
    }
    report.push_str(
        "git runs git-credential-cytoken for `credential.helper = cytoken`, and docker runs \
         docker-credential-cytoken for `\"credHelpers\": {\"<registry>\": \"cytoken\"}`; both \
         look it up on PATH.\n",
    );
    if !on_path(&dir) {
        report.push_str(&format!(
            "note: {} is not on PATH; add it there, or give a DIR that is\n",
            dir.display()
        ));
    }
    out(w, format_args!("{report}"))
}

/// Whether `dir` is one of the `PATH` directories.
fn on_path(dir: &Path) -> bool {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let want = canon(dir);
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|p| canon(&p) == want))
}
