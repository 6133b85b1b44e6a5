//! `cytoken-emulator`: the strict token endpoint in the foreground, for
//! `bench/run` and for trying cytoken by hand.
//!
//! `cytoken-emulator [--listen ADDR] [--app TENANT:APP]... [--delay-ms N]`;
//! each app is registered with the secret from `CYTOKEN_APP_SECRET` (never a
//! flag: argv is visible to other users). Prints the token URL on one line.

use std::time::Duration;

fn main() {
    if let Err(e) = run(std::env::args().skip(1)) {
        eprintln!("cytoken-emulator: {e}");
        std::process::exit(2);
    }
}

fn run(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let (mut listen, mut apps, mut delay_ms) = ("127.0.0.1:0".to_string(), Vec::new(), 0);
    let secret = std::env::var("CYTOKEN_APP_SECRET").unwrap_or_default();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--listen" => listen = value()?,
            "--app" => {
                let a = value()?;
                let (tenant, app) = a
                    .split_once(':')
                    .ok_or(format!("--app '{a}' is not TENANT:APP"))?;
                if secret.is_empty() {
                    return Err("set CYTOKEN_APP_SECRET to the registered apps' secret".into());
                }
                apps.push((tenant.to_string(), app.to_string(), secret.clone()));
            }
            "--delay-ms" => {
                delay_ms = value()?
                    .parse()
                    .map_err(|_| "--delay-ms takes milliseconds".to_string())?;
            }
            other => {
                return Err(format!(
                    "unknown argument '{other}'; usage: cytoken-emulator [--listen ADDR] \
                     [--app TENANT:APP]... [--delay-ms N]"
                ));
            }
        }
    }
    cytoken_emulator::serve_forever(&listen, &apps, Duration::from_millis(delay_ms))
        .map_err(|e| format!("on {listen}: {e}"))
}
