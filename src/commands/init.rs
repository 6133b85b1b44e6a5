//! `cytoken init`: adds or replaces one profile in the config file, as `aws
//! configure` and `gh auth login` do: every value from a flag, or asked for
//! on a terminal; without one, a missing value is exit 2 naming its flag.
//!
//! The file is edited in place (toml_edit), so every other profile and every
//! comment is kept; the result is parsed back as cytoken loads a config
//! before it replaces the old file (private temp file, rename), in a private
//! directory. An existing profile is replaced only with `--force`. A keyring
//! secret is read as `cytoken secret set` reads it, never from argv. The run
//! ends with `cytoken check` on the new profile.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, value};

use crate::cache::files;
use crate::cli::{Global, InitArgs};
use crate::config::{self, service};
use crate::error::{Error, Result};
use crate::invocation::Invocation;
use crate::platform;
use crate::secret::keyring;

/// Largest config file edited, as the largest one read (config/file.rs).
const MAX_CONFIG: u64 = 4 << 20;

/// Where the profile's secret lives (exactly one source).
#[derive(Debug, Clone, PartialEq, Eq)]
enum SecretAt {
    Keyring(String),
    Command(Vec<String>),
    File(PathBuf),
    Env(String),
}

/// The profile to write, every value checked.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Answers {
    profile: String,
    mtc: bool,
    tenant_id: Option<String>,
    app_id: String,
    region: Option<String>,
    auth_url: Option<String>,
    scopes: Vec<String>,
    secret: SecretAt,
}

pub(crate) fn run(
    inv: &Invocation,
    a: &InitArgs,
    input: impl Read,
    w: &mut dyn Write,
) -> Result<i32> {
    let mut input = BufReader::new(input);
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut ask = Ask {
        terminal,
        input: &mut input,
    };
    let answers = gather(inv, a, &mut ask)?;
    let home = inv.env().home_dir();
    let Some((path, _)) = config::config_path(&inv.flags, inv.env()) else {
        return Err(Error::config(
            "cannot find a config directory (no HOME?): pass --config FILE or set CYTOKEN_CONFIG",
        ));
    };
    let old = read_existing(&path, home.as_deref())?;
    let (text, replaced, default) = edit(old.as_deref(), &answers, a, &path)?;
    config::parse_file(&text, &path)?;
    if let SecretAt::Keyring(name) = &answers.secret {
        let secret = super::secret::read_new(&answers.profile, name, &mut input)?;
        keyring::set(name, &secret)?;
        eprintln!(
            "cytoken: stored the app secret as keyring entry '{name}' in {}",
            keyring::store_name()
        );
    }
    write_private(&path, &text, home.as_deref())?;
    eprintln!(
        "cytoken: {} profile '{}' in {}{}",
        if replaced { "replaced" } else { "added" },
        answers.profile,
        path.display(),
        if default {
            " (the default profile)"
        } else {
            ""
        }
    );
    // The check reads the profile back from the file alone, as every later
    // command will (the flags that gave the values are left out).
    let check = Invocation::new(&Global {
        profile: Some(answers.profile.clone()),
        config: Some(path),
        cache_dir: inv.flags.cache_dir.clone(),
        ..Global::default()
    });
    if let SecretAt::Keyring(name) = &answers.secret {
        super::secret::forget_cached_token(&check, name);
    }
    super::check::run(&check, a.offline, w)
}

/// Asks on a terminal for what a flag did not give; without one, names the
/// flag.
struct Ask<'a, R: BufRead> {
    terminal: bool,
    input: &'a mut R,
}

