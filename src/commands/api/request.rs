//! What one `cytoken api` call asks for, from its arguments: the method, the
//! URL on the API base's origin (the token never goes to another host), the
//! fields as query parameters or a JSON body, and the extra headers.

use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};
use ureq::http::header::{HeaderName, HeaderValue};
use ureq::http::{Method, Uri};

use crate::cli::api::ApiArgs;
use crate::error::{Context as _, Error, Kind, Result};
use crate::redact::{SNIPPET_CHARS, quote, quote_url, sanitize};

/// Largest `--input` body read: far above any Cylance API request, and the
/// body is kept in memory so that a retry can send it again.
const MAX_INPUT: u64 = 64 << 20;

/// Headers cytoken sets itself or the transport owns: a user value would
/// either send another credential or break the framing.
const RESERVED_HEADERS: [&str; 6] = [
    "authorization",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "proxy-authorization",
];

/// One request, as the arguments describe it (before the API base is known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Plan {
    pub method: Method,
    /// PATH as given: relative to the API base, or an absolute URL.
    pub path: String,
    /// Query parameters from the fields (GET and HEAD), in order.
    pub query: Vec<(String, String)>,
    /// The body: the fields as a JSON object, or `--input`.
    pub body: Option<Vec<u8>>,
    /// `-H` headers, in order.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

/// Whether a method's fields go in the query (no body).
fn fields_in_query(m: &Method) -> bool {
    *m == Method::GET || *m == Method::HEAD
}

impl Plan {
    /// Reads the arguments (and `--input`). Every mistake is a usage error,
    /// found before any configuration is read or request sent.
    pub(super) fn from_args(args: &ApiArgs, stdin: &mut dyn Read) -> Result<Plan> {
        let method = match &args.method {
            Some(m) => parse_method(m)?,
            None if args.input.is_some() => Method::POST,
            None => Method::GET,
        };
        let mut fields = Vec::new();
        for f in &args.raw_fields {
            let (k, v) = split_field("-f", f)?;
            fields.push((k, Value::String(v.to_string())));
        }
        for f in &args.fields {
            let (k, v) = split_field("-F", f)?;
            fields.push((k, typed(v)));
        }
        let (query, mut body) = if fields_in_query(&method) {
            let query = fields
                .into_iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (k.to_string(), text)
                })
                .collect();
            (query, None)
        } else if fields.is_empty() {
            (Vec::new(), None)
        } else {
            let mut object = Map::new();
            for (k, v) in fields {
                if object.insert(k.to_string(), v).is_some() {
                    return Err(Error::usage(format!(
                        "field {} is given twice: a JSON body has one value per key",
                        quote(k)
                    )));
                }
            }
            (
                Vec::new(),
                Some(Value::Object(object).to_string().into_bytes()),
            )
        };
        if let Some(input) = &args.input {
            if fields_in_query(&method) {
                return Err(Error::usage(format!(
                    "--input sends a body, which a {method} request has none of: use -X POST, PUT or PATCH"
                )));
            }
            if body.is_some() {
                return Err(Error::usage(
                    "give the body as -f/-F fields or as --input, not both",
                ));
            }
            body = Some(read_input(input, stdin)?);
        }
        // (clap refuses --page-size, --jobs and --ndjson without --paginate.)
        if args.paginate {
            check_paginate(args, &method, &query)?;
        }
        let headers = args
            .headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<_>>()?;
        check_path(&args.path)?;
        Ok(Plan {
            method,
            path: args.path.clone(),
            query,
            body,
            headers,
        })
    }
}

fn parse_method(m: &str) -> Result<Method> {
    let upper = m.trim().to_ascii_uppercase();
    match upper.as_str() {
        "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => {
            Method::from_bytes(upper.as_bytes()).map_err(|_| Error::usage("bad method"))
        }
        _ => Err(Error::usage(format!(
            "-X {}: use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS",
            quote(m)
        ))),
    }
}

fn split_field<'a>(flag: &str, f: &'a str) -> Result<(&'a str, &'a str)> {
    match f.split_once('=') {
        Some((k, v)) if !k.is_empty() && !k.chars().any(char::is_control) => Ok((k, v)),
        _ => Err(Error::usage(format!(
            "{flag} {} is not KEY=VALUE (e.g. {flag} name=web01)",
            quote(f)
        ))),
    }
}

/// A `-F` value: a JSON number, `true`, `false` or `null`; anything else is a string.
fn typed(v: &str) -> Value {
    match v {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ => match serde_json::from_str::<Value>(v) {
            // Only a plain number literal: `"x"`, `[1]` or ` 1` stay strings.
            Ok(n @ Value::Number(_)) if v.trim() == v => n,
            _ => Value::String(v.to_string()),
        },
    }
}

