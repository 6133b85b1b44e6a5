//! Windows processes: the kill-on-close job object for the secret command's
//! tree, the parent's pid and creation time, memory protection, `exec`.

use std::io;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::os::windows::process::CommandExt;
use std::process::{Child, Command};

use windows_sys::Win32::Foundation::{FILETIME, INVALID_HANDLE_VALUE};
use windows_sys::Win32::System::Console::{CTRL_BREAK_EVENT, CTRL_C_EVENT, SetConsoleCtrlHandler};
use windows_sys::Win32::System::Diagnostics::ToolHelp::{
    CreateToolhelp32Snapshot, PROCESSENTRY32W, Process32FirstW, Process32NextW, TH32CS_SNAPPROCESS,
    TH32CS_SNAPTHREAD, THREADENTRY32, Thread32First, Thread32Next,
};
use windows_sys::Win32::System::ErrorReporting::{WER_FAULT_REPORTING_FLAG_NOHEAP, WerSetFlags};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_BREAKAWAY_OK,
    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
    JobObjectExtendedLimitInformation, SetInformationJobObject, TerminateJobObject,
};
use windows_sys::Win32::System::Threading::{
    CREATE_SUSPENDED, GetProcessTimes, OpenProcess, OpenThread, PROCESS_QUERY_LIMITED_INFORMATION,
    ResumeThread, THREAD_SUSPEND_RESUME,
};

/// The command that runs `program`, which the caller opened and checked as
/// `file`. Windows cannot run an open handle: the path, whose every
/// directory the check found unwritable by others.
pub(crate) fn checked_command(file: std::fs::File, program: &str) -> Command {
    drop(file);
    Command::new(program)
}

/// Makes `cmd` start suspended, so that [`Tree::start`] can put it in a job
/// object before it runs a single instruction (and so before it can start a
/// process that would escape the job).
pub(crate) fn own_tree(cmd: &mut Command) -> &mut Command {
    cmd.creation_flags(CREATE_SUSPENDED)
}

/// A child's whole process tree: a job object that every process it starts
/// joins, killed at once on timeout, and killed when closed (when cytoken
/// returns, or dies), so nothing the secret command started outlives the
/// call. A process may still leave the job on purpose
/// (`CREATE_BREAKAWAY_FROM_JOB`, as a daemon does, like `setsid` on Unix):
/// refusing that would make such helpers fail outright.
pub(crate) struct Tree {
    job: OwnedHandle,
}

impl Tree {
    /// Puts the child started by a command prepared with [`own_tree`] (still
    /// suspended) into a new kill-on-close job, then lets it run. On failure
    /// the child is killed: it never runs unbounded.
    pub(crate) fn start(child: &mut Child) -> io::Result<Tree> {
        let tree = Self::job().and_then(|job| {
            // SAFETY: two handles we hold open.
            if unsafe { AssignProcessToJobObject(job.as_raw_handle(), child.as_raw_handle()) } == 0
            {
                return Err(io::Error::last_os_error());
            }
            resume(child.id())?;
            Ok(Tree { job })
        });
        if tree.is_err() {
            let _ = child.kill();
            let _ = child.wait();
        }
        tree
    }

