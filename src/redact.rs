//! Every redaction in one place: tokens shortened to a recognisable prefix,
//! every form of a secret a request carried ([`Redactor`]), token-shaped runs
//! in server text, and text made fit for a one-line error.

pub(crate) mod json;

use base64::Engine as _;

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

/// The credentials one request carried, in every form a server could echo
/// them (DESIGN §5): a server's text is passed through [`Redactor::clean`]
/// before it is shown, logged or stored. Its memory is overwritten on drop.
#[derive(Default)]
pub(crate) struct Redactor {
    /// Each form, and whether it is a token (shown as [`redact`] shows one)
    /// rather than a secret (shown as nothing at all).
    forms: Vec<(String, bool)>,
}

impl Redactor {
    pub(crate) fn new() -> Redactor {
        Redactor::default()
    }

    /// The app secret, alone and as `id:secret`: plain, base64 (standard and
    /// URL-safe, with and without padding) and percent-encoded, since HTTP
    /// Basic, a form body or a URL may carry either; and as a JSON string
    /// holds it (`"` and `\` escaped, `/` too or not), for text shown raw.
    pub(crate) fn secret(mut self, id: &str, secret: &str) -> Redactor {
        if secret.is_empty() {
            return self;
        }
        let pair = format!("{id}:{secret}");
        for plain in [secret, pair.as_str()] {
            for engine in [
                &base64::engine::general_purpose::STANDARD,
                &base64::engine::general_purpose::STANDARD_NO_PAD,
                &base64::engine::general_purpose::URL_SAFE,
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            ] {
                self.add(engine.encode(plain), false);
            }
            self.add(percent_encode(plain, true), false);
            self.add(percent_encode(plain, false), false);
            self.add(percent_encode(plain, true).replace("%20", "+"), false);
            let escaped = json_escaped(plain);
            self.add(escaped.replace('/', "\\/"), false);
            self.add(escaped, false);
            self.add(plain.to_string(), false);
        }
        self
    }

    /// A token the request carried (an auth token, a bearer token).
    pub(crate) fn token(mut self, token: &str) -> Redactor {
        self.add(token.to_string(), true);
        self
    }

    fn add(&mut self, form: String, token: bool) {
        if !form.is_empty() && !self.forms.iter().any(|(f, _)| *f == form) {
            self.forms.push((form, token));
            // Longest first: a form inside another (the secret inside
            // `id:secret`) must not break the longer one's match.
            self.forms.sort_by_key(|(f, _)| std::cmp::Reverse(f.len()));
        }
    }

    /// `text` with every form replaced by its redaction. A secret's forms
    /// are also found in any letter case, and cut short: its first
    /// [`ECHO_PREFIX`] characters or more followed by `...` or `…` (a
    /// server's shortened echo).
    pub(crate) fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (form, token) in &self.forms {
            if *token {
                if out.contains(form.as_str()) {
                    out = out.replace(form.as_str(), &redact(form));
                }
            } else {
                out = redact_echoes(&out, form);
            }
        }
        out
    }

    /// Server-supplied text made fit for a one-line error: every form of the
    /// request's credentials and anything token-shaped redacted *before*
    /// truncation (so no cut can leave a usable token), control characters
    /// removed (so a hostile body cannot drive the terminal), and the forms
    /// redacted again once whitespace is folded (a secret holding spaces).
    pub(crate) fn clean(&self, text: &str, max: usize) -> String {
        let once = sanitize(&redact_tokens(&self.apply(text)), usize::MAX);
        sanitize(&self.apply(&once), max)
    }
}

impl Drop for Redactor {
    fn drop(&mut self) {
        for (form, _) in &mut self.forms {
            let mut bytes = std::mem::take(form).into_bytes();
            bytes.fill(0);
            std::hint::black_box(&bytes);
        }
    }
}

/// The shortest start of a secret's form that, cut off by an ellipsis, is
/// still taken for the secret.
const ECHO_PREFIX: usize = 12;

