# The profile names of the config file (that of --config, CYTOKEN_CONFIG or
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

# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_cytoken_global_optspecs
    string join \n p/profile= config= cache-dir= tenant-id= app-id= region= auth-url= scope= lifetime= source= min-valid= no-cache force-refresh v/verbose format= h/help V/version
end

function __fish_cytoken_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_cytoken_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_cytoken_using_subcommand
    set -l cmd (__fish_cytoken_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c cytoken -n "__fish_cytoken_needs_command" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_needs_command" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_needs_command" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_needs_command" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_needs_command" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_needs_command" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_needs_command" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_needs_command" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_needs_command" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_needs_command" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_needs_command" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_needs_command" -l format -d 'Output format' -r -f -a "raw\t'The token and a newline'
json\t'{"access_token","token_type","expires_at","expires_in","cached","scopes"}'
header\t'Authorization: Bearer <token>'"
complete -c cytoken -n "__fish_cytoken_needs_command" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_needs_command" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_needs_command" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cytoken -n "__fish_cytoken_needs_command" -s V -l version -d 'Print version'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "token" -d 'Print the access token (the default command)'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "auth-token" -d 'Print a freshly signed auth token (the first half of the flow), no exchange'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "git-credential" -d 'git credential helper (get|store|erase); also as `git-credential-cytoken`'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "exec-credential" -d 'client-go / kubectl exec credential plugin (reads KUBERNETES_EXEC_INFO)'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "docker-credential" -d 'docker credential helper (get|store|erase|list|version); also as `docker-credential-cytoken`'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "exec" -d 'Run a command with the token in its environment'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "cache" -d 'Show or clear cached tokens (never prints a token)'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "check" -d 'Check config, secret source, permissions and the cache, then mint one token'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "demo" -d 'Run the whole flow offline against a built-in strict loopback endpoint'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "man" -d 'Print a man page (roff) to standard output: cytoken(1), or cytoken-config(5)'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "api" -d 'Call the Cylance API with the token: one request, or every page of a list'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "secret" -d 'Store or remove the profile\'s app secret in the OS keyring'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "init" -d 'Add or replace a profile in the config file (asks on a terminal for what is missing)'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "setup" -d 'Wire git, docker or kubectl to cytoken (--remove undoes it)'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "status" -d 'Show each profile\'s cached token (claims, time left), secret source, last failure and wiring; offline'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "install-helpers" -d 'Create the git-credential-cytoken and docker-credential-cytoken helpers'
complete -c cytoken -n "__fish_cytoken_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l format -d 'Output format' -r -f -a "raw\t'The token and a newline'
json\t'{"access_token","token_type","expires_at","expires_in","cached","scopes"}'
header\t'Authorization: Bearer <token>'"
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l claims -d 'Print the decoded claims as JSON instead of the token'
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand auth-token" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand git-credential" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand exec-credential" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand docker-credential" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l env -d 'Variable that receives the token' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand exec" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -f -a "list" -d 'List cached entries: profile, tenant, app, scopes, expiry, time left'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -f -a "clear" -d 'Remove the selected profile\'s entry, or every entry with --all'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -f -a "path" -d 'Print the cache directory'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and not __fish_seen_subcommand_from list clear path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l all -d 'Remove every entry'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "list" -d 'List cached entries: profile, tenant, app, scopes, expiry, time left'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Remove the selected profile\'s entry, or every entry with --all'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the cache directory'
complete -c cytoken -n "__fish_cytoken_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l offline -d 'Do not contact the token endpoint'
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand check" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l listen -d 'Address for --serve to listen on' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l clock-skew -d 'With --serve: the endpoint\'s clock runs SECS seconds ahead of this machine\'s (negative: behind), to rehearse cytoken\'s clock-skew messages' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l serve -d 'Keep the endpoint running and print the CYTOKEN_* lines to try git, kubectl and docker wiring against it (until interrupted)'
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l https -d 'With --serve: serve over TLS with a CA made for this run, and write a ready kubeconfig, so kubectl itself can be tried'
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand demo" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand completions" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -s X -l method -d 'HTTP method (default GET, or POST when a body is given)' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -s f -l raw-field -d 'A string field: a query parameter for GET, a JSON body field otherwise' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -s F -l field -d 'A typed field (numbers, true, false, null): query parameter or JSON field' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l input -d 'Send this file (or `-` for stdin) as the request body' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -s H -l header -d 'An extra request header' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l page-size -d 'Items per page with --paginate' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l jobs -d 'Pages fetched at once with --paginate (1..=16)' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -s i -l include -d 'Print the status line and the response headers before the body'
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l paginate -d 'Fetch every page of a list and print all `page_items` as one JSON array'
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l ndjson -d 'With --paginate, one item per line instead of one JSON array'
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand api" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -f -a "set" -d 'Read the secret (from the terminal without echo, or one line of stdin) and store it under the profile\'s app_secret_keyring name'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -f -a "delete" -d 'Remove the profile\'s secret from the keyring'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and not __fish_seen_subcommand_from set delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "set" -d 'Read the secret (from the terminal without echo, or one line of stdin) and store it under the profile\'s app_secret_keyring name'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Remove the profile\'s secret from the keyring'
complete -c cytoken -n "__fish_cytoken_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l flow -d 'Token flow: cylance (a tenant\'s API app) or mtc (the multi-tenant console)' -r -f -a "cylance\t''
mtc\t''"
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l secret-keyring -d 'Keep the secret in the OS keyring under this entry name (it is asked for, or read from stdin)' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l secret-command -d 'Run this command (and its arguments) for the secret' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l secret-file -d 'Read the secret from this file' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l secret-env -d 'Read the secret from this environment variable' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l default -d 'Make it the default profile'
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l force -d 'Replace the profile if it exists'
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l offline -d 'Do not contact the token endpoint afterwards (the check runs offline)'
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand init" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -f -a "git" -d '`credential.https://HOST.helper` entries in the global git config'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -f -a "docker" -d 'credHelpers entries in $DOCKER_CONFIG/config.json (~/.docker/config.json)'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -f -a "kubectl" -d 'A kubeconfig user running `cytoken -p NAME exec-credential`'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and not __fish_seen_subcommand_from git docker kubectl help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l host -d 'A host (host, host:port or http://host:port) [default: the profiles\' git_hosts]' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l remove -d 'Remove the entries instead'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from git" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l registry -d 'A registry (host or host:port) [default: the profiles\' docker_hosts]' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l remove -d 'Remove the entries instead'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from docker" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l user -d 'The kubeconfig user\'s name [default: cytoken-PROFILE]' -r
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l kubeconfig -d 'The kubeconfig file [default: KUBECONFIG, else ~/.kube/config]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l remove -d 'Remove the user instead'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from kubectl" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from help" -f -a "git" -d '`credential.https://HOST.helper` entries in the global git config'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from help" -f -a "docker" -d 'credHelpers entries in $DOCKER_CONFIG/config.json (~/.docker/config.json)'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from help" -f -a "kubectl" -d 'A kubeconfig user running `cytoken -p NAME exec-credential`'
complete -c cytoken -n "__fish_cytoken_using_subcommand setup; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l all -d 'Every profile in the config file'
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l json -d 'One JSON object per profile, in an array (keys below)'
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand status" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -s p -l profile -d 'Profile in the config file [env: CYTOKEN_PROFILE]' -r -f -a "(__fish_cytoken_profiles)"
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -l config -d 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]' -r -F
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -l cache-dir -d 'Cache directory [env: CYTOKEN_CACHE_DIR]' -r -f -a "(__fish_complete_directories)"
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -l tenant-id -d 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -l app-id -d 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -l region -d 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console\'s: us, jp, au, eu, sp [env: CYTOKEN_REGION]' -r -f -a "na\t'North America'
apne1\t'Asia Pacific North-East'
au\t'Asia Pacific South-East (also a console region)'
euc1\t'Europe Central'
sae1\t'South America East'
us-gov\t'US Government'
us\t'multi-tenant console, US'
jp\t'multi-tenant console, Japan'
eu\t'multi-tenant console, Europe'
sp\t'multi-tenant console, South America'"
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -l auth-url -d 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -l scope -d 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -l lifetime -d 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -l source -d 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -l min-valid -d 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]' -r -f
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -l no-cache -d 'Neither read nor write the cache'
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -l force-refresh -d 'Skip the cached token, mint a new one and store it'
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -s v -l verbose -d 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
complete -c cytoken -n "__fish_cytoken_using_subcommand install-helpers" -s h -l help -d 'Print help'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "token" -d 'Print the access token (the default command)'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "auth-token" -d 'Print a freshly signed auth token (the first half of the flow), no exchange'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "git-credential" -d 'git credential helper (get|store|erase); also as `git-credential-cytoken`'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "exec-credential" -d 'client-go / kubectl exec credential plugin (reads KUBERNETES_EXEC_INFO)'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "docker-credential" -d 'docker credential helper (get|store|erase|list|version); also as `docker-credential-cytoken`'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "exec" -d 'Run a command with the token in its environment'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "cache" -d 'Show or clear cached tokens (never prints a token)'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "check" -d 'Check config, secret source, permissions and the cache, then mint one token'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "demo" -d 'Run the whole flow offline against a built-in strict loopback endpoint'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "completions" -d 'Print a shell completion script'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "man" -d 'Print a man page (roff) to standard output: cytoken(1), or cytoken-config(5)'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "api" -d 'Call the Cylance API with the token: one request, or every page of a list'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "secret" -d 'Store or remove the profile\'s app secret in the OS keyring'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "init" -d 'Add or replace a profile in the config file (asks on a terminal for what is missing)'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "setup" -d 'Wire git, docker or kubectl to cytoken (--remove undoes it)'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "status" -d 'Show each profile\'s cached token (claims, time left), secret source, last failure and wiring; offline'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "install-helpers" -d 'Create the git-credential-cytoken and docker-credential-cytoken helpers'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and not __fish_seen_subcommand_from token auth-token git-credential exec-credential docker-credential exec cache check demo completions man api secret init setup status install-helpers help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "list" -d 'List cached entries: profile, tenant, app, scopes, expiry, time left'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "clear" -d 'Remove the selected profile\'s entry, or every entry with --all'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "path" -d 'Print the cache directory'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "set" -d 'Read the secret (from the terminal without echo, or one line of stdin) and store it under the profile\'s app_secret_keyring name'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "delete" -d 'Remove the profile\'s secret from the keyring'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and __fish_seen_subcommand_from setup" -f -a "git" -d '`credential.https://HOST.helper` entries in the global git config'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and __fish_seen_subcommand_from setup" -f -a "docker" -d 'credHelpers entries in $DOCKER_CONFIG/config.json (~/.docker/config.json)'
complete -c cytoken -n "__fish_cytoken_using_subcommand help; and __fish_seen_subcommand_from setup" -f -a "kubectl" -d 'A kubeconfig user running `cytoken -p NAME exec-credential`'
