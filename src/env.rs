//! The environment a selection is resolved from: `CYTOKEN_*` and other
//! variables, and the home, config and cache directories. The process's own
//! for real calls; a fixed one in unit tests, so they never read the user's
//! real config, cache or variables.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// Variables and directories. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Env {
    fixed: Option<Arc<Fixed>>,
}

/// A made-up environment (tests): these variables and no directories unless
/// given.
#[derive(Default)]
struct Fixed {
    vars: BTreeMap<String, String>,
    home: Option<PathBuf>,
}

impl Env {
    /// The process's environment and the OS's directories (via `dirs`).
    pub(crate) fn process() -> Env {
        Env { fixed: None }
    }

    /// No variables and no directories (the demo, which must not depend on
    /// the user's settings).
    pub(crate) fn none() -> Env {
        Env {
            fixed: Some(Arc::new(Fixed::default())),
        }
    }

    /// A fixed environment of `vars`, with no home, config or cache directory.
    #[cfg(test)]
    pub(crate) fn fixed(vars: &[(&str, &str)]) -> Env {
        Env {
            fixed: Some(Arc::new(Fixed {
                vars: vars
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                    .collect(),
                home: None,
            })),
        }
    }

    /// A variable's value, even when empty; `None` when unset or not UTF-8.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        match &self.fixed {
            None => std::env::var(name).ok(),
            Some(f) => f.vars.get(name).cloned(),
        }
    }

    /// A variable's value as the OS holds it (`None` when unset), for a caller
    /// that tells "not UTF-8" from "unset".
    pub(crate) fn get_os(&self, name: &str) -> Option<std::ffi::OsString> {
        match &self.fixed {
            None => std::env::var_os(name),
            Some(f) => f.vars.get(name).map(Into::into),
        }
    }

    /// A variable's value, with an empty value treated as unset.
    pub(crate) fn var(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty())
    }

    pub(crate) fn home_dir(&self) -> Option<PathBuf> {
        match &self.fixed {
            None => dirs::home_dir(),
            Some(f) => f.home.clone(),
        }
    }

    /// The user's config directory (XDG on Linux, `%APPDATA%` on Windows).
    pub(crate) fn config_dir(&self) -> Option<PathBuf> {
        match &self.fixed {
            None => dirs::config_dir(),
            Some(f) => f.home.as_ref().map(|h| h.join(".config")),
        }
    }

    /// The user's cache directory (XDG on Linux, `%LOCALAPPDATA%` on Windows).
    pub(crate) fn cache_dir(&self) -> Option<PathBuf> {
        match &self.fixed {
            None => dirs::cache_dir(),
            Some(f) => f.home.as_ref().map(|h| h.join(".cache")),
        }
    }
}

/// Names only: values may hold the app secret.
impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fixed {
            None => f.write_str("Env(process)"),
            Some(x) => f
                .debug_tuple("Env")
                .field(&x.vars.keys().collect::<Vec<_>>())
                .finish(),
        }
    }
}
