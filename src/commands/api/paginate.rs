//! `--paginate`: page 1, then the other pages with up to `--jobs` in flight,
//! every `page_items` element written in page order as soon as the pages
//! before it are written (one JSON array, or one item per line). Memory is
//! bounded in bytes, whatever the server sends (DESIGN §5): a page's body is
//! read up to [`PAGE_LIMIT`], and the pages read and not yet written hold at
//! most [`BUDGET`] bytes — a worker whose page would pass it waits, except
//! for the page the writer needs next, which never waits (so the listing
//! cannot deadlock); peak memory stays near `BUDGET + PAGE_LIMIT`. A
//! `total_pages` that does not match `total_number_of_items` and the page
//! size asked for is refused before page 2 ([`check_total`]). A page that
//! still fails after retries stops the listing with its number (the array
//! is left unclosed, so nothing downstream mistakes it for the whole list);
//! no page is written twice.

use std::collections::BTreeMap;
use std::io::{BufWriter, Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ureq::http::{Method, Uri};

use super::client::{Client, Req};
use super::items::{self, compact};
use super::progress::Progress;
use super::{io_error, status_error};
use crate::diag;
use crate::error::{Error, Result};

/// Largest page body read (a page of 200 devices is about 100 KiB).
const PAGE_LIMIT: u64 = 32 << 20;
/// Bytes of pages read (or being read) and not yet written, across workers.
const BUDGET: u64 = 64 << 20;
/// Reservations from [`BUDGET`] are made in steps of this many bytes.
const RESERVE_STEP: u64 = 1 << 20;
/// How long one page's body may take to arrive.
const PAGE_BODY_TIMEOUT: Duration = Duration::from_secs(120);
/// Tries of one page whose body was cut off (the status retries are the client's).
const BODY_ATTEMPTS: u32 = 3;
/// More pages than this is not a list cytoken can have been meant to read.
const MAX_PAGES: u64 = 1_000_000;

/// What `--paginate` was asked for.
pub(super) struct Opts {
    pub page_size: u32,
    pub jobs: u32,
    pub ndjson: bool,
}

/// One page, fetched and checked, its items not yet written.
struct Fetched {
    page_number: Option<u64>,
    total_pages: u64,
    total_items: Option<u64>,
    count: u64,
    page_size: Option<u64>,
    /// The page's body as the server sent it, and where its items are: the
    /// writer compacts them as it writes (no second copy of the page).
    body: Vec<u8>,
    /// Where `page_items` starts in `body` (see [`items::items`]).
    array: usize,
    /// Bytes of [`BUDGET`] this page holds until it is written.
    reserved: u64,
}

/// A page that failed for good; `body` is an error status's body.
struct Failure {
    error: Error,
    body: Option<Vec<u8>>,
}

/// Why a worker's read stopped: the listing was abandoned meanwhile.
struct Aborted;

/// Takes `n` bytes of the budget for `page`, waiting while it is spent —
/// unless `page` is the one the writer needs next: it always proceeds, so
/// the pages holding the budget are always written, and released, in time.
fn reserve(shared: &Shared, page: u64, n: u64) -> std::result::Result<(), Aborted> {
    let mut s = lock(shared);
    loop {
        if s.abort {
            return Err(Aborted);
        }
        if page <= s.written || s.held.saturating_add(n) <= BUDGET {
            s.held = s.held.saturating_add(n);
            return Ok(());
        }
        s = shared.1.wait(s).unwrap_or_else(PoisonError::into_inner);
    }
}

fn release(shared: &Shared, n: u64) {
    let mut s = lock(shared);
    s.held = s.held.saturating_sub(n);
    shared.1.notify_all();
}

/// Bodies past this size are read into a buffer of [`PAGE_LIMIT`] bytes of
/// capacity: the allocator maps a buffer that large afresh and unmaps it when
/// it is freed, where smaller ones would stay in each worker thread's heap
/// after use (16 workers kept 16 pages: 490 MiB peak for 30 MiB pages).
/// Untouched capacity costs no memory.
const LARGE_BODY: usize = 1 << 20;

/// Reads a body up to [`PAGE_LIMIT`], reserving its bytes as they come.
/// `Ok(None)`: larger than the limit. The reservation is returned with it
/// (and released on every error).
fn read_body(
    reader: &mut dyn Read,
    shared: &Shared,
    page: u64,
) -> std::result::Result<(Option<Vec<u8>>, u64), ReadStop> {
    let mut body = Vec::new();
    let mut reserved = 0u64;
    let mut buf = vec![0u8; 64 << 10];
    let stop = |reserved: u64, why: ReadStop| {
        release(shared, reserved);
        Err(why)
    };
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok((Some(body), reserved)),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return stop(reserved, ReadStop::Io(e)),
        };
        let len = body.len() as u64 + n as u64;
        if len > PAGE_LIMIT {
            release(shared, reserved);
            return Ok((None, 0));
        }
        while len > reserved {
            if reserve(shared, page, RESERVE_STEP).is_err() {
                return stop(reserved, ReadStop::Aborted);
            }
            reserved += RESERVE_STEP;
        }
        if body.len() + n > body.capacity() && body.len() + n > LARGE_BODY {
            // PAGE_LIMIT is at most a few tens of MiB: it fits in usize.
            let whole = usize::try_from(PAGE_LIMIT).unwrap_or(usize::MAX);
            body.reserve_exact(whole.saturating_sub(body.len()));
        }
        body.extend_from_slice(&buf[..n]);
    }
}