    pub(super) fn job() -> io::Result<OwnedHandle> {
        // SAFETY: no attributes, no name; a new handle or null.
        let h = unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) };
        if h.is_null() {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a handle we just opened and now own.
        let job = unsafe { OwnedHandle::from_raw_handle(h) };
        // SAFETY: all-zero is a valid value of this plain struct.
        let mut info: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = unsafe { std::mem::zeroed() };
        info.BasicLimitInformation.LimitFlags =
            JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_BREAKAWAY_OK;
        // SAFETY: the struct and its exact size, read during the call.
        let ok = unsafe {
            SetInformationJobObject(
                job.as_raw_handle(),
                JobObjectExtendedLimitInformation,
                std::ptr::from_ref(&info).cast(),
                u32::try_from(std::mem::size_of_val(&info)).unwrap_or(0),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(job)
    }

    /// Ends the child and everything it started (that did not break away).
    pub(crate) fn kill(&self, child: &mut Child) {
        // SAFETY: a job handle we own.
        unsafe {
            TerminateJobObject(self.job.as_raw_handle(), 1);
        }
        let _ = child.kill();
    }
}

/// Resumes the threads of process `pid` (a new suspended process has one).
fn resume(pid: u32) -> io::Result<()> {
    let snap = snapshot(TH32CS_SNAPTHREAD)?;
    // SAFETY: all-zero is a valid value of this plain struct.
    let mut te: THREADENTRY32 = unsafe { std::mem::zeroed() };
    te.dwSize = u32::try_from(std::mem::size_of::<THREADENTRY32>()).unwrap_or(0);
    let mut resumed = 0;
    // SAFETY: a snapshot handle we own and one struct with its size set.
    let mut more = unsafe { Thread32First(snap.as_raw_handle(), &raw mut te) } != 0;
    while more {
        if te.th32OwnerProcessID == pid {
            // SAFETY: opens a thread by id; a new handle or null.
            let t = unsafe { OpenThread(THREAD_SUSPEND_RESUME, 0, te.th32ThreadID) };
            if !t.is_null() {
                // SAFETY: the handle we just opened, now owned.
                let t = unsafe { OwnedHandle::from_raw_handle(t) };
                // SAFETY: a thread handle with THREAD_SUSPEND_RESUME.
                if unsafe { ResumeThread(t.as_raw_handle()) } != u32::MAX {
                    resumed += 1;
                }
            }
        }
        // SAFETY: as for Thread32First.
        more = unsafe { Thread32Next(snap.as_raw_handle(), &raw mut te) } != 0;
    }
    if resumed == 0 {
        return Err(io::Error::other("could not resume the started process"));
    }
    Ok(())
}

fn snapshot(what: u32) -> io::Result<OwnedHandle> {
    // SAFETY: a snapshot of the whole system; a new handle or INVALID.
    let h = unsafe { CreateToolhelp32Snapshot(what, 0) };
    if h == INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a handle we just opened and now own.
    Ok(unsafe { OwnedHandle::from_raw_handle(h) })
}

/// The parent of process `pid`, from a toolhelp snapshot.
pub(super) fn parent_of(pid: u32) -> Option<u32> {
    let snap = snapshot(TH32CS_SNAPPROCESS).ok()?;
    // SAFETY: all-zero is a valid value of this plain struct.
    let mut pe: PROCESSENTRY32W = unsafe { std::mem::zeroed() };
    pe.dwSize = u32::try_from(std::mem::size_of::<PROCESSENTRY32W>()).unwrap_or(0);
    // SAFETY: a snapshot handle we own and one struct with its size set.
    let mut more = unsafe { Process32FirstW(snap.as_raw_handle(), &raw mut pe) } != 0;
    while more {
        if pe.th32ProcessID == pid {
            return Some(pe.th32ParentProcessID);
        }
        // SAFETY: as for Process32FirstW.
        more = unsafe { Process32NextW(snap.as_raw_handle(), &raw mut pe) } != 0;
    }
    None
}

/// When process `pid` was created (100 ns units since 1601), if it is there.
pub(crate) fn process_start(pid: u32) -> Option<u64> {
    // SAFETY: opens a process by id for querying only; a handle or null.
    let h = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
    if h.is_null() {
        return None;
    }
    // SAFETY: the handle we just opened, now owned.
    let h = unsafe { OwnedHandle::from_raw_handle(h) };
    let zero = FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    };
    let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
    // SAFETY: a process handle with query access and four structs we own.
    let ok = unsafe {
        GetProcessTimes(
            h.as_raw_handle(),
            &raw mut created,
            &raw mut exited,
            &raw mut kernel,
            &raw mut user,
        )
    };
    (ok != 0).then(|| u64::from(created.dwHighDateTime) << 32 | u64::from(created.dwLowDateTime))
}

/// The process that started us and its creation time (so a recycled pid is
/// another process). Windows keeps no live parent link: the snapshot gives
/// the pid the parent had, and its creation time tells it from a newcomer.
pub(crate) fn parent_process() -> (u32, Option<u64>) {
    match parent_of(std::process::id()) {
        Some(pid) => (pid, process_start(pid)),
        None => (0, None),
    }
}

/// The arguments, from the UTF-16 command line: the `argv` the C runtime
/// passes to `main` (src/main.rs) is in the ANSI code page, which cannot hold
/// every name.
///
/// # Safety
/// None needed; `unsafe` only to match the Unix version.
#[allow(clippy::similar_names)] // C's own names
pub unsafe fn main_args(
    _argc: i32,
    _argv: *const *const std::ffi::c_char,
) -> Vec<std::ffi::OsString> {
    std::env::args_os().collect()
}

/// The binary's allocator: the process heap, which [`prepare_process`]
/// keeps out of crash dumps.
pub type Allocator = std::alloc::System;
/// The [`Allocator`] src/main.rs installs (a `const fn`: a `static` needs one).
pub const fn allocator() -> Allocator {
    std::alloc::System
}

/// What the process needs before anything else (src/main.rs does not run std's
/// own start, which on Windows only prepares the stack-overflow message).
/// Windows has no non-dumpable flag, and any process of the same user can
/// read our memory (as on Unix without `PR_SET_DUMPABLE`). What can be done:
/// keep the heap, where the app secret and tokens live, out of Windows Error
/// Reporting's crash dumps. The flag is this process's alone, so `exec`'s
/// program and the secret command report their own crashes as usual.
pub(crate) fn prepare_process() {
    // SAFETY: takes a flag word; failure only leaves the defaults.
    unsafe {
        WerSetFlags(WER_FAULT_REPORTING_FLAG_NOHEAP);
    }
}

/// Ctrl-C and Ctrl-Break reach every process on the console: `exec`'s program
/// decides what they mean, and cytoken waits to pass its status on.
unsafe extern "system" fn leave_to_child(event: u32) -> windows_sys::core::BOOL {
    i32::from(event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT)
}

/// Runs `cmd` to completion and returns its exit code: Windows cannot replace
/// a process, so cytoken waits (ignoring Ctrl-C, which the console delivers to
/// the program too) and passes the status on. Nothing of cytoken's leaks into
/// it: std opens every handle non-inheritable, and the lock is released by
/// then. Returns an error only when it could not be started.
pub(crate) fn run_in_place(mut cmd: Command) -> io::Result<i32> {
    // SAFETY: registers a handler function that lives for the whole process;
    // unlike "ignore Ctrl-C" (a NULL handler), a handler is not inherited.
    unsafe {
        SetConsoleCtrlHandler(Some(leave_to_child), 1);
    }
    let status = cmd.status()?;
    Ok(status.code().unwrap_or(1))
}
