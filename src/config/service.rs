//! Facts of the Cylance service that settings are checked against: the
//! regions and their hosts, the token path, the 30-minute limit, the issuer,
//! the claims cytoken sets itself.

use crate::error::{Error, Result};

/// The claims cytoken always sets itself; `extra_claims` may not override them.
pub(crate) const RESERVED_CLAIMS: [&str; 8] =
    ["exp", "iat", "iss", "sub", "tid", "jti", "scp", "src"];

/// The service honours at most 30 minutes between `iat` and `exp`.
pub(crate) const MAX_LIFETIME: u64 = 1800;

/// The issuer the real service expects.
pub(crate) const DEFAULT_ISSUER: &str = "http://cylance.com";

/// Path of the token endpoint below every regional host.
pub(crate) const TOKEN_PATH: &str = "/auth/v2/token";

/// Region codes (and the python-cyapi aliases) and their API hosts.
const REGIONS: [(&str, &[&str], &str); 6] = [
    ("na", &["na"], "https://protectapi.cylance.com"),
    ("apne1", &["apn"], "https://protectapi-apne1.cylance.com"),
    ("au", &["aps"], "https://protectapi-au.cylance.com"),
    ("euc1", &["eu"], "https://protectapi-euc1.cylance.com"),
    ("sae1", &["sa"], "https://protectapi-sae1.cylance.com"),
    ("us-gov", &["gov"], "https://protectapi.us.cylance.com"),
];

/// The auth URL of a region code (`euc1`) or python-cyapi alias (`EU`), case-insensitive.
pub(crate) fn region_url(region: &str) -> Result<String> {
    let wanted = region.trim().to_ascii_lowercase();
    REGIONS
        .iter()
        .find(|(code, aliases, _)| *code == wanted || aliases.contains(&wanted.as_str()))
        .map(|(_, _, host)| format!("{host}{TOKEN_PATH}"))
        .ok_or_else(|| {
            Error::config(format!(
                "unknown region {}: use one of na, apne1, au, euc1, sae1, us-gov (or NA, \
                 APN, APS, EU, SA, GOV), or set auth_url",
                shown(region)
            ))
        })
}

/// A refused region for its message: quoted only when it looks like a
/// mistyped region code (up to 8 letters, digits and dashes); anything else
/// may be a value put under the wrong key, a secret say, and is not shown.
fn shown(region: &str) -> String {
    let r = region.trim();
    if !r.is_empty() && r.len() <= 8 && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        format!("'{r}'")
    } else {
        "(not shown: it is not a region code)".to_string()
    }
}

/// The multi-tenant console's host; its regions and the Protect region each
/// one's tenants live in.
const MTC_HOST: &str = "https://api-admin.cylance.com";
const MTC_REGIONS: [(&str, &str); 5] = [
    ("us", "na"),
    ("jp", "apne1"),
    ("au", "au"),
    ("eu", "euc1"),
    ("sp", "sae1"),
];

/// The console's region names.
pub(crate) const MTC_REGION_NAMES: [&str; 5] = [
    MTC_REGIONS[0].0,
    MTC_REGIONS[1].0,
    MTC_REGIONS[2].0,
    MTC_REGIONS[3].0,
    MTC_REGIONS[4].0,
];

fn mtc_region(region: &str) -> Result<&'static (&'static str, &'static str)> {
    let wanted = region.trim().to_ascii_lowercase();
    MTC_REGIONS
        .iter()
        .find(|(r, _)| *r == wanted)
        .ok_or_else(|| {
            Error::config(format!(
                "unknown multi-tenant console region {}: use one of us, jp, au, eu, sp, or set \
                 auth_url",
                shown(region)
            ))
        })
}

/// The console's token URL for a region (`us` → `…/public/v2/us/auth`, as the
/// vendor's published spec has it).
pub(crate) fn mtc_auth_url(region: &str) -> Result<String> {
    Ok(format!(
        "{MTC_HOST}/public/v2/{}/auth",
        mtc_region(region)?.0
    ))
}

/// The Protect region of a console region's tenants (`us` → `na`).
pub(crate) fn mtc_protect_region(region: &str) -> Result<&'static str> {
    Ok(mtc_region(region)?.1)
}