enum ReadStop {
    Io(std::io::Error),
    Aborted,
}

fn page_uri(list: &Uri, page: u64, size: u32) -> Result<Uri> {
    let text = list.to_string();
    let sep = if text.contains('?') { '&' } else { '?' };
    format!("{text}{sep}page={page}&page_size={size}")
        .parse()
        .map_err(|_| Error::usage("PATH does not make a valid page URL"))
}

fn fetch(
    client: &Client,
    list: &Uri,
    page: u64,
    opts: &Opts,
    shared: &Shared,
) -> Result<Fetched, Failure> {
    let fail = |error| Failure { error, body: None };
    let aborted = || fail(Error::other("the listing was stopped"));
    let uri = page_uri(list, page, opts.page_size).map_err(fail)?;
    let req = Req {
        method: &Method::GET,
        uri: &uri,
        body: None,
        headers: &[],
        body_timeout: Some(PAGE_BODY_TIMEOUT),
    };
    let mut tries = 0;
    let (status, body, reserved, note, redactor) = loop {
        tries += 1;
        let mut answer = client.send(&req).map_err(fail)?;
        let status = answer.response.status();
        // The limit is enforced by `read_body`; ureq's own only backs it up.
        let mut reader = answer
            .response
            .body_mut()
            .with_config()
            .limit(PAGE_LIMIT + 1)
            .reader();
        match read_body(&mut reader, shared, page) {
            Ok((Some(body), reserved)) => {
                break (status, body, reserved, answer.note, answer.redactor);
            }
            Ok((None, _)) => {
                return Err(fail(Error::other(format!(
                    "{}: the page is larger than {} MiB; use a smaller --page-size",
                    req.display(),
                    PAGE_LIMIT >> 20
                ))));
            }
            Err(ReadStop::Aborted) => return Err(aborted()),
            Err(ReadStop::Io(e)) => {
                let e = match e.get_ref().and_then(|i| i.downcast_ref::<ureq::Error>()) {
                    Some(_) => e
                        .into_inner()
                        .and_then(|i| i.downcast::<ureq::Error>().ok())
                        .map_or(ureq::Error::ConnectionFailed, |b| *b),
                    None => ureq::Error::Io(e),
                };
                let (retry, cause) = client.transport(e);
                if !retry || tries >= BODY_ATTEMPTS {
                    return Err(fail(Error::unavailable(format!(
                        "{}: the answer was cut off: {cause}",
                        req.display()
                    ))));
                }
            }
        }
    };
    if !status.is_success() {
        // The budget is spent only on pages that will be written.
        release(shared, reserved);
        // Only page 1's error body is written out; a later page's would be
        // held, outside the budget, until the writer reaches it.
        return Err(Failure {
            error: status_error(status, &req.display(), &note, &body, &redactor),
            body: (page == 1).then_some(body),
        });
    }
    let page_data = match items::parse(&body) {
        Ok(p) => p,
        Err(why) => {
            release(shared, reserved);
            return Err(fail(Error::other(format!(
                "{}: {why} — --paginate reads Cylance list pages ({{page_items, total_pages, …}}); call this PATH without it",
                req.display()
            ))));
        }
    };
    Ok(Fetched {
        page_number: page_data.page_number,
        total_pages: page_data.total_pages,
        total_items: page_data.total_items,
        page_size: page_data.page_size,
        count: page_data.count,
        body,
        array: page_data.array,
        reserved,
    })
}

