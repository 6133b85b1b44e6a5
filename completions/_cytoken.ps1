
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cytoken' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cytoken'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'cytoken' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print the access token (the default command)')
            [CompletionResult]::new('auth-token', 'auth-token', [CompletionResultType]::ParameterValue, 'Print a freshly signed auth token (the first half of the flow), no exchange')
            [CompletionResult]::new('git-credential', 'git-credential', [CompletionResultType]::ParameterValue, 'git credential helper (get|store|erase); also as `git-credential-cytoken`')
            [CompletionResult]::new('exec-credential', 'exec-credential', [CompletionResultType]::ParameterValue, 'client-go / kubectl exec credential plugin (reads KUBERNETES_EXEC_INFO)')
            [CompletionResult]::new('docker-credential', 'docker-credential', [CompletionResultType]::ParameterValue, 'docker credential helper (get|store|erase|list|version); also as `docker-credential-cytoken`')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with the token in its environment')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Show or clear cached tokens (never prints a token)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check config, secret source, permissions and the cache, then mint one token')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run the whole flow offline against a built-in strict loopback endpoint')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff) to standard output: cytoken(1), or cytoken-config(5)')
            [CompletionResult]::new('api', 'api', [CompletionResultType]::ParameterValue, 'Call the Cylance API with the token: one request, or every page of a list')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Store or remove the profile''s app secret in the OS keyring')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Add or replace a profile in the config file (asks on a terminal for what is missing)')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Wire git, docker or kubectl to cytoken (--remove undoes it)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each profile''s cached token (claims, time left), secret source, last failure and wiring; offline')
            [CompletionResult]::new('install-helpers', 'install-helpers', [CompletionResultType]::ParameterValue, 'Create the git-credential-cytoken and docker-credential-cytoken helpers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cytoken;token' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cytoken;auth-token' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--claims', '--claims', [CompletionResultType]::ParameterName, 'Print the decoded claims as JSON instead of the token')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;git-credential' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;exec-credential' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;docker-credential' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;exec' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Variable that receives the token')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;cache' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cached entries: profile, tenant, app, scopes, expiry, time left')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove the selected profile''s entry, or every entry with --all')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the cache directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cytoken;cache;list' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;cache;clear' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Remove every entry')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;cache;path' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;cache;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cached entries: profile, tenant, app, scopes, expiry, time left')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove the selected profile''s entry, or every entry with --all')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the cache directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cytoken;cache;help;list' {
            break
        }
        'cytoken;cache;help;clear' {
            break
        }
        'cytoken;cache;help;path' {
            break
        }
        'cytoken;cache;help;help' {
            break
        }
        'cytoken;check' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Do not contact the token endpoint')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;demo' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address for --serve to listen on')
            [CompletionResult]::new('--clock-skew', '--clock-skew', [CompletionResultType]::ParameterName, 'With --serve: the endpoint''s clock runs SECS seconds ahead of this machine''s (negative: behind), to rehearse cytoken''s clock-skew messages')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--serve', '--serve', [CompletionResultType]::ParameterName, 'Keep the endpoint running and print the CYTOKEN_* lines to try git, kubectl and docker wiring against it (until interrupted)')
            [CompletionResult]::new('--https', '--https', [CompletionResultType]::ParameterName, 'With --serve: serve over TLS with a CA made for this run, and write a ready kubeconfig, so kubectl itself can be tried')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;completions' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;man' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cytoken;api' {
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'HTTP method (default GET, or POST when a body is given)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'HTTP method (default GET, or POST when a body is given)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A string field: a query parameter for GET, a JSON body field otherwise')
            [CompletionResult]::new('--raw-field', '--raw-field', [CompletionResultType]::ParameterName, 'A string field: a query parameter for GET, a JSON body field otherwise')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'A typed field (numbers, true, false, null): query parameter or JSON field')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'A typed field (numbers, true, false, null): query parameter or JSON field')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Send this file (or `-` for stdin) as the request body')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header')
            [CompletionResult]::new('--page-size', '--page-size', [CompletionResultType]::ParameterName, 'Items per page with --paginate')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Pages fetched at once with --paginate (1..=16)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the status line and the response headers before the body')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the status line and the response headers before the body')
            [CompletionResult]::new('--paginate', '--paginate', [CompletionResultType]::ParameterName, 'Fetch every page of a list and print all `page_items` as one JSON array')
            [CompletionResult]::new('--ndjson', '--ndjson', [CompletionResultType]::ParameterName, 'With --paginate, one item per line instead of one JSON array')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;secret' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Read the secret (from the terminal without echo, or one line of stdin) and store it under the profile''s app_secret_keyring name')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove the profile''s secret from the keyring')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cytoken;secret;set' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;secret;delete' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;secret;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Read the secret (from the terminal without echo, or one line of stdin) and store it under the profile''s app_secret_keyring name')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove the profile''s secret from the keyring')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cytoken;secret;help;set' {
            break
        }
        'cytoken;secret;help;delete' {
            break
        }
        'cytoken;secret;help;help' {
            break
        }
        'cytoken;init' {
            [CompletionResult]::new('--flow', '--flow', [CompletionResultType]::ParameterName, 'Token flow: cylance (a tenant''s API app) or mtc (the multi-tenant console)')
            [CompletionResult]::new('--secret-keyring', '--secret-keyring', [CompletionResultType]::ParameterName, 'Keep the secret in the OS keyring under this entry name (it is asked for, or read from stdin)')
            [CompletionResult]::new('--secret-command', '--secret-command', [CompletionResultType]::ParameterName, 'Run this command (and its arguments) for the secret')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--default', '--default', [CompletionResultType]::ParameterName, 'Make it the default profile')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the profile if it exists')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Do not contact the token endpoint afterwards (the check runs offline)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;setup' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('git', 'git', [CompletionResultType]::ParameterValue, '`credential.https://HOST.helper` entries in the global git config')
            [CompletionResult]::new('docker', 'docker', [CompletionResultType]::ParameterValue, 'credHelpers entries in $DOCKER_CONFIG/config.json (~/.docker/config.json)')
            [CompletionResult]::new('kubectl', 'kubectl', [CompletionResultType]::ParameterValue, 'A kubeconfig user running `cytoken -p NAME exec-credential`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cytoken;setup;git' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'A host (host, host:port or http://host:port) [default: the profiles'' git_hosts]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Remove the entries instead')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;setup;docker' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'A registry (host or host:port) [default: the profiles'' docker_hosts]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Remove the entries instead')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;setup;kubectl' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user''s name [default: cytoken-PROFILE]')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig file [default: KUBECONFIG, else ~/.kube/config]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Remove the user instead')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;setup;help' {
            [CompletionResult]::new('git', 'git', [CompletionResultType]::ParameterValue, '`credential.https://HOST.helper` entries in the global git config')
            [CompletionResult]::new('docker', 'docker', [CompletionResultType]::ParameterValue, 'credHelpers entries in $DOCKER_CONFIG/config.json (~/.docker/config.json)')
            [CompletionResult]::new('kubectl', 'kubectl', [CompletionResultType]::ParameterValue, 'A kubeconfig user running `cytoken -p NAME exec-credential`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cytoken;setup;help;git' {
            break
        }
        'cytoken;setup;help;docker' {
            break
        }
        'cytoken;setup;help;kubectl' {
            break
        }
        'cytoken;setup;help;help' {
            break
        }
        'cytoken;status' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every profile in the config file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per profile, in an array (keys below)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;install-helpers' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile in the config file [env: CYTOKEN_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file; an explicit path must exist [env: CYTOKEN_CONFIG]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache directory [env: CYTOKEN_CACHE_DIR]')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant id, the `tid` claim [env: CYTOKEN_TENANT_ID]')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'Application id, the `sub` claim [env: CYTOKEN_APP_ID]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region: na, apne1, au, euc1, sae1, us-gov (or NA, APN, APS, EU, SA, GOV); with flow = "mtc" the console''s: us, jp, au, eu, sp [env: CYTOKEN_REGION]')
            [CompletionResult]::new('--auth-url', '--auth-url', [CompletionResultType]::ParameterName, 'Token endpoint URL; overrides the region [env: CYTOKEN_AUTH_URL]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Requested scope, resource:action; repeatable [env: CYTOKEN_SCOPES, comma-separated]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Auth token lifetime in seconds, 1..=1800 [env: CYTOKEN_LIFETIME]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'The `src` claim: the calling host, IP or app, kept by the service for audit [env: CYTOKEN_SOURCE]')
            [CompletionResult]::new('--min-valid', '--min-valid', [CompletionResultType]::ParameterName, 'Hand out a token only if it stays valid this long, else mint a fresh one [env: CYTOKEN_MIN_VALID]')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the cache')
            [CompletionResult]::new('--force-refresh', '--force-refresh', [CompletionResultType]::ParameterName, 'Skip the cached token, mint a new one and store it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr (repeat for more); never a secret or a whole token [env: CYTOKEN_LOG]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cytoken;help' {
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print the access token (the default command)')
            [CompletionResult]::new('auth-token', 'auth-token', [CompletionResultType]::ParameterValue, 'Print a freshly signed auth token (the first half of the flow), no exchange')
            [CompletionResult]::new('git-credential', 'git-credential', [CompletionResultType]::ParameterValue, 'git credential helper (get|store|erase); also as `git-credential-cytoken`')
            [CompletionResult]::new('exec-credential', 'exec-credential', [CompletionResultType]::ParameterValue, 'client-go / kubectl exec credential plugin (reads KUBERNETES_EXEC_INFO)')
            [CompletionResult]::new('docker-credential', 'docker-credential', [CompletionResultType]::ParameterValue, 'docker credential helper (get|store|erase|list|version); also as `docker-credential-cytoken`')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with the token in its environment')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Show or clear cached tokens (never prints a token)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check config, secret source, permissions and the cache, then mint one token')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run the whole flow offline against a built-in strict loopback endpoint')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff) to standard output: cytoken(1), or cytoken-config(5)')
            [CompletionResult]::new('api', 'api', [CompletionResultType]::ParameterValue, 'Call the Cylance API with the token: one request, or every page of a list')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Store or remove the profile''s app secret in the OS keyring')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Add or replace a profile in the config file (asks on a terminal for what is missing)')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Wire git, docker or kubectl to cytoken (--remove undoes it)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each profile''s cached token (claims, time left), secret source, last failure and wiring; offline')
            [CompletionResult]::new('install-helpers', 'install-helpers', [CompletionResultType]::ParameterValue, 'Create the git-credential-cytoken and docker-credential-cytoken helpers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cytoken;help;token' {
            break
        }
        'cytoken;help;auth-token' {
            break
        }
        'cytoken;help;git-credential' {
            break
        }
        'cytoken;help;exec-credential' {
            break
        }
        'cytoken;help;docker-credential' {
            break
        }
        'cytoken;help;exec' {
            break
        }
        'cytoken;help;cache' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cached entries: profile, tenant, app, scopes, expiry, time left')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove the selected profile''s entry, or every entry with --all')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the cache directory')
            break
        }
        'cytoken;help;cache;list' {
            break
        }
        'cytoken;help;cache;clear' {
            break
        }
        'cytoken;help;cache;path' {
            break
        }
        'cytoken;help;check' {
            break
        }
        'cytoken;help;demo' {
            break
        }
        'cytoken;help;completions' {
            break
        }
        'cytoken;help;man' {
            break
        }
        'cytoken;help;api' {
            break
        }
        'cytoken;help;secret' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Read the secret (from the terminal without echo, or one line of stdin) and store it under the profile''s app_secret_keyring name')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove the profile''s secret from the keyring')
            break
        }
        'cytoken;help;secret;set' {
            break
        }
        'cytoken;help;secret;delete' {
            break
        }
        'cytoken;help;init' {
            break
        }
        'cytoken;help;setup' {
            [CompletionResult]::new('git', 'git', [CompletionResultType]::ParameterValue, '`credential.https://HOST.helper` entries in the global git config')
            [CompletionResult]::new('docker', 'docker', [CompletionResultType]::ParameterValue, 'credHelpers entries in $DOCKER_CONFIG/config.json (~/.docker/config.json)')
            [CompletionResult]::new('kubectl', 'kubectl', [CompletionResultType]::ParameterValue, 'A kubeconfig user running `cytoken -p NAME exec-credential`')
            break
        }
        'cytoken;help;setup;git' {
            break
        }
        'cytoken;help;setup;docker' {
            break
        }
        'cytoken;help;setup;kubectl' {
            break
        }
        'cytoken;help;status' {
            break
        }
        'cytoken;help;install-helpers' {
            break
        }
        'cytoken;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
