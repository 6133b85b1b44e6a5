//! The selected profile's slice of the config file read without the TOML
//! parser: one line per key, bare keys, strings without escapes, decimal
//! integers, booleans and one-line arrays of strings — the way nearly every
//! config file is written. Anything else answers `None`, and the caller parses
//! with toml ([`super::file::parse_slice`]), so this reader never decides a
//! meaning or an error toml would decide differently. The values go through the
//! same serde schema ([`Profile`]), so a key or a type is never judged here.

use serde::Deserialize;
use serde::de::value::{Error as DeError, MapDeserializer, SeqDeserializer, StrDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};

use super::file::{ConfigFile, Profile};

/// One value of the subset.
enum Value<'a> {
    Str(&'a str),
    Int(u64),
    Bool(bool),
    List(Vec<&'a str>),
}

/// Reads `text` (the top level, then tables all named `[profiles.<wanted>]`;
/// none for the top level alone) when it is within the subset.
pub(super) fn read(text: &str, wanted: &str) -> Option<ConfigFile> {
    if !plain_text(text.as_bytes()) || !wanted.bytes().all(bare_key_byte) {
        return None;
    }
    let mut file = ConfigFile::default();
    let mut profile: Option<Vec<(&str, Value<'_>)>> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = trim_blanks(line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            // The one table of the subset, opened once.
            let name = super::file::table_header(line)?;
            let named = name.strip_prefix("profiles.").filter(|n| !n.is_empty());
            if named != Some(wanted) || profile.is_some() {
                return None;
            }
            profile = Some(Vec::new());
            continue;
        }
        let (key, value) = pair(line)?;
        match &mut profile {
            Some(pairs) if pairs.iter().all(|(k, _)| *k != key) => pairs.push((key, value)),
            None if key == "default_profile" && file.default_profile.is_none() => {
                let Value::Str(name) = value else { return None };
                file.default_profile = Some(name.to_owned());
            }
            _ => return None,
        }
    }
    if let Some(pairs) = profile {
        let profile = Profile::deserialize(MapDeserializer::<_, DeError>::new(pairs.into_iter()));
        file.profiles.insert(wanted.to_owned(), profile.ok()?);
    }
    Some(file)
}

/// The list of a one-line `key = ["…", …]` statement (`statement` is that
/// line) within the subset.
pub(super) fn string_list(statement: &str, key: &str) -> Option<Vec<String>> {
    let statement = statement.strip_suffix('\r').unwrap_or(statement);
    if !plain_text(statement.as_bytes()) {
        return None;
    }
    match pair(trim_blanks(statement))? {
        (k, Value::List(items)) if k == key => Some(items.into_iter().map(str::to_owned).collect()),
        _ => None,
    }
}

/// No control character but tab and line ends (TOML allows no other, even
/// in a comment), and `\r` only before `\n`.
fn plain_text(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().all(|(i, &b)| {
        (b >= 0x20 && b != 0x7f)
            || b == b'\t'
            || b == b'\n'
            || (b == b'\r' && bytes.get(i + 1) == Some(&b'\n'))
    })
}

/// `s` without the blanks (spaces and tabs) it starts with.
fn skip_blanks(s: &str) -> &str {
    let n = s.bytes().take_while(|&b| b == b' ' || b == b'\t').count();
    &s[n..]
}

/// `s` without the blanks it starts and ends with.
fn trim_blanks(s: &str) -> &str {
    let s = skip_blanks(s);
    let n = s
        .bytes()
        .rev()
        .take_while(|&b| b == b' ' || b == b'\t')
        .count();
    &s[..s.len() - n]
}

fn bare_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// `key = value [# comment]`, the key bare.
fn pair(line: &str) -> Option<(&str, Value<'_>)> {
    let end = line.bytes().position(|b| !bare_key_byte(b))?;
    let (key, rest) = line.split_at(end);
    let rest = skip_blanks(rest).strip_prefix('=')?;
    let (value, rest) = value(skip_blanks(rest))?;
    let rest = skip_blanks(rest);
    (!key.is_empty() && (rest.is_empty() || rest.starts_with('#'))).then_some((key, value))
}

