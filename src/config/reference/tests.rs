//! Unit tests of the parent module: the table against the schema, the
//! defaults and ranges [`super::super::merge`] applies, and the variables
//! the code reads.

use std::path::Path;

use super::*;
use crate::config::{Env, Flags, Selection, parse_file};

/// The keys toml expects at a level, from its unknown-field error (the
/// schema's own field list).
fn schema_keys(text: &str) -> Vec<String> {
    let e = toml::from_str::<crate::config::ConfigFile>(text)
        .unwrap_err()
        .message()
        .to_string();
    let list = e.split_once("expected").map_or("", |(_, l)| l).to_string();
    let mut keys: Vec<String> = list
        .split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect();
    keys.sort();
    keys
}

fn table_keys(level: Level) -> Vec<String> {
    let mut keys: Vec<String> = REFERENCE
        .iter()
        .filter(|k| k.level == level)
        .map(|k| k.name.to_string())
        .collect();
    keys.sort();
    keys
}

#[test]
fn every_schema_key_has_an_entry_and_every_entry_is_a_key() {
    assert_eq!(schema_keys("nope = 1\n"), table_keys(Level::File));
    assert_eq!(
        schema_keys("[profiles.p]\nnope = 1\n"),
        table_keys(Level::Profile)
    );
    let mut names = key_names().to_vec();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), REFERENCE.len(), "a key is listed twice");
}

/// A selection from a profile of `extra` lines (a secret variable, no file,
/// no process environment).
fn resolve(extra: &str) -> crate::error::Result<Selection> {
    let text = format!(
        "[profiles.p]\ntenant_id = \"t\"\napp_id = \"a\"\napp_secret_env = \"S\"\n{extra}\n"
    );
    let file = parse_file(&text, Path::new("c.toml"))?;
    let flags = Flags {
        cache_dir: Some("/nonexistent/cytoken-test-cache".into()),
        ..Flags::default()
    };
    Selection::merge(&flags, &Env::fixed(&[]), "p", &file.profiles["p"], None)
}

fn entry(name: &str) -> &'static Key {
    REFERENCE.iter().find(|k| k.name == name).unwrap()
}

/// Each default the table states is the value an empty profile resolves to.
#[test]
fn the_stated_defaults_are_the_ones_applied() {
    let s = resolve("").unwrap();
    let c = s.flow.cylance().unwrap();
    let region = crate::config::service::region_url(entry("region").default.unwrap()).unwrap();
    let applied = [
        ("lifetime", c.lifetime.to_string()),
        ("issuer", c.issuer.clone()),
        ("scopes", format!("{:?}", c.scopes)),
        (
            "scope_format",
            format!("{:?}", c.scope_format).to_lowercase(),
        ),
        ("timeout", s.transport.timeout.as_secs().to_string()),
        (
            "lock_timeout",
            s.cache_policy.lock_timeout.as_secs().to_string(),
        ),
        ("refresh_margin", s.cache_policy.refresh_margin.to_string()),
        ("min_valid", s.cache_policy.min_valid.to_string()),
        ("username", s.front_end.username.clone()),
        (
            "git_auth",
            format!("{:?}", s.front_end.git_auth).to_lowercase(),
        ),
        ("flow", "cylance".to_string()),
    ];
    assert_eq!(c.auth_url, region, "the default region");
    for (name, value) in &applied {
        assert_eq!(entry(name).default, Some(value.as_str()), "{name}");
    }
    // Every stated default is checked above (region through its URL).
    let stated = REFERENCE
        .iter()
        .filter(|k| k.level == Level::Profile && k.default.is_some())
        .count();
    assert_eq!(stated, applied.len() + 1);
}

/// Each range the table states is the one merge enforces: its ends pass,
/// one past them is refused naming the key; each listed word is accepted,
/// another is refused.
#[test]
fn the_stated_ranges_are_the_ones_enforced() {
    let mut checked = 0;
    for k in REFERENCE.iter().filter(|k| k.level == Level::Profile) {
        match k.range {
            Range::Seconds(lo, hi) => {
                checked += 1;
                let name = k.name;
                for ok in [lo, hi] {
                    resolve(&format!("{name} = {ok}")).unwrap();
                }
                let mut past = vec![hi + 1];
                past.extend(lo.checked_sub(1));
                for bad in past {
                    let e = resolve(&format!("{name} = {bad}")).unwrap_err().to_string();
                    assert!(e.contains(name), "{name} = {bad}: {e}");
                }
            }
            Range::OneOf(words) => {
                checked += 1;
                for w in words {
                    // mtc with a tenant needs an API base of its own.
                    let extra = if *w == "mtc" {
                        "\napi_url = \"https://api.example\""
                    } else {
                        ""
                    };
                    resolve(&format!("{} = \"{w}\"{extra}", k.name))
                        .unwrap_or_else(|e| panic!("{} = {w}: {e}", k.name));
                }
                let e = resolve(&format!("{} = \"nope\"", k.name)).unwrap_err();
                assert!(e.to_string().contains("nope"), "{}: {e}", k.name);
            }
            Range::Any | Range::Rule(_) => {}
        }
    }
    assert_eq!(checked, 8, "every numeric and enumerated key is checked");
}

/// Every `CYTOKEN_*` variable the code names is in the reference, as a
/// key's variable or in [`VARIABLES`].
#[test]
fn every_variable_the_code_names_is_documented() {
    let mut documented: Vec<&str> = VARIABLES.iter().map(|v| v.name).collect();
    documented.extend(REFERENCE.iter().filter_map(|k| k.var));
    let mut named = Vec::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (at, _) in text.match_indices("\"CYTOKEN_") {
                    let name: String = text[at + 1..]
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                        .collect();
                    // `format!("CYTOKEN_{}")` builds one of the keys' names.
                    if !name.ends_with('_') {
                        named.push((name, path.clone()));
                    }
                }
            }
        }
    }
    assert!(named.len() > 20, "the scan found the variables: {named:?}");
    for (name, path) in named {
        assert!(
            documented.contains(&name.as_str()),
            "{name} ({}) is not in the reference",
            path.display()
        );
    }
}
