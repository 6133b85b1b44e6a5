//! Test harness: runs the built `cytoken` binary as a user would, with a blank
//! HOME, private XDG dirs and no inherited `CYTOKEN_*` variables, against the strict
//! loopback emulator.
//!
//! The same tests run on Windows (under wine in CI): `set_mode` and `mode`
//! stand a Unix mode for an equivalent DACL there, and since Windows' own
//! folders (`%APPDATA%`, `%LOCALAPPDATA%`) come from the user profile, not the
//! environment, the sandbox's paths are passed as `CYTOKEN_CACHE_DIR` and (once
//! the file exists) `CYTOKEN_CONFIG`.

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
        let p = self.config_path();
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        chmod(&p, mode);
        p
    }

    /// A link named `name` to the binary in the sandbox's `bin` dir: how git
    /// and docker find `git-credential-cytoken` / `docker-credential-cytoken`.
    pub fn link(&self, name: &str) -> PathBuf {
        let dir = self.home.path().join("bin");
        let link = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        if !link.exists() {
            std::fs::create_dir_all(&dir).unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_cytoken"), &link).unwrap();
            // As `cytoken install-helpers` makes them on Windows.
            #[cfg(windows)]
            std::fs::hard_link(cytoken_exe(), &link)
                .or_else(|_| std::fs::copy(cytoken_exe(), &link).map(drop))
                .unwrap();
        }
        link
    }

    /// The binary with a hermetic environment and no selection at all.
    pub fn bare(&self) -> Command {
        self.bare_as(cytoken_exe())
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
        #[cfg(windows)]
        {
            // What a Windows process needs to start at all (Winsock wants
            // SystemRoot), and the sandbox's dirs by name, since `dirs` asks
            // the user profile, never the environment.
            for var in [
                "SystemRoot",
                "SystemDrive",
                "windir",
                "TEMP",
                "TMP",
                "PATHEXT",
                "ComSpec",
            ] {
                if let Some(v) = std::env::var_os(var) {
                    c.env(var, v);
                }
            }
            c.env("USERPROFILE", self.home.path())
                .env("APPDATA", self.home.path().join(".config"))
                .env("LOCALAPPDATA", self.home.path().join(".cache"))
                .env("CYTOKEN_CACHE_DIR", self.cache_dir());
            if self.config_path().exists() {
                c.env("CYTOKEN_CONFIG", self.config_path());
            }
        }
        c
    }

    /// The binary with a complete environment-only selection for the emulator.
    pub fn cmd(&self) -> Command {
        self.cmd_as(cytoken_exe())
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
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
    drop(f);
    chmod(path, mode);
}

