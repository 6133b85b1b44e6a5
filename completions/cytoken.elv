
use builtin;
use str;

set edit:completion:arg-completer[cytoken] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cytoken'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cytoken'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --format 'Output format'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand token 'Print the access token (the default command)'
            cand auth-token 'Print a freshly signed auth token (the first half of the flow), no exchange'
            cand git-credential 'git credential helper (get|store|erase); also as `git-credential-cytoken`'
            cand exec-credential 'client-go / kubectl exec credential plugin (reads KUBERNETES_EXEC_INFO)'
            cand docker-credential 'docker credential helper (get|store|erase|list|version); also as `docker-credential-cytoken`'
            cand exec 'Run a command with the token in its environment'
            cand cache 'Show or clear cached tokens (never prints a token)'
            cand check 'Check config, secret source, permissions and the cache, then mint one token'
            cand demo 'Run the whole flow offline against a built-in strict loopback endpoint'
            cand completions 'Print a shell completion script'
            cand man 'Print a man page (roff) to standard output: cytoken(1), or cytoken-config(5)'
            cand api 'Call the Cylance API with the token: one request, or every page of a list'
            cand secret 'Store or remove the profile''s app secret in the OS keyring'
            cand init 'Add or replace a profile in the config file (asks on a terminal for what is missing)'
            cand setup 'Wire git, docker or kubectl to cytoken (--remove undoes it)'
            cand status 'Show each profile''s cached token (claims, time left), secret source, last failure and wiring; offline'
            cand install-helpers 'Create the git-credential-cytoken and docker-credential-cytoken helpers'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cytoken;token'= {
            cand --format 'Output format'
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cytoken;auth-token'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --claims 'Print the decoded claims as JSON instead of the token'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;git-credential'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;exec-credential'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;docker-credential'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;exec'= {
            cand --env 'Variable that receives the token'
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;cache'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'List cached entries: profile, tenant, app, scopes, expiry, time left'
            cand clear 'Remove the selected profile''s entry, or every entry with --all'
            cand path 'Print the cache directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cytoken;cache;list'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;cache;clear'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --all 'Remove every entry'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;cache;path'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;cache;help'= {
            cand list 'List cached entries: profile, tenant, app, scopes, expiry, time left'
            cand clear 'Remove the selected profile''s entry, or every entry with --all'
            cand path 'Print the cache directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cytoken;cache;help;list'= {
        }
        &'cytoken;cache;help;clear'= {
        }
        &'cytoken;cache;help;path'= {
        }
        &'cytoken;cache;help;help'= {
        }
        &'cytoken;check'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --offline 'Do not contact the token endpoint'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;demo'= {
            cand --listen 'Address for --serve to listen on'
            cand --clock-skew 'With --serve: the endpoint''s clock runs SECS seconds ahead of this machine''s (negative: behind), to rehearse cytoken''s clock-skew messages'
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --serve 'Keep the endpoint running and print the CYTOKEN_* lines to try git, kubectl and docker wiring against it (until interrupted)'
            cand --https 'With --serve: serve over TLS with a CA made for this run, and write a ready kubeconfig, so kubectl itself can be tried'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;completions'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;man'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cytoken;api'= {
            cand -X 'HTTP method (default GET, or POST when a body is given)'
            cand --method 'HTTP method (default GET, or POST when a body is given)'
            cand -f 'A string field: a query parameter for GET, a JSON body field otherwise'
            cand --raw-field 'A string field: a query parameter for GET, a JSON body field otherwise'
            cand -F 'A typed field (numbers, true, false, null): query parameter or JSON field'
            cand --field 'A typed field (numbers, true, false, null): query parameter or JSON field'
            cand --input 'Send this file (or `-` for stdin) as the request body'
            cand -H 'An extra request header'
            cand --header 'An extra request header'
            cand --page-size 'Items per page with --paginate'
            cand --jobs 'Pages fetched at once with --paginate (1..=16)'
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand -i 'Print the status line and the response headers before the body'
            cand --include 'Print the status line and the response headers before the body'
            cand --paginate 'Fetch every page of a list and print all `page_items` as one JSON array'
            cand --ndjson 'With --paginate, one item per line instead of one JSON array'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;secret'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand set 'Read the secret (from the terminal without echo, or one line of stdin) and store it under the profile''s app_secret_keyring name'
            cand delete 'Remove the profile''s secret from the keyring'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cytoken;secret;set'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;secret;delete'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;secret;help'= {
            cand set 'Read the secret (from the terminal without echo, or one line of stdin) and store it under the profile''s app_secret_keyring name'
            cand delete 'Remove the profile''s secret from the keyring'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cytoken;secret;help;set'= {
        }
        &'cytoken;secret;help;delete'= {
        }
        &'cytoken;secret;help;help'= {
        }
        &'cytoken;init'= {
            cand --flow 'Token flow: cylance (a tenant''s API app) or mtc (the multi-tenant console)'
            cand --secret-keyring 'Keep the secret in the OS keyring under this entry name (it is asked for, or read from stdin)'
            cand --secret-command 'Run this command (and its arguments) for the secret'
            cand --secret-file 'Read the secret from this file'
            cand --secret-env 'Read the secret from this environment variable'
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --default 'Make it the default profile'
            cand --force 'Replace the profile if it exists'
            cand --offline 'Do not contact the token endpoint afterwards (the check runs offline)'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;setup'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand git '`credential.https://HOST.helper` entries in the global git config'
            cand docker 'credHelpers entries in $DOCKER_CONFIG/config.json (~/.docker/config.json)'
            cand kubectl 'A kubeconfig user running `cytoken -p NAME exec-credential`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cytoken;setup;git'= {
            cand --host 'A host (host, host:port or http://host:port) [default: the profiles'' git_hosts]'
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --remove 'Remove the entries instead'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;setup;docker'= {
            cand --registry 'A registry (host or host:port) [default: the profiles'' docker_hosts]'
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --remove 'Remove the entries instead'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;setup;kubectl'= {
            cand --user 'The kubeconfig user''s name [default: cytoken-PROFILE]'
            cand --kubeconfig 'The kubeconfig file [default: KUBECONFIG, else ~/.kube/config]'
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --remove 'Remove the user instead'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;setup;help'= {
            cand git '`credential.https://HOST.helper` entries in the global git config'
            cand docker 'credHelpers entries in $DOCKER_CONFIG/config.json (~/.docker/config.json)'
            cand kubectl 'A kubeconfig user running `cytoken -p NAME exec-credential`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cytoken;setup;help;git'= {
        }
        &'cytoken;setup;help;docker'= {
        }
        &'cytoken;setup;help;kubectl'= {
        }
        &'cytoken;setup;help;help'= {
        }
        &'cytoken;status'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --all 'Every profile in the config file'
            cand --json 'One JSON object per profile, in an array (keys below)'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;install-helpers'= {
            cand -p 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --profile 'Profile in the config file [env: CYTOKEN_PROFILE]'
            cand --config 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]'
            cand --cache-dir 'Cache directory [env: CYTOKEN_CACHE_DIR]'
            cand --tenant-id 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]'
            cand --app-id 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]'
            cand --region 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]'
            cand --auth-url 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]'
            cand --scope 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]'
            cand --lifetime 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]'
            cand --source 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]'
            cand --min-valid 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]'
            cand --no-cache 'Neither read nor write the cache'
            cand --force-refresh 'Skip the cached token, mint a new one and store it'
            cand -v 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand --verbose 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cytoken;help'= {
            cand token 'Print the access token (the default command)'
            cand auth-token 'Print a freshly signed auth token (the first half of the flow), no exchange'
            cand git-credential 'git credential helper (get|store|erase); also as `git-credential-cytoken`'
            cand exec-credential 'client-go / kubectl exec credential plugin (reads KUBERNETES_EXEC_INFO)'
            cand docker-credential 'docker credential helper (get|store|erase|list|version); also as `docker-credential-cytoken`'
            cand exec 'Run a command with the token in its environment'
            cand cache 'Show or clear cached tokens (never prints a token)'
            cand check 'Check config, secret source, permissions and the cache, then mint one token'
            cand demo 'Run the whole flow offline against a built-in strict loopback endpoint'
            cand completions 'Print a shell completion script'
            cand man 'Print a man page (roff) to standard output: cytoken(1), or cytoken-config(5)'
            cand api 'Call the Cylance API with the token: one request, or every page of a list'
            cand secret 'Store or remove the profile''s app secret in the OS keyring'
            cand init 'Add or replace a profile in the config file (asks on a terminal for what is missing)'
            cand setup 'Wire git, docker or kubectl to cytoken (--remove undoes it)'
            cand status 'Show each profile''s cached token (claims, time left), secret source, last failure and wiring; offline'
            cand install-helpers 'Create the git-credential-cytoken and docker-credential-cytoken helpers'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cytoken;help;token'= {
        }
        &'cytoken;help;auth-token'= {
        }
        &'cytoken;help;git-credential'= {
        }
        &'cytoken;help;exec-credential'= {
        }
        &'cytoken;help;docker-credential'= {
        }
        &'cytoken;help;exec'= {
        }
        &'cytoken;help;cache'= {
            cand list 'List cached entries: profile, tenant, app, scopes, expiry, time left'
            cand clear 'Remove the selected profile''s entry, or every entry with --all'
            cand path 'Print the cache directory'
        }
        &'cytoken;help;cache;list'= {
        }
        &'cytoken;help;cache;clear'= {
        }
        &'cytoken;help;cache;path'= {
        }
        &'cytoken;help;check'= {
        }
        &'cytoken;help;demo'= {
        }
        &'cytoken;help;completions'= {
        }
        &'cytoken;help;man'= {
        }
        &'cytoken;help;api'= {
        }
        &'cytoken;help;secret'= {
            cand set 'Read the secret (from the terminal without echo, or one line of stdin) and store it under the profile''s app_secret_keyring name'
            cand delete 'Remove the profile''s secret from the keyring'
        }
        &'cytoken;help;secret;set'= {
        }
        &'cytoken;help;secret;delete'= {
        }
        &'cytoken;help;init'= {
        }
        &'cytoken;help;setup'= {
            cand git '`credential.https://HOST.helper` entries in the global git config'
            cand docker 'credHelpers entries in $DOCKER_CONFIG/config.json (~/.docker/config.json)'
            cand kubectl 'A kubeconfig user running `cytoken -p NAME exec-credential`'
        }
        &'cytoken;help;setup;git'= {
        }
        &'cytoken;help;setup;docker'= {
        }
        &'cytoken;help;setup;kubectl'= {
        }
        &'cytoken;help;status'= {
        }
        &'cytoken;help;install-helpers'= {
        }
        &'cytoken;help;help'= {
        }
    ]
    $completions[$command]
}