/// Refuses a `total_pages` that cannot be: it must be
/// ceil(`total_number_of_items` / the page size asked for) (0 or 1 for an
/// empty list), and at most [`MAX_PAGES`] in any case. The server's own
/// `page_size` is no measure (`page_size: 1` would vouch for any count of
/// pages); one larger than asked is refused, one smaller named in the hint.
fn check_total(first: &Fetched, asked_size: u32) -> Result<u64> {
    let total = first.total_pages;
    let size = u64::from(asked_size);
    let bad = |why: String| {
        Error::other(format!(
            "page 1: the API announced {total} pages{why}, so the listing cannot be trusted — check PATH and --page-size"
        ))
    };
    let items_sent = first.total_items.is_some_and(|n| n > 0);
    if let Some(theirs) = first
        .page_size
        .filter(|s| *s > size || (*s == 0 && items_sent))
    {
        return Err(bad(format!(
            " with page_size {theirs} when {size} per page was asked for"
        )));
    }
    let theirs = first
        .page_size
        .filter(|s| *s > 0 && *s < size)
        .map(|s| format!("; the API pages by {s}: pass --page-size {s}"))
        .unwrap_or_default();
    match first.total_items {
        Some(0) if total <= 1 => Ok(1),
        Some(items) if size == 0 => Err(bad(format!(" of {items} items with page_size 0"))),
        Some(items) if items.div_ceil(size) != total => Err(bad(format!(
            " for {items} items of {size} per page (that is {} pages){theirs}",
            items.div_ceil(size)
        ))),
        _ if total > MAX_PAGES => Err(bad(format!("; more than {MAX_PAGES} is refused"))),
        Some(_) | None => Ok(total.max(1)),
    }
}

/// The output, one page at a time.
struct Out<'w> {
    w: BufWriter<&'w mut dyn Write>,
    ndjson: bool,
    items: u64,
}

impl Out<'_> {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.w.write_all(bytes).map_err(io_error)
    }

    fn begin(&mut self) -> Result<()> {
        if self.ndjson {
            Ok(())
        } else {
            self.write(b"[")
        }
    }

    /// Writes a page's items, each compacted onto one line: joined by `,\n`
    /// in the array, or each ending in `\n`.
    fn page(&mut self, f: &Fetched) -> Result<()> {
        let mut scratch = Vec::new();
        for (i, r) in items::items(&f.body, f.array).enumerate() {
            if !self.ndjson {
                let first = self.items == 0 && i == 0;
                self.write(if first { b"\n" } else { b",\n" })?;
            }
            scratch.clear();
            compact(&f.body[r], &mut scratch);
            self.write(&scratch)?;
            if self.ndjson {
                self.write(b"\n")?;
            }
        }
        self.items += f.count;
        // Each page reaches the reader as soon as it is in order.
        self.w.flush().map_err(io_error)
    }

    fn end(&mut self) -> Result<()> {
        if !self.ndjson {
            self.write(if self.items == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        self.w.flush().map_err(io_error)
    }
}

/// What the workers and the writer share.
struct Sched {
    /// The next page a worker takes.
    next: u64,
    /// The next page the writer writes.
    written: u64,
    /// Pages fetched and not yet written.
    done: BTreeMap<u64, Result<Fetched, Failure>>,
    /// Pages fetched so far (for the progress line).
    finished: u64,
    /// Bytes of [`BUDGET`] reserved by pages read and not yet written.
    held: u64,
    abort: bool,
}

type Shared = (Mutex<Sched>, Condvar);

fn lock(s: &Shared) -> MutexGuard<'_, Sched> {
    s.0.lock().unwrap_or_else(PoisonError::into_inner)
}