/// `path` as a TOML string (Windows paths hold backslashes, TOML's escape).
pub fn toml_path(path: &Path) -> String {
    let s = path.display().to_string();
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// One run of a command and what it must show, in the style of just's
/// `Test`: `sb.test().args(["token"]).stdout_has("eyJ").success()`.
/// Every expectation is checked before anything is reported, and a failure
/// shows the command, its status, its stdout and its stderr.
#[must_use]
pub struct Run {
    cmd: Command,
    stdin: Option<Vec<u8>>,
    expected: Vec<Expect>,
}

enum Expect {
    Stdout(String),
    StdoutHas(String),
    Stderr(String),
    StderrHas(String),
    StderrLacks(String),
    NoSecret,
}

impl Sandbox {
    /// A run of the binary with a complete environment-only selection
    /// ([`Sandbox::cmd`]).
    pub fn test(&self) -> Run {
        Run::new(self.cmd())
    }

    /// A run of the binary with no selection ([`Sandbox::bare`]).
    pub fn test_bare(&self) -> Run {
        Run::new(self.bare())
    }
}

impl Run {
    pub fn new(cmd: Command) -> Run {
        Run {
            cmd,
            stdin: None,
            expected: Vec::new(),
        }
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Run {
        self.cmd.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Run {
        self.cmd.env(key, value);
        self
    }

    /// Bytes for stdin (through [`feed`]); without it stdin is empty.
    pub fn stdin(mut self, input: impl AsRef<[u8]>) -> Run {
        self.stdin = Some(input.as_ref().to_vec());
        self
    }

    /// Stdout must be exactly `text`.
    pub fn stdout(mut self, text: impl Into<String>) -> Run {
        self.expected.push(Expect::Stdout(text.into()));
        self
    }

    pub fn stdout_has(mut self, text: impl Into<String>) -> Run {
        self.expected.push(Expect::StdoutHas(text.into()));
        self
    }

    /// Stderr must be exactly `text`.
    pub fn stderr(mut self, text: impl Into<String>) -> Run {
        self.expected.push(Expect::Stderr(text.into()));
        self
    }

    pub fn stderr_has(mut self, text: impl Into<String>) -> Run {
        self.expected.push(Expect::StderrHas(text.into()));
        self
    }

    pub fn stderr_lacks(mut self, text: impl Into<String>) -> Run {
        self.expected.push(Expect::StderrLacks(text.into()));
        self
    }

    /// Neither stream may hold the secret ([`assert_no_secret`]).
    pub fn no_secret(mut self) -> Run {
        self.expected.push(Expect::NoSecret);
        self
    }

    /// Runs it: exit 0 and every expectation met, or a panic showing all.
    #[track_caller]
    pub fn success(self) -> Output {
        self.status(0)
    }

    /// Runs it: exit `code` and every expectation met, or a panic showing all.
    #[track_caller]
    pub fn status(mut self, code: i32) -> Output {
        let shown = shown(&self.cmd);
        let o = match self.stdin.take() {
            Some(input) => feed(self.cmd, &input),
            None => self.cmd.stdin(Stdio::null()).output().unwrap(),
        };
        let (out, err) = (stdout(&o), stderr(&o));
        let mut wrong = Vec::new();
        if o.status.code() != Some(code) {
            wrong.push(format!("exit {code} expected"));
        }
        for e in &self.expected {
            match e {
                Expect::Stdout(t) if out != *t => wrong.push(format!("stdout should be {t:?}")),
                Expect::StdoutHas(t) if !out.contains(t) => {
                    wrong.push(format!("stdout should hold {t:?}"));
                }
                Expect::Stderr(t) if err != *t => wrong.push(format!("stderr should be {t:?}")),
                Expect::StderrHas(t) if !err.contains(t) => {
                    wrong.push(format!("stderr should hold {t:?}"));
                }
                Expect::StderrLacks(t) if err.contains(t) => {
                    wrong.push(format!("stderr should not hold {t:?}"));
                }
                Expect::NoSecret if out.contains(SECRET) || err.contains(SECRET) => {
                    wrong.push("the secret is in the output".to_string());
                }
                _ => {}
            }
        }
        assert!(
            wrong.is_empty(),
            "{}\ncommand: {shown}\nstatus: {}\nstdout:\n{out}\nstderr:\n{err}",
            wrong.join("; "),
            o.status
        );
        o
    }
}

/// `cmd` as a shell would show it: the `CYTOKEN_*` variables it sets (a
/// secret's value withheld), the program and its arguments.
fn shown(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| {
            let k = k.to_string_lossy();
            k.starts_with("CYTOKEN_").then(|| match v {
                Some(_) if k.contains("SECRET") => format!("{k}=(secret)"),
                Some(v) => format!("{k}={}", v.to_string_lossy()),
                None => format!("-u {k}"),
            })
        })
        .collect();
    parts.sort();
    parts.push(cmd.get_program().to_string_lossy().into_owned());
    parts.extend(cmd.get_args().map(|a| format!("{:?}", a.to_string_lossy())));
    parts.join(" ")
}

// Commands for app_secret_command (TOML arrays) and exec, from what each OS
// has: Windows (and wine) has cmd and ping, no sh, true, false or sleep.
#[cfg(unix)]
pub const TRUE: &str = r#"["true"]"#;
#[cfg(windows)]
pub const TRUE: &str = r#"["cmd", "/c", "exit 0"]"#;
#[cfg(unix)]
pub const FALSE: &str = r#"["false"]"#;
#[cfg(windows)]
pub const FALSE: &str = r#"["cmd", "/c", "exit 1"]"#;
/// Runs for a minute, printing nothing.
#[cfg(unix)]
pub const SLEEP_60: &str = r#"["sleep", "60"]"#;
#[cfg(windows)]
pub const SLEEP_60: &str = r#"["cmd", "/c", "ping -n 60 127.0.0.1 >NUL"]"#;
/// A program that succeeds, as its argv (for `exec --`).
#[cfg(unix)]
pub const TRUE_PROGRAM: &[&str] = &["true"];
#[cfg(windows)]
pub const TRUE_PROGRAM: &[&str] = &["cmd", "/c", "exit 0"];

/// The fix cytoken names for a file others can read.
#[cfg(unix)]
pub const PRIVATE_FIX: &str = "chmod 600";
#[cfg(windows)]
pub const PRIVATE_FIX: &str = "icacls";

/// Gives `path` the permissions of a Unix `mode` (on Windows a protected
/// DACL: the owner bits for the current user, SYSTEM in full, group and other
/// bits for Everyone).
#[cfg(unix)]
pub fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The permission bits of `path` (on Windows: 0o600, or 0o700 for a
/// directory, when it is owned by the current user and its DACL grants nobody
/// but the user and SYSTEM; other accounts' grants add group/other bits, a
/// foreign owner 0o7000).
#[cfg(unix)]
pub fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Makes `link` a symlink to `target`; whether there is one (see the Windows
/// version: wine makes none).
#[cfg(unix)]
pub fn symlink_or_note(target: &Path, link: &Path) -> bool {
    std::os::unix::fs::symlink(target, link).unwrap();
    true
}

#[cfg(windows)]
pub use win::{alive, chmod, mode_of, suspend, symlink_or_note};

/// The Windows halves of the helpers above, and process control std lacks.
#[cfg(windows)]
mod win {
    use std::ffi::c_void;
    use std::os::windows::ffi::OsStrExt;
    use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
    use std::path::Path;

    use windows_sys::Win32::Foundation::LocalFree;
    use windows_sys::Win32::Security::Authorization::{
        ConvertStringSecurityDescriptorToSecurityDescriptorW, GetNamedSecurityInfoW,
        SDDL_REVISION_1, SE_FILE_OBJECT,
    };
    use windows_sys::Win32::Security::{
        ACE_HEADER, ACL, DACL_SECURITY_INFORMATION, GetAce, GetLengthSid, GetTokenInformation,
        OWNER_SECURITY_INFORMATION, PROTECTED_DACL_SECURITY_INFORMATION, PSID, SetFileSecurityW,
        TOKEN_QUERY, TOKEN_USER, TokenUser,
    };
    use windows_sys::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, TH32CS_SNAPTHREAD, THREADENTRY32, Thread32First, Thread32Next,
    };
    use windows_sys::Win32::System::Threading::{
        GetCurrentProcess, OpenProcess, OpenProcessToken, OpenThread, PROCESS_SYNCHRONIZE,
        SuspendThread, THREAD_SUSPEND_RESUME, WaitForSingleObject,
    };

    fn wide(path: &Path) -> Vec<u16> {
        path.as_os_str().encode_wide().chain(Some(0)).collect()
    }

    /// SAFETY: `sid` must be a valid SID.
    unsafe fn sid_bytes(sid: PSID) -> Vec<u8> {
        // SAFETY: the caller passes a valid SID, whose length GetLengthSid reads.
        unsafe { std::slice::from_raw_parts(sid.cast::<u8>(), GetLengthSid(sid) as usize).to_vec() }
    }

    fn sid_string(b: &[u8]) -> String {
        let auth = b[2..8].iter().fold(0u64, |n, x| n << 8 | u64::from(*x));
        let mut s = format!("S-{}-{auth}", b[0]);
        for c in b[8..].chunks_exact(4) {
            s.push_str(&format!(
                "-{}",
                u32::from_le_bytes([c[0], c[1], c[2], c[3]])
            ));
        }
        s
    }

    const SYSTEM: &[u8] = &[1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0];

    fn me() -> Vec<u8> {
        // SAFETY: the token handle is checked and owned; every buffer passed is sized by the call that fills it.
        unsafe {
            let mut token = std::ptr::null_mut();
            assert!(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &raw mut token) != 0);
            let token = OwnedHandle::from_raw_handle(token);
            let mut buf = vec![0u64; 64];
            let mut len = 0;
            assert!(
                GetTokenInformation(
                    token.as_raw_handle(),
                    TokenUser,
                    buf.as_mut_ptr().cast(),
                    512,
                    &raw mut len
                ) != 0
            );
            sid_bytes((*buf.as_ptr().cast::<TOKEN_USER>()).User.Sid)
        }
    }

    pub fn chmod(path: &Path, mode: u32) {
        let rights = |bits: u32| {
            let mut m = 0u32;
            if bits & 4 != 0 {
                m |= 0x0012_0089;
            }
            if bits & 2 != 0 {
                m |= 0x0012_0116 | 0x0001_0000 | 0x40;
            }
            if bits & 1 != 0 {
                m |= 0x0012_00a0;
            }
            m
        };
        let mut sddl = String::from("D:P(A;;FA;;;SY)");
        let own = rights(mode >> 6 & 7);
        if own != 0 {
            sddl.push_str(&format!("(A;;{own:#x};;;{})", sid_string(&me())));
        }
        let others = rights((mode >> 3 | mode) & 7);
        if others != 0 {
            sddl.push_str(&format!("(A;;{others:#x};;;WD)"));
        }
        let text: Vec<u16> = sddl.encode_utf16().chain(Some(0)).collect();
        // SAFETY: `text` is NUL-terminated UTF-16; the descriptor is freed after use and `path` is NUL-terminated.
        unsafe {
            let mut sd = std::ptr::null_mut();
            assert!(
                ConvertStringSecurityDescriptorToSecurityDescriptorW(
                    text.as_ptr(),
                    SDDL_REVISION_1,
                    &raw mut sd,
                    std::ptr::null_mut()
                ) != 0
            );
            let ok = SetFileSecurityW(
                wide(path).as_ptr(),
                DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                sd,
            );
            LocalFree(sd);
            assert!(
                ok != 0,
                "{}: {}",
                path.display(),
                std::io::Error::last_os_error()
            );
        }
    }

    pub fn mode_of(path: &Path) -> u32 {
        let me = me();
        // SAFETY: GetNamedSecurityInfoW fills the out pointers, read only while the descriptor it returns is alive.
        unsafe {
            let (mut owner, mut dacl, mut sd): (PSID, *mut ACL, *mut c_void) = (
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            );
            let rc = GetNamedSecurityInfoW(
                wide(path).as_ptr(),
                SE_FILE_OBJECT,
                OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                &raw mut owner,
                std::ptr::null_mut(),
                &raw mut dacl,
                std::ptr::null_mut(),
                &raw mut sd,
            );
            assert_eq!(rc, 0, "{}", path.display());
            let mut bits = if path.is_dir() { 0o700 } else { 0o600 };
            if sid_bytes(owner) != me {
                bits |= 0o7000;
            }
            if dacl.is_null() {
                bits |= 0o077;
            } else {
                for i in 0..u32::from((*dacl).AceCount) {
                    let mut p = std::ptr::null_mut();
                    assert!(GetAce(dacl, i, &raw mut p) != 0);
                    let h = p.cast::<ACE_HEADER>().read_unaligned();
                    if h.AceFlags & 0x08 != 0 || h.AceType == 1 {
                        continue; // inherit-only, or a deny
                    }
                    let mask = p.cast::<u8>().add(4).cast::<u32>().read_unaligned();
                    let sid = sid_bytes(p.cast::<u8>().add(8).cast());
                    if h.AceType != 0 || (sid != me && sid != SYSTEM) {
                        if mask & 0x8000_0009 != 0 {
                            bits |= 0o044;
                        }
                        if mask & 0x400d_0156 != 0 {
                            bits |= 0o022;
                        }
                        if mask & 0x2000_0020 != 0 && path.is_dir() {
                            bits |= 0o011;
                        }
                    }
                }
            }
            LocalFree(sd);
            bits
        }
    }

    /// Wine 8's CreateSymbolicLinkW reports success and creates nothing: then
    /// this says so on stderr (past libtest's capture) and returns false, and
    /// the caller's symlink case does not run (it does on Windows itself,
    /// given Developer Mode or the symlink privilege).
    pub fn symlink_or_note(target: &Path, link: &Path) -> bool {
        use std::io::Write as _;
        let made = if target.is_dir() {
            std::os::windows::fs::symlink_dir(target, link)
        } else {
            std::os::windows::fs::symlink_file(target, link)
        };
        let there = std::fs::symlink_metadata(link).is_ok_and(|m| m.file_type().is_symlink());
        if !there {
            let _ = writeln!(
                std::io::stderr(),
                "note: no symlink could be made at {} ({made:?}; wine creates none): \
                 the symlink case of this test did not run",
                link.display()
            );
        }
        there
    }

    /// Suspends every thread of process `pid`: what SIGSTOP does on Unix.
    pub fn suspend(pid: u32) {
        // SAFETY: the snapshot handle is owned; THREADENTRY32 is plain data with its size set before the walk.
        unsafe {
            let snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
            let snap = OwnedHandle::from_raw_handle(snap);
            let mut te: THREADENTRY32 = std::mem::zeroed();
            te.dwSize = u32::try_from(std::mem::size_of::<THREADENTRY32>()).unwrap();
            let mut n = 0;
            let mut more = Thread32First(snap.as_raw_handle(), &raw mut te) != 0;
            while more {
                if te.th32OwnerProcessID == pid {
                    let t = OpenThread(THREAD_SUSPEND_RESUME, 0, te.th32ThreadID);
                    if !t.is_null() {
                        let t = OwnedHandle::from_raw_handle(t);
                        if SuspendThread(t.as_raw_handle()) != u32::MAX {
                            n += 1;
                        }
                    }
                }
                more = Thread32Next(snap.as_raw_handle(), &raw mut te) != 0;
            }
            assert!(n > 0, "no thread of {pid} suspended");
        }
    }

    /// Whether process `pid` still runs.
    pub fn alive(pid: u32) -> bool {
        // SAFETY: the process handle is checked for null and closed after the wait.
        unsafe {
            let h = OpenProcess(PROCESS_SYNCHRONIZE, 0, pid);
            if h.is_null() {
                return false;
            }
            let h = OwnedHandle::from_raw_handle(h);
            WaitForSingleObject(h.as_raw_handle(), 0) == 0x102 // WAIT_TIMEOUT
        }
    }
}

/// The cytoken binary the tests run.
#[cfg(not(windows))]
pub fn cytoken_exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_cytoken"))
}

/// The cytoken binary the tests run: a private copy in the user's temp dir.
/// cytoken trusts (and `check` passes, and `install-helpers` links to) only a
/// binary no one else can replace, and the build dir may sit under `/tmp`,
/// which wine shows as writable by everyone.
#[cfg(windows)]
pub fn cytoken_exe() -> &'static Path {
    static COPY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    COPY.get_or_init(|| private_copy(Path::new(env!("CARGO_BIN_EXE_cytoken"))))
}

/// `exe` copied into a directory of the user's own (the temp dir), for
/// programs cytoken must trust; copies an earlier run left there are removed.
#[cfg(windows)]
pub fn private_copy(exe: &Path) -> PathBuf {
    let dir = std::env::temp_dir().join("cytoken-tests-bin");
    std::fs::create_dir_all(&dir).unwrap();
    let stem = exe.file_stem().unwrap().to_string_lossy().into_owned();
    let prefix = format!("{stem}-");
    for old in std::fs::read_dir(&dir).unwrap().flatten() {
        if old.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(old.path());
        }
    }
    let copy = dir.join(format!("{prefix}{}.exe", std::process::id()));
    std::fs::copy(exe, &copy).unwrap();
    copy
}

/// A value as a shell reads one word of it: `'…'` single-quoted (with
/// `'\''` for a quote inside), else as written; what `demo --serve` prints
/// for a path with backslashes (Windows) or spaces.
pub fn shell_word(v: &str) -> String {
    match v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        Some(inner) => inner.replace("'\\''", "'"),
        None => v.to_string(),
    }
}
