//! `cytoken-emulator`: the strict token endpoint in the foreground, for
//! `bench/run` and for trying cytoken by hand.
//!
//! `cytoken-emulator [--listen ADDR] [--app TENANT:APP]... [--delay-ms N]
//! [--devices N] [--api-delay-ms N]`; each app is registered with the secret
//! from `CYTOKEN_APP_SECRET` (never a flag: argv is visible to other users).
//! `--delay-ms` delays token answers, `--api-delay-ms` every API answer (the
//! stand-in serves `--devices` synthetic devices, default 0). Prints the token
//! URL on one line; the API base is its origin.

use std::time::Duration;

fn main() {
    if let Err(e) = run(std::env::args().skip(1)) {
        eprintln!("cytoken-emulator: {e}");
        std::process::exit(2);
    }
}

fn run(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let (mut listen, mut apps) = ("127.0.0.1:0".to_string(), Vec::new());
    let mut opts = cytoken_emulator::Serve::default();
    let millis = |v: String, flag: &str| {
        v.parse()
            .map(Duration::from_millis)
            .map_err(|_| format!("{flag} takes milliseconds"))
    };
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
            "--delay-ms" => opts.delay = millis(value()?, "--delay-ms")?,
            "--api-delay-ms" => opts.api_delay = millis(value()?, "--api-delay-ms")?,
            "--devices" => {
                opts.devices = value()?
                    .parse()
                    .map_err(|_| "--devices takes a number".to_string())?;
            }
            other => {
                return Err(format!(
                    "unknown argument '{other}'; usage: cytoken-emulator [--listen ADDR] \
                     [--app TENANT:APP]... [--delay-ms N] [--devices N] [--api-delay-ms N]"
                ));
            }
        }
    }
    cytoken_emulator::serve_forever(&listen, &apps, &opts).map_err(|e| format!("on {listen}: {e}"))
}
