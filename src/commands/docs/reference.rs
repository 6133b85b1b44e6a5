//! The configuration pages, rendered from the reference table
//! ([`crate::config::reference`]): cytoken-config(5), cytoken(1)'s
//! ENVIRONMENT, and the reference in doc/configuration.md (between its
//! markers). Test-only, as every generator of a committed file ([`super`]).

use clap_mangen::roff::{Inline, Roff, bold, italic, roman};

use crate::config::reference::{Key, Level, REFERENCE, Range, VARIABLES};

/// Where doc/configuration.md's generated part starts and ends.
pub(super) const BEGIN: &str = "<!-- generated: config reference -->";
pub(super) const END: &str = "<!-- end of generated config reference -->";

/// cytoken-config(5): the file, its keys, the variables and the flags.
pub(super) fn config_page() -> Vec<u8> {
    let mut roff = Roff::new();
    roff.control(
        "TH",
        [
            "cytoken-config",
            "5",
            "",
            concat!("cytoken ", env!("CARGO_PKG_VERSION")),
        ],
    );
    roff.control("SH", ["NAME"]).text([roman(
        "cytoken-config - the cytoken configuration file, its variables and flags",
    )]);
    roff.control("SH", ["SYNOPSIS"]).text([
        bold("~/.config/cytoken/config.toml"),
        roman(" (or "),
        bold("--config"),
        roman(" "),
        italic("PATH"),
        roman(", or "),
        bold("CYTOKEN_CONFIG"),
        roman(")"),
    ]);
    description(&mut roff);
    example(&mut roff);
    roff.control("SH", ["FILE KEYS"]);
    for k in REFERENCE.iter().filter(|k| k.level == Level::File) {
        key_entry(&mut roff, k);
    }
    roff.control("SH", ["PROFILE KEYS"]).text([roman(
        "Each key of a [profiles.NAME] table; a flag overrides it, then a variable.",
    )]);
    for k in REFERENCE.iter().filter(|k| k.level == Level::Profile) {
        key_entry(&mut roff, k);
    }
    environment(&mut roff);
    files(&mut roff);
    roff.control("SH", ["SEE ALSO"]).text([
        bold("cytoken"),
        roman(
            "(1); cytoken init writes a profile, cytoken check shows what is in effect; \
               doc/configuration.md in the source.",
        ),
    ]);
    let mut buf = Vec::new();
    roff.to_writer(&mut buf).unwrap();
    buf
}

fn description(roff: &mut Roff) {
    roff.control("SH", ["DESCRIPTION"]);
    for text in [
        "cytoken reads one TOML file: default_profile at the top level and one \
         [profiles.NAME] table per profile. Every value is resolved by one rule: a flag \
         overrides a CYTOKEN_* variable, which overrides the selected profile's key, which \
         overrides the default. cytoken init writes a profile; cytoken check shows what is \
         found and where each value came from.",
        "An unknown key, a value of the wrong type or out of its range is a configuration \
         error (exit 2) naming the file, the line and the key, before any network call. \
         Whoever can change the file can run commands as you (app_secret_command): it must \
         be yours, and no directory above it writable by others. Relative paths in it are \
         relative to its directory; ~/ is the home.",
    ]
    .iter()
    .enumerate()
    {
        if text.0 > 0 {
            roff.control("PP", []);
        }
        roff.text([roman(*text.1)]);
    }
}

