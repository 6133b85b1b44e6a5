//! The only `unsafe` code in cytoken: libc calls that std does not wrap. None
//! has preconditions or can corrupt memory, so the crate denies `unsafe_code`
//! everywhere else.
#![allow(unsafe_code)]

/// The effective uid, which cache files must be owned by.
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions, touches no memory and cannot fail.
    unsafe { libc::geteuid() }
}

/// Makes this process non-dumpable: no core file (which would hold the app
/// secret and tokens in plain text) and no ptrace attach by other processes of
/// the same user. The flag resets on exec, so `cytoken exec`'s command is not
/// affected.
#[cfg(target_os = "linux")]
pub fn protect_memory() {
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) takes no pointers; failure only leaves
    // the process dumpable, which is not worth failing the command over.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Elsewhere: at least no core file.
#[cfg(not(target_os = "linux"))]
pub fn protect_memory() {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: setrlimit reads the one struct we pass by reference.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
    }
}

/// Ends a whole process group (a child started with `process_group(0)` and
/// everything it spawned), as a shell does for a job that timed out.
pub fn kill_group(pgid: u32) {
    if let Ok(pgid) = i32::try_from(pgid) {
        // SAFETY: kill(2) takes no pointers; a group that is already gone is
        // simply not found.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}