fn worker(client: &Client, list: &Uri, opts: &Opts, total: u64, window: u64, shared: &Shared) {
    loop {
        let page = {
            let mut s = lock(shared);
            loop {
                if s.abort || s.next > total {
                    return;
                }
                // Never run more than `window` pages ahead of the writer.
                if s.next < s.written + window {
                    break;
                }
                s = shared.1.wait(s).unwrap_or_else(PoisonError::into_inner);
            }
            s.next += 1;
            s.next - 1
        };
        let result = fetch(client, list, page, opts, shared);
        let mut s = lock(shared);
        s.done.insert(page, result);
        s.finished += 1;
        shared.1.notify_all();
    }
}

/// Reads every page of the list at `list` and writes its items to `w`.
pub(super) fn run(client: &Arc<Client>, list: &Uri, opts: Opts, w: &mut dyn Write) -> Result<i32> {
    let mut progress = Progress::new();
    let mut out = Out {
        w: BufWriter::with_capacity(64 << 10, w),
        ndjson: opts.ndjson,
        items: 0,
    };
    let shared: Arc<Shared> = Arc::new((
        Mutex::new(Sched {
            next: 2,
            written: 1,
            done: BTreeMap::new(),
            finished: 1,
            held: 0,
            abort: false,
        }),
        Condvar::new(),
    ));
    let first = first_page(client, list, &opts, &shared, &mut out)?;
    let total = check_total(&first, opts.page_size)?;
    out.begin()?;
    out.page(&first)?;
    release(&shared, first.reserved);
    lock(&shared).written = 2;
    progress.show(1, total);
    let workers = spawn_workers(client, list, opts, total, &shared);
    let mut changed = false;
    for page in 2..=total {
        let (result, finished) = wait_for(&shared, page, total, &mut progress);
        let fetched = match result {
            Ok(f) => f,
            Err(Failure { error, .. }) => {
                stop(&shared);
                progress.clear();
                // The workers still in flight are left to the process exit.
                return Err(prefixed(page, Some(total), &error));
            }
        };
        if let Some(n) = fetched.page_number.filter(|n| *n != page) {
            stop(&shared);
            return Err(Error::other(format!(
                "page {page} of {total}: the API answered page_number {n}; stopping rather than writing a page twice"
            )));
        }
        if fetched.total_pages != first.total_pages && !changed {
            changed = true;
            diag::warn(format_args!(
                "the list changed while it was read (page 1 announced {} pages, page {page} {}): items may be missing or repeated; run again",
                first.total_pages, fetched.total_pages
            ));
        }
        out.page(&fetched)?;
        let reserved = fetched.reserved;
        drop(fetched);
        written(&shared, page, reserved);
        progress.show(finished, total);
    }
    for w in workers {
        let _ = w.join();
    }
    out.end()?;
    progress.clear();
    if let Some(announced) = first.total_items
        && announced != out.items
        && !changed
    {
        diag::warn(format_args!(
            "the API announced {announced} items and sent {} (the list changed while it was read?)",
            out.items
        ));
    }
    diag::log(1, format_args!("{} items from {total} pages", out.items));
    Ok(0)
}

/// Page 1, which says how many there are. Nothing is written yet when it
/// fails, so its error body goes out as for one request.
fn first_page(
    client: &Client,
    list: &Uri,
    opts: &Opts,
    shared: &Shared,
    out: &mut Out<'_>,
) -> Result<Fetched> {
    let first = match fetch(client, list, 1, opts, shared) {
        Ok(f) => f,
        Err(Failure { error, body }) => {
            if let Some(body) = body {
                out.write(&body)?;
                out.w.flush().map_err(io_error)?;
            }
            return Err(prefixed(1, None, &error));
        }
    };
    if first.page_number.is_some_and(|n| n != 1) {
        return Err(Error::other(format!(
            "page 1: the API answered page_number {} when asked for page 1, so the listing cannot be trusted to be complete",
            first.page_number.unwrap_or_default()
        )));
    }
    Ok(first)
}