fn example(roff: &mut Roff) {
    roff.control("SH", ["EXAMPLE"]).control("nf", []);
    for line in [
        "default_profile = \"prod\"",
        "",
        "[profiles.prod]",
        "tenant_id = \"00000000-0000-0000-0000-000000000000\"",
        "app_id = \"11111111-1111-1111-1111-111111111111\"",
        "app_secret_keyring = \"cylance-prod\"",
        "region = \"euc1\"",
        "scopes = [\"device:list\", \"policy:read\"]",
    ] {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
}

/// `name = <value>`, its meaning, then its flag, variable, default and range.
fn key_entry(roff: &mut Roff, k: &Key) {
    roff.control("TP", [])
        .text([bold(k.name), roman(" = "), italic(k.value)]);
    roff.text([roman(k.meaning)]);
    let facts = facts(k);
    if !facts.is_empty() {
        roff.control("br", []).text([roman(facts.join(". ") + ".")]);
    }
}

/// "Flag: --x", "Variable: X", "Default: d", "Range: r", those it has.
fn facts(k: &Key) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(flag) = k.flag {
        facts.push(format!("Flag: {flag}"));
    }
    if let Some(var) = k.var {
        facts.push(format!("Variable: {var}"));
    }
    if let Some(default) = k.default {
        facts.push(format!("Default: {default}"));
    }
    if k.range != Range::Any {
        facts.push(format!("Range: {}", k.range.describe()));
    }
    facts
}

/// Every variable: the keys' own (as their key), then the others.
fn variables() -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = REFERENCE
        .iter()
        .filter_map(|k| {
            let var = k.var?;
            let flag = k
                .flag
                .map(|f| format!(" ({f} overrides the variable)"))
                .unwrap_or_default();
            Some((
                var.to_string(),
                format!("Overrides the profile key {}{flag}.", k.name),
            ))
        })
        .collect();
    vars.extend(VARIABLES.iter().map(|v| {
        let flag = v.flag.map(|f| format!(" As {f}.")).unwrap_or_default();
        (v.name.to_string(), format!("{}{flag}", v.meaning))
    }));
    vars
}

/// ENVIRONMENT: every variable cytoken reads or sets (cytoken(1) has it too).
pub(super) fn environment(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, text) in variables() {
        roff.control("TP", [])
            .text([bold(name)])
            .text([roman(text)]);
    }
}

fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    let rows: [(&str, &str); 2] = [
        (
            "~/.config/cytoken/config.toml",
            "The config file: the OS config dir, %APPDATA%\\cytoken on Windows, \
             ~/Library/Application Support/cytoken on macOS.",
        ),
        (
            "~/.cache/cytoken/",
            "The token cache: the OS cache dir, %LOCALAPPDATA%\\cytoken on Windows, \
             ~/Library/Caches/cytoken on macOS; cytoken cache path prints it.",
        ),
    ];
    for (file, text) in rows {
        let head: Vec<Inline> = vec![bold(file)];
        roff.control("TP", []).text(head).text([roman(text)]);
    }
}

/// `committed` with the text between [`BEGIN`] and [`END`] made anew:
/// the keys' table, then the variables'. `None` when a marker is missing.
pub(super) fn configuration_md(committed: &str) -> Option<String> {
    let start = committed.find(BEGIN)? + BEGIN.len();
    let end = start + committed[start..].find(END)?;
    let mut md = String::from("\n\n| key | flag | variable | default | range | meaning |\n");
    md.push_str("|---|---|---|---|---|---|\n");
    for k in &REFERENCE {
        let code = |t: Option<&str>| t.map_or("—".to_string(), |t| format!("`{t}`"));
        md.push_str(&format!(
            "| `{}`{} | {} | {} | {} | {} | {} |\n",
            k.name,
            if k.level == Level::File {
                " (top level)"
            } else {
                ""
            },
            code(k.flag),
            code(k.var),
            code(k.default),
            cell(&k.range.describe()),
            cell(k.meaning),
        ));
    }
    md.push_str("\n| variable | meaning |\n|---|---|\n");
    for (name, text) in variables() {
        md.push_str(&format!("| `{name}` | {} |\n", cell(&text)));
    }
    md.push('\n');
    Some(format!("{}{md}{}", &committed[..start], &committed[end..]))
}

/// Text for a Markdown table cell: `|` and `*` would be read as markup.
fn cell(text: &str) -> String {
    if text.is_empty() {
        return "—".into();
    }
    text.replace('|', "\\|").replace('*', "\\*")
}
