//! One page of a Cylance list (`{page_number, page_size, total_pages,
//! total_number_of_items, page_items}`): its counts, and its items as the
//! server's own bytes (no re-serialisation, so key order and number precision
//! survive), each compacted onto one line. The items are found by walking
//! the body ([`Items`]), never listed: a 32 MiB page of `0,0,0,…` would
//! otherwise cost 16 bytes of index per 2 bytes of body.

use std::ops::Range;

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::redact::json::Count;

/// A page's counts and where its items are in the body.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ListPage {
    pub page_number: Option<u64>,
    pub page_size: Option<u64>,
    pub total_pages: u64,
    pub total_items: Option<u64>,
    /// How many items `page_items` holds.
    pub count: u64,
    /// Where `page_items`' `[` is in the body (see [`items`]).
    pub array: usize,
}

/// The fields read; the items are only validated here and found by
/// [`items`]. A count that is not one is skipped unread ([`Count`]).
#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    page_number: Count,
    #[serde(default)]
    page_size: Count,
    #[serde(default)]
    total_pages: Count,
    #[serde(default)]
    total_number_of_items: Count,
    page_items: Option<IgnoredAny>,
}

/// Parses a list page; the error says what is missing, for the message.
pub(super) fn parse(body: &[u8]) -> Result<ListPage, String> {
    // Validates the whole body first (serde_json, no allocation for the items),
    // so the scanner below only ever walks well-formed JSON.
    let head: Head = serde_json::from_slice(body)
        .map_err(|e| format!("the answer is not a JSON list page ({e})"))?;
    if head.page_items.is_none() {
        return Err("the answer has no page_items".into());
    }
    let total_pages = head
        .total_pages
        .0
        .ok_or_else(|| "the answer has no numeric total_pages".to_string())?;
    let not_array = || "page_items is not an array in a JSON object".to_string();
    let array = page_items_at(body).ok_or_else(not_array)?;
    let mut walk = items(body, array);
    let n = walk.by_ref().count() as u64;
    if walk.broken {
        return Err(not_array());
    }
    Ok(ListPage {
        page_number: head.page_number.0,
        page_size: head.page_size.0,
        total_pages,
        total_items: head.total_number_of_items.0,
        count: n,
        array,
    })
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while b
        .get(i)
        .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}

/// The index after the string starting at `b[i] == '"'`.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The index after the value starting at `b[i]`.
fn skip_value(b: &[u8], mut i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            loop {
                match b.get(i)? {
                    b'"' => {
                        i = skip_string(b, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            while b
                .get(i)
                .is_some_and(|c| !matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                i += 1;
            }
            Some(i)
        }
    }
}

/// Where the `[` of `page_items` of a top-level object is (the body already
/// validated as JSON).
fn page_items_at(b: &[u8]) -> Option<usize> {
    let mut i = ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = ws(b, i);
        if b.get(i)? == &b'}' {
            return None;
        }
        let key_start = i;
        i = skip_string(b, i)?;
        let key = &b[key_start..i];
        let is_items = key == b"\"page_items\""
            || (key.contains(&b'\\')
                && serde_json::from_slice::<String>(key).is_ok_and(|k| k == "page_items"));
        i = ws(b, i);
        if b.get(i)? != &b':' {
            return None;
        }
        i = ws(b, i + 1);
        if is_items {
            return (b.get(i)? == &b'[').then_some(i);
        }
        i = ws(b, skip_value(b, i)?);
        if b.get(i)? == &b',' {
            i += 1;
        }
    }
}

/// The byte ranges of the elements of the array whose `[` is at `array`,
/// one at a time.
pub(super) fn items(body: &[u8], array: usize) -> Items<'_> {
    Items {
        b: body,
        i: array + 1,
        state: Walk::First,
        broken: false,
    }
}

/// See [`items`]. `broken` is set when the walk stopped on bytes that are
/// not an array's elements.
pub(super) struct Items<'a> {
    b: &'a [u8],
    i: usize,
    state: Walk,
    pub broken: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Walk {
    First,
    Next,
    Done,
}

impl Items<'_> {
    fn step(&mut self) -> Option<Range<usize>> {
        let b = self.b;
        let mut i = ws(b, self.i);
        match self.state {
            Walk::Done => return None,
            Walk::First if b.get(i)? == &b']' => {
                self.state = Walk::Done;
                return None;
            }
            Walk::First => {}
            Walk::Next => match b.get(i)? {
                b',' => i = ws(b, i + 1),
                b']' => {
                    self.state = Walk::Done;
                    return None;
                }
                _ => return None,
            },
        }
        let end = skip_value(b, i)?;
        self.state = Walk::Next;
        self.i = end;
        Some(i..end)
    }
}

impl Iterator for Items<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.state == Walk::Done || self.broken {
            return None;
        }
        let item = self.step();
        if item.is_none() && self.state != Walk::Done {
            self.broken = true;
        }
        item
    }
}

/// Appends `item` without the whitespace between its tokens, so that every
/// item is one line (NDJSON) whatever the server's formatting.
pub(super) fn compact(item: &[u8], out: &mut Vec<u8>) {
    if !item
        .iter()
        .any(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    {
        out.extend_from_slice(item);
        return;
    }
    let (mut in_string, mut escaped) = (false, false);
    for &c in item {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
        } else if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            out.push(c);
            in_string = c == b'"';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(body: &str) -> Vec<String> {
        let page = parse(body.as_bytes()).unwrap();
        let all: Vec<_> = super::items(body.as_bytes(), page.array).collect();
        assert_eq!(all.len() as u64, page.count);
        all.into_iter()
            .map(|r| {
                let mut out = Vec::new();
                compact(&body.as_bytes()[r], &mut out);
                String::from_utf8(out).unwrap()
            })
            .collect()
    }

    #[test]
    fn items_keep_the_servers_bytes_on_one_line() {
        let body = r#"{ "page_number": "2", "page_size": 3, "total_pages": 4,
            "total_number_of_items": 10, "other": {"page_items": [9]},
            "page_items": [ {"z": 1, "a": "x y\n\"]}", "n": 12345678901234567890123},
              [ 1 , 2 ], "s", 7, null ] }"#;
        let page = parse(body.as_bytes()).unwrap();
        assert_eq!(
            (page.page_number, page.total_pages, page.total_items),
            (Some(2), 4, Some(10))
        );
        assert_eq!(
            items(body),
            [
                r#"{"z":1,"a":"x y\n\"]}","n":12345678901234567890123}"#,
                "[1,2]",
                r#""s""#,
                "7",
                "null"
            ]
        );
        assert!(items(r#"{"total_pages":0,"page_items":[]}"#).is_empty());
        assert_eq!(items(r#"{"total_pages":1,"page_\u0069tems":[1]}"#), ["1"]);
    }

    #[test]
    fn what_is_not_a_list_page_is_an_error() {
        for body in [
            "",
            "[]",
            r#"{"total_pages":1}"#,
            r#"{"page_items":[]}"#,
            r#"{"total_pages":"x","page_items":[]}"#,
            r#"{"total_pages":1,"page_items":{}}"#,
            r#"{"total_pages":1,"page_items":[1,]}"#,
            r#"{"total_pages":1,"page_items":[1]"#,
            r#"[1, {"total_pages":1,"page_items":[]}]"#,
        ] {
            assert!(parse(body.as_bytes()).is_err(), "{body}");
        }
    }
}
