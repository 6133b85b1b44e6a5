//! `-p`'s profile names in the generated bash, zsh and fish scripts.
//! clap_complete's scripts are static (its dynamic engine is an unstable
//! feature), so each gets a small function that reads the names from the
//! config file's `[profiles.NAME]` headers when the shell completes: the file
//! of a `--config` on the line, else `CYTOKEN_CONFIG`, else the default
//! (`$XDG_CONFIG_HOME` or `~/.config`, then macOS's `~/Library/Application
//! Support`). Nothing is run but `sed` (fish: its own `string`); a file that
//! is missing or unreadable offers nothing. elvish and PowerShell keep
//! clap's script (no file names offered either: `ValueHint::Other`).

use clap_complete::Shell;

/// The lines that list the names: `[profiles.NAME]` and
/// `[profiles."NAME"]`, as sed expressions (basic regular expressions). A
/// name with a space is left out: the shells' word lists split it.
const SED: &str = r#"sed -n -e 's/^[[:space:]]*\[[[:space:]]*profiles\.\([A-Za-z0-9_-]\{1,\}\)[[:space:]]*\].*/\1/p' -e 's/^[[:space:]]*\[[[:space:]]*profiles\."\([^"[:space:]]\{1,\}\)"[[:space:]]*\].*/\1/p'"#;

const BASH_FN: &str = r#"# The profile names of the config file (that of --config, CYTOKEN_CONFIG or
# the default), for -p.
_cytoken_profiles() {
    local file= i
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ "${COMP_WORDS[i]}" == --config ]]; then
            file="${COMP_WORDS[i+1]}"
            [[ "${file}" == = ]] && file="${COMP_WORDS[i+2]}"
        fi
    done
    if [[ -z "${file}" ]]; then
        file="${CYTOKEN_CONFIG:-${XDG_CONFIG_HOME:-${HOME}/.config}/cytoken/config.toml}"
        [[ -r "${file}" ]] || file="${HOME}/Library/Application Support/cytoken/config.toml"
    fi
    file="${file/#\~/${HOME}}"
    [[ -r "${file}" ]] && SED "${file}" 2>/dev/null
}

"#;

/// clap's answer for a value hinted `Other` (the word itself, no space).
const BASH_OTHER: &str = r#"
                    COMPREPLY=("${cur}")
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o nospace
                    fi
"#;

/// The names instead; none matching offers nothing (not file names).
const BASH_NAMES: &str = r#"
                    COMPREPLY=($(compgen -W "$(_cytoken_profiles)" -- "${cur}"))
                    if [[ ${#COMPREPLY[@]} -eq 0 && "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt +o default +o bashdefault
                    fi
"#;

const ZSH_FN: &str = r#"# The profile names of the config file (that of --config, CYTOKEN_CONFIG or
# the default), for -p.
(( $+functions[_cytoken_profiles] )) ||
_cytoken_profiles() {
    local file= i
    for (( i = 1; i < CURRENT; i++ )); do
        case $words[i] in
            --config) file=$words[i+1] ;;
            --config=*) file=${words[i]#--config=} ;;
        esac
    done
    if [[ -z $file ]]; then
        file=${CYTOKEN_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/cytoken/config.toml}
        [[ -r $file ]] || file="$HOME/Library/Application Support/cytoken/config.toml"
    fi
    file=${file/#\~/$HOME}
    local -a names
    [[ -r $file ]] && names=(${(f)"$(SED "$file" 2>/dev/null)"})
    compadd -a names
}

"#;

const FISH_FN: &str = r#"# The profile names of the config file (that of --config, CYTOKEN_CONFIG or
# the default), for -p.
function __fish_cytoken_profiles
    set -l file
    set -l next 0
    for w in (commandline -opc)
        if test $next = 1
            set file $w
            set next 0
        else if test "$w" = --config
            set next 1
        else if string match -q -- '--config=*' $w
            set file (string replace -- '--config=' '' $w)
        end
    end
    if test -z "$file"
        if set -q CYTOKEN_CONFIG
            set file $CYTOKEN_CONFIG
        else if set -q XDG_CONFIG_HOME
            set file $XDG_CONFIG_HOME/cytoken/config.toml
        else
            set file ~/.config/cytoken/config.toml
        end
        test -r "$file"; or set file ~/Library/Application\ Support/cytoken/config.toml
    end
    set file (string replace -r -- '^~' $HOME $file)
    test -r "$file"; or return
    string replace -rf '^\s*\[\s*profiles\.(?:"([^"\s]+)"|([A-Za-z0-9_-]+))\s*\].*' '$1$2' <$file
end

"#;

/// `script` (clap's, for `shell`) with `-p` completing the profile names.
/// Panics when clap's script no longer has the expected shape: the test
/// that regenerates and compares the committed scripts fails then.
pub(super) fn offer_profile_names(shell: Shell, script: String) -> String {
    match shell {
        Shell::Bash => {
            let mut out = BASH_FN.replace("SED", SED);
            let mut replaced = 0;
            let mut rest = script.as_str();
            // Each `--profile)` and `-p)` case of each command.
            while let Some(at) = next_profile_case(rest) {
                let (head, tail) = rest.split_at(at);
                out.push_str(head);
                let tail = tail
                    .strip_prefix(BASH_OTHER)
                    .expect("clap's bash answer for a value hinted Other");
                out.push_str(BASH_NAMES);
                replaced += 1;
                rest = tail;
            }
            out.push_str(rest);
            assert!(replaced > 0, "no -p case in clap's bash script");
            out
        }
        Shell::Zsh => {
            let marker = "if [ \"$funcstack[1]\" = \"_cytoken\" ]; then";
            assert!(script.contains(marker), "clap's zsh script changed shape");
            let hinted = "file \\[env\\: CYTOKEN_PROFILE\\]]:NAME:'";
            assert!(script.contains(hinted), "no -p in clap's zsh script");
            script
                .replace(
                    hinted,
                    "file \\[env\\: CYTOKEN_PROFILE\\]]:NAME:_cytoken_profiles'",
                )
                .replacen(
                    marker,
                    &format!("{}{marker}", ZSH_FN.replace("SED", SED)),
                    1,
                )
        }
        Shell::Fish => {
            let hinted = "-l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f";
            assert!(script.contains(hinted), "no -p in clap's fish script");
            let mut out = FISH_FN.to_string();
            out.push_str(&script.replace(
                hinted,
                &format!("{hinted} -a \"(__fish_cytoken_profiles)\""),
            ));
            out
        }
        _ => script,
    }
}

/// Where the answer of the next `--profile)` or `-p)` case starts in a
/// bash script: just after its label.
fn next_profile_case(script: &str) -> Option<usize> {
    ["\n                --profile)", "\n                -p)"]
        .iter()
        .filter_map(|label| script.find(label).map(|at| at + label.len()))
        .min()
}