impl<R: BufRead> Ask<'_, R> {
    /// The answer to `question` (the `default` on an empty line), checked by
    /// `valid` and asked again until it passes; exit 2 naming `flag` without a
    /// terminal.
    fn value(
        &mut self,
        flag: &str,
        question: &str,
        default: Option<&str>,
        valid: impl Fn(&str) -> Result<()>,
    ) -> Result<String> {
        if !self.terminal {
            return match default {
                Some(d) => Ok(d.to_string()),
                None => Err(Error::usage(format!(
                    "missing {flag}: without a terminal every value of `cytoken init` is a flag"
                ))),
            };
        }
        loop {
            match default {
                Some(d) => eprint!("{question} [{d}]: "),
                None => eprint!("{question}: "),
            }
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            let n = self
                .input
                .read_line(&mut line)
                .map_err(|e| Error::usage(format!("cannot read the answer: {e}")))?;
            if n == 0 {
                return Err(Error::usage(format!(
                    "no answer (end of input): give {flag} instead"
                )));
            }
            let answer = match (line.trim(), default) {
                ("", Some(d)) => d.to_string(),
                (a, _) => a.to_string(),
            };
            match valid(&answer) {
                Ok(()) => return Ok(answer),
                Err(e) => eprintln!("cytoken: {e}"),
            }
        }
    }
}

/// Every value, from its flag or asked for, and checked.
fn gather(inv: &Invocation, a: &InitArgs, ask: &mut Ask<impl BufRead>) -> Result<Answers> {
    let f = &inv.flags;
    let named = f
        .profile
        .clone()
        .or_else(|| inv.env().var("CYTOKEN_PROFILE"));
    let profile = given(named.as_deref(), check_profile_name)?.map_or_else(
        || ask.value("-p", "Profile name", Some("default"), check_profile_name),
        Ok,
    )?;
    let flow = match &a.flow {
        Some(flow) => flow.clone(),
        None => ask.value(
            "--flow",
            "Flow (cylance or mtc)",
            Some("cylance"),
            |v| match v {
                "cylance" | "mtc" => Ok(()),
                _ => Err(Error::usage("the flow is cylance or mtc")),
            },
        )?,
    };
    let mtc = flow == "mtc";
    let id = |what: &'static str| move |v: &str| check_id(what, v, mtc);
    let tenant_id = match given(f.tenant_id.as_deref(), id("tenant id"))? {
        Some(t) => Some(t),
        // The console's own token needs no tenant (DESIGN §11).
        None if mtc && !ask.terminal => None,
        None if mtc => Some(ask.value(
            "--tenant-id",
            "Tenant id (empty: the console's own token)",
            Some(""),
            |v| {
                if v.is_empty() {
                    Ok(())
                } else {
                    check_id("tenant id", v, true)
                }
            },
        )?)
        .filter(|t| !t.is_empty()),
        None => Some(ask.value("--tenant-id", "Tenant id", None, id("tenant id"))?),
    };
    let app_id = given(f.app_id.as_deref(), id("app id"))?
        .map_or_else(|| ask.value("--app-id", "App id", None, id("app id")), Ok)?;
    let (region, auth_url) = match (&f.region, &f.auth_url) {
        (None, None) if !ask.terminal => {
            return Err(Error::usage(
                "missing --region or --auth-url: without a terminal every value of \
                 `cytoken init` is a flag",
            ));
        }
        (None, None) => {
            let default = if mtc { "us" } else { "na" };
            let r = ask.value("--region", "Region", Some(default), |v| {
                check_region(v, mtc)
            })?;
            (Some(r), None)
        }
        (r, u) => {
            if let Some(r) = r {
                check_region(r, mtc)?;
            }
            (r.clone(), u.clone())
        }
    };
    let secret = secret_at(a, &profile, ask)?;
    Ok(Answers {
        profile,
        mtc,
        tenant_id,
        app_id,
        region,
        auth_url,
        scopes: f.scopes.clone(),
        secret,
    })
}

/// A flag's value, checked.
fn given(v: Option<&str>, valid: impl Fn(&str) -> Result<()>) -> Result<Option<String>> {
    v.map(|v| valid(v).map(|()| v.to_string())).transpose()
}

/// A profile name is a bare TOML key, and safe in a git helper's command
/// line (`cytoken -p NAME`, run by a shell).
fn check_profile_name(v: &str) -> Result<()> {
    if v.is_empty()
        || v.len() > 64
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::usage(
            "a profile name is 1 to 64 letters, digits, - and _",
        ));
    }
    Ok(())
}