/// A value at the start of `s`, and what follows it.
fn value(s: &str) -> Option<(Value<'_>, &str)> {
    match s.as_bytes().first()? {
        b'"' | b'\'' => string(s).map(|(v, rest)| (Value::Str(v), rest)),
        b'[' => list(&s[1..]),
        b'0'..=b'9' => {
            let end = s
                .bytes()
                .position(|b| !b.is_ascii_digit())
                .unwrap_or(s.len());
            let digits = &s[..end];
            // TOML integers have no leading zero and fit an i64.
            if digits.len() > 1 && digits.starts_with('0') {
                return None;
            }
            let n: u64 = digits.parse().ok().filter(|&n| i64::try_from(n).is_ok())?;
            word_end(&s[end..]).then_some((Value::Int(n), &s[end..]))
        }
        _ => [("true", true), ("false", false)]
            .into_iter()
            .find_map(|(word, b)| {
                let rest = s.strip_prefix(word)?;
                word_end(rest).then_some((Value::Bool(b), rest))
            }),
    }
}

/// Whether a number or word ends here (a `.`, `_`, `e` or letter after it
/// would make it a float, a date or something else).
fn word_end(rest: &str) -> bool {
    matches!(
        rest.as_bytes().first(),
        None | Some(b' ' | b'\t' | b'#' | b',' | b']')
    )
}

/// A one-line string: `"…"` without escapes, or `'…'`.
fn string(s: &str) -> Option<(&str, &str)> {
    let bytes = s.as_bytes();
    let quote = *bytes.first().filter(|&&b| b == b'"' || b == b'\'')?;
    let end = memchr::memchr(quote, &bytes[1..])? + 1;
    let inner = &s[1..end];
    (quote == b'\'' || memchr::memchr(b'\\', inner.as_bytes()).is_none())
        .then_some((inner, &s[end + 1..]))
}

/// The rest of a one-line array of strings after its `[`.
fn list(mut s: &str) -> Option<(Value<'_>, &str)> {
    let mut items = Vec::new();
    loop {
        s = skip_blanks(s);
        if let Some(rest) = s.strip_prefix(']') {
            return Some((Value::List(items), rest));
        }
        let (item, rest) = string(s)?;
        items.push(item);
        s = skip_blanks(rest);
        match s.as_bytes().first()? {
            b',' => s = &s[1..],
            b']' => {}
            _ => return None,
        }
    }
}

