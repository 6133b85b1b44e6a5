//! What shell completion offers for an option's value, when clap alone
//! cannot say: the region names, offered without being checked here (the
//! selection checks a region with its own message, whichever layer gave it,
//! and the fast parser must read `--region` as clap does).

use std::ffi::OsStr;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};

/// The region names `--region` offers: the service's, then the multi-tenant
/// console's (`flow = "mtc"`), with what each is. The python-cyapi aliases
/// (`NA`, `EU`, …) are accepted too, but not offered.
const REGIONS: [(&str, &str); 10] = [
    ("na", "North America"),
    ("apne1", "Asia Pacific North-East"),
    ("au", "Asia Pacific South-East (also a console region)"),
    ("euc1", "Europe Central"),
    ("sae1", "South America East"),
    ("us-gov", "US Government"),
    ("us", "multi-tenant console, US"),
    ("jp", "multi-tenant console, Japan"),
    ("eu", "multi-tenant console, Europe"),
    ("sp", "multi-tenant console, South America"),
];

/// Any string, as clap's own `String` parser reads it, that names `offered`
/// as its possible values: completion scripts offer them, and no value is
/// refused for not being one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Offered(&'static [(&'static str, &'static str)]);

/// `--region`'s parser.
pub(crate) const REGION: Offered = Offered(&REGIONS);

impl TypedValueParser for Offered {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.0
                .iter()
                .map(|(name, what)| PossibleValue::new(*name).help(*what)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;
    use crate::config::service::{mtc_auth_url, region_url};

    /// Every region offered is one the selection takes (for one flow or the
    /// other). Broken by offering a name neither knows.
    #[test]
    fn every_region_offered_is_a_region() {
        for (name, _) in REGIONS {
            assert!(
                region_url(name).is_ok() || mtc_auth_url(name).is_ok(),
                "{name}"
            );
        }
    }

    /// A value not offered is still the selection's to judge (with its own
    /// message), as the fast parser leaves it.
    #[test]
    fn a_value_not_offered_is_not_refused() {
        for value in ["EU", "mars", ""] {
            let cli = Cli::try_parse_from(["cytoken", "--region", value]).unwrap();
            assert_eq!(cli.global.region.as_deref(), Some(value));
        }
    }
}
