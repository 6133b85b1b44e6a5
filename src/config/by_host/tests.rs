//! Unit tests of the parent module.

use super::*;
use crate::hosts::Scheme;

fn git(text: &str, host: &str) -> Result<Option<String>> {
    let target = Target::new(Scheme::Https, host).unwrap();
    let host = ForHost {
        key: HostKey::Git,
        target: &target,
    };
    choose(text, Path::new("/c.toml"), host)
}

const TWO: &str = r#"
default_profile = "prod"
[profiles.prod]
tenant_id = "t1"
git_hosts = ["git.prod.example.com", "*.example.com"]  # a comment ]
docker_hosts = ["registry.staging.example.com"]
[profiles.prod.extra_claims]
x = 1
[profiles.staging]
git_hosts = [
  "git.staging.example.com", # its own ] and [ in a comment
  'git.prod.example.com:443',
]
[profiles.any]
tenant_id = "t3"
"#;

#[test]
fn the_most_specific_list_picks_the_profile() {
    assert_eq!(
        git(TWO, "git.staging.example.com").unwrap().as_deref(),
        Some("staging")
    );
    // host:port (the default port written out) over host.
    assert_eq!(
        git(TWO, "git.prod.example.com").unwrap().as_deref(),
        Some("staging")
    );
    // A wildcard still picks when nothing else covers.
    assert_eq!(
        git(TWO, "other.example.com").unwrap().as_deref(),
        Some("prod")
    );
    // No list covers: the default profile answers; a profile without the key never picks.
    assert_eq!(git(TWO, "github.com").unwrap(), None);
}

#[test]
fn an_equal_match_names_both_profiles() {
    let text = "[profiles.a]\ngit_hosts = [\"*.example.com\"]\n\
                [profiles.b]\ngit_hosts = [\"https://*.example.com/\"]\n\
                [profiles.c]\ngit_hosts = [\"*.com\"]\n";
    let e = git(text, "git.example.com").unwrap_err();
    assert_eq!(e.kind(), crate::error::Kind::Config);
    let m = e.to_string();
    assert!(
        m.contains("'a' and 'b'") && m.contains("git.example.com"),
        "{m}"
    );
    assert!(!m.contains("'c'"), "{m}");
}

#[test]
fn the_scan_reads_what_the_whole_parse_reads() {
    let lists = scan(TWO, "git_hosts").unwrap();
    let whole = parse_file(TWO, Path::new("/c.toml")).unwrap();
    let expected: Vec<(String, Vec<String>)> = whole
        .profiles
        .into_iter()
        .filter_map(|(n, p)| Some((n, p.git_hosts?)))
        .collect();
    assert_eq!(lists, expected);
    assert_eq!(
        scan(&TWO.replace('\n', "\r\n"), "git_hosts").unwrap(),
        expected
    );
    assert_eq!(scan(TWO, "docker_hosts").unwrap().len(), 1);
    assert_eq!(scan("[profiles.a]\nx = 1\n", "git_hosts"), Some(Vec::new()));
}

#[test]
fn the_scan_leaves_uncertain_files_to_the_whole_parse() {
    for text in [
        // In a comment, a value, an inline table, a dotted key, a sub-table.
        "[profiles.a]\n# git_hosts = [\"x\"]\n",
        "[profiles.a]\nusername = \"git_hosts\"\n",
        "[profiles]\na = { git_hosts = [\"x\"] }\n",
        "profiles.a.git_hosts = [\"x\"]\n",
        "[profiles.a.extra_claims]\ngit_hosts = [\"x\"]\n",
        // A multi-line string could hide a header; a quoted table name.
        "[profiles.a]\ngit_hosts = [\"x\"]\nissuer = \"\"\"\n[profiles.b]\n\"\"\"\n",
        "[profiles.\"a\"]\ngit_hosts = [\"x\"]\n",
        // Not a list of strings.
        "[profiles.a]\ngit_hosts = \"x\"\n",
    ] {
        assert_eq!(scan(text, "git_hosts"), None, "{text}");
    }
}

#[test]
fn a_file_the_scan_leaves_is_chosen_from_the_whole_parse() {
    let text = "[profiles]\na = { git_hosts = [\"git.example.com\"] }\nb = {}\n";
    assert_eq!(git(text, "git.example.com").unwrap().as_deref(), Some("a"));
    // Its errors are the whole parse's, with the line.
    let e = git("[profiles.a]\ngit_hosts = \"x\"\n", "x").unwrap_err();
    assert!(e.to_string().starts_with("/c.toml:2:"), "{e}");
}