fn read_input(input: &Path, stdin: &mut dyn Read) -> Result<Vec<u8>> {
    let shown = input.display();
    let mut body = Vec::new();
    let read = if input.as_os_str() == "-" {
        stdin.take(MAX_INPUT + 1).read_to_end(&mut body)
    } else {
        std::fs::File::open(input).and_then(|f| f.take(MAX_INPUT + 1).read_to_end(&mut body))
    };
    read.map_err(|e| Error::usage(format!("cannot read --input {shown}: {e}")).with_source(e))?;
    if body.len() as u64 > MAX_INPUT {
        return Err(Error::usage(format!(
            "--input {shown} is larger than {} MiB",
            MAX_INPUT >> 20
        )));
    }
    Ok(body)
}

fn check_paginate(args: &ApiArgs, method: &Method, query: &[(String, String)]) -> Result<()> {
    if *method != Method::GET {
        return Err(Error::usage(format!(
            "--paginate reads a list, which is a GET (not {method})"
        )));
    }
    if args.include {
        return Err(Error::usage(
            "-i prints one response's headers; with --paginate the output is the items of every page",
        ));
    }
    if !(1..=16).contains(&args.jobs) {
        return Err(Error::usage(format!(
            "--jobs {} is out of range: use 1..=16",
            args.jobs
        )));
    }
    if !(1..=10_000).contains(&args.page_size) {
        return Err(Error::usage(format!(
            "--page-size {} is out of range: use 1..=10000",
            args.page_size
        )));
    }
    let in_path = args
        .path
        .split_once('?')
        .map(|(_, q)| q.split('&').map(|kv| kv.split('=').next().unwrap_or("")))
        .into_iter()
        .flatten();
    let mut keys = query.iter().map(|(k, _)| k.as_str()).chain(in_path);
    if let Some(k) = keys.find(|k| *k == "page" || *k == "page_size") {
        return Err(Error::usage(format!(
            "--paginate sets `{k}` itself: drop it (the page size is --page-size)"
        )));
    }
    Ok(())
}

fn parse_header(h: &str) -> Result<(HeaderName, HeaderValue)> {
    let bad = || {
        Error::usage(format!(
            "-H {} is not `Name: value` (e.g. -H 'X-Request-Id: 42')",
            quote(h)
        ))
    };
    let (name, value) = h.split_once(':').ok_or_else(bad)?;
    let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| bad())?;
    let value = HeaderValue::from_str(value.trim()).map_err(|_| bad())?;
    if RESERVED_HEADERS.contains(&name.as_str()) {
        return Err(Error::usage(format!(
            "-H {name}: cytoken sets that header itself (the Authorization is the profile's bearer token)"
        )));
    }
    Ok((name, value))
}

fn check_path(path: &str) -> Result<()> {
    if path.is_empty() || path.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::usage(format!(
            "PATH {} is empty or has spaces or control characters: percent-encode them (%20)",
            quote(path)
        )));
    }
    if path.contains('#') {
        return Err(Error::usage(format!(
            "PATH {} has a fragment (#…), which is never sent: drop it",
            quote(path)
        )));
    }
    Ok(())
}

/// Scheme, host (lower case) and port (explicit or the scheme's default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    pub(super) fn of(uri: &Uri) -> Option<Origin> {
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let port = uri.port_u16().or(match scheme.as_str() {
            "https" => Some(443),
            "http" => Some(80),
            _ => None,
        })?;
        Some(Origin {
            host: uri.host()?.to_ascii_lowercase(),
            scheme,
            port,
        })
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}://{}:{}",
            self.scheme,
            sanitize(&self.host, SNIPPET_CHARS),
            self.port
        )
    }
}