/// Up to `opts.jobs` workers fetching pages 2..=`total`, at most a window
/// of twice as many pages ahead of the writer.
fn spawn_workers(
    client: &Arc<Client>,
    list: &Uri,
    opts: Opts,
    total: u64,
    shared: &Arc<Shared>,
) -> Vec<std::thread::JoinHandle<()>> {
    let opts = Arc::new(opts);
    let list = Arc::new(list.clone());
    let window = 2 * u64::from(opts.jobs);
    (0..u64::from(opts.jobs).min(total - 1))
        .map(|_| {
            let (client, list, opts, shared) = (
                Arc::clone(client),
                Arc::clone(&list),
                Arc::clone(&opts),
                Arc::clone(shared),
            );
            std::thread::spawn(move || worker(&client, &list, &opts, total, window, &shared))
        })
        .collect()
}

/// Waits for `page`, showing progress meanwhile: its result and how many
/// pages are finished.
fn wait_for(
    shared: &Shared,
    page: u64,
    total: u64,
    progress: &mut Progress,
) -> (std::result::Result<Fetched, Failure>, u64) {
    let mut s = lock(shared);
    loop {
        if let Some(r) = s.done.remove(&page) {
            return (r, s.finished);
        }
        let finished = s.finished;
        drop(s);
        progress.show(finished, total);
        s = lock(shared);
        if !s.done.contains_key(&page) {
            s = shared.1.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Page `page` is written: its memory is released and the workers woken.
fn written(shared: &Shared, page: u64, reserved: u64) {
    let mut s = lock(shared);
    s.written = page + 1;
    s.held = s.held.saturating_sub(reserved);
    shared.1.notify_all();
}

/// Tells the workers to stop.
fn stop(shared: &Shared) {
    lock(shared).abort = true;
    shared.1.notify_all();
}

/// The failure of page `page`, named in the message; the kind (and so the
/// exit status) is the failure's own.
fn prefixed(page: u64, total: Option<u64>, e: &Error) -> Error {
    let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
    Error::new(e.kind(), format!("page {page}{of}: {}", e.message()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(total_pages: u64, total_items: Option<u64>, page_size: Option<u64>) -> Fetched {
        Fetched {
            page_number: Some(1),
            total_pages,
            total_items,
            page_size,
            count: 0,
            body: Vec::new(),
            array: 0,
            reserved: 0,
        }
    }

    #[test]
    fn total_pages_must_match_the_items_and_the_page_size() {
        assert_eq!(
            check_total(&first(3, Some(201), Some(100)), 100).unwrap(),
            3
        );
        // The page size asked for when the answer has none.
        assert_eq!(check_total(&first(5, Some(201), None), 50).unwrap(), 5);
        assert_eq!(check_total(&first(0, Some(0), Some(100)), 100).unwrap(), 1);
        assert_eq!(check_total(&first(1, Some(0), Some(100)), 100).unwrap(), 1);
        assert_eq!(check_total(&first(7, None, None), 100).unwrap(), 7);
        for bad in [
            first(10_000_000, Some(3), Some(100)),
            first(2, Some(201), Some(100)),
            first(2, Some(0), Some(100)),
            first(1, Some(5), Some(0)),
            first(MAX_PAGES + 1, None, Some(100)),
            // The server's own page size vouches for nothing.
            first(5000, Some(5000), Some(1)),
            first(MAX_PAGES + 1, Some(MAX_PAGES + 1), Some(1)),
            first(1, Some(201), Some(201)),
        ] {
            assert!(check_total(&bad, 100).is_err(), "{}", bad.total_pages);
        }
        let e = check_total(&first(3, Some(201), Some(100)), 200).unwrap_err();
        assert!(
            e.message().contains("pass --page-size 100"),
            "{}",
            e.message()
        );
    }
}