/// A Cylance tenant or app id is a UUID, as the console shows it; a console
/// (mtc) app's client id and tenant ids are the console's own, checked by
/// the config's rules when it is read back.
fn check_id(what: &str, v: &str, mtc: bool) -> Result<()> {
    if mtc {
        if v.is_empty() || v.chars().any(char::is_control) {
            return Err(Error::usage(format!(
                "the {what} is empty or has control characters"
            )));
        }
        return Ok(());
    }
    let uuid = v.len() == 36 && uuid::Uuid::try_parse(v).is_ok();
    if !uuid {
        return Err(Error::usage(format!(
            "the {what} {} is not a UUID: a Cylance {what} looks like \
             3f0c2a9e-1b7d-4c55-9a0e-6d1f2b3c4d5e (Settings > Integrations in the console)",
            crate::redact::quote(v)
        )));
    }
    Ok(())
}

fn check_region(v: &str, mtc: bool) -> Result<()> {
    let checked = if mtc {
        service::mtc_auth_url(v)
    } else {
        service::region_url(v)
    };
    checked
        .map(drop)
        .map_err(|e| Error::usage(e.message().to_string()))
}

/// The secret's source: the one flag given, or asked for.
fn secret_at(a: &InitArgs, profile: &str, ask: &mut Ask<impl BufRead>) -> Result<SecretAt> {
    let keyring_default = format!("cylance-{profile}");
    let at = if let Some(n) = &a.secret_keyring {
        SecretAt::Keyring(n.clone())
    } else if let Some(c) = &a.secret_command {
        SecretAt::Command(c.clone())
    } else if let Some(p) = &a.secret_file {
        SecretAt::File(p.clone())
    } else if let Some(e) = &a.secret_env {
        SecretAt::Env(e.clone())
    } else {
        let flags = "--secret-keyring, --secret-command, --secret-file or --secret-env";
        if !ask.terminal {
            return Err(Error::usage(format!(
                "missing {flags}: without a terminal every value of `cytoken init` is a flag"
            )));
        }
        let kind = ask.value(
            flags,
            "Where does the app secret live (keyring, command, file or env)",
            Some("keyring"),
            |v| match v {
                "keyring" | "command" | "file" | "env" => Ok(()),
                _ => Err(Error::usage("answer keyring, command, file or env")),
            },
        )?;
        let any = |v: &str| {
            if v.trim().is_empty() {
                Err(Error::usage("an answer is needed"))
            } else {
                Ok(())
            }
        };
        match kind.as_str() {
            "keyring" => SecretAt::Keyring(ask.value(
                "--secret-keyring",
                "Keyring entry name",
                Some(&keyring_default),
                any,
            )?),
            "command" => SecretAt::Command(
                ask.value(
                    "--secret-command",
                    "Command printing the secret (words separated by spaces)",
                    None,
                    any,
                )?
                .split_whitespace()
                .map(String::from)
                .collect(),
            ),
            "file" => SecretAt::File(
                ask.value("--secret-file", "File holding the secret", None, any)?
                    .into(),
            ),
            _ => SecretAt::Env(ask.value(
                "--secret-env",
                "Variable holding the secret",
                None,
                any,
            )?),
        }
    };
    check_secret_at(at)
}

fn check_secret_at(at: SecretAt) -> Result<SecretAt> {
    match at {
        SecretAt::Keyring(n) if n.trim().is_empty() || n.chars().any(char::is_control) => Err(
            Error::usage("--secret-keyring names the keyring entry, e.g. cylance-prod"),
        ),
        SecretAt::Command(c) if c.first().is_none_or(String::is_empty) => Err(Error::usage(
            "--secret-command takes the program and its arguments, e.g. pass show cylance/prod",
        )),
        SecretAt::Env(n) if !config::is_var_name(&n) => Err(Error::usage(
            "--secret-env takes the NAME of an environment variable (letters, digits, _)",
        )),
        // Relative to where the user typed it, not to the config file's
        // directory, which is where the config would resolve it.
        SecretAt::File(p) => std::path::absolute(&p)
            .map(SecretAt::File)
            .map_err(|e| Error::usage(format!("--secret-file {}: {e}", p.display()))),
        at => Ok(at),
    }
}

