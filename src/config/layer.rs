//! The one layering rule of a selection, flag > environment > profile >
//! default, applied key by key, with where each value came from kept
//! ([`Origins`]) so that an error names the real source of a bad value and a
//! command can say where a setting came from.

use std::fmt;
use std::path::Path;

use super::Env;
use crate::error::{Error, Result};

/// Where one value of a selection came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A command-line flag (`--tenant-id`).
    Flag(&'static str),
    /// An environment variable (`CYTOKEN_TENANT_ID`).
    Var(&'static str),
    /// A key of the selected profile (`tenant_id`); the file and the profile
    /// are the selection's own.
    Profile(&'static str),
    /// Nobody set it.
    Default,
}

/// The origin of each value of a selection, by key (the profile key's name:
/// `tenant_id`, `timeout`, `secret`, …). Keys with no value have none.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origins {
    set: Vec<(&'static str, Origin)>,
    /// For a value a flag or variable gave although the profile set one too:
    /// the profile key it outranked (`secret`: `app_secret_file`, say).
    outranked: Vec<(&'static str, &'static str)>,
}

impl Origins {
    /// Where `key`'s value came from; `None` when it has no value.
    pub(crate) fn get(&self, key: &str) -> Option<Origin> {
        self.set.iter().find(|(k, _)| *k == key).map(|(_, o)| *o)
    }

    /// The profile key that also set `key` but was outranked by a flag or
    /// variable (what a user who edited the profile needs to hear).
    pub(crate) fn outranked(&self, key: &str) -> Option<&'static str> {
        self.outranked
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, p)| *p)
    }

    /// Each key is resolved, so recorded, once per selection.
    fn set(&mut self, key: &'static str, origin: Origin) {
        debug_assert!(self.get(key).is_none(), "{key} recorded twice");
        self.set.push((key, origin));
    }
}

/// How a value's origin is named in a message: the flag, the variable, the
/// file, profile and key (`<file> [profiles.<name>] <key>`; the key alone
/// when there is no file), or `the default <key>`. Formatted only when shown.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Named<'a> {
    pub(crate) origin: Origin,
    pub(crate) key: &'a str,
    pub(crate) file: Option<&'a Path>,
    pub(crate) profile: &'a str,
}

impl fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.origin {
            Origin::Flag(name) | Origin::Var(name) => f.write_str(name),
            Origin::Profile(key) => in_profile(f, key, self.file, self.profile),
            Origin::Default => write!(f, "the default {}", self.key),
        }
    }
}

/// `<file> [profiles.<name>] <key>`, or the key alone when there is no file.
fn in_profile(
    f: &mut fmt::Formatter<'_>,
    key: &str,
    file: Option<&Path>,
    profile: &str,
) -> fmt::Result {
    match file {
        Some(path) => write!(f, "{} [profiles.{profile}] {key}", path.display()),
        None => f.write_str(key),
    }
}

/// What one selection is resolved from, and the origins recorded so far.
pub(crate) struct Layers<'a> {
    pub(crate) env: &'a Env,
    pub(crate) file: Option<&'a Path>,
    pub(crate) profile: &'a str,
    pub(crate) origins: Origins,
}

impl<'a> Layers<'a> {
    pub(crate) fn new(env: &'a Env, file: Option<&'a Path>, profile: &'a str) -> Layers<'a> {
        Layers {
            env,
            file,
            profile,
            origins: Origins {
                set: Vec::with_capacity(24),
                outranked: Vec::new(),
            },
        }
    }

    /// Starts the layers of the profile key `key`.
    pub(crate) fn key<T>(&mut self, key: &'static str) -> Key<'_, 'a, T> {
        Key {
            layers: self,
            name: key,
            flag: None,
            var: None,
            profile: None,
        }
    }

    /// Records the origin of a value resolved by a rule of its own (the
    /// secret, the endpoints).
    pub(crate) fn record(&mut self, key: &'static str, origin: Origin) {
        self.origins.set(key, origin);
    }

    /// As [`Layers::record`], for a value that outranked the profile's own
    /// `profile_key` (see [`Origins::outranked`]).
    pub(crate) fn record_over(
        &mut self,
        key: &'static str,
        origin: Origin,
        profile_key: Option<&'static str>,
    ) {
        self.origins.set(key, origin);
        if let Some(p) = profile_key {
            self.origins.outranked.push((key, p));
        }
    }

    /// The file, profile and key (for a key only the profile can set).
    pub(crate) fn in_profile(&self, key: &str) -> String {
        struct InProfile<'k>(&'k str, Option<&'k Path>, &'k str);
        impl fmt::Display for InProfile<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                in_profile(f, self.0, self.1, self.2)
            }
        }
        InProfile(key, self.file, self.profile).to_string()
    }

    fn named<'k>(&'k self, origin: Origin, key: &'k str) -> Named<'k> {
        Named {
            origin,
            key,
            file: self.file,
            profile: self.profile,
        }
    }
}

