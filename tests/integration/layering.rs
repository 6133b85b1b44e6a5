//! The layering of a selection through the binary: a flag beats its
//! variable, which beats the profile, and a bad value's one-line error (exit
//! 2, no request) names where that value came from: the flag, the variable,
//! or the file, profile and key, and nothing else.

use serde_json::{Value, json};

use crate::config::assert_config_error;
use crate::hostile::profile_cmd;
use crate::support::*;

/// A key settable by flag, variable and profile key.
struct Layered {
    key: &'static str,
    flag: &'static str,
    var: &'static str,
}

const LIFETIME: Layered = Layered {
    key: "lifetime",
    flag: "--lifetime",
    var: "CYTOKEN_LIFETIME",
};
const MIN_VALID: Layered = Layered {
    key: "min_valid",
    flag: "--min-valid",
    var: "CYTOKEN_MIN_VALID",
};
const SOURCE: Layered = Layered {
    key: "source",
    flag: "--source",
    var: "CYTOKEN_SOURCE",
};
const SCOPES: Layered = Layered {
    key: "scopes",
    flag: "--scope",
    var: "CYTOKEN_SCOPES",
};
const TENANT_ID: Layered = Layered {
    key: "tenant_id",
    flag: "--tenant-id",
    var: "CYTOKEN_TENANT_ID",
};
const APP_ID: Layered = Layered {
    key: "app_id",
    flag: "--app-id",
    var: "CYTOKEN_APP_ID",
};

/// Writes the default profile: a complete selection for the emulator, with
/// `key = value` (TOML) replacing or adding to its keys.
fn write_profile(sb: &Sandbox, key: &str, value: &str) -> String {
    let mut keys = vec![
        ("tenant_id", format!("\"{TENANT}\"")),
        ("app_id", format!("\"{APP}\"")),
        ("app_secret_env", "\"THE_SECRET\"".to_string()),
        ("auth_url", format!("\"{}\"", sb.emu.url())),
    ];
    keys.retain(|(k, _)| *k != key);
    keys.push((key, value.to_string()));
    let mut text = String::from("[profiles.default]\n");
    for (k, v) in keys {
        text.push_str(&format!("{k} = {v}\n"));
    }
    let path = sb.write_config(&text, 0o600);
    path.display().to_string()
}

/// Runs `token` with the default profile and `env`/`args` on top, and checks
/// the error names `named` and none of the other sources.
#[track_caller]
fn assert_named(sb: &Sandbox, k: &Layered, env: &[(&str, &str)], args: &[&str], named: &str) {
    let file = sb.config_path().display().to_string();
    let o = profile_cmd(sb)
        .envs(env.iter().copied())
        .args(args)
        .arg("token")
        .output()
        .unwrap();
    assert_config_error(sb, &o, &[named]);
    let err = stderr(&o);
    for other in [k.flag, k.var, &file] {
        if !named.contains(other) {
            assert!(!err.contains(other), "{named} gave it, not {other}: {err}");
        }
    }
}

/// A bad value given by flag, by variable and by the profile: each error
/// names its own source, with the lower layers holding a good value.
#[test]
fn a_bad_value_names_its_own_source() {
    let sb = Sandbox::new();
    let long = "x".repeat(300);
    let (tenant, app) = (format!("\"{TENANT}\""), format!("\"{APP}\""));
    // The key, a bad value on the command line or in the environment, a
    // good variable, and a good and a bad value in TOML.
    let cases: [(&Layered, &str, &str, &str, &str); 6] = [
        (&LIFETIME, "3600", "600", "900", "3600"),
        (&MIN_VALID, "1790", "600", "0", "1790"),
        (&SOURCE, &long, "ci", "\"ci\"", "\"\""),
        (
            &SCOPES,
            "device",
            "device:list",
            "[\"device:list\"]",
            "[\"device\"]",
        ),
        (&TENANT_ID, " ", TENANT, &tenant, "\" \""),
        (&APP_ID, " ", APP, &app, "\"\\t\""),
    ];
    for (k, bad, good_var, good_toml, bad_toml) in cases {
        // By flag, over a good variable and a good profile.
        write_profile(&sb, k.key, good_toml);
        assert_named(&sb, k, &[(k.var, good_var)], &[k.flag, bad], k.flag);
        // By variable, over a good profile.
        assert_named(&sb, k, &[(k.var, bad)], &[], k.var);
        // By the profile.
        let file = write_profile(&sb, k.key, bad_toml);
        assert_named(
            &sb,
            k,
            &[],
            &[],
            &format!("{file} [profiles.default] {}", k.key),
        );
    }
}

