# The realistic world of issue 22, shared by bench/run and bench/callgrind
# (sourced, not run): a config file as people keep one, in the default place
# (mode 0600, in a private dir), with three profiles: the selected one
# (default_profile) reads its secret with app_secret_file, the others with
# app_secret_command and app_secret_keyring; a private cache dir (the default
# one under a private XDG_CACHE_HOME); no CYTOKEN_* variables (they outrank a
# profile). The cached calls are plain `cytoken token`, `cytoken
# exec-credential` (KUBERNETES_EXEC_INFO set, a new parent per call as under
# kubectl) and `cytoken git-credential get` (git's request on stdin, for a host
# the selected profile lists in git_hosts).
#
#   realistic_world DIR TENANT APP URL SECRET
#
# writes DIR/config/cytoken/config.toml, the secret files, DIR/git-request (the
# stdin of `git-credential get`), and sets REAL_ENV: the `env` words that run a
# command in that world (every CYTOKEN_* variable unset, XDG_CONFIG_HOME and
# XDG_CACHE_HOME pointed into DIR, KUBERNETES_EXEC_INFO set). REAL_CACHE is
# its cache dir.

realistic_world() {
    local dir=$1 tenant=$2 app=$3 url=$4 secret=$5 v
    mkdir -m 700 -p "$dir" "$dir/config/cytoken" "$dir/cache"
    printf '%s' "$secret" >"$dir/prod.secret"
    chmod 600 "$dir/prod.secret"
    # Never run on a hit: a command source is keyed by its argv.
    printf 'lab-secret-%s' "$RANDOM$RANDOM$RANDOM" >"$dir/staging.secret"
    chmod 600 "$dir/staging.secret"
    cat >"$dir/config/cytoken/config.toml" <<EOF
default_profile = "prod"

[profiles.prod]
tenant_id = "$tenant"
app_id = "$app"
app_secret_file = "$dir/prod.secret"
auth_url = "$url"
scopes = ["device:list", "device:read", "policy:list", "policy:read", "zone:list"]
lifetime = 1200
username = "cylance-ci"
git_hosts = ["git.example.com", "gitlab.example.com"]
docker_hosts = ["registry.example.com"]

[profiles.staging]
tenant_id = "3c9a41d7-5e2b-4f08-9a6c-1d2e3f4a5b6c"
app_id = "8e7d6c5b-4a39-4281-b7f6-e5d4c3b2a190"
app_secret_command = ["$(command -v cat)", "$dir/staging.secret"]
region = "euc1"
scopes = ["device:list", "threat:list"]
lifetime = 900

[profiles.lab]
tenant_id = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
app_id = "f0e1d2c3-b4a5-4697-8876-5a4b3c2d1e0f"
app_secret_keyring = "cylance-lab"
region = "na"
scopes = ["device:list"]
docker_hosts = ["registry.lab.example.com"]
EOF
    chmod 600 "$dir/config/cytoken/config.toml"
    printf 'protocol=https\nhost=git.example.com\n\n' >"$dir/git-request"
    REAL_CACHE=$dir/cache/cytoken
    REAL_ENV=(env)
    for v in $(compgen -e); do
        [[ $v == CYTOKEN_* ]] && REAL_ENV+=(-u "$v")
    done
    REAL_ENV+=("XDG_CONFIG_HOME=$dir/config" "XDG_CACHE_HOME=$dir/cache")
    REAL_ENV+=('KUBERNETES_EXEC_INFO={"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}')
}
