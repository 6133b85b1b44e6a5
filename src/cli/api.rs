//! The arguments of `cytoken api` (DESIGN §10).

use std::path::PathBuf;

use clap::Args;

/// `cytoken api [-X METHOD] PATH …`
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub(crate) struct ApiArgs {
    /// The API path, relative to the profile's API base (e.g. `devices/v2`), or
    /// an absolute URL with that same origin
    #[arg(value_name = "PATH")]
    pub path: String,
    /// HTTP method (default GET, or POST when a body is given)
    #[arg(short = 'X', long = "method", value_name = "METHOD")]
    pub method: Option<String>,
    /// A string field: a query parameter for GET, a JSON body field otherwise
    #[arg(short = 'f', long = "raw-field", value_name = "KEY=VALUE")]
    pub raw_fields: Vec<String>,
    /// A typed field (numbers, true, false, null): query parameter or JSON field
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// Send this file (or `-` for stdin) as the request body
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// An extra request header
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Print the status line and the response headers before the body
    #[arg(short = 'i', long = "include")]
    pub include: bool,
    /// Fetch every page of a list and print all `page_items` as one JSON array
    #[arg(long)]
    pub paginate: bool,
    /// Items per page with --paginate
    #[arg(long, value_name = "N", default_value_t = 200, requires = "paginate")]
    pub page_size: u32,
    /// Pages fetched at once with --paginate (1..=16)
    #[arg(long, value_name = "N", default_value_t = 4, requires = "paginate")]
    pub jobs: u32,
    /// With --paginate, one item per line instead of one JSON array
    #[arg(long, requires = "paginate")]
    pub ndjson: bool,
}