/// `text` with `form` (in any ASCII letter case), and any start of it of
/// [`ECHO_PREFIX`] characters or more that an ellipsis follows, replaced by
/// `(redacted)`.
fn redact_echoes(text: &str, form: &str) -> String {
    let (t, f) = (text.as_bytes(), form.as_bytes());
    let min = f.len().min(ECHO_PREFIX);
    let mut out = String::with_capacity(text.len());
    let (mut i, mut kept) = (0, 0);
    while i + min <= t.len() {
        let same = t[i..]
            .iter()
            .zip(f)
            .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
            .count();
        let rest = &text.as_bytes()[i + same..];
        let cut = same >= min && (rest.starts_with(b"...") || rest.starts_with("…".as_bytes()));
        // Only whole characters match (the form is text), so the ends are
        // character boundaries.
        if same == f.len() || cut {
            out.push_str(&text[kept..i]);
            out.push_str("(redacted)");
            i += same;
            kept = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[kept..]);
    out
}

/// `text` as the inside of a JSON string (serde_json's escaping).
fn json_escaped(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted
        .get(1..quoted.len().saturating_sub(1))
        .unwrap_or_default()
        .to_string()
}

/// `text` percent-encoded as a form or URL would carry it: unreserved
/// characters kept, every other byte as `%XX` (upper- or lower-case hex).
fn percent_encode(text: &str, upper: bool) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else if upper {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

/// Replaces token-shaped runs with their redaction: a JWT (`eyJ` at the start
/// of a run or after a separator, then a dot-separated body) anywhere, and any
/// other long opaque run (40+ base64 or hex characters) unless it is a path
/// (`/…/…`, `\…\…`, `./…`): a cache file's path holds a 64-character hash and
/// must stay readable in a log.
pub(crate) fn redact_tokens(text: &str) -> String {
    let is_token_char = |c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=' | '+' | '/' | '\\')
    };
    let mut out = String::with_capacity(text.len());
    let mut run_start = None;
    let flush = |out: &mut String, run: &str| {
        if has_jwt(run) || (run.len() >= 40 && !is_path(run)) {
            out.push_str(&redact(run));
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

/// Whether `run` holds a JWT: `eyJ` (a base64url JSON object) at the start
/// or after a non-alphanumeric character, then 10+ base64url characters.
fn has_jwt(run: &str) -> bool {
    let b = run.as_bytes();
    run.match_indices("eyJ").any(|(i, _)| {
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let body = b[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'))
            .count();
        boundary && body >= 13
    })
}

/// Whether `run` is a file path or a URL's `//host/path`: it starts at a
/// root (`/`, `\`, `./`, `../`) and has at least two separators.
fn is_path(run: &str) -> bool {
    let rest = run.trim_start_matches('.');
    (rest.starts_with('/') || rest.starts_with('\\')) && rest.matches(['/', '\\']).count() >= 2
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

/// A URL the user gave, for the message that refuses it: only its
/// `scheme://host[:port]` (the rest as `/…`), never its user part, path or
/// query, and nothing at all when it is not a URL — a value put under the
/// wrong key (a secret as `auth_url`) is never quoted (DESIGN §5).
pub(crate) fn quote_origin(url: &str) -> String {
    let parsed = url.trim().parse::<ureq::http::Uri>().ok();
    let Some((scheme, host)) = parsed
        .as_ref()
        .and_then(|u| Some((u.scheme_str()?, u.host()?)))
        .filter(|(s, h)| !s.is_empty() && !h.is_empty())
    else {
        return "(not shown: it is not a URL)".to_string();
    };
    let port = parsed
        .as_ref()
        .and_then(ureq::http::Uri::port_u16)
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let rest = parsed
        .as_ref()
        .and_then(ureq::http::Uri::path_and_query)
        .map_or("", |pq| pq.as_str());
    let more = if rest.is_empty() || rest == "/" {
        ""
    } else {
        "/…"
    };
    quote(&format!("{scheme}://{host}{port}{more}"))
}

pub(crate) fn quote(text: &str) -> String {
    format!("`{}`", sanitize(text, SNIPPET_CHARS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_the_secret_is_redacted() {
        let secret = "p+ss/w?rd&> 1";
        let r = Redactor::new().secret("app", secret);
        let pair = format!("app:{secret}");
        let b64 = &base64::engine::general_purpose::STANDARD;
        let url = &base64::engine::general_purpose::URL_SAFE_NO_PAD;
        for form in [
            secret.to_string(),
            pair.clone(),
            b64.encode(&pair),
            url.encode(&pair),
            b64.encode(secret),
            "p%2Bss%2Fw%3Frd%26%3E%201".to_string(),
            "p%2bss%2fw%3frd%26%3e%201".to_string(),
            "p%2Bss%2Fw%3Frd%26%3E+1".to_string(),
        ] {
            let shown = r.clean(&format!("credentials {form} refused"), SNIPPET_CHARS);
            assert_eq!(shown, "credentials (redacted) refused", "{form}");
        }
        // As a JSON string holds it, shown raw.
        for raw in [r#"ab\"c\\d/e"#, r#"ab\"c\\d\/e"#] {
            let r = Redactor::new().secret("app", r#"ab"c\d/e"#);
            assert_eq!(
                r.clean(&format!("x {raw} y"), SNIPPET_CHARS),
                "x (redacted) y"
            );
        }
        // In another letter case, and cut short by the server.
        assert_eq!(
            r.clean(
                "was P+SS/W?RD&> 1 or p+ss/w?rd&> ... or p+ss/w?r…",
                SNIPPET_CHARS
            ),
            "was (redacted) or (redacted)... or p+ss/w?r…"
        );
        let long = Redactor::new().secret("app", "Zq9vX2mK7pL4wR8tY1uB6");
        assert_eq!(
            long.clean(
                "a zQ9VX2MK7PL4… b Zq9vX2mK7pL... c Zq9vX2mK7pL4wR8",
                SNIPPET_CHARS
            ),
            "a (redacted)… b Zq9vX2mK7pL... c Zq9vX2mK7pL4wR8"
        );
        // A secret holding whitespace, folded by the server or by sanitize.
        let shown = r.clean("was p+ss/w?rd&>\n1", SNIPPET_CHARS);
        assert!(!shown.contains("p+ss"), "{shown}");
    }

    #[test]
    fn tokens_are_redacted_but_paths_and_urls_are_not() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
        let path = "/tmp/.tmpAbC123/a-rather-long-directory-name/cytoken/0123456789abcdef0123456789abcdef.json";
        let url = "https://protectapi-euc1.cylance.com/auth/v2/token";
        let opaque = "A".repeat(48);
        let text = format!("token={jwt} dir {path} at {url} then {opaque} key/{jwt}");
        let out = redact_tokens(&text);
        assert!(!out.contains(jwt) && !out.contains(&opaque), "{out}");
        assert!(out.contains(path) && out.contains(url), "{out}");
        // `eyJ` inside a word is no JWT.
        let word = "/home/keyJohnathanSmithersonTheThird/x";
        assert_eq!(redact_tokens(word), word);
        assert_eq!(
            redact_tokens(
                r"C:\Users\someone\AppData\Local\cytoken\0123456789abcdef0123456789abcdef.json"
            ),
            r"C:\Users\someone\AppData\Local\cytoken\0123456789abcdef0123456789abcdef.json"
        );
    }
}
