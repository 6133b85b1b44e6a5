//! `cytoken api`: an authenticated Cylance API call, or every page of a list
//! (DESIGN §10), with the broker's cached token.
//!
//! [`request`] turns the arguments into one request on the API base's origin;
//! [`client`] sends it with the bearer token, retries, and replaces the token
//! once after a 401; one request's body is streamed to stdout as it arrives;
//! [`paginate`] fetches the pages of a list in parallel and writes their
//! [`items`] in order; [`progress`] is its terminal progress line.
//!
//! Exit status: 0 for a 2xx; 5 when the API answers an error status after
//! retries (the status and the service's message on stderr, the body on
//! stdout); 4 when it cannot be reached, or its answer is cut off or stalls
//! (no byte for the profile's `timeout`: a transport failure, like an
//! unreachable token endpoint); 2 and 3 as for `token`.

mod client;
mod items;
mod paginate;
mod progress;
mod request;

use std::io::{BufWriter, IsTerminal, Read, Write};
use std::sync::Arc;

use ureq::http::{StatusCode, Uri};

use crate::cli::api::ApiArgs;
use crate::error::{Context as _, Error, Kind, Result};
use crate::http::MESSAGE_BYTES;
use crate::invocation::Invocation;
use crate::redact::{Redactor, SNIPPET_CHARS, json, quote_url, sanitize};
use client::{Answer, Client, Req};
use request::Plan;

pub(crate) fn run(inv: &Invocation, args: &ApiArgs, w: &mut dyn Write) -> Result<i32> {
    let plan = Plan::from_args(args, &mut std::io::stdin())?;
    let sel = inv.selection()?;
    if let Some(why) = &sel.api_url_refusal {
        return Err(Error::config(why.clone()));
    }
    // The cause names what is wrong, never the URL (which may hold userinfo).
    let base: Uri = sel.api_url.parse().context(Kind::Config, |_| {
        format!("api_url {} is not a valid URL", quote_url(&sel.api_url))
    })?;
    let uri = request::url(&sel.api_url, &plan.path, &plan.query)?;
    let client = Client::new(sel, inv.cache_use, &base)?;
    if args.paginate {
        let opts = paginate::Opts {
            page_size: args.page_size,
            jobs: args.jobs,
            ndjson: args.ndjson,
        };
        return paginate::run(&Arc::new(client), &uri, opts, w);
    }
    let at_terminal = std::io::stdout().is_terminal();
    single(&client, &plan, &uri, args.include, at_terminal, w)
}

/// One request; its body is written as it arrives. `include` adds the
/// status line and headers; `at_terminal` (stdout is one) ends a body that
/// does not end with a newline with one, so the prompt starts on a line of
/// its own. Output to a pipe or file is the body, byte for byte.
fn single(
    client: &Client,
    plan: &Plan,
    uri: &Uri,
    include: bool,
    at_terminal: bool,
    w: &mut dyn Write,
) -> Result<i32> {
    let req = Req {
        method: &plan.method,
        uri,
        body: plan.body.as_deref(),
        headers: &plan.headers,
        body_timeout: None,
    };
    let Answer {
        mut response,
        note,
        redactor,
    } = client.send(&req)?;
    let status = response.status();
    let mut out = BufWriter::with_capacity(64 << 10, w);
    if include {
        let mut head = format!(
            "{:?} {} {}\n",
            response.version(),
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        );
        for (name, value) in response.headers() {
            head.push_str(&format!(
                "{name}: {}\n",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        head.push('\n');
        out.write_all(head.as_bytes()).map_err(io_error)?;
    }
    let mut kept = Vec::new();
    let mut buf = vec![0u8; 64 << 10];
    let mut reader = response.body_mut().as_reader();
    let mut total = 0u64;
    let mut last = None;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = out.flush();
                return Err(cut_off(client, &req.display(), total, &e));
            }
        };
        total += n as u64;
        if !status.is_success() && kept.len() < MESSAGE_BYTES {
            kept.extend_from_slice(&buf[..n.min(MESSAGE_BYTES - kept.len())]);
        }
        out.write_all(&buf[..n]).map_err(io_error)?;
        last = buf[..n].last().copied();
        // As it arrives: a slow or long answer is readable while it streams.
        out.flush().map_err(io_error)?;
    }
    if at_terminal && last.is_some_and(|b| b != b'\n') {
        out.write_all(b"\n").map_err(io_error)?;
    }
    out.flush().map_err(io_error)?;
    if status.is_success() {
        Ok(0)
    } else {
        Err(status_error(
            status,
            &req.display(),
            &note,
            &kept,
            &redactor,
        ))
    }
}

/// Exit 4: the answer to `what` stopped after `total` bytes, cut off or
/// stalled (no byte for the idle timeout, see [`client`]).
fn cut_off(client: &Client, what: &str, total: u64, e: &std::io::Error) -> Error {
    let stalled = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<ureq::Error>())
        .is_some_and(|u| matches!(u, ureq::Error::Timeout(ureq::Timeout::PerRead)));
    if stalled {
        return Error::unavailable(format!(
            "the API's answer to {what} stalled after {total} bytes: no data for {} s (the \
             profile's timeout) — the server or the network stopped; try again, or raise \
             timeout",
            client.idle.as_secs()
        ));
    }
    Error::unavailable(format!(
        "the API's answer to {what} was cut off after {total} bytes: {}",
        sanitize(&e.to_string(), SNIPPET_CHARS)
    ))
}

/// A failed write to stdout (a closed pipe, a full disk) fails the command.
pub(super) fn io_error(e: std::io::Error) -> Error {
    Error::other(format!("cannot write to standard output: {e}")).with_source(e)
}

/// Exit 5: the status, what was asked, the retries, the service's own
/// message (redacted and on one line) and, for the usual causes, the fix.
pub(super) fn status_error(
    status: StatusCode,
    what: &str,
    note: &str,
    body: &[u8],
    redactor: &Redactor,
) -> Error {
    let message = json::message(body)
        .map(|m| format!(": {}", redactor.clean(&m, SNIPPET_CHARS)))
        .unwrap_or_default();
    let hint = match status.as_u16() {
        300..=399 => {
            " — redirects are not followed (they would carry the token elsewhere): call the final URL"
        }
        401 => {
            " — the API refused the token even after a new one was minted: check that the application is enabled and has this permission"
        }
        403 => " — the application lacks the permission for this call: check its role and scopes",
        _ => "",
    };
    Error::new(
        Kind::Api(status.as_u16()),
        format!(
            "the Cylance API answered {} {} to {what}{note}{message}{hint}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        ),
    )
}
