//! Test harness: runs the built `cytoken` binary as a user would, with a blank
//! HOME, private XDG dirs and no inherited `CYTOKEN_*` variables, against the strict
//! loopback emulator.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub use cytoken_emulator::{Emulator, Fault};

pub const TENANT: &str = "3f0c2a9e-1b7d-4c55-9a0e-6d1f2b3c4d5e";
pub const APP: &str = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/// Long and distinctive, so a leak anywhere is found by a plain substring scan.
pub const SECRET: &str = "S3cr3t-Zq9vX2mK7pL4wR8tY1uB6nC0dE5fG";

pub struct Sandbox {
    pub home: tempfile::TempDir,
    pub emu: Emulator,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let home = tempfile::tempdir().unwrap();
        let emu = Emulator::start().unwrap();
        emu.register_app(TENANT, APP, SECRET);
        Sandbox { home, emu }
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.home.path().join(".cache").join("cytoken")
    }

    pub fn config_path(&self) -> PathBuf {
        self.home
            .path()
            .join(".config")
            .join("cytoken")
            .join("config.toml")
    }

    /// Writes the default config file with the given mode.
    pub fn write_config(&self, text: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = self.config_path();
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    /// A link named `name` to the binary in the sandbox's `bin` dir: how git
    /// and docker find `git-credential-cytoken` / `docker-credential-cytoken`.
    pub fn link(&self, name: &str) -> PathBuf {
        let dir = self.home.path().join("bin");
        let link = dir.join(name);
        if !link.exists() {
            std::fs::create_dir_all(&dir).unwrap();
            std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_cytoken"), &link).unwrap();
        }
        link
    }

    /// The binary with a hermetic environment and no selection at all.
    pub fn bare(&self) -> Command {
        self.bare_as(Path::new(env!("CARGO_BIN_EXE_cytoken")))
    }

    /// `program` (the binary or a link to it) with a hermetic environment.
    pub fn bare_as(&self, program: &Path) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env("XDG_CACHE_HOME", self.home.path().join(".cache"))
            .stdin(Stdio::null());
        c
    }

    /// The binary with a complete environment-only selection for the emulator.
    pub fn cmd(&self) -> Command {
        self.cmd_as(Path::new(env!("CARGO_BIN_EXE_cytoken")))
    }

    /// `program` with a complete environment-only selection for the emulator.
    pub fn cmd_as(&self, program: &Path) -> Command {
        let mut c = self.bare_as(program);
        c.env("CYTOKEN_TENANT_ID", TENANT)
            .env("CYTOKEN_APP_ID", APP)
            .env("CYTOKEN_APP_SECRET", SECRET)
            .env("CYTOKEN_AUTH_URL", self.emu.url());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Rewrites the one cached entry to expire `secs` from now (negative: in
    /// the past), e.g. stale inside the refresh margin but not yet expired.
    pub fn set_expiry(&self, secs: i64) -> PathBuf {
        let entry = self.entries().pop().expect("a cached entry");
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&entry).unwrap()).unwrap();
        let expires_at = cytoken::testing::now() + secs;
        v["expires_at"] = expires_at.into();
        // As if it had lived a full 30 minutes, so the refresh margin applies
        // in full (it is capped at half a token's actual life).
        v["obtained_at"] = (expires_at - 1800).into();
        std::fs::write(&entry, serde_json::to_vec(&v).unwrap()).unwrap();
        entry
    }

    /// Every regular file under the cache dir.
    pub fn cache_files(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(self.cache_dir())
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// The token entries (`<32 hex>.json`; not the parsed-config memos).
    pub fn entries(&self) -> Vec<PathBuf> {
        self.cache_files()
            .into_iter()
            .filter(|p| {
                let name = p.file_name().unwrap().to_str().unwrap();
                name.strip_suffix(".json")
                    .is_some_and(|k| k.len() == 32 && k.bytes().all(|b| b.is_ascii_hexdigit()))
            })
            .collect()
    }
}

/// Runs `cmd` with `input` on its stdin and returns its output. The input is
/// written on a thread and a broken pipe is fine: a helper may stop reading at
/// its bound, or never read (`store`, `list`), and exit.
pub fn feed(mut cmd: Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    o
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit status, showing the output when it differs.
#[track_caller]
pub fn assert_status(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
}

/// Asserts that no byte of output holds the secret.
#[track_caller]
pub fn assert_no_secret(o: &Output) {
    assert!(!stdout(o).contains(SECRET), "secret on stdout");
    assert!(
        !stderr(o).contains(SECRET),
        "secret on stderr: {}",
        stderr(o)
    );
}

pub fn write_file(path: &Path, text: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}