/// Reads a variable's text; `Err` holds what follows the variable's name in
/// the error (`" is not a number of seconds"`).
type Parse<T> = fn(&str) -> std::result::Result<T, String>;

/// The layers of one key, highest first; [`Key::check`], [`Key::get`],
/// [`Key::or`] or [`Key::value`] resolves it.
pub(crate) struct Key<'l, 'a, T> {
    layers: &'l mut Layers<'a>,
    name: &'static str,
    flag: Option<(&'static str, T)>,
    var: Option<(&'static str, Parse<T>)>,
    profile: Option<T>,
}

impl<T> Key<'_, '_, T> {
    /// The flag `name`'s value, if given.
    pub(crate) fn flag(mut self, name: &'static str, value: Option<T>) -> Self {
        self.flag = value.map(|v| (name, v));
        self
    }

    /// The variable `name`, read with `parse` when set and not empty.
    pub(crate) fn var(mut self, name: &'static str, parse: Parse<T>) -> Self {
        self.var = Some((name, parse));
        self
    }

    /// The profile's value.
    pub(crate) fn profile(mut self, value: Option<T>) -> Self {
        self.profile = value;
        self
    }

    /// The value of the highest layer that has one, held to `check`: its
    /// `Err` is what follows the source's name in the error (`" must be …"`,
    /// `": lifetime … is out of range"`). `None` when no layer has one.
    pub(crate) fn check(mut self, check: impl FnOnce(&T) -> Check) -> Result<Option<T>> {
        match self.layered()? {
            Some((value, origin)) => self.finish(value, origin, check).map(Some),
            None => Ok(None),
        }
    }

    /// As [`Key::check`], with nothing to check.
    pub(crate) fn get(self) -> Result<Option<T>> {
        self.check(|_| Ok(()))
    }

    /// As [`Key::check`], with `default` when no layer has a value.
    pub(crate) fn or(mut self, default: T, check: impl FnOnce(&T) -> Check) -> Result<T> {
        let (value, origin) = self.layered()?.unwrap_or((default, Origin::Default));
        self.finish(value, origin, check)
    }

    /// As [`Key::or`], with nothing to check.
    pub(crate) fn value(self, default: T) -> Result<T> {
        self.or(default, |_| Ok(()))
    }

    /// The highest layer's value and its origin (flag > variable > profile).
    fn layered(&mut self) -> Result<Option<(T, Origin)>> {
        if let Some((flag, v)) = self.flag.take() {
            return Ok(Some((v, Origin::Flag(flag))));
        }
        if let Some((name, parse)) = self.var
            && let Some(text) = self.layers.env.var(name)
        {
            let v = parse(&text).map_err(|tail| Error::config(format!("{name}{tail}")))?;
            return Ok(Some((v, Origin::Var(name))));
        }
        Ok(self.profile.take().map(|v| (v, Origin::Profile(self.name))))
    }

    /// Records where the value came from and holds it to `check`.
    fn finish(self, value: T, origin: Origin, check: impl FnOnce(&T) -> Check) -> Result<T> {
        self.layers.record(self.name, origin);
        check(&value).map_err(|tail| {
            Error::config(format!("{}{tail}", self.layers.named(origin, self.name)))
        })?;
        Ok(value)
    }
}

/// A value's check: `Err` holds what follows its source's name in the error.
pub(crate) type Check = std::result::Result<(), String>;

/// A check that a number of seconds is in `range`.
pub(crate) fn seconds_in(range: std::ops::RangeInclusive<u64>) -> impl FnOnce(&u64) -> Check {
    move |n| {
        if range.contains(n) {
            Ok(())
        } else {
            Err(format!(
                " = {n} is out of range: use {}..={} seconds",
                range.start(),
                range.end()
            ))
        }
    }
}

/// A variable that holds a whole number of seconds.
pub(crate) fn seconds(text: &str) -> std::result::Result<u64, String> {
    text.trim()
        .parse()
        .map_err(|_| " is not a number of seconds".to_string())
}

/// A variable that is used as it is.
#[allow(clippy::unnecessary_wraps)]
pub(crate) fn text(text: &str) -> std::result::Result<String, String> {
    Ok(text.to_string())
}
