//! Every redaction in one place: tokens shortened to a recognisable prefix,
//! token-shaped runs in server text, and text made fit for a one-line error.

/// How much of a server-supplied text an error message quotes.
pub(crate) const SNIPPET_CHARS: usize = 100;

/// Shortens a token for diagnostics, so logs and errors cannot be replayed: a
/// JWT keeps its first 8 characters (the encoded `{"alg"…` header, which
/// tells tokens apart in a log and says nothing secret); anything else — a
/// password a client sent, say — shows nothing at all.
pub(crate) fn redact(token: &str) -> String {
    if token.starts_with("eyJ") {
        let head: String = token.chars().take(8).collect();
        format!("{head}…(redacted)")
    } else {
        "(redacted)".to_string()
    }
}

/// Server-supplied text made fit for a one-line error: the auth token and anything
/// token-shaped redacted *before* truncation (so no cut can leave a usable token),
/// then control characters removed (so a hostile body cannot drive the terminal).
pub(crate) fn clean(text: &str, auth_token: &str, max: usize) -> String {
    let text = if auth_token.is_empty() {
        text.to_string()
    } else {
        text.replace(auth_token, &crate::redact::redact(auth_token))
    };
    sanitize(&redact_tokens(&text), max)
}

/// Replaces JWT-looking runs (containing `eyJ`, the start of a base64url JSON
/// object) and any long opaque run (40+ base64url characters) with their redaction.
pub(crate) fn redact_tokens(text: &str) -> String {
    let is_token_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=' | '+' | '/');
    let mut out = String::with_capacity(text.len());
    let mut run_start = None;
    let flush = |out: &mut String, run: &str| {
        if (run.len() >= 16 && run.contains("eyJ")) || run.len() >= 40 {
            out.push_str(&crate::redact::redact(run));
        } else {
            out.push_str(run);
        }
    };
    for (i, c) in text.char_indices() {
        if is_token_char(c) {
            run_start.get_or_insert(i);
            continue;
        }
        if let Some(start) = run_start.take() {
            flush(&mut out, &text[start..i]);
        }
        out.push(c);
    }
    if let Some(start) = run_start {
        flush(&mut out, &text[start..]);
    }
    out
}

/// One line, no control characters, at most `max` characters (then `…`).
pub(crate) fn sanitize(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut last_space = true;
    for c in text.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        if count == max {
            out.push('…');
            return out.trim_end().to_string();
        }
        out.push(c);
        count += 1;
    }
    out.trim_end().to_string()
}

/// A URL for a message, quoted, without any `user:password@` part.
pub(crate) fn quote_url(url: &str) -> String {
    let stripped = match url.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            match rest[..end].rfind('@') {
                Some(at) => format!("{scheme}://(redacted)@{}", &rest[at + 1..]),
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    };
    quote(&stripped)
}

pub(crate) fn quote(text: &str) -> String {
    format!("`{}`", sanitize(text, SNIPPET_CHARS))
}