/// A variable that is no number names the variable; keys only the profile
/// sets name the file, the profile and the key.
#[test]
fn unparsable_variables_and_profile_only_keys_name_their_source() {
    let sb = Sandbox::new();
    write_profile(&sb, "lifetime", "900");
    assert_named(&sb, &LIFETIME, &[(LIFETIME.var, "soon")], &[], LIFETIME.var);
    assert_named(
        &sb,
        &MIN_VALID,
        &[(MIN_VALID.var, "-1")],
        &[],
        MIN_VALID.var,
    );
    for (key, bad) in [
        ("timeout", "0"),
        ("lock_timeout", "601"),
        ("refresh_margin", "1801"),
    ] {
        let file = write_profile(&sb, key, bad);
        let o = profile_cmd(&sb).arg("token").output().unwrap();
        assert_config_error(
            &sb,
            &o,
            &[&format!(
                "{file} [profiles.default] {key} = {bad} is out of range"
            )],
        );
    }
}

/// The claims `auth-token --claims` signs with the default profile and
/// `env`/`args` on top.
fn claims(sb: &Sandbox, env: &[(&str, &str)], args: &[&str]) -> Value {
    let o = profile_cmd(sb)
        .envs(env.iter().copied())
        .args(args)
        .args(["auth-token", "--claims"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// The profile gives a value; a variable beats it; a flag beats both.
#[test]
fn a_variable_beats_the_profile_and_a_flag_the_variable() {
    let sb = Sandbox::new();
    let life = |c: &Value| json!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap());
    let claim = |name: &'static str| move |c: &Value| c[name].clone();
    type Read = Box<dyn Fn(&Value) -> Value>;
    type Case<'a> = (&'a Layered, Read, &'a str, [(&'a str, Value); 3]);
    // The key, how the claims show it, its value in the profile (TOML), and
    // the profile's, the variable's and the flag's value as each is given
    // and as it shows in the claims.
    let cases: [Case<'_>; 5] = [
        (
            &LIFETIME,
            Box::new(life),
            "900",
            [
                ("900", json!(900)),
                ("600", json!(600)),
                ("120", json!(120)),
            ],
        ),
        (
            &SOURCE,
            Box::new(claim("src")),
            "\"file-src\"",
            [
                ("file-src", json!("file-src")),
                ("env-src", json!("env-src")),
                ("flag-src", json!("flag-src")),
            ],
        ),
        (
            &SCOPES,
            Box::new(claim("scp")),
            "[\"device:list\"]",
            [
                ("device:list", json!(["device:list"])),
                ("policy:read", json!(["policy:read"])),
                ("user:list", json!(["user:list"])),
            ],
        ),
        (
            &TENANT_ID,
            Box::new(claim("tid")),
            "\"t-file\"",
            [
                ("t-file", json!("t-file")),
                ("t-env", json!("t-env")),
                ("t-flag", json!("t-flag")),
            ],
        ),
        (
            &APP_ID,
            Box::new(claim("sub")),
            "\"a-file\"",
            [
                ("a-file", json!("a-file")),
                ("a-env", json!("a-env")),
                ("a-flag", json!("a-flag")),
            ],
        ),
    ];
    for (k, read, toml, [(_, from_file), (var, from_var), (flag, from_flag)]) in cases {
        write_profile(&sb, k.key, toml);
        assert_eq!(
            read(&claims(&sb, &[], &[])),
            from_file,
            "{}: the profile",
            k.key
        );
        assert_eq!(
            read(&claims(&sb, &[(k.var, var)], &[])),
            from_var,
            "{} beats the profile",
            k.var
        );
        assert_eq!(
            read(&claims(&sb, &[(k.var, var)], &[k.flag, flag])),
            from_flag,
            "{} beats {}",
            k.flag,
            k.var
        );
    }
}