/// The config file's text, read as cytoken reads a config (trusted owner and
/// modes); `None` when there is none yet.
fn read_existing(path: &Path, home: Option<&Path>) -> Result<Option<String>> {
    if !path.exists() {
        return Ok(None);
    }
    let file = platform::open_trusted(path, home).map_err(|e| match e {
        platform::OpenTrusted::Io(e) => {
            Error::config(format!("cannot read config file {}: {e}", path.display()))
        }
        platform::OpenTrusted::Untrusted(u) => Error::config(format!(
            "config file {} cannot be trusted: {u}; {}",
            path.display(),
            u.fix()
        )),
    })?;
    let text = crate::secret::read_capped(file, MAX_CONFIG)
        .map_err(|e| Error::config(format!("cannot read config file {}: {e}", path.display())))?;
    if text.len() as u64 > MAX_CONFIG {
        return Err(Error::config(format!(
            "config file {} is larger than {} KiB: is it the right file?",
            path.display(),
            MAX_CONFIG / 1024
        )));
    }
    // Refuse to build on a file cytoken cannot read: its error has the line.
    config::parse_file(&text, path)?;
    Ok(Some(text))
}

/// The new text: `old` with the profile added or replaced (with `--force`),
/// and `default_profile` set for `--default` or when the file had no
/// profile at all. `(text, replaced, made default)`.
fn edit(
    old: Option<&str>,
    answers: &Answers,
    a: &InitArgs,
    path: &Path,
) -> Result<(String, bool, bool)> {
    let mut doc: DocumentMut = old
        .unwrap_or("")
        .parse()
        .map_err(|e| Error::config(format!("{}: {e}", path.display())))?;
    let profiles = doc
        .entry("profiles")
        .or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        })
        .as_table_mut()
        .ok_or_else(|| Error::config(format!("{}: `profiles` is not a table", path.display())))?;
    let first = profiles.is_empty();
    let name = answers.profile.as_str();
    let replaced = profiles.contains_key(name);
    if replaced && !a.force {
        return Err(Error::usage(format!(
            "profile '{name}' is already in {}: pass --force to replace it, or pick another \
             name with -p",
            path.display()
        )));
    }
    let table = profiles
        .entry(name)
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| {
            Error::config(format!(
                "{}: profiles.{name} is not a table",
                path.display()
            ))
        })?;
    // Replaced whole (its header and the comments above it stay).
    table.clear();
    fill(table, answers);
    let default = a.default || (first && doc.get("default_profile").is_none() && name != "default");
    if default {
        set_keeping_comments(doc.as_table_mut(), "default_profile", name);
    }
    Ok((doc.to_string(), replaced, default))
}

/// Sets `key` to `v`, keeping the comments around an existing value (on its
/// line, and above its key).
fn set_keeping_comments(t: &mut Table, key: &str, v: &str) {
    match t.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = v.into();
            *old.decor_mut() = decor;
        }
        None => {
            t.insert(key, value(v));
        }
    }
}

/// The profile's keys, in the order a person would write them.
fn fill(t: &mut Table, a: &Answers) {
    if a.mtc {
        t.insert("flow", value("mtc"));
    }
    if let Some(id) = &a.tenant_id {
        t.insert("tenant_id", value(id.as_str()));
    }
    t.insert("app_id", value(a.app_id.as_str()));
    if let Some(r) = &a.region {
        t.insert("region", value(r.as_str()));
    }
    if let Some(u) = &a.auth_url {
        t.insert("auth_url", value(u.as_str()));
    }
    if !a.scopes.is_empty() {
        t.insert(
            "scopes",
            value(a.scopes.iter().collect::<toml_edit::Array>()),
        );
    }
    match &a.secret {
        SecretAt::Keyring(n) => t.insert("app_secret_keyring", value(n.as_str())),
        SecretAt::Command(c) => t.insert(
            "app_secret_command",
            value(c.iter().collect::<toml_edit::Array>()),
        ),
        SecretAt::File(p) => t.insert("app_secret_file", value(p.to_string_lossy().as_ref())),
        SecretAt::Env(n) => t.insert("app_secret_env", value(n.as_str())),
    };
}