/// Whether PATH is an absolute URL (`scheme://…`) rather than a path.
fn is_absolute(path: &str) -> bool {
    path.split_once("://").is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// The URL a request goes to: PATH joined to the API base (its query kept, the
/// fields appended), or PATH itself when it is an absolute URL with the base's
/// origin. Any other origin is refused (exit 2): the bearer token is for the
/// profile's API, never for whatever host a PATH names.
pub(super) fn url(api_base: &str, path: &str, query: &[(String, String)]) -> Result<Uri> {
    let base: Uri = api_base.parse().context(Kind::Config, |_| {
        format!("api_url {} is not a valid URL", quote_url(api_base))
    })?;
    let origin = Origin::of(&base)
        .ok_or_else(|| Error::config(format!("api_url {} has no host", quote_url(api_base))))?;
    let mut text = if is_absolute(path) {
        path.to_string()
    } else {
        // Leading slashes dropped: `//host/x` must stay a path on the API host.
        format!(
            "{}/{}",
            api_base.trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    };
    for (i, (k, v)) in query.iter().enumerate() {
        let sep = if i == 0 && !text.contains('?') {
            '?'
        } else {
            '&'
        };
        text.push(sep);
        text.push_str(&encode(k));
        text.push('=');
        text.push_str(&encode(v));
    }
    let uri: Uri = text.parse().context(Kind::Usage, |_| {
        format!(
            "PATH {} does not make a valid URL: percent-encode spaces and non-ASCII characters",
            quote(path)
        )
    })?;
    let userinfo = uri.authority().is_some_and(|a| a.as_str().contains('@'));
    match Origin::of(&uri) {
        Some(o) if o == origin && !userinfo => Ok(uri),
        Some(o) if !userinfo => Err(Error::usage(format!(
            "refusing to send the profile's token to {o}: PATH must be relative to the API base \
             {origin} or an absolute URL with that origin (set api_url or CYTOKEN_API_URL to use another API host)"
        ))),
        _ => Err(Error::usage(format!(
            "PATH {} is not a URL on the API base {origin} (no user:password@ part is allowed)",
            quote_url(path)
        ))),
    }
}

/// Percent-encodes a query key or value (RFC 3986 unreserved characters stay).
pub(super) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        args: ApiArgs,
    }

    fn plan(argv: &[&str]) -> Result<Plan> {
        let w = Wrap::try_parse_from(std::iter::once("api").chain(argv.iter().copied())).unwrap();
        Plan::from_args(&w.args, &mut &b"{\"name\":\"from stdin\"}"[..])
    }

    #[test]
    fn fields_are_query_for_get_and_a_json_body_otherwise() {
        let p = plan(&["devices/v2", "-f", "q=a b&c", "-F", "n=5"]).unwrap();
        assert_eq!(p.method, Method::GET);
        assert_eq!(p.body, None);
        let u = url("http://127.0.0.1:9/", &p.path, &p.query).unwrap();
        assert_eq!(
            u.to_string(),
            "http://127.0.0.1:9/devices/v2?q=a%20b%26c&n=5"
        );

        let p = plan(&[
            "-X",
            "put",
            "devices/v2/x",
            "-f",
            "name=web01",
            "-F",
            "policy_id=null",
            "-F",
            "n=1.5",
            "-F",
            "s=[1]",
            "-f",
            "t=true",
        ])
        .unwrap();
        assert_eq!(p.method, Method::PUT);
        let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"name": "web01", "policy_id": null, "n": 1.5, "s": "[1]", "t": "true"})
        );
        assert!(plan(&["-X", "PUT", "x", "-f", "a=1", "-F", "a=2"]).is_err());
    }

    #[test]
    fn input_makes_a_post_and_excludes_fields() {
        let p = plan(&["devices/v2", "--input", "-"]).unwrap();
        assert_eq!(p.method, Method::POST);
        assert_eq!(p.body.as_deref(), Some(&b"{\"name\":\"from stdin\"}"[..]));
        assert!(plan(&["x", "--input", "-", "-f", "a=b"]).is_err());
        assert!(plan(&["-X", "GET", "x", "--input", "-"]).is_err());
        let e = plan(&["x", "--input", "/nonexistent/body.json"]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn bad_arguments_are_usage_errors() {
        for argv in [
            &["-X", "TRACE", "x"][..],
            &["x", "-f", "novalue"],
            &["x", "-f", "=v"],
            &["x", "-H", "NoColon"],
            &["x", "-H", "Authorization: Bearer mine"],
            &["x", "-H", "Bad Name: v"],
            &["a b"],
            &["x#frag"],
            &["--paginate", "--jobs", "17", "x"],
            &["--paginate", "--jobs", "0", "x"],
            &["--paginate", "--page-size", "0", "x"],
            &["--paginate", "-i", "x"],
            &["--paginate", "-X", "POST", "x"],
            &["--paginate", "x?page=2"],
            &["--paginate", "x", "-F", "page_size=5"],
        ] {
            let e = plan(argv).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{argv:?}: {e}");
        }
        let p = plan(&["x", "-H", "X-Trace:  a b "]).unwrap();
        assert_eq!(p.headers[0].1, "a b");
    }

    #[test]
    fn the_token_only_goes_to_the_api_origin() {
        let base = "https://protectapi-euc1.cylance.com/";
        let ok = |p: &str| url(base, p, &[]).unwrap().to_string();
        assert_eq!(
            ok("/devices/v2?page=2"),
            "https://protectapi-euc1.cylance.com/devices/v2?page=2"
        );
        assert_eq!(
            ok("//evil.example/x"),
            "https://protectapi-euc1.cylance.com/evil.example/x"
        );
        assert_eq!(
            ok("HTTPS://ProtectAPI-euc1.cylance.com:443/users/v2"),
            "https://ProtectAPI-euc1.cylance.com:443/users/v2"
        );
        assert_eq!(
            ok("@evil.example/x"),
            "https://protectapi-euc1.cylance.com/@evil.example/x"
        );
        for bad in [
            "https://evil.example/devices/v2",
            "http://protectapi-euc1.cylance.com/devices/v2",
            "https://protectapi-euc1.cylance.com:8443/devices/v2",
            "https://protectapi-euc1.cylance.com.evil.example/x",
            "https://user:pw@protectapi-euc1.cylance.com/x",
        ] {
            let e = url(base, bad, &[]).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad}");
            assert!(!e.to_string().contains("pw@"), "{e}");
        }
        // A base with a path prefix keeps it.
        assert_eq!(
            url(
                "http://127.0.0.1:8/api/",
                "devices/v2",
                &[("a".into(), "1".into())]
            )
            .unwrap()
            .to_string(),
            "http://127.0.0.1:8/api/devices/v2?a=1"
        );
    }
}
