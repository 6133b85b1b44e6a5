//! [`Secret`]: the one wrapper for a value that must never be shown (the app
//! secret, an auth token, an access token), after cargo-credential's
//! `Secret<T>`.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

/// A value that is never printed: its `Debug` shows `REDACTED`, it has no
/// `Display`, and the value is reached only through [`Secret::expose`], which
/// marks where it leaves the wrapper (a request body, an answer to a client).
/// An owned string or byte buffer is overwritten when dropped, so it does not
/// linger in freed memory.
///
/// Serde sees the bare value (`#[serde(transparent)]`): a cache entry or a
/// config file holds the string itself, as it did before the wrapper.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret<T: Wipe = String>(T);

impl<T: Wipe> Secret<T> {
    /// The value itself, for the one place it is sent or written.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// A borrowed view (`Secret<&str>` of a `Secret<String>`), still redacted.
    pub fn as_deref(&self) -> Secret<&T::Target>
    where
        T: Deref,
    {
        Secret(&*self.0)
    }

    /// A new secret computed from this one (a trimmed copy, the bytes of a
    /// string). It takes the value by reference: moving it out would leave
    /// this one's memory to be freed without being overwritten.
    pub fn map<U: Wipe>(&self, f: impl FnOnce(&T) -> U) -> Secret<U> {
        Secret(f(&self.0))
    }
}

impl Secret<String> {
    /// The common case: an owned string.
    pub fn new(s: String) -> Secret<String> {
        Secret(s)
    }
}

impl<T: Wipe> From<T> for Secret<T> {
    fn from(value: T) -> Secret<T> {
        Secret(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Secret<String> {
        Secret(value.to_owned())
    }
}

impl<T: Wipe> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("REDACTED")
    }
}

impl<T: Wipe> Drop for Secret<T> {
    fn drop(&mut self) {
        self.0.wipe();
    }
}

/// What a [`Secret`] can hold: a value it overwrites when dropped, or a
/// borrow of one (overwritten by its owner).
pub trait Wipe {
    /// Overwrites the value's memory, the whole allocation.
    fn wipe(&mut self);
}

impl Wipe for Vec<u8> {
    fn wipe(&mut self) {
        // Zeroes every byte of the allocation, spare capacity too (a trimmed
        // or truncated value leaves its tail there), without reallocating.
        self.clear();
        self.resize(self.capacity(), 0);
        // Keep the zeroing from being optimised away as a dead store.
        std::hint::black_box(&*self);
    }
}

impl Wipe for String {
    fn wipe(&mut self) {
        std::mem::take(self).into_bytes().wipe();
    }
}

impl<T: ?Sized> Wipe for &T {
    fn wipe(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2-value".into());
        assert_eq!(format!("{s:?}"), "REDACTED");
        assert_eq!(format!("{:?}", s.as_deref()), "REDACTED");
        assert_eq!(
            format!("{:#?}", Some(s.map(|v| v.as_bytes().to_vec()))),
            "Some(\n    REDACTED,\n)"
        );
        assert_eq!(s.expose(), "hunter2-value");
    }

    #[test]
    fn serde_sees_the_bare_value() {
        let s: Secret = serde_json::from_str("\"tok\"").unwrap();
        assert_eq!(s.expose(), "tok");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"tok\"");
    }

    #[test]
    fn wiping_zeroes_the_whole_allocation() {
        let mut v = b"secret\n".to_vec();
        v.reserve(9);
        v.truncate(6);
        let ptr = v.as_ptr();
        v.wipe();
        assert_eq!(v.as_ptr(), ptr, "no reallocation");
        assert!(v.len() >= 16 && v.iter().all(|&b| b == 0), "{v:?}");
        let mut s = String::from("secret");
        s.wipe();
        assert!(s.is_empty());
    }
}
