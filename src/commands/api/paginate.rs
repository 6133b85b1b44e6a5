//! `--paginate`: page 1, then the other pages with up to `--jobs` in flight,
//! every `page_items` element written in page order as soon as the pages
//! before it are written (one JSON array, or one item per line). At most
//! `2 × jobs` pages wait in memory, so a 100,000-device listing runs in the
//! memory of a few pages. A page that still fails after retries stops the
//! listing with its number (the array is left unclosed, so nothing downstream
//! mistakes it for the whole list); no page is written twice.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
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
const PAGE_LIMIT: u64 = 64 << 20;
/// How long one page's body may take to arrive.
const PAGE_BODY_TIMEOUT: Duration = Duration::from_secs(120);
/// Tries of one page whose body was cut off (the status retries are the client's).
const BODY_ATTEMPTS: u32 = 3;
/// More pages than this is not a list cytoken can have been meant to read.
const MAX_PAGES: u64 = 10_000_000;

/// What `--paginate` was asked for.
pub(super) struct Opts {
    pub page_size: u32,
    pub jobs: u32,
    pub ndjson: bool,
}

/// One page, fetched and turned into output bytes.
struct Fetched {
    page_number: Option<u64>,
    total_pages: u64,
    total_items: Option<u64>,
    count: u64,
    /// The page's items, compacted, joined by `,\n` (JSON) or each ending in `\n`.
    chunk: Vec<u8>,
}

/// A page that failed for good; `body` is an error status's body.
struct Failure {
    error: Error,
    body: Option<Vec<u8>>,
}

fn page_uri(list: &Uri, page: u64, size: u32) -> Result<Uri> {
    let text = list.to_string();
    let sep = if text.contains('?') { '&' } else { '?' };
    format!("{text}{sep}page={page}&page_size={size}")
        .parse()
        .map_err(|_| Error::usage("PATH does not make a valid page URL"))
}

fn fetch(client: &Client, list: &Uri, page: u64, opts: &Opts) -> Result<Fetched, Failure> {
    let fail = |error| Failure { error, body: None };
    let uri = page_uri(list, page, opts.page_size).map_err(fail)?;
    let req = Req {
        method: &Method::GET,
        uri: &uri,
        body: None,
        headers: &[],
        body_timeout: Some(PAGE_BODY_TIMEOUT),
    };
    let mut tries = 0;
    let (status, body, note) = loop {
        tries += 1;
        let mut answer = client.send(&req).map_err(fail)?;
        let status = answer.response.status();
        match answer
            .response
            .body_mut()
            .with_config()
            .limit(PAGE_LIMIT)
            .read_to_vec()
        {
            Ok(body) => break (status, body, answer.note),
            Err(ureq::Error::BodyExceedsLimit(_)) => {
                return Err(fail(Error::other(format!(
                    "{}: the page is larger than {} MiB; use a smaller --page-size",
                    req.display(),
                    PAGE_LIMIT >> 20
                ))));
            }
            Err(e) => {
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
        return Err(Failure {
            error: status_error(status, &req.display(), &note, &body),
            body: Some(body),
        });
    }
    let page_data = items::parse(&body).map_err(|why| {
        fail(Error::other(format!(
            "{}: {why} — --paginate reads Cylance list pages ({{page_items, total_pages, …}}); call this PATH without it",
            req.display()
        )))
    })?;
    let mut chunk = Vec::with_capacity(body.len());
    for (i, r) in page_data.items.iter().enumerate() {
        if i > 0 && !opts.ndjson {
            chunk.extend_from_slice(b",\n");
        }
        compact(&body[r.clone()], &mut chunk);
        if opts.ndjson {
            chunk.push(b'\n');
        }
    }
    Ok(Fetched {
        page_number: page_data.page_number,
        total_pages: page_data.total_pages,
        total_items: page_data.total_items,
        count: page_data.items.len() as u64,
        chunk,
    })
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

    fn page(&mut self, f: &Fetched) -> Result<()> {
        if f.count > 0 && !self.ndjson {
            self.write(if self.items == 0 { b"\n" } else { b",\n" })?;
        }
        self.write(&f.chunk)?;
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
        let result = fetch(client, list, page, opts);
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
    let first = match fetch(client, list, 1, &opts) {
        Ok(f) => f,
        Err(Failure { error, body }) => {
            // Nothing is written yet: the error body goes out as for one request.
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
    let total = first.total_pages.max(1);
    if total > MAX_PAGES {
        return Err(Error::other(format!(
            "the API announced {total} pages; use a larger --page-size"
        )));
    }
    out.begin()?;
    out.page(&first)?;
    progress.show(1, total);
    let opts = Arc::new(opts);
    let list = Arc::new(list.clone());
    let shared: Arc<Shared> = Arc::new((
        Mutex::new(Sched {
            next: 2,
            written: 2,
            done: BTreeMap::new(),
            finished: 1,
            abort: false,
        }),
        Condvar::new(),
    ));
    let window = 2 * u64::from(opts.jobs);
    let workers: Vec<_> = (0..u64::from(opts.jobs).min(total - 1))
        .map(|_| {
            let (client, list, opts, shared) = (
                Arc::clone(client),
                Arc::clone(&list),
                Arc::clone(&opts),
                Arc::clone(&shared),
            );
            std::thread::spawn(move || worker(&client, &list, &opts, total, window, &shared))
        })
        .collect();
    let mut changed = false;
    for page in 2..=total {
        let (result, finished) = {
            let mut s = lock(&shared);
            loop {
                if let Some(r) = s.done.remove(&page) {
                    s.written = page + 1;
                    shared.1.notify_all();
                    break (r, s.finished);
                }
                let finished = s.finished;
                drop(s);
                progress.show(finished, total);
                s = lock(&shared);
                if !s.done.contains_key(&page) {
                    s = shared.1.wait(s).unwrap_or_else(PoisonError::into_inner);
                }
            }
        };
        let fetched = match result {
            Ok(f) => f,
            Err(Failure { error, .. }) => {
                lock(&shared).abort = true;
                shared.1.notify_all();
                progress.clear();
                // The workers still in flight are left to the process exit.
                return Err(prefixed(page, Some(total), &error));
            }
        };
        if let Some(n) = fetched.page_number.filter(|n| *n != page) {
            lock(&shared).abort = true;
            shared.1.notify_all();
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

/// The failure of page `page`, named in the message; the kind (and so the
/// exit status) is the failure's own.
fn prefixed(page: u64, total: Option<u64>, e: &Error) -> Error {
    let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
    Error::new(e.kind(), format!("page {page}{of}: {}", e.message()))
}