/// Replaces the file at `path` with `text`: its directory made private when
/// missing, a private temp file beside it, renamed over it (never a torn or
/// readable-by-others file).
fn write_private(path: &Path, text: &str, home: Option<&Path>) -> Result<()> {
    let cannot = |e: &dyn std::fmt::Display| {
        Error::config(format!("cannot write config file {}: {e}", path.display()))
    };
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(cannot(&"it names no file"));
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    platform::create_private_dir_checked(dir, home).map_err(|e| cannot(&e))?;
    let dir = platform::open_parent(dir, home).map_err(|e| cannot(&e))?;
    files::write_atomic_in(&dir, name, text.as_bytes()).map_err(|e| cannot(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers() -> Answers {
        Answers {
            profile: "prod".into(),
            mtc: false,
            tenant_id: Some("3f0c2a9e-1b7d-4c55-9a0e-6d1f2b3c4d5e".into()),
            app_id: "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
            region: Some("euc1".into()),
            auth_url: None,
            scopes: vec!["device:list".into()],
            secret: SecretAt::Env("PROD_SECRET".into()),
        }
    }

    #[test]
    fn an_edit_keeps_comments_and_other_profiles() {
        let old = "# top comment\ndefault_profile = \"lab\"\n\n# the lab\n[profiles.lab]\n\
                   tenant_id = \"x\" # inline\n";
        let args = InitArgs::default();
        let (text, replaced, default) = edit(Some(old), &answers(), &args, Path::new("c")).unwrap();
        assert!(!replaced && !default);
        assert!(text.starts_with(old), "{text}");
        assert!(text.contains("[profiles.prod]\n"), "{text}");
        assert!(text.contains("scopes = [\"device:list\"]"), "{text}");
        let parsed = config::parse_file(&text, Path::new("c")).unwrap();
        assert_eq!(
            parsed.profiles["prod"].app_secret_env.as_deref(),
            Some("PROD_SECRET")
        );
        assert_eq!(parsed.default_profile.as_deref(), Some("lab"));
    }

    #[test]
    fn an_existing_profile_is_replaced_only_with_force() {
        let old = "# keep me\n[profiles.prod]\nregion = \"na\"\nlifetime = 60\n";
        let e = edit(Some(old), &answers(), &InitArgs::default(), Path::new("c")).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("--force"), "{e}");
        let force = InitArgs {
            force: true,
            ..InitArgs::default()
        };
        let (text, replaced, _) = edit(Some(old), &answers(), &force, Path::new("c")).unwrap();
        assert!(replaced);
        assert!(text.starts_with("# keep me\n[profiles.prod]\n"), "{text}");
        assert!(!text.contains("lifetime"), "{text}");
    }

    #[test]
    fn the_first_profile_becomes_the_default() {
        let (text, _, default) =
            edit(None, &answers(), &InitArgs::default(), Path::new("c")).unwrap();
        assert!(default);
        assert!(text.starts_with("default_profile = \"prod\"\n"), "{text}");
    }

    #[test]
    fn ids_are_uuids_for_the_cylance_flow() {
        assert!(check_id("tenant id", "3f0c2a9e-1b7d-4c55-9a0e-6d1f2b3c4d5e", false).is_ok());
        for bad in [
            "",
            "prod",
            "3f0c2a9e1b7d4c559a0e6d1f2b3c4d5e",
            "3f0c2a9e-1b7d-4c55-9a0e-6d1f2b3c4d5",
        ] {
            let e = check_id("tenant id", bad, false).unwrap_err();
            assert!(e.to_string().contains("is not a UUID"), "{e}");
        }
        assert!(check_id("app id", "console-client", true).is_ok());
    }
}
