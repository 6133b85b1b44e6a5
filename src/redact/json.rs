//! A server's JSON read for a message or a count without building its tree:
//! only the few fields wanted are kept, every other value is skipped as it is
//! parsed ([`IgnoredAny`]), so memory stays near the body's own size however
//! the body is shaped (DESIGN §5 "Bounded everywhere": a `serde_json::Value`
//! of `[0,0,…]` costs 16 times the body). Strings are decoded, so an escape
//! (`\u0053`, `\"`) cannot hide a credential from the [`Redactor`].

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Redactor;

/// Characters of a server's message kept (more than any message shows).
const MESSAGE_CHARS: usize = 4096;

/// A whole number ≥ 0, sent as a JSON number or a numeric string; `None`
/// for anything else (skipped unread).
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Count(pub(crate) Option<u64>);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Count, D::Error> {
        d.deserialize_any(Only(|v: Scalar<'_>| match v {
            Scalar::U64(n) => Some(n),
            Scalar::Str(s) if s.len() <= 40 => s.trim().parse().ok(),
            _ => None,
        }))
        .map(Count)
    }
}

/// A number as whole seconds (fractions rounded down, absurd values
/// clamped); `None` for anything else (skipped unread).
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Secs(pub(crate) Option<i64>);

impl<'de> Deserialize<'de> for Secs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Secs, D::Error> {
        d.deserialize_any(Only(|v: Scalar<'_>| match v {
            Scalar::I64(n) => Some(n),
            Scalar::U64(n) => Some(i64::try_from(n).unwrap_or(i64::MAX)),
            // Saturating float-to-int conversion: absurd values clamp.
            #[allow(clippy::cast_possible_truncation)]
            Scalar::F64(f) if f.is_finite() => Some(f.floor() as i64),
            _ => None,
        }))
        .map(Secs)
    }
}

/// A string, whole; `None` for anything else (skipped unread).
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text(pub(crate) Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        d.deserialize_any(Only(|v: Scalar<'_>| match v {
            Scalar::Str(s) => Some(s.to_string()),
            _ => None,
        }))
        .map(Text)
    }
}

/// A string's first [`MESSAGE_CHARS`] characters (no copy of a huge one);
/// `None` for anything else (skipped unread).
#[derive(Default)]
struct Short(Option<String>);

impl<'de> Deserialize<'de> for Short {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Short, D::Error> {
        d.deserialize_any(Only(|v: Scalar<'_>| match v {
            Scalar::Str(s) => Some(s.chars().take(MESSAGE_CHARS).collect()),
            _ => None,
        }))
        .map(Short)
    }
}

/// A scalar as the parser met it.
enum Scalar<'a> {
    I64(i64),
    U64(u64),
    F64(f64),
    Str(&'a str),
    Other,
}

/// Keeps what `F` makes of a scalar; an array or object is skipped.
struct Only<F>(F);