impl IntoDeserializer<'_, DeError> for Value<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for Value<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            Value::Str(s) => visitor.visit_str(s),
            Value::Int(n) => visitor.visit_u64(n),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::List(items) => {
                let items = items.into_iter().map(StrDeserializer::<DeError>::new);
                visitor.visit_seq(SeqDeserializer::new(items))
            }
        }
    }

    /// A key that is present is `Some` (an absent one never reaches here).
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    /// `flow = "mtc"` and the other unit enums, by their names.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self {
            Value::Str(s) => {
                StrDeserializer::<DeError>::new(s).deserialize_enum(name, variants, visitor)
            }
            _ => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::read;
    use crate::config::file::ConfigFile;

    /// Every form of the subset, a comment after a header and a value, and
    /// `#` and `=` inside strings.
    const SAMPLE: &str = "# cytoken\ndefault_profile = \"prod\"\n\n[profiles.prod]  # the tenant\n\
        tenant_id = \"6f1e2d3c-0000-4000-8000-00000000be0c\"\napp_id = 'a-b'\n\
        app_secret_file = \"/home/u/.secret\"\t# mode 600\n\
        scopes = [\"device:list\", 'policy:read',]\nlifetime = 1800\nflow = \"cylance\"\n\
        git_hosts = []\nscope_format = \"string\"\napp_secret = \"s3cr=t#x\"\r\n";

    fn same(a: &ConfigFile, b: &ConfigFile) -> bool {
        let secrets = |f: &ConfigFile| -> Vec<Option<String>> {
            let secret = |p: &crate::config::file::Profile| {
                p.app_secret.as_ref().map(|s| s.expose().clone())
            };
            f.profiles.values().map(secret).collect()
        };
        format!("{a:?}") == format!("{b:?}") && secrets(a) == secrets(b)
    }

    #[test]
    fn the_subset_reads_as_toml_does() {
        let quick = read(SAMPLE, "prod").expect("the sample is within the subset");
        let toml: ConfigFile = toml::from_str(SAMPLE).unwrap();
        assert!(same(&quick, &toml), "{quick:?}\n{toml:?}");
        let prod = &quick.profiles["prod"];
        assert_eq!(
            prod.scopes.as_deref(),
            Some(&["device:list".to_string(), "policy:read".into()][..])
        );
        assert_eq!(prod.lifetime, Some(1800));
        assert_eq!(prod.app_secret.as_ref().unwrap().expose(), "s3cr=t#x");
        assert_eq!(read("", "").unwrap().default_profile, None);
    }

    #[test]
    fn outside_the_subset_it_gives_way_to_toml() {
        for (line, why) in [
            ("tenant_id = \"a\\u0041\"", "an escape"),
            ("tenant.id = \"a\"", "a dotted key"),
            ("\"tenant_id\" = \"a\"", "a quoted key"),
            ("extra_claims = { a = 1 }", "an inline table"),
            ("scopes = [\n\"a\"]", "a multi-line array"),
            ("lifetime = 1.5", "a float"),
            ("lifetime = 1_800", "an underscore"),
            ("lifetime = 0x10", "hex"),
            ("lifetime = 012", "a leading zero"),
            ("lifetime = -1", "a sign"),
            ("lifetime = 9223372036854775808", "beyond an i64"),
            ("lifetime = 1979-05-27", "a date"),
            ("lifetime = truex", "a longer word"),
            ("lifetime = 60 60", "two values"),
            ("tenant_id = \"a\"\ntenant_id = \"b\"", "a repeated key"),
            ("tenant_idd = \"a\"", "an unknown key"),
            ("lifetime = \"60\"", "a wrong type"),
            ("flow = \"oauth\"", "an unknown variant"),
            ("tenant_id = \"a\u{1}\"", "a control character"),
            ("tenant_id = \"a\"\r# x", "a lone carriage return"),
            ("[profiles.prod.extra_claims]", "a sub-table"),
            ("[profiles.other]", "another profile"),
            ("[profiles.prod]", "the table opened twice"),
            ("[[profiles]]", "an array of tables"),
        ] {
            let text = format!("[profiles.prod]\n{line}\n");
            assert!(read(&text, "prod").is_none(), "{why}: {text:?}");
        }
        assert!(
            read("default_profile = 1\n", "").is_none(),
            "a wrong type at the top"
        );
        assert!(
            read("region = \"euc1\"\n", "").is_none(),
            "a profile key at the top"
        );
        assert!(
            read("[profiles.a.b]\n", "a.b").is_none(),
            "a profile name that is not a bare key"
        );
        assert!(read("[profiles.]\n", "").is_none(), "an empty profile name");
    }

    /// xorshift64: the same mutations on every run.
    fn next(state: &mut u64) -> usize {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        (*state % 1_000_003) as usize
    }

    /// Thousands of near misses of the sample: whatever the reader accepts,
    /// toml reads the same way.
    #[test]
    fn what_it_reads_toml_reads_the_same() {
        const EDITS: &[u8] = b"\"'#=[],\\ \t\n\r.0a_-:{}e+\x01";
        let mut state = 0x2545_f491_4f6c_dd1d;
        let mut accepted = 0;
        for _ in 0..6000 {
            let mut bytes = SAMPLE.as_bytes().to_vec();
            for _ in 0..=next(&mut state) % 3 {
                let at = next(&mut state) % (bytes.len() + 1);
                let edit = EDITS[next(&mut state) % EDITS.len()];
                match next(&mut state) % 3 {
                    0 => bytes.insert(at, edit),
                    1 if at < bytes.len() => bytes[at] = edit,
                    _ if at < bytes.len() => drop(bytes.remove(at)),
                    _ => {}
                }
            }
            let text = String::from_utf8(bytes).unwrap();
            if let Some(quick) = read(&text, "prod") {
                accepted += 1;
                let toml: ConfigFile = toml::from_str(&text)
                    .unwrap_or_else(|e| panic!("read {text:?}, which toml refuses: {e}"));
                assert!(same(&quick, &toml), "read differently: {text:?}");
            }
        }
        assert!(
            accepted > 1000,
            "only {accepted} mutations were within the subset"
        );
    }
}
