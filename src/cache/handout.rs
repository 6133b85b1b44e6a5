//! The kubectl hand-out log: which client process was handed which token (a
//! fingerprint, never the token), so a re-ask after a 401 is recognised.

// Cache methods take `&self` even where the key alone names the file, so
// every caller goes through the one `Cache` value.
#![allow(clippy::unused_self)]

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::files::{check_in_place, read_in, write_atomic_in};
use super::{Cache, Found, Key, decode, file_name};
use crate::platform;

/// One hand-out of a key's token to a client process that keeps tokens only in
/// memory (kubectl). A client that asks again, before the time it was told, for
/// the token it holds is reporting that token rejected. Only a fingerprint of
/// the token is kept: the record exists to recognise a token, not to serve one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handout {
    /// The client's process id (first, so a log line is found by its prefix).
    #[serde(default)]
    pub pid: u32,
    /// The client's start time (0 where the OS does not tell), so a recycled
    /// pid is another client.
    #[serde(default)]
    pub started: u64,
    /// A fingerprint of the token handed out (never the token).
    pub token_fp: String,
    /// Epoch seconds until which the client was told the token is good.
    pub until: i64,
    /// The token was minted because this client re-asked: a second re-ask for
    /// it is not another rejection to act on (a server refusing fresh tokens, or
    /// a client that simply calls repeatedly), so it is served, not replaced.
    #[serde(default)]
    pub replaced: bool,
}

/// Past this size the hand-out log is rewritten with its live records only.
pub(super) const HANDOUT_LOG_MAX: u64 = 32 * 1024;

impl Cache {
    /// The latest hand-out to one client, from the key's log.
    pub(crate) fn handout(&self, key: &Key, pid: u32, started: u64) -> Found<Handout> {
        let Some(dir) = self.held_dir() else {
            return Found::Missing;
        };
        let bytes = match read_in(&dir, file_name(&key.handouts()), true) {
            Ok(Some(b)) => b,
            Ok(None) => return Found::Missing,
            Err(why) => return Found::Untrusted(why),
        };
        // Newest last; the fields are written pid first, so a prefix finds them.
        let prefix = format!("{{\"pid\":{pid},\"started\":{started},");
        last_line_starting(&bytes, prefix.as_bytes()).map_or(Found::Missing, decode)
    }

    /// Appends a hand-out to the key's log. This runs on every kubectl call, so
    /// it is one short `O_APPEND` write (atomic among concurrent writers): no
    /// lock, no fsync, and no new file after the first (creating a file costs
    /// about a millisecond on some file systems). A line lost in a crash only
    /// makes one re-ask look like a first ask. A log past [`HANDOUT_LOG_MAX`]
    /// is first rewritten with its live records.
    pub(crate) fn record_handout(&self, key: &Key, h: &Handout, now: i64) -> io::Result<()> {
        let mut line = serde_json::to_vec(h).map_err(io::Error::other)?;
        line.push(b'\n');
        // In the dir checked and held (made by the write of the token this
        // records, if it was absent): never through the path again.
        let dir = self.made_dir()?;
        let log = key.handouts();
        let checked = || {
            let file = dir.open_append(file_name(&log))?;
            check_in_place(&file).map_err(|why| io::Error::other(why.to_string()))?;
            Ok::<_, io::Error>(file)
        };
        let mut file = checked()?;
        if file.metadata()?.len() > HANDOUT_LOG_MAX {
            // Closed first: a file this process holds open must never be
            // replaced (Windows refuses, and it would write to the old one).
            drop(file);
            self.prune_handouts(key, now)?;
            file = checked()?;
        }
        file.write_all(&line)
    }

    /// Rewrites the key's hand-out log with only the records that can still
    /// matter (dropping damaged lines), or removes it when none are left: the
    /// newest record of each client, if it has not run out and the client is
    /// still running. kubectl is a new process per command, so without the
    /// last rule a busy user's log would hold hundreds of live records of
    /// clients long gone, and be read on every call; where the OS does not
    /// tell a start time (0), only the time rules. At most half of
    /// [`HANDOUT_LOG_MAX`] is kept (the newest), so a prune always makes room.
    pub(crate) fn prune_handouts(&self, key: &Key, now: i64) -> io::Result<()> {
        let Some(dir) = self.held_dir() else {
            return Ok(());
        };
        let log = key.handouts();
        let name = file_name(&log);
        let bytes = match read_in(&dir, name, false) {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(()),
            Err(_) => Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        let mut kept: Vec<&[u8]> = Vec::new();
        let mut size = 0;
        for line in bytes.split(|b| *b == b'\n').rev() {
            let Found::Ok(h) = decode::<Handout>(line) else {
                continue;
            };
            if !seen.insert((h.pid, h.started)) || h.until <= now {
                continue;
            }
            if h.started != 0 && platform::process_start(h.pid) != Some(h.started) {
                continue; // gone, or its pid now another process's
            }
            size += line.len() + 1;
            if size as u64 > HANDOUT_LOG_MAX / 2 {
                break;
            }
            kept.push(line);
        }
        if kept.is_empty() {
            return match dir.remove(name) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            };
        }
        let mut live = Vec::with_capacity(size);
        for line in kept.iter().rev() {
            live.extend_from_slice(line);
            live.push(b'\n');
        }
        if live == bytes {
            return Ok(());
        }
        write_atomic_in(&dir, name, &live)
    }
}

/// The last line of `log` that starts with `prefix`, without its newline.
/// kubectl's calls read this log on every call, up to [`HANDOUT_LOG_MAX`]
/// bytes, so the prefix is searched for (memchr's vectorised forward search;
/// its reverse one is not), not each line split off and compared.
pub(super) fn last_line_starting<'a>(log: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let at = memchr::memmem::find_iter(log, prefix)
        .filter(|&at| at == 0 || log[at - 1] == b'\n')
        .last()?;
    let line = &log[at..];
    Some(memchr::memchr(b'\n', line).map_or(line, |n| &line[..n]))
}

#[cfg(test)]
mod tests {
    use super::last_line_starting;

    /// The newest line with the prefix at its start, never a match inside a
    /// line, with or without a final newline.
    #[test]
    fn the_last_line_with_the_prefix_is_found() {
        let log = b"{\"pid\":7,a}\n{\"pid\":8,b}\nx{\"pid\":7,c}\n{\"pid\":7,d}\n{\"pid\":9,e}\n";
        assert_eq!(
            last_line_starting(log, b"{\"pid\":7,"),
            Some(&b"{\"pid\":7,d}"[..])
        );
        assert_eq!(
            last_line_starting(log, b"{\"pid\":8,"),
            Some(&b"{\"pid\":8,b}"[..])
        );
        assert_eq!(last_line_starting(log, b"{\"pid\":1,"), None);
        let inside = b"{\"pid\":7,a}\nx{\"pid\":7,c}\n";
        assert_eq!(
            last_line_starting(inside, b"{\"pid\":7,"),
            Some(&b"{\"pid\":7,a}"[..])
        );
        assert_eq!(last_line_starting(b"x{\"pid\":7,c}", b"{\"pid\":7,"), None);
        assert_eq!(
            last_line_starting(b"{\"pid\":7,z}", b"{\"pid\":7,"),
            Some(&b"{\"pid\":7,z}"[..])
        );
    }
}