impl<'de, T, F: FnOnce(Scalar<'_>) -> Option<T>> Visitor<'de> for Only<F> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Option<T>, E> {
        Ok((self.0)(Scalar::Other))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Option<T>, E> {
        Ok((self.0)(match u64::try_from(n) {
            Ok(n) => Scalar::U64(n),
            Err(_) => Scalar::I64(n),
        }))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Option<T>, E> {
        Ok((self.0)(Scalar::U64(n)))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Option<T>, E> {
        Ok((self.0)(Scalar::F64(n)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Option<T>, E> {
        Ok((self.0)(Scalar::Str(s)))
    }
    fn visit_unit<E>(self) -> Result<Option<T>, E> {
        Ok((self.0)(Scalar::Other))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<T>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// The keys a service puts its explanation under, in the order looked at.
#[derive(Deserialize, Default)]
struct Explained {
    #[serde(default)]
    message: Short,
    #[serde(default, rename = "Message")]
    message_cap: Short,
    #[serde(default)]
    error_description: Short,
    #[serde(default)]
    error: Short,
}

/// The service's own explanation in a JSON error body: the first of
/// `message`, `Message`, `error_description`, `error` that is a non-empty
/// string (see [`Short`]; not yet redacted).
pub(crate) fn message(body: &[u8]) -> Option<String> {
    let e: Explained = object(body)?;
    [e.message, e.message_cap, e.error_description, e.error]
        .into_iter()
        .find_map(|t| t.0.filter(|m| !m.trim().is_empty()))
}

/// `body` read as a `T` if it is a JSON object (a derived struct would
/// also take an array of its fields in order).
pub(crate) fn object<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Option<T> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    if body[start] != b'{' {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// A JSON body written out compactly for a message, each string decoded and
/// redacted *before* it is written (written back as JSON, `ab"c\d` would be
/// `ab\"c\\d` and no longer the secret), and shown unescaped between
/// quotes; values past about `max` characters are skipped. `None` when the
/// body is not JSON.
pub(crate) fn render(body: &[u8], redactor: &Redactor, max: usize) -> Option<String> {
    let mut out = String::new();
    let mut de = serde_json::Deserializer::from_slice(body);
    Render {
        out: &mut out,
        redactor,
        max,
    }
    .deserialize(&mut de)
    .ok()?;
    de.end().ok()?;
    Some(out)
}

/// Writes one value into `out` (see [`render`]).
struct Render<'a> {
    out: &'a mut String,
    redactor: &'a Redactor,
    max: usize,
}

impl Render<'_> {
    fn again(&mut self) -> Render<'_> {
        Render {
            out: self.out,
            redactor: self.redactor,
            max: self.max,
        }
    }

    fn full(&self) -> bool {
        self.out.len() >= self.max
    }

    fn push(self, text: &str) {
        if !self.full() {
            self.out.push_str(text);
        }
    }
}

impl<'de> DeserializeSeed<'de> for Render<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.full() {
            return IgnoredAny::deserialize(d).map(drop);
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Render<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<(), E> {
        self.push(if b { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E>(self, n: i64) -> Result<(), E> {
        self.push(&n.to_string());
        Ok(())
    }
    fn visit_u64<E>(self, n: u64) -> Result<(), E> {
        self.push(&n.to_string());
        Ok(())
    }
    fn visit_f64<E>(self, n: f64) -> Result<(), E> {
        self.push(&n.to_string());
        Ok(())
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        let shown = format!("\"{}\"", self.redactor.apply(s));
        self.push(&shown);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.push("null");
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.out.push('[');
        let mut first = true;
        loop {
            let mark = self.out.len();
            if !first && !self.full() {
                self.out.push(',');
            }
            if seq.next_element_seed(self.again())?.is_none() {
                self.out.truncate(mark);
                break;
            }
            first = false;
        }
        self.out.push(']');
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.out.push('{');
        let mut first = true;
        loop {
            let mark = self.out.len();
            if !first && !self.full() {
                self.out.push(',');
            }
            if map.next_key_seed(self.again())?.is_none() {
                self.out.truncate(mark);
                break;
            }
            if !self.full() {
                self.out.push(':');
            }
            map.next_value_seed(self.again())?;
            first = false;
        }
        self.out.push('}');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_numbers_and_numeric_strings_only() {
        let c = |s: &str| serde_json::from_str::<Count>(s).unwrap().0;
        assert_eq!(c("7"), Some(7));
        assert_eq!(c("\" 12 \""), Some(12));
        for other in ["-1", "1.5", "\"x\"", "null", "true", "[1]", "{\"a\":1}"] {
            assert_eq!(c(other), None, "{other}");
        }
        let s = |t: &str| serde_json::from_str::<Secs>(t).unwrap().0;
        assert_eq!(s("-3"), Some(-3));
        assert_eq!(s("3.9"), Some(3));
        assert_eq!(s("1e300"), Some(i64::MAX));
        assert_eq!(s("18446744073709551615"), Some(i64::MAX));
        assert_eq!(s("\"3\""), None);
    }

    #[test]
    fn the_message_is_the_first_string_of_the_usual_keys() {
        assert_eq!(
            message(br#"{"error":"e","message":[1,2],"Message":"M"}"#).as_deref(),
            Some("M")
        );
        assert_eq!(message(br#"{"error":{"message":"x"}}"#), None);
        assert_eq!(message(b"[1]"), None);
        assert_eq!(message(b"not json"), None);
    }

    #[test]
    fn a_rendered_body_shows_decoded_redacted_strings() {
        let secret = r#"ab"c\d/e"#;
        let r = Redactor::new().secret("app", secret);
        let body =
            serde_json::json!({"detail": format!("secret {secret} refused"), "n": [1, null, true]});
        let text = render(body.to_string().as_bytes(), &r, 1000).unwrap();
        assert_eq!(
            text,
            r#"{"detail":"secret (redacted) refused","n":[1,null,true]}"#
        );
        // Escaped by hand: `\u0061` is `a`.
        let text = render(br#"{"d":"\u0061b\"c\\d\/e"}"#, &r, 1000).unwrap();
        assert_eq!(text, r#"{"d":"(redacted)"}"#);
        assert_eq!(render(b"{\"a\":1", &r, 1000), None);
        let long = render(format!("[{}1]", "1,".repeat(1000)).as_bytes(), &r, 10).unwrap();
        assert!(long.len() < 20, "{long}");
    }
}
